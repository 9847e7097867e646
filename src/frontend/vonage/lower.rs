//! Lowering Vonage NCCOs to the call-flow graph.
//!
//! Vonage runs an NCCO's actions in order
//! (<https://developer.vonage.com/en/voice/voice-api/ncco-reference>): a
//! synchronous action finishes before the next starts, an asynchronous one
//! goes on while the following actions run. What each action is:
//!
//! - `talk` (its `text`, SSML tags left out) and `stream` (its audio file's
//!   URL) are prompts. One that loops forever (`loop: 0`) without `bargeIn`
//!   keeps the call there.
//! - `input` asks a question: the answer (also a timeout without one) is
//!   posted to its `eventUrl`, and an NCCO the webhook returns replaces this
//!   one, "ignoring any actions defined after the input" (the DTMF guide).
//!   The actions after it run only when the webhook, having seen the
//!   answer, returns none: that is an answer the webhook accepted, read as
//!   a yes (`AnswerMatch::AnyValue`). The talks and streams right before it
//!   are its prompts.
//! - `record` without `endOnSilence` or `endOnKey` is asynchronous: it
//!   records from here to the end of the call (or its `timeOut`), with both
//!   sides (`split: conversation` only puts them in separate channels). It
//!   plays a beep only with `beepStart: true`. With `endOnSilence` or
//!   `endOnKey` it waits for the caller to finish a message, as voicemail
//!   does: a message the caller leaves, not call recording (the Recording
//!   guide, "Synchronous recording"). `transcription` sends the recording to
//!   Vonage's transcription: analytics.
//! - `connect` puts the call through to its endpoint (`phone`, `sip`, `app`,
//!   `vbc`: ringing first); a `websocket` endpoint streams the call's audio
//!   live to a server, which may keep it: a streamed capture and analytics.
//!   With `eventType: synchronous` its `eventUrl` may return an NCCO that
//!   replaces this one.
//! - `conversation` joins a conference; `record: true` records it from when
//!   this caller joins, or, for an attendee who waits for the moderator
//!   (`startOnEnter: false`, hearing `musicOnHoldUrl`), from when the
//!   moderator joins. A `mute` participant is not recorded.
//! - `notify` posts to its `eventUrl`, whose NCCO, if it returns one,
//!   replaces this one; otherwise the NCCO goes on.
//! - `transfer` moves the call into another conversation; `pay` takes a card
//!   payment (Payments over the Phone); `wait` pauses.
//!
//! Each NCCO is a region, named by its file. An `eventUrl` (of an `input`
//! or a `notify`) that names a `.json` file in the NCCO's own folder serves
//! that file as a static NCCO: it is returned whatever the caller answered,
//! so the call goes on there, and that file is not an entry point. Every
//! other NCCO is an entry point: which one the answer webhook returns, and
//! what a dynamic `eventUrl` returns, is decided by code reclint does not
//! see.

use crate::hash::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::flow::{
    AnswerMatch, BeforeAnswer, Beep, Capture, Edge, EntryPoint, FlowGraph, Guard, RecordingStart,
    RegionId, StepId, StepKind, Variable, Voices, Wait,
};
use crate::frontend::{LoadContext, Lowered};
use crate::parse::json::{self, Json, Value};
use crate::parse::{ParseError, Problems};
use crate::source::{FileId, Span};

/// The format name of the graphs made here.
pub const FORMAT: &str = "vonage";

/// The actions of the NCCO reference, and `pay` (Payments over the Phone).
pub const ACTIONS: &[&str] = &[
    "record",
    "conversation",
    "connect",
    "talk",
    "stream",
    "input",
    "notify",
    "wait",
    "transfer",
    "pay",
];

/// SSML markup in a `talk` text: not what the caller hears.
static SSML_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[^>]*>").expect("valid regex"));

/// The file an `eventUrl` names when it ends in `.json`: a static NCCO
/// served from a folder, returned whatever the request holds.
pub fn served_file(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    (name.len() > ".json".len() && name.ends_with(".json")).then_some(name)
}

