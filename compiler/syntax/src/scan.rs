//! A small scanner that runs before pest. It knows just enough of the lexical syntax — strings,
//! comments, braces, statement ends — to collect comments, report lexical errors (unterminated
//! strings and comments, bad escapes) once, and split a file into pieces that can be parsed one at
//! a time, which is how the parser recovers from errors.

use crate::ast::{Comment, CommentKind};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// Deeper block-comment nesting than this is refused rather than handed to the recursive grammar.
pub(crate) const MAX_COMMENT_DEPTH: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    Newline,
    Semi,
    LBrace,
    RBrace,
    /// A word, number, string or punctuation: anything significant that is not structure.
    Other,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

pub(crate) struct Scan {
    pub tokens: Vec<Tok>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
    /// Byte ranges with a lexical error already reported: a pest failure touching one of them
    /// is the same error seen again, so it is not reported twice.
    pub reported: Vec<(usize, usize)>,
    /// Byte ranges pest must never see (pathologically nested comments).
    pub hazards: Vec<(usize, usize)>,
}

impl Scan {
    /// `reported` is sorted and disjoint (see `scan`), so this is a binary search: a file full of
    /// broken strings must not make recovery quadratic.
    pub fn overlaps_reported(&self, start: usize, end: usize) -> bool {
        let i = self.reported.partition_point(|&(_, e)| e <= start);
        self.reported
            .get(i)
            .is_some_and(|&(s, _)| s < end.max(start + 1))
    }

    pub fn overlaps_hazard(&self, start: usize, end: usize) -> bool {
        // Pushed in source order and disjoint.
        let i = self.hazards.partition_point(|&(_, e)| e <= start);
        self.hazards.get(i).is_some_and(|&(s, _)| s < end)
    }
}

