//! Parsers, one module per platform. Each keeps byte spans for every node it
//! produces and reports what it cannot read as values, never by failing the run.

pub mod asterisk;

use crate::source::Span;

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
