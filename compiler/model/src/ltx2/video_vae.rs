//! `AutoencoderKLLTX2Video` (diffusers `autoencoder_kl_ltx2.py`): LTX-2's causal video VAE.
//!
//! Video [B, 3, F, H, W] in [-1, 1] is patchified 4x4 in space, encoded by 3-D resnets and
//! space/time-to-depth downsamplers to latents with 32x spatial and 8x temporal compression
//! (8k+1 frames give k+1 latent frames). The decoder mirrors it with depth-to-space upsamplers
//! whose kind (space, time or both), factor and residual path come from the config, which is
//! how the 2.0 and 2.3 layouts differ; 2.0 also pads its decoder by reflection.
//!
//! Whether a convolution is causal in time is a property of the call (encoder: causal, decoder:
//! not, by config), as in the reference. The decoder may be timestep-conditioned and inject
//! noise; the noise comes from the caller's [`NoiseRng`] in the reference's order.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use serde::Deserialize;

use crate::error::{ModelError, Result};
use crate::pixel_norm;
use crate::rng::NoiseRng;
use crate::transformer::TimestepEmbedding;
use crate::vae::Tiling;

use crate::conv3d::InputNorm;

use super::conv::{Conv3d, SpatialPadding, TimePadding};
use super::tiling;

const COMPONENT: &str = "vae";

/// A config value given either once for every block or per block.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum PerBlock<T> {
    All(T),
    Each(Vec<T>),
}

