//! The encoder's down blocks and the decoder's mid and up blocks: resnets around a resampler,
//! with the decoder's optional timestep embedding.

use candle_core::{Tensor, D};
use candle_nn::VarBuilder;

use super::conv::CausalConv3d;
use super::resample::{Downsampler, Upsampler};
use super::resnet::{decode_timestep_required, ResnetBlock};
use crate::rng::NoiseRng;
use crate::transformer::TimestepEmbedding;

#[derive(Debug, Clone)]
pub(super) enum DownSampling {
    None,
    Conv(CausalConv3d),
    Pixel(Downsampler),
}

#[derive(Debug, Clone)]
pub(super) struct DownBlock {
    pub(super) resnets: Vec<ResnetBlock>,
    pub(super) down: DownSampling,
    pub(super) conv_out: Option<ResnetBlock>,
}

impl DownBlock {
    pub(super) fn forward(&self, x: &Tensor, rng: &mut NoiseRng) -> candle_core::Result<Tensor> {
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
pub(super) struct MidBlock {
    time_embedder: Option<TimestepEmbedding>,
    resnets: Vec<ResnetBlock>,
}

impl MidBlock {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn load(
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

    pub(super) fn forward(
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
pub(super) struct UpBlock {
    pub(super) time_embedder: Option<TimestepEmbedding>,
    pub(super) conv_in: Option<ResnetBlock>,
    pub(super) upsampler: Option<Upsampler>,
    pub(super) resnets: Vec<ResnetBlock>,
}

impl UpBlock {
    pub(super) fn forward(
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
