//! The checking context every pass shares: the loaded sources, resolved names, assets and the
//! diagnostics found so far, with the helpers that read blocks and report common mistakes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scene_syntax::ast::{Field, Ident};
use scene_syntax::{Diagnostic, FileId, Span};

use crate::assets::Assets;
use crate::codes;
use crate::names::{self, Kind, Names};
use crate::sources::{Origin, Sources};
use crate::suggest;
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

/// The fields of a block by key (first occurrence), after reporting unknown and repeated keys.
pub fn fields<'f>(
    fields: &'f [Field],
    valid: &[&str],
    block: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<&'f str, &'f Field> {
    let mut seen: BTreeMap<&str, &Field> = BTreeMap::new();
    for field in fields {
        let key = field.key.name.as_str();
        if !valid.contains(&key) {
            diags.push(unknown_field(&field.key, valid, block));
            continue;
        }
        if let Some(first) = seen.get(key) {
            diags.push(
                Diagnostic::new(
                    codes::E0113,
                    field.span,
                    format!("`{key}` is given twice in {block}"),
                )
                .with_label("given again here")
                .with_related(first.span, "first given here")
                .with_help(format!("keep one `{key}`")),
            );
            continue;
        }
        seen.insert(key, field);
    }
    seen
}

pub fn unknown_field(key: &Ident, valid: &[&str], block: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        codes::E0120,
        key.span,
        format!("{block} has no field `{}`", key.name),
    )
    .with_label("unknown field");
    let listing = format!("the fields of {block} are {}", suggest::list(valid));
    d = match suggest::nearest(&key.name, valid.iter().copied()) {
        Some(near) => d
            .with_help(format!("did you mean `{near}`? {listing}"))
            .with_fix(key.span, near, format!("replace with `{near}`")),
        None => d.with_help(listing),
    };
    d
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
