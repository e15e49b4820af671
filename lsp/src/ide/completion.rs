//! Completion that knows where the cursor is.
//!
//! The context comes from the tokens before the cursor, not from the tree: the statement being
//! typed is by definition incomplete, so it never parses. The tokens tell which block the cursor
//! is in (top level, a definition block, a scene, a shot) and which words the statement has so
//! far; the vocabulary supplies the words that fit there, and the project the names of the right
//! kind.

use std::ops::Range;

use scene_syntax::lexer::{self, TokenKind};
use scene_syntax::vocab::{self, Context as Where, FieldSpec, Quantity, ValueType};

use crate::analysis::index::ImportRef;
use crate::analysis::stdlib;
use crate::analysis::{Analysis, FileKey, NameKind, Project};
use crate::ide::describe;

/// The block the cursor is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Top,
    /// A block of fields (`film`, `character`, `location`, `look`, `camera`).
    Fields(vocab::Block),
    Scene,
    Shot,
    /// The block form of a remix's `insert after|before SHOT { … }`: one shot and the
    /// transitions around it.
    Insert,
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

/// The block a header opens, and the shot's name for a shot's block. A remix's `override shot`
/// and `insert shot` open a shot's block like `shot` does.
fn block_of<'a>(header: &[&'a str]) -> (Block, Option<&'a str>) {
    match header {
        ["scene", ..] => (Block::Scene, None),
        ["shot", rest @ ..] | ["override" | "insert", "shot", rest @ ..] => {
            (Block::Shot, rest.first().copied())
        }
        ["insert", "after" | "before", ..] => (Block::Insert, None),
        ["override", w, ..] | [w, ..] => (
            vocab::Block::of_keyword(w).map_or(Block::Other, Block::Fields),
            None,
        ),
        [] => (Block::Other, None),
    }
}

