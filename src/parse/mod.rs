//! Parsers of the syntaxes more than one front end reads (JSON, XML,
//! CloudFormation templates, Terraform HCL). Each keeps byte spans for every node it
//! produces and reports what it cannot read as values, never by failing the run.

pub mod cloudformation;
pub mod json;
pub mod terraform;
pub mod xml;

use std::ops::Range;

use crate::source::{FileId, Span};

/// A comment, kept for `reclint:` directives.
#[derive(Debug, Clone)]
pub struct Comment {
    /// Text after the comment marker.
    pub text: String,
    pub span: Span,
    /// Whether the comment is the only thing on its line.
    pub own_line: bool,
    /// What the comment applies to when that is not a line: an XML comment
    /// covers the element after it, with its subtree.
    pub covers: Option<Span>,
}

/// Something in a file that reclint could not read (rule REC900).
#[derive(Debug, Clone)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    pub label: String,
}

impl ParseError {
    pub fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> ParseError {
        ParseError {
            span,
            message: message.into(),
            label: label.into(),
        }
    }
}

/// A reference to something the scanned files do not define (rule REC901).
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub span: Span,
    pub message: String,
    pub label: String,
    /// Set for a reference the platform itself skips (an `include =>` of a
    /// context nobody defines): no call path breaks, so it is advice.
    pub advisory: bool,
}

impl Unresolved {
    pub fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> Unresolved {
        Unresolved {
            span,
            message: message.into(),
            label: label.into(),
            advisory: false,
        }
    }

    pub fn advisory(
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Unresolved {
        Unresolved {
            advisory: true,
            ..Unresolved::new(span, message, label)
        }
    }
}

/// What parsing and lowering could not read or resolve, collected per run.
#[derive(Debug, Default)]
pub struct Problems {
    pub parse_errors: Vec<ParseError>,
    pub unresolved: Vec<Unresolved>,
}

impl Problems {
    /// Adds what a unit read on another thread found, after what is here.
    pub fn extend(&mut self, other: Problems) {
        self.parse_errors.extend(other.parse_errors);
        self.unresolved.extend(other.unresolved);
    }
}

/// How comments are written in a format whose parser does not report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSyntax {
    /// HCL: `#` and `//` to the end of the line, `/* */`.
    Hcl,
    /// YAML: `#` at the start of a line or after a blank, to the end of the line.
    Yaml,
}

/// Where each byte of `decoded` was written in `raw` (which starts at byte
/// `raw_start` of its file), plus where it ends: `decoded` is `raw` less
/// what its syntax drops (a YAML block scalar's indentation, quotes, escape
/// characters), so each character is matched to the next equal one. A
/// character that is not found keeps the position reached, so a span never
/// leaves the text it was read from.
pub fn offsets_by_alignment(decoded: &str, raw: &str, raw_start: usize) -> Vec<u32> {
    let mut offsets = Vec::with_capacity(decoded.len() + 1);
    let mut at = 0;
    for c in decoded.chars() {
        if let Some(found) = raw[at..].find(c) {
            at += found;
        }
        for _ in 0..c.len_utf8() {
            offsets.push((raw_start + at) as u32);
        }
        if raw[at..].starts_with(c) {
            at += c.len_utf8();
        }
    }
    offsets.push((raw_start + at) as u32);
    offsets
}

/// The comments of `text`, found outside `literals`: the byte ranges of the
/// strings and other values the parser read, which may hold comment markers
/// as text. Linear in the length of the text.
pub fn scan_comments(
    file: FileId,
    text: &str,
    mut literals: Vec<Range<usize>>,
    syntax: CommentSyntax,
) -> Vec<Comment> {
    // Parsers list values in document order; sorting an ordered list is linear.
    literals.sort_unstable_by_key(|range| range.start);
    let bytes = text.as_bytes();
    let mut literals = literals.into_iter().peekable();
    let mut comments = Vec::new();
    let mut pos = 0;
    // Whether something other than blanks precedes `pos` on its line.
    let mut code_on_line = false;
    while pos < bytes.len() {
        if let Some(literal) = literals.next_if(|literal| literal.start <= pos) {
            if literal.end > pos {
                pos = literal.end;
                code_on_line = true;
            }
            continue;
        }
        let next = bytes.get(pos + 1).copied();
        // The comment's text (after its marker) and where the comment ends.
        let (body, end) = match (syntax, bytes[pos], next) {
            (CommentSyntax::Hcl, b'#', _) => (pos + 1..line_end(text, pos), line_end(text, pos)),
            (CommentSyntax::Hcl, b'/', Some(b'/')) => {
                (pos + 2..line_end(text, pos), line_end(text, pos))
            }
            (CommentSyntax::Hcl, b'/', Some(b'*')) => match text[pos + 2..].find("*/") {
                Some(i) => (pos + 2..pos + 2 + i, pos + 2 + i + 2),
                None => (pos + 2..text.len(), text.len()),
            },
            (CommentSyntax::Yaml, b'#', _)
                if pos == 0 || matches!(bytes[pos - 1], b' ' | b'\t' | b'\n' | b'\r') =>
            {
                (pos + 1..line_end(text, pos), line_end(text, pos))
            }
            (_, byte, _) => {
                match byte {
                    b'\n' => code_on_line = false,
                    b' ' | b'\t' | b'\r' => {}
                    _ => code_on_line = true,
                }
                pos += 1;
                continue;
            }
        };
        comments.push(Comment {
            text: text[body].to_string(),
            span: Span::new(file, pos, end),
            own_line: !code_on_line,
            covers: None,
        });
        code_on_line = true;
        pos = end;
    }
    comments
}

/// The end of the line holding `pos`, before its line break.
fn line_end(text: &str, pos: usize) -> usize {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod alignment_tests {
    use super::offsets_by_alignment;

    #[test]
    fn a_block_scalar_maps_each_character_to_where_it_is_written() {
        let raw = "{\n    \"A\": 1\n  }";
        let decoded = "{\n  \"A\": 1\n}";
        let offsets = offsets_by_alignment(decoded, raw, 100);
        let a = decoded.find('A').unwrap();
        assert_eq!(offsets[a] as usize - 100, raw.find('A').unwrap());
        assert_eq!(*offsets.last().unwrap() as usize - 100, raw.len());
    }

    #[test]
    fn a_character_not_written_keeps_the_position() {
        let offsets = offsets_by_alignment("a\nb", "a b", 0);
        assert_eq!(offsets, [0, 1, 2, 3]);
    }
}
