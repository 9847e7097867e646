//! Terraform's storage facts: `aws_connect_instance_storage_config` with
//! `resource_type = "CALL_RECORDINGS"`, and the same settings passed on as a
//! map entry keyed `CALL_RECORDINGS` (holding `s3_config`) in `locals` or in
//! a module's arguments; `aws_s3_bucket` with its server-side encryption
//! (inline, or a separate `aws_s3_bucket_server_side_encryption_configuration`)
//! and its lifecycle expiration (legacy inline `lifecycle_rule`, or a
//! separate `aws_s3_bucket_lifecycle_configuration`); the Genesys Cloud
//! resources `genesys` reads; the regions of the `aws`, `genesyscloud` and
//! `twilio` providers. HCL and `*.tf.json` are both read in Terraform's JSON
//! form.

use super::{Reader, Reference, Scope, Target, member};
use crate::parse::json::{Json, Member, Value};
use crate::source::Span;
use crate::storage::{Bucket, Encryption, Platform, RegionSetting, Setting};

/// A nested Terraform block as written.
enum Block<'j> {
    /// The block (or object attribute): its member and its body.
    Present(&'j Member, &'j Json),
    /// Set by an expression or a `dynamic` block: where, and the expression.
    Computed(Span, String),
    Absent,
}

impl Reader<'_> {
    /// The resources, locals, module arguments and providers of a file.
    pub(super) fn terraform(&mut self, root: &Json, scope: &Scope) {
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
            _ => self.genesys_resource(kind, name, body),
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

/// A value, or the items of an array: Terraform JSON writes a repeated
/// block as an array.
pub(super) fn each(value: &Json) -> &[Json] {
    match &value.value {
        Value::Array(items) => items,
        _ => std::slice::from_ref(value),
    }
}

/// The blocks (or object attributes) `key` of a body, with their members.
pub(super) fn all<'j>(node: &'j Json, key: &'j str) -> impl Iterator<Item = (&'j Member, &'j Json)> {
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
pub(super) fn path<'j>(node: &'j Json, keys: &[&'j str]) -> Option<&'j Json> {
    keys.iter().try_fold(node, |node, key| {
        all(node, key).next().map(|(_, value)| value)
    })
}

/// A Terraform string written out: without `${` or `%{`, which make it an
/// expression in Terraform's JSON form.
pub(super) fn tf_str(value: &Json) -> Option<&str> {
    value
        .as_str()
        .filter(|text| !text.contains("${") && !text.contains("%{"))
}

/// A Terraform number written out, as text.
pub(super) fn tf_number(value: &Json) -> Option<&str> {
    match &value.value {
        Value::Number(number) => Some(number),
        _ => tf_str(value),
    }
}

/// A Terraform boolean written out (`true`, or the string `"true"`).
pub(super) fn tf_bool(value: &Json) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::super::InfraSource;
    use super::super::tests::{Loaded, load_files};
    use crate::storage::{DeletionKind, Platform, Setting};

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
}
