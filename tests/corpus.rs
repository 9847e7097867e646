//! reclint on the real configuration files in `../shared/corpus` (not part of
//! this repository): it must read them all without crashing, and the valid
//! Asterisk files must not produce parse errors. Skipped when the corpus is
//! absent.

use std::path::PathBuf;

use reclint::check::{self, CheckOptions};
use reclint::rules::Registry;

/// Whether the run reports `rule` on a file whose path ends with `file`.
fn reports(run: &reclint::check::CheckRun, rule: &str, file: &str) -> bool {
    run.outcome
        .reported
        .iter()
        .any(|r| r.finding.rule == rule && r.path.ends_with(file))
}

fn check_corpus(system: &str) -> Option<reclint::check::CheckRun> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus").join(system);
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return None;
    }
    let registry = Registry::builtin().expect("rules");
    let options = CheckOptions {
        paths: vec![corpus],
        no_config: true,
        ..CheckOptions::default()
    };
    let run = check::run(&options, &root, &registry).expect("the corpus is checked");
    let parse_errors: Vec<String> = run
        .outcome
        .reported
        .iter()
        .filter(|r| r.finding.rule == "REC900")
        .map(|r| format!("{}:{}: {}", r.path, r.start.line, r.finding.message))
        .collect();
    assert!(
        parse_errors.is_empty(),
        "parse errors on valid files:\n{parse_errors:?}"
    );
    Some(run)
}

#[test]
fn amazon_connect_corpus() {
    let Some(run) = check_corpus("amazon-connect") else {
        return;
    };
    // A DescribeContactFlow export with `\'` in its Content, as Connect
    // writes and reads it: read, and its recording found.
    assert!(reports(&run, "REC001", "awsscv_ddr_flow_cf.json"));
    assert!(reports(&run, "REC003", "awsscv_ddr_flow_cf.json"));
    // The legacy Zendesk export (no file extension) records every call.
    assert!(reports(&run, "REC001", "Zendesk_SampleContactFlow"));
}

#[test]
fn twilio_corpus() {
    let Some(run) = check_corpus("twilio") else {
        return;
    };
    // `record-from-ringing-dual` records before anyone is told.
    assert!(reports(&run, "REC003", "dial-5.twiml"));
}

#[test]
fn freeswitch_corpus_parses_without_errors() {
    let Some(run) = check_corpus("freeswitch") else {
        return;
    };
    assert!(
        run.outcome.files >= 14,
        "corpus files were skipped: {}",
        run.outcome.files
    );
    // Vanilla default.xml lets the callee press *2 to record (bind_meta_app).
    assert!(reports(&run, "REC003", "vanilla__dialplan__default.xml"));
}

#[test]
fn asterisk_corpus_parses_without_errors() {
    let Some(run) = check_corpus("asterisk") else {
        return;
    };
    assert!(
        run.outcome.files >= 10,
        "corpus files were skipped: {}",
        run.outcome.files
    );
    // The corpus holds blanket MixMonitor set-ups without a notice (RezaBoushehri).
    assert!(
        run.outcome
            .reported
            .iter()
            .any(|r| r.finding.rule == "REC003")
    );
}
