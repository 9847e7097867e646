//! `extensions.conf` semantics (pbx/pbx_config.c): contexts, extensions,
//! priorities (`1`, `n`, `s`, `hint`, `n(label)`, `label+N`), `same =>`,
//! `include =>` and templates, built from the spliced statement stream.

use std::borrow::Borrow;
use crate::hash::HashMap;

use super::app::{self, AppCall};
use super::conf::{ConfItem, Entry};
use crate::parse::ParseError;
use crate::source::{SharedStr, Span, trim};

#[derive(Debug, Default)]
pub struct Dialplan {
    /// Contexts in order of first appearance.
    pub contexts: Vec<Context>,
    index: HashMap<String, usize>,
}

#[derive(Debug)]
pub struct Context {
    pub name: String,
    /// The first `[name]` header that defines it.
    pub header: Span,
    pub extensions: Vec<Extension>,
    pub includes: Vec<Include>,
    /// Where each extension is in `extensions`, by name: a context of
    /// thousands of extensions is not searched once per priority.
    extension_index: HashMap<SharedStr, usize>,
}

#[derive(Debug)]
pub struct Include {
    pub context: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct Extension {
    /// The extension as written: `s`, `100`, `_0X.`; a caller-ID match
    /// (`100/5551234`) is part of the name.
    pub name: SharedStr,
    pub span: Span,
    pub priorities: Priorities,
    pub labels: HashMap<SharedStr, u32>,
    /// Reached only by the dialplan's own jumps, never dialled: the
    /// extensions AEL compiles a switch's cases, a macro's body and its
    /// catches into.
    pub internal: bool,
}

/// An extension's priorities in ascending order of number, as a sorted
/// list: most extensions have a few, written in order, where a `BTreeMap`
/// gave each extension a node with room for eleven.
#[derive(Debug, Default)]
pub struct Priorities(Vec<Priority>);

impl Priorities {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn position(&self, number: u32) -> Result<usize, usize> {
        self.0.binary_search_by_key(&number, |p| p.number)
    }

    pub fn get(&self, number: &u32) -> Option<&Priority> {
        self.position(*number).ok().map(|i| &self.0[i])
    }

    pub fn contains_key(&self, number: &u32) -> bool {
        self.position(*number).is_ok()
    }

    /// Adds `priority` unless its number is there already.
    fn insert(&mut self, priority: Priority) {
        // Priorities are mostly written in order: appended.
        if self.0.last().is_none_or(|last| last.number < priority.number) {
            self.0.push(priority);
        } else if let Err(at) = self.position(priority.number) {
            self.0.insert(at, priority);
        }
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Priority> {
        self.0.iter()
    }

    /// The priorities whose numbers are in `numbers`, in ascending order.
    pub fn range(
        &self,
        numbers: impl std::ops::RangeBounds<u32>,
    ) -> impl DoubleEndedIterator<Item = (&u32, &Priority)> {
        use std::ops::Bound;
        let start = match numbers.start_bound() {
            Bound::Included(&n) => self.0.partition_point(|p| p.number < n),
            Bound::Excluded(&n) => self.0.partition_point(|p| p.number <= n),
            Bound::Unbounded => 0,
        };
        let end = match numbers.end_bound() {
            Bound::Included(&n) => self.0.partition_point(|p| p.number <= n),
            Bound::Excluded(&n) => self.0.partition_point(|p| p.number < n),
            Bound::Unbounded => self.0.len(),
        };
        self.0[start..end.max(start)].iter().map(|p| (&p.number, p))
    }
}

impl<'a> IntoIterator for &'a Priorities {
    type Item = (&'a u32, &'a Priority);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Priority>, fn(&'a Priority) -> (&'a u32, &'a Priority)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|p| (&p.number, p))
    }
}

impl std::ops::Index<&u32> for Priorities {
    type Output = Priority;

