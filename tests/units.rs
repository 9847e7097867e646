//! The unit-by-unit pipeline: the report does not depend on how many
//! threads analyse the units, nor on whether sources are kept for excerpts.

use std::path::PathBuf;
use std::process::Command;

use reclint::check::{self, CheckOptions};
use reclint::report::json;
use reclint::rules::Registry;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_report(jobs: &str) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_reclint"))
        .current_dir(root())
        .args(["check", "fixtures", "--no-config", "--format", "json"])
        .args(["--jobs", jobs])
        .output()
        .expect("reclint runs");
    assert_eq!(output.status.code(), Some(1), "the fixtures have findings");
    output.stdout
}

#[test]
fn the_report_is_the_same_for_every_jobs_value() {
    let one = json_report("1");
    assert!(one.len() > 10_000, "a report of every fixture");
    for jobs in ["2", "3", "8"] {
        assert!(one == json_report(jobs), "--jobs {jobs} changed the report");
    }
}

#[test]
fn dropping_sources_changes_nothing_but_the_excerpts() {
    let registry = Registry::builtin().expect("rules");
    let report = |drop_sources: bool| {
        let options = CheckOptions {
            paths: vec![root().join("fixtures")],
            no_config: true,
            drop_sources,
            ..CheckOptions::default()
        };
        let run = check::run(&options, &root(), &registry).expect("the fixtures are checked");
        json::render(&run.outcome, &run.sources, &run.registry)
    };
    assert_eq!(report(true), report(false));
}
