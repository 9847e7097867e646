//! REC004 recording-without-consent: recording that relies on consent is
//! reached on a path where consent was never asked (or is asked only later).

use super::RuleContext;
use super::support::{recording_finding, recording_name, relies_on_consent, unjustified_blanket};
use crate::analysis::path_state::ConsentState;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

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
            }
            out.push(finding);
        }
    }
}
