//! Recognising notices, consent questions and purposes in prompts. Prompt
//! names and spoken text are compared case-insensitively with
//! `-`, `_`, `/` and `.` read as spaces.

use crate::hash::HashMap;
use std::sync::Mutex;

use regex::Regex;

use crate::flow::pattern_matches;
use crate::glob::{GlobKind, GlobSet};

/// Word stems about recording. A prompt that has one is a recording notice
/// when it also says what is recorded is the call (`CALL_WORDS`), or when
/// the stem is in a form that says something *is* recorded
/// (`RECORDED_FORMS`) and the prompt is not an instruction to record a
/// message (`MESSAGE_WORDS`): "record your message after the tone" and
/// `record_video.mp4` are not notices.
const NOTICE_STEMS: &[&str] = &[
    "record",
    "monitor",
    "optag",
    "aufzeichn",
    "aufgezeichnet",
    "aufnahme",
    "mitgeschnitten",
    "inspel",
    "opptak",
    "enregistr",
    "grabad",
    "grabación",
    "grabacion",
    "registrat",
    "nagryw",
    "gravad",
    "gravação",
    "gravacao",
];

/// Whole words for the thing a notice says is recorded: the call or the
/// conversation.
const CALL_WORDS: &[&str] = &[
    "call",
    "calls",
    "conversation",
    "conversations",
    "samtale",
    "samtalen",
    "samtaler",
    "opkald",
    "opkaldet",
    "samtal",
    "samtalet",
    "gespräch",
    "gespräche",
    "anruf",
    "telefonat",
    "appel",
    "appels",
    "llamada",
    "llamadas",
    "chiamata",
    "chiamate",
    "rozmowa",
    "rozmowy",
    "chamada",
    "chamadas",
    "ligação",
    "ligacao",
];

/// Forms that say something is being recorded or monitored (passive,
/// progressive or the noun), not the bare imperative "record".
const RECORDED_FORMS: &[&str] = &[
    r"record(ed|ing|ings)",
    r"monitor(ed|ing)",
    r"optag(es|et|else|elsen|er)",
    r"aufgezeichnet",
    r"aufzeichnung",
    r"mitgeschnitten",
    r"inspel(ad|at|ade|as|ning)",
    r"opptak",
    r"enregistr(é|ée|és|ées|e|ement|ons)",
    r"grabad[ao]s?",
    r"grabaci[oó]n",
    r"registrat[aoie]",
    r"registrazione",
    r"nagrywan\w*",
    r"gravad[ao]s?",
    r"grava(ç|c)(ã|a)o",
];

/// Words of a message-recording instruction (voicemail, a name, a greeting,
/// a video) rather than a notice about the call.
const MESSAGE_WORDS: &[&str] = &[
    r"message",
    r"messages",
    r"voicemail",
    r"voice mail",
    r"vm",
    r"greeting",
    r"name",
    r"video",
    r"tone",
    r"beep",
    r"besked",
    r"tonen",
    r"nachricht",
    r"signalton",
    r"mensaje",
    r"tono",
    r"bip",
    r"messaggio",
    r"wiadomość",
    r"wiadomosc",
    r"mensagem",
];

/// Stems that make an input step a consent question, besides a recording
/// notice in its prompt ("press 1 to allow recording").
const CONSENT_STEMS: &[&str] = &["consent", "samtykke", "einwillig", "opt in", "optin"];

/// Variable names that hold a consent answer.
const CONSENT_VARIABLE_STEMS: &[&str] = &["consent", "optin", "opt_in", "samtykke"];

/// Words that announce a training-class purpose.
const TRAINING_WORDS: &[&str] = &[
    "training",
    "quality",
    "coaching",
    "uddannelse",
    "oplæring",
    "oplaering",
    "kvalitet",
    "schulung",
    "qualität",
    "qualitat",
];

/// Word beginnings that tell the caller the call is analysed, transcribed or
/// processed by AI, beyond being recorded.
const ANALYSIS_STEMS: &[&str] = &[
    "analys",
    "analyz",
    "transcri",
    "artificial intelligence",
    "voice assistant",
    "virtual assistant",
    "assistant listen",
    "speech analytics",
    "sentiment",
    "transskri",
    "kunstig intelligens",
    "künstliche intelligenz",
    "kunstliche intelligenz",
    "inteligencia artificial",
    "intelligence artificielle",
];

/// Word beginnings that speak of the caller's voiceprint: a question with
/// one asks about voice biometrics, separately from recording.
const VOICEPRINT_STEMS: &[&str] = &[
    "voiceprint",
    "voice print",
    "voice id",
    "voice authentica",
    "voice verifica",
    "voice biometric",
    "biometri",
    "biométri",
    "stemmeaftryk",
    "stemmegenkend",
    "stimmabdruck",
    "stimmerkennung",
    "empreinte vocale",
    "biometria",
];

