//! A shot's camera: the `camera` statement (preset, subject, moves), `lens` and zooms, and the
//! check that no two moves drive the same axis at once.

use scene_syntax::ast::{self, CameraClause, CameraStmt, LensSpec, MoveTiming, Value};
use scene_syntax::{Diagnostic, Span};

use crate::blocking::{self, ShotTime};
use crate::codes;
use crate::context::{twice, Cx};
use crate::fields::FromWord;
use crate::film::{
    CameraId, CameraMove, Ease, Framing, LensAnimation, MoveKind, PresetRef, ShotCamera, SubjectId,
};
use crate::names::{self, Kind};
use crate::sources::Origin;
use crate::units::{Angle, Distance, FocalLength, Fraction, Frames};
use crate::values::{self as v, Slot};
use crate::viewpoint;

/// The camera statements a shot has given so far: a shot has one of each.
#[derive(Default)]
pub struct Given {
    camera: Option<Span>,
    lens: Option<Span>,
}

/// `camera PRESET [on CHARACTER] [, MOVE | , lens …]…` at `span`.
pub fn statement(
    cx: &mut Cx,
    camera: &CameraStmt,
    span: Span,
    shot: &ShotTime,
    given: &mut Given,
    out: &mut ShotCamera,
) {
    if let Some(first) = given.camera {
        cx.diags.push(twice(
            span,
            first,
            "`camera`",
            "a shot has one `camera` statement; put every move in it, separated by commas",
        ));
        return;
    }
    given.camera = Some(span);
    out.span = Some(span);
    out.preset = preset(cx, &camera.preset);
    if let Some(on) = &camera.on {
        out.on = cx.resolve_subject(on);
    }
    insert_on_a_character(cx, camera, out);
    viewpoint::clauses(cx, camera, out);
    for clause in &camera.clauses {
        match clause {
            CameraClause::Move(m) => {
                if let Some(mv) = camera_move(cx, m, shot) {
                    out.moves.push(mv);
                }
            }
            CameraClause::Lens(spec) => lens(cx, spec, shot, given, out),
        }
    }
}

/// A defined camera preset or one of the framing names; an unknown name falls back to the
/// nearest of either so the shot still gets a camera.
fn preset(cx: &mut Cx, ident: &ast::Ident) -> Option<PresetRef> {
    if let Some(i) = cx.names.cameras.get(&ident.name) {
        return Some(PresetRef::Defined(CameraId(i as u32)));
    }
    if let Some(framing) = Framing::from_word(&ident.name) {
        return Some(PresetRef::Framing(framing));
    }
    let mut candidates: Vec<&str> = cx.names.cameras.names().collect();
    for w in Framing::WORDS {
        if !candidates.contains(&w.word) {
            candidates.push(w.word);
        }
    }
    let near = names::unknown(
        Kind::Camera,
        ident,
        &candidates,
        cx.sources,
        cx.entry,
        &mut cx.diags,
    );
    viewpoint::list_nearest_presets(cx, ident, &candidates);
    let near = near?;
    if let Some(i) = cx.names.cameras.get(near) {
        return Some(PresetRef::Defined(CameraId(i as u32)));
    }
    Framing::from_word(near).map(PresetRef::Framing)
}

/// W0303: `std.camera`'s `insert` is an extreme close-up of a thing; aimed `on` a character it
/// still frames one (as `extreme_closeup` would), so this is a warning with that fix, not an
/// error. A film's own preset named `insert` (H0101) means what the film says it means.
fn insert_on_a_character(cx: &mut Cx, camera: &CameraStmt, out: &ShotCamera) {
    let (Some(PresetRef::Defined(id)), Some(SubjectId::Character(_)), Some(on)) =
        (out.preset, out.on, &camera.on)
    else {
        return;
    };
    let Some((name, (_, file))) = cx.names.cameras.entries.get(id.0 as usize) else {
        return;
    };
    let from_std = matches!(cx.sources.origin(*file), Some(Origin::Std("camera")));
    if !from_std || name.name != "insert" {
        return;
    }
    let preset = &camera.preset;
    cx.diags.push(
        Diagnostic::new(
            codes::W0303,
            preset.span,
            format!(
                "`insert` is a close-up of a prop, and `{}` is a character",
                on.name
            ),
        )
        .with_label("a prop's framing")
        .with_related(on.span, "a character")
        .with_help(format!(
            "for a character's eyes or hands write `camera extreme_closeup on {}`; for what it holds, aim `insert` at the prop",
            on.name
        ))
        .with_fix(preset.span, "extreme_closeup", "replace with `extreme_closeup`"),
    );
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
    let kind = move_kind(cx, m)?;
    let (start, end) = span_of(cx, m.timing.as_ref(), shot, m.span, "this move")?;
    Some(CameraMove {
        kind,
        start: Frames(start),
        end: Frames(end),
        ease: ease(m.ease.as_ref()),
        span: m.span,
    })
}

