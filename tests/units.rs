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

/// A purpose used in two units (two TwiML documents) is judged once, with
/// the recordings of both: the rules about purposes see the whole run.
#[test]
fn purposes_are_judged_across_units() {
    let dir = std::env::temp_dir().join(format!("reclint-units-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let document = "<Response>\n  <Say>Calls are recorded.</Say>\n  <Dial record=\"record-from-answer\"><Number>+4570100100</Number></Dial>\n</Response>\n";
    std::fs::write(dir.join("citizen-line.twiml"), document).expect("write");
    std::fs::write(dir.join("tax-line.twiml"), document).expect("write");
    std::fs::write(
        dir.join("reclint.toml"),
        "[policy]\njurisdiction = \"DK\"\nsector = \"public-authority\"\n\n\
         [purposes.complaints]\nlegal-basis = \"legitimate-interests\"\n\n\
         [[scope]]\ncontexts = [\"citizen-line\", \"tax-line\"]\npurposes = [\"complaints\"]\n",
    )
    .expect("write");
    let registry = Registry::builtin().expect("rules");
    let options = CheckOptions {
        paths: vec![dir.clone()],
        ..CheckOptions::default()
    };
    let run = check::run(&options, &dir, &registry).expect("checked");
    std::fs::remove_dir_all(&dir).ok();
    let of = |rule: &str| -> Vec<_> {
        run.outcome
            .reported
            .iter()
            .filter(|r| r.finding.rule == rule)
            .collect()
    };
    let rec010 = of("REC010");
    assert_eq!(rec010.len(), 1, "one finding per purpose");
    assert!(rec010[0].finding.message.contains("used by 2 recording(s)"));
    assert_eq!(rec010[0].finding.related.len(), 2);
    let rec015 = of("REC015");
    assert_eq!(rec015.len(), 1);
    assert_eq!(rec015[0].finding.related.len(), 2);
}
