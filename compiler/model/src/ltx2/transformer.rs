//! `LTX2VideoTransformer3DModel` (diffusers `transformer_ltx2.py`): one transformer denoising a
//! video and an audio token stream together.
//!
//! Each block runs, for both streams: self-attention with 3-D (video) or 1-D (audio) RoPE,
//! cross-attention to the stream's text embeddings, then audio→video and video→audio
//! cross-attention (RoPE over time only, in both directions), then a feed-forward — every part
//! with its own AdaLN modulation from the stream's timestep, and the two cross-modal
//! attentions from the *other* stream's timestep (2.3's `use_cross_timestep`).
//!
//! Variants from the config: 2.0 projects the text embeddings here (`caption_projection`);
//! 2.3 gets them projected by the connectors, gates every attention head, and modulates the
//! text cross-attention's queries and keys (`cross_attn_mod`, `prompt_adaln`). Guidance passes
//! switch parts off: `isolate_modalities` drops both cross-modal attentions, spatio-temporal
//! guidance replaces the self-attentions of chosen blocks by their values (only in checkpoints
//! built with `perturbed_attn`, as in the reference).

use std::collections::BTreeMap;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder};
use serde::Deserialize;

use crate::error::{ModelError, Result};
use crate::transformer::{layer_norm_plain, rms_norm};

use super::attention::{Attention, AttentionDims, AttentionInputs};
use super::ops::{mod_params, modulate, AdaLayerNormSingle, FeedForward};
use super::rope::{grid_from_bounds, RopeLayout, RopeSpec, RopeTable};

const COMPONENT: &str = "transformer";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Ltx2TransformerConfig {
    #[serde(default = "d128")]
    pub in_channels: usize,
    #[serde(default)]
    pub out_channels: Option<usize>,
    #[serde(default = "d1")]
    pub patch_size: usize,
    #[serde(default = "d1")]
    pub patch_size_t: usize,
    #[serde(default = "d32")]
    pub num_attention_heads: usize,
    #[serde(default = "d128")]
    pub attention_head_dim: usize,
    #[serde(default = "d4096")]
    pub cross_attention_dim: usize,
    #[serde(default = "d_scale_factors")]
    pub vae_scale_factors: Vec<usize>,
    #[serde(default = "d20")]
    pub pos_embed_max_pos: usize,
    #[serde(default = "d2048")]
    pub base_height: usize,
    #[serde(default = "d2048")]
    pub base_width: usize,
    #[serde(default)]
    pub gated_attn: bool,
    #[serde(default)]
    pub cross_attn_mod: bool,
    #[serde(default = "d128")]
    pub audio_in_channels: usize,
    #[serde(default)]
    pub audio_out_channels: Option<usize>,
    #[serde(default = "d1")]
    pub audio_patch_size: usize,
    #[serde(default = "d1")]
    pub audio_patch_size_t: usize,
    #[serde(default = "d32")]
    pub audio_num_attention_heads: usize,
    #[serde(default = "d64")]
    pub audio_attention_head_dim: usize,
    #[serde(default = "d2048")]
    pub audio_cross_attention_dim: usize,
    #[serde(default = "d4")]
    pub audio_scale_factor: usize,
    #[serde(default = "d20")]
    pub audio_pos_embed_max_pos: usize,
    #[serde(default = "d16000")]
    pub audio_sampling_rate: usize,
    #[serde(default = "d160")]
    pub audio_hop_length: usize,
    #[serde(default)]
    pub audio_gated_attn: bool,
    #[serde(default)]
    pub audio_cross_attn_mod: bool,
    #[serde(default = "d48")]
    pub num_layers: usize,
    #[serde(default = "d_act")]
    pub activation_fn: String,
    #[serde(default = "d_qk_norm")]
    pub qk_norm: String,
    #[serde(default)]
    pub norm_elementwise_affine: bool,
    #[serde(default = "d_eps")]
    pub norm_eps: f64,
    #[serde(default = "d3840")]
    pub caption_channels: usize,
    #[serde(default = "d_true")]
    pub attention_bias: bool,
    #[serde(default = "d_true")]
    pub attention_out_bias: bool,
    #[serde(default = "d_theta")]
    pub rope_theta: f64,
    #[serde(default = "d_true")]
    pub rope_double_precision: bool,
    #[serde(default = "d1")]
    pub causal_offset: usize,
    #[serde(default = "d1000")]
    pub timestep_scale_multiplier: f64,
    #[serde(default = "d1000")]
    pub cross_attn_timestep_scale_multiplier: f64,
    #[serde(default = "d_interleaved")]
    pub rope_type: String,
    #[serde(default = "d_true")]
    pub use_prompt_embeddings: bool,
    #[serde(default)]
    pub perturbed_attn: bool,
    #[serde(default = "d_true")]
    pub ff_bias: bool,
    #[serde(default = "d_true")]
    pub audio_ff_bias: bool,
    #[serde(default = "d_true")]
    pub use_prompt_adaln_single: bool,
    #[serde(default)]
    pub use_keyframes_abs_pos_embedding: bool,
}

