//! REC010 public-authority-legitimate-interests: a public authority cannot rely
//! on legitimate interests for its tasks (GDPR Art. 6(1), last subparagraph).

use super::RunContext;
use crate::catalog::RuleCode;
use crate::config::LegalBasis;
use crate::finding::{Finding, Label};

/// Each purpose once, with the recordings of the whole run that use it.
pub fn check(ctx: &RunContext, out: &mut Vec<Finding>) {
    for (name, uses) in &ctx.facts.purpose_uses {
        let purpose = ctx.config.purpose(name);
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
                uses.len()
            ),
        );
        finding.fingerprint_anchor = format!("purpose {name}");
        finding.related = uses
            .iter()
            .map(|u| Label::new(u.span, format!("`{name}` is a purpose of {}", u.name)))
            .collect();
        out.push(finding);
    }
}
