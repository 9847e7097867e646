//! Per entry point: does a call record, from which step, was consent asked
//! or a notice played on the way, and which findings start there.

use crate::hash::HashMap;
use std::collections::VecDeque;

use crate::finding::{Reported, TraceStep};
use crate::report::graph::{FlowPicture, StepStyle};
use crate::source::{SourceMap, Span};

/// An entry point of one picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryRef {
    pub picture: usize,
    pub entry: usize,
}

/// What a call entering at one entry point meets first.
pub struct EntrySummary {
    /// The nearest recording start: its label and where it is written.
    pub recording: Option<(String, String)>,
    pub consent_asked: bool,
    pub notice: bool,
    pub purposes: Vec<String>,
}

/// Steps a summary's search visits at most: beyond that the table says
/// nothing rather than take long.
const SEARCH_LIMIT: usize = 20_000;

impl EntrySummary {
    /// Breadth first from the entry (into subroutines too) to the nearest
    /// recording start, and what the shortest way there passes.
    pub fn of(pictures: &[FlowPicture], at: EntryRef) -> EntrySummary {
        let picture = &pictures[at.picture];
        let start = picture.entries[at.entry].step;
        let mut parent: HashMap<u32, u32> = HashMap::default();
        let mut queue = VecDeque::from([start]);
        parent.insert(start, start);
        let mut found = None;
        while let Some(step) = queue.pop_front() {
            let Some(s) = picture.steps.get(step as usize) else {
                continue;
            };
            if s.style == StepStyle::RecordingStart {
                found = Some(step);
                break;
            }
            if parent.len() > SEARCH_LIMIT {
                break;
            }
            let next = s.edges.iter().map(|e| e.to).chain(s.callee);
            for to in next {
                if (to as usize) < picture.steps.len() && !parent.contains_key(&to) {
                    parent.insert(to, step);
                    queue.push_back(to);
                }
            }
        }
        let mut summary = EntrySummary {
            recording: None,
            consent_asked: false,
            notice: false,
            purposes: Vec::new(),
        };
        let Some(recording) = found else {
            return summary;
        };
        let mut step = recording;
        while step != start {
            step = parent[&step];
            match picture.steps[step as usize].style {
                StepStyle::ConsentQuestion => summary.consent_asked = true,
                StepStyle::Notice => summary.notice = true,
                _ => {}
            }
        }
        let s = &picture.steps[recording as usize];
        summary.recording = Some((
            s.label.clone(),
            format!("{}:{}", s.place.path, s.place.line),
        ));
        summary.purposes = s.purposes.clone();
        summary
    }
}

/// Which entry point each finding belongs to: the entry its witness path
/// starts at, else the first entry of the context or flow its statement is
/// in; `None` for run-wide findings (storage, retention).
pub fn entries_of(
    pictures: &[FlowPicture],
    reported: &[Reported],
    sources: &SourceMap,
) -> Vec<Option<EntryRef>> {
    let place_of = |span: Span| (sources.get(span.file).display.as_str(), span.start);
    let mut steps: HashMap<(&str, u32), (usize, u32)> = HashMap::default();
    let mut entry_at: HashMap<(&str, u32), EntryRef> = HashMap::default();
    let mut first_in_region: HashMap<(usize, u32), usize> = HashMap::default();
    for (p, picture) in pictures.iter().enumerate() {
        for (i, step) in picture.steps.iter().enumerate() {
            steps
                .entry((step.place.path.as_str(), step.place.start))
                .or_insert((p, i as u32));
        }
        for (e, entry) in picture.entries.iter().enumerate() {
            if let Some(step) = picture.steps.get(entry.step as usize) {
                let at = EntryRef {
                    picture: p,
                    entry: e,
                };
                entry_at
                    .entry((step.place.path.as_str(), step.place.start))
                    .or_insert(at);
                first_in_region.entry((p, step.region)).or_insert(e);
            }
        }
    }
    reported
        .iter()
        .map(|r| {
            let first = r
                .finding
                .trace
                .first()
                .map(|t: &TraceStep| place_of(t.span));
            let by_trace = first.and_then(|place| entry_at.get(&place).copied());
            by_trace.or_else(|| {
                let (p, step) = *steps.get(&place_of(r.finding.primary.span))?;
                let region = pictures[p].steps[step as usize].region;
                first_in_region
                    .get(&(p, region))
                    .map(|&entry| EntryRef { picture: p, entry })
            })
        })
        .collect()
}