fn d1() -> usize {
    1
}
fn d4() -> usize {
    4
}
fn d20() -> usize {
    20
}
fn d32() -> usize {
    32
}
fn d48() -> usize {
    48
}
fn d64() -> usize {
    64
}
fn d128() -> usize {
    128
}
fn d160() -> usize {
    160
}
fn d2048() -> usize {
    2048
}
fn d3840() -> usize {
    3840
}
fn d4096() -> usize {
    4096
}
fn d16000() -> usize {
    16000
}
fn d1000() -> f64 {
    1000.0
}
fn d_theta() -> f64 {
    10000.0
}
fn d_eps() -> f64 {
    1e-6
}
fn d_true() -> bool {
    true
}
fn d_scale_factors() -> Vec<usize> {
    vec![8, 32, 32]
}
fn d_act() -> String {
    "gelu-approximate".into()
}
fn d_qk_norm() -> String {
    "rms_norm_across_heads".into()
}
fn d_interleaved() -> String {
    "interleaved".into()
}

impl Ltx2TransformerConfig {
    pub fn inner_dim(&self) -> usize {
        self.num_attention_heads * self.attention_head_dim
    }

    pub fn audio_inner_dim(&self) -> usize {
        self.audio_num_attention_heads * self.audio_attention_head_dim
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels.unwrap_or(self.in_channels)
    }

    pub fn audio_out_channels(&self) -> usize {
        self.audio_out_channels.unwrap_or(self.audio_in_channels)
    }

    pub fn rope_layout(&self) -> Result<RopeLayout> {
        RopeLayout::parse(COMPONENT, &self.rope_type)
    }

    /// The text width the transformer's cross-attentions read: the caption width when it
    /// projects the captions itself (2.0), the connectors' widths otherwise (2.3).
    pub fn text_dims(&self) -> (usize, usize) {
        if self.use_prompt_embeddings {
            (self.caption_channels, self.caption_channels)
        } else {
            (self.cross_attention_dim, self.audio_cross_attention_dim)
        }
    }

    pub fn validate(&self) -> Result<()> {
        let unsupported = |key: &str, value: &dyn std::fmt::Debug, reason: &str| {
            Err(ModelError::unsupported(COMPONENT, key, value, reason))
        };
        for (key, v) in [
            ("patch_size", self.patch_size),
            ("patch_size_t", self.patch_size_t),
            ("audio_patch_size", self.audio_patch_size),
            ("audio_patch_size_t", self.audio_patch_size_t),
        ] {
            if v != 1 {
                return unsupported(key, &v, "only 1 is supported (as every published LTX-2)");
            }
        }
        if self.activation_fn != "gelu-approximate" {
            return unsupported(
                "activation_fn",
                &self.activation_fn,
                "only gelu-approximate is supported",
            );
        }
        if self.qk_norm != "rms_norm_across_heads" {
            return unsupported(
                "qk_norm",
                &self.qk_norm,
                "only rms_norm_across_heads is supported",
            );
        }
        if self.vae_scale_factors.len() != 3 {
            return unsupported(
                "vae_scale_factors",
                &self.vae_scale_factors,
                "must have three entries (time, height, width)",
            );
        }
        let layout = self.rope_layout()?;
        if layout == RopeLayout::Split {
            let checks = [
                (self.inner_dim(), self.num_attention_heads),
                (self.audio_inner_dim(), self.audio_num_attention_heads),
                (self.audio_cross_attention_dim, self.num_attention_heads),
                (
                    self.audio_cross_attention_dim,
                    self.audio_num_attention_heads,
                ),
            ];
            for (dim, heads) in checks {
                if dim % (2 * heads) != 0 {
                    return unsupported(
                        "rope_type",
                        &"split",
                        "every rotary width must split evenly into its heads",
                    );
                }
            }
        }
        if self.audio_cross_attention_dim != self.audio_inner_dim() {
            return unsupported(
                "audio_cross_attention_dim",
                &self.audio_cross_attention_dim,
                "the audio↔video attentions rotate audio_num_attention_heads × audio_attention_head_dim channels with a table of this width; they must agree",
            );
        }
        if self.use_prompt_embeddings
            && (self.cross_attention_dim != self.inner_dim()
                || self.audio_cross_attention_dim != self.audio_inner_dim())
        {
            return unsupported(
                "cross_attention_dim",
                &self.cross_attention_dim,
                "with caption projections the text attends at the inner widths",
            );
        }
        Ok(())
    }
}

