//! Genesys Cloud: Architect call flows as Archy writes them in YAML, lowered
//! by [`crate::frontend::genesys::lower`].
//!
//! An Archy file holds one flow under a top-level key naming its type
//! (`inboundCall:`, `inqueueCall:`, `outboundCall:`, `secureCall:`), as in
//! the provider's examples (`examples/resources/genesyscloud_flow/*.yaml` in
//! MyPureCloud/terraform-provider-genesyscloud) and the Archy reference
//! (<https://developer.genesys.cloud/devapps/archy/>). Flows for messages
//! (`inboundEmail:`, `inboundShortMessage:`, ...) carry no call; voicemail,
//! survey, bot and common-module flows are recognised but not read yet.

pub mod lower;
pub mod parse;

use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, OtherFile, Shape, Sniff};
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct Genesys;

/// An Architect call flow in Archy YAML.
pub const ARCHY_FLOW: FileKind = FileKind::new(&KindInfo {
    name: "Genesys Archy flow",
    format: lower::FORMAT,
    may_be_template: false,
});

/// The flow types whose flows run on a call, as Archy spells the top-level
/// key. Archy's examples write `inqueueCall`; `inQueueCall` is accepted too.
static VOICE_FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(inboundCall|inqueueCall|inQueueCall|outboundCall|secureCall):[ \t]*(#.*)?\r?$")
        .expect("valid regex")
});

/// Archy flows for messages: no call runs through them.
static MESSAGE_FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(inboundEmail|inboundShortMessage|inboundChat|digitalBot|workflow|workitem):[ \t]*(#.*)?\r?$",
    )
    .expect("valid regex")
});

/// Archy flows that run on a call but that reclint does not read yet.
static UNREAD_CALL_FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^(voicemail|voiceSurvey|bot|commonModule):[ \t]*(#.*)?\r?$")
        .expect("valid regex")
});

impl Frontend for Genesys {
    fn kinds(&self) -> &'static [FileKind] {
        &[ARCHY_FLOW]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".yaml") || name.ends_with(".yml")
    }

    /// After CloudFormation YAML: a template is asked first, and an Archy
    /// flow has none of its keys.
    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 35,
            test: archy_flow,
        }]
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files = super::files_of(files, ARCHY_FLOW);
        lower::load(&files, cx)
    }

    fn other_file(&self, sniff: &Sniff) -> Option<OtherFile> {
        if sniff.shape != Shape::Template {
            return None;
        }
        if MESSAGE_FLOW.is_match(sniff.text) {
            return Some(OtherFile::NotAFlow {
                what: "a Genesys Cloud Architect flow for messages, not calls",
            });
        }
        UNREAD_CALL_FLOW
            .is_match(sniff.text)
            .then_some(OtherFile::NotAnalysed {
                what: "a Genesys Cloud Architect voicemail, survey, bot or common-module flow",
                platform: "Genesys Cloud",
            })
    }
}

fn archy_flow(sniff: &Sniff) -> Option<FileKind> {
    (sniff.shape == Shape::Template && VOICE_FLOW.is_match(sniff.text)).then_some(ARCHY_FLOW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::{infra, kind_by_content, other_file};

    #[test]
    fn archy_flows_are_told_from_templates_and_other_yaml() {
        let table: &[(&str, &str, Option<FileKind>)] = &[
            ("inboundCall:\n  name: Main\n", "main.yaml", Some(ARCHY_FLOW)),
            ("inqueueCall:\n  name: Hold\n", "hold.yml", Some(ARCHY_FLOW)),
            ("inQueueCall:\n  name: Hold\n", "hold.yml", Some(ARCHY_FLOW)),
            ("outboundCall: # campaign\n  name: Out\n", "out.yaml", Some(ARCHY_FLOW)),
            ("secureCall:\r\n  name: Pay\r\n", "pay.yaml", Some(ARCHY_FLOW)),
            // Not YAML by name, or nested, or a message flow.
            ("inboundCall:\n  name: Main\n", "main.txt", None),
            ("resources:\n  inboundCall:\n    name: x\n", "a.yaml", None),
            ("inboundShortMessage:\n  name: SMS\n", "sms.yaml", None),
            (
                "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
                "stack.yaml",
                Some(infra::CLOUDFORMATION),
            ),
        ];
        for (text, name, expected) in table {
            assert_eq!(kind_by_content(text, Some(name)), *expected, "{text:?} as {name}");
        }
    }

    #[test]
    fn flows_without_a_call_or_not_read_yet_are_named() {
        let sms = other_file("inboundShortMessage:\n  name: SMS\n", Some("sms.yaml"));
        assert!(matches!(sms, Some(OtherFile::NotAFlow { .. })), "{sms:?}");
        let voicemail = other_file("voicemail:\n  name: VM\n", Some("vm.yaml"));
        assert!(
            matches!(voicemail, Some(OtherFile::NotAnalysed { .. })),
            "{voicemail:?}"
        );
        assert_eq!(other_file("inboundCall:\n  name: x\n", Some("x.json")), None);
    }
}
