//! Custom rules: an organisation's own recording policy, written as
//! TOML files in its repository and loaded from `rule-dirs`. A rule file has
//! the metadata of `lints/*.toml` and one of three kinds:
//!
//! - `pattern`: a regular expression over a field of the call-flow steps
//!   (application, arguments, prompt, recording target, assignment) or over
//!   raw lines;
//! - `condition`: a predicate over what the analysis knows about each
//!   recording start (purposes, consent states, notice, capture, ...);
//! - `require`: a step that must be on every path to each recording start
//!   (or connection), found by the same path-state analysis as notices.
//!
//! `docs/custom-rules.md` is the user's reference; `docs/custom-rule.schema.json`
//! the schema for editors.

mod condition;
mod pattern;
mod require;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report};
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::analysis::PbxAnalysis;
use crate::catalog::{Catalog, Reference, RuleMeta};
use crate::finding::{Finding, Severity};
use crate::flow::StepId;
use crate::glob::{GlobKind, GlobSet};
use crate::rules::support::{describe, region_of};
use crate::rules::{RuleCheck, RuleContext};
use crate::source::{FileId, SourceFile, SourceMap};

pub use condition::Condition;
pub use pattern::{Pattern, PatternField};
pub use require::{Require, RequiredBefore};

/// Built-in codes start with this; custom codes may not.
const RESERVED_PREFIX: &str = "REC";

/// Compiled size limits for user regular expressions: a pattern like
/// `(a{1000}){1000}` is refused instead of exhausting memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One loaded custom rule.
#[derive(Debug)]
pub struct CustomRule {
    pub meta: Arc<RuleMeta>,
    /// The code, kept for the lifetime of the process: findings name their
    /// rule with a `&'static str`, and a run loads each rule once.
    pub code: &'static str,
    /// Files the rule looks at (empty: all), relative to the configuration's
    /// directory like `[[scope]] paths`.
    pub paths: GlobSet,
    /// The message template (`{1}`, `{name}`, `{context}`, `{statement}`).
    pub message: String,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    Pattern(Pattern),
    Condition(Condition),
    Require(Require),
}

impl RuleCheck for CustomRule {
    /// Runs the rule on the analysed flows.
    fn check(&self, ctx: &RuleContext, out: &mut Vec<Finding>) {
        match &self.kind {
            Kind::Pattern(p) => pattern::check(self, p, ctx, out),
            Kind::Condition(c) => condition::check(self, c, ctx, out),
            Kind::Require(r) => require::check(self, r, ctx, out),
        }
    }

    /// Patterns and requirements match a step's application and
    /// arguments, and messages can name the application.
    fn reads_statements(&self) -> bool {
        true
    }
}

impl CustomRule {
    /// Whether the rule looks at `file`, read as `format`.
    fn applies_to(&self, ctx: &RuleContext, file: FileId, format: &str) -> bool {
        let format_ok =
            self.meta.formats.is_empty() || self.meta.formats.iter().any(|f| f == format);
        let path = &ctx.sources.get(file).path;
        let relative =
            crate::source::slash_path(path.strip_prefix(&ctx.config.base).unwrap_or(path));
        format_ok && (self.paths.is_empty() || self.paths.matches(&relative))
    }

    /// Whether the rule looks at a step: the graph's format, the step's file.
    fn applies_to_step(&self, ctx: &RuleContext, pbx: &PbxAnalysis, step: StepId) -> bool {
        self.applies_to(ctx, pbx.graph.step(step).span.file, pbx.graph.format)
    }

    /// Fills the message template: `{context}` and `{statement}` name the
    /// step, `extra` adds rule-specific names (captures, `{recording}`).
    fn message(
        &self,
        ctx: &RuleContext,
        pbx: &PbxAnalysis,
        step: StepId,
        extra: &dyn Fn(&str) -> Option<String>,
    ) -> String {
        fill_template(&self.message, &|name| match name {
            "context" => Some(region_of(pbx, step)),
            "statement" => Some(describe(ctx.sources, pbx, step)),
            "application" => pbx
                .graph
                .step(step)
                .statement
                .as_ref()
                .map(|s| s.application().to_string()),
            _ => extra(name),
        })
    }
}

