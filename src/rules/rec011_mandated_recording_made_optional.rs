//! REC011 mandated-recording-made-optional: a recording the law requires
//! (a purpose with `mandate`, or every call under a profile that mandates
//! recording) only happens when the caller agrees.

use super::RuleContext;
use super::support::{heard_labels, mandates, recording_finding, recording_name};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            let reached = |state| recording.reached.contains_key(&state);
            // Gated: reached only after an answer, and never after a "no"
            // or on a path where no question was asked.
            let gated = (reached(ConsentState::Yes) || reached(ConsentState::Default))
                && !reached(ConsentState::None)
                && !reached(ConsentState::Declined)
                && !reached(ConsentState::Asked);
            if !gated {
                continue;
            }
            let mandated = mandates(ctx, recording);
            if mandated.is_empty() {
                continue;
            }
            let witness = recording
                .reached
                .get(&ConsentState::Yes)
                .or_else(|| recording.reached.get(&ConsentState::Default));
            let message = format!(
                "{} is required by law for {}, but it only runs when the caller agrees: declining skips a mandatory recording",
                recording_name(ctx, pbx, recording),
                mandated.join(", ")
            );
            let mut finding = recording_finding(
                RuleCode::Rec011.as_str(),
                ctx,
                pbx,
                recording,
                "a mandatory recording that depends on the caller's answer",
                message,
                witness,
            );
            if let Some(witness) = witness {
                finding.related.extend(heard_labels(pbx, witness));
            }
            out.push(finding);
        }
    }
}
