//! `reclint graph`: snapshots of the DOT and Mermaid output for one fixture
//! per platform (the first finding's witness path marked), and those
//! outputs read by the official parsers: Mermaid's own under Node, and
//! Graphviz `dot`. A test whose program is absent says so and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use reclint::graph::{self, GraphFormat, GraphOptions};
use reclint::report::graph::DrawOptions;
use reclint::rules::Registry;

mod common;

/// One fixture per platform, each with a consent question or a notice.
const PLATFORMS: &[(&str, &str)] = &[
    (
        "asterisk",
        "fixtures/asterisk/REC005/bad_press_2_to_decline.conf",
    ),
    (
        "freeswitch",
        "fixtures/freeswitch/REC005/bad_press_2_to_decline.xml",
    ),
    (
        "amazon_connect",
        "fixtures/amazon-connect/REC005/bad_press_2_to_decline.json",
    ),
    ("twiml", "fixtures/twilio/REC005/bad_silence_records.twiml"),
    (
        "twilio_studio",
        "fixtures/twilio/REC005/bad_studio_press_2_to_decline.json",
    ),
    (
        "telnyx",
        "fixtures/telnyx/REC005/bad_texml_silence_records.xml",
    ),
    (
        "plivo",
        "fixtures/plivo/REC005/bad_plivo_silence_records.xml",
    ),
    (
        "signalwire",
        "fixtures/signalwire/REC005/bad_swml_press_2_to_decline.yaml",
    ),
    (
        "vonage",
        "fixtures/vonage/REC003/bad_recording_started_before_the_notice.json",
    ),
    (
        "genesys",
        "fixtures/genesys/REC005/bad_no_answer_is_recorded.yaml",
    ),
    (
        "genesys_cx_as_code",
        "fixtures/terraform/REC003/bad_genesys_trunk_records_silently.tf",
    ),
];

/// The graph of `path` (relative to `dir`); with `draw.entry` unset, the
/// witness path of its first finding marked.
fn draw_in(dir: &Path, path: &str, format: GraphFormat, draw: DrawOptions) -> String {
    let registry = Registry::builtin().expect("rules");
    let check = common::fixture_options(path);
    let run = reclint::check::run(&check, dir, &registry).expect("check runs");
    let finding = match draw.entry {
        Some(_) => None,
        None => run.outcome.reported.first().map(|r| r.fingerprint.clone()),
    };
    let options = GraphOptions {
        check,
        draw,
        format,
        finding,
    };
    graph::run(&options, dir, &registry).expect("graph draws")
}

fn draw(path: &str, format: GraphFormat) -> String {
    draw_in(&common::root(), path, format, DrawOptions::default())
}

#[test]
fn dot_and_mermaid_per_platform() {
    for (name, fixture) in PLATFORMS {
        insta::assert_snapshot!(format!("{name}_dot"), draw(fixture, GraphFormat::Dot));
        insta::assert_snapshot!(
            format!("{name}_mermaid"),
            draw(fixture, GraphFormat::Mermaid)
        );
    }
}

#[test]
fn a_large_graph_is_cut_with_a_note() {
    let draw_options = DrawOptions {
        max_steps: 5,
        entry: Some("from-pstn".to_string()),
        ..DrawOptions::default()
    };
    let dot = draw_in(
        &common::root(),
        "fixtures/demo/contact-centre",
        GraphFormat::Dot,
        draw_options,
    );
    assert!(
        dot.contains("more step(s) not drawn: the picture stops at 5 steps"),
        "{dot}"
    );
    let steps = dot
        .lines()
        .filter(|l| l.contains("[label=") && l.contains(" g0s"))
        .count();
    assert!(steps <= 5, "{dot}");
}

#[test]
fn subroutine_bodies_are_collapsed_unless_expanded() {
    let fixture = "fixtures/demo/contact-centre";
    let complaints = Some("4570100400 in from-pstn".to_string());
    let collapsed = draw_in(
        &common::root(),
        fixture,
        GraphFormat::Dot,
        DrawOptions {
            entry: complaints.clone(),
            ..DrawOptions::default()
        },
    );
    assert!(collapsed.contains("(body collapsed)"), "{collapsed}");
    assert!(!collapsed.contains("complaints-${UNIQUEID}"), "{collapsed}");
    let expanded = draw_in(
        &common::root(),
        fixture,
        GraphFormat::Dot,
        DrawOptions {
            expand: true,
            entry: complaints,
            ..DrawOptions::default()
        },
    );
    assert!(!expanded.contains("(body collapsed)"), "{expanded}");
    assert!(expanded.contains("complaints-${UNIQUEID}"), "{expanded}");
    assert!(
        expanded.contains("label=\"calls\", style=dashed"),
        "{expanded}"
    );
}

