//! Call-flow pictures: what `reclint graph` draws and the HTML report shows.
//!
//! A [`FlowPicture`] is one lowered graph as plain data (labels as the
//! configuration writes them, what each step means for recording), built by
//! the command that ran the analysis. A [`Drawing`] is the part of the
//! pictures one view shows: the steps the chosen entry points reach,
//! subroutine bodies collapsed, cut at a size limit, a finding's witness
//! path marked. The renderers (`dot`, `mermaid`, `svg`, JSON by serde) only
//! write a drawing out.

pub mod dot;
mod layout;
pub mod mermaid;
pub mod svg;

use crate::hash::{HashMap, HashSet};
use std::collections::VecDeque;

use serde::Serialize;

use crate::finding::Reported;
use crate::source::{SourceMap, Span, display_safe};

/// One lowered call-flow graph, as pictures show it.
#[derive(Debug, Clone, Serialize)]
pub struct FlowPicture {
    /// The front end's format name (`asterisk`, `amazon-connect`).
    pub format: &'static str,
    /// Context or flow names, by region index.
    pub regions: Vec<String>,
    pub steps: Vec<PictureStep>,
    pub entries: Vec<PictureEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PictureStep {
    pub style: StepStyle,
    /// The statement as written (`MixMonitor(${UNIQUEID}.wav)`) or the
    /// label a JSON action is named by.
    pub label: String,
    pub region: u32,
    pub place: Place,
    pub edges: Vec<PictureEdge>,
    /// A subroutine call's first step, when resolved.
    pub callee: Option<u32>,
    /// For a recording start: the purposes it is made for.
    pub purposes: Vec<String>,
}

/// Where a step is written: a finding's trace names the same place.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Place {
    pub path: String,
    pub line: usize,
    #[serde(skip)]
    pub start: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PictureEdge {
    pub to: u32,
    /// What the branch tested (`caller pressed 1`); `None` for plain edges.
    pub label: Option<String>,
    pub answer: Option<Answer>,
}

/// What an edge out of a consent question's test means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Yes,
    No,
    /// Timeout, no key, an invalid key, the else branch.
    Otherwise,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Otherwise => "timeout/other",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PictureEntry {
    pub step: u32,
    /// `from-pstn`, or `200 in from-pstn` when each extension is an entry.
    pub name: String,
}

/// What a step means for recording, which decides how it is drawn. Each
/// style has its own shape and a word, so a picture reads without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStyle {
    /// Where a call comes in (drawn before the entry's first step).
    Entry,
    RecordingStart,
    RecordingStop,
    Notice,
    ConsentQuestion,
    Prompt,
    Input,
    Branch,
    Connection,
    Hangup,
    Call,
    Analytics,
    Payment,
    Other,
    /// Steps that were not drawn (the size limit).
    Cut,
}

impl StepStyle {
    /// The word a step's picture starts with; `None` for plain steps.
    pub fn word(self) -> Option<&'static str> {
        Some(match self {
            StepStyle::Entry => "ENTRY",
            StepStyle::RecordingStart => "REC START",
            StepStyle::RecordingStop => "REC STOP",
            StepStyle::Notice => "NOTICE",
            StepStyle::ConsentQuestion => "CONSENT?",
            StepStyle::Connection => "CONNECT",
            StepStyle::Hangup => "HANG UP",
            StepStyle::Call => "SUBROUTINE",
            StepStyle::Analytics => "ANALYTICS",
            StepStyle::Payment => "PAYMENT",
            StepStyle::Input => "INPUT",
            StepStyle::Cut => "CUT",
            StepStyle::Prompt | StepStyle::Branch | StepStyle::Other => return None,
        })
    }
}

/// What a view shows.
#[derive(Debug, Clone)]
pub struct DrawOptions {
    /// Only entry points whose name is this (or whose context or flow is).
    pub entry: Option<String>,
    /// Draw subroutine bodies instead of one node per call.
    pub expand: bool,
    /// Steps drawn at most; the rest is summed up in one node.
    pub max_steps: usize,
}

impl Default for DrawOptions {
    fn default() -> DrawOptions {
        DrawOptions {
            entry: None,
            expand: false,
            max_steps: DEFAULT_MAX_STEPS,
        }
    }
}

/// Enough for a contact centre's main flow; beyond it a picture is no
/// longer read but searched.
pub const DEFAULT_MAX_STEPS: usize = 150;

/// Steps left out are counted up to this many: a picture of a large tree
/// costs no more than this beyond what it draws.
const COUNT_LIMIT: usize = 10_000;

/// The witness path to mark: the places of a finding's trace, in order.
#[derive(Debug, Default, Clone)]
pub struct Witness {
    places: HashMap<(String, u32), usize>,
    /// The finding's statement, marked even when the trace is empty.
    primary: Option<(String, u32)>,
}

