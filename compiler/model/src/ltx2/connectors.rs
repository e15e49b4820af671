//! `LTX2TextConnectors` (diffusers `pipelines/ltx2/connectors.py`): from every Gemma layer's
//! hidden states to the video and the audio stream's text embeddings.
//!
//! 1. Features: 2.0 normalises each layer by its masked mean and range over the prompt (×8)
//!    and projects all layers at once to the caption width, shared by both streams; 2.3 RMS-
//!    normalises every token of every layer and has one projection per stream, each input
//!    rescaled by √(stream width / caption width).
//! 2. Each stream runs its own small 1-D transformer (RoPE over positions / 4096, optional
//!    per-head gates). With learnable registers, the real tokens move to the front and the
//!    padding positions are filled with the registers, after which nothing is masked.
//!
//! Padding never needs to be materialised with registers: the sequence is the projected real
//! tokens followed by the registers of the remaining positions, exactly what the reference
//! builds from its padded batch.

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Linear, VarBuilder};
use serde::Deserialize;

use crate::error::{ModelError, Result};
use crate::transformer::rms_norm;

use super::attention::{Attention, AttentionDims, AttentionInputs};
use super::ops::{linear, FeedForward};
use super::rope::{RopeLayout, RopeSpec, RopeTable};
use super::text::EncodedPrompt;

const COMPONENT: &str = "connectors";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ConnectorsConfig {
    #[serde(default = "d_caption")]
    pub caption_channels: usize,
    #[serde(default = "d_factor")]
    pub text_proj_in_factor: usize,
    #[serde(default = "d_heads")]
    pub video_connector_num_attention_heads: usize,
    #[serde(default = "d_head_dim")]
    pub video_connector_attention_head_dim: usize,
    #[serde(default = "d_layers")]
    pub video_connector_num_layers: usize,
    #[serde(default = "d_registers")]
    pub video_connector_num_learnable_registers: Option<usize>,
    #[serde(default)]
    pub video_gated_attn: bool,
    #[serde(default = "d_heads")]
    pub audio_connector_num_attention_heads: usize,
    #[serde(default = "d_head_dim")]
    pub audio_connector_attention_head_dim: usize,
    #[serde(default = "d_layers")]
    pub audio_connector_num_layers: usize,
    #[serde(default = "d_registers")]
    pub audio_connector_num_learnable_registers: Option<usize>,
    #[serde(default)]
    pub audio_gated_attn: bool,
    #[serde(default = "d_base_len")]
    pub connector_rope_base_seq_len: usize,
    #[serde(default = "d_theta")]
    pub rope_theta: f64,
    #[serde(default = "d_true")]
    pub rope_double_precision: bool,
    #[serde(default)]
    pub causal_temporal_positioning: bool,
    #[serde(default = "d_interleaved")]
    pub rope_type: String,
    #[serde(default)]
    pub per_modality_projections: bool,
    #[serde(default = "d_video_hidden")]
    pub video_hidden_dim: usize,
    #[serde(default = "d_audio_hidden")]
    pub audio_hidden_dim: usize,
    #[serde(default)]
    pub proj_bias: bool,
}

fn d_caption() -> usize {
    3840
}
fn d_factor() -> usize {
    49
}
fn d_heads() -> usize {
    30
}
fn d_head_dim() -> usize {
    128
}
fn d_layers() -> usize {
    2
}
fn d_registers() -> Option<usize> {
    Some(128)
}
fn d_base_len() -> usize {
    4096
}
fn d_theta() -> f64 {
    10000.0
}
fn d_true() -> bool {
    true
}
fn d_interleaved() -> String {
    "interleaved".into()
}
fn d_video_hidden() -> usize {
    4096
}
fn d_audio_hidden() -> usize {
    2048
}

