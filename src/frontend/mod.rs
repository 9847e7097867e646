//! The front ends: one folder per platform, holding everything reclint
//! knows about it: which files are its own (by name and by content), which
//! files load together (unit keys), its syntax (`parse`) and how it lowers
//! into the call-flow graph or storage facts (`lower`). [`FRONTENDS`]
//! registers them; discovery asks it what a file is and which unit it
//! belongs to, and the workspace (`src/workspace.rs`) hands each front end
//! its units. A new platform is one more folder here and one more line in
//! the list. Syntax several platforms share (JSON, XML) is in `crate::parse`.

use crate::hash::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::files::FileSystem;
use crate::flow::FlowGraph;
use crate::parse::{Comment, Problems};
use crate::source::{FileId, SourceMap};
use crate::storage::Infrastructure;

/// What a format loader may use and add to.
pub struct LoadContext<'a> {
    /// Files read so far; loaders add files they include.
    pub sources: &'a mut SourceMap,
    pub problems: &'a mut Problems,
    /// Contexts the configuration names as where calls enter
    /// (`[recognize] entry-points`), besides those each platform knows.
    pub entry_points: &'a [String],
    /// Where files beyond the unit are read from: front ends do no IO of
    /// their own.
    pub fs: &'a dyn FileSystem,
    /// Includes may only read below these directories (canonical).
    pub roots: &'a [PathBuf],
    pub cwd: &'a Path,
    /// Threads a loader may use for work that is independent per PBX.
    pub jobs: usize,
    /// Whether a rule of the run reads steps' statements (custom rules do):
    /// when not, loaders make their graphs with
    /// [`FlowGraph::keeping_statements`]`(false)`.
    pub statements: bool,
}

impl<'a> LoadContext<'a> {
    /// A context for a loader's unit tests: files on disk, no entry-point
    /// contexts or roots, one thread.
    #[cfg(test)]
    pub(crate) fn for_test(sources: &'a mut SourceMap, problems: &'a mut Problems) -> Self {
        LoadContext {
            sources,
            problems,
            entry_points: &[],
            fs: &crate::files::Disk,
            roots: &[],
            cwd: Path::new("."),
            jobs: 1,
            statements: true,
        }
    }
}

/// The graphs made from one format's files, what infrastructure files say
/// about storage, and the files' comments.
#[derive(Default)]
pub struct Lowered {
    pub graphs: Vec<FlowGraph>,
    pub infrastructure: Infrastructure,
    pub comments: HashMap<FileId, Vec<Comment>>,
}

impl Lowered {
    /// Adds what another loader made.
    pub fn extend(&mut self, more: Lowered) {
        self.graphs.extend(more.graphs);
        self.infrastructure.extend(more.infrastructure);
        self.comments.extend(more.comments);
    }
}

/// What a file is: one of the kinds of file a front end reads, declared in
/// its folder (`asterisk::DIALPLAN`, `infra::TERRAFORM`) and listed by its
/// [`Frontend::kinds`]. Kinds are told apart by their names.
#[derive(Clone, Copy)]
pub struct FileKind(&'static KindInfo);

/// What a front end says about one of its kinds of file.
#[derive(Debug)]
pub struct KindInfo {
    /// What the file is, for people: `Asterisk dialplan`, `Twilio Studio
    /// flow`. Unique among all kinds.
    pub name: &'static str,
    /// The format its graphs have and rules' `formats` lists name
    /// (`asterisk`, `amazon-connect`).
    pub format: &'static str,
    /// A file of this kind may also be a CloudFormation or Terraform JSON
    /// template (contact flows are deployed in them), to read for storage.
    pub may_be_template: bool,
}

impl FileKind {
    pub const fn new(info: &'static KindInfo) -> FileKind {
        FileKind(info)
    }

    /// The format's name, one of [`format_names`].
    pub fn format_name(self) -> &'static str {
        self.0.format
    }

    /// What the file is, for people: `Asterisk dialplan`, `Twilio Studio flow`.
    pub fn describe(self) -> &'static str {
        self.0.name
    }

    /// Whether the file may also be a CloudFormation or Terraform JSON template.
    pub fn may_be_template(self) -> bool {
        self.0.may_be_template
    }
}

