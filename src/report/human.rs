//! The default output: a miette report per finding, like rustc's, with
//! labelled spans, the path the call takes, the fix and a link; then a summary.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, LazyLock};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use regex::Regex;

use super::excerpt::{Excerpt, Frame};
use crate::catalog::Catalog;
use crate::finding::{Label, Outcome, Reported, Severity, TraceStep};
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
    // Suppressed findings are not shown here; JSON and SARIF keep them for audits.
    for reported in outcome.active() {
        let diagnostic = FindingDiagnostic::new(reported, sources, catalog, options.width);
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_ok() {
            // miette heads a related label `Advice:`; what it is, is a note.
            out.push_str(&ADVICE.replace_all(&rendered, "${1}note: "));
        } else {
            out.push_str(&format!(
                "{}:{}:{}: {} {}\n",
                reported.path,
                reported.start.line,
                reported.start.column,
                reported.finding.rule,
                reported.finding.message
            ));
        }
        out.push('\n');
    }
    if !options.quiet {
        out.push_str(&summary(outcome));
        out.push('\n');
    }
    out
}

/// miette's `Advice: ` at the start of a line, after any colour codes.
static ADVICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^((?:\x1b\[[0-9;]*m)*)Advice: ").expect("valid regex"));

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
    fn new(
        reported: &Reported,
        sources: &SourceMap,
        catalog: &Catalog,
        width: usize,
    ) -> FindingDiagnostic {
        let finding = &reported.finding;
        let rule = catalog.get(finding.rule);
        let primary_file = finding.primary.span.file;
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
                Cow::Owned(clean) => Arc::from(clean),
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
        let in_primary: Vec<&Label> = std::iter::once(&finding.primary)
            .chain(
                finding
                    .related
                    .iter()
                    .filter(|l| l.span.file == primary_file),
            )
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
        for label in &finding.related {
            if label.span.file == primary_file {
                continue;
            }
            let frame = excerpt(label.span.file, &[range(label)]);
            if let Some(span) = labeled(&frame.excerpt, label, true) {
                related.push(RelatedLabel {
                    message: safe(&label.message),
                    source: frame,
                    label: span,
                });
            }
        }
        let mut help = finding.help.clone().unwrap_or_else(|| rule.help.clone());
        if !finding.trace.is_empty() {
            push_trace(&mut help, &finding.trace, sources, primary_file);
        }
        // The references are in `reclint rule`: a URL in the header made
        // the first line the longest of the finding, and one cannot be
        // wrapped to the terminal.
        help.push_str(&format!(
            "\nrun `reclint rule {}`: why it matters, legal references",
            finding.rule
        ));
        FindingDiagnostic {
            code: format!("{} {}", finding.rule, rule.name),
            message: safe(&finding.message),
            severity: reported.severity,
            source: primary_frame,
            labels,
            related,
            help: safe(&help),
        }
    }
}

/// The trace of a finding, for its help: each step with its line (and file,
/// outside the reported file); a long trace shows its ends.
fn push_trace(help: &mut String, steps: &[TraceStep], sources: &SourceMap, primary_file: FileId) {
    help.push_str("\nthe call gets there by:");
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
            (i, at, step.text.as_str())
        })
        .collect();
    let width = located.iter().map(|(_, at, _)| at.len()).max().unwrap_or(0);
    let mut previous: Option<usize> = None;
    for (i, at, text) in located {
        if let Some(p) = previous
            && i > p + 1
        {
            help.push_str(&format!("\n  {:width$}  ... {} more steps", "", i - p - 1));
        }
        help.push_str(&format!("\n  {at:width$}  {text}"));
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
