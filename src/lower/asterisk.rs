//! Lowering an Asterisk dialplan to the call-flow graph: here a priority such
//! as `same => n,MixMonitor(${UNIQUEID}.wav,b)` becomes a
//! [`StepKind::RecordingStart`], a `GotoIf` a guarded branch, a `Dial` with
//! `U()` a subroutine call followed by a connection.

use std::collections::{HashMap, HashSet};

use super::{LoadContext, Lowered};
use crate::flow::{
    AnswerMatch, BeforeAnswer, Call, Capture, Edge, FlowGraph, Guard, Leg, RecordingStart,
    RegionId, RemovedFeature, StepId, StepKind, Variable, pattern_matches,
};
use crate::parallel;
use crate::parse::asterisk::app::{self, AppCall, Text};
use crate::parse::asterisk::dialplan::{self, Dialplan, Extension};
use crate::parse::asterisk::expr::{self, CompareOp, Condition};
use crate::parse::asterisk::{AsteriskFile, settings};
use crate::parse::{self, Unresolved};
use crate::source::Span;
use settings::{Features, QueueRecording};

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "asterisk";

/// Special extensions that are not dialled by a caller entering a context.
const NOT_A_WAY_IN: &[&str] = &["h", "t", "e", "T", "a", "o"];

/// Loads the given Asterisk files with everything they include, groups them
/// into PBXs and lowers each PBX's dialplan to one graph.
pub fn load(files: &[AsteriskFile], cx: &mut LoadContext) -> Lowered {
    let (pbxs, comments) =
        parse::asterisk::load(files, cx.roots, cx.cwd, cx.sources, cx.problems, cx.jobs);
    let entry_points = &cx.config.recognize.entry_points;
    // PBXs are independent once their files are read: one per thread, the
    // results in PBX order.
    let lowered = parallel::map(pbxs.iter().collect(), cx.jobs, |pbx| {
        let (plan, errors) = dialplan::build(&pbx.dialplan);
        let queues = settings::queues(&settings::Sections::build(&pbx.queues));
        let features = settings::features(&settings::Sections::build(&pbx.features));
        let (graph, unresolved) = lower(
            &plan,
            &Settings {
                queues: &queues,
                has_queue_config: !pbx.queues.is_empty(),
                features: &features,
                entry_points,
                dialplan_incomplete: pbx.dialplan_incomplete,
                queues_incomplete: pbx.queues_incomplete,
            },
        );
        (graph, errors, unresolved)
    });
    let mut graphs = Vec::with_capacity(lowered.len());
    for (graph, errors, unresolved) in lowered {
        cx.problems.parse_errors.extend(errors);
        cx.problems.unresolved.extend(unresolved);
        graphs.push(graph);
    }
    Lowered {
        graphs,
        comments,
        ..Lowered::default()
    }
}

/// What the dialplan knows beyond extensions.conf.
pub struct Settings<'a> {
    pub queues: &'a HashMap<String, QueueRecording>,
    /// Whether any queues.conf was found (only then is an unknown queue reported).
    pub has_queue_config: bool,
    pub features: &'a Features,
    /// Contexts configured as entry points in `[recognize] entry-points`.
    pub entry_points: &'a [String],
    /// An `#include` of the dialplan could not be read: a context or
    /// extension the scanned files lack may be defined there, so a reference
    /// to one is not reported (the missing file is, once).
    pub dialplan_incomplete: bool,
    /// The same for queues.conf and an unknown queue.
    pub queues_incomplete: bool,
}

/// Where a priority is: context, extension (indexes into the dialplan) and number.
#[derive(Debug, Clone, Copy)]
struct Site {
    context: usize,
    extension: usize,
    priority: u32,
}

struct Lowerer<'a> {
    plan: &'a Dialplan,
    settings: &'a Settings<'a>,
    graph: FlowGraph,
    unresolved: Vec<Unresolved>,
    reported: HashSet<Span>,
    /// The step each priority starts with.
    priority_steps: HashMap<(usize, usize, u32), StepId>,
    /// One dispatch step per context, made when first needed.
    dispatch: HashMap<usize, StepId>,
    /// Contexts reached from another context.
    referenced: HashSet<usize>,
    /// Contexts entered as subroutines, or that return.
    subroutines: HashSet<usize>,
    /// `While` ↔ `EndWhile` pairs per extension: priority → partner priority.
    loops: HashMap<(usize, usize), LoopPairs>,
    /// Undefined contexts already reported as included.
    missing_includes: HashSet<String>,
    /// Files that a `MixMonitor` without the append option records to.
    recorded_files: HashSet<String>,
    /// `MixMonitor(file,a)` steps: appending to a file.
    appends: Vec<(StepId, String)>,
    /// The steps each priority made (its own first), for following
    /// constants along an extension.
    owned: HashMap<(usize, usize, u32), Owned>,
    /// Tests (`GotoIf`, `GosubIf`, `ExecIf`, `While`): the condition and,
    /// per edge of the step, the outcome it stands for.
    tests: HashMap<StepId, Test>,
    /// Steps a call enters without an edge (hangup handlers).
    entered: Vec<StepId>,
}

struct Test {
    condition: String,
    outcomes: Vec<bool>,
}

/// Predecessors of every step, in one array.
struct Predecessors {
    /// Where each step's predecessors start in `from` (one more entry than steps).
    start: Vec<u32>,
    from: Vec<StepId>,
}

impl Predecessors {
    fn of(&self, step: StepId) -> &[StepId] {
        &self.from[self.start[step.index()] as usize..self.start[step.index() + 1] as usize]
    }
}

/// The steps one priority made: its own and those created while lowering it.
#[derive(Clone, Copy)]
struct Owned {
    step: StepId,
    added: (u32, u32),
}

impl Owned {
    fn contains(&self, step: StepId) -> bool {
        step == self.step || (self.added.0..self.added.1).contains(&step.0)
    }

    fn steps(self) -> impl Iterator<Item = StepId> {
        std::iter::once(self.step).chain((self.added.0..self.added.1).map(StepId))
    }
}

/// Channel variables known to hold a literal at a point of an extension.
#[derive(Clone, Default)]
struct Constants(HashMap<String, String>);

#[derive(Default)]
struct LoopPairs {
    end_of: HashMap<u32, u32>,
    enclosing: HashMap<u32, u32>,
}

