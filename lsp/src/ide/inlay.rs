//! Inlay hints: each shot's start time code in the film, after its header.

use scene_plan::schedule::FilmSchedule;
use scene_syntax::ast::*;
use tower_lsp_server::ls_types::{InlayHint, InlayHintKind, InlayHintLabel, Range};

use crate::project::Analysis;

pub fn hints(file: &Analysis, schedule: &FilmSchedule, range: Range) -> Vec<InlayHint> {
    let (from, to) = (file.offset(range.start), file.offset(range.end));
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
            if at < from || at > to {
                continue;
            }
            let Some(planned) = schedule.shots.iter().find(|s| s.name == shot.name.name) else {
                continue;
            };
            out.push(InlayHint {
                position: file.lines.position(&file.text, at),
                label: InlayHintLabel::String(format!(
                    "@ {}",
                    crate::timecode::format(planned.start_frame.0, schedule.fps)
                )),
                kind: Some(InlayHintKind::TYPE),
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: Some(false),
                data: None,
            });
        }
    }
    out
}
