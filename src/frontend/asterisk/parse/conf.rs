//! The generic Asterisk configuration-file syntax shared by every `*.conf`
//! (main/config.c): `[section](options)`, `key = value` / `key => value`,
//! `;` comments, nestable `;-- --;` block comments, `\;` as a literal semicolon,
//! and `#include` / `#tryinclude` / `#exec` directives.
//!
//! The lexer never fails: a line it cannot read becomes a [`ParseError`] with its
//! span, and lexing goes on with the next line.

use std::borrow::Cow;
use std::sync::Arc;

use crate::parse::{Comment, ParseError};
use crate::source::{
    FileId, SharedStr, SourceFile, Span, line_starts, trim, trim_end, trim_start,
};

#[derive(Debug, Clone)]
pub enum ConfItem {
    Section(Section),
    Entry(Entry),
    Directive(Directive),
}

/// An item of a file as spliced into a PBX's statement stream: the file's
/// items are shared (a file that two others include is spliced into both)
/// and each spliced item points into them, so that lexing a line makes no
/// allocation of its own.
#[derive(Debug, Clone)]
pub struct Spliced {
    items: Arc<Vec<ConfItem>>,
    index: u32,
}

impl Spliced {
    pub fn new(items: &Arc<Vec<ConfItem>>, index: usize) -> Spliced {
        Spliced {
            items: Arc::clone(items),
            index: index as u32,
        }
    }
}

