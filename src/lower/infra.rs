//! Lowering infrastructure-as-code to [`Infrastructure`]. Terraform (HCL
//! through `parse::terraform`, or `*.tf.json`) and CloudFormation templates
//! (YAML through `parse::cloudformation`, or JSON) are each read in their
//! tool's JSON form, so one reader serves both syntaxes of a tool.
//!
//! What is read:
//! - Terraform: `aws_connect_instance_storage_config` with `resource_type =
//!   "CALL_RECORDINGS"`, and the same settings passed on as a map entry keyed
//!   `CALL_RECORDINGS` (holding `s3_config`) in `locals` or in a module's
//!   arguments; `aws_s3_bucket` with its server-side encryption (inline, or a
//!   separate `aws_s3_bucket_server_side_encryption_configuration`) and its
//!   lifecycle expiration (legacy inline `lifecycle_rule`, or a separate
//!   `aws_s3_bucket_lifecycle_configuration`);
//!   `genesyscloud_recording_media_retention_policy`;
//!   `trunk_recording_enabled` of
//!   `genesyscloud_telephony_providers_edges_trunkbasesettings`; the regions of
//!   the `aws`, `genesyscloud` and `twilio` providers.
//! - CloudFormation: `AWS::Connect::InstanceStorageConfig` for
//!   `CALL_RECORDINGS`, and `AWS::S3::Bucket` with `BucketEncryption` and
//!   lifecycle expiration. A template does not fix its region (the stack it
//!   is deployed to does), so templates give no region.
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

use std::collections::HashMap;

use super::{LoadContext, Lowered};
use crate::infra::{
    Bucket, BucketRef, Deletion, DeletionKind, Encryption, InfraRecorder, Infrastructure, Platform,
    RecordingStorage, RegionSetting, Setting,
};
use crate::parse::json::{self, Json, Member, Value};
use crate::parse::{cloudformation, terraform};
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// How an infrastructure file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfraSource {
    /// Terraform, HCL or (`*.tf.json`) JSON.
    Terraform,
    /// A CloudFormation template, YAML or JSON.
    CloudFormation,
    /// A JSON file read for its Amazon Connect flows, which may also be a
    /// CloudFormation or Terraform JSON template. `lower::connect` reads the
    /// flows and reports when the file does not parse.
    FlowTemplate,
}

/// Reads what the files say about recording storage, retention and regions.
pub fn load(files: &[(FileId, InfraSource)], cx: &mut LoadContext) -> Lowered {
    let mut reader = Reader::new(cx.sources);
    let mut comments = HashMap::new();
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
            InfraSource::Terraform => match terraform::parse(file, text) {
                Ok(document) => {
                    reader.terraform(&document.root, &module);
                    comments.insert(file, document.comments);
                }
                Err(error) => cx.problems.parse_errors.push(error),
            },
            InfraSource::CloudFormation => match cloudformation::parse(file, source) {
                Ok(parsed) => {
                    reader.cloudformation(&parsed.root, &template);
                    comments.insert(file, parsed.comments);
                }
                Err(error) => cx.problems.parse_errors.push(error),
            },
            // Most flow files are not templates: parse again only those that
            // may be one. Their parse errors are reported with their flows.
            InfraSource::FlowTemplate if holds_resources(text) => {
                if let Ok(root) = json::parse(file, text, None) {
                    reader.terraform(&root, &module);
                    reader.cloudformation(&root, &template);
                }
            }
            InfraSource::FlowTemplate => {}
        }
    }
    Lowered {
        graphs: Vec::new(),
        infrastructure: reader.finish(),
        comments,
    }
}

