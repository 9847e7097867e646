//! The default output: a miette report per finding, like rustc's, with
//! labelled spans, the path the call takes, the fix and a link; then a summary.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{Outcome, Reported};
use crate::finding::{Label, Severity};
use crate::rules::Registry;
use crate::source::{SourceMap, display_safe};

/// At most this many steps of a witness path are listed; longer paths keep
/// their start and end.
const TRACE_LIMIT: usize = 12;

pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

pub fn render(
    outcome: &Outcome,
    sources: &SourceMap,
    registry: &Registry,
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
        .with_links(false);
    let mut out = String::new();
    // Suppressed findings are not shown here; JSON and SARIF keep them for audits.
    for reported in outcome.active() {
        let diagnostic = FindingDiagnostic::new(reported, sources, registry);
        if handler.render_report(&mut out, &diagnostic).is_err() {
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
    out.push_str(&summary(outcome));
    out.push('\n');
    out
}

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
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<RelatedLabel>,
    help: String,
    url: Option<String>,
}

struct RelatedLabel {
    message: String,
    source: NamedSource<Arc<str>>,
    label: LabeledSpan,
}

impl FindingDiagnostic {
    fn new(reported: &Reported, sources: &SourceMap, registry: &Registry) -> FindingDiagnostic {
        let finding = &reported.finding;
        let rule = registry.get(finding.rule);
        let primary_file = finding.primary.span.file;
        // What comes from configuration files is shown terminal-safe.
        let safe = |text: &str| display_safe(text).into_owned();
        let named = |file| {
            let source = sources.get(file);
            let text = match display_safe(&source.text) {
                Cow::Borrowed(_) => Arc::clone(&source.text),
                Cow::Owned(clean) => Arc::from(clean),
            };
            NamedSource::new(safe(&source.display), text)
        };
        let labeled = |label: &Label, primary: bool| {
            let range = label.span.start as usize..label.span.end as usize;
            if primary {
                LabeledSpan::new_primary_with_span(Some(safe(&label.message)), range)
            } else {
                LabeledSpan::new_with_span(Some(safe(&label.message)), range)
            }
        };
        let mut labels = vec![labeled(&finding.primary, true)];
        let mut related = Vec::new();
        for label in &finding.related {
            if label.span.file == primary_file {
                // Two labels on the same span render as one.
                if !labels
                    .iter()
                    .any(|l| l.offset() == label.span.start as usize && l.len() == label.span.len())
                {
                    labels.push(labeled(label, false));
                }
            } else {
                related.push(RelatedLabel {
                    message: safe(&label.message),
                    source: named(label.span.file),
                    label: labeled(label, true),
                });
            }
        }
        let mut help = finding
            .help
            .clone()
            .unwrap_or_else(|| rule.meta.help.clone());
        if !finding.trace.is_empty() {
            help.push_str("\nthe call gets there by:");
            let steps = &finding.trace;
            let shown: Vec<(usize, &crate::finding::TraceStep)> = if steps.len() > TRACE_LIMIT {
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
        help.push_str(&format!(
            "\nrun `reclint rule {}` for why this matters",
            finding.rule
        ));
        FindingDiagnostic {
            code: format!("{} {}", finding.rule, rule.meta.name),
            message: safe(&finding.message),
            severity: reported.severity,
            source: named(primary_file),
            labels,
            related,
            help: safe(&help),
            url: rule.url().map(str::to_string),
        }
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

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
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
