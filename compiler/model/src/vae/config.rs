//! `VaeConfig`: the VAE's `config.json` as diffusers writes it, with diffusers' defaults, and
//! the checks that reject configurations this port does not implement.

use serde::Deserialize;

use crate::error::{ModelError, Result};

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

    /// 0.9.5+ checkpoints: the last encoder block is a `LTXVideo095DownBlock3D` with its own
    /// downsampler kinds.
    pub(super) fn is_095(&self) -> bool {
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
