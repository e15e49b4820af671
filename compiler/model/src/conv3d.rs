//! The VAE's 3D convolution on the CPU, computed tap by tap without materialising padded or
//! stacked copies of the video.
//!
//! candle has no conv3d, and its CPU conv2d builds the whole im2col matrix with a scalar,
//! single-threaded loop. Stacking the temporal taps along channels and handing that to conv2d
//! (the portable path in `vae.rs`) therefore costs kt x the input for the stacked copy and
//! kt·kh·kw x the input for im2col, all at once for every frame. Here a 3D convolution is the
//! sum over its kt temporal taps of 2D convolutions, each a GEMM of the tap's weights
//! [Cout, Cin·kh·kw] against the spatial im2col of the input frames:
//!
//! * the spatial im2col of each (replicate-padded) frame is built once per chunk of output
//!   frames and shared by the kt taps that read it, with the padding resolved by index
//!   arithmetic (replicate in time, zeros in space) instead of padded copies;
//! * chunks are sized so that the im2col buffer stays under [`COLUMN_BUDGET_BYTES`] however
//!   long or large the video is;
//! * the GEMMs write straight into the output in [B, Cout, F, H, W] layout, which is
//!   pre-filled with the bias (plus a residual, when the caller adds one to the result), and
//!   accumulate the taps in place (no per-tap temporaries, no output permute, no separate
//!   residual add);
//! * a 1x1x1 kernel reads the input directly, with no im2col at all;
//! * a 3x3x3 stride-1 kernel on frames of at least [`winograd::MIN_TILES`] 2x2 tiles (the bulk
//!   of a VAE decoder) runs as Winograd F(2x2, 3x3) instead ([`winograd`]): 2.25x fewer
//!   multiply-adds, with the taps and channels summed in the transformed domain;
//! * the pixel norm (and modulation and SiLU) that precedes most convolutions can be applied
//!   on the way in ([`conv3d_cpu_fused`]): it is written to a scratch buffer kept from one
//!   convolution to the next instead of to a fresh tensor.
//!
//! Fresh buffers are what the scratch buffers avoid: the allocator hands every buffer over
//! 32 MiB back to the kernel when it is freed, so each new one is page-faulted and zeroed page
//! by page again, which cost an eighth of the LTX-2 decode's time (BENCHMARKS.md).

mod winograd;

use std::cell::RefCell;

use candle_core::{Device, Layout, Storage, Tensor};
use gemm::Parallelism;
use rayon::prelude::*;

/// Upper bound of the im2col buffer of one chunk. Large enough that each GEMM still has
/// thousands of columns (efficient), small enough to be negligible next to the weights.
pub(crate) const COLUMN_BUDGET_BYTES: usize = 256 << 20;

thread_local! {
    /// The im2col buffer, kept from one convolution to the next during an encode or decode:
    /// a fresh 100+ MB buffer per convolution costs its page faults and zeroing every time.
    /// Emptied by [`release_scratch`] when the pass ends.
    static COLUMNS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// The normalised input of [`conv3d_cpu_fused`], kept for the same reason.
    static NORMED: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Frees the scratch buffers of this thread (call when an encode or decode is done).
pub(crate) fn release_scratch() {
    for cell in [&COLUMNS, &NORMED, &winograd::WEIGHTS, &winograd::PRODUCTS] {
        cell.with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                *c = Vec::new();
            }
        });
    }
}

/// Which kernel computes a convolution; tests pin one, everything else lets the shape decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kernel {
    /// Winograd ([`winograd`]) where it applies and the frames are large enough to pay,
    /// the direct kernel elsewhere.
    Auto,
    /// im2col + GEMM per temporal tap (or the plain matmul of a 1x1x1 kernel).
    #[cfg(test)]
    Direct,
    /// Winograd F(2x2, 3x3); only for shapes [`winograd::applies`] to.
    #[cfg(test)]
    Winograd,
}

/// `buf` resized to at least `len` elements, without the copy a growing `Vec` would make of
/// contents that the caller overwrites anyway.
fn scratch(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buf.len() < len {
        *buf = Vec::new();
        buf.resize(len, 0.0);
    }
    &mut buf[..len]
}

/// The pixel norm applied to a convolution's input on the way in (see
/// [`crate::pixel_norm::pixel_norm`]).
pub(crate) struct InputNorm<'a> {
    pub eps: f64,
    pub scale_shift: Option<(&'a Tensor, &'a Tensor)>,
    pub silu: bool,
}

