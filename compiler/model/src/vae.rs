//! `AutoencoderKLLTXVideo` (diffusers `autoencoder_kl_ltx.py`): the causal video VAE.
//!
//! Video [B, 3, F, H, W] in [-1, 1] is patchified 4x4 in space, then encoded by 3D resnets and
//! down blocks to latents with 32x spatial and 8x temporal compression (F = 8k+1 frames give
//! k+1 latent frames). The decoder mirrors it with depth-to-space upsamplers, optionally
//! conditioned on a timestep and with per-channel noise injection (0.9.1+ checkpoints).
//!
//! 3D convolutions run tap by tap on the CPU ([`crate::conv3d`]); on other devices they are
//! one candle conv2d over the temporal taps stacked along channels.

use candle_core::{DType, Device, Tensor, D};
use candle_nn::VarBuilder;
use serde::Deserialize;

use crate::conv3d;
use crate::error::{ModelError, Result};
use crate::pixel_norm;
use crate::rng::NoiseRng;
use crate::transformer::TimestepEmbedding;

const COMPONENT: &str = "vae";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct VaeConfig {
    #[serde(default = "d3")]
    pub in_channels: usize,
    #[serde(default = "d3")]
    pub out_channels: usize,
    #[serde(default = "d128")]
    pub latent_channels: usize,
    #[serde(default = "d_blocks")]
    pub block_out_channels: Vec<usize>,
    #[serde(default = "d_down_types")]
    pub down_block_types: Vec<String>,
    #[serde(default = "d_blocks")]
    pub decoder_block_out_channels: Vec<usize>,
    #[serde(default = "d_layers")]
    pub layers_per_block: Vec<usize>,
    #[serde(default = "d_layers")]
    pub decoder_layers_per_block: Vec<usize>,
    #[serde(default = "d_scaling")]
    pub spatio_temporal_scaling: Vec<bool>,
    #[serde(default = "d_scaling")]
    pub decoder_spatio_temporal_scaling: Vec<bool>,
    #[serde(default = "d_noise")]
    pub decoder_inject_noise: Vec<bool>,
    #[serde(default = "d_down")]
    pub downsample_type: Vec<String>,
    #[serde(default = "d_residual")]
    pub upsample_residual: Vec<bool>,
    #[serde(default = "d_factor")]
    pub upsample_factor: Vec<usize>,
    #[serde(default)]
    pub timestep_conditioning: bool,
    #[serde(default = "d4")]
    pub patch_size: usize,
    #[serde(default = "d1")]
    pub patch_size_t: usize,
    #[serde(default = "d_eps")]
    pub resnet_norm_eps: f64,
    #[serde(default = "d_one_f")]
    pub scaling_factor: f64,
    #[serde(default = "d_true")]
    pub encoder_causal: bool,
    #[serde(default)]
    pub decoder_causal: bool,
    #[serde(default)]
    pub spatial_compression_ratio: Option<usize>,
    #[serde(default)]
    pub temporal_compression_ratio: Option<usize>,
    #[serde(default)]
    pub encoder_spatial_padding_mode: Option<String>,
    #[serde(default)]
    pub decoder_spatial_padding_mode: Option<String>,
}

fn d1() -> usize {
    1
}
fn d3() -> usize {
    3
}
fn d4() -> usize {
    4
}
fn d128() -> usize {
    128
}
fn d_blocks() -> Vec<usize> {
    vec![128, 256, 512, 512]
}
fn d_down_types() -> Vec<String> {
    vec!["LTXVideoDownBlock3D".into(); 4]
}
fn d_layers() -> Vec<usize> {
    vec![4, 3, 3, 3, 4]
}
fn d_scaling() -> Vec<bool> {
    vec![true, true, true, false]
}
fn d_noise() -> Vec<bool> {
    vec![false; 5]
}
fn d_down() -> Vec<String> {
    vec!["conv".into(); 4]
}
fn d_residual() -> Vec<bool> {
    vec![false; 4]
}
fn d_factor() -> Vec<usize> {
    vec![1; 4]
}
fn d_eps() -> f64 {
    1e-6
}
fn d_one_f() -> f64 {
    1.0
}
fn d_true() -> bool {
    true
}

impl VaeConfig {
    pub fn spatial_compression(&self) -> usize {
        self.spatial_compression_ratio.unwrap_or_else(|| {
            self.patch_size * (1 << self.spatio_temporal_scaling.iter().filter(|s| **s).count())
        })
    }

    pub fn temporal_compression(&self) -> usize {
        self.temporal_compression_ratio.unwrap_or_else(|| {
            self.patch_size_t * (1 << self.spatio_temporal_scaling.iter().filter(|s| **s).count())
        })
    }

    fn is_095(&self) -> bool {
        self.down_block_types.last().map(String::as_str) == Some("LTXVideo095DownBlock3D")
    }

