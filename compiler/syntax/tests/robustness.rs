//! `parse` never panics and stays well-behaved on any input; the formatter keeps its promises on
//! generated files. Case counts are bounded so CI stays fast.

mod common;

use common::*;
use proptest::prelude::*;
use scene_syntax::compare::same_meaning;
use scene_syntax::{format, Parse};

/// What must hold for every parse, whatever the input.
fn well_formed(src: &str, p: &Parse) {
    for d in &p.diagnostics {
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        assert!(
            s <= e && e <= src.len(),
            "span {s}..{e} out of bounds ({})",
            src.len()
        );
        assert!(
            src.is_char_boundary(s) && src.is_char_boundary(e),
            "span {s}..{e} splits a character"
        );
        assert!(!d.message.is_empty());
    }
    for c in &p.file.comments {
        assert_eq!(&src[c.span.range()], c.text);
    }
    for w in p.file.items.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "items overlap");
    }
}

/// The lexer loses nothing: its tokens are in order, end on character boundaries, and what lies
/// between them is only blanks (spaces, tabs, carriage returns, byte-order marks). The editor
/// relies on this to find the token at any cursor.
fn lexes_losslessly(src: &str, p: &Parse) {
    let lexed = scene_syntax::lexer::lex(src);
    let mut at = 0;
    for t in &lexed.tokens {
        assert!(
            t.start >= at && t.start < t.end && t.end <= src.len(),
            "{t:?}"
        );
        assert!(src.is_char_boundary(t.start) && src.is_char_boundary(t.end));
        let gap = &src[at..t.start];
        assert!(
            gap.chars()
                .all(|c| matches!(c, ' ' | '\t' | '\r' | '\u{FEFF}')),
            "lost {gap:?} before {t:?}"
        );
        at = t.end;
    }
    let tail = &src[at..];
    assert!(tail
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '\r' | '\u{FEFF}')));
    // The parser's comments are the lexer's comment tokens.
    let comments: Vec<(usize, usize)> = lexed
        .tokens
        .iter()
        .filter(|t| t.is_trivia())
        .map(|t| (t.start, t.end))
        .collect();
    let parsed: Vec<(usize, usize)> = p
        .file
        .comments
        .iter()
        .map(|c| (c.span.start as usize, c.span.end as usize))
        .collect();
    assert_eq!(comments, parsed);
}

fn check(src: &str) {
    let p = parse_str(src);
    well_formed(src, &p);
    lexes_losslessly(src, &p);
}

fn truncate_at(src: &str, at: usize) -> &str {
    let mut at = at.min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    &src[..at]
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ",",
    ";",
    "\n",
    "\"",
    "\"\"\"",
    "/*",
    "*/",
    "//",
    "\\",
    "->",
    "=",
    "#",
    "%",
    "-",
    " ",
    "6s",
    "1280x720",
    "1.5x",
    "-6dB",
    "camera",
    "shot",
    "scene",
    "at",
    "aiko",
    "enters",
    "\u{e9}",
    "\u{1F600}",
];

fn mutation() -> impl Strategy<Value = (usize, usize, usize)> {
    (any::<usize>(), 0usize..4, 0..PIECES.len())
}

