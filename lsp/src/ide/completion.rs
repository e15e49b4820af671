//! Completion that knows where the cursor is.
//!
//! The context comes from the tokens before the cursor, not from the tree: the statement being
//! typed is by definition incomplete, so it never parses. The tokens tell which block the cursor
//! is in (top level, a definition block, a scene, a shot) and which words the statement has so
//! far; the project supplies the names of the right kind.

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, Position, Range, TextEdit,
};

use crate::index::NameKind;
use crate::lexer::{self, Kind};
use crate::project::{Analysis, FileKey, Project};
use crate::stdlib;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Top,
    Film,
    Character,
    Location,
    Look,
    Camera,
    Scene,
    Shot,
    Other,
}

/// What the cursor is in the middle of.
#[derive(Debug)]
pub struct Context<'a> {
    pub block: Block,
    /// Words of the statement before the one being typed (identifiers, numbers, punctuation).
    pub words: Vec<&'a str>,
    /// Words after the statement's last top-level comma.
    pub clause: Vec<&'a str>,
    /// The partial word at the cursor and where it starts.
    pub prefix: &'a str,
    pub prefix_start: usize,
    /// The name of the shot the cursor is in.
    pub shot: Option<&'a str>,
}

fn block_of(word: Option<&str>) -> Block {
    match word {
        Some("film") => Block::Film,
        Some("character") => Block::Character,
        Some("location") => Block::Location,
        Some("look") => Block::Look,
        Some("camera") => Block::Camera,
        Some("scene") => Block::Scene,
        Some("shot") => Block::Shot,
        _ => Block::Other,
    }
}

/// `None` when the cursor is inside a string or a comment.
pub fn context(text: &str, offset: usize) -> Option<Context<'_>> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let tokens = lexer::lex(before);
    let (prefix_start, body) = match tokens.last() {
        Some(t) if t.end == offset && matches!(t.kind, Kind::Str) => {
            // Inside a string unless it was closed right before the cursor.
            if !t.closed || t.end - t.start < 2 {
                return None;
            }
            (offset, &tokens[..])
        }
        Some(t) if t.end == offset && t.kind == Kind::LineComment => return None,
        Some(t) if t.kind == Kind::BlockComment && !t.closed => return None,
        Some(t) if t.end == offset && matches!(t.kind, Kind::Ident | Kind::Number) => {
            (t.start, &tokens[..tokens.len() - 1])
        }
        _ => (offset, &tokens[..]),
    };
    let mut stack: Vec<(Block, Option<&str>)> = Vec::new();
    let mut statement: Vec<&str> = Vec::new();
    let mut previous: Vec<&str> = Vec::new();
    let mut clause_start = 0;
    let mut parens = 0usize;
    for t in body {
        match t.kind {
            Kind::LineComment | Kind::BlockComment => {}
            Kind::Newline | Kind::Semi => {
                if !statement.is_empty() {
                    previous = std::mem::take(&mut statement);
                }
                clause_start = 0;
                parens = 0;
            }
            Kind::LBrace => {
                let header = if statement.is_empty() {
                    &previous
                } else {
                    &statement
                };
                let block = block_of(header.first().copied());
                let name = if block == Block::Shot {
                    header.get(1).copied()
                } else {
                    None
                };
                stack.push((block, name));
                statement.clear();
                previous.clear();
                clause_start = 0;
            }
            Kind::RBrace => {
                stack.pop();
                statement.clear();
                previous.clear();
                clause_start = 0;
            }
            Kind::LParen => {
                parens += 1;
                statement.push(t.text(before));
            }
            Kind::RParen => {
                parens = parens.saturating_sub(1);
                statement.push(t.text(before));
            }
            Kind::Comma if parens == 0 => {
                statement.push(",");
                clause_start = statement.len();
            }
            _ => statement.push(t.text(before)),
        }
    }
    let block = stack.last().map_or(Block::Top, |b| b.0);
    let shot = stack
        .iter()
        .rev()
        .find(|b| b.0 == Block::Shot)
        .and_then(|b| b.1);
    let clause = statement[clause_start.min(statement.len())..].to_vec();
    Some(Context {
        block,
        words: statement,
        clause,
        prefix: &text[prefix_start..offset],
        prefix_start,
        shot,
    })
}

const TOP_KEYWORDS: &[(&str, &str)] = &[
    ("import", "import a stdlib module or a file"),
    ("film", "the film: size, fps, seed, look, style"),
    ("character", "a character"),
    ("location", "a location"),
    ("sound", "a sound: `sound ID = music|sfx|ambience \"file\"`"),
    ("look", "a look"),
    ("camera", "a camera preset"),
    ("scene", "a scene: `scene ID at LOCATION { … }`"),
];

