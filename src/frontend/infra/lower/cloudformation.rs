//! CloudFormation's storage facts: `AWS::Connect::InstanceStorageConfig` for
//! `CALL_RECORDINGS`, and `AWS::S3::Bucket` with `BucketEncryption` and
//! lifecycle expiration. A template does not fix its region (the stack it
//! is deployed to does), so templates give no region. YAML and JSON
//! templates are both read in the JSON form.

use super::{Reader, Scope, Target, member};
use crate::parse::json::{Json, Member};
use crate::storage::{Bucket, Encryption};

impl Reader<'_> {
    /// The resources of a template.
    pub(super) fn cloudformation(&mut self, root: &Json, scope: &Scope) {
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
                        resource.key.to_string(),
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
                            key: resource.key.to_string(),
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
                    let target = Target::Address(resource.key.to_string());
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
    use super::super::InfraSource;
    use super::super::tests::load_files;
    use crate::storage::{DeletionKind, Setting};

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
        for source in [InfraSource::CloudFormation, InfraSource::EmbeddedTemplate] {
            let loaded = load_files(&[("stack.json", source, template)]);
            let rec = loaded.bucket("Rec");
            assert_eq!(
                loaded.encryption(&rec.encryption),
                "unknown at {\"Ref\": \"Encryption\"}: {\"Ref\": \"Encryption\"}"
            );
        }
        // A flow file that does not parse is reported once, by the flow reader.
        let broken = "{\"Resources\": ";
        let loaded = load_files(&[("flows.json", InfraSource::EmbeddedTemplate, broken)]);
        assert!(loaded.problems.parse_errors.is_empty());
        let loaded = load_files(&[("stack.json", InfraSource::CloudFormation, broken)]);
        assert_eq!(loaded.problems.parse_errors.len(), 1);
    }
}
