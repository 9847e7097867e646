//! `kind = "require"`: a step that must be on every path to each recording
//! start (or each connection). Reports the starts some path reaches without
//! it, with that path as the witness.

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::{CustomRule, RuleFile};
use crate::analysis::reached_unmarked;
use crate::finding::{Finding, Label};
use crate::flow::{Step, StepKind};
use crate::rules::RuleContext;
use crate::rules::support::{describe, heard_labels, region_of, trace};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawRequire {
    prompt: Option<Spanned<String>>,
    application: Option<Spanned<String>>,
    before: Option<Spanned<String>>,
}

/// Which steps must be preceded by the required one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequiredBefore {
    /// Every recording start.
    Recording,
    /// Every connection to an agent, queue or callee.
    Connection,
}

#[derive(Debug)]
pub struct Require {
    /// A prompt (file or spoken text) matching this.
    prompt: Option<Regex>,
    /// A statement whose application matches this.
    application: Option<Regex>,
    pub before: RequiredBefore,
}

impl Require {
    pub(super) fn new(
        file: &RuleFile,
        raw: Option<&RawRequire>,
        table: std::ops::Range<usize>,
    ) -> miette::Result<Require> {
        let raw =
            raw.ok_or_else(|| file.error(table.clone(), "missing [require]".into(), "here"))?;
        if raw.prompt.is_none() && raw.application.is_none() {
            return Err(file.error_with_help(
                table,
                "[require] names nothing to require".into(),
                "this table",
                Some("add `prompt = '...'` or `application = '...'` (regular expressions)".into()),
            ));
        }
        let before = match &raw.before {
            Some(value) => {
                match file.one_of(value, &["recording", "connection"], "`before` value")? {
                    "connection" => RequiredBefore::Connection,
                    _ => RequiredBefore::Recording,
                }
            }
            None => RequiredBefore::Recording,
        };
        Ok(Require {
            prompt: raw.prompt.as_ref().map(|r| file.regex(r)).transpose()?,
            application: raw
                .application
                .as_ref()
                .map(|r| file.regex(r))
                .transpose()?,
            before,
        })
    }

    /// Whether a step is the required one: any of the given keys matches.
    fn is_required_step(&self, step: &Step) -> bool {
        let prompt_matches = self.prompt.as_ref().is_some_and(|regex| match &step.kind {
            StepKind::Prompt { prompts } | StepKind::Input { prompts, .. } => {
                prompts.iter().any(|p| regex.is_match(p))
            }
            _ => false,
        });
        let application_matches = self.application.as_ref().is_some_and(|regex| {
            step.statement
                .as_ref()
                .is_some_and(|s| regex.is_match(s.application()))
        });
        prompt_matches || application_matches
    }
}

pub(super) fn check(
    rule: &CustomRule,
    require: &Require,
    ctx: &RuleContext,
    out: &mut Vec<Finding>,
) {
    for pbx in ctx.analyses {
        let graph = &pbx.graph;
        let goal = |step: &Step| match require.before {
            RequiredBefore::Recording => {
                matches!(&step.kind, StepKind::RecordingStart(_))
            }
            RequiredBefore::Connection => matches!(step.kind, StepKind::Connection { .. }),
        };
        let goals_here = graph
            .steps
            .iter()
            .any(|s| goal(s) && rule.applies_to(ctx, s.span.file, graph.format));
        if !goals_here {
            continue;
        }
        let unmarked = reached_unmarked(
            graph,
            |s| require.is_required_step(graph.step(s)),
            |s| goal(graph.step(s)) && rule.applies_to(ctx, graph.step(s).span.file, graph.format),
        );
        for (step, witness) in unmarked {
            let message = rule.message(ctx, pbx, step, &|_| None);
            let at = graph.step(step);
            let mut finding = Finding::new(
                rule.code,
                Label::new(at.span, "reached without the required step"),
                message,
            );
            finding.help = (!rule.meta.help.is_empty()).then(|| rule.meta.help.as_str().into());
            finding.context = Some(graph.region(at.region).name.clone());
            finding.fingerprint_anchor = format!(
                "{}|{}",
                region_of(pbx, step),
                describe(ctx.sources, pbx, step)
            );
            finding.related.extend(heard_labels(pbx, &witness));
            finding.trace = trace(ctx, pbx, &witness);
            out.push(finding);
        }
    }
}
