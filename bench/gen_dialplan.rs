//! Writes a large, synthetic but realistic Asterisk dialplan for benchmarking
//! `reclint check`.
//!
//! ```text
//! cargo run --release --example gen-dialplan -- OUT_DIR [--priorities N] [--seed S]
//!     [--files F] [--sub-depth D]
//! ```
//!
//! The tree holds `extensions.conf` (with `#include` lines for
//! `extensions_part_K.conf`) and a `queues.conf`. It has about one context per
//! 200 priorities: entry contexts (`from-pstn-K`), IVRs (`ivr-K`), DTMF menus
//! (`menu-K`), DTMF consent menus (`consent-K`) and subroutines (`sub-K`).
//! Roughly every fifth priority is a `Goto`, `GotoIf`, `GotoIfTime` or `Gosub`:
//! forward and backward jumps inside an extension, retry loops, and jumps to
//! labels in other contexts (nearby and anywhere in the dialplan). Subroutines
//! call other subroutines at most `--sub-depth` levels deep (default 3, as in
//! FreePBX-style dialplans; 0 lets a subroutine call any subroutine defined
//! after it, so call chains grow with the dialplan). Every jump, `Gosub` and
//! queue target exists, so the dialplan is valid (no REC900/REC901).
//!
//! The output depends only on the arguments: a 64-bit xorshift generator seeded
//! from `--seed` makes every choice. Standard library only.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "asterisk_text.rs"]
mod asterisk_text;
use asterisk_text::{
    MIXMONITOR, NOTICE_PROMPTS, OTHER_PROMPTS, QUEUES, WELCOME_PROMPTS, queues_conf,
};

#[path = "common.rs"]
mod common;
use common::{Args, Rng, usage, write_tree};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Where calls arrive; never the target of a jump.
    Entry,
    Ivr,
    /// Background + WaitExten menu with digit, `t` and `i` extensions.
    Menu,
    /// A DTMF consent menu: 1 records, 2 declines.
    Consent,
    /// A Gosub subroutine that ends in Return().
    Sub,
}

/// A piece of an application line; remote jump targets are filled in once
/// every context (and so every label) exists.
enum Part {
    Text(String),
    /// `context,extension,label` in another context.
    Remote,
}

struct Line {
    label: Option<String>,
    app: Vec<Part>,
    comment: Option<&'static str>,
}

impl Line {
    fn text(app: impl Into<String>) -> Line {
        Line {
            label: None,
            app: vec![Part::Text(app.into())],
            comment: None,
        }
    }

    fn labelled(label: String, app: impl Into<String>) -> Line {
        Line {
            label: Some(label),
            ..Line::text(app)
        }
    }

    fn parts(app: Vec<Part>) -> Line {
        Line {
            label: None,
            app,
            comment: None,
        }
    }

    fn with_comment(mut self, comment: &'static str) -> Line {
        self.comment = Some(comment);
        self
    }

    fn is_jump(&self) -> bool {
        let Some(Part::Text(head)) = self.app.first() else {
            return false;
        };
        head.starts_with("Goto") || head.starts_with("Gosub")
    }
}

struct Extension {
    name: String,
    /// What a `Goto` dials to land in this extension (a number matching a
    /// pattern extension); `None` when other contexts must not jump here.
    dial: Option<String>,
    lines: Vec<Line>,
}

struct Context {
    name: String,
    kind: Kind,
    /// For subroutines: 0 calls no subroutine, 1 calls level 0, ...
    level: usize,
    budget: usize,
    includes: Vec<String>,
    extensions: Vec<Extension>,
}

/// Builds one extension's lines with labels unique within the extension.
struct Body {
    lines: Vec<Line>,
    labels: usize,
}

impl Body {
    fn new() -> Body {
        Body {
            lines: Vec::new(),
            labels: 0,
        }
    }

    fn label(&mut self, word: &str) -> String {
        self.labels += 1;
        format!("{word}{}", self.labels)
    }

    fn push(&mut self, line: Line) {
        self.lines.push(line);
    }
}

