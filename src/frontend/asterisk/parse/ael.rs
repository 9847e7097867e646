//! Asterisk AEL (`extensions.ael`): the syntax of res/ael/ael.flex and
//! res/ael/ael.y read into a tree with spans, `#include`s spliced in as the
//! lexer splices them. [`compile`] turns the tree into the
//! [`Dialplan`](super::dialplan::Dialplan) extensions.conf is built into, so
//! one lowering reads both.
//!
//! The reader is total: any bytes give a tree and located errors, in time
//! linear in the input (nesting deeper than [`MAX_NESTING`] is an error,
//! not a deeper stack).

pub mod compile;

use std::collections::VecDeque;
use std::sync::Arc;

use super::app::{self, AppCall, Text};
use crate::parse::{Comment, ParseError};
use crate::source::{FileId, SharedStr, Span};

/// One AEL file as Asterisk reads it, with what its `#include`s splice in.
#[derive(Debug, Default)]
pub struct AelFile {
    /// Contexts and macros in the order they are written.
    pub items: Vec<Item>,
    /// Comments of the file and of the files it includes (by their spans).
    pub comments: Vec<Comment>,
    pub errors: Vec<ParseError>,
    /// The files `#include` spliced in, in the order they were read.
    pub included: Vec<FileId>,
}

#[derive(Debug)]
pub enum Item {
    Context(ContextDef),
    Macro(MacroDef),
}

/// `[abstract|extend] context NAME { ... }`.
#[derive(Debug)]
pub struct ContextDef {
    pub name: Text,
    pub extensions: Vec<ExtensionDef>,
    /// `includes { ctx; ctx2|9:00-17:00|mon-fri|*|*; }`: the context names.
    pub includes: Vec<Text>,
}

/// `NAME => statement`, `regexten NAME => ...`, `hint(...) NAME => ...`.
#[derive(Debug)]
pub struct ExtensionDef {
    /// As written: `s`, `_9011.`, a caller-ID match `100/5551234`.
    pub name: Text,
    pub regexten: bool,
    pub body: Vec<Statement>,
}

/// `macro NAME(arg, ...) { ... }`.
#[derive(Debug)]
pub struct MacroDef {
    pub name: Text,
    pub parameters: Vec<Text>,
    pub body: Vec<Statement>,
}

#[derive(Debug)]
pub struct Statement {
    pub kind: StatementKind,
    /// The whole statement, to its `;` or `}`.
    pub span: Span,
}

#[derive(Debug)]
pub enum StatementKind {
    /// `{ ... }`.
    Block(Vec<Statement>),
    /// `VAR=value;`, `FUNC(args)=value;`, `local VAR=value;`.
    Assign {
        variable: Text,
        value: Text,
        local: bool,
    },
    /// `App(args);` or `App;`.
    App(AppCall),
    /// `goto [[context,]extension,]label;` (`|` or `,`), `jump ext[,pri][@ctx];`
    /// and `Goto(...)`: the target's parts, context first.
    Goto(Vec<Text>),
    /// `label:`.
    Label(Text),
    /// `&name(args);`.
    MacroCall { name: Text, arguments: Vec<Text> },
    /// `if (...)`, `random (...)`, `ifTime (...)` with their branches.
    If {
        test: Test,
        /// The head, `if (...)`: where the test is written.
        head: Span,
        then: Vec<Statement>,
        /// `else` and its statement.
        otherwise: Option<(Span, Vec<Statement>)>,
    },
    /// `for (init; test; increment) statement`.
    For {
        init: Text,
        test: Text,
        increment: Text,
        head: Span,
        body: Vec<Statement>,
    },
    /// `while (test) statement`.
    While {
        test: Text,
        head: Span,
        body: Vec<Statement>,
    },
    /// `switch (expression) { case ...: ... }`.
    Switch {
        expression: Text,
        head: Span,
        cases: Vec<Case>,
    },
    Break,
    Continue,
    Return,
    /// `catch NAME { ... }` in a macro: extension NAME of the macro's context.
    Catch { extension: Text, body: Vec<Statement> },
}

#[derive(Debug)]
pub enum Test {
    /// `if (expression)`.
    Expression(Text),
    /// `random (percent)`.
    Random(Text),
    /// `ifTime (times|weekdays|days|months)`: the four fields.
    Time(Vec<Text>),
}

/// `case VALUE:`, `pattern PATTERN:` or `default:` and the statements after it.
#[derive(Debug)]
pub struct Case {
    pub label: CaseLabel,
    /// The `case ...:` head.
    pub head: Span,
    pub body: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseLabel {
    Value(String),
    Pattern(String),
    Default,
}

/// Reads what `#include "name"` names, for the reader. The loader resolves
/// and reads the files (reporting what it cannot); the reader splices them.
pub trait Includer {
    /// The files `#include "name"` (written at `span` of file `from`) names,
    /// each with its text, in the order Asterisk reads them.
    fn include(&mut self, from: FileId, name: &str, span: Span) -> Vec<(FileId, Arc<String>)>;
}

/// Statements nested deeper than this are skipped with an error: no real
/// dialplan comes near it, and the reader's stack stays small.
pub const MAX_NESTING: usize = 64;
/// ael.flex's `MAX_INCLUDE_DEPTH`.
const MAX_INCLUDE_DEPTH: usize = 50;
/// Files spliced into one reading at most: a file included twice by each
/// of a chain of files would otherwise be read exponentially often.
const MAX_SPLICES: usize = 1000;

const KEYWORDS: &[&str] = &[
    "context",
    "abstract",
    "extend",
    "macro",
    "globals",
    "local",
    "ignorepat",
    "switch",
    "if",
    "ifTime",
    "random",
    "regexten",
    "hint",
    "else",
    "goto",
    "jump",
    "return",
    "break",
    "continue",
    "for",
    "while",
    "case",
    "default",
    "pattern",
    "catch",
    "switches",
    "eswitches",
    "includes",
];

/// Reads one AEL file (`text` of `file`), splicing what its `#include`s
/// name through `includer`.
pub fn parse(file: FileId, text: Arc<String>, includer: &mut dyn Includer) -> AelFile {
    let mut parser = Parser {
        lexer: Lexer {
            stack: vec![Buffer {
                file,
                text,
                pos: 0,
                depth: 0,
            }],
            includer,
            ahead: VecDeque::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            included: Vec::new(),
        },
        depth: 0,
    };
    let items = parser.file();
    let lexer = parser.lexer;
    AelFile {
        items,
        comments: lexer.comments,
        errors: lexer.errors,
        included: lexer.included,
    }
}

// ---------------------------------------------------------------------------
// The lexer: ael.flex's start conditions are the parser's choice of method.
// `token` reads the INITIAL condition; `raw` reads what the argg, paren and
// semic conditions gather (arguments, tests, right-hand sides) as one text.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// `{`
    Open,
    /// `}`
    Close,
    LParen,
    RParen,
    Semi,
    Eq,
    Comma,
    Colon,
    Amper,
    Bar,
    /// `=>`
    Arrow,
    At,
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

impl Token {
    fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    fn is_word(&self, word: &str) -> bool {
        self.word() == Some(word)
    }

