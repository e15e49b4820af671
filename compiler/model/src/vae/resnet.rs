//! `LTXVideoResnetBlock3d`: the VAE's residual block, optionally timestep-modulated and with
//! per-channel noise injection.

use candle_core::Tensor;
use candle_nn::VarBuilder;

use super::conv::CausalConv3d;
use super::norm::{norm_modulate_silu, LayerNormChannels};
use crate::rng::NoiseRng;

/// `LTXVideoResnetBlock3d`.
#[derive(Debug, Clone)]
pub(super) struct ResnetBlock {
    conv1: CausalConv3d,
    conv2: CausalConv3d,
    norm3: Option<LayerNormChannels>,
    conv_shortcut: Option<CausalConv3d>,
    noise_scales: Option<(Tensor, Tensor)>,
    scale_shift_table: Option<Tensor>,
}

pub(super) fn decode_timestep_required() -> candle_core::Error {
    candle_core::Error::Msg(
        "the VAE decoder is timestep-conditioned: a decode timestep is required".into(),
    )
}

impl ResnetBlock {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn load(
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

    pub(super) fn forward(
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
