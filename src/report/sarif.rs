//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and SARIF viewers.
//!
//! Hand-written serde structs for the subset we emit (as ruff and oxlint do);
//! `tests/formats.rs` validates the output against the official schema.
//!
//! Design (linter-conventions §3.2–3.4):
//! * one run; `tool.driver.rules` lists every rule of the catalogue, with the
//!   descriptions, help and level GitHub requires;
//! * every finding is a result, suppressed ones included with a
//!   `suppressions` entry: the audit trail of what was accepted and why;
//! * paths are `/`-separated, percent-encoded URI references relative to
//!   `%SRCROOT%` (the directory reclint ran in); a path outside it becomes an
//!   absolute `file:` URI;
//! * columns count Unicode code points (`columnKind`), as [`LineCol`] does;
//! * GitHub's limits are respected: at most 25,000 results per run (errors
//!   first; a notification says how many were left out), 1,000 thread-flow
//!   locations and 100 related locations per result, 10 tags per rule, and
//!   descriptions of at most 1,024 characters;
//! * minified, since uploads are limited in size.
//!
//! [`LineCol`]: crate::source::LineCol

use crate::hash::HashMap;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Catalog, RuleMeta};
use crate::finding::{Applicability, Fix, Outcome, Reported, Severity, SuppressionKind};
use crate::source::{FileId, SourceMap, Span};

/// GitHub rejects runs with more results than this.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub shows at most this many thread-flow locations of a result.
pub const MAX_THREAD_FLOW_LOCATIONS: usize = 1_000;
/// GitHub shows at most this many locations of a result.
pub const MAX_RELATED_LOCATIONS: usize = 100;
/// GitHub's limit for `shortDescription` and `fullDescription`.
const MAX_DESCRIPTION: usize = 1_024;
/// GitHub shows at most this many tags of a rule.
const MAX_TAGS: usize = 10;

/// The `partialFingerprints` key of reclint's line-independent fingerprint.
pub const FINGERPRINT_KEY: &str = "reclintFingerprint/v1";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: impl Into<String>) -> Text {
        Text { text: text.into() }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    /// How GitHub ranks an alert that is not a security one.
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    /// How GitHub ranks a security alert, 0.0 to 10.0: set for the rules
    /// that enforce a legal framework (their breaches are data-protection
    /// incidents), by severity: error high (7.5), warning medium (5.0),
    /// info low (2.0).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

/// An `originalUriBaseIds` entry without `uri`: SARIF §3.14.14 lets the
/// consumer supply the base, which keeps machine-specific absolute paths out
/// of the log and the log identical wherever it is produced.
#[derive(Serialize)]
struct BaseUri {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

/// A finding's fix (SARIF §3.55): its edits, grouped by file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    /// The column after the region, as in SARIF.
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: Location,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location>,
}

pub fn render(outcome: &Outcome, sources: &SourceMap, catalog: &Catalog) -> String {
    let rule_index: HashMap<&str, usize> = catalog
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.code.as_str(), i))
        .collect();
    let rules = catalog.rules.iter().map(|meta| descriptor(meta)).collect();

    let (kept, left_out) = within_result_limit(&outcome.reported);
    let results = kept
        .into_iter()
        .map(|r| result(r, sources, catalog, &rule_index))
        .collect();
    let mut notifications = Vec::new();
    if left_out > 0 {
        notifications.push(Notification {
            level: "warning",
            message: Text::new(format!(
                "{left_out} of {} findings are not in this log: GitHub code scanning accepts at most {MAX_RESULTS} results per run. Errors and unsuppressed findings were kept first; use --format json for all of them.",
                outcome.reported.len()
            )),
        });
    }

    let log = SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "reclint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseUri {
                    description: Text::new(
                        "The directory reclint was run in; result paths are relative to it.",
                    ),
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string(&log).unwrap_or_else(|e| {
        format!(
            "{{\"version\":\"2.1.0\",\"runs\":[],\"error\":{:?}}}",
            e.to_string()
        )
    });
    text.push('\n');
    text
}

