//! The machine-readable output formats: SARIF against the official schema and
//! what GitHub code scanning needs, GitHub annotations against command
//! injection, GitLab fingerprints, and well-formed Checkstyle and JUnit XML.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use reclint::check::{self, CheckOptions};

mod common;
use common::schema;
use reclint::finding::{Finding, Label, Severity, TraceStep};
use reclint::report::{
    Outcome, Reported, Suppression, SuppressionKind, checkstyle, concise, github, gitlab, junit,
    sarif,
};
use reclint::rules::Registry;
use reclint::source::{FileId, LineCol, SourceFile, SourceMap, Span};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn registry() -> Registry {
    Registry::builtin().expect("rules load")
}

const DEMO: &str = "fixtures/demo/contact-centre";
const DATATILSYNET: &str = "fixtures/asterisk/cases/case_datatilsynet_2021";

/// What a renderer reads: the findings and the files they point into.
struct Linted {
    sources: SourceMap,
    outcome: Outcome,
}

fn linted(run: check::CheckRun) -> Linted {
    Linted {
        sources: run.sources,
        outcome: run.outcome,
    }
}

/// Lints a fixture from the repository root, with its reclint.toml if it has one.
fn run_fixture(fixture: &str, registry: &Registry) -> Linted {
    let options = common::fixture_options(fixture);
    linted(check::run(&options, &root(), registry).expect("check runs"))
}

/// A file in a hand-made source map.
fn add_file(sources: &mut SourceMap, display: &str, text: &str) -> FileId {
    sources.add(SourceFile::new(
        PathBuf::from(display),
        display.to_string(),
        text.to_string(),
    ))
}

/// A finding made by hand, for paths and messages no fixture has.
fn reported(
    rule: &'static str,
    severity: Severity,
    path: &str,
    span: Span,
    message: &str,
    fingerprint: &str,
) -> Reported {
    Reported {
        finding: Finding::new(rule, Label::new(span, "here"), message),
        severity,
        path: path.to_string(),
        start: LineCol { line: 1, column: 1 },
        end: LineCol { line: 1, column: 5 },
        fingerprint: fingerprint.to_string(),
        suppression: None,
    }
}

/// Marks findings of the demo run as suppressed in each of the three ways.
fn with_suppressions(run: &mut Linted) {
    let kinds = [
        SuppressionKind::Inline,
        SuppressionKind::Config,
        SuppressionKind::Baseline,
    ];
    assert!(
        run.outcome.reported.len() >= kinds.len(),
        "the demo tree has findings"
    );
    for (r, kind) in run.outcome.reported.iter_mut().zip(kinds) {
        r.suppression = Some(Suppression {
            kind,
            reason: format!("accepted in DPIA-7 ({})", kind.as_str()),
            span: (kind == SuppressionKind::Inline).then_some(r.finding.primary.span),
            expires: None,
        });
    }
}

fn sarif_schema() -> Option<Value> {
    let path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the schema is JSON")),
        Err(_) => {
            eprintln!(
                "skipped: no SARIF schema at {} (shared/ is not next to the repository)",
                path.display()
            );
            None
        }
    }
}

fn sarif_of(run: &Linted, registry: &Registry) -> Value {
    let text = sarif::render(&run.outcome, &run.sources, registry);
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

#[test]
fn validator_checks_each_keyword_it_supports() {
    let schema = serde_json::json!({
        "definitions": {
            "positive": { "type": "integer", "minimum": 1 },
            "either": { "oneOf": [ { "required": ["a"] }, { "required": ["b"] } ] }
        },
        "type": "object",
        "additionalProperties": false,
        "required": ["n", "tags"],
        "properties": {
            "n": { "$ref": "#/definitions/positive" },
            "tags": { "type": "array", "minItems": 1, "uniqueItems": true,
                      "items": { "type": "string", "pattern": "^[a-z]+$" } },
            "kind": { "enum": ["x", "y"] },
            "link": { "type": "string", "format": "uri" },
            "any": { "anyOf": [ { "type": "string" }, { "type": "null" } ] },
            "pair": { "$ref": "#/definitions/either" },
            "free": { "type": "object", "additionalProperties": { "type": "boolean" } }
        }
    });
    let validator = schema::Validator::new(&schema);
    let valid = serde_json::json!({
        "n": 3, "tags": ["a", "b"], "kind": "x", "link": "https://example.org/a%20b",
        "any": null, "pair": { "a": 1 }, "free": { "k": true }
    });
    assert_eq!(validator.errors(&valid), Vec::<String>::new());
    let cases = [
        (
            serde_json::json!({ "tags": ["a"] }),
            "required property `n`",
        ),
        (serde_json::json!({ "n": 0, "tags": ["a"] }), "/n: 0"),
        (
            serde_json::json!({ "n": "1", "tags": ["a"] }),
            "/n: \"1\" is not of type",
        ),
        (
            serde_json::json!({ "n": 1, "tags": [] }),
            "/tags: fewer than 1",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a", "a"] }),
            "/tags/1: duplicate",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["A"] }),
            "/tags/0: \"A\" does not match",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "kind": "z" }),
            "/kind: \"z\" is not one of",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "link": "no scheme" }),
            "/link",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "any": 1 }),
            "/any: 0 of the anyOf",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "pair": { "a": 1, "b": 2 } }),
            "/pair: 2 of the oneOf",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "pair": {} }),
            "/pair: 0 of the oneOf",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "free": { "k": 1 } }),
            "/free/k",
        ),
        (
            serde_json::json!({ "n": 1, "tags": ["a"], "extra": 1 }),
            "/extra: property `extra` is not allowed",
        ),
    ];
    for (instance, expected) in cases {
        let errors = validator.errors(&instance);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{instance}: expected an error containing {expected:?}, got {errors:?}"
        );
    }
}