impl ConnectorsConfig {
    pub fn validate(&self) -> Result<()> {
        RopeLayout::parse(COMPONENT, &self.rope_type)?;
        if self.causal_temporal_positioning {
            return Err(ModelError::unsupported(
                COMPONENT,
                "causal_temporal_positioning",
                true,
                "the reference connectors ignore it; no published folder sets it",
            ));
        }
        let video =
            self.video_connector_num_attention_heads * self.video_connector_attention_head_dim;
        let audio =
            self.audio_connector_num_attention_heads * self.audio_connector_attention_head_dim;
        let (video_in, audio_in) = if self.per_modality_projections {
            (self.video_hidden_dim, self.audio_hidden_dim)
        } else {
            (self.caption_channels, self.caption_channels)
        };
        if video != video_in || audio != audio_in {
            return Err(ModelError::unsupported(
                COMPONENT,
                "connector width",
                (video, audio),
                "each connector's heads × head_dim must equal the width of its projected input",
            ));
        }
        for (key, r) in [
            (
                "video_connector_num_learnable_registers",
                self.video_connector_num_learnable_registers,
            ),
            (
                "audio_connector_num_learnable_registers",
                self.audio_connector_num_learnable_registers,
            ),
        ] {
            if r == Some(0) {
                return Err(ModelError::unsupported(
                    COMPONENT,
                    key,
                    0,
                    "must be positive",
                ));
            }
        }
        Ok(())
    }

    pub fn video_width(&self) -> usize {
        self.video_connector_num_attention_heads * self.video_connector_attention_head_dim
    }

    pub fn audio_width(&self) -> usize {
        self.audio_connector_num_attention_heads * self.audio_connector_attention_head_dim
    }

