//! REC901 unresolved-reference: a jump, call or include whose target the
//! scanned files do not define. One finding per missing target and file,
//! with the other references as related labels; an include the platform
//! skips breaks no call path and is reported as info.

use std::collections::BTreeMap;

use super::RuleContext;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label, Severity};
use crate::source::{FileId, Span};

/// A missing target in one file: its message, and whether it is advice.
type Target<'a> = (FileId, &'a str, bool);

/// More references to one missing target are counted, not labelled.
const LABELS_PER_TARGET: usize = 10;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    let mut by_target: BTreeMap<Target, Vec<(Span, &str)>> = BTreeMap::new();
    for unresolved in &ctx.problems.unresolved {
        by_target
            .entry((
                unresolved.span.file,
                unresolved.message.as_str(),
                unresolved.advisory,
            ))
            .or_default()
            .push((unresolved.span, unresolved.label.as_str()));
    }
    for ((_, message, advisory), mut references) in by_target {
        references.sort();
        references.dedup_by_key(|(span, _)| *span);
        let (first, label) = references[0];
        let others = references.len() - 1;
        let message = match others {
            0 => message.to_string(),
            n => format!("{message} ({} references)", n + 1),
        };
        let mut finding = Finding::new(
            RuleCode::Rec901.as_str(),
            Label::new(first, label),
            message.clone(),
        );
        finding.fingerprint_anchor = message;
        finding.at_most = advisory.then_some(Severity::Info);
        for (span, _) in references.iter().skip(1).take(LABELS_PER_TARGET) {
            finding
                .related
                .push(Label::new(*span, "also referenced here"));
        }
        out.push(finding);
    }
}