impl<T: Clone> PerBlock<T> {
    fn resolve(&self, n: usize) -> Vec<T> {
        match self {
            PerBlock::All(v) => vec![v.clone(); n],
            PerBlock::Each(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Ltx2VaeConfig {
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
    #[serde(default = "d_dec_blocks")]
    pub decoder_block_out_channels: Vec<usize>,
    #[serde(default = "d_layers")]
    pub layers_per_block: Vec<usize>,
    #[serde(default = "d_dec_layers")]
    pub decoder_layers_per_block: Vec<usize>,
    #[serde(default = "d_scaling4")]
    pub spatio_temporal_scaling: PerBlock<bool>,
    #[serde(default = "d_scaling3")]
    pub decoder_spatio_temporal_scaling: PerBlock<bool>,
    #[serde(default = "d_noise")]
    pub decoder_inject_noise: PerBlock<bool>,
    #[serde(default = "d_down")]
    pub downsample_type: Vec<String>,
    #[serde(default = "d_up")]
    pub upsample_type: Vec<String>,
    #[serde(default = "d_residual")]
    pub upsample_residual: PerBlock<bool>,
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
    #[serde(default = "d_one")]
    pub scaling_factor: f64,
    #[serde(default = "d_true")]
    pub encoder_causal: bool,
    #[serde(default = "d_true")]
    pub decoder_causal: bool,
    #[serde(default)]
    pub encoder_spatial_padding_mode: Option<String>,
    #[serde(default)]
    pub decoder_spatial_padding_mode: Option<String>,
    #[serde(default)]
    pub spatial_compression_ratio: Option<usize>,
    #[serde(default)]
    pub temporal_compression_ratio: Option<usize>,
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
    vec![256, 512, 1024, 2048]
}
fn d_down_types() -> Vec<String> {
    vec!["LTX2VideoDownBlock3D".into(); 4]
}
fn d_dec_blocks() -> Vec<usize> {
    vec![256, 512, 1024]
}
fn d_layers() -> Vec<usize> {
    vec![4, 6, 6, 2, 2]
}
fn d_dec_layers() -> Vec<usize> {
    vec![5, 5, 5, 5]
}
fn d_scaling4() -> PerBlock<bool> {
    PerBlock::Each(vec![true; 4])
}
fn d_scaling3() -> PerBlock<bool> {
    PerBlock::Each(vec![true; 3])
}
fn d_noise() -> PerBlock<bool> {
    PerBlock::Each(vec![false; 4])
}
fn d_down() -> Vec<String> {
    ["spatial", "temporal", "spatiotemporal", "spatiotemporal"]
        .map(String::from)
        .to_vec()
}
fn d_up() -> Vec<String> {
    vec!["spatiotemporal".into(); 3]
}
fn d_residual() -> PerBlock<bool> {
    PerBlock::Each(vec![true; 3])
}
fn d_factor() -> Vec<usize> {
    vec![2, 2, 2]
}
fn d_eps() -> f64 {
    1e-6
}
fn d_one() -> f64 {
    1.0
}
fn d_true() -> bool {
    true
}

fn rev<T>(v: Vec<T>) -> Vec<T> {
    v.into_iter().rev().collect()
}

fn stride_of(kind: &str) -> Option<(usize, usize, usize)> {
    match kind {
        "spatial" => Some((1, 2, 2)),
        "temporal" => Some((2, 1, 1)),
        "spatiotemporal" => Some((2, 2, 2)),
        _ => None,
    }
}

impl Ltx2VaeConfig {
    fn encoder_scaling(&self) -> Vec<bool> {
        self.spatio_temporal_scaling
            .resolve(self.layers_per_block.len().saturating_sub(1))
    }

    fn decoder_scaling(&self) -> Vec<bool> {
        self.decoder_spatio_temporal_scaling
            .resolve(self.decoder_layers_per_block.len().saturating_sub(1))
    }

    pub fn spatial_compression(&self) -> usize {
        self.spatial_compression_ratio.unwrap_or_else(|| {
            self.patch_size
                * 2usize.pow(self.encoder_scaling().iter().filter(|s| **s).count() as u32)
        })
    }

    pub fn temporal_compression(&self) -> usize {
        self.temporal_compression_ratio.unwrap_or_else(|| {
            self.patch_size_t
                * 2usize.pow(self.encoder_scaling().iter().filter(|s| **s).count() as u32)
        })
    }

    fn padding(
        &self,
        value: &Option<String>,
        key: &str,
        default: SpatialPadding,
    ) -> Result<SpatialPadding> {
        SpatialPadding::parse(value.as_deref(), default).ok_or_else(|| {
            ModelError::unsupported(COMPONENT, key, value, "must be `zeros` or `reflect`")
        })
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, value: &dyn std::fmt::Debug, reason: &str| {
            Err(ModelError::unsupported(COMPONENT, key, value, reason))
        };
        if self.patch_size_t != 1 {
            return bad("patch_size_t", &self.patch_size_t, "only 1 is supported");
        }
        let n_enc = self.block_out_channels.len();
        if self.layers_per_block.len() != n_enc + 1
            || self.down_block_types.len() != n_enc
            || self.downsample_type.len() != n_enc
            || self.encoder_scaling().len() != n_enc
        {
            return bad(
                "layers_per_block",
                &self.layers_per_block,
                "needs one entry per encoder block plus the mid block",
            );
        }
        for t in &self.down_block_types {
            if t != "LTX2VideoDownBlock3D" {
                return bad(
                    "down_block_types",
                    t,
                    "only LTX2VideoDownBlock3D exists in LTX-2",
                );
            }
        }
        for t in &self.downsample_type {
            if t != "conv" && stride_of(t).is_none() {
                return bad(
                    "downsample_type",
                    t,
                    "must be conv, spatial, temporal or spatiotemporal",
                );
            }
        }
        let n_dec = self.decoder_block_out_channels.len();
        if self.decoder_layers_per_block.len() != n_dec + 1
            || self.decoder_scaling().len() != n_dec
            || self.upsample_type.len() < n_dec
            || self.upsample_factor.len() != n_dec
            || self.upsample_residual.resolve(n_dec).len() != n_dec
            || self.decoder_inject_noise.resolve(n_dec + 1).len() != n_dec + 1
        {
            return bad(
                "decoder_layers_per_block",
                &self.decoder_layers_per_block,
                "needs one entry per decoder block plus the mid block, with matching upsample lists",
            );
        }
        for t in &self.upsample_type {
            if stride_of(t).is_none() {
                return bad(
                    "upsample_type",
                    t,
                    "must be spatial, temporal or spatiotemporal",
                );
            }
        }
        if self.upsample_factor.contains(&0) {
            return bad("upsample_factor", &self.upsample_factor, "must be positive");
        }
        self.padding(
            &self.encoder_spatial_padding_mode,
            "encoder_spatial_padding_mode",
            SpatialPadding::Zeros,
        )?;
        self.padding(
            &self.decoder_spatial_padding_mode,
            "decoder_spatial_padding_mode",
            SpatialPadding::Reflect,
        )?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/// `PerChannelRMSNorm` (eps 1e-8), optionally modulated, then SiLU; fused on the CPU.
fn norm_modulate_silu(
    x: &Tensor,
    scale_shift: Option<(&Tensor, &Tensor)>,
) -> candle_core::Result<Tensor> {
    if pixel_norm::applies(x) {
        return pixel_norm::pixel_norm(x, 1e-8, scale_shift, true);
    }
    let var = x.sqr()?.mean_keepdim(1)?;
    let mut h = x.broadcast_div(&(var + 1e-8)?.sqrt()?)?;
    if let Some((scale, shift)) = scale_shift {
        h = h.broadcast_mul(&(scale + 1.0)?)?.broadcast_add(shift)?;
    }
    h.silu()
}

/// `residual + conv(norm_modulate_silu(x))`, fused into the convolution's kernel on the CPU
/// (no normalised copy of `x`, no separate residual add).
fn conv_after_norm(
    conv: &Conv3d,
    x: &Tensor,
    scale_shift: Option<(&Tensor, &Tensor)>,
    time: TimePadding,
    residual: Option<&Tensor>,
) -> candle_core::Result<Tensor> {
    if conv.fuses(x) {
        let norm = InputNorm {
            eps: 1e-8,
            scale_shift,
            silu: true,
        };
        return conv.forward_fused(x, time, Some(&norm), residual);
    }
    let y = conv.forward(&norm_modulate_silu(x, scale_shift)?, time)?;
    match residual {
        Some(r) => y.add(r),
        None => Ok(y),
    }
}

fn per_channel(t: &Tensor) -> candle_core::Result<Tensor> {
    let c = t.elem_count();
    t.reshape((1, c, 1, 1, 1))
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

fn timestep_required() -> candle_core::Error {
    candle_core::Error::Msg(
        "the VAE decoder is timestep-conditioned: a decode timestep is required".into(),
    )
}

/// Everything a block's forward needs besides its input.
struct Pass<'a> {
    time: TimePadding,
    rng: &'a mut NoiseRng,
}

/// `LTX2VideoResnetBlock3d`.
#[derive(Debug, Clone)]
struct ResnetBlock {
    conv1: Conv3d,
    conv2: Conv3d,
    norm3: Option<LayerNormChannels>,
    conv_shortcut: Option<Conv3d>,
    noise_scales: Option<(Tensor, Tensor)>,
    scale_shift_table: Option<Tensor>,
}

impl ResnetBlock {
    #[allow(clippy::too_many_arguments)]
    fn load(
        cin: usize,
        cout: usize,
        eps: f64,
        inject_noise: bool,
        timestep_conditioning: bool,
        padding: SpatialPadding,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let conv = |cin, cout, vb: VarBuilder| {
            Conv3d::load(cin, cout, 3, (1, 1), padding, true, vb.pp("conv"))
        };
        let (norm3, conv_shortcut) = if cin != cout {
            let n = vb.pp("norm3");
            (
                Some(LayerNormChannels {
                    weight: n.get(cin, "weight")?,
                    bias: n.get(cin, "bias")?,
                    eps,
                }),
                Some(Conv3d::load(
                    cin,
                    cout,
                    1,
                    (1, 1),
                    SpatialPadding::Zeros,
                    false,
                    vb.pp("conv_shortcut"),
                )?),
            )
        } else {
            (None, None)
        };
        Ok(Self {
            conv1: conv(cin, cout, vb.pp("conv1"))?,
            conv2: conv(cout, cout, vb.pp("conv2"))?,
            norm3,
            conv_shortcut,
            noise_scales: if inject_noise {
                Some((
                    vb.get((cin, 1, 1), "per_channel_scale1")?,
                    vb.get((cin, 1, 1), "per_channel_scale2")?,
                ))
            } else {
                None
            },
            scale_shift_table: if timestep_conditioning {
                Some(vb.get((4, cin), "scale_shift_table")?)
            } else {
                None
            },
        })
    }

    /// Adds per-channel-scaled spatial noise: one [H, W] draw shared by all frames.
    fn spatial_noise(
        x: &Tensor,
        scale: &Tensor,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let (_, _, _, h, w) = x.dims5()?;
        let noise = rng.normal((1, h, w), x.device())?;
        let c = scale.dim(0)?;
        let n = noise.broadcast_mul(scale)?;
        x.broadcast_add(&n.reshape((1, c, 1, h, w))?)
    }

    fn forward(
        &self,
        x: &Tensor,
        temb: Option<&Tensor>,
        pass: &mut Pass<'_>,
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
            (Some(_), None) => return Err(timestep_required()),
            _ => None,
        };
        let first = mods.as_ref().map(|(shift1, scale1, _, _)| (scale1, shift1));
        let mut h = conv_after_norm(&self.conv1, x, first, pass.time, None)?;
        if let Some((s1, _)) = &self.noise_scales {
            h = Self::spatial_noise(&h, s1, pass.rng)?;
        }
        let mut skip = x.clone();
        if let Some(n) = &self.norm3 {
            skip = n.forward(&skip)?;
        }
        if let Some(c) = &self.conv_shortcut {
            skip = c.forward(&skip, TimePadding::None)?;
        }
        let second = mods.as_ref().map(|(_, _, shift2, scale2)| (scale2, shift2));
        match &self.noise_scales {
            // The noise is added before the skip, as in the reference.
            Some((_, s2)) => {
                let h = conv_after_norm(&self.conv2, &h, second, pass.time, None)?;
                Self::spatial_noise(&h, s2, pass.rng)?.add(&skip)
            }
            None => conv_after_norm(&self.conv2, &h, second, pass.time, Some(&skip)),
        }
    }
}

/// Space/time-to-depth: [B, C, F·st, H·sh, W·sw] → [B, C·st·sh·sw, F, H, W] in the reference's
/// channel order (c, st, sh, sw).
fn to_depth(x: &Tensor, s: (usize, usize, usize)) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    let (st, sh, sw) = s;
    x.reshape(vec![b, c, f / st, st, h / sh, sh, w / sw, sw])?
        .permute([0, 1, 3, 5, 7, 2, 4, 6])?
        .reshape((b, c * st * sh * sw, f / st, h / sh, w / sw))
}

/// Depth-to-space, the inverse layout of [`to_depth`], without the first `cut` frames of the
/// result.
fn from_depth(x: &Tensor, s: (usize, usize, usize), cut: usize) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    let (st, sh, sw) = s;
    let co = c / (st * sh * sw);
    if cut > f * st || co * st * sh * sw != c {
        return Err(candle_core::Error::Msg(format!(
            "depth-to-space by {s:?} of {:?} dropping {cut} frames",
            x.dims()
        )));
    }
    if x.device().is_cpu() && x.dtype() == DType::F32 {
        return from_depth_cpu(&x.contiguous()?, (b, co, f, h, w), s, cut);
    }
    let y = x
        .reshape(vec![b, co, st, sh, sw, f, h, w])?
        .permute([0, 1, 5, 2, 6, 3, 7, 4])?
        .reshape((b, co, f * st, h * sh, w * sw))?;
    y.narrow(2, cut, f * st - cut)
}

/// [`from_depth`] on the CPU as one parallel copy into the final layout: the tensor-op form
/// copies element by element through an eight-dimensional permutation and again when the
/// dropped frames are cut off.
fn from_depth_cpu(
    x: &Tensor,
    (b, co, f, h, w): (usize, usize, usize, usize, usize),
    (st, sh, sw): (usize, usize, usize),
    cut: usize,
) -> candle_core::Result<Tensor> {
    use candle_core::Storage;
    use rayon::prelude::*;

    let (fo, ho, wo) = (f * st - cut, h * sh, w * sw);
    let plane = ho * wo;
    let mut out = vec![0f32; b * co * fo * plane];
    let (storage, layout) = x.storage_and_layout();
    let (start, end) = layout
        .contiguous_offsets()
        .ok_or_else(|| candle_core::Error::Msg("depth-to-space: non-contiguous input".into()))?;
    let xs = match &*storage {
        Storage::Cpu(cpu) => &cpu.as_slice::<f32>()?[start..end],
        _ => {
            return Err(candle_core::Error::Msg(
                "depth-to-space: expected a CPU tensor".into(),
            ))
        }
    };
    let in_frame = h * w;
    out.par_chunks_mut(plane.max(1))
        .enumerate()
        .for_each(|(i, dst)| {
            // Output frame t of channel c of item bi is input frame (t + cut) / st, sub-frame
            // (t + cut) % st.
            let (bc, t) = (i / fo, i % fo);
            let (fi, ti) = ((t + cut) / st, (t + cut) % st);
            for yo in 0..ho {
                let (hi, si) = (yo / sh, yo % sh);
                let drow = &mut dst[yo * wo..(yo + 1) * wo];
                for j in 0..sw {
                    // Input channel (c, ti, si, j) of item bi, as `to_depth` orders them.
                    let ch = ((bc * st + ti) * sh + si) * sw + j;
                    let src = &xs[(ch * f + fi) * in_frame + hi * w..][..w];
                    for (wi, v) in src.iter().enumerate() {
                        drow[wi * sw + j] = *v;
                    }
                }
            }
        });
    Tensor::from_vec(out, (b, co, fo, ho, wo), &Device::Cpu)
}

/// `LTX2VideoDownsampler3d`: the first `st - 1` frames repeated in front, then a convolution
/// folded to depth plus the grouped mean of the folded input.
#[derive(Debug, Clone)]
struct Downsampler {
    conv: Conv3d,
    stride: (usize, usize, usize),
    group: usize,
}

impl Downsampler {
    fn forward(&self, x: &Tensor, time: TimePadding) -> candle_core::Result<Tensor> {
        let st = self.stride.0;
        let x = if st > 1 {
            Tensor::cat(&[&x.narrow(2, 0, st - 1)?, x], 2)?
        } else {
            x.clone()
        };
        let folded = to_depth(&x, self.stride)?;
        let (b, c, f, h, w) = folded.dims5()?;
        let residual = folded
            .reshape(vec![b, c / self.group, self.group, f, h, w])?
            .mean(2)?;
        let y = to_depth(&self.conv.forward(&x, time)?, self.stride)?;
        y.add(&residual)
    }
}

#[derive(Debug, Clone)]
enum Down {
    Conv(Conv3d),
    Fold(Downsampler),
}

/// `LTX2VideoUpsampler3d`: a convolution unfolded from depth, the first `st - 1` frames
/// dropped, optionally plus the input unfolded and repeated over channels.
#[derive(Debug, Clone)]
struct Upsampler {
    conv: Conv3d,
    stride: (usize, usize, usize),
    residual: bool,
    upscale: usize,
}

impl Upsampler {
    fn forward(&self, x: &Tensor, time: TimePadding) -> candle_core::Result<Tensor> {
        let (st, sh, sw) = self.stride;
        let y = from_depth(&self.conv.forward(x, time)?, self.stride, st - 1)?;
        if !self.residual {
            return Ok(y);
        }
        let r = from_depth(x, self.stride, 0)?;
        let repeats = st * sh * sw / self.upscale;
        let r = r.repeat((1, repeats, 1, 1, 1))?;
        let n = r.dim(2)?;
        y.add(&r.narrow(2, st - 1, n - (st - 1))?)
    }
}

/// `PixArtAlphaCombinedTimestepSizeEmbeddings(dim, 0)`: timestep [B] → [B, dim, 1, 1, 1].
fn embed_temb(embedder: &TimestepEmbedding, t: &Tensor) -> candle_core::Result<Tensor> {
    let b = t.elem_count();
    let e = embedder.embed_timesteps(&t.flatten_all()?)?;
    let d = e.dim(1)?;
    e.reshape((b, d, 1, 1, 1))
}

#[derive(Debug, Clone)]
struct MidBlock {
    time_embedder: Option<TimestepEmbedding>,
    resnets: Vec<ResnetBlock>,
}

impl MidBlock {
    fn forward(
        &self,
        x: &Tensor,
        temb: Option<&Tensor>,
        pass: &mut Pass<'_>,
    ) -> candle_core::Result<Tensor> {
        let temb = match (&self.time_embedder, temb) {
            (Some(e), Some(t)) => Some(embed_temb(e, t)?),
            (Some(_), None) => return Err(timestep_required()),
            _ => None,
        };
        let mut x = x.clone();
        for r in &self.resnets {
            x = r.forward(&x, temb.as_ref(), pass)?;
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
        pass: &mut Pass<'_>,
    ) -> candle_core::Result<Tensor> {
        let mut x = x.clone();
        if let Some(c) = &self.conv_in {
            x = c.forward(&x, None, pass)?;
        }
        let temb = match (&self.time_embedder, temb) {
            (Some(e), Some(t)) => Some(embed_temb(e, t)?),
            (Some(_), None) => return Err(timestep_required()),
            _ => None,
        };
        if let Some(u) = &self.upsampler {
            x = u.forward(&x, pass.time)?;
        }
        for r in &self.resnets {
            x = r.forward(&x, temb.as_ref(), pass)?;
        }
        Ok(x)
    }
}

#[derive(Debug, Clone)]
struct Encoder {
    patch: usize,
    conv_in: Conv3d,
    down: Vec<(Vec<ResnetBlock>, Option<Down>)>,
    mid: MidBlock,
    conv_out: Conv3d,
    time: TimePadding,
}

impl Encoder {
    fn load(cfg: &Ltx2VaeConfig, vb: VarBuilder) -> Result<Self> {
        let pad = cfg.padding(
            &cfg.encoder_spatial_padding_mode,
            "encoder_spatial_padding_mode",
            SpatialPadding::Zeros,
        )?;
        let p = cfg.patch_size;
        let eps = cfg.resnet_norm_eps;
        let scaling = cfg.encoder_scaling();
        let mut ch = cfg.latent_channels;
        let conv_in = Conv3d::load(
            cfg.in_channels * p * p,
            ch,
            3,
            (1, 1),
            pad,
            true,
            vb.pp("conv_in").pp("conv"),
        )?;
        let mut down = Vec::new();
        for (i, &out) in cfg.block_out_channels.iter().enumerate() {
            let bvb = vb.pp("down_blocks").pp(i.to_string());
            let resnets = (0..cfg.layers_per_block[i])
                .map(|j| {
                    ResnetBlock::load(
                        ch,
                        ch,
                        eps,
                        false,
                        false,
                        pad,
                        bvb.pp("resnets").pp(j.to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?;
            let sampler = if scaling[i] {
                let svb = bvb.pp("downsamplers").pp("0");
                Some(match stride_of(&cfg.downsample_type[i]) {
                    None => Down::Conv(Conv3d::load(ch, ch, 3, (2, 2), pad, true, svb.pp("conv"))?),
                    Some(stride) => {
                        let prod = stride.0 * stride.1 * stride.2;
                        Down::Fold(Downsampler {
                            conv: Conv3d::load(
                                ch,
                                out / prod,
                                3,
                                (1, 1),
                                pad,
                                true,
                                svb.pp("conv").pp("conv"),
                            )?,
                            stride,
                            group: ch * prod / out,
                        })
                    }
                })
            } else {
                None
            };
            down.push((resnets, sampler));
            if scaling[i] && matches!(down.last(), Some((_, Some(Down::Fold(_))))) {
                ch = out;
            }
        }
        let mid = MidBlock {
            time_embedder: None,
            resnets: (0..cfg.layers_per_block[cfg.block_out_channels.len()])
                .map(|j| {
                    ResnetBlock::load(
                        ch,
                        ch,
                        eps,
                        false,
                        false,
                        pad,
                        vb.pp("mid_block").pp("resnets").pp(j.to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?,
        };
        let conv_out = Conv3d::load(
            ch,
            cfg.latent_channels + 1,
            3,
            (1, 1),
            pad,
            true,
            vb.pp("conv_out").pp("conv"),
        )?;
        Ok(Self {
            patch: p,
            conv_in,
            down,
            mid,
            conv_out,
            time: if cfg.encoder_causal {
                TimePadding::Causal
            } else {
                TimePadding::Centered
            },
        })
    }

    /// Moments [B, 2·latent, F', H', W']: the means, then the log-variance channel repeated.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, c, f, h, w) = x.dims5()?;
        let p = self.patch;
        // Patchify with the reference's channel order (c, pw, ph).
        let x = x
            .reshape(vec![b, c, f, 1, h / p, p, w / p, p])?
            .permute([0, 1, 3, 7, 5, 2, 4, 6])?
            .reshape((b, c * p * p, f, h / p, w / p))?;
        let mut rng = NoiseRng::new(0);
        let mut pass = Pass {
            time: self.time,
            rng: &mut rng,
        };
        let mut x = self.conv_in.forward(&x, self.time)?;
        for (resnets, sampler) in &self.down {
            for r in resnets {
                x = r.forward(&x, None, &mut pass)?;
            }
            x = match sampler {
                Some(Down::Conv(c)) => c.forward(&x, self.time)?,
                Some(Down::Fold(d)) => d.forward(&x, self.time)?,
                None => x,
            };
        }
        x = self.mid.forward(&x, None, &mut pass)?;
        let x = conv_after_norm(&self.conv_out, &x, None, self.time, None)?;
        let n = x.dim(1)?;
        let last = x.narrow(1, n - 1, 1)?;
        let reps = n.saturating_sub(2);
        if reps == 0 {
            return Ok(x);
        }
        Tensor::cat(&[&x, &last.repeat((1, reps, 1, 1, 1))?], 1)
    }
}

#[derive(Debug, Clone)]
struct Decoder {
    patch: usize,
    conv_in: Conv3d,
    mid: MidBlock,
    up: Vec<UpBlock>,
    conv_out: Conv3d,
    timestep_scale_multiplier: Option<Tensor>,
    time_embedder: Option<TimestepEmbedding>,
    scale_shift_table: Option<Tensor>,
    time: TimePadding,
}

impl Decoder {
    fn load(cfg: &Ltx2VaeConfig, vb: VarBuilder) -> Result<Self> {
        let pad = cfg.padding(
            &cfg.decoder_spatial_padding_mode,
            "decoder_spatial_padding_mode",
            SpatialPadding::Reflect,
        )?;
        let n = cfg.decoder_block_out_channels.len();
        let eps = cfg.resnet_norm_eps;
        let tc = cfg.timestep_conditioning;
        let blocks: Vec<usize> = rev(cfg.decoder_block_out_channels.clone());
        let scaling: Vec<bool> = rev(cfg.decoder_scaling());
        let layers: Vec<usize> = rev(cfg.decoder_layers_per_block.clone());
        let noise: Vec<bool> = rev(cfg.decoder_inject_noise.resolve(n + 1));
        let residual: Vec<bool> = rev(cfg.upsample_residual.resolve(n));
        let factor: Vec<usize> = rev(cfg.upsample_factor.clone());
        let mut ch = blocks[0];
        let conv_in = Conv3d::load(
            cfg.latent_channels,
            ch,
            3,
            (1, 1),
            pad,
            true,
            vb.pp("conv_in").pp("conv"),
        )?;
        let mvb = vb.pp("mid_block");
        let mid = MidBlock {
            time_embedder: if tc {
                Some(TimestepEmbedding::load(
                    256,
                    ch * 4,
                    mvb.pp("time_embedder").pp("timestep_embedder"),
                )?)
            } else {
                None
            },
            resnets: (0..layers[0])
                .map(|j| {
                    ResnetBlock::load(
                        ch,
                        ch,
                        eps,
                        noise[0],
                        tc,
                        pad,
                        mvb.pp("resnets").pp(j.to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?,
        };
        let mut up = Vec::new();
        for i in 0..n {
            let uvb = vb.pp("up_blocks").pp(i.to_string());
            let input = ch / factor[i];
            let out = blocks[i] / factor[i];
            if input != out && tc {
                return Err(ModelError::unsupported(
                    COMPONENT,
                    "decoder_block_out_channels",
                    &cfg.decoder_block_out_channels,
                    "a timestep-conditioned up block that changes width cannot be run (the reference fails there too)",
                ));
            }
            let conv_in = if input != out {
                Some(ResnetBlock::load(
                    input,
                    out,
                    eps,
                    noise[i + 1],
                    tc,
                    pad,
                    uvb.pp("conv_in"),
                )?)
            } else {
                None
            };
            let upsampler = if scaling[i] {
                let stride = stride_of(&cfg.upsample_type[i]).ok_or_else(|| {
                    ModelError::unsupported(
                        COMPONENT,
                        "upsample_type",
                        &cfg.upsample_type[i],
                        "unknown",
                    )
                })?;
                let cin = out * factor[i];
                let prod = stride.0 * stride.1 * stride.2;
                Some(Upsampler {
                    conv: Conv3d::load(
                        cin,
                        cin * prod / factor[i],
                        3,
                        (1, 1),
                        pad,
                        true,
                        uvb.pp("upsamplers").pp("0").pp("conv").pp("conv"),
                    )?,
                    stride,
                    residual: residual[i],
                    upscale: factor[i],
                })
            } else {
                None
            };
            let resnets = (0..layers[i + 1])
                .map(|j| {
                    ResnetBlock::load(
                        out,
                        out,
                        eps,
                        noise[i + 1],
                        tc,
                        pad,
                        uvb.pp("resnets").pp(j.to_string()),
                    )
                })
                .collect::<candle_core::Result<Vec<_>>>()?;
            up.push(UpBlock {
                time_embedder: if tc {
                    Some(TimestepEmbedding::load(
                        256,
                        input * 4,
                        uvb.pp("time_embedder").pp("timestep_embedder"),
                    )?)
                } else {
                    None
                },
                conv_in,
                upsampler,
                resnets,
            });
            ch = out;
        }
        let p = cfg.patch_size;
        let conv_out = Conv3d::load(
            ch,
            cfg.out_channels * p * p,
            3,
            (1, 1),
            pad,
            true,
            vb.pp("conv_out").pp("conv"),
        )?;
        let (timestep_scale_multiplier, time_embedder, scale_shift_table) = if tc {
            (
                Some(vb.get((), "timestep_scale_multiplier")?),
                Some(TimestepEmbedding::load(
                    256,
                    ch * 2,
                    vb.pp("time_embedder").pp("timestep_embedder"),
                )?),
                Some(vb.get((2, ch), "scale_shift_table")?),
            )
        } else {
            (None, None, None)
        };
        Ok(Self {
            patch: p,
            conv_in,
            mid,
            up,
            conv_out,
            timestep_scale_multiplier,
            time_embedder,
            scale_shift_table,
            time: if cfg.decoder_causal {
                TimePadding::Causal
            } else {
                TimePadding::Centered
            },
        })
    }

    fn forward(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
    ) -> candle_core::Result<Tensor> {
        let mut pass = Pass {
            time: self.time,
            rng,
        };
        let mut x = self.conv_in.forward(z, self.time)?;
        let temb = match (&self.timestep_scale_multiplier, timestep) {
            (Some(m), Some(t)) => Some(
                t.to_dtype(DType::F32)?
                    .broadcast_mul(&m.to_dtype(DType::F32)?)?,
            ),
            (Some(_), None) => return Err(timestep_required()),
            _ => None,
        };
        x = self.mid.forward(&x, temb.as_ref(), &mut pass)?;
        for u in &self.up {
            x = u.forward(&x, temb.as_ref(), &mut pass)?;
        }
        let x = match (&self.time_embedder, &self.scale_shift_table, &temb) {
            (Some(e), Some(table), Some(t)) => {
                let b = x.dim(0)?;
                let c = table.dim(1)?;
                let tt = embed_temb(e, t)?
                    .reshape((b, 2, c, 1, 1, 1))?
                    .broadcast_add(&table.reshape((1, 2, c, 1, 1, 1))?)?;
                let shift = tt.narrow(1, 0, 1)?.squeeze(1)?;
                let scale = tt.narrow(1, 1, 1)?.squeeze(1)?;
                conv_after_norm(&self.conv_out, &x, Some((&scale, &shift)), self.time, None)?
            }
            _ => conv_after_norm(&self.conv_out, &x, None, self.time, None)?,
        };
        // Unpatchify with the reference's channel order (c, pw, ph).
        let (b, c, f, h, w) = x.dims5()?;
        let p = self.patch;
        x.reshape(vec![b, c / (p * p), 1, p, p, f, h, w])?
            .permute([0, 1, 5, 2, 6, 4, 7, 3])?
            .reshape((b, c / (p * p), f, h * p, w * p))
    }
}

/// LTX-2's video VAE.
#[derive(Debug, Clone)]
pub struct Ltx2Vae {
    cfg: Ltx2VaeConfig,
    encoder: Encoder,
    decoder: Decoder,
    latents_mean: Tensor,
    latents_std: Tensor,
}

impl Ltx2Vae {
    pub fn load(cfg: &Ltx2VaeConfig, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            cfg: cfg.clone(),
            encoder: Encoder::load(cfg, vb.pp("encoder"))?,
            decoder: Decoder::load(cfg, vb.pp("decoder"))?,
            latents_mean: vb.get(cfg.latent_channels, "latents_mean")?,
            latents_std: vb.get(cfg.latent_channels, "latents_std")?,
        })
    }

    pub fn config(&self) -> &Ltx2VaeConfig {
        &self.cfg
    }

    fn compression(&self) -> (usize, usize) {
        (
            self.cfg.spatial_compression(),
            self.cfg.temporal_compression(),
        )
    }

    /// The posterior's mode (its means) for video [B, 3, F, H, W] in [-1, 1], optionally in
    /// tiles.
    pub fn encode_mode(
        &self,
        video: &Tensor,
        tiling: Option<&Tiling>,
    ) -> candle_core::Result<Tensor> {
        let mut encode = |v: &Tensor| self.encoder.forward(v);
        let moments = match tiling {
            Some(t) => tiling::encode_tiled(video, t, self.compression(), &mut encode)?,
            None => encode(video)?,
        };
        crate::conv3d::release_scratch();
        moments.narrow(1, 0, self.cfg.latent_channels)
    }

    /// Decodes latents (denormalised) to video in [-1, 1]-ish, optionally in tiles.
    /// `timestep` [B] is needed when the decoder is timestep-conditioned.
    pub fn decode(
        &self,
        z: &Tensor,
        timestep: Option<&Tensor>,
        rng: &mut NoiseRng,
        tiling: Option<&Tiling>,
    ) -> candle_core::Result<Tensor> {
        let mut decode = |z: &Tensor| self.decoder.forward(z, timestep, rng);
        let out = match tiling {
            Some(t) => tiling::decode_tiled(z, t, self.compression(), &mut decode)?,
            None => decode(z)?,
        };
        crate::conv3d::release_scratch();
        Ok(out)
    }

    /// (latents - mean) · scaling / std per channel.
    pub fn normalize(&self, z: &Tensor) -> candle_core::Result<Tensor> {
        z.broadcast_sub(&per_channel(&self.latents_mean)?)?
            .affine(self.cfg.scaling_factor, 0.0)?
            .broadcast_div(&per_channel(&self.latents_std)?)
    }

    /// latents · std / scaling + mean per channel.
    pub fn denormalize(&self, z: &Tensor) -> candle_core::Result<Tensor> {
        z.broadcast_mul(&per_channel(&self.latents_std)?)?
            .affine(1.0 / self.cfg.scaling_factor, 0.0)?
            .broadcast_add(&per_channel(&self.latents_mean)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_to_space_copy_matches_the_permutation() {
        let dev = candle_core::Device::Cpu;
        for (s, cut) in [
            ((2, 2, 2), 1),
            ((2, 1, 1), 1),
            ((1, 2, 2), 0),
            ((2, 2, 2), 0),
        ] {
            let (b, co, f, h, w) = (2, 3, 3, 4, 5);
            let c = co * s.0 * s.1 * s.2;
            let n = b * c * f * h * w;
            let x = Tensor::arange(0f32, n as f32, &dev)
                .unwrap()
                .reshape((b, c, f, h, w))
                .unwrap();
            // f64 takes the tensor-op form, f32 the copy.
            let want = from_depth(&x.to_dtype(DType::F64).unwrap(), s, cut)
                .unwrap()
                .to_dtype(DType::F32)
                .unwrap();
            let got = from_depth(&x, s, cut).unwrap();
            assert_eq!(got.dims(), want.dims(), "{s:?}");
            assert_eq!(
                got.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                want.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                "{s:?} dropping {cut}"
            );
            // And it inverts `to_depth`.
            if cut == 0 {
                let back = to_depth(&got, s).unwrap();
                assert_eq!(
                    back.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                    x.flatten_all().unwrap().to_vec1::<f32>().unwrap()
                );
            }
        }
    }
}
