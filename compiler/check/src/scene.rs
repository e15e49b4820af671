//! Scenes in play order: their shots, the transitions joining shots, and scene-level cues. Once
//! every shot is known, `continues` links are resolved.

use std::collections::BTreeMap;

use scene_syntax::ast::{self, SceneItemKind, ShotDef, TransitionDef};
use scene_syntax::{Diagnostic, Span};

use crate::codes;
use crate::context::{seconds_text, Cx};
use crate::continuity::continuity;
use crate::cues;
use crate::film::{Film, LocationId, Scene, SceneId, Shot, ShotId, Transition, TransitionKind};
use crate::names::Kind;
use crate::shot::shot;
use crate::units::{Fps, Frames};
use crate::values::{self as v, Slot};

/// Where the film stands while its scenes are read in play order.
#[derive(Default)]
struct Cursor {
    /// Each shot name with where it was first used: shot names are unique within a film.
    shot_names: BTreeMap<String, Span>,
    /// `continues` names, resolved once every shot is known.
    continues: Vec<(ShotId, ast::Ident)>,
    /// A transition waiting for the shot after it.
    pending: Option<Transition>,
    /// The last shot read so far: transitions need one before them.
    previous_shot: Option<ShotId>,
}

pub fn scenes(cx: &mut Cx, film: &mut Film) {
    let scene_defs: Vec<&ast::SceneDef> = cx.names.scenes.entries.iter().map(|(_, d)| *d).collect();
    let mut cursor = Cursor::default();
    for def in scene_defs {
        if let Some(scene) = scene(cx, def, film, &mut cursor) {
            film.scenes.push(scene);
        }
    }
    if let Some(t) = cursor.pending {
        cx.diags.push(misplaced(t.span, "a transition after the last shot of the film").with_help(
            "only `fade to black` may end a film; remove this transition or add a shot after it",
        ));
    }
    continuity(cx, film, &cursor.continues);
}

/// One scene, its shots added to the film; `None` when there is nowhere to set it.
fn scene(cx: &mut Cx, def: &ast::SceneDef, film: &mut Film, cursor: &mut Cursor) -> Option<Scene> {
    let location = match cx.resolve(Kind::Location, &def.location, true) {
        Some(id) => LocationId(id),
        None if !film.locations.is_empty() => LocationId(0),
        None => return None,
    };
    let scene_id = SceneId(film.scenes.len() as u32);
    let mut scene = Scene {
        id: def.name.name.clone(),
        span: def.name.span,
        location,
        shots: Vec::new(),
        transition_in: None,
        plays: Vec::new(),
        stops: Vec::new(),
    };
    for item in &def.items {
        match &item.kind {
            SceneItemKind::Transition(t) => {
                transition_item(cx, t, item.span, film, &mut scene, cursor)
            }
            SceneItemKind::Shot(shot_def) => {
                shot_item(cx, shot_def, scene_id, film, &mut scene, cursor)
            }
            SceneItemKind::Play(cue) => {
                if let Some(play) = cues::play_cue(cx, cue, None, film) {
                    scene.plays.push(play);
                }
            }
            SceneItemKind::Stop(cue) => {
                if let Some(stop) = cues::stop_cue(cx, cue, None, film) {
                    scene.stops.push(stop);
                }
            }
        }
    }
    // A scene-level `stop` acts at the scene's last frame.
    let length = scene_length(&scene, film);
    for stop in &mut scene.stops {
        stop.frame = Frames(length.saturating_sub(1));
    }
    Some(scene)
}

/// A transition item: `fade to black` ends the shot before it; any other waits for the shot
/// after it (and, as the scene's first item, joins the scene to the one before).
fn transition_item(
    cx: &mut Cx,
    t: &TransitionDef,
    span: Span,
    film: &mut Film,
    scene: &mut Scene,
    cursor: &mut Cursor,
) {
    let Some(transition) = transition(cx, t, span) else {
        return;
    };
    if transition.kind == TransitionKind::FadeToBlack {
        match (cursor.previous_shot, &cursor.pending) {
            (Some(prev), None) => {
                let shot = &mut film.shots[prev.index()];
                if transition.frames > shot.frames {
                    cx.diags.push(too_long(&transition, shot, cx.fps));
                }
                shot.fade_out = Some(transition);
            }
            _ => cx.diags.push(misplaced(
                span,
                "`fade to black` needs a shot right before it",
            )),
        }
        return;
    }
    if let Some(p) = &cursor.pending {
        cx.diags.push(
            misplaced(span, "two transitions in a row")
                .with_related(p.span, "the transition before it"),
        );
        return;
    }
    if cursor.previous_shot.is_none() {
        cx.diags.push(misplaced(
            span,
            "a transition before the first shot of the film",
        ));
        return;
    }
    if scene.shots.is_empty() {
        scene.transition_in = Some(transition);
    }
    cursor.pending = Some(transition);
}

