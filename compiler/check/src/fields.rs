//! Reading a block's fields against the vocabulary's field table (`scene_syntax::vocab::FIELDS`):
//! one reader that finds each field, reports unknown keys (with the valid ones in the help) and
//! keys given twice, and type- and range-checks each value by the kind the table gives it. The
//! passes that build the film only say which field goes where.

use std::collections::BTreeMap;

use scene_syntax::ast::{Field, Ident, Value};
use scene_syntax::vocab::{self, Block, FieldSpec, ValueType};
use scene_syntax::{Diagnostic, Span};

use crate::codes;
use crate::film::{CameraHeight, Framing, LightQuality, LightSide, Setting, TimeOfDay, Weather};
use crate::suggest;
use crate::units::Size;
use crate::values::{self as v, Slot};

/// A field's value, checked against its kind.
#[derive(Clone, Debug)]
pub enum Typed<'f> {
    Text(String),
    /// A plain number within its range (whole numbers for whole ranges and `fps`).
    Number(f64),
    Seed(u64),
    Size(Size),
    Color([u8; 3]),
    /// 0–1, from a percentage.
    Fraction(f64),
    FocalLength(f64),
    Angle(f64),
    /// A word of the field's set.
    Word(&'static str),
    /// A name to resolve (the caller knows the namespaces).
    Ref(&'f Value),
    /// A path to resolve (the caller knows the project).
    Asset(&'f Value),
    /// The whole field: a sound or a file, then a gain, read by the location pass.
    Ambience(&'f Field),
    /// Width and height in metres, each above zero.
    Dimensions(f64, f64),
    /// LUFS, −40 to −5.
    Loudness(f64),
    /// 0.01 to 10 (1%–1000%).
    Speed(f64),
    /// The whole field: a light, read by `light::read`.
    Light(&'f Field),
}

/// The spec of `key` in `block`; an unknown key is reported (E0120) with the block's fields.
pub fn spec(block: Block, key: &Ident, diags: &mut Vec<Diagnostic>) -> Option<&'static FieldSpec> {
    let spec = vocab::field(block, &key.name);
    if spec.is_none() {
        diags.push(unknown(key, block));
    }
    spec
}

fn unknown(key: &Ident, block: Block) -> Diagnostic {
    let valid: Vec<&str> = vocab::fields_of(block).map(|f| f.key).collect();
    let noun = block.noun();
    let mut d = Diagnostic::new(
        codes::E0120,
        key.span,
        format!("{noun} has no field `{}`", key.name),
    )
    .with_label("unknown field");
    let listing = format!("the fields of {noun} are {}", suggest::list(&valid));
    d = match suggest::nearest(&key.name, valid.iter().copied()) {
        Some(near) => d
            .with_help(format!("did you mean `{near}`? {listing}"))
            .with_fix(key.span, near, format!("replace with `{near}`")),
        None => d.with_help(listing),
    };
    d
}

/// The value of `field`, checked against `spec`. `None` when it was reported.
pub fn value<'f>(spec: &FieldSpec, field: &'f Field, d: &mut Vec<Diagnostic>) -> Option<Typed<'f>> {
    match spec.value {
        ValueType::Ambience => return Some(Typed::Ambience(field)),
        ValueType::Dimensions => {
            let (w, h) = v::dimensions(field, spec.example, d)?;
            return Some(Typed::Dimensions(w, h));
        }
        ValueType::Light => return Some(Typed::Light(field)),
        _ => {}
    }
    let value = v::single(field, spec.example, d)?;
    let name = format!("`{}`", spec.key);
    let slot = Slot::new(&name, spec.example);
    Some(match spec.value {
        ValueType::Text => Typed::Text(v::text(value, slot, d)?),
        ValueType::Fps => {
            Typed::Number(v::whole(value, slot, 1.0..=120.0, codes::E0301, d)?.into())
        }
        ValueType::Number(r) if r.whole => {
            Typed::Number(v::whole(value, slot, r.min..=r.max, codes::E0308, d)?.into())
        }
        ValueType::Number(r) => {
            Typed::Number(v::plain(value, slot, r.min..=r.max, codes::E0308, d)?)
        }
        ValueType::Seed => Typed::Seed(v::seed(value, slot, d)?),
        ValueType::Size => Typed::Size(v::size(value, slot, d)?),
        ValueType::Color => Typed::Color(v::color(value, slot, d)?),
        ValueType::Fraction => Typed::Fraction(v::fraction(value, slot, true, d)?),
        ValueType::FocalLength => Typed::FocalLength(v::focal_length(value, slot, d)?),
        ValueType::Angle => Typed::Angle(v::angle(value, slot, d)?),
        ValueType::Word(words) => Typed::Word(v::word(value, slot, words, d)?),
        ValueType::Ref(_) => Typed::Ref(value),
        ValueType::Asset(_) => Typed::Asset(value),
        ValueType::Loudness => Typed::Loudness(v::loudness(value, slot, d)?),
        ValueType::Speed => Typed::Speed(v::speed(value, slot, d)?),
        ValueType::Ambience | ValueType::Dimensions | ValueType::Light => return None,
    })
}

/// The fields of one block: every key known to the block and given once, and every field that
/// may be given several times (`light`) in the order written.
pub struct Fields<'f> {
    block: Block,
    given: BTreeMap<&'static str, &'f Field>,
    many: BTreeMap<&'static str, Vec<&'f Field>>,
}

