//! Anti-aliased 2-D primitives on an [`RgbFrame`]: convex polygons, circles, ellipses, rounded
//! rectangles and coverage masks, blended in 8-bit sRGB with integer arithmetic.
//!
//! Coverage is computed exactly per pixel horizontally and with four sub-scanlines vertically;
//! pixels wholly inside a shape take the fast path (no coverage arithmetic).

// `!(x > 0.0)` rejects NaN as well as non-positive sizes, which is the point; and the
// primitives take a rectangle or centre plus colour and opacity as plain arguments.
#![allow(
    clippy::neg_cmp_op_on_partial_ord,
    clippy::nonminimal_bool,
    clippy::too_many_arguments
)]

use crate::frame::RgbFrame;

/// A colour in 0..1 per channel (sRGB-encoded, as stored).
pub type Rgb = [f32; 3];

#[inline]
pub fn to_u8(c: f32) -> u8 {
    // `as` saturates and maps NaN to 0, so no input can panic here.
    (c * 255.0 + 0.5) as u8
}

#[inline]
pub fn rgb8(c: Rgb) -> [u8; 3] {
    [to_u8(c[0]), to_u8(c[1]), to_u8(c[2])]
}

pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

pub fn scale(a: Rgb, k: f32) -> Rgb {
    [a[0] * k, a[1] * k, a[2] * k]
}

pub fn luma(c: Rgb) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

/// Parses `#rrggbb`; anything else gives `None`.
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let h = s.strip_prefix('#')?;
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let p = |i: usize| {
        u8::from_str_radix(&h[i..i + 2], 16)
            .ok()
            .map(|v| v as f32 / 255.0)
    };
    Some([p(0)?, p(2)?, p(4)?])
}

/// Blends `rgb` over the pixel at byte offset `i` with `a` in 0..=256.
#[inline]
fn blend_at(data: &mut [u8], i: usize, rgb: [u8; 3], a: u32) {
    if a >= 256 {
        data[i..i + 3].copy_from_slice(&rgb);
    } else if a > 0 {
        for c in 0..3 {
            let d = u32::from(data[i + c]);
            let s = u32::from(rgb[c]);
            data[i + c] = ((d * (256 - a) + s * a + 128) >> 8) as u8;
        }
    }
}

#[inline]
fn alpha256(a: f32) -> u32 {
    (a.clamp(0.0, 1.0) * 256.0 + 0.5) as u32
}

/// Blends a colour over one pixel with opacity `a` in 0..1 (out-of-frame pixels are ignored).
pub fn blend_pixel(frame: &mut RgbFrame, x: i32, y: i32, rgb: [u8; 3], a: f32) {
    if x < 0 || y < 0 || x >= frame.width as i32 || y >= frame.height as i32 {
        return;
    }
    let i = (y as usize * frame.width as usize + x as usize) * 3;
    blend_at(&mut frame.data, i, rgb, alpha256(a));
}

/// Length of the overlap of [x, x+1) with [l, r).
#[inline]
fn overlap(x: f32, l: f32, r: f32) -> f32 {
    ((x + 1.0).min(r) - x.max(l)).max(0.0)
}

const SUB: usize = 4;
const SUB_Y: [f32; SUB] = [0.125, 0.375, 0.625, 0.875];

/// A polygon edge from `a` to `b` and its extent in y.
#[derive(Clone, Copy, Default)]
struct Edge {
    a: (f32, f32),
    /// x moves this much per unit of y along the edge (unused for horizontal edges, which no
    /// sub-scanline crosses).
    dxdy: f32,
    ylo: f32,
    yhi: f32,
}

