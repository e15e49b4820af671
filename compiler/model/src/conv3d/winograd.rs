//! Winograd F(2x2, 3x3) for the 3x3x3, stride-1 convolutions that are most of a video VAE
//! decoder's work (`compiler/model/BENCHMARKS-model.md`, the per-convolution table).
//!
//! The direct kernel ([`super::taps`]) spends 9 multiply-adds per output pixel, input channel
//! and temporal tap in its GEMMs. Winograd's minimal filtering computes a 2x2 output tile from
//! a 4x4 input tile with 16 products instead of 36: the input tile `d`, the 3x3 kernel `g` and
//! the product `m` are transformed as
//!
//! ```text
//! V = Bᵀ d B,   U = G g Gᵀ,   m = U ⊙ V (summed over input channels and taps),   y = Aᵀ m A
//! ```
//!
//! and since every transform is linear, the sum over input channels *and* the three temporal
//! taps happens on the 16 transformed positions ξ: one GEMM per output frame and ξ,
//! `M[ξ] [Cout x tiles] = U[ξ] [Cout x 3·Cin] · V[ξ] [3·Cin x tiles]`, then one output
//! transform per tile — 2.25x fewer multiply-adds than the direct kernel.
//!
//! Layouts are chosen so that those GEMMs read the transformed input in place: `V` is
//! [ξ][padded frame][Cin][tile], so the rows (tap, channel) of the three frames an output frame
//! reads are evenly strided (tap `dt` of channel `c` is row `dt·Cin + c`, one tile row apart),
//! and `U` is [ξ][Cout][tap][Cin].
//!
//! Determinism: every GEMM has the same shape whatever the chunking over frames (one output
//! frame, all its taps and channels, one call), runs single-threaded (the threads take
//! different ξ), and the transforms are per-element, so the bytes do not depend on the frame
//! budget or the thread count.
//!
//! Memory: the transformed input of a chunk of frames is 4x the chunk (the direct kernel's
//! im2col is 9x) and is bounded by the same budget; the transformed weights are made per call
//! (a few milliseconds against the GEMMs' hundreds) in blocks of output channels bounded by
//! [`WEIGHT_BUDGET_BYTES`], so no layer keeps a second copy of its weights.

use std::cell::RefCell;

use gemm::Parallelism;
use rayon::prelude::*;

use super::{gemm_into, scratch, Conv3dSpec, Geometry, COLUMNS};

/// Transformed positions of a 4x4 tile.
const XI: usize = 16;

/// Upper bound of the transformed weights of one block of output channels. Above it (the
/// 512 → 4096 upsampler, the 1024-channel mid block) output channels are done in blocks, each
/// with its own weights; below it one block covers the layer.
const WEIGHT_BUDGET_BYTES: usize = 64 << 20;

/// Fewest 2x2 tiles per frame for which the Winograd kernel is chosen. Below it the GEMMs are
/// too narrow (one call per output frame and ξ, `tiles` columns) to beat the direct kernel's
/// one call over all frames: measured per layer in `compiler/model/BENCHMARKS-model.md`.
pub(super) const MIN_TILES: usize = 64;

