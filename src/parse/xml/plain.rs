//! A reader for the plain XML that FreeSWITCH configuration is written in:
//! elements, attributes, text, CDATA sections, comments, an XML
//! declaration and the five predefined and numeric character references.
//! It builds the [`Tree`] that roxmltree's document would be copied to,
//! checking the document as roxmltree does, and gives up (`None`) on
//! anything else, valid or not (a DTD, processing instructions,
//! namespaces, names beyond ASCII, a malformed document): roxmltree reads
//! those, and says what is wrong with a malformed one. The tests hold the
//! two readers to the same tree on every XML file of the fixtures and the
//! corpus.

use std::borrow::Cow;
use std::ops::Range;

use super::tree::{Attribute, Tree, TreeNode};

/// Reads `input`, or gives up. `nodes_limit`: the most elements and
/// comments read before giving up (roxmltree refuses more nodes).
pub fn read(input: &str, nodes_limit: u32) -> Option<Tree<'_>> {
    let mut reader = Reader {
        input,
        bytes: input.as_bytes(),
        pos: 0,
        tree: Tree {
            nodes: Vec::with_capacity(input.len() / 48),
            attributes: Vec::with_capacity(input.len() / 32),
            input,
        },
        // roxmltree counts text between tags too: at most two pieces of
        // text an element or comment.
        nodes_limit: nodes_limit as usize / 3,
        open: Vec::new(),
    };
    reader.push(None, 0..0, 0);
    reader.declaration()?;
    let mut root_seen = false;
    loop {
        reader.skip_space();
        if reader.pos == reader.bytes.len() {
            break;
        }
        if reader.rest().starts_with(b"<!--") {
            reader.comment()?;
        } else if reader.bytes[reader.pos] == b'<' && !root_seen {
            reader.element()?;
            root_seen = true;
        } else {
            return None;
        }
    }
    let end = reader.tree.nodes.len() as u32;
    reader.tree.nodes[0].end = end;
    root_seen.then_some(reader.tree)
}

struct Reader<'t> {
    input: &'t str,
    bytes: &'t [u8],
    pos: usize,
    tree: Tree<'t>,
    nodes_limit: usize,
    /// The open elements, innermost last: their nodes.
    open: Vec<u32>,
}