struct Generator {
    rng: Rng,
    contexts: Vec<Context>,
    /// Indexes of subroutine contexts.
    subs: Vec<usize>,
    /// How deep subroutine calls may nest (0: unbounded chains).
    sub_depth: usize,
}

struct Options {
    out: PathBuf,
    priorities: usize,
    seed: u64,
    files: usize,
    sub_depth: usize,
}

const SYNOPSIS: &str = "OUT_DIR [--priorities N (100000)] [--seed S (1)] [--files F (20)] [--sub-depth D (3, 0 = unbounded)]";

fn parse_args() -> Result<Options, String> {
    let args = Args::parse(&[
        ("--priorities", "-n"),
        ("--seed", "-s"),
        ("--files", ""),
        ("--sub-depth", ""),
    ])?;
    let priorities = args.number("--priorities", 100_000)? as usize;
    let seed = args.number("--seed", 1)?;
    let files = (args.number("--files", 20)? as usize).max(1);
    let sub_depth = args.number("--sub-depth", 3)? as usize;
    if priorities < 200 {
        return Err("--priorities must be at least 200".into());
    }
    Ok(Options {
        out: args.out,
        priorities,
        seed,
        files,
        sub_depth,
    })
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => return usage("gen-dialplan", SYNOPSIS, &message),
    };
    let mut generator = Generator {
        rng: Rng::new(options.seed),
        contexts: Vec::new(),
        subs: Vec::new(),
        sub_depth: options.sub_depth,
    };
    generator.plan(options.priorities);
    generator.fill();
    generator.resolve_remote_jumps();
    let (files, stats) = generator.render(options.files);
    assert_eq!(
        stats.priorities, options.priorities,
        "generated priorities must match the target"
    );
    if let Err(e) = write_tree(&options.out, &files) {
        eprintln!("gen-dialplan: cannot write {}: {e}", options.out.display());
        return ExitCode::from(1);
    }
    eprintln!(
        "gen-dialplan: {} priorities, {} contexts ({} subroutines), {} extensions, {} jumps ({:.1}%), {} recordings, {} files in {}",
        stats.priorities,
        generator.contexts.len(),
        generator.subs.len(),
        stats.extensions,
        stats.jumps,
        100.0 * stats.jumps as f64 / stats.priorities as f64,
        stats.recordings,
        files.len(),
        options.out.display()
    );
    ExitCode::SUCCESS
}

struct Stats {
    priorities: usize,
    extensions: usize,
    jumps: usize,
    recordings: usize,
}

impl Generator {
    /// Decides every context's name, kind and priority budget.
    fn plan(&mut self, total: usize) {
        let mut remaining = total;
        let mut i = 0;
        while remaining > 0 {
            // The first contexts are fixed so that every kind of target exists.
            let kind = match i {
                0 => Kind::Entry,
                1 => Kind::Sub,
                2 => Kind::Ivr,
                _ if i % 10 == 0 => Kind::Entry,
                _ => match self.rng.below(100) {
                    0..=19 => Kind::Sub,
                    20..=34 => Kind::Menu,
                    35..=42 => Kind::Consent,
                    _ => Kind::Ivr,
                },
            };
            let (min, lo, hi) = match kind {
                Kind::Entry => (12, 20, 60),
                Kind::Sub => (6, 8, 40),
                Kind::Menu => (24, 60, 200),
                Kind::Consent => (16, 30, 80),
                Kind::Ivr => (16, 150, 450),
            };
            // The last context takes what is left; never leave a remainder
            // too small for a context of its own.
            let Some(budget) = self.rng.share(remaining, (min, lo, hi), 40) else {
                // Only possible at the very end: give the rest to the
                // previous context.
                let last: &mut Context = self.contexts.last_mut().expect("first context is large");
                last.budget += remaining;
                break;
            };
            remaining -= budget;
            let name = match kind {
                Kind::Entry => format!("from-pstn-{i}"),
                Kind::Ivr => format!("ivr-{i}"),
                Kind::Menu => format!("menu-{i}"),
                Kind::Consent => format!("consent-{i}"),
                Kind::Sub => format!("sub-{i}"),
            };
            let level = if kind == Kind::Sub {
                self.subs.push(i);
                self.rng.below(self.sub_depth.max(1))
            } else {
                0
            };
            self.contexts.push(Context {
                name,
                kind,
                level,
                budget,
                includes: Vec::new(),
                extensions: Vec::new(),
            });
            i += 1;
        }
    }

