//! `reclint:` directives written in configuration comments, e.g.
//! `; reclint: purpose=training,documentation`.

use std::collections::HashMap;

use crate::parse::asterisk::conf::Comment;
use crate::source::{FileId, SourceMap, Span};

/// A directive and the comment it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `purpose=a,b`: the purposes of the statement on this line or the next.
    Purpose(Vec<String>),
}

/// Directives by file and 1-based line, with whether the comment stands on a
/// line of its own (then it applies to the next line).
#[derive(Debug, Default)]
pub struct DirectiveIndex {
    by_line: HashMap<(FileId, usize), Vec<Written>>,
}

/// A directive where it is written.
#[derive(Debug)]
struct Written {
    directive: Directive,
    /// The comment stands on a line of its own (it applies to the next line).
    own_line: bool,
    span: Span,
}

impl DirectiveIndex {
    pub fn build(sources: &SourceMap, comments: &HashMap<FileId, Vec<Comment>>) -> DirectiveIndex {
        let mut index = DirectiveIndex::default();
        for (&file, list) in comments {
            let source = sources.get(file);
            for comment in list {
                if let Some(directive) = parse(&comment.text) {
                    let line = source.line_col(comment.span.start).line;
                    index
                        .by_line
                        .entry((file, line))
                        .or_default()
                        .push(Written {
                            directive,
                            own_line: comment.own_line,
                            span: comment.span,
                        });
                }
            }
        }
        index
    }

    /// Directives that apply to a statement at `span`: on its line, or on
    /// their own line just above it.
    pub fn for_statement(&self, sources: &SourceMap, span: Span) -> Vec<(&Directive, Span)> {
        let line = sources.get(span.file).line_col(span.start).line;
        let mut out = Vec::new();
        if let Some(list) = self.by_line.get(&(span.file, line)) {
            out.extend(list.iter().map(|w| (&w.directive, w.span)));
        }
        if line > 1
            && let Some(list) = self.by_line.get(&(span.file, line - 1))
        {
            out.extend(
                list.iter()
                    .filter(|w| w.own_line)
                    .map(|w| (&w.directive, w.span)),
            );
        }
        out
    }
}

/// Parses the text of a comment; `None` when it is not a `reclint:` directive
/// reclint understands.
pub fn parse(comment: &str) -> Option<Directive> {
    let rest = comment.trim().strip_prefix("reclint:")?.trim();
    let purposes = rest
        .strip_prefix("purpose")?
        .trim_start()
        .strip_prefix('=')?;
    // The list ends where another comment or a ` -- reason` starts.
    let purposes = purposes.split([';', '#']).next().unwrap_or("");
    let purposes = purposes.split(" --").next().unwrap_or("");
    let list: Vec<String> = purposes
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (!list.is_empty()).then_some(Directive::Purpose(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_directive() {
        assert_eq!(
            parse(" reclint: purpose=training, documentation"),
            Some(Directive::Purpose(vec![
                "training".into(),
                "documentation".into()
            ]))
        );
        assert_eq!(
            parse(" reclint: purpose=training ; expect: REC002"),
            Some(Directive::Purpose(vec!["training".into()]))
        );
        assert_eq!(
            parse(" reclint: purpose=training ; expect: REC002"),
            Some(Directive::Purpose(vec!["training".into()]))
        );
        assert_eq!(parse(" just a comment"), None);
        assert_eq!(parse(" reclint: purpose="), None);
    }
}
