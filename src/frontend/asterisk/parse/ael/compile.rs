//! AEL compiled into the [`Dialplan`] extensions.conf is built into, as
//! Asterisk's compiler does it (res/ael/pval.c: `ast_compile_ael2`,
//! `gen_prios`, `set_priorities`, `add_extensions`), so that one lowering
//! reads both and a finding names the AEL text a priority comes from:
//!
//! - every statement is a priority; a label names the priority after it;
//!   extensions count from 1 (`regexten` from 2);
//! - `VAR=value;` is `MSet(VAR=$[value])`, `local` wraps the name in `LOCAL()`;
//! - `if (e) A else B` is `GotoIf($[e]?A:B)` around the branches, with a
//!   `Goto` past the else branch and a closing `NoOp`; `random (n)` tests
//!   `${RAND(0,99)} < (n)`; `ifTime (t|d|m|y)` is `GotoIfTime(t,d,m,y?A)`
//!   followed by a `Goto` to the else branch;
//! - `for` and `while` test with `GotoIf`, loop back with `Goto`, and
//!   `break`/`continue` are `Goto`s to the loop's end and its next round;
//! - `switch (e)` is `Goto(sw_N_e,10)`: each `case V:` is extension
//!   `sw_N_V` of the same context from priority 10, `pattern P:` is
//!   `_sw_N_P`, `default:` is `_sw_N_.` (with `sw_N_` for the empty value),
//!   one added when missing; a case that does not end in `goto`, `break` or
//!   `return` falls through with a `Goto` to the next, the last back to
//!   the `NoOp` after the switch;
//! - `macro NAME(a, b)` is context NAME, extension `~~s~~`, starting with
//!   `MSet(LOCAL(a)=${ARG1})` per argument and ending in `Return()`;
//!   `&NAME(x, y);` is `Gosub(NAME,~~s~~,1(x, y))` and `return;` is
//!   `Return()`; `catch E { ... }` is extension E of the macro's context;
//! - `goto`/`jump` are `Goto`, aimed at the extension that holds a label a
//!   switch case moved (pval.c `fix_gotos_in_extensions`).
//!
//! Not reproduced, as they change no call path: the `~~EXTEN~~` copy an
//! extension with a switch reads instead of `${EXTEN}` (the `MSet` that
//! makes it is kept, so priorities keep their numbers), hints, and the
//! `ael-builtin-h-bubble` context that runs a caller's `h` extension from
//! a macro. Where pval.c would crash or jump into the wrong extension (a
//! `continue` inside a switch, a `goto` between nested switch cases), the
//! jump goes where the AEL text means.
//!
//! Every priority made here carries the span of the AEL text that makes it:
//! the `if (...)` head for its test, the statement for an assignment.

use crate::hash::HashMap;

use super::{AelFile, Case, CaseLabel, Item, MacroDef, Statement, StatementKind, Test};
use crate::frontend::asterisk::parse::app::{self, AppCall, Text};
use crate::frontend::asterisk::parse::dialplan::{Dialplan, Include, Priority};
use crate::parse::ParseError;
use crate::source::{SharedStr, Span};

/// Compiles the AEL files of one PBX into `plan`, after its extensions.conf:
/// contexts of the same name merge, and a priority extensions.conf already
/// defines stays. Returns what cannot be compiled.
pub fn compile(files: &[AelFile], plan: &mut Dialplan) -> Vec<ParseError> {
    let mut compiler = Compiler::default();
    for file in files {
        for item in &file.items {
            match item {
                Item::Context(context) => {
                    let index = plan.context_entry(&context.name.text, context.name.span);
                    for include in &context.includes {
                        plan.contexts[index].includes.push(Include {
                            context: include.text.to_string(),
                            span: include.span,
                        });
                    }
                    for extension in &context.extensions {
                        let x = compiler.exten(
                            Origin {
                                context: index,
                                context_name: &context.name.text,
                                name: &extension.name.text,
                                span: extension.name.span,
                            },
                            if extension.regexten { 2 } else { 1 },
                            false,
                        );
                        compiler.prelude(x, &extension.body, false);
                        compiler.statements(x, &context.name.text, &extension.body);
                        compiler.follow_trailing_label(x);
                    }
                }
                Item::Macro(definition) => {
                    let index = plan.context_entry(&definition.name.text, definition.name.span);
                    compiler.macro_body(index, definition);
                }
            }
        }
    }
    compiler.emit(plan);
    compiler.errors
}

