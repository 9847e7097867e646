//! Lowering SWML documents to the call-flow graph.
//!
//! A document is read with the span-keeping YAML/JSON reader
//! ([`crate::parse::cloudformation`]); it becomes one graph and one region
//! (named after the file, as scopes name it), entered at `sections.main`.
//! Each method is one list item with one key
//! (<https://developer.signalwire.com/swml/methods/>). Methods run in order;
//! the lists under `switch`, `cond`, `execute.on_return` and a `result`
//! run and then continue after their method.
//!
//! - `play` is a prompt (its `say:` text is what the recogniser reads),
//!   `prompt` a question whose answer is `prompt_value`; `switch` (its
//!   `case` keys, and `default`) and `cond` (a `when` of the form
//!   `variable == 'value'`, and `else`) are branches on it.
//! - `record_call` records in the background from where it stands until
//!   `stop_record_call` or the end of the call: `beep` defaults to false, so
//!   unless `beep: true` it starts silently; `direction` `speak`/`listen`/
//!   `both` is whose voice it holds; `terminators` are keys that stop it
//!   (<https://developer.signalwire.com/swml/methods/record_call>).
//!   A `record_call` in `connect.confirm` runs on the called party's leg once
//!   it answers: a recording from the answer.
//! - `record` is the foreground recording of a message the caller leaves
//!   (voicemail), not a recording of the call
//!   (<https://developer.signalwire.com/swml/methods/record/>).
//! - `tap` streams the call's audio to another endpoint: captured all the
//!   same. `ai`, `amazon_bedrock`, `live_transcribe`, `live_translate` and
//!   `transcribe` let a service listen to or transcribe the call: analytics.
//! - `connect`, `sip_refer`, `enter_queue`, `join_room` and
//!   `join_conference` connect the caller to another party (a conference
//!   with `record: record-from-start` records from the join); `pay` collects
//!   card details.
//! - `transfer` continues in another section (a jump), `execute` calls one
//!   and returns (a subroutine); both may name a URL instead, another
//!   document reclint does not see. `goto` jumps to a `label` of its section,
//!   when its `when` condition holds (always without one), at most `max`
//!   times, and then goes on.

use crate::hash::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::flow::{
    AnswerMatch, Beep, BeforeAnswer, Call, Capture, Edge, EntryPoint, FlowGraph, Guard, Leg,
    RecordingStart, RegionId, StepId, StepKind, Variable, Voices, Wait,
};
use crate::frontend::{LoadContext, Lowered};
use crate::parse::cloudformation;
use crate::parse::json::{Json, Value};
use crate::parse::{ParseError, Problems, Unresolved};
use crate::source::{FileId, SourceFile, Span};

/// The format name of the graphs made here (see [`crate::flow::FlowGraph::format`]).
pub const FORMAT: &str = "signalwire";

/// Where `prompt` puts the caller's answer.
const PROMPT_VALUE: &str = "prompt_value";

/// Loads SWML documents, one graph each.
pub fn load(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    for &file in files {
        let source = cx.sources.get(file);
        match cloudformation::parse(file, source) {
            Ok(template) => {
                lowered.comments.insert(file, template.comments);
                if let Some(mut graph) = document(&template.root, source, cx.problems) {
                    graph.shrink_to_fit();
                    lowered.graphs.push(graph);
                }
            }
            Err(error) => cx.problems.parse_errors.push(error),
        }
    }
    lowered
}

