//! File URIs ⇄ paths.

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

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

/// Removes `.` and `..` components without touching the file system, so that the same file
/// reached through `cast/../film.scene` and `film.scene` is one key.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
