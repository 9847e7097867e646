//! The default output: a miette report per finding, like rustc's, with
//! labelled spans, the path the call takes, the fix and a link; then a summary.

use crate::hash::HashSet;
use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, LazyLock};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use regex::Regex;

use super::excerpt::{Excerpt, Frame};
use crate::catalog::{Catalog, RuleMeta};
use crate::finding::{Finding, Label, Outcome, Reported, Severity, TraceStep};
use crate::source::{FileId, SourceMap, display_safe};

/// At most this many steps of a witness path are listed; longer paths keep
/// their start and end.
const TRACE_LIMIT: usize = 12;

/// Source lines up to this many characters are shown whole in a code frame.
const LONG_LINE: usize = 200;

pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// Findings only, without the summary line (`--quiet`).
    pub quiet: bool,
}

pub fn render(
    outcome: &Outcome,
    sources: &SourceMap,
    catalog: &Catalog,
    options: &HumanOptions,
) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .without_syntax_highlighting()
        .with_width(options.width)
        .with_links(false)
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace);
    let mut out = String::new();
    // Suppressed findings are not shown here; JSON and SARIF keep them for
    // audits. Findings on one statement are one story: one header, one
    // frame, one trace; a note about where calls enter is shown once.
    let active: Vec<&Reported> = outcome.active().collect();
    let mut notes_shown = HashSet::default();
    for group in active.chunk_by(|a, b| a.path == b.path && a.start == b.start) {
        let diagnostic =
            FindingDiagnostic::new(group, sources, catalog, options.width, &mut notes_shown);
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_ok() {
            // miette heads a related label `Advice:` and puts its text on the
            // next line: it is a note, said on one line.
            out.push_str(&ADVICE.replace_all(&rendered, "${1}note: ${2}"));
        } else {
            for reported in group {
                out.push_str(&format!(
                    "{}:{}:{}: {} {}\n",
                    reported.path,
                    reported.start.line,
                    reported.start.column,
                    reported.finding.rule,
                    reported.finding.message
                ));
            }
        }
        out.push('\n');
    }
    if !options.quiet {
        out.push_str(&summary(outcome));
        out.push('\n');
        // The references are in `reclint rule`, once for all findings: a URL
        // in a finding's header made its first line the longest, and cannot
        // be wrapped to the terminal.
        if !active.is_empty() {
            out.push_str(
                "`reclint rule CODE` explains a rule: why it matters, its legal references.\n",
            );
        }
    }
    out
}

