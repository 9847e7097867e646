//! Issue 6: custom rules as data. The example policies under
//! `fixtures/policies/` load and fire; malformed rule files are located
//! errors with exit status 2; a regular expression built to exhaust memory
//! is refused.

mod common;

use common::{reclint, root, status, stderr, stdout, tree};

const DIALPLAN: &str = "[sales-inbound]
exten => s,1,Answer()
 same => n,MixMonitor(${UNIQUEID}.wav,b)
 same => n,Queue(sales)
";

/// A tree with one rule file in `policies/` and a reclint.toml naming it.
fn with_rule(name: &str, rule: &str) -> std::path::PathBuf {
    tree(
        name,
        &[
            ("reclint.toml", "rule-dirs = [\"policies\"]\n"),
            ("policies/ACME900.toml", rule),
            ("extensions.conf", DIALPLAN),
        ],
    )
}

const HEADER: &str = "code = \"ACME900\"
name = \"test-rule\"
severity = \"error\"
summary = \"A test rule.\"
";

#[test]
fn example_policies_fire_on_their_bad_fixtures() {
    let out = reclint(
        &root(),
        &[
            "check",
            "--config",
            "fixtures/policies/reclint.toml",
            "fixtures/policies/tests",
            "--format",
            "concise",
        ],
    );
    let text = stdout(&out);
    for code in ["ACME001", "ACME002", "ACME003", "ACME004"] {
        assert!(
            text.contains(&format!(": {code} ")),
            "{code} missing:\n{text}"
        );
    }
    assert!(
        text.contains("ACME003 no-record-from-ringing <Dial> uses record-from-ringing-dual"),
        "{text}"
    );
}

#[test]
fn a_condition_rule_fires_with_its_message() {
    let rule = format!(
        "{HEADER}kind = \"condition\"\nmessage = \"{{recording}} is in {{context}}\"\n[when]\ncontext = [\"sales*\"]\n"
    );
    let dir = with_rule("custom-condition", &rule);
    let out = reclint(
        &dir,
        &["check", "--select", "ACME900", "--format", "concise"],
    );
    assert_eq!(status(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "ACME900 test-rule MixMonitor(${UNIQUEID}.wav,b) in [sales-inbound] is in [sales-inbound]"
        ),
        "{}",
        stdout(&out)
    );
}

/// Each malformed rule file is an error that points into the file.
#[test]
fn malformed_rules_are_located_errors() {
    let cases: &[(&str, String, &str)] = &[
        (
            "bad-regex",
            format!(
                "{HEADER}kind = \"pattern\"\n[pattern]\nfield = \"application\"\nregex = '(unclosed'\n"
            ),
            "invalid regular expression",
        ),
        (
            "unknown-field",
            format!(
                "{HEADER}kind = \"pattern\"\ncolour = \"red\"\n[pattern]\nfield = \"application\"\nregex = 'x'\n"
            ),
            "unknown key `colour`",
        ),
        (
            "unknown-kind",
            format!("{HEADER}kind = \"magic\"\n"),
            "unknown rule kind `magic`",
        ),
        (
            "unknown-pattern-field",
            format!("{HEADER}kind = \"pattern\"\n[pattern]\nfield = \"colour\"\nregex = 'x'\n"),
            "unknown pattern field `colour`",
        ),
        (
            "missing-table",
            format!("{HEADER}kind = \"require\"\n"),
            "a `require` rule needs a [require] table",
        ),
        (
            "reserved-prefix",
            format!(
                "{}kind = \"condition\"\n[when]\n",
                HEADER.replace("ACME900", "REC500")
            ),
            "uses the prefix REC",
        ),
        (
            "colliding-name",
            format!(
                "{}kind = \"condition\"\n[when]\n",
                HEADER.replace("test-rule", "opt-out-consent")
            ),
            "rule name `opt-out-consent` is already used by rule REC005",
        ),
    ];
    for (name, rule, message) in cases {
        let dir = with_rule(&format!("custom-{name}"), rule);
        let out = reclint(&dir, &["check"]);
        let err = stderr(&out);
        assert_eq!(status(&out), 2, "{name}: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert!(
            err.contains("policies/ACME900.toml:"),
            "{name} is not located: {err}"
        );
    }
}

