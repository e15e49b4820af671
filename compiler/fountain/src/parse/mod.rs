//! Fountain text → [`Screenplay`]. Total: every input gives a screenplay (text that fits no other
//! element is action, as the syntax says), and what is malformed is recorded in
//! [`Screenplay::issues`], never dropped.
//!
//! Three passes: [`lines`] splits the file and lifts notes and boneyard out; [`title`] reads the
//! title page; then each paragraph (a run of lines between blank lines) is classified here by the
//! rules of the Fountain syntax (fountain.io/syntax, version 1.1), forced markers first.

mod inline;
mod lines;
mod title;

pub use inline::plain;

use lines::Line;

use crate::screenplay::*;

/// Parses a Fountain screenplay.
pub fn parse(source: &str) -> Screenplay {
    let lines::Lines {
        lines,
        lifted,
        mut issues,
    } = lines::split(source);
    let (title_page, used) = title::title_page(&lines);
    let mut blocks = Blocks {
        out: Vec::new(),
        issues: Vec::new(),
    };
    let body = &lines[used..];
    let mut i = 0;
    while i < body.len() {
        if body[i].is_blank() {
            i += 1;
            continue;
        }
        let start = i;
        while i < body.len() && !body[i].is_blank() {
            i += 1;
        }
        blocks.paragraph(&body[start..i]);
    }
    issues.append(&mut blocks.issues);
    issues.sort_by_key(|i| i.origin.bytes.start);
    // Notes and boneyard go back in file order; one inside a paragraph follows that paragraph.
    let mut elements = blocks.out;
    elements.extend(lifted);
    elements.sort_by_key(|e| e.origin.bytes.start);
    Screenplay {
        title_page,
        elements,
        issues,
    }
}

struct Blocks {
    out: Vec<Element>,
    issues: Vec<Issue>,
}

/// A paragraph's line: the line as written (markers are read from it) and its plain text.
struct Row<'a> {
    line: &'a Line,
    text: String,
}

impl Row<'_> {
    fn raw(&self) -> &str {
        &self.line.text
    }
    fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

fn origin_of(rows: &[Row]) -> Origin {
    let first = &rows[0].line.origin;
    let last = &rows[rows.len() - 1].line.origin;
    Origin {
        bytes: first.bytes.start..last.bytes.end,
        line: first.line,
    }
}

fn text_line(row: &Row, text: impl Into<String>) -> TextLine {
    TextLine {
        text: text.into(),
        origin: row.line.origin.clone(),
    }
}

impl Blocks {
    fn push(&mut self, kind: ElementKind, rows: &[Row]) {
        self.out.push(Element {
            kind,
            origin: origin_of(rows),
        });
    }

    fn paragraph(&mut self, lines: &[Line]) {
        // Emphasis may run over the lines of a paragraph, so it is removed from the paragraph
        // as a whole; newlines survive, so the plain text splits back into the same lines.
        let joined: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        let plain_text = plain(&joined.join("\n"));
        let rows: Vec<Row> = lines
            .iter()
            .zip(plain_text.split('\n'))
            .map(|(line, text)| Row {
                line,
                text: text.to_string(),
            })
            .collect();
        let mut i = 0;
        while i < rows.len() {
            i += self.element(&rows[i..]);
        }
    }

