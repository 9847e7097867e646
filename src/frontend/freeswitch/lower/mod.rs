//! Lowering FreeSWITCH XML dialplans to the call-flow graph.
//!
//! A call entering a context is routed by *hunting*: extensions are tried in
//! order, each condition is a branch (its actions on one edge, anti-actions on
//! the other), `break` decides whether the extension goes on, `continue="true"`
//! keeps hunting after a match. Collected actions run in the order they were
//! collected, so they are placed where they are written; but a condition is
//! evaluated while hunting, before any (non-inline) action of the same hunt
//! has run, so it cannot see a variable such an action sets. Calls from
//! outside enter by each extension of an entry context: a hunt for the
//! extension's literal number, or for a number no extension names.
//!
//! Here `<action application="record_session" .../>` becomes a
//! [`StepKind::RecordingStart`], `play_and_get_digits` an input, a
//! `condition field="${consent}"` a guarded branch, `transfer` a jump to
//! another context's hunt, `execute_extension` a call that returns.

mod actions;
mod destinations;
mod hunting;
mod plan;
mod seen;

use std::collections::BTreeMap;
use crate::hash::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::flow::{
    Capture, Edge, EntryPoint, FlowGraph, RecordingStart, RegionId, StepId, StepKind,
    Wait,
};
use crate::frontend::freeswitch::parse::{Condition, IvrMenu};
use crate::frontend::{LoadContext, Lowered};
use crate::parallel;
use crate::parse::Unresolved;
use crate::source::{FileId, Span};
use destinations::DestinationIndex;
use hunting::{Destination, Hunt, Pending, WayIn};
use plan::{Parsed, PlanBuilder, PlanContext, read_file, store};
use seen::Walk;

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "freeswitch";

/// Directory names below a FreeSWITCH configuration root.
const CONF_SUBDIRS: &[&str] = &[
    "dialplan",
    "autoload_configs",
    "sip_profiles",
    "ivr_menus",
    "directory",
];

/// Loads FreeSWITCH files: one graph per configuration tree.
pub fn load(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    let mut parsed: BTreeMap<PathBuf, Parsed> = BTreeMap::new();
    // The files named are read independently, in parallel; what they
    // include is read later, one by one.
    let (sources, fs) = (&*cx.sources, cx.fs);
    let read = parallel::map(files.to_vec(), cx.jobs, |id| {
        let path = fs.canonical(&sources.get(id).path);
        (id, path, read_file(id, sources))
    });
    for (id, path, (read, problems)) in read {
        store(id, path, read, problems, cx, &mut parsed, &mut lowered);
    }
    let mut groups: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in parsed.keys() {
        groups.entry(group_of(path)).or_default().push(path.clone());
    }
    // Each tree's plan (its includes spliced) in turn, then the trees are
    // lowered in parallel.
    let mut plans = Vec::new();
    for members in groups.values() {
        let mut builder = PlanBuilder {
            cx,
            parsed: &mut parsed,
            lowered: &mut lowered,
            included: HashSet::default(),
            contexts: Vec::new(),
        };
        let alone = builder.build(members);
        let PlanBuilder { contexts, .. } = builder;
        let settings = TreeSettings {
            queues: members
                .iter()
                .flat_map(|m| parsed[m].fs.queues.iter())
                .filter_map(|q| q.record_template.map(|t| (q.name.clone(), t)))
                .collect(),
            sofia: members
                .iter()
                .flat_map(|m| parsed[m].fs.profiles.iter())
                .filter_map(|p| p.record_template.map(|t| (p.name.clone(), t)))
                .collect(),
            menus: members
                .iter()
                .flat_map(|m| parsed[m].fs.menus.iter())
                .map(|menu| (menu.name.clone(), menu.clone()))
                .collect(),
        };
        if contexts.is_empty() && alone.is_empty() && !settings.sofia.is_empty() {
            lowered.graphs.push(sofia_only(&settings.sofia));
            continue;
        }
        if !contexts.is_empty() {
            plans.push((contexts, settings.clone()));
        }
        plans.extend(alone.into_iter().map(|unit| (vec![unit], settings.clone())));
    }
    let (entry_points, statements) = (cx.entry_points, cx.statements);
    let graphs = parallel::map(plans, cx.jobs, |(contexts, settings)| {
        Lowerer::lower(contexts, &settings, entry_points, statements)
    });
    for (graph, unresolved) in graphs {
        cx.problems.unresolved.extend(unresolved);
        lowered.graphs.push(graph);
    }
    lowered
}

