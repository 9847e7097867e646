//! Recording in the dialplan beyond one application: `MixMonitor` appending
//! to a file another one records, one-touch recording (features.conf
//! `automixmon`), and the removed app_monitor and its settings.

use super::Lowerer;
use crate::finding::Edit;
use crate::flow::{Capture, RecordingStart, RemovedFeature, StepId, StepKind, Voices};
use crate::frontend::asterisk::parse::app::{self, AppCall};
use crate::source::Span;

/// app_monitor's applications, removed in Asterisk 21.
const MONITOR_APPLICATIONS: &[&str] = &[
    "monitor",
    "pausemonitor",
    "unpausemonitor",
    "stopmonitor",
    "changemonitor",
];

impl Lowerer<'_> {
    /// app_monitor's applications name the removed recorder.
    pub(super) fn note_removed_monitor(&mut self, app: &AppCall, name: &str) {
        if MONITOR_APPLICATIONS.contains(&name) {
            self.graph.removed_features.push(RemovedFeature {
                span: app.span,
                what: format!("{}()", app.name),
                replacement: "MixMonitor (StopMixMonitor to stop; PauseMonitor's mute: MixMonitorMute)",
                fix: monitor_replaced(app, name),
            });
        }
    }

    /// `MixMonitor(file,options)` and the removed `Monitor(format,file,options)`:
    /// a recording from here on, or from the bridge with `b`.
    pub(super) fn lower_mix_monitor(
        &mut self,
        app: &AppCall,
        name: &str,
        step: StepId,
        next: Option<StepId>,
    ) {
        let options = app
            .args()
            .get(if name == "monitor" { 2 } else { 1 })
            .map(app::parse_options)
            .unwrap_or_default();
        let from_bridge = options.iter().any(|o| o.letter == 'b');
        let from_answer = (name == "mixmonitor" && !from_bridge)
            .then(|| bridge_option_added(app))
            .flatten();
        let target = app.arg(if name == "monitor" { 1 } else { 0 });
        if name == "mixmonitor" && !target.is_empty() {
            if options.iter().any(|o| o.letter == 'a') {
                self.appends.push((step, target.to_string()));
            } else {
                self.recorded_files.insert(target.to_string());
            }
        }
        self.set(
            step,
            StepKind::recording(RecordingStart {
                target: (!target.is_empty()).then(|| target.to_string()),
                voices: recorded_voices(name, target, &options),
                from_answer,
                ..RecordingStart::new(
                    if name == "monitor" {
                        "Monitor"
                    } else {
                        "MixMonitor"
                    },
                    if from_bridge {
                        Capture::FromBridge
                    } else {
                        Capture::Immediately
                    },
                )
            }),
        );
        self.link(step, next);
    }

    /// `MixMonitor(file,a)` appends to `file`. When another `MixMonitor` of
    /// the dialplan records to the same file (FreePBX re-attaches the call's
    /// recording after a park or blind transfer this way), it continues that
    /// recording, which is judged where it starts: not a start of its own.
    pub(super) fn continuations(&mut self) {
        for (step, target) in std::mem::take(&mut self.appends) {
            if self.recorded_files.contains(&target) {
                self.set(step, StepKind::Other);
            }
        }
    }

    /// queues.conf `monitor-type = Monitor` and features.conf `automon`: both
    /// name the removed recorder.
    pub(super) fn removed_settings(&mut self) {
        let mut monitor_types: Vec<Span> = self
            .settings
            .queues
            .values()
            .filter_map(|q| q.monitor_type.as_ref())
            .filter(|(value, _)| value.eq_ignore_ascii_case("Monitor"))
            .map(|(_, span)| *span)
            .collect();
        monitor_types.sort();
        monitor_types.dedup();
        for span in monitor_types {
            self.graph.removed_features.push(RemovedFeature {
                span,
                what: "queues.conf `monitor-type = Monitor`".into(),
                replacement: "`monitor-type = MixMonitor` (the only recorder since Asterisk 21)",
                // The value is written as read: `Monitor` in any case.
                fix: (span.len() == "Monitor".len()).then(|| Edit::new(span, "MixMonitor")),
            });
        }
        if let Some(span) = self.settings.features.automon {
            self.graph.removed_features.push(RemovedFeature {
                span,
                what: "features.conf `automon`".into(),
                replacement: "`automixmon` (one-touch MixMonitor)",
                fix: None,
            });
        }
    }

    /// One-touch recording enabled by Dial/Queue `x`/`X`, if features.conf
    /// maps `automixmon` to a key.
    pub(super) fn one_touch(&self, app: &AppCall) -> Option<(StepKind, Span)> {
        let features = self.settings.features;
        let key = features.automixmon?;
        let mut related = vec![(
            key,
            "`automixmon` lets a party start recording with this key".to_string(),
        )];
        if let Some(tone) = features.courtesytone {
            related.push((tone, "played to both parties when recording starts".into()));
        }
        Some((
            StepKind::recording(RecordingStart {
                related,
                start_message: features.courtesytone.is_some(),
                // The key toggles: pressed while a MixMonitor runs on the
                // peer's channel, it stops that one, whoever started it
                // (bridge_builtin_features.c, `feature_automixmonitor`).
                stops_running: true,
                ..RecordingStart::new("one-touch MixMonitor (automixmon)", Capture::OnDemand)
            }),
            app.span,
        ))
    }
}

