//! Writes a large, synthetic but realistic Amazon Connect contact flow (flow
//! language, `"Version": "2019-10-30"`) for benchmarking `reclint check`.
//!
//! ```text
//! cargo run --release --example gen-connect -- OUT_DIR [--actions N] [--seed S] [--files F]
//! ```
//!
//! With the default `--files 1` the directory holds one file, `flow-000.json`,
//! with exactly `--actions` actions (default 5000). With `--files F` the
//! actions are split over F flows `flow-000.json` ... that hand the call on
//! with `TransferToFlow`; its `ContactFlowId` is an ARN whose last segment is
//! the target flow's file stem, which is how reclint finds the flow.
//! `flow-000` is the entry flow and is never a transfer target; the entry
//! block of each other flow sends some calls (`Compare` on
//! `$.Attributes.segment`) on to the next flow, so every flow is reached.
//!
//! A flow is a chain of blocks of 3 to 100 actions: the entry block
//! (`StartAction`), IVR blocks, DTMF menus (`GetParticipantInput` with
//! `Equals` conditions to other blocks and retry loops back to the menu
//! prompt), recording consent blocks ("Press 1 to allow recording") and queue
//! blocks. Inside a block: `MessageParticipant` prompts (some say the call is
//! recorded, some mention training), `UpdateContactAttributes` (static values
//! and copies of `$.StoredCustomerInput`), `Compare` on `$.Attributes.x`,
//! `UpdateContactRecordingBehavior` (start, start with the IVR recorded, stop),
//! Lambda look-ups, hours-of-operation checks, account-number retry loops.
//! Blocks end in `TransferContactToQueue`, `DisconnectParticipant`, a jump to
//! another block (half nearby, backward or forward, half anywhere), or a
//! `TransferToFlow`; the entry block always ends in a jump, so the call
//! reaches the rest of the flow. Every `NextAction` names an action of the
//! same flow. Each key-press question (`StoreInput` `False`) is a variable
//! of its own for reclint, as each `GetParticipantInput` keeps its own
//! answer.
//!
//! The output depends only on the arguments: a 64-bit xorshift generator seeded
//! from `--seed` makes every choice. Standard library only.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "common.rs"]
mod common;
use common::{Args, Rng, usage, write_tree};

#[path = "connect_json.rs"]
mod connect_json;
use connect_json::{
    ATTRIBUTES, Action, Actions, J, MENU_OPTIONS, NOTICE_TEXTS, OTHER_TEXTS, Target, WELCOME_TEXTS,
    check_hours, compare, flow_text, input, logging_behavior, obj, s, target_queue,
    transfer_to_flow, uuid, voice,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The flow's `StartAction`; never the target of a jump.
    Entry,
    Ivr,
    /// A DTMF menu: options go to other blocks, errors loop back.
    Menu,
    /// "Press 1 to allow recording, 2 to decline".
    Consent,
    Queue,
}

struct Block {
    kind: Kind,
    budget: usize,
    /// Actions other blocks may jump to.
    landings: Vec<usize>,
}

struct Flow {
    stem: String,
    actions: Vec<Action>,
    blocks: Vec<Block>,
}

struct Options {
    out: PathBuf,
    actions: usize,
    seed: u64,
    files: usize,
}

const SYNOPSIS: &str = "OUT_DIR [--actions N (5000)] [--seed S (1)] [--files F (1)]";

fn parse_args() -> Result<Options, String> {
    let args = Args::parse(&[("--actions", "-n"), ("--seed", "-s"), ("--files", "")])?;
    let actions = args.number("--actions", 5_000)? as usize;
    let files = (args.number("--files", 1)? as usize).max(1);
    let seed = args.number("--seed", 1)?;
    if actions < 100 * files {
        return Err("--actions must be at least 100 per file".into());
    }
    Ok(Options {
        out: args.out,
        actions,
        seed,
        files,
    })
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => return usage("gen-connect", SYNOPSIS, &message),
    };
    let mut generator = Generator {
        rng: Rng::new(options.seed),
        files: options.files,
    };
    let flows = generator.flows(options.actions);
    let (files, stats) = generator.render(&flows);
    assert_eq!(
        stats.actions, options.actions,
        "generated actions must match the target"
    );
    if let Err(e) = write_tree(&options.out, &files) {
        eprintln!("gen-connect: cannot write {}: {e}", options.out.display());
        return ExitCode::from(1);
    }
    eprintln!(
        "gen-connect: {} actions in {} blocks, {} transitions ({} backward), {} recording starts, {} stops, {} consent questions, {} flow transfers, {} files in {}",
        stats.actions,
        stats.blocks,
        stats.transitions,
        stats.backward,
        stats.starts,
        stats.stops,
        stats.questions,
        stats.flow_transfers,
        files.len(),
        options.out.display()
    );
    ExitCode::SUCCESS
}