impl<'t> Reader<'t> {
    fn rest(&self) -> &'t [u8] {
        &self.bytes[self.pos..]
    }

    fn push(&mut self, name: Option<&'t str>, range: Range<usize>, parent: u32) -> Option<u32> {
        if self.tree.nodes.len() >= self.nodes_limit.max(1) {
            return None;
        }
        let index = self.tree.nodes.len() as u32;
        let attributes = self.tree.attributes.len() as u32;
        self.tree.nodes.push(TreeNode {
            name,
            range: range.start as u32..range.end as u32,
            attributes: attributes..attributes,
            end: index + 1,
            parent,
        });
        Some(index)
    }

    fn parent(&self) -> u32 {
        self.open.last().copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while self.pos < self.bytes.len() && is_space(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }

    /// `<?xml version="1.0" encoding="utf-8"?>`, or nothing.
    fn declaration(&mut self) -> Option<()> {
        if !self.rest().starts_with(b"<?xml") {
            return Some(());
        }
        self.pos += 5;
        let mut seen = 0;
        for (k, name) in ["version", "encoding", "standalone"].iter().enumerate() {
            let before = self.pos;
            self.skip_space();
            if !self.rest().starts_with(name.as_bytes()) || self.pos == before {
                self.pos = before;
                continue;
            }
            self.pos += name.len();
            let value = self.quoted_plain()?;
            let fits = match k {
                0 => value == "1.0",
                1 => {
                    value
                        .as_bytes()
                        .first()
                        .is_some_and(u8::is_ascii_alphabetic)
                        && value
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
                }
                _ => matches!(value, "yes" | "no"),
            };
            if !fits || (k == 0) != (seen == 0) {
                return None;
            }
            seen += 1;
        }
        self.skip_space();
        if seen == 0 || !self.rest().starts_with(b"?>") {
            return None;
        }
        self.pos += 2;
        Some(())
    }

    /// `= "value"` of the declaration: the value, as written.
    fn quoted_plain(&mut self) -> Option<&'t str> {
        let value = self.quoted()?;
        Some(&self.input[value])
    }

    /// `= "value"` or `= 'value'` after a name: where the value is.
    fn quoted(&mut self) -> Option<Range<usize>> {
        self.skip_space();
        if self.bytes.get(self.pos) != Some(&b'=') {
            return None;
        }
        self.pos += 1;
        self.skip_space();
        let quote = *self
            .bytes
            .get(self.pos)
            .filter(|q| matches!(q, b'"' | b'\''))?;
        let start = self.pos + 1;
        let len = memchr::memchr(quote, &self.bytes[start..])?;
        self.pos = start + len + 1;
        Some(start..start + len)
    }

    fn comment(&mut self) -> Option<()> {
        let start = self.pos;
        let body = start + 4;
        let close = body + memchr::memmem::find(&self.bytes[body..], b"--")?;
        // The first `--` ends the comment: it must be `-->` (a body ending
        // in `-` makes it `--->`, refused as XML refuses it).
        if self.bytes.get(close + 2) != Some(&b'>') {
            return None;
        }
        if !valid_text(&self.input[body..close]) {
            return None;
        }
        self.pos = close + 3;
        let parent = self.parent();
        self.push(None, start..self.pos, parent)?;
        Some(())
    }

    /// `<![CDATA[...]]>`: text, as written.
    fn cdata(&mut self) -> Option<()> {
        let body = self.pos + 9;
        let close = body + memchr::memmem::find(&self.bytes[body..], b"]]>")?;
        if !valid_text(&self.input[body..close]) {
            return None;
        }
        self.pos = close + 3;
        Some(())
    }

    fn name(&mut self) -> Option<&'t str> {
        let start = self.pos;
        let first = *self.bytes.get(start)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        self.pos += 1;
        self.pos += self.bytes[self.pos..]
            .iter()
            .position(|&b| !NAME_BYTES[b as usize])
            .unwrap_or(self.bytes.len() - self.pos);
        // A name going on with anything else (`:`, a letter beyond ASCII)
        // is for roxmltree.
        match self.bytes.get(self.pos) {
            Some(&b) if is_space(b) || matches!(b, b'=' | b'>' | b'/') => {}
            _ => return None,
        }
        Some(&self.input[start..self.pos])
    }

    /// The element here and everything inside it, without recursion.
    fn element(&mut self) -> Option<()> {
        let depth = self.open.len();
        loop {
            // A start tag.
            let start = self.pos;
            self.pos += 1;
            let name = self.name()?;
            let parent = self.parent();
            let index = self.push(Some(name), start..start, parent)?;
            let empty = self.attributes(index)?;
            if empty {
                self.close(index);
            } else {
                self.open.push(index);
            }
            // Content until the next start tag, or until the element that
            // began this call is closed.
            loop {
                if self.open.len() == depth {
                    return Some(());
                }
                self.text()?;
                let rest = self.rest();
                if rest.starts_with(b"<!--") {
                    self.comment()?;
                } else if rest.starts_with(b"<![CDATA[") {
                    self.cdata()?;
                } else if rest.starts_with(b"</") {
                    self.end_tag()?;
                } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
                    return None;
                } else {
                    break;
                }
            }
        }
    }

    /// Ends an element's node at the current position.
    fn close(&mut self, index: u32) {
        let end = self.tree.nodes.len() as u32;
        let node = &mut self.tree.nodes[index as usize];
        node.range.end = self.pos as u32;
        node.end = end;
    }

    fn end_tag(&mut self) -> Option<()> {
        let index = self.open.pop()?;
        self.pos += 2;
        let name = self.name()?;
        if Some(name) != self.tree.nodes[index as usize].name {
            return None;
        }
        self.skip_space();
        if self.bytes.get(self.pos) != Some(&b'>') {
            return None;
        }
        self.pos += 1;
        self.close(index);
        Some(())
    }

    /// The attributes of the start tag being read, to its `>` or `/>`;
    /// whether it was `/>`.
    fn attributes(&mut self, index: u32) -> Option<bool> {
        let first = self.tree.attributes.len();
        let empty = loop {
            let before = self.pos;
            self.skip_space();
            match self.bytes.get(self.pos)? {
                b'>' => {
                    self.pos += 1;
                    break false;
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    break true;
                }
                _ if self.pos == before => return None,
                _ => {}
            }
            let name = self.name()?;
            if name.starts_with("xmlns")
                || self.tree.attributes[first..].iter().any(|a| a.name == name)
            {
                return None;
            }
            let value = self.quoted()?;
            self.tree.attributes.push(Attribute {
                name,
                namespaced: false,
                value: attribute_value(&self.input[value.clone()])?,
                value_range: value.start as u32..value.end as u32,
            });
        };
        self.tree.nodes[index as usize].attributes.end = self.tree.attributes.len() as u32;
        Some(empty)
    }

    /// Text up to the next `<`, checked; the end of the input is an
    /// unclosed element.
    fn text(&mut self) -> Option<()> {
        let len = memchr::memchr(b'<', self.rest())?;
        let text = &self.input[self.pos..self.pos + len];
        let seen = kinds(text);
        if !valid_kinds(seen, text)
            || (seen & GT != 0 && closes_cdata(text))
            || (seen & AMPERSAND != 0 && !valid_references(text))
        {
            return None;
        }
        self.pos += len;
        Some(())
    }
}