/// Fills a convex polygon (any winding) with opacity `alpha`.
pub fn fill_convex(frame: &mut RgbFrame, pts: &[(f32, f32)], rgb: Rgb, alpha: f32) {
    if pts.len() < 3 || alpha <= 0.0 || pts.iter().any(|p| !p.0.is_finite() || !p.1.is_finite()) {
        return;
    }
    let (w, h) = (frame.width as f32, frame.height as f32);
    let (mut y0, mut y1, mut x0, mut x1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for &(x, y) in pts {
        y0 = y0.min(y);
        y1 = y1.max(y);
        x0 = x0.min(x);
        x1 = x1.max(x);
    }
    if y1 <= 0.0 || y0 >= h || x1 <= 0.0 || x0 >= w {
        return;
    }
    let col = rgb8(rgb);
    let a = alpha.clamp(0.0, 1.0);
    let row_lo = y0.max(0.0) as usize;
    let row_hi = (y1.min(h).ceil() as usize).min(frame.height as usize);
    let stride = frame.width as usize * 3;
    // Each edge with its vertical extent, found once: a sub-scanline at `sy` crosses it when
    // `ylo <= sy < yhi` (horizontal edges never).
    let edge = |i: usize| {
        let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
        Edge {
            a,
            dxdy: if b.1 != a.1 {
                (b.0 - a.0) / (b.1 - a.1)
            } else {
                0.0
            },
            ylo: a.1.min(b.1),
            yhi: a.1.max(b.1),
        }
    };
    let mut few = [Edge::default(); 8];
    let many: Vec<Edge>;
    let edges: &[Edge] = if pts.len() <= few.len() {
        for (i, e) in few.iter_mut().enumerate().take(pts.len()) {
            *e = edge(i);
        }
        &few[..pts.len()]
    } else {
        many = (0..pts.len()).map(edge).collect();
        &many
    };
    for row in row_lo..row_hi {
        let mut spans = [(0.0f32, 0.0f32); SUB];
        let (mut lmin, mut lmax, mut rmin, mut rmax) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for (s, span) in spans.iter_mut().enumerate() {
            let sy = row as f32 + SUB_Y[s];
            let (mut l, mut r) = (f32::MAX, f32::MIN);
            for e in edges {
                if e.ylo <= sy && sy < e.yhi {
                    let x = e.a.0 + (sy - e.a.1) * e.dxdy;
                    l = l.min(x);
                    r = r.max(x);
                }
            }
            if l > r {
                l = 0.0;
                r = 0.0;
            }
            let (l, r) = (l.clamp(0.0, w), r.clamp(0.0, w));
            *span = (l, r);
            if r > l {
                lmin = lmin.min(l);
                lmax = lmax.max(l);
                rmin = rmin.min(r);
                rmax = rmax.max(r);
            }
        }
        if lmin > rmax {
            continue;
        }
        let outer_lo = lmin as usize;
        let outer_hi = (rmax.ceil() as usize).min(frame.width as usize);
        // Full coverage needs every sub-scanline to cover the whole pixel.
        let full = spans.iter().all(|&(l, r)| r > l);
        let (inner_lo, inner_hi) = if full {
            (
                lmax.ceil() as usize,
                (rmin as usize).max(lmax.ceil() as usize),
            )
        } else {
            (outer_hi, outer_hi)
        };
        let base = row * stride;
        let a_full = alpha256(a);
        let edge_pixel = |data: &mut [u8], x: usize| {
            let xf = x as f32;
            let cov: f32 = spans.iter().map(|&(l, r)| overlap(xf, l, r)).sum::<f32>() / SUB as f32;
            blend_at(data, base + x * 3, col, alpha256(cov * a));
        };
        let inner_lo = inner_lo.clamp(outer_lo, outer_hi);
        let inner_hi = inner_hi.clamp(inner_lo, outer_hi);
        for x in (outer_lo..inner_lo).chain(inner_hi..outer_hi) {
            edge_pixel(&mut frame.data, x);
        }
        let inner = &mut frame.data[base + inner_lo * 3..base + inner_hi * 3];
        if a_full >= 256 {
            fill_pixels(inner, col);
        } else {
            blend_span(inner, col, a_full);
        }
    }
}

/// Blends `rgb` over every pixel of `bytes` (whole pixels) with opacity `a` of 256 (below
/// 256): `(c·(256-a) + rgb·a + 128) >> 8` per byte.
///
/// The sum stays below 2^16 (it is at most 255·256 + 128), so it runs in u16 lanes, 16 pixels
/// (48 bytes, a whole number of pixels) at a time against the colour repeated to that length;
/// the AVX2 build of the same loop is chosen at run time and gives the same bytes.
fn blend_span(bytes: &mut [u8], rgb: [u8; 3], a: u32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { blend_span_avx2(bytes, rgb, a) };
    }
    blend_span_portable(bytes, rgb, a)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn blend_span_avx2(bytes: &mut [u8], rgb: [u8; 3], a: u32) {
    blend_span_portable(bytes, rgb, a)
}

#[inline(always)]
fn blend_span_portable(bytes: &mut [u8], rgb: [u8; 3], a: u32) {
    let a = a.min(256) as u16;
    let inv = 256 - a;
    let pre: [u16; 48] = std::array::from_fn(|i| u16::from(rgb[i % 3]) * a + 128);
    let mut chunks = bytes.chunks_exact_mut(48);
    for chunk in &mut chunks {
        for (c, &p) in chunk.iter_mut().zip(&pre) {
            *c = ((u16::from(*c) * inv + p) >> 8) as u8;
        }
    }
    for (c, &p) in chunks.into_remainder().iter_mut().zip(&pre) {
        *c = ((u16::from(*c) * inv + p) >> 8) as u8;
    }
}

/// Sets every pixel of `bytes` (whole pixels) to `rgb`: one pixel written, then the filled
/// prefix copied onto the rest, doubling each time (wide `memcpy`s instead of 3-byte stores).
fn fill_pixels(bytes: &mut [u8], rgb: [u8; 3]) {
    if bytes.len() < 3 {
        return;
    }
    bytes[..3].copy_from_slice(&rgb);
    let mut filled = 3;
    while filled < bytes.len() {
        let n = filled.min(bytes.len() - filled);
        bytes.copy_within(..n, filled);
        filled += n;
    }
}

/// Fills an axis-aligned rectangle [x0, x1) × [y0, y1) with exact edge coverage.
pub fn fill_rect(frame: &mut RgbFrame, x0: f32, y0: f32, x1: f32, y1: f32, rgb: Rgb, alpha: f32) {
    fill_convex(frame, &[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], rgb, alpha);
}

/// Fills an ellipse centred at (cx, cy) with radii (rx, ry).
pub fn fill_ellipse(
    frame: &mut RgbFrame,
    cx: f32,
    cy: f32,
    rx: f32,
    ry: f32,
    rgb: Rgb,
    alpha: f32,
) {
    if !(rx > 0.0 && ry > 0.0) || !cx.is_finite() || !cy.is_finite() || alpha <= 0.0 {
        return;
    }
    let (w, h) = (frame.width as i64, frame.height as i64);
    let xa = ((cx - rx - 1.0).floor() as i64).max(0);
    let xb = ((cx + rx + 1.0).ceil() as i64).min(w);
    let ya = ((cy - ry - 1.0).floor() as i64).max(0);
    let yb = ((cy + ry + 1.0).ceil() as i64).min(h);
    if xa >= xb || ya >= yb {
        return;
    }
    let col = rgb8(rgb);
    let r = rx.min(ry);
    let (kx, ky) = (r / rx, r / ry);
    let stride = frame.width as usize * 3;
    for y in ya..yb {
        let dy = (y as f32 + 0.5 - cy) * ky;
        let base = y as usize * stride;
        for x in xa..xb {
            let dx = (x as f32 + 0.5 - cx) * kx;
            let d = (dx * dx + dy * dy).sqrt();
            let cov = (r - d + 0.5).clamp(0.0, 1.0);
            if cov > 0.0 {
                blend_at(
                    &mut frame.data,
                    base + x as usize * 3,
                    col,
                    alpha256(cov * alpha),
                );
            }
        }
    }
}

pub fn fill_circle(frame: &mut RgbFrame, cx: f32, cy: f32, r: f32, rgb: Rgb, alpha: f32) {
    fill_ellipse(frame, cx, cy, r, r, rgb, alpha);
}

/// A soft radial glow: opacity falls from `alpha` at the centre to 0 at radius `r`.
pub fn glow(frame: &mut RgbFrame, cx: f32, cy: f32, r: f32, rgb: Rgb, alpha: f32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { glow_avx2(frame, cx, cy, r, rgb, alpha) };
    }
    glow_portable(frame, cx, cy, r, rgb, alpha)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn glow_avx2(frame: &mut RgbFrame, cx: f32, cy: f32, r: f32, rgb: Rgb, alpha: f32) {
    glow_portable(frame, cx, cy, r, rgb, alpha)
}

/// Branch-free rows, so they vectorise: a pixel outside the circle gets opacity 0, which the
/// blend formula leaves unchanged, and opacity 256 gives the colour itself, as [`blend_at`]
/// does with its special cases.
#[inline(always)]
fn glow_portable(frame: &mut RgbFrame, cx: f32, cy: f32, r: f32, rgb: Rgb, alpha: f32) {
    if !(r > 0.5) || !cx.is_finite() || !cy.is_finite() {
        return;
    }
    let (w, h) = (frame.width as i64, frame.height as i64);
    let xa = ((cx - r).floor() as i64).max(0);
    let xb = ((cx + r).ceil() as i64).min(w);
    let ya = ((cy - r).floor() as i64).max(0);
    let yb = ((cy + r).ceil() as i64).min(h);
    let col = rgb8(rgb);
    let inv = 1.0 / (r * r);
    let stride = frame.width as usize * 3;
    let pattern: [u16; 48] = std::array::from_fn(|i| u16::from(col[i % 3]));
    let (mut per_pixel, mut opacity): (Vec<u16>, Vec<u16>) = (Vec::new(), Vec::new());
    for y in ya.max(0)..yb {
        let dy = y as f32 + 0.5 - cy;
        // Only the chord of the circle on this row can have q > 0; a pixel's margin on each
        // side keeps the exact test in charge.
        let half = (r * r - dy * dy).max(0.0).sqrt();
        let x0 = xa.max((cx - half - 1.0).floor() as i64);
        let x1 = xb.min((cx + half + 1.0).ceil() as i64);
        if x0 >= x1 {
            continue;
        }
        let n = (x1 - x0) as usize;
        per_pixel.clear();
        per_pixel.extend((0..n).map(|i| {
            let dx = (x0 + i as i64) as f32 + 0.5 - cx;
            let q = (1.0 - (dx * dx + dy * dy) * inv).max(0.0);
            alpha256(q * q * alpha).min(256) as u16
        }));
        opacity.clear();
        opacity.extend(per_pixel.iter().flat_map(|&a| [a; 3]));
        let start = y as usize * stride + x0 as usize * 3;
        let bytes = &mut frame.data[start..start + 3 * n];
        // 48 bytes (16 whole pixels) at a time against the colour repeated to that length.
        let blend = |bytes: &mut [u8], opacity: &[u16]| {
            for ((d, &a), &s) in bytes.iter_mut().zip(opacity).zip(&pattern) {
                *d = ((u16::from(*d) * (256 - a) + s * a + 128) >> 8) as u8;
            }
        };
        let mut chunks = bytes.chunks_exact_mut(48);
        let mut alphas = opacity.chunks_exact(48);
        for (b, o) in (&mut chunks).zip(&mut alphas) {
            blend(b, o);
        }
        blend(chunks.into_remainder(), alphas.remainder());
    }
}

/// Fills a rectangle with rounded corners of radius `rad`.
pub fn fill_round_rect(
    frame: &mut RgbFrame,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    rad: f32,
    rgb: Rgb,
    alpha: f32,
) {
    if !(x1 > x0 && y1 > y0) || alpha <= 0.0 {
        return;
    }
    let rad = rad.min((x1 - x0) * 0.5).min((y1 - y0) * 0.5).max(0.0);
    let (w, h) = (frame.width as i64, frame.height as i64);
    let xa = (x0.floor() as i64).max(0);
    let xb = (x1.ceil() as i64).min(w);
    let ya = (y0.floor() as i64).max(0);
    let yb = (y1.ceil() as i64).min(h);
    let col = rgb8(rgb);
    let (cx, cy) = ((x0 + x1) * 0.5, (y0 + y1) * 0.5);
    let (hx, hy) = ((x1 - x0) * 0.5 - rad, (y1 - y0) * 0.5 - rad);
    let stride = frame.width as usize * 3;
    // The columns whose coverage is the row's alone: wholly inside [x0, x1) and clear of the
    // corners' arcs, where the per-pixel formula below gives `1.0 · cov_y`. `|px − cx|` rounds
    // monotonically in `px`, so they are one run, found from each end; the run is blended as a
    // span with the same bytes as pixel by pixel.
    let plain = |x: i64| {
        let xf = x as f32;
        xf >= x0 && xf + 1.0 <= x1 && !((xf + 0.5 - cx).abs() - hx > 0.0)
    };
    let (mut run_lo, mut run_hi) = (xa, xb);
    while run_lo < run_hi && !plain(run_lo) {
        run_lo += 1;
    }
    while run_hi > run_lo && !plain(run_hi - 1) {
        run_hi -= 1;
    }
    for y in ya..yb {
        let py = y as f32 + 0.5;
        let qy = (py - cy).abs() - hy;
        // Vertical edge coverage for the straight part.
        let cov_y = overlap(y as f32, y0, y1);
        let base = y as usize * stride;
        for x in (xa..run_lo).chain(run_hi..xb) {
            let px = x as f32 + 0.5;
            let qx = (px - cx).abs() - hx;
            let cov = if qx > 0.0 && qy > 0.0 {
                (rad - (qx * qx + qy * qy).sqrt() + 0.5).clamp(0.0, 1.0)
            } else {
                overlap(x as f32, x0, x1) * cov_y
            };
            blend_at(
                &mut frame.data,
                base + x as usize * 3,
                col,
                alpha256(cov * alpha),
            );
        }
        if run_lo < run_hi {
            let a = alpha256(cov_y * alpha);
            let span = &mut frame.data[base + run_lo as usize * 3..base + run_hi as usize * 3];
            if a >= 256 {
                fill_pixels(span, col);
            } else if a > 0 {
                blend_span(span, col, a);
            }
        }
    }
}

/// A line segment of width `width` with square-ish ends (drawn as a convex quad).
pub fn line(frame: &mut RgbFrame, a: (f32, f32), b: (f32, f32), width: f32, rgb: Rgb, alpha: f32) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if !(len > 1e-6) {
        return;
    }
    let (nx, ny) = (-dy / len * width * 0.5, dx / len * width * 0.5);
    fill_convex(
        frame,
        &[
            (a.0 + nx, a.1 + ny),
            (b.0 + nx, b.1 + ny),
            (b.0 - nx, b.1 - ny),
            (a.0 - nx, a.1 - ny),
        ],
        rgb,
        alpha,
    );
}

