//! How messages and traces name the actions of a flow, as the flow designer
//! names its blocks.

use crate::hash::HashMap;

use super::actions::{Block, prompt_of, recorded_participants, recording_block, strip_tags};
use crate::frontend::connect::parse::{Flow, FlowAction};
use crate::parse::json::Json;

/// How messages and traces name each action of a flow: as the flow
/// designer names its block, with what tells it apart (the prompt's text,
/// the attributes set, the queue or flow); an action named like another of
/// the same flow also gets its identifier.
pub(super) fn labels(flow: &Flow) -> HashMap<String, String> {
    let names: Vec<String> = flow.actions.iter().map(label_of).collect();
    let mut count: HashMap<&str, usize> = HashMap::default();
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
        | "SetRecordingBehavior" => recording_label(action),
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
            attributes_label(action)
        }
        "UpdateContactTargetQueue" | "SetQueue" => "Set working queue".into(),
        "UpdateContactEventHooks" | "SetEventHook" => event_hook_label(action),
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
        "StartVoiceIdStream" => "Set Voice ID".into(),
        "CheckVoiceId" => "Check Voice ID".into(),
        "Loop" => "Loop".into(),
        "Wait" => "Wait".into(),
        "DistributeByPercentage" => "Distribute by percentage".into(),
        "UpdateContactCallbackNumber" => "Set callback number".into(),
        _ if action.id.is_empty() => action.kind.clone(),
        _ => format!("{} [{}]", action.kind, short_id(&action.id)),
    }
}

/// A recording block: `Set recording and analytics behavior (Agent,
/// Customer)`, `(off)` when it stops recording.
fn recording_label(action: &FlowAction) -> String {
    let text = |key: &str| action.parameter(key).and_then(Json::as_text);
    let block = if action.kind == "SetRecordingBehavior" {
        "Set recording behavior"
    } else {
        "Set recording and analytics behavior"
    };
    let participants = recorded_participants(action)
        .map(|p| p.join(", "))
        .or_else(|| text("RecordingParticipantOption"));
    let detail = match (recording_block(action), participants) {
        (Some(Block::Stop), _) => Some("(off)".to_string()),
        (_, Some(p)) if !p.is_empty() => Some(format!("({p})")),
        _ => None,
    };
    with(block, detail)
}

/// `Set contact attributes (voiceCallId, ...)`: the attributes set.
fn attributes_label(action: &FlowAction) -> String {
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

/// `Set hold flow`, `Set whisper flow`...: by the event hook set.
fn event_hook_label(action: &FlowAction) -> String {
    let text = |key: &str| action.parameter(key).and_then(Json::as_text);
    let hook = action
        .parameter("EventHooks")
        .and_then(|h| h.members().first())
        .map(|m| m.key.to_string())
        .or_else(|| text("Type"))
        .unwrap_or_default();
    match hook.as_str() {
        "CustomerQueue" => "Set customer queue flow".into(),
        "CustomerHold" | "AgentHold" => "Set hold flow".into(),
        "CustomerWhisper" | "AgentWhisper" => "Set whisper flow".into(),
        _ => "Set event flow".into(),
    }
}

/// A block's name followed by its detail, if any.
fn with(block: &str, detail: Option<String>) -> String {
    match detail {
        Some(detail) if !detail.is_empty() => format!("{block} {detail}"),
        _ => block.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::connect::parse as connect;
    use crate::parse::Problems;
    use crate::source::{FileId, SourceFile};

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
