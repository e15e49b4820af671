//! The shot's key light in the previz: its colour tints the whole frame a little and the figures
//! and props more, and figures and props are lit from its side (a lit edge toward the light, the
//! far side in shade). A shot without lights, or whose lights are all off, is drawn as before.

use scene_plan::schedule::{Light, LightQuality, LightSide, ShotSchedule};

use crate::frame::RgbFrame;

use super::raster::{mix, parse_hex, Rgb};

/// How much the key's colour tints the whole frame at full strength.
const FRAME_TINT: f32 = 0.18;
/// How much it tints figures and props at full strength.
const SUBJECT_TINT: f32 = 0.55;

/// The light that shapes the subjects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Key {
    /// The light's colour (from its temperature or as written), white when neither.
    pub colour: Rgb,
    pub side: LightSide,
    /// 0 to 1: the intensity, capped at a normal key's.
    pub strength: f32,
    /// Hard light shades the far side darker.
    pub hard: bool,
}

impl Key {
    /// The shot's key light, when it has one that is on.
    pub fn of(shot: &ShotSchedule) -> Option<Key> {
        let key: &Light = shot.lights.iter().find(|l| l.key)?;
        (key.intensity > 0.0).then(|| Key {
            colour: parse_hex(&key.color).unwrap_or([1.0; 3]),
            side: key.from,
            strength: key.intensity.min(1.0) as f32,
            hard: key.quality == Some(LightQuality::Hard),
        })
    }

    /// The factor a subject's colour is multiplied by.
    pub fn subject_tint(&self) -> Rgb {
        mix([1.0; 3], self.colour, SUBJECT_TINT * self.strength)
    }

    /// How dark the side away from the light is, as a brightness factor.
    pub fn shade(&self) -> f32 {
        let depth = if self.hard { 0.55 } else { 0.3 };
        1.0 - depth * self.strength
    }

    /// The direction the light travels in world space (x right, y up, z away from the opening
    /// view's camera).
    pub fn travel(&self) -> [f32; 3] {
        match self.side {
            LightSide::Left => [1.0, 0.0, 0.0],
            LightSide::Right => [-1.0, 0.0, 0.0],
            LightSide::Front => [0.0, 0.0, 1.0],
            LightSide::Back => [0.0, 0.0, -1.0],
            LightSide::Above => [0.0, -1.0, 0.0],
            LightSide::Below => [0.0, 1.0, 0.0],
        }
    }
}

/// Multiplies every pixel by a little of the key's colour.
pub fn tint(frame: &mut RgbFrame, key: &Key) {
    let f = mix([1.0; 3], key.colour, FRAME_TINT * key.strength);
    // Per channel lookup tables: 256 multiplications each instead of one per pixel.
    let table: [[u8; 256]; 3] = std::array::from_fn(|c| {
        std::array::from_fn(|v| (v as f32 * f[c]).round().clamp(0.0, 255.0) as u8)
    });
    for px in frame.data.chunks_exact_mut(3) {
        px[0] = table[0][px[0] as usize];
        px[1] = table[1][px[1] as usize];
        px[2] = table[2][px[2] as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warm_key_warms_the_frame() {
        let mut frame = RgbFrame::new(2, 1);
        frame.data.fill(200);
        let key = Key {
            colour: [1.0, 0.7, 0.4],
            side: LightSide::Left,
            strength: 1.0,
            hard: false,
        };
        tint(&mut frame, &key);
        assert_eq!(frame.data[0], 200);
        assert!(frame.data[1] < 200 && frame.data[2] < frame.data[1]);
    }
}