/// The project's home page, when the package declares one (never empty).
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor<'_> {
    let mut text = meta.explanation.trim().to_string();
    let mut markdown = text.clone();
    if !meta.references.is_empty() {
        text.push_str("\n\nReferences:\n");
        markdown.push_str("\n\n## References\n\n");
        for reference in &meta.references {
            text.push_str(&format!("- {}: {}", reference.title, reference.url));
            markdown.push_str(&format!(
                "- [{}](<{}>)",
                markdown_escape(&reference.title),
                reference.url
            ));
            if let Some(note) = &reference.note {
                text.push_str(&format!(" ({note})"));
                markdown.push_str(&format!(" ({})", markdown_escape(note)));
            }
            text.push('\n');
            markdown.push('\n');
        }
    }
    let full = what_it_does(&meta.explanation).unwrap_or_else(|| meta.summary.clone());
    ReportingDescriptor {
        id: &meta.code,
        name: &meta.name,
        short_description: Text::new(truncate(&meta.summary, MAX_DESCRIPTION)),
        full_description: Text::new(truncate(&full, MAX_DESCRIPTION)),
        help: Help { text, markdown },
        help_uri: meta.url().filter(|u| !u.is_empty()),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        properties: RuleProperties {
            tags: tags(meta),
            problem_severity: match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
            security_severity: (!meta.tags.is_empty()).then_some(match meta.severity {
                Severity::Error => "7.5",
                Severity::Warning => "5.0",
                Severity::Info => "2.0",
            }),
        },
    }
}

/// Tags to filter alerts by: the rule family, the frameworks and provisions
/// it enforces, then the formats it reads.
fn tags(rule: &RuleMeta) -> Vec<String> {
    let code = rule.code.as_str();
    let family: &[&str] = if code.starts_with("REC90") {
        // Parse errors and unresolved references: what reclint could not analyse.
        &["analysis"]
    } else if code.starts_with("REC91") {
        &["suppression"]
    } else {
        &["privacy", "gdpr", "call-recording"]
    };
    let mut tags: Vec<String> = Vec::new();
    for tag in family
        .iter()
        .map(|t| t.to_string())
        .chain(rule.tags.iter().cloned())
        .chain(rule.formats.iter().cloned())
    {
        if !tag.is_empty() && !tags.contains(&tag) && tags.len() < MAX_TAGS {
            tags.push(tag);
        }
    }
    tags
}

/// The first paragraph under `## What it does`, with the list that follows
/// it when the paragraph ends in a colon.
fn what_it_does(explanation: &str) -> Option<String> {
    let mut lines = explanation
        .lines()
        .skip_while(|l| l.trim() != "## What it does");
    lines.next()?;
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        if line.starts_with("## ") {
            break;
        }
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
                let ends_in_colon = blocks
                    .last()
                    .and_then(|b| b.last())
                    .is_some_and(|l| l.trim_end().ends_with(':'));
                if blocks.len() >= 2 || !ends_in_colon {
                    break;
                }
            }
            continue;
        }
        current.push(line);
    }
    if !current.is_empty() && blocks.len() < 2 {
        blocks.push(current);
    }
    let first = blocks.first()?;
    let mut text = first.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    if let Some(list) = blocks.get(1) {
        text.push('\n');
        text.push_str(&list.join("\n"));
    }
    Some(text)
}

fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '*' | '_' | '`' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// At most `max` characters, ending in an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The findings that fit in one run, in their original order: unsuppressed
/// before suppressed and higher severities first when some must go.
fn within_result_limit(reported: &[Reported]) -> (Vec<&Reported>, usize) {
    if reported.len() <= MAX_RESULTS {
        return (reported.iter().collect(), 0);
    }
    let mut order: Vec<usize> = (0..reported.len()).collect();
    order.sort_by_key(|&i| {
        let r = &reported[i];
        (r.suppression.is_some(), std::cmp::Reverse(r.severity), i)
    });
    order.truncate(MAX_RESULTS);
    order.sort_unstable();
    (
        order.into_iter().map(|i| &reported[i]).collect(),
        reported.len() - MAX_RESULTS,
    )
}

