//! CloudFormation templates, YAML or JSON, with spans, as a [`Json`] tree in
//! CloudFormation's JSON form: a YAML short-form tag is read as the long form
//! it stands for (`!Ref X` as `{"Ref": "X"}`, `!Sub s` as `{"Fn::Sub": s}`),
//! the member located at the tag, so one reader in `lower::infra` serves
//! both syntaxes. JSON templates are read by `parse::json`.
//!
//! YAML is read with yaml-rust2's event parser, which marks where each node
//! starts by line and character column (its index counts characters, and
//! block scalars with non-ASCII text skew it), so byte offsets are computed
//! from lines and columns; where a scalar ends is found in the text by its
//! style. The tree is built without recursion and nesting is limited to
//! [`json::MAX_DEPTH`] levels, so hostile input cannot exhaust the stack.
//! Only the first document of a stream is read: a template is one document.

use std::ops::Range;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::parse::json::{self, Json, MAX_DEPTH, Member, Value};
use crate::parse::{Comment, CommentSyntax, ParseError, scan_comments};
use crate::source::{FileId, SourceFile, Span, char_range};

/// A template in CloudFormation's JSON form, with its comments.
#[derive(Debug)]
pub struct Template {
    pub root: Json,
    pub comments: Vec<Comment>,
}

/// Parses a template, JSON when it starts with `{`, YAML otherwise; what
/// does not parse is a located error.
pub fn parse(file: FileId, source: &SourceFile) -> Result<Template, ParseError> {
    if source.text.trim_start().starts_with('{') {
        let root =
            json::parse(file, &source.text, None).map_err(json::JsonError::into_parse_error)?;
        return Ok(Template {
            root,
            comments: Vec::new(),
        });
    }
    let mut reader = YamlReader {
        file,
        source,
        text: &source.text,
        position: Position::default(),
        stack: Vec::new(),
        scalars: Vec::new(),
        last_end: 0,
    };
    let root = reader.read()?;
    let comments = scan_comments(file, &source.text, reader.scalars, CommentSyntax::Yaml);
    Ok(Template { root, comments })
}

/// A mapping or sequence being read.
struct Frame {
    mapping: bool,
    /// Where its start event is marked: the `{` or `[` of a flow collection.
    marker: usize,
    /// Its tag and where the tag starts.
    tag: Option<(Tag, usize)>,
    /// Its nodes; a mapping's alternate between keys and values.
    children: Vec<Json>,
}

/// A line (1-based), character column (0-based) and the byte offset they
/// denote.
#[derive(Default)]
struct Position {
    line: usize,
    column: usize,
    offset: usize,
}

struct YamlReader<'a> {
    file: FileId,
    source: &'a SourceFile,
    text: &'a str,
    /// The last marker turned into an offset.
    position: Position,
    stack: Vec<Frame>,
    /// Where the scalars are: comment markers inside them are text.
    scalars: Vec<Range<usize>>,
    /// Where the last node read ends: a tag is looked for between it and
    /// the node it belongs to.
    last_end: usize,
}

