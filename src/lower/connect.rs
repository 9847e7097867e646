//! Lowering Amazon Connect contact flows to the call-flow graph: one region
//! per flow, one step per action, `Transitions` as edges. Here an
//! `UpdateContactRecordingBehavior` action with participants becomes a
//! [`StepKind::RecordingStart`] (from agent connect, or from now on when
//! `IVRRecordingBehavior` is `Enabled`; in an outbound whisper, from the end
//! of the whisper), a `GetParticipantInput` an input whose
//! `Conditions` are explicit answers and whose `Errors` and default
//! `NextAction` are the default outcome, a `TransferToFlow` a jump into the
//! scanned flow it names.

use std::collections::{HashMap, HashSet};

use super::{LoadContext, Lowered};
use crate::flow::{
    AnswerMatch, BeforeAnswer, Capture, Edge, EntryPoint, FlowGraph, Guard, RecordingStart,
    RegionId, StepId, StepKind, Variable,
};
use crate::parallel;
use crate::parse::connect::{self, Flow, FlowAction, FlowReference};
use crate::parse::json::Json;
use crate::parse::{Problems, Unresolved};
use crate::source::FileId;

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "amazon-connect";

/// Loads every flow of the given files into one graph, so that transfers
/// between flows can be followed.
pub fn load(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    // Files are parsed independently, in parallel; the flows then make one
    // graph, since a flow may transfer to any other.
    let sources = &*cx.sources;
    let read = parallel::map(files.to_vec(), cx.jobs, |file| {
        let mut problems = Problems::default();
        let flows = connect::read(file, sources.get(file), &mut problems);
        (flows, problems)
    });
    let mut flows: Vec<Flow> = Vec::new();
    for (read, problems) in read {
        flows.extend(read);
        cx.problems.extend(problems);
    }
    let mut lowered = Lowered::default();
    if flows.is_empty() {
        return lowered;
    }
    let mut graph = FlowGraph::of_format(FORMAT);
    // Pass 1: a region per flow, a step per action (and per copy of it).
    let mut flow_steps: Vec<FlowSteps> = Vec::new();
    for (f, flow) in flows.iter().enumerate() {
        graph.add_region(flow.name.clone(), flow.span);
        flow_steps.push(FlowSteps::new(&mut graph, flow, RegionId(f as u32)));
    }
    let mut transferred_to = vec![false; flows.len()];
    for (f, flow) in flows.iter().enumerate() {
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
                let last = lower_action(&mut graph, f, flow, action, label, first);
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
                        graph.add_edge(last, Edge::plain(end));
                    }
                    continue;
                }
                // A transfer to another scanned flow continues there.
                if action.transfers_to_flow() {
                    match resolve_flow(&flows, flow, action) {
                        FlowTarget::Flow(t) => {
                            transferred_to[t] |= t != f;
                            graph.steps[first.index()].label =
                                Some(format!("Transfer to flow \"{}\"", flows[t].name).into());
                            if let Some(start) = flows[t]
                                .start
                                .as_ref()
                                .and_then(|s| flow_steps[t].copies[0].get(s))
                            {
                                graph.add_edge(last, Edge::plain(*start));
                            }
                        }
                        FlowTarget::Unknown(name) if original => {
                            cx.problems.unresolved.push(Unresolved::new(
                                action.span,
                                format!("flow `{name}` is not among the scanned flows"),
                                "the call cannot be followed past this transfer",
                            ))
                        }
                        FlowTarget::Unknown(_) | FlowTarget::Computed => {}
                    }
                    continue;
                }
                if ends_call(action) {
                    continue;
                }
                if original && is_recording_lambda(action) {
                    cx.problems.unresolved.push(Unresolved::new(
                        action.span,
                        "this Lambda function may start, pause or stop recording; reclint cannot see inside it",
                        "recording through the API is not analysed",
                    ));
                }
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
                        graph.add_edge(last, Edge { to, guards });
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
                            last,
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
                    graph.add_edge(last, Edge { to, guards });
                }
            }
        }
    }
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
    graph.shrink_to_fit();
    lowered.graphs.push(graph);
    lowered
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

