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
    // The factors repeated to 16 whole pixels, so the loop runs over plain bytes and vectorises.
    let pattern: [f32; 48] = std::array::from_fn(|i| f[i % 3]);
    scale_bytes(&mut frame.data, &pattern);
}

/// [`tinted`] for every byte against the pattern repeated (the AVX2 build chosen at run time;
/// the same IEEE arithmetic in every lane width).
fn scale_bytes(bytes: &mut [u8], pattern: &[f32; 48]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { scale_bytes_avx2(bytes, pattern) };
    }
    scale_bytes_portable(bytes, pattern)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn scale_bytes_avx2(bytes: &mut [u8], pattern: &[f32; 48]) {
    scale_bytes_portable(bytes, pattern)
}

#[inline(always)]
fn scale_bytes_portable(bytes: &mut [u8], pattern: &[f32; 48]) {
    let scale = |chunk: &mut [u8]| {
        for (c, &k) in chunk.iter_mut().zip(pattern) {
            *c = tinted(*c, k);
        }
    };
    let mut chunks = bytes.chunks_exact_mut(48);
    for chunk in &mut chunks {
        scale(chunk);
    }
    scale(chunks.into_remainder());
}

/// `(c · k).round().clamp(0.0, 255.0) as u8`, written so that it stays in vector lanes (`round`
/// and the saturating conversion alone are done a lane at a time): the integer part plus one
/// when the fraction is at least a half is `round` for every number from 0 up (the fraction is
/// exact), and below 0 both give 0 once clamped; `max` turns NaN into 0, as the conversion does.
#[inline(always)]
fn tinted(c: u8, k: f32) -> u8 {
    let x = f32::from(c) * k;
    let whole = x.trunc();
    let rounded = whole + if x - whole >= 0.5 { 1.0 } else { 0.0 };
    let v = rounded.max(0.0).min(255.0);
    // SAFETY: `v` is a number in 0..=255.
    unsafe { v.to_int_unchecked::<i32>() as u8 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value against many factors (the tint's are 0.82 to 1): what the formula
    /// gives pixel by pixel, as the tint was first computed.
    #[test]
    fn the_vectorised_tint_is_the_rounding_formula() {
        let factors = (0..4000).map(|i| 0.5 + i as f32 * 0.000_251_3);
        for k in factors.chain([0.0, 1.0, 2.0, f32::NAN, -0.5, 1e9]) {
            for c in 0..=255u8 {
                let want = (c as f32 * k).round().clamp(0.0, 255.0) as u8;
                assert_eq!(tinted(c, k), want, "{c} · {k}");
            }
        }
        // And the whole frame, including the bytes past the last 16 whole pixels.
        let key = Key {
            colour: [1.0, 0.7, 0.4],
            side: LightSide::Left,
            strength: 0.9,
            hard: false,
        };
        let f = mix([1.0; 3], key.colour, FRAME_TINT * key.strength);
        let mut frame = RgbFrame::new(257, 1);
        for (i, b) in frame.data.iter_mut().enumerate() {
            *b = (i / 3 % 256) as u8;
        }
        let before = frame.clone();
        tint(&mut frame, &key);
        for (i, (&after, &was)) in frame.data.iter().zip(&before.data).enumerate() {
            let want = (was as f32 * f[i % 3]).round().clamp(0.0, 255.0) as u8;
            assert_eq!(after, want, "byte {i}");
        }
    }

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
