//! `LTXVideoTransformer3DModel` (diffusers `transformer_ltx.py`): the denoiser.
//!
//! Tokens are latent voxels (patch size 1 in space and time). Each block does self-attention
//! with RMS-normalised queries/keys and a 3D rotary embedding over the whole inner width,
//! cross-attention to the projected T5 embeddings, and a GELU(tanh) feed-forward, all modulated
//! by per-token timestep scale/shift values (AdaLayerNormSingle).
//!
//! Prompt travel: cross-attention may see several text keyframes at once. Each token's
//! cross-attention output is the weighted sum of its outputs against each keyframe, with one
//! weight per token and keyframe. One keyframe without weights is exactly plain attention.

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{Linear, VarBuilder};
use serde::Deserialize;

use crate::error::{ModelError, Result};

const COMPONENT: &str = "transformer";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TransformerConfig {
    #[serde(default = "d_in_channels")]
    pub in_channels: usize,
    #[serde(default = "d_in_channels")]
    pub out_channels: usize,
    #[serde(default = "d_one")]
    pub patch_size: usize,
    #[serde(default = "d_one")]
    pub patch_size_t: usize,
    #[serde(default = "d_heads")]
    pub num_attention_heads: usize,
    #[serde(default = "d_head_dim")]
    pub attention_head_dim: usize,
    #[serde(default = "d_cross")]
    pub cross_attention_dim: usize,
    #[serde(default = "d_layers")]
    pub num_layers: usize,
    #[serde(default = "d_act")]
    pub activation_fn: String,
    #[serde(default = "d_qk_norm")]
    pub qk_norm: String,
    #[serde(default)]
    pub norm_elementwise_affine: bool,
    #[serde(default = "d_eps")]
    pub norm_eps: f64,
    #[serde(default = "d_caption")]
    pub caption_channels: usize,
    #[serde(default = "d_true")]
    pub attention_bias: bool,
    #[serde(default = "d_true")]
    pub attention_out_bias: bool,
}

fn d_in_channels() -> usize {
    128
}
fn d_one() -> usize {
    1
}
fn d_heads() -> usize {
    32
}
fn d_head_dim() -> usize {
    64
}
fn d_cross() -> usize {
    2048
}
fn d_layers() -> usize {
    28
}
fn d_act() -> String {
    "gelu-approximate".into()
}
fn d_qk_norm() -> String {
    "rms_norm_across_heads".into()
}
fn d_eps() -> f64 {
    1e-6
}
fn d_caption() -> usize {
    4096
}
fn d_true() -> bool {
    true
}

impl TransformerConfig {
    pub fn inner_dim(&self) -> usize {
        self.num_attention_heads * self.attention_head_dim
    }

    pub fn validate(&self) -> Result<()> {
        if self.patch_size != 1 {
            return Err(ModelError::unsupported(
                COMPONENT,
                "patch_size",
                self.patch_size,
                "only 1 is supported",
            ));
        }
        if self.patch_size_t != 1 {
            return Err(ModelError::unsupported(
                COMPONENT,
                "patch_size_t",
                self.patch_size_t,
                "only 1 is supported",
            ));
        }
        if self.activation_fn != "gelu-approximate" {
            return Err(ModelError::unsupported(
                COMPONENT,
                "activation_fn",
                &self.activation_fn,
                "only gelu-approximate is supported",
            ));
        }
        if self.qk_norm != "rms_norm_across_heads" {
            return Err(ModelError::unsupported(
                COMPONENT,
                "qk_norm",
                &self.qk_norm,
                "only rms_norm_across_heads is supported",
            ));
        }
        if self.inner_dim() < 6 {
            return Err(ModelError::unsupported(
                COMPONENT,
                "num_attention_heads * attention_head_dim",
                self.inner_dim(),
                "the rotary embedding needs at least 6 channels",
            ));
        }
        if self.cross_attention_dim != self.inner_dim() {
            return Err(ModelError::unsupported(
                COMPONENT,
                "cross_attention_dim",
                self.cross_attention_dim,
                "must equal num_attention_heads * attention_head_dim (captions are projected to the inner width)",
            ));
        }
        Ok(())
    }
}