    fn fill(&mut self) {
        for c in 0..self.contexts.len() {
            let budget = self.contexts[c].budget;
            let extensions = match self.contexts[c].kind {
                Kind::Entry => self.entry(c, budget),
                Kind::Ivr => self.ivr(c, budget),
                Kind::Menu => self.menu(c, budget),
                Kind::Consent => self.consent(c, budget),
                Kind::Sub => {
                    let body = self.body(c, budget, Terminal::Return);
                    vec![extension("s", Some("s"), body)]
                }
            };
            debug_assert_eq!(
                extensions.iter().map(|e| e.lines.len()).sum::<usize>(),
                budget
            );
            self.contexts[c].extensions = extensions;
        }
    }

    /// Splits `total` over parts with the given minimums.
    fn split(&mut self, total: usize, mins: &[usize]) -> Vec<usize> {
        let mut sizes = mins.to_vec();
        let mut left = total - mins.iter().sum::<usize>();
        while left > 0 {
            let chunk = left.min(self.rng.range(1, 12));
            let i = self.rng.below(sizes.len());
            sizes[i] += chunk;
            left -= chunk;
        }
        sizes
    }

    fn entry(&mut self, c: usize, budget: usize) -> Vec<Extension> {
        // A hangup extension, `s` for calls without a DID and `_X.` for DIDs.
        let sizes = self.split(budget - 1, &[4, 7]);
        let h = vec![Line::text("NoOp(Call ended: ${HANGUPCAUSE})")];
        let s = {
            let mut b = Body::new();
            b.push(Line::text("Answer()"));
            b.push(Line::parts(vec![
                Part::Text("Goto(".into()),
                Part::Remote,
                Part::Text(")".into()),
            ]));
            self.pad_front(c, b, sizes[0])
        };
        let did = {
            let mut b = Body::new();
            b.push(Line::text("Answer()"));
            b.push(Line::text(format!(
                "Set(CDR(userfield)=did-{})",
                self.contexts[c].name
            )));
            if let Some(sub) = self.some_sub(c) {
                b.push(Line::text(format!(
                    "Set(CHANNEL(hangup_handler_push)={},s,1)",
                    self.contexts[sub].name
                )));
            } else {
                b.push(Line::text("NoOp(no hangup handler)"));
            }
            b.push(Line::text(format!(
                "Playback({})",
                self.rng.pick(WELCOME_PROMPTS)
            )));
            let rest = sizes[1] - b.lines.len();
            self.extend_body(c, &mut b, rest, Terminal::Free);
            b.lines
        };
        // Some entries share a menu or IVR with `include =>`, FreePBX style.
        if self.rng.percent(30) {
            let targets = self.targetable();
            if !targets.is_empty() {
                let t = targets[self.rng.below(targets.len())];
                let name = self.contexts[t].name.clone();
                self.contexts[c].includes.push(name);
            }
        }
        vec![
            extension("_X.", None, did),
            extension("s", None, s),
            extension("h", None, h),
        ]
    }

    /// `s` + prefix lines: puts `b`'s lines at the end of a body of `len`.
    fn pad_front(&mut self, c: usize, tail: Body, len: usize) -> Vec<Line> {
        let mut b = Body::new();
        b.labels = tail.labels;
        let head = len - tail.lines.len();
        self.extend_body(c, &mut b, head, Terminal::None);
        b.lines.extend(tail.lines);
        b.lines
    }