/// Lowers one dialplan; returns the graph and the targets it could not resolve.
pub fn lower(plan: &Dialplan, settings: &Settings) -> (FlowGraph, Vec<Unresolved>) {
    let mut l = Lowerer {
        plan,
        settings,
        graph: FlowGraph::of_format(FORMAT),
        unresolved: Vec::new(),
        reported: HashSet::new(),
        priority_steps: HashMap::new(),
        dispatch: HashMap::new(),
        referenced: HashSet::new(),
        subroutines: HashSet::new(),
        loops: HashMap::new(),
        missing_includes: HashSet::new(),
        recorded_files: HashSet::new(),
        appends: Vec::new(),
        owned: HashMap::new(),
        tests: HashMap::new(),
        entered: Vec::new(),
    };
    for context in &plan.contexts {
        l.graph.add_region(context.name.clone(), context.header);
    }
    // Pass 1: a step per priority, so that jumps can point anywhere.
    for (c, context) in plan.contexts.iter().enumerate() {
        for (e, extension) in context.extensions.iter().enumerate() {
            for (&number, priority) in &extension.priorities {
                let app = &priority.app;
                let id = l
                    .graph
                    .add_step(StepKind::Other, app.span, RegionId(c as u32));
                l.graph
                    .set_statement(id, &app.name, app.raw_args.text.clone());
                l.priority_steps.insert((c, e, number), id);
            }
            l.loops.insert((c, e), loop_pairs(extension));
        }
    }
    // Pass 2: what each priority does.
    for (c, context) in plan.contexts.iter().enumerate() {
        if context.name.starts_with("macro-") {
            l.subroutines.insert(c);
        }
        for (e, extension) in context.extensions.iter().enumerate() {
            for (&number, priority) in &extension.priorities {
                let site = Site {
                    context: c,
                    extension: e,
                    priority: number,
                };
                let step = l.priority_steps[&(c, e, number)];
                let next = l.after(site, number);
                let first_new = l.graph.len();
                l.lower_app(site, &priority.app, step, next);
                let added = (first_new as u32, l.graph.len() as u32);
                l.owned.insert((c, e, number), Owned { step, added });
            }
        }
        for include in &context.includes {
            let name = &include.context;
            match plan.context_index(name) {
                Some(target) => {
                    if target != c {
                        l.referenced.insert(target);
                    }
                }
                // Asterisk skips an include of a context that does not exist
                // (and warns once at load): not a broken call path, so one
                // finding per name, none for the `*-custom` hooks FreePBX and
                // Issabel include on purpose.
                None if is_optional_hook(name)
                    || l.defined_at_run_time(name)
                    || settings.dialplan_incomplete => {}
                None => {
                    if l.missing_includes.insert(name.clone()) && l.reported.insert(include.span) {
                        l.unresolved.push(Unresolved::advisory(
                            include.span,
                            format!("included context `{name}` is not defined"),
                            "no scanned file defines this context; Asterisk skips this include",
                        ));
                    }
                }
            }
        }
    }
    l.continuations();
    l.add_entry_points();
    l.decide_constant_tests();
    l.removed_settings();
    l.graph.shrink_to_fit();
    (l.graph, l.unresolved)
}

/// An include hook FreePBX and Issabel generate in every context for the
/// administrator to define, or not (`include => from-internal-custom`).
fn is_optional_hook(context: &str) -> bool {
    context.ends_with("-custom")
}

/// app_monitor's applications, removed in Asterisk 21 (formats.md §2.4).
const MONITOR_APPLICATIONS: &[&str] = &[
    "monitor",
    "pausemonitor",
    "unpausemonitor",
    "stopmonitor",
    "changemonitor",
];

/// Matches `While` with `EndWhile` (and `ExitWhile`/`ContinueWhile` with the
/// loop around them) by priority order.
fn loop_pairs(extension: &Extension) -> LoopPairs {
    let mut pairs = LoopPairs::default();
    let mut open: Vec<u32> = Vec::new();
    for (&number, priority) in &extension.priorities {
        let app = &priority.app;
        if app.is("While") {
            open.push(number);
        } else if app.is("EndWhile") {
            if let Some(start) = open.pop() {
                pairs.end_of.insert(start, number);
                pairs.enclosing.insert(number, start);
            }
        } else if (app.is("ExitWhile") || app.is("ContinueWhile"))
            && let Some(&start) = open.last()
        {
            pairs.enclosing.insert(number, start);
        }
    }
    pairs
}

impl<'a> Lowerer<'a> {
    fn region(&self, site: Site) -> RegionId {
        RegionId(site.context as u32)
    }