/// One parsed NCCO of a unit.
struct Document {
    path: PathBuf,
    ncco: Json,
    region: RegionId,
    /// Where the call comes in: from the answer webhook, or from an
    /// `eventUrl` that serves this file.
    landing: StepId,
}

/// Loads the NCCOs of one unit (files whose `eventUrl`s serve each other
/// from one folder) as one graph with a region each. An NCCO that another
/// one's `eventUrl` serves is not an entry point.
pub fn load(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut graph = FlowGraph::of_format(FORMAT);
    let mut documents = Vec::new();
    for &file in files {
        let source = cx.sources.get(file);
        let ncco = match json::parse(file, &source.text, None) {
            Ok(ncco) => ncco,
            Err(error) => {
                cx.problems.parse_errors.push(error.into_parse_error());
                continue;
            }
        };
        if !matches!(ncco.value, Value::Array(_)) {
            cx.problems.parse_errors.push(ParseError::new(
                ncco.span,
                "an NCCO is a JSON array of actions",
                "not an array",
            ));
            continue;
        }
        let name = source
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let opening = Span {
            file,
            start: ncco.span.start,
            end: ncco.span.start + 1,
        };
        let region = graph.add_region(name, opening);
        let landing = graph.add_step(StepKind::Dispatch, opening, region);
        documents.push(Document {
            path: source.path.clone(),
            ncco,
            region,
            landing,
        });
    }
    let landings: HashMap<&Path, StepId> = documents
        .iter()
        .map(|d| (d.path.as_path(), d.landing))
        .collect();
    let mut served = HashSet::default();
    for document in &documents {
        let resolve = |url: &str| {
            let name = served_file(url)?;
            landings
                .get(document.path.with_file_name(name).as_path())
                .copied()
        };
        let mut lowering = Ncco {
            graph: &mut graph,
            region: document.region,
            problems: cx.problems,
            resolve: &resolve,
            served: Vec::new(),
        };
        lowering.document(document.ncco.as_array(), document.landing);
        served.extend(
            lowering
                .served
                .into_iter()
                .filter(|&landing| landing != document.landing),
        );
    }
    // NCCOs that only serve each other: which one the answer webhook
    // returns is not known, so each is a way in.
    let everyone_served = documents.iter().all(|d| served.contains(&d.landing));
    for document in &documents {
        if everyone_served || !served.contains(&document.landing) {
            graph.entries.push(EntryPoint {
                step: document.landing,
                region: document.region,
                dialled: None,
            });
        }
    }
    let mut lowered = Lowered::default();
    if !documents.is_empty() {
        graph.shrink_to_fit();
        lowered.graphs.push(graph);
    }
    lowered
}

struct Ncco<'g, 'p, 'r> {
    graph: &'g mut FlowGraph,
    region: RegionId,
    problems: &'p mut Problems,
    /// The landing of the scanned NCCO an `eventUrl` serves.
    resolve: &'r dyn Fn(&str) -> Option<StepId>,
    /// The landings this document's `eventUrl`s serve.
    served: Vec<StepId>,
}

/// One action of the document: its object and 1-based place, which names it.
#[derive(Clone, Copy)]
struct Action<'j> {
    json: &'j Json,
    number: usize,
}

