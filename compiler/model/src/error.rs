//! Errors as data: every failure a user can cause names the file, tensor or value involved.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error(
        "model folder {path}: missing component `{component}` (expected a `{component}/` folder)"
    )]
    MissingComponent { path: PathBuf, component: String },

    #[error("missing file {path}")]
    MissingFile { path: PathBuf },

    #[error("{component}: no weights found in {path} (expected *.safetensors or *.safetensors.index.json)")]
    NoWeights { component: String, path: PathBuf },

    #[error("{component}: tensor `{name}` is missing from the weights")]
    MissingTensor { component: String, name: String },

    #[error("{component}: tensor `{name}` has shape {found:?}, expected {expected:?}")]
    WrongShape {
        component: String,
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },

    #[error("{path}: corrupt or truncated safetensors file: {reason}")]
    CorruptWeights { path: PathBuf, reason: String },

    #[error("{path}: invalid JSON: {reason}")]
    BadJson { path: PathBuf, reason: String },

    #[error("{component}: unsupported config value `{key}` = {value} ({reason})")]
    Unsupported {
        component: String,
        key: String,
        value: String,
        reason: String,
    },

    #[error("tokenizer {path}: {reason}")]
    Tokenizer { path: PathBuf, reason: String },

    #[error("invalid generation request: {0}")]
    InvalidRequest(String),

    /// The caller's cancel flag was set; the generation stopped between denoising steps.
    #[error("generation cancelled")]
    Cancelled,

    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("tensor computation failed: {0}")]
    Compute(#[from] candle_core::Error),
}

pub type Result<T> = std::result::Result<T, ModelError>;

impl ModelError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            return ModelError::MissingFile { path: path.into() };
        }
        ModelError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn unsupported(
        component: &str,
        key: &str,
        value: impl std::fmt::Debug,
        reason: &str,
    ) -> Self {
        ModelError::Unsupported {
            component: component.to_string(),
            key: key.to_string(),
            value: format!("{value:?}"),
            reason: reason.to_string(),
        }
    }
}