pub const FILM_FIELDS: &[&str] = &[
    "size", "fps", "seed", "look", "style", "negative", "guidance", "steps",
];
pub const CHARACTER_FIELDS: &[&str] = &["name", "description", "voice", "color", "reference"];
pub const LOCATION_FIELDS: &[&str] = &["description", "time", "weather", "ambience"];
pub const LOOK_FIELDS: &[&str] = &["style", "negative", "guidance", "steps", "grade"];
pub const CAMERA_FIELDS: &[&str] = &["framing", "height", "lens", "angle"];

const SCENE_KEYWORDS: &[(&str, &str)] = &[
    ("shot", "a shot"),
    ("play", "play a sound from the scene's start"),
    ("stop", "stop a sound"),
    ("cut", "cut to the next shot"),
    ("dissolve", "dissolve D: overlap the shots by D"),
    ("fade", "fade D: through black"),
    ("wipe", "wipe left|right D"),
];

const SHOT_KEYWORDS: &[(&str, &str)] = &[
    ("camera", "camera PRESET [on CHARACTER] [, MOVE]…"),
    ("lens", "lens FOCAL [-> FOCAL]"),
    ("at", "at TIME \"text\" | at TIME play SOUND"),
    ("prompt", "prompt \"text\" (at 0s)"),
    (
        "continues",
        "continues SHOT: start from that shot's last frame",
    ),
    ("keyframe", "keyframe at TIME \"image.png\""),
    ("play", "play SOUND"),
    ("stop", "stop SOUND"),
    ("seed", "per-shot seed"),
    ("guidance", "per-shot guidance"),
    ("strength", "per-shot strength (a fraction)"),
    ("look", "per-shot look"),
    ("style", "per-shot style text"),
    ("negative", "per-shot negative prompt"),
    ("steps", "per-shot denoising steps"),
    ("title", "title \"TEXT\" [at TIME] [over DURATION]"),
];

const MOVES: &[(&str, &str)] = &[
    ("pan", "pan left|right ANGLE"),
    ("tilt", "tilt up|down ANGLE"),
    ("dolly", "dolly in|out FRACTION"),
    ("truck", "truck left|right DISTANCE"),
    ("crane", "crane up|down DISTANCE"),
    ("orbit", "orbit [CHARACTER] ANGLE"),
    ("handheld", "a handheld shake"),
    ("static", "no movement"),
    ("lens", "lens FOCAL [-> FOCAL]"),
];

const ACTIONS: &[(&str, &str)] = &[
    ("enters", "enters left|right|back [at TIME]"),
    ("exits", "exits left|right|back [at TIME]"),
    ("at", "at left|center|right|(x, y)"),
    ("walks", "walks to POSITION [over D]"),
    ("runs", "runs to POSITION [over D]"),
    ("does", "does \"action\" [at TIME]"),
    ("says", "says \"line\" [(parenthetical)] [at TIME]"),
];

const TIME_UNITS: &[&str] = &["s", "ms", "f"];
const ALL_UNITS: &[&str] = &["s", "ms", "f", "%", "mm", "m", "deg", "dB", "x"];

struct Builder<'a> {
    items: Vec<CompletionItem>,
    range: Range,
    file: &'a Analysis,
}

impl Builder<'_> {
    fn push(&mut self, label: &str, kind: CompletionItemKind, detail: Option<String>) {
        self.items.push(CompletionItem {
            label: label.to_owned(),
            kind: Some(kind),
            detail,
            filter_text: Some(label.to_owned()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: self.range,
                new_text: label.to_owned(),
            })),
            ..CompletionItem::default()
        });
    }

    fn words(&mut self, words: &[&str], kind: CompletionItemKind) {
        for w in words {
            self.push(w, kind, None);
        }
    }

    fn keywords(&mut self, words: &[(&str, &str)]) {
        for (w, d) in words {
            self.push(w, CompletionItemKind::KEYWORD, Some((*d).to_owned()));
        }
    }

    fn snippet(&mut self, label: &str, detail: &str, body: &str) {
        self.items.push(CompletionItem {
            label: label.to_owned(),
            kind: Some(CompletionItemKind::SNIPPET),
            detail: Some(detail.to_owned()),
            filter_text: Some(label.split_whitespace().next().unwrap_or(label).to_owned()),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: self.range,
                new_text: body.to_owned(),
            })),
            ..CompletionItem::default()
        });
    }
}

