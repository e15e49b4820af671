//! Small numeric pieces LTX-2's modules share: linear layers with optional bias, the GELU(tanh)
//! feed-forward, timestep embeddings with a configurable number of modulation vectors, and the
//! modulation arithmetic of AdaLN (`x * (1 + scale) + shift`).

use candle_core::{DType, Module, Tensor};
use candle_nn::{Linear, VarBuilder};

use crate::transformer::TimestepEmbedding;

pub(crate) fn linear(
    in_dim: usize,
    out_dim: usize,
    bias: bool,
    vb: VarBuilder,
) -> candle_core::Result<Linear> {
    if bias {
        candle_nn::linear(in_dim, out_dim, vb)
    } else {
        candle_nn::linear_no_bias(in_dim, out_dim, vb)
    }
}

/// diffusers' `FeedForward(dim, activation_fn="gelu-approximate")`: `net.0.proj` to 4x the
/// width, GELU with the tanh approximation, `net.2` back.
#[derive(Debug, Clone)]
pub(crate) struct FeedForward {
    proj: Linear,
    out: Linear,
}

impl FeedForward {
    pub(crate) fn load(dim: usize, bias: bool, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            proj: linear(dim, 4 * dim, bias, vb.pp("net").pp("0").pp("proj"))?,
            out: linear(4 * dim, dim, bias, vb.pp("net").pp("2"))?,
        })
    }

    pub(crate) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.out.forward(&self.proj.forward(x)?.gelu()?)
    }
}

/// `x * (1 + scale) + shift`, broadcasting [B, T, D] modulation over [B, N, D] tokens (T is 1
/// or N).
pub(crate) fn modulate(x: &Tensor, scale: &Tensor, shift: &Tensor) -> candle_core::Result<Tensor> {
    x.broadcast_mul(&(scale + 1.0)?)?.broadcast_add(shift)
}

/// `LTX2AdaLayerNormSingle`: a sinusoidal timestep embedding through an MLP (`emb`), then
/// `linear(silu(.))` to `n` modulation vectors. Returns ([B, T, n·dim], the embedding [B, T,
/// dim]) for timesteps [B, T] (T = 1 for one timestep per sample).
#[derive(Debug, Clone)]
pub(crate) struct AdaLayerNormSingle {
    embedder: TimestepEmbedding,
    linear: Linear,
}

impl AdaLayerNormSingle {
    pub(crate) fn load(dim: usize, n: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            embedder: TimestepEmbedding::load(256, dim, vb.pp("emb").pp("timestep_embedder"))?,
            linear: candle_nn::linear(dim, n * dim, vb.pp("linear"))?,
        })
    }

    pub(crate) fn forward(&self, t: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        let (b, steps) = t.dims2()?;
        let embedded = self
            .embedder
            .embed_timesteps(&t.flatten_all()?.to_dtype(DType::F32)?)?;
        let temb = self.linear.forward(&embedded.silu()?)?;
        let dim = embedded.dim(1)?;
        Ok((
            temb.reshape((b, steps, ()))?,
            embedded.reshape((b, steps, dim))?,
        ))
    }
}

/// `scale_shift_table[None, None] + temb.reshape(B, T, n, D)`, split into its `n` vectors, each
/// [B, T, D] (diffusers' `get_mod_params`).
pub(crate) fn mod_params(table: &Tensor, temb: &Tensor) -> candle_core::Result<Vec<Tensor>> {
    let (n, d) = table.dims2()?;
    let (b, t, _) = temb.dims3()?;
    let all = temb
        .reshape((b, t, n, d))?
        .broadcast_add(&table.unsqueeze(0)?.unsqueeze(0)?)?;
    (0..n).map(|i| all.narrow(2, i, 1)?.squeeze(2)).collect()
}
