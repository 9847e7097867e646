//! JSON with spans, for Amazon Connect and Twilio Studio flows and for
//! CloudFormation and Terraform JSON templates.
//!
//! Every value keeps where it is in the file, also inside a flow embedded as a
//! JSON string (`"Content": "{\"Version\": ...}"`): decoding a string can
//! return, for each byte of the decoded text, its offset in the file, so a
//! nested document's spans point at the right characters of the wrapper.
//! Nesting is limited so hostile input cannot exhaust the stack. A reader
//! can build only the parts of a document it uses ([`Keep`]): the rest is
//! read and checked all the same, so the document is accepted or refused
//! exactly as when it is built whole, unless the reader only looks for
//! something and leaves the checking to a later full read
//! ([`Skipped::Unchecked`]).

use smol_str::SmolStr;
use std::borrow::Cow;

use crate::json_string::{plain_len, write_string};
use crate::source::{FileId, Span};

/// Deeper nesting than this is reported instead of parsed.
pub const MAX_DEPTH: usize = 256;

/// The bytes that open or close a string, an object or an array: what a
/// value passed unchecked is read by.
const NESTS: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'}' as usize] = true;
    table[b'[' as usize] = true;
    table[b']' as usize] = true;
    table
};

#[derive(Debug, Clone)]
pub struct Json {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone)]
pub struct Member {
    /// Short keys, which most are, are held inline: no allocation each.
    pub key: SmolStr,
    pub key_span: Span,
    pub value: Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub span: Span,
    pub message: String,
}

impl JsonError {
    /// The error as a finding about the file (rule REC900).
    pub fn into_parse_error(self) -> crate::parse::ParseError {
        crate::parse::ParseError::new(
            self.span,
            format!("malformed JSON: {}", self.message),
            "here",
        )
    }
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    /// The member `key` of an object, to change or take.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match &mut self.value {
            Value::Object(members) => members
                .iter_mut()
                .find(|m| m.key == key)
                .map(|m| &mut m.value),
            _ => None,
        }
    }

    /// The value, moved out: `null` (at the same place) is left behind, for
    /// a reader that turns a document into its own types without copying.
    pub fn take(&mut self) -> Json {
        let null = Json {
            value: Value::Null,
            span: self.span,
        };
        std::mem::replace(self, null)
    }

    /// [`Json::as_text`], moving the value out of the document ([`Json::take`]).
    pub fn take_text(&mut self) -> Option<String> {
        match self.take().value {
            Value::String(s) | Value::Number(s) => Some(s),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[Json] {
        match &self.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn members(&self) -> &[Member] {
        match &self.value {
            Value::Object(members) => members,
            _ => &[],
        }
    }

    /// The value written back as compact JSON, e.g. for a custom rule to
    /// match a Connect action's parameters.
    pub fn to_compact(&self) -> String {
        let mut out = Vec::new();
        self.write_compact(&mut out);
        // Whole strings and ASCII were written: always UTF-8.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn write_compact(&self, out: &mut Vec<u8>) {
        match &self.value {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Number(n) => out.extend_from_slice(n.as_bytes()),
            Value::String(s) => write_string(out, s),
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_compact(out);
                }
                out.push(b']');
            }
            Value::Object(members) => {
                out.push(b'{');
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_string(out, &member.key);
                    out.push(b':');
                    member.value.write_compact(out);
                }
                out.push(b'}');
            }
        }
    }

    /// A string, number or boolean as text (Connect writes booleans as "True").
    pub fn as_text(&self) -> Option<String> {
        match &self.value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Which JSON a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// RFC 8259, as CloudFormation, Terraform, the AWS SDKs and Twilio read it.
    Strict,
    /// What Amazon Connect accepts as a flow's `Content`: JSON, plus `\'` for
    /// `'` (the Connect API emits it in exported flows and takes it back).
    ConnectFlow,
}

/// Parses `text` from `file` as strict JSON. `offsets`, when given, maps each
/// byte of `text` to its offset in the file (for JSON decoded out of a string).
pub fn parse(file: FileId, text: &str, offsets: Option<&[u32]>) -> Result<Json, JsonError> {
    parse_with(file, text, offsets, Syntax::Strict)
}

