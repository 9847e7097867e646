//! The rule registry: the catalogue's metadata joined with what decides when
//! each rule fires (one Rust module per built-in rule, or a user's rule file).

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

use std::ops::Deref;
use std::sync::Arc;

use crate::analysis::PbxAnalysis;
use crate::catalog::{Catalog, RuleCode, RuleMeta};
use crate::config::Config;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::parse::Problems;
use crate::source::{FileId, SourceMap};
use crate::storage::Infrastructure;
use crate::suppress::SuppressionFacts;
use profiles::{UnderProfile, under_profile};

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

/// How a rule decides from the analysed flows: a built-in rule's function,
/// or what a user's rule file says.
pub trait RuleCheck: Send + Sync {
    fn check(&self, context: &RuleContext, findings: &mut Vec<Finding>);
}

impl RuleCheck for fn(&RuleContext, &mut Vec<Finding>) {
    fn check(&self, context: &RuleContext, findings: &mut Vec<Finding>) {
        self(context, findings);
    }
}

/// How a rule decides: from the analysed flows, or from what the
/// suppression stage found about the suppressions themselves (the
/// meta-rules).
#[derive(Clone)]
enum Check {
    Flows(Arc<dyn RuleCheck>),
    Suppressions(fn(&SuppressionFacts, &mut Vec<Finding>)),
}

/// A built-in rule that decides from the flows.
fn flows(check: fn(&RuleContext, &mut Vec<Finding>)) -> Check {
    Check::Flows(Arc::new(check))
}

#[derive(Clone)]
pub struct Rule {
    pub meta: Arc<RuleMeta>,
    check: Check,
}

impl Rule {
    /// The rule's first reference, used as the diagnostic's link.
    pub fn url(&self) -> Option<&str> {
        self.meta.url()
    }
}

/// The Rust side of each built-in rule.
fn implementation(code: RuleCode) -> Check {
    use Check::Suppressions;
    match code {
        RuleCode::Rec001 => flows(rec001::check),
        RuleCode::Rec002 => flows(rec002::check),
        RuleCode::Rec003 => flows(rec003::check),
        RuleCode::Rec004 => flows(rec004::check),
        RuleCode::Rec005 => flows(rec005::check),
        RuleCode::Rec006 => flows(rec006::check),
        RuleCode::Rec007 => flows(rec007::check),
        RuleCode::Rec008 => flows(rec008::check),
        RuleCode::Rec009 => flows(rec009::check),
        RuleCode::Rec010 => flows(rec010::check),
        RuleCode::Rec011 => flows(rec011::check),
        RuleCode::Rec012 => flows(rec012::check),
        RuleCode::Rec013 => flows(rec013::check),
        RuleCode::Rec014 => flows(rec014::check),
        RuleCode::Rec015 => flows(rec015::check),
        RuleCode::Rec016 => flows(rec016::check),
        RuleCode::Rec017 => flows(rec017::check),
        RuleCode::Rec018 => flows(rec018::check),
        RuleCode::Rec019 => flows(rec019::check),
        RuleCode::Rec900 => flows(rec900::check),
        RuleCode::Rec901 => flows(rec901::check),
        RuleCode::Rec910 => Suppressions(rec910::check),
        RuleCode::Rec911 => Suppressions(rec911::check),
        RuleCode::Rec912 => Suppressions(rec912::check),
        RuleCode::Rec913 => Suppressions(rec913::check),
    }
}

/// The rules of a run: the catalogue, and for each of its rules what decides
/// when it fires (`rules[i]` is `catalog.rules[i]`). It derefs to its
/// catalogue.
#[derive(Clone)]
pub struct Registry {
    pub rules: Vec<Rule>,
    catalog: Catalog,
}

impl Deref for Registry {
    type Target = Catalog;

    fn deref(&self) -> &Catalog {
        &self.catalog
    }
}

impl Registry {
    /// The built-in rules. A rule file that does not parse is a bug in
    /// reclint itself and is reported as such.
    pub fn builtin() -> Result<Registry, String> {
        let catalog = Catalog::builtin()?;
        let rules = RuleCode::ALL
            .iter()
            .zip(&catalog.rules)
            .map(|(&code, meta)| Rule {
                meta: Arc::clone(meta),
                check: implementation(code),
            })
            .collect();
        Ok(Registry { rules, catalog })
    }

    /// These rules and custom ones, each with what decides when it fires
    /// (their codes and names, the loader has checked, do not collide).
    pub fn with_custom(
        &self,
        custom: impl IntoIterator<Item = (Arc<RuleMeta>, Arc<dyn RuleCheck>)>,
    ) -> Registry {
        let mut rules = self.rules.clone();
        rules.extend(custom.into_iter().map(|(meta, check)| Rule {
            meta,
            check: Check::Flows(check),
        }));
        let catalog = Catalog::of(rules.iter().map(|r| Arc::clone(&r.meta)).collect());
        Registry { rules, catalog }
    }

    /// The rules' metadata.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Finds a rule by code (case-insensitive) or kebab-case name.
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        self.catalog.position(code_or_name).map(|i| &self.rules[i])
    }

    pub fn get(&self, code: &str) -> &Rule {
        &self.rules[self.catalog.index(code)]
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
                Check::Flows(check) => check.check(context, &mut findings),
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
    fn every_rule_code_has_its_rule() {
        let registry = Registry::builtin().expect("rules load");
        assert_eq!(registry.rules.len(), RuleCode::ALL.len());
        for code in RuleCode::ALL {
            assert_eq!(
                registry.find(code.as_str()).map(|r| r.meta.code.as_str()),
                Some(code.as_str()),
                "{code:?} has no rule"
            );
        }
    }
}
