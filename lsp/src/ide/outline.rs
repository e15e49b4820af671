//! Document symbols (the film, scenes with their shots, characters, …) and folding ranges.

use scene_syntax::ast::*;
use tower_lsp_server::ls_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

use crate::project::Analysis;

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written even though it is deprecated.
fn symbol(
    file: &Analysis,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: scene_syntax::Span,
    selection: scene_syntax::Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: file.span_range(span),
        selection_range: file.span_range(selection),
        children: if children.is_empty() {
            None
        } else {
            Some(children)
        },
    }
}

fn text_field(fields: &[Field], key: &str) -> Option<String> {
    let f = fields.iter().find(|f| f.key.name == key)?;
    match &f.values.first()?.kind {
        ValueKind::Str(s) => Some(s.split_whitespace().collect::<Vec<_>>().join(" ")),
        ValueKind::Ident(s) => Some(s.clone()),
        _ => None,
    }
}

pub fn document_symbols(file: &Analysis) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for item in &file.parse.file.items {
        let sym = match &item.kind {
            ItemKind::Import(_) => continue,
            ItemKind::Film(f) => symbol(
                file,
                format!("film \"{}\"", f.title.value),
                None,
                SymbolKind::FILE,
                item.span,
                f.title.span,
                Vec::new(),
            ),
            ItemKind::Character(b) => symbol(
                file,
                b.name.name.clone(),
                text_field(&b.fields, "name").or(Some("character".into())),
                SymbolKind::CLASS,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Location(b) => symbol(
                file,
                b.name.name.clone(),
                Some("location".into()),
                SymbolKind::NAMESPACE,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Look(b) => symbol(
                file,
                b.name.name.clone(),
                Some("look".into()),
                SymbolKind::STRUCT,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Camera(b) => symbol(
                file,
                b.name.name.clone(),
                Some("camera".into()),
                SymbolKind::INTERFACE,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Sound(s) => symbol(
                file,
                s.name.name.clone(),
                Some("sound".into()),
                SymbolKind::EVENT,
                item.span,
                s.name.span,
                Vec::new(),
            ),
            ItemKind::Scene(scene) => {
                let shots = scene
                    .items
                    .iter()
                    .filter_map(|si| match &si.kind {
                        SceneItemKind::Shot(shot) => Some(symbol(
                            file,
                            shot.name.name.clone(),
                            Some(format!("shot {}", value_text(file, &shot.duration))),
                            SymbolKind::METHOD,
                            si.span,
                            shot.name.span,
                            Vec::new(),
                        )),
                        _ => None,
                    })
                    .collect();
                symbol(
                    file,
                    scene.name.name.clone(),
                    Some(format!("scene at {}", scene.location.name)),
                    SymbolKind::MODULE,
                    item.span,
                    scene.name.span,
                    shots,
                )
            }
        };
        out.push(sym);
    }
    out
}

pub fn value_text<'a>(file: &'a Analysis, v: &Value) -> &'a str {
    file.text.get(v.span.range()).unwrap_or("")
}

pub fn folding_ranges(file: &Analysis) -> Vec<FoldingRange> {
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize, kind: Option<FoldingRangeKind>| {
        let a = file.lines.line_of(start) as u32;
        // A block ends on its `}` line; keep that line visible.
        let b = file.lines.line_of(end.saturating_sub(1)) as u32;
        let end_line = if kind.is_none() {
            b.saturating_sub(1)
        } else {
            b
        };
        if end_line > a {
            out.push(FoldingRange {
                start_line: a,
                end_line,
                kind,
                ..FoldingRange::default()
            });
        }
    };
    let mut imports: Option<(usize, usize)> = None;
    for item in &file.parse.file.items {
        if let ItemKind::Import(_) = item.kind {
            let (s, e) = imports.get_or_insert((item.span.start as usize, item.span.end as usize));
            *s = (*s).min(item.span.start as usize);
            *e = (*e).max(item.span.end as usize);
            continue;
        }
        push(item.span.start as usize, item.span.end as usize, None);
        if let ItemKind::Scene(scene) = &item.kind {
            for si in &scene.items {
                if let SceneItemKind::Shot(_) = si.kind {
                    push(si.span.start as usize, si.span.end as usize, None);
                }
            }
        }
    }
    if let Some((s, e)) = imports {
        push(s, e + 1, Some(FoldingRangeKind::Imports));
    }
    for c in &file.parse.file.comments {
        if c.kind == CommentKind::Block {
            push(
                c.span.start as usize,
                c.span.end as usize,
                Some(FoldingRangeKind::Comment),
            );
        }
    }
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out
}