/// The steps of one flow. Copy 0 holds every action, as the flow is
/// entered. In an outbound whisper, a recording block (without IVR
/// recording) captures from the end of the whisper, when the parties are
/// connected, so what the customer hears before that end comes before the
/// recording: copy `k` holds the actions after recording block `k`, and
/// its end of the flow leads to that block's recording start. A whisper
/// flow is small and has one or two recording blocks; other flows have no
/// copies.
struct FlowSteps {
    /// Per copy: action id → its step.
    copies: Vec<HashMap<String, StepId>>,
    /// Per copy: where the end of the whisper leads (the recording armed in
    /// the copy, or the connection).
    ends: Vec<Option<StepId>>,
    /// The recording blocks of an outbound whisper, each in copy 0 only.
    blocks: HashSet<String>,
    /// Recording block id → the copy of what follows it.
    armed_by: HashMap<String, usize>,
    /// Action id → how messages name the action.
    labels: HashMap<String, String>,
}

impl FlowSteps {
    fn new(graph: &mut FlowGraph, flow: &Flow, region: RegionId) -> FlowSteps {
        let entered = flow
            .actions
            .iter()
            .map(|a| {
                (
                    a.id.clone(),
                    graph.add_step(StepKind::Other, a.span, region),
                )
            })
            .collect();
        let mut steps = FlowSteps {
            copies: vec![entered],
            ends: vec![None],
            blocks: Default::default(),
            armed_by: HashMap::new(),
            labels: labels(flow),
        };
        if role(flow) != Role::OutboundWhisper {
            return steps;
        }
        let connected = graph.add_step(
            StepKind::Connection {
                target: "agent".into(),
                queue: false,
            },
            flow.span,
            region,
        );
        graph.steps[connected.index()].label = Some("the end of the whisper".into());
        steps.ends[0] = Some(connected);
        for block in &flow.actions {
            match recording_block(block) {
                Some(Block::Start { ivr: false }) => {}
                Some(_) => {
                    steps.blocks.insert(block.id.clone());
                    continue;
                }
                None => continue,
            }
            steps.blocks.insert(block.id.clone());
            let start = graph.add_step(recording_step(block, false), block.span, region);
            graph.steps[start.index()].label = Some(steps.labels[&block.id].as_str().into());
            graph.set_statement(start, &block.kind, block.parameters.to_compact());
            graph.add_edge(start, Edge::plain(connected));
            steps.armed_by.insert(block.id.clone(), steps.copies.len());
            steps.copies.push(HashMap::new());
            steps.ends.push(Some(start));
        }
        // What each block reaches before another recording block decides.
        let by_id: HashMap<&str, &FlowAction> =
            flow.actions.iter().map(|a| (a.id.as_str(), a)).collect();
        for block in &flow.actions {
            let Some(&copy) = steps.armed_by.get(&block.id) else {
                continue;
            };
            let mut reached = HashMap::new();
            let mut work: Vec<&str> = successors(block);
            while let Some(next) = work.pop() {
                if steps.blocks.contains(next) || reached.contains_key(next) {
                    continue;
                }
                let Some(action) = by_id.get(next) else {
                    continue;
                };
                reached.insert(
                    next.to_string(),
                    graph.add_step(StepKind::Other, action.span, region),
                );
                work.extend(successors(action));
            }
            steps.copies[copy] = reached;
        }
        steps
    }

    /// The copy an action's transitions lead into, from copy `copy`.
    fn copy_after(&self, action: &FlowAction, copy: usize) -> usize {
        match self.armed_by.get(&action.id) {
            Some(&armed) => armed,
            None if self.blocks.contains(&action.id) => 0,
            None => copy,
        }
    }
}

/// The actions an action's transitions lead to.
fn successors(action: &FlowAction) -> Vec<&str> {
    let t = &action.transitions;
    t.next
        .iter()
        .chain(t.conditions.iter().map(|c| &c.next))
        .chain(t.errors.iter().map(|(_, next)| next))
        .map(String::as_str)
        .collect()
}

