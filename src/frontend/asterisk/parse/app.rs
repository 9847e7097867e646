//! Application calls in a dialplan priority: `App(arg1,arg2,...)`.
//!
//! Arguments are split at top-level commas only: commas inside `( )`, `${ }`,
//! `$[ ]` and double quotes belong to the argument, as in Asterisk's own
//! argument parser.

use std::sync::OnceLock;

use crate::source::{FileId, SharedStr, Span, trim, trim_end, trim_start};

/// A piece of source text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: SharedStr,
    pub span: Span,
}

impl Text {
    pub fn trimmed(&self) -> &str {
        trim(&self.text)
    }
}

#[derive(Debug, Clone)]
pub struct AppCall {
    /// The application name as written (`MixMonitor`, `mixmonitor`).
    pub name: SharedStr,
    pub name_span: Span,
    /// Everything between the first `(` and the last `)`.
    pub raw_args: Text,
    /// `raw_args` split at top-level commas, when first asked for
    /// ([`AppCall::args`]): most priorities' arguments are read whole
    /// (`Set`, `Goto`, `GotoIf`) or not at all (`Answer`, `NoOp`).
    args: OnceLock<Vec<Text>>,
    /// From the name to the closing parenthesis.
    pub span: Span,
}

impl AppCall {
    /// Whether this calls application `name` (names are case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The arguments: `raw_args` split at top-level commas.
    pub fn args(&self) -> &[Text] {
        self.args.get_or_init(|| {
            let raw = &self.raw_args;
            split_top_level(raw.span.file, &raw.text, raw.span.start as usize, b',')
        })
    }

    /// Argument `i`, trimmed, or "" when absent.
    pub fn arg(&self, i: usize) -> &str {
        self.args().get(i).map(Text::trimmed).unwrap_or("")
    }

    /// Whether the name and arguments are the file's own text at their
    /// spans (not a call a compiler wrote, not unescaped), so an edit of a
    /// span changes exactly that part.
    pub fn is_spelled_out(&self) -> bool {
        self.name_span.len() == self.name.len()
            && self.raw_args.span.len() == self.raw_args.text.len()
            && self.args().iter().all(|arg| arg.span.len() == arg.text.len())
    }

    /// A call no file spells out: one a compiler writes for the text at
    /// `span` (AEL's `if (...)` becomes `GotoIf($[...]?3:5)`). Its name and
    /// arguments all point at `span`, the source that makes it.
    pub fn synthetic(name: &str, raw_args: &str, span: Span) -> AppCall {
        let raw_args = SharedStr::from(raw_args);
        let args: Vec<Text> = split_top_level(span.file, &raw_args, 0, b',')
            .into_iter()
            .map(|arg| Text { span, ..arg })
            .collect();
        AppCall {
            name: SharedStr::from(name),
            name_span: span,
            raw_args: Text {
                text: raw_args,
                span,
            },
            args: OnceLock::from(args),
            span,
        }
    }
}

/// Parses the application part of a priority, e.g. `MixMonitor(${UNIQUEID}.wav,b)`.
/// `offset` is the file offset of `text`; the call's texts are pieces of it.
pub fn parse_app(file: FileId, text: &SharedStr, offset: usize) -> Option<AppCall> {
    let lead = text.len() - trim_start(text).len();
    let body = trim(text);
    if body.is_empty() {
        return None;
    }
    let start = offset + lead;
    // ASCII bytes, searched for byte by byte: every priority asks, the name
    // is short and the `)` is nearly always last, where `memchr`'s setup
    // would cost more than the search.
    let (name, raw, raw_start, end) = match body.bytes().position(|b| b == b'(') {
        Some(open) => {
            // Asterisk takes the text up to the *last* `)`; anything after it is
            // dropped, and a missing `)` is tolerated.
            let close = body.bytes().rposition(|b| b == b')')
                .filter(|&c| c > open)
                .unwrap_or(body.len());
            let end = if close < body.len() { close + 1 } else { close };
            (
                &body[..open],
                &body[open + 1..close],
                start + open + 1,
                start + end,
            )
        }
        None => (body, "", start + body.len(), start + body.len()),
    };
    let name = trim_end(name);
    if name.is_empty() {
        return None;
    }
    Some(AppCall {
        name: text.part(name),
        name_span: Span::new(file, start, start + name.len()),
        raw_args: Text {
            text: text.part(raw),
            span: Span::new(file, raw_start, raw_start + raw.len()),
        },
        args: OnceLock::new(),
        span: Span::new(file, start, end),
    })
}

/// Splits `text` at top-level occurrences of `separator`.
pub fn split_top_level(
    file: FileId,
    text: &SharedStr,
    offset: usize,
    separator: u8,
) -> Vec<Text> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    for i in top_level_positions(text, separator) {
        out.push(Text {
            text: text.slice(start..i),
            span: Span::new(file, offset + start, offset + i),
        });
        start = i + 1;
    }
    out.push(Text {
        text: text.slice(start..text.len()),
        span: Span::new(file, offset + start, offset + text.len()),
    });
    out
}

/// Byte positions of the ASCII `needle` outside brackets, braces,
/// parentheses and quotes. Every byte that matters is ASCII, and no byte of
/// a multi-byte character is, so the text is read byte by byte: decoding
/// characters cost more than the rest of the scan.
pub fn top_level_positions(text: &str, needle: u8) -> impl Iterator<Item = usize> + '_ {
    debug_assert!(needle.is_ascii(), "a non-ASCII byte would match inside characters");
    TopLevel {
        bytes: text.as_bytes(),
        at: 0,
        needle,
        depth: 0,
        quoted: false,
    }
}

