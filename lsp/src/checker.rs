//! The checker behind the diagnostics: `scene_check::check_entry` over a file system in which
//! open documents replace the files on disk, so unsaved edits in any file of the film count.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scene_check::{Checked, FileKind, Origin, RealFs, Stat, Vfs};
use tower_lsp_server::ls_types::{Range, Uri};

use crate::diagnostics::SpanMap;
use crate::line_index::LineIndex;

/// Open documents over the real file system. Keys are both the path from the document's URI
/// and its canonical form, so the checker finds a document whichever way it names it.
pub struct Overlay {
    open: BTreeMap<PathBuf, Arc<str>>,
}

impl Overlay {
    pub fn new(documents: BTreeMap<PathBuf, Arc<str>>) -> Self {
        let mut open = BTreeMap::new();
        for (path, text) in documents {
            if let Ok(canonical) = std::fs::canonicalize(&path) {
                open.insert(canonical, text.clone());
            }
            open.insert(path, text);
        }
        Overlay { open }
    }

    fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.open
            .get(path)
            .or_else(|| self.open.get(&crate::uri::normalize(path)))
    }
}

impl Vfs for Overlay {
    fn stat(&self, path: &Path) -> io::Result<Stat> {
        match self.get(path) {
            Some(text) => Ok(Stat {
                kind: FileKind::File,
                len: text.len() as u64,
            }),
            None => RealFs.stat(path),
        }
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        match self.get(path) {
            Some(text) => Ok(text.to_string()),
            // Bounded, and never blocking on a FIFO: see scene_check::vfs.
            None => RealFs.read_to_string(path),
        }
    }

    fn open(&self, path: &Path) -> io::Result<std::fs::File> {
        RealFs.open(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        match std::fs::canonicalize(path) {
            Ok(p) => Ok(p),
            // A new document that was never saved exists only in the editor.
            Err(_) if self.get(path).is_some() => Ok(crate::uri::normalize(path)),
            Err(e) => Err(e),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        self.get(path).is_some() || path.exists()
    }
}

/// Maps the checker's spans to client documents. A file open under another (non-canonical)
/// path is reported under the URI the client opened it with.
pub struct CheckedMap<'a> {
    checked: &'a Checked,
    lines: Vec<LineIndex>,
    uris: Vec<Option<Uri>>,
}

impl<'a> CheckedMap<'a> {
    /// `aliases`: canonical path → URI of the open document.
    pub fn new(checked: &'a Checked, aliases: &BTreeMap<PathBuf, Uri>) -> Self {
        let mut lines = Vec::new();
        let mut uris = Vec::new();
        for id in checked.sources.ids() {
            lines.push(LineIndex::new(checked.sources.text(id)));
            let uri = match checked.sources.origin(id) {
                Some(Origin::File(path)) => aliases
                    .get(path)
                    .cloned()
                    .or_else(|| crate::uri::from_path(path)),
                _ => None,
            };
            uris.push(uri);
        }
        CheckedMap {
            checked,
            lines,
            uris,
        }
    }

    /// Every client document of the film.
    pub fn documents(&self) -> impl Iterator<Item = &Uri> {
        self.uris.iter().flatten()
    }
}

impl SpanMap for CheckedMap<'_> {
    fn locate(&self, span: scene_syntax::Span) -> Option<(Uri, Range)> {
        let i = span.file.0 as usize;
        let uri = self.uris.get(i)?.clone()?;
        let text = self.checked.sources.text(span.file);
        Some((
            uri,
            self.lines[i].range(text, span.start as usize, span.end as usize),
        ))
    }
}
