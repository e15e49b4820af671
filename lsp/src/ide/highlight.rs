//! Semantic tokens: keywords, names by kind (definitions marked), strings, numbers with units,
//! colours and comments. Tokens that span lines (triple-quoted text, block comments) are split
//! per line, since clients need not support multi-line tokens.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend,
};

use crate::index::NameKind;
use crate::lexer::{self, Kind};
use crate::project::Analysis;

pub const TYPES: &[SemanticTokenType] = &[
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

pub const MODIFIERS: &[SemanticTokenModifier] = &[SemanticTokenModifier::DECLARATION];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

const KEYWORDS: &[&str] = &[
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
    "black",
    "over",
    "from",
    "ease",
    "enters",
    "exits",
    "walks",
    "runs",
    "does",
    "says",
    "pan",
    "tilt",
    "dolly",
    "truck",
    "crane",
    "orbit",
    "handheld",
    "static",
    "left",
    "right",
    "up",
    "down",
    "in",
    "out",
    "in_out",
    "linear",
    "center",
    "back",
    "title",
    "std",
];

fn kind_type(kind: NameKind) -> u32 {
    match kind {
        NameKind::Character => 4,
        NameKind::Location | NameKind::Scene => 5,
        NameKind::Sound => 6,
        NameKind::Look => 7,
        NameKind::Camera => 8,
        NameKind::Shot => 9,
    }
}

pub fn tokens(file: &Analysis) -> Vec<SemanticToken> {
    let text = &file.text;
    let mut names: HashMap<u32, (u32, u32)> = HashMap::new();
    for r in &file.index.refs {
        names.insert(r.span.start, (kind_type(r.kind), 0));
    }
    for d in &file.index.defs {
        names.insert(d.name_span.start, (kind_type(d.kind), 1));
    }
    for k in &file.index.field_keys {
        names.entry(k.start).or_insert((10, 0));
    }
    let mut raw: Vec<(usize, usize, u32, u32)> = Vec::new();
    for t in lexer::lex(text) {
        let class = match t.kind {
            Kind::Ident => match names.get(&(t.start as u32)) {
                Some(&(ty, m)) => Some((ty, m)),
                None if KEYWORDS.contains(&t.text(text)) => Some((0, 0)),
                None => None,
            },
            Kind::Str => Some((1, 0)),
            Kind::Number | Kind::Color => Some((2, 0)),
            Kind::LineComment | Kind::BlockComment => Some((3, 0)),
            Kind::Arrow | Kind::Equals => Some((11, 0)),
            _ => None,
        };
        if let Some((ty, m)) = class {
            raw.push((t.start, t.end, ty, m));
        }
    }
    encode(file, &raw)
}

/// Delta-encodes tokens (line, UTF-16 start, length), splitting multi-line ones.
fn encode(file: &Analysis, raw: &[(usize, usize, u32, u32)]) -> Vec<SemanticToken> {
    let text = &file.text;
    let mut out = Vec::with_capacity(raw.len());
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    for &(start, end, ty, modifiers) in raw {
        let mut s = start;
        while s < end {
            let line = file.lines.line_of(s);
            let line_end = file.lines.line_start(line + 1).saturating_sub(1).max(s);
            let e = end.min(if line + 1 < file.lines.line_count() {
                line_end
            } else {
                end
            });
            let pos = file.lines.position(text, s);
            let len: u32 = text.get(s..e).map_or(0, |t| {
                t.trim_end_matches('\r').encode_utf16().count() as u32
            });
            if len > 0 {
                let delta_line = pos.line - prev_line;
                let delta_start = if delta_line == 0 {
                    pos.character - prev_start
                } else {
                    pos.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: len,
                    token_type: ty,
                    token_modifiers_bitset: modifiers,
                });
                prev_line = pos.line;
                prev_start = pos.character;
            }
            s = if e >= end { end } else { e + 1 };
        }
    }
    out
}
