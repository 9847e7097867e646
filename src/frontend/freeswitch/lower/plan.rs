//! Planning a configuration tree: reading its files, splicing the
//! extensions of included files in place of their includes, merging
//! same-named contexts, and setting apart extension files no file includes.

use std::collections::BTreeMap;
use crate::hash::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::frontend::freeswitch::parse::{self as freeswitch, Extension, FsFile, Part};
use crate::frontend::{LoadContext, Lowered};
use crate::files::resolve_include;
use crate::parse::{Comment, ParseError, Problems, Unresolved, xml};
use crate::source::{FileId, SharedStr, SourceFile, SourceMap, Span, display_path};

pub(super) struct Parsed {
    pub(super) id: FileId,
    /// Shared, so that splicing a file walks it while more files are read.
    pub(super) fs: Arc<FsFile>,
}

/// A file read: its comments and content, or why it cannot be read; and
/// what reading it found wrong.
type FileRead = (Result<(Vec<Comment>, FsFile), ParseError>, Problems);

pub(super) fn read_file(id: FileId, sources: &SourceMap) -> FileRead {
    let source = sources.get(id);
    let mut problems = Problems::default();
    let text = SharedStr::whole(&source.text);
    let read = xml::read_tree(id, source, true, |tree, at| {
        (
            at.tree_comments(tree, source),
            freeswitch::read(at, tree, &text, &mut problems),
        )
    });
    (read, problems)
}

/// Keeps a file read; the first of two names for one file wins.
pub(super) fn store(
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
    parsed.insert(
        path,
        Parsed {
            id,
            fs: Arc::new(fs),
        },
    );
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
pub(super) struct PlanContext {
    pub(super) name: String,
    pub(super) span: Span,
    /// Shared: every hunt of the context walks them.
    pub(super) extensions: Arc<Vec<Arc<Extension>>>,
}

pub(super) struct PlanBuilder<'a, 'b> {
    pub(super) cx: &'a mut LoadContext<'b>,
    pub(super) parsed: &'a mut BTreeMap<PathBuf, Parsed>,
    pub(super) lowered: &'a mut Lowered,
    pub(super) included: HashSet<PathBuf>,
    pub(super) contexts: Vec<PlanContext>,
}

impl PlanBuilder<'_, '_> {
    /// Builds the contexts of a tree's files into `self.contexts`, and
    /// returns the extension files that no scanned file includes, each a
    /// context of its own to be lowered apart.
    pub(super) fn build(&mut self, members: &[PathBuf]) -> Vec<PlanContext> {
        let mut loose_files: Vec<PathBuf> = Vec::new();
        for path in members {
            let file = Arc::clone(&self.parsed[path].fs);
            for context in &file.contexts {
                let mut stack = vec![path.clone()];
                let mut extensions = Vec::new();
                self.expand(&context.parts, path, &mut stack, &mut extensions);
                self.add_context(context.name.clone(), context.span, extensions);
            }
            // Top-level includes pull whole files (with their contexts) in.
            for part in &file.loose {
                if let Part::Include { pattern, span } = part {
                    for target in self.resolve(path, pattern, *span) {
                        self.included.insert(target);
                    }
                }
            }
            if file.loose.iter().any(|p| matches!(p, Part::Extension(_))) {
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
            let file = Arc::clone(&self.parsed[&path].fs);
            let mut stack = vec![path.clone()];
            let mut extensions = Vec::new();
            self.expand(&file.loose, &path, &mut stack, &mut extensions);
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

    fn add_context(&mut self, name: String, span: Span, extensions: Vec<Arc<Extension>>) {
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
        out: &mut Vec<Arc<Extension>>,
    ) {
        for part in parts {
            match part {
                Part::Extension(extension) => out.push(Arc::clone(extension)),
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
                        let file = Arc::clone(&self.parsed[&target].fs);
                        stack.push(target.clone());
                        self.expand(&file.loose, &target, stack, out);
                        for context in &file.contexts {
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
        let included = resolve_include(self.cx.fs, self.cx.roots, dir, pattern);
        // A glob that matches nothing includes nothing, as FreeSWITCH reads it.
        if included.is_missing() && !pattern.contains(['*', '?', '[']) {
            self.cx.problems.unresolved.push(Unresolved::new(
                span,
                format!("included file `{pattern}` not found"),
                format!("looked for {}", included.joined.display()),
            ));
        }
        for _ in &included.outside {
            self.cx.problems.unresolved.push(Unresolved::new(
                span,
                format!("included file `{pattern}` is outside the scanned paths and was not read"),
                "name its directory on the command line to analyse it",
            ));
        }
        let mut out = Vec::new();
        for target in included.files {
            if !self.parsed.contains_key(&target) {
                match self.cx.fs.read_text(&target) {
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
