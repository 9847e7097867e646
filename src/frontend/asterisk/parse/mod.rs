//! Asterisk: configuration files, `#include` splicing, and grouping the files
//! of one PBX so that analysis sees its whole dialplan.

pub mod ael;
pub mod app;
pub mod conf;
pub mod dialplan;
pub mod expr;
pub mod settings;

use std::collections::BTreeMap;
use crate::hash::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::files::{FileSystem, resolve_include as resolve};
use crate::parse::{Comment, ParseError, Problems, Unresolved};
use crate::source::{FileId, SourceFile, SourceMap, Span, display_path};
use ael::AelFile;
use conf::{ConfFile, ConfItem, Directive, DirectiveKind, Spliced};

/// The configuration of one PBX: its dialplan, queues and features, each as the
/// statement stream Asterisk would see after splicing `#include`s.
#[derive(Debug, Default)]
pub struct Pbx {
    /// The files that make up this PBX, in load order.
    pub files: Vec<FileId>,
    /// The statements, shared with the files they come from: a file that
    /// two others include is spliced into both.
    pub dialplan: Vec<Spliced>,
    pub queues: Vec<Spliced>,
    pub features: Vec<Spliced>,
    pub confbridge: Vec<Spliced>,
    /// The AEL files Asterisk loads beside extensions.conf, `#include`s
    /// spliced in: their contexts merge with its contexts.
    pub ael: Vec<AelFile>,
    /// Whether the dialplan has an `#include` (or `#exec`) whose content
    /// could not be read: it may define contexts the rest references.
    pub dialplan_incomplete: bool,
    /// The same for queues.conf.
    pub queues_incomplete: bool,
}

/// What an Asterisk file configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AsteriskRole {
    /// `extensions.conf` and files like it.
    Dialplan,
    /// `queues.conf`.
    Queues,
    /// `features.conf`.
    Features,
    /// `confbridge.conf`.
    Confbridge,
    /// `extensions.ael`.
    Ael,
}

/// A discovered Asterisk file, already added to the source map.
pub struct AsteriskFile {
    pub file: FileId,
    pub role: AsteriskRole,
}

/// Lexed files by canonical path, with what each one includes.
struct Library {
    files: BTreeMap<PathBuf, LexedFile>,
}

struct LexedFile {
    id: FileId,
    conf: ConfFile,
    /// `conf.items`, moved here once includes are resolved, to be spliced.
    items: Arc<Vec<ConfItem>>,
    /// For each `#include` directive (by index into `conf.items`): the files it splices.
    includes: HashMap<usize, Vec<PathBuf>>,
    /// An `#include` or `#exec` of this file adds content that was not read.
    unread: bool,
}

/// Loads the given Asterisk files and everything they include (read
/// through `fs`), and groups them into PBXs. `roots` (canonical) bound what
/// `#include` may read.
#[allow(clippy::too_many_arguments)]
pub fn load(
    files: &[AsteriskFile],
    fs: &dyn FileSystem,
    roots: &[PathBuf],
    cwd: &Path,
    sources: &mut SourceMap,
    problems: &mut Problems,
    jobs: usize,
) -> (Vec<Pbx>, HashMap<FileId, Vec<Comment>>) {
    let (ael_files, files): (Vec<&AsteriskFile>, Vec<&AsteriskFile>) =
        files.iter().partition(|f| f.role == AsteriskRole::Ael);
    let mut library = Library {
        files: BTreeMap::new(),
    };
    let mut kinds: HashMap<PathBuf, AsteriskRole> = HashMap::default();
    let mut queue: Vec<PathBuf> = Vec::new();
    // The files named are lexed independently, in parallel; what they
    // include is read below, in order.
    let shared = &*sources;
    let lexed = crate::parallel::map(files, jobs, |f: &AsteriskFile| {
        let path = fs.canonical(&shared.get(f.file).path);
        let conf = conf::lex_file(f.file, shared.get(f.file));
        (f, path, conf)
    });
    for (f, path, conf) in lexed {
        kinds.insert(path.clone(), f.role);
        if !library.files.contains_key(&path) {
            library.files.insert(
                path.clone(),
                LexedFile {
                    id: f.file,
                    conf,
                    items: Arc::default(),
                    includes: HashMap::default(),
                    unread: false,
                },
            );
            queue.push(path);
        }
    }
    library.resolve_includes(queue, fs, roots, cwd, sources, problems);
    let mut comments = HashMap::default();
    for file in library.files.values_mut() {
        problems.parse_errors.append(&mut file.conf.errors);
        comments.insert(file.id, std::mem::take(&mut file.conf.comments));
        file.items = Arc::new(std::mem::take(&mut file.conf.items));
    }

    let mut groups = group(&library, &kinds, problems);
    let ael_files: Vec<(FileId, PathBuf)> = ael_files
        .iter()
        .map(|f| (f.file, fs.canonical(&sources.get(f.file).path)))
        .collect();
    let includer = AelIncluder {
        fs,
        roots,
        cwd,
        sources,
        problems,
        read: ael_files.iter().map(|(id, path)| (path.clone(), *id)).collect(),
        spliced: Vec::new(),
        unread: false,
    };
    load_ael(&ael_files, includer, &mut groups, &mut comments);
    (groups.into_values().collect(), comments)
}