fn item_kind(kind: NameKind) -> CompletionItemKind {
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

fn names(b: &mut Builder, project: &mut Project, kind: NameKind, exclude: Option<&str>) {
    let key = b.file.key.clone();
    for r in project.visible(&key, kind) {
        if Some(r.def.name.as_str()) == exclude {
            continue;
        }
        let detail = crate::describe::summary(&r.file, &r.def);
        let docs = crate::describe::markdown(&r.file, &r.def);
        b.push(&r.def.name, item_kind(kind), Some(detail));
        if let Some(last) = b.items.last_mut() {
            last.documentation = Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: docs,
            }));
        }
    }
    // Presets from stdlib modules this file does not import yet: offered with the import.
    let std_module = match kind {
        NameKind::Camera => Some("camera"),
        NameKind::Look => Some("look"),
        _ => None,
    };
    if let Some(module) = std_module {
        let imported =
            b.file.index.imports.iter().any(
                |i| matches!(i, crate::index::ImportRef::Std { module: m, .. } if m == module),
            );
        if !imported {
            if let Some(std) = project.analysis(&FileKey::Std(
                stdlib::module(module).map_or("camera", |m| m.name),
            )) {
                let insert_at = import_position(b.file);
                let existing: Vec<String> = b.items.iter().map(|i| i.label.clone()).collect();
                for def in std.index.defs.iter().filter(|d| d.kind == kind) {
                    if existing.contains(&def.name) {
                        continue;
                    }
                    let detail = format!(
                        "{} (adds `import std.{module}`)",
                        crate::describe::summary(&std, def)
                    );
                    b.push(&def.name, item_kind(kind), Some(detail));
                    if let Some(last) = b.items.last_mut() {
                        last.additional_text_edits = Some(vec![TextEdit {
                            range: Range {
                                start: insert_at,
                                end: insert_at,
                            },
                            new_text: format!("import std.{module}\n"),
                        }]);
                        last.sort_text = Some(format!("~{}", def.name));
                    }
                }
            }
        }
    }
    if kind == NameKind::Camera {
        let existing: Vec<String> = b.items.iter().map(|i| i.label.clone()).collect();
        for f in stdlib::FRAMINGS {
            if !existing.iter().any(|e| e == f) {
                b.push(
                    f,
                    CompletionItemKind::ENUM_MEMBER,
                    Some("built-in framing (eye height, 50mm)".into()),
                );
            }
        }
    }
}

/// Where a new import goes: after the last import, else at the top.
fn import_position(file: &Analysis) -> Position {
    let last = file
        .parse
        .file
        .items
        .iter()
        .filter(|i| matches!(i.kind, scene_syntax::ast::ItemKind::Import(_)))
        .map(|i| i.span.end as usize)
        .max();
    match last {
        Some(end) => Position {
            line: file.lines.line_of(end) as u32 + 1,
            character: 0,
        },
        None => Position {
            line: 0,
            character: 0,
        },
    }
}

fn is_number_prefix(prefix: &str) -> Option<&str> {
    let digits = prefix.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        Some(digits)
    } else {
        None
    }
}

/// Units that fit the number being typed, from the words before it.
fn units_for(ctx: &Context) -> &'static [&'static str] {
    let last = ctx.words.last().copied().unwrap_or("");
    let first = ctx.words.first().copied().unwrap_or("");
    match (ctx.block, first, last) {
        (Block::Scene, "shot", _) if ctx.words.len() == 2 => TIME_UNITS,
        (
            _,
            _,
            "at" | "over" | "from" | "to" | "dissolve" | "fade" | "black" | "in" | "out" | "left"
            | "right",
        ) if matches!(
            last,
            "at" | "over" | "from" | "to" | "dissolve" | "fade" | "black"
        ) || (matches!(last, "in" | "out") && ctx.words.iter().any(|w| *w == "fade"))
            || (matches!(last, "left" | "right") && first == "wipe") =>
        {
            TIME_UNITS
        }
        (_, _, "lens" | "->") => &["mm"],
        (Block::Camera, "lens", _) => &["mm"],
        (Block::Camera, "angle", _) => &["deg"],
        (_, _, "left" | "right" | "up" | "down")
            if ctx
                .clause
                .first()
                .is_some_and(|w| matches!(*w, "pan" | "tilt")) =>
        {
            &["deg"]
        }
        (_, _, "left" | "right" | "up" | "down")
            if ctx
                .clause
                .first()
                .is_some_and(|w| matches!(*w, "truck" | "crane")) =>
        {
            &["m"]
        }
        (_, _, "in" | "out") if ctx.clause.first() == Some(&"dolly") => &["%"],
        (_, _, _) if ctx.clause.first() == Some(&"orbit") => &["deg"],
        (_, "strength", _) => &["%"],
        (_, "fps" | "seed" | "steps" | "guidance", _) => &[],
        (_, "play", _) | (Block::Location, "ambience", _) => &["dB"],
        (_, _, _) if ctx.words.contains(&"play") => &["dB"],
        _ => ALL_UNITS,
    }
}

