//! REC009 undeclared-purpose: a recording with no purpose from any source.

use super::RuleContext;
use super::support::{recording_finding, recording_name};
use crate::catalog::RuleCode;
use crate::finding::Finding;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            if !recording.purposes.is_empty() {
                continue;
            }
            let name = recording_name(ctx, pbx, recording);
            out.push(recording_finding(
                RuleCode::Rec009.as_str(),
                ctx,
                pbx,
                recording,
                "no purpose is declared for this recording",
                format!("{name} records without a declared purpose"),
                None,
            ));
        }
    }
}
