//! Names in one parsed file: what it defines and every place it refers to a name.
//!
//! Built from the syntax tree alone, so navigation works in files that do not check and in
//! files opened on their own. Resolution across files happens in [`crate::project`].

use scene_syntax::ast::*;
use scene_syntax::Span;

/// The kinds of names the language has; each kind is its own namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    Character,
    Location,
    Sound,
    Look,
    Camera,
    Scene,
    Shot,
}

impl NameKind {
    pub fn word(self) -> &'static str {
        match self {
            NameKind::Character => "character",
            NameKind::Location => "location",
            NameKind::Sound => "sound",
            NameKind::Look => "look",
            NameKind::Camera => "camera",
            NameKind::Scene => "scene",
            NameKind::Shot => "shot",
        }
    }
}

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
    /// Keys of fields in definition blocks and per-shot settings (for colouring).
    pub field_keys: Vec<Span>,
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
                self.fields(&film.fields, BlockKind::Film);
            }
            ItemKind::Character(b) => {
                self.def(NameKind::Character, &b.name, item.span, None);
                self.fields(&b.fields, BlockKind::Other);
            }
            ItemKind::Location(b) => {
                self.def(NameKind::Location, &b.name, item.span, None);
                self.fields(&b.fields, BlockKind::Location);
            }
            ItemKind::Look(b) => {
                self.def(NameKind::Look, &b.name, item.span, None);
                self.fields(&b.fields, BlockKind::Other);
            }
            ItemKind::Camera(b) => {
                self.def(NameKind::Camera, &b.name, item.span, None);
                self.fields(&b.fields, BlockKind::Other);
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
        }
    }

    fn fields(&mut self, fields: &[Field], block: BlockKind) {
        for f in fields {
            self.field(f, block);
        }
    }

    fn field(&mut self, f: &Field, block: BlockKind) {
        self.field_keys.push(f.key.span);
        let target = match (block, f.key.name.as_str()) {
            (BlockKind::Film | BlockKind::Shot, "look") => Some(NameKind::Look),
            (BlockKind::Location, "ambience") => Some(NameKind::Sound),
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
                if let Some(on) = &cam.on {
                    self.reference(NameKind::Character, on);
                }
                for clause in &cam.clauses {
                    if let CameraClause::Move(Move {
                        kind:
                            scene_syntax::Spanned {
                                node: MoveKind::Orbit(Some(c)),
                                ..
                            },
                        ..
                    }) = clause
                    {
                        self.reference(NameKind::Character, c);
                    }
                }
            }
            StatementKind::Character(c) => self.reference(NameKind::Character, &c.character),
            StatementKind::Play(cue) => self.sound(&cue.sound),
            StatementKind::Stop(cue) => self.sound(&cue.sound),
            StatementKind::Continues(shot) => self.reference(NameKind::Shot, shot),
            StatementKind::Setting(f) => self.field(f, BlockKind::Shot),
            StatementKind::Lens(_)
            | StatementKind::Prompt { .. }
            | StatementKind::Keyframe { .. }
            | StatementKind::Title { .. } => {}
        }
    }
}

#[derive(Clone, Copy)]
enum BlockKind {
    Film,
    Location,
    Shot,
    Other,
}