impl YamlReader<'_> {
    fn read(&mut self) -> Result<Json, ParseError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut root = None;
        loop {
            let (event, marker) = parser.next_token().map_err(|error| {
                let at = self.offset(*error.marker());
                self.error(at, format!("malformed YAML: {}", error.info()))
            })?;
            let at = self.offset(marker);
            let node = match event {
                Event::StreamEnd => break,
                Event::DocumentEnd if root.is_some() => break,
                Event::Scalar(value, style, _, tag) => self.scalar(value, style, tag, at),
                Event::Alias(_) => self.alias(at),
                Event::MappingStart(_, ref tag) | Event::SequenceStart(_, ref tag) => {
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(
                            self.error(at, format!("YAML nested deeper than {MAX_DEPTH} levels"))
                        );
                    }
                    let tag = self.locate_tag(tag.clone(), at);
                    self.stack.push(Frame {
                        mapping: matches!(event, Event::MappingStart(..)),
                        marker: at,
                        tag,
                        children: Vec::new(),
                    });
                    continue;
                }
                Event::MappingEnd | Event::SequenceEnd => match self.stack.pop() {
                    Some(frame) => self.close(frame, at),
                    None => continue,
                },
                _ => continue,
            };
            self.last_end = node.span.end as usize;
            match self.stack.last_mut() {
                Some(frame) => frame.children.push(node),
                None => root = Some(node),
            }
        }
        Ok(root.unwrap_or(Json {
            value: Value::Null,
            span: Span::new(self.file, 0, 0),
        }))
    }

    fn error(&self, at: usize, message: String) -> ParseError {
        let at = char_range(self.text, at);
        ParseError::new(Span::new(self.file, at.start, at.end), message, "here")
    }

    /// The byte offset of a marker, from its line and character column.
    /// Walks from the last marker, so that the short steps back some events
    /// make (a key is marked after the mapping that starts with it) cost no
    /// more than the steps themselves.
    fn offset(&mut self, marker: Marker) -> usize {
        let (line, column) = (marker.line(), marker.col());
        let text = self.text;
        let position = &mut self.position;
        if line != position.line {
            *position = Position {
                line,
                column: 0,
                offset: self.source.offset_of(line, 1),
            };
        }
        while position.column < column {
            match text[position.offset..].chars().next() {
                Some(c) if c != '\n' => {
                    position.offset += c.len_utf8();
                    position.column += 1;
                }
                _ => break,
            }
        }
        while position.column > column {
            match text[..position.offset].chars().next_back() {
                Some(c) => {
                    position.offset -= c.len_utf8();
                    position.column -= 1;
                }
                None => break,
            }
        }
        position.offset
    }

    fn scalar(&mut self, value: String, style: TScalarStyle, tag: Option<Tag>, at: usize) -> Json {
        let end = self.scalar_end(at, style, &value);
        self.scalars.push(at..end);
        // `!!str 1` is text; `!Ref 1` is not made text by its tag.
        let value = match style {
            TScalarStyle::Plain if tag.as_ref().is_none_or(|tag| tag.handle == "!") => plain(value),
            _ => Value::String(value),
        };
        let tag = self.locate_tag(tag, at);
        let node = Json {
            value,
            span: Span::new(self.file, at, end),
        };
        self.tagged(tag, node)
    }

    /// An alias stands for nothing reclint reads: CloudFormation refuses them.
    fn alias(&mut self, at: usize) -> Json {
        let end = self.text[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .map_or(self.text.len(), |i| at + i);
        self.scalars.push(at..end);
        Json {
            value: Value::Null,
            span: Span::new(self.file, at, end),
        }
    }

    fn close(&mut self, frame: Frame, at: usize) -> Json {
        let bytes = self.text.as_bytes();
        let flow = matches!(bytes.get(frame.marker), Some(b'[' | b'{'));
        let start = match frame.children.first() {
            Some(first) if !flow => first.span.start as usize,
            _ => frame.marker,
        };
        let end = match frame.children.last() {
            _ if flow && matches!(bytes.get(at), Some(b']' | b'}')) => at + 1,
            Some(last) => last.span.end as usize,
            None => start,
        };
        let value = if frame.mapping {
            let mut members = Vec::with_capacity(frame.children.len() / 2);
            let mut children = frame.children.into_iter();
            while let (Some(key), Some(value)) = (children.next(), children.next()) {
                members.push(Member {
                    key: self.key_text(&key).into(),
                    key_span: key.span,
                    value,
                });
            }
            Value::Object(members)
        } else {
            Value::Array(frame.children)
        };
        let node = Json {
            value,
            span: Span::new(self.file, start, end),
        };
        self.tagged(frame.tag, node)
    }

    /// A mapping key as text: scalars as written in value, others as in the file.
    fn key_text(&self, key: &Json) -> String {
        match &key.value {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(text) | Value::String(text) => text.clone(),
            Value::Array(_) | Value::Object(_) => self.source.slice(key.span).to_string(),
        }
    }

    /// The tag of the node marked at `at`, with where it starts: it is
    /// written after the previous node and before this one.
    fn locate_tag(&self, tag: Option<Tag>, at: usize) -> Option<(Tag, usize)> {
        let tag = tag?;
        let written = format!("!{}", tag.suffix);
        let from = self.last_end.min(at);
        let start = self.text[from..at].rfind(&written).map_or(at, |i| from + i);
        Some((tag, start))
    }

    /// A node with a CloudFormation short-form tag as the long form it
    /// stands for; other tags (`!!str`) change nothing.
    fn tagged(&self, tag: Option<(Tag, usize)>, node: Json) -> Json {
        let Some((tag, start)) = tag.filter(|(tag, _)| tag.handle == "!") else {
            return node;
        };
        let key = match tag.suffix.as_str() {
            "Ref" | "Condition" => tag.suffix.clone(),
            function => format!("Fn::{function}"),
        };
        let tag_end = (start + 1 + tag.suffix.len())
            .min(node.span.start as usize)
            .max(start);
        let span = Span::new(self.file, start, node.span.end as usize);
        Json {
            value: Value::Object(vec![Member {
                key: key.into(),
                key_span: Span::new(self.file, start, tag_end),
                value: node,
            }]),
            span,
        }
    }

    /// Where a scalar starting at `start` ends, by its style.
    fn scalar_end(&self, start: usize, style: TScalarStyle, value: &str) -> usize {
        let text = self.text;
        let rest = &text[start..];
        match style {
            TScalarStyle::Plain if !value.contains('\n') && rest.starts_with(value) => {
                start + value.len()
            }
            // A plain scalar folded over lines: its first line.
            TScalarStyle::Plain => {
                let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
                let line = line.find(" #").map_or(line, |i| &line[..i]);
                start + line.trim_end().len()
            }
            TScalarStyle::SingleQuoted => {
                let bytes = rest.as_bytes();
                let mut i = 1;
                while i < bytes.len() {
                    match (bytes[i], bytes.get(i + 1)) {
                        (b'\'', Some(b'\'')) => i += 2,
                        (b'\'', _) => return start + i + 1,
                        _ => i += 1,
                    }
                }
                text.len()
            }
            TScalarStyle::DoubleQuoted => {
                let bytes = rest.as_bytes();
                let mut i = 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => return start + i + 1,
                        _ => i += 1,
                    }
                }
                text.len()
            }
            // A block scalar is marked at its first line of content; it goes
            // on while lines are blank or indented as much.
            TScalarStyle::Literal | TScalarStyle::Folded => {
                if value.is_empty() {
                    return start;
                }
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let indent = start - line_start;
                let mut end = start + rest.find('\n').unwrap_or(rest.len());
                let mut line = end;
                while line < text.len() {
                    let next = line + 1;
                    let line_end = text[next..].find('\n').map_or(text.len(), |i| next + i);
                    let content = &text[next..line_end];
                    let blanks = content.len() - content.trim_start_matches(' ').len();
                    if !content.trim().is_empty() {
                        if blanks < indent {
                            break;
                        }
                        end = next + content.trim_end().len();
                    }
                    line = line_end;
                }
                end
            }
        }
    }
}

