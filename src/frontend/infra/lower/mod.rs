//! Lowering infrastructure-as-code to [`Infrastructure`], one module per
//! tool: [`terraform`] (HCL through `parse::terraform`, or `*.tf.json`) and
//! [`cloudformation`] (YAML through `parse::cloudformation`, or JSON). Each
//! tool's files are read in its JSON form, so one reader serves both syntaxes
//! of a tool. This module holds what the two share: the reader that collects
//! storage, buckets and deletions, and the resolution of bucket references
//! once every file is read.
//!
//! What the files do not fix (a variable, a dynamic block, an intrinsic
//! function) is `Unknown`. A storage configuration whose `resource_type` is
//! not written out is not taken for a recording storage, and an expiration
//! in a lifecycle rule whose status or `enabled` is an expression counts as
//! a deletion: in both cases reclint reports only what the files say.
//!
//! Bucket references resolve within a Terraform module (the file's
//! directory) or a CloudFormation template. A bucket address defined in
//! several modules or templates is told apart by where it is:
//! `aws_s3_bucket.rec (modules/a)`.

mod cloudformation;
mod genesys;
mod terraform;

use crate::hash::HashMap;
use std::sync::LazyLock;

use crate::frontend::{LoadContext, Lowered};
use crate::parse::json::{self, Json, Member};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::storage::{
    Bucket, BucketRef, Deletion, DeletionKind, Encryption, Infrastructure, RecordingStorage,
    Setting,
};

/// How an infrastructure file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfraSource {
    /// Terraform, HCL or (`*.tf.json`) JSON.
    Terraform,
    /// A CloudFormation template, YAML or JSON.
    CloudFormation,
    /// A JSON file another front end reads (for its contact flows), which
    /// may also be a CloudFormation or Terraform JSON template. That front
    /// end reports when the file does not parse.
    EmbeddedTemplate,
}

/// Reads what the files say about recording storage, retention and regions.
pub fn load(files: &[(FileId, InfraSource)], cx: &mut LoadContext) -> Lowered {
    let mut reader = Reader::new(cx.sources);
    let mut comments = HashMap::default();
    for &(file, kind) in files {
        let source = cx.sources.get(file);
        let text = &source.text;
        let (module, template) = (Scope::module(source), Scope::template(source));
        match kind {
            InfraSource::Terraform if source.path.extension() == Some("json".as_ref()) => {
                match json::parse(file, text, None) {
                    Ok(root) => reader.terraform(&root, &module),
                    Err(error) => cx.problems.parse_errors.push(error.into_parse_error()),
                }
            }
            InfraSource::Terraform => {
                match crate::parse::terraform::parse(file, text) {
                    Ok(document) => {
                        reader.terraform(&document.root, &module);
                        comments.insert(file, document.comments);
                    }
                    Err(error) => cx.problems.parse_errors.push(error),
                }
            }
            InfraSource::CloudFormation => {
                match crate::parse::cloudformation::parse(file, source) {
                    Ok(parsed) => {
                        reader.cloudformation(&parsed.root, &template);
                        comments.insert(file, parsed.comments);
                    }
                    Err(error) => cx.problems.parse_errors.push(error),
                }
            }
            // Most flow files are not templates: parse again only those that
            // may be one. Their parse errors are reported with their flows.
            InfraSource::EmbeddedTemplate if holds_resources(text) => {
                if let Ok(root) = json::parse(file, text, None) {
                    reader.terraform(&root, &module);
                    reader.cloudformation(&root, &template);
                }
            }
            InfraSource::EmbeddedTemplate => {}
        }
    }
    let infrastructure = reader.finish();
    Lowered {
        graphs: genesys::graph(&infrastructure).into_iter().collect(),
        infrastructure,
        comments,
    }
}

