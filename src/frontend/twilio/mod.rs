//! Twilio: TwiML documents (`<Response>`) and Studio flow definitions,
//! lowered by [`crate::frontend::twilio::lower`].

pub mod lower;

use std::path::Path;

use super::{ContentTest, FileKind, Frontend, KindInfo, Shape, Sniff};
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
