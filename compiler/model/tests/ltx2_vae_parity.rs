//! `AutoencoderKLLTX2Video` against diffusers: encode (the posterior's mode) and decode in both
//! layouts — 2.3 (zero padding, mixed up-sampling kinds) from the tiny folder, 2.0 (residual
//! upsamplers, reflect padding, timestep conditioning, noise injection) from the goldens — and
//! tiled encode and decode as diffusers tiles them.

mod ltx2common;

use std::path::Path;

use candle_core::{DType, Device};
use ltx2common::*;
use scene_model::loader::{read_json, Weights};
use scene_model::ltx2::video_vae::{Ltx2Vae, Ltx2VaeConfig};
use scene_model::rng::NoiseRng;
use scene_model::vae::Tiling;

fn vae(dir: &Path) -> Ltx2Vae {
    let cfg: Ltx2VaeConfig = read_json(&dir.join("config.json")).unwrap();
    cfg.validate().unwrap();
    Weights::open("vae", dir)
        .unwrap()
        .build(DType::F32, &Device::Cpu, |vb| {
            Ltx2Vae::load(&cfg, vb).map_err(|e| candle_core::Error::Msg(e.to_string()))
        })
        .unwrap()
}

/// The golden script's tiles: 2 latent frames (stride 1) in time, 2x2 latents (stride 1) in
/// space.
fn tiling() -> Tiling {
    Tiling {
        min_height: 64,
        min_width: 64,
        min_frames: 16,
        stride_height: 32,
        stride_width: 32,
        stride_frames: 8,
        spatial: true,
        temporal: true,
    }
}

#[test]
fn video_vae_parity_2_3_layout() {
    let vae = vae(&fixture().join("vae"));
    let g = golden("vae");
    let mode = vae.encode_mode(&g["video"], None).unwrap();
    assert_within("2.3 encode", &mode, &g["posterior_mode"], DECODER_TOLERANCE);
    let decoded = vae
        .decode(&g["latents"], None, &mut NoiseRng::new(8), None)
        .unwrap();
    assert_within("2.3 decode", &decoded, &g["decoded"], DECODER_TOLERANCE);
}

#[test]
fn video_vae_tiled_parity_2_3_layout() {
    let vae = vae(&fixture().join("vae"));
    let g = golden("vae");
    let t = tiling();
    let decoded = vae
        .decode(&g["latents"], None, &mut NoiseRng::new(9), Some(&t))
        .unwrap();
    assert_within(
        "2.3 tiled decode",
        &decoded,
        &g["decoded_tiled"],
        DECODER_TOLERANCE,
    );
    let mode = vae.encode_mode(&g["video"], Some(&t)).unwrap();
    assert_within(
        "2.3 tiled encode",
        &mode,
        &g["posterior_mode_tiled"],
        DECODER_TOLERANCE,
    );
    // Tiling changes the result (the blended seams), so the test above is not trivially equal
    // to the whole-video one.
    assert!(max_abs_diff(&g["decoded"], &g["decoded_tiled"]) > 1e-3);
}

#[test]
fn video_vae_parity_2_0_layout() {
    let vae = vae(&v20().join("vae"));
    let g = load(v20().join("vae.safetensors"));
    let mode = vae.encode_mode(&g["video"], None).unwrap();
    assert_within("2.0 encode", &mode, &g["posterior_mode"], DECODER_TOLERANCE);
    let decoded = vae
        .decode(
            &g["latents"],
            Some(&g["decode_timestep"]),
            &mut NoiseRng::new(8),
            None,
        )
        .unwrap();
    assert_within(
        "2.0 decode (timestep, noise)",
        &decoded,
        &g["decoded"],
        DECODER_TOLERANCE,
    );
}

#[test]
fn timestep_conditioned_decoder_needs_a_timestep() {
    let vae = vae(&v20().join("vae"));
    let g = load(v20().join("vae.safetensors"));
    let err = vae
        .decode(&g["latents"], None, &mut NoiseRng::new(8), None)
        .unwrap_err();
    assert!(err.to_string().contains("timestep"), "{err}");
}
