//! Writes a large, synthetic but realistic FreeSWITCH XML dialplan for
//! benchmarking `reclint check`.
//!
//! ```text
//! cargo run --release --example gen-freeswitch -- OUT_DIR [--extensions N] [--seed S]
//!     [--files F] [--destinations D]
//! ```
//!
//! The tree is laid out like FreeSWITCH's vanilla configuration:
//!
//! - `dialplan/public.xml`: context `public`, one extension per DID
//!   (about 5% of the extensions) that answers, plays a welcome (sometimes a
//!   recording notice or a consent question) and transfers the call into
//!   `default`;
//! - `dialplan/default.xml`: context `default` with a few extensions of its
//!   own and `<X-PRE-PROCESS cmd="include" data="default/*.xml"/>`;
//! - `dialplan/default/NN_part.xml`: `--files` files (default 50), each an
//!   `<include>` of extensions.
//!
//! `--extensions` (default 20000) counts every `<extension>` in the tree.
//! The `default` extensions match a literal number each
//! (`destination_number` `^(NNNNN)$`) and mix: user extensions (`bridge`,
//! some recorded with `record_session`, `RECORD_BRIDGE_REQ` or `export
//! execute_on_answer=record_session ...`), IVRs (`play_and_get_digits`, then
//! `transfer` to a literal or to the digits dialled), consent questions
//! (`play_and_get_digits ... consent \d`, then `transfer` to a consent check
//! that tests `${consent}` in the next hunt, some with nested conditions and
//! anti-actions), announcement helpers run by `execute_extension`, queue
//! groups, call forwarding, time-of-day routing, caller-id blocking and
//! `continue="true"` extensions on number ranges that set variables.
//!
//! reclint lowers one hunt of a context per distinct literal `transfer` or
//! `execute_extension` destination, so every `transfer` and
//! `execute_extension` goes to one of a bounded set of `--destinations`
//! numbers (default 200), as in a real dialplan where calls are routed to a
//! few hundred service numbers. Every destination, context and include
//! exists, and the XML is well-formed (no REC900/REC901).
//!
//! The output depends only on the arguments: a 64-bit xorshift generator seeded
//! from `--seed` makes every choice. Standard library only.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const WELCOME_PROMPTS: &[&str] = &[
    "ivr/ivr-welcome.wav",
    "custom/welcome.wav",
    "$${sounds_dir}/custom/thank-you-for-calling.wav",
    "custom/welcome-after-hours.wav",
];

const NOTICE_PROMPTS: &[&str] = &[
    "custom/this-call-is-recorded.wav",
    "custom/this-call-may-be-recorded.wav",
    "custom/calls-may-be-recorded-for-training.wav",
    "custom/recorded-for-quality-and-training.wav",
];

const OTHER_PROMPTS: &[&str] = &[
    "ivr/ivr-please_hold.wav",
    "ivr/ivr-hold_connect_call.wav",
    "custom/opening-hours.wav",
    "ivr/ivr-not_available.wav",
    "custom/all-agents-busy.wav",
];

const RECORD_PATH: &str = "$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav";

const CONSENT_QUESTION: &str =
    "1 1 3 5000 # custom/press-1-to-allow-recording.wav silence_stream://250 consent \\d";

const GROUPS: &[&str] = &["support", "sales", "billing", "tech", "retention"];

use reclint::report::checkstyle::xml_attribute;

#[path = "common.rs"]
mod common;
use common::{Rng, number};

/// What a `default` extension does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    User,
    Ivr,
    /// Asks for consent, then transfers to a consent check.
    ConsentAsk,
    /// Tests `${consent}` in a new hunt and records on a 1.
    ConsentCheck,
    /// A recording notice run by `execute_extension`.
    Announce,
    Queue,
    /// `continue="true"` on a number range: sets variables.
    Range,
    Forward,
    TimeOfDay,
    Blocklist,
}

