//! `LTX2TextConnectors` against diffusers, in both layouts: 2.3 (per-stream projections, RMS
//! features, gated attention, split RoPE) from the tiny folder, and 2.0 (masked mean/range
//! features, one projection, interleaved RoPE in f32) from the goldens.

mod ltx2common;

use std::path::Path;

use candle_core::{DType, Device, IndexOp};
use ltx2common::*;
use scene_model::loader::{read_json, Weights};
use scene_model::ltx2::connectors::{ConnectorsConfig, TextConnectors};
use scene_model::ltx2::text::EncodedPrompt;

fn check(dir: &Path, golden_path: std::path::PathBuf, what: &str) {
    let cfg: ConnectorsConfig = read_json(&dir.join("config.json")).unwrap();
    cfg.validate().unwrap();
    let connectors = Weights::open("connectors", dir)
        .unwrap()
        .build(DType::F32, &Device::Cpu, |vb| {
            TextConnectors::load(&cfg, vb)
        })
        .unwrap();
    let g = load(golden_path);
    let (b, len, _) = g["hidden"].dims3().unwrap();
    let mask: Vec<Vec<f32>> = g["mask"].to_vec2().unwrap();
    for i in 0..b {
        let pad = mask[i].iter().filter(|m| **m == 0.0).count();
        let hidden = g["hidden"]
            .i((i, pad..len))
            .unwrap()
            .reshape((len - pad, cfg.caption_channels, cfg.text_proj_in_factor))
            .unwrap();
        let out = connectors
            .forward(&EncodedPrompt {
                hidden,
                padded_len: len,
            })
            .unwrap();
        assert_within(
            &format!("{what} video embeddings, prompt {i}"),
            &out.video.squeeze(0).unwrap(),
            &g["video"].i(i).unwrap(),
            MODULE_TOLERANCE,
        );
        assert_within(
            &format!("{what} audio embeddings, prompt {i}"),
            &out.audio.squeeze(0).unwrap(),
            &g["audio"].i(i).unwrap(),
            MODULE_TOLERANCE,
        );
    }
    // The reference's output mask attends to every position, registers or not.
    let out_mask: Vec<Vec<f32>> = g["out_mask"].to_vec2().unwrap();
    assert!(out_mask.iter().flatten().all(|m| *m == 1.0));
}

#[test]
fn connectors_parity_2_3_layout() {
    check(
        &fixture().join("connectors"),
        goldens().join("connectors.safetensors"),
        "2.3 connectors",
    );
}

#[test]
fn connectors_parity_2_0_layout() {
    check(
        &v20().join("connectors"),
        v20().join("connectors.safetensors"),
        "2.0 connectors",
    );
}
