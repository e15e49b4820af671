//! One shot: its length, its statements in the order written, and the checks that need the
//! whole shot (speakers on screen, keyframe spacing, camera axes).

use std::collections::BTreeMap;

use scene_syntax::ast::{self, ShotDef, StatementKind, StrLit, Value};
use scene_syntax::{Diagnostic, Span};

use crate::assets::Want;
use crate::blocking::{self, PropNames, ShotTime, Stage};
use crate::codes;
use crate::context::{seconds_text, twice, Cx};
use crate::film::Depth;
use crate::film::{
    Film, ImageKey, PromptKey, PropId, SceneId, Shot, ShotCamera, ShotOverrides, SubjectId,
    TitleCard, Transition,
};
use crate::names::{self, Kind, Names};
use crate::sources::Sources;
use crate::units::{Frames, Speed};
use crate::values::{self as v, Slot};
use crate::{camera, cues, settings};

/// The video model cannot tell apart conditioning images closer than this.
pub const MIN_KEYFRAME_GAP: u32 = 8;

/// The statements a shot has given so far, for those a shot may give once.
#[derive(Default)]
struct Given<'d> {
    camera: camera::Given,
    /// `continues NAME` and the statement's span.
    continues: Option<(&'d ast::Ident, Span)>,
    settings: BTreeMap<&'d str, Span>,
}

/// Lowers one shot; returns it with the `continues` name to resolve once every shot is known.
pub fn shot(
    cx: &mut Cx,
    def: &ShotDef,
    scene: SceneId,
    transition_in: Transition,
    film: &Film,
) -> (Shot, Option<ast::Ident>) {
    let fps = cx.fps;
    let frames = length(cx, def);
    let describe = format!("the {} shot `{}`", seconds_text(frames, fps), def.name.name);
    let timing = ShotTime {
        frames,
        fps,
        describe: &describe,
    };
    let mut shot = empty(def, scene, frames, transition_in);
    let mut given = Given::default();
    let mut stage = Stage::default();
    for statement in &def.statements {
        self::statement(
            cx, statement, &timing, film, &mut given, &mut stage, &mut shot,
        );
    }
    let stage = stage.finish(&mut cx.diags, &timing);
    place(cx, stage, &describe, film, &mut shot);
    shot.prompts.sort_by_key(|p| p.frame);
    shot.keyframes.sort_by_key(|k| k.frame);
    let continues_span = given.continues.map(|(_, span)| span);
    keyframe_spacing(cx, &shot, continues_span);
    camera::axis_overlaps(cx, &shot.camera.moves);
    (shot, given.continues.map(|(ident, _)| ident.clone()))
}

/// The shot's length in frames: from one frame to 60s (E0303), 4s when unreadable.
fn length(cx: &mut Cx, def: &ShotDef) -> u32 {
    let fps = cx.fps;
    let max = 60 * fps.0;
    match v::time(&def.duration, Slot::new("a shot", "6s"), &mut cx.diags) {
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
    }
}

/// The shot before its statements are read.
fn empty(def: &ShotDef, scene: SceneId, frames: u32, transition_in: Transition) -> Shot {
    Shot {
        id: def.name.name.clone(),
        span: def.name.span,
        scene,
        frames: Frames(frames),
        transition_in,
        fade_out: None,
        camera: ShotCamera::default(),
        blocking: Vec::new(),
        holds: Vec::new(),
        lights: Vec::new(),
        speed: Speed::NORMAL,
        focus: Vec::new(),
        depth: Depth::Normal,
        prompts: Vec::new(),
        actions: Vec::new(),
        dialogue: Vec::new(),
        plays: Vec::new(),
        stops: Vec::new(),
        continues: None,
        keyframes: Vec::new(),
        titles: Vec::new(),
        overrides: ShotOverrides::default(),
    }
}

