//! The VAE decoder: mid block, depth-to-space up blocks, optional timestep conditioning, and
//! the un-patchify back to pixels.

use candle_core::Tensor;
use candle_nn::VarBuilder;

use super::blocks::{MidBlock, UpBlock};
use super::config::VaeConfig;
use super::conv::CausalConv3d;
use super::norm::norm_modulate_silu;
use super::resample::Upsampler;
use super::resnet::{decode_timestep_required, ResnetBlock};
use crate::rng::NoiseRng;
use crate::transformer::TimestepEmbedding;

#[derive(Debug, Clone)]
pub(super) struct Decoder {
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
    pub(super) fn load(cfg: &VaeConfig, vb: VarBuilder) -> candle_core::Result<Self> {
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

    pub(super) fn forward(
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
