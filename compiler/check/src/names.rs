//! One namespace per kind of definition across every file of the film; IDs in definition order
//! (entry file first, then imports in the order they were loaded).

use std::collections::BTreeMap;

use scene_syntax::ast::{BlockDef, FilmDef, Ident, Item, ItemKind, SceneDef, SoundDef};
use scene_syntax::{Code, Diagnostic, FileId, Span};

use crate::codes;
use crate::sources::{Origin, Sources};
use crate::stdlib;
use crate::suggest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Character,
    Prop,
    /// Where either a character or a prop may be named (they share one namespace).
    Subject,
    Location,
    Sound,
    Look,
    Camera,
    Scene,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Character => "character",
            Kind::Prop => "prop",
            Kind::Subject => "character or prop",
            Kind::Location => "location",
            Kind::Sound => "sound",
            Kind::Look => "look",
            Kind::Camera => "camera preset",
            Kind::Scene => "scene",
        }
    }

    fn unknown_code(self) -> Code {
        match self {
            Kind::Character | Kind::Subject => codes::E0101,
            Kind::Prop => codes::E0109,
            Kind::Location => codes::E0102,
            Kind::Sound => codes::E0103,
            Kind::Look => codes::E0104,
            Kind::Camera | Kind::Scene => codes::E0105,
        }
    }
}

pub struct Table<'a, T> {
    pub kind: Kind,
    pub entries: Vec<(&'a Ident, T)>,
    index: BTreeMap<&'a str, usize>,
}

impl<'a, T> Table<'a, T> {
    fn new(kind: Kind) -> Self {
        Table {
            kind,
            entries: Vec::new(),
            index: BTreeMap::new(),
        }
    }

    fn insert(&mut self, name: &'a Ident, def: T, diags: &mut Vec<Diagnostic>) {
        self.define(name, def, &|_| None, diags);
    }

    /// Adds a definition. `std_module` names the standard module a file is (`None` for the
    /// film's own files): a film's definition shadows a standard module's of the same name
    /// whichever was loaded first (H0101, a hint), so that a preset added to the standard
    /// library never breaks a film that already defines one by that name; two of the film's
    /// own are an error (E0110).
    fn define(
        &mut self,
        name: &'a Ident,
        def: T,
        std_module: &dyn Fn(FileId) -> Option<&'static str>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if let Some(&first) = self.index.get(name.name.as_str()) {
            let first_span = self.entries[first].0.span;
            let shadowed = match (std_module(first_span.file), std_module(name.span.file)) {
                // The film's definition replaces the module's in its place (same ID).
                (Some(module), None) => {
                    diags.push(shadows(self.kind, name, module, first_span));
                    self.entries[first] = (name, def);
                    true
                }
                (None, Some(module)) => {
                    diags.push(shadows(self.kind, self.entries[first].0, module, name.span));
                    true
                }
                _ => false,
            };
            if shadowed {
                return;
            }
            diags.push(
                Diagnostic::new(
                    codes::E0110,
                    name.span,
                    format!("the {} `{}` is defined twice", self.kind.word(), name.name),
                )
                .with_label("defined again here")
                .with_related(first_span, "first defined here")
                .with_help(format!(
                    "rename one of them; {}s share one namespace across every file of the film",
                    self.kind.word()
                )),
            );
            return;
        }
        self.index.insert(&name.name, self.entries.len());
        self.entries.push((name, def));
    }

    /// Reports `name`, about to be defined as a `kind` that shares this table's namespace, when
    /// this table already has it (E0110). True when it clashed.
    fn clash(&self, name: &Ident, kind: Kind, diags: &mut Vec<Diagnostic>) -> bool {
        let Some(&first) = self.index.get(name.name.as_str()) else {
            return false;
        };
        let first_span = self.entries[first].0.span;
        diags.push(
            Diagnostic::new(
                codes::E0110,
                name.span,
                format!(
                    "`{}` is already a {}; it cannot also be a {}",
                    name.name,
                    self.kind.word(),
                    kind.word()
                ),
            )
            .with_label("defined again here")
            .with_related(first_span, "first defined here")
            .with_help(
                "rename one of them; characters and props share one namespace across every file of the film",
            ),
        );
        true
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.entries.iter().map(|(i, _)| i.name.as_str())
    }
}

/// H0101: the film's own `ours` shadows the definition at `theirs` in standard module `module`.
fn shadows(kind: Kind, ours: &Ident, module: &str, theirs: Span) -> Diagnostic {
    Diagnostic::new(
        codes::H0101,
        ours.span,
        format!(
            "this {} `{}` shadows the one `std.{module}` defines",
            kind.word(),
            ours.name
        ),
    )
    .with_label(format!("the film's own `{}`: used everywhere", ours.name))
    .with_related(
        theirs,
        format!("`std.{module}`'s `{}`, not used", ours.name),
    )
    .with_help(format!(
        "nothing to fix if this is meant; to use `std.{module}`'s, rename yours"
    ))
}

pub struct Names<'a> {
    pub characters: Table<'a, &'a BlockDef>,
    /// Props: their own IDs, but one namespace with the characters (a name is one or the other).
    pub props: Table<'a, &'a BlockDef>,
    pub locations: Table<'a, &'a BlockDef>,
    pub sounds: Table<'a, &'a SoundDef>,
    pub looks: Table<'a, &'a BlockDef>,
    pub cameras: Table<'a, (&'a BlockDef, FileId)>,
    pub scenes: Table<'a, &'a SceneDef>,
    /// The entry file's first `film` block and the item's span.
    pub film: Option<(&'a FilmDef, Span)>,
    /// Every definition with the file it is in, for relative asset paths.
    pub entry: FileId,
}

