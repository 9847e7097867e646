//! Writes a mixed tree of call-recording configuration, shaped like a
//! repository that holds many PBXes and contact-centre flows, for
//! benchmarking `reclint check` on a whole repository.
//!
//! ```text
//! cargo run --release --example gen-tree -- OUT_DIR --files N [--mb M] [--seed S]
//!     [--manifest FILE]
//! ```
//!
//! The tree holds exactly N files in many independent units, each a
//! directory of its own:
//!
//! - `asterisk/pbx-NNNNN/`: `extensions.conf` (`[globals]`, `[from-pstn]`
//!   DIDs, `[from-internal]`) with `#include "extensions_custom.conf"`, the
//!   call flows in `extensions_custom.conf`, `queues.conf` and sometimes
//!   `features.conf`;
//! - `freeswitch/fs-NNNNN/dialplan/`: `public.xml` and `default.xml` with
//!   `<X-PRE-PROCESS cmd="include" data="public/*.xml"/>` and
//!   `data="default/*.xml"`, the DIDs in `public/00_inbound.xml`, the IVRs,
//!   consent checks, routing, queues and users in `default/NN_name.xml`;
//! - `connect/cc-NNNNN/`: Amazon Connect flows (flow language, with
//!   `ActionMetadata` positions as the console exports them): an inbound
//!   flow that hands the call with `TransferToFlow` to one flow per queue;
//! - `twilio/tw-NNNNN/`: TwiML documents (`<Response>`).
//!
//! Each unit belongs to one class, a third of each format's units each:
//! `recorded` (recording without consent: before the notice, without a
//! question, opt-out questions, recorded queues, on-demand recording),
//! `consented` (a notice, a consent question, recording only after a yes,
//! a stop after the agent part) and `clean` (nothing is recorded).
//!
//! `--mb M` (default: N × 10 KB) is the total size in MB (10^6 bytes). The
//! bulk files (`extensions_custom.conf`, FreeSWITCH extension files,
//! Connect queue flows) grow with more lines, extensions and IVR steps to
//! reach it; their sizes vary from about a third to three times the mean,
//! and one in a hundred is six times larger. `--manifest FILE` writes one
//! line per unit (directory, format, class, files, bytes) to FILE, which
//! should be outside OUT_DIR.
//!
//! The output depends only on the arguments: a 64-bit xorshift generator
//! seeded from `--seed` makes every choice.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "common.rs"]
mod common;
use common::{Args, Rng, usage, write_tree};

#[path = "asterisk_text.rs"]
mod asterisk_text;
use asterisk_text::queues_conf;

#[path = "connect_json.rs"]
mod connect_json;
use connect_json::{
    ATTRIBUTES, Action, Actions, J, NOTICE_TEXTS, OTHER_TEXTS, Target, WELCOME_TEXTS, check_hours,
    compare, flow_text, input, logging_behavior, obj, target_queue, transfer_to_flow, uuid, voice,
};

#[path = "freeswitch_xml.rs"]
mod freeswitch_xml;
use freeswitch_xml::{
    CONSENT_QUESTION, Extension, Node, RECORD_PATH, Stats, act, anti, bare, catch_all, cond,
    context_file, destination, global, include_file, outside_call, render_extension, unloop,
    user_extension,
};

const SYNOPSIS: &str = "OUT_DIR --files N [--mb M (N x 10 KB)] [--seed S (1)] [--manifest FILE]";

/// Departments: queue names, menu options, prompt names.
const DEPTS: &[&str] = &[
    "sales", "support", "billing", "claims", "bookings", "service", "renewals", "helpdesk",
];

const COMPANIES: &[&str] = &[
    "Example Energy",
    "Example Bank",
    "Nordic Insurance",
    "City Housing",
    "Harbour Telecom",
    "Green Travel",
];

/// Bulk files are never planned smaller than this.
const MIN_BULK: f64 = 1_500.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Records without consent.
    Recorded,
    /// Records only after a yes, after a notice; can stop.
    Consented,
    /// Records nothing.
    Clean,
}

const CLASSES: [Class; 3] = [Class::Recorded, Class::Consented, Class::Clean];

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Recorded => "recorded",
            Class::Consented => "consented",
            Class::Clean => "clean",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Asterisk,
    FreeSwitch,
    Connect,
    Twilio,
}

const FORMATS: [Format; 4] = [
    Format::Asterisk,
    Format::FreeSwitch,
    Format::Connect,
    Format::Twilio,
];

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Asterisk => "asterisk",
            Format::FreeSwitch => "freeswitch",
            Format::Connect => "connect",
            Format::Twilio => "twilio",
        }
    }

    /// The prefix of a unit's directory name.
    fn prefix(self) -> &'static str {
        match self {
            Format::Asterisk => "pbx",
            Format::FreeSwitch => "fs",
            Format::Connect => "cc",
            Format::Twilio => "tw",
        }
    }

    /// How many files a unit has, at least and at most.
    fn files(self) -> (usize, usize) {
        match self {
            Format::Asterisk => (3, 4),
            Format::FreeSwitch => (4, 9),
            Format::Connect => (2, 6),
            Format::Twilio => (1, 6),
        }
    }

    /// Share of the units in percent: about 30% of the files are
    /// Asterisk, 37% FreeSWITCH, 20% Connect and 13% TwiML.
    fn weight(self) -> usize {
        match self {
            Format::Asterisk => 37,
            Format::FreeSwitch => 25,
            Format::Connect => 22,
            Format::Twilio => 16,
        }
    }
}

/// Deals the classes in thirds: every three units of a format hold each
/// class once, in a random order.
#[derive(Clone, Copy)]
struct Deck {
    order: [Class; 3],
    dealt: usize,
}

impl Deck {
    fn deal(&mut self, rng: &mut Rng) -> Class {
        if self.dealt.is_multiple_of(3) {
            for i in 0..2 {
                let j = i + rng.below(3 - i);
                self.order.swap(i, j);
            }
        }
        self.dealt += 1;
        self.order[(self.dealt - 1) % 3]
    }
}

/// Plans the size of each bulk file so that the tree ends near its byte
/// target: what is left of the budget after the small files still to come,
/// shared by the bulk files still to come in proportion to their weight,
/// times a random spread.
struct Sizer {
    bytes_target: u64,
    files_target: u64,
    bytes: u64,
    files: u64,
    bulk_files: u64,
    /// Sum of the weights of the bulk files so far.
    bulk_weight: f64,
    small_bytes: u64,
}

