//! Hover: a name's definition; a shot's place in the film from the plan.

use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_syntax::ast::*;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use crate::index::NameKind;
use crate::project::{Analysis, Project};
use crate::timecode;

/// The last plan of the film this file belongs to.
pub struct PlanView<'a> {
    pub schedule: &'a FilmSchedule,
    /// The plan is from an earlier, error-free version of the text.
    pub stale: bool,
}

pub fn hover(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
    plan: Option<PlanView>,
) -> Option<Hover> {
    let target = crate::navigation::target_at(project, file, offset);
    let (markdown, span) = match target {
        Some(t) if t.kind == NameKind::Shot => {
            let mut md = match &t.resolved {
                Some(r) => crate::describe::markdown(&r.file, &r.def),
                None => format!("**shot `{}`** (not defined)", t.name),
            };
            if let Some(plan) = &plan {
                // On the shot's own name, show its first keyframe; elsewhere the shot's.
                md.push_str(&shot_section(plan, &t.name, 0));
            }
            (md, t.span)
        }
        Some(t) => {
            let md = match &t.resolved {
                Some(r) => crate::describe::markdown(&r.file, &r.def),
                None if t.kind == NameKind::Camera
                    && crate::stdlib::FRAMINGS.contains(&t.name.as_str()) =>
                {
                    format!(
                        "**camera `{}`** — a built-in framing at eye height with a 50mm lens",
                        t.name
                    )
                }
                None => format!("**{} `{}`** is not defined", t.kind.word(), t.name),
            };
            (md, t.span)
        }
        None => {
            // Inside a shot but not on a name: the shot's timing and the prompt at the keyframe
            // under the cursor.
            let (shot, statement) = shot_at(file, offset)?;
            let plan = plan?;
            let frame = match statement.map(|s| &s.kind) {
                Some(StatementKind::Prompt { at: Some(at), .. }) => {
                    time_frames(at, plan.schedule.fps)
                }
                _ => Some(0),
            }?;
            let md = format!(
                "**shot `{}`**{}",
                shot.name.name,
                shot_section(&plan, &shot.name.name, frame)
            );
            let span = statement.map_or(shot.name.span, |s| s.span);
            (md, span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(file.span_range(span)),
    })
}

/// The shot (and statement) containing `offset`.
pub fn shot_at(file: &Analysis, offset: usize) -> Option<(&ShotDef, Option<&Statement>)> {
    for item in &file.parse.file.items {
        let ItemKind::Scene(scene) = &item.kind else {
            continue;
        };
        if !item.span.contains(offset) {
            continue;
        }
        for si in &scene.items {
            if let SceneItemKind::Shot(shot) = &si.kind {
                if si.span.contains(offset) {
                    let st = shot.statements.iter().find(|s| s.span.contains(offset));
                    return Some((shot, st));
                }
            }
        }
    }
    None
}

/// A time value in frames at `fps`, rounding to the nearest frame.
pub fn time_frames(v: &Value, fps: u32) -> Option<u32> {
    let ValueKind::Number(n) = &v.kind else {
        return None;
    };
    let seconds = match n.unit? {
        Unit::Seconds => n.value,
        Unit::Millis => n.value / 1000.0,
        Unit::Frames => return Some(n.value.max(0.0) as u32),
        _ => return None,
    };
    Some((seconds * fps as f64 + 0.5).floor().max(0.0) as u32)
}

fn shot_section(plan: &PlanView, name: &str, frame: u32) -> String {
    let Some(shot) = plan.schedule.shots.iter().find(|s| s.name == name) else {
        return if plan.stale {
            "\n\n_not planned yet: the film has errors_".to_owned()
        } else {
            String::new()
        };
    };
    section(plan.schedule.fps, shot, frame, plan.stale)
}

fn section(fps: u32, shot: &ShotSchedule, frame: u32, stale: bool) -> String {
    let start = shot.start_frame.0;
    let mut out = String::new();
    out.push_str(&format!(
        "\n\n- **starts** {} (film frame {start})\n- **duration** {} frames ({:.2}s at {fps} fps)\n- **scene** {}",
        timecode::format(start, fps),
        shot.frames.0,
        shot.frames.0 as f64 / fps.max(1) as f64,
        shot.scene,
    ));
    if !shot.camera_text.is_empty() {
        out.push_str(&format!("\n- **camera** {}", shot.camera_text));
    }
    if let Some(c) = &shot.continues {
        out.push_str(&format!("\n- **continues** `{c}`"));
    }
    let key = shot
        .prompt_keyframes
        .iter()
        .rev()
        .find(|k| k.frame.0 <= frame)
        .or(shot.prompt_keyframes.first());
    if let Some(key) = key {
        out.push_str(&format!(
            "\n\n**prompt at frame {}** ({}):\n\n> {}",
            key.frame.0,
            timecode::format(start + key.frame.0, fps),
            key.text
        ));
    }
    if stale {
        out.push_str("\n\n_from the last version without errors_");
    }
    out
}