/// `None` when the cursor is inside a string or a comment.
pub fn context(text: &str, offset: usize) -> Option<Context<'_>> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let tokens = lexer::lex(before).tokens;
    let (prefix_start, body) = match tokens.last() {
        Some(t) if t.end == offset && t.kind == TokenKind::Str => {
            // Inside a string unless it was closed right before the cursor.
            if !t.closed || t.end - t.start < 2 {
                return None;
            }
            (offset, &tokens[..])
        }
        Some(t) if t.end == offset && t.kind == TokenKind::LineComment => return None,
        Some(t) if t.kind == TokenKind::BlockComment && !t.closed => return None,
        Some(t) if t.end == offset && matches!(t.kind, TokenKind::Ident | TokenKind::Number) => {
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
            TokenKind::LineComment | TokenKind::BlockComment => {}
            TokenKind::Newline | TokenKind::Semi => {
                if !statement.is_empty() {
                    previous = std::mem::take(&mut statement);
                }
                clause_start = 0;
                parens = 0;
            }
            TokenKind::LBrace => {
                let header = if statement.is_empty() {
                    &previous
                } else {
                    &statement
                };
                stack.push(block_of(header));
                statement.clear();
                previous.clear();
                clause_start = 0;
            }
            TokenKind::RBrace => {
                stack.pop();
                statement.clear();
                previous.clear();
                clause_start = 0;
            }
            TokenKind::LParen => {
                parens += 1;
                statement.push(t.text(before));
            }
            TokenKind::RParen => {
                parens = parens.saturating_sub(1);
                statement.push(t.text(before));
            }
            TokenKind::Comma if parens == 0 => {
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

/// What a completion is, for the editor's icons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Keyword,
    /// A field of a block or a per-shot setting.
    Field,
    /// A word of a fixed set (`night`, `closeup`).
    Value,
    Name(NameKind),
    Module,
    Unit,
    Snippet,
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: Kind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// The text it replaces (the partial word at the cursor).
    pub replace: Range<usize>,
    pub insert: String,
    /// `insert` is a snippet with `${1:…}` placeholders.
    pub snippet: bool,
    pub filter_text: String,
    pub sort_text: Option<String>,
    /// Also inserts this text at this offset (the import a stdlib preset needs).
    pub also_insert: Option<(usize, String)>,
}

struct Builder<'a> {
    items: Vec<Completion>,
    replace: Range<usize>,
    file: &'a Analysis,
}

impl Builder<'_> {
    fn push(&mut self, label: &str, kind: Kind, detail: Option<String>) -> &mut Completion {
        self.items.push(Completion {
            label: label.to_owned(),
            kind,
            detail,
            documentation: None,
            replace: self.replace.clone(),
            insert: label.to_owned(),
            snippet: false,
            filter_text: label.to_owned(),
            sort_text: None,
            also_insert: None,
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    fn words(&mut self, words: &[&str], kind: Kind) {
        for w in words {
            self.push(w, kind, None);
        }
    }

    /// The keywords used in `context`, with how each is written and what it means.
    fn keywords(&mut self, context: Where) {
        for k in vocab::keywords_in(context) {
            if let Some(u) = k.use_in(context) {
                self.push(k.word, Kind::Keyword, Some(u.syntax.to_owned()))
                    .documentation = Some(u.doc.to_owned());
            }
        }
    }

    /// The words of `context`, as plain keywords (a direction, an easing).
    fn keyword_words(&mut self, context: Where) {
        let words: Vec<&str> = vocab::words_in(context).collect();
        self.words(&words, Kind::Keyword);
    }

    fn fields(&mut self, block: vocab::Block) {
        for f in vocab::fields_of(block) {
            let detail = format!("{} {}", f.key, f.example);
            self.push(f.key, Kind::Field, Some(detail)).documentation = Some(field_doc(f));
        }
    }

    fn snippet(&mut self, label: &str, detail: &str, body: &str) {
        let item = self.push(label, Kind::Snippet, Some(detail.to_owned()));
        item.filter_text = label.split_whitespace().next().unwrap_or(label).to_owned();
        item.insert = body.to_owned();
        item.snippet = true;
    }
}

fn field_doc(f: &FieldSpec) -> String {
    let required = if f.required { " (required)" } else { "" };
    format!("{}{required}: {}", f.value.doc_name(), f.doc)
}

fn names(b: &mut Builder, project: &mut Project, kind: NameKind, exclude: Option<&str>) {
    let key = b.file.key.clone();
    for r in project.visible(&key, kind) {
        if Some(r.def.name.as_str()) == exclude {
            continue;
        }
        let detail = describe::summary(&r.file, &r.def);
        let docs = describe::markdown(&r.file, &r.def);
        b.push(&r.def.name, Kind::Name(r.def.kind), Some(detail))
            .documentation = Some(docs);
    }
    // Presets from stdlib modules this file does not import yet: offered with the import.
    let std_module = match kind {
        NameKind::Camera => Some("camera"),
        NameKind::Look => Some("look"),
        _ => None,
    };
    if let Some(module) = std_module {
        let imported = b
            .file
            .index
            .imports
            .iter()
            .any(|i| matches!(i, ImportRef::Std { module: m, .. } if m == module));
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
                        describe::summary(&std, def)
                    );
                    let item = b.push(&def.name, Kind::Name(kind), Some(detail));
                    item.also_insert = Some((insert_at, format!("import std.{module}\n")));
                    item.sort_text = Some(format!("~{}", def.name));
                }
            }
        }
    }
    if kind == NameKind::Camera {
        let existing: Vec<String> = b.items.iter().map(|i| i.label.clone()).collect();
        for f in vocab::FRAMINGS {
            if !existing.iter().any(|e| e == f.word) {
                b.push(
                    f.word,
                    Kind::Value,
                    Some("built-in framing (eye height, 50mm)".into()),
                )
                .documentation = Some(f.doc.to_owned());
            }
        }
    }
}

