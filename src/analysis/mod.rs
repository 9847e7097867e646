//! Analysis of a call-flow graph: which recording starts are reached
//! in which consent states, before or after a notice, from entry points that
//! record every call, and for which purposes.

pub mod path_state;
pub mod reach;
pub mod recognize;

use crate::hash::HashMap;
use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::directives::DirectiveIndex;
use crate::flow::{
    Analysis, AnswerMatch, BeforeAnswer, Capture, Edge, FlowGraph, Guard, Leg, RecordingStart,
    StepId, StepKind, Variable, Wait,
};
use crate::source::{SourceMap, Span};
use path_state::{
    AnswerEffect, ConsentState, EdgeEffects, Facts, NodeId, PathState, PathStates, QuietRuns,
    StepEdgeEffects, StepFacts, VariableId,
};
use reach::{Answers, NearestAhead, Predecessors, Reachability};
use recognize::{ARGUMENTS, PromptMeaning, Recognizers};

/// One analysed PBX (or flow file): its graph and what holds at each recording.
pub struct PbxAnalysis {
    pub graph: FlowGraph,
    pub recordings: Vec<RecordingFacts>,
    /// Per step: a recording notice the caller hears.
    pub notices: Vec<bool>,
    /// Per step: a consent question.
    pub consent_questions: Vec<bool>,
    /// Consent questions whose "no" loses the caller a connection a "yes"
    /// gets (rule REC007).
    pub refusals: Vec<Refusal>,
    /// Analytics a caller reaches without having been told that the call is
    /// analysed (rule REC021), each with a shortest such path.
    pub untold_analytics: Vec<(StepId, Witness)>,
    /// Voiceprint matching a caller reaches without having answered yes to
    /// a question about their voiceprint (rule REC023), each with a
    /// shortest such path.
    pub unconsented_voiceprints: Vec<(StepId, Witness)>,
    /// Per step: reached, and only after a yes to a consent question (where
    /// REC004's fix can move a recording to). All false in a graph that
    /// records nothing, which is not walked.
    pub after_yes_only: Vec<bool>,
    /// The steps that analyse the call's audio, in step order (none in a
    /// graph that is not walked: it has none).
    pub analytics: Vec<StepId>,
}

/// A consent question where declining costs the caller something.
pub struct Refusal {
    pub question: StepId,
    /// A connection the caller reaches after answering yes, and never after
    /// declining.
    pub connection: StepId,
    /// Where a declining caller's call ends, if it ends (a hang-up).
    pub declined_end: Option<StepId>,
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
    /// What the caller hears before a person answers, captured by this
    /// recording (a prompt, input or queue ahead, rule REC012).
    pub ivr_ahead: Option<StepId>,
    /// A payment step the recording captures (rule REC014).
    pub payment_ahead: Option<StepId>,
    /// When no payment is captured: a stop (or pause) of the recording and
    /// a payment step after it, the recording kept off the card data by
    /// pausing (rule REC024).
    pub paused_for_payment: Option<(StepId, StepId)>,
    /// Whether something ahead of the recording can stop it (rule REC008).
    pub stoppable: bool,
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
    /// A platform setting that puts the recording to this use.
    Setting(Span),
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
    if !walks_matter(&graph, &consent_questions) {
        return PbxAnalysis {
            after_yes_only: vec![false; graph.len()],
            graph,
            recordings: Vec::new(),
            notices,
            consent_questions,
            refusals: Vec::new(),
            untold_analytics: Vec::new(),
            unconsented_voiceprints: Vec::new(),
            analytics: Vec::new(),
        };
    }

