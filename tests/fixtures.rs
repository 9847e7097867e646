//! The fixture runner: every configuration under `fixtures/<format>/<RULE>/`
//! is linted, and its findings must be exactly the ones marked inline with
//! `; expect: RECnnn` (`# expect:` in reclint.toml) on the line where each is
//! reported. A fixture is a file, or a directory linted as one tree (with its
//! own reclint.toml, if any). Files named `bad_*` must expect the rule of
//! their directory; `ok_*` must not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reclint::check::{self, CheckOptions};
use reclint::rules::Registry;

/// `(path relative to the repository, line, rule)`; suppressed findings are
/// marked `expect-suppressed: RECnnn` and carry the rule as `RECnnn (suppressed)`.
type Expectation = (String, usize, String);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_dirs(format: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures").join(format))
        .expect("fixtures directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn fixtures_in(dir: &Path) -> Vec<PathBuf> {
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("rule directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.starts_with("bad_") || name.starts_with("ok_") || name.starts_with("case_"))
                && !name.ends_with(".expect")
        })
        .collect();
    fixtures.sort();
    fixtures
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The `expect:` markers of every file of a fixture. Files that cannot hold
/// comments (JSON) have a sidecar `<file>.expect` with lines
/// `LINE expect: RULES` (or `expect-suppressed:`).
fn expectations(fixture: &Path) -> BTreeSet<Expectation> {
    let mut files: Vec<PathBuf> = if fixture.is_dir() {
        walkdir::WalkDir::new(fixture)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect()
    } else {
        vec![fixture.to_path_buf()]
    };
    let sidecar_of = |file: &Path| PathBuf::from(format!("{}.expect", file.display()));
    if !fixture.is_dir() && sidecar_of(fixture).is_file() {
        files.push(sidecar_of(fixture));
    }
    let sidecar_line =
        regex::Regex::new(r"^(\d+)\s+expect(-suppressed)?:\s*([A-Z0-9 ,]+)").unwrap();
    let marker =
        regex::Regex::new(r"(?:[;#]|<!--)\s*expect(-suppressed)?:\s*([A-Z0-9 ,]+)").unwrap();
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if let Some(of) = file.to_string_lossy().strip_suffix(".expect") {
            for captures in text.lines().filter_map(|l| sidecar_line.captures(l)) {
                let line: usize = captures[1].parse().unwrap();
                let suffix = if captures.get(2).is_some() {
                    " (suppressed)"
                } else {
                    ""
                };
                for code in captures[3]
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                {
                    out.insert((relative(Path::new(of)), line, format!("{code}{suffix}")));
                }
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            for captures in marker.captures_iter(line) {
                let suffix = if captures.get(1).is_some() {
                    " (suppressed)"
                } else {
                    ""
                };
                for code in captures[2]
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                {
                    out.insert((relative(&file), i + 1, format!("{code}{suffix}")));
                }
            }
        }
    }
    out
}

fn lint(fixture: &Path, registry: &Registry) -> BTreeSet<Expectation> {
    let config = if fixture.is_dir() {
        Some(fixture.join("reclint.toml")).filter(|c| c.is_file())
    } else {
        None
    };
    let options = CheckOptions {
        paths: vec![PathBuf::from(relative(fixture))],
        no_config: config.is_none(),
        config: config.map(|c| PathBuf::from(relative(&c))),
        ..CheckOptions::default()
    };
    let run = check::run(&options, &root(), registry)
        .unwrap_or_else(|e| panic!("{}: {e:?}", relative(fixture)));
    run.outcome
        .reported
        .iter()
        .map(|r| {
            let suffix = if r.suppression.is_some() {
                " (suppressed)"
            } else {
                ""
            };
            (
                r.path.clone(),
                r.start.line,
                format!("{}{suffix}", r.finding.rule),
            )
        })
        .collect()
}

/// The formats with fixtures: `fixtures/<format>/`, named as in the rules'
/// `formats` lists.
const FORMATS: &[&str] = &[
    "asterisk",
    "freeswitch",
    "amazon-connect",
    "twilio",
    "terraform",
    "cloudformation",
];

fn all_fixtures() -> Vec<PathBuf> {
    FORMATS
        .iter()
        .flat_map(|format| fixture_dirs(format))
        .flat_map(|dir| fixtures_in(&dir))
        .collect()
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let registry = Registry::builtin().expect("rules");
    let mut failures = Vec::new();
    let fixtures = all_fixtures();
    for fixture in &fixtures {
        let expected = expectations(fixture);
        let actual = lint(fixture, &registry);
        if expected != actual {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let unexpected: Vec<_> = actual.difference(&expected).collect();
            failures.push(format!(
                "{}\n    missing:    {missing:?}\n    unexpected: {unexpected:?}",
                relative(fixture)
            ));
        }
    }
    assert!(!fixtures.is_empty(), "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every rule has bad and ok fixtures in every format its metadata lists.
#[test]
fn every_rule_has_bad_and_ok_fixtures_that_mean_it() {
    let registry = Registry::builtin().expect("rules");
    let mut problems = Vec::new();
    for rule in &registry.rules {
        let code = &rule.meta.code;
        for format in &rule.meta.formats {
            let dir = root().join("fixtures").join(format).join(code);
            if !dir.is_dir() {
                problems.push(format!("{code}: no fixtures/{format}/{code}/"));
                continue;
            }
            let mut bad = 0;
            let mut ok = 0;
            for fixture in fixtures_in(&dir) {
                let name = fixture.file_name().unwrap().to_string_lossy().to_string();
                let expects_rule = expectations(&fixture).iter().any(|(_, _, c)| c == code);
                if name.starts_with("bad_") {
                    bad += 1;
                    if !expects_rule {
                        problems.push(format!(
                            "{}: a bad fixture must expect {code}",
                            relative(&fixture)
                        ));
                    }
                } else if name.starts_with("ok_") {
                    ok += 1;
                    if expects_rule {
                        problems.push(format!(
                            "{}: an ok fixture must not expect {code}",
                            relative(&fixture)
                        ));
                    }
                }
            }
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
    let registry = Registry::builtin().expect("rules");
    for fixture in all_fixtures() {
        for (file, line, code) in expectations(&fixture) {
            let code = code.trim_end_matches(" (suppressed)");
            assert!(
                registry.find(code).is_some(),
                "{file}:{line}: unknown rule {code}"
            );
        }
    }
}

#[test]
fn demo_tree_produces_the_documented_findings() {
    let registry = Registry::builtin().expect("rules");
    let demo = root().join("fixtures/demo/contact-centre");
    let expected = expectations(&demo);
    assert!(expected.len() >= 5, "the demo shows several problems");
    assert_eq!(lint(&demo, &registry), expected);
}
