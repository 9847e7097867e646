//! Terraform configuration in HCL (`*.tf`), parsed with spans by hcl-edit and
//! read into Terraform's own JSON form (the `*.tf.json` syntax) as a [`Json`]
//! tree, so that one reader in `lower::infra` serves both syntaxes:
//!
//! - an attribute `key = value` is the member `key`;
//! - a block `type "label1" "label2" { body }` is the member `type` holding
//!   `{"label1": {"label2": body}}`. A label's member is located at the block
//!   header up to that label (`resource "aws_s3_bucket" "rec"`), so that a
//!   resource is pointed at by its header;
//! - literal values are JSON values; any other expression is a string, as
//!   Terraform JSON writes expressions: a quoted template (`"${var.x}-rec"`)
//!   is its text between the quotes, anything else (`var.region`,
//!   `aws_s3_bucket.rec.id`, a function call) `${` its text `}`. So a string
//!   holding `${` or `%{` is an expression. `jsonencode(x)` is `x`: what it
//!   encodes is what settings are read from.
//!
//! hcl-edit refuses input nested deeper than 64 levels with an error, so
//! hostile input cannot exhaust the stack.

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::template::Element;

use crate::parse::json::{Json, Member, Value};
use crate::parse::{Comment, CommentSyntax, ParseError, scan_comments};
use crate::source::{FileId, Span, char_range};

/// A Terraform file in its JSON form, with its comments.
#[derive(Debug)]
pub struct Document {
    pub root: Json,
    pub comments: Vec<Comment>,
}

/// Parses an HCL file; what does not parse is a located error.
pub fn parse(file: FileId, text: &str) -> Result<Document, ParseError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|error| {
        let at = char_range(text, error.location().offset());
        ParseError::new(
            Span::new(file, at.start, at.end),
            format!("malformed HCL: {}", error.message()),
            "here",
        )
    })?;
    let mut reader = Reader {
        file,
        text,
        values: Vec::new(),
    };
    let root = reader.body(&body, 0..text.len());
    let comments = scan_comments(file, text, reader.values, CommentSyntax::Hcl);
    Ok(Document { root, comments })
}

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    /// Where the values, quoted keys and labels read are: comment markers
    /// inside them are text.
    values: Vec<Range<usize>>,
}

