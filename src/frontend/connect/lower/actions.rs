//! What each action does: its step (prompt, input, branch, recording,
//! connection, jump, analytics, hangup) and the steps it adds after it, and
//! how its transitions are read.

use super::steps::successors;
use super::{Role, role};
use crate::finding::Edit;
use crate::flow::{
    Analysis, EmotionSource,
    BeforeAnswer, Capture, Edge, FlowGraph, RecordingStart, RegionId, StepId, StepKind, Variable,
    Voices, Wait,
};
use crate::frontend::connect::parse::{Flow, FlowAction};
use crate::parse::json::{Json, Value};
use crate::source::Span;

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
            variable: Box::new(input_variable(flow, action)),
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
        // Set Voice ID: the caller's audio goes to Voice ID, which matches
        // it against the caller's enrolled voiceprint and a watchlist of
        // fraudsters' voiceprints.
        "StartVoiceIdStream" => StepKind::Analytics(Box::new(Analysis {
            voiceprint: true,
            ..Analysis::new("Amazon Connect Voice ID (voiceprint authentication and fraudster watchlist matching)")
        })),
        _ if media_streaming(action) == Some(false) => StepKind::RecordingStop,
        "InvokeLambdaFunction" | "InvokeExternalResource"
            if matches!(lambda_recording(action), Some((_, LambdaRecording::Stop, _))) =>
        {
            StepKind::RecordingStop
        }
        "DisconnectParticipant" | "EndFlowExecution" | "Disconnect" => StepKind::Hangup,
        _ => StepKind::Other,
    };
    graph.steps[first.index()].kind = kind;
    graph.steps[first.index()].label = Some(label.into());
    if graph.keeps_statements() {
        graph.set_statement(first, &action.kind, &action.parameters.to_compact());
    }
    let mut last = first;
    // A capture the block starts (a media stream, a Lambda that calls
    // StartContactRecording) follows the block: when the block fails it
    // captures nothing, and its `Errors` leave from before the capture.
    let started = match lambda_recording(action) {
        Some((function, LambdaRecording::Start, operation)) => Some((
            lambda_recording_step(&function, operation.as_deref()),
            lambda_recording_label(&function, operation.as_deref()),
        )),
        _ => (media_streaming(action) == Some(true))
            .then(|| (streaming_step(action), label.to_string())),
    };
    let fails_before = started.is_some();
    if let Some((capture, name)) = started {
        let step = graph.add_step(capture, action.span, region);
        graph.steps[step.index()].label = Some(name.into());
        graph.add_edge(last, Edge::plain(step));
        last = step;
    }
    // Contact Lens analytics switched on by the same block as recording, and
    // the consumer of a media stream.
    let analytics = match media_streaming(action) {
        Some(true) => Some(StepKind::analytics(format!(
            "live media streaming ({})",
            action.kind
        ))),
        _ => analytics_of(action).filter(|_| role(flow) != Role::NoRecording),
    };
    if let Some(analysis) = analytics {
        let step = graph.add_step(analysis, action.span, region);
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
                        variable: Box::new(Variable::Named(format!("$.Attributes.{}", member.key))),
                        from: Box::new(Variable::Named(from.to_string())),
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
        error: if fails_before {
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
    // `Participants: [{"ParticipantType": "Customer", "MediaDirections":
    // ["From"]}]` (or legacy `Track: FromCustomer`): what the customer says.
    let directions: Vec<&str> = action
        .parameter("Participants")
        .map(Json::as_array)
        .unwrap_or(&[])
        .iter()
        .filter(|p| p.get("ParticipantType").and_then(Json::as_str) == Some("Customer"))
        .filter_map(|p| p.get("MediaDirections"))
        .flat_map(|d| d.as_array().iter().filter_map(Json::as_str))
        .chain(
            action
                .parameters
                .members()
                .iter()
                .filter(|m| m.key == "Track")
                .filter_map(|m| m.value.as_str()),
        )
        .collect();
    let from = directions.iter().any(|d| matches!(*d, "From" | "FromCustomer"));
    let to = directions.iter().any(|d| matches!(*d, "To" | "ToCustomer"));
    StepKind::recording(RecordingStart {
        stream: true,
        voices: match (from, to) {
            (true, false) => Voices::Caller,
            (false, true) => Voices::Heard,
            _ => Voices::Both,
        },
        ..RecordingStart::new(
            format!("media streaming to Kinesis Video ({})", action.kind),
            Capture::Immediately,
        )
    })
}

/// Contact Lens analytics enabled by a recording block: `AnalyticsBehavior`
/// (`UpdateContactRecordingBehavior`) or `VoiceAnalyticsBehavior`
/// (`UpdateContactRecordingAndAnalyticsBehavior`) with `Enabled: "True"`.
/// Contact Lens scores the sentiment of both the customer and the agent
/// from the transcript (natural language processing), whatever the mode.
fn analytics_of(action: &FlowAction) -> Option<StepKind> {
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
        let feature = match modes {
            Some(modes) => format!("Contact Lens analytics ({modes})"),
            None => "Contact Lens analytics".to_string(),
        };
        StepKind::Analytics(Box::new(Analysis {
            agent_emotion: Some(EmotionSource::Transcript),
            ..Analysis::new(feature)
        }))
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
fn is_recording_lambda(action: &FlowAction) -> bool {
    matches!(
        action.kind.as_str(),
        "InvokeLambdaFunction" | "InvokeExternalResource"
    ) && mentions_record(&action.parameters)
}

/// Whether a key or a value anywhere in `json` says `record`, in any case.
fn mentions_record(json: &Json) -> bool {
    let says = |text: &str| {
        text.as_bytes()
            .windows(b"record".len())
            .any(|w| w.eq_ignore_ascii_case(b"record"))
    };
    match &json.value {
        Value::String(text) => says(text),
        Value::Array(items) => items.iter().any(mentions_record),
        Value::Object(members) => members
            .iter()
            .any(|m| says(&m.key) || mentions_record(&m.value)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// What a Lambda function the flow invokes does to the contact's recording,
/// as its parameters or name say: the contact recording API
/// (`StartContactRecording`, `SuspendContactRecording`,
/// `ResumeContactRecording`, `StopContactRecording`) called from a Lambda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LambdaRecording {
    Start,
    /// Stopped or suspended (paused): nothing is captured after it.
    Stop,
    /// Resumes a recording a start made: no new recording.
    Resume,
    /// It mentions recording, but not what it does with it.
    Unknown,
}

/// The Lambda's function name (the last part of its ARN), what it does to
/// recording, and the operation as the flow passes it (`START`).
pub(super) fn lambda_recording(
    action: &FlowAction,
) -> Option<(String, LambdaRecording, Option<String>)> {
    if !is_recording_lambda(action) {
        return None;
    }
    let arn = ["LambdaFunctionARN", "FunctionArn"]
        .iter()
        .find_map(|k| action.parameter(k).and_then(Json::as_str))
        .unwrap_or("");
    let function = arn.rsplit([':', '/']).next().unwrap_or(arn).to_string();
    // `LambdaInvocationAttributes: {"operation": "START"}`; a legacy module
    // passes each as a `Parameter`.
    let attributes = action
        .parameter("LambdaInvocationAttributes")
        .map(Json::members)
        .unwrap_or(&[]);
    let operation = attributes
        .iter()
        .filter(|m| {
            let key = m.key.to_ascii_lowercase();
            ["operation", "action", "command", "record"]
                .iter()
                .any(|k| key.contains(k))
        })
        .chain(action.parameters.members().iter().filter(|m| m.key == "Parameter"))
        .filter_map(|m| m.value.as_str())
        .map(str::to_ascii_uppercase)
        .find(|v| ["START", "STOP", "PAUSE", "SUSPEND", "RESUME"].contains(&v.as_str()));
    let named = function.to_ascii_lowercase();
    let what = match operation.as_deref() {
        Some("START") => LambdaRecording::Start,
        Some("STOP" | "PAUSE" | "SUSPEND") => LambdaRecording::Stop,
        Some(_) => LambdaRecording::Resume,
        None if named.contains("startcontactrecording") || named.contains("startrecording") => {
            LambdaRecording::Start
        }
        None if ["stop", "suspend", "pause"].iter().any(|w| named.contains(w)) => {
            LambdaRecording::Stop
        }
        None if named.contains("resume") => LambdaRecording::Resume,
        None => LambdaRecording::Unknown,
    };
    Some((function, what, operation))
}

/// How messages name a Lambda that starts recording: the function, and why
/// reclint takes it for a recording start.
fn lambda_recording_label(function: &str, operation: Option<&str>) -> String {
    let called = match operation {
        Some(op) => format!("operation {op}"),
        None => "by its name".to_string(),
    };
    format!("Lambda `{function}` ({called}: StartContactRecording)")
}

/// A recording a Lambda starts through `StartContactRecording`: the API
/// records from when the agent joins the contact (at once if they have).
fn lambda_recording_step(function: &str, operation: Option<&str>) -> StepKind {
    StepKind::recording(RecordingStart::new(
        lambda_recording_label(function, operation),
        Capture::FromBridge,
    ))
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
    let (participants, ivr) = match recording_behavior(action) {
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

/// A recording block's `RecordingBehavior` (or the `VoiceRecordingBehavior`
/// of its `VoiceBehavior`).
fn recording_behavior(action: &FlowAction) -> Option<&Json> {
    action.parameter("RecordingBehavior").or_else(|| {
        action
            .parameter("VoiceBehavior")
            .and_then(|v| v.get("VoiceRecordingBehavior"))
    })
}

/// The `RecordedParticipants` of a recording block (`Agent`, `Customer`).
pub(super) fn recorded_participants(action: &FlowAction) -> Option<Vec<&str>> {
    recording_behavior(action)?
        .get("RecordedParticipants")
        .map(|p| p.as_array().iter().filter_map(Json::as_str).collect())
}

/// The recording a start block makes: from agent connect, or from here on
/// with the IVR.
pub(super) fn recording_step(action: &FlowAction, ivr: bool) -> StepKind {
    let participants = recorded_participants(action).unwrap_or_default();
    let (agent, customer) = (
        participants.contains(&"Agent"),
        participants.contains(&"Customer"),
    );
    StepKind::recording(RecordingStart {
        before_answer: if ivr {
            BeforeAnswer::Recorded
        } else {
            BeforeAnswer::NotRecorded
        },
        voices: match (agent, customer) {
            (true, false) => Voices::Heard,
            (false, true) => Voices::Caller,
            _ => Voices::Both,
        },
        from_answer: ivr.then(|| ivr_recording_disabled(action)).flatten(),
        ..RecordingStart::new(
            action.kind.clone(),
            if ivr {
                Capture::Immediately
            } else {
                Capture::FromBridge
            },
        )
    })
}

/// `IVRRecordingBehavior: Enabled` → `Disabled`: the block then records
/// from when an agent is connected. Only a value written as read (a quoted
/// or bare `Enabled`, not inside an escaped embedded flow) is edited.
fn ivr_recording_disabled(action: &FlowAction) -> Option<Edit> {
    let value = recording_behavior(action)?.get("IVRRecordingBehavior")?;
    let span = value.span;
    match span.len() {
        7 => Some(Edit::new(span, "Disabled")),
        9 => Some(Edit::new(
            Span::new(span.file, span.start as usize + 1, span.end as usize - 1),
            "Disabled",
        )),
        _ => None,
    }
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
