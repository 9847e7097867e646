//! Findings: what a rule reports, anchored at a span, with the path a call
//! takes to get there; once reported, with their severity, place,
//! fingerprint and the suppression that covers them.

use crate::hash::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::source::{FileId, LineCol, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with a short explanation.
#[derive(Debug, Clone)]
pub struct Label {
    pub span: Span,
    pub message: Arc<str>,
}

impl Label {
    pub fn new(span: Span, message: impl Into<Arc<str>>) -> Label {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One step of a witness path, as shown to the user.
#[derive(Debug, Clone)]
pub struct TraceStep {
    pub span: Span,
    /// Where the step is, e.g. `[from-pstn]`.
    pub region: Arc<str>,
    /// What the step does, e.g. `MixMonitor(${UNIQUEID}.wav)` or a branch taken.
    pub text: Arc<str>,
}

#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule's code, e.g. `REC001`.
    pub rule: &'static str,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    pub trace: Vec<TraceStep>,
    /// A fix specific to this finding; the rule's help text otherwise.
    pub help: Option<Arc<str>>,
    /// A line-independent place name for the fingerprint (context, queue,
    /// purpose), so inserting lines above does not change it.
    pub fingerprint_anchor: String,
    /// The dialplan context or flow the finding is in; `[[ignore]] anchor`
    /// matches it.
    pub context: Option<String>,
    /// The highest severity this finding is reported at, whatever the rule's
    /// configured severity (an advisory of a rule that is otherwise a
    /// warning).
    pub at_most: Option<Severity>,
    /// A mechanical change to the files that removes the finding.
    pub fix: Option<Fix>,
}

/// A replacement of the text at `span` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn new(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(span_at: Span, text: impl Into<String>) -> Edit {
        Edit::new(
            Span::new(span_at.file, span_at.end as usize, span_at.end as usize),
            text,
        )
    }
}

/// Whether a fix keeps what the configuration does for the call (ruff's
/// distinction): safe fixes are applied by `--fix`, unsafe ones change
/// behaviour the user must confirm (`--unsafe-fixes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Edits that together remove a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, e.g. `Replace Monitor() with MixMonitor()`.
    pub message: String,
    pub applicability: Applicability,
    /// Non-overlapping edits, in one or several files.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            message: message.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }
}

impl Finding {
    pub fn new(rule: &'static str, primary: Label, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            message: message.into(),
            primary,
            related: Vec::new(),
            trace: Vec::new(),
            help: None,
            fingerprint_anchor: String::new(),
            context: None,
            at_most: None,
            fix: None,
        }
    }

    /// The same finding with its files renumbered (a unit's files joining
    /// the run's).
    pub fn map_files(&mut self, f: &impl Fn(FileId) -> FileId) {
        let spans = std::iter::once(&mut self.primary.span)
            .chain(self.related.iter_mut().map(|label| &mut label.span))
            .chain(self.trace.iter_mut().map(|step| &mut step.span))
            .chain(
                self.fix
                    .iter_mut()
                    .flat_map(|fix| &mut fix.edits)
                    .map(|edit| &mut edit.span),
            );
        for span in spans {
            *span = span.with_file(f(span.file));
        }
    }

    /// The files the finding points into.
    pub fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        std::iter::once(self.primary.span.file)
            .chain(self.related.iter().map(|label| label.span.file))
            .chain(self.trace.iter().map(|step| step.span.file))
    }
}

/// Makes `findings` small to keep until the report: equal texts share one
/// allocation (the steps of a flow recur in the traces of every finding
/// reached through them, the entry and the notice in their labels, a
/// rule's help in each of its findings), and lists hold no spare room.
pub fn compact(findings: &mut [Finding]) {
    let mut pool: HashSet<Arc<str>> = HashSet::default();
    let mut share = |text: &mut Arc<str>| match pool.get(text) {
        Some(shared) => *text = Arc::clone(shared),
        None => {
            pool.insert(Arc::clone(text));
        }
    };
    for finding in findings {
        for label in &mut finding.related {
            share(&mut label.message);
        }
        for step in &mut finding.trace {
            share(&mut step.region);
            share(&mut step.text);
        }
        finding.related.shrink_to_fit();
        finding.trace.shrink_to_fit();
        if let Some(help) = &mut finding.help {
            share(help);
        }
    }
}

/// A finding ready to print.
pub struct Reported {
    pub finding: Finding,
    pub severity: Severity,
    /// Path of the primary span's file, relative to the current directory.
    pub path: String,
    pub start: LineCol,
    pub end: LineCol,
    pub fingerprint: String,
    /// Set when a suppression with a reason covers this finding: it is still
    /// reported, but does not count towards the exit status.
    pub suppression: Option<Suppression>,
}

/// Why a finding is not held against the run.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// Where the suppression is written (comment, `[[ignore]]` entry), if in a file.
    pub span: Option<Span>,
    /// The date it stops applying (`until=`, `expires`), if it has one.
    pub expires: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A `reclint: ignore[...]` comment next to the statement or in the file.
    Inline,
    /// An `[[ignore]]` entry in reclint.toml.
    Config,
    /// An entry of the baseline file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Config => "config",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

/// What `reclint check` found.
pub struct Outcome {
    pub reported: Vec<Reported>,
    /// Files read (configuration files excluded).
    pub files: usize,
}

impl Outcome {
    /// Findings that count: not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Reported> {
        self.reported.iter().filter(|r| r.suppression.is_none())
    }

    /// Unsuppressed findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.active().filter(|r| r.severity == severity).count()
    }

    pub fn suppressed(&self) -> usize {
        self.reported.len() - self.active().count()
    }

    /// Whether an unsuppressed finding at or above `fail_on` was reported.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.active().any(|r| r.severity >= fail_on)
    }
}

/// FNV-1a, 64 bit: a specified hash, stable across platforms and releases
/// (unlike `std`'s `DefaultHasher`).
pub fn fnv1a64(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator byte that cannot occur in text, so ("ab","c") ≠ ("a","bc").
            hash ^= 0xff;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Reference value of FNV-1a/64 for "a".
        assert_eq!(fnv1a64(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a64(&["ab", "c"]), fnv1a64(&["a", "bc"]));
    }
}
