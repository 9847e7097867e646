//! "Can a call get from here to a target without passing a blocker?" —
//! backward reachability over the flow graph, with subroutine summaries so
//! that a path entering a subroutine returns to its own caller. Each step's
//! answer only ever changes from false to true, so the fixpoint is linear in
//! the size of the graph.

use std::collections::VecDeque;

use crate::flow::{FlowGraph, Step, StepId, StepKind};

/// For each step, the steps a call comes to it from: along an edge, or by
/// calling the subroutine that starts there. Built once per graph, in one
/// flat array (compressed rows), and shared by every search below.
pub struct Predecessors {
    /// Rows of `from`: step `i`'s predecessors are `from[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    from: Vec<u32>,
}

/// Where a call can go from `step`: its edges and the subroutine it calls.
fn successors(step: &Step) -> impl Iterator<Item = StepId> + '_ {
    let callee = match &step.kind {
        StepKind::Call(call) => call.callee,
        _ => None,
    };
    step.edges.iter().map(|e| e.to).chain(callee)
}

impl Predecessors {
    pub fn of(graph: &FlowGraph) -> Predecessors {
        let n = graph.len();
        // The steps are read once, into a flat list of links: a step is a
        // cache line or two, a link eight bytes.
        let mut links: Vec<(u32, u32)> = Vec::with_capacity(n + n / 4);
        let mut start = vec![0u32; n + 1];
        for (i, step) in graph.steps.iter().enumerate() {
            for to in successors(step) {
                start[to.index() + 1] += 1;
                links.push((i as u32, to.0));
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut from = vec![0u32; links.len()];
        for (i, to) in links {
            from[fill[to as usize] as usize] = i;
            fill[to as usize] += 1;
        }
        Predecessors { start, from }
    }

    fn of_step(&self, step: u32) -> &[u32] {
        let i = step as usize;
        &self.from[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// Answers to up to eight reachability questions about one graph, one bit
/// of a byte per step for each.
pub struct Reachability {
    /// From this step a target is reachable within the step's own
    /// subroutine (or at top level), entering called subroutines.
    local: Vec<u8>,
    /// From this step, the end of the current subroutine (`Return`) is
    /// reachable without a blocker.
    to_return: Vec<u8>,
}

/// The answers to one of the questions a [`Reachability`] holds.
#[derive(Clone, Copy)]
pub struct Answers<'a> {
    local: &'a [u8],
    to_return: &'a [u8],
    bit: u8,
}

impl Reachability {
    /// Can a call get from each step to a `target` without passing a
    /// `blocker`?
    pub fn compute(
        graph: &FlowGraph,
        predecessors: &Predecessors,
        target: impl Fn(StepId) -> bool,
        blocker: impl Fn(StepId) -> bool,
    ) -> Reachability {
        Reachability::compute_all(graph, predecessors, 1, |s| {
            (u8::from(target(s)), u8::from(blocker(s)))
        })
    }

    /// `count` (at most eight) questions at once: `questions(step)` gives,
    /// one bit per question, whether the step is a target and whether it is
    /// a blocker.
    /// Each question's answer is the least fixpoint of its own equations,
    /// which no other question's bits touch, so one worklist over all of
    /// them gives exactly the answers eight searches would, in one pass.
    pub fn compute_all(
        graph: &FlowGraph,
        predecessors: &Predecessors,
        count: u32,
        questions: impl Fn(StepId) -> (u8, u8),
    ) -> Reachability {
        debug_assert!((1..=8).contains(&count));
        let asked = (u16::MAX >> (16 - count)) as u8;
        let n = graph.len();
        let mut r = Reachability {
            local: vec![0; n],
            to_return: vec![0; n],
        };
        let (targets, blockers): (Vec<u8>, Vec<u8>) =
            (0..n as u32).map(|i| questions(StepId(i))).unzip();
        // Every step starts false, and only a target or an unblocked end of
        // a subroutine is true before some step after it is: those are the
        // seeds, and a step is looked at again when a step after it changes.
        let mut queued = vec![false; n];
        let mut queue: VecDeque<u32> = VecDeque::new();
        for (i, step) in graph.steps.iter().enumerate() {
            let open_return = matches!(step.kind, StepKind::Return) && asked & !blockers[i] != 0;
            if targets[i] != 0 || open_return {
                queued[i] = true;
                queue.push_back(i as u32);
            }
        }
        while let Some(i) = queue.pop_front() {
            let i = i as usize;
            queued[i] = false;
            let (local, to_return) = r.evaluate(graph, i, targets[i], blockers[i] | !asked);
            let grown = (local & !r.local[i]) | (to_return & !r.to_return[i]);
            if grown == 0 {
                continue;
            }
            r.local[i] |= local;
            r.to_return[i] |= to_return;
            for &p in predecessors.of_step(i as u32) {
                if !queued[p as usize] {
                    queued[p as usize] = true;
                    queue.push_back(p);
                }
            }
        }
        r
    }

    fn evaluate(&self, graph: &FlowGraph, i: usize, target: u8, blocker: u8) -> (u8, u8) {
        let step = &graph.steps[i];
        let mut any_local = 0;
        let mut any_return = 0;
        for edge in &step.edges {
            any_local |= self.local[edge.to.index()];
            any_return |= self.to_return[edge.to.index()];
        }
        let (local, to_return) = match &step.kind {
            StepKind::Return => (0, u8::MAX),
            StepKind::Call(call) => match call.callee {
                Some(callee) => {
                    let (callee_local, callee_return) =
                        (self.local[callee.index()], self.to_return[callee.index()]);
                    (
                        callee_local | (callee_return & any_local),
                        callee_return & any_return,
                    )
                }
                None => (any_local, any_return),
            },
            _ => (any_local, any_return),
        };
        let open = !blocker;
        ((local & open) | target, to_return & open)
    }

    /// The answers to question `bit` (counted from 0) of
    /// [`Reachability::compute_all`].
    pub fn question(&self, bit: u8) -> Answers<'_> {
        Answers {
            local: &self.local,
            to_return: &self.to_return,
            bit,
        }
    }

    /// Whether a target is reachable from `step` within its own subroutine or
    /// at top level (of the one question [`Reachability::compute`] asks).
    pub fn from(&self, step: StepId) -> bool {
        self.question(0).from(step)
    }

    /// Whether the end of the subroutine `step` is in is reachable (of the
    /// one question [`Reachability::compute`] asks).
    pub fn returns(&self, step: StepId) -> bool {
        self.question(0).returns(step)
    }
}

impl Answers<'_> {
    /// Whether a target is reachable from `step` within its own subroutine or
    /// at top level.
    pub fn from(self, step: StepId) -> bool {
        self.local[step.index()] >> self.bit & 1 != 0
    }

    /// Whether the end of the subroutine `step` is in is reachable.
    pub fn returns(self, step: StepId) -> bool {
        self.to_return[step.index()] >> self.bit & 1 != 0
    }
}

/// For every step, the nearest step satisfying a target predicate that a call
/// can go on to (along edges and into called subroutines, not through blocked
/// steps). One breadth-first search backwards from all targets at once, so it
/// is linear in the graph; used to point at the notice that comes too late or
/// the connection reached without one.
pub struct NearestAhead {
    nearest: Vec<Option<(StepId, u32)>>,
}

impl NearestAhead {
    pub fn compute(
        graph: &FlowGraph,
        predecessors: &Predecessors,
        target: impl Fn(StepId) -> bool,
        blocked: impl Fn(StepId) -> bool,
    ) -> NearestAhead {
        let n = graph.len();
        let mut nearest: Vec<Option<(StepId, u32)>> = vec![None; n];
        let mut queue = VecDeque::new();
        for i in 0..n as u32 {
            if target(StepId(i)) {
                nearest[i as usize] = Some((StepId(i), 0));
                queue.push_back(i);
            }
        }
        while let Some(i) = queue.pop_front() {
            let Some((found, distance)) = nearest[i as usize] else {
                continue;
            };
            for &p in predecessors.of_step(i) {
                if nearest[p as usize].is_none() && !blocked(StepId(p)) {
                    nearest[p as usize] = Some((found, distance + 1));
                    queue.push_back(p);
                }
            }
        }
        NearestAhead { nearest }
    }

    /// The nearest target from `step` on, `step` included.
    pub fn at(&self, step: StepId) -> Option<StepId> {
        self.nearest[step.index()].map(|(found, _)| found)
    }

    /// The nearest target strictly after `step`.
    pub fn after(&self, graph: &FlowGraph, step: StepId) -> Option<StepId> {
        let s = graph.step(step);
        let callee = match &s.kind {
            StepKind::Call(call) => call.callee,
            _ => None,
        };
        s.edges
            .iter()
            .map(|e| e.to)
            .chain(callee)
            .filter_map(|next| self.nearest[next.index()])
            .min_by_key(|&(found, distance)| (distance, found))
            .map(|(found, _)| found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Call, Edge, Leg, RegionId, Wait};
    use crate::source::{FileId, Span};

    fn graph(kinds: Vec<StepKind>, edges: &[(u32, u32)]) -> FlowGraph {
        let mut g = FlowGraph::default();
        let region = g.add_region("r".into(), Span::new(FileId(0), 0, 0));
        for kind in kinds {
            g.add_step(kind, Span::new(FileId(0), 0, 0), region);
        }
        for &(a, b) in edges {
            g.add_edge(StepId(a), Edge::plain(StepId(b)));
        }
        let _ = RegionId(0);
        g
    }

    #[test]
    fn summaries_return_to_the_right_caller() {
        // 0 calls sub 4 then goes to 1 (a connection); 2 calls sub 4 then goes
        // to 3 (hangup). Sub 4 → 5 return. From 2, no connection is reachable.
        let call = |callee| {
            StepKind::Call(Call {
                callee: Some(StepId(callee)),
                leg: Leg::Caller,
                arguments: Vec::new(),
            })
        };
        let g = graph(
            vec![
                call(4),
                StepKind::Connection {
                    target: "x".into(),
                    waits: Wait::Ringing,
                },
                call(4),
                StepKind::Hangup,
                StepKind::Other,
                StepKind::Return,
            ],
            &[(0, 1), (2, 3), (4, 5)],
        );
        let r = Reachability::compute(&g, &Predecessors::of(&g), |s| s == StepId(1), |_| false);
        assert!(r.from(StepId(0)));
        assert!(!r.from(StepId(2)));
        assert!(r.returns(StepId(4)));
    }

    #[test]
    fn nearest_target_ahead() {
        // 0 → 1 → 2 (target) and 0 → 3 → 4 → 5 (target); 1 is blocked in the second run.
        let g = graph(
            vec![StepKind::Other; 6],
            &[(0, 1), (1, 2), (0, 3), (3, 4), (4, 5)],
        );
        let target = |s: StepId| s == StepId(2) || s == StepId(5);
        let near = NearestAhead::compute(&g, &Predecessors::of(&g), target, |_| false);
        assert_eq!(near.after(&g, StepId(0)), Some(StepId(2)));
        assert_eq!(near.after(&g, StepId(4)), Some(StepId(5)));
        assert_eq!(near.after(&g, StepId(2)), None);
        let blocked = NearestAhead::compute(&g, &Predecessors::of(&g), target, |s| s == StepId(1));
        assert_eq!(blocked.after(&g, StepId(0)), Some(StepId(5)));
    }

    #[test]
    fn blockers_stop_paths() {
        let g = graph(
            vec![
                StepKind::Other,
                StepKind::Other,
                StepKind::Other,
                StepKind::Other,
            ],
            &[(0, 1), (1, 3), (0, 2), (2, 3)],
        );
        let both = Reachability::compute(
            &g,
            &Predecessors::of(&g),
            |s| s == StepId(3),
            |s| s == StepId(1) || s == StepId(2),
        );
        assert!(!both.from(StepId(0)));
        let one = Reachability::compute(
            &g,
            &Predecessors::of(&g),
            |s| s == StepId(3),
            |s| s == StepId(1),
        );
        assert!(one.from(StepId(0)));
    }
}