impl Ncco<'_, '_, '_> {
    /// The actions in order, from the document's landing.
    fn document(&mut self, actions: &[Json], landing: StepId) {
        let mut next = None;
        for (index, json) in actions.iter().enumerate().rev() {
            let action = Action {
                json,
                number: index + 1,
            };
            next = Some(self.action(action, &actions[..index], next));
        }
        if let Some(first) = next {
            self.graph.add_edge(landing, Edge::plain(first));
        }
    }

    /// The scanned NCCO that the action's `eventUrl` serves.
    fn served_by(&mut self, action: Action) -> Option<StepId> {
        let url = action
            .json
            .get("eventUrl")
            .and_then(|urls| urls.as_array().first())
            .and_then(Json::as_str)?;
        let landing = (self.resolve)(url)?;
        self.served.push(landing);
        Some(landing)
    }

    /// Lowers one action, continuing at `next`; returns its first step.
    /// `before` are the actions that run before it.
    fn action(&mut self, action: Action, before: &[Json], next: Option<StepId>) -> StepId {
        let Some(name) = action.json.get("action").and_then(Json::as_str) else {
            self.problems.parse_errors.push(ParseError::new(
                action.json.span,
                "an NCCO action is an object with an `action` name",
                "Vonage cannot run this; the call is not followed past it",
            ));
            return self.chain(action, "action", vec![StepKind::Unknown], None).0;
        };
        match name {
            "talk" | "stream" => {
                let prompt = prompt_text(action.json).unwrap_or_default();
                // `loop: 0` repeats forever; only a key ends a `bargeIn` one.
                let forever = text(action.json, "loop").as_deref() == Some("0")
                    && !flag(action.json, "bargeIn");
                let after = if forever { None } else { next };
                let kind = StepKind::Prompt {
                    prompts: vec![prompt],
                };
                self.chain(action, name, vec![kind], after).0
            }
            "input" => self.input(action, before, next),
            "record" => self.record(action, next),
            "connect" => self.connect(action, next),
            "conversation" => self.conversation(action, next),
            "transfer" => {
                let conversation = text(action.json, "conversation_id").unwrap_or_default();
                let kind = StepKind::Connection {
                    target: format!("conversation {conversation}"),
                    waits: Wait::Nothing,
                };
                self.chain(action, name, vec![kind], next).0
            }
            "notify" => match self.served_by(action) {
                Some(served) => self.chain(action, name, vec![StepKind::Other], Some(served)).0,
                None => {
                    let (step, _) = self.chain(action, name, vec![StepKind::Other], next);
                    self.replaced_by_webhook(step, action);
                    step
                }
            },
            "pay" => self.chain(action, name, vec![StepKind::Payment], next).0,
            "wait" => self.chain(action, name, vec![StepKind::Other], next).0,
            other => {
                self.problems.parse_errors.push(ParseError::new(
                    action.json.get("action").map_or(action.json.span, |a| a.span),
                    format!("`{other}` is not an NCCO action"),
                    "Vonage cannot run this; the call is not followed past it",
                ));
                self.chain(action, other, vec![StepKind::Unknown], None).0
            }
        }
    }

    /// `input`: the answer goes to the webhook, whose NCCO replaces this
    /// one; the rest of this NCCO runs when it returns none.
    fn input(&mut self, action: Action, before: &[Json], next: Option<StepId>) -> StepId {
        let mut prompts: Vec<String> = before.iter().rev().map_while(prompt_text).collect();
        prompts.reverse();
        // Named by its NCCO too: the NCCOs of a unit share one graph.
        let variable = Variable::Named(format!(
            "input:{}:{}",
            self.graph.region(self.region).name,
            action.number
        ));
        let kind = StepKind::Input {
            variable: Box::new(variable.clone()),
            prompts,
        };
        let (step, _) = self.chain(action, "input", vec![kind], None);
        // A static NCCO is served whatever the answer, and replaces this one.
        if let Some(served) = self.served_by(action) {
            self.graph.add_edge(step, Edge::plain(served));
            return step;
        }
        let answered = Guard::Answer {
            variable,
            answer: AnswerMatch::AnyValue,
        };
        let webhook = self.webhook_step(action);
        self.graph.add_edge(
            step,
            Edge {
                to: webhook,
                guards: vec![answered.clone()],
            },
        );
        if let Some(next) = next {
            self.graph.add_edge(
                step,
                Edge {
                    to: next,
                    guards: vec![answered],
                },
            );
        }
        step
    }

    /// `record`: a recording of the call from here on, or a message the
    /// caller leaves; then its transcription.
    fn record(&mut self, action: Action, next: Option<StepId>) -> StepId {
        let json = action.json;
        let message = json.get("endOnSilence").is_some() || json.get("endOnKey").is_some();
        let mut chain = vec![if message {
            StepKind::Other
        } else {
            RecordingStart {
                beep: if flag(json, "beepStart") {
                    Beep::Plays
                } else {
                    Beep::Silent
                },
                target: json
                    .get("eventUrl")
                    .and_then(|urls| urls.as_array().first())
                    .and_then(Json::as_str)
                    .map(str::to_string),
                ..RecordingStart::new("record", Capture::Immediately)
            }
            .into()
        }];
        if json.get("transcription").is_some() {
            chain.push(StepKind::analytics("Vonage transcription of the recording"));
        }
        self.chain(action, "record", chain, next).0
    }

    /// `connect`: ringing the endpoint, or streaming to a WebSocket.
    fn connect(&mut self, action: Action, next: Option<StepId>) -> StepId {
        let endpoint = action
            .json
            .get("endpoint")
            .and_then(|e| e.as_array().first());
        let field = |key: &str| endpoint.and_then(|e| text(e, key));
        let kind = field("type").unwrap_or_else(|| "phone".into());
        let address = match kind.as_str() {
            "sip" | "websocket" => field("uri"),
            "app" => field("user"),
            "vbc" => field("extension"),
            _ => field("number"),
        }
        .unwrap_or_default();
        let mut chain = Vec::new();
        let waits = if kind == "websocket" {
            chain.push(
                RecordingStart {
                    stream: true,
                    before_answer: BeforeAnswer::NotRecorded,
                    target: Some(address.clone()),
                    ..RecordingStart::new("connect to a websocket", Capture::Immediately)
                }
                .into(),
            );
            chain.push(StepKind::analytics(format!(
                "call audio streamed to {address}"
            )));
            Wait::Nothing
        } else {
            Wait::Ringing
        };
        chain.push(StepKind::Connection {
            target: format!("{kind} {address}"),
            waits,
        });
        let (first, last) = self.chain(action, "connect", chain, next);
        if text(action.json, "eventType").as_deref() == Some("synchronous") {
            self.replaced_by_webhook(last, action);
        }
        first
    }

    /// `conversation`: a conference, recorded with `record: true`.
    fn conversation(&mut self, action: Action, next: Option<StepId>) -> StepId {
        let json = action.json;
        let waits_for_moderator = text(json, "startOnEnter").as_deref() == Some("false");
        let mut chain = Vec::new();
        if flag(json, "record") {
            let capture = if waits_for_moderator {
                Capture::FromBridge
            } else {
                Capture::Immediately
            };
            chain.push(
                RecordingStart {
                    before_answer: BeforeAnswer::NotRecorded,
                    voices: if flag(json, "mute") {
                        Voices::Heard
                    } else {
                        Voices::Both
                    },
                    ..RecordingStart::new("conversation record", capture)
                }
                .into(),
            );
        }
        chain.push(StepKind::Connection {
            target: format!("conversation {}", text(json, "name").unwrap_or_default()),
            waits: if waits_for_moderator {
                Wait::Queue
            } else {
                Wait::Nothing
            },
        });
        self.chain(action, "conversation", chain, next).0
    }

    /// The NCCO a webhook returns, which replaces this one: it is not
    /// scanned, so the call goes on somewhere unknown.
    fn webhook_step(&mut self, action: Action) -> StepId {
        let step = self
            .graph
            .add_step(StepKind::Unknown, action.json.span, self.region);
        self.graph.steps[step.index()].label = Some(
            format!(
                "the NCCO that the event webhook of action {} returns",
                action.number
            )
            .into(),
        );
        step
    }

    /// `from` may also hand the call to the NCCO its webhook returns.
    fn replaced_by_webhook(&mut self, from: StepId, action: Action) {
        let webhook = self.webhook_step(action);
        self.graph.add_edge(from, Edge::plain(webhook));
    }

    /// Steps in order at the action, named after it (the first also holds
    /// its statement), continuing at `next`; returns the first and the last.
    fn chain(
        &mut self,
        action: Action,
        name: &str,
        steps: Vec<StepKind>,
        next: Option<StepId>,
    ) -> (StepId, StepId) {
        let mut ids: Vec<StepId> = Vec::new();
        for kind in steps {
            let step = self.graph.add_step(kind, action.json.span, self.region);
            if let Some(&previous) = ids.last() {
                self.graph.add_edge(previous, Edge::plain(step));
            }
            ids.push(step);
        }
        let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
            unreachable!("every NCCO action lowers to at least one step");
        };
        if let Some(next) = next {
            self.graph.add_edge(last, Edge::plain(next));
        }
        let label: Box<str> = label(action, name).into();
        for &step in &ids {
            self.graph.steps[step.index()].label = Some(label.clone());
        }
        self.graph
            .set_statement(first, name, &action.json.to_compact());
        (first, last)
    }
}

