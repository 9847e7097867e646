//! Amazon Connect flow language for the tree generators, by
//! `#[path = "connect_json.rs"] mod connect_json;` (after `mod common;`):
//! a small JSON writer that prints like `serde_json::to_string_pretty`,
//! actions with their transitions, the parameters of the action types the
//! generators use, and prompt texts.
// Each generator uses a subset of these.
#![allow(dead_code)]

use crate::common::Rng;

pub const WELCOME_TEXTS: &[&str] = &[
    "Welcome to Example Energy customer service.",
    "Thank you for calling Example Bank.",
    "Welcome. You are through to the support line.",
    "Hello, and thanks for calling.",
];

pub const NOTICE_TEXTS: &[&str] = &[
    "This call is recorded.",
    "Calls are recorded for quality purposes.",
    "This call may be recorded for training and quality purposes.",
    "Your call may be monitored or recorded for training.",
    "Please note that we record calls to improve our service.",
];

pub const OTHER_TEXTS: &[&str] = &[
    "Please hold while we find an agent.",
    "All of our agents are busy. Please stay on the line.",
    "Our opening hours are 8 am to 6 pm, Monday to Friday.",
    "You can also find answers on our website.",
    "Your call is important to us.",
    "Thank you.",
];

pub const MENU_OPTIONS: &[&str] = &[
    "billing",
    "a new contract",
    "technical support",
    "moving house",
    "a complaint",
    "anything else",
];

pub const ATTRIBUTES: &[(&str, &[&str])] = &[
    ("vip", &["true", "false"]),
    ("language", &["en", "da", "de"]),
    ("segment", &["business", "private"]),
    ("region", &["north", "south", "east", "west"]),
];

/// The Connect instance every ARN points into.
pub const INSTANCE: &str =
    "arn:aws:connect:eu-west-1:111122223333:instance/8c1b3f0e-5a2d-4f6e-9b7a-0d4c2e1f3a5b";