/// One document's graph; `None` (and a parse error) when it has no `main`
/// section to start from.
fn document(root: &Json, source: &SourceFile, problems: &mut Problems) -> Option<FlowGraph> {
    let sections = root.get("sections").map(Json::members).unwrap_or(&[]);
    let Some(main) = sections.iter().find(|s| s.key == "main") else {
        problems.parse_errors.push(ParseError::new(
            root.get("sections").map_or(root.span, |s| s.span),
            "SWML document without a `main` section",
            "the call starts in `sections.main`, which is missing",
        ));
        return None;
    };
    let mut graph = FlowGraph::of_format(FORMAT);
    let stem = source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let region = graph.add_region(stem, main.key_span);
    // One step per section first, so that jumps and calls can name
    // sections defined further down.
    let mut heads = HashMap::default();
    for section in sections {
        if heads.contains_key(section.key.as_str()) {
            continue;
        }
        let kind = if section.key == "main" {
            StepKind::Dispatch
        } else {
            StepKind::Jump
        };
        let head = graph.add_step(kind, section.key_span, region);
        graph.steps[head.index()].label = Some(format!("section {}", section.key).into());
        heads.insert(section.key.as_str(), head);
    }
    let mut executed = HashSet::default();
    executed_sections(root, &mut executed);
    let mut lowering = Swml {
        graph: &mut graph,
        region,
        heads: &heads,
        problems,
        section: "",
        returns: false,
        labels: HashMap::default(),
        gotos: Vec::new(),
    };
    // A name given twice is the first section of that name, as jumps see it.
    let mut lowered = HashSet::default();
    for section in sections {
        if lowered.insert(section.key.as_str()) {
            let head = heads[section.key.as_str()];
            lowering.section(section.key.as_str(), &section.value, head, &executed);
        }
    }
    graph.entries.push(EntryPoint {
        step: heads["main"],
        region,
        dialled: None,
    });
    Some(graph)
}

/// The sections some `execute` calls by name: they return at their end.
fn executed_sections(value: &Json, into: &mut HashSet<String>) {
    for member in value.members() {
        if member.key == "execute"
            && let Some(dest) = member.value.get("dest").and_then(Json::as_str)
        {
            into.insert(dest.to_string());
        }
        executed_sections(&member.value, into);
    }
    for item in value.as_array() {
        executed_sections(item, into);
    }
}

struct Swml<'g, 'h, 'p> {
    graph: &'g mut FlowGraph,
    region: RegionId,
    /// Each section's first step.
    heads: &'h HashMap<&'h str, StepId>,
    problems: &'p mut Problems,
    /// The section being lowered, and whether it is executed (returns).
    section: &'h str,
    returns: bool,
    /// The `label`s of the section being lowered.
    labels: HashMap<String, StepId>,
    /// `goto`s of the section being lowered, linked once its labels are known.
    gotos: Vec<(StepId, String, Span)>,
}

impl<'h> Swml<'_, 'h, '_> {
    fn section(&mut self, name: &'h str, methods: &Json, head: StepId, executed: &HashSet<String>) {
        self.section = name;
        self.returns = executed.contains(name);
        self.labels.clear();
        // An executed section returns to its caller at its end; `main` and
        // sections reached by `transfer` end the call there.
        let end = self
            .returns
            .then(|| self.graph.add_step(StepKind::Return, methods.span, self.region));
        let first = self.methods(methods.as_array(), end);
        if let Some(first) = first {
            self.graph.add_edge(head, Edge::plain(first));
        }
        for (step, label, span) in std::mem::take(&mut self.gotos) {
            match self.labels.get(&label) {
                Some(&target) => self.graph.add_edge(step, Edge::plain(target)),
                None => self.problems.unresolved.push(Unresolved::new(
                    span,
                    format!("label `{label}` is not defined in section `{name}`"),
                    "the call cannot be followed past this goto",
                )),
            }
        }
    }

    /// Lowers methods in order, continuing at `next`; returns the first step.
    fn methods(&mut self, items: &[Json], next: Option<StepId>) -> Option<StepId> {
        let mut next = next;
        for item in items.iter().rev() {
            next = Some(self.method(item, next));
        }
        next
    }

    /// A nested list of methods (a `case`, a `then`), continuing at `next`.
    /// Nesting is bounded by the reader's depth limit
    /// ([`crate::parse::json::MAX_DEPTH`]), so the recursion is too.
    fn block(&mut self, list: Option<&Json>, next: Option<StepId>) -> Option<StepId> {
        self.methods(list.map(Json::as_array).unwrap_or(&[]), next)
    }

    /// A step made by method `name` at `item`, named and recorded as its
    /// statement.
    fn step(&mut self, kind: StepKind, name: &str, item: &Json, params: &Json) -> StepId {
        let step = self.graph.add_step(kind, item.span, self.region);
        let mut label = match detail(name, params) {
            Some(detail) if !detail.is_empty() => format!("{name} {detail}"),
            _ => name.to_string(),
        };
        if self.section != "main" {
            label = format!("{label} in section {}", self.section);
        }
        self.graph.steps[step.index()].label = Some(label.into());
        self.graph.set_statement(step, name, &params.to_compact());
        step
    }