    fn extension(&self, site: Site) -> &'a Extension {
        &self.plan.contexts[site.context].extensions[site.extension]
    }

    /// Contexts that exist without dialplan: res_parking's `parkedcalls` and
    /// the parking lots features.conf declares.
    fn defined_at_run_time(&self, context: &str) -> bool {
        context == "parkedcalls"
            || self
                .settings
                .features
                .parking_contexts
                .iter()
                .any(|c| c == context)
    }

    fn report(&mut self, span: Span, message: String, label: &str) {
        if self.reported.insert(span) {
            self.unresolved.push(Unresolved::new(span, message, label));
        }
    }

    /// The step after priority `number`: priority `number + 1`, or the end of
    /// the extension (the call hangs up; a macro returns).
    fn after(&mut self, site: Site, number: u32) -> Option<StepId> {
        if let Some(&next) = self
            .priority_steps
            .get(&(site.context, site.extension, number + 1))
        {
            return Some(next);
        }
        if self.plan.contexts[site.context].name.starts_with("macro-") {
            let span = self.extension(site).priorities[&number].app.span;
            return Some(
                self.graph
                    .add_step(StepKind::Return, span, self.region(site)),
            );
        }
        None
    }

    fn set(&mut self, step: StepId, kind: StepKind) {
        self.graph.steps[step.index()].kind = kind;
    }

    fn new_step(&mut self, kind: StepKind, span: Span, site: Site) -> StepId {
        let region = self.region(site);
        self.graph.add_step(kind, span, region)
    }

    fn link(&mut self, from: StepId, to: Option<StepId>) {
        if let Some(to) = to {
            self.graph.add_edge(from, Edge::plain(to));
        }
    }

    /// Lowers one application call into `step` (and further steps when the
    /// application does several things), continuing at `next`.
    fn lower_app(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let name = app.name.to_ascii_lowercase();
        if MONITOR_APPLICATIONS.contains(&name.as_str()) {
            self.graph.removed_features.push(RemovedFeature {
                span: app.span,
                what: format!("{}()", app.name),
                replacement: "MixMonitor (StopMixMonitor to stop; PauseMonitor's mute: MixMonitorMute)",
            });
        }
        match name.as_str() {
            "answer" => {
                self.set(step, StepKind::Answer);
                self.link(step, next);
            }
            "playback" | "background" | "controlplayback" => {
                let prompts = split_prompts(app.arg(0));
                self.set(step, StepKind::Prompt { prompts });
                self.link(step, next);
            }
            "read" => {
                let variable = Variable::Named(
                    app.arg(0)
                        .split('=')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                );
                let prompts = split_prompts(app.arg(1));
                self.set(step, StepKind::Input { variable, prompts });
                self.link(step, next);
            }
            "waitexten" => self.lower_menu(site, step),
            "goto" => {
                self.set(step, StepKind::Jump);
                for target in self.resolve(site, &app.raw_args, ',') {
                    self.graph.add_edge(step, Edge::plain(target));
                }
            }
            "gotoif" | "gotoiftime" => self.lower_goto_if(site, app, step, next, &name),
            "gosub" => {
                let callee = self.resolve_call(site, &app.raw_args, ',');
                let arguments = call_arguments(&app.raw_args.text, ',');
                self.set(step, call(callee, Leg::Caller, arguments));
                self.link(step, next);
            }
            "gosubif" => self.lower_gosub_if(site, app, step, next),
            "macro" => {
                let callee = self.resolve_macro(app.args.first());
                let arguments = app
                    .args
                    .iter()
                    .skip(1)
                    .map(|a| expr::variable_reference(&a.text))
                    .collect();
                self.set(step, call(callee, Leg::Caller, arguments));
                self.link(step, next);
            }
            "return" | "macroexit" => {
                self.subroutines.insert(site.context);
                self.set(step, StepKind::Return);
            }
            "execif" | "execiftime" => self.lower_exec_if(site, app, step, next, &name),
            "while" => self.lower_while(site, app, step, next),
            "endwhile" | "continuewhile" => {
                let pairs = &self.loops[&(site.context, site.extension)];
                let target = pairs
                    .enclosing
                    .get(&site.priority)
                    .and_then(|w| self.priority_steps.get(&(site.context, site.extension, *w)))
                    .copied();
                self.set(step, StepKind::Other);
                self.link(step, target.or(next));
            }
            "exitwhile" => {
                let pairs = &self.loops[&(site.context, site.extension)];
                let end = pairs
                    .enclosing
                    .get(&site.priority)
                    .and_then(|w| pairs.end_of.get(w))
                    .copied();
                let target = match end {
                    Some(end) => self.after(site, end),
                    None => next,
                };
                self.set(step, StepKind::Other);
                self.link(step, target);
            }
            "mixmonitor" | "monitor" => {
                let options = app
                    .args
                    .get(if name == "monitor" { 2 } else { 1 })
                    .map(app::parse_options)
                    .unwrap_or_default();
                let from_bridge = options.iter().any(|o| o.letter == 'b');
                let target = app.arg(if name == "monitor" { 1 } else { 0 });
                if name == "mixmonitor" && !target.is_empty() {
                    if options.iter().any(|o| o.letter == 'a') {
                        self.appends.push((step, target.to_string()));
                    } else {
                        self.recorded_files.insert(target.to_string());
                    }
                }
                self.set(
                    step,
                    StepKind::recording(RecordingStart {
                        recorder: if name == "monitor" {
                            "Monitor"
                        } else {
                            "MixMonitor"
                        }
                        .into(),
                        capture: if from_bridge {
                            Capture::FromBridge
                        } else {
                            Capture::Immediately
                        },
                        target: (!target.is_empty()).then(|| target.to_string()),
                        related: Vec::new(),
                        start_message: false,
                        before_answer: if from_bridge {
                            BeforeAnswer::NotRecorded
                        } else {
                            BeforeAnswer::FromHere
                        },
                    }),
                );
                self.link(step, next);
            }
            // A paused Monitor captures nothing until it is unpaused.
            "stopmixmonitor" | "stopmonitor" | "pausemonitor" => {
                self.set(step, StepKind::RecordingStop);
                self.link(step, next);
            }
            "dial" => self.lower_dial(site, app, step, next),
            "queue" => self.lower_queue(site, app, step, next),
            "set" | "mset" => self.lower_set(site, app, step, next),
            "hangup" => self.set(step, StepKind::Hangup),
            _ => {
                self.set(step, StepKind::Other);
                self.link(step, next);
            }
        }
    }

    /// `MixMonitor(file,a)` appends to `file`. When another `MixMonitor` of
    /// the dialplan records to the same file (FreePBX re-attaches the call's
    /// recording after a park or blind transfer this way), it continues that
    /// recording, which is judged where it starts: not a start of its own.
    fn continuations(&mut self) {
        for (step, target) in std::mem::take(&mut self.appends) {
            if self.recorded_files.contains(&target) {
                self.set(step, StepKind::Other);
            }
        }
    }

    /// Tests the path has already decided: a variable `Set` to a literal and
    /// tested further down the same extension, with nothing else reaching
    /// the priorities in between, holds that literal at the test. A decided
    /// `GotoIf`/`GosubIf`/`ExecIf` keeps only the edges of its outcome; a
    /// decided `While` sends the call arriving from above straight into its
    /// body (or past it), and keeps both edges for the rounds after. One pass
    /// per extension, no solver: a priority reached by a jump, a loop, or an
    /// application that may set variables (`Read`, `Gosub`, `Dial`, AGI...)
    /// forgets what is known.
    fn decide_constant_tests(&mut self) {
        if self.tests.is_empty() {
            return;
        }
        let plan = self.plan;
        // Only extensions that set a variable before they test one.
        let candidates: Vec<(usize, usize)> = plan
            .contexts
            .iter()
            .enumerate()
            .flat_map(|(c, context)| {
                context
                    .extensions
                    .iter()
                    .enumerate()
                    .filter(|(_, extension)| sets_then_tests(extension))
                    .map(move |(e, _)| (c, e))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let preds = self.predecessors();
        for (c, e) in candidates {
            let extension = &plan.contexts[c].extensions[e];
            // What is known after the previous priority, and its number.
            let mut known: Option<(u32, Constants)> = None;
            for (&number, priority) in &extension.priorities {
                let step = self.priority_steps[&(c, e, number)];
                let previous = known
                    .take()
                    .filter(|(n, constants)| n + 1 == number && !constants.0.is_empty())
                    .and_then(|(n, constants)| Some((*self.owned.get(&(c, e, n))?, constants)));
                let mut constants = Constants::default();
                if let Some((above, values)) = previous {
                    let is_while = priority.app.is("While");
                    let loop_end = if is_while {
                        self.loops[&(c, e)].end_of.get(&number).copied()
                    } else {
                        None
                    };
                    // Steps of the loop's own priorities come back to a `While`.
                    let in_loop = |p: StepId| {
                        loop_end.is_some_and(|end| {
                            extension
                                .priorities
                                .range(number + 1..=end)
                                .any(|(n, _)| self.owned[&(c, e, *n)].contains(p))
                        })
                    };
                    let (mut arriving, mut looping, mut elsewhere) = (0, 0, false);
                    for &p in preds.of(step) {
                        if above.contains(p) {
                            arriving += 1;
                        } else if in_loop(p) {
                            looping += 1;
                        } else {
                            elsewhere = true;
                        }
                    }
                    if arriving > 0 && !elsewhere {
                        let outcome = self
                            .tests
                            .get(&step)
                            .and_then(|t| expr::evaluate(&t.condition, &|v| values.get(v)));
                        match outcome {
                            Some(outcome) if is_while => self.enter_loop(step, above, outcome),
                            Some(outcome) => self.keep_outcome(step, outcome),
                            None => {}
                        }
                        // A `While` reached again from its loop: nothing is known there.
                        if looping == 0 {
                            constants = values;
                        }
                    }
                }
                constants.apply(&priority.app);
                known = Some((number, constants));
            }
        }
    }

    /// Every step's predecessors: edge sources, callers of a subroutine, and
    /// a step no priority owns for steps entered from outside.
    fn predecessors(&self) -> Predecessors {
        let arcs = |visit: &mut dyn FnMut(StepId, StepId)| {
            for (i, step) in self.graph.steps.iter().enumerate() {
                let from = StepId(i as u32);
                for edge in &step.edges {
                    visit(edge.to, from);
                }
                if let StepKind::Call(Call {
                    callee: Some(callee),
                    ..
                }) = &step.kind
                {
                    visit(*callee, from);
                }
            }
            for &step in &self.entered {
                visit(step, StepId(u32::MAX));
            }
        };
        let mut start = vec![0u32; self.graph.len() + 1];
        arcs(&mut |to, _| start[to.index() + 1] += 1);
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut from = vec![StepId(0); start[self.graph.len()] as usize];
        let mut next = start.clone();
        arcs(&mut |to, source| {
            from[next[to.index()] as usize] = source;
            next[to.index()] += 1;
        });
        Predecessors { start, from }
    }

    /// Keeps the edges of a decided test's `outcome`.
    fn keep_outcome(&mut self, step: StepId, outcome: bool) {
        let Some(test) = self
            .tests
            .get_mut(&step)
            .filter(|t| t.outcomes.len() == self.graph.steps[step.index()].edges.len())
        else {
            return;
        };
        let edges = std::mem::take(&mut self.graph.steps[step.index()].edges);
        let mut outcomes = Vec::new();
        for (edge, o) in edges.into_iter().zip(std::mem::take(&mut test.outcomes)) {
            if o == outcome {
                self.graph.steps[step.index()].edges.push(edge);
                outcomes.push(o);
            }
        }
        test.outcomes = outcomes;
    }

    /// A `While` decided on arrival: the edges from the priority above go
    /// where its `outcome` edge goes.
    fn enter_loop(&mut self, step: StepId, above: Owned, outcome: bool) {
        let Some(test) = self
            .tests
            .get(&step)
            .filter(|t| t.outcomes.len() == self.graph.steps[step.index()].edges.len())
        else {
            return;
        };
        let targets: Vec<Edge> = self.graph.steps[step.index()]
            .edges
            .iter()
            .zip(&test.outcomes)
            .filter(|(_, o)| **o == outcome)
            .map(|(edge, _)| edge.clone())
            .collect();
        let [target] = targets.as_slice() else {
            return;
        };
        for from in above.steps() {
            for edge in &mut self.graph.steps[from.index()].edges {
                if edge.to == step {
                    edge.to = target.to;
                    edge.guards.extend(target.guards.iter().cloned());
                }
            }
        }
    }

    /// queues.conf `monitor-type = Monitor` and features.conf `automon`: both
    /// name the removed recorder.
    fn removed_settings(&mut self) {
        let mut monitor_types: Vec<Span> = self
            .settings
            .queues
            .values()
            .filter_map(|q| q.monitor_type.as_ref())
            .filter(|(value, _)| value.eq_ignore_ascii_case("Monitor"))
            .map(|(_, span)| *span)
            .collect();
        monitor_types.sort();
        monitor_types.dedup();
        for span in monitor_types {
            self.graph.removed_features.push(RemovedFeature {
                span,
                what: "queues.conf `monitor-type = Monitor`".into(),
                replacement: "`monitor-type = MixMonitor` (the only recorder since Asterisk 21)",
            });
        }
        if let Some(span) = self.settings.features.automon {
            self.graph.removed_features.push(RemovedFeature {
                span,
                what: "features.conf `automon`".into(),
                replacement: "`automixmon` (one-touch MixMonitor)",
            });
        }
    }

    /// `WaitExten()`: the caller's digits select an extension of this context;
    /// digit extensions are explicit answers, `t` and `i` the default.
    fn lower_menu(&mut self, site: Site, step: StepId) {
        let context = &self.plan.contexts[site.context];
        let variable = Variable::Menu {
            region: context.name.clone(),
            action: None,
        };
        // The prompt is the nearest Background/Playback before this priority.
        let prompts = self
            .extension(site)
            .priorities
            .range(..site.priority)
            .rev()
            .map(|(_, p)| &p.app)
            .find(|a| a.is("Background") || a.is("Playback"))
            .map(|a| split_prompts(a.arg(0)))
            .unwrap_or_default();
        self.set(
            step,
            StepKind::Input {
                variable: variable.clone(),
                prompts,
            },
        );
        for (c, e) in self.ways_in(site.context, true) {
            let extension = &self.plan.contexts[c].extensions[e];
            let Some(&first) =
                first_priority(extension).and_then(|n| self.priority_steps.get(&(c, e, n)))
            else {
                continue;
            };
            let name = extension.number();
            let guard = match name {
                "t" | "i" => Guard::Default {
                    variable: variable.clone(),
                    not: Vec::new(),
                },
                _ if extension.is_pattern() => Guard::Answer {
                    variable: variable.clone(),
                    answer: AnswerMatch::Pattern(name.to_string()),
                },
                _ if name
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '*' || c == '#') =>
                {
                    Guard::Answer {
                        variable: variable.clone(),
                        answer: AnswerMatch::Values(vec![name.to_string()]),
                    }
                }
                _ => continue,
            };
            self.graph.add_edge(
                step,
                Edge {
                    to: first,
                    guards: vec![guard],
                },
            );
        }
    }

    fn lower_goto_if(
        &mut self,
        site: Site,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
        name: &str,
    ) {
        let (condition, branches) = app::split_once_top_level(&app.raw_args, '?');
        let condition_text = condition.text;
        let condition = if name == "gotoiftime" {
            Condition::Opaque
        } else {
            expr::parse_condition(&condition_text)
        };
        self.set(step, StepKind::Branch);
        let (yes, no) = match &branches {
            Some(b) => app::split_once_top_level(b, ':'),
            None => return self.link(step, next),
        };
        let mut outcomes = Vec::new();
        for (label, outcome) in [(Some(yes), true), (no, false)] {
            let guards = guards_for(&condition, outcome);
            let targets = match label.filter(|l| !l.trimmed().is_empty()) {
                Some(label) => self.resolve(site, &label, ','),
                None => next.into_iter().collect(),
            };
            for to in targets {
                self.graph.add_edge(
                    step,
                    Edge {
                        to,
                        guards: guards.clone(),
                    },
                );
                outcomes.push(outcome);
            }
        }
        if name == "gotoif" {
            self.add_test(step, &condition_text, outcomes);
        }
    }

    fn add_test(&mut self, step: StepId, condition: &str, outcomes: Vec<bool>) {
        self.tests.insert(
            step,
            Test {
                condition: condition.to_string(),
                outcomes,
            },
        );
    }

    fn lower_gosub_if(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let (condition, branches) = app::split_once_top_level(&app.raw_args, '?');
        let condition_text = condition.text;
        let condition = expr::parse_condition(&condition_text);
        self.set(step, StepKind::Branch);
        let (yes, no) = match &branches {
            Some(b) => app::split_once_top_level(b, ':'),
            None => return self.link(step, next),
        };
        let mut outcomes = Vec::new();
        for (label, outcome) in [(Some(yes), true), (no, false)] {
            let guards = guards_for(&condition, outcome);
            let to = match label.filter(|l| !l.trimmed().is_empty()) {
                Some(label) => {
                    let callee = self.resolve_call(site, &label, ',');
                    let arguments = call_arguments(&label.text, ',');
                    let call_step =
                        self.new_step(call(callee, Leg::Caller, arguments), label.span, site);
                    self.link(call_step, next);
                    Some(call_step)
                }
                None => next,
            };
            if let Some(to) = to {
                self.graph.add_edge(step, Edge { to, guards });
                outcomes.push(outcome);
            }
        }
        self.add_test(step, &condition_text, outcomes);
    }

    fn lower_exec_if(
        &mut self,
        site: Site,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
        name: &str,
    ) {
        let (condition, branches) = app::split_once_top_level(&app.raw_args, '?');
        let condition_text = condition.text;
        let condition = if name == "execiftime" {
            Condition::Opaque
        } else {
            expr::parse_condition(&condition_text)
        };
        self.set(step, StepKind::Branch);
        let (yes, no) = match &branches {
            Some(b) => app::split_once_top_level(b, ':'),
            None => return self.link(step, next),
        };
        let mut outcomes = Vec::new();
        for (inner, outcome) in [(Some(yes), true), (no, false)] {
            let guards = guards_for(&condition, outcome);
            let to = match inner
                .and_then(|t| app::parse_app(t.span.file, &t.text, t.span.start as usize))
            {
                Some(inner_app) => {
                    let inner_step = self.new_step(StepKind::Other, inner_app.span, site);
                    self.lower_app(site, &inner_app, inner_step, next);
                    Some(inner_step)
                }
                None => next,
            };
            if let Some(to) = to {
                self.graph.add_edge(step, Edge { to, guards });
                outcomes.push(outcome);
            }
        }
        if name == "execif" {
            self.add_test(step, &condition_text, outcomes);
        }
    }

    fn lower_while(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let condition = expr::parse_condition(&app.raw_args.text);
        self.set(step, StepKind::Branch);
        let end = self.loops[&(site.context, site.extension)]
            .end_of
            .get(&site.priority)
            .copied();
        let exit = match end {
            Some(end) => self.after(site, end),
            None => None,
        };
        let mut outcomes = Vec::new();
        for (to, outcome) in [(next, true), (exit, false)] {
            if let Some(to) = to {
                self.graph.add_edge(
                    step,
                    Edge {
                        to,
                        guards: guards_for(&condition, outcome),
                    },
                );
                outcomes.push(outcome);
            }
        }
        self.add_test(step, &app.raw_args.text, outcomes);
    }

    /// `Dial(destinations,timeout,options)`: pre-dial subroutines (`B()` on the
    /// caller, `b()` on each callee), one-touch recording (`x`/`X`), the
    /// after-answer subroutine (`U()`, `M()`), then the connection.
    fn lower_dial(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let options = app.args.get(2).map(app::parse_options).unwrap_or_default();
        let mut chain: Vec<(StepKind, Span)> = Vec::new();
        for (letter, leg) in [('B', Leg::Caller), ('b', Leg::Callee)] {
            for option in options.iter().filter(|o| o.letter == letter) {
                if let Some(argument) = &option.argument {
                    let callee = self.resolve_call(site, argument, '^');
                    chain.push((
                        call(callee, leg, call_arguments(&argument.text, '^')),
                        argument.span,
                    ));
                }
            }
        }
        if options.iter().any(|o| o.letter == 'x' || o.letter == 'X') {
            chain.extend(self.one_touch(app));
        }
        for option in &options {
            let callee = match (option.letter, &option.argument) {
                ('U', Some(argument)) => self.resolve_context_s(argument),
                ('M', Some(argument)) => {
                    let name = argument.text.split('^').next().unwrap_or("");
                    let text = Text {
                        text: name.to_string(),
                        span: Span::new(
                            argument.span.file,
                            argument.span.start as usize,
                            argument.span.start as usize + name.len(),
                        ),
                    };
                    self.resolve_macro(Some(&text))
                }
                _ => continue,
            };
            if let Some(argument) = &option.argument {
                // `U(context^arg1^arg2)`: the arguments follow the name.
                let arguments = argument
                    .text
                    .split('^')
                    .skip(1)
                    .map(expr::variable_reference)
                    .collect();
                chain.push((call(callee, Leg::Callee, arguments), argument.span));
            }
        }
        chain.push((
            StepKind::Connection {
                target: app.arg(0).to_string(),
                queue: false,
            },
            app.span,
        ));
        self.emit_chain(site, step, chain, next);
    }

    /// `Queue(name,options,URL,announce,timeout,AGI,macro,gosub,...)`.
    fn lower_queue(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let queue = app.arg(0);
        let mut chain: Vec<(StepKind, Span)> = Vec::new();
        // The macro and gosub arguments run on the member's channel once
        // connected, from `s,1` of the named context.
        if let Some(argument) = app.args.get(6).filter(|a| !a.trimmed().is_empty()) {
            let callee = self.resolve_macro(Some(argument));
            chain.push((call(callee, Leg::Callee, Vec::new()), argument.span));
        }
        if let Some(argument) = app.args.get(7).filter(|a| !a.trimmed().is_empty()) {
            let callee = self.resolve_context_s(argument);
            chain.push((call(callee, Leg::Callee, Vec::new()), argument.span));
        }
        if !queue.contains('$') {
            match self.settings.queues.get(queue) {
                Some(settings) => {
                    if let Some(format) = settings.monitor_format {
                        chain.push((
                            StepKind::recording(RecordingStart {
                                recorder: "queue recording".into(),
                                capture: Capture::FromBridge,
                                target: None,
                                related: vec![(
                                    format,
                                    format!(
                                        "`monitor-format` turns on recording for queue `{queue}`"
                                    ),
                                )],
                                start_message: false,
                                before_answer: BeforeAnswer::NotRecorded,
                            }),
                            app.span,
                        ));
                    }
                }
                None if self.settings.has_queue_config
                    && !self.settings.queues_incomplete
                    && !queue.is_empty() =>
                {
                    let span = app.args[0].span;
                    self.report(
                        span,
                        format!("queue `{queue}` is not defined in the scanned queues.conf"),
                        "whether calls in this queue are recorded is unknown",
                    );
                }
                None => {}
            }
        }
        let options = app.args.get(1).map(app::parse_options).unwrap_or_default();
        if options.iter().any(|o| o.letter == 'x' || o.letter == 'X') {
            chain.extend(self.one_touch(app));
        }
        chain.push((
            StepKind::Connection {
                target: format!("queue {queue}"),
                queue: true,
            },
            app.span,
        ));
        self.emit_chain(site, step, chain, next);
    }

    /// One-touch recording enabled by Dial/Queue `x`/`X`, if features.conf
    /// maps `automixmon` to a key.
    fn one_touch(&self, app: &AppCall) -> Option<(StepKind, Span)> {
        let features = self.settings.features;
        let key = features.automixmon?;
        let mut related = vec![(
            key,
            "`automixmon` lets a party start recording with this key".to_string(),
        )];
        if let Some(tone) = features.courtesytone {
            related.push((tone, "played to both parties when recording starts".into()));
        }
        Some((
            StepKind::recording(RecordingStart {
                recorder: "one-touch MixMonitor (automixmon)".into(),
                capture: Capture::OnDemand,
                target: None,
                related,
                start_message: features.courtesytone.is_some(),
                before_answer: BeforeAnswer::NotRecorded,
            }),
            app.span,
        ))
    }

    /// Fills `step` with the first kind of `chain` and appends the rest.
    fn emit_chain(
        &mut self,
        site: Site,
        step: StepId,
        chain: Vec<(StepKind, Span)>,
        next: Option<StepId>,
    ) {
        let mut current = step;
        for (i, (kind, span)) in chain.into_iter().enumerate() {
            if i == 0 {
                self.set(step, kind);
            } else {
                let s = self.new_step(kind, span, site);
                self.link(current, Some(s));
                current = s;
            }
        }
        self.link(current, next);
    }

    fn lower_set(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let raw = app.raw_args.text.as_str();
        let (name, value) = raw.split_once('=').unwrap_or((raw, ""));
        let name = name.trim();
        if name.eq_ignore_ascii_case("TOUCH_MIXMONITOR_MESSAGE_START") && !value.trim().is_empty() {
            self.set(step, StepKind::RecordingStartMessage);
        } else {
            self.set(step, StepKind::Other);
            if name.eq_ignore_ascii_case("CHANNEL(hangup_handler_push)") {
                // A hangup handler runs after the call; it only makes the
                // context a non-entry.
                let offset = raw.find('=').map(|i| i + 1).unwrap_or(raw.len());
                let target = Text {
                    text: raw[offset..].to_string(),
                    span: Span::new(
                        app.raw_args.span.file,
                        app.raw_args.span.start as usize + offset,
                        app.raw_args.span.end as usize,
                    ),
                };
                if let Some(handler) = self.resolve_call(site, &target, ',') {
                    self.entered.push(handler);
                }
            }
        }
        self.link(step, next);
    }

    /// The callee of `Macro(name)`: context `macro-name`, extension `s`.
    fn resolve_macro(&mut self, name: Option<&Text>) -> Option<StepId> {
        let name = name?;
        let text = format!("macro-{}", name.trimmed());
        let target = Text {
            text: format!("{text},s,1"),
            span: name.span,
        };
        self.resolve_target(None, &target, ',', true)
            .into_iter()
            .next()
    }

    /// `U(context^arg^...)`: Gosub to `context,s,1`.
    fn resolve_context_s(&mut self, argument: &Text) -> Option<StepId> {
        let context = argument.text.split('^').next().unwrap_or("").trim();
        let target = Text {
            text: format!("{context},s,1"),
            span: Span::new(
                argument.span.file,
                argument.span.start as usize,
                argument.span.start as usize + context.len(),
            ),
        };
        self.resolve_target(None, &target, ',', true)
            .into_iter()
            .next()
    }

    fn resolve_call(&mut self, site: Site, target: &Text, separator: char) -> Option<StepId> {
        self.resolve_target(Some(site), target, separator, true)
            .into_iter()
            .next()
    }

    fn resolve(&mut self, site: Site, target: &Text, separator: char) -> Vec<StepId> {
        self.resolve_target(Some(site), target, separator, false)
    }

    /// Resolves `[[context,]extension,]priority` (`^`-separated in Dial
    /// options). Computed parts are followed where possible and never reported.
    fn resolve_target(
        &mut self,
        site: Option<Site>,
        target: &Text,
        separator: char,
        is_call: bool,
    ) -> Vec<StepId> {
        // Gosub arguments: `prio(args)`.
        let text = match target.text.find('(') {
            Some(open) if !target.text[..open].contains('$') => &target.text[..open],
            _ => target.text.as_str(),
        };
        let parts: Vec<&str> = text.split(separator).map(str::trim).collect();
        let (context, extension, priority) = match (parts.as_slice(), site) {
            // A label or number in the current extension.
            ([p], Some(site)) => {
                let ext = self.extension(site);
                return match priority_number(ext, p)
                    .and_then(|n| self.priority_steps.get(&(site.context, site.extension, n)))
                {
                    Some(&step) => vec![step],
                    None if p.contains('$') || p.is_empty() => Vec::new(),
                    None => {
                        let message = format!(
                            "priority or label `{p}` is not defined in extension `{}` of context `{}`",
                            ext.name, self.plan.contexts[site.context].name
                        );
                        self.report(
                            target.span,
                            message,
                            "no such priority or label; the call cannot be followed here",
                        );
                        Vec::new()
                    }
                };
            }
            ([e, p], Some(site)) => (site.context, Some(e.to_string()), *p),
            ([c, e, p], _) | ([c, e, p, ..], _) => {
                if c.contains('$') {
                    return Vec::new();
                }
                match self.plan.context_index(c) {
                    Some(i) => (i, Some(e.to_string()), *p),
                    None if self.defined_at_run_time(c) || self.settings.dialplan_incomplete => {
                        return Vec::new();
                    }
                    None => {
                        self.report(
                            target.span,
                            format!("context `{c}` is not defined"),
                            "no scanned file defines this context; the call cannot be followed here",
                        );
                        return Vec::new();
                    }
                }
            }
            _ => return Vec::new(),
        };
        if let Some(site) = site
            && context != site.context
        {
            self.referenced.insert(context);
        }
        if site.is_none() {
            self.referenced.insert(context);
        }
        if is_call {
            self.subroutines.insert(context);
        }
        if priority.is_empty() || priority.contains('$') {
            return Vec::new();
        }
        let extension = extension.unwrap_or_default();
        if extension.contains('$') {
            // A computed extension: any extension of the context may run.
            if priority == "1" {
                return vec![self.dispatch_step(context)];
            }
            return self
                .ways_in(context, false)
                .into_iter()
                .filter_map(|(c, e)| {
                    let ext = &self.plan.contexts[c].extensions[e];
                    let number = priority_number(ext, priority)?;
                    self.priority_steps.get(&(c, e, number)).copied()
                })
                .collect();
        }
        let Some((c, e)) = self.find_extension(context, &extension) else {
            if self.settings.dialplan_incomplete {
                return Vec::new();
            }
            self.report(
                target.span,
                format!(
                    "extension `{extension}` is not defined in context `{}`",
                    self.plan.contexts[context].name
                ),
                "no scanned file defines this extension; the call cannot be followed here",
            );
            return Vec::new();
        };
        let ext = &self.plan.contexts[c].extensions[e];
        match priority_number(ext, priority).and_then(|n| self.priority_steps.get(&(c, e, n))) {
            Some(&step) => vec![step],
            None => {
                self.report(
                    target.span,
                    format!(
                        "priority or label `{priority}` is not defined in extension `{extension}` of context `{}`",
                        self.plan.contexts[c].name
                    ),
                    "no such priority or label; the call cannot be followed here",
                );
                Vec::new()
            }
        }
    }

    /// Finds the extension a dialled string runs in a context, searching
    /// included contexts after the context's own extensions, exact names
    /// before patterns.
    fn find_extension(&self, context: usize, dialled: &str) -> Option<(usize, usize)> {
        let order = self.include_order(context);
        for &c in &order {
            if let Some(e) = self.plan.contexts[c]
                .extensions
                .iter()
                .position(|e| e.number() == dialled)
            {
                return Some((c, e));
            }
        }
        for &c in &order {
            if let Some(e) = self.plan.contexts[c]
                .extensions
                .iter()
                .position(|e| e.is_pattern() && pattern_matches(&e.name, dialled))
            {
                return Some((c, e));
            }
        }
        None
    }

    /// The context followed by the contexts it includes, depth-first, each once.
    fn include_order(&self, context: usize) -> Vec<usize> {
        let mut order = Vec::new();
        let mut stack = vec![context];
        while let Some(c) = stack.pop() {
            if order.contains(&c) {
                continue;
            }
            order.push(c);
            for include in self.plan.contexts[c].includes.iter().rev() {
                if let Some(i) = self.plan.context_index(&include.context) {
                    stack.push(i);
                }
            }
        }
        order
    }

    /// Extensions a call entering `context` may run (own first, then included),
    /// each name once. For a menu (`menu`), the key choices and `t`, `i`; for a
    /// call arriving, every extension except the special ones and, in a
    /// context that holds a `WaitExten` menu, its one-key choices.
    fn ways_in(&self, context: usize, menu: bool) -> Vec<(usize, usize)> {
        let has_menu = self.plan.contexts[context]
            .extensions
            .iter()
            .any(|e| e.priorities.values().any(|p| p.app.is("WaitExten")));
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for c in self.include_order(context) {
            for (e, extension) in self.plan.contexts[c].extensions.iter().enumerate() {
                let name = extension.name.as_str();
                let skip = if menu {
                    NOT_A_WAY_IN.contains(&name) && name != "t"
                } else {
                    NOT_A_WAY_IN.contains(&name) || (has_menu && is_one_key(extension))
                };
                if skip || !seen.insert(name) {
                    continue;
                }
                out.push((c, e));
            }
        }
        out
    }

    fn dispatch_step(&mut self, context: usize) -> StepId {
        if let Some(&step) = self.dispatch.get(&context) {
            return step;
        }
        let span = self.plan.contexts[context].header;
        let step = self
            .graph
            .add_step(StepKind::Dispatch, span, RegionId(context as u32));
        self.dispatch.insert(context, step);
        for (c, e) in self.ways_in(context, false) {
            let ext = &self.plan.contexts[c].extensions[e];
            if let Some(&first) =
                first_priority(ext).and_then(|n| self.priority_steps.get(&(c, e, n)))
            {
                self.graph.add_edge(step, Edge::plain(first));
            }
        }
        step
    }

    /// Entry points: contexts no other context reaches (a `Goto`, a call or
    /// an `include =>`) and that are not subroutines, plus those named in
    /// `[recognize] entry-points`; each with at least one way in of its own
    /// or from the contexts it includes.
    fn add_entry_points(&mut self) {
        let configured: HashSet<&str> = self
            .settings
            .entry_points
            .iter()
            .map(String::as_str)
            .collect();
        for (c, context) in self.plan.contexts.iter().enumerate() {
            let is_entry = configured.contains(context.name.as_str())
                || (!self.referenced.contains(&c) && !self.subroutines.contains(&c));
            // A context made only of `include =>` lines (FreePBX `[from-pstn]`)
            // is entered through the extensions it includes.
            if !is_entry {
                continue;
            }
            // Each way in is an entry of its own: a line (a DID, an internal
            // number, a pattern) that records every call to it records
            // every call of that line, whatever the other lines do.
            for (ic, e) in self.ways_in(c, false) {
                let extension = &self.plan.contexts[ic].extensions[e];
                let Some(&first) =
                    first_priority(extension).and_then(|n| self.priority_steps.get(&(ic, e, n)))
                else {
                    continue;
                };
                let dialled: Box<str> = extension.name.as_str().into();
                let span = self.graph.step(first).span;
                let step = self
                    .graph
                    .add_step(StepKind::Dispatch, span, RegionId(c as u32));
                self.graph.add_edge(step, Edge::plain(first));
                self.graph.entries.push(crate::flow::EntryPoint {
                    step,
                    region: RegionId(c as u32),
                    dialled: Some(dialled),
                });
            }
        }
    }
}

