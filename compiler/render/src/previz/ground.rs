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

#[inline]
fn ffloor(v: f32) -> f32 {
    // `f32::floor` is a libm call without SSE4.1; world coordinates stay far inside i32.
    let i = v as i32 as f32;
    if i > v {
        i - 1.0
    } else {
        i
    }
}

/// Coverage of lines of half-width `hw` every `spacing` metres at coordinate `c`, box-filtered
/// over a footprint of `fp` metres (`inv_fp` = 1/fp; both already limited to the spacing).
#[inline]
fn line_cover(c: f32, spacing: f32, inv_spacing: f32, hw: f32, fp: f32, inv_fp: f32) -> f32 {
    let q = c * inv_spacing;
    let fr = q - ffloor(q);
    let dist = fr.min(1.0 - fr) * spacing;
    let half = fp * 0.5;
    let ov = ((dist + half).min(hw) - (dist - half).max(-hw)).max(0.0);
    (ov * inv_fp).min(1.0)
}

pub fn draw(frame: &mut RgbFrame, view: &View, p: &Palette) {
    let w = frame.width as usize;
    let h = frame.height as usize;
    let eye = view.pos[1].max(MIN_EYE);
    let (r, u) = (view.right, view.up);
    let sun = p.sun_dir;
    let sun_col = p.sun_colour;
    let glow_k = p.sun_glow;
    let zen_d: Rgb = [p.zenith[0] - p.horizon[0], p.zenith[1] - p.horizon[1], p.zenith[2] - p.horizon[2]];
    let focal = view.focal_px;
    let inv_eye = 1.0 / eye;
    for y in 0..h {
        let d0 = view.row_ray(y);
        let row = &mut frame.data[y * w * 3..(y + 1) * w * 3];
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let xf = x as f32;
            let dx = d0[0] + r[0] * xf;
            let dy = d0[1] + r[1] * xf;
            let dz = d0[2] + r[2] * xf;
            let c: Rgb = if dy >= 0.0 {
                let inv = 1.0 / (dx * dx + dy * dy + dz * dz).sqrt();
                let g = (dy * inv).sqrt();
                let s = ((dx * sun[0] + dy * sun[1] + dz * sun[2]) * inv).max(0.0);
                let s2 = s * s;
                let s4 = s2 * s2;
                let s8 = s4 * s4;
                let s32 = s8 * s8 * s8 * s8;
                let glow = glow_k * (0.45 * s8 + 0.55 * s32);
                [
                    p.horizon[0] + zen_d[0] * g + sun_col[0] * glow,
                    p.horizon[1] + zen_d[1] * g + sun_col[1] * glow,
                    p.horizon[2] + zen_d[2] * g + sun_col[2] * glow,
                ]
            } else {
                let t = -eye / dy;
                let wx = view.pos[0] + t * dx;
                let wz = view.pos[2] + t * dz;
                // How far the hit point moves per pixel step, per world axis (L1 over x and y
                // steps): d(w)/d(s) = -eye·(step·Dy - D·step_y)/Dy².
                let k = t * t * inv_eye;
                let fx = ((r[0] * dy - dx * r[1]).abs() + (u[0] * dy - dx * u[1]).abs()) * k;
                let fz = ((r[2] * dy - dz * r[1]).abs() + (u[2] * dy - dz * u[1]).abs()) * k;
                // One division per axis serves the road edge and both grid spacings: the
                // footprint is limited to each spacing (beyond it the lines average out).
                let (fx, fz) = (fx.max(1e-4), fz.max(1e-4));
                let (ix, iz) = (1.0 / fx, 1.0 / fz);
                let road = ((ROAD_HALF - wx.abs()) * ix + 0.5).clamp(0.0, 1.0);
                let minor = line_cover(wx, 1.0, 1.0, 0.02, fx.min(1.0), ix.max(1.0))
                    .max(line_cover(wz, 1.0, 1.0, 0.02, fz.min(1.0), iz.max(1.0)));
                let major = line_cover(wx, 5.0, 0.2, 0.045, fx.min(5.0), ix.max(0.2))
                    .max(line_cover(wz, 5.0, 0.2, 0.045, fz.min(5.0), iz.max(0.2)));
                let grid = (0.45 * minor).max(major);
                let fog = {
                    let z = t * focal;
                    z / (z + p.fog_half)
                };
                let mut c = [0.0f32; 3];
                for i in 0..3 {
                    let base = p.ground[i] + (p.road[i] - p.ground[i]) * road;
                    let lined = base + (p.grid[i] - base) * grid;
                    c[i] = lined + (p.fog[i] - lined) * fog;
                }
                c
            };
            px[0] = (c[0] * 255.0 + 0.5) as u8;
            px[1] = (c[1] * 255.0 + 0.5) as u8;
            px[2] = (c[2] * 255.0 + 0.5) as u8;
        }
    }
}
