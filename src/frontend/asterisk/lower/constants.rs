//! Tests decided by constants: a variable `Set` to a literal and tested
//! further down the same extension, with nothing else reaching the
//! priorities in between.

use crate::hash::HashMap;

use super::apps::known_name;
use super::{Lowerer, Owned};
use crate::flow::{Call, Edge, StepId, StepKind};
use crate::frontend::asterisk::parse::app::{self, AppCall};
use crate::frontend::asterisk::parse::dialplan::Extension;
use crate::frontend::asterisk::parse::expr;

/// Predecessors of every step, in one array.
struct Predecessors {
    /// Where each step's predecessors start in `from` (one more entry than steps).
    start: Vec<u32>,
    from: Vec<StepId>,
}

impl Predecessors {
    fn of(&self, step: StepId) -> &[StepId] {
        &self.from[self.start[step.index()] as usize..self.start[step.index() + 1] as usize]
    }
}

/// Channel variables known to hold a literal at a point of an extension.
#[derive(Clone, Default)]
struct Constants(HashMap<String, String>);

impl Lowerer<'_> {
    /// Tests the path has already decided: a variable `Set` to a literal and
    /// tested further down the same extension, with nothing else reaching
    /// the priorities in between, holds that literal at the test. A decided
    /// `GotoIf`/`GosubIf`/`ExecIf` keeps only the edges of its outcome; a
    /// decided `While` sends the call arriving from above straight into its
    /// body (or past it), and keeps both edges for the rounds after. One pass
    /// per extension, no solver: a priority reached by a jump, a loop, or an
    /// application that may set variables (`Read`, `Gosub`, `Dial`, AGI...)
    /// forgets what is known.
    pub(super) fn decide_constant_tests(&mut self) {
        if self.tests.is_empty() {
            return;
        }
        let plan = self.plan;
        // Only extensions that set a variable before they test one.
        let candidates: Vec<(usize, usize)> = plan
            .contexts
            .iter()
            .enumerate()
            .flat_map(|(c, context)| {
                context
                    .extensions
                    .iter()
                    .enumerate()
                    .filter(|(_, extension)| sets_then_tests(extension))
                    .map(move |(e, _)| (c, e))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let preds = self.predecessors();
        for (c, e) in candidates {
            let extension = &plan.contexts[c].extensions[e];
            // What is known after the previous priority, and its number.
            let mut known: Option<(u32, Constants)> = None;
            for (&number, priority) in &extension.priorities {
                let step = self.priority_steps[&(c, e, number)];
                let previous = known
                    .take()
                    .filter(|(n, constants)| n + 1 == number && !constants.0.is_empty())
                    .and_then(|(n, constants)| Some((*self.owned.get(&(c, e, n))?, constants)));
                let mut constants = Constants::default();
                if let Some((above, values)) = previous {
                    let is_while = priority.app.is("While");
                    let loop_end = if is_while {
                        self.loops[&(c, e)].end_of.get(&number).copied()
                    } else {
                        None
                    };
                    // Steps of the loop's own priorities come back to a `While`.
                    let in_loop = |p: StepId| {
                        loop_end.is_some_and(|end| {
                            extension
                                .priorities
                                .range(number + 1..=end)
                                .any(|(n, _)| self.owned[&(c, e, *n)].contains(p))
                        })
                    };
                    let (mut arriving, mut looping, mut elsewhere) = (0, 0, false);
                    for &p in preds.of(step) {
                        if above.contains(p) {
                            arriving += 1;
                        } else if in_loop(p) {
                            looping += 1;
                        } else {
                            elsewhere = true;
                        }
                    }
                    if arriving > 0 && !elsewhere {
                        let outcome = self
                            .tests
                            .get(&step)
                            .and_then(|t| expr::evaluate(&t.condition, &|v| values.get(v)));
                        match outcome {
                            Some(outcome) if is_while => self.enter_loop(step, above, outcome),
                            Some(outcome) => self.keep_outcome(step, outcome),
                            None => {}
                        }
                        // A `While` reached again from its loop: nothing is known there.
                        if looping == 0 {
                            constants = values;
                        }
                    }
                }
                constants.apply(&priority.app);
                known = Some((number, constants));
            }
        }
    }

    /// Every step's predecessors: edge sources, callers of a subroutine, and
    /// a step no priority owns for steps entered from outside.
    fn predecessors(&self) -> Predecessors {
        let arcs = |visit: &mut dyn FnMut(StepId, StepId)| {
            for (i, step) in self.graph.steps.iter().enumerate() {
                let from = StepId(i as u32);
                for edge in &step.edges {
                    visit(edge.to, from);
                }
                if let StepKind::Call(Call {
                    callee: Some(callee),
                    ..
                }) = &step.kind
                {
                    visit(*callee, from);
                }
            }
            for &step in &self.entered {
                visit(step, StepId(u32::MAX));
            }
        };
        let mut start = vec![0u32; self.graph.len() + 1];
        arcs(&mut |to, _| start[to.index() + 1] += 1);
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut from = vec![StepId(0); start[self.graph.len()] as usize];
        let mut next = start.clone();
        arcs(&mut |to, source| {
            from[next[to.index()] as usize] = source;
            next[to.index()] += 1;
        });
        Predecessors { start, from }
    }

    /// Keeps the edges of a decided test's `outcome`.
    fn keep_outcome(&mut self, step: StepId, outcome: bool) {
        let Some(test) = self
            .tests
            .get_mut(&step)
            .filter(|t| t.outcomes.len() == self.graph.steps[step.index()].edges.len())
        else {
            return;
        };
        let edges = std::mem::take(&mut self.graph.steps[step.index()].edges);
        let mut outcomes = Vec::new();
        for (edge, o) in edges.into_iter().zip(std::mem::take(&mut test.outcomes)) {
            if o == outcome {
                self.graph.steps[step.index()].edges.push(edge);
                outcomes.push(o);
            }
        }
        test.outcomes = outcomes;
    }

    /// A `While` decided on arrival: the edges from the priority above go
    /// where its `outcome` edge goes.
    fn enter_loop(&mut self, step: StepId, above: Owned, outcome: bool) {
        let Some(test) = self
            .tests
            .get(&step)
            .filter(|t| t.outcomes.len() == self.graph.steps[step.index()].edges.len())
        else {
            return;
        };
        let targets: Vec<Edge> = self.graph.steps[step.index()]
            .edges
            .iter()
            .zip(&test.outcomes)
            .filter(|(_, o)| **o == outcome)
            .map(|(edge, _)| edge.clone())
            .collect();
        let [target] = targets.as_slice() else {
            return;
        };
        for from in above.steps() {
            for edge in &mut self.graph.steps[from.index()].edges {
                if edge.to == step {
                    edge.to = target.to;
                    edge.guards.extend(target.guards.iter().cloned());
                }
            }
        }
    }
}

/// Applications that set no channel variable a dialplan tests (or only
/// their own status variable, forgotten below).
const KEEPS_VARIABLES: &[&str] = &[
    "answer",
    "noop",
    "wait",
    "playback",
    "background",
    "progress",
    "ringing",
    "verbose",
    "log",
    "saydigits",
    "saynumber",
    "sayalpha",
    "resetcdr",
    "nocdr",
    "goto",
    "gotoif",
    "while",
    "endwhile",
    "exitwhile",
    "continuewhile",
];

impl Constants {
    fn get(&self, variable: &str) -> Option<String> {
        self.0.get(variable).cloned()
    }

    /// What is known after `app` runs.
    fn apply(&mut self, app: &AppCall) {
        let mut lower_case = [0; 32];
        let name = known_name(&app.name, &mut lower_case);
        match name {
            "set" => self.assign(&app.raw_args.text, true),
            "mset" => {
                for argument in app.args() {
                    self.assign(&argument.text, true);
                }
            }
            "execif" => {
                // Either application may run: what they set is unknown after.
                let (_, branches) = app::split_once_top_level(&app.raw_args, b'?');
                let Some(branches) = branches else {
                    return;
                };
                let (yes, no) = app::split_once_top_level(&branches, b':');
                for inner in std::iter::once(yes).chain(no) {
                    match app::parse_app(inner.span.file, &inner.text, inner.span.start as usize) {
                        Some(inner) if inner.is("Set") => self.assign(&inner.raw_args.text, false),
                        Some(inner) if inner.is("MSet") => {
                            for argument in inner.args() {
                                self.assign(&argument.text, false);
                            }
                        }
                        Some(inner)
                            if KEEPS_VARIABLES
                                .contains(&inner.name.to_ascii_lowercase().as_str()) => {}
                        _ => self.0.clear(),
                    }
                }
            }
            "playback" | "background" => {
                let status = format!("{name}STATUS");
                self.0.retain(|k, _| !k.eq_ignore_ascii_case(&status));
            }
            _ if KEEPS_VARIABLES.contains(&name) => {}
            _ => self.0.clear(),
        }
    }

    /// `NAME=value`: `_`/`__` (inheritance) are not part of the name. With
    /// `known`, a plain literal value is remembered; otherwise the variable
    /// is forgotten.
    fn assign(&mut self, argument: &str, known: bool) {
        let Some((name, value)) = argument.split_once('=') else {
            return;
        };
        let name = name.trim();
        if name.contains('(') {
            // Functions set no channel variable, except these.
            let function = name.split('(').next().unwrap_or("").trim();
            if function.eq_ignore_ascii_case("ARRAY") || function.eq_ignore_ascii_case("HASH") {
                self.0.clear();
            }
            return;
        }
        if name.contains('$') {
            self.0.clear();
            return;
        }
        let name = name.trim_start_matches('_');
        // Whether names differ in case to Asterisk is not relied on.
        self.0.retain(|k, _| !k.eq_ignore_ascii_case(name));
        // `$[1]` evaluates to 1: AEL's `X=1;` is `MSet(X=$[1])`.
        let value = value
            .strip_prefix("$[")
            .and_then(|v| v.strip_suffix(']'))
            .map_or(value, str::trim);
        // Substituted into an expression, only a plain word or number reads
        // as itself.
        let plain = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if known && plain {
            self.0.insert(name.to_string(), value.to_string());
        }
    }
}

/// Whether a priority of the extension tests a condition after one sets a
/// variable: only then can a test be decided by a constant.
fn sets_then_tests(extension: &Extension) -> bool {
    let mut set = false;
    for priority in extension.priorities.values() {
        let app = &priority.app;
        if app.is("Set") || app.is("MSet") {
            set = true;
        } else if set
            && (app.is("GotoIf") || app.is("GosubIf") || app.is("ExecIf") || app.is("While"))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::flow::{FlowGraph, StepKind};
    use crate::frontend::asterisk::lower::tests::lowered;

    /// The number of edges of each `GotoIf`, in step order.
    fn branch_edges(graph: &FlowGraph) -> Vec<usize> {
        graph
            .steps
            .iter()
            .filter(|s| {
                s.statement
                    .as_ref()
                    .is_some_and(|st| st.application() == "GotoIf")
            })
            .map(|s| s.edges.len())
            .collect()
    }

    #[test]
    fn a_literal_set_just_before_decides_the_test() {
        let graph = lowered(
            "[in]\nexten => s,1,Set(__MODE=NEVER)\n same => n,GotoIf($[\"${MODE}\" = \"NEVER\"]?skip)\n same => n,MixMonitor(x.wav)\n same => n(skip),Dial(PJSIP/1)\n",
        );
        assert_eq!(branch_edges(&graph), [1]);
    }

    #[test]
    fn an_expression_of_a_literal_is_the_literal() {
        // AEL's `MODE=NEVER;`.
        let graph = lowered(
            "[in]\nexten => s,1,MSet(MODE=$[ NEVER])\n same => n,GotoIf($[\"${MODE}\" = \"NEVER\"]?skip)\n same => n,MixMonitor(x.wav)\n same => n(skip),Dial(PJSIP/1)\n",
        );
        assert_eq!(branch_edges(&graph), [1]);
    }

    #[test]
    fn what_may_change_the_value_keeps_both_ways() {
        // Another jump reaches the test; an input and a subroutine in between.
        for between in [
            "same => n(again),NoOp()",
            "same => n,Read(MODE,prompt,1)",
            "same => n,Gosub(sub,s,1)",
            "same => n,ExecIf($[1]?Set(MODE=x))",
        ] {
            let graph = lowered(&format!(
                "[in]\nexten => s,1,Set(MODE=NEVER)\n {between}\n same => n,GotoIf($[\"${{MODE}}\" = \"NEVER\"]?skip)\n same => n,Goto(again)\n same => n(skip),Dial(PJSIP/1)\n[sub]\nexten => s,1,Return()\n"
            ));
            assert_eq!(branch_edges(&graph), [2], "{between}");
        }
    }

    #[test]
    fn a_loop_decided_on_arrival_enters_its_body() {
        let graph = lowered(
            "[in]\nexten => s,1,Set(ATTEMPT=1)\n same => n,While($[${ATTEMPT} <= 3])\n same => n,Playback(notice)\n same => n,Set(ATTEMPT=$[${ATTEMPT} + 1])\n same => n,EndWhile()\n same => n,Dial(PJSIP/1)\n",
        );
        let set = &graph.steps[0];
        assert!(matches!(
            graph.step(set.edges[0].to).kind,
            StepKind::Prompt { .. }
        ));
        // The loop itself still ends.
        assert_eq!(graph.steps[1].edges.len(), 2);
    }
}