thread_local! {
    /// The transformed weights of one block of output channels, kept like
    /// [`super::COLUMNS`] from one convolution to the next and freed with it by
    /// [`super::release_scratch`].
    pub(super) static WEIGHTS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// The 16 GEMM products of one output frame.
    pub(super) static PRODUCTS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Whether the kernel can compute this convolution (3x3x3, unit strides).
pub(super) fn applies(g: &Geometry, spec: &Conv3dSpec) -> bool {
    spec.k == 3 && spec.stride_t == 1 && spec.stride_s == 1 && g.f_out > 0 && g.h_out > 0
}

/// 2x2 tiles per output frame.
pub(super) fn tiles(g: &Geometry) -> usize {
    g.h_out.div_ceil(2) * g.w_out.div_ceil(2)
}

/// Accumulates the convolution of `xs` into `out` (pre-filled with the bias, see
/// [`super::initial_output`]). `column_budget` bounds the transformed input of a chunk of
/// frames, as it bounds the direct kernel's im2col.
pub(super) fn convolve(
    xs: &[f32],
    ws: &[f32],
    out: &mut [f32],
    g: &Geometry,
    spec: &Conv3dSpec,
    column_budget: usize,
) {
    debug_assert!(applies(g, spec));
    COLUMNS.with(|v| {
        WEIGHTS.with(|u| {
            PRODUCTS.with(|m| {
                match (v.try_borrow_mut(), u.try_borrow_mut(), m.try_borrow_mut()) {
                    (Ok(mut v), Ok(mut u), Ok(mut m)) => {
                        run(xs, ws, out, g, spec, column_budget, &mut v, &mut u, &mut m)
                    }
                    // Not reachable (nothing re-enters a convolution), but private buffers
                    // are always right.
                    _ => run(
                        xs,
                        ws,
                        out,
                        g,
                        spec,
                        column_budget,
                        &mut Vec::new(),
                        &mut Vec::new(),
                        &mut Vec::new(),
                    ),
                }
            })
        })
    });
}

/// Tile grid of one output frame.
#[derive(Debug, Clone, Copy)]
struct Grid {
    /// Tile rows and columns.
    th: usize,
    tw: usize,
}

impl Grid {
    fn n(&self) -> usize {
        self.th * self.tw
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    xs: &[f32],
    ws: &[f32],
    out: &mut [f32],
    g: &Geometry,
    spec: &Conv3dSpec,
    column_budget: usize,
    vbuf: &mut Vec<f32>,
    ubuf: &mut Vec<f32>,
    mbuf: &mut Vec<f32>,
) {
    let grid = Grid {
        th: g.h_out.div_ceil(2),
        tw: g.w_out.div_ceil(2),
    };
    let t = grid.n();
    let k3 = 3 * g.cin;
    // Output frames per chunk: as many as keep the transformed input (chunk + the two halo
    // frames the taps reach) in budget.
    let frame_bytes = XI * g.cin * t * std::mem::size_of::<f32>();
    let per_chunk = (column_budget / frame_bytes.max(1))
        .saturating_sub(2)
        .clamp(1, g.f_out);
    // Output channels per block of transformed weights, evened out over the blocks.
    // (Tests force small blocks with a small column budget.)
    let row_bytes = XI * k3 * std::mem::size_of::<f32>();
    let weight_budget = WEIGHT_BUDGET_BYTES.min(column_budget);
    let blocks = g.cout.div_ceil((weight_budget / row_bytes).max(1));
    let block = g.cout.div_ceil(blocks);
    let in_len = g.cin * g.f * g.h * g.w;
    let out_len = g.cout * g.f_out * g.h_out * g.w_out;
    // The block whose weights `ubuf` holds, so that a single block is transformed once.
    let mut transformed: Option<usize> = None;
    for b in 0..g.b {
        let x = &xs[b * in_len..(b + 1) * in_len];
        let dst_b = &mut out[b * out_len..(b + 1) * out_len];
        let mut f0 = 0;
        while f0 < g.f_out {
            let f1 = (f0 + per_chunk).min(g.f_out);
            let nv = f1 - f0 + 2;
            // Every element is written below, so stale contents need no clearing.
            let v = scratch(vbuf, XI * nv * g.cin * t);
            transform_input(x, v, g, spec, f0, nv, grid);
            for blk in 0..blocks {
                let co0 = blk * block;
                let co1 = (co0 + block).min(g.cout);
                let mb = co1 - co0;
                let u = scratch(ubuf, XI * mb * k3);
                if transformed != Some(blk) {
                    transform_weights(ws, u, g, co0, co1);
                    transformed = Some(blk);
                }
                let m = scratch(mbuf, XI * mb * t);
                for fo in f0..f1 {
                    // Output frame fo reads padded frames fo..fo + 3: chunk-local j..j + 3,
                    // which are the 3·Cin evenly strided rows from j·Cin·t on.
                    let j = fo - f0;
                    m.par_chunks_mut(mb * t)
                        .zip(u.par_chunks(mb * k3))
                        .zip(v.par_chunks(nv * g.cin * t))
                        .for_each(|((m, u), v)| {
                            gemm_into(
                                mb,
                                t,
                                k3,
                                m,
                                t,
                                u,
                                &v[j * g.cin * t..],
                                t,
                                false,
                                Parallelism::None,
                            )
                        });
                    transform_output(m, dst_b, g, co0, co1, fo, grid);
                }
            }
            f0 = f1;
        }
    }
}

/// `buf` [16][outer][chunk] as `outer` groups of its 16 slices [chunk]: what one task writes.
fn groups(buf: &mut [f32], outer: usize, chunk: usize) -> Vec<Vec<&mut [f32]>> {
    let mut gs: Vec<Vec<&mut [f32]>> = (0..outer).map(|_| Vec::with_capacity(XI)).collect();
    for per_xi in buf.chunks_mut(outer * chunk) {
        for (gr, s) in gs.iter_mut().zip(per_xi.chunks_mut(chunk)) {
            gr.push(s);
        }
    }
    gs
}

/// `V = Bᵀ d B` of every tile of padded frames [v0, v0 + nv) into `v` [ξ][nv][Cin][tile].
/// Padded frame `v` is input frame `v - pad_front` clamped to the video (replicate padding),
/// or zeros outside it with `zero_time`; pixels outside the image are zero (`pad_s` of them
/// on each side).
fn transform_input(
    x: &[f32],
    v: &mut [f32],
    g: &Geometry,
    spec: &Conv3dSpec,
    v0: usize,
    nv: usize,
    grid: Grid,
) {
    let t = grid.n();
    let in_frame = g.h * g.w;
    let p = spec.pad_s;
    // A tile row reads 4 padded input rows of 2·tw + 2 pixels.
    let wp = 2 * grid.tw + 2;
    groups(v, nv * g.cin, t)
        .into_par_iter()
        .enumerate()
        .for_each_init(
            || vec![0f32; 8 * wp],
            |rows, (i, mut dst)| {
                let (j, c) = (i / g.cin, i % g.cin);
                let pv = v0 + j;
                if spec.zero_time && (pv < spec.pad_front || pv - spec.pad_front >= g.f) {
                    for d in dst.iter_mut() {
                        d.fill(0.0);
                    }
                    return;
                }
                let frame = pv.saturating_sub(spec.pad_front).min(g.f - 1);
                let src = &x[(c * g.f + frame) * in_frame..(c * g.f + frame + 1) * in_frame];
                let (d, tr) = rows.split_at_mut(4 * wp);
                // Input columns this row buffer covers: x = ix + p for ix in 0..w, zero elsewhere.
                let lo = p.min(wp);
                let hi = (g.w + p).min(wp);
                for ty in 0..grid.th {
                    for r in 0..4 {
                        let row = &mut d[r * wp..(r + 1) * wp];
                        let iy = (2 * ty + r).wrapping_sub(p);
                        if iy >= g.h {
                            row.fill(0.0);
                            continue;
                        }
                        row[..lo].fill(0.0);
                        row[lo..hi].copy_from_slice(&src[iy * g.w..iy * g.w + hi - lo]);
                        row[hi..].fill(0.0);
                    }
                    // Bᵀ d along the rows, over the whole tile row at once.
                    let (d0, rest) = d.split_at(wp);
                    let (d1, rest) = rest.split_at(wp);
                    let (d2, d3) = rest.split_at(wp);
                    let (t0, rest) = tr.split_at_mut(wp);
                    let (t1, rest) = rest.split_at_mut(wp);
                    let (t2, t3) = rest.split_at_mut(wp);
                    for xx in 0..wp {
                        t0[xx] = d0[xx] - d2[xx];
                        t1[xx] = d1[xx] + d2[xx];
                        t2[xx] = d2[xx] - d1[xx];
                        t3[xx] = d1[xx] - d3[xx];
                    }
                    // (Bᵀ d) B along the columns of each tile.
                    let base = ty * grid.tw;
                    for (k, tk) in [&*t0, &*t1, &*t2, &*t3].into_iter().enumerate() {
                        let [o0, o1, o2, o3] = &mut dst[4 * k..4 * k + 4] else {
                            unreachable!("16 slices per group")
                        };
                        let o0 = &mut o0[base..base + grid.tw];
                        let o1 = &mut o1[base..base + grid.tw];
                        let o2 = &mut o2[base..base + grid.tw];
                        let o3 = &mut o3[base..base + grid.tw];
                        for tx in 0..grid.tw {
                            let (a, b, c, e) =
                                (tk[2 * tx], tk[2 * tx + 1], tk[2 * tx + 2], tk[2 * tx + 3]);
                            o0[tx] = a - c;
                            o1[tx] = b + c;
                            o2[tx] = c - b;
                            o3[tx] = b - e;
                        }
                    }
                }
            },
        );
}

/// `U = G g Gᵀ` of the kernels of output channels [co0, co1) into `u` [ξ][co - co0][tap][Cin],
/// from the tap-major weights [tap][Cout][Cin][3][3] ([`super::tap_major_weight`]). Computed
/// in f64 and rounded once, so the transform adds no error of its own beyond that rounding.
fn transform_weights(ws: &[f32], u: &mut [f32], g: &Geometry, co0: usize, co1: usize) {
    let k3 = 3 * g.cin;
    groups(u, co1 - co0, k3)
        .into_par_iter()
        .enumerate()
        .for_each(|(i, mut dst)| {
            let co = co0 + i;
            for dt in 0..3 {
                for ci in 0..g.cin {
                    let at = ((dt * g.cout + co) * g.cin + ci) * 9;
                    let w: [f64; 9] = std::array::from_fn(|e| f64::from(ws[at + e]));
                    // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2.
                    let mut gg = [[0f64; 3]; 4];
                    for col in 0..3 {
                        let (a, b, c) = (w[col], w[3 + col], w[6 + col]);
                        gg[0][col] = a;
                        gg[1][col] = 0.5 * (a + b + c);
                        gg[2][col] = 0.5 * (a - b + c);
                        gg[3][col] = c;
                    }
                    // (G g) Gᵀ: the same along each row.
                    for (k, r) in gg.iter().enumerate() {
                        let (a, b, c) = (r[0], r[1], r[2]);
                        let vals = [a, 0.5 * (a + b + c), 0.5 * (a - b + c), c];
                        for (l, val) in vals.into_iter().enumerate() {
                            dst[4 * k + l][dt * g.cin + ci] = val as f32;
                        }
                    }
                }
            }
        });
}

/// Adds `y = Aᵀ m A` of output frame `fo`, channels [co0, co1), from the products `m`
/// [ξ][co - co0][tile] into `dst_b` [Cout][F_out][H_out][W_out]; the second row or column of
/// the last tiles falls outside an odd-sized frame and is dropped.
fn transform_output(
    m: &[f32],
    dst_b: &mut [f32],
    g: &Geometry,
    co0: usize,
    co1: usize,
    fo: usize,
    grid: Grid,
) {
    let t = grid.n();
    let mb = co1 - co0;
    let plane = g.h_out * g.w_out;
    let per_channel = g.f_out * plane;
    dst_b[co0 * per_channel..co1 * per_channel]
        .par_chunks_mut(per_channel)
        .enumerate()
        .for_each(|(i, ch)| {
            let frame = &mut ch[fo * plane..(fo + 1) * plane];
            let at = |xi: usize, tile: usize| m[(xi * mb + i) * t + tile];
            for ty in 0..grid.th {
                let y0 = 2 * ty;
                for tx in 0..grid.tw {
                    let tile = ty * grid.tw + tx;
                    let mm: [f32; XI] = std::array::from_fn(|xi| at(xi, tile));
                    // Aᵀ m: rows m0 + m1 + m2 and m1 - m2 - m3.
                    let s0: [f32; 4] = std::array::from_fn(|l| mm[l] + mm[4 + l] + mm[8 + l]);
                    let s1: [f32; 4] = std::array::from_fn(|l| mm[4 + l] - mm[8 + l] - mm[12 + l]);
                    let x0 = 2 * tx;
                    for (r, s) in [s0, s1].iter().enumerate() {
                        let y = y0 + r;
                        if y >= g.h_out {
                            break;
                        }
                        let row = &mut frame[y * g.w_out..(y + 1) * g.w_out];
                        row[x0] += s[0] + s[1] + s[2];
                        if x0 + 1 < g.w_out {
                            row[x0 + 1] += s[1] - s[2] - s[3];
                        }
                    }
                }
            }
        });
}
