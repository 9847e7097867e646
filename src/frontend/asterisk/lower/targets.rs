//! Where a call goes: jump and call targets (`[[context,]extension,]priority`,
//! macros, `U()`), hunting an extension in a context and the contexts it
//! includes, dispatch on a computed extension, and the entry points.

use crate::hash::HashSet;

use super::{Lowerer, Site};
use crate::flow::{
    AnswerMatch, Edge, EntryPoint, Guard, RegionId, StepId, StepKind, Variable, pattern_matches,
};
use crate::frontend::asterisk::parse::app::Text;
use crate::frontend::asterisk::parse::dialplan::Extension;
use crate::frontend::asterisk::parse::expr;
use crate::source::{Span, trim};

/// Special extensions that are not dialled by a caller entering a context.
const NOT_A_WAY_IN: &[&str] = &["h", "t", "e", "T", "a", "o"];

impl Lowerer<'_> {
    /// The callee of `Macro(name)`: context `macro-name`, extension `s`.
    pub(super) fn resolve_macro(&mut self, name: Option<&Text>) -> Option<StepId> {
        let name = name?;
        let text = format!("macro-{}", name.trimmed());
        let target = Text {
            text: format!("{text},s,1").into(),
            span: name.span,
        };
        self.resolve_target(None, &target, ',', true)
            .into_iter()
            .next()
    }

    /// `U(context^arg^...)`: Gosub to `context,s,1`.
    pub(super) fn resolve_context_s(&mut self, argument: &Text) -> Option<StepId> {
        let context = argument.text.split('^').next().unwrap_or("").trim();
        let target = Text {
            text: format!("{context},s,1").into(),
            span: Span::new(
                argument.span.file,
                argument.span.start as usize,
                argument.span.start as usize + context.len(),
            ),
        };
        self.resolve_target(None, &target, ',', true)
            .into_iter()
            .next()
    }

    pub(super) fn resolve_call(
        &mut self,
        site: Site,
        target: &Text,
        separator: char,
    ) -> Option<StepId> {
        self.resolve_target(Some(site), target, separator, true)
            .into_iter()
            .next()
    }

    pub(super) fn resolve(&mut self, site: Site, target: &Text, separator: char) -> Vec<StepId> {
        self.resolve_target(Some(site), target, separator, false)
    }

    /// Where `Goto(target)` goes. A computed extension after a literal
    /// prefix, `Goto(prefix${VAR},p)`, is a choice among the extensions
    /// named `prefix…`: each edge carries the value of `VAR` its extension
    /// stands for (a pattern, or for a catch-all pattern none of the exact
    /// ones). AEL compiles `switch` so: `Goto(sw_N_${VAR},10)` and an
    /// extension `sw_N_VALUE` per case.
    pub(super) fn jump_edges(&mut self, site: Site, target: &Text) -> Vec<Edge> {
        if let Some(edges) = self.computed_choice(site, target) {
            return edges;
        }
        self.resolve(site, target, ',')
            .into_iter()
            .map(Edge::plain)
            .collect()
    }

    fn computed_choice(&mut self, site: Site, target: &Text) -> Option<Vec<Edge>> {
        let parts: Vec<&str> = target.text.split(',').map(trim).collect();
        let (context, extension, priority) = match parts.as_slice() {
            [e, p] => (site.context, *e, *p),
            [c, e, p] => (self.plan.context_index(c)?, *e, *p),
            _ => return None,
        };
        let (prefix, computed) = extension.split_at(extension.find('$')?);
        if prefix.is_empty() || priority.contains('$') {
            return None;
        }
        // (the extension's first step, its value, whether a pattern)
        let mut choices: Vec<(StepId, &str, bool)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        for c in self.include_order(context) {
            for (e, ext) in self.plan.contexts[c].extensions.iter().enumerate() {
                let name = ext.number();
                let (value, pattern) = match name.strip_prefix('_') {
                    Some(pattern) => (pattern.strip_prefix(prefix), true),
                    None => (name.strip_prefix(prefix), false),
                };
                let Some(value) = value else { continue };
                let Some(&to) = priority_number(ext, priority)
                    .and_then(|n| self.priority_steps.get(&(c, e, n)))
                else {
                    continue;
                };
                if seen.insert(name) {
                    choices.push((to, value, pattern));
                }
            }
        }
        if choices.is_empty() {
            return None;
        }
        if context != site.context {
            self.referenced.insert(context);
        }
        let Some(variable) = expr::variable_reference(computed) else {
            return Some(choices.into_iter().map(|(to, ..)| Edge::plain(to)).collect());
        };
        let variable = Variable::Named(variable);
        let exact: Vec<String> = choices
            .iter()
            .filter(|(_, value, pattern)| !pattern && !value.is_empty())
            .map(|(_, value, _)| value.to_string())
            .collect();
        let edges = choices
            .into_iter()
            .map(|(to, value, pattern)| {
                // An empty value is no answer: the default outcome, as a
                // catch-all pattern is.
                let guard = match (pattern, value) {
                    (true, "." | "!") | (false, "") => Guard::Default {
                        variable: variable.clone(),
                        not: exact.clone(),
                    },
                    (true, _) => Guard::Answer {
                        variable: variable.clone(),
                        answer: AnswerMatch::Pattern(format!("_{value}")),
                    },
                    (false, _) => Guard::Answer {
                        variable: variable.clone(),
                        answer: AnswerMatch::Values(vec![value.to_string()]),
                    },
                };
                Edge {
                    to,
                    guards: vec![guard],
                }
            })
            .collect();
        Some(edges)
    }

    /// Resolves `[[context,]extension,]priority` (`^`-separated in Dial
    /// options). Computed parts are followed where possible and never reported.
    fn resolve_target(
        &mut self,
        site: Option<Site>,
        target: &Text,
        separator: char,
        is_call: bool,
    ) -> Vec<StepId> {
        // Gosub arguments: `prio(args)`.
        let text = match target.text.find('(') {
            Some(open) if !target.text[..open].contains('$') => &target.text[..open],
            _ => target.text.as_str(),
        };
        let parts: Vec<&str> = text.split(separator).map(trim).collect();
        let (context, extension, priority) = match (parts.as_slice(), site) {
            // A label or number in the current extension.
            ([p], Some(site)) => return self.resolve_here(site, p, target.span),
            ([e, p], Some(site)) => (site.context, Some(e.to_string()), *p),
            ([c, e, p], _) | ([c, e, p, ..], _) => {
                if c.contains('$') {
                    return Vec::new();
                }
                match self.plan.context_index(c) {
                    Some(i) => (i, Some(e.to_string()), *p),
                    None if self.defined_at_run_time(c) || self.settings.dialplan_incomplete => {
                        return Vec::new();
                    }
                    None => {
                        self.report(
                            target.span,
                            format!("context `{c}` is not defined"),
                            "no scanned file defines this context; the call cannot be followed here",
                        );
                        return Vec::new();
                    }
                }
            }
            _ => return Vec::new(),
        };
        if let Some(site) = site
            && context != site.context
        {
            self.referenced.insert(context);
        }
        if site.is_none() {
            self.referenced.insert(context);
        }
        if is_call {
            self.subroutines.insert(context);
        }
        if priority.is_empty() || priority.contains('$') {
            return Vec::new();
        }
        let extension = extension.unwrap_or_default();
        self.resolve_in(context, &extension, priority, target.span)
    }

    /// `priority` (a number or label) in the current extension.
    fn resolve_here(&mut self, site: Site, p: &str, span: Span) -> Vec<StepId> {
        let ext = self.extension(site);
        match priority_number(ext, p)
            .and_then(|n| self.priority_steps.get(&(site.context, site.extension, n)))
        {
            Some(&step) => vec![step],
            None if p.contains('$') || p.is_empty() => Vec::new(),
            None => {
                let message = format!(
                    "priority or label `{p}` is not defined in extension `{}` of context `{}`",
                    ext.name, self.plan.contexts[site.context].name
                );
                self.report(
                    span,
                    message,
                    "no such priority or label; the call cannot be followed here",
                );
                Vec::new()
            }
        }
    }

    /// `extension,priority` in `context` (and the contexts it includes); a
    /// computed extension may be any of the context's ways in.
    fn resolve_in(
        &mut self,
        context: usize,
        extension: &str,
        priority: &str,
        span: Span,
    ) -> Vec<StepId> {
        if extension.contains('$') {
            // A computed extension: any extension of the context may run.
            if priority == "1" {
                return vec![self.dispatch_step(context)];
            }
            return self
                .ways_in(context, false)
                .into_iter()
                .filter_map(|(c, e)| {
                    let ext = &self.plan.contexts[c].extensions[e];
                    let number = priority_number(ext, priority)?;
                    self.priority_steps.get(&(c, e, number)).copied()
                })
                .collect();
        }
        let Some((c, e)) = self.find_extension(context, extension) else {
            if self.settings.dialplan_incomplete {
                return Vec::new();
            }
            self.report(
                span,
                format!(
                    "extension `{extension}` is not defined in context `{}`",
                    self.plan.contexts[context].name
                ),
                "no scanned file defines this extension; the call cannot be followed here",
            );
            return Vec::new();
        };
        let ext = &self.plan.contexts[c].extensions[e];
        match priority_number(ext, priority).and_then(|n| self.priority_steps.get(&(c, e, n))) {
            Some(&step) => vec![step],
            None => {
                self.report(
                    span,
                    format!(
                        "priority or label `{priority}` is not defined in extension `{extension}` of context `{}`",
                        self.plan.contexts[c].name
                    ),
                    "no such priority or label; the call cannot be followed here",
                );
                Vec::new()
            }
        }
    }

    /// Finds the extension a dialled string runs in a context, searching
    /// included contexts after the context's own extensions, exact names
    /// before patterns.
    fn find_extension(&self, context: usize, dialled: &str) -> Option<(usize, usize)> {
        let order = self.include_order(context);
        for &c in &order {
            if let Some(e) = self.plan.contexts[c]
                .extensions
                .iter()
                .position(|e| e.number() == dialled)
            {
                return Some((c, e));
            }
        }
        for &c in &order {
            if let Some(e) = self.plan.contexts[c]
                .extensions
                .iter()
                .position(|e| e.is_pattern() && pattern_matches(&e.name, dialled))
            {
                return Some((c, e));
            }
        }
        None
    }

    /// The context followed by the contexts it includes, depth-first, each once.
    fn include_order(&self, context: usize) -> Vec<usize> {
        let mut order = Vec::new();
        let mut stack = vec![context];
        while let Some(c) = stack.pop() {
            if order.contains(&c) {
                continue;
            }
            order.push(c);
            for include in self.plan.contexts[c].includes.iter().rev() {
                if let Some(i) = self.plan.context_index(&include.context) {
                    stack.push(i);
                }
            }
        }
        order
    }

    /// Extensions a call entering `context` may run (own first, then included),
    /// each name once, never an internal one. For a menu (`menu`), the key
    /// choices and `t`, `i`; for a call arriving, every extension except the
    /// special ones and, in a context that holds a `WaitExten` menu, its
    /// one-key choices.
    pub(super) fn ways_in(&self, context: usize, menu: bool) -> Vec<(usize, usize)> {
        let has_menu = self.plan.contexts[context]
            .extensions
            .iter()
            .any(|e| e.priorities.values().any(|p| p.app.is("WaitExten")));
        let mut seen: HashSet<&str> = HashSet::default();
        let mut out = Vec::new();
        for c in self.include_order(context) {
            for (e, extension) in self.plan.contexts[c].extensions.iter().enumerate() {
                let name = extension.name.as_str();
                let skip = extension.internal
                    || if menu {
                        NOT_A_WAY_IN.contains(&name) && name != "t"
                    } else {
                        NOT_A_WAY_IN.contains(&name) || (has_menu && is_one_key(extension))
                    };
                if skip || !seen.insert(name) {
                    continue;
                }
                out.push((c, e));
            }
        }
        out
    }

    fn dispatch_step(&mut self, context: usize) -> StepId {
        if let Some(&step) = self.dispatch.get(&context) {
            return step;
        }
        let span = self.plan.contexts[context].header;
        let step = self
            .graph
            .add_step(StepKind::Dispatch, span, RegionId(context as u32));
        self.dispatch.insert(context, step);
        for (c, e) in self.ways_in(context, false) {
            let ext = &self.plan.contexts[c].extensions[e];
            if let Some(&first) =
                first_priority(ext).and_then(|n| self.priority_steps.get(&(c, e, n)))
            {
                self.graph.add_edge(step, Edge::plain(first));
            }
        }
        step
    }

    /// Entry points: contexts no other context reaches (a `Goto`, a call or
    /// an `include =>`) and that are not subroutines, plus those named in
    /// `[recognize] entry-points`; each with at least one way in of its own
    /// or from the contexts it includes.
    pub(super) fn add_entry_points(&mut self) {
        let configured: HashSet<&str> = self
            .settings
            .entry_points
            .iter()
            .map(String::as_str)
            .collect();
        for (c, context) in self.plan.contexts.iter().enumerate() {
            let is_entry = configured.contains(context.name.as_str())
                || (!self.referenced.contains(&c) && !self.subroutines.contains(&c));
            // A context made only of `include =>` lines (FreePBX `[from-pstn]`)
            // is entered through the extensions it includes.
            if !is_entry {
                continue;
            }
            // Each way in is an entry of its own: a line (a DID, an internal
            // number, a pattern) that records every call to it records
            // every call of that line, whatever the other lines do.
            for (ic, e) in self.ways_in(c, false) {
                let extension = &self.plan.contexts[ic].extensions[e];
                let Some(&first) =
                    first_priority(extension).and_then(|n| self.priority_steps.get(&(ic, e, n)))
                else {
                    continue;
                };
                let dialled: Box<str> = extension.name.as_str().into();
                let span = self.graph.step(first).span;
                let step = self
                    .graph
                    .add_step(StepKind::Dispatch, span, RegionId(c as u32));
                self.graph.add_edge(step, Edge::plain(first));
                self.graph.entries.push(EntryPoint {
                    step,
                    region: RegionId(c as u32),
                    dialled: Some(dialled),
                });
            }
        }
    }
}

fn is_one_key(extension: &Extension) -> bool {
    let name = extension.number();
    match name.strip_prefix('_') {
        None => {
            name.len() == 1
                && name
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
        }
        Some(pattern) => {
            let without_class = match (pattern.find('['), pattern.find(']')) {
                (Some(open), Some(close)) if open < close => {
                    format!("{}K{}", &pattern[..open], &pattern[close + 1..])
                }
                _ => pattern.to_string(),
            };
            without_class.chars().count() == 1 && !without_class.contains(['.', '!'])
        }
    }
}

pub(super) fn first_priority(extension: &Extension) -> Option<u32> {
    extension.priorities.contains_key(&1).then_some(1)
}

/// A priority as Asterisk reads a jump target: leading digits are a number
/// (`sscanf("%d")`, so `1)` is priority 1), anything else a label.
fn priority_number(extension: &Extension, priority: &str) -> Option<u32> {
    let digits = priority.len()
        - priority
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    match priority[..digits].parse::<u32>() {
        Ok(n) => extension.priorities.contains_key(&n).then_some(n),
        Err(_) => extension.labels.get(priority).copied(),
    }
}