struct Stats {
    actions: usize,
    blocks: usize,
    transitions: usize,
    backward: usize,
    starts: usize,
    stops: usize,
    questions: usize,
    flow_transfers: usize,
}

struct Generator {
    rng: Rng,
    files: usize,
}

/// The actions of one flow under construction.
struct Builder<'a> {
    rng: &'a mut Rng,
    flow: usize,
    files: usize,
    list: Actions,
    landings: Vec<usize>,
    /// `TransferToFlow` targets (flow indexes) of this flow.
    transfers: Vec<usize>,
}

/// `here`, `after`, `push`, `message`, `recording_start`, ... and the
/// `actions` themselves come from the shared `Actions`.
impl std::ops::Deref for Builder<'_> {
    type Target = Actions;
    fn deref(&self) -> &Actions {
        &self.list
    }
}

impl std::ops::DerefMut for Builder<'_> {
    fn deref_mut(&mut self) -> &mut Actions {
        &mut self.list
    }
}

impl Builder<'_> {
    /// Appends exactly `len` actions; the last one ends the block unless
    /// `open` (then the caller adds what follows).
    fn fill(&mut self, len: usize, open: bool) {
        let target = self.here() + len;
        let reserve = usize::from(!open);
        while self.here() + reserve < target {
            let room = target - reserve - self.here();
            self.snippet(room);
        }
        if self.here() < target {
            self.terminal();
        }
        debug_assert_eq!(self.here(), target);
    }

    /// The last action of a block: a jump elsewhere, a queue, a disconnect
    /// or a transfer to another flow.
    fn terminal(&mut self) {
        if self.files > 1 && self.rng.percent(8) {
            // Any flow but the entry flow and this one.
            let mut to = self.rng.range(1, self.files - 1);
            if to == self.flow {
                to = if to + 1 < self.files { to + 1 } else { 1 };
            }
            if to != self.flow {
                self.transfer_to_flow(to);
                return;
            }
        }
        match self.rng.below(100) {
            0..=39 => self.goto_remote(),
            40..=54 => {
                let (name, values) = ATTRIBUTES[self.rng.below(ATTRIBUTES.len())];
                let value = self.rng.pick(values);
                self.push(
                    compare(name)
                        .when("Equals", value, Target::Remote)
                        .error("NoMatchingCondition", Target::Remote),
                );
            }
            55..=69 => {
                self.push(Action::new("DisconnectParticipant", obj(Vec::new())));
            }
            _ => self.queue_transfer(),
        }
    }

    /// Hands the call to another block.
    fn goto_remote(&mut self) {
        self.push(
            Action::new(
                "MessageParticipant",
                obj(vec![("Text", s("Please wait while we transfer you."))]),
            )
            .next(Target::Remote)
            .error("NoMatchingError", Target::Remote),
        );
    }

    fn queue_transfer(&mut self) {
        self.push(
            Action::new("TransferContactToQueue", obj(Vec::new()))
                .error("QueueAtCapacity", Target::Remote)
                .error("NoMatchingError", Target::Remote),
        );
    }

    fn transfer_to_flow(&mut self, to: usize) {
        self.transfers.push(to);
        self.push(transfer_to_flow(&flow_stem(to)).error("NoMatchingError", Target::Remote));
    }

    /// Appends one snippet of at most `room` actions.
    fn snippet(&mut self, room: usize) {
        loop {
            let done = match self.rng.below(100) {
                // Plain prompts.
                0..=11 => {
                    let text = self.rng.pick(OTHER_TEXTS);
                    self.message(text);
                    true
                }
                // Recording notices, some about training.
                12..=19 => {
                    let text = self.rng.pick(NOTICE_TEXTS);
                    self.message(text);
                    true
                }
                // Static attributes.
                20..=27 => {
                    let (name, values) = ATTRIBUTES[self.rng.below(ATTRIBUTES.len())];
                    let value = self.rng.pick(values);
                    self.set_attribute(name, value);
                    true
                }
                // A test that leaves the block.
                28..=33 => {
                    let (name, values) = ATTRIBUTES[self.rng.below(ATTRIBUTES.len())];
                    let value = self.rng.pick(values);
                    let next = self.after();
                    self.push(
                        compare(name)
                            .when("Equals", value, Target::Remote)
                            .error("NoMatchingCondition", next),
                    );
                    true
                }
                // Forward skip over a prompt.
                34..=39 if room >= 3 => {
                    let skip = Target::At(self.here() + 2);
                    let next = self.after();
                    self.push(
                        compare("language")
                            .when("Equals", "en", skip)
                            .error("NoMatchingCondition", next),
                    );
                    self.step(voice("Naja"));
                    let landing = self.message("Let us continue.");
                    self.landings.push(landing);
                    true
                }
                // Account number with a retry loop back to the prompt.
                40..=45 if room >= 4 => {
                    let prompt = self.account_number();
                    self.landings.push(prompt);
                    true
                }
                // Consent question: 1 records, 2 declines.
                46..=52 if room >= 3 => {
                    let ask = self.here();
                    let rec = Target::At(ask + 1);
                    let after = Target::At(ask + 2);
                    self.push(
                        input(
                            "Press 1 to allow recording of this call, or 2 to decline.",
                            false,
                            "5",
                        )
                        .when("Equals", "1", rec)
                        .when("Equals", "2", after)
                        .error("InputTimeLimitExceeded", Target::At(ask))
                        .error("NoMatchingCondition", Target::At(ask))
                        .error("NoMatchingError", after),
                    );
                    self.recording_start(false);
                    self.message("Thank you.");
                    true
                }
                // Stored consent answer, copied to an attribute and compared.
                53..=58 if room >= 4 => {
                    let ask = self.here();
                    let after = Target::At(ask + 4);
                    self.push(
                        input("Press 1 to allow recording", true, "5")
                            .next(Target::At(ask + 1))
                            .error("InputTimeLimitExceeded", after)
                            .error("NoMatchingError", after),
                    );
                    self.push(
                        Action::new(
                            "UpdateContactAttributes",
                            obj(vec![(
                                "Attributes",
                                obj(vec![("recording_consent", s("$.StoredCustomerInput"))]),
                            )]),
                        )
                        .next(Target::At(ask + 2))
                        .error("NoMatchingError", after),
                    );
                    self.push(
                        compare("recording_consent")
                            .when("Equals", "1", Target::At(ask + 3))
                            .error("NoMatchingCondition", after),
                    );
                    self.recording_start(false);
                    true
                }
                // Recording without a question.
                59..=64 => {
                    let ivr = self.rng.percent(30);
                    self.recording_start(ivr);
                    true
                }
                65..=67 => {
                    self.recording_stop();
                    true
                }
                // Look-ups and settings.
                68..=73 => {
                    let function = match self.rng.below(3) {
                        0 => "crm-lookup",
                        1 => "caller-history",
                        _ => "fraud-score",
                    };
                    self.lambda(function);
                    true
                }
                74..=79 => {
                    let action = match self.rng.below(3) {
                        0 => logging_behavior(),
                        1 => voice("Joanna"),
                        _ => target_queue(&uuid(self.rng)),
                    };
                    self.step(action);
                    true
                }
                // Closed: go elsewhere.
                80..=85 => {
                    let next = self.after();
                    self.push(
                        check_hours("office")
                            .when("Equals", "True", next)
                            .when("Equals", "False", Target::Remote)
                            .error("NoMatchingError", next),
                    );
                    true
                }
                // A prompt others jump to.
                _ => {
                    let text = self.rng.pick(OTHER_TEXTS);
                    let landing = self.message(text);
                    self.landings.push(landing);
                    true
                }
            };
            if done {
                return;
            }
        }
    }

    fn entry(&mut self, budget: usize) {
        let text = self.rng.pick(WELCOME_TEXTS);
        self.message(text);
        self.step(logging_behavior());
        if self.flow + 1 < self.files {
            // Business customers go on to the next flow, so that every flow
            // is reached; the others stay in this one.
            self.fill(budget - 4, true);
            let next = self.after();
            self.push(
                compare("segment")
                    .when("Equals", "business", next)
                    .error("NoMatchingCondition", Target::Remote),
            );
            self.transfer_to_flow(self.flow + 1);
        } else {
            // The entry block always leads on into the flow.
            self.fill(budget - 3, true);
            self.goto_remote();
        }
    }

    fn menu(&mut self, budget: usize) {
        let head = self.rng.range(0, (budget - 8) / 2);
        self.fill(head, true);
        let keys = self.rng.range(2, 5);
        let options: Vec<String> = (0..keys)
            .map(|k| format!("press {} for {}", k + 1, MENU_OPTIONS[k]))
            .collect();
        let intro = self.message("Please listen carefully, as our options have changed.");
        self.landings.push(intro);
        let next = self.after();
        let mut ask = input(&format!("{}.", options.join(", ")), false, "5");
        for k in 0..keys {
            ask = ask.when("Equals", &format!("{}", k + 1), Target::Remote);
        }
        let ask = ask
            .error("InputTimeLimitExceeded", Target::At(intro))
            .error("NoMatchingCondition", Target::At(intro))
            .error("NoMatchingError", next);
        self.push(ask);
        self.fill(budget - head - 2, false);
    }

    fn consent(&mut self, budget: usize) {
        let head = self.rng.range(0, budget - 6);
        self.fill(head, true);
        let text = self.rng.pick(NOTICE_TEXTS);
        let notice = self.message(text);
        self.landings.push(notice);
        let ask = self.here();
        let rec = Target::At(ask + 1);
        let no = Target::At(ask + 2);
        self.push(
            input(
                "Press 1 to allow recording, press 2 to decline.",
                false,
                "5",
            )
            .when("Equals", "1", rec)
            .when("Equals", "2", no)
            .error("InputTimeLimitExceeded", Target::At(ask))
            .error("NoMatchingCondition", Target::At(notice))
            .error("NoMatchingError", no),
        );
        let ivr = self.rng.percent(20);
        let after = Target::At(ask + 3);
        let id = self.recording_start(ivr);
        self.actions[id].next = Some(after);
        if self.rng.percent(50) {
            self.recording_stop();
        } else {
            self.message("This call will not be recorded.");
        }
        // `head <= budget - 6` leaves at least two actions.
        self.fill(budget - head - 5, true);
        self.queue_transfer();
    }

    fn queue(&mut self, budget: usize) {
        let queue = uuid(self.rng);
        let first = self.step(target_queue(&queue));
        self.landings.push(first);
        self.fill(budget - 2, true);
        self.queue_transfer();
    }
}

