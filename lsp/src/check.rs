//! Running the checker for the film a document belongs to, off the request path.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use scene_plan::schedule::FilmSchedule;
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, Range, Uri};

use crate::diagnostics::{self, SpanMap};
use crate::project::{Analysis, FileKey, Project, MAX_FILE_BYTES};

/// What one check of a film gives the editor.
pub struct Outcome {
    pub entry: FileKey,
    /// Diagnostics per document URI (documents of the film without any are listed, empty, so
    /// their old diagnostics are cleared).
    pub diagnostics: BTreeMap<String, (Uri, Vec<Diagnostic>)>,
    pub has_errors: bool,
    /// The planned film, when it checked without errors.
    pub schedule: Option<Arc<FilmSchedule>>,
}

/// Everything a check needs, gathered under the project lock so the check itself runs without it.
pub struct Inputs {
    pub entry: FileKey,
    pub files: Vec<Arc<Analysis>>,
}

pub fn gather(project: &mut Project, key: &FileKey) -> Inputs {
    let entry = project.entry_for(key);
    let mut files = project.closure(&entry);
    if !files.iter().any(|f| &f.key == key) {
        if let Some(own) = project.analysis(key) {
            files.push(own);
        }
    }
    Inputs { entry, files }
}

struct Files<'a>(&'a [Arc<Analysis>]);

impl SpanMap for Files<'_> {
    fn locate(&self, span: scene_syntax::Span) -> Option<(Uri, Range)> {
        let file = self.0.iter().find(|f| f.id == span.file)?;
        Some((file.key.uri()?, file.span_range(span)))
    }
}

pub fn run(inputs: Inputs) -> Outcome {
    let mut all = Vec::new();
    for f in &inputs.files {
        all.extend(f.parse.diagnostics.iter().cloned());
    }
    let map = Files(&inputs.files);
    let mut diagnostics = diagnostics::to_lsp(&all, &map);
    for f in &inputs.files {
        let Some(uri) = f.key.uri() else { continue };
        let entry = diagnostics.entry(uri.as_str().to_owned()).or_insert_with(|| (uri.clone(), Vec::new()));
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
    let has_errors = all.iter().any(|d| d.is_error());
    Outcome { entry: inputs.entry, diagnostics, has_errors, schedule: None }
}

/// URIs published for an entry last time that have nothing now: they must be cleared.
pub fn cleared(before: &BTreeSet<String>, now: &BTreeMap<String, (Uri, Vec<Diagnostic>)>) -> Vec<Uri> {
    before.iter().filter(|u| !now.contains_key(*u)).filter_map(|u| u.parse().ok()).collect()
}
