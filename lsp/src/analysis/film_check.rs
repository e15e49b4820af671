//! Checking the film a document belongs to, off the request path: the inputs are gathered under
//! the project lock, the check itself runs without it, and the outcome is plain data that the
//! protocol layer publishes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use scene_check::Origin;
use scene_plan::schedule::FilmSchedule;
use scene_syntax::{Diagnostic, FileId};

use crate::analysis::line_index::LineIndex;
use crate::analysis::overlay::Overlay;
use crate::analysis::project::{Analysis, FileKey, Project};

/// Everything a check needs, gathered under the project lock so the check itself runs without it.
pub struct Inputs {
    pub entry: FileKey,
    pub files: Vec<Arc<Analysis>>,
    pub trees: Arc<scene_check::ParseCache>,
    /// Where an entry that is not a file (an `untitled:` buffer) is checked as if it were saved:
    /// the first workspace root, so its imports resolve as they will once it is saved there.
    pub untitled_dir: PathBuf,
}

/// Where a checked file's diagnostics go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Document {
    /// An open document, by the URI the client opened it under.
    Uri(String),
    /// A file on disk that is not open.
    Path(PathBuf),
}

/// A file the check read, with the text it read (diagnostic spans index into it).
pub struct CheckedFile {
    pub id: FileId,
    pub document: Document,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

/// A file of the film the server did not analyse because it is too large.
pub struct TooLarge {
    pub document: Document,
    pub bytes: usize,
}

/// What one check of a film gives the editor.
pub struct Outcome {
    pub entry: FileKey,
    /// Every file of the film a client can open (the stdlib is not one), whether or not it has
    /// diagnostics: those without any must have their old ones cleared.
    pub files: Vec<CheckedFile>,
    /// Diagnostics whose primary span is in a file outside `files` are dropped when published.
    pub diagnostics: Vec<Diagnostic>,
    pub too_large: Vec<TooLarge>,
    pub has_errors: bool,
    /// The film, when it checked without errors (planned after the diagnostics are out).
    pub film: Option<scene_check::Film>,
}

impl Outcome {
    pub fn file(&self, id: FileId) -> Option<&CheckedFile> {
        self.files.iter().find(|f| f.id == id)
    }
}

/// Plans an error-free film. The planner expects one; guard it all the same.
/// Its dialogue is timed with the project's scratch voices ([`crate::analysis::speech`]).
pub fn plan(film: &scene_check::Film) -> Option<Arc<FilmSchedule>> {
    let voices = crate::analysis::speech::voices(&film.project_root);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        scene_plan::plan(film, voices.as_ref())
    }))
    .ok()
    .map(|p| Arc::new(p.schedule))
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
        untitled_dir: project
            .roots
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("/untitled")),
    }
}

/// The path an unsaved buffer is checked under: its URI's last segment, in `dir`, with the
/// `.scene` extension. Only the overlay holds it; nothing is written there.
fn untitled_path(uri: &str, dir: &std::path::Path) -> PathBuf {
    let name: String = uri
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("untitled")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = if name.is_empty() {
        "untitled".to_string()
    } else {
        name
    };
    dir.join(format!("{name}.scene"))
}

/// The document of a file the server knows, under the URI the client opened it with if it is
/// open.
fn document_of(key: &FileKey, aliases: &BTreeMap<PathBuf, String>) -> Option<Document> {
    match key {
        FileKey::Path(p) => Some(
            aliases
                .get(p)
                .map_or_else(|| Document::Path(p.clone()), |u| Document::Uri(u.clone())),
        ),
        FileKey::Uri(u) => Some(Document::Uri(u.clone())),
        FileKey::Std(_) => None,
    }
}

/// Checks the film of `inputs`. `overlay`: the open documents' texts by path; `aliases`:
/// canonical path → URI of each open document.
pub fn run(
    inputs: Inputs,
    mut overlay: BTreeMap<PathBuf, Arc<str>>,
    mut aliases: BTreeMap<PathBuf, String>,
) -> Outcome {
    let too_large: Vec<TooLarge> = inputs
        .files
        .iter()
        .filter(|f| f.too_large)
        .filter_map(|f| {
            Some(TooLarge {
                document: document_of(&f.key, &aliases)?,
                bytes: f.text.len(),
            })
        })
        .collect();
    let mut files: Vec<CheckedFile> = Vec::new();
    // An unsaved buffer is checked like a file: under a path only the overlay knows.
    let untitled = match &inputs.entry {
        FileKey::Uri(uri) => inputs
            .files
            .iter()
            .find(|f| f.key == inputs.entry)
            .map(|f| {
                let path = untitled_path(uri, &inputs.untitled_dir);
                overlay.insert(path.clone(), f.text.clone());
                aliases.insert(path.clone(), uri.clone());
                path
            }),
        _ => None,
    };
    let entry_path = inputs.entry.path().map(PathBuf::from).or(untitled);
    let (diagnostics, has_errors, film) = match entry_path.as_deref() {
        Some(entry) if too_large.is_empty() => {
            let vfs = Overlay::new(overlay);
            let checked = scene_check::check_entry_with(entry, &vfs, &*inputs.trees);
            for id in checked.sources.ids() {
                let Some(Origin::File(path)) = checked.sources.origin(id) else {
                    continue;
                };
                let text: Arc<str> = Arc::from(checked.sources.text(id));
                files.push(CheckedFile {
                    id,
                    document: aliases.get(path).map_or_else(
                        || Document::Path(path.clone()),
                        |u| Document::Uri(u.clone()),
                    ),
                    lines: Arc::new(LineIndex::new(&text)),
                    text,
                });
            }
            let mut checked = checked;
            let has_errors = checked.has_errors();
            if !has_errors {
                // The dialogue-timing diagnostics (W0201–W0203, and E0309 for subtitles the
                // MP4 cannot hold) come from measuring each line; a line spoken before comes
                // from the voices' cache. E0309 leaves the film plannable: hints still work.
                let voices = crate::analysis::speech::voices(&checked.project_root);
                let timing = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    scene_plan::speech::time(&checked.film, voices.as_ref())
                }));
                if let Ok(timing) = timing {
                    checked.add_diagnostics(timing.diagnostics);
                }
            }
            let film = if has_errors { None } else { Some(checked.film) };
            (checked.diagnostics, has_errors, film)
        }
        _ => {
            // A buffer that is not a file on disk (or a file too large to check): syntax only.
            let mut all = Vec::new();
            for f in &inputs.files {
                all.extend(f.parse.diagnostics.iter().cloned());
                if let Some(document) = document_of(&f.key, &aliases) {
                    files.push(CheckedFile {
                        id: f.id,
                        document,
                        text: f.text.clone(),
                        lines: f.lines.clone(),
                    });
                }
            }
            let has_errors = all.iter().any(|d| d.is_error());
            (all, has_errors, None)
        }
    };
    // The film's own files are listed even when the check did not read them (a file too large).
    for f in &inputs.files {
        let Some(document) = document_of(&f.key, &aliases) else {
            continue;
        };
        if !files.iter().any(|c| c.document == document) {
            files.push(CheckedFile {
                id: f.id,
                document,
                text: f.text.clone(),
                lines: f.lines.clone(),
            });
        }
    }
    Outcome {
        entry: inputs.entry,
        files,
        diagnostics,
        too_large,
        has_errors,
        film,
    }
}
