//! Jurisdictions and sectors: which consent model applies, and how
//! strict the notice rule is.

use std::fmt;

use super::LegalBasis;

/// EU and EEA member states: the opt-in model.
const EEA: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

/// US states that require every party's consent to record.
const ALL_PARTY_STATES: &[&str] = &[
    "CA", "FL", "IL", "MD", "MA", "MT", "NH", "PA", "WA", "NV", "CT",
];

const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Jurisdiction {
    /// `EU` or an EU/EEA country code: the GDPR, where recording for most
    /// purposes needs the caller's prior consent.
    OptIn(String),
    /// `UK` or `CA` (Canada).
    Notice(String),
    /// `US` (state `None`) or `US-XX`.
    Us(Option<String>),
    /// `BR`: the LGPD, whose legal bases include legitimate interests and
    /// legal obligations, so a transparent notice can be enough; biometric
    /// data is sensitive (Art. 11); the consumer-service decree mandates
    /// recording on regulated services' lines.
    Brazil,
    /// `IN`: the Digital Personal Data Protection Act 2023, which knows
    /// consent and a closed list of legitimate uses, and no legitimate
    /// interests.
    India,
}

impl Default for Jurisdiction {
    fn default() -> Jurisdiction {
        Jurisdiction::OptIn("EU".into())
    }
}

