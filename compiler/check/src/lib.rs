//! Checking: imports, name resolution, units and types, assets. A program becomes a typed
//! [`film::Film`] plus diagnostics.
//!
//! [`check_entry`] cannot fail: whatever the input, it returns the best film it could build
//! together with every diagnostic found. Files are only ever read through a [`Vfs`], and never
//! outside the project root.
//!
//! `load` reads and parses the entry file and its imports; `lower` then builds the film in
//! passes. The lowering modules depend on each other one way only, downwards (a module uses only
//! modules on lines below its own):
//!
//! ```text
//! lower        the order of the passes
//! scene        scenes, transitions, scene-level cues; runs continuity at the end
//! shot         one shot: its length, statements, whole-shot checks
//! camera  cues  settings  continuity  defs  blocking
//!              camera and lens · audio cues · per-shot settings · `continues` links ·
//!              the film block and definitions · character blocking and dialogue
//! context  fields
//!              the shared checking context (`Cx`) and shared diagnostics · a block's fields
//!              read against the vocabulary's field table (`scene_syntax::vocab`)
//! names  values  units  suggest  assets  film  codes  sources
//! ```
//!
//! The one exception is within the fourth line, and it points one way too: `settings` uses
//! `defs` (a `look` reference), `camera` and `cues` use `blocking` (times inside a shot).
//!
//! Which fields a block has, what each takes and which are required is data in the vocabulary,
//! not code here: `fields` reads any block by it, and the passes only place each value.

pub mod codes;
pub mod film;
pub mod parses;
pub mod render;
pub mod sources;
pub mod units;

mod assets;
mod blocking;
mod camera;
mod context;
mod continuity;
mod cues;
mod defs;
mod fields;
mod load;
mod lower;
mod names;
mod scene;
mod settings;
mod shot;
pub mod stdlib;
mod suggest;
mod values;

use std::io;
use std::path::{Path, PathBuf};

use scene_syntax::Diagnostic;

pub use film::Film;
pub use parses::{FreshParses, ParseCache, ParseCacheStats, Parses};
pub use sources::{Origin, Source, Sources};

/// The file system as the checker sees it. The language server overlays open documents; tests
/// use temporary directories through [`RealFs`].
pub trait Vfs: Sync {
    fn read_to_string(&self, path: &Path) -> io::Result<String>;
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// The absolute path with every symlink resolved; an error when the path does not exist.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    fn exists(&self, path: &Path) -> bool;
}

/// The real file system (`std::fs`).
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFs;

impl Vfs for RealFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// The result of checking a film.
#[derive(Debug)]
pub struct Checked {
    /// The best film that could be built; only trustworthy when [`Checked::has_errors`] is false.
    pub film: Film,
    /// Syntax and checker diagnostics, sorted by file, position and code.
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// Canonical project root: the nearest ancestor of the entry file holding a `scene.toml`, or
    /// the entry file's directory.
    pub project_root: PathBuf,
    /// Every file the film depends on — sources, assets, `scene.toml`, and paths that were
    /// looked for but missing — sorted, for watch mode.
    pub dependencies: Vec<PathBuf>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Checks the film whose entry file is `entry`. Never panics; returns a best-effort film even
/// when there are errors.
pub fn check_entry(entry: &Path, vfs: &dyn Vfs) -> Checked {
    check_entry_with(entry, vfs, &FreshParses)
}

/// [`check_entry`], taking the parse of each file from `parses` — a [`ParseCache`] when the same
/// film is checked again and again, so that only what changed is parsed.
pub fn check_entry_with(entry: &Path, vfs: &dyn Vfs, parses: &dyn Parses) -> Checked {
    let loaded = load::load(entry, vfs, parses);
    let mut diagnostics = loaded.diagnostics;
    let mut dependencies = loaded.dependencies;
    let lowered = lower::lower(&loaded.sources, &loaded.project_root, loaded.entry, vfs);
    diagnostics.extend(lowered.diagnostics);
    dependencies.extend(lowered.dependencies);
    dependencies.sort();
    dependencies.dedup();
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
    Checked {
        film: lowered.film,
        diagnostics,
        sources: loaded.sources,
        project_root: loaded.project_root,
        dependencies,
    }
}
