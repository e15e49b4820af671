//! The files the server knows — open documents over the files on disk, the stdlib — their
//! parses, and name resolution across imports.
//!
//! Parses are cached by file and stamp (document version, or a hash of the text on disk), so an
//! edit re-parses only the document that changed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use scene_check::{Origin, ParseCache, Parses};
use scene_syntax::{FileId, Parse};

use crate::analysis::documents::Documents;
use crate::analysis::index::{Def, FileIndex, ImportRef, NameKind, Ref};
use crate::analysis::line_index::{LineCol, LineIndex};
use crate::analysis::stdlib;

/// Files larger than this are not analysed (a diagnostic says so); the editor stays responsive.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// At most this many `.scene` files are discovered under the workspace roots.
const MAX_WORKSPACE_FILES: usize = 2000;

/// A file as the server knows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKey {
    /// A file on disk (normalized: no `.` or `..`).
    Path(PathBuf),
    /// A document whose URI is not a file (an unsaved buffer), by its URI.
    Uri(String),
    Std(&'static str),
}

impl FileKey {
    pub fn path(&self) -> Option<&Path> {
        match self {
            FileKey::Path(p) => Some(p),
            _ => None,
        }
    }

    pub fn is_std(&self) -> bool {
        matches!(self, FileKey::Std(_))
    }

