//! The per-channel normalisations the VAE's blocks use: pixel (RMS) norm fused with modulation
//! and SiLU, and a layer norm across channels.

use candle_core::Tensor;

use crate::pixel_norm;

fn rms_norm_channels(x: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    let var = x.sqr()?.mean_keepdim(1)?;
    x.broadcast_div(&(var + eps)?.sqrt()?)
}

/// silu(modulate(pixel norm(x))): every resnet block's pre-activation, fused on the CPU.
/// `scale_shift` multiplies by (1 + scale) and adds shift, per batch item and channel.
pub(super) fn norm_modulate_silu(
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

pub(super) fn per_channel(t: &Tensor) -> candle_core::Result<Tensor> {
    let c = t.elem_count();
    t.reshape((1, c, 1, 1, 1))
}

#[derive(Debug, Clone)]
pub(super) struct LayerNormChannels {
    pub(super) weight: Tensor,
    pub(super) bias: Tensor,
    pub(super) eps: f64,
}

impl LayerNormChannels {
    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mean = x.mean_keepdim(1)?;
        let xc = x.broadcast_sub(&mean)?;
        let var = xc.sqr()?.mean_keepdim(1)?;
        xc.broadcast_div(&(var + self.eps)?.sqrt()?)?
            .broadcast_mul(&per_channel(&self.weight)?)?
            .broadcast_add(&per_channel(&self.bias)?)
    }
}
