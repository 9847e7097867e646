//! The front ends: one folder per platform, holding everything reclint
//! knows about it: which files are its own (by name and by content), which
//! files load together (unit keys), its syntax (`parse`) and how it lowers
//! into the call-flow graph or storage facts (`lower`). [`FRONTENDS`]
//! registers them; discovery asks it what a file is and which unit it
//! belongs to, and the workspace (`src/workspace.rs`) hands each front end
//! its units. A new platform is one more folder here and one more line in
//! the list. Syntax several platforms share (JSON, XML) is in `crate::parse`.

pub mod asterisk;
pub mod connect;
pub mod freeswitch;
pub mod infra;
pub mod twilio;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::config::Config;
use crate::flow::FlowGraph;
use crate::parse::{Comment, Problems};
use crate::source::{FileId, SourceMap};
use crate::storage::Infrastructure;

pub use asterisk::parse::AsteriskRole;

/// What a format loader may use and add to.
pub struct LoadContext<'a> {
    /// Files read so far; loaders add files they include.
    pub sources: &'a mut SourceMap,
    pub problems: &'a mut Problems,
    pub config: &'a Config,
    /// Includes may only read below these directories.
    pub roots: &'a [PathBuf],
    pub cwd: &'a Path,
    /// Threads a loader may use for work that is independent per PBX.
    pub jobs: usize,
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

/// The formats reclint reads: each front end's own kinds of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Asterisk(AsteriskRole),
    /// FreeSWITCH XML: dialplans, `callcenter.conf.xml`.
    FreeSwitch,
    /// Amazon Connect contact flows (flow language, legacy export, wrappers).
    Connect,
    /// Twilio TwiML documents (`<Response>`).
    Twiml,
    /// Twilio Studio flow definitions.
    Studio,
    /// Terraform configuration (`*.tf`, `*.tf.json`): recording storage,
    /// retention and regions.
    Terraform,
    /// CloudFormation templates (YAML or JSON) that hold no contact flow; a
    /// JSON template with flows is [`FileKind::Connect`] and is read for both.
    CloudFormation,
}

impl FileKind {
    /// The format's name, one of [`crate::flow::FORMAT_NAMES`].
    pub fn format_name(self) -> &'static str {
        match self {
            FileKind::Asterisk(_) => crate::frontend::asterisk::lower::FORMAT,
            FileKind::FreeSwitch => crate::frontend::freeswitch::lower::FORMAT,
            FileKind::Connect => crate::frontend::connect::lower::FORMAT,
            FileKind::Twiml | FileKind::Studio => crate::frontend::twilio::lower::FORMAT,
            FileKind::Terraform => "terraform",
            FileKind::CloudFormation => "cloudformation",
        }
    }

    /// What the file is, for people: `Asterisk dialplan`, `Twilio Studio flow`.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Asterisk(AsteriskRole::Dialplan) => "Asterisk dialplan",
            FileKind::Asterisk(AsteriskRole::Queues) => "Asterisk queues",
            FileKind::Asterisk(AsteriskRole::Features) => "Asterisk features",
            FileKind::FreeSwitch => "FreeSWITCH XML",
            FileKind::Connect => "Amazon Connect flow",
            FileKind::Twiml => "Twilio TwiML",
            FileKind::Studio => "Twilio Studio flow",
            FileKind::Terraform => "Terraform",
            FileKind::CloudFormation => "CloudFormation template",
        }
    }
}

/// One platform: how its files are recognised and loaded.
pub(crate) trait Frontend: Sync {
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
    fn unit_keys(&self, kind: FileKind, path: &Path, text: &str) -> Option<Vec<String>>;

    /// Whether what this front end loads belongs to the whole run (storage
    /// settings that any recording may use) rather than to one unit: its
    /// files are loaded first and kept for the whole run.
    fn shared(&self) -> bool {
        false
    }

    /// Loads the files of this platform's kinds out of every recognised file.
    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered;
}

/// The front ends that load a file of this kind (by index in [`FRONTENDS`]),
/// each with the file's unit keys.
pub(crate) fn unit_keys(kind: FileKind, path: &Path, text: &str) -> Vec<(usize, Vec<String>)> {
    FRONTENDS
        .iter()
        .enumerate()
        .filter_map(|(index, frontend)| Some((index, frontend.unit_keys(kind, path, text)?)))
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

/// Every front end, in the order their files are loaded.
pub(crate) const FRONTENDS: &[&dyn Frontend] = &[
    &asterisk::Asterisk,
    &freeswitch::FreeSwitch,
    &connect::Connect,
    &twilio::Twilio,
    &infra::Infrastructure,
];

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

/// The kind of a file known by its content, `name` (lowercase) narrowing it.
pub(crate) fn kind_by_content(text: &str, name: Option<&str>) -> Option<FileKind> {
    let sniff = Sniff::new(text, name);
    CONTENT_TESTS.iter().find_map(|t| (t.test)(&sniff))
}
