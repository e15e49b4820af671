//! The Gemma-3 text encoder LTX-2 conditions on (`Gemma3ForConditionalGeneration`'s language
//! model, transformers' `modeling_gemma3.py`), returning the hidden states of *every* layer:
//! the connectors normalise and project all of them.
//!
//! Not candle-transformers' `gemma3`: that one returns only the last position's logits, scales
//! scores by `1/sqrt(head_dim)` instead of `query_pre_attn_scalar`, has no linear RoPE scaling
//! (Gemma-3-12B's global layers use factor 8) and no way to place tokens at the positions that
//! left padding gives them.
//!
//! The prompt is left-padded to a fixed length in the reference, and padding is masked out of
//! every attention, so the real tokens' hidden states do not depend on the padding: only the
//! real tokens run here, at the absolute positions they have in the padded sequence
//! (`pad + i`, as transformers numbers them). The padded rows are never used downstream (the
//! connectors drop them), so they are not computed.

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{Embedding, Linear, VarBuilder};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{ModelError, Result};
use crate::transformer::{attend, SCORE_BLOCK_ELEMENTS};

use super::ops::linear;

const COMPONENT: &str = "text_encoder";

/// The language model's configuration, read from either layout transformers writes: nested in
/// `text_config` (`Gemma3ForConditionalGeneration`) or at the top level (a text-only folder),
/// with RoPE settings old-style (`rope_theta`, `rope_local_base_freq`, `rope_scaling`) or
/// new-style (`rope_parameters` per layer type).
#[derive(Debug, Clone, PartialEq)]
pub struct GemmaConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub num_key_value_heads: usize,
    pub head_dim: usize,
    pub query_pre_attn_scalar: f64,
    pub sliding_window: usize,
    /// true for sliding-window (local) layers.
    pub sliding: Vec<bool>,
    pub rms_norm_eps: f64,
    pub attention_bias: bool,
    pub global_rope: RopeParams,
    pub local_rope: RopeParams,
}

/// One layer type's rotary settings: `theta` and a linear position scaling factor (1 = none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RopeParams {
    pub theta: f64,
    pub linear_factor: f64,
}

#[derive(Deserialize)]
struct RawText {
    vocab_size: Option<usize>,
    hidden_size: Option<usize>,
    intermediate_size: Option<usize>,
    num_hidden_layers: Option<usize>,
    num_attention_heads: Option<usize>,
    num_key_value_heads: Option<usize>,
    head_dim: Option<usize>,
    query_pre_attn_scalar: Option<f64>,
    sliding_window: Option<usize>,
    sliding_window_pattern: Option<usize>,
    #[serde(rename = "_sliding_window_pattern")]
    sliding_window_pattern_private: Option<usize>,
    layer_types: Option<Vec<String>>,
    rms_norm_eps: Option<f64>,
    attention_bias: Option<bool>,
    hidden_activation: Option<String>,
    attn_logit_softcapping: Option<f64>,
    use_bidirectional_attention: Option<bool>,
    rope_theta: Option<f64>,
    rope_local_base_freq: Option<f64>,
    rope_scaling: Option<Value>,
    rope_parameters: Option<Value>,
}

