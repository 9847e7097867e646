//! `--format gitlab`: a GitLab Code Quality report (linter-conventions §4.2),
//! a JSON array without byte-order mark, for
//! `artifacts: reports: codequality: gl-code-quality-report.json`.
//!
//! Only unsuppressed findings are listed. Severities map to GitLab's scale as
//! ESLint's GitLab formatter does: error → `major`, warning → `minor`,
//! info → `info` (`critical` and `blocker` stay unused: reclint's own scale
//! has three levels).
//!
//! The fingerprint is reclint's line-independent one, so an alert survives
//! lines inserted above it. GitLab shows findings with equal fingerprints as
//! one; should two findings share one, the later ones get a fingerprint
//! derived from it and their position in the report (stable across runs as
//! long as the findings are the same).

use crate::hash::HashSet;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::finding::{Outcome, Severity, fnv1a64};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(outcome: &Outcome, _sources: &SourceMap, _catalog: &Catalog) -> String {
    let mut used: HashSet<String> = HashSet::default();
    let issues: Vec<Issue> = outcome
        .active()
        .enumerate()
        .map(|(index, r)| {
            let mut fingerprint = r.fingerprint.clone();
            let mut attempt = 0usize;
            while fingerprint.is_empty() || used.contains(&fingerprint) {
                fingerprint = format!(
                    "{:016x}",
                    fnv1a64(&[&r.fingerprint, &index.to_string(), &attempt.to_string()])
                );
                attempt += 1;
            }
            used.insert(fingerprint.clone());
            Issue {
                description: &r.finding.message,
                check_name: r.finding.rule,
                fingerprint,
                severity: severity(r.severity),
                location: Location {
                    path: &r.path,
                    lines: Lines {
                        begin: r.start.line.max(1),
                        end: r.end.line.max(r.start.line).max(1),
                    },
                },
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

/// GitLab's scale: `info`, `minor`, `major`, `critical`, `blocker`.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}
