//! Asterisk: `extensions.conf`, `queues.conf`, `features.conf` and
//! `confbridge.conf`, known by name or by their statements, and
//! `extensions.ael`, known by name; lowered per PBX tree by
//! [`crate::frontend::asterisk::lower`].

pub mod lower;
pub mod parse;

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, OtherFile, Shape, Sniff};
use crate::files::FileSystem;
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;
use parse::{AsteriskFile, AsteriskRole, group_key, include_targets};

pub(crate) struct Asterisk;

/// `extensions.conf` and files like it.
pub const DIALPLAN: FileKind = FileKind::new(&KindInfo {
    name: "Asterisk dialplan",
    format: lower::FORMAT,
    may_be_template: false,
});
/// `queues.conf`.
pub const QUEUES: FileKind = FileKind::new(&KindInfo {
    name: "Asterisk queues",
    format: lower::FORMAT,
    may_be_template: false,
});
/// `features.conf`.
pub const FEATURES: FileKind = FileKind::new(&KindInfo {
    name: "Asterisk features",
    format: lower::FORMAT,
    may_be_template: false,
});
/// `extensions.ael`: the dialplan in AEL, merged with extensions.conf's.
pub const AEL: FileKind = FileKind::new(&KindInfo {
    name: "Asterisk AEL dialplan",
    format: lower::FORMAT,
    may_be_template: false,
});

/// `confbridge.conf`.
pub const CONFBRIDGE: FileKind = FileKind::new(&KindInfo {
    name: "Asterisk ConfBridge",
    format: lower::FORMAT,
    may_be_template: false,
});

/// What an Asterisk file of this kind configures.
fn role(kind: FileKind) -> Option<AsteriskRole> {
    [
        (DIALPLAN, AsteriskRole::Dialplan),
        (QUEUES, AsteriskRole::Queues),
        (FEATURES, AsteriskRole::Features),
        (CONFBRIDGE, AsteriskRole::Confbridge),
        (AEL, AsteriskRole::Ael),
    ]
    .into_iter()
    .find_map(|(k, role)| (k == kind).then_some(role))
}

static DIALPLAN_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?mi)^[ \t]*(exten|same)[ \t]*=>?").expect("valid regex"));
static QUEUE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^[ \t]*(member[ \t]*=>?|monitor-format[ \t]*=|strategy[ \t]*=)")
        .expect("valid regex")
});
/// ConfBridge profiles: `type=bridge`, `type=user`, `type=menu`.
static CONFBRIDGE_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^[ \t]*type[ \t]*=[ \t]*(bridge|user|menu)[ \t]*(;.*)?$")
        .expect("valid regex")
});
static FEATURES_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^[ \t]*\[(featuremap|applicationmap)\]").expect("valid regex")
});

/// Asterisk configuration files that configure no call flow and no
/// recording, by their name without `.conf`.
const OTHER_CONFIGS: &[&str] = &[
    "asterisk", "modules", "logger", "manager", "http", "ari", "rtp", "udptl", "iax",
    "musiconhold", "voicemail", "indications", "cdr", "cel", "acl", "ccss", "stasis",
    "sorcery", "extconfig", "res_odbc", "cdr_custom", "cel_custom", "followme", "phoneprov",
    "dnsmgr", "statsd", "smdi", "say", "dundi", "agents", "chan_dahdi", "unistim", "skinny",
    "prometheus", "hep", "geolocation", "stir_shaken", "codecs", "ooh323", "motif", "xmpp",
];

/// `#include` and `#tryinclude` lines, with what they name (quotes and
/// comment still on; a line in a block comment counts too, which can only
/// make a unit larger).
static INCLUDE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?mi)^[ \t]*#(?:try)?include\b(.*)$").expect("valid regex"));

