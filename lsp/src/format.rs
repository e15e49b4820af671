//! Formatting: the same formatter as `scenec fmt`, as one whole-document edit.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::TextEdit;

use crate::project::Analysis;

pub fn format(file: &Analysis) -> Result<Option<Vec<TextEdit>>> {
    if file.too_large {
        return Err(Error::invalid_params("the file is too large to format in the editor; run `scenec fmt`"));
    }
    let _ = file;
    Err(Error::invalid_params("formatting is not available yet"))
}
