//! The call-flow graph every format is lowered into.
//!
//! A call walks from an entry point along steps. Edges out of a branch carry
//! what the branch tested (an explicit answer or the default/else outcome), so
//! that the analysis can follow the consent answer along each path.

use std::fmt;

use crate::finding::Edit;
use crate::source::Span;
use crate::storage::Platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StepId(pub u32);

impl StepId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A named region of a flow: an Asterisk context, a FreeSWITCH context, a
/// Connect flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionId(pub u32);

#[derive(Debug, Default)]
pub struct FlowGraph {
    pub steps: Vec<Step>,
    pub regions: Vec<Region>,
    pub entries: Vec<EntryPoint>,
    /// The format the graph was lowered from (its front end's format name,
    /// as rules' `formats` lists name it); the files a graph spans include ones no one named
    /// (`#include`).
    pub format: &'static str,
    /// Settings and applications the platform no longer has (rule REC019).
    pub removed_features: Vec<RemovedFeature>,
    /// Questions' default outcomes the configuration could send to one of
    /// their explicit answers instead (rule REC005's fix).
    pub default_routes: Vec<DefaultRoute>,
    /// Recording starts a fix can move to another place in their file, and
    /// the places they can go (rule REC004's fix).
    pub moves: Moves,
    /// Steps keep no statement ([`Step::statement`]): only custom rules
    /// read them, and a run without any spares joining and copying one
    /// per step.
    drops_statements: bool,
}

/// What a fix that moves a statement needs: statements it can take out, and
/// places in front of which a statement can be put.
#[derive(Debug, Clone, Default)]
pub struct Moves {
    pub movable: Vec<Movable>,
    pub landings: Vec<Landing>,
}

/// A statement a fix can take out of its file and put elsewhere.
#[derive(Debug, Clone)]
pub struct Movable {
    pub step: StepId,
    /// The edit that takes the statement out (its whole line).
    pub removal: Edit,
    /// The statement as written, to put elsewhere.
    pub text: String,
}

/// A place in front of a step where a moved statement can go, keeping what
/// jumps there (a label) on the moved statement.
#[derive(Debug, Clone)]
pub struct Landing {
    pub step: StepId,
    /// An empty span where the moved statement's text goes.
    pub at: Span,
    /// What follows the moved text so that the step's own statement still
    /// comes next (a line break and `same => n,`).
    pub continuation: String,
}

impl Landing {
    /// The edit that puts `movable` here.
    pub fn insert(&self, movable: &Movable) -> Edit {
        Edit::new(self.at, format!("{}{}", movable.text, self.continuation))
    }
}

/// Where a question's default outcome (no answer, an invalid one) goes, and
/// the explicit answers it could go to instead.
#[derive(Debug, Clone)]
pub struct DefaultRoute {
    /// The first step of the default outcome.
    pub default: StepId,
    /// Each explicit answer, where it leads, and the edit that sends the
    /// default outcome there.
    pub answers: Vec<(String, StepId, Edit)>,
}

/// A recorder the platform removed: configured, but it records nothing (or
/// the configuration no longer loads) on current versions.
#[derive(Debug, Clone)]
pub struct RemovedFeature {
    pub span: Span,
    /// `Monitor(...)`, `monitor-type = Monitor`.
    pub what: String,
    /// What to use instead.
    pub replacement: &'static str,
    /// The edit that puts the replacement in, when it is mechanical.
    pub fix: Option<Edit>,
}

#[derive(Debug)]
pub struct Region {
    /// `from-pstn`, a flow name.
    pub name: String,
    /// Where the region is defined (a context header, a flow file).
    pub span: Span,
}

/// Where calls enter.
#[derive(Debug, Clone)]
pub struct EntryPoint {
    pub step: StepId,
    pub region: RegionId,
    /// The extension or number a call dials to come in here, when each of a
    /// context's ways in is an entry of its own (`200`, `_X.`, `4570101010`).
    pub dialled: Option<Box<str>>,
}

