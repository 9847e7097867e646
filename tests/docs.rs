//! `docs/rules/` is generated from `lints/*.toml` by
//! `reclint rules --format markdown --output docs/rules`; this test fails when
//! the committed pages no longer match what the binary generates.

use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{reclint, root, status, stderr, stdout, tree};

const REGENERATE: &str = "cargo run -- rules --format markdown --output docs/rules";

/// `(file name, contents)` of every file directly in `dir`; subdirectories
/// count as files whose contents cannot be read.
fn files(dir: &Path) -> BTreeMap<String, Option<String>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| {
            let entry = entry.expect("directory entry");
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(entry.path()).ok(),
            )
        })
        .collect()
}

#[test]
fn rule_pages_are_up_to_date() {
    let out = tree("docs-rules", &[]);
    let generated = out.join("rules");
    let output = reclint(
        &out,
        &["rules", "--format", "markdown", "--output", "rules"],
    );
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let fresh = files(&generated);
    assert!(fresh.contains_key("README.md"), "no index generated");

    let committed = files(&root().join("docs/rules"));
    let mut stale = Vec::new();
    for (name, text) in &fresh {
        match committed.get(name) {
            None => stale.push(format!("missing: docs/rules/{name}")),
            Some(old) if old != text => stale.push(format!("changed: docs/rules/{name}")),
            Some(_) => {}
        }
    }
    for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
        stale.push(format!("extra: docs/rules/{name}"));
    }
    assert!(
        stale.is_empty(),
        "docs/rules/ does not match the rules in lints/:\n  {}\nRegenerate it with `{REGENERATE}`.",
        stale.join("\n  ")
    );
}

#[test]
fn markdown_index_goes_to_stdout_without_output() {
    let dir = tree("docs-index", &[]);
    let printed = reclint(&dir, &["rules", "--format", "markdown"]);
    assert_eq!(status(&printed), 0);
    let written = reclint(&dir, &["rules", "--format", "markdown", "--output", "out"]);
    assert_eq!(status(&written), 0);
    assert!(stdout(&written).is_empty());
    let index = std::fs::read_to_string(dir.join("out/README.md")).unwrap();
    assert_eq!(stdout(&printed), index);
    assert!(index.contains("| [REC001](REC001.md) |"));
    assert!(index.contains(REGENERATE));
}

#[test]
fn regenerating_removes_pages_of_rules_that_no_longer_exist() {
    let dir = tree(
        "docs-stale",
        &[
            ("out/REC999.md", "# REC999 retired-rule\n"),
            ("out/notes.txt", "kept\n"),
        ],
    );
    let output = reclint(&dir, &["rules", "--format", "markdown", "--output", "out"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert!(!dir.join("out/REC999.md").exists());
    assert!(dir.join("out/notes.txt").exists());
    assert!(dir.join("out/REC001.md").exists());
}

#[test]
fn output_needs_the_markdown_format() {
    let dir = tree("docs-usage", &[]);
    for format in ["text", "json"] {
        let output = reclint(&dir, &["rules", "--format", format, "--output", "out"]);
        assert_eq!(status(&output), 2, "--format {format} --output");
        assert!(
            stderr(&output).contains("--format markdown"),
            "{}",
            stderr(&output)
        );
        assert!(!dir.join("out").exists());
    }
    let output = reclint(&dir, &["rules", "--output", "out"]);
    assert_eq!(status(&output), 2);
}
