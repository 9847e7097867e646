//! REC019 removed-recorder: configuration for app_monitor, which Asterisk 21
//! removed: the recording it promises does not happen.

use super::RuleContext;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Fix, Label};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for removed in &pbx.graph.removed_features {
            let mut finding = Finding::new(
                RuleCode::Rec019.as_str(),
                Label::new(removed.span, "removed in Asterisk 21"),
                format!(
                    "{} belongs to app_monitor, which Asterisk 21 removed: on current versions it does not record",
                    removed.what
                ),
            );
            finding.help = Some(format!("use {} instead", removed.replacement).into());
            finding.fix = removed.fix.clone().map(|edit| {
                let message = format!("Replace with `{}`", edit.replacement);
                Fix::safe(message, vec![edit])
            });
            finding.fingerprint_anchor = super::support::quote(ctx.sources, removed.span);
            out.push(finding);
        }
    }
}
