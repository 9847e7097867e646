//! The destinations an extension can match, read from its
//! `destination_number` expression, and the index of a context's
//! extensions by them.

use crate::hash::HashMap;
use std::sync::Arc;

use crate::frontend::freeswitch::parse::{Break, Extension};

/// The extensions of a context by the destinations they can match, so that
/// a hunt for a transfer's destination visits the extensions that may match
/// it instead of all of them (thousands of `^(1234)$` extensions would
/// otherwise make the transfers of a context quadratic).
pub(super) struct DestinationIndex {
    /// Extensions that match only these literal destinations, and do
    /// nothing for any other (no anti-actions on that condition).
    by_literal: HashMap<String, Vec<u32>>,
    /// Every other extension, in order: each hunt evaluates them.
    pub(super) others: Vec<u32>,
}

impl DestinationIndex {
    pub(super) fn of(extensions: &[Arc<Extension>]) -> DestinationIndex {
        let mut index = DestinationIndex {
            by_literal: HashMap::default(),
            others: Vec::new(),
        };
        for (i, extension) in extensions.iter().enumerate() {
            match only_destinations(extension) {
                Some(literals) => {
                    for literal in literals {
                        index.by_literal.entry(literal).or_default().push(i as u32);
                    }
                }
                None => index.others.push(i as u32),
            }
        }
        index
    }

    /// The extensions a hunt for `destination` looks at, in hunt order.
    pub(super) fn candidates(&self, destination: &str) -> Vec<u32> {
        let mut candidates = self.others.clone();
        if let Some(literal) = self.by_literal.get(destination) {
            candidates.extend(literal);
            candidates.sort_unstable();
            candidates.dedup();
        }
        candidates
    }
}

/// The destinations an extension can match, when its first condition tests
/// `destination_number` against a fixed set of strings (`^(1234)$`,
/// `^(\+45)?(70200001)$`, `^(100|101)$`) and ends the extension otherwise.
fn only_destinations(extension: &Extension) -> Option<Vec<String>> {
    let first = extension.conditions.first()?;
    let field = first.field.as_deref()?;
    if field != "destination_number"
        || !first.tests
        || !first.otherwise.is_empty()
        || !matches!(first.break_on, Break::OnFalse | Break::Always)
    {
        return None;
    }
    let expression = first.expression.as_deref()?;
    let body = expression.strip_prefix('^')?.strip_suffix('$')?;
    literal_strings(body)
}

/// The numbers that reach an extension from outside when its
/// `destination_number` condition (the first one it has) is a literal,
/// anchored or not (`^4570101010$`, `^(\+45)?(70200001)$`); `None` when it
/// has none or the expression is a pattern.
pub(super) fn dialled_numbers(extension: &Extension) -> Option<Vec<String>> {
    let condition = extension.conditions.iter().find(|c| {
        c.field.as_deref().is_some_and(|f| {
            f.strip_prefix("${")
                .and_then(|f| f.strip_suffix('}'))
                .unwrap_or(f)
                == "destination_number"
        })
    })?;
    literal_destinations(condition.expression.as_deref()?, false)
}

/// The strings a `destination_number` expression matches when it is a
/// literal (`^1000$`, `^(\+45)?(70200001)$`); unanchored (`1000`), it also
/// matches longer text, so `anchored` asks for `^...$`.
pub(super) fn literal_destinations(expression: &str, anchored: bool) -> Option<Vec<String>> {
    let (start, end) = (expression.strip_prefix('^'), expression.strip_suffix('$'));
    if anchored && (start.is_none() || end.is_none()) {
        return None;
    }
    let body = start.unwrap_or(expression);
    let body = body.strip_suffix('$').unwrap_or(body);
    literal_strings(body).filter(|strings| strings.iter().all(|s| !s.is_empty()))
}

