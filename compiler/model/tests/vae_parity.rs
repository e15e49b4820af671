//! VAE encode and decode against diffusers' `AutoencoderKLLTXVideo`, for the 0.9.5-style VAE of
//! the fixture folder and a 0.9.0-style VAE (the other block types and flags).

mod common;

use candle_core::{DType, Device, Tensor};
use common::*;
use scene_model::loader::{read_json, Weights};
use scene_model::rng::NoiseRng;
use scene_model::vae::{LtxVae, Tiling, VaeConfig};

fn load(dir: std::path::PathBuf) -> LtxVae {
    let cfg: VaeConfig = read_json(&dir.join("config.json")).unwrap();
    cfg.validate().unwrap();
    let weights = Weights::open("vae", &dir).unwrap();
    weights
        .build(DType::F32, &Device::Cpu, |vb| LtxVae::load(&cfg, vb))
        .unwrap()
}

fn vae095() -> LtxVae {
    load(fixture().join("vae"))
}

fn vae090() -> LtxVae {
    load(goldens().join("vae090"))
}

fn check_encode(name: &str, vae: &LtxVae) {
    let g = golden(name);
    let moments = vae.encode_moments(&g["video"]).unwrap();
    assert_close(&format!("{name} encoder output"), &moments, &g["encoded"]);
    let post = vae.encode(&g["video"]).unwrap();
    assert_close(
        &format!("{name} posterior mode"),
        &post.mode(),
        &g["posterior_mode"],
    );
    let mut rng = NoiseRng::new(7);
    let sample = post.sample(&mut rng).unwrap();
    assert_close(
        &format!("{name} posterior sample"),
        &sample,
        &g["posterior_sample"],
    );
}

#[test]
fn vae095_encode_parity() {
    check_encode("vae095", &vae095());
}

#[test]
fn vae090_encode_parity() {
    check_encode("vae090", &vae090());
}

#[test]
fn vae095_decode_parity_timestep_and_noise_injection() {
    let vae = vae095();
    let g = golden("vae095");
    let mut rng = NoiseRng::new(8);
    let out = vae
        .decode(&g["latents"], Some(&g["decode_timestep"]), &mut rng)
        .unwrap();
    assert_close("vae095 decode", &out, &g["decoded"]);
}

#[test]
fn vae095_tiled_decode_parity() {
    let vae = vae095();
    let g = golden("vae095");
    let tiling = Tiling {
        min_height: 32,
        min_width: 64,
        min_frames: 16,
        stride_height: 32,
        stride_width: 32,
        stride_frames: 8,
        spatial: true,
        temporal: true,
    };
    let mut rng = NoiseRng::new(9);
    let out = vae
        .decode_tiled(
            &g["latents"],
            Some(&g["decode_timestep"]),
            &mut rng,
            &tiling,
        )
        .unwrap();
    assert_close("vae095 tiled decode", &out, &g["decoded_tiled"]);
}

#[test]
fn vae090_decode_parity() {
    let vae = vae090();
    let g = golden("vae090");
    let mut rng = NoiseRng::new(0);
    let out = vae.decode(&g["latents"], None, &mut rng).unwrap();
    assert_close("vae090 decode", &out, &g["decoded"]);
    assert_eq!(rng.position(), 0, "the 0.9.0 decoder injects no noise");
}

#[test]
fn timestep_conditioned_decoder_requires_a_timestep() {
    let vae = vae095();
    let z = Tensor::zeros((1, 8, 1, 1, 1), DType::F32, &Device::Cpu).unwrap();
    let mut rng = NoiseRng::new(0);
    assert!(vae.decode(&z, None, &mut rng).is_err());
}
