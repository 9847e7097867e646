//! reclint on the real configuration files in `../shared/corpus` (not part of
//! this repository): it must read them all without crashing, and the valid
//! Asterisk files must not produce parse errors. Skipped when the corpus is
//! absent.

use std::path::PathBuf;

use reclint::check::{self, CheckOptions};
use reclint::rules::Registry;

#[test]
fn asterisk_corpus_parses_without_errors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/asterisk");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let registry = Registry::builtin().expect("rules");
    let options = CheckOptions {
        paths: vec![corpus],
        no_config: true,
        ..CheckOptions::default()
    };
    let run = check::run(&options, &root, &registry).expect("the corpus is checked");
    assert!(
        run.outcome.files >= 10,
        "corpus files were skipped: {}",
        run.outcome.files
    );
    let parse_errors: Vec<String> = run
        .outcome
        .reported
        .iter()
        .filter(|r| r.finding.rule == "REC900")
        .map(|r| format!("{}:{}: {}", r.path, r.start.line, r.finding.message))
        .collect();
    assert!(
        parse_errors.is_empty(),
        "parse errors on valid files:\n{}",
        parse_errors.join("\n")
    );
    // The corpus holds blanket MixMonitor set-ups without a notice (RezaBoushehri).
    assert!(
        run.outcome
            .reported
            .iter()
            .any(|r| r.finding.rule == "REC003")
    );
}