/// What a configuration tree sets outside its dialplan that records calls.
#[derive(Clone)]
struct TreeSettings {
    /// mod_callcenter queue name → its `record-template`.
    queues: HashMap<String, Span>,
    /// sofia profile name → its `record-template`.
    sofia: Vec<(String, Span)>,
    /// IVR menus by name.
    menus: HashMap<String, IvrMenu>,
}

/// Adds the recording a sofia profile's `record-template` offers on every
/// call through it: a phone starts it with SIP INFO `Record: on`, at any
/// time of the call, and stops it with `Record: off`.
fn add_sofia_recording(
    graph: &mut FlowGraph,
    profile: &str,
    template: Span,
    region: RegionId,
) -> StepId {
    let recording = StepKind::recording(RecordingStart {
        related: vec![(
            template,
            format!(
                "phones on sofia profile `{profile}` can record any call with SIP INFO `Record: on`"
            ),
        )],
        ..RecordingStart::new(
            format!("sofia profile `{profile}` record-template"),
            Capture::OnDemand,
        )
    });
    let step = graph.add_step(recording, template, region);
    graph.steps[step.index()].label = Some("record-template (SIP INFO `Record: on`)".into());
    step
}

/// A tree with sofia profiles that record and no dialplan to say how calls
/// reach them: one call through each profile, straight to the other party.
fn sofia_only(profiles: &[(String, Span)]) -> FlowGraph {
    let mut graph = FlowGraph::of_format(FORMAT);
    for (profile, template) in profiles {
        let region = graph.add_region(format!("sofia profile {profile}"), *template);
        let start = add_sofia_recording(&mut graph, profile, *template, region);
        let connected = graph.add_step(
            StepKind::Connection {
                target: "the other party".into(),
                waits: Wait::Nothing,
            },
            *template,
            region,
        );
        graph.add_edge(start, Edge::plain(connected));
        graph.entries.push(EntryPoint {
            step: start,
            region,
            dialled: None,
        });
    }
    graph
}

/// Files of one configuration tree: the directory above `dialplan/`,
/// `autoload_configs/`, ... or else the file's own directory.
pub(crate) fn group_of(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new(""));
    for ancestor in dir.ancestors() {
        if ancestor
            .file_name()
            .is_some_and(|n| CONF_SUBDIRS.iter().any(|d| n.eq_ignore_ascii_case(d)))
        {
            return ancestor.parent().unwrap_or(ancestor).to_path_buf();
        }
    }
    dir.to_path_buf()
}

struct Lowerer<'a> {
    graph: FlowGraph,
    contexts: Vec<PlanContext>,
    index: HashMap<String, usize>,
    settings: &'a TreeSettings,
    /// The IVR menus made for the `ivr` action being lowered, by name.
    menus_made: Option<HashMap<String, StepId>>,
    /// Per sofia profile that records (as in `settings.sofia`): its region.
    sofia_regions: Vec<RegionId>,
    /// The first step of each hunt made so far, and the hunts still to lower.
    hunts: HashMap<Hunt, StepId>,
    pending_hunts: Vec<Pending>,
    /// A probe is being walked: actions and conditions make no steps.
    probing: bool,
    /// Literal destinations of hunts (transfers, dialled numbers), and
    /// their indexes.
    destinations: Vec<String>,
    destination_ids: HashMap<String, u32>,
    ends: Vec<StepId>,
    referenced: HashSet<usize>,
    unresolved: Vec<Unresolved>,
    /// What the hunt being lowered has seen before each condition and action.
    walk: Walk,
    /// Condition expressions read once, as each hunt tests them again.
    regexes: HashMap<String, Arc<hunting::Matcher>>,
    /// Whether a hunt decides a `destination_number` condition (by the
    /// condition's span and the hunt's destination), worked out once.
    decisions: HashMap<(Span, Destination), Option<bool>>,
    /// Per context, made on first use: which extensions a hunt for a known
    /// destination must look at.
    destination_index: HashMap<usize, DestinationIndex>,
}

