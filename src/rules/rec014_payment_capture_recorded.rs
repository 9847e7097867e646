//! REC014 payment-capture-recorded: card data is asked for while a
//! recording runs (PCI DSS 3.3.1: no sensitive authentication data after
//! authorisation, not even encrypted).

use std::collections::BTreeMap;

use super::RuleContext;
use super::support::{describe, recording_name, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::flow::StepId;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        // One finding per payment step, naming every recording that captures it.
        let mut captured_by: BTreeMap<StepId, Vec<StepId>> = BTreeMap::new();
        for recording in &pbx.recordings {
            if let Some(payment) = recording.payment_ahead {
                captured_by.entry(payment).or_default().push(recording.step);
            }
        }
        for (payment, recordings) in captured_by {
            let step = pbx.graph.step(payment);
            let first = recordings[0];
            let mut finding = Finding::new(
                RuleCode::Rec014.as_str(),
                Label::new(step.span, "card data is entered while recording runs"),
                format!(
                    "{} in {} takes card data while {} is still recording",
                    describe(ctx.sources, pbx, payment),
                    region_of(pbx, payment),
                    describe(ctx.sources, pbx, first),
                ),
            );
            finding.context = Some(pbx.graph.region(step.region).name.clone());
            finding.fingerprint_anchor = format!(
                "{}|{}",
                region_of(pbx, payment),
                describe(ctx.sources, pbx, payment)
            );
            for recording in recordings {
                let facts = pbx.recordings.iter().find(|r| r.step == recording);
                let text = match facts {
                    Some(facts) => format!(
                        "{} starts recording here and is not stopped or paused before the payment",
                        recording_name(ctx, pbx, facts)
                    ),
                    None => "recording starts here".to_string(),
                };
                finding
                    .related
                    .push(Label::new(pbx.graph.step(recording).span, text));
            }
            out.push(finding);
        }
    }
}
