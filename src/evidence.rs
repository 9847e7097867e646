//! What the call-flow pictures and the HTML evidence report need beyond the
//! findings, gathered by `check` as plain data (reports see no analysis):
//! each analysed graph as a [`FlowPicture`], and the configuration in force
//! as a [`Policy`].

use crate::hash::HashMap;

use crate::analysis::recognize::Recognizers;
use crate::analysis::{self, PbxAnalysis};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::flow::{Guard, StepId, StepKind};
use crate::report::graph::{
    Answer, FlowPicture, PictureEdge, PictureEntry, PictureStep, Place, StepStyle,
};
use crate::report::html::{Policy, PolicyPurpose};
use crate::rules::support;
use crate::source::SourceMap;

/// One analysed graph as a picture: labels as the configuration writes
/// them, notices and consent questions as the analysis recognised them,
/// and the consent answer each branch edge stands for.
pub fn picture(pbx: &PbxAnalysis, sources: &SourceMap, recognizers: &Recognizers) -> FlowPicture {
    let graph = &pbx.graph;
    let purposes: HashMap<StepId, Vec<String>> = pbx
        .recordings
        .iter()
        .map(|r| (r.step, r.purposes.iter().map(|p| p.name.clone()).collect()))
        .collect();
    // The variables consent questions write: tests of them are answers.
    let asked: Vec<String> = graph
        .steps
        .iter()
        .zip(&pbx.consent_questions)
        .filter_map(|(step, &question)| match &step.kind {
            StepKind::Input { variable, .. } if question => Some(variable.folded().to_string()),
            _ => None,
        })
        .collect();
    let is_consent = |variable: &crate::flow::Variable| {
        recognizers.is_consent_variable(&variable.to_string())
            || asked.contains(&variable.folded().to_string())
    };
    let steps = graph
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let id = StepId(i as u32);
            let edges = step
                .edges
                .iter()
                .map(|edge| PictureEdge {
                    to: edge.to.0,
                    label: (!edge.guards.is_empty())
                        .then(|| analysis::describe_guards(&edge.guards)),
                    answer: edge.guards.iter().find_map(|guard| match guard {
                        Guard::Answer { variable, answer } if is_consent(variable) => {
                            Some(if analysis::answer_says_yes(recognizers, answer) {
                                Answer::Yes
                            } else {
                                Answer::No
                            })
                        }
                        Guard::Default { variable, .. } if is_consent(variable) => {
                            Some(Answer::Otherwise)
                        }
                        _ => None,
                    }),
                })
                .collect();
            let callee = match &step.kind {
                StepKind::Call(call) => call.callee.map(|c| c.0),
                _ => None,
            };
            let (path, line) = {
                let file = sources.get(step.span.file);
                (file.display.clone(), sources.line_col(step.span).0.line)
            };
            PictureStep {
                style: style(&step.kind, pbx.notices[i], pbx.consent_questions[i]),
                label: match step.kind {
                    // Its source is the context header or the whole flow.
                    StepKind::Dispatch => {
                        format!("call enters [{}]", graph.region(step.region).name)
                    }
                    _ => support::describe(sources, pbx, id),
                },
                region: step.region.0,
                place: Place {
                    path,
                    line,
                    start: step.span.start,
                },
                edges,
                callee,
                purposes: purposes.get(&id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let entries = graph
        .entries
        .iter()
        .map(|entry| {
            let region = &graph.region(entry.region).name;
            PictureEntry {
                step: entry.step.0,
                name: match &entry.dialled {
                    Some(dialled) => format!("{dialled} in {region}"),
                    None => region.clone(),
                },
            }
        })
        .collect();
    FlowPicture {
        format: graph.format,
        regions: graph.regions.iter().map(|r| r.name.clone()).collect(),
        steps,
        entries,
    }
}

fn style(kind: &StepKind, notice: bool, consent_question: bool) -> StepStyle {
    if consent_question {
        return StepStyle::ConsentQuestion;
    }
    match kind {
        _ if notice => StepStyle::Notice,
        StepKind::RecordingStart(_) => StepStyle::RecordingStart,
        StepKind::RecordingStop => StepStyle::RecordingStop,
        StepKind::Prompt { .. } => StepStyle::Prompt,
        StepKind::Input { .. } => StepStyle::Input,
        StepKind::Branch => StepStyle::Branch,
        StepKind::Connection { .. } => StepStyle::Connection,
        StepKind::Hangup => StepStyle::Hangup,
        StepKind::Call(_) => StepStyle::Call,
        StepKind::Analytics(_) => StepStyle::Analytics,
        StepKind::Payment => StepStyle::Payment,
        StepKind::Dispatch
        | StepKind::Answer
        | StepKind::Jump
        | StepKind::StopOffered
        | StepKind::Assign { .. }
        | StepKind::RecordingStartMessage
        | StepKind::Return
        | StepKind::Unknown
        | StepKind::Other => StepStyle::Other,
    }
}

/// The configuration in force, as the report states it.
pub fn policy(config: &Config, sources: &SourceMap, catalog: &Catalog) -> Policy {
    let mut foreign_frameworks: Vec<String> = catalog
        .rules
        .iter()
        .flat_map(|rule| rule.frameworks())
        .filter(|f| !config.profile.framework_applies(f))
        .map(str::to_string)
        .collect();
    foreign_frameworks.sort();
    foreign_frameworks.dedup();
    Policy {
        foreign_frameworks,
        file: config.file.map(|f| sources.get(f).display.clone()),
        jurisdiction: config.profile.jurisdiction.to_string(),
        sector: config.profile.sector.as_str().to_string(),
        default_purposes: config.default_purposes.clone(),
        purposes: config
            .purposes
            .values()
            .map(|p| PolicyPurpose {
                name: p.name.clone(),
                legal_basis: p.legal_basis.as_str().to_string(),
                basis_declared: p.basis_declared,
                retention_days: p.retention_days,
                necessity: p.necessity.clone(),
            })
            .collect(),
    }
}
