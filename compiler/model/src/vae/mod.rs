//! `AutoencoderKLLTXVideo` (diffusers `autoencoder_kl_ltx.py`): the causal video VAE.
//!
//! Video [B, 3, F, H, W] in [-1, 1] is patchified 4x4 in space, then encoded by 3D resnets and
//! down blocks to latents with 32x spatial and 8x temporal compression (F = 8k+1 frames give
//! k+1 latent frames). The decoder mirrors it with depth-to-space upsamplers, optionally
//! conditioned on a timestep and with per-channel noise injection (0.9.1+ checkpoints).
//!
//! 3D convolutions run tap by tap on the CPU ([`crate::conv3d`]); on other devices they are
//! one candle conv2d over the temporal taps stacked along channels.
//!
//! One file per idea, after candle's `stable_diffusion` layout: `config` (the `config.json`),
//! `norm` and `conv` (the layers), `resnet`, `resample` and `blocks` (the building blocks),
//! `encoder` and `decoder`, and `tiling`. Weights load by their diffusers names throughout.

mod blocks;
mod config;
mod conv;
mod decoder;
mod encoder;
mod norm;
mod resample;
mod resnet;
mod tiling;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

pub use config::VaeConfig;
pub use tiling::Tiling;

use crate::conv3d;
use crate::rng::NoiseRng;
use decoder::Decoder;
use encoder::Encoder;
use norm::per_channel;

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
