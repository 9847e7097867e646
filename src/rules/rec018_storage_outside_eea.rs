//! REC018 storage-outside-eea: recordings are stored or processed in a
//! region outside the EEA and no transfer mechanism is declared (GDPR
//! Chapter V).

use super::RunContext;
use crate::catalog::RuleCode;
use crate::finding::{Finding, Label};
use crate::storage::{Platform, Setting};

/// AWS regions in EEA countries (also Genesys Cloud's `aws_region`).
const AWS_EEA_REGIONS: &[&str] = &[
    "eu-west-1",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
];

/// Twilio regions and edge locations in EEA countries.
const TWILIO_EEA: &[&str] = &["ie1", "de1", "dublin", "frankfurt"];

pub fn check(ctx: &RunContext, out: &mut Vec<Finding>) {
    if ctx.config.transfer_mechanism.is_some() {
        return;
    }
    let Some(evidence) = recording_evidence(ctx) else {
        return;
    };
    for setting in &ctx.infrastructure.regions {
        let Setting::Known(region) = &setting.region else {
            continue;
        };
        let region = region.trim().to_ascii_lowercase();
        let in_eea = match setting.platform {
            Platform::Aws | Platform::Genesys => AWS_EEA_REGIONS.contains(&region.as_str()),
            Platform::Twilio => TWILIO_EEA.contains(&region.as_str()),
        };
        if in_eea {
            continue;
        }
        let mut finding = Finding::new(
            RuleCode::Rec018.as_str(),
            Label::new(setting.span, "outside the EEA"),
            format!(
                "{} puts {} data in `{region}`, outside the EEA, and reclint.toml declares no `policy.transfer-mechanism`",
                setting.name,
                setting.platform.name()
            ),
        );
        finding.related.push(evidence.clone());
        finding.fingerprint_anchor = format!("{}|{region}", setting.name);
        out.push(finding);
    }
}

/// Something in the run that records calls, for the related label: a
/// region only matters where recordings are made.
fn recording_evidence(ctx: &RunContext) -> Option<Label> {
    let infra = ctx.infrastructure;
    if let Some(storage) = infra.storages.first() {
        return Some(Label::new(storage.span, "call recordings are stored here"));
    }
    if let Some(recorder) = infra
        .recorders
        .iter()
        .find(|r| r.enabled != Setting::Known(false))
    {
        return Some(Label::new(recorder.span, "calls are recorded here"));
    }
    ctx.facts.first_recording.clone()
}
