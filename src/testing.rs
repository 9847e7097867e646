//! Rule tests: fixtures with inline expectations, as `reclint test` and the
//! project's own `tests/fixtures.rs` run them.
//!
//! A *rule-test directory* is a directory named after a rule code the
//! registry knows (`fixtures/asterisk/REC004/`, `policies/tests/ACME001/`)
//! that holds *fixtures*: files or directories named `bad_*`, `ok_*` or
//! `case_*`. A directory fixture is linted as one tree, with its own
//! `reclint.toml` when it has one; every other fixture is linted without a
//! configuration. The findings of the directory's rule, and of every rule
//! the fixture's markers name, must be exactly the ones marked where they
//! are reported ([`Runner::exact`]: every finding must be marked):
//!
//! - inline, on the line of the finding: `; expect: REC001, REC004`,
//!   `# expect: …`, `// expect: …` (AEL), `<!-- expect: … -->`, and
//!   `expect-suppressed: …` for a
//!   finding that is reported as suppressed;
//! - for files that cannot hold comments (JSON), in a sidecar `<file>.expect`
//!   with lines `LINE expect: RULES` (or `LINE expect-suppressed: RULES`).
//!
//! A `bad_` fixture must expect the rule of its directory and an `ok_`
//! fixture must not; a marker must name a known rule. Everything is walked
//! and reported in sorted order, one fixture after the other.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::check::{self, CheckOptions};
use crate::rules::Registry;
use crate::source::{SourceMap, display_path};

/// Directories never searched for rule tests (besides hidden ones).
const PRUNED_DIRS: &[&str] = &["target", "node_modules"];

/// Configuration files, which are never rule files.
const CONFIG_FILES: &[&str] = &["reclint.toml", ".reclint.toml"];

/// One finding, expected or reported: where, and which rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Expectation {
    /// The path as findings show it (relative to the current directory).
    pub path: String,
    pub line: usize,
    pub rule: String,
    /// Reported, but suppressed (`expect-suppressed:`).
    pub suppressed: bool,
}

impl fmt::Display for Expectation {
    /// `path:line RULE`, or `path:line RULE (suppressed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} {}", self.path, self.line, self.rule)?;
        if self.suppressed {
            f.write_str(" (suppressed)")?;
        }
        Ok(())
    }
}

/// What a fixture's name says it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixtureKind {
    /// `bad_*`: must expect the rule of its directory.
    Bad,
    /// `ok_*`: must not expect the rule of its directory.
    Ok,
    /// `case_*`: whatever it expects.
    Case,
}

impl FixtureKind {
    /// The kind of a fixture named `name`; `None` for other files (sidecar
    /// `.expect` files included).
    pub fn of(name: &str) -> Option<FixtureKind> {
        if name.ends_with(".expect") {
            return None;
        }
        [
            ("bad_", FixtureKind::Bad),
            ("ok_", FixtureKind::Ok),
            ("case_", FixtureKind::Case),
        ]
        .into_iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, kind)| kind)
    }
}

/// Something wrong with a fixture besides its findings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// A `bad_` fixture that does not expect its directory's rule.
    BadWithoutRule { rule: String },
    /// An `ok_` fixture that expects its directory's rule.
    OkWithRule { rule: String },
    /// A marker naming a rule the registry does not know.
    UnknownRule { marker: Expectation },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadWithoutRule { rule } => {
                write!(f, "a bad_ fixture must expect {rule}")
            }
            Problem::OkWithRule { rule } => write!(f, "an ok_ fixture must not expect {rule}"),
            Problem::UnknownRule { marker } => write!(
                f,
                "{}:{}: unknown rule {}",
                marker.path, marker.line, marker.rule
            ),
        }
    }
}

