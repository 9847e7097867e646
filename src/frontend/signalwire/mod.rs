//! SignalWire: SWML documents (SignalWire Markup Language), YAML or JSON,
//! lowered by [`crate::frontend::signalwire::lower`].
//!
//! A SWML document is `version: 1.0.0` and `sections:`, a map of named
//! lists of methods where the call starts in `main`
//! (<https://developer.signalwire.com/swml/>). It is recognised by that
//! shape, whatever the file is called.

pub mod lower;

use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, Shape, Sniff, is_template_name};
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct SignalWire;

/// SWML documents.
pub const SWML: FileKind = FileKind::new(&KindInfo {
    name: "SignalWire SWML",
    format: lower::FORMAT,
    may_be_template: false,
});

/// YAML: `version:` and `sections:` at the top level, and `main:` under
/// `sections` opening a list (comments and blank lines may come between).
static YAML_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^["']?version["']?[ \t]*:"#).expect("valid regex"));
static YAML_MAIN_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^["']?sections["']?[ \t]*:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n|[ \t]+.*\n)*?[ \t]+["']?main["']?[ \t]*:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*[ \t]*- "#,
    )
    .expect("valid regex")
});
/// JSON: `"version"`, `"sections"` opening an object and `"main"` opening
/// an array.
static JSON_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""version"\s*:"#).expect("valid regex"));
static JSON_SECTIONS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""sections"\s*:\s*\{"#).expect("valid regex"));
static JSON_MAIN_LIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""main"\s*:\s*\["#).expect("valid regex"));

impl Frontend for SignalWire {
    fn kinds(&self) -> &'static [FileKind] {
        &[SWML]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".json") || is_template_name(name)
    }

    /// Before Connect flows and CloudFormation (which have no top-level
    /// `sections` holding a `main` list), after Studio flows (which have
    /// `states`, not `sections`).
    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 15,
            test: swml,
        }]
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files = super::files_of(files, SWML);
        lower::load(&files, cx)
    }
}

fn swml(sniff: &Sniff) -> Option<FileKind> {
    let text = sniff.text;
    let document = match sniff.shape {
        Shape::Json => {
            JSON_VERSION.is_match(text)
                && JSON_SECTIONS.is_match(text)
                && JSON_MAIN_LIST.is_match(text)
        }
        Shape::Template => YAML_VERSION.is_match(text) && YAML_MAIN_LIST.is_match(text),
        _ => false,
    };
    document.then_some(SWML)
}

#[cfg(test)]
mod tests {
    use crate::frontend::kind_by_content;

    fn kind(text: &str, name: &str) -> Option<&'static str> {
        kind_by_content(text, Some(name)).map(|k| k.describe())
    }

    #[test]
    fn swml_is_told_apart_from_templates_flows_and_other_yaml() {
        let swml_yaml = "version: 1.0.0\nsections:\n  main:\n    - answer: {}\n    - record_call:\n        beep: true\n";
        let swml_yaml_commented = "# IVR\nversion: 1.0.0\nsections:\n  sales:\n    - connect:\n        to: \"+15550100\"\n  # the call starts here\n  main:\n\n    - play:\n        url: 'say:Hello'\n";
        let swml_json = r#"{"version": "1.0.0", "sections": {"main": [{"play": {"url": "say:Hi"}}]}}"#;
        let cloudformation = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
        let cloudformation_with_sections = "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n  sections:\n    main:\n      - a\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
        let connect = r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": [{"Identifier": "a", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}]}"#;
        let studio = r#"{"description": "IVR", "states": [{"name": "Trigger", "type": "trigger", "transitions": []}], "initial_state": "Trigger", "flags": {}}"#;
        let compose = "version: '3'\nservices:\n  web:\n    image: nginx\n";
        let main_not_a_list = "version: 1.0.0\nsections:\n  main:\n    name: x\n";
        let no_version = "sections:\n  main:\n    - answer: {}\n";
        let cases: &[(&str, &str, Option<&str>)] = &[
            (swml_yaml, "ivr.yaml", Some("SignalWire SWML")),
            (swml_yaml, "ivr.yml", Some("SignalWire SWML")),
            (swml_yaml_commented, "ivr.yaml", Some("SignalWire SWML")),
            (swml_json, "ivr.json", Some("SignalWire SWML")),
            (swml_json, "ivr.yaml", Some("SignalWire SWML")),
            (cloudformation, "stack.yaml", Some("CloudFormation template")),
            (
                cloudformation_with_sections,
                "stack.yaml",
                Some("CloudFormation template"),
            ),
            (connect, "flow.json", Some("Amazon Connect flow")),
            (studio, "studio.json", Some("Twilio Studio flow")),
            (compose, "docker-compose.yaml", None),
            (main_not_a_list, "x.yaml", None),
            (no_version, "x.yaml", None),
            (swml_yaml, "ivr.txt", None),
        ];
        for (text, name, expected) in cases {
            assert_eq!(kind(text, name), *expected, "{name}: {text}");
        }
    }
}