    fn index(&self, number: &u32) -> &Priority {
        self.get(number).expect("no priority with this number")
    }
}

#[derive(Debug)]
pub struct Priority {
    pub number: u32,
    pub label: Option<SharedStr>,
    pub app: AppCall,
    /// The whole `exten =>` / `same =>` statement.
    pub span: Span,
}

impl Dialplan {
    pub fn context(&self, name: &str) -> Option<&Context> {
        self.index.get(name).map(|&i| &self.contexts[i])
    }

    pub fn context_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The index of context `name`, added (defined at `header`) when new:
    /// a context written twice, or in extensions.conf and extensions.ael,
    /// is one context.
    pub(crate) fn context_entry(&mut self, name: &str, header: Span) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.contexts.push(Context {
            name: name.to_string(),
            header,
            extensions: Vec::new(),
            includes: Vec::new(),
            extension_index: HashMap::default(),
        });
        let i = self.contexts.len() - 1;
        self.index.insert(name.to_string(), i);
        i
    }

    /// Adds `priority` to extension `name` of context `context` (the
    /// extension written at `span` when new). The first definition of a
    /// priority wins, as in Asterisk: this is how FreePBX's override files
    /// take precedence over generated ones, and how extensions.conf keeps
    /// its priorities when extensions.ael defines the same (pbx.c
    /// `context_merge` adds nothing over a priority already there).
    pub(crate) fn add_priority(
        &mut self,
        context: usize,
        name: &SharedStr,
        span: Span,
        internal: bool,
        priority: Priority,
    ) {
        let context = &mut self.contexts[context];
        // Most priorities continue the extension written last (`same =>`).
        let last = context.extensions.len().checked_sub(1);
        let known = last
            .filter(|&l| context.extensions[l].name == *name)
            .or_else(|| context.extension_index.get(name.as_str()).copied());
        let position = match known {
            Some(p) => p,
            None => {
                context
                    .extension_index
                    .insert(name.clone(), context.extensions.len());
                context.extensions.push(Extension {
                    name: name.clone(),
                    span,
                    priorities: Priorities::default(),
                    labels: HashMap::default(),
                    internal,
                });
                context.extensions.len() - 1
            }
        };
        let extension = &mut context.extensions[position];
        if extension.priorities.contains_key(&priority.number) {
            return;
        }
        if let Some(label) = &priority.label {
            extension.labels.entry(label.clone()).or_insert(priority.number);
        }
        extension.priorities.insert(priority);
    }
}

impl Context {
    pub fn extension(&self, name: &str) -> Option<&Extension> {
        self.extension_index
            .get(name)
            .map(|&i| &self.extensions[i])
    }
}

impl Extension {
    pub fn is_pattern(&self) -> bool {
        self.name.starts_with('_')
    }

