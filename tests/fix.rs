//! `reclint check --fix` and `--diff`: each fix before and after (the diff,
//! snapshotted), applied twice without a second change, and the fixed files
//! passing the rule the fix belongs to; unsafe fixes only when asked for.

mod common;

use common::{reclint, root, status, stderr, stdout, tree};

/// Fixes the tree `files` under `name`: returns the diff `--diff` shows,
/// after checking that `--fix` writes it, that a second `--fix` changes
/// nothing, and that `rule` no longer reports anything.
fn fixed(name: &str, files: &[(&str, &str)], rule: &str) -> (std::path::PathBuf, String) {
    fixed_with(name, files, rule, &[])
}

/// [`fixed`], with `flags` added to every run (`--unsafe-fixes`).
fn fixed_with(
    name: &str,
    files: &[(&str, &str)],
    rule: &str,
    flags: &[&str],
) -> (std::path::PathBuf, String) {
    let dir = tree(name, files);
    let run = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(flags);
        reclint(&dir, &args)
    };
    let diff = run(&["check", "--diff", "--no-config", "."]);
    assert_eq!(status(&diff), 1, "{}", stderr(&diff));
    let fix = run(&["check", "--fix", "--no-config", "--exit-zero", "."]);
    assert_eq!(status(&fix), 0, "{}", stderr(&fix));
    assert!(stderr(&fix).contains("fixed "), "{}", stderr(&fix));
    let again = run(&["check", "--diff", "--no-config", "."]);
    assert_eq!(
        status(&again),
        0,
        "a second round changes {}",
        stdout(&again)
    );
    assert_eq!(stdout(&again), "");
    let check = reclint(
        &dir,
        &[
            "check",
            "--no-config",
            "--select",
            rule,
            "--output-format",
            "concise",
            "-q",
            ".",
        ],
    );
    assert_eq!(stdout(&check), "", "{rule} still reported after the fix");
    (dir, stdout(&diff))
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(root().join("fixtures").join(path)).expect("fixture")
}

#[test]
fn monitor_becomes_mixmonitor_and_line_endings_stay() {
    let extensions = "[support]\r\nexten => s,1,Answer()\r\n same => n,Playback(custom/calls-are-recorded)\r\n same => n,Monitor(wav,${UNIQUEID},bm) ; reclint: purpose=documentation\r\n same => n,Dial(PJSIP/support,30)\r\n same => n,StopMonitor() ; done\r\n";
    let queues =
        "[general]\nmonitor-type = Monitor ; the old recorder\n\n[sales]\nmember => PJSIP/alice\n";
    let (dir, diff) = fixed(
        "fix-monitor",
        &[("extensions.conf", extensions), ("queues.conf", queues)],
        "REC019",
    );
    insta::assert_snapshot!(diff);
    let written = std::fs::read_to_string(dir.join("extensions.conf")).unwrap();
    assert_eq!(
        written.matches("\r\n").count(),
        extensions.matches("\r\n").count()
    );
    assert!(written.contains("StopMixMonitor() ; done\r\n"));
}

#[test]
fn mixmonitor_gains_b() {
    let text = fixture("asterisk/REC012/bad_menu_recorded.conf");
    insta::assert_snapshot!(fixed("fix-mixmonitor", &[("extensions.conf", &text)], "REC012").1);
}

#[test]
fn twiml_records_from_the_answer() {
    let text = fixture("twilio/REC012/bad_ringing_recorded.twiml");
    insta::assert_snapshot!(fixed("fix-twiml", &[("ringing.twiml", &text)], "REC012").1);
}

#[test]
fn connect_stops_recording_the_ivr() {
    let text = fixture("amazon-connect/REC012/bad_ivr_recording_enabled.json");
    insta::assert_snapshot!(fixed("fix-connect", &[("flow.json", &text)], "REC012").1);
}

