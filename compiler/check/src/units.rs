//! Quantities as types. The checker turns `Number`s with units into these; nothing downstream
//! sees a bare unit string.

use serde::Serialize;

/// A duration or a time point as written: seconds (from `s`, `ms`) or an exact frame count (`f`).
/// Converted to frames at the film's fps, rounding to the nearest frame (halves round up).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Time {
    Seconds(f64),
    Frames(u64),
}

impl Time {
    pub fn to_frames(self, fps: Fps) -> u64 {
        match self {
            Time::Frames(n) => n,
            Time::Seconds(s) => {
                let f = s * fps.0 as f64;
                if f.is_finite() && f > 0.0 {
                    (f + 0.5).floor().min(u64::MAX as f64) as u64
                } else {
                    0
                }
            }
        }
    }
}

/// Frames per second, 1–120.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Fps(pub u32);

/// A frame index or count at the film's fps. Inside a shot, frame 0 is the shot's first frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Frames(pub u32);

/// 0.0–1.0, written as a percentage.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Fraction(pub f64);

/// Millimetres of focal length (full-frame equivalent).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct FocalLength(pub f64);

/// Metres.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Distance(pub f64);

/// Degrees.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Angle(pub f64);

/// Decibels, −60 to +12.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Gain(pub f64);

/// Integrated loudness in LUFS (EBU R128), −40 to −5.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Loudness(pub f64);

impl Loudness {
    /// What a film without `loudness` is mastered to: the usual target for online video.
    pub const DEFAULT: Loudness = Loudness(-16.0);
}

/// A colour temperature in kelvin, 1000 to 12000.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Kelvin(pub f64);

/// How fast time runs in a shot: 1.0 is real time, 0.25 a quarter speed (slow motion), 2.0
/// double speed; 0.01 to 10.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Speed(pub f64);

impl Speed {
    pub const NORMAL: Speed = Speed(1.0);
}

/// A multiplier written with an `x` suffix.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub struct Factor(pub f64);

/// Frame size in pixels; each side a multiple of 32, at most 4096.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

/// `#rrggbb`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Color(pub [u8; 3]);

impl Color {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }
}
