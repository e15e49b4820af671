//! Shared helpers for the LTX-2 parity tests: where the goldens and the tiny model live, how
//! components load from them, and the comparisons with their tolerances.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};

/// Max abs error allowed for single modules (text encoder, connectors, transformer, upsampler).
pub const MODULE_TOLERANCE: f32 = 1e-5;
/// Max abs error allowed for the VAEs, the vocoders and whole generations.
pub const DECODER_TOLERANCE: f32 = 1e-4;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture() -> PathBuf {
    repo_root().join("tests/fixtures/ltx2-tiny")
}

pub fn upsampler_fixture() -> PathBuf {
    repo_root().join("tests/fixtures/ltx2-tiny-upsampler")
}

pub fn goldens() -> PathBuf {
    repo_root().join("tests/parity/goldens/ltx2")
}

/// The 2.0-layout components.
pub fn v20() -> PathBuf {
    goldens().join("v20")
}

pub fn load(path: PathBuf) -> HashMap<String, Tensor> {
    candle_core::safetensors::load(&path, &Device::Cpu)
        .unwrap_or_else(|e| panic!("cannot read golden {}: {e}", path.display()))
}

pub fn golden(name: &str) -> HashMap<String, Tensor> {
    load(goldens().join(format!("{name}.safetensors")))
}

pub fn golden_json(name: &str) -> serde_json::Value {
    let path = goldens().join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    assert_eq!(a.dims(), b.dims(), "shape mismatch");
    let a = a.to_dtype(DType::F32).unwrap().flatten_all().unwrap();
    let b = b.to_dtype(DType::F32).unwrap().flatten_all().unwrap();
    (a - b)
        .unwrap()
        .abs()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap()
}

#[track_caller]
pub fn assert_within(what: &str, got: &Tensor, want: &Tensor, tolerance: f32) {
    let d = max_abs_diff(got, want);
    eprintln!("{what}: max abs error {d:e}");
    assert!(
        d <= tolerance,
        "{what}: max abs error {d} exceeds {tolerance}"
    );
}