/// Replaces `{name}` in `template` with `value(name)`; unknown names stay as
/// written, `{{` and `}}` are literal braces.
pub fn fill_template(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        match tail.starts_with('{').then(|| tail.find('}')).flatten() {
            Some(end) => {
                let name = &tail[1..end];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&tail[..=end]),
                }
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---- Loading -------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRule {
    code: Spanned<String>,
    name: Spanned<String>,
    severity: Severity,
    summary: String,
    #[serde(default)]
    help: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    references: Vec<Reference>,
    #[serde(default)]
    formats: Vec<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    kind: Spanned<String>,
    message: Option<String>,
    pattern: Option<Spanned<pattern::RawPattern>>,
    when: Option<Spanned<condition::RawWhen>>,
    require: Option<Spanned<require::RawRequire>>,
}

/// A key that takes one value or a list of them (`purpose = "training"` or
/// `purpose = ["training", "qa"]`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    pub(crate) fn to_vec(&self) -> Vec<&T> {
        match self {
            OneOrMany::One(value) => vec![value],
            OneOrMany::Many(values) => values.iter().collect(),
        }
    }
}

/// Errors point into the rule file.
pub(crate) struct RuleFile<'a> {
    display: &'a str,
    text: &'a str,
}

impl RuleFile<'_> {
    pub(crate) fn error(&self, range: Range<usize>, message: String, label: &str) -> Report {
        self.error_with_help(range, message, label, None)
    }

    pub(crate) fn error_with_help(
        &self,
        range: Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Report {
        let mut diagnostic = MietteDiagnostic::new(message)
            .with_code("reclint::custom-rule")
            .with_label(LabeledSpan::at(range, label));
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        Report::new(diagnostic)
            .with_source_code(NamedSource::new(self.display, self.text.to_string()))
    }

    /// A user regular expression, compiled within the size limits.
    pub(crate) fn regex(&self, pattern: &Spanned<String>) -> miette::Result<Regex> {
        regex::RegexBuilder::new(pattern.get_ref())
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                let (message, help) = match e {
                    regex::Error::CompiledTooBig(limit) => (
                        format!("regular expression is too large: it compiles to more than {limit} bytes"),
                        Some("large repetition counts ({1000}) multiply; use + or * or a smaller count".to_string()),
                    ),
                    other => (format!("invalid regular expression: {other}"), None),
                };
                self.error_with_help(pattern.span(), message, "this regular expression", help)
            })
    }

    /// A value from a fixed list.
    pub(crate) fn one_of<'v>(
        &self,
        value: &Spanned<String>,
        allowed: &[&'v str],
        what: &str,
    ) -> miette::Result<&'v str> {
        allowed
            .iter()
            .find(|a| **a == value.get_ref().as_str())
            .copied()
            .ok_or_else(|| {
                self.error_with_help(
                    value.span(),
                    format!("unknown {what} `{}`", value.get_ref()),
                    "not allowed here",
                    Some(format!("use one of: {}", allowed.join(", "))),
                )
            })
    }
}

