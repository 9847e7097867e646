//! Hostile and broken input: each case gets a located diagnostic (or is
//! skipped when it is not configuration at all), and the rest of the run is
//! unaffected: a good file next to it is still analysed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tree(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // The control: a file that must still be reported.
    std::fs::write(
        dir.join("extensions.conf"),
        "[from-pstn]\nexten => _X.,1,MixMonitor(x.wav)\n same => n,Dial(PJSIP/a,30)\n",
    )
    .unwrap();
    dir
}

fn run(dir: &Path) -> (i32, serde_json::Value, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_reclint"))
        .args(["check", "--no-config", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .expect("reclint runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        output.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Findings as `path:line RULE`.
fn findings(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    format!(
                        "{}:{} {}",
                        f["path"].as_str().unwrap(),
                        f["line"],
                        f["rule"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The control file is still analysed.
fn control_reported(found: &[String]) -> bool {
    found
        .iter()
        .any(|f| f.starts_with("extensions.conf:2 REC003"))
}

fn check(name: &str, setup: impl FnOnce(&Path), expect: &[&str]) {
    let dir = tree(name);
    setup(&dir);
    let (status, json, stderr) = run(&dir);
    assert_eq!(status, 1, "{name}: {stderr}");
    let found = findings(&json);
    assert!(
        control_reported(&found),
        "{name}: the control file was not analysed: {found:?}"
    );
    for e in expect {
        assert!(
            found.iter().any(|f| f == e),
            "{name}: expected {e} in {found:?}"
        );
    }
}

#[test]
fn binary_and_odd_encodings() {
    check(
        "binary",
        |d| {
            std::fs::write(
                d.join("extensions_junk.conf"),
                b"\x7fELF\x00\x01\x02\x00binary",
            )
            .unwrap()
        },
        &["extensions_junk.conf:1 REC900"],
    );
    check(
        "latin1-bom-crlf",
        |d| {
            let text = b"\xEF\xBB\xBF[in]\r\n; caf\xE9\r\nexten => s,1,MixMonitor(y.wav)\r\n same => n,Dial(PJSIP/b)\r\n";
            std::fs::write(d.join("extensions_other.conf"), text).unwrap();
        },
        &["extensions_other.conf:3 REC003"],
    );
    check(
        "empty",
        |d| std::fs::write(d.join("extensions_empty.conf"), "").unwrap(),
        &[],
    );
}

#[test]
fn deep_nesting_and_entity_expansion() {
    check(
        "deep-json",
        |d| {
            let text = format!(
                "{{\"StartAction\":\"a\",\"Actions\":{}{}}}",
                "[".repeat(10_000),
                "]".repeat(10_000)
            );
            std::fs::write(d.join("flow.json"), text).unwrap();
        },
        &["flow.json:1 REC900"],
    );
    check(
        "deep-xml",
        |d| {
            let text = format!(
                "<include><context name=\"a\"><extension name=\"x\">{}{}</extension></context></include>",
                "<condition field=\"a\" expression=\"b\">".repeat(10_000),
                "</condition>".repeat(10_000)
            );
            std::fs::write(d.join("deep.xml"), text).unwrap();
        },
        &["deep.xml:1 REC900"],
    );
    // A processing instruction sends the file to roxmltree, whose
    // document is copied into the FreeSWITCH reader's tree.
    check(
        "deep-xml-not-plain",
        |d| {
            let text = format!(
                "<include><?pi?><context name=\"a\"><extension name=\"x\">{}{}</extension></context></include>",
                "<condition field=\"a\" expression=\"b\">".repeat(100_000),
                "</condition>".repeat(100_000)
            );
            std::fs::write(d.join("deep.xml"), text).unwrap();
        },
        &["deep.xml:1 REC900"],
    );
    check(
        "deep-terraform",
        |d| {
            let text = format!("x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
            std::fs::write(d.join("main.tf"), text).unwrap();
        },
        &["main.tf:1 REC900"],
    );
    check(
        "deep-cloudformation",
        |d| {
            let text = format!(
                "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: {}\n{}",
                "- ".repeat(10_000),
                "[".repeat(10_000)
            );
            std::fs::write(d.join("stack.yaml"), text).unwrap();
        },
        &["stack.yaml:2 REC900"],
    );
    check(
        "deep-swml",
        |d| {
            let text = format!(
                "{{\"version\":\"1.0.0\",\"sections\":{{\"main\":[{}{}]}}}}",
                "{\"cond\":[{\"when\":\"x == 1\",\"then\":[".repeat(10_000),
                "]}]}".repeat(10_000)
            );
            std::fs::write(d.join("ivr.json"), text).unwrap();
        },
        &["ivr.json:1 REC900"],
    );
    check(
        "billion-laughs",
        |d| {
            let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">]>\n<include><context name=\"&lol2;\"/></include>\n";
            std::fs::write(d.join("laughs.xml"), text).unwrap();
        },
        &["laughs.xml:1 REC900"],
    );
}

#[test]
fn includes_that_loop_or_escape() {
    check(
        "self-include",
        |d| {
            std::fs::write(
                d.join("extensions_self.conf"),
                "[a]\n#include \"extensions_self.conf\"\n",
            )
            .unwrap()
        },
        &["extensions_self.conf:2 REC900"],
    );
    check(
        "outside-roots",
        |d| {
            std::fs::write(
                d.join("extensions_out.conf"),
                "[a]\n#include \"/etc/passwd\"\n#include \"../../../../etc/hostname\"\n",
            )
            .unwrap()
        },
        &[
            "extensions_out.conf:2 REC901",
            "extensions_out.conf:3 REC901",
        ],
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_never_opened() {
    use std::os::unix::fs::symlink;
    check(
        "special",
        |d| {
            // A directory and a FIFO named like configuration, a symlink loop.
            std::fs::create_dir(d.join("queues.conf")).unwrap();
            let fifo = d.join("extensions_fifo.conf");
            let status = Command::new("mkfifo").arg(&fifo).status();
            assert!(status.map(|s| s.success()).unwrap_or(false), "mkfifo");
            symlink(d.join("loop"), d.join("loop")).unwrap();
            symlink(d, d.join("up")).unwrap();
        },
        &[],
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    check(
        "non-utf8-name",
        |d| {
            let name = OsStr::from_bytes(b"extensions_\xff.conf");
            std::fs::write(
                d.join(name),
                "[b]\nexten => s,1,MixMonitor(z.wav)\n same => n,Dial(PJSIP/c)\n",
            )
            .unwrap();
        },
        &["extensions_\u{fffd}.conf:2 REC003"],
    );
}

#[test]
fn terminal_control_sequences_in_configuration_are_not_replayed() {
    let dir = tree("escape-sequences");
    std::fs::write(
        dir.join("extensions_evil.conf"),
        "[evil\u{1b}[31m\u{7}]\nexten => s,1,MixMonitor(\u{1b}[2J\u{202E}x.wav)\n same => n,Dial(PJSIP/a)\n",
    )
    .unwrap();
    for color in ["never", "always"] {
        let output = Command::new(env!("CARGO_BIN_EXE_reclint"))
            .args([
                "check",
                "--no-config",
                "--color",
                color,
                "extensions_evil.conf",
            ])
            .current_dir(&dir)
            .output()
            .expect("reclint runs");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("REC003"), "{text}");
        assert!(
            !text.contains("\u{1b}[31m\u{7}")
                && !text.contains("\u{1b}[2J")
                && !text.contains('\u{202E}'),
            "{text:?}"
        );
        assert!(!text.contains('\u{7}'));
    }
}

#[test]
fn huge_files_and_long_lines() {
    // Larger than reclint reads: refused by its size, never loaded (sparse file).
    check(
        "huge-file",
        |d| {
            let file = std::fs::File::create(d.join("extensions_huge.conf")).unwrap();
            file.set_len(100 * 1024 * 1024).unwrap();
        },
        &["extensions_huge.conf:1 REC900"],
    );
    // One 10 MB line: read and parsed, its recording found at the end.
    check(
        "long-line",
        |d| {
            let mut text = String::from("[long]\nexten => s,1,NoOp(");
            text.push_str(&"x".repeat(10 * 1024 * 1024));
            text.push_str(")\n same => n,MixMonitor(z.wav)\n same => n,Dial(PJSIP/c)\n");
            std::fs::write(d.join("extensions_long.conf"), text).unwrap();
        },
        &["extensions_long.conf:3 REC003"],
    );
}

#[test]
fn unreadable_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree("permission-denied");
    let locked = dir.join("extensions_locked.conf");
    std::fs::write(&locked, "[x]\nexten => s,1,Answer()\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads, nothing to test.
        eprintln!("skipped: this user can read a file with mode 000");
        return;
    }
    let (status, json, stderr) = run(&dir);
    assert_eq!(status, 1, "{stderr}");
    let found = findings(&json);
    assert!(control_reported(&found), "{found:?}");
    assert!(
        found.iter().any(|f| f == "extensions_locked.conf:1 REC900"),
        "{found:?}"
    );
}
