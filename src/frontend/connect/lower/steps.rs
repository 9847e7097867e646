//! The steps of a flow: one per action as the flow is entered, and in an
//! outbound whisper, copies of what follows each recording block.

use crate::hash::{HashMap, HashSet};

use super::actions::{Block, recording_block, recording_step};
use super::labels::labels;
use super::{Role, role};
use crate::flow::{Edge, FlowGraph, RegionId, StepId, StepKind, Wait};
use crate::frontend::connect::parse::{Flow, FlowAction};

/// The steps of one flow. Copy 0 holds every action, as the flow is
/// entered. In an outbound whisper, a recording block (without IVR
/// recording) captures from the end of the whisper, when the parties are
/// connected, so what the customer hears before that end comes before the
/// recording: copy `k` holds the actions after recording block `k`, and
/// its end of the flow leads to that block's recording start. A whisper
/// flow is small and has one or two recording blocks; other flows have no
/// copies.
pub(super) struct FlowSteps {
    /// Per copy: action id → its step.
    pub(super) copies: Vec<HashMap<String, StepId>>,
    /// Per copy: where the end of the whisper leads (the recording armed in
    /// the copy, or the connection).
    pub(super) ends: Vec<Option<StepId>>,
    /// The recording blocks of an outbound whisper, each in copy 0 only.
    pub(super) blocks: HashSet<String>,
    /// Recording block id → the copy of what follows it.
    pub(super) armed_by: HashMap<String, usize>,
    /// Action id → how messages name the action.
    pub(super) labels: HashMap<String, String>,
}

impl FlowSteps {
    pub(super) fn new(graph: &mut FlowGraph, flow: &Flow, region: RegionId) -> FlowSteps {
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
            armed_by: HashMap::default(),
            labels: labels(flow),
        };
        if role(flow) != Role::OutboundWhisper {
            return steps;
        }
        let connected = graph.add_step(
            StepKind::Connection {
                target: "agent".into(),
                waits: Wait::Nothing,
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
            if graph.keeps_statements() {
                graph.set_statement(start, &block.kind, &block.parameters.to_compact());
            }
            graph.add_edge(start, Edge::plain(connected));
            steps.armed_by.insert(block.id.clone(), steps.copies.len());
            steps.copies.push(HashMap::default());
            steps.ends.push(Some(start));
        }
        // What each block reaches before another recording block decides.
        let by_id: HashMap<&str, &FlowAction> =
            flow.actions.iter().map(|a| (a.id.as_str(), a)).collect();
        for block in &flow.actions {
            let Some(&copy) = steps.armed_by.get(&block.id) else {
                continue;
            };
            let mut reached = HashMap::default();
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
    pub(super) fn copy_after(&self, action: &FlowAction, copy: usize) -> usize {
        match self.armed_by.get(&action.id) {
            Some(&armed) => armed,
            None if self.blocks.contains(&action.id) => 0,
            None => copy,
        }
    }
}

/// The actions an action's transitions lead to.
pub(super) fn successors(action: &FlowAction) -> Vec<&str> {
    let t = &action.transitions;
    t.next
        .iter()
        .chain(t.conditions.iter().map(|c| &c.next))
        .chain(t.errors.iter().map(|(_, next)| next))
        .map(String::as_str)
        .collect()
}
