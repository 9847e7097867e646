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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{LoadContext, Lowered};
use crate::flow::{
    AnswerMatch, BeforeAnswer, Call, Capture, Edge, EntryPoint, FlowGraph, Guard, Leg,
    RecordingStart, RegionId, StepId, StepKind, Variable,
};
use crate::glob::{Glob, GlobKind};
use crate::parallel;
use crate::parse::freeswitch::{self, Action, Break, Condition, Extension, FsFile, Item, Part};
use crate::parse::{Comment, ParseError, Problems, Unresolved, xml};
use crate::source::{FileId, SourceFile, SourceMap, Span, canonical, display_path, read_text};

/// The format name of the graphs made here (see [`crate::flow::FORMAT_NAMES`]).
pub const FORMAT: &str = "freeswitch";

/// How many extension visits the hunts for an entry context's literal
/// numbers may add (literal numbers × extensions every such hunt evaluates)
/// before the context is entered by one hunt for any number instead: this
/// keeps the lowering linear on dialplans with thousands of numbers and
/// many pattern extensions.
const ENTRY_WORK: usize = 1 << 18;

/// Variables whose setting makes `record_session` wait for the answer: on a
/// channel answered already, it records at once.
const CAPTURE_FROM_ANSWER: &[&str] = &["record_answer_req", "media_bug_answer_req"];

/// Directory names below a FreeSWITCH configuration root.
const CONF_SUBDIRS: &[&str] = &[
    "dialplan",
    "autoload_configs",
    "sip_profiles",
    "ivr_menus",
    "directory",
];

struct Parsed {
    id: FileId,
    fs: FsFile,
}

