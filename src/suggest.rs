//! "Did you mean ...?" for unknown ids.
//!
//! A candidate is similar when the query is a prefix or substring of it
//! (`gb30` -> `gb300-nvl72`), or when few single-character edits separate them
//! (`h10` -> `h100`, `mi355` -> `mi355x`).

/// Up to three candidates most similar to `query`, best first, ties in
/// alphabetical order so output is deterministic.
pub fn similar<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut all = similar_all(query, candidates);
    all.truncate(3);
    all
}

/// Every candidate similar to `query`, best first, ties alphabetical.
pub fn similar_all<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let q = query.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates.into_iter().filter_map(|c| score(&q, c).map(|s| (s, c))).collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().map(|(_, c)| c.to_owned()).collect()
}

/// Lower is more similar; `None` when not similar at all.
fn score(query: &str, candidate: &str) -> Option<usize> {
    let c = candidate.to_lowercase();
    if query.is_empty() {
        return None;
    }
    if c.starts_with(query) {
        return Some(c.len() - query.len());
    }
    let d = levenshtein(query, &c);
    let budget = (query.chars().count().max(c.chars().count()) / 3).max(1);
    if d <= budget {
        return Some(d);
    }
    (query.len() >= 3 && c.contains(query)).then_some(c.len())
}

/// Formats suggestions as a help line, or `None` when there are none.
pub fn did_you_mean(suggestions: &[String]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Edit distance (insertions, deletions, substitutions) in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEMS: [&str; 4] = ["gb200-nvl72", "gb300-nvl72", "hgx-h100", "hgx-h200"];

    #[test]
    fn prefix_finds_the_system() {
        assert_eq!(similar("gb30", SYSTEMS), vec!["gb300-nvl72"]);
    }

    #[test]
    fn typo_finds_close_ids() {
        assert_eq!(similar("h10", ["h100", "h200", "a100", "b200"]), vec!["h100"]);
        assert_eq!(similar("mi35x", ["mi300x", "mi325x", "mi355x", "gaudi3"]), vec!["mi325x", "mi355x", "mi300x"]);
        assert_eq!(similar("GB300", ["gb300", "gb200"]), vec!["gb300", "gb200"]);
        assert_eq!(similar("hgx-h10", SYSTEMS), vec!["hgx-h100", "hgx-h200"]);
    }

    #[test]
    fn nothing_similar_gives_nothing() {
        assert!(similar("tpu-v5p", SYSTEMS).is_empty());
        assert_eq!(did_you_mean(&[]), None);
    }

    #[test]
    fn levenshtein_basics() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
    }
}