/// miette's `Advice: ` at the start of a line (after any colour codes), and
/// the note's text on the next line after its `☞` (and colour codes).
static ADVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^((?:\x1b\[[0-9;]*m)*)Advice: *\n *(?:\x1b\[[0-9;]*m)*☞(?:\x1b\[[0-9;]*m)* ")
        .expect("valid regex")
});

pub fn summary(outcome: &Outcome) -> String {
    let files = plural(outcome.files, "file");
    let suppressed = match outcome.suppressed() {
        0 => String::new(),
        n => format!(" ({n} suppressed, listed in JSON and SARIF output)"),
    };
    let active = outcome.active().count();
    if active == 0 {
        return format!("No findings in {files}.{suppressed}");
    }
    // Files with findings apart from files scanned: "3 findings in 2 of 7 files".
    let with_findings = outcome
        .active()
        .map(|r| r.path.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let files = if with_findings >= outcome.files {
        files
    } else {
        format!("{with_findings} of {files}")
    };
    format!(
        "Found {} in {files}: {}, {}, {}.{suppressed}",
        plural(active, "finding"),
        plural(outcome.count(Severity::Error), "error"),
        plural(outcome.count(Severity::Warning), "warning"),
        plural(outcome.count(Severity::Info), "info"),
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A finding as a miette diagnostic. Labels in the primary file are drawn on
/// its snippet; labels in other files become related diagnostics.
struct FindingDiagnostic {
    code: String,
    message: String,
    severity: Severity,
    source: Frame,
    labels: Vec<LabeledSpan>,
    related: Vec<RelatedLabel>,
    help: String,
}

struct RelatedLabel {
    message: String,
    source: Frame,
    label: LabeledSpan,
}

impl FindingDiagnostic {
    /// The findings of one statement (at least one), as one diagnostic.
    /// Notes in other files already shown (`notes_shown`) are left out.
    fn new(
        group: &[&Reported],
        sources: &SourceMap,
        catalog: &Catalog,
        width: usize,
        notes_shown: &mut HashSet<(FileId, u32, u32, Arc<str>)>,
    ) -> FindingDiagnostic {
        let first = &group[0].finding;
        let primary_file = first.primary.span.file;
        // What comes from configuration files is shown terminal-safe.
        let safe = |text: &str| display_safe(text).into_owned();
        // Configuration lines are shown whole up to LONG_LINE characters;
        // longer ones (minified JSON) are cut to what fits beside a frame's
        // gutter (line number and bar, about a dozen columns).
        let line_limit = width.saturating_sub(12);
        let excerpt = |file, spans: &[std::ops::Range<usize>]| {
            let source = sources.get(file);
            let text = match display_safe(&source.text) {
                Cow::Borrowed(_) => Arc::clone(&source.text),
                Cow::Owned(clean) => Arc::new(clean),
            };
            Frame {
                name: safe(&source.display),
                excerpt: Excerpt::new(text, spans, LONG_LINE, line_limit),
            }
        };
        let range = |label: &Label| label.span.start as usize..label.span.end as usize;
        let labeled = |excerpt: &Excerpt, label: &Label, primary: bool| {
            let span = excerpt.span(range(label))?;
            let message = Some(safe(&label.message));
            Some(if primary {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            })
        };
        let findings: Vec<&Finding> = group.iter().map(|r| &r.finding).collect();
        let in_primary: Vec<&Label> = findings
            .iter()
            .flat_map(|f| {
                std::iter::once(&f.primary)
                    .chain(f.related.iter().filter(|l| l.span.file == primary_file))
            })
            .collect();
        let spans: Vec<_> = in_primary.iter().map(|l| range(l)).collect();
        let primary_frame = excerpt(primary_file, &spans);
        let mut labels: Vec<LabeledSpan> = Vec::new();
        for (i, label) in in_primary.iter().enumerate() {
            let Some(labeled) = labeled(&primary_frame.excerpt, label, i == 0) else {
                continue;
            };
            // Two labels on the same span render as one.
            if !labels
                .iter()
                .any(|l| l.offset() == labeled.offset() && l.len() == labeled.len())
            {
                labels.push(labeled);
            }
        }
        let mut related = Vec::new();
        for label in findings.iter().flat_map(|f| &f.related) {
            if label.span.file == primary_file {
                continue;
            }
            let key = (
                label.span.file,
                label.span.start,
                label.span.end,
                label.message.clone(),
            );
            if !notes_shown.insert(key) {
                continue;
            }
            let frame = excerpt(label.span.file, &[range(label)]);
            // The note says what the place is: its underline needs no text.
            if let Some(span) = frame.excerpt.span(range(label)) {
                related.push(RelatedLabel {
                    message: safe(&label.message),
                    source: frame,
                    label: LabeledSpan::new_primary_with_span(None, span),
                });
            }
        }
        let rules: Vec<&RuleMeta> = findings.iter().map(|f| catalog.get(f.rule)).collect();
        let own_help =
            |f: &Finding, rule: &RuleMeta| f.help.as_deref().unwrap_or(&rule.help).to_string();
        let (code, message, mut help) = match (findings.as_slice(), rules.as_slice()) {
            ([finding], [rule]) => (
                format!("{} {}", finding.rule, rule.name),
                safe(&finding.message),
                own_help(finding, rule),
            ),
            _ => {
                let codes: Vec<&str> = findings.iter().map(|f| f.rule).collect();
                let mut message = String::new();
                let mut help = String::new();
                for (finding, rule) in findings.iter().zip(&rules) {
                    if !message.is_empty() {
                        message.push('\n');
                        help.push('\n');
                    }
                    message.push_str(&format!(
                        "{} {}: {}",
                        finding.rule,
                        rule.name,
                        safe(&finding.message)
                    ));
                    help.push_str(&format!("{}: {}", finding.rule, own_help(finding, rule)));
                }
                (codes.join(", "), message, help)
            }
        };
        // One trace: the findings of a statement follow the same call there.
        if let Some(trace) = findings.iter().map(|f| &f.trace).find(|t| !t.is_empty()) {
            push_trace(&mut help, trace, sources, primary_file, width);
        }
        FindingDiagnostic {
            code,
            message,
            severity: group
                .iter()
                .map(|r| r.severity)
                .max()
                .unwrap_or(Severity::Info),
            source: primary_frame,
            labels,
            related,
            help: safe(&help),
        }
    }
}

/// A trace step cut to `room` characters: the statement gives way first, so
/// that the branch taken (`  → caller pressed 1`) stays whole.
fn shorten_step(text: &str, room: usize) -> String {
    let cut = |text: &str, room: usize| -> String {
        text.chars()
            .take(room.saturating_sub(1))
            .chain(['…'])
            .collect()
    };
    match text.find("  → ") {
        Some(at) => {
            let (statement, branch) = text.split_at(at);
            let branch_len = branch.chars().count();
            if branch_len + 10 > room {
                cut(text, room)
            } else {
                format!("{}{branch}", cut(statement, room - branch_len))
            }
        }
        None => cut(text, room),
    }
}

/// The trace of a finding, for its help, headed `via:`: each step with its line (and file,
/// outside the reported file); a long trace shows its ends.
fn push_trace(
    help: &mut String,
    steps: &[TraceStep],
    sources: &SourceMap,
    primary_file: FileId,
    columns: usize,
) {
    let shown: Vec<(usize, &TraceStep)> = if steps.len() > TRACE_LIMIT {
        let head = TRACE_LIMIT / 2;
        steps
            .iter()
            .enumerate()
            .take(head)
            .chain(
                steps
                    .iter()
                    .enumerate()
                    .skip(steps.len() - (TRACE_LIMIT - head)),
            )
            .collect()
    } else {
        steps.iter().enumerate().collect()
    };
    let located: Vec<(usize, String, &str)> = shown
        .into_iter()
        .map(|(i, step)| {
            let source = sources.get(step.span.file);
            let line = source.line_col(step.span.start).line;
            // Steps in the reported file show their line only.
            let at = if step.span.file == primary_file {
                format!("line {line}")
            } else {
                let name = source.display.rsplit('/').next().unwrap_or(&source.display);
                format!("{name}:{line}")
            };
            (i, at, &*step.text)
        })
        .collect();
    let width = located.iter().map(|(_, at, _)| at.len()).max().unwrap_or(0);
    // A step longer than the room beside its line is cut, so that it is not
    // wrapped away from its line: `help: `, `via: ` and miette's margin take
    // 19 columns.
    let room = columns.saturating_sub(19 + width).max(20);
    let mut previous: Option<usize> = None;
    for (i, at, text) in located {
        let cut: String;
        let text = if text.chars().count() > room {
            cut = shorten_step(text, room);
            cut.as_str()
        } else {
            text
        };
        if let Some(p) = previous
            && i > p + 1
        {
            help.push_str(&format!(
                "\n     {:width$}  ... {} more steps",
                "",
                i - p - 1
            ));
        }
        // The path the call takes: `via:` heads it.
        let lead = if previous.is_none() { "via: " } else { "     " };
        help.push_str(&format!("\n{lead}{at:width$}  {text}"));
        previous = Some(i);
    }
}

impl fmt::Debug for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.severity))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

impl fmt::Debug for RelatedLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for RelatedLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedLabel {}

impl Diagnostic for RelatedLabel {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}
