//! Lowering parsed configuration to the call-flow graph, one module per
//! format. Each format's `load` takes the files discovery found and returns
//! the graphs they make (one per PBX, dialplan tree or flow set) and their
//! comments (for `reclint:` directives); infrastructure-as-code lowers to
//! storage facts instead ([`infra`]). The front ends ([`frontend`]) say
//! which files each format's `load` gets; the workspace (`src/workspace.rs`) groups them
//! into units and loads each unit through its front end.

pub mod asterisk;
pub mod connect;
pub mod freeswitch;
pub(crate) mod frontend;
pub mod infra;
pub mod twilio;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::flow::FlowGraph;
use crate::parse::{Comment, Problems};
use crate::source::{FileId, SourceMap};
use crate::storage::Infrastructure;

/// What a format loader may use and add to.
pub struct LoadContext<'a> {
    /// Files read so far; loaders add files they include.
    pub sources: &'a mut SourceMap,
    pub problems: &'a mut Problems,
    pub config: &'a Config,
    /// Includes may only read below these directories.
    pub roots: &'a [PathBuf],
    pub cwd: &'a Path,
    /// Threads a loader may use for work that is independent per PBX.
    pub jobs: usize,
}

/// The graphs made from one format's files, what infrastructure files say
/// about storage, and the files' comments.
#[derive(Default)]
pub struct Lowered {
    pub graphs: Vec<FlowGraph>,
    pub infrastructure: Infrastructure,
    pub comments: HashMap<FileId, Vec<Comment>>,
}

impl Lowered {
    /// Adds what another loader made.
    pub fn extend(&mut self, more: Lowered) {
        self.graphs.extend(more.graphs);
        self.infrastructure.extend(more.infrastructure);
        self.comments.extend(more.comments);
    }
}
