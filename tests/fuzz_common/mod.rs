//! The pipeline the fuzz targets (`fuzz/fuzz_targets/*.rs`) and the smoke
//! test (`tests/fuzz_smoke.rs`) drive: input bytes → discover → parse → lower
//! → analyse → rules → rendered reports. Included by path from both, so the
//! library carries no fuzzing code and the two cannot drift apart.
//!
//! Errors returned as values are fine; only panics, hangs and runaway memory
//! are bugs.
// Each includer uses a different subset.
#![allow(dead_code)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use reclint::check::{self, CheckOptions, StdinInput};
use reclint::report::{checkstyle, concise, github, gitlab, human, json, junit, sarif};
use reclint::rules::Registry;

/// The formats, each with a target of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Asterisk,
    Ael,
    FreeSwitch,
    Connect,
    Twiml,
    Texml,
    Cxml,
    PlivoXml,
    Studio,
    Swml,
    Vonage,
    Genesys,
    Terraform,
    CloudFormation,
}

impl Format {
    /// The `--stdin-filename` that stands for the input. Asterisk files are
    /// recognised by name; the other formats by content (the name only has
    /// to be worth sniffing; the XML dialects' names say which dialect a
    /// document with only shared verbs is).
    pub fn filename(self, text: &str) -> &'static str {
        match self {
            Format::Asterisk => {
                let lower = text.to_ascii_lowercase();
                if lower.contains("[featuremap]") || lower.contains("[applicationmap]") {
                    "features.conf"
                } else if lower.contains("member") && !lower.contains("exten") {
                    "queues.conf"
                } else {
                    "extensions.conf"
                }
            }
            Format::Ael => "extensions.ael",
            Format::FreeSwitch => "dialplan/default.xml",
            Format::Connect => "flow.json",
            Format::Twiml => "voice.twiml",
            Format::Texml => "texml_voice.xml",
            Format::Cxml => "cxml_voice.xml",
            Format::PlivoXml => "plivo_voice.xml",
            Format::Studio => "studio.json",
            Format::Vonage => "ncco.json",
            Format::Swml => "ivr.yaml",
            Format::Genesys => "flow.yaml",
            Format::Terraform => "main.tf",
            Format::CloudFormation => "stack.yaml",
        }
    }

    /// The folder of `fixtures/` whose files seed this format.
    pub fn fixtures(self) -> &'static str {
        match self {
            Format::Asterisk | Format::Ael => "asterisk",
            Format::FreeSwitch => "freeswitch",
            Format::Connect => "amazon-connect",
            Format::Twiml | Format::Studio => "twilio",
            Format::Texml => "telnyx",
            Format::Cxml => "signalwire",
            Format::PlivoXml => "plivo",
            Format::Vonage => "vonage",
            Format::Swml => "signalwire",
            Format::Genesys => "genesys",
            Format::Terraform => "terraform",
            Format::CloudFormation => "cloudformation",
        }
    }
}

/// A per-thread empty working directory (includes find nothing in it) and the
/// built-in rules, made once.
struct Scratch {
    dir: PathBuf,
    registry: Registry,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

fn with_scratch<R>(f: impl FnOnce(&Path, &Registry) -> R) -> R {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    SCRATCH.with(|cell| {
        let mut cell = cell.borrow_mut();
        let scratch = cell.get_or_insert_with(|| {
            let dir = std::env::temp_dir().join(format!(
                "reclint-fuzz-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create the scratch directory");
            Scratch {
                dir,
                registry: Registry::builtin().expect("built-in rules load"),
            }
        });
        f(&scratch.dir, &scratch.registry)
    })
}

/// Lints `data` as a file of `format`, as `reclint check - --stdin-filename
/// NAME` would, and renders the result in every report format. Returns the
/// JSON report, or the rendered error.
pub fn check_format(format: Format, data: &[u8]) -> String {
    let text = reclint::source::decode(data.to_vec());
    let options = CheckOptions {
        stdin: Some(StdinInput {
            filename: Some(PathBuf::from(format.filename(&text))),
            text: Ok(text),
        }),
        no_config: true,
        ..Default::default()
    };
    with_scratch(|cwd, registry| render(check::run(&options, cwd, registry), registry))
}

/// Loads `data` as `reclint.toml` and, when it loads, lints a small dialplan
/// with it (its patterns, profile and rule settings all take part).
pub fn check_config(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data).into_owned();
    with_scratch(|cwd, registry| {
        let path = cwd.join("reclint.toml");
        std::fs::write(&path, text).expect("write reclint.toml");
        let options = CheckOptions {
            stdin: Some(StdinInput {
                text: Ok(CONFIG_DIALPLAN.to_string()),
                filename: Some(PathBuf::from("extensions.conf")),
            }),
            config: Some(path),
            ..Default::default()
        };
        render(check::run(&options, cwd, registry), registry)
    })
}

/// Records before a notice, asks for consent, so most rules have something
/// to look at.
const CONFIG_DIALPLAN: &str = "\
[incoming]
exten => s,1,Answer()
 same => n,MixMonitor(${UNIQUEID}.wav)
 same => n,Playback(this-call-may-be-recorded)
 same => n,Read(CONSENT,press-1-to-agree,1)
 same => n,GotoIf($[\"${CONSENT}\" = \"1\"]?agent)
 same => n,Queue(support)
 same => n(agent),Dial(PJSIP/agent)
";

fn render(run: miette::Result<check::CheckRun>, registry: &Registry) -> String {
    match run {
        Ok(run) => {
            let (outcome, sources) = (&run.outcome, &run.sources);
            let human = human::HumanOptions {
                color: false,
                width: 100,
                quiet: false,
            };
            for text in [
                human::render(outcome, sources, registry, &human),
                concise::render(outcome, sources, registry),
                sarif::render(outcome, sources, registry),
                github::render(outcome, sources, registry),
                gitlab::render(outcome, sources, registry),
                checkstyle::render(outcome, sources, registry),
                junit::render(outcome, sources, registry),
            ] {
                std::hint::black_box(text);
            }
            json::render(outcome, sources, registry)
        }
        Err(report) => {
            let handler = miette::GraphicalReportHandler::new_themed(
                miette::GraphicalTheme::unicode_nocolor(),
            )
            .with_width(100);
            let mut out = String::new();
            if handler.render_report(&mut out, report.as_ref()).is_err() {
                out = format!("error: {report}\n");
            }
            out
        }
    }
}
