//! REC025 mandated-retention-too-short: the law that requires a line's
//! calls to be recorded also requires the recordings to be kept for a
//! minimum time, and every purpose a recording is made for deletes it
//! sooner. Reported at the purpose that names the mandate, or else at the
//! longest-kept one; and at a storage setting that deletes recordings
//! sooner (an S3 lifecycle rule of a recording bucket, an enabled Genesys
//! Cloud retention policy).

use std::collections::BTreeMap;

use super::RunContext;
use crate::catalog::RuleCode;
use crate::config::RecordingMandate;
use crate::finding::{Finding, Label};
use crate::source::Span;
use crate::storage::{DeletionKind, Infrastructure, Setting};

pub fn check(ctx: &RunContext, out: &mut Vec<Finding>) {
    let Some(mandate) = ctx.config.profile.recording_mandate() else {
        return;
    };
    early_deletions(ctx.infrastructure, mandate, out);
    // A recording is kept as long as its longest-kept purpose keeps it; a
    // purpose without `retention-days` is REC015's.
    let mut purposes_of: BTreeMap<Span, (String, Vec<String>)> = BTreeMap::new();
    for (name, uses) in &ctx.facts.purpose_uses {
        for recording in uses {
            purposes_of
                .entry(recording.span)
                .or_insert_with(|| (recording.name.clone(), Vec::new()))
                .1
                .push(name.clone());
        }
    }
    let mut short: BTreeMap<&str, Vec<Label>> = BTreeMap::new();
    for (span, (recording, names)) in &purposes_of {
        let kept: Option<Vec<(u32, &str)>> = names
            .iter()
            .map(|n| Some((ctx.config.purpose(n).retention_days?, n.as_str())))
            .collect();
        let Some(longest) = kept.and_then(|k| k.into_iter().max()) else {
            continue;
        };
        if longest.0 >= mandate.min_retention_days {
            continue;
        }
        // Point at the purpose that names the mandate, where the fix belongs.
        let anchor = names
            .iter()
            .map(String::as_str)
            .find(|n| ctx.config.purpose(n).mandate.is_some())
            .unwrap_or(longest.1);
        short
            .entry(anchor)
            .or_default()
            .push(Label::new(*span, format!("{recording} records for `{anchor}`")));
    }
    for (name, recordings) in short {
        let purpose = ctx.config.purpose(name);
        let (Some(days), Some(span)) = (purpose.retention_days, purpose.retention_span) else {
            continue;
        };
        let mut finding = Finding::new(
            RuleCode::Rec025.as_str(),
            Label::new(
                span,
                format!("fewer than {} days", mandate.min_retention_days),
            ),
            format!(
                "purpose `{name}` keeps recordings for {days} days, but {} requires every call on this line to be recorded and kept at least {} days",
                mandate.law, mandate.min_retention_days
            ),
        );
        finding.related = recordings;
        finding.fingerprint_anchor = format!("purpose {name}");
        out.push(finding);
    }
}

/// Storage settings that delete recordings before the mandate's minimum.
fn early_deletions(infra: &Infrastructure, mandate: RecordingMandate, out: &mut Vec<Finding>) {
    for deletion in &infra.deletions {
        let Some(Setting::Known(days)) = deletion.days else {
            continue;
        };
        if days >= mandate.min_retention_days {
            continue;
        }
        let what = match &deletion.kind {
            DeletionKind::S3Lifecycle { bucket } => {
                let of_recordings = infra.storages.iter().any(|storage| {
                    bucket.is_none() || storage.bucket.as_ref().and_then(|b| b.key.as_ref()) == bucket.as_ref()
                });
                if !of_recordings {
                    continue;
                }
                "an S3 lifecycle rule of the recordings' bucket".to_string()
            }
            DeletionKind::GenesysRetentionPolicy { name, enabled } => {
                if !enabled {
                    continue;
                }
                format!("retention policy `{name}`")
            }
        };
        let mut finding = Finding::new(
            RuleCode::Rec025.as_str(),
            Label::new(
                deletion.span,
                format!("fewer than {} days", mandate.min_retention_days),
            ),
            format!(
                "{what} deletes call recordings after {days} days, but {} requires every call on this line to be recorded and kept at least {} days",
                mandate.law, mandate.min_retention_days
            ),
        );
        finding.fingerprint_anchor = format!("deletion {what}");
        out.push(finding);
    }
}