impl Reader<'_> {
    fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn body(&mut self, body: &Body, range: Range<usize>) -> Json {
        let members = body
            .iter()
            .map(|structure| match structure {
                Structure::Attribute(attribute) => Member {
                    key: attribute.key.as_str().into(),
                    key_span: self.span(attribute.key.span().unwrap_or_default()),
                    value: self.expression(&attribute.value),
                },
                Structure::Block(block) => self.block(block),
            })
            .collect();
        Json {
            value: Value::Object(members),
            span: self.span(range),
        }
    }

    fn block(&mut self, block: &Block) -> Member {
        let range = block.span().unwrap_or_default();
        let ident = block.ident.span().unwrap_or_default();
        let mut value = self.body(&block.body, range.clone());
        for label in block.labels.iter().rev() {
            let label_range = match label {
                BlockLabel::Ident(ident) => ident.span(),
                BlockLabel::String(string) => string.span(),
            }
            .unwrap_or_default();
            self.values.push(label_range.clone());
            value = Json {
                value: Value::Object(vec![Member {
                    key: label.as_str().into(),
                    key_span: self.span(ident.start..label_range.end),
                    value,
                }]),
                span: self.span(range.clone()),
            };
        }
        Member {
            key: block.ident.as_str().into(),
            key_span: self.span(ident),
            value,
        }
    }

    fn expression(&mut self, expression: &Expression) -> Json {
        if let Some(inner) = transparent(expression) {
            return self.expression(inner);
        }
        let range = expression.span().unwrap_or_default();
        let value = match expression {
            Expression::Array(items) => {
                Value::Array(items.iter().map(|item| self.expression(item)).collect())
            }
            Expression::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let (key, key_range) = match key {
                            ObjectKey::Ident(ident) => {
                                (ident.as_str().to_string(), ident.span().unwrap_or_default())
                            }
                            ObjectKey::Expression(expression) => {
                                let key_range = expression.span().unwrap_or_default();
                                self.values.push(key_range.clone());
                                let key = match expression.as_str() {
                                    Some(key) => key.to_string(),
                                    None => self.text[key_range.clone()].to_string(),
                                };
                                (key, key_range)
                            }
                        };
                        Member {
                            key: key.into(),
                            key_span: self.span(key_range),
                            value: self.expression(value.expr()),
                        }
                    })
                    .collect(),
            ),
            leaf => {
                self.values.push(range.clone());
                match leaf {
                    Expression::Null(_) => Value::Null,
                    Expression::Bool(value) => Value::Bool(*value.value()),
                    Expression::Number(_) => Value::Number(self.text[range.clone()].to_string()),
                    Expression::String(value) => Value::String(value.value().clone()),
                    Expression::StringTemplate(_) => Value::String(
                        self.text
                            .get(range.start + 1..range.end.saturating_sub(1))
                            .unwrap_or_default()
                            .to_string(),
                    ),
                    Expression::HeredocTemplate(heredoc)
                        if heredoc.template.iter().all(Element::is_literal) =>
                    {
                        let mut heredoc = heredoc.as_ref().clone();
                        if self.text[range.clone()].starts_with("<<-") {
                            heredoc.dedent();
                        }
                        Value::String(
                            heredoc
                                .template
                                .iter()
                                .filter_map(Element::as_literal)
                                .map(|literal| literal.value().as_str())
                                .collect(),
                        )
                    }
                    // A heredoc with interpolations is its text, as a quoted
                    // template is: a flow in `content = <<EOF` names its
                    // queues with `${aws_connect_queue.x.arn}`.
                    Expression::HeredocTemplate(_) => {
                        Value::String(heredoc_body(&self.text[range.clone()]).to_string())
                    }
                    _ => self.opaque(range.clone()),
                }
            }
        };
        Json {
            value,
            span: self.span(range),
        }
    }

    /// An expression reclint does not evaluate, as Terraform JSON writes it.
    fn opaque(&self, range: Range<usize>) -> Value {
        Value::String(format!("${{{}}}", &self.text[range]))
    }
}

/// The lines of a heredoc between its `<<EOF` line and its closing marker
/// line, as written (indentation kept).
fn heredoc_body(raw: &str) -> &str {
    let start = raw.find('\n').map_or(raw.len(), |i| i + 1);
    let end = raw
        .trim_end()
        .rfind('\n')
        .map_or(start, |i| i + 1)
        .max(start);
    &raw[start..end]
}

