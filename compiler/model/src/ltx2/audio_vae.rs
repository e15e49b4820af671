//! `AutoencoderKLLTX2Audio`'s decoder (diffusers `autoencoder_kl_ltx2_audio.py`): audio latents
//! [B, C, T, M/4] to a stereo log-mel spectrogram [B, 2, 4T - 3, M].
//!
//! 2-D convolutions over (time, mel) that are causal in time ("height"): padded two rows in
//! front and none behind, one column on each side. Pixel norms, SiLU resnets, nearest-neighbour
//! upsampling that drops its first row to stay causal. The published folders use pixel norms,
//! no attention blocks and causality along time; other settings are refused by name.
//!
//! The encoder is not implemented: no LTX-2 pipeline encodes audio.

use candle_core::{Module, Tensor};
use candle_nn::{Conv2d, Conv2dConfig, VarBuilder};
use serde::Deserialize;

use crate::error::{ModelError, Result};

const COMPONENT: &str = "audio_vae";
/// Time and mel compression of the latents (the reference's `LATENT_DOWNSAMPLE_FACTOR`).
pub const AUDIO_COMPRESSION: usize = 4;

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct AudioVaeConfig {
    #[serde(default = "d128")]
    pub base_channels: usize,
    #[serde(default = "d2")]
    pub output_channels: usize,
    #[serde(default = "d_mult")]
    pub ch_mult: Vec<usize>,
    #[serde(default = "d2")]
    pub num_res_blocks: usize,
    #[serde(default)]
    pub attn_resolutions: Option<Vec<usize>>,
    #[serde(default = "d8")]
    pub latent_channels: usize,
    #[serde(default = "d_pixel")]
    pub norm_type: String,
    #[serde(default = "d_height")]
    pub causality_axis: Option<String>,
    #[serde(default)]
    pub mid_block_add_attention: bool,
    #[serde(default = "d16000")]
    pub sample_rate: usize,
    #[serde(default = "d160")]
    pub mel_hop_length: usize,
    #[serde(default = "d_true")]
    pub is_causal: bool,
    #[serde(default = "d_mel")]
    pub mel_bins: Option<usize>,
}

fn d2() -> usize {
    2
}
fn d8() -> usize {
    8
}
fn d128() -> usize {
    128
}
fn d160() -> usize {
    160
}
fn d16000() -> usize {
    16000
}
fn d_mult() -> Vec<usize> {
    vec![1, 2, 4]
}
fn d_pixel() -> String {
    "pixel".into()
}
fn d_height() -> Option<String> {
    Some("height".into())
}
fn d_true() -> bool {
    true
}
fn d_mel() -> Option<usize> {
    Some(64)
}

impl AudioVaeConfig {
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, value: &dyn std::fmt::Debug, reason: &str| {
            Err(ModelError::unsupported(COMPONENT, key, value, reason))
        };
        if self.norm_type != "pixel" {
            return bad(
                "norm_type",
                &self.norm_type,
                "only pixel norms are supported (as published)",
            );
        }
        if self.causality_axis.as_deref() != Some("height") {
            return bad(
                "causality_axis",
                &self.causality_axis,
                "only causality along time (`height`) is supported (as published)",
            );
        }
        if self.mid_block_add_attention
            || self
                .attn_resolutions
                .as_ref()
                .is_some_and(|a| !a.is_empty())
        {
            return bad(
                "attn_resolutions",
                &self.attn_resolutions,
                "attention blocks are not supported (none are published)",
            );
        }
        if self.ch_mult.is_empty() {
            return bad("ch_mult", &self.ch_mult, "needs at least one level");
        }
        if self.mel_bins.is_none() {
            return bad("mel_bins", &self.mel_bins, "must be set");
        }
        Ok(())
    }

    pub fn mel_bins(&self) -> usize {
        self.mel_bins.unwrap_or(64)
    }

    /// Latent frames per second of audio: `sample_rate / hop / 4` (25 for 16 kHz, hop 160).
    pub fn latents_per_second(&self) -> f64 {
        self.sample_rate as f64 / self.mel_hop_length as f64 / AUDIO_COMPRESSION as f64
    }

    /// Width of one packed audio token: latent channels × latent mel bins.
    pub fn packed_channels(&self) -> usize {
        self.latent_channels * self.mel_bins() / AUDIO_COMPRESSION
    }
}

/// `LTX2AudioCausalConv2d` along time: zero padding of `k - 1` rows in front and `(k-1)/2`
/// columns on each side, then a plain convolution.
#[derive(Debug, Clone)]
struct CausalConv2d {
    conv: Conv2d,
    k: usize,
}

impl CausalConv2d {
    fn load(cin: usize, cout: usize, k: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            conv: candle_nn::conv2d(cin, cout, k, Conv2dConfig::default(), vb.pp("conv"))?,
            k,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let p = self.k - 1;
        let x = if p > 0 {
            x.pad_with_zeros(2, p, 0)?
                .pad_with_zeros(3, p / 2, p - p / 2)?
        } else {
            x.clone()
        };
        self.conv.forward(&x)
    }
}

/// `LTX2AudioPixelNorm` (eps 1e-6) then SiLU.
fn norm_silu(x: &Tensor) -> candle_core::Result<Tensor> {
    let var = x.sqr()?.mean_keepdim(1)?;
    x.broadcast_div(&(var + 1e-6)?.sqrt()?)?.silu()
}

