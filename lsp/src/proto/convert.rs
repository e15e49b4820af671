//! Feature results as protocol types, and protocol positions as byte offsets. Every conversion
//! between the two worlds is here.

use std::collections::HashMap;
use std::ops::Range as Bytes;

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, DocumentSymbol, Documentation,
    FoldingRange, FoldingRangeKind, Hover, HoverContents, InlayHint, InlayHintKind, InlayHintLabel,
    InsertTextFormat, Location, MarkupContent, MarkupKind, Position, Range, SemanticToken,
    SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend, SymbolKind, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::analysis::line_index::{LineCol, LineIndex};
use crate::analysis::{Analysis, NameKind};
use crate::ide::completion::{self, Completion};
use crate::ide::highlight::{Highlight, Tag};
use crate::ide::hover::HoverInfo;
use crate::ide::inlay::Hint;
use crate::ide::navigation::FileEdits;
use crate::ide::outline::{self, Fold, FoldKind, Symbol};
use crate::ide::FileSpan;
use crate::proto::uri;

// ---- positions -------------------------------------------------------------------------------

pub fn position_of(p: LineCol) -> Position {
    Position {
        line: p.line,
        character: p.col,
    }
}

pub fn line_col(p: Position) -> LineCol {
    LineCol {
        line: p.line,
        col: p.character,
    }
}

/// The byte offset of a protocol position in a file.
pub fn offset(file: &Analysis, p: Position) -> usize {
    file.offset(line_col(p))
}

/// The byte range of a protocol range in a file.
pub fn offsets(file: &Analysis, r: Range) -> Bytes<usize> {
    offset(file, r.start)..offset(file, r.end)
}

pub fn position(file: &Analysis, offset: usize) -> Position {
    position_of(file.position(offset))
}

/// A byte range of a text as a protocol range.
pub fn range_in(text: &str, lines: &LineIndex, bytes: Bytes<usize>) -> Range {
    Range {
        start: position_of(lines.position(text, bytes.start)),
        end: position_of(lines.position(text, bytes.end)),
    }
}

pub fn range(file: &Analysis, bytes: Bytes<usize>) -> Range {
    range_in(&file.text, &file.lines, bytes)
}

pub fn span_range(file: &Analysis, span: scene_syntax::Span) -> Range {
    range(file, span.start as usize..span.end as usize)
}

pub fn location(target: &FileSpan) -> Option<Location> {
    Some(Location {
        uri: uri::of_key(&target.file.key)?,
        range: span_range(&target.file, target.span),
    })
}

// ---- completion --------------------------------------------------------------------------------

fn name_kind(kind: NameKind) -> CompletionItemKind {
    match kind {
        NameKind::Character => CompletionItemKind::VARIABLE,
        NameKind::Location => CompletionItemKind::MODULE,
        NameKind::Sound => CompletionItemKind::EVENT,
        NameKind::Look => CompletionItemKind::COLOR,
        NameKind::Camera => CompletionItemKind::INTERFACE,
        NameKind::Scene => CompletionItemKind::MODULE,
        NameKind::Shot => CompletionItemKind::METHOD,
    }
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

pub fn completion(file: &Analysis, c: Completion) -> CompletionItem {
    let kind = match c.kind {
        completion::Kind::Keyword => CompletionItemKind::KEYWORD,
        completion::Kind::Field => CompletionItemKind::FIELD,
        completion::Kind::Value => CompletionItemKind::ENUM_MEMBER,
        completion::Kind::Name(kind) => name_kind(kind),
        completion::Kind::Module => CompletionItemKind::MODULE,
        completion::Kind::Unit => CompletionItemKind::UNIT,
        completion::Kind::Snippet => CompletionItemKind::SNIPPET,
    };
    CompletionItem {
        label: c.label,
        kind: Some(kind),
        detail: c.detail,
        documentation: c
            .documentation
            .map(|d| Documentation::MarkupContent(markdown(d))),
        filter_text: Some(c.filter_text),
        sort_text: c.sort_text,
        insert_text_format: c.snippet.then_some(InsertTextFormat::SNIPPET),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: range(file, c.replace),
            new_text: c.insert,
        })),
        additional_text_edits: c.also_insert.map(|(at, text)| {
            let at = position(file, at);
            vec![TextEdit {
                range: Range { start: at, end: at },
                new_text: text,
            }]
        }),
        ..CompletionItem::default()
    }
}

// ---- hover -------------------------------------------------------------------------------------

pub fn hover(file: &Analysis, h: HoverInfo) -> Hover {
    Hover {
        contents: HoverContents::Markup(markdown(h.markdown)),
        range: Some(span_range(file, h.span)),
    }
}

// ---- semantic tokens ---------------------------------------------------------------------------