/// Applications that set no channel variable a dialplan tests (or only
/// their own status variable, forgotten below).
const KEEPS_VARIABLES: &[&str] = &[
    "answer",
    "noop",
    "wait",
    "playback",
    "background",
    "progress",
    "ringing",
    "verbose",
    "log",
    "saydigits",
    "saynumber",
    "sayalpha",
    "resetcdr",
    "nocdr",
    "goto",
    "gotoif",
    "while",
    "endwhile",
    "exitwhile",
    "continuewhile",
];

impl Constants {
    fn get(&self, variable: &str) -> Option<String> {
        self.0.get(variable).cloned()
    }

    /// What is known after `app` runs.
    fn apply(&mut self, app: &AppCall) {
        let name = app.name.to_ascii_lowercase();
        match name.as_str() {
            "set" => self.assign(&app.raw_args.text, true),
            "mset" => {
                for argument in &app.args {
                    self.assign(&argument.text, true);
                }
            }
            "execif" => {
                // Either application may run: what they set is unknown after.
                let (_, branches) = app::split_once_top_level(&app.raw_args, '?');
                let Some(branches) = branches else {
                    return;
                };
                let (yes, no) = app::split_once_top_level(&branches, ':');
                for inner in std::iter::once(yes).chain(no) {
                    match app::parse_app(inner.span.file, &inner.text, inner.span.start as usize) {
                        Some(inner) if inner.is("Set") => self.assign(&inner.raw_args.text, false),
                        Some(inner) if inner.is("MSet") => {
                            for argument in &inner.args {
                                self.assign(&argument.text, false);
                            }
                        }
                        Some(inner)
                            if KEEPS_VARIABLES
                                .contains(&inner.name.to_ascii_lowercase().as_str()) => {}
                        _ => self.0.clear(),
                    }
                }
            }
            "playback" | "background" => {
                let status = format!("{name}STATUS");
                self.0.retain(|k, _| !k.eq_ignore_ascii_case(&status));
            }
            _ if KEEPS_VARIABLES.contains(&name.as_str()) => {}
            _ => self.0.clear(),
        }
    }

