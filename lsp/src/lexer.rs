//! A forgiving tokenizer for editor features.
//!
//! The parser drops what it cannot parse, but completion happens exactly where text is half
//! written and semantic colouring must cover broken files too. This lexer never fails: every
//! byte lands in some token (or whitespace), so features can reason about the text around the
//! cursor whatever state it is in.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    /// Digits with an optional fraction and a unit or size suffix: `6s`, `30%`, `768x512`.
    Number,
    Str,
    Color,
    LineComment,
    BlockComment,
    Newline,
    Semi,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Arrow,
    Equals,
    /// Anything else (`-`, `.`, stray characters).
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// For strings and block comments: whether the closing delimiter was found.
    pub closed: bool,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::with_capacity(src.len() / 4);
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let (kind, closed) = match b {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'\n' => {
                i += 1;
                (Kind::Newline, true)
            }
            b';' => {
                i += 1;
                (Kind::Semi, true)
            }
            b'{' => {
                i += 1;
                (Kind::LBrace, true)
            }
            b'}' => {
                i += 1;
                (Kind::RBrace, true)
            }
            b'(' => {
                i += 1;
                (Kind::LParen, true)
            }
            b')' => {
                i += 1;
                (Kind::RParen, true)
            }
            b',' => {
                i += 1;
                (Kind::Comma, true)
            }
            b'=' => {
                i += 1;
                (Kind::Equals, true)
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                (Kind::Arrow, true)
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                (Kind::LineComment, true)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                let mut closed = false;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            closed = true;
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                (Kind::BlockComment, closed)
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                let mut closed = false;
                while i < bytes.len() {
                    if bytes[i] == b'\\' {
                        i += 2;
                    } else if bytes[i..].starts_with(b"\"\"\"") {
                        i += 3;
                        closed = true;
                        break;
                    } else {
                        i += 1;
                    }
                }
                (Kind::Str, closed)
            }
            b'"' => {
                i += 1;
                let mut closed = false;
                while i < bytes.len() && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 2;
                    } else if bytes[i] == b'"' {
                        i += 1;
                        closed = true;
                        break;
                    } else {
                        i += 1;
                    }
                }
                (Kind::Str, closed)
            }
            b'#' => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                (Kind::Color, true)
            }
            b if b.is_ascii_digit() => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                // Unit or size suffix (`s`, `mm`, `%`, `x720`).
                while i < bytes.len() && (is_ident_char(bytes[i]) || bytes[i] == b'%') {
                    i += 1;
                }
                (Kind::Number, true)
            }
            b if is_ident_start(b) => {
                while i < bytes.len() && is_ident_char(bytes[i]) {
                    i += 1;
                }
                (Kind::Ident, true)
            }
            _ => {
                // One whole character, so that tokens always end on a char boundary.
                i += src[i..].chars().next().map_or(1, char::len_utf8);
                (Kind::Punct, true)
            }
        };
        let end = i.min(bytes.len());
        tokens.push(Token {
            kind,
            start,
            end,
            closed,
        });
        i = end;
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_every_shape() {
        let src = "shot a 6s { camera wide, dolly in 30% // c\n at 1.5s \"é \\\" x\" #d62828 }\n/* a /* b */ c */ -> ü";
        let kinds: Vec<Kind> = lex(src).iter().map(|t| t.kind).collect();
        use Kind::*;
        assert_eq!(
            kinds,
            vec![
                Ident,
                Ident,
                Number,
                LBrace,
                Ident,
                Ident,
                Comma,
                Ident,
                Ident,
                Number,
                LineComment,
                Newline,
                Ident,
                Number,
                Str,
                Color,
                RBrace,
                Newline,
                BlockComment,
                Arrow,
                Punct
            ]
        );
    }

    #[test]
    fn never_splits_a_character() {
        for t in lex("\u{1F600}\"unterminated é") {
            assert!(t.end <= "\u{1F600}\"unterminated é".len());
        }
    }
}
