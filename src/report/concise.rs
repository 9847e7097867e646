//! `--format concise`: one line per unsuppressed finding,
//! `path:line:column: CODE name message`, then the summary and, when there
//! are findings, where to read more. Easy to grep and understood by editors'
//! "jump to error" (the `file:line:col:` prefix); what the pre-commit hooks
//! print.

use super::human;
use crate::catalog::Catalog;
use crate::finding::Outcome;
use crate::source::SourceMap;

pub fn render(outcome: &Outcome, _sources: &SourceMap, catalog: &Catalog) -> String {
    let mut out = render_findings(outcome, catalog);
    out.push_str(&human::summary(outcome));
    out.push('\n');
    if outcome.active().next().is_some() {
        out.push_str(
            "Run `reclint check` for each finding's trace and fix, `reclint rule CODE` for a rule.\n",
        );
    }
    out
}

/// The findings' lines alone (`--quiet`).
pub fn render_findings(outcome: &Outcome, catalog: &Catalog) -> String {
    let mut out = String::new();
    for r in outcome.active() {
        let name = catalog
            .find(r.finding.rule)
            .map(|rule| rule.name.as_str())
            .unwrap_or("");
        let line = format!(
            "{}:{}:{}: {} {} {}",
            r.path, r.start.line, r.start.column, r.finding.rule, name, r.finding.message
        );
        out.push_str(&one_line(&line));
        out.push('\n');
    }
    out
}

/// Keeps a finding on one line whatever its path or message contains.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
