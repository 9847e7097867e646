//! Lowering Amazon Connect contact flows to the call-flow graph: one region
//! per flow, one step per action, `Transitions` as edges. Here an
//! `UpdateContactRecordingBehavior` action with participants becomes a
//! [`StepKind::RecordingStart`] (from agent connect, or from now on when
//! `IVRRecordingBehavior` is `Enabled`; in an outbound whisper, from the end
//! of the whisper), a `GetParticipantInput` an input whose
//! `Conditions` are explicit answers and whose `Errors` and default
//! `NextAction` are the default outcome, a `TransferToFlow` a jump into the
//! scanned flow it names.

mod actions;
mod labels;
mod steps;
mod transfers;

use crate::hash::HashMap;
use std::path::PathBuf;

use crate::flow::{AnswerMatch, Edge, EntryPoint, FlowGraph, Guard, RegionId, StepId, StepKind};
use crate::frontend::connect::parse::{self as connect, Flow, FlowAction};
use crate::frontend::{LoadContext, Lowered};
use crate::parallel;
use crate::parse::{Problems, Unresolved};
use crate::source::FileId;
use actions::{
    Exits, LambdaRecording, answer_variable, ends_call, ends_whisper, lambda_recording,
    lower_action,
};
use steps::FlowSteps;
use transfers::{FlowTarget, resolve_flow};

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "amazon-connect";

/// Loads every flow of the given files into one graph, so that transfers
/// between flows can be followed.
pub fn load(
    files: &[FileId],
    deployed: &HashMap<PathBuf, Vec<String>>,
    cx: &mut LoadContext,
) -> Lowered {
    let flows = read_flows(files, deployed, cx);
    let mut lowered = Lowered::default();
    if flows.is_empty() {
        return lowered;
    }
    let mut graph = FlowGraph::of_format(FORMAT).keeping_statements(cx.statements);
    // Pass 1: a region per flow, a step per action (and per copy of it).
    let mut flow_steps: Vec<FlowSteps> = Vec::new();
    for (f, flow) in flows.iter().enumerate() {
        graph.add_region(flow.name.clone(), flow.span);
        flow_steps.push(FlowSteps::new(&mut graph, flow, RegionId(f as u32)));
    }
    let mut transferred_to = vec![false; flows.len()];
    for f in 0..flows.len() {
        lower_flow(
            &mut graph,
            &flows,
            &flow_steps,
            f,
            &mut transferred_to,
            &mut cx.problems.unresolved,
        );
    }
    add_entries(&mut graph, &flows, &flow_steps, &transferred_to);
    graph.shrink_to_fit();
    lowered.graphs.push(graph);
    lowered
}

/// Reads the flows of the files; files are parsed independently, in
/// parallel. The flows then make one graph, since a flow may transfer to
/// any other. A flow file a Terraform resource deploys with `file()` is
/// also named by that resource's key (`deployed`, by canonical path).
fn read_flows(
    files: &[FileId],
    deployed: &HashMap<PathBuf, Vec<String>>,
    cx: &mut LoadContext,
) -> Vec<Flow> {
    let (sources, fs) = (&*cx.sources, cx.fs);
    let read = parallel::map(files.to_vec(), cx.jobs, |file| {
        let mut problems = Problems::default();
        let source = sources.get(file);
        let mut flows = connect::read(file, source, &mut problems);
        if let Some(keys) = deployed.get(&fs.canonical(&source.path)) {
            for flow in &mut flows {
                flow.keys.extend(keys.iter().cloned());
            }
        }
        (flows, problems)
    });
    let mut flows: Vec<Flow> = Vec::new();
    for (read, problems) in read {
        flows.extend(read);
        cx.problems.extend(problems);
    }
    flows
}

