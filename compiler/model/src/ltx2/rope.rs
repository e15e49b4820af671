//! LTX-2's rotary position embeddings (`LTX2AudioVideoRotaryPosEmbed` and the connectors'
//! `LTX2RotaryPosEmbed1d`): fractional positions in up to three axes, one frequency ladder
//! `theta ** linspace(0, 1)` · π/2 shared by the axes, applied either to adjacent channel pairs
//! of the whole width ("interleaved") or to the two halves of every head ("split").
//!
//! Tables are built on the host in the reference's precision (the ladder in f64 or f32 as
//! `rope_double_precision` says, angles and their cosines in f32) and moved to the device once
//! per forward pass.

use candle_core::{DType, Device, Tensor};

use crate::error::{ModelError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RopeLayout {
    /// Adjacent channel pairs of the whole inner width rotate together.
    Interleaved,
    /// Channel `i` and `i + head_dim / 2` of every head rotate together.
    Split,
}

impl RopeLayout {
    pub fn parse(component: &str, value: &str) -> Result<Self> {
        match value {
            "interleaved" => Ok(Self::Interleaved),
            "split" => Ok(Self::Split),
            other => Err(ModelError::unsupported(
                component,
                "rope_type",
                other,
                "must be `interleaved` or `split`",
            )),
        }
    }
}

/// What a rotary table is computed for.
#[derive(Debug, Clone, PartialEq)]
pub struct RopeSpec {
    /// Width the rotation covers (the attention's inner width).
    pub dim: usize,
    pub theta: f64,
    pub double_precision: bool,
    pub layout: RopeLayout,
    /// Heads the split layout divides the table into.
    pub heads: usize,
}

/// cos and sin ready for [`apply_rope`]: [B, N, dim] (interleaved) or [B, heads, N, dim/heads/2]
/// (split), in f32.
#[derive(Debug, Clone)]
pub struct RopeTable {
    pub cos: Tensor,
    pub sin: Tensor,
    pub layout: RopeLayout,
}

/// `torch.linspace(0, 1, n)` in f64: the first half counted up from 0, the second half down
/// from 1, each with a fused multiply-add as torch's vectorised kernel computes it (a separate
/// product and sum round differently, and at RoPE's largest frequencies one ulp of a frequency
/// is a visible change of angle).
fn linspace_unit_f64(n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![0.0];
    }
    let step = 1.0 / (n as f64 - 1.0);
    let half = n / 2;
    (0..n)
        .map(|i| {
            if i < half {
                step.mul_add(i as f64, 0.0)
            } else {
                (-step).mul_add((n - 1 - i) as f64, 1.0)
            }
        })
        .collect()
}

/// [`linspace_unit_f64`] in f32.
fn linspace_unit_f32(n: usize) -> Vec<f32> {
    if n == 1 {
        return vec![0.0];
    }
    let step = 1.0f32 / (n as f32 - 1.0);
    let half = n / 2;
    (0..n)
        .map(|i| {
            if i < half {
                step.mul_add(i as f32, 0.0)
            } else {
                (-step).mul_add((n - 1 - i) as f32, 1.0)
            }
        })
        .collect()
}

impl RopeSpec {
    /// The frequency ladder `theta ** linspace(0, 1, n) * π / 2`, rounded to f32.
    fn frequencies(&self, n: usize) -> Vec<f32> {
        if self.double_precision {
            linspace_unit_f64(n)
                .into_iter()
                .map(|x| (self.theta.powf(x) * std::f64::consts::PI / 2.0) as f32)
                .collect()
        } else {
            // torch's pow of a Python float by an f32 tensor rounds a double-precision power.
            linspace_unit_f32(n)
                .into_iter()
                .map(|x| self.theta.powf(x as f64) as f32 * std::f32::consts::PI / 2.0)
                .collect()
        }
    }