impl Sizer {
    /// The size of the next bulk file; `weight` is its share relative to
    /// other bulk files (an Asterisk PBX keeps all its flows in one file).
    fn bulk_target(&self, rng: &mut Rng, weight: f64) -> usize {
        let files_left = self.files_target.saturating_sub(self.files).max(1) as f64;
        let small_files = self.files - self.bulk_files;
        let small_mean = if small_files > 0 {
            self.small_bytes as f64 / small_files as f64
        } else {
            1_500.0
        };
        // Bulk files and their weight per file, as seen so far.
        let (bulk_share, weight_per_file) = if self.files >= 40 {
            (
                (self.bulk_files as f64 / self.files as f64).clamp(0.2, 0.8),
                (self.bulk_weight / self.files as f64).max(0.1),
            )
        } else {
            (0.45, 0.6)
        };
        let bulk_left = (files_left * bulk_share).max(1.0);
        let bytes_left =
            self.bytes_target as f64 - self.bytes as f64 - (files_left - bulk_left) * small_mean;
        let per_weight = (bytes_left / (files_left * weight_per_file).max(weight)).max(0.0);
        ((per_weight * weight).max(MIN_BULK) * spread(rng)) as usize
    }

    fn add(&mut self, bytes: usize, weight: Option<f64>) {
        self.bytes += bytes as u64;
        self.files += 1;
        match weight {
            Some(w) => {
                self.bulk_files += 1;
                self.bulk_weight += w;
            }
            None => self.small_bytes += bytes as u64,
        }
    }
}

/// A size factor with mean 1: e^U for U uniform in [-1.2, 1.2] (0.3× to
/// 3.3×), and 6× for one file in a hundred.
fn spread(rng: &mut Rng) -> f64 {
    let factor = if rng.percent(1) {
        6.0
    } else {
        ((rng.below(2401) as f64 - 1200.0) / 1000.0).exp()
    };
    factor / 1.305
}

/// A file of a unit: path below the unit's directory, text, and for a bulk
/// file its size weight.
struct Out {
    path: String,
    text: String,
    bulk: Option<f64>,
}

fn small(path: impl Into<String>, text: String) -> Out {
    Out {
        path: path.into(),
        text,
        bulk: None,
    }
}

fn bulk(path: impl Into<String>, text: String, weight: f64) -> Out {
    Out {
        path: path.into(),
        text,
        bulk: Some(weight),
    }
}

/// Size weights of the bulk files: an Asterisk PBX keeps all its call flows
/// in `extensions_custom.conf`, a FreeSWITCH or Connect unit spreads them
/// over several files.
const ASTERISK_WEIGHT: f64 = 3.0;
const FREESWITCH_WEIGHT: f64 = 1.0;
const CONNECT_WEIGHT: f64 = 1.0;

struct Options {
    out: PathBuf,
    files: usize,
    bytes: u64,
    seed: u64,
    manifest: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let args = Args::parse(&[
        ("--files", "-n"),
        ("--mb", ""),
        ("--seed", "-s"),
        ("--manifest", ""),
    ])?;
    if args.text("--files").is_none() {
        return Err("--files is required".into());
    }
    let files = args.number("--files", 0)? as usize;
    if files == 0 {
        return Err("--files must be at least 1".into());
    }
    let bytes = match args.text("--mb") {
        Some(_) => args.number("--mb", 0)? * 1_000_000,
        None => files as u64 * 10_000,
    };
    let seed = args.number("--seed", 1)?;
    let manifest = args.text("--manifest").map(PathBuf::from);
    Ok(Options {
        out: args.out,
        files,
        bytes,
        seed,
        manifest,
    })
}

/// Units, files and bytes of one format or class.
#[derive(Default, Clone, Copy)]
struct Count {
    units: usize,
    files: usize,
    bytes: u64,
}

impl Count {
    fn add(&mut self, files: usize, bytes: u64) {
        self.units += 1;
        self.files += files;
        self.bytes += bytes;
    }
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => return usage("gen-tree", SYNOPSIS, &message),
    };
    if fs::read_dir(&options.out).is_ok_and(|mut d| d.next().is_some()) {
        eprintln!(
            "gen-tree: {} exists and is not empty",
            options.out.display()
        );
        return ExitCode::from(1);
    }
    let mut generator = Generator {
        rng: Rng::new(options.seed),
        sizer: Sizer {
            bytes_target: options.bytes,
            files_target: options.files as u64,
            bytes: 0,
            files: 0,
            bulk_files: 0,
            bulk_weight: 0.0,
            small_bytes: 0,
        },
    };
    let mut decks = [Deck {
        order: CLASSES,
        dealt: 0,
    }; 4];
    let mut per_format = [Count::default(); 4];
    let mut per_class = [Count::default(); 3];
    let mut manifest = String::new();
    let mut files = 0;
    let mut unit = 0;
    while files < options.files {
        let left = options.files - files;
        let mut f = pick_format(&mut generator.rng);
        if left < FORMATS[f].files().0 {
            f = 3; // TwiML units may have a single file.
        }
        let format = FORMATS[f];
        let (lo, hi) = format.files();
        let count = generator.rng.range(lo, hi).min(left);
        let class = decks[f].deal(&mut generator.rng);
        unit += 1;
        let name = format!("{}-{unit:05}", format.prefix());
        let outs = match format {
            Format::Asterisk => generator.asterisk(class, count, unit),
            Format::FreeSwitch => generator.freeswitch(class, count, unit),
            Format::Connect => generator.connect(class, count, &name),
            Format::Twilio => generator.twilio(class, count),
        };
        assert_eq!(
            outs.len(),
            count,
            "a unit has the files it was planned with"
        );
        let dir = format!("{}/{name}", format.name());
        let mut bytes = 0;
        for out in &outs {
            generator.sizer.add(out.text.len(), out.bulk);
            bytes += out.text.len() as u64;
        }
        let texts: Vec<(String, String)> = outs.into_iter().map(|o| (o.path, o.text)).collect();
        if let Err(e) = write_tree(&options.out.join(&dir), &texts) {
            eprintln!(
                "gen-tree: cannot write {}/{dir}: {e}",
                options.out.display()
            );
            return ExitCode::from(1);
        }
        files += count;
        per_format[f].add(count, bytes);
        per_class[CLASSES.iter().position(|&c| c == class).unwrap()].add(count, bytes);
        let _ = writeln!(
            manifest,
            "{dir}\t{}\t{}\t{count}\t{bytes}",
            format.name(),
            class.name()
        );
    }
    if let Some(path) = &options.manifest
        && let Err(e) = fs::write(path, &manifest)
    {
        eprintln!("gen-tree: cannot write {}: {e}", path.display());
        return ExitCode::from(1);
    }
    summary(&options.out, unit, &per_format, &per_class);
    ExitCode::SUCCESS
}

fn pick_format(rng: &mut Rng) -> usize {
    let mut roll = rng.below(100);
    for (i, format) in FORMATS.iter().enumerate() {
        if roll < format.weight() {
            return i;
        }
        roll -= format.weight();
    }
    0
}

