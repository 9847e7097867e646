//! The path-sensitive part of the analysis: a worklist over
//! (step, calling context, state) triples that propagates what a caller has
//! heard and answered along every path, without enumerating paths.
//!
//! Subroutines are analysed once per distinct entry state and their exit
//! states are reused at every call with that state (a functional summary), so
//! a `Return` goes back to its own caller. Each triple is visited once; the
//! breadth-first order makes each triple's predecessor chain a shortest
//! witness path.

use crate::hash::HashMap;
use smallvec::SmallVec;
use std::collections::VecDeque;
use std::collections::hash_map::Entry;

use crate::flow::{FlowGraph, Leg, StepId, StepKind};
// The propagation looks up every (step, context, state) triple it meets:
// SipHash took a tenth of the analysis.
use crate::hash::{FastHash, FastHashMap};

/// The state of the most recent consent question on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConsentState {
    /// Never asked.
    None,
    /// Asked; the answer has not been tested yet.
    Asked,
    /// The answer was tested and is a yes answer.
    Yes,
    /// The answer was tested and is another explicit answer.
    Declined,
    /// The else, timeout, invalid or error outcome of the test.
    Default,
}

impl ConsentState {
    pub const ALL: [ConsentState; 5] = [
        ConsentState::None,
        ConsentState::Asked,
        ConsentState::Yes,
        ConsentState::Declined,
        ConsentState::Default,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::None => "none",
            ConsentState::Asked => "asked",
            ConsentState::Yes => "yes",
            ConsentState::Declined => "declined",
            ConsentState::Default => "default",
        }
    }
}

/// What a call has been through on one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathState {
    pub consent: ConsentState,
    /// The variable the most recent consent question wrote.
    pub consent_variable: Option<VariableId>,
    /// A variable the answer was copied into, tested like the original.
    pub consent_copy: Option<VariableId>,
    /// A recording notice (or a consent question) has been heard.
    pub noticed: bool,
    /// A start message for on-demand recording is set.
    pub start_message: bool,
    /// Running a subroutine on the called party's channel.
    pub callee_leg: bool,
    /// The call came in through an entry point that records every call.
    pub blanket_entry: bool,
    /// A prompt on the path announced a training-class purpose.
    pub training_announced: bool,
    /// A prompt on the path told the caller the call is analysed.
    pub analysis_told: bool,
    /// The variable of the most recent question about the caller's
    /// voiceprint.
    pub voiceprint_question: Option<VariableId>,
    /// The caller answered yes to a question about their voiceprint.
    pub voiceprint_consent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VariableId(pub u32);

/// A path state is hashed as two words rather than field by field: every
/// step a call reaches looks its states up, and a hash of eleven fields
/// cost more than the lookup. Equal states give equal words; unequal ones
/// may share them, which equality then tells apart.
impl std::hash::Hash for PathState {
    fn hash<H: std::hash::Hasher>(&self, hasher: &mut H) {
        let variable = |v: Option<VariableId>| v.map_or(0, |v| u64::from(v.0) + 1);
        let flags = self.consent as u64
            | u64::from(self.noticed) << 3
            | u64::from(self.start_message) << 4
            | u64::from(self.callee_leg) << 5
            | u64::from(self.blanket_entry) << 6
            | u64::from(self.training_announced) << 7
            | u64::from(self.analysis_told) << 8
            | u64::from(self.voiceprint_consent) << 9;
        hasher.write_u64(variable(self.consent_variable) | flags << 33);
        hasher.write_u64(variable(self.consent_copy) ^ variable(self.voiceprint_question) << 31);
    }
}

/// What a branch edge does to the answer held in one variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerEffect {
    Yes,
    Declined,
    /// The edge is taken for a yes answer and for other answers (`_X`).
    YesOrDeclined,
    Default,
}

/// What one edge establishes about tested variables: nearly always one
/// test, kept inline (no allocation for each of a graph's tests).
pub type EdgeEffects = SmallVec<[(VariableId, AnswerEffect); 1]>;

/// A step's [`EdgeEffects`], per edge; a list only for a step that tests
/// (kept out of line: most steps test nothing, and every step holds one).
pub type StepEdgeEffects = Vec<EdgeEffects>;

