//! The file watcher behind `scenec watch`: which files to watch, and when they have changed.
//!
//! It watches the *directories* that hold the files a build read, never the files themselves:
//! editors often save by writing a temporary file and renaming it over the original (or by
//! deleting and recreating it), and a watch on the file would die with the old inode. A watch on
//! the directory sees the new file arrive under the old name.
//!
//! Files are compared by [`key`]: the canonical path of their directory joined with their name.
//! That stays the same while the file itself is missing, which a canonical path of the file
//! does not (canonicalising a missing file fails), so a file that disappears for a moment is
//! still recognised when it comes back.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

/// Quiet time after the last relevant event before a rebuild starts: a save is often several
/// events (write, truncate, rename), and an editor saving all its buffers touches several files.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// How often waiting looks at the Ctrl-C flag and retries directories it could not watch.
const TICK: Duration = Duration::from_millis(50);

/// Why [`Watcher::wait`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// A watched file changed and the events have settled: rebuild once.
    Changed,
    /// Ctrl-C: stop watching.
    Interrupted,
}

pub struct Watcher {
    inner: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    /// The files the last build read, by [`key`].
    files: BTreeSet<PathBuf>,
    /// The directories holding `files` that are being watched.
    watched: BTreeSet<PathBuf>,
    /// Directories holding `files` that could not be watched (not there yet, or not readable);
    /// tried again on every tick, and a file appearing in one counts as a change.
    missing: BTreeSet<PathBuf>,
}

impl Watcher {
    pub fn new() -> Result<Self, String> {
        let (tx, events) = mpsc::channel();
        let inner = notify::recommended_watcher(move |event| {
            // The receiver is gone only when the watcher is being dropped.
            let _ = tx.send(event);
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        Ok(Self {
            inner,
            events,
            files: BTreeSet::new(),
            watched: BTreeSet::new(),
            missing: BTreeSet::new(),
        })
    }

    /// How many files are watched.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Watches exactly the directories of `files` (the dependencies of the last build), and
    /// stops watching directories no longer needed.
    pub fn update<'a>(&mut self, files: impl IntoIterator<Item = &'a Path>) {
        self.files = files.into_iter().map(key).collect();
        let dirs: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for gone in self.watched.difference(&dirs) {
            // Unwatching a directory that was removed fails; there is nothing left to stop.
            let _ = self.inner.unwatch(gone);
        }
        self.watched.retain(|d| dirs.contains(d));
        self.missing.clear();
        for dir in dirs {
            if !self.watched.contains(&dir) {
                self.watch(dir);
            }
        }
    }

    fn watch(&mut self, dir: PathBuf) -> bool {
        match self.inner.watch(&dir, RecursiveMode::NonRecursive) {
            Ok(()) => {
                self.watched.insert(dir);
                true
            }
            Err(e) => {
                if self.missing.insert(dir.clone()) {
                    eprintln!("warning: cannot watch {} yet: {e}", dir.display());
                }
                false
            }
        }
    }

    /// Blocks until a watched file has changed and no relevant event has arrived for
    /// [`DEBOUNCE`], or until `interrupt` is set.
    pub fn wait(&mut self, interrupt: &AtomicBool) -> Result<Wake, String> {
        let mut last_change: Option<Instant> = None;
        loop {
            if interrupt.load(Ordering::SeqCst) {
                return Ok(Wake::Interrupted);
            }
            match self.events.recv_timeout(TICK) {
                Ok(Ok(event)) => {
                    if self.is_relevant(&event) {
                        last_change = Some(Instant::now());
                    }
                }
                Ok(Err(e)) => eprintln!("warning: file watching: {e}"),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err("the file watcher stopped".into())
                }
            }
            if self.retry_missing() {
                last_change = Some(Instant::now());
            }
            if last_change.is_some_and(|t| t.elapsed() >= DEBOUNCE) {
                return Ok(Wake::Changed);
            }
        }
    }

    /// Watches the directories that have appeared since; true when one of them now holds a
    /// file the build needs (it arrived before the watch could see it).
    fn retry_missing(&mut self) -> bool {
        let missing = std::mem::take(&mut self.missing);
        let mut appeared = false;
        for dir in missing {
            if dir.is_dir() && self.watch(dir.clone()) {
                appeared |= self
                    .files
                    .iter()
                    .any(|f| f.parent() == Some(dir.as_path()) && f.exists());
            } else {
                self.missing.insert(dir);
            }
        }
        appeared
    }

    /// A write, creation, rename or removal of a file the last build read. Our own reads of the
    /// script and assets show up as access events, and access-time updates as metadata
    /// changes: neither is a change. Everything else in the watched directories (the output
    /// film, its temporary files, the cache) is not the build's input.
    fn is_relevant(&self, event: &notify::Event) -> bool {
        let is_change = match event.kind {
            EventKind::Create(_) | EventKind::Remove(_) => true,
            EventKind::Modify(ModifyKind::Metadata(_)) => false,
            EventKind::Modify(_) => true,
            EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
        };
        is_change && event.paths.iter().any(|p| self.files.contains(&key(p)))
    }
}

/// The name a file is compared by: its directory's canonical path joined with its file name.
/// The directory usually outlives the file's brief absences, so the key is stable across them;
/// when the directory cannot be resolved either, the path as given (already absolute) is used.
fn key(path: &Path) -> PathBuf {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return path.to_path_buf();
    };
    match std::fs::canonicalize(dir) {
        Ok(dir) => dir.join(name),
        Err(_) => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_its_key_while_it_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("film.scene");
        std::fs::write(&file, "").unwrap();
        let present = key(&file);
        assert_eq!(present, std::fs::canonicalize(&file).unwrap());
        std::fs::remove_file(&file).unwrap();
        assert_eq!(key(&file), present);
        // The same file named through a `..` detour is the same key.
        let detour = dir.path().join("sub/../film.scene");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(key(&detour), present);
    }
}
