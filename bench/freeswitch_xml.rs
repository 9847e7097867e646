//! FreeSWITCH XML dialplans for the tree generators, by
//! `#[path = "freeswitch_xml.rs"] mod freeswitch_xml;` (after `mod common;`):
//! extensions, conditions and actions, how they are written, the
//! extensions of the vanilla configuration, user extensions and prompts.
// Each generator uses a subset of these.
#![allow(dead_code)]

use std::fmt::Write as _;

use reclint::report::checkstyle::xml_attribute;

use crate::common::Rng;

pub const WELCOME_PROMPTS: &[&str] = &[
    "ivr/ivr-welcome.wav",
    "custom/welcome.wav",
    "$${sounds_dir}/custom/thank-you-for-calling.wav",
    "custom/welcome-after-hours.wav",
];

pub const NOTICE_PROMPTS: &[&str] = &[
    "custom/this-call-is-recorded.wav",
    "custom/this-call-may-be-recorded.wav",
    "custom/calls-may-be-recorded-for-training.wav",
    "custom/recorded-for-quality-and-training.wav",
];

pub const OTHER_PROMPTS: &[&str] = &[
    "ivr/ivr-please_hold.wav",
    "ivr/ivr-hold_connect_call.wav",
    "custom/opening-hours.wav",
    "ivr/ivr-not_available.wav",
    "custom/all-agents-busy.wav",
];

pub const RECORD_PATH: &str = "$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav";

pub const CONSENT_QUESTION: &str =
    "1 1 3 5000 # custom/press-1-to-allow-recording.wav silence_stream://250 consent \\d";

pub const GROUPS: &[&str] = &["support", "sales", "billing", "tech", "retention"];

