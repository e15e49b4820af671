//! The environment pass: every pixel is either sky (a gradient by elevation with a glow towards
//! the sun) or the ground plane y = 0 (a road along z, a one-metre grid with five-metre major
//! lines, fogged by depth). This pass writes every pixel of the frame, row by row.
//!
//! Per pixel it costs one division for the ray/plane hit and a square root for the sky; the ray
//! is stepped linearly along the row (see [`super::projection`]). Grid lines are box-filtered by
//! the pixel's footprint on the ground, so they fade smoothly towards the horizon instead of
//! aliasing.

use crate::frame::RgbFrame;

use super::projection::View;
use super::raster::Rgb;
use super::sky::Palette;

/// Half the width of the road that runs along z through the origin, in metres.
pub const ROAD_HALF: f32 = 3.0;

/// Lowest camera height the ground is drawn for (a camera at or below the ground sees it edge-on).
const MIN_EYE: f32 = 0.02;

/// Adding and subtracting 1.5·2²³ rounds an f32 below 2²² in magnitude to the nearest integer
/// in the default IEEE rounding mode: no conversion, so the row loop vectorises, and the same
/// bits on every machine.
const ROUND_MAGIC: f32 = 12_582_912.0;

/// Coverage of lines of half-width `hw` every `spacing` metres at coordinate `c`, box-filtered
/// over a footprint of `fp` metres (`inv_fp` = 1/fp; both already limited to the spacing).
#[inline(always)]
fn line_cover(c: f32, spacing: f32, inv_spacing: f32, hw: f32, fp: f32, inv_fp: f32) -> f32 {
    let q = (c * inv_spacing).clamp(-4_000_000.0, 4_000_000.0);
    let nearest = (q + ROUND_MAGIC) - ROUND_MAGIC;
    let dist = (q - nearest).abs() * spacing;
    let half = fp * 0.5;
    let ov = ((dist + half).min(hw) - (dist - half).max(-hw)).max(0.0);
    (ov * inv_fp).min(1.0)
}

/// The columns `[g0, g1)` of a row whose rays point down (`d0y + ry·x < 0`). The ray's y grows
/// monotonically along the row, so the set is one interval; its ends are found with the exact
/// expression the pixel loop uses.
fn ground_span(d0y: f32, ry: f32, w: usize) -> (usize, usize) {
    let down = |x: usize| d0y + ry * (x as f32) < 0.0;
    if w == 0 {
        return (0, 0);
    }
    // Binary search for the boundary on the monotonic predicate.
    let boundary = |want_first_down: bool| -> usize {
        // First x where down(x) == want_first_down, assuming down is monotonic in that direction.
        let (mut lo, mut hi) = (0usize, w);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if down(mid) == want_first_down {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    if ry > 0.0 {
        // Down on the left: [0, first not-down).
        (0, boundary(false))
    } else if ry < 0.0 {
        (boundary(true), w)
    } else if down(0) {
        (0, w)
    } else {
        (0, 0)
    }
}

/// Scratch rows reused across a frame's rows.
struct Rows {
    r: Vec<f32>,
    g: Vec<f32>,
    b: Vec<f32>,
}

/// Runs the AVX2 build of the same code where the CPU has it: wider vectors, and the same
/// bits, since it uses only IEEE additions, multiplications, divisions, square roots and
/// comparisons (no fused multiply-add, which the compiler never forms on its own).
pub fn draw(frame: &mut RgbFrame, view: &View, p: &Palette) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { draw_avx2(frame, view, p) };
    }
    draw_portable(frame, view, p)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn draw_avx2(frame: &mut RgbFrame, view: &View, p: &Palette) {
    draw_portable(frame, view, p)
}

#[inline(always)]
fn draw_portable(frame: &mut RgbFrame, view: &View, p: &Palette) {
    let w = frame.width as usize;
    let h = frame.height as usize;
    let eye = view.pos[1].max(MIN_EYE);
    let (r, u) = (view.right, view.up);
    let zen_d: Rgb = [
        p.zenith[0] - p.horizon[0],
        p.zenith[1] - p.horizon[1],
        p.zenith[2] - p.horizon[2],
    ];
    let focal = view.focal_px;
    let inv_eye = 1.0 / eye;
    let mut rows = Rows {
        r: vec![0.0; w],
        g: vec![0.0; w],
        b: vec![0.0; w],
    };
    for y in 0..h {
        let d0 = view.row_ray(y);
        let (g0, g1) = ground_span(d0[1], r[1], w);
        // The sky is the row outside the ground span, which touches a border of the row, so
        // one of these two ranges is empty. Each is a plain loop over slices: it vectorises.
        for (lo, hi) in [(0, g0), (g1, w)] {
            sky_span(
                d0,
                r,
                lo,
                p,
                zen_d,
                (
                    &mut rows.r[lo..hi],
                    &mut rows.g[lo..hi],
                    &mut rows.b[lo..hi],
                ),
            );
        }
        let (pg, pr, pgr, pf) = (p.ground, p.road, p.grid, p.fog);
        let fog_half = p.fog_half;
        let (px0, pz0) = (view.pos[0], view.pos[2]);
        let n = g1 - g0;
        let (rr, rg, rb) = (
            &mut rows.r[g0..g1],
            &mut rows.g[g0..g1],
            &mut rows.b[g0..g1],
        );
        let (rr, rg, rb) = (&mut rr[..n], &mut rg[..n], &mut rb[..n]);
        for i in 0..n {
            let xf = (g0 + i) as f32;
            let dx = d0[0] + r[0] * xf;
            let dy = d0[1] + r[1] * xf;
            let dz = d0[2] + r[2] * xf;
            let t = -eye / dy;
            let wx = px0 + t * dx;
            let wz = pz0 + t * dz;
            // How far the hit point moves per pixel step, per world axis (L1 over x and y
            // steps): d(w)/d(s) = -eye·(step·Dy - D·step_y)/Dy².
            let k = t * t * inv_eye;
            let fx =
                (((r[0] * dy - dx * r[1]).abs() + (u[0] * dy - dx * u[1]).abs()) * k).max(1e-4);
            let fz =
                (((r[2] * dy - dz * r[1]).abs() + (u[2] * dy - dz * u[1]).abs()) * k).max(1e-4);
            // One division per axis serves the road edge and both grid spacings: the footprint
            // is limited to each spacing (beyond it the lines average out).
            let (ix, iz) = (1.0 / fx, 1.0 / fz);
            let road = ((ROAD_HALF - wx.abs()) * ix + 0.5).clamp(0.0, 1.0);
            let minor = line_cover(wx, 1.0, 1.0, 0.02, fx.min(1.0), ix.max(1.0)).max(line_cover(
                wz,
                1.0,
                1.0,
                0.02,
                fz.min(1.0),
                iz.max(1.0),
            ));
            let major = line_cover(wx, 5.0, 0.2, 0.045, fx.min(5.0), ix.max(0.2)).max(line_cover(
                wz,
                5.0,
                0.2,
                0.045,
                fz.min(5.0),
                iz.max(0.2),
            ));
            let grid = (0.45 * minor).max(major);
            let z = t * focal;
            let fog = z / (z + fog_half);
            let b0 = pg[0] + (pr[0] - pg[0]) * road;
            let b1 = pg[1] + (pr[1] - pg[1]) * road;
            let b2 = pg[2] + (pr[2] - pg[2]) * road;
            let l0 = b0 + (pgr[0] - b0) * grid;
            let l1 = b1 + (pgr[1] - b1) * grid;
            let l2 = b2 + (pgr[2] - b2) * grid;
            rr[i] = l0 + (pf[0] - l0) * fog;
            rg[i] = l1 + (pf[1] - l1) * fog;
            rb[i] = l2 + (pf[2] - l2) * fog;
        }
        let row = &mut frame.data[y * w * 3..(y + 1) * w * 3];
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            px[0] = to_byte(rows.r[x]);
            px[1] = to_byte(rows.g[x]);
            px[2] = to_byte(rows.b[x]);
        }
    }
}

