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
//! camera  cues  settings  continuity  defs  blocking  light
//!              camera and lens · audio cues · per-shot settings · `continues` links ·
//!              the film block and definitions · character and prop blocking, holds and
//!              dialogue · a `light` line
//! context  fields
//!              the shared checking context (`Cx`) and shared diagnostics · a block's fields
//!              read against the vocabulary's field table (`scene_syntax::vocab`)
//! names  values  units  suggest  assets  film  codes  sources
//! ```
//!
//! The one exception is within the fourth line, and it points one way too: `settings` uses
//! `defs` (a `look` reference), `camera` and `cues` use `blocking` (times inside a shot),
//! `defs` and `settings` use `light` (a location's and a shot's lights).
//!
//! Which fields a block has, what each takes and which are required is data in the vocabulary,
//! not code here: `fields` reads any block by it, and the passes only place each value.

pub mod codes;
pub mod film;
pub mod limits;
pub mod parses;
pub mod remix;
pub mod render;
pub mod sources;
pub mod units;
pub mod vfs;

mod assets;
mod blocking;
mod camera;
mod context;
mod continuity;
mod cues;
mod defs;
mod fields;
mod focus;
mod light;
mod load;
mod lower;
mod names;
mod scene;
mod settings;
mod shot;
pub mod stdlib;
mod suggest;
mod values;
mod viewpoint;

use std::path::{Path, PathBuf};

use scene_syntax::{Diagnostic, FileId};

pub use film::Film;
pub use load::{entry_diagnostic, read_script, ScriptError};
pub use parses::{FreshParses, ParseCache, ParseCacheStats, Parses};
pub use sources::{Origin, Source, Sources};
pub use vfs::{FileKind, RealFs, Stat, Vfs};

/// The result of checking a film.
#[derive(Debug)]
pub struct Checked {
    /// The best film that could be built; only trustworthy when [`Checked::has_errors`] is false.
    pub film: Film,
    /// Syntax and checker diagnostics, sorted by file, position and code: at most
    /// [`limits::MAX_DIAGNOSTICS_PER_FILE`] per file, the first ones; [`Checked::suppressed`]
    /// counts the rest.
    pub diagnostics: Vec<Diagnostic>,
    /// Per file with more diagnostics than are kept: how many errors and warnings were dropped.
    pub suppressed: Vec<Suppressed>,
    pub sources: Sources,
    /// Canonical project root: the nearest ancestor of the entry file holding a `scene.toml`, or
    /// the entry file's directory.
    pub project_root: PathBuf,
    /// Every file the film depends on — sources, assets, `scene.toml`, and paths that were
    /// looked for but missing — sorted, for watch mode. A remix's base films are among them.
    pub dependencies: Vec<PathBuf>,
    /// For a remix (`film … extends PATH`): what it changes in its base film.
    pub remix: Option<remix::Remix>,
}

/// Diagnostics of one file beyond those [`Checked`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suppressed {
    pub file: FileId,
    pub errors: usize,
    pub warnings: usize,
}

impl Checked {
    /// Whether any error was found, kept or suppressed.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
            || self.suppressed.iter().any(|s| s.errors > 0)
    }

    /// The errors kept (see [`Checked::error_count`] for how many were found).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// Errors and warnings found, suppressed ones included.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.errors().count();
        // Hints (H01xx) are neither: nothing is wrong.
        let warnings = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == scene_syntax::Severity::Warning)
            .count();
        self.suppressed
            .iter()
            .fold((errors, warnings), |(e, w), s| {
                (e + s.errors, w + s.warnings)
            })
    }

    /// Report diagnostics found after checking — the planner's dialogue timing (W0201–W0203) —
    /// with the checker's, in the same order and under the same per-file cap.
    pub fn add_diagnostics(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        let mut all = std::mem::take(&mut self.diagnostics);
        all.extend(more);
        sort_diagnostics(&mut all);
        let (kept, suppressed) = cap_per_file(all);
        self.diagnostics = kept;
        for s in suppressed {
            match self.suppressed.iter_mut().find(|old| old.file == s.file) {
                Some(old) => {
                    old.errors += s.errors;
                    old.warnings += s.warnings;
                }
                None => self.suppressed.push(s),
            }
        }
        self.suppressed.sort_by_key(|s| s.file);
    }
}

/// By file, position and code.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.span.end,
            b.code,
            &b.message,
        ))
    });
}

/// Keeps the first [`limits::MAX_DIAGNOSTICS_PER_FILE`] of each file's diagnostics (which are
/// sorted by file) and counts the rest. A file with thousands of mistakes is one mistake
/// repeated; every consumer — terminal, JSON, editor — is better served by the first of them.
fn cap_per_file(diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let mut kept = Vec::with_capacity(diagnostics.len().min(limits::MAX_DIAGNOSTICS_PER_FILE));
    let mut suppressed: Vec<Suppressed> = Vec::new();
    let mut run: Option<(FileId, usize)> = None;
    for d in diagnostics {
        let count = match &mut run {
            Some((file, count)) if *file == d.span.file => {
                *count += 1;
                *count
            }
            _ => {
                run = Some((d.span.file, 1));
                1
            }
        };
        if count <= limits::MAX_DIAGNOSTICS_PER_FILE {
            kept.push(d);
            continue;
        }
        if suppressed.last().is_none_or(|s| s.file != d.span.file) {
            suppressed.push(Suppressed {
                file: d.span.file,
                errors: 0,
                warnings: 0,
            });
        }
        if let Some(s) = suppressed.last_mut() {
            if d.is_error() {
                s.errors += 1;
            } else {
                s.warnings += 1;
            }
        }
    }
    kept.shrink_to_fit();
    (kept, suppressed)
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
    // A remix is checked as the program it means (see `remix`); `sources` stay as parsed.
    let (program, remix) = remix::apply(
        &loaded.sources,
        loaded.entry,
        &loaded.bases,
        &mut diagnostics,
    );
    let program = program.as_ref().unwrap_or(&loaded.sources);
    let lowered = lower::lower(program, &loaded.project_root, loaded.entry, vfs);
    diagnostics.extend(lowered.diagnostics);
    dependencies.extend(lowered.dependencies);
    dependencies.sort();
    dependencies.dedup();
    sort_diagnostics(&mut diagnostics);
    diagnostics.dedup();
    let (diagnostics, suppressed) = cap_per_file(diagnostics);
    Checked {
        film: lowered.film,
        diagnostics,
        suppressed,
        sources: loaded.sources,
        project_root: loaded.project_root,
        dependencies,
        remix,
    }
}
