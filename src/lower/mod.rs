//! Lowering parsed configuration to the call-flow graph, one module per
//! format. Each format's `load` takes the files discovery found and returns
//! the graphs they make (one per PBX, dialplan tree or flow set) and their
//! comments (for `reclint:` directives); infrastructure-as-code lowers to
//! storage facts instead ([`infra`]).

pub mod asterisk;
pub mod connect;
pub mod freeswitch;
pub mod infra;
pub mod twilio;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::discover::FileKind;
use crate::flow::FlowGraph;
use crate::parse::{Comment, Problems, asterisk::AsteriskFile};
use crate::source::{FileId, SourceMap};
use crate::storage::Infrastructure;
use infra::InfraSource;

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

/// Lowers files of every format, each with its format's loader: the one place
/// where a new format joins the pipeline.
pub fn load(files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
    let mut asterisk_files = Vec::new();
    let mut freeswitch_files = Vec::new();
    let mut connect_files = Vec::new();
    let mut twiml_files = Vec::new();
    let mut studio_files = Vec::new();
    let mut infra_files = Vec::new();
    for &(file, kind) in files {
        match kind {
            FileKind::Asterisk(role) => asterisk_files.push(AsteriskFile { file, role }),
            FileKind::FreeSwitch => freeswitch_files.push(file),
            FileKind::Connect => {
                connect_files.push(file);
                // Flows may come in a CloudFormation or Terraform JSON
                // template that also configures where they are recorded.
                infra_files.push((file, InfraSource::FlowTemplate));
            }
            FileKind::Twiml => twiml_files.push(file),
            FileKind::Studio => studio_files.push(file),
            FileKind::Terraform => infra_files.push((file, InfraSource::Terraform)),
            FileKind::CloudFormation => infra_files.push((file, InfraSource::CloudFormation)),
        }
    }
    let mut lowered = asterisk::load(&asterisk_files, cx);
    for more in [
        freeswitch::load(&freeswitch_files, cx),
        connect::load(&connect_files, cx),
        twilio::load_twiml(&twiml_files, cx),
        twilio::load_studio(&studio_files, cx),
        infra::load(&infra_files, cx),
    ] {
        lowered.graphs.extend(more.graphs);
        lowered.infrastructure.extend(more.infrastructure);
        lowered.comments.extend(more.comments);
    }
    lowered
}