    /// `NAME=value`: `_`/`__` (inheritance) are not part of the name. With
    /// `known`, a plain literal value is remembered; otherwise the variable
    /// is forgotten.
    fn assign(&mut self, argument: &str, known: bool) {
        let Some((name, value)) = argument.split_once('=') else {
            return;
        };
        let name = name.trim();
        if name.contains('(') {
            // Functions set no channel variable, except these.
            let function = name.split('(').next().unwrap_or("").trim();
            if function.eq_ignore_ascii_case("ARRAY") || function.eq_ignore_ascii_case("HASH") {
                self.0.clear();
            }
            return;
        }
        if name.contains('$') {
            self.0.clear();
            return;
        }
        let name = name.trim_start_matches('_');
        // Whether names differ in case to Asterisk is not relied on.
        self.0.retain(|k, _| !k.eq_ignore_ascii_case(name));
        // Substituted into an expression, only a plain word or number reads
        // as itself.
        let plain = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if known && plain {
            self.0.insert(name.to_string(), value.to_string());
        }
    }
}

/// Whether a priority of the extension tests a condition after one sets a
/// variable: only then can a test be decided by a constant.
fn sets_then_tests(extension: &Extension) -> bool {
    let mut set = false;
    for priority in extension.priorities.values() {
        let app = &priority.app;
        if app.is("Set") || app.is("MSet") {
            set = true;
        } else if set
            && (app.is("GotoIf") || app.is("GosubIf") || app.is("ExecIf") || app.is("While"))
        {
            return true;
        }
    }
    false
}

