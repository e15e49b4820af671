//! `cargo fuzz run parse --sanitizer none` (from compiler/syntax): parsing any bytes must not
//! panic, spans must stay inside the input, and whenever a file parses cleanly the formatter must
//! be idempotent and keep its meaning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scene_syntax::{compare::same_meaning, format, parse, FileId};

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let parsed = parse(FileId(0), &src);
    for d in &parsed.diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end as usize <= src.len());
        assert!(src.is_char_boundary(d.span.start as usize) && src.is_char_boundary(d.span.end as usize));
    }
    if parsed.diagnostics.is_empty() {
        let once = format(&src).expect("a clean file formats");
        let twice = format(&once).expect("formatted output parses");
        assert_eq!(once, twice, "formatter not idempotent");
        let again = parse(FileId(0), &once);
        assert!(same_meaning(&parsed.file, &again.file), "formatter changed meaning");
    }
});
