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
use crate::source::{FileId, LineCol, SourceMap};

/// Findings as the report places them: the path of their file, their line
/// and column, and their severity (the configured one, capped by the
/// finding's own bound). Done as each unit's findings join the run, while
/// later units are analysed.
pub fn place(
    findings: Vec<Finding>,
    sources: &SourceMap,
    catalog: &Catalog,
    severity_override: &impl Fn(&str) -> Option<Severity>,
) -> impl Iterator<Item = Reported> {
    findings.into_iter().map(move |finding| {
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
}

/// Orders placed findings (path, line, column, code), keeps one of each
/// repeat, and computes line-independent fingerprints.
pub fn finish(mut reported: Vec<Reported>, sources: &SourceMap, jobs: usize) -> Vec<Reported> {
    sort(&mut reported, sources);
    // The same rule at the same statement twice is one finding.
    reported.dedup_by(|b, a| {
        a.path == b.path
            && a.start == b.start
            && a.finding.rule == b.finding.rule
            && a.finding.message == b.finding.message
    });
    // A path's fingerprints depend on its own findings only: whole paths
    // are fingerprinted in parallel (the run waits for this step alone).
    let chunks = path_chunks(&reported, jobs * 4);
    let fingerprints = crate::parallel::map(chunks, jobs, |range| fingerprints(&reported[range]));
    for (r, fingerprint) in reported.iter_mut().zip(fingerprints.into_iter().flatten()) {
        r.fingerprint = fingerprint;
    }
    reported
}

/// The findings cut into about `count` ranges of whole paths (the findings
/// are sorted by path).
fn path_chunks(reported: &[Reported], count: usize) -> Vec<std::ops::Range<usize>> {
    let size = reported.len().div_ceil(count.max(1)).max(1);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < reported.len() {
        let mut end = (start + size).min(reported.len());
        while end < reported.len() && reported[end].path == reported[end - 1].path {
            end += 1;
        }
        chunks.push(start..end);
        start = end;
    }
    chunks
}

/// Fingerprint: rule, path, anchor and the occurrence among identical
/// anchors, never the line number. `reported` holds whole paths, sorted, so
/// the occurrences are counted one path at a time.
fn fingerprints(reported: &[Reported]) -> Vec<String> {
    let mut seen: crate::hash::HashMap<(&str, &str), usize> = Default::default();
    let mut path = None;
    reported
        .iter()
        .map(|r| {
            if path != Some(r.path.as_str()) {
                seen.clear();
                path = Some(r.path.as_str());
            }
            let (rule, anchor) = (r.finding.rule, r.finding.fingerprint_anchor.as_str());
            let occurrence = seen.entry((rule, anchor)).or_insert(0);
            let fingerprint = format!(
                "{:016x}",
                fnv1a64(&[rule, &r.path, anchor, &occurrence.to_string()])
            );
            *occurrence += 1;
            fingerprint
        })
        .collect()
}

/// The output order: path, line, column, rule, message; findings equal in
/// all of these keep their order. The keys are sorted, then the findings
/// moved once each: a finding is large, and sorting the findings themselves
/// moved each of them about as often as the log of their number. A key
/// holds what decides nearly every comparison, so that the sort reads the
/// findings only to compare messages: each file findings point into is
/// ranked among their paths first (`path` is the display path of the
/// primary span's file).
pub fn sort(reported: &mut [Reported], sources: &SourceMap) {
    let rank = path_ranks(reported, sources);
    let mut keys: Vec<(u32, LineCol, &str, u32)> = reported
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let file = rank[r.finding.primary.span.file.0 as usize];
            (file, r.start, r.finding.rule, i as u32)
        })
        .collect();
    keys.sort_by(|a, b| {
        (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)).then_with(|| {
            let message =
                |key: &(u32, LineCol, &str, u32)| &reported[key.3 as usize].finding.message;
            message(a).cmp(message(b))
        })
    });
    let order = keys.into_iter().map(|key| key.3).collect();
    permute(reported, order);
}

/// By file id, the place of the file's display path among those of the
/// files `reported` points into; files with one path share a place.
fn path_ranks(reported: &[Reported], sources: &SourceMap) -> Vec<u32> {
    let mut files: Vec<FileId> = reported
        .iter()
        .map(|r| r.finding.primary.span.file)
        .collect();
    files.sort_unstable();
    files.dedup();
    files.sort_by(|&a, &b| sources.get(a).display.cmp(&sources.get(b).display));
    let mut rank = vec![0; files.last().map_or(0, |_| sources.len())];
    let mut place = 0;
    for (i, &file) in files.iter().enumerate() {
        if i > 0 && sources.get(file).display != sources.get(files[i - 1]).display {
            place += 1;
        }
        rank[file.0 as usize] = place;
    }
    rank
}

/// Reorders `items` so that position `i` holds the item that was at
/// `order[i]` (`order` a permutation), following each cycle with swaps.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    for start in 0..items.len() {
        let mut i = start;
        // A placed position points at itself.
        while order[i] as usize != i {
            let from = order[i] as usize;
            order[i] = i as u32;
            if from == start {
                break;
            }
            items.swap(i, from);
            i = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let orders: [&[u32]; 6] = [
            &[],
            &[0],
            &[1, 0],
            &[2, 0, 1],
            &[3, 1, 0, 2, 4],
            &[1, 2, 3, 0],
        ];
        for order in orders {
            let mut items: Vec<u32> = (0..order.len() as u32).map(|i| i * 10).collect();
            let expected: Vec<u32> = order.iter().map(|&i| items[i as usize]).collect();
            permute(&mut items, order.to_vec());
            assert_eq!(items, expected, "order {order:?}");
        }
    }
}