/// A thin, mostly vertical line from `top` to `bottom` (`bottom.1 > top.1`), `width` pixels
/// across, as rain streaks are drawn: hundreds a frame, each a few pixels wide.
///
/// Per pixel row it covers the horizontal section of the line (the width divided by the cosine
/// of its slant) around the centre line at the row's middle, box-filtered against the pixel
/// columns and weighted by how much of the row the line spans vertically. For lines within a
/// few degrees of vertical this matches [`line`]'s coverage to a level or two, at a fraction of
/// the cost of the general polygon filler.
pub fn streak(
    frame: &mut RgbFrame,
    top: (f32, f32),
    bottom: (f32, f32),
    width: f32,
    rgb: Rgb,
    alpha: f32,
) {
    let (dx, dy) = (bottom.0 - top.0, bottom.1 - top.1);
    if !(dy > 1e-3) || !(width > 0.0) || !(alpha > 0.0) || !top.0.is_finite() || !dx.is_finite() {
        return;
    }
    let (w, h) = (frame.width as i64, frame.height as i64);
    let slope = dx / dy;
    let half = 0.5 * width * (1.0 + slope * slope).sqrt();
    let col = rgb8(rgb);
    let a = alpha.clamp(0.0, 1.0);
    let stride = frame.width as usize * 3;
    let y_lo = (top.1.floor() as i64).max(0);
    let y_hi = (bottom.1.ceil() as i64).min(h);
    for y in y_lo..y_hi {
        let yf = y as f32;
        let row_cover = (bottom.1.min(yf + 1.0) - top.1.max(yf)).clamp(0.0, 1.0);
        if row_cover <= 0.0 {
            continue;
        }
        let yc = (yf + 0.5).clamp(top.1, bottom.1);
        let xc = top.0 + (yc - top.1) * slope;
        let (l, r) = (xc - half, xc + half);
        let x_lo = (l.floor() as i64).max(0);
        let x_hi = (r.ceil() as i64).min(w);
        let base = y as usize * stride;
        for x in x_lo..x_hi {
            let cov = overlap(x as f32, l, r).min(1.0) * row_cover;
            blend_at(
                &mut frame.data,
                base + x as usize * 3,
                col,
                alpha256(cov * a),
            );
        }
    }
}

