//! The files of a run, grouped into units, and how a unit is loaded: the
//! one way `check` and `init` go from discovered files to graphs.
//!
//! A unit is the files one front end loads together because they can
//! reference each other (an Asterisk tree tied by `#include`, a FreeSWITCH
//! configuration tree, Connect flows tied by transfers, one TwiML document).
//! Front ends give each file its unit keys when discovery reads it; files
//! that share a key are one unit. Discovery does not keep the text: a unit
//! reads its files when it is loaded, so a run holds one unit's sources per
//! thread, not the tree. Units of shared front ends (storage settings that
//! every recording may use) come first.

use crate::hash::{HashMap, HashSet};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::discover::{Content, Discovered, FileKind};
use crate::files::{FileSystem, Overlay, Walked};
use crate::frontend::{FRONTENDS, OtherFile};
use crate::frontend::{LoadContext, Lowered};
use crate::parse::{ParseError, Problems};
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// The files of a run and their units.
pub struct Workspace {
    files: Vec<WorkspaceFile>,
    units: Vec<Unit>,
    unreadable: Vec<(PathBuf, String, String)>,
    /// Every path discovery looked at, as shown, with what it is or why it
    /// is not linted (`--show-files`).
    listing: Vec<Listed>,
    /// Recognised files without a call flow (`pjsip.conf`).
    not_flows: usize,
    /// Recognised files reclint cannot analyse yet, by what it lacks
    /// ("Genesys Cloud").
    not_analysed: BTreeMap<&'static str, usize>,
    /// Where files are read from.
    fs: Overlay,
    /// The files discovery's walk found as regular files, not links.
    walked: HashSet<OsString>,
    /// Includes may only read below these directories (canonical).
    roots: Vec<PathBuf>,
    /// Paths are shown relative to this directory.
    cwd: PathBuf,
    /// Whether loaded graphs keep steps' statements ([`LoadContext::statements`]).
    statements: bool,
}

struct WorkspaceFile {
    path: PathBuf,
    display: String,
    kind: FileKind,
    /// Text that cannot be read again (standard input).
    text: Option<String>,
}

/// A path of `--show-files`: a readable file, whose kind is what it is, or
/// another path with what it is or why it is not linted. Most paths are
/// files: they are listed without a copy of their path and kind each.
enum Listed {
    File(usize),
    Other(String, String),
}

/// Files one front end loads together.
pub struct Unit {
    frontend: usize,
    /// Indexes into the workspace's files, in discovery order.
    files: Vec<usize>,
}

