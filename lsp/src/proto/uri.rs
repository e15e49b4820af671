//! File URIs ⇄ the analysis layer's file keys.

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

use crate::analysis::project::normalize;
use crate::analysis::FileKey;

/// The local path of a `file:` URI; `None` for other schemes (an unsaved buffer).
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.as_str().starts_with("file:") {
        return None;
    }
    uri.to_file_path().map(|p| normalize(&p))
}

pub fn from_path(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// The file a URI names.
pub fn key(uri: &Uri) -> FileKey {
    match to_path(uri) {
        Some(p) => FileKey::Path(p),
        None => FileKey::Uri(uri.as_str().to_owned()),
    }
}

/// The URI of a file; `None` for the stdlib, which the client cannot open.
pub fn of_key(key: &FileKey) -> Option<Uri> {
    match key {
        FileKey::Path(p) => from_path(p),
        FileKey::Uri(s) => s.parse().ok(),
        FileKey::Std(_) => None,
    }
}
