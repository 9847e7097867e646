//! `--format html`: one self-contained evidence report for the people who
//! decide about recording. Inline CSS and SVG, no script, nothing fetched:
//! it works from a file and prints on A4. Everything that comes from the
//! scanned files or the configuration is escaped, with control and bidi
//! characters made visible. Meaning never rests on colour alone: severities
//! and steps carry words and shapes, the witness path is numbered.

mod summary;

use std::collections::BTreeMap;
use std::fmt::Write;

use summary::{EntryRef, EntrySummary, entries_of};

use super::graph::svg::{self, escape};
use super::graph::{DrawOptions, Drawing, FlowPicture, Witness};
use crate::catalog::Catalog;
use crate::finding::{Outcome, Reported, Severity, SuppressionKind};
use crate::source::SourceMap;

/// What the HTML report shows beyond the findings, gathered by the check.
pub struct Evidence {
    pub pictures: Vec<FlowPicture>,
    pub policy: Policy,
}

/// The configuration in force.
pub struct Policy {
    /// The configuration file, as shown; `None`: the defaults.
    pub file: Option<String>,
    pub jurisdiction: String,
    pub sector: String,
    pub default_purposes: Vec<String>,
    pub purposes: Vec<PolicyPurpose>,
    /// The frameworks rules are tagged with that are another jurisdiction's
    /// law (`cnil` under `DK`): the report does not group findings by them.
    pub foreign_frameworks: Vec<String>,
}

pub struct PolicyPurpose {
    pub name: String,
    pub legal_basis: String,
    /// Whether `legal-basis` was written (otherwise consent is assumed).
    pub basis_declared: bool,
    pub retention_days: Option<u32>,
    pub necessity: Option<String>,
}

/// Steps a finding's picture shows at most: enough for the witness path
/// and what branches off it, and a report stays linear in its findings.
const FINDING_PICTURE_STEPS: usize = 60;

const STYLE: &str = include_str!("report.css");

pub fn render(
    outcome: &Outcome,
    sources: &SourceMap,
    catalog: &Catalog,
    evidence: &Evidence,
) -> String {
    let pictures = &evidence.pictures;
    let owners = entries_of(pictures, &outcome.reported, sources);
    let mut by_entry: BTreeMap<Option<EntryRef>, Vec<usize>> = BTreeMap::new();
    for (i, owner) in owners.iter().enumerate() {
        by_entry.entry(*owner).or_default().push(i);
    }
    let entries: Vec<EntryRef> = pictures
        .iter()
        .enumerate()
        .flat_map(|(p, picture)| {
            (0..picture.entries.len()).map(move |entry| EntryRef { picture: p, entry })
        })
        .collect();
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n<title>Call-recording evidence report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#entries\">Skip to the entry points</a>\n<header>\n<h1>Call-recording evidence report</h1>\n<p>Made by reclint {} from {} file(s). {}</p>\n</header>\n",
        env!("CARGO_PKG_VERSION"),
        outcome.files,
        counts(outcome),
    );
    contents(&mut out, pictures, &by_entry);
    out.push_str("<main>\n");
    policy(&mut out, &evidence.policy);
    entry_table(&mut out, pictures, &entries, &by_entry, &evidence.policy);
    frameworks(&mut out, outcome, catalog, &evidence.policy);
    out.push_str("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings by entry point</h2>\n");
    for (owner, findings) in &by_entry {
        let heading = match owner {
            Some(at) => format!("Entry point {}", entry_name(pictures, *at)),
            None => "Findings about the whole run (storage, retention, suppressions)".to_string(),
        };
        let _ = writeln!(
            out,
            "<section class=\"entry\" id=\"{}\"><h3>{}</h3>",
            section_id(*owner),
            escape(&heading)
        );
        for &i in findings {
            finding(&mut out, outcome, i, sources, catalog, pictures, *owner);
        }
        out.push_str("</section>\n");
    }
    if outcome.reported.is_empty() {
        out.push_str("<p>No findings.</p>\n");
    }
    out.push_str("</section>\n");
    audit_trail(&mut out, outcome, sources);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// "9 findings: 7 errors, 2 warnings, 0 infos; 1 accepted."
fn counts(outcome: &Outcome) -> String {
    let accepted = match outcome.suppressed() {
        0 => String::new(),
        n => format!(" {n} more accepted (see Suppressions and baseline)."),
    };
    format!(
        "{} finding(s): {} error(s), {} warning(s), {} info.{accepted}",
        outcome.active().count(),
        outcome.count(Severity::Error),
        outcome.count(Severity::Warning),
        outcome.count(Severity::Info),
    )
}

