//! Analysis of a call-flow graph (spec §2): which recording starts are reached
//! in which consent states, before or after a notice, from entry points that
//! record every call, and for which purposes.

pub mod path_state;
pub mod reach;
pub mod recognize;

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::directives::DirectiveIndex;
use crate::flow::{AnswerMatch, Capture, FlowGraph, Guard, RecordingStart, StepId, StepKind};
use crate::source::{SourceMap, Span};
use path_state::{
    AnswerEffect, ConsentState, Facts, NodeId, PathStates, QuietRuns, StepFacts, VariableId,
};
use reach::{NearestAhead, Predecessors, Reachability};
use recognize::Recognizers;

/// One analysed PBX (or flow file): its graph and what holds at each recording.
pub struct PbxAnalysis {
    pub graph: FlowGraph,
    pub recordings: Vec<RecordingFacts>,
    /// Per step: a recording notice the caller hears.
    pub notices: Vec<bool>,
    /// Per step: a consent question.
    pub consent_questions: Vec<bool>,
}

/// A path from an entry point, step by step, with the branch outcome taken
/// into each step.
#[derive(Debug, Clone)]
pub struct Witness {
    pub steps: Vec<WitnessStep>,
}

#[derive(Debug, Clone)]
pub struct WitnessStep {
    pub step: StepId,
    /// The outcome of the branch that led here, e.g. "`${OPTIN}` = 1".
    pub taken: Option<String>,
    /// Branches passed just before this step that the witness leaves out
    /// (see `to_witness`).
    pub passed_before: u32,
}

/// What the analysis established about one recording start.
pub struct RecordingFacts {
    pub step: StepId,
    pub start: RecordingStart,
    /// The consent states the recording can be reached in, each with a
    /// shortest witness path.
    pub reached: BTreeMap<ConsentState, Witness>,
    /// Set when recording can start before the caller heard a notice (with
    /// the rules for bridge-only and on-demand recording applied).
    pub before_notice: Option<BeforeNotice>,
    /// Set when the recording is reached from an entry point that records
    /// every call and asks no consent.
    pub blanket: Option<Witness>,
    pub purposes: Vec<PurposeUse>,
    /// The nearest notice after the recording starts (it comes too late).
    pub later_notice: Option<StepId>,
    /// The nearest consent question after the recording starts.
    pub later_consent: Option<StepId>,
}