    /// Steps in order at `item`, continuing at `next`; returns the first.
    fn chain(
        &mut self,
        kinds: Vec<StepKind>,
        name: &str,
        item: &Json,
        params: &Json,
        next: Option<StepId>,
    ) -> StepId {
        let mut steps: Vec<StepId> = kinds
            .into_iter()
            .map(|kind| self.step(kind, name, item, params))
            .collect();
        if steps.is_empty() {
            steps.push(self.step(StepKind::Other, name, item, params));
        }
        for pair in steps.windows(2) {
            self.graph.add_edge(pair[0], Edge::plain(pair[1]));
        }
        if let (Some(&last), Some(next)) = (steps.last(), next) {
            self.graph.add_edge(last, Edge::plain(next));
        }
        steps[0]
    }

    fn method(&mut self, item: &Json, next: Option<StepId>) -> StepId {
        // `- hangup` written without parameters.
        let no_params = Json {
            value: Value::Null,
            span: item.span,
        };
        let (name, params) = match (item.as_str(), item.members()) {
            (Some(name), _) => (name, &no_params),
            (None, [member]) => (member.key.as_str(), &member.value),
            _ => {
                self.problems.parse_errors.push(ParseError::new(
                    item.span,
                    "a SWML method is an object with one key, the method's name",
                    "not read as a method",
                ));
                return self.chain(Vec::new(), "unreadable method", item, item, next);
            }
        };
        let text = |key: &str| params.get(key).and_then(Json::as_text);
        let kinds = match name {
            "answer" => vec![StepKind::Answer],
            "play" => vec![StepKind::Prompt {
                prompts: sounds(params.get("urls").or(params.get("url")).unwrap_or(params)),
            }],
            "prompt" => vec![StepKind::Input {
                variable: Box::new(Variable::Named(PROMPT_VALUE.into())),
                prompts: params.get("play").map(sounds).unwrap_or_default(),
            }],
            "switch" | "cond" => return self.branch(name, item, params, next),
            "record_call" => record_call(params, false),
            "stop_record_call" => vec![StepKind::RecordingStop],
            "tap" => vec![tap(params)],
            "ai" | "amazon_bedrock" | "transcribe" => vec![analytics(name)],
            "live_transcribe" | "live_translate" if starts(params) => vec![analytics(name)],
            "pay" => vec![StepKind::Payment],
            "connect" => return self.connect(item, params, next),
            "sip_refer" => vec![connection(text("to_uri").unwrap_or_default(), Wait::Ringing)],
            // After the bridge the call goes on in `transfer_after_bridge`,
            // another document (https://developer.signalwire.com/swml/methods/enter_queue).
            "enter_queue" => {
                let queue = format!("queue {}", text("queue_name").unwrap_or_default());
                return self.chain(vec![connection(queue, Wait::Queue)], name, item, params, None);
            }
            "join_room" | "join_conference" => return self.join(name, item, params, next),
            "transfer" => return self.transfer(item, params),
            "execute" => return self.execute(item, params, next),
            "goto" => return self.goto(item, params, next),
            "label" => {
                let step = self.chain(Vec::new(), name, item, params, next);
                if let Some(label) = params.as_text() {
                    self.labels.entry(label).or_insert(step);
                }
                return step;
            }
            "hangup" => return self.step(StepKind::Hangup, name, item, params),
            // Returns to the caller of an executed section; elsewhere it
            // ends the script, and with it the call.
            "return" => {
                let kind = if self.returns {
                    StepKind::Return
                } else {
                    StepKind::Other
                };
                return self.step(kind, name, item, params);
            }
            "set" => assignments(params),
            _ => Vec::new(),
        };
        self.chain(kinds, name, item, params, next)
    }