impl Jurisdiction {
    pub fn parse(text: &str) -> Option<Jurisdiction> {
        let code = text.trim().to_ascii_uppercase();
        if code == "EU" || code == "EEA" || EEA.contains(&code.as_str()) {
            return Some(Jurisdiction::OptIn(code));
        }
        match code.as_str() {
            "UK" | "GB" => return Some(Jurisdiction::Notice("UK".into())),
            "CA" => return Some(Jurisdiction::Notice(code)),
            "US" => return Some(Jurisdiction::Us(None)),
            "BR" => return Some(Jurisdiction::Brazil),
            "IN" => return Some(Jurisdiction::India),
            _ => {}
        }
        let state = code.strip_prefix("US-")?;
        US_STATES
            .contains(&state)
            .then(|| Jurisdiction::Us(Some(state.to_string())))
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Jurisdiction::OptIn(c) | Jurisdiction::Notice(c) => f.write_str(c),
            Jurisdiction::Us(None) => f.write_str("US"),
            Jurisdiction::Us(Some(s)) => write!(f, "US-{s}"),
            Jurisdiction::Brazil => f.write_str("BR"),
            Jurisdiction::India => f.write_str("IN"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sector {
    General,
    PublicAuthority,
    EmergencyServices,
    FinancialServices,
    Health,
    /// A consumer-service line (SAC) of a service the Brazilian federal
    /// executive regulates (banks, telecoms, airlines, energy, health
    /// plans); outside Brazil, the same as general.
    ConsumerService,
}

impl Sector {
    pub const NAMES: &[&str] = &[
        "general",
        "public-authority",
        "emergency-services",
        "financial-services",
        "health",
        "consumer-service",
    ];

    pub fn parse(text: &str) -> Option<Sector> {
        Some(match text.trim() {
            "general" => Sector::General,
            "public-authority" => Sector::PublicAuthority,
            "emergency-services" => Sector::EmergencyServices,
            "financial-services" => Sector::FinancialServices,
            "health" => Sector::Health,
            "consumer-service" => Sector::ConsumerService,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::General => "general",
            Sector::PublicAuthority => "public-authority",
            Sector::EmergencyServices => "emergency-services",
            Sector::FinancialServices => "financial-services",
            Sector::Health => "health",
            Sector::ConsumerService => "consumer-service",
        }
    }
}

/// A law that requires every call on a line to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordingMandate {
    pub law: &'static str,
    /// How long the law requires recordings to be kept, at least.
    pub min_retention_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub jurisdiction: Jurisdiction,
    pub sector: Sector,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile {
            jurisdiction: Jurisdiction::default(),
            sector: Sector::General,
        }
    }
}

impl Profile {
    /// The EU and EEA: the GDPR and the AI Act apply, and consent means an
    /// affirmative act before recording.
    pub fn opt_in(&self) -> bool {
        matches!(self.jurisdiction, Jurisdiction::OptIn(_))
    }

    /// France, where the CNIL's limits on recording at work apply on top of
    /// the GDPR.
    pub fn france(&self) -> bool {
        self.jurisdiction == Jurisdiction::OptIn("FR".into())
    }

    pub fn emergency(&self) -> bool {
        self.sector == Sector::EmergencyServices
    }

    /// Whether the consent rules REC001, REC002, REC004 and REC005 apply:
    /// where consent is the basis for recording (the GDPR's opt-in model,
    /// and India, which has no legitimate-interests basis), except on
    /// emergency lines, where recording is a legal obligation.
    pub fn consent_rules_apply(&self) -> bool {
        (self.opt_in() || self.jurisdiction == Jurisdiction::India) && !self.emergency()
    }

    /// Whether the law a compliance tag's framework names is in force under
    /// this profile; a framework not listed here (PCI DSS, a custom rule's)
    /// applies everywhere. California's wiretap statute reaches businesses
    /// elsewhere in the US that call Californians.
    pub fn framework_applies(&self, framework: &str) -> bool {
        let uk = Jurisdiction::Notice("UK".into());
        match framework {
            "gdpr" | "eprivacy" | "ai-act" | "mifid2" | "mifid2-delegated" => self.opt_in(),
            "cnil" => self.france(),
            "uk-gdpr" | "uk-ibr" | "fca" => self.jurisdiction == uk,
            "lgpd" | "br-sac" => self.jurisdiction == Jurisdiction::Brazil,
            "dpdp" => self.jurisdiction == Jurisdiction::India,
            "bipa" => self.jurisdiction == Jurisdiction::Us(Some("IL".into())),
            "cipa" | "us-wiretap" => matches!(self.jurisdiction, Jurisdiction::Us(_)),
            _ => true,
        }
    }

    /// Whether the jurisdiction knows a legal basis: India's DPDP Act has
    /// consent and a closed list of legitimate uses, and no legitimate
    /// interests.
    pub fn has_basis(&self, basis: LegalBasis) -> bool {
        !(self.jurisdiction == Jurisdiction::India && basis == LegalBasis::LegitimateInterests)
    }

    /// Where identifying a person by their voiceprint is special-category
    /// (sensitive) data that needs explicit consent: the GDPR (and the UK
    /// GDPR), Brazil's LGPD, and Illinois' Biometric Information Privacy
    /// Act.
    pub fn biometrics_need_explicit_consent(&self) -> bool {
        matches!(
            &self.jurisdiction,
            Jurisdiction::OptIn(_) | Jurisdiction::Brazil
        ) || self.jurisdiction == Jurisdiction::Notice("UK".into())
            || self.jurisdiction == Jurisdiction::Us(Some("IL".into()))
    }

    /// The law requires this line's calls to be recorded: Brazil's
    /// consumer-service decree on a regulated service's SAC line (Art. 12
    /// § 3: kept at least 90 days from the call).
    pub fn recording_mandate(&self) -> Option<RecordingMandate> {
        (self.jurisdiction == Jurisdiction::Brazil && self.sector == Sector::ConsumerService)
            .then_some(RecordingMandate {
                law: "Decreto nº 11.034/2022 (SAC)",
                min_retention_days: 90,
            })
    }

    /// Where telling the caller is what makes recording lawful: the notice
    /// jurisdictions (UK, Canada), Brazil (legitimate interests need
    /// transparency, LGPD Art. 10 § 2) and the US states that need every
    /// party's consent, which a caller gives by staying on a call they were
    /// told is recorded.
    pub fn notice_is_the_basis(&self) -> bool {
        matches!(
            self.jurisdiction,
            Jurisdiction::Notice(_) | Jurisdiction::Brazil
        ) || self.all_party_us()
    }

    /// A US state where every party must consent to a recording.
    pub fn all_party_us(&self) -> bool {
        matches!(&self.jurisdiction, Jurisdiction::Us(Some(state)) if ALL_PARTY_STATES.contains(&state.as_str()))
    }

    /// A US jurisdiction where one party's consent is enough.
    pub fn one_party_us(&self) -> bool {
        match &self.jurisdiction {
            Jurisdiction::Us(None) => true,
            Jurisdiction::Us(Some(state)) => !ALL_PARTY_STATES.contains(&state.as_str()),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jurisdictions() {
        assert_eq!(
            Jurisdiction::parse("dk"),
            Some(Jurisdiction::OptIn("DK".into()))
        );
        assert_eq!(
            Jurisdiction::parse("UK"),
            Some(Jurisdiction::Notice("UK".into()))
        );
        assert_eq!(
            Jurisdiction::parse("US-CA"),
            Some(Jurisdiction::Us(Some("CA".into())))
        );
        assert_eq!(Jurisdiction::parse("br"), Some(Jurisdiction::Brazil));
        assert_eq!(Jurisdiction::parse("IN"), Some(Jurisdiction::India));
        assert_eq!(
            Jurisdiction::parse("US-IN"),
            Some(Jurisdiction::Us(Some("IN".into())))
        );
        assert_eq!(Jurisdiction::parse("US-XX"), None);
        assert_eq!(Jurisdiction::parse("Mars"), None);
    }

    #[test]
    fn frameworks_in_force() {
        let p = |j: &str| Profile {
            jurisdiction: Jurisdiction::parse(j).unwrap(),
            sector: Sector::General,
        };
        assert!(p("DK").framework_applies("gdpr"));
        assert!(!p("DK").framework_applies("cnil"));
        assert!(p("FR").framework_applies("cnil"));
        assert!(!p("UK").framework_applies("gdpr"));
        assert!(p("UK").framework_applies("uk-gdpr"));
        assert!(p("US-TX").framework_applies("cipa"));
        assert!(!p("US-TX").framework_applies("bipa"));
        assert!(p("US-IL").framework_applies("bipa"));
        assert!(p("BR").framework_applies("lgpd"));
        assert!(!p("BR").framework_applies("dpdp"));
        assert!(p("IN").framework_applies("dpdp"));
        for everywhere in ["pci-dss", "a-custom-framework"] {
            assert!(p("IN").framework_applies(everywhere));
        }
    }

    #[test]
    fn models() {
        let p = |j: &str, s: Sector| Profile {
            jurisdiction: Jurisdiction::parse(j).unwrap(),
            sector: s,
        };
        assert!(p("DK", Sector::General).consent_rules_apply());
        assert!(!p("DK", Sector::EmergencyServices).consent_rules_apply());
        assert!(!p("UK", Sector::General).consent_rules_apply());
        assert!(!p("US-CA", Sector::General).one_party_us());
        assert!(p("US-TX", Sector::General).one_party_us());
        assert!(p("US", Sector::General).one_party_us());
    }
}