type PrioId = usize;
type ExtenId = usize;

/// The extension a macro's body is compiled into.
const MACRO_EXTENSION: &str = "~~s~~";

/// Where an extension is compiled from.
struct Origin<'a> {
    context: usize,
    context_name: &'a str,
    name: &'a str,
    span: Span,
}

/// One extension being compiled (pval.c `ael_extension`).
struct Exten {
    name: SharedStr,
    span: Span,
    /// Index of its context in the dialplan, and the context's name.
    context: usize,
    context_name: String,
    /// The number of its first priority.
    first: u32,
    internal: bool,
    /// The AEL extension (or macro) it is compiled from: itself, or the
    /// extension that holds the switch it is a case of.
    family: ExtenId,
    /// A switch case: a bare priority in it is one of its family.
    in_case: bool,
    /// Its priorities (and labels) in order.
    order: Vec<PrioId>,
    /// Where `break` and `continue` go.
    loop_break: Option<PrioId>,
    loop_continue: Option<PrioId>,
}

/// One priority being compiled (pval.c `ael_priority`); jumps name their
/// target priority, numbered when all are known.
enum Prio {
    App(AppCall),
    Label(String),
    /// `Goto(N)`, or `Goto(extension,N)` when `to` is in another extension;
    /// `skip`: the priority after `to`.
    Goto { to: PrioId, skip: bool },
    /// `GotoIf($[condition]?next:N)`, N as for `Goto`.
    Test {
        condition: String,
        to: PrioId,
        skip: bool,
    },
    /// `GotoIfTime(spec?N)`, N two priorities on.
    TimeTest(String),
    /// A `goto` or `jump`: its parts, aimed once every label is known.
    Jump(Vec<String>),
}

struct PrioData {
    prio: Prio,
    span: Span,
    exten: ExtenId,
}

#[derive(Default)]
struct Compiler {
    extens: Vec<Exten>,
    prios: Vec<PrioData>,
    /// pval.c's `control_statement_count`, which names switches.
    count: u32,
    /// (context, extension or macro as written, label) → the extension
    /// that holds the label.
    labels: HashMap<(String, String, String), ExtenId>,
    errors: Vec<ParseError>,
}

impl Compiler {
    fn exten(&mut self, origin: Origin, first: u32, internal: bool) -> ExtenId {
        let id = self.extens.len();
        self.extens.push(Exten {
            name: origin.name.into(),
            span: origin.span,
            context: origin.context,
            context_name: origin.context_name.to_string(),
            first,
            internal,
            family: id,
            in_case: false,
            order: Vec::new(),
            loop_break: None,
            loop_continue: None,
        });
        id
    }

    /// A new extension of `parent`'s context and family (a switch case).
    fn case_exten(&mut self, parent: ExtenId, name: String, span: Span) -> ExtenId {
        let parent = &self.extens[parent];
        let exten = Exten {
            name: name.into(),
            span,
            context: parent.context,
            context_name: parent.context_name.clone(),
            first: 10,
            internal: true,
            family: parent.family,
            in_case: true,
            order: Vec::new(),
            loop_break: parent.loop_break,
            loop_continue: parent.loop_continue,
        };
        self.extens.push(exten);
        self.extens.len() - 1
    }

    /// A priority for extension `x`, not yet in its order.
    fn new_prio(&mut self, x: ExtenId, prio: Prio, span: Span) -> PrioId {
        self.prios.push(PrioData {
            prio,
            span,
            exten: x,
        });
        self.prios.len() - 1
    }

    /// Puts priorities made before into their extension's order.
    fn link(&mut self, ids: impl IntoIterator<Item = PrioId>) {
        for id in ids {
            let x = self.prios[id].exten;
            self.extens[x].order.push(id);
        }
    }

    fn add(&mut self, x: ExtenId, prio: Prio, span: Span) -> PrioId {
        let id = self.new_prio(x, prio, span);
        self.link([id]);
        id
    }

    fn app(&mut self, x: ExtenId, name: &str, args: &str, span: Span) -> PrioId {
        self.add(x, Prio::App(AppCall::synthetic(name, args, span)), span)
    }

