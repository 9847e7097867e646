//! Each rule's documentation is a specification users copy from, so it is
//! run: the "Example" section must raise the rule, and every fix under "How
//! to fix" must pass every rule. CONTRIBUTING.md ("Adding a rule") states
//! the conventions this test reads.

use std::collections::BTreeMap;

mod common;
use common::{reclint, root, status, stderr, stdout, tree};

/// One fenced block of an explanation: the file it stands for, and its text.
struct Block {
    path: String,
    language: String,
    text: String,
}

/// The file a block stands for: a paragraph "`path`:" right before it names
/// it; otherwise its language decides, and an Asterisk block whose first line
/// is `; NAME.conf` is that file.
fn default_path(language: &str, text: &str) -> String {
    let named_conf = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("; "))
        .filter(|name| name.ends_with(".conf") && !name.contains(' '));
    match (language, named_conf) {
        ("asterisk", Some(name)) => name.to_string(),
        ("asterisk", None) => "extensions.conf".into(),
        ("hcl", _) => "main.tf".into(),
        ("json", _) => "flow.json".into(),
        ("toml", _) => "reclint.toml".into(),
        (other, _) => panic!("no file name for a ```{other} block"),
    }
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    let mut previous_paragraph: Option<String> = None;
    while let Some(line) = lines.next() {
        if let Some(language) = line.strip_prefix("```") {
            let mut text = String::new();
            for body in lines.by_ref() {
                if body == "```" {
                    break;
                }
                text.push_str(body);
                text.push('\n');
            }
            let named = previous_paragraph
                .take()
                .and_then(|p| Some(p.strip_prefix('`')?.strip_suffix("`:")?.to_string()));
            out.push(Block {
                path: named.unwrap_or_else(|| default_path(language, &text)),
                language: language.to_string(),
                text,
            });
        } else if !line.trim().is_empty() {
            previous_paragraph = Some(line.to_string());
        }
    }
    out
}

/// The text of `## heading` up to the next `## ` heading.
fn section<'a>(explanation: &'a str, heading: &str) -> &'a str {
    let start = explanation
        .find(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("no `## {heading}` section"));
    let rest = &explanation[start + heading.len() + 4..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The alternatives of a "How to fix" section: its `###` subsections, or the
/// whole section when it has none.
fn alternatives(fix: &str) -> Vec<&str> {
    let parts: Vec<&str> = fix.split("\n### ").collect();
    if parts.len() > 1 {
        parts[1..].to_vec()
    } else {
        parts
    }
}

/// Tables merge key by key; any other value of `over` replaces the base's.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The project a list of sections describes: later sections' files replace
/// earlier ones of the same path, and their `reclint.toml` tables merge in.
fn project(sections: &[&str]) -> (BTreeMap<String, String>, toml::Table) {
    let mut files = BTreeMap::new();
    let mut config = toml::Table::new();
    for section in sections {
        for block in blocks(section) {
            if block.language == "toml" {
                let table: toml::Table = toml::from_str(&block.text)
                    .unwrap_or_else(|e| panic!("a toml block does not parse: {e}"));
                merge(&mut config, table);
            } else {
                files.insert(block.path, block.text);
            }
        }
    }
    (files, config)
}

/// The reported (not suppressed) findings of a project and the suppressed
/// ones, each as `RULE path:line`.
fn run(name: &str, files: &BTreeMap<String, String>, config: &toml::Table) -> [Vec<String>; 2] {
    let config = toml::to_string(config).expect("config serialises");
    let mut entries: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    entries.push(("reclint.toml", &config));
    let dir = tree(name, &entries);
    let output = reclint(&dir, &["check", "--format", "json", "."]);
    assert!(
        matches!(status(&output), 0 | 1),
        "{name}: {}",
        stderr(&output)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    let mut split = [Vec::new(), Vec::new()];
    for finding in doc["findings"].as_array().expect("findings") {
        let suppressed = finding["suppressed"].as_bool() == Some(true);
        split[usize::from(suppressed)].push(format!(
            "{} {}:{}",
            finding["rule"].as_str().unwrap_or("?"),
            finding["path"].as_str().unwrap_or("?"),
            finding["line"]
        ));
    }
    split
}

#[test]
fn each_rule_example_raises_the_rule_and_each_fix_passes_every_rule() {
    let mut failures = Vec::new();
    let mut lints: Vec<_> = std::fs::read_dir(root().join("lints"))
        .expect("lints/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    lints.sort();
    assert!(lints.len() >= 25, "lint files missing");
    for path in lints {
        let lint: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let code = lint["code"].as_str().unwrap();
        let explanation = lint["explanation"].as_str().unwrap();
        let example = section(explanation, "Example");
        let (files, config) = project(&[example]);
        let [reported, _] = run(&format!("example-{code}"), &files, &config);
        if !reported.iter().any(|f| f.starts_with(code)) {
            failures.push(format!(
                "{code}: its Example does not raise it: {reported:?}"
            ));
        }
        // Suppression rules are fixed by a suppression; no other rule's fix
        // may lean on one.
        let suppression_rule = code.starts_with("REC91");
        for (i, fix) in alternatives(section(explanation, "How to fix"))
            .into_iter()
            .enumerate()
        {
            assert!(!blocks(fix).is_empty(), "{code}: fix {i} shows no code");
            let (files, config) = project(&[example, fix]);
            let [reported, suppressed] = run(&format!("fix-{code}-{i}"), &files, &config);
            if !reported.is_empty() || (!suppression_rule && !suppressed.is_empty()) {
                failures.push(format!(
                    "{code}: fix {} leaves findings: {reported:?}, suppressed {suppressed:?}",
                    i + 1
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
