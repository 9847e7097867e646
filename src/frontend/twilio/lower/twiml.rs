//! TwiML verbs, as Twilio, Telnyx (TeXML) and SignalWire (cXML) run them.
//!
//! `<Gather action=...>` sends an answer to another document, so what
//! follows a Gather in the same document runs only when no input arrives:
//! that is the default outcome of the question. `<Dial
//! record="record-from-answer">` records from the answer,
//! `record-from-ringing` from the ringing on; `<Start><Recording/>` records
//! from that verb on, before whatever follows. `<Record>` takes a message
//! (voicemail), not the call; its transcription (`transcribe`, TeXML
//! `transcription`) is analytics. `<Start><Siprec>` streams the call to a
//! SIPREC recorder: a recording; TeXML encrypts it only with
//! `secure="true"`
//! (<https://developers.telnyx.com/api-reference/call-commands/siprec-start>).

use roxmltree::Node;

use super::Walker;
use crate::finding::Edit;
use crate::flow::{BeforeAnswer, Capture, RecordingStart, StepId, StepKind, Voices, Wait};
use crate::frontend::twilio::dialect::Dialect;
use crate::parse::xml;

impl Walker<'_, '_> {
    pub(super) fn twiml_verb(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        match verb.tag_name().name() {
            "Say" | "Play" => self.prompt(verb, next),
            "Pay" => self.chain(vec![(StepKind::Payment, verb)], next),
            "Gather" => self.question(verb, &["Say", "Play"], next, false),
            "Dial" => self.dial(verb, next),
            "Connect" => self.connect(verb, next),
            "Start" => self.start(verb, next),
            "Record" => self.record_message(verb, next),
            "Stop" => {
                let stops = xml::elements(verb)
                    .any(|c| c.has_tag_name("Recording") || c.has_tag_name("Siprec"));
                let kind = if stops {
                    StepKind::RecordingStop
                } else {
                    StepKind::Other
                };
                self.chain(vec![(kind, verb)], next)
            }
            "Enqueue" => self.chain(
                vec![(
                    StepKind::Connection {
                        target: format!("queue {}", verb.text().unwrap_or("").trim()),
                        waits: Wait::Queue,
                    },
                    verb,
                )],
                next,
            ),
            "Hangup" | "Reject" => self.step(StepKind::Hangup, verb),
            // The call continues in another document.
            "Redirect" => self.step(StepKind::Unknown, verb),
            _ => self.chain(vec![(StepKind::Other, verb)], next),
        }
    }

    /// `<Record>`: the caller's message, transcribed when the dialect's
    /// attribute says so.
    fn record_message(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let attribute = match self.dialect {
            Dialect::Telnyx => "transcription",
            _ => "transcribe",
        };
        let kind = if verb.attribute(attribute) == Some("true") {
            StepKind::analytics(format!("<Record {attribute}=\"true\">"))
        } else {
            StepKind::Other
        };
        self.chain(vec![(kind, verb)], next)
    }

    /// `<Dial>`: its recording (`record`, a conference recorded from the
    /// start), then the connection.
    fn dial(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        let record = verb.attribute("record").unwrap_or("");
        if let Some(capture) = dial_capture(record) {
            chain.push((
                RecordingStart {
                    voices: track_voices(verb.attribute("recordingTrack")),
                    from_answer: self.recorded_from_answer(verb),
                    ..twilio_recording(format!("<Dial record=\"{record}\">"), capture)
                }
                .into(),
                verb,
            ));
        }
        if let Some(conference) = xml::elements(verb).find(|c| c.has_tag_name("Conference"))
            && conference
                .attribute("record")
                .is_some_and(|r| r.starts_with("record-from-start"))
        {
            chain.push((
                conference_recording("<Conference record=\"record-from-start\">"),
                conference,
            ));
        }
        chain.push((
            StepKind::Connection {
                target: Walker::target(verb),
                waits: Wait::Ringing,
            },
            verb,
        ));
        // With an `action`, the call continues in another document.
        let after = if verb.attribute("action").is_some() {
            None
        } else {
            next
        };
        self.chain(chain, after)
    }

    /// `<Connect>`: recordings and media streams of its nouns, then the connection.
    fn connect(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        for child in xml::elements(verb) {
            if let Some(capture) = child.attribute("record").and_then(dial_capture) {
                chain.push((
                    RecordingStart {
                        from_answer: self.recorded_from_answer(child),
                        ..twilio_recording(format!("<{} record>", child.tag_name().name()), capture)
                    }
                    .into(),
                    child,
                ));
            }
            if let Some(analytics) = streamed(child) {
                chain.push((analytics, child));
            }
        }
        chain.push((
            StepKind::Connection {
                target: "Connect".into(),
                waits: Wait::Nothing,
            },
            verb,
        ));
        self.chain(chain, next)
    }

