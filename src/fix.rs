//! `reclint check --fix` and `--diff`: the fixes of a run's findings applied
//! to the texts of their files.
//!
//! Fixes are applied in rounds, as ruff does: a round applies every fix
//! whose edits overlap no edit already taken, then the run is checked again
//! on the fixed texts (held in memory, not yet written), which may offer
//! further fixes (a `Monitor()` replaced by `MixMonitor()` then gains `b`).
//! Edits replace spans only, so formatting, comments and line endings stay
//! as written. A file whose fixed text no longer parses as well as before
//! (more REC900 findings) is left as it is and reported.

use crate::hash::HashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalog::RuleCode;
use crate::check::{self, CheckOptions};
use crate::files::FileSystem;
use crate::finding::{Applicability, Edit, Fix, Reported};
use crate::rules::Registry;

/// More rounds than this stop: a fix that keeps offering itself.
const MAX_ROUNDS: usize = 10;

/// What the fixes change.
#[derive(Debug, Default)]
pub struct Fixed {
    /// The files whose text changes, in path order.
    pub files: Vec<FixedFile>,
    /// Files left untouched because their fixed text would not parse, as shown.
    pub refused: Vec<String>,
}

#[derive(Debug)]
pub struct FixedFile {
    pub path: PathBuf,
    /// The path as shown.
    pub display: String,
    pub before: String,
    pub after: String,
    /// How many fixes were applied to it.
    pub fixes: usize,
}

impl Fixed {
    /// Fixes applied, in all files.
    pub fn count(&self) -> usize {
        self.files.iter().map(|f| f.fixes).sum()
    }

    /// The changes as a unified diff, one section per file.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let diff = similar::TextDiff::from_lines(&file.before, &file.after);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&file.display, &file.display)
                .to_string();
            out.push_str(&text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }

    /// Writes the fixed texts to their files.
    pub fn write(&self) -> miette::Result<()> {
        for file in &self.files {
            std::fs::write(&file.path, &file.after).map_err(|e| {
                miette::miette!(code = "reclint::io", "cannot write {}: {e}", file.display)
            })?;
        }
        Ok(())
    }

    /// Notes for standard error: what was fixed and what was refused.
    pub fn notes(&self, written: bool) -> Vec<String> {
        let mut notes: Vec<String> = self
            .refused
            .iter()
            .map(|file| format!("warning: {file} left unfixed: the fixed text would not parse"))
            .collect();
        let (count, files) = (self.count(), self.files.len());
        if count > 0 {
            let verb = if written { "fixed" } else { "would fix" };
            notes.push(format!("{verb} {count} finding(s) in {files} file(s)"));
        }
        notes
    }
}

/// Whether a fix of this applicability is applied.
pub fn wanted(fix: &Fix, unsafe_fixes: bool) -> bool {
    fix.applicability == Applicability::Safe || unsafe_fixes
}

