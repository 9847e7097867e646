//! Issue 4 §5: one configuration linted under several jurisdictions and
//! sectors gives the differences the README's profile table documents. The
//! expected findings of each profile are in
//! `fixtures/profiles/expected/<JURISDICTION>_<SECTOR>.txt`, one
//! `FILE:LINE RULE SEVERITY` per line.

mod common;

use common::{fixture_options, root};
use reclint::check;
use reclint::rules::Registry;

const FIXTURE: &str = "fixtures/profiles/contact-centre";

const PROFILES: &[(&str, &str)] = &[
    ("DK", "general"),
    ("DK", "public-authority"),
    ("DK", "emergency-services"),
    ("UK", "general"),
    ("US", "general"),
    ("US-CA", "general"),
    ("FR", "general"),
    ("BR", "general"),
    ("BR", "consumer-service"),
    ("IN", "general"),
];

fn findings(jurisdiction: &str, sector: &str, registry: &Registry) -> Vec<String> {
    let mut options = fixture_options(FIXTURE);
    options.jurisdiction = Some(jurisdiction.to_string());
    options.sector = Some(sector.to_string());
    let run = check::run(&options, &root(), registry).expect("the fixture lints");
    run.outcome
        .reported
        .iter()
        .map(|r| {
            let file = r
                .path
                .strip_prefix(&format!("{FIXTURE}/"))
                .unwrap_or(&r.path);
            format!("{file}:{} {} {}", r.start.line, r.finding.rule, r.severity)
        })
        .collect()
}

#[test]
fn each_profile_gives_its_documented_findings() {
    let registry = Registry::builtin().expect("rules");
    let mut failures = Vec::new();
    for (jurisdiction, sector) in PROFILES {
        let path = root().join(format!(
            "fixtures/profiles/expected/{jurisdiction}_{sector}.txt"
        ));
        let expected: Vec<String> = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let actual = findings(jurisdiction, sector, &registry);
        if expected != actual {
            failures.push(format!(
                "{jurisdiction} {sector}:\n  expected: {expected:#?}\n  actual:   {actual:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The profiles differ where the jurisdiction and sector change the rules.
#[test]
fn the_differences_are_the_documented_ones() {
    let registry = Registry::builtin().expect("rules");
    let rules = |j: &str, s: &str| -> Vec<String> {
        findings(j, s, &registry)
            .into_iter()
            .map(|f| {
                f.split_once(' ')
                    .map(|(_, rest)| rest.to_string())
                    .unwrap_or(f)
            })
            .collect()
    };
    let dk = rules("DK", "general");
    let uk = rules("UK", "general");
    let us = rules("US", "general");
    let us_ca = rules("US-CA", "general");
    let emergency = rules("DK", "emergency-services");
    let authority = rules("DK", "public-authority");
    for consent_rule in ["REC001", "REC002", "REC005"] {
        assert!(dk.iter().any(|f| f.starts_with(consent_rule)), "{dk:?}");
        for (name, profile) in [("UK", &uk), ("US", &us), ("emergency", &emergency)] {
            assert!(
                !profile.iter().any(|f| f.starts_with(consent_rule)),
                "{consent_rule} under {name}: {profile:?}"
            );
        }
    }
    assert!(us_ca.contains(&"REC003 error".to_string()));
    assert!(us.contains(&"REC003 warning".to_string()));
    assert!(emergency.contains(&"REC003 info".to_string()));
    assert!(authority.contains(&"REC010 error".to_string()));
    assert!(dk.contains(&"REC018 error".to_string()));
    for notice_model in [&uk, &us, &us_ca] {
        assert!(!notice_model.iter().any(|f| f.starts_with("REC018")));
    }
    assert!(!dk.iter().any(|f| f.starts_with("REC010")));
}

/// France, Brazil and India: what each adds to its model, on the same PBX.
#[test]
fn france_brazil_and_india_apply_their_own_law() {
    let registry = Registry::builtin().expect("rules");
    let all = |j: &str, s: &str| findings(j, s, &registry);
    let dk = all("DK", "general");
    let fr = all("FR", "general");
    let br = all("BR", "general");
    let br_sac = all("BR", "consumer-service");
    let india = all("IN", "general");
    // The CNIL: recording every sales call for quality is systematic
    // recording, whatever the necessity; DK accepts the necessity.
    let sales_blanket = "extensions.conf:34 REC001 error".to_string();
    assert!(fr.contains(&sales_blanket), "{fr:?}");
    assert!(!dk.contains(&sales_blanket), "{dk:?}");
    // ... but legitimate interests are a basis for training there (with a
    // right to object), where DK asks for consent.
    let sales_training = "extensions.conf:34 REC002 error".to_string();
    assert!(dk.contains(&sales_training), "{dk:?}");
    assert!(!fr.contains(&sales_training), "{fr:?}");
    // Four months of quality recordings: over reclint's 90 days, within the
    // CNIL's six months.
    let quality_retention = "reclint.toml:24 REC016 warning".to_string();
    assert!(dk.contains(&quality_retention));
    assert!(!fr.contains(&quality_retention));
    // The LGPD has bases besides consent: no consent rules, no GDPR
    // transfer rule, the notice rule stays.
    for rule in ["REC001", "REC002", "REC004", "REC005", "REC018"] {
        assert!(!br.iter().any(|f| f.contains(rule)), "{rule}: {br:?}");
    }
    assert!(br.contains(&"extensions.conf:7 REC003 error".to_string()));
    // A regulated SAC line must record every call: the opt-out training
    // line lets a caller decline a mandated recording.
    let declinable = "extensions.conf:16 REC011 error".to_string();
    assert!(br_sac.contains(&declinable), "{br_sac:?}");
    assert!(!br.contains(&declinable));
    // ... and keep it 90 days: the training line's recordings live 30.
    let kept_too_short = "reclint.toml:8 REC025 error".to_string();
    assert!(br_sac.contains(&kept_too_short), "{br_sac:?}");
    assert!(!br.iter().any(|f| f.contains("REC025")));
    // India: consent rules as in the EU, and legitimate interests justify
    // nothing, so the staff line's necessity does not save it.
    let staff_blanket = "extensions.conf:24 REC001 error".to_string();
    assert!(india.contains(&staff_blanket), "{india:?}");
    assert!(!dk.contains(&staff_blanket));
    assert!(!india.iter().any(|f| f.contains("REC018")));
}
