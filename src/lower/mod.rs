//! Lowering parsed configuration to the call-flow graph, one module per
//! format. Each format's `load` takes the files discovery found and returns
//! the graphs they make (one per PBX, dialplan tree or flow set) and their
//! comments (for `reclint:` directives).

pub mod asterisk;
pub mod connect;
pub mod freeswitch;
pub mod twilio;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::flow::FlowGraph;
use crate::parse::{Comment, Problems};
use crate::source::{FileId, SourceMap};

/// What a format loader may use and add to.
pub struct LoadContext<'a> {
    /// Files read so far; loaders add files they include.
    pub sources: &'a mut SourceMap,
    pub problems: &'a mut Problems,
    pub config: &'a Config,
    /// Includes may only read below these directories.
    pub roots: &'a [PathBuf],
    pub cwd: &'a Path,
}

/// The graphs made from one format's files, and the files' comments.
#[derive(Default)]
pub struct Lowered {
    pub graphs: Vec<FlowGraph>,
    pub comments: HashMap<FileId, Vec<Comment>>,
}
