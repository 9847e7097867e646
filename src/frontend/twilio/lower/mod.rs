//! Lowering `<Response>` documents (TwiML and the dialects that copy it:
//! [`twiml`] for TwiML, TeXML and cXML, [`plivo`] for Plivo XML) and Studio
//! flows ([`studio`]) to the call-flow graph.
//!
//! A document runs verb by verb; each is one region with one entry. What the
//! dialects share is here: prompts, a question whose answer goes to another
//! document, steps chained at their elements, and an element the dialect
//! does not have, reported as a parse error (REC900) rather than guessed.

mod plivo;
mod studio;
mod twiml;

pub use studio::load_studio;

use roxmltree::{Document, Node};

use super::dialect::Dialect;
use crate::flow::{
    AnswerMatch, Edge, EntryPoint, FlowGraph, Guard, RegionId, StepId, StepKind, Variable,
};
use crate::frontend::{LoadContext, Lowered};
use crate::parse::xml::{self, Located};
use crate::parse::{ParseError, Problems};
use crate::source::{FileId, SourceFile};

/// The format name of Studio flows and TwiML documents (each dialect names
/// its own: [`Dialect::format`]).
pub const FORMAT: &str = "twilio";

/// Loads `<Response>` documents of one dialect, one region and entry each.
pub fn load_documents(files: &[FileId], dialect: Dialect, cx: &mut LoadContext) -> Lowered {
    let mut lowered = Lowered::default();
    for &file in files {
        let source = cx.sources.get(file);
        let problems = &mut *cx.problems;
        let read = xml::read(file, source, false, |document, at| {
            let mut graph = FlowGraph::of_format(dialect.format());
            response(&mut graph, document, at, source, problems, dialect);
            (graph, at.comments(document, source))
        });
        match read {
            Ok((mut graph, comments)) => {
                lowered.comments.insert(file, comments);
                if !graph.is_empty() {
                    graph.shrink_to_fit();
                    lowered.graphs.push(graph);
                }
            }
            Err(error) => cx.problems.parse_errors.push(error),
        }
    }
    lowered
}

