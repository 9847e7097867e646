//! The rule registry: metadata from the embedded `lints/*.toml` files, joined
//! with one Rust module per rule that decides when it fires.

pub mod profiles;
mod rec001;
mod rec002;
mod rec003;
mod rec004;
mod rec005;
mod rec006;
mod rec007;
mod rec008;
mod rec009;
mod rec010;
mod rec011;
mod rec012;
mod rec013;
mod rec014;
mod rec015;
mod rec016;
mod rec017;
mod rec018;
mod rec019;
mod rec900;
mod rec901;
mod rec910;
mod rec911;
mod rec912;
mod rec913;
pub(crate) mod support;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::analysis::PbxAnalysis;
use crate::config::Config;
use crate::custom::CustomRule;
use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::parse::Problems;
use crate::source::{FileId, SourceMap};
use crate::storage::Infrastructure;
use crate::suppress::SuppressionFacts;
use profiles::{UnderProfile, under_profile};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/lints.rs"));
}

/// A rule's metadata, exactly the schema of `lints/RECnnn.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
    pub formats: Vec<String>,
    pub help: String,
    pub explanation: String,
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub title: String,
    pub url: String,
    pub note: Option<String>,
}

/// What every rule sees: the analysed PBXs, what infrastructure files say
/// about storage, the configuration, and what could not be parsed or resolved.
pub struct RuleContext<'a> {
    pub sources: &'a SourceMap,
    pub config: &'a Config,
    pub analyses: &'a [PbxAnalysis],
    pub infrastructure: &'a Infrastructure,
    /// The files linted, with their format.
    pub files: &'a [(FileId, FileKind)],
    pub problems: &'a Problems,
}

/// How a rule decides: from the analysed flows, from what the suppression
/// stage found about the suppressions themselves (the meta-rules), or as a
/// user's rule file says.
#[derive(Clone)]
enum Check {
    Flows(fn(&RuleContext, &mut Vec<Finding>)),
    Suppressions(fn(&SuppressionFacts, &mut Vec<Finding>)),
    Custom(Arc<CustomRule>),
}

#[derive(Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    check: Check,
}

impl Rule {
    /// The rule's first reference, used as the diagnostic's link.
    pub fn url(&self) -> Option<&str> {
        self.meta.references.first().map(|r| r.url.as_str())
    }
}

/// The Rust side of each rule, by code.
fn implementation(code: &str) -> Option<Check> {
    use Check::{Flows, Suppressions};
    Some(match code {
        "REC001" => Flows(rec001::check),
        "REC002" => Flows(rec002::check),
        "REC003" => Flows(rec003::check),
        "REC004" => Flows(rec004::check),
        "REC005" => Flows(rec005::check),
        "REC006" => Flows(rec006::check),
        "REC007" => Flows(rec007::check),
        "REC008" => Flows(rec008::check),
        "REC009" => Flows(rec009::check),
        "REC010" => Flows(rec010::check),
        "REC011" => Flows(rec011::check),
        "REC012" => Flows(rec012::check),
        "REC013" => Flows(rec013::check),
        "REC014" => Flows(rec014::check),
        "REC015" => Flows(rec015::check),
        "REC016" => Flows(rec016::check),
        "REC017" => Flows(rec017::check),
        "REC018" => Flows(rec018::check),
        "REC019" => Flows(rec019::check),
        "REC900" => Flows(rec900::check),
        "REC901" => Flows(rec901::check),
        "REC910" => Suppressions(rec910::check),
        "REC911" => Suppressions(rec911::check),
        "REC912" => Suppressions(rec912::check),
        "REC913" => Suppressions(rec913::check),
        _ => return None,
    })
}

