//! A deterministic fuzzer for the three command-line entry points that read scripts — check,
//! fmt and schedule — run as an ordinary test for a fixed budget.
//!
//! Why in-process and seeded rather than cargo-fuzz in CI: it needs neither a nightly-only
//! sanitizer build nor installing cargo-fuzz and building libFuzzer on every CI run; it runs on
//! stable with `cargo test`; and a failure reproduces exactly from its seed and iteration
//! number. It calls exactly what the commands call — `check_entry` on files on disk followed by
//! both renderers (`scenec check`), `format` (`scenec fmt`), `plan` and the schedule's JSON
//! (`scenec schedule`) — and checks what each promises, not only that nothing panics. For
//! coverage-guided runs without a budget, the same properties (properties.rs) are cargo-fuzz
//! targets in compiler/cli/fuzz (`check`, `fmt`, `schedule`).
//!
//! `SCENEC_FUZZ_ITERATIONS` sets the number of inputs per entry point (default 2,000) and
//! `SCENEC_FUZZ_SEED` picks another sequence.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crate::properties::{self, Workspace};

/// SplitMix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens a mutation may insert: the language's words, its punctuation, and the values that
/// broke it before (huge numbers, unclosed openings, escapes, imports and assets).
const DICTIONARY: &[&str] = &[
    "film", "scene", "shot", "at", "{", "}", "(", ")", "\"", ",", ";", "\n", " ", "camera",
    "wide", "closeup", "dolly", "in", "out", "crane", "up", "pan", "left", "right", "orbit",
    "lens", "says", "enters", "exits", "walks", "to", "over", "from", "continues", "keyframe",
    "dissolve", "fade", "wipe", "cut", "play", "stop", "sound", "sfx", "music", "character",
    "location", "description", "reference", "import", "std.camera", "std.look", "look", "fps",
    "size", "seed", "guidance", "steps", "prompt", "(V.O.)", "0", "-1", "1.5", "24", "6s",
    "0f", "250ms", "30%", "200%", "35mm", "2m", "30deg", "-6dB", "2x", "768x512", "#ff0000",
    "99999999999999999999999", "2000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000s",
    "\"refs/face.png\"", "\"audio/bell.wav\"", "\"cast.scene\"", "\"../outside.scene\"",
    "\"film.scene\"", "\\u{1F600}", "\\q", "/*", "*/", "//", "{(", "é", "\u{202e}",
];

fn mutate(rng: &mut Rng, text: &str, corpus: &[String]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let len = chars.len();
        match rng.below(6) {
            0 if len > 0 => {
                let at = rng.below(len);
                chars.remove(at);
            }
            1 if len > 0 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(64)).min(len);
                chars.drain(from..to);
            }
            2 if len > 0 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(128)).min(len);
                let copy: Vec<char> = chars[from..to].to_vec();
                let at = rng.below(len + 1);
                chars.splice(at..at, copy);
            }
            3 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())];
                let at = rng.below(len + 1);
                chars.splice(at..at, token.chars());
            }
            4 => {
                let other: Vec<char> = corpus[rng.below(corpus.len())].chars().collect();
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let to = (from + 1 + rng.below(256)).min(other.len());
                    let at = rng.below(len + 1);
                    chars.splice(at..at, other[from..to].iter().copied());
                }
            }
            _ if len > 0 => {
                // Replace a digit run by an extreme number.
                let at = rng.below(len);
                if let Some(start) = (at..len).find(|&i| chars[i].is_ascii_digit()) {
                    let end = (start..len)
                        .find(|&i| !chars[i].is_ascii_digit())
                        .unwrap_or(len);
                    let nines = "9".repeat(320);
                    let extreme = ["0", "1", "4294967296", nines.as_str()][rng.below(4)];
                    chars.splice(start..end, extreme.chars());
                }
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Every example film and syntax fixture, as the starting points of mutation.
fn corpus() -> Vec<String> {
    let root = repo();
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        root.join("compiler/syntax/tests/fixtures/ok"),
        root.join("compiler/syntax/tests/fixtures/bad"),
    ] {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            files.push(entry.path());
        }
    }
    files.push(root.join("compiler/syntax/tests/fixtures/language_example.scene"));
    files.extend(crate::common::example_films());
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

fn iterations() -> usize {
    std::env::var("SCENEC_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn seed(target: u64) -> u64 {
    let base = std::env::var("SCENEC_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5ce_4ec);
    base ^ target.wrapping_mul(0x9e37_79b9)
}

/// Runs `property` on `iterations()` mutated inputs; a failure names the seed and iteration
/// that reproduce it.
fn fuzz(target: u64, property: impl Fn(&str)) {
    let corpus = corpus();
    let seed = seed(target);
    let mut rng = Rng(seed);
    for i in 0..iterations() {
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base, &corpus);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| property(&input))) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let kept = std::env::temp_dir().join(format!("scenec-fuzz-{seed:x}-{i}.scene"));
            let _ = std::fs::write(&kept, &input);
            panic!(
                "iteration {i} of seed {seed:#x} failed: {why}\n(input saved as {})",
                kept.display()
            );
        }
    }
}

#[test]
fn fuzz_check() {
    let workspace = Workspace::new(&repo());
    fuzz(1, |input| properties::check(&workspace, input));
}

#[test]
fn fuzz_fmt() {
    fuzz(2, properties::fmt);
}

#[test]
fn fuzz_schedule() {
    let workspace = Workspace::new(&repo());
    fuzz(3, |input| properties::schedule(&workspace, input));
}