/// Word beginnings that make a prompt ask for card data.
const CARD_DATA_STEMS: &[&str] = &[
    "card",
    "cvv",
    "cvc",
    "cv2",
    "security code",
    "expiry",
    "expiration",
    "kort",
    "kreditkart",
];

/// Word beginnings that, besides `CARD_DATA_STEMS`, make an input step's
/// variable, or the context or flow it is in, a payment step: a name says
/// what the step is for, where a prompt "for billing press 1" only offers it.
const PAYMENT_NAME_STEMS: &[&str] = &["payment", "pay", "billing", "betal", "zahlung"];

/// The subroutine arguments, in order: variables 0 to 8 of every graph.
pub const ARGUMENTS: [&str; 9] = [
    "ARG1", "ARG2", "ARG3", "ARG4", "ARG5", "ARG6", "ARG7", "ARG8", "ARG9",
];

pub struct Recognizers {
    notice: Regex,
    call_word: Regex,
    recorded_form: Regex,
    message_word: Regex,
    payment: Regex,
    card_data: Regex,
    menu_offer: Regex,
    consent: Regex,
    training: Regex,
    analysis: Regex,
    voiceprint: Regex,
    extra_notice: GlobSet,
    extra_consent: GlobSet,
    consent_variables: Vec<String>,
    /// Whether `ARG1` to `ARG9` name consent (as `is_consent_variable`):
    /// every graph has them.
    argument_consent: [bool; ARGUMENTS.len()],
    yes_answers: Vec<String>,
    /// `regex_answers` by expression: every FreeSWITCH unit tests the same
    /// few expressions, and compiling one costs more than analysing a step.
    regex_answers: Mutex<HashMap<String, (bool, bool)>>,
}

/// What a set of prompts says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromptMeaning {
    pub notice: bool,
    pub consent: bool,
    pub training: bool,
    /// The prompt says the call is analysed, transcribed or processed by AI.
    pub analysis: bool,
    /// The prompt speaks of the caller's voiceprint (voice biometrics).
    pub voiceprint: bool,
}

impl PromptMeaning {
    /// What two prompts played one after the other say.
    pub fn and(self, other: PromptMeaning) -> PromptMeaning {
        PromptMeaning {
            notice: self.notice || other.notice,
            consent: self.consent || other.consent,
            training: self.training || other.training,
            analysis: self.analysis || other.analysis,
            voiceprint: self.voiceprint || other.voiceprint,
        }
    }
}

impl Recognizers {
    pub fn new(
        extra_notice: &[String],
        extra_consent: &[String],
        consent_variables: &[String],
        yes_answers: &[String],
    ) -> Result<Recognizers, String> {
        let alternation = |words: &[&str]| {
            words
                .iter()
                .map(|w| regex::escape(w).replace("\\ ", " ").replace(' ', r"\s*"))
                .collect::<Vec<_>>()
                .join("|")
        };
        let built = |words: &[&str]| {
            Regex::new(&format!("(?i)({})", alternation(words))).map_err(|e| e.to_string())
        };
        let whole_words = |words: &[&str]| {
            Regex::new(&format!(
                r"(?i)\b({})\b",
                words.join("|").replace(' ', r"\s+")
            ))
            .map_err(|e| e.to_string())
        };
        let mut recognizers = Recognizers {
            notice: built(NOTICE_STEMS)?,
            call_word: whole_words(CALL_WORDS)?,
            recorded_form: whole_words(RECORDED_FORMS)?,
            message_word: whole_words(MESSAGE_WORDS)?,
            // At a word start: `card_number` and `CARDNUM`, not `discard`.
            payment: Regex::new(&format!(
                r"(?i)\b({})",
                alternation(&[CARD_DATA_STEMS, PAYMENT_NAME_STEMS].concat())
            ))
            .map_err(|e| e.to_string())?,
            card_data: Regex::new(&format!(r"(?i)\b({})", alternation(CARD_DATA_STEMS)))
                .map_err(|e| e.to_string())?,
            // "For billing press 1", "to pay by card, press 2": a menu
            // choice, not the card data itself.
            menu_offer: Regex::new(r"(?i)\bpress\s*\d\b").map_err(|e| e.to_string())?,
            consent: built(CONSENT_STEMS)?,
            training: built(TRAINING_WORDS)?,
            analysis: Regex::new(&format!(r"(?i)\b({})", alternation(ANALYSIS_STEMS)))
                .map_err(|e| e.to_string())?,
            voiceprint: Regex::new(&format!(r"(?i)\b({})", alternation(VOICEPRINT_STEMS)))
                .map_err(|e| e.to_string())?,
            extra_notice: GlobSet::new(extra_notice, GlobKind::Text)?,
            extra_consent: GlobSet::new(extra_consent, GlobKind::Text)?,
            consent_variables: consent_variables
                .iter()
                .map(|v| v.to_ascii_uppercase())
                .collect(),
            argument_consent: [false; ARGUMENTS.len()],
            yes_answers: yes_answers.iter().map(|a| a.to_lowercase()).collect(),
            regex_answers: Mutex::default(),
        };
        recognizers.argument_consent = ARGUMENTS.map(|name| recognizers.is_consent_variable(name));
        Ok(recognizers)
    }

