//! Settings files: `queues.conf` (queue recording), `features.conf`
//! (one-touch recording and its start tone) and `confbridge.conf`
//! (conference recording).

use std::borrow::Borrow;

use crate::hash::HashMap;

use super::conf::{ConfItem, Entry};
use crate::source::Span;

/// Sections of a settings file with template inheritance applied; later
/// sections of the same name add to earlier ones.
#[derive(Debug, Default)]
pub struct Sections {
    pub sections: Vec<SettingsSection>,
}

#[derive(Debug, Clone)]
pub struct SettingsSection {
    pub name: String,
    pub header: Span,
    pub entries: Vec<Entry>,
}

impl SettingsSection {
    /// The last value of a (case-insensitive) key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

impl Sections {
    pub fn build<I: Borrow<ConfItem>>(items: &[I]) -> Sections {
        let mut out = Sections::default();
        let mut templates: HashMap<String, Vec<Entry>> = HashMap::default();
        // Where entries go: a template name or an index into `sections`.
        enum Target {
            Template(String),
            Section(usize),
        }
        let mut target: Option<Target> = None;
        for item in items {
            match item.borrow() {
                ConfItem::Section(section) if section.template => {
                    templates.insert(section.name.clone(), Vec::new());
                    target = Some(Target::Template(section.name.clone()));
                }
                ConfItem::Section(section) => {
                    let index = match out.sections.iter().position(|s| s.name == section.name) {
                        Some(i) => i,
                        None => {
                            out.sections.push(SettingsSection {
                                name: section.name.clone(),
                                header: section.name_span,
                                entries: Vec::new(),
                            });
                            out.sections.len() - 1
                        }
                    };
                    for template in &section.inherits {
                        if let Some(entries) = templates.get(template) {
                            out.sections[index].entries.extend(entries.iter().cloned());
                        }
                    }
                    target = Some(Target::Section(index));
                }
                ConfItem::Entry(entry) => match &target {
                    Some(Target::Template(name)) => templates
                        .entry(name.clone())
                        .or_default()
                        .push(entry.clone()),
                    Some(Target::Section(i)) => out.sections[*i].entries.push(entry.clone()),
                    None => {}
                },
                ConfItem::Directive(_) => {}
            }
        }
        out
    }

