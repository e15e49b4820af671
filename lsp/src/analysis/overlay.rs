//! The file system the checker reads: open documents over the files on disk, so unsaved edits
//! in any file of the film count.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scene_check::{FileKind, RealFs, Stat, Vfs};

use crate::analysis::project::normalize;

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
            .or_else(|| self.open.get(&normalize(path)))
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
            Err(_) if self.get(path).is_some() => Ok(normalize(path)),
            Err(e) => Err(e),
        }
    }

    fn exists(&self, path: &Path) -> bool {
        self.get(path).is_some() || path.exists()
    }
}