/// Loads FreeSWITCH files: one graph per configuration tree.
pub fn load(files: &[FileId], cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    let mut parsed: BTreeMap<PathBuf, Parsed> = BTreeMap::new();
    // The files named are read independently, in parallel; what they
    // include is read later, one by one.
    let sources = &*cx.sources;
    let read = parallel::map(files.to_vec(), cx.jobs, |id| {
        let path = canonical(&sources.get(id).path);
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
            included: HashSet::new(),
            contexts: Vec::new(),
        };
        let alone = builder.build(members);
        let PlanBuilder { contexts, .. } = builder;
        let queues: HashMap<String, Span> = members
            .iter()
            .flat_map(|m| parsed[m].fs.queues.iter())
            .filter_map(|q| q.record_template.map(|t| (q.name.clone(), t)))
            .collect();
        if !contexts.is_empty() {
            plans.push((contexts, queues.clone()));
        }
        plans.extend(alone.into_iter().map(|unit| (vec![unit], queues.clone())));
    }
    let entry_points = &cx.config.recognize.entry_points;
    let graphs = parallel::map(plans, cx.jobs, |(contexts, queues)| {
        Lowerer::lower(contexts, &queues, entry_points)
    });
    for (graph, unresolved) in graphs {
        cx.problems.unresolved.extend(unresolved);
        lowered.graphs.push(graph);
    }
    lowered
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

/// A file read: its comments and content, or why it cannot be read; and
/// what reading it found wrong.
type FileRead = (Result<(Vec<Comment>, FsFile), ParseError>, Problems);

fn read_file(id: FileId, sources: &SourceMap) -> FileRead {
    let source = sources.get(id);
    let mut problems = Problems::default();
    let read = xml::read(id, source, true, |document, at| {
        (
            at.comments(document, source),
            freeswitch::read(at, document, &mut problems),
        )
    });
    (read, problems)
}

/// Keeps a file read; the first of two names for one file wins.
fn store(
    id: FileId,
    path: PathBuf,
    read: Result<(Vec<Comment>, FsFile), ParseError>,
    problems: Problems,
    cx: &mut LoadContext,
    parsed: &mut BTreeMap<PathBuf, Parsed>,
    lowered: &mut Lowered,
) {
    if parsed.contains_key(&path) {
        return;
    }
    cx.problems.extend(problems);
    let fs = match read {
        Ok((comments, fs)) => {
            lowered.comments.insert(id, comments);
            fs
        }
        Err(error) => {
            cx.problems.parse_errors.push(error);
            FsFile::default()
        }
    };
    parsed.insert(path, Parsed { id, fs });
}

fn parse_into(
    id: FileId,
    path: PathBuf,
    cx: &mut LoadContext,
    parsed: &mut BTreeMap<PathBuf, Parsed>,
    lowered: &mut Lowered,
) {
    if parsed.contains_key(&path) {
        return;
    }
    let (read, problems) = read_file(id, cx.sources);
    store(id, path, read, problems, cx, parsed, lowered);
}

/// A context after includes are spliced and same-named contexts merged.
struct PlanContext {
    name: String,
    span: Span,
    /// Shared: every hunt of the context walks them.
    extensions: Arc<Vec<Extension>>,
}

struct PlanBuilder<'a, 'b> {
    cx: &'a mut LoadContext<'b>,
    parsed: &'a mut BTreeMap<PathBuf, Parsed>,
    lowered: &'a mut Lowered,
    included: HashSet<PathBuf>,
    contexts: Vec<PlanContext>,
}

impl PlanBuilder<'_, '_> {
    /// Builds the contexts of a tree's files into `self.contexts`, and
    /// returns the extension files that no scanned file includes, each a
    /// context of its own to be lowered apart.
    fn build(&mut self, members: &[PathBuf]) -> Vec<PlanContext> {
        let mut loose_files: Vec<PathBuf> = Vec::new();
        for path in members {
            let (contexts, loose) = {
                let file = &self.parsed[path];
                (file.fs.contexts.clone(), file.fs.loose.clone())
            };
            for context in contexts {
                let mut stack = vec![path.clone()];
                let mut extensions = Vec::new();
                self.expand(&context.parts, path, &mut stack, &mut extensions);
                self.add_context(context.name, context.span, extensions);
            }
            // Top-level includes pull whole files (with their contexts) in.
            for part in &loose {
                if let Part::Include { pattern, span } = part {
                    for target in self.resolve(path, pattern, *span) {
                        self.included.insert(target);
                    }
                }
            }
            if loose.iter().any(|p| matches!(p, Part::Extension(_))) {
                loose_files.push(path.clone());
            }
        }
        // Extension files nobody includes: FreeSWITCH convention is
        // `dialplan/<context>/*.xml`, so the directory names the context. But
        // which other extensions share it is decided by the file that is not
        // scanned, so each such file is a unit of its own: files that share
        // a folder (a collection of samples, tenants, repositories) are not
        // hunted as one dialplan.
        let mut alone = Vec::new();
        for path in loose_files {
            if self.included.contains(&path) {
                continue;
            }
            let loose = self.parsed[&path].fs.loose.clone();
            let mut stack = vec![path.clone()];
            let mut extensions = Vec::new();
            self.expand(&loose, &path, &mut stack, &mut extensions);
            let name = path
                .parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "default".into());
            let span = extensions
                .first()
                .map(|e| e.span)
                .unwrap_or_else(|| Span::new(self.parsed[&path].id, 0, 0));
            alone.push(PlanContext {
                name,
                span,
                extensions: Arc::new(extensions),
            });
        }
        alone
    }

    fn add_context(&mut self, name: String, span: Span, extensions: Vec<Extension>) {
        match self.contexts.iter_mut().find(|c| c.name == name) {
            Some(existing) => Arc::make_mut(&mut existing.extensions).extend(extensions),
            None => self.contexts.push(PlanContext {
                name,
                span,
                extensions: Arc::new(extensions),
            }),
        }
    }

    /// Splices included files' extensions in place of their include.
    fn expand(
        &mut self,
        parts: &[Part],
        from: &Path,
        stack: &mut Vec<PathBuf>,
        out: &mut Vec<Extension>,
    ) {
        for part in parts {
            match part {
                Part::Extension(extension) => out.push(extension.clone()),
                Part::Include { pattern, span } => {
                    for target in self.resolve(from, pattern, *span) {
                        if stack.contains(&target) {
                            self.cx.problems.parse_errors.push(ParseError::new(
                                *span,
                                format!(
                                    "include cycle: `{pattern}` leads back to a file being read"
                                ),
                                "this include is skipped",
                            ));
                            continue;
                        }
                        self.included.insert(target.clone());
                        let (contexts, loose) = {
                            let file = &self.parsed[&target];
                            (file.fs.contexts.clone(), file.fs.loose.clone())
                        };
                        stack.push(target.clone());
                        self.expand(&loose, &target, stack, out);
                        for context in contexts {
                            self.expand(&context.parts, &target, stack, out);
                        }
                        stack.pop();
                    }
                }
            }
        }
    }

    /// The files an include names (relative to the including file, globs
    /// allowed), read and parsed; targets outside the scanned roots are
    /// reported and not read.
    fn resolve(&mut self, from: &Path, pattern: &str, span: Span) -> Vec<PathBuf> {
        if pattern.contains('$') {
            // `$${conf_dir}/...`: depends on variables set elsewhere.
            return Vec::new();
        }
        let dir = from.parent().unwrap_or(Path::new("."));
        let joined = if Path::new(pattern).is_absolute() {
            PathBuf::from(pattern)
        } else {
            dir.join(pattern)
        };
        let candidates: Vec<PathBuf> = if pattern.contains(['*', '?', '[']) {
            glob_files(&joined)
        } else if joined.is_file() {
            vec![joined.clone()]
        } else {
            self.cx.problems.unresolved.push(Unresolved::new(
                span,
                format!("included file `{pattern}` not found"),
                format!("looked for {}", joined.display()),
            ));
            Vec::new()
        };
        let roots: Vec<PathBuf> = self.cx.roots.iter().map(|r| canonical(r)).collect();
        let mut out = Vec::new();
        for candidate in candidates {
            let target = canonical(&candidate);
            if !roots.iter().any(|r| target.starts_with(r)) {
                self.cx.problems.unresolved.push(Unresolved::new(
                    span,
                    format!(
                        "included file `{pattern}` is outside the scanned paths and was not read"
                    ),
                    "name its directory on the command line to analyse it",
                ));
                continue;
            }
            if !self.parsed.contains_key(&target) {
                match read_text(&target) {
                    Ok(text) => {
                        let display = display_path(&target, self.cx.cwd);
                        let id =
                            self.cx
                                .sources
                                .add(SourceFile::new(target.clone(), display, text));
                        parse_into(id, target.clone(), self.cx, self.parsed, self.lowered);
                    }
                    Err(reason) => {
                        self.cx.problems.parse_errors.push(ParseError::new(
                            span,
                            format!("cannot read included file `{}`", target.display()),
                            reason,
                        ));
                        continue;
                    }
                }
            }
            out.push(target);
        }
        out
    }
}

fn glob_files(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let Ok(glob) = Glob::new(&name.to_string_lossy(), GlobKind::Path) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .filter(|e| glob.matches(&e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// What precedes a condition or action in the hunt, for the hunt-time rule
/// and for `record_session`'s capture mode.
#[derive(Default, Clone)]
struct Seen {
    /// Variables set by actions that run only after the hunt (lower-case).
    pending: HashSet<String>,
    /// `RECORD_BRIDGE_REQ` set so far.
    waits_for_bridge: bool,
    /// `RECORD_ANSWER_REQ`/`media_bug_answer_req` set so far.
    waits_for_answer: bool,
    /// An `answer` ran before.
    answered: bool,
}

impl Seen {
    /// Whether a `record_session` here records only the connected call.
    fn captures_later(&self) -> bool {
        self.waits_for_bridge || (self.waits_for_answer && !self.answered)
    }
}

/// One way of hunting a context: for a call arriving from outside (its
/// destination is some dialled number) or for a `transfer` to a known
/// destination, against which `destination_number` conditions are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Hunt {
    context: usize,
    destination: Destination,
}

/// What a hunt's `destination_number` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Destination {
    /// A call from outside: some dialled number (digits).
    Dialled,
    /// A call from outside for a number that no extension of the context
    /// names literally (those numbers have hunts of their own).
    Unlisted,
    /// A `transfer` to a computed destination (`department-${dept}`): any
    /// text, so no `destination_number` condition is decided.
    Computed,
    /// A `transfer` to this literal (an index into `Lowerer::destinations`).
    Literal(u32),
}

/// How a call from outside enters a context.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum WayIn {
    /// Dialling this number.
    Number(String),
    /// Dialling a number that no extension names literally.
    Unlisted,
    /// Dialling any number.
    Any,
}

