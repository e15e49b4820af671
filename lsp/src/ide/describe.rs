//! Definitions in words, for hover and completion documentation.

use scene_syntax::ast::*;

use crate::analysis::index::{Def, NameKind};
use crate::analysis::Analysis;

/// The item (or shot) a definition was written as.
pub enum DefNode<'a> {
    Item(&'a Item),
    Shot(&'a ShotDef),
}

pub fn node<'a>(file: &'a Analysis, def: &Def) -> Option<DefNode<'a>> {
    for item in &file.parse.file.items {
        if item.span == def.span {
            if let ItemKind::Insert(insert) = &item.kind {
                return Some(DefNode::Shot(&insert.shot));
            }
            return Some(DefNode::Item(item));
        }
        if let ItemKind::Scene(scene) = &item.kind {
            if item.span.contains(def.span.start as usize) {
                for si in &scene.items {
                    if let SceneItemKind::Shot(shot) = &si.kind {
                        if si.span == def.span {
                            return Some(DefNode::Shot(shot));
                        }
                    }
                }
            }
        }
    }
    None
}

fn source(file: &Analysis, span: scene_syntax::Span) -> &str {
    file.text.get(span.range()).unwrap_or("")
}

fn value_words(file: &Analysis, v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => source(file, v.span).to_owned(),
    }
}

fn field<'a>(fields: &'a [Field], key: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.key.name == key)
}

fn field_text(file: &Analysis, fields: &[Field], key: &str) -> Option<String> {
    let f = field(fields, key)?;
    Some(
        f.values
            .iter()
            .map(|v| value_words(file, v))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A one-line summary (completion `detail`).
pub fn summary(file: &Analysis, def: &Def) -> String {
    let Some(DefNode::Item(item)) = node(file, def) else {
        return def.kind.word().to_owned();
    };
    let fields = match &item.kind {
        ItemKind::Character(b)
        | ItemKind::Prop(b)
        | ItemKind::Location(b)
        | ItemKind::Look(b)
        | ItemKind::Camera(b) => &b.fields,
        ItemKind::Sound(s) => {
            return format!(
                "sound: {} {}",
                role(s.role.node),
                value_words(file, &s.asset)
            );
        }
        ItemKind::Scene(s) => return format!("scene at {}", s.location.name),
        _ => return def.kind.word().to_owned(),
    };
    let key = match def.kind {
        NameKind::Character | NameKind::Prop | NameKind::Location => "description",
        NameKind::Look => "style",
        _ => "framing",
    };
    let text = field_text(file, fields, key).unwrap_or_default();
    let text = if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    };
    format!("{}: {}", def.kind.word(), text)
}

fn role(r: SoundRole) -> &'static str {
    match r {
        SoundRole::Music => "music",
        SoundRole::Sfx => "sfx",
        SoundRole::Ambience => "ambience",
    }
}

/// Markdown for a definition: its kind and name, then each field it sets.
pub fn markdown(file: &Analysis, def: &Def) -> String {
    let origin = match &file.key {
        crate::analysis::FileKey::Std(m) => format!(" — from `std.{m}`"),
        _ => String::new(),
    };
    let mut out = format!("**{} `{}`**{origin}\n", def.kind.word(), def.name);
    match node(file, def) {
        Some(DefNode::Item(item)) => match &item.kind {
            ItemKind::Character(b)
            | ItemKind::Location(b)
            | ItemKind::Look(b)
            | ItemKind::Camera(b) => {
                for f in &b.fields {
                    let value = f
                        .values
                        .iter()
                        .map(|v| value_words(file, v))
                        .collect::<Vec<_>>()
                        .join(" ");
                    let label = if f.key.name == "color" {
                        "colour".to_owned()
                    } else {
                        f.key.name.clone()
                    };
                    out.push_str(&format!("\n- **{label}**: {value}"));
                }
            }
            ItemKind::Sound(s) => {
                out.push_str(&format!(
                    "\n- **role**: {}\n- **asset**: {}",
                    role(s.role.node),
                    value_words(file, &s.asset)
                ));
                if let Some(g) = &s.gain {
                    out.push_str(&format!("\n- **gain**: {}", source(file, g.span)));
                }
            }
            ItemKind::Scene(s) => {
                let shots: Vec<&str> = s
                    .items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        SceneItemKind::Shot(shot) => Some(shot.name.name.as_str()),
                        _ => None,
                    })
                    .collect();
                out.push_str(&format!(
                    "\n- **at**: {}\n- **shots**: {}",
                    s.location.name,
                    shots.join(", ")
                ));
            }
            _ => {}
        },
        Some(DefNode::Shot(shot)) => {
            out.push_str(&format!(
                "\n- **duration**: {}",
                source(file, shot.duration.span)
            ));
        }
        None => {}
    }
    out
}
