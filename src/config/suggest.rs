//! "Did you mean" suggestions by edit distance.

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
    fn closest_prefers_smaller_distance() {
        assert_eq!(closest("tanj", &["relu", "tanh"]), Some("tanh"));
    }
}
