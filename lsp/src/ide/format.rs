//! Formatting: the same formatter as `scenec fmt`.

use crate::analysis::Analysis;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Larger than the server analyses.
    TooLarge,
    /// The formatter refuses files with syntax errors: the first one, as `CODE: message`.
    SyntaxErrors(String),
    /// The formatter failed (a bug).
    Failed,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::TooLarge => write!(
                f,
                "the file is too large to format in the editor; run `scenec fmt`"
            ),
            FormatError::SyntaxErrors(first) => write!(
                f,
                "the file has syntax errors and cannot be formatted ({first})"
            ),
            FormatError::Failed => write!(f, "the formatter failed (a bug in scenec)"),
        }
    }
}

/// The formatted text, or `None` when the file is already formatted.
pub fn format(file: &Analysis) -> Result<Option<String>, FormatError> {
    if file.too_large {
        return Err(FormatError::TooLarge);
    }
    let formatted = std::panic::catch_unwind(|| scene_syntax::format::format(&file.text))
        .map_err(|_| FormatError::Failed)?;
    match formatted {
        Ok(text) if text == *file.text => Ok(None),
        Ok(text) => Ok(Some(text)),
        Err(errors) => Err(FormatError::SyntaxErrors(
            errors
                .first()
                .map(|d| format!("{}: {}", d.code, d.message))
                .unwrap_or_default(),
        )),
    }
}
