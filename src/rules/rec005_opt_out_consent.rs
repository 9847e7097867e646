//! REC005 opt-out-consent: no answer, a timeout or an unrecognised answer to
//! the consent question leads to recording.

use super::RuleContext;
use super::support::{heard_labels, recording_finding, recording_name, relies_on_consent};
use crate::analysis::path_state::ConsentState;
use crate::analysis::reach::{Predecessors, Reachability};
use crate::analysis::{PbxAnalysis, Witness, is_recording};
use crate::catalog::RuleCode;
use crate::finding::{Applicability, Finding, Fix};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        // Computed once per graph, when a fix may need it.
        let mut records: Option<Reachability> = None;
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
            finding.fix = default_to_unrecorded(pbx, witness, &mut records);
            out.push(finding);
        }
    }
}

/// Sends the default outcome the witness takes to an explicit answer from
/// which no recording starts: unsafe, as callers who do not answer are then
/// connected unrecorded (the point, but a change of what the call does).
fn default_to_unrecorded(
    pbx: &PbxAnalysis,
    witness: &Witness,
    records: &mut Option<Reachability>,
) -> Option<Fix> {
    let graph = &pbx.graph;
    let route = graph
        .default_routes
        .iter()
        .find(|route| witness.steps.iter().any(|w| w.step == route.default))?;
    let records = records.get_or_insert_with(|| {
        let predecessors = Predecessors::of(graph);
        Reachability::compute(graph, &predecessors, |s| is_recording(graph, s), |_| false)
    });
    let (answer, _, edit) = route.answers.iter().find(|(_, to, _)| !records.from(*to))?;
    Some(Fix {
        message: format!("Treat no answer and invalid answers as `{answer}`, which does not record"),
        applicability: Applicability::Unsafe,
        edits: vec![edit.clone()],
    })
}