/// The contents: one link per section of findings, so an entry point
/// without findings (most of a real PBX's feature codes) has none.
fn contents(
    out: &mut String,
    pictures: &[FlowPicture],
    by_entry: &BTreeMap<Option<EntryRef>, Vec<usize>>,
) {
    out.push_str("<nav aria-label=\"Contents\"><h2>Contents</h2><ol>\n<li><a href=\"#policy\">Configuration in force</a></li>\n<li><a href=\"#entries\">Entry points</a></li>\n<li><a href=\"#frameworks\">By legal framework</a></li>\n<li><a href=\"#findings\">Findings by entry point</a><ol>\n");
    for &owner in by_entry.keys() {
        let name = match owner {
            Some(at) => entry_name(pictures, at),
            None => "about the whole run".to_string(),
        };
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\">{}</a></li>",
            section_id(owner),
            escape(&name)
        );
    }
    out.push_str(
        "</ol></li>\n<li><a href=\"#audit\">Suppressions and baseline</a></li>\n</ol></nav>\n",
    );
}

fn entry_name(pictures: &[FlowPicture], at: EntryRef) -> String {
    let picture = &pictures[at.picture];
    format!("{} ({})", picture.entries[at.entry].name, picture.format)
}

fn section_id(owner: Option<EntryRef>) -> String {
    match owner {
        Some(at) => format!("entry-{}-{}", at.picture, at.entry),
        None => "run-wide".to_string(),
    }
}

fn policy(out: &mut String, policy: &Policy) {
    let file = match &policy.file {
        Some(file) => format!("from <code>{}</code>", escape(file)),
        None => "the defaults (no reclint.toml)".to_string(),
    };
    let _ = write!(
        out,
        "<section id=\"policy\" aria-labelledby=\"policy-h\">\n<h2 id=\"policy-h\">Configuration in force</h2>\n<p>Settings {file}.</p>\n<dl><dt>Jurisdiction</dt><dd>{}</dd><dt>Sector</dt><dd>{}</dd><dt>Default purposes</dt><dd>{}</dd></dl>\n",
        escape(&policy.jurisdiction),
        escape(&policy.sector),
        escape(&or_none(&policy.default_purposes.join(", "))),
    );
    if policy.purposes.is_empty() {
        out.push_str(
            "<p>No purposes are declared: every recording is taken to rely on consent.</p>\n",
        );
    } else {
        out.push_str("<table><caption>Declared purposes</caption><thead><tr><th scope=\"col\">Purpose</th><th scope=\"col\">Legal basis</th><th scope=\"col\">Retention</th><th scope=\"col\">Necessity</th></tr></thead><tbody>\n");
        for p in &policy.purposes {
            let basis = if p.basis_declared {
                p.legal_basis.clone()
            } else {
                format!("{} (not declared)", p.legal_basis)
            };
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&p.name),
                escape(&basis),
                retention(p.retention_days),
                escape(&or_none(p.necessity.as_deref().unwrap_or(""))),
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
}

fn retention(days: Option<u32>) -> String {
    days.map_or("not stated".to_string(), |d| format!("{d} days"))
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "none".to_string()
    } else {
        text.to_string()
    }
}

fn entry_table(
    out: &mut String,
    pictures: &[FlowPicture],
    entries: &[EntryRef],
    by_entry: &BTreeMap<Option<EntryRef>, Vec<usize>>,
    policy: &Policy,
) {
    out.push_str("<section id=\"entries\" aria-labelledby=\"entries-h\">\n<h2 id=\"entries-h\">Entry points</h2>\n<p>For each way calls come in: the first recording a call meets, and whether consent was asked or a notice played on the shortest way there.</p>\n");
    if entries.is_empty() {
        out.push_str("<p>No call flow was read.</p>\n</section>\n");
        return;
    }
    let mut silent = Vec::new();
    let mut rows = String::new();
    for &at in entries {
        let summary = EntrySummary::of(pictures, at);
        let findings = by_entry.get(&Some(at)).map_or(0, Vec::len);
        if summary.recording.is_none() && findings == 0 {
            silent.push(entry_name(pictures, at));
            continue;
        }
        let name = escape(&entry_name(pictures, at));
        let _ = if findings > 0 {
            write!(
                rows,
                "<tr><th scope=\"row\"><a href=\"#{}\">{name}</a></th>",
                section_id(Some(at)),
            )
        } else {
            write!(rows, "<tr><th scope=\"row\">{name}</th>")
        };
        match &summary.recording {
            Some((label, place)) => {
                let declared = |name: &String| policy.purposes.iter().find(|p| &p.name == name);
                let bases: Vec<String> = summary
                    .purposes
                    .iter()
                    .map(|n| {
                        declared(n).map_or("consent (not declared)".to_string(), |p| {
                            p.legal_basis.clone()
                        })
                    })
                    .collect();
                let kept: Vec<String> = summary
                    .purposes
                    .iter()
                    .map(|n| retention(declared(n).and_then(|p| p.retention_days)))
                    .collect();
                let _ = write!(
                    rows,
                    "<td>Yes, from <code>{}</code> <span class=\"place\">({})</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                    escape(label),
                    escape(place),
                    yes_no(summary.consent_asked),
                    yes_no(summary.notice),
                    escape(&or_none(&summary.purposes.join(", "))),
                    escape(&or_none(&bases.join(", "))),
                    escape(&or_none(&kept.join(", "))),
                );
            }
            None => rows.push_str(
                "<td>No recording reached</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td>",
            ),
        }
        let _ = writeln!(rows, "<td>{findings}</td></tr>");
    }
    if !rows.is_empty() {
        out.push_str("<table class=\"entries\"><thead><tr><th scope=\"col\">Entry point</th><th scope=\"col\">Records?</th><th scope=\"col\">Consent asked first?</th><th scope=\"col\">Notice first?</th><th scope=\"col\">Purposes</th><th scope=\"col\">Legal basis</th><th scope=\"col\">Retention</th><th scope=\"col\">Findings</th></tr></thead><tbody>\n");
        out.push_str(&rows);
        out.push_str("</tbody></table>\n");
    }
    if !silent.is_empty() {
        let _ = writeln!(
            out,
            "<p>{} more entry point(s) reach no recording and have no findings: {}.</p>",
            silent.len(),
            escape(&silent.join(", "))
        );
    }
    out.push_str("</section>\n");
}

