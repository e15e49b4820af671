//! Splitting a run of tokens into the pieces the parser handles one at a time: top-level items,
//! the fields or statements of a block. A piece ends at a newline or `;` outside braces; braces
//! nest, so a shot with its block is one piece of its scene.
//!
//! When braces do not balance, the split guesses where a block should have ended — at a line that
//! starts, no more indented than the piece itself, with a word that begins a new piece at this
//! level — so that one missing `}` does not swallow the rest of the file.

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Token as Tok, TokenKind as TokKind};
use crate::span::{FileId, Span};
use crate::vocab::{self, Context};

/// Where the split happens: decides which words start a new piece when guessing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Top,
    Block,
    Scene,
}

impl Level {
    fn starts_piece(self, word: &str) -> bool {
        match self {
            Level::Top => vocab::is_in(word, Context::Item),
            Level::Scene => {
                vocab::is_in(word, Context::SceneItem) || vocab::is_in(word, Context::Transition)
            }
            Level::Block => false,
        }
    }
}

/// One piece: tokens `first..last` (inclusive), with its block if it has one.
#[derive(Clone, Debug)]
pub(crate) struct Chunk {
    pub last: usize,
    pub start: usize,
    pub end: usize,
    pub body: Option<Body>,
}

/// The block of a chunk: the token index of its `{` and of its `}` (absent when unclosed).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Body {
    pub open: usize,
    pub close: Option<usize>,
}

impl Body {
    /// Token indices strictly inside the braces.
    pub fn interior(&self, chunk: &Chunk) -> (usize, usize) {
        let end = match self.close {
            Some(c) => c,
            None => chunk.last + 1,
        };
        (self.open + 1, end)
    }
}

/// Whether a word ending at `end` ends there in the eyes of the split: at a space, a line end,
/// a brace, `;`, a string or a comment. `camera,` at the start of a line does not start a piece.
fn whole_word(src: &str, end: usize) -> bool {
    let rest = &src.as_bytes()[end..];
    match rest.first() {
        None => true,
        Some(b' ' | b'\t' | b'\r' | b'\n' | b';' | b'{' | b'}' | b'"') => true,
        Some(b'/') => matches!(rest.get(1), Some(b'/' | b'*')),
        Some(_) => false,
    }
}

fn column(src: &str, offset: usize) -> usize {
    let line_start = src[..offset].rfind('\n').map_or(0, |p| p + 1);
    offset - line_start
}