/// A version-4 UUID, as Amazon Connect uses for identifiers.
pub fn uuid(rng: &mut Rng) -> String {
    let a = rng.next();
    let b = rng.next();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// A JSON value, written like `serde_json::to_string_pretty`.
pub enum J {
    Str(String),
    Num(i64),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

pub fn s(text: impl Into<String>) -> J {
    J::Str(text.into())
}

pub fn obj(pairs: Vec<(&str, J)>) -> J {
    J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub fn strs(items: &[&str]) -> J {
    J::Arr(items.iter().map(|i| s(*i)).collect())
}

fn write_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn render(value: &J, indent: usize, out: &mut String) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    match value {
        J::Str(text) => write_str(out, text),
        J::Num(n) => out.push_str(&n.to_string()),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Obj(members) if members.is_empty() => out.push_str("{}"),
        J::Arr(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, indent + 2);
                render(item, indent + 2, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push(']');
        }
        J::Obj(members) => {
            out.push_str("{\n");
            for (i, (key, item)) in members.iter().enumerate() {
                pad(out, indent + 2);
                write_str(out, key);
                out.push_str(": ");
                render(item, indent + 2, out);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
    }
}

pub fn clone_json(value: &J) -> J {
    match value {
        J::Str(text) => J::Str(text.clone()),
        J::Num(n) => J::Num(*n),
        J::Arr(items) => J::Arr(items.iter().map(clone_json).collect()),
        J::Obj(members) => J::Obj(
            members
                .iter()
                .map(|(k, v)| (k.clone(), clone_json(v)))
                .collect(),
        ),
    }
}

/// A flow-language document: `Version`, `StartAction`, `Metadata` and
/// `Actions`, pretty-printed with a final newline.
pub fn flow_text(start: &str, metadata: J, actions: Vec<J>) -> String {
    let document = obj(vec![
        ("Version", s("2019-10-30")),
        ("StartAction", s(start)),
        ("Metadata", metadata),
        ("Actions", J::Arr(actions)),
    ]);
    let mut text = String::new();
    render(&document, 0, &mut text);
    text.push('\n');
    text
}

/// Where a transition goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An action of the same flow, by index.
    At(usize),
    /// A landing site in another block, chosen once every block exists.
    Remote,
}

pub struct Action {
    pub kind: &'static str,
    pub parameters: J,
    pub next: Option<Target>,
    /// Operator, operand, target.
    pub conditions: Vec<(&'static str, String, Target)>,
    /// Error type, target.
    pub errors: Vec<(&'static str, Target)>,
}

impl Action {
    pub fn new(kind: &'static str, parameters: J) -> Action {
        Action {
            kind,
            parameters,
            next: None,
            conditions: Vec::new(),
            errors: Vec::new(),
        }
    }

    pub fn next(mut self, target: Target) -> Action {
        self.next = Some(target);
        self
    }

    pub fn when(mut self, operator: &'static str, operand: &str, target: Target) -> Action {
        self.conditions
            .push((operator, operand.to_string(), target));
        self
    }

    pub fn error(mut self, kind: &'static str, target: Target) -> Action {
        self.errors.push((kind, target));
        self
    }

    pub fn targets(&self) -> impl Iterator<Item = Target> + '_ {
        self.next
            .iter()
            .copied()
            .chain(self.conditions.iter().map(|c| c.2))
            .chain(self.errors.iter().map(|e| e.1))
    }

    /// Every target, to resolve `Target::Remote`.
    pub fn targets_mut(&mut self) -> impl Iterator<Item = &mut Target> + '_ {
        self.next
            .iter_mut()
            .chain(self.conditions.iter_mut().map(|c| &mut c.2))
            .chain(self.errors.iter_mut().map(|e| &mut e.1))
    }

    /// The action as flow language; `ids[i]` is the identifier of action
    /// `i`. Every target must be resolved (`Target::At`).
    pub fn to_json(&self, identifier: &str, ids: &[String]) -> J {
        let id = |t: Target| match t {
            Target::At(i) => s(ids[i].clone()),
            Target::Remote => unreachable!("remote targets are resolved"),
        };
        let mut transitions = Vec::new();
        if let Some(next) = self.next {
            transitions.push(("NextAction", id(next)));
        }
        if !self.conditions.is_empty() {
            transitions.push((
                "Conditions",
                J::Arr(
                    self.conditions
                        .iter()
                        .map(|(operator, operand, to)| {
                            obj(vec![
                                ("NextAction", id(*to)),
                                (
                                    "Condition",
                                    obj(vec![
                                        ("Operator", s(*operator)),
                                        ("Operands", strs(&[operand])),
                                    ]),
                                ),
                            ])
                        })
                        .collect(),
                ),
            ));
        }
        if !self.errors.is_empty() {
            transitions.push((
                "Errors",
                J::Arr(
                    self.errors
                        .iter()
                        .map(|(kind, to)| {
                            obj(vec![("NextAction", id(*to)), ("ErrorType", s(*kind))])
                        })
                        .collect(),
                ),
            ));
        }
        J::Obj(vec![
            ("Parameters".into(), clone_json(&self.parameters)),
            ("Identifier".into(), s(identifier)),
            ("Type".into(), s(self.kind)),
            ("Transitions".into(), obj(transitions)),
        ])
    }
}

/// The actions of one flow under construction, in order.
#[derive(Default)]
pub struct Actions {
    pub actions: Vec<Action>,
}

impl Actions {
    pub fn here(&self) -> usize {
        self.actions.len()
    }

    /// The action after the one about to be pushed.
    pub fn after(&self) -> Target {
        Target::At(self.here() + 1)
    }

    pub fn push(&mut self, action: Action) -> usize {
        self.actions.push(action);
        self.actions.len() - 1
    }

    /// Pushes `action` going on to the next action, also on error.
    pub fn step(&mut self, action: Action) -> usize {
        let next = self.after();
        self.push(action.next(next).error("NoMatchingError", next))
    }

    /// A prompt that goes on to the next action.
    pub fn message(&mut self, text: &str) -> usize {
        self.step(Action::new(
            "MessageParticipant",
            obj(vec![("Text", s(text))]),
        ))
    }

    /// Starts recording agent and customer (`ivr`: from now on, IVR
    /// included).
    pub fn recording_start(&mut self, ivr: bool) -> usize {
        let mut behavior = vec![("RecordedParticipants", strs(&["Agent", "Customer"]))];
        if ivr {
            behavior.push(("IVRRecordingBehavior", s("Enabled")));
        }
        let next = self.after();
        self.push(
            Action::new(
                "UpdateContactRecordingBehavior",
                obj(vec![("RecordingBehavior", obj(behavior))]),
            )
            .next(next),
        )
    }

    pub fn recording_stop(&mut self) -> usize {
        let next = self.after();
        self.push(
            Action::new(
                "UpdateContactRecordingBehavior",
                obj(vec![(
                    "RecordingBehavior",
                    obj(vec![("RecordedParticipants", J::Arr(Vec::new()))]),
                )]),
            )
            .next(next),
        )
    }

    /// Sets one contact attribute, then goes on.
    pub fn set_attribute(&mut self, name: &str, value: &str) -> usize {
        self.step(Action::new(
            "UpdateContactAttributes",
            obj(vec![("Attributes", obj(vec![(name, s(value))]))]),
        ))
    }

    /// An account number entered as digits and stored, with a retry back
    /// to the prompt (4 actions); returns the prompt.
    pub fn account_number(&mut self) -> usize {
        let prompt = self.message("Please have your account number ready.");
        let next = self.after();
        self.push(
            Action::new(
                "GetParticipantInput",
                obj(vec![
                    (
                        "Text",
                        s("Please enter your account number followed by the hash key."),
                    ),
                    ("StoreInput", s("True")),
                    (
                        "InputValidation",
                        obj(vec![(
                            "CustomValidation",
                            obj(vec![("MaximumLength", s("8"))]),
                        )]),
                    ),
                    ("InputTimeLimitSeconds", s("8")),
                ]),
            )
            .next(next)
            .error("InputTimeLimitExceeded", Target::At(prompt))
            .error("NoMatchingError", Target::At(prompt)),
        );
        self.set_attribute("account_number", "$.StoredCustomerInput");
        let next = self.after();
        self.push(
            compare("account_number")
                .when("TextStartsWith", "0", Target::At(prompt))
                .error("NoMatchingCondition", next),
        );
        prompt
    }

    /// A Lambda look-up, then goes on.
    pub fn lambda(&mut self, function: &str) -> usize {
        self.step(Action::new(
            "InvokeLambdaFunction",
            obj(vec![
                (
                    "LambdaFunctionARN",
                    s(format!(
                        "arn:aws:lambda:eu-west-1:111122223333:function:{function}"
                    )),
                ),
                ("InvocationTimeLimitSeconds", s("3")),
                ("ResponseValidation", obj(vec![("ResponseType", s("JSON"))])),
            ]),
        ))
    }
}

/// `Compare` on `$.Attributes.<name>`; the caller adds the conditions.
pub fn compare(name: &str) -> Action {
    Action::new(
        "Compare",
        obj(vec![("ComparisonValue", s(format!("$.Attributes.{name}")))]),
    )
}

pub fn logging_behavior() -> Action {
    Action::new(
        "UpdateFlowLoggingBehavior",
        obj(vec![("FlowLoggingBehavior", s("Enabled"))]),
    )
}

pub fn voice(name: &str) -> Action {
    Action::new(
        "UpdateContactTextToSpeechVoice",
        obj(vec![("TextToSpeechVoice", s(name))]),
    )
}

/// `UpdateContactTargetQueue` to the queue with this id.
pub fn target_queue(queue: &str) -> Action {
    Action::new(
        "UpdateContactTargetQueue",
        obj(vec![("QueueId", s(format!("{INSTANCE}/queue/{queue}")))]),
    )
}

/// `CheckHoursOfOperation`; the caller adds `True`/`False` conditions.
pub fn check_hours(hours: &str) -> Action {
    Action::new(
        "CheckHoursOfOperation",
        obj(vec![(
            "Hours",
            s(format!("{INSTANCE}/operating-hours/{hours}")),
        )]),
    )
}

/// `TransferToFlow` to the flow named `stem` (the ARN's last segment).
pub fn transfer_to_flow(stem: &str) -> Action {
    Action::new(
        "TransferToFlow",
        obj(vec![(
            "ContactFlowId",
            s(format!("{INSTANCE}/contact-flow/{stem}")),
        )]),
    )
}

/// `GetParticipantInput` with this prompt; `store` keeps the answer in
/// `$.StoredCustomerInput`.
pub fn input(text: &str, store: bool, seconds: &str) -> Action {
    Action::new(
        "GetParticipantInput",
        obj(vec![
            ("Text", s(text)),
            ("StoreInput", s(if store { "True" } else { "False" })),
            ("InputTimeLimitSeconds", s(seconds)),
        ]),
    )
}
