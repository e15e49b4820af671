//! A shot's own settings: `seed`, `guidance`, `strength`, `look`, `style`, `negative`, `steps`,
//! overriding the film's and the look's.

use std::collections::BTreeMap;

use scene_syntax::ast;
use scene_syntax::Span;

use crate::context::{twice, unknown_field, Cx};
use crate::defs;
use crate::film::ShotOverrides;
use crate::units::Fraction;
use crate::values::{self as v, Slot};

pub const SHOT_SETTINGS: &[&str] = &[
    "seed", "guidance", "strength", "look", "style", "negative", "steps",
];

/// One setting statement; `given` holds the settings the shot has given so far.
pub fn setting(
    cx: &mut Cx,
    field: &ast::Field,
    given: &mut BTreeMap<&str, Span>,
    o: &mut ShotOverrides,
) {
    let key = field.key.name.as_str();
    if !SHOT_SETTINGS.contains(&key) {
        cx.diags
            .push(unknown_field(&field.key, SHOT_SETTINGS, "a shot"));
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
    // The key string lives in the AST, which outlives the state; store a static copy instead.
    let static_key = SHOT_SETTINGS
        .iter()
        .find(|k| **k == key)
        .copied()
        .unwrap_or("");
    given.insert(static_key, field.span);
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