/// Geometry of one convolution: cubic kernel `k`, temporal and spatial strides, temporal
/// padding (front, back) by replicating the edge frames or, with `zero_time`, with zero
/// frames, and spatial zero padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Conv3dSpec {
    pub k: usize,
    pub stride_t: usize,
    pub stride_s: usize,
    pub pad_front: usize,
    pub pad_back: usize,
    pub pad_s: usize,
    pub zero_time: bool,
}

/// Shapes derived from a spec and an input, checked once so the kernels can index freely.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    b: usize,
    cin: usize,
    f: usize,
    h: usize,
    w: usize,
    cout: usize,
    f_out: usize,
    h_out: usize,
    w_out: usize,
}

impl Conv3dSpec {
    fn geometry(
        &self,
        x: (usize, usize, usize, usize, usize),
        cout: usize,
    ) -> Result<Geometry, candle_core::Error> {
        let (b, cin, f, h, w) = x;
        let k = self.k;
        let fp = f + self.pad_front + self.pad_back;
        let (hp, wp) = (h + 2 * self.pad_s, w + 2 * self.pad_s);
        if k == 0
            || self.stride_t == 0
            || self.stride_s == 0
            || f == 0
            || fp < k
            || hp < k
            || wp < k
        {
            return Err(candle_core::Error::Msg(format!(
                "conv3d: input [{b}, {cin}, {f}, {h}, {w}] is smaller than the kernel {k}x{k}x{k} after padding"
            )));
        }
        Ok(Geometry {
            b,
            cin,
            f,
            h,
            w,
            cout,
            f_out: (fp - k) / self.stride_t + 1,
            h_out: (hp - k) / self.stride_s + 1,
            w_out: (wp - k) / self.stride_s + 1,
        })
    }
}

/// Borrows the f32 data of a contiguous CPU tensor and runs `f` on it.
fn with_cpu_f32<R>(
    t: &Tensor,
    f: impl FnOnce(&[f32]) -> candle_core::Result<R>,
) -> candle_core::Result<R> {
    let (storage, layout): (_, &Layout) = t.storage_and_layout();
    let offsets = layout
        .contiguous_offsets()
        .ok_or_else(|| candle_core::Error::Msg("conv3d: expected a contiguous tensor".into()))?;
    match &*storage {
        Storage::Cpu(cpu) => {
            let data = cpu.as_slice::<f32>()?;
            f(&data[offsets.0..offsets.1])
        }
        _ => Err(candle_core::Error::Msg(
            "conv3d: expected a CPU tensor".into(),
        )),
    }
}

/// Weights of every temporal tap as its own [Cout, Cin·k·k] row-major matrix:
/// [kt, Cout, Cin, kh, kw] from the reference's [Cout, Cin, kt, kh, kw].
pub(crate) fn tap_major_weight(w: &Tensor) -> candle_core::Result<Tensor> {
    w.permute([2, 0, 1, 3, 4])?.contiguous()
}

/// `x` [B, Cin, F, H, W] (f32, CPU) convolved with `weight` in tap-major layout
/// ([`tap_major_weight`]) plus `bias` [Cout].
pub(crate) fn conv3d_cpu(
    x: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    spec: Conv3dSpec,
) -> candle_core::Result<Tensor> {
    conv3d_cpu_within(
        x,
        weight,
        bias,
        spec,
        None,
        None,
        COLUMN_BUDGET_BYTES,
        Kernel::Auto,
    )
}

/// `residual + conv(norm(x))`: [`conv3d_cpu`] of `x` normalised by `norm` (when given) on the
/// way in, accumulated onto `residual` (when given, of the output's shape) instead of onto
/// the bias alone.
pub(crate) fn conv3d_cpu_fused(
    x: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    spec: Conv3dSpec,
    norm: Option<&InputNorm>,
    residual: Option<&Tensor>,
) -> candle_core::Result<Tensor> {
    conv3d_cpu_within(
        x,
        weight,
        bias,
        spec,
        norm,
        residual,
        COLUMN_BUDGET_BYTES,
        Kernel::Auto,
    )
}

