//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins,
//! Azure DevOps).
//!
//! One `<testcase>` per checked file, named by its path, and one `<failure>`
//! per unsuppressed finding in it. The checked files are the last
//! [`Outcome::files`] files of the [`SourceMap`]: `check::run` reads the
//! configuration files first and counts only what it reads after them. Files
//! that a finding points at are added too (a finding can point into
//! `reclint.toml`). `tests` counts the test cases and `failures` the test
//! cases with at least one failure, so that `failures` never exceeds `tests`.
//!
//! Several `<failure>` elements in one test case are allowed by the JUnit
//! schemas of Jenkins and GitLab; a consumer that reads only the first still
//! fails the test case. Escaping is that of the Checkstyle output.

use std::collections::BTreeMap;

use super::checkstyle::{xml_attribute, xml_text};
use crate::catalog::Catalog;
use crate::finding::{Outcome, Reported};
use crate::source::{FileId, SourceMap};

pub fn render(outcome: &Outcome, sources: &SourceMap, catalog: &Catalog) -> String {
    let mut cases: BTreeMap<&str, Vec<&Reported>> = BTreeMap::new();
    let checked = sources.len().saturating_sub(outcome.files)..sources.len();
    for id in checked {
        cases
            .entry(sources.get(FileId(id as u32)).display.as_str())
            .or_default();
    }
    for r in outcome.active() {
        cases.entry(&r.path).or_default().push(r);
    }
    let tests = cases.len();
    let failures = cases.values().filter(|f| !f.is_empty()).count();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"reclint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"reclint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
    ));
    for (path, findings) in &cases {
        let name = xml_attribute(path);
        if findings.is_empty() {
            out.push_str(&format!(
                "    <testcase name=\"{name}\" classname=\"reclint\"/>\n"
            ));
            continue;
        }
        out.push_str(&format!(
            "    <testcase name=\"{name}\" classname=\"reclint\">\n"
        ));
        for r in findings {
            let rule = catalog.find(r.finding.rule);
            let mut body = format!(
                "{}:{}:{}: {} {} {}",
                r.path, r.start.line, r.start.column, r.severity, r.finding.rule, r.finding.message
            );
            let help = r
                .finding
                .help
                .as_deref()
                .or(rule.map(|rule| rule.help.as_str()))
                .unwrap_or("");
            if !help.is_empty() {
                body.push_str(&format!("\nhelp: {help}"));
            }
            body.push_str(&format!(
                "\nrun `reclint rule {}` for why this matters",
                r.finding.rule
            ));
            out.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                xml_attribute(&format!("{}: {}", r.finding.rule, r.finding.message)),
                xml_attribute(r.finding.rule),
                xml_text(&body),
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