    let predecessors = Predecessors::of(&graph);
    let classes = StepClass::of(&graph);
    let reach = Reachability::compute_all(&graph, &predecessors, Question::COUNT, |s| {
        Question::targets_and_blockers(&classes, s, &notices, &consent_questions)
    });
    let entries = blanket_entries(&graph, &reach);
    let states = PathStates::compute(&graph, &facts, &entries);
    let refusals = refusals(&graph, &states, &consent_questions);
    let payments = payments(&graph, recognizers);
    let found = recording_nodes(&graph, &states, &reach);
    let ahead = Ahead::compute(
        &graph,
        &classes,
        &predecessors,
        &reach,
        &notices,
        &consent_questions,
        &payments,
    );

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
                .then(|| ahead.unnoticed_connection.after(&graph, step))
                .flatten(),
        });
        let payment_ahead = match start.before_answer {
            BeforeAnswer::FromHere | BeforeAnswer::Recorded => ahead.payment.after(&graph, step),
            BeforeAnswer::NotRecorded => None,
        };
        recordings.push(RecordingFacts {
            step,
            start: start.as_ref().clone(),
            reached: f.reached.iter().map(|(&s, &n)| (s, witness(n))).collect(),
            before_notice,
            blanket: f.blanket.map(witness),
            purposes: purposes(&graph, step, f.training, config, directives, sources),
            later_notice: ahead.notice.after(&graph, step),
            later_consent: ahead.consent.after(&graph, step),
            ivr_ahead: match start.before_answer {
                BeforeAnswer::FromHere => ahead.ivr.after(&graph, step).or_else(|| {
                    let node = *f.reached.values().next()?;
                    ahead.returns_unanswered.returns(step).then_some(())?;
                    states.found_in_caller(node, &graph, &|s| ahead.ivr.at(s), &|s| {
                        ahead.returns_unanswered.returns(s)
                    })
                }),
                BeforeAnswer::Recorded | BeforeAnswer::NotRecorded => None,
            },
            payment_ahead,
            paused_for_payment: match (start.before_answer, payment_ahead) {
                (BeforeAnswer::FromHere | BeforeAnswer::Recorded, None) => ahead
                    .withdrawal
                    .after(&graph, step)
                    .filter(|&stop| is_stop(&graph, stop))
                    .and_then(|stop| Some((stop, ahead.payment.after(&graph, stop)?))),
                _ => None,
            },
            stoppable: start.capture == Capture::OnDemand
                || ahead.stop_key_bound
                || ahead.withdrawal.after(&graph, step).is_some(),
        });
    }
    // Analytics an organisation setting switches on are not along a call
    // flow; voiceprint matching is REC023's, which asks more than being told.
    let untold_analytics = first_nodes(&graph, &classes, &states, |analysis, state| {
        !analysis.voiceprint && !analysis.org_setting && !state.analysis_told
    })
    .into_iter()
    .map(|(step, node)| (step, witness(node)))
    .collect();
    let unconsented_voiceprints = first_nodes(&graph, &classes, &states, |analysis, state| {
        analysis.voiceprint && !state.voiceprint_consent
    })
    .into_iter()
    .map(|(step, node)| (step, witness(node)))
    .collect();
    let after_yes_only = after_yes_only(&graph, &states);
    let analytics = (0..graph.len() as u32)
        .map(StepId)
        .filter(|s| classes[s.index()].is(StepClass::ANALYTICS))
        .collect();
    PbxAnalysis {
        graph,
        recordings,
        notices,
        consent_questions,
        refusals,
        untold_analytics,
        unconsented_voiceprints,
        after_yes_only,
        analytics,
    }
}

/// Whether walking the graph's paths can find anything: every finding the
/// walk feeds starts at a recording, at analytics or at a consent question
/// (refusals). A graph with none of them (menus, queues and voicemail that
/// record nothing) is not walked: what the walk would give is empty.
fn walks_matter(graph: &FlowGraph, consent_questions: &[bool]) -> bool {
    consent_questions.iter().any(|&q| q)
        || graph.steps.iter().any(|step| {
            matches!(
                step.kind,
                StepKind::RecordingStart(_) | StepKind::Analytics(_)
            )
        })
}

