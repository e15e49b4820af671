//! Code actions computed from the file: define a character that is used but not defined. (The
//! fixes a diagnostic carries are applied by the protocol layer from the diagnostic itself.)

use std::ops::Range;

use scene_syntax::ast::ItemKind;

use crate::analysis::{Analysis, NameKind, Project};

/// Insert `text` at `offset` to define the character `name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefineCharacter {
    pub name: String,
    pub offset: usize,
    pub text: String,
}

impl DefineCharacter {
    pub fn title(&self) -> String {
        format!("Define character `{}`", self.name)
    }
}

/// A definition for each character named in `range` that nothing defines.
pub fn define_missing(
    project: &mut Project,
    file: &Analysis,
    range: Range<usize>,
) -> Vec<DefineCharacter> {
    let mut missing: Vec<String> = Vec::new();
    for r in file
        .index
        .refs
        .iter()
        .filter(|r| r.kind == NameKind::Character)
    {
        let touches = (r.span.start as usize) <= range.end && range.start <= r.span.end as usize;
        if touches
            && !missing.contains(&r.name)
            && project
                .resolve(&file.key, NameKind::Character, &r.name)
                .is_none()
        {
            missing.push(r.name.clone());
        }
    }
    missing
        .into_iter()
        .map(|name| {
            let (offset, text) = insertion(file, &name);
            DefineCharacter { name, offset, text }
        })
        .collect()
}

/// Where a new character goes: after the last character, else before the first scene, else at
/// the end of the file.
fn insertion(file: &Analysis, name: &str) -> (usize, String) {
    let block = format!("character {name} {{\n    description \"\"\n}}\n");
    let items = &file.parse.file.items;
    if let Some(last) = items
        .iter()
        .rfind(|i| matches!(i.kind, ItemKind::Character(_)))
    {
        let line = file.lines.line_of(last.span.end as usize) + 1;
        return (file.lines.line_start(line), format!("\n{block}"));
    }
    if let Some(scene) = items.iter().find(|i| matches!(i.kind, ItemKind::Scene(_))) {
        let line = file.lines.line_of(scene.span.start as usize);
        return (file.lines.line_start(line), format!("{block}\n"));
    }
    let sep = if file.text.ends_with('\n') || file.text.is_empty() {
        ""
    } else {
        "\n"
    };
    (file.text.len(), format!("{sep}\n{block}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    #[test]
    fn an_undefined_character_gets_a_definition_after_the_last_one() {
        let mut f = Fixture::new(
            "character aiko { description \"x\" }\nscene s at street {\n    shot a 2s {\n        $0mika enters left\n        aiko enters right\n    }\n}\n",
        );
        let (file, offset) = f.cursor();
        let actions = define_missing(&mut f.project, &file, offset..offset + 4);
        assert_eq!(actions.len(), 1, "{actions:?}");
        assert_eq!(actions[0].title(), "Define character `mika`");
        assert_eq!(actions[0].offset, file.text.find("scene").unwrap());
        assert!(actions[0].text.contains("character mika {"));
    }
}