    /// An extension whose statements hold a switch first saves `${EXTEN}`
    /// (in a macro, twice as a local), since the cases run under other
    /// extension names.
    fn prelude(&mut self, x: ExtenId, statements: &[Statement], in_macro: bool) {
        if !statements.iter().any(contains_switch) {
            return;
        }
        let span = self.extens[x].span;
        if in_macro {
            for _ in 0..2 {
                self.app(x, "MSet", "LOCAL(~~EXTEN~~)=${EXTEN}", span);
            }
        } else {
            self.app(x, "MSet", "~~EXTEN~~=${EXTEN}", span);
        }
    }

    /// A label that ends an extension gets a priority to name.
    fn follow_trailing_label(&mut self, x: ExtenId) {
        let last = self.extens[x].order.last().map(|&id| &self.prios[id]);
        if let Some(PrioData {
            prio: Prio::Label(label),
            span,
            ..
        }) = last
        {
            let (args, span) = (format!("A NoOp to follow a trailing label {label}"), *span);
            self.app(x, "NoOp", &args, span);
        }
    }

    fn macro_body(&mut self, context: usize, definition: &MacroDef) {
        let name = &definition.name.text;
        let x = self.exten(
            Origin {
                context,
                context_name: name,
                name: MACRO_EXTENSION,
                span: definition.name.span,
            },
            1,
            true,
        );
        for (i, parameter) in definition.parameters.iter().enumerate() {
            let args = format!("LOCAL({})=${{ARG{}}}", parameter.text, i + 1);
            self.app(x, "MSet", &args, parameter.span);
        }
        self.prelude(x, &definition.body, true);
        self.statements(x, name, &definition.body);
        // pval.c check_macro_returns: a macro ends with a return.
        if !matches!(
            definition.body.last().map(|s| &s.kind),
            Some(StatementKind::Return)
        ) {
            self.app(x, "Return", "", definition.name.span);
        }
    }

    fn statements(&mut self, x: ExtenId, label: &str, statements: &[Statement]) {
        for statement in statements {
            self.statement(x, label, statement);
        }
    }

    fn statement(&mut self, x: ExtenId, label: &str, statement: &Statement) {
        let span = statement.span;
        match &statement.kind {
            StatementKind::Block(statements) => self.statements(x, label, statements),
            StatementKind::Assign {
                variable,
                value,
                local,
            } => {
                let name = without_spaces(&variable.text);
                let name = if *local {
                    format!("LOCAL({name})")
                } else {
                    name
                };
                self.app(x, "MSet", &format!("{name}=$[{}]", value.text), span);
            }
            StatementKind::App(app) => {
                self.add(x, Prio::App(app.clone()), span);
            }
            StatementKind::Goto(parts) => {
                let parts = parts.iter().map(|p| p.text.trim().to_string()).collect();
                self.add(x, Prio::Jump(parts), span);
            }
            StatementKind::Label(name) => {
                self.add(x, Prio::Label(name.text.to_string()), span);
                let exten = &self.extens[x];
                let family = &self.extens[exten.family];
                self.labels
                    .entry((
                        exten.context_name.clone(),
                        family.name.to_string(),
                        name.text.to_string(),
                    ))
                    .or_insert(x);
            }
            StatementKind::MacroCall { name, arguments } => {
                let mut args = format!("{},{MACRO_EXTENSION},1", name.text);
                if !arguments.is_empty() {
                    let list: Vec<&str> = arguments.iter().map(|a| a.text.as_str()).collect();
                    args.push_str(&format!("({})", list.join(",")));
                }
                self.app(x, "Gosub", &args, span);
            }
            StatementKind::Break | StatementKind::Continue => {
                let is_break = matches!(statement.kind, StatementKind::Break);
                let exten = &self.extens[x];
                match if is_break {
                    exten.loop_break
                } else {
                    exten.loop_continue
                } {
                    Some(to) => {
                        self.add(x, Prio::Goto { to, skip: false }, span);
                    }
                    None => self.errors.push(ParseError::new(
                        span,
                        if is_break {
                            "`break` not in a switch, for or while"
                        } else {
                            "`continue` not in a for or while"
                        },
                        "Asterisk refuses to load an AEL file with this statement",
                    )),
                }
            }
            StatementKind::Return => {
                self.app(x, "Return", "", span);
            }
            StatementKind::If {
                test,
                head,
                then,
                otherwise,
            } => self.if_like(x, label, test, *head, then, otherwise.as_ref()),
            StatementKind::For {
                init,
                test,
                increment,
                head,
                body,
            } => self.loop_statement(x, &format!("for_{label}"), test, *head, Some((init, increment)), body),
            StatementKind::While { test, head, body } => {
                self.loop_statement(x, &format!("while_{label}"), test, *head, None, body)
            }
            StatementKind::Switch {
                expression,
                head,
                cases,
            } => self.switch(x, label, expression, *head, cases),
            StatementKind::Catch { extension, body } => {
                self.count += 1;
                let label = format!("catch_{}_{}", extension.text, self.count);
                let parent = &self.extens[x];
                let (context, context_name, family) =
                    (parent.context, parent.context_name.clone(), parent.family);
                let origin = Origin {
                    context,
                    context_name: &context_name,
                    name: &extension.text,
                    span: extension.span,
                };
                let catch = self.exten(origin, 1, true);
                self.extens[catch].family = family;
                self.prelude(catch, body, false);
                self.statements(catch, &label, body);
            }
        }
    }

