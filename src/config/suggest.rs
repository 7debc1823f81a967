//! "Did you mean" suggestions by edit distance.

use super::schema::{SECTIONS, all_keys, keys_in_section};

/// Returns the candidate closest to `input`, if it is close enough to be a
/// plausible typo.
///
/// Distance is the optimal string alignment distance (insertions, deletions,
/// substitutions and swaps of adjacent characters, each costing 1). A
/// candidate qualifies when its distance is at most a third of its length,
/// but at least 1 and at most 3. Ties go to the earlier candidate.
pub(crate) fn closest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|candidate| (edit_distance(input, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= tolerance(candidate))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn tolerance(candidate: &str) -> usize {
    (candidate.chars().count() / 3).clamp(1, 3)
}

/// Suggests a known dotted key for a misspelt one. A misspelt section is
/// corrected first, then the name within it. A name without a usable section
/// is matched against the names of all sections, so `width` suggests
/// `model.width`.
pub(crate) fn suggest_key(key: &str) -> Option<String> {
    let (section, name) = key.split_once('.').unwrap_or(("", key));
    let section = SECTIONS
        .iter()
        .copied()
        .find(|known| *known == section)
        .or_else(|| closest(section, &SECTIONS));
    if let Some(section) = section {
        let names = keys_in_section(section);
        if let Some(name) = closest(name, &names) {
            return Some(format!("{section}.{name}"));
        }
    }

    let dotted = all_keys();
    let short_names: Vec<&str> = dotted
        .iter()
        .map(|key| key.rsplit('.').next().unwrap_or(key))
        .collect();
    let best = short_names
        .iter()
        .position(|candidate| *candidate == name)
        .or_else(|| {
            let guess = closest(name, &short_names)?;
            short_names.iter().position(|candidate| *candidate == guess)
        })?;
    Some(dotted[best].to_string())
}

/// Optimal string alignment distance between `a` and `b`, over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();

    // rows[i][j] is the distance between the first i characters of `a` and
    // the first j characters of `b`.
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }

    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_of_swap_is_one() {
        assert_eq!(edit_distance("widht", "width"), 1);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closest_finds_typo() {
        let keys = ["width", "activation", "sigma_w"];
        assert_eq!(closest("widht", &keys), Some("width"));
        assert_eq!(closest("sigmaw", &keys), Some("sigma_w"));
    }

    #[test]
    fn closest_rejects_unrelated() {
        let keys = ["width", "activation", "sigma_w"];
        assert_eq!(closest("optimizer", &keys), None);
    }

    #[test]
    fn suggest_key_fixes_section_and_name() {
        assert_eq!(suggest_key("modle.widht").as_deref(), Some("model.width"));
        assert_eq!(suggest_key("train.step").as_deref(), Some("train.steps"));
    }

    #[test]
    fn suggest_key_finds_bare_name() {
        assert_eq!(suggest_key("width").as_deref(), Some("model.width"));
        assert_eq!(
            suggest_key("temprature").as_deref(),
            Some("train.temperature")
        );
        assert_eq!(suggest_key("model.dropout"), None);
    }

    #[test]
    fn closest_prefers_smaller_distance() {
        assert_eq!(closest("tanj", &["relu", "tanh"]), Some("tanh"));
    }
}
