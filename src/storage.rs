//! What infrastructure-as-code (Terraform, CloudFormation) says about where
//! recordings are stored, how they are protected, where they are processed
//! and when they are deleted, and what a platform's settings record and do
//! with recordings outside any flow (Genesys Cloud trunks, queues, policies).
//! The storage and retention rules (REC015, REC017, REC018) read this model;
//! the infrastructure front end fills it from Terraform and from
//! CloudFormation (`parse::cloudformation`), and turns the platform
//! recorders into a call-flow graph for the flow rules.
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
    /// Queues and whether callers waiting in them are recorded.
    pub queues: Vec<QueueRecording>,
    /// Transcription and speech analytics switched on by a setting.
    pub analytics: Vec<AnalyticsSetting>,
    /// Uses a platform puts recordings to (Genesys quality evaluations).
    pub uses: Vec<RecordingUse>,
    /// Recordings copied to storage a third party runs.
    pub exports: Vec<RecordingExport>,
}

impl Infrastructure {
    /// Adds what other files say.
    pub fn extend(&mut self, other: Infrastructure) {
        self.storages.extend(other.storages);
        self.buckets.extend(other.buckets);
        self.deletions.extend(other.deletions);
        self.regions.extend(other.regions);
        self.recorders.extend(other.recorders);
        self.queues.extend(other.queues);
        self.analytics.extend(other.analytics);
        self.uses.extend(other.uses);
        self.exports.extend(other.exports);
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
    /// What the setting belongs to: trunk `Main`.
    pub owner: String,
    pub span: Span,
    pub enabled: Setting<bool>,
    pub side: RecorderSide,
    /// Whether the recording waits until a flow enables participant
    /// recording (Genesys `trunk_recording_consent_required`), and where
    /// that is set; `None`: not set, so it does not wait.
    pub consent_required: Option<(Span, Setting<bool>)>,
    /// Whether a beep tone is played (Genesys `trunk_recording_beep_enabled`).
    pub beep: Option<(Span, Setting<bool>)>,
}

/// Where a platform recording is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecorderSide {
    /// On the trunk calls come in and go out by: every external call, from
    /// when it connects (Genesys trunk-side recording).
    Trunk,
    /// On the agents' phones, from when an agent joins (Genesys
    /// station-side recording, set on a phone trunk).
    Station,
}

/// A queue whose callers may be recorded while they wait.
#[derive(Debug)]
pub struct QueueRecording {
    /// `queue `Support``.
    pub name: String,
    /// The setting, or the queue's header when the default applies.
    pub span: Span,
    /// Whether waiting callers are recorded (Genesys
    /// `suppress_in_queue_call_recording = false`; the default suppresses).
    pub waiting_recorded: Setting<bool>,
}

/// Transcription or speech analytics switched on by a setting.
#[derive(Debug)]
pub struct AnalyticsSetting {
    /// What is switched on, for messages: `transcription`, `speech and text
    /// analytics`.
    pub feature: String,
    /// Where it is switched on: `media retention policy `QA``.
    pub name: String,
    pub span: Span,
    /// It scores the agent's emotions or empathy from transcripts (Genesys
    /// agent empathy).
    pub scores_agent: bool,
}

/// A use a platform puts recordings to, by a setting.
#[derive(Debug)]
pub struct RecordingUse {
    /// The purpose it is, as reclint.toml names purposes (`quality`).
    pub purpose: &'static str,
    /// What sets it: `assign_evaluations of media retention policy `QA``.
    pub name: String,
    pub span: Span,
}

/// Recordings exported to storage a third party runs (Genesys
/// `integration_export`).
#[derive(Debug)]
pub struct RecordingExport {
    pub name: String,
    pub span: Span,
    /// The integration they go through, as written.
    pub integration: String,
}
