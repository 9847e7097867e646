//! Plivo XML verbs (<https://www.plivo.com/docs/voice/xml/>).
//!
//! `<Speak>` and `<Play>` are prompts. `<GetDigits>` and `<GetInput>` ask:
//! the answer goes to the `action` URL (unless `redirect="false"`, when it is
//! only reported there and the call goes on), no input goes on to the next
//! element. `<Record recordSession="true">` records the rest of the call in
//! the background and `startOnDialAnswer="true"` the call a `<Dial>`
//! connects from its answer; both play no beep, whatever `playBeep` says
//! (<https://www.plivo.com/docs/voice/xml/record/>). Any other `<Record>`
//! takes a message (voicemail), not the call. `transcriptionType` or
//! `transcriptionUrl` sends a recording to Plivo's transcription: analytics.
//! `<Conference record="true">` (and `<MultiPartyCall record="true">`)
//! records the conference from when the caller joins it.

use roxmltree::Node;

use super::Walker;
use super::twiml::conference_recording;
use crate::flow::{Beep, Capture, RecordingStart, StepId, StepKind, Wait};
use crate::parse::xml;

impl Walker<'_, '_> {
    pub(super) fn plivo_verb(&mut self, verb: Node, next: Option<StepId>, depth: usize) -> StepId {
        match verb.tag_name().name() {
            "Speak" | "Play" => self.prompt(verb, next),
            "GetDigits" | "GetInput" => {
                let continues = verb.attribute("redirect") == Some("false");
                self.question(verb, &["Speak", "Play"], next, continues)
            }
            "Record" => self.plivo_record(verb, next),
            "Dial" => {
                let connection = StepKind::Connection {
                    target: Walker::target(verb),
                    waits: Wait::Ringing,
                };
                let after = continues_here(verb, next);
                self.chain(vec![(connection, verb)], after)
            }
            "Conference" | "MultiPartyCall" => {
                let name = verb.tag_name().name();
                let mut chain = Vec::new();
                if verb.attribute("record") == Some("true") {
                    chain.push((conference_recording(&format!("<{name} record=\"true\">")), verb));
                }
                chain.push((
                    StepKind::Connection {
                        target: format!("{name} {}", Walker::target(verb)),
                        waits: Wait::Nothing,
                    },
                    verb,
                ));
                self.chain(chain, continues_here(verb, next))
            }
            "Stream" => {
                let url = verb.text().unwrap_or("").trim();
                let analytics = StepKind::analytics(format!("<Stream> to {url}"));
                self.chain(vec![(analytics, verb)], next)
            }
            // Its `<Speak>` and `<Play>` are heard before the call is answered.
            "PreAnswer" => {
                let inner = self.verbs(xml::elements(verb).collect(), next, depth + 1);
                let step = self.step(StepKind::Other, verb);
                self.link(step, inner.or(next));
                step
            }
            "Hangup" => self.step(StepKind::Hangup, verb),
            // The call continues in another document.
            "Redirect" => self.step(StepKind::Unknown, verb),
            _ => self.chain(vec![(StepKind::Other, verb)], next),
        }
    }

    /// `<Record>`: a background recording of the session or of the dialled
    /// call, or a message; its transcription is analytics.
    fn plivo_record(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        let set = |name: &str| verb.attribute(name) == Some("true");
        let capture = if set("recordSession") {
            Some(("recordSession", Capture::Immediately))
        } else if set("startOnDialAnswer") {
            Some(("startOnDialAnswer", Capture::FromBridge))
        } else {
            None
        };
        if let Some((mode, capture)) = capture {
            chain.push((
                RecordingStart {
                    beep: Beep::Silent,
                    ..RecordingStart::new(format!("<Record {mode}=\"true\">"), capture)
                }
                .into(),
                verb,
            ));
        }
        if let Some(attribute) = ["transcriptionType", "transcriptionUrl"]
            .into_iter()
            .find(|a| verb.attribute(*a).is_some())
        {
            chain.push((
                StepKind::analytics(format!("<Record {attribute}> (Plivo transcription)")),
                verb,
            ));
        }
        if chain.is_empty() {
            chain.push((StepKind::Other, verb));
        }
        // With an `action` (and `redirect` left true), Plivo fetches the
        // next document there, also for a background recording.
        self.chain(chain, continues_here(verb, next))
    }
}

/// Where the call goes after a verb with an optional `action` URL: to the
/// action's document (Plivo redirects there by default), or on to the next
/// element without one or with `redirect="false"`.
fn continues_here(verb: Node, next: Option<StepId>) -> Option<StepId> {
    let redirects = verb.attribute("action").is_some() && verb.attribute("redirect") != Some("false");
    if redirects { None } else { next }
}