    /// Reads one prompt (a file name or spoken text).
    pub fn prompt(&self, prompt: &str) -> PromptMeaning {
        let words = normalise(prompt);
        let notice = self.is_notice(prompt, &words);
        let voiceprint = self.voiceprint.is_match(&words);
        PromptMeaning {
            notice: notice || self.extra_notice.matches(prompt),
            // A question about the recording of the call, or about consent;
            // "to record your message, press 1" is neither, and consent to a
            // voiceprint is not consent to the recording.
            consent: notice
                || ((self.consent.is_match(&words) || self.extra_consent.matches(prompt))
                    && !voiceprint),
            training: self.training.is_match(&words),
            voiceprint,
            // Matching the caller's voice is their voice being analysed.
            analysis: voiceprint || self.analysis.is_match(&words),
        }
    }

    /// Whether a prompt tells the caller the call is (or may be) recorded. A
    /// sound file is judged by its name, not its folder (`recordings/welcome`
    /// is a greeting).
    ///
    /// `words` is `prompt` [`normalise`]d, which keeps every character's
    /// place: the name's words are its end.
    fn is_notice(&self, prompt: &str, words: &str) -> bool {
        let name = if prompt.contains(char::is_whitespace) {
            prompt
        } else {
            prompt.rsplit(['/', '\\']).next().unwrap_or(prompt)
        };
        let words = &words[words.len() - name.len()..];
        self.notice.is_match(words)
            && (self.call_word.is_match(words)
                || (self.recorded_form.is_match(words) && !self.message_word.is_match(words)))
    }

    /// Whether an input step whose prompts mean `meaning` asks for consent:
    /// they mention recording or consent, or its variable is a consent
    /// variable.
    pub fn asks_consent(&self, variable: &str, meaning: PromptMeaning) -> bool {
        meaning.consent || self.is_consent_variable(variable)
    }

    /// Whether an input asks for card data: a prompt asks for it (not a
    /// menu that offers a payment choice), or its variable or the context
    /// or flow it is in is about cards or payment.
    pub fn is_payment_input(&self, variable: &str, prompts: &[String], region: &str) -> bool {
        let asks_card_data = prompts.iter().any(|prompt| {
            let text = normalise(prompt);
            self.card_data.is_match(&text) && !self.menu_offer.is_match(&text)
        });
        asks_card_data
            || [variable, region]
                .iter()
                .any(|name| self.payment.is_match(&normalise(name)))
    }

    /// Whether each of `ARGUMENTS` names consent.
    pub fn argument_consent(&self) -> [bool; ARGUMENTS.len()] {
        self.argument_consent
    }

    pub fn is_consent_variable(&self, variable: &str) -> bool {
        let upper = variable.to_ascii_uppercase();
        let lower = variable.to_ascii_lowercase();
        self.consent_variables.contains(&upper)
            || CONSENT_VARIABLE_STEMS
                .iter()
                .any(|stem| lower.contains(stem))
    }

    pub fn is_yes(&self, answer: &str) -> bool {
        self.yes_answers.contains(&answer.trim().to_lowercase())
    }

    /// Some yes answer that matches a regular expression, and some other key
    /// or word that matches it. An expression that does not compile (or is
    /// too large) matches anything.
    pub fn regex_answers(&self, expression: &str) -> (bool, bool) {
        let memo = || self.regex_answers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&answers) = memo().get(expression) {
            return answers;
        }
        let answers = self.match_regex_answers(expression);
        memo().insert(expression.to_string(), answers);
        answers
    }

    fn match_regex_answers(&self, expression: &str) -> (bool, bool) {
        let Ok(regex) = regex::RegexBuilder::new(expression)
            .size_limit(1 << 20)
            .build()
        else {
            return (true, true);
        };
        let yes = self.yes_answers.iter().any(|a| regex.is_match(a));
        let other = [
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "no", "n", "nej", "nein",
        ]
        .iter()
        .filter(|k| !self.is_yes(k))
        .any(|k| regex.is_match(k));
        (yes, other)
    }

    /// Some yes answer that matches an Asterisk extension pattern, and some
    /// other key that matches it.
    pub fn pattern_answers(&self, pattern: &str) -> (bool, bool) {
        let yes = self.yes_answers.iter().any(|a| pattern_matches(pattern, a));
        let other = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]
            .iter()
            .filter(|k| !self.is_yes(k))
            .any(|k| pattern_matches(pattern, k));
        (yes, other)
    }
}