/// Sky colours of the columns `x0..x0 + out.len()` of a row whose column-0 ray is `d0`: a
/// gradient from horizon to zenith by elevation and a glow towards the sun.
#[inline(always)]
fn sky_span(
    d0: [f32; 3],
    r: [f32; 3],
    x0: usize,
    p: &Palette,
    zen_d: Rgb,
    out: (&mut [f32], &mut [f32], &mut [f32]),
) {
    let (out_r, out_g, out_b) = out;
    let n = out_r.len();
    let (out_g, out_b) = (&mut out_g[..n], &mut out_b[..n]);
    let (sun, sun_col, glow_k, horizon) = (p.sun_dir, p.sun_colour, p.sun_glow, p.horizon);
    for i in 0..n {
        let xf = (x0 + i) as f32;
        let dx = d0[0] + r[0] * xf;
        let dy = (d0[1] + r[1] * xf).max(0.0);
        let dz = d0[2] + r[2] * xf;
        let inv = 1.0 / (dx * dx + dy * dy + dz * dz).sqrt();
        let g = (dy * inv).sqrt();
        let s = ((dx * sun[0] + dy * sun[1] + dz * sun[2]) * inv).max(0.0);
        let s2 = s * s;
        let s4 = s2 * s2;
        let s8 = s4 * s4;
        let s32 = s8 * s8 * s8 * s8;
        let glow = glow_k * (0.45 * s8 + 0.55 * s32);
        out_r[i] = horizon[0] + zen_d[0] * g + sun_col[0] * glow;
        out_g[i] = horizon[1] + zen_d[1] * g + sun_col[1] * glow;
        out_b[i] = horizon[2] + zen_d[2] * g + sun_col[2] * glow;
    }
}

/// 0..1 to 0..=255, rounding to nearest (ties to even) through the magic-number trick: the
/// integer lands in the low mantissa bits, with no saturating conversion to branch on.
#[inline(always)]
fn to_byte(v: f32) -> u8 {
    ((v.clamp(0.0, 1.0) * 255.0 + ROUND_MAGIC).to_bits() & 0xff) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::renderer::sky::{TimeOfDay, Weather};
    use scene_plan::schedule::CameraFrame;

    /// The build chosen at run time (AVX2 here) and the baseline build give the same bytes,
    /// with the camera rolled and tilted so rows mix sky and ground.
    #[test]
    fn every_build_gives_the_same_pixels() {
        for (time, weather) in [
            (TimeOfDay::Day, Weather::Clear),
            (TimeOfDay::Dusk, Weather::Fog),
            (TimeOfDay::Night, Weather::Rain),
        ] {
            let cam = CameraFrame {
                position: [0.7, 1.3, -2.0],
                yaw: 17.0,
                pitch: -4.0,
                roll: 6.0,
                focal_mm: 28.0,
                focus_m: None,
            };
            let view = View::new(&cam, 203, 118);
            let palette = Palette::new(time, weather);
            let mut dispatched = RgbFrame::new(203, 118);
            draw(&mut dispatched, &view, &palette);
            let mut portable = RgbFrame::new(203, 118);
            draw_portable(&mut portable, &view, &palette);
            assert!(dispatched == portable, "{time:?} {weather:?}");
            // Both sky and ground are in the picture.
            assert_ne!(dispatched.pixel(100, 0), dispatched.pixel(100, 117));
        }
    }
}