    pub fn validate(&self) -> Result<()> {
        let err = |key: &str, value: &dyn std::fmt::Debug, reason: &str| {
            Err(ModelError::unsupported(COMPONENT, key, value, reason))
        };
        for mode in [
            &self.encoder_spatial_padding_mode,
            &self.decoder_spatial_padding_mode,
        ]
        .into_iter()
        .flatten()
        {
            if mode != "zeros" {
                return err(
                    "spatial_padding_mode",
                    mode,
                    "only zeros padding is supported",
                );
            }
        }
        if self.patch_size_t != 1 {
            return err("patch_size_t", &self.patch_size_t, "only 1 is supported");
        }
        if self.block_out_channels.len() < 2 || self.decoder_block_out_channels.is_empty() {
            return err(
                "block_out_channels",
                &self.block_out_channels,
                "too few blocks",
            );
        }
        let n_down = self.block_out_channels.len() - usize::from(self.is_095());
        if self.down_block_types.len() < n_down
            || self.spatio_temporal_scaling.len() < n_down
            || self.layers_per_block.len() < n_down + 1
            || (self.is_095() && self.downsample_type.len() < n_down)
        {
            return err(
                "down_block_types",
                &self.down_block_types,
                "lengths of the encoder block lists do not match block_out_channels",
            );
        }
        for t in &self.down_block_types[..n_down] {
            if t != "LTXVideoDownBlock3D" && t != "LTXVideo095DownBlock3D" {
                return err("down_block_types", t, "unknown down block type");
            }
        }
        for t in &self.downsample_type[..n_down.min(self.downsample_type.len())] {
            if !["conv", "spatial", "temporal", "spatiotemporal"].contains(&t.as_str()) {
                return err("downsample_type", t, "unknown downsample type");
            }
        }
        let n_up = self.decoder_block_out_channels.len();
        if self.decoder_spatio_temporal_scaling.len() < n_up
            || self.decoder_layers_per_block.len() < n_up + 1
            || self.decoder_inject_noise.len() < n_up + 1
            || self.upsample_residual.len() < n_up
            || self.upsample_factor.len() < n_up
        {
            return err(
                "decoder_block_out_channels",
                &self.decoder_block_out_channels,
                "lengths of the decoder block lists do not match decoder_block_out_channels",
            );
        }
        if self.upsample_factor.iter().any(|f| *f == 0 || 8 % f != 0) {
            return err(
                "upsample_factor",
                &self.upsample_factor,
                "factors must divide 8",
            );
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

fn rms_norm_channels(x: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    let var = x.sqr()?.mean_keepdim(1)?;
    x.broadcast_div(&(var + eps)?.sqrt()?)
}

/// silu(modulate(pixel norm(x))): every resnet block's pre-activation, fused on the CPU.
/// `scale_shift` multiplies by (1 + scale) and adds shift, per batch item and channel.
fn norm_modulate_silu(
    x: &Tensor,
    scale_shift: Option<(&Tensor, &Tensor)>,
) -> candle_core::Result<Tensor> {
    if pixel_norm::applies(x) {
        return pixel_norm::pixel_norm(x, 1e-8, scale_shift, true);
    }
    let mut h = rms_norm_channels(x, 1e-8)?;
    if let Some((scale, shift)) = scale_shift {
        h = h.broadcast_mul(&(scale + 1.0)?)?.broadcast_add(shift)?;
    }
    h.silu()
}

fn per_channel(t: &Tensor) -> candle_core::Result<Tensor> {
    let c = t.elem_count();
    t.reshape((1, c, 1, 1, 1))
}

/// Convolution weights in the layout the device's kernel wants.
#[derive(Debug, Clone)]
enum Conv3dWeight {
    /// f32 on the CPU: [kt, out, in, kh, kw], one GEMM matrix per temporal tap
    /// (see [`crate::conv3d`]).
    TapMajor(Tensor),
    /// Other devices and dtypes: [out, kt * in, kh, kw], the temporal taps stacked along input
    /// channels for candle's conv2d.
    Stacked(Tensor),
}

/// `LTXVideoCausalConv3d`: replicate-pads time (causally or symmetrically), zero-pads space.
#[derive(Debug, Clone)]
struct CausalConv3d {
    weight: Conv3dWeight,
    bias: Tensor,
    kt: usize,
    kh: usize,
    stride: (usize, usize),
    causal: bool,
}

impl CausalConv3d {
    fn load(
        cin: usize,
        cout: usize,
        k: usize,
        stride: (usize, usize),
        causal: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let vb = vb.pp("conv");
        let w = vb.get((cout, cin, k, k, k), "weight")?;
        let weight = if w.device().is_cpu() && w.dtype() == DType::F32 {
            Conv3dWeight::TapMajor(conv3d::tap_major_weight(&w)?)
        } else {
            Conv3dWeight::Stacked(
                w.permute([0, 2, 1, 3, 4])?
                    .reshape((cout, k * cin, k, k))?
                    .contiguous()?,
            )
        };
        let bias = vb.get(cout, "bias")?;
        Ok(Self {
            weight,
            bias,
            kt: k,
            kh: k,
            stride,
            causal,
        })
    }

    /// Temporal replicate padding (front, back).
    fn temporal_padding(&self) -> (usize, usize) {
        if self.kt <= 1 {
            (0, 0)
        } else if self.causal {
            (self.kt - 1, 0)
        } else {
            ((self.kt - 1) / 2, (self.kt - 1) / 2)
        }
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match &self.weight {
            Conv3dWeight::TapMajor(w) => {
                if x.dtype() != DType::F32 || !x.device().is_cpu() {
                    return Err(candle_core::Error::Msg(format!(
                        "VAE weights are f32 on the CPU but the input is {:?} on {:?}",
                        x.dtype(),
                        x.device()
                    )));
                }
                let (pad_front, pad_back) = self.temporal_padding();
                let spec = conv3d::Conv3dSpec {
                    k: self.kt,
                    stride_t: self.stride.0,
                    stride_s: self.stride.1,
                    pad_front,
                    pad_back,
                    pad_s: self.kh / 2,
                };
                conv3d::conv3d_cpu(x, w, &self.bias, spec)
            }
            Conv3dWeight::Stacked(w) => self.forward_stacked(x, w),
        }
    }

    /// The portable path: one candle conv2d over the temporal taps stacked along channels.
    fn forward_stacked(&self, x: &Tensor, weight: &Tensor) -> candle_core::Result<Tensor> {
        let (front, back) = self.temporal_padding();
        let x = if front + back > 0 {
            x.pad_with_same(2, front, back)?
        } else {
            x.clone()
        };
        let x = x.contiguous()?;
        let (b, c, f, h, w) = x.dims5()?;
        let (st, ss) = self.stride;
        let f_out = (f - self.kt) / st + 1;
        // Stack the kt temporal taps of every output frame along channels.
        let taps = (0..self.kt)
            .map(|dt| {
                let idx: Vec<u32> = (0..f_out).map(|o| (o * st + dt) as u32).collect();
                let idx = Tensor::from_vec(idx, f_out, x.device())?;
                x.index_select(&idx, 2)
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let stacked = Tensor::stack(&taps, 1)? // [b, kt, c, f_out, h, w]
            .permute([0, 3, 1, 2, 4, 5])? // [b, f_out, kt, c, h, w]
            .reshape((b * f_out, self.kt * c, h, w))?
            .contiguous()?;
        drop(taps);
        let y = stacked.conv2d(weight, self.kh / 2, ss, 1, 1)?;
        let (_, o, ho, wo) = y.dims4()?;
        let y = y.broadcast_add(&self.bias.reshape((1, o, 1, 1))?)?;
        y.reshape((b, f_out, o, ho, wo))?
            .permute([0, 2, 1, 3, 4])?
            .contiguous()
    }
}

#[derive(Debug, Clone)]
struct LayerNormChannels {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNormChannels {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mean = x.mean_keepdim(1)?;
        let xc = x.broadcast_sub(&mean)?;
        let var = xc.sqr()?.mean_keepdim(1)?;
        xc.broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&per_channel(&self.weight)?)?
            .broadcast_add(&per_channel(&self.bias)?)
    }
}

/// `LTXVideoResnetBlock3d`.
#[derive(Debug, Clone)]
struct ResnetBlock {
    conv1: CausalConv3d,
    conv2: CausalConv3d,
    norm3: Option<LayerNormChannels>,
    conv_shortcut: Option<CausalConv3d>,
    noise_scales: Option<(Tensor, Tensor)>,
    scale_shift_table: Option<Tensor>,
}

fn decode_timestep_required() -> candle_core::Error {
    candle_core::Error::Msg(
        "the VAE decoder is timestep-conditioned: a decode timestep is required".into(),
    )
}

impl ResnetBlock {
    #[allow(clippy::too_many_arguments)]
    fn load(
        cin: usize,
        cout: usize,
        eps: f64,
        causal: bool,
        inject_noise: bool,
        timestep_conditioning: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let (norm3, conv_shortcut) = if cin != cout {
            let n = vb.pp("norm3");
            (
                Some(LayerNormChannels {
                    weight: n.get(cin, "weight")?,
                    bias: n.get(cin, "bias")?,
                    eps,
                }),
                Some(CausalConv3d::load(
                    cin,
                    cout,
                    1,
                    (1, 1),
                    causal,
                    vb.pp("conv_shortcut"),
                )?),
            )
        } else {
            (None, None)
        };
        let noise_scales = if inject_noise {
            Some((
                vb.get((cin, 1, 1), "per_channel_scale1")?,
                vb.get((cin, 1, 1), "per_channel_scale2")?,
            ))
        } else {
            None
        };
        let scale_shift_table = if timestep_conditioning {
            Some(vb.get((4, cin), "scale_shift_table")?)
        } else {
            None
        };
        Ok(Self {
            conv1: CausalConv3d::load(cin, cout, 3, (1, 1), causal, vb.pp("conv1"))?,
            conv2: CausalConv3d::load(cout, cout, 3, (1, 1), causal, vb.pp("conv2"))?,
            norm3,
            conv_shortcut,
            noise_scales,
            scale_shift_table,
        })
    }

    /// Adds per-channel-scaled spatial noise (one [H, W] draw shared by all frames).
    fn spatial_noise(
        x: &Tensor,
        scale: &Tensor,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let (_, _, _, h, w) = x.dims5()?;
        let noise = rng.normal((1, h, w), x.device())?;
        let c = scale.dim(0)?;
        let n = noise.broadcast_mul(scale)?; // [c, h, w]
        x.broadcast_add(&n.reshape((1, c, 1, h, w))?)
    }

    fn forward(
        &self,
        x: &Tensor,
        temb: Option<&Tensor>,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let mods = match (&self.scale_shift_table, temb) {
            (Some(table), Some(temb)) => {
                let b = temb.dim(0)?;
                let c = table.dim(1)?;
                let t = temb
                    .reshape((b, 4, c, 1, 1, 1))?
                    .broadcast_add(&table.reshape((1, 4, c, 1, 1, 1))?)?;
                let part = |i: usize| t.narrow(1, i, 1)?.squeeze(1);
                Some((part(0)?, part(1)?, part(2)?, part(3)?))
            }
            (Some(_), None) => return Err(decode_timestep_required()),
            _ => None,
        };
        let first = mods.as_ref().map(|(shift1, scale1, _, _)| (scale1, shift1));
        let mut h = self.conv1.forward(&norm_modulate_silu(x, first)?)?;
        if let Some((s1, _)) = &self.noise_scales {
            h = Self::spatial_noise(&h, s1, rng)?;
        }
        let second = mods.as_ref().map(|(_, _, shift2, scale2)| (scale2, shift2));
        h = self.conv2.forward(&norm_modulate_silu(&h, second)?)?;
        if let Some((_, s2)) = &self.noise_scales {
            h = Self::spatial_noise(&h, s2, rng)?;
        }
        let mut skip = x.clone();
        if let Some(n) = &self.norm3 {
            skip = n.forward(&skip)?;
        }
        if let Some(c) = &self.conv_shortcut {
            skip = c.forward(&skip)?;
        }
        h.add(&skip)
    }
}

/// Space/time-to-depth: [B, C, F*st, H*sh, W*sw] -> [B, C*st*sh*sw, F, H, W], channel order
/// (c, st, sh, sw) as diffusers' unflatten/permute produces.
fn to_depth(x: &Tensor, s: (usize, usize, usize)) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    let (st, sh, sw) = s;
    x.reshape(vec![b, c, f / st, st, h / sh, sh, w / sw, sw])?
        .permute([0, 1, 3, 5, 7, 2, 4, 6])?
        .reshape((b, c * st * sh * sw, f / st, h / sh, w / sw))
}

/// Depth-to-space, the inverse layout of [`to_depth`].
fn from_depth(x: &Tensor, s: (usize, usize, usize)) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    let (st, sh, sw) = s;
    let co = c / (st * sh * sw);
    x.reshape(vec![b, co, st, sh, sw, f, h, w])?
        .permute([0, 1, 5, 2, 6, 3, 7, 4])?
        .reshape((b, co, f * st, h * sh, w * sw))
}

/// `LTXVideoDownsampler3d`: conv then space-to-depth, plus a grouped-mean residual.
#[derive(Debug, Clone)]
struct Downsampler {
    conv: CausalConv3d,
    stride: (usize, usize, usize),
    group_size: usize,
}

impl Downsampler {
    fn load(
        cin: usize,
        cout: usize,
        stride: (usize, usize, usize),
        causal: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let prod = stride.0 * stride.1 * stride.2;
        Ok(Self {
            conv: CausalConv3d::load(cin, cout / prod, 3, (1, 1), causal, vb.pp("conv"))?,
            stride,
            group_size: cin * prod / cout,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let st = self.stride.0;
        let x = if st > 1 {
            Tensor::cat(&[&x.narrow(2, 0, st - 1)?, x], 2)?
        } else {
            x.clone()
        };
        let residual = to_depth(&x, self.stride)?;
        let (b, c, f, h, w) = residual.dims5()?;
        let residual = residual
            .reshape(vec![b, c / self.group_size, self.group_size, f, h, w])?
            .mean(2)?;
        let y = to_depth(&self.conv.forward(&x)?, self.stride)?;
        y.add(&residual)
    }
}

/// `LTXVideoUpsampler3d`: conv then depth-to-space (2x in time and space), dropping the first
/// frame; optionally adds a depth-to-space residual of the input tiled over channels.
#[derive(Debug, Clone)]
struct Upsampler {
    conv: CausalConv3d,
    residual: bool,
    factor: usize,
}

impl Upsampler {
    fn load(
        cin: usize,
        causal: bool,
        residual: bool,
        factor: usize,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            conv: CausalConv3d::load(cin, cin * 8 / factor, 3, (1, 1), causal, vb.pp("conv"))?,
            residual,
            factor,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let s = (2, 2, 2);
        let res = if self.residual {
            let r = from_depth(x, s)?;
            let r = r.repeat((1, 8 / self.factor, 1, 1, 1))?;
            let f = r.dim(2)?;
            Some(r.narrow(2, 1, f - 1)?)
        } else {
            None
        };
        let y = from_depth(&self.conv.forward(x)?, s)?;
        let f = y.dim(2)?;
        let y = y.narrow(2, 1, f - 1)?;
        match res {
            Some(r) => y.add(&r),
            None => Ok(y),
        }
    }
}

#[derive(Debug, Clone)]
enum DownSampling {
    None,
    Conv(CausalConv3d),
    Pixel(Downsampler),
}

#[derive(Debug, Clone)]
struct DownBlock {
    resnets: Vec<ResnetBlock>,
    down: DownSampling,
    conv_out: Option<ResnetBlock>,
}

impl DownBlock {
    fn forward(&self, x: &Tensor, rng: &mut NoiseRng) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        for r in &self.resnets {
            x = r.forward(&x, None, rng)?;
        }
        x = match &self.down {
            DownSampling::None => x,
            DownSampling::Conv(c) => c.forward(&x)?,
            DownSampling::Pixel(d) => d.forward(&x)?,
        };
        if let Some(c) = &self.conv_out {
            x = c.forward(&x, None, rng)?;
        }
        Ok(x)
    }
}

fn embed_temb(
    embedder: &Option<TimestepEmbedding>,
    temb: Option<&Tensor>,
    b: usize,
) -> candle_core::Result<Option<Tensor>> {
    match (embedder, temb) {
        (Some(e), Some(t)) => {
            let emb = e.embed_timesteps(&t.flatten_all()?)?;
            let c = emb.dim(D::Minus1)?;
            Ok(Some(emb.reshape((b, c, 1, 1, 1))?))
        }
        (Some(_), None) => Err(decode_timestep_required()),
        (None, _) => Ok(None),
    }
}

#[derive(Debug, Clone)]
struct MidBlock {
    time_embedder: Option<TimestepEmbedding>,
    resnets: Vec<ResnetBlock>,
}

impl MidBlock {
    #[allow(clippy::too_many_arguments)]
    fn load(
        c: usize,
        layers: usize,
        eps: f64,
        causal: bool,
        inject_noise: bool,
        timestep_conditioning: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let time_embedder = if timestep_conditioning {
            Some(TimestepEmbedding::load(
                256,
                c * 4,
                vb.pp("time_embedder").pp("timestep_embedder"),
            )?)
        } else {
            None
        };
        let resnets = (0..layers)
            .map(|i| {
                ResnetBlock::load(
                    c,
                    c,
                    eps,
                    causal,
                    inject_noise,
                    timestep_conditioning,
                    vb.pp("resnets").pp(i.to_string()),
                )
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            time_embedder,
            resnets,
        })
    }

    fn forward(
        &self,
        x: &Tensor,
        temb: Option<&Tensor>,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let temb = embed_temb(&self.time_embedder, temb, x.dim(0)?)?;
        let mut x = x.clone();
        for r in &self.resnets {
            x = r.forward(&x, temb.as_ref(), rng)?;
        }
        Ok(x)
    }
}

#[derive(Debug, Clone)]
struct UpBlock {
    time_embedder: Option<TimestepEmbedding>,
    conv_in: Option<ResnetBlock>,
    upsampler: Option<Upsampler>,
    resnets: Vec<ResnetBlock>,
}

impl UpBlock {
    fn forward(
        &self,
        x: &Tensor,
        temb: Option<&Tensor>,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        if let Some(c) = &self.conv_in {
            x = c.forward(&x, temb, rng)?;
        }
        let temb = embed_temb(&self.time_embedder, temb, x.dim(0)?)?;
        if let Some(u) = &self.upsampler {
            x = u.forward(&x)?;
        }
        for r in &self.resnets {
            x = r.forward(&x, temb.as_ref(), rng)?;
        }
        Ok(x)
    }
}

// ---------------------------------------------------------------------------------------------
// Encoder and decoder

#[derive(Debug, Clone)]
struct Encoder {
    patch: usize,
    conv_in: CausalConv3d,
    down_blocks: Vec<DownBlock>,
    mid: MidBlock,
    conv_out: CausalConv3d,
}

impl Encoder {
    fn load(cfg: &VaeConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let causal = cfg.encoder_causal;
        let eps = cfg.resnet_norm_eps;
        let p = cfg.patch_size;
        let cin = cfg.in_channels * p * p;
        let bo = &cfg.block_out_channels;
        let mut out_c = bo[0];
        let conv_in = CausalConv3d::load(cin, out_c, 3, (1, 1), causal, vb.pp("conv_in"))?;
        let is_095 = cfg.is_095();
        let n = bo.len() - usize::from(is_095);
        let mut down_blocks = Vec::with_capacity(n);
        for i in 0..n {
            let in_c = out_c;
            out_c = if is_095 || i + 1 < n {
                bo[i + 1]
            } else {
                bo[i]
            };
            let vbi = vb.pp("down_blocks").pp(i.to_string());
            let resnets = (0..cfg.layers_per_block[i])
                .map(|j| {
                    ResnetBlock::load(
                        in_c,
                        in_c,
                        eps,
                        causal,
                        false,
                        false,
                        vbi.pp("resnets").pp(j.to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?;
            let scaled = cfg.spatio_temporal_scaling[i];
            let vbd = vbi.pp("downsamplers").pp("0");
            let (down, conv_out) = if cfg.down_block_types[i] == "LTXVideoDownBlock3D" {
                let down = if scaled {
                    DownSampling::Conv(CausalConv3d::load(in_c, in_c, 3, (2, 2), causal, vbd)?)
                } else {
                    DownSampling::None
                };
                let conv_out = if in_c != out_c {
                    Some(ResnetBlock::load(
                        in_c,
                        out_c,
                        eps,
                        causal,
                        false,
                        false,
                        vbi.pp("conv_out"),
                    )?)
                } else {
                    None
                };
                (down, conv_out)
            } else {
                let down = if !scaled {
                    DownSampling::None
                } else {
                    match cfg.downsample_type[i].as_str() {
                        "conv" => DownSampling::Conv(CausalConv3d::load(
                            in_c,
                            in_c,
                            3,
                            (2, 2),
                            causal,
                            vbd,
                        )?),
                        "spatial" => DownSampling::Pixel(Downsampler::load(
                            in_c,
                            out_c,
                            (1, 2, 2),
                            causal,
                            vbd,
                        )?),
                        "temporal" => DownSampling::Pixel(Downsampler::load(
                            in_c,
                            out_c,
                            (2, 1, 1),
                            causal,
                            vbd,
                        )?),
                        _ => DownSampling::Pixel(Downsampler::load(
                            in_c,
                            out_c,
                            (2, 2, 2),
                            causal,
                            vbd,
                        )?),
                    }
                };
                (down, None)
            };
            down_blocks.push(DownBlock {
                resnets,
                down,
                conv_out,
            });
        }
        let mid = MidBlock::load(
            out_c,
            cfg.layers_per_block[n],
            eps,
            causal,
            false,
            false,
            vb.pp("mid_block"),
        )?;
        let conv_out = CausalConv3d::load(
            out_c,
            cfg.latent_channels + 1,
            3,
            (1, 1),
            causal,
            vb.pp("conv_out"),
        )?;
        Ok(Self {
            patch: p,
            conv_in,
            down_blocks,
            mid,
            conv_out,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, c, f, h, w) = x.dims5()?;
        let p = self.patch;
        // [B, C, F, H/p, p(h), W/p, p(w)] -> channels ordered (c, p(w), p(h)).
        let x = x
            .reshape(vec![b, c, f, h / p, p, w / p, p])?
            .permute([0, 1, 6, 4, 2, 3, 5])?
            .reshape((b, c * p * p, f, h / p, w / p))?;
        // The encoder never injects noise; the generator is only there for the shared blocks.
        let mut rng = NoiseRng::new(0);
        let mut x = self.conv_in.forward(&x)?;
        for d in &self.down_blocks {
            x = d.forward(&x, &mut rng)?;
        }
        x = self.mid.forward(&x, None, &mut rng)?;
        let x = self.conv_out.forward(&norm_modulate_silu(&x, None)?)?;
        let c = x.dim(1)?;
        let last = x.narrow(1, c - 1, 1)?;
        let rep = last.repeat((1, c - 2, 1, 1, 1))?;
        Tensor::cat(&[&x, &rep], 1)
    }
}

#[derive(Debug, Clone)]
struct Decoder {
    patch: usize,
    conv_in: CausalConv3d,
    mid: MidBlock,
    up_blocks: Vec<UpBlock>,
    conv_out: CausalConv3d,
    timestep_scale_multiplier: Option<Tensor>,
    time_embedder: Option<TimestepEmbedding>,
    scale_shift_table: Option<Tensor>,
}

impl Decoder {
    fn load(cfg: &VaeConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let causal = cfg.decoder_causal;
        let eps = cfg.resnet_norm_eps;
        let tc = cfg.timestep_conditioning;
        let n = cfg.decoder_block_out_channels.len();
        let bo: Vec<usize> = cfg.decoder_block_out_channels[..n]
            .iter()
            .rev()
            .copied()
            .collect();
        let scaling: Vec<bool> = cfg.decoder_spatio_temporal_scaling[..n]
            .iter()
            .rev()
            .copied()
            .collect();
        let layers: Vec<usize> = cfg.decoder_layers_per_block[..n + 1]
            .iter()
            .rev()
            .copied()
            .collect();
        let noise: Vec<bool> = cfg.decoder_inject_noise[..n + 1]
            .iter()
            .rev()
            .copied()
            .collect();
        let residual: Vec<bool> = cfg.upsample_residual[..n].iter().rev().copied().collect();
        let factor: Vec<usize> = cfg.upsample_factor[..n].iter().rev().copied().collect();

        let mut out_c = bo[0];
        let conv_in = CausalConv3d::load(
            cfg.latent_channels,
            out_c,
            3,
            (1, 1),
            causal,
            vb.pp("conv_in"),
        )?;
        let mid = MidBlock::load(
            out_c,
            layers[0],
            eps,
            causal,
            noise[0],
            tc,
            vb.pp("mid_block"),
        )?;
        let mut up_blocks = Vec::with_capacity(n);
        for i in 0..n {
            let in_c = out_c / factor[i];
            out_c = bo[i] / factor[i];
            let vbi = vb.pp("up_blocks").pp(i.to_string());
            let time_embedder = if tc {
                Some(TimestepEmbedding::load(
                    256,
                    in_c * 4,
                    vbi.pp("time_embedder").pp("timestep_embedder"),
                )?)
            } else {
                None
            };
            let conv_in = if in_c != out_c {
                Some(ResnetBlock::load(
                    in_c,
                    out_c,
                    eps,
                    causal,
                    noise[i + 1],
                    tc,
                    vbi.pp("conv_in"),
                )?)
            } else {
                None
            };
            let upsampler = if scaling[i] {
                Some(Upsampler::load(
                    out_c * factor[i],
                    causal,
                    residual[i],
                    factor[i],
                    vbi.pp("upsamplers").pp("0"),
                )?)
            } else {
                None
            };
            let resnets = (0..layers[i + 1])
                .map(|j| {
                    ResnetBlock::load(
                        out_c,
                        out_c,
                        eps,
                        causal,
                        noise[i + 1],
                        tc,
                        vbi.pp("resnets").pp(j.to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?;
            up_blocks.push(UpBlock {
                time_embedder,
                conv_in,
                upsampler,
                resnets,
            });
        }
        let p = cfg.patch_size;
        let conv_out = CausalConv3d::load(
            out_c,
            cfg.out_channels * p * p,
            3,
            (1, 1),
            causal,
            vb.pp("conv_out"),
        )?;
        let (timestep_scale_multiplier, time_embedder, scale_shift_table) = if tc {
            (
                Some(vb.get((), "timestep_scale_multiplier")?),
                Some(TimestepEmbedding::load(
                    256,
                    out_c * 2,
                    vb.pp("time_embedder").pp("timestep_embedder"),
                )?),
                Some(vb.get((2, out_c), "scale_shift_table")?),
            )
        } else {
            (None, None, None)
        };
        Ok(Self {
            patch: p,
            conv_in,
            mid,
            up_blocks,
            conv_out,
            timestep_scale_multiplier,
            time_embedder,
            scale_shift_table,
        })
    }

    fn forward(
        &self,
        z: &Tensor,
        temb: Option<&Tensor>,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let b = z.dim(0)?;
        let mut x = self.conv_in.forward(z)?;
        let temb = match (&self.timestep_scale_multiplier, temb) {
            (Some(m), Some(t)) => Some(t.broadcast_mul(m)?),
            (Some(_), None) => return Err(decode_timestep_required()),
            (None, _) => None,
        };
        x = self.mid.forward(&x, temb.as_ref(), rng)?;
        for u in &self.up_blocks {
            x = u.forward(&x, temb.as_ref(), rng)?;
        }
        let mut scale_shift = None;
        if let (Some(e), Some(table), Some(t)) =
            (&self.time_embedder, &self.scale_shift_table, &temb)
        {
            let c = table.dim(1)?;
            let emb = e
                .embed_timesteps(&t.flatten_all()?)?
                .reshape((b, 2, c, 1, 1, 1))?
                .broadcast_add(&table.reshape((1, 2, c, 1, 1, 1))?)?;
            let shift = emb.narrow(1, 0, 1)?.squeeze(1)?;
            let scale = emb.narrow(1, 1, 1)?.squeeze(1)?;
            scale_shift = Some((scale, shift));
        }
        let x = self.conv_out.forward(&norm_modulate_silu(
            &x,
            scale_shift.as_ref().map(|(scale, shift)| (scale, shift)),
        )?)?;
        let (b, c, f, h, w) = x.dims5()?;
        let p = self.patch;
        let co = c / (p * p);
        // channels (c, p(w), p(h)) -> [B, co, F, H*p, W*p]
        x.reshape(vec![b, co, p, p, f, h, w])?
            .permute([0, 1, 4, 5, 3, 6, 2])?
            .reshape((b, co, f, h * p, w * p))
    }
}

// ---------------------------------------------------------------------------------------------
// The autoencoder

/// The diagonal Gaussian posterior the encoder predicts.
#[derive(Debug, Clone)]
pub struct Posterior {
    pub mean: Tensor,
    pub logvar: Tensor,
}

impl Posterior {
    fn from_moments(h: &Tensor) -> candle_core::Result<Self> {
        let c = h.dim(1)? / 2;
        Ok(Self {
            mean: h.narrow(1, 0, c)?,
            logvar: h.narrow(1, c, c)?.clamp(-30f32, 20f32)?,
        })
    }

    pub fn mode(&self) -> Tensor {
        self.mean.clone()
    }

    /// mean + std * noise, the noise drawn from `rng` in row-major order.
    pub fn sample(&self, rng: &mut NoiseRng) -> candle_core::Result<Tensor> {
        let noise = rng.normal(self.mean.shape().clone(), self.mean.device())?;
        let std = (&self.logvar * 0.5)?.exp()?;
        self.mean.add(&std.mul(&noise)?)
    }
}

/// Decode tiling in sample pixels/frames, as diffusers' `enable_tiling` plus framewise decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiling {
    pub min_height: usize,
    pub min_width: usize,
    pub min_frames: usize,
    pub stride_height: usize,
    pub stride_width: usize,
    pub stride_frames: usize,
    /// Split along space when the latent is larger than one tile.
    pub spatial: bool,
    /// Split along time when the latent has more frames than one tile.
    pub temporal: bool,
}

impl Default for Tiling {
    fn default() -> Self {
        Self {
            min_height: 512,
            min_width: 512,
            min_frames: 16,
            stride_height: 448,
            stride_width: 448,
            stride_frames: 8,
            spatial: true,
            temporal: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LtxVae {
    cfg: VaeConfig,
    encoder: Encoder,
    decoder: Decoder,
    latents_mean: Tensor,
    latents_std: Tensor,
}

impl LtxVae {
    pub fn load(cfg: &VaeConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            cfg: cfg.clone(),
            encoder: Encoder::load(cfg, vb.pp("encoder"))?,
            decoder: Decoder::load(cfg, vb.pp("decoder"))?,
            latents_mean: vb.get(cfg.latent_channels, "latents_mean")?,
            latents_std: vb.get(cfg.latent_channels, "latents_std")?,
        })
    }

    pub fn config(&self) -> &VaeConfig {
        &self.cfg
    }

    /// The raw encoder output: mean and (repeated) log-variance channels.
    pub fn encode_moments(&self, video: &Tensor) -> candle_core::Result<Tensor> {
        let moments = self.encoder.forward(video);
        conv3d::release_scratch();
        moments
    }

    pub fn encode(&self, video: &Tensor) -> candle_core::Result<Posterior> {
        Posterior::from_moments(&self.encode_moments(video)?)
    }

    /// Decodes latents in one piece. `timestep` is [B] when the decoder is
    /// timestep-conditioned; `rng` supplies the noise-injection draws.
    pub fn decode(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let decoded = self.decoder.forward(z, timestep, rng);
        conv3d::release_scratch();
        decoded
    }

    /// Decodes in overlapping tiles blended linearly, bounding memory by the tile size.
    /// Produces what diffusers' tiled and framewise decoding produce.
    pub fn decode_tiled(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        tiling: &Tiling,
    ) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let tc = self.cfg.temporal_compression();
        let (_, _, f, h, w) = z.dims5()?;
        if tiling.temporal && f > tiling.min_frames / tc {
            return self.decode_temporal_tiles(z, timestep, rng, tiling);
        }
        if tiling.spatial && (w > tiling.min_width / sc || h > tiling.min_height / sc) {
            return self.decode_spatial_tiles(z, timestep, rng, tiling);
        }
        self.decode(z, timestep, rng)
    }

    fn decode_spatial_tiles(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        t: &Tiling,
    ) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let (_, _, _, h, w) = z.dims5()?;
        let (min_h, min_w) = (t.min_height / sc, t.min_width / sc);
        let (stride_h, stride_w) = (t.stride_height / sc, t.stride_width / sc);
        if stride_h == 0 || stride_w == 0 || min_h == 0 || min_w == 0 {
            return Err(candle_core::Error::Msg(
                "tile size or stride is smaller than one latent".into(),
            ));
        }
        let blend_h = t.min_height.saturating_sub(t.stride_height);
        let blend_w = t.min_width.saturating_sub(t.stride_width);
        let mut rows: Vec<Vec<Tensor>> = Vec::new();
        for i in (0..h).step_by(stride_h) {
            let mut row = Vec::new();
            for j in (0..w).step_by(stride_w) {
                let tile = z
                    .narrow(3, i, min_h.min(h - i))?
                    .narrow(4, j, min_w.min(w - j))?;
                row.push(self.decode(&tile, timestep, rng)?);
            }
            rows.push(row);
        }
        let dec = stitch_spatial(rows, (blend_h, blend_w), (t.stride_height, t.stride_width))?;
        let (sh, sw) = (h * sc, w * sc);
        dec.narrow(3, 0, sh.min(dec.dim(3)?))?
            .narrow(4, 0, sw.min(dec.dim(4)?))
    }

    fn decode_temporal_tiles(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        t: &Tiling,
    ) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let tc = self.cfg.temporal_compression();
        let f = z.dim(2)?;
        let n_sample = (f - 1) * tc + 1;
        let min_lat_t = t.min_frames / tc;
        let stride_lat_t = t.stride_frames / tc;
        if stride_lat_t == 0 {
            return Err(candle_core::Error::Msg(
                "temporal tile stride is smaller than one latent frame".into(),
            ));
        }
        let blend_t = t.min_frames.saturating_sub(t.stride_frames);
        let mut row = Vec::new();
        for i in (0..f).step_by(stride_lat_t) {
            let tile = z.narrow(2, i, (min_lat_t + 1).min(f - i))?;
            let (th, tw) = (tile.dim(3)?, tile.dim(4)?);
            let mut decoded = if t.spatial && (tw > t.min_width / sc || th > t.min_height / sc) {
                self.decode_spatial_tiles(&tile, timestep, rng, t)?
            } else {
                self.decode(&tile, timestep, rng)?
            };
            if i > 0 {
                let n = decoded.dim(2)?;
                decoded = decoded.narrow(2, 0, n - 1)?;
            }
            row.push(decoded);
        }
        let mut out = Vec::new();
        for i in 0..row.len() {
            if i > 0 {
                let tile = blend(&row[i - 1], &row[i], blend_t, 2)?;
                row[i] = tile.clone();
                let n = tile.dim(2)?.min(t.stride_frames);
                out.push(tile.narrow(2, 0, n)?);
            } else {
                let n = row[i].dim(2)?.min(t.stride_frames + 1);
                out.push(row[i].narrow(2, 0, n)?);
            }
        }
        let dec = Tensor::cat(&out, 2)?;
        dec.narrow(2, 0, n_sample.min(dec.dim(2)?))
    }

    /// Encodes in overlapping tiles blended linearly, bounding memory by the tile size, as
    /// diffusers' tiled and framewise encoding do (same thresholds and strides as decoding, in
    /// sample pixels and frames). Equals [`LtxVae::encode`] when the video fits in one tile.
    pub fn encode_tiled(&self, video: &Tensor, tiling: &Tiling) -> candle_core::Result<Posterior> {
        Posterior::from_moments(&self.encode_moments_tiled(video, tiling)?)
    }

    fn encode_moments_tiled(&self, video: &Tensor, t: &Tiling) -> candle_core::Result<Tensor> {
        let (_, _, f, h, w) = video.dims5()?;
        if t.temporal && f > t.min_frames {
            return self.encode_temporal_tiles(video, t);
        }
        if t.spatial && (w > t.min_width || h > t.min_height) {
            return self.encode_spatial_tiles(video, t);
        }
        self.encode_moments(video)
    }

    fn encode_spatial_tiles(&self, video: &Tensor, t: &Tiling) -> candle_core::Result<Tensor> {
        let sc = self.cfg.spatial_compression();
        let (_, _, _, h, w) = video.dims5()?;
        if t.stride_height < sc || t.stride_width < sc || t.min_height < sc || t.min_width < sc {
            return Err(candle_core::Error::Msg(
                "tile size or stride is smaller than one latent".into(),
            ));
        }
        let (stride_h, stride_w) = (t.stride_height / sc, t.stride_width / sc);
        let blend_h = t.min_height / sc - stride_h;
        let blend_w = t.min_width / sc - stride_w;
        let mut rows: Vec<Vec<Tensor>> = Vec::new();
        for i in (0..h).step_by(t.stride_height) {
            let mut row = Vec::new();
            for j in (0..w).step_by(t.stride_width) {
                let tile = video.narrow(3, i, t.min_height.min(h - i))?.narrow(
                    4,
                    j,
                    t.min_width.min(w - j),
                )?;
                row.push(self.encode_moments(&tile)?);
            }
            rows.push(row);
        }
        let enc = stitch_spatial(rows, (blend_h, blend_w), (stride_h, stride_w))?;
        let (lh, lw) = (h / sc, w / sc);
        enc.narrow(3, 0, lh.min(enc.dim(3)?))?
            .narrow(4, 0, lw.min(enc.dim(4)?))
    }

    fn encode_temporal_tiles(&self, video: &Tensor, t: &Tiling) -> candle_core::Result<Tensor> {
        let tc = self.cfg.temporal_compression();
        let (_, _, f, h, w) = video.dims5()?;
        let latent_frames = (f - 1) / tc + 1;
        if t.stride_frames < tc || t.min_frames < tc {
            return Err(candle_core::Error::Msg(
                "temporal tile stride is smaller than one latent frame".into(),
            ));
        }
        let stride_lat = t.stride_frames / tc;
        let blend_t = t.min_frames / tc - stride_lat;
        let mut row = Vec::new();
        for i in (0..f).step_by(t.stride_frames) {
            let tile = video.narrow(2, i, (t.min_frames + 1).min(f - i))?;
            let mut enc = if t.spatial && (w > t.min_width || h > t.min_height) {
                self.encode_spatial_tiles(&tile, t)?
            } else {
                self.encode_moments(&tile)?
            };
            if i > 0 {
                let n = enc.dim(2)?;
                enc = enc.narrow(2, 1, n - 1)?;
            }
            row.push(enc);
        }
        let mut out = Vec::new();
        for i in 0..row.len() {
            if i > 0 {
                let tile = blend(&row[i - 1], &row[i], blend_t, 2)?;
                row[i] = tile.clone();
                let n = tile.dim(2)?.min(stride_lat);
                out.push(tile.narrow(2, 0, n)?);
            } else {
                let n = row[i].dim(2)?.min(stride_lat + 1);
                out.push(row[i].narrow(2, 0, n)?);
            }
        }
        let enc = Tensor::cat(&out, 2)?;
        enc.narrow(2, 0, latent_frames.min(enc.dim(2)?))
    }

    /// (latents - mean) * scaling / std, per channel.
    pub fn normalize_latents(&self, z: &Tensor) -> candle_core::Result<Tensor> {
        z.broadcast_sub(&per_channel(&self.latents_mean)?)?
            .affine(self.cfg.scaling_factor, 0.0)?
            .broadcast_div(&per_channel(&self.latents_std)?)
    }

    /// latents * std / scaling + mean, per channel.
    pub fn denormalize_latents(&self, z: &Tensor) -> candle_core::Result<Tensor> {
        z.broadcast_mul(&per_channel(&self.latents_std)?)?
            .affine(1.0 / self.cfg.scaling_factor, 0.0)?
            .broadcast_add(&per_channel(&self.latents_mean)?)
    }

    pub fn device(&self) -> &Device {
        self.latents_mean.device()
    }

    pub fn dtype(&self) -> DType {
        self.latents_mean.dtype()
    }
}

/// Joins a grid of overlapping tiles [.., H, W]: each tile's top `blend.0` rows and left
/// `blend.1` columns are cross-faded with its neighbours above and to the left, then its first
/// `keep` rows and columns are kept. diffusers blends in place, so later tiles see their
/// neighbours' blended values; so does this.
fn stitch_spatial(
    mut rows: Vec<Vec<Tensor>>,
    blend: (usize, usize),
    keep: (usize, usize),
) -> candle_core::Result<Tensor> {
    let mut out_rows = Vec::new();
    for i in 0..rows.len() {
        let mut out_row = Vec::new();
        for j in 0..rows[i].len() {
            let mut tile = rows[i][j].clone();
            if i > 0 {
                tile = self::blend(&rows[i - 1][j], &tile, blend.0, 3)?;
            }
            if j > 0 {
                tile = self::blend(&rows[i][j - 1], &tile, blend.1, 4)?;
            }
            rows[i][j] = tile.clone();
            let th = tile.dim(3)?.min(keep.0);
            let tw = tile.dim(4)?.min(keep.1);
            out_row.push(tile.narrow(3, 0, th)?.narrow(4, 0, tw)?);
        }
        out_rows.push(Tensor::cat(&out_row, 4)?);
    }
    Tensor::cat(&out_rows, 3)
}

/// Blends the first `extent` entries of `b` along `dim` with the last `extent` of `a`:
/// b[k] = a[-extent + k] * (1 - k/extent) + b[k] * (k/extent).
fn blend(a: &Tensor, b: &Tensor, extent: usize, dim: usize) -> candle_core::Result<Tensor> {
    let extent = extent.min(a.dim(dim)?).min(b.dim(dim)?);
    if extent == 0 {
        return Ok(b.clone());
    }
    let na = a.dim(dim)?;
    let nb = b.dim(dim)?;
    let a_tail = a.narrow(dim, na - extent, extent)?;
    let b_head = b.narrow(dim, 0, extent)?;
    let mut shape = vec![1usize; b.rank()];
    shape[dim] = extent;
    let wb: Vec<f32> = (0..extent)
        .map(|k| (k as f64 / extent as f64) as f32)
        .collect();
    let wa: Vec<f32> = (0..extent)
        .map(|k| (1.0 - k as f64 / extent as f64) as f32)
        .collect();
    let wa = Tensor::from_vec(wa, shape.clone(), b.device())?;
    let wb = Tensor::from_vec(wb, shape, b.device())?;
    let head = a_tail
        .broadcast_mul(&wa)?
        .add(&b_head.broadcast_mul(&wb)?)?;
    if extent == nb {
        return Ok(head);
    }
    Tensor::cat(&[&head, &b.narrow(dim, extent, nb - extent)?], dim)
}
