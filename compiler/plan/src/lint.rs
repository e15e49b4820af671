//! Warnings only a plan can give: what the writer wrote, checked against what the schedule will
//! make of it (docs/diagnostics.md, W04xx). The checker sees statements; these need the camera
//! and the subjects' boxes frame by frame, so `scenec check` and the language server plan an
//! error-free film and add them.

use scene_check::film::{Film, Shot, ShotId};
use scene_check::Sources;
use scene_syntax::{Code, Diagnostic};

use crate::blocking::{self, Track};
use crate::camera::{Rig, PERSON_WIDTH_M};
use crate::schedule::{FilmSchedule, ShotSchedule, TokenCounter};
use crate::tokens::{self, TextBudget};

/// A subject the shot names leaves the frame for more than half a second because the camera
/// moves off it.
pub const W0401: Code = Code("W0401");
/// A subject's entrance ends where another subject stands.
pub const W0402: Code = Code("W0402");
/// A composed prompt is longer than the backend's text encoder reads.
pub const W0403: Code = Code("W0403");

/// Every code this module gives, in order.
pub const ALL: &[Code] = &[W0401, W0402, W0403];

/// The plan's warnings for `film` (error-free) and its `schedule`, sorted like the checker's.
pub fn lint(
    film: &Film,
    sources: &Sources,
    schedule: &FilmSchedule,
    budget: TextBudget,
) -> Vec<Diagnostic> {
    let aspect = crate::aspect(film);
    let mut out = Vec::new();
    for (i, planned) in schedule.shots.iter().enumerate() {
        let shot = film.shot(ShotId(i as u32));
        let rig = Rig::of(film, shot);
        let tracks = blocking::tracks(shot, &rig, aspect);
        leaves_frame(
            film, sources, shot, planned, &rig, &tracks, aspect, &mut out,
        );
        entrances(film, shot, &tracks, &mut out);
        prompt_length(shot, planned, budget, &mut out);
    }
    out.sort_by(|a, b| {
        (a.span.file, a.span.start, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.code,
            &b.message,
        ))
    });
    out
}

/// `1.5s` for a frame count at `fps`.
fn seconds(frames: u32, fps: u32) -> String {
    let s = frames as f64 / fps.max(1) as f64;
    let text = format!("{s:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}s")
}

fn centre_in_frame(b: [f64; 4]) -> bool {
    let (cx, cy) = (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0);
    b[2] > 0.0 && (0.0..=1.0).contains(&cx) && (0.0..=1.0).contains(&cy)
}

/// W0401: runs of frames, longer than half a second, in which a subject's box centre is outside
/// the frame although the shot's opening camera would still see it there: the camera moved off
/// the subject, the subject did not walk out.
#[allow(clippy::too_many_arguments)]
fn leaves_frame(
    film: &Film,
    sources: &Sources,
    shot: &Shot,
    planned: &ShotSchedule,
    rig: &Rig,
    tracks: &[Track],
    aspect: f64,
    out: &mut Vec<Diagnostic>,
) {
    let fps = film.fps.0;
    let stage = &crate::blocking::StageTracks(tracks);
    let Some(opening) = planned.camera.first() else {
        return;
    };
    let longest_allowed = fps / 2;
    for (track, subject) in tracks.iter().zip(&planned.subjects) {
        let lost: Vec<bool> = subject
            .boxes
            .iter()
            .zip(&track.positions)
            .map(|(b, feet)| {
                !centre_in_frame(*b)
                    && centre_in_frame(blocking::screen_box(opening, *feet, aspect))
            })
            .collect();
        let mut f = 1usize;
        while f < lost.len() {
            if !(lost[f] && !lost[f - 1] && centre_in_frame(subject.boxes[f - 1])) {
                f += 1;
                continue;
            }
            let start = f;
            while f < lost.len() && lost[f] {
                f += 1;
            }
            let run = (f - start) as u32;
            if run <= longest_allowed {
                continue;
            }
            let start = start as u32;
            // The move that carried the camera off: the first without which the subject would
            // be in frame then; failing that, one running then, else the last one finished.
            let moves = &shot.camera.moves;
            let started: Vec<usize> = (0..moves.len())
                .filter(|&i| moves[i].start.0 <= start)
                .collect();
            let without = |i: usize| {
                let mut alone = shot.clone();
                alone.camera.moves.remove(i);
                let camera = crate::camera::track(&alone, rig, stage, aspect, fps, planned.seed);
                camera.get(start as usize).is_some_and(|c| {
                    centre_in_frame(blocking::screen_box(
                        c,
                        track.positions[start as usize],
                        aspect,
                    ))
                })
            };
            let cause = started
                .iter()
                .copied()
                .find(|&i| without(i))
                .or_else(|| {
                    started
                        .iter()
                        .copied()
                        .max_by_key(|&i| (moves[i].end.0 > start, moves[i].start.0))
                })
                .map(|i| &moves[i]);
            let Some(cause) = cause else {
                continue;
            };
            let written = sources.snippet(cause.span).trim().to_string();
            let id = &subject.character;
            out.push(
                Diagnostic::new(
                    W0401,
                    cause.span,
                    format!(
                        "{} leaves the frame at {} for {}: `{written}` moves the camera off {id}",
                        subject.name,
                        seconds(start, fps),
                        seconds(run, fps),
                    ),
                )
                .with_label(format!("{id} is out of frame from {}", seconds(start, fps)))
                .with_help(format!(
                    "add `keep {id}` to the camera so it turns to keep {id} in frame, or tilt or \
                     pan toward {id} as it moves"
                )),
            );
        }
    }
}

