//! `LTX2LatentUpsamplerModel` against diffusers: the 2.3 upsampler (convolution and pixel
//! shuffle) from the upsampler fixture and the 2.0 one (rational resampler) from the goldens.

mod ltx2common;

use std::path::Path;

use candle_core::{DType, Device};
use ltx2common::*;
use scene_model::loader::{read_json, Weights};
use scene_model::ltx2::upsampler::{LatentUpsampler, UpsamplerConfig};

fn check(dir: &Path, golden_path: std::path::PathBuf, what: &str) {
    let cfg: UpsamplerConfig = read_json(&dir.join("config.json")).unwrap();
    cfg.validate().unwrap();
    let up = Weights::open("latent_upsampler", dir)
        .unwrap()
        .build(DType::F32, &Device::Cpu, |vb| {
            LatentUpsampler::load(&cfg, vb)
        })
        .unwrap();
    let g = load(golden_path);
    let out = up.forward(&g["latents"]).unwrap();
    assert_within(what, &out, &g["upsampled"], MODULE_TOLERANCE);
}

#[test]
fn latent_upsampler_parity_2_3() {
    check(
        &upsampler_fixture(),
        goldens().join("upsampler.safetensors"),
        "2.3 latent upsampler",
    );
}

#[test]
fn latent_upsampler_parity_2_0() {
    check(
        &v20().join("latent_upsampler"),
        v20().join("upsampler.safetensors"),
        "2.0 latent upsampler (rational resampler)",
    );
}
