//! The Gemma-3 tokenizer and text encoder against transformers' `Gemma3ForConditionalGeneration`
//! (every hidden state, left-padded prompts, truncation).

mod ltx2common;

use candle_core::{DType, Device, IndexOp};
use ltx2common::*;
use scene_model::ltx2::gemma::{weight_prefix, GemmaEncoder};
use scene_model::ltx2::text::GemmaTokenizer;
use scene_model::ltx2::Ltx2Folder;

fn prompts() -> (Vec<String>, usize, Vec<Vec<u32>>) {
    let meta = golden_json("text_encoder");
    let prompts = meta["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let max_len = meta["max_length"].as_u64().unwrap() as usize;
    let ids = meta["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect()
        })
        .collect();
    (prompts, max_len, ids)
}

#[test]
fn tokenizer_parity_left_padding_and_truncation() {
    let tok = GemmaTokenizer::from_dir(&fixture().join("tokenizer")).unwrap();
    let (prompts, max_len, ids) = prompts();
    let g = golden("text_encoder");
    let mask: Vec<Vec<f32>> = g["mask"].to_vec2().unwrap();
    for (i, p) in prompts.iter().enumerate() {
        let real = tok.tokenize(p, max_len).unwrap();
        let pad = max_len - real.len();
        assert_eq!(&ids[i][pad..], &real[..], "prompt {p:?}");
        assert!(mask[i][..pad].iter().all(|m| *m == 0.0), "prompt {p:?}");
        assert!(mask[i][pad..].iter().all(|m| *m == 1.0), "prompt {p:?}");
    }
    let meta = golden_json("text_encoder");
    let long = tok
        .tokenize(meta["long_prompt"].as_str().unwrap(), max_len)
        .unwrap();
    let want: Vec<u32> = meta["long_ids"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(long, want);
}

#[test]
fn gemma_hidden_states_parity() {
    let folder = Ltx2Folder::open(fixture()).unwrap();
    let cfg = folder.configs().unwrap().text_encoder;
    assert!(cfg.sliding.contains(&true) && cfg.sliding.contains(&false));
    assert!(
        cfg.global_rope.linear_factor > 1.0,
        "the tiny config must scale RoPE"
    );
    let weights = folder.weights("text_encoder").unwrap();
    let prefix = weight_prefix(|n| weights.contains(n)).unwrap();
    let enc = weights
        .build(DType::F32, &Device::Cpu, |vb| {
            GemmaEncoder::load(&cfg, prefix, vb)
        })
        .unwrap();
    let g = golden("text_encoder");
    let ids: Vec<Vec<f32>> = g["ids"].to_vec2().unwrap();
    let mask: Vec<Vec<f32>> = g["mask"].to_vec2().unwrap();
    let hidden = &g["hidden"]; // [B, L, H, layers + 1]
    let max_len = ids[0].len();
    for b in 0..ids.len() {
        let pad = mask[b].iter().filter(|m| **m == 0.0).count();
        let real: Vec<u32> = ids[b][pad..].iter().map(|v| *v as u32).collect();
        let got = enc.hidden_states(&real, pad).unwrap();
        let want = hidden.i((b, pad..max_len)).unwrap();
        assert_within(
            &format!("gemma hidden states, prompt {b} ({} tokens)", real.len()),
            &got,
            &want,
            MODULE_TOLERANCE,
        );
    }
}
