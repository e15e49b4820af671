//! Scratch voices: every `says` line spoken by eSpeak NG, one voice per character, for the
//! previz mix and for spoken timing.
//!
//! This crate knows nothing of `.scene`: it turns a character's words ([`casting`]) and a line's
//! parenthetical ([`delivery`]) into a [`ScratchVoice`], speaks text with it ([`engine`], loaded
//! at run time — see there why), caches what was said per line ([`cache`]), and makes the 48 kHz
//! clip the mix places ([`clip`]). [`SpeechTiming`] is what the planner asks for a line's spoken
//! length; [`Voices`] answers it with the engine, [`ReadingSpeed`] without one.
//!
//! [`atomic_write`] is the temporary-name-and-rename writer of every cache entry and output the
//! crates above write; it lives here because this is the lowest of them that writes files.
//!
//! Architecture invariant: no FFmpeg, no candle, and no link-time dependency on eSpeak NG —
//! `scenec check` and the language server depend on this crate and must run where none of those
//! is installed.

pub mod atomic_write;
pub mod cache;
pub mod casting;
pub mod clip;
pub mod delivery;
pub mod engine;
pub mod error;
mod filter;
pub mod resample;
pub mod timing;
pub mod voices;

pub use casting::{cast, Character, Voice};
pub use delivery::{deliver, Placement, ScratchVoice};
pub use engine::{Engine, EngineInfo, SynthParams};
pub use error::VoiceError;
pub use timing::{estimate, ReadingSpeed, SpeechTiming, Spoken, TimingSource, PAUSE_MS};
pub use voices::{Voices, CACHE_DIR};

/// The voice a character speaks a line with.
pub fn scratch_voice(character: &Character<'_>, parenthetical: Option<&str>) -> ScratchVoice {
    deliver(&cast(character), parenthetical)
}