/// The outcome of one fixture.
#[derive(Debug, Clone, Serialize)]
pub struct FixtureResult {
    /// The fixture as findings show paths.
    pub path: String,
    pub kind: Option<FixtureKind>,
    /// Expected and not reported.
    pub missing: Vec<Expectation>,
    /// Reported and not expected.
    pub unexpected: Vec<Expectation>,
    pub problems: Vec<Problem>,
}

impl FixtureResult {
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty() && self.problems.is_empty()
    }
}

/// The fixtures of one rule, from every rule-test directory named after it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub code: String,
    /// The rule-test directories, as findings show paths.
    pub dirs: Vec<String>,
    /// Every fixture run, in order.
    pub fixtures: Vec<FixtureResult>,
}

impl RuleResult {
    pub fn passed(&self) -> bool {
        self.fixtures.iter().all(FixtureResult::passed)
    }

    pub fn failures(&self) -> impl Iterator<Item = &FixtureResult> {
        self.fixtures.iter().filter(|f| !f.passed())
    }
}

/// The outcome of a test run: one entry per rule code, sorted by code.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TestRun {
    pub rules: Vec<RuleResult>,
}

impl TestRun {
    pub fn fixtures(&self) -> usize {
        self.rules.iter().map(|r| r.fixtures.len()).sum()
    }

    pub fn failed(&self) -> usize {
        self.rules.iter().map(|r| r.failures().count()).sum()
    }

    pub fn passed(&self) -> bool {
        self.rules.iter().all(RuleResult::passed)
    }

    pub fn rule(&self, code: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|r| r.code == code)
    }
}

/// A rule-test directory and its fixtures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTestDir {
    /// The rule's code, as the registry spells it.
    pub code: String,
    pub dir: PathBuf,
    /// Sorted.
    pub fixtures: Vec<PathBuf>,
}

/// The rule-test directories at or below `root`, in path order. Hidden
/// directories, `target` and `node_modules` are not searched, nor are the
/// insides of a rule-test directory.
pub fn find_rule_tests(root: &Path, registry: &Registry) -> Vec<RuleTestDir> {
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && (name.starts_with('.') || PRUNED_DIRS.contains(&name.as_ref())) {
            walk.skip_current_dir();
            continue;
        }
        // A rule code, spelled as the registry spells it (not a rule name).
        let Some(rule) = registry.find(&name).filter(|r| r.meta.code == name) else {
            continue;
        };
        let fixtures = fixtures_in(entry.path());
        if !fixtures.is_empty() {
            found.push(RuleTestDir {
                code: rule.meta.code.clone(),
                dir: entry.path().to_path_buf(),
                fixtures,
            });
            walk.skip_current_dir();
        }
    }
    found
}

/// The fixtures (`bad_*`, `ok_*`, `case_*`) directly in `dir`, sorted.
pub fn fixtures_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut fixtures: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| FixtureKind::of(&e.file_name().to_string_lossy()).is_some())
        .map(|e| e.path())
        .collect();
    fixtures.sort();
    fixtures
}

/// A rule code in a marker: `REC001`, `ACME001`, `ACME-NO-SALES`.
const CODE: &str = r"[A-Z](?:[A-Z0-9]|[-_]+[A-Z0-9])*";

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:[;#]|//|<!--)\s*expect(-suppressed)?:\s*({CODE}(?:\s*,\s*{CODE})*)"
    ))
    .expect("marker pattern")
});

static SIDECAR_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^\s*(\d+)\s+expect(-suppressed)?:\s*({CODE}(?:\s*,\s*{CODE})*)"
    ))
    .expect("sidecar pattern")
});

fn codes(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|c| !c.is_empty())
}

/// Lints fixtures and compares their findings with their markers.
pub struct Runner<'a> {
    /// The built-in rules, which every lint extends with the custom ones.
    registry: &'a Registry,
    /// The built-in and the custom rules: what a rule-test directory or a
    /// marker may name.
    known: Registry,
    cwd: PathBuf,
    rule_dirs: Vec<PathBuf>,
    exact: bool,
}