/// Whose voice a `MixMonitor` or `Monitor` holds. MixMonitor writes the mix
/// to its file; with no file it writes only what `r()` (heard from the
/// caller's channel: the caller) and `t()` (sent to it: what the caller
/// hears) name. Monitor's `i` skips the caller's side, `o` the other.
fn recorded_voices(name: &str, target: &str, options: &[app::AppOption]) -> Voices {
    let has = |letter: char| options.iter().any(|o| o.letter == letter);
    match name {
        "mixmonitor" if target.is_empty() => match (has('r'), has('t')) {
            (true, false) => Voices::Caller,
            (false, true) => Voices::Heard,
            _ => Voices::Both,
        },
        "monitor" => match (has('i'), has('o')) {
            (true, false) => Voices::Heard,
            (false, true) => Voices::Caller,
            _ => Voices::Both,
        },
        _ => Voices::Both,
    }
}

/// `Monitor(format,base,options)` rewritten as `MixMonitor(base.format,b)`
/// and `StopMonitor()` as `StopMixMonitor()`: the same recording, mixed
/// into one file (Monitor's `m`) and from the bridge when it said `b`.
/// Other options (`i`, separate legs without `m`) and a file name left to
/// Monitor have no mechanical equivalent, and no fix.
fn monitor_replaced(app: &AppCall, name: &str) -> Option<Edit> {
    if !app.is_spelled_out() {
        return None;
    }
    match name {
        "stopmonitor" => Some(Edit::new(app.name_span, "StopMixMonitor")),
        "monitor" => {
            let options = app.args().get(2).map(app::parse_options).unwrap_or_default();
            let letters: Vec<char> = options.iter().map(|o| o.letter).collect();
            let base = app.arg(1);
            if app.args().len() > 3
                || base.is_empty()
                || !letters.contains(&'m')
                || letters.iter().any(|l| !matches!(l, 'm' | 'b'))
            {
                return None;
            }
            let format = match app.arg(0) {
                "" => "wav",
                format => format,
            };
            let bridge = if letters.contains(&'b') { ",b" } else { "" };
            Some(Edit::new(
                app.span,
                format!("MixMonitor({base}.{format}{bridge})"),
            ))
        }
        _ => None,
    }
}

/// `MixMonitor(file)` → `MixMonitor(file,b)`, `MixMonitor(file,r(x))` →
/// `MixMonitor(file,r(x)b)`: the options gain `b`, recording from the bridge.
fn bridge_option_added(app: &AppCall) -> Option<Edit> {
    if !app.is_spelled_out() || app.arg(0).is_empty() {
        return None;
    }
    match app.args() {
        [file] => Some(Edit::insert(file.span, ",b")),
        [_, options, ..] => Some(Edit::insert(options.span, "b")),
        [] => None,
    }
}
