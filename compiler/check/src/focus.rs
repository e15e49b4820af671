//! Focus: `focus on SUBJECT [at TIME]` (what is sharp; several with times rack focus) and the
//! shot's `depth` (how much around it is sharp). The planner turns them into a focus distance
//! per frame (`focus_m`, compiler/plan/src/focus.rs).

use scene_syntax::ast::{Ident, Value};
use scene_syntax::Span;

use crate::blocking::{self, ShotTime};
use crate::context::{twice, Cx};
use crate::film::{Depth, FocusKey};
use crate::units::Frames;

/// `focus on SUBJECT [at TIME]` at `span`, added to `out` (one subject per time).
pub fn statement(
    cx: &mut Cx,
    subject: &Ident,
    at: Option<&Value>,
    span: Span,
    shot: &ShotTime,
    out: &mut Vec<FocusKey>,
) {
    let subject = cx.resolve_subject(subject);
    let frame = match at {
        Some(t) => blocking::time_point(t, shot, &mut cx.diags),
        None => Some(0),
    };
    let (Some(subject), Some(frame)) = (subject, frame) else {
        return;
    };
    if let Some(first) = out.iter().find(|k| k.frame.0 == frame) {
        cx.diags.push(twice(
            span,
            first.span,
            "`focus` for one time",
            "the lens focuses on one subject at a time; rack to the next with `focus on X at 2s`",
        ));
        return;
    }
    out.push(FocusKey {
        subject,
        frame: Frames(frame),
        span,
    });
    out.sort_by_key(|k| k.frame);
}

/// The `depth` word's meaning (the checker has already read it against the vocabulary's set).
pub fn depth(word: &str) -> Depth {
    match word {
        "shallow" => Depth::Shallow,
        "deep" => Depth::Deep,
        _ => Depth::Normal,
    }
}