/// Per step: whether every path state that reaches it has a yes to its
/// consent question.
fn after_yes_only(graph: &FlowGraph, states: &PathStates) -> Vec<bool> {
    let mut yes = vec![false; graph.len()];
    let mut other = vec![false; graph.len()];
    for node in &states.nodes {
        let seen = if node.state.consent == ConsentState::Yes {
            &mut yes
        } else {
            &mut other
        };
        seen[node.step.index()] = true;
    }
    yes.iter().zip(&other).map(|(&y, &o)| y && !o).collect()
}

/// The analytics steps reached in a path state that `matches`, each with
/// the first (so shortest-witness) such node.
fn first_nodes(
    graph: &FlowGraph,
    classes: &[StepClass],
    states: &PathStates,
    matches: impl Fn(&Analysis, &PathState) -> bool,
) -> BTreeMap<StepId, NodeId> {
    let mut first = BTreeMap::new();
    for (id, node) in states.nodes.iter().enumerate() {
        // Most steps are not analytics: their class says so without their kind.
        if !classes[node.step.index()].is(StepClass::ANALYTICS) {
            continue;
        }
        let StepKind::Analytics(analysis) = &graph.step(node.step).kind else {
            continue;
        };
        if matches(analysis, &node.state) {
            first.entry(node.step).or_insert(id as NodeId);
        }
    }
    first
}

/// A person answers at a connection; prompts in a subroutine on the
/// called party's channel are heard by the agent.
fn person_answers(graph: &FlowGraph, s: StepId) -> bool {
    match &graph.step(s).kind {
        StepKind::Connection { waits, .. } => *waits != Wait::Queue,
        StepKind::Call(call) => call.leg == Leg::Callee,
        _ => false,
    }
}

/// A connection: the call is put through to a person or a queue.
fn is_connection(graph: &FlowGraph, s: StepId) -> bool {
    matches!(graph.step(s).kind, StepKind::Connection { .. })
}

/// A recording start that captures without a key being pressed.
/// Whether a step starts a recording that runs without a party's request.
pub fn is_recording(graph: &FlowGraph, s: StepId) -> bool {
    matches!(&graph.step(s).kind, StepKind::RecordingStart(r) if r.capture != Capture::OnDemand)
}

fn is_stop(graph: &FlowGraph, s: StepId) -> bool {
    matches!(graph.step(s).kind, StepKind::RecordingStop)
}

fn stops_running(graph: &FlowGraph, s: StepId) -> bool {
    matches!(&graph.step(s).kind, StepKind::RecordingStart(r) if r.stops_running)
}

/// What the searches over a graph ask of a step's kind, a bit each, worked
/// out in one pass: each search read every step's kind again, a cache line
/// a step, where these are two bytes.
#[derive(Clone, Copy)]
struct StepClass(u16);

impl StepClass {
    const CONNECTION: u16 = 1 << 0;
    const PERSON_ANSWERS: u16 = 1 << 1;
    /// A connection the caller waits at, an input or a payment: what a
    /// recording started before it captures of the IVR.
    const WAITED_AT: u16 = 1 << 2;
    /// A prompt: IVR too, unless it is a notice.
    const PROMPT: u16 = 1 << 3;
    const STOP: u16 = 1 << 4;
    const STOPS_RUNNING: u16 = 1 << 5;
    const RECORDING: u16 = 1 << 6;
    /// The call ends here: no edge, not a return or a call.
    const TERMINAL: u16 = 1 << 7;
    const STOP_OFFERED: u16 = 1 << 8;
    const ANALYTICS: u16 = 1 << 9;

