//! `light NAME from SIDE [hard|soft] [TEMPERATURE] [FRACTION]`, read from a location's field or
//! a shot's statement (both are fields to the grammar): the name, the side, and the optional
//! parts in their written order, each checked for its kind, unit and range.

use scene_syntax::ast::{Field, Unit, Value, ValueKind};
use scene_syntax::{Diagnostic, Span};

use crate::codes;
use crate::fields::FromWord;
use crate::film::{Light, LightColor, LightQuality, LightSide};
use crate::units::{Color, Fraction, Kelvin};
use crate::values::{self as v, Slot};

/// The colour temperatures a light may have, in kelvin: a candle flame to a blue sky.
pub const KELVIN: std::ops::RangeInclusive<f64> = 1000.0..=12000.0;
/// A light's intensity, as a percentage: off to ten times the normal key.
pub const INTENSITY_PERCENT: std::ops::RangeInclusive<f64> = 0.0..=1000.0;

const FORM: &str =
    "light NAME from left|right|front|back|above|below [hard|soft] [TEMPERATURE] [FRACTION]";
const EXAMPLE: &str = "light key from left soft 3200K";

/// A light as a field writes it; `None` when it was reported.
pub fn read(field: &Field, d: &mut Vec<Diagnostic>) -> Option<Light> {
    let values = field.values.as_slice();
    let (name, rest) = match values {
        [name, rest @ ..] => (name, rest),
        [] => {
            d.push(shape(
                field.span,
                "a light needs a name and a side",
                "missing name",
            ));
            return None;
        }
    };
    let name = v::ident(name, Slot::new("a light's name", "key"), d)?.to_string();
    let (_from, side, rest) = match rest {
        [from, side, rest @ ..] if is_word(from, "from") => (from, side, rest),
        [from] if is_word(from, "from") => {
            d.push(shape(
                from.span,
                "`from` needs the side the light comes from",
                "missing side",
            ));
            return None;
        }
        [other, ..] => {
            d.push(shape(
                other.span,
                &format!(
                    "expected `from` after the light's name, found {}",
                    v::describe(other)
                ),
                "expected `from`",
            ));
            return None;
        }
        [] => {
            let span = values[0].span;
            d.push(shape(
                span,
                "a light needs the side it comes from",
                "missing `from SIDE`",
            ));
            return None;
        }
    };
    let side = v::word(
        side,
        Slot::new("a light's side", "left"),
        LightSide::WORDS,
        d,
    )
    .and_then(LightSide::from_word);
    let mut light = Light {
        name,
        from: side.unwrap_or(LightSide::Left),
        quality: None,
        color: None,
        intensity: Fraction(1.0),
        span: field.span,
    };
    let mut ok = side.is_some();
    // The optional parts, each at most once and in this order.
    let mut stage = Part::Quality;
    let mut given: Vec<Part> = Vec::new();
    for value in rest {
        let Some(part) = Part::of(value) else {
            d.push(misplaced(value, "is not part of a light"));
            ok = false;
            continue;
        };
        if part < stage {
            d.push(misplaced(
                value,
                &format!(
                    "comes too late: {} goes before {}",
                    part.noun(),
                    stage.noun()
                ),
            ));
            ok = false;
            continue;
        }
        if given.contains(&part) {
            d.push(misplaced(
                value,
                &format!("gives {} a second time", part.noun()),
            ));
            ok = false;
            continue;
        }
        stage = part;
        given.push(part);
        match part {
            Part::Quality => {
                match v::word(
                    value,
                    Slot::new("a light's quality", "soft"),
                    LightQuality::WORDS,
                    d,
                )
                .and_then(LightQuality::from_word)
                {
                    Some(q) => light.quality = Some(q),
                    None => ok = false,
                }
            }
            Part::Temperature => match temperature(value, d) {
                Some(c) => light.color = Some(c),
                None => ok = false,
            },
            Part::Intensity => match intensity(value, d) {
                Some(f) => light.intensity = Fraction(f),
                None => ok = false,
            },
        }
    }
    ok.then_some(light)
}

/// The optional parts of a light, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Quality,
    Temperature,
    Intensity,
}

impl Part {
    /// Which part a value is meant to be, by its kind: a name is a quality, a colour or a number
    /// in `K` (or a plain number, reported as a missing unit) a temperature, a percentage an
    /// intensity.
    fn of(value: &Value) -> Option<Part> {
        match &value.kind {
            ValueKind::Ident(_) => Some(Part::Quality),
            ValueKind::Color(_) => Some(Part::Temperature),
            ValueKind::Number(n) => match n.unit {
                Some(Unit::Percent) => Some(Part::Intensity),
                Some(Unit::Kelvin) | None => Some(Part::Temperature),
                _ => Some(Part::Temperature),
            },
            _ => None,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Part::Quality => "`hard` or `soft`",
            Part::Temperature => "the temperature",
            Part::Intensity => "the intensity",
        }
    }
}

fn is_word(value: &Value, word: &str) -> bool {
    matches!(&value.kind, ValueKind::Ident(w) if w == word)
}