/// RMS normalisation without a learned scale, computed in f32 like diffusers' `RMSNorm`.
/// Normalisations run in f32 whatever the compute dtype: their sums of squares are where
/// bf16's 8-bit mantissa would lose the most.
pub(crate) fn in_f32(
    x: &Tensor,
    f: impl Fn(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Tensor> {
    if x.dtype() == DType::F32 {
        return f(x);
    }
    f(&x.to_dtype(DType::F32)?)?.to_dtype(x.dtype())
}

pub(crate) fn rms_norm(x: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    in_f32(x, |x| {
        let var = x.sqr()?.mean_keepdim(D::Minus1)?;
        x.broadcast_div(&(var + eps)?.sqrt()?)
    })
}

/// Layer normalisation without affine parameters.
pub(crate) fn layer_norm_plain(x: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    in_f32(x, |x| {
        let mean = x.mean_keepdim(D::Minus1)?;
        let centered = x.broadcast_sub(&mean)?;
        let var = centered.sqr()?.mean_keepdim(D::Minus1)?;
        centered.broadcast_div(&(var + eps)?.sqrt()?)
    })
}

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

fn linear(
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

/// Sinusoidal timestep features as diffusers' `Timesteps(256, flip_sin_to_cos=True, 0)`.
pub(crate) fn timestep_features(t: &Tensor, dim: usize) -> candle_core::Result<Tensor> {
    let half = dim / 2;
    let ln = (10000f64).ln() as f32;
    let freqs: Vec<f32> = (0..half)
        .map(|i| (-ln * i as f32 / half as f32).exp())
        .collect();
    let freqs = Tensor::from_vec(freqs, (1, half), t.device())?;
    let args = t
        .to_dtype(DType::F32)?
        .reshape(((), 1))?
        .broadcast_mul(&freqs)?;
    Tensor::cat(&[args.cos()?, args.sin()?], 1)
}

/// `TimestepEmbedding`: linear, SiLU, linear.
#[derive(Debug, Clone)]
pub(crate) struct TimestepEmbedding {
    linear_1: Linear,
    linear_2: Linear,
}

impl TimestepEmbedding {
    pub(crate) fn load(in_dim: usize, dim: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            linear_1: candle_nn::linear(in_dim, dim, vb.pp("linear_1"))?,
            linear_2: candle_nn::linear(dim, dim, vb.pp("linear_2"))?,
        })
    }

    /// `PixArtAlphaCombinedTimestepSizeEmbeddings` without size conditions: features then MLP.
    pub(crate) fn embed_timesteps(&self, t: &Tensor) -> candle_core::Result<Tensor> {
        let f = timestep_features(t, 256)?.to_dtype(self.linear_1.weight().dtype())?;
        self.linear_2.forward(&self.linear_1.forward(&f)?.silu()?)
    }
}

/// `AdaLayerNormSingle`: returns (6 modulation vectors, the embedded timestep).
#[derive(Debug, Clone)]
struct AdaLayerNormSingle {
    timestep_embedder: TimestepEmbedding,
    linear: Linear,
}

impl AdaLayerNormSingle {
    fn load(dim: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            timestep_embedder: TimestepEmbedding::load(
                256,
                dim,
                vb.pp("emb").pp("timestep_embedder"),
            )?,
            linear: candle_nn::linear(dim, 6 * dim, vb.pp("linear"))?,
        })
    }

    fn forward(&self, t: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        let embedded = self.timestep_embedder.embed_timesteps(t)?;
        let temb = self.linear.forward(&embedded.silu()?)?;
        Ok((temb, embedded))
    }
}

#[derive(Debug, Clone)]
struct Attention {
    heads: usize,
    norm_q: RmsNormAffine,
    norm_k: RmsNormAffine,
    to_q: Linear,
    to_k: Linear,
    to_v: Linear,
    to_out: Linear,
}

impl Attention {
    fn load(cfg: &TransformerConfig, kv_dim: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        let inner = cfg.inner_dim();
        Ok(Self {
            heads: cfg.num_attention_heads,
            norm_q: RmsNormAffine::load(inner, 1e-5, vb.pp("norm_q"))?,
            norm_k: RmsNormAffine::load(inner, 1e-5, vb.pp("norm_k"))?,
            to_q: linear(inner, inner, cfg.attention_bias, vb.pp("to_q"))?,
            to_k: linear(kv_dim, inner, cfg.attention_bias, vb.pp("to_k"))?,
            to_v: linear(kv_dim, inner, cfg.attention_bias, vb.pp("to_v"))?,
            to_out: linear(
                inner,
                inner,
                cfg.attention_out_bias,
                vb.pp("to_out").pp("0"),
            )?,
        })
    }