/// Per-step facts the propagation needs, computed once from the graph.
pub struct StepFacts {
    pub notice: bool,
    pub training: bool,
    /// The step tells the caller the call is analysed.
    pub analysis: bool,
    /// For an input step that asks for consent: the variable it writes.
    pub consent_question: Option<VariableId>,
    /// For an input step that asks about the caller's voiceprint: the
    /// variable it writes.
    pub voiceprint_question: Option<VariableId>,
    /// Per edge, what it establishes about tested variables; empty when
    /// no edge tests anything.
    pub edge_effects: StepEdgeEffects,
    /// For a step that copies a variable: from which, into which.
    pub copy: Option<(VariableId, VariableId)>,
}

pub struct Facts {
    pub steps: Vec<StepFacts>,
    /// Variables recognised as consent variables by name or configuration.
    pub consent_variables: Vec<bool>,
    /// Call arguments: `(call step, 1-based position, variable)` for
    /// arguments written as a plain `${VAR}`.
    pub call_arguments: HashMap<StepId, Vec<(usize, VariableId)>>,
    /// `ARG1`, `ARG2`, ... as interned variables.
    pub argument_variables: Vec<VariableId>,
    /// Variables read only by the edges of the questions that write them
    /// (an Amazon Connect `GetParticipantInput` and its own conditions).
    /// Once a call leaves such a question, nothing tests the variable
    /// again; forgetting it keeps one path state where there would be one
    /// per question (see `SPENT`).
    pub spent_after_question: Vec<bool>,
}

/// Stands for a consent variable that no later step reads: paths that
/// answered different such questions the same way share one state.
const SPENT: VariableId = VariableId(u32::MAX);

impl Facts {
    /// Reads every variable's use sites: only the edges of a question into
    /// a variable leave it spent afterwards.
    pub fn spent_variables(
        steps: &[StepFacts],
        call_arguments: &HashMap<StepId, Vec<(usize, VariableId)>>,
        variables: usize,
    ) -> Vec<bool> {
        let mut spent = vec![true; variables];
        for facts in steps {
            for &(variable, _) in facts.edge_effects.iter().flatten() {
                if facts.consent_question != Some(variable) {
                    spent[variable.0 as usize] = false;
                }
            }
            if let Some((from, _)) = facts.copy {
                spent[from.0 as usize] = false;
            }
        }
        for &(_, variable) in call_arguments.values().flatten() {
            spent[variable.0 as usize] = false;
        }
        spent
    }
}

pub type NodeId = u32;

#[derive(Debug, Clone, Copy)]
enum Pred {
    Entry,
    Step(NodeId),
    /// First node of a subroutine; the call that first reached it.
    CallEntry(NodeId),
    /// First node after a call returns: the call.
    Return {
        call: NodeId,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub step: StepId,
    context: u32,
    pub state: PathState,
    pred: Pred,
}

struct CallingContext {
    entry_state: Option<PathState>,
    callers: Vec<NodeId>,
    exits: Vec<(PathState, NodeId)>,
}

/// See `PathStates::quiet_runs`.
pub struct QuietRuns {
    runs: Vec<QuietRun>,
}

#[derive(Debug, Clone, Copy)]
struct QuietRun {
    /// The first quiet node of the run (meaningful when `len > 0`).
    first: NodeId,
    len: u32,
}

pub struct PathStates {
    pub nodes: Vec<Node>,
    contexts: Vec<CallingContext>,
}

const TOP: u32 = 0;

impl PathStates {
    /// Propagates states from each entry point (`entries`: step and whether the
    /// entry records every call).
    pub fn compute(graph: &FlowGraph, facts: &Facts, entries: &[(StepId, bool)]) -> PathStates {
        // Most steps are reached in one state or a few: room for one each
        // saves growing the map (rehashing every key) step by step.
        let steps = graph.steps.len();
        let mut run = Run {
            graph,
            facts,
            nodes: Vec::with_capacity(steps),
            visited: FastHashMap::with_capacity_and_hasher(steps, FastHash::default()),
            contexts: vec![CallingContext {
                entry_state: None,
                callers: Vec::new(),
                exits: Vec::new(),
            }],
            context_index: FastHashMap::default(),
            queue: VecDeque::new(),
        };
        for &(step, blanket_entry) in entries {
            let state = PathState {
                consent: ConsentState::None,
                consent_variable: None,
                consent_copy: None,
                noticed: false,
                start_message: false,
                callee_leg: false,
                blanket_entry,
                training_announced: false,
                analysis_told: false,
                voiceprint_question: None,
                voiceprint_consent: false,
            };
            run.add(step, TOP, state, Pred::Entry);
        }
        while let Some(node) = run.queue.pop_front() {
            run.process(node);
        }
        PathStates {
            nodes: run.nodes,
            contexts: run.contexts,
        }
    }

