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
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
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
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn twilio_corpus() {
    let Some(run) = check_corpus("twilio") else {
        return;
    };
    // `record-from-ringing-dual` records before anyone is told.
    assert!(reports(&run, "REC003", "dial-5.twiml"));
}

#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
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
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
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
    // Asterisk's AEL sample is read, merged with the extensions.conf sample
    // it ships with, and records nothing.
    let ael = "asterisk__asterisk__configs__samples__extensions.ael.sample";
    assert!((0..run.sources.len()).any(|i| {
        run.sources
            .get(reclint::source::FileId(i as u32))
            .path
            .ends_with(ael)
    }));
    assert!(!run.outcome.reported.iter().any(|r| r.path.ends_with(ael)));
}

/// The blueprints' Archy flows are read as Genesys flows: none enables
/// participant recording (those organisations record by trunk and policy,
/// read from Terraform), and every menu and task they name resolves, also
/// where Archy substitutes `{{values}}` at publish time.
#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn genesys_corpus() {
    let Some(run) = check_corpus("genesys") else {
        return;
    };
    assert!(
        run.outcome.files >= 8,
        "corpus files were skipped: {}",
        run.outcome.files
    );
    let on_flows: Vec<String> = run
        .outcome
        .reported
        .iter()
        .filter(|r| r.path.ends_with(".yaml"))
        .map(|r| format!("{}:{}: {}", r.path, r.start.line, r.finding.message))
        .collect();
    assert_eq!(on_flows, Vec::<String>::new());
}

/// The corpus files of each source repository named in `PROVENANCE.md`, as
/// paths under the corpus.
fn files_by_repository(corpus: &std::path::Path) -> Vec<(String, Vec<PathBuf>)> {
    let provenance = std::fs::read_to_string(corpus.join("PROVENANCE.md")).expect("provenance");
    let mut repositories: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for line in provenance.lines() {
        // "- `corpus path` | repository | path in repository | ..."
        let Some(rest) = line.strip_prefix("- `") else {
            continue;
        };
        let mut fields = rest.split('|');
        let (Some(path), Some(repository)) = (fields.next(), fields.next()) else {
            continue;
        };
        let path = path.trim().trim_end_matches('`');
        repositories
            .entry(repository.trim().to_string())
            .or_default()
            .push(corpus.join(path));
    }
    repositories.into_iter().collect()
}

/// What a run reports on `files`: rule, place and message of each finding.
/// Corpus file names are unique, so a file is known by its name.
fn findings_on(run: &reclint::check::CheckRun, files: &[PathBuf]) -> Vec<String> {
    let mut found: Vec<String> = run
        .outcome
        .reported
        .iter()
        .filter_map(|r| {
            let name = std::path::Path::new(&r.path).file_name()?;
            files
                .iter()
                .any(|f| f.file_name() == Some(name))
                .then(|| name.to_string_lossy().into_owned())
                .map(|name| {
                    format!(
                        "{name}:{}:{} {} {}",
                        r.start.line, r.start.column, r.finding.rule, r.finding.message
                    )
                })
        })
        .collect();
    found.sort();
    found
}

/// A recording's findings do not depend on which unrelated files are scanned
/// with it: each source repository's files give the same findings scanned
/// alone as inside the whole corpus.
#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn findings_do_not_depend_on_unrelated_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let registry = Registry::builtin().expect("rules");
    let run = |paths: Vec<PathBuf>| {
        let options = CheckOptions {
            paths,
            no_config: true,
            ..CheckOptions::default()
        };
        check::run(&options, &root, &registry).expect("the corpus is checked")
    };
    let whole = run(vec![corpus.clone()]);
    let repositories = files_by_repository(&corpus);
    assert!(repositories.len() > 10, "PROVENANCE.md was not read");
    let mut differences = Vec::new();
    let mut compared = 0;
    for (repository, files) in &repositories {
        let alone = run(files.clone());
        let (with_corpus, by_itself) = (findings_on(&whole, files), findings_on(&alone, files));
        compared += with_corpus.len();
        if with_corpus != by_itself {
            let only_whole: Vec<_> = with_corpus
                .iter()
                .filter(|f| !by_itself.contains(f))
                .collect();
            let only_alone: Vec<_> = by_itself
                .iter()
                .filter(|f| !with_corpus.contains(f))
                .collect();
            differences.push(format!(
                "{repository}:\n  only with the whole corpus: {only_whole:#?}\n  only alone: {only_alone:#?}"
            ));
        }
    }
    assert!(
        compared * 2 > whole.outcome.reported.len(),
        "most corpus findings must be compared ({compared} of {})",
        whole.outcome.reported.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The whole corpus as a user runs it first: no file of a supported
/// platform rejected, unresolved references only where something is really
/// missing, and nothing reported where the platform never records anew.
#[test]
#[cfg_attr(
    not(shared_corpus),
    ignore = "needs ../shared/corpus beside the repository"
)]
fn whole_corpus_reads_as_the_platforms_run_it() {
    let Some(run) = check_corpus("") else {
        return;
    };
    let count = |rule: &str| {
        run.outcome
            .reported
            .iter()
            .filter(|r| r.finding.rule == rule)
            .count()
    };
    assert_eq!(count("REC900"), 0);
    // FreePBX `*-custom` hooks, `parkedcalls` and what an unread `#include`
    // may define are not broken references.
    assert!(count("REC901") <= 60, "{} REC901", count("REC901"));
    assert!(
        !run.outcome
            .reported
            .iter()
            .any(|r| r.finding.message.contains("-custom` is not defined")
                || r.finding.message.contains("`parkedcalls`"))
    );
    let reported_at = |file: &str, line: usize| {
        run.outcome
            .reported
            .iter()
            .any(|r| r.path.ends_with(file) && r.start.line == line)
    };
    // FusionPBX templates and actions with enabled="false" are not executed.
    for (file, line) in [
        ("045_call_recording_on_demand.xml", 8),
        ("050_record_all.xml", 20),
        ("050_record_all.xml", 22),
        ("050_user_record.xml", 68),
    ] {
        assert!(!reported_at(file, line), "{file}:{line} is disabled");
    }
    // FreePBX re-attaches the running recording after park and blind
    // transfer with MixMonitor(...,a): one recording, reported at its start.
    for line in [625, 649, 1509] {
        assert!(
            !reported_at("RezaBoushehri__asterisk__extensions_additional.conf", line),
            "line {line} continues a recording"
        );
    }
    assert!(reported_at(
        "RezaBoushehri__asterisk__extensions_additional.conf",
        1559
    ));
}
