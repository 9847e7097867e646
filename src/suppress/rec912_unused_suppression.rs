//! REC912 unused-suppression: an ignore directive or `[[ignore]]` entry that
//! matched no finding.

use super::SuppressionFacts;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

pub fn check(facts: &SuppressionFacts, out: &mut Vec<Finding>) {
    for (span, description) in &facts.unused {
        let mut finding = Finding::new(
            RuleCode::Rec912.as_str(),
            Label::new(*span, "nothing here is reported any more"),
            format!("{description} matches no finding"),
        );
        finding.fingerprint_anchor = description.clone();
        out.push(finding);
    }
}