/// Whether a JSON text may be a CloudFormation (`Resources`) or Terraform
/// (`resource`, `provider`, `locals`, `module`) template.
fn holds_resources(text: &str) -> bool {
    [
        "\"Resources\"",
        "\"resource\"",
        "\"provider\"",
        "\"locals\"",
        "\"module\"",
    ]
    .iter()
    .any(|key| text.contains(key))
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

/// A nested Terraform block as written.
enum Block<'j> {
    /// The block (or object attribute): its member and its body.
    Present(&'j Member, &'j Json),
    /// Set by an expression or a `dynamic` block: where, and the expression.
    Computed(Span, String),
    Absent,
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

    // Terraform.

    fn terraform(&mut self, root: &Json, scope: &Scope) {
        for (_, resources) in all(root, "resource") {
            for kind in resources.members() {
                for name in kind.value.members() {
                    for body in each(&name.value) {
                        self.resource(scope, &kind.key, name, body);
                    }
                }
            }
        }
        for (_, locals) in all(root, "locals") {
            self.storage_maps(scope, locals, &mut vec!["local"]);
        }
        for (_, modules) in all(root, "module") {
            for module in modules.members() {
                for body in each(&module.value) {
                    self.storage_maps(scope, body, &mut vec!["module", &module.key]);
                }
            }
        }
        for (_, providers) in all(root, "provider") {
            for provider in providers.members() {
                for body in each(&provider.value) {
                    self.provider(provider, body);
                }
            }
        }
    }

    /// One `resource "kind" "name"`; `name` is located at the block header.
    fn resource(&mut self, scope: &Scope, kind: &str, name: &Member, body: &Json) {
        let span = name.key_span;
        match kind {
            "aws_connect_instance_storage_config" => {
                if body.get("resource_type").and_then(tf_str) != Some("CALL_RECORDINGS") {
                    return;
                }
                let config = self.block(body, "storage_config");
                self.connect_storage(scope, format!("{kind}.{}", name.key), span, config);
            }
            "aws_s3_bucket" => {
                let key = format!("aws_s3_bucket.{}", name.key);
                let encryption =
                    encryption(self.block(body, "server_side_encryption_configuration"));
                self.add_bucket(
                    scope,
                    Bucket {
                        key: key.clone(),
                        bucket_name: body.get("bucket").and_then(tf_str).map(str::to_string),
                        span,
                        encryption,
                    },
                );
                for (_, rule) in blocks(body, "lifecycle_rule") {
                    if rule.get("enabled").and_then(tf_bool) != Some(false) {
                        self.expirations(scope, rule, &Target::Address(key.clone()));
                    }
                }
            }
            "aws_s3_bucket_lifecycle_configuration" => {
                let target = body.get("bucket").map_or(Target::Unknown, tf_target);
                for (_, rule) in blocks(body, "rule") {
                    if rule.get("status").and_then(tf_str) != Some("Disabled") {
                        self.expirations(scope, rule, &target);
                    }
                }
            }
            "aws_s3_bucket_server_side_encryption_configuration" => {
                let target = body.get("bucket").map_or(Target::Unknown, tf_target);
                let reference = Reference {
                    scope: scope.clone(),
                    target,
                };
                self.encryptions.push((reference, span));
            }
            "genesyscloud_recording_media_retention_policy" => self.retention_policy(name, body),
            "genesyscloud_telephony_providers_edges_trunkbasesettings" => self.trunk(name, body),
            _ => {}
        }
    }

    /// A nested block, object attribute, expression or dynamic block `name`.
    fn block<'j>(&self, body: &'j Json, name: &'j str) -> Block<'j> {
        if let Some((member, value)) = all(body, name).next() {
            return match value.value {
                Value::Object(_) => Block::Present(member, value),
                _ => Block::Computed(value.span, self.text(value)),
            };
        }
        match dynamic(body, name).next() {
            Some((header, dynamic)) => {
                let expression = dynamic.get("for_each").map_or_else(
                    || self.sources.slice(header.key_span).to_string(),
                    |for_each| self.text(for_each),
                );
                Block::Computed(header.key_span, expression)
            }
            None => Block::Absent,
        }
    }

    /// A Connect storage configuration (`storage_config`, or the value of a
    /// `CALL_RECORDINGS` map entry) for call recordings.
    fn connect_storage(&mut self, scope: &Scope, name: String, span: Span, config: Block) {
        let (bucket, encryption) = match config {
            Block::Present(_, config) => match self.block(config, "s3_config") {
                Block::Present(_, s3) => (
                    s3.get("bucket_name"),
                    encryption(self.block(s3, "encryption_config")),
                ),
                Block::Computed(span, expression) => {
                    (None, Encryption::Unknown { span, expression })
                }
                Block::Absent => (None, Encryption::Missing),
            },
            Block::Computed(span, expression) => (None, Encryption::Unknown { span, expression }),
            Block::Absent => (None, Encryption::Missing),
        };
        let bucket = bucket.map(|value| (value, tf_target(value)));
        self.add_storage(scope, name, span, bucket, encryption);
    }

    /// Map entries keyed `CALL_RECORDINGS` that hold `s3_config`, at any depth
    /// of `node`, named by their path (`local.instance_storage_configs.CALL_RECORDINGS`).
    fn storage_maps<'j>(&mut self, scope: &Scope, node: &'j Json, path: &mut Vec<&'j str>) {
        for member in node.members() {
            if !matches!(member.value.value, Value::Object(_)) {
                continue;
            }
            path.push(&member.key);
            if member.key == "CALL_RECORDINGS" && member.value.get("s3_config").is_some() {
                let config = Block::Present(member, &member.value);
                self.connect_storage(scope, path.join("."), member.key_span, config);
            } else {
                self.storage_maps(scope, &member.value, path);
            }
            path.pop();
        }
    }

    /// The `expiration` blocks of a lifecycle rule that delete objects.
    fn expirations(&mut self, scope: &Scope, rule: &Json, target: &Target) {
        for (member, expiration) in blocks(rule, "expiration") {
            let days = expiration
                .get("days")
                .map(|days| self.days(days, tf_number(days)));
            // `expired_object_delete_marker` alone removes markers, not recordings.
            if days.is_some() || expiration.get("date").is_some() {
                self.add_expiration(scope, target.clone(), member.key_span, days);
            }
        }
    }

    fn retention_policy(&mut self, name: &Member, body: &Json) {
        const CALL_POLICY: &[&str] = &[
            "media_policies",
            "call_policy",
            "actions",
            "retention_duration",
            "delete_retention",
        ];
        const POLICY: &[&str] = &["actions", "retention_duration", "delete_retention"];
        // Without `delete_retention` a policy keeps recordings indefinitely.
        let Some(delete) = path(body, CALL_POLICY).or_else(|| path(body, POLICY)) else {
            return;
        };
        let policy = body
            .get("name")
            .and_then(tf_str)
            .unwrap_or(&name.key)
            .to_string();
        // Terraform sends `false` when `enabled` is not set; an expression may
        // enable it.
        let enabled = body
            .get("enabled")
            .is_some_and(|enabled| tf_bool(enabled) != Some(false));
        let days = delete
            .get("days")
            .map(|days| self.days(days, tf_number(days)));
        self.infrastructure.deletions.push(Deletion {
            kind: DeletionKind::GenesysRetentionPolicy {
                name: policy,
                enabled,
            },
            span: name.key_span,
            days,
        });
    }

    /// `trunk_recording_enabled` in a trunk's `properties`, usually
    /// `jsonencode({"trunk_recording_enabled": {"value": {"instance": true}}, ...})`.
    fn trunk(&mut self, name: &Member, body: &Json) {
        let Some(properties) = body.get("properties") else {
            return;
        };
        let trunk = body.get("name").and_then(tf_str).unwrap_or(&name.key);
        let recorder = format!("trunk_recording_enabled of trunk `{trunk}`");
        let (span, enabled) = match member(properties, "trunk_recording_enabled") {
            Some(setting) => {
                let instance = setting
                    .value
                    .get("value")
                    .and_then(|value| value.get("instance"));
                let enabled = match instance.and_then(tf_bool) {
                    Some(enabled) => Setting::Known(enabled),
                    None => Setting::Unknown(self.text(instance.unwrap_or(&setting.value))),
                };
                (setting.key_span, enabled)
            }
            // Properties as an expression or a JSON string: what they
            // mention is not read.
            None if !matches!(properties.value, Value::Object(_))
                && self.text(properties).contains("trunk_recording_enabled") =>
            {
                (properties.span, Setting::Unknown(self.text(properties)))
            }
            None => return,
        };
        self.infrastructure.recorders.push(InfraRecorder {
            platform: Platform::Genesys,
            name: recorder,
            span,
            enabled,
        });
    }

    /// The region settings of a `provider "aws"`, `"genesyscloud"` or
    /// `"twilio"` block.
    fn provider(&mut self, provider: &Member, body: &Json) {
        let settings: &[(&str, Platform)] = match provider.key.as_str() {
            "aws" => &[("region", Platform::Aws)],
            "genesyscloud" => &[("aws_region", Platform::Genesys)],
            "twilio" => &[("region", Platform::Twilio), ("edge", Platform::Twilio)],
            _ => return,
        };
        let alias = body.get("alias").and_then(tf_str);
        for &(attribute, platform) in settings {
            let Some(setting) = member(body, attribute) else {
                continue;
            };
            let mut name = format!("provider \"{}\"", provider.key);
            if settings.len() > 1 {
                name = format!("{name} {attribute}");
            }
            if let Some(alias) = alias {
                name = format!("{name} (alias \"{alias}\")");
            }
            let region = match tf_str(&setting.value) {
                Some(region) => Setting::Known(region.to_string()),
                None => Setting::Unknown(self.text(&setting.value)),
            };
            self.infrastructure.regions.push(RegionSetting {
                platform,
                name,
                span: Span::new(
                    setting.key_span.file,
                    setting.key_span.start as usize,
                    setting.value.span.end as usize,
                ),
                region,
            });
        }
    }

    // CloudFormation.

    fn cloudformation(&mut self, root: &Json, scope: &Scope) {
        let Some(resources) = root.get("Resources") else {
            return;
        };
        for resource in resources.members() {
            let properties = resource.value.get("Properties");
            let property = |key: &str| properties.and_then(|properties| member(properties, key));
            match resource.value.get("Type").and_then(Json::as_str) {
                Some("AWS::Connect::InstanceStorageConfig") => {
                    let recordings = property("ResourceType").and_then(|t| t.value.as_str())
                        == Some("CALL_RECORDINGS");
                    if !recordings {
                        continue;
                    }
                    let (bucket, encryption) = match property("S3Config") {
                        Some(s3) if intrinsic(&s3.value) => (
                            None,
                            Encryption::Unknown {
                                span: s3.value.span,
                                expression: self.text(&s3.value),
                            },
                        ),
                        Some(s3) => (
                            member(&s3.value, "BucketName"),
                            self.cfn_encryption(member(&s3.value, "EncryptionConfig")),
                        ),
                        None => (None, Encryption::Missing),
                    };
                    let bucket = bucket.map(|b| (&b.value, cfn_target(resources, &b.value)));
                    self.add_storage(
                        scope,
                        resource.key.clone(),
                        resource.key_span,
                        bucket,
                        encryption,
                    );
                }
                Some("AWS::S3::Bucket") => {
                    let encryption = self.cfn_encryption(property("BucketEncryption"));
                    self.add_bucket(
                        scope,
                        Bucket {
                            key: resource.key.clone(),
                            bucket_name: property("BucketName")
                                .and_then(|name| name.value.as_str())
                                .map(str::to_string),
                            span: resource.key_span,
                            encryption,
                        },
                    );
                    let rules = property("LifecycleConfiguration")
                        .and_then(|lifecycle| lifecycle.value.get("Rules"))
                        .map_or(&[][..], Json::as_array);
                    let target = Target::Address(resource.key.clone());
                    for rule in rules {
                        if rule.get("Status").and_then(Json::as_str) == Some("Disabled") {
                            continue;
                        }
                        if let Some(days) = member(rule, "ExpirationInDays") {
                            let setting = self.days(&days.value, days.value.as_text().as_deref());
                            self.add_expiration(
                                scope,
                                target.clone(),
                                days.key_span,
                                Some(setting),
                            );
                        } else if let Some(date) = member(rule, "ExpirationDate") {
                            self.add_expiration(scope, target.clone(), date.key_span, None);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn cfn_encryption(&self, setting: Option<&Member>) -> Encryption {
        match setting {
            Some(setting) if intrinsic(&setting.value) => Encryption::Unknown {
                span: setting.value.span,
                expression: self.text(&setting.value),
            },
            Some(setting) => Encryption::Configured {
                span: setting.key_span,
            },
            None => Encryption::Missing,
        }
    }

    /// Resolves bucket references and tells apart bucket addresses defined
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
        let mut by_address: HashMap<(&Scope, &str), usize> = HashMap::new();
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        let mut definitions: HashMap<&str, usize> = HashMap::new();
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

/// What a nested block says about encryption.
fn encryption(block: Block) -> Encryption {
    match block {
        Block::Present(member, _) => Encryption::Configured {
            span: member.key_span,
        },
        Block::Computed(span, expression) => Encryption::Unknown { span, expression },
        Block::Absent => Encryption::Missing,
    }
}

/// The member `key` of an object.
fn member<'j>(node: &'j Json, key: &str) -> Option<&'j Member> {
    node.members().iter().find(|member| member.key == key)
}

/// A value, or the items of an array: Terraform JSON writes a repeated
/// block as an array.
fn each(value: &Json) -> &[Json] {
    match &value.value {
        Value::Array(items) => items,
        _ => std::slice::from_ref(value),
    }
}

/// The blocks (or object attributes) `key` of a body, with their members.
fn all<'j>(node: &'j Json, key: &'j str) -> impl Iterator<Item = (&'j Member, &'j Json)> {
    node.members()
        .iter()
        .filter(move |member| member.key == key)
        .flat_map(|member| each(&member.value).iter().map(move |value| (member, value)))
}

/// The `dynamic "key"` blocks of a body: their headers and bodies.
fn dynamic<'j>(node: &'j Json, key: &'j str) -> impl Iterator<Item = (&'j Member, &'j Json)> {
    all(node, "dynamic").flat_map(move |(_, dynamic)| all(dynamic, key))
}

/// The blocks `key` of a body and the `content` of its `dynamic "key"`
/// blocks, which may repeat it.
fn blocks<'j>(node: &'j Json, key: &'j str) -> impl Iterator<Item = (&'j Member, &'j Json)> {
    all(node, key).chain(dynamic(node, key).flat_map(|(header, dynamic)| {
        all(dynamic, "content").map(move |(_, content)| (header, content))
    }))
}

/// The first block along `keys`.
fn path<'j>(node: &'j Json, keys: &[&'j str]) -> Option<&'j Json> {
    keys.iter().try_fold(node, |node, key| {
        all(node, key).next().map(|(_, value)| value)
    })
}

/// A Terraform string written out: without `${` or `%{`, which make it an
/// expression in Terraform's JSON form.
fn tf_str(value: &Json) -> Option<&str> {
    value
        .as_str()
        .filter(|text| !text.contains("${") && !text.contains("%{"))
}

/// A Terraform number written out, as text.
fn tf_number(value: &Json) -> Option<&str> {
    match &value.value {
        Value::Number(number) => Some(number),
        _ => tf_str(value),
    }
}

/// A Terraform boolean written out (`true`, or the string `"true"`).
fn tf_bool(value: &Json) -> Option<bool> {
    match &value.value {
        Value::Bool(b) => Some(*b),
        _ => tf_str(value).and_then(|text| text.parse().ok()),
    }
}

/// What a Terraform bucket reference names: a literal name, or
/// `aws_s3_bucket.NAME.<attribute>` (also `NAME[0]`).
fn tf_target(value: &Json) -> Target {
    if let Some(name) = tf_str(value) {
        return Target::Name(name.to_string());
    }
    let Some(expression) = value
        .as_str()
        .and_then(|text| text.strip_prefix("${"))
        .and_then(|text| text.strip_suffix('}'))
    else {
        return Target::Unknown;
    };
    match expression.trim().split('.').collect::<Vec<_>>()[..] {
        ["aws_s3_bucket", name, _] => {
            let name = name.split('[').next().unwrap_or(name);
            Target::Address(format!("aws_s3_bucket.{name}"))
        }
        _ => Target::Unknown,
    }
}

/// A CloudFormation intrinsic function (`{"Ref": ...}`, `{"Fn::If": ...}`).
fn intrinsic(value: &Json) -> bool {
    matches!(value.members(), [only] if only.key == "Ref" || only.key == "Condition" || only.key.starts_with("Fn::"))
}

/// What a CloudFormation bucket reference names: a literal name, or a
/// `Ref` to a resource of the template.
fn cfn_target(resources: &Json, value: &Json) -> Target {
    if let Some(name) = value.as_str() {
        return Target::Name(name.to_string());
    }
    match value.get("Ref").and_then(Json::as_str) {
        Some(id) if resources.get(id).is_some() => Target::Address(id.to_string()),
        _ => Target::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;
    use crate::parse::{Comment, Problems};
    use crate::source::SourceFile;

    struct Loaded {
        infrastructure: Infrastructure,
        problems: Problems,
        sources: SourceMap,
        comments: HashMap<FileId, Vec<Comment>>,
    }

    impl Loaded {
        fn text(&self, span: Span) -> &str {
            self.sources.slice(span)
        }

        fn storage(&self, name: &str) -> &RecordingStorage {
            let found = self.infrastructure.storages.iter().find(|s| s.name == name);
            found.unwrap_or_else(|| panic!("no storage {name}: {:?}", self.infrastructure.storages))
        }

        fn bucket(&self, key: &str) -> &Bucket {
            let found = self.infrastructure.buckets.iter().find(|b| b.key == key);
            found.unwrap_or_else(|| panic!("no bucket {key}: {:?}", self.infrastructure.buckets))
        }

        /// What an encryption setting is, with the text it points at.
        fn encryption(&self, encryption: &Encryption) -> String {
            match encryption {
                Encryption::Configured { span } => format!("configured at {}", self.text(*span)),
                Encryption::Missing => "missing".into(),
                Encryption::Unknown { span, expression } => {
                    format!("unknown at {}: {expression}", self.text(*span))
                }
            }
        }
    }

    fn load_files(files: &[(&str, InfraSource, &str)]) -> Loaded {
        let mut sources = SourceMap::default();
        let ids: Vec<(FileId, InfraSource)> = files
            .iter()
            .map(|&(path, source, text)| {
                let file = SourceFile::new(path.into(), path.into(), text.into());
                (sources.add(file), source)
            })
            .collect();
        let config = Config::default_for(Path::new("."));
        let mut problems = Problems::default();
        let mut cx = LoadContext {
            sources: &mut sources,
            problems: &mut problems,
            config: &config,
            roots: &[],
            cwd: Path::new("."),
            jobs: 1,
        };
        let lowered = load(&ids, &mut cx);
        Loaded {
            infrastructure: lowered.infrastructure,
            problems,
            sources,
            comments: lowered.comments,
        }
    }

    fn terraform(text: &str) -> Loaded {
        load_files(&[("main.tf", InfraSource::Terraform, text)])
    }

    const CONNECT: &str = r#"
provider "aws" {
  region = "eu-central-1"
}

# reclint: ignore[REC017] -- the key is managed elsewhere
resource "aws_connect_instance_storage_config" "recordings" {
  instance_id   = aws_connect_instance.this.id
  resource_type = "CALL_RECORDINGS"
  storage_config {
    storage_type = "S3"
    s3_config {
      bucket_name   = aws_s3_bucket.rec.id
      bucket_prefix = "connect/"
      encryption_config {
        encryption_type = "KMS"
        key_id          = aws_kms_key.rec.arn
      }
    }
  }
}

resource "aws_connect_instance_storage_config" "plain" {
  instance_id   = aws_connect_instance.this.id
  resource_type = "CALL_RECORDINGS"
  storage_config {
    storage_type = "S3"
    s3_config {
      bucket_name = "literal-recordings"
    }
  }
}

resource "aws_connect_instance_storage_config" "transcripts" {
  resource_type = "CHAT_TRANSCRIPTS"
  storage_config {
    s3_config {
      bucket_name = aws_s3_bucket.rec.id
    }
  }
}

resource "aws_connect_instance_storage_config" "chosen" {
  resource_type = var.resource_type
  storage_config {
    s3_config {
      bucket_name = aws_s3_bucket.rec.id
    }
  }
}

resource "aws_connect_instance_storage_config" "dynamic" {
  resource_type = "CALL_RECORDINGS"
  storage_config {
    s3_config {
      bucket_name = var.bucket
      dynamic "encryption_config" {
        for_each = var.kms_key == null ? [] : [var.kms_key]
        content {
          encryption_type = "KMS"
          key_id          = encryption_config.value
        }
      }
    }
  }
}

resource "aws_s3_bucket" "rec" {
  bucket = "recordings"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "rec" {
  bucket = aws_s3_bucket.rec.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "rec" {
  bucket = aws_s3_bucket.rec.id
  rule {
    id     = "expire"
    status = "Enabled"
    expiration {
      days = 90
    }
  }
  rule {
    id     = "off"
    status = "Disabled"
    expiration {
      days = 1
    }
  }
  rule {
    id     = "markers"
    status = "Enabled"
    expiration {
      expired_object_delete_marker = true
    }
  }
}

resource "aws_s3_bucket" "legacy" {
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
  lifecycle_rule {
    enabled = true
    expiration {
      days = var.retention_days
    }
  }
  lifecycle_rule {
    enabled = false
    expiration {
      days = 7
    }
  }
}

resource "aws_s3_bucket" "open" {
}
"#;

    #[test]
    fn connect_storage_resources_and_their_buckets() {
        let loaded = terraform(CONNECT);
        assert!(loaded.problems.parse_errors.is_empty());
        let names: Vec<&str> = loaded
            .infrastructure
            .storages
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        // Other resource types, and a type set by a variable, are not
        // recording storage.
        assert_eq!(
            names,
            [
                "aws_connect_instance_storage_config.recordings",
                "aws_connect_instance_storage_config.plain",
                "aws_connect_instance_storage_config.dynamic"
            ]
        );

        let recordings = loaded.storage("aws_connect_instance_storage_config.recordings");
        assert_eq!(
            loaded.text(recordings.span),
            "resource \"aws_connect_instance_storage_config\" \"recordings\""
        );
        assert_eq!(
            loaded.encryption(&recordings.encryption),
            "configured at encryption_config"
        );
        let bucket = recordings.bucket.as_ref().expect("bucket");
        assert_eq!(bucket.text, "aws_s3_bucket.rec.id");
        assert_eq!(bucket.key.as_deref(), Some("aws_s3_bucket.rec"));

        let plain = loaded.storage("aws_connect_instance_storage_config.plain");
        assert_eq!(loaded.encryption(&plain.encryption), "missing");
        let bucket = plain.bucket.as_ref().expect("bucket");
        assert_eq!(bucket.key.as_deref(), Some("literal-recordings"));

        let dynamic = loaded.storage("aws_connect_instance_storage_config.dynamic");
        assert_eq!(
            loaded.encryption(&dynamic.encryption),
            "unknown at dynamic \"encryption_config\": var.kms_key == null ? [] : [var.kms_key]"
        );
        let bucket = dynamic.bucket.as_ref().expect("bucket");
        assert_eq!(
            (bucket.text.as_str(), bucket.key.as_deref()),
            ("var.bucket", None)
        );
    }

    #[test]
    fn buckets_encryption_and_lifecycle() {
        let loaded = terraform(CONNECT);
        let rec = loaded.bucket("aws_s3_bucket.rec");
        assert_eq!(rec.bucket_name.as_deref(), Some("recordings"));
        assert_eq!(loaded.text(rec.span), "resource \"aws_s3_bucket\" \"rec\"");
        assert_eq!(
            loaded.encryption(&rec.encryption),
            "configured at resource \"aws_s3_bucket_server_side_encryption_configuration\" \"rec\""
        );
        let legacy = loaded.bucket("aws_s3_bucket.legacy");
        assert_eq!(
            loaded.encryption(&legacy.encryption),
            "configured at server_side_encryption_configuration"
        );
        assert_eq!(
            loaded.encryption(&loaded.bucket("aws_s3_bucket.open").encryption),
            "missing"
        );

        let deletions: Vec<(DeletionKind, &str, Option<Setting<u32>>)> = loaded
            .infrastructure
            .deletions
            .iter()
            .map(|d| (d.kind.clone(), loaded.text(d.span), d.days.clone()))
            .collect();
        let lifecycle = |bucket: &str| DeletionKind::S3Lifecycle {
            bucket: Some(bucket.to_string()),
        };
        assert_eq!(
            deletions,
            [
                (
                    lifecycle("aws_s3_bucket.rec"),
                    "expiration",
                    Some(Setting::Known(90))
                ),
                (
                    lifecycle("aws_s3_bucket.legacy"),
                    "expiration",
                    Some(Setting::Unknown("var.retention_days".into()))
                ),
            ]
        );
    }

    #[test]
    fn comments_are_kept_for_directives() {
        let loaded = terraform(CONNECT);
        let comments = loaded.comments.values().next().expect("comments");
        assert_eq!(
            comments[0].text,
            " reclint: ignore[REC017] -- the key is managed elsewhere"
        );
        assert!(comments[0].own_line);
    }

    #[test]
    fn storage_passed_as_a_map_in_locals_or_module_arguments() {
        let loaded = terraform(
            r#"
locals {
  instance_storage_configs = {
    CALL_RECORDINGS = {
      storage_type = "S3"
      s3_config = {
        bucket_name = aws_s3_bucket.this.id
        encryption_config = {
          encryption_type = "KMS"
          key_id          = aws_kms_key.this.arn
        }
      }
    }
    CHAT_TRANSCRIPTS = {
      storage_type = "S3"
      s3_config = {
        bucket_name = aws_s3_bucket.this.id
      }
    }
  }
}

module "connect" {
  source = "./connect"
  storage = {
    CALL_RECORDINGS = {
      s3_config = {
        bucket_name = "other"
      }
    }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = join("-", [var.env, "rec"])
}
"#,
        );
        let local = loaded.storage("local.instance_storage_configs.CALL_RECORDINGS");
        assert_eq!(loaded.text(local.span), "CALL_RECORDINGS");
        assert_eq!(
            loaded.encryption(&local.encryption),
            "configured at encryption_config"
        );
        let bucket = local.bucket.as_ref().expect("bucket");
        assert_eq!(bucket.key.as_deref(), Some("aws_s3_bucket.this"));
        let module = loaded.storage("module.connect.storage.CALL_RECORDINGS");
        assert_eq!(loaded.encryption(&module.encryption), "missing");
        assert_eq!(loaded.infrastructure.storages.len(), 2);
        // A computed bucket name is not a literal name.
        assert_eq!(loaded.bucket("aws_s3_bucket.this").bucket_name, None);
    }

    #[test]
    fn provider_regions() {
        let loaded = terraform(
            r#"
provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "us"
  region = var.region
}
provider "genesyscloud" {
  aws_region = "us-east-1"
}
provider "twilio" {
  region = "ie1"
  edge   = "dublin"
}
provider "google" {
  region = "us-central1"
}
"#,
        );
        let regions: Vec<(Platform, &str, &str, Setting<String>)> = loaded
            .infrastructure
            .regions
            .iter()
            .map(|r| {
                (
                    r.platform,
                    r.name.as_str(),
                    loaded.text(r.span),
                    r.region.clone(),
                )
            })
            .collect();
        let known = |region: &str| Setting::Known(region.to_string());
        assert_eq!(
            regions,
            [
                (
                    Platform::Aws,
                    "provider \"aws\"",
                    "region = \"eu-west-1\"",
                    known("eu-west-1")
                ),
                (
                    Platform::Aws,
                    "provider \"aws\" (alias \"us\")",
                    "region = var.region",
                    Setting::Unknown("var.region".into())
                ),
                (
                    Platform::Genesys,
                    "provider \"genesyscloud\"",
                    "aws_region = \"us-east-1\"",
                    known("us-east-1")
                ),
                (
                    Platform::Twilio,
                    "provider \"twilio\" region",
                    "region = \"ie1\"",
                    known("ie1")
                ),
                (
                    Platform::Twilio,
                    "provider \"twilio\" edge",
                    "edge   = \"dublin\"",
                    known("dublin")
                ),
            ]
        );
    }

    #[test]
    fn genesys_retention_policies_and_trunk_recording() {
        let loaded = terraform(
            r#"
resource "genesyscloud_recording_media_retention_policy" "eu" {
  name    = "eu-inbound"
  enabled = true
  media_policies {
    call_policy {
      actions {
        retention_duration {
          delete_retention {
            days = 90
          }
        }
      }
    }
  }
}

resource "genesyscloud_recording_media_retention_policy" "off" {
  name    = "off"
  enabled = false
  media_policies {
    call_policy {
      actions {
        retention_duration {
          delete_retention {
            days = var.days
          }
        }
      }
    }
  }
}

resource "genesyscloud_recording_media_retention_policy" "keep" {
  name    = "keep-forever"
  enabled = true
  media_policies {
    call_policy {
      actions {
        retain_recording = true
      }
    }
  }
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "external" {
  name = "Main trunk"
  properties = jsonencode({
    "trunk_recording_enabled" : {
      "value" : {
        "instance" : true
      }
    },
    "trunk_recording_consent_required" : {
      "value" : {
        "instance" : false
      }
    }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "computed" {
  name = "Computed"
  properties = jsonencode({
    "trunk_recording_enabled" = { "value" = { "instance" = var.record } }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "edge" {
  name = "Edge"
  properties = jsonencode({
    "trunk_label" = { "value" = { "instance" = "Edge" } }
  })
}

resource "genesyscloud_telephony_providers_edges_trunkbasesettings" "templated" {
  name       = "Templated"
  properties = templatefile("trunk.json", { trunk_recording_enabled = true })
}
"#,
        );
        let policies: Vec<(DeletionKind, &str, Option<Setting<u32>>)> = loaded
            .infrastructure
            .deletions
            .iter()
            .map(|d| (d.kind.clone(), loaded.text(d.span), d.days.clone()))
            .collect();
        assert_eq!(
            policies,
            [
                (
                    DeletionKind::GenesysRetentionPolicy {
                        name: "eu-inbound".into(),
                        enabled: true
                    },
                    "resource \"genesyscloud_recording_media_retention_policy\" \"eu\"",
                    Some(Setting::Known(90))
                ),
                (
                    DeletionKind::GenesysRetentionPolicy {
                        name: "off".into(),
                        enabled: false
                    },
                    "resource \"genesyscloud_recording_media_retention_policy\" \"off\"",
                    Some(Setting::Unknown("var.days".into()))
                ),
            ]
        );
        let recorders: Vec<(&str, &str, Setting<bool>)> = loaded
            .infrastructure
            .recorders
            .iter()
            .map(|r| (r.name.as_str(), loaded.text(r.span), r.enabled.clone()))
            .collect();
        assert_eq!(
            recorders,
            [
                (
                    "trunk_recording_enabled of trunk `Main trunk`",
                    "\"trunk_recording_enabled\"",
                    Setting::Known(true)
                ),
                (
                    "trunk_recording_enabled of trunk `Computed`",
                    "\"trunk_recording_enabled\"",
                    Setting::Unknown("var.record".into())
                ),
                (
                    "trunk_recording_enabled of trunk `Templated`",
                    "templatefile(\"trunk.json\", { trunk_recording_enabled = true })",
                    Setting::Unknown(
                        "templatefile(\"trunk.json\", { trunk_recording_enabled = true })".into()
                    )
                ),
            ]
        );
    }

    #[test]
    fn terraform_json_is_read_like_hcl() {
        let loaded = load_files(&[(
            "main.tf.json",
            InfraSource::Terraform,
            r#"{
  "provider": {"aws": [{"region": "eu-north-1"}]},
  "resource": {
    "aws_connect_instance_storage_config": {
      "rec": {
        "resource_type": "CALL_RECORDINGS",
        "storage_config": [{"s3_config": [{"bucket_name": "${aws_s3_bucket.rec.id}"}]}]
      }
    },
    "aws_s3_bucket": {"rec": {"bucket": "recordings"}}
  }
}"#,
        )]);
        let storage = loaded.storage("aws_connect_instance_storage_config.rec");
        assert_eq!(loaded.text(storage.span), "\"rec\"");
        assert_eq!(loaded.encryption(&storage.encryption), "missing");
        let bucket = storage.bucket.as_ref().expect("bucket");
        assert_eq!(bucket.key.as_deref(), Some("aws_s3_bucket.rec"));
        assert_eq!(
            loaded.infrastructure.regions[0].region,
            Setting::Known("eu-north-1".into())
        );
    }

    const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Description: Aufnahmen für das Kundenzentrum — Größe ändern
Parameters:
  BucketName:
    Type: String
Resources:
  # reclint: ignore[REC015] -- retention is set by the records team
  RecordingBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: aufnahmen-büro
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
      LifecycleConfiguration:
        Rules:
          - Id: expire
            Status: Enabled
            ExpirationInDays: 365
          - Id: off
            Status: Disabled
            ExpirationInDays: 1
  OpenBucket:
    Type: AWS::S3::Bucket
  ChosenBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption: !If [UseKms, {ServerSideEncryptionConfiguration: []}, !Ref AWS::NoValue]
  Storage:
    Type: AWS::Connect::InstanceStorageConfig
    Properties:
      InstanceArn: !Ref Instance
      ResourceType: CALL_RECORDINGS
      StorageType: S3
      S3Config:
        BucketName: !Ref RecordingBucket
        BucketPrefix: calls
        EncryptionConfig:
          EncryptionType: KMS
          KeyId: !GetAtt Key.Arn
  ParameterStorage:
    Type: AWS::Connect::InstanceStorageConfig
    Properties:
      ResourceType: CALL_RECORDINGS
      S3Config:
        BucketName: !Ref BucketName
  Transcripts:
    Type: AWS::Connect::InstanceStorageConfig
    Properties:
      ResourceType: CHAT_TRANSCRIPTS
"#;

    #[test]
    fn cloudformation_yaml_storage_and_buckets() {
        let loaded = load_files(&[("stack.yaml", InfraSource::CloudFormation, TEMPLATE)]);
        assert!(loaded.problems.parse_errors.is_empty());
        assert_eq!(loaded.infrastructure.storages.len(), 2);
        let storage = loaded.storage("Storage");
        assert_eq!(loaded.text(storage.span), "Storage");
        assert_eq!(
            loaded.encryption(&storage.encryption),
            "configured at EncryptionConfig"
        );
        let bucket = storage.bucket.as_ref().expect("bucket");
        assert_eq!(bucket.text, "!Ref RecordingBucket");
        assert_eq!(bucket.key.as_deref(), Some("RecordingBucket"));
        // A template parameter is not resolved.
        let parameter = loaded.storage("ParameterStorage");
        assert_eq!(loaded.encryption(&parameter.encryption), "missing");
        assert_eq!(parameter.bucket.as_ref().expect("bucket").key, None);

        let recording = loaded.bucket("RecordingBucket");
        assert_eq!(recording.bucket_name.as_deref(), Some("aufnahmen-büro"));
        assert_eq!(
            loaded.encryption(&recording.encryption),
            "configured at BucketEncryption"
        );
        assert_eq!(
            loaded.encryption(&loaded.bucket("OpenBucket").encryption),
            "missing"
        );
        assert_eq!(
            loaded.encryption(&loaded.bucket("ChosenBucket").encryption),
            "unknown at !If [UseKms, {ServerSideEncryptionConfiguration: []}, !Ref AWS::NoValue]: \
             !If [UseKms, {ServerSideEncryptionConfiguration: []}, !Ref AWS::NoValue]"
        );

        let deletions: Vec<(DeletionKind, &str, Option<Setting<u32>>)> = loaded
            .infrastructure
            .deletions
            .iter()
            .map(|d| (d.kind.clone(), loaded.text(d.span), d.days.clone()))
            .collect();
        assert_eq!(
            deletions,
            [(
                DeletionKind::S3Lifecycle {
                    bucket: Some("RecordingBucket".into())
                },
                "ExpirationInDays",
                Some(Setting::Known(365))
            )]
        );
        assert!(loaded.infrastructure.regions.is_empty());
        let comments = loaded.comments.values().next().expect("comments");
        assert_eq!(
            comments[0].text,
            " reclint: ignore[REC015] -- retention is set by the records team"
        );
    }

    #[test]
    fn cloudformation_json_and_flow_templates() {
        let template = r#"{
  "Resources": {
    "Rec": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {"Ref": "Encryption"}}},
    "Flow": {"Type": "AWS::Connect::ContactFlow", "Properties": {"Content": "{\"Actions\": []}"}}
  }
}"#;
        for source in [InfraSource::CloudFormation, InfraSource::FlowTemplate] {
            let loaded = load_files(&[("stack.json", source, template)]);
            let rec = loaded.bucket("Rec");
            assert_eq!(
                loaded.encryption(&rec.encryption),
                "unknown at {\"Ref\": \"Encryption\"}: {\"Ref\": \"Encryption\"}"
            );
        }
        // A flow file that does not parse is reported once, by the flow reader.
        let broken = "{\"Resources\": ";
        let loaded = load_files(&[("flows.json", InfraSource::FlowTemplate, broken)]);
        assert!(loaded.problems.parse_errors.is_empty());
        let loaded = load_files(&[("stack.json", InfraSource::CloudFormation, broken)]);
        assert_eq!(loaded.problems.parse_errors.len(), 1);
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
