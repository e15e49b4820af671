//! Rendering: backends turn shot schedules into frames; the cache keeps them; the compositor,
//! audio mixer and encoder turn them into one MP4 with subtitles.

pub mod assemble;
pub mod audio;
pub mod backend;
pub mod cache;
pub mod compositor;
pub mod encode;
pub mod error;
pub mod frame;
#[cfg(feature = "ltx")]
pub mod ltx;
#[cfg(feature = "ltx")]
pub mod ltx2;
pub mod pipeline;
pub mod previz;
pub mod provenance;
pub mod storyboard;
pub mod subtitles;
