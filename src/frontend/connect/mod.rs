//! Amazon Connect contact flows (flow language, legacy export, wrappers and
//! templates embedding flows), known by their keys, lowered by
//! [`crate::frontend::connect::lower`].

pub mod lower;
pub mod parse;

use crate::hash::HashMap;
use std::path::{Path, PathBuf};
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
    /// A flow file's keys, and the file itself: a Terraform file that
    /// deploys it with `file()` loads with it (and gives it the resource's
    /// key, which transfers name).
    fn unit_keys(
        &self,
        kind: FileKind,
        path: &Path,
        text: &str,
        fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        let deployed = deployed_flow_files(path, text, fs)
            .into_iter()
            .flat_map(|(key, target)| [format!("connect-flow:{key}"), file_key(&target)]);
        if kind == CONNECT {
            let mut keys = flow_keys(path, text);
            keys.push(file_key(&fs.canonical(path)));
            keys.extend(deployed);
            return Some(keys);
        }
        let keys: Vec<String> = deployed.collect();
        (!keys.is_empty()).then_some(keys)
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let flows = super::files_of(files, CONNECT);
        // The flow files each Terraform file deploys, by their canonical path.
        let mut deployed: HashMap<PathBuf, Vec<String>> = HashMap::default();
        for &(file, _) in files {
            let source = cx.sources.get(file);
            for (key, target) in deployed_flow_files(&source.path, &source.text, cx.fs) {
                deployed.entry(target).or_default().push(key);
            }
        }
        lower::load(&flows, &deployed, cx)
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

/// The key of a flow file itself, by its canonical path.
fn file_key(canonical: &Path) -> String {
    format!("connect-file:{}", canonical.display())
}

/// The flow files a Terraform file deploys with `file()`, each with the
/// resource key that names it, by canonical path.
fn deployed_flow_files(path: &Path, text: &str, fs: &dyn FileSystem) -> Vec<(String, PathBuf)> {
    if path.extension().is_none_or(|e| e != "tf") || !text.contains("aws_connect_contact_flow") {
        return Vec::new();
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    connect::terraform_flow_files(FileId(0), text)
        .into_iter()
        .map(|(key, target)| (key, fs.canonical(&dir.join(target))))
        .collect()
}

/// The flows of a file, by every key and name a transfer may use, and the
/// flows its transfers name: read with the parser the lowering uses, so a
/// transfer and its target always share a key.
fn flow_keys(path: &Path, text: &str) -> Vec<String> {
    let problems = &mut Problems::default();
    // Of a JSON flow, only the actions' types and parameters are built, and
    // nothing of its actions when none can transfer: a key pass over every
    // flow of the tree, before any is loaded.
    let flows = if connect::is_json(path, text) {
        let reading = match connect::may_transfer(text) {
            true => connect::FLOW_TRANSFERS,
            false => connect::FLOW_NAMES,
        };
        connect::read_json(FileId(0), path, text, problems, reading)
    } else {
        let source = SourceFile::new(path.to_path_buf(), String::new(), text.to_string());
        connect::read(FileId(0), &source, problems)
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A flow none of whose actions can transfer is keyed by its name alone,
    /// read without its actions; a transfer is found however its type is
    /// spelt.
    #[test]
    fn the_key_pass_finds_transfers_and_passes_flows_that_have_none() {
        let path = Path::new("flows/main.json");
        let plain = r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": [
            {"Identifier": "a", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}]}"#;
        assert!(!connect::may_transfer(plain));
        assert_eq!(flow_keys(path, plain), ["connect-name:main"]);
        let transfer = r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": [
            {"Identifier": "a", "Type": "TransferToFlow", "Transitions": {},
             "Parameters": {"ContactFlowId": "arn:aws:connect:eu-west-1:1:instance/i/contact-flow/abc"}}]}"#;
        let escaped = transfer.replace("TransferToFlow", "Transfer\\u0054oFlow");
        for text in [transfer, escaped.as_str()] {
            assert!(connect::may_transfer(text));
            let keys = flow_keys(path, text);
            assert!(keys.iter().any(|k| k == "connect-flow:id:abc"), "{keys:?}");
        }
    }
}
