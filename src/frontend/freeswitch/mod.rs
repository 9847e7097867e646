//! FreeSWITCH XML, known by its root element and dialplan or configuration
//! elements, lowered by [`crate::frontend::freeswitch::lower`].

pub mod lower;
pub mod parse;

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, KindInfo, Shape, Sniff};
use crate::files::FileSystem;
use crate::frontend::{LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct FreeSwitch;

/// FreeSWITCH XML: dialplans, `callcenter.conf.xml`, sofia SIP profiles.
pub const FREESWITCH: FileKind = FileKind::new(&KindInfo {
    name: "FreeSWITCH XML",
    format: lower::FORMAT,
    may_be_template: false,
});

static FREESWITCH_CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<(?:extension|context)[\s>]|<action\s+application=|<configuration\s+name=|<X-PRE-PROCESS\s|<menu\s+name="#)
        .expect("valid regex")
});

static SOFIA_PROFILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)<settings>.*<param\s+name="[a-z-]+"\s+value="#).expect("valid regex")
});

impl Frontend for FreeSwitch {
    fn kinds(&self) -> &'static [FileKind] {
        &[FREESWITCH]
    }

    fn may_be(&self, name: &str) -> bool {
        name.ends_with(".xml")
    }

    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 50,
            test: by_root,
        }]
    }

    /// One configuration tree (its includes stay inside it).
    fn unit_keys(
        &self,
        kind: FileKind,
        path: &Path,
        _text: &str,
        fs: &dyn FileSystem,
    ) -> Option<Vec<String>> {
        (kind == FREESWITCH).then(|| {
            vec![format!(
                "freeswitch-tree:{}",
                lower::group_of(&fs.canonical(path)).display()
            )]
        })
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files = super::files_of(files, FREESWITCH);
        lower::load(&files, cx)
    }
}

fn by_root(sniff: &Sniff) -> Option<FileKind> {
    match sniff.shape {
        Shape::Xml {
            root: "include" | "context" | "extension" | "configuration" | "document",
        } if FREESWITCH_CONTENT.is_match(sniff.text) => Some(FREESWITCH),
        // `sip_profiles/internal.xml`: sofia's `<settings>` of `<param>`s.
        Shape::Xml {
            root: "profile" | "include",
        } if SOFIA_PROFILE.is_match(sniff.text) => Some(FREESWITCH),
        _ => None,
    }
}