/// Loads the rule files (`*.toml` except `reclint.toml` and
/// `.reclint.toml`, not recursing) of
/// each directory, in name order. `known` holds the rules already defined
/// (built-in and earlier custom ones): codes and names must not collide.
pub fn load(
    dirs: &[PathBuf],
    cwd: &Path,
    sources: &mut SourceMap,
    known: &Catalog,
) -> miette::Result<Vec<Arc<CustomRule>>> {
    let mut rules: Vec<Arc<CustomRule>> = Vec::new();
    // A directory named twice (`rule-dirs` and `reclint test`) loads once.
    let mut seen = std::collections::HashSet::new();
    for dir in dirs {
        if !seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.clone())) {
            continue;
        }
        let entries = std::fs::read_dir(dir).map_err(|e| {
            miette::miette!(
                code = "reclint::config",
                help = "`rule-dirs` names directories of rule files, relative to reclint.toml",
                "cannot read rule directory {}: {e}",
                crate::source::display_path(dir, cwd)
            )
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "toml")
                    && p.file_name()
                        .is_some_and(|n| n != "reclint.toml" && n != ".reclint.toml")
                    && p.is_file()
            })
            .collect();
        files.sort();
        for path in files {
            let rule = load_file(&path, cwd, sources, known, &rules)?;
            rules.push(Arc::new(rule));
        }
    }
    Ok(rules)
}

fn load_file(
    path: &Path,
    cwd: &Path,
    sources: &mut SourceMap,
    known: &Catalog,
    loaded: &[Arc<CustomRule>],
) -> miette::Result<CustomRule> {
    let display = crate::source::display_path(path, cwd);
    let text = std::fs::read_to_string(path).map_err(|e| {
        miette::miette!(
            code = "reclint::config",
            "cannot read rule file {display}: {e}"
        )
    })?;
    sources.add(SourceFile::new(
        path.to_path_buf(),
        display.clone(),
        text.clone(),
    ));
    let file = RuleFile {
        display: &display,
        text: &text,
    };
    let raw: RawRule = toml::from_str(&text).map_err(|e| {
        file.error_with_help(
            e.span().unwrap_or(0..0),
            format!(
                "invalid rule file: {}",
                crate::suggest::plain_toml_message(e.message().trim_end())
            ),
            "here",
            Some("see docs/custom-rules.md for the rule file format".into()),
        )
    })?;

    check_identity(&file, &raw, known, loaded)?;
    let code = raw.code.get_ref();
    let name = raw.name.get_ref();

    let mut formats = Vec::new();
    for format in &raw.formats {
        formats.push(
            file.one_of(format, &crate::frontend::format_names(), "format")?
                .to_string(),
        );
    }
    let mut tags = Vec::new();
    for tag in &raw.tags {
        if !crate::catalog::is_compliance_tag(tag.get_ref()) {
            return Err(file.error(
                tag.span(),
                "a tag is `framework:provision` in lowercase, e.g. `gdpr:art6-1-a`".into(),
                "here",
            ));
        }
        tags.push(tag.get_ref().clone());
    }
    let patterns: Vec<String> = raw.paths.iter().map(|p| p.get_ref().clone()).collect();
    let paths = GlobSet::new(&patterns, GlobKind::Path).map_err(|e| {
        let span = raw.paths.first().map(|p| p.span()).unwrap_or(0..0);
        file.error(span, format!("invalid path pattern: {e}"), "here")
    })?;

    let kind = rule_kind(&file, &raw)?;

    let message = raw.message.clone().unwrap_or_else(|| raw.summary.clone());
    let code: &'static str = Box::leak(code.clone().into_boxed_str());
    Ok(CustomRule {
        meta: Arc::new(RuleMeta {
            code: code.to_string(),
            name: name.clone(),
            severity: raw.severity,
            summary: raw.summary,
            formats,
            tags,
            help: raw.help,
            explanation: raw.explanation,
            references: raw.references,
            examples: Vec::new(),
        }),
        code,
        paths,
        message,
        kind,
    })
}