/// The transformer's inputs for one forward pass (batch B). Timesteps are in 0..1000.
pub struct Ltx2Inputs<'a> {
    /// Packed video latents [B, N, in_channels].
    pub video: &'a Tensor,
    /// Packed audio latents [B, M, audio_in_channels].
    pub audio: &'a Tensor,
    /// Text embeddings [B, L, ·] for the video and the audio stream.
    pub video_text: &'a Tensor,
    pub audio_text: &'a Tensor,
    /// 1 for tokens to attend to, 0 for padding, [B, L]; `None` attends to all.
    pub text_mask: Option<&'a Tensor>,
    /// [B, 1] or per token [B, N].
    pub video_timestep: &'a Tensor,
    /// [B, 1] or per token [B, M].
    pub audio_timestep: &'a Tensor,
    /// The step's noise level per sample [B] (what 2.3's prompt modulation and the cross-modal
    /// attentions read).
    pub sigma: &'a Tensor,
    pub audio_sigma: &'a Tensor,
    /// Patch bounds [B, 3, N, 2]: (seconds, pixel row, pixel column), `[start, end)`.
    pub video_coords: &'a Tensor,
    /// Patch bounds [B, 1, M, 2] in seconds.
    pub audio_coords: &'a Tensor,
}

/// Which parts a (guidance) pass switches off.
#[derive(Debug, Clone, Default)]
pub struct PassOptions {
    /// No audio→video or video→audio attention (modality-isolation guidance).
    pub isolate_modalities: bool,
    /// Blocks whose self-attentions pass their values through (spatio-temporal guidance).
    pub stg_blocks: Vec<usize>,
    /// Cross-modal modulation from the other stream's noise level (2.3) rather than this
    /// stream's timesteps (2.0).
    pub use_cross_timestep: bool,
}

#[derive(Debug, Clone)]
struct Norm {
    weight: Option<Tensor>,
    eps: f64,
}

impl Norm {
    fn load(dim: usize, cfg: &Ltx2TransformerConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            weight: if cfg.norm_elementwise_affine {
                Some(vb.get(dim, "weight")?)
            } else {
                None
            },
            eps: cfg.norm_eps,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let y = rms_norm(x, self.eps)?;
        match &self.weight {
            Some(w) => y.broadcast_mul(w),
            None => Ok(y),
        }
    }
}

/// One stream's half of a block.
#[derive(Debug, Clone)]
struct Stream {
    norm1: Norm,
    attn1: Attention,
    norm2: Norm,
    attn2: Attention,
    norm3: Norm,
    ff: FeedForward,
    scale_shift_table: Tensor,
    prompt_scale_shift_table: Option<Tensor>,
    /// Rows 0..4: a2v scale/shift, v2a scale/shift; row 4: this stream's cross-modal gate.
    cross_table: Tensor,
    /// Whether the text cross-attention's queries are modulated (9 modulation vectors).
    query_adaln: bool,
}

#[derive(Debug, Clone)]
struct Block {
    video: Stream,
    audio: Stream,
    a2v_norm: Norm,
    a2v: Attention,
    v2a_norm: Norm,
    v2a: Attention,
}

struct StreamDims {
    dim: usize,
    heads: usize,
    head_dim: usize,
    text_dim: usize,
    gated: bool,
    query_adaln: bool,
    ff_bias: bool,
}

fn attn_dims(
    cfg: &Ltx2TransformerConfig,
    query_dim: usize,
    context_dim: usize,
    heads: usize,
    head_dim: usize,
    gated: bool,
) -> AttentionDims {
    AttentionDims {
        query_dim,
        context_dim,
        heads,
        head_dim,
        bias: cfg.attention_bias,
        out_bias: cfg.attention_out_bias,
        gated,
        eps: 1e-6,
    }
}