impl Library {
    /// Reads what the files in `queue` include, and what those include, and
    /// records for each `#include` the files it splices. Files discovery did
    /// not pick up are read too (any name is allowed after `#include`).
    fn resolve_includes(
        &mut self,
        mut queue: Vec<PathBuf>,
        fs: &dyn FileSystem,
        roots: &[PathBuf],
        cwd: &Path,
        sources: &mut SourceMap,
        problems: &mut Problems,
    ) {
        while let Some(path) = queue.pop() {
            let directives: Vec<(usize, Directive)> = self.files[&path]
                .conf
                .items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| match item {
                    ConfItem::Directive(d) => Some((i, d.clone())),
                    _ => None,
                })
                .collect();
            let mut resolved = HashMap::default();
            let mut unread = false;
            for (index, directive) in directives {
                let (targets, missing) = resolve_include(fs, &path, &directive, roots, problems);
                unread |= missing;
                for target in &targets {
                    if self.files.contains_key(target) {
                        continue;
                    }
                    match read_included(fs, target, cwd, sources) {
                        Ok(id) => {
                            let conf = conf::lex_file(id, sources.get(id));
                            self.files.insert(
                                target.clone(),
                                LexedFile {
                                    id,
                                    conf,
                                    items: Arc::default(),
                                    includes: HashMap::default(),
                                    unread: false,
                                },
                            );
                            queue.push(target.clone());
                        }
                        Err(reason) => {
                            unread = true;
                            problems.parse_errors.push(unreadable(
                                directive.argument_span,
                                &directive.argument,
                                reason,
                            ))
                        }
                    }
                }
                let readable: Vec<PathBuf> = targets
                    .into_iter()
                    .filter(|t| self.files.contains_key(t))
                    .collect();
                resolved.insert(index, readable);
            }
            if let Some(file) = self.files.get_mut(&path) {
                file.includes = resolved;
                // A file Asterisk rejects may have defined what the rest refers to.
                file.unread = unread || file.conf.rejected;
            }
        }
    }
}

/// Groups the discovered files into PBXs, each file with what it includes
/// spliced in. Roots are the discovered files that no other file includes.
fn group(
    library: &Library,
    kinds: &HashMap<PathBuf, AsteriskRole>,
    problems: &mut Problems,
) -> BTreeMap<GroupKey, Pbx> {
    // Files that are only included from within a cycle still get loaded
    // once, from the first of them.
    let mut included: HashSet<&PathBuf> = HashSet::default();
    for (path, file) in &library.files {
        for targets in file.includes.values() {
            included.extend(targets.iter().filter(|t| *t != path));
        }
    }
    let mut spliced_anywhere: HashSet<PathBuf> = HashSet::default();
    let mut groups: BTreeMap<GroupKey, Pbx> = BTreeMap::new();
    let mut cycle_reported: HashSet<(FileId, u32)> = HashSet::default();
    let discovered: Vec<PathBuf> = kinds
        .keys()
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut pending: Vec<&PathBuf> = discovered
        .iter()
        .filter(|p| !included.contains(p))
        .collect();
    let mut second_pass: Vec<&PathBuf> =
        discovered.iter().filter(|p| included.contains(p)).collect();
    loop {
        for path in pending.drain(..) {
            if spliced_anywhere.contains(path) && included.contains(path) {
                continue;
            }
            let kind = kinds[path];
            let pbx = groups.entry(group_key(path)).or_default();
            let mut stack = Vec::new();
            let mut items = Vec::new();
            let mut incomplete = false;
            splice(
                library,
                path,
                &mut stack,
                &mut items,
                &mut pbx.files,
                &mut spliced_anywhere,
                &mut cycle_reported,
                &mut incomplete,
                problems,
            );
            match kind {
                AsteriskRole::Dialplan => {
                    pbx.dialplan.extend(items);
                    pbx.dialplan_incomplete |= incomplete;
                }
                AsteriskRole::Queues => {
                    pbx.queues.extend(items);
                    pbx.queues_incomplete |= incomplete;
                }
                AsteriskRole::Features => pbx.features.extend(items),
                AsteriskRole::Confbridge => pbx.confbridge.extend(items),
                // Read apart, by `load_ael`.
                AsteriskRole::Ael => {}
            }
        }
        // Files reached only through include cycles.
        match second_pass
            .iter()
            .position(|p| !spliced_anywhere.contains(*p))
        {
            Some(i) => pending.push(second_pass.remove(i)),
            None => break,
        }
    }
    groups
}