/// What a move does and by how much, signed by its direction (positive is right, up, in).
fn move_kind(cx: &mut Cx, m: &ast::Move) -> Option<MoveKind> {
    use ast::{DollyDir, HDir, MoveKind as M, VDir};
    let d = &mut cx.diags;
    let kind = match &m.kind.node {
        M::Pan(dir) => MoveKind::Pan(Angle(signed(
            m,
            *dir == HDir::Right,
            ("pan right", "pan left"),
            "30deg",
            v::angle,
            d,
        )?)),
        M::Tilt(dir) => MoveKind::Tilt(Angle(signed(
            m,
            *dir == VDir::Up,
            ("tilt up", "tilt down"),
            "15deg",
            v::angle,
            d,
        )?)),
        M::Dolly(dir) => MoveKind::Dolly(Fraction(signed(
            m,
            *dir == DollyDir::In,
            ("dolly in", "dolly out"),
            "30%",
            |value, slot, d| v::fraction(value, slot, true, d),
            d,
        )?)),
        M::Truck(dir) => MoveKind::Truck(Distance(signed(
            m,
            *dir == HDir::Right,
            ("truck right", "truck left"),
            "1m",
            v::distance,
            d,
        )?)),
        M::Crane(dir) => MoveKind::Crane(Distance(signed(
            m,
            *dir == VDir::Up,
            ("crane up", "crane down"),
            "2m",
            v::distance,
            d,
        )?)),
        M::Orbit(around) => {
            let a = amount(m, "orbit", "30deg", d)?;
            let angle = v::angle(&a, Slot::new("`orbit`", "30deg"), d)?;
            let around = match around {
                Some(ident) => Some(cx.resolve_subject(ident)?),
                None => None,
            };
            MoveKind::Orbit {
                around,
                angle: Angle(angle),
            }
        }
        M::Handheld => MoveKind::Handheld,
        M::Static => MoveKind::Static,
        M::Follow(_) | M::Keep(_) => viewpoint::subject_move(cx, &m.kind.node)?,
    };
    Some(kind)
}

/// The amount of a move with two directions, read by `read` and negated for the second one.
/// `names` are the move's words for the positive and the negative direction.
fn signed(
    m: &ast::Move,
    positive: bool,
    names: (&str, &str),
    example: &str,
    read: impl Fn(&Value, Slot, &mut Vec<Diagnostic>) -> Option<f64>,
    d: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let name = if positive { names.0 } else { names.1 };
    let a = amount(m, name, example, d)?;
    let slot_name = format!("`{name}`");
    let sign = if positive { 1.0 } else { -1.0 };
    Some(sign * read(&a, Slot::new(&slot_name, example), d)?)
}

/// The amount written after a move; every move but `handheld` and `static` needs one.
fn amount(m: &ast::Move, name: &str, example: &str, d: &mut Vec<Diagnostic>) -> Option<Value> {
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
}

/// `lens FOCAL [-> FOCAL] [timing] [ease]`, standalone or as a clause of `camera`.
pub fn lens(
    cx: &mut Cx,
    spec: &LensSpec,
    shot: &ShotTime,
    given: &mut Given,
    out: &mut ShotCamera,
) {
    if let Some(first) = given.lens {
        cx.diags.push(twice(
            spec.span,
            first,
            "`lens`",
            "a shot has one lens; write a zoom as `lens 35mm -> 85mm`",
        ));
        return;
    }
    given.lens = Some(spec.span);
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
    out.lens = Some(LensAnimation {
        from: FocalLength(from),
        to: to.flatten().map(FocalLength),
        start: Frames(start),
        end: Frames(end),
        ease: ease(spec.ease.as_ref()),
        span: spec.span,
    });
}

/// The axis a move drives, in words; `None` for moves that drive none.
fn axis(kind: &MoveKind) -> Option<&'static str> {
    match kind {
        MoveKind::Pan(_) | MoveKind::Orbit { .. } => Some("turn the camera"),
        MoveKind::Tilt(_) => Some("tilt the camera"),
        MoveKind::Dolly(_) => Some("move the camera in or out"),
        MoveKind::Truck(_) | MoveKind::Follow(_) => Some("move the camera sideways"),
        MoveKind::Crane(_) => Some("move the camera up or down"),
        // `keep` turns the camera only as far as its subject needs: viewpoint.rs warns about
        // a pan or tilt beside it, and an orbit or dolly beside it is the point of it.
        MoveKind::Handheld | MoveKind::Static | MoveKind::Keep(_) => None,
    }
}

/// Warns about a move that overlaps in time an earlier move on the same axis (W0302).
pub fn axis_overlaps(cx: &mut Cx, moves: &[CameraMove]) {
    viewpoint::keep_overlaps(cx, moves);
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
