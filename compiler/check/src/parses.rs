//! Where the checker gets the syntax tree of each file it loads.
//!
//! `scenec check` parses every file once ([`FreshParses`]). Tools that check the same film again
//! and again — the language server on every keystroke, `scenec watch` on every save — keep a
//! [`ParseCache`]: a file whose text did not change is not parsed again, and in a file that did
//! change only the top-level items whose text changed are.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use scene_syntax::{FileId, ItemCache, Parse};

use crate::sources::Origin;

/// Hands out the parse of a file's text. Must give what `scene_syntax::parse(file, text)` gives.
/// Parses are shared: a cache hands out the same one to every check that asks.
pub trait Parses: Sync {
    fn parse(&self, file: FileId, origin: &Origin, text: &str) -> Arc<Parse>;
}

/// Parses every file afresh.
#[derive(Clone, Copy, Debug, Default)]
pub struct FreshParses;

impl Parses for FreshParses {
    fn parse(&self, file: FileId, _origin: &Origin, text: &str) -> Arc<Parse> {
        Arc::new(scene_syntax::parse(file, text))
    }
}

/// The last parse of each file, and the trees of the items of every recent parse.
#[derive(Default)]
pub struct ParseCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// By file and id: the text last parsed and its parse.
    files: BTreeMap<(Origin, FileId), (Box<str>, Arc<Parse>)>,
    items: ItemCache,
    whole_file_hits: u64,
}

/// How well a [`ParseCache`] served, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseCacheStats {
    /// Files whose text was unchanged since their last parse.
    pub whole_file_hits: u64,
    /// Top-level items reused from an earlier parse / parsed now.
    pub item_hits: u64,
    pub item_misses: u64,
}

impl ParseCache {
    pub fn new() -> Self {
        ParseCache::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic inside the parser leaves the cache consistent (entries are inserted whole).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn stats(&self) -> ParseCacheStats {
        let state = self.lock();
        let items = state.items.stats();
        ParseCacheStats {
            whole_file_hits: state.whole_file_hits,
            item_hits: items.hits,
            item_misses: items.misses,
        }
    }

    /// Forgets every file not in `keep`, so that a long editing session over many files does
    /// not keep the text of each one forever.
    pub fn retain_files(&self, mut keep: impl FnMut(&Origin) -> bool) {
        self.lock().files.retain(|(origin, _), _| keep(origin));
    }
}

impl Parses for ParseCache {
    fn parse(&self, file: FileId, origin: &Origin, text: &str) -> Arc<Parse> {
        let mut state = self.lock();
        let key = (origin.clone(), file);
        if let Some((last, parse)) = state.files.get(&key) {
            if **last == *text {
                let parse = parse.clone();
                state.whole_file_hits += 1;
                return parse;
            }
        }
        let parse = Arc::new(scene_syntax::parse_with(file, text, &mut state.items));
        state.files.insert(key, (Box::from(text), parse.clone()));
        parse
    }
}
