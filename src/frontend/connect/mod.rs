//! Amazon Connect contact flows (flow language, legacy export, wrappers and
//! templates embedding flows), known by their keys, lowered by
//! [`crate::frontend::connect::lower`].

pub mod lower;
pub mod parse;

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, Shape, Sniff, is_template_name};
use crate::files::FileSystem;
use crate::frontend::{LoadContext, Lowered};
use crate::parse::Problems;
use crate::source::{FileId, SourceFile};
use parse::{self as connect, FlowReference};

pub(crate) struct Connect;

/// Amazon Connect contact flows (flow language, legacy export, wrappers),
/// also in the CloudFormation or Terraform JSON template that deploys them.
pub const CONNECT: FileKind = FileKind::new(&KindInfo {
    name: "Amazon Connect flow",
    format: lower::FORMAT,
    may_be_template: true,
});

static CONNECT_CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""StartAction"|"modules"\s*:|"ContactFlow"|AWS::Connect::ContactFlow|\\"StartAction\\""#,
    )
    .expect("valid regex")
});

/// A Terraform `aws_connect_contact_flow` (or `_module`) resource whose
/// content is written inline (`jsonencode({ Actions = ...})`, a heredoc),
/// not read from another file with `file()`.
static TERRAFORM_INLINE_FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)resource\s+"aws_connect_contact_flow(_module)?".*["\s{,]Actions"?\s*[=:]"#)
        .expect("valid regex")
});

static CLOUDFORMATION_YAML_FLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*Type:\s*['\x22]?AWS::Connect::ContactFlow(Module)?['\x22]?\s*$")
        .expect("valid regex")
});

impl Frontend for Connect {
    fn kinds(&self) -> &'static [FileKind] {
        &[CONNECT]
    }

    fn may_be(&self, name: &str) -> bool {
        // Legacy exports have no extension.
        name.ends_with(".json") || name.ends_with(".tf") || !name.contains('.') || is_template_name(name)
    }

    /// Asked after Studio flows and before CloudFormation: a template that
    /// embeds flows is read as flows (and, by the infrastructure front end,
    /// for its storage).
    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 20,
            test: by_keys,
        }]
    }

    /// Flows that a `TransferToFlow` ties together.
    fn unit_keys(
        &self,
        kind: FileKind,
        path: &Path,
        text: &str,
        _fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        (kind == CONNECT).then(|| flow_keys(path, text))
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files: Vec<FileId> = files
            .iter()
            .filter(|(_, kind)| *kind == CONNECT)
            .map(|&(file, _)| file)
            .collect();
        lower::load(&files, cx)
    }
}

fn by_keys(sniff: &Sniff) -> Option<FileKind> {
    let text = sniff.text;
    // A CloudFormation template in YAML that deploys flows.
    if sniff.shape == Shape::Template {
        return CLOUDFORMATION_YAML_FLOW.is_match(text).then_some(CONNECT);
    }
    if sniff.name.is_some_and(|n| n.ends_with(".tf")) {
        return TERRAFORM_INLINE_FLOW.is_match(text).then_some(CONNECT);
    }
    if sniff.shape != Shape::Json {
        return None;
    }
    let flow = CONNECT_CONTENT.is_match(text) && text.contains("Actions");
    let legacy = text.contains("\"modules\"")
        && (text.contains("\"start\"") || text.contains("contactFlow"));
    (flow || legacy).then_some(CONNECT)
}

/// The flows of a file, by every key and name a transfer may use, and the
/// flows its transfers name: read with the parser the lowering uses, so a
/// transfer and its target always share a key.
fn flow_keys(path: &Path, text: &str) -> Vec<String> {
    let source = SourceFile::new(path.to_path_buf(), String::new(), text.to_string());
    let flows = connect::read(FileId(0), &source, &mut Problems::default());
    let mut keys = Vec::new();
    for flow in &flows {
        keys.extend(flow.keys.iter().map(|key| format!("connect-flow:{key}")));
        keys.push(format!("connect-name:{}", flow.name));
        for action in flow.actions.iter().filter(|a| a.transfers_to_flow()) {
            match connect::flow_reference(flow, action) {
                FlowReference::Computed => {}
                FlowReference::Resource(key) => keys.push(format!("connect-flow:{key}")),
                FlowReference::Named { key, name, id } => {
                    keys.push(format!("connect-flow:{key}"));
                    keys.push(format!("connect-name:{name}"));
                    keys.push(format!("connect-name:{id}"));
                }
            }
        }
    }
    keys
}
