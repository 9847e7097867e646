//! Baselines: adopting reclint on a legacy repository without drowning.
//! `--write-baseline FILE` records today's findings; with `--baseline FILE`
//! only findings not in it count. Entries are keyed by path, rule and the
//! line-independent fingerprint, with a per-(path, rule) count as fallback so
//! that editing the text of an accepted finding does not bring it back.

use std::collections::BTreeMap;
use std::path::Path;

use miette::{IntoDiagnostic, WrapErr, miette};
use serde::{Deserialize, Serialize};

use crate::finding::{Reported, Suppression, SuppressionKind};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    #[serde(default, rename = "entry")]
    pub entries: Vec<Entry>,
}

/// The accepted findings of one rule in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    /// How many findings are accepted (at least the fingerprints listed).
    pub count: usize,
    pub fingerprints: Vec<String>,
}

/// A baseline entry (or part of one) that no finding matches any more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    pub rule: String,
    /// Accepted findings no longer seen.
    pub missing: usize,
}

const HEADER: &str = "# reclint baseline: findings accepted when it was written. Only findings not\n# listed here fail a run with --baseline. Regenerate with --write-baseline;\n# drop fixed entries with --prune-baseline.\n";

impl Baseline {
    /// The baseline of the unsuppressed findings of a run.
    pub fn of(reported: &[Reported]) -> Baseline {
        let mut groups: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for r in reported.iter().filter(|r| r.suppression.is_none()) {
            groups
                .entry((r.path.clone(), r.finding.rule.to_string()))
                .or_default()
                .push(r.fingerprint.clone());
        }
        Baseline {
            version: 1,
            entries: groups
                .into_iter()
                .map(|((path, rule), mut fingerprints)| {
                    fingerprints.sort();
                    Entry {
                        path,
                        rule,
                        count: fingerprints.len(),
                        fingerprints,
                    }
                })
                .collect(),
        }
    }

    pub fn read(path: &Path) -> miette::Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot read baseline {}", path.display()))?;
        let baseline: Baseline = toml::from_str(&text).map_err(|e| {
            miette!(
                code = "reclint::baseline",
                help = "regenerate it with --write-baseline",
                "{} is not a reclint baseline: {}",
                path.display(),
                e.message()
            )
        })?;
        if baseline.version != 1 {
            return Err(miette!(
                code = "reclint::baseline",
                "baseline {} has version {}; this reclint reads version 1",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn write(&self, path: &Path) -> miette::Result<()> {
        let body = toml::to_string(self).into_diagnostic()?;
        std::fs::write(path, format!("{HEADER}\n{body}"))
            .into_diagnostic()
            .wrap_err_with(|| format!("cannot write baseline {}", path.display()))
    }

    /// Marks findings the baseline accepts as suppressed, and returns the
    /// entries no finding matches any more.
    pub fn apply(&self, reported: &mut [Reported], file_name: &str) -> Vec<Stale> {
        let mut stale = Vec::new();
        for entry in &self.entries {
            let group: Vec<usize> = reported
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.suppression.is_none() && r.path == entry.path && r.finding.rule == entry.rule
                })
                .map(|(i, _)| i)
                .collect();
            // Exact fingerprints first, then the count fallback in output order.
            let (exact, other): (Vec<usize>, Vec<usize>) = group
                .into_iter()
                .partition(|&i| entry.fingerprints.contains(&reported[i].fingerprint));
            let accepted = exact.len() + other.len().min(entry.count.saturating_sub(exact.len()));
            for &i in exact.iter().chain(other.iter()).take(accepted) {
                reported[i].suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: format!("accepted in baseline {file_name}"),
                    span: None,
                    expires: None,
                });
            }
            if accepted < entry.count {
                stale.push(Stale {
                    path: entry.path.clone(),
                    rule: entry.rule.clone(),
                    missing: entry.count - accepted,
                });
            }
        }
        stale
    }

    /// The baseline without what is stale: counts lowered, fingerprints no
    /// finding has any more removed. Never adds anything.
    pub fn pruned(&self, reported: &[Reported]) -> Baseline {
        let entries = self
            .entries
            .iter()
            .filter_map(|entry| {
                let seen: Vec<&String> = reported
                    .iter()
                    .filter(|r| {
                        matches!(&r.suppression, Some(s) if s.kind == SuppressionKind::Baseline)
                            && r.path == entry.path
                            && r.finding.rule == entry.rule
                    })
                    .map(|r| &r.fingerprint)
                    .collect();
                let fingerprints: Vec<String> = entry
                    .fingerprints
                    .iter()
                    .filter(|f| seen.contains(f))
                    .cloned()
                    .collect();
                let count = seen.len().min(entry.count);
                (count > 0).then(|| Entry {
                    path: entry.path.clone(),
                    rule: entry.rule.clone(),
                    count,
                    fingerprints,
                })
            })
            .collect();
        Baseline {
            version: 1,
            entries,
        }
    }
}
