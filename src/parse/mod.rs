//! Parsers, one module per platform. Each keeps byte spans for every node it
//! produces and reports what it cannot read as values, never by failing the run.

pub mod asterisk;
pub mod connect;
pub mod freeswitch;
pub mod json;
pub mod xml;

use crate::source::Span;

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
}

impl Unresolved {
    pub fn new(span: Span, message: impl Into<String>, label: impl Into<String>) -> Unresolved {
        Unresolved {
            span,
            message: message.into(),
            label: label.into(),
        }
    }
}

/// What parsing and lowering could not read or resolve, collected per run.
#[derive(Debug, Default)]
pub struct Problems {
    pub parse_errors: Vec<ParseError>,
    pub unresolved: Vec<Unresolved>,
}