/// Where a new import goes: the start of the line after the last import, else the top.
fn import_position(file: &Analysis) -> usize {
    let last = file
        .parse
        .file
        .items
        .iter()
        .filter(|i| matches!(i.kind, scene_syntax::ast::ItemKind::Import(_)))
        .map(|i| i.span.end as usize)
        .max();
    match last {
        Some(end) => file.lines.line_start(file.lines.line_of(end) + 1),
        None => 0,
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

/// The field being given a value: the statement's first word in a block of fields, or a
/// per-shot setting.
fn field_at(ctx: &Context) -> Option<&'static FieldSpec> {
    let key = ctx.words.first()?;
    match ctx.block {
        Block::Fields(block) => vocab::field(block, key),
        Block::Shot => vocab::field(vocab::Block::Shot, key),
        _ => None,
    }
}

fn suffixes(units: impl Iterator<Item = &'static vocab::UnitSpec>) -> Vec<&'static str> {
    units.map(|u| u.suffix).collect()
}

/// Units that fit the number being typed, from the words before it.
fn units_for(ctx: &Context) -> Vec<&'static str> {
    let times = || suffixes(vocab::units_of(Quantity::Duration));
    let of = |q: Quantity| suffixes(vocab::units_of(q));
    if let Some(spec) = field_at(ctx) {
        return match spec.value {
            ValueType::Fraction => of(Quantity::Fraction),
            ValueType::FocalLength => of(Quantity::FocalLength),
            ValueType::Angle => of(Quantity::Angle),
            ValueType::Ambience => of(Quantity::Gain),
            // A plain number, or not a number at all.
            _ => Vec::new(),
        };
    }
    let last = ctx.words.last().copied().unwrap_or("");
    let first = ctx.words.first().copied().unwrap_or("");
    let clause_head = ctx.clause.first().copied().unwrap_or("");
    if matches!(ctx.block, Block::Scene | Block::Insert) && first == "shot" && ctx.words.len() == 2
    {
        return times();
    }
    let timed = matches!(
        last,
        "at" | "over" | "from" | "to" | "dissolve" | "fade" | "black"
    ) || (matches!(last, "in" | "out") && ctx.words.contains(&"fade"))
        || (matches!(last, "left" | "right") && first == "wipe");
    if timed {
        return times();
    }
    if matches!(last, "lens" | "->") {
        return of(Quantity::FocalLength);
    }
    match vocab::keyword(clause_head).and_then(|k| k.use_in(Where::Move)) {
        Some(_) if matches!(clause_head, "pan" | "tilt" | "orbit") => {
            return of(Quantity::Angle);
        }
        Some(_) if matches!(clause_head, "truck" | "crane") => return of(Quantity::Distance),
        Some(_) if clause_head == "dolly" => return of(Quantity::Fraction),
        _ => {}
    }
    if first == "play" || ctx.words.contains(&"play") {
        return of(Quantity::Gain);
    }
    suffixes(vocab::UNITS.iter())
}

pub fn complete(project: &mut Project, file: &Analysis, offset: usize) -> Vec<Completion> {
    let Some(ctx) = context(&file.text, offset) else {
        return Vec::new();
    };
    let mut b = Builder {
        items: Vec::new(),
        replace: ctx.prefix_start..ctx.prefix_start + ctx.prefix.len(),
        file,
    };

    if let Some(digits) = is_number_prefix(ctx.prefix) {
        for unit in units_for(&ctx) {
            let meaning = vocab::unit(unit).map_or("", |u| u.meaning);
            b.push(
                &format!("{digits}{unit}"),
                Kind::Unit,
                Some(meaning.to_owned()),
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
                b.keywords(Where::Item);
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
                        Kind::Module,
                        Some("stdlib module".into()),
                    );
                }
            }
            (3, Some("import"), Some(".")) => {
                for m in stdlib::MODULES {
                    b.push(m.name, Kind::Module, Some("stdlib module".into()));
                }
            }
            (3, Some("scene"), Some("at")) => names(&mut b, project, NameKind::Location, None),
            (2, Some("scene"), _) => {
                b.push("at", Kind::Keyword, None);
            }
            (3, Some("sound"), Some("=")) => b.keywords(Where::SoundRole),
            _ => {}
        },
        Block::Fields(block) => {
            if words.is_empty() {
                b.fields(block);
            } else if words.len() == 1 {
                if let Some(spec) = vocab::field(block, words[0]) {
                    field_values(&mut b, project, spec);
                }
            }
        }
        Block::Scene => match (words.len(), first, last) {
            (0, _, _) => {
                b.keywords(Where::SceneItem);
                transitions_and_a_shot(&mut b, "a new shot");
            }
            (_, _, Some("play" | "stop")) => names(&mut b, project, NameKind::Sound, None),
            (1, Some("wipe"), _) => b.keyword_words(Where::Horizontal),
            (1, Some("fade"), _) => {
                b.push("to black", Kind::Keyword, None);
            }
            (_, Some("play"), _) => b.words(&["fade in"], Kind::Keyword),
            (_, Some("stop"), _) => b.words(&["fade out"], Kind::Keyword),
            _ => {}
        },
        Block::Insert => match (words.len(), first) {
            (0, _) => transitions_and_a_shot(&mut b, "the inserted shot"),
            (1, Some("wipe")) => b.keyword_words(Where::Horizontal),
            (1, Some("fade")) => {
                b.push("to black", Kind::Keyword, None);
            }
            _ => {}
        },
        Block::Shot => shot(&mut b, project, &ctx),
        Block::Other => {}
    }
    b.items
}