#[test]
#[should_panic(expected = "unsupported JSON Schema keyword `not`")]
fn validator_refuses_keywords_it_does_not_know() {
    let schema = serde_json::json!({ "not": { "type": "string" } });
    schema::Validator::new(&schema).errors(&Value::Null);
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let validator = schema::Validator::new(&schema);
    let registry = registry();
    let mut demo = run_fixture(DEMO, &registry);
    with_suppressions(&mut demo);
    let mut documents = vec![
        ("demo", sarif_of(&demo, &registry)),
        (
            "datatilsynet",
            sarif_of(&run_fixture(DATATILSYNET, &registry), &registry),
        ),
        ("adversarial", sarif_of(&adversarial_run(), &registry)),
    ];
    let empty = Linted {
        sources: SourceMap::default(),
        outcome: Outcome {
            reported: Vec::new(),
            files: 0,
        },
    };
    documents.push(("empty", sarif_of(&empty, &registry)));
    for (name, document) in &documents {
        let errors = validator.errors(document);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }

    // The same validator on broken copies of a real log: it is not vacuous.
    let valid = &documents[0].1;
    let broken: Vec<(&str, Value, &str)> = vec![
        ("/version", Value::Null, "required property `version`"),
        (
            "/runs/0/results/0/level",
            "fatal".into(),
            "/runs/0/results/0/level",
        ),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            0.into(),
            "startLine: 0",
        ),
        (
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
            "my file.conf".into(),
            "not a valid uri-reference",
        ),
        (
            "/runs/0/results/0/bogus",
            1.into(),
            "property `bogus` is not allowed",
        ),
        (
            "/runs/0/tool/driver/rules/0/properties/tags",
            serde_json::json!(["gdpr", "gdpr"]),
            "duplicate item",
        ),
        (
            "/runs/0/results/0/suppressions/0/kind",
            "inline".into(),
            "/suppressions/0/kind",
        ),
        ("/runs/0/results/0/ruleIndex", "0".into(), "is not of type"),
        ("/runs/0/columnKind", "bytes".into(), "/runs/0/columnKind"),
        (
            "/runs/0/tool/driver/rules/0/helpUri",
            "no scheme".into(),
            "not a valid uri",
        ),
    ];
    for (pointer, value, expected) in broken {
        let mut document = valid.clone();
        set(&mut document, pointer, value);
        let errors = validator.errors(&document);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{pointer}: expected an error containing {expected:?}, got {errors:#?}"
        );
    }
}

