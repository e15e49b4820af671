//! Where the camera stands: `camera pov of CHARACTER`, `on X from front|behind|left|right`,
//! `on X past Y`, the `follow` and `keep` moves, and the help line of an unknown preset. The
//! planner turns what is read here into the camera's position (docs/camera-model.md, "Where
//! the camera stands").

use scene_syntax::ast::{self, CameraStmt};
use scene_syntax::{Diagnostic, Span};

use crate::blocking;
use crate::codes;
use crate::context::Cx;
use crate::film::{CameraMove, MoveKind, ShotCamera, SubjectId, ViewSide};
use crate::suggest;

/// Reads the clauses of `camera` that say where it stands into `out` (whose `on` is already
/// resolved): `of`, `from` and `past`, and the clashes between them.
pub fn clauses(cx: &mut Cx, camera: &CameraStmt, out: &mut ShotCamera) {
    if let Some(of) = &camera.of {
        match cx.resolve_subject(of) {
            Some(SubjectId::Character(c)) => out.pov = Some(c),
            Some(SubjectId::Prop(_)) => cx.diags.push(blocking::prop_cannot(
                &of.name,
                of.span,
                "see: `pov of` needs a character's eyes",
                "frame the prop instead, with `camera insert on PROP`, or put a character's eyes there",
            )),
            None => {}
        }
        if let (Some(of_id), Some(on)) = (out.pov, &camera.on) {
            if out.on == Some(SubjectId::Character(of_id)) {
                cx.diags.push(itself(
                    on.span,
                    of.span,
                    &on.name,
                    "look at itself from its own eyes",
                ));
                out.on = None;
            }
        }
        if let Some(from) = &camera.from {
            cx.diags.push(excludes(
                from.span,
                of.span,
                "`from` cannot be written with `pov of`",
                "the camera stands in the character's eyes, so it has no side to stand on",
                "drop `from …`, or write `camera PRESET on X from …` without `pov of`",
            ));
        }
        if let Some(past) = &camera.past {
            cx.diags.push(excludes(
                past.span,
                of.span,
                "`past` cannot be written with `pov of`",
                "nothing stands between the character's eyes and what it sees",
                "drop `past …`, or write `camera over_shoulder on X past Y` without `pov of`",
            ));
        }
    }
    if let Some(from) = &camera.from {
        if camera.of.is_none() {
            out.side = Some(match from.node {
                ast::ViewSide::Front => ViewSide::Front,
                ast::ViewSide::Behind => ViewSide::Behind,
                ast::ViewSide::Left => ViewSide::Left,
                ast::ViewSide::Right => ViewSide::Right,
            });
        }
    }
    if let (Some(past), None) = (&camera.past, &camera.of) {
        let Some(on) = &camera.on else {
            cx.diags.push(
                Diagnostic::new(
                    codes::E0115,
                    past.span,
                    format!("`past {}` needs a subject to look at", past.name),
                )
                .with_label("over whose shoulder onto what?")
                .with_help(format!(
                    "name what the camera looks at past {}: `camera {} on SUBJECT past {}`",
                    past.name, camera.preset.name, past.name
                )),
            );
            return;
        };
        let Some(id) = cx.resolve_subject(past) else {
            return;
        };
        if out.on == Some(id) {
            cx.diags
                .push(itself(past.span, on.span, &past.name, "stand past itself"));
            return;
        }
        out.past = Some(id);
    }
}

/// A subject related to itself (E0114).
fn itself(span: Span, other: Span, name: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0114,
        span,
        format!("the camera cannot have `{name}` {what}"),
    )
    .with_label("the same subject twice")
    .with_related(other, "named here too")
    .with_help("name two different subjects: `camera over_shoulder on kenji past aiko`, `camera pov of aiko on kenji`")
}

/// Two clauses that exclude each other, or one that needs another (E0115).
fn excludes(span: Span, other: Span, message: &str, label: &str, help: &str) -> Diagnostic {
    Diagnostic::new(codes::E0115, span, message.to_string())
        .with_label(label.to_string())
        .with_related(other, "the camera stands in these eyes")
        .with_help(help.to_string())
}

/// `follow SUBJECT` or `keep SUBJECT`.
pub fn subject_move(cx: &mut Cx, m: &ast::MoveKind) -> Option<MoveKind> {
    match m {
        ast::MoveKind::Follow(who) => cx.resolve_subject(who).map(MoveKind::Follow),
        ast::MoveKind::Keep(who) => cx.resolve_subject(who).map(MoveKind::Keep),
        _ => None,
    }
}

/// `keep X` turns the camera as it needs to; a `pan` or `tilt` at the same time fights it
/// (W0302, the warning for two moves on one axis).
pub fn keep_overlaps(cx: &mut Cx, moves: &[CameraMove]) {
    for keep in moves.iter().filter(|m| matches!(m.kind, MoveKind::Keep(_))) {
        let clash = moves.iter().find(|m| {
            matches!(m.kind, MoveKind::Pan(_) | MoveKind::Tilt(_))
                && m.start < keep.end
                && keep.start < m.end
        });
        if let Some(turn) = clash {
            cx.diags.push(
                Diagnostic::new(
                    codes::W0302,
                    turn.span,
                    "a pan or tilt while `keep` aims the camera",
                )
                .with_label("overlaps in time with `keep`, which pans and tilts by itself")
                .with_related(keep.span, "the camera is kept on its subject here")
                .with_help("give them separate times with `from … to …`, or drop the pan and let `keep` turn the camera"),
            );
        }
    }
}

/// Lists the presets nearest to an unknown one in the help line `names::unknown` just wrote
/// (unless that line says which standard module to import).
pub fn list_nearest_presets(cx: &mut Cx, ident: &ast::Ident, candidates: &[&str]) {
    let nearest = nearest_names(&ident.name, candidates);
    let Some(d) = cx.diags.last_mut().filter(|d| d.span == ident.span) else {
        return;
    };
    if nearest.is_empty() || d.help.as_deref().is_some_and(|h| h.contains("import std.")) {
        return;
    }
    let ticked: Vec<String> = nearest.iter().map(|n| format!("`{n}`")).collect();
    d.help = Some(match ticked.as_slice() {
        [one] => format!("did you mean {one}?"),
        [first, ..] => format!(
            "did you mean {first}? the nearest presets are {}",
            scene_syntax::vocab::join_and(&ticked)
        ),
        [] => return,
    });
}

/// Up to three names nearest to `name`, nearest first (ties in the candidates' order): an
/// unknown preset's help lists them, since preset names are easy to half-remember.
pub fn nearest_names<'a>(name: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let limit = (name.chars().count() / 2).max(2);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (suggest::distance(name, c), i, *c))
        .filter(|(d, _, c)| *d <= limit || c.contains(name) || name.contains(c))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::nearest_names;

    #[test]
    fn nearest_preset_names_come_nearest_first() {
        let presets = [
            "wide",
            "medium",
            "medium_closeup",
            "closeup",
            "cowboy",
            "pov",
        ];
        assert_eq!(
            nearest_names("medium_close", &presets),
            vec!["medium_closeup", "medium"]
        );
        assert_eq!(nearest_names("zzzzzzzz", &presets), Vec::<&str>::new());
    }
}
