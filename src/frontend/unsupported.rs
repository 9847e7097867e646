//! Flows of platforms reclint does not read yet. They are recognised, listed
//! by `--show-files` and counted in a note, so that a tree of them does not
//! pass as "no findings". A platform that lands gets a front end and leaves
//! this list.

use std::sync::LazyLock;

use regex::Regex;

use super::{OtherFile, Sniff};

/// Vonage Voice API call control objects: a JSON array of actions.
static VONAGE_NCCO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\A\s*\[\s*\{\s*"action"\s*:\s*"(talk|stream|input|connect|record|conversation|notify|wait|transfer)""#,
    )
    .expect("valid regex")
});

pub(crate) fn recognise(sniff: &Sniff) -> Option<OtherFile> {
    if VONAGE_NCCO.is_match(sniff.text) {
        return Some(OtherFile::NotAnalysed {
            what: "a Vonage NCCO",
            platform: "Vonage",
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognised(text: &str, name: &str) -> Option<OtherFile> {
        recognise(&Sniff::new(text, Some(name)))
    }

    #[test]
    fn nccos() {
        assert!(recognised(r#"[{"action": "talk", "text": "Hello"}]"#, "ncco.json").is_some());
        assert!(recognised(r#"[{"name": "talk"}]"#, "x.json").is_none());
    }
}