    /// Classifies the element that starts `rows` (the rest of a paragraph) and returns how many
    /// rows it took.
    fn element(&mut self, rows: &[Row]) -> usize {
        let first = &rows[0];
        let raw = first.raw().trim_start();
        let single = rows.len() == 1;

        // Line-level forms: each is one line wherever it stands.
        if is_page_break(raw) {
            self.push(ElementKind::PageBreak, &rows[..1]);
            return 1;
        }
        if raw.starts_with('#') {
            let depth = raw.chars().take_while(|&c| c == '#').count();
            let text = first.trimmed()[depth..].trim().to_string();
            self.push(ElementKind::Section { depth, text }, &rows[..1]);
            return 1;
        }
        if raw.starts_with('=') {
            let text = first.trimmed()[1..].trim().to_string();
            self.push(ElementKind::Synopsis(text), &rows[..1]);
            return 1;
        }
        if raw.starts_with('>') {
            if raw.trim_end().ends_with('<') && raw.trim_end().len() >= 2 {
                let n = rows
                    .iter()
                    .take_while(|r| is_centered(r.raw().trim()))
                    .count();
                let texts = rows[..n]
                    .iter()
                    .map(|r| {
                        let t = r.trimmed();
                        t[1..t.len() - 1].trim().to_string()
                    })
                    .collect();
                self.push(ElementKind::Centered(texts), &rows[..n]);
                return n;
            }
            let text = first.trimmed()[1..].trim().to_string();
            self.push(
                ElementKind::Transition(Transition { text, forced: true }),
                &rows[..1],
            );
            return 1;
        }
        if raw.starts_with('~') {
            let n = rows
                .iter()
                .take_while(|r| r.raw().trim_start().starts_with('~'))
                .count();
            let texts = rows[..n]
                .iter()
                .map(|r| r.trimmed()[1..].trim().to_string())
                .collect();
            self.push(ElementKind::Lyrics(texts), &rows[..n]);
            return n;
        }

        // Forced action: the whole paragraph.
        if raw.starts_with('!') {
            return self.action(rows, true);
        }

        // Forms that must stand alone between blank lines.
        if single {
            if let Some(heading) = scene_heading(first.trimmed(), raw) {
                self.push(ElementKind::SceneHeading(heading), rows);
                return 1;
            }
            if is_transition(first) {
                let text = first.trimmed().to_string();
                self.push(
                    ElementKind::Transition(Transition {
                        text,
                        forced: false,
                    }),
                    rows,
                );
                return 1;
            }
        }

        // A character cue: uppercase, after a blank line, with speech right below it.
        if !single {
            if let Some((cue, dual)) = cue(first) {
                return self.dialogue(rows, cue, dual);
            }
        }
        self.action(rows, false)
    }

    /// Action runs to the end of the paragraph, or to a line-level form inside it.
    fn action(&mut self, rows: &[Row], forced: bool) -> usize {
        let mut n = 1;
        while n < rows.len() && !is_line_level(rows[n].raw().trim_start()) {
            n += 1;
        }
        let lines = rows[..n]
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let text = if k == 0 && forced {
                    strip_first(&r.text, '!')
                } else {
                    r.text.trim_end().to_string()
                };
                text_line(r, text)
            })
            .collect();
        self.push(ElementKind::Action(Action { lines, forced }), &rows[..n]);
        n
    }

    /// A speech: the cue, then parentheticals, lines and lyrics to the end of the paragraph.
    fn dialogue(&mut self, rows: &[Row], cue: Cue, dual: bool) -> usize {
        let mut parts = Vec::new();
        let mut k = 1;
        while k < rows.len() {
            let row = &rows[k];
            let t = row.trimmed();
            if t.is_empty() {
                // Two spaces: an empty line inside the speech.
                k += 1;
                continue;
            }
            if t.starts_with('(') {
                // A parenthetical may wrap over lines until its `)`.
                let mut end = k;
                while !rows[end].trimmed().ends_with(')') && end + 1 < rows.len() {
                    end += 1;
                }
                let text = rows[k..=end]
                    .iter()
                    .map(|r| r.trimmed())
                    .collect::<Vec<_>>()
                    .join(" ");
                let inner = text
                    .strip_prefix('(')
                    .unwrap_or(&text)
                    .strip_suffix(')')
                    .unwrap_or_else(|| text.strip_prefix('(').unwrap_or(&text))
                    .trim()
                    .to_string();
                let mut line = text_line(row, inner);
                line.origin = origin_of(&rows[k..=end]);
                parts.push(DialoguePart::Parenthetical(line));
                k = end + 1;
                continue;
            }
            if let Some(lyric) = t.strip_prefix('~') {
                parts.push(DialoguePart::Lyric(text_line(row, lyric.trim())));
            } else {
                parts.push(DialoguePart::Line(text_line(row, t)));
            }
            k += 1;
        }
        let speech = Dialogue { cue, parts };
        let origin = origin_of(rows);
        if dual {
            let paired = match self.out.last() {
                Some(Element {
                    kind: ElementKind::Dialogue(_),
                    ..
                }) => self.out.pop(),
                _ => None,
            };
            match paired {
                Some(Element {
                    kind: ElementKind::Dialogue(left),
                    origin: left_origin,
                }) => {
                    self.out.push(Element {
                        kind: ElementKind::DualDialogue(left, speech),
                        origin: Origin {
                            bytes: left_origin.bytes.start..origin.bytes.end,
                            line: left_origin.line,
                        },
                    });
                }
                _ => {
                    self.issues.push(Issue {
                        kind: IssueKind::LoneDualDialogue,
                        origin: speech.cue.origin.clone(),
                    });
                    self.out.push(Element {
                        kind: ElementKind::Dialogue(speech),
                        origin,
                    });
                }
            }
        } else {
            self.out.push(Element {
                kind: ElementKind::Dialogue(speech),
                origin,
            });
        }
        rows.len()
    }
}