impl<'f> Fields<'f> {
    /// Reads a block's fields, reporting unknown keys (E0120) and keys given twice (E0113); the
    /// first of a repeated key is the one kept.
    pub fn read(block: Block, fields: &'f [Field], diags: &mut Vec<Diagnostic>) -> Self {
        let mut given: BTreeMap<&'static str, &'f Field> = BTreeMap::new();
        let mut many: BTreeMap<&'static str, Vec<&'f Field>> = BTreeMap::new();
        for field in fields {
            let Some(spec) = spec(block, &field.key, diags) else {
                continue;
            };
            if spec.many {
                many.entry(spec.key).or_default().push(field);
                continue;
            }
            if let Some(first) = given.get(spec.key) {
                diags.push(twice(field, first.span, block.noun()));
                continue;
            }
            given.insert(spec.key, field);
        }
        Fields { block, given, many }
    }

    pub fn has(&self, key: &str) -> bool {
        self.given.contains_key(key) || self.many.contains_key(key)
    }

    /// Every checked value of a field that may be given several times, in the order written.
    pub fn all(&self, key: &str, d: &mut Vec<Diagnostic>) -> Vec<Typed<'f>> {
        let (Some(fields), Some(spec)) = (self.many.get(key), vocab::field(self.block, key)) else {
            return Vec::new();
        };
        fields.iter().filter_map(|f| value(spec, f, d)).collect()
    }

    /// The checked value of `key`, if it is given and right.
    pub fn get(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<Typed<'f>> {
        let field = self.given.get(key)?;
        value(vocab::field(self.block, key)?, field, d)
    }

    /// The required fields that are not given.
    pub fn missing(&self) -> impl Iterator<Item = &'static FieldSpec> + '_ {
        vocab::fields_of(self.block).filter(|f| f.required && !self.has(f.key))
    }

    pub fn text(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<String> {
        match self.get(key, d)? {
            Typed::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn number(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<f64> {
        match self.get(key, d)? {
            Typed::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn word(&self, key: &str, d: &mut Vec<Diagnostic>) -> Option<&'static str> {
        match self.get(key, d)? {
            Typed::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// A key given twice in one block (E0113).
fn twice(field: &Field, first: Span, noun: &str) -> Diagnostic {
    let key = &field.key.name;
    Diagnostic::new(
        codes::E0113,
        field.span,
        format!("`{key}` is given twice in {noun}"),
    )
    .with_label("given again here")
    .with_related(first, "first given here")
    .with_help(format!("keep one `{key}`"))
}

/// A required field that a definition lacks (E0121).
pub fn missing(block: Block, name: &Ident, spec: &FieldSpec) -> Diagnostic {
    let (kind, key) = (block.keyword(), spec.key);
    let help = if key == "description" {
        format!(
            "add `{key} {}`: it is what the video model is told the {kind} looks like",
            spec.example
        )
    } else {
        format!("add `{key} {}`", spec.example)
    };
    Diagnostic::new(
        codes::E0121,
        name.span,
        format!("the {kind} `{}` has no `{key}`", name.name),
    )
    .with_label(format!("`{key}` is required"))
    .with_help(help)
}

/// A typed value named by a word of one of the vocabulary's word sets.
pub trait FromWord: Sized {
    /// The word set, as the vocabulary lists it.
    const WORDS: &'static [vocab::Word];
    fn from_word(word: &str) -> Option<Self>;
}

impl FromWord for TimeOfDay {
    const WORDS: &'static [vocab::Word] = vocab::TIMES;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "dawn" => TimeOfDay::Dawn,
            "day" => TimeOfDay::Day,
            "dusk" => TimeOfDay::Dusk,
            "night" => TimeOfDay::Night,
            _ => return None,
        })
    }
}

impl FromWord for Weather {
    const WORDS: &'static [vocab::Word] = vocab::WEATHERS;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "clear" => Weather::Clear,
            "rain" => Weather::Rain,
            "snow" => Weather::Snow,
            "fog" => Weather::Fog,
            _ => return None,
        })
    }
}

impl FromWord for Framing {
    const WORDS: &'static [vocab::Word] = vocab::FRAMINGS;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "extreme_wide" => Framing::ExtremeWide,
            "wide" => Framing::Wide,
            "full" => Framing::Full,
            "medium_full" => Framing::MediumFull,
            "medium" => Framing::Medium,
            "medium_closeup" => Framing::MediumCloseup,
            "closeup" => Framing::Closeup,
            "extreme_closeup" => Framing::ExtremeCloseup,
            _ => return None,
        })
    }
}