struct Lowerer<'a> {
    graph: FlowGraph,
    contexts: Vec<PlanContext>,
    index: HashMap<String, usize>,
    queues: &'a HashMap<String, Span>,
    /// The first step of each hunt made so far, and the hunts still to lower.
    hunts: HashMap<Hunt, StepId>,
    pending_hunts: Vec<Hunt>,
    /// Literal destinations of hunts (transfers, dialled numbers), and
    /// their indexes.
    destinations: Vec<String>,
    destination_ids: HashMap<String, u32>,
    ends: Vec<StepId>,
    referenced: HashSet<usize>,
    unresolved: Vec<Unresolved>,
    /// Per condition and action (by span start): what the hunt has seen before it.
    seen: HashMap<(FileId, u32), Seen>,
    /// Condition expressions compiled once (`None`: not a valid regex), as
    /// each hunt tests them again.
    regexes: HashMap<String, Option<regex::Regex>>,
    /// Per context, made on first use: which extensions a hunt for a known
    /// destination must look at.
    destination_index: HashMap<usize, DestinationIndex>,
}

/// The extensions of a context by the destinations they can match, so that
/// a hunt for a transfer's destination visits the extensions that may match
/// it instead of all of them (thousands of `^(1234)$` extensions would
/// otherwise make the transfers of a context quadratic).
struct DestinationIndex {
    /// Extensions that match only these literal destinations, and do
    /// nothing for any other (no anti-actions on that condition).
    by_literal: HashMap<String, Vec<u32>>,
    /// Every other extension, in order: each hunt evaluates them.
    others: Vec<u32>,
}

impl DestinationIndex {
    fn of(extensions: &[Extension]) -> DestinationIndex {
        let mut index = DestinationIndex {
            by_literal: HashMap::new(),
            others: Vec::new(),
        };
        for (i, extension) in extensions.iter().enumerate() {
            match only_destinations(extension) {
                Some(literals) => {
                    for literal in literals {
                        index.by_literal.entry(literal).or_default().push(i as u32);
                    }
                }
                None => index.others.push(i as u32),
            }
        }
        index
    }

    /// The extensions a hunt for `destination` looks at, in hunt order.
    fn candidates(&self, destination: &str) -> Vec<u32> {
        let mut candidates = self.others.clone();
        if let Some(literal) = self.by_literal.get(destination) {
            candidates.extend(literal);
            candidates.sort_unstable();
            candidates.dedup();
        }
        candidates
    }
}

/// The destinations an extension can match, when its first condition tests
/// `destination_number` against a fixed set of strings (`^(1234)$`,
/// `^(\+45)?(70200001)$`, `^(100|101)$`) and ends the extension otherwise.
fn only_destinations(extension: &Extension) -> Option<Vec<String>> {
    let first = extension.conditions.first()?;
    let field = first.field.as_deref()?;
    if field != "destination_number"
        || !first.tests
        || !first.otherwise.is_empty()
        || !matches!(first.break_on, Break::OnFalse | Break::Always)
    {
        return None;
    }
    let expression = first.expression.as_deref()?;
    let body = expression.strip_prefix('^')?.strip_suffix('$')?;
    literal_strings(body)
}

/// The numbers that reach an extension from outside when its
/// `destination_number` condition (the first one it has) is a literal,
/// anchored or not (`^4570101010$`, `^(\+45)?(70200001)$`); `None` when it
/// has none or the expression is a pattern.
fn dialled_numbers(extension: &Extension) -> Option<Vec<String>> {
    let condition = extension.conditions.iter().find(|c| {
        c.field.as_deref().is_some_and(|f| {
            f.strip_prefix("${")
                .and_then(|f| f.strip_suffix('}'))
                .unwrap_or(f)
                == "destination_number"
        })
    })?;
    literal_destinations(condition.expression.as_deref()?, false)
}

/// The strings a `destination_number` expression matches when it is a
/// literal (`^1000$`, `^(\+45)?(70200001)$`); unanchored (`1000`), it also
/// matches longer text, so `anchored` asks for `^...$`.
fn literal_destinations(expression: &str, anchored: bool) -> Option<Vec<String>> {
    let (start, end) = (expression.strip_prefix('^'), expression.strip_suffix('$'));
    if anchored && (start.is_none() || end.is_none()) {
        return None;
    }
    let body = start.unwrap_or(expression);
    let body = body.strip_suffix('$').unwrap_or(body);
    literal_strings(body).filter(|strings| strings.iter().all(|s| !s.is_empty()))
}