fn summary(out: &Path, units: usize, per_format: &[Count; 4], per_class: &[Count; 3]) {
    let files: usize = per_format.iter().map(|c| c.files).sum();
    let bytes: u64 = per_format.iter().map(|c| c.bytes).sum();
    let mb = |b: u64| b as f64 / 1e6;
    eprintln!(
        "gen-tree: {files} files, {:.1} MB ({bytes} bytes) in {units} units in {}",
        mb(bytes),
        out.display()
    );
    eprintln!(
        "  {:<10} {:>6} {:>7} {:>9}",
        "format", "units", "files", "MB"
    );
    for (format, c) in FORMATS.iter().zip(per_format) {
        eprintln!(
            "  {:<10} {:>6} {:>7} {:>9.1}",
            format.name(),
            c.units,
            c.files,
            mb(c.bytes)
        );
    }
    eprintln!(
        "  {:<10} {:>6} {:>7} {:>9}",
        "class", "units", "files", "MB"
    );
    for (class, c) in CLASSES.iter().zip(per_class) {
        eprintln!(
            "  {:<10} {:>6} {:>7} {:>9.1}",
            class.name(),
            c.units,
            c.files,
            mb(c.bytes)
        );
    }
}

struct Generator {
    rng: Rng,
    sizer: Sizer,
}

/// `k` different departments.
fn departments(rng: &mut Rng, k: usize) -> Vec<&'static str> {
    let all: Vec<u32> = (0..DEPTS.len() as u32).collect();
    rng.sample(&all, k)
        .into_iter()
        .map(|i| DEPTS[i as usize])
        .collect()
}

// ---------------------------------------------------------------- Asterisk

/// What every line of one PBX shares.
struct Pbx {
    class: Class,
    queues: Vec<&'static str>,
    /// Queues with `monitor-format` (every answered call recorded).
    recorded_queues: Vec<&'static str>,
    /// features.conf defines `automixmon`.
    features: bool,
    /// Internal calls are recorded, by `Gosub(sub-record-internal,s,1)`.
    record_internal: bool,
}

impl Generator {
    fn asterisk(&mut self, class: Class, count: usize, unit: usize) -> Vec<Out> {
        let rng = &mut self.rng;
        let k = rng.range(2, 5);
        let queues = departments(rng, k);
        let recorded: Vec<bool> = queues
            .iter()
            .map(|_| class == Class::Recorded && rng.percent(50))
            .collect();
        let pbx = Pbx {
            class,
            recorded_queues: queues
                .iter()
                .zip(&recorded)
                .filter(|(_, r)| **r)
                .map(|(q, _)| *q)
                .collect(),
            queues,
            features: count == 4,
            record_internal: class == Class::Recorded && rng.percent(40),
        };
        let target = self.sizer.bulk_target(&mut self.rng, ASTERISK_WEIGHT);
        let rng = &mut self.rng;
        let mut lines = String::new();
        let mut internal = String::new();
        // About 40% of the file are inbound lines, the rest the phones.
        let mut dids = Vec::new();
        while dids.is_empty() || lines.len() * 10 < target * 4 {
            let n = dids.len() + 1;
            dids.push(format!("45{:05}{n:03}", unit % 100_000));
            asterisk_line(rng, &pbx, n, &mut lines);
        }
        let mut phones = 0;
        while phones == 0 || lines.len() + internal.len() < target {
            phones += 1;
            internal_extension(rng, &pbx, 2000 + phones, &mut internal);
        }
        let mut custom = format!(
            "; extensions_custom.conf: call flows, included from extensions.conf.\n\
             ; Edit here, not in extensions.conf.\n{lines}\n\
             ; ---- internal extensions ----\n[from-internal-custom]\n{internal}"
        );
        if pbx.record_internal {
            custom.push_str(
                "\n; Every internal call is recorded.\n[sub-record-internal]\n\
                 exten => s,1,MixMonitor(${RECDIR}/internal/${STRFTIME(${EPOCH},,%Y%m%d)}-${UNIQUEID}.wav,b)\n \
                 same => n,Return()\n",
            );
        }

        let mut main = format!(
            "; extensions.conf of pbx-{unit:05} (Asterisk 20, chan_pjsip)\n\
             [general]\nstatic=yes\nwriteprotect=no\nclearglobalvars=no\n\n\
             [globals]\nTRUNK=PJSIP/trunk\nRECDIR=/var/spool/asterisk/monitor\n\n\
             #include \"extensions_custom.conf\"\n\n\
             ; Calls from the operator's trunk, one DID per line.\n[from-pstn]\n"
        );
        for (i, did) in dids.iter().enumerate() {
            let _ = writeln!(main, "exten => {did},1,Goto(line-{},s,1)", i + 1);
        }
        main.push_str(
            "exten => _X.,1,Playback(ss-noservice)\n same => n,Hangup()\n\n\
             [from-internal]\ninclude => from-internal-custom\n\
             exten => *97,1,VoiceMailMain(${CALLERID(num)}@default)\n same => n,Hangup()\n\
             exten => _9X.,1,Dial(${TRUNK}/${EXTEN:1},60,T)\n same => n,Hangup()\n",
        );

        let general = if class == Class::Recorded {
            "persistentmembers = yes\nmonitor-type = MixMonitor\n"
        } else {
            "persistentmembers = yes\n"
        };
        let queue_list: Vec<(&str, bool)> = pbx
            .queues
            .iter()
            .zip(&recorded)
            .map(|(q, r)| (*q, *r))
            .collect();
        let mut out = vec![
            small("extensions.conf", main),
            bulk("extensions_custom.conf", custom, ASTERISK_WEIGHT),
            small("queues.conf", queues_conf(general, &queue_list)),
        ];
        if pbx.features {
            out.push(small(
                "features.conf",
                "[general]\ntransferdigittimeout => 3\ncourtesytone = beep\n\n\
                 [featuremap]\nblindxfer => #1\natxfer => *2\nautomixmon => *3\n"
                    .to_string(),
            ));
        }
        out
    }
}