fn mutate(src: &str, muts: &[(usize, usize, usize)]) -> String {
    let mut s = src.to_string();
    for &(pos, op, piece) in muts {
        let mut at = pos % (s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match op {
            0 | 1 => s.insert_str(at, PIECES[piece]),
            2 => {
                let end = s[at..]
                    .char_indices()
                    .nth(1)
                    .map_or(s.len(), |(i, _)| at + i);
                s.replace_range(at..end, "");
            }
            _ => {
                let end = s[at..]
                    .char_indices()
                    .nth(1)
                    .map_or(s.len(), |(i, _)| at + i);
                s.replace_range(at..end, PIECES[piece]);
            }
        }
    }
    s
}

/// Valid statements, definitions and layouts for the formatter properties.
const STATEMENTS: &[&str] = &[
    "camera wide, dolly in 30%",
    "camera closeup on aiko, lens 85mm, pan left 10deg over 2s ease linear",
    "lens 35mm -> 85mm from 1s to 3s",
    "aiko enters left, walks to center over 4s",
    "aiko says \"Hello.\" (whispering) at 1s",
    "at 3s \"a train passes\"",
    "at 2s play thunder -3dB fade in 500ms",
    "prompt \"rain\"",
    "seed 7",
    "look cinematic",
    "title \"Tokyo\" at 1s over 2s",
    "keyframe at 0s \"a.png\"",
    "ken at (40%, 60%)",
];
const TRAILERS: &[&str] = &["", " // note", " /* block */", "   //x"];
const SEPARATORS: &[&str] = &["\n", ";", "\n\n", "\n    ", " ;\n"];

fn generated_file() -> impl Strategy<Value = String> {
    prop::collection::vec((0..STATEMENTS.len(), 0..TRAILERS.len(), 0..SEPARATORS.len()), 1..12).prop_map(|stmts| {
        let mut body = String::new();
        for (i, (s, t, sep)) in stmts.iter().enumerate() {
            body.push_str(STATEMENTS[*s]);
            // A line comment must end its line.
            let trailer = TRAILERS[*t];
            let sep = if trailer.contains("//") { "\n" } else { SEPARATORS[*sep] };
            body.push_str(trailer);
            if i + 1 < stmts.len() {
                body.push_str(sep);
            }
        }
        format!("// generated\nfilm \"g\" {{ fps 24; seed 1 }}\nscene s at street {{\n  shot a 6s {{\n{body}\n}}\n  dissolve 1s\n}}\n")
    })
}

proptest! {
    // 256 cases keep CI fast; PROPTEST_CASES=20000 for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_strings(src in any::<String>()) {
        check(&src);
    }

    #[test]
    fn language_like_strings(src in "[a-z0-9 {}();,\"/*#%\n\\\\.=>-]{0,300}") {
        check(&src);
    }

    #[test]
    fn truncated_example(at in any::<usize>()) {
        let full = fixture("language_example.scene");
        check(truncate_at(&full, at % (full.len() + 1)));
    }

    #[test]
    fn mutated_example(muts in prop::collection::vec(mutation(), 1..6)) {
        let src = mutate(&fixture("language_example.scene"), &muts);
        let p = parse_str(&src);
        well_formed(&src, &p);
        // Whenever a mutation leaves the file valid, the formatter's promises hold too.
        if p.diagnostics.is_empty() {
            let once = format(&src).unwrap();
            prop_assert_eq!(format(&once).unwrap(), once.clone());
            prop_assert!(same_meaning(&p.file, &parse_clean(&once).file));
        }
    }

    #[test]
    fn formatter_is_idempotent_and_keeps_meaning(src in generated_file()) {
        let p = parse_clean(&src);
        let once = format(&src).unwrap();
        prop_assert_eq!(format(&once).unwrap(), once.clone());
        let again = parse_clean(&once);
        prop_assert!(same_meaning(&p.file, &again.file), "{}", once);
        prop_assert_eq!(p.file.comments.len(), again.file.comments.len());
    }

    #[test]
    fn huge_numbers(digits in "[1-9][0-9]{0,400}", frac in "[0-9]{0,50}", unit in "(s|ms|f|%|mm|m|deg|dB|x|)") {
        let num = if frac.is_empty() { digits.clone() } else { format!("{digits}.{frac}") };
        let src = format!("film \"t\" {{ seed {num}{unit}\n size {digits}x{digits} }}");
        let p = parse_clean(&src);
        let scene_syntax::ast::ItemKind::Film(f) = &p.file.items[0].kind else { panic!() };
        let scene_syntax::ast::ValueKind::Number(n) = &f.fields[0].values[0].kind else { panic!() };
        prop_assert_eq!(&n.raw, &num);
    }
}

#[test]
fn hundred_thousand_character_lines() {
    let long = "a".repeat(100_000);
    check(&format!("film \"{long}\" {{}}"));
    check(&long);
    check(&format!("\"{long}"));
    check(&format!("// {long}"));
    check(&format!("/* {long}"));
    check(&"9".repeat(100_000));
    check(&format!("film \"t\" {{ seed {}s }}", "9".repeat(100_000)));
    check(&"prompt \"x\"; ".repeat(10_000));
    let shot_line = format!(
        "scene s at t {{ shot a 1s {{ {} }} }}",
        "prompt \"x\"; ".repeat(8_000)
    );
    parse_clean(&shot_line);
    check(&"\"\n".repeat(50_000));
    check(&"{".repeat(100_000));
    check(&"}".repeat(100_000));
}

#[test]
fn ten_thousand_deep_nesting() {
    for open in ["/*", "(", "{", "[", "\"\"\"", "((", "{("] {
        let deep = open.repeat(10_000);
        check(&deep);
        check(&format!("film \"t\" {{ at {deep} }}"));
        check(&format!("scene s at t {{ shot a 1s {{ ken at {deep} }} }}"));
    }
    let closed = format!("{}{}", "/*".repeat(10_000), "*/".repeat(10_000));
    check(&format!("{closed}\nfilm \"t\" {{}}"));
    check(&format!("{}{}", "(".repeat(10_000), ")".repeat(10_000)));
    check(&format!("{}{}", "{".repeat(10_000), "}".repeat(10_000)));
}

#[test]
fn nesting_runs_on_a_small_stack() {
    // Test threads are small; make sure nothing in the parser recurses with the input.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            for open in ["/*", "(", "{"] {
                check(&open.repeat(10_000));
            }
            check(&fixture("language_example.scene"));
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn errors_next_to_wide_characters() {
    for src in [
        "film \"t\" { fps é6 s }",
        "scene s at t { shot a é6 s {} }",
        "scene s at t { shot a 6é s {} }",
        "é",
        "film é { }",
        "scene s at t { shot a 1s { aiko says \"x\" (é } }",
        "scene s at t { shot a 1s { 東京 enters left\n é } }",
        "film \"t\" { fps 6東京 }",
        "film \"t\" { a \"\\é\" }",
        "film \"t\" { a \"\\u{é}\" }",
        "\u{FEFF}film \"t\" {}",
        "film \"t\" {} 東京",
    ] {
        check(src);
    }
}
