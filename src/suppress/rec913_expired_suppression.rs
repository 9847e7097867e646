//! REC913 expired-suppression: an ignore whose `until=` or `expires` date has
//! passed; the findings it covered are reported again.

use super::SuppressionFacts;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

pub fn check(facts: &SuppressionFacts, out: &mut Vec<Finding>) {
    for expired in &facts.expired {
        let back = match expired.matching {
            0 => "it matches no finding any more".to_string(),
            1 => "the finding it covered is reported again".to_string(),
            n => format!("the {n} findings it covered are reported again"),
        };
        let mut finding = Finding::new(
            RuleCode::Rec913.as_str(),
            Label::new(expired.span, format!("expired on {}", expired.date)),
            format!(
                "{} expired on {}; {back}",
                expired.description, expired.date
            ),
        );
        finding.fingerprint_anchor = expired.description.clone();
        out.push(finding);
    }
}
