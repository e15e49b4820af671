//! The one lexer: the text as tokens, for the parser's error recovery and for every editor
//! feature (colouring, completion, navigation).
//!
//! It never fails and never loses a byte: every character lands in a token or in whitespace, so
//! a half-written file still has tokens wherever the cursor is. What the grammar would refuse
//! at the level of characters — an unclosed string or comment, a bad escape, comments nested
//! too deep for the recursive grammar — comes back as [`LexError`]s next to the tokens; the
//! parser turns them into diagnostics (`scan.rs`), the editor ignores them.
//!
//! Architecture Invariant: the lexer agrees with `grammar/scene.pest` on where strings and
//! comments end. A plain string ends at the end of its line even after a backslash (`"rain \`
//! then a newline is an unterminated string, not one that goes on); a block comment nests.

/// Deeper block-comment nesting than this is refused rather than handed to the recursive grammar.
pub const MAX_COMMENT_DEPTH: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `[A-Za-z_][A-Za-z0-9_]*`: a name or a keyword.
    Ident,
    /// Digits with an optional fraction and whatever letters follow: `6s`, `30%`, `768x512`,
    /// `6sec` (the parser decides which suffixes are units).
    Number,
    /// `"…"` or `"""…"""`; see [`Token::closed`].
    Str,
    /// `#` and the letters and digits after it.
    Color,
    LineComment,
    /// `/* … */`, nested; see [`Token::closed`].
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
    /// Any other character (`-`, `.`, a stray `é`), one character per token.
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// For strings and block comments: the closing delimiter was found. Always true otherwise.
    pub closed: bool,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// Comments: between tokens, never part of the syntax.
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokenKind::LineComment | TokenKind::BlockComment)
    }
}

/// What is wrong with a stretch of text, at the level of characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexErrorKind {
    /// A plain string that reaches the end of its line, or a `"""` text the end of the file.
    UnterminatedString { triple: bool },
    /// A block comment that reaches the end of the file with `missing` levels still open.
    UnterminatedComment { missing: usize },
    /// A block comment nested `depth` levels deep, more than [`MAX_COMMENT_DEPTH`].
    CommentTooDeep { depth: usize },
    /// `\u{…}` that does not name a Unicode scalar value.
    InvalidUnicodeEscape,
    /// A backslash followed by anything but `"`, `\`, `n`, `t` or `u{`.
    UnknownEscape,
}

/// A lexical error over `start..end`: the whole string or comment for an unterminated one or
/// a nesting too deep, the escape itself for a bad escape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexError {
    pub kind: LexErrorKind,
    pub start: usize,
    pub end: usize,
}

/// The tokens of a text, comments included, and its lexical errors, both in source order.
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub errors: Vec<LexError>,
}

