//! What the film's subtitle track can hold, checked before anything renders (E0309).
//!
//! The MP4's mov_text track stores each sample's text length in 16 bits, and lines spoken at
//! the same time share one sample (`Speaker: line`, joined by newlines). A line, or lines
//! together, longer than [`MAX_SUBTITLE_BYTES`] would pass every other check and then fail the
//! encoder at the end of a render; here they are an error on the line's span instead.
//!
//! Which lines share the screen depends on how long each takes to say, which only the planner
//! knows: the check runs on the lines as [`crate::speech`] timed them, placed on the film's
//! timeline by [`crate::timing`] — the same frames the renderer's subtitles and mix use. Times
//! are compared in milliseconds, as the track stores them.

use std::collections::BTreeSet;

use scene_check::codes;
use scene_check::film::Film;
use scene_check::limits::MAX_SUBTITLE_BYTES;
use scene_syntax::{Diagnostic, Span};

use crate::speech::TimedLine;
use crate::timing::FilmTiming;

/// How many overflowing moments are reported: one is enough to act on, and a film of
/// thousands of huge lines should not print thousands of reports.
const MAX_REPORTS: usize = 20;

/// One line of dialogue on the film's timeline.
struct Cue {
    start_ms: u64,
    end_ms: u64,
    /// Bytes of `Speaker: text` as the track shows it.
    bytes: usize,
    span: Span,
}

/// Reports every moment at which the subtitle text on screen is longer than the track holds.
/// `lines` is parallel to [`Film::shots`], each shot's lines as [`crate::speech`] timed them.
pub fn check(
    film: &Film,
    timing: &FilmTiming,
    lines: &[Vec<TimedLine>],
    diags: &mut Vec<Diagnostic>,
) {
    let cues = cues(film, timing, lines);
    if cues.iter().map(|c| c.bytes + 1).sum::<usize>() <= MAX_SUBTITLE_BYTES {
        return;
    }
    // Sweep over the edges where lines start and end, keeping the set on screen and its size.
    let mut edges: Vec<(u64, bool, usize)> = Vec::with_capacity(cues.len() * 2);
    for (i, c) in cues.iter().enumerate() {
        edges.push((c.start_ms, true, i));
        edges.push((c.end_ms, false, i));
    }
    // At one instant, lines that end leave before lines that start arrive.
    edges.sort_unstable_by_key(|&(ms, starts, i)| (ms, starts, i));
    let mut on_screen: BTreeSet<usize> = BTreeSet::new();
    let mut bytes = 0usize;
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    let mut k = 0;
    while k < edges.len() {
        let at = edges[k].0;
        while k < edges.len() && edges[k].0 == at {
            let (_, starts, i) = edges[k];
            if starts {
                on_screen.insert(i);
                bytes += cues[i].bytes;
            } else if on_screen.remove(&i) {
                bytes -= cues[i].bytes;
            }
            k += 1;
        }
        let shown = bytes + on_screen.len().saturating_sub(1);
        if shown <= MAX_SUBTITLE_BYTES || reported.len() >= MAX_REPORTS {
            continue;
        }
        // Blame the longest line on screen, once.
        let Some(&longest) = on_screen
            .iter()
            .max_by_key(|&&i| (cues[i].bytes, usize::MAX - i))
        else {
            continue;
        };
        if !reported.insert(longest) {
            continue;
        }
        diags.push(overflow(&cues, longest, &on_screen, shown));
    }
}

fn overflow(cues: &[Cue], longest: usize, on_screen: &BTreeSet<usize>, shown: usize) -> Diagnostic {
    let cue = &cues[longest];
    let alone = on_screen.len() == 1;
    let message = if alone {
        format!(
            "this line is {shown} bytes as a subtitle; the MP4 subtitle track holds at most {MAX_SUBTITLE_BYTES} bytes"
        )
    } else {
        format!(
            "{} lines on screen together make a {shown}-byte subtitle; the MP4 subtitle track holds at most {MAX_SUBTITLE_BYTES} bytes",
            on_screen.len()
        )
    };
    let mut d = Diagnostic::new(codes::E0309, cue.span, message)
        .with_label(format!("{} bytes as a subtitle", cue.bytes))
        .with_help(if alone {
            "split the line into several shorter lines"
        } else {
            "shorten these lines, or give them times that do not overlap"
        });
    for &i in on_screen.iter().filter(|&&i| i != longest).take(3) {
        d = d.with_related(cues[i].span, "on screen at the same time");
    }
    d
}

/// Every line of dialogue on the film's timeline, in play order.
fn cues(film: &Film, timing: &FilmTiming, lines: &[Vec<TimedLine>]) -> Vec<Cue> {
    let fps = u64::from(film.fps.0.max(1));
    let ms = |frame: u64| (frame * 1000 + fps / 2) / fps;
    let mut out = Vec::new();
    for ((shot, placed), timed) in film.shots.iter().zip(&timing.shots).zip(lines) {
        let start = u64::from(placed.start);
        let frames = u64::from(placed.frames);
        for (line, timed) in shot.dialogue.iter().zip(timed) {
            // As the renderer's cues: within the shot, from the line's start to its spoken end.
            let from = start + u64::from(timed.start).min(frames);
            let to = start + u64::from(timed.end).min(frames);
            if to <= from || line.text.trim().is_empty() {
                continue;
            }
            let name = film
                .characters
                .get(line.character.index())
                .map_or(0, |c| c.name.len());
            let speaker = match &line.parenthetical {
                Some(p) if !p.is_empty() => name + 3 + p.len(),
                _ => name,
            };
            out.push(Cue {
                start_ms: ms(from),
                end_ms: ms(to),
                bytes: speaker + 2 + shown_text_len(&line.text),
                span: line.span,
            });
        }
    }
    out
}

/// Bytes of a line's text as a subtitle: its lines trimmed, blank ones dropped, joined by
/// newlines.
fn shown_text_len(text: &str) -> usize {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.iter().map(|l| l.len()).sum::<usize>() + lines.len().saturating_sub(1)
}
