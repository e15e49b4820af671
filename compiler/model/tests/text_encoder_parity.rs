//! Tokenizer and T5 encoder against transformers' `T5TokenizerFast` and `T5EncoderModel`.

mod common;

use candle_core::{Device, IndexOp};
use common::*;
use scene_model::loader::ModelFolder;
use scene_model::text_encoder::{PromptEncoder, T5Tokenizer, MAX_SEQUENCE_LENGTH};

/// The length tests/parity/make_goldens.py tokenized its goldens to (`MAX_SEQ`); the pipeline
/// itself reads [`MAX_SEQUENCE_LENGTH`] (256, the reference pipeline's default).
const GOLDEN_SEQ: usize = 128;

fn prompts_and_ids() -> (Vec<String>, Vec<Vec<u32>>) {
    let meta = golden_json("text_encoder");
    let prompts = meta["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let ids = meta["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as u32)
                .collect()
        })
        .collect();
    (prompts, ids)
}

#[test]
fn tokenizer_parity_from_tokenizer_json() {
    let tok = T5Tokenizer::from_dir(&fixture().join("tokenizer")).unwrap();
    let (prompts, ids) = prompts_and_ids();
    for (p, want) in prompts.iter().zip(&ids) {
        let (got, mask) = tok.tokenize(p, GOLDEN_SEQ).unwrap();
        assert_eq!(&got, want, "prompt {p:?}");
        let real = want.iter().rposition(|x| *x != 0).map_or(0, |i| i + 1);
        assert_eq!(mask.iter().filter(|m| **m == 1).count(), real);
    }
}

#[test]
fn tokenizer_parity_from_spiece_model_only() {
    // The published folder has spiece.model and no tokenizer.json: convert it in Rust.
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "spiece.model",
        "tokenizer_config.json",
        "special_tokens_map.json",
    ] {
        std::fs::copy(fixture().join("tokenizer").join(f), dir.path().join(f)).unwrap();
    }
    let tok = T5Tokenizer::from_dir(dir.path()).unwrap();
    let (prompts, ids) = prompts_and_ids();
    for (p, want) in prompts.iter().zip(&ids) {
        let (got, _) = tok.tokenize(p, GOLDEN_SEQ).unwrap();
        assert_eq!(&got, want, "prompt {p:?}");
    }
}

#[test]
fn tokenizer_truncates_to_255_tokens_plus_eos() {
    assert_eq!(
        MAX_SEQUENCE_LENGTH, 256,
        "the reference pipeline reads 256 tokens"
    );
    let tok = T5Tokenizer::from_dir(&fixture().join("tokenizer")).unwrap();
    let long = "a red fox runs across a snowy field ".repeat(80);
    let (ids, mask) = tok.tokenize(&long, MAX_SEQUENCE_LENGTH).unwrap();
    assert_eq!(ids.len(), 256);
    assert_eq!(ids[255], 1, "ends with </s>");
    assert!(mask.iter().all(|m| *m == 1));
}

#[test]
fn text_encoder_parity() {
    let folder = ModelFolder::open(fixture()).unwrap();
    let mut enc = PromptEncoder::load(&folder, &Device::Cpu).unwrap();
    let g = golden("text_encoder");
    let (prompts, ids) = prompts_and_ids();
    for (i, (p, want_ids)) in prompts.iter().zip(&ids).enumerate() {
        let cond = enc.encode_to(p, GOLDEN_SEQ).unwrap();
        let real = want_ids.iter().rposition(|x| *x != 0).map_or(0, |i| i + 1);
        let want = g["hidden"].i((i, ..real)).unwrap();
        let got = cond.embeds.i((0, ..real)).unwrap();
        assert_close(
            &format!("T5 hidden states, prompt {i} ({real} real tokens)"),
            &got,
            &want,
        );
        let want_mask = g["mask"].i(i).unwrap();
        assert_eq!(max_abs_diff(&cond.mask.i(0).unwrap(), &want_mask), 0.0);
    }
}