/// Sets (or, with `null` for a missing parent's child, removes) the value at a JSON pointer.
fn set(document: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = document
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{pointer} has no parent"));
    match parent {
        Value::Object(object) if value.is_null() => {
            object.remove(key);
        }
        Value::Object(object) => {
            object.insert(key.to_string(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("cannot set {pointer} in {other}"),
    }
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let registry = registry();
    let mut demo = run_fixture(DEMO, &registry);
    with_suppressions(&mut demo);
    let datatilsynet = run_fixture(DATATILSYNET, &registry);
    for run in [&demo, &datatilsynet] {
        let document = sarif_of(run, &registry);
        check_github_requirements(&document, &registry);
        let results = document["runs"][0]["results"].as_array().unwrap();
        assert_eq!(
            results.len(),
            run.outcome.reported.len(),
            "suppressed findings are results too"
        );
    }
}

fn check_github_requirements(document: &Value, registry: &Registry) {
    assert_eq!(
        document["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(document["version"], "2.1.0");
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "reclint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), registry.rules.len(), "every rule is listed");
    let mut ids = Vec::new();
    for (rule, descriptor) in registry.rules.iter().zip(rules) {
        let id = descriptor["id"].as_str().unwrap();
        assert_eq!(id, rule.meta.code);
        ids.push(id);
        assert_eq!(descriptor["name"], rule.meta.name.as_str());
        assert!(descriptor["name"].as_str().unwrap().chars().count() <= 255);
        for field in ["shortDescription", "fullDescription"] {
            let text = descriptor[field]["text"].as_str().unwrap();
            assert!(!text.trim().is_empty(), "{id} {field}");
            assert!(text.chars().count() <= 1024, "{id} {field}");
        }
        assert_eq!(
            descriptor["shortDescription"]["text"],
            rule.meta.summary.as_str()
        );
        assert!(
            !descriptor["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .contains("## "),
            "{id}: fullDescription is the first paragraph, not the whole explanation"
        );
        let help = &descriptor["help"];
        assert!(!help["text"].as_str().unwrap().trim().is_empty(), "{id}");
        let markdown = help["markdown"].as_str().unwrap();
        assert!(markdown.contains("## Why is this bad?"), "{id}");
        for reference in &rule.meta.references {
            assert!(markdown.contains(&reference.url), "{id}: {}", reference.url);
        }
        match rule.url() {
            Some(url) => assert_eq!(descriptor["helpUri"], url),
            None => assert!(descriptor.get("helpUri").is_none()),
        }
        let level = descriptor["defaultConfiguration"]["level"]
            .as_str()
            .unwrap();
        assert_eq!(
            level,
            match rule.meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            }
        );
        let tags = descriptor["properties"]["tags"].as_array().unwrap();
        assert!(!tags.is_empty() && tags.len() <= 10, "{id}: {tags:?}");
        // The frameworks and provisions the rule enforces are its tags, and
        // give it a security severity GitHub ranks it by.
        for tag in &rule.meta.tags {
            assert!(tags.contains(&Value::from(tag.as_str())), "{id}: {tag}");
        }
        let security = descriptor["properties"].get("security-severity");
        match security.and_then(Value::as_str) {
            Some(score) => {
                assert!(!rule.meta.tags.is_empty(), "{id}");
                let score: f64 = score.parse().expect("a number");
                assert!((0.0..=10.0).contains(&score), "{id}: {score}");
            }
            None => assert!(rule.meta.tags.is_empty(), "{id}: no security-severity"),
        }
    }
    for result in run["results"].as_array().unwrap() {
        let rule_id = result["ruleId"].as_str().unwrap();
        assert!(
            ids.contains(&rule_id),
            "{rule_id} is not in tool.driver.rules"
        );
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule_id);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(
            !result["message"]["text"]
                .as_str()
                .unwrap()
                .trim()
                .is_empty()
        );
        let fingerprint = result["partialFingerprints"]["reclintFingerprint/v1"]
            .as_str()
            .unwrap();
        assert!(!fingerprint.is_empty());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let mut all_locations: Vec<&Value> = locations.iter().collect();
        let related = result
            .get("relatedLocations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert!(related.len() <= 100);
        let related_ids: BTreeSet<u64> =
            related.iter().map(|l| l["id"].as_u64().unwrap()).collect();
        assert_eq!(
            related_ids.len(),
            related.len(),
            "related location ids are unique"
        );
        let flows: Vec<Value> = result
            .get("codeFlows")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut flow_locations = Vec::new();
        for flow in &flows {
            for thread in flow["threadFlows"].as_array().unwrap() {
                let steps = thread["locations"].as_array().unwrap();
                assert!(!steps.is_empty() && steps.len() <= 1000);
                for step in steps {
                    assert!(
                        !step["location"]["message"]["text"]
                            .as_str()
                            .unwrap()
                            .is_empty()
                    );
                    flow_locations.push(step["location"].clone());
                }
            }
        }
        all_locations.extend(related.iter());
        all_locations.extend(flow_locations.iter());
        for location in all_locations {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            assert!(!uri.is_empty());
            assert!(
                schema::scheme(uri).is_none() && !uri.starts_with('/') && !uri.contains('\\'),
                "{uri} is not a relative URI reference"
            );
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let region = &physical["region"];
            let number = |k: &str| region[k].as_u64().unwrap_or_else(|| panic!("{k}"));
            assert!(number("startLine") >= 1 && number("startColumn") >= 1);
            assert!(number("endLine") >= number("startLine"));
            if number("endLine") == number("startLine") {
                assert!(number("endColumn") >= number("startColumn"));
            }
        }
    }
}

#[test]
fn sarif_keeps_suppressed_findings_with_their_justification() {
    let registry = registry();
    let mut demo = run_fixture(DEMO, &registry);
    with_suppressions(&mut demo);
    let document = sarif_of(&demo, &registry);
    let results = document["runs"][0]["results"].as_array().unwrap();
    let mut kinds = Vec::new();
    for (r, result) in demo.outcome.reported.iter().zip(results) {
        assert_eq!(result["ruleId"], r.finding.rule);
        assert_eq!(
            result["partialFingerprints"]["reclintFingerprint/v1"],
            r.fingerprint.as_str()
        );
        match &r.suppression {
            None => assert!(result.get("suppressions").is_none()),
            Some(s) => {
                let suppressions = result["suppressions"].as_array().unwrap();
                assert_eq!(suppressions.len(), 1);
                let entry = &suppressions[0];
                assert_eq!(entry["status"], "accepted");
                assert_eq!(entry["justification"], s.reason.as_str());
                kinds.push(entry["kind"].as_str().unwrap().to_string());
                assert_eq!(
                    entry.get("location").is_some(),
                    s.span.is_some(),
                    "an inline suppression points at its comment"
                );
            }
        }
    }
    assert_eq!(kinds, ["inSource", "external", "external"]);

    // A suppression the pipeline itself applies (an inline ignore with a reason).
    let run = run_fixture("fixtures/asterisk/REC911/ok_reason_given.conf", &registry);
    let document = sarif_of(&run, &registry);
    let suppressed: Vec<&Value> = document["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), run.outcome.suppressed());
    for result in suppressed {
        assert_eq!(result["suppressions"][0]["kind"], "inSource");
    }
}

#[test]
fn sarif_uris_are_percent_encoded_and_flows_follow_the_trace() {
    let registry = registry();
    let run = adversarial_run();
    let document = sarif_of(&run, &registry);
    let result = &document["runs"][0]["results"][0];
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(
        uri,
        "dir%20with%20space/a,b%3Ac%25%0D%0A%3A%3Aerror%3A%3Ax%23%3F%C3%B8.conf"
    );
    let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(steps.len(), run.outcome.reported[0].finding.trace.len());
    assert_eq!(steps[1]["location"]["message"]["text"], "MixMonitor(x.wav)");
    assert_eq!(
        steps[1]["location"]["physicalLocation"]["region"]["startLine"],
        2
    );
    let related = result["relatedLocations"].as_array().unwrap();
    assert_eq!(related[0]["id"], 1);
    assert_eq!(related[0]["message"]["text"], "calls enter here");
    check_github_requirements(&document, &registry);
}

#[test]
fn sarif_respects_githubs_size_limits() {
    let registry = registry();
    let mut sources = SourceMap::default();
    let text = "x\n".repeat(20);
    let file = add_file(&mut sources, "big.conf", &text);
    let span = Span::new(file, 0, 1);
    let mut finding = reported("REC003", Severity::Warning, "big.conf", span, "m", "f");
    finding.finding.trace = (0..1500)
        .map(|i| TraceStep {
            span,
            region: "[r]".into(),
            text: format!("step {i}").into(),
        })
        .collect();
    finding.finding.related = (0..150).map(|_| Label::new(span, "r")).collect();
    let mut all = vec![finding];
    for i in 0..sarif::MAX_RESULTS {
        all.push(reported(
            "REC001",
            if i == 0 {
                Severity::Error
            } else {
                Severity::Info
            },
            "big.conf",
            span,
            "m",
            &i.to_string(),
        ));
    }
    let outcome = Outcome {
        reported: all,
        files: 1,
    };
    let document: Value =
        serde_json::from_str(&sarif::render(&outcome, &sources, &registry)).unwrap();
    let run = &document["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    // The warning and the error are kept; one info goes.
    assert_eq!(results[0]["level"], "warning");
    assert_eq!(results[1]["level"], "error");
    let notification = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        notification.starts_with("1 of 25001 findings"),
        "{notification}"
    );
    let steps = results[0]["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(steps.len(), sarif::MAX_THREAD_FLOW_LOCATIONS);
    assert_eq!(steps[0]["location"]["message"]["text"], "step 0");
    assert_eq!(steps[999]["location"]["message"]["text"], "step 1499");
    assert!(
        steps[500]["location"]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("(500 steps left out)")
    );
    assert_eq!(
        results[0]["relatedLocations"].as_array().unwrap().len(),
        sarif::MAX_RELATED_LOCATIONS
    );
}

// ---------------------------------------------------------------------------
// Findings with hostile paths and messages.
// ---------------------------------------------------------------------------

const HOSTILE_PATH: &str = "dir with space/a,b:c%\r\n::error::x#?ø.conf";
const HOSTILE_MESSAGE: &str =
    "100% evil, really: done\r\n::error file=x.conf::forged\n::stop-commands::token";

fn adversarial_run() -> Linted {
    let mut sources = SourceMap::default();
    let text = "[from-pstn]\n same => n,MixMonitor(x.wav)\n";
    let file = add_file(&mut sources, HOSTILE_PATH, text);
    let entry = Span::new(file, 0, 11);
    let record = Span::new(file, 13, 40);
    let mut first = reported(
        "REC003",
        Severity::Error,
        HOSTILE_PATH,
        record,
        HOSTILE_MESSAGE,
        "0123456789abcdef",
    );
    first.start = LineCol { line: 2, column: 2 };
    first.end = LineCol {
        line: 2,
        column: 29,
    };
    first.finding.related = vec![Label::new(entry, "calls enter here")];
    first.finding.trace = vec![
        TraceStep {
            span: entry,
            region: "[from-pstn]".into(),
            text: "call enters [from-pstn]".into(),
        },
        TraceStep {
            span: record,
            region: "[from-pstn]".into(),
            text: "MixMonitor(x.wav)".into(),
        },
    ];
    let second = reported(
        "REC009",
        Severity::Warning,
        "plain.conf",
        entry,
        "a:b,c",
        "fedcba9876543210",
    );
    let third = reported(
        "REC901",
        Severity::Info,
        HOSTILE_PATH,
        entry,
        "%0A is not a newline",
        "1111",
    );
    Linted {
        sources,
        outcome: Outcome {
            reported: vec![first, second, third],
            files: 1,
        },
    }
}

/// One workflow command, decoded as the runner does (`ActionCommand.cs`:
/// properties split on `,` and the first `=`; data after the second `::`;
/// `%25` decoded last).
struct WorkflowCommand {
    command: String,
    properties: BTreeMap<String, String>,
    data: String,
}

fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.trim_start().strip_prefix("::")?;
    let (head, data) = rest.split_once("::")?;
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (key, value) = p.split_once('=').expect("key=value");
            (key.to_string(), unescape_property(value))
        })
        .collect();
    Some(WorkflowCommand {
        command: command.to_string(),
        properties,
        data: unescape_data(data),
    })
}

fn unescape_data(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

fn unescape_property(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_cannot_be_broken_out_of() {
    let registry = registry();
    let run = adversarial_run();
    let output = github::render(&run.outcome, &run.sources, &registry);
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(
        lines.len(),
        run.outcome.reported.len() + 1,
        "one line per annotation and the summary:\n{output}"
    );
    assert!(!output.contains('\r'));
    let summary = reclint::report::human::summary(&run.outcome);
    assert_eq!(*lines.last().unwrap(), summary);
    for (line, r) in lines.iter().zip(&run.outcome.reported) {
        let expected_command = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        assert!(
            line.starts_with(&format!("::{expected_command} ")),
            "{line}"
        );
        let parsed = parse_command(line).expect("a workflow command");
        assert_eq!(parsed.command, expected_command);
        let keys: Vec<&str> = parsed.properties.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["col", "endColumn", "endLine", "file", "line", "title"],
            "{line}"
        );
        assert_eq!(parsed.properties["file"], r.path);
        assert_eq!(parsed.properties["line"], r.start.line.to_string());
        assert_eq!(parsed.properties["col"], r.start.column.to_string());
        assert_eq!(parsed.properties["endLine"], r.end.line.to_string());
        assert_eq!(parsed.properties["endColumn"], r.end.column.to_string());
        let rule = registry.get(r.finding.rule);
        assert_eq!(
            parsed.properties["title"],
            format!("{} {}", rule.meta.code, rule.meta.name)
        );
        assert_eq!(
            parsed.data,
            format!(
                "{}:{}:{}: {}",
                r.path, r.start.line, r.start.column, r.finding.message
            )
        );
    }
    // The summary line is not a command.
    assert!(parse_command(&summary).is_none());
}

#[test]
fn github_notes_when_annotations_will_be_cut() {
    let registry = registry();
    let mut sources = SourceMap::default();
    let file = add_file(&mut sources, "x.conf", "x\n");
    let span = Span::new(file, 0, 1);
    let few = Outcome {
        reported: (0..10)
            .map(|i| {
                reported(
                    "REC001",
                    Severity::Error,
                    "x.conf",
                    span,
                    "m",
                    &i.to_string(),
                )
            })
            .collect(),
        files: 1,
    };
    let output = github::render(&few, &sources, &registry);
    assert!(!output.contains("::notice"), "{output}");
    let many = Outcome {
        reported: (0..11)
            .map(|i| {
                reported(
                    "REC009",
                    Severity::Warning,
                    "x.conf",
                    span,
                    "m",
                    &i.to_string(),
                )
            })
            .collect(),
        files: 1,
    };
    let output = github::render(&many, &sources, &registry);
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 1 + 11 + 1);
    let notice = parse_command(lines[0]).expect("the notice comes first");
    assert_eq!(notice.command, "notice");
    assert!(notice.data.contains("--format sarif"), "{}", notice.data);
    assert!(notice.data.contains("11 warnings"), "{}", notice.data);
    assert_eq!(
        output.matches("::notice").count(),
        1,
        "exactly one notice:\n{output}"
    );
    for line in &lines[1..12] {
        assert!(line.starts_with("::warning "), "{line}");
    }
}

#[test]
fn github_annotations_for_a_hostile_directory_name_on_disk() {
    // The whole pipeline, with a directory whose name holds every character
    // that matters to workflow commands.
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("formats-hostile");
    let _ = std::fs::remove_dir_all(&base);
    let dir_name = "a,b:c%\r\n::error::x";
    let dir = base.join(dir_name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("extensions.conf"),
        "[from-pstn]\nexten => _X.,1,Answer()\n same => n,MixMonitor(${UNIQUEID}.wav)\n same => n,Dial(PJSIP/agent,30)\n",
    )
    .unwrap();
    let registry = registry();
    let options = CheckOptions {
        paths: vec![PathBuf::from(dir_name)],
        no_config: true,
        ..CheckOptions::default()
    };
    let run = linted(check::run(&options, &base, &registry).expect("check runs"));
    assert!(
        run.outcome.active().count() > 0,
        "the recording without notice is found"
    );
    let output = github::render(&run.outcome, &run.sources, &registry);
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), run.outcome.active().count() + 1, "{output}");
    for line in &lines[..lines.len() - 1] {
        let parsed = parse_command(line).unwrap();
        assert!(["error", "warning", "notice"].contains(&parsed.command.as_str()));
        assert_eq!(
            parsed.properties["file"],
            format!("{dir_name}/extensions.conf")
        );
        assert!(
            parsed
                .data
                .starts_with(&format!("{dir_name}/extensions.conf:"))
        );
    }
    // SARIF of the same run: the name is one encoded URI.
    let document = sarif_of(&run, &registry);
    check_github_requirements(&document, &registry);
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn concise_is_one_line_per_finding() {
    let registry = registry();
    let mut run = run_fixture(DEMO, &registry);
    run.outcome.reported[0].suppression = Some(Suppression {
        kind: SuppressionKind::Config,
        reason: "accepted".into(),
        span: None,
        expires: None,
    });
    let output = concise::render(&run.outcome, &run.sources, &registry);
    let lines: Vec<&str> = output.lines().collect();
    let active: Vec<&Reported> = run.outcome.active().collect();
    // The findings, the summary, and where to read more.
    assert_eq!(lines.len(), active.len() + 2);
    for (line, r) in lines.iter().zip(&active) {
        let rule = registry.get(r.finding.rule);
        assert_eq!(
            *line,
            format!(
                "{}:{}:{}: {} {} {}",
                r.path,
                r.start.line,
                r.start.column,
                rule.meta.code,
                rule.meta.name,
                r.finding.message
            )
        );
    }
    assert_eq!(
        lines[active.len()],
        reclint::report::human::summary(&run.outcome)
    );
    assert!(lines[active.len() + 1].contains("`reclint check`"));
    let hostile = adversarial_run();
    let output = concise::render(&hostile.outcome, &hostile.sources, &registry);
    assert_eq!(output.lines().count(), hostile.outcome.reported.len() + 2);
}

#[test]
fn gitlab_fingerprints_are_unique_and_stable() {
    let registry = registry();
    let mut sources = SourceMap::default();
    let file = add_file(&mut sources, "x.conf", "x\n");
    let span = Span::new(file, 0, 1);
    let mut findings: Vec<Reported> = (0..4)
        .map(|_| reported("REC001", Severity::Error, "x.conf", span, "same", "abc"))
        .collect();
    findings.push(reported(
        "REC009",
        Severity::Warning,
        "x.conf",
        span,
        "w",
        "",
    ));
    findings.push(reported(
        "REC901",
        Severity::Info,
        "x.conf",
        span,
        "i",
        "def",
    ));
    let mut suppressed = reported("REC001", Severity::Error, "x.conf", span, "s", "zzz");
    suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::Baseline,
        reason: "known".into(),
        span: None,
        expires: None,
    });
    findings.push(suppressed);
    let outcome = Outcome {
        reported: findings,
        files: 1,
    };
    let text = gitlab::render(&outcome, &sources, &registry);
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    assert_eq!(text, gitlab::render(&outcome, &sources, &registry));
    let issues: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(issues.len(), 6, "suppressed findings are left out");
    let fingerprints: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len(), "{fingerprints:?}");
    assert_eq!(
        issues[0]["fingerprint"], "abc",
        "the first keeps its fingerprint"
    );
    assert_eq!(issues[5]["fingerprint"], "def");
    for issue in &issues {
        assert!(!issue["fingerprint"].as_str().unwrap().is_empty());
        assert!(!issue["description"].as_str().unwrap().is_empty());
        assert!(issue["check_name"].as_str().unwrap().starts_with("REC"));
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert_eq!(issue["location"]["path"], "x.conf");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        ["major", "major", "major", "major", "minor", "info"]
    );

    // A real run: its fingerprints are the line-independent ones.
    let run = run_fixture(DEMO, &registry);
    let issues: Vec<Value> =
        serde_json::from_str(&gitlab::render(&run.outcome, &run.sources, &registry)).unwrap();
    assert_eq!(issues.len(), run.outcome.active().count());
    let unique: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), issues.len());
}