impl Stream {
    fn load(
        cfg: &Ltx2TransformerConfig,
        d: &StreamDims,
        prefix: &str,
        any_prompt_adaln: bool,
        vb: &VarBuilder,
    ) -> candle_core::Result<Self> {
        let p = |name: &str| vb.pp(format!("{prefix}{name}"));
        let n_mod = if d.query_adaln { 9 } else { 6 };
        let table = |name: &str| format!("{prefix}{name}");
        Ok(Self {
            norm1: Norm::load(d.dim, cfg, p("norm1"))?,
            attn1: Attention::load(
                attn_dims(cfg, d.dim, d.dim, d.heads, d.head_dim, d.gated),
                p("attn1"),
            )?,
            norm2: Norm::load(d.dim, cfg, p("norm2"))?,
            attn2: Attention::load(
                attn_dims(cfg, d.dim, d.text_dim, d.heads, d.head_dim, d.gated),
                p("attn2"),
            )?,
            norm3: Norm::load(d.dim, cfg, p("norm3"))?,
            ff: FeedForward::load(d.dim, d.ff_bias, p("ff"))?,
            scale_shift_table: vb.get((n_mod, d.dim), &table("scale_shift_table"))?,
            prompt_scale_shift_table: if any_prompt_adaln {
                Some(vb.get((2, d.dim), &table("prompt_scale_shift_table"))?)
            } else {
                None
            },
            cross_table: vb.get(
                (5, d.dim),
                &if prefix.is_empty() {
                    "video_a2v_cross_attn_scale_shift_table".to_string()
                } else {
                    "audio_a2v_cross_attn_scale_shift_table".to_string()
                },
            )?,
            query_adaln: d.query_adaln,
        })
    }

    /// Self-attention, then text cross-attention. Returns the updated stream.
    fn attend_self_and_text(
        &self,
        x: &Tensor,
        temb: &Tensor,
        temb_prompt: Option<&Tensor>,
        rope: &RopeTable,
        text: &Tensor,
        text_bias: Option<&Tensor>,
        perturbed: bool,
    ) -> candle_core::Result<(Tensor, Vec<Tensor>)> {
        let m = mod_params(&self.scale_shift_table, temb)?;
        let h = modulate(&self.norm1.forward(x)?, &m[1], &m[0])?;
        let a = self.attn1.forward(
            &h,
            AttentionInputs {
                query_rope: Some(rope),
                perturbed,
                ..Default::default()
            },
        )?;
        let x = x.add(&a.broadcast_mul(&m[2])?)?;

        let mut h = self.norm2.forward(&x)?;
        if self.query_adaln {
            h = modulate(&h, &m[7], &m[6])?;
        }
        let ctx = match &self.prompt_scale_shift_table {
            Some(table) => {
                let (shift, scale) = match temb_prompt {
                    Some(tp) => {
                        let p = mod_params(table, tp)?;
                        (p[0].clone(), p[1].clone())
                    }
                    None => (
                        table.narrow(0, 0, 1)?.unsqueeze(0)?,
                        table.narrow(0, 1, 1)?.unsqueeze(0)?,
                    ),
                };
                modulate(text, &scale, &shift)?
            }
            None => text.clone(),
        };
        let mut a = self.attn2.forward(
            &h,
            AttentionInputs {
                context: Some(&ctx),
                bias: text_bias,
                ..Default::default()
            },
        )?;
        if self.query_adaln {
            a = a.broadcast_mul(&m[8])?;
        }
        let x = x.add(&a)?;
        Ok((x, m))
    }

    fn feed_forward(&self, x: &Tensor, m: &[Tensor]) -> candle_core::Result<Tensor> {
        let h = modulate(&self.norm3.forward(x)?, &m[4], &m[3])?;
        x.add(&self.ff.forward(&h)?.broadcast_mul(&m[5])?)
    }
}

/// Per-pass values every block reads.
struct PassContext<'a> {
    temb: Tensor,
    temb_audio: Tensor,
    temb_prompt: Option<Tensor>,
    temb_prompt_audio: Option<Tensor>,
    video_ca: Tensor,
    audio_ca: Tensor,
    video_ca_gate: Tensor,
    audio_ca_gate: Tensor,
    rope: RopeTable,
    audio_rope: RopeTable,
    ca_video_rope: RopeTable,
    ca_audio_rope: RopeTable,
    video_text: Tensor,
    audio_text: Tensor,
    text_bias: Option<Tensor>,
    options: &'a PassOptions,
}

