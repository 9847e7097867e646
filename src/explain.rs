//! `reclint rule` and `reclint rules`: the rule texts, offline, as text,
//! JSON, or Markdown pages (`docs/rules/`).

use std::path::Path;

use miette::{IntoDiagnostic, WrapErr};
use serde::Serialize;

use crate::catalog::RuleMeta;
use crate::rules::{Registry, Rule};

/// The command that regenerates `docs/rules/`; the index page and the
/// freshness test (`tests/docs.rs`) name it.
pub const REGENERATE_DOCS: &str = "cargo run -- rules --format markdown --output docs/rules";

/// The name of the index page written next to the rule pages.
pub const INDEX_PAGE: &str = "README.md";

/// The full explanation of one rule.
pub fn rule(registry: &Registry, code_or_name: &str) -> miette::Result<String> {
    let rule = registry.find(code_or_name).ok_or_else(|| {
        miette::miette!(
            code = "reclint::usage",
            help = "`reclint rules` lists the rules",
            "unknown rule `{code_or_name}`"
        )
    })?;
    Ok(render_rule(rule, Style::Text))
}

/// How a rule explanation is written: for the terminal, or as a Markdown page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Text,
    Markdown,
}

/// One rule: heading, severity and formats, summary, the explanation (already
/// Markdown in the rule file) and the legal references. Both styles share
/// everything but the metadata lines and the reference list.
fn render_rule(rule: &Rule, style: Style) -> String {
    let meta = &rule.meta;
    let mut out = format!("# {} {}\n\n", meta.code, meta.name);
    // A custom rule without `formats` looks at every format.
    let all = ["all".to_string()];
    let format_names = if meta.formats.is_empty() {
        &all[..]
    } else {
        &meta.formats[..]
    };
    match style {
        Style::Text => {
            out.push_str(&format!(
                "Default severity: {}\nFormats: {}\n",
                meta.severity,
                format_names.join(", "),
            ));
            if !meta.tags.is_empty() {
                out.push_str(&format!("Enforces: {}\n", meta.tags.join(", ")));
            }
            out.push_str(&format!("\n{}\n\n", meta.summary));
        }
        Style::Markdown => {
            let code = |names: &[String]| -> String {
                let quoted: Vec<String> = names.iter().map(|f| format!("`{f}`")).collect();
                quoted.join(", ")
            };
            out.push_str(&format!(
                "- Default severity: **{}**\n- Formats: {}\n",
                meta.severity,
                code(format_names),
            ));
            if !meta.tags.is_empty() {
                out.push_str(&format!("- Enforces: {}\n", code(&meta.tags)));
            }
            out.push_str(&format!("\n{}\n\n", markdown_inline(&meta.summary)));
        }
    }
    out.push_str(meta.explanation.trim());
    push_examples(&mut out, meta);
    if meta.references.is_empty() {
        return out;
    }
    out.push_str("\n\n## Legal references\n\n");
    for reference in &meta.references {
        match style {
            Style::Text => {
                out.push_str(&format!("- {}\n  {}\n", reference.title, reference.url));
                if let Some(note) = &reference.note {
                    out.push_str(&format!("  ({note})\n"));
                }
            }
            Style::Markdown => {
                out.push_str(&format!(
                    "- [{}](<{}>)",
                    markdown_inline(&reference.title),
                    reference.url
                ));
                if let Some(note) = &reference.note {
                    out.push_str(&format!(" — {}", markdown_inline(note)));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The rule's fixtures, one flagged and one passing per platform, so that
/// every platform's users see it in their own configuration language.
fn push_examples(out: &mut String, meta: &RuleMeta) {
    if meta.examples.is_empty() {
        return;
    }
    out.push_str("\n\n## Examples by platform\n");
    for example in &meta.examples {
        let verdict = if example.flagged { "flagged" } else { "passes" };
        let language = match example.name.rsplit('.').next().unwrap_or("") {
            "conf" => example.format.as_str(),
            "xml" | "twiml" => "xml",
            "json" => "json",
            "tf" => "hcl",
            "yaml" | "yml" => "yaml",
            "toml" => "toml",
            _ => "text",
        };
        out.push_str(&format!(
            "\n{} ({verdict}, `{}`):\n\n```{language}\n{}\n```\n",
            example.format, example.name, example.text
        ));
    }
}

/// A one-line text from a rule file (summary, reference title or note) made
/// safe for a Markdown paragraph, link text or table cell. Code spans
/// (`` `...` ``) are kept as written; outside them `<Pay>` stays visible
/// instead of becoming an HTML tag, brackets cannot close a link text and
/// emphasis characters stay literal. `|` is escaped everywhere, so that it
/// never ends a table cell.
fn markdown_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '|' => out.push('\\'),
            '\\' | '[' | ']' | '<' | '>' | '*' | '_' if !in_code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The page file name of a rule: `REC001.md`.
fn page_name(rule: &Rule) -> String {
    format!("{}.md", rule.meta.code)
}

/// The index of the rule pages: one table row per rule, linking its page.
pub fn rules_markdown_index(registry: &Registry) -> String {
    let mut out = format!(
        "# reclint rules\n\n\
         One page per rule, generated from `lints/*.toml` by `reclint rules --format markdown`. \
         Do not edit these pages; change the rule files and regenerate with:\n\n\
         ```sh\n{REGENERATE_DOCS}\n```\n\n\
         `reclint rule CODE` prints the same text in the terminal.\n\n\
         | Code | Name | Default severity | Summary |\n\
         |---|---|---|---|\n"
    );
    for rule in &registry.rules {
        let meta = &rule.meta;
        out.push_str(&format!(
            "| [{}]({}) | {} | {} | {} |\n",
            meta.code,
            page_name(rule),
            markdown_inline(&meta.name),
            meta.severity,
            markdown_inline(&meta.summary)
        ));
    }
    out
}

/// Every file of the Markdown rule documentation, `(file name, contents)`,
/// sorted by file name: the index and one page per rule.
pub fn rules_markdown_pages(registry: &Registry) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = registry
        .rules
        .iter()
        .map(|rule| (page_name(rule), render_rule(rule, Style::Markdown)))
        .collect();
    pages.push((INDEX_PAGE.to_string(), rules_markdown_index(registry)));
    pages.sort();
    pages
}

/// Writes the Markdown rule documentation into `dir` (created if missing).
/// Pages of rules that no longer exist (`RECnnn.md` files not written now)
/// are removed, so the directory always matches the rules; other files are
/// left alone. Files whose contents are unchanged are not rewritten.
pub fn write_rules_markdown(registry: &Registry, dir: &Path) -> miette::Result<()> {
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    let pages = rules_markdown_pages(registry);
    for (name, text) in &pages {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == *text) {
            continue;
        }
        std::fs::write(&path, text)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
    }
    let entries = std::fs::read_dir(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_rule_page = name
            .strip_prefix("REC")
            .and_then(|rest| rest.strip_suffix(".md"))
            .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        if is_rule_page && !pages.iter().any(|(page, _)| *page == name) && entry.path().is_file() {
            std::fs::remove_file(entry.path())
                .into_diagnostic()
                .wrap_err_with(|| {
                    format!("cannot remove the stale page {}", entry.path().display())
                })?;
        }
    }
    Ok(())
}

/// One line per rule.
pub fn rules_table(registry: &Registry) -> String {
    let name_width = registry
        .rules
        .iter()
        .map(|r| r.meta.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for rule in &registry.rules {
        let meta = &rule.meta;
        out.push_str(&format!(
            "{}  {:<name_width$}  {:<7}  {}\n",
            meta.code,
            meta.name,
            meta.severity.as_str(),
            meta.summary
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonRule<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    summary: &'a str,
    formats: &'a [String],
    tags: &'a [String],
    references: Vec<&'a str>,
}

pub fn rules_json(registry: &Registry) -> String {
    let rules: Vec<JsonRule> = registry
        .rules
        .iter()
        .map(|r| JsonRule {
            code: &r.meta.code,
            name: &r.meta.name,
            severity: r.meta.severity.as_str(),
            summary: &r.meta.summary,
            formats: &r.meta.formats,
            tags: &r.meta.tags,
            references: r.meta.references.iter().map(|x| x.url.as_str()).collect(),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_is_escaped() {
        assert_eq!(markdown_inline("TwiML <Pay>"), "TwiML \\<Pay\\>");
        assert_eq!(
            markdown_inline("[unverified] a|b"),
            "\\[unverified\\] a\\|b"
        );
        assert_eq!(markdown_inline("plain text, (note)"), "plain text, (note)");
        // Code spans stay code; only `|` is escaped inside them.
        assert_eq!(
            markdown_inline("a `[[ignore]]` entry, `<Dial>` and `a|b`"),
            "a `[[ignore]]` entry, `<Dial>` and `a\\|b`"
        );
    }

    #[test]
    fn markdown_pages_cover_every_rule_once_and_are_sorted() {
        let registry = Registry::builtin().expect("rules load");
        let pages = rules_markdown_pages(&registry);
        assert_eq!(pages.len(), registry.rules.len() + 1);
        assert!(pages.windows(2).all(|w| w[0].0 < w[1].0));
        let index = &pages.iter().find(|(n, _)| n == INDEX_PAGE).unwrap().1;
        for rule in &registry.rules {
            assert!(index.contains(&format!("[{0}]({0}.md)", rule.meta.code)));
            let page = &pages.iter().find(|(n, _)| *n == page_name(rule)).unwrap().1;
            assert!(page.starts_with(&format!("# {} {}\n", rule.meta.code, rule.meta.name)));
            assert!(page.contains("## Legal references"));
            for reference in &rule.meta.references {
                assert!(page.contains(&format!("](<{}>)", reference.url)));
            }
        }
    }
}