/// Tokens of `src`. Spaces, tabs, carriage returns and a byte-order mark separate tokens and are
/// not tokens themselves.
pub fn lex(src: &str) -> Lexed {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        out: Lexed {
            tokens: Vec::with_capacity(src.len() / 4),
            errors: Vec::new(),
        },
    };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    out: Lexed,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Lexer<'_> {
    fn run(&mut self) {
        let bytes = self.bytes;
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let (kind, end, closed) = match bytes[i] {
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                // A byte-order mark is whitespace, as in the grammar.
                0xEF if self.src[i..].starts_with('\u{FEFF}') => {
                    i += 3;
                    continue;
                }
                b'\n' => (TokenKind::Newline, i + 1, true),
                b';' => (TokenKind::Semi, i + 1, true),
                b'{' => (TokenKind::LBrace, i + 1, true),
                b'}' => (TokenKind::RBrace, i + 1, true),
                b'(' => (TokenKind::LParen, i + 1, true),
                b')' => (TokenKind::RParen, i + 1, true),
                b',' => (TokenKind::Comma, i + 1, true),
                b'=' => (TokenKind::Equals, i + 1, true),
                b'-' if bytes.get(i + 1) == Some(&b'>') => (TokenKind::Arrow, i + 2, true),
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let end = bytes[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |p| i + p);
                    (TokenKind::LineComment, end, true)
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    let (end, closed) = self.block_comment(i);
                    (TokenKind::BlockComment, end, closed)
                }
                b'"' => {
                    let (end, closed) = self.string(i);
                    (TokenKind::Str, end, closed)
                }
                b'#' => {
                    let end = self.run_of(i + 1, |b| b.is_ascii_alphanumeric());
                    (TokenKind::Color, end, true)
                }
                b if b.is_ascii_digit() => {
                    let digits = self.run_of(i, |b| b.is_ascii_digit() || b == b'.');
                    // A unit or size suffix (`s`, `mm`, `%`, `x720`).
                    let end = self.run_of(digits, |b| is_ident_char(b) || b == b'%');
                    (TokenKind::Number, end, true)
                }
                b if is_ident_start(b) => (TokenKind::Ident, self.run_of(i, is_ident_char), true),
                _ => {
                    // One whole character, so that tokens always end on a char boundary.
                    let len = self.src[i..].chars().next().map_or(1, char::len_utf8);
                    (TokenKind::Punct, i + len, true)
                }
            };
            self.out.tokens.push(Token {
                kind,
                start,
                end,
                closed,
            });
            i = end;
        }
    }

    /// The end of the run of bytes from `from` that satisfy `f`.
    fn run_of(&self, from: usize, f: impl Fn(u8) -> bool) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| !f(b))
            .map_or(self.bytes.len(), |p| from + p)
    }

    fn error(&mut self, kind: LexErrorKind, start: usize, end: usize) {
        self.out.errors.push(LexError { kind, start, end });
    }

    /// A nestable block comment from `start` (`/*`): its end, and whether it closed.
    fn block_comment(&mut self, start: usize) -> (usize, bool) {
        let bytes = self.bytes;
        let mut depth = 0usize;
        let mut max_depth = 0usize;
        let mut i = start;
        while i < bytes.len() {
            if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                depth += 1;
                max_depth = max_depth.max(depth);
                i += 2;
            } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    break;
                }
            } else {
                i += 1;
            }
        }
        let end = i.min(bytes.len());
        if depth > 0 {
            self.error(
                LexErrorKind::UnterminatedComment { missing: depth },
                start,
                end,
            );
        }
        if max_depth > MAX_COMMENT_DEPTH {
            self.error(
                LexErrorKind::CommentTooDeep { depth: max_depth },
                start,
                end,
            );
        }
        (end, depth == 0)
    }

    /// A string from `start` (`"` or `"""`): its end (the end of the line for an unterminated
    /// plain string), and whether it closed. Escapes are checked on the way.
    fn string(&mut self, start: usize) -> (usize, bool) {
        let bytes = self.bytes;
        let triple = bytes[start..].starts_with(b"\"\"\"");
        let mut i = start + if triple { 3 } else { 1 };
        loop {
            if i >= bytes.len() || (!triple && bytes[i] == b'\n') {
                self.error(LexErrorKind::UnterminatedString { triple }, start, i);
                return (i, false);
            }
            match bytes[i] {
                b'"' if !triple => return (i + 1, true),
                b'"' if bytes[i..].starts_with(b"\"\"\"") => return (i + 3, true),
                b'\\' => i = self.escape(i),
                _ => i += 1,
            }
        }
    }

    /// Checks the escape at `start` (a backslash); returns the offset after it. A backslash
    /// before a newline escapes nothing: the newline stays, so a plain string ends there.
    fn escape(&mut self, start: usize) -> usize {
        let bytes = self.bytes;
        match bytes.get(start + 1) {
            Some(b'"' | b'\\' | b'n' | b't') => start + 2,
            Some(b'u') if bytes.get(start + 2) == Some(&b'{') => {
                let digits_start = start + 3;
                let mut j = digits_start;
                while j < bytes.len() && bytes[j].is_ascii_hexdigit() && j - digits_start < 8 {
                    j += 1;
                }
                let closed = bytes.get(j) == Some(&b'}');
                let end = if closed { j + 1 } else { j };
                let ok = closed
                    && (1..=6).contains(&(j - digits_start))
                    && u32::from_str_radix(&self.src[digits_start..j], 16)
                        .ok()
                        .and_then(char::from_u32)
                        .is_some();
                if !ok {
                    self.error(LexErrorKind::InvalidUnicodeEscape, start, end);
                }
                end
            }
            Some(&next) => {
                let len = self.src[start + 1..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                self.error(LexErrorKind::UnknownEscape, start, start + 1 + len);
                if next == b'\n' {
                    start + 1
                } else {
                    start + 1 + len
                }
            }
            None => start + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src).tokens.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn lexes_every_shape() {
        let src = "shot a 6s { camera wide, dolly in 30% // c\n at 1.5s \"é \\\" x\" #d62828 }\n/* a /* b */ c */ -> ü";
        use TokenKind::*;
        assert_eq!(
            kinds(src),
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
        assert!(lex(src).errors.is_empty());
    }

    #[test]
    fn never_splits_a_character() {
        let src = "\u{1F600}\"unterminated é";
        for t in lex(src).tokens {
            assert!(src.is_char_boundary(t.start) && src.is_char_boundary(t.end));
        }
    }

    #[test]
    fn a_backslash_does_not_carry_a_string_past_its_line() {
        let src = "at 1s \"rain \\\ncamera wide";
        let lexed = lex(src);
        let string = lexed.tokens[2];
        assert_eq!(string.kind, TokenKind::Str);
        assert!(!string.closed);
        assert_eq!(string.end, src.find('\n').unwrap());
        assert_eq!(lexed.tokens[3].kind, TokenKind::Newline);
        assert_eq!(lexed.tokens[4].text(src), "camera");
        let errors: Vec<LexErrorKind> = lexed.errors.iter().map(|e| e.kind).collect();
        assert_eq!(
            errors,
            [
                LexErrorKind::UnknownEscape,
                LexErrorKind::UnterminatedString { triple: false }
            ]
        );
    }

    #[test]
    fn triple_strings_span_lines_and_comments_nest() {
        let src = "\"\"\"a\n\"b\" c\"\"\" /* x /* y */ z";
        let lexed = lex(src);
        assert_eq!(lexed.tokens[0].kind, TokenKind::Str);
        assert!(lexed.tokens[0].closed);
        assert_eq!(lexed.tokens[0].end, src.find(" /*").unwrap());
        assert_eq!(lexed.tokens[1].kind, TokenKind::BlockComment);
        assert!(!lexed.tokens[1].closed);
        assert_eq!(
            lexed.errors[0].kind,
            LexErrorKind::UnterminatedComment { missing: 1 }
        );
    }
}
