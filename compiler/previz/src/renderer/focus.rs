//! Focus blur by depth: in a shot whose schedule gives a focus distance (`focus_m`), what lies
//! off the focal plane is softened by its circle of confusion — the background as if at
//! infinity, each figure at the distance its box's size puts it — with a box blur whose radius
//! is half that circle. The lens's aperture comes from the shot's `depth` (f/1.4 shallow, f/5.6
//! normal, none deep).
//!
//! Deterministic and cheap: integer running sums, two passes (across, then down), each
//! O(pixels) whatever the radius, and nothing at all in shots without `focus_m`.

use scene_plan::schedule::{CameraFrame, Depth};

use crate::frame::RgbFrame;

use super::figures::Placed;

/// The largest blur radius drawn, in pixels at any frame size: beyond it the picture says
/// nothing more.
const MAX_RADIUS_FRACTION: f32 = 0.04;

/// The lens of one frame: its aperture and where it is focused.
#[derive(Clone, Copy, Debug)]
pub struct Lens {
    /// Aperture diameter in metres (focal length over f-number).
    aperture_m: f32,
    focus_m: f32,
    focal_px: f32,
    max_radius: f32,
}

impl Lens {
    /// The lens of `camera`, or `None` when nothing is blurred (no `focus_m`, or deep focus).
    pub fn of(camera: &CameraFrame, depth: Depth, focal_px: f32, height: u32) -> Option<Lens> {
        let focus_m = camera.focus_m.filter(|f| f.is_finite() && *f > 0.0)? as f32;
        let f_number = match depth {
            Depth::Shallow => 1.4,
            Depth::Normal => 5.6,
            Depth::Deep => return None,
        };
        Some(Lens {
            aperture_m: camera.focal_mm as f32 / 1000.0 / f_number,
            focus_m,
            focal_px,
            max_radius: height as f32 * MAX_RADIUS_FRACTION,
        })
    }

    /// Half the circle of confusion, in pixels, of a point `distance_m` away (`None`: at
    /// infinity): `A · f_px · |1/s − 1/d| / 2`.
    pub fn radius(&self, distance_m: Option<f32>) -> usize {
        let inverse = distance_m.map_or(0.0, |d| 1.0 / d.max(0.05));
        let r = 0.5 * self.aperture_m * self.focal_px * (1.0 / self.focus_m - inverse).abs();
        r.min(self.max_radius).round() as usize
    }
}

/// Blurs the whole frame as the background at infinity.
pub fn background(frame: &mut RgbFrame, lens: &Lens) {
    let r = lens.radius(None);
    let (w, h) = (frame.width as usize, frame.height as usize);
    blur(frame, (0, 0, w, h), r);
}

/// Blurs each visible figure's box (grown by its radius) by its own distance from the focal
/// plane; far figures first, so a near one blurs over them.
pub fn figures(frame: &mut RgbFrame, figures: &[Placed], lens: &Lens) {
    let (fw, fh) = (frame.width as f32, frame.height as f32);
    for fig in figures.iter().filter(|f| f.w > 0.5 && f.h > 0.5) {
        let metres = fig.prop.map_or(1.7, |[_, h]| h);
        let distance = metres * lens.focal_px / fig.h.max(1.0);
        let r = lens.radius(Some(distance));
        if r == 0 {
            continue;
        }
        let grow = r as f32 * 2.0;
        let x0 = (fig.x - grow).clamp(0.0, fw) as usize;
        let y0 = (fig.y - grow).clamp(0.0, fh) as usize;
        let x1 = (fig.x + fig.w + grow).clamp(0.0, fw) as usize;
        let y1 = (fig.y + fig.h + grow).clamp(0.0, fh) as usize;
        blur(frame, (x0, y0, x1, y1), r);
    }
}

/// A box blur of radius `r` over the rectangle `[x0, x1) × [y0, y1)`, edges clamped to it.
fn blur(frame: &mut RgbFrame, (x0, y0, x1, y1): (usize, usize, usize, usize), r: usize) {
    if r == 0 || x1 <= x0 || y1 <= y0 {
        return;
    }
    let stride = frame.width as usize * 3;
    let mut line: Vec<u8> = Vec::with_capacity((x1 - x0).max(y1 - y0) * 3);
    // Across each row.
    for y in y0..y1 {
        let row = y * stride;
        line.clear();
        line.extend_from_slice(&frame.data[row + x0 * 3..row + x1 * 3]);
        smooth(&line, &mut frame.data[row + x0 * 3..row + x1 * 3], 3, r);
    }
    // Down each column.
    let n = y1 - y0;
    let mut column: Vec<u8> = vec![0; n * 3];
    let mut out: Vec<u8> = vec![0; n * 3];
    for x in x0..x1 {
        for (i, y) in (y0..y1).enumerate() {
            let p = y * stride + x * 3;
            column[i * 3..i * 3 + 3].copy_from_slice(&frame.data[p..p + 3]);
        }
        smooth(&column, &mut out, 3, r);
        for (i, y) in (y0..y1).enumerate() {
            let p = y * stride + x * 3;
            frame.data[p..p + 3].copy_from_slice(&out[i * 3..i * 3 + 3]);
        }
    }
}

/// The running mean of `2r + 1` pixels (`channels` bytes each) of `src` into `dst`, the ends
/// repeated past the edges.
fn smooth(src: &[u8], dst: &mut [u8], channels: usize, r: usize) {
    let n = src.len() / channels;
    if n == 0 {
        return;
    }
    let width = (2 * r + 1) as u32;
    let at = |i: isize, c: usize| -> u32 {
        src[(i.clamp(0, n as isize - 1) as usize) * channels + c] as u32
    };
    for c in 0..channels {
        let mut sum: u32 = (-(r as isize)..=r as isize).map(|i| at(i, c)).sum();
        for i in 0..n {
            dst[i * channels + c] = ((sum + width / 2) / width) as u8;
            sum += at(i as isize + r as isize + 1, c);
            sum -= at(i as isize - r as isize, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_mean_of_a_step_is_a_ramp() {
        let src = [0u8, 0, 0, 90, 90, 90];
        let mut dst = [0u8; 6];
        smooth(&src, &mut dst, 1, 1);
        assert_eq!(dst, [0, 0, 30, 60, 90, 90]);
    }

    #[test]
    fn in_focus_is_sharp_and_far_from_it_is_not() {
        let cam = CameraFrame {
            position: [0.0, 1.6, 0.0],
            yaw: 0.0,
            pitch: 0.0,
            roll: 0.0,
            focal_mm: 50.0,
            focus_m: Some(2.0),
        };
        let lens = Lens::of(&cam, Depth::Shallow, 1067.0, 512).unwrap();
        assert_eq!(lens.radius(Some(2.0)), 0);
        assert!(lens.radius(None) >= 8, "{}", lens.radius(None));
        assert!(Lens::of(&cam, Depth::Deep, 1067.0, 512).is_none());
        let normal = Lens::of(&cam, Depth::Normal, 1067.0, 512).unwrap();
        assert!(normal.radius(None) < lens.radius(None));
    }
}
