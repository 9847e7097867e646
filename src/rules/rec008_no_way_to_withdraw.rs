//! REC008 no-way-to-withdraw: a recording that rests on consent cannot be
//! stopped once it runs (GDPR Art. 7(3): withdrawing must be as easy as
//! giving consent).

use super::RuleContext;
use super::support::{recording_finding, recording_name, relies_on_consent, stop_recording_howto};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            // Only recordings the caller actually agreed to: the others are
            // REC004/REC005/REC006 findings already.
            let Some(witness) = recording.reached.get(&ConsentState::Yes) else {
                continue;
            };
            if recording.stoppable || !relies_on_consent(ctx.config, recording) {
                continue;
            }
            let message = format!(
                "{} records on the caller's consent, and nothing after it can stop the recording if the caller withdraws it",
                recording_name(ctx, pbx, recording)
            );
            let mut finding = recording_finding(
                RuleCode::Rec008.as_str(),
                ctx,
                pbx,
                recording,
                "nothing stops it",
                message,
                Some(witness),
            );
            finding.help = Some(format!(
                "Give the agent (or the caller) a way to stop the recording: {}.",
                stop_recording_howto(pbx.graph.format)
            ).into());
            out.push(finding);
        }
    }
}
