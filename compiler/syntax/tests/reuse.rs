//! `parse_with` and its item cache give exactly what `parse` gives, whatever was cached before:
//! after edits anywhere, in another file, with errors appearing and disappearing.

mod common;

use common::*;
use proptest::prelude::*;
use scene_syntax::relocate::{Move, Relocate};
use scene_syntax::{parse, parse_with, FileId, ItemCache, Parse};

fn same(a: &Parse, b: &Parse, what: &str) {
    assert_eq!(a.file, b.file, "trees differ: {what}");
    assert_eq!(a.diagnostics, b.diagnostics, "diagnostics differ: {what}");
}

fn corpus_texts() -> Vec<String> {
    corpus()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn a_warm_cache_parses_every_corpus_file_as_parse_does() {
    let mut cache = ItemCache::new();
    for (i, text) in corpus_texts().iter().enumerate() {
        let id = FileId(i as u32);
        let fresh = parse(id, text);
        same(&fresh, &parse_with(id, text, &mut cache), "cold");
        same(&fresh, &parse_with(id, text, &mut cache), "warm");
        // The same text under another id and after a shift: every span follows.
        let moved = format!("\n\n{text}");
        same(
            &parse(FileId(99), &moved),
            &parse_with(FileId(99), &moved, &mut cache),
            "moved",
        );
    }
    let stats = cache.stats();
    assert!(stats.hits > stats.misses, "{stats:?}");
}

#[test]
fn an_edit_reparses_only_the_item_it_touches() {
    let text = corpus_texts()
        .into_iter()
        .max_by_key(|t| parse(FileId(0), t).file.items.len())
        .unwrap();
    let mut cache = ItemCache::new();
    let first = parse_with(FileId(0), &text, &mut cache);
    let items = first.file.items.len();
    assert!(items > 3, "the first corpus file has {items} items");
    // Insert a blank line before the last item: it moves, the others stay.
    let last = first.file.items[items - 1].span.start as usize;
    let edited = format!("{}\n{}", &text[..last], &text[last..]);
    let before = cache.stats();
    let second = parse_with(FileId(0), &edited, &mut cache);
    let after = cache.stats();
    same(&parse(FileId(0), &edited), &second, "blank line");
    assert_eq!(after.misses, before.misses, "nothing changed textually");
    assert_eq!(after.hits - before.hits, items as u64);
}

#[test]
fn relocating_twice_comes_back() {
    let text = std::fs::read_to_string(&corpus()[0]).unwrap();
    let original = parse(FileId(3), &text);
    let mut moved = original.clone();
    moved.file.relocate(Move {
        file: FileId(7),
        delta: 40,
    });
    assert_ne!(moved.file, original.file);
    assert!(moved.file.items.iter().all(|i| i.span.file == FileId(7)));
    moved.file.relocate(Move {
        file: FileId(3),
        delta: -40,
    });
    assert_eq!(moved.file, original.file);
}

/// Some edits a writer makes: typing a character, deleting one, breaking a line, adding a brace.
fn edit(text: &str, at: usize, kind: u8) -> String {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let (a, b) = text.split_at(at);
    match kind % 6 {
        0 => format!("{a}x{b}"),
        1 => format!("{a}{}", b.chars().skip(1).collect::<String>()),
        2 => format!("{a}\n{b}"),
        3 => format!("{a}}}{b}"),
        4 => format!("{a}\"{b}"),
        _ => format!("{a} 3s{b}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A sequence of edits, each parsed with the cache warmed by the versions before it.
    #[test]
    fn editing_session_matches_fresh_parses(
        file in 0usize..64,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
    ) {
        let texts = corpus_texts();
        let mut text = texts[file % texts.len()].clone();
        let mut cache = ItemCache::new();
        parse_with(FileId(0), &text, &mut cache);
        for (at, kind) in edits {
            text = edit(&text, at, kind);
            let cached = parse_with(FileId(0), &text, &mut cache);
            let fresh = parse(FileId(0), &text);
            prop_assert_eq!(&cached.file, &fresh.file);
            prop_assert_eq!(&cached.diagnostics, &fresh.diagnostics);
        }
    }
}

/// A large file is parsed on two threads (`parse`); a cold cache parses it on one
/// (`parse_with`). Both must give the same tree and the same diagnostics in the same order,
/// errors included.
#[test]
fn parsing_a_large_file_on_two_threads_changes_nothing() {
    let mut big = String::new();
    for (i, text) in corpus_texts().iter().cycle().take(300).enumerate() {
        big.push_str(text);
        big.push('\n');
        if i % 37 == 0 {
            big.push_str("scene broken at {\n    shot x 2s { zoom 2x }\n}\n");
        }
    }
    assert!(big.len() > 128 * 1024, "only {} bytes", big.len());
    let threaded = parse(FileId(4), &big);
    assert!(!threaded.diagnostics.is_empty());
    same(
        &threaded,
        &parse_with(FileId(4), &big, &mut ItemCache::new()),
        "two threads",
    );
}

/// A long editing session does not keep every version of every item.
#[test]
fn the_cache_forgets_items_no_longer_written() {
    let text = corpus_texts()
        .into_iter()
        .max_by_key(|t| parse(FileId(0), t).file.items.len())
        .unwrap();
    let items = parse(FileId(0), &text).file.items.len();
    let mut cache = ItemCache::new();
    for n in 0..200 {
        // Each version adds a different comment-free item at the end.
        let version =
            format!("{text}\ncharacter extra{n} {{\n    description \"version {n}\"\n}}\n");
        parse_with(FileId(0), &version, &mut cache);
    }
    let entries = cache.stats().entries;
    assert!(
        entries <= items + 40,
        "{entries} entries for a file of {} items",
        items + 1
    );
}
