//! Rendering to a film: the ltx backend, the per-shot cache, the compositor, audio mix,
//! subtitles and MP4 encoding, and the pipeline that runs a backend over every shot and turns
//! the frames into one MP4. The previz backend, the [`Backend`] trait and the frame type live in
//! `scene-previz`, which builds without FFmpeg or candle.
//!
//! [`Backend`]: scene_previz::backend::Backend

pub mod assemble;
pub mod audio;
pub mod cache;
pub mod compositor;
pub mod encode;
#[cfg(feature = "ltx")]
pub mod ltx;
#[cfg(feature = "ltx")]
pub mod ltx2;
pub mod mix;
pub mod pipeline;
pub mod provenance;
pub mod subtitles;
