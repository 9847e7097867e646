//! Source text for code frames, with over-long lines cut around what is
//! labelled on them. Minified JSON (a Connect export, a `Content` string)
//! is one line of tens of thousands of characters; a frame shows the part
//! of it the finding is about, with `…` where text was left out. Line
//! numbers stay those of the file.

use std::ops::Range;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

const ELLIPSIS: &str = "…";

/// Characters shown before a label on a cut line, for context.
const LEAD: usize = 12;

/// A file's text as a frame shows it, and where its offsets went.
pub struct Excerpt {
    pub text: Arc<String>,
    lines: Vec<CutLine>,
}

/// A line that was cut: its kept window, in original offsets, and where that
/// window starts in the new text.
struct CutLine {
    start: usize,
    end: usize,
    window: Range<usize>,
    new_window_start: usize,
    /// Characters on the line before the window.
    window_column: usize,
    /// How much shorter the text is after this line than before it.
    removed_through: usize,
}

impl Excerpt {
    /// Cuts every line longer than `longest` characters to a window of at
    /// most `limit` characters: around the labels that start on it (the first
    /// one when they do not all fit), or its beginning when none does.
    pub fn new(
        text: Arc<String>,
        labels: &[Range<usize>],
        longest: usize,
        limit: usize,
    ) -> Excerpt {
        let limit = limit.max(20);
        let longest = longest.max(limit);
        if !text.split('\n').any(|line| line.len() > longest) {
            return Excerpt {
                text,
                lines: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len().min(1 << 16));
        let mut lines = Vec::new();
        let mut removed = 0;
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let content = line.strip_suffix('\n').unwrap_or(line);
            let end = start + content.len();
            if content.len() <= longest || content.chars().count() <= longest {
                out.push_str(line);
                start += line.len();
                continue;
            }
            let window = window(&text, start..end, labels, limit);
            let before = if window.start > start { ELLIPSIS } else { "" };
            let after = if window.end < end { ELLIPSIS } else { "" };
            out.push_str(before);
            let new_window_start = out.len();
            out.push_str(&text[window.clone()]);
            out.push_str(after);
            out.push_str(&line[content.len()..]);
            removed += content.len() - window.len() - before.len() - after.len();
            lines.push(CutLine {
                start,
                end,
                window_column: text[start..window.start].chars().count(),
                window,
                new_window_start,
                removed_through: removed,
            });
            start += line.len();
        }
        Excerpt {
            text: Arc::new(out),
            lines,
        }
    }

    /// Where an offset of the original text is in the excerpt; an offset left
    /// out of a cut line moves to the nearest kept character.
    pub fn offset(&self, offset: usize) -> usize {
        let cut = self.lines.partition_point(|l| l.start <= offset);
        if cut == 0 {
            return offset;
        }
        let line = &self.lines[cut - 1];
        if offset > line.end {
            return offset - line.removed_through;
        }
        let kept = offset.clamp(line.window.start, line.window.end);
        line.new_window_start + (kept - line.window.start)
    }

    /// A label's span in the excerpt, or `None` when it was cut away whole.
    pub fn span(&self, span: Range<usize>) -> Option<Range<usize>> {
        let mapped = self.offset(span.start)..self.offset(span.end);
        (!mapped.is_empty() || span.is_empty()).then_some(mapped)
    }
}

/// An excerpt under a file name, as miette reads it: the frame header gives
/// the column in the file, not in the cut line.
pub struct Frame {
    pub name: String,
    pub excerpt: Excerpt,
}

impl Frame {
    /// The column in the file of an excerpt offset that lies in a cut line's
    /// window.
    fn file_column(&self, offset: usize) -> Option<usize> {
        let text = &self.excerpt.text;
        self.excerpt.lines.iter().find_map(|line| {
            let window_end = line.new_window_start + line.window.len();
            (line.new_window_start..=window_end)
                .contains(&offset)
                .then(|| line.window_column + text[line.new_window_start..offset].chars().count())
        })
    }
}

