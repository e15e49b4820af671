//! The first pass: the file becomes lines with their places, and notes (`[[…]]`) and boneyard
//! (`/* … */`) are lifted out into elements of their own.
//!
//! Lifting them out first is what lets a note sit anywhere — inside an action line, between a
//! cue and its speech, over several lines — without changing how the text around it reads: a
//! line that held only a note or boneyard disappears (it is not a blank line, so it does not
//! end the paragraph it sat in), and a line that held text keeps its text.

use crate::screenplay::{Element, ElementKind, Issue, IssueKind, Origin};

/// One line of the file after notes and boneyard are lifted out.
#[derive(Clone, Debug)]
pub struct Line {
    /// The text, without its line ending.
    pub text: String,
    /// The line's bytes in the file (without the line ending) and its number.
    pub origin: Origin,
}

impl Line {
    /// Empty, or only blanks — except a line of two or more spaces, which Fountain reads as a
    /// deliberate empty line inside a paragraph or a speech.
    pub fn is_blank(&self) -> bool {
        if self.text.len() >= 2 && self.text.bytes().all(|b| b == b' ') {
            return false;
        }
        self.text.trim().is_empty()
    }
}

/// What the first pass found.
pub struct Lines {
    pub lines: Vec<Line>,
    /// Notes and boneyard, in file order.
    pub lifted: Vec<Element>,
    pub issues: Vec<Issue>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lift {
    Note,
    Boneyard,
}

/// Splits `source` into lines (`\n`, `\r\n` or `\r` endings) and lifts out notes and boneyard.
pub fn split(source: &str) -> Lines {
    let bytes = source.as_bytes();
    // Byte ranges of each physical line's content, and where each line starts.
    let mut physical: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                physical.push((start, i));
                i += 1;
                start = i;
            }
            b'\r' => {
                physical.push((start, i));
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() || physical.is_empty() {
        physical.push((start, bytes.len()));
    }
    // A byte-order mark is not text.
    if let Some(first) = physical.first_mut() {
        if source[first.0..first.1].starts_with('\u{FEFF}') {
            first.0 += '\u{FEFF}'.len_utf8();
        }
    }

    let (spans, issues) = find_lifted(source, &physical);

    let line_of = |offset: usize| -> u32 {
        // The last physical line starting at or before `offset`.
        let idx = physical.partition_point(|&(s, _)| s <= offset).max(1) - 1;
        idx as u32 + 1
    };
    let mut lifted = Vec::with_capacity(spans.len());
    for &(kind, outer, inner) in &spans {
        let text = source[inner.0..inner.1].to_string();
        lifted.push(Element {
            kind: match kind {
                Lift::Note => ElementKind::Note(text),
                Lift::Boneyard => ElementKind::Boneyard(text),
            },
            origin: Origin {
                bytes: outer.0..outer.1,
                line: line_of(outer.0),
            },
        });
    }
    let issues = issues
        .into_iter()
        .map(|(kind, at)| Issue {
            kind,
            origin: Origin {
                bytes: at..(at + 2).min(source.len()),
                line: line_of(at),
            },
        })
        .collect();

    // Cut the lifted spans out of every line they touch.
    let mut lines = Vec::with_capacity(physical.len());
    let mut next_span = 0;
    for (n, &(ls, le)) in physical.iter().enumerate() {
        let mut text = String::with_capacity(le - ls);
        let mut cursor = ls;
        let mut cut = false;
        while next_span < spans.len() && spans[next_span].1 .1 <= ls {
            next_span += 1;
        }
        let mut k = next_span;
        while k < spans.len() && spans[k].1 .0 < le {
            let (s, e) = spans[k].1;
            if s > cursor {
                text.push_str(&source[cursor..s]);
            }
            cursor = cursor.max(e.min(le));
            cut = true;
            if e > le {
                break;
            }
            k += 1;
        }
        if cursor < le {
            text.push_str(&source[cursor..le]);
        }
        if cut && text.trim().is_empty() {
            continue;
        }
        lines.push(Line {
            text,
            origin: Origin {
                bytes: ls..le,
                line: n as u32 + 1,
            },
        });
    }
    Lines {
        lines,
        lifted,
        issues,
    }
}

/// Each lifted span: its kind, its outer range (delimiters included) and its inner text range.
type Spans = Vec<(Lift, (usize, usize), (usize, usize))>;

fn find_lifted(source: &str, physical: &[(usize, usize)]) -> (Spans, Vec<(IssueKind, usize)>) {
    let bytes = source.as_bytes();
    let mut spans = Vec::new();
    let mut issues = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            match source[i + 2..].find("*/") {
                Some(rel) => {
                    let end = i + 2 + rel;
                    spans.push((Lift::Boneyard, (i, end + 2), (i + 2, end)));
                    i = end + 2;
                }
                None => {
                    issues.push((IssueKind::UnclosedBoneyard, i));
                    spans.push((Lift::Boneyard, (i, bytes.len()), (i + 2, bytes.len())));
                    i = bytes.len();
                }
            }
        } else if bytes[i] == b'[' && bytes[i + 1] == b'[' {
            match note_end(source, physical, i) {
                Some(end) => {
                    spans.push((Lift::Note, (i, end + 2), (i + 2, end)));
                    i = end + 2;
                }
                None => {
                    // Not a note: the brackets stay in the text.
                    issues.push((IssueKind::UnclosedNote, i));
                    i += 2;
                }
            }
        } else {
            i += 1;
        }
    }
    (spans, issues)
}

