//! REC017 storage-unencrypted: recordings are stored without encryption at
//! rest configured (GDPR Art. 32).

use std::collections::BTreeSet;

use super::RunContext;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::storage::Encryption;

pub fn check(ctx: &RunContext, out: &mut Vec<Finding>) {
    let infra = ctx.infrastructure;
    let mut buckets_reported = BTreeSet::new();
    for storage in &infra.storages {
        if matches!(storage.encryption, Encryption::Missing) {
            let mut finding = Finding::new(
                RuleCode::Rec017.as_str(),
                Label::new(storage.span, "no `encryption_config` for call recordings"),
                format!(
                    "`{}` stores call recordings without a KMS encryption setting",
                    storage.name
                ),
            );
            finding.fingerprint_anchor = storage.name.clone();
            out.push(finding);
        }
        // The bucket the recordings land in, when the files define it.
        let Some(key) = storage.bucket.as_ref().and_then(|b| b.key.as_deref()) else {
            continue;
        };
        let Some(bucket) = infra.buckets.iter().find(|b| b.key == key) else {
            continue;
        };
        if !matches!(bucket.encryption, Encryption::Missing) || !buckets_reported.insert(key) {
            continue;
        }
        let mut finding = Finding::new(
            RuleCode::Rec017.as_str(),
            Label::new(bucket.span, "no server-side encryption configured"),
            format!(
                "bucket `{}` receives call recordings from `{}` and configures no server-side encryption",
                bucket.key, storage.name
            ),
        );
        finding.related.push(Label::new(
            storage.span,
            "call recordings are written to this bucket here",
        ));
        finding.fingerprint_anchor = bucket.key.clone();
        out.push(finding);
    }
}