    /// The file as the checker names it (for an unsaved buffer, a name no file has), so the
    /// server and the checker share parses.
    pub fn origin(&self) -> Origin {
        match self {
            FileKey::Path(p) => Origin::File(p.clone()),
            FileKey::Uri(s) => Origin::File(PathBuf::from(format!("\0{s}"))),
            FileKey::Std(name) => Origin::Std(name),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stamp {
    Version(i32),
    Content(u64),
    Std,
}

/// One file, parsed and indexed.
#[derive(Debug)]
pub struct Analysis {
    pub key: FileKey,
    pub id: FileId,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
    pub parse: Arc<Parse>,
    pub index: FileIndex,
    /// Too large to analyse: `parse` and `index` are empty.
    pub too_large: bool,
    stamp: Stamp,
}

impl Analysis {
    /// The editor position of a byte offset.
    pub fn position(&self, offset: usize) -> LineCol {
        self.lines.position(&self.text, offset)
    }

    /// The byte offset of an editor position.
    pub fn offset(&self, position: LineCol) -> usize {
        self.lines.offset(&self.text, position)
    }
}

/// A name resolved to its definition.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub file: Arc<Analysis>,
    pub def: Def,
}

#[derive(Default)]
pub struct Project {
    pub documents: Documents,
    pub roots: Vec<PathBuf>,
    /// `.scene` files found under the roots, plus every file opened or imported since.
    known: BTreeSet<PathBuf>,
    cache: HashMap<FileKey, Arc<Analysis>>,
    ids: BTreeMap<FileKey, FileId>,
    /// How many parses were run (exposed through `scene/stats` so tests can see the cache work).
    pub parses: u64,
    /// Trees by text, shared with the checker: a file is parsed once per change, whoever asks,
    /// and then only in the items that changed.
    pub trees: Arc<ParseCache>,
}

fn hash_text(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Project {
    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.roots = roots;
        self.discover();
    }

    /// Finds the `.scene` files under the roots (hidden folders, `node_modules` and `target`
    /// skipped), so that references and renames reach files the editor has not opened.
    pub fn discover(&mut self) {
        let mut stack: Vec<(PathBuf, usize)> = self.roots.iter().map(|r| (r.clone(), 0)).collect();
        let mut found = 0;
        while let Some((dir, depth)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let Ok(ft) = entry.file_type() else { continue };
                if ft.is_dir() {
                    if depth < 12
                        && !name.starts_with('.')
                        && name != "node_modules"
                        && name != "target"
                    {
                        stack.push((entry.path(), depth + 1));
                    }
                } else if ft.is_file() && name.ends_with(".scene") && found < MAX_WORKSPACE_FILES {
                    self.known.insert(normalize(&entry.path()));
                    found += 1;
                }
            }
        }
    }

    /// Forgets the cached analysis of a file (a document re-opened with the same version may
    /// hold different text).
    pub fn invalidate(&mut self, key: &FileKey) {
        self.cache.remove(key);
    }

    pub fn remember(&mut self, key: &FileKey) {
        if let FileKey::Path(p) = key {
            self.known.insert(p.clone());
        }
    }

    fn id_of(&mut self, key: &FileKey) -> FileId {
        let next = FileId(self.ids.len() as u32);
        *self.ids.entry(key.clone()).or_insert(next)
    }

    pub fn key_of_id(&self, id: FileId) -> Option<&FileKey> {
        self.ids.iter().find(|(_, v)| **v == id).map(|(k, _)| k)
    }

    /// The current text of a file: the open document if there is one, else the disk, else the
    /// stdlib. `None` when the file cannot be read.
    fn current(&self, key: &FileKey) -> Option<(Arc<str>, Option<Arc<LineIndex>>, Stamp)> {
        match key {
            FileKey::Std(name) => {
                stdlib::module(name).map(|m| (Arc::from(m.text), None, Stamp::Std))
            }
            _ => {
                if let Some(doc) = self.documents.get(key) {
                    return Some((
                        doc.text.clone(),
                        Some(doc.lines.clone()),
                        Stamp::Version(doc.version),
                    ));
                }
                let path = key.path()?;
                let meta = std::fs::metadata(path).ok()?;
                if !meta.is_file() || meta.len() as usize > MAX_FILE_BYTES * 2 {
                    return None;
                }
                let bytes = std::fs::read(path).ok()?;
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let stamp = Stamp::Content(hash_text(&text));
                Some((Arc::from(text), None, stamp))
            }
        }
    }

    /// The analysis of a file, parsing it only when its text changed since the last time.
    pub fn analysis(&mut self, key: &FileKey) -> Option<Arc<Analysis>> {
        let (text, lines, stamp) = self.current(key)?;
        if let Some(cached) = self.cache.get(key) {
            if cached.stamp == stamp {
                return Some(cached.clone());
            }
        }
        let id = self.id_of(key);
        let lines = lines.unwrap_or_else(|| Arc::new(LineIndex::new(&text)));
        let too_large = text.len() > MAX_FILE_BYTES;
        let parse = if too_large {
            Arc::new(Parse {
                file: scene_syntax::ast::SourceFile {
                    file: id,
                    items: Vec::new(),
                    comments: Vec::new(),
                },
                diagnostics: Vec::new(),
            })
        } else {
            self.parses += 1;
            parse_guarded(&*self.trees, id, &key.origin(), &text)
        };
        let index = FileIndex::build(&parse.file);
        let analysis = Arc::new(Analysis {
            key: key.clone(),
            id,
            text,
            lines,
            parse,
            index,
            too_large,
            stamp,
        });
        self.cache.insert(key.clone(), analysis.clone());
        Some(analysis)
    }

    /// Where an import in `from` points.
    pub fn import_target(from: &FileKey, import: &ImportRef) -> Option<FileKey> {
        match import {
            ImportRef::Std { module, .. } => stdlib::module(module).map(|m| FileKey::Std(m.name)),
            ImportRef::File { path, .. } => {
                let base = from.path()?.parent()?;
                Some(FileKey::Path(normalize(&base.join(path))))
            }
        }
    }

    /// `key` and every file it imports, directly or not, in a stable order (the file itself
    /// first, then imports depth-first in the order written). Cycles are cut.
    pub fn closure(&mut self, key: &FileKey) -> Vec<Arc<Analysis>> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![key.clone()];
        while let Some(k) = stack.pop() {
            if !seen.insert(k.clone()) {
                continue;
            }
            let Some(a) = self.analysis(&k) else { continue };
            let mut next: Vec<FileKey> = a
                .index
                .imports
                .iter()
                .filter_map(|i| Self::import_target(&k, i))
                .collect();
            next.reverse();
            stack.extend(next);
            out.push(a);
        }
        out
    }

