//! Prompt text to Gemma-3 hidden states: the tokenizer (from the folder's `tokenizer.json`)
//! and the pipeline's prompt conventions — surrounding whitespace stripped, `<bos>` first,
//! truncated on the right to `max_sequence_length` tokens and left-padded to that length.
//!
//! Only the real tokens are encoded ([`super::gemma`] explains why that equals the padded
//! reference); [`EncodedPrompt`] keeps how much padding the reference had, which the
//! connectors need to place the tokens and their registers.

use std::path::{Path, PathBuf};

use candle_core::Tensor;

use crate::error::{ModelError, Result};

use super::gemma::GemmaEncoder;

/// The reference pipeline's default `max_sequence_length`.
pub const MAX_SEQUENCE_LENGTH: usize = 1024;

pub struct GemmaTokenizer {
    inner: tokenizers::Tokenizer,
    source: PathBuf,
}

impl std::fmt::Debug for GemmaTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GemmaTokenizer")
            .field("source", &self.source)
            .finish()
    }
}

impl GemmaTokenizer {
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let path = dir.join("tokenizer.json");
        let text = std::fs::read_to_string(&path).map_err(|e| ModelError::io(&path, e))?;
        let mut inner: tokenizers::Tokenizer =
            text.parse()
                .map_err(|e: tokenizers::Error| ModelError::Tokenizer {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
        // A saved tokenizer may carry the padding and truncation of its last call; the
        // pipeline's own rules (below) apply instead.
        inner.with_padding(None);
        inner
            .with_truncation(None)
            .map_err(|e| ModelError::Tokenizer {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            inner,
            source: path,
        })
    }

    /// Real token ids of `prompt` (stripped, special tokens added, at most `max_len`).
    pub fn tokenize(&self, prompt: &str, max_len: usize) -> Result<Vec<u32>> {
        let enc = self
            .inner
            .encode(prompt.trim(), true)
            .map_err(|e| ModelError::Tokenizer {
                path: self.source.clone(),
                reason: e.to_string(),
            })?;
        let mut ids = enc.get_ids().to_vec();
        ids.truncate(max_len);
        Ok(ids)
    }
}

/// One prompt through the text encoder: the hidden states of its real tokens and where they
/// sit in the left-padded sequence of `padded_len` tokens.
#[derive(Debug, Clone)]
pub struct EncodedPrompt {
    /// [real tokens, hidden, layers + 1] in the encoder's dtype.
    pub hidden: Tensor,
    pub padded_len: usize,
}

impl EncodedPrompt {
    pub fn real_tokens(&self) -> Result<usize> {
        Ok(self.hidden.dim(0)?)
    }
}

/// Tokenizes and encodes one prompt as the pipeline does (left padding to `max_len`).
pub fn encode_prompt(
    tokenizer: &GemmaTokenizer,
    encoder: &GemmaEncoder,
    prompt: &str,
    max_len: usize,
) -> Result<EncodedPrompt> {
    let ids = tokenizer.tokenize(prompt, max_len)?;
    let pad = max_len - ids.len();
    let hidden = encoder.hidden_states(&ids, pad)?;
    Ok(EncodedPrompt {
        hidden,
        padded_len: max_len,
    })
}