/// [`conv3d_cpu_fused`] with an explicit im2col budget (tests use tiny ones to force
/// chunking) and kernel.
#[allow(clippy::too_many_arguments)]
fn conv3d_cpu_within(
    x: &Tensor,
    weight: &Tensor,
    bias: &Tensor,
    spec: Conv3dSpec,
    norm: Option<&InputNorm>,
    residual: Option<&Tensor>,
    column_budget: usize,
    kernel: Kernel,
) -> candle_core::Result<Tensor> {
    let x = x.contiguous()?;
    let dims = x.dims5()?;
    let (kt, cout, cin_w, kh, kw) = weight.dims5()?;
    let g = spec.geometry(dims, cout)?;
    if kt != spec.k || kh != spec.k || kw != spec.k || cin_w != g.cin || bias.dims1()? != cout {
        return Err(candle_core::Error::Msg(format!(
            "conv3d: weight {:?} / bias {:?} do not fit input channels {} and kernel {}",
            weight.dims(),
            bias.dims(),
            g.cin,
            spec.k
        )));
    }
    let out_shape = (g.b, g.cout, g.f_out, g.h_out, g.w_out);
    let mut out = initial_output(bias, residual, &g)?;
    with_cpu_f32(&x, |xs| {
        with_cpu_f32(weight, |ws| match norm {
            None => {
                convolve(xs, ws, &mut out, &g, &spec, column_budget, kernel);
                Ok(())
            }
            Some(n) => NORMED.with(|cell| {
                let mut own = Vec::new();
                let mut borrowed = cell.try_borrow_mut();
                let buf = match borrowed.as_mut() {
                    Ok(b) => &mut **b,
                    // Not reachable (nothing re-enters a convolution), but a private buffer
                    // is always right.
                    Err(_) => &mut own,
                };
                let normed = scratch(buf, xs.len());
                crate::pixel_norm::normalise_into(
                    xs,
                    normed,
                    &[g.b, g.cin, g.f, g.h, g.w],
                    n.eps,
                    n.scale_shift,
                    n.silu,
                )?;
                convolve(normed, ws, &mut out, &g, &spec, column_budget, kernel);
                Ok(())
            }),
        })
    })?;
    Tensor::from_vec(out, out_shape, &Device::Cpu)
}

/// The output before the taps accumulate into it: the bias broadcast over every position,
/// plus `residual` where given. Filled in parallel, which also spreads the first-touch page
/// faults of a fresh buffer over the threads.
fn initial_output(
    bias: &Tensor,
    residual: Option<&Tensor>,
    g: &Geometry,
) -> candle_core::Result<Vec<f32>> {
    let plane = g.f_out * g.h_out * g.w_out;
    let out_len = g.b * g.cout * plane;
    let mut out: Vec<f32> = Vec::with_capacity(out_len);
    let fill = |bias: &[f32], residual: Option<&[f32]>, out: &mut Vec<f32>| {
        out.spare_capacity_mut()[..out_len]
            .par_chunks_mut(plane.max(1))
            .enumerate()
            .for_each(|(i, dst)| {
                let bv = bias[i % g.cout];
                match residual {
                    Some(r) => {
                        for (d, r) in dst.iter_mut().zip(&r[i * plane..(i + 1) * plane]) {
                            d.write(r + bv);
                        }
                    }
                    None => {
                        for d in dst.iter_mut() {
                            d.write(bv);
                        }
                    }
                }
            });
        // SAFETY: the chunks above cover the first `out_len` elements of the spare capacity
        // (capacity `out_len`) and every element of each chunk was written.
        unsafe { out.set_len(out_len) };
    };
    with_cpu_f32(bias, |bias| match residual {
        None => {
            fill(bias, None, &mut out);
            Ok(())
        }
        Some(r) => {
            let want = [g.b, g.cout, g.f_out, g.h_out, g.w_out];
            if r.dims() != want {
                return Err(candle_core::Error::Msg(format!(
                    "conv3d: residual {:?} does not fit the output {want:?}",
                    r.dims()
                )));
            }
            let r = r.contiguous()?;
            with_cpu_f32(&r, |rs| {
                fill(bias, Some(rs), &mut out);
                Ok(())
            })
        }
    })?;
    Ok(out)
}

/// Accumulates the convolution of `xs` into `out`.
fn convolve(
    xs: &[f32],
    ws: &[f32],
    out: &mut [f32],
    g: &Geometry,
    spec: &Conv3dSpec,
    column_budget: usize,
    kernel: Kernel,
) {
    let winograd = match kernel {
        Kernel::Auto => winograd::applies(g, spec) && winograd::tiles(g) >= winograd::MIN_TILES,
        #[cfg(test)]
        Kernel::Direct => false,
        #[cfg(test)]
        Kernel::Winograd => {
            assert!(
                winograd::applies(g, spec),
                "Winograd does not apply to {spec:?}"
            );
            true
        }
    };
    if winograd {
        winograd::convolve(xs, ws, out, g, spec, column_budget);
    } else if spec.k == 1 && spec.stride_s == 1 && spec.pad_s == 0 && spec.stride_t == 1 {
        pointwise(xs, ws, out, g);
    } else {
        taps(xs, ws, out, g, spec, column_budget);
    }
}

