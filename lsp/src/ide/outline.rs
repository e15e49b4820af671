//! Document symbols (the film, scenes with their shots, characters, …) and folding ranges.

use scene_syntax::ast::*;
use scene_syntax::Span;

use crate::analysis::Analysis;

/// What a symbol is, for the editor's icons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Film,
    Character,
    Prop,
    Location,
    Look,
    Camera,
    Sound,
    Scene,
    Shot,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole definition.
    pub span: Span,
    /// The name (what the editor selects).
    pub selection: Span,
    pub children: Vec<Symbol>,
}

fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Vec<Symbol>,
) -> Symbol {
    Symbol {
        name,
        detail,
        kind,
        span,
        selection,
        children,
    }
}

/// What a folding range holds, when it is not a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Imports,
    Comment,
}

/// Lines that fold, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    pub kind: Option<FoldKind>,
}

fn text_field(fields: &[Field], key: &str) -> Option<String> {
    let f = fields.iter().find(|f| f.key.name == key)?;
    match &f.values.first()?.kind {
        ValueKind::Str(s) => Some(s.split_whitespace().collect::<Vec<_>>().join(" ")),
        ValueKind::Ident(s) => Some(s.clone()),
        _ => None,
    }
}

pub fn document_symbols(file: &Analysis) -> Vec<Symbol> {
    let mut out = Vec::new();
    for item in &file.parse.file.items {
        let sym = match &item.kind {
            ItemKind::Import(_) => continue,
            ItemKind::Film(f) => symbol(
                format!("film \"{}\"", f.title.value),
                None,
                SymbolKind::Film,
                item.span,
                f.title.span,
                Vec::new(),
            ),
            ItemKind::Character(b) => symbol(
                b.name.name.clone(),
                text_field(&b.fields, "name").or(Some("character".into())),
                SymbolKind::Character,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Prop(b) => symbol(
                b.name.name.clone(),
                Some("prop".into()),
                SymbolKind::Prop,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Location(b) => symbol(
                b.name.name.clone(),
                Some("location".into()),
                SymbolKind::Location,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Look(b) => symbol(
                b.name.name.clone(),
                Some("look".into()),
                SymbolKind::Look,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Camera(b) => symbol(
                b.name.name.clone(),
                Some("camera".into()),
                SymbolKind::Camera,
                item.span,
                b.name.span,
                Vec::new(),
            ),
            ItemKind::Sound(s) => symbol(
                s.name.name.clone(),
                Some("sound".into()),
                SymbolKind::Sound,
                item.span,
                s.name.span,
                Vec::new(),
            ),
            ItemKind::Override(o) => {
                let name = o.target.name();
                let kind = match &o.target {
                    OverrideTarget::Shot(_) => SymbolKind::Shot,
                    OverrideTarget::Character(_) => SymbolKind::Character,
                    OverrideTarget::Prop(_) => SymbolKind::Prop,
                    OverrideTarget::Location(_) => SymbolKind::Location,
                    OverrideTarget::Look(_) => SymbolKind::Look,
                    OverrideTarget::Camera(_) => SymbolKind::Camera,
                    OverrideTarget::Sound(_) => SymbolKind::Sound,
                };
                symbol(
                    name.name.clone(),
                    Some(format!("override {}", o.target.keyword())),
                    kind,
                    item.span,
                    name.span,
                    Vec::new(),
                )
            }
            ItemKind::Insert(insert) => symbol(
                insert.shot.name.name.clone(),
                Some(format!(
                    "insert shot {} {} {}",
                    value_text(file, &insert.shot.duration),
                    insert.place.node.word(),
                    insert.anchor.name
                )),
                SymbolKind::Shot,
                item.span,
                insert.shot.name.span,
                Vec::new(),
            ),
            ItemKind::Remove(_) => continue,
            ItemKind::Scene(scene) => {
                let shots = scene
                    .items
                    .iter()
                    .filter_map(|si| match &si.kind {
                        SceneItemKind::Shot(shot) => Some(symbol(
                            shot.name.name.clone(),
                            Some(format!("shot {}", value_text(file, &shot.duration))),
                            SymbolKind::Shot,
                            si.span,
                            shot.name.span,
                            Vec::new(),
                        )),
                        _ => None,
                    })
                    .collect();
                symbol(
                    scene.name.name.clone(),
                    Some(format!("scene at {}", scene.location.name)),
                    SymbolKind::Scene,
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

pub fn folding_ranges(file: &Analysis) -> Vec<Fold> {
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize, kind: Option<FoldKind>| {
        let a = file.lines.line_of(start) as u32;
        // A block ends on its `}` line; keep that line visible.
        let b = file.lines.line_of(end.saturating_sub(1)) as u32;
        let end_line = if kind.is_none() {
            b.saturating_sub(1)
        } else {
            b
        };
        if end_line > a {
            out.push(Fold {
                start_line: a,
                end_line,
                kind,
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
        push(s, e + 1, Some(FoldKind::Imports));
    }
    for c in &file.parse.file.comments {
        if c.kind == CommentKind::Block {
            push(
                c.span.start as usize,
                c.span.end as usize,
                Some(FoldKind::Comment),
            );
        }
    }
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    #[test]
    fn scenes_hold_their_shots_and_blocks_fold() {
        let mut f = Fixture::new(
            "import std.camera\nimport std.look\ncharacter aiko {\n    name \"Aiko\"\n    description \"x\"\n}\nscene s at street {\n    shot a 2s {\n        camera wide\n    }\n    shot b 1s {\n    }\n}\n",
        );
        let file = f.file();
        let symbols = document_symbols(&file);
        let names: Vec<(&str, SymbolKind)> =
            symbols.iter().map(|s| (s.name.as_str(), s.kind)).collect();
        assert_eq!(
            names,
            [("aiko", SymbolKind::Character), ("s", SymbolKind::Scene)]
        );
        assert_eq!(symbols[0].detail.as_deref(), Some("Aiko"));
        let shots: Vec<&str> = symbols[1]
            .children
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(shots, ["a", "b"]);
        let folds = folding_ranges(&file);
        assert!(folds.contains(&Fold {
            start_line: 0,
            end_line: 1,
            kind: Some(FoldKind::Imports)
        }));
        assert!(folds.iter().any(|f| f.start_line == 6 && f.kind.is_none()));
    }
}
