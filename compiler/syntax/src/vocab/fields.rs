//! The fields of each block (and the per-shot settings, which are a shot's fields): the kind of
//! value each takes, whether it is required, an example for help lines, and a sentence for the
//! editor. The grammar reads any `key value…` in a block; these entries decide which keys exist
//! and what their values must be.

use super::words::{Word, DEPTHS, FRAMINGS, GRADES, HEIGHTS, SETTINGS, TIMES, WEATHERS};
use super::NameKind;

/// A block that holds fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Block {
    Film,
    Character,
    Prop,
    Location,
    Look,
    Camera,
    /// The per-shot settings (`seed 3`, `strength 80%`) among a shot's statements.
    Shot,
}

impl Block {
    pub const ALL: [Block; 7] = [
        Block::Film,
        Block::Character,
        Block::Prop,
        Block::Location,
        Block::Look,
        Block::Camera,
        Block::Shot,
    ];

    /// The keyword that opens the block.
    pub fn keyword(self) -> &'static str {
        match self {
            Block::Film => "film",
            Block::Character => "character",
            Block::Prop => "prop",
            Block::Location => "location",
            Block::Look => "look",
            Block::Camera => "camera",
            Block::Shot => "shot",
        }
    }

    /// The block opened by `keyword`.
    pub fn of_keyword(keyword: &str) -> Option<Block> {
        Block::ALL.into_iter().find(|b| b.keyword() == keyword)
    }

    /// The block in a message: "a character has no field `colour`".
    pub fn noun(self) -> &'static str {
        match self {
            Block::Film => "the `film` block",
            Block::Character => "a character",
            Block::Prop => "a prop",
            Block::Location => "a location",
            Block::Look => "a look",
            Block::Camera => "a camera",
            Block::Shot => "a shot",
        }
    }

    /// A definition block written `KEYWORD ID { fields }`.
    pub fn is_definition(self) -> bool {
        matches!(
            self,
            Block::Character | Block::Prop | Block::Location | Block::Look | Block::Camera
        )
    }
}

/// The file type an asset must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssetKind {
    Image,
    Audio,
}

/// The accepted range of a plain number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NumberRange {
    pub min: f64,
    pub max: f64,
    /// Only whole numbers.
    pub whole: bool,
}

/// What a field's value must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueType {
    /// A string.
    Text,
    /// A plain number (no unit).
    Number(NumberRange),
    /// Frames per second: a whole plain number, 1–120.
    Fps,
    /// A whole number that fits in 64 bits, read exactly.
    Seed,
    /// `WIDTHxHEIGHT`, each side a multiple of 32 and at most 4096.
    Size,
    /// `#rrggbb`.
    Color,
    /// A percentage, 0%–100%.
    Fraction,
    /// `mm`, 1–2000.
    FocalLength,
    /// `deg`.
    Angle,
    /// One word of a fixed set.
    Word(&'static [Word]),
    /// The name of a definition of that kind.
    Ref(NameKind),
    /// A path to a file of that kind.
    Asset(AssetKind),
    /// A sound's name or an audio file, then an optional gain.
    Ambience,
    /// A prop's real size: two distances, width then height (`60m 4m`).
    Dimensions,
    /// An integrated loudness in `LUFS`, −40 to −5.
    Loudness,
    /// How fast time runs in a shot: a factor (`0.5x`) or a fraction (`50%`), 1%–1000%.
    Speed,
    /// A light: `NAME from SIDE [hard|soft] [TEMPERATURE] [FRACTION]`, where TEMPERATURE is
    /// kelvin (`3200K`, 1000K–12000K) or a colour, and FRACTION the intensity (0%–1000%).
    Light,
}