/// The values a field takes: its words, or the names of its kind.
/// What may start a line between shots, in a scene or in a remix's insert block.
fn transitions_and_a_shot(b: &mut Builder, shot_detail: &str) {
    b.keywords(Where::Transition);
    b.push(
        "fade to black",
        Kind::Keyword,
        Some("fade the last shot out".into()),
    );
    b.snippet(
        "shot …",
        shot_detail,
        "shot ${1:name} ${2:4s} {\n    camera ${3:medium}\n    $0\n}",
    );
}

fn field_values(b: &mut Builder, project: &mut Project, spec: &FieldSpec) {
    match spec.value {
        ValueType::Word(words) => {
            for w in words {
                b.push(w.word, Kind::Value, Some(w.doc.to_owned()));
            }
        }
        ValueType::Ref(kind) => names(b, project, kind, None),
        ValueType::Ambience => names(b, project, NameKind::Sound, None),
        _ => {}
    }
}

/// The parts of a `camera` statement's head not written yet (`of`, `on`, `from`, `past`), each
/// with its meaning from the vocabulary.
fn header_parts(b: &mut Builder, words: &[&str]) {
    for part in ["of", "on", "from", "past"] {
        if words.contains(&part) || (part == "on" && words.len() == 2) {
            continue;
        }
        let doc = vocab::keyword(part)
            .and_then(|k| k.use_in(Where::Part))
            .map(|u| format!("{} — {}", u.syntax, u.doc));
        b.push(part, Kind::Keyword, doc);
    }
}

