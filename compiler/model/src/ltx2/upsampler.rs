//! `LTX2LatentUpsamplerModel` (diffusers `pipelines/ltx2/latent_upsampler.py`): doubles the
//! spatial size of video latents for the second stage of two-stage generation.
//!
//! 3-D convolutions with GroupNorm(32) and SiLU resnets around a per-frame upsampler: a 2-D
//! convolution to 4x (or num²x) the channels, a pixel shuffle, and for rational scales a
//! binomial blur with stride (2.0's rational resampler is the same map as 2.3's plain one for a
//! scale of 2; only the weight names differ). Temporal upsampling (not published for LTX-2) is
//! refused by name.

use candle_core::{Module, Tensor};
use candle_nn::{Conv2d, Conv2dConfig, GroupNorm, VarBuilder};
use serde::Deserialize;

use crate::error::{ModelError, Result};

use super::conv::{Conv3d, SpatialPadding, TimePadding};

const COMPONENT: &str = "latent_upsampler";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct UpsamplerConfig {
    #[serde(default = "d128")]
    pub in_channels: usize,
    #[serde(default = "d1024")]
    pub mid_channels: usize,
    #[serde(default = "d4")]
    pub num_blocks_per_stage: usize,
    #[serde(default = "d3")]
    pub dims: usize,
    #[serde(default = "d_true")]
    pub spatial_upsample: bool,
    #[serde(default)]
    pub temporal_upsample: bool,
    #[serde(default = "d_scale")]
    pub rational_spatial_scale: f64,
    #[serde(default = "d_true")]
    pub use_rational_resampler: bool,
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
fn d1024() -> usize {
    1024
}
fn d_true() -> bool {
    true
}
fn d_scale() -> f64 {
    2.0
}

impl UpsamplerConfig {
    /// (numerator, denominator) of the spatial scale.
    fn ratio(&self) -> Option<(usize, usize)> {
        if !self.use_rational_resampler {
            return Some((2, 1));
        }
        [(0.75, (3, 4)), (1.5, (3, 2)), (2.0, (2, 1)), (4.0, (4, 1))]
            .into_iter()
            .find(|(s, _)| (*s - self.rational_spatial_scale).abs() < 1e-9)
            .map(|(_, r)| r)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, value: &dyn std::fmt::Debug, reason: &str| {
            Err(ModelError::unsupported(COMPONENT, key, value, reason))
        };
        if self.dims != 3 {
            return bad(
                "dims",
                &self.dims,
                "only 3-D upsamplers are published for LTX-2",
            );
        }
        if self.temporal_upsample || !self.spatial_upsample {
            return bad(
                "temporal_upsample",
                &self.temporal_upsample,
                "only spatial upsampling is supported",
            );
        }
        if self.ratio().is_none() {
            return bad(
                "rational_spatial_scale",
                &self.rational_spatial_scale,
                "must be 0.75, 1.5, 2 or 4",
            );
        }
        if self.mid_channels % 32 != 0 {
            return bad(
                "mid_channels",
                &self.mid_channels,
                "GroupNorm(32) needs a multiple of 32",
            );
        }
        Ok(())
    }

    /// How many times wider and taller the latents come out (rounded as the blur strides).
    pub fn scale(&self) -> f64 {
        self.ratio().map_or(2.0, |(n, d)| n as f64 / d as f64)
    }
}

#[derive(Debug, Clone)]
struct ResBlock {
    conv1: Conv3d,
    norm1: GroupNorm,
    conv2: Conv3d,
    norm2: GroupNorm,
}

fn conv3(cin: usize, cout: usize, vb: VarBuilder) -> candle_core::Result<Conv3d> {
    Conv3d::load(cin, cout, 3, (1, 1), SpatialPadding::Zeros, true, vb)
}

impl ResBlock {
    fn load(c: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            conv1: conv3(c, c, vb.pp("conv1"))?,
            norm1: candle_nn::group_norm(32, c, 1e-5, vb.pp("norm1"))?,
            conv2: conv3(c, c, vb.pp("conv2"))?,
            norm2: candle_nn::group_norm(32, c, 1e-5, vb.pp("norm2"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.conv1.forward(x, TimePadding::Zeros)?;
        let h = self.norm1.forward(&h)?.silu()?;
        let h = self.conv2.forward(&h, TimePadding::Zeros)?;
        let h = self.norm2.forward(&h)?;
        (h + x)?.silu()
    }
}

#[derive(Debug, Clone)]
pub struct LatentUpsampler {
    cfg: UpsamplerConfig,
    initial_conv: Conv3d,
    initial_norm: GroupNorm,
    res_blocks: Vec<ResBlock>,
    up_conv: Conv2d,
    num: usize,
    den: usize,
    post_blocks: Vec<ResBlock>,
    final_conv: Conv3d,
}

impl LatentUpsampler {
    pub fn load(cfg: &UpsamplerConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let (num, den) = cfg.ratio().unwrap_or((2, 1));
        let mid = cfg.mid_channels;
        let up_vb = if cfg.use_rational_resampler {
            vb.pp("upsampler").pp("conv")
        } else {
            vb.pp("upsampler").pp("0")
        };
        let blocks = |name: &str| {
            (0..cfg.num_blocks_per_stage)
                .map(|i| ResBlock::load(mid, vb.pp(name).pp(i.to_string())))
                .collect::<candle_core::Result<Vec<_>>>()
        };
        Ok(Self {
            cfg: cfg.clone(),
            initial_conv: conv3(cfg.in_channels, mid, vb.pp("initial_conv"))?,
            initial_norm: candle_nn::group_norm(32, mid, 1e-5, vb.pp("initial_norm"))?,
            res_blocks: blocks("res_blocks")?,
            up_conv: candle_nn::conv2d(
                mid,
                num * num * mid,
                3,
                Conv2dConfig {
                    padding: 1,
                    ..Default::default()
                },
                up_vb,
            )?,
            num,
            den,
            post_blocks: blocks("post_upsample_res_blocks")?,
            final_conv: conv3(mid, cfg.in_channels, vb.pp("final_conv"))?,
        })
    }

    pub fn config(&self) -> &UpsamplerConfig {
        &self.cfg
    }

    /// Binomial (1 4 6 4 1)² blur with stride `den`, per channel (`BlurDownsample`).
    fn blur(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        if self.den == 1 {
            return Ok(x.clone());
        }
        let k = [1f32, 4.0, 6.0, 4.0, 1.0];
        let mut kernel = Vec::with_capacity(25);
        for a in k {
            for b in k {
                kernel.push(a * b / 256.0);
            }
        }
        let (n, c, h, w) = x.dims4()?;
        let kernel = Tensor::from_vec(kernel, (1, 1, 5, 5), x.device())?.to_dtype(x.dtype())?;
        let y = x
            .reshape((n * c, 1, h, w))?
            .conv2d(&kernel, 2, self.den, 1, 1)?;
        let (_, _, ho, wo) = y.dims4()?;
        y.reshape((n, c, ho, wo))
    }

    /// Video latents [B, C, F, H, W] (denormalised) to [B, C, F, H·scale, W·scale].
    pub fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let dtype = self.up_conv.weight().dtype();
        let x = x.to_dtype(dtype)?;
        let mut h = self.initial_conv.forward(&x, TimePadding::Zeros)?;
        h = self.initial_norm.forward(&h)?.silu()?;
        for b in &self.res_blocks {
            h = b.forward(&h)?;
        }
        let (b, c, f, hh, ww) = h.dims5()?;
        let frames = h.permute([0, 2, 1, 3, 4])?.reshape((b * f, c, hh, ww))?;
        let up = self.up_conv.forward(&frames)?;
        let n = self.num;
        // Pixel shuffle: [N, C·n·n, H, W] -> [N, C, H·n, W·n].
        let up = up
            .reshape(vec![b * f, c, n, n, hh, ww])?
            .permute([0, 1, 4, 2, 5, 3])?
            .reshape((b * f, c, hh * n, ww * n))?;
        let up = self.blur(&up)?;
        let (_, _, ho, wo) = up.dims4()?;
        let mut h = up
            .reshape((b, f, c, ho, wo))?
            .permute([0, 2, 1, 3, 4])?
            .contiguous()?;
        for blk in &self.post_blocks {
            h = blk.forward(&h)?;
        }
        self.final_conv.forward(&h, TimePadding::Zeros)
    }
}