impl ValueType {
    /// The type as the tables of docs/language.md write it.
    pub fn doc_name(self) -> String {
        match self {
            ValueType::Text => "Text".into(),
            ValueType::Number(_) | ValueType::Fps | ValueType::Seed => "Number".into(),
            ValueType::Size => "Size".into(),
            ValueType::Color => "Color".into(),
            ValueType::Fraction => "Fraction".into(),
            ValueType::FocalLength => "FocalLength".into(),
            ValueType::Angle => "Angle".into(),
            ValueType::Word(_) => "Word".into(),
            ValueType::Ref(kind) => format!("Reference ({})", kind.word()),
            ValueType::Asset(AssetKind::Image) => "Asset (image)".into(),
            ValueType::Asset(AssetKind::Audio) => "Asset (audio)".into(),
            ValueType::Ambience => "Asset or Reference (sound), then an optional Gain".into(),
            ValueType::Dimensions => "Distance Distance".into(),
            ValueType::Loudness => "Loudness".into(),
            ValueType::Speed => "Factor or Fraction".into(),
            ValueType::Light => "Light".into(),
        }
    }

    /// The units a value of this type is written with (none for a plain number, a name or text).
    pub fn units(self) -> &'static [&'static str] {
        match self {
            ValueType::Fraction => &["%"],
            ValueType::FocalLength => &["mm"],
            ValueType::Angle => &["deg"],
            ValueType::Ambience => &["dB"],
            ValueType::Dimensions => &["m"],
            ValueType::Loudness => &["LUFS"],
            ValueType::Speed => &["%", "x"],
            ValueType::Light => &["K", "%"],
            _ => &[],
        }
    }
}

/// One field of one block.
#[derive(Debug)]
pub struct FieldSpec {
    pub block: Block,
    pub key: &'static str,
    pub value: ValueType,
    /// A block without it is an error.
    pub required: bool,
    /// May be written several times in one block (`light`); otherwise a second one is an error.
    pub many: bool,
    /// A right value as written, for help lines: `write it as \`fps 24\``.
    pub example: &'static str,
    /// One sentence for hover and completion.
    pub doc: &'static str,
}

const fn f(
    block: Block,
    key: &'static str,
    value: ValueType,
    example: &'static str,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        block,
        key,
        value,
        required: false,
        many: false,
        example,
        doc,
    }
}

const fn required(
    block: Block,
    key: &'static str,
    value: ValueType,
    example: &'static str,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        block,
        key,
        value,
        required: true,
        many: false,
        example,
        doc,
    }
}

const fn many(
    block: Block,
    key: &'static str,
    value: ValueType,
    example: &'static str,
    doc: &'static str,
) -> FieldSpec {
    FieldSpec {
        block,
        key,
        value,
        required: false,
        many: true,
        example,
        doc,
    }
}

const GUIDANCE: ValueType = ValueType::Number(NumberRange {
    min: 1.0,
    max: 30.0,
    whole: false,
});
const STEPS: ValueType = ValueType::Number(NumberRange {
    min: 1.0,
    max: 1000.0,
    whole: true,
});
const TEXT: &str = "\"…\"";

use Block::*;
use ValueType::*;

