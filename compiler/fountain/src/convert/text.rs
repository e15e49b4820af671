//! Writing text into `.scene` syntax: string literals, parentheticals and comments, so that any
//! screenplay text survives the trip and nothing it contains can end a literal or a comment early.

/// A `"…"` literal holding `s` exactly: quotes, backslashes and control characters escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A parenthetical as the grammar reads one: plain words, no brackets, quotes, braces, `;` or
/// comment starts. Returns the text and whether anything had to change.
pub fn parenthetical(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' | ')' | '{' | '}' | '\n' | '\r' => out.push(' '),
            '"' => out.push('\''),
            ';' => out.push(','),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    while out.contains("//") || out.contains("/*") {
        out = out.replace("//", "/ /").replace("/*", "/ *");
    }
    let out = crate::screenplay::collapse([out.as_str()]);
    let changed = out != crate::screenplay::collapse([s]);
    (out, changed)
}

/// `// …` lines holding `text`, one per line of it (a line comment ends only at a newline, so
/// no text can break out of it).
pub fn comment_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() {
                "//".to_string()
            } else {
                format!("// {l}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_would_end_them() {
        assert_eq!(string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(string("x\ny\tz\u{7}"), r#""x\ny\tz\u{7}""#);
        assert_eq!(string("é — ✓"), "\"é — ✓\"");
    }

    #[test]
    fn parentheticals_lose_only_what_the_grammar_forbids() {
        assert_eq!(
            parenthetical("in Vietnamese, subtitled"),
            ("in Vietnamese, subtitled".into(), false)
        );
        assert_eq!(
            parenthetical("to Bob; (quietly) \"hi\""),
            ("to Bob, quietly 'hi'".into(), true)
        );
        assert_eq!(
            parenthetical("see http://x /* y"),
            ("see http:/ /x / * y".into(), true)
        );
    }

    #[test]
    fn comments_stay_comments() {
        assert_eq!(comment_lines("a\n\n*/ b"), vec!["// a", "//", "// */ b"]);
    }
}