fn statement<'d>(
    cx: &mut Cx,
    statement: &'d ast::Statement,
    timing: &ShotTime,
    film: &Film,
    given: &mut Given<'d>,
    stage: &mut Stage,
    shot: &mut Shot,
) {
    let s = statement.span;
    match &statement.kind {
        StatementKind::Camera(stmt) => {
            camera::statement(cx, stmt, s, timing, &mut given.camera, &mut shot.camera)
        }
        StatementKind::Lens(spec) => {
            camera::lens(cx, spec, timing, &mut given.camera, &mut shot.camera)
        }
        StatementKind::Character(stmt) => {
            if let Some(subject) = cx.resolve_subject(&stmt.character) {
                let mut props = Props {
                    names: &cx.names,
                    sources: cx.sources,
                    entry: cx.entry,
                };
                stage.chain(
                    subject,
                    &stmt.character.name,
                    &stmt.actions,
                    timing,
                    &mut props,
                    &mut cx.diags,
                );
            }
        }
        StatementKind::Prompt { at, text } => {
            if let Some(prompt) = prompt(cx, at.as_ref(), text, s, timing) {
                shot.prompts.push(prompt);
            }
        }
        StatementKind::Play(cue) => {
            if let Some(play) = cues::play_cue(cx, cue, Some(timing), film) {
                shot.plays.push(play);
            }
        }
        StatementKind::Stop(cue) => {
            if let Some(stop) = cues::stop_cue(cx, cue, Some(timing), film) {
                shot.stops.push(stop);
            }
        }
        StatementKind::Continues(ident) => {
            if let Some((_, first)) = given.continues {
                cx.diags.push(twice(
                    s,
                    first,
                    "`continues`",
                    "a shot continues from one shot",
                ));
            } else {
                given.continues = Some((ident, s));
            }
        }
        StatementKind::Keyframe { at, image } => {
            if let Some(key) = keyframe(cx, at, image, s, timing) {
                shot.keyframes.push(key);
            }
        }
        StatementKind::Title { text, at, over } => {
            if let Some(title) = title(cx, text, at.as_ref(), over.as_ref(), s, timing) {
                shot.titles.push(title);
            }
        }
        StatementKind::Focus { subject, at } => {
            crate::focus::statement(cx, subject, at.as_ref(), s, timing, &mut shot.focus)
        }
        StatementKind::Setting(field) => settings::setting(cx, field, &mut given.settings, shot),
    }
}

/// The props a shot's `holds` and `drops` name.
struct Props<'a, 'n> {
    names: &'a Names<'n>,
    sources: &'a Sources,
    entry: scene_syntax::FileId,
}

impl PropNames for Props<'_, '_> {
    fn prop(&mut self, ident: &ast::Ident, diags: &mut Vec<Diagnostic>) -> Option<PropId> {
        if let Some(i) = self.names.props.get(&ident.name) {
            return Some(PropId(i as u32));
        }
        if self.names.characters.get(&ident.name).is_some() {
            diags.push(blocking::character_cannot(
                &ident.name,
                ident.span,
                "only a prop is held or dropped",
                "to show two characters together, block them both; to hand something over, make it a prop",
            ));
            return None;
        }
        let candidates: Vec<&str> = self.names.props.names().collect();
        names::unknown(
            Kind::Prop,
            ident,
            &candidates,
            self.sources,
            self.entry,
            diags,
        );
        None
    }
}

/// `prompt "text"` (at frame 0) or `at T "text"`.
fn prompt(
    cx: &mut Cx,
    at: Option<&Value>,
    text: &StrLit,
    span: Span,
    timing: &ShotTime,
) -> Option<PromptKey> {
    let frame = match at {
        Some(t) => blocking::time_point(t, timing, &mut cx.diags)?,
        None => 0,
    };
    Some(PromptKey {
        frame: Frames(frame),
        text: text.value.clone(),
        span,
    })
}

/// `keyframe at T "image.png"`.
fn keyframe(
    cx: &mut Cx,
    at: &Value,
    image: &StrLit,
    span: Span,
    timing: &ShotTime,
) -> Option<ImageKey> {
    let frame = blocking::time_point(at, timing, &mut cx.diags)?;
    let dir = cx.dir_of(image.span.file);
    let asset = cx.assets.resolve(image, &dir, Want::Image, &mut cx.diags)?;
    Some(ImageKey {
        frame: Frames(frame),
        image: asset,
        span,
    })
}

/// `title "text" [at T] [over D]`: from T (or 0) for D (or to the end of the shot).
fn title(
    cx: &mut Cx,
    text: &StrLit,
    at: Option<&Value>,
    over: Option<&Value>,
    span: Span,
    timing: &ShotTime,
) -> Option<TitleCard> {
    let frames = timing.frames;
    let start = match at {
        Some(t) => blocking::time_point(t, timing, &mut cx.diags)?,
        None => 0,
    };
    let end = match over {
        Some(d) => {
            let len =
                v::positive_duration(d, Slot::new("a title", "2s"), timing.fps, &mut cx.diags)?;
            let end = start.saturating_add(len.0);
            if end > frames {
                cx.diags
                    .push(blocking::ends_after(span, "this title", end, timing));
            }
            end.min(frames)
        }
        None => frames,
    };
    Some(TitleCard {
        text: text.value.clone(),
        start: Frames(start),
        end: Frames(end),
        span,
    })
}

/// Moves the resolved stage into the shot, after warning about each on-screen speaker who is
/// not in the shot (W0101).
fn place(cx: &mut Cx, stage: Stage, describe: &str, film: &Film, shot: &mut Shot) {
    for (character, span, off_screen) in &stage.speakers {
        if !off_screen && !stage.is_present(SubjectId::Character(*character)) {
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
    shot.holds = stage.holds;
    shot.actions = stage.actions;
    shot.dialogue = stage.lines;
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
