//! Where REC004's fix can move a recording start: a recording application
//! alone on a `same => n,...` (or `exten => X,n,...`) line can be taken out
//! without renumbering anything, and put in front of a labelled
//! `n(label),...` priority, which then keeps the label while its own
//! application becomes the next `n`.

use std::sync::LazyLock;

use regex::Regex;

use super::Lowerer;
use crate::finding::Edit;
use crate::flow::{Landing, Movable, StepKind};
use crate::source::{SourceMap, Span};

/// The statement up to its application, for a priority written `n`.
static NEXT_PRIORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(same\s*=>\s*|exten\s*=>\s*[^,]+,\s*)n\s*,\s*$").expect("valid regex")
});

/// The same for a priority written `n(label)`.
static LABELLED_NEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(same\s*=>\s*|exten\s*=>\s*[^,]+,\s*)n\s*\([^)]*\)\s*,\s*$").expect("valid regex")
});

/// One line of a file: where it starts, its end before the line break, and
/// after it.
struct Line {
    start: usize,
    end: usize,
    after: usize,
}

/// The line around byte `at`; `None` when `at` is not in the text (a span
/// of another text than the one read) or not at a character boundary.
fn line_of(text: &str, at: usize) -> Option<Line> {
    let (before, after) = (text.get(..at)?, text.get(at..)?);
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let newline = after.find('\n').map_or(text.len(), |i| at + i);
    let end = if text[..newline].ends_with('\r') {
        newline - 1
    } else {
        newline
    };
    Some(Line {
        start,
        end,
        after: (newline + 1).min(text.len()),
    })
}

impl Lowerer<'_> {
    /// The recording starts that can move and the labelled priorities they
    /// can go in front of.
    pub(super) fn collect_moves(&mut self, sources: &SourceMap) {
        for (c, context) in self.plan.contexts.iter().enumerate() {
            for (e, extension) in context.extensions.iter().enumerate() {
                for (&number, priority) in &extension.priorities {
                    let app = &priority.app;
                    let step = self.priority_steps[&(c, e, number)];
                    let recording =
                        matches!(self.graph.step(step).kind, StepKind::RecordingStart(_));
                    let labelled = priority.label.is_some();
                    if !(recording || labelled) || !app.is_spelled_out() {
                        continue;
                    }
                    let text = &sources.get(app.span.file).text;
                    let (statement, name, end) = (
                        priority.span.start as usize,
                        app.name_span.start as usize,
                        app.span.end as usize,
                    );
                    let Some(line) = line_of(text, name) else {
                        continue;
                    };
                    // One statement on one line, only indented before it.
                    let (Some(indent), Some(head)) = (
                        text.get(line.start..statement.max(line.start)),
                        text.get(statement..name),
                    ) else {
                        continue;
                    };
                    if statement < line.start || end > line.end || !indent.trim().is_empty() {
                        continue;
                    }
                    if recording && !labelled && NEXT_PRIORITY.is_match(head) {
                        let Some(rest) = text.get(end..line.end) else {
                            continue;
                        };
                        // Only the application and a comment on its line.
                        if !rest.trim().is_empty() && !rest.trim_start().starts_with(';') {
                            continue;
                        }
                        self.graph.moves.movable.push(Movable {
                            step,
                            removal: Edit::new(
                                Span::new(app.span.file, line.start, line.after),
                                "",
                            ),
                            text: text[name..line.end].trim_end().to_string(),
                        });
                    }
                    if labelled && LABELLED_NEXT.is_match(head) {
                        let line_break = if text[line.end..].starts_with("\r\n") {
                            "\r\n"
                        } else {
                            "\n"
                        };
                        self.graph.moves.landings.push(Landing {
                            step,
                            at: Span::new(app.span.file, name, name),
                            continuation: format!("{line_break}{indent}same => n,"),
                        });
                    }
                }
            }
        }
    }
}
