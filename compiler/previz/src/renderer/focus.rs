//! Focus blur by depth: in a shot whose schedule gives a focus distance (`focus_m`), what lies
//! off the focal plane is softened by its circle of confusion — the background as if at
//! infinity, each figure at the distance its box's size puts it — with a box blur whose radius
//! is half that circle. The lens's aperture comes from the shot's `depth` (f/1.4 shallow, f/5.6
//! normal, none deep).
//!
//! Deterministic and cheap: integer running sums, two passes (across, then down, the second
//! sliding every column's window at once, a row at a time), each O(pixels) whatever the radius,
//! and nothing at all in shots without `focus_m`.

use std::cell::RefCell;

use scene_plan::schedule::{CameraFrame, Depth};

use crate::frame::RgbFrame;

use super::figures::{depth_of, Placed};

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
        let distance = depth_of(fig, lens.focal_px);
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
    SCRATCH.with(|scratch| {
        let (across, prefix) = &mut *scratch.borrow_mut();
        blur_with(frame, (x0, y0, x1, y1), r, across, prefix);
    });
}

thread_local! {
    /// The blur's buffers, kept on each rendering thread between calls: a frame blurs the same
    /// sizes again and again, and a fresh zeroed buffer per call cost more than its sums. Every
    /// byte used is written before it is read, so what a buffer held before does not matter.
    static SCRATCH: RefCell<(Vec<u8>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

fn blur_with(
    frame: &mut RgbFrame,
    (x0, y0, x1, y1): (usize, usize, usize, usize),
    r: usize,
    across: &mut Vec<u8>,
    prefix: &mut Vec<u32>,
) {
    let stride = frame.width as usize * 3;
    let span = (x1 - x0) * 3;
    let mean = Mean::of(2 * r + 1);
    // Across each row, into a copy of the rectangle: the pass down the columns reads rows above
    // the one it writes, which must still hold the first pass's values.
    across.resize(span * (y1 - y0), 0);
    for (y, out) in (y0..y1).zip(across.chunks_exact_mut(span)) {
        let row = y * stride + x0 * 3;
        smooth_row(&frame.data[row..row + span], out, r, &mean, prefix);
    }
    // Down every column at once: one running sum per byte of a row, moved a row at a time.
    let n = y1 - y0;
    let row_of = |i: isize| -> &[u8] {
        let i = i.clamp(0, n as isize - 1) as usize;
        &across[i * span..(i + 1) * span]
    };
    let mut sums: Vec<u32> = vec![0; span];
    for i in -(r as isize)..=r as isize {
        for (s, &v) in sums.iter_mut().zip(row_of(i)) {
            *s += u32::from(v);
        }
    }
    for i in 0..n {
        let row = (y0 + i) * stride + x0 * 3;
        let (enter, leave) = (
            row_of((i + r + 1) as isize),
            row_of(i as isize - r as isize),
        );
        slide(
            &mut frame.data[row..row + span],
            &mut sums,
            enter,
            leave,
            &mean,
        );
    }
}

/// Division by the window's width `d`, rounded to nearest as `(sum + d/2) / d` is, by a
/// multiplication: `⌊s · m / 2³²⌋` with `m = ⌊2³² / d⌋ + 1` is `⌊s / d⌋` whenever `s · d < 2³²`,
/// and the sums of a window of bytes keep `s < 256 · d` with `d` at most 2·8192·0.04 + 1 (see
/// [`MAX_RADIUS_FRACTION`] and the renderer's largest frame side). Unlike a division, it
/// vectorises.
#[derive(Clone, Copy)]
struct Mean {
    m: u64,
    half: u32,
}

impl Mean {
    fn of(d: usize) -> Mean {
        let d = d as u64;
        Mean {
            m: (1u64 << 32) / d + 1,
            half: (d / 2) as u32,
        }
    }

    #[inline(always)]
    fn of_sum(self, sum: u32) -> u8 {
        ((u64::from(sum + self.half) * self.m) >> 32) as u8
    }
}

/// Writes the means `sums` stand for into `out`, then moves each window down a row: `enter`
/// comes in at the bottom, `leave` goes out at the top. The AVX2 build of the same loop is
/// chosen at run time (integer arithmetic: the same bytes).
fn slide(out: &mut [u8], sums: &mut [u32], enter: &[u8], leave: &[u8], mean: &Mean) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { slide_avx2(out, sums, enter, leave, mean) };
    }
    slide_portable(out, sums, enter, leave, mean)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn slide_avx2(out: &mut [u8], sums: &mut [u32], enter: &[u8], leave: &[u8], mean: &Mean) {
    slide_portable(out, sums, enter, leave, mean)
}

#[inline(always)]
fn slide_portable(out: &mut [u8], sums: &mut [u32], enter: &[u8], leave: &[u8], mean: &Mean) {
    let mean = *mean;
    for (((o, s), &e), &l) in out.iter_mut().zip(sums.iter_mut()).zip(enter).zip(leave) {
        *o = mean.of_sum(*s);
        *s = *s + u32::from(e) - u32::from(l);
    }
}

/// The running mean of `2r + 1` pixels (3 bytes each) of `src` into `dst`, the end pixels
/// repeated past the edges: each window's sum is the difference of two prefix sums of the
/// padded row (`prefix`, scratch), so the sequential part is one addition a byte and the means
/// are taken in a loop that vectorises.
fn smooth_row(src: &[u8], dst: &mut [u8], r: usize, mean: &Mean, prefix: &mut Vec<u32>) {
    let n = src.len() / 3;
    if n == 0 {
        return;
    }
    let (first, last) = (&src[..3], &src[(n - 1) * 3..n * 3]);
    // prefix[3j + c] sums channel c of the padded row's pixels before j: r copies of the first
    // pixel, the row, r copies of the last.
    prefix.resize((n + 2 * r + 1) * 3, 0);
    let (start, sums) = prefix.split_at_mut(3);
    start.fill(0);
    let mut sum = [0u32; 3];
    let mut step = |out: &mut [u32], px: &[u8]| {
        for c in 0..3 {
            sum[c] += u32::from(px[c]);
            out[c] = sum[c];
        }
    };
    let (left, rest) = sums.split_at_mut(r * 3);
    let (middle, right) = rest.split_at_mut(n * 3);
    for out in left.chunks_exact_mut(3) {
        step(out, first);
    }
    for (out, px) in middle.chunks_exact_mut(3).zip(src.chunks_exact(3)) {
        step(out, px);
    }
    for out in right.chunks_exact_mut(3) {
        step(out, last);
    }
    means(dst, prefix, (2 * r + 1) * 3, mean);
}

/// `dst[b] = mean(prefix[b + ahead] − prefix[b])` for every byte (the AVX2 build of the loop
/// chosen at run time; integer arithmetic, the same bytes).
fn means(dst: &mut [u8], prefix: &[u32], ahead: usize, mean: &Mean) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { means_avx2(dst, prefix, ahead, mean) };
    }
    means_portable(dst, prefix, ahead, mean)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn means_avx2(dst: &mut [u8], prefix: &[u32], ahead: usize, mean: &Mean) {
    means_portable(dst, prefix, ahead, mean)
}