/// Whether a JSON text may be a CloudFormation (`Resources`) or Terraform
/// (`resource`, `provider`, `locals`, `module`) template.
pub(crate) fn holds_resources(text: &str) -> bool {
    // Searchers built once: every JSON file that may be a template asks.
    static KEYS: LazyLock<[memchr::memmem::Finder<'static>; 5]> = LazyLock::new(|| {
        [
            "\"Resources\"",
            "\"resource\"",
            "\"provider\"",
            "\"locals\"",
            "\"module\"",
        ]
        .map(memchr::memmem::Finder::new)
    });
    KEYS.iter().any(|key| key.find(text.as_bytes()).is_some())
}

/// Where references resolve: a Terraform module (a directory) or a
/// CloudFormation template (a file), by display path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Scope {
    Module(String),
    Template(String),
}

impl Scope {
    fn module(source: &SourceFile) -> Scope {
        let directory = source
            .display
            .rsplit_once('/')
            .map_or(".", |(directory, _)| directory);
        Scope::Module(directory.to_string())
    }

    fn template(source: &SourceFile) -> Scope {
        Scope::Template(source.display.clone())
    }

    fn name(&self) -> &str {
        match self {
            Scope::Module(name) | Scope::Template(name) => name,
        }
    }
}

/// What a bucket reference names.
#[derive(Debug, Clone)]
enum Target {
    /// A bucket resource in the scope: `aws_s3_bucket.rec`, a logical id.
    Address(String),
    /// A literal bucket name.
    Name(String),
    /// Something the files do not resolve.
    Unknown,
}

/// A bucket reference, resolved once every file is read.
struct Reference {
    scope: Scope,
    target: Target,
}

/// The bucket reference of a storage or deletion: its index and reference.
struct Pending {
    index: usize,
    reference: Reference,
}

/// Collects what the files say; bucket references resolve once all are read.
struct Reader<'a> {
    sources: &'a SourceMap,
    infrastructure: Infrastructure,
    /// The scope of each bucket, in the order of `infrastructure.buckets`.
    bucket_scopes: Vec<Scope>,
    storage_buckets: Vec<Pending>,
    deletion_buckets: Vec<Pending>,
    /// Separate server-side encryption configurations: their bucket and
    /// where they are.
    encryptions: Vec<(Reference, Span)>,
}