impl FromWord for CameraHeight {
    const WORDS: &'static [vocab::Word] = vocab::HEIGHTS;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "ground" => CameraHeight::Ground,
            "low" => CameraHeight::Low,
            "eye" => CameraHeight::Eye,
            "high" => CameraHeight::High,
            "overhead" => CameraHeight::Overhead,
            _ => return None,
        })
    }
}

impl FromWord for Setting {
    const WORDS: &'static [vocab::Word] = vocab::SETTINGS;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "exterior" => Setting::Exterior,
            "interior" => Setting::Interior,
            _ => return None,
        })
    }
}

impl FromWord for LightSide {
    const WORDS: &'static [vocab::Word] = vocab::LIGHT_SIDES;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "left" => LightSide::Left,
            "right" => LightSide::Right,
            "front" => LightSide::Front,
            "back" => LightSide::Back,
            "above" => LightSide::Above,
            "below" => LightSide::Below,
            _ => return None,
        })
    }
}

impl FromWord for LightQuality {
    const WORDS: &'static [vocab::Word] = vocab::LIGHT_QUALITIES;
    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "hard" => LightQuality::Hard,
            "soft" => LightQuality::Soft,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_word_has_a_meaning<T: FromWord + PartialEq + std::fmt::Debug>() {
        let mut seen: Vec<T> = Vec::new();
        for w in T::WORDS {
            let value = T::from_word(w.word).unwrap_or_else(|| {
                panic!(
                    "the checker gives `{}` no meaning: add it to `FromWord` in compiler/check/src/fields.rs",
                    w.word
                )
            });
            assert!(
                !seen.contains(&value),
                "`{}` means the same as another word",
                w.word
            );
            seen.push(value);
        }
    }

    #[test]
    fn every_word_of_the_vocabulary_has_one_meaning() {
        every_word_has_a_meaning::<TimeOfDay>();
        every_word_has_a_meaning::<Weather>();
        every_word_has_a_meaning::<Framing>();
        every_word_has_a_meaning::<CameraHeight>();
        every_word_has_a_meaning::<Setting>();
        every_word_has_a_meaning::<LightSide>();
        every_word_has_a_meaning::<LightQuality>();
    }

    #[test]
    fn every_field_kind_reads_its_example() {
        for spec in vocab::FIELDS {
            let text = format!("film \"t\" {{ {} {} }}", spec.key, spec.example);
            let parsed = scene_syntax::parse(scene_syntax::FileId(0), &text);
            let scene_syntax::ast::ItemKind::Film(film) = &parsed.file.items[0].kind else {
                panic!("{text}: not a film");
            };
            let mut d = Vec::new();
            let typed = value(spec, &film.fields[0], &mut d);
            // Names and assets are resolved by the caller; everything else is read here.
            assert!(typed.is_some() && d.is_empty(), "{text}: {d:?}");
        }
    }
}