/// A shot item, joined to the shot before it by the pending transition (a cut when none).
fn shot_item(
    cx: &mut Cx,
    def: &ShotDef,
    scene_id: SceneId,
    film: &mut Film,
    scene: &mut Scene,
    cursor: &mut Cursor,
) {
    let id = ShotId(film.shots.len() as u32);
    if let Some(first) = cursor.shot_names.get(&def.name.name) {
        cx.diags.push(
            Diagnostic::new(
                codes::E0111,
                def.name.span,
                format!("the shot name `{}` is used twice", def.name.name),
            )
            .with_label("used again here")
            .with_related(*first, "first used here")
            .with_help("shot names are unique within a film: rename one"),
        );
    } else {
        cursor
            .shot_names
            .insert(def.name.name.clone(), def.name.span);
    }
    let transition_in = cursor.pending.take().unwrap_or(Transition {
        kind: TransitionKind::Cut,
        frames: Frames(0),
        span: def.name.span,
    });
    let (shot, continued) = shot(cx, def, scene_id, transition_in, film);
    if let Some(prev) = cursor.previous_shot {
        join_fits(cx, &film.shots[prev.index()], &shot);
    }
    if let Some(ident) = continued {
        cursor.continues.push((id, ident));
    }
    film.shots.push(shot);
    scene.shots.push(id);
    cursor.previous_shot = Some(id);
}

/// Reports a transition into `shot` that lasts longer than it or the shot `prev` before it.
fn join_fits(cx: &mut Cx, prev: &Shot, shot: &Shot) {
    let t = shot.transition_in;
    if t.kind != TransitionKind::Cut && (t.frames > prev.frames || t.frames > shot.frames) {
        let short = if prev.frames < shot.frames {
            prev
        } else {
            shot
        };
        cx.diags.push(too_long(&t, short, cx.fps));
    }
}

/// Frames from a scene's first frame to its last, overlaps of dissolves and wipes taken off.
fn scene_length(scene: &Scene, film: &Film) -> u32 {
    let mut total: u32 = 0;
    for (i, id) in scene.shots.iter().enumerate() {
        let shot = film.shot(*id);
        // The scene's first shot joins the previous scene: that overlap is not the scene's.
        let overlap = if i > 0 {
            shot.transition_in.overlap().0
        } else {
            0
        };
        total = total.saturating_add(shot.frames.0).saturating_sub(overlap);
    }
    total
}

fn misplaced(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(codes::E0407, span, what.to_string())
        .with_label("misplaced transition")
        .with_help("a transition joins the shot before it to the shot after it")
}

fn too_long(t: &Transition, shot: &Shot, fps: Fps) -> Diagnostic {
    Diagnostic::new(
        codes::E0405,
        t.span,
        format!(
            "this transition lasts {}, longer than the shot `{}` ({})",
            seconds_text(t.frames.0, fps),
            shot.id,
            seconds_text(shot.frames.0, fps)
        ),
    )
    .with_label("longer than a shot it touches")
    .with_related(
        shot.span,
        format!("`{}` is {} long", shot.id, seconds_text(shot.frames.0, fps)),
    )
    .with_help(format!(
        "make the transition at most {}",
        seconds_text(shot.frames.0, fps)
    ))
}

fn transition(cx: &mut Cx, t: &TransitionDef, span: Span) -> Option<Transition> {
    let kind = match t.kind.node {
        ast::TransitionKind::Cut => TransitionKind::Cut,
        ast::TransitionKind::Dissolve => TransitionKind::Dissolve,
        ast::TransitionKind::Fade => TransitionKind::Fade,
        ast::TransitionKind::FadeToBlack => TransitionKind::FadeToBlack,
        ast::TransitionKind::WipeLeft => TransitionKind::WipeLeft,
        ast::TransitionKind::WipeRight => TransitionKind::WipeRight,
    };
    let frames = match (&t.duration, kind) {
        (_, TransitionKind::Cut) => Frames(0),
        (Some(d), _) => {
            v::positive_duration(d, Slot::new("a transition", "1s"), cx.fps, &mut cx.diags)?
        }
        (None, _) => {
            cx.diags.push(
                Diagnostic::new(codes::E0203, span, "this transition needs a duration")
                    .with_label("missing duration")
                    .with_help("write a duration after it, such as `dissolve 1s`"),
            );
            return None;
        }
    };
    Some(Transition { kind, frames, span })
}