    /// `switch` (and a `result` as an object): a branch on a variable's
    /// value, `case` by value and `default`. `cond` (and a `result` as
    /// a list): `when` conditions in order, then `else`. Without a default
    /// or `else`, the call goes on after the method.
    fn branch(
        &mut self,
        name: &str,
        item: &Json,
        params: &Json,
        next: Option<StepId>,
    ) -> StepId {
        let step = self.step(StepKind::Branch, name, item, params);
        let (arms, otherwise) = if params.get("variable").is_some() {
            self.switch_arms(params, next)
        } else {
            self.cond_arms(params, next)
        };
        for (to, guards) in arms {
            self.graph.add_edge(step, Edge { to, guards });
        }
        if let Some(to) = otherwise.0 {
            self.graph.add_edge(
                step,
                Edge {
                    to,
                    guards: otherwise.1,
                },
            );
        }
        step
    }

    fn switch_arms(&mut self, params: &Json, next: Option<StepId>) -> Arms {
        let variable = variable(&params.get("variable").and_then(Json::as_text).unwrap_or_default());
        let mut arms = Vec::new();
        let mut values = Vec::new();
        for case in params.get("case").map(Json::members).unwrap_or(&[]) {
            values.push(case.key.to_string());
            if let Some(to) = self.block(Some(&case.value), next) {
                let answer = AnswerMatch::Values(vec![case.key.to_string()]);
                arms.push((to, vec![answer_guard(&variable, answer)]));
            }
        }
        let otherwise = self.block(params.get("default"), next);
        let default = Guard::Default {
            variable,
            not: values,
        };
        (arms, (otherwise, vec![default]))
    }

    fn cond_arms(&mut self, params: &Json, next: Option<StepId>) -> Arms {
        let mut arms = Vec::new();
        // The variable every `when` compares and the values they name, while
        // all of them compare the same one.
        let mut tested: Option<(Variable, Vec<String>)> = None;
        let mut one_variable = true;
        let mut otherwise = None;
        for condition in params.as_array() {
            if let Some(list) = condition.get("else") {
                otherwise = Some(list);
                continue;
            }
            let when = condition.get("when").and_then(Json::as_text).unwrap_or_default();
            let test = comparison(&when);
            match (&mut tested, &test) {
                (None, Some((variable, value))) => {
                    tested = Some((variable.clone(), vec![value.clone()]));
                }
                (Some((seen, values)), Some((variable, value))) if seen == variable => {
                    values.push(value.clone());
                }
                _ => one_variable = false,
            }
            if let Some(to) = self.block(condition.get("then"), next) {
                let guards = test
                    .map(|(variable, value)| {
                        vec![answer_guard(&variable, AnswerMatch::Values(vec![value]))]
                    })
                    .unwrap_or_default();
                arms.push((to, guards));
            }
        }
        let to = match otherwise {
            Some(list) => self.block(Some(list), next),
            None => next,
        };
        let guards = match tested {
            Some((variable, not)) if one_variable => vec![Guard::Default { variable, not }],
            _ => Vec::new(),
        };
        (arms, (to, guards))
    }

    /// `connect`: a recording its `confirm` starts on the answering leg, the
    /// connection, then what its `result` runs once the other party hangs up.
    fn connect(&mut self, item: &Json, params: &Json, next: Option<StepId>) -> StepId {
        let after = self.result(item, params, next);
        let target = connect_target(params).unwrap_or_default();
        let mut first = self.chain(
            vec![connection(target, Wait::Ringing)],
            "connect",
            item,
            params,
            after,
        );
        // Each at its own method: the recording starts as the call connects.
        for confirm in params.get("confirm").map(Json::as_array).unwrap_or(&[]).iter().rev() {
            if let [member] = confirm.members()
                && member.key == "record_call"
            {
                for kind in record_call(&member.value, true).into_iter().rev() {
                    let step = self.step(kind, "record_call", confirm, &member.value);
                    self.graph.add_edge(step, Edge::plain(first));
                    first = step;
                }
            }
        }
        first
    }

    /// `join_room` and `join_conference`: the other parties are already
    /// there. A conference with `record: record-from-start` is recorded from
    /// when the caller joins
    /// (<https://developer.signalwire.com/swml/methods/join_conference>).
    fn join(&mut self, name: &str, item: &Json, params: &Json, next: Option<StepId>) -> StepId {
        let after = self.result(item, params, next);
        let mut kinds = Vec::new();
        if params.get("record").and_then(Json::as_text).as_deref() == Some("record-from-start") {
            kinds.push(StepKind::recording(RecordingStart {
                before_answer: BeforeAnswer::NotRecorded,
                ..RecordingStart::new("join_conference record-from-start", Capture::Immediately)
            }));
        }
        let room = params.get("name").and_then(Json::as_text).unwrap_or_default();
        kinds.push(connection(format!("{name} {room}"), Wait::Nothing));
        self.chain(kinds, name, item, params, after)
    }