#[derive(Clone)]
pub struct Registry {
    pub rules: Vec<Rule>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

impl Registry {
    /// Loads the embedded rules. A rule file that does not parse, or has no
    /// implementation, is a bug in reclint itself and is reported as such.
    pub fn builtin() -> Result<Registry, String> {
        let mut rules = Vec::new();
        for (stem, text) in embedded::LINT_FILES {
            let meta: RuleMeta =
                toml::from_str(text).map_err(|e| format!("lints/{stem}.toml: {e}"))?;
            if meta.code != *stem {
                return Err(format!("lints/{stem}.toml declares code {}", meta.code));
            }
            let check = implementation(&meta.code)
                .ok_or_else(|| format!("rule {} has no implementation", meta.code))?;
            rules.push(Rule { meta, check });
        }
        Ok(Registry::of(rules))
    }

    fn of(rules: Vec<Rule>) -> Registry {
        let by_code = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta.code.clone(), i))
            .collect();
        let by_name = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta.name.clone(), i))
            .collect();
        Registry {
            rules,
            by_code,
            by_name,
        }
    }

    /// The built-in rules and a configuration's custom rules (whose codes and
    /// names the loader has checked do not collide).
    pub fn with_custom(&self, custom: &[Arc<CustomRule>]) -> Registry {
        let mut rules = self.rules.clone();
        rules.extend(custom.iter().map(|rule| Rule {
            meta: rule.meta.clone(),
            check: Check::Custom(Arc::clone(rule)),
        }));
        Registry::of(rules)
    }

    /// Finds a rule by code (case-insensitive) or kebab-case name.
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        let key = code_or_name.trim();
        self.by_code
            .get(&key.to_ascii_uppercase())
            .or_else(|| self.by_name.get(&key.to_ascii_lowercase()))
            .map(|&i| &self.rules[i])
    }

    pub fn get(&self, code: &str) -> &Rule {
        &self.rules[self.by_code[code]]
    }

    /// Runs the selected rules that look at the flows and apply under the
    /// profile.
    pub fn run(&self, context: &RuleContext, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
        let mut findings = Vec::new();
        let profile = &context.config.profile;
        for rule in self.rules.iter().filter(|r| {
            enabled(&r.meta.code) && under_profile(&r.meta.code, profile) != UnderProfile::Off
        }) {
            match &rule.check {
                Check::Flows(check) => check(context, &mut findings),
                Check::Custom(custom) => custom.check(context, &mut findings),
                Check::Suppressions(_) => {}
            }
        }
        findings
    }

    /// Runs the selected meta-rules on what the suppression stage found.
    pub fn run_on_suppressions(
        &self,
        facts: &SuppressionFacts,
        enabled: &dyn Fn(&str) -> bool,
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        for rule in self.rules.iter().filter(|r| enabled(&r.meta.code)) {
            if let Check::Suppressions(check) = &rule.check {
                check(facts, &mut findings);
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lint_file_loads_and_has_an_implementation() {
        let registry = Registry::builtin().expect("rules load");
        assert!(registry.rules.len() >= 10);
        for rule in &registry.rules {
            assert!(
                rule.meta
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
            assert!(
                !rule.meta.references.is_empty(),
                "{} has no references",
                rule.meta.code
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## How to fix",
            ] {
                assert!(
                    rule.meta.explanation.contains(heading),
                    "{} lacks {heading}",
                    rule.meta.code
                );
            }
        }
        assert_eq!(
            registry.find("opt-out-consent").unwrap().meta.code,
            "REC005"
        );
        assert_eq!(
            registry.find("rec001").unwrap().meta.name,
            "blanket-recording-without-consent"
        );
    }

    #[test]
    fn every_implementation_has_a_lint_file() {
        let registry = Registry::builtin().expect("rules load");
        for code in (1..=20)
            .map(|n| format!("REC{n:03}"))
            .chain((900..=913).map(|n| format!("REC{n}")))
        {
            if implementation(&code).is_some() {
                assert!(
                    registry.find(&code).is_some(),
                    "{code} has code but no lints/{code}.toml"
                );
            }
        }
    }
}
