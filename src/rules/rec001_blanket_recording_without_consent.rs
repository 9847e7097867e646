//! REC001 blanket-recording-without-consent: every call of an entry point is
//! recorded, no consent is asked, and no basis other than consent is justified.

use super::RuleContext;
use super::support::{
    consent_question_howto, describe_purposes, dialled_at, heard_labels, purposes,
    recording_finding, region_of, unjustified_blanket,
};
use crate::analysis::is_training_class;
use crate::catalog::RuleCode;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            if !unjustified_blanket(ctx, recording) {
                continue;
            }
            let Some(witness) = recording.blanket.as_ref() else {
                continue;
            };
            let entry = witness
                .steps
                .first()
                .map(|w| match dialled_at(pbx, w.step) {
                    Some(dialled) => format!("to `{dialled}` in {}", region_of(pbx, w.step)),
                    None => format!("entering {}", region_of(pbx, w.step)),
                })
                .unwrap_or_default();
            let statement = super::support::describe(ctx.sources, pbx, recording.step);
            let mut finding = recording_finding(
                RuleCode::Rec001.as_str(),
                ctx,
                pbx,
                recording,
                "every call is recorded here",
                format!("every call {entry} is recorded by {statement} and no consent is asked"),
                Some(witness),
            );
            finding
                .related
                .extend(heard_labels(pbx, witness).into_iter().map(|mut l| {
                    if l.message.contains("notice") {
                        l.message =
                            "a notice informs; it is not consent".into();
                    }
                    l
                }));
            let declared = purposes(ctx.config, recording);
            let cnil_training = ctx.config.profile.france()
                && declared
                    .iter()
                    .any(|p| p.mandate.is_none() && is_training_class(&p.name));
            finding.help = Some(
                if cnil_training {
                format!(
                    "purposes {}: the CNIL does not accept training, evaluation or sales as a reason to record every call; record a random sample of calls (a recording that only some calls reach), or ask for consent",
                    describe_purposes(&declared)
                )
            } else if declared.is_empty() {
                format!(
                    "ask for consent before recording ({}), or declare the purpose and a non-consent legal basis with its `necessity` or `mandate` in reclint.toml",
                    consent_question_howto(pbx.graph.format)
                )
            } else {
                format!(
                    "purposes {}: ask for consent before recording, or document why recording every call is necessary (`necessity`) or required by law (`mandate`) in reclint.toml",
                    describe_purposes(&declared)
                )
            }
                .into(),
            );
            out.push(finding);
        }
    }
}
