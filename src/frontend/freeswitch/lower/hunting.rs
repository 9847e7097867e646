//! Hunting: a call entering a context tries its extensions in order, each
//! condition a branch; a hunt for a known destination decides the
//! `destination_number` conditions and lowers only what can match.

use crate::hash::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

use super::Lowerer;
use super::destinations::{DestinationIndex, dialled_numbers, literal_destinations, needs_letters};
use crate::flow::{AnswerMatch, Edge, Guard, RegionId, StepId, StepKind, Variable};
use crate::frontend::freeswitch::parse::{Action, Break, Condition, Item};

/// How many extension visits the hunts for an entry context's literal
/// numbers may add (literal numbers × extensions every such hunt evaluates)
/// before the context is entered by one hunt for any number instead: this
/// keeps the lowering linear on dialplans with thousands of numbers and
/// many pattern extensions.
const ENTRY_WORK: usize = 1 << 18;

/// One way of hunting a context: for a call arriving from outside (its
/// destination is some dialled number) or for a `transfer` to a known
/// destination, against which `destination_number` conditions are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Hunt {
    pub(super) context: usize,
    pub(super) destination: Destination,
}

/// What a hunt's `destination_number` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Destination {
    /// A call from outside: some dialled number (digits).
    Dialled,
    /// A call from outside for a number that no extension of the context
    /// names literally (those numbers have hunts of their own).
    Unlisted,
    /// A `transfer` to a computed destination (`department-${dept}`): any
    /// text, so no `destination_number` condition is decided.
    Computed,
    /// A `transfer` to this literal (an index into `Lowerer::destinations`).
    Literal(u32),
}

/// How a call from outside enters a context.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum WayIn {
    /// Dialling this number.
    Number(String),
    /// Dialling a number that no extension names literally.
    Unlisted,
    /// Dialling any number.
    Any,
}

/// Whether a condition that does not hold leaves its chain (the
/// extension), rather than going on to the chain's next condition.
fn exits_when_false(condition: &Condition, last: bool) -> bool {
    last || matches!(condition.break_on, Break::OnFalse | Break::Always)
}

/// How a condition's expression is tested against a text.
pub(super) enum Matcher {
    /// An anchored literal (`^1000$`, `^(\+45)?(70200001)$`) matches exactly
    /// these strings: compiling a regex for each would cost more than the
    /// whole hunt.
    Literals(Vec<String>),
    /// Compiled (`None`: not a valid regex, which matches nothing).
    Regex(Option<regex::Regex>),
}

/// Work on the hunt worklist.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pending {
    /// Lower a hunt whose first step is made.
    Lower(Hunt),
    /// Probe a context's hunt for any number: walk what it visits as
    /// lowering does, making no step, for the hunts its transfers ask for,
    /// the contexts they reach and the references that cannot be followed.
    Probe(usize),
}

