//! Lowering Genesys Cloud Architect flows (Archy YAML) to the call-flow graph.
//!
//! A flow is one region. A call enters at the flow-type key, hears the
//! `initialGreeting`, and goes to the menu or task `startUpRef` names
//! (`/inboundCall/menus/menu[Main Menu_10]`, `./tasks/task[Start]`); an
//! in-queue flow runs its `startUpTaskActions` while the caller waits in
//! queue. Reusable menus and tasks are listed under `menus`/`tasks` (and
//! `reusableMenus`/`reusableTasks`), each found by its `refId`.
//!
//! Actions run in list order (the Archy action reference:
//! <https://developer.genesys.cloud/devapps/archy/>, and the Architect
//! action pages on <https://help.mypurecloud.com/>):
//! - `playAudio`, `holdMusic` and a menu's `audio` are prompts; the text
//!   the recogniser reads is the `tts:` text, or the string literals of an
//!   `exp:` audio expression (`ToAudioTTS("...")`);
//! - a `menu` asks, and each of its `choices` (`menuTask`,
//!   `menuTransferToAcd`, `menuDisconnect`, `menuJumpToMenu`, ...) is an
//!   edge guarded by its `dtmf` key (`digit_1`); with no choice made, the
//!   menu ends in the flow's error handling, which disconnects;
//! - `collectInput` stores the caller's digits in its `inputData` variable,
//!   then goes on along `outputs.success` or `outputs.failure`;
//! - `decision` tests its `condition` expression (`outputs.yes`/`no`), and
//!   `switch` its cases in order: a test of the caller's answer
//!   (`Flow.Consent == "1"`) guards its edges;
//! - `transferToAcd` connects the caller to a queue, `transferToNumber`,
//!   `transferToUser`, `transferToGroup` to a party, `transferToVoicemail`
//!   to a mailbox; `transferToFlow` leaves for another published flow,
//!   which this unit does not hold; `transferToFlowSecure` runs a secure
//!   flow, whose input recordings do not capture
//!   (<https://help.mypurecloud.com/articles/secure-flow-scenarios/>), and
//!   comes back; `callTask`, `jumpToTask` and `jumpToMenu` move
//!   within the flow; `disconnect` hangs up;
//! - "Enable Participant Recording" (Archy `enableParticipantRecording`)
//!   starts recording the call from that action on: Genesys does not record
//!   a call on a consent-required trunk before it runs, and no action turns
//!   it off again
//!   (<https://help.mypurecloud.com/articles/enable-participant-recording-action/>);
//! - `transcription` switches transcription on, for speech analytics.
//!
//! Any other action with `outputs` branches to each of them. A value that
//! Archy substitutes at publish time (`{{flow_name}}`) is unknown: a prompt
//! made of one says nothing reclint can read, and a reference made of one
//! cannot be followed (REC901).

use crate::hash::HashMap;
use std::sync::LazyLock;

use regex::Regex;

mod values;

use self::values::{
    audio_texts, lower_first, menu_answer, switch_parts, switched_off, test_of, text, Test,
};
use super::parse;
use crate::flow::{
    AnswerMatch, BeforeAnswer, Call, Capture, Edge, EntryPoint, FlowGraph, Guard, Leg,
    RecordingStart, RegionId, StepId, StepKind, Variable, Wait,
};
use crate::frontend::{LoadContext, Lowered};
use crate::storage::Platform;
use crate::parse::json::{Json, Member};
use crate::parse::{Problems, Unresolved};
use crate::source::{FileId, SourceFile, Span};

/// The format name of the graphs made here.
pub const FORMAT: &str = "genesys";

/// The top-level keys of the call flows read here.
const CALL_FLOW_TYPES: &[&str] = &[
    "inboundCall",
    "inqueueCall",
    "inQueueCall",
    "outboundCall",
    "secureCall",
];

