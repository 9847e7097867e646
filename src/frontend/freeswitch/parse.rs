//! FreeSWITCH XML: dialplan contexts, extensions, conditions (nested, with
//! `break` and `regex="all|any|xor"`), actions and anti-actions; mod_callcenter
//! queues and sofia SIP profiles with `record-template`; IVR menus
//! (`ivr_menus/*.xml`, `ivr.conf.xml`) that the dialplan's `ivr` runs. `X-PRE-PROCESS include` is resolved by the
//! loader (lower::freeswitch), which splices the included extensions.
//!
//! Elements marked `enabled="false"` (FusionPBX templates) are left out as
//! FusionPBX leaves them out of the dialplan it generates; see [`disabled`].

use std::sync::Arc;

use crate::parse::xml::{Element, Located, MAX_DEPTH, Tree};
use crate::parse::{ParseError, Problems};
use crate::source::{SharedStr, Span, trim, trim_end, trim_start};

/// What one FreeSWITCH XML file holds.
#[derive(Debug, Default)]
pub struct FsFile {
    pub contexts: Vec<Context>,
    /// Extensions outside any `<context>` (files meant to be included into one).
    pub loose: Vec<Part>,
    /// mod_callcenter queues.
    pub queues: Vec<CallcenterQueue>,
    /// sofia SIP profiles (`sip_profiles/*.xml`).
    pub profiles: Vec<SofiaProfile>,
    /// IVR menus.
    pub menus: Vec<IvrMenu>,
}

/// An IVR menu (mod_dptools `ivr`): it plays its greeting, reads digits and
/// runs the entry they match; after `max-failures` invalid entries or
/// `max-timeouts` timeouts it plays `exit-sound` and the dialplan goes on.
#[derive(Debug, Clone)]
pub struct IvrMenu {
    pub name: String,
    pub span: Span,
    /// `greet-long` and `greet-short`: sound files, `phrase:`, `say:` text.
    pub prompts: Vec<String>,
    pub entries: Vec<MenuEntry>,
}

/// `<entry action="menu-exec-app" digits="1" param="transfer 9196 XML default"/>`.
#[derive(Debug, Clone)]
pub struct MenuEntry {
    /// `menu-exec-app`, `menu-sub`, `menu-top`, `menu-back`, `menu-exit`,
    /// `menu-play-sound`, lower-cased.
    pub action: String,
    /// The digits, or `/regex/`.
    pub digits: String,
    pub param: String,
    pub span: Span,
    pub param_span: Span,
}

#[derive(Debug, Clone)]
pub struct Context {
    pub name: String,
    pub span: Span,
    pub parts: Vec<Part>,
}

