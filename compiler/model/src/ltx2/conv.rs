//! The 3-D convolution of LTX-2's video VAE and latent upsampler: a cubic kernel, temporal
//! replicate padding chosen per call (causal or centred), spatial padding with zeros or by
//! reflection.
//!
//! On the CPU in f32 it runs tap by tap through [`crate::conv3d`] (no padded or stacked
//! copies; replicate and zero padding, in time and space, by index arithmetic). Elsewhere the
//! temporal taps are stacked along channels for one candle conv2d, as the LTX-Video VAE does.
//! Reflection padding is materialised first in both cases (only the 2.0 decoder uses it).

use candle_core::{DType, Tensor};
use candle_nn::VarBuilder;

use crate::conv3d;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpatialPadding {
    Zeros,
    Reflect,
}

impl SpatialPadding {
    pub fn parse(value: Option<&str>, default: Self) -> Option<Self> {
        match value {
            None => Some(default),
            Some("zeros") => Some(Self::Zeros),
            Some("reflect") => Some(Self::Reflect),
            Some(_) => None,
        }
    }
}

/// Temporal padding of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimePadding {
    /// k - 1 copies of the first frame in front.
    Causal,
    /// (k - 1) / 2 copies of the first frame in front and of the last behind.
    Centered,
    /// None (a pointwise convolution, or a kernel of depth 1).
    None,
    /// (k - 1) / 2 zero frames on both sides (`nn.Conv3d(padding=k // 2)`).
    Zeros,
}

#[derive(Debug, Clone)]
enum Weight {
    /// f32 on the CPU, [kt, out, in, kh, kw] (see [`crate::conv3d`]).
    TapMajor(Tensor),
    /// Elsewhere, [out, kt·in, kh, kw] for candle's conv2d.
    Stacked(Tensor),
}

#[derive(Debug, Clone)]
pub struct Conv3d {
    weight: Weight,
    bias: Tensor,
    k: usize,
    stride: (usize, usize),
    padding: SpatialPadding,
    /// Whether space is padded at all (`k / 2` on each side); plain 1x1x1 convolutions are not.
    pad_space: bool,
}

/// Reflection padding by `p` on both sides of the last two dimensions.
fn reflect_pad(x: &Tensor, p: usize) -> candle_core::Result<Tensor> {
    let mut x = x.clone();
    for dim in [3, 4] {
        let n = x.dim(dim)?;
        if p >= n {
            return Err(candle_core::Error::Msg(format!(
                "reflection padding of {p} needs more than {n} pixels along a side"
            )));
        }
        let mut parts = Vec::with_capacity(2 * p + 1);
        for i in (1..=p).rev() {
            parts.push(x.narrow(dim, i, 1)?);
        }
        parts.push(x.clone());
        for i in 1..=p {
            parts.push(x.narrow(dim, n - 1 - i, 1)?);
        }
        x = Tensor::cat(&parts, dim)?;
    }
    Ok(x)
}

impl Conv3d {
    /// Loads `weight` [out, in, k, k, k] and `bias` from `vb` (a `conv` module).
    pub fn load(
        cin: usize,
        cout: usize,
        k: usize,
        stride: (usize, usize),
        padding: SpatialPadding,
        pad_space: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let w = vb.get((cout, cin, k, k, k), "weight")?;
        let weight = if w.device().is_cpu() && w.dtype() == DType::F32 {
            Weight::TapMajor(conv3d::tap_major_weight(&w)?)
        } else {
            Weight::Stacked(
                w.permute([0, 2, 1, 3, 4])?
                    .reshape((cout, k * cin, k, k))?
                    .contiguous()?,
            )
        };
        Ok(Self {
            weight,
            bias: vb.get(cout, "bias")?,
            k,
            stride,
            padding,
            pad_space,
        })
    }

    /// Temporal padding (front, back) of the kernel; zero frames are materialised only for
    /// candle's conv2d (see [`Self::forward`]).
    fn time_padding(&self, t: TimePadding) -> (usize, usize) {
        if self.k <= 1 {
            return (0, 0);
        }
        match t {
            TimePadding::Causal => (self.k - 1, 0),
            TimePadding::Centered | TimePadding::Zeros => ((self.k - 1) / 2, (self.k - 1) / 2),
            TimePadding::None => (0, 0),
        }
    }