pub fn collect<'a>(sources: &'a Sources, entry: FileId, diags: &mut Vec<Diagnostic>) -> Names<'a> {
    let mut names = Names {
        characters: Table::new(Kind::Character),
        props: Table::new(Kind::Prop),
        locations: Table::new(Kind::Location),
        sounds: Table::new(Kind::Sound),
        looks: Table::new(Kind::Look),
        cameras: Table::new(Kind::Camera),
        scenes: Table::new(Kind::Scene),
        film: None,
        entry,
    };
    let std_module = |file: FileId| match sources.origin(file) {
        Some(Origin::Std(module)) => Some(*module),
        _ => None,
    };
    for file in sources.ids() {
        let Some(ast) = sources.ast(file) else {
            continue;
        };
        for item in &ast.items {
            names.add(item, file, &std_module, diags);
        }
    }
    names
}

impl<'a> Names<'a> {
    fn add(
        &mut self,
        item: &'a Item,
        file: FileId,
        std_module: &dyn Fn(FileId) -> Option<&'static str>,
        diags: &mut Vec<Diagnostic>,
    ) {
        match &item.kind {
            // A remix's changes are applied to the trees before names are collected.
            ItemKind::Import(_)
            | ItemKind::Override(_)
            | ItemKind::Insert(_)
            | ItemKind::Remove(_) => {}
            ItemKind::Film(film) => {
                // Imported files' film blocks are reported while loading.
                if file != self.entry {
                    return;
                }
                let header =
                    Span::new(file, item.span.start as usize, film.title.span.end as usize);
                match self.film {
                    None => self.film = Some((film, item.span)),
                    Some((first, first_span)) => diags.push(
                        Diagnostic::new(codes::E0112, header, "a film has one `film` block")
                            .with_label("second `film` block")
                            .with_related(
                                Span::new(
                                    file,
                                    first_span.start as usize,
                                    first.title.span.end as usize,
                                ),
                                "the first `film` block",
                            )
                            .with_help("merge the two blocks into one"),
                    ),
                }
            }
            ItemKind::Character(def) => {
                if !self.props.clash(&def.name, Kind::Character, diags) {
                    self.characters.insert(&def.name, def, diags);
                }
            }
            ItemKind::Prop(def) => {
                if !self.characters.clash(&def.name, Kind::Prop, diags) {
                    self.props.insert(&def.name, def, diags);
                }
            }
            ItemKind::Location(def) => self.locations.insert(&def.name, def, diags),
            ItemKind::Look(def) => self.looks.define(&def.name, def, std_module, diags),
            ItemKind::Camera(def) => self
                .cameras
                .define(&def.name, (def, file), std_module, diags),
            ItemKind::Sound(def) => self.sounds.insert(&def.name, def, diags),
            ItemKind::Scene(def) => self.scenes.insert(&def.name, def, diags),
        }
    }
}

/// Reports an unknown name of `kind`; `candidates` are the names it could have meant. The nearest
/// becomes the help line and a fix. Returns the nearest candidate.
pub fn unknown<'c>(
    kind: Kind,
    ident: &Ident,
    candidates: &[&'c str],
    sources: &Sources,
    entry: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'c str> {
    let mut d = Diagnostic::new(
        kind.unknown_code(),
        ident.span,
        format!("unknown {} `{}`", kind.word(), ident.name),
    )
    .with_label(format!("no {} with this name", kind.word()));
    let nearest = suggest::nearest(&ident.name, candidates.iter().copied());
    if let Some(module) = std_module_defining(kind, &ident.name).filter(|m| !imported(sources, m)) {
        // Defined in a standard module the film does not import.
        let line = format!("import std.{module}\n");
        d = d
            .with_help(format!(
                "`{}` is in the standard library: add `import std.{module}`",
                ident.name
            ))
            .with_fix(
                Span::new(entry, 0, 0),
                line,
                format!("add `import std.{module}`"),
            );
    } else if let Some(near) = nearest {
        d = d.with_help(format!("did you mean `{near}`?")).with_fix(
            ident.span,
            near,
            format!("replace with `{near}`"),
        );
    } else if candidates.is_empty() {
        d = d.with_help(format!(
            "define it: `{} {} {{ … }}`",
            definition_keyword(kind),
            ident.name
        ));
    } else if candidates.len() <= 12 {
        d = d.with_help(format!(
            "the {}s defined are {}",
            kind.word(),
            suggest::list(candidates)
        ));
    } else {
        d = d.with_help(format!(
            "define it: `{} {} {{ … }}`",
            definition_keyword(kind),
            ident.name
        ));
    }
    diags.push(d);
    nearest
}

fn definition_keyword(kind: Kind) -> &'static str {
    match kind {
        Kind::Camera => "camera",
        Kind::Subject => "character",
        other => other.word(),
    }
}

fn imported(sources: &Sources, module: &str) -> bool {
    sources
        .ids()
        .any(|f| matches!(sources.origin(f), Some(Origin::Std(m)) if *m == module))
}

/// The standard module that defines `name` as a `kind`, read from the modules' text (their
/// definitions are one per line, `camera NAME {` / `look NAME {`).
fn std_module_defining(kind: Kind, name: &str) -> Option<&'static str> {
    let keyword = match kind {
        Kind::Camera => "camera",
        Kind::Look => "look",
        _ => return None,
    };
    stdlib::MODULES.iter().find_map(|m| {
        let defines = m.text.lines().any(|line| {
            let mut words = line.split_whitespace();
            words.next() == Some(keyword) && words.next() == Some(name)
        });
        defines.then_some(m.name)
    })
}
