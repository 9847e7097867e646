//! Lowering Twilio Studio flows to the call-flow graph.
//!
//! A Studio flow is a set of widgets joined by transitions; a
//! `split-based-on` tests a value (`{{widgets.consent.Digits}}`) with
//! explicit answers on `match` and the default on `noMatch`; the Call
//! Recording widget (`record-call`) starts or stops recording.

use crate::hash::HashMap;

use super::{FORMAT, file_stem};
use crate::flow::{
    AnswerMatch, Capture, Edge, EntryPoint, FlowGraph, Guard, RecordingStart, RegionId, StepId,
    StepKind, Variable, Wait,
};
use crate::frontend::{LoadContext, Lowered};
use crate::parse::json::{self, Json};
use crate::parse::{ParseError, Unresolved};
use crate::source::FileId;

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
    let mut ids: HashMap<String, StepId> = HashMap::default();
    for state in states {
        let name = state.get("name").and_then(Json::as_str).unwrap_or("");
        let step = graph.add_step(StepKind::Other, state.span, region);
        let widget = state.get("type").and_then(Json::as_str).unwrap_or("widget");
        graph.steps[step.index()].label = Some(format!("{widget} \"{name}\"").into());
        let properties = state.get("properties").map(Json::to_compact);
        graph.set_statement(step, widget, &properties.unwrap_or_default());
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
                variable: Box::new(variable),
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
                        variable: Box::new(Variable::Named(format!("flow.variables.{key}"))),
                        from: Box::new(Variable::Named(template_variable(value))),
                    });
                }
            }
        }
        "record-call" => chain.push(
            match property("record_call").and_then(Json::as_text).as_deref() {
                Some("true") => RecordingStart::new("Call Recording widget", Capture::Immediately).into(),
                _ => StepKind::RecordingStop,
            },
        ),
        "capture-payments" => chain.push(StepKind::Payment),
        "connect-call-to" | "make-outgoing-call-v2" => {
            if property("record").and_then(Json::as_text).as_deref() == Some("true") {
                chain.push(RecordingStart::new(format!("{kind} record"), Capture::FromBridge).into());
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
