//! Vonage: Voice API call control objects (NCCOs), lowered by
//! [`crate::frontend::vonage::lower`].
//!
//! An NCCO is a JSON array of actions (`talk`, `stream`, `input`, `record`,
//! `connect`, `conversation`, `notify`, `wait`, `transfer`, `pay`) that the
//! answer webhook returns and Vonage runs in order. Reference:
//! <https://developer.vonage.com/en/voice/voice-api/ncco-reference>.
//! NCCOs are recognised by their shape, whatever the file is called.

pub mod lower;

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, Shape, Sniff};
use crate::files::FileSystem;
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct Vonage;

/// An NCCO: `[{"action": "talk", ...}, {"action": "record", ...}]`.
pub const NCCO: FileKind = FileKind::new(&KindInfo {
    name: "Vonage NCCO",
    format: lower::FORMAT,
    may_be_template: false,
});

/// A JSON array whose first element is an object.
static ARRAY_OF_OBJECTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\A\s*\[\s*\{").expect("valid regex"));

/// An `action` member naming one of the NCCO actions, wherever it stands in
/// its object (the reference's own examples put `eventUrl` first).
static NCCO_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#""action"\s*:\s*"({})""#,
        lower::ACTIONS.join("|")
    ))
    .expect("valid regex")
});

/// The first URL of an action's `eventUrl` (the reference: an array, even
/// for one URL).
static EVENT_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""eventUrl"\s*:\s*\[\s*"([^"]+)""#).expect("valid regex")
});

/// The unit key of the NCCO at `path`.
fn served_key(path: &Path) -> String {
    format!("vonage-ncco:{}", path.display())
}

impl Frontend for Vonage {
    fn kinds(&self) -> &'static [FileKind] {
        &[NCCO]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".json")
    }

    /// After Studio and Connect flows, before CloudFormation: an NCCO is an
    /// array, which none of them is, so the rank only orders the tests.
    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 25,
            test: ncco,
        }]
    }

    /// The file itself, and the files of its folder that its `eventUrl`s
    /// serve as static NCCOs (`https://example.com/ncco/record.json`):
    /// what any other `eventUrl` returns is decided by a webhook that is not
    /// scanned.
    fn unit_keys(
        &self,
        kind: FileKind,
        path: &Path,
        text: &str,
        _fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        if kind != NCCO {
            return None;
        }
        let mut keys = vec![served_key(path)];
        for url in EVENT_URL.captures_iter(text) {
            if let Some(name) = lower::served_file(&url[1]) {
                keys.push(served_key(&path.with_file_name(name)));
            }
        }
        Some(keys)
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files = super::files_of(files, NCCO);
        lower::load(&files, cx)
    }
}

/// A JSON array of objects (Sniff's `Shape::Json` is an object only) with
/// an `action` that Vonage knows. A malformed NCCO is still recognised, so
/// that its error is reported.
fn ncco(sniff: &Sniff) -> Option<FileKind> {
    (sniff.shape == Shape::Text
        && ARRAY_OF_OBJECTS.is_match(sniff.text)
        && NCCO_ACTION.is_match(sniff.text))
    .then_some(NCCO)
}

#[cfg(test)]
mod tests {
    use crate::frontend::kind_by_content;

    /// What each text is recognised as, asking every front end by rank.
    #[test]
    fn nccos_are_told_apart_by_their_shape() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "answer.json",
                r#"[{"action": "talk", "text": "Hello"}]"#,
                Some("Vonage NCCO"),
            ),
            // The reference's own input example names `eventUrl` first.
            (
                "ivr.json",
                "[\n  {\n    \"eventUrl\": [\"https://example.com/ivr\"],\n    \"action\": \"input\"\n  }\n]",
                Some("Vonage NCCO"),
            ),
            // Malformed, still an NCCO: its error is reported.
            (
                "broken.json",
                r#"[{"action": "record", "beepStart": true"#,
                Some("Vonage NCCO"),
            ),
            // Not an NCCO: no NCCO action, or not an array of objects.
            ("list.json", r#"[{"name": "talk"}]"#, None),
            ("numbers.json", r#"[1, 2, {"action": "talk"}]"#, None),
            (
                "other.json",
                r#"[{"action": "deploy", "target": "prod"}]"#,
                None,
            ),
            // Objects are other platforms' flows.
            (
                "studio.json",
                r#"{"states": [{"name": "Trigger"}], "initial_state": "Trigger"}"#,
                Some("Twilio Studio flow"),
            ),
            (
                "flow.json",
                r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": [{"Type": "MessageParticipant"}]}"#,
                Some("Amazon Connect flow"),
            ),
            (
                "voice.xml",
                "<Response><Say>Hello</Say></Response>",
                Some("Twilio TwiML"),
            ),
        ];
        for (name, text, expected) in cases {
            let kind = kind_by_content(text, Some(name)).map(|k| k.describe());
            assert_eq!(kind, *expected, "{name}: {text}");
        }
    }
}