/// `prompt` with the separators of sound file names as spaces: each
/// character in its place, so the words of a part of a prompt are the same
/// part of its words.
fn normalise(prompt: &str) -> String {
    let mut words = String::with_capacity(prompt.len());
    words.extend(prompt.chars().map(|c| {
        if matches!(c, '-' | '_' | '/' | '.') {
            ' '
        } else {
            c
        }
    }));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What prompts played one after the other say.
    fn prompts(r: &Recognizers, prompts: &[&str]) -> PromptMeaning {
        prompts.iter().fold(PromptMeaning::default(), |meaning, p| {
            meaning.and(r.prompt(p))
        })
    }

    fn recognizers() -> Recognizers {
        Recognizers::new(
            &["*announce-rec*".to_string()],
            &[],
            &["RECOK".to_string()],
            &["1".into(), "yes".into(), "y".into(), "ja".into()],
        )
        .unwrap()
    }

    #[test]
    fn notices_in_many_languages() {
        let r = recognizers();
        assert!(prompts(&r, &["custom/this-call-is-recorded"]).notice);
        assert!(prompts(&r, &["da/samtalen-optages"]).notice);
        assert!(prompts(&r, &["Dieses Gespräch wird aufgezeichnet"]).notice);
        assert!(prompts(&r, &["custom/announce-rec-v2"]).notice);
        assert!(!prompts(&r, &["beep"]).notice);
        assert!(!prompts(&r, &["custom/welcome"]).notice);
        assert!(prompts(&r, &["This call may be monitored"]).notice);
        assert!(prompts(&r, &["ivr/ivr-recording_started"]).notice);
        assert!(prompts(&r, &["Vi optager alle opkald"]).notice);
        assert!(prompts(&r, &["Cet appel peut être enregistré"]).notice);
        assert!(prompts(&r, &["Esta llamada puede ser grabada"]).notice);
    }

    #[test]
    fn message_recording_is_not_a_notice() {
        let r = recognizers();
        for prompt in [
            "We will begin to record your message after the tone",
            "Please record your name after the beep",
            "/tmp/record_video.mp4",
            "vm-rec-name",
            "recordings/welcome",
            "Recording your greeting now",
            "Indtal din besked efter tonen",
            "Bitte sprechen Sie Ihre Nachricht nach dem Signalton",
            "Laissez votre message après le bip pour enregistrer",
            "Grabe su mensaje después del tono",
        ] {
            assert!(!prompts(&r, &[prompt]).notice, "{prompt}");
        }
        assert!(!prompts(&r, &["To record your message, press 1"]).consent);
        // A greeting that also says the call is recorded is a notice.
        assert!(
            prompts(
                &r,
                &["Your call is recorded. Leave a message after the tone"]
            )
            .notice
        );
    }

    #[test]
    fn consent_and_purpose() {
        let r = recognizers();
        assert!(r.asks_consent("X", prompts(&r, &["custom/press-1-to-allow-recording"])));
        assert!(r.asks_consent("X", prompts(&r, &["custom/samtykke"])));
        assert!(r.asks_consent("RECOK", prompts(&r, &["custom/menu"])));
        assert!(r.asks_consent("CALLER_CONSENT", prompts(&r, &["custom/menu"])));
        assert!(!r.asks_consent("DIGITS", prompts(&r, &["custom/menu"])));
        assert!(prompts(&r, &["recorded-for-training-and-quality"]).training);
    }

    #[test]
    fn payment_inputs() {
        let r = recognizers();
        assert!(r.is_payment_input("DIGITS", &["custom/enter-card-number".into()], "ivr"));
        assert!(r.is_payment_input("CARDNUM", &[], "ivr"));
        assert!(r.is_payment_input("X", &[], "take-payment"));
        assert!(r.is_payment_input("X", &["Please enter your CVV".into()], "main"));
        assert!(!r.is_payment_input("X", &["press 1 to discard".into()], "main"));
        assert!(!r.is_payment_input("CHOICE", &["custom/main-menu".into()], "from-pstn"));
        assert!(!r.is_payment_input("X", &["For billing press 1.".into()], "main"));
        assert!(!r.is_payment_input("X", &["To pay by card, press 2.".into()], "main"));
        assert!(r.is_payment_input(
            "X",
            &["Enter your card number, then press hash.".into()],
            "main"
        ));
    }

    #[test]
    fn answers() {
        let r = recognizers();
        assert!(r.is_yes("YES"));
        assert!(!r.is_yes("2"));
        assert_eq!(r.pattern_answers("_[12]"), (true, true));
        assert_eq!(r.pattern_answers("_1"), (true, false));
        assert_eq!(r.pattern_answers("_[2-9]"), (false, true));
    }
}