/// What a context holds, in order: extensions and includes to splice.
#[derive(Debug, Clone)]
pub enum Part {
    /// Shared: an included file's extensions are spliced wherever it is
    /// included.
    Extension(Arc<Extension>),
    /// `<X-PRE-PROCESS cmd="include" data="default/*.xml"/>`.
    Include {
        pattern: String,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub struct Extension {
    pub name: String,
    pub span: Span,
    /// `continue="true"`: keep hunting after this extension matched.
    pub continues: bool,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// Stop evaluating the extension when the condition is false (default).
    OnFalse,
    OnTrue,
    Always,
    Never,
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub span: Span,
    /// `field="${consent}"` / `field="destination_number"`; `None` for time
    /// conditions and `regex=` lists.
    pub field: Option<SharedStr>,
    pub expression: Option<SharedStr>,
    /// Whether the condition tests anything (field, time, `regex=`); a bare
    /// `<condition>` always holds.
    pub tests: bool,
    pub break_on: Break,
    /// What runs when the condition holds: actions and nested conditions, in order.
    pub then: Vec<Item>,
    /// `<anti-action>`s: what runs when it does not.
    pub otherwise: Vec<Action>,
}

impl Condition {
    /// The condition, its actions, anti-actions and nested conditions,
    /// counted.
    pub fn size(&self) -> usize {
        let then: usize = self
            .then
            .iter()
            .map(|item| match item {
                Item::Action(_) => 1,
                Item::Condition(nested) => nested.size(),
            })
            .sum();
        1 + then + self.otherwise.len()
    }
}

#[derive(Debug, Clone)]
pub enum Item {
    Action(Action),
    Condition(Condition),
}

#[derive(Debug, Clone)]
pub struct Action {
    /// The application, lower-cased (`record_session`, `playback`).
    pub application: SharedStr,
    data: SharedStr,
    /// Where `data` is without its surrounding white space: every hunt
    /// asks, for every action it lowers.
    trimmed: (u32, u32),
    pub span: Span,
    pub data_span: Span,
    /// `inline="true"`: runs while the dialplan is hunted.
    pub inline: bool,
}

#[derive(Debug, Clone)]
pub struct CallcenterQueue {
    pub name: String,
    pub span: Span,
    /// `<param name="record-template" .../>`: every call of the queue is recorded.
    pub record_template: Option<Span>,
}

/// A sofia SIP profile. Its `record-template` lets a phone on the profile
/// start and stop recording its call with a SIP INFO carrying `Record: on`
/// / `Record: off` (mod_sofia `sofia.c`, the INFO handler: the file is
/// `record-path` + `record-template`, and the channel variable
/// `sip_disable_recording` refuses it).
#[derive(Debug, Clone)]
pub struct SofiaProfile {
    pub name: String,
    /// The `record-template` parameter, when set.
    pub record_template: Option<Span>,
}

/// Reads a parsed FreeSWITCH document; `text` is the file's text, which
/// attribute values are held as pieces of when they are written as is.
pub fn read(at: Located, tree: &Tree, text: &SharedStr, problems: &mut Problems) -> FsFile {
    let mut out = FsFile::default();
    let Some(root) = tree.root_element() else {
        return out;
    };
    if root.has_tag_name("configuration") {
        if root
            .attribute("name")
            .is_some_and(|n| n.eq_ignore_ascii_case("callcenter.conf"))
        {
            out.queues = callcenter_queues(at, root);
        }
        out.menus = ivr_menus(at, root);
        return out;
    }
    out.menus = ivr_menus(at, root);
    if root.has_tag_name("profile") || root.has_tag_name("include") {
        out.profiles = sofia_profiles(at, root);
    }
    // Contexts anywhere (a bare file, `<include>`, or freeswitch.xml's
    // `<section name="dialplan">`); extensions outside them are loose.
    let mut stack: Vec<(Element, usize)> = vec![(root, 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            problems.parse_errors.push(ParseError::new(
                at.span(node),
                format!("XML nested deeper than {MAX_DEPTH} levels"),
                "not read below this element",
            ));
            continue;
        }
        if node.has_tag_name("context") {
            out.contexts.push(Context {
                name: node.attribute("name").unwrap_or("").to_string(),
                span: at.attribute_span(node, "name"),
                parts: parts(at, node, text, problems),
            });
            continue;
        }
        if node.has_tag_name("extension") {
            if !disabled(node) {
                out.loose
                    .push(Part::Extension(Arc::new(extension(at, node, text, problems))));
            }
            continue;
        }
        if is_include(node) {
            out.loose.push(include(at, node));
            continue;
        }
        let children: Vec<Element> = node.children().collect();
        for child in children.into_iter().rev() {
            stack.push((child, depth + 1));
        }
    }
    out
}

fn is_include(node: Element) -> bool {
    node.has_tag_name("X-PRE-PROCESS")
        && node
            .attribute("cmd")
            .is_some_and(|c| c.eq_ignore_ascii_case("include"))
}

fn include(at: Located, node: Element) -> Part {
    Part::Include {
        pattern: node.attribute("data").unwrap_or("").to_string(),
        span: at.span(node),
    }
}

fn parts(at: Located, context: Element, text: &SharedStr, problems: &mut Problems) -> Vec<Part> {
    context.children()
        .filter_map(|child| {
            if child.has_tag_name("extension") {
                (!disabled(child)).then(|| Part::Extension(Arc::new(extension(at, child, text, problems))))
            } else if is_include(child) {
                Some(include(at, child))
            } else {
                None
            }
        })
        .collect()
}

fn extension(at: Located, node: Element, text: &SharedStr, problems: &mut Problems) -> Extension {
    Extension {
        name: node.attribute("name").unwrap_or("").to_string(),
        span: at.start_tag_span(node),
        continues: node
            .attribute("continue")
            .is_some_and(|c| c.eq_ignore_ascii_case("true")),
        conditions: conditions(at, node, text, problems),
    }
}

/// `enabled="false"`: FusionPBX keeps the element in its database but never
/// writes it into the dialplan FreeSWITCH runs (its generator selects only
/// enabled dialplans and details).
fn disabled(node: Element) -> bool {
    node.attribute("enabled")
        .is_some_and(|e| trim(e).eq_ignore_ascii_case("false"))
}

/// An extension's conditions, as FusionPBX generates them. FusionPBX stores
/// an extension as groups of details: the self-closing conditions before a
/// condition with actions, that condition and its actions form one group. A
/// disabled condition is not written, but its actions are details of their
/// own: they follow the group's other conditions (the last self-closing one
/// before it now holds them), or, in a group with no other condition, land
/// outside any condition, where FreeSWITCH never runs them.
fn conditions(
    at: Located,
    extension: Element,
    text: &SharedStr,
    problems: &mut Problems,
) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    // Whether the last condition kept opened the current group (it is
    // self-closing, so the next condition's actions may join it).
    let mut group_open = false;
    for node in extension.children().filter(|c| c.has_tag_name("condition")) {
        let condition = condition(at, node, text, problems, 0);
        // Groups are made from the template as written, disabled details included.
        let holds_actions = node.children().next().is_some();
        if disabled(node) {
            if let Some(last) = out.last_mut().filter(|_| group_open) {
                last.then = condition.then;
                last.otherwise = condition.otherwise;
            }
            group_open &= !holds_actions;
            continue;
        }
        group_open = !holds_actions;
        out.push(condition);
    }
    out
}

fn condition(
    at: Located,
    node: Element,
    text: &SharedStr,
    problems: &mut Problems,
    depth: usize,
) -> Condition {
    let break_on = match node
        .attribute("break")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("on-true") => Break::OnTrue,
        Some("always") => Break::Always,
        Some("never") => Break::Never,
        _ => Break::OnFalse,
    };
    let mut then = Vec::new();
    let mut otherwise = Vec::new();
    for child in node.children() {
        if disabled(child) && child.name() != "condition" {
            continue;
        }
        match child.name() {
            "action" => then.push(Item::Action(action(at, child, text))),
            "anti-action" => otherwise.push(action(at, child, text)),
            // A disabled nested condition goes with what it holds (FusionPBX
            // has no nesting; this is plain FreeSWITCH XML marked off).
            "condition" if disabled(child) => {}
            "condition" if depth < MAX_DEPTH => {
                then.push(Item::Condition(condition(at, child, text, problems, depth + 1)));
            }
            "condition" => problems.parse_errors.push(ParseError::new(
                at.span(child),
                format!("conditions nested deeper than {MAX_DEPTH} levels"),
                "not read below this condition",
            )),
            _ => {}
        }
    }
    Condition {
        span: at.start_tag_span(node),
        field: node.attribute("field").map(|field| text.part(field)),
        expression: node.attribute("expression").map(|expression| text.part(expression)),
        tests: node
            .attribute_names()
            .any(|name| !matches!(name, "break" | "require-nested" | "enabled")),
        break_on,
        then,
        otherwise,
    }
}