#[derive(Debug)]
pub struct Step {
    pub kind: StepKind,
    /// The statement that makes this step, e.g. `MixMonitor(...)`.
    pub span: Span,
    pub region: RegionId,
    pub edges: Edges,
    /// How messages name the step when its source text does not read well
    /// (a JSON action object); `None`: quote the source.
    pub label: Option<Box<str>>,
    /// A remark shown on the step when it is on a witness path (e.g. why a
    /// test cannot see the answer).
    pub note: Option<Box<str>>,
    /// The application or action the step comes from, for custom rules;
    /// set on the first step a statement makes.
    pub statement: Option<Statement>,
}

/// A configuration statement as written: `MixMonitor` and its arguments, a
/// FreeSWITCH action's application and data, a Connect action's type and
/// parameters, a TwiML verb and its attributes, a Studio widget's type and
/// properties.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The application, then its arguments, in one allocation: nearly
    /// every step has a statement.
    text: Box<str>,
    application_len: u32,
}

/// `parts` joined in one allocation of their total size. Every step's
/// statement and every FreeSWITCH action's label is joined so, and
/// `[..].concat()`, general over separators, cost half as much again on
/// such short pieces.
pub fn concat(parts: &[&str]) -> Box<str> {
    let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text.into_boxed_str()
}

impl Statement {
    pub fn new(application: &str, arguments: &str) -> Statement {
        Statement {
            text: concat(&[application, arguments]),
            application_len: application.len() as u32,
        }
    }

    pub fn application(&self) -> &str {
        &self.text[..self.application_len as usize]
    }

    pub fn arguments(&self) -> &str {
        &self.text[self.application_len as usize..]
    }
}

#[derive(Debug, Clone)]
pub struct Edge {
    pub to: StepId,
    /// What is known on this edge about tested variables; empty for plain edges.
    pub guards: Vec<Guard>,
}

/// A step's edges. Most steps have one, kept in the step itself: a block of
/// its own for each was one in sixteen of a run's allocations, and every
/// walk over the graph followed the pointer.
pub type Edges = smallvec::SmallVec<[Edge; 1]>;

impl Edge {
    pub fn plain(to: StepId) -> Edge {
        Edge {
            to,
            guards: Vec::new(),
        }
    }
}

/// What an input writes, a copy reads and writes, and a branch tests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Variable {
    /// A variable by its name: a channel variable (`OPTIN`), a contact
    /// attribute (`$.Attributes.consent`), a widget's field.
    Named(String),
    /// The key the caller presses at a menu: an Asterisk `WaitExten` in
    /// context `region` (`action` is `None`), or the input action `action` of
    /// Connect flow `region`. Traces say "caller pressed 1".
    Menu {
        region: String,
        action: Option<String>,
    },
}

impl Variable {
    /// The same variable with its names in upper case: variables are
    /// compared without case (`${optin}` is `${OPTIN}`).
    pub fn folded(&self) -> Variable {
        match self {
            Variable::Named(name) => Variable::Named(name.to_ascii_uppercase()),
            Variable::Menu { region, action } => Variable::Menu {
                region: region.to_ascii_uppercase(),
                action: action.as_deref().map(str::to_ascii_uppercase),
            },
        }
    }
}

/// How messages, the words that recognise consent and payment variables, and
/// custom rules spell a variable: its name, or `menu:<region>` and
/// `menu:<region>:<action>`.
impl fmt::Display for Variable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Variable::Named(name) => f.write_str(name),
            Variable::Menu {
                region,
                action: None,
            } => write!(f, "menu:{region}"),
            Variable::Menu {
                region,
                action: Some(action),
            } => write!(f, "menu:{region}:{action}"),
        }
    }
}

