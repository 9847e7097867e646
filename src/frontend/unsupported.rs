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

pub(crate) fn recognise(sniff: &Sniff) -> Option<OtherFile> {
    let yaml = sniff.shape == Shape::Template;
    if yaml && ARCHY_FLOW.is_match(sniff.text) {
        return Some(OtherFile::NotAnalysed {
            what: "a Genesys Cloud Architect (Archy) flow",
            platform: "Genesys Cloud",
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
    fn archy_flows() {
        assert!(recognised("inboundCall:\n  name: Main\n", "main.yaml").is_some());
        assert!(recognised("inboundCall:\n  name: Main\n", "main.txt").is_none());
        assert!(recognised("resources:\n  inboundCall: x\n", "a.yaml").is_none());
    }
}
