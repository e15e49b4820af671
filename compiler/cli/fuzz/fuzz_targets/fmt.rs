//! `cargo fuzz run fmt --sanitizer none` (from compiler/cli): what `scenec fmt` promises for any
//! script (see tests/hostile/properties.rs), on inputs libFuzzer grows by coverage.
#![no_main]

#[path = "../../../../tests/hostile/properties.rs"]
mod properties;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    properties::fmt(&String::from_utf8_lossy(data));
});