fn file_stem(source: &SourceFile) -> String {
    source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn response(
    graph: &mut FlowGraph,
    document: &Document,
    at: Located,
    source: &SourceFile,
    problems: &mut Problems,
    dialect: Dialect,
) {
    let root = document.root_element();
    if !root.has_tag_name("Response") {
        return;
    }
    let region = graph.add_region(file_stem(source), at.start_tag_span(root));
    let entry = graph.add_step(StepKind::Dispatch, at.start_tag_span(root), region);
    graph.entries.push(EntryPoint {
        step: entry,
        region,
        dialled: None,
    });
    let mut walker = Walker {
        graph,
        at,
        region,
        problems,
        dialect,
    };
    let first = walker.verbs(xml::elements(root).collect(), None, 0);
    if let Some(first) = first {
        walker.graph.add_edge(entry, Edge::plain(first));
    }
}

/// Lowers one document's verbs into its region.
struct Walker<'g, 'p> {
    graph: &'g mut FlowGraph,
    at: Located,
    region: RegionId,
    problems: &'p mut Problems,
    dialect: Dialect,
}

impl Walker<'_, '_> {
    fn step(&mut self, kind: StepKind, node: Node) -> StepId {
        let span = self.at.start_tag_span(node);
        let step = self.graph.add_step(kind, span, self.region);
        // `record="record-from-ringing" action="/next"`, then the text.
        let mut arguments: Vec<String> = node
            .attributes()
            .map(|a| format!("{}=\"{}\"", a.name(), a.value()))
            .collect();
        arguments.extend(
            node.text()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        );
        self.graph
            .set_statement(step, node.tag_name().name(), &arguments.join(" "));
        step
    }

    fn link(&mut self, from: StepId, to: Option<StepId>) {
        if let Some(to) = to {
            self.graph.add_edge(from, Edge::plain(to));
        }
    }

    /// Lowers verbs in order, continuing at `next`; returns the first step.
    fn verbs(&mut self, verbs: Vec<Node>, next: Option<StepId>, depth: usize) -> Option<StepId> {
        let mut next = next;
        for verb in verbs.into_iter().rev() {
            next = Some(if depth >= xml::MAX_DEPTH {
                self.problems.parse_errors.push(ParseError::new(
                    self.at.span(verb),
                    format!(
                        "{} nested deeper than {} levels",
                        self.dialect.language(),
                        xml::MAX_DEPTH
                    ),
                    "not read below this element",
                ));
                self.step(StepKind::Other, verb)
            } else if !self.dialect.verbs().contains(&verb.tag_name().name()) {
                self.unknown_verb(verb, next)
            } else if self.dialect == Dialect::Plivo {
                self.plivo_verb(verb, next, depth)
            } else {
                self.twiml_verb(verb, next)
            });
        }
        next
    }

    /// An element the dialect has no verb for: what it does is unknown, so
    /// it is reported, and the call is followed on past it.
    fn unknown_verb(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        self.problems.parse_errors.push(ParseError::new(
            self.at.start_tag_span(verb),
            format!(
                "`<{}>` is not a {} verb: reclint cannot tell what it does to the call",
                verb.tag_name().name(),
                self.dialect.language()
            ),
            "not read",
        ));
        self.chain(vec![(StepKind::Other, verb)], next)
    }

    /// `<Say>`, `<Play>`, `<Speak>`: the caller hears the element's text.
    fn prompt(&mut self, verb: Node, next: Option<StepId>) -> StepId {
        let prompt = verb.text().unwrap_or("").trim().to_string();
        let kind = StepKind::Prompt {
            prompts: vec![prompt],
        };
        self.chain(vec![(kind, verb)], next)
    }

    /// A question (`<Gather>`, `<GetDigits>`, `<GetInput>`) prompted by its
    /// nested elements named `prompts`. The answer goes to the `action`
    /// document, which reclint does not see, unless `answer_continues` (the
    /// answer is only reported and the call goes on); no input falls
    /// through to the next verb.
    fn question(
        &mut self,
        verb: Node,
        prompts: &[&str],
        next: Option<StepId>,
        answer_continues: bool,
    ) -> StepId {
        let prompts: Vec<String> = xml::elements(verb)
            .filter(|c| prompts.contains(&c.tag_name().name()))
            .map(|c| c.text().unwrap_or("").trim().to_string())
            .collect();
        let variable = Variable::Named(format!("gather:{}", self.at.start_tag_span(verb).start));
        let step = self.step(
            StepKind::Input {
                variable: Box::new(variable.clone()),
                prompts,
            },
            verb,
        );
        let answered = match next {
            Some(next) if answer_continues => next,
            _ => self.step(StepKind::Unknown, verb),
        };
        self.graph.add_edge(
            step,
            Edge {
                to: answered,
                guards: vec![Guard::Answer {
                    variable: variable.clone(),
                    answer: AnswerMatch::AnyValue,
                }],
            },
        );
        if let Some(next) = next {
            self.graph.add_edge(
                step,
                Edge {
                    to: next,
                    guards: vec![Guard::Default {
                        variable,
                        not: Vec::new(),
                    }],
                },
            );
        }
        step
    }

    /// The first non-empty text of a verb's nouns (`<Number>`, `<Sip>`,
    /// `<User>`), or its own: whom it connects to.
    fn target(verb: Node) -> String {
        xml::elements(verb)
            .map(|c| c.text().unwrap_or("").trim().to_string())
            .find(|t| !t.is_empty())
            .or_else(|| verb.text().map(|t| t.trim().to_string()))
            .unwrap_or_default()
    }

    /// Steps in order (each at its element), continuing at `next`; returns the first.
    fn chain(&mut self, steps: Vec<(StepKind, Node)>, next: Option<StepId>) -> StepId {
        let mut first = None;
        let mut previous: Option<StepId> = None;
        for (kind, node) in steps {
            let step = self.step(kind, node);
            if let Some(p) = previous {
                self.link(p, Some(step));
            }
            first.get_or_insert(step);
            previous = Some(step);
        }
        if let Some(last) = previous {
            self.link(last, next);
        }
        first.expect("every verb lowers to at least one step")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Beep, Capture, RecordingStart};
    use crate::source::SourceMap;

    /// The graph of one document of `dialect`, and the messages of its
    /// parse errors.
    fn lowered(dialect: Dialect, text: &str) -> (FlowGraph, Vec<String>) {
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new(
            "voice.xml".into(),
            "voice.xml".into(),
            text.into(),
        ));
        let mut problems = Problems::default();
        let mut cx = LoadContext::for_test(&mut sources, &mut problems);
        let mut lowered = load_documents(&[file], dialect, &mut cx);
        let errors = problems.parse_errors.iter().map(|e| e.message.clone()).collect();
        (lowered.graphs.remove(0), errors)
    }

    /// The recording starts in document order (verbs are lowered last first).
    fn recordings(graph: &FlowGraph) -> Vec<&RecordingStart> {
        graph
            .steps
            .iter()
            .rev()
            .filter_map(|s| match &s.kind {
                StepKind::RecordingStart(start) => Some(&**start),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn texml_siprec_is_an_unencrypted_stream_unless_secure() {
        let (graph, _) = lowered(
            Dialect::Telnyx,
            r#"<Response><Start><Siprec connectorName="srs" track="inbound_track"/></Start><Start><Siprec connectorName="srs" secure="true"/></Start></Response>"#,
        );
        let starts = recordings(&graph);
        assert_eq!(starts.len(), 2);
        assert!(starts.iter().all(|s| s.stream && s.capture == Capture::Immediately));
        assert_eq!(
            starts.iter().map(|s| s.unencrypted).collect::<Vec<_>>(),
            [true, false]
        );
        assert_eq!(graph.format, "telnyx");
        // Twilio sets encryption on the connector: the document does not say.
        let (graph, _) = lowered(
            Dialect::Twilio,
            r#"<Response><Start><Siprec connectorName="srs"/></Start></Response>"#,
        );
        assert!(!recordings(&graph)[0].unencrypted);
    }

    #[test]
    fn plivo_background_recordings_are_silent_and_messages_are_not_recordings() {
        let (graph, errors) = lowered(
            Dialect::Plivo,
            r#"<Response>
                 <Record recordSession="true" playBeep="true" redirect="false" action="/r"/>
                 <Record startOnDialAnswer="true"/>
                 <Record action="/message" playBeep="true"/>
               </Response>"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let starts = recordings(&graph);
        assert_eq!(
            starts
                .iter()
                .map(|s| (s.capture, s.beep))
                .collect::<Vec<_>>(),
            [
                (Capture::Immediately, Beep::Silent),
                (Capture::FromBridge, Beep::Silent)
            ]
        );
        assert_eq!(graph.format, "plivo");
    }

    #[test]
    fn verbs_of_another_dialect_are_reported_not_guessed() {
        let (_, errors) = lowered(
            Dialect::Plivo,
            "<Response><Gather action=\"/a\"/><Speak>Hi</Speak></Response>",
        );
        assert_eq!(
            errors,
            ["`<Gather>` is not a Plivo XML verb: reclint cannot tell what it does to the call"]
        );
        let (_, errors) = lowered(Dialect::SignalWire, "<Response><Speak>Hi</Speak></Response>");
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn a_plivo_question_that_does_not_redirect_goes_on_with_the_answer() {
        let (graph, _) = lowered(
            Dialect::Plivo,
            r#"<Response><GetDigits action="/a" redirect="false"><Speak>Press 1</Speak></GetDigits><Hangup/></Response>"#,
        );
        let input = graph
            .steps
            .iter()
            .find(|s| matches!(s.kind, StepKind::Input { .. }))
            .expect("the question");
        let targets: Vec<&StepKind> = input
            .edges
            .iter()
            .map(|e| &graph.steps[e.to.index()].kind)
            .collect();
        assert!(targets.iter().all(|k| matches!(k, StepKind::Hangup)), "{targets:?}");
    }
}
