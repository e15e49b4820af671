//! "Did you mean": the nearest existing name by edit distance.

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), on characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut rows = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[n][m]
}

/// The candidate nearest to `name`, if it is near enough to be a plausible typo: at most a third
/// of the name's length (at least one edit). Ties go to the candidate listed first.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        // Case differences are the most likely typo of all.
        let d = if candidate.to_lowercase() == lower {
            0
        } else {
            distance(name, candidate)
        };
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `a`, `b` or `c` — for help lines listing choices.
pub fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("aiko", "aiko"), 0);
        assert_eq!(distance("aiko", "aikoo"), 1);
        assert_eq!(distance("aiko", "akio"), 1);
        assert_eq!(distance("street", "stret"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn nearest_is_a_plausible_typo_only() {
        let names = ["aiko", "mara", "elias"];
        assert_eq!(nearest("akio", names), Some("aiko"));
        assert_eq!(nearest("Mara", names), Some("mara"));
        assert_eq!(nearest("zebulon", names), None);
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
