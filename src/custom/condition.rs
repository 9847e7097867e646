//! `kind = "condition"`: a predicate over what the analysis knows about each
//! recording start. Every key given must hold; a list holds when any of its
//! values does.

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{CustomRule, OneOrMany, RuleFile};
use crate::analysis::path_state::ConsentState;
use crate::analysis::{PbxAnalysis, RecordingFacts};
use crate::config::{Jurisdiction, LegalBasis, Sector};
use crate::finding::Finding;
use crate::flow::Capture;
use crate::glob::{GlobKind, GlobSet};
use crate::rules::RuleContext;
use crate::rules::support::{purposes, recording_finding, recording_name};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawWhen {
    purpose: Option<Spanned<OneOrMany<String>>>,
    legal_basis: Option<Spanned<OneOrMany<String>>>,
    consent_state: Option<Spanned<OneOrMany<String>>>,
    notice_before: Option<bool>,
    capture: Option<Spanned<OneOrMany<String>>>,
    storage_path: Option<Spanned<String>>,
    recorder: Option<Spanned<String>>,
    context: Option<Spanned<OneOrMany<String>>>,
    jurisdiction: Option<Spanned<OneOrMany<String>>>,
    sector: Option<Spanned<OneOrMany<String>>>,
}

/// The values of a key that takes one value or a list, each with the key's
/// span (a list's items have no spans of their own here).
fn values(key: &Option<Spanned<OneOrMany<String>>>) -> Vec<Spanned<String>> {
    key.as_ref()
        .map(|key| {
            key.get_ref()
                .to_vec()
                .into_iter()
                .map(|v| Spanned::new(key.span(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

const CAPTURES: &[(&str, Capture)] = &[
    ("immediately", Capture::Immediately),
    ("from-bridge", Capture::FromBridge),
    ("on-demand", Capture::OnDemand),
];

#[derive(Debug)]
pub struct Condition {
    purposes: Vec<String>,
    legal_bases: Vec<LegalBasis>,
    consent_states: Vec<ConsentState>,
    notice_before: Option<bool>,
    captures: Vec<Capture>,
    storage_path: Option<Regex>,
    recorder: Option<Regex>,
    contexts: GlobSet,
    jurisdictions: Vec<String>,
    sectors: Vec<String>,
}

impl Condition {
    pub(super) fn new(file: &RuleFile, raw: Option<&RawWhen>) -> miette::Result<Condition> {
        let default = RawWhen::default();
        let raw = raw.unwrap_or(&default);
        let bases: Vec<&str> = LegalBasis::NAMES.iter().map(|(n, _)| *n).collect();
        let mut legal_bases = Vec::new();
        for basis in &values(&raw.legal_basis) {
            let name = file.one_of(basis, &bases, "legal basis")?;
            legal_bases.extend(
                LegalBasis::NAMES
                    .iter()
                    .filter(|(n, _)| *n == name)
                    .map(|(_, b)| *b),
            );
        }
        let states: Vec<&str> = ConsentState::ALL.iter().map(|s| s.as_str()).collect();
        let mut consent_states = Vec::new();
        for state in &values(&raw.consent_state) {
            let name = file.one_of(state, &states, "consent state")?;
            consent_states.extend(ConsentState::ALL.iter().filter(|s| s.as_str() == name));
        }
        let capture_names: Vec<&str> = CAPTURES.iter().map(|(n, _)| *n).collect();
        let mut captures = Vec::new();
        for capture in &values(&raw.capture) {
            let name = file.one_of(capture, &capture_names, "capture")?;
            captures.extend(CAPTURES.iter().filter(|(n, _)| *n == name).map(|(_, c)| *c));
        }
        let mut jurisdictions = Vec::new();
        for value in &values(&raw.jurisdiction) {
            let code = value.get_ref().trim().to_ascii_uppercase();
            if Jurisdiction::parse(&code).is_none() {
                return Err(file.error_with_help(
                    value.span(),
                    format!("unknown jurisdiction `{}`", value.get_ref()),
                    "not a jurisdiction reclint knows",
                    Some(
                        "use EU, an EU/EEA country code (DK, DE, ...), UK, CA, US or US-XX".into(),
                    ),
                ));
            }
            jurisdictions.push(code);
        }
        let mut sectors = Vec::new();
        for value in &values(&raw.sector) {
            sectors.push(file.one_of(value, Sector::NAMES, "sector")?.to_string());
        }
        let context_patterns: Vec<String> = values(&raw.context)
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        let contexts = GlobSet::new(&context_patterns, GlobKind::Text)
            .map_err(|e| file.error(0..0, format!("invalid context pattern: {e}"), "here"))?;
        Ok(Condition {
            purposes: values(&raw.purpose)
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            legal_bases,
            consent_states,
            notice_before: raw.notice_before,
            captures,
            storage_path: raw
                .storage_path
                .as_ref()
                .map(|r| file.regex(r))
                .transpose()?,
            recorder: raw.recorder.as_ref().map(|r| file.regex(r)).transpose()?,
            contexts,
            jurisdictions,
            sectors,
        })
    }

    /// Whether the profile is one the rule is about.
    fn profile_matches(&self, ctx: &RuleContext) -> bool {
        let profile = &ctx.config.profile;
        // `EU` stands for every opt-in jurisdiction, `US` for every state.
        let jurisdiction_matches = |wanted: &String| match wanted.as_str() {
            "EU" => profile.opt_in(),
            "US" => matches!(profile.jurisdiction, Jurisdiction::Us(_)),
            code => Jurisdiction::parse(code).as_ref() == Some(&profile.jurisdiction),
        };
        (self.jurisdictions.is_empty() || self.jurisdictions.iter().any(jurisdiction_matches))
            && (self.sectors.is_empty()
                || self.sectors.iter().any(|s| s == profile.sector.as_str()))
    }

    /// Whether a recording start satisfies every key; the consent state
    /// that selects the witness path, when the rule names states.
    fn matches(
        &self,
        ctx: &RuleContext,
        pbx: &PbxAnalysis,
        recording: &RecordingFacts,
    ) -> Option<Option<ConsentState>> {
        let declared = purposes(ctx.config, recording);
        let purpose_ok = self.purposes.is_empty()
            || recording
                .purposes
                .iter()
                .any(|p| self.purposes.contains(&p.name));
        // A recording without purposes rests on consent (as for REC004).
        let basis_ok = self.legal_bases.is_empty()
            || declared
                .iter()
                .any(|p| self.legal_bases.contains(&p.legal_basis))
            || (declared.is_empty() && self.legal_bases.contains(&LegalBasis::Consent));
        let notice_ok = self
            .notice_before
            .is_none_or(|wanted| wanted == recording.before_notice.is_none());
        let capture_ok =
            self.captures.is_empty() || self.captures.contains(&recording.start.capture);
        let target = recording.start.target.as_deref().unwrap_or("");
        let storage_ok = self
            .storage_path
            .as_ref()
            .is_none_or(|r| r.is_match(target));
        let recorder_ok = self
            .recorder
            .as_ref()
            .is_none_or(|r| r.is_match(&recording.start.recorder));
        let region = &pbx.graph.region(pbx.graph.step(recording.step).region).name;
        let context_ok = self.contexts.is_empty() || self.contexts.matches(region);
        if !(purpose_ok
            && basis_ok
            && notice_ok
            && capture_ok
            && storage_ok
            && recorder_ok
            && context_ok)
        {
            return None;
        }
        if self.consent_states.is_empty() {
            return Some(None);
        }
        self.consent_states
            .iter()
            .find(|s| recording.reached.contains_key(s))
            .map(|s| Some(*s))
    }
}

pub(super) fn check(
    rule: &CustomRule,
    condition: &Condition,
    ctx: &RuleContext,
    out: &mut Vec<Finding>,
) {
    if !condition.profile_matches(ctx) {
        return;
    }
    for pbx in ctx.analyses {
        for recording in &pbx.recordings {
            if !rule.applies_to_step(ctx, pbx, recording.step) {
                continue;
            }
            let Some(state) = condition.matches(ctx, pbx, recording) else {
                continue;
            };
            let witness = match state {
                Some(state) => recording.reached.get(&state),
                None => recording.reached.values().next(),
            };
            let name = recording_name(ctx, pbx, recording);
            let purposes = recording
                .purposes
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let message = rule.message(ctx, pbx, recording.step, &|key| match key {
                "recording" => Some(name.clone()),
                "purposes" => Some(purposes.clone()),
                "consent-state" => state.map(|s| s.as_str().to_string()),
                _ => None,
            });
            let mut finding = recording_finding(
                rule.code,
                ctx,
                pbx,
                recording,
                "this recording matches the policy",
                message,
                witness,
            );
            finding.help = (!rule.meta.help.is_empty()).then(|| rule.meta.help.as_str().into());
            out.push(finding);
        }
    }
}
