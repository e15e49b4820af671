//! The film block and the definitions: characters, locations, sounds, looks, camera presets.

use scene_syntax::ast::{BlockDef, SoundDef, SoundRole as AstRole, Value, ValueKind};
use scene_syntax::{Diagnostic, Span};

use crate::assets::Want;
use crate::codes;
use crate::context::{fields, Cx};
use crate::film::*;
use crate::names::Kind;
use crate::units::{Angle, Color, FocalLength, Fps, Gain, Size};
use crate::values::{self as v, Slot};

pub const FILM_FIELDS: &[&str] = &[
    "size", "fps", "seed", "look", "style", "negative", "guidance", "steps",
];
pub const CHARACTER_FIELDS: &[&str] = &["name", "description", "voice", "color", "reference"];
pub const LOCATION_FIELDS: &[&str] = &["description", "time", "weather", "ambience"];
pub const LOOK_FIELDS: &[&str] = &["style", "negative", "guidance", "steps", "grade"];
pub const CAMERA_FIELDS: &[&str] = &["framing", "height", "lens", "angle"];

pub const TIMES: &[(&str, TimeOfDay)] = &[
    ("dawn", TimeOfDay::Dawn),
    ("day", TimeOfDay::Day),
    ("dusk", TimeOfDay::Dusk),
    ("night", TimeOfDay::Night),
];
pub const WEATHERS: &[(&str, Weather)] = &[
    ("clear", Weather::Clear),
    ("rain", Weather::Rain),
    ("snow", Weather::Snow),
    ("fog", Weather::Fog),
];
pub const FRAMINGS: &[(&str, Framing)] = &[
    ("extreme_wide", Framing::ExtremeWide),
    ("wide", Framing::Wide),
    ("full", Framing::Full),
    ("medium", Framing::Medium),
    ("closeup", Framing::Closeup),
    ("extreme_closeup", Framing::ExtremeCloseup),
];
pub const HEIGHTS: &[(&str, CameraHeight)] = &[
    ("ground", CameraHeight::Ground),
    ("low", CameraHeight::Low),
    ("eye", CameraHeight::Eye),
    ("high", CameraHeight::High),
    ("overhead", CameraHeight::Overhead),
];
pub const GRADES: &[(&str, &str)] = &[
    ("neutral", "neutral"),
    ("teal_orange", "teal_orange"),
    ("mono", "mono"),
    ("sepia", "sepia"),
    ("warm", "warm"),
    ("cool", "cool"),
    ("bleach", "bleach"),
    ("pastel", "pastel"),
];

/// The film block (or the defaults when the entry has none). Sets `cx.fps` first: every time in
/// the film converts at it.
pub fn film(cx: &mut Cx) -> Film {
    let title_default = cx
        .sources
        .path(cx.entry)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "film".to_string());
    let mut film = Film {
        title: title_default,
        span: None,
        size: Size {
            width: 768,
            height: 512,
        },
        fps: Fps(24),
        seed: 0,
        look: None,
        style: None,
        negative: None,
        guidance: None,
        steps: None,
        characters: Vec::new(),
        locations: Vec::new(),
        sounds: Vec::new(),
        looks: Vec::new(),
        cameras: Vec::new(),
        scenes: Vec::new(),
        shots: Vec::new(),
        project_root: cx.root.to_path_buf(),
    };
    let Some((def, span)) = cx.names.film else {
        return film;
    };
    film.title = def.title.value.clone();
    film.span = Some(span);
    let f = fields(&def.fields, FILM_FIELDS, "the `film` block", &mut cx.diags);
    let d = &mut cx.diags;
    if let Some(value) = f.get("fps").and_then(|f| v::single(f, "24", d)) {
        if let Some(fps) = v::whole(
            value,
            Slot::new("`fps`", "24"),
            1.0..=120.0,
            codes::E0301,
            d,
        ) {
            film.fps = Fps(fps);
        }
    }
    cx.fps = film.fps;
    if let Some(value) = f.get("size").and_then(|f| v::single(f, "768x512", d)) {
        if let Some(size) = size(value, d) {
            film.size = size;
        }
    }
    if let Some(value) = f.get("seed").and_then(|f| v::single(f, "7", d)) {
        film.seed = v::seed(value, Slot::new("`seed`", "7"), d).unwrap_or(0);
    }
    film.style = text_field(&f, "style", d);
    film.negative = text_field(&f, "negative", d);
    film.guidance = guidance(&f, d);
    film.steps = steps(&f, d);
    if let Some(value) = f
        .get("look")
        .and_then(|f| v::single(f, "cinematic", &mut cx.diags))
    {
        film.look = look_ref(cx, value);
    }
    film
}