// ---------------------------------------------------------------------------
// XML: a small well-formedness checker, enough to count and read elements.
// ---------------------------------------------------------------------------

#[derive(Debug)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
}

/// Parses the XML subset our reports use (declaration, elements, attributes,
/// text, the five entities and character references) and rejects anything
/// not well-formed, including characters XML 1.0 forbids.
fn parse_xml(xml: &str) -> Result<Vec<Element>, String> {
    let xml = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .ok_or("no XML declaration")?;
    if let Some(c) = xml.chars().find(|&c| {
        !(matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}'))
    }) {
        return Err(format!(
            "character U+{:04X} is not allowed in XML",
            c as u32
        ));
    }
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = decode(&rest[..lt])?;
        match open.last() {
            Some(&i) => elements[i].text.push_str(&text),
            None if text.trim().is_empty() => {}
            None => return Err(format!("text outside the root: {text:?}")),
        }
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let i = open.pop().ok_or("closing tag without opening tag")?;
            if elements[i].name != name {
                return Err(format!("</{name}> closes <{}>", elements[i].name));
            }
            continue;
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(tag) => (tag, true),
            None => (tag, false),
        };
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("bad element name {name:?}"));
        }
        let mut attributes = BTreeMap::new();
        let mut attrs = tag[name_end..].trim_start();
        while !attrs.is_empty() {
            let eq = attrs.find('=').ok_or("attribute without value")?;
            let key = attrs[..eq].trim();
            let quoted = &attrs[eq + 1..];
            let quote = quoted.chars().next().ok_or("attribute without value")?;
            if quote != '"' && quote != '\'' {
                return Err(format!("unquoted attribute {key}"));
            }
            let end = quoted[1..].find(quote).ok_or("unterminated attribute")? + 1;
            let raw = &quoted[1..end];
            if raw.contains(['<', '\t', '\n', '\r']) {
                return Err(format!(
                    "raw markup or whitespace in attribute {key}: {raw:?}"
                ));
            }
            if attributes.insert(key.to_string(), decode(raw)?).is_some() {
                return Err(format!("duplicate attribute {key}"));
            }
            attrs = quoted[end + 1..].trim_start();
        }
        if open.is_empty() {
            roots += 1;
        }
        elements.push(Element {
            name: name.to_string(),
            attributes,
            text: String::new(),
        });
        if !empty {
            open.push(elements.len() - 1);
        }
    }
    if !open.is_empty() {
        return Err("unclosed elements at the end".into());
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(elements)
}