    /// The table for fractional positions `grid[b][n][axis]` (each in 0..1 of the base size;
    /// every token has the same number of axes).
    pub fn table(&self, grid: &[Vec<Vec<f32>>], device: &Device) -> Result<RopeTable> {
        let b = grid.len();
        let n = grid.first().map_or(0, |g| g.len());
        let axes = grid
            .first()
            .and_then(|g| g.first())
            .map_or(1, |t| t.len())
            .max(1);
        let per_axis = self.dim / (2 * axes);
        let freqs = self.frequencies(per_axis);
        let half = self.dim / 2;
        match self.layout {
            RopeLayout::Interleaved => {
                let pad = self.dim % (2 * axes);
                let mut cos = vec![1f32; b * n * self.dim];
                let mut sin = vec![0f32; b * n * self.dim];
                for (bi, sample) in grid.iter().enumerate() {
                    for (t, pos) in sample.iter().enumerate() {
                        let row = (bi * n + t) * self.dim + pad;
                        for (i, f) in freqs.iter().enumerate() {
                            for (axis, g) in pos.iter().enumerate() {
                                let (s, c) = ((g * 2.0 - 1.0) * f).sin_cos();
                                let at = row + 2 * (i * axes + axis);
                                cos[at] = c;
                                cos[at + 1] = c;
                                sin[at] = s;
                                sin[at + 1] = s;
                            }
                        }
                    }
                }
                Ok(RopeTable {
                    cos: Tensor::from_vec(cos, (b, n, self.dim), device)?,
                    sin: Tensor::from_vec(sin, (b, n, self.dim), device)?,
                    layout: self.layout,
                })
            }
            RopeLayout::Split => {
                let heads = self.heads.max(1);
                if half % heads != 0 {
                    return Err(ModelError::InvalidRequest(format!(
                        "a split rotary table of width {} cannot be divided into {heads} heads",
                        self.dim
                    )));
                }
                let pad = half - per_axis * axes;
                let per_head = half / heads;
                // [B, H, N, per_head], filled from each token's [half] row.
                let mut cos = vec![1f32; b * n * half];
                let mut sin = vec![0f32; b * n * half];
                for (bi, sample) in grid.iter().enumerate() {
                    for (t, pos) in sample.iter().enumerate() {
                        for (i, f) in freqs.iter().enumerate() {
                            for (axis, g) in pos.iter().enumerate() {
                                let (s, c) = ((g * 2.0 - 1.0) * f).sin_cos();
                                let k = pad + i * axes + axis;
                                let (h, j) = (k / per_head, k % per_head);
                                let at = ((bi * heads + h) * n + t) * per_head + j;
                                cos[at] = c;
                                sin[at] = s;
                            }
                        }
                    }
                }
                Ok(RopeTable {
                    cos: Tensor::from_vec(cos, (b, heads, n, per_head), device)?,
                    sin: Tensor::from_vec(sin, (b, heads, n, per_head), device)?,
                    layout: self.layout,
                })
            }
        }
    }
}

/// Fractional positions from `[start, end)` patch bounds `coords` [B, axes, N, 2]: the
/// midpoint of each patch divided by the axis' base size, as the reference computes them (in
/// f32).
pub fn grid_from_bounds(coords: &Tensor, bases: &[f32]) -> Result<Vec<Vec<Vec<f32>>>> {
    let (b, axes, n, two) = coords.dims4()?;
    if two != 2 || axes > bases.len() {
        return Err(ModelError::InvalidRequest(format!(
            "rotary coordinates must be [B, axes <= {}, N, 2], got {:?}",
            bases.len(),
            coords.dims()
        )));
    }
    let flat: Vec<f32> = coords
        .to_device(&Device::Cpu)?
        .to_dtype(DType::F32)?
        .flatten_all()?
        .to_vec1()?;
    let mut grid = vec![vec![vec![0f32; axes]; n]; b];
    for (bi, sample) in grid.iter_mut().enumerate() {
        for (t, pos) in sample.iter_mut().enumerate() {
            for (axis, p) in pos.iter_mut().enumerate() {
                let at = ((bi * axes + axis) * n + t) * 2;
                let mid = (flat[at] + flat[at + 1]) / 2.0;
                *p = mid / bases[axis];
            }
        }
    }
    Ok(grid)
}

/// Rotates queries or keys [B, N, heads·head_dim] by `table`, in f32, returning `x`'s dtype.
pub fn apply_rope(x: &Tensor, table: &RopeTable) -> candle_core::Result<Tensor> {
    let dtype = x.dtype();
    let xf = x.to_dtype(DType::F32)?;
    let (b, n, d) = xf.dims3()?;
    let out = match table.layout {
        RopeLayout::Interleaved => {
            let pairs = xf.reshape((b, n, d / 2, 2))?;
            let re = pairs.narrow(3, 0, 1)?;
            let im = pairs.narrow(3, 1, 1)?;
            let rotated = Tensor::cat(&[im.neg()?, re], 3)?.reshape((b, n, d))?;
            xf.broadcast_mul(&table.cos)?
                .add(&rotated.broadcast_mul(&table.sin)?)?
        }
        RopeLayout::Split => {
            let (_, heads, _, r) = table.cos.dims4()?;
            let xh = xf.reshape((b, n, heads, 2 * r))?.transpose(1, 2)?;
            let x1 = xh.narrow(3, 0, r)?;
            let x2 = xh.narrow(3, r, r)?;
            let first = x1
                .broadcast_mul(&table.cos)?
                .sub(&x2.broadcast_mul(&table.sin)?)?;
            let second = x2
                .broadcast_mul(&table.cos)?
                .add(&x1.broadcast_mul(&table.sin)?)?;
            Tensor::cat(&[first, second], 3)?
                .transpose(1, 2)?
                .reshape((b, n, d))?
        }
    };
    out.to_dtype(dtype)
}
