//! How the jurisdiction and sector change the rules: the one place
//! that decides whether a rule runs under a profile and at which severity.
//! The README's profile table is generated from it (and a test keeps the two
//! equal).

use crate::config::{Jurisdiction, Profile, Sector};
use crate::finding::Severity;
use crate::rules::Registry;

/// What a profile does to a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnderProfile {
    /// The rule does not run.
    Off,
    /// The rule runs at its default severity.
    Default,
    /// The rule runs at this severity instead of its default.
    Severity(Severity),
}

/// The rules whose effect depends on the profile; all others run at their
/// default severity everywhere.
pub fn under_profile(code: &str, profile: &Profile) -> UnderProfile {
    let on_if = |condition: bool| {
        if condition {
            UnderProfile::Default
        } else {
            UnderProfile::Off
        }
    };
    match code {
        // Consent rules: the opt-in model only, and never for emergency lines,
        // where recording is a legal obligation the caller cannot refuse.
        "REC001" | "REC002" | "REC004" | "REC005" => on_if(profile.consent_rules_apply()),
        "REC003" if profile.emergency() => UnderProfile::Severity(Severity::Info),
        "REC003" if profile.one_party_us() => UnderProfile::Severity(Severity::Warning),
        "REC010" => on_if(profile.sector == Sector::PublicAuthority),
        // California's wiretap statute and its all-party peers: a vendor
        // that can use what it hears is a third party to the call.
        "REC021" if profile.all_party_us() => UnderProfile::Severity(Severity::Error),
        // Where the caller's knowledge is what makes recording lawful (a
        // notice jurisdiction, a US all-party-consent state), recording in
        // secret is an error.
        "REC022" if profile.notice_is_the_basis() => UnderProfile::Severity(Severity::Error),
        // Voiceprints are special-category data under the GDPR and the LGPD,
        // and biometric identifiers under Illinois' BIPA.
        "REC023" if profile.biometrics_need_explicit_consent() => {
            UnderProfile::Severity(Severity::Error)
        }
        // A minimum retention exists only where the law mandates recording.
        "REC025" => on_if(profile.recording_mandate().is_some()),
        // The AI Act's prohibition of emotion recognition at work.
        "REC020" => on_if(profile.opt_in()),
        // Transfers outside the EEA are a GDPR Chapter V matter.
        "REC018" => on_if(profile.opt_in()),
        _ => UnderProfile::Default,
    }
}

/// The profiles the README table shows: one per model and the sectors.
pub fn table_profiles() -> Vec<(String, Profile)> {
    let profile = |jurisdiction: &str, sector: Sector| Profile {
        jurisdiction: Jurisdiction::parse(jurisdiction).unwrap_or_default(),
        sector,
    };
    [
        ("EU", Sector::General),
        ("DK", Sector::PublicAuthority),
        ("DK", Sector::EmergencyServices),
        ("DK", Sector::FinancialServices),
        ("DK", Sector::Health),
        ("UK", Sector::General),
        ("CA", Sector::General),
        ("US", Sector::General),
        ("US-CA", Sector::General),
        ("US-IL", Sector::General),
        ("BR", Sector::General),
        ("BR", Sector::ConsumerService),
        ("IN", Sector::General),
    ]
    .into_iter()
    .map(|(jurisdiction, sector)| {
        let name = if sector == Sector::General {
            jurisdiction.to_string()
        } else {
            format!("{jurisdiction} {}", sector.as_str())
        };
        (name, profile(jurisdiction, sector))
    })
    .collect()
}

