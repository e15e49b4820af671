//! Units and the fixed sets of words a field may take (framings, heights, times of day,
//! weathers, grades, settings, and the sides and qualities of a light). The set words are plain identifiers to the grammar; only the checker gives
//! them meaning, so they are data here and nowhere else.

use crate::ast::Unit;

/// What a unit measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    Duration,
    Fraction,
    FocalLength,
    Distance,
    Angle,
    Gain,
    Factor,
    /// A light's colour temperature, in kelvin.
    Temperature,
    /// Integrated loudness (EBU R128).
    Loudness,
}

impl Quantity {
    /// The type as docs/language.md names it.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Duration => "Duration / Time",
            Quantity::Fraction => "Fraction",
            Quantity::FocalLength => "FocalLength",
            Quantity::Distance => "Distance",
            Quantity::Angle => "Angle",
            Quantity::Gain => "Gain",
            Quantity::Factor => "Factor",
            Quantity::Temperature => "Temperature",
            Quantity::Loudness => "Loudness",
        }
    }
}

/// A unit written right after a number: `6s`, `85mm`.
#[derive(Debug)]
pub struct UnitSpec {
    pub suffix: &'static str,
    pub unit: Unit,
    pub quantity: Quantity,
    /// What it counts, in a word or two ("milliseconds").
    pub meaning: &'static str,
}

/// Every unit. Longer suffixes that share a start with shorter ones (`ms`, `mm` and `m`) are
/// told apart by the grammar's `unit` rule, which tries the longer ones first.
pub const UNITS: &[UnitSpec] = &[
    UnitSpec {
        suffix: "s",
        unit: Unit::Seconds,
        quantity: Quantity::Duration,
        meaning: "seconds",
    },
    UnitSpec {
        suffix: "ms",
        unit: Unit::Millis,
        quantity: Quantity::Duration,
        meaning: "milliseconds",
    },
    UnitSpec {
        suffix: "f",
        unit: Unit::Frames,
        quantity: Quantity::Duration,
        meaning: "frames",
    },
    UnitSpec {
        suffix: "%",
        unit: Unit::Percent,
        quantity: Quantity::Fraction,
        meaning: "fraction",
    },
    UnitSpec {
        suffix: "mm",
        unit: Unit::Millimetres,
        quantity: Quantity::FocalLength,
        meaning: "focal length",
    },
    UnitSpec {
        suffix: "m",
        unit: Unit::Metres,
        quantity: Quantity::Distance,
        meaning: "metres",
    },
    UnitSpec {
        suffix: "deg",
        unit: Unit::Degrees,
        quantity: Quantity::Angle,
        meaning: "degrees",
    },
    UnitSpec {
        suffix: "dB",
        unit: Unit::Decibels,
        quantity: Quantity::Gain,
        meaning: "gain",
    },
    UnitSpec {
        suffix: "x",
        unit: Unit::Factor,
        quantity: Quantity::Factor,
        meaning: "factor",
    },
    UnitSpec {
        suffix: "K",
        unit: Unit::Kelvin,
        quantity: Quantity::Temperature,
        meaning: "kelvin",
    },
    UnitSpec {
        suffix: "LUFS",
        unit: Unit::Lufs,
        quantity: Quantity::Loudness,
        meaning: "loudness units relative to full scale",
    },
];

/// One word of a fixed set.
#[derive(Debug, PartialEq)]
pub struct Word {
    pub word: &'static str,
    pub doc: &'static str,
}

const fn w(word: &'static str, doc: &'static str) -> Word {
    Word { word, doc }
}

/// How much of a standing person the frame covers (docs/camera-model.md has the numbers).
pub const FRAMINGS: &[Word] = &[
    w("extreme_wide", "the whole place; a person is small in it"),
    w("wide", "a standing person with the place around them"),
    w("full", "a standing person, head to toe"),
    w("medium_full", "from the knees up (a cowboy shot)"),
    w("medium", "from the waist up"),
    w("medium_closeup", "from the chest up"),
    w("closeup", "the face and shoulders"),
    w("extreme_closeup", "the eyes"),
];

/// The camera's height above the ground.
pub const HEIGHTS: &[Word] = &[
    w("ground", "0.3 m, at the ground"),
    w("low", "0.8 m, looking up"),
    w("eye", "1.6 m, eye level"),
    w("high", "3 m, looking down"),
    w("overhead", "8 m, from above"),
];

/// The time of day at a location.
pub const TIMES: &[Word] = &[
    w("dawn", "first light"),
    w("day", "daylight"),
    w("dusk", "evening light"),
    w("night", "night"),
];

/// The weather at a location.
pub const WEATHERS: &[Word] = &[
    w("clear", "no weather"),
    w("rain", "rain"),
    w("snow", "snow"),
    w("fog", "fog"),
];

/// The renderers' colour grades, named by a look's `grade`.
pub const GRADES: &[Word] = &[
    w("neutral", "no grade"),
    w("teal_orange", "teal shadows, warm highlights"),
    w("mono", "black and white"),
    w("sepia", "sepia"),
    w("warm", "warm"),
    w("cool", "cool"),
    w("bleach", "desaturated, high contrast"),
    w("pastel", "lifted, soft colour"),
];

/// Whether a location is indoors or out.
pub const SETTINGS: &[Word] = &[
    w("exterior", "outdoors: sky, ground and weather"),
    w(
        "interior",
        "indoors: walls and a ceiling; weather only through the openings",
    ),
];

/// The side a light comes from, as the camera of the shot's opening view sees the set.
pub const LIGHT_SIDES: &[Word] = &[
    w("left", "from the frame's left"),
    w("right", "from the frame's right"),
    w("front", "from the camera's side, toward the set"),
    w(
        "back",
        "from behind the subjects, toward the camera (a rim or back light)",
    ),
    w("above", "from overhead"),
    w("below", "from below (uplight)"),
];

/// How deep the zone of sharp focus is around the focused subject (`depth`).
pub const DEPTHS: &[Word] = &[
    w(
        "shallow",
        "a fast lens (f/1.4): only the focused subject is sharp, the background melts",
    ),
    w(
        "normal",
        "an everyday aperture (f/5.6): a little softness far from the subject",
    ),
    w(
        "deep",
        "a stopped-down lens: everything from near to far is sharp",
    ),
];

/// How a light falls off into shadow.
pub const LIGHT_QUALITIES: &[Word] = &[
    w(
        "hard",
        "a small source: crisp shadows, a sharp edge between light and shade",
    ),
    w(
        "soft",
        "a broad source: gentle shadows that wrap around the subject",
    ),
];
