//! Inline markup: emphasis (`*italic*`, `**bold**`, `***both***`, `_underline_`) is removed and
//! `\*`, `\_`, `\\` escapes are resolved, so that what remains is the text a reader sees.
//!
//! A delimiter run opens only when the character after it is not a blank, and closes only when
//! the character before it is not a blank and the run has the same character and length as the
//! opener; anything unmatched stays as written (`5 * 3` keeps its asterisk). Runs are matched
//! across the lines of one paragraph, which is how writers use them (a bold note over four lines)
//! and never across paragraphs, since the parser calls this once per paragraph.

/// Removes emphasis markup and resolves escapes. Newlines are kept, so the result splits into the
/// same lines as the input.
pub fn plain(text: &str) -> String {
    // Characters with a flag: escaped ones are never delimiters.
    let mut chars: Vec<(char, bool)> = Vec::with_capacity(text.len());
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(&next) = it.peek() {
                if matches!(next, '*' | '_' | '\\') {
                    chars.push((next, true));
                    it.next();
                    continue;
                }
            }
        }
        chars.push((c, false));
    }
    let mut removed = vec![false; chars.len()];
    let is_delim = |i: usize| {
        let (c, escaped) = chars[i];
        !escaped && (c == '*' || c == '_')
    };
    let run_at = |i: usize| {
        let c = chars[i].0;
        let mut n = 0;
        while i + n < chars.len() && is_delim(i + n) && chars[i + n].0 == c {
            n += 1;
        }
        n
    };
    let blank = |i: Option<usize>| match i {
        Some(i) if i < chars.len() => chars[i].0.is_whitespace(),
        _ => true,
    };
    let mut i = 0;
    while i < chars.len() {
        if !is_delim(i) || removed[i] {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let c = chars[i].0;
        // `_` marks underline one at a time; `*` runs of 1–3 are italic, bold, both.
        let width = if c == '_' { 1 } else { n.min(3) };
        if blank(Some(i + width)) {
            i += n;
            continue;
        }
        let mut j = i + width;
        let mut closer = None;
        while j < chars.len() {
            if is_delim(j) && !removed[j] && chars[j].0 == c {
                let m = run_at(j);
                let ok_len = if c == '_' { true } else { m.min(3) == width };
                if ok_len && !blank(j.checked_sub(1)) {
                    closer = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closer {
            Some(j) => {
                for k in 0..width {
                    removed[i + k] = true;
                    removed[j + k] = true;
                }
                i += width;
            }
            None => i += n,
        }
    }
    chars
        .iter()
        .zip(&removed)
        .filter(|(_, &r)| !r)
        .map(|((c, _), _)| *c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn emphasis_is_removed() {
        assert_eq!(plain("*italics*"), "italics");
        assert_eq!(plain("**bold**"), "bold");
        assert_eq!(plain("***bold italics***"), "bold italics");
        assert_eq!(plain("_underline_"), "underline");
        assert_eq!(plain("_**BRICK & STEEL**_"), "BRICK & STEEL");
        assert_eq!(
            plain("From what seems like only INCHES AWAY.  _Steel's face FILLS the *Leupold Mark 4* scope_."),
            "From what seems like only INCHES AWAY.  Steel's face FILLS the Leupold Mark 4 scope."
        );
    }

    #[test]
    fn emphasis_spans_lines_of_a_paragraph() {
        assert_eq!(plain("**Note: one\ntwo**"), "Note: one\ntwo");
    }

    #[test]
    fn unmatched_and_spaced_delimiters_stay() {
        assert_eq!(plain("5 * 3 = 15"), "5 * 3 = 15");
        assert_eq!(plain("a lone *star"), "a lone *star");
        assert_eq!(plain("snake_case"), "snake_case");
        assert_eq!(plain("* not italic *"), "* not italic *");
    }

    #[test]
    fn escapes_are_resolved() {
        assert_eq!(
            plain(r"Steel enters the code on the keypad: **\*9765\***"),
            "Steel enters the code on the keypad: *9765*"
        );
        assert_eq!(
            plain(r"He dialed \*69 and then *23\*"),
            "He dialed *69 and then *23*"
        );
        assert_eq!(plain(r"a \\ b \n"), r"a \ b \n");
    }
}
