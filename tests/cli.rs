//! The command line as users and CI see it: exit codes, configuration errors,
//! JSON output, rule explanations.

use std::path::Path;

mod common;
use common::{reclint, root, status, stderr, stdout, tree};

const RECORDED_WITHOUT_NOTICE: &str = "[from-pstn]
exten => _X.,1,Answer()
 same => n,MixMonitor(${UNIQUEID}.wav,b)
 same => n,Dial(PJSIP/agent,30)
";

const CLEAN: &str = "[from-pstn]
exten => _X.,1,Answer()
 same => n,Dial(PJSIP/agent,30)
";

#[test]
fn exit_status_follows_findings() {
    let dir = tree(
        "exit-status",
        &[
            ("clean/extensions.conf", CLEAN),
            ("bad/extensions.conf", RECORDED_WITHOUT_NOTICE),
        ],
    );
    assert_eq!(
        status(&reclint(&dir, &["check", "--no-config", "clean"])),
        0
    );
    assert_eq!(status(&reclint(&dir, &["check", "--no-config", "bad"])), 1);
    assert_eq!(
        status(&reclint(
            &dir,
            &["check", "--no-config", "--exit-zero", "bad"]
        )),
        0
    );
    // Only warnings left: exit 0 by default, 1 with --fail-on warning.
    let only_warnings = [
        "check",
        "--no-config",
        "--select",
        "undeclared-purpose",
        "bad",
    ];
    assert_eq!(status(&reclint(&dir, &only_warnings)), 0);
    let strict = [&only_warnings[..], &["--fail-on", "warning"]].concat();
    assert_eq!(status(&reclint(&dir, &strict)), 1);
}

#[test]
fn tool_errors_exit_2_with_a_diagnostic() {
    let dir = tree("tool-errors", &[("extensions.conf", CLEAN)]);
    let missing = reclint(&dir, &["check", "--no-config", "no-such-dir"]);
    assert_eq!(status(&missing), 2);
    assert!(
        stderr(&missing).contains("no-such-dir"),
        "{}",
        stderr(&missing)
    );

    let usage = reclint(&dir, &["check", "--format", "yaml"]);
    assert_eq!(status(&usage), 2);
    assert!(
        stderr(&usage).contains("reclint::usage"),
        "{}",
        stderr(&usage)
    );

    let rule = reclint(&dir, &["check", "--no-config", "--select", "REC999"]);
    assert_eq!(status(&rule), 2);
    assert!(stderr(&rule).contains("unknown rule `REC999`"));

    let jurisdiction = reclint(
        &dir,
        &["check", "--no-config", "--jurisdiction", "Atlantis"],
    );
    assert_eq!(status(&jurisdiction), 2);
}

#[test]
fn configuration_errors_point_into_the_file() {
    let cases = [
        (
            "[policy]\njurisdiction = \"DK\"\ncolour = \"red\"\n",
            "colour",
            3,
        ),
        (
            "[rules]\nselect = [\"REC001\", \"not-a-rule\"]\n",
            "unknown rule `not-a-rule`",
            2,
        ),
        (
            "[policy]\nsector = \"space\"\n",
            "unknown sector `space`",
            2,
        ),
        (
            "[purposes.training]\nlegal-basis = \"because\"\n",
            "unknown legal basis `because`",
            2,
        ),
        (
            "[rules.severity]\nREC009 = \"fatal\"\n",
            "unknown severity `fatal`",
            2,
        ),
        ("[files]\nexclude = [\"[oops\"]\n", "unclosed `[`", 2),
    ];
    for (i, (config, message, line)) in cases.iter().enumerate() {
        let dir = tree(
            &format!("config-error-{i}"),
            &[("reclint.toml", config), ("extensions.conf", CLEAN)],
        );
        let output = reclint(&dir, &["check"]);
        let err = stderr(&output);
        assert_eq!(status(&output), 2, "{config}: {err}");
        assert!(
            err.contains(message),
            "{config}: expected `{message}` in\n{err}"
        );
        assert!(
            err.contains(&format!("reclint.toml:{line}:")),
            "{config}: no location in\n{err}"
        );
    }
}

#[test]
fn configuration_is_found_in_ancestors_and_can_be_skipped() {
    let dir = tree(
        "config-discovery",
        &[
            (
                "reclint.toml",
                "[rules]\nignore = [\"REC003\", \"REC004\", \"REC001\", \"REC009\"]\n",
            ),
            ("pbx/extensions.conf", RECORDED_WITHOUT_NOTICE),
        ],
    );
    let pbx = dir.join("pbx");
    assert_eq!(
        status(&reclint(&pbx, &["check"])),
        0,
        "the parent's reclint.toml applies"
    );
    assert_eq!(status(&reclint(&pbx, &["check", "--no-config"])), 1);
    let explicit = reclint(&dir, &["check", "--config", "reclint.toml", "pbx"]);
    assert_eq!(status(&explicit), 0);
}

#[test]
fn json_output_follows_the_spec() {
    let dir = tree("json", &[("pbx/extensions.conf", RECORDED_WITHOUT_NOTICE)]);
    let output = reclint(&dir, &["check", "--no-config", "--format", "json", "pbx"]);
    assert_eq!(status(&output), 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "reclint");
    let findings = doc["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["REC001", "REC003", "REC009"]);
    let keys: Vec<&str> = findings[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "rule",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "help",
        "fingerprint",
        "suppressed",
        "suppression",
        "related",
        "trace",
    ] {
        assert!(keys.contains(&key), "missing key {key}");
    }
    let first = &findings[0];
    assert_eq!(first["path"], "pbx/extensions.conf");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 12);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["suppressed"], false);
    assert!(first["suppression"].is_null());
    assert_eq!(
        first["related"][0]["message"],
        "calls enter [from-pstn] here"
    );
    assert_eq!(first["trace"][0]["line"], 2);
    assert_eq!(
        first["trace"].as_array().unwrap().last().unwrap()["step"],
        "MixMonitor(${UNIQUEID}.wav,b)"
    );
    assert_eq!(doc["summary"]["findings"], 3);
    assert_eq!(doc["summary"]["errors"], 2);
    assert_eq!(doc["summary"]["warnings"], 1);
    assert_eq!(doc["summary"]["files"], 1);
}