/// [`parse`] with the given syntax.
pub fn parse_with(
    file: FileId,
    text: &str,
    offsets: Option<&[u32]>,
    syntax: Syntax,
) -> Result<Json, JsonError> {
    parse_kept(file, text, offsets, syntax, Keep::All, Skipped::Checked)
}

/// Which parts of a document a reader builds. The parts it leaves out are
/// still read and checked, so a document is accepted or refused, with the
/// same error, exactly as when it is built whole; they are just not built.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'k> {
    /// The whole value.
    All,
    /// Of an object, the members with these keys, each kept as its entry
    /// says; of an array, each item kept as this says; a string, number,
    /// boolean or null whole.
    Only(&'k [(&'k str, Keep<'k>)]),
    /// That the value is there, and where: it is skipped like a part left
    /// out, and reads as `null`.
    Presence,
}

impl Keep<'_> {
    /// How the member `key` of an object is kept, if it is.
    fn member(self, key: &str) -> Option<Self> {
        match self {
            Keep::All => Some(Keep::All),
            Keep::Only(members) => members.iter().find(|(k, _)| *k == key).map(|&(_, m)| m),
            Keep::Presence => None,
        }
    }
}

/// What a kept parse does with the parts [`Keep`] leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// Reads and checks them: the document is accepted or refused exactly
    /// as when it is built whole.
    Checked,
    /// Passes them by their brackets and quotes alone, for a reader that
    /// only looks for something (the Connect unit key pass) and whose
    /// documents are read again, checked, before anything is reported. A
    /// flaw in a part passed by is not found; a well-formed document is read
    /// as [`Skipped::Checked`] reads it.
    Unchecked,
}

/// [`parse_with`], building only what `keep` asks for.
pub fn parse_kept(
    file: FileId,
    text: &str,
    offsets: Option<&[u32]>,
    syntax: Syntax,
    keep: Keep,
    skipped: Skipped,
) -> Result<Json, JsonError> {
    let mut parser = Parser {
        file,
        bytes: text.as_bytes(),
        text,
        offsets,
        pos: 0,
        syntax,
        skipped,
        items: Vec::new(),
        members: Vec::new(),
    };
    parser.skip_space();
    let value = parser.value(0, keep)?;
    parser.skip_space();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error(parser.pos, "unexpected text after the JSON value"));
    }
    Ok(value)
}

/// Decodes the JSON string literal at `raw` (with its quotes), returning the
/// text and, for each of its bytes and for its end, the file offset it came
/// from (one more entry than the text has bytes).
pub fn decode_with_offsets(raw: &str, raw_start: usize) -> Option<(String, Vec<u32>)> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let base = raw_start + 1;
    let mut text = String::with_capacity(inner.len());
    let mut offsets = Vec::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let decoded = if c == '\\' {
            let (_, escape) = chars.next()?;
            match escape {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let mut code = 0u32;
                    for _ in 0..4 {
                        let (_, h) = chars.next()?;
                        code = code * 16 + h.to_digit(16)?;
                    }
                    char::from_u32(code).unwrap_or('\u{fffd}')
                }
                _ => return None,
            }
        } else {
            c
        };
        for _ in 0..decoded.len_utf8() {
            offsets.push((base + i) as u32);
        }
        text.push(decoded);
    }
    offsets.push((base + inner.len()) as u32);
    Some((text, offsets))
}

struct Parser<'a> {
    file: FileId,
    bytes: &'a [u8],
    text: &'a str,
    offsets: Option<&'a [u32]>,
    pos: usize,
    syntax: Syntax,
    skipped: Skipped,
    /// The items of the arrays being read, innermost last: each array is
    /// moved out into a list of its own size when it closes, where a list
    /// grown item by item was allocated up to four times.
    items: Vec<Json>,
    /// The members of the objects being read, in the same way.
    members: Vec<Member>,
}

impl<'a> Parser<'a> {
    fn at(&self, offset: usize) -> usize {
        match self.offsets {
            Some(map) => map
                .get(offset)
                .or(map.last())
                .map(|&o| o as usize)
                .unwrap_or(0),
            None => offset,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.at(start), self.at(end))
    }

