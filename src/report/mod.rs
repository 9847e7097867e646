//! Reporting: findings with their final severity, location and fingerprint,
//! written in one of the output formats (one module per format).

pub mod checkstyle;
pub mod concise;
mod excerpt;
pub mod github;
pub mod gitlab;
pub mod graph;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

pub use crate::finding::{Outcome, Reported, Suppression, SuppressionKind};

use crate::catalog::Catalog;
use crate::finding::{Finding, Severity, fnv1a64};
use crate::source::SourceMap;

/// Orders findings (path, line, column, code), fixes their severity and
/// computes line-independent fingerprints.
pub fn finish(
    findings: Vec<Finding>,
    sources: &SourceMap,
    catalog: &Catalog,
    severity_override: impl Fn(&str) -> Option<Severity>,
) -> Vec<Reported> {
    let mut reported: Vec<Reported> = findings
        .into_iter()
        .map(|finding| {
            let file = sources.get(finding.primary.span.file);
            let (start, end) = sources.line_col(finding.primary.span);
            let configured =
                severity_override(finding.rule).unwrap_or(catalog.get(finding.rule).severity);
            let severity = finding
                .at_most
                .map_or(configured, |cap| configured.min(cap));
            Reported {
                path: file.display.clone(),
                start,
                end,
                severity,
                fingerprint: String::new(),
                suppression: None,
                finding,
            }
        })
        .collect();
    sort(&mut reported);
    // The same rule at the same statement twice is one finding.
    reported.dedup_by(|b, a| {
        a.path == b.path
            && a.start == b.start
            && a.finding.rule == b.finding.rule
            && a.finding.message == b.finding.message
    });
    // Fingerprint: rule, path, anchor and the occurrence among identical
    // anchors, never the line number.
    let mut seen: std::collections::HashMap<(&str, &str, &str), usize> = Default::default();
    let fingerprints: Vec<String> = reported
        .iter()
        .map(|r| {
            let key = (
                r.finding.rule,
                r.path.as_str(),
                r.finding.fingerprint_anchor.as_str(),
            );
            let occurrence = seen.entry(key).or_insert(0);
            let fingerprint = format!(
                "{:016x}",
                fnv1a64(&[key.0, key.1, key.2, &occurrence.to_string()])
            );
            *occurrence += 1;
            fingerprint
        })
        .collect();
    for (r, fingerprint) in reported.iter_mut().zip(fingerprints) {
        r.fingerprint = fingerprint;
    }
    reported
}

/// The output order: path, line, column, rule, message.
pub fn sort(reported: &mut [Reported]) {
    reported.sort_by(|a, b| {
        (&a.path, a.start, a.finding.rule, &a.finding.message).cmp(&(
            &b.path,
            b.start,
            b.finding.rule,
            &b.finding.message,
        ))
    });
}