impl Action {
    pub fn new(application: &str, data: &str, span: Span, data_span: Span, inline: bool) -> Action {
        Action::in_text(&data.into(), application, data, span, data_span, inline)
    }

    /// An action whose application and data are pieces of `text` (the
    /// file's, a copy where they are not): most actions cost no copy.
    pub fn in_text(
        text: &SharedStr,
        application: &str,
        data: &str,
        span: Span,
        data_span: Span,
        inline: bool,
    ) -> Action {
        let trimmed = trim_start(data);
        let start = data.len() - trimmed.len();
        let application = if application.bytes().any(|b| b.is_ascii_uppercase()) {
            application.to_ascii_lowercase().into()
        } else {
            text.part(application)
        };
        Action {
            application,
            data: text.part(data),
            trimmed: (start as u32, (start + trim_end(trimmed).len()) as u32),
            span,
            data_span,
            inline,
        }
    }

    /// `data` as written.
    pub fn data(&self) -> &str {
        &self.data
    }

    /// `data` without its surrounding white space.
    pub fn data_trimmed(&self) -> &str {
        self.data
            .get(self.trimmed.0 as usize..self.trimmed.1 as usize)
            .unwrap_or("")
    }
}

fn action(at: Located, node: Element, text: &SharedStr) -> Action {
    Action::in_text(
        text,
        node.attribute("application").unwrap_or(""),
        node.attribute("data").unwrap_or(""),
        at.span(node),
        at.attribute_span(node, "data"),
        node.attribute("inline")
            .is_some_and(|i| i.eq_ignore_ascii_case("true")),
    )
}

