//! What can go wrong with a scratch voice, as data.

use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VoiceError {
    /// eSpeak NG cannot be used on this machine (not installed, no data, wrong library).
    #[error("eSpeak NG is not available: {reason}")]
    Unavailable { reason: String },
    /// The engine was there but did not speak the line.
    #[error("{0}")]
    Synthesis(String),
    /// The voice cache could not be written (a read that fails is a miss, never an error).
    #[error("{}: {message}", path.display())]
    Cache { path: PathBuf, message: String },
}
