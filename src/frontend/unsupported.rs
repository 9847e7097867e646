//! Flows of platforms reclint does not read yet. They are recognised, listed
//! by `--show-files` and counted in a note, so that a tree of them does not
//! pass as "no findings". A platform that lands gets a front end and leaves
//! this list.

use std::sync::LazyLock;

use regex::Regex;

use super::{OtherFile, Shape, Sniff};

/// Genesys Cloud Architect flows exported by Archy: YAML whose top-level
/// key is the flow type (`inboundCall:`, `inQueueCall:`, ...).
static ARCHY_FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(inboundCall|inQueueCall|outboundCall|inboundEmail|inboundShortMessage|inboundChat|commonModule|workflow|bot|voiceSurvey|secureCall|voicemail):[ \t]*$",
    )
    .expect("valid regex")
});

/// Vonage Voice API call control objects: a JSON array of actions.
static VONAGE_NCCO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\A\s*\[\s*\{\s*"action"\s*:\s*"(talk|stream|input|connect|record|conversation|notify|wait|transfer)""#,
    )
    .expect("valid regex")
});

pub(crate) fn recognise(sniff: &Sniff) -> Option<OtherFile> {
    let yaml = sniff.shape == Shape::Template;
    if yaml && ARCHY_FLOW.is_match(sniff.text) {
        return Some(OtherFile::NotAnalysed {
            what: "a Genesys Cloud Architect (Archy) flow",
            platform: "Genesys Cloud",
        });
    }
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
    fn archy_flows_and_nccos() {
        assert!(recognised("inboundCall:\n  name: Main\n", "main.yaml").is_some());
        assert!(recognised("inboundCall:\n  name: Main\n", "main.txt").is_none());
        assert!(recognised("resources:\n  inboundCall: x\n", "a.yaml").is_none());
        assert!(recognised(r#"[{"action": "talk", "text": "Hello"}]"#, "ncco.json").is_some());
        assert!(recognised(r#"[{"name": "talk"}]"#, "x.json").is_none());
    }
}
