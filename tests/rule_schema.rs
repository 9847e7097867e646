//! `docs/custom-rule.schema.json`, the schema editors check custom rule files
//! with, held to what the loader (`src/custom`) does: the example policies
//! validate; a rule with every key the schema knows loads; the keys the
//! loader knows are the keys the schema knows; and rule files the loader
//! rejects for their structure are rejected by the schema too.

mod common;

use std::collections::BTreeSet;

use common::schema::Validator;
use common::{reclint, root, status, stderr, tree};
use serde_json::{Map, Value, json};

fn schema() -> Value {
    let path = root().join("docs/custom-rule.schema.json");
    let text = std::fs::read_to_string(&path).expect("docs/custom-rule.schema.json exists");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// A rule file as editors see it: TOML read as JSON.
fn as_json(toml_text: &str) -> Value {
    toml::from_str(toml_text).expect("the rule file is TOML")
}

const DIALPLAN: &str = "[sales-inbound]
exten => s,1,Answer()
 same => n,Playback(custom/approved-notice-v3)
 same => n,MixMonitor(${UNIQUEID}.wav,b)
 same => n,Queue(sales)
";

/// Runs `reclint check --select ACME900` on a tree whose only custom rule
/// is `rule` (code ACME900): status 2 when the loader rejects it.
fn load(name: &str, rule: &str) -> std::process::Output {
    let dir = tree(
        &format!("rule-schema-{name}"),
        &[
            ("reclint.toml", "rule-dirs = [\"policies\"]\n"),
            ("policies/ACME900.toml", rule),
            ("extensions.conf", DIALPLAN),
        ],
    );
    reclint(
        &dir,
        &["check", "--select", "ACME900", "--format", "concise"],
    )
}

#[test]
fn the_example_policies_validate() {
    let schema = schema();
    let validator = Validator::new(&schema);
    let dir = root().join("fixtures/policies");
    let mut kinds = BTreeSet::new();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/policies exists")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let is_rule = path.extension().is_some_and(|x| x == "toml")
            && path.file_name().is_some_and(|n| n != "reclint.toml");
        if !is_rule {
            continue;
        }
        let rule = as_json(&std::fs::read_to_string(&path).unwrap());
        let errors = validator.errors(&rule);
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        kinds.insert(rule["kind"].as_str().unwrap().to_string());
        checked += 1;
    }
    assert!(
        checked >= 4,
        "only {checked} rule files in fixtures/policies"
    );
    assert_eq!(
        kinds,
        BTreeSet::from(["condition", "pattern", "require"].map(String::from)),
        "the examples cover every kind"
    );
}

/// A value of every property `node` describes: the first of an enum or of
/// its `examples`, "x" (a valid regex and glob) for other strings, one item
/// for arrays.
fn sample(root: &Value, node: &Value) -> Value {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let target = root
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {reference}"));
        return sample(root, target);
    }
    if let Some(options) = node.get("enum").and_then(Value::as_array) {
        return options[0].clone();
    }
    if let Some(examples) = node.get("examples").and_then(Value::as_array) {
        return examples[0].clone();
    }
    if node.get("type").is_none()
        && let Some(options) = node.get("anyOf").and_then(Value::as_array)
    {
        return sample(root, &options[0]);
    }
    match node["type"].as_str() {
        Some("string") => json!("x"),
        Some("boolean") => json!(true),
        Some("array") => json!([sample(root, &node["items"])]),
        Some("object") => Value::Object(
            properties(node)
                .map(|(name, property)| (name.clone(), sample(root, property)))
                .collect(),
        ),
        other => panic!("no sample for type {other:?} in {node}"),
    }
}

/// The properties of an object schema, without those it forbids (`false`).
fn properties(node: &Value) -> impl Iterator<Item = (&String, &Value)> {
    node["properties"]
        .as_object()
        .expect("an object schema with properties")
        .iter()
        .filter(|(_, p)| **p != Value::Bool(false))
}

fn property_names(node: &Value) -> BTreeSet<String> {
    properties(node).map(|(name, _)| name.clone()).collect()
}

/// A rule of `kind` with every key the schema allows for it.
fn kitchen_sink(schema: &Value, kind: &str, table: &str) -> Value {
    let mut rule = Map::new();
    for (name, property) in properties(schema) {
        if !["code", "name", "kind", "pattern", "when", "require"].contains(&name.as_str()) {
            rule.insert(name.clone(), sample(schema, property));
        }
    }
    rule.insert("code".into(), json!("ACME900"));
    rule.insert("name".into(), json!("kitchen-sink"));
    rule.insert("kind".into(), json!(kind));
    rule.insert(table.into(), sample(schema, &schema["definitions"][table]));
    Value::Object(rule)
}

