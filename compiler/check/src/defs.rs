//! The film block and the definitions: characters, locations, sounds, looks, camera presets.

use scene_syntax::ast::{BlockDef, SoundDef, SoundRole as AstRole, Value, ValueKind};
use scene_syntax::vocab::{self, Block};
use scene_syntax::{Diagnostic, Span};

use crate::assets::Want;
use crate::codes;
use crate::context::Cx;
use crate::fields::{self, Fields, FromWord, Typed};
use crate::film::*;
use crate::names::Kind;
use crate::units::{Angle, Color, FocalLength, Fps, Gain, Size};
use crate::values::{self as v, Slot};

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
    let f = Fields::read(Block::Film, &def.fields, &mut cx.diags);
    let d = &mut cx.diags;
    if let Some(fps) = f.number("fps", d) {
        film.fps = Fps(fps as u32);
    }
    cx.fps = film.fps;
    if let Some(Typed::Size(size)) = f.get("size", d) {
        film.size = size;
    }
    if f.has("seed") {
        film.seed = match f.get("seed", d) {
            Some(Typed::Seed(seed)) => seed,
            _ => 0,
        };
    }
    film.style = f.text("style", d);
    film.negative = f.text("negative", d);
    film.guidance = f.number("guidance", d);
    film.steps = f.number("steps", d).map(|n| n as u32);
    if let Some(Typed::Ref(value)) = f.get("look", &mut cx.diags) {
        film.look = look_ref(cx, value);
    }
    film
}

/// Resolves a `look NAME` value.
pub fn look_ref(cx: &mut Cx, value: &Value) -> Option<LookId> {
    let ValueKind::Ident(name) = &value.kind else {
        // A shot's `look` reads like the film's: the same example in the help.
        let example = vocab::field(Block::Film, "look").map_or("", |f| f.example);
        v::ident(value, Slot::new("`look`", example), &mut cx.diags);
        return None;
    };
    let ident = scene_syntax::ast::Ident {
        name: name.clone(),
        span: value.span,
    };
    cx.resolve(Kind::Look, &ident, false).map(LookId)
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

/// A definition's fields, its missing required ones reported (E0121).
fn definition_fields<'f>(cx: &mut Cx, block: Block, def: &'f BlockDef) -> Fields<'f> {
    let f = Fields::read(block, &def.fields, &mut cx.diags);
    for spec in f.missing() {
        cx.diags.push(fields::missing(block, &def.name, spec));
    }
    f
}

fn character(cx: &mut Cx, def: &BlockDef) -> Character {
    let f = definition_fields(cx, Block::Character, def);
    let d = &mut cx.diags;
    let description = f.text("description", d).unwrap_or_default();
    let name = f.text("name", d).unwrap_or_else(|| def.name.name.clone());
    let voice = f.text("voice", d);
    let color = match f.get("color", d) {
        Some(Typed::Color(c)) => Some(Color(c)),
        _ => None,
    };
    let reference = match f.get("reference", &mut cx.diags) {
        Some(Typed::Asset(value)) => {
            let example = vocab::field(Block::Character, "reference").map_or("", |s| s.example);
            asset_value(cx, value, Want::Image, Slot::new("`reference`", example))
        }
        _ => None,
    };
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
    let f = definition_fields(cx, Block::Location, def);
    let d = &mut cx.diags;
    let description = f.text("description", d).unwrap_or_default();
    let time = word(&f, "time", d).unwrap_or(TimeOfDay::Day);
    let weather = word(&f, "weather", d).unwrap_or(Weather::Clear);
    let ambience = match f.get("ambience", d) {
        Some(Typed::Ambience(field)) => ambience(cx, field, film),
        _ => None,
    };
    Location {
        id: def.name.name.clone(),
        span: def.name.span,
        description,
        time,
        weather,
        ambience,
    }
}

/// A field whose word names a value of `T`.
fn word<T: FromWord>(f: &Fields, key: &str, d: &mut Vec<Diagnostic>) -> Option<T> {
    f.word(key, d).and_then(T::from_word)
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
    let f = definition_fields(cx, Block::Look, def);
    let d = &mut cx.diags;
    Look {
        id: def.name.name.clone(),
        span: def.name.span,
        style: f.text("style", d),
        negative: f.text("negative", d),
        guidance: f.number("guidance", d),
        steps: f.number("steps", d).map(|n| n as u32),
        grade: f.word("grade", d).map(str::to_string),
    }
}

fn camera(cx: &mut Cx, def: &BlockDef) -> CameraPreset {
    let f = definition_fields(cx, Block::Camera, def);
    let d = &mut cx.diags;
    let lens = match f.get("lens", d) {
        Some(Typed::FocalLength(mm)) => Some(FocalLength(mm)),
        _ => None,
    };
    let angle = match f.get("angle", d) {
        Some(Typed::Angle(deg)) => Some(Angle(deg)),
        _ => None,
    };
    CameraPreset {
        id: def.name.name.clone(),
        span: def.name.span,
        framing: word(&f, "framing", d),
        height: word(&f, "height", d),
        lens,
        angle,
    }
}