fn decode(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').ok_or("unterminated entity")? + amp;
        let entity = &rest[amp + 1..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16)
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse()
                } else {
                    return Err(format!("unknown entity &{entity};"));
                }
                .map_err(|_| format!("bad character reference &{entity};"))?;
                let c = char::from_u32(code).ok_or("bad character reference")?;
                if !(matches!(c, '\t' | '\n' | '\r') || c >= ' ') {
                    return Err(format!("&{entity}; is not allowed in XML 1.0"));
                }
                c
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[test]
fn xml_checker_rejects_broken_documents() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    for bad in [
        "<a><b></a>",
        "<a x=\"1\" x=\"2\"/>",
        "<a x=\"<\"/>",
        "<a>&bogus;</a>",
        "<a>&#1;</a>",
        "<a>\u{1}</a>",
        "<a/><b/>",
        "<a>",
        "<a x=\"1\ny\"/>",
    ] {
        assert!(parse_xml(&format!("{decl}{bad}")).is_err(), "{bad}");
    }
    let ok = parse_xml(&format!("{decl}<a x=\"&lt;&#10;\"><b>t&amp;</b></a>")).unwrap();
    assert_eq!(ok[0].attributes["x"], "<\n");
    assert_eq!(ok[1].text, "t&");
}

#[test]
fn checkstyle_escapes_markup_and_drops_control_characters() {
    let registry = registry();
    let mut sources = SourceMap::default();
    let file = add_file(&mut sources, "x.conf", "x\n");
    let span = Span::new(file, 0, 1);
    let nasty_path = "z/<odd>&\"name'\u{1}.conf";
    let nasty_message = "a<b & \"c\" 'd' \u{0}\u{7}\u{1b}\u{b}\u{c}\tx\ny\rz\u{FFFE}";
    let mut suppressed = reported("REC001", Severity::Error, "a.conf", span, "gone", "s");
    suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::Inline,
        reason: "ok".into(),
        span: None,
        expires: None,
    });
    let outcome = Outcome {
        reported: vec![
            reported(
                "REC003",
                Severity::Error,
                nasty_path,
                span,
                nasty_message,
                "1",
            ),
            reported(
                "REC009",
                Severity::Warning,
                "b.conf",
                span,
                "second file",
                "2",
            ),
            reported("REC901", Severity::Info, "b.conf", span, "third", "3"),
            suppressed,
        ],
        files: 3,
    };
    let xml = checkstyle::render(&outcome, &sources, &registry);
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    assert_eq!(elements[0].name, "checkstyle");
    assert_eq!(elements[0].attributes["version"], "4.3");
    let files: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "file")
        .map(|e| e.attributes["name"].as_str())
        .collect();
    assert_eq!(
        files,
        ["b.conf", "z/<odd>&\"name'.conf"],
        "sorted by path, suppressed findings left out, control characters removed"
    );
    let errors: Vec<&Element> = elements.iter().filter(|e| e.name == "error").collect();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0].attributes["severity"], "warning");
    assert_eq!(errors[1].attributes["severity"], "info");
    let nasty = errors[2];
    assert_eq!(
        nasty.attributes["message"], "a<b & \"c\" 'd' \tx\ny\rz",
        "markup escaped, tab/newline/CR kept, other control characters dropped"
    );
    assert_eq!(nasty.attributes["source"], "reclint.REC003");
    assert_eq!(nasty.attributes["severity"], "error");
    assert_eq!(nasty.attributes["line"], "1");
    assert_eq!(nasty.attributes["column"], "1");
    let keys: Vec<&str> = nasty.attributes.keys().map(String::as_str).collect();
    assert_eq!(keys, ["column", "line", "message", "severity", "source"]);

    // A real run is well-formed too.
    let run = run_fixture(DEMO, &registry);
    let xml = checkstyle::render(&run.outcome, &run.sources, &registry);
    let elements = parse_xml(&xml).unwrap();
    assert_eq!(
        elements.iter().filter(|e| e.name == "error").count(),
        run.outcome.active().count()
    );
}

