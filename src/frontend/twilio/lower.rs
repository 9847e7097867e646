//! Lowering Twilio TwiML documents and Studio flows to the call-flow graph.
//!
//! TwiML runs verb by verb. `<Gather action=...>` sends an answer to another
//! document, so what follows a Gather in the same document runs only when no
//! input arrives: that is the default outcome of the question. `<Dial
//! record="record-from-answer">` records from the answer,
//! `record-from-ringing` from the ringing on; `<Start><Recording/>` records
//! from that verb on, before whatever follows.
//!
//! A Studio flow is a set of widgets joined by transitions; a
//! `split-based-on` tests a value (`{{widgets.consent.Digits}}`) with
//! explicit answers on `match` and the default on `noMatch`; the Call
//! Recording widget (`record-call`) starts or stops recording.

use std::collections::HashMap;

use roxmltree::{Document, Node};

use crate::flow::{
    AnswerMatch, BeforeAnswer, Capture, Edge, EntryPoint, FlowGraph, Guard, RecordingStart,
    RegionId, StepId, StepKind, Variable, Voices, Wait,
};
use crate::frontend::{LoadContext, Lowered};
use crate::parse::json::{self, Json};
use crate::parse::xml::{self, Located};
use crate::parse::{ParseError, Problems, Unresolved};
use crate::source::{FileId, SourceFile};

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "twilio";

/// Loads TwiML documents, one region and entry each.
pub fn load_twiml(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    for &file in files {
        let source = cx.sources.get(file);
        let problems = &mut *cx.problems;
        let read = xml::read(file, source, false, |document, at| {
            let mut graph = FlowGraph::of_format(FORMAT);
            twiml_document(&mut graph, document, at, source, problems);
            (graph, at.comments(document, source))
        });
        match read {
            Ok((mut graph, comments)) => {
                lowered.comments.insert(file, comments);
                if !graph.is_empty() {
                    graph.shrink_to_fit();
                    lowered.graphs.push(graph);
                }
            }
            Err(error) => cx.problems.parse_errors.push(error),
        }
    }
    lowered
}

