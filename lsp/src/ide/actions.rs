//! Code actions: apply a diagnostic's fixes; define a character that is used but not defined.

use std::collections::HashMap;

use scene_syntax::ast::ItemKind;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, Position, Range, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::diagnostics::DiagnosticData;
use crate::index::NameKind;
use crate::project::{Analysis, Project};

pub fn code_actions(
    project: &mut Project,
    file: &Analysis,
    uri: &Uri,
    range: Range,
    diagnostics: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diagnostics {
        let Some(data) = d
            .data
            .clone()
            .and_then(|v| serde_json::from_value::<DiagnosticData>(v).ok())
        else {
            continue;
        };
        for fix in data.fixes {
            let mut changes = HashMap::new();
            changes.insert(
                fix.uri.clone(),
                vec![TextEdit {
                    range: fix.range,
                    new_text: fix.new_text.clone(),
                }],
            );
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    let start = file.offset(range.start);
    let end = file.offset(range.end);
    let mut missing: Vec<String> = Vec::new();
    for r in file
        .index
        .refs
        .iter()
        .filter(|r| r.kind == NameKind::Character)
    {
        let touches = (r.span.start as usize) <= end && start <= r.span.end as usize;
        if touches
            && !missing.contains(&r.name)
            && project
                .resolve(&file.key, NameKind::Character, &r.name)
                .is_none()
        {
            missing.push(r.name.clone());
        }
    }
    for name in missing {
        let (at, text) = insertion(file, &name);
        let mut changes = HashMap::new();
        changes.insert(
            uri.clone(),
            vec![TextEdit {
                range: Range { start: at, end: at },
                new_text: text,
            }],
        );
        let related: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.message.contains(&format!("`{name}`")))
            .cloned()
            .collect();
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Define character `{name}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: if related.is_empty() {
                None
            } else {
                Some(related)
            },
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..WorkspaceEdit::default()
            }),
            ..CodeAction::default()
        }));
    }
    out
}

/// Where a new character goes: after the last character, else before the first scene, else at
/// the end of the file.
fn insertion(file: &Analysis, name: &str) -> (Position, String) {
    let block = format!("character {name} {{\n    description \"\"\n}}\n");
    let items = &file.parse.file.items;
    if let Some(last) = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Character(_)))
        .last()
    {
        let line = file.lines.line_of(last.span.end as usize) as u32 + 1;
        return (Position { line, character: 0 }, format!("\n{block}"));
    }
    if let Some(scene) = items.iter().find(|i| matches!(i.kind, ItemKind::Scene(_))) {
        let line = file.lines.line_of(scene.span.start as usize) as u32;
        return (Position { line, character: 0 }, format!("{block}\n"));
    }
    let end = file.lines.position(&file.text, file.text.len());
    let sep = if file.text.ends_with('\n') || file.text.is_empty() {
        ""
    } else {
        "\n"
    };
    (end, format!("{sep}\n{block}"))
}
