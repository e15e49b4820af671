//! Errors of the render stage. They live beside the backend trait because both sides speak
//! them: backends return them, and the pipeline's frame sink hands its own (an encoder that
//! stopped, say) back through the backend that is feeding it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot read {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("cannot decode {path}: {message}")]
    Decode { path: PathBuf, message: String },
    #[error("encoding failed: {0}")]
    Encode(String),
    #[error("backend {backend} failed on shot `{shot}`: {message}")]
    Backend {
        backend: String,
        shot: String,
        message: String,
    },
    #[error("the render was interrupted")]
    Interrupted,
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    /// A line's scratch voice could not be spoken (eSpeak NG missing, or it failed on the line).
    #[error("cannot speak `{character}`'s line in shot `{shot}`: {message}")]
    Voice {
        shot: String,
        character: String,
        message: String,
    },
    #[error("invalid film schedule: {0}")]
    Schedule(String),
}

impl RenderError {
    pub fn io(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        RenderError::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }

    pub fn write(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        RenderError::Write {
            path: path.into(),
            message: err.to_string(),
        }
    }

    pub fn decode(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        RenderError::Decode {
            path: path.into(),
            message: err.to_string(),
        }
    }
}