/// Lowers the actions of flow `f` in each of its copies: fills their
/// steps, follows transfers to other flows, and adds their transitions.
fn lower_flow(
    graph: &mut FlowGraph,
    flows: &[Flow],
    flow_steps: &[FlowSteps],
    f: usize,
    transferred_to: &mut [bool],
    unresolved: &mut Vec<Unresolved>,
) {
    let flow = &flows[f];
    let steps = &flow_steps[f];
    let whisper = role(flow) == Role::OutboundWhisper;
    for (c, copy) in steps.copies.iter().enumerate() {
        // Findings about the configuration are made once, on the flow as
        // entered; copies only carry the call along.
        let original = c == 0;
        for action in &flow.actions {
            let Some(&first) = copy.get(&action.id) else {
                continue;
            };
            let label = &steps.labels[&action.id];
            let exits = lower_action(graph, f, flow, action, label, first);
            // One step per statement: a copy carries none, nor does a
            // whisper's recording block, whose recording start does.
            if !original || steps.armed_by.contains_key(&action.id) {
                graph.steps[first.index()].statement = None;
            }
            let next_copy = steps.copy_after(action, c);
            let target = |id: &str| {
                let copy = if steps.blocks.contains(id) {
                    0
                } else {
                    next_copy
                };
                steps.copies[copy].get(id).copied()
            };
            // The whisper ends: the customer is connected to the agent,
            // and an armed recording starts capturing.
            if whisper && ends_whisper(action) {
                graph.steps[first.index()].kind = StepKind::Jump;
                if let Some(end) = steps.ends[c] {
                    graph.add_edge(exits.success, Edge::plain(end));
                }
                continue;
            }
            // A transfer to another scanned flow continues there.
            if action.transfers_to_flow() {
                match resolve_flow(flows, flow, action) {
                    FlowTarget::Flow(t) => {
                        transferred_to[t] |= t != f;
                        graph.steps[first.index()].label =
                            Some(format!("Transfer to flow \"{}\"", flows[t].name).into());
                        if let Some(start) = flows[t]
                            .start
                            .as_ref()
                            .and_then(|s| flow_steps[t].copies[0].get(s))
                        {
                            graph.add_edge(exits.success, Edge::plain(*start));
                        }
                    }
                    FlowTarget::Unknown(name) if original => unresolved.push(Unresolved::new(
                        action.span,
                        format!("flow `{name}` is not among the scanned flows"),
                        "the call cannot be followed past this transfer",
                    )),
                    FlowTarget::Unknown(_) | FlowTarget::Computed => {}
                }
                continue;
            }
            if ends_call(action) {
                continue;
            }
            if original
                && let Some((function, LambdaRecording::Unknown, _)) = lambda_recording(action)
            {
                unresolved.push(Unresolved::new(
                    action.span,
                    format!(
                        "Lambda `{function}` may start, pause or stop recording; reclint cannot see inside it"
                    ),
                    "pass the operation (`operation: START`, `STOP`, `PAUSE`, `RESUME`) as a function input, or name the function for it, to have it analysed",
                ));
            }
            add_transitions(graph, flow, action, &exits, target);
        }
    }
}

/// The edges of an action's transitions from its exits; `target` finds the
/// step of an action id.
fn add_transitions(
    graph: &mut FlowGraph,
    flow: &Flow,
    action: &FlowAction,
    exits: &Exits,
    target: impl Fn(&str) -> Option<StepId>,
) {
    let answers = answer_variable(flow, action);
    let t = &action.transitions;
    for branch in &t.conditions {
        if let Some(to) = target(&branch.next) {
            let guards = answers
                .as_ref()
                .map(|variable| {
                    vec![Guard::Answer {
                        variable: variable.clone(),
                        answer: match branch.operator.as_str() {
                            "Equals" => AnswerMatch::Values(branch.operands.clone()),
                            _ => AnswerMatch::AnyValue,
                        },
                    }]
                })
                .unwrap_or_default();
            graph.add_edge(exits.success, Edge { to, guards });
        }
    }
    // Errors are the default outcome of a tested answer; so is the
    // next action when conditions did not match.
    let default_guard = || {
        answers
            .as_ref()
            .map(|variable| {
                vec![Guard::Default {
                    variable: variable.clone(),
                    not: Vec::new(),
                }]
            })
            .unwrap_or_default()
    };
    for (_, next) in &t.errors {
        if let Some(to) = target(next) {
            graph.add_edge(
                exits.error,
                Edge {
                    to,
                    guards: default_guard(),
                },
            );
        }
    }
    if let Some(to) = t.next.as_deref().and_then(target) {
        let guards = if t.conditions.is_empty() {
            Vec::new()
        } else {
            default_guard()
        };
        graph.add_edge(exits.success, Edge { to, guards });
    }
}

/// Every flow that no other flow transfers to is an entry point, at its
/// start action.
fn add_entries(
    graph: &mut FlowGraph,
    flows: &[Flow],
    flow_steps: &[FlowSteps],
    transferred_to: &[bool],
) {
    for (f, flow) in flows.iter().enumerate() {
        if transferred_to[f] {
            continue;
        }
        if let Some(start) = flow
            .start
            .as_ref()
            .and_then(|s| flow_steps[f].copies[0].get(s))
        {
            let entry = graph.add_step(StepKind::Dispatch, flow.span, RegionId(f as u32));
            graph.add_edge(entry, Edge::plain(*start));
            graph.entries.push(EntryPoint {
                step: entry,
                region: RegionId(f as u32),
                dialled: None,
            });
        }
    }
}

/// What a flow's type allows its recording blocks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Ordinary,
    /// Runs when the customer answers an outbound call, before the agent and
    /// customer are connected; that conversation is what it records.
    OutboundWhisper,
    /// Agent and customer whisper and hold flows: Connect does not run a
    /// recording block there.
    NoRecording,
}

fn role(flow: &Flow) -> Role {
    match flow.flow_type.as_deref() {
        Some("OUTBOUND_WHISPER") => Role::OutboundWhisper,
        Some("AGENT_WHISPER" | "CUSTOMER_WHISPER" | "AGENT_HOLD" | "CUSTOMER_HOLD") => {
            Role::NoRecording
        }
        _ => Role::Ordinary,
    }
}
