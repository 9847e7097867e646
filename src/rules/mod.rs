//! The rule registry: the catalogue's metadata joined with what decides when
//! each rule fires (one Rust module per built-in rule, or a user's rule file).

pub mod profiles;
pub(crate) mod support;

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

use crate::analysis::PbxAnalysis;
use crate::catalog::{Catalog, RuleCode, RuleMeta};
use crate::config::Config;
use crate::discover::FileKind;
use crate::finding::{Finding, Label, compact};
use crate::parse::Problems;
use crate::source::{FileId, SourceMap, Span};
use crate::storage::{Infrastructure, Platform};
use crate::suppress::{self, SuppressionFacts};
use profiles::{UnderProfile, under_profile};

/// What a rule sees of one unit (files that reference each other,
/// grouped by the workspace): its analysed PBXs, what infrastructure files say
/// about storage, the configuration, and what could not be parsed or resolved.
pub struct RuleContext<'a> {
    pub sources: &'a SourceMap,
    pub config: &'a Config,
    pub analyses: &'a [PbxAnalysis],
    pub infrastructure: &'a Infrastructure,
    /// The files linted, with their format.
    pub files: &'a [(FileId, FileKind)],
    pub problems: &'a Problems,
    /// The steps of the analyses as traces show them, each described once.
    pub step_texts: support::StepTexts,
}

/// What a rule that judges the whole run sees: the configuration, what
/// infrastructure files say about storage, and what the units' flows said
/// (the flows themselves are gone by then).
pub struct RunContext<'a> {
    pub sources: &'a SourceMap,
    pub config: &'a Config,
    pub infrastructure: &'a Infrastructure,
    pub facts: &'a RunFacts,
}

/// What the run-wide rules need of each unit's flows, gathered unit by unit.
#[derive(Debug, Default)]
pub struct RunFacts {
    /// For each purpose, the recordings made for it, in run order.
    pub purpose_uses: BTreeMap<String, Vec<RecordingUse>>,
    /// The run's first recording start.
    pub first_recording: Option<Label>,
}

/// A recording start, named for people (`MixMonitor(...) in [from-pstn]`).
#[derive(Debug, Clone)]
pub struct RecordingUse {
    pub span: Span,
    pub name: String,
    /// The platform that keeps the recording under its own retention
    /// settings, if one does.
    pub kept_by: Option<Platform>,
}

impl RunFacts {
    /// Adds what a unit's flows say, after what is here.
    pub fn gather(&mut self, ctx: &RuleContext) {
        for pbx in ctx.analyses {
            for recording in &pbx.recordings {
                let span = pbx.graph.step(recording.step).span;
                self.first_recording
                    .get_or_insert_with(|| Label::new(span, "calls are recorded here"));
                for purpose in &recording.purposes {
                    self.purpose_uses
                        .entry(purpose.name.clone())
                        .or_default()
                        .push(RecordingUse {
                            span,
                            name: support::recording_name(ctx, pbx, recording),
                            kept_by: recording.start.kept_by,
                        });
                }
            }
        }
    }

    /// The same facts with their files renumbered.
    pub fn map_files(&mut self, f: &impl Fn(FileId) -> FileId) {
        let uses = self
            .purpose_uses
            .values_mut()
            .flatten()
            .map(|u| &mut u.span);
        for span in uses.chain(self.first_recording.as_mut().map(|l| &mut l.span)) {
            *span = span.with_file(f(span.file));
        }
    }

    /// Adds another unit's facts, after these.
    pub fn extend(&mut self, other: RunFacts) {
        for (purpose, uses) in other.purpose_uses {
            self.purpose_uses.entry(purpose).or_default().extend(uses);
        }
        if self.first_recording.is_none() {
            self.first_recording = other.first_recording;
        }
    }
}

/// How a rule decides from the analysed flows: a built-in rule's function,
/// or what a user's rule file says.
pub trait RuleCheck: Send + Sync {
    fn check(&self, context: &RuleContext, findings: &mut Vec<Finding>);

    /// Whether the check reads steps' statements (`Step::statement`): a
    /// run loads them only for such a rule. The built-in rules do not.
    fn reads_statements(&self) -> bool {
        false
    }
}

impl RuleCheck for fn(&RuleContext, &mut Vec<Finding>) {
    fn check(&self, context: &RuleContext, findings: &mut Vec<Finding>) {
        self(context, findings);
    }
}

