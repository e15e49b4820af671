//! The typed screenplay: what a Fountain file says, element by element, each with the place in
//! the file it came from. Text is plain (emphasis markup removed, escapes resolved); notes and
//! boneyard are elements of their own, so nothing the writer typed is dropped.

use std::ops::Range;

/// Where an element came from: its byte range in the Fountain text and its first line (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub bytes: Range<usize>,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Screenplay {
    /// `Key: value` pairs of the title page, in the order written.
    pub title_page: Vec<TitleEntry>,
    pub elements: Vec<Element>,
    /// Things the parser read but that are not well-formed Fountain (an unclosed note, a dual
    /// dialogue marker with nothing to pair with). The elements still hold their text.
    pub issues: Vec<Issue>,
}

impl Screenplay {
    /// The first title page value under `key` (case-insensitive), its lines joined by `sep`.
    pub fn title_value(&self, key: &str, sep: &str) -> Option<String> {
        self.title_page
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(key))
            .map(|e| e.values.join(sep))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TitleEntry {
    /// As written, without the colon (`Draft date`).
    pub key: String,
    /// One entry per line: an inline value, or the indented lines below the key.
    pub values: Vec<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub kind: ElementKind,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElementKind {
    SceneHeading(SceneHeading),
    Action(Action),
    Dialogue(Dialogue),
    /// Two speeches side by side: the second cue was marked with `^`.
    DualDialogue(Dialogue, Dialogue),
    Transition(Transition),
    /// `> THE END <`; one entry per line of the paragraph.
    Centered(Vec<String>),
    /// `~` lines outside dialogue.
    Lyrics(Vec<String>),
    /// `#`, `##`, … ; `depth` counts the `#`.
    Section {
        depth: usize,
        text: String,
    },
    /// `= text`
    Synopsis(String),
    /// `===`
    PageBreak,
    /// `[[…]]`
    Note(String),
    /// `/* … */`
    Boneyard(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneHeading {
    /// The heading without its forcing `.` and its scene number.
    pub text: String,
    /// `#1A#` → `1A`.
    pub number: Option<String>,
    /// Written with a leading `.`.
    pub forced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// One entry per line, indentation kept (Fountain keeps the writer's line breaks).
    pub lines: Vec<TextLine>,
    /// Written with a leading `!`.
    pub forced: bool,
}

impl Action {
    /// The paragraph as one line of prose: lines joined by a space, runs of blanks collapsed.
    pub fn prose(&self) -> String {
        collapse(self.lines.iter().map(|l| l.text.as_str()))
    }
}

/// A line of text and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextLine {
    pub text: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialogue {
    pub cue: Cue,
    pub parts: Vec<DialoguePart>,
}

/// The character line: `STEEL (V.O.) (CONT'D)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// The name without extensions, as written (`STEEL`, or `McCLANE` when forced with `@`).
    pub name: String,
    /// The parenthesised extensions without brackets, in order (`V.O.`, `CONT'D`).
    pub extensions: Vec<String>,
    /// Written with a leading `@`.
    pub forced: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialoguePart {
    /// `(beat)`: the text without brackets.
    Parenthetical(TextLine),
    /// A line of speech.
    Line(TextLine),
    /// A `~` line of speech: sung.
    Lyric(TextLine),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// As written, without a forcing `>` (`CUT TO:`, `Burn to White.`).
    pub text: String,
    pub forced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub kind: IssueKind,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// `[[` with no `]]`: the rest of the file is read as the note.
    UnclosedNote,
    /// `/*` with no `*/`: the rest of the file is read as boneyard.
    UnclosedBoneyard,
    /// A cue marked `^` that does not follow a speech: read as a plain speech.
    LoneDualDialogue,
}

/// Joins pieces of text with single spaces, trimming each and dropping empty ones.
pub fn collapse<'a>(pieces: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for piece in pieces {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}