fn flow_stem(index: usize) -> String {
    format!("flow-{index:03}")
}

impl Generator {
    fn flows(&mut self, total: usize) -> Vec<Flow> {
        (0..self.files)
            .map(|f| {
                let share = total / self.files + usize::from(f < total % self.files);
                self.flow(f, share)
            })
            .collect()
    }

    /// Plans block kinds and budgets, fills them, resolves remote targets.
    fn flow(&mut self, f: usize, total: usize) -> Flow {
        let mut blocks: Vec<Block> = Vec::new();
        let mut remaining = total;
        while remaining > 0 {
            let i = blocks.len();
            let kind = match i {
                0 => Kind::Entry,
                1 => Kind::Ivr,
                2 => Kind::Menu,
                _ => match self.rng.below(100) {
                    0..=24 => Kind::Menu,
                    25..=39 => Kind::Consent,
                    40..=54 => Kind::Queue,
                    _ => Kind::Ivr,
                },
            };
            let (min, lo, hi) = match kind {
                Kind::Entry => (4, 8, 30),
                Kind::Menu => (10, 20, 80),
                Kind::Consent => (8, 10, 30),
                Kind::Queue => (3, 4, 16),
                Kind::Ivr => (3, 20, 100),
            };
            let Some(budget) = self.rng.share(remaining, (min, lo, hi), 20) else {
                // Only at the very end: give the rest to the previous block.
                blocks.last_mut().expect("first block is large").budget += remaining;
                break;
            };
            remaining -= budget;
            blocks.push(Block {
                kind,
                budget,
                landings: Vec::new(),
            });
        }
        let mut b = Builder {
            rng: &mut self.rng,
            flow: f,
            files: self.files,
            list: Actions::default(),
            landings: Vec::new(),
            transfers: Vec::new(),
        };
        for block in blocks.iter_mut() {
            let start = b.here();
            let budget = block.budget;
            match block.kind {
                Kind::Entry => b.entry(budget),
                Kind::Ivr => b.fill(budget, false),
                Kind::Menu => b.menu(budget),
                Kind::Consent => b.consent(budget),
                Kind::Queue => b.queue(budget),
            }
            debug_assert_eq!(b.here() - start, block.budget);
            block.landings.push(start);
            block.landings.append(&mut b.landings);
        }
        let mut actions = std::mem::take(&mut b.list.actions);
        // Remote targets: a landing in another block (never the entry
        // block), half nearby (backward and forward), half anywhere.
        let targets: Vec<usize> = (1..blocks.len()).collect();
        let block_of: Vec<usize> = blocks
            .iter()
            .enumerate()
            .flat_map(|(i, block)| std::iter::repeat_n(i, block.budget))
            .collect();
        let mut rng = Rng::new(self.rng.next());
        for (a, action) in actions.iter_mut().enumerate() {
            let here = block_of[a];
            let mut pick = || {
                let t = if rng.percent(50) {
                    let offset = rng.range(0, 16) as isize - 8;
                    (here as isize + offset).clamp(1, targets.len() as isize) as usize
                } else {
                    targets[rng.below(targets.len())]
                };
                let landings = &blocks[t].landings;
                Target::At(landings[rng.below(landings.len())])
            };
            for target in action.targets_mut() {
                if *target == Target::Remote {
                    *target = pick();
                }
            }
        }
        Flow {
            stem: flow_stem(f),
            actions,
            blocks,
        }
    }