    /// For every node, the run of quiet nodes just before it on its witness
    /// path: `quiet(p, c)` says whether node `p`, followed by its successor
    /// `c`, is worth leaving out. Computed once, in node order (a node's
    /// predecessor is always found before it), so that each witness can
    /// jump over a run instead of walking it.
    pub fn quiet_runs(&self, quiet: impl Fn(NodeId, NodeId) -> bool) -> QuietRuns {
        let mut runs: Vec<QuietRun> = Vec::with_capacity(self.nodes.len());
        for (c, node) in self.nodes.iter().enumerate() {
            let run = match node.pred {
                Pred::Step(p) if quiet(p, c as NodeId) => {
                    let before = runs[p as usize];
                    QuietRun {
                        first: if before.len == 0 { p } else { before.first },
                        len: before.len + 1,
                    }
                }
                _ => QuietRun { first: 0, len: 0 },
            };
            runs.push(run);
        }
        QuietRuns { runs }
    }

    /// For every node, the last step on its witness path (the node's own step
    /// included) that `marked` holds for. Computed in node order, like
    /// `quiet_runs`, so it is linear.
    pub fn last_marked(&self, marked: impl Fn(StepId) -> bool) -> Vec<Option<StepId>> {
        let mut last: Vec<Option<StepId>> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let here = if marked(node.step) {
                Some(node.step)
            } else {
                match node.pred {
                    Pred::Entry => None,
                    // Found earlier, so already in `last`.
                    Pred::Step(p) | Pred::Return { call: p } | Pred::CallEntry(p) => {
                        last.get(p as usize).copied().flatten()
                    }
                }
            };
            last.push(here);
        }
        last
    }

    /// The nodes from an entry point to `node`. A subroutine call that
    /// returned before `node` shows as the call alone, like a frame in a
    /// stack trace; subroutines still running at `node` show their steps.
    /// Of a run of more than `keep_whole` quiet nodes only the first and last
    /// are kept; the last carries how many were left out before it.
    pub fn witness(&self, node: NodeId, runs: &QuietRuns, keep_whole: usize) -> Vec<(NodeId, u32)> {
        let mut path = Vec::new();
        let mut current = Some(node);
        // Predecessors always point to nodes found earlier, so the walk ends;
        // the bound only guards against a bug turning into a hang.
        let mut budget = self.nodes.len() * 2 + 16;
        while let Some(n) = current {
            if budget == 0 {
                break;
            }
            budget -= 1;
            path.push((n, 0));
            let run = runs.runs[n as usize];
            let from = if run.len as usize > keep_whole {
                let Pred::Step(last) = self.nodes[n as usize].pred else {
                    unreachable!("a quiet run is reached through a step")
                };
                path.push((last, run.len - 2));
                path.push((run.first, 0));
                run.first
            } else {
                n
            };
            current = match self.nodes[from as usize].pred {
                Pred::Entry => None,
                Pred::Step(p) => Some(p),
                Pred::Return { call } => Some(call),
                Pred::CallEntry(caller) => Some(caller),
            };
        }
        path.reverse();
        path
    }

    /// Whether `continues` holds at `node`'s step or, through the end of its
    /// subroutine, at a return site up the call chain.
    pub fn can_go_on(
        &self,
        node: NodeId,
        graph: &FlowGraph,
        continues: &dyn Fn(StepId) -> bool,
        returns: &dyn Fn(StepId) -> bool,
    ) -> bool {
        let step = self.nodes[node as usize].step;
        continues(step)
            || (returns(step) && self.continues_in_caller(node, graph, continues, returns))
    }

    /// Whether, from `node`'s subroutine, the call can return into a caller
    /// from whose return site `continues` holds (checked up the call chain).
    pub fn continues_in_caller(
        &self,
        node: NodeId,
        graph: &FlowGraph,
        continues: &dyn Fn(StepId) -> bool,
        returns: &dyn Fn(StepId) -> bool,
    ) -> bool {
        self.found_in_caller(node, graph, &|s| continues(s).then_some(s), returns)
            .is_some()
    }