pub fn complete(project: &mut Project, file: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let Some(ctx) = context(&file.text, offset) else {
        return Vec::new();
    };
    let range = file.range(ctx.prefix_start, ctx.prefix_start + ctx.prefix.len());
    let mut b = Builder {
        items: Vec::new(),
        range,
        file,
    };

    if let Some(digits) = is_number_prefix(ctx.prefix) {
        for unit in units_for(&ctx) {
            let label = format!("{digits}{unit}");
            b.push(
                &label,
                CompletionItemKind::UNIT,
                Some(unit_name(unit).to_owned()),
            );
        }
        return b.items;
    }

    let words = &ctx.words;
    let first = words.first().copied();
    let last = words.last().copied();
    match ctx.block {
        Block::Top => match (words.len(), first, last) {
            (0, _, _) => {
                b.keywords(TOP_KEYWORDS);
                b.snippet(
                    "character …",
                    "a new character",
                    "character ${1:name} {\n    name \"${2:Name}\"\n    description \"${3:what they look like}\"\n    voice \"${4:how they sound}\"\n    color #${5:d62828}\n}\n$0",
                );
                b.snippet(
                    "scene …",
                    "a new scene",
                    "scene ${1:name} at ${2:location} {\n    shot ${3:opening} ${4:4s} {\n        camera ${5:wide}\n        $0\n    }\n}",
                );
            }
            (1, Some("import"), _) => {
                for m in stdlib::MODULES {
                    b.push(
                        &format!("std.{}", m.name),
                        CompletionItemKind::MODULE,
                        Some("stdlib module".into()),
                    );
                }
            }
            (3, Some("import"), Some(".")) => {
                for m in stdlib::MODULES {
                    b.push(
                        m.name,
                        CompletionItemKind::MODULE,
                        Some("stdlib module".into()),
                    );
                }
            }
            (3, Some("scene"), Some("at")) => names(&mut b, project, NameKind::Location, None),
            (2, Some("scene"), _) => b.push("at", CompletionItemKind::KEYWORD, None),
            (3, Some("sound"), Some("=")) => {
                b.words(&["music", "sfx", "ambience"], CompletionItemKind::KEYWORD)
            }
            _ => {}
        },
        Block::Film | Block::Character | Block::Location | Block::Look | Block::Camera => {
            if words.is_empty() {
                let fields = match ctx.block {
                    Block::Film => FILM_FIELDS,
                    Block::Character => CHARACTER_FIELDS,
                    Block::Location => LOCATION_FIELDS,
                    Block::Look => LOOK_FIELDS,
                    _ => CAMERA_FIELDS,
                };
                b.words(fields, CompletionItemKind::FIELD);
            } else if words.len() == 1 {
                field_values(&mut b, project, ctx.block, words[0]);
            }
        }
        Block::Scene => match (words.len(), first, last) {
            (0, _, _) => {
                b.keywords(SCENE_KEYWORDS);
                b.push(
                    "fade to black",
                    CompletionItemKind::KEYWORD,
                    Some("fade the last shot out".into()),
                );
                b.snippet(
                    "shot …",
                    "a new shot",
                    "shot ${1:name} ${2:4s} {\n    camera ${3:medium}\n    $0\n}",
                );
            }
            (_, _, Some("play" | "stop")) => names(&mut b, project, NameKind::Sound, None),
            (1, Some("wipe"), _) => b.words(&["left", "right"], CompletionItemKind::KEYWORD),
            (1, Some("fade"), _) => b.push("to black", CompletionItemKind::KEYWORD, None),
            (_, Some("play"), _) => b.words(&["fade in"], CompletionItemKind::KEYWORD),
            (_, Some("stop"), _) => b.words(&["fade out"], CompletionItemKind::KEYWORD),
            _ => {}
        },
        Block::Shot => shot(&mut b, project, &ctx),
        Block::Other => {}
    }
    b.items
}