/// A `<condition>`, `<action>` or `<anti-action>`.
enum Node {
    Action {
        application: &'static str,
        data: Option<String>,
        anti: bool,
        inline: bool,
    },
    Condition {
        /// `field`/`expression` and other attributes, in order.
        attributes: Vec<(&'static str, String)>,
        children: Vec<Node>,
    },
}

fn act(application: &'static str, data: impl Into<String>) -> Node {
    Node::Action {
        application,
        data: Some(data.into()),
        anti: false,
        inline: false,
    }
}

fn bare(application: &'static str) -> Node {
    Node::Action {
        application,
        data: None,
        anti: false,
        inline: false,
    }
}

fn anti(application: &'static str, data: impl Into<String>) -> Node {
    Node::Action {
        application,
        data: Some(data.into()),
        anti: true,
        inline: false,
    }
}

fn cond(field: &str, expression: &str, children: Vec<Node>) -> Node {
    Node::Condition {
        attributes: vec![
            ("field", field.to_string()),
            ("expression", expression.to_string()),
        ],
        children,
    }
}

fn destination(number: u32, children: Vec<Node>) -> Node {
    cond("destination_number", &format!("^({number})$"), children)
}

struct Extension {
    name: String,
    continues: bool,
    conditions: Vec<Node>,
}

fn render_node(node: &Node, indent: usize, out: &mut String, stats: &mut Stats) {
    let pad = " ".repeat(indent);
    match node {
        Node::Action {
            application,
            data,
            anti,
            inline,
        } => {
            stats.actions += 1;
            if *application == "record_session"
                || data
                    .as_deref()
                    .is_some_and(|d| d.contains("=record_session"))
            {
                stats.recordings += 1;
            }
            if matches!(*application, "transfer" | "execute_extension") {
                stats.jumps += 1;
            }
            let tag = if *anti { "anti-action" } else { "action" };
            let _ = write!(out, "{pad}<{tag} application=\"{application}\"");
            if let Some(data) = data {
                let _ = write!(out, " data=\"{}\"", xml_attribute(data));
            }
            if *inline {
                out.push_str(" inline=\"true\"");
            }
            out.push_str("/>\n");
        }
        Node::Condition {
            attributes,
            children,
        } => {
            stats.conditions += 1;
            let _ = write!(out, "{pad}<condition");
            for (name, value) in attributes {
                let _ = write!(out, " {name}=\"{}\"", xml_attribute(value));
            }
            if children.is_empty() {
                out.push_str("/>\n");
                return;
            }
            out.push_str(">\n");
            for child in children {
                render_node(child, indent + 2, out, stats);
            }
            let _ = writeln!(out, "{pad}</condition>");
        }
    }
}

fn render_extension(ext: &Extension, indent: usize, out: &mut String, stats: &mut Stats) {
    stats.extensions += 1;
    let pad = " ".repeat(indent);
    let _ = write!(out, "{pad}<extension name=\"{}\"", xml_attribute(&ext.name));
    if ext.continues {
        out.push_str(" continue=\"true\"");
    }
    out.push_str(">\n");
    for condition in &ext.conditions {
        render_node(condition, indent + 2, out, stats);
    }
    let _ = writeln!(out, "{pad}</extension>");
}

#[derive(Default)]
struct Stats {
    extensions: usize,
    conditions: usize,
    actions: usize,
    recordings: usize,
    jumps: usize,
}

struct Options {
    out: PathBuf,
    extensions: usize,
    seed: u64,
    files: usize,
    destinations: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut out = None;
    let mut extensions = 20_000;
    let mut seed = 1;
    let mut files = 50;
    let mut destinations = 200;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--extensions" | "-n" => extensions = number(&arg, args.next())? as usize,
            "--seed" | "-s" => seed = number(&arg, args.next())?,
            "--files" => files = number(&arg, args.next())? as usize,
            "--destinations" => destinations = number(&arg, args.next())? as usize,
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other => {
                if out.replace(PathBuf::from(other)).is_some() {
                    return Err("more than one output directory given".into());
                }
            }
        }
    }
    if extensions < 200 {
        return Err("--extensions must be at least 200".into());
    }
    if destinations < 10 {
        return Err("--destinations must be at least 10".into());
    }
    Ok(Options {
        out: out.ok_or("no output directory given")?,
        extensions,
        seed,
        files: files.clamp(1, 100),
        destinations,
    })
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("gen-freeswitch: {message}");
            }
            eprintln!(
                "usage: gen-freeswitch OUT_DIR [--extensions N (20000)] [--seed S (1)] [--files F (50)] [--destinations D (200)]"
            );
            return if message.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let mut generator = Generator::new(&options);
    let (files, stats) = generator.render(&options);
    assert_eq!(
        stats.extensions, options.extensions,
        "generated extensions must match the target"
    );
    if let Err(e) = write_tree(&options.out, &files) {
        eprintln!(
            "gen-freeswitch: cannot write {}: {e}",
            options.out.display()
        );
        return ExitCode::from(1);
    }
    eprintln!(
        "gen-freeswitch: {} extensions ({} in public), {} conditions, {} actions, {} transfers/execute_extension to {} destinations, {} recordings, {} files in {}",
        stats.extensions,
        generator.public.len(),
        stats.conditions,
        stats.actions,
        stats.jumps,
        generator.used_destinations(),
        stats.recordings,
        files.len(),
        options.out.display()
    );
    ExitCode::SUCCESS
}