    /// `context` None means self-attention. `rope` is (cos, sin) over the full inner width.
    /// `bias` is an additive mask broadcastable to [B, heads, Nq, Nk].
    fn forward(
        &self,
        x: &Tensor,
        context: Option<&Tensor>,
        rope: Option<&(Tensor, Tensor)>,
        bias: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let ctx = context.unwrap_or(x);
        let mut q = self.norm_q.forward(&self.to_q.forward(x)?)?;
        let mut k = self.norm_k.forward(&self.to_k.forward(ctx)?)?;
        let v = self.to_v.forward(ctx)?;
        if let Some((cos, sin)) = rope {
            q = apply_rotary(&q, cos, sin)?;
            k = apply_rotary(&k, cos, sin)?;
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
        let out = attend(&q, &k, &v, bias, scale, SCORE_BLOCK_ELEMENTS)?;
        let out = out.transpose(1, 2)?.reshape((b, nq, inner))?;
        self.to_out.forward(&out)
    }
}

/// Largest score block attention builds at once, in elements (256 MiB of f32). The whole score
/// matrix of self-attention at 768x512x97 with guidance is about 6 GB; in blocks of queries
/// peak memory stays bounded whatever the clip size.
pub(crate) const SCORE_BLOCK_ELEMENTS: usize = 64 << 20;

/// softmax(q·kᵀ·scale + bias)·v for q [B, H, Nq, D], k and v [B, H, Nk, D], in blocks of query
/// rows so that no score block exceeds `max_elements`. Each row's softmax only needs its own
/// scores, so blocking changes nothing but the matmul shapes (and their rounding, within the
/// parity tolerance). `bias` broadcasts to [B, H, Nq, Nk].
pub(crate) fn attend(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    bias: Option<&Tensor>,
    scale: f64,
    max_elements: usize,
) -> candle_core::Result<Tensor> {
    let (b, h, nq, _) = q.dims4()?;
    let nk = k.dim(2)?;
    let kt = k.t()?;
    let block = |q: &Tensor, bias: Option<&Tensor>| -> candle_core::Result<Tensor> {
        let mut scores = (q.matmul(&kt)? * scale)?;
        if let Some(bias) = bias {
            scores = scores.broadcast_add(bias)?;
        }
        candle_nn::ops::softmax_last_dim(&scores)?.matmul(v)
    };
    let rows = (max_elements / (b * h * nk).max(1)).clamp(1, nq.max(1));
    if rows >= nq {
        return block(q, bias);
    }
    // A bias with one row per query is cut with the queries; one shared by all rows is not.
    let bias_rows = bias.and_then(|t| {
        let r = t.rank();
        (r >= 2 && t.dim(r - 2).ok() == Some(nq)).then_some(r - 2)
    });
    let mut outs = Vec::with_capacity(nq.div_ceil(rows));
    for start in (0..nq).step_by(rows) {
        let n = rows.min(nq - start);
        let qc = q.narrow(2, start, n)?;
        let bc = match (bias, bias_rows) {
            (Some(t), Some(dim)) => Some(t.narrow(dim, start, n)?),
            (t, _) => t.cloned(),
        };
        outs.push(block(&qc, bc.as_ref())?);
    }
    Tensor::cat(&outs, 2)
}

/// x * cos + rotate_pairs(x) * sin, where pairs are adjacent channels (x0, x1) -> (-x1, x0).
fn apply_rotary(x: &Tensor, cos: &Tensor, sin: &Tensor) -> candle_core::Result<Tensor> {
    let (b, n, d) = x.dims3()?;
    let pairs = x.reshape((b, n, d / 2, 2))?;
    let re = pairs.narrow(3, 0, 1)?;
    let im = pairs.narrow(3, 1, 1)?;
    let rotated = Tensor::cat(&[im.neg()?, re], 3)?.reshape((b, n, d))?;
    x.broadcast_mul(cos)?.add(&rotated.broadcast_mul(sin)?)
}

#[derive(Debug, Clone)]
struct FeedForward {
    proj: Linear,
    out: Linear,
}

impl FeedForward {
    fn load(dim: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            proj: candle_nn::linear(dim, 4 * dim, vb.pp("net").pp("0").pp("proj"))?,
            out: candle_nn::linear(4 * dim, dim, vb.pp("net").pp("2"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.out.forward(&self.proj.forward(x)?.gelu()?)
    }
}

/// One text keyframe as the cross-attention sees it.
#[derive(Debug, Clone)]
pub struct TextConditioning {
    /// T5 hidden states, [B, S, caption_channels].
    pub embeds: Tensor,
    /// 1 for real tokens, 0 for padding, [B, S].
    pub mask: Tensor,
}

#[derive(Debug, Clone)]
struct Block {
    norm_eps: f64,
    norm1_weight: Option<Tensor>,
    norm2_weight: Option<Tensor>,
    attn1: Attention,
    attn2: Attention,
    ff: FeedForward,
    scale_shift_table: Tensor,
}

struct ProjectedText {
    context: Tensor,
    bias: Tensor,
}

impl Block {
    fn load(cfg: &TransformerConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let dim = cfg.inner_dim();
        let (norm1_weight, norm2_weight) = if cfg.norm_elementwise_affine {
            (
                Some(vb.pp("norm1").get(dim, "weight")?),
                Some(vb.pp("norm2").get(dim, "weight")?),
            )
        } else {
            (None, None)
        };
        Ok(Self {
            norm_eps: cfg.norm_eps,
            norm1_weight,
            norm2_weight,
            attn1: Attention::load(cfg, dim, vb.pp("attn1"))?,
            attn2: Attention::load(cfg, cfg.cross_attention_dim, vb.pp("attn2"))?,
            ff: FeedForward::load(dim, vb.pp("ff"))?,
            scale_shift_table: vb.get((6, dim), "scale_shift_table")?,
        })
    }

    fn norm(&self, x: &Tensor, weight: &Option<Tensor>) -> candle_core::Result<Tensor> {
        let y = rms_norm(x, self.norm_eps)?;
        match weight {
            Some(w) => y.broadcast_mul(w),
            None => Ok(y),
        }
    }

    fn forward(
        &self,
        x: &Tensor,
        texts: &[ProjectedText],
        text_weights: Option<&Tensor>,
        temb: &Tensor,
        rope: &(Tensor, Tensor),
    ) -> candle_core::Result<Tensor> {
        let (b, nt, _) = temb.dims3()?;
        let dim = x.dim(2)?;
        let ada = temb
            .reshape((b, nt, 6, dim))?
            .broadcast_add(&self.scale_shift_table.unsqueeze(0)?.unsqueeze(0)?)?;
        let part = |i: usize| ada.narrow(2, i, 1)?.squeeze(2);
        let (shift_msa, scale_msa, gate_msa) = (part(0)?, part(1)?, part(2)?);
        let (shift_mlp, scale_mlp, gate_mlp) = (part(3)?, part(4)?, part(5)?);

        let h = self
            .norm(x, &self.norm1_weight)?
            .broadcast_mul(&(scale_msa + 1.0)?)?
            .broadcast_add(&shift_msa)?;
        let attn = self.attn1.forward(&h, None, Some(rope), None)?;
        let x = x.add(&attn.broadcast_mul(&gate_msa)?)?;

        let cross = match (texts, text_weights) {
            ([single], None) => {
                self.attn2
                    .forward(&x, Some(&single.context), None, Some(&single.bias))?
            }
            (_, Some(weights)) => {
                let mut acc: Option<Tensor> = None;
                for (k, text) in texts.iter().enumerate() {
                    let w = weights.narrow(2, k, 1)?;
                    let out = self
                        .attn2
                        .forward(&x, Some(&text.context), None, Some(&text.bias))?
                        .broadcast_mul(&w)?;
                    acc = Some(match acc {
                        Some(a) => a.add(&out)?,
                        None => out,
                    });
                }
                acc.ok_or_else(|| candle_core::Error::Msg("no text keyframes".into()))?
            }
            _ => {
                return Err(candle_core::Error::Msg(
                    "several text keyframes need a per-token weight matrix".into(),
                ))
            }
        };
        let x = x.add(&cross)?;

        let h = self
            .norm(&x, &self.norm2_weight)?
            .broadcast_mul(&(scale_mlp + 1.0)?)?
            .broadcast_add(&shift_mlp)?;
        let ff = self.ff.forward(&h)?;
        x.add(&ff.broadcast_mul(&gate_mlp)?)
    }
}

/// The LTX-Video denoising transformer.
#[derive(Debug, Clone)]
pub struct LtxTransformer {
    cfg: TransformerConfig,
    proj_in: Linear,
    scale_shift_table: Tensor,
    time_embed: AdaLayerNormSingle,
    caption_linear_1: Linear,
    caption_linear_2: Linear,
    blocks: Vec<Block>,
    proj_out: Linear,
}

/// Base sizes the rotary embedding normalises coordinates by (diffusers' defaults).
const ROPE_BASE_FRAMES: f32 = 20.0;
const ROPE_BASE_HEIGHT: f32 = 2048.0;
const ROPE_BASE_WIDTH: f32 = 2048.0;
const ROPE_THETA: f64 = 10000.0;

impl LtxTransformer {
    pub fn load(cfg: &TransformerConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let dim = cfg.inner_dim();
        let blocks = (0..cfg.num_layers)
            .map(|i| Block::load(cfg, vb.pp("transformer_blocks").pp(i.to_string())))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            cfg: cfg.clone(),
            proj_in: candle_nn::linear(cfg.in_channels, dim, vb.pp("proj_in"))?,
            scale_shift_table: vb.get((2, dim), "scale_shift_table")?,
            time_embed: AdaLayerNormSingle::load(dim, vb.pp("time_embed"))?,
            caption_linear_1: candle_nn::linear(
                cfg.caption_channels,
                dim,
                vb.pp("caption_projection").pp("linear_1"),
            )?,
            caption_linear_2: candle_nn::linear(
                dim,
                dim,
                vb.pp("caption_projection").pp("linear_2"),
            )?,
            blocks,
            proj_out: candle_nn::linear(dim, cfg.out_channels, vb.pp("proj_out"))?,
        })
    }

