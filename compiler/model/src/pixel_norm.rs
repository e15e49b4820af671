//! The VAE's pixel norm (RMS over channels at every position), its timestep modulation and
//! the SiLU that follows it, as one pass on the CPU.
//!
//! Written with tensor ops this is `x.sqr()`, a strided mean over channels, a division, a
//! multiply, an add and a SiLU: six full-size temporaries per norm, two norms per resnet
//! block, each freshly allocated (and page-faulted) and each op a separate sweep over memory.
//! Fused, it reads the input twice (sum of squares, then normalise) and writes the output
//! once. Other devices and dtypes keep the tensor-op form in `vae.rs`.

use candle_core::{Device, Storage, Tensor};
use rayon::prelude::*;

/// Positions per parallel work item: large enough to amortise scheduling, small enough that
/// the per-position sums of one item stay in cache.
const POSITIONS_PER_TASK: usize = 4096;

/// Per-channel affine modulation y * (1 + scale) + shift, one row of C values per batch item.
pub(crate) struct Modulation<'a> {
    pub scale: &'a [f32],
    pub shift: &'a [f32],
}

/// Reads the f32 data of a contiguous CPU tensor.
fn cpu_f32(t: &Tensor) -> candle_core::Result<Vec<f32>> {
    t.flatten_all()?.to_vec1::<f32>()
}

/// True when the fused path applies: an f32 tensor on the CPU.
pub(crate) fn applies(x: &Tensor) -> bool {
    x.device().is_cpu() && x.dtype() == candle_core::DType::F32
}

/// silu(modulate(x / sqrt(mean_c(x^2) + eps))) for `x` [B, C, ...], normalising over dim 1.
/// `scale` and `shift` are [B, C] (any shape with B·C elements); `silu` false skips the SiLU.
pub(crate) fn pixel_norm(
    x: &Tensor,
    eps: f64,
    scale_shift: Option<(&Tensor, &Tensor)>,
    silu: bool,
) -> candle_core::Result<Tensor> {
    let x = x.contiguous()?;
    let dims = x.dims().to_vec();
    let (storage, layout) = x.storage_and_layout();
    let (start, end) = layout
        .contiguous_offsets()
        .ok_or_else(|| candle_core::Error::Msg("pixel norm: non-contiguous input".into()))?;
    let xs = match &*storage {
        Storage::Cpu(cpu) => &cpu.as_slice::<f32>()?[start..end],
        _ => {
            return Err(candle_core::Error::Msg(
                "pixel norm: expected a CPU tensor".into(),
            ))
        }
    };
    let mut out = vec![0f32; xs.len()];
    normalise_into(xs, &mut out, &dims, eps, scale_shift, silu)?;
    drop(storage);
    Tensor::from_vec(out, dims, &Device::Cpu)
}

/// [`pixel_norm`] of the contiguous data `xs` of shape `dims` written into `out` (as long as
/// `xs`), so that callers can keep the output buffer from one call to the next.
pub(crate) fn normalise_into(
    xs: &[f32],
    out: &mut [f32],
    dims: &[usize],
    eps: f64,
    scale_shift: Option<(&Tensor, &Tensor)>,
    silu: bool,
) -> candle_core::Result<()> {
    if dims.len() < 2 {
        return Err(candle_core::Error::Msg(format!(
            "pixel norm needs [B, C, ...], got {dims:?}"
        )));
    }
    let (b, c) = (dims[0], dims[1]);
    let positions: usize = dims[2..].iter().product();
    if xs.len() != b * c * positions || out.len() != xs.len() {
        return Err(candle_core::Error::Msg(format!(
            "pixel norm: {} input and {} output values for shape {dims:?}",
            xs.len(),
            out.len()
        )));
    }
    let mods = match scale_shift {
        Some((scale, shift)) => {
            let (scale, shift) = (cpu_f32(scale)?, cpu_f32(shift)?);
            if scale.len() != b * c || shift.len() != b * c {
                return Err(candle_core::Error::Msg(format!(
                    "pixel norm modulation has {} / {} values for {b} x {c} channels",
                    scale.len(),
                    shift.len()
                )));
            }
            Some((scale, shift))
        }
        None => None,
    };
    for bi in 0..b {
        let plane = c * positions;
        let x_b = &xs[bi * plane..(bi + 1) * plane];
        let out_b = &mut out[bi * plane..(bi + 1) * plane];
        let m = mods.as_ref().map(|(scale, shift)| Modulation {
            scale: &scale[bi * c..(bi + 1) * c],
            shift: &shift[bi * c..(bi + 1) * c],
        });
        normalise_item(x_b, out_b, c, positions, eps, m.as_ref(), silu);
    }
    Ok(())
}

/// One batch item: `x` and `out` are [C, P] row-major.
fn normalise_item(
    x: &[f32],
    out: &mut [f32],
    c: usize,
    positions: usize,
    eps: f64,
    m: Option<&Modulation>,
    silu: bool,
) {
    // Pass 1, parallel over position ranges: the inverse RMS of every position.
    let mut inv = vec![0f32; positions];
    inv.par_chunks_mut(POSITIONS_PER_TASK)
        .enumerate()
        .for_each(|(i, inv)| {
            let p0 = i * POSITIONS_PER_TASK;
            for ch in 0..c {
                let row = &x[ch * positions + p0..ch * positions + p0 + inv.len()];
                for (s, v) in inv.iter_mut().zip(row) {
                    *s += v * v;
                }
            }
            for s in inv.iter_mut() {
                *s = (1.0 / ((*s / c as f32) as f64 + eps).sqrt()) as f32;
            }
        });
    // Pass 2, parallel over channels: normalise, modulate, activate.
    out.par_chunks_mut(positions)
        .enumerate()
        .for_each(|(ch, dst)| {
            let row = &x[ch * positions..(ch + 1) * positions];
            let (mul, add) = match m {
                Some(m) => (1.0 + m.scale[ch], m.shift[ch]),
                None => (1.0, 0.0),
            };
            for ((d, v), r) in dst.iter_mut().zip(row).zip(&inv) {
                let y = v * r * mul + add;
                *d = if silu { y / (1.0 + (-y).exp()) } else { y };
            }
        });
}
