//! Pictures without a video stack: the previz renderer and storyboards, the [`Backend`] trait
//! every renderer implements, the frame type they hand over, image decoding and the one image
//! scaler.
//!
//! Architecture invariant: this crate depends on `scene-plan` and pure-Rust crates only, never
//! on FFmpeg or candle (`scripts/test.sh` checks it), so a previz or a storyboard builds and runs
//! anywhere. `scene-render` adds the ltx backend, the shot cache, compositing, audio and MP4
//! encoding on top.
//!
//! [`Backend`]: backend::Backend

pub mod backend;
pub mod error;
pub mod frame;
pub mod image;
pub mod renderer;
pub mod sound;
pub mod storyboard;

pub use renderer::{Previz, PREVIZ_RENDERER_VERSION};