/// How messages name an action: its place in the NCCO and what it says,
/// as the JSON object itself does not read well in one line.
fn label(action: Action, name: &str) -> String {
    let json = action.json;
    let what = match name {
        "talk" | "stream" => format!("{name} \"{}\"", prompt_text(json).unwrap_or_default()),
        "conversation" => format!(
            "conversation \"{}\"",
            text(json, "name").unwrap_or_default()
        ),
        "connect" => {
            let endpoint = json.get("endpoint").and_then(|e| e.as_array().first());
            match endpoint.and_then(|e| text(e, "type")) {
                Some(kind) => format!("connect to {kind}"),
                None => "connect".into(),
            }
        }
        _ => name.to_string(),
    };
    format!("action {}: {what}", action.number)
}

/// What a `talk` says (without SSML tags) or the file a `stream` plays.
fn prompt_text(action: &Json) -> Option<String> {
    match action.get("action").and_then(Json::as_str)? {
        "talk" => {
            let spoken = text(action, "text")?;
            let plain = SSML_TAG.replace_all(&spoken, " ");
            Some(plain.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        "stream" => action
            .get("streamUrl")
            .and_then(|urls| urls.as_array().first())
            .and_then(Json::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// A member as text: a string, number or boolean.
fn text(object: &Json, key: &str) -> Option<String> {
    object.get(key).and_then(Json::as_text)
}

/// A boolean option that is on (`true`, or `"true"` as some SDKs write it).
fn flag(object: &Json, key: &str) -> bool {
    text(object, key).is_some_and(|value| value.eq_ignore_ascii_case("true"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, SourceMap};

    /// The graph and problems of NCCO files loaded as one unit.
    fn lower(files: &[(&str, &str)]) -> (FlowGraph, Problems) {
        let mut sources = SourceMap::default();
        let ids: Vec<FileId> = files
            .iter()
            .map(|&(path, text)| sources.add(SourceFile::new(path.into(), path.into(), text.into())))
            .collect();
        let mut problems = Problems::default();
        let mut cx = LoadContext::for_test(&mut sources, &mut problems);
        let mut lowered = load(&ids, &mut cx);
        let graph = lowered.graphs.pop().unwrap_or_default();
        (graph, problems)
    }

    fn recordings(graph: &FlowGraph) -> Vec<&RecordingStart> {
        graph.recording_starts().map(|(_, start)| start).collect()
    }

    #[test]
    fn a_record_beeps_only_when_asked_to() {
        let (graph, _) = lower(&[(
            "a.json",
            r#"[{"action": "record"}, {"action": "record", "beepStart": true},
                {"action": "record", "beepStart": false}]"#,
        )]);
        let beeps: Vec<Beep> = recordings(&graph).iter().map(|r| r.beep).collect();
        assert_eq!(beeps, [Beep::Silent, Beep::Plays, Beep::Silent]);
        assert!(
            recordings(&graph)
                .iter()
                .all(|r| r.before_answer == BeforeAnswer::FromHere)
        );
    }

    #[test]
    fn a_record_that_waits_for_silence_or_a_key_is_a_message() {
        let (graph, _) = lower(&[(
            "voicemail.json",
            r##"[{"action": "talk", "text": "Leave a message after the tone."},
                {"action": "record", "endOnSilence": 3, "endOnKey": "#", "beepStart": true},
                {"action": "record", "timeOut": 600}]"##,
        )]);
        // Only the one bounded by `timeOut` alone records the call.
        assert_eq!(recordings(&graph).len(), 1);
    }

    #[test]
    fn conversations_and_websockets() {
        let (graph, _) = lower(&[(
            "a.json",
            r#"[{"action": "conversation", "name": "room", "record": true, "startOnEnter": false, "mute": true},
                {"action": "connect", "endpoint": [{"type": "websocket", "uri": "wss://bot.example.com"}]}]"#,
        )]);
        let start = |recorder: &str| {
            *recordings(&graph)
                .iter()
                .find(|r| r.recorder == recorder)
                .expect("a recording start")
        };
        let conference = start("conversation record");
        assert_eq!(conference.capture, Capture::FromBridge);
        assert_eq!(conference.voices, Voices::Heard);
        let websocket = start("connect to a websocket");
        assert!(websocket.stream);
        assert_eq!(websocket.before_answer, BeforeAnswer::NotRecorded);
        assert!(
            graph
                .steps
                .iter()
                .any(|s| matches!(s.kind, StepKind::Analytics { .. }))
        );
    }

    #[test]
    fn what_follows_an_input_runs_on_an_answer_the_webhook_accepted() {
        let (graph, _) = lower(&[(
            "ask.json",
            r#"[{"action": "input", "type": ["dtmf"], "eventUrl": ["https://example.com/consent"]},
                {"action": "record"}]"#,
        )]);
        let input = graph
            .steps
            .iter()
            .find(|s| matches!(s.kind, StepKind::Input { .. }))
            .expect("an input");
        assert_eq!(input.edges.len(), 2);
        assert!(input.edges.iter().all(|e| matches!(
            &e.guards[..],
            [Guard::Answer {
                answer: AnswerMatch::AnyValue,
                ..
            }]
        )));
    }

    #[test]
    fn a_served_ncco_is_reached_on_every_answer_and_is_not_an_entry() {
        let (graph, _) = lower(&[
            (
                "ncco/ask.json",
                r#"[{"action": "input", "eventUrl": ["https://example.com/ncco/next.json?x=1"]},
                    {"action": "record"}]"#,
            ),
            ("ncco/next.json", r#"[{"action": "record"}]"#),
        ]);
        let regions: Vec<&str> = graph
            .entries
            .iter()
            .map(|e| graph.region(e.region).name.as_str())
            .collect();
        assert_eq!(regions, ["ask"]);
        let input = graph
            .steps
            .iter()
            .find(|s| matches!(s.kind, StepKind::Input { .. }))
            .expect("an input");
        // The served NCCO replaces this one: the record after the input never runs.
        assert_eq!(input.edges.len(), 1);
        assert!(input.edges[0].guards.is_empty());
        assert_eq!(graph.region(graph.step(input.edges[0].to).region).name, "next");
    }

    #[test]
    fn served_files_are_json_files_named_by_the_url() {
        assert_eq!(
            served_file("https://acme.github.io/voice/next.json"),
            Some("next.json")
        );
        assert_eq!(served_file("https://a.example/next.json?step=2#x"), Some("next.json"));
        assert_eq!(served_file("https://example.com/webhooks/consent"), None);
        assert_eq!(served_file("https://example.com/.json"), None);
    }

    #[test]
    fn malformed_nccos_are_reported() {
        let (_, problems) = lower(&[
            ("a.json", r#"{"action": "talk"}"#),
            ("b.json", r#"[{"action": "hangup"}, {"text": "hi"}]"#),
        ]);
        let messages: Vec<&str> = problems
            .parse_errors
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "an NCCO is a JSON array of actions",
                "an NCCO action is an object with an `action` name",
                "`hangup` is not an NCCO action",
            ]
        );
    }
}