fn parallelism() -> Parallelism {
    let n = candle_core::utils::get_num_threads();
    if n > 1 {
        Parallelism::Rayon(n)
    } else {
        Parallelism::None
    }
}

/// dst[m x n] (row stride `dst_rs`) += lhs[m x k] (row-major) · rhs[k x n] (row stride `rhs_rs`).
#[allow(clippy::too_many_arguments)]
fn gemm_accumulate(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    dst_rs: usize,
    lhs: &[f32],
    rhs: &[f32],
    rhs_rs: usize,
) {
    gemm_into(m, n, k, dst, dst_rs, lhs, rhs, rhs_rs, true, parallelism());
}

/// dst[m x n] (row stride `dst_rs`) = lhs[m x k] (row-major) · rhs[k x n] (row stride
/// `rhs_rs`), plus dst's previous contents when `accumulate`.
///
/// The slices are checked to cover every element the strides reach, which is what makes the
/// raw-pointer GEMM sound.
#[allow(clippy::too_many_arguments)]
fn gemm_into(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    dst_rs: usize,
    lhs: &[f32],
    rhs: &[f32],
    rhs_rs: usize,
    accumulate: bool,
    parallelism: Parallelism,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for r in 0..m {
                dst[r * dst_rs..r * dst_rs + n].fill(0.0);
            }
        }
        return;
    }
    assert!(
        dst_rs >= n && dst.len() >= (m - 1) * dst_rs + n,
        "conv3d gemm: dst out of bounds"
    );
    assert!(lhs.len() >= m * k, "conv3d gemm: lhs out of bounds");
    assert!(
        rhs_rs >= n && rhs.len() >= (k - 1) * rhs_rs + n,
        "conv3d gemm: rhs out of bounds"
    );
    // SAFETY: the asserts above bound every (row, column) the strides address inside the
    // slices; dst is uniquely borrowed and does not alias lhs or rhs.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            dst_rs as isize,
            accumulate,
            lhs.as_ptr(),
            1,
            k as isize,
            rhs.as_ptr(),
            1,
            rhs_rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

/// 1x1x1 kernel: out[b] += W [Cout, Cin] · x[b] [Cin, F·H·W].
fn pointwise(xs: &[f32], ws: &[f32], out: &mut [f32], g: &Geometry) {
    let n = g.f * g.h * g.w;
    for b in 0..g.b {
        let x = &xs[b * g.cin * n..(b + 1) * g.cin * n];
        let dst = &mut out[b * g.cout * n..(b + 1) * g.cout * n];
        gemm_accumulate(g.cout, n, g.cin, dst, n, ws, x, n);
    }
}

/// General kernel: per batch item and chunk of output frames, build the spatial im2col of the
/// chunk's padded frames once, then accumulate every temporal tap into the output.
fn taps(
    xs: &[f32],
    ws: &[f32],
    out: &mut [f32],
    g: &Geometry,
    spec: &Conv3dSpec,
    column_budget: usize,
) {
    let k = spec.k;
    let rows = g.cin * k * k;
    let out_frame = g.h_out * g.w_out;
    let frame_bytes = rows * out_frame * std::mem::size_of::<f32>();
    // Output frames per chunk: as many as keep the columns (chunk + halo frames) in budget.
    let halo = k.saturating_sub(spec.stride_t);
    let per_chunk = (column_budget / frame_bytes.max(1)).saturating_sub(halo) / spec.stride_t;
    let per_chunk = per_chunk.clamp(1, g.f_out);
    COLUMNS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut cols) => accumulate_taps(xs, ws, out, g, spec, per_chunk, &mut cols),
        // Not reachable (nothing re-enters a convolution), but a private buffer is always right.
        Err(_) => accumulate_taps(xs, ws, out, g, spec, per_chunk, &mut Vec::new()),
    });
}