    fn text(&self) -> Text {
        Text {
            text: self.word().unwrap_or_default().into(),
            span: self.span,
        }
    }
}

/// A file being read: the root, or one an `#include` spliced in.
struct Buffer {
    file: FileId,
    text: Arc<String>,
    pos: usize,
    /// How many `#include`s deep it is.
    depth: usize,
}

struct Lexer<'i> {
    /// The files being read, the current one last. Files a glob include
    /// names wait below the first of them.
    stack: Vec<Buffer>,
    includer: &'i mut dyn Includer,
    ahead: VecDeque<Token>,
    comments: Vec<Comment>,
    errors: Vec<ParseError>,
    included: Vec<FileId>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-'\"_/.<>*+!$#[]".contains(&b) || b >= 0x80
}

/// The length of the character at `i` (1 past the end).
fn char_len(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(1, char::len_utf8)
}

fn closer_of(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

impl Lexer<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.errors.push(ParseError::new(span, message, label));
    }

    fn top(&self) -> (FileId, Arc<String>, usize) {
        // The root buffer is never popped.
        let buffer = &self.stack[self.stack.len() - 1];
        (buffer.file, Arc::clone(&buffer.text), buffer.pos)
    }

    fn set_pos(&mut self, pos: usize) {
        let last = self.stack.len() - 1;
        self.stack[last].pos = pos;
    }

    /// The source text of `span`, when its file is being read.
    fn slice(&self, span: Span) -> Option<&str> {
        let buffer = self.stack.iter().rev().find(|b| b.file == span.file)?;
        buffer
            .text
            .get(span.start as usize..(span.end as usize).max(span.start as usize))
    }

    /// The next token of the INITIAL condition: comments and white space
    /// skipped, `#include` spliced in.
    fn token(&mut self) -> Token {
        loop {
            let (file, text, pos) = self.top();
            let bytes = text.as_bytes();
            let mut i = pos;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() {
                self.set_pos(i);
                if self.stack.len() > 1 {
                    self.stack.pop();
                    continue;
                }
                return Token {
                    tok: Tok::End,
                    span: Span::new(file, i, i),
                };
            }
            let rest = &bytes[i..];
            if rest.starts_with(b"//") {
                let end = rest
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                self.comment(file, &text, i, i + 2, end, end);
                self.set_pos(end);
                continue;
            }
            if rest.starts_with(b"/*") {
                let (inner_end, end) = match text[i + 2..].find("*/") {
                    Some(n) => (i + 2 + n, i + 4 + n),
                    None => {
                        self.error(
                            Span::new(file, i, i + 2),
                            "block comment is never closed",
                            "this `/*` has no matching `*/`: the rest of the file is commented out",
                        );
                        (bytes.len(), bytes.len())
                    }
                };
                self.comment(file, &text, i, i + 2, inner_end, end);
                self.set_pos(end);
                continue;
            }
            if self.include(file, &text, i) {
                continue;
            }
            let punctuation = match bytes[i] {
                b'{' => Some((Tok::Open, 1)),
                b'}' => Some((Tok::Close, 1)),
                b'(' => Some((Tok::LParen, 1)),
                b')' => Some((Tok::RParen, 1)),
                b';' => Some((Tok::Semi, 1)),
                b'=' if rest.get(1) == Some(&b'>') => Some((Tok::Arrow, 2)),
                b'=' => Some((Tok::Eq, 1)),
                b',' => Some((Tok::Comma, 1)),
                b':' => Some((Tok::Colon, 1)),
                b'&' => Some((Tok::Amper, 1)),
                b'|' => Some((Tok::Bar, 1)),
                b'@' => Some((Tok::At, 1)),
                _ => None,
            };
            if let Some((tok, len)) = punctuation {
                self.set_pos(i + len);
                return Token {
                    tok,
                    span: Span::new(file, i, i + len),
                };
            }
            if is_word_byte(bytes[i]) || bytes[i] == b'\\' {
                let end = self.word_end(file, &text, i);
                self.set_pos(end);
                return Token {
                    tok: Tok::Word(text[i..end].to_string()),
                    span: Span::new(file, i, end),
                };
            }
            let len = char_len(&text, i);
            self.error(
                Span::new(file, i, i + len),
                format!("unexpected character `{}`", &text[i..i + len]),
                "AEL has no use for this character here; it is skipped",
            );
            self.set_pos(i + len);
        }
    }

    /// A comment from `start` (its marker) to `end`, its text from
    /// `inner_start` to `inner_end`. A `//` further on the line starts
    /// another directive, as a `;` does in extensions.conf.
    fn comment(
        &mut self,
        file: FileId,
        text: &str,
        start: usize,
        inner_start: usize,
        inner_end: usize,
        end: usize,
    ) {
        let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
        let own_line = text[line_start..start].trim().is_empty();
        self.comments.push(Comment {
            text: text[inner_start..inner_end].replace("//", ";"),
            span: Span::new(file, start, end),
            own_line,
            covers: None,
        });
    }

    /// `#include "name"` at `i` (ael.flex: `\#include[ \t]+\"[^\"]+\"`):
    /// the current file resumes after it, and the files it names are pushed
    /// to be read first. False when there is no such directive at `i`.
    fn include(&mut self, file: FileId, text: &str, i: usize) -> bool {
        let Some(rest) = text[i..].strip_prefix("#include") else {
            return false;
        };
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let Some(quoted) = rest[spaces..].strip_prefix('"').filter(|_| spaces > 0) else {
            return false;
        };
        let Some(close) = quoted.find('"').filter(|&n| n > 0 && !quoted[..n].contains('\n'))
        else {
            return false;
        };
        let name = &quoted[..close];
        let name_start = i + "#include".len() + spaces + 1;
        let end = name_start + close + 1;
        let span = Span::new(file, i, end);
        self.set_pos(end);
        let depth = self.stack[self.stack.len() - 1].depth + 1;
        if depth > MAX_INCLUDE_DEPTH {
            self.error(
                span,
                "includes nested too deeply",
                format!("Asterisk reads {MAX_INCLUDE_DEPTH} levels of `#include`; this one is skipped"),
            );
            return true;
        }
        let files = self
            .includer
            .include(file, name, Span::new(file, name_start, name_start + close));
        let mut pushed = Vec::new();
        for (id, text) in files {
            if self.is_open(id) {
                self.error(
                    span,
                    "include cycle",
                    "this include leads back to a file that is already being read; it is skipped",
                );
                continue;
            }
            if self.included.len() >= MAX_SPLICES {
                self.error(
                    span,
                    "too many includes",
                    format!("reclint splices at most {MAX_SPLICES} files into one; this one is skipped"),
                );
                break;
            }
            self.included.push(id);
            pushed.push(Buffer {
                file: id,
                text,
                pos: 0,
                depth,
            });
        }
        // The first file is read first: it goes on top.
        self.stack.extend(pushed.into_iter().rev());
        true
    }

    /// Whether `file` is the current file or one that includes it.
    fn is_open(&self, file: FileId) -> bool {
        let mut depth = usize::MAX;
        for buffer in self.stack.iter().rev() {
            if buffer.depth < depth {
                if buffer.file == file {
                    return true;
                }
                depth = buffer.depth;
            }
        }
        false
    }

    /// The end of the word starting at `i`: word characters, `\x` escapes,
    /// and `${...}`/`$[...]` with whatever they nest (ael.flex's wordstate,
    /// curlystate and brackstate).
    fn word_end(&mut self, file: FileId, text: &str, i: usize) -> usize {
        let bytes = text.as_bytes();
        let mut j = i;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if j + 1 < bytes.len() => j += 1 + char_len(text, j + 1),
                b'$' if matches!(bytes.get(j + 1), Some(b'{' | b'[')) => {
                    j = self.nested_end(file, text, j + 1);
                }
                b if is_word_byte(b) => j += 1,
                _ => break,
            }
        }
        j.max(i + 1).min(bytes.len())
    }

    /// The end of the bracketed text opened at `open` (`{` or `[`), after its
    /// matching closer.
    fn nested_end(&mut self, file: FileId, text: &str, open: usize) -> usize {
        let bytes = text.as_bytes();
        let mut stack = vec![closer_of(bytes[open])];
        let mut j = open + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if j + 1 < bytes.len() => {
                    j += 1 + char_len(text, j + 1);
                    continue;
                }
                b @ (b'(' | b'[' | b'{') => stack.push(closer_of(b)),
                b @ (b')' | b']' | b'}') => {
                    if stack.last() == Some(&b) {
                        stack.pop();
                        if stack.is_empty() {
                            return j + 1;
                        }
                    } else {
                        self.error(
                            Span::new(file, j, j + 1),
                            format!("mismatched `{}` in an expression", b as char),
                            "the brackets of this `${...}` or `$[...]` do not match",
                        );
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        self.error(
            Span::new(file, open - 1, open + 1),
            "expression is never closed",
            "this `${` or `$[` has no matching bracket",
        );
        bytes.len()
    }

    /// The text from here to `end` (`)` or `;`) at the same bracket depth,
    /// not consumed: an application's arguments, a test, a right-hand side.
    /// A closer with no opener also ends it (reported), so that a missing
    /// `;` or `)` does not swallow the rest of the context.
    fn raw(&mut self, end: u8) -> Text {
        let (file, text, start) = self.top();
        let bytes = text.as_bytes();
        let mut stack: Vec<u8> = Vec::new();
        let mut j = start;
        let stop = loop {
            let Some(&b) = bytes.get(j) else {
                self.error(
                    Span::new(file, start, j),
                    format!("expected `{}` before the end of the file", end as char),
                    "this text is never closed",
                );
                break j;
            };
            match b {
                b'\\' if j + 1 < bytes.len() => {
                    j += 1 + char_len(&text, j + 1);
                    continue;
                }
                _ if b == end && stack.is_empty() => break j,
                b'(' | b'[' | b'{' => stack.push(closer_of(b)),
                b')' | b']' | b'}' => {
                    if stack.last() == Some(&b) {
                        stack.pop();
                    } else if stack.is_empty() {
                        self.error(
                            Span::new(file, j, j + 1),
                            format!("expected `{}` before `{}`", end as char, b as char),
                            "this bracket closes nothing opened here",
                        );
                        break j;
                    } else {
                        self.error(
                            Span::new(file, j, j + 1),
                            format!("mismatched `{}`", b as char),
                            "the brackets here do not match",
                        );
                        stack.pop();
                    }
                }
                _ => {}
            }
            j += 1;
        };
        self.set_pos(stop);
        Text {
            text: text[start..stop].into(),
            span: Span::new(file, start, stop),
        }
    }
}

// ---------------------------------------------------------------------------
// The parser: ael.y's grammar, by recursive descent.

struct Parser<'i> {
    lexer: Lexer<'i>,
    depth: usize,
}

