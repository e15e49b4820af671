//! How long a shot made from a screenplay lasts (docs/import.md states the same rules).
//!
//! - **Action** follows the page-count convention: a page of a screenplay in the standard
//!   layout is about a minute of film. A page holds 55 lines, and an action line holds 60
//!   characters, so an action paragraph lasts its printed lines, plus the blank line after it,
//!   at 60/55 s each (`Beer flies.` is 2 lines: 2.2 s).
//! - **Dialogue** lasts as long as its lines take to say, timed exactly as the planner times
//!   them: each line's spoken length from the same [`SpeechTiming`] (eSpeak NG's scratch voice
//!   for its character and parenthetical, else the reading-speed estimate of 15 characters a
//!   second, at least 1 s), lines one after another with the planner's pause
//!   ([`scene_voice::PAUSE_MS`]) between them, plus half a second of breath at the end of the
//!   shot.
//! - **Titles** (centered text) stay up for their reading time plus a second, and at least 3 s.
//!
//! Every length is rounded up to a tenth of a second and lies within the language's limits (a
//! shot lasts at most 60 s: longer action and speeches are split, see [`split_text`]).

use scene_voice::{ScratchVoice, SpeechTiming};

/// Tenths of a second: shot lengths are written with at most one decimal (`4.4s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tenths(pub u32);

impl Tenths {
    pub fn literal(self) -> String {
        if self.0 % 10 == 0 {
            format!("{}s", self.0 / 10)
        } else {
            format!("{}.{}s", self.0 / 10, self.0 % 10)
        }
    }

    /// The frames the checker makes of this length at `fps` (nearest frame, halves up).
    pub fn frames(self, fps: u32) -> u32 {
        (self.0 * fps + 5) / 10
    }

    fn from_seconds_up(seconds: f64) -> Tenths {
        Tenths((seconds * 10.0 - 1e-9).ceil().max(1.0) as u32)
    }

    /// The shortest length in tenths whose frames at `fps` are at least `frames`.
    fn from_frames_up(frames: u32, fps: u32) -> Tenths {
        let mut t = Tenths((frames * 10).div_ceil(fps));
        while t.frames(fps) < frames {
            t.0 += 1;
        }
        t
    }
}

/// Frames per second the lengths are computed at: the language's default, which an imported
/// film keeps (its `film` block sets no `fps`).
pub const FPS: u32 = 24;
/// The longest shot the language allows.
pub const MAX_SHOT: Tenths = Tenths(600);
/// Lines on a screenplay page, and seconds a page lasts on screen.
pub const PAGE_LINES: u32 = 55;
const PAGE_SECONDS: f64 = 60.0;
/// Characters on a printed action line.
pub const ACTION_WIDTH: usize = 60;
/// The language's reading speed (docs/language.md §10).
const CHARACTERS_PER_SECOND: f64 = 15.0;
/// Breath after the last line of a dialogue shot.
const BREATH_FRAMES: u32 = FPS / 2;
/// Titles stay up at least this long.
const MIN_TITLE: Tenths = Tenths(30);

/// Printed lines of one source line of action, wrapped at word boundaries at `width` characters.
pub fn printed_lines(line: &str, width: usize) -> u32 {
    let mut lines = 1;
    let mut used = 0usize;
    for word in line.split_whitespace() {
        let len = word.chars().count();
        if used == 0 {
            used = len;
        } else if used + 1 + len <= width {
            used += 1 + len;
        } else {
            lines += 1;
            used = len;
        }
        while used > width {
            lines += 1;
            used -= width;
        }
    }
    lines
}

/// An action paragraph's length: its printed lines and the blank line after it, at a page a
/// minute.
pub fn action(lines: &[&str]) -> Tenths {
    let printed: u32 = lines.iter().map(|l| printed_lines(l, ACTION_WIDTH)).sum();
    Tenths::from_seconds_up(f64::from(printed + 1) * PAGE_SECONDS / f64::from(PAGE_LINES))
}

/// The most printed lines an action shot may hold and stay within [`MAX_SHOT`].
pub fn max_action_lines() -> u32 {
    (f64::from(MAX_SHOT.0) / 10.0 * f64::from(PAGE_LINES) / PAGE_SECONDS).floor() as u32 - 1
}

/// Frames a line takes to say in `voice`, as the planner counts them (every frame in which it
/// is heard, at least one); the estimate where the engine refuses the line, as the planner
/// falls back.
pub fn spoken_frames(speech: &dyn SpeechTiming, voice: &ScratchVoice, text: &str) -> u32 {
    speech
        .spoken(voice, text)
        .unwrap_or_else(|_| scene_voice::estimate(text))
        .frames(FPS)
        .max(1)
}

/// The pause between two lines that follow each other, in frames (the planner's rounding).
pub fn pause_frames() -> u32 {
    (scene_voice::PAUSE_MS * FPS + 500) / 1000
}

/// Where the last of lines said one after another ends: their lengths and the pauses between.
pub fn in_sequence(line_frames: &[u32]) -> u32 {
    let spoken: u32 = line_frames.iter().sum();
    spoken + pause_frames() * (line_frames.len().saturating_sub(1) as u32)
}

/// Frames a text takes to read at 15 characters a second, at least 1 s (a title's reading time).
pub fn reading_frames(text: &str) -> u32 {
    let seconds = (text.chars().count() as f64 / CHARACTERS_PER_SECOND).max(1.0);
    (seconds * f64::from(FPS) + 0.5).floor() as u32
}

