//! Go to definition, find references, rename.

use std::sync::Arc;

use scene_syntax::{vocab, Span};

use crate::analysis::stdlib;
use crate::analysis::{Analysis, NameKind, Project, Resolved};
use crate::ide::FileSpan;

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

/// Where the name under the cursor is defined.
pub fn definition(project: &mut Project, file: &Analysis, offset: usize) -> Option<FileSpan> {
    let t = target_at(project, file, offset)?;
    let resolved = t.resolved?;
    if resolved.file.key.is_std() {
        return None;
    }
    Some(FileSpan {
        span: resolved.def.name_span,
        file: resolved.file,
    })
}

/// Every use of the definition (and the definition itself when asked), in every file that can
/// see it. A use counts only when it resolves to this very definition.
pub struct Occurrences {
    pub file: Arc<Analysis>,
    pub spans: Vec<Span>,
}

pub fn occurrences(
    project: &mut Project,
    resolved: &Resolved,
    include_decl: bool,
) -> Vec<Occurrences> {
    let def_key = resolved.file.key.clone();
    let mut out = Vec::new();
    for file in project.dependents(&def_key) {
        if file.key.is_std() {
            continue;
        }
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
            out.push(Occurrences { file, spans });
        }
    }
    out
}

/// Every use of the name under the cursor, in every file that can see its definition (and the
/// definition itself when asked).
pub fn references(
    project: &mut Project,
    file: &Arc<Analysis>,
    offset: usize,
    include_decl: bool,
) -> Vec<FileSpan> {
    let Some(t) = target_at(project, file, offset) else {
        return Vec::new();
    };
    let Some(resolved) = t.resolved else {
        // An unresolved name: its uses in this file are still useful.
        if file.key.is_std() {
            return Vec::new();
        }
        return Project::refs_in(file, t.kind, &t.name)
            .map(|r| FileSpan {
                file: file.clone(),
                span: r.span,
            })
            .collect();
    };
    let mut out = Vec::new();
    for o in occurrences(project, &resolved, include_decl) {
        for span in o.spans {
            out.push(FileSpan {
                file: o.file.clone(),
                span,
            });
        }
    }
    out
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The name a rename at the cursor would change: its span in this file and its text.
pub fn prepare_rename(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
) -> Result<(Span, String), String> {
    let t = target_at(project, file, offset).ok_or("there is no name here to rename")?;
    match &t.resolved {
        Some(r) if r.file.key.is_std() => Err(format!(
            "`{}` is defined in the standard library and cannot be renamed",
            t.name
        )),
        Some(_) => Ok((t.span, t.name)),
        None => Err(format!(
            "`{}` is not defined anywhere, so there is nothing to rename",
            t.name
        )),
    }
}

/// The edits of one file.
#[derive(Debug)]
pub struct FileEdits {
    pub file: Arc<Analysis>,
    /// Spans of this file and their replacements.
    pub edits: Vec<(Span, String)>,
}

/// Renames the definition under the cursor and every use of it, in every file that sees it.
pub fn rename(
    project: &mut Project,
    file: &Analysis,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileEdits>, String> {
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
    if vocab::is_reserved(new_name) {
        return Err(format!("`{new_name}` is a keyword of the language"));
    }
    if new_name == t.name {
        return Ok(Vec::new());
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
    if resolved.def.kind == NameKind::Camera && stdlib::is_framing(new_name) {
        return Err(format!("`{new_name}` is a built-in framing preset"));
    }
    Ok(occurrences(project, &resolved, true)
        .into_iter()
        .map(|o| FileEdits {
            edits: o.spans.iter().map(|s| (*s, new_name.to_owned())).collect(),
            file: o.file,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    const FILES: &str = r#"
//- /cast.scene
character aiko { description "a young woman" }
character ren { description "an old friend" }
//- /film.scene
import "cast.scene"
location street { description "x" }
scene s at street {
    shot opening 6s {
        camera closeup on ai$0ko
        aiko enters left
        aiko says "Hello."
    }
}
"#;

    fn texts(spans: &[FileSpan]) -> Vec<(String, String)> {
        spans
            .iter()
            .map(|s| {
                let path = s.file.key.path().map(|p| p.display().to_string());
                (
                    path.unwrap_or_default(),
                    s.file.text[s.span.range()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn definition_crosses_files() {
        let mut f = Fixture::new(FILES);
        let (file, offset) = f.cursor();
        let target = definition(&mut f.project, &file, offset).expect("a definition");
        assert_eq!(
            target.file.key.path().unwrap().to_str(),
            Some("/fixture/cast.scene")
        );
        let span = target.span.start as usize..target.span.end as usize;
        assert_eq!(&target.file.text[span.clone()], "aiko");
        assert!(target.file.text[..span.start].ends_with("character "));
    }

    #[test]
    fn references_find_every_use_and_the_definition() {
        let mut f = Fixture::new(FILES);
        let (file, offset) = f.cursor();
        let with = references(&mut f.project, &file, offset, true);
        assert_eq!(with.len(), 4, "{:?}", texts(&with));
        assert!(texts(&with).iter().all(|(_, t)| t == "aiko"));
        let without = references(&mut f.project, &file, offset, false);
        assert_eq!(without.len(), 3);
    }

    #[test]
    fn rename_edits_both_files_and_refuses_keywords_and_clashes() {
        let mut f = Fixture::new(FILES);
        let (file, offset) = f.cursor();
        let edits = rename(&mut f.project, &file, offset, "mika").expect("renamed");
        let count: usize = edits.iter().map(|e| e.edits.len()).sum();
        assert_eq!((edits.len(), count), (2, 4));
        let clash = rename(&mut f.project, &file, offset, "ren").unwrap_err();
        assert!(clash.contains("already exists"), "{clash}");
        // Words that start or join a construct are refused; a direction is a fine name.
        for word in ["camera", "over", "strength", "std"] {
            let e = rename(&mut f.project, &file, offset, word).unwrap_err();
            assert!(e.contains("keyword"), "{word}: {e}");
        }
        assert!(rename(&mut f.project, &file, offset, "left").is_ok());
    }
}