/// A plain scalar's value by the YAML core schema: booleans, null, numbers,
/// else text.
fn plain(value: String) -> Value {
    match value.as_str() {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        number if number.parse::<f64>().is_ok() && number.bytes().any(|b| b.is_ascii_digit()) => {
            Value::Number(value)
        }
        _ => Value::String(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("t.yaml".into(), "t.yaml".into(), text.into())
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn short_form_tags_become_the_long_form_at_the_tag() {
        let text = "Resources:\n  Rec:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Name\n      Arn: !GetAtt [Rec, Arn]\n      Sub: !Sub\n        - 'x-${A}'\n        - A: b\n";
        let root = parse(FileId(0), &source(text)).expect("valid").root;
        let properties = root
            .get("Resources")
            .and_then(|r| r.get("Rec"))
            .and_then(|r| r.get("Properties"))
            .expect("properties");
        let name = properties.get("BucketName").expect("name");
        assert_eq!(slice(text, name.span), "!Ref Name");
        assert_eq!(name.members()[0].key, "Ref");
        assert_eq!(slice(text, name.members()[0].key_span), "!Ref");
        assert_eq!(name.get("Ref").and_then(Json::as_str), Some("Name"));
        let arn = properties.get("Arn").expect("arn");
        assert_eq!(slice(text, arn.span), "!GetAtt [Rec, Arn]");
        assert_eq!(arn.get("Fn::GetAtt").map(|a| a.as_array().len()), Some(2));
        let sub = properties.get("Sub").expect("sub");
        assert_eq!(
            sub.get("Fn::Sub").map(|s| s.as_array()[0].as_str()),
            Some(Some("x-${A}"))
        );
        assert_eq!(slice(text, sub.members()[0].key_span), "!Sub");
    }

    #[test]
    fn scalars_by_style_and_located() {
        let text = "a: 'it''s' # one\nb: \"x\\\"y\" # two\nc: |\n  line #1\n  line 2\n\n# three\nd: 365\ne: true\nf: ~\n";
        let template = parse(FileId(0), &source(text)).expect("valid");
        let root = template.root;
        let a = root.get("a").expect("a");
        assert_eq!((a.as_str(), slice(text, a.span)), (Some("it's"), "'it''s'"));
        assert_eq!(slice(text, root.get("b").expect("b").span), "\"x\\\"y\"");
        let c = root.get("c").expect("c");
        assert_eq!(slice(text, c.span), "line #1\n  line 2");
        assert!(matches!(&root.get("d").expect("d").value, Value::Number(n) if n == "365"));
        assert!(matches!(root.get("e").expect("e").value, Value::Bool(true)));
        assert!(matches!(root.get("f").expect("f").value, Value::Null));
        let texts: Vec<&str> = template.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" one", " two", " three"]);
        assert!(!template.comments[0].own_line);
        assert!(template.comments[2].own_line);
    }

    #[test]
    fn spans_are_bytes_after_non_ascii_block_scalars() {
        // yaml-rust2 counts characters, and a block scalar's bytes, in its
        // index: lines and columns locate the nodes after it exactly.
        let text = "Description: |\n  Größe ändern, ünïcödé\nResources:\n  Bücket: # ä\n    Type: \"AWS::S3::Bucket\"\n    Properties: {BucketName: 'näme'}\n";
        let template = parse(FileId(0), &source(text)).expect("valid");
        let resources = template.root.get("Resources").expect("resources");
        let bucket = &resources.members()[0];
        assert_eq!(slice(text, bucket.key_span), "Bücket");
        let name = bucket
            .value
            .get("Properties")
            .and_then(|p| p.get("BucketName"))
            .expect("name");
        assert_eq!(slice(text, name.span), "'näme'");
        let properties = bucket.value.get("Properties").expect("properties");
        assert_eq!(slice(text, properties.span), "{BucketName: 'näme'}");
        assert_eq!(template.comments[0].text, " ä");
    }

    #[test]
    fn json_templates_are_read_as_json() {
        let text = "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}";
        let root = parse(FileId(0), &source(text)).expect("valid").root;
        assert!(root.get("Resources").and_then(|r| r.get("B")).is_some());
        let error = parse(FileId(0), &source("{\"Resources\": }")).expect_err("invalid");
        assert!(
            error.message.starts_with("malformed JSON"),
            "{}",
            error.message
        );
    }

    #[test]
    fn errors_are_located() {
        let text = "Resources:\n  A: 'é unterminated\n";
        let error = parse(FileId(0), &source(text)).expect_err("invalid");
        assert!(
            error.message.starts_with("malformed YAML"),
            "{}",
            error.message
        );
        assert_eq!(source(text).line_col(error.span.start).line, 2);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let flow = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(FileId(0), &source(&flow)).is_err());
        let compact = format!("{}x\n", "- ".repeat(10_000));
        let error = parse(FileId(0), &source(&compact)).expect_err("too deep");
        assert!(error.message.contains("nested deeper"), "{}", error.message);
        let block: String = (0..1_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let error = parse(FileId(0), &source(&block)).expect_err("too deep");
        assert!(error.message.contains("nested deeper"), "{}", error.message);
    }
}
