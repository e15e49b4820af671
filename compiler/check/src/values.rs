//! Values as written becoming typed quantities: the unit and type checks and the range checks
//! that belong to a quantity itself. Each function reports what it rejects and returns `None`.

use scene_syntax::ast::{Field, Number, Unit, Value, ValueKind};
use scene_syntax::{vocab, Code, Diagnostic};

use crate::codes;
use crate::units::{Fps, Frames, Size, Time};

/// What is being given a value, for messages: "`fps`", "`dolly in`".
#[derive(Clone, Copy)]
pub struct Slot<'a> {
    pub name: &'a str,
    /// An example of a right value: "30%".
    pub example: &'a str,
}

impl<'a> Slot<'a> {
    pub fn new(name: &'a str, example: &'a str) -> Self {
        Slot { name, example }
    }
}

pub fn unit_kind(unit: Option<Unit>) -> &'static str {
    match unit {
        Some(Unit::Seconds | Unit::Millis | Unit::Frames) => "a duration",
        Some(Unit::Percent) => "a fraction",
        Some(Unit::Millimetres) => "a focal length",
        Some(Unit::Metres) => "a distance",
        Some(Unit::Degrees) => "an angle",
        Some(Unit::Decibels) => "a gain",
        Some(Unit::Factor) => "a factor",
        None => "a plain number",
    }
}

/// "an angle (`30deg`)", "a text", "the name `foo`".
pub fn describe(value: &Value) -> String {
    match &value.kind {
        ValueKind::Number(n) => {
            format!(
                "{} (`{}{}`)",
                unit_kind(n.unit),
                n.raw,
                n.unit.map(Unit::suffix).unwrap_or("")
            )
        }
        ValueKind::Str(_) => "a text".to_string(),
        ValueKind::Ident(name) => format!("the name `{name}`"),
        ValueKind::Color(_) => "a colour".to_string(),
        ValueKind::Size { .. } => "a size".to_string(),
        ValueKind::Point(..) => "a point".to_string(),
    }
}

/// The value as written, in backticks when it is short: "`7s`", "a text".
pub fn written(value: &Value) -> String {
    match &value.kind {
        ValueKind::Number(n) => format!("`{}{}`", n.raw, n.unit.map(Unit::suffix).unwrap_or("")),
        _ => describe(value),
    }
}

fn mismatch(code: Code, value: &Value, slot: Slot, wanted: &str) -> Diagnostic {
    Diagnostic::new(
        code,
        value.span,
        format!("{} takes {wanted}, not {}", slot.name, describe(value)),
    )
    .with_label(format!("expected {wanted}"))
    .with_help(format!("write {wanted} such as `{}`", slot.example))
}

/// A number whose unit is one of `units` (`None` in the list: no unit), and finite: a literal
/// too long for a 64-bit float (309 digits or more) is out of every range, so it is reported
/// here once rather than slipping past range checks as infinity.
pub fn number<'v>(
    value: &'v Value,
    units: &[Option<Unit>],
    wanted: &str,
    slot: Slot,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'v Number> {
    let n = number_as_written(value, units, wanted, slot, diags)?;
    if !n.value.is_finite() {
        diags.push(
            Diagnostic::new(
                codes::E0308,
                value.span,
                format!(
                    "{} cannot take a {}-digit number: it is too large for any field",
                    slot.name,
                    n.raw.chars().filter(char::is_ascii_digit).count()
                ),
            )
            .with_label("too large to represent")
            .with_help(format!("write a number such as `{}`", slot.example)),
        );
        return None;
    }
    Some(n)
}