/// The expression a parenthesis or `jsonencode(...)` holds: what it means
/// for the settings read is what is inside.
fn transparent(expression: &Expression) -> Option<&Expression> {
    match expression {
        Expression::Parenthesis(inner) => Some(inner.inner()),
        Expression::FuncCall(call)
            if call.name.namespace.is_empty()
                && call.name.name.as_str() == "jsonencode"
                && call.args.len() == 1 =>
        {
            call.args.iter().next()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Document {
        parse(FileId(0), text).expect("valid HCL")
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn blocks_become_terraform_json_located_at_their_header() {
        let text = "resource \"aws_s3_bucket\" \"rec\" {\n  bucket = \"recordings\"\n  tags = { \"team\" = \"cc\" }\n}\n";
        let document = parse_ok(text);
        let resource = &document.root.members()[0];
        assert_eq!(resource.key, "resource");
        let kind = &resource.value.members()[0];
        assert_eq!(kind.key, "aws_s3_bucket");
        assert_eq!(slice(text, kind.key_span), "resource \"aws_s3_bucket\"");
        let name = &kind.value.members()[0];
        assert_eq!(name.key, "rec");
        assert_eq!(
            slice(text, name.key_span),
            "resource \"aws_s3_bucket\" \"rec\""
        );
        let bucket = name.value.get("bucket").expect("bucket");
        assert_eq!(bucket.as_str(), Some("recordings"));
        assert_eq!(slice(text, bucket.span), "\"recordings\"");
        let tags = name.value.get("tags").expect("tags");
        assert_eq!(tags.get("team").and_then(Json::as_str), Some("cc"));
    }

    #[test]
    fn expressions_are_written_as_terraform_json_does() {
        let text = "a = var.region\nb = \"${var.env}-rec\"\nc = 3\nd = true\ne = jsonencode({ x = { value = { instance = false } } })\nf = (\"lit\")\ng = <<-EOT\n    plain\n    EOT\nh = null\n";
        let root = parse_ok(text).root;
        assert_eq!(root.get("a").and_then(Json::as_str), Some("${var.region}"));
        assert_eq!(root.get("b").and_then(Json::as_str), Some("${var.env}-rec"));
        assert!(matches!(root.get("c").map(|c| &c.value), Some(Value::Number(n)) if n == "3"));
        assert!(matches!(
            root.get("d").map(|d| &d.value),
            Some(Value::Bool(true))
        ));
        let instance = root
            .get("e")
            .and_then(|e| e.get("x"))
            .and_then(|x| x.get("value"))
            .and_then(|v| v.get("instance"));
        assert!(matches!(
            instance.map(|i| &i.value),
            Some(Value::Bool(false))
        ));
        assert_eq!(root.get("f").and_then(Json::as_str), Some("lit"));
        assert_eq!(root.get("g").and_then(Json::as_str), Some("plain\n"));
        assert!(matches!(root.get("h").map(|h| &h.value), Some(Value::Null)));
    }

    #[test]
    fn comments_of_every_kind_but_not_in_strings() {
        let text = "# own line\nresource \"a\" \"b\" { // after code\n  x = \"# not a comment\" /* block\n  comment */\n  y = <<EOT\n// heredoc text\nEOT\n}\n";
        let comments = parse_ok(text).comments;
        let texts: Vec<&str> = comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, [" own line", " after code", " block\n  comment "]);
        assert!(comments[0].own_line);
        assert!(!comments[1].own_line);
        assert_eq!(slice(text, comments[2].span), "/* block\n  comment */");
    }

    #[test]
    fn spans_count_bytes_after_non_ascii_text() {
        let text = "# Größe ändern\nresource \"aws_s3_bucket\" \"bänd\" {\n  bucket = \"ünï\"\n}\n";
        let document = parse_ok(text);
        let name = &document.root.members()[0].value.members()[0]
            .value
            .members()[0];
        assert_eq!(
            slice(text, name.key_span),
            "resource \"aws_s3_bucket\" \"bänd\""
        );
        let bucket = name.value.get("bucket").expect("bucket");
        assert_eq!(slice(text, bucket.span), "\"ünï\"");
        assert_eq!(document.comments[0].text, " Größe ändern");
    }

    #[test]
    fn errors_are_located() {
        let text = "# Größe\nresource \"a\" \"b\" {\n  x = ]\n}\n";
        let error = parse(FileId(0), text).expect_err("invalid");
        assert!(
            error.message.starts_with("malformed HCL"),
            "{}",
            error.message
        );
        assert_eq!(slice(text, error.span), "]");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        // Test threads have small stacks: this must not overflow them.
        let deep = format!("x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let error = parse(FileId(0), &deep).expect_err("too deep");
        assert!(error.message.contains("nesting"), "{}", error.message);
        let blocks = format!("{}{}", "b {\n".repeat(10_000), "}\n".repeat(10_000));
        assert!(parse(FileId(0), &blocks).is_err());
        let objects = format!("x = {}{}\n", "{ a = ".repeat(10_000), "}".repeat(10_000));
        assert!(parse(FileId(0), &objects).is_err());
    }
}