impl<'a> Runner<'a> {
    /// A runner that shows paths relative to `cwd` (as `reclint check` run
    /// there does) and lints with the custom rules of `rule_dirs` (relative
    /// to `cwd`, passed to every lint as [`CheckOptions::rule_dirs`]). A rule
    /// file that cannot be loaded is an error pointing into it.
    pub fn new(
        registry: &'a Registry,
        cwd: &Path,
        rule_dirs: Vec<PathBuf>,
    ) -> miette::Result<Self> {
        let dirs: Vec<PathBuf> = rule_dirs.iter().map(|d| cwd.join(d)).collect();
        let known = check::with_custom_rules(registry, &dirs, cwd, &mut SourceMap::default())?;
        Ok(Runner {
            registry,
            known,
            cwd: cwd.to_path_buf(),
            rule_dirs,
            exact: false,
        })
    }

    /// With `exact`, every finding of a fixture must be marked. Without (the
    /// default), only the findings of the fixture's rule and of the rules
    /// its markers name are compared: a policy's fixtures need not list what
    /// the built-in rules (or other policies) find in them.
    pub fn exact(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }

    /// The built-in and the custom rules.
    pub fn rules(&self) -> &Registry {
        &self.known
    }

    /// Runs every rule-test directory at or below `root` (relative to the
    /// current directory, or absolute). An error of the lint itself (a
    /// fixture's reclint.toml or a rule file that cannot be loaded) ends the
    /// run.
    pub fn run(&self, root: &Path) -> miette::Result<TestRun> {
        let root = normalize(&self.cwd.join(root));
        let mut by_code: BTreeMap<String, RuleResult> = BTreeMap::new();
        for test in find_rule_tests(&root, &self.known) {
            let entry = by_code
                .entry(test.code.clone())
                .or_insert_with(|| RuleResult {
                    code: test.code.clone(),
                    dirs: Vec::new(),
                    fixtures: Vec::new(),
                });
            entry.dirs.push(display_path(&test.dir, &self.cwd));
            for fixture in &test.fixtures {
                entry
                    .fixtures
                    .push(self.test_fixture(fixture, Some(&test.code))?);
            }
        }
        Ok(TestRun {
            rules: by_code.into_values().collect(),
        })
    }

    /// Lints one fixture and compares (see [`Runner::exact`]). With `rule`,
    /// the fixture belongs to that rule's directory and its `bad_`/`ok_`
    /// name is checked against it.
    pub fn test_fixture(
        &self,
        fixture: &Path,
        rule: Option<&str>,
    ) -> miette::Result<FixtureResult> {
        let fixture = self.cwd.join(fixture);
        let expected = self.expectations(&fixture);
        let mut actual = self.lint(&fixture)?;
        if !self.exact {
            actual.retain(|found| {
                rule == Some(found.rule.as_str()) || expected.iter().any(|e| e.rule == found.rule)
            });
        }
        let kind = fixture
            .file_name()
            .and_then(|n| FixtureKind::of(&n.to_string_lossy()));
        let mut problems = Vec::new();
        if let Some(rule) = rule {
            let expects_rule = expected.iter().any(|e| !e.suppressed && e.rule == rule);
            match kind {
                Some(FixtureKind::Bad) if !expects_rule => problems.push(Problem::BadWithoutRule {
                    rule: rule.to_string(),
                }),
                Some(FixtureKind::Ok) if expects_rule => problems.push(Problem::OkWithRule {
                    rule: rule.to_string(),
                }),
                _ => {}
            }
        }
        problems.extend(
            expected
                .iter()
                .filter(|e| self.known.find(&e.rule).is_none())
                .map(|marker| Problem::UnknownRule {
                    marker: marker.clone(),
                }),
        );
        Ok(FixtureResult {
            path: display_path(&fixture, &self.cwd),
            kind,
            missing: expected.difference(&actual).cloned().collect(),
            unexpected: actual.difference(&expected).cloned().collect(),
            problems,
        })
    }