/// [`number`] without the finiteness check, for values read exactly from their digits (seeds).
fn number_as_written<'v>(
    value: &'v Value,
    units: &[Option<Unit>],
    wanted: &str,
    slot: Slot,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'v Number> {
    match &value.kind {
        ValueKind::Number(n) if units.contains(&n.unit) => Some(n),
        ValueKind::Number(n) => {
            let mut d = mismatch(codes::E0201, value, slot, wanted);
            // `fps 24s`: dropping the unit is the fix when a plain number is wanted.
            if units == [None] && n.value.is_finite() {
                d = d.with_fix(
                    value.span,
                    n.raw.clone(),
                    format!("remove the unit: `{}`", n.raw),
                );
            }
            diags.push(d);
            None
        }
        _ => {
            diags.push(mismatch(codes::E0202, value, slot, wanted));
            None
        }
    }
}

pub const TIME_UNITS: &[Option<Unit>] =
    &[Some(Unit::Seconds), Some(Unit::Millis), Some(Unit::Frames)];

/// A duration or time point as written; `negative` when it is below zero.
#[derive(Clone, Copy, Debug)]
pub struct TimeValue {
    pub time: Time,
    pub negative: bool,
}

impl TimeValue {
    pub fn frames(self, fps: Fps) -> Frames {
        if self.negative {
            return Frames(0);
        }
        Frames(self.time.to_frames(fps).min(u32::MAX as u64) as u32)
    }
}

