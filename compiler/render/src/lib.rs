//! Rendering: backends turn shot schedules into frames; the cache keeps them; the compositor,
//! audio mixer and encoder turn them into one MP4 with subtitles.

pub mod backend;
pub mod error;
pub mod frame;
pub mod audio;
pub mod cache;
pub mod compositor;
pub mod encode;
pub mod pipeline;
pub mod provenance;
pub mod subtitles;
pub mod previz;
pub mod storyboard;
#[cfg(feature = "ltx")]
pub mod ltx;
