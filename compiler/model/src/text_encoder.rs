//! T5 v1.1 text encoder (`text_encoder/`) and its tokenizer (`tokenizer/`).
//!
//! The tokenizer is read from `tokenizer.json` when the folder has one. The published
//! LTX-Video folder ships only `spiece.model` (for `T5TokenizerFast`), so that file is
//! converted here, in Rust, into the same fast-tokenizer pipeline: the sentencepiece unigram
//! vocabulary, its precompiled normaliser, whitespace cleanup, and a "▁" prefix per word as
//! sentencepiece's `add_dummy_prefix` asks for.
//!
//! Prompts are tokenized to at most 256 tokens (255 + `</s>`), padded with `<pad>`, and encoded
//! with an attention mask as the pipeline does. The encoder runs on the real tokens only, which
//! gives exactly the masked encoder's outputs there; padded positions are zero (the
//! transformer's cross-attention masks them out, so their values never matter).

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::t5;

use crate::error::{ModelError, Result};
use crate::loader::{read_json, ModelFolder, Weights};
use crate::transformer::TextConditioning;

/// Tokens the pipeline reads per prompt: diffusers' `LTXConditionPipeline` defaults
/// `max_sequence_length` to 256, and so does this pipeline. The compiler's front end warns when a
/// composed prompt is longer (`scene_plan::tokens::LTX_TEXT_TOKENS` must equal this).
pub const MAX_SEQUENCE_LENGTH: usize = 256;

/// The T5 tokenizer: token ids and attention mask at a fixed length.
pub struct T5Tokenizer {
    inner: tokenizers::Tokenizer,
    eos_id: u32,
    pad_id: u32,
    source: PathBuf,
}

impl std::fmt::Debug for T5Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("T5Tokenizer")
            .field("source", &self.source)
            .finish()
    }
}

impl T5Tokenizer {
    /// Loads `tokenizer.json` if present, otherwise converts `spiece.model`.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let json_path = dir.join("tokenizer.json");
        let (text, source) = if json_path.is_file() {
            let text =
                std::fs::read_to_string(&json_path).map_err(|e| ModelError::io(&json_path, e))?;
            (text, json_path)
        } else {
            let spm_path = dir.join("spiece.model");
            if !spm_path.is_file() {
                return Err(ModelError::MissingFile {
                    path: dir.join("tokenizer.json or spiece.model"),
                });
            }
            let bytes = std::fs::read(&spm_path).map_err(|e| ModelError::io(&spm_path, e))?;
            let json = sentencepiece_to_tokenizer_json(&bytes).map_err(|reason| {
                ModelError::Tokenizer {
                    path: spm_path.clone(),
                    reason,
                }
            })?;
            (json, spm_path)
        };
        let inner: tokenizers::Tokenizer =
            text.parse()
                .map_err(|e: tokenizers::Error| ModelError::Tokenizer {
                    path: source.clone(),
                    reason: e.to_string(),
                })?;
        let id = |tok: &str| {
            inner.token_to_id(tok).ok_or_else(|| ModelError::Tokenizer {
                path: source.clone(),
                reason: format!("the vocabulary has no `{tok}` token"),
            })
        };
        let eos_id = id("</s>")?;
        let pad_id = id("<pad>")?;
        Ok(Self {
            inner,
            eos_id,
            pad_id,
            source,
        })
    }

    /// Token ids (real tokens, then `</s>`, then padding) and the 0/1 attention mask, both of
    /// length `max_len`. Longer prompts are truncated to `max_len - 1` tokens before `</s>`.
    pub fn tokenize(&self, text: &str, max_len: usize) -> Result<(Vec<u32>, Vec<u32>)> {
        let enc = self
            .inner
            .encode(text, false)
            .map_err(|e| ModelError::Tokenizer {
                path: self.source.clone(),
                reason: e.to_string(),
            })?;
        let mut ids: Vec<u32> = enc.get_ids().to_vec();
        ids.truncate(max_len.saturating_sub(1));
        ids.push(self.eos_id);
        let real = ids.len();
        ids.resize(max_len, self.pad_id);
        let mask = (0..max_len).map(|i| u32::from(i < real)).collect();
        Ok((ids, mask))
    }
}

