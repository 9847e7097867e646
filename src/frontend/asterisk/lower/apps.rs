//! What each dialplan application does to the call: answering, prompts and
//! input, jumps and subroutine calls, the conditional applications
//! (`GotoIf`, `GosubIf`, `ExecIf`, `While`) and `Set`.

use super::dial::conference_recording;
use super::guards::guards_for;
use super::targets::first_priority;
use super::{Lowerer, Site};
use crate::flow::{
    AnswerMatch, Call, Capture, Edge, Guard, Leg, RecordingStart, StepId, StepKind, Variable, DefaultRoute
};
use crate::finding::Edit;
use crate::frontend::asterisk::parse::app::{self, AppCall, Text};
use crate::frontend::asterisk::parse::expr::{self, Condition};
use crate::frontend::asterisk::parse::settings;
use crate::source::{Span, trim};

impl Lowerer<'_> {
    /// Lowers one application call into `step` (and further steps when the
    /// application does several things), continuing at `next`.
    pub(super) fn lower_app(
        &mut self,
        site: Site,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
    ) {
        let mut lower_case = [0; 32];
        let name = known_name(&app.name, &mut lower_case);
        self.note_removed_monitor(app, name);
        match name {
            "answer" => {
                self.set(step, StepKind::Answer);
                self.link(step, next);
            }
            "playback" | "background" | "controlplayback" => {
                let prompts = split_prompts(app.arg(0));
                self.set(step, StepKind::Prompt { prompts });
                self.link(step, next);
            }
            "read" => {
                let variable = Variable::Named(
                    app.arg(0)
                        .split('=')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                );
                let prompts = split_prompts(app.arg(1));
                self.set(step, StepKind::Input { variable: Box::new(variable), prompts });
                self.link(step, next);
            }
            "waitexten" => self.lower_menu(site, step),
            "goto" => {
                let edges = self.jump_edges(site, &app.raw_args);
                let guarded = edges.iter().any(|e| !e.guards.is_empty());
                self.set(step, if guarded { StepKind::Branch } else { StepKind::Jump });
                for edge in edges {
                    self.graph.add_edge(step, edge);
                }
            }
            "gotoif" | "gotoiftime" => self.lower_goto_if(site, app, step, next, name),
            "gosub" => {
                let callee = self.resolve_call(site, &app.raw_args, ',');
                let arguments = call_arguments(&app.raw_args.text, ',');
                self.set(step, call(callee, Leg::Caller, arguments));
                self.link(step, next);
            }
            "gosubif" => self.lower_gosub_if(site, app, step, next),
            "macro" => self.lower_macro(app, step, next),
            "return" | "macroexit" => {
                self.subroutines.insert(site.context);
                self.set(step, StepKind::Return);
            }
            "execif" | "execiftime" => self.lower_exec_if(site, app, step, next, name),
            "while" => self.lower_while(site, app, step, next),
            "endwhile" | "continuewhile" => self.lower_loop_again(site, step, next),
            "exitwhile" => self.lower_exit_while(site, step, next),
            "mixmonitor" | "monitor" => self.lower_mix_monitor(app, name, step, next),
            // `AudioSocket(uuid,host:port)`: the caller's audio goes live to
            // a service (a transcriber, a voice bot) from here on.
            "audiosocket" => {
                let service = app.arg(1);
                let chain = vec![
                    (
                        StepKind::recording(RecordingStart {
                            stream: true,
                            ..RecordingStart::new("AudioSocket", Capture::Immediately)
                        }),
                        app.span,
                    ),
                    (
                        StepKind::analytics(format!(
                            "live audio streaming to {service} (AudioSocket)"
                        )),
                        app.span,
                    ),
                ];
                self.emit_chain(site, step, chain, next);
            }
            // A paused Monitor captures nothing until it is unpaused.
            "stopmixmonitor" | "stopmonitor" | "pausemonitor" => {
                self.set(step, StepKind::RecordingStop);
                self.link(step, next);
            }
            "dial" => self.lower_dial(site, app, step, next),
            "queue" => self.lower_queue(site, app, step, next),
            "confbridge" => self.lower_confbridge(site, app, step, next),
            "set" | "mset" => self.lower_set(site, app, step, next),
            "hangup" => self.set(step, StepKind::Hangup),
            _ => {
                self.set(step, StepKind::Other);
                self.link(step, next);
            }
        }
    }

    /// `Macro(name,args)`: a call of context `macro-name`.
    fn lower_macro(&mut self, app: &AppCall, step: StepId, next: Option<StepId>) {
        let callee = self.resolve_macro(app.args().first());
        let arguments = app
            .args()
            .iter()
            .skip(1)
            .map(|a| expr::variable_reference(&a.text))
            .collect();
        self.set(step, call(callee, Leg::Caller, arguments));
        self.link(step, next);
    }

    /// `EndWhile`/`ContinueWhile`: back to the loop's `While`.
    fn lower_loop_again(&mut self, site: Site, step: StepId, next: Option<StepId>) {
        let pairs = &self.loops[&(site.context, site.extension)];
        let target = pairs
            .enclosing
            .get(&site.priority)
            .and_then(|w| self.priority_steps.get(&(site.context, site.extension, *w)))
            .copied();
        self.set(step, StepKind::Other);
        self.link(step, target.or(next));
    }

    /// `ExitWhile`: past the loop's `EndWhile`.
    fn lower_exit_while(&mut self, site: Site, step: StepId, next: Option<StepId>) {
        let pairs = &self.loops[&(site.context, site.extension)];
        let end = pairs
            .enclosing
            .get(&site.priority)
            .and_then(|w| pairs.end_of.get(w))
            .copied();
        let target = match end {
            Some(end) => self.after(site, end),
            None => next,
        };
        self.set(step, StepKind::Other);
        self.link(step, target);
    }

    /// `WaitExten()`: the caller's digits select an extension of this context;
    /// digit extensions are explicit answers, `t` and `i` the default.
    fn lower_menu(&mut self, site: Site, step: StepId) {
        let context = &self.plan.contexts[site.context];
        let variable = Variable::Menu {
            region: context.name.clone(),
            action: None,
        };
        // The prompt is the nearest Background/Playback before this priority.
        let prompts = self
            .extension(site)
            .priorities
            .range(..site.priority)
            .rev()
            .map(|(_, p)| &p.app)
            .find(|a| a.is("Background") || a.is("Playback"))
            .map(|a| split_prompts(a.arg(0)))
            .unwrap_or_default();
        self.set(
            step,
            StepKind::Input {
                variable: Box::new(variable.clone()),
                prompts,
            },
        );
        let mut defaults = Vec::new();
        let mut answers = Vec::new();
        for (c, e) in self.ways_in(site.context, true) {
            let extension = &self.plan.contexts[c].extensions[e];
            let Some(&first) =
                first_priority(extension).and_then(|n| self.priority_steps.get(&(c, e, n)))
            else {
                continue;
            };
            let name = extension.number();
            if c == site.context {
                match name {
                    "t" | "i" => defaults.push((c, e, first)),
                    _ if name.chars().all(|c| c.is_ascii_digit()) => {
                        answers.push((name.to_string(), first));
                    }
                    _ => {}
                }
            }
            let guard = match name {
                "t" | "i" => Guard::Default {
                    variable: variable.clone(),
                    not: Vec::new(),
                },
                _ if extension.is_pattern() => Guard::Answer {
                    variable: variable.clone(),
                    answer: AnswerMatch::Pattern(name.to_string()),
                },
                _ if name
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '*' || c == '#') =>
                {
                    Guard::Answer {
                        variable: variable.clone(),
                        answer: AnswerMatch::Values(vec![name.to_string()]),
                    }
                }
                _ => continue,
            };
            self.graph.add_edge(
                step,
                Edge {
                    to: first,
                    guards: vec![guard],
                },
            );
        }
        self.default_routes(&defaults, &answers);
    }

    /// A menu's `t` and `i` extensions that start with `Goto(...)` can be
    /// sent to one of its digit extensions instead: `Goto(2,1)`.
    fn default_routes(&mut self, defaults: &[(usize, usize, StepId)], answers: &[(String, StepId)]) {
        for &(c, e, default) in defaults {
            let extension = &self.plan.contexts[c].extensions[e];
            let Some(app) = first_priority(extension)
                .and_then(|n| extension.priorities.get(&n))
                .map(|p| &p.app)
                .filter(|app| app.is("Goto") && app.is_spelled_out())
            else {
                continue;
            };
            let answers = answers
                .iter()
                .map(|(name, to)| {
                    let edit = Edit::new(app.raw_args.span, format!("{name},1"));
                    (name.clone(), *to, edit)
                })
                .collect();
            self.graph
                .default_routes
                .push(DefaultRoute { default, answers });
        }
    }

    /// `GotoIf`, `GosubIf`, `ExecIf` and their `…Time` forms: a branch on
    /// `condition?yes:no`, each outcome's steps made by `targets` from what
    /// the outcome names (nothing: the next priority). A time test is
    /// opaque and decides no consent question.
    fn lower_conditional(
        &mut self,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
        timed: bool,
        mut targets: impl FnMut(&mut Self, Text) -> Vec<StepId>,
    ) {
        let (condition, branches) = app::split_once_top_level(&app.raw_args, b'?');
        let condition_text = condition.text;
        let condition = if timed {
            Condition::Opaque
        } else {
            expr::parse_condition(&condition_text)
        };
        self.set(step, StepKind::Branch);
        let (yes, no) = match &branches {
            Some(b) => app::split_once_top_level(b, b':'),
            None => return self.link(step, next),
        };
        let mut outcomes = Vec::new();
        for (named, outcome) in [(Some(yes), true), (no, false)] {
            let mut guards = guards_for(&condition, outcome);
            let to = match named.filter(|n| !n.trimmed().is_empty()) {
                Some(named) => targets(self, named),
                None => next.into_iter().collect(),
            };
            // Nearly always one target: it takes the guards, the others a copy.
            let last = to.len().saturating_sub(1);
            for (i, to) in to.into_iter().enumerate() {
                let guards = match i == last {
                    true => std::mem::take(&mut guards),
                    false => guards.clone(),
                };
                self.graph.add_edge(step, Edge { to, guards });
                outcomes.push(outcome);
            }
        }
        if !timed {
            self.add_test(step, &condition_text, outcomes);
        }
    }

    fn lower_goto_if(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>, name: &str) {
        self.lower_conditional(app, step, next, name == "gotoiftime", |this, label| {
            this.resolve(site, &label, ',')
        });
    }

    fn lower_gosub_if(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        self.lower_conditional(app, step, next, false, |this, label| {
            let callee = this.resolve_call(site, &label, ',');
            let arguments = call_arguments(&label.text, ',');
            let call_step = this.new_step(call(callee, Leg::Caller, arguments), label.span, site);
            this.link(call_step, next);
            vec![call_step]
        });
    }

    fn lower_exec_if(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>, name: &str) {
        self.lower_conditional(app, step, next, name == "execiftime", |this, inner| {
            match app::parse_app(inner.span.file, &inner.text, inner.span.start as usize) {
                Some(inner_app) => {
                    let inner_step = this.new_step(StepKind::Other, inner_app.span, site);
                    this.lower_app(site, &inner_app, inner_step, next);
                    vec![inner_step]
                }
                None => next.into_iter().collect(),
            }
        });
    }

    fn lower_while(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let condition = expr::parse_condition(&app.raw_args.text);
        self.set(step, StepKind::Branch);
        let end = self.loops[&(site.context, site.extension)]
            .end_of
            .get(&site.priority)
            .copied();
        let exit = match end {
            Some(end) => self.after(site, end),
            None => None,
        };
        let mut outcomes = Vec::new();
        for (to, outcome) in [(next, true), (exit, false)] {
            if let Some(to) = to {
                self.graph.add_edge(
                    step,
                    Edge {
                        to,
                        guards: guards_for(&condition, outcome),
                    },
                );
                outcomes.push(outcome);
            }
        }
        self.add_test(step, &app.raw_args.text, outcomes);
    }

    fn lower_set(&mut self, site: Site, app: &AppCall, step: StepId, next: Option<StepId>) {
        let raw = app.raw_args.text.as_str();
        let (name, value) = raw.split_once('=').unwrap_or((raw, ""));
        let name = trim(name);
        if name.eq_ignore_ascii_case("TOUCH_MIXMONITOR_MESSAGE_START") && !trim(value).is_empty() {
            self.set(step, StepKind::RecordingStartMessage);
        } else if name
            .replace(' ', "")
            .eq_ignore_ascii_case("CONFBRIDGE(bridge,record_conference)")
            && settings::is_true(value)
        {
            // The next ConfBridge() uses a profile that records.
            self.set(step, conference_recording("ConfBridge recording", Vec::new()));
        } else {
            self.set(step, StepKind::Other);
            if name.eq_ignore_ascii_case("CHANNEL(hangup_handler_push)") {
                // A hangup handler runs after the call; it only makes the
                // context a non-entry.
                let offset = raw.find('=').map(|i| i + 1).unwrap_or(raw.len());
                let target = Text {
                    text: app.raw_args.text.slice(offset..raw.len()),
                    span: Span::new(
                        app.raw_args.span.file,
                        app.raw_args.span.start as usize + offset,
                        app.raw_args.span.end as usize,
                    ),
                };
                if let Some(handler) = self.resolve_call(site, &target, ',') {
                    self.entered.push(handler);
                }
            }
        }
        self.link(step, next);
    }
}