/// Blends an 8-bit coverage mask (`mw` × `mh`, row-major) with its top-left at (x, y).
pub fn blend_mask(
    frame: &mut RgbFrame,
    mask: &[u8],
    mw: usize,
    mh: usize,
    x: i32,
    y: i32,
    rgb: [u8; 3],
    alpha: f32,
) {
    let a = alpha256(alpha);
    let (fw, fh) = (frame.width as i32, frame.height as i32);
    let stride = frame.width as usize * 3;
    for my in 0..mh as i32 {
        let py = y + my;
        if py < 0 || py >= fh {
            continue;
        }
        let row = &mask[my as usize * mw..(my as usize + 1) * mw];
        for (mx, &m) in row.iter().enumerate() {
            let px = x + mx as i32;
            if m == 0 || px < 0 || px >= fw {
                continue;
            }
            let cov = (u32::from(m) * a + 127) / 255;
            blend_at(
                &mut frame.data,
                py as usize * stride + px as usize * 3,
                rgb,
                cov,
            );
        }
    }
}

/// Copies an RGB image (`iw` × `ih`) with its top-left at (x, y), clipped to the frame.
pub fn blit(frame: &mut RgbFrame, img: &[u8], iw: usize, ih: usize, x: i32, y: i32) {
    let (fw, fh) = (frame.width as i32, frame.height as i32);
    let stride = frame.width as usize * 3;
    for iy in 0..ih as i32 {
        let py = y + iy;
        if py < 0 || py >= fh {
            continue;
        }
        let xa = x.max(0);
        let xb = (x + iw as i32).min(fw);
        if xa >= xb {
            continue;
        }
        let src = (iy as usize * iw + (xa - x) as usize) * 3;
        let n = (xb - xa) as usize * 3;
        let dst = py as usize * stride + xa as usize * 3;
        frame.data[dst..dst + n].copy_from_slice(&img[src..src + n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rounded rectangle as it was filled a pixel at a time, for
    /// [`a_round_rect_fills_its_inner_run_as_pixel_by_pixel`].
    fn round_rect_per_pixel(
        frame: &mut RgbFrame,
        (x0, y0, x1, y1): (f32, f32, f32, f32),
        rad: f32,
        rgb: Rgb,
        alpha: f32,
    ) {
        let rad = rad.min((x1 - x0) * 0.5).min((y1 - y0) * 0.5).max(0.0);
        let (w, h) = (frame.width as i64, frame.height as i64);
        let col = rgb8(rgb);
        let (cx, cy) = ((x0 + x1) * 0.5, (y0 + y1) * 0.5);
        let (hx, hy) = ((x1 - x0) * 0.5 - rad, (y1 - y0) * 0.5 - rad);
        for y in (y0.floor() as i64).max(0)..(y1.ceil() as i64).min(h) {
            let qy = (y as f32 + 0.5 - cy).abs() - hy;
            let cov_y = overlap(y as f32, y0, y1);
            for x in (x0.floor() as i64).max(0)..(x1.ceil() as i64).min(w) {
                let qx = (x as f32 + 0.5 - cx).abs() - hx;
                let cov = if qx > 0.0 && qy > 0.0 {
                    (rad - (qx * qx + qy * qy).sqrt() + 0.5).clamp(0.0, 1.0)
                } else {
                    overlap(x as f32, x0, x1) * cov_y
                };
                let i = (y as usize * frame.width as usize + x as usize) * 3;
                blend_at(&mut frame.data, i, col, alpha256(cov * alpha));
            }
        }
    }

    #[test]
    fn a_round_rect_fills_its_inner_run_as_pixel_by_pixel() {
        let rects = [
            (3.3, 2.7, 40.6, 25.2, 4.0),
            (-5.0, -3.5, 20.25, 12.0, 9.0),
            (30.5, 10.0, 70.0, 40.9, 0.0),
            (10.0, 5.0, 11.2, 30.0, 3.0),
            (0.0, 0.0, 64.0, 48.0, 40.0),
        ];
        for (i, &(x0, y0, x1, y1, rad)) in rects.iter().enumerate() {
            for alpha in [1.0, 0.72, 0.35, 0.001] {
                let mut fast = RgbFrame::new(64, 48);
                for (j, b) in fast.data.iter_mut().enumerate() {
                    *b = (j * 31 % 253) as u8;
                }
                let mut slow = fast.clone();
                fill_round_rect(&mut fast, x0, y0, x1, y1, rad, [0.9, 0.3, 0.1], alpha);
                round_rect_per_pixel(&mut slow, (x0, y0, x1, y1), rad, [0.9, 0.3, 0.1], alpha);
                assert!(fast == slow, "rect {i}, alpha {alpha}");
            }
        }
    }

    #[test]
    fn span_blend_matches_the_per_pixel_formula() {
        let before: Vec<u8> = (0..3 * 37).map(|i| (i * 67 % 256) as u8).collect();
        let rgb = [200, 17, 99];
        for a in [0u32, 1, 77, 128, 255] {
            let mut got = before.clone();
            blend_span(&mut got, rgb, a);
            let mut portable = before.clone();
            blend_span_portable(&mut portable, rgb, a);
            assert_eq!(got, portable);
            for (i, (&g, &b)) in got.iter().zip(&before).enumerate() {
                let want = (u32::from(b) * (256 - a) + u32::from(rgb[i % 3]) * a + 128) >> 8;
                assert_eq!(u32::from(g), want, "byte {i}, alpha {a}");
            }
        }
    }

    /// The streak filler and the polygon filler agree on a slanted rain streak: the same ink in
    /// total within 1%, and pixel by pixel within a few levels (4 of 255 here).
    #[test]
    fn a_streak_matches_the_polygon_it_replaces() {
        let (top, bottom) = ((20.3f32, 4.7f32), (20.3 - 0.12 * 40.0, 44.7f32));
        let mut fast = RgbFrame::new(40, 50);
        let mut exact = RgbFrame::new(40, 50);
        streak(&mut fast, top, bottom, 1.6, [1.0, 1.0, 1.0], 0.34);
        line(&mut exact, top, bottom, 1.6, [1.0, 1.0, 1.0], 0.34);
        let ink = |f: &RgbFrame| f.data.iter().map(|&b| u64::from(b)).sum::<u64>();
        let (a, b) = (ink(&fast) as f64, ink(&exact) as f64);
        assert!((a - b).abs() / b < 0.01, "{a} against {b}");
        for (i, (p, q)) in fast.data.iter().zip(&exact.data).enumerate() {
            assert!(p.abs_diff(*q) <= 6, "byte {i}: {p} against {q}");
        }
    }

    /// The vectorised glow gives what blending each pixel with [`blend_at`] gives.
    #[test]
    fn glow_matches_the_per_pixel_blend() {
        let mut frame = RgbFrame::new(31, 23);
        for (i, b) in frame.data.iter_mut().enumerate() {
            *b = (i * 37 % 251) as u8;
        }
        let mut want = frame.clone();
        let (cx, cy, r, rgb, alpha) = (12.3f32, 9.8f32, 9.5f32, [1.0, 0.84, 0.56], 0.9f32);
        let inv = 1.0 / (r * r);
        for y in 0..23u32 {
            for x in 0..31u32 {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                let q = 1.0 - (dx * dx + dy * dy) * inv;
                if q > 0.0 {
                    let i = (y as usize * 31 + x as usize) * 3;
                    blend_at(&mut want.data, i, rgb8(rgb), alpha256(q * q * alpha));
                }
            }
        }
        let mut portable = frame.clone();
        glow(&mut frame, cx, cy, r, rgb, alpha);
        glow_portable(&mut portable, cx, cy, r, rgb, alpha);
        assert!(frame == want);
        assert!(portable == want);
    }
}