/// The strings a regex body matches when it is a concatenation of literal
/// characters and groups of literal alternatives, each group optionally
/// `?`; `None` for anything else, or for more than 16 strings.
fn literal_strings(body: &str) -> Option<Vec<String>> {
    const MAX: usize = 16;
    /// One piece of the body: a character every string gets, or a group's
    /// alternatives, which multiply the strings.
    enum Piece {
        Char(char),
        Alternatives(Vec<String>),
    }
    let literal_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '#' | '@');
    // Most bodies are one number, bare or grouped (`1000`, `(1000)`): the
    // one string they match, without the general walk.
    let inner = body
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(body);
    if inner.chars().all(literal_char) {
        return Some(vec![inner.to_string()]);
    }
    let mut strings = vec![String::new()];
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let piece = match c {
            '\\' => match chars.next() {
                Some(e) if matches!(e, '+' | '*' | '.' | '#' | '-') => Piece::Char(e),
                _ => return None,
            },
            '(' => {
                let mut group = String::new();
                loop {
                    match chars.next()? {
                        ')' => break,
                        '\\' => match chars.next()? {
                            e @ ('+' | '*' | '.' | '#' | '-') => group.push(e),
                            _ => return None,
                        },
                        '|' => group.push('|'),
                        g if literal_char(g) => group.push(g),
                        _ => return None,
                    }
                }
                let mut alternatives: Vec<String> = group.split('|').map(str::to_string).collect();
                if chars.peek() == Some(&'?') {
                    chars.next();
                    alternatives.push(String::new());
                }
                Piece::Alternatives(alternatives)
            }
            c if literal_char(c) => Piece::Char(c),
            _ => return None,
        };
        if chars
            .peek()
            .is_some_and(|&q| matches!(q, '?' | '*' | '+' | '{'))
        {
            return None;
        }
        match piece {
            // Most of a number is plain digits: each string grows in place.
            Piece::Char(c) => strings.iter_mut().for_each(|s| s.push(c)),
            Piece::Alternatives(alternatives) => {
                strings = strings
                    .iter()
                    .flat_map(|s| alternatives.iter().map(move |a| [s.as_str(), a].concat()))
                    .collect();
                if strings.len() > MAX {
                    return None;
                }
            }
        }
    }
    Some(strings)
}

/// Whether an expression can only match text with letters in it
/// (`^consent-check$`), so no dialled number matches it. Escapes such as
/// `\d` and character classes do not count; alternatives make it unknown.
pub(super) fn needs_letters(expression: &str) -> bool {
    if expression.contains('|') {
        return false;
    }
    let mut chars = expression.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => in_class = true,
            ']' => in_class = false,
            c if !in_class && c.is_ascii_alphabetic() => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_with_letters() {
        assert!(needs_letters("^consent-check$"));
        assert!(needs_letters("^is_transfer$"));
        assert!(!needs_letters("^(5551000)$"));
        assert!(!needs_letters("^\\d+$"));
        assert!(!needs_letters("^[a-z0-9]+$"));
        assert!(!needs_letters("^(1000|operator)$"));
    }

    #[test]
    fn literal_destination_expressions() {
        let one = |s: &str| Some(vec![s.to_string()]);
        assert_eq!(
            literal_destinations("^4570101010$", true),
            one("4570101010")
        );
        assert_eq!(literal_destinations("^(6080)$", true), one("6080"));
        // Unanchored, `1000` is also found in `51000`: a number that reaches
        // it, but not the only one.
        assert_eq!(literal_destinations("1000", false), one("1000"));
        assert_eq!(literal_destinations("1000", true), None);
        assert_eq!(literal_destinations("^(45\\d{8})$", false), None);
        assert_eq!(literal_destinations("^$", false), None);
    }

    #[test]
    fn literal_destination_sets() {
        let set = |body: &str| {
            literal_strings(body).map(|mut v| {
                v.sort();
                v
            })
        };
        assert_eq!(set("(10001)"), Some(vec!["10001".to_string()]));
        assert_eq!(set("10001"), Some(vec!["10001".to_string()]));
        assert_eq!(
            set("(\\+45)?(70200001)"),
            Some(vec!["+4570200001".to_string(), "70200001".to_string()])
        );
        assert_eq!(
            set("(100|101)"),
            Some(vec!["100".to_string(), "101".to_string()])
        );
        assert_eq!(
            set("consent-check"),
            Some(vec!["consent-check".to_string()])
        );
        assert_eq!(literal_strings(""), Some(vec![String::new()]));
        assert_eq!(literal_strings("()"), Some(vec![String::new()]));
        // Anything that is not a fixed set of strings is evaluated per hunt.
        for body in [
            "\\d+",
            "(10\\d{3})",
            "1.*",
            "[0-9]",
            "(1|2)(3|4)(5|6)(7|8)(9|0)",
            "1+",
        ] {
            assert_eq!(literal_strings(body), None, "{body}");
        }
    }
}
