//! The CI and onboarding surface: `reclint init`, `reclint check
//! --show-config`, the pre-commit hook manifest and the flags docs/ci.md uses.

mod common;
use common::{reclint, root, status, stderr, stdout, tree};

const RECORDED_WITHOUT_CONSENT: &str = "[from-pstn]
exten => _X.,1,Answer()
 same => n,Goto(support,s,1)

[support]
exten => s,1,MixMonitor(${UNIQUEID}.wav)
 same => n,Dial(PJSIP/agent,30)
";

// ---- reclint init ----------------------------------------------------------

#[test]
fn init_writes_a_starter_that_check_accepts() {
    let dir = tree(
        "ci-init-writes",
        &[("pbx/extensions.conf", RECORDED_WITHOUT_CONSENT)],
    );
    let output = reclint(&dir, &["init"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(printed.contains("wrote reclint.toml"), "{printed}");
    assert!(printed.contains("1 Asterisk dialplan file"), "{printed}");
    assert!(printed.contains("from-pstn"), "{printed}");
    assert!(printed.contains("support"), "{printed}");

    let text = std::fs::read_to_string(dir.join("reclint.toml")).unwrap();
    // Every section of the configuration is there, explained.
    for section in [
        "baseline = ",
        "[policy]",
        "sector = ",
        "default-purposes = ",
        "consent-answers = ",
        "transfer-mechanism = ",
        "[purposes.training]",
        "legal-basis = ",
        "retention-days = ",
        "necessity = ",
        "mandate = ",
        "[[scope]]",
        "[recognize]",
        "notice = ",
        "consent = ",
        "consent-variables = ",
        "entry-points = ",
        "[files]",
        "include = ",
        "exclude = ",
        "[rules]",
        "select = ",
        "ignore = ",
        "fail-on = ",
        "[rules.severity]",
        "[[ignore]]",
        "reason = ",
        "expires = ",
    ] {
        assert!(text.contains(section), "`{section}` missing from\n{text}");
    }
    assert!(text.contains("\njurisdiction = \"EU\"\n"), "{text}");
    // The contexts found are offered: recording starts in [support], calls
    // enter by [from-pstn].
    assert!(text.contains("# contexts = [\"support\"]"), "{text}");
    assert!(text.contains("# entry-points = [\"from-pstn\"]"), "{text}");
    assert!(text.contains("1 Asterisk dialplan file"), "{text}");

    // `check` reads it: findings (1), not a configuration error (2).
    let check = reclint(&dir, &["check"]);
    assert_eq!(status(&check), 1, "{}", stderr(&check));
    let shown = stdout(&reclint(&dir, &["check", "--show-config"]));
    assert!(
        shown.contains("policy.jurisdiction = \"EU\"") && shown.contains("# reclint.toml:"),
        "{shown}"
    );
}

/// The commented-out examples are valid too: uncommenting every example
/// key and table header gives a configuration reclint accepts.
#[test]
fn init_examples_are_valid_when_uncommented() {
    let dir = tree(
        "ci-init-uncommented",
        &[("extensions.conf", RECORDED_WITHOUT_CONSENT)],
    );
    assert_eq!(status(&reclint(&dir, &["init"])), 0);
    let text = std::fs::read_to_string(dir.join("reclint.toml")).unwrap();
    let example =
        regex::Regex::new(r"^# (\[\[?[a-z.-]+\]\]?|[a-z-]+ = .*|REC\d{3} = .*)$").unwrap();
    let mut uncommented = String::new();
    let mut count = 0;
    for line in text.lines() {
        if example.is_match(line) {
            uncommented.push_str(&line[2..]);
            count += 1;
        } else {
            uncommented.push_str(line);
        }
        uncommented.push('\n');
    }
    assert!(count > 25, "only {count} example lines in\n{text}");
    std::fs::write(dir.join("reclint.toml"), &uncommented).unwrap();
    let output = reclint(&dir, &["check", "--show-config"]);
    assert_eq!(status(&output), 0, "{}\n{uncommented}", stderr(&output));
    let shown = stdout(&output);
    assert!(shown.contains("ignore = 1 entry"), "{shown}");
    assert!(shown.contains("scope = 1 entry"), "{shown}");
    assert!(
        shown.contains("purposes.staff-safety.legal-basis = \"legitimate-interests\""),
        "{shown}"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tree(
        "ci-init-refuses",
        &[
            ("extensions.conf", RECORDED_WITHOUT_CONSENT),
            ("reclint.toml", "# mine\n[policy]\njurisdiction = \"DK\"\n"),
        ],
    );
    let output = reclint(&dir, &["init"]);
    assert_eq!(status(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("reclint.toml already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("reclint.toml")).unwrap(),
        "# mine\n[policy]\njurisdiction = \"DK\"\n"
    );

    let output = reclint(&dir, &["init", "--force"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("(overwritten)"));
    let text = std::fs::read_to_string(dir.join("reclint.toml")).unwrap();
    assert!(text.contains("written by `reclint init`"), "{text}");
}

#[test]
fn init_refuses_a_hidden_config_too_and_force_keeps_its_name() {
    let dir = tree(
        "ci-init-hidden",
        &[
            ("extensions.conf", RECORDED_WITHOUT_CONSENT),
            (".reclint.toml", "[policy]\njurisdiction = \"DK\"\n"),
        ],
    );
    let output = reclint(&dir, &["init"]);
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains(".reclint.toml already exists"));

    let output = reclint(&dir, &["init", "--force"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("wrote .reclint.toml"));
    assert!(!dir.join("reclint.toml").exists(), "never two config files");
    let text = std::fs::read_to_string(dir.join(".reclint.toml")).unwrap();
    assert!(text.contains("written by `reclint init`"));
}

#[test]
fn init_in_an_empty_tree_says_so() {
    let dir = tree("ci-init-empty", &[("README.md", "# nothing here\n")]);
    let output = reclint(&dir, &["init"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("no files of a format reclint reads"));
    // Linting nothing is an error, unless asked for.
    let output = reclint(&dir, &["check"]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("no files to lint"),
        "{}",
        stderr(&output)
    );
    assert_eq!(status(&reclint(&dir, &["check", "--allow-no-files"])), 0);
}

/// `reclint check /repo` from elsewhere uses `/repo/reclint.toml`, as ruff
/// finds its configuration from the linted path; paths with different
/// configurations are not linted together.
#[test]
fn configuration_is_found_from_the_linted_path() {
    let repo = tree(
        "ci-config-from-path",
        &[
            (
                "reclint.toml",
                "[rules]\nignore = [\"REC001\", \"REC003\", \"REC012\"]\n",
            ),
            ("pbx/extensions.conf", RECORDED_WITHOUT_CONSENT),
        ],
    );
    let elsewhere = tree("ci-config-elsewhere", &[("README.md", "# other\n")]);
    let path = repo.join("pbx");
    let path = path.to_str().unwrap();
    let shown = stdout(&reclint(&elsewhere, &["check", "--show-config", path]));
    assert!(
        shown.contains("ci-config-from-path/reclint.toml (found from the linted paths"),
        "{shown}"
    );
    let output = reclint(&elsewhere, &["check", "--format", "concise", path]);
    assert!(!stdout(&output).contains("REC001"), "{}", stdout(&output));
    // --no-config (and --config) still win.
    let output = reclint(
        &elsewhere,
        &["check", "--no-config", "--format", "concise", path],
    );
    assert!(stdout(&output).contains("REC001"), "{}", stdout(&output));
    // Two paths that find different configurations.
    let other = elsewhere.join("README.md");
    let output = reclint(&elsewhere, &["check", path, other.to_str().unwrap()]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("different configurations"),
        "{}",
        stderr(&output)
    );
}

// ---- reclint check --show-config -------------------------------------------

/// The origin printed for `key`: the text after `  # ` on its line.
fn origin_of(shown: &str, key: &str) -> String {
    let line = shown
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no line for {key} in\n{shown}"));
    line.rsplit_once("  # ")
        .unwrap_or_else(|| panic!("no origin on `{line}`"))
        .1
        .to_string()
}

fn value_of(shown: &str, key: &str) -> String {
    let line = shown
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no line for {key} in\n{shown}"));
    let value = &line[key.len() + 3..];
    value
        .rsplit_once("  # ")
        .map(|(v, _)| v)
        .unwrap_or(value)
        .trim_end()
        .to_string()
}

const CONFIG: &str = "# team policy
[policy]
jurisdiction = \"DK\"
consent-answers = [\"1\"]

[purposes.training]
legal-basis = \"consent\"
retention-days = 30

[[scope]]
paths = [\"pbx/**\"]
purposes = [\"training\"]

[files]
exclude = [\"legacy/**\"]

[rules]
ignore = [\"REC009\"]
[rules.severity]
opt-out-consent = \"warning\"

[[ignore]]
paths = [\"legacy/*.conf\"]
reason = \"retired\"
";

#[test]
fn show_config_says_where_each_value_comes_from() {
    let dir = tree(
        "ci-show-config",
        &[
            ("reclint.toml", CONFIG),
            ("pbx/extensions.conf", RECORDED_WITHOUT_CONSENT),
        ],
    );
    let output = reclint(
        &dir,
        &[
            "check",
            "--show-config",
            "--sector",
            "public-authority",
            "--ignore",
            "REC003",
        ],
    );
    // Configuration only: no linting, exit 0 although the dialplan is bad.
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(!shown.contains("REC001 "), "{shown}");
    assert!(
        shown.contains("# configuration file: reclint.toml (found from the linted paths"),
        "{shown}"
    );

    // From the file, with the line of the key.
    assert_eq!(value_of(&shown, "policy.jurisdiction"), "\"DK\"");
    assert_eq!(origin_of(&shown, "policy.jurisdiction"), "reclint.toml:3");
    assert_eq!(value_of(&shown, "policy.consent-answers"), "[\"1\"]");
    assert_eq!(
        origin_of(&shown, "policy.consent-answers"),
        "reclint.toml:4"
    );
    assert_eq!(
        origin_of(&shown, "purposes.training.legal-basis"),
        "reclint.toml:7"
    );
    assert_eq!(value_of(&shown, "scope"), "1 entry");
    assert_eq!(origin_of(&shown, "scope"), "reclint.toml:10");
    assert_eq!(value_of(&shown, "scope[0].paths"), "[\"pbx/**\"]");
    assert_eq!(value_of(&shown, "files.exclude"), "[\"legacy/**\"]");
    assert_eq!(origin_of(&shown, "files.exclude"), "reclint.toml:15");
    // A rule named in the file is shown by code, at the line of its name.
    assert_eq!(value_of(&shown, "rules.severity.REC005"), "\"warning\"");
    assert_eq!(
        origin_of(&shown, "rules.severity.REC005"),
        "reclint.toml:20"
    );
    assert_eq!(value_of(&shown, "ignore"), "1 entry");
    assert_eq!(origin_of(&shown, "ignore[0]"), "reclint.toml:22");

    // From the command line.
    assert_eq!(value_of(&shown, "policy.sector"), "\"public-authority\"");
    assert_eq!(origin_of(&shown, "policy.sector"), "command line");
    // Both: the file's list plus --ignore.
    assert_eq!(value_of(&shown, "rules.ignore"), "[\"REC009\", \"REC003\"]");
    assert_eq!(
        origin_of(&shown, "rules.ignore"),
        "reclint.toml:18 + command line"
    );

    // Defaults.
    assert_eq!(value_of(&shown, "rules.fail-on"), "\"error\"");
    assert_eq!(origin_of(&shown, "rules.fail-on"), "default");
    assert_eq!(origin_of(&shown, "files.include"), "default");
    assert_eq!(origin_of(&shown, "recognize.entry-points"), "default");
    assert_eq!(origin_of(&shown, "baseline"), "default");
}

#[test]
fn show_config_without_a_file_and_with_overrides() {
    let dir = tree(
        "ci-show-config-none",
        &[
            ("reclint.toml", CONFIG),
            (
                "other.toml",
                "baseline = \"b.toml\"\n[rules]\nfail-on = \"info\"\n",
            ),
        ],
    );
    let output = reclint(
        &dir,
        &[
            "check",
            "--show-config",
            "--no-config",
            "--jurisdiction",
            "US-CA",
            "--fail-on",
            "warning",
            "--select",
            "REC001,recording-before-notice",
        ],
    );
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(shown.contains("# configuration file: none (--no-config)"));
    assert_eq!(value_of(&shown, "policy.jurisdiction"), "\"US-CA\"");
    assert_eq!(origin_of(&shown, "policy.jurisdiction"), "command line");
    assert_eq!(origin_of(&shown, "policy.sector"), "default");
    assert_eq!(
        value_of(&shown, "policy.consent-answers"),
        "[\"1\", \"yes\", \"y\", \"ja\"]"
    );
    assert_eq!(origin_of(&shown, "rules.fail-on"), "command line");
    assert_eq!(value_of(&shown, "rules.select"), "[\"REC001\", \"REC003\"]");
    assert_eq!(origin_of(&shown, "rules.select"), "command line");

    // --config names the file; --baseline beats `baseline =`.
    let output = reclint(&dir, &["check", "--show-config", "--config", "other.toml"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(shown.contains("# configuration file: other.toml (given with --config)"));
    assert_eq!(value_of(&shown, "baseline"), "\"b.toml\"");
    assert_eq!(origin_of(&shown, "baseline"), "other.toml:1");
    assert_eq!(origin_of(&shown, "rules.fail-on"), "other.toml:3");
    assert_eq!(origin_of(&shown, "policy.jurisdiction"), "default");
    let output = reclint(
        &dir,
        &[
            "check",
            "--show-config",
            "--config",
            "other.toml",
            "--baseline",
            "mine.toml",
        ],
    );
    let shown = stdout(&output);
    assert_eq!(value_of(&shown, "baseline"), "\"mine.toml\"");
    assert_eq!(origin_of(&shown, "baseline"), "command line");
}

#[test]
fn show_config_reports_configuration_errors_with_status_2() {
    let dir = tree(
        "ci-show-config-bad",
        &[("reclint.toml", "[policy]\njurisdiction = \"Atlantis\"\n")],
    );
    let output = reclint(&dir, &["check", "--show-config"]);
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains("unknown jurisdiction `Atlantis`"));
    let output = reclint(
        &dir,
        &["check", "--show-config", "--no-config", "--sector", "x"],
    );
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains("unknown sector `x`"));
}

#[test]
fn written_keys_lists_keys_with_spans_in_file_order() {
    let keys = reclint::config::written_keys(CONFIG);
    let line_of = |path: &str| {
        let key = keys
            .iter()
            .find(|k| k.path == path)
            .unwrap_or_else(|| panic!("{path} not in {keys:?}"));
        CONFIG[..key.span.start].matches('\n').count() + 1
    };
    assert_eq!(line_of("policy"), 2);
    assert_eq!(line_of("policy.jurisdiction"), 3);
    assert_eq!(line_of("purposes.training"), 6);
    assert_eq!(line_of("purposes.training.retention-days"), 8);
    assert_eq!(line_of("scope[0]"), 10);
    assert_eq!(line_of("scope[0].purposes"), 12);
    assert_eq!(line_of("rules.severity.opt-out-consent"), 20);
    assert_eq!(line_of("ignore[0].reason"), 24);
    let starts: Vec<usize> = keys.iter().map(|k| k.span.start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    assert!(reclint::config::written_keys("[policy\n").is_empty());
}

// ---- .pre-commit-hooks.yaml --------------------------------------------------

/// The hooks of the manifest, each as its `key: value` lines (a minimal
/// reading of the flat YAML list; no YAML crate).
fn hooks() -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml"))
        .expect(".pre-commit-hooks.yaml at the repository root");
    let mut hooks: Vec<Vec<(String, String)>> = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let item = line.strip_prefix("- ");
        if item.is_some() {
            hooks.push(Vec::new());
        }
        let field = item.unwrap_or(line).trim();
        let (key, value) = field
            .split_once(':')
            .unwrap_or_else(|| panic!("not a `key: value` line: {line}"));
        hooks
            .last_mut()
            .expect("a hook starts with `- `")
            .push((key.trim().to_string(), value.trim().to_string()));
    }
    hooks
}

fn field<'a>(hook: &'a [(String, String)], key: &str) -> Option<&'a str> {
    hook.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// A YAML scalar as written: single-quoted ('' is a quote) or plain.
fn scalar(value: &str) -> String {
    match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => value.to_string(),
    }
}

#[test]
fn pre_commit_manifest_declares_both_hooks() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| field(h, "id")).collect();
    assert_eq!(ids, ["reclint", "reclint-system"]);
    for hook in &hooks {
        for key in ["id", "name", "entry", "language", "files"] {
            assert!(
                field(hook, key).is_some_and(|v| !v.is_empty()),
                "hook {:?} has no {key}",
                field(hook, "id")
            );
        }
        // Only keys pre-commit's manifest schema knows.
        for (key, _) in hook {
            assert!(
                [
                    "id",
                    "name",
                    "entry",
                    "language",
                    "files",
                    "exclude",
                    "types",
                    "types_or",
                    "exclude_types",
                    "args",
                    "always_run",
                    "fail_fast",
                    "pass_filenames",
                    "require_serial",
                    "minimum_pre_commit_version",
                    "stages",
                    "verbose",
                    "description",
                    "additional_dependencies",
                    "language_version",
                    "log_file",
                    "alias",
                ]
                .contains(&key.as_str()),
                "unknown hook key {key}"
            );
        }
        assert_eq!(
            field(hook, "entry"),
            Some("reclint check --force-exclude --allow-no-files --format concise")
        );
        // Whole-tree analysis by default: a PBX is linted as one unit.
        assert_eq!(field(hook, "pass_filenames"), Some("false"));
        assert_eq!(field(hook, "require_serial"), Some("true"));
        assert!(field(hook, "minimum_pre_commit_version").is_some());
        assert!(field(hook, "stages").is_some_and(|s| s.contains("pre-commit")));
    }
    assert_eq!(field(&hooks[0], "language"), Some("rust"));
    assert_eq!(field(&hooks[1], "language"), Some("system"));
}

#[test]
fn pre_commit_files_pattern_catches_the_supported_formats() {
    for hook in hooks() {
        let pattern = scalar(field(&hook, "files").unwrap());
        let files = regex::Regex::new(&pattern).expect("files is a valid regex");
        let exclude = scalar(field(&hook, "exclude").unwrap());
        let excluded = regex::Regex::new(&exclude).expect("exclude is a valid regex");
        let runs_on = |name: &str| files.is_match(name) && !excluded.is_match(name);
        for name in [
            "extensions.conf",
            "pbx/extensions_custom.conf",
            "queues.conf",
            "dialplan/default.xml",
            "flow.json",
            "x.twiml",
            // The policy: a commit that only changes it is checked too.
            "reclint.toml",
            ".reclint.toml",
            "policies/ACME001.toml",
            ".reclint-baseline.toml",
        ] {
            assert!(runs_on(name), "{pattern} (exclude {exclude}) misses {name}");
        }
        for name in [
            "README.md",
            "extensions.conf.bak",
            "Cargo.toml",
            "tools/pyproject.toml",
            "flow.json5",
        ] {
            assert!(
                !runs_on(name),
                "{pattern} (exclude {exclude}) matches {name}"
            );
        }
    }
}

/// What the hooks run works as pre-commit runs it: with file names, and
/// `[files] exclude` applied to them.
#[test]
fn pre_commit_entry_runs_on_file_names() {
    let dir = tree(
        "ci-hook-entry",
        &[
            ("reclint.toml", "[files]\nexclude = [\"legacy/**\"]\n"),
            ("legacy/extensions.conf", RECORDED_WITHOUT_CONSENT),
            ("pbx/extensions.conf", RECORDED_WITHOUT_CONSENT),
            ("package.json", "{\"name\": \"x\"}\n"),
        ],
    );
    let hook = &hooks()[0];
    let entry: Vec<&str> = field(hook, "entry").unwrap().split(' ').collect();
    assert_eq!(entry[0], "reclint");
    let run = |files: &[&str]| {
        let mut args: Vec<&str> = entry[1..].to_vec();
        args.extend(files);
        reclint(&dir, &args)
    };
    let output = run(&["legacy/extensions.conf", "package.json"]);
    assert_eq!(status(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let output = run(&["legacy/extensions.conf", "pbx/extensions.conf"]);
    assert_eq!(status(&output), 1, "{}", stderr(&output));
    assert!(stdout(&output).contains("pbx/extensions.conf"));
    assert!(!stdout(&output).contains("legacy/extensions.conf"));
}

// ---- docs/ci.md ----------------------------------------------------------------

/// Every `--flag` given to `reclint check` in docs/ci.md is one the command has.
#[test]
fn ci_docs_use_only_existing_check_flags() {
    let help = stdout(&reclint(&root(), &["check", "--help"]));
    let docs = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let flag = regex::Regex::new(r"--[a-z][a-z-]*").unwrap();
    let mut checked = 0;
    for line in docs.lines() {
        let Some((_, after)) = line.split_once("reclint check") else {
            continue;
        };
        for m in flag.find_iter(after) {
            checked += 1;
            assert!(
                [" ", "\n", "]", ","]
                    .iter()
                    .any(|end| help.contains(&format!("{}{end}", m.as_str()))),
                "docs/ci.md uses {} with `reclint check`, which has no such flag: {line}",
                m.as_str()
            );
        }
    }
    assert!(checked > 10, "only {checked} flags found");
}