#[test]
fn an_opt_out_menu_sends_silence_to_the_unrecorded_answer_when_asked() {
    let text = fixture("asterisk/REC005/bad_menu_timeout_records.conf");
    let dir = tree("fix-opt-out-safe", &[("extensions.conf", &text)]);
    let safe = reclint(&dir, &["check", "--diff", "--no-config", "."]);
    assert_eq!((status(&safe), stdout(&safe)), (0, String::new()));
    let (_, diff) = fixed_with(
        "fix-opt-out",
        &[("extensions.conf", &text)],
        "REC005",
        &["--unsafe-fixes"],
    );
    insta::assert_snapshot!(diff);
}

/// REC004's unsafe fix moves a recording that starts before the consent
/// question to the step only a yes reaches; where the yes branch shares its
/// first step with a no (the REC004 fixture falls through from `stop` to
/// `connect`), there is nowhere to move it, and nothing is offered.
#[test]
fn a_recording_before_the_question_moves_to_the_yes_branch_when_asked() {
    let text = "[from-pstn]\nexten => s,1,Answer()\n same => n,MixMonitor(${UNIQUEID}.wav,b) ; reclint: purpose=documentation\n same => n,Read(CONSENT,custom/press-1-to-allow-recording,1)\n same => n,GotoIf($[\"${CONSENT}\" = \"1\"]?yes:no)\n same => n(yes),Dial(PJSIP/support,30)\n same => n,Hangup()\n same => n(no),Dial(PJSIP/support,30)\n";
    let dir = tree("fix-move-safe", &[("extensions.conf", text)]);
    let safe = reclint(&dir, &["check", "--diff", "--no-config", "."]);
    assert_eq!((status(&safe), stdout(&safe)), (0, String::new()));
    let (dir, diff) = fixed_with(
        "fix-move",
        &[("extensions.conf", text)],
        "REC004",
        &["--unsafe-fixes"],
    );
    insta::assert_snapshot!(diff);
    let after = reclint(
        &dir,
        &[
            "check",
            "--no-config",
            "--output-format",
            "concise",
            "-q",
            ".",
        ],
    );
    assert!(!stdout(&after).contains("REC006"), "{}", stdout(&after));
    let shared = fixture("asterisk/REC004/bad_recording_before_the_question.conf");
    let dir = tree("fix-move-nowhere", &[("extensions.conf", &shared)]);
    // Only REC012's `b` is offered; the recording stays where it is.
    let offered = stdout(&reclint(
        &dir,
        &["check", "--diff", "--unsafe-fixes", "--no-config", "."],
    ));
    assert!(
        offered.contains("+ same => n,MixMonitor(${UNIQUEID}.wav,b)"),
        "{offered}"
    );
    assert!(!offered.contains("(connect),MixMonitor"), "{offered}");
}

#[test]
fn the_demo_tree_is_fixed() {
    let demo = root().join("fixtures/demo/contact-centre");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&demo).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = tree("fix-demo", &files);
    let sarif = reclint(&dir, &["check", "--output-format", "sarif", "."]);
    let log: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    let fixes: Vec<&serde_json::Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("fixes"))
        .collect();
    insta::assert_json_snapshot!("demo_sarif_fixes", fixes);
    let diff = reclint(&dir, &["check", "--diff", "."]);
    assert_eq!(status(&diff), 1, "{}", stderr(&diff));
    insta::assert_snapshot!(stdout(&diff));
    let fix = reclint(
        &dir,
        &["check", "--fix", "--output-format", "concise", "-q", "."],
    );
    assert_eq!(stderr(&fix), "fixed 1 finding(s) in 1 file(s)\n");
    insta::assert_snapshot!("demo_after_fix", stdout(&fix));
}

#[test]
fn standard_input_is_not_fixed() {
    let dir = tree("fix-stdin", &[]);
    let out = reclint(
        &dir,
        &["check", "--fix", "-", "--stdin-filename", "extensions.conf"],
    );
    assert_eq!(status(&out), 2);
    assert!(stderr(&out).contains("do not read standard input"));
}
