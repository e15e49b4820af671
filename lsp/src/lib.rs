//! `scene-lsp`: the .scene language server.
//!
//! It depends on the front end only (syntax, check, plan): never on the model or the renderer,
//! so it builds in seconds and without candle or FFmpeg.

pub mod actions;
pub mod check;
pub mod checker;
pub mod completion;
pub mod describe;
pub mod diagnostics;
pub mod documents;
pub mod format;
pub mod framing;
pub mod hover;
pub mod index;
pub mod inlay;
pub mod lexer;
pub mod line_index;
pub mod navigation;
pub mod outline;
pub mod project;
pub mod semantic;
pub mod server;
pub mod stdlib;
pub mod timecode;
pub mod uri;