/// A fact a branch edge establishes about one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// The variable holds an explicit answer matching `answer`.
    Answer {
        variable: Variable,
        answer: AnswerMatch,
    },
    /// The else, timeout, invalid-input or error outcome of a test of the
    /// variable; `not` lists the values the test ruled out.
    Default {
        variable: Variable,
        not: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AnswerMatch {
    /// Exactly one of these values.
    Values(Vec<String>),
    /// An Asterisk extension pattern (`_[12]`) matched against the digits pressed.
    Pattern(String),
    /// A regular expression the value matches (FreeSWITCH `expression="^1$"`).
    Regex(String),
    /// Some non-empty value (truthiness or an order comparison): read as a yes.
    AnyValue,
}

/// Whether Asterisk extension `pattern` (with or without the leading `_`)
/// matches the dialled string `dialled`: what [`AnswerMatch::Pattern`] means.
pub fn pattern_matches(pattern: &str, dialled: &str) -> bool {
    let pattern = pattern.split('/').next().unwrap_or(pattern);
    let Some(p) = pattern.strip_prefix('_') else {
        return pattern == dialled;
    };
    let p: Vec<char> = p.chars().collect();
    let d: Vec<char> = dialled.chars().collect();
    match_from(&p, &d)
}

fn match_from(p: &[char], d: &[char]) -> bool {
    let Some((&first, rest)) = p.split_first() else {
        return d.is_empty();
    };
    match first.to_ascii_uppercase() {
        '.' => (1..=d.len()).any(|n| match_from(rest, &d[n..])),
        '!' => (0..=d.len()).any(|n| match_from(rest, &d[n..])),
        '[' => {
            let Some(close) = rest.iter().position(|&c| c == ']') else {
                return false;
            };
            let class = &rest[..close];
            let Some((&c, d_rest)) = d.split_first() else {
                return false;
            };
            class_contains(class, c) && match_from(&rest[close + 1..], d_rest)
        }
        other => {
            let Some((&c, d_rest)) = d.split_first() else {
                return false;
            };
            let ok = match other {
                'X' => c.is_ascii_digit(),
                'Z' => ('1'..='9').contains(&c),
                'N' => ('2'..='9').contains(&c),
                literal => literal.eq_ignore_ascii_case(&c),
            };
            ok && match_from(rest, d_rest)
        }
    }
}

fn class_contains(class: &[char], c: char) -> bool {
    let mut i = 0;
    while i < class.len() {
        if i + 2 < class.len() && class[i + 1] == '-' {
            if (class[i]..=class[i + 2]).contains(&c) {
                return true;
            }
            i += 3;
        } else {
            if class[i] == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

#[derive(Debug, Clone)]
pub enum StepKind {
    /// The call is routed to one of the extensions of a region (an entry point
    /// or a jump to a computed extension).
    Dispatch,
    Answer,
    /// The caller hears prompts (file names or spoken text).
    Prompt {
        prompts: Vec<String>,
    },
    /// The caller's answer is collected into `variable`, after `prompts`.
    /// Variables are boxed here and in `Assign`, as recordings are: a
    /// variable is 48 bytes, and the largest variant sizes every step.
    Input {
        variable: Box<Variable>,
        prompts: Vec<String>,
    },
    /// A conditional branch; its edges carry guards.
    Branch,
    /// An unconditional jump (Asterisk `Goto`, a transfer to another flow).
    Jump,
    /// Boxed: most steps are not recordings, and the step vector of a big
    /// tree is its largest allocation.
    RecordingStart(Box<RecordingStart>),
    RecordingStop,
    /// A key is bound that stops recording when pressed (FreeSWITCH
    /// `bind_meta_app ... stop_record_session`): a way to withdraw, not a
    /// stop where it stands.
    StopOffered,
    /// Copies a value into a variable (Asterisk `Set(A=${B})`, Connect
    /// `UpdateContactAttributes`): a copy of the consent answer is tested as
    /// the answer.
    Assign {
        variable: Box<Variable>,
        from: Box<Variable>,
    },
    /// Sets the message played to both parties when on-demand recording starts
    /// (Asterisk `TOUCH_MIXMONITOR_MESSAGE_START`).
    RecordingStartMessage,
    /// The caller is connected to another party, or waits in a queue for one.
    Connection {
        target: String,
        waits: Wait,
    },
    /// Transcription, speech analytics, sentiment or media streaming to
    /// another service is switched on (Connect analytics, Twilio
    /// `<Transcription>`, `<Stream>`). Boxed as recordings are.
    Analytics(Box<Analysis>),
    /// The caller pays by keypad (Twilio `<Pay>`, Studio Capture Payments).
    Payment,
    /// A subroutine call: the callee runs, then the call continues along
    /// `edges` (the return sites).
    Call(Call),
    Return,
    Hangup,
    /// A jump whose target is unknown (computed context, `#exec`, AGI).
    Unknown,
    /// Any other statement.
    Other,
}

/// What the caller hears at a connection before the other party speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Ringing or early media until the called party answers.
    Ringing,
    /// A queue's hold music and prompts until an agent takes the call.
    Queue,
    /// Nothing: the other party is already on the line (a conference, the
    /// end of a Connect outbound whisper, a media connection).
    Nothing,
}

#[derive(Debug, Clone)]
pub struct Call {
    /// The first step of the subroutine, when it could be resolved.
    pub callee: Option<StepId>,
    /// Which channel runs the subroutine.
    pub leg: Leg,
    /// Per argument position (`ARG1`, `ARG2`, ... in the subroutine): the
    /// variable passed, when the argument is just a variable's value.
    pub arguments: Vec<Option<Variable>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leg {
    /// The caller's own channel (Gosub, Macro, Dial `B()`).
    Caller,
    /// The called party's channel (Dial `b()`, `U()`, `M()`, Queue gosub):
    /// prompts there are heard by the agent, not the caller.
    Callee,
}

#[derive(Debug, Clone)]
pub struct RecordingStart {
    /// The recorder, e.g. `MixMonitor`, `Monitor`, `queue recording`.
    pub recorder: String,
    pub capture: Capture,
    /// What is recorded, as configured (file name or template), if known.
    pub target: Option<String>,
    /// Settings elsewhere that make this a recording (e.g. `monitor-format`
    /// in queues.conf), shown as related labels.
    pub related: Vec<(Span, String)>,
    /// For on-demand recording: a start message is played to both parties.
    pub start_message: bool,
    /// The audio goes live to a consumer (a media stream, an audio fork, a
    /// transcriber) instead of into a recording file; the consumer may keep
    /// it, so it is captured all the same.
    pub stream: bool,
    /// The same key also stops a recording already running on the call, so
    /// a recording started earlier can be withdrawn from here.
    pub stops_running: bool,
    /// Whether what the caller hears before a person answers is captured.
    pub before_answer: BeforeAnswer,
    /// Whose voice the recording holds: the direction options decide it.
    pub voices: Voices,
    /// Whether the recorder itself lets the parties hear that it started.
    pub beep: Beep,
    /// A stream that leaves unencrypted (Telnyx `<Siprec>` without
    /// `secure="true"`): whoever is on its path can listen.
    pub unencrypted: bool,
    /// Purposes the platform's own settings put the recording to, each with
    /// the setting (a Genesys policy that assigns quality evaluations).
    pub purposes: Vec<(String, Span)>,
    /// The platform that keeps the recording, when its own retention
    /// settings delete it (Genesys Cloud's media retention policies);
    /// `None`: a file or bucket the configuration names.
    pub kept_by: Option<Platform>,
    /// The edit of the platform's own setting that makes this recorder start
    /// when a person answers (MixMonitor's `b`, TwiML `record-from-answer`),
    /// when the front end can write it.
    pub from_answer: Option<Edit>,
}

/// Whether a recorder plays a tone when it starts, as configured: a recorder
/// that is silent and follows no notice records in secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Beep {
    /// The configuration does not say, or the platform has no tone.
    #[default]
    Unstated,
    /// A tone is played (TwiML `<Record playBeep>`, Genesys
    /// `trunk_recording_beep_enabled`).
    Plays,
    /// Set, or defaulted by the platform, to start without one (Plivo
    /// `recordSession`, SWML `record_call` whose `beep` defaults to false,
    /// Vonage `beepStart: false`).
    Silent,
}

/// The directions of the call a recording holds, seen from the caller's
/// channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Voices {
    /// Both: what the caller says and what the caller hears.
    #[default]
    Both,
    /// Only what the caller says (MixMonitor `r()` alone, `RECORD_READ_ONLY`,
    /// Connect `RecordedParticipants: ["Customer"]`, TwiML `track="inbound"`).
    Caller,
    /// Only what the caller hears: the agent and the prompts (MixMonitor
    /// `t()` alone, `RECORD_WRITE_ONLY`, Connect `["Agent"]`, TwiML
    /// `track="outbound"`).
    Heard,
}

impl From<RecordingStart> for StepKind {
    fn from(start: RecordingStart) -> StepKind {
        StepKind::recording(start)
    }
}

impl Voices {
    /// How messages say whose voice is held, when it is not both sides.
    pub fn describe(self) -> Option<&'static str> {
        match self {
            Voices::Both => None,
            Voices::Caller => Some("only the caller's side"),
            Voices::Heard => Some("only what the caller hears (the agent and the prompts)"),
        }
    }
}

impl RecordingStart {
    /// A recorder that captures from `capture` on, with no target, related
    /// settings, start message or stream, and what it captures before the
    /// answer as its capture implies.
    pub fn new(recorder: impl Into<String>, capture: Capture) -> RecordingStart {
        RecordingStart {
            recorder: recorder.into(),
            capture,
            target: None,
            related: Vec::new(),
            start_message: false,
            stream: false,
            stops_running: false,
            before_answer: BeforeAnswer::of(capture),
            voices: Voices::Both,
            beep: Beep::Unstated,
            unencrypted: false,
            purposes: Vec::new(),
            kept_by: None,
            from_answer: None,
        }
    }
}

/// Whether a recording captures prompts, menus, queue waiting or ringing
/// (rule REC012).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeforeAnswer {
    /// The setting says so: Connect `IVRRecordingBehavior: Enabled`, TwiML
    /// `record-from-ringing`.
    Recorded,
    /// Everything after the statement is captured (MixMonitor without `b`,
    /// `record_session`): prompts that follow it are recorded.
    FromHere,
    /// Only the connected call (bridge-only, queue, on-demand recording, or
    /// a flow that runs once the parties are connected).
    NotRecorded,
}

