//! REC910 invalid-suppression: a `reclint:` directive that cannot be read or
//! names an unknown rule. It suppresses nothing.

use super::SuppressionFacts;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

pub fn check(facts: &SuppressionFacts, out: &mut Vec<Finding>) {
    for (span, problem) in &facts.invalid {
        let mut finding = Finding::new(
            RuleCode::Rec910.as_str(),
            Label::new(*span, "this directive is ignored"),
            format!("invalid reclint directive: {problem}"),
        );
        finding.fingerprint_anchor = problem.clone();
        out.push(finding);
    }
}
