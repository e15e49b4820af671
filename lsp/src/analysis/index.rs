//! Names in one parsed file: what it defines and every place it refers to a name.
//!
//! Built from the syntax tree alone, so navigation works in files that do not check and in
//! files opened on their own. Resolution across files happens in [`super::project`].

use scene_syntax::ast::*;
use scene_syntax::vocab::{self, Block, ValueType};
use scene_syntax::Span;

pub use scene_syntax::vocab::NameKind;

#[derive(Clone, Debug)]
pub struct Def {
    pub kind: NameKind,
    pub name: String,
    /// The identifier in the definition.
    pub name_span: Span,
    /// The whole definition (block included).
    pub span: Span,
    /// For a shot: the scene it belongs to (index into `FileIndex::defs`).
    pub parent: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Ref {
    pub kind: NameKind,
    pub name: String,
    pub span: Span,
}

/// The key of a field, and the block it is in.
#[derive(Clone, Copy, Debug)]
pub struct FieldKey {
    pub block: Block,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ImportRef {
    /// `import std.camera` → `camera`.
    Std {
        module: String,
        span: Span,
    },
    File {
        path: String,
        span: Span,
    },
}

#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    pub defs: Vec<Def>,
    pub refs: Vec<Ref>,
    pub imports: Vec<ImportRef>,
    /// Keys of fields in definition blocks and per-shot settings (for colouring and hover).
    pub field_keys: Vec<FieldKey>,
    /// Span of the `film` block, if any.
    pub film: Option<Span>,
}

impl FileIndex {
    pub fn build(file: &SourceFile) -> Self {
        let mut index = FileIndex::default();
        for item in &file.items {
            index.item(item);
        }
        index
    }

    pub fn def_at(&self, offset: usize) -> Option<&Def> {
        self.defs.iter().find(|d| d.name_span.contains(offset))
    }

    pub fn ref_at(&self, offset: usize) -> Option<&Ref> {
        self.refs.iter().find(|r| r.span.contains(offset))
    }

    pub fn field_key_at(&self, offset: usize) -> Option<&FieldKey> {
        self.field_keys.iter().find(|k| k.span.contains(offset))
    }

    fn def(&mut self, kind: NameKind, name: &Ident, span: Span, parent: Option<usize>) -> usize {
        self.defs.push(Def {
            kind,
            name: name.name.clone(),
            name_span: name.span,
            span,
            parent,
        });
        self.defs.len() - 1
    }