    fn of(graph: &FlowGraph) -> Vec<StepClass> {
        (0..graph.len() as u32)
            .map(|i| {
                let s = StepId(i);
                let step = graph.step(s);
                let bit = |bit: u16, holds: bool| if holds { bit } else { 0 };
                StepClass(
                    bit(StepClass::CONNECTION, is_connection(graph, s))
                        | bit(StepClass::PERSON_ANSWERS, person_answers(graph, s))
                        | bit(
                            StepClass::WAITED_AT,
                            match &step.kind {
                                StepKind::Connection { waits, .. } => *waits != Wait::Nothing,
                                StepKind::Input { .. } | StepKind::Payment => true,
                                _ => false,
                            },
                        )
                        | bit(
                            StepClass::PROMPT,
                            matches!(step.kind, StepKind::Prompt { .. }),
                        )
                        | bit(StepClass::STOP, is_stop(graph, s))
                        | bit(StepClass::STOPS_RUNNING, stops_running(graph, s))
                        | bit(StepClass::RECORDING, is_recording(graph, s))
                        | bit(
                            StepClass::TERMINAL,
                            step.edges.is_empty()
                                && !matches!(step.kind, StepKind::Return | StepKind::Call(_)),
                        )
                        | bit(
                            StepClass::STOP_OFFERED,
                            matches!(step.kind, StepKind::StopOffered),
                        )
                        | bit(
                            StepClass::ANALYTICS,
                            matches!(step.kind, StepKind::Analytics(_)),
                        ),
                )
            })
            .collect()
    }

    fn is(self, bits: u16) -> bool {
        self.0 & bits != 0
    }
}

/// The reachability questions the analysis asks of a graph, answered
/// together by one [`Reachability::compute_all`], each its bit.
struct Question;

impl Question {
    /// A connection.
    const CONNECTION: u8 = 0;
    /// A connection, not through a recording that runs on its own.
    const UNRECORDED_CONNECTION: u8 = 1;
    /// The end of the call, not through a recording that runs on its own.
    const UNRECORDED_END: u8 = 2;
    /// A consent question.
    const CONSENT: u8 = 3;
    /// A recording that runs on its own.
    const RECORDING: u8 = 4;
    /// A connection, not through a notice.
    const UNNOTICED_CONNECTION: u8 = 5;
    /// A notice.
    const NOTICE: u8 = 6;
    /// No target: only [`Answers::returns`], the end of a subroutine before
    /// a person answers or the recording stops, is asked.
    const UNANSWERED_RETURN: u8 = 7;
    const COUNT: u32 = 8;

    /// Whether step `s` is a target and whether it is a blocker, per question.
    fn targets_and_blockers(
        classes: &[StepClass],
        s: StepId,
        notices: &[bool],
        consent_questions: &[bool],
    ) -> (u8, u8) {
        let class = classes[s.index()];
        let connection = class.is(StepClass::CONNECTION);
        let recording = class.is(StepClass::RECORDING);
        let terminal = class.is(StepClass::TERMINAL);
        let notice = notices[s.index()];
        let bit = |question: u8, holds: bool| u8::from(holds) << question;
        let targets = bit(Self::CONNECTION, connection)
            | bit(Self::UNRECORDED_CONNECTION, connection)
            | bit(Self::UNRECORDED_END, terminal)
            | bit(Self::CONSENT, consent_questions[s.index()])
            | bit(Self::RECORDING, recording)
            | bit(Self::UNNOTICED_CONNECTION, connection)
            | bit(Self::NOTICE, notice);
        let blockers = bit(Self::UNRECORDED_CONNECTION, recording)
            | bit(Self::UNRECORDED_END, recording)
            | bit(Self::UNNOTICED_CONNECTION, notice)
            | bit(
                Self::UNANSWERED_RETURN,
                class.is(StepClass::PERSON_ANSWERS | StepClass::STOP),
            );
        (targets, blockers)
    }
}