#[test]
fn junit_is_well_formed_with_a_test_case_per_file() {
    let registry = registry();
    let mut run = run_fixture(DEMO, &registry);
    run.outcome.reported[0].suppression = Some(Suppression {
        kind: SuppressionKind::Baseline,
        reason: "known".into(),
        span: None,
        expires: None,
    });
    let xml = junit::render(&run.outcome, &run.sources, &registry);
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let count = |name: &str| elements.iter().filter(|e| e.name == name).count();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(count("testsuite"), 1);
    // The checked files are the last `files` of the source map (configuration
    // files come first); a finding may also point into reclint.toml.
    let checked: BTreeSet<&str> = (run.sources.len() - run.outcome.files..run.sources.len())
        .map(|i| run.sources.get(FileId(i as u32)).display.as_str())
        .chain(run.outcome.active().map(|r| r.path.as_str()))
        .collect();
    assert!(checked.len() >= run.outcome.files);
    assert_eq!(count("testcase"), checked.len(), "one per checked file");
    assert_eq!(count("failure"), run.outcome.active().count());
    assert_eq!(elements[0].name, "testsuites");
    let suite = &elements[1];
    assert_eq!(suite.attributes["name"], "reclint");
    assert_eq!(suite.attributes["tests"], checked.len().to_string());
    assert_eq!(suite.attributes["errors"], "0");
    let failing_files: BTreeSet<&str> = run.outcome.active().map(|r| r.path.as_str()).collect();
    assert_eq!(
        suite.attributes["failures"],
        failing_files.len().to_string()
    );
    assert_eq!(elements[0].attributes["tests"], suite.attributes["tests"]);
    let cases: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "testcase")
        .map(|e| e.attributes["name"].as_str())
        .collect();
    let mut sorted = cases.clone();
    sorted.sort();
    assert_eq!(cases, sorted);
    assert_eq!(cases, checked.iter().copied().collect::<Vec<_>>());
    assert!(cases.iter().all(|c| c.starts_with(DEMO)));
    for case in elements.iter().filter(|e| e.name == "testcase") {
        assert_eq!(case.attributes["classname"], "reclint");
    }
    let failures: Vec<&Element> = elements.iter().filter(|e| e.name == "failure").collect();
    for (failure, r) in failures.iter().zip(run.outcome.active()) {
        assert_eq!(
            failure.attributes["message"],
            format!("{}: {}", r.finding.rule, r.finding.message)
        );
        assert_eq!(failure.attributes["type"], r.finding.rule);
        assert!(
            failure
                .text
                .starts_with(&format!("{}:{}:{}: ", r.path, r.start.line, r.start.column))
        );
    }

    // Hostile names and messages stay well-formed.
    let hostile = adversarial_run();
    let xml = junit::render(&hostile.outcome, &hostile.sources, &registry);
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let cases: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "testcase")
        .map(|e| e.attributes["name"].as_str())
        .collect();
    assert_eq!(cases, [HOSTILE_PATH, "plain.conf"]);
    assert_eq!(elements.iter().filter(|e| e.name == "failure").count(), 3);
}

#[test]
fn every_format_is_reachable_from_the_command_line() {
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_reclint"))
            .args([
                "check",
                "--format",
                format,
                "--config",
                &format!("{DEMO}/reclint.toml"),
                DEMO,
            ])
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .expect("reclint runs")
    };
    for (format, start) in [
        ("concise", format!("{DEMO}/")),
        ("sarif", "{\"$schema\"".to_string()),
        ("github", "::error ".to_string()),
        ("gitlab", "[".to_string()),
        ("checkstyle", "<?xml".to_string()),
        ("junit", "<?xml".to_string()),
    ] {
        let output = run(format);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.starts_with(&start), "{format}:\n{stdout}");
    }
}
