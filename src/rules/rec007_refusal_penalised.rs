//! REC007 refusal-penalised: a caller who declines recording loses a
//! connection that a caller who agrees gets (GDPR Art. 7(4): consent must be
//! free).

use super::RuleContext;
use super::support::{describe, region_of};
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for refusal in &pbx.refusals {
            let question = pbx.graph.step(refusal.question);
            let connection = describe(ctx.sources, pbx, refusal.connection);
            let outcome = match refusal.declined_end {
                Some(_) => "hangs up on callers who decline",
                None => "never connects callers who decline",
            };
            let mut finding = Finding::new(
                RuleCode::Rec007.as_str(),
                Label::new(question.span, "declining recording costs the caller here"),
                format!(
                    "the consent question {} in {} {outcome}, while callers who agree reach {connection}",
                    describe(ctx.sources, pbx, refusal.question),
                    region_of(pbx, refusal.question),
                ),
            );
            finding.context = Some(pbx.graph.region(question.region).name.clone());
            finding.fingerprint_anchor = format!(
                "{}|{}",
                region_of(pbx, refusal.question),
                describe(ctx.sources, pbx, refusal.question)
            );
            finding.related.push(Label::new(
                pbx.graph.step(refusal.connection).span,
                "callers who agree to recording are connected here",
            ));
            if let Some(end) = refusal.declined_end {
                finding.related.push(Label::new(
                    pbx.graph.step(end).span,
                    "callers who decline are hung up here",
                ));
            }
            out.push(finding);
        }
    }
}
