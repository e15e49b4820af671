//! Inlay hints: each shot's start time code in the film, after its header, and each line of
//! dialogue's spoken length after its text (measured by the scratch voice, or `≈` estimated at
//! 15 characters a second without eSpeak NG).

use std::ops::Range;

use scene_plan::schedule::{FilmSchedule, ShotSchedule, SpeechTimingKind};
use scene_syntax::ast::*;

use crate::analysis::Analysis;

/// A hint: text shown at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
}

/// The hints whose offset lies in `range`.
pub fn hints(file: &Analysis, schedule: &FilmSchedule, range: Range<usize>) -> Vec<Hint> {
    let mut out = Vec::new();
    for item in &file.parse.file.items {
        let ItemKind::Scene(scene) = &item.kind else {
            continue;
        };
        for si in &scene.items {
            let SceneItemKind::Shot(shot) = &si.kind else {
                continue;
            };
            let at = shot.duration.span.end as usize;
            if at < range.start || at > range.end {
                continue;
            }
            let Some(planned) = schedule.shots.iter().find(|s| s.name == shot.name.name) else {
                continue;
            };
            out.push(Hint {
                offset: at,
                label: format!(
                    "@ {}",
                    crate::ide::timecode::format(planned.start_frame.0, schedule.fps)
                ),
            });
        }
    }
    for item in &file.parse.file.items {
        let ItemKind::Scene(scene) = &item.kind else {
            continue;
        };
        for si in &scene.items {
            let SceneItemKind::Shot(shot) = &si.kind else {
                continue;
            };
            if let Some(planned) = schedule.shots.iter().find(|s| s.name == shot.name.name) {
                spoken_lengths(shot, planned, schedule, &range, &mut out);
            }
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// A hint after each `says "…"` of `shot` in `range`: the line's spoken length.
///
/// The schedule's lines are in time order and carry no source position, so the n-th line a
/// character says with a given text in the source is the n-th such line of the planned shot.
fn spoken_lengths(
    shot: &ShotDef,
    planned: &ShotSchedule,
    schedule: &FilmSchedule,
    range: &Range<usize>,
    out: &mut Vec<Hint>,
) {
    let estimated = schedule.speech.timing == SpeechTimingKind::ReadingEstimate;
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for statement in &shot.statements {
        let StatementKind::Character(stmt) = &statement.kind else {
            continue;
        };
        for action in &stmt.actions {
            let ActionKind::Says { text, .. } = &action.kind else {
                continue;
            };
            let key = (stmt.character.name.as_str(), text.value.as_str());
            let nth = seen.iter().filter(|k| **k == key).count();
            seen.push(key);
            let at = text.span.end as usize;
            if at < range.start || at > range.end {
                continue;
            }
            let Some(line) = planned
                .dialogue
                .iter()
                .filter(|l| l.character == key.0 && l.text == key.1)
                .nth(nth)
            else {
                continue;
            };
            out.push(Hint {
                offset: at,
                label: format!(
                    "{}{}",
                    if estimated { "≈" } else { "" },
                    scene_plan::speech::seconds_text(line.spoken_ms)
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    const FILM: &str = "character aiko { description \"a woman\" }\n\
location street { description \"a street\" }\n\
scene s at street {\n  shot a 6s {\n    aiko at center\n    aiko says \"Hi.\"\n    aiko says \"It has been thirty chars long.\"\n    aiko says \"Hi.\"\n  }\n}\n";

    fn schedule() -> FilmSchedule {
        let dir = tempfile::tempdir().unwrap();
        let entry = dir.path().join("film.scene");
        std::fs::write(&entry, FILM).unwrap();
        let checked = scene_check::check_entry(&entry, &scene_check::RealFs);
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        scene_plan::plan(&checked.film, &scene_voice::ReadingSpeed::new("test")).schedule
    }

    #[test]
    fn each_line_shows_its_spoken_length_after_its_text() {
        let mut fixture = Fixture::new(FILM);
        let file = fixture.file();
        let hints = hints(&file, &schedule(), 0..FILM.len());
        let labels: Vec<(&str, &str)> = hints
            .iter()
            .map(|h| (&FILM[..h.offset], h.label.as_str()))
            .map(|(before, label)| (before.rsplit('"').nth(1).unwrap_or(""), label))
            .collect();
        // Estimated without a speech engine: marked `≈`. The second "Hi." is matched to the
        // second planned line with that text.
        assert_eq!(
            labels[1..],
            [
                ("Hi.", "≈1s"),
                ("It has been thirty chars long.", "≈2s"),
                ("Hi.", "≈1s"),
            ]
        );
        assert!(hints[0].label.starts_with("@ "), "{hints:?}");
    }
}