#[derive(Debug, Clone)]
struct ResnetBlock {
    conv1: CausalConv2d,
    conv2: CausalConv2d,
    nin_shortcut: Option<CausalConv2d>,
}

impl ResnetBlock {
    fn load(cin: usize, cout: usize, vb: VarBuilder) -> candle_core::Result<Self> {
        Ok(Self {
            conv1: CausalConv2d::load(cin, cout, 3, vb.pp("conv1"))?,
            conv2: CausalConv2d::load(cout, cout, 3, vb.pp("conv2"))?,
            nin_shortcut: if cin != cout {
                Some(CausalConv2d::load(cin, cout, 1, vb.pp("nin_shortcut"))?)
            } else {
                None
            },
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.conv1.forward(&norm_silu(x)?)?;
        let h = self.conv2.forward(&norm_silu(&h)?)?;
        let skip = match &self.nin_shortcut {
            Some(c) => c.forward(x)?,
            None => x.clone(),
        };
        skip.add(&h)
    }
}

#[derive(Debug, Clone)]
struct Level {
    blocks: Vec<ResnetBlock>,
    upsample: Option<CausalConv2d>,
}

#[derive(Debug, Clone)]
pub struct AudioDecoder {
    cfg: AudioVaeConfig,
    conv_in: CausalConv2d,
    mid: (ResnetBlock, ResnetBlock),
    /// Indexed by level (0 = the finest); run from the last to the first.
    levels: Vec<Level>,
    conv_out: CausalConv2d,
    latents_mean: Tensor,
    latents_std: Tensor,
}

impl AudioDecoder {
    pub fn load(cfg: &AudioVaeConfig, vb: VarBuilder) -> candle_core::Result<Self> {
        let d = vb.pp("decoder");
        let n = cfg.ch_mult.len();
        let top = cfg.base_channels * cfg.ch_mult[n - 1];
        let mut block_in = top;
        let mut levels: Vec<Option<Level>> = vec![None; n];
        for level in (0..n).rev() {
            let lvb = d.pp("up").pp(level.to_string());
            let block_out = cfg.base_channels * cfg.ch_mult[level];
            let mut blocks = Vec::new();
            for i in 0..=cfg.num_res_blocks {
                blocks.push(ResnetBlock::load(
                    block_in,
                    block_out,
                    lvb.pp("block").pp(i.to_string()),
                )?);
                block_in = block_out;
            }
            let upsample = if level != 0 {
                Some(CausalConv2d::load(
                    block_in,
                    block_in,
                    3,
                    lvb.pp("upsample").pp("conv"),
                )?)
            } else {
                None
            };
            levels[level] = Some(Level { blocks, upsample });
        }
        let levels = levels.into_iter().flatten().collect();
        Ok(Self {
            cfg: cfg.clone(),
            conv_in: CausalConv2d::load(cfg.latent_channels, top, 3, d.pp("conv_in"))?,
            mid: (
                ResnetBlock::load(top, top, d.pp("mid").pp("block_1"))?,
                ResnetBlock::load(top, top, d.pp("mid").pp("block_2"))?,
            ),
            levels,
            conv_out: CausalConv2d::load(block_in, cfg.output_channels, 3, d.pp("conv_out"))?,
            latents_mean: vb.get(cfg.base_channels, "latents_mean")?,
            latents_std: vb.get(cfg.base_channels, "latents_std")?,
        })
    }

    pub fn config(&self) -> &AudioVaeConfig {
        &self.cfg
    }

    /// Per-channel statistics of packed audio latents [B, T, C·M'].
    pub fn statistics(&self) -> (&Tensor, &Tensor) {
        (&self.latents_mean, &self.latents_std)
    }

    /// Latents [B, C, T, M'] (denormalised) to a mel spectrogram [B, 2, 4T - 3, M].
    pub fn decode(&self, z: &Tensor) -> candle_core::Result<Tensor> {
        let (_, _, frames, _) = z.dims4()?;
        let target_t = (frames * AUDIO_COMPRESSION)
            .saturating_sub(AUDIO_COMPRESSION - 1)
            .max(1);
        let target_m = self.cfg.mel_bins();
        let mut x = self.conv_in.forward(z)?;
        x = self.mid.0.forward(&x)?;
        x = self.mid.1.forward(&x)?;
        for level in self.levels.iter().rev() {
            for b in &level.blocks {
                x = b.forward(&x)?;
            }
            if let Some(up) = &level.upsample {
                let (_, _, h, w) = x.dims4()?;
                let y = up.forward(&x.upsample_nearest2d(2 * h, 2 * w)?)?;
                let n = y.dim(2)?;
                x = y.narrow(2, 1, n - 1)?;
            }
        }
        let x = self.conv_out.forward(&norm_silu(&x)?)?;
        let (_, c, t, m) = x.dims4()?;
        let c = c.min(self.cfg.output_channels);
        let x = x
            .narrow(1, 0, c)?
            .narrow(2, 0, t.min(target_t))?
            .narrow(3, 0, m.min(target_m))?;
        let (pad_t, pad_m) = (
            target_t.saturating_sub(x.dim(2)?),
            target_m.saturating_sub(x.dim(3)?),
        );
        let x = if pad_t > 0 {
            x.pad_with_zeros(2, 0, pad_t)?
        } else {
            x
        };
        if pad_m > 0 {
            x.pad_with_zeros(3, 0, pad_m)
        } else {
            Ok(x)
        }
    }
}