fn result<'a>(
    r: &'a Reported,
    sources: &SourceMap,
    catalog: &Catalog,
    rule_index: &HashMap<&str, usize>,
) -> SarifResult<'a> {
    let finding = &r.finding;
    let message = if finding.message.trim().is_empty() {
        catalog
            .find(finding.rule)
            .map(|rule| rule.summary.clone())
            .unwrap_or_else(|| finding.rule.to_string())
    } else {
        finding.message.clone()
    };
    let primary = Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: artifact_location(&r.path),
            region: region(r.start.line, r.start.column, r.end.line, r.end.column),
        },
        message: None,
    };
    let related_locations = finding
        .related
        .iter()
        .take(MAX_RELATED_LOCATIONS)
        .enumerate()
        .map(|(i, label)| Location {
            id: Some(i + 1),
            physical_location: physical_location(label.span, sources),
            message: non_empty(&label.message),
        })
        .collect();
    let code_flows = if finding.trace.is_empty() {
        Vec::new()
    } else {
        let steps = &finding.trace;
        let (head, tail) = if steps.len() > MAX_THREAD_FLOW_LOCATIONS {
            let head = MAX_THREAD_FLOW_LOCATIONS / 2;
            (head, MAX_THREAD_FLOW_LOCATIONS - head)
        } else {
            (steps.len(), 0)
        };
        let omitted = steps.len() - head - tail;
        let locations = steps
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < head || *i >= steps.len() - tail)
            .map(|(i, step)| {
                let mut text = if step.text.trim().is_empty() {
                    step.region.to_string()
                } else {
                    step.text.to_string()
                };
                if omitted > 0 && i == steps.len() - tail {
                    text = format!("({omitted} steps left out) {text}");
                }
                ThreadFlowLocation {
                    location: Location {
                        id: None,
                        physical_location: physical_location(step.span, sources),
                        message: non_empty(&text),
                    },
                }
            })
            .collect();
        vec![CodeFlow {
            thread_flows: vec![ThreadFlow { locations }],
        }]
    };
    let suppressions = r
        .suppression
        .iter()
        .map(|s| SarifSuppression {
            kind: match s.kind {
                SuppressionKind::Inline => "inSource",
                SuppressionKind::Config | SuppressionKind::Baseline => "external",
            },
            status: "accepted",
            justification: &s.reason,
            location: s.span.map(|span| Location {
                id: None,
                physical_location: physical_location(span, sources),
                message: None,
            }),
        })
        .collect();
    SarifResult {
        rule_id: finding.rule,
        rule_index: rule_index.get(finding.rule).copied(),
        level: level(r.severity),
        message: Text::new(message),
        locations: vec![primary],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, r.fingerprint.as_str())]),
        related_locations,
        code_flows,
        suppressions,
        fixes: finding
            .fix
            .iter()
            .map(|fix| sarif_fix(fix, sources))
            .collect(),
    }
}

/// A fix's edits as artifact changes, one per file in the order the edits
/// name them; an unsafe fix says so in its description.
fn sarif_fix(fix: &Fix, sources: &SourceMap) -> SarifFix {
    let mut changes: Vec<(FileId, ArtifactChange)> = Vec::new();
    for edit in &fix.edits {
        let file = sources.get(edit.span.file);
        let (start, end) = (file.line_col(edit.span.start), file.line_col(edit.span.end));
        let replacement = Replacement {
            deleted_region: region(start.line, start.column, end.line, end.column),
            inserted_content: Text::new(edit.replacement.clone()),
        };
        match changes.iter_mut().find(|(id, _)| *id == edit.span.file) {
            Some((_, change)) => change.replacements.push(replacement),
            None => changes.push((
                edit.span.file,
                ArtifactChange {
                    artifact_location: artifact_location(&file.display),
                    replacements: vec![replacement],
                },
            )),
        }
    }
    let description = match fix.applicability {
        Applicability::Safe => fix.message.clone(),
        Applicability::Unsafe => format!("{} (unsafe: review the change)", fix.message),
    };
    SarifFix {
        description: Text::new(description),
        artifact_changes: changes.into_iter().map(|(_, change)| change).collect(),
    }
}