fn field_values(b: &mut Builder, project: &mut Project, block: Block, key: &str) {
    match (block, key) {
        (Block::Film, "look") => names(b, project, NameKind::Look, None),
        (Block::Location, "time") => b.words(
            &["dawn", "day", "dusk", "night"],
            CompletionItemKind::ENUM_MEMBER,
        ),
        (Block::Location, "weather") => b.words(
            &["clear", "rain", "snow", "fog"],
            CompletionItemKind::ENUM_MEMBER,
        ),
        (Block::Location, "ambience") => names(b, project, NameKind::Sound, None),
        (Block::Camera, "framing") => b.words(stdlib::FRAMINGS, CompletionItemKind::ENUM_MEMBER),
        (Block::Camera, "height") => b.words(
            &["ground", "low", "eye", "high", "overhead"],
            CompletionItemKind::ENUM_MEMBER,
        ),
        (Block::Look, "grade") => b.words(
            &[
                "neutral",
                "teal_orange",
                "mono",
                "sepia",
                "warm",
                "cool",
                "bleach",
                "pastel",
            ],
            CompletionItemKind::ENUM_MEMBER,
        ),
        _ => {}
    }
}

fn shot(b: &mut Builder, project: &mut Project, ctx: &Context) {
    let words = &ctx.words;
    let clause = &ctx.clause;
    let first = words.first().copied();
    let last = words.last().copied();
    if words.is_empty() {
        b.keywords(SHOT_KEYWORDS);
        names(b, project, NameKind::Character, None);
        return;
    }
    if matches!(last, Some("play" | "stop")) {
        names(b, project, NameKind::Sound, None);
        return;
    }
    match first {
        Some("camera") => {
            if words.len() == 1 {
                names(b, project, NameKind::Camera, None);
            } else if last == Some("on") {
                names(b, project, NameKind::Character, None);
            } else if last == Some("ease") {
                b.words(
                    &["in", "out", "in_out", "linear"],
                    CompletionItemKind::ENUM_MEMBER,
                );
            } else if clause.is_empty() {
                b.keywords(MOVES);
            } else if words.len() == 2 {
                b.push(
                    "on",
                    CompletionItemKind::KEYWORD,
                    Some("aim at a character".into()),
                );
            } else {
                match (clause.len(), clause.first().copied()) {
                    (1, Some("orbit")) => names(b, project, NameKind::Character, None),
                    (1, Some("pan" | "truck")) => {
                        b.words(&["left", "right"], CompletionItemKind::KEYWORD)
                    }
                    (1, Some("tilt" | "crane")) => {
                        b.words(&["up", "down"], CompletionItemKind::KEYWORD)
                    }
                    (1, Some("dolly")) => b.words(&["in", "out"], CompletionItemKind::KEYWORD),
                    (n, Some(_)) if n >= 2 => {
                        b.words(&["over", "from", "ease"], CompletionItemKind::KEYWORD)
                    }
                    _ => {}
                }
            }
        }
        Some("continues") if words.len() == 1 => names(b, project, NameKind::Shot, ctx.shot),
        Some("look") if words.len() == 1 => names(b, project, NameKind::Look, None),
        Some("lens") if words.len() >= 2 => {
            b.words(&["->", "over", "from", "ease"], CompletionItemKind::KEYWORD)
        }
        Some("at") if words.len() == 2 => b.words(&["play", "stop"], CompletionItemKind::KEYWORD),
        Some("keyframe") if words.len() == 1 => b.push("at", CompletionItemKind::KEYWORD, None),
        Some(w) if !SHOT_KEYWORDS.iter().any(|(k, _)| *k == w) => {
            // A character statement: `NAME action [, action]…`.
            let link = if clause.is_empty() || (clause.len() == 1 && clause[0] == w) {
                None
            } else {
                clause.last().copied()
            };
            match link {
                None => b.keywords(ACTIONS),
                Some("enters" | "exits") => {
                    b.words(&["left", "right", "back"], CompletionItemKind::KEYWORD)
                }
                Some("to") => b.words(&["left", "center", "right"], CompletionItemKind::KEYWORD),
                Some("walks" | "runs") => b.push("to", CompletionItemKind::KEYWORD, None),
                Some("at") if clause.len() <= 2 => {
                    b.words(&["left", "center", "right"], CompletionItemKind::KEYWORD)
                }
                _ => b.words(&["at", "over"], CompletionItemKind::KEYWORD),
            }
        }
        _ => {}
    }
}

fn unit_name(unit: &str) -> &'static str {
    match unit {
        "s" => "seconds",
        "ms" => "milliseconds",
        "f" => "frames",
        "%" => "fraction",
        "mm" => "focal length",
        "m" => "metres",
        "deg" => "degrees",
        "dB" => "gain",
        "x" => "factor",
        _ => "",
    }
}
