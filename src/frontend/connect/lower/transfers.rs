//! Transfers between flows: to which scanned flow a transfer goes (by id,
//! ARN, deploying resource or name; see [`connect::flow_reference`]).

use crate::frontend::connect::parse::{self as connect, Flow, FlowAction, FlowReference};

pub(super) enum FlowTarget {
    Flow(usize),
    Unknown(String),
    /// A JSONPath or template placeholder: decided at run time.
    Computed,
}

/// The scanned flow a transfer names.
pub(super) fn resolve_flow(flows: &[Flow], from: &Flow, action: &FlowAction) -> FlowTarget {
    let by_key = |key: &str| flows.iter().position(|f| f.keys.iter().any(|k| k == key));
    match connect::flow_reference(from, action) {
        FlowReference::Computed => FlowTarget::Computed,
        // A parameter or another stack's value: decided at deployment.
        FlowReference::Resource(key) => by_key(&key).map_or(FlowTarget::Computed, FlowTarget::Flow),
        FlowReference::Named { key, name, id } => by_key(&key)
            .or_else(|| flows.iter().position(|f| f.name == name || f.name == id))
            .map_or(FlowTarget::Unknown(name), FlowTarget::Flow),
    }
}