impl<'a> Reader<'a> {
    fn new(sources: &'a SourceMap) -> Reader<'a> {
        Reader {
            sources,
            infrastructure: Infrastructure::default(),
            bucket_scopes: Vec::new(),
            storage_buckets: Vec::new(),
            deletion_buckets: Vec::new(),
            encryptions: Vec::new(),
        }
    }

    /// A value as written in the file.
    fn text(&self, value: &Json) -> String {
        self.sources.slice(value.span).to_string()
    }

    fn add_storage(
        &mut self,
        scope: &Scope,
        name: String,
        span: Span,
        bucket: Option<(&Json, Target)>,
        encryption: Encryption,
    ) {
        let index = self.infrastructure.storages.len();
        let bucket = bucket.map(|(value, target)| {
            self.storage_buckets.push(Pending {
                index,
                reference: Reference {
                    scope: scope.clone(),
                    target,
                },
            });
            BucketRef {
                text: self.text(value),
                span: value.span,
                key: None,
            }
        });
        self.infrastructure.storages.push(RecordingStorage {
            name,
            span,
            bucket,
            encryption,
        });
    }

    fn add_bucket(&mut self, scope: &Scope, bucket: Bucket) {
        self.infrastructure.buckets.push(bucket);
        self.bucket_scopes.push(scope.clone());
    }

    fn add_expiration(
        &mut self,
        scope: &Scope,
        target: Target,
        span: Span,
        days: Option<Setting<u32>>,
    ) {
        self.deletion_buckets.push(Pending {
            index: self.infrastructure.deletions.len(),
            reference: Reference {
                scope: scope.clone(),
                target,
            },
        });
        self.infrastructure.deletions.push(Deletion {
            kind: DeletionKind::S3Lifecycle { bucket: None },
            span,
            days,
        });
    }

    /// Days as a whole number when `literal` gives one, else the expression.
    fn days(&self, value: &Json, literal: Option<&str>) -> Setting<u32> {
        match literal.and_then(|days| days.parse().ok()) {
            Some(days) => Setting::Known(days),
            None => Setting::Unknown(self.text(value)),
        }
    }

    /// in several scopes.
    fn finish(self) -> Infrastructure {
        let Reader {
            mut infrastructure,
            bucket_scopes,
            storage_buckets,
            deletion_buckets,
            encryptions,
            ..
        } = self;
        // Found by the addresses and names the files give, before buckets
        // defined in several scopes are renamed.
        let buckets = &infrastructure.buckets;
        let mut by_address: HashMap<(&Scope, &str), usize> = HashMap::default();
        let mut by_name: HashMap<&str, usize> = HashMap::default();
        let mut definitions: HashMap<&str, usize> = HashMap::default();
        for (i, (bucket, scope)) in buckets.iter().zip(&bucket_scopes).enumerate() {
            by_address.entry((scope, &bucket.key)).or_insert(i);
            if let Some(name) = &bucket.bucket_name {
                by_name.entry(name).or_insert(i);
            }
            *definitions.entry(&bucket.key).or_default() += 1;
        }
        let find = |reference: &Reference| match &reference.target {
            Target::Address(address) => by_address
                .get(&(&reference.scope, address.as_str()))
                .copied(),
            Target::Name(name) => by_name.get(name.as_str()).copied(),
            Target::Unknown => None,
        };
        let storage_found: Vec<Option<usize>> =
            storage_buckets.iter().map(|p| find(&p.reference)).collect();
        let deletion_found: Vec<Option<usize>> = deletion_buckets
            .iter()
            .map(|p| find(&p.reference))
            .collect();
        let encryption_found: Vec<Option<usize>> = encryptions
            .iter()
            .map(|(reference, _)| find(reference))
            .collect();
        let ambiguous: Vec<bool> = buckets
            .iter()
            .map(|bucket| definitions.get(bucket.key.as_str()).is_some_and(|&n| n > 1))
            .collect();

        let buckets = &mut infrastructure.buckets;
        for ((bucket, scope), ambiguous) in buckets.iter_mut().zip(&bucket_scopes).zip(ambiguous) {
            if ambiguous {
                bucket.key = format!("{} ({})", bucket.key, scope.name());
            }
        }
        let key = |pending: &Pending, found: Option<usize>| match &pending.reference.target {
            Target::Name(name) => Some(name.clone()),
            _ => found.map(|i| buckets[i].key.clone()),
        };
        for (pending, found) in storage_buckets.iter().zip(storage_found) {
            if let Some(bucket) = &mut infrastructure.storages[pending.index].bucket {
                bucket.key = key(pending, found);
            }
        }
        for (pending, found) in deletion_buckets.iter().zip(deletion_found) {
            infrastructure.deletions[pending.index].kind = DeletionKind::S3Lifecycle {
                bucket: key(pending, found),
            };
        }
        for ((_, span), found) in encryptions.iter().zip(encryption_found) {
            if let Some(bucket) = found.map(|i| &mut buckets[i])
                && !matches!(bucket.encryption, Encryption::Configured { .. })
            {
                bucket.encryption = Encryption::Configured { span: *span };
            }
        }
        infrastructure
    }
}

/// The member `key` of an object.
fn member<'j>(node: &'j Json, key: &str) -> Option<&'j Member> {
    node.members().iter().find(|member| member.key == key)
}