    /// `<Start>`: a recording, SIPREC session or media stream started in the
    /// background.
    fn start(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let mut chain = Vec::new();
        for child in xml::elements(verb) {
            if child.has_tag_name("Recording") {
                chain.push((
                    RecordingStart {
                        voices: track_voices(child.attribute("track")),
                        ..twilio_recording("<Start><Recording>".into(), Capture::Immediately)
                    }
                    .into(),
                    child,
                ));
            }
            if child.has_tag_name("Siprec") {
                chain.push((self.siprec(child), child));
            }
            if let Some(analytics) = streamed(child) {
                chain.push((analytics, child));
            }
        }
        if chain.is_empty() {
            chain.push((StepKind::Other, verb));
        }
        self.chain(chain, next)
    }

    /// `<Start><Siprec>`: the call's audio goes live to a SIPREC recorder
    /// (the connector's), from here on. TeXML sends it unencrypted unless
    /// `secure="true"`; Twilio sets encryption on the connector, not here.
    fn siprec(&self, noun: Node) -> StepKind {
        let unencrypted = self.dialect == Dialect::Telnyx && noun.attribute("secure") != Some("true");
        RecordingStart {
            target: noun.attribute("connectorName").map(str::to_string),
            stream: true,
            unencrypted,
            voices: track_voices(noun.attribute("track")),
            ..RecordingStart::new("<Start><Siprec>", Capture::Immediately)
        }
        .into()
    }
}

/// `<Stream>` and `<Transcription>` under `<Start>` or `<Connect>`, and the
/// agents `<Connect>` hands the caller to (`<VirtualAgent>`, cXML `<AI>`):
/// the call's audio goes to another service while the call runs.
fn streamed(noun: Node) -> Option<StepKind> {
    let name = noun.tag_name().name();
    let analysed = matches!(name, "Stream" | "Transcription" | "VirtualAgent" | "AI");
    analysed.then(|| {
        StepKind::analytics(match noun.attribute("url") {
            Some(url) => format!("<{name}> to {url}"),
            None => format!("<{name}>"),
        })
    })
}

/// A conference recorded from when the caller joins it, where the caller is
/// already connected (TwiML `<Conference record="record-from-start">`, Plivo
/// `<Conference record="true">`).
pub(super) fn conference_recording(recorder: &str) -> StepKind {
    StepKind::recording(RecordingStart {
        before_answer: BeforeAnswer::NotRecorded,
        ..RecordingStart::new(recorder, Capture::Immediately)
    })
}

impl Walker<'_, '_> {
    /// `record="record-from-ringing[-dual]"` rewritten as
    /// `record-from-answer[-dual]`, when the value is written as read (no
    /// character references).
    fn recorded_from_answer(&self, node: Node) -> Option<Edit> {
        let value = node.attribute("record")?;
        let answer = value
            .strip_prefix("record-from-ringing")
            .map(|dual| format!("record-from-answer{dual}"))?;
        let span = self.at.attribute_span(node, "record");
        (span.len() == value.len()).then(|| Edit::new(span, answer))
    }
}

/// `<Dial record=...>`: from the answer, or from the ringing on.
fn dial_capture(record: &str) -> Option<Capture> {
    match record {
        "record-from-answer" | "record-from-answer-dual" | "true" => Some(Capture::FromBridge),
        "record-from-ringing" | "record-from-ringing-dual" => Some(Capture::Immediately),
        _ => None,
    }
}

fn twilio_recording(recorder: String, capture: Capture) -> RecordingStart {
    RecordingStart {
        // `record-from-ringing` says in its name that ringing is recorded.
        before_answer: if recorder.contains("record-from-ringing") {
            BeforeAnswer::Recorded
        } else {
            BeforeAnswer::of(capture)
        },
        ..RecordingStart::new(recorder, capture)
    }
}

/// `track`/`recordingTrack`: `inbound` is the audio the platform receives
/// from the caller, `outbound` what it sends to the caller.
pub(super) fn track_voices(track: Option<&str>) -> Voices {
    match track {
        Some("inbound") | Some("inbound_track") => Voices::Caller,
        Some("outbound") | Some("outbound_track") => Voices::Heard,
        _ => Voices::Both,
    }
}