    /// `for` (with its init and increment) and `while`: the test, a
    /// `GotoIf` to the end; the body, where `break` goes to the end and
    /// `continue` to the increment (or the test); a `Goto` back to the test.
    fn loop_statement(
        &mut self,
        x: ExtenId,
        label: &str,
        test: &Text,
        head: Span,
        init_increment: Option<(&Text, &Text)>,
        body: &[Statement],
    ) {
        self.count += 1;
        let label = format!("{label}_{}", self.count);
        let end = self.new_prio(x, finish(&label, head), head);
        let condition = test.text.to_string();
        let check = self.new_prio(
            x,
            Prio::Test {
                condition,
                to: end,
                skip: false,
            },
            head,
        );
        let again = self.new_prio(x, Prio::Goto { to: check, skip: false }, head);
        let increment = init_increment.map(|(init, increment)| {
            self.add(x, loop_step(init), init.span);
            self.new_prio(x, loop_step(increment), increment.span)
        });
        self.link([check]);
        let saved = (self.extens[x].loop_break, self.extens[x].loop_continue);
        self.extens[x].loop_break = Some(end);
        self.extens[x].loop_continue = Some(increment.unwrap_or(check));
        self.statements(x, &label, body);
        (self.extens[x].loop_break, self.extens[x].loop_continue) = saved;
        self.link(increment.into_iter().chain([again, end]));
    }

    fn if_like(
        &mut self,
        x: ExtenId,
        label: &str,
        test: &Test,
        head: Span,
        then: &[Statement],
        otherwise: Option<&(Span, Vec<Statement>)>,
    ) {
        self.count += 1;
        let kind = if matches!(test, Test::Time(_)) {
            "iftime"
        } else {
            "if"
        };
        let label = format!("{kind}_{label}_{}", self.count);
        let end = self.new_prio(x, finish(&label, head), head);
        let skip = otherwise.map(|(span, _)| self.new_prio(x, Prio::Goto { to: end, skip: false }, *span));
        // Where the test's false outcome goes: the else branch (the
        // priority after the skip), or the end.
        let (to, past_skip) = match skip {
            Some(skip) => (skip, true),
            None => (end, false),
        };
        match test {
            Test::Time(fields) => {
                let spec: Vec<&str> = fields.iter().map(|f| f.text.trim()).collect();
                self.add(x, Prio::TimeTest(spec.join(",")), head);
                self.add(
                    x,
                    Prio::Goto {
                        to,
                        skip: past_skip,
                    },
                    head,
                );
            }
            Test::Expression(text) | Test::Random(text) => {
                let condition = match test {
                    Test::Random(_) => format!("${{RAND(0,99)}} < ({})", text.text),
                    _ => text.text.to_string(),
                };
                self.add(
                    x,
                    Prio::Test {
                        condition,
                        to,
                        skip: past_skip,
                    },
                    head,
                );
            }
        }
        self.statements(x, &label, then);
        if let (Some(skip), Some((_, statements))) = (skip, otherwise) {
            self.link([skip]);
            self.statements(x, &label, statements);
        }
        self.link([end]);
    }