impl Block {
    fn load(
        cfg: &Ltx2TransformerConfig,
        any_prompt_adaln: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let (dim, adim) = (cfg.inner_dim(), cfg.audio_inner_dim());
        let (text, audio_text) = if cfg.use_prompt_embeddings {
            (dim, adim)
        } else {
            (cfg.cross_attention_dim, cfg.audio_cross_attention_dim)
        };
        let video = Stream::load(
            cfg,
            &StreamDims {
                dim,
                heads: cfg.num_attention_heads,
                head_dim: cfg.attention_head_dim,
                text_dim: text,
                gated: cfg.gated_attn,
                query_adaln: cfg.cross_attn_mod,
                ff_bias: cfg.ff_bias,
            },
            "",
            any_prompt_adaln,
            &vb,
        )?;
        let audio = Stream::load(
            cfg,
            &StreamDims {
                dim: adim,
                heads: cfg.audio_num_attention_heads,
                head_dim: cfg.audio_attention_head_dim,
                text_dim: audio_text,
                gated: cfg.audio_gated_attn,
                query_adaln: cfg.audio_cross_attn_mod,
                ff_bias: cfg.audio_ff_bias,
            },
            "audio_",
            any_prompt_adaln,
            &vb,
        )?;
        let (ah, ahd) = (cfg.audio_num_attention_heads, cfg.audio_attention_head_dim);
        Ok(Self {
            video,
            audio,
            a2v_norm: Norm::load(dim, cfg, vb.pp("audio_to_video_norm"))?,
            a2v: Attention::load(
                attn_dims(cfg, dim, adim, ah, ahd, cfg.gated_attn),
                vb.pp("audio_to_video_attn"),
            )?,
            v2a_norm: Norm::load(adim, cfg, vb.pp("video_to_audio_norm"))?,
            v2a: Attention::load(
                attn_dims(cfg, adim, dim, ah, ahd, cfg.audio_gated_attn),
                vb.pp("video_to_audio_attn"),
            )?,
        })
    }

    fn forward(
        &self,
        x: &Tensor,
        audio: &Tensor,
        ctx: &PassContext<'_>,
        perturbed: bool,
    ) -> candle_core::Result<(Tensor, Tensor)> {
        let (x, vm) = self.video.attend_self_and_text(
            x,
            &ctx.temb,
            ctx.temb_prompt.as_ref(),
            &ctx.rope,
            &ctx.video_text,
            ctx.text_bias.as_ref(),
            perturbed,
        )?;
        let (audio, am) = self.audio.attend_self_and_text(
            audio,
            &ctx.temb_audio,
            ctx.temb_prompt_audio.as_ref(),
            &ctx.audio_rope,
            &ctx.audio_text,
            ctx.text_bias.as_ref(),
            perturbed,
        )?;

        let (x, audio) = if ctx.options.isolate_modalities {
            (x, audio)
        } else {
            let nx = self.a2v_norm.forward(&x)?;
            let na = self.v2a_norm.forward(&audio)?;
            // Video side: a2v scale, a2v shift, v2a scale, v2a shift; then the a2v gate.
            let vs = mod_params(&self.video.cross_table.narrow(0, 0, 4)?, &ctx.video_ca)?;
            let vg = mod_params(&self.video.cross_table.narrow(0, 4, 1)?, &ctx.video_ca_gate)?;
            let as_ = mod_params(&self.audio.cross_table.narrow(0, 0, 4)?, &ctx.audio_ca)?;
            let ag = mod_params(&self.audio.cross_table.narrow(0, 4, 1)?, &ctx.audio_ca_gate)?;

            let q = modulate(&nx, &vs[0], &vs[1])?;
            let kv = modulate(&na, &as_[0], &as_[1])?;
            let a = self.a2v.forward(
                &q,
                AttentionInputs {
                    context: Some(&kv),
                    query_rope: Some(&ctx.ca_video_rope),
                    key_rope: Some(&ctx.ca_audio_rope),
                    ..Default::default()
                },
            )?;
            let x = x.add(&a.broadcast_mul(&vg[0])?)?;

            let q = modulate(&na, &as_[2], &as_[3])?;
            let kv = modulate(&nx, &vs[2], &vs[3])?;
            let a = self.v2a.forward(
                &q,
                AttentionInputs {
                    context: Some(&kv),
                    query_rope: Some(&ctx.ca_audio_rope),
                    key_rope: Some(&ctx.ca_video_rope),
                    ..Default::default()
                },
            )?;
            let audio = audio.add(&a.broadcast_mul(&ag[0])?)?;
            (x, audio)
        };

        let x = self.video.feed_forward(&x, &vm)?;
        let audio = self.audio.feed_forward(&audio, &am)?;
        Ok((x, audio))
    }
}

/// `PixArtAlphaTextProjection`: linear, GELU(tanh), linear.
#[derive(Debug, Clone)]
struct CaptionProjection {
    linear_1: Linear,
    linear_2: Linear,
}