    fn render(&mut self, flows: &[Flow]) -> (Vec<(String, String)>, Stats) {
        let mut stats = Stats {
            actions: 0,
            blocks: 0,
            transitions: 0,
            backward: 0,
            starts: 0,
            stops: 0,
            questions: 0,
            flow_transfers: 0,
        };
        let mut files = Vec::new();
        let mut seen = HashSet::new();
        for flow in flows {
            let ids: Vec<String> = flow
                .actions
                .iter()
                .map(|_| {
                    loop {
                        let id = uuid(&mut self.rng);
                        if seen.insert(id.clone()) {
                            break id;
                        }
                    }
                })
                .collect();
            stats.blocks += flow.blocks.len();
            let mut actions = Vec::new();
            for (i, action) in flow.actions.iter().enumerate() {
                stats.actions += 1;
                for target in action.targets() {
                    let Target::At(t) = target else {
                        unreachable!("remote targets are resolved")
                    };
                    assert!(t < ids.len(), "transition past the last action");
                    stats.transitions += 1;
                    stats.backward += usize::from(t <= i);
                }
                match action.kind {
                    "UpdateContactRecordingBehavior" => {
                        let J::Obj(params) = &action.parameters else {
                            unreachable!()
                        };
                        let J::Obj(behavior) = &params[0].1 else {
                            unreachable!()
                        };
                        match &behavior[0].1 {
                            J::Arr(p) if p.is_empty() => stats.stops += 1,
                            _ => stats.starts += 1,
                        }
                    }
                    "GetParticipantInput" if action.conditions.iter().any(|c| c.1 == "1") => {
                        let J::Obj(params) = &action.parameters else {
                            unreachable!()
                        };
                        if matches!(&params[0].1, J::Str(t) if t.contains("recording")) {
                            stats.questions += 1;
                        }
                    }
                    "TransferToFlow" => stats.flow_transfers += 1,
                    _ => {}
                }
                actions.push(action.to_json(&ids[i], &ids));
            }
            let text = flow_text(&ids[0], obj(Vec::new()), actions);
            files.push((format!("{}.json", flow.stem), text));
        }
        (files, stats)
    }
}
