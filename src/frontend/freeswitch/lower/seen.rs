//! What the hunt has seen before each condition and action: variables set
//! by actions that run only after the hunt, and what decides when
//! `record_session` starts capturing.

use std::sync::Arc;

use super::Lowerer;
use super::hunting::Hunt;
use crate::flow::Voices;
use crate::frontend::freeswitch::parse::{Action, Condition, Extension, Item};
use crate::hash::FastHashMap;
use crate::source::{FileId, Span, trim};

/// Variables whose setting makes `record_session` wait for the answer: on a
/// channel answered already, it records at once.
const CAPTURE_FROM_ANSWER: &[&str] = &["record_answer_req", "media_bug_answer_req"];

/// What precedes a condition or action in the hunt, for the hunt-time rule
/// and for `record_session`'s capture mode.
#[derive(Default, Clone, Copy)]
pub(super) struct Seen {
    /// Variables set by actions that run only after the hunt: the names
    /// `pending[start..end]` of the hunt's `Walk::pending` (lower-case). A
    /// range, so that remembering what each of thousands of actions has
    /// seen copies no names.
    pending: (u32, u32),
    /// `RECORD_BRIDGE_REQ` set so far.
    waits_for_bridge: bool,
    /// `RECORD_ANSWER_REQ`/`media_bug_answer_req` set so far.
    waits_for_answer: bool,
    /// An `answer` ran before.
    pub(super) answered: bool,
    /// `RECORD_READ_ONLY` (the caller's side) or `RECORD_WRITE_ONLY` (what
    /// the caller hears) set so far.
    pub(super) voices: Voices,
    /// `sip_disable_recording=true`: sofia refuses SIP INFO `Record: on`.
    pub(super) sofia_refused: bool,
}

impl Seen {
    /// Whether a `record_session` here records only the connected call.
    pub(super) fn captures_later(&self) -> bool {
        self.waits_for_bridge || (self.waits_for_answer && !self.answered)
    }
}

/// What the walk over a hunt's extensions has gathered.
#[derive(Default)]
pub(super) struct Walk {
    /// Per condition and action (by span start): what ran before it.
    seen: FastHashMap<(FileId, u32), Seen>,
    /// Every variable set by an action that runs only after the hunt, in
    /// the order the walk met them; each `Seen` holds a range of it.
    pending: Vec<String>,
}

impl Lowerer<'_> {
    /// Walks the extensions a hunt visits, in order, and records for each
    /// condition and action what ran before it in the same hunt. A condition
    /// the hunt decides runs only the side it takes: a `continue="true"`
    /// extension for other numbers sets nothing for this one.
    pub(super) fn record_what_is_seen(
        &mut self,
        hunt: Hunt,
        extensions: &[Arc<Extension>],
        visited: &[u32],
    ) {
        let mut seen = Seen::default();
        // The last hunt's walk, emptied: its map keeps the room it grew to.
        let mut walk = std::mem::take(&mut self.walk);
        walk.seen.clear();
        walk.pending.clear();
        for extension in visited.iter().map(|&i| &extensions[i as usize]) {
            for condition in &extension.conditions {
                self.walk_seen(hunt, condition, &mut seen, &mut walk);
            }
            // A match without `continue` ends the hunt; what it set is seen
            // by the next hunt (after a transfer), not this one.
            if !extension.continues {
                seen.pending.0 = seen.pending.1;
            }
        }
        self.walk = walk;
    }

    fn walk_seen(&mut self, hunt: Hunt, condition: &Condition, seen: &mut Seen, walk: &mut Walk) {
        walk.seen.insert(key(condition.span), *seen);
        let decided = if condition.tests {
            self.decided_by_hunt(hunt, condition)
        } else {
            Some(true)
        };
        if decided != Some(false) {
            for item in &condition.then {
                match item {
                    Item::Action(action) => {
                        walk.seen.insert(key(action.span), *seen);
                        note_action(action, seen, &mut walk.pending);
                    }
                    Item::Condition(nested) => self.walk_seen(hunt, nested, seen, walk),
                }
            }
        }
        if decided != Some(true) {
            for action in &condition.otherwise {
                walk.seen.insert(key(action.span), *seen);
                note_action(action, seen, &mut walk.pending);
            }
        }
    }

    /// What the hunt has seen before a condition or action.
    pub(super) fn seen(&self, span: Span) -> Option<Seen> {
        self.walk.seen.get(&key(span)).copied()
    }

    /// Whether a condition tests a variable that an action of the same hunt
    /// sets, which runs only after the hunt.
    pub(super) fn tested_before_set(&self, condition: &Condition) -> bool {
        let Some(field) = &condition.field else {
            return false;
        };
        let variable = field
            .strip_prefix("${")
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(field);
        // The pending names are lower case: compared without a lower-cased copy.
        self.seen(condition.span).is_some_and(|s| {
            let (start, end) = s.pending;
            self.walk.pending[start as usize..end as usize]
                .iter()
                .any(|pending| pending.eq_ignore_ascii_case(variable))
        })
    }
}

pub(super) fn key(span: Span) -> (FileId, u32) {
    (span.file, span.start)
}

/// Records what an action sets, for the actions and conditions after it.
fn note_action(action: &Action, seen: &mut Seen, pending: &mut Vec<String>) {
    let data = action.data_trimmed();
    let written = match action.application.as_str() {
        "set" | "export" => data
            .split_once('=')
            .map(|(n, v)| (trim(n).to_ascii_lowercase(), trim(v))),
        "play_and_get_digits" => data
            .split_whitespace()
            .nth(7)
            .map(|v| (v.to_ascii_lowercase(), "")),
        "read" => data
            .split_whitespace()
            .nth(3)
            .map(|v| (v.to_ascii_lowercase(), "")),
        _ => None,
    };
    if action.application == "answer" {
        seen.answered = true;
    }
    if let Some((name, value)) = written {
        let on = value.eq_ignore_ascii_case("true");
        if name == "record_bridge_req" && on {
            seen.waits_for_bridge = true;
        }
        if CAPTURE_FROM_ANSWER.contains(&name.as_str()) && on {
            seen.waits_for_answer = true;
        }
        match name.as_str() {
            "record_read_only" if on => seen.voices = Voices::Caller,
            "record_write_only" if on => seen.voices = Voices::Heard,
            "record_read_only" | "record_write_only" => seen.voices = Voices::Both,
            "sip_disable_recording" => seen.sofia_refused = on,
            _ => {}
        }
        // The walk is in the order actions run, so the range of a `Seen`
        // ends where the log does.
        if !action.inline {
            pending.push(name);
            seen.pending.1 = pending.len() as u32;
        }
    }
}
