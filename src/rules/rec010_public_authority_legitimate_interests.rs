//! REC010 public-authority-legitimate-interests: a public authority cannot rely
//! on legitimate interests for its tasks (GDPR Art. 6(1), last subparagraph).

use std::collections::BTreeMap;

use super::RuleContext;
use super::support::recording_name;
use crate::catalog::RuleCode;
use crate::config::LegalBasis;
use crate::finding::{Finding, Label};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    // Each purpose once, with the recordings that use it.
    let mut uses: BTreeMap<String, Vec<Label>> = BTreeMap::new();
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            for purpose in &recording.purposes {
                let label = Label::new(
                    pbx.graph.step(recording.step).span,
                    format!(
                        "`{}` is a purpose of {}",
                        purpose.name,
                        recording_name(ctx, pbx, recording)
                    ),
                );
                uses.entry(purpose.name.clone()).or_default().push(label);
            }
        }
    }
    for (name, recordings) in uses {
        let purpose = ctx.config.purpose(&name);
        if purpose.legal_basis != LegalBasis::LegitimateInterests {
            continue;
        }
        let Some(span) = purpose.basis_span.or(purpose.span) else {
            continue;
        };
        let mut finding = Finding::new(
            RuleCode::Rec010.as_str(),
            Label::new(
                span,
                "a public authority cannot rely on legitimate interests",
            ),
            format!(
                "purpose `{name}` relies on legitimate interests, which a public authority cannot use for its tasks; it is used by {} recording(s)",
                recordings.len()
            ),
        );
        finding.fingerprint_anchor = format!("purpose {name}");
        finding.related = recordings;
        out.push(finding);
    }
}
