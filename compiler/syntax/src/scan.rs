//! The parser's view of the lexer's output: the tokens that matter for splitting a file into
//! pieces (comments left out), the comments for the formatter, and the lexical errors as
//! diagnostics, reported once. Splitting a file into pieces that can be parsed one at a time is
//! how the parser recovers from errors (`chunk.rs`).

use crate::ast::{Comment, CommentKind};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::lexer::{self, LexErrorKind, Token, TokenKind, MAX_COMMENT_DEPTH};
use crate::span::{FileId, Span};

pub(crate) struct Scan {
    /// Every token but comments: a line that starts with a comment still starts with its first
    /// token.
    pub tokens: Vec<Token>,
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
    let lexed = lexer::lex(src);
    let mut out = Scan {
        tokens: lexed.tokens,
        comments: Vec::new(),
        diagnostics: Vec::with_capacity(lexed.errors.len()),
        reported: Vec::with_capacity(lexed.errors.len()),
        hazards: Vec::new(),
    };
    for t in out.tokens.iter().filter(|t| t.is_trivia()) {
        let kind = match t.kind {
            TokenKind::LineComment => CommentKind::Line,
            _ => CommentKind::Block,
        };
        out.comments.push(Comment {
            kind,
            text: src[t.start..t.end].to_string(),
            span: Span::new(file, t.start, t.end),
        });
    }
    // In place: the token vector is the largest allocation of a parse.
    out.tokens.retain(|t| !t.is_trivia());
    for e in lexed.errors {
        out.diagnostics
            .push(diagnostic(file, src, e.kind, e.start, e.end));
        out.reported.push((e.start, e.end));
        if let LexErrorKind::CommentTooDeep { .. } = e.kind {
            out.hazards.push((e.start, e.end));
        }
    }
    out.reported = merge(std::mem::take(&mut out.reported));
    out
}

/// A lexical error in words.
fn diagnostic(file: FileId, src: &str, kind: LexErrorKind, start: usize, end: usize) -> Diagnostic {
    match kind {
        LexErrorKind::UnterminatedComment { missing } => Diagnostic::new(
            codes::E0003,
            Span::new(file, start, start + 2),
            "unterminated block comment",
        )
        .with_label("this comment is never closed")
        .with_help(if missing > 1 {
            format!("block comments nest: this one needs {missing} more `*/` to close")
        } else {
            "close it with `*/`".to_string()
        }),
        LexErrorKind::CommentTooDeep { depth } => Diagnostic::new(
            codes::E0012,
            Span::new(file, start, start + 2),
            format!("block comments nested {depth} levels deep; at most {MAX_COMMENT_DEPTH} are allowed"),
        )
        .with_label("this comment"),
        LexErrorKind::UnterminatedString { triple: true } => Diagnostic::new(
            codes::E0002,
            Span::new(file, start, start + 3),
            "unterminated string",
        )
        .with_label("this text is never closed")
        .with_help("close it with `\"\"\"`"),
        LexErrorKind::UnterminatedString { triple: false } => Diagnostic::new(
            codes::E0002,
            Span::new(file, start, end),
            "unterminated string",
        )
        .with_label("the string is not closed before the end of the line")
        .with_help(
            "close it with `\"`; text over several lines is written between `\"\"\"` and `\"\"\"`",
        ),
        LexErrorKind::InvalidUnicodeEscape => Diagnostic::new(
            codes::E0006,
            Span::new(file, start, end),
            format!("invalid unicode escape `{}`", &src[start..end]),
        )
        .with_label("not a Unicode character")
        .with_help(
            "write `\\u{` and 1 to 6 hex digits naming a Unicode character, then `}`, as in `\\u{e9}`",
        ),
        LexErrorKind::UnknownEscape => {
            let shown = if src.as_bytes().get(start + 1) == Some(&b'\n') {
                "\\".to_string()
            } else {
                src[start..end].to_string()
            };
            Diagnostic::new(codes::E0006, Span::new(file, start, end), format!("unknown escape `{shown}`"))
                .with_label("unknown escape")
                .with_help(
                    "valid escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`; write `\\\\` for a backslash",
                )
        }
    }
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
