//! What each action does: its step (prompt, input, branch, recording,
//! connection, jump, analytics, hangup) and the steps it adds after it, and
//! how its transitions are read.

use super::steps::successors;
use super::{Role, role};
use crate::flow::{
    Wait,
    BeforeAnswer, Capture, Edge, FlowGraph, RecordingStart, RegionId, StepId, StepKind, Variable,
};
use crate::frontend::connect::parse::{Flow, FlowAction};
use crate::parse::json::Json;

/// The steps an action's transitions leave from.
pub(super) struct Exits {
    /// Where the action succeeded: after every step it adds.
    pub(super) success: StepId,
    /// Where its `Errors` leave: before what the action failed to do.
    pub(super) error: StepId,
}

/// Fills the action's step (and adds steps after it); returns the steps its
/// transitions leave from.
pub(super) fn lower_action(
    graph: &mut FlowGraph,
    flow_index: usize,
    flow: &Flow,
    action: &FlowAction,
    label: &str,
    first: StepId,
) -> Exits {
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
                waits: if action.kind == "TransferParticipantToThirdParty" {
                    Wait::Ringing
                } else {
                    Wait::Queue
                },
            }
        }
        "Transfer" if action.parameter("ContactFlowId").is_none() => StepKind::Connection {
            target: "queue".into(),
            waits: Wait::Queue,
        },
        "TransferToFlow" | "Transfer" => StepKind::Jump,
        _ if media_streaming(action) == Some(false) => StepKind::RecordingStop,
        "DisconnectParticipant" | "EndFlowExecution" | "Disconnect" => StepKind::Hangup,
        _ => StepKind::Other,
    };
    graph.steps[first.index()].kind = kind;
    graph.steps[first.index()].label = Some(label.into());
    graph.set_statement(first, &action.kind, action.parameters.to_compact());
    let mut last = first;
    // A stream that failed to start captures nothing: its `Errors` leave
    // from the block, before the capture.
    if media_streaming(action) == Some(true) {
        let step = graph.add_step(streaming_step(action), action.span, region);
        graph.steps[step.index()].label = Some(label.into());
        graph.add_edge(last, Edge::plain(step));
        last = step;
    }
    // Contact Lens analytics switched on by the same block as recording, and
    // the consumer of a media stream.
    let analytics = match media_streaming(action) {
        Some(true) => Some(format!("live media streaming ({})", action.kind)),
        _ => analytics_of(action).filter(|_| role(flow) != Role::NoRecording),
    };
    if let Some(feature) = analytics {
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
    Exits {
        success: last,
        error: if media_streaming(action) == Some(true) {
            first
        } else {
            last
        },
    }
}

/// Whether the action starts (`true`) or stops (`false`) streaming the
/// customer's audio to Kinesis Video Streams: `StartMediaStreaming` and
/// `StopMediaStreaming` in older exports, `UpdateContactMediaStreamingBehavior`
/// with `MediaStreamingState` in the flow language.
fn media_streaming(action: &FlowAction) -> Option<bool> {
    match action.kind.as_str() {
        "StartMediaStreaming" => Some(true),
        "StopMediaStreaming" => Some(false),
        "UpdateContactMediaStreamingBehavior" => {
            match action.parameter("MediaStreamingState").and_then(Json::as_str) {
                Some("Enabled") => Some(true),
                Some("Disabled") => Some(false),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A media stream captures the caller's audio from this block on, whatever
/// the caller hears next (prompts, menus, the queue): a consumer of the
/// stream can keep it, so it is a recording start for the consent, notice
/// and IVR rules.
fn streaming_step(action: &FlowAction) -> StepKind {
    StepKind::recording(RecordingStart {
        recorder: format!("media streaming to Kinesis Video ({})", action.kind),
        capture: Capture::Immediately,
        target: None,
        related: Vec::new(),
        start_message: false,
        stream: true,
        stops_running: false,
        before_answer: BeforeAnswer::FromHere,
    })
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

/// Where an outbound whisper hands the customer to the agent: `End flow`,
/// or a block with nowhere to go.
pub(super) fn ends_whisper(action: &FlowAction) -> bool {
    action.kind == "EndFlowExecution"
        || (successors(action).is_empty() && !ends_call(action) && !action.transfers_to_flow())
}

pub(super) fn ends_call(action: &FlowAction) -> bool {
    matches!(
        action.kind.as_str(),
        "DisconnectParticipant" | "EndFlowExecution" | "Disconnect"
    )
}

/// `InvokeLambdaFunction` whose parameters talk about recording
/// (StartContactRecording and friends called from code).
pub(super) fn is_recording_lambda(action: &FlowAction) -> bool {
    matches!(
        action.kind.as_str(),
        "InvokeLambdaFunction" | "InvokeExternalResource"
    ) && format!("{:?}", action.parameters.value)
        .to_ascii_lowercase()
        .contains("record")
}

/// What a recording block does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    /// Records from agent connect, or at once when the IVR is recorded.
    Start { ivr: bool },
    /// No participants, or `Disable`.
    Stop,
}

pub(super) fn recording_block(action: &FlowAction) -> Option<Block> {
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
pub(super) fn recording_step(action: &FlowAction, ivr: bool) -> StepKind {
    StepKind::recording(RecordingStart {
        stream: false,
        stops_running: false,
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
pub(super) fn prompt_of(action: &FlowAction) -> Vec<String> {
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

pub(super) fn strip_tags(text: &str) -> String {
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
pub(super) fn answer_variable(flow: &Flow, action: &FlowAction) -> Option<Variable> {
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
