//! Rendering: backends turn shot schedules into frames; the cache keeps them; the compositor,
//! audio mixer and encoder turn them into one MP4 with subtitles.

pub mod backend;
pub mod error;
pub mod frame;
