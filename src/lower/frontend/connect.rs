//! Amazon Connect contact flows (flow language, legacy export, wrappers and
//! templates embedding flows), known by their keys, lowered by
//! [`crate::lower::connect`].

use std::sync::LazyLock;

use regex::Regex;

use super::{ContentTest, FileKind, Frontend, Shape, Sniff};
use crate::lower::{self, LoadContext, Lowered};
use crate::source::FileId;

pub(crate) struct Connect;

static CONNECT_CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""StartAction"|"modules"\s*:|"ContactFlow"|AWS::Connect::ContactFlow|\\"StartAction\\""#,
    )
    .expect("valid regex")
});

impl Frontend for Connect {
    fn may_be(&self, name: &str) -> bool {
        // Legacy exports have no extension.
        name.ends_with(".json") || !name.contains('.')
    }

    /// Asked after Studio flows and before CloudFormation: a template that
    /// embeds flows is read as flows (and, by the infrastructure front end,
    /// for its storage).
    fn by_content(&self) -> &'static [ContentTest] {
        &[ContentTest {
            rank: 20,
            test: by_keys,
        }]
    }

    fn load(&self, files: &[(FileId, FileKind)], cx: &mut LoadContext) -> Lowered {
        let files: Vec<FileId> = files
            .iter()
            .filter(|(_, kind)| *kind == FileKind::Connect)
            .map(|&(file, _)| file)
            .collect();
        lower::connect::load(&files, cx)
    }
}

fn by_keys(sniff: &Sniff) -> Option<FileKind> {
    if sniff.shape != Shape::Json {
        return None;
    }
    let text = sniff.text;
    let flow = CONNECT_CONTENT.is_match(text) && text.contains("Actions");
    let legacy = text.contains("\"modules\"")
        && (text.contains("\"start\"") || text.contains("contactFlow"));
    (flow || legacy).then_some(FileKind::Connect)
}