pub struct BeforeNotice {
    pub witness: Witness,
    /// For bridge-only recording: a connection reached without a notice.
    pub connection: Option<StepId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurposeSource {
    /// `reclint: purpose=...` on the statement.
    Inline(Span),
    /// A `[[scope]]` in reclint.toml.
    Scope,
    /// Purpose words in a notice or consent prompt on the path.
    Prompt,
    /// `policy.default-purposes`.
    Default,
}

#[derive(Debug, Clone)]
pub struct PurposeUse {
    pub name: String,
    pub source: PurposeSource,
}

/// Analyses one graph.
pub fn analyse(
    graph: FlowGraph,
    config: &Config,
    recognizers: &Recognizers,
    directives: &DirectiveIndex,
    sources: &SourceMap,
) -> PbxAnalysis {
    let facts = step_facts(&graph, recognizers);
    let notices: Vec<bool> = facts.steps.iter().map(|f| f.notice).collect();
    let consent_questions: Vec<bool> = facts
        .steps
        .iter()
        .map(|f| f.consent_question.is_some())
        .collect();

    let is_connection = |s: StepId| matches!(graph.step(s).kind, StepKind::Connection { .. });
    let is_recording = |s: StepId| matches!(&graph.step(s).kind, StepKind::RecordingStart(r) if r.capture != Capture::OnDemand);
    let is_terminal = |s: StepId| {
        let step = graph.step(s);
        step.edges.is_empty() && !matches!(step.kind, StepKind::Return | StepKind::Call(_))
    };

    let predecessors = Predecessors::of(&graph);
    // Which entry points record every call (spec §2.3).
    let reaches_connection = Reachability::compute(&graph, &predecessors, is_connection, |_| false);
    let unrecorded_connection =
        Reachability::compute(&graph, &predecessors, is_connection, is_recording);
    let unrecorded_end = Reachability::compute(&graph, &predecessors, is_terminal, is_recording);
    let reaches_consent = Reachability::compute(
        &graph,
        &predecessors,
        |s| consent_questions[s.index()],
        |_| false,
    );
    let reaches_recording = Reachability::compute(&graph, &predecessors, is_recording, |_| false);
    let entries: Vec<(StepId, bool)> = graph
        .entries
        .iter()
        .map(|entry| {
            let e = entry.step;
            let unrecorded_path = if reaches_connection.from(e) {
                unrecorded_connection.from(e)
            } else {
                unrecorded_end.from(e)
            };
            let blanket = reaches_recording.from(e) && !reaches_consent.from(e) && !unrecorded_path;
            (e, blanket)
        })
        .collect();

    let states = PathStates::compute(&graph, &facts, &entries);
    // For bridge-only recording: can the call reach a connection without a notice?
    let unnoticed_connection =
        Reachability::compute(&graph, &predecessors, is_connection, |s| notices[s.index()]);

    struct Found {
        reached: BTreeMap<ConsentState, NodeId>,
        blanket: Option<NodeId>,
        before_notice: Option<NodeId>,
        training: bool,
    }
    let mut found: BTreeMap<StepId, Found> = BTreeMap::new();
    for (id, node) in states.nodes.iter().enumerate() {
        let StepKind::RecordingStart(start) = &graph.step(node.step).kind else {
            continue;
        };
        let id = id as NodeId;
        let entry = found.entry(node.step).or_insert(Found {
            reached: BTreeMap::new(),
            blanket: None,
            before_notice: None,
            training: false,
        });
        entry.reached.entry(node.state.consent).or_insert(id);
        entry.training |= node.state.training_announced;
        if node.state.blanket_entry && start.capture != Capture::OnDemand && entry.blanket.is_none()
        {
            entry.blanket = Some(id);
        }
        if entry.before_notice.is_none() && !node.state.noticed {
            let violates = match start.capture {
                Capture::Immediately => true,
                Capture::OnDemand => !node.state.start_message && !start.start_message,
                Capture::FromBridge => {
                    unnoticed_connection.from(node.step)
                        || (unnoticed_connection.returns(node.step)
                            && states.continues_in_caller(
                                id,
                                &graph,
                                &|s| unnoticed_connection.from(s),
                                &|s| unnoticed_connection.returns(s),
                            ))
                }
            };
            if violates {
                entry.before_notice = Some(id);
            }
        }
    }

    // For labels: what comes after a recording start.
    let next_notice =
        NearestAhead::compute(&graph, &predecessors, |s| notices[s.index()], |_| false);
    let next_consent = NearestAhead::compute(
        &graph,
        &predecessors,
        |s| consent_questions[s.index()],
        |_| false,
    );
    let next_unnoticed_connection =
        NearestAhead::compute(&graph, &predecessors, is_connection, |s| notices[s.index()]);

    let runs = quiet_runs(&graph, &states);
    let witness = |node: NodeId| to_witness(&graph, &states, &runs, node);
    let mut recordings = Vec::new();
    for (step, f) in found {
        let StepKind::RecordingStart(start) = &graph.step(step).kind else {
            continue;
        };
        let before_notice = f.before_notice.map(|node| BeforeNotice {
            witness: witness(node),
            connection: (start.capture == Capture::FromBridge)
                .then(|| next_unnoticed_connection.after(&graph, step))
                .flatten(),
        });
        recordings.push(RecordingFacts {
            step,
            start: start.clone(),
            reached: f.reached.iter().map(|(&s, &n)| (s, witness(n))).collect(),
            before_notice,
            blanket: f.blanket.map(witness),
            purposes: purposes(&graph, step, f.training, config, directives, sources),
            later_notice: next_notice.after(&graph, step),
            later_consent: next_consent.after(&graph, step),
        });
    }
    PbxAnalysis {
        graph,
        recordings,
        notices,
        consent_questions,
    }
}

/// Computes what the propagation needs to know about each step and edge.
fn step_facts(graph: &FlowGraph, recognizers: &Recognizers) -> Facts {
    let mut variables: HashMap<String, VariableId> = HashMap::new();
    let mut intern = |name: &str| {
        let key = name.to_ascii_uppercase();
        let next = VariableId(variables.len() as u32);
        *variables.entry(key).or_insert(next)
    };
    let argument_variables: Vec<VariableId> = (1..=9).map(|i| intern(&format!("ARG{i}"))).collect();
    let mut steps = Vec::with_capacity(graph.len());
    let mut call_arguments = HashMap::new();
    // A FreeSWITCH expression is tested on every hunt that reaches it:
    // compile and classify each one once.
    let mut effects: HashMap<&AnswerMatch, AnswerEffect> = HashMap::new();
    for (index, step) in graph.steps.iter().enumerate() {
        if let StepKind::Call(call) = &step.kind {
            let passed: Vec<(usize, VariableId)> = call
                .arguments
                .iter()
                .enumerate()
                .filter_map(|(i, a)| a.as_deref().map(|v| (i + 1, intern(v))))
                .collect();
            if !passed.is_empty() {
                call_arguments.insert(StepId(index as u32), passed);
            }
        }
        let (meaning, consent_question) = match &step.kind {
            StepKind::Prompt { prompts } => (recognizers.prompts(prompts), None),
            StepKind::Input { variable, prompts } => {
                let meaning = recognizers.prompts(prompts);
                let consent = recognizers
                    .is_consent_question(variable, prompts)
                    .then(|| intern(variable));
                (meaning, consent)
            }
            _ => (Default::default(), None),
        };
        let edge_effects = step
            .edges
            .iter()
            .map(|edge| {
                edge.guards
                    .iter()
                    .map(|guard| match guard {
                        Guard::Answer { variable, answer } => {
                            let effect = *effects
                                .entry(answer)
                                .or_insert_with(|| answer_effect(recognizers, answer));
                            (intern(variable), effect)
                        }
                        Guard::Default { variable, .. } => {
                            (intern(variable), AnswerEffect::Default)
                        }
                    })
                    .collect()
            })
            .collect();
        let copy = match &step.kind {
            StepKind::Assign { variable, from } => Some((intern(from), intern(variable))),
            _ => None,
        };
        steps.push(StepFacts {
            notice: meaning.notice || consent_question.is_some(),
            training: meaning.training,
            consent_question,
            edge_effects,
            copy,
        });
    }
    let mut consent_variables = vec![false; variables.len()];
    for (name, id) in &variables {
        consent_variables[id.0 as usize] = recognizers.is_consent_variable(name);
    }
    Facts {
        spent_after_question: Facts::spent_variables(&steps, &call_arguments, variables.len()),
        steps,
        consent_variables,
        call_arguments,
        argument_variables,
    }
}

fn answer_effect(recognizers: &Recognizers, answer: &AnswerMatch) -> AnswerEffect {
    let (yes, other) = match answer {
        AnswerMatch::Values(values) => (
            values.iter().any(|v| recognizers.is_yes(v)),
            values.iter().any(|v| !recognizers.is_yes(v)),
        ),
        AnswerMatch::Pattern(pattern) => recognizers.pattern_answers(pattern),
        AnswerMatch::Regex(expression) => recognizers.regex_answers(expression),
        AnswerMatch::AnyValue => (true, false),
    };
    match (yes, other) {
        (true, true) => AnswerEffect::YesOrDeclined,
        (true, false) => AnswerEffect::Yes,
        _ => AnswerEffect::Declined,
    }
}

/// The outcome of the branch `from` → `to`, when it decides something.
fn taken(graph: &FlowGraph, from: StepId, to: StepId) -> Option<String> {
    graph
        .step(from)
        .edges
        .iter()
        .find(|e| e.to == to && !e.guards.is_empty())
        .map(|e| describe_guards(&e.guards))
}

/// A branch passed without a decision about the caller (a FreeSWITCH hunt
/// going past an extension that does not match) says little; a hunt through
/// thousands of extensions would make every witness that long. Runs of more
/// than this many are cut to their first and last.
const PASSED_BRANCHES_KEPT_WHOLE: usize = 4;

fn quiet_runs(graph: &FlowGraph, states: &PathStates) -> QuietRuns {
    states.quiet_runs(|p, c| {
        let (from, to) = (states.nodes[p as usize].step, states.nodes[c as usize].step);
        matches!(graph.step(from).kind, StepKind::Branch) && taken(graph, from, to).is_none()
    })
}

fn to_witness(graph: &FlowGraph, states: &PathStates, runs: &QuietRuns, node: NodeId) -> Witness {
    let nodes = states.witness(node, runs, PASSED_BRANCHES_KEPT_WHOLE);
    let steps = nodes
        .iter()
        .enumerate()
        .map(|(i, &(n, passed_before))| {
            let step = states.nodes[n as usize].step;
            WitnessStep {
                step,
                // Across left-out branches there is no edge to describe.
                taken: i
                    .checked_sub(1)
                    .filter(|_| passed_before == 0)
                    .and_then(|p| taken(graph, states.nodes[nodes[p].0 as usize].step, step)),
                passed_before,
            }
        })
        .collect();
    Witness { steps }
}

fn describe_guards(guards: &[Guard]) -> String {
    guards
        .iter()
        .map(|guard| match guard {
            Guard::Answer { variable, answer } => {
                let menu = variable.starts_with("menu:");
                match answer {
                    AnswerMatch::Values(values) if menu => {
                        format!("caller pressed {}", values.join(" or "))
                    }
                    AnswerMatch::Values(values) => {
                        format!("${{{variable}}} = {}", values.join(" or "))
                    }
                    AnswerMatch::Pattern(p) => format!("caller pressed a key matching {p}"),
                    AnswerMatch::Regex(r) => format!("${{{variable}}} matches {r}"),
                    AnswerMatch::AnyValue => format!("${{{variable}}} is set"),
                }
            }
            Guard::Default { variable, .. } if variable.starts_with("menu:") => {
                "no key or an invalid key".to_string()
            }
            Guard::Default { variable, not } if not.is_empty() => {
                format!("${{{variable}}} is empty or 0")
            }
            Guard::Default { variable, not } => {
                format!("${{{variable}}} is not {}", not.join(" or "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The purposes of a recording start (spec §2.3).
fn purposes(
    graph: &FlowGraph,
    step: StepId,
    training_announced: bool,
    config: &Config,
    directives: &DirectiveIndex,
    sources: &SourceMap,
) -> Vec<PurposeUse> {
    let mut out: Vec<PurposeUse> = Vec::new();
    let add = |out: &mut Vec<PurposeUse>, name: &str, source: PurposeSource| {
        if !out.iter().any(|p| p.name == name) {
            out.push(PurposeUse {
                name: name.to_string(),
                source,
            });
        }
    };
    let span = graph.step(step).span;
    for (name, at) in directives.purposes(sources, span) {
        add(&mut out, &name, PurposeSource::Inline(at));
    }
    let file = sources.get(span.file);
    let relative =
        crate::discover::slash_path(file.path.strip_prefix(&config.base).unwrap_or(&file.path));
    let region = &graph.region(graph.step(step).region).name;
    for scope in &config.scopes {
        let path_ok = scope.paths.is_empty() || scope.paths.matches(&relative);
        let context_ok = scope.contexts.is_empty() || scope.contexts.iter().any(|c| c == region);
        if path_ok && context_ok {
            for name in &scope.purposes {
                add(&mut out, name, PurposeSource::Scope);
            }
        }
    }
    if training_announced {
        add(&mut out, "training", PurposeSource::Prompt);
    }
    if out.is_empty() {
        for name in &config.default_purposes {
            add(&mut out, name, PurposeSource::Default);
        }
    }
    out
}

/// Purposes of the training class (spec §2.3).
pub fn is_training_class(purpose: &str) -> bool {
    matches!(
        purpose,
        "training" | "quality" | "quality-assurance" | "coaching" | "qa"
    )
}