    /// Resolves a name of a kind as seen from `from`.
    pub fn resolve(&mut self, from: &FileKey, kind: NameKind, name: &str) -> Option<Resolved> {
        for file in self.closure(from) {
            if let Some(def) = file
                .index
                .defs
                .iter()
                .find(|d| d.kind == kind && d.name == name)
            {
                return Some(Resolved {
                    def: def.clone(),
                    file: file.clone(),
                });
            }
        }
        None
    }

    /// Every definition of a kind visible from `from`, first definition of each name only.
    pub fn visible(&mut self, from: &FileKey, kind: NameKind) -> Vec<Resolved> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for file in self.closure(from) {
            for def in file.index.defs.iter().filter(|d| d.kind == kind) {
                if seen.insert(def.name.clone()) {
                    out.push(Resolved {
                        def: def.clone(),
                        file: file.clone(),
                    });
                }
            }
        }
        out
    }

    /// Every file that can see `target`: the files whose import closure contains it. These are
    /// the files a reference to a definition in `target` can be in.
    pub fn dependents(&mut self, target: &FileKey) -> Vec<Arc<Analysis>> {
        let mut keys: BTreeSet<FileKey> = self.known.iter().cloned().map(FileKey::Path).collect();
        for doc in self.documents.all() {
            keys.insert(doc.key.clone());
        }
        keys.insert(target.clone());
        let mut out = Vec::new();
        for key in keys {
            let closure = self.closure(&key);
            if closure.iter().any(|a| &a.key == target) {
                if let Some(a) = closure.into_iter().next() {
                    out.push(a);
                }
            }
        }
        out
    }

    /// The file to check when `key` changes: a file with a `film` block that imports it (the
    /// film it belongs to), else the file itself.
    pub fn entry_for(&mut self, key: &FileKey) -> FileKey {
        if let Some(a) = self.analysis(key) {
            if a.index.film.is_some() {
                return key.clone();
            }
        }
        let candidates: Vec<FileKey> = self.known.iter().cloned().map(FileKey::Path).collect();
        for candidate in candidates {
            if &candidate == key {
                continue;
            }
            let Some(a) = self.analysis(&candidate) else {
                continue;
            };
            if a.index.film.is_none() {
                continue;
            }
            if self.closure(&candidate).iter().any(|f| &f.key == key) {
                return candidate;
            }
        }
        key.clone()
    }

    /// The texts of every open document, for the checker's file system overlay.
    pub fn overlay(&self) -> BTreeMap<PathBuf, Arc<str>> {
        self.documents
            .all()
            .filter_map(|d| Some((d.key.path()?.to_path_buf(), d.text.clone())))
            .collect()
    }

    /// Canonical path → URI of each open document, so diagnostics go to the URI the client
    /// used even when it named the file through a symlink.
    pub fn aliases(&self) -> BTreeMap<PathBuf, String> {
        let mut out = BTreeMap::new();
        for d in self.documents.all() {
            if let Some(path) = d.key.path() {
                if let Ok(canonical) = std::fs::canonicalize(path) {
                    out.insert(canonical, d.uri.clone());
                }
                out.insert(path.to_path_buf(), d.uri.clone());
            }
        }
        out
    }

    pub fn refs_in<'a>(
        file: &'a Analysis,
        kind: NameKind,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Ref> + 'a {
        file.index
            .refs
            .iter()
            .filter(move |r| r.kind == kind && r.name == name)
    }
}

/// The parser promises never to panic; the server must survive even if it does.
fn parse_guarded(trees: &dyn Parses, id: FileId, origin: &Origin, text: &str) -> Arc<Parse> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        trees.parse(id, origin, text)
    })) {
        Ok(parse) => parse,
        Err(_) => Arc::new(Parse {
            file: scene_syntax::ast::SourceFile {
                file: id,
                items: Vec::new(),
                comments: Vec::new(),
            },
            diagnostics: vec![scene_syntax::Diagnostic::new(
                scene_syntax::codes::E0099,
                scene_syntax::Span::new(id, 0, 0),
                "the parser failed on this file (a bug in scenec); editor features are limited",
            )],
        }),
    }
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
