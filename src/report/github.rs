//! `--format github`: GitHub Actions workflow commands, one annotation per
//! unsuppressed finding (linter-conventions §4.1):
//!
//! ```text
//! ::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=CODE name::F:L:C: message
//! ```
//!
//! Errors become `::error`, warnings `::warning`, infos `::notice`. Every field
//! is escaped exactly as `@actions/core` does, so that a file name or message
//! (attacker-influenced in a pull request) can neither end the command nor
//! start a new one. The message repeats `path:line:col`, because the
//! parameters only feed the annotation panel and the log should stay readable.
//!
//! GitHub shows only the first 10 error, 10 warning and 10 notice annotations
//! of a step; when there are more, a notice pointing to the SARIF output comes
//! first, so that it is itself among those shown. The summary closes the
//! output as a plain line.

use super::human;
use crate::catalog::Catalog;
use crate::finding::{Outcome, Severity};
use crate::source::SourceMap;

/// Annotations of one kind GitHub shows per step.
pub const ANNOTATIONS_SHOWN: usize = 10;

pub fn render(outcome: &Outcome, _sources: &SourceMap, catalog: &Catalog) -> String {
    let mut out = String::new();
    let counts = [Severity::Error, Severity::Warning, Severity::Info].map(|s| outcome.count(s));
    if counts.iter().any(|&n| n > ANNOTATIONS_SHOWN) {
        let data = format!(
            "GitHub shows only the first {ANNOTATIONS_SHOWN} error, {ANNOTATIONS_SHOWN} warning and {ANNOTATIONS_SHOWN} notice annotations of a step; reclint reported {} errors, {} warnings and {} infos. All of them are in this log; for the complete list in code scanning, upload `reclint check --format sarif` with github/codeql-action/upload-sarif.",
            counts[0], counts[1], counts[2]
        );
        out.push_str(&format!(
            "::notice title={}::{}\n",
            escape_property("reclint: annotations truncated"),
            escape_data(&data)
        ));
    }
    for r in outcome.active() {
        let command = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let name = catalog
            .find(r.finding.rule)
            .map(|rule| rule.name.as_str())
            .unwrap_or("");
        let title = if name.is_empty() {
            r.finding.rule.to_string()
        } else {
            format!("{} {name}", r.finding.rule)
        };
        let data = format!(
            "{}:{}:{}: {}",
            r.path, r.start.line, r.start.column, r.finding.message
        );
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&r.path),
            r.start.line,
            r.start.column,
            r.end.line,
            r.end.column,
            escape_property(&title),
            escape_data(&data),
        ));
    }
    out.push_str(&human::summary(outcome));
    out.push('\n');
    out
}

/// `escapeData` of `@actions/core`: the message after the second `::`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of `@actions/core`: a `name=value` parameter's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(escape_data("100% a\r\nb::c,d"), "100%25 a%0D%0Ab::c,d");
        assert_eq!(
            escape_property("we,ird%name: x\n"),
            "we%2Cird%25name%3A x%0A"
        );
        // `%` first, or "%0A" in the input would be decoded as a newline.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
