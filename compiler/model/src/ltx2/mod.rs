//! LTX-2 (Lightricks; 2.0 and 2.3, full and distilled) in candle: video and sound generated
//! together by one transformer, from the diffusers folder layout.
//!
//! Components, each in its own module and each checked against diffusers 0.42.1 by the parity
//! tests (`tests/ltx2_*_parity.rs`, goldens from `tests/parity/make_ltx2_goldens.py`):
//!
//! - [`gemma`] and [`text`]: the Gemma-3 text encoder (every layer's hidden states) and its
//!   tokenizer;
//! - [`connectors`]: `LTX2TextConnectors`, hidden states to each stream's text embeddings;
//! - [`transformer`]: `LTX2VideoTransformer3DModel` with [`attention`] and [`rope`];
//! - [`video_vae`]: `AutoencoderKLLTX2Video` (with [`conv`] and [`tiling`]);
//! - [`audio_vae`]: `AutoencoderKLLTX2Audio`'s decoder;
//! - [`vocoder`]: `LTX2Vocoder` and `LTX2VocoderWithBWE`;
//! - [`upsampler`]: `LTX2LatentUpsamplerModel` for two-stage generation;
//! - [`scheduler`]: the flow-matching sigmas of the full and distilled models;
//! - [`folder`]: the model folder, its checks and fingerprint.
//!
//! The variant (2.0 or 2.3 layout) is not a switch: every module reads what its config says.

pub(crate) mod attention;
pub mod audio_vae;
pub mod connectors;
pub mod conv;
mod fir;
pub mod folder;
pub mod gemma;
mod ops;
pub mod pipeline;
pub mod rope;
pub mod scheduler;
pub mod text;
pub(crate) mod tiling;
pub mod transformer;
pub mod upsampler;
pub mod video_vae;
pub mod vocoder;

pub use folder::Ltx2Folder;
pub use pipeline::{
    ImageCondition, Ltx2Options, Ltx2Output, Ltx2Pipeline, Ltx2Request, StreamGuidance,
};
pub use scheduler::SigmaSource;
