//! `Dial`, `Queue` and `ConfBridge`: the subroutines and recordings their
//! options, queues.conf and confbridge.conf add around the connection,
//! emitted as one chain of steps.

use super::apps::{call, call_arguments};
use super::{Lowerer, Site};
use crate::flow::{Capture, Leg, RecordingStart, StepId, StepKind, Wait};
use crate::frontend::asterisk::parse::app::{self, AppCall, Text};
use crate::frontend::asterisk::parse::expr;
use crate::source::Span;

impl Lowerer<'_> {
    /// `Dial(destinations,timeout,options)`: pre-dial subroutines (`B()` on the
    /// caller, `b()` on each callee), one-touch recording (`x`/`X`), the
    /// after-answer subroutine (`U()`, `M()`), then the connection.
    pub(super) fn lower_dial(
        &mut self,
        site: Site,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
    ) {
        let options = app.args().get(2).map(app::parse_options).unwrap_or_default();
        let mut chain: Vec<(StepKind, Span)> = Vec::new();
        for (letter, leg) in [('B', Leg::Caller), ('b', Leg::Callee)] {
            for option in options.iter().filter(|o| o.letter == letter) {
                if let Some(argument) = &option.argument {
                    let callee = self.resolve_call(site, argument, '^');
                    chain.push((
                        call(callee, leg, call_arguments(&argument.text, '^')),
                        argument.span,
                    ));
                }
            }
        }
        if options.iter().any(|o| o.letter == 'x' || o.letter == 'X') {
            chain.extend(self.one_touch(app));
        }
        for option in &options {
            let callee = match (option.letter, &option.argument) {
                ('U', Some(argument)) => self.resolve_context_s(argument),
                ('M', Some(argument)) => {
                    let name = argument.text.split('^').next().unwrap_or("");
                    let text = Text {
                        text: argument.text.part(name),
                        span: Span::new(
                            argument.span.file,
                            argument.span.start as usize,
                            argument.span.start as usize + name.len(),
                        ),
                    };
                    self.resolve_macro(Some(&text))
                }
                _ => continue,
            };
            if let Some(argument) = &option.argument {
                // `U(context^arg1^arg2)`: the arguments follow the name.
                let arguments = argument
                    .text
                    .split('^')
                    .skip(1)
                    .map(expr::variable_reference)
                    .collect();
                chain.push((call(callee, Leg::Callee, arguments), argument.span));
            }
        }
        chain.push((
            StepKind::Connection {
                target: app.arg(0).to_string(),
                waits: Wait::Ringing,
            },
            app.span,
        ));
        self.emit_chain(site, step, chain, next);
    }

    /// `Queue(name,options,URL,announce,timeout,AGI,macro,gosub,...)`.
    pub(super) fn lower_queue(
        &mut self,
        site: Site,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
    ) {
        let queue = app.arg(0);
        let mut chain: Vec<(StepKind, Span)> = Vec::new();
        // The macro and gosub arguments run on the member's channel once
        // connected, from `s,1` of the named context.
        if let Some(argument) = app.args().get(6).filter(|a| !a.trimmed().is_empty()) {
            let callee = self.resolve_macro(Some(argument));
            chain.push((call(callee, Leg::Callee, Vec::new()), argument.span));
        }
        if let Some(argument) = app.args().get(7).filter(|a| !a.trimmed().is_empty()) {
            let callee = self.resolve_context_s(argument);
            chain.push((call(callee, Leg::Callee, Vec::new()), argument.span));
        }
        if !queue.contains('$') {
            match self.settings.queues.get(queue) {
                Some(settings) => {
                    if let Some(format) = settings.monitor_format {
                        chain.push((
                            StepKind::recording(RecordingStart {
                                related: vec![(
                                    format,
                                    format!(
                                        "`monitor-format` turns on recording for queue `{queue}`"
                                    ),
                                )],
                                ..RecordingStart::new("queue recording", Capture::FromBridge)
                            }),
                            app.span,
                        ));
                    }
                }
                None if self.settings.has_queue_config
                    && !self.settings.queues_incomplete
                    && !queue.is_empty() =>
                {
                    let span = app.args()[0].span;
                    self.report(
                        span,
                        format!("queue `{queue}` is not defined in the scanned queues.conf"),
                        "whether calls in this queue are recorded is unknown",
                    );
                }
                None => {}
            }
        }
        let options = app.args().get(1).map(app::parse_options).unwrap_or_default();
        if options.iter().any(|o| o.letter == 'x' || o.letter == 'X') {
            chain.extend(self.one_touch(app));
        }
        chain.push((
            StepKind::Connection {
                target: format!("queue {queue}"),
                waits: Wait::Queue,
            },
            app.span,
        ));
        self.emit_chain(site, step, chain, next);
    }

    /// `ConfBridge(conference,bridge_profile,user_profile,menu)`: a bridge
    /// profile with `record_conference=yes` records the conference (with
    /// MixMonitor) from when the first participant joins, so every caller
    /// is recorded from the moment they are in it. No profile, or one not
    /// defined, is `default_bridge`.
    pub(super) fn lower_confbridge(
        &mut self,
        site: Site,
        app: &AppCall,
        step: StepId,
        next: Option<StepId>,
    ) {
        let conference = app.arg(0);
        let profile = match app.arg(1) {
            "" => "default_bridge",
            named => named,
        };
        let mut chain = Vec::new();
        if let Some(&setting) = self.settings.recording_bridges.get(profile) {
            let related = vec![(
                setting,
                format!("`record_conference=yes` in bridge profile `{profile}` records the conference"),
            )];
            chain.push((conference_recording("ConfBridge recording", related), app.span));
        }
        chain.push((
            StepKind::Connection {
                target: format!("conference {conference}"),
                waits: Wait::Nothing,
            },
            app.span,
        ));
        self.emit_chain(site, step, chain, next);
    }

    /// Fills `step` with the first kind of `chain` and appends the rest.
    pub(super) fn emit_chain(
        &mut self,
        site: Site,
        step: StepId,
        chain: Vec<(StepKind, Span)>,
        next: Option<StepId>,
    ) {
        let mut current = step;
        for (i, (kind, span)) in chain.into_iter().enumerate() {
            if i == 0 {
                self.set(step, kind);
            } else {
                let s = self.new_step(kind, span, site);
                self.link(current, Some(s));
                current = s;
            }
        }
        self.link(current, next);
    }
}

/// A ConfBridge conference recording: it captures each participant from
/// when they join (the connection that follows).
pub(super) fn conference_recording(recorder: &str, related: Vec<(Span, String)>) -> StepKind {
    StepKind::recording(RecordingStart {
        related,
        ..RecordingStart::new(recorder, Capture::FromBridge)
    })
}
