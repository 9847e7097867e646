//! reclint: a linter for call-recording configuration.
//!
//! The pipeline, one module each: [`discover`] files → [`parse`] each format →
//! [`lower`] to the call-flow graph ([`flow`]) and, for infrastructure-as-code,
//! to storage facts ([`storage`]) → [`analysis`] → [`rules`] → [`report`].
//! [`catalog`] holds every rule's metadata (`lints/*.toml`, custom rule
//! files): configuration, suppressions and reports read it, never the rules'
//! implementations.

pub mod analysis;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod custom;
pub mod date;
pub mod directives;
pub mod discover;
pub mod evidence;
pub mod explain;
pub mod files;
pub mod finding;
pub mod fix;
pub mod flow;
pub mod frontend;
pub mod glob;
pub mod graph;
pub mod hash;
pub mod init;
pub mod json_string;
pub mod parallel;
pub mod parse;
pub mod report;
pub mod rules;
pub mod server;
pub mod show_config;
pub mod source;
pub mod storage;
pub mod suggest;
pub mod suppress;
/// Rule tests: fixtures with inline `expect:` markers, run by `reclint test`
/// and by the project's own fixture tests.
pub mod terminal;
pub mod testing;
pub mod workspace;
