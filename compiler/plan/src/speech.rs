//! Spoken timing: a line of dialogue lasts as long as it takes to say (LANGUAGE.md §7.6).
//!
//! Each `says` line gets its character's scratch voice, shaped by its parenthetical
//! ([`scene_voice::scratch_voice`]), and a spoken length from a [`SpeechTiming`]: measured by
//! synthesising it with eSpeak NG (cached per line), or — when the engine is absent — estimated
//! at 15 characters a second, which is said once ([`codes::W0203`]).
//!
//! In a shot, a line written with `at` starts there. The others follow one another in the
//! order written: the first at the shot's start, each next one when the one before it has been
//! said plus [`PAUSE_MS`] — but never before its speaker's blocking chain got to it
//! (`walks to center over 2s, says "…"` speaks at 2 s). A line ends where its spoken length
//! ends, cut at the shot's end. Subtitles and the mix use the same times.
//!
//! Warnings, with the measured length in the message: a line that runs past its shot's end
//! ([`codes::W0201`]); a line still being said when the same character's next line in the shot
//! starts ([`codes::W0202`]).

use scene_check::codes;
use scene_check::film::{Film, LineStart, Shot};
use scene_check::units::Fps;
use scene_syntax::{Diagnostic, Span};
use scene_voice::{
    estimate, scratch_voice, Character, ScratchVoice, SpeechTiming, Spoken, TimingSource,
};

/// The breath between two lines that follow each other.
pub use scene_voice::PAUSE_MS;

/// One line, timed.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedLine {
    pub voice: ScratchVoice,
    /// How long it takes to say (not cut at the shot's end).
    pub spoken: Spoken,
    /// Measured by the engine; `false` when estimated.
    pub measured: bool,
    /// Shot frames; `end` is exclusive and at most the shot's length.
    pub start: u32,
    pub end: u32,
    /// The `says` statement and its quoted text.
    pub span: Span,
    pub text_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DialogueTiming {
    pub source: TimingSource,
    /// Parallel to [`Film::shots`]; each shot's lines in the order written (as
    /// [`Shot::dialogue`]).
    pub shots: Vec<Vec<TimedLine>>,
    /// E0309, W0201, W0202 and W0203; empty for a film without dialogue problems. E0309 is an
    /// error: a film with it must not be rendered.
    pub diagnostics: Vec<Diagnostic>,
}

/// Frames of `ms` milliseconds at `fps`, to the nearest frame.
fn frames_of_ms(ms: u32, fps: Fps) -> u32 {
    ((u64::from(ms) * u64::from(fps.0) + 500) / 1000) as u32
}

/// `2.35s`: two decimals, trailing zeros dropped.
pub fn seconds_text(ms: u64) -> String {
    let text = format!("{:.2}", ms as f64 / 1000.0);
    format!("{}s", text.trim_end_matches('0').trim_end_matches('.'))
}

fn frames_text(frames: u32, fps: Fps) -> String {
    seconds_text(u64::from(frames) * 1000 / u64::from(fps.0.max(1)))
}

/// Time every line of the film.
pub fn time(film: &Film, speech: &dyn SpeechTiming) -> DialogueTiming {
    let source = speech.source();
    let mut diagnostics = Vec::new();
    if let TimingSource::Estimate { reason } = &source {
        if let Some(first) = film.shots.iter().flat_map(|s| &s.dialogue).next() {
            diagnostics.push(
                Diagnostic::new(
                    codes::W0203,
                    first.text_span,
                    "spoken lengths are estimated at 15 characters a second: the speech engine is not available",
                )
                .with_label(reason.clone())
                .with_help(
                    "install eSpeak NG (Debian: `apt-get install libespeak-ng1 espeak-ng-data`) to measure each line and hear it in renders",
                ),
            );
        }
    }
    let engine = match &source {
        TimingSource::Engine { engine } => Some(engine.as_str()),
        TimingSource::Estimate { .. } => None,
    };
    let shots: Vec<Vec<TimedLine>> = film
        .shots
        .iter()
        .map(|shot| time_shot(film, shot, speech, engine, &mut diagnostics))
        .collect();
    crate::subtitles::check(film, &crate::timing::time(film), &shots, &mut diagnostics);
    DialogueTiming {
        source,
        shots,
        diagnostics,
    }
}