/// Resolves a `look NAME` value.
pub fn look_ref(cx: &mut Cx, value: &Value) -> Option<LookId> {
    let ValueKind::Ident(name) = &value.kind else {
        v::ident(value, Slot::new("`look`", "cinematic"), &mut cx.diags);
        return None;
    };
    let ident = scene_syntax::ast::Ident {
        name: name.clone(),
        span: value.span,
    };
    cx.resolve(Kind::Look, &ident, false).map(LookId)
}

fn size(value: &Value, d: &mut Vec<Diagnostic>) -> Option<Size> {
    let ValueKind::Size { width, height } = value.kind else {
        d.push(
            Diagnostic::new(
                codes::E0202,
                value.span,
                format!("`size` takes a size, not {}", v::describe(value)),
            )
            .with_label("expected a size")
            .with_help("write a size such as `768x512`"),
        );
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
    d.push(
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

pub(crate) fn text_field(
    f: &std::collections::BTreeMap<&str, &scene_syntax::ast::Field>,
    key: &str,
    d: &mut Vec<Diagnostic>,
) -> Option<String> {
    let value = f.get(key).and_then(|field| v::single(field, "\"…\"", d))?;
    let name = format!("`{key}`");
    v::text(value, Slot::new(&name, "\"…\""), d)
}

pub(crate) fn guidance(
    f: &std::collections::BTreeMap<&str, &scene_syntax::ast::Field>,
    d: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let value = f
        .get("guidance")
        .and_then(|field| v::single(field, "3.5", d))?;
    v::plain(
        value,
        Slot::new("`guidance`", "3.5"),
        1.0..=30.0,
        codes::E0308,
        d,
    )
}

pub(crate) fn steps(
    f: &std::collections::BTreeMap<&str, &scene_syntax::ast::Field>,
    d: &mut Vec<Diagnostic>,
) -> Option<u32> {
    let value = f.get("steps").and_then(|field| v::single(field, "40", d))?;
    v::whole(
        value,
        Slot::new("`steps`", "40"),
        1.0..=1000.0,
        codes::E0308,
        d,
    )
}

/// Every definition, in ID order.
pub fn definitions(cx: &mut Cx, film: &mut Film) {
    let characters: Vec<&BlockDef> = cx
        .names
        .characters
        .entries
        .iter()
        .map(|(_, d)| *d)
        .collect();
    for def in characters {
        let c = character(cx, def);
        film.characters.push(c);
    }
    let sounds: Vec<&SoundDef> = cx.names.sounds.entries.iter().map(|(_, d)| *d).collect();
    for def in sounds {
        let s = sound(cx, def);
        film.sounds.push(s);
    }
    let locations: Vec<&BlockDef> = cx.names.locations.entries.iter().map(|(_, d)| *d).collect();
    for def in locations {
        let l = location(cx, def, film);
        film.locations.push(l);
    }
    let looks: Vec<&BlockDef> = cx.names.looks.entries.iter().map(|(_, d)| *d).collect();
    for def in looks {
        let l = look(cx, def);
        film.looks.push(l);
    }
    let cameras: Vec<&BlockDef> = cx
        .names
        .cameras
        .entries
        .iter()
        .map(|(_, (d, _))| *d)
        .collect();
    for def in cameras {
        let c = camera(cx, def);
        film.cameras.push(c);
    }
}

fn required_description(
    cx: &mut Cx,
    def: &BlockDef,
    f: &std::collections::BTreeMap<&str, &scene_syntax::ast::Field>,
    kind: &str,
) -> String {
    if !f.contains_key("description") {
        cx.diags.push(
            Diagnostic::new(
                codes::E0121,
                def.name.span,
                format!("the {kind} `{}` has no `description`", def.name.name),
            )
            .with_label("`description` is required")
            .with_help(format!(
                "add `description \"…\"`: it is what the video model is told the {kind} looks like"
            )),
        );
    }
    text_field(f, "description", &mut cx.diags).unwrap_or_default()
}

fn character(cx: &mut Cx, def: &BlockDef) -> Character {
    let block = "a character".to_string();
    let f = fields(&def.fields, CHARACTER_FIELDS, &block, &mut cx.diags);
    let description = required_description(cx, def, &f, "character");
    let d = &mut cx.diags;
    let name = text_field(&f, "name", d).unwrap_or_else(|| def.name.name.clone());
    let voice = text_field(&f, "voice", d);
    let color = f
        .get("color")
        .and_then(|field| v::single(field, "#d62828", d))
        .and_then(|value| v::color(value, Slot::new("`color`", "#d62828"), d))
        .map(Color);
    let reference = f
        .get("reference")
        .and_then(|field| v::single(field, "\"refs/aiko.png\"", &mut cx.diags))
        .and_then(|value| {
            let dir = cx.dir_of(value.span.file);
            match &value.kind {
                ValueKind::Str(s) => {
                    let lit = scene_syntax::ast::StrLit {
                        value: s.clone(),
                        multiline: false,
                        span: value.span,
                    };
                    cx.assets.resolve(&lit, &dir, Want::Image, &mut cx.diags)
                }
                _ => {
                    v::text(
                        value,
                        Slot::new("`reference`", "\"refs/aiko.png\""),
                        &mut cx.diags,
                    );
                    None
                }
            }
        });
    Character {
        id: def.name.name.clone(),
        span: def.name.span,
        name,
        description,
        voice,
        color,
        reference,
    }
}

/// An asset path value of a file, checked for `want`.
fn asset_value(cx: &mut Cx, value: &Value, want: Want, slot: Slot) -> Option<Asset> {
    match &value.kind {
        ValueKind::Str(s) => {
            let lit = scene_syntax::ast::StrLit {
                value: s.clone(),
                multiline: false,
                span: value.span,
            };
            let dir = cx.dir_of(value.span.file);
            cx.assets.resolve(&lit, &dir, want, &mut cx.diags)
        }
        _ => {
            v::text(value, slot, &mut cx.diags);
            None
        }
    }
}

/// A stand-in for an asset that could not be resolved (already reported), so that IDs stay valid.
pub fn placeholder_asset(cx: &Cx, written: &str, span: Span) -> Asset {
    Asset {
        path: written.to_string(),
        absolute: cx.root.join(written),
        sha256: String::new(),
        kind: AssetKind::Audio { seconds: None },
        span,
    }
}

fn sound(cx: &mut Cx, def: &SoundDef) -> Sound {
    let role = match def.role.node {
        AstRole::Music => SoundRole::Music,
        AstRole::Sfx => SoundRole::Sfx,
        AstRole::Ambience => SoundRole::Ambience,
    };
    let asset = asset_value(
        cx,
        &def.asset,
        Want::Audio,
        Slot::new("a `sound`", "\"audio/theme.ogg\""),
    );
    let written = match &def.asset.kind {
        ValueKind::Str(s) => s.clone(),
        _ => String::new(),
    };
    let asset = asset.unwrap_or_else(|| placeholder_asset(cx, &written, def.asset.span));
    let gain = def
        .gain
        .as_ref()
        .and_then(|g| v::gain(g, Slot::new("a sound's gain", "-6dB"), &mut cx.diags))
        .unwrap_or(0.0);
    Sound {
        id: def.name.name.clone(),
        span: def.name.span,
        role,
        asset,
        gain: Gain(gain),
    }
}

fn location(cx: &mut Cx, def: &BlockDef, film: &Film) -> Location {
    let f = fields(&def.fields, LOCATION_FIELDS, "a location", &mut cx.diags);
    let description = required_description(cx, def, &f, "location");
    let d = &mut cx.diags;
    let time = f
        .get("time")
        .and_then(|field| v::single(field, "night", d))
        .and_then(|value| v::choice(value, Slot::new("`time`", "night"), TIMES, d))
        .unwrap_or(TimeOfDay::Day);
    let weather = f
        .get("weather")
        .and_then(|field| v::single(field, "rain", d))
        .and_then(|value| v::choice(value, Slot::new("`weather`", "rain"), WEATHERS, d))
        .unwrap_or(Weather::Clear);
    let ambience = f
        .get("ambience")
        .and_then(|field| ambience(cx, field, film));
    Location {
        id: def.name.name.clone(),
        span: def.name.span,
        description,
        time,
        weather,
        ambience,
    }
}

fn ambience(cx: &mut Cx, field: &scene_syntax::ast::Field, film: &Film) -> Option<Ambience> {
    let (source, gain_value) = match field.values.as_slice() {
        [] => {
            cx.diags.push(
                Diagnostic::new(
                    codes::E0203,
                    field.span,
                    "`ambience` needs a sound or an audio file",
                )
                .with_label("missing value")
                .with_help(
                    "write it as `ambience \"audio/rain.ogg\" -18dB` or `ambience rain -18dB`",
                ),
            );
            return None;
        }
        [source] => (source, None),
        [source, gain] => (source, Some(gain)),
        [_, _, extra @ ..] => {
            let span = extra[0].span.join(extra[extra.len() - 1].span);
            cx.diags.push(
                Diagnostic::new(codes::E0203, span, "`ambience` takes a sound and a gain")
                    .with_label("extra value")
                    .with_help("write it as `ambience \"audio/rain.ogg\" -18dB`"),
            );
            return None;
        }
    };
    let gain =
        gain_value.and_then(|g| v::gain(g, Slot::new("`ambience`'s gain", "-18dB"), &mut cx.diags));
    let (source, own_gain) = match &source.kind {
        ValueKind::Ident(name) => {
            let ident = scene_syntax::ast::Ident {
                name: name.clone(),
                span: source.span,
            };
            let id = cx.resolve(Kind::Sound, &ident, false)?;
            (
                AudioSource::Sound(SoundId(id)),
                film.sounds
                    .get(id as usize)
                    .map(|s| s.gain.0)
                    .unwrap_or(0.0),
            )
        }
        _ => {
            let asset = asset_value(
                cx,
                source,
                Want::Audio,
                Slot::new("`ambience`", "\"audio/rain.ogg\""),
            )?;
            (AudioSource::Asset(asset), 0.0)
        }
    };
    if gain_value.is_some() && gain.is_none() {
        return None;
    }
    Some(Ambience {
        source,
        gain: Gain(gain.unwrap_or(own_gain)),
    })
}

fn look(cx: &mut Cx, def: &BlockDef) -> Look {
    let f = fields(&def.fields, LOOK_FIELDS, "a look", &mut cx.diags);
    let d = &mut cx.diags;
    let grade = f
        .get("grade")
        .and_then(|field| v::single(field, "teal_orange", d))
        .and_then(|value| v::choice(value, Slot::new("`grade`", "teal_orange"), GRADES, d))
        .map(str::to_string);
    Look {
        id: def.name.name.clone(),
        span: def.name.span,
        style: text_field(&f, "style", d),
        negative: text_field(&f, "negative", d),
        guidance: guidance(&f, d),
        steps: steps(&f, d),
        grade,
    }
}

fn camera(cx: &mut Cx, def: &BlockDef) -> CameraPreset {
    let f = fields(&def.fields, CAMERA_FIELDS, "a camera", &mut cx.diags);
    let d = &mut cx.diags;
    let framing = f
        .get("framing")
        .and_then(|field| v::single(field, "medium", d))
        .and_then(|value| v::choice(value, Slot::new("`framing`", "medium"), FRAMINGS, d));
    let height = f
        .get("height")
        .and_then(|field| v::single(field, "eye", d))
        .and_then(|value| v::choice(value, Slot::new("`height`", "eye"), HEIGHTS, d));
    let lens = f
        .get("lens")
        .and_then(|field| v::single(field, "50mm", d))
        .and_then(|value| v::focal_length(value, Slot::new("`lens`", "50mm"), d))
        .map(FocalLength);
    let angle = f
        .get("angle")
        .and_then(|field| v::single(field, "0deg", d))
        .and_then(|value| v::angle(value, Slot::new("`angle`", "15deg"), d))
        .map(Angle);
    CameraPreset {
        id: def.name.name.clone(),
        span: def.name.span,
        framing,
        height,
        lens,
        angle,
    }
}