    /// Sequence lengths the registers tile evenly (the reference refuses the others).
    pub fn check_sequence_length(&self, len: usize) -> Result<()> {
        for r in [
            self.video_connector_num_learnable_registers,
            self.audio_connector_num_learnable_registers,
        ]
        .into_iter()
        .flatten()
        {
            if len % r != 0 {
                return Err(ModelError::InvalidRequest(format!(
                    "the text sequence length {len} must be a multiple of the connectors' {r} learnable registers"
                )));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Block {
    attn: Attention,
    ff: FeedForward,
}

/// One stream's `LTX2ConnectorTransformer1d`.
#[derive(Debug, Clone)]
struct Connector {
    registers: Option<Tensor>,
    rope: RopeSpec,
    base_len: usize,
    blocks: Vec<Block>,
}

const EPS: f64 = 1e-6;

impl Connector {
    fn load(
        cfg: &ConnectorsConfig,
        heads: usize,
        head_dim: usize,
        layers: usize,
        registers: Option<usize>,
        gated: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let inner = heads * head_dim;
        let layout = RopeLayout::parse(COMPONENT, &cfg.rope_type)
            .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
        let blocks = (0..layers)
            .map(|i| {
                let vb = vb.pp("transformer_blocks").pp(i.to_string());
                Ok(Block {
                    attn: Attention::load(
                        AttentionDims {
                            query_dim: inner,
                            context_dim: inner,
                            heads,
                            head_dim,
                            bias: true,
                            out_bias: true,
                            gated,
                            eps: EPS,
                        },
                        vb.pp("attn1"),
                    )?,
                    ff: FeedForward::load(inner, true, vb.pp("ff"))?,
                })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            registers: registers
                .map(|r| vb.get((r, inner), "learnable_registers"))
                .transpose()?,
            rope: RopeSpec {
                dim: inner,
                theta: cfg.rope_theta,
                double_precision: cfg.rope_double_precision,
                layout,
                heads,
            },
            base_len: cfg.connector_rope_base_seq_len,
            blocks,
        })
    }

    fn rope_table(&self, len: usize, dev: &Device) -> Result<RopeTable> {
        let grid: Vec<Vec<f32>> = (0..len)
            .map(|p| vec![p as f32 / self.base_len as f32])
            .collect();
        self.rope.table(&[grid], dev)
    }

    /// `real` [1, n, inner] projected real tokens, `padding` the projection of a padding row
    /// [1, 1, inner]; the sequence is `len` long with the real tokens at its end (left
    /// padding). Returns [1, len, inner].
    fn forward(&self, real: &Tensor, padding: &Tensor, len: usize) -> Result<Tensor> {
        let n = real.dim(1)?;
        let dev = real.device();
        let dtype = real.dtype();
        let (x, bias) = match &self.registers {
            Some(reg) => {
                // Real tokens to the front, registers (tiled over the sequence) behind them.
                let r = reg.dim(0)?;
                let tail: Vec<u32> = (n..len).map(|p| (p % r) as u32).collect();
                let x = if tail.is_empty() {
                    real.clone()
                } else {
                    let idx = Tensor::from_vec(tail.clone(), tail.len(), dev)?;
                    let regs = reg.index_select(&idx, 0)?.to_dtype(dtype)?.unsqueeze(0)?;
                    Tensor::cat(&[real, &regs], 1)?
                };
                (x, None)
            }
            None => {
                let pad = len - n;
                let x = if pad == 0 {
                    real.clone()
                } else {
                    let rows = padding.broadcast_as((1, pad, padding.dim(2)?))?;
                    Tensor::cat(&[&rows.contiguous()?, real], 1)?
                };
                let mask: Vec<f32> = (0..len)
                    .map(|p| if p < pad { f32::MIN } else { 0.0 })
                    .collect();
                let bias = Tensor::from_vec(mask, (1, 1, 1, len), dev)?.to_dtype(dtype)?;
                (x, Some(bias))
            }
        };
        let rope = self.rope_table(len, dev)?;
        let rope = RopeTable {
            cos: rope.cos.to_dtype(DType::F32)?,
            sin: rope.sin.to_dtype(DType::F32)?,
            layout: rope.layout,
        };
        let mut x = x;
        for block in &self.blocks {
            let h = rms_norm(&x, EPS)?;
            let a = block.attn.forward(
                &h,
                AttentionInputs {
                    bias: bias.as_ref(),
                    query_rope: Some(&rope),
                    ..Default::default()
                },
            )?;
            x = (x + a)?;
            let h = rms_norm(&x, EPS)?;
            x = (&x + block.ff.forward(&h)?)?;
        }
        Ok(rms_norm(&x, EPS)?)
    }
}

/// Feature extraction of one variant.
#[derive(Debug, Clone)]
enum Features {
    /// 2.0: masked mean/range normalisation, one shared projection.
    Shared { proj: Linear },
    /// 2.3: per-token RMS normalisation, one projection per stream.
    PerModality { video: Linear, audio: Linear },
}

/// The text embeddings of one prompt for both streams.
#[derive(Debug, Clone)]
pub struct PromptEmbeddings {
    /// [1, L, video width]
    pub video: Tensor,
    /// [1, L, audio width]
    pub audio: Tensor,
}

#[derive(Debug, Clone)]
pub struct TextConnectors {
    cfg: ConnectorsConfig,
    features: Features,
    video: Connector,
    audio: Connector,
}

impl TextConnectors {
    pub fn load(cfg: &ConnectorsConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let text_dim = cfg.caption_channels * cfg.text_proj_in_factor;
        let features = if cfg.per_modality_projections {
            Features::PerModality {
                video: linear(
                    text_dim,
                    cfg.video_hidden_dim,
                    cfg.proj_bias,
                    vb.pp("video_text_proj_in"),
                )?,
                audio: linear(
                    text_dim,
                    cfg.audio_hidden_dim,
                    cfg.proj_bias,
                    vb.pp("audio_text_proj_in"),
                )?,
            }
        } else {
            Features::Shared {
                proj: linear(
                    text_dim,
                    cfg.caption_channels,
                    cfg.proj_bias,
                    vb.pp("text_proj_in"),
                )?,
            }
        };
        Ok(Self {
            cfg: cfg.clone(),
            features,
            video: Connector::load(
                cfg,
                cfg.video_connector_num_attention_heads,
                cfg.video_connector_attention_head_dim,
                cfg.video_connector_num_layers,
                cfg.video_connector_num_learnable_registers,
                cfg.video_gated_attn,
                vb.pp("video_connector"),
            )?,
            audio: Connector::load(
                cfg,
                cfg.audio_connector_num_attention_heads,
                cfg.audio_connector_attention_head_dim,
                cfg.audio_connector_num_layers,
                cfg.audio_connector_num_learnable_registers,
                cfg.audio_gated_attn,
                vb.pp("audio_connector"),
            )?,
        })
    }

    pub fn config(&self) -> &ConnectorsConfig {
        &self.cfg
    }

    /// The dtype the weights were loaded in, which the forward pass computes in.
    pub fn dtype(&self) -> DType {
        match &self.features {
            Features::Shared { proj } => proj.weight().dtype(),
            Features::PerModality { video, .. } => video.weight().dtype(),
        }
    }

    /// Both streams' embeddings for one encoded prompt.
    pub fn forward(&self, prompt: &EncodedPrompt) -> Result<PromptEmbeddings> {
        let len = prompt.padded_len;
        self.cfg.check_sequence_length(len)?;
        let (n, hidden, layers) = prompt.hidden.dims3()?;
        if hidden != self.cfg.caption_channels || layers != self.cfg.text_proj_in_factor {
            return Err(ModelError::InvalidRequest(format!(
                "the text encoder gives {hidden} channels × {layers} hidden states, the connectors expect {} × {}",
                self.cfg.caption_channels, self.cfg.text_proj_in_factor
            )));
        }
        if n > len {
            return Err(ModelError::InvalidRequest(format!(
                "{n} prompt tokens do not fit the sequence length {len}"
            )));
        }
        let dtype = self.dtype();
        let x = prompt.hidden.to_dtype(DType::F32)?;
        let dev = x.device().clone();
        let zero_row = Tensor::zeros((1, 1, hidden * layers), dtype, &dev)?;
        let (video_in, audio_in, video_pad, audio_pad) = match &self.features {
            Features::PerModality { video, audio } => {
                // RMS over each layer's hidden vector, token by token.
                let var = x.sqr()?.mean_keepdim(1)?;
                let normed = x
                    .broadcast_div(&(var + EPS)?.sqrt()?)?
                    .reshape((1, n, hidden * layers))?
                    .to_dtype(dtype)?;
                let vs =
                    (self.cfg.video_hidden_dim as f64 / self.cfg.caption_channels as f64).sqrt();
                let a_s =
                    (self.cfg.audio_hidden_dim as f64 / self.cfg.caption_channels as f64).sqrt();
                (
                    video.forward(&(&normed * vs)?)?,
                    audio.forward(&(&normed * a_s)?)?,
                    video.forward(&zero_row)?,
                    audio.forward(&zero_row)?,
                )
            }
            Features::Shared { proj } => {
                let normed = masked_range_norm(&x)?
                    .reshape((1, n, hidden * layers))?
                    .to_dtype(dtype)?;
                let p = proj.forward(&normed)?;
                let pad = proj.forward(&zero_row)?;
                (p.clone(), p, pad.clone(), pad)
            }
        };
        Ok(PromptEmbeddings {
            video: self.video.forward(&video_in, &video_pad, len)?,
            audio: self.audio.forward(&audio_in, &audio_pad, len)?,
        })
    }
}

/// 2.0's `per_layer_masked_mean_norm` over the real tokens `x` [n, hidden, layers]: each
/// layer minus its mean over tokens and channels (divided by `count + 1e-6`, as the reference
/// does), over its range plus 1e-6, times 8.
fn masked_range_norm(x: &Tensor) -> candle_core::Result<Tensor> {
    let (n, hidden, _) = x.dims3()?;
    let count = Tensor::new((n * hidden) as f32 + 1e-6, x.device())?;
    let mean = x.sum_keepdim(0)?.sum_keepdim(1)?.broadcast_div(&count)?;
    let min = x.min_keepdim(0)?.min_keepdim(1)?;
    let max = x.max_keepdim(0)?.max_keepdim(1)?;
    let range = ((max - min)? + 1e-6)?;
    (x.broadcast_sub(&mean)?.broadcast_div(&range)? * 8.0)?.contiguous()
}
