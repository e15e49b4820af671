//! `scene-lsp`: the .scene language server.
//!
//! It depends on the front end only (syntax, check, plan): never on the model or the renderer,
//! so it builds in seconds and without candle or FFmpeg.
//!
//! Three layers, each knowing only the ones above it in this list:
//!
//! - [`analysis`]: the files the server knows (open documents over the disk, the stdlib), their
//!   parses and name indexes, resolution across imports, and the checker run for a film. Plain
//!   Rust data: byte offsets, [`scene_syntax::Span`]s, file keys.
//! - [`ide`]: the editor features — completion, hover, colouring, navigation and rename, inlay
//!   hints, outline, code actions, formatting. Each takes an analysis and a byte offset (or
//!   range) and returns plain data, so it is tested from inline fixtures without JSON-RPC.
//! - [`proto`]: the language server protocol. Converts requests to offsets and feature results
//!   to protocol types, runs checks off the request path and publishes their diagnostics.
//!
//! Architecture Invariant: only [`proto`] imports `tower_lsp_server` (protocol types, URIs,
//! JSON-RPC errors). A feature that needs a position converts nothing itself.

pub mod analysis;
pub mod ide;
pub mod proto;