/// Whether `text` holds `]]>`, which XML text may not.
fn closes_cdata(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'>', bytes).any(|at| bytes[..at].ends_with(b"]]"))
}

/// The bytes this reader reads in a name after its first.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-');
        b += 1;
    }
    table
};

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What a byte can ask of text or an attribute value around it, one bit
/// each: a character XML does not allow, a reference, a tab or line feed (a
/// space in a value), `<` or a carriage return (for roxmltree, in a value),
/// the first byte of `U+FFFE`/`U+FFFF`, the end of a `]]>`.
const CONTROL: u8 = 1;
const AMPERSAND: u8 = 2;
const TAB_OR_LINE_FEED: u8 = 4;
const LT_OR_CR: u8 = 8;
const NONCHARACTER_LEAD: u8 = 16;
const GT: u8 = 32;

const KINDS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = CONTROL;
        b += 1;
    }
    table[b'\t' as usize] = TAB_OR_LINE_FEED;
    table[b'\n' as usize] = TAB_OR_LINE_FEED;
    table[b'\r' as usize] = LT_OR_CR;
    table[b'<' as usize] = LT_OR_CR;
    table[b'&' as usize] = AMPERSAND;
    table[b'>' as usize] = GT;
    table[0xEF] = NONCHARACTER_LEAD;
    table
};

/// The kinds of byte `text` holds, found in one pass: text and attribute
/// values are short and many, and a search per kind cost more in calls
/// than in bytes.
fn kinds(text: &str) -> u8 {
    text.bytes().fold(0, |seen, b| seen | KINDS[usize::from(b)])
}

/// No control character but tab and line breaks, no `U+FFFE`/`U+FFFF`:
/// characters XML allows.
fn valid_text(text: &str) -> bool {
    valid_kinds(kinds(text), text)
}

/// [`valid_text`], given the [`kinds`] of `text`.
fn valid_kinds(seen: u8, text: &str) -> bool {
    let bytes = text.as_bytes();
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
    seen & CONTROL == 0
        && (seen & NONCHARACTER_LEAD == 0
            || memchr::memchr_iter(0xEF, bytes).all(|at| {
                bytes.get(at + 1) != Some(&0xBF) || !matches!(bytes.get(at + 2), Some(0xBE | 0xBF))
            }))
}

/// Every `&` starts a reference this reader resolves.
fn valid_references(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        match reference(&rest[at..]) {
            Some((_, len)) => rest = &rest[at + len..],
            None => return false,
        }
    }
    true
}

/// The character a reference at the start of `text` stands for, and its
/// length.
fn reference(text: &str) -> Option<(char, usize)> {
    let end = text.find(';')?;
    let body = &text[1..end];
    let c = match body {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                Some(_) => return None,
                None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                    number.parse().ok()?
                }
                None => return None,
            };
            let c = char::from_u32(code)?;
            if !(matches!(c, '\t' | '\n' | '\r')
                || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}')))
            {
                return None;
            }
            c
        }
    };
    Some((c, end + 1))
}

