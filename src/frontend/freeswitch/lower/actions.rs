//! What each action does: prompts, input, IVR menus, recording
//! (`record_session`, variables and key bindings that record, queue and
//! sofia profile templates), connections, and transfers and calls into
//! another context's hunt.

use crate::hash::HashMap;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::{Lowerer, add_sofia_recording};
use super::hunting::Hunt;
use crate::flow::{
    AnswerMatch, Call, Capture, Edge, Guard, Leg, RecordingStart, StepId, StepKind,
    Variable, Voices, Wait,
};
use crate::frontend::freeswitch::parse::{Action, Item};
use crate::parse::Unresolved;
use crate::source::Span;

/// The steps one action makes, in order. Nearly every action makes one,
/// kept in place: each action of each hunt made a vector of its own.
type ActionSteps = smallvec::SmallVec<[StepKind; 1]>;

impl Lowerer<'_> {
    /// Lowers one action; returns its first step.
    pub(super) fn action(&mut self, hunt: Hunt, action: &Action, next: Option<StepId>) -> StepId {
        if action.application == "ivr"
            && let Some(menu) = self.ivr(hunt, action, next)
        {
            return menu;
        }
        // A probe makes no step: it asks only for the hunt a transfer or
        // `execute_extension` goes on with (see `Pending::Probe`).
        if self.probing {
            if matches!(action.application.as_str(), "transfer" | "execute_extension") {
                self.target_hunt(hunt.context, action);
            }
            return next.unwrap_or(self.ends[hunt.context]);
        }
        let chain = self.action_steps(hunt, action);
        // Named as FreeSWITCH logs what it executes: `set(RECORD_BRIDGE_REQ=true)`.
        // Joined by hand: every action of every hunt is named, and `format!`
        // costs several times as much.
        let mut label: Option<Box<str>> = Some(crate::flow::concat(&[
            &action.application,
            "(",
            action.data_trimmed(),
            ")",
        ]));
        // The action's first step, and the first step of the chain (a sofia
        // profile's recording can come before a connection).
        let mut own = None;
        let mut first = None;
        let mut previous: Option<StepId> = None;
        let ends_flow = chain
            .iter()
            .any(|k| matches!(k, StepKind::Hangup | StepKind::Jump));
        let mut chained = |l: &mut Self, step: StepId| {
            if let Some(p) = previous {
                l.link(p, Some(step));
            }
            first.get_or_insert(step);
            previous = Some(step);
        };
        // A sofia profile's `record-template` can be started on any call
        // that is put through, unless the call refuses it.
        let refused = self.seen(action.span).is_some_and(|seen| seen.sofia_refused);
        let steps = chain.len();
        for (k, kind) in chain.into_iter().enumerate() {
            if matches!(kind, StepKind::Connection { .. }) && !refused {
                for (i, (profile, template)) in self.settings.sofia.iter().enumerate() {
                    let region = self.sofia_regions[i];
                    let step = add_sofia_recording(&mut self.graph, profile, *template, region);
                    chained(self, step);
                }
            }
            let jump_target = match &kind {
                StepKind::Jump => self.target_hunt(hunt.context, action),
                _ => None,
            };
            let step = self.step(kind, action.span, hunt.context);
            // The last step takes the label itself.
            self.graph.steps[step.index()].label = if k + 1 == steps {
                label.take()
            } else {
                label.clone()
            };
            chained(self, step);
            own.get_or_insert(step);
            if let Some(target) = jump_target {
                self.graph.add_edge(step, Edge::plain(target));
            }
        }
        if !ends_flow && let Some(last) = previous {
            self.link(last, next);
        }
        let own = own.unwrap_or_else(|| {
            let step = self.step(StepKind::Other, action.span, hunt.context);
            self.graph.steps[step.index()].label = label.take();
            self.link(step, next);
            step
        });
        self.graph
            .set_statement(own, &action.application, action.data());
        first.unwrap_or(own)
    }

    /// `ivr <menu>`: the menu's input, its entries as the branches of the
    /// digits pressed, and the dialplan going on when the menu gives up.
    /// `None` when the menu is not among the scanned files (said so).
    fn ivr(&mut self, hunt: Hunt, action: &Action, next: Option<StepId>) -> Option<StepId> {
        let name = action.data().split_whitespace().next().unwrap_or("");
        if !self.settings.menus.contains_key(name) {
            if !name.is_empty() && !name.contains('$') {
                self.unresolved.push(Unresolved::new(
                    action.data_span,
                    format!("IVR menu `{name}` is not among the scanned files"),
                    "the call cannot be followed into this menu",
                ));
            }
            return None;
        }
        // Menus are made once per outermost `ivr`: an entry that runs `ivr`
        // again (the same menu, or one that leads back) reuses them.
        let outermost = self.menus_made.is_none();
        if outermost {
            self.menus_made = Some(HashMap::default());
        }
        let first = self.menu(hunt, name, next);
        if outermost {
            self.menus_made = None;
        }
        let first = first?;
        let own = self.step(StepKind::Other, action.span, hunt.context);
        self.link(own, Some(first));
        self.graph
            .set_statement(own, &action.application, action.data());
        self.graph.steps[own.index()].label = Some(format!("ivr({})", action.data_trimmed()).into());
        Some(own)
    }

    /// The steps of menu `name`, made once per outermost `ivr` action: a
    /// submenu's `menu-back` and give-up return to the menu that opened it.
    fn menu(&mut self, hunt: Hunt, name: &str, back: Option<StepId>) -> Option<StepId> {
        if let Some(&input) = self.menus_made.as_ref()?.get(name) {
            return Some(input);
        }
        let settings = self.settings;
        let menu = settings.menus.get(name)?;
        let variable = Variable::Menu {
            region: menu.name.clone(),
            action: None,
        };
        let input = self.step(
            StepKind::Input {
                variable: Box::new(variable.clone()),
                prompts: menu.prompts.clone(),
            },
            menu.span,
            hunt.context,
        );
        self.graph.steps[input.index()].label = Some(format!("IVR menu {name}").into());
        self.menus_made
            .as_mut()?
            .insert(name.to_string(), input);
        let mut listed = Vec::new();
        for entry in &menu.entries {
            let to = match entry.action.as_str() {
                // The application runs, then the menu plays again (unless
                // it transferred or hung up the call).
                "menu-exec-app" => {
                    let param = entry.param.trim();
                    let (application, data) = param.split_once(' ').unwrap_or((param, ""));
                    let action = Action::new(
                        application,
                        data.trim(),
                        entry.span,
                        entry.param_span,
                        false,
                    );
                    Some(self.action(hunt, &action, Some(input)))
                }
                "menu-sub" => self.menu(hunt, entry.param.trim(), Some(input)),
                "menu-top" => Some(input),
                "menu-back" | "menu-exit" => back,
                "menu-play-sound" => {
                    let prompt = StepKind::Prompt {
                        prompts: vec![entry.param.clone()],
                    };
                    let step = self.step(prompt, entry.span, hunt.context);
                    self.link(step, Some(input));
                    Some(step)
                }
                _ => None,
            };
            let Some(to) = to else { continue };
            let digits = entry.digits.trim();
            let answer = match digits.strip_prefix('/').and_then(|d| d.strip_suffix('/')) {
                Some(regex) => AnswerMatch::Regex(regex.to_string()),
                None => {
                    listed.push(digits.to_string());
                    AnswerMatch::Values(vec![digits.to_string()])
                }
            };
            self.graph.add_edge(
                input,
                Edge {
                    to,
                    guards: vec![Guard::Answer {
                        variable: variable.clone(),
                        answer,
                    }],
                },
            );
        }
        // Timeouts and invalid entries, past `max-failures`: `exit-sound`,
        // then back to where the menu was opened.
        if let Some(back) = back {
            self.graph.add_edge(
                input,
                Edge {
                    to: back,
                    guards: vec![Guard::Default {
                        variable,
                        not: listed,
                    }],
                },
            );
        }
        Some(input)
    }

    /// The steps an action makes, in order.
    fn action_steps(&mut self, hunt: Hunt, action: &Action) -> ActionSteps {
        let data = action.data_trimmed();
        let capture_now = self.capture_now(action);
        let mut steps = ActionSteps::new();
        // `${uuid_record <uuid> start <path>}` inside any action's data
        // starts recording when the data is expanded.
        match uuid_record_command(data) {
            Some("start") => steps.push(recording("uuid_record", capture_now, None)),
            // `mask` writes silence until `unmask`, like record_session_mask.
            Some("stop" | "mask") => steps.push(StepKind::RecordingStop),
            _ => {}
        }
        // `uuid_audio_fork <uuid> start <url>` and cloud transcribers, run
        // by `api`, `set api_on_answer=...` or an expansion: the caller's
        // audio leaves the call live. A variable that runs it later is read
        // below with the other variables that record.
        if !matches!(action.application.as_str(), "set" | "export")
            && let Some(command) = audio_fork_command(data)
        {
            steps.extend(audio_fork(command, capture_now));
        }
        match action.application.as_str() {
            "answer" => steps.push(StepKind::Answer),
            "playback" | "phrase" | "say" | "play_fsv" => steps.push(StepKind::Prompt {
                prompts: vec![data.to_string()],
            }),
            "speak" => steps.push(StepKind::Prompt {
                prompts: vec![data.rsplit('|').next().unwrap_or(data).to_string()],
            }),
            "play_and_get_digits" => steps.push(input(data, 5, 7)),
            "read" => steps.push(input(data, 2, 3)),
            "record_session" => steps.push(
                RecordingStart {
                    target: Some(data.to_string()).filter(|d| !d.is_empty()),
                    voices: self.voices_now(action),
                    ..RecordingStart::new("record_session", capture_now)
                }
                .into(),
            ),
            // A mask writes silence: nothing is captured until it is lifted.
            "stop_record_session" | "record_session_mask" | "record_session_pause" => {
                steps.push(StepKind::RecordingStop)
            }
            "set" | "export" => steps.extend(self.variable_recording(action)),
            "bind_meta_app" | "bind_digit_action" if self.binds_recording(hunt.context, action) => {
                steps.push(recording(&action.application, Capture::OnDemand, None));
            }
            "bind_meta_app" | "bind_digit_action" if data.contains("stop_record_session") => {
                steps.push(StepKind::StopOffered);
            }
            "bridge" => {
                if data.starts_with(['{', '[', '<']) && data.contains("record_session") {
                    steps.push(recording(
                        "record_session (bridge variable)",
                        Capture::FromBridge,
                        None,
                    ));
                }
                steps.push(StepKind::Connection {
                    target: data.to_string(),
                    waits: Wait::Ringing,
                });
            }
            "callcenter" => steps.extend(self.callcenter_steps(data)),
            "fifo" | "valet_park" => steps.push(StepKind::Connection {
                target: data.to_string(),
                waits: Wait::Queue,
            }),
            "conference" => steps.push(StepKind::Connection {
                target: data.to_string(),
                waits: Wait::Nothing,
            }),
            "transfer" => steps.push(StepKind::Jump),
            "execute_extension" => {
                let callee = self.target_hunt(hunt.context, action);
                steps.push(StepKind::Call(Call {
                    callee,
                    leg: Leg::Caller,
                    arguments: Vec::new(),
                }));
            }
            "hangup" => steps.push(StepKind::Hangup),
            _ => {}
        }
        if steps.is_empty() {
            steps.push(StepKind::Other);
        }
        steps
    }

    /// Whose voice a recording started by this action holds, as
    /// `RECORD_READ_ONLY`/`RECORD_WRITE_ONLY` set before it say.
    fn voices_now(&self, action: &Action) -> Voices {
        self.seen(action.span)
            .map_or(Voices::Both, |seen| seen.voices)
    }

    /// When a recording started by this action captures: at once, or from
    /// the bridge when the hunt has asked for that (`RECORD_BRIDGE_REQ`,
    /// `RECORD_ANSWER_REQ` on a channel not yet answered), here or before.
    fn capture_now(&self, action: &Action) -> Capture {
        let seen = self.seen(action.span).unwrap_or_default();
        let data = action.data_trimmed();
        if seen.captures_later()
            || contains_ignore_ascii_case(data, "record_bridge_req=true")
            || (!seen.answered && contains_ignore_ascii_case(data, "record_answer_req=true"))
        {
            Capture::FromBridge
        } else {
            Capture::Immediately
        }
    }

    /// `callcenter <queue>`: the queue's `record-template` recording, if
    /// any, then the connection.
    fn callcenter_steps(&self, data: &str) -> Vec<StepKind> {
        let mut steps = Vec::new();
        if let Some(template) = self.queue_template(data) {
            steps.push(StepKind::recording(RecordingStart {
                related: vec![(
                    template,
                    format!("`record-template` records every call of queue `{data}`"),
                )],
                ..RecordingStart::new("mod_callcenter record-template", Capture::FromBridge)
            }));
        }
        steps.push(StepKind::Connection {
            target: format!("queue {data}"),
            waits: Wait::Queue,
        });
        steps
    }

    /// `set`/`export` of `execute_on_*`/`api_on_*`/`bridge_pre_execute_*` with
    /// a recording command.
    fn variable_recording(&self, action: &Action) -> Vec<StepKind> {
        let Some((name, value)) = action.data().split_once('=') else {
            return Vec::new();
        };
        let name = name
            .trim()
            .trim_start_matches("nolocal:")
            .to_ascii_lowercase();
        let value = value.trim();
        let records = value.contains("record_session")
            || (value.contains("uuid_record") && value.split_whitespace().any(|w| w == "start"));
        let fork = audio_fork_command(value);
        if !records && fork.is_none() {
            return Vec::new();
        }
        let capture = if name.starts_with("bridge_pre_execute_")
            || name.contains("bridge")
            || name.ends_with("on_answer")
        {
            // Runs on the called leg, once the call is bridged, or when the
            // channel is answered: exported, when the callee answers; on the
            // caller's own unanswered channel, when `bridge` answers it, as
            // the callee does.
            Capture::FromBridge
        } else if name.starts_with("execute_on_") || name.starts_with("api_on_") {
            Capture::Immediately
        } else {
            return Vec::new();
        };
        match fork {
            Some(command) => audio_fork(&format!("{name} {command}"), capture).into(),
            None => vec![recording(&format!("{name} record_session"), capture, None)],
        }
    }

    /// `bind_meta_app 2 b s record_session::...`, `bind_digit_action
    /// realm,*2,exec:record_session,...`, or a binding that runs an extension
    /// which records.
    fn binds_recording(&self, context: usize, action: &Action) -> bool {
        let data = action.data();
        // A key bound to `stop_record_session` stops, it does not record.
        if (data.contains("record_session") && !data.contains("stop_record_session"))
            || (data.contains("uuid_record") && data.contains(" start "))
        {
            return true;
        }
        if let Some(rest) = data.split("execute_extension::").nth(1) {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let extension = words.first().copied().unwrap_or("");
            let target = words
                .get(2)
                .and_then(|c| self.index.get(*c).copied())
                .unwrap_or(context);
            return self.contexts[target]
                .extensions
                .iter()
                .filter(|e| e.name == extension)
                .any(|e| e.conditions.iter().any(|c| records_in(&c.then)));
        }
        false
    }

    fn queue_template(&self, data: &str) -> Option<Span> {
        let queue = data.split_whitespace().next().unwrap_or("");
        let queues = &self.settings.queues;
        queues.get(queue).copied().or_else(|| {
            let short = queue.split('@').next().unwrap_or(queue);
            queues
                .iter()
                .find(|(name, _)| name.split('@').next() == Some(short))
                .map(|(_, span)| *span)
        })
    }

    /// `transfer <ext> [XML] [context]`, `execute_extension <ext> [XML]
    /// [context]`: the target context hunted for `<ext>`.
    fn target_hunt(&mut self, context: usize, action: &Action) -> Option<StepId> {
        let target = self.context_target(context, action, 2)?;
        // A computed destination (`${...}`) is hunted as any text.
        let destination = action.data().split_whitespace().find(|w| !w.starts_with('-'));
        Some(self.hunt(target, destination))
    }

    /// The context named by the `position`-th word of an action's data
    /// (default: the current context); reports an unknown one.
    fn context_target(
        &mut self,
        context: usize,
        action: &Action,
        position: usize,
    ) -> Option<usize> {
        // `transfer -bleg 1000 XML default`: leg flags come first.
        let words: Vec<&str> = action
            .data()
            .split_whitespace()
            .skip_while(|w| w.starts_with('-'))
            .collect();
        let Some(&name) = words.get(position) else {
            self.referenced_from(context, context);
            return Some(context);
        };
        if name.contains('$') {
            return None;
        }
        match self.index.get(name).copied() {
            Some(target) => {
                self.referenced_from(context, target);
                Some(target)
            }
            None => {
                self.unresolved.push(Unresolved::new(
                    action.data_span,
                    format!("context `{name}` is not defined"),
                    "no scanned file defines this context; the call cannot be followed here",
                ));
                None
            }
        }
    }

    fn referenced_from(&mut self, from: usize, to: usize) {
        if from != to {
            self.referenced.insert(to);
        }
    }
}

