//! What infrastructure-as-code (Terraform, CloudFormation) says about where
//! recordings are stored, how they are protected, where they are processed
//! and when they are deleted. The storage and retention rules (REC015,
//! REC017, REC018) read this model; the infrastructure front end fills it
//! from Terraform and from CloudFormation (`parse::cloudformation`).
//!
//! A value the files do not fix (a variable, a module output, a template
//! parameter) is `Setting::Unknown`: reclint never guesses it.

use crate::source::Span;

/// Everything the scanned infrastructure files say about recordings.
#[derive(Debug, Default)]
pub struct Infrastructure {
    /// Where recordings are written (Connect `CALL_RECORDINGS` storage).
    pub storages: Vec<RecordingStorage>,
    /// Buckets defined in the files, with their encryption and lifecycle.
    pub buckets: Vec<Bucket>,
    /// Mechanisms that delete recordings after a time.
    pub deletions: Vec<Deletion>,
    /// Regions a recording platform stores or processes data in.
    pub regions: Vec<RegionSetting>,
    /// Recording switched on outside any flow (Genesys trunk recording).
    pub recorders: Vec<InfraRecorder>,
}

impl Infrastructure {
    /// Adds what other files say.
    pub fn extend(&mut self, other: Infrastructure) {
        self.storages.extend(other.storages);
        self.buckets.extend(other.buckets);
        self.deletions.extend(other.deletions);
        self.regions.extend(other.regions);
        self.recorders.extend(other.recorders);
    }
}

/// Which platform a setting belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Platform {
    Aws,
    Genesys,
    Twilio,
}

impl Platform {
    pub fn name(self) -> &'static str {
        match self {
            Platform::Aws => "AWS",
            Platform::Genesys => "Genesys Cloud",
            Platform::Twilio => "Twilio",
        }
    }
}

/// A value as the files give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting<T> {
    Known(T),
    /// Set by an expression the files do not resolve; the expression's text.
    Unknown(String),
}

/// A place where call recordings are written.
#[derive(Debug)]
pub struct RecordingStorage {
    /// How messages name it: `aws_connect_instance_storage_config.call_recordings`,
    /// `local.instance_storage_configs.CALL_RECORDINGS`, a CloudFormation
    /// logical id.
    pub name: String,
    /// The resource, block or map entry that configures it.
    pub span: Span,
    /// The bucket recordings go to, when the storage names one.
    pub bucket: Option<BucketRef>,
    /// The storage's own encryption setting (Connect `encryption_config`).
    pub encryption: Encryption,
}

/// A reference to a bucket from a storage setting.
#[derive(Debug, Clone)]
pub struct BucketRef {
    /// As written: `aws_s3_bucket.rec.id`, `!Ref RecordingBucket`, a literal.
    pub text: String,
    pub span: Span,
    /// The bucket's key in `Infrastructure::buckets` when the reference
    /// resolves to a bucket defined in the files (`aws_s3_bucket.rec`,
    /// a CloudFormation logical id), or a literal bucket name.
    pub key: Option<String>,
}

/// Encryption at rest of a storage or bucket.
#[derive(Debug, Clone)]
pub enum Encryption {
    /// Encryption is configured; the span of the setting.
    Configured { span: Span },
    /// The place where the setting belongs has none.
    Missing,
    /// Set by an expression the files do not resolve.
    Unknown { span: Span, expression: String },
}

/// A bucket defined in the files.
#[derive(Debug)]
pub struct Bucket {
    /// `aws_s3_bucket.rec` or a CloudFormation logical id; literal bucket
    /// names match `BucketRef::key` too when the files give one.
    pub key: String,
    /// The literal bucket name, when the files give one.
    pub bucket_name: Option<String>,
    pub span: Span,
    /// Server-side encryption, inline or from a separate
    /// `aws_s3_bucket_server_side_encryption_configuration`.
    pub encryption: Encryption,
}

/// Something that deletes recordings after a time.
#[derive(Debug)]
pub struct Deletion {
    pub kind: DeletionKind,
    pub span: Span,
    /// After how many days recordings are deleted, when the files say.
    pub days: Option<Setting<u32>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeletionKind {
    /// An S3 lifecycle rule that expires objects; the bucket's key.
    S3Lifecycle { bucket: Option<String> },
    /// A Genesys Cloud media retention policy (`delete_retention`).
    GenesysRetentionPolicy { name: String, enabled: bool },
}

/// A region setting of a platform that records calls.
#[derive(Debug)]
pub struct RegionSetting {
    pub platform: Platform,
    /// `provider "aws"`, `provider "twilio" edge`, …: how messages name it.
    pub name: String,
    pub span: Span,
    pub region: Setting<String>,
}

/// Recording switched on by a platform setting rather than a flow step.
#[derive(Debug)]
pub struct InfraRecorder {
    pub platform: Platform,
    /// How messages name it, e.g. `trunk_recording_enabled` of trunk `Main`.
    pub name: String,
    pub span: Span,
    pub enabled: Setting<bool>,
}
