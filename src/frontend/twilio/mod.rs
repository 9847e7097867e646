//! Twilio: TwiML documents (`<Response>`) and Studio flow definitions,
//! lowered by [`crate::frontend::twilio::lower`].

pub mod lower;

use std::path::Path;

use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, OtherFile, Shape, Sniff};
use crate::files::FileSystem;
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct Twilio;

/// TwiML documents (`<Response>`).
pub const TWIML: FileKind = FileKind::new(&KindInfo {
    name: "Twilio TwiML",
    format: lower::FORMAT,
    may_be_template: false,
});
/// Studio flow definitions.
pub const STUDIO: FileKind = FileKind::new(&KindInfo {
    name: "Twilio Studio flow",
    format: lower::FORMAT,
    may_be_template: false,
});

/// Flex UI attributes (`ui_attributes*.json`): the Flex UI's settings and
/// its plugins' features.
static FLEX_UI_ATTRIBUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\A\s*\{\s*"custom_data"\s*:"#).expect("valid regex"));
/// A Flex feature that records calls, switched on (the Flex project
/// template's `dual_channel_recording` and `conditional_recording`).
static FLEX_RECORDING_ON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(dual_channel_recording|conditional_recording)"\s*:\s*\{\s*"enabled"\s*:\s*true"#)
        .expect("valid regex")
});

impl Frontend for Twilio {
    fn kinds(&self) -> &'static [FileKind] {
        &[TWIML, STUDIO]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".xml") || name.ends_with(".twiml") || name.ends_with(".json")
    }

    /// Studio flows are asked first of all JSON; TwiML after CloudFormation
    /// YAML, with the other XML.
    fn by_content(&self) -> &'static [ContentTest] {
        &[
            ContentTest {
                rank: 10,
                test: studio,
            },
            ContentTest {
                rank: 50,
                test: twiml,
            },
        ]
    }

    /// Each document on its own.
    fn unit_keys(
        &self,
        kind: FileKind,
        _path: &Path,
        _text: &str,
        _fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        (kind == TWIML || kind == STUDIO).then(Vec::new)
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let of = |wanted: FileKind| -> Vec<FileId> {
            files
                .iter()
                .filter(|(_, kind)| *kind == wanted)
                .map(|&(file, _)| file)
                .collect()
        };
        let mut lowered = lower::load_twiml(&of(TWIML), cx);
        lowered.extend(lower::load_studio(&of(STUDIO), cx));
        lowered
    }

    /// Flex UI attributes: no call flow; a recording feature switched on
    /// there records calls in a way reclint does not read yet.
    fn other_file(&self, sniff: &Sniff) -> Option<OtherFile> {
        let named = sniff.name.is_some_and(|n| n.contains("ui_attributes"));
        if sniff.shape != Shape::Json || !(named || FLEX_UI_ATTRIBUTES.is_match(sniff.text)) {
            return None;
        }
        Some(if FLEX_RECORDING_ON.is_match(sniff.text) {
            OtherFile::NotAnalysed {
                what: "Twilio Flex UI attributes that switch on call recording",
                platform: "Flex plugin recording",
            }
        } else {
            OtherFile::NotAFlow {
                what: "Twilio Flex UI attributes (its recording features are off)",
            }
        })
    }
}

fn studio(sniff: &Sniff) -> Option<FileKind> {
    (sniff.shape == Shape::Json
        && sniff.text.contains("\"states\"")
        && sniff.text.contains("\"initial_state\""))
    .then_some(STUDIO)
}

fn twiml(sniff: &Sniff) -> Option<FileKind> {
    (sniff.shape == Shape::Xml { root: "Response" }).then_some(TWIML)
}
