//! Reporting: findings with their final severity, location and fingerprint,
//! written in one of the output formats (one module per format).

pub mod human;
pub mod json;

use crate::finding::{Finding, Severity, fnv1a64};
use crate::rules::Registry;
use crate::source::{LineCol, SourceMap};

/// A finding ready to print.
pub struct Reported {
    pub finding: Finding,
    pub severity: Severity,
    /// Path of the primary span's file, relative to the current directory.
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
    pub fingerprint: String,
}

/// What `reclint check` found.
pub struct Outcome {
    pub reported: Vec<Reported>,
    /// Files read (configuration files excluded).
    pub files: usize,
}

impl Outcome {
    pub fn count(&self, severity: Severity) -> usize {
        self.reported
            .iter()
            .filter(|r| r.severity == severity)
            .count()
    }

    /// Whether a finding at or above `fail_on` was reported.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.reported.iter().any(|r| r.severity >= fail_on)
    }
}

/// Orders findings (path, line, column, code), fixes their severity and
/// computes line-independent fingerprints.
pub fn finish(
    findings: Vec<Finding>,
    sources: &SourceMap,
    registry: &Registry,
    severity_override: impl Fn(&str) -> Option<Severity>,
) -> Vec<Reported> {
    let mut reported: Vec<Reported> = findings
        .into_iter()
        .map(|finding| {
            let file = sources.get(finding.primary.span.file);
            let (start, end) = sources.line_col(finding.primary.span);
            let severity = severity_override(finding.rule)
                .or(finding.severity)
                .unwrap_or(registry.get(finding.rule).meta.severity);
            Reported {
                path: file.display.clone(),
                start,
                end,
                severity,
                fingerprint: String::new(),
                finding,
            }
        })
        .collect();
    reported.sort_by(|a, b| {
        (&a.path, a.start, a.finding.rule, &a.finding.message).cmp(&(
            &b.path,
            b.start,
            b.finding.rule,
            &b.finding.message,
        ))
    });
    // The same rule at the same statement twice is one finding.
    reported.dedup_by(|b, a| {
        a.path == b.path
            && a.start == b.start
            && a.finding.rule == b.finding.rule
            && a.finding.message == b.finding.message
    });
    // Fingerprint: rule, path, anchor and the occurrence among identical
    // anchors, never the line number.
    let mut seen: std::collections::HashMap<(String, String, String), usize> = Default::default();
    for r in &mut reported {
        let key = (
            r.finding.rule.to_string(),
            r.path.clone(),
            r.finding.anchor.clone(),
        );
        let occurrence = seen.entry(key).or_insert(0);
        r.fingerprint = format!(
            "{:016x}",
            fnv1a64(&[
                r.finding.rule,
                &r.path,
                &r.finding.anchor,
                &occurrence.to_string()
            ])
        );
        *occurrence += 1;
    }
    reported
}
