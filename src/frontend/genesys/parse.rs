//! Archy YAML with its `{{substitutions}}`, as a [`Json`] tree with spans.
//!
//! CX as Code publishes a flow file through the `genesyscloud_flow`
//! resource, whose `substitutions` Archy fills in at publish time
//! (`name: {{flow_name}}`). Written unquoted, such a value starts with `{`
//! and is not YAML at all: a flow mapping inside a flow mapping. So before
//! the YAML reader sees the text, every value that starts with `{{` and
//! ends the line with `}}` is quoted in place (its first and last brace
//! become quotes, so every offset stays where it was), and after reading,
//! each quoted value gets its text back from the file. A value that still
//! holds `{{` is unknown until publish time: [`is_substitution`].

use std::sync::LazyLock;

use regex::Regex;

use crate::parse::ParseError;
use crate::parse::cloudformation::{self, Template};
use crate::parse::json::{Json, Value};
use crate::source::{FileId, SourceFile};

/// A block value (after `key:` or `- `) that starts with `{{` and ends
/// with `}}` before the end of the line or a comment.
static UNQUOTED_SUBSTITUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|:|-)[ \t]+(\{\{[^\n'#]*\}\})[ \t]*(?:#[^\n]*)?$").expect("valid regex")
});

/// Whether Archy fills this text in at publish time: reclint cannot know it.
pub fn is_substitution(text: &str) -> bool {
    text.contains("{{")
}

/// Parses an Archy flow file; what does not parse is a located error.
pub fn parse(file: FileId, source: &SourceFile) -> Result<Template, ParseError> {
    let quoted = quote_substitutions(&source.text);
    let Some(quoted) = quoted else {
        return cloudformation::parse(file, source);
    };
    let rewritten = SourceFile::new(source.path.clone(), source.display.clone(), quoted);
    let mut template = cloudformation::parse(file, &rewritten)?;
    restore_substitutions(&mut template.root, &source.text);
    Ok(template)
}

/// The text with each unquoted substitution value single-quoted in place,
/// or `None` when there is none.
fn quote_substitutions(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let mut changed = false;
    for found in UNQUOTED_SUBSTITUTION.captures_iter(text) {
        let value = found.get(1).expect("the pattern has one group");
        bytes[value.start()] = b'\'';
        bytes[value.end() - 1] = b'\'';
        changed = true;
    }
    // Only ASCII braces were replaced by ASCII quotes.
    changed.then(|| String::from_utf8(bytes).expect("still UTF-8"))
}

/// Gives each string read from a quoted substitution its text as written.
fn restore_substitutions(node: &mut Json, original: &str) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        match &mut node.value {
            Value::String(text) => {
                let written = original
                    .get(node.span.start as usize..node.span.end as usize)
                    .unwrap_or("");
                if written.starts_with("{{") {
                    *text = written.to_string();
                }
            }
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(members) => pending.extend(members.iter_mut().map(|m| &mut m.value)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn read(text: &str) -> Result<Json, ParseError> {
        let source = SourceFile::new(PathBuf::from("flow.yaml"), "flow.yaml".into(), text.into());
        parse(FileId(0), &source).map(|t| t.root)
    }

    #[test]
    fn unquoted_substitutions_are_read_as_unknown_text() {
        let text = "inboundCall:\n  name: {{flow_name}}\n  initialGreeting:\n    tts: {{greeting}} # set per org\n  list:\n    - {{a}}-{{b}}\n";
        let root = read(text).expect("parses");
        let flow = root.get("inboundCall").expect("flow");
        let name = flow.get("name").expect("name");
        assert_eq!(name.as_str(), Some("{{flow_name}}"));
        assert_eq!(
            &text[name.span.start as usize..name.span.end as usize],
            "{{flow_name}}"
        );
        let greeting = flow.get("initialGreeting").and_then(|g| g.get("tts"));
        assert_eq!(greeting.and_then(Json::as_str), Some("{{greeting}}"));
        let listed = flow.get("list").map(Json::as_array).unwrap_or(&[]);
        assert_eq!(listed[0].as_str(), Some("{{a}}-{{b}}"));
        assert!(is_substitution("{{a}}-{{b}}"));
    }

    #[test]
    fn quoted_and_embedded_substitutions_are_left_as_written() {
        let text = "inboundCall:\n  name: \"{{flow_name}}\"\n  description: Flow for {{team}}\n";
        let root = read(text).expect("parses");
        let flow = root.get("inboundCall").expect("flow");
        assert_eq!(
            flow.get("name").and_then(Json::as_str),
            Some("{{flow_name}}")
        );
        assert_eq!(
            flow.get("description").and_then(Json::as_str),
            Some("Flow for {{team}}")
        );
    }

    #[test]
    fn broken_yaml_is_a_located_error() {
        let error = read("inboundCall:\n  name: [unclosed\n").expect_err("malformed");
        assert!(error.message.contains("malformed YAML"), "{}", error.message);
    }
}
