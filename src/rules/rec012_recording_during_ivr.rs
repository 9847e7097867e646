//! REC012 recording-during-ivr: the recording captures prompts, menus,
//! queue waiting or ringing before a person answers (data minimisation).

use super::RuleContext;
use super::support::{describe, record_from_answer_howto, recording_finding, recording_name};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Fix, Label};
use crate::flow::{BeforeAnswer, StepKind, Voices, Wait};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            // Only what the caller hears (the agent's side, the prompts):
            // the caller's own voice in the IVR is not captured.
            if recording.start.voices == Voices::Heard {
                continue;
            }
            let mut name = recording_name(ctx, pbx, recording);
            if let Some(voices) = recording.start.voices.describe() {
                name = format!("{name}, which holds {voices},");
            }
            let message = match (recording.start.before_answer, recording.ivr_ahead) {
                (BeforeAnswer::Recorded, _) => format!(
                    "{name} also records what the caller hears before a person answers (prompts, menus or ringing)"
                ),
                (BeforeAnswer::FromHere, Some(ivr)) => match &pbx.graph.step(ivr).kind {
                    StepKind::Connection {
                        waits: Wait::Ringing,
                        ..
                    } => format!(
                        "{name} records from here on, so the ringing and early media of {} are recorded before a person answers",
                        describe(ctx.sources, pbx, ivr)
                    ),
                    _ => format!(
                        "{name} records from here on, so {} is recorded before a person answers",
                        describe(ctx.sources, pbx, ivr)
                    ),
                },
                _ => continue,
            };
            let mut finding = recording_finding(
                RuleCode::Rec012.as_str(),
                ctx,
                pbx,
                recording,
                "recording starts before a person answers",
                message,
                None,
            );
            // In the platform's own terms, not every platform's.
            finding.help = Some(format!(
                "Start capturing when a person answers: {}.",
                record_from_answer_howto(pbx.graph.format, &recording.start)
            ).into());
            finding.fix = recording
                .start
                .from_answer
                .clone()
                .map(|edit| Fix::safe("Record from when a person answers", vec![edit]));
            if let Some(ivr) = recording.ivr_ahead {
                finding.related.push(Label::new(
                    pbx.graph.step(ivr).span,
                    "recorded before a person answers",
                ));
            }
            out.push(finding);
        }
    }
}