    fn reference(&mut self, kind: NameKind, name: &Ident) {
        self.refs.push(Ref {
            kind,
            name: name.name.clone(),
            span: name.span,
        });
    }

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Import(Import::Module(path)) => {
                let names: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
                if let (Some(first), Some(last)) = (path.first(), path.last()) {
                    if names.len() == 2 && names[0] == "std" {
                        self.imports.push(ImportRef::Std {
                            module: names[1].to_owned(),
                            span: first.span.join(last.span),
                        });
                    }
                }
            }
            ItemKind::Import(Import::File(lit)) => {
                self.imports.push(ImportRef::File {
                    path: lit.value.clone(),
                    span: lit.span,
                });
            }
            ItemKind::Film(film) => {
                self.film = Some(item.span);
                // A remix sees its base film's names as it sees an import's.
                if let Some(base) = &film.extends {
                    self.imports.push(ImportRef::File {
                        path: base.value.clone(),
                        span: base.span,
                    });
                }
                self.fields(&film.fields, Block::Film);
            }
            ItemKind::Character(b) => {
                self.def(NameKind::Character, &b.name, item.span, None);
                self.fields(&b.fields, Block::Character);
            }
            ItemKind::Prop(b) => {
                self.def(NameKind::Prop, &b.name, item.span, None);
                self.fields(&b.fields, Block::Prop);
            }
            ItemKind::Location(b) => {
                self.def(NameKind::Location, &b.name, item.span, None);
                self.fields(&b.fields, Block::Location);
            }
            ItemKind::Look(b) => {
                self.def(NameKind::Look, &b.name, item.span, None);
                self.fields(&b.fields, Block::Look);
            }
            ItemKind::Camera(b) => {
                self.def(NameKind::Camera, &b.name, item.span, None);
                self.fields(&b.fields, Block::Camera);
            }
            ItemKind::Sound(s) => {
                self.def(NameKind::Sound, &s.name, item.span, None);
            }
            ItemKind::Scene(scene) => {
                let parent = self.def(NameKind::Scene, &scene.name, item.span, None);
                self.reference(NameKind::Location, &scene.location);
                for si in &scene.items {
                    match &si.kind {
                        SceneItemKind::Shot(shot) => {
                            self.def(NameKind::Shot, &shot.name, si.span, Some(parent));
                            for st in &shot.statements {
                                self.statement(st);
                            }
                        }
                        SceneItemKind::Play(cue) => self.sound(&cue.sound),
                        SceneItemKind::Stop(cue) => self.sound(&cue.sound),
                        SceneItemKind::Transition(_) => {}
                    }
                }
            }
            ItemKind::Override(_) | ItemKind::Insert(_) | ItemKind::Remove(_) => self.change(item),
        }
    }

    /// A remix's change: the name it changes refers to the base film's definition (so that
    /// go-to-definition and hover reach the base); an inserted shot is a shot of its own.
    fn change(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Override(o) => match &o.target {
                OverrideTarget::Shot(shot) => {
                    self.reference(NameKind::Shot, &shot.name);
                    for st in &shot.statements {
                        self.statement(st);
                    }
                }
                OverrideTarget::Sound(s) => self.reference(NameKind::Sound, &s.name),
                OverrideTarget::Character(b) => {
                    self.override_block(NameKind::Character, b, Block::Character)
                }
                OverrideTarget::Prop(b) => self.override_block(NameKind::Prop, b, Block::Prop),
                OverrideTarget::Location(b) => {
                    self.override_block(NameKind::Location, b, Block::Location)
                }
                OverrideTarget::Look(b) => self.override_block(NameKind::Look, b, Block::Look),
                OverrideTarget::Camera(b) => {
                    self.override_block(NameKind::Camera, b, Block::Camera)
                }
            },
            ItemKind::Insert(insert) => {
                self.def(NameKind::Shot, &insert.shot.name, item.span, None);
                self.reference(NameKind::Shot, &insert.anchor);
                for st in &insert.shot.statements {
                    self.statement(st);
                }
            }
            ItemKind::Remove(remove) => self.reference(NameKind::Shot, &remove.name),
            _ => {}
        }
    }

    fn override_block(&mut self, kind: NameKind, b: &BlockDef, block: Block) {
        self.reference(kind, &b.name);
        self.fields(&b.fields, block);
    }

    fn fields(&mut self, fields: &[Field], block: Block) {
        for f in fields {
            self.field(f, block);
        }
    }

    /// A field's key, and the name its value refers to when the field takes one (a `look`, or
    /// an `ambience` written as a sound's name).
    fn field(&mut self, f: &Field, block: Block) {
        self.field_keys.push(FieldKey {
            block,
            span: f.key.span,
        });
        let target = match vocab::field(block, &f.key.name).map(|spec| spec.value) {
            Some(ValueType::Ref(kind)) => Some(kind),
            Some(ValueType::Ambience) => Some(NameKind::Sound),
            _ => None,
        };
        if let (
            Some(kind),
            Some(Value {
                kind: ValueKind::Ident(name),
                span,
            }),
        ) = (target, f.values.first())
        {
            self.refs.push(Ref {
                kind,
                name: name.clone(),
                span: *span,
            });
        }
    }

    fn sound(&mut self, target: &SoundTarget) {
        if let SoundTarget::Name(id) = target {
            self.reference(NameKind::Sound, id);
        }
    }

    fn statement(&mut self, st: &Statement) {
        match &st.kind {
            StatementKind::Camera(cam) => {
                self.reference(NameKind::Camera, &cam.preset);
                for subject in [&cam.of, &cam.on, &cam.past].into_iter().flatten() {
                    self.reference(NameKind::Character, subject);
                }
                for clause in &cam.clauses {
                    if let CameraClause::Move(Move {
                        kind:
                            scene_syntax::Spanned {
                                node:
                                    MoveKind::Orbit(Some(c)) | MoveKind::Follow(c) | MoveKind::Keep(c),
                                ..
                            },
                        ..
                    }) = clause
                    {
                        self.reference(NameKind::Character, c);
                    }
                }
            }
            StatementKind::Focus { subject, .. } => self.reference(NameKind::Character, subject),
            StatementKind::Character(c) => {
                // The subject may be a character or a prop (one namespace): resolving admits both.
                self.reference(NameKind::Character, &c.character);
                for action in &c.actions {
                    if let ActionKind::Holds { prop, .. } | ActionKind::Drops { prop, .. } =
                        &action.kind
                    {
                        self.reference(NameKind::Prop, prop);
                    }
                }
            }
            StatementKind::Play(cue) => self.sound(&cue.sound),
            StatementKind::Stop(cue) => self.sound(&cue.sound),
            StatementKind::Continues(shot) => self.reference(NameKind::Shot, shot),
            StatementKind::Setting(f) => self.field(f, Block::Shot),
            StatementKind::Lens(_)
            | StatementKind::Prompt { .. }
            | StatementKind::Keyframe { .. }
            | StatementKind::Title { .. } => {}
        }
    }
}