    /// The markers of every file of a fixture (a file and its `.expect`
    /// sidecar, or every file below a directory).
    pub fn expectations(&self, fixture: &Path) -> BTreeSet<Expectation> {
        let fixture = self.cwd.join(fixture);
        let mut files: Vec<PathBuf> = if fixture.is_dir() {
            walkdir::WalkDir::new(&fixture)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path)
                .collect()
        } else {
            vec![fixture.clone()]
        };
        if !fixture.is_dir() {
            let sidecar = PathBuf::from(format!("{}.expect", fixture.display()));
            if sidecar.is_file() {
                files.push(sidecar);
            }
        }
        let mut out = BTreeSet::new();
        for file in files {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let mut add = |path: &Path, line: usize, suppressed: bool, list: &str| {
                for code in codes(list) {
                    out.insert(Expectation {
                        path: display_path(path, &self.cwd),
                        line,
                        rule: code.to_string(),
                        suppressed,
                    });
                }
            };
            if let Some(of) = file.to_string_lossy().strip_suffix(".expect") {
                for captures in text.lines().filter_map(|l| SIDECAR_LINE.captures(l)) {
                    let Ok(line) = captures[1].parse() else {
                        continue;
                    };
                    add(Path::new(of), line, captures.get(2).is_some(), &captures[3]);
                }
                continue;
            }
            for (i, line) in text.lines().enumerate() {
                for captures in MARKER.captures_iter(line) {
                    add(&file, i + 1, captures.get(1).is_some(), &captures[2]);
                }
            }
        }
        out
    }

    /// The findings `reclint check` reports for a fixture: with its own
    /// reclint.toml when it is a directory that has one, else without a
    /// configuration; with the custom rule directories.
    pub fn lint(&self, fixture: &Path) -> miette::Result<BTreeSet<Expectation>> {
        let fixture = self.cwd.join(fixture);
        let config = Some(fixture.join("reclint.toml")).filter(|c| fixture.is_dir() && c.is_file());
        let options = CheckOptions {
            paths: vec![fixture],
            no_config: config.is_none(),
            config,
            rule_dirs: self.rule_dirs.clone(),
            ..CheckOptions::default()
        };
        let run = check::run(&options, &self.cwd, self.registry)?;
        Ok(run
            .outcome
            .reported
            .iter()
            .map(|r| Expectation {
                path: r.path.clone(),
                line: r.start.line,
                rule: r.finding.rule.to_string(),
                suppressed: r.suppression.is_some(),
            })
            .collect())
    }
}

/// The custom rule directories `reclint test DIR` uses: `DIR` itself, and its
/// parent when `DIR` is a `tests` directory, if they hold rule files at
/// their top; and the `rule-dirs` of a reclint.toml (or .reclint.toml) in
/// either, relative to that file. Paths are relative to `cwd` where possible,
/// without duplicates.
///
/// A rule file is a `*.toml` file other than the configuration that has a
/// `code` key (at its top, or in a table or array of tables at its top), or
/// that is not TOML at all (so that loading it reports the error); this
/// keeps `Cargo.toml` or `pyproject.toml` next to the tests out.
pub fn custom_rule_dirs(
    dir: &Path,
    cwd: &Path,
    registry: &Registry,
) -> miette::Result<Vec<PathBuf>> {
    let dir = normalize(&cwd.join(dir));
    let mut homes = vec![dir.clone()];
    if dir.file_name().is_some_and(|n| n == "tests")
        && let Some(parent) = dir.parent()
    {
        homes.push(parent.to_path_buf());
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for home in &homes {
        if holds_rule_files(home) {
            found.push(home.clone());
        }
    }
    for home in &homes {
        if let Some(config) = CONFIG_FILES
            .iter()
            .map(|name| home.join(name))
            .find(|p| p.is_file())
        {
            let (config, _) =
                check::load_config_file(&config, cwd, &mut SourceMap::default(), registry, &[])?;
            found.extend(config.rule_dirs.iter().map(|d| normalize(d)));
        }
    }
    let mut seen = BTreeSet::new();
    Ok(found
        .into_iter()
        .filter(|d| seen.insert(d.clone()))
        .map(|d| PathBuf::from(display_path(&d, cwd)))
        .collect())
}

fn holds_rule_files(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".toml")
            || CONFIG_FILES.contains(&name.as_str())
            || !entry.file_type().is_ok_and(|t| t.is_file())
        {
            return false;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        match toml::from_str::<toml::Table>(&text) {
            Err(_) => true,
            Ok(table) => {
                let has_code = |t: &toml::Table| t.contains_key("code");
                has_code(&table)
                    || table.values().any(|v| match v {
                        toml::Value::Table(t) => has_code(t),
                        toml::Value::Array(items) => {
                            items.iter().any(|i| i.as_table().is_some_and(has_code))
                        }
                        _ => false,
                    })
            }
        }
    })
}