/// One inbound line: `[line-N]` and, for half the lines, a DTMF menu
/// `[line-N-menu]` it goes on to.
fn asterisk_line(rng: &mut Rng, pbx: &Pbx, n: usize, out: &mut String) {
    let dept = pbx.queues[rng.below(pbx.queues.len())];
    let menu = rng.percent(50);
    let stop = pbx.class == Class::Consented;
    let mailbox = 100 + n;
    let welcome = rng.pick(asterisk_text::WELCOME_PROMPTS);
    let recording = format!("MixMonitor(${{RECDIR}}/{dept}/${{UNIQUEID}}.wav,b)");
    let _ = writeln!(out, "\n; ---- line {n}: {dept} ----\n[line-{n}]");
    let _ = writeln!(out, "exten => s,1,NoOp(${{CALLERID(num)}} calls {dept})");
    out.push_str(" same => n,Answer()\n");
    if rng.percent(40) {
        let language = rng.pick(&["en", "da", "de"]);
        let _ = writeln!(out, " same => n,Set(CHANNEL(language)={language})");
    }
    if rng.percent(35) {
        let _ = writeln!(
            out,
            " same => n,GotoIfTime(08:00-17:00,mon-fri,*,*?open)\n same => n,Playback(custom/{dept}-closed)\n same => n,Voicemail({mailbox}@default,su)\n same => n,Hangup()\n same => n(open),NoOp(open)"
        );
    }
    // Where the call goes once recording is settled.
    let mut to_menu = false;
    let mut onward = |out: &mut String, queue: &str| {
        if menu {
            to_menu = true;
            let _ = writeln!(out, " same => n,Goto(line-{n}-menu,s,1)");
        } else {
            queue_and_voicemail(out, queue, mailbox, stop);
        }
    };
    let _ = writeln!(out, " same => n,Playback({welcome})");
    match pbx.class {
        Class::Clean => {
            if rng.percent(40) {
                let _ = writeln!(
                    out,
                    " same => n,Playback({})",
                    rng.pick(asterisk_text::OTHER_PROMPTS)
                );
            }
            onward(out, dept);
        }
        Class::Consented => {
            let (notice, annotate) = if rng.percent(70) {
                (rng.pick(asterisk_text::NOTICE_PROMPTS), true)
            } else {
                (
                    "custom/calls-may-be-recorded-for-quality-and-training",
                    false,
                )
            };
            let purpose = if annotate {
                " ; reclint: purpose=documentation"
            } else {
                ""
            };
            let _ = writeln!(out, " same => n,Playback({notice})");
            if rng.percent(50) {
                // Read and GotoIf: only a 1 records.
                let _ = writeln!(
                    out,
                    " same => n,Read(CONSENT,custom/press-1-to-allow-recording,1,,1,5)\n same => n,GotoIf($[\"${{CONSENT}}\" = \"1\"]?rec:norec)\n same => n(rec),{recording}{purpose}\n same => n,Set(CDR(recording)=yes)\n same => n(norec),NoOp(consent ${{CONSENT}})"
                );
                onward(out, dept);
            } else {
                // A Background + WaitExten menu: 1 records, 2, timeout and
                // invalid keys do not.
                let _ = writeln!(
                    out,
                    " same => n(ask),Background(custom/press-1-to-allow-recording-2-to-decline)\n same => n,WaitExten(5)\nexten => 1,1,{recording}{purpose}"
                );
                onward(out, dept);
                out.push_str("exten => 2,1,NoOp(recording declined)\n");
                onward(out, dept);
                out.push_str(
                    "exten => t,1,Goto(2,1)\nexten => i,1,Playback(invalid)\n same => n,Goto(s,ask)\n",
                );
            }
        }
        Class::Recorded => {
            let purpose = if rng.percent(50) {
                " ; reclint: purpose=documentation"
            } else {
                ""
            };
            let notice = rng.pick(asterisk_text::NOTICE_PROMPTS);
            match rng.below(5) {
                // Recording before the notice, IVR included.
                0 => {
                    let _ = writeln!(
                        out,
                        " same => n,MixMonitor(${{RECDIR}}/{dept}/${{UNIQUEID}}.wav){purpose}\n same => n,Playback({notice})"
                    );
                    onward(out, dept);
                }
                // A training notice, then recording: nobody is asked.
                1 => {
                    let _ = writeln!(
                        out,
                        " same => n,Playback(custom/this-call-may-be-recorded-for-training-and-quality)\n same => n,{recording}"
                    );
                    onward(out, dept);
                }
                // Opt-out: only a 2 avoids the recording.
                2 => {
                    let _ = writeln!(
                        out,
                        " same => n,Read(CHOICE,custom/press-2-to-decline-recording,1,,1,5)\n same => n,GotoIf($[\"${{CHOICE}}\" = \"2\"]?agent)\n same => n,{recording}{purpose}\n same => n(agent),NoOp(choice ${{CHOICE}})"
                    );
                    onward(out, dept);
                }
                // On-demand recording by the agent (automixmon).
                3 if pbx.features => {
                    let _ = writeln!(
                        out,
                        " same => n,Playback({notice})\n same => n,Dial(PJSIP/{dept}-team,30,tTx)\n same => n,Hangup()"
                    );
                }
                // A queue that records every answered call, no notice.
                _ => {
                    let queue = if pbx.recorded_queues.is_empty() {
                        let _ = writeln!(out, " same => n,{recording}{purpose}");
                        dept
                    } else {
                        pbx.recorded_queues[rng.below(pbx.recorded_queues.len())]
                    };
                    out.push_str(" same => n,Playback(custom/please-hold)\n");
                    queue_and_voicemail(out, queue, mailbox, false);
                }
            }
        }
    }
    if to_menu {
        asterisk_menu(rng, pbx, n, mailbox, out);
    }
}

/// `Queue`, then (after a consented recording) `StopMixMonitor`, voicemail
/// and a hang-up.
fn queue_and_voicemail(out: &mut String, queue: &str, mailbox: usize, stop: bool) {
    let _ = writeln!(out, " same => n,Queue({queue},t,,,300)");
    if stop {
        out.push_str(" same => n,StopMixMonitor()\n");
    }
    let _ = writeln!(
        out,
        " same => n,Voicemail({mailbox}@default,u)\n same => n,Hangup()"
    );
}

/// `[line-N-menu]`: Background + WaitExten with queue keys, the operator
/// on 0, counted retries on `t`, `i` back to the prompt.
fn asterisk_menu(rng: &mut Rng, pbx: &Pbx, n: usize, mailbox: usize, out: &mut String) {
    let stop = pbx.class == Class::Consented;
    let _ = writeln!(
        out,
        "\n[line-{n}-menu]\nexten => s,1,Set(TRIES=0)\n same => n(menu),Background(custom/line-{n}-options)\n same => n,WaitExten(5)"
    );
    let keys = rng.range(2, 4);
    for key in 1..=keys {
        let queue = pbx.queues[(key - 1 + n) % pbx.queues.len()];
        let _ = writeln!(out, "exten => {key},1,NoOp(menu {key}: {queue})");
        queue_and_voicemail(out, queue, mailbox, stop);
    }
    let _ = writeln!(
        out,
        "exten => 0,1,Dial(PJSIP/reception,20,tT)\n same => n,Hangup()\n\
         exten => t,1,Set(TRIES=$[${{TRIES}} + 1])\n same => n,GotoIf($[${{TRIES}} < 3]?s,menu)\n same => n,Voicemail({mailbox}@default,u)\n same => n,Hangup()\n\
         exten => i,1,Playback(invalid)\n same => n,Goto(s,menu)"
    );
}