#[test]
fn fingerprints_survive_lines_inserted_above() {
    let before = tree(
        "fingerprint-a",
        &[("extensions.conf", RECORDED_WITHOUT_NOTICE)],
    );
    let shifted = format!("; a comment\n\n;-- and a block --;\n{RECORDED_WITHOUT_NOTICE}");
    let after = tree("fingerprint-b", &[("extensions.conf", &shifted)]);
    let fingerprints = |dir: &Path| -> Vec<(String, u64)> {
        let output = reclint(dir, &["check", "--no-config", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let a = fingerprints(&before);
    let b = fingerprints(&after);
    assert_eq!(a.len(), b.len());
    for ((fa, la), (fb, lb)) in a.iter().zip(&b) {
        assert_eq!(fa, fb);
        assert_eq!(la + 3, *lb);
    }
}

#[test]
fn jurisdiction_and_sector_change_what_is_reported() {
    let dir = tree("profiles", &[("extensions.conf", RECORDED_WITHOUT_NOTICE)]);
    let rules_and_severity = |extra: &[&str]| -> Vec<String> {
        let args = [&["check", "--no-config", "--format", "json"][..], extra].concat();
        let doc: serde_json::Value = serde_json::from_str(&stdout(&reclint(&dir, &args))).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        rules_and_severity(&[]),
        ["REC001 error", "REC003 error", "REC009 warning"]
    );
    assert_eq!(
        rules_and_severity(&["--jurisdiction", "UK"]),
        ["REC003 error", "REC009 warning"]
    );
    assert_eq!(
        rules_and_severity(&["--jurisdiction", "US-CA"]),
        ["REC003 error", "REC009 warning"]
    );
    assert_eq!(
        rules_and_severity(&["--jurisdiction", "US"]),
        ["REC003 warning", "REC009 warning"]
    );
    assert_eq!(
        rules_and_severity(&["--sector", "emergency-services"]),
        ["REC003 info", "REC009 warning"]
    );
}

#[test]
fn human_output_is_plain_without_colour() {
    let dir = tree("human", &[("extensions.conf", RECORDED_WITHOUT_NOTICE)]);
    let output = reclint(&dir, &["check", "--no-config", "--color", "never"]);
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "escape codes in plain output");
    assert!(text.contains("REC003 recording-before-notice"));
    assert!(text.contains("        via: "), "the trace: {text}");
    assert!(text.contains("Found 3 findings in 1 file: 2 errors, 1 warning, 0 infos."));
    let coloured = reclint(&dir, &["check", "--no-config", "--color", "always"]);
    assert!(stdout(&coloured).contains('\u{1b}'));
}

#[test]
fn output_file_receives_the_report() {
    let dir = tree(
        "output-file",
        &[("extensions.conf", RECORDED_WITHOUT_NOTICE)],
    );
    let output = reclint(
        &dir,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    assert_eq!(status(&output), 1);
    assert!(stdout(&output).is_empty());
    let written = std::fs::read_to_string(dir.join("report.json")).unwrap();
    assert!(written.contains("\"REC003\""));
}

#[test]
fn rules_are_explained_offline() {
    let dir = root();
    let by_code = reclint(&dir, &["rule", "REC001"]);
    assert_eq!(status(&by_code), 0);
    let text = stdout(&by_code);
    for part in [
        "REC001 blanket-recording-without-consent",
        "## Why is this bad?",
        "## How to fix",
        "https://",
    ] {
        assert!(text.contains(part), "missing {part}");
    }
    let by_name = reclint(&dir, &["rule", "blanket-recording-without-consent"]);
    assert_eq!(stdout(&by_name), text);
    assert_eq!(status(&reclint(&dir, &["rule", "REC999"])), 2);

    let list = stdout(&reclint(&dir, &["rules"]));
    for code in [
        "REC001", "REC002", "REC003", "REC004", "REC005", "REC006", "REC009", "REC010", "REC900",
        "REC901",
    ] {
        assert!(list.contains(code), "{code} missing from `reclint rules`");
    }
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&reclint(&dir, &["rules", "--format", "json"]))).unwrap();
    assert_eq!(json.as_array().unwrap().len(), list.lines().count());
}

#[test]
fn rules_of_one_framework() {
    let dir = root();
    let codes = |args: &[&str]| -> Vec<String> {
        let output = reclint(&dir, args);
        assert_eq!(status(&output), 0, "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| line.split_whitespace().next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        codes(&["rules", "--framework", "pci-dss"]),
        ["REC014", "REC024"]
    );
    assert_eq!(
        codes(&["rules", "--framework", "mifid2"]),
        ["REC011", "REC024"]
    );
    assert_eq!(codes(&["rules", "--framework", "bipa"]), ["REC023"]);
    assert_eq!(
        codes(&["rules", "--framework", "br-sac"]),
        ["REC011", "REC024", "REC025"]
    );
    let gdpr = codes(&["rules", "--framework", "gdpr"]);
    assert!(gdpr.contains(&"REC001".to_string()) && gdpr.contains(&"REC018".to_string()));
    assert!(!gdpr.contains(&"REC014".to_string()) && !gdpr.contains(&"REC900".to_string()));
    let json: serde_json::Value = serde_json::from_str(&stdout(&reclint(
        &dir,
        &["rules", "--framework", "cipa", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json[0]["code"], "REC003");
    assert!(
        json[0]["tags"]
            .as_array()
            .unwrap()
            .contains(&"cipa:632".into())
    );

    let unknown = reclint(&dir, &["rules", "--framework", "gdp"]);
    assert_eq!(status(&unknown), 2);
    assert!(
        stderr(&unknown).contains("did you mean `gdpr`?"),
        "{}",
        stderr(&unknown)
    );
    let pages = reclint(
        &dir,
        &[
            "rules",
            "--framework",
            "gdpr",
            "--format",
            "markdown",
            "--output",
            "x",
        ],
    );
    assert_eq!(status(&pages), 2);
}

#[test]
fn unreadable_and_binary_files_are_findings_not_crashes() {
    let dir = tree("bad-input", &[("good/extensions.conf", CLEAN)]);
    std::fs::write(
        dir.join("good/extensions_binary.conf"),
        b"\x00\x01\x02junk\x00",
    )
    .unwrap();
    std::fs::write(
        dir.join("good/extensions_latin1.conf"),
        b"[x]\n; caf\xe9\nexten => s,1,Answer()\n",
    )
    .unwrap();
    let output = reclint(&dir, &["check", "--no-config", "--format", "json", "good"]);
    assert_eq!(status(&output), 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "REC900");
    assert_eq!(findings[0]["path"], "good/extensions_binary.conf");
    assert!(findings[0]["message"].as_str().unwrap().contains("binary"));
}

fn rules_reported(dir: &Path, args: &[&str]) -> Vec<String> {
    let args = [&["check", "--no-config", "--format", "json"][..], args].concat();
    let output = reclint(dir, &args);
    assert_ne!(status(&output), 2, "{}", stderr(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect()
}

#[test]
fn files_of_one_pbx_are_analysed_together() {
    let caller = "[from-pstn]\nexten => _X.,1,Goto(helpdesk,s,1)\n";
    let callee = "[helpdesk]\nexten => s,1,Dial(PJSIP/agent,30)\n";
    // Same prefix before `extensions`: one PBX, the Goto resolves.
    let same = tree(
        "group-same",
        &[
            ("acme_extensions.conf", caller),
            ("acme_extensions_custom.conf", callee),
        ],
    );
    assert_eq!(rules_reported(&same, &[]), Vec::<String>::new());
    // Different prefixes: two PBXs, the target is not defined in the first.
    let apart = tree(
        "group-apart",
        &[
            ("acme_extensions.conf", caller),
            ("other_extensions.conf", callee),
        ],
    );
    assert_eq!(
        rules_reported(&apart, &[]),
        ["REC901 acme_extensions.conf:2"]
    );
}

#[test]
fn includes_are_spliced_and_bounded() {
    let dir = tree(
        "includes",
        &[
            (
                "pbx/extensions.conf",
                "[from-pstn]\nexten => _X.,1,Answer()\n#include \"dialplan/*.inc\"\n#include \"/etc/passwd\"\n#include \"extensions.conf\"\n",
            ),
            (
                "pbx/dialplan/record.inc",
                " same => n,MixMonitor(x.wav,b)\n same => n,Dial(PJSIP/a,30)\n",
            ),
        ],
    );
    assert_eq!(
        rules_reported(&dir, &[]),
        [
            "REC001 pbx/dialplan/record.inc:1",
            "REC003 pbx/dialplan/record.inc:1",
            "REC009 pbx/dialplan/record.inc:1",
            "REC901 pbx/extensions.conf:4",
            "REC900 pbx/extensions.conf:5",
        ]
    );
}

#[test]
fn ael_includes_are_spliced_and_bounded() {
    // AEL splices an `#include` wherever it stands, even inside an extension.
    let dir = tree(
        "ael-includes",
        &[
            (
                "pbx/extensions.ael",
                "context from-pstn {\n\t_X. => {\n\t\tAnswer();\n#include \"dialplan/*.inc\" // the body\n\t};\n};\n#include \"/etc/passwd\"\n#include \"extensions.ael\"\n",
            ),
            (
                "pbx/dialplan/record.inc",
                "\t\tMixMonitor(x.wav,b);\n\t\tDial(PJSIP/a,30);\n",
            ),
        ],
    );
    assert_eq!(
        rules_reported(&dir, &[]),
        [
            "REC001 pbx/dialplan/record.inc:1",
            "REC003 pbx/dialplan/record.inc:1",
            "REC009 pbx/dialplan/record.inc:1",
            "REC901 pbx/extensions.ael:7",
            "REC900 pbx/extensions.ael:8",
        ]
    );
}

#[test]
fn walking_honours_files_settings_and_skips_backups() {
    let dir = tree(
        "walking",
        &[
            ("reclint.toml", "[files]\nexclude = [\"legacy/**\"]\n"),
            ("pbx/extensions.conf", CLEAN),
            ("pbx/extensions.conf.bak", RECORDED_WITHOUT_NOTICE),
            ("pbx/extensions.confnew", RECORDED_WITHOUT_NOTICE),
            ("legacy/extensions.conf", RECORDED_WITHOUT_NOTICE),
            ("node_modules/x/extensions.conf", RECORDED_WITHOUT_NOTICE),
            ("notes/dialplan.conf", RECORDED_WITHOUT_NOTICE),
            ("notes/readme.txt", RECORDED_WITHOUT_NOTICE),
            ("docs/notes.md", "# Notes\n"),
        ],
    );
    let summary = |args: &[&str]| -> (Vec<String>, u64) {
        let args = [&["check", "--format", "json"][..], args].concat();
        let doc: serde_json::Value = serde_json::from_str(&stdout(&reclint(&dir, &args))).unwrap();
        let paths = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        (paths, doc["summary"]["files"].as_u64().unwrap())
    };
    // Found by content: notes/dialplan.conf. Not read: backups, excluded and pruned trees, .txt.
    assert_eq!(summary(&[]), (vec!["notes/dialplan.conf".to_string()], 2));
    // A backup named explicitly is read; an excluded file named explicitly too, unless --force-exclude.
    assert_eq!(
        summary(&["pbx/extensions.confnew"]).0,
        ["pbx/extensions.confnew"]
    );
    assert_eq!(
        summary(&["legacy/extensions.conf"]).0,
        ["legacy/extensions.conf"]
    );
    // Excluded, it lints nothing: an error unless that is accepted.
    assert_eq!(
        summary(&[
            "--force-exclude",
            "--allow-no-files",
            "legacy/extensions.conf"
        ]),
        (vec![], 0)
    );
    let nothing = reclint(
        &dir,
        &["check", "--force-exclude", "legacy/extensions.conf"],
    );
    assert_eq!(status(&nothing), 2);
    assert!(stderr(&nothing).contains("no files to lint"));
    // So are a directory without configuration and a file of no format.
    for path in ["docs", "docs/notes.md"] {
        let output = reclint(&dir, &["check", path]);
        assert_eq!(status(&output), 2, "{path}: {}", stdout(&output));
    }
}

#[test]
fn suppressed_findings_stay_in_json_and_do_not_fail_the_run() {
    let suppressed = "[from-pstn]
exten => _X.,1,Answer()
 same => n,Playback(custom/this-call-is-recorded)
 ; reclint: ignore[REC001] -- consent collected by the carrier (contract C-7)
 same => n,MixMonitor(${UNIQUEID}.wav,b) ; reclint: purpose=documentation
 same => n,Dial(PJSIP/agent,30)
";
    // The purpose's retention is declared, so the only finding is REC001.
    let config = "[purposes.documentation]\nretention-days = 90\n";
    let dir = tree(
        "suppressions",
        &[("extensions.conf", suppressed), ("reclint.toml", config)],
    );
    let output = reclint(&dir, &["check", "--format", "json"]);
    assert_eq!(status(&output), 0, "{}", stdout(&output));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let finding = &doc["findings"][0];
    assert_eq!(finding["rule"], "REC001");
    assert_eq!(finding["suppressed"], true);
    assert_eq!(finding["suppression"]["kind"], "inline");
    assert_eq!(
        finding["suppression"]["reason"],
        "consent collected by the carrier (contract C-7)"
    );
    assert_eq!(doc["summary"]["findings"], 0);
    assert_eq!(doc["summary"]["suppressed"], 1);

    let human = stdout(&reclint(&dir, &["check"]));
    assert!(
        human.contains("No findings in 1 file. (1 suppressed"),
        "{human}"
    );

    // The kill switch for audits: the comment is not honoured.
    let audit = reclint(
        &dir,
        &["check", "--no-inline-suppressions", "--format", "json"],
    );
    assert_eq!(status(&audit), 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&audit)).unwrap();
    assert_eq!(doc["findings"][0]["suppressed"], false);
}

#[test]
fn baseline_accepts_old_findings_and_reports_new_ones() {
    let two_lines = "[from-pstn]
exten => 100,1,MixMonitor(${UNIQUEID}.wav)
 same => n,Dial(PJSIP/sales,30)
exten => 200,1,MixMonitor(${UNIQUEID}.wav,b)
 same => n,Dial(PJSIP/support,30)
";
    let dir = tree("baseline", &[("pbx/extensions.conf", two_lines)]);
    let written = reclint(
        &dir,
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "reclint-baseline.toml",
            "pbx",
        ],
    );
    assert_eq!(status(&written), 0, "{}", stderr(&written));
    assert!(stderr(&written).contains("wrote baseline reclint-baseline.toml"));
    let file = std::fs::read_to_string(dir.join("reclint-baseline.toml")).unwrap();
    assert!(
        file.contains("version = 1") && file.contains("[[entry]]") && file.contains("fingerprints")
    );
    assert!(
        !file.contains("line ="),
        "a baseline must not depend on line numbers:\n{file}"
    );
    let again = reclint(
        &dir,
        &[
            "check",
            "--no-config",
            "--write-baseline",
            "second.toml",
            "pbx",
        ],
    );
    assert_eq!(status(&again), 0);
    assert_eq!(
        file,
        std::fs::read_to_string(dir.join("second.toml")).unwrap(),
        "baselines are deterministic"
    );

    let with = [
        "check",
        "--no-config",
        "--baseline",
        "reclint-baseline.toml",
        "--format",
        "json",
        "pbx",
    ];
    let output = reclint(&dir, &with);
    assert_eq!(status(&output), 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["suppression"]["kind"] == "baseline")
    );

    // Lines inserted above and a new recording: only the new one counts.
    let edited = format!(
        "; moved down\n\n{two_lines}exten => 300,1,MixMonitor(${{UNIQUEID}}.wav)\n same => n,Dial(PJSIP/x,30)\n"
    );
    std::fs::write(dir.join("pbx/extensions.conf"), &edited).unwrap();
    let output = reclint(&dir, &with);
    assert_eq!(status(&output), 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let active: Vec<u64> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"] == false)
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert!(
        !active.is_empty() && active.iter().all(|&l| l == 8),
        "only extension 300 is new: {active:?}"
    );

    // Fixed findings make stale entries; pruning removes them and adds nothing.
    std::fs::write(dir.join("pbx/extensions.conf"), "[from-pstn]\nexten => 100,1,MixMonitor(${UNIQUEID}.wav)\n same => n,Dial(PJSIP/sales,30)\n").unwrap();
    let stale = reclint(&dir, &with);
    assert_eq!(status(&stale), 0);
    assert!(stderr(&stale).contains("stale"), "{}", stderr(&stale));
    let prune = [&with[..], &["--prune-baseline"]].concat();
    assert_eq!(status(&reclint(&dir, &prune)), 0);
    let pruned = std::fs::read_to_string(dir.join("reclint-baseline.toml")).unwrap();
    assert!(pruned.len() < file.len());
    assert!(!stderr(&reclint(&dir, &with)).contains("stale"));

    // `baseline =` in reclint.toml works like the flag.
    std::fs::write(
        dir.join("reclint.toml"),
        "baseline = \"reclint-baseline.toml\"\n",
    )
    .unwrap();
    assert_eq!(status(&reclint(&dir, &["check", "pbx"])), 0);
    assert_eq!(status(&reclint(&dir, &["check", "--no-config", "pbx"])), 1);
}

/// Runs `reclint ARGS` in `dir` with `input` on standard input.
fn reclint_stdin(dir: &Path, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reclint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("reclint runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn standard_input_is_linted_under_the_name_it_is_given() {
    let dir = tree(
        "stdin",
        &[
            ("reclint.toml", "[files]\nexclude = [\"legacy/**\"]\n"),
            (
                "pbx/extensions_custom.conf",
                "[sales]\nexten => s,1,MixMonitor(${UNIQUEID}.wav)\n same => n,Dial(PJSIP/a,30)\n",
            ),
        ],
    );
    // The edited extensions.conf comes from stdin; its include is read from disk.
    let edited = "[from-pstn]\nexten => _X.,1,Answer()\n same => n,Goto(sales,s,1)\n#include extensions_custom.conf\n";
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "pbx/extensions.conf",
        "--format",
        "concise",
    ];
    let named = reclint_stdin(&dir, &args, edited.as_bytes());
    assert_eq!(status(&named), 1, "{}", stderr(&named));
    let out = stdout(&named);
    assert!(
        out.contains("pbx/extensions_custom.conf:2:") && out.contains("REC001"),
        "{out}"
    );

    // `--stdin-filename` alone reads stdin too; without a name the content decides.
    let alone = reclint_stdin(
        &dir,
        &["check", "--stdin-filename", "x.conf", "--format", "concise"],
        b"[from-pstn]\nexten => _X.,1,MixMonitor(a.wav)\n same => n,Dial(PJSIP/a)\n",
    );
    assert!(stdout(&alone).contains("x.conf:2:"), "{}", stdout(&alone));
    let twiml = reclint_stdin(
        &dir,
        &["check", "-", "--format", "concise"],
        b"<Response><Dial record=\"record-from-answer\">+4512345678</Dial></Response>",
    );
    assert!(stdout(&twiml).contains("<stdin>:1:"), "{}", stdout(&twiml));

    // Binary input is a finding on the named file, not a crash.
    let binary = reclint_stdin(&dir, &args, b"MZ\0\0\x90");
    assert_eq!(status(&binary), 1);
    assert!(stdout(&binary).contains("pbx/extensions.conf:1:1: REC900"));

    // An excluded name with --force-exclude lints nothing: the editor asked
    // for that, so it is not the error an empty run is.
    let excluded = reclint_stdin(
        &dir,
        &[
            "check",
            "-",
            "--stdin-filename",
            "legacy/extensions.conf",
            "--force-exclude",
        ],
        edited.as_bytes(),
    );
    assert_eq!(status(&excluded), 0, "{}", stdout(&excluded));

    // Unknown content and misuse are tool errors (status 2).
    let unknown = reclint_stdin(&dir, &["check", "-"], b"{\"name\": \"package\"}");
    assert_eq!(status(&unknown), 2);
    assert!(stderr(&unknown).contains("--stdin-filename"));
    assert_eq!(status(&reclint_stdin(&dir, &["check", "-", "pbx"], b"")), 2);
    assert_eq!(
        status(&reclint_stdin(
            &dir,
            &["check", "pbx", "--stdin-filename", "a.conf"],
            b""
        )),
        2
    );
}

#[test]
fn a_long_hunt_is_shortened_in_the_trace() {
    // A call from outside hunts past 30 extensions before the one that records
    // (patterns: a hunt for a literal number would skip those it cannot match).
    let mut xml = String::from("<include>\n<context name=\"public\">\n");
    for n in 0..30 {
        xml.push_str(&format!(
            "<extension name=\"e{n}\"><condition field=\"destination_number\" expression=\"^(2{n:03}\\d+)$\"><action application=\"bridge\" data=\"user/{n}\"/></condition></extension>\n"
        ));
    }
    xml.push_str("<extension name=\"rec\"><condition field=\"destination_number\" expression=\"^(5\\d{3})$\"><action application=\"record_session\" data=\"/r/${uuid}.wav\"/><action application=\"bridge\" data=\"user/5000\"/></condition></extension>\n</context>\n</include>\n");
    let dir = tree("long-hunt", &[("dialplan/public.xml", &xml)]);
    let out = reclint(&dir, &["check", "--no-config", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "REC004")
        .expect("recording without consent");
    let trace: Vec<String> = finding["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["step"].as_str().unwrap().to_string())
        .collect();
    assert!(trace.len() < 10, "{trace:#?}");
    assert!(
        trace.iter().any(|t| t == "… 29 more conditions passed"),
        "{trace:#?}"
    );
    assert!(
        trace.last().unwrap().contains("record_session"),
        "{trace:#?}"
    );
}

/// A `[files] include` that matches nothing lints nothing: status 2, as an
/// empty directory, so that CI does not pass on a misconfigured glob.
#[test]
fn an_include_glob_that_matches_nothing_is_an_error() {
    let dir = tree(
        "include-nothing",
        &[
            ("reclint.toml", "[files]\ninclude = [\"pbx/**\"]\n"),
            ("dialplans/extensions.conf", RECORDED_WITHOUT_NOTICE),
        ],
    );
    let output = reclint(&dir, &["check"]);
    assert_eq!(status(&output), 2, "{}", stdout(&output));
    assert!(stderr(&output).contains("no files to lint"));
    assert!(stderr(&output).contains("--allow-no-files"));
    assert_eq!(status(&reclint(&dir, &["check", "--allow-no-files"])), 0);
}

/// What `--show-files` output says of the file whose path starts `path`.
fn listed(shown: &str, path: &str) -> String {
    shown
        .lines()
        .find(|l| l.starts_with(path))
        .map(|l| l[path.len()..].trim().to_string())
        .unwrap_or_else(|| panic!("{path} not listed:\n{shown}"))
}

/// `--show-files`: the configuration in use and every file, with its
/// platform or why it is skipped; nothing is linted.
#[test]
fn show_files_lists_what_is_read_and_why_the_rest_is_not() {
    let dir = tree(
        "show-files",
        &[
            ("reclint.toml", "[files]\nexclude = [\"legacy/**\"]\n"),
            ("pbx/extensions.conf", RECORDED_WITHOUT_NOTICE),
            ("pbx/extensions.conf.bak", RECORDED_WITHOUT_NOTICE),
            ("legacy/extensions.conf", RECORDED_WITHOUT_NOTICE),
            ("node_modules/x/extensions.conf", RECORDED_WITHOUT_NOTICE),
            ("notes/readme.md", "# notes\n"),
            ("notes/data.json", "{\"name\": \"x\"}\n"),
        ],
    );
    let output = reclint(&dir, &["check", "--show-files"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    let what = |path: &str| listed(&shown, path);
    assert!(shown.contains("# configuration file: reclint.toml (found from the linted paths"));
    assert_eq!(what("pbx/extensions.conf "), "Asterisk dialplan");
    assert!(what("pbx/extensions.conf.bak").contains("backup"));
    assert!(what("legacy").contains("excluded by `[files] exclude`"));
    assert!(what("node_modules").contains("never linted"));
    assert!(what("notes/readme.md").contains("not a format reclint reads"));
    assert!(what("notes/data.json").contains("by its content"));
    assert!(!shown.contains("REC0"), "nothing is linted");
}

/// `--show-files` names the dialect of each `<Response>` document, told by
/// its verbs, attributes or file name (issue 15).
#[test]
fn show_files_names_each_xml_dialect() {
    let dir = tree(
        "xml-dialects",
        &[
            ("twilio/voice.xml", "<Response><Say>Hi</Say></Response>"),
            (
                "telnyx/texml_voice.xml",
                "<Response><Say>Hi</Say></Response>",
            ),
            (
                "telnyx/siprec.xml",
                "<Response><Start><Siprec connectorName=\"srs\" secure=\"true\"/></Start></Response>",
            ),
            (
                "signalwire/bin.xml",
                "<Response><Dial><Verto>a@b.verto.signalwire.com</Verto></Dial></Response>",
            ),
            (
                "plivo/answer.xml",
                "<Response><GetInput action=\"/c\"><Speak>Press 1</Speak></GetInput></Response>",
            ),
        ],
    );
    let shown = stdout(&reclint(&dir, &["check", "--no-config", "--show-files"]));
    let what = |path: &str| listed(&shown, path);
    assert_eq!(what("twilio/voice.xml"), "Twilio TwiML");
    assert_eq!(what("telnyx/texml_voice.xml"), "Telnyx TeXML");
    assert_eq!(what("telnyx/siprec.xml"), "Telnyx TeXML");
    assert_eq!(what("signalwire/bin.xml"), "SignalWire cXML");
    assert_eq!(what("plivo/answer.xml"), "Plivo XML");
}

/// No silent skips (issue 14 item 7): a platform's file without a call flow
/// is listed as such and counted; a flow of a platform reclint does not read
/// yet (a Genesys voicemail flow), or a Flex configuration that switches
/// recording on, is listed as not analysed and reported once per platform on
/// stderr; a Genesys message flow holds no call.
#[test]
fn recognised_files_are_never_skipped_in_silence() {
    let flex_off =
        r#"{"custom_data": {"features": {"dual_channel_recording": {"enabled": false}}}}"#;
    let flex_on = r#"{"custom_data": {"features": {"dual_channel_recording": {"enabled": true, "channel": "worker"}}}}"#;
    let voicemail = "voicemail:\n  name: Mailbox\n";
    let dir = tree(
        "other-files",
        &[
            ("pbx/extensions.conf", RECORDED_WITHOUT_NOTICE),
            (
                "pbx/pjsip.conf",
                "[6001]\ntype=endpoint\none_touch_recording=yes\n",
            ),
            ("pbx/asterisk.conf", "[options]\nverbose = 3\n"),
            ("flex/ui_attributes.common.json", flex_off),
            ("flex/ui_attributes.prod.json", flex_on),
            ("genesys/mailbox.yaml", voicemail),
            ("genesys/after-hours.yaml", voicemail),
            ("genesys/sms.yaml", "inboundShortMessage:\n  name: SMS\n"),
            (
                "vonage/answer.json",
                r#"[{"action": "talk", "text": "Hello"}]"#,
            ),
            (
                "webhooks/answer.xml",
                "<Response><Ask>Hi</Ask><Transfer>+4570100100</Transfer></Response>",
            ),
        ],
    );
    let shown = stdout(&reclint(&dir, &["check", "--no-config", "--show-files"]));
    let what = |path: &str| listed(&shown, path);
    assert!(what("pbx/pjsip.conf").starts_with("not a call-flow file"));
    assert!(what("pbx/asterisk.conf").starts_with("not a call-flow file"));
    assert!(what("flex/ui_attributes.common.json").starts_with("not a call-flow file"));
    assert!(what("flex/ui_attributes.prod.json").starts_with("not analysed"));
    // NCCOs are read (issue 15), recognised by their shape.
    assert_eq!(what("vonage/answer.json"), "Vonage NCCO");
    assert!(what("webhooks/answer.xml").contains("none of whose verbs is TwiML"));
    assert!(what("genesys/mailbox.yaml").contains("Genesys Cloud"));
    assert!(what("genesys/sms.yaml").starts_with("not a call-flow file"));

    let output = reclint(&dir, &["check", "--no-config"]);
    let notes = stderr(&output);
    assert!(
        notes.contains("note: 2 Genesys Cloud files were not analysed"),
        "{notes}"
    );
    assert!(!notes.contains("Vonage"), "{notes}");
    assert!(
        notes.contains("note: 1 Flex plugin recording file was not analysed"),
        "{notes}"
    );
    assert!(
        notes.contains("note: 1 unknown <Response> dialect file was not analysed"),
        "{notes}"
    );
    // The four files without a call flow are counted with the dialplan
    // and the NCCO.
    assert!(
        stdout(&output).contains("of 6 files"),
        "{}",
        stdout(&output)
    );
}

/// `--select` and `--ignore` take codes, names, code prefixes and `ALL`,
/// as ruff's do; `--extend-select` adds to the selection; a misspelt code
/// gets a suggestion.
#[test]
fn rule_selectors_follow_ruff() {
    let dir = tree("selectors", &[("extensions.conf", RECORDED_WITHOUT_NOTICE)]);
    let codes = |args: &[&str]| -> std::collections::BTreeSet<String> {
        let args = [&["check", "--no-config", "--format", "json"][..], args].concat();
        let doc: serde_json::Value = serde_json::from_str(&stdout(&reclint(&dir, &args))).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let all = codes(&[]);
    assert!(all.len() >= 2, "{all:?}");
    assert_eq!(codes(&["--select", "ALL"]), all);
    assert_eq!(codes(&["--select", "rec0"]), all, "a prefix, any case");
    assert!(codes(&["--ignore", "ALL"]).is_empty());
    let first: Vec<&String> = all.iter().take(1).collect();
    let second = all.iter().nth(1).unwrap();
    let extended = codes(&["--select", first[0], "--extend-select", second]);
    assert_eq!(extended.len(), 2, "{extended:?}");
    let output = reclint(&dir, &["check", "--no-config", "--select", "REC0001"]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("did you mean `REC001`?"),
        "{}",
        stderr(&output)
    );
    let output = reclint(
        &dir,
        &["check", "--no-config", "--ignore", "opt-out-consnet"],
    );
    assert!(
        stderr(&output).contains("did you mean `opt-out-consent`?"),
        "{}",
        stderr(&output)
    );
}

/// `--output-format` (and its alias `--format`), `-q` without the summary,
/// `--statistics` with a count per rule.
#[test]
fn output_conventions_follow_ruff() {
    let dir = tree(
        "output-conventions",
        &[("extensions.conf", RECORDED_WITHOUT_NOTICE)],
    );
    let concise = |args: &[&str]| -> String {
        let args = [&["check", "--no-config"][..], args].concat();
        stdout(&reclint(&dir, &args))
    };
    let full = concise(&["--output-format", "concise"]);
    assert_eq!(full, concise(&["--format", "concise"]));
    assert!(full.contains("Found "), "{full}");
    let quiet = concise(&["--output-format", "concise", "-q"]);
    assert!(
        !quiet.contains("Found ") && !quiet.contains("Run `reclint check`"),
        "{quiet}"
    );
    assert_eq!(quiet.lines().count(), full.lines().count() - 2);
    assert!(!concise(&["-q"]).contains("Found "));
    let statistics = concise(&["--statistics"]);
    let findings = quiet.lines().count();
    let counted: usize = statistics
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(counted, findings, "{statistics}");
    assert!(
        statistics.contains("REC001  blanket-recording-without-consent"),
        "{statistics}"
    );
    assert_eq!(
        status(&reclint(&dir, &["check", "--no-config", "--statistics"])),
        1
    );
}

/// `--version` names the commit, as `git describe` would, or says it is
/// unknown outside a checkout.
#[test]
fn version_names_the_commit() {
    let output = reclint(&root(), &["--version"]);
    assert_eq!(status(&output), 0);
    let version = stdout(&output);
    let commit =
        regex::Regex::new(r"^reclint \d+\.\d+\.\d+ \(([0-9a-f]{7,}|unknown)\)\n$").unwrap();
    assert!(commit.is_match(&version), "{version}");
}

/// Shell completions (clap_complete) and a man page (clap_mangen).
#[test]
fn completions_and_man_page_are_printed() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = reclint(&root(), &["completions", shell]);
        assert_eq!(status(&output), 0, "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(
            script.contains("check") && script.contains("--select"),
            "{shell}"
        );
    }
    assert_eq!(status(&reclint(&root(), &["completions", "tcsh"])), 2);
    let page = stdout(&reclint(&root(), &["man"]));
    assert!(
        page.starts_with(".ie") || page.contains(".TH reclint 1"),
        "{page}"
    );
    assert!(page.contains(".TH reclint 1") && page.contains("check"));
}

/// Human output fits the terminal: `COLUMNS`, 80 when unknown. Only the
/// quoted configuration lines of code frames may be wider; the labels under
/// them are reclint's own text.
#[test]
fn human_output_fits_the_width() {
    let demo = root().join("fixtures/demo/contact-centre");
    let frame = regex::Regex::new(r"^\s*\d+ │").unwrap();
    for (columns, width) in [(Some("80"), 80), (None, 80), (Some("100"), 100)] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_reclint"));
        command
            .current_dir(root())
            .env_remove("COLUMNS")
            .args(["check", "--color", "never"])
            .arg(&demo);
        if let Some(columns) = columns {
            command.env("COLUMNS", columns);
        }
        let output = command.output().expect("reclint runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let wide: Vec<&str> = text
            .lines()
            .filter(|l| l.chars().count() > width && !frame.is_match(l))
            .collect();
        assert!(wide.is_empty(), "COLUMNS={columns:?}: {wide:#?}");
        assert!(!text.contains("Advice:"), "related notes are `note:`");
        // Each recording told once: at most half the 399 lines the demo
        // took before findings on one statement were grouped.
        assert!(
            text.lines().count() <= 199,
            "{} lines",
            text.lines().count()
        );
        assert!(!text.contains("(https://"), "no URL in a finding's header");
    }
}

/// A syntax error is one REC900 for the broken construct, not one for each
/// line after it: a section header without `]` makes Asterisk reject the
/// file (so what it would define is not reported missing), and statements
/// before the first context are one error.
#[test]
fn a_syntax_error_is_one_finding() {
    let dir = tree(
        "syntax-cascade",
        &[
            (
                "pbx/extensions.conf",
                "[from-pstn]\nexten => s,1,Goto(sales,s,1)\n#include \"sales.conf\"\n",
            ),
            (
                "pbx/sales.conf",
                "[sales\nexten => s,1,Answer()\n same => n,MixMonitor(x.wav)\n same => n,Dial(PJSIP/a)\n",
            ),
            (
                "top/extensions.conf",
                "exten => s,1,Answer()\n same => n,Playback(x)\n same => n,Hangup()\n[ctx]\nexten => s,1,Answer()\n",
            ),
        ],
    );
    for (path, message) in [
        ("pbx", "Asterisk does not load this file"),
        ("top", "statements outside any context"),
    ] {
        let output = reclint(
            &dir,
            &["check", "--no-config", "--output-format", "concise", path],
        );
        let text = stdout(&output);
        let errors: Vec<&str> = text.lines().filter(|l| l.contains(": REC9")).collect();
        assert_eq!(errors.len(), 1, "{path}: {text}");
        assert!(errors[0].contains(message), "{path}: {text}");
    }
}

/// REC002 does not tell a user to set the legal basis the training purpose
/// already has (the demo's is `consent`): the recording's place is what is wrong.
#[test]
fn rec002_help_fits_the_configured_basis() {
    let demo = root().join("fixtures/demo/contact-centre");
    let output = reclint(
        &root(),
        &["check", "--output-format", "json", demo.to_str().unwrap()],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let helps: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "REC002")
        .map(|f| f["help"].as_str().unwrap())
        .collect();
    assert!(!helps.is_empty());
    for help in helps {
        assert!(!help.contains("legal-basis"), "{help}");
        assert!(
            help.contains("Read + GotoIf"),
            "in Asterisk's terms: {help}"
        );
    }
}

/// Help fits the platform: no Asterisk advice (`Read` + `GotoIf`,
/// `MixMonitor` option b) on FreeSWITCH, Connect or Twilio findings.
#[test]
fn help_speaks_the_platform_of_the_finding() {
    for format in [
        "freeswitch",
        "amazon-connect",
        "twilio",
        "telnyx",
        "signalwire",
        "plivo",
    ] {
        let dir = root().join("fixtures").join(format);
        let output = reclint(
            &root(),
            &[
                "check",
                "--no-config",
                "--output-format",
                "json",
                dir.to_str().unwrap(),
            ],
        );
        let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let findings = doc["findings"].as_array().unwrap();
        assert!(findings.len() > 10, "{format}");
        for finding in findings {
            let help = finding["help"].as_str().unwrap();
            for asterisk in [
                "MixMonitor",
                "GotoIf",
                "Read +",
                "StopMixMonitor",
                "automixmon",
            ] {
                assert!(
                    !help.contains(asterisk),
                    "{format} {} {}: {help}",
                    finding["rule"],
                    finding["path"]
                );
            }
        }
    }
}

/// A misspelt key or table in reclint.toml says which one was meant, and no
/// Rust type names reach the user.
#[test]
fn configuration_errors_suggest_the_key_meant() {
    for (config, expected) in [
        ("[polcy]\njurisdiction = \"DK\"\n", "did you mean `policy`?"),
        (
            "[policy]\njurisdicton = \"DK\"\n",
            "did you mean `jurisdiction`?",
        ),
        (
            "[purposes.training]\nretention-days = \"30\"\n",
            "expected a whole number",
        ),
    ] {
        let dir = tree(
            "config-suggest",
            &[
                ("reclint.toml", config),
                ("extensions.conf", RECORDED_WITHOUT_NOTICE),
            ],
        );
        let output = reclint(&dir, &["check"]);
        assert_eq!(status(&output), 2);
        let err = stderr(&output);
        // The message as one line, whatever the terminal's width.
        let said = err
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(said.contains(expected), "{config}: {err}");
        assert!(
            !said.contains("u32") && !said.contains("default- purposes"),
            "{err}"
        );
    }
}

/// `reclint rules --framework NAME` lists, for every framework a built-in
/// rule is tagged with, exactly the rules carrying it.
#[test]
fn every_framework_used_lists_its_rules() {
    let dir = root();
    let registry = reclint::rules::Registry::builtin().expect("rules");
    let mut frameworks: Vec<String> = registry
        .rules
        .iter()
        .flat_map(|r| r.meta.frameworks().into_iter().map(str::to_string))
        .collect();
    frameworks.sort();
    frameworks.dedup();
    assert!(frameworks.len() > 10, "{frameworks:?}");
    for framework in frameworks {
        let output = reclint(&dir, &["rules", "--framework", &framework]);
        assert_eq!(status(&output), 0, "{framework}: {}", stderr(&output));
        let listed: Vec<String> = stdout(&output)
            .lines()
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect();
        let tagged: Vec<String> = registry
            .rules
            .iter()
            .filter(|r| r.meta.frameworks().contains(&framework.as_str()))
            .map(|r| r.meta.code.clone())
            .collect();
        assert_eq!(listed, tagged, "{framework}");
    }
}