#[allow(clippy::too_many_arguments)]
fn splice(
    library: &Library,
    path: &PathBuf,
    stack: &mut Vec<PathBuf>,
    out: &mut Vec<Spliced>,
    files: &mut Vec<FileId>,
    spliced_anywhere: &mut HashSet<PathBuf>,
    cycle_reported: &mut HashSet<(FileId, u32)>,
    incomplete: &mut bool,
    problems: &mut Problems,
) {
    let Some(file) = library.files.get(path) else {
        return;
    };
    *incomplete |= file.unread;
    spliced_anywhere.insert(path.clone());
    if !files.contains(&file.id) {
        files.push(file.id);
    }
    stack.push(path.clone());
    for (index, item) in file.items.iter().enumerate() {
        let ConfItem::Directive(directive) = item else {
            out.push(Spliced::new(&file.items, index));
            continue;
        };
        for target in file.includes.get(&index).into_iter().flatten() {
            if stack.contains(target) {
                if cycle_reported.insert((directive.span.file, directive.span.start)) {
                    let chain: Vec<String> = stack
                        .iter()
                        .skip_while(|p| *p != target)
                        .chain(std::iter::once(target))
                        .map(|p| {
                            p.file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        })
                        .collect();
                    problems.parse_errors.push(ParseError::new(
                        directive.span,
                        format!("include cycle: {}", chain.join(" → ")),
                        "this include leads back to a file that is already being read; it is skipped",
                    ));
                }
                continue;
            }
            splice(
                library,
                target,
                stack,
                out,
                files,
                spliced_anywhere,
                cycle_reported,
                incomplete,
                problems,
            );
        }
    }
    stack.pop();
}

/// Files of one PBX share a directory and the part of the file name before
/// `extensions`/`queues`/`features`/`confbridge` (`acme_extensions.conf` with
/// `acme_queues.conf`); samples group apart from live files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GroupKey {
    dir: PathBuf,
    prefix: String,
    sample: bool,
}

pub(crate) fn group_key(path: &Path) -> GroupKey {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let prefix = ["extensions", "queues", "features", "confbridge"]
        .iter()
        .filter_map(|k| name.find(k))
        .min()
        .map(|i| name[..i].to_string())
        .unwrap_or_else(|| name.clone());
    GroupKey {
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        prefix,
        sample: name.ends_with(".sample"),
    }
}

/// The files an `#include` names, relative to the including file, and
/// whether it adds content that is not read (a missing `#include` file, one
/// outside the scanned roots, `#exec`); those are reported, never read.
fn resolve_include(
    fs: &dyn FileSystem,
    from: &Path,
    directive: &Directive,
    roots: &[PathBuf],
    problems: &mut Problems,
) -> (Vec<PathBuf>, bool) {
    if directive.kind == DirectiveKind::Exec {
        problems.unresolved.push(Unresolved::new(
            directive.span,
            format!("`#exec {}` output cannot be analysed", directive.argument),
            "reclint does not run programs; what this command adds to the dialplan is unknown",
        ));
        return (Vec::new(), true);
    }
    resolve_named(
        fs,
        from,
        &directive.argument,
        directive.argument_span,
        directive.kind == DirectiveKind::Include,
        roots,
        problems,
    )
}

/// The files `argument` (written at `span` in file `from`) names, and
/// whether it adds content that is not read (a file outside the scanned
/// roots; with `required`, a missing file); those are reported.
fn resolve_named(
    fs: &dyn FileSystem,
    from: &Path,
    argument: &str,
    span: Span,
    required: bool,
    roots: &[PathBuf],
    problems: &mut Problems,
) -> (Vec<PathBuf>, bool) {
    let dir = from.parent().unwrap_or(Path::new("."));
    let included = resolve(fs, roots, dir, argument);
    if included.is_missing() {
        // `#tryinclude` of a missing file is optional: Asterisk reads nothing.
        if required {
            problems.unresolved.push(Unresolved::new(
                span,
                format!("included file `{argument}` not found"),
                format!(
                    "looked for {}; references to contexts it may define are not reported",
                    included.joined.display()
                ),
            ));
        }
        return (Vec::new(), required);
    }
    for _ in &included.outside {
        problems.unresolved.push(Unresolved::new(
            span,
            format!("included file `{argument}` is outside the scanned paths and was not read"),
            "name its directory on the command line to analyse it; references to contexts it may define are not reported",
        ));
    }
    let unread = !included.outside.is_empty();
    (included.files, unread)
}