/// Where a flow's reusable menus and tasks are listed, and the key of each
/// item.
const CONTAINERS: &[(&str, &str, Target)] = &[
    ("menus", "menu", Target::Menu),
    ("reusableMenus", "menu", Target::Menu),
    ("tasks", "task", Target::Task),
    ("reusableTasks", "task", Target::Task),
];

/// The menu or task a reference (`startUpRef`, a jump's target) names:
/// `/inboundCall/menus/menu[Main Menu_10]`, `./tasks/task[consent]`.
static REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(menu|task)\[([^\]]*)\]").expect("valid regex"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Menu,
    Task,
}

/// Loads Archy flows, one graph each.
pub fn load(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    for &file in files {
        let source = cx.sources.get(file);
        match parse::parse(file, source) {
            Ok(template) => {
                lowered.comments.insert(file, template.comments);
                if let Some(mut graph) = flow_graph(&template.root, source, cx.problems) {
                    graph.shrink_to_fit();
                    lowered.graphs.push(graph);
                }
            }
            Err(error) => cx.problems.parse_errors.push(error),
        }
    }
    lowered
}

/// The graph of the call flow in `root`, if it holds one.
fn flow_graph(root: &Json, source: &SourceFile, problems: &mut Problems) -> Option<FlowGraph> {
    let flow_type = root
        .members()
        .iter()
        .find(|m| CALL_FLOW_TYPES.contains(&m.key.as_str()))?;
    let flow = &flow_type.value;
    let name = flow
        .get("name")
        .and_then(Json::as_text)
        .filter(|n| !parse::is_substitution(n))
        .unwrap_or_else(|| {
            source
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let mut graph = FlowGraph::of_format(FORMAT);
    let region = graph.add_region(name.clone(), flow_type.key_span);
    let mut lowering = Lowering {
        graph,
        region,
        flow_name: name,
        targets: HashMap::default(),
        problems,
    };
    lowering.flow(flow_type);
    Some(lowering.graph)
}

struct Lowering<'p> {
    graph: FlowGraph,
    region: RegionId,
    flow_name: String,
    /// Each reusable menu and task by its `refId` (and by its name), at the
    /// step that stands for it.
    targets: HashMap<(Target, String), StepId>,
    problems: &'p mut Problems,
}

impl Lowering<'_> {
    fn flow(&mut self, flow_type: &Member) {
        let flow = &flow_type.value;
        // Every menu and task gets its step first, so references resolve
        // whatever their order.
        let mut bodies = Vec::new();
        for (list, item_key, target) in CONTAINERS {
            for item in flow.get(list).map(Json::as_array).unwrap_or(&[]) {
                let Some(member) = item.members().iter().find(|m| m.key == *item_key) else {
                    continue;
                };
                let name = text(member.value.get("name")).unwrap_or_default();
                // A menu is its question; a task, the step that enters it.
                let step = match target {
                    Target::Menu => self.menu_question(member),
                    Target::Task => {
                        let step = self.add(StepKind::Jump, member.key_span);
                        self.label(step, &format!("task \"{name}\""));
                        step
                    }
                };
                for id in [text(member.value.get("refId")), Some(name)]
                    .into_iter()
                    .flatten()
                {
                    self.targets.entry((*target, id)).or_insert(step);
                }
                bodies.push((step, *target, member));
            }
        }
        for (step, target, member) in bodies {
            match target {
                Target::Menu => self.menu_choices(member, step),
                Target::Task => {
                    // A task that runs to its end returns to its `callTask`.
                    let end = self.add(StepKind::Return, member.key_span);
                    let first = self.actions(member.value.get("actions"), Some(end));
                    self.link(step, first);
                }
            }
        }

        let entry = self.add(StepKind::Dispatch, flow_type.key_span);
        self.graph.entries.push(EntryPoint {
            step: entry,
            region: self.region,
            dialled: None,
        });
        let start = match flow.get("startUpTaskActions") {
            // An in-queue flow: it runs while the caller waits in queue.
            Some(actions) => self.actions(Some(actions), None),
            None => flow.get("startUpRef").and_then(|r| self.reference(r)),
        };
        let first = match flow.get("initialGreeting") {
            Some(greeting) => {
                let prompt = self.prompt(greeting, greeting.span);
                self.link(prompt, start);
                Some(prompt)
            }
            None => start,
        };
        self.link(entry, first);
    }

    fn add(&mut self, kind: StepKind, span: Span) -> StepId {
        self.graph.add_step(kind, span, self.region)
    }

    fn label(&mut self, step: StepId, label: &str) {
        self.graph.steps[step.index()].label = Some(label.into());
    }

    fn note(&mut self, step: StepId, note: &str) {
        self.graph.steps[step.index()].note = Some(note.into());
    }

    fn link(&mut self, from: StepId, to: Option<StepId>) {
        if let Some(to) = to {
            self.graph.add_edge(from, Edge::plain(to));
        }
    }

    fn guarded(&mut self, from: StepId, to: Option<StepId>, guards: Vec<Guard>) {
        if let Some(to) = to {
            self.graph.add_edge(from, Edge { to, guards });
        }
    }

    /// The step a reference names; an unknown one is reported.
    fn reference(&mut self, reference: &Json) -> Option<StepId> {
        let written = text(Some(reference)).unwrap_or_default();
        let found = REFERENCE.captures_iter(&written).last().and_then(|c| {
            let target = if &c[1] == "menu" {
                Target::Menu
            } else {
                Target::Task
            };
            self.targets.get(&(target, c[2].to_string())).copied()
        });
        if found.is_none() {
            let why = if parse::is_substitution(&written) {
                "is filled in when the flow is published"
            } else {
                "is not a menu or task of this flow"
            };
            self.problems.unresolved.push(Unresolved::new(
                reference.span,
                format!("`{written}` {why}"),
                "the call cannot be followed past this reference",
            ));
        }
        found
    }

    /// A prompt step playing `audio`.
    fn prompt(&mut self, audio: &Json, span: Span) -> StepId {
        let prompts = audio_texts(audio);
        let unknown = prompts.iter().any(|p| parse::is_substitution(p));
        let step = self.add(StepKind::Prompt { prompts }, span);
        if unknown {
            self.note(step, "its text is filled in when the flow is published");
        }
        step
    }

    /// Lowers a list of actions, continuing at `next`; returns the first step.
    fn actions(&mut self, actions: Option<&Json>, next: Option<StepId>) -> Option<StepId> {
        let mut next = next;
        for item in actions.map(Json::as_array).unwrap_or(&[]).iter().rev() {
            if let Some(action) = item.members().first() {
                next = Some(self.action(action, next));
            }
        }
        next
    }

    /// The actions under `outputs.<name>` (`actions`, or `outputActions`).
    fn output(
        &mut self,
        settings: &Json,
        name: &str,
        next: Option<StepId>,
    ) -> Option<StepId> {
        let output = settings.get("outputs").and_then(|o| o.get(name));
        match output.and_then(|o| o.get("actions").or_else(|| o.get("outputActions"))) {
            Some(actions) => self.actions(Some(actions), next),
            None => next,
        }
    }

    /// A step for the action `action` (its type and settings), with its
    /// label and statement.
    fn action_step(&mut self, kind: StepKind, action: &Member) -> StepId {
        let step = self.add(kind, action.key_span);
        match text(action.value.get("name")) {
            Some(name) => self.label(step, &format!("{} \"{name}\"", action.key)),
            None => self.label(step, &action.key),
        }
        self.graph
            .set_statement(step, &action.key, &action.value.to_compact());
        step
    }

    fn action(&mut self, action: &Member, next: Option<StepId>) -> StepId {
        let settings = &action.value;
        match action.key.as_str() {
            "playAudio" | "holdMusic" => {
                let audio = settings.get("audio").or_else(|| settings.get("prompt"));
                let prompts = audio.map(audio_texts).unwrap_or_default();
                let step = self.action_step(StepKind::Prompt { prompts }, action);
                self.link(step, next);
                step
            }
            "collectInput" => self.collect_input(action, next),
            "decision" => self.decision(action, next),
            "switch" => self.switch(action, next),
            "disconnect" => self.action_step(StepKind::Hangup, action),
            "callTask" => {
                let callee = self.jump_target(action);
                let call = Call {
                    callee,
                    leg: Leg::Caller,
                    arguments: Vec::new(),
                };
                let step = self.action_step(StepKind::Call(call), action);
                self.link(step, next);
                step
            }
            "jumpToTask" | "jumpToMenu" => {
                let target = self.jump_target(action);
                let step = self.action_step(StepKind::Jump, action);
                self.link(step, target);
                step
            }
            "enableParticipantRecording" | "enableParticipantRecord" => {
                // The recording is Genesys Cloud's own, which its media
                // retention policies delete.
                let start = RecordingStart {
                    before_answer: BeforeAnswer::FromHere,
                    kept_by: Some(Platform::Genesys),
                    ..RecordingStart::new("Enable Participant Recording", Capture::Immediately)
                };
                let step = self.action_step(StepKind::recording(start), action);
                self.link(step, next);
                step
            }
            "transcription" if !switched_off(settings) => {
                let feature = StepKind::analytics("Genesys Cloud transcription");
                let step = self.action_step(feature, action);
                self.link(step, next);
                step
            }
            key => match transfer(key, settings) {
                Some(transfer) => self.transfer(action, transfer, next),
                None => self.other(action, next),
            },
        }
    }

    /// Any other action: on to each of its outputs, and to what follows (an
    /// output written without actions, or not written, goes on there).
    fn other(&mut self, action: &Member, next: Option<StepId>) -> StepId {
        let step = self.action_step(StepKind::Other, action);
        let outputs: Vec<&str> = action
            .value
            .get("outputs")
            .map(|o| o.members().iter().map(|m| m.key.as_str()).collect())
            .unwrap_or_default();
        self.link(step, next);
        for name in outputs {
            let first = self.output(&action.value, name, next);
            if first != next {
                self.link(step, first);
            }
        }
        step
    }

    /// The menu or task a jump or `callTask` names, in any of its settings.
    fn jump_target(&mut self, action: &Member) -> Option<StepId> {
        let written = action
            .value
            .members()
            .iter()
            .find(|m| text(Some(&m.value)).is_some_and(|t| REFERENCE.is_match(&t)));
        match written {
            Some(member) => {
                let value = member.value.clone();
                self.reference(&value)
            }
            None => {
                self.problems.unresolved.push(Unresolved::new(
                    action.key_span,
                    format!("`{}` names no menu or task of this flow", action.key),
                    "the call cannot be followed past this action",
                ));
                None
            }
        }
    }

    fn transfer(&mut self, action: &Member, transfer: Transfer, next: Option<StepId>) -> StepId {
        let settings = &action.value;
        // A failed transfer goes on along `outputs.failure`, then on.
        let failed = self.output(settings, "failure", next);
        let step = match transfer {
            Transfer::Connection(target, waits) => {
                let step = self.action_step(StepKind::Connection { target, waits }, action);
                self.link(step, failed);
                step
            }
            Transfer::OtherFlow(flow) => {
                let step = self.action_step(StepKind::Unknown, action);
                self.note(
                    step,
                    &format!("the call goes on in flow {flow}, which is published on its own"),
                );
                step
            }
            Transfer::SecureFlow(flow) => {
                let step = self.action_step(StepKind::Other, action);
                self.note(
                    step,
                    &format!("secure flow {flow} runs unrecorded, then the call comes back"),
                );
                self.link(step, failed);
                step
            }
        };
        match settings.get("preTransferAudio") {
            Some(audio) => {
                let prompt = self.prompt(audio, audio.span);
                self.link(prompt, Some(step));
                prompt
            }
            None => step,
        }
    }

    /// A `menu` (or a menu choice's sub-menu): the caller's choice guards
    /// an edge per choice.
    fn menu(&mut self, menu: &Member) -> StepId {
        let step = self.menu_question(menu);
        self.menu_choices(menu, step);
        step
    }

    /// What a menu asks: its `audio`, answered into the menu's variable.
    fn menu_question(&mut self, menu: &Member) -> StepId {
        let settings = &menu.value;
        let prompts = settings.get("audio").map(audio_texts).unwrap_or_default();
        let kind = StepKind::Input {
            variable: Box::new(self.menu_variable(menu)),
            prompts,
        };
        self.action_step(kind, menu)
    }

    fn menu_variable(&self, menu: &Member) -> Variable {
        let name = text(menu.value.get("name")).unwrap_or_else(|| menu.key.to_string());
        Variable::Menu {
            region: self.flow_name.clone(),
            action: Some(name),
        }
    }

    /// The edges of menu `step` to its choices, and to the error handling
    /// when no choice is made.
    fn menu_choices(&mut self, menu: &Member, step: StepId) {
        let settings = &menu.value;
        let variable = self.menu_variable(menu);
        let mut offered = Vec::new();
        for choice in settings.get("choices").map(Json::as_array).unwrap_or(&[]) {
            let Some(choice) = choice.members().first() else {
                continue;
            };
            let answer = menu_answer(&choice.value);
            offered.push(answer.clone());
            let first = self.choice(choice, step);
            self.guarded(
                step,
                first,
                vec![Guard::Answer {
                    variable: variable.clone(),
                    answer: AnswerMatch::Values(vec![answer]),
                }],
            );
        }
        // No choice made, after the menu's repeats: the error handling.
        let error = self.add(StepKind::Hangup, menu.key_span);
        self.note(error, "no choice made: the flow's error handling disconnects");
        self.guarded(
            step,
            Some(error),
            vec![Guard::Default {
                variable,
                not: offered,
            }],
        );
    }

    /// Where a menu choice leads; `menu` is the menu's own step.
    fn choice(&mut self, choice: &Member, menu: StepId) -> Option<StepId> {
        let settings = &choice.value;
        match choice.key.as_str() {
            "menuTask" => {
                let task = settings.get("task");
                self.actions(task.and_then(|t| t.get("actions")), None)
            }
            "menuSubMenu" | "menuMenu" => {
                let sub = settings
                    .members()
                    .iter()
                    .find(|m| m.key == "menu")
                    .cloned();
                Some(match sub {
                    Some(sub) => self.menu(&sub),
                    None => self.menu(choice),
                })
            }
            "menuRepeatMenu" => Some(menu),
            "menuJumpToMenu" | "menuJumpToTask" => {
                let step = self.action_step(StepKind::Jump, choice);
                let target = self.jump_target(choice);
                self.link(step, target);
                Some(step)
            }
            "menuPreviousMenu" => Some(self.action_step(StepKind::Unknown, choice)),
            key => {
                // `menuDisconnect`, `menuTransferToAcd`: the action of that name.
                let action = key.strip_prefix("menu").map(lower_first).unwrap_or_default();
                let as_action = Member {
                    key: action.into(),
                    ..choice.clone()
                };
                Some(self.action(&as_action, None))
            }
        }
    }

    fn collect_input(&mut self, action: &Member, next: Option<StepId>) -> StepId {
        let settings = &action.value;
        let variable = Variable::Named(
            text(settings.get("inputData"))
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| format!("collectInput:{}", action.key_span.start)),
        );
        let prompts = settings
            .get("inputAudio")
            .map(audio_texts)
            .unwrap_or_default();
        let kind = StepKind::Input {
            variable: Box::new(variable.clone()),
            prompts,
        };
        let step = self.action_step(kind, action);
        let success = self.output(settings, "success", next);
        let failure = self.output(settings, "failure", next);
        self.guarded(
            step,
            success,
            vec![Guard::Answer {
                variable: variable.clone(),
                answer: AnswerMatch::AnyValue,
            }],
        );
        self.guarded(
            step,
            failure,
            vec![Guard::Default {
                variable,
                not: Vec::new(),
            }],
        );
        step
    }

    fn decision(&mut self, action: &Member, next: Option<StepId>) -> StepId {
        let settings = &action.value;
        let step = self.action_step(StepKind::Branch, action);
        let tested = text(settings.get("condition")).and_then(|c| test_of(&c));
        let yes = self.output(settings, "yes", next);
        let no = self.output(settings, "no", next);
        let (yes_guards, no_guards) = match tested {
            Some(test) => (test.holds(), test.fails()),
            None => (Vec::new(), Vec::new()),
        };
        self.guarded(step, yes, yes_guards);
        self.guarded(step, no, no_guards);
        step
    }

    /// `switch`: the first case whose condition holds, else the default.
    fn switch(&mut self, action: &Member, next: Option<StepId>) -> StepId {
        let settings = &action.value;
        let step = self.action_step(StepKind::Branch, action);
        let (cases, default) = switch_parts(settings);
        let mut tests = Vec::new();
        for case in cases {
            let case = case.get("case").unwrap_or(case);
            let condition = text(case.get("value").or_else(|| case.get("condition")));
            let test = condition.and_then(|c| test_of(&c));
            let first = self.case_actions(case, next);
            let guards = test.as_ref().map(Test::holds).unwrap_or_default();
            self.guarded(step, first, guards);
            tests.push(test);
        }
        let first = match default {
            Some(default) => self.case_actions(default, next),
            None => next,
        };
        // The default is known to be a default only when every case tests
        // the same variable for an answer.
        let guards = match tests.first() {
            Some(Some(first)) if tests.iter().all(|t| t.as_ref().is_some_and(|t| t.variable == first.variable)) => {
                vec![Guard::Default {
                    variable: first.variable.clone(),
                    not: tests
                        .iter()
                        .flatten()
                        .filter_map(|t| match (&t.answer, t.negated) {
                            (AnswerMatch::Values(values), false) => Some(values.clone()),
                            _ => None,
                        })
                        .flatten()
                        .collect(),
                }]
            }
            _ => Vec::new(),
        };
        self.guarded(step, first, guards);
        step
    }

    /// A switch case's actions: `actions`, or the actions of its outputs.
    fn case_actions(&mut self, case: &Json, next: Option<StepId>) -> Option<StepId> {
        if let Some(actions) = case.get("actions").or_else(|| case.get("outputActions")) {
            return self.actions(Some(actions), next);
        }
        let first_output = case.get("outputs").and_then(|o| o.members().first());
        match first_output.and_then(|o| o.value.get("actions")) {
            Some(actions) => self.actions(Some(actions), next),
            None => next,
        }
    }
}