/// The entry points, each with whether it records every call: it reaches a
/// recording, no consent question, and no path from it reaches a connection
/// (or, when it reaches none, the end of the call) without a recording.
fn blanket_entries(graph: &FlowGraph, reach: &Reachability) -> Vec<(StepId, bool)> {
    let reaches_connection = reach.question(Question::CONNECTION);
    let unrecorded_connection = reach.question(Question::UNRECORDED_CONNECTION);
    let unrecorded_end = reach.question(Question::UNRECORDED_END);
    let reaches_consent = reach.question(Question::CONSENT);
    let reaches_recording = reach.question(Question::RECORDING);
    graph
        .entries
        .iter()
        .map(|entry| {
            let e = entry.step;
            // An entry's own end (a FreeSWITCH hunt running out of
            // actions) ends the call too.
            let unrecorded_path = if reaches_connection.from(e) {
                unrecorded_connection.from(e)
            } else {
                unrecorded_end.from(e) || unrecorded_end.returns(e)
            };
            let blanket = reaches_recording.from(e) && !reaches_consent.from(e) && !unrecorded_path;
            (e, blanket)
        })
        .collect()
}

/// Per step: whether it takes a payment (a payment step, or an input that
/// reads like one).
fn payments(graph: &FlowGraph, recognizers: &Recognizers) -> Vec<bool> {
    graph
        .steps
        .iter()
        .map(|step| match &step.kind {
            StepKind::Payment => true,
            StepKind::Input { variable, prompts } => recognizers.is_payment_input(
                &variable.to_string(),
                prompts,
                &graph.region(step.region).name,
            ),
            _ => false,
        })
        .collect()
}

/// The path-state nodes at one recording start that its findings cite.
struct Found {
    /// The first node reached in each consent state.
    reached: BTreeMap<ConsentState, NodeId>,
    /// A node reached from an entry that records every call.
    blanket: Option<NodeId>,
    /// A node where the recording captures before any notice.
    before_notice: Option<NodeId>,
    /// Some path announced recording for training.
    training: bool,
}

/// The recording starts the path states reach, and the nodes that show it.
fn recording_nodes(
    graph: &FlowGraph,
    states: &PathStates,
    reach: &Reachability,
) -> BTreeMap<StepId, Found> {
    let reaches_connection = reach.question(Question::CONNECTION);
    // For bridge-only recording: can the call reach a connection without a notice?
    let unnoticed_connection = reach.question(Question::UNNOTICED_CONNECTION);
    // When neither a connection nor a notice lies ahead of a bridge-only
    // recording, the call is connected somewhere the scanned files do not
    // show, and no notice comes before that.
    let reaches_notice = reach.question(Question::NOTICE);
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
                    !states.can_go_on(
                        id,
                        graph,
                        &|s| reaches_connection.from(s) || reaches_notice.from(s),
                        &|s| reaches_connection.returns(s),
                    ) || unnoticed_connection.from(node.step)
                        || (unnoticed_connection.returns(node.step)
                            && states.continues_in_caller(
                                id,
                                graph,
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
    found
}

/// What lies ahead of each step, for what a recording captures after it
/// starts and for the labels of findings.
struct Ahead<'a> {
    notice: NearestAhead,
    consent: NearestAhead,
    /// A connection not preceded by a notice.
    unnoticed_connection: NearestAhead,
    /// A prompt, input, payment or connection before a person answers or
    /// the recording stops.
    ivr: NearestAhead,
    /// The end of a subroutine, before a person answers or the recording
    /// stops: a recording started in a subroutine (FreePBX's
    /// sub-record-check) also captures what its callers do after it returns.
    returns_unanswered: Answers<'a>,
    payment: NearestAhead,
    /// A stop, or a key that stops a running recording (Asterisk automixmon).
    withdrawal: NearestAhead,
    /// A key bound to stop recording works on the channel wherever it was bound.
    stop_key_bound: bool,
}

impl<'a> Ahead<'a> {
    fn compute(
        graph: &FlowGraph,
        classes: &[StepClass],
        predecessors: &Predecessors,
        reach: &'a Reachability,
        notices: &[bool],
        consent_questions: &[bool],
        payments: &[bool],
    ) -> Ahead<'a> {
        let is = |s: StepId, bits: u16| classes[s.index()].is(bits);
        // A connection counts too: until a person answers, the caller hears
        // ringing or early media, and a recording that captures from its start
        // has them. A notice announced by itself does not: having it on the
        // recording shows the caller was told.
        let is_ivr = |s: StepId| {
            is(s, StepClass::WAITED_AT) || (is(s, StepClass::PROMPT) && !notices[s.index()])
        };
        Ahead {
            notice: NearestAhead::compute(graph, predecessors, |s| notices[s.index()], |_| false),
            consent: NearestAhead::compute(
                graph,
                predecessors,
                |s| consent_questions[s.index()],
                |_| false,
            ),
            unnoticed_connection: NearestAhead::compute(
                graph,
                predecessors,
                |s| is(s, StepClass::CONNECTION),
                |s| notices[s.index()],
            ),
            ivr: NearestAhead::compute(graph, predecessors, is_ivr, |s| {
                is(s, StepClass::PERSON_ANSWERS | StepClass::STOP)
            }),
            returns_unanswered: reach.question(Question::UNANSWERED_RETURN),
            payment: NearestAhead::compute(
                graph,
                predecessors,
                |s| payments[s.index()],
                |s| is(s, StepClass::STOP),
            ),
            withdrawal: NearestAhead::compute(
                graph,
                predecessors,
                |s| is(s, StepClass::STOP | StepClass::STOPS_RUNNING),
                |_| false,
            ),
            stop_key_bound: classes.iter().any(|c| c.is(StepClass::STOP_OFFERED)),
        }
    }
}

