//! Helpers shared by the syntax tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use scene_syntax::{line_col, parse, Diagnostic, FileId, Parse};

pub fn fixture(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

pub fn parse_str(src: &str) -> Parse {
    parse(FileId(0), src)
}

/// Parses and asserts there is no diagnostic.
pub fn parse_clean(src: &str) -> Parse {
    let p = parse_str(src);
    assert!(
        p.diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render(src, &p.diagnostics)
    );
    p
}

/// Diagnostics as plain text, one per line: `code: message at line:col`, then any related spans.
pub fn render(src: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (l, c) = line_col(src, d.span.start as usize);
        out.push_str(&format!("{}: {} at {l}:{c}\n", d.code, d.message));
        for r in &d.related {
            let (l, c) = line_col(src, r.span.start as usize);
            out.push_str(&format!("    related: {} at {l}:{c}\n", r.message));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("    help: {h}\n"));
        }
    }
    out
}

/// Every `.scene` file of the repository's `examples/` and `stdlib/` (whichever exist), and the
/// good fixtures.
pub fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "compiler/syntax/tests/fixtures/ok"] {
        collect(&root.join(dir), &mut files);
    }
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/language_example.scene"));
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "scene") {
            out.push(p);
        }
    }
}