    /// What `result` (a `switch` or a `cond`) runs once the other party or
    /// the conference has ended, then `next`.
    fn result(&mut self, item: &Json, params: &Json, next: Option<StepId>) -> Option<StepId> {
        match params.get("result") {
            Some(result) => Some(self.branch("result", item, result, next)),
            None => next,
        }
    }

    /// `transfer`: on in another section, or in another document.
    fn transfer(&mut self, item: &Json, params: &Json) -> StepId {
        let dest = destination_of(params);
        match self.section_head(&dest, params) {
            Some(head) => {
                let step = self.step(StepKind::Jump, "transfer", item, params);
                self.graph.add_edge(step, Edge::plain(head));
                step
            }
            None => self.step(StepKind::Unknown, "transfer", item, params),
        }
    }

    /// `execute`: a section (or another document) run as a subroutine, then
    /// `on_return`, then the next method.
    fn execute(&mut self, item: &Json, params: &Json, next: Option<StepId>) -> StepId {
        let dest = destination_of(params);
        let callee = self.section_head(&dest, params);
        let after = match params.get("on_return") {
            Some(list) => self.block(Some(list), next),
            None => next,
        };
        let call = StepKind::Call(Call {
            callee,
            leg: Leg::Caller,
            arguments: Vec::new(),
        });
        self.chain(vec![call], "execute", item, params, after)
    }

    /// The first step of section `dest`; `None` for a URL or inline document,
    /// and for an undefined section (reported).
    fn section_head(&mut self, dest: &str, params: &Json) -> Option<StepId> {
        if let Some(&head) = self.heads.get(dest) {
            return Some(head);
        }
        let elsewhere = dest.contains("://")
            || dest.starts_with('{')
            || dest.starts_with("relay:")
            || dest.contains("%{");
        if !elsewhere {
            self.problems.unresolved.push(Unresolved::new(
                params.get("dest").map_or(params.span, |d| d.span),
                format!("section `{dest}` is not defined in this document"),
                "the call cannot be followed past this method",
            ));
        }
        None
    }

    /// `goto`: to its label when its `when` condition holds (always
    /// without one), at most `max` times (100 by default); then on to the
    /// next method.
    fn goto(&mut self, item: &Json, params: &Json, next: Option<StepId>) -> StepId {
        let step = self.step(StepKind::Branch, "goto", item, params);
        let label = params.get("label").and_then(Json::as_text).unwrap_or_default();
        let span = params.get("label").map_or(item.span, |l| l.span);
        self.gotos.push((step, label, span));
        if let Some(next) = next {
            self.graph.add_edge(step, Edge::plain(next));
        }
        step
    }
}

/// A branch's guarded arms, and where it goes when none matches.
type Arms = (Vec<(StepId, Vec<Guard>)>, (Option<StepId>, Vec<Guard>));

fn answer_guard(variable: &Variable, answer: AnswerMatch) -> Guard {
    Guard::Answer {
        variable: variable.clone(),
        answer,
    }
}

/// What messages say about a method besides its name: what it plays, whom
/// it connects, where it goes.
fn detail(name: &str, params: &Json) -> Option<String> {
    match name {
        "play" => sounds(params.get("urls").or(params.get("url")).unwrap_or(params))
            .first()
            .map(|s| format!("\"{s}\"")),
        "prompt" => params
            .get("play")
            .map(sounds)
            .and_then(|s| s.first().map(|s| format!("\"{s}\""))),
        "connect" => connect_target(params).map(|to| format!("to {to}")),
        "sip_refer" => params
            .get("to_uri")
            .and_then(Json::as_text)
            .map(|to| format!("to {to}")),
        "transfer" | "execute" => Some(format!("to {}", destination_of(params))),
        "enter_queue" => params.get("queue_name").and_then(Json::as_text),
        "goto" => params.get("label").and_then(Json::as_text),
        _ => None,
    }
}