impl SourceCode for Frame {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self.excerpt.text.as_ref().read_span(
            span,
            context_lines_before,
            context_lines_after,
        )?;
        // miette reads a label's own span without context for the header.
        let column = match (context_lines_before, context_lines_after) {
            (0, 0) => self.file_column(span.offset()),
            _ => None,
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column.unwrap_or_else(|| contents.column()),
            contents.line_count(),
        )))
    }
}

/// The part of the line `line` a frame keeps.
fn window(text: &str, line: Range<usize>, labels: &[Range<usize>], limit: usize) -> Range<usize> {
    let on_line: Vec<&Range<usize>> = labels
        .iter()
        .filter(|l| line.contains(&l.start) || (l.start == line.end && l.is_empty()))
        .collect();
    let content = &text[line.clone()];
    let Some(first) = on_line.first() else {
        return line.start..line.start + byte_len(content, limit);
    };
    let from = on_line.iter().map(|l| l.start).min().unwrap_or(first.start);
    let to = on_line
        .iter()
        .map(|l| l.end.min(line.end))
        .max()
        .unwrap_or(from);
    let focus = if text[from..to].chars().count() + LEAD <= limit {
        from
    } else {
        first.start
    };
    // Some text before the label, then as much after as fits.
    let lead_start = text[line.start..focus]
        .char_indices()
        .rev()
        .nth(LEAD.saturating_sub(1))
        .map_or(line.start, |(i, _)| line.start + i);
    let start = lead_start;
    let end = start + byte_len(&text[start..line.end], limit);
    start..end
}

/// Bytes in the first `chars` characters of `s`.
fn byte_len(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
#[allow(
    clippy::single_range_in_vec_init,
    reason = "one label is a slice of one span"
)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept() {
        let text = Arc::new("a\nbb\n".to_string());
        let e = Excerpt::new(Arc::clone(&text), &[0..1], 40, 40);
        assert_eq!(&*e.text, "a\nbb\n");
        assert_eq!(e.offset(3), 3);
    }

    #[test]
    fn a_long_line_is_cut_around_its_label() {
        let long = format!("{}TARGET{}", "x".repeat(500), "y".repeat(500));
        let text = Arc::new(format!("head\n{long}\ntail\n"));
        let at = text.find("TARGET").unwrap();
        let e = Excerpt::new(Arc::clone(&text), &[at..at + 6], 200, 40);
        let lines: Vec<&str> = e.text.lines().collect();
        assert_eq!(lines[0], "head");
        assert_eq!(lines[2], "tail");
        assert!(lines[1].starts_with('…') && lines[1].ends_with('…'));
        assert!(lines[1].chars().count() <= 42);
        let span = e.span(at..at + 6).unwrap();
        assert_eq!(&e.text[span], "TARGET");
        // The text after the cut line moved up by what was removed.
        let tail = text.find("tail").unwrap();
        assert_eq!(&e.text[e.offset(tail)..e.offset(tail) + 4], "tail");
    }

    #[test]
    fn multibyte_text_is_cut_on_character_boundaries() {
        let long = format!("{}ø{}", "æ".repeat(300), "å".repeat(300));
        let text = Arc::new(long.clone());
        let at = text.find('ø').unwrap();
        let e = Excerpt::new(Arc::clone(&text), &[at..at + 'ø'.len_utf8()], 30, 30);
        let span = e.span(at..at + 'ø'.len_utf8()).unwrap();
        assert_eq!(&e.text[span], "ø");
    }

    #[test]
    fn a_label_cut_away_is_dropped() {
        let long = format!("A{}B", "x".repeat(1000));
        let text = Arc::new(long.clone());
        let e = Excerpt::new(Arc::clone(&text), &[0..1], 30, 30);
        assert!(e.span(1001..1002).is_none());
        assert_eq!(e.span(0..1), Some(0..1));
    }
}