/// What a transfer action does with the call.
enum Transfer {
    Connection(String, Wait),
    OtherFlow(String),
    SecureFlow(String),
}

/// The transfer an action of type `key` makes, if it is one.
fn transfer(key: &str, settings: &Json) -> Option<Transfer> {
    let target = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| text(settings.get(k)))
            .unwrap_or_else(|| "(computed)".into())
    };
    Some(match key {
        // The caller waits in queue, but Genesys leaves the wait unrecorded
        // unless the queue turns `suppress_in_queue_call_recording` off (its
        // default is on), which the queue's own settings say, not the flow:
        // so the wait is not lowered as something a recording captures.
        "transferToAcd" => Transfer::Connection(
            format!("queue {}", target(&["targetQueue", "queue"])),
            Wait::Nothing,
        ),
        "transferToNumber" | "transferToUser" | "transferToGroup" | "transferToExternal" => {
            Transfer::Connection(
                target(&[
                    "targetNumber",
                    "targetUser",
                    "targetGroup",
                    "number",
                    "user",
                    "group",
                ]),
                Wait::Ringing,
            )
        }
        "transferToVoicemail" => Transfer::Connection("voicemail".into(), Wait::Nothing),
        "transferToFlow" => Transfer::OtherFlow(target(&["targetFlow", "flow"])),
        "transferToFlowSecure" => Transfer::SecureFlow(target(&["targetFlow", "flow"])),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn lowered(text: &str) -> (FlowGraph, Problems) {
        let source = SourceFile::new(PathBuf::from("f.yaml"), "f.yaml".into(), text.into());
        let root = parse::parse(FileId(0), &source).expect("parses").root;
        let mut problems = Problems::default();
        let graph = flow_graph(&root, &source, &mut problems).expect("a call flow");
        (graph, problems)
    }

    fn steps_of<'g>(graph: &'g FlowGraph, label: &str) -> Vec<&'g crate::flow::Step> {
        graph
            .steps
            .iter()
            .filter(|s| s.label.as_deref() == Some(label))
            .collect()
    }

    #[test]
    fn a_switch_guards_each_case_and_its_default() {
        let (graph, problems) = lowered(
            r#"inboundCall:
  name: Main
  startUpRef: ./tasks/task[t]
  tasks:
    - task:
        name: T
        refId: t
        actions:
          - switch:
              name: Route
              evaluate:
                firstTrue:
                  cases:
                    - case:
                        value:
                          exp: Flow.Choice == "1"
                        actions:
                          - disconnect:
                              name: One
                    - case:
                        value:
                          exp: Flow.Choice == "2"
                        actions:
                          - disconnect:
                              name: Two
                  default:
                    actions:
                      - disconnect:
                          name: Other
"#,
        );
        assert!(problems.unresolved.is_empty());
        let switch = steps_of(&graph, "switch \"Route\"")[0];
        let guards: Vec<&Guard> = switch.edges.iter().flat_map(|e| &e.guards).collect();
        let choice = Variable::Named("Flow.Choice".into());
        assert_eq!(
            guards,
            [
                &Guard::Answer {
                    variable: choice.clone(),
                    answer: AnswerMatch::Values(vec!["1".into()]),
                },
                &Guard::Answer {
                    variable: choice.clone(),
                    answer: AnswerMatch::Values(vec!["2".into()]),
                },
                &Guard::Default {
                    variable: choice,
                    not: vec!["1".into(), "2".into()],
                },
            ]
        );
    }

    #[test]
    fn a_menu_answers_by_key_and_ends_in_error_handling() {
        let (graph, _) = lowered(
            r#"inboundCall:
  name: Main
  startUpRef: "/inboundCall/menus/menu[m]"
  menus:
    - menu:
        name: Main Menu
        refId: m
        audio:
          tts: Press 1 for sales.
        choices:
          - menuDisconnect:
              name: Bye
              dtmf: digit_1
"#,
        );
        let menu = steps_of(&graph, "menu \"Main Menu\"")
            .into_iter()
            .find(|s| matches!(s.kind, StepKind::Input { .. }))
            .expect("the menu's input");
        assert_eq!(menu.edges.len(), 2);
        let default = graph.step(menu.edges[1].to);
        assert!(matches!(default.kind, StepKind::Hangup));
        assert!(matches!(
            &menu.edges[0].guards[0],
            Guard::Answer { answer: AnswerMatch::Values(v), .. } if v == &["1"]
        ));
    }

    #[test]
    fn an_in_queue_flow_starts_with_its_startup_actions() {
        let (graph, _) = lowered(
            "inqueueCall:\n  name: Hold\n  startUpTaskActions:\n    - holdMusic:\n        name: Hold Music\n        prompt:\n          exp: Flow.HoldPrompt\n",
        );
        let entry = graph.step(graph.entries[0].step);
        let first = graph.step(entry.edges[0].to);
        assert!(matches!(&first.kind, StepKind::Prompt { prompts } if prompts == &["Flow.HoldPrompt"]));
    }

    #[test]
    fn references_filled_in_at_publish_time_are_unresolved() {
        let (_, problems) = lowered("inboundCall:\n  name: {{name}}\n  startUpRef: {{start}}\n");
        let messages: Vec<&str> = problems
            .unresolved
            .iter()
            .map(|u| u.message.as_str())
            .collect();
        assert_eq!(
            messages,
            ["`{{start}}` is filled in when the flow is published"]
        );
    }
}
