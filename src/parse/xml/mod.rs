//! XML documents for FreeSWITCH and TwiML, read with roxmltree (DTDs refused,
//! a node limit against hostile input), keeping byte ranges and the
//! `<!-- reclint: ... -->` comments with the element each one covers.
//! FreeSWITCH files are read into a [`Tree`] of elements and comments, by
//! the plain reader when they are plain XML (nearly all are) and copied
//! out of roxmltree's document otherwise.

mod plain;
mod tree;

use std::ops::Range;

use roxmltree::{Document, Node, ParsingOptions};

use crate::parse::{Comment, ParseError};
use crate::source::{FileId, SourceFile, Span};
pub use tree::{Element, Tree};

/// An element of either reader's document, with where it is.
pub trait Positioned {
    /// Where the node is (start tag to end tag) in the parsed text.
    fn range(&self) -> Range<usize>;
    /// The parsed text.
    fn input(&self) -> &str;
    /// Where the value of the attribute `name` is written.
    fn value_range(&self, name: &str) -> Option<Range<usize>>;
}

impl Positioned for Node<'_, '_> {
    fn range(&self) -> Range<usize> {
        Node::range(self)
    }

    fn input(&self) -> &str {
        self.document().input_text()
    }

    fn value_range(&self, name: &str) -> Option<Range<usize>> {
        self.attribute_node(name).map(|a| a.range_value())
    }
}

impl Positioned for Element<'_, '_> {
    fn range(&self) -> Range<usize> {
        Element::range(self)
    }

    fn input(&self) -> &str {
        Element::input(self)
    }

    fn value_range(&self, name: &str) -> Option<Range<usize>> {
        self.attribute_value_range(name)
    }
}

/// More nodes than this in one document are refused.
const NODES_LIMIT: u32 = 2_000_000;

/// Deeper nesting than this is not walked.
pub const MAX_DEPTH: usize = 256;

/// Wraps fragments (several top-level elements) so they parse as one document.
const WRAP_OPEN: &str = "<include>";
const WRAP_CLOSE: &str = "</include>";

/// Where a parsed document's nodes are in the file.
#[derive(Debug, Clone, Copy)]
pub struct Located {
    pub file: FileId,
    /// Bytes added in front of the file's text before parsing (a wrapper).
    shift: usize,
}

impl Located {
    fn span_of(&self, start: usize, end: usize) -> Span {
        Span::new(
            self.file,
            start.saturating_sub(self.shift),
            end.saturating_sub(self.shift),
        )
    }

    pub fn span(&self, node: impl Positioned) -> Span {
        let range = node.range();
        self.span_of(range.start, range.end)
    }

    /// An element's start tag (`<condition field=... >`), so that labels on a
    /// long element stay on its first line.
    pub fn start_tag_span(&self, node: impl Positioned) -> Span {
        let range = node.range();
        let end = node.input()[range.start..range.end]
            .find('>')
            .map(|i| range.start + i + 1)
            .unwrap_or(range.end);
        self.span_of(range.start, end)
    }

    /// An attribute's value, or the start tag when the attribute is absent.
    pub fn attribute_span(&self, node: impl Positioned, name: &str) -> Span {
        match node.value_range(name) {
            Some(range) => self.span_of(range.start, range.end),
            None => self.start_tag_span(node),
        }
    }

    /// The comments of a document. A comment covers the next sibling
    /// element (and its subtree), as `<!-- reclint: ignore[...] -- reason -->` does.
    pub fn comments(&self, document: &Document, source: &SourceFile) -> Vec<Comment> {
        document
            .descendants()
            .filter(|n| n.is_comment())
            .filter_map(|node| {
                let covers = node.next_sibling_element().map(|e| self.span(e));
                comment(source, self.span(node), covers)
            })
            .collect()
    }

    /// The comments of a tree, as [`Located::comments`] reads them.
    pub fn tree_comments(&self, tree: &Tree, source: &SourceFile) -> Vec<Comment> {
        tree.comments()
            .filter_map(|node| {
                let covers = node.next_sibling_element().map(|e| self.span(e));
                comment(source, self.span(node), covers)
            })
            .collect()
    }
}

/// The comment at `span` (`<!-- ... -->`), covering the element at `covers`.
fn comment(source: &SourceFile, span: Span, covers: Option<Span>) -> Option<Comment> {
    let start = span.start as usize;
    let text = source
        .slice(span)
        .strip_prefix("<!--")
        .and_then(|t| t.strip_suffix("-->"))?;
    let line_start = source.text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    Some(Comment {
        text: text.to_string(),
        span,
        own_line: source.text[line_start..start].trim().is_empty(),
        covers,
    })
}