/// A phone in `[from-internal-custom]`; some PBXes that record without
/// consent record internal calls too.
fn internal_extension(rng: &mut Rng, pbx: &Pbx, ext: u32, out: &mut String) {
    let _ = writeln!(out, "exten => {ext},1,NoOp(internal call to {ext})");
    if rng.percent(30) {
        out.push_str(" same => n,Set(CALLERID(name)=${DB(cidname/${CALLERID(num)})})\n");
    }
    if pbx.record_internal {
        out.push_str(" same => n,Gosub(sub-record-internal,s,1)\n");
    }
    let _ = writeln!(
        out,
        " same => n,Dial(PJSIP/{ext},20,tT)\n same => n,GotoIf($[\"${{DIALSTATUS}}\" = \"BUSY\"]?busy)\n same => n,Voicemail({ext}@default,u)\n same => n,Hangup()\n same => n(busy),Voicemail({ext}@default,b)\n same => n,Hangup()"
    );
}

// -------------------------------------------------------------- FreeSWITCH

const FS_HEADER: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// Extension numbers of a FreeSWITCH unit.
const FS_USERS: u32 = 1000;
const FS_IVRS: u32 = 7000;
const FS_QUEUES: u32 = 8000;

impl Generator {
    fn freeswitch(&mut self, class: Class, count: usize, unit: usize) -> Vec<Out> {
        let parts = count - 3;
        let targets: Vec<usize> = (0..parts)
            .map(|_| self.sizer.bulk_target(&mut self.rng, FREESWITCH_WEIGHT))
            .collect();
        let rng = &mut self.rng;
        let k = rng.range(2, 4);
        let queues = departments(rng, k);
        let mut stats = Stats::default();
        // The IVR lines and queues go in the first file: about 2 KB a line.
        let share = if parts == 1 { 0.5 } else { 0.8 };
        let lines = ((targets[0] as f64 * share / 2_200.0) as usize).clamp(1, 400);
        let mut first = Vec::new();
        for n in 1..=lines {
            first.extend(freeswitch_line(rng, class, n as u32, queues.len() as u32));
        }
        for (j, dept) in queues.iter().enumerate() {
            first.push(freeswitch_queue(rng, class, dept, FS_QUEUES + j as u32 + 1));
        }
        // Users fill every file up to its size; a quarter of them have a
        // direct inbound number.
        let mut user = FS_USERS;
        let mut direct = Vec::new();
        let mut out = Vec::new();
        let mut scratch = String::new();
        for (i, &target) in targets.iter().enumerate() {
            let mut extensions = if i == 0 {
                std::mem::take(&mut first)
            } else {
                Vec::new()
            };
            let mut size = 0;
            for ext in &extensions {
                scratch.clear();
                render_extension(ext, 2, &mut scratch, &mut Stats::default());
                size += scratch.len();
            }
            while size < target || extensions.is_empty() {
                user += 1;
                assert!(user < FS_IVRS, "user numbers stay below the IVRs");
                let record = class == Class::Recorded;
                let ext = user_extension(rng, user, record);
                if rng.percent(25) {
                    direct.push(user);
                }
                scratch.clear();
                render_extension(&ext, 2, &mut scratch, &mut Stats::default());
                size += scratch.len();
                extensions.push(ext);
            }
            let (name, comment) = if i == 0 {
                ("00_ivr_and_queues".to_string(), "IVRs, routing and queues")
            } else {
                (format!("{:02}_extensions_{i}", i * 10), "user extensions")
            };
            let text = include_file(
                FS_HEADER,
                &format!("fs-{unit:05}: {comment}, included by default.xml"),
                &extensions,
                &mut stats,
            );
            out.push(bulk(
                format!("dialplan/default/{name}.xml"),
                text,
                FREESWITCH_WEIGHT,
            ));
        }
        // The DIDs of the IVR lines, then the direct numbers of users.
        let dids: Vec<Extension> = (1..=lines as u32)
            .map(|n| (format!("7010{:04}{n:03}", unit % 10_000), FS_IVRS + n))
            .chain(
                direct
                    .iter()
                    .map(|&u| (format!("7011{:04}{u:04}", unit % 10_000), u)),
            )
            .map(|(did, to)| Extension {
                name: format!("did-{did}"),
                continues: false,
                conditions: vec![cond(
                    "destination_number",
                    &format!("^(\\+45)?({did})$"),
                    vec![act("set", "domain_name=$${domain}"), transfer(to)],
                )],
            })
            .collect();
        let mut files = vec![
            small(
                "dialplan/public.xml",
                context_file(
                    FS_HEADER,
                    "public",
                    &[unloop(), outside_call()],
                    Some("public/*.xml"),
                    &[],
                    &mut stats,
                ),
            ),
            small(
                "dialplan/default.xml",
                context_file(
                    FS_HEADER,
                    "default",
                    &[unloop(), global()],
                    Some("default/*.xml"),
                    &[catch_all()],
                    &mut stats,
                ),
            ),
            small(
                "dialplan/public/00_inbound.xml",
                include_file(
                    FS_HEADER,
                    &format!("fs-{unit:05}: inbound DIDs, included by public.xml"),
                    &dids,
                    &mut stats,
                ),
            ),
        ];
        files.extend(out);
        files
    }
}

/// A destination reached only by `transfer`: `^name$` needs letters.
fn named(name: &str, children: Vec<Node>) -> Node {
    cond("destination_number", &format!("^{name}$"), children)
}

fn transfer(to: impl std::fmt::Display) -> Node {
    act("transfer", format!("{to} XML default"))
}

fn purpose_comment() -> Node {
    Node::Comment("reclint: purpose=documentation".into())
}