/// An attribute value as XML reads it: references resolved, a tab or line
/// feed written as is read as a space. A carriage return (which XML reads
/// with the line feed after it) and `<` are for roxmltree.
fn attribute_value(raw: &str) -> Option<Cow<'_, str>> {
    let seen = kinds(raw);
    if !valid_kinds(seen, raw) || seen & LT_OR_CR != 0 {
        return None;
    }
    if seen & (AMPERSAND | TAB_OR_LINE_FEED) == 0 {
        return Some(Cow::Borrowed(raw));
    }
    let special = |text: &str| memchr::memchr3(b'&', b'\t', b'\n', text.as_bytes());
    let mut value = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = special(rest) {
        value.push_str(&rest[..at]);
        if rest.as_bytes()[at] == b'&' {
            let (c, len) = reference(&rest[at..])?;
            value.push(c);
            rest = &rest[at + len..];
        } else {
            value.push(' ');
            rest = &rest[at + 1..];
        }
    }
    value.push_str(rest);
    Some(Cow::Owned(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use roxmltree::{Document, ParsingOptions};
    use std::path::Path;

    const LIMIT: u32 = 2_000_000;

    /// roxmltree's reading of `text`, as a tree, when it accepts it.
    fn with_roxmltree(text: &str, check: impl FnOnce(Option<&Tree>)) {
        let options = ParsingOptions {
            allow_dtd: false,
            nodes_limit: LIMIT,
            ..ParsingOptions::default()
        };
        match Document::parse_with_options(text, options) {
            Ok(document) => check(Some(&Tree::of(&document))),
            Err(_) => check(None),
        }
    }

    /// Whether the plain reader read `text`; panics where it differs from
    /// roxmltree.
    fn agrees(text: &str) -> bool {
        let plain = read(text, LIMIT);
        with_roxmltree(text, |reference| match (&plain, reference) {
            (Some(plain), Some(reference)) => assert_eq!(plain, reference, "{text}"),
            (Some(_), None) => panic!("read what roxmltree refuses: {text}"),
            (None, _) => {}
        });
        plain.is_some()
    }

    #[test]
    fn reads_what_roxmltree_reads_or_gives_up() {
        let read = [
            "<a/>",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a/>\n",
            "<?xml version='1.0'?><a></a>",
            "<?xml version=\"1.0\" standalone=\"yes\" ?><a/>",
            "<!-- before --><a x=\"1\" y='2' ><b/><!-- in --><c>text &amp; &lt;more&gt; &#65;&#x42;</c></a ><!-- after -->",
            "<a x=\"tab\there\nline\" y=\"&quot;&apos;&#10;&#9;\" z=\"a > b\"/>",
            "<X-PRE-PROCESS cmd=\"include\" data=\"default/*.xml\"/>",
            "<a><!----><!-- - --></a>",
            "<a>\u{e6}\u{f8}\u{e5} \u{1F600}</a>",
            "<a\n  x=\"1\"\n/>",
            "<a><e><![CDATA[<sip:${destination_number}@${domain_name}>]]></e></a>",
        ];
        for text in read {
            assert!(agrees(text), "not read: {text}");
        }
        let given_up = [
            "",
            " <?xml version=\"1.0\"?><a/>",
            "\u{feff}<a/>",
            "<?xml version=\"1.1\"?><a/>",
            "<?xml encoding=\"utf-8\"?><a/>",
            "<?xml version=\"1.0\" encoding=\"utf 8\"?><a/>",
            "<!DOCTYPE a><a/>",
            "<a><![CDATA[x]]\u{1}></a>",
            "<a><![CDATA[x]></a>",
            "<a><?pi x?></a>",
            "<a/><b/>",
            "<a/>text",
            "<a></b>",
            "<a>",
            "<a x=\"1\" x=\"2\"/>",
            "<a x=\"1\"y=\"2\"/>",
            "<a x=\"<\"/>",
            "<a x=\"&nope;\"/>",
            "<a x=\"a\r\nb\"/>",
            "<a>&nope;</a>",
            "<a>&#0;</a>",
            "<a>&#xD800;</a>",
            "<a>&#X41;</a>",
            "<a>]]></a>",
            "<a>\u{1}</a>",
            "<a>\u{FFFF}</a>",
            "<a><!-- x --->",
            "<a><!-- x -- y --></a>",
            "<x:a xmlns:x=\"u\"/>",
            "<a xmlns=\"u\"/>",
            "<a x:y=\"1\"/>",
            "<\u{e6}/>",
            "< a/>",
            "</a>",
            "<a></ a>",
        ];
        for text in given_up {
            assert!(!agrees(text), "read: {text:?}");
        }
    }

    #[test]
    fn reads_the_fixtures_as_roxmltree_does() {
        let (read, refused) = agree_in(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .as_path(),
        );
        // Nearly every fixture is plain XML: a reader that gave up on all of
        // them would agree with nothing.
        assert!(
            read >= 100 && refused * 20 < read,
            "{read} read, {refused} given up"
        );
    }

    #[test]
    #[cfg_attr(
        not(shared_corpus),
        ignore = "needs ../shared/corpus beside the repository"
    )]
    fn reads_the_corpus_as_roxmltree_does() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let (read, _) = agree_in(&corpus);
        assert!(read > 0);
    }

    /// Compares the readers on every `.xml` file under `dir`: how many the
    /// plain reader read, and how many it gave up on.
    fn agree_in(dir: &Path) -> (usize, usize) {
        let (mut read, mut refused) = (0, 0);
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            // As `read_tree` reads a file.
            if agrees(&super::super::lenient_comments(&text)) {
                read += 1;
            } else {
                eprintln!("given up: {}", path.display());
                refused += 1;
            }
        }
        (read, refused)
    }
}
