//! The XML dialects that answer a call webhook with a `<Response>` document,
//! and how a document's dialect is told from its elements, attributes and
//! file name.
//!
//! - Twilio TwiML: <https://www.twilio.com/docs/voice/twiml>
//! - Telnyx TeXML, TwiML-compatible with its own attributes (`<Siprec
//!   secure>`, `<Record transcription>`):
//!   <https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/recording>,
//!   <https://main--telnyxdotcom-docs.netlify.app/docs/voice/programmable-voice/texml-verbs/siprec>
//! - SignalWire cXML (formerly LaML), TwiML-compatible with the `<Verto>`
//!   noun and the `<Connect><AI>` agent:
//!   <https://developer.signalwire.com/compatibility-api/xml/>,
//!   <https://github.com/signalwire/signalwire-perl/blob/d2b5b7704d9babd205093dcce454352bcf8bce2e/SignalWire-CompatXML/examples/laml.cgi>
//! - Plivo XML, with verbs of its own (`<Speak>`, `<GetDigits>`,
//!   `<GetInput>`, `<PreAnswer>`, `<Wait>`, `<DTMF>`):
//!   <https://www.plivo.com/docs/voice/xml/>
//!
//! A document whose elements all belong to the verbs every TwiML-compatible
//! dialect shares is read as TwiML: nothing in it says otherwise, and the
//! three read it alike.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

/// One dialect of `<Response>` documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Twilio,
    Telnyx,
    SignalWire,
    Plivo,
}

/// TwiML's verbs, which TeXML and cXML answer to as well.
pub const TWIML_VERBS: &[&str] = &[
    "Say", "Play", "Gather", "Dial", "Record", "Hangup", "Pause", "Redirect", "Reject", "Enqueue",
    "Leave", "Connect", "Start", "Stop", "Pay", "Refer", "Sms", "Message", "Echo",
];

/// The nouns nested in TwiML-compatible verbs.
const TWIML_NOUNS: &[&str] = &[
    "Number",
    "Sip",
    "Client",
    "Conference",
    "Queue",
    "Sim",
    "Application",
    "Identity",
    "Parameter",
    "Stream",
    "Siprec",
    "Recording",
    "Transcription",
    "Conversation",
    "ConversationRelay",
    "VirtualAgent",
    "Room",
    "Prompt",
    "Language",
    "Verto",
    "AI",
];

/// Nouns only SignalWire cXML has.
const SIGNALWIRE_ONLY: &[&str] = &["Verto", "AI"];

/// Plivo XML's elements that are verbs.
pub const PLIVO_VERBS: &[&str] = &[
    "Speak",
    "Play",
    "GetDigits",
    "GetInput",
    "Record",
    "Dial",
    "Conference",
    "MultiPartyCall",
    "Stream",
    "Wait",
    "Redirect",
    "Hangup",
    "PreAnswer",
    "DTMF",
    "Message",
];

/// Elements only Plivo XML has (`<User>` is a `<Dial>` noun).
const PLIVO_ONLY: &[&str] = &[
    "Speak",
    "GetDigits",
    "GetInput",
    "PreAnswer",
    "DTMF",
    "Wait",
    "MultiPartyCall",
    "User",
];

/// Plivo's background recording modes of `<Record>`.
static PLIVO_ATTRIBUTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<Record\b[^>]*\s(recordSession|startOnDialAnswer)\s*=").expect("valid regex")
});

/// Attributes only TeXML has: `<Siprec secure>`/`sessionTimeoutSecs`,
/// `<Record transcription>`/`transcriptionCallback`, `<Dial fromDisplayName>`.
static TELNYX_ATTRIBUTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"<(Siprec\b[^>]*\s(secure|sessionTimeoutSecs|includeMetadataCustomHeaders)|Record\b[^>]*\s(transcription|transcriptionCallback|transcriptionEngine)|Dial\b[^>]*\sfromDisplayName)\s*=",
    )
    .expect("valid regex")
});

static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("valid regex"));

/// Element names as dialects spell them (capitalised); SSML inside `<Say>`
/// and `<Speak>` is lowercase.
static ELEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<([A-Z][A-Za-z0-9]*)\b").expect("valid regex"));

