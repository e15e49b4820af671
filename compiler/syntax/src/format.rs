//! The canonical formatter: 4-space indent, one statement per line, one blank line between
//! top-level definitions, canonical spacing (`camera wide, dolly in 30%`), literals exactly as
//! written, every comment kept.
//!
//! It prints the AST, taking every literal's text from the source by its span, so it cannot
//! change what a file means. Comments are re-attached by position: a comment on the same line as
//! a statement (or inside it) trails that statement, one space after it or, when it was written
//! further out, at the column it was written in (`Formatter::trailing_gap`); any other comment
//! stays on its own line before the next thing, with at most one blank line kept where the
//! source had blank lines. A comment's text is printed exactly as written: only the first line
//! of a block comment on its own line moves, with the indentation of the code around it.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::parser::parse;
use crate::span::{FileId, Span};

const INDENT: &str = "    ";

/// Formats a file. Refuses (returns the errors) when the file has syntax errors, since a partial
/// tree would drop text.
pub fn format(source: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse(FileId(0), source);
    let errors: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut f = Formatter {
        src: source,
        comments: &parsed.file.comments,
        next_comment: 0,
        out: String::with_capacity(source.len() + source.len() / 8),
        indent: 0,
        last_src: 0,
        blank: Blank::Suppress,
    };
    f.items(&parsed.file.items);
    Ok(f.out)
}

/// Whether the next emitted line is preceded by a blank line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blank {
    /// At the start of the file or a block: never.
    Suppress,
    /// Only if the source had a blank line there.
    AsWritten,
    /// Always (between top-level definitions).
    Force,
}

struct Formatter<'a> {
    src: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    indent: usize,
    /// The source offset up to which everything has been printed.
    last_src: usize,
    blank: Blank,
}