/// The T5 encoder plus tokenizer: text in, cross-attention conditioning out.
pub struct PromptEncoder {
    tokenizer: T5Tokenizer,
    model: t5::T5EncoderModel,
    device: Device,
    d_model: usize,
}

impl PromptEncoder {
    pub fn load(folder: &ModelFolder, device: &Device) -> Result<Self> {
        Self::load_with_dtype(folder, device, DType::F32)
    }

    /// Loads with the encoder weights in `dtype` (bf16 halves the memory of T5-XXL, ~19 GB
    /// in f32); embeddings are always returned in f32.
    pub fn load_with_dtype(folder: &ModelFolder, device: &Device, dtype: DType) -> Result<Self> {
        let tokenizer = T5Tokenizer::from_dir(&folder.component_dir("tokenizer"))?;
        let dir = folder.component_dir("text_encoder");
        Self::load_parts(tokenizer, &dir, device, dtype)
    }

    pub fn load_parts(
        tokenizer: T5Tokenizer,
        text_encoder_dir: &Path,
        device: &Device,
        dtype: DType,
    ) -> Result<Self> {
        let cfg_path = text_encoder_dir.join("config.json");
        let cfg: t5::Config = read_json(&cfg_path)?;
        let weights = Weights::open("text_encoder", text_encoder_dir)?;
        let model = weights.build(dtype, device, |vb| t5::T5EncoderModel::load(vb, &cfg))?;
        Ok(Self {
            tokenizer,
            model,
            device: device.clone(),
            d_model: cfg.d_model,
        })
    }

    pub fn tokenizer(&self) -> &T5Tokenizer {
        &self.tokenizer
    }

    /// Embeddings [1, 256, d_model] and mask [1, 256] for one prompt.
    pub fn encode(&mut self, text: &str) -> Result<TextConditioning> {
        self.encode_to(text, MAX_SEQUENCE_LENGTH)
    }

    /// Embeddings [1, max_len, d_model] and mask [1, max_len]: the prompt cut to `max_len - 1`
    /// tokens plus `</s>`, as the reference tokenizer does with `truncation=True`.
    pub fn encode_to(&mut self, text: &str, max_len: usize) -> Result<TextConditioning> {
        let (ids, mask) = self.tokenizer.tokenize(text, max_len)?;
        let real = mask.iter().filter(|m| **m == 1).count();
        let input = Tensor::from_vec(ids[..real].to_vec(), (1, real), &self.device)?;
        let hidden = self.model.forward(&input)?.to_dtype(DType::F32)?; // [1, real, d]
        let embeds = hidden.pad_with_zeros(1, 0, max_len - real)?;
        let mask: Vec<f32> = mask.iter().map(|m| *m as f32).collect();
        let mask = Tensor::from_vec(mask, (1, max_len), &self.device)?;
        Ok(TextConditioning { embeds, mask })
    }

    pub fn d_model(&self) -> usize {
        self.d_model
    }
}

// ---------------------------------------------------------------------------------------------
// spiece.model -> tokenizer.json

/// Minimal protobuf reader for the fields of `sentencepiece.ModelProto` the tokenizer needs.
struct Proto<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Field<'a> {
    Varint(u64),
    Fixed32(u32),
    Fixed64,
    Bytes(&'a [u8]),
}

impl<'a> Proto<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn varint(&mut self) -> std::result::Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or("length overflow")?;
        let s = self.buf.get(self.pos..end).ok_or("truncated field")?;
        self.pos = end;
        Ok(s)
    }

    fn next(&mut self) -> std::result::Result<Option<(u64, Field<'a>)>, String> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = match key & 7 {
            0 => Field::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Field::Fixed64
            }
            2 => {
                let n = self.varint()? as usize;
                Field::Bytes(self.take(n)?)
            }
            5 => {
                let b = self.take(4)?;
                Field::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            w => return Err(format!("unsupported protobuf wire type {w}")),
        };
        Ok(Some((key >> 3, field)))
    }
}

