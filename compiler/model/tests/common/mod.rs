//! Shared helpers for the parity tests: where the goldens live and how to compare.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use candle_core::{DType, Device, Tensor};

pub const TOLERANCE: f32 = 1e-4;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture() -> PathBuf {
    repo_root().join("tests/fixtures/ltx-tiny")
}

pub fn goldens() -> PathBuf {
    repo_root().join("tests/parity/goldens")
}

pub fn golden(name: &str) -> HashMap<String, Tensor> {
    let path = goldens().join(format!("{name}.safetensors"));
    candle_core::safetensors::load(&path, &Device::Cpu)
        .unwrap_or_else(|e| panic!("cannot read golden {}: {e}", path.display()))
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
pub fn assert_close(what: &str, got: &Tensor, want: &Tensor) {
    let d = max_abs_diff(got, want);
    eprintln!("{what}: max abs error {d:e}");
    assert!(
        d <= TOLERANCE,
        "{what}: max abs error {d} exceeds {TOLERANCE}"
    );
}