impl BeforeAnswer {
    /// What a recorder's capture implies when the platform says no more.
    pub fn of(capture: Capture) -> BeforeAnswer {
        match capture {
            Capture::Immediately => BeforeAnswer::FromHere,
            Capture::FromBridge | Capture::OnDemand => BeforeAnswer::NotRecorded,
        }
    }
}

/// From when a recording captures audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// From the statement on, including prompts, menus and ringing.
    Immediately,
    /// Only once the caller is bridged to an agent or callee.
    FromBridge,
    /// When an agent or the caller presses a feature code.
    OnDemand,
}

impl StepKind {
    pub fn recording(start: RecordingStart) -> StepKind {
        StepKind::RecordingStart(Box::new(start))
    }

    /// Analysis of the call's audio that infers nothing about the agent.
    pub fn analytics(feature: impl Into<String>) -> StepKind {
        StepKind::Analytics(Box::new(Analysis::new(feature)))
    }
}

/// What an analytics step does with the call's audio.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// What is switched on, as messages name it: `Contact Lens analytics`.
    pub feature: String,
    /// The analysis infers the agent's emotions, sentiment or empathy, and
    /// from what.
    pub agent_emotion: Option<EmotionSource>,
    /// Switched on for the whole organisation by a setting rather than along
    /// a call flow (Genesys Cloud speech analytics): what callers hear is in
    /// the flows, not on the way to this step.
    pub org_setting: bool,
    /// The analysis enrols or matches the caller's voiceprint to identify
    /// them (speaker authentication, fraudster watchlists): biometric data
    /// for unique identification.
    pub voiceprint: bool,
}

