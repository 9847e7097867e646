//! Transfers between flows: which action transfers, and to which scanned
//! flow (by id, ARN, deploying resource or name).

use crate::parse::connect::{self, Flow, FlowAction};
use crate::parse::json::Json;

/// Whether an action transfers to another flow.
pub(super) fn is_flow_transfer(action: &FlowAction) -> bool {
    action.kind == "TransferToFlow"
        || (action.kind == "Transfer" && action.parameter("ContactFlowId").is_some())
}

pub(super) enum FlowTarget {
    Flow(usize),
    Unknown(String),
    /// A JSONPath or template placeholder: decided at run time.
    Computed,
}

/// The flow a `TransferToFlow` names: by the id or ARN of an exported flow,
/// by the CloudFormation or Terraform resource that deploys it, or by name
/// (`ContactFlowName`, or the last part of an ARN that names no exported
/// flow).
pub(super) fn resolve_flow(flows: &[Flow], from: &Flow, action: &FlowAction) -> FlowTarget {
    let Some(id) = action.parameter("ContactFlowId").and_then(Json::as_str) else {
        return FlowTarget::Computed;
    };
    let id = id.trim();
    let by_key = |key: &str| flows.iter().position(|f| f.keys.iter().any(|k| k == key));
    if let Some(reference) = id.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        // `${X.ContactFlowArn}`, `${X}` (CloudFormation `Fn::Sub`, also through
        // its variables), `${aws_connect_contact_flow.x.arn}` (Terraform).
        let key = match from.substitutions.iter().find(|(v, _)| v == reference) {
            Some((_, key)) => key.clone(),
            None => match reference.strip_prefix("aws_connect_contact_flow.") {
                Some(rest) => format!(
                    "tf:aws_connect_contact_flow.{}",
                    rest.split('.').next().unwrap_or(rest)
                ),
                None => format!("cfn:{}", reference.split('.').next().unwrap_or(reference)),
            },
        };
        // A parameter or another stack's value: decided at deployment.
        return by_key(&key).map_or(FlowTarget::Computed, FlowTarget::Flow);
    }
    if id.starts_with("$.") || id.contains("${") || id.contains("{{") {
        return FlowTarget::Computed;
    }
    if let Some(t) = by_key(&connect::id_key(id)) {
        return FlowTarget::Flow(t);
    }
    let name = action
        .parameter("ContactFlowName")
        .and_then(Json::as_str)
        .unwrap_or_else(|| id.rsplit('/').next().unwrap_or(id));
    match flows.iter().position(|f| f.name == name || f.name == id) {
        Some(i) => FlowTarget::Flow(i),
        None => FlowTarget::Unknown(name.to_string()),
    }
}
