//! REC015 retention-undeclared: nothing says when recordings are deleted
//! (storage limitation, GDPR Art. 5(1)(e)).
//!
//! A deletion mechanism is an S3 lifecycle expiration on the bucket the
//! recordings go to (or on a bucket the files cannot tie to a storage), or,
//! for Genesys Cloud trunk recording, an enabled media retention policy; a
//! purpose with `retention-days` declares the period for its recordings.

use super::RunContext;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use super::RecordingUse;
use crate::storage::{DeletionKind, Infrastructure, Platform, Setting};

pub fn check(ctx: &RunContext, out: &mut Vec<Finding>) {
    let infra = ctx.infrastructure;
    // An S3 lifecycle may expire any recording, as recordings are often
    // archived to S3; a Genesys Cloud retention policy deletes only the
    // recordings Genesys Cloud keeps (its trunk and station recordings),
    // never those of the other platforms' flows.
    let s3_expires = infra
        .deletions
        .iter()
        .any(|d| matches!(d.kind, DeletionKind::S3Lifecycle { .. }));
    let genesys_deletes = genesys_policy(infra);
    let declared_somewhere = ctx
        .config
        .purposes
        .values()
        .any(|p| p.retention_days.is_some());
    // What Genesys keeps is deleted by its policy, or reported once below at
    // the trunk setting that records it, when the files have one.
    let genesys_recorder_reported = !declared_somewhere
        && infra
            .recorders
            .iter()
            .any(|r| r.platform == Platform::Genesys && r.enabled == Setting::Known(true));
    let accounted = |recording: &RecordingUse| {
        s3_expires
            || (recording.kept_by == Some(Platform::Genesys)
                && (genesys_deletes || genesys_recorder_reported))
    };
    undeclared_purposes(ctx, &accounted, out);
    if !declared_somewhere {
        unexpiring_storage(infra, out);
    }
}

/// Whether an enabled Genesys Cloud media retention policy deletes recordings.
fn genesys_policy(infra: &Infrastructure) -> bool {
    infra.deletions.iter().any(|d| {
        matches!(
            d.kind,
            DeletionKind::GenesysRetentionPolicy { enabled: true, .. }
        )
    })
}

/// Purposes used by recordings without `retention-days` that nothing
/// scanned deletes (and no other finding accounts for): one finding per
/// purpose, at its declaration (or its first recording).
fn undeclared_purposes(
    ctx: &RunContext,
    accounted: &dyn Fn(&RecordingUse) -> bool,
    out: &mut Vec<Finding>,
) {
    for (name, uses) in &ctx.facts.purpose_uses {
        let mut recordings: Vec<Label> = uses
            .iter()
            .filter(|u| !accounted(u))
            // The label sits on the recording: its name would repeat it.
            .map(|u| Label::new(u.span, format!("records for `{name}`")))
            .collect();
        if recordings.is_empty() {
            continue;
        }
        let purpose = ctx.config.purpose(name);
        if purpose.retention_days.is_some() {
            continue;
        }
        let primary = match purpose.span {
            Some(span) => Label::new(span, "no `retention-days` for this purpose"),
            None => {
                let first = recordings.remove(0);
                Label::new(first.span, first.message)
            }
        };
        let mut finding = Finding::new(
            RuleCode::Rec015.as_str(),
            primary,
            format!(
                "purpose `{name}` declares no `retention-days`, and no scanned file deletes its recordings (no S3 lifecycle expiration, no retention policy)"
            ),
        );
        finding.related = recordings;
        finding.fingerprint_anchor = format!("purpose {name}");
        out.push(finding);
    }
}

/// Recording storage whose bucket has no lifecycle expiration, and Genesys
/// trunk recording without a retention policy.
fn unexpiring_storage(infra: &Infrastructure, out: &mut Vec<Finding>) {
    for storage in &infra.storages {
        let bucket = storage.bucket.as_ref().and_then(|b| b.key.clone());
        let expires = infra.deletions.iter().any(|d| match &d.kind {
            DeletionKind::S3Lifecycle { bucket: expired } => {
                expired.is_none() || bucket.is_none() || *expired == bucket
            }
            DeletionKind::GenesysRetentionPolicy { .. } => false,
        });
        if expires {
            continue;
        }
        let mut finding = Finding::new(
            RuleCode::Rec015.as_str(),
            Label::new(storage.span, "recordings stored here are never deleted"),
            format!(
                "`{}` stores call recordings{}, and neither a lifecycle expiration nor a purpose's `retention-days` says when they are deleted",
                storage.name,
                match &storage.bucket {
                    Some(b) => format!(" in `{}`", b.text),
                    None => String::new(),
                }
            ),
        );
        finding.fingerprint_anchor = storage.name.clone();
        out.push(finding);
    }
    if genesys_policy(infra) {
        return;
    }
    for recorder in infra
        .recorders
        .iter()
        .filter(|r| r.enabled == Setting::Known(true))
    {
        let mut finding = Finding::new(
            RuleCode::Rec015.as_str(),
            Label::new(recorder.span, "recording is switched on here"),
            format!(
                "{} records calls, and no enabled media retention policy or `retention-days` says when they are deleted",
                recorder.name
            ),
        );
        finding.fingerprint_anchor = recorder.name.clone();
        out.push(finding);
    }
}