/// Files loaded as [`load`] loads them, for the tests of every tool's
/// reader, and the tests of what the tools share.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Comment, Problems};
    use crate::source::SourceFile;

    pub(super) struct Loaded {
        pub(super) infrastructure: Infrastructure,
        pub(super) problems: Problems,
        pub(super) sources: SourceMap,
        pub(super) comments: HashMap<FileId, Vec<Comment>>,
    }

    impl Loaded {
        pub(super) fn text(&self, span: Span) -> &str {
            self.sources.slice(span)
        }

        pub(super) fn storage(&self, name: &str) -> &RecordingStorage {
            let found = self.infrastructure.storages.iter().find(|s| s.name == name);
            found.unwrap_or_else(|| panic!("no storage {name}: {:?}", self.infrastructure.storages))
        }

        pub(super) fn bucket(&self, key: &str) -> &Bucket {
            let found = self.infrastructure.buckets.iter().find(|b| b.key == key);
            found.unwrap_or_else(|| panic!("no bucket {key}: {:?}", self.infrastructure.buckets))
        }

        /// What an encryption setting is, with the text it points at.
        pub(super) fn encryption(&self, encryption: &Encryption) -> String {
            match encryption {
                Encryption::Configured { span } => format!("configured at {}", self.text(*span)),
                Encryption::Missing => "missing".into(),
                Encryption::Unknown { span, expression } => {
                    format!("unknown at {}: {expression}", self.text(*span))
                }
            }
        }
    }

    pub(super) fn load_files(files: &[(&str, InfraSource, &str)]) -> Loaded {
        let mut sources = SourceMap::default();
        let ids: Vec<(FileId, InfraSource)> = files
            .iter()
            .map(|&(path, source, text)| {
                let file = SourceFile::new(path.into(), path.into(), text.into());
                (sources.add(file), source)
            })
            .collect();
        let mut problems = Problems::default();
        let mut cx = LoadContext::for_test(&mut sources, &mut problems);
        let lowered = load(&ids, &mut cx);
        Loaded {
            infrastructure: lowered.infrastructure,
            problems,
            sources,
            comments: lowered.comments,
        }
    }

    #[test]
    fn parse_errors_are_located() {
        let loaded = load_files(&[
            (
                "bad.tf",
                InfraSource::Terraform,
                "resource \"a\" \"b\" {\n  x = = 1\n}\n",
            ),
            (
                "bad.yaml",
                InfraSource::CloudFormation,
                "Resources:\n  A: [\n",
            ),
        ]);
        let errors: Vec<(String, usize)> = loaded
            .problems
            .parse_errors
            .iter()
            .map(|e| {
                let file = loaded.sources.get(e.span.file);
                (file.display.clone(), file.line_col(e.span.start).line)
            })
            .collect();
        assert_eq!(errors, [("bad.tf".into(), 2), ("bad.yaml".into(), 3)]);
    }

    #[test]
    fn bucket_addresses_resolve_within_their_module() {
        let storage = |bucket: &str| {
            format!(
                "resource \"aws_connect_instance_storage_config\" \"rec\" {{\n  resource_type = \"CALL_RECORDINGS\"\n  storage_config {{\n    s3_config {{\n      bucket_name = {bucket}\n    }}\n  }}\n}}\n"
            )
        };
        let a = format!(
            "{}resource \"aws_s3_bucket\" \"this\" {{}}\n",
            storage("aws_s3_bucket.this.id")
        );
        let b =
            "resource \"aws_s3_bucket\" \"this\" {\n  server_side_encryption_configuration {}\n}\n";
        let c = storage("aws_s3_bucket.this.id");
        let loaded = load_files(&[
            ("a/main.tf", InfraSource::Terraform, &a),
            ("b/main.tf", InfraSource::Terraform, b),
            ("c/main.tf", InfraSource::Terraform, &c),
        ]);
        let keys: Vec<&str> = loaded
            .infrastructure
            .buckets
            .iter()
            .map(|b| b.key.as_str())
            .collect();
        assert_eq!(keys, ["aws_s3_bucket.this (a)", "aws_s3_bucket.this (b)"]);
        let resolved: Vec<Option<&str>> = loaded
            .infrastructure
            .storages
            .iter()
            .map(|s| s.bucket.as_ref().and_then(|b| b.key.as_deref()))
            .collect();
        // Module c defines no bucket of that address.
        assert_eq!(resolved, [Some("aws_s3_bucket.this (a)"), None]);
    }
}