/// Fills the action's step (and adds steps after it); returns the step its
/// transitions leave from.
fn lower_action(
    graph: &mut FlowGraph,
    flow_index: usize,
    flow: &Flow,
    action: &FlowAction,
    label: &str,
    first: StepId,
) -> StepId {
    let region = RegionId(flow_index as u32);
    let kind = match action.kind.as_str() {
        "MessageParticipant" | "MessageParticipantIteratively" | "PlayPrompt" => StepKind::Prompt {
            prompts: prompt_of(action),
        },
        "GetParticipantInput"
        | "GetUserInput"
        | "StoreUserInput"
        | "ConnectParticipantWithLexBot" => StepKind::Input {
            variable: input_variable(flow, action),
            prompts: prompt_of(action),
        },
        "Compare" | "CheckAttribute" => StepKind::Branch,
        "UpdateContactRecordingBehavior"
        | "UpdateContactRecordingAndAnalyticsBehavior"
        | "SetRecordingBehavior" => match (recording_block(action), role(flow)) {
            (None, _) | (_, Role::NoRecording) => StepKind::Other,
            // Recorded where the whisper ends (see `FlowSteps`).
            (Some(Block::Start { ivr: false }), Role::OutboundWhisper) => StepKind::Other,
            (Some(Block::Start { ivr }), _) => recording_step(action, ivr),
            (Some(Block::Stop), _) => StepKind::RecordingStop,
        },
        "TransferContactToQueue" | "TransferParticipantToThirdParty" | "TransferToQueue" => {
            StepKind::Connection {
                target: action.kind.clone(),
                queue: action.kind != "TransferParticipantToThirdParty",
            }
        }
        "Transfer" if action.parameter("ContactFlowId").is_none() => StepKind::Connection {
            target: "queue".into(),
            queue: true,
        },
        "TransferToFlow" | "Transfer" => StepKind::Jump,
        "StartMediaStreaming" => StepKind::Analytics {
            feature: "live media streaming (StartMediaStreaming)".into(),
        },
        "UpdateContactMediaStreamingBehavior"
            if action
                .parameter("MediaStreamingState")
                .and_then(Json::as_str)
                == Some("Enabled") =>
        {
            StepKind::Analytics {
                feature: "live media streaming (UpdateContactMediaStreamingBehavior)".into(),
            }
        }
        "DisconnectParticipant" | "EndFlowExecution" | "Disconnect" => StepKind::Hangup,
        _ => StepKind::Other,
    };
    graph.steps[first.index()].kind = kind;
    graph.steps[first.index()].label = Some(label.into());
    graph.set_statement(first, &action.kind, action.parameters.to_compact());
    let mut last = first;
    // Contact Lens analytics switched on by the same block as recording.
    if let Some(feature) = analytics_of(action).filter(|_| role(flow) != Role::NoRecording) {
        let step = graph.add_step(StepKind::Analytics { feature }, action.span, region);
        graph.steps[step.index()].label = Some(label.into());
        graph.add_edge(last, Edge::plain(step));
        last = step;
    }
    // `UpdateContactAttributes`: a stored answer copied into an attribute.
    if matches!(
        action.kind.as_str(),
        "UpdateContactAttributes" | "SetAttributes"
    ) {
        let attributes = action
            .parameter("Attributes")
            .map(Json::members)
            .unwrap_or(action.parameters.members());
        for member in attributes {
            if let Some(from) = member.value.as_str().filter(|v| v.starts_with("$.")) {
                let step = graph.add_step(
                    StepKind::Assign {
                        variable: Variable::Named(format!("$.Attributes.{}", member.key)),
                        from: Variable::Named(from.to_string()),
                    },
                    action.span,
                    region,
                );
                graph.steps[step.index()].label = Some(label.into());
                graph.add_edge(last, Edge::plain(step));
                last = step;
            }
        }
    }
    last
}

