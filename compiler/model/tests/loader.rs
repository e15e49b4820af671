//! The model folder loader: layout checks, sharded weights, dtype conversion, named errors,
//! and the weights fingerprint.

mod common;

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use common::*;
use scene_model::loader::{read_json, ModelFolder, Weights};
use scene_model::transformer::{LtxTransformer, TextConditioning, TransformerConfig};
use scene_model::{LtxPipeline, ModelError, PipelineOptions};

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    dir
}

fn transformer_out(dir: &Path) -> Result<Tensor, ModelError> {
    let cfg: TransformerConfig = read_json(&dir.join("config.json"))?;
    cfg.validate()?;
    let w = Weights::open("transformer", dir)?;
    let model = w.build(DType::F32, &Device::Cpu, |vb| {
        LtxTransformer::load(&cfg, vb)
    })?;
    let g = golden("transformer");
    let text = TextConditioning {
        embeds: g["text"].clone(),
        mask: g["mask"].clone(),
    };
    Ok(model.forward(&g["hidden"], &[text], None, &g["timestep"], &g["coords"])?)
}

#[test]
fn fixture_folder_opens_and_weights_are_bf16_and_f16() {
    let folder = ModelFolder::open(fixture()).unwrap();
    let header = scene_model::loader::SafetensorsHeader::read(
        &folder
            .component_dir("transformer")
            .join("diffusion_pytorch_model.safetensors"),
    )
    .unwrap();
    assert!(header.tensors.values().all(|(dt, _)| dt == "BF16"));
    let header = scene_model::loader::SafetensorsHeader::read(
        &folder
            .component_dir("text_encoder")
            .join("model.safetensors"),
    )
    .unwrap();
    assert!(header.tensors.values().all(|(dt, _)| dt == "F16"));
    LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
}

#[test]
fn sharded_weights_load_like_a_single_file() {
    let dir = fixture_copy();
    let tdir = dir.path().join("transformer");
    let single = tdir.join("diffusion_pytorch_model.safetensors");
    let all = candle_core::safetensors::load(&single, &Device::Cpu).unwrap();
    let mut names: Vec<_> = all.keys().cloned().collect();
    names.sort();
    let (a, b) = names.split_at(names.len() / 2);
    let mut weight_map = serde_json::Map::new();
    for (shard, part) in [
        ("diffusion_pytorch_model-00001-of-00002.safetensors", a),
        ("diffusion_pytorch_model-00002-of-00002.safetensors", b),
    ] {
        let m: HashMap<String, Tensor> = part.iter().map(|n| (n.clone(), all[n].clone())).collect();
        candle_core::safetensors::save(&m, tdir.join(shard)).unwrap();
        for n in part {
            weight_map.insert(n.clone(), serde_json::Value::String(shard.to_string()));
        }
    }
    std::fs::remove_file(&single).unwrap();
    let index = serde_json::json!({"metadata": {}, "weight_map": weight_map});
    std::fs::write(
        tdir.join("diffusion_pytorch_model.safetensors.index.json"),
        index.to_string(),
    )
    .unwrap();
    let sharded = transformer_out(&tdir).unwrap();
    let plain = transformer_out(&fixture().join("transformer")).unwrap();
    assert_eq!(max_abs_diff(&sharded, &plain), 0.0);
}