#[test]
fn two_rule_files_with_one_code_collide() {
    let rule = format!("{HEADER}kind = \"condition\"\n[when]\n");
    let other = rule.replace("test-rule", "other-rule");
    let dir = tree(
        "custom-duplicate-code",
        &[
            ("reclint.toml", "rule-dirs = [\"policies\"]\n"),
            ("policies/a.toml", &rule),
            ("policies/b.toml", &other),
            ("extensions.conf", DIALPLAN),
        ],
    );
    let out = reclint(&dir, &["check"]);
    assert_eq!(status(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("rule code `ACME900` is already used by rule ACME900")
            && err.contains("policies/b.toml:"),
        "{err}"
    );
}

/// `(a{1000}){1000}` would compile to about a million states; the size
/// limit refuses it with a clear message instead of using the memory.
#[test]
fn an_exploding_regex_is_refused() {
    let rule = format!(
        "{HEADER}kind = \"pattern\"\n[pattern]\nfield = \"line\"\nregex = '(a{{1000}}){{1000}}'\n"
    );
    let dir = with_rule("custom-exploding-regex", &rule);
    let out = reclint(&dir, &["check"]);
    let err = stderr(&out);
    assert_eq!(status(&out), 2, "{err}");
    assert!(err.contains("regular expression is too large"), "{err}");
    assert!(err.contains("policies/ACME900.toml:"), "{err}");
}

#[test]
fn a_missing_rule_dir_is_a_located_config_error() {
    let dir = tree(
        "custom-missing-dir",
        &[
            ("reclint.toml", "rule-dirs = [\"nowhere\"]\n"),
            ("extensions.conf", DIALPLAN),
        ],
    );
    let out = reclint(&dir, &["check"]);
    assert_eq!(status(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("rule directory `nowhere` does not exist"),
        "{err}"
    );
    assert!(err.contains("reclint.toml:1"), "{err}");
}

/// `field = "line"` matches raw lines of the files a rule applies to, and
/// `field = "assignment"` sees Asterisk `Set()`.
#[test]
fn line_and_assignment_patterns() {
    let dialplan = "[sales-inbound]
exten => s,1,Answer()
 same => n,Set(RECORDING_OK=${CHOICE})
 same => n,NoOp(TODO remove before go-live)
 same => n,Queue(sales)
";
    let line_rule = format!(
        "{HEADER}kind = \"pattern\"\nmessage = \"left-over note: {{note}}\"\n[pattern]\nfield = \"line\"\nregex = 'TODO (?P<note>.*)\\)'\n"
    );
    let assignment_rule = "code = \"ACME901\"
name = \"no-recording-flags\"
severity = \"warning\"
summary = \"A dialplan sets a recording flag.\"
kind = \"pattern\"
message = \"sets {1}\"
[pattern]
field = \"assignment\"
regex = '^(RECORDING_[A-Z]+)='
";
    let dir = tree(
        "custom-line-assignment",
        &[
            ("reclint.toml", "rule-dirs = [\"policies\"]\n"),
            ("policies/ACME900.toml", &line_rule),
            ("policies/ACME901.toml", assignment_rule),
            ("extensions.conf", dialplan),
        ],
    );
    let out = reclint(
        &dir,
        &[
            "check",
            "--select",
            "ACME900,ACME901",
            "--format",
            "concise",
        ],
    );
    let text = stdout(&out);
    assert!(
        text.contains("extensions.conf:4:")
            && text.contains("ACME900 test-rule left-over note: remove before go-live"),
        "{text}"
    );
    assert!(
        text.contains("extensions.conf:3:")
            && text.contains("ACME901 no-recording-flags sets RECORDING_OK"),
        "{text}"
    );
}

/// A rule restricted to a format sees the steps of files reclint reads only
/// because they are included (`#include`), not only the files it was given.
#[test]
fn format_filter_covers_included_files() {
    let rule = format!(
        "{HEADER}kind = \"pattern\"\nformats = [\"asterisk\"]\nmessage = \"{{application}} here\"\n[pattern]\nfield = \"application\"\nregex = '^MixMonitor$'\n"
    );
    let dir = tree(
        "custom-included-file",
        &[
            ("reclint.toml", "rule-dirs = [\"policies\"]\n"),
            ("policies/ACME900.toml", &rule),
            ("pbx/extensions.conf", "#include \"recording.inc\"\n"),
            ("pbx/recording.inc", DIALPLAN),
        ],
    );
    let out = reclint(
        &dir,
        &[
            "check",
            "pbx/extensions.conf",
            "--select",
            "ACME900",
            "--format",
            "concise",
        ],
    );
    assert!(
        stdout(&out).contains("pbx/recording.inc:3:") && stdout(&out).contains("MixMonitor here"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The fixtures of custom rules (`tests/` below a `rule-dirs` directory)
/// are bad on purpose: `check` does not lint them, `reclint test` does.
#[test]
fn custom_rule_fixtures_are_not_linted_as_configuration() {
    let recorded = "[from-pstn]\nexten => _X.,1,Answer()\n same => n,MixMonitor(${UNIQUEID}.wav)\n same => n,Dial(PJSIP/a)\n";
    let dir = tree(
        "custom-fixtures-skipped",
        &[
            ("reclint.toml", "rule-dirs = [\"policies\"]\n"),
            (
                "policies/ACME900.toml",
                &format!("{HEADER}kind = \"condition\"\n[when]\ncontext = [\"nothing\"]\n"),
            ),
            ("policies/tests/ACME900/bad_recorded.conf", recorded),
            ("pbx/extensions.conf", DIALPLAN),
        ],
    );
    let out = reclint(&dir, &["check", "--format", "concise"]);
    assert!(!stdout(&out).contains("policies/tests"), "{}", stdout(&out));
    // Named, or walked from inside, they are linted.
    let out = reclint(&dir, &["check", "--format", "concise", "policies/tests"]);
    assert!(
        stdout(&out).contains("policies/tests/ACME900/bad_recorded.conf"),
        "{}",
        stdout(&out)
    );
}