/// A dialogue shot's length: its lines one after another with pauses (`sequential`) or all at
/// once (dual dialogue: the longest of them), plus a breath.
pub fn dialogue(line_frames: &[u32], sequential: bool) -> Tenths {
    let spoken = if sequential {
        in_sequence(line_frames)
    } else {
        line_frames.iter().copied().max().unwrap_or(0)
    };
    Tenths::from_frames_up(spoken + BREATH_FRAMES, FPS)
}

/// The most spoken frames one dialogue shot holds.
pub fn max_dialogue_frames() -> u32 {
    MAX_SHOT.frames(FPS) - BREATH_FRAMES
}

/// A title's length.
pub fn title(text: &str) -> Tenths {
    let reading = Tenths::from_frames_up(reading_frames(text), FPS);
    MIN_TITLE.max(Tenths(reading.0 + 10)).min(MAX_SHOT)
}

/// Splits `text` into pieces that each satisfy `fits`: at sentence ends where it can, else at
/// word boundaries, else (a single enormous word) at characters.
pub fn split_text(text: &str, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    if fits(text) {
        return vec![text.to_string()];
    }
    let sentences = sentences(text);
    let units: Vec<String> = if sentences.len() > 1 {
        sentences
    } else {
        text.split_whitespace().map(str::to_string).collect()
    };
    if units.len() <= 1 {
        // One word too long to fit: cut it into characters that fit.
        let mut pieces = Vec::new();
        let mut current = String::new();
        for c in text.chars() {
            current.push(c);
            if !fits(&current) {
                current.pop();
                if current.is_empty() {
                    return vec![c.to_string()];
                }
                pieces.push(std::mem::take(&mut current));
                current.push(c);
            }
        }
        if !current.is_empty() {
            pieces.push(current);
        }
        return pieces;
    }
    let mut pieces = Vec::new();
    let mut current = String::new();
    for unit in units {
        let candidate = if current.is_empty() {
            unit.clone()
        } else {
            format!("{current} {unit}")
        };
        if fits(&candidate) {
            current = candidate;
        } else {
            if !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            if fits(&unit) {
                current = unit;
            } else {
                pieces.extend(split_text(&unit, fits));
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Sentences: text up to and including `.`, `!` or `?` (and closing quotes) before a blank.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        let end = matches!(c, '.' | '!' | '?' | '"' | '\u{201D}' | ')')
            && chars.get(i + 1).is_some_and(|n| n.is_whitespace())
            && current
                .trim_end_matches(['"', '\u{201D}', ')'])
                .ends_with(['.', '!', '?']);
        if end {
            let s = current.trim().to_string();
            if !s.is_empty() {
                out.push(s);
            }
            current.clear();
        }
    }
    let s = current.trim().to_string();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(Tenths(44).literal(), "4.4s");
        assert_eq!(Tenths(30).literal(), "3s");
        assert_eq!(Tenths(44).frames(24), 106);
    }

    #[test]
    fn action_by_the_page() {
        // One printed line and its blank line: 2 × 60/55 s.
        assert_eq!(action(&["Beer flies."]), Tenths(22));
        // 134 characters wrap onto 3 lines at 60: 4 × 60/55 = 4.36 s.
        let long = "A gorgeous day.  The sun is shining.  But BRICK BRADDOCK, retired police detective, is sitting quietly, contemplating -- something.";
        assert_eq!(printed_lines(long, 60), 3);
        assert_eq!(action(&[long]), Tenths(44));
        // A whole page is a minute.
        let page: Vec<&str> = vec!["x"; 54];
        assert_eq!(action(&page), Tenths(600));
        assert_eq!(max_action_lines(), 54);
    }

    #[test]
    fn dialogue_fits_what_the_planner_counts() {
        // "Beer's ready!" is 13 characters: under a second, so 1 s = 24 frames.
        assert_eq!(reading_frames("Beer's ready!"), 24);
        // 45 characters: 3 s.
        assert_eq!(reading_frames(&"x".repeat(45)), 72);
        // Without an engine a line lasts its reading time, as the planner's fallback says.
        let speech = scene_voice::ReadingSpeed::new("test");
        let voice = scene_voice::scratch_voice(
            &scene_voice::Character {
                id: "brick",
                voice: None,
                description: "Brick",
            },
            None,
        );
        assert_eq!(spoken_frames(&speech, &voice, &"x".repeat(45)), 72);
        // 300 ms at 24 fps is 7 frames between two lines.
        assert_eq!(pause_frames(), 7);
        let t = dialogue(&[24, 72], true);
        assert!(t.frames(FPS) >= 24 + 7 + 72 + 12);
        assert_eq!(t, Tenths(48));
        assert_eq!(dialogue(&[24, 72], false), Tenths(35));
    }

    #[test]
    fn titles() {
        assert_eq!(title("THE END"), Tenths(30));
        assert_eq!(title(&"x".repeat(75)), Tenths(60));
    }

    #[test]
    fn splitting_prefers_sentences_then_words() {
        let fits = |s: &str| s.len() <= 20;
        assert_eq!(
            split_text("One two. Three four five. Six.", &fits),
            vec!["One two.", "Three four five.", "Six."]
        );
        assert_eq!(
            split_text("alpha beta gamma delta epsilon zeta", &fits),
            vec!["alpha beta gamma", "delta epsilon zeta"]
        );
        assert_eq!(split_text(&"x".repeat(45), &fits).len(), 3);
        for piece in split_text(
            "Is this it? \"Yes.\" Then go! And never come back, not ever, not once.",
            &fits,
        ) {
            assert!(piece.len() <= 20 || !piece.contains(' '), "{piece}");
        }
    }
}
