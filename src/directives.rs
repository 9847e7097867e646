//! `reclint:` directives written in configuration comments:
//!
//! - `reclint: purpose=training,documentation` — the purposes of the statement;
//! - `reclint: ignore[REC001] -- reason` — suppress findings of the statement;
//! - `reclint: ignore[REC001,REC003] until=2027-01-31 -- reason` — until a date;
//! - `reclint: ignore-file[REC009] -- reason` — in the whole file.
//!
//! A directive ends at the next `;` on the line, where another comment (or
//! another directive) may start; so a reason cannot contain `;`. A directive on a line of its own applies to the
//! next line; after a statement, to that statement.

use crate::hash::HashMap;

use crate::date::Date;
use crate::parse::Comment;
use crate::source::{FileId, SourceMap, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `purpose=a,b`.
    Purpose(Vec<String>),
    /// `ignore[...]` or `ignore-file[...]`.
    Ignore(Ignore),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub whole_file: bool,
    /// Rule codes or names as written.
    pub rules: Vec<String>,
    pub until: Option<Date>,
    /// The text after ` -- `; `None` when missing or empty.
    pub reason: Option<String>,
}

/// A directive (or what could not be read of one) where it is written.
#[derive(Debug)]
pub struct Written {
    pub directive: Result<Directive, String>,
    pub file: FileId,
    /// 1-based line of the comment.
    pub line: usize,
    /// The comment stands on a line of its own (it applies to the next line).
    pub own_line: bool,
    pub span: Span,
    /// The element an XML comment applies to (with its subtree).
    pub covers: Option<Span>,
}

impl Written {
    /// The same directive with its file renumbered.
    pub fn map_files(&mut self, f: &impl Fn(FileId) -> FileId) {
        self.file = f(self.file);
        self.span = self.span.with_file(f(self.span.file));
        if let Some(covers) = &mut self.covers {
            *covers = covers.with_file(f(covers.file));
        }
    }

    /// Whether the directive applies to a statement at `span` starting on `line`.
    pub fn applies_to(&self, span: Span, line: usize) -> bool {
        match self.covers {
            Some(element) => {
                element.file == span.file && element.start <= span.start && span.end <= element.end
            }
            None => self.line == line || (self.own_line && self.line + 1 == line),
        }
    }
}

#[derive(Debug, Default)]
pub struct DirectiveIndex {
    pub written: Vec<Written>,
    /// Line-bound directives by file and line.
    by_line: HashMap<(FileId, usize), Vec<usize>>,
    /// Directives that cover an element, by file.
    by_element: HashMap<FileId, Vec<usize>>,
}

impl DirectiveIndex {
    pub fn build(sources: &SourceMap, comments: &HashMap<FileId, Vec<Comment>>) -> DirectiveIndex {
        let mut index = DirectiveIndex::default();
        let mut files: Vec<&FileId> = comments.keys().collect();
        files.sort();
        for &file in files {
            let source = sources.get(file);
            for comment in &comments[&file] {
                // The line only: counting the column is linear in the line,
                // and a line may hold many comments.
                let line = source.line_index(comment.span.start) + 1;
                for directive in parse(&comment.text) {
                    let at = index.written.len();
                    match comment.covers {
                        Some(_) => index.by_element.entry(file).or_default().push(at),
                        None => index.by_line.entry((file, line)).or_default().push(at),
                    }
                    index.written.push(Written {
                        directive,
                        file,
                        line,
                        own_line: comment.own_line,
                        span: comment.span,
                        covers: comment.covers,
                    });
                }
            }
        }
        index
    }

    /// Directives that apply to a statement at `span`: on its line, on their
    /// own line just above it, or (XML) before an element that contains it.
    pub fn for_statement(&self, sources: &SourceMap, span: Span) -> impl Iterator<Item = &Written> {
        let line = sources.get(span.file).line_col(span.start).line;
        let line_bound = [line, line.saturating_sub(1)]
            .into_iter()
            .filter(|&l| l >= 1)
            .flat_map(move |l| self.by_line.get(&(span.file, l)).into_iter().flatten());
        let element_bound = self.by_element.get(&span.file).into_iter().flatten();
        line_bound
            .chain(element_bound)
            .map(|&i| &self.written[i])
            .filter(move |w| w.applies_to(span, line))
    }

    /// Purposes written on or above the statement at `span`.
    pub fn purposes(&self, sources: &SourceMap, span: Span) -> Vec<(String, Span)> {
        self.for_statement(sources, span)
            .filter_map(|w| match &w.directive {
                Ok(Directive::Purpose(names)) => {
                    Some(names.iter().map(move |n| (n.clone(), w.span)))
                }
                _ => None,
            })
            .flatten()
            .collect()
    }
}