/// For custom `require` rules: the `goal` steps that some path from an entry
/// point reaches without passing a step `marks` holds for, each with a
/// shortest witness. The notice propagation with `marks` as the notices, so
/// subroutines are summarised as for notices and the work stays linear.
pub fn reached_unmarked(
    graph: &FlowGraph,
    marks: impl Fn(StepId) -> bool,
    goal: impl Fn(StepId) -> bool,
) -> Vec<(StepId, Witness)> {
    let steps = graph
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| StepFacts {
            notice: marks(StepId(i as u32)),
            training: false,
            analysis: false,
            consent_question: None,
            voiceprint_question: None,
            edge_effects: vec![EdgeEffects::new(); step.edges.len()],
            copy: None,
        })
        .collect();
    let facts = Facts {
        steps,
        consent_variables: Vec::new(),
        call_arguments: HashMap::default(),
        argument_variables: Vec::new(),
        spent_after_question: Vec::new(),
    };
    let entries: Vec<(StepId, bool)> = graph.entries.iter().map(|e| (e.step, false)).collect();
    let states = PathStates::compute(graph, &facts, &entries);
    let runs = quiet_runs(graph, &states);
    let mut found: BTreeMap<StepId, NodeId> = BTreeMap::new();
    for (id, node) in states.nodes.iter().enumerate() {
        if !node.state.noticed && goal(node.step) {
            found.entry(node.step).or_insert(id as NodeId);
        }
    }
    found
        .into_iter()
        .map(|(step, node)| (step, to_witness(graph, &states, &runs, node)))
        .collect()
}