    fn switch(&mut self, x: ExtenId, label: &str, expression: &Text, head: Span, cases: &[Case]) {
        self.count += 1;
        let n = self.count;
        self.app(x, "Goto", &format!("sw_{n}_{},10", expression.text), head);
        let end = self.add(x, finish(&format!("switch_{label}_{n}"), head), head);
        let saved = (self.extens[x].loop_break, self.extens[x].loop_continue);
        self.extens[x].loop_break = Some(end);
        // pval.c check_switch_expr: a switch without `default:` gets an
        // empty one at its end.
        let implicit = Case {
            label: CaseLabel::Default,
            head,
            body: Vec::new(),
        };
        let has_default = cases.iter().any(|c| c.label == CaseLabel::Default);
        let all: Vec<&Case> = cases
            .iter()
            .chain((!has_default).then_some(&implicit))
            .collect();
        for (i, case) in all.iter().enumerate() {
            let (name, value) = match &case.label {
                CaseLabel::Value(v) => (format!("sw_{n}_{v}"), v.as_str()),
                CaseLabel::Pattern(p) => (format!("_sw_{n}_{p}"), p.as_str()),
                CaseLabel::Default => {
                    // The empty value matches no pattern: it has an
                    // extension of its own that goes to the default.
                    let empty = self.case_exten(x, format!("sw_{n}_"), case.head);
                    self.app(empty, "Goto", &format!("sw_{n}_.,10"), case.head);
                    (format!("_sw_{n}_."), "default")
                }
            };
            let case_x = self.case_exten(x, name, case.head);
            self.statements(case_x, &format!("sw_{label}_{value}_{n}"), &case.body);
            let falls_through = !matches!(
                case.body.last().map(|s| &s.kind),
                Some(StatementKind::Goto(_) | StatementKind::Break | StatementKind::Return)
            );
            if falls_through {
                match all.get(i + 1).map(|c| &c.label) {
                    Some(CaseLabel::Value(v)) => {
                        self.app(case_x, "Goto", &format!("sw_{n}_{v},10"), case.head);
                    }
                    Some(CaseLabel::Pattern(p)) => {
                        let value = match_of_pattern(p);
                        self.app(case_x, "Goto", &format!("sw_{n}_{value},10"), case.head);
                    }
                    Some(CaseLabel::Default) => {
                        self.app(case_x, "Goto", &format!("sw_{n}_.,10"), case.head);
                    }
                    None => {
                        self.add(case_x, Prio::Goto { to: end, skip: false }, case.head);
                    }
                }
            }
        }
        (self.extens[x].loop_break, self.extens[x].loop_continue) = saved;
    }

    /// Numbers every priority and adds the extensions to `plan`.
    fn emit(&self, plan: &mut Dialplan) {
        // pval.c set_priorities: a label takes the number of the priority
        // after it.
        let mut number = vec![0u32; self.prios.len()];
        for exten in &self.extens {
            let mut n = exten.first;
            for &id in &exten.order {
                number[id] = n;
                if !matches!(self.prios[id].prio, Prio::Label(_)) {
                    n += 1;
                }
            }
        }
        for (x, exten) in self.extens.iter().enumerate() {
            let mut label: Option<&str> = None;
            for &id in &exten.order {
                let data = &self.prios[id];
                let own = number[id];
                let target = |to: PrioId, skip: bool| {
                    let n = number[to] + u32::from(skip);
                    let holder = self.prios[to].exten;
                    if holder == x {
                        n.to_string()
                    } else {
                        format!("{},{n}", self.extens[holder].name)
                    }
                };
                let app = match &data.prio {
                    Prio::Label(name) => {
                        // Only the label right before a priority names it.
                        label = Some(name);
                        continue;
                    }
                    Prio::App(app) => app.clone(),
                    Prio::Goto { to, skip } => {
                        AppCall::synthetic("Goto", &target(*to, *skip), data.span)
                    }
                    Prio::Test {
                        condition,
                        to,
                        skip,
                    } => {
                        let args = format!("$[{condition}]?{}:{}", own + 1, target(*to, *skip));
                        AppCall::synthetic("GotoIf", &args, data.span)
                    }
                    Prio::TimeTest(spec) => {
                        AppCall::synthetic("GotoIfTime", &format!("{spec}?{}", own + 2), data.span)
                    }
                    Prio::Jump(parts) => {
                        AppCall::synthetic("Goto", &self.jump_target(x, parts), data.span)
                    }
                };
                plan.add_priority(
                    exten.context,
                    &exten.name,
                    exten.span,
                    exten.internal,
                    Priority {
                        number: own,
                        label: label.take().map(SharedStr::from),
                        app,
                        span: data.span,
                    },
                );
            }
        }
    }

