//! The LTX-2 folder: every component named when missing, truncated or of another model
//! family, sharded weights loading like single files, and the fingerprints.

mod ltx2common;

use std::path::Path;

use candle_core::Device;
use ltx2common::*;
use scene_model::loader::read_json;
use scene_model::ltx2::{Ltx2Folder, Ltx2Options, Ltx2Pipeline};
use scene_model::ModelError;

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

fn open(dir: &Path) -> Result<Ltx2Pipeline, ModelError> {
    Ltx2Pipeline::open(dir, Ltx2Options::default())
}

#[test]
fn fixture_opens_and_describes_its_layout() {
    let p = open(&fixture()).unwrap();
    let d = p.configs().describe();
    assert!(
        d.contains("LTX-2.3 layout") && d.contains("48000 Hz"),
        "{d}"
    );
}

#[test]
fn every_missing_component_is_named_before_loading() {
    for component in [
        "scheduler",
        "vae",
        "audio_vae",
        "text_encoder",
        "tokenizer",
        "connectors",
        "transformer",
        "vocoder",
    ] {
        let dir = fixture_copy();
        std::fs::remove_dir_all(dir.path().join(component)).unwrap();
        match open(dir.path()) {
            Err(ModelError::MissingComponent { component: c, .. }) => assert_eq!(c, component),
            other => panic!("{component}: {other:?}"),
        }
    }
}

#[test]
fn missing_weight_files_and_tokenizer_are_named() {
    for (component, file) in [
        ("vocoder", "diffusion_pytorch_model.safetensors"),
        ("text_encoder", "model.safetensors"),
    ] {
        let dir = fixture_copy();
        std::fs::remove_file(dir.path().join(component).join(file)).unwrap();
        match open(dir.path()) {
            Err(ModelError::NoWeights { component: c, .. }) => assert_eq!(c, component),
            other => panic!("{component}: {other:?}"),
        }
    }
    let dir = fixture_copy();
    std::fs::remove_file(dir.path().join("tokenizer/tokenizer.json")).unwrap();
    match open(dir.path()) {
        Err(ModelError::MissingFile { path }) => assert!(path.ends_with("tokenizer.json")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_component_is_named() {
    for component in ["audio_vae", "transformer", "connectors"] {
        let dir = fixture_copy();
        let file = dir
            .path()
            .join(component)
            .join("diffusion_pytorch_model.safetensors");
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() * 2 / 3]).unwrap();
        let err = open(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, ModelError::CorruptWeights { .. })
                && msg.contains(component)
                && msg.contains("truncated"),
            "{component}: {msg}"
        );
    }
}

#[test]
fn other_model_families_are_refused_by_class() {
    let dir = fixture_copy();
    let path = dir.path().join("model_index.json");
    let mut index: serde_json::Value = read_json(&path).unwrap();
    index["text_encoder"] =
        serde_json::json!(["transformers", "Gemma4UnifiedForConditionalGeneration"]);
    std::fs::write(&path, index.to_string()).unwrap();
    let err = open(dir.path()).unwrap_err();
    assert!(
        matches!(&err, ModelError::Unsupported { component, .. } if component == "text_encoder")
            && err.to_string().contains("LTX-2.5"),
        "{err}"
    );
    // An LTX-Video folder is not an LTX-2 folder, and the message says which it is.
    let err = open(&repo_root().join("tests/fixtures/ltx-tiny")).unwrap_err();
    assert!(err.to_string().contains("LTX-Video folder"), "{err}");
}

#[test]
fn mismatched_components_are_refused() {
    let dir = fixture_copy();
    let path = dir.path().join("audio_vae/config.json");
    let mut cfg: serde_json::Value = read_json(&path).unwrap();
    cfg["mel_bins"] = serde_json::json!(32);
    std::fs::write(&path, cfg.to_string()).unwrap();
    let err = open(dir.path()).unwrap_err();
    assert!(
        matches!(&err, ModelError::Unsupported { component, .. } if component == "audio_vae"),
        "{err}"
    );
}

#[test]
fn sharded_text_encoder_loads_like_a_single_file() {
    let dir = fixture_copy();
    let tdir = dir.path().join("text_encoder");
    let single = tdir.join("model.safetensors");
    let all = candle_core::safetensors::load(&single, &Device::Cpu).unwrap();
    let mut names: Vec<_> = all.keys().cloned().collect();
    names.sort();
    let (a, b) = names.split_at(names.len() / 2);
    let mut map = serde_json::Map::new();
    for (shard, part) in [
        ("model-00001-of-00002.safetensors", a),
        ("model-00002-of-00002.safetensors", b),
    ] {
        let tensors: std::collections::HashMap<_, _> =
            part.iter().map(|n| (n.clone(), all[n].clone())).collect();
        candle_core::safetensors::save(&tensors, tdir.join(shard)).unwrap();
        for n in part {
            map.insert(n.clone(), serde_json::json!(shard));
        }
    }
    std::fs::remove_file(&single).unwrap();
    std::fs::write(
        tdir.join("model.safetensors.index.json"),
        serde_json::json!({ "weight_map": map }).to_string(),
    )
    .unwrap();
    let p = open(dir.path()).unwrap();
    let a = p.encode_texts(&["a red fox"], 64).unwrap();
    let b = open(&fixture())
        .unwrap()
        .encode_texts(&["a red fox"], 64)
        .unwrap();
    assert_eq!(
        max_abs_diff(&a["a red fox"].video, &b["a red fox"].video),
        0.0
    );
}

#[test]
fn fingerprints_track_weights_and_text_components() {
    let a = Ltx2Folder::open(fixture()).unwrap();
    let (all, text) = (a.fingerprint().unwrap(), a.text_fingerprint().unwrap());
    assert_eq!(all.len(), 64);
    let dir = fixture_copy();
    let b = Ltx2Folder::open(dir.path()).unwrap();
    assert_eq!(b.fingerprint().unwrap(), all, "location does not matter");
    // Retrained numbers in the vocoder change the folder's fingerprint, not the text one.
    let file = dir
        .path()
        .join("vocoder/diffusion_pytorch_model.safetensors");
    let mut bytes = std::fs::read(&file).unwrap();
    let header = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    for x in &mut bytes[8 + header..] {
        *x ^= 0x01;
    }
    std::fs::write(&file, &bytes).unwrap();
    assert_ne!(b.fingerprint().unwrap(), all);
    assert_eq!(b.text_fingerprint().unwrap(), text);
    // A changed connector changes both.
    let file = dir
        .path()
        .join("connectors/diffusion_pytorch_model.safetensors");
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 1] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    assert_ne!(b.text_fingerprint().unwrap(), text);
}