impl Frontend for Asterisk {
    fn kinds(&self) -> &'static [FileKind] {
        &[DIALPLAN, QUEUES, FEATURES, CONFBRIDGE, AEL]
    }

    /// Files such as `extensions_custom.conf`, `queues.conf`,
    /// `features.conf.sample`; any `*.ael` (`extensions.ael`, what it
    /// includes) is AEL.
    fn by_name(&self, name: &str) -> Option<FileKind> {
        if is_ael_name(name) {
            return Some(AEL);
        }
        let stem = name
            .strip_suffix(".conf")
            .or_else(|| name.strip_suffix(".conf.sample"))?;
        // The keyword must start the name or follow a separator, so that
        // `myextensions.conf` is not taken for a dialplan by name alone.
        let keyword = |word: &str| {
            stem.match_indices(word)
                .any(|(i, _)| i == 0 || matches!(stem.as_bytes()[i - 1], b'_' | b'-' | b'.'))
        };
        if keyword("extensions") {
            Some(DIALPLAN)
        } else if keyword("queues") {
            Some(QUEUES)
        } else if keyword("features") {
            Some(FEATURES)
        } else if keyword("confbridge") {
            Some(CONFBRIDGE)
        } else {
            None
        }
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".conf") || name.ends_with(".conf.sample") || is_ael_name(name)
    }

    /// Files a dialplan `#include`s and renamed copies, by their statements;
    /// asked last, as plain text matches little else.
    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 60,
            test: by_statements,
        }]
    }

    /// A PBX's files: the same directory and name prefix, and the files
    /// each `#include`s (resolved as the loader resolves them).
    fn unit_keys(
        &self,
        kind: FileKind,
        path: &Path,
        text: &str,
        fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        role(kind)?;
        let path = fs.canonical(path);
        let mut keys = vec![
            format!("asterisk-pbx:{:?}", group_key(&path)),
            format!("asterisk-file:{}", path.display()),
        ];
        let dir = path.parent().unwrap_or(Path::new("."));
        for include in INCLUDE_LINE.captures_iter(text) {
            for target in include_targets(fs, dir, &include[1]) {
                keys.push(format!("asterisk-file:{}", target.display()));
            }
        }
        Some(keys)
    }

    /// Asterisk's other configuration files, by name: settings without a
    /// call flow.
    fn other_file(&self, sniff: &Sniff) -> Option<OtherFile> {
        let name = sniff.name?;
        let stem = name
            .strip_suffix(".conf")
            .or_else(|| name.strip_suffix(".conf.sample"))?;
        // `configs__samples__pjsip` as a copied tree names it: the last word.
        let stem = stem.rsplit(['_', '-', '.']).next().unwrap_or(stem);
        if stem == "pjsip" || stem == "sip" {
            // res_pjsip_one_touch_record_info: a SIP INFO `Record: on` only
            // queues the features.conf automixmon code as DTMF, which works
            // where Dial or Queue allowed it (options x/X): read there.
            return Some(OtherFile::NotAFlow {
                what: "Asterisk SIP configuration (one-touch recording by SIP INFO is read where Dial or Queue allows it)",
            });
        }
        OTHER_CONFIGS.contains(&stem).then_some(OtherFile::NotAFlow {
            what: "Asterisk settings without a call flow",
        })
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files: Vec<AsteriskFile> = files
            .iter()
            .filter_map(|&(file, kind)| role(kind).map(|role| AsteriskFile { file, role }))
            .collect();
        lower::load(&files, cx)
    }
}

fn is_ael_name(name: &str) -> bool {
    name.ends_with(".ael") || name.ends_with(".ael.sample")
}

fn by_statements(sniff: &Sniff) -> Option<FileKind> {
    if sniff.shape != Shape::Text {
        return None;
    }
    let text = sniff.text;
    if DIALPLAN_LINE.is_match(text) {
        Some(DIALPLAN)
    } else if FEATURES_HEADER.is_match(text) {
        Some(FEATURES)
    } else if QUEUE_LINE.is_match(text) {
        Some(QUEUES)
    } else if CONFBRIDGE_TYPE.is_match(text) {
        Some(CONFBRIDGE)
    } else {
        None
    }
}
