//! REC022 silent-recording: a recorder set to start without a beep, on a
//! path where the caller hears no recording notice, before or after.

use super::RuleContext;
use super::support::{beep_howto, recording_finding, recording_name};
use crate::catalog::RuleCode;
use crate::finding::Finding;
use crate::flow::Beep;

pub fn check(ctx: &RuleContext, out: &mut Vec<Finding>) {
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            if recording.start.beep != Beep::Silent || recording.later_notice.is_some() {
                continue;
            }
            let Some(before) = &recording.before_notice else {
                continue;
            };
            let name = recording_name(ctx, pbx, recording);
            let mut finding = recording_finding(
                RuleCode::Rec022.as_str(),
                ctx,
                pbx,
                recording,
                "recording starts here without a beep",
                format!(
                    "{name} records without a beep, and no recording notice is played before or after it: the caller is never told"
                ),
                Some(&before.witness),
            );
            finding.help = Some(format!(
                "Play a recording notice before the recording starts, or switch the recorder's beep on ({}).",
                beep_howto(pbx.graph.format)
            ).into());
            out.push(finding);
        }
    }
}