impl PartialEq for FileKind {
    fn eq(&self, other: &FileKind) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for FileKind {}

impl std::hash::Hash for FileKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl std::fmt::Debug for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

/// The files of a unit that are of `kind`, in the unit's order.
pub(crate) fn files_of(files: &[(FileId, FileKind)], kind: FileKind) -> Vec<FileId> {
    files
        .iter()
        .filter(|(_, k)| *k == kind)
        .map(|&(file, _)| file)
        .collect()
}

/// What each kind of file reclint reads is, for people, in the order of
/// [`FRONTENDS`].
pub fn kind_names() -> Vec<&'static str> {
    FRONTENDS
        .iter()
        .flat_map(|f| f.kinds())
        .map(|k| k.describe())
        .collect()
}

/// The formats reclint reads, as graphs and rules' `formats` lists name
/// them, in the order of [`FRONTENDS`] and their kinds.
pub fn format_names() -> Vec<&'static str> {
    let mut names = Vec::new();
    for kind in FRONTENDS.iter().flat_map(|f| f.kinds()) {
        if !names.contains(&kind.format_name()) {
            names.push(kind.format_name());
        }
    }
    names
}

/// One platform: how its files are recognised and loaded.
pub(crate) trait Frontend: Sync {
    /// The kinds of file this platform has.
    fn kinds(&self) -> &'static [FileKind];

    /// The kind of a file known by its (lowercase, not backup) name alone.
    fn by_name(&self, _name: &str) -> Option<FileKind> {
        None
    }

    /// Whether a file so named may be this platform's, so that its content is
    /// worth reading.
    fn may_be(&self, name: &str) -> bool;

    /// The tests that recognise this platform's files by their content.
    fn by_content(&self) -> &'static [ContentTest];

    /// The unit keys of a recognised file this front end loads, read from
    /// its text when discovery finds it: files that share a key are loaded
    /// together, as one unit (a file and the files it includes, flows that
    /// transfer to each other, one configuration tree); a file without keys
    /// is a unit of its own. `None`: this front end does not load the file.
    /// `fs` answers what an include names. By default every file of the
    /// front end's kinds is a unit of its own (documents that reach each
    /// other only by URL or by a published name).
    fn unit_keys(
        &self,
        kind: FileKind,
        _path: &Path,
        _text: &str,
        _fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        self.kinds().contains(&kind).then(Vec::new)
    }

    /// Whether what this front end loads belongs to the whole run (storage
    /// settings that any recording may use) rather than to one unit: its
    /// files are loaded first and kept for the whole run.
    fn shared(&self) -> bool {
        false
    }

    /// Loads the files of this platform's kinds out of every recognised file.
    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered;

    /// A file of this platform that no kind loads, and what it is: settings
    /// without a call flow (`pjsip.conf`), or a file that configures
    /// recording in a way reclint does not read yet. Asked only of files no
    /// kind recognised, so that none is skipped in silence.
    fn other_file(&self, _sniff: &Sniff) -> Option<OtherFile> {
        None
    }
}

/// A recognised file that reclint does not analyse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherFile {
    /// A platform's file that holds no call flow and nothing about recording
    /// that reclint would read; `what` names it ("Asterisk PJSIP
    /// configuration").
    NotAFlow { what: &'static str },
    /// A flow or recording setting reclint cannot analyse yet: a platform it
    /// does not support, or a form of a supported one it does not read.
    /// `what` names the file, `platform` what is missing ("Genesys Cloud").
    NotAnalysed {
        what: &'static str,
        platform: &'static str,
    },
}

/// The front ends that load a file of this kind (by index in [`FRONTENDS`]),
/// each with the file's unit keys.
pub(crate) fn unit_keys(
    kind: FileKind,
    path: &Path,
    text: &str,
    fs: &dyn FileSystem,
) -> Vec<(usize, Vec<String>)> {
    FRONTENDS
        .iter()
        .enumerate()
        .filter_map(|(index, frontend)| Some((index, frontend.unit_keys(kind, path, text, fs)?)))
        .collect()
}

/// One recognition by content. Tests of every front end run by `rank`, the
/// lowest first, and the first that answers decides: where two platforms'
/// files look alike (a Studio flow has keys a Connect flow has, a YAML
/// template may hold XML), the rank says which is asked first.
pub(crate) struct ContentTest {
    pub rank: u8,
    pub test: fn(&Sniff) -> Option<FileKind>,
}