/// The scan of [`top_level_positions`].
struct TopLevel<'a> {
    bytes: &'a [u8],
    at: usize,
    needle: u8,
    depth: i32,
    quoted: bool,
}

/// The bytes that open or close a nesting, quote, or escape the next byte.
const NESTING: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let bytes = b"\\\"([{)]}";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

impl Iterator for TopLevel<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while let Some(&c) = self.bytes.get(self.at) {
            let i = self.at;
            self.at += 1;
            // Most bytes are none of these: one look-up passes them.
            if !NESTING[usize::from(c)] && c != self.needle {
                continue;
            }
            match c {
                // The byte after a backslash is taken as it is; the rest of
                // a multi-byte character it starts is no delimiter either.
                b'\\' => self.at += 1,
                b'"' => self.quoted = !self.quoted,
                _ if self.quoted => {}
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = (self.depth - 1).max(0),
                _ if self.depth == 0 => return Some(i),
                _ => {}
            }
        }
        None
    }
}

/// Splits at the first top-level `needle`: `cond?then` → (`cond`, Some(`then`)).
pub fn split_once_top_level(text: &Text, needle: u8) -> (Text, Option<Text>) {
    match top_level_positions(&text.text, needle).next() {
        Some(i) => {
            let file = text.span.file;
            let base = text.span.start as usize;
            (
                Text {
                    text: text.text.slice(0..i),
                    span: Span::new(file, base, base + i),
                },
                Some(Text {
                    text: text.text.slice(i + 1..text.text.len()),
                    span: Span::new(file, base + i + 1, base + text.text.len()),
                }),
            )
        }
        None => (text.clone(), None),
    }
}

/// One option letter of an options string such as `tTxb(ctx^s^1)U(sub)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppOption {
    pub letter: char,
    pub argument: Option<Text>,
}

/// Parses an options argument: letters, each optionally followed by `(argument)`.
pub fn parse_options(options: &Text) -> Vec<AppOption> {
    let text = &options.text;
    let file = options.span.file;
    let base = options.span.start as usize;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (_, letter) = bytes[i];
        i += 1;
        if letter.is_whitespace() {
            continue;
        }
        let mut argument = None;
        if i < bytes.len() && bytes[i].1 == '(' {
            let open = bytes[i].0;
            let mut depth = 0;
            let mut close = text.len();
            for &(pos, c) in &bytes[i..] {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            close = pos;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            argument = Some(Text {
                text: text.slice(open + 1..close),
                span: Span::new(file, base + open + 1, base + close),
            });
            while i < bytes.len() && bytes[i].0 <= close {
                i += 1;
            }
        }
        out.push(AppOption { letter, argument });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(text: &str) -> AppCall {
        parse_app(FileId(0), &text.into(), 0).expect("an application")
    }

    fn args(text: &str) -> Vec<String> {
        app(text).args().iter().map(|a| a.text.to_string()).collect()
    }

    #[test]
    fn nested_arguments_stay_whole() {
        assert_eq!(
            args(r#"Set(X=${CUT(IVR_MENU,",",1)})"#),
            vec![r#"X=${CUT(IVR_MENU,",",1)}"#]
        );
        assert_eq!(
            args(r#"GotoIf($["${A}" = "1,2"]?yes:no)"#),
            vec![r#"$["${A}" = "1,2"]?yes:no"#]
        );
        assert_eq!(
            args("Dial(PJSIP/a&PJSIP/b,30,tTb(ctx^s^1(x,y)))"),
            vec!["PJSIP/a&PJSIP/b", "30", "tTb(ctx^s^1(x,y))"]
        );
    }

    #[test]
    fn application_forms() {
        let a = app("  Answer ");
        assert_eq!(a.name, "Answer");
        assert!(a.args().is_empty());
        // Text after the last parenthesis is ignored, as Asterisk does.
        let r = app(r#"Return()#exec "php x.php""#);
        assert_eq!(r.name, "Return");
        assert!(r.is("return"));
        let m = app("mixmonitor(${UNIQUEID}.wav,b)");
        assert!(m.is("MixMonitor"));
        assert_eq!(m.arg(1), "b");
    }

    #[test]
    fn spans_of_arguments() {
        let text = "exten => s,1,MixMonitor(a.wav,bB(10))";
        let at = text.find("MixMonitor").unwrap();
        let call = parse_app(FileId(0), &text[at..].into(), at).unwrap();
        let second = &call.args()[1];
        assert_eq!(
            &text[second.span.start as usize..second.span.end as usize],
            "bB(10)"
        );
    }

    #[test]
    fn options_with_arguments() {
        let opts = Text {
            text: "tTxb(default^monitor^1)U(sub-rec^x)".into(),
            span: Span::new(FileId(0), 0, 35),
        };
        let parsed = parse_options(&opts);
        let letters: String = parsed.iter().map(|o| o.letter).collect();
        assert_eq!(letters, "tTxbU");
        assert_eq!(
            parsed[3].argument.as_ref().unwrap().text,
            "default^monitor^1"
        );
        assert_eq!(parsed[4].argument.as_ref().unwrap().text, "sub-rec^x");
    }

    #[test]
    fn conditional_split() {
        let t = Text {
            text: r#"$["${X}" = "1"]?rec:norec"#.into(),
            span: Span::new(FileId(0), 0, 26),
        };
        let (cond, rest) = split_once_top_level(&t, b'?');
        assert_eq!(cond.text, r#"$["${X}" = "1"]"#);
        let (yes, no) = split_once_top_level(&rest.unwrap(), b':');
        assert_eq!(yes.text, "rec");
        assert_eq!(no.unwrap().text, "norec");
    }
}
