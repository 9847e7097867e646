//! Asterisk dialplan text for the tree generators, by
//! `#[path = "asterisk_text.rs"] mod asterisk_text;`: prompts, recorders
//! and queues.conf.
// Each generator uses a subset of these.
#![allow(dead_code)]

use std::fmt::Write as _;

/// Queues written to queues.conf; `true` turns on `monitor-format = wav`.
pub const QUEUES: &[(&str, bool)] = &[
    ("support", true),
    ("sales", false),
    ("billing", true),
    ("tech", false),
    ("vip", true),
    ("callback", false),
    ("retention", true),
    ("spanish", false),
];

pub const WELCOME_PROMPTS: &[&str] = &[
    "custom/welcome",
    "custom/welcome&custom/thank-you-for-calling",
    "custom/welcome-after-hours",
    "custom/greeting",
];

pub const NOTICE_PROMPTS: &[&str] = &[
    "custom/this-call-is-recorded",
    "custom/this-call-may-be-recorded",
    "custom/this-call-may-be-recorded-for-training-and-quality",
    "custom/calls-are-monitored",
];

pub const OTHER_PROMPTS: &[&str] = &[
    "custom/please-hold",
    "custom/all-agents-busy",
    "custom/opening-hours",
    "custom/your-call-is-important",
    "custom/transferring",
    "beep",
];

pub const MIXMONITOR: &[&str] = &[
    "MixMonitor(${UNIQUEID}.wav,b)",
    "MixMonitor(${UNIQUEID}.wav)",
    "MixMonitor(/var/spool/asterisk/monitor/${UNIQUEID}.wav,b)",
    "MixMonitor(${CALLERID(num)}-${UNIQUEID}.wav,b)",
];

/// queues.conf: `general` lines, then each queue with two members;
/// `true` turns on `monitor-format = wav` (every answered call recorded).
pub fn queues_conf(general: &str, queues: &[(&str, bool)]) -> String {
    let mut out = format!("[general]\n{general}");
    for (name, recorded) in queues {
        let _ = writeln!(out, "\n[{name}]\nstrategy = rrmemory\ntimeout = 15");
        if *recorded {
            out.push_str("monitor-format = wav\n");
        }
        let _ = writeln!(
            out,
            "member => PJSIP/{name}-agent1\nmember => PJSIP/{name}-agent2"
        );
    }
    out
}