/// Checks the rule's code and name: their shape, the reserved prefix, and
/// that no built-in or earlier custom rule uses them.
fn check_identity(
    file: &RuleFile,
    raw: &RawRule,
    known: &Catalog,
    loaded: &[Arc<CustomRule>],
) -> miette::Result<()> {
    let code = raw.code.get_ref();
    let code_shape = code.len() >= 2
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !code_shape {
        return Err(file.error_with_help(
            raw.code.span(),
            format!("rule code `{code}` is not upper-case letters, digits, `-` and `_`"),
            "not a rule code",
            Some("write codes like ACME001".into()),
        ));
    }
    if code.starts_with(RESERVED_PREFIX) {
        return Err(file.error_with_help(
            raw.code.span(),
            format!("rule code `{code}` uses the prefix {RESERVED_PREFIX}, which reclint's own rules use"),
            "reserved prefix",
            Some("choose your organisation's prefix, e.g. ACME001".into()),
        ));
    }
    let name = raw.name.get_ref();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(file.error(
            raw.name.span(),
            format!("rule name `{name}` is not kebab-case"),
            "write names like sales-line-never-recorded",
        ));
    }
    let taken = |what: &str| {
        known.find(what).map(|r| r.code.clone()).or_else(|| {
            loaded
                .iter()
                .find(|r| r.meta.code == what || r.meta.name == what)
                .map(|r| r.meta.code.clone())
        })
    };
    if let Some(other) = taken(code) {
        return Err(file.error(
            raw.code.span(),
            format!("rule code `{code}` is already used by rule {other}"),
            "duplicate code",
        ));
    }
    if let Some(other) = taken(name) {
        return Err(file.error(
            raw.name.span(),
            format!("rule name `{name}` is already used by rule {other}"),
            "duplicate name",
        ));
    }
    Ok(())
}

/// The rule's kind and its table (`[pattern]`, `[when]` or `[require]`);
/// a table of another kind is an error.
fn rule_kind(file: &RuleFile, raw: &RawRule) -> miette::Result<Kind> {
    let kind_name = file.one_of(&raw.kind, &["pattern", "condition", "require"], "rule kind")?;
    let table_for = |present: bool, table: &str| -> miette::Result<()> {
        if present {
            Ok(())
        } else {
            Err(file.error_with_help(
                raw.kind.span(),
                format!("a `{kind_name}` rule needs a [{table}] table"),
                "this kind",
                Some(format!("add [{table}]; see docs/custom-rules.md")),
            ))
        }
    };
    // A table of another kind is a mistake worth pointing at.
    let stray = [
        ("pattern", raw.pattern.as_ref().map(Spanned::span)),
        ("when", raw.when.as_ref().map(Spanned::span)),
        ("require", raw.require.as_ref().map(Spanned::span)),
    ];
    let own_table = match kind_name {
        "pattern" => "pattern",
        "condition" => "when",
        _ => "require",
    };
    if let Some((table, Some(span))) = stray.iter().find(|(t, s)| *t != own_table && s.is_some()) {
        return Err(file.error(
            span.clone(),
            format!("[{table}] does not belong to a `{kind_name}` rule"),
            "unexpected table",
        ));
    }
    Ok(match kind_name {
        "pattern" => {
            table_for(raw.pattern.is_some(), "pattern")?;
            Kind::Pattern(Pattern::new(
                file,
                raw.pattern.as_ref().map(Spanned::get_ref),
            )?)
        }
        "condition" => {
            table_for(raw.when.is_some(), "when")?;
            Kind::Condition(Condition::new(
                file,
                raw.when.as_ref().map(Spanned::get_ref),
            )?)
        }
        _ => {
            table_for(raw.require.is_some(), "require")?;
            let span = raw.require.as_ref().map(Spanned::span).unwrap_or(0..0);
            Kind::Require(Require::new(
                file,
                raw.require.as_ref().map(Spanned::get_ref),
                span,
            )?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let value = |name: &str| match name {
            "1" => Some("x".to_string()),
            "context" => Some("[sales]".to_string()),
            _ => None,
        };
        assert_eq!(fill_template("{1} in {context}", &value), "x in [sales]");
        assert_eq!(fill_template("{{1}} {nope} {", &value), "{1} {nope} {");
        assert_eq!(fill_template("é{1}é", &value), "éxé");
    }
}