pub(crate) fn scan(file: FileId, src: &str) -> Scan {
    let bytes = src.as_bytes();
    let mut out = Scan {
        tokens: Vec::new(),
        comments: Vec::new(),
        diagnostics: Vec::new(),
        reported: Vec::new(),
        hazards: Vec::new(),
    };
    let span = |s: usize, e: usize| Span::new(file, s, e);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                out.tokens.push(Tok {
                    kind: TokKind::Newline,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            // A byte-order mark is whitespace, as in the grammar.
            0xEF if src[i..].starts_with('\u{FEFF}') => i += 3,
            b';' => {
                out.tokens.push(Tok {
                    kind: TokKind::Semi,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b'{' => {
                out.tokens.push(Tok {
                    kind: TokKind::LBrace,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b'}' => {
                out.tokens.push(Tok {
                    kind: TokKind::RBrace,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = memchr_newline(bytes, i);
                out.comments.push(Comment {
                    kind: CommentKind::Line,
                    text: src[i..end].to_string(),
                    span: span(i, end),
                });
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = block_comment(file, src, i, &mut out);
            }
            b'"' => {
                let end = string(file, src, i, &mut out);
                out.tokens.push(Tok {
                    kind: TokKind::Other,
                    start: i,
                    end,
                });
                i = end;
            }
            _ => {
                // A word: everything up to the next space or structural character. Stops only at
                // ASCII bytes, so `end` is always a char boundary.
                let start = i;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\n' | b' ' | b'\t' | b'\r' | b';' | b'{' | b'}' | b'"' => break,
                        b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => break,
                        _ => i += 1,
                    }
                }
                out.tokens.push(Tok {
                    kind: TokKind::Other,
                    start,
                    end: i,
                });
            }
        }
    }
    out.reported = merge(std::mem::take(&mut out.reported));
    out
}

/// Sorts ranges and merges overlapping ones; an empty range becomes one byte wide so that it
/// still marks its position.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    for r in &mut ranges {
        r.1 = r.1.max(r.0 + 1);
    }
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Scans a nestable block comment starting at `start` (`/*`); returns the offset after it.
fn block_comment(file: FileId, src: &str, start: usize, out: &mut Scan) -> usize {
    let bytes = src.as_bytes();
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
    let span = Span::new(file, start, end);
    if depth > 0 {
        out.diagnostics.push(
            Diagnostic::new(
                codes::E0003,
                Span::new(file, start, start + 2),
                "unterminated block comment",
            )
            .with_label("this comment is never closed")
            .with_help(if depth > 1 {
                format!("block comments nest: this one needs {depth} more `*/` to close")
            } else {
                "close it with `*/`".to_string()
            }),
        );
        out.reported.push((start, end));
    }
    if max_depth > MAX_COMMENT_DEPTH {
        out.diagnostics.push(
            Diagnostic::new(
                codes::E0012,
                Span::new(file, start, start + 2),
                format!("block comments nested {max_depth} levels deep; at most {MAX_COMMENT_DEPTH} are allowed"),
            )
            .with_label("this comment"),
        );
        out.reported.push((start, end));
        out.hazards.push((start, end));
    }
    out.comments.push(Comment {
        kind: CommentKind::Block,
        text: src[start..end].to_string(),
        span,
    });
    end
}

/// Scans a string starting at `start` (`"` or `"""`), reporting a missing end and bad escapes;
/// returns the offset after it (the end of the line for an unterminated plain string).
fn string(file: FileId, src: &str, start: usize, out: &mut Scan) -> usize {
    let bytes = src.as_bytes();
    let triple = src[start..].starts_with("\"\"\"");
    let mut i = start + if triple { 3 } else { 1 };
    loop {
        if i >= bytes.len() || (!triple && bytes[i] == b'\n') {
            let (span, label, help) = if triple {
                (
                    Span::new(file, start, start + 3),
                    "this text is never closed",
                    "close it with `\"\"\"`",
                )
            } else {
                (
                    Span::new(file, start, i),
                    "the string is not closed before the end of the line",
                    "close it with `\"`; text over several lines is written between `\"\"\"` and `\"\"\"`",
                )
            };
            out.diagnostics.push(
                Diagnostic::new(codes::E0002, span, "unterminated string")
                    .with_label(label)
                    .with_help(help),
            );
            out.reported.push((start, i));
            return i;
        }
        match bytes[i] {
            b'"' if !triple => return i + 1,
            b'"' if src[i..].starts_with("\"\"\"") => return i + 3,
            b'\\' => i = escape(file, src, i, out),
            _ => i += 1,
        }
    }
}

/// Checks the escape at `start` (a backslash); returns the offset after it.
fn escape(file: FileId, src: &str, start: usize, out: &mut Scan) -> usize {
    let bytes = src.as_bytes();
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
                && u32::from_str_radix(&src[digits_start..j], 16)
                    .ok()
                    .and_then(char::from_u32)
                    .is_some();
            if !ok {
                out.diagnostics.push(
                    Diagnostic::new(
                        codes::E0006,
                        Span::new(file, start, end),
                        format!("invalid unicode escape `{}`", &src[start..end]),
                    )
                    .with_label("not a Unicode character")
                    .with_help(
                        "write `\\u{` and 1 to 6 hex digits naming a Unicode character, then `}`, as in `\\u{e9}`",
                    ),
                );
                out.reported.push((start, end));
            }
            end
        }
        Some(_) => {
            let len = src[start + 1..].chars().next().map_or(1, char::len_utf8);
            let end = start + 1 + len;
            let shown = if bytes[start + 1] == b'\n' {
                "\\".to_string()
            } else {
                src[start..end].to_string()
            };
            out.diagnostics.push(
                Diagnostic::new(codes::E0006, Span::new(file, start, end), format!("unknown escape `{shown}`"))
                    .with_label("unknown escape")
                    .with_help(
                        "valid escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`; write `\\\\` for a backslash",
                    ),
            );
            out.reported.push((start, end));
            if bytes[start + 1] == b'\n' {
                start + 1
            } else {
                end
            }
        }
        None => start + 1,
    }
}
