//! Infrastructure as code: Terraform and CloudFormation, known by name and
//! template keys, and read for recording storage by [`crate::frontend::infra::lower`].
//! Contact-flow files are read too: flows may come in a CloudFormation or
//! Terraform JSON template that also configures where they are recorded.

pub mod lower;

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, Shape, Sniff, is_template_name};
use crate::files::FileSystem;
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;
use lower::InfraSource;

pub(crate) struct Infrastructure;

/// Terraform configuration (`*.tf`, `*.tf.json`): recording storage,
/// retention and regions.
pub const TERRAFORM: FileKind = FileKind::new(&KindInfo {
    name: "Terraform",
    format: "terraform",
    may_be_template: false,
});
/// CloudFormation templates (YAML or JSON) that hold no contact flow (a
/// template with flows is the flows' kind, read here too).
pub const CLOUDFORMATION: FileKind = FileKind::new(&KindInfo {
    name: "CloudFormation template",
    format: "cloudformation",
    may_be_template: false,
});

static CLOUDFORMATION_JSON_RESOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""Type"\s*:\s*"AWS::"#).expect("valid regex"));
static CLOUDFORMATION_YAML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^(?:AWSTemplateFormatVersion|"AWSTemplateFormatVersion"|'AWSTemplateFormatVersion')[ \t]*:"#)
        .expect("valid regex")
});
static CLOUDFORMATION_YAML_RESOURCES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^Resources[ \t]*:").expect("valid regex"));
static CLOUDFORMATION_YAML_RESOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^[ \t]+Type[ \t]*:[ \t]*["']?AWS::"#).expect("valid regex"));

impl Frontend for Infrastructure {
    fn kinds(&self) -> &'static [FileKind] {
        &[TERRAFORM, CLOUDFORMATION]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".json") || name.ends_with(".tf") || is_template_name(name)
    }

    /// CloudFormation after flows among JSON, and before every XML or text
    /// format otherwise; a JSON file named `*.tf.json` that is nothing else
    /// is Terraform.
    fn by_content(&self) -> &'static [ContentTest] {
        &[
            ContentTest {
                rank: 30,
                test: cloudformation,
            },
            ContentTest {
                rank: 40,
                test: terraform,
            },
        ]
    }

    /// Every template of the run together: a bucket's lifecycle may be in
    /// another file than the storage that uses it. Another platform's files
    /// (contact flows) only when they may be a template.
    fn unit_keys(
        &self,
        kind: FileKind,
        path: &Path,
        text: &str,
        _fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        let loaded = source(kind).is_some_and(|source| {
            source != InfraSource::EmbeddedTemplate
                || is_hcl(path)
                || lower::holds_resources(text)
        });
        loaded.then(|| vec!["infrastructure".to_string()])
    }

    /// Storage, retention and regions apply to every recording of the run.
    fn shared(&self) -> bool {
        true
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let sources = &*cx.sources;
        let files: Vec<(FileId, InfraSource)> = files
            .iter()
            .filter_map(|&(file, kind)| {
                let source = match source(kind)? {
                    // A Connect flow written inline in a `.tf` file: the rest
                    // of the file is Terraform like any other.
                    InfraSource::EmbeddedTemplate if is_hcl(&sources.get(file).path) => {
                        InfraSource::Terraform
                    }
                    source => source,
                };
                Some((file, source))
            })
            .collect();
        lower::load(&files, cx)
    }
}

/// A Terraform HCL file.
fn is_hcl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "tf")
}

/// How a file of this kind is read for storage, if at all.
fn source(kind: FileKind) -> Option<InfraSource> {
    if kind == TERRAFORM {
        Some(InfraSource::Terraform)
    } else if kind == CLOUDFORMATION {
        Some(InfraSource::CloudFormation)
    } else {
        kind.may_be_template()
            .then_some(InfraSource::EmbeddedTemplate)
    }
}

fn cloudformation(sniff: &Sniff) -> Option<FileKind> {
    let text = sniff.text;
    let template = if sniff.shape == Shape::Json {
        text.contains("\"AWSTemplateFormatVersion\"")
            || (text.contains("\"Resources\"") && CLOUDFORMATION_JSON_RESOURCE.is_match(text))
    } else {
        is_cloudformation_yaml(text)
    };
    template.then_some(CLOUDFORMATION)
}

/// A CloudFormation template in YAML: `AWSTemplateFormatVersion`, or
/// `Resources` with `Type: AWS::...` (Genesys Archy flows have neither).
fn is_cloudformation_yaml(text: &str) -> bool {
    CLOUDFORMATION_YAML.is_match(text)
        || (CLOUDFORMATION_YAML_RESOURCES.is_match(text)
            && CLOUDFORMATION_YAML_RESOURCE.is_match(text))
}

/// Any `.tf` file (after the Connect flows written inline in one), and
/// `.tf.json` files.
fn terraform(sniff: &Sniff) -> Option<FileKind> {
    let name = sniff.name?;
    let json = sniff.shape == Shape::Json && name.ends_with(".tf.json");
    (json || name.ends_with(".tf")).then_some(TERRAFORM)
}
