//! The checking context every pass shares: the loaded sources, resolved names, assets and the
//! diagnostics found so far, with the helpers that read blocks and report common mistakes.

use std::path::{Path, PathBuf};

use scene_syntax::ast::Ident;
use scene_syntax::{Diagnostic, FileId, Span};

use crate::assets::Assets;
use crate::codes;
use crate::names::{self, Kind, Names};
use crate::sources::{Origin, Sources};
use crate::units::Fps;
use crate::Vfs;

/// What every pass reads and adds to: the program, its names, the assets found so far, the
/// film's fps (set by the film block) and the diagnostics.
pub struct Cx<'a> {
    pub sources: &'a Sources,
    pub root: &'a Path,
    pub entry: FileId,
    pub names: Names<'a>,
    pub diags: Vec<Diagnostic>,
    pub assets: Assets<'a>,
    pub fps: Fps,
}

impl<'a> Cx<'a> {
    /// The context for checking the program loaded into `sources`, its names already collected
    /// (their diagnostics come first). Times convert at 24 fps until the film block says otherwise.
    pub fn new(sources: &'a Sources, root: &'a Path, entry: FileId, vfs: &'a dyn Vfs) -> Self {
        let mut diags = Vec::new();
        let names = names::collect(sources, entry, &mut diags);
        Cx {
            sources,
            root,
            entry,
            names,
            diags,
            assets: Assets::new(vfs, root),
            fps: Fps(24),
        }
    }

    /// The folder of a file, that its relative paths start from.
    pub fn dir_of(&self, file: FileId) -> PathBuf {
        match self.sources.origin(file) {
            Some(Origin::File(path)) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            _ => self.root.to_path_buf(),
        }
    }

    /// Resolves a name of `kind`; reports it when unknown. With `fallback`, an unknown name
    /// resolves to the suggested one so the rest of the film can still be built.
    pub fn resolve(&mut self, kind: Kind, ident: &Ident, fallback: bool) -> Option<u32> {
        let (found, candidates): (Option<usize>, Vec<&str>) = match kind {
            Kind::Character => (
                self.names.characters.get(&ident.name),
                self.names.characters.names().collect(),
            ),
            Kind::Location => (
                self.names.locations.get(&ident.name),
                self.names.locations.names().collect(),
            ),
            Kind::Sound => (
                self.names.sounds.get(&ident.name),
                self.names.sounds.names().collect(),
            ),
            Kind::Look => (
                self.names.looks.get(&ident.name),
                self.names.looks.names().collect(),
            ),
            Kind::Camera => (
                self.names.cameras.get(&ident.name),
                self.names.cameras.names().collect(),
            ),
            Kind::Scene => (
                self.names.scenes.get(&ident.name),
                self.names.scenes.names().collect(),
            ),
        };
        if let Some(i) = found {
            return Some(i as u32);
        }
        let near = names::unknown(
            kind,
            ident,
            &candidates,
            self.sources,
            self.entry,
            &mut self.diags,
        )?;
        if !fallback {
            return None;
        }
        let index = match kind {
            Kind::Character => self.names.characters.get(near),
            Kind::Location => self.names.locations.get(near),
            Kind::Sound => self.names.sounds.get(near),
            Kind::Look => self.names.looks.get(near),
            Kind::Camera => self.names.cameras.get(near),
            Kind::Scene => self.names.scenes.get(near),
        };
        index.map(|i| i as u32)
    }
}

/// The same statement twice in one shot (E0113).
pub fn twice(span: Span, first: Span, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0113,
        span,
        format!("{what} is given twice in this shot"),
    )
    .with_label("given again here")
    .with_related(first, "first given here")
    .with_help(help.to_string())
}

/// `1.5s`, `6s`, `0.04s`: a frame count in seconds for messages.
pub fn seconds_text(frames: u32, fps: Fps) -> String {
    let s = frames as f64 / fps.0.max(1) as f64;
    let text = format!("{s:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}s")
}