impl std::borrow::Borrow<ConfItem> for Spliced {
    fn borrow(&self) -> &ConfItem {
        &self.items[self.index as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub name_span: Span,
    /// `[name](!)`: a template, not a real section.
    pub template: bool,
    /// `[name](+)`: adds to an earlier section of the same name.
    pub append: bool,
    /// `[name](tmpl1,tmpl2)`: templates whose entries this section inherits.
    pub inherits: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// The key, lower-cased (keys such as `exten` and `same` are case-insensitive).
    pub key: Cow<'static, str>,
    pub key_span: Span,
    /// The value with surrounding white space removed. `\;` stays escaped so
    /// that offsets into the value are offsets into the file.
    pub value: SharedStr,
    pub value_span: Span,
    /// The whole statement, key to end of value.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Include,
    TryInclude,
    Exec,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The argument with surrounding quotes removed.
    pub argument: String,
    pub argument_span: Span,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct ConfFile {
    pub items: Vec<ConfItem>,
    pub comments: Vec<Comment>,
    pub errors: Vec<ParseError>,
    /// Asterisk refuses the whole file (a section header without `]`): it
    /// loads none of it, so `items` is empty.
    pub rejected: bool,
}

/// The most items [`lex`] makes room for before it reads a file (about
/// 6 MB); a longer file's vector grows as it is read.
const MAX_RESERVED_ITEMS: usize = 1 << 16;

/// Lexes one configuration file, `source` its whole text.
pub fn lex(file: FileId, source: &SharedStr) -> ConfFile {
    lex_lines(file, source, &line_starts(source))
}

/// Lexes a file read into `sources`: its lines are where its line index
/// says, found once when it was read.
pub fn lex_file(file: FileId, source: &SourceFile) -> ConfFile {
    lex_lines(file, &SharedStr::whole(&source.text), source.line_starts())
}

/// [`lex`], given where each line of `source` starts (0 first).
fn lex_lines(file: FileId, source: &SharedStr, starts: &[u32]) -> ConfFile {
    let text = source.as_str();
    // At most an item a line: room for them all at once, where growing the
    // vector copied every item about twice. Bounded, so that a file of
    // blank lines does not reserve room for millions of items.
    let mut out = ConfFile {
        items: Vec::with_capacity(starts.len().min(MAX_RESERVED_ITEMS)),
        ..ConfFile::default()
    };
    // Open block comments: start offset of each `;--` still open.
    let mut open_blocks: Vec<usize> = Vec::new();
    let mut block_text_start = 0usize;
    let mut line_start = 0usize;
    for raw_line in lines_inclusive(text, starts) {
        let line_end = line_start + raw_line.trim_end_matches(['\n', '\r']).len();
        let line = &text[line_start..line_end];
        // Most lines have no comment: they are their own code.
        let code: Cow<str> = if open_blocks.is_empty() && !has_byte(line, b';') {
            Cow::Borrowed(line)
        } else {
            // `code` is the line with comments blanked out, so that offsets in it
            // are offsets in the file.
            let mut code: Vec<u8> = line.as_bytes().to_vec();
            let bytes = line.as_bytes();
            let mut i = 0usize;
            let mut line_comment: Option<usize> = None;
            let had_code_before =
                |code: &[u8], upto: usize| code[..upto].iter().any(|b| !b.is_ascii_whitespace());
            while i < bytes.len() {
                if !open_blocks.is_empty() {
                    if bytes[i..].starts_with(b"--;") {
                        open_blocks.pop();
                        code[i..i + 3].fill(b' ');
                        i += 3;
                        if open_blocks.is_empty() {
                            let start = block_text_start;
                            let end = line_start + i;
                            out.comments.push(Comment {
                                text: text[start..end - 3].to_string(),
                                span: Span::new(file, start, end),
                                own_line: true,
                                covers: None,
                            });
                        }
                        continue;
                    }
                    if opens_block(&bytes[i..]) {
                        open_blocks.push(line_start + i);
                        code[i..i + 3].fill(b' ');
                        i += 3;
                        continue;
                    }
                    code[i] = b' ';
                    i += 1;
                    continue;
                }
                match bytes[i] {
                    b'\\' if bytes.get(i + 1) == Some(&b';') => i += 2,
                    b';' if opens_block(&bytes[i..]) => {
                        open_blocks.push(line_start + i);
                        block_text_start = line_start + i + 3;
                        code[i..i + 3].fill(b' ');
                        i += 3;
                    }
                    b';' => {
                        line_comment = Some(i);
                        break;
                    }
                    _ => i += 1,
                }
            }
            if let Some(c) = line_comment {
                let own_line = !had_code_before(&code, c);
                out.comments.push(Comment {
                    text: line[c + 1..].to_string(),
                    span: Span::new(file, line_start + c, line_end),
                    own_line,
                    covers: None,
                });
                code[c..].fill(b' ');
            }
            // Blanking only replaced ASCII bytes inside comments with spaces, and
            // whole comments at once, so the buffer is still valid UTF-8.
            Cow::Owned(
                String::from_utf8(code)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            )
        };
        lex_statement(file, source, &code, line_start, &mut out);
        if out.rejected {
            // Asterisk stops here and loads nothing of the file: one error,
            // not one for every line after it.
            out.items.clear();
            return out;
        }
        line_start += raw_line.len();
    }
    if let Some(&start) = open_blocks.first() {
        out.errors.push(ParseError::new(
            Span::new(file, start, start + 3),
            "block comment is never closed",
            "this `;--` has no matching `--;`: the rest of the file is commented out",
        ));
    }
    out
}

/// The lines of `text` with their line breaks, as `split_inclusive('\n')`
/// yields them, cut where `starts` (each line's first byte) says.
fn lines_inclusive<'t>(text: &'t str, starts: &'t [u32]) -> impl Iterator<Item = &'t str> {
    starts
        .iter()
        .enumerate()
        .take_while(|&(_, &start)| (start as usize) < text.len())
        .map(|(i, &start)| {
            let end = starts.get(i + 1).map_or(text.len(), |&end| end as usize);
            &text[start as usize..end]
        })
}

/// Whether `text` holds the ASCII byte `byte`.
fn has_byte(text: &str, byte: u8) -> bool {
    memchr::memchr(byte, text.as_bytes()).is_some()
}

/// `;--` opens a block comment, but `;---...` (a common separator line) does not.
fn opens_block(rest: &[u8]) -> bool {
    rest.starts_with(b";--") && rest.get(3) != Some(&b'-')
}

/// Lexes one line whose comments are already blanked out.
fn lex_statement(file: FileId, source: &SharedStr, code: &str, line_start: usize, out: &mut ConfFile) {
    let trimmed = trim_start(code);
    if trim_end(trimmed).is_empty() {
        return;
    }
    let lead = code.len() - trimmed.len();
    let stmt_start = line_start + lead;
    let stmt_end = line_start + trim_end(code).len();
    let span = Span::new(file, stmt_start, stmt_end);
    let stmt = trim_end(trimmed);
    if let Some(rest) = stmt.strip_prefix('#') {
        lex_directive(file, rest, stmt_start + 1, span, out);
    } else if let Some(rest) = stmt.strip_prefix('[') {
        lex_section(file, rest, stmt_start + 1, span, out);
    } else {
        lex_entry(file, source, stmt, stmt_start, span, out);
    }
}

fn lex_directive(file: FileId, rest: &str, offset: usize, span: Span, out: &mut ConfFile) {
    let word_len = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    let kind = match word.to_ascii_lowercase().as_str() {
        "include" => DirectiveKind::Include,
        "tryinclude" => DirectiveKind::TryInclude,
        "exec" => DirectiveKind::Exec,
        _ => {
            out.errors.push(ParseError::new(
                span,
                format!("unknown directive `#{word}`"),
                "Asterisk knows #include, #tryinclude and #exec",
            ));
            return;
        }
    };
    let arg_raw = &rest[word_len..];
    let arg_lead = arg_raw.len() - trim_start(arg_raw).len();
    let mut arg = trim(arg_raw);
    let mut arg_start = offset + word_len + arg_lead;
    if arg.len() >= 2
        && ((arg.starts_with('"') && arg.ends_with('"'))
            || (arg.starts_with('<') && arg.ends_with('>')))
    {
        arg = &arg[1..arg.len() - 1];
        arg_start += 1;
    }
    if arg.is_empty() {
        out.errors.push(ParseError::new(
            span,
            format!("`#{word}` without a file name"),
            "expected a file name after the directive",
        ));
        return;
    }
    out.items.push(ConfItem::Directive(Directive {
        kind,
        argument: arg.to_string(),
        argument_span: Span::new(file, arg_start, arg_start + arg.len()),
        span,
    }));
}

fn lex_section(file: FileId, rest: &str, offset: usize, span: Span, out: &mut ConfFile) {
    let Some(close) = rest.find(']') else {
        // Asterisk: "parse error: no closing ']'", and the file is invalid.
        out.errors.push(ParseError::new(
            span,
            "section header without `]`: Asterisk does not load this file",
            "Asterisk stops reading here and loads nothing of the file; a section header looks like `[name]`",
        ));
        out.rejected = true;
        return;
    };
    let name = trim(&rest[..close]);
    if name.is_empty() {
        out.errors.push(ParseError::new(
            span,
            "empty section name",
            "a section header looks like `[name]`",
        ));
        return;
    }
    let name_offset = offset + (rest[..close].len() - trim_start(&rest[..close]).len());
    let after = trim(&rest[close + 1..]);
    let mut section = Section {
        name: name.to_string(),
        name_span: Span::new(file, name_offset, name_offset + name.len()),
        template: false,
        append: false,
        inherits: Vec::new(),
    };
    if !after.is_empty() {
        let Some(options) = after.strip_prefix('(').and_then(|a| a.strip_suffix(')')) else {
            out.errors.push(ParseError::new(
                span,
                "unexpected text after the section header",
                "only `(!)`, `(+)` or `(template,...)` may follow `[name]`",
            ));
            return;
        };
        for option in options.split(',').map(trim).filter(|o| !o.is_empty()) {
            match option {
                "!" => section.template = true,
                "+" => section.append = true,
                tmpl => section.inherits.push(tmpl.to_string()),
            }
        }
    }
    out.items.push(ConfItem::Section(section));
}

/// `key` lower-cased. A dialplan is nearly all `exten` and `same` lines:
/// those keys are not copied.
fn lower_case_key(key: &str) -> Cow<'static, str> {
    match ["exten", "same", "include"]
        .into_iter()
        .find(|known| key.eq_ignore_ascii_case(known))
    {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(key.to_ascii_lowercase()),
    }
}

/// `stmt` is the statement as lexed, comments blanked out; `source` the
/// file's text, which the value is a piece of unless a comment was blanked
/// inside it.
fn lex_entry(
    file: FileId,
    source: &SharedStr,
    stmt: &str,
    offset: usize,
    span: Span,
    out: &mut ConfFile,
) {
    let Some(eq) = memchr::memchr(b'=', stmt.as_bytes()) else {
        out.errors.push(ParseError::new(
            span,
            "line is not a `key = value` statement",
            "expected `=` or `=>`",
        ));
        return;
    };
    let key = trim_end(&stmt[..eq]);
    if key.is_empty() {
        out.errors.push(ParseError::new(
            span,
            "statement without a key",
            "expected a name before `=`",
        ));
        return;
    }
    let mut value_offset = eq + 1;
    if stmt[value_offset..].starts_with('>') {
        value_offset += 1;
    }
    let raw_value = &stmt[value_offset..];
    let lead = raw_value.len() - trim_start(raw_value).len();
    let value = trim(raw_value);
    let value_start = offset + value_offset + lead;
    let in_file = value_start..value_start + value.len();
    let shared = match source.get(in_file.clone()) {
        Some(written) if written == value => source.slice(in_file),
        _ => SharedStr::from(value),
    };
    out.items.push(ConfItem::Entry(Entry {
        key: lower_case_key(key),
        key_span: Span::new(file, offset, offset + key.len()),
        value: shared,
        value_span: Span::new(file, value_start, value_start + value.len()),
        span,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_str(text: &str) -> ConfFile {
        lex(FileId(0), &text.into())
    }

    fn entries(conf: &ConfFile) -> Vec<(String, String)> {
        conf.items
            .iter()
            .filter_map(|i| match i {
                ConfItem::Entry(e) => Some((e.key.to_string(), e.value.to_string())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn keys_are_lower_cased_whether_known_or_not() {
        let conf = lex_str("[c]\nExten => s,1,NoOp()\nSAME => n,Hangup()\nMusicClass = x\n");
        assert_eq!(
            entries(&conf),
            [
                ("exten".to_string(), "s,1,NoOp()".to_string()),
                ("same".into(), "n,Hangup()".into()),
                ("musicclass".into(), "x".into()),
            ]
        );
    }

    #[test]
    fn comments_and_escapes() {
        let conf = lex_str("[a]\nexten => 1,1,NoOp(x\\;y) ; trailing\n;exten => 2,1,NoOp\n");
        assert_eq!(
            entries(&conf),
            vec![("exten".into(), "1,1,NoOp(x\\;y)".into())]
        );
        assert_eq!(conf.comments.len(), 2);
        assert!(!conf.comments[0].own_line);
        assert!(conf.comments[1].own_line);
    }

    #[test]
    fn nested_block_comments_span_lines() {
        let text = "[a]\n;-- outer\n ;-- inner --;\nexten => 1,1,NoOp\n--;\nexten => 2,1,NoOp ;-- x --; \n";
        let conf = lex_str(text);
        assert_eq!(entries(&conf), vec![("exten".into(), "2,1,NoOp".into())]);
        assert!(conf.errors.is_empty());
    }

    #[test]
    fn dashed_separator_is_a_line_comment() {
        let conf = lex_str("[a]\n;------------\nexten => 1,1,NoOp\n");
        assert_eq!(entries(&conf).len(), 1);
        assert!(conf.errors.is_empty());
    }

    #[test]
    fn unclosed_block_comment_is_an_error() {
        let conf = lex_str("[a]\n;-- never closed\nexten => 1,1,NoOp\n");
        assert_eq!(conf.errors.len(), 1);
        assert!(entries(&conf).is_empty());
    }

    #[test]
    fn sections_and_directives() {
        let conf = lex_str(
            "[tmpl](!)\n[ctx](tmpl,+)\n#include \"extensions_custom.conf\"\n#tryinclude <x.conf>\n",
        );
        let kinds: Vec<_> = conf
            .items
            .iter()
            .map(|i| match i {
                ConfItem::Section(s) => {
                    format!("{}:{}:{}:{:?}", s.name, s.template, s.append, s.inherits)
                }
                ConfItem::Directive(d) => format!("{:?}:{}", d.kind, d.argument),
                ConfItem::Entry(_) => "entry".into(),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "tmpl:true:false:[]",
                "ctx:false:true:[\"tmpl\"]",
                "Include:extensions_custom.conf",
                "TryInclude:x.conf"
            ]
        );
    }

    #[test]
    fn spans_point_into_the_file() {
        let text = "[ctx]\r\n  exten => s,1,Answer()\r\n";
        let conf = lex_str(text);
        let ConfItem::Entry(e) = &conf.items[1] else {
            panic!("entry expected")
        };
        assert_eq!(
            &text[e.value_span.start as usize..e.value_span.end as usize],
            "s,1,Answer()"
        );
        assert_eq!(
            &text[e.key_span.start as usize..e.key_span.end as usize],
            "exten"
        );
    }

    #[test]
    fn malformed_line_is_reported_and_lexing_goes_on() {
        let conf = lex_str("[ctx]\nthis is junk\nexten => s,1,Answer()\n");
        assert_eq!(conf.errors.len(), 1);
        assert_eq!(entries(&conf).len(), 1);
    }
}
