//! Synthesises every image and sound the example films reference, deterministically: the same
//! program gives the same bytes on every machine, so the outputs can be committed and checked.

pub mod ambience;
pub mod canvas;
pub mod dmath;
pub mod figure;
pub mod font;
pub mod instrument;
pub mod manifest;
pub mod music;
pub mod pictures;
pub mod rng;
pub mod score;
pub mod sfx;
pub mod synth;
pub mod wav;

use std::io;
use std::path::Path;

pub use manifest::{Asset, ASSETS, ASSET_DIRS};

/// Writes one file through a temporary name, so an interrupted run never leaves a half-written
/// asset behind under its real name.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