impl<'a> Lowerer<'a> {
    fn lower(
        contexts: Vec<PlanContext>,
        settings: &'a TreeSettings,
        entry_points: &[String],
        statements: bool,
    ) -> (FlowGraph, Vec<Unresolved>) {
        let mut l = Lowerer {
            graph: FlowGraph::of_format(FORMAT).keeping_statements(statements),
            index: contexts
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), i))
                .collect(),
            contexts,
            settings,
            sofia_regions: Vec::new(),
            menus_made: None,
            hunts: HashMap::default(),
            pending_hunts: Vec::new(),
            probing: false,
            destinations: Vec::new(),
            destination_ids: HashMap::default(),
            ends: Vec::new(),
            referenced: HashSet::default(),
            unresolved: Vec::new(),
            walk: Walk::default(),
            regexes: HashMap::default(),
            decisions: HashMap::default(),
            destination_index: HashMap::default(),
        };
        // Each hunt lowers the actions of the extensions it visits again: on
        // the 2,000-file benchmark tree a graph makes 1.0 to 2.2 steps per
        // condition and action (1.26 in the middle, 1.66 for nine graphs in
        // ten). Room for most of them at once spares copying a large step
        // list as it grows, and keeping the room it did not use.
        let items: usize = l
            .contexts
            .iter()
            .flat_map(|c| c.extensions.iter())
            .flat_map(|e| e.conditions.iter())
            .map(Condition::size)
            .sum();
        l.graph
            .steps
            .reserve(items * 7 / 4 + 2 * l.contexts.len());
        for (i, context) in l.contexts.iter().enumerate() {
            let region = l.graph.add_region(context.name.clone(), context.span);
            debug_assert_eq!(region, RegionId(i as u32));
        }
        for (profile, template) in &settings.sofia {
            let region = l
                .graph
                .add_region(format!("sofia profile {profile}"), *template);
            l.sofia_regions.push(region);
        }
        for i in 0..l.contexts.len() {
            // The end of the collected actions: the call ends, or an
            // `execute_extension` returns to its caller.
            let end = l
                .graph
                .add_step(StepKind::Return, l.contexts[i].span, RegionId(i as u32));
            l.ends.push(end);
        }
        // Hunts for any number first: they find which contexts a transfer
        // reaches, and so which are entries. Only a context that calls from
        // outside enter by one hunt for any number (see `ways_in`) can take
        // that hunt; the others' are probed, which makes no steps (they were
        // nearly half of the steps of a graph, and no call took them).
        let mut ways_in: Vec<Vec<WayIn>> = (0..l.contexts.len()).map(|i| l.ways_in(i)).collect();
        for (i, ways) in ways_in.iter().enumerate() {
            if *ways == [WayIn::Any] {
                l.hunt(i, None);
            } else {
                l.pending_hunts.push(Pending::Probe(i));
            }
        }
        l.lower_pending();
        let configured: HashSet<&str> = entry_points.iter().map(String::as_str).collect();
        let entry_contexts: Vec<usize> = (0..l.contexts.len())
            .filter(|&i| {
                let name = l.contexts[i].name.as_str();
                name == "public" || configured.contains(name) || !l.referenced.contains(&i)
            })
            .collect();
        for i in entry_contexts {
            let mut steps: Vec<(StepId, Option<Box<str>>)> = Vec::new();
            for way_in in std::mem::take(&mut ways_in[i]) {
                let (step, dialled) = match way_in {
                    WayIn::Number(number) => {
                        (l.hunt(i, Some(&number)), Some(number.into_boxed_str()))
                    }
                    WayIn::Unlisted => (l.hunt_for(i, Destination::Unlisted), None),
                    WayIn::Any => (l.hunt_for(i, Destination::Dialled), None),
                };
                if !steps.iter().any(|(s, _)| *s == step) {
                    steps.push((step, dialled));
                }
            }
            l.lower_pending();
            for (step, dialled) in steps {
                l.graph.entries.push(EntryPoint {
                    step,
                    region: RegionId(i as u32),
                    dialled,
                });
            }
        }
        // The hunts of contexts that turned out not to be entries, and
        // what only they lead to, are steps no call takes.
        l.graph.retain_reachable();
        l.graph.shrink_to_fit();
        (l.graph, l.unresolved)
    }

    fn region(&self, context: usize) -> RegionId {
        RegionId(context as u32)
    }

    fn step(&mut self, kind: StepKind, span: Span, context: usize) -> StepId {
        let region = self.region(context);
        self.graph.add_step(kind, span, region)
    }

    fn link(&mut self, from: StepId, to: Option<StepId>) {
        if let Some(to) = to {
            self.graph.add_edge(from, Edge::plain(to));
        }
    }
}