impl Lowerer<'_> {
    /// Hunts are lowered from a worklist: a transfer asks for a hunt that
    /// may not exist yet, without recursion.
    pub(super) fn lower_pending(&mut self) {
        while let Some(pending) = self.pending_hunts.pop() {
            match pending {
                Pending::Lower(hunt) => self.lower_hunt(hunt),
                Pending::Probe(context) => {
                    self.probing = true;
                    self.hunt_chain(Hunt {
                        context,
                        destination: Destination::Dialled,
                    });
                    self.probing = false;
                }
            }
        }
    }

    /// How calls from outside enter a context: each extension is a way in
    /// (a call dialled its number and hunts the context from the top). For
    /// an extension whose `destination_number` expression is a literal
    /// (`^4570101010$`, `^(\+45)?(70200001)$`), the hunt is for that number,
    /// so every `destination_number` condition is decided; for any other, the
    /// hunt is for a number that no extension names literally. A literal with
    /// letters is reached only by transfer. When the literal hunts would
    /// re-lower more than [`ENTRY_WORK`] extensions, the context is entered
    /// by one hunt for any number instead.
    pub(super) fn ways_in(&mut self, context: usize) -> Vec<WayIn> {
        let extensions = Arc::clone(&self.contexts[context].extensions);
        let mut ways: Vec<WayIn> = Vec::new();
        for extension in extensions.iter() {
            match dialled_numbers(extension) {
                Some(numbers) => ways.extend(
                    numbers
                        .into_iter()
                        .filter(|n| !n.chars().any(|c| c.is_ascii_alphabetic()))
                        .map(WayIn::Number),
                ),
                None => ways.push(WayIn::Unlisted),
            }
        }
        let mut unique = HashSet::default();
        ways.retain(|w| unique.insert(w.clone()));
        let literal = ways
            .iter()
            .filter(|w| matches!(w, WayIn::Number(_)))
            .count();
        let others = self
            .destination_index
            .entry(context)
            .or_insert_with(|| DestinationIndex::of(&extensions))
            .others
            .len();
        if literal.saturating_mul(others) > ENTRY_WORK {
            return vec![WayIn::Any];
        }
        ways
    }

    /// The first step of a hunt of `context` for `destination` (`None`: a
    /// call from outside), made on first use.
    pub(super) fn hunt(&mut self, context: usize, destination: Option<&str>) -> StepId {
        let destination = match destination {
            None => Destination::Dialled,
            Some(d) if d.contains('$') => Destination::Computed,
            Some(d) => Destination::Literal(match self.destination_ids.get(d) {
                Some(&i) => i,
                None => {
                    let i = self.destinations.len() as u32;
                    self.destinations.push(d.to_string());
                    self.destination_ids.insert(d.to_string(), i);
                    i
                }
            }),
        };
        self.hunt_for(context, destination)
    }

    pub(super) fn hunt_for(&mut self, context: usize, destination: Destination) -> StepId {
        let hunt = Hunt {
            context,
            destination,
        };
        if let Some(&step) = self.hunts.get(&hunt) {
            return step;
        }
        let step = self.graph.add_step(
            StepKind::Dispatch,
            self.contexts[context].span,
            RegionId(context as u32),
        );
        self.hunts.insert(hunt, step);
        self.pending_hunts.push(Pending::Lower(hunt));
        step
    }

    /// Lowers the extensions of a hunt in order; each condition a branch.
    fn lower_hunt(&mut self, hunt: Hunt) {
        if let Some(first) = self.hunt_chain(hunt) {
            let dispatch = self.hunts[&hunt];
            self.graph.add_edge(dispatch, Edge::plain(first));
        }
    }

    /// The steps of the extensions a hunt visits, in order; returns the
    /// first.
    fn hunt_chain(&mut self, hunt: Hunt) -> Option<StepId> {
        let extensions = Arc::clone(&self.contexts[hunt.context].extensions);
        let visited: Vec<u32> = match hunt.destination {
            Destination::Literal(d) => self
                .destination_index
                .entry(hunt.context)
                .or_insert_with(|| DestinationIndex::of(&extensions))
                .candidates(&self.destinations[d as usize]),
            // Extensions that match only literal numbers never match.
            Destination::Unlisted => self
                .destination_index
                .entry(hunt.context)
                .or_insert_with(|| DestinationIndex::of(&extensions))
                .others
                .clone(),
            Destination::Dialled | Destination::Computed => (0..extensions.len() as u32).collect(),
        };
        // A call that surely matches an extension without `continue` stops
        // hunting there: the extensions after it are never tried in this
        // hunt, and lowering them made steps no call reaches.
        let reached = visited
            .iter()
            .position(|&i| {
                let extension = &extensions[i as usize];
                !extension.continues && !self.falls_through(hunt, &extension.conditions)
            })
            .map_or(visited.len(), |k| k + 1);
        let visited = &visited[..reached];
        // What the hunt has seen shapes the steps of its actions only.
        if !self.probing {
            self.record_what_is_seen(hunt, &extensions, visited);
        }
        let end = Some(self.ends[hunt.context]);
        let mut next = end;
        for extension in visited.iter().rev().map(|&i| &extensions[i as usize]) {
            let after_match = if extension.continues { next } else { end };
            next = self.conditions(hunt, &extension.conditions, after_match, next);
        }
        next
    }

    /// Lowers a chain of conditions; returns its first step (or `exit_true`
    /// when there is nothing to branch on).
    fn conditions(
        &mut self,
        hunt: Hunt,
        conditions: &[Condition],
        exit_true: Option<StepId>,
        exit_false: Option<StepId>,
    ) -> Option<StepId> {
        let conditions = self.tested(hunt, conditions);
        let mut rest: Option<StepId> = exit_true;
        for (k, condition) in conditions.iter().enumerate().rev() {
            let last = k + 1 == conditions.len();
            let after_true = if last || matches!(condition.break_on, Break::OnTrue | Break::Always)
            {
                exit_true
            } else {
                rest
            };
            let after_false = if exits_when_false(condition, last) {
                exit_false
            } else {
                rest
            };
            rest = self.condition(hunt, condition, after_true, after_false);
        }
        rest
    }

    /// The conditions of a chain that the hunt tests: those after one that
    /// the hunt decides false, and that ends the chain when false, are
    /// never tested. Not lowering them keeps a transfer's hunt as small as
    /// the extensions it can match.
    fn tested<'c>(&mut self, hunt: Hunt, conditions: &'c [Condition]) -> &'c [Condition] {
        let tested = conditions
            .iter()
            .position(|c| {
                matches!(c.break_on, Break::OnFalse | Break::Always)
                    && self.decided_by_hunt(hunt, c) == Some(false)
            })
            .map_or(conditions.len(), |k| k + 1);
        &conditions[..tested]
    }

    /// Whether a call can leave a chain of conditions by its false exit, on
    /// to the next extension, in this hunt, as [`Self::conditions`] lowers
    /// it: some condition whose false exit is the chain's tests something
    /// the hunt does not decide true.
    fn falls_through(&mut self, hunt: Hunt, conditions: &[Condition]) -> bool {
        let conditions = self.tested(hunt, conditions);
        conditions.iter().enumerate().any(|(k, condition)| {
            exits_when_false(condition, k + 1 == conditions.len())
                && condition.tests
                && self.decided_by_hunt(hunt, condition) != Some(true)
        })
    }

    fn condition(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
        after_true: Option<StepId>,
        after_false: Option<StepId>,
    ) -> Option<StepId> {
        // A bare `<condition>` always holds.
        if !condition.tests {
            return self.items(hunt, &condition.then, after_true);
        }
        // A destination the hunt decides needs no branch, and the side not
        // taken is not lowered: a transfer's hunt of a context with thousands
        // of extensions stays as small as the extensions that can match.
        match self.decided_by_hunt(hunt, condition) {
            Some(true) => return self.items(hunt, &condition.then, after_true),
            Some(false) => return self.actions(hunt, &condition.otherwise, after_false),
            None => {}
        }
        let then = self.items(hunt, &condition.then, after_true);
        let otherwise = self.actions(hunt, &condition.otherwise, after_false);
        Some(self.branch(hunt, condition, then, otherwise))
    }

    /// Whether a `destination_number` condition holds in this hunt, when the
    /// hunt decides it: a transfer names its destination; a call from
    /// outside dials digits, so a destination written with letters is
    /// reached only by transfer.
    pub(super) fn decided_by_hunt(&mut self, hunt: Hunt, condition: &Condition) -> Option<bool> {
        let (Some(field), Some(expression)) = (&condition.field, &condition.expression) else {
            return None;
        };
        let variable = field
            .strip_prefix("${")
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(field);
        if variable != "destination_number" {
            return None;
        }
        // Asked of each condition three or four times a hunt (what the hunt
        // has seen, which conditions it tests, the branch, its guards): a
        // regex match cost more than the rest of lowering the condition.
        let key = (condition.span, hunt.destination);
        if let Some(&decided) = self.decisions.get(&key) {
            return decided;
        }
        let decided = match hunt.destination {
            Destination::Literal(d) => Some(regex_matches(
                &mut self.regexes,
                expression,
                &self.destinations[d as usize],
            )),
            Destination::Dialled if needs_letters(expression) => Some(false),
            Destination::Unlisted
                if needs_letters(expression)
                    || literal_destinations(expression, true).is_some() =>
            {
                Some(false)
            }
            Destination::Dialled | Destination::Unlisted | Destination::Computed => None,
        };
        self.decisions.insert(key, decided);
        decided
    }

    /// A condition's branch step, its edges to `then` and `otherwise`.
    fn branch(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
        then: Option<StepId>,
        otherwise: Option<StepId>,
    ) -> StepId {
        if self.probing {
            return then.or(otherwise).unwrap_or(self.ends[hunt.context]);
        }
        let branch =
            self.graph
                .add_step(StepKind::Branch, condition.span, self.region(hunt.context));
        let (yes, no) = self.guards(hunt, condition);
        if self.tested_before_set(condition) {
            self.graph.steps[branch.index()].note = Some(
                "tested while the dialplan is hunted, before the action that sets the variable runs: it never sees the answer"
                    .into(),
            );
        }
        for (to, guards) in [(then, yes), (otherwise, no)] {
            if let (Some(to), Some(guards)) = (to, guards) {
                self.graph.add_edge(branch, Edge { to, guards });
            }
        }
        branch
    }

    /// What the true and false edges of a condition establish about its
    /// variable; `None` for an edge that cannot be taken.
    fn guards(
        &mut self,
        hunt: Hunt,
        condition: &Condition,
    ) -> (Option<Vec<Guard>>, Option<Vec<Guard>>) {
        let (Some(field), Some(expression)) = (&condition.field, &condition.expression) else {
            return (Some(Vec::new()), Some(Vec::new()));
        };
        let variable = field
            .strip_prefix("${")
            .and_then(|f| f.strip_suffix('}'))
            .unwrap_or(field)
            .to_string();
        if variable.contains(['$', '{', ' ']) {
            return (Some(Vec::new()), Some(Vec::new()));
        }
        if variable == "destination_number" {
            return match self.decided_by_hunt(hunt, condition) {
                Some(true) => (Some(Vec::new()), None),
                Some(false) => (None, Some(Vec::new())),
                None => (Some(Vec::new()), Some(Vec::new())),
            };
        }
        if self.tested_before_set(condition) {
            // Evaluated while hunting, before the action that sets the
            // variable has run: the condition sees it unset, and the answer
            // is never really tested.
            return if regex_matches(&mut self.regexes, expression, "") {
                (Some(Vec::new()), None)
            } else {
                (None, Some(Vec::new()))
            };
        }
        let variable = Variable::Named(variable);
        (
            Some(vec![Guard::Answer {
                variable: variable.clone(),
                answer: AnswerMatch::Regex(expression.as_str().to_owned()),
            }]),
            Some(vec![Guard::Default {
                variable,
                not: Vec::new(),
            }]),
        )
    }

    fn items(&mut self, hunt: Hunt, items: &[Item], next: Option<StepId>) -> Option<StepId> {
        let mut next = next;
        for item in items.iter().rev() {
            next = match item {
                Item::Action(action) => Some(self.action(hunt, action, next)),
                // Whatever a nested condition decides, the call goes on
                // with what follows it.
                Item::Condition(nested) => self.condition(hunt, nested, next, next),
            };
        }
        next
    }

    fn actions(&mut self, hunt: Hunt, actions: &[Action], next: Option<StepId>) -> Option<StepId> {
        let mut next = next;
        for action in actions.iter().rev() {
            next = Some(self.action(hunt, action, next));
        }
        next
    }
}

