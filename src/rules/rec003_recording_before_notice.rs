//! REC003 recording-before-notice: a call can be recorded before the caller
//! is told.

use super::RuleContext;
use super::support::{
    describe, on_demand_notice_howto, record_from_answer_howto, recording_finding, recording_name,
};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::flow::{Beep, Capture};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            let Some(before) = &recording.before_notice else {
                continue;
            };
            let name = recording_name(ctx, pbx, recording);
            let message = match (recording.start.capture, before.connection) {
                (Capture::FromBridge, Some(connection))
                    if pbx.graph.step(connection).span == pbx.graph.step(recording.step).span =>
                {
                    format!(
                        "{name} records from when an agent answers, and the caller hears no recording notice before that"
                    )
                }
                (Capture::FromBridge, Some(connection)) => format!(
                    "{name} records once the call is connected at {}, and the caller hears no recording notice before that",
                    describe(ctx.sources, pbx, connection)
                ),
                (Capture::FromBridge, None) => format!(
                    "{name} records once the call is connected, and no recording notice is played on the way there or after it"
                ),
                (Capture::OnDemand, _) => format!(
                    "{name} can be started during the call without a recording notice or start message"
                ),
                _ => format!("recording starts at {name} before any recording notice"),
            };
            // A recorder set to start without a tone records in secret.
            let message = match recording.start.beep {
                Beep::Silent => format!("{message}, and it starts without a beep"),
                Beep::Plays | Beep::Unstated => message,
            };
            let mut finding = recording_finding(
                RuleCode::Rec003.as_str(),
                ctx,
                pbx,
                recording,
                "recording starts here",
                message,
                Some(&before.witness),
            );
            if let Some(connection) = before.connection {
                finding.related.push(Label::new(
                    pbx.graph.step(connection).span,
                    "the call is connected here without a notice",
                ));
            }
            if let Some(late) = recording.later_notice {
                finding.related.push(Label::new(
                    pbx.graph.step(late).span,
                    "the notice comes only here, too late",
                ));
            }
            finding.help = match recording.start.capture {
                Capture::Immediately => Some(format!(
                    "play a recording notice before the recording starts, or make it start only when a person answers ({}) after a notice",
                    record_from_answer_howto(pbx.graph.format, &recording.start)
                ).into()),
                // It already records from the answer: the notice must come
                // before the call is connected.
                Capture::FromBridge => {
                    Some("play a recording notice before the call is connected to a person".into())
                }
                Capture::OnDemand => None,
            };
            if recording.start.capture == Capture::OnDemand {
                finding.help = Some(on_demand_notice_howto(pbx.graph.format).into());
            }
            out.push(finding);
        }
    }
}
