//! Transformer forward pass against diffusers' `LTXVideoTransformer3DModel`.

mod common;

use candle_core::{DType, Device, Tensor};
use common::*;
use scene_model::loader::{read_json, ModelFolder};
use scene_model::transformer::{LtxTransformer, TextConditioning, TransformerConfig};

fn load() -> LtxTransformer {
    let folder = ModelFolder::open(fixture()).unwrap();
    let cfg: TransformerConfig =
        read_json(&folder.component_dir("transformer").join("config.json")).unwrap();
    cfg.validate().unwrap();
    assert_ne!(
        cfg.inner_dim() % 6,
        0,
        "the tiny config must exercise rotary padding"
    );
    let weights = folder.weights("transformer").unwrap();
    weights
        .build(DType::F32, &Device::Cpu, |vb| {
            LtxTransformer::load(&cfg, vb)
        })
        .unwrap()
}

#[test]
fn transformer_forward_parity_per_token_timesteps() {
    let model = load();
    let g = golden("transformer");
    let text = TextConditioning {
        embeds: g["text"].clone(),
        mask: g["mask"].clone(),
    };
    let out = model
        .forward(&g["hidden"], &[text], None, &g["timestep"], &g["coords"])
        .unwrap();
    assert_close("transformer (per-token timesteps)", &out, &g["out"]);
}

#[test]
fn transformer_forward_parity_single_timestep() {
    let model = load();
    let g = golden("transformer");
    let text = TextConditioning {
        embeds: g["text"].clone(),
        mask: g["mask"].clone(),
    };
    let out = model
        .forward(
            &g["hidden"],
            &[text],
            None,
            &g["timestep_single"],
            &g["coords"],
        )
        .unwrap();
    assert_close("transformer ([B, 1] timesteps)", &out, &g["out_single"]);
}

#[test]
fn prompt_travel_one_keyframe_equals_plain_attention() {
    let model = load();
    let g = golden("transformer");
    let text = TextConditioning {
        embeds: g["text"].clone(),
        mask: g["mask"].clone(),
    };
    let plain = model
        .forward(
            &g["hidden"],
            std::slice::from_ref(&text),
            None,
            &g["timestep"],
            &g["coords"],
        )
        .unwrap();
    let n = g["hidden"].dim(1).unwrap();
    let ones = Tensor::ones((1, n, 1), DType::F32, &Device::Cpu).unwrap();
    let travel = model
        .forward(
            &g["hidden"],
            &[text],
            Some(&ones),
            &g["timestep"],
            &g["coords"],
        )
        .unwrap();
    assert_eq!(
        max_abs_diff(&plain, &travel),
        0.0,
        "K=1 prompt travel must equal plain attention exactly"
    );
}

#[test]
fn prompt_travel_weights_one_zero_select_the_first_keyframe() {
    let model = load();
    let g = golden("transformer");
    let first = TextConditioning {
        embeds: g["text"].clone(),
        mask: g["mask"].clone(),
    };
    // A clearly different second keyframe: other embeddings and another mask.
    let second = TextConditioning {
        embeds: (g["text"].flip(&[1]).unwrap() * 1.7).unwrap(),
        mask: Tensor::ones(g["mask"].dims(), DType::F32, &Device::Cpu).unwrap(),
    };
    let n = g["hidden"].dim(1).unwrap();
    let mut w = Vec::with_capacity(n * 2);
    for _ in 0..n {
        w.extend_from_slice(&[1.0f32, 0.0]);
    }
    let weights = Tensor::from_vec(w, (1, n, 2), &Device::Cpu).unwrap();
    let plain = model
        .forward(
            &g["hidden"],
            std::slice::from_ref(&first),
            None,
            &g["timestep"],
            &g["coords"],
        )
        .unwrap();
    let travel = model
        .forward(
            &g["hidden"],
            &[first.clone(), second.clone()],
            Some(&weights),
            &g["timestep"],
            &g["coords"],
        )
        .unwrap();
    assert_eq!(
        max_abs_diff(&plain, &travel),
        0.0,
        "weights (1, 0) must give exactly the first keyframe"
    );
    // And the second keyframe does matter when weighted in.
    let mut w = Vec::with_capacity(n * 2);
    for _ in 0..n {
        w.extend_from_slice(&[0.5f32, 0.5]);
    }
    let half = Tensor::from_vec(w, (1, n, 2), &Device::Cpu).unwrap();
    let mixed = model
        .forward(
            &g["hidden"],
            &[first, second],
            Some(&half),
            &g["timestep"],
            &g["coords"],
        )
        .unwrap();
    assert!(max_abs_diff(&plain, &mixed) > 1e-3);
}
