//! `cargo fuzz run schedule --sanitizer none` (from compiler/cli): what `scenec schedule` promises for any
//! script (see tests/hostile/properties.rs), on inputs libFuzzer grows by coverage.
#![no_main]

#[path = "../../../../tests/hostile/properties.rs"]
mod properties;

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

static WORKSPACE: OnceLock<properties::Workspace> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let workspace = WORKSPACE
        .get_or_init(|| properties::Workspace::new(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")));
    properties::schedule(workspace, &String::from_utf8_lossy(data));
});