/// `record_call`'s recording. On the caller's leg it records from here on;
/// in `connect.confirm` (`answering_leg`) it runs on the called party's leg
/// once that party answers, where `speak` is what the caller hears.
fn record_call(params: &Json, answering_leg: bool) -> Vec<StepKind> {
    let text = |key: &str| params.get(key).and_then(Json::as_text);
    let beep = if text("beep").is_some_and(|b| b.eq_ignore_ascii_case("true")) {
        Beep::Plays
    } else {
        Beep::Silent
    };
    let (recorder, capture) = if answering_leg {
        ("record_call in connect.confirm", Capture::FromBridge)
    } else {
        ("record_call", Capture::Immediately)
    };
    let start = RecordingStart {
        beep,
        voices: direction_voices(text("direction").as_deref(), answering_leg),
        before_answer: BeforeAnswer::of(capture),
        ..RecordingStart::new(recorder, capture)
    };
    let mut kinds = vec![StepKind::recording(start)];
    // Keys that end the recording: the caller can withdraw with them.
    if text("terminators").is_some_and(|t| !t.trim().is_empty()) {
        kinds.push(StepKind::StopOffered);
    }
    kinds
}

/// `direction`: `speak` is what the leg's party says, `listen` what it hears.
fn direction_voices(direction: Option<&str>, answering_leg: bool) -> Voices {
    match (direction, answering_leg) {
        (Some("speak"), false) | (Some("listen"), true) => Voices::Caller,
        (Some("listen"), false) | (Some("speak"), true) => Voices::Heard,
        _ => Voices::Both,
    }
}

/// `live_transcribe`/`live_translate` start a session with `action: {start:
/// ...}`; `stop`, `summarize` and `inject` act on one already running
/// (<https://developer.signalwire.com/swml/methods/live_transcribe/action>).
fn starts(params: &Json) -> bool {
    params
        .get("action")
        .and_then(|action| action.get("start"))
        .is_some()
}

fn analytics(name: &str) -> StepKind {
    StepKind::analytics(format!("SWML {name}"))
}

fn connection(target: String, waits: Wait) -> StepKind {
    StepKind::Connection { target, waits }
}

/// `tap`: the call's audio streamed live to `uri`, by default only what the
/// caller says (`direction` defaults to `speak`); over `rtp://` or `ws://`
/// the stream leaves unencrypted
/// (<https://developer.signalwire.com/swml/methods/tap>).
fn tap(params: &Json) -> StepKind {
    let uri = params.get("uri").and_then(Json::as_text).unwrap_or_default();
    let direction = params.get("direction").and_then(Json::as_text);
    StepKind::recording(RecordingStart {
        stream: true,
        voices: direction_voices(Some(direction.as_deref().unwrap_or("speak")), false),
        unencrypted: uri.starts_with("rtp://") || uri.starts_with("ws://"),
        ..RecordingStart::new(format!("tap to {uri}"), Capture::Immediately)
    })
}

/// Whom `connect` dials: `to`, or the first of its `serial`/`parallel` lists.
fn connect_target(params: &Json) -> Option<String> {
    ["to", "serial", "parallel", "serial_parallel"]
        .iter()
        .find_map(|key| params.get(key).map(destination))
}

/// The first number or address of a `connect` destination: `to`, or the
/// `to` of the first entry of `serial`/`parallel` lists.
fn destination(value: &Json) -> String {
    if let Some(text) = value.as_text() {
        return text;
    }
    value
        .get("to")
        .and_then(Json::as_text)
        .or_else(|| value.as_array().first().map(destination))
        .unwrap_or_default()
}