pub(super) fn call(callee: Option<StepId>, leg: Leg, arguments: Vec<Option<String>>) -> StepKind {
    let arguments = arguments
        .into_iter()
        .map(|a| a.map(Variable::Named))
        .collect();
    StepKind::Call(Call {
        callee,
        leg,
        arguments,
    })
}

/// The variables passed to a subroutine: `label(${A},x)` or, in Dial options,
/// `label(${A}^x)`.
pub(super) fn call_arguments(target: &str, separator: char) -> Vec<Option<String>> {
    let Some(open) = target.find('(') else {
        return Vec::new();
    };
    let inner = target[open + 1..]
        .strip_suffix(')')
        .unwrap_or(&target[open + 1..]);
    let split = if separator == '^' { b'^' } else { b',' };
    app::top_level_positions(inner, split)
        .chain(std::iter::once(inner.len()))
        .scan(0, |start, end| {
            let part = &inner[*start..end];
            *start = end + 1;
            Some(expr::variable_reference(part))
        })
        .collect()
}

/// A menu choice: one key, or a pattern that matches exactly one key.
/// `file1&file2` → both prompts; options after a comma are not prompts.
fn split_prompts(argument: &str) -> Vec<String> {
    argument
        .split('&')
        .map(trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// An application's name in lower case, on the stack (every priority
/// asks): the names lowering knows are ASCII and far shorter than `buffer`;
/// a longer name is none of them and reads as "".
pub(super) fn known_name<'b>(name: &str, buffer: &'b mut [u8; 32]) -> &'b str {
    let Some(lower_case) = buffer.get_mut(..name.len()) else {
        return "";
    };
    lower_case.copy_from_slice(name.as_bytes());
    lower_case.make_ascii_lowercase();
    // Lower-casing ASCII bytes leaves UTF-8 valid.
    std::str::from_utf8(lower_case).unwrap_or("")
}
