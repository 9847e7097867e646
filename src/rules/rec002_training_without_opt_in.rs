//! REC002 training-without-opt-in: recordings used for training, quality or
//! coaching need the caller's opt-in consent, on every path.

use super::RuleContext;
use super::support::{
    consent_question_howto, heard_labels, recording_finding, recording_name, training_purposes,
};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::config::LegalBasis;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            // The CNIL accepts legitimate interests for recording now and
            // then to train and evaluate, with a right to object (recording
            // every call is REC001's under FR).
            let profile = &ctx.config.profile;
            let mut training = training_purposes(ctx.config, recording);
            training.retain(|p| {
                !(profile.france() && p.legal_basis == LegalBasis::LegitimateInterests)
            });
            let Some(first) = training.first() else {
                continue;
            };
            let name = recording_name(ctx, pbx, recording);
            let wrong_basis = training
                .iter()
                .find(|p| p.legal_basis != LegalBasis::Consent);
            let without_yes = recording
                .reached
                .iter()
                .find(|(state, _)| **state != ConsentState::Yes);
            let (message, witness) = match (wrong_basis, without_yes) {
                (Some(p), _) => (
                    format!(
                        "{name} records for `{}` on legal basis `{}`; training use needs the caller's consent",
                        p.name,
                        p.legal_basis.as_str()
                    ),
                    recording.reached.values().next(),
                ),
                (None, Some((state, witness))) => (
                    format!(
                        "{name} records for `{}` but can be reached without a yes to the consent question (consent state `{}`)",
                        first.name,
                        state.as_str()
                    ),
                    Some(witness),
                ),
                (None, None) => continue,
            };
            let mut finding = recording_finding(
                RuleCode::Rec002.as_str(),
                ctx,
                pbx,
                recording,
                "recording used for training starts here",
                message,
                witness,
            );
            if let Some(w) = witness {
                finding.related.extend(heard_labels(pbx, w));
            }
            // The basis is consent already: only the recording's place is wrong.
            if wrong_basis.is_none() {
                finding.help = Some(format!(
                    "Start the recording only on the branch where the caller explicitly said yes ({}).",
                    consent_question_howto(pbx.graph.format)
                ).into());
            }
            if let Some(p) = wrong_basis
                && let Some(span) = p.basis_span
            {
                finding.related.push(crate::finding::Label::new(
                    span,
                    "training purpose declared without consent",
                ));
            }
            out.push(finding);
        }
    }
}