/// Consent questions after which a yes reaches a connection that a no never
/// does (rule REC007). Each path state knows the last consent question on
/// its witness path, so one pass over the states groups the connections
/// reached by question and answer.
fn refusals(graph: &FlowGraph, states: &PathStates, consent_questions: &[bool]) -> Vec<Refusal> {
    #[derive(Default)]
    struct Outcomes<'g> {
        yes: BTreeMap<&'g str, StepId>,
        declined: BTreeSet<&'g str>,
        declined_seen: bool,
        declined_end: Option<StepId>,
    }
    let question_of = states.last_marked(|s| consent_questions[s.index()]);
    let mut by_question: BTreeMap<StepId, Outcomes> = BTreeMap::new();
    for (node, question) in states.nodes.iter().zip(&question_of) {
        let Some(question) = question else { continue };
        let outcomes = by_question.entry(*question).or_default();
        let step = graph.step(node.step);
        match (node.state.consent, &step.kind) {
            (ConsentState::Yes, StepKind::Connection { target, .. }) => {
                outcomes.yes.entry(target.as_str()).or_insert(node.step);
            }
            (ConsentState::Declined, kind) => {
                outcomes.declined_seen = true;
                match kind {
                    StepKind::Connection { target, .. } => {
                        outcomes.declined.insert(target.as_str());
                    }
                    StepKind::Hangup => {
                        outcomes.declined_end.get_or_insert(node.step);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    by_question
        .into_iter()
        .filter(|(_, o)| o.declined_seen)
        .filter_map(|(question, o)| {
            let (_, &connection) = o.yes.iter().find(|(t, _)| !o.declined.contains(*t))?;
            Some(Refusal {
                question,
                connection,
                declined_end: o.declined_end,
            })
        })
        .collect()
}

/// Computes what the propagation needs to know about each step and edge.
fn step_facts<'g>(graph: &'g FlowGraph, recognizers: &Recognizers) -> Facts {
    // Subroutine arguments first: `ARG1` to `ARG9` are variables 0 to 8;
    // `variables` holds the others, numbered from 9.
    let arguments = ARGUMENTS.len() as u32;
    let argument_variables: Vec<VariableId> = (0..arguments).map(VariableId).collect();
    let mut variables: HashMap<Variable, VariableId> = HashMap::default();
    // Variables as written, so that folding the case (an allocation) is done
    // once per spelling, not once per test of it.
    let mut spellings: HashMap<&'g Variable, VariableId> = HashMap::default();
    let mut intern = |variable: &'g Variable| {
        *spellings.entry(variable).or_insert_with(|| {
            let folded = variable.folded();
            argument_variable(&folded).unwrap_or_else(|| {
                let next = VariableId(arguments + variables.len() as u32);
                *variables.entry(folded).or_insert(next)
            })
        })
    };
    let mut steps = Vec::with_capacity(graph.len());
    let mut call_arguments = HashMap::default();
    // A FreeSWITCH expression is tested on every hunt that reaches it:
    // compile and classify each one once.
    let mut effects: HashMap<&AnswerMatch, AnswerEffect> = HashMap::default();
    // Menus play the same few sound files over and over: read each once.
    let mut meanings: HashMap<&'g str, PromptMeaning> = HashMap::default();
    let mut meaning_of = |prompts: &'g [String]| {
        prompts
            .iter()
            .fold(PromptMeaning::default(), |meaning, prompt| {
                meaning.and(
                    *meanings
                        .entry(prompt)
                        .or_insert_with(|| recognizers.prompt(prompt)),
                )
            })
    };
    for (index, step) in graph.steps.iter().enumerate() {
        if let StepKind::Call(call) = &step.kind {
            let passed: Vec<(usize, VariableId)> = call
                .arguments
                .iter()
                .enumerate()
                .filter_map(|(i, a)| a.as_ref().map(|v| (i + 1, intern(v))))
                .collect();
            if !passed.is_empty() {
                call_arguments.insert(StepId(index as u32), passed);
            }
        }
        let (meaning, consent_question, voiceprint_question) = match &step.kind {
            StepKind::Prompt { prompts } => (meaning_of(prompts), None, None),
            StepKind::Input { variable, prompts } => {
                let meaning = meaning_of(prompts);
                let consent = recognizers
                    .asks_consent(&variable.to_string(), meaning)
                    .then(|| intern(variable));
                let voiceprint = meaning.voiceprint.then(|| intern(variable));
                (meaning, consent, voiceprint)
            }
            _ => (Default::default(), None, None),
        };
        // Most steps test nothing: no list for them (see `edge_effects`).
        let tests_nothing = step.edges.iter().all(|edge| edge.guards.is_empty());
        let edge_effects = match tests_nothing {
            true => StepEdgeEffects::new(),
            false => step
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
                .collect(),
        };
        let copy = match &step.kind {
            StepKind::Assign { variable, from } => Some((intern(from), intern(variable))),
            _ => None,
        };
        steps.push(StepFacts {
            notice: meaning.notice || consent_question.is_some(),
            training: meaning.training,
            analysis: meaning.analysis,
            consent_question,
            voiceprint_question,
            edge_effects,
            copy,
        });
    }
    let count = argument_variables.len() + variables.len();
    let mut consent_variables = recognizers.argument_consent().to_vec();
    consent_variables.resize(count, false);
    for (name, id) in &variables {
        consent_variables[id.0 as usize] = recognizers.is_consent_variable(&name.to_string());
    }
    Facts {
        spent_after_question: Facts::spent_variables(&steps, &call_arguments, count),
        steps,
        consent_variables,
        call_arguments,
        argument_variables,
    }
}

/// The subroutine argument a (case-folded) variable is, if it is one.
fn argument_variable(folded: &Variable) -> Option<VariableId> {
    let Variable::Named(name) = folded else {
        return None;
    };
    ARGUMENTS
        .iter()
        .position(|argument| argument == name)
        .map(|i| VariableId(i as u32))
}

/// Whether a test's answer lets a yes answer to a consent question through.
pub fn answer_says_yes(recognizers: &Recognizers, answer: &AnswerMatch) -> bool {
    matches!(
        answer_effect(recognizers, answer),
        AnswerEffect::Yes | AnswerEffect::YesOrDeclined
    )
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
    guarded_edge(graph, from, to).map(|e| describe_guards(&e.guards))
}

/// The edge from `from` to `to` that says something about the caller.
fn guarded_edge(graph: &FlowGraph, from: StepId, to: StepId) -> Option<&Edge> {
    graph
        .step(from)
        .edges
        .iter()
        .find(|e| e.to == to && !e.guards.is_empty())
}

/// A branch passed without a decision about the caller (a FreeSWITCH hunt
/// going past an extension that does not match) says little; a hunt through
/// thousands of extensions would make every witness that long. Runs of more
/// than this many are cut to their first and last.
const PASSED_BRANCHES_KEPT_WHOLE: usize = 4;

fn quiet_runs(graph: &FlowGraph, states: &PathStates) -> QuietRuns {
    states.quiet_runs(|p, c| {
        let (from, to) = (states.nodes[p as usize].step, states.nodes[c as usize].step);
        matches!(graph.step(from).kind, StepKind::Branch) && guarded_edge(graph, from, to).is_none()
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

/// What a branch edge's guards say, as traces show it (`caller pressed 1`).
pub fn describe_guards(guards: &[Guard]) -> String {
    guards
        .iter()
        .map(|guard| match guard {
            Guard::Answer { variable, answer } => {
                let menu = matches!(variable, Variable::Menu { .. });
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
            Guard::Default {
                variable: Variable::Menu { .. },
                ..
            } => "no key or an invalid key".to_string(),
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

/// The purposes of a recording start.
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
    let region = &graph.region(graph.step(step).region).name;
    // The path as scopes match it, made once and only when a scope asks.
    let mut relative = None;
    for scope in &config.scopes {
        let context_ok = scope.contexts.is_empty() || scope.contexts.iter().any(|c| c == region);
        let path_ok = scope.paths.is_empty()
            || scope.paths.matches(relative.get_or_insert_with(|| {
                let path = &sources.get(span.file).path;
                crate::source::slash_path(path.strip_prefix(&config.base).unwrap_or(path))
            }));
        if path_ok && context_ok {
            for name in &scope.purposes {
                add(&mut out, name, PurposeSource::Scope);
            }
        }
    }
    if let StepKind::RecordingStart(start) = &graph.step(step).kind {
        for (name, at) in &start.purposes {
            add(&mut out, name, PurposeSource::Setting(*at));
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

/// Purposes of the training class.
pub fn is_training_class(purpose: &str) -> bool {
    matches!(
        purpose,
        "training" | "quality" | "quality-assurance" | "coaching" | "qa"
    )
}
