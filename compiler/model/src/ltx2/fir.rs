//! The vocoder's low-pass resampling filters — one FIR filter applied alike to every channel,
//! upsampling (a transposed convolution) or downsampling (a strided convolution), with
//! replicate padding — as direct polyphase loops on the CPU.
//!
//! Written with candle ops this is a convolution over `B·C` one-channel signals: for the real
//! vocoder (hundreds of channels, tens of thousands of samples, a 12-tap filter), a batched
//! GEMM with an inner dimension of 1 per channel, far slower than the few multiply-adds per
//! output sample the filter needs. Other devices and dtypes keep the candle form.

use candle_core::{DType, Device, Tensor};
use rayon::prelude::*;

/// True when the loops apply: an f32 tensor on the CPU.
pub(crate) fn applies(x: &Tensor) -> bool {
    x.device().is_cpu() && x.dtype() == DType::F32
}

fn rows(x: &Tensor) -> candle_core::Result<(Vec<f32>, usize, usize, usize)> {
    let (b, c, t) = x.dims3()?;
    let data = x.contiguous()?.flatten_all()?.to_vec1::<f32>()?;
    Ok((data, b, c, t))
}

/// Replicate-pads each row by (`left`, `right`), then `scale ·` the transposed convolution
/// with `filter` at `stride`, keeping outputs `crop_left..len - crop_right`.
pub(crate) fn upsample(
    x: &Tensor,
    filter: &[f32],
    stride: usize,
    pad: usize,
    (crop_left, crop_right): (usize, usize),
    scale: f32,
) -> candle_core::Result<Tensor> {
    let (data, b, c, t) = rows(x)?;
    let k = filter.len();
    let padded = t + 2 * pad;
    let full = (padded - 1) * stride + k;
    let out_len = full.saturating_sub(crop_left + crop_right);
    let mut out = vec![0f32; b * c * out_len];
    out.par_chunks_mut(out_len)
        .zip(data.par_chunks(t))
        .for_each(|(o, row)| {
            // Sample i of the padded row, clamped into the row (replicate padding).
            let at = |i: usize| row[i.saturating_sub(pad).min(t - 1)];
            for (jo, y) in o.iter_mut().enumerate() {
                let j = jo + crop_left;
                let mut acc = 0f32;
                // Taps k with k ≡ j (mod stride) and i = (j - k) / stride inside the row.
                let mut tap = j % stride;
                while tap < k {
                    if tap <= j {
                        let i = (j - tap) / stride;
                        if i < padded {
                            acc += at(i) * filter[tap];
                        }
                    }
                    tap += stride;
                }
                *y = acc * scale;
            }
        });
    Tensor::from_vec(out, (b, c, out_len), &Device::Cpu)
}

/// Replicate-pads each row by (`left`, `right`), then convolves with `filter` at `stride`.
pub(crate) fn downsample(
    x: &Tensor,
    filter: &[f32],
    stride: usize,
    (left, right): (usize, usize),
) -> candle_core::Result<Tensor> {
    let (data, b, c, t) = rows(x)?;
    let k = filter.len();
    let padded = t + left + right;
    let out_len = if padded >= k {
        (padded - k) / stride + 1
    } else {
        0
    };
    let mut out = vec![0f32; b * c * out_len];
    out.par_chunks_mut(out_len.max(1))
        .zip(data.par_chunks(t))
        .for_each(|(o, row)| {
            let at = |i: usize| row[i.saturating_sub(left).min(t - 1)];
            for (jo, y) in o.iter_mut().enumerate() {
                let start = jo * stride;
                let mut acc = 0f32;
                for (tap, f) in filter.iter().enumerate() {
                    acc += at(start + tap) * f;
                }
                *y = acc;
            }
        });
    Tensor::from_vec(out, (b, c, out_len), &Device::Cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(b: usize, c: usize, t: usize) -> Tensor {
        let v: Vec<f32> = (0..b * c * t)
            .map(|i| ((i * 7919 % 1000) as f32 / 500.0) - 1.0)
            .collect();
        Tensor::from_vec(v, (b, c, t), &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar()
            .unwrap()
    }

    /// The loops compute what candle's padding and (transposed) convolutions compute.
    #[test]
    fn loops_equal_candle_convolutions() {
        let x = signal(2, 3, 37);
        let f: Vec<f32> = (0..12).map(|i| (i as f32 * 0.37).sin() * 0.2).collect();
        let ft = Tensor::from_vec(f.clone(), (1, 1, 12), &Device::Cpu).unwrap();
        let flat = |t: &Tensor, n: usize| t.reshape((6, 1, n)).unwrap();
        // Upsample by 2: pad 5, crop 15 and 15, scale 2.
        let padded = x.pad_with_same(2, 5, 5).unwrap();
        let y = flat(&padded, 47)
            .conv_transpose1d(&ft, 0, 0, 2, 1, 1)
            .unwrap();
        let n = y.dim(2).unwrap();
        let want = (y.narrow(2, 15, n - 30).unwrap() * 2.0)
            .unwrap()
            .reshape((2, 3, n - 30))
            .unwrap();
        let got = upsample(&x, &f, 2, 5, (15, 15), 2.0).unwrap();
        assert!(max_diff(&got, &want) < 1e-6);
        // Downsample by 2: pad 5 left, 6 right.
        let padded = x.pad_with_same(2, 5, 6).unwrap();
        let y = flat(&padded, 48).conv1d(&ft, 0, 2, 1, 1).unwrap();
        let n = y.dim(2).unwrap();
        let want = y.reshape((2, 3, n)).unwrap();
        let got = downsample(&x, &f, 2, (5, 6)).unwrap();
        assert!(max_diff(&got, &want) < 1e-6);
    }
}
