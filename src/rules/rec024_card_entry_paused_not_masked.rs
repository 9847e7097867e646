//! REC024 card-entry-paused-not-masked: card data is taken while the
//! recording is paused or stopped for it. That keeps the digits out of the
//! recording, but not out of the call's audio path, which PCI DSS's
//! telephone-payment guidance counts as partial protection; and a recording
//! the law requires then misses part of the call.

use super::RuleContext;
use super::support::{describe, mandates, recording_name, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::flow::StepKind;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            let Some((stop, payment)) = recording.paused_for_payment else {
                continue;
            };
            // A payment service (`<Pay>`, Capture Payments, SWML `pay`)
            // takes the digits itself: that is the masking this rule asks for.
            if matches!(pbx.graph.step(payment).kind, StepKind::Payment) {
                continue;
            }
            let name = recording_name(ctx, pbx, recording);
            let taken = format!(
                "{} in {} takes card data",
                describe(ctx.sources, pbx, payment),
                region_of(pbx, payment)
            );
            let paused_at = describe(ctx.sources, pbx, stop);
            let mandated = mandates(ctx, recording);
            let message = if mandated.is_empty() {
                format!(
                    "{taken} with {name} paused at {paused_at}: the digits stay out of the recording but still pass through the call's audio, which the PCI SSC's telephone-payment guidance counts as partial protection; take card data through a payment service or with DTMF masking"
                )
            } else {
                format!(
                    "{taken} with {name} paused at {paused_at}, but the law requires that recording for {}: pausing keeps the card security code out of storage (PCI DSS 3.3.1) by leaving part of a mandated call unrecorded; the mandate is law and comes first, so keep recording and suppress the keypad tones (DTMF masking) instead",
                    mandated.join(", ")
                )
            };
            let at = pbx.graph.step(payment);
            let mut finding = Finding::new(
                RuleCode::Rec024.as_str(),
                Label::new(at.span, "card data is taken with the recording paused"),
                message,
            );
            finding.context = Some(pbx.graph.region(at.region).name.clone());
            finding.fingerprint_anchor = format!(
                "{}|{}",
                region_of(pbx, payment),
                describe(ctx.sources, pbx, payment)
            );
            finding.related.push(Label::new(
                pbx.graph.step(stop).span,
                "the recording is paused (or stopped) here",
            ));
            finding.related.push(Label::new(
                pbx.graph.step(recording.step).span,
                "recording starts here",
            ));
            out.push(finding);
        }
    }
}