    fn ivr(&mut self, c: usize, budget: usize) -> Vec<Extension> {
        let numbered = (budget / 90).clamp(1, 6);
        let mut names: Vec<(String, Option<String>)> = vec![("s".into(), Some("s".into()))];
        for k in 0..numbered {
            let n = format!("{}", 100 + k);
            names.push((n.clone(), Some(n)));
        }
        let x = self.rng.range(10, 99);
        names.push(("_2XX".into(), Some(format!("2{x}"))));
        let did = self.rng.range(5_000_000, 9_999_999);
        names.push(("_X.".into(), Some(format!("{did}"))));
        let mins = vec![3; names.len()];
        let sizes = self.split(budget, &mins);
        names
            .into_iter()
            .zip(sizes)
            .map(|((name, dial), len)| {
                let body = self.body(c, len, Terminal::Free);
                extension(&name, dial.as_deref(), body)
            })
            .collect()
    }

    fn menu(&mut self, c: usize, budget: usize) -> Vec<Extension> {
        let keys = self.rng.range(2, 5);
        // s, t, i, then the keys.
        let mut mins = vec![4, 3, 2];
        mins.extend(std::iter::repeat_n(2, keys));
        let sizes = self.split(budget, &mins);
        let name = self.contexts[c].name.clone();
        let s = {
            let mut tail = Body::new();
            tail.push(Line::labelled(
                "menu".into(),
                format!("Background(custom/{name}-options)"),
            ));
            tail.push(Line::text("WaitExten(5)"));
            let mut b = Body::new();
            b.push(Line::text("Answer()"));
            b.push(Line::text("Set(TRIES=0)"));
            let head = sizes[0] - 4;
            self.extend_body(c, &mut b, head, Terminal::None);
            b.lines.extend(tail.lines);
            b.lines
        };
        let t = vec![
            Line::text("Set(TRIES=$[${TRIES} + 1])"),
            Line::text("GotoIf($[${TRIES} < 3]?s,menu)")
                .with_comment("; reprompt up to three times"),
            Line::text("Hangup()"),
        ];
        let t = self.pad_back(c, t, sizes[1]);
        let i = vec![Line::text("Playback(invalid)"), Line::text("Goto(s,menu)")];
        let i = self.pad_back(c, i, sizes[2]);
        let mut out = vec![
            extension("s", Some("s"), s),
            extension("t", None, t),
            extension("i", None, i),
        ];
        for k in 0..keys {
            let body = self.body(c, sizes[3 + k], Terminal::Free);
            let key = format!("{}", k + 1);
            out.push(extension(&key, Some(&key), body));
        }
        out
    }

    /// `lines` preceded by filler so that the extension has `len` lines.
    fn pad_back(&mut self, c: usize, lines: Vec<Line>, len: usize) -> Vec<Line> {
        let mut b = Body::new();
        let head = len - lines.len();
        self.extend_body(c, &mut b, head, Terminal::None);
        b.lines.extend(lines);
        b.lines
    }

    fn consent(&mut self, c: usize, budget: usize) -> Vec<Extension> {
        // s, 1 (yes: record), 2 (no), t, i.
        let sizes = self.split(budget, &[5, 3, 2, 1, 2]);
        let s = {
            let mut b = Body::new();
            b.push(Line::text("Answer()"));
            b.push(Line::text(format!(
                "Playback({})",
                self.rng.pick(WELCOME_PROMPTS)
            )));
            let head = sizes[0] - 5;
            self.extend_body(c, &mut b, head, Terminal::None);
            b.push(Line::text("Set(TIMEOUT(response)=5)"));
            b.push(Line::labelled(
                "ask".into(),
                "Background(custom/press-1-to-allow-recording-2-to-decline)",
            ));
            b.push(Line::text("WaitExten(5)"));
            b.lines
        };
        let yes = {
            let mut b = Body::new();
            b.push(
                Line::text(self.rng.pick(MIXMONITOR))
                    .with_comment("; reclint: purpose=documentation"),
            );
            b.push(Line::text("Set(RECORDING=1)"));
            let rest = sizes[1] - 2;
            self.extend_body(c, &mut b, rest, Terminal::Free);
            b.lines
        };
        let no = {
            let mut b = Body::new();
            b.push(Line::text("Set(RECORDING=0)"));
            let rest = sizes[2] - 1;
            self.extend_body(c, &mut b, rest, Terminal::Free);
            b.lines
        };
        let t = self.pad_back(c, vec![Line::text("Goto(2,1)")], sizes[3]);
        let i = self.pad_back(
            c,
            vec![Line::text("Playback(invalid)"), Line::text("Goto(s,ask)")],
            sizes[4],
        );
        vec![
            extension("s", Some("s"), s),
            extension("1", Some("1"), yes),
            extension("2", Some("2"), no),
            extension("t", None, t),
            extension("i", None, i),
        ]
    }