struct Piece {
    text: String,
    score: f32,
    kind: u64,
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Converts a sentencepiece unigram model into a fast-tokenizer JSON description, following
/// the T5 converter: unigram vocabulary, precompiled normaliser + right strip + collapse of
/// repeated spaces, Metaspace pre-tokenisation, and `</s>` appended.
pub fn sentencepiece_to_tokenizer_json(bytes: &[u8]) -> std::result::Result<String, String> {
    let mut pieces = Vec::new();
    let mut charsmap: &[u8] = &[];
    let mut add_dummy_prefix = true;
    let mut unk_id: Option<u64> = None;
    let mut byte_fallback = false;
    let mut model_type = 1u64;
    let mut p = Proto::new(bytes);
    while let Some((field, value)) = p.next()? {
        match (field, value) {
            (1, Field::Bytes(b)) => {
                let mut q = Proto::new(b);
                let mut piece = Piece {
                    text: String::new(),
                    score: 0.0,
                    kind: 1,
                };
                while let Some((f, v)) = q.next()? {
                    match (f, v) {
                        (1, Field::Bytes(s)) => {
                            piece.text =
                                String::from_utf8(s.to_vec()).map_err(|_| "piece is not UTF-8")?
                        }
                        (2, Field::Fixed32(x)) => piece.score = f32::from_bits(x),
                        (3, Field::Varint(k)) => piece.kind = k,
                        _ => {}
                    }
                }
                pieces.push(piece);
            }
            (2, Field::Bytes(b)) => {
                let mut q = Proto::new(b);
                while let Some((f, v)) = q.next()? {
                    match (f, v) {
                        (3, Field::Varint(t)) => model_type = t,
                        (35, Field::Varint(x)) => byte_fallback = x != 0,
                        (40, Field::Varint(x)) => unk_id = Some(x),
                        _ => {}
                    }
                }
            }
            (3, Field::Bytes(b)) => {
                let mut q = Proto::new(b);
                while let Some((f, v)) = q.next()? {
                    match (f, v) {
                        (2, Field::Bytes(c)) => charsmap = c,
                        (3, Field::Varint(x)) => add_dummy_prefix = x != 0,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if model_type != 1 {
        return Err(format!(
            "only unigram sentencepiece models are supported (model_type {model_type})"
        ));
    }
    if pieces.is_empty() {
        return Err("the model has no pieces".into());
    }
    let unk_id = match unk_id {
        Some(id) => id as usize,
        None => pieces.iter().position(|p| p.kind == 2).unwrap_or(0),
    };
    let vocab: Vec<serde_json::Value> = pieces
        .iter()
        .map(|p| serde_json::json!([p.text, p.score as f64]))
        .collect();
    let added: Vec<serde_json::Value> = pieces
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == 2 || p.kind == 3)
        .map(|(i, p)| {
            serde_json::json!({
                "id": i, "content": p.text, "single_word": false, "lstrip": false,
                "rstrip": false, "normalized": false, "special": true
            })
        })
        .collect();
    let mut normalizers = Vec::new();
    if !charsmap.is_empty() {
        normalizers.push(
            serde_json::json!({"type": "Precompiled", "precompiled_charsmap": base64(charsmap)}),
        );
    }
    normalizers
        .push(serde_json::json!({"type": "Strip", "strip_left": false, "strip_right": true}));
    normalizers.push(serde_json::json!({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u{2581}"}));
    let prepend = if add_dummy_prefix { "always" } else { "never" };
    let json = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": prepend, "split": true},
        "post_processor": null,
        "decoder": {"type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": prepend, "split": true},
        "model": {"type": "Unigram", "unk_id": unk_id, "vocab": vocab, "byte_fallback": byte_fallback}
    });
    Ok(json.to_string())
}