impl Analysis {
    pub fn new(feature: impl Into<String>) -> Analysis {
        Analysis {
            feature: feature.into(),
            agent_emotion: None,
            org_setting: false,
            voiceprint: false,
        }
    }
}

/// What an emotion or sentiment inference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmotionSource {
    /// The words of a transcript (Contact Lens sentiment, Genesys agent
    /// empathy): not biometric in itself.
    Transcript,
    /// The sound of the voice (pitch, tone): biometric data.
    Voice,
}

impl FlowGraph {
    /// An empty graph of one format (`FileKind::format_name`).
    pub fn of_format(format: &'static str) -> FlowGraph {
        FlowGraph {
            format,
            ..FlowGraph::default()
        }
    }

    /// This graph, keeping statements or not: a loader keeps them for a
    /// run whose rules read them.
    pub fn keeping_statements(self, keep: bool) -> FlowGraph {
        FlowGraph {
            drops_statements: !keep,
            ..self
        }
    }

    /// Whether [`FlowGraph::set_statement`] keeps what it is given: a
    /// statement whose text costs work to make is made only then.
    pub fn keeps_statements(&self) -> bool {
        !self.drops_statements
    }

    pub fn step(&self, id: StepId) -> &Step {
        &self.steps[id.index()]
    }

    pub fn add_region(&mut self, name: String, span: Span) -> RegionId {
        self.regions.push(Region { name, span });
        RegionId(self.regions.len() as u32 - 1)
    }