fn write_tree(out: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (name, text) in files {
        let path = out.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, text)?;
    }
    Ok(())
}

struct Generator {
    rng: Rng,
    /// Kind and number of each extension in `default/*.xml`.
    plan: Vec<(Kind, u32)>,
    public: Vec<u32>,
    /// The bounded destination sets: consent questions, consent checks,
    /// announcements, everything else.
    asks: Vec<u32>,
    checks: Vec<u32>,
    announces: Vec<u32>,
    general: Vec<u32>,
    /// Which destinations some transfer uses.
    used: std::collections::BTreeSet<u32>,
}

impl Generator {
    fn new(options: &Options) -> Generator {
        let mut rng = Rng::new(options.seed);
        // Fixed extensions: public `unloop` and `outside_call`, default
        // `unloop` and `global`, and the catch-all after the include.
        let fixed = 5;
        let public = (options.extensions / 20).max(10);
        let parts = options.extensions - fixed - public;
        let mut plan = Vec::with_capacity(parts);
        let mut number: u32 = 10_000;
        for i in 0..parts {
            // The first few cover every kind that is a transfer target.
            let kind = match i {
                0 => Kind::ConsentCheck,
                1 => Kind::Announce,
                2 => Kind::ConsentAsk,
                3 => Kind::User,
                4 => Kind::Ivr,
                _ => match rng.below(100) {
                    0..=32 => Kind::User,
                    33..=44 => Kind::Ivr,
                    45..=52 => Kind::ConsentAsk,
                    53..=59 => Kind::ConsentCheck,
                    60..=64 => Kind::Announce,
                    65..=74 => Kind::Queue,
                    75..=82 => Kind::Range,
                    83..=90 => Kind::Forward,
                    91..=96 => Kind::TimeOfDay,
                    _ => Kind::Blocklist,
                },
            };
            number += rng.range(1, 3) as u32;
            plan.push((kind, number));
        }
        let numbers = |kinds: &[Kind]| -> Vec<u32> {
            plan.iter()
                .filter(|(k, _)| kinds.contains(k))
                .map(|&(_, n)| n)
                .collect()
        };
        let d = options.destinations;
        let asks = numbers(&[Kind::ConsentAsk]);
        let checks = numbers(&[Kind::ConsentCheck]);
        let announces = numbers(&[Kind::Announce]);
        let general = numbers(&[
            Kind::User,
            Kind::Ivr,
            Kind::Queue,
            Kind::Forward,
            Kind::TimeOfDay,
        ]);
        let asks = rng.sample(&asks, d * 15 / 100);
        let checks = rng.sample(&checks, d * 20 / 100);
        let announces = rng.sample(&announces, d * 10 / 100);
        let general = rng.sample(&general, d - asks.len() - checks.len() - announces.len());
        let public = (0..public as u32)
            .map(|k| 70_200_000 + k * 7 + rng.below(7) as u32)
            .collect();
        Generator {
            rng,
            plan,
            public,
            asks,
            checks,
            announces,
            general,
            used: Default::default(),
        }
    }

    fn used_destinations(&self) -> usize {
        self.used.len()
    }

    fn pick(&mut self, pool: fn(&Generator) -> &Vec<u32>) -> u32 {
        let len = pool(self).len();
        let i = self.rng.below(len);
        let n = pool(self)[i];
        self.used.insert(n);
        n
    }

