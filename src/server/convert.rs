//! Findings as LSP diagnostics: ranges in UTF-16 code units, the witness
//! path and the notice and consent locations as related information, and
//! fixes as workspace edits.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentChanges, Location,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range,
    TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};

use crate::check::CheckRun;
use crate::finding::{Applicability, Fix, Reported, Severity};
use crate::source::{FileId, SourceFile, SourceMap, Span};

/// More related locations than this are left out (a long witness path).
const MAX_RELATED: usize = 16;

/// A diagnostic as published, with what its code actions need.
#[derive(Debug, Clone)]
pub struct Found {
    pub diagnostic: Diagnostic,
    pub rule: String,
    pub fix: Option<FoundFix>,
}

#[derive(Debug, Clone)]
pub struct FoundFix {
    pub title: String,
    pub applicability: Applicability,
    pub edit: WorkspaceEdit,
}

/// A file as the client knows it: its URI, and the version of its buffer
/// when it is open.
pub type Document = (Url, Option<i32>);

/// The run's unsuppressed findings, by the URI of their file.
pub fn found(
    run: &CheckRun,
    document_of: &dyn Fn(&Path) -> Option<Document>,
) -> HashMap<Url, Vec<Found>> {
    // Once per file: finding a file's URI resolves its path on disk.
    let documents: Vec<Option<Document>> = (0..run.sources.len())
        .map(|id| document_of(&run.sources.get(FileId(id as u32)).path))
        .collect();
    let document_of: &dyn Fn(FileId) -> Option<Document> =
        &|id| documents.get(id.0 as usize).cloned().flatten();
    let uri_of: &dyn Fn(FileId) -> Option<Url> = &|id| document_of(id).map(|(uri, _)| uri);
    let mut out: HashMap<Url, Vec<Found>> = HashMap::new();
    for reported in run.outcome.active() {
        let Some(uri) = uri_of(reported.finding.primary.span.file) else {
            continue;
        };
        let found = Found {
            diagnostic: diagnostic(reported, &run.sources, uri_of),
            rule: reported.finding.rule.to_string(),
            fix: reported
                .finding
                .fix
                .as_ref()
                .and_then(|fix| found_fix(fix, &run.sources, document_of)),
        };
        out.entry(uri).or_default().push(found);
    }
    out
}

fn diagnostic(
    reported: &Reported,
    sources: &SourceMap,
    uri_of: &dyn Fn(FileId) -> Option<Url>,
) -> Diagnostic {
    let finding = &reported.finding;
    let location = |span: Span| {
        uri_of(span.file).map(|uri| Location::new(uri, range(sources.get(span.file), span)))
    };
    let related = finding
        .related
        .iter()
        .map(|label| (label.span, label.message.to_string()))
        .chain(finding.trace.iter().enumerate().map(|(i, step)| {
            let text = if step.text.is_empty() {
                &step.region
            } else {
                &step.text
            };
            (step.span, format!("path, step {}: {text}", i + 1))
        }))
        .take(MAX_RELATED)
        .filter_map(|(span, message)| {
            location(span).map(|location| DiagnosticRelatedInformation { location, message })
        })
        .collect::<Vec<_>>();
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range: range(sources.get(finding.primary.span.file), finding.primary.span),
        severity: Some(match reported.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        source: Some("reclint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// A fix as edits of the documents at the versions the analysis read: a
/// client refuses it once the buffer has changed since.
fn found_fix(
    fix: &Fix,
    sources: &SourceMap,
    document_of: &dyn Fn(FileId) -> Option<Document>,
) -> Option<FoundFix> {
    let mut documents: Vec<TextDocumentEdit> = Vec::new();
    for edit in &fix.edits {
        let (uri, version) = document_of(edit.span.file)?;
        let text_edit = OneOf::Left(TextEdit::new(
            range(sources.get(edit.span.file), edit.span),
            edit.replacement.clone(),
        ));
        match documents.iter_mut().find(|d| d.text_document.uri == uri) {
            Some(document) => document.edits.push(text_edit),
            None => documents.push(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: vec![text_edit],
            }),
        }
    }
    Some(FoundFix {
        title: fix.message.clone(),
        applicability: fix.applicability,
        edit: WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(documents)),
            ..WorkspaceEdit::default()
        },
    })
}

/// A span as an LSP range.
fn range(file: &SourceFile, span: Span) -> Range {
    Range::new(position(file, span.start), position(file, span.end))
}

/// A byte offset as an LSP position: 0-based line, UTF-16 code units. A
/// file whose text was evicted counts characters.
fn position(file: &SourceFile, offset: u32) -> Position {
    let at = file.line_col(offset);
    let line = file.line_text(at.line);
    let character = if line.is_empty() {
        at.column - 1
    } else {
        line.chars().take(at.column - 1).map(char::len_utf16).sum()
    };
    Position::new((at.line - 1) as u32, character as u32)
}

/// The byte offset in `line` of a UTF-16 column (clamped to the line).
pub fn byte_of(line: &str, character: u32) -> usize {
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= character as usize {
            return i;
        }
        units += c.len_utf16();
    }
    line.len()
}

pub fn contains(range: Range, position: Position) -> bool {
    range.start <= position && position <= range.end
}

pub fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn positions_count_utf16_units() {
        let file = SourceFile::new(PathBuf::from("a"), "a".into(), "x\n€𝄞b\n".into());
        // `b` is after a 3-byte character (1 unit) and a 4-byte one (2 units).
        assert_eq!(position(&file, 9), Position::new(1, 3));
        assert_eq!(byte_of("€𝄞b", 3), 7);
        assert_eq!(byte_of("ab", 9), 2);
    }
}