impl FlowPicture {
    /// The steps a step leads to, and how: its edges, and with `expand`
    /// its subroutine's first step.
    fn next(&self, step: u32, expand: bool) -> impl Iterator<Item = (u32, Via<'_>)> {
        let s = &self.steps[step as usize];
        let edges = s.edges.iter().map(|edge| (edge.to, Via::Edge(edge)));
        let call = s
            .callee
            .filter(|_| expand)
            .map(|callee| (callee, Via::Call));
        edges
            .chain(call)
            .filter(|(to, _)| (*to as usize) < self.steps.len())
    }
}

/// Where a span is written, as pictures' places name it: its file as
/// shown, and its offset.
pub fn place_of(sources: &SourceMap, span: Span) -> (String, u32) {
    (sources.get(span.file).display.clone(), span.start)
}

impl Witness {
    /// The trace of a finding reported in a run whose files are `sources`.
    pub fn of(reported: &Reported, sources: &SourceMap) -> Witness {
        let mut places = HashMap::default();
        for (order, step) in reported.finding.trace.iter().enumerate() {
            places
                .entry(place_of(sources, step.span))
                .or_insert(order + 1);
        }
        Witness {
            places,
            primary: Some(place_of(sources, reported.finding.primary.span)),
        }
    }

    /// The step's position on the path (1 = first), if it is on it.
    fn order(&self, place: &Place) -> Option<usize> {
        let key = (place.path.clone(), place.start);
        self.places
            .get(&key)
            .copied()
            .or_else(|| (self.primary.as_ref() == Some(&key)).then_some(self.places.len() + 1))
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty() && self.primary.is_none()
    }
}

#[derive(Debug, Serialize)]
pub struct Drawing {
    pub nodes: Vec<DrawnNode>,
    pub edges: Vec<DrawnEdge>,
    /// Contexts and flows, each drawn as a group.
    pub groups: Vec<String>,
    /// Steps the entry points reach that were not drawn.
    pub left_out: usize,
    pub max_steps: usize,
}

#[derive(Debug, Serialize)]
pub struct DrawnNode {
    /// `g0s12`: graph 0, step 12 (`g0e1` for an entry, `cut` for the rest).
    pub id: String,
    pub style: StepStyle,
    pub label: String,
    pub group: Option<usize>,
    pub place: Option<Place>,
    /// Position on the witness path (1 = first).
    pub witness: Option<usize>,
    pub purposes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DrawnEdge {
    pub from: usize,
    pub to: usize,
    pub label: Option<String>,
    pub answer: Option<Answer>,
    /// Into a subroutine (drawn only with `expand`).
    pub call: bool,
    pub witness: bool,
}

impl DrawnNode {
    /// The label as shown: the style's word, then the statement, on one
    /// line, without control or bidi characters, shortened.
    /// On the witness path, the step's number on it comes first.
    pub fn text(&self) -> String {
        let limit = match self.style {
            StepStyle::Cut => usize::MAX,
            _ => LABEL_LIMIT,
        };
        let label = shorten(&display_safe(&self.label), limit);
        let text = match self.style.word() {
            Some(word) => format!("{word}: {label}"),
            None => label,
        };
        match self.witness {
            Some(n) => format!("#{n} {text}"),
            None => text,
        }
    }
}

impl DrawnEdge {
    /// The edge's label as shown: the consent answer it stands for, then
    /// what the branch tested.
    pub fn text(&self) -> Option<String> {
        let label = self.label.as_deref().map(|l| shorten(l, LABEL_LIMIT));
        match (self.answer, label) {
            (Some(answer), Some(label)) => Some(format!("{}: {label}", answer.as_str())),
            (Some(answer), None) => Some(answer.as_str().to_string()),
            (None, label) if self.call => label.or_else(|| Some("calls".to_string())),
            (None, label) => label,
        }
    }
}

/// Characters of a statement a node shows.
const LABEL_LIMIT: usize = 48;

/// `text` on one line, at most `limit` characters.
pub fn shorten(text: &str, limit: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= limit {
        return one_line;
    }
    let cut: String = one_line.chars().take(limit - 1).collect();
    format!("{cut}…")
}

/// How the breadth-first walk reached a step.
#[derive(Clone, Copy)]
enum Via<'a> {
    Entry,
    Edge(&'a PictureEdge),
    /// A subroutine call into its body (only with `expand`).
    Call,
}

/// The state of [`Drawing::new`] while it walks one picture.
struct Walk<'a> {
    graph: usize,
    picture: &'a FlowPicture,
    options: &'a DrawOptions,
    witness: &'a Witness,
    /// Step → its node.
    drawn: HashMap<u32, usize>,
}