fn shot(b: &mut Builder, project: &mut Project, ctx: &Context) {
    let words = &ctx.words;
    let clause = &ctx.clause;
    let first = words.first().copied();
    let last = words.last().copied();
    if words.is_empty() {
        b.keywords(Where::Statement);
        b.fields(vocab::Block::Shot);
        names(b, project, NameKind::Character, None);
        return;
    }
    if matches!(last, Some("play" | "stop")) {
        names(b, project, NameKind::Sound, None);
        return;
    }
    match first {
        Some("camera") => {
            // Before the first comma: `camera PRESET [of X] [on X] [from SIDE] [past X]`.
            let in_header = clause.len() == words.len();
            if words.len() == 1 {
                names(b, project, NameKind::Camera, None);
            } else if last == Some("on") || (in_header && matches!(last, Some("of" | "past"))) {
                names(b, project, NameKind::Character, None);
            } else if in_header && last == Some("from") {
                b.keyword_words(Where::View);
            } else if last == Some("ease") {
                for w in vocab::words_in(Where::Ease) {
                    b.push(w, Kind::Value, None);
                }
            } else if clause.is_empty() {
                b.keywords(Where::Move);
                b.keywords(Where::CameraClause);
            } else if words.len() == 2 {
                b.push("on", Kind::Keyword, Some("aim at a character".into()));
                header_parts(b, words);
            } else if in_header {
                header_parts(b, words);
            } else {
                let head = clause.first().copied().unwrap_or("");
                match (clause.len(), head) {
                    (1, "orbit" | "follow" | "keep") => {
                        names(b, project, NameKind::Character, None)
                    }
                    (1, "pan" | "truck") => b.keyword_words(Where::Horizontal),
                    (1, "tilt" | "crane") => b.keyword_words(Where::Vertical),
                    (1, "dolly") => b.keyword_words(Where::InOut),
                    (n, _) if n >= 2 => b.words(&["over", "from", "ease"], Kind::Keyword),
                    _ => {}
                }
            }
        }
        Some("continues") if words.len() == 1 => names(b, project, NameKind::Shot, ctx.shot),
        Some("focus") if words.len() == 1 => {
            b.push("on", Kind::Keyword, Some("what is sharp".into()));
        }
        Some("focus") if words.len() == 2 => names(b, project, NameKind::Character, None),
        Some("focus") if words.len() == 3 => b.words(&["at"], Kind::Keyword),
        Some(w) if words.len() == 1 && vocab::field(vocab::Block::Shot, w).is_some() => {
            if let Some(spec) = vocab::field(vocab::Block::Shot, w) {
                field_values(b, project, spec);
            }
        }
        Some("lens") if words.len() >= 2 => b.words(&["->", "over", "from", "ease"], Kind::Keyword),
        Some("at") if words.len() == 2 => b.words(&["play", "stop"], Kind::Keyword),
        Some("keyframe") if words.len() == 1 => {
            b.push("at", Kind::Keyword, None);
        }
        Some(w) if !vocab::starts_statement(w) => {
            // A character statement: `NAME action [, action]…`.
            let link = if clause.is_empty() || (clause.len() == 1 && clause[0] == w) {
                None
            } else {
                clause.last().copied()
            };
            match link {
                None => b.keywords(Where::Action),
                Some("enters" | "exits") => b.keyword_words(Where::Side),
                Some("to") => b.keyword_words(Where::Position),
                Some("walks" | "runs" | "moves") => {
                    b.push("to", Kind::Keyword, None);
                }
                Some("holds" | "drops") => names(b, project, NameKind::Prop, None),
                Some("at") if clause.len() <= 2 => b.keyword_words(Where::Position),
                _ => b.words(&["at", "over"], Kind::Keyword),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    const CAST: &str = r#"
//- /cast.scene
character aiko { description "a young woman" }
character ren { description "an old friend" }
"#;

    /// The labels offered at `$0` in `film` (with the cast imported).
    fn labels(film: &str) -> Vec<String> {
        let mut f = Fixture::new(&format!(
            "//- /film.scene\nimport std.camera\nimport \"cast.scene\"\n{film}\n{CAST}"
        ));
        let (file, offset) = f.cursor();
        complete(&mut f.project, &file, offset)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    fn check(name: &str, film: &str, want: &[&str], not: &[&str]) {
        let got = labels(film);
        for w in want {
            assert!(
                got.iter().any(|g| g == w),
                "{name}: expected `{w}` in {got:?}"
            );
        }
        for n in not {
            assert!(
                !got.iter().any(|g| g == n),
                "{name}: did not expect `{n}` in {got:?}"
            );
        }
    }

    const SHOT: &str = "location street { description \"x\" }\nscene s at street {\n    shot opening 6s {\n        $0\n    }\n}";

    fn in_shot(line: &str) -> String {
        SHOT.replace("$0", line)
    }

    #[test]
    fn statement_start_offers_statements_settings_and_characters() {
        check(
            "statement start",
            SHOT,
            &["camera", "lens", "continues", "strength", "aiko", "ren"],
            &["film", "street", "play"],
        );
    }

    #[test]
    fn camera_clauses_follow_the_vocabulary() {
        check(
            "after camera",
            &in_shot("camera $0"),
            &["wide", "closeup", "over_shoulder"],
            &["aiko", "pan"],
        );
        check(
            "after a preset,",
            &in_shot("camera wide, $0"),
            &["pan", "dolly", "orbit", "handheld", "lens"],
            &["aiko"],
        );
        check(
            "where the camera stands",
            &in_shot("camera medium on aiko $0"),
            &["from", "past"],
            &["on", "pan"],
        );
        check(
            "the side it stands on",
            &in_shot("camera medium on aiko from $0"),
            &["behind", "front", "left", "right"],
            &["aiko", "over"],
        );
        check(
            "over whose shoulder",
            &in_shot("camera over_shoulder on aiko past $0"),
            &["ren"],
            &["from"],
        );
        check(
            "whose eyes",
            &in_shot("camera pov of $0"),
            &["aiko", "ren"],
            &["pan"],
        );
        check(
            "after follow and keep",
            &in_shot("camera wide, follow $0"),
            &["aiko", "ren"],
            &["left"],
        );
        check(
            "focus on a subject",
            &in_shot("focus on $0"),
            &["aiko", "ren"],
            &["pan", "wide"],
        );
        check(
            "depth values",
            &in_shot("depth $0"),
            &["shallow", "normal", "deep"],
            &["aiko"],
        );
        check(
            "moves include follow and keep",
            &in_shot("camera wide, $0"),
            &["follow", "keep"],
            &["aiko"],
        );
        check(
            "after pan",
            &in_shot("camera wide, pan $0"),
            &["left", "right"],
            &["up"],
        );
        check(
            "after crane",
            &in_shot("camera wide, crane $0"),
            &["up", "down"],
            &["left"],
        );
        check(
            "after ease",
            &in_shot("camera wide, dolly in 30% ease $0"),
            &["in_out", "linear"],
            &["left"],
        );
        check(
            "after on",
            &in_shot("camera closeup on $0"),
            &["aiko", "ren"],
            &["wide"],
        );
    }

    #[test]
    fn props_stand_where_characters_do_and_are_what_hands_hold() {
        let with_prop = |line: &str| {
            format!(
                "prop lantern {{ description \"a paper lantern\" }}\n{}",
                in_shot(line)
            )
        };
        check(
            "statement start",
            &with_prop("$0"),
            &["aiko", "lantern", "light", "speed"],
            &[],
        );
        check(
            "after holds",
            &with_prop("aiko holds $0"),
            &["lantern"],
            &["aiko", "ren"],
        );
        check(
            "after drops",
            &with_prop("aiko drops $0"),
            &["lantern"],
            &["ren"],
        );
        check(
            "camera on",
            &with_prop("camera wide on $0"),
            &["aiko", "lantern"],
            &[],
        );
        check(
            "after a prop",
            &with_prop("lantern $0"),
            &["moves", "holds", "at"],
            &[],
        );
        check("after moves", &with_prop("lantern moves $0"), &["to"], &[]);
    }

    #[test]
    fn actions_and_their_words() {
        check(
            "after a character",
            &in_shot("aiko $0"),
            &["enters", "says", "does", "walks"],
            &["wide"],
        );
        check(
            "after enters",
            &in_shot("aiko enters $0"),
            &["left", "right", "back"],
            &["center"],
        );
        check(
            "after walks to",
            &in_shot("aiko walks to $0"),
            &["left", "center", "right"],
            &["back"],
        );
    }

    #[test]
    fn fields_and_their_values_come_from_the_field_table() {
        check(
            "film field",
            "film \"x\" {\n    fps 24\n    $0\n}",
            &["seed", "look", "style"],
            &["description"],
        );
        check(
            "location field",
            "location l {\n    $0\n}",
            &["time", "weather", "ambience"],
            &["voice"],
        );
        check(
            "location time",
            "location l {\n    time $0\n}",
            &["dawn", "night"],
            &["rain"],
        );
        check(
            "camera height",
            "camera c {\n    height $0\n}",
            &["ground", "overhead"],
            &["night"],
        );
        check("shot look", &in_shot("look $0"), &["cinematic"], &["aiko"]);
    }

    #[test]
    fn units_fit_the_quantity() {
        check(
            "shot duration",
            "scene s at street {\n    shot reply 3$0 {\n    }\n}",
            &["3s", "3ms", "3f"],
            &["3mm"],
        );
        check(
            "dolly in",
            &in_shot("camera wide, dolly in 30$0"),
            &["30%"],
            &["30s"],
        );
        check(
            "camera lens field",
            "camera c {\n    lens 5$0\n}",
            &["5mm"],
            &["5s"],
        );
        check("strength", &in_shot("strength 8$0"), &["8%"], &["8s"]);
        check("fps", "film \"x\" {\n    fps 2$0\n}", &[], &["2s", "2%"]);
    }

    #[test]
    fn nothing_inside_a_string_but_the_next_line_after_an_unterminated_one() {
        check(
            "in a string",
            &in_shot("prompt \"rain $0falls\""),
            &[],
            &["camera", "aiko"],
        );
        // `"rain \` ends at its line, as the parser reads it: the next line is code again.
        check(
            "after an unterminated string",
            &SHOT.replace("$0", "at 1s \"rain \\\n        $0"),
            &["camera", "aiko"],
            &[],
        );
    }
}
