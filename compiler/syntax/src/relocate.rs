//! Moving a parsed piece of text to another place: every span of a tree re-pointed at another
//! file and shifted by a number of bytes.
//!
//! This is what lets a parse be reused: a top-level item whose text did not change parses to the
//! same tree whatever comes before it, up to where its spans point (see [`crate::ItemCache`]).

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span, Spanned};

/// Where a piece moves: to `file`, `delta` bytes later (negative: earlier).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub file: FileId,
    pub delta: i64,
}

impl Move {
    fn apply(self, span: &mut Span) {
        span.file = self.file;
        span.start = shift(span.start, self.delta);
        span.end = shift(span.end, self.delta);
    }
}

fn shift(offset: u32, delta: i64) -> u32 {
    // Offsets come from a tree that was built at a valid place, and `delta` moves it to another
    // valid place of a file of at most 4 GiB, so the result is in range; clamp all the same.
    (offset as i64 + delta).clamp(0, u32::MAX as i64) as u32
}

/// A tree (or diagnostic) whose spans can all be moved at once.
pub trait Relocate {
    fn relocate(&mut self, to: Move);
}

impl Relocate for Span {
    fn relocate(&mut self, to: Move) {
        to.apply(self);
    }
}

impl<T: Relocate> Relocate for Option<T> {
    fn relocate(&mut self, to: Move) {
        if let Some(t) = self {
            t.relocate(to);
        }
    }
}

impl<T: Relocate> Relocate for Vec<T> {
    fn relocate(&mut self, to: Move) {
        for t in self {
            t.relocate(to);
        }
    }
}

impl<T: Relocate> Relocate for Box<T> {
    fn relocate(&mut self, to: Move) {
        (**self).relocate(to);
    }
}

impl<T> Relocate for Spanned<T> {
    // The node of a `Spanned` is always a plain enum or string (no spans inside).
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
    }
}

impl Relocate for Diagnostic {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        for r in &mut self.related {
            to.apply(&mut r.span);
        }
        for f in &mut self.fixes {
            to.apply(&mut f.span);
        }
    }
}

impl Relocate for Ident {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
    }
}

impl Relocate for StrLit {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
    }
}

impl Relocate for Comment {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
    }
}

impl Relocate for SourceFile {
    fn relocate(&mut self, to: Move) {
        self.file = to.file;
        self.items.relocate(to);
        self.comments.relocate(to);
    }
}

impl Relocate for Item {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        match &mut self.kind {
            ItemKind::Import(Import::Module(path)) => path.relocate(to),
            ItemKind::Import(Import::File(lit)) => lit.relocate(to),
            ItemKind::Film(film) => {
                film.title.relocate(to);
                film.extends.relocate(to);
                film.fields.relocate(to);
            }
            ItemKind::Character(def)
            | ItemKind::Prop(def)
            | ItemKind::Location(def)
            | ItemKind::Look(def)
            | ItemKind::Camera(def) => {
                def.name.relocate(to);
                def.fields.relocate(to);
            }
            ItemKind::Sound(sound) => sound.relocate(to),
            ItemKind::Scene(scene) => {
                scene.name.relocate(to);
                scene.location.relocate(to);
                scene.items.relocate(to);
            }
            ItemKind::Override(o) => {
                to.apply(&mut o.span);
                match &mut o.target {
                    OverrideTarget::Shot(shot) => shot.relocate(to),
                    OverrideTarget::Character(def)
                    | OverrideTarget::Prop(def)
                    | OverrideTarget::Location(def)
                    | OverrideTarget::Look(def)
                    | OverrideTarget::Camera(def) => {
                        def.name.relocate(to);
                        def.fields.relocate(to);
                    }
                    OverrideTarget::Sound(sound) => sound.relocate(to),
                }
            }
            ItemKind::Insert(insert) => {
                insert.shot.relocate(to);
                insert.place.relocate(to);
                insert.anchor.relocate(to);
                if let Some(block) = &mut insert.block {
                    to.apply(&mut block.span);
                    if let Some(lead) = &mut block.lead {
                        lead.relocate(to);
                    }
                    if let Some(trail) = &mut block.trail {
                        trail.relocate(to);
                    }
                }
            }
            ItemKind::Remove(remove) => remove.name.relocate(to),
        }
    }
}

impl Relocate for Field {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        self.key.relocate(to);
        self.values.relocate(to);
    }
}

impl Relocate for Value {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        if let ValueKind::Point(x, y) = &mut self.kind {
            x.relocate(to);
            y.relocate(to);
        }
    }
}

