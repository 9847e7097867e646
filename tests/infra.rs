//! What the infrastructure-as-code files of `../shared/corpus` (not part of
//! this repository) say about recording storage, retention and trunk
//! recording, read as `reclint check` reads them: discovered, parsed and
//! lowered. Skipped when the corpus is absent.

use std::path::PathBuf;

use reclint::config::Config;
use reclint::discover::{self, Content, FileFilter, FileKind};
use reclint::frontend::{Lowered, connect, genesys, infra};
use reclint::glob::GlobSet;
use reclint::parse::Problems;
use reclint::source::SourceMap;
use reclint::storage::{DeletionKind, Encryption, Infrastructure, Setting};
use reclint::workspace::Workspace;

struct Loaded {
    infrastructure: Infrastructure,
    problems: Problems,
    sources: SourceMap,
    kinds: Vec<(String, FileKind)>,
    /// Files with comments, by display path.
    commented: Vec<String>,
}

impl Loaded {
    fn kind_of(&self, file: &str) -> Option<FileKind> {
        self.kinds
            .iter()
            .find(|(path, _)| path.ends_with(file))
            .map(|&(_, kind)| kind)
    }

    fn encryption(&self, encryption: &Encryption) -> String {
        match encryption {
            Encryption::Configured { span } => {
                format!("configured at {}", self.sources.slice(*span))
            }
            Encryption::Missing => "missing".into(),
            Encryption::Unknown { expression, .. } => format!("unknown: {expression}"),
        }
    }
}

fn load_corpus(system: &str) -> Option<Loaded> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("../shared/corpus").join(system);
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    }
    let filter = FileFilter {
        base: dir.clone(),
        include: GlobSet::default(),
        exclude: GlobSet::default(),
        skip_dirs: Vec::new(),
    };
    let found = discover::discover(
        std::slice::from_ref(&dir),
        &filter,
        &dir,
        false,
        1,
        &reclint::files::Disk,
    )
    .expect("discovered");
    let mut kinds = Vec::new();
    for file in &found {
        match file.content {
            Content::Text { kind, .. } => kinds.push((file.display.clone(), kind)),
            Content::Unreadable { .. } => panic!("{} is unreadable", file.display),
            Content::Skipped { .. } | Content::Other(_) => {}
        }
    }
    let workspace = Workspace::new(found, std::slice::from_ref(&dir), &dir);
    let config = Config::default_for(&dir);
    let mut sources = SourceMap::default();
    let mut problems = Problems::default();
    let mut lowered = Lowered::default();
    for unit in workspace.units() {
        lowered.extend(
            workspace
                .load(unit, &mut sources, &mut problems, &config, 1)
                .0,
        );
    }
    let commented = lowered
        .comments
        .iter()
        .filter(|(_, comments)| !comments.is_empty())
        .map(|(&file, _)| sources.get(file).display.clone())
        .collect();
    Some(Loaded {
        infrastructure: lowered.infrastructure,
        problems,
        sources,
        kinds,
        commented,
    })
}

