//! REC911 suppression-without-reason: an ignore without `-- reason`. It
//! suppresses nothing: every exception must say why (GDPR Art. 5(2)).

use super::SuppressionFacts;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

pub fn check(facts: &SuppressionFacts, out: &mut Vec<Finding>) {
    for (span, description) in &facts.without_reason {
        let mut finding = Finding::new(
            RuleCode::Rec911.as_str(),
            Label::new(*span, "no reason given: this suppresses nothing"),
            format!("{description} has no reason"),
        );
        finding.fingerprint_anchor = description.clone();
        out.push(finding);
    }
}
