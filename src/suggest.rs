//! "Did you mean": the known word nearest to a misspelt one (rule codes and
//! names, configuration keys).

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
}
