//! The project's own noise generator: identical draws on every machine and in the Python
//! reference (`tests/parity/make_goldens.py` replays it in numpy).
//!
//! A counter-based SplitMix64 stream: draw `k` (1-based) is `mix(seed + k * GAMMA)`, so the
//! stream depends only on the seed and how many values were taken before. Normal values come
//! from Box–Muller on pairs of draws, computed in f64 and rounded to f32. A request for an odd
//! count still consumes a whole pair for the last value, so counts stay easy to replay.

use candle_core::{Device, Shape, Tensor};

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoiseRng {
    seed: u64,
    counter: u64,
}

impl NoiseRng {
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }

    /// How many 64-bit values have been drawn so far.
    pub fn position(&self) -> u64 {
        self.counter
    }

    pub fn next_u64(&mut self) -> u64 {
        self.counter = self.counter.wrapping_add(1);
        mix(self.seed.wrapping_add(self.counter.wrapping_mul(GAMMA)))
    }

    /// Uniform in (0, 1], never 0 so the logarithm below is finite.
    fn unit_open_low(x: u64) -> f64 {
        ((x >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, 1).
    fn unit(x: u64) -> f64 {
        (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `n` standard normal values, in order.
    pub fn normal_vec(&mut self, n: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(n + 1);
        while out.len() < n {
            let u1 = Self::unit_open_low(self.next_u64());
            let u2 = Self::unit(self.next_u64());
            let r = (-2.0 * u1.ln()).sqrt();
            let theta = 2.0 * std::f64::consts::PI * u2;
            out.push((r * theta.cos()) as f32);
            out.push((r * theta.sin()) as f32);
        }
        out.truncate(n);
        out
    }

    /// A tensor of standard normal values filled in row-major order.
    pub fn normal(
        &mut self,
        shape: impl Into<Shape>,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        let shape = shape.into();
        let data = self.normal_vec(shape.elem_count());
        Tensor::from_vec(data, shape, device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_fixed() {
        let mut a = NoiseRng::new(42);
        let mut b = NoiseRng::new(42);
        assert_eq!(a.normal_vec(5), b.normal_vec(5));
        assert_eq!(a.position(), 6);
        let mut c = NoiseRng::new(43);
        assert_ne!(NoiseRng::new(42).normal_vec(4), c.normal_vec(4));
    }

    #[test]
    fn roughly_standard_normal() {
        let v = NoiseRng::new(7).normal_vec(20000);
        let mean = v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (*x as f64 - mean).powi(2)).sum::<f64>() / v.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }
}