/// [`taps`] with its im2col buffer and chunk size decided.
fn accumulate_taps(
    xs: &[f32],
    ws: &[f32],
    out: &mut [f32],
    g: &Geometry,
    spec: &Conv3dSpec,
    per_chunk: usize,
    cols: &mut Vec<f32>,
) {
    let k = spec.k;
    let rows = g.cin * k * k;
    let out_frame = g.h_out * g.w_out;
    let in_frame = g.h * g.w;
    for b in 0..g.b {
        let x = &xs[b * g.cin * g.f * in_frame..(b + 1) * g.cin * g.f * in_frame];
        let dst_b =
            &mut out[b * g.cout * g.f_out * out_frame..(b + 1) * g.cout * g.f_out * out_frame];
        let mut f0 = 0;
        while f0 < g.f_out {
            let f1 = (f0 + per_chunk).min(g.f_out);
            // Padded-frame positions this chunk reads: [v0, v0 + nv).
            let v0 = f0 * spec.stride_t;
            let nv = (f1 - 1) * spec.stride_t + k - v0;
            let ncols = nv * out_frame;
            // im2col writes every element, so stale contents need no clearing.
            let cols = scratch(cols, rows * ncols);
            im2col(x, cols, g, spec, v0, nv);
            for dt in 0..k {
                let lhs = &ws[dt * g.cout * rows..(dt + 1) * g.cout * rows];
                if spec.stride_t == 1 {
                    // Output frames f0..f1 read padded frames f0+dt.., contiguous columns.
                    let n = (f1 - f0) * out_frame;
                    let dst = &mut dst_b[f0 * out_frame..];
                    let rhs = &cols[dt * out_frame..];
                    gemm_accumulate(g.cout, n, rows, dst, g.f_out * out_frame, lhs, rhs, ncols);
                } else {
                    for fo in f0..f1 {
                        let local = fo * spec.stride_t + dt - v0;
                        let dst = &mut dst_b[fo * out_frame..];
                        let rhs = &cols[local * out_frame..];
                        gemm_accumulate(
                            g.cout,
                            out_frame,
                            rows,
                            dst,
                            g.f_out * out_frame,
                            lhs,
                            rhs,
                            ncols,
                        );
                    }
                }
            }
            f0 = f1;
        }
    }
}

