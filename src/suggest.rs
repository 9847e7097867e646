//! "Did you mean": the known word nearest to a misspelt one (rule codes and
//! names, configuration keys), and TOML errors in a user's words.

/// The candidate nearest to `word` by edit distance (case-insensitive), if
/// it is near enough to be what was meant: at most a third of the word's
/// length, and at most 3 edits. Ties go to the first candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&word, &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// A TOML reader's message in words a user reads: an unknown key with the
/// key meant, and no Rust type names (`expected u32`).
pub fn plain_toml_message(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((key, expected)) = rest.split_once("`, expected ")
    {
        let expected = expected.trim_start_matches("one of ");
        let known: Vec<&str> = expected.split(", ").map(|k| k.trim_matches('`')).collect();
        return match closest(key, known.iter().copied()) {
            Some(near) => {
                format!("unknown key `{key}`; did you mean `{near}`? The keys here are {expected}")
            }
            None => format!("unknown key `{key}`; the keys here are {expected}"),
        };
    }
    const WORDS: &[(&str, &str)] = &[
        ("unknown variant", "unknown value"),
        (
            "data did not match any variant of untagged enum OneOrMany",
            "expected a text or a list of texts",
        ),
        (
            "data did not match any variant of untagged enum RawDate",
            "expected a date (2027-03-31)",
        ),
        ("invalid type: string", "found the text"),
        ("invalid type: integer", "found the number"),
        ("invalid value: integer", "found the number"),
        ("invalid type: floating point", "found the number"),
        ("invalid type: boolean", "found"),
        ("invalid type: sequence", "found a list"),
        ("invalid type: map", "found a table"),
        ("expected u8", "expected a whole number, 0 or more"),
        ("expected u16", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected bool", "expected true or false"),
        ("expected a sequence", "expected a list `[...]`"),
        ("expected a map", "expected a table"),
    ];
    WORDS
        .iter()
        .fold(message.to_string(), |text, (rust, plain)| {
            text.replace(rust, plain)
        })
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_words_are_suggested_and_far_ones_are_not() {
        let known = [
            "REC001",
            "REC005",
            "opt-out-consent",
            "recording-during-ivr",
        ];
        assert_eq!(closest("REC0001", known), Some("REC001"));
        assert_eq!(closest("opt-out-consnet", known), Some("opt-out-consent"));
        assert_eq!(
            closest("recording-during-irv", known),
            Some("recording-during-ivr")
        );
        assert_eq!(closest("retention", known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn toml_messages_are_in_plain_words() {
        assert_eq!(
            plain_toml_message(
                "unknown field `jurisdicton`, expected one of `jurisdiction`, `sector`"
            ),
            "unknown key `jurisdicton`; did you mean `jurisdiction`? The keys here are `jurisdiction`, `sector`"
        );
        assert_eq!(
            plain_toml_message("unknown field `zzz`, expected `code`"),
            "unknown key `zzz`; the keys here are `code`"
        );
        assert_eq!(
            plain_toml_message("invalid type: string \"30\", expected u32"),
            "found the text \"30\", expected a whole number, 0 or more"
        );
    }
}
