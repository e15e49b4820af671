//! The open documents, as the client last sent them.
//!
//! Handlers run concurrently, so edits are applied here synchronously, under a plain mutex and
//! before any `.await`: a change is applied in the order it arrived, and only when its version is
//! newer than the one held, so a stale or repeated notification can never undo a newer edit.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::analysis::line_index::{LineCol, LineIndex};
use crate::analysis::project::FileKey;

/// One version of a document's text, shared cheaply with analysis tasks.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub key: FileKey,
    /// The URI the client opened the document under, as it wrote it: diagnostics go back to it.
    pub uri: String,
    pub version: i32,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl Snapshot {
    pub fn new(key: FileKey, uri: String, version: i32, text: String) -> Self {
        let lines = Arc::new(LineIndex::new(&text));
        Snapshot {
            key,
            uri,
            version,
            text: Arc::from(text),
            lines,
        }
    }
}

/// One edit of a change: the text between two positions (of the text as it stands after the
/// edits before it) replaced, or the whole text when there is no range.
#[derive(Clone, Debug)]
pub struct Edit {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
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
    open: BTreeMap<FileKey, Snapshot>,
}

impl Documents {
    pub fn open(&mut self, key: FileKey, uri: String, version: i32, text: String) -> Snapshot {
        let snapshot = Snapshot::new(key.clone(), uri, version, text);
        self.open.insert(key, snapshot.clone());
        snapshot
    }

    pub fn close(&mut self, key: &FileKey) -> Option<Snapshot> {
        self.open.remove(key)
    }

    pub fn get(&self, key: &FileKey) -> Option<&Snapshot> {
        self.open.get(key)
    }

    pub fn version(&self, key: &FileKey) -> Option<i32> {
        self.get(key).map(|s| s.version)
    }

    pub fn all(&self) -> impl Iterator<Item = &Snapshot> {
        self.open.values()
    }

    /// Applies the edits of one change, in order.
    pub fn change(&mut self, key: &FileKey, version: i32, edits: Vec<Edit>) -> ChangeOutcome {
        let Some(current) = self.open.get(key) else {
            return ChangeOutcome::NotOpen;
        };
        if version <= current.version {
            return ChangeOutcome::Stale {
                held: current.version,
            };
        }
        let mut text = current.text.to_string();
        let mut lines = current.lines.clone();
        for edit in edits {
            match edit.range {
                None => text = edit.text,
                Some((start, end)) => {
                    let start = lines.offset(&text, start);
                    let end = lines.offset(&text, end).max(start);
                    text.replace_range(start..end, &edit.text);
                }
            }
            lines = Arc::new(LineIndex::new(&text));
        }
        let snapshot = Snapshot {
            key: current.key.clone(),
            uri: current.uri.clone(),
            version,
            text: Arc::from(text),
            lines,
        };
        self.open.insert(key.clone(), snapshot);
        ChangeOutcome::Applied
    }
}