impl Relocate for SceneItem {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        match &mut self.kind {
            SceneItemKind::Shot(shot) => shot.relocate(to),
            SceneItemKind::Transition(t) => {
                t.kind.relocate(to);
                t.duration.relocate(to);
            }
            SceneItemKind::Play(cue) => cue.relocate(to),
            SceneItemKind::Stop(cue) => cue.relocate(to),
        }
    }
}

impl Relocate for ShotDef {
    fn relocate(&mut self, to: Move) {
        self.name.relocate(to);
        self.duration.relocate(to);
        self.statements.relocate(to);
    }
}

impl Relocate for SoundDef {
    fn relocate(&mut self, to: Move) {
        self.name.relocate(to);
        self.role.relocate(to);
        self.asset.relocate(to);
        self.gain.relocate(to);
    }
}

impl Relocate for Statement {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        match &mut self.kind {
            StatementKind::Camera(camera) => {
                camera.preset.relocate(to);
                camera.of.relocate(to);
                camera.on.relocate(to);
                camera.from.relocate(to);
                camera.past.relocate(to);
                camera.clauses.relocate(to);
            }
            StatementKind::Lens(lens) => lens.relocate(to),
            StatementKind::Character(stmt) => {
                stmt.character.relocate(to);
                stmt.actions.relocate(to);
            }
            StatementKind::Prompt { at, text } => {
                at.relocate(to);
                text.relocate(to);
            }
            StatementKind::Play(cue) => cue.relocate(to),
            StatementKind::Stop(cue) => cue.relocate(to),
            StatementKind::Continues(name) => name.relocate(to),
            StatementKind::Keyframe { at, image } => {
                at.relocate(to);
                image.relocate(to);
            }
            StatementKind::Title { text, at, over } => {
                text.relocate(to);
                at.relocate(to);
                over.relocate(to);
            }
            StatementKind::Focus { subject, at } => {
                subject.relocate(to);
                at.relocate(to);
            }
            StatementKind::Setting(field) => field.relocate(to),
        }
    }
}

impl Relocate for CameraClause {
    fn relocate(&mut self, to: Move) {
        match self {
            CameraClause::Move(m) => m.relocate(to),
            CameraClause::Lens(lens) => lens.relocate(to),
        }
    }
}

impl Relocate for LensSpec {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        self.from.relocate(to);
        self.to.relocate(to);
        self.timing.relocate(to);
        self.ease.relocate(to);
    }
}

impl Relocate for crate::ast::Move {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        self.kind.relocate(to);
        match &mut self.kind.node {
            MoveKind::Orbit(target) => target.relocate(to),
            MoveKind::Follow(subject) | MoveKind::Keep(subject) => subject.relocate(to),
            _ => {}
        }
        self.amount.relocate(to);
        self.timing.relocate(to);
        self.ease.relocate(to);
    }
}

impl Relocate for MoveTiming {
    fn relocate(&mut self, to: Move) {
        match self {
            MoveTiming::Over(d) => d.relocate(to),
            MoveTiming::FromTo(a, b) => {
                a.relocate(to);
                b.relocate(to);
            }
        }
    }
}

impl Relocate for Action {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        match &mut self.kind {
            ActionKind::Enters { side, at } | ActionKind::Exits { side, at } => {
                side.relocate(to);
                at.relocate(to);
            }
            ActionKind::Place { position, above } => {
                position.relocate(to);
                above.relocate(to);
            }
            ActionKind::Move {
                gait,
                to: target,
                above,
                over,
            } => {
                gait.relocate(to);
                target.relocate(to);
                above.relocate(to);
                over.relocate(to);
            }
            ActionKind::Holds { prop, at } | ActionKind::Drops { prop, at } => {
                prop.relocate(to);
                at.relocate(to);
            }
            ActionKind::Does { text, at } => {
                text.relocate(to);
                at.relocate(to);
            }
            ActionKind::Says {
                text,
                parenthetical,
                at,
            } => {
                text.relocate(to);
                parenthetical.relocate(to);
                at.relocate(to);
            }
        }
    }
}

impl Relocate for Position {
    fn relocate(&mut self, to: Move) {
        to.apply(&mut self.span);
        if let PositionKind::Point(p) = &mut self.kind {
            p.relocate(to);
        }
    }
}

impl Relocate for PlayCue {
    fn relocate(&mut self, to: Move) {
        self.at.relocate(to);
        self.sound.relocate(to);
        self.gain.relocate(to);
        self.fade_in.relocate(to);
    }
}

impl Relocate for StopCue {
    fn relocate(&mut self, to: Move) {
        self.at.relocate(to);
        self.sound.relocate(to);
        self.fade_out.relocate(to);
    }
}

impl Relocate for SoundTarget {
    fn relocate(&mut self, to: Move) {
        match self {
            SoundTarget::Name(name) => name.relocate(to),
            SoundTarget::Asset(lit) => lit.relocate(to),
        }
    }
}