#[inline(always)]
fn means_portable(dst: &mut [u8], prefix: &[u32], ahead: usize, mean: &Mean) {
    let mean = *mean;
    for ((d, &hi), &lo) in dst.iter_mut().zip(&prefix[ahead..]).zip(prefix) {
        *d = mean.of_sum(hi - lo);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_mean_of_a_step_is_a_ramp() {
        let src = [0, 0, 0, 90, 90, 90].map(|v| [v, v / 3, 255 - v]).concat();
        let mut dst = vec![0u8; src.len()];
        smooth_row(&src, &mut dst, 1, &Mean::of(3), &mut Vec::new());
        let ramp = [0, 0, 30, 60, 90, 90].map(|v| [v, v / 3, 255 - v]).concat();
        assert_eq!(dst, ramp);
    }

    /// The multiplication gives the rounded division for every sum a window of bytes can have,
    /// at every window width up to that of the largest radius (a 4096-pixel-high frame's).
    #[test]
    fn the_mean_by_multiplication_is_the_rounded_division() {
        let widest = 2 * (4096.0 * MAX_RADIUS_FRACTION).round() as u32 + 1;
        for d in (3..=widest).step_by(2) {
            let mean = Mean::of(d as usize);
            for sum in 0..=255 * d {
                assert_eq!(
                    u32::from(mean.of_sum(sum)),
                    (sum + d / 2) / d,
                    "{sum} / {d}"
                );
            }
        }
    }

    /// The blur across then down equals the running mean along each axis in turn, the edges
    /// of the rectangle repeated, and leaves the frame outside the rectangle alone.
    #[test]
    fn the_blur_is_a_box_filter_within_its_rectangle() {
        let mut frame = RgbFrame::new(9, 7);
        for (i, b) in frame.data.iter_mut().enumerate() {
            *b = (i * 37 % 251) as u8;
        }
        let before = frame.clone();
        let (x0, y0, x1, y1, r) = (1usize, 2usize, 8usize, 7usize, 2usize);
        blur(&mut frame, (x0, y0, x1, y1), r);
        let at = |f: &RgbFrame, x: usize, y: usize, c: usize| -> u32 {
            u32::from(f.data[(y * 9 + x) * 3 + c])
        };
        let width = (2 * r + 1) as u32;
        let mut across = vec![[0u32; 3]; 9 * 7];
        for y in y0..y1 {
            for x in x0..x1 {
                for c in 0..3 {
                    let s: u32 = (x as isize - r as isize..=x as isize + r as isize)
                        .map(|i| {
                            at(
                                &before,
                                i.clamp(x0 as isize, x1 as isize - 1) as usize,
                                y,
                                c,
                            )
                        })
                        .sum();
                    across[y * 9 + x][c] = (s + width / 2) / width;
                }
            }
        }
        for y in 0..7 {
            for x in 0..9 {
                for c in 0..3 {
                    let want = if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                        let s: u32 = (y as isize - r as isize..=y as isize + r as isize)
                            .map(|i| {
                                across[i.clamp(y0 as isize, y1 as isize - 1) as usize * 9 + x][c]
                            })
                            .sum();
                        (s + width / 2) / width
                    } else {
                        at(&before, x, y, c)
                    };
                    assert_eq!(at(&frame, x, y, c), want, "({x}, {y}) channel {c}");
                }
            }
        }
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
