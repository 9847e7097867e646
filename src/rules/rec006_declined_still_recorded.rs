//! REC006 declined-still-recorded: the caller said no, or the answer to the
//! consent question is never tested, and the call is recorded anyway.

use super::RuleContext;
use super::support::{heard_labels, recording_finding, recording_name};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            let name = recording_name(ctx, pbx, recording);
            let (message, witness) = if let Some(w) = recording.reached.get(&ConsentState::Declined)
            {
                (format!("{name} records callers who declined recording"), w)
            } else if let Some(w) = recording.reached.get(&ConsentState::Asked) {
                (
                    format!(
                        "{name} records whatever the caller answers: the consent answer is never tested"
                    ),
                    w,
                )
            } else {
                continue;
            };
            let mut finding = recording_finding(
                RuleCode::Rec006.as_str(),
                ctx,
                pbx,
                recording,
                "recording starts regardless of the answer",
                message,
                Some(witness),
            );
            finding.related.extend(heard_labels(pbx, witness));
            out.push(finding);
        }
    }
}