    /// The arguments of the `Goto` a `goto`/`jump` of extension `x` is:
    /// a label a switch case holds is found in the case's extension
    /// (pval.c `fix_gotos_in_extensions`); a bare priority in a case is one
    /// of the extension that holds the switch.
    fn jump_target(&self, x: ExtenId, parts: &[String]) -> String {
        let exten = &self.extens[x];
        let family = &self.extens[exten.family];
        let holder = |context: &str, extension: &str, label: &str| {
            self.labels
                .get(&(context.to_string(), extension.to_string(), label.to_string()))
                .map(|&h| &self.extens[h])
                .filter(|h| h.name != extension)
        };
        match parts {
            [label] => match self
                .labels
                .get(&(exten.context_name.clone(), family.name.to_string(), label.clone()))
            {
                Some(&h) if h == x => label.clone(),
                Some(&h) => format!("{},{label}", self.extens[h].name),
                None if exten.in_case => format!("{},{label}", family.name),
                None => label.clone(),
            },
            [extension, label] => match holder(&exten.context_name, extension, label) {
                Some(h) => format!("{},{label}", h.name),
                None => format!("{extension},{label}"),
            },
            [context, extension, label, ..] => match holder(context, extension, label) {
                Some(h) => format!("{context},{},{label}", h.name),
                None => format!("{context},{extension},{label}"),
            },
            [] => String::new(),
        }
    }
}

/// The closing `NoOp` of a control statement.
fn finish(label: &str, head: Span) -> Prio {
    Prio::App(AppCall::synthetic("NoOp", &format!("Finish {label}"), head))
}

/// A `for` loop's init or increment: an assignment, a macro call or an
/// application.
fn loop_step(text: &Text) -> Prio {
    let written = text.text.trim();
    if let Some((name, value)) = text.text.split_once('=') {
        let args = format!("{}=$[{value}]", without_spaces(name));
        return Prio::App(AppCall::synthetic("MSet", &args, text.span));
    }
    if let Some(call) = written.strip_prefix('&') {
        let call = call.trim();
        let (name, args) = call.split_once('(').unwrap_or((call, ""));
        let args = args.strip_suffix(')').unwrap_or(args);
        let target = if args.is_empty() {
            format!("{},{MACRO_EXTENSION},1", name.trim())
        } else {
            format!("{},{MACRO_EXTENSION},1({args})", name.trim())
        };
        return Prio::App(AppCall::synthetic("Gosub", &target, text.span));
    }
    let lead = text.text.len() - text.text.trim_start().len();
    match app::parse_app(text.span.file, &text.text.part(written), text.span.start as usize + lead) {
        Some(app) => Prio::App(app),
        None => Prio::App(AppCall::synthetic("NoOp", "", text.span)),
    }
}

