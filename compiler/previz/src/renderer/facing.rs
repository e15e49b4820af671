//! Which side of a figure the camera sees (the schedule's `view_deg`): from behind, hair covers
//! the whole head (no face); in profile, the back half of the head and a nose toward the side
//! the figure faces. Seen from the front (or with no `view_deg`) the figure is drawn as always,
//! so schedules without it render the same pixels as before.

use crate::frame::RgbFrame;

use super::raster::{self, mix, Rgb};

/// Hair: a dark brown that reads against skin, sky and most costume colours.
const HAIR: Rgb = [0.16, 0.11, 0.08];
/// Beyond this angle off the face (degrees) the camera sees the back of the head.
const BACK_FROM_DEG: f32 = 112.5;
/// Beyond this angle off the face the camera sees a profile.
const PROFILE_FROM_DEG: f32 = 67.5;

/// What the camera sees of a figure's head.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Seen {
    Face,
    /// In profile, the face toward the frame's right (`1.0`) or left (`-1.0`).
    Profile(f32),
    Back,
}

impl Seen {
    /// From the side of the subject the camera is on: 0 its face, ±180 its back, +90 its right
    /// side (it faces the frame's right), −90 its left.
    pub fn of(view_deg: Option<f64>) -> Seen {
        let Some(v) = view_deg.filter(|v| v.is_finite()) else {
            return Seen::Face;
        };
        let v = v as f32;
        if v.abs() >= BACK_FROM_DEG {
            Seen::Back
        } else if v.abs() >= PROFILE_FROM_DEG {
            Seen::Profile(v.signum())
        } else {
            Seen::Face
        }
    }
}

/// Hair over the head of radius `r` at (`cx`, `cy`), the skin colour `head` (for a nose),
/// mixed toward the fog by `fog`.
#[allow(clippy::too_many_arguments)]
pub fn draw_head(
    frame: &mut RgbFrame,
    seen: Seen,
    cx: f32,
    cy: f32,
    r: f32,
    head: Rgb,
    fog_colour: Rgb,
    fog: f32,
) {
    let hair = mix(HAIR, fog_colour, fog);
    match seen {
        Seen::Face => {}
        Seen::Back => raster::fill_circle(frame, cx, cy, r, hair, 1.0),
        Seen::Profile(toward) => {
            // The back of the head under hair, the face side in skin with a nose past it.
            raster::fill_circle(
                frame,
                cx - toward * r * 0.3,
                cy - r * 0.05,
                r * 0.82,
                hair,
                1.0,
            );
            raster::fill_circle(
                frame,
                cx + toward * r * 0.95,
                cy + r * 0.1,
                r * 0.22,
                head,
                1.0,
            );
        }
    }
}