/// The `default` extensions of IVR line `n`: the IVR (`ivr-N` on a number
/// the DID transfers to), its routing on `${menu_choice}`, and by class a
/// recording before the notice, a training notice, an opt-out question, or
/// the consent question and its check.
fn freeswitch_line(rng: &mut Rng, class: Class, n: u32, queues: u32) -> Vec<Extension> {
    let welcome = rng.pick(freeswitch_xml::WELCOME_PROMPTS);
    let notice = rng.pick(freeswitch_xml::NOTICE_PROMPTS);
    let menu = format!(
        "1 1 3 5000 # custom/line-{n}-options.wav ivr/ivr-that_was_an_invalid_entry.wav menu_choice \\d"
    );
    let mut ivr = vec![
        bare("answer"),
        act("sleep", "1000"),
        act("playback", welcome),
    ];
    let mut more = Vec::new();
    let route = format!("route-{n}");
    match class {
        Class::Clean => {
            if rng.percent(30) {
                ivr.push(act("playback", rng.pick(freeswitch_xml::OTHER_PROMPTS)));
            }
            ivr.push(act("play_and_get_digits", menu));
            ivr.push(transfer(&route));
        }
        Class::Consented => {
            // The purpose: a directive at the recording, or a notice that
            // names it.
            let annotate = rng.percent(70);
            let notice = if annotate {
                notice
            } else {
                "custom/recorded-for-quality-and-training.wav"
            };
            ivr.push(act("playback", notice));
            ivr.push(act("play_and_get_digits", CONSENT_QUESTION));
            ivr.push(transfer(format!("consent-{n}")));
            let mut yes = vec![act("set", "RECORD_BRIDGE_REQ=true")];
            if annotate {
                yes.push(purpose_comment());
            }
            yes.push(act("record_session", RECORD_PATH));
            yes.push(transfer(format!("menu-{n}")));
            if rng.percent(40) {
                yes.push(anti("playback", "custom/this-call-is-not-recorded.wav"));
            }
            yes.push(anti("transfer", format!("menu-{n} XML default")));
            more.push(Extension {
                name: format!("consent-{n}"),
                continues: false,
                conditions: vec![
                    named(&format!("consent-{n}"), Vec::new()),
                    cond("${consent}", "^1$", yes),
                ],
            });
            more.push(Extension {
                name: format!("menu-{n}"),
                continues: false,
                conditions: vec![named(
                    &format!("menu-{n}"),
                    vec![act("play_and_get_digits", menu), transfer(&route)],
                )],
            });
        }
        Class::Recorded => {
            match rng.below(4) {
                // Recording from the start: before the notice, IVR included.
                0 => {
                    if rng.percent(50) {
                        ivr.insert(1, purpose_comment());
                    }
                    ivr.insert(2, act("record_session", RECORD_PATH));
                    ivr.push(act("playback", notice));
                    ivr.push(act("play_and_get_digits", menu));
                    ivr.push(transfer(&route));
                }
                // A training notice, then recording: nobody is asked.
                1 => {
                    ivr.push(act(
                        "playback",
                        "custom/calls-may-be-recorded-for-training.wav",
                    ));
                    ivr.push(act("set", "RECORD_BRIDGE_REQ=true"));
                    ivr.push(act("record_session", RECORD_PATH));
                    ivr.push(act("play_and_get_digits", menu));
                    ivr.push(transfer(&route));
                }
                // Opt-out: only a 2 avoids the recording.
                2 => {
                    ivr.push(act("playback", notice));
                    ivr.push(act(
                        "play_and_get_digits",
                        "1 1 3 5000 # custom/press-2-to-decline-recording.wav silence_stream://250 decline \\d",
                    ));
                    ivr.push(act("play_and_get_digits", menu));
                    ivr.push(transfer(format!("optout-{n}")));
                    more.push(Extension {
                        name: format!("optout-{n}"),
                        continues: false,
                        conditions: vec![
                            named(&format!("optout-{n}"), Vec::new()),
                            cond(
                                "${decline}",
                                "^2$",
                                vec![
                                    transfer(&route),
                                    anti("set", "RECORD_BRIDGE_REQ=true"),
                                    anti("record_session", RECORD_PATH),
                                    anti("transfer", format!("{route} XML default")),
                                ],
                            ),
                        ],
                    });
                }
                // The bridged call is recorded, without a notice.
                _ => {
                    ivr.push(act(
                        "export",
                        format!("execute_on_answer=record_session {RECORD_PATH}"),
                    ));
                    ivr.push(act("play_and_get_digits", menu));
                    ivr.push(transfer(&route));
                }
            }
        }
    }
    // Routing on the menu answer, tested after the transfer.
    let first = FS_QUEUES + 1 + (n % queues);
    let second = FS_QUEUES + 1 + ((n + 1) % queues);
    more.push(Extension {
        name: route.clone(),
        continues: false,
        conditions: vec![
            named(&route, Vec::new()),
            cond(
                "${menu_choice}",
                "^1$",
                vec![
                    transfer(first),
                    anti("transfer", format!("{second} XML default")),
                ],
            ),
        ],
    });
    let mut out = vec![Extension {
        name: format!("ivr-{n}"),
        continues: false,
        conditions: vec![destination(FS_IVRS + n, ivr)],
    }];
    out.extend(more);
    out
}

/// A queue extension: a prompt and the bridge to a ring group; in units
/// that record without consent half of them record every answered call,
/// in consented units the recording stops after the agent part.
fn freeswitch_queue(rng: &mut Rng, class: Class, dept: &str, number: u32) -> Extension {
    let mut then = vec![
        bare("answer"),
        act("playback", rng.pick(freeswitch_xml::OTHER_PROMPTS)),
        act("set", "continue_on_fail=true"),
        act("set", "hangup_after_bridge=false"),
    ];
    if class == Class::Recorded && rng.percent(50) {
        then.push(act(
            "export",
            format!("execute_on_answer=record_session {RECORD_PATH}"),
        ));
    }
    then.push(act("bridge", format!("group/{dept}@${{domain_name}}")));
    if class == Class::Consented {
        then.push(act("stop_record_session", RECORD_PATH));
    }
    then.push(act("playback", "ivr/ivr-not_available.wav"));
    then.push(act("voicemail", format!("default ${{domain_name}} {dept}")));
    Extension {
        name: format!("queue-{dept}"),
        continues: false,
        conditions: vec![destination(number, then)],
    }
}

// ---------------------------------------------------------- Amazon Connect

impl Generator {
    fn connect(&mut self, class: Class, count: usize, unit: &str) -> Vec<Out> {
        let depts = departments(&mut self.rng, count - 1);
        let stems: Vec<String> = depts.iter().map(|d| format!("{unit}-{d}")).collect();
        let inbound = connect_inbound(&mut self.rng, class, &depts, &stems);
        let mut out = vec![small(
            format!("{unit}-inbound.json"),
            flow_file(&mut self.rng, inbound),
        )];
        for (dept, stem) in depts.iter().zip(&stems) {
            let target = self.sizer.bulk_target(&mut self.rng, CONNECT_WEIGHT);
            out.push(bulk(
                format!("{stem}.json"),
                connect_queue_flow(&mut self.rng, class, dept, target),
                CONNECT_WEIGHT,
            ));
        }
        out
    }
}

/// The flow as the Connect console exports it: identifiers are UUIDs and
/// `Metadata` holds each action's position on the canvas.
fn flow_file(rng: &mut Rng, flow: Actions) -> String {
    let ids: Vec<String> = flow.actions.iter().map(|_| uuid(rng)).collect();
    let actions = flow
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| a.to_json(&ids[i], &ids))
        .collect();
    let position = |x: usize, y: usize| obj(vec![("x", J::Num(x as i64)), ("y", J::Num(y as i64))]);
    let positions = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                id.clone(),
                obj(vec![(
                    "position",
                    position(240 + 260 * (i % 6), 40 + 220 * (i / 6)),
                )]),
            )
        })
        .collect();
    let metadata = obj(vec![
        ("entryPointPosition", position(40, 40)),
        ("ActionMetadata", J::Obj(positions)),
        ("Annotations", J::Arr(Vec::new())),
    ]);
    flow_text(&ids[0], metadata, actions)
}