/// The strings a regex body matches when it is a concatenation of literal
/// characters and groups of literal alternatives, each group optionally
/// `?`; `None` for anything else, or for more than 16 strings.
fn literal_strings(body: &str) -> Option<Vec<String>> {
    const MAX: usize = 16;
    let mut strings = vec![String::new()];
    let mut chars = body.chars().peekable();
    let literal_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '#' | '@');
    while let Some(c) = chars.next() {
        let options: Vec<String> = match c {
            '\\' => match chars.next() {
                Some(e) if matches!(e, '+' | '*' | '.' | '#' | '-') => vec![e.to_string()],
                _ => return None,
            },
            '(' => {
                let mut group = String::new();
                loop {
                    match chars.next()? {
                        ')' => break,
                        '\\' => match chars.next()? {
                            e @ ('+' | '*' | '.' | '#' | '-') => group.push(e),
                            _ => return None,
                        },
                        '|' => group.push('|'),
                        g if literal_char(g) => group.push(g),
                        _ => return None,
                    }
                }
                let mut alternatives: Vec<String> = group.split('|').map(str::to_string).collect();
                if chars.peek() == Some(&'?') {
                    chars.next();
                    alternatives.push(String::new());
                }
                alternatives
            }
            c if literal_char(c) => vec![c.to_string()],
            _ => return None,
        };
        if chars
            .peek()
            .is_some_and(|&q| matches!(q, '?' | '*' | '+' | '{'))
        {
            return None;
        }
        strings = strings
            .iter()
            .flat_map(|s| options.iter().map(move |o| format!("{s}{o}")))
            .collect();
        if strings.len() > MAX {
            return None;
        }
    }
    Some(strings)
}

