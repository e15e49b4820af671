//! The VAE encoder: 4x4 patchify, down blocks, mid block, and the moments' projection.

use candle_core::Tensor;
use candle_nn::VarBuilder;

use super::blocks::{DownBlock, DownSampling, MidBlock};
use super::config::VaeConfig;
use super::conv::CausalConv3d;
use super::norm::norm_modulate_silu;
use super::resample::Downsampler;
use super::resnet::ResnetBlock;
use crate::rng::NoiseRng;

#[derive(Debug, Clone)]
pub(super) struct Encoder {
    patch: usize,
    conv_in: CausalConv3d,
    down_blocks: Vec<DownBlock>,
    mid: MidBlock,
    conv_out: CausalConv3d,
}

impl Encoder {
    pub(super) fn load(cfg: &VaeConfig, vb: VarBuilder) -> candle_core::Result<Self> {
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

    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
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
