//! REC016 retention-excessive: a purpose keeps recordings longer than its
//! ceiling (storage limitation, GDPR Art. 5(1)(e)).

use super::RunContext;
use crate::analysis::is_training_class;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

/// Training-class purposes: a few weeks of calls are enough to coach with.
const TRAINING_CEILING_DAYS: u32 = 90;
/// The CNIL's limit for recordings made to train and evaluate staff: six
/// months.
const CNIL_TRAINING_LIMIT_DAYS: u32 = 183;
/// Any other purpose without a legal mandate: five years.
const OTHER_CEILING_DAYS: u32 = 1826;

pub fn check(ctx: &RunContext, out: &mut Vec<Finding>) {
    for purpose in ctx.config.purposes.values() {
        let (Some(days), Some(span)) = (purpose.retention_days, purpose.retention_span) else {
            continue;
        };
        let (ceiling, why) = if is_training_class(&purpose.name) && ctx.config.profile.france() {
            (
                CNIL_TRAINING_LIMIT_DAYS,
                "in France the CNIL allows recordings made to train and evaluate staff to be kept six months at most; a training-class purpose",
            )
        } else if is_training_class(&purpose.name) {
            (TRAINING_CEILING_DAYS, "a training-class purpose")
        } else if purpose.mandate.is_some() {
            continue;
        } else {
            (OTHER_CEILING_DAYS, "a purpose without a legal mandate")
        };
        if days <= ceiling {
            continue;
        }
        let mut finding = Finding::new(
            RuleCode::Rec016.as_str(),
            Label::new(span, format!("more than {ceiling} days")),
            format!(
                "purpose `{}` keeps recordings for {days} days; {why} should keep them at most {ceiling} days",
                purpose.name
            ),
        );
        finding.fingerprint_anchor = format!("purpose {}", purpose.name);
        out.push(finding);
    }
}
