//! Colour grades named by a look (`grade`), applied to the picture (not to captions and tags),
//! together with a gentle vignette.
//!
//! A grade is a 3×3 colour matrix, a split tone (a tint added in the shadows and another in the
//! highlights) and a per-channel tone curve, all baked into fixed-point integers and lookup
//! tables when the shot starts, so the per-pixel work is integer arithmetic only.

use crate::frame::RgbFrame;

/// Fixed-point one for matrix entries.
const ONE: i32 = 256;

#[derive(Clone, Debug)]
pub struct Grade {
    matrix: [[i32; 3]; 3],
    /// Split tone by luma: the tint added to each channel.
    split: Box<[[i32; 3]; 256]>,
    curve: [[u8; 256]; 3],
    identity: bool,
}

/// Slots of the per-frame memo of graded colours (a power of two).
const MEMO_BITS: u32 = 12;
const MEMO_SHIFT: u32 = 32 - MEMO_BITS;

/// Luma weights (Rec. 601) in fixed point: sum to 256.
const LUMA: [i32; 3] = [77, 150, 29];

fn saturation(s: f64) -> [[f64; 3]; 3] {
    let l = [0.299, 0.587, 0.114];
    let mut m = [[0.0; 3]; 3];
    for (i, row) in m.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = (1.0 - s) * l[j] + if i == j { s } else { 0.0 };
        }
    }
    m
}

#[allow(clippy::needless_range_loop)]
fn gains(m: [[f64; 3]; 3], g: [f64; 3]) -> [[f64; 3]; 3] {
    let mut out = m;
    for i in 0..3 {
        for j in 0..3 {
            out[i][j] *= g[i];
        }
    }
    out
}

