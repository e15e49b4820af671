//! Colouring: keywords, names by kind (definitions marked), field keys, strings, numbers with
//! units, colours, comments and operators, from the one lexer and the file's name index. Works on
//! broken files too: every token is classified whether or not its statement parsed.

use std::collections::HashMap;

use scene_syntax::lexer::{self, TokenKind};
use scene_syntax::vocab;

use crate::analysis::{Analysis, NameKind};

/// What a stretch of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    Keyword,
    String,
    Number,
    Comment,
    Name(NameKind),
    /// The key of a field or a per-shot setting.
    Field,
    /// `->` and `=`.
    Operator,
}

/// One coloured token. May span lines (a `"""` text, a block comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub tag: Tag,
    /// The name is being defined here.
    pub declaration: bool,
}

/// Every coloured token of the file, in order.
pub fn highlights(file: &Analysis) -> Vec<Highlight> {
    let text = &file.text;
    let mut names: HashMap<u32, (Tag, bool)> = HashMap::new();
    for r in &file.index.refs {
        names.insert(r.span.start, (Tag::Name(r.kind), false));
    }
    for d in &file.index.defs {
        names.insert(d.name_span.start, (Tag::Name(d.kind), true));
    }
    for k in &file.index.field_keys {
        names.entry(k.span.start).or_insert((Tag::Field, false));
    }
    let mut out = Vec::new();
    for t in lexer::lex(text).tokens {
        let class = match t.kind {
            TokenKind::Ident => match names.get(&(t.start as u32)) {
                Some(&found) => Some(found),
                None if is_keyword(t.text(text)) => Some((Tag::Keyword, false)),
                None => None,
            },
            TokenKind::Str => Some((Tag::String, false)),
            TokenKind::Number | TokenKind::Color => Some((Tag::Number, false)),
            TokenKind::LineComment | TokenKind::BlockComment => Some((Tag::Comment, false)),
            TokenKind::Arrow | TokenKind::Equals => Some((Tag::Operator, false)),
            _ => None,
        };
        if let Some((tag, declaration)) = class {
            out.push(Highlight {
                start: t.start,
                end: t.end,
                tag,
                declaration,
            });
        }
    }
    out
}

/// Keywords of the grammar, and `std` (the root of module paths).
fn is_keyword(word: &str) -> bool {
    word == vocab::STD || vocab::is_keyword(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    /// `(text, tag)` of each highlight on the line holding `needle`.
    fn on_line(fixture: &str, needle: &str) -> Vec<(String, Tag)> {
        let mut f = Fixture::new(fixture);
        let file = f.file();
        let line_start = file.text.find(needle).expect("needle in fixture");
        let line_start = file.text[..line_start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = file.text[line_start..]
            .find('\n')
            .map_or(file.text.len(), |p| line_start + p);
        highlights(&file)
            .into_iter()
            .filter(|h| h.start >= line_start && h.start < line_end)
            .map(|h| (file.text[h.start..h.end].to_string(), h.tag))
            .collect()
    }

    #[test]
    fn keywords_names_and_values_are_told_apart() {
        let got = on_line(
            r#"
character aiko { description "a" }
scene s at street {
    shot opening 6s {
        camera wide on aiko, dolly in 30% ease in_out
    }
}
"#,
            "camera wide",
        );
        use Tag::*;
        assert_eq!(
            got,
            [
                ("camera".into(), Keyword),
                ("wide".into(), Name(NameKind::Camera)),
                ("on".into(), Keyword),
                ("aiko".into(), Name(NameKind::Character)),
                ("dolly".into(), Keyword),
                ("in".into(), Keyword),
                ("30%".into(), Number),
                ("ease".into(), Keyword),
                ("in_out".into(), Keyword),
            ]
        );
    }

    #[test]
    fn where_the_camera_stands_is_coloured_from_the_vocabulary() {
        let got = on_line(
            r#"
character aiko { description "a" }
character ren { description "b" }
scene s at street {
    shot opening 6s {
        camera over_shoulder on ren from behind past aiko, follow ren, keep aiko
    }
}
"#,
            "camera over_shoulder",
        );
        use Tag::*;
        assert_eq!(
            got,
            [
                ("camera".into(), Keyword),
                ("over_shoulder".into(), Name(NameKind::Camera)),
                ("on".into(), Keyword),
                ("ren".into(), Name(NameKind::Character)),
                ("from".into(), Keyword),
                ("behind".into(), Keyword),
                ("past".into(), Keyword),
                ("aiko".into(), Name(NameKind::Character)),
                ("follow".into(), Keyword),
                ("ren".into(), Name(NameKind::Character)),
                ("keep".into(), Keyword),
                ("aiko".into(), Name(NameKind::Character)),
            ]
        );
    }

    #[test]
    fn an_unterminated_string_ends_at_its_line_as_the_parser_ends_it() {
        // `"rain \` then a newline: the string stops at the end of the line (a syntax error),
        // and the next line is coloured as code, as the parser reads it.
        let fixture = "scene s at street {\n    shot a 2s {\n        at 1s \"rain \\\n        camera wide\n    }\n}\n";
        let got = on_line(fixture, "at 1s");
        assert_eq!(
            got.last().map(|(t, tag)| (t.as_str(), *tag)),
            Some(("\"rain \\", Tag::String))
        );
        let next = on_line(fixture, "camera wide");
        assert_eq!(
            next.first().map(|(t, tag)| (t.as_str(), *tag)),
            Some(("camera", Tag::Keyword))
        );
        // The parser agrees: the string is unterminated on its own line.
        let mut f = Fixture::new(fixture);
        let file = f.file();
        let e0002: Vec<_> = file
            .parse
            .diagnostics
            .iter()
            .filter(|d| d.code.0 == "E0002")
            .collect();
        assert_eq!(e0002.len(), 1);
        let line_end = file.text.find("\\\n").unwrap() + 1;
        assert_eq!(e0002[0].span.end as usize, line_end);
    }

    #[test]
    fn definitions_and_field_keys_are_marked() {
        let mut f = Fixture::new("look noir { style \"x\" }\n");
        let file = f.file();
        let hs = highlights(&file);
        let noir = hs
            .iter()
            .find(|h| &file.text[h.start..h.end] == "noir")
            .unwrap();
        assert_eq!(
            (noir.tag, noir.declaration),
            (Tag::Name(NameKind::Look), true)
        );
        let style = hs
            .iter()
            .find(|h| &file.text[h.start..h.end] == "style")
            .unwrap();
        assert_eq!(style.tag, Tag::Field);
    }
}
