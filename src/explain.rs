//! `reclint rule` and `reclint rules`: the rule texts, offline.

use serde::Serialize;

use crate::rules::{Registry, Rule};

/// The full explanation of one rule.
pub fn rule(registry: &Registry, code_or_name: &str) -> miette::Result<String> {
    let rule = registry.find(code_or_name).ok_or_else(|| {
        miette::miette!(
            code = "reclint::usage",
            help = "`reclint rules` lists the rules",
            "unknown rule `{code_or_name}`"
        )
    })?;
    Ok(render_rule(rule))
}

fn render_rule(rule: &Rule) -> String {
    let meta = &rule.meta;
    let mut out = format!(
        "# {} {}\n\nDefault severity: {}\nFormats: {}\n\n{}\n\n{}\n\n## Legal references\n\n",
        meta.code,
        meta.name,
        meta.severity,
        meta.formats.join(", "),
        meta.summary,
        meta.explanation.trim()
    );
    for reference in &meta.references {
        out.push_str(&format!("- {}\n  {}\n", reference.title, reference.url));
        if let Some(note) = &reference.note {
            out.push_str(&format!("  ({note})\n"));
        }
    }
    out
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
            references: r.meta.references.iter().map(|x| x.url.as_str()).collect(),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