/// A tone curve: `contrast` around mid-grey (an S-curve blend), then lift and gain.
fn curve(contrast: f64, lift: f64, gain: f64) -> [u8; 256] {
    let mut c = [0u8; 256];
    for (i, v) in c.iter_mut().enumerate() {
        let x = i as f64 / 255.0;
        let s = x * x * (3.0 - 2.0 * x);
        let y = x + (s - x) * contrast;
        let y = lift + y * (gain - lift);
        *v = (y.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    }
    c
}

impl Grade {
    /// The grade for a look's `grade` name; unknown names grade as neutral (the checker reports
    /// them).
    pub fn named(name: &str) -> Grade {
        let id = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let flat = curve(0.0, 0.0, 1.0);
        let (m, sh, hi, cv) = match name.trim().to_ascii_lowercase().as_str() {
            "teal_orange" => (
                saturation(1.12),
                [-14.0, 2.0, 12.0],
                [16.0, 4.0, -16.0],
                [curve(0.25, 0.0, 1.0); 3],
            ),
            "mono" => (
                saturation(0.0),
                [0.0; 3],
                [0.0; 3],
                [curve(0.2, 0.0, 1.0); 3],
            ),
            "sepia" => (
                [
                    [0.393, 0.769, 0.189],
                    [0.349, 0.686, 0.168],
                    [0.272, 0.534, 0.131],
                ]
                .map(|r| r.map(|v| v * 0.82)),
                [6.0, 0.0, -6.0],
                [0.0; 3],
                [curve(0.1, 0.03, 1.0); 3],
            ),
            "warm" => (
                gains(saturation(1.05), [1.07, 1.0, 0.88]),
                [4.0, 1.0, -4.0],
                [6.0, 2.0, -6.0],
                [flat; 3],
            ),
            "cool" => (
                gains(saturation(0.95), [0.90, 0.98, 1.08]),
                [-4.0, 0.0, 6.0],
                [-4.0, 0.0, 4.0],
                [flat; 3],
            ),
            "bleach" => (
                saturation(0.45),
                [0.0; 3],
                [0.0; 3],
                [curve(0.6, 0.0, 1.0); 3],
            ),
            "pastel" => (
                saturation(0.65),
                [6.0, 4.0, 10.0],
                [4.0, 0.0, 2.0],
                [curve(-0.15, 0.16, 0.98); 3],
            ),
            _ => (id, [0.0; 3], [0.0; 3], [flat; 3]),
        };
        let matrix = m.map(|r| r.map(|v| (v * f64::from(ONE)).round() as i32));
        let identity = matrix == [[ONE, 0, 0], [0, ONE, 0], [0, 0, ONE]]
            && sh == [0.0; 3]
            && hi == [0.0; 3]
            && cv == [flat; 3];
        Grade {
            matrix,
            split: Box::new(std::array::from_fn(|l| {
                let l = l as i32;
                [0, 1, 2].map(|c| (sh[c] as i32 * (255 - l) + hi[c] as i32 * l) / 255)
            })),
            curve: cv,
            identity,
        }
    }

    /// The graded colour of one pixel.
    #[inline]
    fn pixel(&self, [r, g, b]: [u8; 3]) -> [u8; 3] {
        let (m, split, curve) = (&self.matrix, &*self.split, &self.curve);
        let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
        // Indices are clamped to 0..=255 and cast through u8: no bounds checks.
        let l = ((LUMA[0] * r + LUMA[1] * g + LUMA[2] * b) >> 8).clamp(0, 255) as u8;
        let s = split[l as usize];
        let o0 = (((m[0][0] * r + m[0][1] * g + m[0][2] * b) >> 8) + s[0]).clamp(0, 255) as u8;
        let o1 = (((m[1][0] * r + m[1][1] * g + m[1][2] * b) >> 8) + s[1]).clamp(0, 255) as u8;
        let o2 = (((m[2][0] * r + m[2][1] * g + m[2][2] * b) >> 8) + s[2]).clamp(0, 255) as u8;
        [
            curve[0][o0 as usize],
            curve[1][o1 as usize],
            curve[2][o2 as usize],
        ]
    }

    /// Grades the whole frame and darkens its corners. The vignette leaves the middle of the
    /// picture untouched (within 55% of the half-diagonal).
    pub fn apply(&self, frame: &mut RgbFrame, vignette: &Vignette, memo: &mut GradeMemo) {
        let w = frame.width as usize;
        let memo = &mut memo.slots;
        for (y, row) in frame.data.chunks_exact_mut(w * 3).enumerate() {
            let vy = vignette.rows[y];
            if !self.identity {
                for px in row.chunks_exact_mut(3) {
                    let rgb = [px[0], px[1], px[2]];
                    let packed = u32::from_le_bytes([rgb[0], rgb[1], rgb[2], 1]);
                    let slot = &mut memo[(packed.wrapping_mul(0x9e37_79b1) >> MEMO_SHIFT) as usize];
                    if slot.0 != packed {
                        *slot = (packed, self.pixel(rgb));
                    }
                    px.copy_from_slice(&slot.1);
                }
            }
            // Most of the picture is outside the vignette's reach: only rows it darkens, and
            // the columns near the sides, are touched. Per byte, `c·v >> 8` with v = 256 leaves
            // `c` as it is, so the loops need no test and vectorise (c·v fits in 16 bits).
            let side = if vy > 0 { w } else { vignette.side.min(w / 2) };
            let vy = vy as u16;
            for (lo, hi) in [(0, side), ((w - side).max(side), w)] {
                let bytes = &mut row[lo * 3..hi * 3];
                let darkening = &vignette.cols_bytes[lo * 3..hi * 3];
                for (c, &k) in bytes.iter_mut().zip(darkening) {
                    let v = (ONE as u16).saturating_sub(vy + k);
                    *c = ((u16::from(*c) * v) >> 8) as u8;
                }
            }
        }
    }
}

/// Graded colours remembered across the frames of one shot on one thread. A picture holds far
/// fewer distinct colours than pixels (flat faces, slow gradients), and consecutive frames
/// mostly the same ones, so a small direct-mapped table keyed by the input colour saves most
/// of the per-pixel grading. The fourth byte of a key is 1, which no empty slot (all zero)
/// matches. Use one memo per [`Grade`]: the table holds that grade's results.
pub struct GradeMemo {
    slots: Vec<(u32, [u8; 3])>,
}

impl GradeMemo {
    pub fn new() -> Self {
        GradeMemo {
            slots: vec![(0u32, [0u8; 3]); 1 << MEMO_BITS],
        }
    }
}

impl Default for GradeMemo {
    fn default() -> Self {
        GradeMemo::new()
    }
}

/// A separable vignette: the darkening at a pixel is `rows[y] + cols[x]` (of 256).
#[derive(Clone, Debug)]
pub struct Vignette {
    rows: Vec<i32>,
    /// The column darkening repeated for each byte of a pixel.
    cols_bytes: Vec<u16>,
    /// Columns darkened at each side (the curve is symmetric).
    side: usize,
}

impl Vignette {
    pub fn new(width: u32, height: u32, strength: f32) -> Vignette {
        let axis = |n: u32| -> Vec<i32> {
            (0..n)
                .map(|i| {
                    let d = ((i as f32 + 0.5) / n as f32 * 2.0 - 1.0).abs();
                    let e = ((d - 0.55) / 0.45).max(0.0);
                    // At most half of ONE for strengths up to 1, so sums fit in a u16.
                    (e * e * strength.clamp(0.0, 1.0) * ONE as f32 * 0.5).round() as i32
                })
                .collect()
        };
        let cols = axis(width);
        let side = cols.iter().position(|&v| v == 0).unwrap_or(cols.len());
        Vignette {
            rows: axis(height),
            cols_bytes: cols.iter().flat_map(|&c| [c as u16; 3]).collect(),
            side,
        }
    }
}