    /// An error at the character at byte `offset`.
    fn error(&self, offset: usize, message: impl Into<String>) -> JsonError {
        let at = crate::source::char_range(self.text, offset);
        JsonError {
            span: self.span(at.start, at.end),
            message: message.into(),
        }
    }

    #[inline]
    fn skip_space(&mut self) {
        if matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.skip_space_run();
        }
    }

    fn skip_space_run(&mut self) {
        const SPACES: u64 = u64::from_le_bytes(*b"        ");
        let bytes = self.bytes;
        let mut pos = self.pos;
        loop {
            match bytes.get(pos) {
                // Pretty-printed JSON indents with runs of spaces: they are
                // passed eight bytes at a time.
                Some(b' ') => {
                    while let Some(chunk) = bytes.get(pos..pos + 8) {
                        let mut eight = [0; 8];
                        eight.copy_from_slice(chunk);
                        let differs = u64::from_le_bytes(eight) ^ SPACES;
                        if differs != 0 {
                            // The spaces before the first other byte.
                            pos += (differs.trailing_zeros() / 8) as usize;
                            break;
                        }
                        pos += 8;
                    }
                    while bytes.get(pos) == Some(&b' ') {
                        pos += 1;
                    }
                }
                Some(b'\t' | b'\n' | b'\r') => pos += 1,
                _ => break,
            }
        }
        self.pos = pos;
    }

    /// Fails when a value at `depth` would be nested too deep.
    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                self.pos,
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    /// The value here, built as `keep` asks.
    fn value(&mut self, depth: usize, keep: Keep) -> Result<Json, JsonError> {
        self.enter(depth)?;
        let start = self.pos;
        if let Keep::Presence = keep {
            self.skip_value(depth)?;
            return Ok(Json {
                value: Value::Null,
                span: self.span(start, self.pos),
            });
        }
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth, keep)?,
            Some(b'[') => self.array(depth, keep)?,
            _ => self.scalar()?,
        };
        Ok(Json {
            value,
            span: self.span(start, self.pos),
        })
    }

    /// Reads and checks the value here as [`Self::value`] does, building
    /// nothing; or, [`Skipped::Unchecked`], passes it.
    fn skip_value(&mut self, depth: usize) -> Result<(), JsonError> {
        if self.skipped == Skipped::Unchecked {
            return self.pass_value();
        }
        self.enter(depth)?;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.each_member(|parser, _, _| parser.skip_value(depth + 1)),
            Some(b'[') => self.each_item(|parser| parser.skip_value(depth + 1)),
            Some(b'"') => self.read_string(None).map(drop),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(drop),
            _ => self.scalar().map(drop),
        }
    }

    /// Moves past the value here by its brackets and string quotes alone,
    /// without checking it: a scalar ends at a comma, a closing bracket or a
    /// space. Iterative, so nesting has no limit here.
    fn pass_value(&mut self) -> Result<(), JsonError> {
        let bytes = self.bytes;
        let start = self.pos;
        match bytes.get(start) {
            Some(b'"') => {
                self.pos = self.pass_string(start)?;
                return Ok(());
            }
            Some(b'{' | b'[') => {}
            _ => {
                self.pos += bytes[start..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(bytes.len() - start);
                return Ok(());
            }
        }
        let mut depth = 0usize;
        let mut pos = start;
        loop {
            // Only quotes and brackets matter in between.
            pos += bytes[pos..]
                .iter()
                .position(|&b| NESTS[usize::from(b)])
                .unwrap_or(bytes.len() - pos);
            match bytes.get(pos) {
                None => return Err(self.error(start, "unexpected end of JSON")),
                Some(b'"') => {
                    pos = self.pass_string(pos)?;
                    continue;
                }
                Some(b'{' | b'[') => depth += 1,
                _ => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos = pos + 1;
                        return Ok(());
                    }
                }
            }
            pos += 1;
        }
    }

    /// The offset after the string literal that starts at `start`, unchecked.
    fn pass_string(&self, start: usize) -> Result<usize, JsonError> {
        let mut pos = start + 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.bytes[pos.min(self.bytes.len())..]) {
                Some(at) if self.bytes[pos + at] == b'"' => return Ok(pos + at + 1),
                Some(at) => pos += at + 2,
                None => return Err(self.error(start, "string is never closed")),
            }
        }
    }

    /// A string, number, boolean or null.
    fn scalar(&mut self) -> Result<Value, JsonError> {
        match self.bytes.get(self.pos) {
            None => Err(self.error(self.pos, "unexpected end of JSON")),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => Ok(Value::Number(self.number_text()?.to_string())),
            Some(_) => {
                let c = self.text[self.pos..].chars().next().unwrap_or('?');
                Err(self.error(self.pos, format!("unexpected `{c}`: expected a JSON value")))
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(self.pos, format!("expected `{word}`")))
        }
    }

    /// A number as written, checked.
    fn number_text(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        while self.pos < self.bytes.len()
            && matches!(
                self.bytes[self.pos],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.pos += 1;
        }
        let text = self.text;
        let raw = &text[start..self.pos];
        if raw.parse::<f64>().is_err() {
            return Err(self.error(start, format!("`{raw}` is not a number")));
        }
        Ok(raw)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        let mut out = String::new();
        self.read_string(Some(&mut out))?;
        Ok(out)
    }

    /// A key: borrowed from the text unless it holds an escape.
    fn key(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let start = self.pos;
        if let Some(plain) = self.read_string(None)? {
            return Ok(Cow::Borrowed(plain));
        }
        self.pos = start;
        self.string().map(Cow::Owned)
    }

    /// Reads and checks the string literal here, decoding it into `out`
    /// when given; returns its text when it holds no escape.
    fn read_string(&mut self, mut out: Option<&mut String>) -> Result<Option<&'a str>, JsonError> {
        let start = self.pos;
        let text = self.text;
        let mut escaped = false;
        self.pos += 1;
        loop {
            // The characters up to the next quote, escape or control
            // character are copied as they are, at once.
            let plain = plain_len(&self.bytes[self.pos..]);
            if let Some(out) = out.as_deref_mut() {
                // Most strings have no escape: one allocation of their size.
                out.push_str(&self.text[self.pos..self.pos + plain]);
            }
            self.pos += plain;
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error(start, "string is never closed"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok((!escaped).then(|| &text[start + 1..self.pos - 1]));
                }
                b'\\' => {
                    escaped = true;
                    let escape_at = self.pos;
                    self.pos += 1;
                    let Some(&e) = self.bytes.get(self.pos) else {
                        return Err(self.error(start, "string is never closed"));
                    };
                    self.pos += 1;
                    let decoded = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'\'' if self.syntax == Syntax::ConnectFlow => '\'',
                        b'u' => {
                            let hex = self.text.get(self.pos..self.pos + 4).unwrap_or("");
                            let code = u32::from_str_radix(hex, 16).map_err(|_| {
                                self.error(escape_at, "`\\u` needs four hex digits")
                            })?;
                            self.pos += 4;
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => {
                            let c = self.text[self.pos - 1..].chars().next().unwrap_or('?');
                            return Err(JsonError {
                                span: self.span(escape_at, self.pos - 1 + c.len_utf8()),
                                message: format!("invalid escape `\\{c}` in a JSON string"),
                            });
                        }
                    };
                    if let Some(out) = out.as_deref_mut() {
                        out.push(decoded);
                    }
                }
                _ => {
                    return Err(self.error(self.pos, "control character in a JSON string"));
                }
            }
        }
    }

    fn array(&mut self, depth: usize, keep: Keep) -> Result<Value, JsonError> {
        let first = self.items.len();
        self.each_item(|parser| {
            let item = parser.value(depth + 1, keep)?;
            parser.items.push(item);
            Ok(())
        })?;
        Ok(Value::Array(self.items.drain(first..).collect()))
    }

    fn object(&mut self, depth: usize, keep: Keep) -> Result<Value, JsonError> {
        let first = self.members.len();
        self.each_member(|parser, key, key_span| {
            let Some(kept) = keep.member(&key) else {
                return parser.skip_value(depth + 1);
            };
            let value = parser.value(depth + 1, kept)?;
            parser.members.push(Member {
                key: SmolStr::new(&key),
                key_span,
                value,
            });
            Ok(())
        })?;
        Ok(Value::Object(self.members.drain(first..).collect()))
    }

    /// Reads the array here; `item` reads each item.
    fn each_item(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.pos += 1;
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_space();
            item(self)?;
            self.skip_space();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error(self.pos, "expected `,` or `]`")),
            }
        }
    }

    /// Reads the object here; `member` reads each member's value, given
    /// its key and where the key is.
    fn each_member(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>, Span) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.pos += 1;
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_space();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error(self.pos, "expected a string key"));
            }
            let key_start = self.pos;
            let key = self.key()?;
            let key_span = self.span(key_start, self.pos);
            self.skip_space();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error(self.pos, "expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_space();
            member(self, key, key_span)?;
            self.skip_space();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error(self.pos, "expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> FileId {
        FileId(0)
    }

    #[test]
    fn values_and_spans() {
        let text = r#"{"a": [1, true, null], "b": {"c": "x\"y"}}"#;
        let json = parse(file(), text, None).unwrap();
        let b = json.get("b").unwrap();
        assert_eq!(
            &text[b.span.start as usize..b.span.end as usize],
            r#"{"c": "x\"y"}"#
        );
        assert_eq!(b.get("c").unwrap().as_str(), Some("x\"y"));
        assert_eq!(json.get("a").unwrap().as_array().len(), 3);
    }

    #[test]
    fn errors_are_located() {
        let err = parse(file(), "{\"a\": [1, 2,, 3]}", None).unwrap_err();
        assert_eq!(err.span.start, 12);
        let err = parse(file(), r#"{"a": "it\'s"}"#, None).unwrap_err();
        assert!(err.message.contains("invalid escape"), "{}", err.message);
        assert!(parse(file(), "{\"a\": 1} x", None).is_err());
        assert!(parse(file(), "", None).is_err());
    }

    #[test]
    fn connect_flow_content_reads_an_escaped_apostrophe() {
        let text = r#"{"Text": "I\'m here"}"#;
        let json = parse_with(file(), text, None, Syntax::ConnectFlow).unwrap();
        assert_eq!(json.get("Text").unwrap().as_str(), Some("I'm here"));
        // Only `\'`: other escapes JSON does not have stay errors.
        assert!(parse_with(file(), r#"{"a": "\x"}"#, None, Syntax::ConnectFlow).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(file(), &text, None).unwrap_err();
        assert!(err.message.contains("nested deeper"));
    }

    #[test]
    fn embedded_documents_map_back_to_the_file() {
        let outer = r#"{"Content": "{\"Version\": \"2019-10-30\", \"Actions\": [1]}"}"#;
        let json = parse(file(), outer, None).unwrap();
        let content = json.get("Content").unwrap();
        let raw = &outer[content.span.start as usize..content.span.end as usize];
        let (inner, offsets) = decode_with_offsets(raw, content.span.start as usize).unwrap();
        let flow = parse(file(), &inner, Some(&offsets)).unwrap();
        let actions = flow.get("Actions").unwrap();
        assert_eq!(
            &outer[actions.span.start as usize..actions.span.end as usize],
            "[1]"
        );
        let version = flow.get("Version").unwrap();
        assert_eq!(
            &outer[version.span.start as usize..version.span.end as usize],
            r#"\"2019-10-30\""#
        );
    }

    #[test]
    fn a_kept_parse_builds_what_it_keeps_and_checks_the_rest() {
        const KEEP: Keep = Keep::Only(&[("a", Keep::Only(&[("x", Keep::All)])), ("b", Keep::All)]);
        let text = r#"{"a": [{"x": 1, "y": "\u0041"}, {"z": [true]}], "c": {"d": [null]}, "b": "t\"", "a\u0041": 2}"#;
        let kept = parse_kept(file(), text, None, Syntax::Strict, KEEP, Skipped::Checked).unwrap();
        let whole = parse(file(), text, None).unwrap();
        assert_eq!(kept.to_compact(), r#"{"a":[{"x":1},{}],"b":"t\""}"#);
        assert_eq!(kept.span, whole.span);
        assert_eq!(kept.get("b").unwrap().span, whole.get("b").unwrap().span);
        // What is left out is still read: each flaw fails the kept parse as
        // it fails the whole one, at the same place.
        for flawed in [
            r#"{"c": {"d": [1,, 2]}, "b": 1}"#,
            r#"{"c": "\x", "b": 1}"#,
            r#"{"c": 01x, "b": 1}"#,
            r#"{"c": tru, "b": 1}"#,
            r#"{"c": "never closed"#,
            r#"{"c" 1}"#,
            r#"{"c": [1 2]}"#,
            r#"{"c": {1: 2}}"#,
            "{\"c\": \"a\u{1}b\"}",
            r#"{"c": "\u12"}"#,
            r#"{"c": 1} x"#,
        ] {
            let kept = parse_kept(file(), flawed, None, Syntax::Strict, KEEP, Skipped::Checked)
                .unwrap_err();
            let whole = parse(file(), flawed, None).unwrap_err();
            assert_eq!(kept, whole, "{flawed}");
        }
        let deep = format!(r#"{{"c": {}{}}}"#, "[".repeat(300), "]".repeat(300));
        assert_eq!(
            parse_kept(file(), &deep, None, Syntax::Strict, KEEP, Skipped::Checked).unwrap_err(),
            parse(file(), &deep, None).unwrap_err()
        );
    }

    #[test]
    fn an_unchecked_parse_reads_well_formed_documents_as_a_checked_one() {
        const KEEP: Keep = Keep::Only(&[("a", Keep::Only(&[("x", Keep::All)])), ("b", Keep::All)]);
        let unchecked =
            |text: &str| parse_kept(file(), text, None, Syntax::Strict, KEEP, Skipped::Unchecked);
        let checked =
            |text: &str| parse_kept(file(), text, None, Syntax::Strict, KEEP, Skipped::Checked);
        for text in [
            r#"{"a": [{"x": 1, "y": "}\"]{\\"}, {"z": [true, {"w": "]"}]}], "c": {"d": [null]}, "b": "t\""}"#,
            r#"{"c":-1.5e3,"b":[1,2],"d":{},"e":[],"f":"\\\\","g":false}"#,
            "{ \"c\" :\n\t[ 1 , { } ]\r\n , \"b\" : 2 , \"h\" : null }",
        ] {
            let (unchecked, checked) = (unchecked(text).unwrap(), checked(text).unwrap());
            assert_eq!(unchecked.to_compact(), checked.to_compact(), "{text}");
            assert_eq!(
                unchecked.get("b").unwrap().span,
                checked.get("b").unwrap().span
            );
        }
        // A flaw in a part passed by goes unseen; one in a kept part, or a
        // document that never ends, is still an error.
        assert!(unchecked(r#"{"c": [1,, tru], "b": 1}"#).is_ok());
        assert!(unchecked(r#"{"c": 1, "b": [1,, 2]}"#).is_err());
        assert!(unchecked(r#"{"c": {"d": [1, 2]"#).is_err());
        assert!(unchecked(r#"{"c": "never \" closed}"#).is_err());
        // A value kept for its presence is passed and reads as null.
        const PRESENCE: Keep = Keep::Only(&[("a", Keep::Presence), ("b", Keep::All)]);
        let text = r#"{"a": [{"x": "]"}, [1, {}]], "b": 2}"#;
        let marked = parse_kept(
            file(),
            text,
            None,
            Syntax::Strict,
            PRESENCE,
            Skipped::Unchecked,
        )
        .unwrap();
        assert_eq!(marked.to_compact(), r#"{"a":null,"b":2}"#);
        assert_eq!(
            &text[marked.get("a").unwrap().span.start as usize..][..4],
            "[{\"x"
        );
        // Passing by is not recursive: nesting beyond the limit is no danger.
        let deep = format!(
            r#"{{"c": {}{}, "b": 1}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(unchecked(&deep).unwrap().to_compact(), r#"{"b":1}"#);
    }

    #[test]
    fn compact_json_is_escaped_as_serde_json_escapes_it() {
        let text = "{\"k\\\"\": [\"tab\\t quote\\\" back\\\\ nul\\u0000 del\u{7f} é\", 1.50, true, null, {}]}";
        let json = parse(file(), text, None).unwrap();
        let serde: serde_json::Value = serde_json::from_str(text).unwrap();
        // serde_json writes `1.50` as `1.5`; everything else is the same.
        assert_eq!(json.to_compact().replace("1.50", "1.5"), serde.to_string());
    }
}