fn file_stem(source: &SourceFile) -> String {
    source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn twiml_document(
    graph: &mut FlowGraph,
    document: &Document,
    at: Located,
    source: &SourceFile,
    problems: &mut Problems,
) {
    let root = document.root_element();
    if !root.has_tag_name("Response") {
        return;
    }
    let region = graph.add_region(file_stem(source), at.start_tag_span(root));
    let entry = graph.add_step(StepKind::Dispatch, at.start_tag_span(root), region);
    graph.entries.push(EntryPoint {
        step: entry,
        region,
        dialled: None,
    });
    let mut twiml = Twiml {
        graph,
        at,
        region,
        problems,
    };
    let first = twiml.verbs(xml::elements(root).collect(), None, 0);
    if let Some(first) = first {
        twiml.graph.add_edge(entry, Edge::plain(first));
    }
}

struct Twiml<'g, 'p> {
    graph: &'g mut FlowGraph,
    at: Located,
    region: RegionId,
    problems: &'p mut Problems,
}

impl Twiml<'_, '_> {
    fn step(&mut self, kind: StepKind, node: Node) -> StepId {
        let span = self.at.start_tag_span(node);
        let step = self.graph.add_step(kind, span, self.region);
        // `record="record-from-ringing" action="/next"`, then the text.
        let mut arguments: Vec<String> = node
            .attributes()
            .map(|a| format!("{}=\"{}\"", a.name(), a.value()))
            .collect();
        arguments.extend(
            node.text()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        );
        self.graph
            .set_statement(step, node.tag_name().name(), arguments.join(" "));
        step
    }

    fn link(&mut self, from: StepId, to: Option<StepId>) {
        if let Some(to) = to {
            self.graph.add_edge(from, Edge::plain(to));
        }
    }

    /// Lowers verbs in order, continuing at `next`; returns the first step.
    fn verbs(&mut self, verbs: Vec<Node>, next: Option<StepId>, depth: usize) -> Option<StepId> {
        let mut next = next;
        for verb in verbs.into_iter().rev() {
            next = Some(self.verb(verb, next, depth));
        }
        next
    }

    fn verb(&mut self, verb: Node, next: Option<StepId>, depth: usize) -> StepId {
        let name = verb.tag_name().name();
        match name {
            "Say" | "Play" => {
                let prompt = verb.text().unwrap_or("").trim().to_string();
                let step = self.step(
                    StepKind::Prompt {
                        prompts: vec![prompt],
                    },
                    verb,
                );
                self.link(step, next);
                step
            }
            "Pay" => {
                let step = self.step(StepKind::Payment, verb);
                self.link(step, next);
                step
            }
            "Gather" => self.gather(verb, next),
            "Dial" => self.dial(verb, next),
            "Connect" => self.connect(verb, next),
            "Start" => self.start(verb, next),
            "Stop" => {
                let kind = if xml::elements(verb).any(|c| c.has_tag_name("Recording")) {
                    StepKind::RecordingStop
                } else {
                    StepKind::Other
                };
                self.chain(vec![(kind, verb)], next)
            }
            "Enqueue" => self.chain(
                vec![(
                    StepKind::Connection {
                        target: format!("queue {}", verb.text().unwrap_or("").trim()),
                        waits: Wait::Queue,
                    },
                    verb,
                )],
                next,
            ),
            "Hangup" | "Reject" => self.step(StepKind::Hangup, verb),
            // The call continues in another document.
            "Redirect" => self.step(StepKind::Unknown, verb),
            _ if depth < xml::MAX_DEPTH => {
                let step = self.step(StepKind::Other, verb);
                self.link(step, next);
                step
            }
            _ => {
                self.problems.parse_errors.push(ParseError::new(
                    self.at.span(verb),
                    format!("TwiML nested deeper than {} levels", xml::MAX_DEPTH),
                    "not read below this element",
                ));
                self.step(StepKind::Other, verb)
            }
        }
    }

    /// `<Gather>`: an input whose answer goes to the `action` document.
    fn gather(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let prompts: Vec<String> = xml::elements(verb)
            .filter(|c| c.has_tag_name("Say") || c.has_tag_name("Play"))
            .map(|c| c.text().unwrap_or("").trim().to_string())
            .collect();
        let variable = Variable::Named(format!("gather:{}", self.at.start_tag_span(verb).start));
        let step = self.step(
            StepKind::Input {
                variable: variable.clone(),
                prompts,
            },
            verb,
        );
        // The answer goes to the `action` document, which reclint
        // does not see; no input falls through to the next verb.
        let answered = self.step(StepKind::Unknown, verb);
        self.graph.add_edge(
            step,
            Edge {
                to: answered,
                guards: vec![Guard::Answer {
                    variable: variable.clone(),
                    answer: AnswerMatch::AnyValue,
                }],
            },
        );
        if let Some(next) = next {
            self.graph.add_edge(
                step,
                Edge {
                    to: next,
                    guards: vec![Guard::Default {
                        variable,
                        not: Vec::new(),
                    }],
                },
            );
        }
        step
    }

    /// `<Dial>`: its recording (`record`, a conference recorded from the
    /// start), then the connection.
    fn dial(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        let record = verb.attribute("record").unwrap_or("");
        if let Some(capture) = dial_capture(record) {
            chain.push((
                RecordingStart {
                    voices: track_voices(verb.attribute("recordingTrack")),
                    ..twilio_recording(format!("<Dial record=\"{record}\">"), capture)
                }
                .into(),
                verb,
            ));
        }
        if let Some(conference) = xml::elements(verb).find(|c| c.has_tag_name("Conference"))
            && conference
                .attribute("record")
                .is_some_and(|r| r.starts_with("record-from-start"))
        {
            chain.push((conference_recording(), conference));
        }
        let target = xml::elements(verb)
            .map(|c| c.text().unwrap_or("").trim().to_string())
            .find(|t| !t.is_empty())
            .or_else(|| verb.text().map(|t| t.trim().to_string()))
            .unwrap_or_default();
        chain.push((
            StepKind::Connection {
                target,
                waits: Wait::Ringing,
            },
            verb,
        ));
        // With an `action`, the call continues in another document.
        let after = if verb.attribute("action").is_some() {
            None
        } else {
            next
        };
        self.chain(chain, after)
    }

    /// `<Connect>`: recordings and media streams of its nouns, then the connection.
    fn connect(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        for child in xml::elements(verb) {
            if let Some(capture) = child.attribute("record").and_then(dial_capture) {
                chain.push((
                    recording(format!("<{} record>", child.tag_name().name()), capture),
                    child,
                ));
            }
            if let Some(analytics) = streamed(child) {
                chain.push((analytics, child));
            }
        }
        chain.push((
            StepKind::Connection {
                target: "Connect".into(),
                waits: Wait::Nothing,
            },
            verb,
        ));
        self.chain(chain, next)
    }

    /// `<Start>`: a recording or media stream started in the background.
    fn start(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        for child in xml::elements(verb) {
            if child.has_tag_name("Recording") {
                chain.push((
                    RecordingStart {
                        voices: track_voices(child.attribute("track")),
                        ..twilio_recording("<Start><Recording>".into(), Capture::Immediately)
                    }
                    .into(),
                    child,
                ));
            }
            if let Some(analytics) = streamed(child) {
                chain.push((analytics, child));
            }
        }
        if chain.is_empty() {
            chain.push((StepKind::Other, verb));
        }
        self.chain(chain, next)
    }

    /// Steps in order (each at its element), continuing at `next`; returns the first.
    fn chain(&mut self, steps: Vec<(StepKind, Node)>, next: Option<StepId>) -> StepId {
        let mut first = None;
        let mut previous: Option<StepId> = None;
        for (kind, node) in steps {
            let step = self.step(kind, node);
            if let Some(p) = previous {
                self.link(p, Some(step));
            }
            first.get_or_insert(step);
            previous = Some(step);
        }
        if let Some(last) = previous {
            self.link(last, next);
        }
        first.expect("every TwiML verb lowers to at least one step")
    }
}

/// `<Stream>` and `<Transcription>` under `<Start>` or `<Connect>`: the
/// call's audio goes to another service while the call runs.
fn streamed(noun: Node) -> Option<StepKind> {
    let name = noun.tag_name().name();
    matches!(name, "Stream" | "Transcription" | "VirtualAgent").then(|| {
        StepKind::analytics(match noun.attribute("url") {
            Some(url) => format!("<{name}> to {url}"),
            None => format!("<{name}>"),
        })
    })
}

/// `<Conference record="record-from-start">`: from when the caller joins the
/// conference, where the caller is already connected.
fn conference_recording() -> StepKind {
    StepKind::recording(RecordingStart {
        before_answer: BeforeAnswer::NotRecorded,
        ..RecordingStart::new("<Conference record=\"record-from-start\">", Capture::Immediately)
    })
}

/// `<Dial record=...>`: from the answer, or from the ringing on.
fn dial_capture(record: &str) -> Option<Capture> {
    match record {
        "record-from-answer" | "record-from-answer-dual" | "true" => Some(Capture::FromBridge),
        "record-from-ringing" | "record-from-ringing-dual" => Some(Capture::Immediately),
        _ => None,
    }
}

fn recording(recorder: String, capture: Capture) -> StepKind {
    twilio_recording(recorder, capture).into()
}

fn twilio_recording(recorder: String, capture: Capture) -> RecordingStart {
    RecordingStart {
        // `record-from-ringing` says in its name that ringing is recorded.
        before_answer: if recorder.contains("record-from-ringing") {
            BeforeAnswer::Recorded
        } else {
            BeforeAnswer::of(capture)
        },
        ..RecordingStart::new(recorder, capture)
    }
}

/// `track`/`recordingTrack`: `inbound` is the audio Twilio receives from
/// the caller, `outbound` what it sends to the caller.
fn track_voices(track: Option<&str>) -> Voices {
    match track {
        Some("inbound") | Some("inbound_track") => Voices::Caller,
        Some("outbound") | Some("outbound_track") => Voices::Heard,
        _ => Voices::Both,
    }
}

/// Loads Twilio Studio flows, one region and entry each.
pub fn load_studio(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    for &file in files {
        let source = cx.sources.get(file);
        let flow = match json::parse(file, &source.text, None) {
            Ok(flow) => flow,
            Err(error) => {
                cx.problems.parse_errors.push(ParseError::new(
                    error.span,
                    format!("malformed JSON: {}", error.message),
                    "here",
                ));
                continue;
            }
        };
        // Terraform and API exports wrap the flow in `definition`.
        let flow = flow
            .get("definition")
            .filter(|d| d.get("states").is_some())
            .unwrap_or(&flow);
        if flow.get("states").is_none() {
            continue;
        }
        let mut graph = studio_flow(flow, &file_stem(source), &mut cx.problems.unresolved);
        graph.shrink_to_fit();
        lowered.graphs.push(graph);
    }
    lowered
}

fn studio_flow(flow: &Json, name: &str, unresolved: &mut Vec<Unresolved>) -> FlowGraph {
    let mut graph = FlowGraph::of_format(FORMAT);
    let region = graph.add_region(
        name.to_string(),
        flow.get("initial_state")
            .map(|s| s.span)
            .unwrap_or(flow.span),
    );
    let states = flow.get("states").map(Json::as_array).unwrap_or(&[]);
    let mut ids: HashMap<String, StepId> = HashMap::new();
    for state in states {
        let name = state.get("name").and_then(Json::as_str).unwrap_or("");
        let step = graph.add_step(StepKind::Other, state.span, region);
        let widget = state.get("type").and_then(Json::as_str).unwrap_or("widget");
        graph.steps[step.index()].label = Some(format!("{widget} \"{name}\"").into());
        let properties = state.get("properties").map(Json::to_compact);
        graph.set_statement(step, widget, properties.unwrap_or_default());
        ids.insert(name.to_string(), step);
    }
    for state in states {
        let name = state.get("name").and_then(Json::as_str).unwrap_or("");
        let kind = state.get("type").and_then(Json::as_str).unwrap_or("");
        let first = ids[name];
        let mut widget = widget(state, name, kind);
        let mut chain = std::mem::take(&mut widget.chain);
        if chain.is_empty() {
            chain.push(StepKind::Other);
        }
        // Fill the widget's step, then append the rest.
        let mut last = first;
        for (i, kind) in chain.into_iter().enumerate() {
            if i == 0 {
                graph.steps[first.index()].kind = kind;
            } else {
                let step = graph.add_step(kind, state.span, region);
                graph.add_edge(last, Edge::plain(step));
                last = step;
            }
        }
        add_transitions(&mut graph, state, kind, last, &ids, &widget, unresolved);
    }
    add_entry(&mut graph, flow, &ids, region);
    graph
}

/// What a Studio widget does: its steps in order, and the variable its
/// transitions test (`split-based-on`) or its input sets.
struct Widget {
    chain: Vec<StepKind>,
    tested: Option<Variable>,
    input: Option<Variable>,
}

/// Reads a widget of type `kind` named `name`.
fn widget(state: &Json, name: &str, kind: &str) -> Widget {
    let properties = state.get("properties");
    let property = |key: &str| properties.and_then(|p| p.get(key));
    let text = |key: &str| property(key).and_then(Json::as_text).unwrap_or_default();
    let mut chain: Vec<StepKind> = Vec::new();
    let mut tested: Option<Variable> = None;
    let mut input: Option<Variable> = None;
    match kind {
        "say-play" => chain.push(StepKind::Prompt {
            prompts: vec![format!("{}{}", text("say"), text("play"))],
        }),
        "gather-input-on-call" => {
            let variable = Variable::Named(format!("widgets.{name}.Digits"));
            input = Some(variable.clone());
            chain.push(StepKind::Input {
                variable,
                prompts: vec![format!("{}{}", text("say"), text("play"))],
            });
        }
        "split-based-on" => {
            tested = Some(Variable::Named(template_variable(&text("input"))));
            chain.push(StepKind::Branch);
        }
        "set-variables" => {
            for variable in property("variables").map(Json::as_array).unwrap_or(&[]) {
                let key = variable.get("key").and_then(Json::as_str).unwrap_or("");
                let value = variable.get("value").and_then(Json::as_str).unwrap_or("");
                if value.contains("{{") {
                    chain.push(StepKind::Assign {
                        variable: Variable::Named(format!("flow.variables.{key}")),
                        from: Variable::Named(template_variable(value)),
                    });
                }
            }
        }
        "record-call" => chain.push(
            match property("record_call").and_then(Json::as_text).as_deref() {
                Some("true") => recording("Call Recording widget".into(), Capture::Immediately),
                _ => StepKind::RecordingStop,
            },
        ),
        "capture-payments" => chain.push(StepKind::Payment),
        "connect-call-to" | "make-outgoing-call-v2" => {
            if property("record").and_then(Json::as_text).as_deref() == Some("true") {
                chain.push(recording(format!("{kind} record"), Capture::FromBridge));
            }
            chain.push(StepKind::Connection {
                target: text("to"),
                waits: Wait::Ringing,
            });
        }
        "enqueue-call" | "send-to-flex" => chain.push(StepKind::Connection {
            target: kind.to_string(),
            waits: Wait::Queue,
        }),
        _ => {}
    }
    Widget {
        chain,
        tested,
        input,
    }
}

/// The edges of a widget's transitions from `last`, its last step.
fn add_transitions(
    graph: &mut FlowGraph,
    state: &Json,
    kind: &str,
    last: StepId,
    ids: &HashMap<String, StepId>,
    widget: &Widget,
    unresolved: &mut Vec<Unresolved>,
) {
    let (tested, input) = (&widget.tested, &widget.input);
    for transition in state.get("transitions").map(Json::as_array).unwrap_or(&[]) {
        let Some(next) = transition.get("next").and_then(Json::as_str) else {
            continue;
        };
        let Some(to) = ids.get(next) else {
            unresolved.push(Unresolved::new(
                transition.get("next").map(|n| n.span).unwrap_or(state.span),
                format!("widget `{next}` is not defined in this flow"),
                "the call cannot be followed past this transition",
            ));
            continue;
        };
        let event = transition.get("event").and_then(Json::as_str).unwrap_or("");
        // A trigger only starts a voice call on `incomingCall`.
        if kind == "trigger" && event != "incomingCall" {
            continue;
        }
        let guards = match (event, tested, input) {
            ("match", Some(variable), _) => transition
                .get("conditions")
                .map(Json::as_array)
                .unwrap_or(&[])
                .first()
                .map(|c| vec![condition_guard(variable, c)])
                .unwrap_or_default(),
            ("noMatch", Some(variable), _) | ("timeout", _, Some(variable)) => {
                vec![Guard::Default {
                    variable: variable.clone(),
                    not: Vec::new(),
                }]
            }
            _ => Vec::new(),
        };
        graph.add_edge(last, Edge { to: *to, guards });
    }
}

/// The flow's entry: its `initial_state` widget.
fn add_entry(graph: &mut FlowGraph, flow: &Json, ids: &HashMap<String, StepId>, region: RegionId) {
    if let Some(start) = flow
        .get("initial_state")
        .and_then(Json::as_str)
        .and_then(|s| ids.get(s))
    {
        let entry = graph.add_step(
            StepKind::Dispatch,
            flow.get("initial_state")
                .map(|s| s.span)
                .unwrap_or(flow.span),
            region,
        );
        graph.add_edge(entry, Edge::plain(*start));
        graph.entries.push(EntryPoint {
            step: entry,
            region,
            dialled: None,
        });
    }
}

/// `{{widgets.consent.Digits}}` → `widgets.consent.Digits`.
fn template_variable(text: &str) -> String {
    text.trim()
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim()
        .to_string()
}

/// A `split-based-on` condition as an answer.
fn condition_guard(variable: &Variable, condition: &Json) -> Guard {
    let kind = condition.get("type").and_then(Json::as_str).unwrap_or("");
    let value = condition
        .get("value")
        .and_then(Json::as_text)
        .unwrap_or_default();
    let answer = match kind {
        "equal_to" => AnswerMatch::Values(vec![value]),
        "matches_any_of" => {
            AnswerMatch::Values(value.split(',').map(|v| v.trim().to_string()).collect())
        }
        "regex" => AnswerMatch::Regex(value),
        _ => AnswerMatch::AnyValue,
    };
    Guard::Answer {
        variable: variable.clone(),
        answer,
    }
}