    /// The extension part without a caller-ID match.
    pub fn number(&self) -> &str {
        self.name.split('/').next().unwrap_or(&self.name)
    }
}

/// Sections of extensions.conf that hold settings, not dialplan.
fn is_settings_section(name: &str) -> bool {
    name.eq_ignore_ascii_case("general") || name.eq_ignore_ascii_case("globals")
}

struct Builder {
    plan: Dialplan,
    /// Template bodies by name: `[name](!)` sections are copied into sections
    /// that inherit them.
    templates: HashMap<String, Vec<Entry>>,
    errors: Vec<ParseError>,
    current: Option<Current>,
    /// Statements outside any context are reported once per run of them.
    outside_reported: bool,
}

enum Current {
    Settings,
    Template(String),
    Context {
        index: usize,
        last: Option<(SharedStr, u32)>,
    },
}

/// Builds the dialplan from spliced statements.
pub fn build<I: Borrow<ConfItem>>(items: &[I]) -> (Dialplan, Vec<ParseError>) {
    let mut b = Builder {
        plan: Dialplan::default(),
        templates: HashMap::default(),
        errors: Vec::new(),
        current: None,
        outside_reported: false,
    };
    for item in items {
        match item.borrow() {
            ConfItem::Section(section) => {
                b.outside_reported = false;
                if section.template {
                    b.templates.insert(section.name.clone(), Vec::new());
                    b.current = Some(Current::Template(section.name.clone()));
                    continue;
                }
                if is_settings_section(&section.name) {
                    b.current = Some(Current::Settings);
                    continue;
                }
                let index = b.plan.context_entry(&section.name, section.name_span);
                b.current = Some(Current::Context { index, last: None });
                for template in &section.inherits {
                    match b.templates.get(template).cloned() {
                        Some(entries) => {
                            for entry in &entries {
                                b.entry(entry);
                            }
                        }
                        None => b.errors.push(ParseError::new(
                            section.name_span,
                            format!("context inherits unknown template `{template}`"),
                            "templates must be defined with `[name](!)` before they are used",
                        )),
                    }
                }
            }
            ConfItem::Entry(entry) => b.entry(entry),
            ConfItem::Directive(_) => {}
        }
    }
    (b.plan, b.errors)
}

impl Builder {
    fn entry(&mut self, entry: &Entry) {
        match &mut self.current {
            None if self.outside_reported => {}
            None => {
                self.outside_reported = true;
                self.errors.push(ParseError::new(
                    entry.span,
                    "statements outside any context, from here to the next `[context]`",
                    "add a `[context]` header above this line; Asterisk has nowhere to put them",
                ));
            }
            Some(Current::Settings) => {}
            Some(Current::Template(name)) => {
                let name = name.clone();
                self.templates.entry(name).or_default().push(entry.clone());
            }
            Some(Current::Context { index, .. }) => {
                let index = *index;
                match &*entry.key {
                    "exten" => self.exten(index, entry, false),
                    "same" => self.exten(index, entry, true),
                    "include" => {
                        // `include => ctx,timespec` or the old `ctx|timespec`.
                        let name = entry
                            .value
                            .split([',', '|'])
                            .next()
                            .unwrap_or("")
                            .trim();
                        if name.is_empty() {
                            self.errors.push(ParseError::new(
                                entry.span,
                                "`include =>` without a context name",
                                "expected `include => context`",
                            ));
                        } else {
                            let start = entry.value_span.start as usize;
                            self.plan.contexts[index].includes.push(Include {
                                context: name.to_string(),
                                span: Span::new(entry.span.file, start, start + name.len()),
                            });
                        }
                    }
                    // Accepted by Asterisk, irrelevant to recording.
                    "ignorepat" | "switch" | "lswitch" | "eswitch" => {}
                    other => self.errors.push(ParseError::new(
                        entry.key_span,
                        format!("`{other}` is not a dialplan statement"),
                        "a context holds `exten =>`, `same =>`, `include =>`, `ignorepat =>` or `switch =>` lines",
                    )),
                }
            }
        }
    }

    fn exten(&mut self, index: usize, entry: &Entry, same: bool) {
        let Some(Current::Context { last, .. }) = &mut self.current else {
            return;
        };
        // Taken out and put back, not cloned: it is read on every line.
        let mut last = last.take();
        self.priority_line(index, entry, same, &mut last);
        if let Some(Current::Context { last: kept, .. }) = &mut self.current {
            *kept = last;
        }
    }

