//! A shot's own settings — the fields of a shot in the vocabulary (`seed`, `guidance`,
//! `strength`, `look`, `style`, `negative`, `steps`) — overriding the film's and the look's, and
//! the shot's `light`s and `speed`.

use std::collections::BTreeMap;

use scene_syntax::ast;
use scene_syntax::vocab::Block;
use scene_syntax::Span;

use crate::context::{twice, Cx};
use crate::defs;
use crate::fields::{self, Typed};
use crate::film::Shot;
use crate::light;
use crate::units::{Fraction, Speed};

/// One setting statement; `given` holds the settings the shot has given so far.
pub fn setting(cx: &mut Cx, field: &ast::Field, given: &mut BTreeMap<&str, Span>, shot: &mut Shot) {
    let Some(spec) = fields::spec(Block::Shot, &field.key, &mut cx.diags) else {
        return;
    };
    let key = spec.key;
    if spec.many {
        // `light`: several per shot, each name once.
        if let Some(l) = light::read(field, &mut cx.diags) {
            match light::named(&shot.lights, &l.name) {
                Some(first) => cx.diags.push(light::twice(&l, first.span, "this shot")),
                None => shot.lights.push(l),
            }
        }
        return;
    }
    if let Some(first) = given.get(key) {
        cx.diags.push(twice(
            field.span,
            *first,
            &format!("`{key}`"),
            &format!("keep one `{key}`"),
        ));
        return;
    }
    given.insert(key, field.span);
    let Some(value) = fields::value(spec, field, &mut cx.diags) else {
        return;
    };
    let o = &mut shot.overrides;
    match (key, value) {
        ("speed", Typed::Speed(factor)) => shot.speed = Speed(factor),
        ("depth", Typed::Word(w)) => shot.depth = crate::focus::depth(w),
        ("seed", Typed::Seed(seed)) => o.seed = Some(seed),
        ("guidance", Typed::Number(n)) => o.guidance = Some(n),
        ("steps", Typed::Number(n)) => o.steps = Some(n as u32),
        ("style", Typed::Text(t)) => o.style = Some(t),
        ("negative", Typed::Text(t)) => o.negative = Some(t),
        ("strength", Typed::Fraction(f)) => o.strength = Some(Fraction(f)),
        ("look", Typed::Ref(value)) => o.look = defs::look_ref(cx, value),
        _ => {}
    }
}