fn callcenter_queues(at: Located, root: Element) -> Vec<CallcenterQueue> {
    root.descendants()
        .filter(|n| n.has_tag_name("queue"))
        .map(|queue| CallcenterQueue {
            name: queue.attribute("name").unwrap_or("").to_string(),
            span: at.span(queue),
            record_template: record_template(at, queue),
        })
        .collect()
}

/// `<profile name="internal"><settings><param name="record-template" .../>`,
/// as a file of its own or inside an `<include>`.
fn sofia_profiles(at: Located, root: Element) -> Vec<SofiaProfile> {
    root.descendants()
        .filter(|n| n.has_tag_name("profile"))
        .filter_map(|profile| {
            let settings = profile.children().find(|n| n.has_tag_name("settings"))?;
            Some(SofiaProfile {
                name: profile.attribute("name").unwrap_or("").to_string(),
                record_template: record_template(at, settings),
            })
        })
        .collect()
}

/// `<menu>` elements anywhere: in `<include>` files under `ivr_menus/`, or
/// in `ivr.conf.xml`'s `<menus>`.
fn ivr_menus(at: Located, root: Element) -> Vec<IvrMenu> {
    root.descendants()
        .filter(|n| n.has_tag_name("menu") && n.attribute("name").is_some())
        .map(|menu| IvrMenu {
            name: menu.attribute("name").unwrap_or("").to_string(),
            span: at.attribute_span(menu, "name"),
            prompts: ["greet-long", "greet-short"]
                .iter()
                .filter_map(|a| menu.attribute(a))
                .filter(|p| !trim(p).is_empty())
                .map(str::to_string)
                .collect(),
            entries: menu.children()
                .filter(|e| e.has_tag_name("entry"))
                .map(|entry| MenuEntry {
                    action: entry.attribute("action").unwrap_or("").to_ascii_lowercase(),
                    digits: entry.attribute("digits").unwrap_or("").to_string(),
                    param: entry.attribute("param").unwrap_or("").to_string(),
                    span: at.span(entry),
                    param_span: at.attribute_span(entry, "param"),
                })
                .collect(),
        })
        .collect()
}