impl<'a> Lowerer<'a> {
    fn lower(
        contexts: Vec<PlanContext>,
        queues: &'a HashMap<String, Span>,
        entry_points: &[String],
    ) -> (FlowGraph, Vec<Unresolved>) {
        let mut l = Lowerer {
            graph: FlowGraph::of_format(FORMAT),
            index: contexts
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), i))
                .collect(),
            contexts,
            queues,
            hunts: HashMap::new(),
            pending_hunts: Vec::new(),
            destinations: Vec::new(),
            destination_ids: HashMap::new(),
            ends: Vec::new(),
            referenced: HashSet::new(),
            unresolved: Vec::new(),
            seen: HashMap::new(),
            regexes: HashMap::new(),
            destination_index: HashMap::new(),
        };
        for (i, context) in l.contexts.iter().enumerate() {
            let region = l.graph.add_region(context.name.clone(), context.span);
            debug_assert_eq!(region, RegionId(i as u32));
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
        // reaches, and so which are entries.
        for i in 0..l.contexts.len() {
            l.hunt(i, None);
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
            for way_in in l.ways_in(i) {
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
        l.graph.shrink_to_fit();
        (l.graph, l.unresolved)
    }

    /// Hunts are lowered from a worklist: a transfer asks for a hunt that
    /// may not exist yet, without recursion.
    fn lower_pending(&mut self) {
        while let Some(hunt) = self.pending_hunts.pop() {
            self.lower_hunt(hunt);
        }
    }

    /// How calls from outside enter a context: each extension is a way in
    /// (a call dialled its number and hunts the context from the top). For
    /// an extension whose `destination_number` expression is a literal
    /// (`^4570101010$`, `^(\+45)?(70200001)$`), the hunt is for that number,
    /// so every `destination_number` condition is decided; for any other, the
    /// hunt is for a number that no extension names literally. A literal with
    /// letters is reached only by transfer. When the literal hunts would
    /// re-lower more than [`ENTRY_WORK`] extensions, the context is entered
    /// by one hunt for any number instead.
    fn ways_in(&mut self, context: usize) -> Vec<WayIn> {
        let extensions = Arc::clone(&self.contexts[context].extensions);
        let mut ways: Vec<WayIn> = Vec::new();
        for extension in extensions.iter() {
            match dialled_numbers(extension) {
                Some(numbers) => ways.extend(
                    numbers
                        .into_iter()
                        .filter(|n| !n.chars().any(|c| c.is_ascii_alphabetic()))
                        .map(WayIn::Number),
                ),
                None => ways.push(WayIn::Unlisted),
            }
        }
        let mut unique = HashSet::new();
        ways.retain(|w| unique.insert(w.clone()));
        let literal = ways
            .iter()
            .filter(|w| matches!(w, WayIn::Number(_)))
            .count();
        let others = self
            .destination_index
            .entry(context)
            .or_insert_with(|| DestinationIndex::of(&extensions))
            .others
            .len();
        if literal.saturating_mul(others) > ENTRY_WORK {
            return vec![WayIn::Any];
        }
        ways
    }

    /// The first step of a hunt of `context` for `destination` (`None`: a
    /// call from outside), made on first use.
    fn hunt(&mut self, context: usize, destination: Option<&str>) -> StepId {
        let destination = match destination {
            None => Destination::Dialled,
            Some(d) if d.contains('$') => Destination::Computed,
            Some(d) => Destination::Literal(match self.destination_ids.get(d) {
                Some(&i) => i,
                None => {
                    let i = self.destinations.len() as u32;
                    self.destinations.push(d.to_string());
                    self.destination_ids.insert(d.to_string(), i);
                    i
                }
            }),
        };
        self.hunt_for(context, destination)
    }

    fn hunt_for(&mut self, context: usize, destination: Destination) -> StepId {
        let hunt = Hunt {
            context,
            destination,
        };
        if let Some(&step) = self.hunts.get(&hunt) {
            return step;
        }
        let step = self.graph.add_step(
            StepKind::Dispatch,
            self.contexts[context].span,
            RegionId(context as u32),
        );
        self.hunts.insert(hunt, step);
        self.pending_hunts.push(hunt);
        step
    }

    /// Lowers the extensions of a hunt in order; each condition a branch.
    fn lower_hunt(&mut self, hunt: Hunt) {
        let extensions = Arc::clone(&self.contexts[hunt.context].extensions);
        let visited: Vec<u32> = match hunt.destination {
            Destination::Literal(d) => self
                .destination_index
                .entry(hunt.context)
                .or_insert_with(|| DestinationIndex::of(&extensions))
                .candidates(&self.destinations[d as usize]),
            // Extensions that match only literal numbers never match.
            Destination::Unlisted => self
                .destination_index
                .entry(hunt.context)
                .or_insert_with(|| DestinationIndex::of(&extensions))
                .others
                .clone(),
            Destination::Dialled | Destination::Computed => (0..extensions.len() as u32).collect(),
        };
        self.record_what_is_seen(hunt, &extensions, &visited);
        let end = Some(self.ends[hunt.context]);
        let mut next = end;
        for extension in visited.iter().rev().map(|&i| &extensions[i as usize]) {
            let after_match = if extension.continues { next } else { end };
            next = self.conditions(hunt, &extension.conditions, after_match, next);
        }
        if let Some(first) = next {
            let dispatch = self.hunts[&hunt];
            self.graph.add_edge(dispatch, Edge::plain(first));
        }
    }

    /// Walks the extensions a hunt visits, in order, and records for each
    /// condition and action what ran before it in the same hunt. A condition
    /// the hunt decides runs only the side it takes: a `continue="true"`
    /// extension for other numbers sets nothing for this one.
    fn record_what_is_seen(&mut self, hunt: Hunt, extensions: &[Extension], visited: &[u32]) {
        let mut seen = Seen::default();
        let mut out = HashMap::new();
        for extension in visited.iter().map(|&i| &extensions[i as usize]) {
            for condition in &extension.conditions {
                self.walk_seen(hunt, condition, &mut seen, &mut out);
            }
            // A match without `continue` ends the hunt; what it set is seen
            // by the next hunt (after a transfer), not this one.
            if !extension.continues {
                seen.pending.clear();
            }
        }
        self.seen = out;
    }

    fn walk_seen(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
        seen: &mut Seen,
        out: &mut HashMap<(FileId, u32), Seen>,
    ) {
        out.insert(key(condition.span), seen.clone());
        let decided = if condition.tests {
            self.decided_by_hunt(hunt, condition)
        } else {
            Some(true)
        };
        if decided != Some(false) {
            for item in &condition.then {
                match item {
                    Item::Action(action) => {
                        out.insert(key(action.span), seen.clone());
                        note_action(action, seen);
                    }
                    Item::Condition(nested) => self.walk_seen(hunt, nested, seen, out),
                }
            }
        }
        if decided != Some(true) {
            for action in &condition.otherwise {
                out.insert(key(action.span), seen.clone());
                note_action(action, seen);
            }
        }
    }

    fn region(&self, context: usize) -> RegionId {
        RegionId(context as u32)
    }

    /// Lowers a chain of conditions; returns its first step (or `exit_true`
    /// when there is nothing to branch on).
    fn conditions(
        &mut self,
        hunt: Hunt,
        conditions: &[Condition],
        exit_true: Option<StepId>,
        exit_false: Option<StepId>,
    ) -> Option<StepId> {
        // The conditions after one that the hunt decides false, and that
        // ends the chain when false, are never tested: not lowering them
        // keeps a transfer's hunt as small as the extensions it can match.
        let tested = conditions
            .iter()
            .position(|c| {
                matches!(c.break_on, Break::OnFalse | Break::Always)
                    && self.decided_by_hunt(hunt, c) == Some(false)
            })
            .map_or(conditions.len(), |k| k + 1);
        let conditions = &conditions[..tested];
        let mut rest: Option<StepId> = exit_true;
        for (k, condition) in conditions.iter().enumerate().rev() {
            let last = k + 1 == conditions.len();
            let after_true = if last || matches!(condition.break_on, Break::OnTrue | Break::Always)
            {
                exit_true
            } else {
                rest
            };
            let after_false =
                if last || matches!(condition.break_on, Break::OnFalse | Break::Always) {
                    exit_false
                } else {
                    rest
                };
            rest = self.condition(hunt, condition, after_true, after_false);
        }
        rest
    }

    fn condition(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
        after_true: Option<StepId>,
        after_false: Option<StepId>,
    ) -> Option<StepId> {
        // A bare `<condition>` always holds.
        if !condition.tests {
            return self.items(hunt, &condition.then, after_true);
        }
        // A destination the hunt decides needs no branch, and the side not
        // taken is not lowered: a transfer's hunt of a context with thousands
        // of extensions stays as small as the extensions that can match.
        match self.decided_by_hunt(hunt, condition) {
            Some(true) => return self.items(hunt, &condition.then, after_true),
            Some(false) => return self.actions(hunt, &condition.otherwise, after_false),
            None => {}
        }
        let then = self.items(hunt, &condition.then, after_true);
        let otherwise = self.actions(hunt, &condition.otherwise, after_false);
        Some(self.branch(hunt, condition, then, otherwise))
    }

    /// Whether a `destination_number` condition holds in this hunt, when the
    /// hunt decides it: a transfer names its destination; a call from
    /// outside dials digits, so a destination written with letters is
    /// reached only by transfer.
    fn decided_by_hunt(&mut self, hunt: Hunt, condition: &Condition) -> Option<bool> {
        let (Some(field), Some(expression)) = (&condition.field, &condition.expression) else {
            return None;
        };
        let variable = field
            .strip_prefix("${")
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(field);
        if variable != "destination_number" {
            return None;
        }
        match hunt.destination {
            Destination::Literal(d) => {
                let destination = self.destinations[d as usize].clone();
                Some(self.regex_matches(expression, &destination))
            }
            Destination::Dialled if needs_letters(expression) => Some(false),
            Destination::Unlisted
                if needs_letters(expression)
                    || literal_destinations(expression, true).is_some() =>
            {
                Some(false)
            }
            Destination::Dialled | Destination::Unlisted | Destination::Computed => None,
        }
    }

    fn regex_matches(&mut self, expression: &str, text: &str) -> bool {
        if !self.regexes.contains_key(expression) {
            let compiled = regex::RegexBuilder::new(expression)
                .size_limit(1 << 20)
                .build()
                .ok();
            self.regexes.insert(expression.to_string(), compiled);
        }
        self.regexes[expression]
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }

    /// A condition's branch step, its edges to `then` and `otherwise`.
    fn branch(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
        then: Option<StepId>,
        otherwise: Option<StepId>,
    ) -> StepId {
        let branch =
            self.graph
                .add_step(StepKind::Branch, condition.span, self.region(hunt.context));
        let (yes, no) = self.guards(hunt, condition);
        if self.tested_before_set(condition) {
            self.graph.steps[branch.index()].note = Some(
                "tested while the dialplan is hunted, before the action that sets the variable runs: it never sees the answer"
                    .into(),
            );
        }
        for (to, guards) in [(then, yes), (otherwise, no)] {
            if let (Some(to), Some(guards)) = (to, guards) {
                self.graph.add_edge(branch, Edge { to, guards });
            }
        }
        branch
    }

    /// Whether a condition tests a variable that an action of the same hunt
    /// sets, which runs only after the hunt.
    fn tested_before_set(&self, condition: &Condition) -> bool {
        let Some(field) = &condition.field else {
            return false;
        };
        let variable = field
            .strip_prefix("${")
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(field);
        self.seen
            .get(&key(condition.span))
            .is_some_and(|s| s.pending.contains(&variable.to_ascii_lowercase()))
    }

    /// What the true and false edges of a condition establish about its
    /// variable; `None` for an edge that cannot be taken.
    fn guards(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
    ) -> (Option<Vec<Guard>>, Option<Vec<Guard>>) {
        let (Some(field), Some(expression)) = (&condition.field, &condition.expression) else {
            return (Some(Vec::new()), Some(Vec::new()));
        };
        let variable = field
            .strip_prefix("${")
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(field)
            .to_string();
        if variable.contains(['$', '{', ' ']) {
            return (Some(Vec::new()), Some(Vec::new()));
        }
        if variable == "destination_number" {
            return match self.decided_by_hunt(hunt, condition) {
                Some(true) => (Some(Vec::new()), None),
                Some(false) => (None, Some(Vec::new())),
                None => (Some(Vec::new()), Some(Vec::new())),
            };
        }
        if self.tested_before_set(condition) {
            // Evaluated while hunting, before the action that sets the
            // variable has run: the condition sees it unset, and the answer
            // is never really tested.
            return if self.regex_matches(expression, "") {
                (Some(Vec::new()), None)
            } else {
                (None, Some(Vec::new()))
            };
        }
        let variable = Variable::Named(variable);
        (
            Some(vec![Guard::Answer {
                variable: variable.clone(),
                answer: AnswerMatch::Regex(expression.clone()),
            }]),
            Some(vec![Guard::Default {
                variable,
                not: Vec::new(),
            }]),
        )
    }

    fn items(&mut self, hunt: Hunt, items: &[Item], next: Option<StepId>) -> Option<StepId> {
        let mut next = next;
        for item in items.iter().rev() {
            next = match item {
                Item::Action(action) => Some(self.action(hunt, action, next)),
                // Whatever a nested condition decides, the call goes on
                // with what follows it.
                Item::Condition(nested) => self.condition(hunt, nested, next, next),
            };
        }
        next
    }

    fn actions(&mut self, hunt: Hunt, actions: &[Action], next: Option<StepId>) -> Option<StepId> {
        let mut next = next;
        for action in actions.iter().rev() {
            next = Some(self.action(hunt, action, next));
        }
        next
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

    /// Lowers one action; returns its first step.
    fn action(&mut self, hunt: Hunt, action: &Action, next: Option<StepId>) -> StepId {
        let chain = self.action_steps(hunt, action);
        let mut first = None;
        let mut previous: Option<StepId> = None;
        let ends_flow = chain
            .iter()
            .any(|k| matches!(k, StepKind::Hangup | StepKind::Jump));
        for kind in chain {
            let jump_target = match &kind {
                StepKind::Jump => self.target_hunt(hunt.context, action),
                _ => None,
            };
            let step = self.step(kind, action.span, hunt.context);
            if let Some(p) = previous {
                self.link(p, Some(step));
            }
            if let Some(target) = jump_target {
                self.graph.add_edge(step, Edge::plain(target));
            }
            first.get_or_insert(step);
            previous = Some(step);
        }
        if !ends_flow && let Some(last) = previous {
            self.link(last, next);
        }
        let first = first.unwrap_or_else(|| {
            let step = self.step(StepKind::Other, action.span, hunt.context);
            self.link(step, next);
            step
        });
        self.graph
            .set_statement(first, &action.application, action.data.clone());
        // Named as FreeSWITCH logs what it executes: `set(RECORD_BRIDGE_REQ=true)`.
        let step = &mut self.graph.steps[first.index()];
        if step.label.is_none() {
            step.label = Some(format!("{}({})", action.application, action.data.trim()).into());
        }
        first
    }

    /// The steps an action makes, in order.
    fn action_steps(&mut self, hunt: Hunt, action: &Action) -> Vec<StepKind> {
        let data = action.data.trim();
        let seen = self
            .seen
            .get(&key(action.span))
            .cloned()
            .unwrap_or_default();
        let lower = data.to_ascii_lowercase();
        let capture_now = if seen.captures_later()
            || lower.contains("record_bridge_req=true")
            || (!seen.answered && lower.contains("record_answer_req=true"))
        {
            Capture::FromBridge
        } else {
            Capture::Immediately
        };
        let recording = |recorder: &str, capture: Capture, target: Option<String>| {
            StepKind::recording(RecordingStart {
                recorder: recorder.to_string(),
                capture,
                target,
                related: Vec::new(),
                start_message: false,
                before_answer: BeforeAnswer::of(capture),
            })
        };
        let mut steps = Vec::new();
        // `${uuid_record <uuid> start <path>}` inside any action's data
        // starts recording when the data is expanded.
        match uuid_record_command(data) {
            Some("start") => steps.push(recording("uuid_record", capture_now, None)),
            // `mask` writes silence until `unmask`, like record_session_mask.
            Some("stop" | "mask") => steps.push(StepKind::RecordingStop),
            _ => {}
        }
        match action.application.as_str() {
            "answer" => steps.push(StepKind::Answer),
            "playback" | "phrase" | "say" | "play_fsv" => steps.push(StepKind::Prompt {
                prompts: vec![data.to_string()],
            }),
            "speak" => steps.push(StepKind::Prompt {
                prompts: vec![data.rsplit('|').next().unwrap_or(data).to_string()],
            }),
            "play_and_get_digits" => {
                let args: Vec<&str> = data.split_whitespace().collect();
                steps.push(StepKind::Input {
                    variable: Variable::Named(args.get(7).copied().unwrap_or("").to_string()),
                    prompts: args.get(5).map(|p| vec![p.to_string()]).unwrap_or_default(),
                });
            }
            "read" => {
                let args: Vec<&str> = data.split_whitespace().collect();
                steps.push(StepKind::Input {
                    variable: Variable::Named(args.get(3).copied().unwrap_or("").to_string()),
                    prompts: args.get(2).map(|p| vec![p.to_string()]).unwrap_or_default(),
                });
            }
            "record_session" => steps.push(recording(
                "record_session",
                capture_now,
                Some(data.to_string()).filter(|d| !d.is_empty()),
            )),
            // A mask writes silence: nothing is captured until it is lifted.
            "stop_record_session" | "record_session_mask" | "record_session_pause" => {
                steps.push(StepKind::RecordingStop)
            }
            "set" | "export" => steps.extend(self.variable_recording(action)),
            "bind_meta_app" | "bind_digit_action" if self.binds_recording(hunt.context, action) => {
                steps.push(recording(&action.application, Capture::OnDemand, None));
            }
            "bind_meta_app" | "bind_digit_action" if data.contains("stop_record_session") => {
                steps.push(StepKind::StopOffered);
            }
            "bridge" => {
                if data.starts_with(['{', '[', '<']) && data.contains("record_session") {
                    steps.push(recording(
                        "record_session (bridge variable)",
                        Capture::FromBridge,
                        None,
                    ));
                }
                steps.push(StepKind::Connection {
                    target: data.to_string(),
                    queue: false,
                });
            }
            "callcenter" => {
                if let Some(template) = self.queue_template(data) {
                    steps.push(StepKind::recording(RecordingStart {
                        recorder: "mod_callcenter record-template".into(),
                        capture: Capture::FromBridge,
                        target: None,
                        related: vec![(
                            template,
                            format!("`record-template` records every call of queue `{data}`"),
                        )],
                        start_message: false,
                        before_answer: BeforeAnswer::NotRecorded,
                    }));
                }
                steps.push(StepKind::Connection {
                    target: format!("queue {data}"),
                    queue: true,
                });
            }
            "fifo" | "valet_park" => steps.push(StepKind::Connection {
                target: data.to_string(),
                queue: true,
            }),
            "conference" => steps.push(StepKind::Connection {
                target: data.to_string(),
                queue: false,
            }),
            "transfer" => steps.push(StepKind::Jump),
            "execute_extension" => {
                let callee = self.target_hunt(hunt.context, action);
                steps.push(StepKind::Call(Call {
                    callee,
                    leg: Leg::Caller,
                    arguments: Vec::new(),
                }));
            }
            "hangup" => steps.push(StepKind::Hangup),
            _ => {}
        }
        if steps.is_empty() {
            steps.push(StepKind::Other);
        }
        steps
    }

    /// `set`/`export` of `execute_on_*`/`api_on_*`/`bridge_pre_execute_*` with
    /// a recording command.
    fn variable_recording(&self, action: &Action) -> Option<StepKind> {
        let (name, value) = action.data.split_once('=')?;
        let name = name
            .trim()
            .trim_start_matches("nolocal:")
            .to_ascii_lowercase();
        let value = value.trim();
        let records = value.contains("record_session")
            || (value.contains("uuid_record") && value.split_whitespace().any(|w| w == "start"));
        if !records {
            return None;
        }
        let capture = if name.starts_with("bridge_pre_execute_")
            || name.contains("bridge")
            || name.ends_with("on_answer")
        {
            // Runs on the called leg, once the call is bridged, or when the
            // channel is answered: exported, when the callee answers; on the
            // caller's own unanswered channel, when `bridge` answers it, as
            // the callee does.
            Capture::FromBridge
        } else if name.starts_with("execute_on_") || name.starts_with("api_on_") {
            Capture::Immediately
        } else {
            return None;
        };
        Some(StepKind::recording(RecordingStart {
            recorder: format!("{name} record_session"),
            capture,
            target: None,
            related: Vec::new(),
            start_message: false,
            before_answer: BeforeAnswer::of(capture),
        }))
    }

    /// `bind_meta_app 2 b s record_session::...`, `bind_digit_action
    /// realm,*2,exec:record_session,...`, or a binding that runs an extension
    /// which records.
    fn binds_recording(&self, context: usize, action: &Action) -> bool {
        let data = &action.data;
        // A key bound to `stop_record_session` stops, it does not record.
        if (data.contains("record_session") && !data.contains("stop_record_session"))
            || (data.contains("uuid_record") && data.contains(" start "))
        {
            return true;
        }
        if let Some(rest) = data.split("execute_extension::").nth(1) {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let extension = words.first().copied().unwrap_or("");
            let target = words
                .get(2)
                .and_then(|c| self.index.get(*c).copied())
                .unwrap_or(context);
            return self.contexts[target]
                .extensions
                .iter()
                .filter(|e| e.name == extension)
                .any(|e| e.conditions.iter().any(|c| records_in(&c.then)));
        }
        false
    }

    fn queue_template(&self, data: &str) -> Option<Span> {
        let queue = data.split_whitespace().next().unwrap_or("");
        self.queues.get(queue).copied().or_else(|| {
            let short = queue.split('@').next().unwrap_or(queue);
            self.queues
                .iter()
                .find(|(name, _)| name.split('@').next() == Some(short))
                .map(|(_, span)| *span)
        })
    }

    /// `transfer <ext> [XML] [context]`, `execute_extension <ext> [XML]
    /// [context]`: the target context hunted for `<ext>`.
    fn target_hunt(&mut self, context: usize, action: &Action) -> Option<StepId> {
        let target = self.context_target(context, action, 2)?;
        // A computed destination (`${...}`) is hunted as any text.
        let destination = action.data.split_whitespace().find(|w| !w.starts_with('-'));
        Some(self.hunt(target, destination))
    }

    /// The context named by the `position`-th word of an action's data
    /// (default: the current context); reports an unknown one.
    fn context_target(
        &mut self,
        context: usize,
        action: &Action,
        position: usize,
    ) -> Option<usize> {
        // `transfer -bleg 1000 XML default`: leg flags come first.
        let words: Vec<&str> = action
            .data
            .split_whitespace()
            .skip_while(|w| w.starts_with('-'))
            .collect();
        let Some(&name) = words.get(position) else {
            self.referenced_from(context, context);
            return Some(context);
        };
        if name.contains('$') {
            return None;
        }
        match self.index.get(name).copied() {
            Some(target) => {
                self.referenced_from(context, target);
                Some(target)
            }
            None => {
                self.unresolved.push(Unresolved::new(
                    action.data_span,
                    format!("context `{name}` is not defined"),
                    "no scanned file defines this context; the call cannot be followed here",
                ));
                None
            }
        }
    }

    fn referenced_from(&mut self, from: usize, to: usize) {
        if from != to {
            self.referenced.insert(to);
        }
    }
}

fn key(span: Span) -> (FileId, u32) {
    (span.file, span.start)
}

/// Records what an action sets, for the actions and conditions after it.
fn note_action(action: &Action, seen: &mut Seen) {
    let data = action.data.trim();
    let written = match action.application.as_str() {
        "set" | "export" => data
            .split_once('=')
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim())),
        "play_and_get_digits" => data
            .split_whitespace()
            .nth(7)
            .map(|v| (v.to_ascii_lowercase(), "")),
        "read" => data
            .split_whitespace()
            .nth(3)
            .map(|v| (v.to_ascii_lowercase(), "")),
        _ => None,
    };
    if action.application == "answer" {
        seen.answered = true;
    }
    if let Some((name, value)) = written {
        let on = value.eq_ignore_ascii_case("true");
        if name == "record_bridge_req" && on {
            seen.waits_for_bridge = true;
        }
        if CAPTURE_FROM_ANSWER.contains(&name.as_str()) && on {
            seen.waits_for_answer = true;
        }
        if !action.inline {
            seen.pending.insert(name);
        }
    }
}

