//! Twilio and the dialects that copy TwiML: `<Response>` documents in
//! Twilio TwiML, Telnyx TeXML, SignalWire cXML and Plivo XML (each its own
//! kind and format, told apart in [`dialect`]), and Twilio Studio flow
//! definitions, lowered by [`crate::frontend::twilio::lower`].

pub mod dialect;
pub mod lower;


use std::sync::LazyLock;

use regex::Regex;

use self::dialect::Dialect;
use super::{ContentTest, FileKind, Frontend, KindInfo, OtherFile, Shape, Sniff};
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct Twilio;

/// TwiML documents (`<Response>`).
pub const TWIML: FileKind = FileKind::new(&KindInfo {
    name: "Twilio TwiML",
    format: lower::FORMAT,
    may_be_template: false,
});
/// Telnyx TeXML documents.
pub const TEXML: FileKind = FileKind::new(&KindInfo {
    name: "Telnyx TeXML",
    format: "telnyx",
    may_be_template: false,
});
/// SignalWire cXML (LaML) documents.
pub const CXML: FileKind = FileKind::new(&KindInfo {
    name: "SignalWire cXML",
    format: "signalwire",
    may_be_template: false,
});
/// Plivo XML documents.
pub const PLIVO_XML: FileKind = FileKind::new(&KindInfo {
    name: "Plivo XML",
    format: "plivo",
    may_be_template: false,
});
/// The `<Response>` kinds, each with its dialect.
const DOCUMENTS: [(FileKind, Dialect); 4] = [
    (TWIML, Dialect::Twilio),
    (TEXML, Dialect::Telnyx),
    (CXML, Dialect::SignalWire),
    (PLIVO_XML, Dialect::Plivo),
];
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
        &[TWIML, STUDIO, TEXML, CXML, PLIVO_XML]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".xml") || name.ends_with(".twiml") || name.ends_with(".json")
    }

    /// Studio flows are asked first of all JSON; `<Response>` documents after
    /// CloudFormation YAML, with the other XML.
    fn by_content(&self) -> &'static [ContentTest] {
        &[
            ContentTest {
                rank: 10,
                test: studio,
            },
            ContentTest {
                rank: 50,
                test: response_document,
            },
        ]
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let of = |wanted: FileKind| super::files_of(files, wanted);
        let mut lowered = Lowered::default();
        for (kind, dialect) in DOCUMENTS {
            lowered.extend(lower::load_documents(&of(kind), dialect, cx));
        }
        lowered.extend(lower::load_studio(&of(STUDIO), cx));
        lowered
    }

    /// A `<Response>` document in no dialect reclint knows: reported, not
    /// guessed. Flex UI attributes: no call flow; a recording feature
    /// switched on there records calls in a way reclint does not read yet.
    fn other_file(&self, sniff: &Sniff) -> Option<OtherFile> {
        if sniff.shape == (Shape::Xml { root: "Response" }) {
            return Some(OtherFile::NotAnalysed {
                what: "an XML <Response> document none of whose verbs is TwiML, TeXML, cXML or Plivo XML",
                platform: "unknown <Response> dialect",
            });
        }
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

/// A `<Response>` document, as the kind of its dialect.
fn response_document(sniff: &Sniff) -> Option<FileKind> {
    if sniff.shape != (Shape::Xml { root: "Response" }) {
        return None;
    }
    let dialect = Dialect::of_document(sniff.text, sniff.name)?;
    DOCUMENTS
        .iter()
        .find(|(_, d)| *d == dialect)
        .map(|(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use crate::frontend::{OtherFile, kind_by_content, other_file};

    #[test]
    fn each_dialect_is_its_own_kind_and_an_unknown_one_is_reported() {
        let kind = |text: &str, name: &str| kind_by_content(text, Some(name)).map(|k| k.describe());
        let say = "<Response><Say>Hi</Say></Response>";
        assert_eq!(kind(say, "voice.xml"), Some("Twilio TwiML"));
        assert_eq!(kind(say, "texml_voice.xml"), Some("Telnyx TeXML"));
        assert_eq!(kind(say, "laml_voice.xml"), Some("SignalWire cXML"));
        assert_eq!(
            kind("<Response><Speak>Hi</Speak></Response>", "voice.xml"),
            Some("Plivo XML")
        );
        let unknown = "<Response><Ask>Hi</Ask></Response>";
        assert_eq!(kind(unknown, "voice.xml"), None);
        assert!(matches!(
            other_file(unknown, Some("voice.xml")),
            Some(OtherFile::NotAnalysed { .. })
        ));
    }
}