/// Contact Lens analytics enabled by a recording block: `AnalyticsBehavior`
/// (`UpdateContactRecordingBehavior`) or `VoiceAnalyticsBehavior`
/// (`UpdateContactRecordingAndAnalyticsBehavior`) with `Enabled: "True"`.
fn analytics_of(action: &FlowAction) -> Option<String> {
    let behavior = action.parameter("AnalyticsBehavior").or_else(|| {
        action
            .parameter("VoiceBehavior")
            .and_then(|v| v.get("VoiceAnalyticsBehavior"))
    })?;
    let enabled = behavior
        .get("Enabled")
        .and_then(Json::as_text)
        .is_some_and(|e| e.eq_ignore_ascii_case("true"));
    enabled.then(|| {
        let modes = behavior
            .get("AnalyticsModes")
            .map(|m| {
                m.as_array()
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|m| !m.is_empty());
        match modes {
            Some(modes) => format!("Contact Lens analytics ({modes})"),
            None => "Contact Lens analytics".to_string(),
        }
    })
}

/// How messages and traces name each action of a flow: as the flow
/// designer names its block, with what tells it apart (the prompt's text,
/// the attributes set, the queue or flow); an action named like another of
/// the same flow also gets its identifier.
fn labels(flow: &Flow) -> HashMap<String, String> {
    let names: Vec<String> = flow.actions.iter().map(label_of).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for name in &names {
        *count.entry(name.as_str()).or_default() += 1;
    }
    flow.actions
        .iter()
        .zip(&names)
        .map(|(action, name)| {
            let label = if count[name.as_str()] > 1 && !action.id.is_empty() {
                format!("{name} [{}]", short_id(&action.id))
            } else {
                name.clone()
            };
            (action.id.clone(), label)
        })
        .collect()
}

/// The first part of a generated identifier (`2f8d63be` of a UUID).
fn short_id(id: &str) -> &str {
    id.split('-').next().filter(|p| p.len() >= 4).unwrap_or(id)
}

/// A prompt named by its ARN or URI, by its last part.
fn resource_name(text: &str) -> &str {
    if ["arn:", "s3://", "https://"]
        .iter()
        .any(|p| text.starts_with(p))
    {
        text.rsplit(['/', ':']).next().unwrap_or(text)
    } else {
        text
    }
}

/// Longest quoted text in a label.
const LABEL_TEXT: usize = 48;

/// `"Thanks for calling, ..."`: a parameter quoted, on one line and short.
fn quoted(text: &str) -> String {
    let text = strip_tags(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() <= LABEL_TEXT {
        format!("\"{text}\"")
    } else {
        let cut: String = text.chars().take(LABEL_TEXT - 3).collect();
        format!("\"{}...\"", cut.trim_end())
    }
}

/// An action as the flow designer names its block: `Play prompt "Thanks
/// for calling"`, `Set recording and analytics behavior (Agent, Customer)`;
/// an action type the designer names differently or reclint does not know is
/// its type and identifier.
fn label_of(action: &FlowAction) -> String {
    let text = |key: &str| action.parameter(key).and_then(Json::as_text);
    let prompt = || {
        prompt_of(action)
            .first()
            .or(action
                .parameter("Messages")
                .and_then(|m| m.as_array().first())
                .and_then(|m| m.get("Text").or_else(|| m.get("SSML")))
                .and_then(Json::as_str)
                .map(|t| t.to_string())
                .as_ref())
            .map(|t| format!(" {}", quoted(resource_name(t))))
            .unwrap_or_default()
    };
    let with = |block: &str, detail: Option<String>| match detail {
        Some(detail) if !detail.is_empty() => format!("{block} {detail}"),
        _ => block.to_string(),
    };
    match action.kind.as_str() {
        "MessageParticipant" | "PlayPrompt" => format!("Play prompt{}", prompt()),
        "MessageParticipantIteratively" => format!("Loop prompts{}", prompt()),
        "GetParticipantInput" | "GetUserInput"
            if text("StoreInput").is_some_and(|v| v.eq_ignore_ascii_case("true")) =>
        {
            format!("Store customer input{}", prompt())
        }
        "StoreUserInput" => format!("Store customer input{}", prompt()),
        "GetParticipantInput" | "GetUserInput" | "ConnectParticipantWithLexBot" => {
            format!("Get customer input{}", prompt())
        }
        "UpdateContactRecordingBehavior"
        | "UpdateContactRecordingAndAnalyticsBehavior"
        | "SetRecordingBehavior" => {
            let block = if action.kind == "SetRecordingBehavior" {
                "Set recording behavior"
            } else {
                "Set recording and analytics behavior"
            };
            let participants = action
                .parameter("RecordingBehavior")
                .or_else(|| {
                    action
                        .parameter("VoiceBehavior")
                        .and_then(|v| v.get("VoiceRecordingBehavior"))
                })
                .and_then(|b| b.get("RecordedParticipants"))
                .map(|p| {
                    p.as_array()
                        .iter()
                        .filter_map(Json::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .or_else(|| text("RecordingParticipantOption"));
            let detail = match (recording_block(action), participants) {
                (Some(Block::Stop), _) => Some("(off)".to_string()),
                (_, Some(p)) if !p.is_empty() => Some(format!("({p})")),
                _ => None,
            };
            with(block, detail)
        }
        "TransferContactToQueue" | "TransferToQueue" => "Transfer to queue".into(),
        "Transfer" if action.parameter("ContactFlowId").is_none() => "Transfer to queue".into(),
        "TransferToFlow" | "Transfer" => with(
            "Transfer to flow",
            text("ContactFlowName")
                .or_else(|| {
                    text("ContactFlowId").map(|id| id.rsplit('/').next().unwrap_or(&id).to_string())
                })
                .map(|t| quoted(&t)),
        ),
        "TransferParticipantToThirdParty" => with(
            "Transfer to phone number",
            text("ThirdPartyPhoneNumber").map(|n| quoted(&n)),
        ),
        "DisconnectParticipant" | "Disconnect" => "Disconnect / hang up".into(),
        "EndFlowExecution" => "End flow / Resume".into(),
        "Compare" => with(
            "Check contact attributes",
            text("ComparisonValue").map(|v| quoted(&v)),
        ),
        "CheckAttribute" => with(
            "Check contact attributes",
            text("Attribute").map(|v| quoted(&v)),
        ),
        "CheckHoursOfOperation" => "Check hours of operation".into(),
        "CheckMetricData" if text("MetricType").is_some_and(|m| m.contains("Agents")) => {
            "Check staffing".into()
        }
        "CheckMetricData" => "Check queue status".into(),
        "UpdateContactAttributes" | "UpdateFlowAttributes" | "SetAttributes" => {
            let attributes = action
                .parameter("Attributes")
                .or_else(|| action.parameter("FlowAttributes"))
                .map(|a| {
                    a.members()
                        .iter()
                        .map(|m| m.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                });
            with(
                "Set contact attributes",
                attributes
                    .filter(|a| !a.is_empty())
                    .map(|a| format!("({a})")),
            )
        }
        "UpdateContactTargetQueue" | "SetQueue" => "Set working queue".into(),
        "UpdateContactEventHooks" | "SetEventHook" => {
            let hook = action
                .parameter("EventHooks")
                .and_then(|h| h.members().first())
                .map(|m| m.key.clone())
                .or_else(|| text("Type"))
                .unwrap_or_default();
            match hook.as_str() {
                "CustomerQueue" => "Set customer queue flow".into(),
                "CustomerHold" | "AgentHold" => "Set hold flow".into(),
                "CustomerWhisper" | "AgentWhisper" => "Set whisper flow".into(),
                _ => "Set event flow".into(),
            }
        }
        "InvokeLambdaFunction" | "InvokeExternalResource" => with(
            "Invoke AWS Lambda function",
            text("LambdaFunctionARN")
                .or_else(|| text("FunctionArn"))
                .map(|arn| quoted(arn.rsplit(':').next().unwrap_or(&arn))),
        ),
        "InvokeFlowModule" => "Invoke module".into(),
        "UpdateFlowLoggingBehavior" | "SetLoggingBehavior" => "Set logging behavior".into(),
        "UpdateContactTextToSpeechVoice" | "SetVoice" => "Set voice".into(),
        "StartMediaStreaming" => "Start media streaming".into(),
        "StopMediaStreaming" => "Stop media streaming".into(),
        "UpdateContactMediaStreamingBehavior" => {
            if text("MediaStreamingState").as_deref() == Some("Enabled") {
                "Start media streaming".into()
            } else {
                "Stop media streaming".into()
            }
        }
        "Loop" => "Loop".into(),
        "Wait" => "Wait".into(),
        "DistributeByPercentage" => "Distribute by percentage".into(),
        "UpdateContactCallbackNumber" => "Set callback number".into(),
        _ if action.id.is_empty() => action.kind.clone(),
        _ => format!("{} [{}]", action.kind, short_id(&action.id)),
    }
}

/// Whether an action transfers to another flow.
/// Where an outbound whisper hands the customer to the agent: `End flow`,
/// or a block with nowhere to go.
fn ends_whisper(action: &FlowAction) -> bool {
    action.kind == "EndFlowExecution"
        || (successors(action).is_empty() && !ends_call(action) && !action.transfers_to_flow())
}

fn ends_call(action: &FlowAction) -> bool {
    matches!(
        action.kind.as_str(),
        "DisconnectParticipant" | "EndFlowExecution" | "Disconnect"
    )
}

enum FlowTarget {
    Flow(usize),
    Unknown(String),
    /// A JSONPath or template placeholder: decided at run time.
    Computed,
}

/// The scanned flow a transfer names (see [`connect::flow_reference`]).
fn resolve_flow(flows: &[Flow], from: &Flow, action: &FlowAction) -> FlowTarget {
    let by_key = |key: &str| flows.iter().position(|f| f.keys.iter().any(|k| k == key));
    match connect::flow_reference(from, action) {
        FlowReference::Computed => FlowTarget::Computed,
        FlowReference::Resource(key) => by_key(&key).map_or(FlowTarget::Computed, FlowTarget::Flow),
        FlowReference::Named { key, name, id } => by_key(&key)
            .or_else(|| flows.iter().position(|f| f.name == name || f.name == id))
            .map_or(FlowTarget::Unknown(name), FlowTarget::Flow),
    }
}

/// `InvokeLambdaFunction` whose parameters talk about recording
/// (StartContactRecording and friends called from code).
fn is_recording_lambda(action: &FlowAction) -> bool {
    matches!(
        action.kind.as_str(),
        "InvokeLambdaFunction" | "InvokeExternalResource"
    ) && format!("{:?}", action.parameters.value)
        .to_ascii_lowercase()
        .contains("record")
}

/// What a recording block does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// Records from agent connect, or at once when the IVR is recorded.
    Start { ivr: bool },
    /// No participants, or `Disable`.
    Stop,
}

fn recording_block(action: &FlowAction) -> Option<Block> {
    if !matches!(
        action.kind.as_str(),
        "UpdateContactRecordingBehavior"
            | "UpdateContactRecordingAndAnalyticsBehavior"
            | "SetRecordingBehavior"
    ) {
        return None;
    }
    let behavior = action.parameter("RecordingBehavior").or_else(|| {
        action
            .parameter("VoiceBehavior")
            .and_then(|v| v.get("VoiceRecordingBehavior"))
    });
    let (participants, ivr) = match behavior {
        Some(b) => (
            b.get("RecordedParticipants")
                .map(|p| !p.as_array().is_empty()),
            b.get("IVRRecordingBehavior").and_then(Json::as_str) == Some("Enabled"),
        ),
        // Legacy `SetRecordingBehavior`.
        None => (
            action
                .parameter("RecordingBehaviorOption")
                .and_then(Json::as_str)
                .map(|o| o.eq_ignore_ascii_case("enable")),
            false,
        ),
    };
    match participants? {
        true => Some(Block::Start { ivr }),
        false => Some(Block::Stop),
    }
}

/// The recording a start block makes: from agent connect, or from here on
/// with the IVR.
fn recording_step(action: &FlowAction, ivr: bool) -> StepKind {
    StepKind::recording(RecordingStart {
        before_answer: if ivr {
            BeforeAnswer::Recorded
        } else {
            BeforeAnswer::NotRecorded
        },
        recorder: action.kind.clone(),
        capture: if ivr {
            Capture::Immediately
        } else {
            Capture::FromBridge
        },
        target: None,
        related: Vec::new(),
        start_message: false,
    })
}

/// The text or prompt of a message or input action.
fn prompt_of(action: &FlowAction) -> Vec<String> {
    ["Text", "SSML", "PromptId", "AudioPrompt"]
        .iter()
        .filter_map(|key| action.parameter(key).and_then(Json::as_str))
        .chain(
            action
                .parameter("Media")
                .and_then(|m| m.get("Uri"))
                .and_then(Json::as_str),
        )
        .map(strip_tags)
        .collect()
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The variable an input writes: the stored input, or the key pressed
/// (tested by the action's own conditions).
fn input_variable(flow: &Flow, action: &FlowAction) -> Variable {
    let stored = action
        .parameter("StoreInput")
        .and_then(Json::as_text)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if stored || action.kind == "StoreUserInput" {
        Variable::Named("$.StoredCustomerInput".into())
    } else if action.kind == "ConnectParticipantWithLexBot" {
        Variable::Named(format!("input:{}:{}", flow.name, action.id))
    } else {
        Variable::Menu {
            region: flow.name.clone(),
            action: Some(action.id.clone()),
        }
    }
}

/// The variable whose value an action's conditions test.
fn answer_variable(flow: &Flow, action: &FlowAction) -> Option<Variable> {
    match action.kind.as_str() {
        "GetParticipantInput" | "GetUserInput" | "ConnectParticipantWithLexBot" => {
            Some(input_variable(flow, action))
        }
        "Compare" => action
            .parameter("ComparisonValue")
            .and_then(Json::as_str)
            .map(|v| Variable::Named(v.to_string())),
        "CheckAttribute" => action
            .parameter("Attribute")
            .and_then(Json::as_str)
            .map(|a| Variable::Named(format!("$.Attributes.{a}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Problems;
    use crate::source::SourceFile;

    fn flow(actions: &str) -> Flow {
        let text = format!(r#"{{"StartAction":"a","Actions":[{actions}]}}"#);
        let source = SourceFile::new("f.json".into(), "f.json".into(), text);
        let mut problems = Problems::default();
        connect::read(FileId(0), &source, &mut problems).remove(0)
    }

    #[test]
    fn steps_are_named_like_the_designer_names_blocks() {
        let f = flow(
            r#"{"Identifier":"a","Type":"MessageParticipant","Parameters":{"SSML":"<speak>Thanks for calling</speak>"}},
               {"Identifier":"2f8d63be-5da8","Type":"UpdateContactRecordingBehavior","Parameters":{"RecordingBehavior":{"RecordedParticipants":["Agent","Customer"]}}},
               {"Identifier":"c","Type":"UpdateContactRecordingBehavior","Parameters":{"RecordingBehavior":{"RecordedParticipants":[]}}},
               {"Identifier":"d","Type":"UpdateContactAttributes","Parameters":{"Attributes":{"voiceCallId":"$.External.voiceCallId"}}},
               {"Identifier":"9b810e76-aaaa","Type":"TransferContactToQueue","Parameters":{}},
               {"Identifier":"127a3beb-bbbb","Type":"TransferContactToQueue","Parameters":{}},
               {"Identifier":"e5d888c7-cccc","Type":"SomethingNew","Parameters":{}}"#,
        );
        let labels = labels(&f);
        assert_eq!(labels["a"], r#"Play prompt "Thanks for calling""#);
        assert_eq!(
            labels["2f8d63be-5da8"],
            "Set recording and analytics behavior (Agent, Customer)"
        );
        assert_eq!(labels["c"], "Set recording and analytics behavior (off)");
        assert_eq!(labels["d"], "Set contact attributes (voiceCallId)");
        assert_eq!(labels["9b810e76-aaaa"], "Transfer to queue [9b810e76]");
        assert_eq!(labels["e5d888c7-cccc"], "SomethingNew [e5d888c7]");
    }
}
