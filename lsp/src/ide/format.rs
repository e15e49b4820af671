//! Formatting: the same formatter as `scenec fmt`, as one whole-document edit.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::TextEdit;

use crate::project::Analysis;

pub fn format(file: &Analysis) -> Result<Option<Vec<TextEdit>>> {
    if file.too_large {
        return Err(Error::invalid_params(
            "the file is too large to format in the editor; run `scenec fmt`",
        ));
    }
    let formatted = std::panic::catch_unwind(|| scene_syntax::format::format(&file.text))
        .map_err(|_| Error::internal_error())?;
    match formatted {
        Ok(text) if text == *file.text => Ok(Some(Vec::new())),
        Ok(text) => Ok(Some(vec![TextEdit {
            range: file.range(0, file.text.len()),
            new_text: text,
        }])),
        Err(errors) => {
            let first = errors
                .first()
                .map(|d| format!("{}: {}", d.code, d.message))
                .unwrap_or_default();
            Err(Error::invalid_params(format!(
                "the file has syntax errors and cannot be formatted ({first})"
            )))
        }
    }
}
