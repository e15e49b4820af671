//! Inlay hints: each shot's start time code in the film, after its header.

use std::ops::Range;

use scene_plan::schedule::FilmSchedule;
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
    out
}
