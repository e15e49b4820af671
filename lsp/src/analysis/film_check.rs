//! Running the checker for the film a document belongs to, off the request path.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use scene_plan::schedule::FilmSchedule;
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, Range, Uri};

use crate::checker::{CheckedMap, Overlay};
use crate::diagnostics::{self, SpanMap};
use crate::project::{Analysis, FileKey, Project, MAX_FILE_BYTES};

/// What one check of a film gives the editor.
pub struct Outcome {
    pub entry: FileKey,
    /// Diagnostics per document URI (documents of the film without any are listed, empty, so
    /// their old diagnostics are cleared).
    pub diagnostics: BTreeMap<String, (Uri, Vec<Diagnostic>)>,
    pub has_errors: bool,
    /// The film, when it checked without errors (planned after the diagnostics are out).
    pub film: Option<scene_check::Film>,
}

/// Everything a check needs, gathered under the project lock so the check itself runs without it.
/// Plans an error-free film. The planner expects one; guard it all the same.
pub fn plan(film: &scene_check::Film) -> Option<Arc<FilmSchedule>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scene_plan::plan(film)))
        .ok()
        .map(|p| Arc::new(p.schedule))
}

pub struct Inputs {
    pub entry: FileKey,
    pub files: Vec<Arc<Analysis>>,
    pub trees: Arc<scene_check::ParseCache>,
}

pub fn gather(project: &mut Project, key: &FileKey) -> Inputs {
    let entry = project.entry_for(key);
    let mut files = project.closure(&entry);
    if !files.iter().any(|f| &f.key == key) {
        if let Some(own) = project.analysis(key) {
            files.push(own);
        }
    }
    Inputs {
        entry,
        files,
        trees: project.trees.clone(),
    }
}

struct Files<'a>(&'a [Arc<Analysis>]);

impl SpanMap for Files<'_> {
    fn locate(&self, span: scene_syntax::Span) -> Option<(Uri, Range)> {
        let file = self.0.iter().find(|f| f.id == span.file)?;
        Some((file.key.uri()?, file.span_range(span)))
    }
}

pub fn run(
    inputs: Inputs,
    overlay: BTreeMap<std::path::PathBuf, Arc<str>>,
    aliases: BTreeMap<std::path::PathBuf, Uri>,
) -> Outcome {
    let (mut diagnostics, has_errors, film) = match inputs.entry.path() {
        Some(entry) if !inputs.files.iter().any(|f| f.too_large) => {
            let vfs = Overlay::new(overlay);
            let checked = scene_check::check_entry_with(entry, &vfs, &*inputs.trees);
            let map = CheckedMap::new(&checked, &aliases);
            let mut diagnostics = diagnostics::to_lsp(&checked.diagnostics, &map);
            for uri in map.documents() {
                diagnostics
                    .entry(uri.as_str().to_owned())
                    .or_insert_with(|| (uri.clone(), Vec::new()));
            }
            let has_errors = checked.has_errors();
            drop(map);
            let film = if has_errors { None } else { Some(checked.film) };
            (diagnostics, has_errors, film)
        }
        _ => {
            // A buffer that is not a file on disk (or a file too large to check): syntax only.
            let mut all = Vec::new();
            for f in &inputs.files {
                all.extend(f.parse.diagnostics.iter().cloned());
            }
            (
                diagnostics::to_lsp(&all, &Files(&inputs.files)),
                all.iter().any(|d| d.is_error()),
                None,
            )
        }
    };
    for f in &inputs.files {
        let Some(uri) = f.key.uri() else { continue };
        let entry = diagnostics
            .entry(uri.as_str().to_owned())
            .or_insert_with(|| (uri.clone(), Vec::new()));
        if f.too_large {
            entry.1.push(Diagnostic {
                range: Range::default(),
                severity: Some(DiagnosticSeverity::WARNING),
                source: Some("scene-lsp".into()),
                message: format!(
                    "this file is too large for the language server ({:.1} MiB, the limit is {} MiB); it is not analysed",
                    f.text.len() as f64 / (1024.0 * 1024.0),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
                ..Diagnostic::default()
            });
        }
    }
    Outcome {
        entry: inputs.entry,
        diagnostics,
        has_errors,
        film,
    }
}

/// URIs published for an entry last time that have nothing now: they must be cleared.
pub fn cleared(
    before: &BTreeSet<String>,
    now: &BTreeMap<String, (Uri, Vec<Diagnostic>)>,
) -> Vec<Uri> {
    before
        .iter()
        .filter(|u| !now.contains_key(*u))
        .filter_map(|u| u.parse().ok())
        .collect()
}