#[test]
fn a_rule_with_every_key_of_the_schema_loads() {
    let schema = schema();
    let validator = Validator::new(&schema);
    for (kind, table) in [
        ("pattern", "pattern"),
        ("condition", "when"),
        ("require", "require"),
    ] {
        let rule = kitchen_sink(&schema, kind, table);
        assert_eq!(validator.errors(&rule), Vec::<String>::new(), "{rule:#}");
        let text = toml::to_string(&rule).expect("a rule is TOML");
        let out = load(&format!("every-key-{kind}"), &text);
        assert_ne!(
            status(&out),
            2,
            "the loader rejects a rule the schema accepts:\n{text}\n{}",
            stderr(&out)
        );
    }
}

/// The keys an "unknown key ...; the keys here are ..." error lists.
fn expected_keys(err: &str) -> BTreeSet<String> {
    let start = err
        .find("keys here are")
        .unwrap_or_else(|| panic!("no list of keys in:\n{err}"));
    let end = err[start..].find('╭').map_or(err.len(), |i| start + i);
    // Undo miette's wrapping, which may break a word after a hyphen.
    let mut text = String::new();
    for line in err[start..end].lines() {
        let line = line.trim().trim_start_matches('│').trim();
        if !text.is_empty() && !text.ends_with('-') {
            text.push(' ');
        }
        text.push_str(line);
    }
    let key = regex::Regex::new("`([^`]+)`").unwrap();
    key.captures_iter(&text).map(|c| c[1].to_string()).collect()
}

const HEADER: &str = "code = \"ACME900\"
name = \"schema-test\"
severity = \"error\"
summary = \"A test rule.\"
";

#[test]
fn the_schema_knows_the_keys_the_loader_knows() {
    let schema = schema();
    let definitions = &schema["definitions"];
    let cases = [
        (
            "top",
            format!("{HEADER}colour = 1\nkind = \"condition\"\n[when]\n"),
            &schema,
        ),
        (
            "pattern",
            format!("{HEADER}kind = \"pattern\"\n[pattern]\ncolour = 1\n"),
            &definitions["pattern"],
        ),
        (
            "when",
            format!("{HEADER}kind = \"condition\"\n[when]\ncolour = 1\n"),
            &definitions["when"],
        ),
        (
            "require",
            format!("{HEADER}kind = \"require\"\n[require]\ncolour = 1\n"),
            &definitions["require"],
        ),
        (
            "reference",
            format!(
                "{HEADER}kind = \"condition\"\n[when]\n[[references]]\ntitle = \"t\"\nurl = \"u\"\ncolour = 1\n"
            ),
            &definitions["reference"],
        ),
    ];
    for (name, rule, node) in cases {
        let out = load(&format!("keys-{name}"), &rule);
        let err = stderr(&out);
        assert_eq!(status(&out), 2, "{name}: {err}");
        assert!(err.contains("unknown key `colour`"), "{name}: {err}");
        assert_eq!(
            expected_keys(&err),
            property_names(node),
            "{name}: the loader's keys (left) differ from the schema's (right)"
        );
    }
}