/// The command of a `${uuid_record <uuid> start|stop|mask|unmask <path>}`
/// expansion in an action's data, which runs when the data is expanded.
fn uuid_record_command(data: &str) -> Option<&str> {
    // The searcher is set up once: every action of the dialplan is asked.
    const CALL: &str = "${uuid_record";
    static FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(CALL));
    let start = FINDER.find(data.as_bytes())?;
    let call = &data[start + CALL.len()..];
    call.split_whitespace()
        .map(|w| w.trim_end_matches('}'))
        .find(|w| matches!(*w, "start" | "stop" | "mask" | "unmask"))
}

/// The command of a module that streams the call's audio out (an audio
/// fork to a WebSocket, a cloud transcriber) when `data` starts one:
/// mod_audio_fork `uuid_audio_fork`, mod_audio_stream `uuid_audio_stream`,
/// and the transcription modules' `uuid_<vendor>_transcribe`.
fn audio_fork_command(data: &str) -> Option<&str> {
    // Every such command starts `uuid_`; most actions' data has none.
    static FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("uuid_"));
    FINDER.find(data.as_bytes())?;
    let mut words = data.split_whitespace().map(|w| w.trim_start_matches("${"));
    while let Some(word) = words.next() {
        let forks = matches!(word, "uuid_audio_fork" | "uuid_audio_stream")
            || (word.starts_with("uuid_") && word.ends_with("_transcribe"));
        if forks && words.nth(1).is_some_and(|w| w.trim_end_matches('}') == "start") {
            return Some(word);
        }
    }
    None
}