fn non_empty(text: &str) -> Option<Text> {
    (!text.trim().is_empty()).then(|| Text::new(text))
}

fn physical_location(span: Span, sources: &SourceMap) -> PhysicalLocation {
    let file = sources.get(span.file);
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    PhysicalLocation {
        artifact_location: artifact_location(&file.display),
        region: region(start.line, start.column, end.line, end.column),
    }
}

/// A region that is never inverted and never starts before line or column 1.
fn region(start_line: usize, start_column: usize, end_line: usize, end_column: usize) -> Region {
    let start = (start_line.max(1), start_column.max(1));
    let end = (end_line.max(1), end_column.max(1)).max(start);
    Region {
        start_line: start.0,
        start_column: start.1,
        end_line: end.0,
        end_column: end.1,
    }
}

/// The URI of a displayed path: relative to `%SRCROOT%`, or an absolute
/// `file:` URI for a path outside the current directory.
fn artifact_location(display: &str) -> ArtifactLocation {
    if display.starts_with('/') {
        return ArtifactLocation {
            uri: format!("file://{}", encode_path(display)),
            uri_base_id: None,
        };
    }
    let bytes = display.as_bytes();
    if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        // A Windows drive: C:/dir/file → file:///C:/dir/file
        let rest = &display[3..];
        return ArtifactLocation {
            uri: format!("file:///{}:/{}", &display[..1], encode_path(rest)),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: encode_path(display),
        uri_base_id: Some(SRCROOT),
    }
}

/// Percent-encodes a `/`-separated path for use as a URI reference: keeps
/// RFC 3986 unreserved characters, sub-delimiters, `@` and `/`; encodes the
/// rest as UTF-8 bytes, `:` included (it would read as a scheme in a first
/// segment).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode_path("pbx/my file.conf"), "pbx/my%20file.conf");
        assert_eq!(encode_path("a%b#c?d:e"), "a%25b%23c%3Fd%3Ae");
        assert_eq!(encode_path("ø.conf"), "%C3%B8.conf");
        let abs = artifact_location("/etc/asterisk/extensions.conf");
        assert_eq!(abs.uri, "file:///etc/asterisk/extensions.conf");
        assert!(abs.uri_base_id.is_none());
        let win = artifact_location("C:/pbx/x y.conf");
        assert_eq!(win.uri, "file:///C:/pbx/x%20y.conf");
        let rel = artifact_location("pbx/extensions.conf");
        assert_eq!(rel.uri_base_id, Some(SRCROOT));
    }

    #[test]
    fn first_paragraph_of_what_it_does() {
        let text =
            "## What it does\n\nFlags this\nand that.\n\nMore.\n\n## Why is this bad?\n\nBecause.";
        assert_eq!(what_it_does(text).unwrap(), "Flags this and that.");
        let listed = "## What it does\n\nFlags when either:\n\n- a\n- b\n\nMore.\n";
        assert_eq!(
            what_it_does(listed).unwrap(),
            "Flags when either:\n- a\n- b"
        );
        assert!(what_it_does("no heading").is_none());
    }

    #[test]
    fn descriptions_are_cut_to_githubs_limit() {
        let long = "x".repeat(2000);
        let cut = truncate(&long, MAX_DESCRIPTION);
        assert_eq!(cut.chars().count(), MAX_DESCRIPTION);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", MAX_DESCRIPTION), "short");
    }
}