/// Reads an included file into `sources`.
fn read_included(
    fs: &dyn FileSystem,
    path: &Path,
    cwd: &Path,
    sources: &mut SourceMap,
) -> Result<FileId, String> {
    let text = fs.read_text(path)?;
    let display = display_path(path, cwd);
    Ok(sources.add(SourceFile::new(path.to_path_buf(), display, text)))
}

fn unreadable(span: Span, argument: &str, reason: String) -> ParseError {
    ParseError::new(span, format!("cannot read included file `{argument}`"), reason)
}

/// Reads the AEL files of the run with what their `#include`s splice in,
/// and adds each to its PBX. A file another one includes is read only
/// there; of files that include each other, the first.
fn load_ael(
    files: &[(FileId, PathBuf)],
    mut includer: AelIncluder,
    groups: &mut BTreeMap<GroupKey, Pbx>,
    comments: &mut HashMap<FileId, Vec<Comment>>,
) {
    let mut parsed = Vec::new();
    for (id, path) in files {
        includer.unread = false;
        let text = Arc::clone(&includer.sources.get(*id).text);
        let file = ael::parse(*id, text, &mut includer);
        let spliced = std::mem::take(&mut includer.spliced);
        parsed.push((path, file, spliced, includer.unread));
    }
    let included: HashSet<PathBuf> = parsed
        .iter()
        .flat_map(|(path, _, spliced, _)| spliced.iter().filter(move |s| s != path))
        .cloned()
        .collect();
    let (mut order, rest): (Vec<_>, Vec<_>) = parsed
        .into_iter()
        .partition(|(path, ..)| !included.contains(*path));
    order.extend(rest);
    let mut read: HashSet<PathBuf> = HashSet::default();
    for (path, mut file, spliced, unread) in order {
        if read.contains(path) {
            continue;
        }
        read.insert(path.clone());
        read.extend(spliced);
        includer.problems.parse_errors.append(&mut file.errors);
        let pbx = groups.entry(group_key(path)).or_default();
        let id = includer.read[path];
        for id in std::iter::once(id).chain(file.included.iter().copied()) {
            if !pbx.files.contains(&id) {
                pbx.files.push(id);
            }
        }
        for comment in std::mem::take(&mut file.comments) {
            let kept = comments.entry(comment.span.file).or_default();
            if !kept.iter().any(|c| c.span == comment.span) {
                kept.push(comment);
            }
        }
        pbx.dialplan_incomplete |= unread;
        pbx.ael.push(file);
    }
}

/// Resolves and reads what an AEL `#include` names, for the reader:
/// relative to the including file, below the scanned roots, each file read
/// once.
struct AelIncluder<'a> {
    fs: &'a dyn FileSystem,
    roots: &'a [PathBuf],
    cwd: &'a Path,
    sources: &'a mut SourceMap,
    problems: &'a mut Problems,
    /// Files read, by canonical path.
    read: HashMap<PathBuf, FileId>,
    /// The files spliced into the reading in progress.
    spliced: Vec<PathBuf>,
    /// Something the reading in progress includes was not read.
    unread: bool,
}

impl ael::Includer for AelIncluder<'_> {
    fn include(&mut self, from: FileId, name: &str, span: Span) -> Vec<(FileId, Arc<String>)> {
        let from = self.fs.canonical(&self.sources.get(from).path);
        let (targets, unread) =
            resolve_named(self.fs, &from, name, span, true, self.roots, self.problems);
        self.unread |= unread;
        let mut out = Vec::new();
        for target in targets {
            let id = match self.read.get(&target) {
                Some(&id) => id,
                None => match read_included(self.fs, &target, self.cwd, self.sources) {
                    Ok(id) => {
                        self.read.insert(target.clone(), id);
                        id
                    }
                    Err(reason) => {
                        self.unread = true;
                        self.problems.parse_errors.push(unreadable(span, name, reason));
                        continue;
                    }
                },
            };
            self.spliced.push(target);
            out.push((id, Arc::clone(&self.sources.get(id).text)));
        }
        out
    }
}

/// The files an `#include` line of a file in `dir` may read, canonical,
/// from the text after the directive (quotes, `<>` and a `;` comment
/// allowed; after a quoted name, anything, as AEL's `// comment`): how
/// units are planned before any file is parsed.
pub(crate) fn include_targets(fs: &dyn FileSystem, dir: &Path, rest: &str) -> Vec<PathBuf> {
    let argument = rest.split(';').next().unwrap_or("").trim();
    let argument = match argument.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or(quoted),
        None => argument
            .strip_prefix('<')
            .and_then(|a| a.strip_suffix('>'))
            .unwrap_or(argument),
    };
    if argument.is_empty() {
        return Vec::new();
    }
    // Without roots every file is outside them: all are named.
    resolve(fs, &[], dir, argument).outside
}
