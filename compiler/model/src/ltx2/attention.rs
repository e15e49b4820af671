//! `LTX2Attention` with its two processors: queries and keys RMS-normalised across heads, a
//! rotary embedding that may differ between queries and keys (audio↔video cross-attention),
//! optional per-head sigmoid gates (2.3), and the perturbed form spatio-temporal guidance uses,
//! where a block's self-attention is replaced by its value projection.
//!
//! Scores are computed in blocks of query rows ([`crate::transformer::attend`]), so memory stays
//! bounded for long videos.

use candle_core::{Module, Tensor};
use candle_nn::{Linear, VarBuilder};

use crate::transformer::{attend, rms_norm, SCORE_BLOCK_ELEMENTS};

use super::ops::linear;
use super::rope::{apply_rope, RopeTable};

#[derive(Debug, Clone)]
struct RmsNormAffine {
    weight: Tensor,
    eps: f64,
}

impl RmsNormAffine {
    fn load(dim: usize, eps: f64, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            weight: vb.get(dim, "weight")?,
            eps,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        rms_norm(x, self.eps)?.broadcast_mul(&self.weight)
    }
}

/// Shapes of one attention layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AttentionDims {
    pub query_dim: usize,
    /// Width of the keys' and values' source (the query width for self-attention).
    pub context_dim: usize,
    pub heads: usize,
    pub head_dim: usize,
    pub bias: bool,
    pub out_bias: bool,
    pub gated: bool,
    pub eps: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Attention {
    heads: usize,
    norm_q: RmsNormAffine,
    norm_k: RmsNormAffine,
    to_q: Linear,
    to_k: Linear,
    to_v: Linear,
    to_out: Linear,
    to_gate_logits: Option<Linear>,
}

/// How the block calls its attention.
#[derive(Default)]
pub(crate) struct AttentionInputs<'a> {
    /// Keys and values come from here; `None` is self-attention.
    pub context: Option<&'a Tensor>,
    /// Additive mask broadcastable to [B, heads, Nq, Nk].
    pub bias: Option<&'a Tensor>,
    pub query_rope: Option<&'a RopeTable>,
    /// Defaults to `query_rope`.
    pub key_rope: Option<&'a RopeTable>,
    /// Spatio-temporal guidance: skip the attention and pass the values through.
    pub perturbed: bool,
}

impl Attention {
    pub(crate) fn load(d: AttentionDims, vb: VarBuilder) -> candle_core::Result<Self> {
        let inner = d.heads * d.head_dim;
        Ok(Self {
            heads: d.heads,
            norm_q: RmsNormAffine::load(inner, d.eps, vb.pp("norm_q"))?,
            norm_k: RmsNormAffine::load(inner, d.eps, vb.pp("norm_k"))?,
            to_q: linear(d.query_dim, inner, d.bias, vb.pp("to_q"))?,
            to_k: linear(d.context_dim, inner, d.bias, vb.pp("to_k"))?,
            to_v: linear(d.context_dim, inner, d.bias, vb.pp("to_v"))?,
            to_out: linear(inner, d.query_dim, d.out_bias, vb.pp("to_out").pp("0"))?,
            to_gate_logits: if d.gated {
                Some(candle_nn::linear(
                    d.query_dim,
                    d.heads,
                    vb.pp("to_gate_logits"),
                )?)
            } else {
                None
            },
        })
    }

    pub(crate) fn forward(
        &self,
        x: &Tensor,
        inputs: AttentionInputs<'_>,
    ) -> candle_core::Result<Tensor> {
        let ctx = inputs.context.unwrap_or(x);
        let v = self.to_v.forward(ctx)?;
        let out = if inputs.perturbed {
            v
        } else {
            let mut q = self.norm_q.forward(&self.to_q.forward(x)?)?;
            let mut k = self.norm_k.forward(&self.to_k.forward(ctx)?)?;
            if let Some(rope) = inputs.query_rope {
                q = apply_rope(&q, rope)?;
                k = apply_rope(&k, inputs.key_rope.unwrap_or(rope))?;
            }
            let (b, nq, inner) = q.dims3()?;
            let nk = k.dim(1)?;
            let hd = inner / self.heads;
            let split = |t: Tensor, n: usize| -> candle_core::Result<Tensor> {
                t.reshape((b, n, self.heads, hd))?
                    .transpose(1, 2)?
                    .contiguous()
            };
            let q = split(q, nq)?;
            let k = split(k, nk)?;
            let v = split(v, nk)?;
            let scale = 1.0 / (hd as f64).sqrt();
            attend(&q, &k, &v, inputs.bias, scale, SCORE_BLOCK_ELEMENTS)?
                .transpose(1, 2)?
                .reshape((b, nq, inner))?
        };
        let out = match &self.to_gate_logits {
            Some(gate) => {
                // 2·sigmoid, so that zero-initialised logits leave the heads as they are.
                let (b, n, inner) = out.dims3()?;
                let gates = (candle_nn::ops::sigmoid(&gate.forward(x)?)? * 2.0)?;
                out.reshape((b, n, self.heads, inner / self.heads))?
                    .broadcast_mul(&gates.unsqueeze(3)?)?
                    .reshape((b, n, inner))?
            }
            None => out,
        };
        self.to_out.forward(&out)
    }
}