fn yes_no(value: bool) -> &'static str {
    if value { "Yes" } else { "No" }
}

/// Findings counted per legal framework the rules enforce.
fn frameworks(out: &mut String, outcome: &Outcome, catalog: &Catalog, policy: &Policy) {
    let mut counts: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut foreign: Vec<&str> = Vec::new();
    for r in outcome.active() {
        let Some(rule) = catalog.find(r.finding.rule) else {
            continue;
        };
        let (frameworks, other): (Vec<&str>, Vec<&str>) = rule
            .frameworks()
            .into_iter()
            .partition(|f| !policy.foreign_frameworks.iter().any(|x| x == f));
        foreign.extend(other);
        let names = if frameworks.is_empty() {
            vec!["other"]
        } else {
            frameworks
        };
        for name in names {
            *counts
                .entry(name.to_string())
                .or_default()
                .entry(r.finding.rule)
                .or_default() += 1;
        }
    }
    out.push_str("<section id=\"frameworks\" aria-labelledby=\"frameworks-h\">\n<h2 id=\"frameworks-h\">By legal framework</h2>\n");
    if counts.is_empty() {
        out.push_str("<p>No unsuppressed findings.</p>\n</section>\n");
        return;
    }
    out.push_str("<table><thead><tr><th scope=\"col\">Framework</th><th scope=\"col\">Rules and findings</th></tr></thead><tbody>\n");
    for (framework, rules) in &counts {
        let list: Vec<String> = rules
            .iter()
            .map(|(code, n)| format!("{} ({n})", escape(code)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(framework),
            list.join(", ")
        );
    }
    out.push_str("</tbody></table>\n");
    foreign.sort_unstable();
    foreign.dedup();
    if !foreign.is_empty() {
        let _ = writeln!(
            out,
            "<p>The same rules also enforce the law of other jurisdictions, not in force under {}: {}.</p>",
            escape(&policy.jurisdiction),
            escape(&foreign.join(", "))
        );
    }
    out.push_str("</section>\n");
}

fn finding(
    out: &mut String,
    outcome: &Outcome,
    index: usize,
    sources: &SourceMap,
    catalog: &Catalog,
    pictures: &[FlowPicture],
    owner: Option<EntryRef>,
) {
    let r = &outcome.reported[index];
    let rule = catalog.find(r.finding.rule);
    let name = rule.map_or("", |rule| rule.name.as_str());
    let suppressed = if r.suppression.is_some() {
        " suppressed"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<article class=\"finding{suppressed}\" id=\"f-{}\" aria-labelledby=\"f-{}-h\">\n<h4 id=\"f-{}-h\"><span class=\"severity {sev}\">{sev_word}</span> {} <span class=\"rule\">{}</span></h4>\n<p class=\"message\">{}</p>\n<p class=\"where\"><code>{}:{}:{}</code> · fingerprint <code>{}</code></p>\n",
        escape(&r.fingerprint),
        escape(&r.fingerprint),
        escape(&r.fingerprint),
        escape(r.finding.rule),
        escape(name),
        escape(&r.finding.message),
        escape(&r.path),
        r.start.line,
        r.start.column,
        escape(&r.fingerprint),
        sev = r.severity.as_str(),
        sev_word = r.severity.as_str().to_uppercase(),
    );
    if let Some(s) = &r.suppression {
        let _ = writeln!(
            out,
            "<p class=\"accepted\"><strong>Accepted ({}):</strong> {}</p>",
            s.kind.as_str(),
            escape(&s.reason)
        );
    }
    if let Some(rule) = rule {
        let _ = writeln!(
            out,
            "<p class=\"why\"><strong>Why it matters:</strong> {}</p>",
            escape(&why(&rule.explanation, &rule.summary))
        );
        let help = r.finding.help.as_deref().unwrap_or(&rule.help);
        let _ = writeln!(
            out,
            "<p class=\"fix\"><strong>Fix:</strong> {}</p>",
            escape(help)
        );
        if !rule.tags.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"tags\"><strong>Provisions:</strong> {}</p>",
                escape(&rule.tags.join(", "))
            );
        }
        if !rule.references.is_empty() {
            out.push_str("<ul class=\"references\">");
            for reference in &rule.references {
                let _ = write!(
                    out,
                    "<li><a href=\"{}\" rel=\"noreferrer\">{}</a></li>",
                    escape(&reference.url),
                    escape(&reference.title)
                );
            }
            out.push_str("</ul>\n");
        }
    }
    if !r.finding.trace.is_empty() {
        out.push_str("<ol class=\"trace\" aria-label=\"The path a call takes\">");
        for step in &r.finding.trace {
            let (at, _) = sources.line_col(step.span);
            let _ = write!(
                out,
                "<li>{} <code>{}</code> <span class=\"place\">({}:{})</span></li>",
                escape(&step.region),
                escape(&step.text),
                escape(&sources.get(step.span.file).display),
                at.line
            );
        }
        out.push_str("</ol>\n");
    }
    if let Some(at) = owner {
        picture(out, r, sources, pictures, at, index);
    }
    out.push_str("</article>\n");
}

