//! Suppressions: `reclint: ignore[...]` comments and `[[ignore]]` entries in
//! reclint.toml mark findings as suppressed, with their reason. A suppression
//! that cannot be read, has no reason, matches nothing or has expired is a
//! fact the meta-rules REC910–REC913 report; they live here, beside what they
//! judge, and are registered with the other built-in rules in `rules`.
//! Baselines, the other way to accept findings, are in [`baseline`].

pub mod baseline;
pub(crate) mod rec910_invalid_suppression;
pub(crate) mod rec911_suppression_without_reason;
pub(crate) mod rec912_unused_suppression;
pub(crate) mod rec913_expired_suppression;

use crate::hash::HashMap;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::date::Date;
use crate::directives::{Directive, Written};
use crate::finding::{Reported, Suppression, SuppressionKind};
use crate::source::{FileId, SourceMap, Span};

/// Problems with suppressions, for REC910–REC913.
#[derive(Debug, Default)]
pub struct SuppressionFacts {
    /// A `reclint:` directive that cannot be read or names an unknown rule.
    pub invalid: Vec<(Span, String)>,
    /// A suppression without a reason (it suppresses nothing).
    pub without_reason: Vec<(Span, String)>,
    /// A suppression that matched no finding.
    pub unused: Vec<(Span, String)>,
    /// A suppression whose date has passed (its findings are reported again).
    pub expired: Vec<Expired>,
}

#[derive(Debug)]
pub struct Expired {
    pub span: Span,
    pub description: String,
    pub date: Date,
    /// How many findings it would still match.
    pub matching: usize,
}

/// Where a suppression applies.
enum Scope {
    /// The statement on the directive's line or the next one.
    Statement,
    File,
    /// An `[[ignore]]` entry.
    Config(usize),
}

struct Candidate<'a> {
    kind: SuppressionKind,
    scope: Scope,
    file: Option<FileId>,
    written: Option<&'a Written>,
    /// Rule codes; empty matches every rule.
    rules: Vec<String>,
    reason: String,
    span: Span,
    description: String,
    expires: Option<Date>,
    used: usize,
}

/// Marks suppressed findings in `reported` and returns the problems found
/// with the suppressions themselves. `inline` is false with
/// `--no-inline-suppressions`; `enabled` tells which rules ran.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    reported: &mut [Reported],
    written: &[Written],
    config: &Config,
    catalog: &Catalog,
    enabled: &dyn Fn(&str) -> bool,
    sources: &SourceMap,
    inline: bool,
    today: Date,
) -> SuppressionFacts {
    let mut facts = SuppressionFacts::default();
    let mut candidates: Vec<Candidate> = Vec::new();
    if inline {
        inline_candidates(written, catalog, &mut candidates, &mut facts);
    }
    config_candidates(config, &mut candidates, &mut facts);
    // A finding is matched against its file's comments and every
    // `[[ignore]]` entry, not against every comment of the run.
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::default();
    let mut everywhere = Vec::new();
    for (index, candidate) in candidates.iter().enumerate() {
        match candidate.file {
            Some(file) => by_file.entry(file).or_default().push(index),
            None => everywhere.push(index),
        }
    }
    for finding in reported.iter_mut() {
        let file = finding.finding.primary.span.file;
        let mut matching: Vec<usize> = by_file.get(&file).into_iter().flatten().copied().collect();
        matching.extend(&everywhere);
        // Candidates in the order they were written, as the first that
        // applies gives the reason.
        matching.sort_unstable();
        for index in matching {
            let candidate = &mut candidates[index];
            if !candidate.applies_to(finding, config, sources) {
                continue;
            }
            candidate.used += 1;
            if candidate.expires.is_some_and(|d| d < today) {
                // Expired: the finding comes back.
                continue;
            }
            if finding.suppression.is_none() {
                finding.suppression = Some(Suppression {
                    kind: candidate.kind,
                    reason: candidate.reason.clone(),
                    span: Some(candidate.span),
                    expires: candidate.expires,
                });
            }
        }
    }
    judge(candidates, enabled, today, &mut facts);
    facts
}