#[test]
fn missing_component_is_named() {
    let dir = fixture_copy();
    std::fs::remove_dir_all(dir.path().join("scheduler")).unwrap();
    match ModelFolder::open(dir.path()) {
        Err(ModelError::MissingComponent { component, .. }) => assert_eq!(component, "scheduler"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_model_index_is_named() {
    let dir = fixture_copy();
    std::fs::remove_file(dir.path().join("model_index.json")).unwrap();
    match ModelFolder::open(dir.path()) {
        Err(ModelError::MissingFile { path }) => assert!(path.ends_with("model_index.json")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_shard_is_named() {
    let dir = fixture_copy();
    let tdir = dir.path().join("transformer");
    std::fs::write(
        tdir.join("diffusion_pytorch_model.safetensors.index.json"),
        r#"{"weight_map": {"proj_in.weight": "part-1.safetensors"}}"#,
    )
    .unwrap();
    match Weights::open("transformer", &tdir) {
        Err(ModelError::MissingFile { path }) => assert!(path.ends_with("part-1.safetensors")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_weights_are_reported_not_crashed() {
    let dir = fixture_copy();
    let file = dir.path().join("vae/diffusion_pytorch_model.safetensors");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    match Weights::open("vae", &dir.path().join("vae")) {
        Err(e @ ModelError::CorruptWeights { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("diffusion_pytorch_model.safetensors") && msg.contains("truncated"),
                "{msg}"
            );
        }
        other => panic!("{other:?}"),
    }
    std::fs::write(&file, b"\xff\xff\xff\xff\xff\xff\xff\x7fgarbage").unwrap();
    assert!(matches!(
        Weights::open("vae", &dir.path().join("vae")),
        Err(ModelError::CorruptWeights { .. })
    ));
    std::fs::write(&file, b"abc").unwrap();
    assert!(matches!(
        Weights::open("vae", &dir.path().join("vae")),
        Err(ModelError::CorruptWeights { .. })
    ));
}

#[test]
fn wrong_shape_names_tensor_expected_and_found() {
    let dir = fixture_copy();
    let tdir = dir.path().join("transformer");
    let cfg_path = tdir.join("config.json");
    let mut cfg: serde_json::Value = read_json(&cfg_path).unwrap();
    cfg["caption_channels"] = serde_json::json!(64);
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    match transformer_out(&tdir) {
        Err(ModelError::WrongShape {
            component,
            name,
            expected,
            found,
        }) => {
            assert_eq!(component, "transformer");
            assert_eq!(name, "caption_projection.linear_1.weight");
            assert_eq!(expected, vec![16, 64]);
            assert_eq!(found, vec![16, 32]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_tensor_is_named() {
    let dir = fixture_copy();
    let file = dir
        .path()
        .join("transformer/diffusion_pytorch_model.safetensors");
    let mut all = candle_core::safetensors::load(&file, &Device::Cpu).unwrap();
    all.remove("transformer_blocks.1.attn2.norm_k.weight");
    candle_core::safetensors::save(&all, &file).unwrap();
    match transformer_out(&dir.path().join("transformer")) {
        Err(ModelError::MissingTensor { name, .. }) => {
            assert_eq!(name, "transformer_blocks.1.attn2.norm_k.weight")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsupported_config_values_are_named() {
    let dir = fixture_copy();
    let cfg_path = dir.path().join("transformer/config.json");
    let mut cfg: serde_json::Value = read_json(&cfg_path).unwrap();
    cfg["patch_size"] = serde_json::json!(2);
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let err = LtxPipeline::open(dir.path(), PipelineOptions::default()).unwrap_err();
    assert!(
        matches!(&err, ModelError::Unsupported { key, .. } if key == "patch_size"),
        "{err}"
    );

    let dir = fixture_copy();
    let cfg_path = dir.path().join("vae/config.json");
    let mut cfg: serde_json::Value = read_json(&cfg_path).unwrap();
    cfg["down_block_types"][0] = serde_json::json!("MysteryBlock");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let err = LtxPipeline::open(dir.path(), PipelineOptions::default()).unwrap_err();
    assert!(err.to_string().contains("MysteryBlock"), "{err}");

    let dir = fixture_copy();
    std::fs::write(
        dir.path().join("scheduler/scheduler_config.json"),
        "{not json",
    )
    .unwrap();
    let err = LtxPipeline::open(dir.path(), PipelineOptions::default()).unwrap_err();
    assert!(matches!(err, ModelError::BadJson { .. }), "{err}");
}

#[test]
fn fingerprint_is_stable_and_tracks_weights() {
    let a = ModelFolder::open(fixture()).unwrap().fingerprint().unwrap();
    let b = ModelFolder::open(fixture()).unwrap().fingerprint().unwrap();
    assert_eq!(a, b);
    assert_eq!(a.len(), 64);
    let dir = fixture_copy();
    assert_eq!(
        ModelFolder::open(dir.path())
            .unwrap()
            .fingerprint()
            .unwrap(),
        a,
        "location does not matter"
    );
    let file = dir
        .path()
        .join("transformer/diffusion_pytorch_model.safetensors");
    let mut all = candle_core::safetensors::load(&file, &Device::Cpu).unwrap();
    let t = all["proj_out.bias"].to_dtype(DType::F32).unwrap();
    all.insert("proj_out.bias".into(), t);
    candle_core::safetensors::save(&all, &file).unwrap();
    assert_ne!(
        ModelFolder::open(dir.path())
            .unwrap()
            .fingerprint()
            .unwrap(),
        a
    );
}

/// Retrained weights keep every name, shape, dtype and file size; the fingerprints (the
/// folder's, and the text encoder's that keys cached prompt embeddings) still change.
#[test]
fn same_shapes_different_numbers_change_the_fingerprints() {
    let dir = fixture_copy();
    let folder = ModelFolder::open(dir.path()).unwrap();
    let (all, text) = (
        folder.fingerprint().unwrap(),
        folder
            .fingerprint_of(&["text_encoder", "tokenizer"], false)
            .unwrap(),
    );
    let te = std::fs::read_dir(dir.path().join("text_encoder"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "safetensors"))
        .unwrap();
    let mut bytes = std::fs::read(&te).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let size = bytes.len();
    for b in &mut bytes[8 + header_len..] {
        *b ^= 0x01;
    }
    std::fs::write(&te, &bytes).unwrap();
    assert_eq!(std::fs::metadata(&te).unwrap().len() as usize, size);
    let folder = ModelFolder::open(dir.path()).unwrap();
    assert_ne!(folder.fingerprint().unwrap(), all);
    assert_ne!(
        folder
            .fingerprint_of(&["text_encoder", "tokenizer"], false)
            .unwrap(),
        text
    );
}