    /// What `find` finds at the first return site, up the call chain from
    /// `node`'s subroutine, where it finds something.
    pub fn found_in_caller(
        &self,
        node: NodeId,
        graph: &FlowGraph,
        find: &dyn Fn(StepId) -> Option<StepId>,
        returns: &dyn Fn(StepId) -> bool,
    ) -> Option<StepId> {
        let mut seen = vec![false; self.contexts.len()];
        let mut stack = vec![self.nodes[node as usize].context];
        while let Some(context) = stack.pop() {
            if context == TOP || std::mem::replace(&mut seen[context as usize], true) {
                continue;
            }
            for &caller in &self.contexts[context as usize].callers {
                let call = &self.nodes[caller as usize];
                for edge in &graph.step(call.step).edges {
                    if let Some(found) = find(edge.to) {
                        return Some(found);
                    }
                    if returns(edge.to) {
                        stack.push(call.context);
                    }
                }
            }
        }
        None
    }
}

struct Run<'a> {
    graph: &'a FlowGraph,
    facts: &'a Facts,
    nodes: Vec<Node>,
    visited: FastHashMap<(StepId, u32, PathState), NodeId>,
    contexts: Vec<CallingContext>,
    context_index: FastHashMap<(StepId, PathState), u32>,
    queue: VecDeque<NodeId>,
}