fn time_shot(
    film: &Film,
    shot: &Shot,
    speech: &dyn SpeechTiming,
    engine: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<TimedLine> {
    let fps = film.fps;
    let pause = frames_of_ms(PAUSE_MS, fps);
    let mut next_free = 0u32;
    let mut lines = Vec::with_capacity(shot.dialogue.len());
    for line in &shot.dialogue {
        let c = film.character(line.character);
        let voice = scratch_voice(
            &Character {
                id: &c.id,
                voice: c.voice.as_deref(),
                description: &c.description,
            },
            line.parenthetical.as_deref(),
        );
        let (spoken, measured) = match (engine, speech.spoken(&voice, &line.text)) {
            (Some(_), Ok(spoken)) => (spoken, true),
            (None, Ok(spoken)) => (spoken, false),
            (_, Err(e)) => {
                let message = match e {
                    scene_voice::VoiceError::Cache { .. } => "this line's spoken length is estimated at 15 characters a second: its voice could not be stored in the voice cache",
                    _ => "this line's spoken length is estimated at 15 characters a second: the speech engine failed on it",
                };
                diagnostics.push(
                    Diagnostic::new(codes::W0203, line.text_span, message)
                        .with_label(e.to_string()),
                );
                (estimate(&line.text), false)
            }
        };
        let length = spoken.frames(fps.0).max(1);
        let start = match line.start {
            LineStart::At(frame) => frame.0,
            LineStart::Next { not_before } => next_free.max(not_before.0),
        };
        let end = start.saturating_add(length);
        if matches!(line.start, LineStart::Next { .. }) {
            next_free = end.saturating_add(pause);
        }
        if end > shot.frames.0 {
            let left = shot.frames.0.saturating_sub(start);
            diagnostics.push(
                Diagnostic::new(
                    codes::W0201,
                    line.text_span,
                    format!(
                        "this line takes {} to say, but only {} of the {} shot `{}` are left",
                        seconds_text(spoken.millis()),
                        frames_text(left, fps),
                        frames_text(shot.frames.0, fps),
                        shot.id
                    ),
                )
                .with_label(measured_by(spoken, measured, engine))
                .with_help("shorten the line, start it earlier with `at`, or lengthen the shot"),
            );
        }
        lines.push(TimedLine {
            voice,
            spoken,
            measured,
            start,
            end: end.min(shot.frames.0),
            span: line.span,
            text_span: line.text_span,
        });
    }
    overlaps(film, shot, &lines, engine, diagnostics);
    lines
}

fn measured_by(spoken: Spoken, measured: bool, engine: Option<&str>) -> String {
    match (measured, engine) {
        (true, Some(engine)) => format!(
            "spoken length {}, measured with {engine}",
            seconds_text(spoken.millis())
        ),
        _ => format!(
            "spoken length about {} (15 characters a second)",
            seconds_text(spoken.millis())
        ),
    }
}

/// W0202 for every line whose speaker starts another line in the shot before it is said.
fn overlaps(
    film: &Film,
    shot: &Shot,
    lines: &[TimedLine],
    engine: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let fps = film.fps;
    for (i, line) in lines.iter().enumerate() {
        let speaker = shot.dialogue[i].character;
        let still_speaking = line.start.saturating_add(line.spoken.frames(fps.0).max(1));
        // The speaker's next line: the earliest to start at or after this one (the order
        // written breaks ties).
        let next = lines
            .iter()
            .enumerate()
            .filter(|(j, other)| {
                *j != i
                    && shot.dialogue[*j].character == speaker
                    && (other.start > line.start || (other.start == line.start && *j > i))
            })
            .min_by_key(|(j, other)| (other.start, *j));
        let Some((_, next)) = next else {
            continue;
        };
        if next.start < still_speaking && next.start < shot.frames.0 {
            let id = &film.character(speaker).id;
            diagnostics.push(
                Diagnostic::new(
                    codes::W0202,
                    line.text_span,
                    format!(
                        "`{id}` is still saying this line when their next line starts, {} in",
                        frames_text(next.start, fps)
                    ),
                )
                .with_label(format!(
                    "{}, from {}",
                    measured_by(line.spoken, line.measured, engine),
                    frames_text(line.start, fps)
                ))
                .with_related(next.text_span, "the next line starts here")
                .with_help("move the next line later with `at`, or shorten this one"),
            );
        }
    }
}