/// A colour temperature in `K` within [`KELVIN`] (E0313), or a colour.
fn temperature(value: &Value, d: &mut Vec<Diagnostic>) -> Option<LightColor> {
    if let ValueKind::Color(c) = value.kind {
        return Some(LightColor::Rgb(Color(c)));
    }
    let n = v::number(
        value,
        &[Some(Unit::Kelvin)],
        "a colour temperature or a colour",
        Slot::new("a light's temperature", "3200K` or `#ffd8a8"),
        d,
    )?;
    if !KELVIN.contains(&n.value) {
        d.push(
            Diagnostic::new(
                codes::E0313,
                value.span,
                format!("a colour temperature of {}K is out of range", n.raw),
            )
            .with_label("out of range")
            .with_help("colour temperatures run from `1000K` (a candle) to `12000K` (blue sky); `3200K` is tungsten, `5600K` daylight"),
        );
        return None;
    }
    Some(LightColor::Kelvin(Kelvin(n.value)))
}

/// An intensity as a percentage within [`INTENSITY_PERCENT`] (E0314).
fn intensity(value: &Value, d: &mut Vec<Diagnostic>) -> Option<f64> {
    let n = v::number(
        value,
        &[Some(Unit::Percent)],
        "a fraction",
        Slot::new("a light's intensity", "40%"),
        d,
    )?;
    if !INTENSITY_PERCENT.contains(&n.value) {
        d.push(
            Diagnostic::new(
                codes::E0314,
                value.span,
                format!("a light's intensity of {}% is out of range", n.raw),
            )
            .with_label("out of range")
            .with_help("intensities run from `0%` (off) to `1000%`; `100%` is the default"),
        );
        return None;
    }
    Some(n.value / 100.0)
}

/// A light whose parts are not where they belong (E0203).
fn shape(span: Span, message: &str, label: &str) -> Diagnostic {
    Diagnostic::new(codes::E0203, span, message.to_string())
        .with_label(label.to_string())
        .with_help(format!("write it as `{FORM}`, such as `{EXAMPLE}`"))
}

fn misplaced(value: &Value, what: &str) -> Diagnostic {
    shape(
        value.span,
        &format!("{} {what}", v::written(value)),
        "out of place",
    )
}

/// The light of `lights` named `name`.
pub fn named<'l>(lights: &'l [Light], name: &str) -> Option<&'l Light> {
    lights.iter().find(|l| l.name == name)
}

/// A second light of one name in one location or shot (E0113).
pub fn twice(light: &Light, first: Span, noun: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0113,
        light.span,
        format!("the light `{}` is given twice in {noun}", light.name),
    )
    .with_label("given again here")
    .with_related(first, "first given here")
    .with_help("give each light of one place its own name, or keep one of them")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scene_syntax::ast::{ItemKind, SceneItemKind, StatementKind};

    fn light(line: &str) -> (Option<Light>, Vec<Diagnostic>) {
        let text = format!("scene s at l {{\n shot a 2s {{\n {line}\n }}\n}}\n");
        let parsed = scene_syntax::parse(scene_syntax::FileId(0), &text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{line}: {:?}",
            parsed.diagnostics
        );
        let ItemKind::Scene(scene) = &parsed.file.items[0].kind else {
            panic!("not a scene")
        };
        let SceneItemKind::Shot(shot) = &scene.items[0].kind else {
            panic!("not a shot")
        };
        let StatementKind::Setting(field) = &shot.statements[0].kind else {
            panic!("{line}: not a setting")
        };
        let mut d = Vec::new();
        (read(field, &mut d), d)
    }

    #[test]
    fn every_part_is_read_in_order() {
        let (l, d) = light("light rim from back hard 5600K 40%");
        let l = l.unwrap();
        assert!(d.is_empty());
        assert_eq!(l.name, "rim");
        assert_eq!(l.from, LightSide::Back);
        assert_eq!(l.quality, Some(LightQuality::Hard));
        assert_eq!(l.color, Some(LightColor::Kelvin(Kelvin(5600.0))));
        assert_eq!(l.intensity, Fraction(0.4));
        let (l, _) = light("light neon from right #ff2a6d 250%");
        let l = l.unwrap();
        assert_eq!(l.color, Some(LightColor::Rgb(Color([0xff, 0x2a, 0x6d]))));
        assert_eq!(l.quality, None);
        assert_eq!(l.intensity, Fraction(2.5));
        let (l, _) = light("light key from left");
        assert_eq!(l.unwrap().intensity, Fraction(1.0));
    }

    #[test]
    fn the_vocabulary_examples_read() {
        for spec in scene_syntax::vocab::FIELDS
            .iter()
            .filter(|f| f.key == "light")
        {
            let (l, d) = light(&format!("light {}", spec.example));
            assert!(l.is_some() && d.is_empty(), "{}: {d:?}", spec.example);
        }
    }

    #[test]
    fn mistakes_are_reported_with_their_codes() {
        let code = |line: &str| {
            let (l, d) = light(line);
            assert!(l.is_none(), "{line}");
            d.first().map(|d| d.code.0).unwrap_or("none")
        };
        assert_eq!(code("light key"), "E0203");
        assert_eq!(code("light key at left"), "E0203");
        assert_eq!(code("light key from"), "E0203");
        assert_eq!(code("light key from up"), "E0205");
        assert_eq!(code("light key from left warm"), "E0205");
        assert_eq!(code("light key from left 3200"), "E0201");
        assert_eq!(code("light key from left 3200deg"), "E0201");
        assert_eq!(code("light key from left 900K"), "E0313");
        assert_eq!(code("light key from left 1200%"), "E0314");
        assert_eq!(code("light key from left 40% soft"), "E0203");
        assert_eq!(code("light key from left soft soft"), "E0203");
        assert_eq!(code("light 3 from left"), "E0202");
    }
}
