//! Reusing the parse of top-level items whose text did not change.
//!
//! An editor re-parses a file on every keystroke, and a keystroke changes one item. The parser
//! parses each top-level item on its own (see `parser`), and a clean item's tree depends only on
//! its own text, so [`ItemCache`] remembers the tree of each clean item by its text and hands out
//! a copy moved to where the item stands now. Items with syntax errors, or touched by a lexical
//! problem of the whole file, are always parsed again: their diagnostics may depend on more than
//! their own text.

use std::collections::HashMap;

use crate::ast::Item;
use crate::relocate::{Move, Relocate};
use crate::span::FileId;

/// How many parses an entry survives without being used: enough for the few files of one film
/// (entry, imports, stdlib) parsed both by the language server and by the checker.
const KEEP_FOR_PARSES: u64 = 16;

struct Entry {
    /// The tree as it was built the first time, at `start` in `file`.
    item: Item,
    start: usize,
    file: FileId,
    last_used: u64,
}

/// Trees of clean top-level items by their text. Lookups only: the map's order never reaches
/// any output.
#[derive(Default)]
pub struct ItemCache {
    entries: HashMap<Box<str>, Entry>,
    /// Counts parses; entries unused for [`KEEP_FOR_PARSES`] parses are dropped.
    generation: u64,
    /// The generation of the last sweep.
    swept_at: u64,
    hits: u64,
    misses: u64,
}

/// How well the cache served, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub hits: u64,
    pub misses: u64,
}

impl ItemCache {
    pub fn new() -> Self {
        ItemCache::default()
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            entries: self.entries.len(),
            hits: self.hits,
            misses: self.misses,
        }
    }

    pub(crate) fn begin_parse(&mut self) {
        self.generation += 1;
    }

    /// Drops what has not been used lately, so the cache follows the text being edited instead
    /// of growing with every version of it.
    pub(crate) fn end_parse(&mut self) {
        let generation = self.generation;
        if generation - self.swept_at >= KEEP_FOR_PARSES {
            self.entries
                .retain(|_, e| generation - e.last_used <= KEEP_FOR_PARSES);
            self.swept_at = generation;
        }
    }

    /// The tree of an item with this text, moved to `start` in `file`.
    pub(crate) fn get(&mut self, text: &str, file: FileId, start: usize) -> Option<Item> {
        let Some(entry) = self.entries.get_mut(text) else {
            self.misses += 1;
            return None;
        };
        entry.last_used = self.generation;
        self.hits += 1;
        let mut item = entry.item.clone();
        let to = Move {
            file,
            delta: start as i64 - entry.start as i64,
        };
        if to.delta != 0 || entry.file != file {
            item.relocate(to);
        }
        Some(item)
    }

    pub(crate) fn insert(&mut self, text: &str, file: FileId, start: usize, item: &Item) {
        self.entries.insert(
            Box::from(text),
            Entry {
                item: item.clone(),
                start,
                file,
                last_used: self.generation,
            },
        );
    }
}