fn rope_from(value: Option<&Value>, default_theta: f64) -> Result<RopeParams> {
    let Some(v) = value.filter(|v| !v.is_null()) else {
        return Ok(RopeParams {
            theta: default_theta,
            linear_factor: 1.0,
        });
    };
    let kind = v
        .get("rope_type")
        .or_else(|| v.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("default");
    let theta = v
        .get("rope_theta")
        .and_then(Value::as_f64)
        .unwrap_or(default_theta);
    let linear_factor = match kind {
        "default" => 1.0,
        "linear" => v.get("factor").and_then(Value::as_f64).unwrap_or(1.0),
        other => {
            return Err(ModelError::unsupported(
                COMPONENT,
                "rope_type",
                other,
                "Gemma-3 text encoders use `default` or `linear` rotary embeddings",
            ))
        }
    };
    Ok(RopeParams {
        theta,
        linear_factor,
    })
}

impl GemmaConfig {
    pub fn from_json(value: &Value) -> Result<Self> {
        let text = value.get("text_config").unwrap_or(value);
        let raw: RawText =
            serde_json::from_value(text.clone()).map_err(|e| ModelError::BadJson {
                path: "text_encoder/config.json".into(),
                reason: e.to_string(),
            })?;
        if raw.use_bidirectional_attention == Some(true) {
            return Err(ModelError::unsupported(
                COMPONENT,
                "use_bidirectional_attention",
                true,
                "LTX-2 uses Gemma-3 as a causal encoder",
            ));
        }
        if raw.attn_logit_softcapping.is_some() {
            return Err(ModelError::unsupported(
                COMPONENT,
                "attn_logit_softcapping",
                raw.attn_logit_softcapping,
                "Gemma-3 has no attention logit soft-capping",
            ));
        }
        if let Some(act) = &raw.hidden_activation {
            if act != "gelu_pytorch_tanh" {
                return Err(ModelError::unsupported(
                    COMPONENT,
                    "hidden_activation",
                    act,
                    "only gelu_pytorch_tanh is supported",
                ));
            }
        }
        // Gemma-3-12B's values where a config leaves them out.
        let hidden_size = raw.hidden_size.unwrap_or(2304);
        let num_hidden_layers = raw.num_hidden_layers.unwrap_or(26);
        let num_attention_heads = raw.num_attention_heads.unwrap_or(8);
        let pattern = raw
            .sliding_window_pattern
            .or(raw.sliding_window_pattern_private)
            .unwrap_or(6)
            .max(1);
        let sliding: Vec<bool> = match &raw.layer_types {
            Some(types) => types
                .iter()
                .map(|t| match t.as_str() {
                    "sliding_attention" => Ok(true),
                    "full_attention" => Ok(false),
                    other => Err(ModelError::unsupported(
                        COMPONENT,
                        "layer_types",
                        other,
                        "must be `sliding_attention` or `full_attention`",
                    )),
                })
                .collect::<Result<_>>()?,
            None => (0..num_hidden_layers)
                .map(|i| (i + 1) % pattern != 0)
                .collect(),
        };
        if sliding.len() != num_hidden_layers {
            return Err(ModelError::unsupported(
                COMPONENT,
                "layer_types",
                sliding.len(),
                "must have one entry per hidden layer",
            ));
        }
        let (global_rope, local_rope) = match &raw.rope_parameters {
            Some(p)
                if p.get("full_attention").is_some() || p.get("sliding_attention").is_some() =>
            {
                (
                    rope_from(p.get("full_attention"), 1_000_000.0)?,
                    rope_from(p.get("sliding_attention"), 10_000.0)?,
                )
            }
            _ => {
                let mut global = rope_from(raw.rope_scaling.as_ref(), 1_000_000.0)?;
                global.theta = raw.rope_theta.unwrap_or(1_000_000.0);
                let local = RopeParams {
                    theta: raw.rope_local_base_freq.unwrap_or(10_000.0),
                    linear_factor: 1.0,
                };
                (global, local)
            }
        };
        let cfg = Self {
            vocab_size: raw.vocab_size.unwrap_or(262_208),
            hidden_size,
            intermediate_size: raw.intermediate_size.unwrap_or(9216),
            num_hidden_layers,
            num_attention_heads,
            num_key_value_heads: raw.num_key_value_heads.unwrap_or(4),
            head_dim: raw.head_dim.unwrap_or(256),
            query_pre_attn_scalar: raw.query_pre_attn_scalar.unwrap_or(256.0),
            sliding_window: raw.sliding_window.unwrap_or(4096),
            sliding,
            rms_norm_eps: raw.rms_norm_eps.unwrap_or(1e-6),
            attention_bias: raw.attention_bias.unwrap_or(false),
            global_rope,
            local_rope,
        };
        if cfg.num_key_value_heads == 0 || cfg.num_attention_heads % cfg.num_key_value_heads != 0 {
            return Err(ModelError::unsupported(
                COMPONENT,
                "num_key_value_heads",
                cfg.num_key_value_heads,
                "must divide num_attention_heads",
            ));
        }
        if cfg.head_dim % 2 != 0 {
            return Err(ModelError::unsupported(
                COMPONENT,
                "head_dim",
                cfg.head_dim,
                "must be even",
            ));
        }
        Ok(cfg)
    }

    /// How many hidden states the encoder returns: the embeddings and every layer's output.
    pub fn num_hidden_states(&self) -> usize {
        self.num_hidden_layers + 1
    }
}

/// Gemma's RMSNorm: computed in f32, scaled by `1 + weight`, cast back.
#[derive(Debug, Clone)]
struct GemmaNorm {
    scale: Tensor,
    eps: f64,
}

impl GemmaNorm {
    fn load(dim: usize, eps: f64, vb: VarBuilder) -> candle_core::Result<Self> {
        let w = vb.get(dim, "weight")?.to_dtype(DType::F32)?;
        Ok(Self {
            scale: (w + 1.0)?,
            eps,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let dtype = x.dtype();
        let x = x.to_dtype(DType::F32)?;
        let var = x.sqr()?.mean_keepdim(D::Minus1)?;
        x.broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&self.scale)?
            .to_dtype(dtype)
    }
}

#[derive(Debug, Clone)]
struct Layer {
    q_proj: Linear,
    k_proj: Linear,
    v_proj: Linear,
    o_proj: Linear,
    q_norm: GemmaNorm,
    k_norm: GemmaNorm,
    gate_proj: Linear,
    up_proj: Linear,
    down_proj: Linear,
    input_layernorm: GemmaNorm,
    post_attention_layernorm: GemmaNorm,
    pre_feedforward_layernorm: GemmaNorm,
    post_feedforward_layernorm: GemmaNorm,
    sliding: bool,
}

impl Layer {
    fn load(cfg: &GemmaConfig, sliding: bool, vb: VarBuilder) -> candle_core::Result<Self> {
        let (h, hd) = (cfg.hidden_size, cfg.head_dim);
        let a = vb.pp("self_attn");
        let m = vb.pp("mlp");
        let eps = cfg.rms_norm_eps;
        let bias = cfg.attention_bias;
        Ok(Self {
            q_proj: linear(h, cfg.num_attention_heads * hd, bias, a.pp("q_proj"))?,
            k_proj: linear(h, cfg.num_key_value_heads * hd, bias, a.pp("k_proj"))?,
            v_proj: linear(h, cfg.num_key_value_heads * hd, bias, a.pp("v_proj"))?,
            o_proj: linear(cfg.num_attention_heads * hd, h, bias, a.pp("o_proj"))?,
            q_norm: GemmaNorm::load(hd, eps, a.pp("q_norm"))?,
            k_norm: GemmaNorm::load(hd, eps, a.pp("k_norm"))?,
            gate_proj: linear(h, cfg.intermediate_size, false, m.pp("gate_proj"))?,
            up_proj: linear(h, cfg.intermediate_size, false, m.pp("up_proj"))?,
            down_proj: linear(cfg.intermediate_size, h, false, m.pp("down_proj"))?,
            input_layernorm: GemmaNorm::load(h, eps, vb.pp("input_layernorm"))?,
            post_attention_layernorm: GemmaNorm::load(h, eps, vb.pp("post_attention_layernorm"))?,
            pre_feedforward_layernorm: GemmaNorm::load(h, eps, vb.pp("pre_feedforward_layernorm"))?,
            post_feedforward_layernorm: GemmaNorm::load(
                h,
                eps,
                vb.pp("post_feedforward_layernorm"),
            )?,
            sliding,
        })
    }
}

/// (cos, sin) [n, head_dim] for absolute positions `first..first + n`, as transformers
/// computes them: `inv_freq = 1 / theta ** (arange(0, d, 2) / d) / factor` in f32, angles
/// `position * inv_freq` in f32, the table repeated for both halves.
fn rope_table(
    rope: RopeParams,
    head_dim: usize,
    first: usize,
    n: usize,
    dev: &Device,
) -> candle_core::Result<(Tensor, Tensor)> {
    let theta = rope.theta as f32;
    let factor = rope.linear_factor as f32;
    let inv: Vec<f32> = (0..head_dim / 2)
        .map(|i| 1.0 / theta.powf((2 * i) as f32 / head_dim as f32) / factor)
        .collect();
    let half = head_dim / 2;
    let mut cos = vec![0f32; n * head_dim];
    let mut sin = vec![0f32; n * head_dim];
    for t in 0..n {
        let p = (first + t) as f32;
        for (i, f) in inv.iter().enumerate() {
            let (s, c) = (p * f).sin_cos();
            for at in [t * head_dim + i, t * head_dim + half + i] {
                cos[at] = c;
                sin[at] = s;
            }
        }
    }
    Ok((
        Tensor::from_vec(cos, (1, 1, n, head_dim), dev)?,
        Tensor::from_vec(sin, (1, 1, n, head_dim), dev)?,
    ))
}

/// q·cos + rotate_half(q)·sin with rotate_half(x) = (-x₂, x₁) over the two halves.
fn rotate(x: &Tensor, cos: &Tensor, sin: &Tensor) -> candle_core::Result<Tensor> {
    let d = x.dim(D::Minus1)?;
    let x1 = x.narrow(D::Minus1, 0, d / 2)?;
    let x2 = x.narrow(D::Minus1, d / 2, d / 2)?;
    let rotated = Tensor::cat(&[x2.neg()?, x1], D::Minus1)?;
    x.broadcast_mul(cos)?.add(&rotated.broadcast_mul(sin)?)
}

/// Causal (and, for local layers, sliding-window) additive mask [1, 1, n, n]: a query at `i`
/// sees keys `j <= i` with `j > i - window`.
fn causal_mask(n: usize, window: Option<usize>, dtype: DType, dev: &Device) -> Result<Tensor> {
    let mut m = vec![0f32; n * n];
    for i in 0..n {
        for j in 0..n {
            let outside = j > i || window.is_some_and(|w| j + w <= i);
            if outside {
                m[i * n + j] = f32::NEG_INFINITY;
            }
        }
    }
    Ok(Tensor::from_vec(m, (1, 1, n, n), dev)?.to_dtype(dtype)?)
}

/// The Gemma-3 language model as a text encoder.
#[derive(Debug, Clone)]
pub struct GemmaEncoder {
    cfg: GemmaConfig,
    embed: Embedding,
    embed_scale: f64,
    layers: Vec<Layer>,
    norm: GemmaNorm,
}

/// Where the language model's tensors live in the folder's weights, by the layout that wrote
/// them: `Gemma3ForConditionalGeneration` (transformers 4 and 5 both save
/// `language_model.model.*`; some exports use `model.language_model.*`) or a text-only
/// `Gemma3ForCausalLM` (`model.*`).
pub fn weight_prefix(contains: impl Fn(&str) -> bool) -> Option<&'static str> {
    [
        "language_model.model",
        "model.language_model",
        "model",
        "language_model",
    ]
    .into_iter()
    .find(|p| contains(&format!("{p}.embed_tokens.weight")))
}

impl GemmaEncoder {
    pub fn load(cfg: &GemmaConfig, prefix: &str, vb: VarBuilder) -> candle_core::Result<Self> {
        let vb = prefix.split('.').fold(vb, |vb, p| vb.pp(p));
        let embed = candle_nn::embedding(cfg.vocab_size, cfg.hidden_size, vb.pp("embed_tokens"))?;
        // transformers keeps sqrt(hidden) as a buffer cast to the weights' dtype: in bf16 it
        // is rounded (sqrt(3840) = 61.97 becomes 62).
        let embed_scale = Tensor::new((cfg.hidden_size as f64).sqrt() as f32, &Device::Cpu)?
            .to_dtype(vb.dtype())?
            .to_dtype(DType::F64)?
            .to_scalar::<f64>()?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::load(cfg, cfg.sliding[i], vb.pp("layers").pp(i.to_string())))
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            cfg: cfg.clone(),
            embed,
            embed_scale,
            layers,
            norm: GemmaNorm::load(cfg.hidden_size, cfg.rms_norm_eps, vb.pp("norm"))?,
        })
    }

    pub fn config(&self) -> &GemmaConfig {
        &self.cfg
    }

    pub fn dtype(&self) -> DType {
        self.embed.embeddings().dtype()
    }

    /// Every hidden state for `ids` (one prompt's real tokens) placed at positions
    /// `first_position..`: [n, hidden, layers + 1], the last one after the final norm, as
    /// transformers returns them with `output_hidden_states=True`.
    pub fn hidden_states(&self, ids: &[u32], first_position: usize) -> Result<Tensor> {
        let dev = self.embed.embeddings().device().clone();
        let dtype = self.dtype();
        let n = ids.len();
        if n == 0 {
            return Err(ModelError::InvalidRequest(
                "the text encoder needs at least one token".into(),
            ));
        }
        let cfg = &self.cfg;
        let ids_t = Tensor::from_vec(ids.to_vec(), (1, n), &dev)?;
        let mut x = (self.embed.forward(&ids_t)? * self.embed_scale)?;
        let mut states = vec![x.squeeze(0)?];
        let global = rope_table(cfg.global_rope, cfg.head_dim, first_position, n, &dev)?;
        let local = rope_table(cfg.local_rope, cfg.head_dim, first_position, n, &dev)?;
        let global = (global.0.to_dtype(dtype)?, global.1.to_dtype(dtype)?);
        let local = (local.0.to_dtype(dtype)?, local.1.to_dtype(dtype)?);
        let full_mask = causal_mask(n, None, dtype, &dev)?;
        let window_mask = causal_mask(n, Some(cfg.sliding_window), dtype, &dev)?;
        let (h, kvh, hd) = (
            cfg.num_attention_heads,
            cfg.num_key_value_heads,
            cfg.head_dim,
        );
        let scale = cfg.query_pre_attn_scalar.powf(-0.5);
        for (i, layer) in self.layers.iter().enumerate() {
            let (cos, sin) = if layer.sliding { &local } else { &global };
            let mask = if layer.sliding {
                &window_mask
            } else {
                &full_mask
            };
            let residual = x.clone();
            let hs = layer.input_layernorm.forward(&x)?;
            let heads = |t: Tensor, k: usize| -> candle_core::Result<Tensor> {
                t.reshape((1, n, k, hd))?.transpose(1, 2)?.contiguous()
            };
            let q = layer
                .q_norm
                .forward(&heads(layer.q_proj.forward(&hs)?, h)?)?;
            let k = layer
                .k_norm
                .forward(&heads(layer.k_proj.forward(&hs)?, kvh)?)?;
            let v = heads(layer.v_proj.forward(&hs)?, kvh)?;
            let q = rotate(&q, cos, sin)?.contiguous()?;
            let k = rotate(&k, cos, sin)?;
            // Grouped-query attention: each key/value head serves h / kvh query heads.
            let rep = h / kvh;
            let expand = |t: Tensor| -> candle_core::Result<Tensor> {
                if rep == 1 {
                    return t.contiguous();
                }
                t.unsqueeze(2)?
                    .broadcast_as((1, kvh, rep, n, hd))?
                    .reshape((1, h, n, hd))?
                    .contiguous()
            };
            let k = expand(k)?;
            let v = expand(v)?;
            let attn = attend(&q, &k, &v, Some(mask), scale, SCORE_BLOCK_ELEMENTS)?
                .transpose(1, 2)?
                .reshape((1, n, h * hd))?;
            let attn = layer.o_proj.forward(&attn)?;
            x = (residual + layer.post_attention_layernorm.forward(&attn)?)?;
            let residual = x.clone();
            let hs = layer.pre_feedforward_layernorm.forward(&x)?;
            let mlp = layer
                .down_proj
                .forward(&(layer.gate_proj.forward(&hs)?.gelu()? * layer.up_proj.forward(&hs)?)?)?;
            x = (residual + layer.post_feedforward_layernorm.forward(&mlp)?)?;
            if i + 1 == self.layers.len() {
                states.push(self.norm.forward(&x)?.squeeze(0)?);
            } else {
                states.push(x.squeeze(0)?);
            }
        }
        Ok(Tensor::stack(&states, 2)?)
    }
}