/// Joins two spans of one file; across files (an include between them) the
/// first.
fn join(a: Span, b: Span) -> Span {
    if a.file == b.file && b.end >= a.start {
        Span::new(a.file, a.start as usize, b.end as usize)
    } else {
        a
    }
}

impl Parser<'_> {
    fn peek(&mut self) -> &Token {
        self.peek_at(0)
    }

    fn peek_at(&mut self, n: usize) -> &Token {
        while self.lexer.ahead.len() <= n {
            let token = self.lexer.token();
            self.lexer.ahead.push_back(token);
        }
        &self.lexer.ahead[n]
    }

    fn bump(&mut self) -> Token {
        match self.lexer.ahead.pop_front() {
            Some(token) => token,
            None => self.lexer.token(),
        }
    }

    fn at(&mut self, tok: &Tok) -> bool {
        &self.peek().tok == tok
    }

    fn at_word(&mut self, word: &str) -> bool {
        self.peek().is_word(word)
    }

    fn error(&mut self, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.lexer.error(span, message, label);
    }

    /// Consumes `tok`, or reports that `what` was expected.
    fn expect(&mut self, tok: Tok, what: &str, label: &str) -> Option<Token> {
        if self.at(&tok) {
            return Some(self.bump());
        }
        let span = self.peek().span;
        self.error(span, format!("expected {what}"), label);
        None
    }

    /// The text up to `)` and the `)`, after a `(` was consumed.
    fn parenthesised(&mut self) -> Option<(Text, Token)> {
        let text = self.lexer.raw(b')');
        let close = self.expect(Tok::RParen, "`)`", "the parenthesis opened before is not closed")?;
        Some((text, close))
    }

    /// Skips a statement that cannot be read: to its `;` (consumed) or to
    /// the `}` that closes the block it is in (not consumed).
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.peek().tok {
                Tok::End => return,
                Tok::Close if depth == 0 => return,
                Tok::Close => depth -= 1,
                Tok::Open => depth += 1,
                Tok::Semi if depth == 0 => {
                    self.bump();
                    return;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips to the next `context`, `macro` or `globals` outside braces.
    fn skip_to_item(&mut self) {
        let mut depth = 0usize;
        let mut first = true;
        loop {
            let token = self.peek();
            match &token.tok {
                Tok::End => return,
                Tok::Word(w)
                    if depth == 0
                        && !first
                        && matches!(w.as_str(), "context" | "abstract" | "extend" | "macro" | "globals") =>
                {
                    return;
                }
                Tok::Open => depth += 1,
                Tok::Close => depth = depth.saturating_sub(1),
                _ => {}
            }
            first = false;
            self.bump();
        }
    }

    fn file(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        loop {
            let token = self.peek().clone();
            match token.word() {
                _ if token.tok == Tok::End => return items,
                _ if token.tok == Tok::Semi => {
                    self.bump();
                }
                Some("context" | "abstract" | "extend") => {
                    if let Some(context) = self.context() {
                        items.push(Item::Context(context));
                    }
                }
                Some("macro") => {
                    if let Some(definition) = self.macro_definition() {
                        items.push(Item::Macro(definition));
                    }
                }
                Some("globals") => self.globals(),
                _ => {
                    self.error(
                        token.span,
                        "expected `context`, `macro` or `globals`",
                        "AEL holds contexts, macros and globals at its top level",
                    );
                    self.skip_to_item();
                }
            }
        }
    }

    /// A context's name (`default` is a keyword that names one too).
    fn name(&mut self, of: &str) -> Option<Text> {
        let token = self.peek().clone();
        match token.word() {
            Some(_) => {
                self.bump();
                Some(token.text())
            }
            None => {
                self.error(
                    token.span,
                    format!("expected the name of the {of}"),
                    format!("a {of} needs a name here"),
                );
                None
            }
        }
    }

    fn context(&mut self) -> Option<ContextDef> {
        while self.at_word("abstract") || self.at_word("extend") {
            self.bump();
        }
        if !self.at_word("context") {
            let span = self.peek().span;
            self.error(
                span,
                "expected `context`",
                "`abstract` and `extend` come before `context`",
            );
            self.skip_to_item();
            return None;
        }
        self.bump();
        let Some(name) = self.name("context") else {
            self.skip_to_item();
            return None;
        };
        if self
            .expect(Tok::Open, "`{`", "a context's extensions are written between `{` and `}`")
            .is_none()
        {
            self.skip_to_item();
            return None;
        }
        let mut context = ContextDef {
            name,
            extensions: Vec::new(),
            includes: Vec::new(),
        };
        loop {
            let token = self.peek().clone();
            match &token.tok {
                Tok::Close => {
                    self.bump();
                    break;
                }
                Tok::End => {
                    self.error(
                        context.name.span,
                        format!("context `{}` is not closed", context.name.text),
                        "this context has no closing `}`",
                    );
                    break;
                }
                Tok::Semi => {
                    self.bump();
                }
                Tok::Word(w) => match w.as_str() {
                    "includes" => {
                        let includes = self.includes();
                        context.includes.extend(includes);
                    }
                    "switches" | "eswitches" => self.switches(),
                    "ignorepat" => {
                        self.bump();
                        self.expect(Tok::Arrow, "`=>`", "expected `ignorepat => pattern;`");
                        self.skip_statement();
                    }
                    "local" => {
                        // A context's variables are not compiled (pval.c).
                        self.assignment();
                    }
                    "regexten" | "hint" => {
                        if let Some(extension) = self.extension() {
                            context.extensions.push(extension);
                        }
                    }
                    _ => match self.peek_at(1).tok {
                        Tok::Arrow | Tok::At => {
                            if let Some(extension) = self.extension() {
                                context.extensions.push(extension);
                            }
                        }
                        Tok::Eq => {
                            self.assignment();
                        }
                        _ => {
                            self.error(
                                token.span,
                                format!("expected `=>` after `{w}`"),
                                "a context holds extensions (`name => ...`), `includes`, `switches`, `ignorepat` and variables",
                            );
                            self.skip_statement();
                        }
                    },
                },
                _ => {
                    self.error(
                        token.span,
                        "expected an extension",
                        "a context holds extensions (`name => ...`), `includes`, `switches`, `ignorepat` and variables",
                    );
                    self.skip_statement();
                }
            }
        }
        Some(context)
    }

    /// `includes { ctx; ctx|timespec; }`: the context names.
    fn includes(&mut self) -> Vec<Text> {
        self.bump();
        let mut names = Vec::new();
        if self
            .expect(Tok::Open, "`{`", "included contexts are listed between `{` and `}`")
            .is_none()
        {
            self.skip_statement();
            return names;
        }
        loop {
            let token = self.peek().clone();
            match &token.tok {
                Tok::Close => {
                    self.bump();
                    return names;
                }
                Tok::End => {
                    self.error(token.span, "expected `}`", "this `includes` block is not closed");
                    return names;
                }
                Tok::Semi => {
                    self.bump();
                }
                Tok::Word(_) => {
                    self.bump();
                    names.push(token.text());
                    // `|times|weekdays|days|months` up to the `;`.
                    self.skip_statement();
                }
                _ => {
                    self.error(
                        token.span,
                        "expected a context name",
                        "`includes` lists context names, each ended by `;`",
                    );
                    self.skip_statement();
                }
            }
        }
    }

    /// `switches { ... }` and `eswitches { ... }`: nothing a call path uses.
    fn switches(&mut self) {
        self.bump();
        if self
            .expect(Tok::Open, "`{`", "switches are listed between `{` and `}`")
            .is_none()
        {
            self.skip_statement();
            return;
        }
        while !self.at(&Tok::Close) && !self.at(&Tok::End) {
            self.skip_statement();
        }
        self.expect(Tok::Close, "`}`", "this block is not closed");
    }

    /// `VAR=value;` and `local VAR=value;` outside an extension: read, not kept.
    fn assignment(&mut self) {
        if self.at_word("local") {
            self.bump();
        }
        self.bump();
        if self.expect(Tok::Eq, "`=`", "expected `name=value;`").is_some() {
            self.lexer.raw(b';');
        }
        self.expect(Tok::Semi, "`;`", "an assignment ends with `;`");
    }

    fn extension(&mut self) -> Option<ExtensionDef> {
        let regexten = self.at_word("regexten");
        if regexten {
            self.bump();
        }
        if self.at_word("hint") {
            self.bump();
            if self
                .expect(Tok::LParen, "`(`", "expected `hint(device) name => ...`")
                .is_some()
            {
                self.parenthesised();
            }
        }
        let token = self.peek().clone();
        if token.word().is_none() {
            self.error(token.span, "expected an extension name", "expected `name => ...`");
            self.skip_statement();
            return None;
        }
        self.bump();
        let mut name = token.text();
        if self.at(&Tok::At) {
            self.bump();
            let other = self.peek().clone();
            if let Some(word) = other.word() {
                self.bump();
                name.text = format!("{}@{word}", name.text).into();
                name.span = join(name.span, other.span);
            }
        }
        if self
            .expect(Tok::Arrow, "`=>`", "an extension is written `name => statement`")
            .is_none()
        {
            self.skip_statement();
            return None;
        }
        let body = self.statement().into_iter().collect();
        Some(ExtensionDef {
            name,
            regexten,
            body,
        })
    }

    fn macro_definition(&mut self) -> Option<MacroDef> {
        self.bump();
        let Some(name) = self.name("macro") else {
            self.skip_to_item();
            return None;
        };
        if self
            .expect(Tok::LParen, "`(`", "a macro is written `macro name(arguments) { ... }`")
            .is_none()
        {
            self.skip_to_item();
            return None;
        }
        let mut parameters = Vec::new();
        loop {
            let token = self.peek().clone();
            match &token.tok {
                Tok::RParen => {
                    self.bump();
                    break;
                }
                Tok::Comma => {
                    self.bump();
                }
                Tok::Word(_) => {
                    self.bump();
                    parameters.push(token.text());
                }
                _ => {
                    self.error(
                        token.span,
                        "expected an argument name or `)`",
                        "a macro's arguments are names separated by commas",
                    );
                    self.skip_to_item();
                    return None;
                }
            }
        }
        if self
            .expect(Tok::Open, "`{`", "a macro's statements are written between `{` and `}`")
            .is_none()
        {
            self.skip_to_item();
            return None;
        }
        let mut body = Vec::new();
        loop {
            let token = self.peek().clone();
            match token.word() {
                _ if token.tok == Tok::Close => {
                    self.bump();
                    break;
                }
                _ if token.tok == Tok::End => {
                    self.error(
                        name.span,
                        format!("macro `{}` is not closed", name.text),
                        "this macro has no closing `}`",
                    );
                    break;
                }
                Some("catch") => body.extend(self.catch()),
                Some("includes") => {
                    // Compiled into nothing (pval.c's gen_prios skips them).
                    self.includes();
                }
                _ => body.extend(self.statement()),
            }
        }
        Some(MacroDef {
            name,
            parameters,
            body,
        })
    }

    /// `catch NAME { statements }`.
    fn catch(&mut self) -> Option<Statement> {
        let start = self.bump().span;
        let extension = self.name("catch")?;
        let open = self.expect(Tok::Open, "`{`", "a catch is written `catch name { ... }`")?;
        let (body, end) = self.block_rest(open.span);
        Some(Statement {
            kind: StatementKind::Catch { extension, body },
            span: join(start, end),
        })
    }

    fn globals(&mut self) {
        self.bump();
        if self
            .expect(Tok::Open, "`{`", "global variables are set between `{` and `}`")
            .is_none()
        {
            self.skip_to_item();
            return;
        }
        loop {
            let token = self.peek().clone();
            match &token.tok {
                Tok::Close => {
                    self.bump();
                    return;
                }
                Tok::End => {
                    self.error(token.span, "expected `}`", "this `globals` block is not closed");
                    return;
                }
                Tok::Semi => {
                    self.bump();
                }
                Tok::Word(_) if self.peek_at(1).tok == Tok::Eq => self.assignment(),
                _ => {
                    self.error(
                        token.span,
                        "expected `NAME=value;`",
                        "`globals` holds variable assignments",
                    );
                    self.skip_statement();
                }
            }
        }
    }

    /// The statements of a block whose `{` was consumed, and the span of
    /// its `}` (or where it should have been).
    fn block_rest(&mut self, open: Span) -> (Vec<Statement>, Span) {
        let mut statements = Vec::new();
        loop {
            let token = self.peek().clone();
            match token.tok {
                Tok::Close => {
                    self.bump();
                    return (statements, token.span);
                }
                Tok::End => {
                    self.error(open, "`{` is never closed", "this block has no matching `}`");
                    return (statements, token.span);
                }
                _ => statements.extend(self.statement()),
            }
        }
    }

    /// One statement (none for an empty `;` or one that cannot be read).
    fn statement(&mut self) -> Option<Statement> {
        if self.depth >= MAX_NESTING {
            let span = self.peek().span;
            self.error(
                span,
                "statements nested too deeply",
                format!("reclint reads {MAX_NESTING} levels of nesting; this statement is skipped"),
            );
            if self.at(&Tok::Open) {
                self.bump();
                self.skip_to_close();
            } else {
                self.skip_statement();
            }
            return None;
        }
        self.depth += 1;
        let statement = self.statement_at_depth();
        self.depth -= 1;
        statement
    }

    /// Skips past the `}` that closes a block whose `{` was consumed.
    fn skip_to_close(&mut self) {
        let mut depth = 0usize;
        loop {
            match self.bump().tok {
                Tok::End => return,
                Tok::Open => depth += 1,
                Tok::Close if depth == 0 => return,
                Tok::Close => depth -= 1,
                _ => {}
            }
        }
    }

    fn statement_at_depth(&mut self) -> Option<Statement> {
        let token = self.peek().clone();
        let word = match &token.tok {
            Tok::Open => {
                self.bump();
                let (body, end) = self.block_rest(token.span);
                return Some(Statement {
                    kind: StatementKind::Block(body),
                    span: join(token.span, end),
                });
            }
            Tok::Semi => {
                self.bump();
                return None;
            }
            Tok::Amper => return self.macro_call(),
            Tok::Word(w) => w.clone(),
            _ => {
                self.error(
                    token.span,
                    "expected a statement",
                    "a statement is an application call, an assignment, a label or a keyword such as `if`",
                );
                self.skip_statement();
                return None;
            }
        };
        match word.as_str() {
            "goto" => self.goto(),
            "jump" => self.jump(),
            "if" | "random" | "ifTime" => self.if_like(),
            "while" => self.while_loop(),
            "for" => self.for_loop(),
            "switch" => self.switch(),
            "break" | "continue" | "return" => {
                self.bump();
                let semi = self.expect(Tok::Semi, "`;`", "expected `;` after this keyword")?;
                let kind = match word.as_str() {
                    "break" => StatementKind::Break,
                    "continue" => StatementKind::Continue,
                    _ => StatementKind::Return,
                };
                Some(Statement {
                    kind,
                    span: join(token.span, semi.span),
                })
            }
            "local" => self.local_assignment(),
            _ if KEYWORDS.contains(&word.as_str()) => {
                let label = match word.as_str() {
                    "else" => "`else` follows the statement of an `if`",
                    "case" | "default" | "pattern" => "cases are written inside a `switch`",
                    "catch" => "`catch` is written at the top of a macro",
                    _ => "this keyword cannot start a statement here; is a `}` missing above?",
                };
                self.error(token.span, format!("unexpected `{word}`"), label);
                self.skip_statement();
                None
            }
            _ => self.word_statement(),
        }
    }

    /// A statement starting with a word that is no keyword: an application
    /// call, an assignment or a label.
    fn word_statement(&mut self) -> Option<Statement> {
        let word = self.bump();
        let name = word.text();
        let next = self.peek().clone();
        match next.tok {
            Tok::LParen => {
                self.bump();
                let Some((args, close)) = self.parenthesised() else {
                    self.skip_statement();
                    return None;
                };
                let call = join(word.span, close.span);
                if self.at(&Tok::Eq) {
                    // `FUNC(args)=value;`: an assignment to a function.
                    self.bump();
                    let value = self.lexer.raw(b';');
                    let semi = self.expect(Tok::Semi, "`;`", "an assignment ends with `;`")?;
                    let variable = Text {
                        text: self.lexer.slice(call).unwrap_or(&name.text).into(),
                        span: call,
                    };
                    return Some(Statement {
                        kind: StatementKind::Assign {
                            variable,
                            value,
                            local: false,
                        },
                        span: join(word.span, semi.span),
                    });
                }
                let semi = self.expect(Tok::Semi, "`;`", "an application call ends with `;`");
                let end = semi.map_or(close.span, |s| s.span);
                let kind = if name.text.eq_ignore_ascii_case("goto") {
                    // ael.y reads `Goto(...)` as the `goto` statement.
                    StatementKind::Goto(app::split_top_level(
                        args.span.file,
                        &args.text,
                        args.span.start as usize,
                        b',',
                    ))
                } else {
                    let text = SharedStr::from(self.lexer.slice(call).unwrap_or_default());
                    match app::parse_app(call.file, &text, call.start as usize) {
                        Some(app) => StatementKind::App(app),
                        None => StatementKind::App(AppCall::synthetic(&name.text, &args.text, call)),
                    }
                };
                Some(Statement {
                    kind,
                    span: join(word.span, end),
                })
            }
            Tok::Colon => {
                self.bump();
                Some(Statement {
                    kind: StatementKind::Label(name),
                    span: join(word.span, next.span),
                })
            }
            Tok::Eq => {
                self.bump();
                let value = self.lexer.raw(b';');
                let semi = self.expect(Tok::Semi, "`;`", "an assignment ends with `;`")?;
                Some(Statement {
                    kind: StatementKind::Assign {
                        variable: name,
                        value,
                        local: false,
                    },
                    span: join(word.span, semi.span),
                })
            }
            Tok::Semi => {
                self.bump();
                let app = app::parse_app(word.span.file, &name.text, word.span.start as usize)
                    .unwrap_or_else(|| AppCall::synthetic(&name.text, "", word.span));
                Some(Statement {
                    kind: StatementKind::App(app),
                    span: join(word.span, next.span),
                })
            }
            _ => {
                self.error(
                    next.span,
                    format!("expected `(`, `=`, `:` or `;` after `{}`", name.text),
                    "a statement is `App(args);`, `name=value;` or `label:`",
                );
                self.skip_statement();
                None
            }
        }
    }

    fn local_assignment(&mut self) -> Option<Statement> {
        let start = self.bump().span;
        let token = self.peek().clone();
        if token.word().is_none() {
            self.error(token.span, "expected a variable name", "expected `local name=value;`");
            self.skip_statement();
            return None;
        }
        self.bump();
        if self.expect(Tok::Eq, "`=`", "expected `local name=value;`").is_none() {
            self.skip_statement();
            return None;
        }
        let value = self.lexer.raw(b';');
        let semi = self.expect(Tok::Semi, "`;`", "an assignment ends with `;`")?;
        Some(Statement {
            kind: StatementKind::Assign {
                variable: token.text(),
                value,
                local: true,
            },
            span: join(start, semi.span),
        })
    }

    /// `&name(args);`.
    fn macro_call(&mut self) -> Option<Statement> {
        let start = self.bump().span;
        let token = self.peek().clone();
        if token.word().is_none() {
            self.error(token.span, "expected a macro name", "a macro call is `&name(arguments);`");
            self.skip_statement();
            return None;
        }
        self.bump();
        if self
            .expect(Tok::LParen, "`(`", "a macro call is `&name(arguments);`")
            .is_none()
        {
            self.skip_statement();
            return None;
        }
        let Some((args, _)) = self.parenthesised() else {
            self.skip_statement();
            return None;
        };
        let semi = self.expect(Tok::Semi, "`;`", "a macro call ends with `;`")?;
        let arguments = if args.text.trim().is_empty() {
            Vec::new()
        } else {
            app::split_top_level(args.span.file, &args.text, args.span.start as usize, b',')
        };
        Some(Statement {
            kind: StatementKind::MacroCall {
                name: token.text(),
                arguments,
            },
            span: join(start, semi.span),
        })
    }

    /// The parts of a `goto` target up to `;`: words (and `:`) separated by
    /// `,` or `|`.
    fn target_parts(&mut self) -> Option<(Vec<Text>, Span)> {
        let mut parts: Vec<Text> = Vec::new();
        let mut current: Option<Text> = None;
        loop {
            let token = self.peek().clone();
            match &token.tok {
                Tok::Word(w) => {
                    self.bump();
                    append(&mut current, w, token.span);
                }
                Tok::Colon => {
                    self.bump();
                    append(&mut current, ":", token.span);
                }
                Tok::Comma | Tok::Bar => {
                    self.bump();
                    parts.extend(current.take());
                }
                Tok::Semi => {
                    self.bump();
                    parts.extend(current.take());
                    return Some((parts, token.span));
                }
                _ => {
                    self.error(
                        token.span,
                        "expected `;` after the target",
                        "a target is `[[context,]extension,]priority`",
                    );
                    self.skip_statement();
                    return None;
                }
            }
        }
    }

    /// `goto [[context,]extension,]label;`.
    fn goto(&mut self) -> Option<Statement> {
        let start = self.bump().span;
        let (parts, end) = self.target_parts()?;
        if parts.is_empty() || parts.len() > 3 {
            self.error(
                join(start, end),
                "a goto target has one to three parts",
                "expected `goto label;`, `goto extension,label;` or `goto context,extension,label;`",
            );
            return None;
        }
        Some(Statement {
            kind: StatementKind::Goto(parts),
            span: join(start, end),
        })
    }

    /// `jump extension[,priority][@context];`: priority 1 unless given.
    fn jump(&mut self) -> Option<Statement> {
        let start = self.bump().span;
        let mut extension: Option<Text> = None;
        loop {
            let token = self.peek().clone();
            match &token.tok {
                Tok::Word(w) => {
                    self.bump();
                    append(&mut extension, w, token.span);
                }
                Tok::Colon => {
                    self.bump();
                    append(&mut extension, ":", token.span);
                }
                _ => break,
            }
        }
        let mut priority = None;
        if self.at(&Tok::Comma) {
            self.bump();
            let token = self.peek().clone();
            if token.word().is_some() {
                self.bump();
                priority = Some(token.text());
            }
        }
        let mut context = None;
        if self.at(&Tok::At) {
            self.bump();
            let token = self.peek().clone();
            if token.word().is_some() {
                self.bump();
                context = Some(token.text());
            }
        }
        let Some(extension) = extension else {
            let span = self.peek().span;
            self.error(span, "expected an extension", "a jump is `jump extension[,priority][@context];`");
            self.skip_statement();
            return None;
        };
        let semi = self.expect(Tok::Semi, "`;`", "a jump ends with `;`");
        let end = semi.map_or(extension.span, |s| s.span);
        let priority = priority.unwrap_or_else(|| Text {
            text: "1".into(),
            span: extension.span,
        });
        let parts = context.into_iter().chain([extension, priority]).collect();
        Some(Statement {
            kind: StatementKind::Goto(parts),
            span: join(start, end),
        })
    }

    /// `if (...)`, `random (...)` and `ifTime (...)`, with `else`.
    fn if_like(&mut self) -> Option<Statement> {
        let keyword = self.bump();
        let (text, head) = self.test(&keyword)?;
        let test = match keyword.word() {
            Some("ifTime") => {
                let mut fields =
                    app::split_top_level(text.span.file, &text.text, text.span.start as usize, b'|');
                if fields.len() != 4 {
                    self.error(
                        text.span,
                        "expected `times|weekdays|days|months`",
                        "`ifTime` takes four fields separated by `|`",
                    );
                    fields.resize_with(4, || Text {
                        text: "*".into(),
                        span: text.span,
                    });
                }
                Test::Time(fields)
            }
            Some("random") => Test::Random(text),
            _ => Test::Expression(text),
        };
        let then: Vec<Statement> = self.statement().into_iter().collect();
        let mut end = then.last().map_or(head, |s| s.span);
        let otherwise = if self.at_word("else") {
            let keyword = self.bump().span;
            let statements: Vec<Statement> = self.statement().into_iter().collect();
            end = statements.last().map_or(keyword, |s| s.span);
            Some((keyword, statements))
        } else {
            None
        };
        Some(Statement {
            kind: StatementKind::If {
                test,
                head,
                then,
                otherwise,
            },
            span: join(keyword.span, end),
        })
    }

    /// `(`, the test up to `)` and the `)`, for `while` and `switch`.
    fn test(&mut self, keyword: &Token) -> Option<(Text, Span)> {
        if self
            .expect(Tok::LParen, "`(`", "the test is written in parentheses")
            .is_none()
        {
            self.skip_statement();
            return None;
        }
        let Some((text, close)) = self.parenthesised() else {
            self.skip_statement();
            return None;
        };
        Some((text, join(keyword.span, close.span)))
    }

    fn while_loop(&mut self) -> Option<Statement> {
        let keyword = self.bump();
        let (test, head) = self.test(&keyword)?;
        let body: Vec<Statement> = self.statement().into_iter().collect();
        let end = body.last().map_or(head, |s| s.span);
        Some(Statement {
            kind: StatementKind::While { test, head, body },
            span: join(keyword.span, end),
        })
    }

    /// `for (init; test; increment) statement`.
    fn for_loop(&mut self) -> Option<Statement> {
        let keyword = self.bump();
        if self
            .expect(Tok::LParen, "`(`", "expected `for (init; test; increment)`")
            .is_none()
        {
            self.skip_statement();
            return None;
        }
        let init = self.lexer.raw(b';');
        self.expect(Tok::Semi, "`;`", "expected `for (init; test; increment)`")?;
        let test = self.lexer.raw(b';');
        self.expect(Tok::Semi, "`;`", "expected `for (init; test; increment)`")?;
        let (increment, close) = self.parenthesised()?;
        let head = join(keyword.span, close.span);
        let body: Vec<Statement> = self.statement().into_iter().collect();
        let end = body.last().map_or(head, |s| s.span);
        Some(Statement {
            kind: StatementKind::For {
                init,
                test,
                increment,
                head,
                body,
            },
            span: join(keyword.span, end),
        })
    }

    fn switch(&mut self) -> Option<Statement> {
        let keyword = self.bump();
        let (expression, head) = self.test(&keyword)?;
        let open = self.expect(Tok::Open, "`{`", "a switch's cases are written between `{` and `}`");
        let Some(open) = open else {
            self.skip_statement();
            return None;
        };
        let mut cases: Vec<Case> = Vec::new();
        let end = loop {
            let token = self.peek().clone();
            let label = match (&token.tok, token.word()) {
                (Tok::Close, _) => {
                    self.bump();
                    break token.span;
                }
                (Tok::End, _) => {
                    self.error(open.span, "`{` is never closed", "this switch has no matching `}`");
                    break token.span;
                }
                (_, Some("default")) => {
                    self.bump();
                    Some(CaseLabel::Default)
                }
                (_, Some(kind @ ("case" | "pattern"))) => {
                    let pattern = kind == "pattern";
                    self.bump();
                    let value = self.peek().clone();
                    match value.word() {
                        Some(v) => {
                            self.bump();
                            Some(if pattern {
                                CaseLabel::Pattern(v.to_string())
                            } else {
                                CaseLabel::Value(v.to_string())
                            })
                        }
                        None => None,
                    }
                }
                _ => None,
            };
            let Some(label) = label else {
                self.error(
                    token.span,
                    "expected `case`, `pattern` or `default`",
                    "a switch holds `case value:`, `pattern pattern:` and `default:`",
                );
                self.skip_statement();
                continue;
            };
            let Some(colon) = self.expect(Tok::Colon, "`:`", "a case is written `case value:`") else {
                self.skip_statement();
                continue;
            };
            let mut body = Vec::new();
            loop {
                let next = self.peek();
                if matches!(next.tok, Tok::Close | Tok::End)
                    || next.is_word("case")
                    || next.is_word("pattern")
                    || next.is_word("default")
                {
                    break;
                }
                body.extend(self.statement());
            }
            cases.push(Case {
                label,
                head: join(token.span, colon.span),
                body,
            });
        };
        Some(Statement {
            kind: StatementKind::Switch {
                expression,
                head,
                cases,
            },
            span: join(keyword.span, end),
        })
    }
}

/// Adds a word to the target part being gathered (ael.y's `goto_word`
/// joins words and `:`).
fn append(part: &mut Option<Text>, text: &str, span: Span) {
    match part {
        Some(part) => {
            part.text = format!("{}{text}", part.text).into();
            part.span = join(part.span, span);
        }
        None => {
            *part = Some(Text {
                text: text.into(),
                span,
            })
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An includer for text with no `#include` that can be followed.
    pub(crate) struct NoIncludes;

    impl Includer for NoIncludes {
        fn include(&mut self, _: FileId, _: &str, _: Span) -> Vec<(FileId, Arc<String>)> {
            Vec::new()
        }
    }

    pub(crate) fn read(text: &str) -> AelFile {
        parse(FileId(0), Arc::new(text.to_string()), &mut NoIncludes)
    }

    fn context(file: &AelFile, i: usize) -> &ContextDef {
        match &file.items[i] {
            Item::Context(c) => c,
            Item::Macro(m) => panic!("macro {} where a context was expected", m.name.text),
        }
    }

    #[test]
    fn contexts_extensions_and_statements() {
        let text = "// demo\nglobals { TRUNK=\"PJSIP/t\"; }\ncontext from-pstn {\n  includes { ext; day|9:00-17:00|mon-fri|*|*; };\n  ignorepat => 9;\n  _X. => {\n    Answer();\n    Set(X=${CUT(A,\",\",1)});\n    greet: Playback(hello&world);\n    goto s|greet;\n    &rec(${EXTEN}, b);\n    Y = 1;\n    Hangup;\n  };\n  t => goto #|1;\n  regexten hint(PJSIP/1&PJSIP/2) 100 => Dial(PJSIP/100);\n}\n";
        let file = read(text);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let c = context(&file, 0);
        assert_eq!(c.name.text, "from-pstn");
        let includes: Vec<&str> = c.includes.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(includes, ["ext", "day"]);
        let names: Vec<&str> = c.extensions.iter().map(|e| e.name.text.as_str()).collect();
        assert_eq!(names, ["_X.", "t", "100"]);
        assert!(c.extensions[2].regexten);
        let StatementKind::Block(body) = &c.extensions[0].body[0].kind else {
            panic!("a block");
        };
        assert_eq!(body.len(), 8);
        let StatementKind::App(set) = &body[1].kind else {
            panic!("an application");
        };
        assert_eq!(set.raw_args.text, "X=${CUT(A,\",\",1)}");
        let at = text.find("Set(").unwrap();
        assert_eq!(set.span.start as usize, at);
        let StatementKind::Goto(parts) = &body[4].kind else {
            panic!("a goto");
        };
        let parts: Vec<&str> = parts.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(parts, ["s", "greet"]);
        let StatementKind::MacroCall { name, arguments } = &body[5].kind else {
            panic!("a macro call");
        };
        assert_eq!(name.text, "rec");
        assert_eq!(arguments.len(), 2);
        assert!(matches!(&body[6].kind, StatementKind::Assign { value, .. } if value.text == " 1"));
        assert!(matches!(&body[7].kind, StatementKind::App(a) if a.name == "Hangup"));
        assert_eq!(file.comments.len(), 1);
    }

    #[test]
    fn control_statements() {
        let file = read(
            "context c { s => { if (${A} = 1) { NoOp(a); } else NoOp(b); ifTime(9:00-17:00|mon-fri|*|*) NoOp(t); random(30) NoOp(r);\n switch (${X}) { case 1: NoOp(one); case 2: break; pattern _9X: NoOp(p); default: NoOp(d); };\n for (i=0; ${i} < 3; i=${i} + 1) { continue; }\n while (${B}) break;\n jump 100,2@other;\n return; }; };\nmacro m(a, b) { NoOp(${a}); catch h { Hangup(); }; }\n",
        );
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let c = context(&file, 0);
        let StatementKind::Block(body) = &c.extensions[0].body[0].kind else {
            panic!("a block");
        };
        let kinds: Vec<&str> = body
            .iter()
            .map(|s| match &s.kind {
                StatementKind::If { test: Test::Time(f), .. } if f.len() == 4 => "iftime",
                StatementKind::If { test: Test::Random(_), .. } => "random",
                StatementKind::If { otherwise: Some(_), .. } => "if-else",
                StatementKind::Switch { cases, .. } if cases.len() == 4 => "switch",
                StatementKind::For { .. } => "for",
                StatementKind::While { .. } => "while",
                StatementKind::Goto(p) if p.len() == 3 && p[0].text == "other" => "jump",
                StatementKind::Return => "return",
                _ => "?",
            })
            .collect();
        assert_eq!(
            kinds,
            ["if-else", "iftime", "random", "switch", "for", "while", "jump", "return"]
        );
        let Item::Macro(m) = &file.items[1] else {
            panic!("a macro");
        };
        assert_eq!(m.parameters.len(), 2);
        assert!(matches!(&m.body[1].kind, StatementKind::Catch { extension, .. } if extension.text == "h"));
    }

    #[test]
    fn errors_are_located_and_reading_goes_on() {
        let file = read(
            "context a {\n  s => { NoOp(x) Playback(y); Dial(z); };\n  ) junk;\n}\nbogus;\ncontext b { s => Answer(); };\n",
        );
        assert!(!file.errors.is_empty());
        assert_eq!(file.items.len(), 2);
        assert_eq!(context(&file, 1).name.text, "b");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_deep_stack() {
        let depth = 5000;
        let text = format!("context a {{ s => {}{} }};", "{".repeat(depth), "}".repeat(depth));
        let file = read(&text);
        assert!(file.errors.iter().any(|e| e.message.contains("nested too deeply")));
        let text = format!("context a {{ s => NoOp({}); }};", "(".repeat(depth));
        assert!(!read(&text).errors.is_empty());
    }

    /// Files by name, each its own id (from 1).
    struct Files(Vec<(&'static str, &'static str)>);

    impl Includer for Files {
        fn include(&mut self, _: FileId, name: &str, _: Span) -> Vec<(FileId, Arc<String>)> {
            self.0
                .iter()
                .position(|(n, _)| *n == name)
                .map(|i| (FileId(i as u32 + 1), Arc::new(self.0[i].1.to_string())))
                .into_iter()
                .collect()
        }
    }

    #[test]
    fn includes_are_spliced_where_they_stand() {
        let mut files = Files(vec![
            ("exts.inc", "100 => Dial(PJSIP/100);\n#include \"loop.ael\"\n"),
            ("loop.ael", "#include \"exts.inc\"\n"),
            ("macros.ael", "macro m() { return; }"),
        ]);
        let file = parse(
            FileId(0),
            Arc::new("context a {\n s => Answer();\n #include \"exts.inc\"\n t => Hangup();\n};\n#include \"macros.ael\"\n".to_string()),
            &mut files,
        );
        let names: Vec<&str> = context(&file, 0)
            .extensions
            .iter()
            .map(|e| e.name.text.as_str())
            .collect();
        assert_eq!(names, ["s", "100", "t"]);
        assert_eq!(context(&file, 0).extensions[1].name.span.file, FileId(1));
        assert!(matches!(&file.items[1], Item::Macro(m) if m.name.text == "m"));
        // exts.inc → loop.ael → exts.inc again: refused, once.
        let cycles: Vec<&ParseError> = file.errors.iter().filter(|e| e.message == "include cycle").collect();
        assert_eq!(cycles.len(), 1, "{:?}", file.errors);
        assert_eq!(cycles[0].span.file, FileId(2));
        assert_eq!(file.included, [FileId(1), FileId(2), FileId(3)]);
    }

    #[test]
    fn comments_are_kept_and_words_are_not_comments() {
        let file = read(
            "/* a\nblock */ context a { // reclint: purpose=x // expect: REC001\n s => Dial(SIP/x//y); };",
        );
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        assert_eq!(file.comments.len(), 2);
        assert_eq!(file.comments[1].text, " reclint: purpose=x ; expect: REC001");
        assert!(!file.comments[1].own_line);
    }
}