/// The profile table as Markdown: a row per finding rule, a column per
/// profile, each cell the severity the rule runs at or `–` when it is off.
pub fn markdown_table(registry: &Registry) -> String {
    let profiles = table_profiles();
    let mut out = String::from("| rule |");
    for (name, _) in &profiles {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(profiles.len()));
    out.push('\n');
    for rule in &registry.rules {
        let meta = &rule.meta;
        out.push_str(&format!("| {} {} |", meta.code, meta.name));
        for (_, profile) in &profiles {
            let cell = match under_profile(&meta.code, profile) {
                UnderProfile::Off => "–".to_string(),
                UnderProfile::Default => meta.severity.to_string(),
                UnderProfile::Severity(severity) => format!("**{severity}**"),
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(jurisdiction: &str, sector: Sector) -> Profile {
        Profile {
            jurisdiction: Jurisdiction::parse(jurisdiction).expect("jurisdiction"),
            sector,
        }
    }

    #[test]
    fn spec_2_4() {
        let dk = profile("DK", Sector::General);
        let uk = profile("UK", Sector::General);
        let us = profile("US", Sector::General);
        let us_ca = profile("US-CA", Sector::General);
        let us_tx = profile("US-TX", Sector::General);
        let emergency = profile("DK", Sector::EmergencyServices);
        for code in ["REC001", "REC002", "REC004", "REC005"] {
            assert_eq!(under_profile(code, &dk), UnderProfile::Default);
            for notice_or_emergency in [&uk, &us, &us_ca, &emergency] {
                assert_eq!(under_profile(code, notice_or_emergency), UnderProfile::Off);
            }
        }
        assert_eq!(under_profile("REC003", &us_ca), UnderProfile::Default);
        assert_eq!(
            under_profile("REC003", &us_tx),
            UnderProfile::Severity(Severity::Warning)
        );
        assert_eq!(
            under_profile("REC003", &us),
            UnderProfile::Severity(Severity::Warning)
        );
        assert_eq!(
            under_profile("REC003", &emergency),
            UnderProfile::Severity(Severity::Info)
        );
        assert_eq!(under_profile("REC006", &uk), UnderProfile::Default);
        assert_eq!(under_profile("REC018", &uk), UnderProfile::Off);
        assert_eq!(under_profile("REC018", &dk), UnderProfile::Default);
        assert_eq!(under_profile("REC010", &dk), UnderProfile::Off);
        assert_eq!(under_profile("REC022", &dk), UnderProfile::Default);
        assert_eq!(under_profile("REC022", &us), UnderProfile::Default);
        for told in [&uk, &us_ca] {
            assert_eq!(
                under_profile("REC022", told),
                UnderProfile::Severity(Severity::Error)
            );
        }
        assert_eq!(
            under_profile("REC010", &profile("DK", Sector::PublicAuthority)),
            UnderProfile::Default
        );
    }

    /// Voiceprints need explicit consent under the GDPR, the UK GDPR, the
    /// LGPD and Illinois' BIPA; elsewhere REC023 stays a warning.
    #[test]
    fn voice_biometrics_by_jurisdiction() {
        for strict in ["DK", "FR", "EU", "UK", "BR", "US-IL"] {
            assert_eq!(
                under_profile("REC023", &profile(strict, Sector::General)),
                UnderProfile::Severity(Severity::Error),
                "{strict}"
            );
        }
        for other in ["US", "US-CA", "CA", "IN"] {
            assert_eq!(
                under_profile("REC023", &profile(other, Sector::General)),
                UnderProfile::Default,
                "{other}"
            );
        }
    }

    #[test]
    fn brazil_and_india() {
        let br = profile("BR", Sector::General);
        let india = profile("IN", Sector::General);
        for consent_rule in ["REC001", "REC002", "REC004", "REC005"] {
            assert_eq!(under_profile(consent_rule, &br), UnderProfile::Off);
            assert_eq!(under_profile(consent_rule, &india), UnderProfile::Default);
        }
        for gdpr_only in ["REC018", "REC020"] {
            assert_eq!(under_profile(gdpr_only, &br), UnderProfile::Off);
            assert_eq!(under_profile(gdpr_only, &india), UnderProfile::Off);
        }
        assert_eq!(
            under_profile("REC022", &br),
            UnderProfile::Severity(Severity::Error)
        );
        assert_eq!(under_profile("REC025", &br), UnderProfile::Off);
        assert_eq!(
            under_profile("REC025", &profile("BR", Sector::ConsumerService)),
            UnderProfile::Default
        );
    }

    /// The README's table is this module's output, so what users read is what
    /// the rules do.
    #[test]
    fn readme_shows_the_profile_table() {
        let readme = include_str!("../../README.md");
        let registry = Registry::builtin().expect("rules");
        let expected = markdown_table(&registry);
        let start = "<!-- profile-table: generated by rules::profiles::markdown_table -->\n";
        let end = "<!-- /profile-table -->";
        let shown = readme
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(table, _)| table);
        assert_eq!(
            shown,
            Some(expected.as_str()),
            "README.md's profile table is stale; put this between the markers:\n{start}{expected}{end}"
        );
    }
}
