//! REC021 third-party-ai-listening: transcription, analytics or a live audio
//! stream that a service provider's AI runs on the call, reached without the
//! caller having been told that the call is analysed. "This call may be
//! recorded" does not tell the caller that a vendor's system listens.

use super::RuleContext;
use super::support::{analytics_finding, describe, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::flow::StepKind;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for (step, witness) in &pbx.untold_analytics {
            let at = pbx.graph.step(*step);
            let StepKind::Analytics(analysis) = &at.kind else {
                continue;
            };
            let message = format!(
                "{} in {} switches on {}, and the caller can get here without being told that the call is analysed: a recording notice does not cover a service provider's AI listening",
                describe(ctx.sources, pbx, *step),
                region_of(pbx, *step),
                analysis.feature
            );
            let primary = Label::new(
                at.span,
                "a service provider's system analyses the call from here",
            );
            out.extend(analytics_finding(
                ctx,
                pbx,
                *step,
                witness,
                primary,
                message,
                RuleCode::Rec021.as_str(),
            ));
        }
    }
}