/// W0402: an entrance (a key off screen, then one on screen) that ends within a person's width
/// of where another subject stands then.
fn entrances(film: &Film, shot: &Shot, tracks: &[Track], out: &mut Vec<Diagnostic>) {
    let fps = film.fps.0;
    for b in &shot.blocking {
        let Some(own) = tracks.iter().find(|t| t.character == b.character) else {
            continue;
        };
        for pair in b.keys.windows(2) {
            let (from, to) = (pair[0].at, pair[1].at);
            let entering = !(0.0..=1.0).contains(&from.x) && (0.0..=1.0).contains(&to.x);
            if !entering {
                continue;
            }
            let end = pair[1].frame.0;
            let last = own.positions.len().saturating_sub(1);
            let Some(here) = own.positions.get((end as usize).min(last)) else {
                continue;
            };
            for other in tracks.iter().filter(|t| t.character != b.character) {
                let Some(there) = other.positions.get((end as usize).min(last)) else {
                    continue;
                };
                let (dx, dz) = (here.x - there.x, here.z - there.z);
                if (dx * dx + dz * dz).sqrt() >= PERSON_WIDTH_M {
                    continue;
                }
                let name = &film.character(b.character).id;
                let on = &film.character(other.character).id;
                out.push(
                    Diagnostic::new(
                        W0402,
                        b.span,
                        format!(
                            "{name}'s entrance ends on {on} at {}: both stand in one place",
                            seconds(end, fps)
                        ),
                    )
                    .with_label(format!("{name} walks to where {on} stands"))
                    .with_help(format!(
                        "say where {name} walks to, such as `{name} enters left, walks to left`, \
                         or place {on} elsewhere"
                    )),
                );
            }
        }
    }
}

/// W0403: the shot's longest prompt, when the backend's encoder reads fewer tokens.
fn prompt_length(
    shot: &Shot,
    planned: &ShotSchedule,
    budget: TextBudget,
    out: &mut Vec<Diagnostic>,
) {
    let over: Vec<_> = planned
        .prompt_keyframes
        .iter()
        .filter(|k| k.tokens.count > budget.tokens)
        .collect();
    let Some(longest) = over.iter().max_by_key(|k| k.tokens.count) else {
        return;
    };
    let Some(cut) = tokens::cut_at(&longest.text, budget.tokens) else {
        return;
    };
    let dropped: Vec<&str> = longest.text[cut..].split_whitespace().collect();
    // A long cut shows its first and last words: where the cut falls, and that it reaches the
    // end of the prompt.
    const SHOWN: usize = 20;
    let named = if dropped.len() > 2 * SHOWN {
        format!(
            "{} … ({} words) … {}",
            dropped[..SHOWN].join(" "),
            dropped.len() - 2 * SHOWN,
            dropped[dropped.len() - SHOWN..].join(" ")
        )
    } else {
        dropped.join(" ")
    };
    let about = match longest.tokens.counted_by {
        TokenCounter::Estimate => "about ",
        TokenCounter::Tokenizer => "",
    };
    let others = if over.len() > 1 {
        format!(" ({} of its prompts are too long)", over.len())
    } else {
        String::new()
    };
    out.push(
        Diagnostic::new(
            W0403,
            shot.span,
            format!(
                "the prompt of shot `{}` at frame {} is {about}{} tokens; {} reads {}{others}",
                shot.id, longest.frame.0, longest.tokens.count, budget.backend, budget.tokens
            ),
        )
        .with_label(format!("{} would not see its last words", budget.backend))
        .with_help(format!(
            "these words would be cut: \"{named}\"; shorten the shot's text, actions or \
             descriptions, or the look's style"
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_like_the_script() {
        assert_eq!(seconds(36, 24), "1.5s");
        assert_eq!(seconds(24, 24), "1s");
        assert_eq!(seconds(7, 24), "0.29s");
    }
}