/// Parse errors, except the one corpus file that is invalid: an Amazon
/// Connect flow embedded in an export with a `\'` escape, which JSON does
/// not allow.
fn unexpected_parse_errors(loaded: &Loaded) -> Vec<String> {
    loaded
        .problems
        .parse_errors
        .iter()
        .map(|e| format!("{}: {}", loaded.sources.get(e.span.file).display, e.message))
        .filter(|e| !e.contains("awsscv_ddr_flow_cf.json"))
        .collect()
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn amazon_connect_storage() {
    let Some(loaded) = load_corpus("amazon-connect") else {
        return;
    };
    assert_eq!(unexpected_parse_errors(&loaded), Vec::<String>::new());
    assert_eq!(
        loaded.kind_of("instance_storage_configs.tf"),
        Some(infra::TERRAFORM)
    );
    // A template that deploys flows is read for its flows, and for its
    // storage as a template; flows in JSON stay flows.
    assert_eq!(
        loaded.kind_of("vmx3-contactflows.yaml"),
        Some(connect::CONNECT)
    );
    assert_eq!(
        loaded.kind_of("awsscv_ddr_flow_cf.json"),
        Some(connect::CONNECT)
    );

    let storages: Vec<(&str, String, Option<&str>, Option<&str>)> = loaded
        .infrastructure
        .storages
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                loaded.encryption(&s.encryption),
                s.bucket.as_ref().map(|b| b.text.as_str()),
                s.bucket.as_ref().and_then(|b| b.key.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        storages,
        [
            // The KMS-encrypted storage passed through a module's locals map;
            // CHAT_TRANSCRIPTS and the others are not recordings.
            (
                "local.instance_storage_configs.CALL_RECORDINGS",
                "configured at encryption_config".to_string(),
                Some("aws_s3_bucket.this.id"),
                Some("aws_s3_bucket.this"),
            ),
            // The literal resource; its bucket name is a local value.
            (
                "aws_connect_instance_storage_config.call_recordings",
                "configured at encryption_config".to_string(),
                Some("local.recordings_bucket_name"),
                None,
            ),
        ]
    );

    let buckets: Vec<(&str, String)> = loaded
        .infrastructure
        .buckets
        .iter()
        .map(|b| (b.key.as_str(), loaded.encryption(&b.encryption)))
        .collect();
    assert_eq!(
        buckets,
        [
            (
                "aws_s3_bucket.this",
                "configured at resource \"aws_s3_bucket_server_side_encryption_configuration\" \"this\""
                    .to_string()
            ),
            (
                "aws_s3_bucket.logging",
                "configured at resource \"aws_s3_bucket_server_side_encryption_configuration\" \"logging\""
                    .to_string()
            ),
        ]
    );
    // Nothing deletes the recordings; no provider fixes a region.
    assert!(loaded.infrastructure.deletions.is_empty());
    assert!(loaded.infrastructure.regions.is_empty());
    assert!(
        loaded
            .commented
            .iter()
            .any(|f| f.ends_with("instance_storage_configs.tf"))
    );
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn genesys_retention_and_trunk_recording() {
    let Some(loaded) = load_corpus("genesys") else {
        return;
    };
    assert_eq!(unexpected_parse_errors(&loaded), Vec::<String>::new());
    // Archy flows are YAML but not CloudFormation: Genesys flows.
    assert_eq!(
        loaded.kind_of("DR-Emergency-IVR.yaml"),
        Some(genesys::ARCHY_FLOW)
    );
    assert_eq!(
        loaded.kind_of("SimpleFinancialIvr_v2-0.yaml"),
        Some(genesys::ARCHY_FLOW)
    );
    assert_eq!(loaded.kind_of("main.tf"), Some(infra::TERRAFORM));

    let mut policies: Vec<(String, bool, Option<Setting<u32>>)> = loaded
        .infrastructure
        .deletions
        .iter()
        .filter_map(|d| match &d.kind {
            DeletionKind::GenesysRetentionPolicy { name, enabled } => {
                Some((name.clone(), *enabled, d.days.clone()))
            }
            DeletionKind::S3Lifecycle { .. } => None,
        })
        .collect();
    policies.sort_by_key(|(_, enabled, _)| *enabled);
    let policy = |enabled| {
        (
            "example-media-retention-policy".to_string(),
            enabled,
            Some(Setting::Known(3)),
        )
    };
    assert_eq!(policies, [policy(false), policy(true)]);

    let recorders: Vec<(&str, &str, Setting<bool>)> = loaded
        .infrastructure
        .recorders
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                loaded.sources.slice(r.span),
                r.enabled.clone(),
            )
        })
        .collect();
    assert_eq!(
        recorders,
        [(
            "trunk_recording_enabled of trunk `PureCloud Voice - AWS`",
            "\"trunk_recording_enabled\"",
            Setting::Known(false)
        )]
    );
    // `provider "genesyscloud"` names no region.
    assert!(loaded.infrastructure.regions.is_empty());
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn twilio_terraform_is_read() {
    let Some(loaded) = load_corpus("twilio") else {
        return;
    };
    assert_eq!(unexpected_parse_errors(&loaded), Vec::<String>::new());
    assert_eq!(
        loaded.kind_of("callback-and-voicemail__main.tf"),
        Some(infra::TERRAFORM)
    );
}