/// pval.c remove_spaces_before_equals, on the name alone.
fn without_spaces(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A value `pattern` matches (pval.c gen_match_to_pattern): a fall-through
/// into a pattern case jumps to it.
fn match_of_pattern(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            'x' | 'X' | 'n' | 'N' | 'z' | 'Z' => out.push('9'),
            '[' => {
                let set: String = chars.by_ref().take_while(|&c| c != ']').collect();
                out.extend(set.chars().next());
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether a statement holds a `switch`, at any depth.
fn contains_switch(statement: &Statement) -> bool {
    match &statement.kind {
        StatementKind::Switch { .. } => true,
        StatementKind::Block(body)
        | StatementKind::For { body, .. }
        | StatementKind::While { body, .. }
        | StatementKind::Catch { body, .. } => body.iter().any(contains_switch),
        StatementKind::If {
            then, otherwise, ..
        } => then
            .iter()
            .chain(otherwise.iter().flat_map(|(_, s)| s))
            .any(contains_switch),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::asterisk::parse::ael::tests::read;

    /// `context,extension,priority: App(args)` for every priority, in order.
    fn listing(text: &str) -> Vec<String> {
        let file = read(text);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let mut plan = Dialplan::default();
        let errors = compile(&[file], &mut plan);
        assert!(errors.is_empty(), "{errors:?}");
        let mut out = Vec::new();
        for context in &plan.contexts {
            for extension in &context.extensions {
                for (n, p) in &extension.priorities {
                    let label = p.label.as_ref().map(|l| format!("({l})")).unwrap_or_default();
                    out.push(format!(
                        "{},{},{n}{label}: {}({})",
                        context.name, extension.name, p.app.name, p.app.raw_args.text
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn if_else_as_pval_compiles_it() {
        assert_eq!(
            listing("context c { s => { Answer(); if (${X} = 1) NoOp(a); else { NoOp(b); } Hangup(); }; };"),
            [
                "c,s,1: Answer()",
                "c,s,2: GotoIf($[${X} = 1]?3:5)",
                "c,s,3: NoOp(a)",
                "c,s,4: Goto(6)",
                "c,s,5: NoOp(b)",
                "c,s,6: NoOp(Finish if_c_1)",
                "c,s,7: Hangup()",
            ]
        );
    }

    #[test]
    fn switch_cases_are_extensions_from_priority_10() {
        assert_eq!(
            listing("context c { s => { switch (${D}) { case BUSY: NoOp(b); case X: break; pattern 5XX: NoOp(p); }; Hangup(); }; };"),
            [
                "c,s,1: MSet(~~EXTEN~~=${EXTEN})",
                "c,s,2: Goto(sw_1_${D},10)",
                "c,s,3: NoOp(Finish switch_c_1)",
                "c,s,4: Hangup()",
                "c,sw_1_BUSY,10: NoOp(b)",
                "c,sw_1_BUSY,11: Goto(sw_1_X,10)",
                "c,sw_1_X,10: Goto(s,3)",
                "c,_sw_1_5XX,10: NoOp(p)",
                "c,_sw_1_5XX,11: Goto(sw_1_.,10)",
                "c,sw_1_,10: Goto(sw_1_.,10)",
                "c,_sw_1_.,10: Goto(s,3)",
            ]
        );
    }

    #[test]
    fn loops_labels_and_gotos() {
        assert_eq!(
            listing("context c { s => { top: for (i=0; ${i} < 3; i=${i} + 1) { if (${i} = 1) continue; NoOp(${i}); } goto top; jump 100@d; }; };"),
            [
                "c,s,1(top): MSet(i=$[0])",
                "c,s,2: GotoIf($[ ${i} < 3]?3:9)",
                "c,s,3: GotoIf($[${i} = 1]?4:5)",
                "c,s,4: Goto(7)",
                "c,s,5: NoOp(Finish if_for_c_1_2)",
                "c,s,6: NoOp(${i})",
                "c,s,7: MSet(i=$[${i} + 1])",
                "c,s,8: Goto(2)",
                "c,s,9: NoOp(Finish for_c_1)",
                "c,s,10: Goto(top)",
                "c,s,11: Goto(d,100,1)",
            ]
        );
    }

    #[test]
    fn macros_are_gosub_subroutines() {
        assert_eq!(
            listing("macro rec(file) { MixMonitor(${file}); catch h { Hangup(); } }\ncontext c { s => &rec(${UNIQUEID}.wav); };"),
            [
                "rec,~~s~~,1: MSet(LOCAL(file)=${ARG1})",
                "rec,~~s~~,2: MixMonitor(${file})",
                "rec,~~s~~,3: Return()",
                "rec,h,1: Hangup()",
                "c,s,1: Gosub(rec,~~s~~,1(${UNIQUEID}.wav))",
            ]
        );
    }

    #[test]
    fn a_goto_to_a_label_in_a_case_goes_to_the_case() {
        let lines = listing("context c { s => { switch (${A}) { case 1: here: NoOp(x); break; }; goto here; }; };");
        assert!(lines.contains(&"c,s,4: Goto(sw_1_1,here)".to_string()), "{lines:?}");
        assert!(lines.contains(&"c,sw_1_1,10(here): NoOp(x)".to_string()), "{lines:?}");
    }

    #[test]
    fn priorities_point_at_their_ael_text() {
        let text = "context c { s => { if (${X} = 1) NoOp(a); }; };";
        let file = read(text);
        let mut plan = Dialplan::default();
        compile(&[file], &mut plan);
        let ext = &plan.contexts[0].extensions[0];
        let test = &ext.priorities[&1];
        let head = &text[test.app.span.start as usize..test.app.span.end as usize];
        assert_eq!(head, "if (${X} = 1)");
        let noop = &ext.priorities[&2];
        assert_eq!(&text[noop.app.span.start as usize..noop.app.span.end as usize], "NoOp(a)");
    }
}