    /// An `exten =>` or `same =>` line; `last` is the extension and
    /// priority of the context's line before, and becomes this line's.
    fn priority_line(
        &mut self,
        index: usize,
        entry: &Entry,
        same: bool,
        last: &mut Option<(SharedStr, u32)>,
    ) {
        let file = entry.span.file;
        let value = entry.value.as_str();
        let base = entry.value_span.start as usize;
        // Fields: [exten,] priority, application.
        let Some((written, rest_offset)) = self.extension_name(entry, same, last.is_some()) else {
            return;
        };
        let written = written.map(|w| entry.value.part(w));
        let name = match (&written, &*last) {
            (Some(written), _) => written,
            (None, Some((last_name, _))) => last_name,
            (None, None) => return,
        };
        let rest = &value[rest_offset..];
        // The comma is a few bytes in: a plain search beats `memchr`'s setup.
        let Some(comma) = rest.bytes().position(|b| b == b',') else {
            // `exten => 100,hint` without a device is odd but harmless.
            if trim(rest).eq_ignore_ascii_case("hint") {
                return;
            }
            self.errors.push(ParseError::new(
                entry.value_span,
                "priority without an application",
                "expected `priority,Application(args)`",
            ));
            return;
        };
        let priority_text = trim(&rest[..comma]);
        let app_offset = rest_offset + comma + 1;
        let priority_span = Span::new(file, base + rest_offset, base + rest_offset + comma);
        // `priority(label)`.
        let (number_text, label) = match priority_text.bytes().position(|b| b == b'(') {
            Some(open) if priority_text.ends_with(')') => (
                trim(&priority_text[..open]),
                Some(entry.value.part(trim(&priority_text[open + 1..priority_text.len() - 1]))),
            ),
            _ => (priority_text, None),
        };
        if number_text.eq_ignore_ascii_case("hint") {
            return;
        }
        let previous = last.as_ref().map(|&(_, p)| p);
        let Some(number) = self.priority_number(index, name, number_text, previous, priority_span)
        else {
            return;
        };
        let Some(call) = app::parse_app(file, &entry.value.slice(app_offset..value.len()), base + app_offset) else {
            self.errors.push(ParseError::new(
                entry.value_span,
                "priority without an application",
                "expected an application such as `NoOp()` after the priority",
            ));
            return;
        };
        let span = if same {
            entry.key_span
        } else {
            Span::new(file, base, base + name.len())
        };
        let priority = Priority {
            number,
            label,
            app: call,
            span: entry.span,
        };
        self.plan.add_priority(index, name, span, false, priority);
        match (written, last) {
            (Some(written), last) => *last = Some((written, number)),
            (None, Some((_, last_number))) => *last_number = number,
            (None, None) => {}
        }
    }

    /// The extension a line adds to: its own first field, or `None` for
    /// `same =>` (the extension of the line before, when `has_last`); and
    /// where the priority field starts.
    fn extension_name<'a>(
        &mut self,
        entry: &'a Entry,
        same: bool,
        has_last: bool,
    ) -> Option<(Option<&'a str>, usize)> {
        let value = entry.value.as_str();
        if same {
            if !has_last {
                self.errors.push(ParseError::new(
                    entry.span,
                    "`same =>` without an extension before it",
                    "`same =>` continues the extension of the previous `exten =>` line",
                ));
                return None;
            }
            Some((None, 0))
        } else {
            let Some(comma) = first_field_end(value) else {
                self.errors.push(ParseError::new(
                    entry.value_span,
                    "extension without priority and application",
                    "expected `exten => name,priority,Application(args)`",
                ));
                return None;
            };
            let name = trim(&value[..comma]);
            if name.is_empty() {
                self.errors.push(ParseError::new(
                    entry.value_span,
                    "empty extension name",
                    "expected `exten => name,priority,Application(args)`",
                ));
                return None;
            }
            Some((Some(name), comma + 1))
        }
    }

    /// The number of priority `number_text` (without its label). `n` and `s`
    /// count from the previous line of the context, whatever its extension
    /// (pbx_config.c); `base+N` adds to any base.
    fn priority_number(
        &mut self,
        index: usize,
        name: &str,
        number_text: &str,
        previous: Option<u32>,
        priority_span: Span,
    ) -> Option<u32> {
        let plus_at = number_text.bytes().position(|b| b == b'+');
        let (base_text, plus) = match plus_at.map(|i| (&number_text[..i], &number_text[i + 1..])) {
            Some((b, n)) => match trim(n).parse::<u32>() {
                Ok(n) => (trim(b), n),
                Err(_) => {
                    self.errors.push(ParseError::new(
                        priority_span,
                        format!("cannot read priority `{number_text}`"),
                        "a priority is a number, `n`, `s`, `hint`, a label, or one of them `+N`",
                    ));
                    return None;
                }
            },
            None => (number_text, 0),
        };
        let continues = ["n", "next", "s", "same"]
            .iter()
            .any(|word| base_text.eq_ignore_ascii_case(word));
        let base_number = match base_text {
            _ if continues => match previous {
                Some(p) if base_text.starts_with(['n', 'N']) => p + 1,
                Some(p) => p,
                None => {
                    self.errors.push(ParseError::new(
                        priority_span,
                        format!(
                            "priority `{base_text}` on the first line of context `{}`",
                            self.plan.contexts[index].name
                        ),
                        "the first priority of a context must be a number",
                    ));
                    return None;
                }
            },
            text => match parse_priority_number(text, name, &self.plan.contexts[index]) {
                Ok(n) => n,
                Err(message) => {
                    self.errors.push(ParseError::new(
                        priority_span,
                        message,
                        "a priority is a number, `n`, `s`, `hint`, a label, or one of them `+N`",
                    ));
                    return None;
                }
            },
        };
        Some(base_number + plus)
    }
}

