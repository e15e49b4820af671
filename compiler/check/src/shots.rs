//! Scenes and shots: play order, transitions, camera, statements, cues, continuity.

use std::collections::BTreeMap;

use scene_syntax::ast::{
    self, CameraClause, LensSpec, MoveTiming, SceneItemKind, ShotDef, SoundTarget, StatementKind,
    TransitionDef, Value,
};
use scene_syntax::{Diagnostic, Span};

use crate::assets::Want;
use crate::blocking::{self, ShotTime, Stage};
use crate::codes;
use crate::defs::{self, FRAMINGS};
use crate::film::*;
use crate::lower::{unknown_field, Cx};
use crate::names::{self, Kind};
use crate::units::{Angle, Distance, FocalLength, Fps, Fraction, Frames, Gain};
use crate::values::{self as v, Slot};

pub const SHOT_SETTINGS: &[&str] = &[
    "seed", "guidance", "strength", "look", "style", "negative", "steps",
];
/// The video model cannot tell apart conditioning images closer than this.
pub const MIN_KEYFRAME_GAP: u32 = 8;

/// `1.5s`, `6s`, `0.04s`: a frame count in seconds for messages.
pub fn seconds_text(frames: u32, fps: Fps) -> String {
    let s = frames as f64 / fps.0.max(1) as f64;
    let text = format!("{s:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}s")
}

struct PendingTransition {
    transition: Transition,
}