/// The command of a `${uuid_record <uuid> start|stop|mask|unmask <path>}`
/// expansion in an action's data, which runs when the data is expanded.
fn uuid_record_command(data: &str) -> Option<&str> {
    let (_, call) = data.split_once("${uuid_record")?;
    call.split_whitespace()
        .map(|w| w.trim_end_matches('}'))
        .find(|w| matches!(*w, "start" | "stop" | "mask" | "unmask"))
}

fn records_in(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Action(a) => {
            a.application == "record_session" || uuid_record_command(&a.data) == Some("start")
        }
        Item::Condition(c) => records_in(&c.then),
    })
}

/// Whether a FreeSWITCH condition expression matches `text` (an expression
/// that does not compile, or is too large, matches nothing).
/// Whether an expression can only match text with letters in it
/// (`^consent-check$`), so no dialled number matches it. Escapes such as
/// `\d` and character classes do not count; alternatives make it unknown.
fn needs_letters(expression: &str) -> bool {
    if expression.contains('|') {
        return false;
    }
    let mut chars = expression.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => in_class = true,
            ']' => in_class = false,
            c if !in_class && c.is_ascii_alphabetic() => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_with_letters() {
        assert!(needs_letters("^consent-check$"));
        assert!(needs_letters("^is_transfer$"));
        assert!(!needs_letters("^(5551000)$"));
        assert!(!needs_letters("^\\d+$"));
        assert!(!needs_letters("^[a-z0-9]+$"));
        assert!(!needs_letters("^(1000|operator)$"));
    }

    #[test]
    fn literal_destination_expressions() {
        let one = |s: &str| Some(vec![s.to_string()]);
        assert_eq!(
            literal_destinations("^4570101010$", true),
            one("4570101010")
        );
        assert_eq!(literal_destinations("^(6080)$", true), one("6080"));
        // Unanchored, `1000` is also found in `51000`: a number that reaches
        // it, but not the only one.
        assert_eq!(literal_destinations("1000", false), one("1000"));
        assert_eq!(literal_destinations("1000", true), None);
        assert_eq!(literal_destinations("^(45\\d{8})$", false), None);
        assert_eq!(literal_destinations("^$", false), None);
    }

    #[test]
    fn literal_destination_sets() {
        let set = |body: &str| {
            literal_strings(body).map(|mut v| {
                v.sort();
                v
            })
        };
        assert_eq!(set("(10001)"), Some(vec!["10001".to_string()]));
        assert_eq!(set("10001"), Some(vec!["10001".to_string()]));
        assert_eq!(
            set("(\\+45)?(70200001)"),
            Some(vec!["+4570200001".to_string(), "70200001".to_string()])
        );
        assert_eq!(
            set("(100|101)"),
            Some(vec!["100".to_string(), "101".to_string()])
        );
        assert_eq!(
            set("consent-check"),
            Some(vec!["consent-check".to_string()])
        );
        // Anything that is not a fixed set of strings is evaluated per hunt.
        for body in [
            "\\d+",
            "(10\\d{3})",
            "1.*",
            "[0-9]",
            "(1|2)(3|4)(5|6)(7|8)(9|0)",
            "1+",
        ] {
            assert_eq!(literal_strings(body), None, "{body}");
        }
    }
}
