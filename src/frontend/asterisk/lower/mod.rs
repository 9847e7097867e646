//! Lowering an Asterisk dialplan to the call-flow graph: here a priority such
//! as `same => n,MixMonitor(${UNIQUEID}.wav,b)` becomes a
//! [`StepKind::RecordingStart`], a `GotoIf` a guarded branch, a `Dial` with
//! `U()` a subroutine call followed by a connection.

mod apps;
mod constants;
mod dial;
mod guards;
mod moves;
mod recording;
mod targets;

use crate::hash::{HashMap, HashSet};

use crate::flow::{Edge, FlowGraph, RegionId, StepId, StepKind};
use crate::hash::{FastHashMap, FastHashSet};
use crate::frontend::asterisk::parse::dialplan::{self, Dialplan, Extension};
use crate::frontend::asterisk::parse::{AsteriskFile, ael, settings};
use crate::frontend::{LoadContext, Lowered};
use crate::parallel;
use crate::parse::Unresolved;
use crate::source::{SourceMap, Span};
use settings::{Features, QueueRecording};

pub use guards::guards_for;

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "asterisk";

/// Loads the given Asterisk files with everything they include, groups them
/// into PBXs and lowers each PBX's dialplan to one graph.
pub fn load(files: &[AsteriskFile], cx: &mut LoadContext) -> Lowered {
    let (pbxs, comments) =
        super::parse::load(files, cx.fs, cx.roots, cx.cwd, cx.sources, cx.problems, cx.jobs);
    let (entry_points, statements) = (cx.entry_points, cx.statements);
    let sources: &SourceMap = cx.sources;
    // PBXs are independent once their files are read: one per thread, the
    // results in PBX order.
    let lowered = parallel::map(pbxs.iter().collect(), cx.jobs, |pbx| {
        let sections = settings::Sections::build;
        let (mut plan, mut errors) = dialplan::build(&pbx.dialplan);
        errors.extend(ael::compile::compile(&pbx.ael, &mut plan));
        let queues = settings::queues(&sections(&pbx.queues));
        let features = settings::features(&sections(&pbx.features));
        let bridges = settings::recording_bridges(&sections(&pbx.confbridge));
        let (graph, unresolved) = lower(
            &plan,
            &Settings {
                queues: &queues,
                has_queue_config: !pbx.queues.is_empty(),
                features: &features,
                recording_bridges: &bridges,
                entry_points,
                dialplan_incomplete: pbx.dialplan_incomplete,
                queues_incomplete: pbx.queues_incomplete,
                sources: Some(sources),
                statements,
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
    /// ConfBridge bridge profiles with `record_conference=yes`, by name.
    pub recording_bridges: &'a HashMap<String, Span>,
    /// Contexts configured as entry points in `[recognize] entry-points`.
    pub entry_points: &'a [String],
    /// An `#include` of the dialplan could not be read: a context or
    /// extension the scanned files lack may be defined there, so a reference
    /// to one is not reported (the missing file is, once).
    pub dialplan_incomplete: bool,
    /// The same for queues.conf and an unknown queue.
    pub queues_incomplete: bool,
    /// The files' texts, for the edits of fixes (none in unit tests of the
    /// lowering).
    pub sources: Option<&'a SourceMap>,
    /// Steps keep their statements ([`LoadContext::statements`]).
    pub statements: bool,
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
    reported: FastHashSet<Span>,
    /// The step each priority starts with.
    priority_steps: FastHashMap<(usize, usize, u32), StepId>,
    /// One dispatch step per context, made when first needed.
    dispatch: FastHashMap<usize, StepId>,
    /// Contexts reached from another context.
    referenced: FastHashSet<usize>,
    /// Contexts entered as subroutines, or that return.
    subroutines: FastHashSet<usize>,
    /// `While` ↔ `EndWhile` pairs per extension: priority → partner priority.
    loops: FastHashMap<(usize, usize), LoopPairs>,
    /// Undefined contexts already reported as included.
    missing_includes: HashSet<String>,
    /// Files that a `MixMonitor` without the append option records to.
    recorded_files: HashSet<String>,
    /// `MixMonitor(file,a)` steps: appending to a file.
    appends: Vec<(StepId, String)>,
    /// The steps each priority made (its own first), for following
    /// constants along an extension.
    owned: FastHashMap<(usize, usize, u32), Owned>,
    /// Tests (`GotoIf`, `GosubIf`, `ExecIf`, `While`): the condition and,
    /// per edge of the step, the outcome it stands for.
    tests: FastHashMap<StepId, Test>,
    /// Steps a call enters without an edge (hangup handlers).
    entered: Vec<StepId>,
}

struct Test {
    condition: String,
    outcomes: Vec<bool>,
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
        graph: FlowGraph::of_format(FORMAT).keeping_statements(settings.statements),
        unresolved: Vec::new(),
        reported: FastHashSet::default(),
        priority_steps: FastHashMap::default(),
        dispatch: FastHashMap::default(),
        referenced: FastHashSet::default(),
        subroutines: FastHashSet::default(),
        loops: FastHashMap::default(),
        missing_includes: HashSet::default(),
        recorded_files: HashSet::default(),
        appends: Vec::new(),
        owned: FastHashMap::default(),
        tests: FastHashMap::default(),
        entered: Vec::new(),
    };
    for context in &plan.contexts {
        l.graph.add_region(context.name.clone(), context.header);
    }
    // Pass 1: a step per priority, so that jumps can point anywhere.
    let priorities = plan
        .contexts
        .iter()
        .flat_map(|c| &c.extensions)
        .map(|e| e.priorities.len())
        .sum();
    // Each priority is a step; dispatches, dial outcomes and the like add
    // about a tenth more (1.09-1.15 times the priorities on the benchmark
    // trees). Room for a quarter more spares doubling the vector near the
    // end, which copied every step.
    l.graph.steps.reserve(priorities + priorities / 4);
    l.priority_steps.reserve(priorities);
    l.owned.reserve(priorities);
    for (c, context) in plan.contexts.iter().enumerate() {
        for (e, extension) in context.extensions.iter().enumerate() {
            for (&number, priority) in &extension.priorities {
                let app = &priority.app;
                let id = l
                    .graph
                    .add_step(StepKind::Other, app.span, RegionId(c as u32));
                l.graph
                    .set_statement(id, &app.name, &app.raw_args.text);
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
    if let Some(sources) = settings.sources {
        l.collect_moves(sources);
    }
    l.graph.shrink_to_fit();
    (l.graph, l.unresolved)
}

/// An include hook FreePBX and Issabel generate in every context for the
/// administrator to define, or not (`include => from-internal-custom`).
fn is_optional_hook(context: &str) -> bool {
    context.ends_with("-custom")
}

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

    fn add_test(&mut self, step: StepId, condition: &str, outcomes: Vec<bool>) {
        self.tests.insert(
            step,
            Test {
                condition: condition.to_string(),
                outcomes,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::asterisk::parse::conf;
    use crate::source::FileId;

    pub(super) fn lowered(text: &str) -> FlowGraph {
        let (plan, errors) = dialplan::build(&conf::lex(FileId(0), &text.into()).items);
        assert!(errors.is_empty());
        lowered_plan(&plan)
    }

    fn lowered_ael(text: &str) -> FlowGraph {
        let mut plan = Dialplan::default();
        let errors = ael::compile::compile(&[ael::tests::read(text)], &mut plan);
        assert!(errors.is_empty());
        lowered_plan(&plan)
    }

    fn lowered_plan(plan: &Dialplan) -> FlowGraph {
        let (queues, features, bridges) =
            (HashMap::default(), Features::default(), HashMap::default());
        let settings = Settings {
            queues: &queues,
            has_queue_config: false,
            features: &features,
            recording_bridges: &bridges,
            entry_points: &[],
            dialplan_incomplete: false,
            queues_incomplete: false,
            sources: None,
            statements: true,
        };
        lower(plan, &settings).0
    }

    #[test]
    fn an_ael_switch_chooses_its_case_by_the_value() {
        let graph = lowered_ael(
            "context in { s => { Read(OK,agree,1); switch (${OK}) { case 1: MixMonitor(x.wav); break; case 2: NoOp(no); }; Dial(PJSIP/1); }; };",
        );
        // The cases and the macro-free switch are no ways in: one entry, `s`.
        assert_eq!(graph.entries.len(), 1);
        let choice = graph
            .steps
            .iter()
            .find(|s| s.statement.as_ref().is_some_and(|st| st.arguments() == "sw_1_${OK},10"))
            .expect("the switch's Goto");
        assert!(matches!(choice.kind, StepKind::Branch));
        let guards: Vec<String> = choice
            .edges
            .iter()
            .map(|e| format!("{:?}", e.guards))
            .collect();
        assert_eq!(guards.len(), 4, "{guards:?}");
        assert!(guards[0].contains("Values([\"1\"])"), "{guards:?}");
        // The empty value and the catch-all are the default outcome.
        for default in &guards[2..] {
            assert!(default.contains("Default") && default.contains("not: [\"1\", \"2\"]"), "{guards:?}");
        }
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
}
