//! REC901 unresolved-reference: a jump, call or include whose target the
//! scanned files do not define.

use super::RuleContext;
use crate::finding::{Finding, Label};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for unresolved in &ctx.problems.unresolved {
        let mut finding = Finding::new(
            "REC901",
            Label::new(unresolved.span, unresolved.label.clone()),
            unresolved.message.clone(),
        );
        finding.fingerprint_anchor = unresolved.message.clone();
        out.push(finding);
    }
}
