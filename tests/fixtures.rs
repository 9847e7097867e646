//! The fixture runner: every configuration under `fixtures/<format>/<RULE>/`
//! (and `fixtures/<format>/cases/`) is linted, and its findings must be
//! exactly the ones marked inline with `; expect: RECnnn` (`# expect:` in
//! reclint.toml) on the line where each is reported. A fixture is a file, or
//! a directory linted as one tree (with its own reclint.toml, if any). Files
//! named `bad_*` must expect the rule of their directory; `ok_*` must not.
//!
//! The mechanism is `reclint::testing`, the one `reclint test` uses.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use reclint::rules::Registry;
use reclint::testing::{self, FixtureKind, FixtureResult, Problem, Runner, TestRun};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The formats with fixtures: `fixtures/<format>/`, named as in the rules'
/// `formats` lists.
fn formats() -> Vec<&'static str> {
    reclint::discover::format_names()
}

/// Fixtures of several rules at once (real cases), in `fixtures/<format>/cases/`.
const CASES: &str = "cases";

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::builtin().expect("rules"))
}

fn runner() -> Runner<'static> {
    Runner::new(registry(), &root(), Vec::new())
        .expect("no custom rules to load")
        .exact(true)
}

/// Every rule-test directory under `fixtures/`, run once for all tests
/// (what `reclint test fixtures` runs).
fn suite() -> &'static TestRun {
    static SUITE: OnceLock<TestRun> = OnceLock::new();
    SUITE.get_or_init(|| {
        runner()
            .run(Path::new("fixtures"))
            .unwrap_or_else(|e| panic!("fixtures: {e:?}"))
    })
}

fn case_fixtures() -> Vec<PathBuf> {
    formats()
        .iter()
        .map(|format| root().join("fixtures").join(format).join(CASES))
        .flat_map(|dir| testing::fixtures_in(&dir))
        .collect()
}

fn describe(fixture: &FixtureResult) -> String {
    let list = |items: Vec<String>| format!("[{}]", items.join(", "));
    format!(
        "{}\n    missing:    {}\n    unexpected: {}\n    problems:   {}",
        fixture.path,
        list(fixture.missing.iter().map(ToString::to_string).collect()),
        list(fixture.unexpected.iter().map(ToString::to_string).collect()),
        list(fixture.problems.iter().map(ToString::to_string).collect()),
    )
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let suite = suite();
    let mut failures: Vec<String> = suite
        .rules
        .iter()
        .flat_map(|rule| rule.failures())
        .map(describe)
        .collect();
    for fixture in case_fixtures() {
        let result = runner()
            .test_fixture(&fixture, None)
            .unwrap_or_else(|e| panic!("{}: {e:?}", fixture.display()));
        if !result.passed() {
            failures.push(describe(&result));
        }
    }
    assert!(suite.fixtures() > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every directory of a format's fixtures is run: it is named after a rule
/// (and holds fixtures) or is `cases/`.
#[test]
fn every_fixture_directory_is_run() {
    let suite = suite();
    let mut strays = Vec::new();
    for format in formats() {
        let base = root().join("fixtures").join(format);
        for entry in std::fs::read_dir(&base).expect("fixtures directory") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            let dir = format!("fixtures/{format}/{name}");
            let is_rule_test = suite.rules.iter().any(|r| r.dirs.contains(&dir));
            if name != CASES && !is_rule_test {
                strays.push(format!(
                    "{dir}: not a rule code with bad_/ok_/case_ fixtures, so never run"
                ));
            }
        }
    }
    assert!(strays.is_empty(), "{}", strays.join("\n"));
}

/// Every rule has bad and ok fixtures in every format its metadata lists.
#[test]
fn every_rule_has_bad_and_ok_fixtures_that_mean_it() {
    let suite = suite();
    let mut problems = Vec::new();
    for rule in &registry().rules {
        let code = &rule.meta.code;
        for format in &rule.meta.formats {
            let dir = format!("fixtures/{format}/{code}");
            let fixtures: Vec<&FixtureResult> = suite
                .rule(code)
                .into_iter()
                .flat_map(|r| &r.fixtures)
                .filter(|f| f.path.starts_with(&format!("{dir}/")))
                .collect();
            if fixtures.is_empty() {
                problems.push(format!("{code}: no fixtures/{format}/{code}/"));
                continue;
            }
            for fixture in &fixtures {
                for problem in &fixture.problems {
                    if matches!(
                        problem,
                        Problem::BadWithoutRule { .. } | Problem::OkWithRule { .. }
                    ) {
                        problems.push(format!("{}: {problem}", fixture.path));
                    }
                }
            }
            let count = |kind| fixtures.iter().filter(|f| f.kind == Some(kind)).count();
            let (bad, ok) = (count(FixtureKind::Bad), count(FixtureKind::Ok));
            if bad == 0 || ok == 0 {
                problems.push(format!(
                    "{format} {code}: needs at least one bad_ and one ok_ fixture ({bad} bad, {ok} ok)"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn expectation_markers_name_real_rules() {
    let fixtures = suite()
        .rules
        .iter()
        .flat_map(|r| &r.fixtures)
        .map(|f| root().join(&f.path))
        .chain(case_fixtures());
    for fixture in fixtures {
        for marker in runner().expectations(&fixture) {
            assert!(
                registry().find(&marker.rule).is_some(),
                "{}:{}: unknown rule {}",
                marker.path,
                marker.line,
                marker.rule
            );
        }
    }
}

/// The demo is what users read first, so its files carry no test markers:
/// its findings are listed here.
#[test]
fn demo_tree_produces_the_documented_findings() {
    let demo = Path::new("fixtures/demo/contact-centre");
    let file = "fixtures/demo/contact-centre/extensions_custom.conf";
    let expected: std::collections::BTreeSet<reclint::testing::Expectation> = [
        (4, "REC001"),
        (4, "REC003"),
        (4, "REC012"),
        (14, "REC005"),
        (31, "REC008"),
        (32, "REC002"),
        (32, "REC006"),
        (33, "REC002"),
        (33, "REC005"),
        (37, "REC008"),
    ]
    .into_iter()
    .map(|(line, rule)| reclint::testing::Expectation {
        path: file.to_string(),
        line,
        rule: rule.to_string(),
        suppressed: false,
    })
    .collect();
    assert!(
        runner().expectations(demo).is_empty(),
        "no `expect:` markers in the demo's files"
    );
    let actual = runner().lint(demo).expect("the demo lints");
    assert_eq!(actual, expected);
}