pub fn time(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<TimeValue> {
    let n = number(value, TIME_UNITS, "a time", slot, diags)?;
    let negative = n.value < 0.0;
    let time = match n.unit {
        Some(Unit::Millis) => Time::Seconds(n.value.abs() / 1000.0),
        Some(Unit::Frames) => {
            if n.value.fract() != 0.0 {
                diags.push(
                    Diagnostic::new(
                        codes::E0204,
                        value.span,
                        format!("`{}f` is not a whole number of frames", n.raw),
                    )
                    .with_label("frames are counted in whole numbers")
                    .with_help(
                        "write a whole number of frames such as `12f`, or seconds such as `0.5s`",
                    ),
                );
                return None;
            }
            Time::Frames(n.value.abs().min(u64::MAX as f64) as u64)
        }
        _ => Time::Seconds(n.value.abs()),
    };
    Some(TimeValue { time, negative })
}

/// A duration that must be longer than zero frames.
pub fn positive_duration(
    value: &Value,
    slot: Slot,
    fps: Fps,
    diags: &mut Vec<Diagnostic>,
) -> Option<Frames> {
    let t = time(value, slot, diags)?;
    let frames = t.frames(fps);
    if t.negative || frames.0 == 0 {
        diags.push(
            Diagnostic::new(
                codes::E0307,
                value.span,
                format!("{} must last at least one frame", slot.name),
            )
            .with_label(if t.negative {
                "negative duration"
            } else {
                "shorter than one frame"
            })
            .with_help(format!(
                "write a positive duration such as `{}`",
                slot.example
            )),
        );
        return None;
    }
    Some(frames)
}

/// A non-negative duration (fades may be `0s`).
pub fn duration_or_zero(
    value: &Value,
    slot: Slot,
    fps: Fps,
    diags: &mut Vec<Diagnostic>,
) -> Option<Frames> {
    let t = time(value, slot, diags)?;
    if t.negative {
        diags.push(
            Diagnostic::new(
                codes::E0307,
                value.span,
                format!("{} cannot be negative", slot.name),
            )
            .with_label("negative duration")
            .with_help(format!("write a duration such as `{}`", slot.example)),
        );
        return None;
    }
    Some(t.frames(fps))
}

/// A percentage as a fraction; with `bounded`, it must be within 0%–100%.
pub fn fraction(
    value: &Value,
    slot: Slot,
    bounded: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let n = number(value, &[Some(Unit::Percent)], "a fraction", slot, diags)?;
    if bounded && !(0.0..=100.0).contains(&n.value) {
        diags.push(
            Diagnostic::new(
                codes::E0305,
                value.span,
                format!(
                    "{} is a fraction from 0% to 100%, not {}%",
                    slot.name, n.raw
                ),
            )
            .with_label("out of range")
            .with_help(format!(
                "write a fraction from `0%` to `100%` such as `{}`",
                slot.example
            )),
        );
        return None;
    }
    Some(n.value / 100.0)
}

pub fn focal_length(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let n = number(
        value,
        &[Some(Unit::Millimetres)],
        "a focal length",
        slot,
        diags,
    )?;
    if !(1.0..=2000.0).contains(&n.value) {
        diags.push(
            Diagnostic::new(codes::E0308, value.span, format!("a focal length of {}mm is not a lens", n.raw))
                .with_label("out of range")
                .with_help("focal lengths run from `1mm` to `2000mm`; `35mm` is normal, `85mm` a portrait lens"),
        );
        return None;
    }
    Some(n.value)
}

pub fn distance(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    number(value, &[Some(Unit::Metres)], "a distance", slot, diags).map(|n| n.value)
}

pub fn angle(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    number(value, &[Some(Unit::Degrees)], "an angle", slot, diags).map(|n| n.value)
}

/// A gain within −60 dB to +12 dB.
pub fn gain(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let n = number(value, &[Some(Unit::Decibels)], "a gain", slot, diags)?;
    if !(-60.0..=12.0).contains(&n.value) {
        diags.push(
            Diagnostic::new(
                codes::E0304,
                value.span,
                format!("a gain of {}dB is out of range", n.raw),
            )
            .with_label("out of range")
            .with_help(
                "gains run from `-60dB` (nearly silent) to `12dB`; `0dB` plays the file as it is",
            ),
        );
        return None;
    }
    Some(n.value)
}

/// A plain number (no unit) within `range`.
pub fn plain(
    value: &Value,
    slot: Slot,
    range: std::ops::RangeInclusive<f64>,
    code: Code,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let n = number(value, &[None], "a plain number", slot, diags)?;
    if !range.contains(&n.value) {
        diags.push(
            Diagnostic::new(
                code,
                value.span,
                format!(
                    "{} must be from {} to {}, not {}",
                    slot.name,
                    range.start(),
                    range.end(),
                    n.raw
                ),
            )
            .with_label("out of range")
            .with_help(format!("write a number such as `{}`", slot.example)),
        );
        return None;
    }
    Some(n.value)
}

/// A whole plain number within `range`.
pub fn whole(
    value: &Value,
    slot: Slot,
    range: std::ops::RangeInclusive<f64>,
    code: Code,
    diags: &mut Vec<Diagnostic>,
) -> Option<u32> {
    let n = number(value, &[None], "a whole number", slot, diags)?;
    if n.value.fract() != 0.0 {
        diags.push(
            Diagnostic::new(
                codes::E0204,
                value.span,
                format!("{} must be a whole number, not {}", slot.name, n.raw),
            )
            .with_label("not a whole number")
            .with_help(format!("write a whole number such as `{}`", slot.example)),
        );
        return None;
    }
    plain(value, slot, range, code, diags).map(|v| v as u32)
}

/// A seed: a whole number that fits in 64 bits, read exactly from the literal.
pub fn seed(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<u64> {
    let n = number_as_written(value, &[None], "a whole number", slot, diags)?;
    let digits = n.raw.strip_prefix('+').unwrap_or(&n.raw).replace('_', "");
    match digits.parse::<u64>() {
        Ok(seed) => Some(seed),
        Err(_) => {
            diags.push(
                Diagnostic::new(
                    codes::E0306,
                    value.span,
                    format!("the seed `{}` does not fit in 64 bits", n.raw),
                )
                .with_label("not a whole number from 0 to 18446744073709551615")
                .with_help(format!(
                    "seeds are whole numbers from 0 to {} such as `{}`",
                    u64::MAX,
                    slot.example
                )),
            );
            None
        }
    }
}

pub fn text(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match &value.kind {
        ValueKind::Str(s) => Some(s.clone()),
        _ => {
            let mut d = mismatch(codes::E0202, value, slot, "a text");
            if let ValueKind::Ident(name) = &value.kind {
                d = d.with_fix(value.span, format!("\"{name}\""), "quote it");
            }
            diags.push(d);
            None
        }
    }
}

pub fn ident<'v>(value: &'v Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<&'v str> {
    match &value.kind {
        ValueKind::Ident(name) => Some(name),
        _ => {
            diags.push(mismatch(codes::E0202, value, slot, "a name"));
            None
        }
    }
}

pub fn color(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<[u8; 3]> {
    match &value.kind {
        ValueKind::Color(c) => Some(*c),
        _ => {
            diags.push(mismatch(codes::E0202, value, slot, "a colour"));
            None
        }
    }
}

/// One word of `words`.
pub fn word(
    value: &Value,
    slot: Slot,
    words: &'static [vocab::Word],
    diags: &mut Vec<Diagnostic>,
) -> Option<&'static str> {
    let name = ident(value, slot, diags)?;
    if let Some(w) = words.iter().find(|w| w.word == name) {
        return Some(w.word);
    }
    let names: Vec<&str> = words.iter().map(|w| w.word).collect();
    let mut d = Diagnostic::new(
        codes::E0205,
        value.span,
        format!("`{name}` is not a value of {}", slot.name),
    )
    .with_label("unknown value");
    d = match crate::suggest::nearest(name, names.iter().copied()) {
        Some(near) => d
            .with_help(format!(
                "did you mean `{near}`? {} is one of {}",
                slot.name,
                crate::suggest::list(&names)
            ))
            .with_fix(value.span, near, format!("replace with `{near}`")),
        None => d.with_help(format!(
            "{} is one of {}",
            slot.name,
            crate::suggest::list(&names)
        )),
    };
    diags.push(d);
    None
}

/// A frame size: each side a multiple of 32, at most 4096 (what the model renders).
pub fn size(value: &Value, slot: Slot, diags: &mut Vec<Diagnostic>) -> Option<Size> {
    let ValueKind::Size { width, height } = value.kind else {
        diags.push(mismatch(codes::E0202, value, slot, "a size"));
        return None;
    };
    let ok = |side: u64| side > 0 && side.is_multiple_of(32) && side <= 4096;
    if ok(width) && ok(height) {
        return Some(Size {
            width: width as u32,
            height: height as u32,
        });
    }
    let fix = |side: u64| (side.saturating_add(16) / 32 * 32).clamp(32, 4096);
    let suggestion = format!("{}x{}", fix(width), fix(height));
    diags.push(
        Diagnostic::new(
            codes::E0302,
            value.span,
            format!("the size {width}x{height} is not a size the model can render"),
        )
        .with_label("each side must be a multiple of 32, at most 4096")
        .with_help(format!("the nearest valid size is `{suggestion}`"))
        .with_fix(
            value.span,
            suggestion.clone(),
            format!("replace with `{suggestion}`"),
        ),
    );
    None
}

/// The only value of a field, or a diagnostic when there are none or several.
pub fn single<'f>(
    field: &'f Field,
    example: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'f Value> {
    match field.values.as_slice() {
        [value] => Some(value),
        [] => {
            diags.push(
                Diagnostic::new(
                    codes::E0203,
                    field.span,
                    format!("`{}` needs a value", field.key.name),
                )
                .with_label("missing value")
                .with_help(format!("write it as `{} {example}`", field.key.name)),
            );
            None
        }
        [_, extra @ ..] => {
            let span = extra[0].span.join(extra[extra.len() - 1].span);
            diags.push(
                Diagnostic::new(
                    codes::E0203,
                    span,
                    format!("`{}` takes one value", field.key.name),
                )
                .with_label("extra value")
                .with_help(format!("write it as `{} {example}`", field.key.name)),
            );
            None
        }
    }
}