/// How a rule decides: from one unit's analysed flows, from the whole run
/// (storage, retention, purposes across units), or from what the
/// suppression stage found about the suppressions themselves (the
/// meta-rules).
#[derive(Clone)]
enum Check {
    Flows(Arc<dyn RuleCheck>),
    Run(fn(&RunContext, &mut Vec<Finding>)),
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

/// Declares the flow rules' modules (the meta-rules' modules are in
/// `suppress`, beside the suppressions they judge) and maps each `RuleCode`
/// to its check. The `match` it generates is exhaustive, so a `lints/*.toml`
/// without an implementation does not compile.
macro_rules! declare_rules {
    (
        flows { $($flow_code:ident => $flow_module:ident,)* }
        run { $($run_code:ident => $run_module:ident,)* }
        suppressions { $($meta_code:ident => $meta_module:ident,)* }
    ) => {
        $(mod $flow_module;)*
        $(mod $run_module;)*

        /// The Rust side of each built-in rule.
        fn implementation(code: RuleCode) -> Check {
            match code {
                $(RuleCode::$flow_code => flows($flow_module::check),)*
                $(RuleCode::$run_code => Check::Run($run_module::check),)*
                $(RuleCode::$meta_code => Check::Suppressions(suppress::$meta_module::check),)*
            }
        }

        /// Each built-in rule's module name, to check it against the rule's name.
        #[cfg(test)]
        const MODULES: &[(RuleCode, &str)] = &[
            $((RuleCode::$flow_code, stringify!($flow_module)),)*
            $((RuleCode::$run_code, stringify!($run_module)),)*
            $((RuleCode::$meta_code, stringify!($meta_module)),)*
        ];
    };
}

// Every built-in rule: its code (`lints/RECnnn.toml`) and its module. Adding a
// rule is its TOML, its file and one line here.
declare_rules! {
    // Rules that decide from one unit's analysed flows.
    flows {
        Rec001 => rec001_blanket_recording_without_consent,
        Rec002 => rec002_training_without_opt_in,
        Rec003 => rec003_recording_before_notice,
        Rec004 => rec004_recording_without_consent,
        Rec005 => rec005_opt_out_consent,
        Rec006 => rec006_declined_still_recorded,
        Rec007 => rec007_refusal_penalised,
        Rec008 => rec008_no_way_to_withdraw,
        Rec009 => rec009_undeclared_purpose,
        Rec011 => rec011_mandated_recording_made_optional,
        Rec012 => rec012_recording_during_ivr,
        Rec013 => rec013_undeclared_analytics,
        Rec014 => rec014_payment_capture_recorded,
        Rec019 => rec019_removed_recorder,
        Rec020 => rec020_agent_emotion_inference,
        Rec021 => rec021_third_party_ai_listening,
        Rec022 => rec022_silent_recording,
        Rec023 => rec023_voice_biometrics_without_explicit_consent,
        Rec024 => rec024_card_entry_paused_not_masked,
        Rec900 => rec900_parse_error,
        Rec901 => rec901_unresolved_reference,
    }
    // Rules that judge the whole run: storage, retention, purposes.
    run {
        Rec010 => rec010_public_authority_legitimate_interests,
        Rec015 => rec015_retention_undeclared,
        Rec016 => rec016_retention_excessive,
        Rec017 => rec017_storage_unencrypted,
        Rec018 => rec018_storage_outside_eea,
        Rec025 => rec025_mandated_retention_too_short,
    }
    // Meta-rules that judge what the suppression stage found, in `src/suppress/`.
    suppressions {
        Rec910 => rec910_invalid_suppression,
        Rec911 => rec911_suppression_without_reason,
        Rec912 => rec912_unused_suppression,
        Rec913 => rec913_expired_suppression,
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
        let catalog = Catalog::builtin(&crate::frontend::format_names())?;
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

    /// Only the rules whose metadata `keep` accepts.
    pub fn filtered(&self, keep: impl Fn(&RuleMeta) -> bool) -> Registry {
        let rules: Vec<Rule> = self
            .rules
            .iter()
            .filter(|r| keep(&r.meta))
            .cloned()
            .collect();
        let catalog = Catalog::of(rules.iter().map(|r| Arc::clone(&r.meta)).collect());
        Registry { rules, catalog }
    }

    /// The rules' metadata.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Whether a rule reads steps' statements ([`RuleCheck::reads_statements`]).
    pub fn reads_statements(&self) -> bool {
        self.rules.iter().any(|rule| match &rule.check {
            Check::Flows(check) => check.reads_statements(),
            Check::Run(_) | Check::Suppressions(_) => false,
        })
    }

    /// Finds a rule by code (case-insensitive) or kebab-case name.
    pub fn find(&self, code_or_name: &str) -> Option<&Rule> {
        self.catalog.position(code_or_name).map(|i| &self.rules[i])
    }

    pub fn get(&self, code: &str) -> &Rule {
        &self.rules[self.catalog.index(code)]
    }

    /// The selected rules that apply under the profile.
    fn selected<'r>(
        &'r self,
        config: &'r Config,
        enabled: &'r dyn Fn(&str) -> bool,
    ) -> impl Iterator<Item = &'r Check> + 'r {
        self.rules
            .iter()
            .filter(move |r| {
                enabled(&r.meta.code)
                    && under_profile(&r.meta.code, &config.profile) != UnderProfile::Off
            })
            .map(|r| &r.check)
    }

    /// Runs the selected rules that look at one unit's flows.
    pub fn run(&self, context: &RuleContext, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
        let mut findings = Vec::new();
        for check in self.selected(context.config, enabled) {
            if let Check::Flows(check) = check {
                check.check(context, &mut findings);
            }
        }
        compact(&mut findings);
        findings
    }

    /// Runs the selected rules that judge the whole run.
    pub fn run_on_run(&self, context: &RunContext, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
        let mut findings = Vec::new();
        for check in self.selected(context.config, enabled) {
            if let Check::Run(check) = check {
                check(context, &mut findings);
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
    fn no_built_in_rule_reads_statements() {
        // A run without custom rules loads graphs without statements.
        let registry = Registry::builtin().expect("rules load");
        assert!(!registry.reads_statements());
    }

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

    #[test]
    fn every_rule_module_is_named_after_its_rule() {
        let catalog = Catalog::builtin(&crate::frontend::format_names()).expect("rules load");
        for &(code, module) in MODULES {
            let name = &catalog.get(code.as_str()).name;
            let expected = format!(
                "{}_{}",
                code.as_str().to_ascii_lowercase(),
                name.replace('-', "_")
            );
            assert_eq!(module, expected, "{code:?}");
        }
    }
}