/// The token types, in legend order: a highlight's type is its index here.
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,   // 0
    SemanticTokenType::STRING,    // 1
    SemanticTokenType::NUMBER,    // 2
    SemanticTokenType::COMMENT,   // 3
    SemanticTokenType::VARIABLE,  // 4 characters
    SemanticTokenType::NAMESPACE, // 5 locations, scenes
    SemanticTokenType::EVENT,     // 6 sounds
    SemanticTokenType::TYPE,      // 7 looks
    SemanticTokenType::CLASS,     // 8 cameras
    SemanticTokenType::FUNCTION,  // 9 shots
    SemanticTokenType::PROPERTY,  // 10 field keys
    SemanticTokenType::OPERATOR,  // 11
];

pub const TOKEN_MODIFIERS: &[SemanticTokenModifier] = &[SemanticTokenModifier::DECLARATION];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: TOKEN_MODIFIERS.to_vec(),
    }
}

fn token_type(tag: Tag) -> u32 {
    match tag {
        Tag::Keyword => 0,
        Tag::String => 1,
        Tag::Number => 2,
        Tag::Comment => 3,
        Tag::Name(NameKind::Character) => 4,
        Tag::Name(NameKind::Location | NameKind::Scene) => 5,
        Tag::Name(NameKind::Sound) => 6,
        Tag::Name(NameKind::Look) => 7,
        Tag::Name(NameKind::Camera) => 8,
        Tag::Name(NameKind::Shot) => 9,
        Tag::Field => 10,
        Tag::Operator => 11,
    }
}

/// Delta-encodes highlights (line, UTF-16 start, length), splitting multi-line ones: clients
/// need not support tokens that span lines.
pub fn semantic_tokens(file: &Analysis, highlights: &[Highlight]) -> Vec<SemanticToken> {
    let text = &file.text;
    let mut out = Vec::with_capacity(highlights.len());
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for h in highlights {
        let (start, end) = (h.start, h.end);
        let ty = token_type(h.tag);
        let modifiers = u32::from(h.declaration);
        let mut s = start;
        while s < end {
            let line = file.lines.line_of(s);
            let line_end = file.lines.line_start(line + 1).saturating_sub(1).max(s);
            let e = end.min(if line + 1 < file.lines.line_count() {
                line_end
            } else {
                end
            });
            let pos = file.position(s);
            let len: u32 = text.get(s..e).map_or(0, |t| {
                t.trim_end_matches('\r').encode_utf16().count() as u32
            });
            if len > 0 {
                let delta_line = pos.line - prev_line;
                let delta_start = if delta_line == 0 {
                    pos.col - prev_start
                } else {
                    pos.col
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: len,
                    token_type: ty,
                    token_modifiers_bitset: modifiers,
                });
                prev_line = pos.line;
                prev_start = pos.col;
            }
            s = if e >= end { end } else { e + 1 };
        }
    }
    out
}

// ---- outline -----------------------------------------------------------------------------------

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written even though it is deprecated.
pub fn symbol(file: &Analysis, s: Symbol) -> DocumentSymbol {
    let kind = match s.kind {
        outline::SymbolKind::Film => SymbolKind::FILE,
        outline::SymbolKind::Character => SymbolKind::CLASS,
        outline::SymbolKind::Location => SymbolKind::NAMESPACE,
        outline::SymbolKind::Look => SymbolKind::STRUCT,
        outline::SymbolKind::Camera => SymbolKind::INTERFACE,
        outline::SymbolKind::Sound => SymbolKind::EVENT,
        outline::SymbolKind::Scene => SymbolKind::MODULE,
        outline::SymbolKind::Shot => SymbolKind::METHOD,
    };
    let children: Vec<DocumentSymbol> = s.children.into_iter().map(|c| symbol(file, c)).collect();
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind,
        tags: None,
        deprecated: None,
        range: span_range(file, s.span),
        selection_range: span_range(file, s.selection),
        children: if children.is_empty() {
            None
        } else {
            Some(children)
        },
    }
}

pub fn folding_range(f: Fold) -> FoldingRange {
    FoldingRange {
        start_line: f.start_line,
        end_line: f.end_line,
        kind: f.kind.map(|k| match k {
            FoldKind::Imports => FoldingRangeKind::Imports,
            FoldKind::Comment => FoldingRangeKind::Comment,
        }),
        ..FoldingRange::default()
    }
}

// ---- edits -------------------------------------------------------------------------------------

pub fn workspace_edit(files: Vec<FileEdits>) -> WorkspaceEdit {
    if files.is_empty() {
        return WorkspaceEdit::default();
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for f in files {
        let Some(uri) = uri::of_key(&f.file.key) else {
            continue;
        };
        let edits = f.edits.into_iter().map(|(span, new_text)| TextEdit {
            range: span_range(&f.file, span),
            new_text,
        });
        changes.entry(uri).or_default().extend(edits);
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

pub fn inlay_hint(file: &Analysis, h: Hint) -> InlayHint {
    InlayHint {
        position: position(file, h.offset),
        label: InlayHintLabel::String(h.label),
        kind: Some(InlayHintKind::TYPE),
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: Some(false),
        data: None,
    }
}
