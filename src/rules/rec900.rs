//! REC900 parse-error: a file of a supported format that cannot be read.

use super::RuleContext;
use crate::finding::{Finding, Label};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for error in &ctx.problems.parse_errors {
        let mut finding = Finding::new(
            "REC900",
            Label::new(error.span, error.label.clone()),
            error.message.clone(),
        );
        finding.fingerprint_anchor = error.message.clone();
        out.push(finding);
    }
}