fn balanced(tokens: &[Tok]) -> bool {
    let mut depth = 0i64;
    for t in tokens {
        match t.kind {
            TokKind::LBrace => depth += 1,
            TokKind::RBrace => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Splits `tokens[from..to]`. Unclosed and unmatched braces are reported only at the top level
/// (every imbalance inside an item is visible there too), so nothing is reported twice.
pub(crate) fn split(
    file: FileId,
    src: &str,
    tokens: &[Tok],
    from: usize,
    to: usize,
    level: Level,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Chunk> {
    let report = level == Level::Top;
    let guess = !balanced(&tokens[from..to]);
    let mut chunks = Vec::new();
    let mut i = from;
    // The open chunk: its first token, its body, the stack of open braces (token indices).
    let mut current: Option<(usize, Option<Body>)> = None;
    let mut stack: Vec<usize> = Vec::new();
    let mut last_sig = from;

    let finish = |chunks: &mut Vec<Chunk>, first: usize, last: usize, body: Option<Body>| {
        chunks.push(Chunk {
            last,
            start: tokens[first].start,
            end: tokens[last].end,
            body,
        });
    };

    while i < to {
        let tok = tokens[i];
        match current {
            None => match tok.kind {
                TokKind::Newline | TokKind::Semi => {}
                TokKind::RBrace => {
                    if report {
                        diagnostics.push(
                            Diagnostic::new(
                                codes::E0005,
                                Span::new(file, tok.start, tok.end),
                                "unexpected `}`",
                            )
                            .with_label("there is no `{` for this to close")
                            .with_help("remove it, or add the `{` it was meant to close"),
                        );
                    }
                }
                TokKind::LBrace => {
                    stack.push(i);
                    current = Some((
                        i,
                        Some(Body {
                            open: i,
                            close: None,
                        }),
                    ));
                    last_sig = i;
                }
                _ => {
                    current = Some((i, None));
                    last_sig = i;
                }
            },
            Some((first, ref mut body)) => {
                if stack.is_empty() {
                    match tok.kind {
                        TokKind::Newline => {
                            // A block may open on the line after its header.
                            let next = (i + 1..to).find(|&j| tokens[j].kind != TokKind::Newline);
                            let brace_next = body.is_none()
                                && next.is_some_and(|j| tokens[j].kind == TokKind::LBrace);
                            if !brace_next {
                                finish(&mut chunks, first, last_sig, *body);
                                current = None;
                            }
                        }
                        TokKind::Semi => {
                            finish(&mut chunks, first, last_sig, *body);
                            current = None;
                        }
                        TokKind::LBrace => {
                            stack.push(i);
                            if body.is_none() {
                                *body = Some(Body {
                                    open: i,
                                    close: None,
                                });
                            }
                            last_sig = i;
                        }
                        TokKind::RBrace => {
                            // A `}` with nothing open ends this chunk and is reported on its own.
                            finish(&mut chunks, first, last_sig, *body);
                            current = None;
                            continue;
                        }
                        _ => last_sig = i,
                    }
                } else {
                    // Comments are not tokens, so a line that starts with one still counts.
                    let at_line_start = i == 0 || tokens[i - 1].kind == TokKind::Newline;
                    let in_first_column =
                        || column(src, tok.start) <= column(src, tokens[first].start);
                    let starts_new = guess
                        && tok.kind == TokKind::Ident
                        && whole_word(src, tok.end)
                        && at_line_start
                        && level.starts_piece(&src[tok.start..tok.end])
                        && in_first_column();
                    if starts_new {
                        // The block never closed: end the chunk before this line.
                        if report {
                            for &open in &stack {
                                report_unclosed(file, tokens, open, Some(tok), src, diagnostics);
                            }
                        }
                        stack.clear();
                        finish(&mut chunks, first, last_sig, *body);
                        current = None;
                        continue;
                    }
                    match tok.kind {
                        TokKind::LBrace => stack.push(i),
                        TokKind::RBrace => {
                            let closes_item =
                                guess && stack.len() > 1 && at_line_start && in_first_column();
                            if closes_item {
                                // A `}` in the item's own column closes the item: the blocks
                                // opened inside it and left open are the unclosed ones.
                                if report {
                                    for &open in &stack[1..] {
                                        report_unclosed(
                                            file,
                                            tokens,
                                            open,
                                            Some(tok),
                                            src,
                                            diagnostics,
                                        );
                                    }
                                }
                                stack.truncate(1);
                            }
                            stack.pop();
                            if stack.is_empty() {
                                if let Some(b) = body.as_mut() {
                                    if b.close.is_none() {
                                        b.close = Some(i);
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                    last_sig = i;
                }
            }
        }
        i += 1;
    }
    if let Some((first, body)) = current {
        if report {
            for &open in &stack {
                report_unclosed(file, tokens, open, None, src, diagnostics);
            }
        }
        finish(&mut chunks, first, last_sig, body);
    }
    chunks
}

fn report_unclosed(
    file: FileId,
    tokens: &[Tok],
    open: usize,
    before: Option<Tok>,
    src: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let brace = tokens[open];
    let (span, message) = match before {
        Some(t) => (
            Span::new(file, t.start, t.end),
            format!(
                "unclosed `{{`: expected `}}` before `{}`",
                &src[t.start..t.end]
            ),
        ),
        None => (
            Span::new(file, src.len(), src.len()),
            "unclosed `{`: the file ends inside a block".to_string(),
        ),
    };
    diagnostics.push(
        Diagnostic::new(codes::E0004, span, message)
            .with_label("the block should have ended before this")
            .with_related(
                Span::new(file, brace.start, brace.end),
                "this block started here",
            )
            .with_help("add the missing `}`"),
    );
}
