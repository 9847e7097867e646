//! `reclint test [DIR]`: rule tests as users run them, for built-in and
//! custom rules.

mod common;
use common::{reclint, root, status, stderr, stdout, tree};

/// Recording starts on line 3, before any notice: REC003 is reported there.
const MARKER_ON_THE_WRONG_LINE: &str = "[from-pstn]
exten => _X.,1,Answer() ; expect: REC003
 same => n,MixMonitor(${UNIQUEID}.wav)
 same => n,Dial(PJSIP/agent,30)
";

const MARKER_ON_THE_RIGHT_LINE: &str = "[from-pstn]
exten => _X.,1,Answer()
 same => n,MixMonitor(${UNIQUEID}.wav) ; expect: REC003
 same => n,Dial(PJSIP/agent,30)
";

const NOTICE_FIRST: &str = "[from-pstn]
exten => _X.,1,Answer()
 same => n,Playback(custom/this-call-is-recorded)
 same => n,MixMonitor(${UNIQUEID}.wav,b)
 same => n,Dial(PJSIP/agent,30)
";

#[test]
fn a_failing_fixture_fails_its_rule_with_a_diff() {
    let dir = tree(
        "test-command-failing",
        &[
            (
                "REC003/bad_marker_on_the_wrong_line.conf",
                MARKER_ON_THE_WRONG_LINE,
            ),
            ("REC003/ok_notice_first.conf", NOTICE_FIRST),
        ],
    );
    let output = reclint(&dir, &["test"]);
    assert_eq!(status(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "FAIL REC003 (2 fixtures)
  REC003/bad_marker_on_the_wrong_line.conf
    - REC003/bad_marker_on_the_wrong_line.conf:2 REC003
    + REC003/bad_marker_on_the_wrong_line.conf:3 REC003
1 rule, 2 fixtures: 1 failed
"
    );
}

#[test]
fn passing_fixtures_pass_and_only_their_rules_are_compared() {
    let dir = tree(
        "test-command-passing",
        &[
            ("checks/REC003/bad_no_notice.conf", MARKER_ON_THE_RIGHT_LINE),
            ("checks/REC003/ok_notice_first.conf", NOTICE_FIRST),
            // Not a rule file: a rule directory holds rules with a `code`.
            ("checks/Cargo.toml", "[package]\nname = \"x\"\n"),
            // Not fixtures: neither named after a rule nor bad_/ok_/case_.
            ("checks/notes/extensions.conf", MARKER_ON_THE_WRONG_LINE),
            ("checks/REC001/README.md", "no fixtures here\n"),
        ],
    );
    let output = reclint(&dir, &["test", "checks"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "PASS REC003 (2 fixtures)\n1 rule, 2 fixtures: 0 failed\n"
    );
    // REC001 and REC009 are reported too, unmarked: --exact wants them all.
    let exact = reclint(&dir, &["test", "--exact", "checks"]);
    assert_eq!(status(&exact), 1);
    let text = stdout(&exact);
    assert!(
        text.contains("    + checks/REC003/bad_no_notice.conf:3 REC001\n"),
        "{text}"
    );
    assert!(
        text.contains("    + checks/REC003/ok_notice_first.conf:4 REC009\n"),
        "{text}"
    );
}

#[test]
fn fixture_names_must_mean_their_rule() {
    let dir = tree(
        "test-command-naming",
        &[
            ("REC003/bad_but_clean.conf", NOTICE_FIRST),
            ("REC003/ok_but_not.conf", MARKER_ON_THE_RIGHT_LINE),
            ("REC003/case_unknown_rule.conf", "; expect: REC777\n"),
        ],
    );
    let output = reclint(&dir, &["test", "."]);
    assert_eq!(status(&output), 1);
    assert_eq!(
        stdout(&output),
        "FAIL REC003 (3 fixtures)
  REC003/bad_but_clean.conf
    ! a bad_ fixture must expect REC003
  REC003/case_unknown_rule.conf
    - REC003/case_unknown_rule.conf:1 REC777
    ! REC003/case_unknown_rule.conf:1: unknown rule REC777
  REC003/ok_but_not.conf
    ! an ok_ fixture must not expect REC003
1 rule, 3 fixtures: 3 failed
"
    );
}

#[test]
fn json_output_summarises_the_run() {
    let dir = tree(
        "test-command-json",
        &[
            (
                "REC003/bad_marker_on_the_wrong_line.conf",
                MARKER_ON_THE_WRONG_LINE,
            ),
            ("REC003/ok_notice_first.conf", NOTICE_FIRST),
        ],
    );
    let output = reclint(&dir, &["test", "--format", "json"]);
    assert_eq!(status(&output), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(
        json["summary"],
        serde_json::json!({"rules": 1, "fixtures": 2, "failed": 1})
    );
    let failure = &json["rules"][0]["failures"][0];
    assert_eq!(
        failure["fixture"],
        "REC003/bad_marker_on_the_wrong_line.conf"
    );
    assert_eq!(
        failure["unexpected"][0],
        serde_json::json!({
            "path": "REC003/bad_marker_on_the_wrong_line.conf",
            "line": 3,
            "rule": "REC003",
            "suppressed": false
        })
    );
}

#[test]
fn the_repository_fixtures_pass() {
    let output = reclint(&root(), &["test", "fixtures"]);
    assert_eq!(status(&output), 0, "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("PASS REC001 ("), "{text}");
    assert!(text.ends_with(" fixtures: 0 failed\n"), "{text}");
}

#[test]
fn a_missing_directory_is_a_usage_error() {
    let dir = tree("test-command-missing", &[]);
    let output = reclint(&dir, &["test", "no-such-dir"]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("no-such-dir"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

/// A directory without rule tests tests nothing: status 2, not a pass.
#[test]
fn no_rule_tests_is_an_error() {
    let dir = tree(
        "test-command-none",
        &[("notes/extensions.conf", "[x]\nexten => s,1,Answer()\n")],
    );
    let output = reclint(&dir, &["test", "notes"]);
    assert_eq!(status(&output), 2, "{}", stdout(&output));
    assert!(stderr(&output).contains("no rule tests under notes"));
    assert!(stdout(&output).is_empty());
}

/// A policy from fixtures/policies, loaded from a directory of its own.
const SALES_NEVER_RECORDED: &str = r#"code = "ACME001"
name = "sales-line-never-recorded"
severity = "error"
summary = "Calls to the sales line are recorded, which our policy forbids."
help = "Remove the recording from the sales contexts."
kind = "condition"
message = "{recording} records a sales call"

[when]
context = ["sales*"]

[[references]]
title = "ACME privacy policy PRIV-12"
url = "https://intranet.example.com/policies/priv-12"
"#;

const SALES_RECORDED: &str = "[sales-inbound]
exten => s,1,Answer()
 same => n,Playback(custom/calls-are-recorded)
 same => n,MixMonitor(${UNIQUEID}.wav,b) ; expect: ACME001
 same => n,Queue(sales)
";

const SUPPORT_RECORDED: &str = "[support]
exten => s,1,Answer()
 same => n,Playback(custom/calls-are-recorded)
 same => n,MixMonitor(${UNIQUEID}.wav,b)
 same => n,Queue(support)
";

#[test]
fn custom_rules_next_to_their_tests_are_tested() {
    let dir = tree(
        "test-command-custom",
        &[
            ("policies/ACME001.toml", SALES_NEVER_RECORDED),
            ("policies/tests/ACME001/bad_sales.conf", SALES_RECORDED),
            ("policies/tests/ACME001/ok_support.conf", SUPPORT_RECORDED),
        ],
    );
    let expected = "PASS ACME001 (2 fixtures)\n1 rule, 2 fixtures: 0 failed\n";
    for args in [&["test", "policies"][..], &["test", "policies/tests"]] {
        let output = reclint(&dir, args);
        assert_eq!(status(&output), 0, "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output), expected, "{args:?}");
    }
}

#[test]
fn rule_dirs_of_the_configuration_are_loaded() {
    let dir = tree(
        "test-command-rule-dirs",
        &[
            ("reclint.toml", "rule-dirs = [\"rules\"]\n"),
            ("rules/sales.toml", SALES_NEVER_RECORDED),
            ("checks/ACME001/bad_sales.conf", SALES_RECORDED),
            ("checks/ACME001/ok_support.conf", SUPPORT_RECORDED),
        ],
    );
    let output = reclint(&dir, &["test"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "PASS ACME001 (2 fixtures)\n1 rule, 2 fixtures: 0 failed\n"
    );
}

#[test]
fn the_example_policies_pass() {
    let output = reclint(&root(), &["test", "fixtures/policies"]);
    assert_eq!(status(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("PASS ACME001 ("));
}

#[test]
fn a_rule_file_that_does_not_load_is_exit_2() {
    let dir = tree(
        "test-command-bad-rule",
        &[
            (
                "policies/ACME001.toml",
                "code = \"ACME001\"\nkind = \"telepathy\"\n",
            ),
            ("policies/tests/ACME001/ok_support.conf", SUPPORT_RECORDED),
        ],
    );
    let output = reclint(&dir, &["test", "policies/tests"]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("policies/ACME001.toml"),
        "{}",
        stderr(&output)
    );
}
