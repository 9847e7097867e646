//! `--format checkstyle`: Checkstyle XML (linter-conventions §4.3), the
//! de-facto format of Jenkins' warnings plugin, reviewdog and others.
//!
//! Unsuppressed findings only, grouped by file in path order; `source` is
//! `reclint.CODE`. Attribute values are escaped, and the control characters
//! XML 1.0 forbids even as character references are removed: configuration
//! files can contain them and the report must stay well-formed.

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::finding::{Outcome, Reported};
use crate::source::SourceMap;

pub fn render(outcome: &Outcome, _sources: &SourceMap, _catalog: &Catalog) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Reported>> = BTreeMap::new();
    for r in outcome.active() {
        by_file.entry(&r.path).or_default().push(r);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<checkstyle version=\"4.3\">\n");
    for (path, findings) in by_file {
        out.push_str(&format!("  <file name=\"{}\">\n", xml_attribute(path)));
        for r in findings {
            out.push_str(&format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"reclint.{}\"/>\n",
                r.start.line,
                r.start.column,
                r.severity.as_str(),
                xml_attribute(&r.finding.message),
                xml_attribute(r.finding.rule),
            ));
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Escapes text for a double- or single-quoted XML attribute value. Tab, line
/// feed and carriage return become character references, so that attribute
/// normalisation keeps them; characters XML 1.0 does not allow are removed.
pub fn xml_attribute(text: &str) -> String {
    escape(text, true)
}

/// Escapes character data (element content). Quotes, line feeds and tabs
/// stay as they are; a carriage return becomes `&#13;` so that it survives
/// end-of-line normalisation.
pub fn xml_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if !allowed_in_xml(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// XML 1.0 `Char`: `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]` (surrogates cannot occur in a Rust string).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml_attribute("a<b>&\"c'\u{0}\u{1b}\t\n\r\u{FFFF}é"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#9;&#10;&#13;é"
        );
        assert_eq!(xml_text("x\n\t\"y\r\u{7}<"), "x\n\t\"y&#13;&lt;");
    }
}