/// Whether a FreeSWITCH condition expression matches `text` (an expression
/// that does not compile, or is too large, matches nothing). Each
/// expression is read once per run, into [`matcher`], and looked up once
/// per tree in `regexes`.
fn regex_matches(regexes: &mut HashMap<String, Arc<Matcher>>, expression: &str, text: &str) -> bool {
    if let Some(matcher) = regexes.get(expression) {
        return matcher.matches(text);
    }
    let matcher = matcher(expression);
    let matches = matcher.matches(text);
    regexes.insert(expression.to_string(), matcher);
    matches
}

/// How `expression` is matched, shared by every tree of the run: trees
/// made from one template (FreePBX, FusionPBX) test the same expressions,
/// and compiling a regex cost 200,000 instructions, more than lowering the
/// rest of a small tree. At most [`MATCHERS_KEPT`] are kept, of
/// expressions no longer than [`KEPT_LENGTH`], so that what a run over
/// hostile input keeps stays small (each regex compiles to at most 1 MiB).
fn matcher(expression: &str) -> Arc<Matcher> {
    static MATCHERS: LazyLock<Mutex<HashMap<String, Arc<Matcher>>>> =
        LazyLock::new(Default::default);
    let lock = || MATCHERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(matcher) = lock().get(expression) {
        return Arc::clone(matcher);
    }
    // Compiled without the lock, which the other threads would wait on.
    let matcher = Arc::new(match literal_destinations(expression, true) {
        Some(strings) => Matcher::Literals(strings),
        None => Matcher::Regex(
            regex::RegexBuilder::new(expression)
                .size_limit(1 << 20)
                .build()
                .ok(),
        ),
    });
    if expression.len() <= KEPT_LENGTH {
        let mut kept = lock();
        if kept.len() < MATCHERS_KEPT {
            kept.insert(expression.to_string(), Arc::clone(&matcher));
        }
    }
    matcher
}

/// How many expressions' matchers a run keeps, and how long an expression
/// it keeps may be: a dialplan's destination patterns are short and few.
const MATCHERS_KEPT: usize = 256;
const KEPT_LENGTH: usize = 256;

impl Matcher {
    fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Literals(strings) => strings.iter().any(|s| s == text),
            Matcher::Regex(regex) => regex.as_ref().is_some_and(|r| r.is_match(text)),
        }
    }
}