/// Parses a file and hands the document to `read`. With `fragments`, a file
/// holding several top-level elements (a FreeSWITCH include snippet) is read
/// as if wrapped in one. A malformed document is a located error.
pub fn read<T>(
    file: FileId,
    source: &SourceFile,
    fragments: bool,
    read: impl FnOnce(&Document, Located) -> T,
) -> Result<T, ParseError> {
    read_lenient(
        file,
        source,
        &lenient_comments(&source.text),
        fragments,
        read,
    )
}

/// [`read`], of the file's text with its comments made lenient.
fn read_lenient<T>(
    file: FileId,
    source: &SourceFile,
    text: &str,
    fragments: bool,
    read: impl FnOnce(&Document, Located) -> T,
) -> Result<T, ParseError> {
    let options = || ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let error = match Document::parse_with_options(text, options()) {
        Ok(document) => return Ok(read(&document, Located { file, shift: 0 })),
        Err(error) => error,
    };
    if fragments && !text.trim_start().starts_with("<?xml") {
        let wrapped = format!("{WRAP_OPEN}{text}{WRAP_CLOSE}");
        if let Ok(document) = Document::parse_with_options(&wrapped, options()) {
            return Ok(read(
                &document,
                Located {
                    file,
                    shift: WRAP_OPEN.len(),
                },
            ));
        }
    }
    let pos = error.pos();
    let at = crate::source::char_range(
        &source.text,
        source.offset_of(pos.row as usize, pos.col as usize),
    );
    let message = match error {
        roxmltree::Error::DtdDetected => {
            "XML with a document type declaration is not read: its entities could expand without bound".to_string()
        }
        error => format!("malformed XML: {error}"),
    };
    Err(ParseError::new(
        Span::new(file, at.start, at.end),
        message,
        "the document cannot be read from here on",
    ))
}

/// [`read`] into a [`Tree`]: by the plain reader when the file is plain
/// XML, else copied out of roxmltree's document (or its error).
pub fn read_tree<T>(
    file: FileId,
    source: &SourceFile,
    fragments: bool,
    read_tree: impl FnOnce(&Tree, Located) -> T,
) -> Result<T, ParseError> {
    let text = lenient_comments(&source.text);
    if let Some(tree) = plain::read(&text, NODES_LIMIT) {
        return Ok(read_tree(&tree, Located { file, shift: 0 }));
    }
    read_lenient(file, source, &text, fragments, |document, at| {
        read_tree(&Tree::of(document), at)
    })
}

/// XML forbids `--` inside comments, but `<!-- reclint: ignore[...] -- reason -->`
/// needs it (and FreeSWITCH's own parser accepts it): inside comments, `--`
/// becomes `- ` for the parser. Offsets do not change; comment text is read
/// from the original.
fn lenient_comments(text: &str) -> std::borrow::Cow<'_, str> {
    // Most files have comments, few a `--` in one: those are read as they are.
    let double_hyphen = |body: std::ops::Range<usize>| {
        memchr::memmem::find(&text.as_bytes()[body], b"--").is_some()
    };
    if !comment_bodies(text).any(double_hyphen) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for body in comment_bodies(text) {
        out.push_str(&text[copied..body.start]);
        out.push_str(&text[body.clone()].replace("--", "- "));
        copied = body.end;
    }
    out.push_str(&text[copied..]);
    out.into()
}

/// Where the text inside each `<!-- ... -->` is, in order, up to an
/// unclosed one (the rest of the file is left as it is). Searched with
/// `memmem` a vector at a time: every XML file is searched whole.
fn comment_bodies(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        let open = from + memchr::memmem::find(&bytes[from..], b"<!--")? + 4;
        let close = open + memchr::memmem::find(&bytes[open..], b"-->")?;
        from = close + 3;
        Some(open..close)
    })
}

/// Child elements (not text, comments or processing instructions).
pub fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_double_hyphens_inside_comments_are_rewritten() {
        for (text, lenient) in [
            ("<a/>", "<a/>"),
            ("<a><!-- plain --></a>", "<a><!-- plain --></a>"),
            (
                "<a x='--'><!-- a -- b --><!--c--d--></a>",
                "<a x='--'><!-- a -  b --><!--c- d--></a>",
            ),
            // An unclosed comment is left for the parser to refuse.
            (
                "<a><!-- x -- y --><!-- open -- ",
                "<a><!-- x -  y --><!-- open -- ",
            ),
        ] {
            let read = lenient_comments(text);
            assert_eq!(read, lenient, "{text}");
            assert_eq!(read.len(), text.len(), "offsets do not change");
        }
    }

    #[test]
    fn directives_with_double_hyphens_parse() {
        let text = "<a><!-- reclint: ignore[REC001] -- why --><b/></a>";
        let source = SourceFile::new("t.xml".into(), "t.xml".into(), text.into());
        let comments = read(FileId(0), &source, false, |doc, at| {
            at.comments(doc, &source)
        })
        .unwrap();
        assert_eq!(comments[0].text, " reclint: ignore[REC001] -- why ");
        assert_eq!(source.slice(comments[0].covers.unwrap()), "<b/>");
    }
}