/// A `<param name="record-template" value="..."/>` child with a value.
fn record_template(at: Located, parent: Element) -> Option<Span> {
    parent.children()
        .find(|p| {
            p.has_tag_name("param")
                && p.attribute("name")
                    .is_some_and(|n| n.eq_ignore_ascii_case("record-template"))
                && p.attribute("value").is_some_and(|v| !trim(v).is_empty())
        })
        .map(|p| at.span(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::xml;
    use crate::source::{FileId, SourceFile};

    fn read_str(text: &str) -> FsFile {
        let source = SourceFile::new("t.xml".into(), "t.xml".into(), text.to_string());
        let whole = SharedStr::whole(&source.text);
        xml::read_tree(FileId(0), &source, true, |tree, at| {
            read(at, tree, &whole, &mut Problems::default())
        })
        .expect("valid XML")
    }

    #[test]
    fn attribute_values_read_as_written_or_unescaped() {
        let fs = read_str(
            r#"<context name="c"><extension name="e">
                <condition field="${sip_h_X-Tag}" expression="^a&amp;b$">
                  <action application="Set" data=" x=1 "/>
                  <action application="log" data="INFO a&lt;b"/>
                </condition>
              </extension></context>"#,
        );
        let Part::Extension(ext) = &fs.contexts[0].parts[0] else {
            panic!()
        };
        let cond = &ext.conditions[0];
        assert_eq!(cond.field.as_deref(), Some("${sip_h_X-Tag}"));
        assert_eq!(cond.expression.as_deref(), Some("^a&b$"));
        let actions: Vec<(&str, &str, &str)> = cond
            .then
            .iter()
            .map(|item| match item {
                Item::Action(a) => (a.application.as_str(), a.data(), a.data_trimmed()),
                Item::Condition(_) => panic!(),
            })
            .collect();
        assert_eq!(actions, [("set", " x=1 ", "x=1"), ("log", "INFO a<b", "INFO a<b")]);
    }

    #[test]
    fn contexts_extensions_conditions() {
        let fs = read_str(
            r#"<include><context name="public">
                <extension name="in" continue="true">
                  <condition field="destination_number" expression="^(1000)$" break="never">
                    <action application="Answer"/>
                    <condition field="${consent}" expression="^1$">
                      <action application="record_session" data="/tmp/x.wav" inline="true"/>
                      <anti-action application="hangup"/>
                    </condition>
                  </condition>
                </extension>
                <X-PRE-PROCESS cmd="include" data="public/*.xml"/>
              </context></include>"#,
        );
        let ctx = &fs.contexts[0];
        assert_eq!(ctx.name, "public");
        let Part::Extension(ext) = &ctx.parts[0] else {
            panic!()
        };
        assert!(ext.continues);
        let cond = &ext.conditions[0];
        assert_eq!(cond.break_on, Break::Never);
        let Item::Action(a) = &cond.then[0] else {
            panic!()
        };
        assert_eq!(a.application, "answer");
        let Item::Condition(nested) = &cond.then[1] else {
            panic!()
        };
        assert_eq!(nested.otherwise.len(), 1);
        assert!(
            matches!(&ctx.parts[1], Part::Include { pattern, .. } if pattern == "public/*.xml")
        );
    }

    #[test]
    fn disabled_elements_are_left_out() {
        let fs = read_str(
            r#"<include>
                <extension name="off" enabled="false"><condition><action application="record_session" data="a.wav"/></condition></extension>
                <extension name="on" enabled="true">
                  <condition field="${a}" expression="^1$"/>
                  <condition field="${b}" expression="^1$" enabled="false">
                    <action application="playback" data="joins-a.wav"/>
                  </condition>
                  <condition field="${c}" expression="^1$" enabled="false">
                    <action application="playback" data="dropped.wav"/>
                  </condition>
                  <condition enabled="true">
                    <action application="answer"/>
                    <action application="record_session" data="b.wav" enabled="false"/>
                    <anti-action application="hangup" enabled="false"/>
                  </condition>
                </extension>
              </include>"#,
        );
        assert_eq!(fs.loose.len(), 1);
        let Part::Extension(ext) = &fs.loose[0] else {
            panic!()
        };
        assert_eq!(ext.name, "on");
        assert_eq!(ext.conditions.len(), 2);
        // `${b}`'s group: its actions follow `${a}`; `${c}` opens a group of
        // its own, with no condition left to hold its action.
        assert_eq!(ext.conditions[0].field.as_deref(), Some("${a}"));
        let Item::Action(joined) = &ext.conditions[0].then[0] else {
            panic!()
        };
        assert_eq!(joined.data(), "joins-a.wav");
        let last = &ext.conditions[1];
        assert!(!last.tests, "`enabled` is not a test");
        assert_eq!(last.then.len(), 1);
        assert!(last.otherwise.is_empty());
    }

    #[test]
    fn ivr_menus_with_entries() {
        let fs = read_str(
            r#"<include><menu name="demo_ivr" greet-long="phrase:long" greet-short="">
                 <entry action="menu-exec-app" digits="1" param="transfer 9196 XML default"/>
                 <entry action="Menu-Sub" digits="/^(10[01][0-9])$/" param="sub"/>
               </menu></include>"#,
        );
        let menu = &fs.menus[0];
        assert_eq!(menu.name, "demo_ivr");
        assert_eq!(menu.prompts, ["phrase:long"], "an empty greeting is no prompt");
        assert_eq!(menu.entries[0].param, "transfer 9196 XML default");
        assert_eq!(menu.entries[1].action, "menu-sub");
        assert_eq!(menu.entries[1].digits, "/^(10[01][0-9])$/");
    }

    #[test]
    fn sofia_profiles_with_and_without_record_template() {
        let fs = read_str(
            r#"<include><profile name="internal"><settings>
                 <param name="record-template" value="${uuid}.wav"/></settings></profile>
               <profile name="external"><settings>
                 <param name="record-template" value=""/></settings></profile></include>"#,
        );
        assert_eq!(fs.profiles.len(), 2);
        assert_eq!(fs.profiles[0].name, "internal");
        assert!(fs.profiles[0].record_template.is_some());
        assert!(fs.profiles[1].record_template.is_none(), "an empty template records nothing");
    }

    #[test]
    fn loose_extensions_and_callcenter() {
        let fs = read_str(
            r#"<extension name="x"><condition><action application="playback" data="a.wav"/></condition></extension>"#,
        );
        assert_eq!(fs.loose.len(), 1);
        let cc = read_str(
            r#"<configuration name="callcenter.conf"><queues><queue name="support@default">
               <param name="record-template" value="/tmp/${uuid}.wav"/></queue>
               <queue name="sales"/></queues></configuration>"#,
        );
        assert!(cc.queues[0].record_template.is_some());
        assert!(cc.queues[1].record_template.is_none());
    }
}
