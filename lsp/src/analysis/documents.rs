//! The open documents, as the client last sent them.
//!
//! Handlers run concurrently, so edits are applied here synchronously, under a plain mutex and
//! before any `.await`: a `didChange` is applied in the order it arrived, and only when its
//! version is newer than the one held, so a stale or repeated notification can never undo a
//! newer edit.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::line_index::LineIndex;

/// One version of a document's text, shared cheaply with analysis tasks.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl Snapshot {
    pub fn new(uri: Uri, version: i32, text: String) -> Self {
        let path = crate::uri::to_path(&uri);
        let lines = Arc::new(LineIndex::new(&text));
        Snapshot {
            uri,
            path,
            version,
            text: Arc::from(text),
            lines,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    Applied,
    /// The document was never opened (or was closed).
    NotOpen,
    /// The version is not newer than the one held: an out-of-order or repeated notification.
    Stale {
        held: i32,
    },
}

#[derive(Default)]
pub struct Documents {
    open: BTreeMap<String, Snapshot>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> Snapshot {
        let snapshot = Snapshot::new(uri, version, text);
        self.open
            .insert(snapshot.uri.as_str().to_owned(), snapshot.clone());
        snapshot
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Snapshot> {
        self.open.remove(uri.as_str())
    }

    pub fn get(&self, uri: &Uri) -> Option<&Snapshot> {
        self.open.get(uri.as_str())
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.get(uri).map(|s| s.version)
    }

    pub fn all(&self) -> impl Iterator<Item = &Snapshot> {
        self.open.values()
    }

    /// Applies the changes of one `didChange`, in order. Ranged changes are incremental edits
    /// in UTF-16 positions of the text as it stands after the previous change.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> ChangeOutcome {
        let Some(current) = self.open.get(uri.as_str()) else {
            return ChangeOutcome::NotOpen;
        };
        if version <= current.version {
            return ChangeOutcome::Stale {
                held: current.version,
            };
        }
        let mut text = current.text.to_string();
        let mut lines = current.lines.clone();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let start = lines.offset(&text, range.start);
                    let end = lines.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
            lines = Arc::new(LineIndex::new(&text));
        }
        let snapshot = Snapshot {
            uri: current.uri.clone(),
            path: current.path.clone(),
            version,
            text: Arc::from(text),
            lines,
        };
        self.open.insert(uri.as_str().to_owned(), snapshot);
        ChangeOutcome::Applied
    }
}
