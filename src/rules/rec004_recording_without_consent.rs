//! REC004 recording-without-consent: recording that relies on consent is
//! reached on a path where consent was never asked (or is asked only later).

use super::RuleContext;
use super::support::{recording_finding, recording_name, relies_on_consent, unjustified_blanket};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::analysis::PbxAnalysis;
use crate::finding::{Applicability, Finding, Fix, Label};
use crate::flow::StepId;
use crate::source::Span;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            let Some(witness) = recording.reached.get(&ConsentState::None) else {
                continue;
            };
            if !relies_on_consent(ctx.config, recording) || unjustified_blanket(ctx, recording) {
                continue;
            }
            let later = recording.later_consent.map(|s| pbx.graph.step(s).span);
            let name = recording_name(ctx, pbx, recording);
            let message = match later {
                Some(_) => format!("{name} starts recording before the consent question"),
                None => {
                    format!("{name} records on a path where the caller is never asked for consent")
                }
            };
            let mut finding = recording_finding(
                RuleCode::Rec004.as_str(),
                ctx,
                pbx,
                recording,
                "recording starts without consent",
                message,
                Some(witness),
            );
            if let Some(span) = later {
                finding.related.push(Label::new(
                    span,
                    "consent is only asked here, after recording started",
                ));
                finding.fix = move_to_yes(pbx, recording.step, span);
            }
            out.push(finding);
        }
    }
}

/// Moves the recording start in front of the first step after `question`
/// (in its file) that only a yes reaches: unsafe, as callers who do not say
/// yes are then not recorded at all, which is the point but changes what the
/// call does.
fn move_to_yes(pbx: &PbxAnalysis, recording: StepId, question: Span) -> Option<Fix> {
    let moves = &pbx.graph.moves;
    let movable = moves.movable.iter().find(|m| m.step == recording)?;
    let landing = moves
        .landings
        .iter()
        .filter(|l| {
            l.at.file == question.file
                && l.at.start > question.end
                && pbx.after_yes_only[l.step.index()]
        })
        .min_by_key(|l| l.at.start)?;
    if landing.at.file != movable.removal.span.file {
        return None;
    }
    Some(Fix {
        message: format!(
            "Move `{}` to where the consent question's yes leads",
            movable.text
        ),
        applicability: Applicability::Unsafe,
        edits: vec![movable.removal.clone(), landing.insert(movable)],
    })
}