impl<'a> Formatter<'a> {
    fn text(&self, span: Span) -> &'a str {
        &self.src[span.range()]
    }

    fn gap_has_blank_line(&self, from: usize, to: usize) -> bool {
        from < to && self.src[from..to].bytes().filter(|&b| b == b'\n').count() >= 2
    }

    /// Starts an output line for source text beginning at `at`.
    fn open_line(&mut self, at: usize) {
        let blank = match self.blank {
            Blank::Suppress => false,
            Blank::Force => true,
            Blank::AsWritten => self.gap_has_blank_line(self.last_src, at),
        };
        if blank {
            self.out.push('\n');
        }
        self.blank = Blank::AsWritten;
        for _ in 0..self.indent {
            self.out.push_str(INDENT);
        }
    }

    /// Ends the line whose source text ended at `end`: comments inside that text, or after it
    /// on the same source line, trail the line (see [`Formatter::trailing_gap`]).
    fn close_line(&mut self, end: usize) {
        let mut cursor = end;
        while let Some(c) = self.comments.get(self.next_comment) {
            let start = c.span.start as usize;
            let same_line = start < cursor
                || self.src[cursor..start]
                    .bytes()
                    .all(|b| matches!(b, b' ' | b'\t' | b';' | b'\r'));
            if !same_line {
                break;
            }
            self.trailing_gap(start);
            self.out.push_str(&c.text);
            cursor = cursor.max(c.span.end as usize);
            self.next_comment += 1;
        }
        self.out.push('\n');
        self.last_src = cursor;
    }

    /// The space before a trailing comment that starts at source offset `start`. The rule, by
    /// the blanks (spaces and tabs) written just before the comment:
    ///
    /// - one or none, as a comment written close to its code → one space after the code;
    /// - two or more, as comments aligned in a column are → at its source column when the
    ///   formatted code ends before that column, one space after the code otherwise.
    ///
    /// Columns count characters from the start of the line. The output of either case is read
    /// back as the same case, so the rule is idempotent; and a file whose code is already
    /// canonical keeps its trailing comments exactly where they were. (A comment written inside
    /// a statement trails it by the same rule.)
    fn trailing_gap(&mut self, start: usize) {
        let before = &self.src[..start];
        let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
        let pad = if blanks >= 2 {
            let line_start = self.src[..start].rfind('\n').map_or(0, |i| i + 1);
            let column = self.src[line_start..start].chars().count();
            let at = self.out.rfind('\n').map_or(0, |i| i + 1);
            let used = self.out[at..].chars().count();
            column.saturating_sub(used).max(1)
        } else {
            1
        };
        for _ in 0..pad {
            self.out.push(' ');
        }
    }

    /// Prints, each on its own line, the comments that start before `pos`.
    fn comments_before(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start as usize >= pos {
                break;
            }
            self.open_line(c.span.start as usize);
            self.out.push_str(&c.text);
            self.next_comment += 1;
            self.out.push('\n');
            self.last_src = c.span.end as usize;
        }
    }

    /// One line holding `text`, for the source range `span`.
    fn line(&mut self, span: Span, text: &str) {
        self.comments_before(span.start as usize);
        self.open_line(span.start as usize);
        self.out.push_str(text);
        self.close_line(span.end as usize);
    }

    /// The offset just after the first `{` at or after `from`, skipping comments.
    fn brace_after(&self, from: usize) -> usize {
        let bytes = self.src.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            if let Some(c) = self.comments.iter().find(|c| c.span.start as usize == i) {
                i = c.span.end as usize;
                continue;
            }
            if bytes[i] == b'{' {
                return i + 1;
            }
            i += 1;
        }
        bytes.len()
    }

    /// `header {`, the body printed by `body`, then `}`. `after_header` is where the header's
    /// own text ends; `span` covers the whole block through its `}`.
    fn block(
        &mut self,
        span: Span,
        header: &str,
        after_header: usize,
        empty: bool,
        body: impl FnOnce(&mut Self),
    ) {
        let open = self.brace_after(after_header);
        let close = (span.end as usize).saturating_sub(1);
        let has_comments = self.comments[self.next_comment..]
            .iter()
            .any(|c| (open..close).contains(&(c.span.start as usize)));
        if empty && !has_comments {
            self.line(span, &format!("{header} {{}}"));
            return;
        }
        self.line(
            Span {
                end: open as u32,
                ..span
            },
            &format!("{header} {{"),
        );
        self.indent += 1;
        self.blank = Blank::Suppress;
        body(self);
        self.comments_before(close);
        self.indent -= 1;
        self.blank = Blank::Suppress;
        self.open_line(close);
        self.out.push('}');
        self.close_line(span.end as usize);
    }

    // -----------------------------------------------------------------------------------------

    fn items(&mut self, items: &[Item]) {
        let mut prev: Option<&Item> = None;
        for item in items {
            self.blank = match prev {
                None => Blank::AsWritten,
                Some(p) if same_one_liner(p, item) => Blank::AsWritten,
                Some(_) => Blank::Force,
            };
            if prev.is_none() && self.out.is_empty() {
                self.blank = Blank::Suppress;
            }
            self.item(item);
            prev = Some(item);
        }
        self.blank = if items.is_empty() {
            Blank::Suppress
        } else {
            Blank::AsWritten
        };
        self.comments_before(self.src.len() + 1);
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Import(Import::Module(path)) => {
                let path: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
                self.line(item.span, &format!("import {}", path.join(".")));
            }
            ItemKind::Import(Import::File(s)) => {
                self.line(item.span, &format!("import {}", self.text(s.span)))
            }
            ItemKind::Film(film) => {
                let mut header = format!("film {}", self.text(film.title.span));
                let mut after_header = film.title.span.end as usize;
                if let Some(base) = &film.extends {
                    header.push_str(&format!(" extends {}", self.text(base.span)));
                    after_header = base.span.end as usize;
                }
                self.block(
                    item.span,
                    &header,
                    after_header,
                    film.fields.is_empty(),
                    |f| f.fields(&film.fields),
                );
            }
            ItemKind::Character(def)
            | ItemKind::Prop(def)
            | ItemKind::Location(def)
            | ItemKind::Look(def)
            | ItemKind::Camera(def) => {
                let kw = match &item.kind {
                    ItemKind::Character(_) => "character",
                    ItemKind::Prop(_) => "prop",
                    ItemKind::Location(_) => "location",
                    ItemKind::Look(_) => "look",
                    _ => "camera",
                };
                self.block_def(item.span, "", kw, def);
            }
            ItemKind::Sound(sound) => {
                let text = self.sound(sound);
                self.line(item.span, &text);
            }
            ItemKind::Override(o) => match &o.target {
                OverrideTarget::Shot(shot) => {
                    let header = format!(
                        "override shot {} {}",
                        shot.name.name,
                        self.value(&shot.duration)
                    );
                    self.shot_block(item.span, &header, shot.duration.span.end as usize, shot);
                }
                OverrideTarget::Sound(sound) => {
                    let text = format!("override {}", self.sound(sound));
                    self.line(item.span, &text);
                }
                OverrideTarget::Character(def)
                | OverrideTarget::Prop(def)
                | OverrideTarget::Location(def)
                | OverrideTarget::Look(def)
                | OverrideTarget::Camera(def) => {
                    self.block_def(item.span, "override ", o.target.keyword(), def);
                }
            },
            ItemKind::Insert(InsertShot {
                shot,
                place,
                anchor,
                block: Some(block),
            }) => {
                let header = format!("insert {} {}", place.node.word(), anchor.name);
                self.block(item.span, &header, anchor.span.end as usize, false, |f| {
                    if let Some(lead) = &block.lead {
                        f.scene_item(lead);
                    }
                    f.scene_item(&SceneItem {
                        kind: SceneItemKind::Shot(shot.clone()),
                        span: block.span,
                    });
                    if let Some(trail) = &block.trail {
                        f.scene_item(trail);
                    }
                });
            }
            ItemKind::Insert(insert) => {
                let shot = &insert.shot;
                let header = format!(
                    "insert shot {} {} {} {}",
                    shot.name.name,
                    self.value(&shot.duration),
                    insert.place.node.word(),
                    insert.anchor.name
                );
                self.shot_block(item.span, &header, insert.anchor.span.end as usize, shot);
            }
            ItemKind::Remove(remove) => {
                self.line(item.span, &format!("remove shot {}", remove.name.name));
            }
            ItemKind::Scene(scene) => {
                let header = format!("scene {} at {}", scene.name.name, scene.location.name);
                self.block(
                    item.span,
                    &header,
                    scene.location.span.end as usize,
                    scene.items.is_empty(),
                    |f| {
                        for si in &scene.items {
                            f.scene_item(si);
                        }
                    },
                );
            }
        }
    }

    /// A shot's block under `header` (which ends at `after_header` in the source).
    fn shot_block(&mut self, span: Span, header: &str, after_header: usize, shot: &ShotDef) {
        self.block(
            span,
            header,
            after_header,
            shot.statements.is_empty(),
            |f| {
                for st in &shot.statements {
                    let text = f.statement(st);
                    f.line(st.span, &text);
                }
            },
        );
    }

    /// `[override ]KEYWORD NAME { fields }`
    fn block_def(&mut self, span: Span, prefix: &str, kw: &str, def: &BlockDef) {
        let header = format!("{prefix}{kw} {}", def.name.name);
        self.block(
            span,
            &header,
            def.name.span.end as usize,
            def.fields.is_empty(),
            |f| f.fields(&def.fields),
        );
    }

    fn sound(&self, sound: &SoundDef) -> String {
        let role = match sound.role.node {
            SoundRole::Music => "music",
            SoundRole::Sfx => "sfx",
            SoundRole::Ambience => "ambience",
        };
        let mut text = format!(
            "sound {} = {role} {}",
            sound.name.name,
            self.value(&sound.asset)
        );
        if let Some(g) = &sound.gain {
            text.push(' ');
            text.push_str(&self.value(g));
        }
        text
    }

    fn fields(&mut self, fields: &[Field]) {
        for field in fields {
            let text = self.field(field);
            self.line(field.span, &text);
        }
    }

    fn field(&self, field: &Field) -> String {
        let mut text = field.key.name.clone();
        for v in &field.values {
            text.push(' ');
            text.push_str(&self.value(v));
        }
        text
    }

    fn value(&self, v: &Value) -> String {
        match &v.kind {
            ValueKind::Point(x, y) => format!("({}, {})", self.value(x), self.value(y)),
            _ => self.text(v.span).to_string(),
        }
    }

    fn scene_item(&mut self, si: &SceneItem) {
        match &si.kind {
            SceneItemKind::Shot(shot) => {
                let header = format!("shot {} {}", shot.name.name, self.value(&shot.duration));
                self.shot_block(si.span, &header, shot.duration.span.end as usize, shot);
            }
            SceneItemKind::Transition(t) => {
                let kind = match t.kind.node {
                    TransitionKind::Cut => "cut",
                    TransitionKind::Dissolve => "dissolve",
                    TransitionKind::Fade => "fade",
                    TransitionKind::FadeToBlack => "fade to black",
                    TransitionKind::WipeLeft => "wipe left",
                    TransitionKind::WipeRight => "wipe right",
                };
                let mut text = kind.to_string();
                if let Some(d) = &t.duration {
                    text.push(' ');
                    text.push_str(&self.value(d));
                }
                self.line(si.span, &text);
            }
            SceneItemKind::Play(cue) => {
                let text = self.play(cue);
                self.line(si.span, &text);
            }
            SceneItemKind::Stop(cue) => {
                let text = self.stop(cue);
                self.line(si.span, &text);
            }
        }
    }

    fn at_prefix(&self, at: &Option<Value>) -> String {
        at.as_ref()
            .map_or_else(String::new, |t| format!("at {} ", self.value(t)))
    }

    fn target(&self, t: &SoundTarget) -> String {
        match t {
            SoundTarget::Name(i) => i.name.clone(),
            SoundTarget::Asset(s) => self.text(s.span).to_string(),
        }
    }

    fn play(&self, cue: &PlayCue) -> String {
        let mut text = format!(
            "{}play {}",
            self.at_prefix(&cue.at),
            self.target(&cue.sound)
        );
        if let Some(g) = &cue.gain {
            text.push_str(&format!(" {}", self.value(g)));
        }
        if let Some(d) = &cue.fade_in {
            text.push_str(&format!(" fade in {}", self.value(d)));
        }
        text
    }

    fn stop(&self, cue: &StopCue) -> String {
        let mut text = format!(
            "{}stop {}",
            self.at_prefix(&cue.at),
            self.target(&cue.sound)
        );
        if let Some(d) = &cue.fade_out {
            text.push_str(&format!(" fade out {}", self.value(d)));
        }
        text
    }

    fn statement(&self, st: &Statement) -> String {
        match &st.kind {
            StatementKind::Camera(cam) => {
                let mut text = format!("camera {}", cam.preset.name);
                if let Some(of) = &cam.of {
                    text.push_str(&format!(" of {}", of.name));
                }
                if let Some(on) = &cam.on {
                    text.push_str(&format!(" on {}", on.name));
                }
                if let Some(from) = &cam.from {
                    text.push_str(&format!(" from {}", from.node.word()));
                }
                if let Some(past) = &cam.past {
                    text.push_str(&format!(" past {}", past.name));
                }
                for clause in &cam.clauses {
                    text.push_str(", ");
                    match clause {
                        CameraClause::Move(m) => text.push_str(&self.camera_move(m)),
                        CameraClause::Lens(l) => text.push_str(&self.lens(l)),
                    }
                }
                text
            }
            StatementKind::Lens(l) => self.lens(l),
            StatementKind::Character(c) => {
                let actions: Vec<String> = c.actions.iter().map(|a| self.action(a)).collect();
                format!("{} {}", c.character.name, actions.join(", "))
            }
            StatementKind::Prompt { at: Some(t), text } => {
                format!("at {} {}", self.value(t), self.text(text.span))
            }
            StatementKind::Prompt { at: None, text } => format!("prompt {}", self.text(text.span)),
            StatementKind::Play(cue) => self.play(cue),
            StatementKind::Stop(cue) => self.stop(cue),
            StatementKind::Continues(shot) => format!("continues {}", shot.name),
            StatementKind::Keyframe { at, image } => {
                format!("keyframe at {} {}", self.value(at), self.text(image.span))
            }
            StatementKind::Title { text, at, over } => {
                let mut out = format!("title {}", self.text(text.span));
                if let Some(t) = at {
                    out.push_str(&format!(" at {}", self.value(t)));
                }
                if let Some(d) = over {
                    out.push_str(&format!(" over {}", self.value(d)));
                }
                out
            }
            StatementKind::Focus { subject, at } => match at {
                Some(t) => format!("focus on {} at {}", subject.name, self.value(t)),
                None => format!("focus on {}", subject.name),
            },
            StatementKind::Setting(field) => self.field(field),
        }
    }

    fn timing_ease(
        &self,
        timing: &Option<MoveTiming>,
        ease: &Option<crate::span::Spanned<Ease>>,
    ) -> String {
        let mut text = String::new();
        match timing {
            Some(MoveTiming::Over(d)) => text.push_str(&format!(" over {}", self.value(d))),
            Some(MoveTiming::FromTo(a, b)) => {
                text.push_str(&format!(" from {} to {}", self.value(a), self.value(b)))
            }
            None => {}
        }
        if let Some(e) = ease {
            let word = match e.node {
                Ease::In => "in",
                Ease::Out => "out",
                Ease::InOut => "in_out",
                Ease::Linear => "linear",
            };
            text.push_str(&format!(" ease {word}"));
        }
        text
    }

    fn lens(&self, l: &LensSpec) -> String {
        let mut text = format!("lens {}", self.value(&l.from));
        if let Some(to) = &l.to {
            text.push_str(&format!(" -> {}", self.value(to)));
        }
        text.push_str(&self.timing_ease(&l.timing, &l.ease));
        text
    }

    fn camera_move(&self, m: &Move) -> String {
        let h = |d: HDir| if d == HDir::Left { "left" } else { "right" };
        let v = |d: VDir| if d == VDir::Up { "up" } else { "down" };
        let mut text = match &m.kind.node {
            MoveKind::Pan(d) => format!("pan {}", h(*d)),
            MoveKind::Tilt(d) => format!("tilt {}", v(*d)),
            MoveKind::Dolly(d) => {
                format!("dolly {}", if *d == DollyDir::In { "in" } else { "out" })
            }
            MoveKind::Truck(d) => format!("truck {}", h(*d)),
            MoveKind::Crane(d) => format!("crane {}", v(*d)),
            MoveKind::Orbit(Some(c)) => format!("orbit {}", c.name),
            MoveKind::Orbit(None) => "orbit".to_string(),
            MoveKind::Handheld => "handheld".to_string(),
            MoveKind::Static => "static".to_string(),
            MoveKind::Follow(s) => format!("follow {}", s.name),
            MoveKind::Keep(s) => format!("keep {}", s.name),
        };
        if let Some(a) = &m.amount {
            text.push(' ');
            text.push_str(&self.value(a));
        }
        text.push_str(&self.timing_ease(&m.timing, &m.ease));
        text
    }

    fn position(&self, p: &Position) -> String {
        match &p.kind {
            PositionKind::Left => "left".to_string(),
            PositionKind::Center => "center".to_string(),
            PositionKind::Right => "right".to_string(),
            PositionKind::Point(v) => self.value(v),
        }
    }

    /// ` above 2m`, or nothing.
    fn above(&self, above: &Option<Value>) -> String {
        above
            .as_ref()
            .map_or_else(String::new, |h| format!(" above {}", self.value(h)))
    }

    fn action(&self, a: &Action) -> String {
        let side = |s: Side| match s {
            Side::Left => "left",
            Side::Right => "right",
            Side::Back => "back",
        };
        let at = |t: &Option<Value>| {
            t.as_ref()
                .map_or_else(String::new, |t| format!(" at {}", self.value(t)))
        };
        match &a.kind {
            ActionKind::Enters { side: s, at: t } => format!("enters {}{}", side(s.node), at(t)),
            ActionKind::Exits { side: s, at: t } => format!("exits {}{}", side(s.node), at(t)),
            ActionKind::Place { position, above } => {
                format!("at {}{}", self.position(position), self.above(above))
            }
            ActionKind::Move {
                gait,
                to,
                above,
                over,
            } => {
                let g = match gait.node {
                    Gait::Walks => "walks",
                    Gait::Runs => "runs",
                    Gait::Moves => "moves",
                };
                let over = over
                    .as_ref()
                    .map_or_else(String::new, |d| format!(" over {}", self.value(d)));
                format!("{g} to {}{}{over}", self.position(to), self.above(above))
            }
            ActionKind::Holds { prop, at: t } => format!("holds {}{}", prop.name, at(t)),
            ActionKind::Drops { prop, at: t } => format!("drops {}{}", prop.name, at(t)),
            ActionKind::Does { text, at: t } => format!("does {}{}", self.text(text.span), at(t)),
            ActionKind::Says {
                text,
                parenthetical,
                at: t,
            } => {
                let paren = parenthetical
                    .as_ref()
                    .map_or_else(String::new, |p| format!(" ({})", p.node));
                format!("says {}{paren}{}", self.text(text.span), at(t))
            }
        }
    }
}

/// Consecutive imports, or consecutive sounds, may sit on adjacent lines.
fn same_one_liner(a: &Item, b: &Item) -> bool {
    matches!(
        (&a.kind, &b.kind),
        (ItemKind::Import(_), ItemKind::Import(_))
            | (ItemKind::Sound(_), ItemKind::Sound(_))
            | (ItemKind::Remove(_), ItemKind::Remove(_))
    )
}