/// The `reclint: ignore[...]` comments that suppress; the others are facts.
fn inline_candidates<'a>(
    written: &'a [Written],
    catalog: &Catalog,
    candidates: &mut Vec<Candidate<'a>>,
    facts: &mut SuppressionFacts,
) {
    for written in written {
        let ignore = match &written.directive {
            Ok(Directive::Ignore(ignore)) => ignore,
            Ok(Directive::Purpose(_)) => continue,
            Err(message) => {
                facts.invalid.push((written.span, message.clone()));
                continue;
            }
        };
        let mut rules = Vec::new();
        let mut unknown = Vec::new();
        for name in &ignore.rules {
            match catalog.find(name) {
                Some(rule) => rules.push(rule.code.clone()),
                None => unknown.push(format!("`{name}`")),
            }
        }
        let verb = if ignore.whole_file {
            "ignore-file"
        } else {
            "ignore"
        };
        let description = format!("`{verb}[{}]`", ignore.rules.join(","));
        if !unknown.is_empty() {
            facts.invalid.push((
                written.span,
                format!("{description} names unknown rule(s) {}", unknown.join(", ")),
            ));
            continue;
        }
        let Some(reason) = &ignore.reason else {
            facts.without_reason.push((written.span, description));
            continue;
        };
        candidates.push(Candidate {
            kind: SuppressionKind::Inline,
            scope: if ignore.whole_file {
                Scope::File
            } else {
                Scope::Statement
            },
            file: Some(written.file),
            written: Some(written),
            rules,
            reason: reason.clone(),
            span: written.span,
            description,
            expires: ignore.until,
            used: 0,
        });
    }
}

/// The `[[ignore]]` entries that suppress; those without a reason are facts.
fn config_candidates(
    config: &Config,
    candidates: &mut Vec<Candidate>,
    facts: &mut SuppressionFacts,
) {
    for (index, entry) in config.ignores.iter().enumerate() {
        let description = if entry.rules.is_empty() {
            "`[[ignore]]` entry for every rule".to_string()
        } else {
            format!("`[[ignore]]` entry for {}", entry.rules.join(", "))
        };
        let Some(reason) = &entry.reason else {
            facts.without_reason.push((entry.span, description));
            continue;
        };
        candidates.push(Candidate {
            kind: SuppressionKind::Config,
            scope: Scope::Config(index),
            file: None,
            written: None,
            rules: entry.rules.clone(),
            reason: reason.clone(),
            span: entry.span,
            description,
            expires: entry.expires,
            used: 0,
        });
    }
}

impl Candidate<'_> {
    /// Whether the suppression covers the finding (expired or not).
    fn applies_to(&self, finding: &Reported, config: &Config, sources: &SourceMap) -> bool {
        if !self.rules.is_empty() && !self.rules.iter().any(|r| r == finding.finding.rule) {
            return false;
        }
        let file = finding.finding.primary.span.file;
        match self.scope {
            Scope::Statement => {
                self.file == Some(file)
                    && self.written.is_some_and(|w| {
                        w.applies_to(finding.finding.primary.span, finding.start.line)
                    })
            }
            Scope::File => self.file == Some(file),
            Scope::Config(index) => {
                let entry = &config.ignores[index];
                let path = sources.get(file).path.as_path();
                let relative =
                    crate::source::slash_path(path.strip_prefix(&config.base).unwrap_or(path));
                (entry.paths.is_empty() || entry.paths.matches(&relative))
                    && entry
                        .anchor
                        .as_ref()
                        .is_none_or(|a| finding.finding.context.as_deref() == Some(a.as_str()))
            }
        }
    }
}

/// Expired suppressions, and those that matched nothing among the rules
/// that ran.
fn judge(
    candidates: Vec<Candidate>,
    enabled: &dyn Fn(&str) -> bool,
    today: Date,
    facts: &mut SuppressionFacts,
) {
    for candidate in candidates {
        match candidate.expires {
            Some(date) if date < today => facts.expired.push(Expired {
                span: candidate.span,
                description: candidate.description,
                date,
                matching: candidate.used,
            }),
            _ if candidate.used == 0
                && (candidate.rules.is_empty() || candidate.rules.iter().any(|r| enabled(r))) =>
            {
                facts.unused.push((candidate.span, candidate.description));
            }
            _ => {}
        }
    }
}