    /// A destination for an ordinary transfer: a service or a consent question.
    fn service(&mut self) -> u32 {
        if self.rng.percent(20) {
            self.pick(|g| &g.asks)
        } else {
            self.pick(|g| &g.general)
        }
    }

    fn transfer(&mut self) -> Node {
        let to = self.service();
        act("transfer", format!("{to} XML default"))
    }

    fn bridge_user(&mut self, n: u32) -> Node {
        if self.rng.percent(5) {
            act(
                "bridge",
                format!(
                    "{{execute_on_answer=record_session {RECORD_PATH}}}user/{n}@${{domain_name}}"
                ),
            )
        } else {
            act("bridge", format!("user/{n}@${{domain_name}}"))
        }
    }

    /// Starts recording in one of the usual ways, or not at all.
    fn maybe_record(&mut self, out: &mut Vec<Node>) {
        match self.rng.below(100) {
            0..=9 => out.push(act(
                "export",
                format!("execute_on_answer=record_session {RECORD_PATH}"),
            )),
            10..=19 => {
                out.push(act("set", "RECORD_BRIDGE_REQ=true"));
                out.push(act("record_session", RECORD_PATH));
            }
            20..=23 => out.push(act("record_session", RECORD_PATH)),
            _ => {}
        }
    }

    fn extension(&mut self, kind: Kind, n: u32) -> Extension {
        let (name, continues, conditions) = match kind {
            Kind::User => {
                let mut then = vec![
                    act("set", "call_timeout=30"),
                    act("set", "hangup_after_bridge=true"),
                ];
                if self.rng.percent(30) {
                    then.push(act("set", format!("effective_caller_id_name=Ext {n}")));
                }
                self.maybe_record(&mut then);
                then.push(self.bridge_user(n));
                if self.rng.percent(60) {
                    then.push(bare("answer"));
                    then.push(act("sleep", "1000"));
                    then.push(act("voicemail", format!("default ${{domain_name}} {n}")));
                } else {
                    then.push(act("hangup", "NO_ANSWER"));
                }
                (format!("user-{n}"), false, vec![destination(n, then)])
            }
            Kind::Ivr => {
                let mut then = vec![
                    bare("answer"),
                    act("sleep", "1000"),
                    act("playback", self.rng.pick(WELCOME_PROMPTS)),
                ];
                if self.rng.percent(30) {
                    then.push(act("playback", self.rng.pick(NOTICE_PROMPTS)));
                }
                then.push(act(
                    "play_and_get_digits",
                    "1 1 3 5000 # ivr/ivr-enter_ext.wav ivr/ivr-that_was_an_invalid_entry.wav menu_choice \\d",
                ));
                if self.rng.percent(25) {
                    // The caller dials an extension directly.
                    then.push(act("transfer", "${menu_choice} XML default"));
                } else {
                    then.push(self.transfer());
                }
                let conditions = if self.rng.percent(30) {
                    // Closed outside office hours.
                    then.push(anti("playback", "custom/opening-hours.wav"));
                    then.push(anti("hangup", "NORMAL_CLEARING"));
                    vec![
                        destination(n, Vec::new()),
                        Node::Condition {
                            attributes: vec![
                                ("wday", "2-6".to_string()),
                                ("hour", "8-17".to_string()),
                            ],
                            children: then,
                        },
                    ]
                } else {
                    vec![destination(n, then)]
                };
                (format!("ivr-{n}"), false, conditions)
            }
            Kind::ConsentAsk => {
                let mut then = vec![bare("answer")];
                if self.rng.percent(60) {
                    then.push(act("playback", self.rng.pick(NOTICE_PROMPTS)));
                }
                then.push(act("play_and_get_digits", CONSENT_QUESTION));
                let check = self.pick(|g| &g.checks);
                then.push(act("transfer", format!("{check} XML default")));
                (
                    format!("consent-ask-{n}"),
                    false,
                    vec![destination(n, then)],
                )
            }
            Kind::ConsentCheck => {
                let agent = self.rng.range(1000, 1999);
                let mut yes = Vec::new();
                if self.rng.percent(30) {
                    yes.push(act("set", "RECORD_BRIDGE_REQ=true"));
                }
                yes.push(act("record_session", RECORD_PATH));
                yes.push(act("bridge", format!("user/{agent}@${{domain_name}}")));
                let mut no = Vec::new();
                if self.rng.percent(40) {
                    no.push(anti("playback", "custom/this-call-is-not-recorded.wav"));
                }
                no.push(anti("bridge", format!("user/{agent}@${{domain_name}}")));
                let mut consent = yes;
                consent.extend(no);
                let conditions = if self.rng.percent(30) {
                    // The consent test nested in the destination test.
                    vec![destination(
                        n,
                        vec![
                            act("set", "consent_checked=true"),
                            cond("${consent}", "^1$", consent),
                        ],
                    )]
                } else {
                    vec![
                        destination(n, Vec::new()),
                        cond("${consent}", "^1$", consent),
                    ]
                };
                (format!("consent-check-{n}"), false, conditions)
            }
            Kind::Announce => {
                let then = vec![
                    act("playback", self.rng.pick(NOTICE_PROMPTS)),
                    act("set", "notice_played=true"),
                ];
                (format!("announce-{n}"), false, vec![destination(n, then)])
            }
            Kind::Queue => {
                let group = self.rng.pick(GROUPS);
                let notice = self.pick(|g| &g.announces);
                let mut then = vec![
                    bare("answer"),
                    act("playback", self.rng.pick(OTHER_PROMPTS)),
                    act("execute_extension", format!("{notice} XML default")),
                    act("set", "continue_on_fail=true"),
                ];
                self.maybe_record(&mut then);
                then.push(act("bridge", format!("group/{group}@${{domain_name}}")));
                then.push(act("playback", "ivr/ivr-not_available.wav"));
                then.push(act("hangup", "NORMAL_CLEARING"));
                (
                    format!("queue-{group}-{n}"),
                    false,
                    vec![destination(n, then)],
                )
            }
            Kind::Range => {
                let first = n / 1000;
                let then = vec![
                    act("set", format!("department=range-{first}")),
                    act("set", "outbound_caller_id_number=$${outbound_caller_id}"),
                    act("set", "ringback=${us-ring}"),
                ];
                (
                    format!("range-{first}xxx-{n}"),
                    true,
                    vec![cond(
                        "destination_number",
                        &format!("^({first}\\d{{3}})$"),
                        then,
                    )],
                )
            }
            Kind::Forward => {
                let to = self.service();
                let then = vec![
                    act("set", "call_timeout=20"),
                    cond(
                        "${forward_all}",
                        "^true$",
                        vec![
                            act("transfer", format!("{to} XML default")),
                            anti("bridge", format!("user/{n}@${{domain_name}}")),
                        ],
                    ),
                ];
                (format!("forward-{n}"), false, vec![destination(n, then)])
            }
            Kind::TimeOfDay => {
                let open = self.transfer();
                let tod = Node::Condition {
                    attributes: vec![
                        ("wday", "2-6".to_string()),
                        ("time-of-day", "08:00-17:30".to_string()),
                    ],
                    children: vec![
                        act("playback", self.rng.pick(WELCOME_PROMPTS)),
                        open,
                        anti("playback", "custom/opening-hours.wav"),
                        anti("voicemail", format!("default ${{domain_name}} {n}")),
                    ],
                };
                (
                    format!("office-hours-{n}"),
                    false,
                    vec![destination(n, Vec::new()), tod],
                )
            }
            Kind::Blocklist => {
                let to = self.service();
                let blocked = format!("^(\\+?1900{:04}\\d*)$", self.rng.below(10_000));
                (
                    format!("blocklist-{n}"),
                    false,
                    vec![
                        destination(n, Vec::new()),
                        cond(
                            "caller_id_number",
                            &blocked,
                            vec![
                                act("hangup", "CALL_REJECTED"),
                                anti("transfer", format!("{to} XML default")),
                            ],
                        ),
                    ],
                )
            }
        };
        Extension {
            name,
            continues,
            conditions,
        }
    }

