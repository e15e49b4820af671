//! Go to definition, find references, rename.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    Location, Position, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit,
};

use crate::index::NameKind;
use crate::project::{Analysis, FileKey, Project, Resolved};

/// The name under the cursor: its kind, text, and where it is defined (if anywhere).
pub struct Target {
    pub kind: NameKind,
    pub name: String,
    pub span: scene_syntax::Span,
    pub resolved: Option<Resolved>,
}

pub fn target_at(project: &mut Project, file: &Analysis, offset: usize) -> Option<Target> {
    if let Some(def) = file.index.def_at(offset) {
        let def = def.clone();
        let resolved = Resolved {
            file: project.analysis(&file.key)?,
            def: def.clone(),
        };
        return Some(Target {
            kind: def.kind,
            name: def.name,
            span: def.name_span,
            resolved: Some(resolved),
        });
    }
    let r = file.index.ref_at(offset)?.clone();
    let resolved = project.resolve(&file.key, r.kind, &r.name);
    Some(Target {
        kind: r.kind,
        name: r.name,
        span: r.span,
        resolved,
    })
}

pub fn definition(project: &mut Project, file: &Analysis, offset: usize) -> Option<Location> {
    let t = target_at(project, file, offset)?;
    let resolved = t.resolved?;
    let uri = resolved.file.key.uri()?;
    Some(Location {
        uri,
        range: resolved.file.span_range(resolved.def.name_span),
    })
}

/// Every use of the definition (and the definition itself when asked), in every file that can
/// see it. A use counts only when it resolves to this very definition.
pub struct Occurrences {
    pub uri: Uri,
    pub file: std::sync::Arc<Analysis>,
    pub spans: Vec<scene_syntax::Span>,
}

pub fn occurrences(
    project: &mut Project,
    resolved: &Resolved,
    include_decl: bool,
) -> Vec<Occurrences> {
    let def_key = resolved.file.key.clone();
    let mut out = Vec::new();
    for file in project.dependents(&def_key) {
        let Some(uri) = file.key.uri() else { continue };
        let mut spans = Vec::new();
        if include_decl && file.key == def_key {
            spans.push(resolved.def.name_span);
        }
        let candidates: Vec<scene_syntax::Span> =
            Project::refs_in(&file, resolved.def.kind, &resolved.def.name)
                .map(|r| r.span)
                .collect();
        if !candidates.is_empty() {
            let same = project
                .resolve(&file.key, resolved.def.kind, &resolved.def.name)
                .is_some_and(|r| {
                    r.file.key == def_key && r.def.name_span == resolved.def.name_span
                });
            if same {
                spans.extend(candidates);
            }
        }
        spans.sort();
        spans.dedup();
        if !spans.is_empty() {
            out.push(Occurrences { uri, file, spans });
        }
    }
    out
}

pub fn references(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
    include_decl: bool,
) -> Vec<Location> {
    let Some(t) = target_at(project, file, offset) else {
        return Vec::new();
    };
    let Some(resolved) = t.resolved else {
        // An unresolved name: its uses in this file are still useful.
        return Project::refs_in(file, t.kind, &t.name)
            .filter_map(|r| {
                Some(Location {
                    uri: file.key.uri()?,
                    range: file.span_range(r.span),
                })
            })
            .collect();
    };
    let mut out = Vec::new();
    for o in occurrences(project, &resolved, include_decl) {
        for s in o.spans {
            out.push(Location {
                uri: o.uri.clone(),
                range: o.file.span_range(s),
            });
        }
    }
    out
}

/// Words that start statements or items: a definition with one of these names could not be
/// referred to everywhere, so renaming to them is refused.
const RESERVED: &[&str] = &[
    "import",
    "film",
    "character",
    "location",
    "look",
    "camera",
    "sound",
    "scene",
    "shot",
    "music",
    "sfx",
    "ambience",
    "at",
    "on",
    "play",
    "stop",
    "prompt",
    "continues",
    "keyframe",
    "lens",
    "cut",
    "dissolve",
    "fade",
    "wipe",
    "to",
    "over",
    "from",
    "ease",
    "enters",
    "exits",
    "walks",
    "runs",
    "does",
    "says",
    "seed",
    "guidance",
    "strength",
    "style",
    "negative",
    "steps",
    "title",
    "pan",
    "tilt",
    "dolly",
    "truck",
    "crane",
    "orbit",
    "handheld",
    "static",
    "std",
];

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn prepare_rename(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
) -> Result<PrepareRenameResponse, String> {
    let t = target_at(project, file, offset).ok_or("there is no name here to rename")?;
    match &t.resolved {
        Some(r) if r.file.key.is_std() => Err(format!(
            "`{}` is defined in the standard library and cannot be renamed",
            t.name
        )),
        Some(_) => Ok(PrepareRenameResponse::RangeWithPlaceholder {
            range: file.span_range(t.span),
            placeholder: t.name,
        }),
        None => Err(format!(
            "`{}` is not defined anywhere, so there is nothing to rename",
            t.name
        )),
    }
}

pub fn rename(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    let t = target_at(project, file, offset).ok_or("there is no name here to rename")?;
    let resolved = t.resolved.ok_or_else(|| {
        format!(
            "`{}` is not defined anywhere, so there is nothing to rename",
            t.name
        )
    })?;
    if resolved.file.key.is_std() {
        return Err(format!(
            "`{}` is defined in the standard library and cannot be renamed",
            t.name
        ));
    }
    if !is_identifier(new_name) {
        return Err(format!("`{new_name}` is not an identifier (letters, digits and `_`, not starting with a digit)"));
    }
    if RESERVED.contains(&new_name) {
        return Err(format!("`{new_name}` is a keyword of the language"));
    }
    if new_name == t.name {
        return Ok(WorkspaceEdit::default());
    }
    // A collision is a definition of the same kind with the new name visible from any file
    // that sees the renamed definition (or from the definition's own file).
    let files = project.dependents(&resolved.file.key);
    for f in &files {
        if let Some(clash) = project.resolve(&f.key, resolved.def.kind, new_name) {
            let at = clash
                .file
                .key
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the standard library".into());
            let line = clash.file.lines.line_of(clash.def.name_span.start as usize) + 1;
            return Err(format!(
                "a {} named `{new_name}` already exists ({at}:{line})",
                resolved.def.kind.word()
            ));
        }
    }
    if resolved.def.kind == NameKind::Camera && crate::stdlib::FRAMINGS.contains(&new_name) {
        return Err(format!("`{new_name}` is a built-in framing preset"));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for o in occurrences(project, &resolved, true) {
        let edits = o.spans.iter().map(|s| TextEdit {
            range: o.file.span_range(*s),
            new_text: new_name.to_owned(),
        });
        changes.entry(o.uri).or_default().extend(edits);
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

pub fn position_offset(file: &Analysis, position: Position) -> usize {
    file.offset(position)
}

pub fn key_of(uri: &Uri) -> FileKey {
    FileKey::of_uri(uri)
}