impl Workspace {
    /// Groups the discovered files into units. `inputs` are the paths the
    /// user named: includes may read below them; paths are shown relative
    /// to `cwd`.
    pub fn new(found: Vec<Discovered>, inputs: &[PathBuf], cwd: &Path) -> Workspace {
        let mut files = Vec::with_capacity(found.len());
        let mut unreadable = Vec::new();
        let mut listing = Vec::with_capacity(found.len());
        let mut not_flows = 0;
        let mut not_analysed = BTreeMap::new();
        let mut walked = HashSet::with_capacity_and_hasher(found.len(), Default::default());
        let mut keyed: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); FRONTENDS.len()];
        for file in found {
            match file.content {
                Content::Text {
                    kind,
                    units,
                    text,
                    walked: found_by_walk,
                } => {
                    if found_by_walk {
                        walked.insert(file.path.clone().into_os_string());
                    }
                    listing.push(Listed::File(files.len()));
                    for (frontend, keys) in units {
                        keyed[frontend].push((files.len(), keys));
                    }
                    files.push(WorkspaceFile {
                        path: file.path,
                        display: file.display,
                        kind,
                        text,
                    });
                }
                Content::Unreadable { reason } => {
                    listing.push(Listed::Other(
                        file.display.clone(),
                        format!("not analysed: {reason}"),
                    ));
                    unreadable.push((file.path, file.display, reason));
                }
                Content::Skipped { reason } => {
                    listing.push(Listed::Other(file.display, format!("skipped: {reason}")));
                }
                Content::Other(OtherFile::NotAFlow { what }) => {
                    listing.push(Listed::Other(
                        file.display,
                        format!("not a call-flow file: {what}"),
                    ));
                    not_flows += 1;
                }
                Content::Other(OtherFile::NotAnalysed { what, platform }) => {
                    listing.push(Listed::Other(
                        file.display,
                        format!("not analysed: {what} (reclint does not read {platform} yet)"),
                    ));
                    *not_analysed.entry(platform).or_insert(0) += 1;
                }
            }
        }
        let mut units = Vec::new();
        let order = (0..FRONTENDS.len()).filter(|&f| FRONTENDS[f].shared());
        let order = order.chain((0..FRONTENDS.len()).filter(|&f| !FRONTENDS[f].shared()));
        for frontend in order {
            for files in components(&keyed[frontend]) {
                units.push(Unit { frontend, files });
            }
        }
        let fs = Overlay::default();
        let roots = inputs
            .iter()
            .map(|p| {
                let dir = if p.is_dir() {
                    p.as_path()
                } else {
                    p.parent().unwrap_or(Path::new(""))
                };
                fs.canonical(dir)
            })
            .collect();
        Workspace {
            files,
            units,
            unreadable,
            listing,
            not_flows,
            not_analysed,
            fs,
            walked,
            roots,
            cwd: cwd.to_path_buf(),
            statements: true,
        }
    }

    /// The same workspace reading its files through `overlay`: texts held in
    /// memory stand for the files on disk.
    pub fn reading(self, overlay: Overlay) -> Workspace {
        Workspace {
            fs: overlay,
            ..self
        }
    }

    /// This workspace, loading graphs that keep steps' statements or not
    /// (they do unless told).
    pub fn keeping_statements(self, statements: bool) -> Workspace {
        Workspace { statements, ..self }
    }

    /// Every path discovery looked at, in its order, with what it is (the
    /// kind of file) or why it is not linted.
    pub fn listing(&self) -> impl Iterator<Item = (&str, &str)> {
        self.listing.iter().map(|listed| match listed {
            Listed::File(index) => {
                let file = &self.files[*index];
                (file.display.as_str(), file.kind.describe())
            }
            Listed::Other(display, what) => (display.as_str(), what.as_str()),
        })
    }

    /// Recognised files that hold no call flow: read, and counted as such.
    pub fn not_flows(&self) -> usize {
        self.not_flows
    }

    /// One note per platform whose files were recognised but not analysed,
    /// so that silence is not taken for a pass.
    pub fn not_analysed_notes(&self) -> Vec<String> {
        self.not_analysed
            .iter()
            .map(|(platform, count)| {
                let files = if *count == 1 { "file was" } else { "files were" };
                format!(
                    "note: {count} {platform} {files} not analysed: reclint does not read {platform} yet (`reclint check --show-files` lists them)"
                )
            })
            .collect()
    }

    /// The units, those of shared front ends first.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Whether what the unit loads belongs to the whole run.
    pub fn is_shared(&self, unit: &Unit) -> bool {
        FRONTENDS[unit.frontend].shared()
    }

    /// The files the user named or discovery found: readable ones and those
    /// that could not be read.
    pub fn file_count(&self) -> usize {
        self.files.len() + self.unreadable.len()
    }

    /// The kind of every readable file, in discovery order.
    pub fn kinds(&self) -> impl Iterator<Item = FileKind> + '_ {
        self.files.iter().map(|f| f.kind)
    }

    /// Adds the files discovery could not read to `sources`, each with a
    /// parse error that says why.
    pub fn add_unreadable(&self, sources: &mut SourceMap) -> Vec<ParseError> {
        self.unreadable
            .iter()
            .map(|(path, display, reason)| {
                let id = sources.add(SourceFile::new(
                    path.clone(),
                    display.clone(),
                    String::new(),
                ));
                ParseError::new(
                    Span::new(id, 0, 0),
                    format!("cannot read this file: {reason}"),
                    "file not analysed",
                )
            })
            .collect()
    }

    /// Reads a unit's files into `sources` (a file already there is not
    /// read again) and lowers them, with `jobs` threads for the work that is
    /// independent within the unit; returns what its front end made and the
    /// files with their kinds. What cannot be read or resolved goes to
    /// `problems`.
    pub fn load(
        &self,
        unit: &Unit,
        sources: &mut SourceMap,
        problems: &mut Problems,
        config: &Config,
        jobs: usize,
    ) -> (Lowered, Vec<(FileId, FileKind)>) {
        let fs = Walked {
            files: &self.fs,
            plain: &self.walked,
        };
        let mut cx = LoadContext {
            sources,
            problems,
            entry_points: &config.recognize.entry_points,
            fs: &fs,
            roots: &self.roots,
            cwd: &self.cwd,
            jobs,
            statements: self.statements,
        };
        let cx = &mut cx;
        let mut files = Vec::new();
        for &index in &unit.files {
            let file = &self.files[index];
            if let Some(id) = cx.sources.find(&file.path) {
                files.push((id, file.kind));
                continue;
            }
            let text = match &file.text {
                Some(text) => Ok(text.clone()),
                None => self.fs.read_text(&file.path),
            };
            let (text, unreadable) = match text {
                Ok(text) => (text, None),
                Err(reason) => (String::new(), Some(reason)),
            };
            let id = cx.sources.add(SourceFile::new(
                file.path.clone(),
                file.display.clone(),
                text,
            ));
            match unreadable {
                // It changed since discovery read it.
                Some(reason) => cx.problems.parse_errors.push(ParseError::new(
                    Span::new(id, 0, 0),
                    format!("cannot read this file: {reason}"),
                    "file not analysed",
                )),
                None => files.push((id, file.kind)),
            }
        }
        let lowered = FRONTENDS[unit.frontend].load(&files, cx);
        (lowered, files)
    }
}

/// Files that share a key, transitively: the connected components, each in
/// file order, ordered by their first file.
fn components(keyed: &[(usize, Vec<String>)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..keyed.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_with: HashMap<&str, usize> = HashMap::default();
    for (i, (_, keys)) in keyed.iter().enumerate() {
        for key in keys {
            let other = *first_with.entry(key).or_insert(i);
            let (a, b) = (root(&mut parent, i), root(&mut parent, other));
            // The smaller index stays the root, so a component is named by
            // its first file.
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut by_root: Vec<Vec<usize>> = vec![Vec::new(); keyed.len()];
    for (i, (file, _)) in keyed.iter().enumerate() {
        let r = root(&mut parent, i);
        by_root[r].push(*file);
    }
    by_root.into_iter().filter(|c| !c.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(keys: &[&[&str]]) -> Vec<(usize, Vec<String>)> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| (i * 10, k.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn files_sharing_a_key_are_one_unit() {
        let units = components(&keyed(&[
            &["a"],
            &["b"],
            &["c", "a"],
            &[],
            &["b", "d"],
            &["d"],
        ]));
        assert_eq!(units, vec![vec![0, 20], vec![10, 40, 50], vec![30]]);
    }

    #[test]
    fn a_chain_of_keys_joins_its_ends() {
        let units = components(&keyed(&[&["x"], &["y"], &["z"], &["y", "z"], &["x", "z"]]));
        assert_eq!(units, vec![vec![0, 10, 20, 30, 40]]);
    }
}
