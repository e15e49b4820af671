//! The parser: pest for the grammar, and error recovery on top of it.
//!
//! pest stops at the first error, so a file is never handed to it whole. The scanner splits it
//! into top-level items; each item is parsed on its own. When an item fails, its header and each
//! piece of its block (fields, scene items, shot statements) are parsed on their own, so one run
//! reports every independent error and keeps every piece that parsed.

use pest::Parser as _;

use crate::ast::*;
use crate::build::{self, Builder, P};
use crate::chunk::{self, Chunk, Level};
use crate::diagnostic::Diagnostic;
use crate::expect::{self, Context};
use crate::grammar::{Rule, SceneParser};
use crate::reuse::ItemCache;
use crate::scan::{self, Scan};
use crate::span::FileId;
use crate::vocab;

/// A parsed file and its syntax diagnostics. The tree holds every piece that parsed.
#[derive(Clone, Debug)]
pub struct Parse {
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parse {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses one file. Never panics; every syntax error is in `diagnostics`, sorted by position.
pub fn parse(file: FileId, source: &str) -> Parse {
    parse_inner(file, source, None)
}

/// [`parse`], reusing the trees of clean top-level items whose text is in `cache` (and adding
/// the new ones). The result is the same as [`parse`]'s.
pub fn parse_with(file: FileId, source: &str, cache: &mut ItemCache) -> Parse {
    cache.begin_parse();
    let parse = parse_inner(file, source, Some(&mut *cache));
    cache.end_parse();
    parse
}

/// Files at least this large have their items parsed on two threads when nothing is cached:
/// below it, starting a thread costs more than it saves.
const PARALLEL_FROM_BYTES: usize = 64 * 1024;

fn parse_inner(file: FileId, source: &str, cache: Option<&mut ItemCache>) -> Parse {
    let mut scan = scan::scan(file, source);
    let mut diagnostics = std::mem::take(&mut scan.diagnostics);
    let chunks = chunk::split(
        file,
        source,
        &scan.tokens,
        0,
        scan.tokens.len(),
        Level::Top,
        &mut diagnostics,
    );
    let parallel = cache.is_none()
        && source.len() >= PARALLEL_FROM_BYTES
        && chunks.len() >= 2
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    let items = if parallel {
        // Items are independent. Each half keeps its diagnostics in item order and the halves
        // are joined in order, so the result is exactly the sequential one.
        let total = chunks.last().map_or(0, |c| c.end);
        let middle = chunks
            .iter()
            .position(|c| c.end * 2 >= total)
            .map_or(1, |i| i + 1)
            .clamp(1, chunks.len() - 1);
        let (first, second) = chunks.split_at(middle);
        let (mut a, b) = std::thread::scope(|s| {
            let earlier = &diagnostics;
            let later = s.spawn(|| Parser::new(file, source, &scan, earlier, None).items(second));
            let sooner = Parser::new(file, source, &scan, earlier, None).items(first);
            // The parser never panics; if it did, parse the second half here and let the
            // panic surface as it would without threads.
            let later = later
                .join()
                .unwrap_or_else(|_| Parser::new(file, source, &scan, earlier, None).items(second));
            (sooner, later)
        });
        diagnostics.append(&mut a.1);
        diagnostics.extend(b.1);
        a.0.extend(b.0);
        a.0
    } else {
        let (items, mut found) =
            Parser::new(file, source, &scan, &diagnostics, cache).items(&chunks);
        diagnostics.append(&mut found);
        items
    };
    for item in &items {
        detached_units(source, item, &mut diagnostics);
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Parse {
        file: SourceFile {
            file,
            items,
            comments: scan.comments,
        },
        diagnostics,
    }
}

struct Parser<'a, 'c> {
    file: FileId,
    src: &'a str,
    scan: &'a Scan,
    /// What the scan and the top-level split found before any item was parsed. Diagnostics of
    /// other items never lie inside an item, so these and the parser's own are all it needs.
    earlier: &'a [Diagnostic],
    diagnostics: Vec<Diagnostic>,
    cache: Option<&'c mut ItemCache>,
}

impl<'a, 'c> Parser<'a, 'c> {
    fn new(
        file: FileId,
        src: &'a str,
        scan: &'a Scan,
        earlier: &'a [Diagnostic],
        cache: Option<&'c mut ItemCache>,
    ) -> Self {
        Parser {
            file,
            src,
            scan,
            earlier,
            diagnostics: Vec::new(),
            cache,
        }
    }

    /// The items of `chunks`, in order, and the diagnostics found parsing them.
    fn items(mut self, chunks: &[Chunk]) -> (Vec<Item>, Vec<Diagnostic>) {
        let items = chunks.iter().filter_map(|c| self.item(c)).collect();
        (items, self.diagnostics)
    }

    /// Parses `text` (which starts at `base` in the file) with `rule`; hands the first pair to
    /// `build`. On failure reports the error unless it repeats a lexical error.
    fn parse_piece<T>(
        &mut self,
        rule: Rule,
        base: usize,
        end: usize,
        context: Context,
        build: impl FnOnce(&Builder, &P) -> Option<T>,
    ) -> Result<T, ()> {
        let text = &self.src[base..end];
        match SceneParser::parse(rule, text) {
            Ok(mut pairs) => {
                let builder = Builder {
                    file: self.file,
                    base,
                };
                let built = pairs.next().and_then(|pair| build(&builder, &pair));
                match built {
                    Some(t) => Ok(t),
                    None => {
                        self.diagnostics
                            .push(expect::internal(self.file, base, end));
                        Err(())
                    }
                }
            }
            Err(error) => {
                if !self.scan.overlaps_reported(base, end) {
                    self.diagnostics.push(expect::syntax_error(
                        self.file, self.src, base, end, context, &error,
                    ));
                }
                Err(())
            }
        }
    }

    fn try_whole<T>(
        &self,
        rule: Rule,
        c: &Chunk,
        build: impl FnOnce(&Builder, &P) -> Option<T>,
    ) -> Option<T> {
        let text = &self.src[c.start..c.end];
        let mut pairs = SceneParser::parse(rule, text).ok()?;
        let builder = Builder {
            file: self.file,
            base: c.start,
        };
        build(&builder, &pairs.next()?)
    }

    fn hazardous(&self, c: &Chunk) -> bool {
        self.scan.overlaps_hazard(c.start, c.end)
    }

    fn item(&mut self, c: &Chunk) -> Option<Item> {
        if self.hazardous(c) {
            return None;
        }
        // A clean item's tree is a function of its text alone (`try_whole` sees nothing else).
        let src = self.src;
        let text = &src[c.start..c.end];
        if let Some(cache) = self.cache.as_deref_mut() {
            if let Some(item) = cache.get(text, self.file, c.start) {
                return Some(item);
            }
        }
        if let Some(item) = self.try_whole(Rule::item_entry, c, |b, p| b.item(p)) {
            if let Some(cache) = self.cache.as_deref_mut() {
                cache.insert(text, self.file, c.start, &item);
            }
            return Some(item);
        }
        let before = self.diagnostics.len();
        let result = match c.body {
            Some(body) => self.recover_item(c, body),
            None => self
                .parse_piece(
                    Rule::item_entry,
                    c.start,
                    c.end,
                    Context::TopLevel,
                    |b, p| b.item(p),
                )
                .ok(),
        };
        self.ensure_reported(before, Rule::item_entry, c, Context::TopLevel);
        result
    }

    /// After a failed whole-piece parse, recovery must have said why: if it found nothing
    /// (possible only when the split and the grammar disagree), report the whole piece's error.
    fn ensure_reported(&mut self, before: usize, rule: Rule, c: &Chunk, context: Context) {
        // An unclosed block inside the piece was reported by the top-level split.
        let inside =
            |sp: crate::span::Span| c.start <= sp.start as usize && sp.end as usize <= c.end;
        let known = |ds: &[Diagnostic]| {
            ds.iter()
                .any(|d| inside(d.span) || d.related.iter().any(|r| inside(r.span)))
        };
        if self.diagnostics.len() == before
            && !self.scan.overlaps_reported(c.start, c.end)
            && !known(self.earlier)
            && !known(&self.diagnostics)
        {
            let text = &self.src[c.start..c.end];
            if let Err(error) = SceneParser::parse(rule, text) {
                self.diagnostics.push(expect::syntax_error(
                    self.file, self.src, c.start, c.end, context, &error,
                ));
            }
        }
    }

    fn header_end(&self, body: chunk::Body) -> usize {
        self.scan.tokens[body.open].start
    }

    /// Reports anything written after a block's `}` on the same line.
    fn check_trailing(&mut self, c: &Chunk, body: chunk::Body) {
        if let Some(close) = body.close {
            if close < c.last {
                let from = self.scan.tokens[close + 1].start;
                let close_tok = self.scan.tokens[close];
                if !self.scan.overlaps_reported(from, c.end) {
                    self.diagnostics.push(expect::after_block(
                        self.file,
                        self.src,
                        from,
                        c.end,
                        close_tok.start,
                    ));
                }
            }
        }
    }

    fn pieces(&mut self, c: &Chunk, body: chunk::Body, level: Level) -> Vec<Chunk> {
        let (from, to) = body.interior(c);
        chunk::split(
            self.file,
            self.src,
            &self.scan.tokens,
            from,
            to,
            level,
            &mut self.diagnostics,
        )
    }

    fn recover_item(&mut self, c: &Chunk, body: chunk::Body) -> Option<Item> {
        let header_end = self.header_end(body);
        let first_word = first_word(&self.src[c.start..header_end]);
        let span = crate::span::Span::new(self.file, c.start, c.end);
        let result = match first_word {
            "film" => {
                let title = self.parse_piece(
                    Rule::film_header_entry,
                    c.start,
                    header_end,
                    Context::Header,
                    |b, p| b.film_header(p),
                );
                let fields = self.fields(c, body);
                title.ok().map(|(title, extends)| {
                    ItemKind::Film(FilmDef {
                        title,
                        extends,
                        fields,
                    })
                })
            }
            w if vocab::Block::of_keyword(w).is_some_and(vocab::Block::is_definition) => {
                let header = self.parse_piece(
                    Rule::block_def_header_entry,
                    c.start,
                    header_end,
                    Context::Header,
                    |b, p| b.block_def_header(p),
                );
                let fields = self.fields(c, body);
                header
                    .ok()
                    .and_then(|(kw, name)| build::block_item(&kw, BlockDef { name, fields }))
            }
            "scene" => {
                let header = self.parse_piece(
                    Rule::scene_header_entry,
                    c.start,
                    header_end,
                    Context::Header,
                    |b, p| b.scene_header(p),
                );
                let items = self.scene_items(c, body);
                header.ok().map(|(name, location)| {
                    ItemKind::Scene(SceneDef {
                        name,
                        location,
                        items,
                    })
                })
            }
            "override" => {
                let kind = self.recover_override(c, body);
                return kind.map(|kind| Item { kind, span });
            }
            "insert" => {
                let kind = self.recover_insert(c, body);
                return kind.map(|kind| Item { kind, span });
            }
            _ => {
                // Not a block definition: report the item as a whole.
                let _ = self.parse_piece(
                    Rule::item_entry,
                    c.start,
                    c.end,
                    Context::TopLevel,
                    |b, p| b.item(p),
                );
                None
            }
        };
        self.check_trailing(c, body);
        result.map(|kind| Item { kind, span })
    }

    fn fields(&mut self, c: &Chunk, body: chunk::Body) -> Vec<Field> {
        let pieces = self.pieces(c, body, Level::Block);
        let mut fields = Vec::new();
        for piece in &pieces {
            if self.hazardous(piece) {
                continue;
            }
            if let Ok(f) = self.parse_piece(
                Rule::field_entry,
                piece.start,
                piece.end,
                Context::Field,
                |b, p| b.field(p),
            ) {
                fields.push(f);
            }
        }
        fields
    }

    fn scene_items(&mut self, c: &Chunk, body: chunk::Body) -> Vec<SceneItem> {
        let pieces = self.pieces(c, body, Level::Scene);
        let mut items = Vec::new();
        for piece in &pieces {
            if self.hazardous(piece) {
                continue;
            }
            if let Some(item) =
                self.try_whole(Rule::scene_item_entry, piece, |b, p| b.scene_item(p))
            {
                items.push(item);
                continue;
            }
            let before = self.diagnostics.len();
            let is_shot =
                piece.body.is_some() && first_word(&self.src[piece.start..piece.end]) == "shot";
            match piece.body {
                Some(shot_body) if is_shot => {
                    if let Some(item) = self.recover_shot(piece, shot_body) {
                        items.push(item);
                    }
                }
                _ => {
                    let _ = self.parse_piece(
                        Rule::scene_item_entry,
                        piece.start,
                        piece.end,
                        Context::Scene,
                        |b, p| b.scene_item(p),
                    );
                }
            }
            self.ensure_reported(before, Rule::scene_item_entry, piece, Context::Scene);
        }
        items
    }

    fn recover_shot(&mut self, c: &Chunk, body: chunk::Body) -> Option<SceneItem> {
        let header_end = self.header_end(body);
        let header = self.parse_piece(
            Rule::shot_header_entry,
            c.start,
            header_end,
            Context::ShotHeader,
            |b, p| b.shot_header(p),
        );
        let statements = self.statements(c, body);
        self.check_trailing(c, body);
        let (name, duration) = header.ok()?;
        let span = crate::span::Span::new(self.file, c.start, c.end);
        Some(SceneItem {
            kind: SceneItemKind::Shot(ShotDef {
                name,
                duration,
                statements,
            }),
            span,
        })
    }
}

fn shot_settings(shot: &ShotDef, check: &mut impl FnMut(&Field)) {
    for st in &shot.statements {
        if let StatementKind::Setting(f) = &st.kind {
            check(f);
        }
    }
}

impl Parser<'_, '_> {
    /// The statements of a shot's block, each parsed on its own.
    fn statements(&mut self, c: &Chunk, body: chunk::Body) -> Vec<Statement> {
        let pieces = self.pieces(c, body, Level::Block);
        let mut statements = Vec::new();
        for piece in &pieces {
            if self.hazardous(piece) {
                continue;
            }
            if let Ok(s) = self.parse_piece(
                Rule::statement_entry,
                piece.start,
                piece.end,
                Context::Shot,
                |b, p| b.statement(p),
            ) {
                statements.push(s);
            }
        }
        statements
    }

    /// `override …` with a block that did not parse whole: the definition after the keyword
    /// recovers as that definition does on its own.
    fn recover_override(&mut self, c: &Chunk, body: chunk::Body) -> Option<ItemKind> {
        let header_end = self.header_end(body);
        let header = &self.src[c.start..header_end];
        let after_keyword = header.trim_start().strip_prefix("override")?;
        let rest = header_end - after_keyword.trim_start().len();
        let inner = Chunk {
            start: rest,
            ..c.clone()
        };
        let span = crate::span::Span::new(self.file, rest, c.end);
        let target = match first_word(&self.src[rest..header_end]) {
            "shot" => match self.recover_shot(&inner, body)?.kind {
                SceneItemKind::Shot(shot) => OverrideTarget::Shot(shot),
                _ => return None,
            },
            w if vocab::Block::of_keyword(w).is_some_and(vocab::Block::is_definition) => {
                let header = self.parse_piece(
                    Rule::block_def_header_entry,
                    rest,
                    header_end,
                    Context::Header,
                    |b, p| b.block_def_header(p),
                );
                let fields = self.fields(c, body);
                self.check_trailing(c, body);
                let (kw, name) = header.ok()?;
                build::override_block(&kw, BlockDef { name, fields })?
            }
            _ => {
                let _ = self.parse_piece(
                    Rule::item_entry,
                    c.start,
                    c.end,
                    Context::TopLevel,
                    |b, p| b.item(p),
                );
                return None;
            }
        };
        Some(ItemKind::Override(Override { target, span }))
    }

    /// `insert shot … { … }` that did not parse whole: its header and each statement alone.
    /// The block form `insert after|before SHOT { … }`: its header and each scene item alone.
    fn recover_insert(&mut self, c: &Chunk, body: chunk::Body) -> Option<ItemKind> {
        let header_end = self.header_end(body);
        let after_keyword = self.src[c.start..header_end]
            .trim_start()
            .strip_prefix("insert")
            .unwrap_or("");
        if matches!(first_word(after_keyword), "after" | "before") {
            return self.recover_insert_block(c, body);
        }
        let header = self.parse_piece(
            Rule::insert_header_entry,
            c.start,
            header_end,
            Context::Header,
            |b, p| b.insert_header(p),
        );
        let statements = self.statements(c, body);
        self.check_trailing(c, body);
        let (name, duration, place, anchor) = header.ok()?;
        Some(ItemKind::Insert(InsertShot {
            shot: ShotDef {
                name,
                duration,
                statements,
            },
            place,
            anchor,
            block: None,
        }))
    }

    fn recover_insert_block(&mut self, c: &Chunk, body: chunk::Body) -> Option<ItemKind> {
        let header_end = self.header_end(body);
        let header = self.parse_piece(
            Rule::insert_block_header_entry,
            c.start,
            header_end,
            Context::Header,
            |b, p| b.insert_block_header(p),
        );
        let before = self.diagnostics.len();
        let items = self.scene_items(c, body);
        self.check_trailing(c, body);
        let (place, anchor) = header.ok()?;
        let insert = build::insert_block(place, anchor, items);
        if insert.is_none() {
            // Every piece parsed, but not in the block's shape (two shots, `play`, two
            // transitions on one side): the whole item says what it expected.
            self.ensure_reported(before, Rule::item_entry, c, Context::TopLevel);
        }
        insert.map(ItemKind::Insert)
    }
}

fn first_word(text: &str) -> &str {
    let t = text.trim_start();
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    &t[..end]
}

/// Finds `24 s` in field values (see `expect::detached_unit`).
fn detached_units(src: &str, item: &Item, out: &mut Vec<Diagnostic>) {
    let mut check = |field: &Field| {
        for pair in field.values.windows(2) {
            let (ValueKind::Number(n), ValueKind::Ident(_)) = (&pair[0].kind, &pair[1].kind) else {
                continue;
            };
            if n.unit.is_none() {
                out.extend(expect::detached_unit(src, pair[0].span, pair[1].span));
            }
        }
    };
    match &item.kind {
        ItemKind::Film(f) => f.fields.iter().for_each(&mut check),
        ItemKind::Character(d)
        | ItemKind::Prop(d)
        | ItemKind::Location(d)
        | ItemKind::Look(d)
        | ItemKind::Camera(d) => d.fields.iter().for_each(&mut check),
        ItemKind::Scene(scene) => {
            for si in &scene.items {
                if let SceneItemKind::Shot(shot) = &si.kind {
                    for st in &shot.statements {
                        if let StatementKind::Setting(f) = &st.kind {
                            check(f);
                        }
                    }
                }
            }
        }
        ItemKind::Override(o) => match &o.target {
            OverrideTarget::Character(d)
            | OverrideTarget::Prop(d)
            | OverrideTarget::Location(d)
            | OverrideTarget::Look(d)
            | OverrideTarget::Camera(d) => d.fields.iter().for_each(&mut check),
            OverrideTarget::Shot(shot) => shot_settings(shot, &mut check),
            OverrideTarget::Sound(_) => {}
        },
        ItemKind::Insert(insert) => shot_settings(&insert.shot, &mut check),
        ItemKind::Import(_) | ItemKind::Sound(_) | ItemKind::Remove(_) => {}
    }
}