/// A `<condition>`, `<action>` or `<anti-action>`.
pub enum Node {
    Action {
        application: &'static str,
        data: Option<String>,
        anti: bool,
        inline: bool,
    },
    Condition {
        /// `field`/`expression` and other attributes, in order.
        attributes: Vec<(&'static str, String)>,
        children: Vec<Node>,
    },
    /// `<!-- text -->`, such as a `reclint:` directive for the next action.
    Comment(String),
}

pub fn act(application: &'static str, data: impl Into<String>) -> Node {
    Node::Action {
        application,
        data: Some(data.into()),
        anti: false,
        inline: false,
    }
}

pub fn bare(application: &'static str) -> Node {
    Node::Action {
        application,
        data: None,
        anti: false,
        inline: false,
    }
}

pub fn anti(application: &'static str, data: impl Into<String>) -> Node {
    Node::Action {
        application,
        data: Some(data.into()),
        anti: true,
        inline: false,
    }
}

pub fn cond(field: &str, expression: &str, children: Vec<Node>) -> Node {
    Node::Condition {
        attributes: vec![
            ("field", field.to_string()),
            ("expression", expression.to_string()),
        ],
        children,
    }
}

pub fn destination(number: u32, children: Vec<Node>) -> Node {
    cond("destination_number", &format!("^({number})$"), children)
}

pub struct Extension {
    pub name: String,
    pub continues: bool,
    pub conditions: Vec<Node>,
}

pub fn render_node(node: &Node, indent: usize, out: &mut String, stats: &mut Stats) {
    let pad = " ".repeat(indent);
    match node {
        Node::Comment(text) => {
            let _ = writeln!(out, "{pad}<!-- {text} -->");
        }
        Node::Action {
            application,
            data,
            anti,
            inline,
        } => {
            stats.actions += 1;
            if *application == "record_session"
                || data
                    .as_deref()
                    .is_some_and(|d| d.contains("=record_session"))
            {
                stats.recordings += 1;
            }
            if matches!(*application, "transfer" | "execute_extension") {
                stats.jumps += 1;
            }
            let tag = if *anti { "anti-action" } else { "action" };
            let _ = write!(out, "{pad}<{tag} application=\"{application}\"");
            if let Some(data) = data {
                let _ = write!(out, " data=\"{}\"", xml_attribute(data));
            }
            if *inline {
                out.push_str(" inline=\"true\"");
            }
            out.push_str("/>\n");
        }
        Node::Condition {
            attributes,
            children,
        } => {
            stats.conditions += 1;
            let _ = write!(out, "{pad}<condition");
            for (name, value) in attributes {
                let _ = write!(out, " {name}=\"{}\"", xml_attribute(value));
            }
            if children.is_empty() {
                out.push_str("/>\n");
                return;
            }
            out.push_str(">\n");
            for child in children {
                render_node(child, indent + 2, out, stats);
            }
            let _ = writeln!(out, "{pad}</condition>");
        }
    }
}

pub fn render_extension(ext: &Extension, indent: usize, out: &mut String, stats: &mut Stats) {
    stats.extensions += 1;
    let pad = " ".repeat(indent);
    let _ = write!(out, "{pad}<extension name=\"{}\"", xml_attribute(&ext.name));
    if ext.continues {
        out.push_str(" continue=\"true\"");
    }
    out.push_str(">\n");
    for condition in &ext.conditions {
        render_node(condition, indent + 2, out, stats);
    }
    let _ = writeln!(out, "{pad}</extension>");
}

#[derive(Default)]
pub struct Stats {
    pub extensions: usize,
    pub conditions: usize,
    pub actions: usize,
    pub recordings: usize,
    pub jumps: usize,
}

/// Bridges to a user's phone; 5% record the bridged call
/// (`{execute_on_answer=record_session ...}`).
pub fn bridge_user(rng: &mut Rng, n: u32) -> Node {
    if rng.percent(5) {
        act(
            "bridge",
            format!("{{execute_on_answer=record_session {RECORD_PATH}}}user/{n}@${{domain_name}}"),
        )
    } else {
        act("bridge", format!("user/{n}@${{domain_name}}"))
    }
}

/// Starts recording in one of the usual ways, or (76%) not at all.
pub fn maybe_record(rng: &mut Rng, out: &mut Vec<Node>) {
    match rng.below(100) {
        0..=9 => out.push(act(
            "export",
            format!("execute_on_answer=record_session {RECORD_PATH}"),
        )),
        10..=19 => {
            out.push(act("set", "RECORD_BRIDGE_REQ=true"));
            out.push(act("record_session", RECORD_PATH));
        }
        20..=23 => out.push(act("record_session", RECORD_PATH)),
        _ => {}
    }
}

/// A user's extension `user-N` on `^(N)$`: `set`s, the bridge, then
/// voicemail or a hang-up. With `record`, about a quarter of them record
/// (`maybe_record`, `bridge_user`); without, none does.
pub fn user_extension(rng: &mut Rng, n: u32, record: bool) -> Extension {
    let mut then = vec![
        act("set", "call_timeout=30"),
        act("set", "hangup_after_bridge=true"),
    ];
    if rng.percent(30) {
        then.push(act("set", format!("effective_caller_id_name=Ext {n}")));
    }
    if record {
        maybe_record(rng, &mut then);
        then.push(bridge_user(rng, n));
    } else {
        then.push(act("bridge", format!("user/{n}@${{domain_name}}")));
    }
    if rng.percent(60) {
        then.push(bare("answer"));
        then.push(act("sleep", "1000"));
        then.push(act("voicemail", format!("default ${{domain_name}} {n}")));
    } else {
        then.push(act("hangup", "NO_ANSWER"));
    }
    Extension {
        name: format!("user-{n}"),
        continues: false,
        conditions: vec![destination(n, then)],
    }
}

/// The vanilla `unloop` extension.
pub fn unloop() -> Extension {
    Extension {
        name: "unloop".into(),
        continues: false,
        conditions: vec![
            cond("${unroll_loops}", "^true$", Vec::new()),
            cond(
                "${sip_looped_call}",
                "^true$",
                vec![act("deflect", "${destination_number}")],
            ),
        ],
    }
}

/// The vanilla `outside_call` extension of `public` (`continue="true"`).
pub fn outside_call() -> Extension {
    Extension {
        name: "outside_call".into(),
        continues: true,
        conditions: vec![Node::Condition {
            attributes: Vec::new(),
            children: vec![
                act("set", "outside_call=true"),
                act("export", "RFC2822_DATE=${strftime(%a, %d %b %Y %T %z)}"),
            ],
        }],
    }
}

/// The vanilla `global` extension of `default` (`break="never"`
/// conditions).
pub fn global() -> Extension {
    // A condition that does not stop the extension when it fails.
    let never = |field: &str, expression: &str, children: Vec<Node>| Node::Condition {
        attributes: vec![
            ("field", field.into()),
            ("expression", expression.into()),
            ("break", "never".into()),
        ],
        children,
    };
    Extension {
        name: "global".into(),
        continues: true,
        conditions: vec![
            never("${call_debug}", "^true$", vec![bare("info")]),
            never(
                "${sip_has_crypto}",
                "^(AES_CM_128_HMAC_SHA1_32|AES_CM_128_HMAC_SHA1_80)$",
                vec![
                    act("set", "sip_secure_media=true"),
                    act("export", "nolocal:rtp_secure_media=true"),
                ],
            ),
        ],
    }
}

/// A last `^(.*)$` extension: an invalid-number prompt and a hang-up.
pub fn catch_all() -> Extension {
    Extension {
        name: "catch-all".into(),
        continues: false,
        conditions: vec![cond(
            "destination_number",
            "^(.*)$",
            vec![
                act("playback", "ivr/ivr-that_was_an_invalid_entry.wav"),
                act("hangup", "UNALLOCATED_NUMBER"),
            ],
        )],
    }
}

/// A context file such as `dialplan/default.xml`: `header`, then
/// `<include><context name=...>` with the `head` extensions, an
/// `<X-PRE-PROCESS cmd="include">` of `include` (a glob relative to the
/// file), and the `tail` extensions.
pub fn context_file(
    header: &str,
    context: &str,
    head: &[Extension],
    include: Option<&str>,
    tail: &[Extension],
    stats: &mut Stats,
) -> String {
    let mut out = format!("{header}<include>\n  <context name=\"{context}\">\n");
    for ext in head {
        render_extension(ext, 4, &mut out, stats);
    }
    if let Some(glob) = include {
        let _ = write!(
            out,
            "\n    <X-PRE-PROCESS cmd=\"include\" data=\"{glob}\"/>\n\n"
        );
    }
    for ext in tail {
        render_extension(ext, 4, &mut out, stats);
    }
    out.push_str("  </context>\n</include>\n");
    out
}

/// An extension file that a context file includes: `header`, a comment and
/// the extensions in an `<include>`.
pub fn include_file(
    header: &str,
    comment: &str,
    extensions: &[Extension],
    stats: &mut Stats,
) -> String {
    let mut out = format!("{header}<!-- {comment} -->\n<include>\n");
    for ext in extensions {
        render_extension(ext, 2, &mut out, stats);
    }
    out.push_str("</include>\n");
    out
}
