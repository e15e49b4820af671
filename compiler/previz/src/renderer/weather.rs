//! Falling weather drawn over the scene: rain streaks and snow flakes. Fog is depth-based and
//! lives in the palette (every layer fogs by its own depth).
//!
//! Each particle's start comes from the shot's seed and its index; its position at a frame is a
//! closed-form function of the frame's time, so any frame can be rendered alone.

use crate::frame::RgbFrame;

use super::raster;
use super::rng::{mix as mix_seed, Rng};
use super::sky::{Palette, TimeOfDay, Weather};

pub fn draw(frame: &mut RgbFrame, p: &Palette, seed: u64, frame_index: u32, fps: u32) {
    let t = frame_index as f32 / fps.max(1) as f32;
    match p.weather {
        Weather::Rain => rain(frame, p, seed, t),
        Weather::Snow => snow(frame, p, seed, t),
        Weather::Clear | Weather::Fog => {}
    }
}

/// Wraps `v` into [0, m).
fn wrap(v: f32, m: f32) -> f32 {
    let r = v - (v / m).floor() * m;
    if r >= m {
        0.0
    } else {
        r
    }
}

fn rain(frame: &mut RgbFrame, p: &Palette, seed: u64, t: f32) {
    let (w, h) = (frame.width as f32, frame.height as f32);
    let unit = h / 512.0;
    let count = (w * h / 1400.0) as usize;
    let mut rng = Rng::new(mix_seed(seed, 0x7261_696e));
    let colour = if p.time == TimeOfDay::Night {
        [0.62, 0.68, 0.80]
    } else {
        [0.82, 0.86, 0.92]
    };
    // Rain falls slightly slanted; streaks are motion-blurred drops.
    let slant = 0.12;
    for i in 0..count {
        let near = i % 3 == 0;
        let (len, width, alpha, speed) = if near {
            (
                rng.range(34.0, 52.0) * unit,
                1.6 * unit.max(0.75),
                0.34,
                rng.range(1.6, 2.0) * h,
            )
        } else {
            (
                rng.range(14.0, 24.0) * unit,
                1.0 * unit.max(0.75),
                0.22,
                rng.range(1.0, 1.3) * h,
            )
        };
        let x0 = rng.range(0.0, w);
        let y0 = rng.range(0.0, h + len);
        let y = wrap(y0 + speed * t, h + len) - len;
        let x = wrap(x0 - slant * (y0 + speed * t), w + len) - len * 0.5;
        raster::streak(
            frame,
            (x, y),
            (x - slant * len, y + len),
            width,
            colour,
            alpha,
        );
    }
}

fn snow(frame: &mut RgbFrame, _p: &Palette, seed: u64, t: f32) {
    let (w, h) = (frame.width as f32, frame.height as f32);
    let unit = h / 512.0;
    let count = (w * h / 1800.0) as usize;
    let mut rng = Rng::new(mix_seed(seed, 0x736e_6f77));
    for _ in 0..count {
        let r = rng.range(0.8, 3.2) * unit;
        let x0 = rng.range(0.0, w);
        let y0 = rng.range(0.0, h);
        // Bigger (nearer) flakes fall faster; all sway sideways.
        let speed = (0.05 + 0.03 * r / unit) * h;
        let sway = rng.range(4.0, 14.0) * unit;
        let phase = rng.range(0.0, std::f32::consts::TAU);
        let omega = rng.range(0.8, 2.0);
        let y = wrap(y0 + speed * t, h + 8.0 * r) - 4.0 * r;
        let x = wrap(x0 + sway * libm::sinf(phase + omega * t), w);
        raster::fill_circle(frame, x, y, r, [0.97, 0.98, 1.0], 0.85);
    }
}
