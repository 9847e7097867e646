//! `--format json`, version 1.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::finding::{Outcome, Reported, Severity};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Findings<'a>,
    summary: Summary,
}

/// The findings, serialised one by one as they are written.
struct Findings<'a> {
    outcome: &'a Outcome,
    sources: &'a SourceMap,
    catalog: &'a Catalog,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.outcome
                .reported
                .iter()
                .map(|r| json_finding(r, self.sources, self.catalog)),
        )
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
    fingerprint: &'a str,
    suppressed: bool,
    suppression: Option<JsonSuppression<'a>>,
    related: Vec<Related<'a>>,
    trace: Vec<Trace<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Trace<'a> {
    path: &'a str,
    line: usize,
    step: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
}

/// The report as text.
pub fn render(outcome: &Outcome, sources: &SourceMap, catalog: &Catalog) -> String {
    let mut out = Vec::new();
    write(outcome, sources, catalog, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the report to `out` as it is serialised, without holding it.
pub fn write(
    outcome: &Outcome,
    sources: &SourceMap,
    catalog: &Catalog,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let document = Document {
        version: 1,
        tool: Tool {
            name: "reclint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: Findings {
            outcome,
            sources,
            catalog,
        },
        summary: Summary {
            files: outcome.files,
            findings: outcome.active().count(),
            errors: outcome.count(Severity::Error),
            warnings: outcome.count(Severity::Warning),
            infos: outcome.count(Severity::Info),
            suppressed: outcome.suppressed(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

fn json_finding<'a>(
    r: &'a Reported,
    sources: &'a SourceMap,
    catalog: &'a Catalog,
) -> JsonFinding<'a> {
    let rule = catalog.get(r.finding.rule);
    JsonFinding {
        rule: r.finding.rule,
        name: &rule.name,
        severity: r.severity,
        path: &r.path,
        line: r.start.line,
        column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
        message: &r.finding.message,
        help: r.finding.help.as_deref().unwrap_or(&rule.help),
        fingerprint: &r.fingerprint,
        suppressed: r.suppression.is_some(),
        suppression: r.suppression.as_ref().map(|s| JsonSuppression {
            kind: s.kind.as_str(),
            reason: &s.reason,
        }),
        related: r
            .finding
            .related
            .iter()
            .map(|label| {
                let file = sources.get(label.span.file);
                let at = file.line_col(label.span.start);
                Related {
                    path: &file.display,
                    line: at.line,
                    column: at.column,
                    message: &label.message,
                }
            })
            .collect(),
        trace: r
            .finding
            .trace
            .iter()
            .map(|step| {
                let file = sources.get(step.span.file);
                Trace {
                    path: &file.display,
                    line: file.line_col(step.span.start).line,
                    step: &step.text,
                }
            })
            .collect(),
    }
}