impl Run<'_> {
    fn add(&mut self, step: StepId, context: u32, state: PathState, pred: Pred) {
        let id = self.nodes.len() as NodeId;
        let Entry::Vacant(slot) = self.visited.entry((step, context, state)) else {
            return;
        };
        slot.insert(id);
        self.nodes.push(Node {
            step,
            context,
            state,
            pred,
        });
        self.queue.push_back(id);
    }

    fn process(&mut self, id: NodeId) {
        let node = self.nodes[id as usize];
        let step = self.graph.step(node.step);
        match &step.kind {
            StepKind::Return => {
                if node.context == TOP {
                    return;
                }
                let ctx = &mut self.contexts[node.context as usize];
                if ctx.exits.iter().any(|(s, _)| *s == node.state) {
                    return;
                }
                ctx.exits.push((node.state, id));
                let callers = ctx.callers.clone();
                for caller in callers {
                    self.return_to(caller, node.state, id);
                }
            }
            StepKind::Call(call) if call.callee.is_some() => {
                let callee = call.callee.unwrap_or(node.step);
                let entry_state = self.entry_state(node.step, node.state, call.leg);
                let key = (callee, entry_state);
                let context = match self.context_index.get(&key) {
                    Some(&c) => c,
                    None => {
                        self.contexts.push(CallingContext {
                            entry_state: Some(entry_state),
                            callers: Vec::new(),
                            exits: Vec::new(),
                        });
                        let c = self.contexts.len() as u32 - 1;
                        self.context_index.insert(key, c);
                        c
                    }
                };
                let ctx = &mut self.contexts[context as usize];
                ctx.callers.push(id);
                let exits = ctx.exits.clone();
                self.add(callee, context, entry_state, Pred::CallEntry(id));
                for (exit_state, exit_node) in exits {
                    self.return_to(id, exit_state, exit_node);
                }
            }
            _ => {
                let after = self.transfer(node.step, node.state);
                let asked = self.facts.steps[node.step.index()].consent_question;
                let spent = asked.filter(|v| self.facts.spent_after_question[v.0 as usize]);
                for (index, edge) in step.edges.iter().enumerate() {
                    let effects = &self.facts.steps[node.step.index()].edge_effects;
                    let effects = effects.get(index).map(|e| e.as_slice()).unwrap_or(&[]);
                    let (state, other) = self.apply_edge(after, effects);
                    for mut state in std::iter::once(state).chain(other) {
                        if spent.is_some() && state.consent_variable == spent {
                            state.consent_variable = Some(SPENT);
                        }
                        self.add(edge.to, node.context, state, Pred::Step(id));
                    }
                }
            }
        }
    }

    /// The state a subroutine starts in. A consent variable passed as an
    /// argument is followed into the subroutine as `ARGn`.
    fn entry_state(&self, call: StepId, state: PathState, leg: Leg) -> PathState {
        let mut entry = state;
        entry.callee_leg |= leg == Leg::Callee;
        if let (Some(variable), Some(arguments)) =
            (state.consent_variable, self.facts.call_arguments.get(&call))
            && let Some(&(position, _)) = arguments.iter().find(|(_, v)| *v == variable)
            && let Some(&alias) = self.facts.argument_variables.get(position - 1)
        {
            entry.consent_variable = Some(alias);
        }
        entry
    }

    fn return_to(&mut self, call_node: NodeId, exit_state: PathState, exit_node: NodeId) {
        let call = self.nodes[call_node as usize];
        let entry_state =
            self.contexts[self.nodes[exit_node as usize].context as usize].entry_state;
        let StepKind::Call(c) = &self.graph.step(call.step).kind else {
            return;
        };
        let after = if c.leg == Leg::Callee {
            // The called party's subroutine changes nothing the caller heard.
            call.state
        } else {
            let mut after = exit_state;
            after.callee_leg = call.state.callee_leg;
            // An argument alias of the caller's consent variable maps back.
            if entry_state.is_some_and(|e| e.consent_variable == exit_state.consent_variable) {
                after.consent_variable = call.state.consent_variable;
            }
            after
        };
        for edge in &self.graph.step(call.step).edges {
            self.add(
                edge.to,
                call.context,
                after,
                Pred::Return { call: call_node },
            );
        }
    }

    /// What executing a step changes.
    fn transfer(&self, step: StepId, mut state: PathState) -> PathState {
        let facts = &self.facts.steps[step.index()];
        match &self.graph.step(step).kind {
            StepKind::Prompt { .. } | StepKind::Input { .. } if !state.callee_leg => {
                state.noticed |= facts.notice;
                state.training_announced |= facts.training;
                state.analysis_told |= facts.analysis;
                if facts.voiceprint_question.is_some() {
                    state.voiceprint_question = facts.voiceprint_question;
                }
                if let Some(variable) = facts.consent_question {
                    state.consent = ConsentState::Asked;
                    state.consent_variable = Some(variable);
                    state.noticed = true;
                }
            }
            StepKind::RecordingStartMessage => state.start_message = true,
            StepKind::Assign { .. } => {
                if let Some((from, to)) = facts.copy
                    && (state.consent_variable == Some(from) || state.consent_copy == Some(from))
                {
                    state.consent_copy = Some(to);
                }
            }
            _ => {}
        }
        state
    }

    /// The states after taking an edge (one, or two when the answer may be
    /// yes or no): a test of the consent variable moves the consent state.
    fn apply_edge(
        &self,
        mut state: PathState,
        effects: &[(VariableId, AnswerEffect)],
    ) -> (PathState, Option<PathState>) {
        // Only a plain yes is consent to voice biometrics; the question is
        // answered once its answer has been tested.
        if let Some(question) = state.voiceprint_question
            && let Some(&(_, effect)) = effects.iter().find(|(v, _)| *v == question)
        {
            state.voiceprint_consent |= effect == AnswerEffect::Yes;
            state.voiceprint_question = None;
        }
        for &(variable, effect) in effects {
            let tracked = state.consent_variable == Some(variable)
                || state.consent_copy == Some(variable)
                || (state.consent_variable.is_none()
                    && self.facts.consent_variables.get(variable.0 as usize) == Some(&true));
            if !tracked {
                continue;
            }
            let with = |consent| PathState {
                consent,
                consent_variable: Some(variable),
                ..state
            };
            return match effect {
                AnswerEffect::Yes => (with(ConsentState::Yes), None),
                AnswerEffect::Declined => (with(ConsentState::Declined), None),
                AnswerEffect::YesOrDeclined => {
                    (with(ConsentState::Yes), Some(with(ConsentState::Declined)))
                }
                AnswerEffect::Default => (with(ConsentState::Default), None),
            };
        }
        (state, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(question: Option<u32>, tests: &[u32], copy: Option<(u32, u32)>) -> StepFacts {
        StepFacts {
            notice: false,
            training: false,
            analysis: false,
            consent_question: question.map(VariableId),
            voiceprint_question: None,
            edge_effects: vec![
                tests
                    .iter()
                    .map(|&v| (VariableId(v), AnswerEffect::Yes))
                    .collect(),
            ],
            copy: copy.map(|(from, to)| (VariableId(from), VariableId(to))),
        }
    }

    #[test]
    fn a_variable_is_spent_when_only_its_question_reads_it() {
        let steps = [
            // Variable 0: asked and tested by the same step (Connect).
            facts(Some(0), &[0], None),
            // Variable 1: asked here, tested by a later step (Asterisk GotoIf).
            facts(Some(1), &[], None),
            facts(None, &[1], None),
            // Variable 2: tested by its question, then copied.
            facts(Some(2), &[2], None),
            facts(None, &[], Some((2, 3))),
            // Variable 4: passed to a subroutine.
            facts(Some(4), &[4], None),
        ];
        let arguments = HashMap::from_iter([(StepId(5), vec![(1, VariableId(4))])]);
        let spent = Facts::spent_variables(&steps, &arguments, 5);
        assert_eq!(spent, vec![true, false, false, true, false]);
    }
}