/// Declares each front end's folder and registers it in [`FRONTENDS`].
macro_rules! frontends {
    ($($module:ident => $frontend:ident,)*) => {
        $(pub mod $module;)*

        /// Every front end, in the order their files are loaded.
        pub(crate) const FRONTENDS: &[&dyn Frontend] = &[$(&$module::$frontend,)*];
    };
}

// Every platform: its folder and the type that implements `Frontend` there.
// Adding a platform is its folder and one line here.
frontends! {
    asterisk => Asterisk,
    freeswitch => FreeSwitch,
    connect => Connect,
    twilio => Twilio,
    signalwire => SignalWire,
    vonage => Vonage,
    genesys => Genesys,
    infra => Infrastructure,
}

/// What a file looks like before any platform reads it.
pub(crate) struct Sniff<'a> {
    pub text: &'a str,
    /// The lowercase file name, when there is one.
    pub name: Option<&'a str>,
    pub shape: Shape<'a>,
}

/// The outer form of a text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape<'a> {
    /// A JSON object.
    Json,
    /// A YAML or template file that is not JSON: a CloudFormation template
    /// or nothing (an Ansible role quoting a dialplan is not a dialplan).
    Template,
    /// XML, by its root element.
    Xml { root: &'a str },
    /// Anything else.
    Text,
}

static XML_ROOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?s)\A\s*(?:<\?xml.*?\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*<([A-Za-z][\w.-]*)",
    )
    .expect("valid regex")
});

/// YAML and template files: read only when they are CloudFormation templates.
pub(crate) fn is_template_name(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".template")
}

impl<'a> Sniff<'a> {
    pub fn new(text: &'a str, name: Option<&'a str>) -> Self {
        let shape = if text.trim_start().starts_with('{') {
            Shape::Json
        } else if name.is_some_and(is_template_name) {
            Shape::Template
        } else if let Some(root) = XML_ROOT.captures(text).and_then(|c| c.get(1)) {
            Shape::Xml {
                root: root.as_str(),
            }
        } else {
            Shape::Text
        };
        Sniff { text, name, shape }
    }
}

/// The kind of a file known by name, asking each front end in turn.
pub(crate) fn kind_by_name(name: &str) -> Option<FileKind> {
    FRONTENDS.iter().find_map(|f| f.by_name(name))
}

/// Whether some front end may read a file so named.
pub(crate) fn worth_sniffing(name: &str) -> bool {
    FRONTENDS.iter().any(|f| f.may_be(name))
}

/// Every front end's content tests, by rank.
static CONTENT_TESTS: LazyLock<Vec<&'static ContentTest>> = LazyLock::new(|| {
    let mut tests: Vec<&'static ContentTest> =
        FRONTENDS.iter().flat_map(|f| f.by_content()).collect();
    tests.sort_by_key(|t| t.rank);
    tests
});

/// What a file no kind recognised is, if a front end knows it.
pub(crate) fn other_file(text: &str, name: Option<&str>) -> Option<OtherFile> {
    let sniff = Sniff::new(text, name);
    FRONTENDS.iter().find_map(|f| f.other_file(&sniff))
}

/// The kind of a file known by its content, `name` (lowercase) narrowing it.
pub(crate) fn kind_by_content(text: &str, name: Option<&str>) -> Option<FileKind> {
    let sniff = Sniff::new(text, name);
    CONTENT_TESTS.iter().find_map(|t| (t.test)(&sniff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_unique_names_and_formats_follow_the_front_ends() {
        let kinds: Vec<FileKind> = FRONTENDS.iter().flat_map(|f| f.kinds()).copied().collect();
        let mut names: Vec<&str> = kinds.iter().map(|k| k.describe()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), kinds.len(), "two kinds share a name");
        assert_eq!(
            format_names(),
            [
                "asterisk",
                "freeswitch",
                "amazon-connect",
                "twilio",
                "telnyx",
                "signalwire",
                "plivo",
                "vonage",
                "genesys",
                "terraform",
                "cloudformation"
            ]
        );
    }

    #[test]
    fn a_kind_known_by_name_is_one_of_its_front_ends_kinds() {
        let mut known = 0;
        for frontend in FRONTENDS {
            for name in [
                "extensions.conf",
                "queues.conf",
                "features.conf",
                "confbridge.conf",
            ] {
                if let Some(kind) = frontend.by_name(name) {
                    assert!(frontend.kinds().contains(&kind), "{name}: {kind:?}");
                    known += 1;
                }
            }
        }
        assert_eq!(known, 4);
    }
}