/// Where the `]]` closing the note opened at `open` is: before the next blank line, since a note
/// cannot hold an empty line (Fountain asks for two spaces there).
fn note_end(source: &str, physical: &[(usize, usize)], open: usize) -> Option<usize> {
    let close = open + 2 + source[open + 2..].find("]]")?;
    let first = physical.partition_point(|&(s, _)| s <= open).max(1) - 1;
    for &(s, e) in &physical[first + 1..] {
        if s > close {
            break;
        }
        let line = &source[s..e];
        let two_spaces = line.len() >= 2 && line.bytes().all(|b| b == b' ');
        if line.trim().is_empty() && !two_spaces {
            return None;
        }
    }
    Some(close)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(l: &Lines) -> Vec<(u32, &str)> {
        l.lines
            .iter()
            .map(|l| (l.origin.line, l.text.as_str()))
            .collect()
    }

    #[test]
    fn line_endings_and_numbers() {
        let l = split("a\r\nb\rc\n\nd");
        assert_eq!(
            texts(&l),
            vec![(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]
        );
        assert_eq!(l.lines[1].origin.bytes, 3..4);
    }

    #[test]
    fn notes_are_lifted_and_note_only_lines_vanish() {
        let l = split("A line.\n\n[[A note.]]\n\nThis is an [[internal]] note.\n[[This line spans\n  multiple lines.]]\nafter");
        assert_eq!(
            texts(&l),
            vec![
                (1, "A line."),
                (2, ""),
                (4, ""),
                (5, "This is an  note."),
                (8, "after")
            ]
        );
        let notes: Vec<_> = l
            .lifted
            .iter()
            .map(|e| (e.origin.line, e.kind.clone()))
            .collect();
        assert_eq!(
            notes,
            vec![
                (3, ElementKind::Note("A note.".into())),
                (5, ElementKind::Note("internal".into())),
                (
                    6,
                    ElementKind::Note("This line spans\n  multiple lines.".into())
                ),
            ]
        );
    }

    #[test]
    fn boneyard_spans_lines_and_blank_lines() {
        let l = split("A\n/*\nhidden\n\nstill hidden\n*/\nB /* inline */ C");
        assert_eq!(texts(&l), vec![(1, "A"), (7, "B  C")]);
        assert_eq!(l.lifted.len(), 2);
        assert!(l.issues.is_empty());
    }

    #[test]
    fn unclosed_markers_are_issues() {
        let l = split("A [[never closed\n\nB /* to the end\nC");
        assert_eq!(texts(&l), vec![(1, "A [[never closed"), (2, ""), (3, "B ")]);
        let kinds: Vec<_> = l.issues.iter().map(|i| (i.kind, i.origin.line)).collect();
        assert_eq!(
            kinds,
            vec![
                (IssueKind::UnclosedNote, 1),
                (IssueKind::UnclosedBoneyard, 3)
            ]
        );
    }

    #[test]
    fn two_spaces_are_not_blank() {
        let l = split("a\n  \nb");
        assert!(!l.lines[1].is_blank());
        let l = split("a\n \nb");
        assert!(l.lines[1].is_blank());
    }
}