#[test]
fn rules_the_loader_rejects_for_their_structure_the_schema_rejects() {
    let pattern = format!(
        "{HEADER}kind = \"pattern\"\n[pattern]\nfield = \"recording-target\"\nregex = '.+'\n"
    );
    let condition = format!("{HEADER}kind = \"condition\"\n[when]\ncontext = [\"sales*\"]\n");
    let require = format!("{HEADER}kind = \"require\"\n[require]\nprompt = 'notice-v3'\n");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "unknown-key",
            pattern.replace("kind =", "colour = \"red\"\nkind ="),
            "unknown key `colour`",
        ),
        (
            "unknown-pattern-key",
            format!("{pattern}flags = \"i\"\n"),
            "unknown key `flags`",
        ),
        (
            "unknown-when-key",
            format!("{condition}consent = [\"none\"]\n"),
            "unknown key `consent`",
        ),
        (
            "unknown-require-key",
            format!("{require}prompts = 'x'\n"),
            "unknown key `prompts`",
        ),
        (
            "unknown-reference-key",
            format!("{condition}[[references]]\ntitle = \"t\"\nurl = \"u\"\nlink = \"l\"\n"),
            "unknown key `link`",
        ),
        (
            "unknown-kind",
            pattern.replace("kind = \"pattern\"", "kind = \"magic\""),
            "unknown rule kind `magic`",
        ),
        (
            "bad-field",
            pattern.replace("recording-target", "target"),
            "unknown pattern field `target`",
        ),
        (
            "bad-severity",
            pattern.replace("\"error\"", "\"fatal\""),
            "unknown value `fatal`",
        ),
        (
            "bad-format",
            pattern.replace("kind =", "formats = [\"nice-cxone\"]\nkind ="),
            "unknown format `nice-cxone`",
        ),
        (
            "bad-consent-state",
            format!("{condition}consent-state = [\"maybe\"]\n"),
            "unknown consent state `maybe`",
        ),
        (
            "bad-capture",
            format!("{condition}capture = [\"always\"]\n"),
            "unknown capture `always`",
        ),
        (
            "bad-legal-basis",
            format!("{condition}legal-basis = [\"whim\"]\n"),
            "unknown legal basis `whim`",
        ),
        (
            "bad-before",
            format!("{require}before = \"answer\"\n"),
            "unknown `before` value `answer`",
        ),
        (
            "purpose-not-a-string",
            format!("{condition}purpose = 7\n"),
            "expected a text or a list of texts",
        ),
        (
            "notice-before-not-a-boolean",
            format!("{condition}notice-before = \"yes\"\n"),
            "expected true or false",
        ),
        (
            "missing-summary",
            pattern.replace("summary = \"A test rule.\"\n", ""),
            "missing field `summary`",
        ),
        (
            "missing-regex",
            pattern.replace("regex = '.+'\n", ""),
            "missing field `regex`",
        ),
        (
            "missing-reference-url",
            format!("{condition}[[references]]\ntitle = \"t\"\n"),
            "missing field `url`",
        ),
        (
            "missing-table",
            format!("{HEADER}kind = \"pattern\"\n"),
            "a `pattern` rule needs a [pattern] table",
        ),
        (
            "table-of-another-kind",
            pattern.replace("kind = \"pattern\"", "kind = \"condition\""),
            "[pattern] does not belong to a `condition` rule",
        ),
        (
            "nothing-required",
            format!("{HEADER}kind = \"require\"\n[require]\nbefore = \"recording\"\n"),
            "[require] names nothing to require",
        ),
        (
            "reserved-prefix",
            pattern.replace("ACME900", "REC900"),
            "uses the prefix REC",
        ),
        (
            "lower-case-code",
            pattern.replace("ACME900", "acme900"),
            "is not upper-case",
        ),
        (
            "name-not-kebab-case",
            pattern.replace("schema-test", "Schema_Test"),
            "is not kebab-case",
        ),
    ];
    let schema = schema();
    let validator = Validator::new(&schema);
    // The bases are valid, so each case fails for its one change.
    for (name, base) in [
        ("pattern", &pattern),
        ("condition", &condition),
        ("require", &require),
    ] {
        let out = load(&format!("valid-{name}"), base);
        assert_ne!(status(&out), 2, "{name}: {}", stderr(&out));
        assert_eq!(
            validator.errors(&as_json(base)),
            Vec::<String>::new(),
            "{name}"
        );
    }
    for (name, rule, message) in cases {
        let out = load(name, &rule);
        let err = stderr(&out);
        assert_eq!(status(&out), 2, "{name}: the loader accepts\n{rule}\n{err}");
        assert!(err.contains(message), "{name}: {err}");
        assert!(
            !validator.errors(&as_json(&rule)).is_empty(),
            "{name}: the loader rejects this rule but the schema accepts it:\n{rule}"
        );
    }
}

/// The formats a rule may name are the front ends' formats, in their order.
#[test]
fn the_schema_names_the_formats_the_front_ends_read() {
    let schema = schema();
    let formats = find_key(&schema, "formats").expect("the schema has `formats`");
    let named: Vec<&str> = formats["items"]["enum"]
        .as_array()
        .expect("an enum of formats")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(named, reclint::discover::format_names());
}

/// The first value under `key`, anywhere in `value`.
fn find_key<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|v| find_key(v, key))),
        Value::Array(items) => items.iter().find_map(|v| find_key(v, key)),
        _ => None,
    }
}
