//! Text for a terminal: a rule's Markdown page set out to the width
//! (headings bold and underlined, paragraphs and lists wrapped, code
//! indented and never wrapped), and a pager for text longer than the
//! screen, as `git` does.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

/// Markdown as a terminal shows it, wrapped to `width` columns; `bold` sets
/// headings in bold (ANSI).
pub fn markdown(text: &str, width: usize, bold: bool) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut in_code = false;
    let strong = |heading: &str| {
        if bold {
            format!("\x1b[1m{heading}\x1b[0m")
        } else {
            heading.to_string()
        }
    };
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut paragraph, width, &mut out);
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {line}\n"));
            continue;
        }
        // The page's title is underlined with `=`, its sections with `-`.
        let heading = [("# ", "="), ("## ", "-")]
            .into_iter()
            .find_map(|(mark, rule)| Some((line.strip_prefix(mark)?, rule)));
        if let Some((heading, rule)) = heading {
            flush(&mut paragraph, width, &mut out);
            let underline = rule.repeat(heading.chars().count().min(width));
            out.push_str(&format!("{}\n{underline}\n", strong(heading)));
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(&mut paragraph, width, &mut out);
            let options = textwrap::Options::new(width)
                .initial_indent("  • ")
                .subsequent_indent("    ")
                .break_words(false)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            out.push_str(&textwrap::fill(item, options));
            out.push('\n');
        } else if line.trim().is_empty() {
            flush(&mut paragraph, width, &mut out);
            out.push('\n');
        } else if let Some(more) = line.strip_prefix("  ").filter(|_| paragraph.is_empty()) {
            // A list item's own further line (a reference's URL, its note):
            // under the item, whole.
            out.push_str(&format!("    {}\n", more.trim()));
        } else if is_field(line) {
            // `Default severity: error` stays a line of its own.
            flush(&mut paragraph, width, &mut out);
            paragraph.push(line.trim());
            flush(&mut paragraph, width, &mut out);
        } else {
            paragraph.push(line.trim());
        }
    }
    flush(&mut paragraph, width, &mut out);
    out
}

/// A `Name: value` line of a page's header (`Default severity: error`).
fn is_field(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(name, _)| {
        name.len() <= 30
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphabetic() || c == ' ')
    })
}

/// Writes a paragraph's lines as one wrapped text.
fn flush(paragraph: &mut Vec<&str>, width: usize, out: &mut String) {
    if paragraph.is_empty() {
        return;
    }
    let text = paragraph.join(" ");
    out.push_str(&textwrap::fill(
        &text,
        textwrap::Options::new(width)
            .break_words(false)
            // A URL is never broken where `/`, `?` or `-` would allow it.
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation),
    ));
    out.push('\n');
    paragraph.clear();
}

/// Shows `text` through `$PAGER` (default `less`, with `LESS=FRX` unless
/// set: it quits on one screen and keeps colours) when standard output is a
/// terminal and the text is longer than the screen. `false`: not paged, the
/// caller prints it.
pub fn page(text: &str) -> bool {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return false;
    }
    let rows = terminal_size::terminal_size_of(&stdout)
        .map(|(_, terminal_size::Height(h))| usize::from(h));
    if rows.is_none_or(|rows| text.lines().count() < rows) {
        return false;
    }
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less".to_string());
    let mut words = pager.split_whitespace();
    let Some(program) = words.next().filter(|p| *p != "cat") else {
        return false;
    };
    let mut command = Command::new(program);
    command.args(words).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    let Ok(mut child) = command.spawn() else {
        return false;
    };
    if let Some(mut input) = child.stdin.take() {
        // The user may quit the pager before reading everything.
        let _ = input.write_all(text.as_bytes());
    }
    child.wait().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_set_out_to_the_width() {
        let page = "# REC005 opt-out-consent\n\nDefault severity: error\nFormats: asterisk\n\n## What it does\n\nFlags a recording start that can be reached in consent state `default` after a consent question, when the caller does nothing.\n\n- a bullet that is long enough to be wrapped onto a second line of the list\n  https://eur-lex.europa.eu/eli/reg/2016/679/oj-with-a-long-tail\n\n```asterisk\nexten => _X.,1,Read(CHOICE,custom/press-2-to-decline-recording,1,,1,5)\n```\n";
        let shown = markdown(page, 40, false);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[0], "REC005 opt-out-consent");
        assert!(lines[1].starts_with("====="));
        assert!(shown.contains("What it does\n------------"));
        assert!(shown.contains("  • a bullet"));
        assert!(
            shown.contains("    exten => _X.,1,Read("),
            "code is indented, not wrapped"
        );
        for line in lines
            .iter()
            .filter(|l| !l.starts_with("    exten") && !l.contains("https://"))
        {
            assert!(line.chars().count() <= 40, "{line}");
        }
        assert!(!shown.contains("```") && !shown.contains("## "));
        assert!(shown.contains("\nDefault severity: error\n"));
        assert!(
            shown
                .contains("\n    https://eur-lex.europa.eu/eli/reg/2016/679/oj-with-a-long-tail\n")
        );
        assert!(markdown(page, 40, true).contains("\x1b[1mWhat it does\x1b[0m"));
    }
}