/// Parses the `reclint:` directives in the text of a comment (none when it
/// holds none); each is a directive or the message why it cannot be read.
pub fn parse(comment: &str) -> Vec<Result<Directive, String>> {
    comment
        .split(';')
        .filter_map(|part| part.trim_start().strip_prefix("reclint:"))
        .map(|text| parse_directive(text.trim()))
        .collect()
}

fn parse_directive(text: &str) -> Result<Directive, String> {
    if let Some(value) = text.strip_prefix("purpose") {
        let list = value
            .trim_start()
            .strip_prefix('=')
            .ok_or("expected `purpose=NAME[,NAME...]`")?;
        let names: Vec<String> = list
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if names.is_empty() || names.iter().any(|n| n.contains(char::is_whitespace)) {
            return Err("expected `purpose=NAME[,NAME...]`".into());
        }
        return Ok(Directive::Purpose(names));
    }
    let (whole_file, rest) = if let Some(rest) = text.strip_prefix("ignore-file") {
        (true, rest)
    } else if let Some(rest) = text.strip_prefix("ignore") {
        (false, rest)
    } else {
        let word = text
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .next()
            .unwrap_or("");
        return Err(format!(
            "unknown directive `{word}`: reclint knows `purpose=`, `ignore[...]` and `ignore-file[...]`"
        ));
    };
    let rest = rest
        .trim_start()
        .strip_prefix('[')
        .ok_or("expected `[RULES]` after `ignore`, e.g. `ignore[REC001] -- reason`")?;
    let (list, rest) = rest
        .split_once(']')
        .ok_or("`[` without `]` in the rule list")?;
    let rules: Vec<String> = list
        .split(',')
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    if rules.is_empty() {
        return Err(
            "the rule list is empty: name the rules to ignore, e.g. `ignore[REC001]`".into(),
        );
    }
    let (options, reason) = match rest.split_once("--") {
        Some((options, reason)) => (options, Some(reason.trim())),
        None => (rest, None),
    };
    let mut until = None;
    for option in options.split_whitespace() {
        let date = option.strip_prefix("until=").ok_or_else(|| {
            format!("unexpected `{option}`: expected `until=YYYY-MM-DD` or `-- reason`")
        })?;
        until =
            Some(Date::parse(date).ok_or_else(|| format!("`{date}` is not a date (YYYY-MM-DD)"))?);
    }
    Ok(Directive::Ignore(Ignore {
        whole_file,
        rules,
        until,
        reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Ignore {
        match parse(text).as_slice() {
            [Ok(Directive::Ignore(i))] => i.clone(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn purpose_directive() {
        assert_eq!(
            parse(" reclint: purpose=training, documentation"),
            [Ok(Directive::Purpose(vec![
                "training".into(),
                "documentation".into()
            ]))]
        );
        assert_eq!(
            parse(" reclint: purpose=training ; expect: REC002"),
            [Ok(Directive::Purpose(vec!["training".into()]))]
        );
        assert_eq!(parse(" just a comment"), []);
        assert!(matches!(parse(" reclint: purpose=").as_slice(), [Err(_)]));
        assert_eq!(
            parse(" reclint: purpose=qa ; reclint: ignore[REC001] -- why").len(),
            2
        );
    }

    #[test]
    fn ignore_directives() {
        let i = ignore(
            " reclint: ignore[REC001, opt-out-consent] until=2027-01-31 -- PRIV-42, consent in the IVR",
        );
        assert!(!i.whole_file);
        assert_eq!(i.rules, ["REC001", "opt-out-consent"]);
        assert_eq!(i.until, Date::new(2027, 1, 31));
        assert_eq!(i.reason.as_deref(), Some("PRIV-42, consent in the IVR"));
        let f = ignore(" reclint: ignore-file[REC009] -- legacy tree ; expect: REC912");
        assert!(f.whole_file);
        assert_eq!(f.reason.as_deref(), Some("legacy tree"));
        assert_eq!(ignore(" reclint: ignore[REC001]").reason, None);
        assert_eq!(ignore(" reclint: ignore[REC001] --   ").reason, None);
    }

    #[test]
    fn unreadable_directives_are_errors() {
        for text in [
            " reclint: ignor[REC001] -- x",
            " reclint: ignore REC001 -- x",
            " reclint: ignore[REC001 -- x",
            " reclint: ignore[] -- x",
            " reclint: ignore[REC001] until=tomorrow -- x",
            " reclint: ignore[REC001] please -- x",
        ] {
            assert!(matches!(parse(text).as_slice(), [Err(_)]), "{text}");
        }
    }
}