pub fn scenes(cx: &mut Cx, film: &mut Film) {
    let scene_defs: Vec<&ast::SceneDef> = cx.names.scenes.entries.iter().map(|(_, d)| *d).collect();
    let mut shot_names: BTreeMap<String, Span> = BTreeMap::new();
    let mut continues: Vec<(ShotId, ast::Ident)> = Vec::new();
    let mut pending: Option<PendingTransition> = None;
    // The previous item of the film was a shot (and which): transitions need one before them.
    let mut previous_shot: Option<ShotId> = None;

    for def in scene_defs {
        let location = match cx.resolve(Kind::Location, &def.location, true) {
            Some(id) => LocationId(id),
            None if !film.locations.is_empty() => LocationId(0),
            None => {
                // Nothing to set the scene in; still check its shots' names against duplicates.
                continue;
            }
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
                    let Some(transition) = transition(cx, t, item.span) else {
                        continue;
                    };
                    if transition.kind == TransitionKind::FadeToBlack {
                        match (previous_shot, &pending) {
                            (Some(prev), None) => {
                                let shot = &mut film.shots[prev.index()];
                                if transition.frames > shot.frames {
                                    cx.diags.push(too_long(&transition, shot, cx.fps));
                                }
                                shot.fade_out = Some(transition);
                            }
                            _ => cx.diags.push(misplaced(
                                item.span,
                                "`fade to black` needs a shot right before it",
                            )),
                        }
                        continue;
                    }
                    if let Some(p) = &pending {
                        cx.diags.push(
                            misplaced(item.span, "two transitions in a row")
                                .with_related(p.transition.span, "the transition before it"),
                        );
                        continue;
                    }
                    if previous_shot.is_none() {
                        cx.diags.push(misplaced(
                            item.span,
                            "a transition before the first shot of the film",
                        ));
                        continue;
                    }
                    if scene.shots.is_empty() {
                        scene.transition_in = Some(transition);
                    }
                    pending = Some(PendingTransition { transition });
                }
                SceneItemKind::Shot(shot_def) => {
                    let id = ShotId(film.shots.len() as u32);
                    if let Some(first) = shot_names.get(&shot_def.name.name) {
                        cx.diags.push(
                            Diagnostic::new(
                                codes::E0111,
                                shot_def.name.span,
                                format!("the shot name `{}` is used twice", shot_def.name.name),
                            )
                            .with_label("used again here")
                            .with_related(*first, "first used here")
                            .with_help("shot names are unique within a film: rename one"),
                        );
                    } else {
                        shot_names.insert(shot_def.name.name.clone(), shot_def.name.span);
                    }
                    let transition_in = match pending.take() {
                        Some(p) => p.transition,
                        None => Transition {
                            kind: TransitionKind::Cut,
                            frames: Frames(0),
                            span: shot_def.name.span,
                        },
                    };
                    let (shot, continued) =
                        shot(cx, shot_def, item.span, scene_id, transition_in, film);
                    if let Some(prev) = previous_shot {
                        let t = shot.transition_in;
                        let prev_shot = &film.shots[prev.index()];
                        if t.kind != TransitionKind::Cut
                            && (t.frames > prev_shot.frames || t.frames > shot.frames)
                        {
                            let short = if prev_shot.frames < shot.frames {
                                prev_shot
                            } else {
                                &shot
                            };
                            cx.diags.push(too_long(&t, short, cx.fps));
                        }
                    }
                    if let Some(ident) = continued {
                        continues.push((id, ident));
                    }
                    film.shots.push(shot);
                    scene.shots.push(id);
                    previous_shot = Some(id);
                }
                SceneItemKind::Play(cue) => {
                    if let Some(play) = play_cue(cx, cue, None, film) {
                        scene.plays.push(play);
                    }
                }
                SceneItemKind::Stop(cue) => {
                    if let Some(stop) = stop_cue(cx, cue, None, film) {
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
        film.scenes.push(scene);
    }
    if let Some(p) = pending {
        cx.diags.push(misplaced(p.transition.span, "a transition after the last shot of the film").with_help(
            "only `fade to black` may end a film; remove this transition or add a shot after it",
        ));
    }
    continuity(cx, film, &continues);
}

/// Frames from a scene's first frame to its last, overlaps of dissolves and wipes taken off.
fn scene_length(scene: &Scene, film: &Film) -> u32 {
    let mut total: u32 = 0;
    for (i, id) in scene.shots.iter().enumerate() {
        let shot = film.shot(*id);
        let overlap = match shot.transition_in.kind {
            TransitionKind::Dissolve | TransitionKind::WipeLeft | TransitionKind::WipeRight
                if i > 0 =>
            {
                shot.transition_in.frames.0
            }
            _ => 0,
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

struct ShotState<'d> {
    camera: Option<Span>,
    lens: Option<Span>,
    continues: Option<&'d ast::Ident>,
    continues_span: Option<Span>,
    settings: BTreeMap<&'d str, Span>,
}

/// Lowers one shot; returns it with the `continues` name to resolve once every shot is known.
fn shot(
    cx: &mut Cx,
    def: &ShotDef,
    span: Span,
    scene: SceneId,
    transition_in: Transition,
    film: &Film,
) -> (Shot, Option<ast::Ident>) {
    let fps = cx.fps;
    let max = 60 * fps.0;
    let frames = match v::time(&def.duration, Slot::new("a shot", "6s"), &mut cx.diags) {
        Some(t) => {
            let f = t.frames(fps).0;
            if t.negative || f == 0 || f > max {
                cx.diags.push(
                    Diagnostic::new(
                        codes::E0303,
                        def.duration.span,
                        format!(
                            "a shot lasts from one frame to 60s, not {}",
                            v::written(&def.duration)
                        ),
                    )
                    .with_label(if f > max {
                        "longer than 60s"
                    } else {
                        "shorter than one frame"
                    })
                    .with_help(
                        "split a long shot into several shots, or give a short one at least `1f`",
                    ),
                );
            }
            f.clamp(1, max)
        }
        None => fps.0 * 4,
    };
    let describe = format!("the {} shot `{}`", seconds_text(frames, fps), def.name.name);
    let timing = ShotTime {
        frames,
        fps,
        describe: &describe,
    };
    let mut shot = Shot {
        id: def.name.name.clone(),
        span: def.name.span,
        scene,
        frames: Frames(frames),
        transition_in,
        fade_out: None,
        camera: ShotCamera {
            preset: None,
            on: None,
            moves: Vec::new(),
            lens: None,
            span: None,
        },
        blocking: Vec::new(),
        prompts: Vec::new(),
        actions: Vec::new(),
        dialogue: Vec::new(),
        plays: Vec::new(),
        stops: Vec::new(),
        continues: None,
        keyframes: Vec::new(),
        titles: Vec::new(),
        overrides: ShotOverrides::default(),
    };
    let _ = span;
    let mut state = ShotState {
        camera: None,
        lens: None,
        continues: None,
        continues_span: None,
        settings: BTreeMap::new(),
    };
    let mut stage = Stage::default();
    for statement in &def.statements {
        let s = statement.span;
        match &statement.kind {
            StatementKind::Camera(camera) => {
                if let Some(first) = state.camera {
                    cx.diags.push(twice(s, first, "`camera`", "a shot has one `camera` statement; put every move in it, separated by commas"));
                    continue;
                }
                state.camera = Some(s);
                shot.camera.span = Some(s);
                shot.camera.preset = preset(cx, &camera.preset);
                if let Some(on) = &camera.on {
                    shot.camera.on = cx.resolve(Kind::Character, on, false).map(CharacterId);
                }
                for clause in &camera.clauses {
                    match clause {
                        CameraClause::Move(m) => {
                            if let Some(mv) = camera_move(cx, m, &timing) {
                                shot.camera.moves.push(mv);
                            }
                        }
                        CameraClause::Lens(spec) => lens(cx, spec, &timing, &mut state, &mut shot),
                    }
                }
            }
            StatementKind::Lens(spec) => lens(cx, spec, &timing, &mut state, &mut shot),
            StatementKind::Character(stmt) => {
                let Some(id) = cx.resolve(Kind::Character, &stmt.character, false) else {
                    continue;
                };
                stage.chain(CharacterId(id), &stmt.actions, &timing, &mut cx.diags);
            }
            StatementKind::Prompt { at, text } => {
                let frame = match at {
                    Some(t) => match blocking::time_point(t, &timing, &mut cx.diags) {
                        Some(f) => f,
                        None => continue,
                    },
                    None => 0,
                };
                shot.prompts.push(PromptKey {
                    frame: Frames(frame),
                    text: text.value.clone(),
                    span: s,
                });
            }
            StatementKind::Play(cue) => {
                if let Some(play) = play_cue(cx, cue, Some(&timing), film) {
                    shot.plays.push(play);
                }
            }
            StatementKind::Stop(cue) => {
                if let Some(stop) = stop_cue(cx, cue, Some(&timing), film) {
                    shot.stops.push(stop);
                }
            }
            StatementKind::Continues(ident) => {
                if let Some(first) = state.continues_span {
                    cx.diags.push(twice(
                        s,
                        first,
                        "`continues`",
                        "a shot continues from one shot",
                    ));
                    continue;
                }
                state.continues = Some(ident);
                state.continues_span = Some(s);
            }
            StatementKind::Keyframe { at, image } => {
                let Some(frame) = blocking::time_point(at, &timing, &mut cx.diags) else {
                    continue;
                };
                let dir = cx.dir_of(image.span.file);
                if let Some(asset) = cx.assets.resolve(image, &dir, Want::Image, &mut cx.diags) {
                    shot.keyframes.push(ImageKey {
                        frame: Frames(frame),
                        image: asset,
                        span: s,
                    });
                }
            }
            StatementKind::Title { text, at, over } => {
                let start = match at {
                    Some(t) => match blocking::time_point(t, &timing, &mut cx.diags) {
                        Some(f) => f,
                        None => continue,
                    },
                    None => 0,
                };
                let end = match over {
                    Some(d) => {
                        let Some(len) =
                            v::positive_duration(d, Slot::new("a title", "2s"), fps, &mut cx.diags)
                        else {
                            continue;
                        };
                        let end = start.saturating_add(len.0);
                        if end > frames {
                            cx.diags
                                .push(blocking::ends_after(s, "this title", end, &timing));
                        }
                        end.min(frames)
                    }
                    None => frames,
                };
                shot.titles.push(TitleCard {
                    text: text.value.clone(),
                    start: Frames(start),
                    end: Frames(end),
                    span: s,
                });
            }
            StatementKind::Setting(field) => setting(cx, field, &mut state, &mut shot.overrides),
        }
    }
    let stage = stage.finish();
    for (character, span, off_screen) in &stage.speakers {
        if !off_screen && !stage.is_present(*character) {
            let name = film
                .characters
                .get(character.index())
                .map(|c| c.id.as_str())
                .unwrap_or("?");
            cx.diags.push(
                Diagnostic::new(codes::W0101, *span, format!("`{name}` speaks in {describe} but is not in it"))
                    .with_label("not on screen in this shot")
                    .with_help(format!(
                        "mark the line `(V.O.)` or `(O.S.)` if the voice is off screen, or place them: `{name} at center`"
                    )),
            );
        }
    }
    shot.blocking = stage.blocking;
    shot.actions = stage.actions;
    shot.dialogue = stage.lines;
    shot.prompts.sort_by_key(|p| p.frame);
    shot.keyframes.sort_by_key(|k| k.frame);
    keyframe_spacing(cx, &shot, state.continues_span);
    axis_overlaps(cx, &shot.camera.moves);
    (shot, state.continues.cloned())
}

fn twice(span: Span, first: Span, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0113,
        span,
        format!("{what} is given twice in this shot"),
    )
    .with_label("given again here")
    .with_related(first, "first given here")
    .with_help(help.to_string())
}

fn preset(cx: &mut Cx, ident: &ast::Ident) -> Option<PresetRef> {
    if let Some(i) = cx.names.cameras.get(&ident.name) {
        return Some(PresetRef::Defined(CameraId(i as u32)));
    }
    if let Some((_, framing)) = FRAMINGS.iter().find(|(n, _)| *n == ident.name) {
        return Some(PresetRef::Framing(*framing));
    }
    let mut candidates: Vec<&str> = cx.names.cameras.names().collect();
    for (name, _) in FRAMINGS {
        if !candidates.contains(name) {
            candidates.push(name);
        }
    }
    let near = names::unknown(
        Kind::Camera,
        ident,
        &candidates,
        cx.sources,
        cx.entry,
        &mut cx.diags,
    )?;
    if let Some(i) = cx.names.cameras.get(near) {
        return Some(PresetRef::Defined(CameraId(i as u32)));
    }
    FRAMINGS
        .iter()
        .find(|(n, _)| *n == near)
        .map(|(_, f)| PresetRef::Framing(*f))
}

/// `over D` or `from T1 to T2`, or the whole shot.
fn span_of(
    cx: &mut Cx,
    timing: Option<&MoveTiming>,
    shot: &ShotTime,
    span: Span,
    what: &str,
) -> Option<(u32, u32)> {
    match timing {
        None => Some((0, shot.frames)),
        Some(MoveTiming::Over(d)) => {
            let len = v::positive_duration(d, Slot::new("`over`", "2s"), shot.fps, &mut cx.diags)?;
            if len.0 > shot.frames {
                cx.diags.push(blocking::ends_after(span, what, len.0, shot));
            }
            Some((0, len.0.min(shot.frames)))
        }
        Some(MoveTiming::FromTo(a, b)) => {
            let start = blocking::time_point(a, shot, &mut cx.diags)?;
            let end_value = v::time(b, Slot::new("`to`", "3s"), &mut cx.diags)?;
            let end = end_value.frames(shot.fps).0;
            if end_value.negative || end <= start {
                cx.diags.push(
                    Diagnostic::new(
                        codes::E0406,
                        a.span.join(b.span),
                        "`to` must come after `from`",
                    )
                    .with_label("empty or reversed time range")
                    .with_help("write the earlier time first, such as `from 1s to 3s`"),
                );
                return None;
            }
            if end > shot.frames {
                cx.diags.push(blocking::ends_after(span, what, end, shot));
            }
            Some((start, end.min(shot.frames)))
        }
    }
}

fn ease(e: Option<&scene_syntax::Spanned<ast::Ease>>) -> Ease {
    match e.map(|e| e.node) {
        Some(ast::Ease::In) => Ease::In,
        Some(ast::Ease::Out) => Ease::Out,
        Some(ast::Ease::Linear) => Ease::Linear,
        Some(ast::Ease::InOut) | None => Ease::InOut,
    }
}

fn camera_move(cx: &mut Cx, m: &ast::Move, shot: &ShotTime) -> Option<CameraMove> {
    use ast::{DollyDir, HDir, MoveKind as M, VDir};
    let d = &mut cx.diags;
    let amount = |d: &mut Vec<Diagnostic>, name: &str, example: &str| -> Option<Value> {
        match &m.amount {
            Some(a) => Some(a.clone()),
            None => {
                d.push(
                    Diagnostic::new(codes::E0203, m.span, format!("`{name}` needs an amount"))
                        .with_label("missing amount")
                        .with_help(format!("write it as `{name} {example}`")),
                );
                None
            }
        }
    };
    let sign = |positive: bool| if positive { 1.0 } else { -1.0 };
    let kind = match &m.kind.node {
        M::Pan(dir) => {
            let name = if *dir == HDir::Right {
                "pan right"
            } else {
                "pan left"
            };
            let a = amount(d, name, "30deg")?;
            let slot_name = format!("`{name}`");
            MoveKind::Pan(Angle(
                sign(*dir == HDir::Right) * v::angle(&a, Slot::new(&slot_name, "30deg"), d)?,
            ))
        }
        M::Tilt(dir) => {
            let name = if *dir == VDir::Up {
                "tilt up"
            } else {
                "tilt down"
            };
            let a = amount(d, name, "15deg")?;
            let slot_name = format!("`{name}`");
            MoveKind::Tilt(Angle(
                sign(*dir == VDir::Up) * v::angle(&a, Slot::new(&slot_name, "15deg"), d)?,
            ))
        }
        M::Dolly(dir) => {
            let name = if *dir == DollyDir::In {
                "dolly in"
            } else {
                "dolly out"
            };
            let a = amount(d, name, "30%")?;
            let slot_name = format!("`{name}`");
            MoveKind::Dolly(Fraction(
                sign(*dir == DollyDir::In)
                    * v::fraction(&a, Slot::new(&slot_name, "30%"), true, d)?,
            ))
        }
        M::Truck(dir) => {
            let name = if *dir == HDir::Right {
                "truck right"
            } else {
                "truck left"
            };
            let a = amount(d, name, "1m")?;
            let slot_name = format!("`{name}`");
            MoveKind::Truck(Distance(
                sign(*dir == HDir::Right) * v::distance(&a, Slot::new(&slot_name, "1m"), d)?,
            ))
        }
        M::Crane(dir) => {
            let name = if *dir == VDir::Up {
                "crane up"
            } else {
                "crane down"
            };
            let a = amount(d, name, "2m")?;
            let slot_name = format!("`{name}`");
            MoveKind::Crane(Distance(
                sign(*dir == VDir::Up) * v::distance(&a, Slot::new(&slot_name, "2m"), d)?,
            ))
        }
        M::Orbit(around) => {
            let a = amount(d, "orbit", "30deg")?;
            let angle = v::angle(&a, Slot::new("`orbit`", "30deg"), d)?;
            let around = match around {
                Some(ident) => Some(CharacterId(cx.resolve(Kind::Character, ident, false)?)),
                None => None,
            };
            MoveKind::Orbit {
                around,
                angle: Angle(angle),
            }
        }
        M::Handheld => MoveKind::Handheld,
        M::Static => MoveKind::Static,
    };
    let (start, end) = span_of(cx, m.timing.as_ref(), shot, m.span, "this move")?;
    Some(CameraMove {
        kind,
        start: Frames(start),
        end: Frames(end),
        ease: ease(m.ease.as_ref()),
        span: m.span,
    })
}

fn lens(cx: &mut Cx, spec: &LensSpec, shot: &ShotTime, state: &mut ShotState, out: &mut Shot) {
    if let Some(first) = state.lens {
        cx.diags.push(twice(
            spec.span,
            first,
            "`lens`",
            "a shot has one lens; write a zoom as `lens 35mm -> 85mm`",
        ));
        return;
    }
    state.lens = Some(spec.span);
    let from = v::focal_length(&spec.from, Slot::new("`lens`", "50mm"), &mut cx.diags);
    let to = spec
        .to
        .as_ref()
        .map(|t| v::focal_length(t, Slot::new("`lens … ->`", "85mm"), &mut cx.diags));
    let Some((start, end)) = span_of(cx, spec.timing.as_ref(), shot, spec.span, "this zoom") else {
        return;
    };
    let (Some(from), to) = (from, to) else { return };
    if to == Some(None) {
        return;
    }
    out.camera.lens = Some(LensAnimation {
        from: FocalLength(from),
        to: to.flatten().map(FocalLength),
        start: Frames(start),
        end: Frames(end),
        ease: ease(spec.ease.as_ref()),
        span: spec.span,
    });
}

fn audio_source(cx: &mut Cx, target: &SoundTarget, film: &Film) -> Option<(AudioSource, f64)> {
    match target {
        SoundTarget::Name(ident) => {
            let id = cx.resolve(Kind::Sound, ident, false)?;
            let gain = film
                .sounds
                .get(id as usize)
                .map(|s| s.gain.0)
                .unwrap_or(0.0);
            Some((AudioSource::Sound(SoundId(id)), gain))
        }
        SoundTarget::Asset(lit) => {
            let dir = cx.dir_of(lit.span.file);
            let asset = cx.assets.resolve(lit, &dir, Want::Audio, &mut cx.diags)?;
            Some((AudioSource::Asset(asset), 0.0))
        }
    }
}

fn play_cue(
    cx: &mut Cx,
    cue: &ast::PlayCue,
    shot: Option<&ShotTime>,
    film: &Film,
) -> Option<PlayCue> {
    let frame = match (&cue.at, shot) {
        (Some(t), Some(shot)) => blocking::time_point(t, shot, &mut cx.diags)?,
        _ => 0,
    };
    let gain = match &cue.gain {
        Some(g) => Some(v::gain(g, Slot::new("`play`", "-6dB"), &mut cx.diags)?),
        None => None,
    };
    let fade_in = match &cue.fade_in {
        Some(d) => v::duration_or_zero(d, Slot::new("`fade in`", "2s"), cx.fps, &mut cx.diags)?,
        None => Frames(0),
    };
    let (source, own) = audio_source(cx, &cue.sound, film)?;
    let span = cue_span(&cue.sound);
    Some(PlayCue {
        source,
        frame: Frames(frame),
        gain: Gain(gain.unwrap_or(own)),
        fade_in,
        span,
    })
}

fn stop_cue(
    cx: &mut Cx,
    cue: &ast::StopCue,
    shot: Option<&ShotTime>,
    film: &Film,
) -> Option<StopCue> {
    let frame = match (&cue.at, shot) {
        (Some(t), Some(shot)) => blocking::time_point(t, shot, &mut cx.diags)?,
        _ => 0,
    };
    let fade_out = match &cue.fade_out {
        Some(d) => v::duration_or_zero(d, Slot::new("`fade out`", "2s"), cx.fps, &mut cx.diags)?,
        None => Frames(0),
    };
    let (source, _) = audio_source(cx, &cue.sound, film)?;
    Some(StopCue {
        source,
        frame: Frames(frame),
        fade_out,
        span: cue_span(&cue.sound),
    })
}

fn cue_span(target: &SoundTarget) -> Span {
    match target {
        SoundTarget::Name(i) => i.span,
        SoundTarget::Asset(l) => l.span,
    }
}

fn setting(cx: &mut Cx, field: &ast::Field, state: &mut ShotState, o: &mut ShotOverrides) {
    let key = field.key.name.as_str();
    if !SHOT_SETTINGS.contains(&key) {
        cx.diags
            .push(unknown_field(&field.key, SHOT_SETTINGS, "a shot"));
        return;
    }
    if let Some(first) = state.settings.get(key) {
        cx.diags.push(twice(
            field.span,
            *first,
            &format!("`{key}`"),
            &format!("keep one `{key}`"),
        ));
        return;
    }
    // The key string lives in the AST, which outlives the state; store a static copy instead.
    let static_key = SHOT_SETTINGS
        .iter()
        .find(|k| **k == key)
        .copied()
        .unwrap_or("");
    state.settings.insert(static_key, field.span);
    let map = BTreeMap::from([(key, field)]);
    let d = &mut cx.diags;
    match key {
        "seed" => {
            o.seed = v::single(field, "3", d)
                .and_then(|value| v::seed(value, Slot::new("`seed`", "3"), d));
        }
        "guidance" => o.guidance = defs::guidance(&map, d),
        "steps" => o.steps = defs::steps(&map, d),
        "style" => o.style = defs::text_field(&map, "style", d),
        "negative" => o.negative = defs::text_field(&map, "negative", d),
        "strength" => {
            o.strength = v::single(field, "80%", d)
                .and_then(|value| v::fraction(value, Slot::new("`strength`", "80%"), true, d))
                .map(Fraction);
        }
        "look" => {
            if let Some(value) = v::single(field, "noir", &mut cx.diags) {
                o.look = defs::look_ref(cx, value);
            }
        }
        _ => {}
    }
}

/// Image keyframes (and the `continues` frame at 0) closer than the model resolves.
fn keyframe_spacing(cx: &mut Cx, shot: &Shot, continues: Option<Span>) {
    let mut keys: Vec<(u32, Span)> = shot.keyframes.iter().map(|k| (k.frame.0, k.span)).collect();
    if let Some(span) = continues {
        keys.insert(0, (0, span));
    }
    keys.sort_by_key(|k| k.0);
    for pair in keys.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        if gap < MIN_KEYFRAME_GAP {
            cx.diags.push(
                Diagnostic::new(
                    codes::W0301,
                    pair[1].1,
                    format!("this image is {gap} frames after the one before; the model needs at least {MIN_KEYFRAME_GAP}"),
                )
                .with_label("too close to the previous image")
                .with_related(pair[0].1, "the previous image")
                .with_help(format!("move the keyframes at least {MIN_KEYFRAME_GAP} frames apart, or drop one")),
            );
        }
    }
}

fn axis(kind: &MoveKind) -> Option<&'static str> {
    match kind {
        MoveKind::Pan(_) | MoveKind::Orbit { .. } => Some("turn the camera"),
        MoveKind::Tilt(_) => Some("tilt the camera"),
        MoveKind::Dolly(_) => Some("move the camera in or out"),
        MoveKind::Truck(_) => Some("move the camera sideways"),
        MoveKind::Crane(_) => Some("move the camera up or down"),
        MoveKind::Handheld | MoveKind::Static => None,
    }
}

fn axis_overlaps(cx: &mut Cx, moves: &[CameraMove]) {
    for (i, b) in moves.iter().enumerate() {
        let Some(axis_b) = axis(&b.kind) else {
            continue;
        };
        let clash = moves[..i]
            .iter()
            .find(|a| axis(&a.kind) == Some(axis_b) && a.start < b.end && b.start < a.end);
        if let Some(a) = clash {
            cx.diags.push(
                Diagnostic::new(
                    codes::W0302,
                    b.span,
                    format!("two moves at once that both {axis_b}"),
                )
                .with_label("overlaps in time with an earlier move on the same axis")
                .with_related(a.span, "the other move")
                .with_help(
                    "give them separate times with `from … to …`, or combine them into one move",
                ),
            );
        }
    }
}

/// `continues` resolved once every shot is known: it must name a shot that plays earlier, and
/// the links must not form a cycle.
fn continuity(cx: &mut Cx, film: &mut Film, links: &[(ShotId, ast::Ident)]) {
    let mut target: BTreeMap<ShotId, (ShotId, Span)> = BTreeMap::new();
    for (shot, ident) in links {
        match film.shot_by_name(&ident.name) {
            Some(t) => {
                target.insert(*shot, (t, ident.span));
            }
            None => {
                let candidates: Vec<&str> = film.shots.iter().map(|s| s.id.as_str()).collect();
                let mut d = Diagnostic::new(
                    codes::E0106,
                    ident.span,
                    format!("unknown shot `{}`", ident.name),
                )
                .with_label("no shot with this name");
                if let Some(near) = crate::suggest::nearest(&ident.name, candidates.iter().copied())
                {
                    d = d.with_help(format!("did you mean `{near}`?")).with_fix(
                        ident.span,
                        near,
                        format!("replace with `{near}`"),
                    );
                }
                cx.diags.push(d);
            }
        }
    }
    // Cycles: each shot continues at most one, so follow the links.
    let mut in_cycle: Vec<ShotId> = Vec::new();
    for &start in target.keys() {
        if in_cycle.contains(&start) {
            continue;
        }
        let mut path = vec![start];
        let mut at = start;
        while let Some(&(next, _)) = target.get(&at) {
            if let Some(k) = path.iter().position(|&s| s == next) {
                let cycle: Vec<ShotId> = path[k..].to_vec();
                if !cycle.iter().any(|s| in_cycle.contains(s)) {
                    in_cycle.extend(cycle.iter().copied());
                    let first = *cycle.iter().min().unwrap_or(&next);
                    let names: Vec<String> = {
                        let mut ordered = Vec::new();
                        let mut s = first;
                        loop {
                            ordered.push(film.shot(s).id.clone());
                            s = target[&s].0;
                            if s == first {
                                break;
                            }
                        }
                        ordered.push(film.shot(first).id.clone());
                        ordered
                    };
                    let mut d = Diagnostic::new(
                        codes::E0404,
                        target[&first].1,
                        format!("`continues` links form a cycle: {}", names.join(" → ")),
                    )
                    .with_label("this link closes the cycle");
                    let mut s = target[&first].0;
                    while s != first {
                        let (next, span) = target[&s];
                        d = d.with_related(
                            span,
                            format!("`{}` continues `{}`", film.shot(s).id, film.shot(next).id),
                        );
                        s = next;
                    }
                    cx.diags.push(d.with_help(
                        "a shot continues from a shot that plays before it; remove one link",
                    ));
                }
                break;
            }
            path.push(next);
            at = next;
        }
    }
    for (&shot, &(t, span)) in &target {
        if in_cycle.contains(&shot) {
            continue;
        }
        if t >= shot {
            cx.diags.push(
                Diagnostic::new(
                    codes::E0403,
                    span,
                    format!(
                        "`{}` does not play before `{}`",
                        film.shot(t).id,
                        film.shot(shot).id
                    ),
                )
                .with_label("plays later")
                .with_related(film.shot(t).span, format!("`{}` is here", film.shot(t).id))
                .with_help("a shot can only continue from a shot that plays earlier in the film"),
            );
            continue;
        }
        film.shots[shot.index()].continues = Some(Continues { shot: t, span });
    }
}