/// `transfer`/`execute` `dest`, or the method's value when it is just a
/// string (`transfer: sales`).
fn destination_of(params: &Json) -> String {
    params
        .get("dest")
        .and_then(Json::as_text)
        .or_else(|| params.as_text())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Playable sounds: a string or a list of them; `say:` text is read as
/// spoken text, anything else (a URL, `silence:`, `ring:`) as a file name.
fn sounds(value: &Json) -> Vec<String> {
    let one = |sound: &Json| {
        sound.as_text().map(|s| {
            let s = s.trim();
            s.strip_prefix("say:").map_or(s, str::trim).to_string()
        })
    };
    match value.as_array() {
        [] => one(value).into_iter().collect(),
        list => list.iter().filter_map(one).collect(),
    }
}

/// `set`: a variable set to another's value (`consent: '%{prompt_value}'`)
/// is a copy of it.
fn assignments(params: &Json) -> Vec<StepKind> {
    params
        .members()
        .iter()
        .filter_map(|member| {
            let value = member.value.as_text()?;
            let inner = value.trim().strip_prefix("%{")?.strip_suffix('}')?;
            (!inner.contains(['{', '}'])).then(|| StepKind::Assign {
                variable: Box::new(variable(&member.key)),
                from: Box::new(variable(inner)),
            })
        })
        .collect()
}

/// A variable as SWML names it in a `switch`, `set` or condition, without
/// `%{...}` and the `vars.` scope: `vars.prompt_value` is `prompt_value`.
fn variable(name: &str) -> Variable {
    let name = name.trim();
    let name = name
        .strip_prefix("%{")
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name)
        .trim();
    Variable::Named(name.strip_prefix("vars.").unwrap_or(name).to_string())
}

