//! REC900 parse-error: a file of a supported format that cannot be read.

use super::RuleContext;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for error in &ctx.problems.parse_errors {
        let mut finding = Finding::new(
            RuleCode::Rec900.as_str(),
            Label::new(error.span, error.label.clone()),
            error.message.clone(),
        );
        finding.fingerprint_anchor = error.message.clone();
        out.push(finding);
    }
}