impl Dialect {
    /// The format its graphs have and rules' `formats` lists name.
    pub fn format(self) -> &'static str {
        match self {
            Dialect::Twilio => "twilio",
            Dialect::Telnyx => "telnyx",
            Dialect::SignalWire => "signalwire",
            Dialect::Plivo => "plivo",
        }
    }

    /// What its documents are called, for messages.
    pub fn language(self) -> &'static str {
        match self {
            Dialect::Twilio => "TwiML",
            Dialect::Telnyx => "TeXML",
            Dialect::SignalWire => "cXML",
            Dialect::Plivo => "Plivo XML",
        }
    }

    /// The verbs a document of this dialect may hold.
    pub fn verbs(self) -> &'static [&'static str] {
        match self {
            Dialect::Plivo => PLIVO_VERBS,
            _ => TWIML_VERBS,
        }
    }

    /// The dialect of a `<Response>` document (`name`: its lowercase file
    /// name), or `None` when none of its elements belongs to any dialect.
    /// Each dialect's own elements, attributes or file name decide first,
    /// Plivo's before Telnyx's before SignalWire's; a file name counts only
    /// where the verbs allow it.
    pub fn of_document(text: &str, name: Option<&str>) -> Option<Dialect> {
        let text = COMMENT.replace_all(text, "");
        let elements: BTreeSet<&str> = ELEMENT
            .captures_iter(&text)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .filter(|&e| e != "Response")
            .collect();
        let has = |names: &[&str]| elements.iter().any(|e| names.contains(e));
        let named = |hints: &[&str]| name.is_some_and(|n| hints.iter().any(|h| n.contains(h)));
        // A Plivo file name does not outweigh verbs Plivo lacks.
        let twiml_only = elements
            .iter()
            .any(|e| TWIML_VERBS.contains(e) && !PLIVO_VERBS.contains(e));
        let plivo_named = named(&["plivo"]) && !twiml_only;
        if plivo_named || has(PLIVO_ONLY) || PLIVO_ATTRIBUTES.is_match(&text) {
            Some(Dialect::Plivo)
        } else if named(&["texml", "telnyx"]) || TELNYX_ATTRIBUTES.is_match(&text) {
            Some(Dialect::Telnyx)
        } else if named(&["cxml", "laml", "signalwire"]) || has(SIGNALWIRE_ONLY) {
            Some(Dialect::SignalWire)
        } else if elements.is_empty() || has(TWIML_VERBS) || has(TWIML_NOUNS) {
            Some(Dialect::Twilio)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dialect_is_told_apart_by_its_elements_attributes_and_name() {
        use Dialect::*;
        let table: &[(&str, Option<&str>, Option<Dialect>)] = &[
            // Only verbs every TwiML-compatible dialect shares: TwiML.
            ("<Response><Say>Hi</Say><Dial><Number>+1</Number></Dial></Response>", Some("voice.xml"), Some(Twilio)),
            ("<Response><Start><Recording track=\"both\"/></Start></Response>", None, Some(Twilio)),
            ("<Response/>", Some("hangup.twiml"), Some(Twilio)),
            // Twilio's `<Siprec>` has no `secure`: still TwiML.
            ("<Response><Start><Siprec connectorName=\"srs\"/></Start></Response>", None, Some(Twilio)),
            // Telnyx: its attributes, or the file name.
            ("<Response><Start><Siprec connectorName=\"srs\" secure=\"true\"/></Start></Response>", None, Some(Telnyx)),
            ("<Response><Record transcription=\"true\" transcriptionCallback=\"/t\"/></Response>", None, Some(Telnyx)),
            ("<Response><Dial fromDisplayName=\"Support\"><Number>+1</Number></Dial></Response>", None, Some(Telnyx)),
            ("<Response><Say>Hi</Say></Response>", Some("texml/inbound.xml"), Some(Telnyx)),
            // SignalWire: `<Verto>`, or a LaML/cXML file name.
            ("<Response><Dial record=\"record-from-answer\"><Verto>a@b.verto.signalwire.com</Verto></Dial></Response>", None, Some(SignalWire)),
            ("<Response><Connect><AI postPromptURL=\"/p\"><Prompt>Be brief</Prompt></AI></Connect></Response>", None, Some(SignalWire)),
            ("<Response><Say>Hi</Say></Response>", Some("laml_bin.xml"), Some(SignalWire)),
            ("<Response><Say>Hi</Say></Response>", Some("cxml/voice.xml"), Some(SignalWire)),
            // Plivo: its own verbs, `<Record>` modes, or the file name.
            ("<Response><Speak>Hi</Speak></Response>", None, Some(Plivo)),
            ("<Response><GetInput action=\"/c\"><Speak>Press 1</Speak></GetInput></Response>", None, Some(Plivo)),
            ("<Response><GetDigits action=\"/c\"/></Response>", None, Some(Plivo)),
            ("<Response><Record recordSession=\"true\"/><Dial><Number>1</Number></Dial></Response>", None, Some(Plivo)),
            ("<Response><Record startOnDialAnswer=\"true\"/></Response>", None, Some(Plivo)),
            ("<Response><Dial><User>sip:a@phone.plivo.com</User></Dial></Response>", None, Some(Plivo)),
            ("<Response><Play>https://x/a.mp3</Play></Response>", Some("plivo_answer.xml"), Some(Plivo)),
            // TwiML verbs in a file named for Plivo: TwiML.
            ("<Response><Gather action=\"/m\"><Say>Hi</Say></Gather></Response>", Some("plivo_migration.xml"), Some(Twilio)),
            // A Plivo verb wins over a TeXML name: the verbs are what runs.
            ("<Response><Speak>Hi</Speak></Response>", Some("texml.xml"), Some(Plivo)),
            // Comments do not count, nor SSML inside a prompt.
            ("<Response><!-- <Speak> in Plivo --><Say><break time=\"1s\"/>Hi</Say></Response>", None, Some(Twilio)),
            // Elements of no dialect: not guessed.
            ("<Response><Ask>Hi</Ask><Transfer>1</Transfer></Response>", Some("voice.xml"), None),
        ];
        for (text, name, expected) in table {
            assert_eq!(Dialect::of_document(text, *name), *expected, "{text} named {name:?}");
        }
    }
}