/// Replaces `Target::Remote` (the flow's goodbye) with `at`.
fn resolve(flow: &mut Actions, at: usize) {
    for action in &mut flow.actions {
        for target in action.targets_mut() {
            if *target == Target::Remote {
                *target = Target::At(at);
            }
        }
    }
}

/// The inbound flow: welcome, opening hours, the recording set-up of the
/// class, a menu that hands the call to the queue flows, and a goodbye
/// (`Target::Remote` until the end).
fn connect_inbound(rng: &mut Rng, class: Class, depts: &[&str], stems: &[String]) -> Actions {
    let mut f = Actions::default();
    f.message(rng.pick(WELCOME_TEXTS));
    f.step(logging_behavior());
    if rng.percent(40) {
        f.step(voice(rng.pick(&["Joanna", "Amy", "Naja", "Vicki"])));
    }
    let next = f.after();
    f.push(
        check_hours("contact-centre")
            .when("Equals", "True", next)
            .when("Equals", "False", Target::Remote)
            .error("NoMatchingError", next),
    );
    match class {
        Class::Clean => {
            if rng.percent(30) {
                // Recording switched off explicitly.
                f.recording_stop();
            }
        }
        Class::Consented => {
            // A notice that names the purpose (Connect flows hold no
            // comments for a `reclint: purpose=` directive).
            let notices: Vec<&str> = NOTICE_TEXTS
                .iter()
                .copied()
                .filter(|t| t.contains("quality") || t.contains("training"))
                .collect();
            f.message(rng.pick(&notices));
            let ask = f.here();
            if rng.percent(50) {
                // ask, start, thanks, declined; then the menu.
                f.push(
                    input(
                        "Press 1 to allow recording of this call, or 2 to decline.",
                        false,
                        "5",
                    )
                    .when("Equals", "1", Target::At(ask + 1))
                    .when("Equals", "2", Target::At(ask + 3))
                    .error("InputTimeLimitExceeded", Target::At(ask + 3))
                    .error("NoMatchingCondition", Target::At(ask + 3))
                    .error("NoMatchingError", Target::At(ask + 3)),
                );
                f.recording_start(false);
                let thanks = f.message("Thank you.");
                f.actions[thanks].next = Some(Target::At(ask + 4));
                f.actions[thanks].errors[0].1 = Target::At(ask + 4);
                f.message("This call will not be recorded.");
            } else {
                // The answer stored in an attribute and compared.
                let menu = Target::At(ask + 4);
                f.push(
                    input("Press 1 to allow recording of this call.", true, "5")
                        .next(Target::At(ask + 1))
                        .error("InputTimeLimitExceeded", menu)
                        .error("NoMatchingError", menu),
                );
                f.set_attribute("recording_consent", "$.StoredCustomerInput");
                f.push(
                    compare("recording_consent")
                        .when("Equals", "1", Target::At(ask + 3))
                        .error("NoMatchingCondition", menu),
                );
                f.recording_start(false);
            }
        }
        Class::Recorded => match rng.below(4) {
            // Recording from the start, IVR included, before the notice.
            0 => {
                f.recording_start(true);
                f.message(rng.pick(NOTICE_TEXTS));
            }
            // A training notice, then recording: nobody is asked.
            1 => {
                f.message("This call may be recorded for training and quality purposes.");
                f.recording_start(false);
            }
            // Opt-out: only a 2 avoids the recording.
            2 => {
                f.message(rng.pick(NOTICE_TEXTS));
                let ask = f.here();
                let menu = Target::At(ask + 2);
                let record = Target::At(ask + 1);
                f.push(
                    input(
                        "Press 2 if you do not want this call to be recorded.",
                        false,
                        "5",
                    )
                    .when("Equals", "2", menu)
                    .error("InputTimeLimitExceeded", record)
                    .error("NoMatchingCondition", record)
                    .error("NoMatchingError", record),
                );
                f.recording_start(false);
            }
            // No notice at all.
            _ => {
                f.recording_start(false);
            }
        },
    }
    // The menu: one key per queue flow.
    let intro = f.message("Please listen carefully, as our options have changed.");
    let options: Vec<String> = depts
        .iter()
        .enumerate()
        .map(|(k, d)| format!("press {} for {d}", k + 1))
        .collect();
    let first = f.here() + 1;
    let mut ask = input(&format!("{}.", options.join(", ")), false, "5");
    for k in 0..depts.len() {
        ask = ask.when("Equals", &format!("{}", k + 1), Target::At(first + k));
    }
    f.push(
        ask.error("InputTimeLimitExceeded", Target::At(first))
            .error("NoMatchingCondition", Target::At(intro))
            .error("NoMatchingError", Target::At(first)),
    );
    for stem in stems {
        f.push(transfer_to_flow(stem).error("NoMatchingError", Target::Remote));
    }
    let goodbye = f.message("Thank you for calling. Goodbye.");
    f.push(Action::new("DisconnectParticipant", obj(Vec::new())));
    resolve(&mut f, goodbye);
    f
}

/// A queue flow of about `target` bytes: a greeting, IVR steps (look-ups,
/// attributes, checks, account-number entry), the queue, and a busy exit;
/// in consented units the busy exit stops the recording, in units that
/// record without consent some queue flows start recording on their own.
fn connect_queue_flow(rng: &mut Rng, class: Class, dept: &str, target: usize) -> String {
    let mut steps = target / 700;
    for _ in 0..4 {
        let flow = connect_queue_actions(rng, class, dept, steps);
        let text = flow_file(rng, flow);
        if text.len() * 10 >= target * 9 {
            return text;
        }
        let per = (text.len() / (steps + 4)).max(200);
        steps += (target - text.len()) / per + 1;
    }
    let flow = connect_queue_actions(rng, class, dept, steps);
    flow_file(rng, flow)
}

fn connect_queue_actions(rng: &mut Rng, class: Class, dept: &str, steps: usize) -> Actions {
    let mut f = Actions::default();
    f.message(&format!("You are through to {dept}."));
    let self_recorded = class == Class::Recorded && rng.percent(30);
    if self_recorded && rng.percent(50) {
        f.recording_start(rng.percent(30));
    }
    for _ in 0..steps {
        queue_flow_step(rng, &mut f, dept);
    }
    f.step(target_queue(&uuid(rng)));
    if self_recorded {
        f.recording_start(false);
    }
    f.push(
        Action::new("TransferContactToQueue", obj(Vec::new()))
            .error("QueueAtCapacity", Target::Remote)
            .error("NoMatchingError", Target::Remote),
    );
    let busy = f.here();
    if class == Class::Consented {
        f.recording_stop();
    }
    f.message("All of our agents are busy. Please call again later.");
    f.push(Action::new("DisconnectParticipant", obj(Vec::new())));
    resolve(&mut f, busy);
    f
}