fn call(callee: Option<StepId>, leg: Leg, arguments: Vec<Option<String>>) -> StepKind {
    let arguments = arguments
        .into_iter()
        .map(|a| a.map(Variable::Named))
        .collect();
    StepKind::Call(Call {
        callee,
        leg,
        arguments,
    })
}

/// The variables passed to a subroutine: `label(${A},x)` or, in Dial options,
/// `label(${A}^x)`.
fn call_arguments(target: &str, separator: char) -> Vec<Option<String>> {
    let Some(open) = target.find('(') else {
        return Vec::new();
    };
    let inner = target[open + 1..]
        .strip_suffix(')')
        .unwrap_or(&target[open + 1..]);
    let split = if separator == '^' { '^' } else { ',' };
    app::top_level_positions(inner, split)
        .into_iter()
        .chain(std::iter::once(inner.len()))
        .scan(0, |start, end| {
            let part = &inner[*start..end];
            *start = end + 1;
            Some(expr::variable_reference(part))
        })
        .collect()
}

/// A menu choice: one key, or a pattern that matches exactly one key.
fn is_one_key(extension: &Extension) -> bool {
    let name = extension.number();
    match name.strip_prefix('_') {
        None => {
            name.len() == 1
                && name
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
        }
        Some(pattern) => {
            let without_class = match (pattern.find('['), pattern.find(']')) {
                (Some(open), Some(close)) if open < close => {
                    format!("{}K{}", &pattern[..open], &pattern[close + 1..])
                }
                _ => pattern.to_string(),
            };
            without_class.chars().count() == 1 && !without_class.contains(['.', '!'])
        }
    }
}