    pub fn region(&self, id: RegionId) -> &Region {
        &self.regions[id.0 as usize]
    }

    pub fn add_step(&mut self, kind: StepKind, span: Span, region: RegionId) -> StepId {
        self.steps.push(Step {
            kind,
            span,
            region,
            edges: Edges::new(),
            label: None,
            note: None,
            statement: None,
        });
        StepId(self.steps.len() as u32 - 1)
    }

    /// Gives back the room the step vector grew into while the graph was
    /// built (it doubles as it grows). A unit holds all its graphs at once
    /// until its findings are built. Edge lists keep theirs: less than their
    /// length, and only on steps with more than one edge, where a pass over
    /// every step to give it back cost a cache miss or two a step.
    pub fn shrink_to_fit(&mut self) {
        self.steps.shrink_to_fit();
        self.regions.shrink_to_fit();
        self.entries.shrink_to_fit();
    }

    /// Drops the steps that no call reaches: from no entry along edges and
    /// subroutine calls. The steps kept keep their order, and every
    /// reference to a step (edges, calls, entries, default routes, moves)
    /// is renumbered; a default route, answer or move naming a dropped step
    /// goes with it. For a front end that makes steps before it knows
    /// where calls enter (FreeSWITCH lowers the hunts a transfer asks for
    /// before it knows whether calls enter the context it left).
    pub fn retain_reachable(&mut self) {
        let mut reached = vec![false; self.steps.len()];
        let mut stack: Vec<StepId> = self.entries.iter().map(|e| e.step).collect();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut reached[id.index()], true) {
                continue;
            }
            let step = &self.steps[id.index()];
            stack.extend(step.edges.iter().map(|edge| edge.to));
            if let StepKind::Call(call) = &step.kind {
                stack.extend(call.callee);
            }
        }
        if reached.iter().all(|&r| r) {
            return;
        }
        let mut kept = 0u32;
        let renumbered: Vec<Option<StepId>> = reached
            .iter()
            .map(|&r| {
                r.then(|| {
                    kept += 1;
                    StepId(kept - 1)
                })
            })
            .collect();
        let new = |id: StepId| renumbered[id.index()];
        let mut index = 0;
        self.steps.retain(|_| {
            index += 1;
            reached[index - 1]
        });
        // A reached step's edges, callee and the entries were all marked
        // reached above: each has a new number.
        let gone = "marked reached with every step it leads to";
        for step in &mut self.steps {
            for edge in step.edges.iter_mut() {
                edge.to = new(edge.to).expect(gone);
            }
            if let StepKind::Call(call) = &mut step.kind {
                call.callee = call.callee.map(|callee| new(callee).expect(gone));
            }
        }
        for entry in &mut self.entries {
            entry.step = new(entry.step).expect(gone);
        }
        self.default_routes.retain_mut(|route| {
            route.answers.retain_mut(|(_, to, _)| match new(*to) {
                Some(renumbered) => {
                    *to = renumbered;
                    true
                }
                None => false,
            });
            new(route.default)
                .map(|default| route.default = default)
                .is_some()
        });
        self.moves
            .movable
            .retain_mut(|m| new(m.step).map(|step| m.step = step).is_some());
        self.moves
            .landings
            .retain_mut(|l| new(l.step).map(|step| l.step = step).is_some());
    }

    /// Records the statement a step comes from, if the graph keeps them.
    pub fn set_statement(&mut self, step: StepId, application: &str, arguments: &str) {
        if self.keeps_statements() {
            self.steps[step.index()].statement = Some(Statement::new(application, arguments));
        }
    }

    pub fn add_edge(&mut self, from: StepId, edge: Edge) {
        self.steps[from.index()].edges.push(edge);
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Recording starts, in step order.
    pub fn recording_starts(&self) -> impl Iterator<Item = (StepId, &RecordingStart)> {
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match &s.kind {
                StepKind::RecordingStart(r) => Some((StepId(i as u32), r.as_ref())),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_matches("_X.", "123"));
        assert!(!pattern_matches("_X.", "1"));
        assert!(pattern_matches("_X!", "1"));
        assert!(pattern_matches("_[1-3]", "2"));
        assert!(!pattern_matches("_[1-3]", "5"));
        assert!(pattern_matches("_NXX", "200"));
        assert!(!pattern_matches("_NXX", "100"));
        assert!(pattern_matches("1", "1"));
        assert!(pattern_matches("_[0-9#*]", "#"));
    }

    #[test]
    fn a_graph_keeps_statements_unless_told_not_to() {
        let span = Span::new(crate::source::FileId(0), 0, 1);
        for keep in [true, false] {
            let mut graph = FlowGraph::of_format("asterisk").keeping_statements(keep);
            let region = graph.add_region("c".into(), span);
            let step = graph.add_step(StepKind::Other, span, region);
            graph.set_statement(step, "MixMonitor", "x.wav");
            let statement = graph.step(step).statement.as_ref();
            assert_eq!(
                statement.map(|s| (s.application(), s.arguments())),
                keep.then_some(("MixMonitor", "x.wav")),
            );
        }
    }

    #[test]
    fn steps_no_call_reaches_are_dropped_and_the_rest_renumbered() {
        let at = |n: usize| Span::new(crate::source::FileId(0), n, n + 1);
        let mut graph = FlowGraph::of_format("freeswitch");
        let region = graph.add_region("c".into(), at(0));
        // 0 dead, 1 entry, 2 dead (leads into the live part), 3 a call
        // whose subroutine is 5, 4 dead, 5 the subroutine, 6 after the call.
        let steps: Vec<StepId> = (0..7)
            .map(|n| graph.add_step(StepKind::Other, at(n), region))
            .collect();
        graph.steps[3].kind = StepKind::Call(Call {
            callee: Some(steps[5]),
            leg: Leg::Caller,
            arguments: Vec::new(),
        });
        for (from, to) in [(0, 1), (1, 3), (2, 3), (3, 6), (4, 5)] {
            graph.add_edge(steps[from], Edge::plain(steps[to]));
        }
        graph.entries.push(EntryPoint {
            step: steps[1],
            region,
            dialled: None,
        });
        let edit = || Edit::new(at(0), "");
        graph.default_routes = vec![
            DefaultRoute {
                default: steps[6],
                answers: vec![
                    ("1".into(), steps[5], edit()),
                    ("2".into(), steps[4], edit()),
                ],
            },
            DefaultRoute {
                default: steps[2],
                answers: Vec::new(),
            },
        ];
        graph.moves.landings = [4, 6]
            .map(|n| Landing {
                step: steps[n],
                at: at(n),
                continuation: String::new(),
            })
            .to_vec();

        graph.retain_reachable();

        let spans: Vec<u32> = graph.steps.iter().map(|s| s.span.start).collect();
        assert_eq!(spans, [1, 3, 5, 6], "the steps kept keep their order");
        assert_eq!(graph.entries[0].step, StepId(0));
        assert_eq!(graph.steps[0].edges[0].to, StepId(1));
        assert_eq!(graph.steps[1].edges[0].to, StepId(3));
        assert!(matches!(
            &graph.steps[1].kind,
            StepKind::Call(call) if call.callee == Some(StepId(2))
        ));
        assert!(graph.steps[2].edges.is_empty() && graph.steps[3].edges.is_empty());
        assert_eq!(
            graph.default_routes.len(),
            1,
            "the route from a dropped step goes"
        );
        let route = &graph.default_routes[0];
        assert_eq!(route.default, StepId(3));
        assert_eq!(
            route
                .answers
                .iter()
                .map(|(a, to, _)| (a.as_str(), *to))
                .collect::<Vec<_>>(),
            [("1", StepId(2))],
        );
        let landings: Vec<StepId> = graph.moves.landings.iter().map(|l| l.step).collect();
        assert_eq!(landings, [StepId(3)]);
    }
}
