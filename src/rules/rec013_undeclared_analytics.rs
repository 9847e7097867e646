//! REC013 undeclared-analytics: transcription, speech analytics or media
//! streaming is switched on and no `analytics` purpose is declared.

use super::RuleContext;
use super::support::{describe, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::flow::StepKind;

/// The purpose a configuration declares for analytics.
const ANALYTICS_PURPOSE: &str = "analytics";

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    if ctx.config.purposes.contains_key(ANALYTICS_PURPOSE) {
        return;
    }
    for pbx in ctx.analyses {
        for &id in &pbx.analytics {
            let step = pbx.graph.step(id);
            let StepKind::Analytics(analysis) = &step.kind else {
                continue;
            };
            let feature = &analysis.feature;
            let mut finding = Finding::new(
                RuleCode::Rec013.as_str(),
                Label::new(step.span, "the call's audio is analysed from here"),
                format!(
                    "{} in {} switches on {feature}, and reclint.toml declares no `{ANALYTICS_PURPOSE}` purpose",
                    describe(ctx.sources, pbx, id),
                    region_of(pbx, id)
                ),
            );
            finding.context = Some(pbx.graph.region(step.region).name.clone());
            finding.fingerprint_anchor = format!("{}|{feature}", region_of(pbx, id));
            out.push(finding);
        }
    }
}
