//! REC020 agent-emotion-inference: analytics that infer the agent's
//! emotions, sentiment or empathy. Inferring a worker's emotions from their
//! voice (biometric data) is prohibited in the EU; from a transcript it is
//! not emotion recognition, which the user is asked to confirm. The
//! `analytics` purpose's `agent-emotion` documents either.

use super::RuleContext;
use super::support::{describe, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label, Severity};
use crate::flow::{EmotionSource, StepKind};

/// The purpose that documents the analytics.
const ANALYTICS_PURPOSE: &str = "analytics";

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    let documented = ctx
        .config
        .purposes
        .get(ANALYTICS_PURPOSE)
        .is_some_and(|p| p.agent_emotion.is_some());
    if documented {
        return;
    }
    for pbx in ctx.analyses {
        for &id in &pbx.analytics {
            let step = pbx.graph.step(id);
            let StepKind::Analytics(analysis) = &step.kind else {
                continue;
            };
            let Some(source) = analysis.agent_emotion else {
                continue;
            };
            let switched_on = format!(
                "{} in {} switches on {}",
                describe(ctx.sources, pbx, id),
                region_of(pbx, id),
                analysis.feature
            );
            let (label, message) = match source {
                EmotionSource::Voice => (
                    "the agent's emotions are inferred from their voice here",
                    format!(
                        "{switched_on}, which infers the agent's emotions from their voice: emotion recognition at work is prohibited unless it serves a medical or safety purpose, documented with `agent-emotion` on the `{ANALYTICS_PURPOSE}` purpose"
                    ),
                ),
                EmotionSource::Transcript => (
                    "the agent's sentiment is scored here",
                    format!(
                        "{switched_on}, which scores the agent's sentiment from the transcript: not emotion recognition only while no voice features (tone, pitch, loudness) feed it; confirm that with `agent-emotion` on the `{ANALYTICS_PURPOSE}` purpose"
                    ),
                ),
            };
            let mut finding = Finding::new(
                RuleCode::Rec020.as_str(),
                Label::new(step.span, label),
                message,
            );
            if source == EmotionSource::Transcript {
                finding.at_most = Some(Severity::Warning);
            }
            finding.context = Some(pbx.graph.region(step.region).name.clone());
            finding.fingerprint_anchor = format!("{}|{}", region_of(pbx, id), analysis.feature);
            out.push(finding);
        }
    }
}