    pub fn section(&self, name: &str) -> Option<&SettingsSection> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

/// What queues.conf says about recording one queue.
#[derive(Debug, Clone)]
pub struct QueueRecording {
    pub queue: String,
    pub header: Span,
    /// `monitor-format = wav`: its presence turns recording on.
    pub monitor_format: Option<Span>,
    /// `monitor-type = Monitor` (removed recorder) or `MixMonitor`.
    pub monitor_type: Option<(String, Span)>,
}

/// Queue settings by queue name. `[general]` values apply to every queue.
pub fn queues(sections: &Sections) -> HashMap<String, QueueRecording> {
    let general = sections.section("general");
    let general_type = general.and_then(|g| g.get("monitor-type"));
    sections
        .sections
        .iter()
        .filter(|s| !s.name.eq_ignore_ascii_case("general"))
        .map(|s| {
            let monitor_type = s
                .get("monitor-type")
                .or(general_type)
                .map(|e| (e.value.to_string(), e.value_span));
            (
                s.name.clone(),
                QueueRecording {
                    queue: s.name.clone(),
                    header: s.header,
                    monitor_format: s
                        .get("monitor-format")
                        .filter(|e| !e.value.is_empty())
                        .map(|e| e.span),
                    monitor_type,
                },
            )
        })
        .collect()
}

/// One-touch recording settings from features.conf.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// `[featuremap] automixmon => *3`: the DTMF code that toggles MixMonitor.
    pub automixmon: Option<Span>,
    /// `[featuremap] automon => *1`: one-touch Monitor, removed in Asterisk 21.
    pub automon: Option<Span>,
    /// `[general] courtesytone = beep`: played to both parties when one-touch
    /// recording starts.
    pub courtesytone: Option<Span>,
    /// Dialplan contexts the parking lots create at run time: `context =>`
    /// or `parkingcontext =>` in `[general]` and `[parkinglot_*]` sections,
    /// and the names of those sections.
    pub parking_contexts: Vec<String>,
}

pub fn features(sections: &Sections) -> Features {
    let mapped = |feature: &str| {
        sections
            .section("featuremap")
            .and_then(|s| s.get(feature))
            .filter(|e| !e.value.is_empty())
            .map(|e| e.span)
    };
    let courtesytone = sections
        .section("general")
        .and_then(|s| s.get("courtesytone"))
        .filter(|e| !e.value.is_empty())
        .map(|e| e.span);
    let mut parking_contexts = Vec::new();
    for section in &sections.sections {
        let lot = section
            .name
            .get(..11)
            .is_some_and(|p| p.eq_ignore_ascii_case("parkinglot_"));
        if lot {
            parking_contexts.push(section.name.clone());
        }
        if lot || section.name.eq_ignore_ascii_case("general") {
            parking_contexts.extend(
                section
                    .entries
                    .iter()
                    .filter(|e| e.key == "context" || e.key == "parkingcontext")
                    .map(|e| e.value.trim().to_string())
                    .filter(|v| !v.is_empty()),
            );
        }
    }
    Features {
        automixmon: mapped("automixmon"),
        automon: mapped("automon"),
        courtesytone,
        parking_contexts,
    }
}

/// The ConfBridge bridge profiles that record the conference
/// (`record_conference=yes`), by name, with where that is set. A profile
/// named by `ConfBridge()` that is not defined is the built-in
/// `default_bridge`, which does not record.
pub fn recording_bridges(sections: &Sections) -> HashMap<String, Span> {
    sections
        .sections
        .iter()
        .filter(|s| s.get("type").is_some_and(|t| t.value.eq_ignore_ascii_case("bridge")))
        .filter_map(|s| {
            let record = s.get("record_conference")?;
            is_true(&record.value).then(|| (s.name.clone(), record.span))
        })
        .collect()
}

/// Asterisk's `ast_true`: yes, true, y, t, 1, on.
pub fn is_true(value: &str) -> bool {
    ["yes", "true", "y", "t", "1", "on"]
        .iter()
        .any(|t| value.trim().eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::asterisk::parse::conf;
    use crate::source::FileId;

    #[test]
    fn monitor_format_turns_queue_recording_on() {
        let lexed = conf::lex(
            FileId(0),
            &"[general]\nmonitor-type = MixMonitor\n[tmpl](!)\nmonitor-format = wav\n[support](tmpl)\nstrategy=rrmemory\n[sales]\n;monitor-format = wav\n".into(),
        );
        let queues = queues(&Sections::build(&lexed.items));
        assert!(queues["support"].monitor_format.is_some());
        assert!(queues["sales"].monitor_format.is_none());
        assert_eq!(
            queues["sales"].monitor_type.as_ref().unwrap().0,
            "MixMonitor"
        );
    }

    #[test]
    fn bridge_profiles_that_record() {
        let lexed = conf::lex(
            FileId(0),
            &"[default_bridge]\ntype=bridge\n;record_conference=yes\n[board]\ntype=bridge\nrecord_conference=yes\n[caller]\ntype=user\nrecord_conference=yes\n[off]\ntype=bridge\nrecord_conference=no\n".into(),
        );
        let bridges = recording_bridges(&Sections::build(&lexed.items));
        assert_eq!(bridges.keys().collect::<Vec<_>>(), ["board"]);
    }

    #[test]
    fn one_touch_features() {
        let lexed = conf::lex(
            FileId(0),
            &"[general]\ncourtesytone = beep\n[featuremap]\nautomixmon => *3\n".into(),
        );
        let f = features(&Sections::build(&lexed.items));
        assert!(f.automixmon.is_some());
        assert!(f.courtesytone.is_some());
    }

    #[test]
    fn parking_lots_define_contexts() {
        let lexed = conf::lex(
            FileId(0),
            &"[general]\ncontext => parkedcalls\n[parkinglot_sales]\nparkpos => 801-820\ncontext => sales-park\n[featuremap]\ncontext => nothing\n".into(),
        );
        let f = features(&Sections::build(&lexed.items));
        assert_eq!(
            f.parking_contexts,
            ["parkedcalls", "parkinglot_sales", "sales-park"]
        );
    }
}
