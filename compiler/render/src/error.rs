//! Errors of the render stage.

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
    Backend { backend: String, shot: String, message: String },
    #[error("the render was interrupted")]
    Interrupted,
}