fn first_priority(extension: &Extension) -> Option<u32> {
    extension.priorities.contains_key(&1).then_some(1)
}

/// A priority as Asterisk reads a jump target: leading digits are a number
/// (`sscanf("%d")`, so `1)` is priority 1), anything else a label.
fn priority_number(extension: &Extension, priority: &str) -> Option<u32> {
    let digits = priority.len()
        - priority
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    match priority[..digits].parse::<u32>() {
        Ok(n) => extension.priorities.contains_key(&n).then_some(n),
        Err(_) => extension.labels.get(priority).copied(),
    }
}

/// `file1&file2` → both prompts; options after a comma are not prompts.
fn split_prompts(argument: &str) -> Vec<String> {
    argument
        .split('&')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the `outcome` edge of a branch on `condition` establishes: explicit
/// answers, the else/default outcome, `!=` flipping the edges.
pub fn guards_for(condition: &Condition, outcome: bool) -> Vec<Guard> {
    let mut guards = Vec::new();
    collect_guards(condition, outcome, &mut guards);
    let mut seen = HashSet::new();
    guards.retain(|g| {
        let (Guard::Answer { variable, .. } | Guard::Default { variable, .. }) = g;
        seen.insert(variable.folded())
    });
    guards
}

fn collect_guards(condition: &Condition, outcome: bool, out: &mut Vec<Guard>) {
    match condition {
        Condition::Compare {
            variable,
            op,
            value,
        } => {
            let holds = match op {
                CompareOp::Equal | CompareOp::Other => outcome,
                CompareOp::NotEqual => !outcome,
            };
            out.push(if holds {
                Guard::Answer {
                    variable: Variable::Named(variable.clone()),
                    answer: match op {
                        CompareOp::Other => AnswerMatch::AnyValue,
                        _ => AnswerMatch::Values(vec![value.clone()]),
                    },
                }
            } else {
                Guard::Default {
                    variable: Variable::Named(variable.clone()),
                    not: match op {
                        CompareOp::Other => Vec::new(),
                        _ => vec![value.clone()],
                    },
                }
            });
        }
        Condition::Truthy(variable) => out.push(if outcome {
            Guard::Answer {
                variable: Variable::Named(variable.clone()),
                answer: AnswerMatch::AnyValue,
            }
        } else {
            Guard::Default {
                variable: Variable::Named(variable.clone()),
                not: Vec::new(),
            }
        }),
        Condition::Not(inner) => collect_guards(inner, !outcome, out),
        Condition::Or(parts) => {
            if let Some((variable, values)) = same_variable_equalities(parts) {
                let variable = Variable::Named(variable);
                out.push(if outcome {
                    Guard::Answer {
                        variable,
                        answer: AnswerMatch::Values(values),
                    }
                } else {
                    Guard::Default {
                        variable,
                        not: values,
                    }
                });
            } else if !outcome {
                // Every alternative is false.
                for part in parts {
                    collect_guards(part, false, out);
                }
            }
        }
        Condition::And(parts) => {
            for part in parts {
                // Every part holds on the true edge; on the false edge a part
                // failed, read as the default outcome of each variable tested.
                collect_guards(part, outcome, out);
            }
        }
        Condition::Opaque => {}
    }
}

/// `${C} = "1" | ${C} = "yes"`: one variable against several values.
fn same_variable_equalities(parts: &[Condition]) -> Option<(String, Vec<String>)> {
    let mut variable: Option<&str> = None;
    let mut values = Vec::new();
    for part in parts {
        let Condition::Compare {
            variable: v,
            op: CompareOp::Equal,
            value,
        } = part
        else {
            return None;
        };
        if variable.is_some_and(|x| !x.eq_ignore_ascii_case(v)) {
            return None;
        }
        variable = Some(v);
        values.push(value.clone());
    }
    variable.map(|v| (v.to_string(), values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::asterisk::conf;
    use crate::source::FileId;

    fn lowered(text: &str) -> FlowGraph {
        let (plan, errors) = dialplan::build(&conf::lex(FileId(0), text).items);
        assert!(errors.is_empty());
        let (queues, features) = (HashMap::new(), Features::default());
        let settings = Settings {
            queues: &queues,
            has_queue_config: false,
            features: &features,
            entry_points: &[],
            dialplan_incomplete: false,
            queues_incomplete: false,
        };
        lower(&plan, &settings).0
    }

    #[test]
    fn an_entry_made_of_includes_is_entered_through_them() {
        let graph = lowered(
            "[from-pstn]\ninclude => from-pstn-custom\ninclude => ext-did\n[ext-did]\nexten => 4570101010,1,Dial(PJSIP/1)\n",
        );
        let entries: Vec<&str> = graph
            .entries
            .iter()
            .map(|e| graph.region(e.region).name.as_str())
            .collect();
        assert_eq!(entries, ["from-pstn"]);
        assert_eq!(graph.step(graph.entries[0].step).edges.len(), 1);
    }

    /// The number of edges of each `GotoIf`, in step order.
    fn branch_edges(graph: &FlowGraph) -> Vec<usize> {
        graph
            .steps
            .iter()
            .filter(|s| {
                s.statement
                    .as_ref()
                    .is_some_and(|st| st.application == "GotoIf")
            })
            .map(|s| s.edges.len())
            .collect()
    }

    #[test]
    fn a_literal_set_just_before_decides_the_test() {
        let graph = lowered(
            "[in]\nexten => s,1,Set(__MODE=NEVER)\n same => n,GotoIf($[\"${MODE}\" = \"NEVER\"]?skip)\n same => n,MixMonitor(x.wav)\n same => n(skip),Dial(PJSIP/1)\n",
        );
        assert_eq!(branch_edges(&graph), [1]);
    }

    #[test]
    fn what_may_change_the_value_keeps_both_ways() {
        // Another jump reaches the test; an input and a subroutine in between.
        for between in [
            "same => n(again),NoOp()",
            "same => n,Read(MODE,prompt,1)",
            "same => n,Gosub(sub,s,1)",
            "same => n,ExecIf($[1]?Set(MODE=x))",
        ] {
            let graph = lowered(&format!(
                "[in]\nexten => s,1,Set(MODE=NEVER)\n {between}\n same => n,GotoIf($[\"${{MODE}}\" = \"NEVER\"]?skip)\n same => n,Goto(again)\n same => n(skip),Dial(PJSIP/1)\n[sub]\nexten => s,1,Return()\n"
            ));
            assert_eq!(branch_edges(&graph), [2], "{between}");
        }
    }

    #[test]
    fn a_loop_decided_on_arrival_enters_its_body() {
        let graph = lowered(
            "[in]\nexten => s,1,Set(ATTEMPT=1)\n same => n,While($[${ATTEMPT} <= 3])\n same => n,Playback(notice)\n same => n,Set(ATTEMPT=$[${ATTEMPT} + 1])\n same => n,EndWhile()\n same => n,Dial(PJSIP/1)\n",
        );
        let set = &graph.steps[0];
        assert!(matches!(
            graph.step(set.edges[0].to).kind,
            StepKind::Prompt { .. }
        ));
        // The loop itself still ends.
        assert_eq!(graph.steps[1].edges.len(), 2);
    }
}