    pub fn config(&self) -> &TransformerConfig {
        &self.cfg
    }

    /// (cos, sin), each [B, N, inner_dim], from coordinates [B, 3, N] given as
    /// (time in seconds, pixel row, pixel column) as `LTXConditionPipeline` passes them.
    pub fn rotary_embedding(&self, video_coords: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        let dim = self.cfg.inner_dim();
        let n_freq = dim / 6;
        let (b, _, n) = video_coords.dims3()?;
        let coords = video_coords.to_dtype(DType::F32)?.to_device(&Device::Cpu)?;
        let coords: Vec<Vec<Vec<f32>>> = coords.to_vec3()?;
        // linspace(0, 1, n) as torch computes it (symmetric halves), then theta ** x * pi / 2.
        let step = if n_freq > 1 {
            1.0f32 / (n_freq as f32 - 1.0)
        } else {
            0.0
        };
        let half = n_freq / 2;
        let freqs: Vec<f32> = (0..n_freq)
            .map(|i| {
                let x = if i < half {
                    i as f32 * step
                } else {
                    1.0 - step * (n_freq - 1 - i) as f32
                };
                let p = (ROPE_THETA.powf(x as f64)) as f32;
                p * (std::f64::consts::PI / 2.0) as f32
            })
            .collect();
        let pad = dim % 6;
        let bases = [ROPE_BASE_FRAMES, ROPE_BASE_HEIGHT, ROPE_BASE_WIDTH];
        let mut cos = vec![0f32; b * n * dim];
        let mut sin = vec![0f32; b * n * dim];
        for (bi, sample) in coords.iter().enumerate() {
            let tokens = sample[0].iter().zip(&sample[1]).zip(&sample[2]);
            for (t, ((ft, yt), xt)) in tokens.enumerate() {
                let grid = [ft / bases[0], yt / bases[1], xt / bases[2]];
                let row = (bi * n + t) * dim;
                for p in 0..pad {
                    cos[row + p] = 1.0;
                    sin[row + p] = 0.0;
                }
                for (i, f) in freqs.iter().enumerate() {
                    for (axis, g) in grid.iter().enumerate() {
                        let angle = f * (g * 2.0 - 1.0);
                        let (s, c) = angle.sin_cos();
                        let at = row + pad + 2 * (3 * i + axis);
                        cos[at] = c;
                        cos[at + 1] = c;
                        sin[at] = s;
                        sin[at + 1] = s;
                    }
                }
            }
        }
        let dev = video_coords.device();
        Ok((
            Tensor::from_vec(cos, (b, n, dim), dev)?,
            Tensor::from_vec(sin, (b, n, dim), dev)?,
        ))
    }

