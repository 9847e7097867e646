//! REC005 opt-out-consent: no answer, a timeout or an unrecognised answer to
//! the consent question leads to recording.

use super::RuleContext;
use super::support::{heard_labels, recording_finding, recording_name, relies_on_consent};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            let Some(witness) = recording.reached.get(&ConsentState::Default) else {
                continue;
            };
            // A recording on another basis does not need consent; a mandated
            // one made optional is REC011.
            if !relies_on_consent(ctx.config, recording) {
                continue;
            }
            let taken = witness
                .steps
                .iter()
                .rev()
                .find_map(|w| w.taken.clone())
                .unwrap_or_else(|| "no answer".into());
            let name = recording_name(ctx, pbx, recording);
            let mut finding = recording_finding(
                RuleCode::Rec005.as_str(),
                ctx,
                pbx,
                recording,
                "starts without a yes",
                format!(
                    "{name} records when the answer to the consent question is not an explicit yes ({taken}): silence is not consent"
                ),
                Some(witness),
            );
            finding.related.extend(heard_labels(pbx, witness));
            out.push(finding);
        }
    }
}