/// One IVR step of a queue flow; each goes on to the next (or to the busy
/// exit, `Target::Remote`, when closed).
fn queue_flow_step(rng: &mut Rng, f: &mut Actions, dept: &str) {
    match rng.below(8) {
        0 => {
            f.message(rng.pick(OTHER_TEXTS));
        }
        1 => {
            let function =
                rng.pick(&["crm-lookup", "caller-history", "fraud-score", "case-status"]);
            f.lambda(function);
        }
        2 => {
            let (name, values) = ATTRIBUTES[rng.below(ATTRIBUTES.len())];
            let value = rng.pick(values);
            f.set_attribute(name, value);
        }
        // VIP callers get the priority queue.
        3 => {
            let at = f.here();
            f.push(
                compare("vip")
                    .when("Equals", "true", Target::At(at + 1))
                    .error("NoMatchingCondition", Target::At(at + 2)),
            );
            f.step(target_queue(&uuid(rng)));
        }
        4 => {
            let action = if rng.percent(50) {
                logging_behavior()
            } else {
                voice(rng.pick(&["Joanna", "Amy", "Naja"]))
            };
            f.step(action);
        }
        // Account number, with a retry back to the prompt.
        5 => {
            f.account_number();
        }
        6 => {
            let next = f.after();
            f.push(
                check_hours(dept)
                    .when("Equals", "True", next)
                    .when("Equals", "False", Target::Remote)
                    .error("NoMatchingError", next),
            );
        }
        _ => {
            f.message(rng.pick(&[
                "You can also reach us by chat on our website.",
                "Did you know that you can manage your account in our app?",
                "For faster service, please have your customer number ready.",
            ]));
        }
    }
}

// ------------------------------------------------------------------ TwiML

/// TwiML document names, the first is the number's webhook.
const TWIML_NAMES: &[&str] = &[
    "incoming",
    "menu",
    "after-hours",
    "sales",
    "support",
    "voicemail",
    "queue-wait",
];

impl Generator {
    fn twilio(&mut self, class: Class, count: usize) -> Vec<Out> {
        let rng = &mut self.rng;
        let company = rng.pick(COMPANIES);
        (0..count)
            .map(|i| {
                let name = TWIML_NAMES[i];
                let mut text = String::new();
                if rng.percent(70) {
                    text.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                }
                let body = match class {
                    Class::Recorded if i == 0 || rng.percent(50) => twiml_recorded(rng, company),
                    Class::Consented if i == 0 => twiml_consent(rng, company),
                    _ => twiml_clean(rng, name, company),
                };
                let _ = write!(text, "<Response>\n{body}</Response>\n");
                let ext = if rng.percent(20) { "twiml" } else { "xml" };
                small(format!("{name}.{ext}"), text)
            })
            .collect()
    }
}

fn say(text: &str) -> String {
    format!("  <Say voice=\"Polly.Amy\" language=\"en-GB\">{text}</Say>\n")
}

fn number(rng: &mut Rng) -> String {
    format!("+4570{:06}", rng.below(1_000_000))
}

fn twiml_recorded(rng: &mut Rng, company: &str) -> String {
    let to = number(rng);
    match rng.below(5) {
        // Recording from the ringing on, no notice.
        0 => format!(
            "{}  <Dial record=\"record-from-ringing-dual\" recordingStatusCallback=\"/recording-status\">\n    <Number>{to}</Number>\n  </Dial>\n",
            say(&format!("Thank you for calling {company}."))
        ),
        // Recording at once, the notice after it.
        1 => format!(
            "  <Start>\n    <Recording recordingStatusCallback=\"/recording-status\" track=\"both\"/>\n  </Start>\n{}  <Enqueue waitUrl=\"/queue-wait\">support</Enqueue>\n",
            say("This call is recorded.")
        ),
        // A training notice, then recording: nobody is asked.
        2 => format!(
            "{}  <Dial record=\"record-from-answer-dual\" timeout=\"25\">\n    <Number>{to}</Number>\n  </Dial>\n",
            say("This call is recorded for training and quality purposes.")
        ),
        // Opt-out: saying nothing gets the caller recorded.
        3 => format!(
            "  <Gather action=\"/decline-recording\" numDigits=\"1\" timeout=\"5\">\n  {}  </Gather>\n  <Dial record=\"record-from-answer\">\n    <Number>{to}</Number>\n  </Dial>\n",
            say("Press 2 if you do not want this call to be recorded.")
        ),
        // A recorded conference.
        _ => format!(
            "{}  <Dial>\n    <Conference record=\"record-from-start\" startConferenceOnEnter=\"true\">support-room</Conference>\n  </Dial>\n",
            say("You are joining the support conference.")
        ),
    }
}

/// The question goes to a webhook, which decides about recording; without
/// an answer the call goes on unrecorded.
fn twiml_consent(rng: &mut Rng, company: &str) -> String {
    let to = number(rng);
    format!(
        "{}  <Gather action=\"/recording-consent\" method=\"POST\" numDigits=\"1\" timeout=\"5\">\n  {}  </Gather>\n{}  <Dial record=\"do-not-record\" timeout=\"25\">\n    <Number>{to}</Number>\n  </Dial>\n",
        say(&format!(
            "Welcome to {company}. Calls may be recorded for quality purposes."
        )),
        say("Press 1 to allow recording of this call, or 2 to decline."),
        say("We did not get an answer, so this call will not be recorded.")
    )
}

fn twiml_clean(rng: &mut Rng, name: &str, company: &str) -> String {
    match name {
        "incoming" | "menu" => format!(
            "  <Gather action=\"/ivr/menu\" method=\"POST\" numDigits=\"1\" timeout=\"6\" input=\"dtmf speech\" hints=\"sales, support, billing\">\n  {}  </Gather>\n{}  <Redirect method=\"POST\">/ivr/{name}</Redirect>\n",
            say(&format!(
                "Welcome to {company}. For sales, press 1. For support, press 2. For billing, press 3."
            )),
            say("Sorry, I did not get that.")
        ),
        "after-hours" => format!(
            "{}  <Play>https://assets.example.com/prompts/closed.mp3</Play>\n  <Hangup/>\n",
            say("Our opening hours are 8 am to 6 pm, Monday to Friday.")
        ),
        "voicemail" => format!(
            "{}  <Record maxLength=\"120\" playBeep=\"true\" action=\"/voicemail/saved\"/>\n{}",
            say("Please leave a message after the tone."),
            say("We did not receive a message. Goodbye.")
        ),
        "queue-wait" => format!(
            "{}  <Play loop=\"10\">https://assets.example.com/music/hold.mp3</Play>\n",
            say("Your call is important to us. Please stay on the line.")
        ),
        _ => {
            let to = number(rng);
            format!(
                "{}  <Dial timeout=\"25\" callerId=\"+4570100100\">\n    <Number>{to}</Number>\n  </Dial>\n{}  <Redirect method=\"POST\">/voicemail</Redirect>\n",
                say("Please hold while we connect you."),
                say("Nobody is available to take your call.")
            )
        }
    }
}