/// `path` without `.` components and with `..` applied (lexically).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The text report: `PASS CODE (N fixtures)` or `FAIL CODE (N fixtures)` per
/// rule, under a failure each failing fixture with `- path:line RULE` for a
/// missing finding, `+ path:line RULE` for an unexpected one and `! problem`,
/// and a summary line.
pub fn render_text(run: &TestRun) -> String {
    let mut out = String::new();
    for rule in &run.rules {
        let verdict = if rule.passed() { "PASS" } else { "FAIL" };
        out.push_str(&format!(
            "{verdict} {} ({})\n",
            rule.code,
            plural(rule.fixtures.len(), "fixture")
        ));
        for fixture in rule.failures() {
            out.push_str(&format!("  {}\n", fixture.path));
            for missing in &fixture.missing {
                out.push_str(&format!("    - {missing}\n"));
            }
            for unexpected in &fixture.unexpected {
                out.push_str(&format!("    + {unexpected}\n"));
            }
            for problem in &fixture.problems {
                out.push_str(&format!("    ! {problem}\n"));
            }
        }
    }
    out.push_str(&format!(
        "{}, {}: {} failed\n",
        plural(run.rules.len(), "rule"),
        plural(run.fixtures(), "fixture"),
        run.failed()
    ));
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The JSON report, version 1: `{"version": 1, "rules": [{"code", "passed",
/// "fixtures", "failures": [{"fixture", "missing", "unexpected",
/// "problems"}]}], "summary": {"rules", "fixtures", "failed"}}`; findings are
/// `{"path", "line", "rule", "suppressed"}`, problems are
/// `{"kind": "bad-without-rule" | "ok-with-rule" | "unknown-rule", …}`.
pub fn render_json(run: &TestRun) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        rules: Vec<Rule<'a>>,
        summary: Summary,
    }
    #[derive(Serialize)]
    struct Rule<'a> {
        code: &'a str,
        passed: bool,
        fixtures: usize,
        failures: Vec<Failure<'a>>,
    }
    #[derive(Serialize)]
    struct Failure<'a> {
        fixture: &'a str,
        missing: &'a [Expectation],
        unexpected: &'a [Expectation],
        problems: &'a [Problem],
    }
    #[derive(Serialize)]
    struct Summary {
        rules: usize,
        fixtures: usize,
        failed: usize,
    }
    let document = Document {
        version: 1,
        rules: run
            .rules
            .iter()
            .map(|rule| Rule {
                code: &rule.code,
                passed: rule.passed(),
                fixtures: rule.fixtures.len(),
                failures: rule
                    .failures()
                    .map(|f| Failure {
                        fixture: &f.path,
                        missing: &f.missing,
                        unexpected: &f.unexpected,
                        problems: &f.problems,
                    })
                    .collect(),
            })
            .collect(),
        summary: Summary {
            rules: run.rules.len(),
            fixtures: run.fixtures(),
            failed: run.failed(),
        },
    };
    let mut text = serde_json::to_string_pretty(&document).expect("serialisable");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_kinds_come_from_names() {
        assert_eq!(FixtureKind::of("bad_x.conf"), Some(FixtureKind::Bad));
        assert_eq!(FixtureKind::of("ok_dir"), Some(FixtureKind::Ok));
        assert_eq!(FixtureKind::of("case_2021"), Some(FixtureKind::Case));
        assert_eq!(FixtureKind::of("bad_x.json.expect"), None);
        assert_eq!(FixtureKind::of("extensions.conf"), None);
    }

    #[test]
    fn markers_list_codes_and_stop_at_other_text() {
        let found = |line: &str| -> Vec<(bool, String)> {
            MARKER
                .captures_iter(line)
                .flat_map(|c| {
                    let suppressed = c.get(1).is_some();
                    codes(c.get(2).unwrap().as_str())
                        .map(|code| (suppressed, code.to_string()))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(
            found(" same => n,MixMonitor(x.wav) ; expect: REC001, REC004"),
            [(false, "REC001".into()), (false, "REC004".into())]
        );
        assert_eq!(
            found("<action/> <!-- expect: ACME-NO-SALES -->"),
            [(false, "ACME-NO-SALES".into())]
        );
        assert_eq!(
            found("; reclint: ignore[REC001] -- x ; expect-suppressed: REC001 ; expect: REC015"),
            [(true, "REC001".into()), (false, "REC015".into())]
        );
        assert_eq!(
            found("# expect: ACME001 (the sales line)"),
            [(false, "ACME001".into())]
        );
        assert_eq!(
            found("    MixMonitor(x.wav); // reclint: purpose=x // expect: REC015"),
            [(false, "REC015".into())]
        );
        assert!(found("; expected: nothing").is_empty());
        let sidecar = SIDECAR_LINE
            .captures("12 expect-suppressed: REC001,REC015")
            .unwrap();
        assert_eq!(
            (&sidecar[1], sidecar.get(2).is_some(), &sidecar[3]),
            ("12", true, "REC001,REC015")
        );
    }

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(
            normalize(Path::new("/w/a/./b/../c")),
            PathBuf::from("/w/a/c")
        );
        assert_eq!(normalize(Path::new("/w/.")), PathBuf::from("/w"));
    }

    #[test]
    fn the_text_report_lists_what_differs() {
        let at = |line, rule: &str| Expectation {
            path: "t/REC004/bad_x.conf".into(),
            line,
            rule: rule.into(),
            suppressed: false,
        };
        let run = TestRun {
            rules: vec![RuleResult {
                code: "REC004".into(),
                dirs: vec!["t/REC004".into()],
                fixtures: vec![
                    FixtureResult {
                        path: "t/REC004/bad_x.conf".into(),
                        kind: Some(FixtureKind::Bad),
                        missing: vec![at(5, "REC004")],
                        unexpected: vec![at(7, "REC012")],
                        problems: vec![Problem::BadWithoutRule {
                            rule: "REC004".into(),
                        }],
                    },
                    FixtureResult {
                        path: "t/REC004/ok_y.conf".into(),
                        kind: Some(FixtureKind::Ok),
                        missing: vec![],
                        unexpected: vec![],
                        problems: vec![],
                    },
                ],
            }],
        };
        assert_eq!(
            render_text(&run),
            "FAIL REC004 (2 fixtures)\n  t/REC004/bad_x.conf\n    - t/REC004/bad_x.conf:5 REC004\n    + t/REC004/bad_x.conf:7 REC012\n    ! a bad_ fixture must expect REC004\n1 rule, 2 fixtures: 1 failed\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&run)).unwrap();
        assert_eq!(json["summary"]["failed"], 1);
        assert_eq!(
            json["rules"][0]["failures"][0]["problems"][0]["kind"],
            "bad-without-rule"
        );
    }
}
