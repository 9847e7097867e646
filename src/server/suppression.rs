//! The "suppress with a reason" code action: a `reclint: ignore[...]`
//! directive in the comment syntax of the file, or, for formats without
//! comments (JSON flows and NCCOs), an `[[ignore]]` entry in the workspace's
//! reclint.toml. The reason is a placeholder the user replaces; a
//! suppression without one is itself a finding (REC911).

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CreateFile, CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, TextDocumentEdit,
    TextEdit, Url, WorkspaceEdit,
};

use crate::source::slash_path;

/// What the inserted directive says until the user writes the reason.
const REASON: &str = "REASON: why this is accepted";

/// How a directive is written in a file.
enum Syntax {
    /// After the statement, on its line: Asterisk `;`.
    LineEnd(&'static str),
    /// On a line of its own above the statement, indented like it.
    LineAbove {
        open: &'static str,
        close: &'static str,
    },
    /// No comments: an `[[ignore]]` entry.
    Config,
}

fn syntax(path: &Path, text: &str) -> Syntax {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "conf" => Syntax::LineEnd(" ; "),
        "ael" => Syntax::LineAbove {
            open: "// ",
            close: "",
        },
        "yaml" | "yml" | "tf" | "hcl" => Syntax::LineAbove {
            open: "# ",
            close: "",
        },
        _ if text.trim_start().starts_with('<') => Syntax::LineAbove {
            open: "<!-- ",
            close: " -->",
        },
        _ => Syntax::Config,
    }
}

/// The title and edit that suppress `rule` on 0-based `line` of the file
/// at `path` (open as `uri`, with `text`); `root` holds reclint.toml.
pub fn edit(
    uri: &Url,
    path: &Path,
    text: &str,
    line: u32,
    rule: &str,
    root: &Path,
) -> Option<(String, WorkspaceEdit)> {
    let directive = format!("reclint: ignore[{rule}] -- {REASON}");
    let statement = text.lines().nth(line as usize).unwrap_or("");
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let edit = match syntax(path, text) {
        Syntax::LineEnd(separator) => {
            let end = Position::new(line, statement.encode_utf16().count() as u32);
            TextEdit::new(Range::new(end, end), format!("{separator}{directive}"))
        }
        Syntax::LineAbove { open, close } => {
            let indent: String = statement
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            let start = Position::new(line, 0);
            TextEdit::new(
                Range::new(start, start),
                format!("{indent}{open}{directive}{close}{eol}"),
            )
        }
        Syntax::Config => return config_entry(path, rule, root),
    };
    let title = format!("Suppress {rule} on this line (with a reason)");
    Some((
        title,
        WorkspaceEdit::new(HashMap::from([(uri.clone(), vec![edit])])),
    ))
}

/// An `[[ignore]]` entry for the file, appended to the workspace's
/// reclint.toml (`.reclint.toml`), which is created when there is none.
fn config_entry(path: &Path, rule: &str, root: &Path) -> Option<(String, WorkspaceEdit)> {
    let existing = ["reclint.toml", ".reclint.toml"]
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.is_file());
    let config = existing
        .clone()
        .unwrap_or_else(|| root.join("reclint.toml"));
    let relative = crate::source::canonical(path)
        .strip_prefix(root)
        .ok()
        .map(slash_path)?;
    let old = existing
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let (end, lead) = match old.lines().last() {
        Some(last) if !old.ends_with('\n') => (
            Position::new(
                old.lines().count() as u32 - 1,
                last.encode_utf16().count() as u32,
            ),
            "\n",
        ),
        _ => (Position::new(old.lines().count() as u32, 0), ""),
    };
    let entry = format!(
        "{lead}\n[[ignore]]\npaths = [{relative:?}]\nrules = [{rule:?}]\nreason = {REASON:?}\n"
    );
    let uri = Url::from_file_path(&config).ok()?;
    let mut operations = Vec::new();
    if existing.is_none() {
        operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
            CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            },
        )));
    }
    operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: vec![OneOf::Left(TextEdit::new(Range::new(end, end), entry))],
    }));
    Some((
        format!("Suppress {rule} in this file with an [[ignore]] entry (with a reason)"),
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..WorkspaceEdit::default()
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text the action inserts into `name` (holding `text`) for line 1.
    fn inserted(name: &str, text: &str) -> (Position, String) {
        let path = Path::new("/pbx").join(name);
        let uri = Url::from_file_path(&path).unwrap();
        let (_, edit) = edit(&uri, &path, text, 1, "REC001", Path::new("/pbx")).unwrap();
        let edits = &edit.changes.unwrap()[&uri];
        (edits[0].range.start, edits[0].new_text.clone())
    }

    #[test]
    fn each_format_gets_its_comment_syntax() {
        let dialplan = "[in]\nexten => s,1,MixMonitor(x.wav)\n";
        assert_eq!(
            inserted("extensions.conf", dialplan),
            (
                Position::new(1, 30),
                " ; reclint: ignore[REC001] -- REASON: why this is accepted".into()
            )
        );
        let twiml = "<Response>\r\n  <Dial record=\"true\"/>\r\n</Response>\r\n";
        assert_eq!(
            inserted("answer.twiml", twiml),
            (
                Position::new(1, 0),
                "  <!-- reclint: ignore[REC001] -- REASON: why this is accepted -->\r\n".into()
            )
        );
        let swml = "sections:\n  main:\n";
        assert_eq!(
            inserted("flow.yaml", swml).1,
            "  # reclint: ignore[REC001] -- REASON: why this is accepted\n"
        );
    }
}