impl Drawing {
    /// The steps the chosen entry points of `pictures` reach, breadth
    /// first from each entry, up to `options.max_steps`.
    pub fn new(pictures: &[FlowPicture], options: &DrawOptions, witness: &Witness) -> Drawing {
        let mut drawing = Drawing {
            nodes: Vec::new(),
            edges: Vec::new(),
            groups: Vec::new(),
            left_out: 0,
            max_steps: options.max_steps,
        };
        let mut groups: HashMap<(usize, u32), usize> = HashMap::default();
        let mut steps_drawn = 0;
        let mut cut_node = None;
        let mut seen = HashSet::default();
        for (graph, picture) in pictures.iter().enumerate() {
            let mut walk = Walk {
                graph,
                picture,
                options,
                witness,
                drawn: HashMap::default(),
            };
            let mut queue: VecDeque<(Option<usize>, u32, Via)> = VecDeque::new();
            for (e, entry) in picture.entries.iter().enumerate() {
                let Some(first) = picture.steps.get(entry.step as usize) else {
                    continue;
                };
                if !entry_wanted(picture, entry, options.entry.as_deref()) {
                    continue;
                }
                let group = drawing.group(&mut groups, graph, picture, first.region);
                drawing.nodes.push(DrawnNode {
                    id: format!("g{graph}e{e}"),
                    style: StepStyle::Entry,
                    label: entry.name.clone(),
                    group: Some(group),
                    place: None,
                    witness: None,
                    purposes: Vec::new(),
                });
                queue.push_back((Some(drawing.nodes.len() - 1), entry.step, Via::Entry));
            }
            // Breadth first: each step is drawn once, the first time it is
            // reached; later edges point at its node.
            // Past the limit the walk goes on without drawing, to count
            // what is left out; `from` is `None` for edges out of those.
            let mut left_out = HashSet::default();
            while let Some((from, step, via)) = queue.pop_front() {
                let to = match walk.drawn.get(&step) {
                    Some(&node) => Some(node),
                    None if steps_drawn >= options.max_steps => {
                        let counting = left_out.len() < COUNT_LIMIT;
                        if counting && left_out.insert(step) {
                            for (to, via) in picture.next(step, options.expand) {
                                queue.push_back((None, to, via));
                            }
                        }
                        from.map(|_| *cut_node.get_or_insert_with(|| drawing.push_cut()))
                    }
                    None => {
                        steps_drawn += 1;
                        let node = drawing.draw_step(&mut walk, &mut groups, step);
                        for (to, via) in picture.next(step, options.expand) {
                            queue.push_back((Some(node), to, via));
                        }
                        Some(node)
                    }
                };
                if let (Some(from), Some(to)) = (from, to) {
                    drawing.add_edge(&mut seen, from, to, via);
                }
            }
            drawing.left_out += left_out.len();
        }
        if let Some(cut) = cut_node {
            let more = if drawing.left_out >= COUNT_LIMIT {
                "or more "
            } else {
                ""
            };
            drawing.nodes[cut].label = format!(
                "{} {more}more step(s) not drawn: the picture stops at {} steps",
                drawing.left_out, options.max_steps
            );
        }
        drawing.mark_witness_edges();
        drawing
    }

    /// The group of a picture's region, made when first used.
    fn group(
        &mut self,
        groups: &mut HashMap<(usize, u32), usize>,
        graph: usize,
        picture: &FlowPicture,
        region: u32,
    ) -> usize {
        *groups.entry((graph, region)).or_insert_with(|| {
            let name = picture
                .regions
                .get(region as usize)
                .map_or("", String::as_str);
            self.groups.push(display_safe(name).into_owned());
            self.groups.len() - 1
        })
    }

    fn draw_step(
        &mut self,
        walk: &mut Walk,
        groups: &mut HashMap<(usize, u32), usize>,
        step: u32,
    ) -> usize {
        let s = &walk.picture.steps[step as usize];
        let group = self.group(groups, walk.graph, walk.picture, s.region);
        let collapsed = s.callee.is_some() && !walk.options.expand;
        self.nodes.push(DrawnNode {
            id: format!("g{}s{step}", walk.graph),
            style: s.style,
            label: if collapsed {
                format!("{} (body collapsed)", s.label)
            } else {
                s.label.clone()
            },
            group: Some(group),
            witness: walk.witness.order(&s.place),
            place: Some(s.place.clone()),
            purposes: s.purposes.clone(),
        });
        let node = self.nodes.len() - 1;
        walk.drawn.insert(step, node);
        node
    }

    fn push_cut(&mut self) -> usize {
        self.nodes.push(DrawnNode {
            id: "cut".to_string(),
            style: StepStyle::Cut,
            label: String::new(),
            group: None,
            place: None,
            witness: None,
            purposes: Vec::new(),
        });
        self.nodes.len() - 1
    }