    /// A DID in `public`.
    fn did(&mut self, did: u32) -> Extension {
        let mut then = vec![
            act("set", "domain_name=$${domain}"),
            bare("answer"),
            act("playback", self.rng.pick(WELCOME_PROMPTS)),
        ];
        let to = match self.rng.below(100) {
            0..=14 => {
                then.push(act("playback", self.rng.pick(NOTICE_PROMPTS)));
                self.service()
            }
            15..=29 => {
                then.push(act("play_and_get_digits", CONSENT_QUESTION));
                self.pick(|g| &g.checks)
            }
            _ => self.service(),
        };
        then.push(act("transfer", format!("{to} XML default")));
        Extension {
            name: format!("did-{did}"),
            continues: false,
            conditions: vec![cond(
                "destination_number",
                &format!("^(\\+45)?({did})$"),
                then,
            )],
        }
    }

    fn render(&mut self, options: &Options) -> (Vec<(String, String)>, Stats) {
        let mut stats = Stats::default();
        let header = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
            <!-- Synthetic dialplan generated by bench/gen_freeswitch.rs for benchmarking reclint. -->\n";
        let unloop = Extension {
            name: "unloop".into(),
            continues: false,
            conditions: vec![
                cond("${unroll_loops}", "^true$", Vec::new()),
                cond(
                    "${sip_looped_call}",
                    "^true$",
                    vec![act("deflect", "${destination_number}")],
                ),
            ],
        };

        // public.xml
        let mut public = format!("{header}<include>\n  <context name=\"public\">\n");
        render_extension(&unloop, 4, &mut public, &mut stats);
        let outside = Extension {
            name: "outside_call".into(),
            continues: true,
            conditions: vec![Node::Condition {
                attributes: Vec::new(),
                children: vec![
                    act("set", "outside_call=true"),
                    act("export", "RFC2822_DATE=${strftime(%a, %d %b %Y %T %z)}"),
                ],
            }],
        };
        render_extension(&outside, 4, &mut public, &mut stats);
        for did in self.public.clone() {
            let ext = self.did(did);
            render_extension(&ext, 4, &mut public, &mut stats);
        }
        public.push_str("  </context>\n</include>\n");

        // default.xml
        let mut default = format!("{header}<include>\n  <context name=\"default\">\n");
        render_extension(&unloop, 4, &mut default, &mut stats);
        let global = Extension {
            name: "global".into(),
            continues: true,
            conditions: vec![
                Node::Condition {
                    attributes: vec![
                        ("field", "${call_debug}".into()),
                        ("expression", "^true$".into()),
                        ("break", "never".into()),
                    ],
                    children: vec![bare("info")],
                },
                Node::Condition {
                    attributes: vec![
                        ("field", "${sip_has_crypto}".into()),
                        (
                            "expression",
                            "^(AES_CM_128_HMAC_SHA1_32|AES_CM_128_HMAC_SHA1_80)$".into(),
                        ),
                        ("break", "never".into()),
                    ],
                    children: vec![
                        act("set", "sip_secure_media=true"),
                        act("export", "nolocal:rtp_secure_media=true"),
                    ],
                },
            ],
        };
        render_extension(&global, 4, &mut default, &mut stats);
        default.push_str("\n    <X-PRE-PROCESS cmd=\"include\" data=\"default/*.xml\"/>\n\n");
        let catch_all = Extension {
            name: "catch-all".into(),
            continues: false,
            conditions: vec![cond(
                "destination_number",
                "^(.*)$",
                vec![
                    act("playback", "ivr/ivr-that_was_an_invalid_entry.wav"),
                    act("hangup", "UNALLOCATED_NUMBER"),
                ],
            )],
        };
        render_extension(&catch_all, 4, &mut default, &mut stats);
        default.push_str("  </context>\n</include>\n");

        // default/NN_part.xml
        let plan = std::mem::take(&mut self.plan);
        let files = options.files.min(plan.len());
        let mut parts = Vec::new();
        for f in 0..files {
            let lo = f * plan.len() / files;
            let hi = (f + 1) * plan.len() / files;
            let mut text = format!(
                "{header}<!-- Part {f} of the default context, included by default.xml. -->\n<include>\n"
            );
            for &(kind, n) in &plan[lo..hi] {
                let ext = self.extension(kind, n);
                render_extension(&ext, 2, &mut text, &mut stats);
            }
            text.push_str("</include>\n");
            parts.push((format!("dialplan/default/{f:02}_part.xml"), text));
        }
        self.plan = plan;
        let mut out = vec![
            ("dialplan/public.xml".to_string(), public),
            ("dialplan/default.xml".to_string(), default),
        ];
        out.extend(parts);
        (out, stats)
    }
}