/// End of the extension field; a `[...]` character class in a pattern may hold commas.
fn first_field_end(value: &str) -> Option<usize> {
    let mut in_class = false;
    for (i, c) in value.char_indices() {
        match c {
            '[' => in_class = true,
            ']' => in_class = false,
            ',' if !in_class => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_priority_number(text: &str, extension: &str, context: &Context) -> Result<u32, String> {
    if let Ok(n) = text.parse::<u32>() {
        return if n == 0 {
            Err("priority 0 is not allowed".into())
        } else {
            Ok(n)
        };
    }
    context
        .extensions
        .iter()
        .find(|e| e.name == extension)
        .and_then(|e| e.labels.get(text).copied())
        .ok_or_else(|| {
            format!(
                "cannot read priority `{text}`: not a number or a label of extension `{extension}`"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::asterisk::parse::conf;
    use crate::source::FileId;

    fn plan(text: &str) -> (Dialplan, Vec<ParseError>) {
        let lexed = conf::lex(FileId(0), &text.into());
        build(&lexed.items)
    }

    #[test]
    fn priorities_labels_and_same() {
        let (plan, errors) = plan(
            "[general]\nstatic=yes\n[from-pstn]\nexten => _X.,1,Answer()\n same => n(greet),Playback(x)\n same => greet+1,Hangup()\nexten => 100,hint,PJSIP/100\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let ctx = plan.context("from-pstn").unwrap();
        let ext = ctx.extension("_X.").unwrap();
        assert_eq!(
            ext.priorities.values().map(|p| p.number).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(ext.labels["greet"], 2);
        assert!(ctx.extension("100").is_none());
    }

    #[test]
    fn next_counts_from_the_previous_line_of_the_context() {
        // As pbx_config.c does: FreePBX writes caller-ID pairs this way.
        let (plan, errors) =
            plan("[a]\nexten => s,1,NoOp()\nexten => 2,n,Hangup()\nexten => s,n+2(x),Hangup()\n");
        assert!(errors.is_empty(), "{errors:?}");
        let ctx = plan.context("a").unwrap();
        assert!(ctx.extension("2").unwrap().priorities.contains_key(&2));
        assert_eq!(ctx.extension("s").unwrap().labels["x"], 5);
    }

    #[test]
    fn first_definition_wins_and_contexts_merge() {
        let (plan, _) =
            plan("[a]\nexten => s,1,Answer()\n[a]\nexten => s,1,Hangup()\nexten => s,2,Dial(x)\n");
        let ext = plan.context("a").unwrap().extension("s").unwrap();
        assert!(ext.priorities[&1].app.is("answer"));
        assert!(ext.priorities[&2].app.is("dial"));
    }

    #[test]
    fn templates_are_inherited() {
        let (plan, errors) = plan("[t](!)\nexten => s,1,Answer()\n[c](t)\nexten => s,2,Hangup()\n");
        assert!(errors.is_empty());
        assert!(plan.context("t").is_none());
        assert_eq!(
            plan.context("c")
                .unwrap()
                .extension("s")
                .unwrap()
                .priorities
                .len(),
            2
        );
    }

    #[test]
    fn malformed_lines_are_errors_with_the_rest_kept() {
        let (plan, errors) = plan(
            "[a]\nexten => s,n,Answer()\nexten => s\nfoo = bar\nsame => n,Hangup()\nexten => t,1,Hangup()\nexten => t,x+1,NoOp()\n",
        );
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(plan.context("a").unwrap().extension("t").is_some());
    }
}
