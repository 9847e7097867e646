//! Reading Archy values: text behind `lit:`/`exp:`/`tts:`, what audio
//! says, the variable a condition tests, the key a menu choice answers to.

use std::sync::LazyLock;

use regex::Regex;

use crate::flow::{AnswerMatch, Guard, Variable};
use crate::parse::json::{Json, Value};

/// A test of one variable against a literal: `Flow.Consent == "1"`,
/// `Task.answer != 2`.
static COMPARISON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([A-Za-z_][\w.]*)\s*(==|!=)\s*"?([^"]*?)"?\s*$"#).expect("valid regex")
});

/// A bare variable tested for truth: `Flow.ConsentGiven`.
static BARE_VARIABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Za-z_]\w*\.[\w.]+)\s*$").expect("valid regex"));

/// The string literals of an audio expression: `ToAudioTTS("Hello")`.
static STRING_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""((?:[^"\\]|\\.)*)""#).expect("valid regex"));

/// A test of one variable, as a decision or switch case writes it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Test {
    pub variable: Variable,
    pub answer: AnswerMatch,
    /// `!=`: the test holds when the variable is anything else.
    pub negated: bool,
}

impl Test {
    /// What is known where the test holds.
    pub(super) fn holds(&self) -> Vec<Guard> {
        vec![self.guard(self.negated)]
    }

    /// What is known where it does not.
    pub(super) fn fails(&self) -> Vec<Guard> {
        vec![self.guard(!self.negated)]
    }

    fn guard(&self, default: bool) -> Guard {
        if default {
            Guard::Default {
                variable: self.variable.clone(),
                not: match &self.answer {
                    AnswerMatch::Values(values) => values.clone(),
                    _ => Vec::new(),
                },
            }
        } else {
            Guard::Answer {
                variable: self.variable.clone(),
                answer: self.answer.clone(),
            }
        }
    }
}

/// The variable and answer an expression tests, when it tests one.
pub(super) fn test_of(expression: &str) -> Option<Test> {
    if let Some(c) = COMPARISON.captures(expression) {
        return Some(Test {
            variable: Variable::Named(c[1].to_string()),
            answer: AnswerMatch::Values(vec![c[3].to_string()]),
            negated: &c[2] == "!=",
        });
    }
    let c = BARE_VARIABLE.captures(expression)?;
    Some(Test {
        variable: Variable::Named(c[1].to_string()),
        answer: AnswerMatch::AnyValue,
        negated: false,
    })
}

/// The cases of a `switch` and its default: under `evaluate` (e.g.
/// `evaluate.firstTrue.cases`) or directly.
pub(super) fn switch_parts(settings: &Json) -> (&[Json], Option<&Json>) {
    let mut holder = settings;
    for _ in 0..3 {
        if let Some(cases) = holder.get("cases") {
            return (cases.as_array(), holder.get("default"));
        }
        match holder
            .members()
            .iter()
            .find(|m| matches!(m.value.value, Value::Object(_)) && m.key != "outputs")
        {
            Some(inner) => holder = &inner.value,
            None => break,
        }
    }
    (&[], None)
}

/// The key a menu choice answers to: `digit_1` is `1`; a choice heard
/// only by speech answers to its name.
pub(super) fn menu_answer(choice: &Json) -> String {
    match text(choice.get("dtmf")) {
        Some(dtmf) => {
            let key = dtmf.strip_prefix("digit_").unwrap_or(&dtmf);
            match key {
                "star" => "*".into(),
                "pound" | "hash" => "#".into(),
                key => key.into(),
            }
        }
        None => text(choice.get("name")).unwrap_or_default(),
    }
}

/// Whether an action's settings switch its feature off (`enable: false`).
pub(super) fn switched_off(settings: &Json) -> bool {
    settings.members().iter().any(|m| {
        m.key.to_ascii_lowercase().contains("enable")
            && text(Some(&m.value)).is_some_and(|t| t == "false")
    })
}

/// A value as text: a scalar, or what `lit:`, `exp:`, `tts:` or `name:`
/// holds (`targetQueue: { lit: { name: Support } }` is `Support`).
pub(super) fn text(value: Option<&Json>) -> Option<String> {
    let mut value = value?;
    for _ in 0..4 {
        if let Some(text) = value.as_text() {
            return Some(text);
        }
        value = ["lit", "exp", "tts", "var", "name"]
            .iter()
            .find_map(|k| value.get(k))?;
    }
    None
}

/// What an audio setting says: `tts:` text, the string literals of an
/// `exp:` expression, or the prompt named by `lit:`/`name:`.
pub(super) fn audio_texts(audio: &Json) -> Vec<String> {
    if let Some(expression) = audio.get("exp").and_then(Json::as_text) {
        let literals: Vec<String> = STRING_LITERAL
            .captures_iter(&expression)
            .map(|c| c[1].replace("\\\"", "\""))
            .collect();
        return if literals.is_empty() {
            vec![expression]
        } else {
            literals
        };
    }
    match &audio.value {
        // Per language: `tts: { en-us: ... }`.
        Value::Object(_) if audio.get("tts").is_some_and(|t| t.as_text().is_none()) => audio
            .get("tts")
            .map(|t| t.members().iter().filter_map(|m| m.value.as_text()).collect())
            .unwrap_or_default(),
        _ => text(Some(audio)).into_iter().collect(),
    }
}

/// `TransferToAcd` → `transferToAcd`.
pub(super) fn lower_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::frontend::genesys::parse;
    use crate::source::{FileId, SourceFile};

    fn yaml(text: &str) -> Json {
        let source = SourceFile::new(PathBuf::from("v.yaml"), "v.yaml".into(), text.into());
        parse::parse(FileId(0), &source).expect("parses").root
    }

    #[test]
    fn conditions_that_test_one_variable() {
        let equal = test_of(r#"Flow.Consent == "1""#).expect("a test");
        assert_eq!(equal.variable, Variable::Named("Flow.Consent".into()));
        assert_eq!(equal.answer, AnswerMatch::Values(vec!["1".into()]));
        assert!(!equal.negated);
        assert!(test_of("Task.answer != 2").expect("a test").negated);
        let bare = test_of("Flow.ConsentGiven").expect("a test");
        assert_eq!(bare.answer, AnswerMatch::AnyValue);
        assert_eq!(test_of("true"), None);
        assert_eq!(test_of(r#"Flow.A == "1" and Flow.B == "2""#), None);
    }

    #[test]
    fn what_audio_says() {
        let tts = yaml("audio:\n  tts: This call is recorded.\n");
        assert_eq!(
            audio_texts(tts.get("audio").unwrap()),
            ["This call is recorded."]
        );
        let exp = yaml(
            "audio:\n  exp: AudioPlaybackOptions(Append(ToAudioBlank(500), ToAudioTTS(\"Press 1.\")), true)\n",
        );
        assert_eq!(audio_texts(exp.get("audio").unwrap()), ["Press 1."]);
        let languages = yaml("audio:\n  tts:\n    en-us: Hello.\n    de-de: Hallo.\n");
        assert_eq!(audio_texts(languages.get("audio").unwrap()), ["Hello.", "Hallo."]);
        let system = yaml("prompt:\n  lit:\n    name: PromptSystem.on_hold_music\n");
        assert_eq!(
            audio_texts(system.get("prompt").unwrap()),
            ["PromptSystem.on_hold_music"]
        );
    }

    #[test]
    fn values_menu_keys_and_switches() {
        let queue = yaml("targetQueue:\n  lit:\n    name: Support\n");
        assert_eq!(text(queue.get("targetQueue")).as_deref(), Some("Support"));
        assert_eq!(text(yaml("x:\n  noValue: true\n").get("x")), None);
        assert_eq!(menu_answer(&yaml("dtmf: digit_1\n")), "1");
        assert_eq!(menu_answer(&yaml("dtmf: digit_star\n")), "*");
        assert_eq!(menu_answer(&yaml("name: Yes\nspeechRecTerms: {}\n")), "Yes");
        assert!(switched_off(&yaml("enableTranscription:\n  lit: false\n")));
        assert!(!switched_off(&yaml("name: Transcribe\n")));
        let switch = yaml(
            "evaluate:\n  firstTrue:\n    cases:\n      - case:\n          value:\n            exp: Flow.X == \"1\"\n    default:\n      actions: []\n",
        );
        let (cases, default) = switch_parts(&switch);
        assert_eq!(cases.len(), 1);
        assert!(default.is_some());
        assert_eq!(lower_first("TransferToAcd"), "transferToAcd");
    }
}