/// A `cond` condition SWML evaluates as JavaScript, when it is one
/// comparison of a variable with a value: `prompt_value == '1'`,
/// `vars.consent === "yes"`, `prompt_value == 1`.
fn comparison(when: &str) -> Option<(Variable, String)> {
    static COMPARISON: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"^\s*([A-Za-z_][\w.]*)\s*===?\s*(?:'([^']*)'|"([^"]*)"|([\w.+-]+))\s*$"#,
        )
        .expect("valid regex")
    });
    let captures = COMPARISON.captures(when)?;
    let value = (2..=4).find_map(|i| captures.get(i))?.as_str().to_string();
    Some((variable(&captures[1]), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The graph of a SWML text, and what could not be read.
    fn lowered(text: &str) -> (Option<FlowGraph>, Problems) {
        let source = SourceFile::new("ivr.yaml".into(), "ivr.yaml".into(), text.into());
        let template = cloudformation::parse(FileId(0), &source).expect("valid YAML");
        let mut problems = Problems::default();
        (document(&template.root, &source, &mut problems), problems)
    }

    /// The recording starts, last method first (methods are lowered from
    /// the end).
    fn recordings(graph: &FlowGraph) -> Vec<(String, Capture, Beep, Voices)> {
        graph
            .recording_starts()
            .map(|(_, r)| (r.recorder.clone(), r.capture, r.beep, r.voices))
            .collect()
    }

    #[test]
    fn record_call_is_silent_unless_it_beeps_and_records_from_the_answer_in_confirm() {
        let (graph, problems) = lowered(concat!(
            "version: 1.0.0\n",
            "sections:\n",
            "  main:\n",
            "    - record_call: {direction: speak}\n",
            "    - record_call: {beep: true}\n",
            "    - connect:\n",
            "        to: '+1555'\n",
            "        confirm:\n",
            "          - record_call: {direction: speak}\n",
        ));
        let graph = graph.expect("a graph");
        assert!(problems.parse_errors.is_empty() && problems.unresolved.is_empty());
        assert_eq!(
            recordings(&graph),
            [
                ("record_call in connect.confirm".to_string(), Capture::FromBridge, Beep::Silent, Voices::Heard),
                ("record_call".to_string(), Capture::Immediately, Beep::Plays, Voices::Both),
                ("record_call".to_string(), Capture::Immediately, Beep::Silent, Voices::Caller),
            ]
        );
    }

    #[test]
    fn tap_streams_the_callers_voice_unencrypted_over_rtp() {
        let (graph, _) = lowered(concat!(
            "version: 1.0.0\n",
            "sections:\n",
            "  main:\n",
            "    - tap: {uri: 'rtp://192.0.2.10:4000'}\n",
            "    - tap: {uri: 'wss://example.com/tap', direction: both}\n",
        ));
        let graph = graph.expect("a graph");
        let taps: Vec<(bool, Voices, bool)> = graph
            .recording_starts()
            .map(|(_, r)| (r.stream, r.voices, r.unencrypted))
            .collect();
        assert_eq!(taps, [(true, Voices::Both, false), (true, Voices::Caller, true)]);
    }

    /// The guards on the edges of the document's one branch.
    fn branch_guards(graph: &FlowGraph) -> Vec<Vec<Guard>> {
        let branch = graph
            .steps
            .iter()
            .find(|s| matches!(s.kind, StepKind::Branch))
            .expect("a branch");
        branch.edges.iter().map(|e| e.guards.clone()).collect()
    }

    #[test]
    fn switch_cases_are_answers_and_default_the_rest() {
        let (graph, _) = lowered(concat!(
            "version: 1.0.0\n",
            "sections:\n",
            "  main:\n",
            "    - prompt: {play: 'say:Press 1'}\n",
            "    - switch:\n",
            "        variable: vars.prompt_value\n",
            "        case:\n",
            "          '1': [{hangup: {}}]\n",
            "        default: [{hangup: {}}]\n",
        ));
        let variable = Variable::Named(PROMPT_VALUE.into());
        assert_eq!(
            branch_guards(&graph.expect("a graph")),
            [
                vec![answer_guard(&variable, AnswerMatch::Values(vec!["1".into()]))],
                vec![Guard::Default {
                    variable,
                    not: vec!["1".into()]
                }],
            ]
        );
    }

    #[test]
    fn cond_comparisons_are_answers_and_else_is_the_default() {
        let (graph, _) = lowered(concat!(
            "version: 1.0.0\n",
            "sections:\n",
            "  main:\n",
            "    - prompt: {play: 'say:Press 1'}\n",
            "    - cond:\n",
            "        - when: prompt_value == '1'\n",
            "          then: [{hangup: {}}]\n",
            "        - when: prompt_value === \"2\"\n",
            "          then: [{hangup: {}}]\n",
            "        - else: [{hangup: {}}]\n",
        ));
        let variable = Variable::Named(PROMPT_VALUE.into());
        let value = |v: &str| answer_guard(&variable, AnswerMatch::Values(vec![v.into()]));
        assert_eq!(
            branch_guards(&graph.expect("a graph")),
            [
                vec![value("1")],
                vec![value("2")],
                vec![Guard::Default {
                    variable: variable.clone(),
                    not: vec!["1".into(), "2".into()]
                }],
            ]
        );
    }

    #[test]
    fn undefined_sections_and_labels_are_unresolved_and_urls_are_elsewhere() {
        let (_, problems) = lowered(concat!(
            "version: 1.0.0\n",
            "sections:\n",
            "  main:\n",
            "    - execute: {dest: 'https://example.com/a.swml'}\n",
            "    - goto: {label: nowhere}\n",
            "    - transfer: {dest: billing}\n",
        ));
        let messages: Vec<&str> = problems.unresolved.iter().map(|u| u.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "section `billing` is not defined in this document",
                "label `nowhere` is not defined in section `main`"
            ]
        );
    }

    #[test]
    fn a_document_without_main_is_a_parse_error() {
        let (graph, problems) = lowered(concat!(
            "version: 1.0.0\n",
            "sections:\n",
            "  other:\n",
            "    - hangup: {}\n",
        ));
        assert!(graph.is_none());
        assert_eq!(problems.parse_errors.len(), 1);
    }

    #[test]
    fn comparisons_of_one_variable_are_read() {
        let read = |when: &str| comparison(when).map(|(v, value)| (v.to_string(), value));
        assert_eq!(read("prompt_value == '1'"), Some(("prompt_value".into(), "1".into())));
        assert_eq!(read("vars.consent === \"yes\""), Some(("consent".into(), "yes".into())));
        assert_eq!(read("prompt_value == 1"), Some(("prompt_value".into(), "1".into())));
        assert_eq!(read("prompt_value == 1 || prompt_value == 2"), None);
        assert_eq!(read("call.type.toLowerCase() == 'sip'"), None);
    }

    #[test]
    fn sounds_read_say_text_and_urls() {
        let json = |text: &str| crate::parse::json::parse(FileId(0), text, None).expect("valid JSON");
        assert_eq!(sounds(&json(r#""say: This call is recorded.""#)), ["This call is recorded."]);
        assert_eq!(
            sounds(&json(r#"["https://example.com/a.wav", "say:Hi"]"#)),
            ["https://example.com/a.wav", "Hi"]
        );
    }
}
