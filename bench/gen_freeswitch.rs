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

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "common.rs"]
mod common;
use common::{Args, Rng, usage, write_tree};

#[path = "freeswitch_xml.rs"]
mod freeswitch_xml;
use freeswitch_xml::{
    CONSENT_QUESTION, Extension, GROUPS, NOTICE_PROMPTS, Node, OTHER_PROMPTS, RECORD_PATH, Stats,
    WELCOME_PROMPTS, act, anti, bare, catch_all, cond, context_file, destination, global,
    include_file, maybe_record, outside_call, unloop, user_extension,
};

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

struct Options {
    out: PathBuf,
    extensions: usize,
    seed: u64,
    files: usize,
    destinations: usize,
}

const SYNOPSIS: &str =
    "OUT_DIR [--extensions N (20000)] [--seed S (1)] [--files F (50)] [--destinations D (200)]";

fn parse_args() -> Result<Options, String> {
    let args = Args::parse(&[
        ("--extensions", "-n"),
        ("--seed", "-s"),
        ("--files", ""),
        ("--destinations", ""),
    ])?;
    let extensions = args.number("--extensions", 20_000)? as usize;
    let destinations = args.number("--destinations", 200)? as usize;
    let files = (args.number("--files", 50)? as usize).clamp(1, 100);
    let seed = args.number("--seed", 1)?;
    if extensions < 200 {
        return Err("--extensions must be at least 200".into());
    }
    if destinations < 10 {
        return Err("--destinations must be at least 10".into());
    }
    Ok(Options {
        out: args.out,
        extensions,
        seed,
        files,
        destinations,
    })
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => return usage("gen-freeswitch", SYNOPSIS, &message),
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

    fn extension(&mut self, kind: Kind, n: u32) -> Extension {
        let (name, continues, conditions) = match kind {
            Kind::User => return user_extension(&mut self.rng, n, true),
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
                maybe_record(&mut self.rng, &mut then);
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
        let mut head = vec![unloop(), outside_call()];
        for did in self.public.clone() {
            head.push(self.did(did));
        }
        let public = context_file(header, "public", &head, None, &[], &mut stats);
        let default = context_file(
            header,
            "default",
            &[unloop(), global()],
            Some("default/*.xml"),
            &[catch_all()],
            &mut stats,
        );

        // default/NN_part.xml
        let plan = std::mem::take(&mut self.plan);
        let files = options.files.min(plan.len());
        let mut parts = Vec::new();
        for f in 0..files {
            let lo = f * plan.len() / files;
            let hi = (f + 1) * plan.len() / files;
            let extensions: Vec<Extension> = plan[lo..hi]
                .iter()
                .map(|&(kind, n)| self.extension(kind, n))
                .collect();
            let text = include_file(
                header,
                &format!("Part {f} of the default context, included by default.xml."),
                &extensions,
                &mut stats,
            );
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