impl CaptionProjection {
    fn load(in_dim: usize, dim: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            linear_1: candle_nn::linear(in_dim, dim, vb.pp("linear_1"))?,
            linear_2: candle_nn::linear(dim, dim, vb.pp("linear_2"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.linear_2.forward(&self.linear_1.forward(x)?.gelu()?)
    }
}

/// The LTX-2 audio-video denoising transformer.
#[derive(Debug, Clone)]
pub struct Ltx2Transformer {
    cfg: Ltx2TransformerConfig,
    proj_in: Linear,
    audio_proj_in: Linear,
    captions: Option<(CaptionProjection, CaptionProjection)>,
    time_embed: AdaLayerNormSingle,
    audio_time_embed: AdaLayerNormSingle,
    prompt_adaln: Option<(AdaLayerNormSingle, AdaLayerNormSingle)>,
    ca_video_scale_shift: AdaLayerNormSingle,
    ca_audio_scale_shift: AdaLayerNormSingle,
    ca_video_gate: AdaLayerNormSingle,
    ca_audio_gate: AdaLayerNormSingle,
    scale_shift_table: Tensor,
    audio_scale_shift_table: Tensor,
    blocks: Vec<Block>,
    proj_out: Linear,
    audio_proj_out: Linear,
}

impl Ltx2Transformer {
    pub fn load(cfg: &Ltx2TransformerConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let (dim, adim) = (cfg.inner_dim(), cfg.audio_inner_dim());
        let prompt_modulation = cfg.cross_attn_mod || cfg.audio_cross_attn_mod;
        let blocks = (0..cfg.num_layers)
            .map(|i| {
                Block::load(
                    cfg,
                    prompt_modulation,
                    vb.pp("transformer_blocks").pp(i.to_string()),
                )
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let n_video = if cfg.cross_attn_mod { 9 } else { 6 };
        let n_audio = if cfg.audio_cross_attn_mod { 9 } else { 6 };
        Ok(Self {
            cfg: cfg.clone(),
            proj_in: candle_nn::linear(cfg.in_channels, dim, vb.pp("proj_in"))?,
            audio_proj_in: candle_nn::linear(cfg.audio_in_channels, adim, vb.pp("audio_proj_in"))?,
            captions: if cfg.use_prompt_embeddings {
                Some((
                    CaptionProjection::load(
                        cfg.caption_channels,
                        dim,
                        vb.pp("caption_projection"),
                    )?,
                    CaptionProjection::load(
                        cfg.caption_channels,
                        adim,
                        vb.pp("audio_caption_projection"),
                    )?,
                ))
            } else {
                None
            },
            time_embed: AdaLayerNormSingle::load(dim, n_video, vb.pp("time_embed"))?,
            audio_time_embed: AdaLayerNormSingle::load(adim, n_audio, vb.pp("audio_time_embed"))?,
            prompt_adaln: if prompt_modulation && cfg.use_prompt_adaln_single {
                Some((
                    AdaLayerNormSingle::load(dim, 2, vb.pp("prompt_adaln"))?,
                    AdaLayerNormSingle::load(adim, 2, vb.pp("audio_prompt_adaln"))?,
                ))
            } else {
                None
            },
            ca_video_scale_shift: AdaLayerNormSingle::load(
                dim,
                4,
                vb.pp("av_cross_attn_video_scale_shift"),
            )?,
            ca_audio_scale_shift: AdaLayerNormSingle::load(
                adim,
                4,
                vb.pp("av_cross_attn_audio_scale_shift"),
            )?,
            ca_video_gate: AdaLayerNormSingle::load(dim, 1, vb.pp("av_cross_attn_video_a2v_gate"))?,
            ca_audio_gate: AdaLayerNormSingle::load(
                adim,
                1,
                vb.pp("av_cross_attn_audio_v2a_gate"),
            )?,
            scale_shift_table: vb.get((2, dim), "scale_shift_table")?,
            audio_scale_shift_table: vb.get((2, adim), "audio_scale_shift_table")?,
            blocks,
            proj_out: candle_nn::linear(dim, cfg.out_channels(), vb.pp("proj_out"))?,
            audio_proj_out: candle_nn::linear(
                adim,
                cfg.audio_out_channels(),
                vb.pp("audio_proj_out"),
            )?,
        })
    }

    pub fn config(&self) -> &Ltx2TransformerConfig {
        &self.cfg
    }

    /// The dtype the weights were loaded in, which the forward pass computes in.
    pub fn dtype(&self) -> DType {
        self.proj_in.weight().dtype()
    }

    fn device(&self) -> Device {
        self.proj_in.weight().device().clone()
    }

    /// Rotary tables of one pass: video and audio self-attention, and the time-only tables of
    /// the cross-modal attentions.
    fn rope_tables(&self, video_coords: &Tensor, audio_coords: &Tensor) -> Result<[RopeTable; 4]> {
        let cfg = &self.cfg;
        let layout = cfg.rope_layout()?;
        let dev = self.device();
        let spec = |dim: usize, heads: usize| RopeSpec {
            dim,
            theta: cfg.rope_theta,
            double_precision: cfg.rope_double_precision,
            layout,
            heads,
        };
        let video_bases = [
            cfg.pos_embed_max_pos as f32,
            cfg.base_height as f32,
            cfg.base_width as f32,
        ];
        let video_grid = grid_from_bounds(video_coords, &video_bases)?;
        let audio_grid = grid_from_bounds(audio_coords, &[cfg.audio_pos_embed_max_pos as f32])?;
        let cross_base = [cfg.pos_embed_max_pos.max(cfg.audio_pos_embed_max_pos) as f32];
        let video_time = grid_from_bounds(&video_coords.narrow(1, 0, 1)?, &cross_base)?;
        let audio_time = grid_from_bounds(audio_coords, &cross_base)?;
        Ok([
            spec(cfg.inner_dim(), cfg.num_attention_heads).table(&video_grid, &dev)?,
            spec(cfg.audio_inner_dim(), cfg.audio_num_attention_heads).table(&audio_grid, &dev)?,
            // The reference builds the video side's cross table with the video head count.
            spec(cfg.audio_cross_attention_dim, cfg.num_attention_heads)
                .table(&video_time, &dev)?,
            spec(cfg.audio_cross_attention_dim, cfg.audio_num_attention_heads)
                .table(&audio_time, &dev)?,
        ])
    }

    /// One denoiser pass. Returns the predicted velocities (video [B, N, out], audio [B, M,
    /// audio_out]) in f32.
    pub fn forward(
        &self,
        inputs: &Ltx2Inputs<'_>,
        options: &PassOptions,
    ) -> Result<(Tensor, Tensor)> {
        let dt = self.dtype();
        let b = inputs.video.dim(0)?;
        let [rope, audio_rope, ca_video_rope, ca_audio_rope] =
            self.rope_tables(inputs.video_coords, inputs.audio_coords)?;

        let x = self.proj_in.forward(&inputs.video.to_dtype(dt)?)?;
        let audio = self.audio_proj_in.forward(&inputs.audio.to_dtype(dt)?)?;

        let f32 = |t: &Tensor| t.to_dtype(DType::F32);
        let video_t = timesteps_2d(inputs.video_timestep, b)?;
        let audio_t = timesteps_2d(inputs.audio_timestep, b)?;
        let sigma = f32(inputs.sigma)?.reshape((b, 1))?;
        let audio_sigma = f32(inputs.audio_sigma)?.reshape((b, 1))?;
        let (temb, embedded) = embed_deduplicated(&self.time_embed, &video_t)?;
        let (temb_audio, audio_embedded) = embed_deduplicated(&self.audio_time_embed, &audio_t)?;
        let (temb_prompt, temb_prompt_audio) = match &self.prompt_adaln {
            Some((v, a)) => (Some(v.forward(&sigma)?.0), Some(a.forward(&audio_sigma)?.0)),
            None => (None, None),
        };
        let gate_factor =
            self.cfg.cross_attn_timestep_scale_multiplier / self.cfg.timestep_scale_multiplier;
        let video_ca_t = if options.use_cross_timestep {
            audio_sigma.clone()
        } else {
            video_t.clone()
        };
        let audio_ca_t = if options.use_cross_timestep {
            sigma.clone()
        } else {
            audio_t.clone()
        };
        let scale_t = |t: &Tensor| -> candle_core::Result<Tensor> {
            if gate_factor == 1.0 {
                Ok(t.clone())
            } else {
                t * gate_factor
            }
        };
        let video_ca = embed_deduplicated(&self.ca_video_scale_shift, &video_ca_t)?.0;
        let video_ca_gate = embed_deduplicated(&self.ca_video_gate, &scale_t(&video_ca_t)?)?.0;
        let audio_ca = embed_deduplicated(&self.ca_audio_scale_shift, &audio_ca_t)?.0;
        let audio_ca_gate = embed_deduplicated(&self.ca_audio_gate, &scale_t(&audio_ca_t)?)?.0;

        let (video_text, audio_text) = match &self.captions {
            Some((v, a)) => (
                v.forward(&inputs.video_text.to_dtype(dt)?)?,
                a.forward(&inputs.audio_text.to_dtype(dt)?)?,
            ),
            None => (
                inputs.video_text.to_dtype(dt)?,
                inputs.audio_text.to_dtype(dt)?,
            ),
        };
        let text_bias = match inputs.text_mask {
            Some(mask) => {
                let bias = ((f32(mask)? * -1.0)? + 1.0)?;
                Some(
                    (bias * -10000.0)?
                        .to_dtype(dt)?
                        .unsqueeze(1)?
                        .unsqueeze(1)?,
                )
            }
            None => None,
        };

        let ctx = PassContext {
            temb,
            temb_audio,
            temb_prompt,
            temb_prompt_audio,
            video_ca,
            audio_ca,
            video_ca_gate,
            audio_ca_gate,
            rope,
            audio_rope,
            ca_video_rope,
            ca_audio_rope,
            video_text,
            audio_text,
            text_bias,
            options,
        };
        let mut x = x;
        let mut audio = audio;
        for (i, block) in self.blocks.iter().enumerate() {
            let perturbed = self.cfg.perturbed_attn && options.stg_blocks.contains(&i);
            let (nx, na) = block.forward(&x, &audio, &ctx, perturbed)?;
            x = nx;
            audio = na;
        }
        let out = |x: &Tensor, table: &Tensor, embedded: &Tensor, proj: &Linear| {
            let ss = embedded
                .unsqueeze(2)?
                .broadcast_add(&table.unsqueeze(0)?.unsqueeze(0)?)?;
            let shift = ss.narrow(2, 0, 1)?.squeeze(2)?;
            let scale = ss.narrow(2, 1, 1)?.squeeze(2)?;
            let h = modulate(&layer_norm_plain(x, 1e-6)?, &scale, &shift)?;
            proj.forward(&h)?.to_dtype(DType::F32)
        };
        Ok((
            out(&x, &self.scale_shift_table, &embedded, &self.proj_out)?,
            out(
                &audio,
                &self.audio_scale_shift_table,
                &audio_embedded,
                &self.audio_proj_out,
            )?,
        ))
    }
}

/// Timesteps as f32 [B, T] from [B], [B, 1] or [B, T].
fn timesteps_2d(t: &Tensor, b: usize) -> candle_core::Result<Tensor> {
    let t = t.to_dtype(DType::F32)?;
    match t.rank() {
        1 => t.reshape((b, 1)),
        _ => t.reshape((b, ())),
    }
}

/// An AdaLN embedding of timesteps [B, T], computed once per distinct value: per-token
/// timesteps take only a few values (conditioned tokens, the rest), and a row of T equal
/// values collapses to T = 1, which broadcasts to the same modulation for every token.
fn embed_deduplicated(ada: &AdaLayerNormSingle, t: &Tensor) -> Result<(Tensor, Tensor)> {
    let (b, n) = t.dims2()?;
    let values: Vec<f32> = t.flatten_all()?.to_vec1()?;
    let uniform = values
        .chunks(n.max(1))
        .all(|row| row.iter().all(|v| v.to_bits() == row[0].to_bits()));
    if uniform {
        let firsts: Vec<f32> = values.chunks(n.max(1)).map(|r| r[0]).collect();
        let t1 = Tensor::from_vec(firsts, (b, 1), t.device())?;
        return Ok(ada.forward(&t1)?);
    }
    let mut distinct: BTreeMap<u32, u32> = BTreeMap::new();
    for v in &values {
        let next = distinct.len() as u32;
        distinct.entry(v.to_bits()).or_insert(next);
    }
    let mut uniq = vec![0f32; distinct.len()];
    for (bits, i) in &distinct {
        uniq[*i as usize] = f32::from_bits(*bits);
    }
    let index: Vec<u32> = values.iter().map(|v| distinct[&v.to_bits()]).collect();
    let k = uniq.len();
    let (temb, embedded) = ada.forward(&Tensor::from_vec(uniq, (1, k), t.device())?)?;
    let idx = Tensor::from_vec(index, b * n, t.device())?;
    let gather = |x: Tensor| -> candle_core::Result<Tensor> {
        let d = x.dim(2)?;
        x.squeeze(0)?.index_select(&idx, 0)?.reshape((b, n, d))
    };
    Ok((gather(temb)?, gather(embedded)?))
}