/// The steps of an audio fork or transcriber: a capture of the caller's
/// voice (its consumer can keep it) and the analytics it feeds.
fn audio_fork(command: &str, capture: Capture) -> [StepKind; 2] {
    [
        StepKind::recording(RecordingStart {
            stream: true,
            ..RecordingStart::new(command, capture)
        }),
        StepKind::analytics(format!(
            "live audio streaming or transcription ({command})"
        )),
    ]
}

fn records_in(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Action(a) => {
            a.application == "record_session" || uuid_record_command(a.data()) == Some("start")
        }
        Item::Condition(c) => records_in(&c.then),
    })
}

/// A recording started by an action, captured as `capture` says.
fn recording(recorder: &str, capture: Capture, target: Option<String>) -> StepKind {
    StepKind::recording(RecordingStart {
        target,
        ..RecordingStart::new(recorder, capture)
    })
}

/// An input action whose whitespace-separated arguments name the prompt
/// and the variable at these positions (`play_and_get_digits`: 5 and 7,
/// `read`: 2 and 3).
fn input(data: &str, prompt: usize, variable: usize) -> StepKind {
    let args: Vec<&str> = data.split_whitespace().collect();
    StepKind::Input {
        variable: Box::new(Variable::Named(args.get(variable).copied().unwrap_or("").to_string())),
        prompts: args
            .get(prompt)
            .map(|p| vec![p.to_string()])
            .unwrap_or_default(),
    }
}

/// Whether `text` holds `needle` (lower case) in any case; FreeSWITCH
/// variable names are case-insensitive.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), text).any(|i| {
        text.get(i..i + needle.len())
            .is_some_and(|window| window.eq_ignore_ascii_case(needle))
    })
}
