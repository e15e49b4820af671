//! The project's noise generator against its numpy replay in the reference script.

mod common;

use candle_core::{Device, Tensor};
use common::*;
use scene_model::rng::NoiseRng;

#[test]
fn rng_parity_with_numpy_replay() {
    let g = golden("rng");
    let mut r = NoiseRng::new(42);
    let a = Tensor::new(r.normal_vec(7), &Device::Cpu).unwrap();
    let b = Tensor::new(r.normal_vec(4), &Device::Cpu).unwrap();
    assert_eq!(max_abs_diff(&a, &g["seed42_first7"]), 0.0);
    assert_eq!(max_abs_diff(&b, &g["seed42_next4"]), 0.0);
    let mut r = NoiseRng::new(u64::MAX - 4);
    let c = Tensor::new(r.normal_vec(3), &Device::Cpu).unwrap();
    assert_eq!(max_abs_diff(&c, &g["seed_max"]), 0.0);
}