/// Spatial im2col of padded frames [v0, v0 + nv) of one batch item into `cols`
/// [Cin·k·k rows, nv·Hout·Wout columns]. Padded frame v is input frame v - pad_front clamped
/// to the video (replicate padding), or zeros outside it with `zero_time`; out-of-image
/// pixels are zero.
fn im2col(x: &[f32], cols: &mut [f32], g: &Geometry, spec: &Conv3dSpec, v0: usize, nv: usize) {
    let k = spec.k;
    let (s, p) = (spec.stride_s, spec.pad_s);
    let out_frame = g.h_out * g.w_out;
    let in_frame = g.h * g.w;
    let ncols = nv * out_frame;
    cols.par_chunks_mut(ncols)
        .enumerate()
        .for_each(|(row, dst)| {
            let c = row / (k * k);
            let dy = (row / k) % k;
            let dx = row % k;
            for j in 0..nv {
                let v = v0 + j;
                let dst = &mut dst[j * out_frame..(j + 1) * out_frame];
                if spec.zero_time && (v < spec.pad_front || v - spec.pad_front >= g.f) {
                    dst.fill(0.0);
                    continue;
                }
                let frame = v.saturating_sub(spec.pad_front).min(g.f - 1);
                let src = &x[(c * g.f + frame) * in_frame..(c * g.f + frame + 1) * in_frame];
                for oy in 0..g.h_out {
                    let drow = &mut dst[oy * g.w_out..(oy + 1) * g.w_out];
                    let iy = oy * s + dy;
                    if iy < p || iy - p >= g.h {
                        drow.fill(0.0);
                        continue;
                    }
                    let srow = &src[(iy - p) * g.w..(iy - p + 1) * g.w];
                    if s == 1 {
                        // Input column of output column ox is ox + dx - p: a shifted copy with
                        // zeros where it falls outside the row.
                        let lo = p.saturating_sub(dx).min(g.w_out);
                        let hi = (g.w + p).saturating_sub(dx).min(g.w_out).max(lo);
                        drow[..lo].fill(0.0);
                        if hi > lo {
                            drow[lo..hi].copy_from_slice(&srow[lo + dx - p..hi + dx - p]);
                        }
                        drow[hi..].fill(0.0);
                    } else {
                        for (ox, d) in drow.iter_mut().enumerate() {
                            let ix = ox * s + dx;
                            *d = if ix < p || ix - p >= g.w {
                                0.0
                            } else {
                                srow[ix - p]
                            };
                        }
                    }
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    /// The definition, one multiply-add at a time, on the reference weight layout
    /// [Cout, Cin, kt, kh, kw].
    fn naive(
        x: &[f32],
        (b, cin, f, h, w): (usize, usize, usize, usize, usize),
        wt: &[f32],
        bias: &[f32],
        cout: usize,
        s: Conv3dSpec,
    ) -> Vec<f32> {
        let k = s.k;
        let fo = (f + s.pad_front + s.pad_back - k) / s.stride_t + 1;
        let ho = (h + 2 * s.pad_s - k) / s.stride_s + 1;
        let wo = (w + 2 * s.pad_s - k) / s.stride_s + 1;
        let mut out = vec![0f32; b * cout * fo * ho * wo];
        for bi in 0..b {
            for o in 0..cout {
                for t in 0..fo {
                    for y in 0..ho {
                        for xo in 0..wo {
                            let mut acc = f64::from(bias[o]);
                            for c in 0..cin {
                                for dt in 0..k {
                                    let v = t * s.stride_t + dt;
                                    if s.zero_time && (v < s.pad_front || v - s.pad_front >= f) {
                                        continue;
                                    }
                                    let fr = v.saturating_sub(s.pad_front).min(f - 1);
                                    for dy in 0..k {
                                        for dx in 0..k {
                                            let iy =
                                                (y * s.stride_s + dy) as isize - s.pad_s as isize;
                                            let ix =
                                                (xo * s.stride_s + dx) as isize - s.pad_s as isize;
                                            if iy < 0
                                                || ix < 0
                                                || iy >= h as isize
                                                || ix >= w as isize
                                            {
                                                continue;
                                            }
                                            let xi = (((bi * cin + c) * f + fr) * h + iy as usize)
                                                * w
                                                + ix as usize;
                                            let wi = (((o * cin + c) * k + dt) * k + dy) * k + dx;
                                            acc += f64::from(x[xi]) * f64::from(wt[wi]);
                                        }
                                    }
                                }
                            }
                            out[(((bi * cout + o) * fo + t) * ho + y) * wo + xo] = acc as f32;
                        }
                    }
                }
            }
        }
        out
    }

    /// The kernels that can compute `spec` on an input of `dims` with `cout` outputs.
    fn kernels(
        dims: (usize, usize, usize, usize, usize),
        cout: usize,
        spec: Conv3dSpec,
    ) -> Vec<Kernel> {
        let g = spec.geometry(dims, cout).unwrap();
        let mut ks = vec![Kernel::Direct];
        if winograd::applies(&g, &spec) {
            ks.push(Kernel::Winograd);
        }
        ks
    }

    /// `conv3d_cpu_within` on plain vectors, without norm or residual.
    fn run_kernel(
        (xv, dims): (&[f32], (usize, usize, usize, usize, usize)),
        wv: &[f32],
        bv: &[f32],
        spec: Conv3dSpec,
        budget: usize,
        kernel: Kernel,
    ) -> Vec<f32> {
        let (cout, k) = (bv.len(), spec.k);
        let dev = Device::Cpu;
        let x = Tensor::from_vec(xv.to_vec(), dims, &dev).unwrap();
        let wt = Tensor::from_vec(wv.to_vec(), (cout, dims.1, k, k, k), &dev).unwrap();
        let bias = Tensor::from_vec(bv.to_vec(), cout, &dev).unwrap();
        conv3d_cpu_within(
            &x,
            &tap_major_weight(&wt).unwrap(),
            &bias,
            spec,
            None,
            None,
            budget,
            kernel,
        )
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap()
    }

    /// Every kernel that applies against the definition (in f64), within 1e-4 on values in
    /// [-1, 1).
    fn check(
        dims: (usize, usize, usize, usize, usize),
        cout: usize,
        spec: Conv3dSpec,
        budget: usize,
    ) {
        let (b, cin, f, h, w) = dims;
        let k = spec.k;
        let xv = values(b * cin * f * h * w, 1);
        let wv = values(cout * cin * k * k * k, 2);
        let bv = values(cout, 3);
        let want = naive(&xv, dims, &wv, &bv, cout, spec);
        for kernel in kernels(dims, cout, spec) {
            let got = run_kernel((&xv, dims), &wv, &bv, spec, budget, kernel);
            assert_eq!(got.len(), want.len(), "{spec:?}");
            let err = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(
                err < 1e-4,
                "{kernel:?} {dims:?} {spec:?} budget {budget}: max abs error {err}"
            );
        }
    }

    fn spec(k: usize, stride_t: usize, stride_s: usize, causal: bool) -> Conv3dSpec {
        let (pad_front, pad_back) = match (k, causal) {
            (1, _) => (0, 0),
            (_, true) => (k - 1, 0),
            (_, false) => ((k - 1) / 2, (k - 1) / 2),
        };
        Conv3dSpec {
            k,
            stride_t,
            stride_s,
            pad_front,
            pad_back,
            pad_s: k / 2,
            zero_time: false,
        }
    }

    #[test]
    fn causal_and_symmetric_padding_match_the_definition() {
        for causal in [true, false] {
            check(
                (2, 3, 5, 6, 7),
                4,
                spec(3, 1, 1, causal),
                COLUMN_BUDGET_BYTES,
            );
        }
    }

    #[test]
    fn zero_time_padding_matches_the_definition() {
        for budget in [1, COLUMN_BUDGET_BYTES] {
            for (stride_t, stride_s) in [(1, 1), (2, 2)] {
                let s = Conv3dSpec {
                    zero_time: true,
                    ..spec(3, stride_t, stride_s, false)
                };
                check((2, 3, 5, 6, 7), 4, s, budget);
                check((1, 2, 1, 4, 4), 3, s, budget);
            }
        }
    }

    #[test]
    fn chunked_frames_match_one_chunk() {
        // Budgets from one output frame per chunk upwards; every chunk re-reads its halo.
        for budget in [1, 3 * 27 * 30 * 4, 5 * 27 * 30 * 4] {
            for causal in [true, false] {
                check((1, 3, 7, 5, 6), 2, spec(3, 1, 1, causal), budget);
            }
        }
    }

    #[test]
    fn strided_kernels_match_the_definition() {
        for budget in [1, COLUMN_BUDGET_BYTES] {
            check((1, 2, 5, 8, 7), 3, spec(3, 2, 2, true), budget);
            check((2, 2, 4, 6, 6), 3, spec(3, 1, 2, false), budget);
        }
    }

    #[test]
    fn pointwise_kernel_is_a_plain_matmul() {
        check((2, 5, 3, 4, 3), 6, spec(1, 1, 1, true), COLUMN_BUDGET_BYTES);
    }

    #[test]
    fn single_frame_and_single_pixel_inputs() {
        check((1, 2, 1, 1, 1), 2, spec(3, 1, 1, true), COLUMN_BUDGET_BYTES);
        check((1, 2, 1, 2, 1), 2, spec(3, 1, 1, false), 1);
    }

    fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    }

    #[test]
    fn fused_norm_and_residual_match_the_separate_ops() {
        let dev = Device::Cpu;
        let dims = (2, 3, 5, 6, 7);
        let (cout, k) = (4, 3);
        let x = Tensor::from_vec(values(2 * 3 * 5 * 6 * 7, 4), dims, &dev).unwrap();
        let wt =
            Tensor::from_vec(values(cout * 3 * k * k * k, 5), (cout, 3, k, k, k), &dev).unwrap();
        let w = tap_major_weight(&wt).unwrap();
        let bias = Tensor::from_vec(values(cout, 6), cout, &dev).unwrap();
        let scale = Tensor::from_vec(values(6, 7), (2, 3), &dev).unwrap();
        let shift = Tensor::from_vec(values(6, 8), (2, 3), &dev).unwrap();
        for causal in [true, false] {
            let s = spec(k, 1, 1, causal);
            for modulated in [false, true] {
                let ss = modulated.then_some((&scale, &shift));
                let runs = [1, COLUMN_BUDGET_BYTES]
                    .into_iter()
                    .flat_map(|b| [(b, Kernel::Direct), (b, Kernel::Winograd)]);
                for (budget, kernel) in runs {
                    let normed = crate::pixel_norm::pixel_norm(&x, 1e-8, ss, true).unwrap();
                    let plain =
                        conv3d_cpu_within(&normed, &w, &bias, s, None, None, budget, kernel)
                            .unwrap();
                    let residual =
                        Tensor::from_vec(values(plain.elem_count(), 9), plain.dims(), &dev)
                            .unwrap();
                    let norm = InputNorm {
                        eps: 1e-8,
                        scale_shift: ss,
                        silu: true,
                    };
                    let fused =
                        conv3d_cpu_within(&x, &w, &bias, s, Some(&norm), None, budget, kernel)
                            .unwrap();
                    assert!(max_abs_diff(&fused, &plain) < 1e-5, "{kernel:?} norm only");
                    let onto = conv3d_cpu_within(
                        &x,
                        &w,
                        &bias,
                        s,
                        Some(&norm),
                        Some(&residual),
                        budget,
                        kernel,
                    )
                    .unwrap();
                    let want = (&plain + &residual).unwrap();
                    assert!(
                        max_abs_diff(&onto, &want) < 1e-5,
                        "{kernel:?} norm and residual"
                    );
                    let plain_onto = conv3d_cpu_within(
                        &normed,
                        &w,
                        &bias,
                        s,
                        None,
                        Some(&residual),
                        budget,
                        kernel,
                    )
                    .unwrap();
                    assert!(
                        max_abs_diff(&plain_onto, &want) < 1e-5,
                        "{kernel:?} residual only"
                    );
                }
            }
        }
        // A residual that is not the output's shape is refused, not read out of bounds.
        let wrong = Tensor::zeros((2, cout, 5, 6, 6), candle_core::DType::F32, &dev).unwrap();
        assert!(conv3d_cpu_fused(&x, &w, &bias, spec(k, 1, 1, true), None, Some(&wrong)).is_err());
    }

    #[test]
    fn winograd_edge_sizes_match_the_definition() {
        // Odd and even frames, single pixels and rows, both spatial paddings, every temporal
        // padding, chunked to one output frame (budget 1) and one output channel per block of
        // transformed weights, or not chunked.
        let sizes = [
            (1, 1),
            (1, 2),
            (2, 1),
            (2, 2),
            (3, 3),
            (4, 5),
            (5, 4),
            (7, 6),
            (8, 9),
        ];
        for (h, w) in sizes {
            for pad_s in [0, 1] {
                if h + 2 * pad_s < 3 || w + 2 * pad_s < 3 {
                    continue;
                }
                for time in 0..3 {
                    let s = Conv3dSpec {
                        pad_s,
                        zero_time: time == 2,
                        ..spec(3, 1, 1, time == 0)
                    };
                    for budget in [1, COLUMN_BUDGET_BYTES] {
                        check((2, 3, 4, h, w), 5, s, budget);
                    }
                }
            }
        }
        check((1, 2, 1, 9, 3), 3, spec(3, 1, 1, true), COLUMN_BUDGET_BYTES);
    }

    /// Same bytes whatever the frame chunking, the weight blocking and the thread count.
    #[test]
    fn winograd_bytes_do_not_depend_on_chunking_or_threads() {
        let dims = (1, 16, 6, 10, 11);
        let cout = 24;
        let xv = values(16 * 6 * 10 * 11, 11);
        let wv = values(cout * 16 * 27, 12);
        let bv = values(cout, 13);
        let s = spec(3, 1, 1, true);
        let run = |budget: usize, threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| run_kernel((&xv, dims), &wv, &bv, s, budget, Kernel::Winograd))
        };
        let whole = run(COLUMN_BUDGET_BYTES, 2);
        // One frame per chunk; 4 output channels per weight block (16 x 48 floats each).
        for (budget, threads) in [(1, 2), (16 * 48 * 4 * 4, 1), (COLUMN_BUDGET_BYTES, 3)] {
            let other = run(budget, threads);
            let same = whole
                .iter()
                .zip(&other)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "budget {budget}, {threads} threads");
        }
    }

    /// Winograd's f32 rounding at a decoder's magnitudes (unit-variance input, kernels scaled
    /// by 1/sqrt(fan-in), 128 channels) stays within a small multiple of the direct kernel's
    /// and far inside the VAE parity tolerance of 1e-4 (`tests/ltx2common`).
    #[test]
    fn winograd_error_at_decoder_magnitudes() {
        let (cin, cout) = (128, 8);
        let dims = (1, cin, 3, 10, 9);
        let xv: Vec<f32> = values(cin * 3 * 90, 21).iter().map(|v| v * 1.7).collect();
        let scale = 1.7 / ((cin * 27) as f32).sqrt();
        let wv: Vec<f32> = values(cout * cin * 27, 22)
            .iter()
            .map(|v| v * scale)
            .collect();
        let bv = values(cout, 23);
        let s = spec(3, 1, 1, false);
        let want = naive(&xv, dims, &wv, &bv, cout, s);
        let err = |k| {
            run_kernel((&xv, dims), &wv, &bv, s, COLUMN_BUDGET_BYTES, k)
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max)
        };
        let (direct, wino) = (err(Kernel::Direct), err(Kernel::Winograd));
        eprintln!("max abs error against f64: direct {direct:e}, Winograd {wino:e}");
        assert!(
            wino <= 4.0 * direct.max(1e-7),
            "direct {direct}, Winograd {wino}"
        );
        assert!(wino < 1e-5, "Winograd {wino}");
    }

    #[test]
    fn kernel_larger_than_the_padded_input_is_an_error() {
        let dev = Device::Cpu;
        let x = Tensor::zeros((1, 1, 1, 1, 1), candle_core::DType::F32, &dev).unwrap();
        let w = Tensor::zeros((3, 1, 1, 3, 3), candle_core::DType::F32, &dev).unwrap();
        let b = Tensor::zeros(1, candle_core::DType::F32, &dev).unwrap();
        let s = Conv3dSpec {
            k: 3,
            stride_t: 1,
            stride_s: 1,
            pad_front: 0,
            pad_back: 0,
            pad_s: 1,
            zero_time: false,
        };
        assert!(conv3d_cpu(&x, &w, &b, s).is_err());
    }
}
