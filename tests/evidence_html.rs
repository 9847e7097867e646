//! `reclint check --format html`: the demo's evidence report, with hostile
//! values in its configuration, is one self-contained file that holds every
//! finding and entry point and keeps the hostile values text; headless
//! Chromium renders it (skipped with a message when Chromium is absent).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

/// Markup that would run if it were not escaped, and a right-to-left
/// override that would reorder what the reader sees.
const HOSTILE: &str = "</script><script>alert(1)</script> \u{202E}gnidrocer";

/// The demo contact centre with hostile values in its reclint.toml: a
/// purpose's necessity and an `[[ignore]]` reason.
fn hostile_demo(name: &str) -> PathBuf {
    let demo = common::root().join("fixtures/demo/contact-centre");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&demo)
        .expect("demo")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).expect("text"))
        })
        .collect();
    for (name, text) in &mut files {
        if name == "reclint.toml" {
            *text = text.replace(
                "[purposes.training]\nlegal-basis = \"consent\"",
                &format!(
                    "[purposes.training]\nlegal-basis = \"consent\"\nnecessity = \"{HOSTILE}\""
                ),
            );
            assert!(text.contains("alert(1)"), "the demo's reclint.toml changed");
            text.push_str(&format!(
                "\n[[ignore]]\nrules = [\"REC012\"]\nreason = \"{HOSTILE}\"\nexpires = \"2099-12-31\"\n"
            ));
        }
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    common::tree(name, &files)
}

/// The report of the hostile demo, written to `report.html` in a tree of
/// its own (`name`), with the run's JSON report for comparison.
fn report(name: &str) -> (PathBuf, String, serde_json::Value) {
    let dir = hostile_demo(name);
    let out = common::reclint(
        &dir,
        &["check", "--format", "html", "--output", "report.html"],
    );
    assert_eq!(common::status(&out), 1, "{}", common::stderr(&out));
    let path = dir.join("report.html");
    let html = std::fs::read_to_string(&path).expect("report written");
    let out = common::reclint(&dir, &["check", "--format", "json"]);
    let json = serde_json::from_str(&common::stdout(&out)).expect("JSON report");
    (path, html, json)
}

fn fingerprints(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_string())
        .collect()
}

const ENTRY_POINTS: &[&str] = &[
    "4570100100 in from-pstn",
    "4570100200 in from-pstn",
    "4570100300 in from-pstn",
    "4570100400 in from-pstn",
];

#[test]
fn the_report_is_self_contained_and_keeps_hostile_values_text() {
    let (_, html, json) = report("evidence-self-contained");
    assert!(html.len() < 2 * 1024 * 1024, "{} bytes", html.len());
    assert!(!html.contains("<script"), "a script element");
    assert!(!html.contains("<link"), "an external stylesheet");
    assert!(!html.contains(" src="), "a fetched resource");
    assert!(!html.contains('\u{202E}'), "a bidi control");
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    let fingerprints = fingerprints(&json);
    assert!(fingerprints.len() >= 5);
    for fingerprint in &fingerprints {
        assert!(
            html.contains(&format!("id=\"f-{fingerprint}\"")),
            "{fingerprint}"
        );
    }
    for entry in ENTRY_POINTS {
        assert!(html.contains(entry), "{entry}");
    }
    // The audit trail: the accepted finding, its reason and expiry.
    assert!(html.contains("[[ignore]] in reclint.toml"));
    assert!(html.contains("2099-12-31"));
    // The configuration in force.
    assert!(html.contains("<dd>DK</dd>"));
    assert!(html.contains("claims-evidence"));
}

#[test]
fn without_output_the_report_goes_to_standard_output() {
    let dir = common::root();
    let json = common::reclint(
        &dir,
        &["check", "fixtures/demo/contact-centre", "--format", "json"],
    );
    let html = common::reclint(
        &dir,
        &["check", "fixtures/demo/contact-centre", "--format", "html"],
    );
    assert_eq!(common::status(&json), common::status(&html));
    assert!(common::stdout(&html).starts_with("<!DOCTYPE html>"));
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Runs headless Chromium on `page` with `args` and a profile of its own.
fn headless(browser: &str, page: &Path, args: &[&str]) -> std::process::Output {
    let profile = page.with_file_name("chromium-profile");
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn chromium_renders_every_finding_and_entry_point() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: Chromium is not installed (apt-get install chromium)");
        return;
    };
    let (page, _, json) = report("evidence-chromium");
    let out = headless(browser, &page, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("</html>"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for fingerprint in fingerprints(&json) {
        assert!(
            dom.contains(&format!("id=\"f-{fingerprint}\"")),
            "{fingerprint}"
        );
    }
    for entry in ENTRY_POINTS {
        assert!(dom.contains(entry), "{entry}");
    }
    // The hostile value is a text node: serialised escaped, never an element.
    assert!(!dom.contains("<script"), "a script element in the DOM");
    assert!(!dom.contains('\u{202E}'), "a bidi control in the DOM");
    assert!(dom.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));

    let screenshot = page.with_file_name("report.png");
    let shot = format!("--screenshot={}", screenshot.display());
    let out = headless(browser, &page, &[&shot, "--window-size=1200,1600"]);
    assert!(
        screenshot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inked = inked_share(&screenshot);
    assert!(
        inked > 0.02,
        "the screenshot is blank ({inked} of it inked)"
    );
}

/// The share of a PNG's pixels that are not near white.
fn inked_share(path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("a frame");
    let channels = info.color_type.samples();
    let pixels = &buffer[..info.buffer_size()];
    let total = pixels.len() / channels;
    let inked = pixels
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    inked as f64 / total as f64
}