    fn spec(&self, time: TimePadding, pad_s: usize) -> conv3d::Conv3dSpec {
        let (pad_front, pad_back) = self.time_padding(time);
        conv3d::Conv3dSpec {
            k: self.k,
            stride_t: self.stride.0,
            stride_s: self.stride.1,
            pad_front,
            pad_back,
            pad_s,
            zero_time: time == TimePadding::Zeros,
        }
    }

    /// Whether [`Self::forward_fused`] can take `x`: the CPU kernel with no reflection
    /// padding to materialise first.
    pub(crate) fn fuses(&self, x: &Tensor) -> bool {
        let reflect = self.padding == SpatialPadding::Reflect && self.pad_space && self.k > 1;
        matches!(self.weight, Weight::TapMajor(_))
            && x.dtype() == DType::F32
            && x.device().is_cpu()
            && !reflect
    }

    /// `residual + self(norm(x))` in one pass of the CPU kernel (see
    /// [`conv3d::conv3d_cpu_fused`]); only where [`Self::fuses`] says so.
    pub(crate) fn forward_fused(
        &self,
        x: &Tensor,
        time: TimePadding,
        norm: Option<&conv3d::InputNorm>,
        residual: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        match &self.weight {
            Weight::TapMajor(w) if self.fuses(x) => {
                let half = if self.pad_space { self.k / 2 } else { 0 };
                let spec = self.spec(time, half);
                conv3d::conv3d_cpu_fused(x, w, &self.bias, spec, norm, residual)
            }
            _ => Err(candle_core::Error::Msg(
                "conv3d: the fused form needs f32 CPU weights and input without reflection padding"
                    .into(),
            )),
        }
    }

    pub fn forward(&self, x: &Tensor, time: TimePadding) -> candle_core::Result<Tensor> {
        let half = if self.pad_space { self.k / 2 } else { 0 };
        let (x, pad_s) = match self.padding {
            SpatialPadding::Reflect if half > 0 => (reflect_pad(x, half)?, 0),
            _ => (x.clone(), half),
        };
        match &self.weight {
            Weight::TapMajor(w) => {
                if x.dtype() != DType::F32 || !x.device().is_cpu() {
                    return Err(candle_core::Error::Msg(format!(
                        "VAE weights are f32 on the CPU but the input is {:?} on {:?}",
                        x.dtype(),
                        x.device()
                    )));
                }
                conv3d::conv3d_cpu(&x, w, &self.bias, self.spec(time, pad_s))
            }
            Weight::Stacked(w) => {
                let x = if time == TimePadding::Zeros && self.k > 1 {
                    let (b, c, _, h, w) = x.dims5()?;
                    let z = Tensor::zeros((b, c, (self.k - 1) / 2, h, w), x.dtype(), x.device())?;
                    Tensor::cat(&[&z, &x, &z], 2)?
                } else {
                    x
                };
                let pads = match time {
                    TimePadding::Zeros => (0, 0),
                    t => self.time_padding(t),
                };
                self.forward_stacked(&x, w, pads, pad_s)
            }
        }
    }

    fn forward_stacked(
        &self,
        x: &Tensor,
        weight: &Tensor,
        (front, back): (usize, usize),
        pad_s: usize,
    ) -> candle_core::Result<Tensor> {
        let x = if front + back > 0 {
            x.pad_with_same(2, front, back)?
        } else {
            x.clone()
        };
        let x = x.to_dtype(weight.dtype())?.contiguous()?;
        let (b, c, f, h, w) = x.dims5()?;
        let (st, ss) = self.stride;
        let f_out = (f - self.k) / st + 1;
        let taps = (0..self.k)
            .map(|dt| {
                let idx: Vec<u32> = (0..f_out).map(|o| (o * st + dt) as u32).collect();
                let idx = Tensor::from_vec(idx, f_out, x.device())?;
                x.index_select(&idx, 2)
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let stacked = Tensor::stack(&taps, 1)?
            .permute([0, 3, 1, 2, 4, 5])?
            .reshape((b * f_out, self.k * c, h, w))?
            .contiguous()?;
        drop(taps);
        let y = stacked.conv2d(weight, pad_s, ss, 1, 1)?;
        let (_, o, ho, wo) = y.dims4()?;
        let y = y.broadcast_add(&self.bias.reshape((1, o, 1, 1))?)?;
        y.reshape((b, f_out, o, ho, wo))?
            .permute([0, 2, 1, 3, 4])?
            .contiguous()
    }
}