    /// Contexts other contexts jump to.
    fn targetable(&self) -> Vec<usize> {
        self.contexts
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.kind, Kind::Ivr | Kind::Menu | Kind::Consent))
            .map(|(i, _)| i)
            .collect()
    }

    /// A subroutine `c` may call: any from an ordinary context, one of a
    /// lower level from a subroutine.
    fn some_sub(&mut self, c: usize) -> Option<usize> {
        // A subroutine calls only subroutines of a lower level, so calls
        // nest at most `--sub-depth` deep and never recurse. With
        // `--sub-depth 0` it may call any subroutine defined after it: call
        // chains then grow with the size of the dialplan.
        let is_sub = self.contexts[c].kind == Kind::Sub;
        let level = self.contexts[c].level;
        let unbounded = self.sub_depth == 0;
        let allowed: Vec<usize> = self
            .subs
            .iter()
            .copied()
            .filter(|&s| match (is_sub, unbounded) {
                (false, _) => true,
                (true, true) => s > c,
                (true, false) => self.contexts[s].level < level,
            })
            .collect();
        if allowed.is_empty() {
            return None;
        }
        // Half the calls go to subroutines defined nearby, half anywhere.
        let i = if self.rng.percent(50) {
            let here = allowed.partition_point(|&s| s < c);
            let lo = here.saturating_sub(4);
            let hi = (here + 4).min(allowed.len());
            self.rng.range(lo, hi - 1)
        } else {
            self.rng.below(allowed.len())
        };
        Some(allowed[i])
    }

    fn body(&mut self, c: usize, len: usize, terminal: Terminal) -> Vec<Line> {
        let mut b = Body::new();
        self.extend_body(c, &mut b, len, terminal);
        b.lines
    }

    /// Appends exactly `len` lines: snippets, then (unless `Terminal::None`)
    /// a last line that ends the extension.
    fn extend_body(&mut self, c: usize, b: &mut Body, len: usize, terminal: Terminal) {
        let target = b.lines.len() + len;
        let reserve = usize::from(!matches!(terminal, Terminal::None));
        let in_sub = self.contexts[c].kind == Kind::Sub;
        while b.lines.len() + reserve < target {
            let room = target - reserve - b.lines.len();
            self.snippet(c, b, room, in_sub);
        }
        if b.lines.len() < target {
            let line = match terminal {
                Terminal::None => unreachable!("no reserve without a terminal"),
                Terminal::Return => Line::text("Return()"),
                Terminal::Free => self.terminal(),
            };
            b.push(line);
        }
        debug_assert_eq!(b.lines.len(), target);
    }

    fn remote_goto(&self) -> Line {
        Line::parts(vec![
            Part::Text("Goto(".into()),
            Part::Remote,
            Part::Text(")".into()),
        ])
    }

    /// The last line of an extension outside subroutines.
    fn terminal(&mut self) -> Line {
        match self.rng.below(100) {
            0..=44 => self.remote_goto(),
            45..=59 => Line::parts(vec![
                Part::Text("GotoIf($[\"${VIP}\" = \"1\"]?".into()),
                Part::Remote,
                Part::Text(":".into()),
                Part::Remote,
                Part::Text(")".into()),
            ]),
            60..=79 => Line::text("Hangup()"),
            80..=89 => Line::text("Voicemail(${EXTEN}@default,u)"),
            _ => {
                let q = QUEUES[self.rng.below(QUEUES.len())].0;
                Line::text(format!("Queue({q})"))
            }
        }
    }

    /// Appends one snippet of at most `room` lines.
    fn snippet(&mut self, c: usize, b: &mut Body, room: usize, in_sub: bool) {
        loop {
            let choice = self.rng.below(100);
            let done = match choice {
                // Plain steps.
                0..=12 => {
                    b.push(Line::text(format!(
                        "NoOp({} step {})",
                        self.contexts[c].name,
                        b.lines.len() + 1
                    )));
                    true
                }
                13..=22 => {
                    let line = match self.rng.below(6) {
                        0 => format!("Set(CDR(userfield)={})", self.contexts[c].name),
                        1 => "Set(CHANNEL(language)=da)".to_string(),
                        2 => "Set(TRIES=0)".to_string(),
                        3 => "Set(VIP=${DB(vip/${CALLERID(num)})})".to_string(),
                        4 => "Set(__DEPARTMENT=support)".to_string(),
                        _ => "Set(CALLERID(name)=Customer ${CALLERID(num)})".to_string(),
                    };
                    b.push(Line::text(line));
                    true
                }
                23..=29 => {
                    let prompt = self.rng.pick(OTHER_PROMPTS);
                    let app = match self.rng.below(4) {
                        0 => "Wait(1)".to_string(),
                        1 => "MusicOnHold(default,5)".to_string(),
                        _ => format!("Playback({prompt})"),
                    };
                    b.push(Line::text(app));
                    true
                }
                30..=34 => {
                    b.push(Line::text(format!(
                        "Playback({})",
                        self.rng.pick(WELCOME_PROMPTS)
                    )));
                    true
                }
                // Recording notice.
                35..=41 => {
                    b.push(Line::text(format!(
                        "Playback({})",
                        self.rng.pick(NOTICE_PROMPTS)
                    )));
                    true
                }
                // Consent question, branch on the answer, record on yes.
                42..=48 if room >= 4 => {
                    let rec = b.label("rec");
                    let norec = b.label("norec");
                    b.push(Line::text(
                        "Read(OPTIN,custom/press-1-to-allow-recording,1)",
                    ));
                    b.push(Line::text(format!(
                        "GotoIf($[\"${{OPTIN}}\" = \"1\"]?{rec}:{norec})"
                    )));
                    b.push(Line::labelled(rec, self.rng.pick(MIXMONITOR)));
                    b.push(Line::labelled(norec, "NoOp(OPTIN=${OPTIN})"));
                    true
                }
                // Retry loop with a backward jump.
                49..=52 if room >= 5 => {
                    let retry = b.label("retry");
                    let ok = b.label("ok");
                    b.push(Line::labelled(retry.clone(), "Set(TRIES=$[${TRIES} + 1])"));
                    b.push(Line::text(
                        "Read(ACCOUNT,custom/enter-account-number,6,,1,5)",
                    ));
                    b.push(Line::text(format!(
                        "GotoIf($[\"${{ACCOUNT}}\" != \"\"]?{ok})"
                    )));
                    b.push(Line::text(format!("GotoIf($[${{TRIES}} < 3]?{retry})")));
                    b.push(Line::labelled(ok, "SayDigits(${ACCOUNT})"));
                    true
                }
                // Forward skip on another variable.
                53..=56 if room >= 3 => {
                    let en = b.label("en");
                    b.push(Line::text(format!(
                        "GotoIf($[\"${{CHANNEL(language)}}\" = \"en\"]?{en})"
                    )));
                    b.push(Line::text("Set(CHANNEL(language)=da)"));
                    b.push(Line::labelled(en, "NoOp(language ${CHANNEL(language)})"));
                    true
                }
                // Subroutine call.
                57..=60 => match self.some_sub(c) {
                    Some(sub) => {
                        let name = &self.contexts[sub].name;
                        let line = if self.rng.percent(50) {
                            format!("Gosub({name},s,1(${{OPTIN}}))")
                        } else {
                            format!("Gosub({name},s,1)")
                        };
                        b.push(Line::text(line));
                        true
                    }
                    None => false,
                },
                // Jumps to other contexts (not from subroutines).
                61..=65 if !in_sub => {
                    b.push(Line::parts(vec![
                        Part::Text("GotoIf($[\"${VIP}\" = \"1\"]?".into()),
                        Part::Remote,
                        Part::Text(")".into()),
                    ]));
                    true
                }
                66..=67 if !in_sub => {
                    b.push(Line::parts(vec![
                        Part::Text("GotoIfTime(18:00-08:00,mon-fri,*,*?".into()),
                        Part::Remote,
                        Part::Text(")".into()),
                    ]));
                    true
                }
                // Subroutines test a consent answer passed as ARG1.
                61..=67 if in_sub && room >= 3 => {
                    let rec = b.label("rec");
                    let done = b.label("skip");
                    b.push(Line::text(format!(
                        "GotoIf($[\"${{ARG1}}\" = \"1\"]?{rec}:{done})"
                    )));
                    b.push(Line::labelled(rec, self.rng.pick(MIXMONITOR)));
                    b.push(Line::labelled(done, "NoOp(ARG1=${ARG1})"));
                    true
                }
                // Recording without a question.
                68..=71 => {
                    b.push(Line::text(self.rng.pick(MIXMONITOR)));
                    true
                }
                72..=73 => {
                    b.push(Line::text("StopMixMonitor()"));
                    true
                }
                // Connections.
                74..=84 => {
                    let line = match self.rng.below(4) {
                        0 => "Dial(PJSIP/agent,30)".to_string(),
                        1 => "Dial(PJSIP/agent${EXTEN},30)".to_string(),
                        2 => match self.some_sub(c) {
                            Some(sub) => {
                                format!("Dial(PJSIP/agent,30,U({}))", self.contexts[sub].name)
                            }
                            None => "Dial(PJSIP/agent,30)".to_string(),
                        },
                        _ => format!("Queue({})", QUEUES[self.rng.below(QUEUES.len())].0),
                    };
                    b.push(Line::text(line));
                    true
                }
                // A labelled step others in this extension may jump to.
                85..=94 => {
                    let label = b.label("step");
                    b.push(Line::labelled(label, "NoOp(checkpoint)"));
                    true
                }
                // Forward jump over a step.
                _ if room >= 3 => {
                    let skip = b.label("skip");
                    b.push(Line::text(format!("Goto({skip})")));
                    b.push(Line::text("Playback(custom/opening-hours)"));
                    b.push(Line::labelled(skip, "NoOp(after skip)"));
                    true
                }
                _ => false,
            };
            if done {
                return;
            }
        }
    }

    /// Fills every `Part::Remote` with a label in another IVR, menu or
    /// consent context: half nearby (backward and forward), half anywhere.
    fn resolve_remote_jumps(&mut self) {
        let targets = self.targetable();
        // Landing sites per targetable context: "extension,label" or
        // "extension,1".
        let sites: Vec<Vec<String>> = targets
            .iter()
            .map(|&t| {
                let mut out = Vec::new();
                for ext in &self.contexts[t].extensions {
                    let Some(dial) = &ext.dial else { continue };
                    out.push(format!("{dial},1"));
                    for line in &ext.lines {
                        if let Some(label) = &line.label {
                            out.push(format!("{dial},{label}"));
                        }
                    }
                }
                out
            })
            .collect();
        let names: Vec<String> = targets
            .iter()
            .map(|&t| self.contexts[t].name.clone())
            .collect();
        let mut rng = Rng::new(self.rng.next());
        for c in 0..self.contexts.len() {
            // Position of this context among the targets, for nearby jumps.
            let here = targets.partition_point(|&t| t < c);
            for e in 0..self.contexts[c].extensions.len() {
                for l in 0..self.contexts[c].extensions[e].lines.len() {
                    let parts = &mut self.contexts[c].extensions[e].lines[l].app;
                    for part in parts.iter_mut() {
                        if !matches!(part, Part::Remote) {
                            continue;
                        }
                        let t = if rng.percent(50) {
                            let offset = rng.range(0, 16) as isize - 8;
                            (here as isize + offset).clamp(0, targets.len() as isize - 1) as usize
                        } else {
                            rng.below(targets.len())
                        };
                        let site = &sites[t][rng.below(sites[t].len())];
                        *part = Part::Text(format!("{},{site}", names[t]));
                    }
                }
            }
        }
    }

    /// The files of the tree, and counts for the summary line.
    fn render(&self, files: usize) -> (Vec<(String, String)>, Stats) {
        let mut stats = Stats {
            priorities: 0,
            extensions: 0,
            jumps: 0,
            recordings: 0,
        };
        let files = files.min(self.contexts.len()).max(1);
        let mut texts: Vec<String> = vec![String::new(); files];
        for (i, ctx) in self.contexts.iter().enumerate() {
            let f = i * files / self.contexts.len();
            let out = &mut texts[f];
            let what = match ctx.kind {
                Kind::Entry => "inbound trunk",
                Kind::Ivr => "IVR",
                Kind::Menu => "DTMF menu",
                Kind::Consent => "recording consent menu",
                Kind::Sub => "subroutine",
            };
            let _ = writeln!(out, "\n; ---- {what} ----\n[{}]", ctx.name);
            for include in &ctx.includes {
                let _ = writeln!(out, "include => {include}");
            }
            for ext in &ctx.extensions {
                stats.extensions += 1;
                for (n, line) in ext.lines.iter().enumerate() {
                    stats.priorities += 1;
                    stats.jumps += usize::from(line.is_jump());
                    let app: String = line
                        .app
                        .iter()
                        .map(|p| match p {
                            Part::Text(t) => t.as_str(),
                            Part::Remote => unreachable!("remote jumps are resolved"),
                        })
                        .collect();
                    if app.starts_with("MixMonitor") {
                        stats.recordings += 1;
                    }
                    let priority = match (n, &line.label) {
                        (0, None) => "1".to_string(),
                        (0, Some(l)) => format!("1({l})"),
                        (_, None) => "n".to_string(),
                        (_, Some(l)) => format!("n({l})"),
                    };
                    if n == 0 {
                        let _ = write!(out, "exten => {},{priority},{app}", ext.name);
                    } else {
                        let _ = write!(out, " same => {priority},{app}");
                    }
                    if let Some(comment) = line.comment {
                        let _ = write!(out, " {comment}");
                    }
                    out.push('\n');
                }
            }
        }
        let mut main = String::from(
            "; Synthetic dialplan generated by bench/gen_dialplan.rs for benchmarking reclint.\n\
             [general]\nstatic=yes\nwriteprotect=no\nclearglobalvars=no\n\n\
             [globals]\nTRUNK=PJSIP/trunk\nRECORDING_DIR=/var/spool/asterisk/monitor\n\n",
        );
        for k in 1..files {
            let _ = writeln!(main, "#include \"extensions_part_{k}.conf\"");
        }
        main.push_str(&texts[0]);
        let mut out = vec![("extensions.conf".to_string(), main)];
        for (k, text) in texts.into_iter().enumerate().skip(1) {
            out.push((
                format!("extensions_part_{k}.conf"),
                format!("; part {k} of the synthetic dialplan\n{text}"),
            ));
        }
        let queues = queues_conf("persistentmembers=yes\n", QUEUES);
        out.push(("queues.conf".to_string(), queues));
        (out, stats)
    }
}

enum Terminal {
    /// The caller adds the end of the extension itself.
    None,
    Return,
    /// A jump elsewhere, a hangup, voicemail or a queue.
    Free,
}

fn extension(name: &str, dial: Option<&str>, lines: Vec<Line>) -> Extension {
    Extension {
        name: name.to_string(),
        dial: dial.map(str::to_string),
        lines,
    }
}