fn strip_first(text: &str, marker: char) -> String {
    let t = text.trim_start();
    t.strip_prefix(marker).unwrap_or(t).trim_end().to_string()
}

/// `===` or more, alone on the line.
fn is_page_break(raw: &str) -> bool {
    let t = raw.trim();
    t.len() >= 3 && t.bytes().all(|b| b == b'=')
}

fn is_centered(t: &str) -> bool {
    t.len() >= 2 && t.starts_with('>') && t.ends_with('<')
}

/// Forms that end an action paragraph when they start a line inside it.
fn is_line_level(raw: &str) -> bool {
    is_page_break(raw) || raw.starts_with('#') || (raw.starts_with('=') && !raw.starts_with("=="))
}

/// The prefixes of a scene heading (compared without case), each followed by `.` or a blank.
const HEADING_PREFIXES: &[&str] = &["int./ext", "int/ext", "i./e", "i/e", "int", "ext", "est"];

fn scene_heading(plain: &str, raw: &str) -> Option<SceneHeading> {
    let forced = raw.starts_with('.') && raw[1..].chars().next().is_some_and(char::is_alphanumeric);
    let text = if forced { plain[1..].trim() } else { plain };
    if !forced {
        let lower = text.to_lowercase();
        let prefixed = HEADING_PREFIXES.iter().any(|p| {
            lower.starts_with(p)
                && lower[p.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c == '.' || c.is_whitespace())
        });
        if !prefixed {
            return None;
        }
    }
    let (text, number) = split_scene_number(text);
    Some(SceneHeading {
        text: text.to_string(),
        number,
        forced,
    })
}

/// `INT. HOUSE - DAY #1A#` → (`INT. HOUSE - DAY`, `1A`).
fn split_scene_number(text: &str) -> (&str, Option<String>) {
    let t = text.trim_end();
    if let Some(body) = t.strip_suffix('#') {
        if let Some(open) = body.rfind('#') {
            let number = &body[open + 1..];
            if !number.is_empty()
                && number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            {
                return (body[..open].trim_end(), Some(number.to_string()));
            }
        }
    }
    (t, None)
}

/// Uppercase and ending in `TO:` (nothing after it, not even blanks), or one of the standard
/// endings the reference implementation also reads as transitions.
fn is_transition(row: &Row) -> bool {
    let raw = row.raw();
    if raw.ends_with(char::is_whitespace) {
        return false;
    }
    let t = row.trimmed();
    if t.chars().any(char::is_lowercase) {
        return false;
    }
    t.ends_with("TO:") || matches!(t, "FADE OUT." | "FADE TO BLACK." | "CUT TO BLACK.")
}

/// The cue on `row`, if it is one, and whether it is marked `^` (the second of a dual dialogue).
fn cue(row: &Row) -> Option<(Cue, bool)> {
    let raw = row.raw().trim();
    let forced = raw.starts_with('@');
    let mut t = row.trimmed();
    if forced {
        t = t.strip_prefix('@').unwrap_or(t).trim_start();
    }
    let (t, dual) = match t.strip_suffix('^') {
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    let (name, tail) = match t.find('(') {
        Some(open) => (t[..open].trim(), &t[open..]),
        None => (t.trim(), ""),
    };
    let mut extensions = Vec::new();
    let mut rest = tail.trim();
    while let Some(after) = rest.strip_prefix('(') {
        let close = after.find(')')?;
        extensions.push(after[..close].trim().to_string());
        rest = after[close + 1..].trim_start();
    }
    if !rest.is_empty() || name.is_empty() {
        return None;
    }
    if !forced {
        let markers = ['!', '.', '>', '~', '=', '#', '[', '('];
        if name.starts_with(markers)
            || !name.chars().any(char::is_alphabetic)
            || name.chars().any(char::is_lowercase)
            || name.contains(['!', '?', ':'])
        {
            return None;
        }
    }
    Some((
        Cue {
            name: name.to_string(),
            extensions,
            forced,
            origin: row.line.origin.clone(),
        },
        dual,
    ))
}

#[cfg(test)]
mod tests;
