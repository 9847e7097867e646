//! JSON with spans, for Amazon Connect and Twilio Studio flows and for
//! CloudFormation and Terraform JSON templates.
//!
//! Every value keeps where it is in the file, also inside a flow embedded as a
//! JSON string (`"Content": "{\"Version\": ...}"`): decoding a string can
//! return, for each byte of the decoded text, its offset in the file, so a
//! nested document's spans point at the right characters of the wrapper.
//! Nesting is limited so hostile input cannot exhaust the stack.

use crate::source::{FileId, Span};

/// Deeper nesting than this is reported instead of parsed.
pub const MAX_DEPTH: usize = 256;

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
    pub key: String,
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
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_compact(&self, out: &mut String) {
        let quoted = |text: &str, out: &mut String| {
            out.push_str(&serde_json::Value::String(text.to_string()).to_string());
        };
        match &self.value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => quoted(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quoted(&member.key, out);
                    out.push(':');
                    member.value.write_compact(out);
                }
                out.push('}');
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
    let mut parser = Parser {
        file,
        bytes: text.as_bytes(),
        text,
        offsets,
        pos: 0,
        syntax,
        items: Vec::new(),
        members: Vec::new(),
    };
    parser.skip_space();
    let value = parser.value(0)?;
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
    /// The items of the arrays being read, innermost last: each array is
    /// moved out into a list of its own size when it closes, where a list
    /// grown item by item was allocated up to four times.
    items: Vec<Json>,
    /// The members of the objects being read, in the same way.
    members: Vec<Member>,
}

impl Parser<'_> {
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

    fn skip_space(&mut self) {
        while self.pos < self.bytes.len()
            && matches!(self.bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r')
        {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                self.pos,
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            None => return Err(self.error(self.pos, "unexpected end of JSON")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let c = self.text[self.pos..].chars().next().unwrap_or('?');
                return Err(
                    self.error(self.pos, format!("unexpected `{c}`: expected a JSON value"))
                );
            }
        };
        Ok(Json {
            value,
            span: self.span(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(self.pos, format!("expected `{word}`")))
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        while self.pos < self.bytes.len()
            && matches!(
                self.bytes[self.pos],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        if raw.parse::<f64>().is_err() {
            return Err(self.error(start, format!("`{raw}` is not a number")));
        }
        Ok(Value::Number(raw.to_string()))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            // The characters up to the next quote, escape or control
            // character are copied as they are, at once.
            // `memchr2` finds the quote or escape a vector at a time.
            let rest = &self.bytes[self.pos..];
            let quote_or_escape = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
            let plain = rest[..quote_or_escape]
                .iter()
                .position(|&b| b < 0x20)
                .unwrap_or(quote_or_escape);
            let run = &self.text[self.pos..self.pos + plain];
            self.pos += plain;
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error(start, "string is never closed"));
            };
            if b == b'"' && out.is_empty() {
                // Most strings have no escape: one allocation of their size.
                self.pos += 1;
                return Ok(run.to_string());
            }
            out.push_str(run);
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let escape_at = self.pos;
                    self.pos += 1;
                    let Some(&e) = self.bytes.get(self.pos) else {
                        return Err(self.error(start, "string is never closed"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'\'' if self.syntax == Syntax::ConnectFlow => out.push('\''),
                        b'u' => {
                            let hex = self.text.get(self.pos..self.pos + 4).unwrap_or("");
                            let code = u32::from_str_radix(hex, 16).map_err(|_| {
                                self.error(escape_at, "`\\u` needs four hex digits")
                            })?;
                            self.pos += 4;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            let c = self.text[self.pos - 1..].chars().next().unwrap_or('?');
                            return Err(JsonError {
                                span: self.span(escape_at, self.pos - 1 + c.len_utf8()),
                                message: format!("invalid escape `\\{c}` in a JSON string"),
                            });
                        }
                    }
                }
                _ => {
                    return Err(self.error(self.pos, "control character in a JSON string"));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let first = self.items.len();
        loop {
            self.skip_space();
            let item = self.value(depth + 1)?;
            self.items.push(item);
            self.skip_space();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(self.items.drain(first..).collect()));
                }
                _ => return Err(self.error(self.pos, "expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        let first = self.members.len();
        loop {
            self.skip_space();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error(self.pos, "expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = self.span(key_start, self.pos);
            self.skip_space();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error(self.pos, "expected `:` after the key"));
            }
            self.pos += 1;
            self.skip_space();
            let value = self.value(depth + 1)?;
            self.members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_space();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(self.members.drain(first..).collect()));
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
}