/// Every field, block by block, each block's fields in the order messages list them.
#[rustfmt::skip]
pub const FIELDS: &[FieldSpec] = &[
    f(Film, "size", Size, "768x512", "The frame size in pixels (default `768x512`)."),
    f(Film, "fps", Fps, "24", "Frames per second, 1–120 (default 24)."),
    f(Film, "seed", Seed, "7", "The film seed every shot's seed is derived from (default 0)."),
    f(Film, "look", Ref(NameKind::Look), "cinematic", "The look of every shot."),
    f(Film, "style", Text, TEXT, "Style words added to every prompt."),
    f(Film, "negative", Text, TEXT, "The negative prompt of every shot."),
    f(Film, "guidance", GUIDANCE, "3.5", "Classifier-free guidance scale (default the look's, else 3)."),
    f(Film, "steps", STEPS, "40", "Denoising steps (default the look's, else 40)."),
    f(Film, "loudness", Loudness, "-16LUFS", "The integrated loudness (EBU R128) the final mix is brought to, −40 to −5 LUFS (default `-16LUFS`)."),
    f(Character, "name", Text, TEXT, "The display name in subtitles and name tags (default the identifier)."),
    required(Character, "description", Text, TEXT, "How the character looks; enters every prompt it is in frame for."),
    f(Character, "voice", Text, TEXT, "How the character sounds; carried with each line of dialogue."),
    f(Character, "color", Color, "#d62828", "The character's colour in previz and storyboards."),
    f(Character, "reference", Asset(AssetKind::Image), "\"refs/aiko.png\"", "An identity reference image that conditions every shot the character is in."),
    required(Prop, "description", Text, TEXT, "What the prop looks like; enters every prompt it is in frame for."),
    f(Prop, "dimensions", Dimensions, "60m 4m", "The prop's real width and height in metres (default `0.3m 0.3m`): how big it is on screen."),
    f(Prop, "color", Color, "#b8c0c8", "The prop's colour in previz and storyboards."),
    f(Prop, "reference", Asset(AssetKind::Image), "\"refs/train.png\"", "A reference image that conditions every shot the prop is in."),
    required(Location, "description", Text, TEXT, "The place; enters every prompt of every scene set there."),
    f(Location, "time", Word(TIMES), "night", "The time of day (default `day`)."),
    f(Location, "weather", Word(WEATHERS), "rain", "The weather (default `clear`)."),
    f(Location, "ambience", Ambience, "\"audio/rain.ogg\" -18dB", "A sound that loops under every shot of every scene set here."),
    f(Location, "setting", Word(SETTINGS), "interior", "Indoors or out (default `exterior`); an interior has walls and a ceiling, and its weather is seen only through its openings."),
    many(Location, "light", Light, "key from left soft 3200K", "A light on every shot here: its name, the side it comes from, hard or soft, its colour temperature or colour, and its intensity."),
    f(Look, "style", Text, TEXT, "Style words, placed first in every prompt."),
    f(Look, "negative", Text, TEXT, "Joined to the film's and the shot's negative prompt."),
    f(Look, "guidance", GUIDANCE, "3.5", "Guidance scale (overrides the film's)."),
    f(Look, "steps", STEPS, "40", "Denoising steps (overrides the film's)."),
    f(Look, "grade", Word(GRADES), "teal_orange", "The colour grade (default `neutral`)."),
    f(Camera, "framing", Word(FRAMINGS), "medium", "How much of a standing person the frame covers (default `medium`)."),
    f(Camera, "height", Word(HEIGHTS), "eye", "The camera's height (default `eye`)."),
    f(Camera, "lens", FocalLength, "50mm", "The focal length (default `50mm`)."),
    f(Camera, "angle", Angle, "15deg", "Roll about the lens axis, a Dutch angle (default `0deg`)."),
    f(Shot, "seed", Seed, "3", "This shot's seed instead of the one derived from its name."),
    f(Shot, "guidance", GUIDANCE, "3.5", "This shot's guidance scale."),
    f(Shot, "strength", Fraction, "80%", "How freely the shot is generated: 100% from noise, lower closer to the guide video."),
    f(Shot, "look", Ref(NameKind::Look), "noir", "This shot's look instead of the film's."),
    f(Shot, "style", Text, TEXT, "This shot's style instead of the film's."),
    f(Shot, "negative", Text, TEXT, "Added to the film's and the look's negative prompt."),
    f(Shot, "steps", STEPS, "40", "This shot's denoising steps."),
    many(Shot, "light", Light, "rim from back hard 5600K 40%", "A light for this shot, added to the location's (or replacing the location's light of that name)."),
    f(Shot, "speed", Speed, "25%", "How fast time runs, 1%–1000%: below 100% slow motion, above it fast motion; written times stay screen times."),
    f(Shot, "depth", Word(DEPTHS), "shallow", "How much in front of and behind the focused subject is sharp: `shallow` (a fast lens, the background melts), `normal`, `deep` (everything sharp)."),
];
