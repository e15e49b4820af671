//! `LTXVideoCausalConv3d`: a 3D convolution, causal or symmetric in time, with its weights
//! laid out for the device's kernel.

use candle_core::{DType, Tensor};
use candle_nn::VarBuilder;

use crate::conv3d;

/// Convolution weights in the layout the device's kernel wants.
#[derive(Debug, Clone)]
enum Conv3dWeight {
    /// f32 on the CPU: [kt, out, in, kh, kw], one GEMM matrix per temporal tap
    /// (see [`crate::conv3d`]).
    TapMajor(Tensor),
    /// Other devices and dtypes: [out, kt * in, kh, kw], the temporal taps stacked along input
    /// channels for candle's conv2d.
    Stacked(Tensor),
}

/// `LTXVideoCausalConv3d`: replicate-pads time (causally or symmetrically), zero-pads space.
#[derive(Debug, Clone)]
pub(super) struct CausalConv3d {
    weight: Conv3dWeight,
    bias: Tensor,
    kt: usize,
    kh: usize,
    stride: (usize, usize),
    causal: bool,
}

impl CausalConv3d {
    pub(super) fn load(
        cin: usize,
        cout: usize,
        k: usize,
        stride: (usize, usize),
        causal: bool,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let vb = vb.pp("conv");
        let w = vb.get((cout, cin, k, k, k), "weight")?;
        let weight = if w.device().is_cpu() && w.dtype() == DType::F32 {
            Conv3dWeight::TapMajor(conv3d::tap_major_weight(&w)?)
        } else {
            Conv3dWeight::Stacked(
                w.permute([0, 2, 1, 3, 4])?
                    .reshape((cout, k * cin, k, k))?
                    .contiguous()?,
            )
        };
        let bias = vb.get(cout, "bias")?;
        Ok(Self {
            weight,
            bias,
            kt: k,
            kh: k,
            stride,
            causal,
        })
    }

    /// Temporal replicate padding (front, back).
    fn temporal_padding(&self) -> (usize, usize) {
        if self.kt <= 1 {
            (0, 0)
        } else if self.causal {
            (self.kt - 1, 0)
        } else {
            ((self.kt - 1) / 2, (self.kt - 1) / 2)
        }
    }

    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match &self.weight {
            Conv3dWeight::TapMajor(w) => {
                if x.dtype() != DType::F32 || !x.device().is_cpu() {
                    return Err(candle_core::Error::Msg(format!(
                        "VAE weights are f32 on the CPU but the input is {:?} on {:?}",
                        x.dtype(),
                        x.device()
                    )));
                }
                let (pad_front, pad_back) = self.temporal_padding();
                let spec = conv3d::Conv3dSpec {
                    k: self.kt,
                    stride_t: self.stride.0,
                    stride_s: self.stride.1,
                    pad_front,
                    pad_back,
                    pad_s: self.kh / 2,
                    zero_time: false,
                };
                conv3d::conv3d_cpu(x, w, &self.bias, spec)
            }
            Conv3dWeight::Stacked(w) => self.forward_stacked(x, w),
        }
    }

    /// The portable path: one candle conv2d over the temporal taps stacked along channels.
    fn forward_stacked(&self, x: &Tensor, weight: &Tensor) -> candle_core::Result<Tensor> {
        let (front, back) = self.temporal_padding();
        let x = if front + back > 0 {
            x.pad_with_same(2, front, back)?
        } else {
            x.clone()
        };
        let x = x.contiguous()?;
        let (b, c, f, h, w) = x.dims5()?;
        let (st, ss) = self.stride;
        let f_out = (f - self.kt) / st + 1;
        // Stack the kt temporal taps of every output frame along channels.
        let taps = (0..self.kt)
            .map(|dt| {
                let idx: Vec<u32> = (0..f_out).map(|o| (o * st + dt) as u32).collect();
                let idx = Tensor::from_vec(idx, f_out, x.device())?;
                x.index_select(&idx, 2)
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let stacked = Tensor::stack(&taps, 1)? // [b, kt, c, f_out, h, w]
            .permute([0, 3, 1, 2, 4, 5])? // [b, f_out, kt, c, h, w]
            .reshape((b * f_out, self.kt * c, h, w))?
            .contiguous()?;
        drop(taps);
        let y = stacked.conv2d(weight, self.kh / 2, ss, 1, 1)?;
        let (_, o, ho, wo) = y.dims4()?;
        let y = y.broadcast_add(&self.bias.reshape((1, o, 1, 1))?)?;
        y.reshape((b, f_out, o, ho, wo))?
            .permute([0, 2, 1, 3, 4])?
            .contiguous()
    }
}