/// Runs the check of `options` and applies its fixes in rounds until none
/// is left, without writing anything.
pub fn fix(
    options: &CheckOptions,
    cwd: &Path,
    registry: &Registry,
    unsafe_fixes: bool,
) -> miette::Result<Fixed> {
    let mut options = options.clone();
    let mut originals: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    let mut fix_counts: HashMap<PathBuf, usize> = HashMap::default();
    let mut run = check::run(&options, cwd, registry)?;
    let before = parse_errors(&run.outcome.reported);
    for _ in 0..MAX_ROUNDS {
        let fixes: Vec<&Fix> = run
            .outcome
            .active()
            .filter_map(|r| r.finding.fix.as_ref())
            .filter(|fix| wanted(fix, unsafe_fixes))
            .collect();
        let taken = non_overlapping(&fixes);
        if taken.is_empty() {
            break;
        }
        let mut by_file: BTreeMap<PathBuf, (String, Vec<&Edit>)> = BTreeMap::new();
        for fix in &taken {
            for edit in &fix.edits {
                let file = run.sources.get(edit.span.file);
                by_file
                    .entry(file.path.clone())
                    .or_insert_with(|| (file.display.clone(), Vec::new()))
                    .1
                    .push(edit);
            }
            // A fix counts once, in the file of its first edit.
            if let Some(first) = fix.edits.first() {
                let path = run.sources.get(first.span.file).path.clone();
                *fix_counts.entry(path).or_default() += 1;
            }
        }
        for (path, (display, edits)) in by_file {
            let text = options
                .overlay
                .read_text(&path)
                .map_err(|e| miette::miette!(code = "reclint::io", "cannot read {display}: {e}"))?;
            let fixed = apply(&text, &edits);
            originals.entry(path.clone()).or_insert((display, text));
            options.overlay.set(&path, fixed);
        }
        run = check::run(&options, cwd, registry)?;
    }
    let after = parse_errors(&run.outcome.reported);
    let mut fixed = Fixed::default();
    for (path, (display, original)) in originals {
        let worse =
            after.get(&display).copied().unwrap_or(0) > before.get(&display).copied().unwrap_or(0);
        let text = options.overlay.get(&path).map(|t| t.to_string());
        match text {
            Some(_) if worse => fixed.refused.push(display),
            Some(after) if after != original => fixed.files.push(FixedFile {
                fixes: fix_counts.get(&path).copied().unwrap_or(0),
                path,
                display,
                before: original,
                after,
            }),
            _ => {}
        }
    }
    Ok(fixed)
}

/// How many parse errors (REC900) each file has, by its path as shown.
fn parse_errors(reported: &[Reported]) -> HashMap<String, usize> {
    let mut counts = HashMap::default();
    for r in reported {
        if r.finding.rule == RuleCode::Rec900.as_str() {
            *counts.entry(r.path.clone()).or_default() += 1;
        }
    }
    counts
}

/// The fixes to apply together, in order: each one whose edits overlap no
/// edit of a fix taken before it. The same fix offered twice (two findings
/// of one recorder) is taken once.
pub fn non_overlapping<'a>(fixes: &[&'a Fix]) -> Vec<&'a Fix> {
    let mut taken: Vec<&Fix> = Vec::new();
    for &fix in fixes {
        if taken.contains(&fix) {
            continue;
        }
        let overlaps = fix.edits.iter().any(|edit| {
            taken
                .iter()
                .flat_map(|t| &t.edits)
                .any(|other| overlap(edit, other))
        });
        if !overlaps {
            taken.push(fix);
        }
    }
    taken
}

/// Whether two edits touch the same text (two insertions at one place do).
fn overlap(a: &Edit, b: &Edit) -> bool {
    a.span.file == b.span.file && a.span.start <= b.span.end && b.span.start <= a.span.end
}

/// `text` with `edits` (non-overlapping, of this file) applied. An edit
/// outside the text or inside a character is skipped: the file changed
/// since it was read.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in sorted {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        if start < at || text.get(start..end).is_none() {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit::new(Span::new(FileId(0), start, end), text)
    }

    #[test]
    fn edits_apply_from_the_end_and_keep_the_rest() {
        let text = "a Monitor(x)\r\nb\r\n";
        let edits = [edit(2, 9, "MixMonitor"), edit(11, 11, ",b")];
        let refs: Vec<&Edit> = edits.iter().collect();
        assert_eq!(apply(text, &refs), "a MixMonitor(x,b)\r\nb\r\n");
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let first = Fix::safe("first", vec![edit(0, 5, "x")]);
        let second = Fix::safe("second", vec![edit(3, 4, "y")]);
        let third = Fix::safe("third", vec![edit(6, 7, "z")]);
        let taken = non_overlapping(&[&first, &second, &third, &first]);
        assert_eq!(taken, vec![&first, &third]);
    }

    #[test]
    fn an_edit_beyond_the_text_is_skipped() {
        let edits = [edit(10, 12, "x")];
        let refs: Vec<&Edit> = edits.iter().collect();
        assert_eq!(apply("short", &refs), "short");
    }
}