    /// Denoiser forward pass.
    ///
    /// * `hidden` — packed latent tokens [B, N, in_channels]
    /// * `texts` — one or more text keyframes (embeddings and masks with batch B)
    /// * `text_weights` — per-token keyframe weights [B or 1, N, K]; required when K > 1
    /// * `timestep` — [B, 1] or per-token [B, N], in 0..1000
    /// * `video_coords` — [B, 3, N] (seconds, pixel row, pixel column)
    pub fn forward(
        &self,
        hidden: &Tensor,
        texts: &[TextConditioning],
        text_weights: Option<&Tensor>,
        timestep: &Tensor,
        video_coords: &Tensor,
    ) -> candle_core::Result<Tensor> {
        // Everything runs in the weights' dtype (f32 on the CPU, bf16 on CUDA); the caller's
        // f32 tensors are cast on the way in and the prediction on the way out.
        let dt = self.dtype();
        let (cos, sin) = self.rotary_embedding(video_coords)?;
        let rope = (cos.to_dtype(dt)?, sin.to_dtype(dt)?);
        let hidden = hidden.to_dtype(dt)?;
        let text_weights = text_weights.map(|w| w.to_dtype(dt)).transpose()?;
        let text_weights = text_weights.as_ref();
        let b = hidden.dim(0)?;
        let x = self.proj_in.forward(&hidden)?;
        let (temb, embedded) = self.time_embed.forward(&timestep.flatten_all()?)?;
        let dim = self.cfg.inner_dim();
        let temb = temb.reshape((b, (), 6 * dim))?;
        let embedded = embedded.reshape((b, (), dim))?;

        let texts = texts
            .iter()
            .map(|t| {
                let h = self
                    .caption_linear_1
                    .forward(&t.embeds.to_dtype(dt)?)?
                    .gelu()?;
                let context = self.caption_linear_2.forward(&h)?;
                let bias = ((t.mask.to_dtype(DType::F32)? * -1.0)? + 1.0)?;
                let bias = (bias * -10000.0)?
                    .to_dtype(dt)?
                    .unsqueeze(1)?
                    .unsqueeze(1)?;
                Ok(ProjectedText { context, bias })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;

        let mut x = x;
        for block in &self.blocks {
            x = block.forward(&x, &texts, text_weights, &temb, &rope)?;
        }
        let table = self.scale_shift_table.unsqueeze(0)?.unsqueeze(0)?;
        let ss = embedded.unsqueeze(2)?.broadcast_add(&table)?;
        let shift = ss.narrow(2, 0, 1)?.squeeze(2)?;
        let scale = ss.narrow(2, 1, 1)?.squeeze(2)?;
        let x = layer_norm_plain(&x, 1e-6)?
            .broadcast_mul(&(scale + 1.0)?)?
            .broadcast_add(&shift)?;
        self.proj_out.forward(&x)?.to_dtype(DType::F32)
    }

    /// The dtype the weights were loaded in, which the forward pass computes in.
    pub fn dtype(&self) -> DType {
        self.proj_in.weight().dtype()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(shape: &[usize], seed: u64) -> Tensor {
        let n: usize = shape.iter().product();
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let data: Vec<f32> = (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
            })
            .collect();
        Tensor::from_vec(data, shape, &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar()
            .unwrap()
    }

    /// Blocks of query rows (7 rows, so the last block is short) give what one block gives,
    /// with a bias per query row, a bias shared by all rows, and none.
    #[test]
    fn attention_in_query_blocks_equals_the_whole_matrix() {
        let (b, h, nq, nk, d) = (2, 3, 40, 24, 8);
        let q = random(&[b, h, nq, d], 1);
        let k = random(&[b, h, nk, d], 2);
        let v = random(&[b, h, nk, d], 3);
        let per_row = random(&[b, 1, nq, nk], 4);
        let shared = random(&[b, 1, 1, nk], 5);
        let block = 7 * b * h * nk;
        for bias in [Some(&per_row), Some(&shared), None] {
            let whole = attend(&q, &k, &v, bias, 0.35, usize::MAX).unwrap();
            let blocked = attend(&q, &k, &v, bias, 0.35, block).unwrap();
            assert_eq!(blocked.dims(), &[b, h, nq, d]);
            assert!(
                max_diff(&whole, &blocked) < 1e-6,
                "{}",
                max_diff(&whole, &blocked)
            );
        }
    }
}
