//! `kind = "pattern"`: a regular expression over one field of each step, or
//! over raw lines.

use regex::{Captures, Regex};
use serde::Deserialize;
use toml::Spanned;

use super::{CustomRule, RuleFile};
use crate::finding::{Finding, Label};
use crate::flow::{Step, StepId, StepKind};
use crate::rules::RuleContext;
use crate::rules::support::region_of;
use crate::source::Span;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawPattern {
    field: Spanned<String>,
    regex: Spanned<String>,
    unless: Option<Spanned<String>>,
}

/// What a pattern is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternField {
    /// `MixMonitor`, `record_session`, `UpdateContactRecordingBehavior`, `Dial`.
    Application,
    /// The statement's arguments, data, parameters or attributes.
    Arguments,
    /// Each prompt file or spoken text of a prompt or input step.
    Prompt,
    /// The file or template a recording writes to.
    RecordingTarget,
    /// `VARIABLE=value` of an assignment the flow model keeps.
    Assignment,
    /// Each raw line of the files the rule applies to.
    Line,
}

const FIELDS: &[(&str, PatternField)] = &[
    ("application", PatternField::Application),
    ("arguments", PatternField::Arguments),
    ("prompt", PatternField::Prompt),
    ("recording-target", PatternField::RecordingTarget),
    ("assignment", PatternField::Assignment),
    ("line", PatternField::Line),
];

#[derive(Debug)]
pub struct Pattern {
    pub field: PatternField,
    pub regex: Regex,
    /// A text that also matches this is not reported (the regex crate has
    /// no negative look-ahead: "every target not under /srv/rec").
    pub unless: Option<Regex>,
}

impl Pattern {
    fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        if self.unless.as_ref().is_some_and(|u| u.is_match(text)) {
            return None;
        }
        self.regex.captures(text)
    }
}

impl Pattern {
    pub(super) fn new(file: &RuleFile, raw: Option<&RawPattern>) -> miette::Result<Pattern> {
        let raw = raw.ok_or_else(|| file.error(0..0, "missing [pattern]".into(), "here"))?;
        let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
        let name = file.one_of(&raw.field, &names, "pattern field")?;
        let field = FIELDS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .unwrap_or(PatternField::Line);
        Ok(Pattern {
            field,
            regex: file.regex(&raw.regex)?,
            unless: raw.unless.as_ref().map(|u| file.regex(u)).transpose()?,
        })
    }
}

/// The texts of a step that the field names.
fn step_texts(step: &Step, field: PatternField) -> Vec<String> {
    let kind = &step.kind;
    match field {
        PatternField::Application => step
            .statement
            .iter()
            .map(|s| s.application().to_string())
            .collect(),
        PatternField::Arguments => step
            .statement
            .iter()
            .map(|s| s.arguments().to_string())
            .collect(),
        PatternField::Prompt => match kind {
            StepKind::Prompt { prompts } | StepKind::Input { prompts, .. } => prompts.clone(),
            _ => Vec::new(),
        },
        PatternField::RecordingTarget => match kind {
            StepKind::RecordingStart(start) => start.target.iter().cloned().collect(),
            _ => Vec::new(),
        },
        PatternField::Assignment => match kind {
            StepKind::Assign { variable, from } => vec![format!("{variable}={from}")],
            // Assignments the flow model does not keep as copies: the
            // arguments of Asterisk `Set`/`MSet`, FreeSWITCH `set`/`export`.
            _ => step
                .statement
                .iter()
                .filter(|s| {
                    ["set", "mset", "export", "set_global"]
                        .iter()
                        .any(|a| s.application().eq_ignore_ascii_case(a))
                })
                .map(|s| s.arguments().to_string())
                .collect(),
        },
        PatternField::Line => Vec::new(),
    }
}

/// `{0}` the whole match, `{1}`… the groups, `{name}` named groups.
fn capture(regex: &Regex, captures: &Captures, name: &str) -> Option<String> {
    let group = match name.parse::<usize>() {
        Ok(i) => captures.get(i),
        Err(_) => regex
            .capture_names()
            .flatten()
            .any(|n| n == name)
            .then(|| captures.name(name))
            .flatten(),
    };
    group.map(|m| m.as_str().to_string())
}

pub(super) fn check(
    rule: &CustomRule,
    pattern: &Pattern,
    ctx: &RuleContext,
    out: &mut Vec<Finding>,
) {
    if pattern.field == PatternField::Line {
        return check_lines(rule, pattern, ctx, out);
    }
    for pbx in ctx.analyses {
        for (index, step) in pbx.graph.steps.iter().enumerate() {
            let id = StepId(index as u32);
            let texts = step_texts(step, pattern.field);
            let Some(captures) = texts.iter().find_map(|t| pattern.captures(t)) else {
                continue;
            };
            if !rule.applies_to_step(ctx, pbx, id) {
                continue;
            }
            let message = rule.message(ctx, pbx, id, &|name| match name {
                "application" => step.statement.as_ref().map(|s| s.application().to_string()),
                _ => capture(&pattern.regex, &captures, name),
            });
            let mut finding =
                Finding::new(rule.code, Label::new(step.span, "matched here"), message);
            finding.help = (!rule.meta.help.is_empty()).then(|| rule.meta.help.as_str().into());
            finding.context = Some(pbx.graph.region(step.region).name.clone());
            finding.fingerprint_anchor = format!(
                "{}|{}",
                region_of(pbx, id),
                crate::rules::support::describe(ctx.sources, pbx, id)
            );
            out.push(finding);
        }
    }
}

/// Raw lines of every file the rule applies to: one finding per matching
/// line, at the match.
fn check_lines(rule: &CustomRule, pattern: &Pattern, ctx: &RuleContext, out: &mut Vec<Finding>) {
    for &(file, kind) in ctx.files {
        if !rule.applies_to(ctx, file, kind.format_name()) {
            continue;
        }
        let text = &ctx.sources.get(file).text;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            if let Some(captures) = pattern.captures(content) {
                let whole = captures.get(0).map(|m| m.range()).unwrap_or(0..0);
                let span = Span::new(file, offset + whole.start, offset + whole.end);
                let message = super::fill_template(&rule.message, &|name| {
                    capture(&pattern.regex, &captures, name)
                });
                let mut finding =
                    Finding::new(rule.code, Label::new(span, "matched here"), message);
                finding.help = (!rule.meta.help.is_empty()).then(|| rule.meta.help.as_str().into());
                finding.fingerprint_anchor = content.trim().to_string();
                out.push(finding);
            }
            offset += line.len();
        }
    }
}
