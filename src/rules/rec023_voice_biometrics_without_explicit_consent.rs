//! REC023 voice-biometrics-without-explicit-consent: the caller's voiceprint
//! is matched (or enrolled) on a path where the caller has not answered yes
//! to a question about their voiceprint. A recording notice, or consent to
//! the recording, is not the explicit and separate consent that biometric
//! identification needs.

use super::RuleContext;
use super::support::{analytics_finding, describe, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::flow::StepKind;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for (step, witness) in &pbx.unconsented_voiceprints {
            let at = pbx.graph.step(*step);
            let StepKind::Analytics(analysis) = &at.kind else {
                continue;
            };
            let message = format!(
                "{} in {} sends the caller's voice to {}, and the caller can get here without having agreed to voice biometrics: identifying someone by their voiceprint needs their explicit consent, asked separately from the recording",
                describe(ctx.sources, pbx, *step),
                region_of(pbx, *step),
                analysis.feature
            );
            let primary = Label::new(at.span, "the caller's voiceprint is matched from here");
            out.extend(analytics_finding(
                ctx,
                pbx,
                *step,
                witness,
                primary,
                message,
                RuleCode::Rec023.as_str(),
            ));
        }
    }
}
