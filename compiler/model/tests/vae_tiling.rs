//! Tiled decoding (bounded memory) against decoding in one piece.
//!
//! The decoder is a local operator, but a tile sees zeros (space) or its own edge frame (time)
//! where the full latent has neighbours, and the linear cross-fade over each overlap mixes two
//! tiles that are both inexact right at the seam. So tiled decoding equals the one-piece
//! decode exactly only when no split happens (tested bit for bit). With splits it is an
//! approximation, as in diffusers (whose tiled output `vae_parity` matches): these tests
//! measure the error against the whole decode so it is on record.

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

/// The 0.9.0-style VAE: no noise injection, so tiles and the whole decode see no random draws
/// and any difference is the tiling's own.
fn vae090() -> LtxVae {
    load(goldens().join("vae090"))
}

fn latents(shape: (usize, usize, usize, usize, usize)) -> Tensor {
    NoiseRng::new(11).normal(shape, &Device::Cpu).unwrap()
}

#[test]
fn tiling_without_a_split_is_the_plain_decode() {
    let vae = vae090();
    // 2 latent frames and 2x3 latents fit in the default tile (16 frames, 512x512 pixels).
    let z = latents((1, 8, 2, 2, 3));
    let whole = vae.decode(&z, None, &mut NoiseRng::new(0)).unwrap();
    let tiled = vae
        .decode_tiled(&z, None, &mut NoiseRng::new(0), &Tiling::default())
        .unwrap();
    assert_eq!(max_abs_diff(&whole, &tiled), 0.0);
}

/// Decodes `z` whole and tiled; returns the per-frame max abs error and the output range.
fn tiling_error(z: &Tensor, tiling: &Tiling) -> (Vec<f32>, f32) {
    let vae = vae090();
    let whole = vae.decode(z, None, &mut NoiseRng::new(0)).unwrap();
    let tiled = vae
        .decode_tiled(z, None, &mut NoiseRng::new(0), tiling)
        .unwrap();
    assert_eq!(whole.dims(), tiled.dims());
    let per_frame: Vec<f32> = (0..whole.dim(2).unwrap())
        .map(|f| {
            max_abs_diff(
                &whole.narrow(2, f, 1).unwrap(),
                &tiled.narrow(2, f, 1).unwrap(),
            )
        })
        .collect();
    let range = whole
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    assert!(per_frame.iter().all(|e| e.is_finite()));
    (per_frame, range)
}

/// Spatial tiles of 4 latents every 3 (6x6 latents, 192x192 pixels, seams cross-faded over
/// pixels 96..128). The tiny random VAE's receptive field spans several latents, so the
/// difference is not confined to the seam; the measured value is recorded in
/// BENCHMARKS-model.md. It must not be zero (that would mean no split happened).
#[test]
fn spatial_tiling_error_against_the_whole_decode() {
    let z = latents((1, 8, 2, 6, 6));
    let tiling = Tiling {
        min_height: 128,
        min_width: 128,
        min_frames: 64,
        stride_height: 96,
        stride_width: 96,
        stride_frames: 56,
        spatial: true,
        temporal: false,
    };
    let (per_frame, range) = tiling_error(&z, &tiling);
    let worst = per_frame.iter().copied().fold(0f32, f32::max);
    eprintln!("spatial tiling: max abs error {worst:e}, output range {range:e}");
    assert!(worst > 0.0, "the latent was not split");
}

/// Temporal tiles of 2 (+1) latent frames every 2 (5 latent frames, 33 frames), cross-faded
/// over 8 frames. Each tile pads its own edge frames where the whole latent has neighbours,
/// so frames near every tile end differ; the measured values are recorded in
/// BENCHMARKS-model.md.
#[test]
fn temporal_tiling_error_against_the_whole_decode() {
    let z = latents((1, 8, 5, 1, 2));
    let tiling = Tiling {
        min_height: 512,
        min_width: 512,
        min_frames: 16,
        stride_height: 448,
        stride_width: 448,
        stride_frames: 8,
        spatial: true,
        temporal: true,
    };
    let (per_frame, range) = tiling_error(&z, &tiling);
    eprintln!("temporal tiling: max abs error per frame {per_frame:?}, output range {range:e}");
    assert_eq!(per_frame.len(), 33);
    assert!(
        per_frame.iter().any(|e| *e > 0.0),
        "the latent was not split"
    );
}

fn video(shape: (usize, usize, usize, usize, usize)) -> Tensor {
    NoiseRng::new(5)
        .normal(shape, &Device::Cpu)
        .unwrap()
        .affine(0.5, 0.0)
        .unwrap()
}

#[test]
fn encoding_without_a_split_is_the_plain_encode() {
    let vae = vae090();
    // 9 frames of 64x96 pixels fit in the default tile.
    let v = video((1, 3, 9, 64, 96));
    let whole = vae.encode(&v).unwrap().mode();
    let tiled = vae.encode_tiled(&v, &Tiling::default()).unwrap().mode();
    assert_eq!(max_abs_diff(&whole, &tiled), 0.0);
}

/// Spatial tiles of 128 pixels every 96 and temporal tiles of 16 (+1) frames every 8: the
/// tiled latents have the whole encode's shape, and differ from it near the seams (the
/// measured error is printed; it must not be zero, or no split happened).
#[test]
fn tiled_encoding_keeps_the_shape_and_records_its_error() {
    let vae = vae090();
    for (shape, tiling) in [
        (
            (1, 3, 9, 192, 192),
            Tiling {
                min_height: 128,
                min_width: 128,
                min_frames: 64,
                stride_height: 96,
                stride_width: 96,
                stride_frames: 56,
                spatial: true,
                temporal: false,
            },
        ),
        ((1, 3, 33, 32, 64), Tiling::default()),
    ] {
        let v = video(shape);
        let whole = vae.encode(&v).unwrap().mode();
        let tiled = vae.encode_tiled(&v, &tiling).unwrap().mode();
        assert_eq!(whole.dims(), tiled.dims(), "{shape:?}");
        let err = max_abs_diff(&whole, &tiled);
        eprintln!("tiled encode {shape:?}: max abs error {err:e}");
        assert!(
            err > 0.0 && err.is_finite(),
            "{shape:?}: the video was not split"
        );
    }
}