    fn add_edge(
        &mut self,
        seen: &mut HashSet<(usize, usize, Option<String>)>,
        from: usize,
        to: usize,
        via: Via,
    ) {
        let (label, answer) = match via {
            Via::Edge(edge) => (
                edge.label.as_deref().map(|l| display_safe(l).into_owned()),
                edge.answer,
            ),
            Via::Entry | Via::Call => (None, None),
        };
        // Two edges to the cut node, or two plain edges between the same
        // steps, are one.
        if !seen.insert((from, to, label.clone())) {
            return;
        }
        self.edges.push(DrawnEdge {
            from,
            to,
            label,
            answer,
            call: matches!(via, Via::Call),
            witness: false,
        });
    }

    /// An edge is on the witness path when it leads from one step of it to
    /// a later one.
    fn mark_witness_edges(&mut self) {
        for edge in &mut self.edges {
            let from = match self.nodes[edge.from].style {
                // The entry leads to the path's first step.
                StepStyle::Entry => Some(0),
                _ => self.nodes[edge.from].witness,
            };
            if let (Some(a), Some(b)) = (from, self.nodes[edge.to].witness) {
                edge.witness = b > a && (a > 0 || b == 1);
            }
        }
    }

    /// Nodes grouped: for each group, its nodes; then the nodes in none.
    pub fn by_group(&self) -> (Vec<Vec<usize>>, Vec<usize>) {
        let mut grouped = vec![Vec::new(); self.groups.len()];
        let mut loose = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            match node.group {
                Some(g) => grouped[g].push(i),
                None => loose.push(i),
            }
        }
        (grouped, loose)
    }
}

/// Whether an entry is the one asked for: by its name or its context's.
fn entry_wanted(picture: &FlowPicture, entry: &PictureEntry, wanted: Option<&str>) -> bool {
    let Some(wanted) = wanted else {
        return true;
    };
    let region = picture
        .steps
        .get(entry.step as usize)
        .and_then(|s| picture.regions.get(s.region as usize));
    entry.name == wanted || region.is_some_and(|r| r == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(style: StepStyle, label: &str, start: u32, edges: &[u32]) -> PictureStep {
        PictureStep {
            style,
            label: label.to_string(),
            region: 0,
            place: Place {
                path: "x.conf".to_string(),
                line: start as usize,
                start,
            },
            edges: edges
                .iter()
                .map(|&to| PictureEdge {
                    to,
                    label: None,
                    answer: None,
                })
                .collect(),
            callee: None,
            purposes: Vec::new(),
        }
    }

    /// entry → 0 → 1 (a call of 3) → 2 ⟲ 0; 3 → 4 is the subroutine.
    fn picture() -> FlowPicture {
        let mut call = step(StepStyle::Call, "Gosub(sub)", 1, &[2]);
        call.callee = Some(3);
        FlowPicture {
            format: "asterisk",
            regions: vec!["from-pstn".to_string()],
            steps: vec![
                step(StepStyle::Other, "Answer()", 0, &[1]),
                call,
                step(StepStyle::RecordingStart, "MixMonitor(a.wav)", 2, &[0, 0]),
                step(StepStyle::Other, "NoOp()", 3, &[4]),
                step(StepStyle::Other, "Return()", 4, &[]),
            ],
            entries: vec![PictureEntry {
                step: 0,
                name: "from-pstn".to_string(),
            }],
        }
    }

    #[test]
    fn a_loop_is_drawn_once_and_a_subroutine_collapses() {
        let drawing = Drawing::new(&[picture()], &DrawOptions::default(), &Witness::default());
        let labels: Vec<String> = drawing.nodes.iter().map(DrawnNode::text).collect();
        assert_eq!(
            labels,
            [
                "ENTRY: from-pstn",
                "Answer()",
                "SUBROUTINE: Gosub(sub) (body collapsed)",
                "REC START: MixMonitor(a.wav)"
            ]
        );
        // The two edges back to Answer() are one.
        assert_eq!(drawing.edges.len(), 4);
        let expanded = DrawOptions {
            expand: true,
            ..DrawOptions::default()
        };
        let drawing = Drawing::new(&[picture()], &expanded, &Witness::default());
        assert_eq!(drawing.nodes.len(), 6);
        assert!(drawing.edges.iter().any(|e| e.call));
    }

    #[test]
    fn the_cut_counts_what_it_leaves_out() {
        let options = DrawOptions {
            max_steps: 1,
            expand: true,
            ..DrawOptions::default()
        };
        let drawing = Drawing::new(&[picture()], &options, &Witness::default());
        let cut = drawing.nodes.last().expect("a cut node");
        assert_eq!(cut.style, StepStyle::Cut);
        assert_eq!(drawing.left_out, 4);
        assert!(cut.text().starts_with("CUT: 4 more step(s) not drawn"));
    }
}