/// The entry's call flow with the finding's witness path numbered and drawn
/// thick.
fn picture(
    out: &mut String,
    r: &Reported,
    sources: &SourceMap,
    pictures: &[FlowPicture],
    at: EntryRef,
    index: usize,
) {
    let witness = Witness::of(r, sources);
    let name = pictures[at.picture].entries[at.entry].name.clone();
    let options = DrawOptions {
        entry: Some(name.clone()),
        expand: true,
        max_steps: FINDING_PICTURE_STEPS,
    };
    let drawing = Drawing::new(
        std::slice::from_ref(&pictures[at.picture]),
        &options,
        &witness,
    );
    let title =
        format!("Call flow from {name}; the path of this finding is numbered and drawn thick");
    let _ = writeln!(
        out,
        "<figure tabindex=\"0\">{}<figcaption>{}</figcaption></figure>",
        svg::render(&drawing, &format!("f{index}"), &title),
        escape(&title)
    );
}

/// The rule's "Why is this bad?" section, as one paragraph; its summary
/// when it has none.
fn why(explanation: &str, summary: &str) -> String {
    let section = explanation
        .split("\n## ")
        .find_map(|part| part.strip_prefix("Why is this bad?"))
        .map(|text| {
            text.split("\n\n")
                .map(str::trim)
                .find(|p| !p.is_empty())
                .unwrap_or(summary)
        });
    section
        .unwrap_or(summary)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the organisation accepted and why: every suppressed finding.
fn audit_trail(out: &mut String, outcome: &Outcome, sources: &SourceMap) {
    out.push_str("<section id=\"audit\" aria-labelledby=\"audit-h\">\n<h2 id=\"audit-h\">Suppressions and baseline</h2>\n");
    let accepted: Vec<&Reported> = outcome
        .reported
        .iter()
        .filter(|r| r.suppression.is_some())
        .collect();
    if accepted.is_empty() {
        out.push_str("<p>Nothing was suppressed or accepted in a baseline.</p>\n</section>\n");
        return;
    }
    out.push_str("<table><thead><tr><th scope=\"col\">Finding</th><th scope=\"col\">Accepted by</th><th scope=\"col\">Reason</th><th scope=\"col\">Expires</th><th scope=\"col\">Written at</th></tr></thead><tbody>\n");
    for r in accepted {
        let Some(s) = &r.suppression else { continue };
        let kind = match s.kind {
            SuppressionKind::Inline => "comment in the file",
            SuppressionKind::Config => "[[ignore]] in reclint.toml",
            SuppressionKind::Baseline => "baseline",
        };
        let written = s.span.map_or(String::new(), |span| {
            format!(
                "{}:{}",
                sources.get(span.file).display,
                sources.line_col(span).0.line
            )
        });
        let expires = s.expires.map_or("never".to_string(), |d| d.to_string());
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#f-{}\">{} at {}:{}</a></td><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.fingerprint),
            escape(r.finding.rule),
            escape(&r.path),
            r.start.line,
            escape(&s.reason),
            expires,
            escape(&or_none(&written)),
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
}
