//! The VAE's resamplers: space/time-to-depth downsampling and depth-to-space upsampling.

use candle_core::Tensor;
use candle_nn::VarBuilder;

use super::conv::CausalConv3d;

/// Space/time-to-depth: [B, C, F*st, H*sh, W*sw] -> [B, C*st*sh*sw, F, H, W], channel order
/// (c, st, sh, sw) as diffusers' unflatten/permute produces.
fn to_depth(x: &Tensor, s: (usize, usize, usize)) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    let (st, sh, sw) = s;
    x.reshape(vec![b, c, f / st, st, h / sh, sh, w / sw, sw])?
        .permute([0, 1, 3, 5, 7, 2, 4, 6])?
        .reshape((b, c * st * sh * sw, f / st, h / sh, w / sw))
}

/// Depth-to-space, the inverse layout of [`to_depth`].
fn from_depth(x: &Tensor, s: (usize, usize, usize)) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    let (st, sh, sw) = s;
    let co = c / (st * sh * sw);
    x.reshape(vec![b, co, st, sh, sw, f, h, w])?
        .permute([0, 1, 5, 2, 6, 3, 7, 4])?
        .reshape((b, co, f * st, h * sh, w * sw))
}

/// `LTXVideoDownsampler3d`: conv then space-to-depth, plus a grouped-mean residual.
#[derive(Debug, Clone)]
pub(super) struct Downsampler {
    conv: CausalConv3d,
    stride: (usize, usize, usize),
    group_size: usize,
}

impl Downsampler {
    pub(super) fn load(
        cin: usize,
        cout: usize,
        stride: (usize, usize, usize),
        causal: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let prod = stride.0 * stride.1 * stride.2;
        Ok(Self {
            conv: CausalConv3d::load(cin, cout / prod, 3, (1, 1), causal, vb.pp("conv"))?,
            stride,
            group_size: cin * prod / cout,
        })
    }

    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let st = self.stride.0;
        let x = if st > 1 {
            Tensor::cat(&[&x.narrow(2, 0, st - 1)?, x], 2)?
        } else {
            x.clone()
        };
        let residual = to_depth(&x, self.stride)?;
        let (b, c, f, h, w) = residual.dims5()?;
        let residual = residual
            .reshape(vec![b, c / self.group_size, self.group_size, f, h, w])?
            .mean(2)?;
        let y = to_depth(&self.conv.forward(&x)?, self.stride)?;
        y.add(&residual)
    }
}

/// `LTXVideoUpsampler3d`: conv then depth-to-space (2x in time and space), dropping the first
/// frame; optionally adds a depth-to-space residual of the input tiled over channels.
#[derive(Debug, Clone)]
pub(super) struct Upsampler {
    conv: CausalConv3d,
    residual: bool,
    factor: usize,
}

impl Upsampler {
    pub(super) fn load(
        cin: usize,
        causal: bool,
        residual: bool,
        factor: usize,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        Ok(Self {
            conv: CausalConv3d::load(cin, cin * 8 / factor, 3, (1, 1), causal, vb.pp("conv"))?,
            residual,
            factor,
        })
    }

    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let s = (2, 2, 2);
        let res = if self.residual {
            let r = from_depth(x, s)?;
            let r = r.repeat((1, 8 / self.factor, 1, 1, 1))?;
            let f = r.dim(2)?;
            Some(r.narrow(2, 1, f - 1)?)
        } else {
            None
        };
        let y = from_depth(&self.conv.forward(x)?, s)?;
        let f = y.dim(2)?;
        let y = y.narrow(2, 1, f - 1)?;
        match res {
            Some(r) => y.add(&r),
            None => Ok(y),
        }
    }
}