#[test]
fn an_unknown_entry_point_is_a_usage_error_naming_the_known_ones() {
    let out = common::reclint(
        &common::root(),
        &[
            "graph",
            "fixtures/demo/contact-centre",
            "--entry",
            "from-pstm",
        ],
    );
    assert_eq!(common::status(&out), 2);
    let err = common::stderr(&out);
    assert!(err.contains("no entry point is named `from-pstm`"), "{err}");
    assert!(err.contains("did you mean `from-pstn`?"), "{err}");
    let out = common::reclint(
        &common::root(),
        &[
            "graph",
            "fixtures/demo/contact-centre",
            "--entry",
            "4570100300 in from-pstn",
            "--format",
            "json",
        ],
    );
    assert_eq!(common::status(&out), 0, "{}", common::stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&common::stdout(&out)).expect("JSON");
    assert_eq!(json["nodes"][0]["style"], "entry");
    assert_eq!(json["nodes"][0]["label"], "4570100300 in from-pstn");
}

/// Labels as a configuration writes them, however hostile: quotes, markup,
/// Mermaid's and DOT's own syntax, a right-to-left override.
const HOSTILE: &str = "[from-pstn]\n\
exten => s,1,Answer()\n\
 same => n,Playback(\"</script><script>alert(1)</script>\" |x| #35; {{a}} \\\" \u{202E}evil)\n\
 same => n,MixMonitor(${UNIQUEID}.wav)\n\
 same => n,Dial(PJSIP/agent)\n";

fn hostile_tree() -> PathBuf {
    common::tree("graph-hostile", &[("extensions.conf", HOSTILE)])
}

#[test]
fn hostile_labels_stay_text() {
    let dir = hostile_tree();
    let draw = |format| draw_in(&dir, "extensions.conf", format, DrawOptions::default());
    let svg = draw(GraphFormat::Svg);
    let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    assert!(
        !document
            .descendants()
            .any(|n| n.tag_name().name() == "script"),
        "{svg}"
    );
    assert!(
        svg.contains("&lt;/script&gt;&lt;script&gt;alert(1)"),
        "{svg}"
    );
    for text in [svg, draw(GraphFormat::Dot), draw(GraphFormat::Mermaid)] {
        assert!(!text.contains('\u{202E}'), "{text}");
    }
}

/// Where the outputs the parsers read are written.
fn outputs(extension: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("graph-outputs");
    std::fs::create_dir_all(&dir).expect("target directory");
    let format = if extension == "mmd" {
        GraphFormat::Mermaid
    } else {
        GraphFormat::Dot
    };
    let mut files = Vec::new();
    let mut write = |name: &str, text: String| {
        let path = dir.join(format!("{name}.{extension}"));
        std::fs::write(&path, text).expect("writable");
        files.push(path);
    };
    for (name, fixture) in PLATFORMS {
        write(name, draw(fixture, format));
    }
    write("demo", draw("fixtures/demo/contact-centre", format));
    write(
        "hostile",
        draw_in(
            &hostile_tree(),
            "extensions.conf",
            format,
            DrawOptions::default(),
        ),
    );
    files
}

fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn dot_output_renders_with_graphviz() {
    if !Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("SKIPPED: Graphviz `dot` is not installed (apt-get install graphviz)");
        return;
    }
    for file in outputs("dot") {
        let out = Command::new("dot")
            .args(["-Tsvg", "-o", "/dev/null"])
            .arg(&file)
            .output()
            .expect("dot runs");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The directory with `mermaid` (and `jsdom`, the DOM it needs under Node)
/// installed, installing them on first use.
fn mermaid_parser() -> Result<PathBuf, String> {
    let dir = common::root().join("target/mermaid-parser");
    let installed = |dir: &Path| {
        dir.join("node_modules/mermaid/package.json").is_file()
            && dir.join("node_modules/jsdom/package.json").is_file()
    };
    if installed(&dir) {
        return Ok(dir);
    }
    if !runs("npm") {
        return Err("npm is not installed".to_string());
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let out = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "mermaid@11",
            "jsdom@24",
        ])
        .current_dir(&dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() || !installed(&dir) {
        return Err(format!(
            "`npm install mermaid jsdom` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(dir)
}

#[test]
fn mermaid_output_parses_with_the_official_parser() {
    if !runs("node") {
        eprintln!("SKIPPED: Node.js is not installed; Mermaid output not parsed");
        return;
    }
    let dir = match mermaid_parser() {
        Ok(dir) => dir,
        Err(why) => {
            eprintln!("SKIPPED: no Mermaid parser: {why}");
            return;
        }
    };
    // An ES module finds packages next to itself.
    let script = dir.join("parse.mjs");
    std::fs::copy(common::root().join("scripts/mermaid-parse.mjs"), &script)
        .expect("script copied");
    let out = Command::new("node")
        .arg(&script)
        .args(outputs("mmd"))
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
