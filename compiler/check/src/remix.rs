//! Remixes: a film that changes another (`film "…" extends "base.scene" { … }` with
//! `override`, `insert shot` and `remove shot` items; docs/language.md, "Remix").
//!
//! Loading follows the `extends` chain through the same confinement and cycle rules as imports
//! ([`crate::load`]). Applying a remix rewrites the loaded trees — never the files — into the
//! program the remix means: the base's items with the remix's changes spliced in where they
//! apply. Every node keeps the span of the file it was written in, so the ordinary passes check
//! the result, an inherited shot's errors point into the base and an override's into the remix,
//! and relative paths (assets, references) resolve against the file that wrote them. The trees
//! the tools navigate (`Checked::sources`) stay as parsed; only the checker sees the rewrite.

use std::collections::{BTreeMap, BTreeSet};

use scene_syntax::ast::{
    BlockDef, Field, FilmDef, InsertShot, Item, ItemKind, Override, OverrideTarget, Place,
    RemoveShot, SceneItem, SceneItemKind, SourceFile, StatementKind, TransitionKind, ValueKind,
};
use scene_syntax::{Diagnostic, FileId, Span};

use crate::codes;
use crate::load::{Loader, Reach};
use crate::sources::Sources;
use crate::suggest;

/// A remix file and the base film it extends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Base {
    pub remix: FileId,
    pub base: FileId,
    /// The `extends "…"` path.
    pub extends: Span,
}

/// Where a shot of a remix comes from, relative to the film it extends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShotOrigin {
    /// The base film's shot, unchanged.
    Inherited,
    /// `override shot`: the base's shot replaced in place.
    Overridden,
    /// `insert shot`: a shot the base does not have.
    Inserted,
}

impl ShotOrigin {
    pub fn word(self) -> &'static str {
        match self {
            ShotOrigin::Inherited => "inherited",
            ShotOrigin::Overridden => "overridden",
            ShotOrigin::Inserted => "inserted",
        }
    }
}

/// One change a remix writes, with where it is written and what it changes in the base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// `shot`, `character`, `prop`, `location`, `look`, `camera` or `sound`.
    pub kind: &'static str,
    pub name: String,
    pub action: ChangeAction,
    /// The name as the remix writes it.
    pub span: Span,
    /// The base's definition of the name (for an insert: of the anchor shot), when it has one.
    pub base: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeAction {
    Override,
    Insert(Place),
    Remove,
}

/// What the entry file changes in the film it extends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remix {
    /// The base film's entry file.
    pub base: Option<FileId>,
    /// Every shot of the remix by name, and where it comes from.
    pub shots: BTreeMap<String, ShotOrigin>,
    /// The base's shots the remix removes, in the order written.
    pub removed: Vec<String>,
    /// Every change the entry file writes, in the order written.
    pub changes: Vec<Change>,
}

impl Remix {
    /// The origin of a shot of the remix (a shot it does not know is inherited).
    pub fn origin(&self, shot: &str) -> ShotOrigin {
        self.shots
            .get(shot)
            .copied()
            .unwrap_or(ShotOrigin::Inherited)
    }

    /// The change the remix writes at `offset` of `file`, if any (for the language server).
    pub fn change_at(&self, file: FileId, offset: u32) -> Option<&Change> {
        self.changes
            .iter()
            .find(|c| c.span.file == file && c.span.start <= offset && offset <= c.span.end)
    }
}

// ---------------------------------------------------------------------------------------------
// Loading

impl Loader<'_> {
    /// Follows `film … extends PATH` from the entry file: loads each base with its imports, and
    /// stops at the first base that cannot be loaded or that closes a cycle.
    pub(crate) fn bases(&mut self, entry: FileId) -> Vec<Base> {
        let mut bases = Vec::new();
        let mut chain: Vec<(FileId, Option<Span>)> = vec![(entry, None)];
        while let Some(&(file, _)) = chain.last() {
            let Some(extends) = self
                .sources
                .ast(file)
                .and_then(film_of)
                .and_then(|film| film.extends.clone())
            else {
                break;
            };
            let Some(base) =
                self.file_import(file, &extends.value, extends.span, &chain, Reach::Extends)
            else {
                break;
            };
            bases.push(Base {
                remix: file,
                base,
                extends: extends.span,
            });
            let mut stack = vec![(base, Some(extends.span))];
            self.imports_of(&mut stack);
            chain.push((base, Some(extends.span)));
        }
        bases
    }

    /// E0805: `chain` runs from the film that is extended again to the remix extending it now.
    pub(crate) fn extends_cycle(
        &self,
        chain: &[(FileId, Option<Span>)],
        closing: Span,
    ) -> Diagnostic {
        let mut names: Vec<String> = chain.iter().map(|&(f, _)| self.name(f)).collect();
        if let Some(first) = names.first().cloned() {
            names.push(first);
        }
        let mut d = Diagnostic::new(
            codes::E0805,
            closing,
            format!("remix cycle: {}", names.join(" extends ")),
        )
        .with_label("this `extends` closes the cycle");
        for window in chain.windows(2) {
            if let (Some(span), (from, _)) = (window[1].1, window[0]) {
                d = d.with_related(
                    span,
                    format!("`{}` extends `{}`", self.name(from), self.name(window[1].0)),
                );
            }
        }
        d.with_help("a film cannot be its own base: remove one of these `extends`")
    }
}

fn film_of(file: &SourceFile) -> Option<&FilmDef> {
    file.items.iter().find_map(|item| match &item.kind {
        ItemKind::Film(film) => Some(film),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------------
// Applying

/// The program a remix means, and what it changes. `None` for the program when nothing is to
/// be rewritten (no `extends`, no stray remix items): the loaded trees are the program.
pub fn apply(
    sources: &Sources,
    entry: FileId,
    bases: &[Base],
    diags: &mut Vec<Diagnostic>,
) -> (Option<Sources>, Option<Remix>) {
    let remixes: BTreeSet<FileId> = bases.iter().map(|b| b.remix).collect();
    // A file whose film extends a base that could not be loaded is a remix all the same: its
    // changes are dropped without a word (the `extends` has its error).
    let extending: BTreeSet<FileId> = sources
        .ids()
        .filter(|&f| {
            sources
                .ast(f)
                .and_then(film_of)
                .is_some_and(|film| film.extends.is_some())
        })
        .collect();
    let stray = sources.ids().any(|f| {
        !remixes.contains(&f)
            && sources
                .ast(f)
                .is_some_and(|ast| ast.items.iter().any(is_change))
    });
    if bases.is_empty() && !stray {
        return (None, None);
    }
    let mut files: Vec<SourceFile> = sources
        .ids()
        .map(|f| {
            sources.ast(f).cloned().unwrap_or(SourceFile {
                file: f,
                items: Vec::new(),
                comments: Vec::new(),
            })
        })
        .collect();
    // Changes anywhere but in a remix file are reported (E0801) and dropped.
    for file in &mut files {
        if remixes.contains(&file.file) {
            continue;
        }
        if !extending.contains(&file.file) {
            let entry_film = (file.file == entry).then(|| film_of(file).map(|f| f.title.span));
            for item in file.items.iter().filter(|i| is_change(i)) {
                diags.push(not_a_remix(item, entry_film.flatten()));
            }
        }
        file.items.retain(|i| !is_change(i));
    }
    // Innermost first: a base that is itself a remix is applied before the remix of it.
    let mut remix = None;
    for link in bases.iter().rev() {
        let mut applier = Applier {
            files: &mut files,
            link: *link,
            sources,
            diags,
            changes: Vec::new(),
            touched: BTreeMap::new(),
            removed: Vec::new(),
            origins: BTreeMap::new(),
        };
        applier.run();
        if link.remix == entry {
            let Applier {
                changes,
                removed,
                origins,
                ..
            } = applier;
            let mut shots = BTreeMap::new();
            for name in shot_names(&files) {
                let origin = origins.get(&name).copied().unwrap_or(ShotOrigin::Inherited);
                shots.insert(name, origin);
            }
            remix = Some(Remix {
                base: Some(link.base),
                shots,
                removed: removed.into_iter().map(|(name, _)| name).collect(),
                changes,
            });
        }
    }
    let mut program = sources.clone();
    for file in files {
        program.set_ast(file.file, file);
    }
    (Some(program), remix)
}

fn is_change(item: &Item) -> bool {
    matches!(
        item.kind,
        ItemKind::Override(_) | ItemKind::Insert(_) | ItemKind::Remove(_)
    )
}

/// The keyword and name span of a change item (for messages).
fn change_head(item: &Item) -> (&'static str, Span) {
    match &item.kind {
        ItemKind::Override(o) => ("override", o.target.name().span),
        ItemKind::Insert(i) => ("insert", i.shot.name.span),
        ItemKind::Remove(r) => ("remove", r.name.span),
        _ => ("", item.span),
    }
}

/// E0801: `override`, `insert` or `remove` in a file that is not a remix.
fn not_a_remix(item: &Item, entry_film: Option<Span>) -> Diagnostic {
    let (keyword, _) = change_head(item);
    let head = Span::new(
        item.span.file,
        item.span.start as usize,
        (item.span.start as usize + keyword.len()).min(item.span.end as usize),
    );
    let mut d = Diagnostic::new(
        codes::E0801,
        head,
        format!("`{keyword}` changes a base film, and this file's film extends none"),
    )
    .with_label("not in a remix");
    if let Some(title) = entry_film {
        d = d
            .with_related(title, "this film extends no other film")
            .with_help("name the film it changes: `film \"…\" extends \"base.scene\" { … }`");
    } else {
        d = d.with_help(
            "only the entry file of a remix (`film \"…\" extends \"base.scene\" { … }`) may change its base film",
        );
    }
    d
}

fn shot_names(files: &[SourceFile]) -> Vec<String> {
    let mut names = Vec::new();
    for file in files {
        for item in &file.items {
            if let ItemKind::Scene(scene) = &item.kind {
                for si in &scene.items {
                    if let SceneItemKind::Shot(shot) = &si.kind {
                        names.push(shot.name.name.clone());
                    }
                }
            }
        }
    }
    names
}

/// Where a shot sits: file, item and scene item indices.
#[derive(Clone, Copy, Debug)]
struct ShotAt {
    file: usize,
    item: usize,
    index: usize,
}

struct Applier<'a> {
    files: &'a mut Vec<SourceFile>,
    link: Base,
    sources: &'a Sources,
    diags: &'a mut Vec<Diagnostic>,
    changes: Vec<Change>,
    /// The first change of each (kind, name), for E0806.
    touched: BTreeMap<(&'static str, String), Span>,
    /// Shots removed, with the `remove` item's span.
    removed: Vec<(String, Span)>,
    origins: BTreeMap<String, ShotOrigin>,
}

impl Applier<'_> {
    fn remix_index(&self) -> usize {
        self.link.remix.0 as usize
    }

    fn base_index(&self) -> usize {
        self.link.base.0 as usize
    }

    fn run(&mut self) {
        let base_film = self.merge_film();
        let remix = self.remix_index();
        let items: Vec<Item> = self.files[remix]
            .items
            .iter()
            .filter(|i| is_change(i))
            .cloned()
            .collect();
        self.files[remix].items.retain(|i| !is_change(i));
        for item in &items {
            match &item.kind {
                ItemKind::Override(o) => self.override_item(item, o, base_film),
                ItemKind::Insert(i) => self.insert(item, i, base_film),
                ItemKind::Remove(r) => self.remove(item, r, base_film),
                _ => {}
            }
        }
        self.broken_continues();
    }

    /// The remix's film block over the base's: its title, and each field it writes in place of
    /// the base's. The base's block leaves the program. Returns the base's header, which
    /// messages point at.
    fn merge_film(&mut self) -> Span {
        let base = self.base_index();
        let base_item = self.files[base]
            .items
            .iter()
            .position(|i| matches!(i.kind, ItemKind::Film(_)));
        let base_header = match base_item.map(|i| &self.files[base].items[i]) {
            Some(Item {
                kind: ItemKind::Film(film),
                span,
            }) => Span::new(span.file, span.start as usize, film.title.span.end as usize),
            _ => Span::new(self.link.base, 0, 0),
        };
        let base_fields = match base_item.map(|i| self.files[base].items.remove(i)) {
            Some(Item {
                kind: ItemKind::Film(film),
                ..
            }) => film.fields,
            _ => Vec::new(),
        };
        let remix = self.remix_index();
        if let Some(Item {
            kind: ItemKind::Film(film),
            ..
        }) = self.files[remix]
            .items
            .iter_mut()
            .find(|i| matches!(i.kind, ItemKind::Film(_)))
        {
            film.fields = merge_fields(base_fields, std::mem::take(&mut film.fields));
        }
        base_header
    }

    fn base_name(&self) -> String {
        crate::load::slash_path(self.sources.path(self.link.base))
    }

    /// E0806 when the (kind, name) was changed already; records it otherwise.
    fn first_change(&mut self, kind: &'static str, name: &scene_syntax::ast::Ident) -> bool {
        let key = (kind, name.name.clone());
        if let Some(&first) = self.touched.get(&key) {
            let mut d = Diagnostic::new(
                codes::E0806,
                name.span,
                format!("the remix changes {kind} `{}` twice", name.name),
            )
            .with_label("changed again here")
            .with_related(first, "first changed here");
            // The base's definition both changes are to, when the first one found it (an
            // inserted shot has none: its change's base is its anchor).
            if let Some(base) = self
                .changes
                .iter()
                .find(|c| c.kind == kind && c.name == name.name)
                .filter(|c| !matches!(c.action, ChangeAction::Insert(_)))
                .and_then(|c| c.base)
            {
                d = d.with_related(base, format!("the base's {kind} `{}`", name.name));
            }
            self.diags.push(d.with_help(
                "write one change per name: merge the two into one `override`, or drop one",
            ));
            return false;
        }
        self.touched.insert(key, name.span);
        true
    }

    fn override_item(&mut self, item: &Item, o: &Override, base_film: Span) {
        let name = o.target.name().clone();
        let kind = o.target.keyword();
        if !self.first_change(kind, &name) {
            return;
        }
        let found = match &o.target {
            OverrideTarget::Shot(shot) => match self.find_shot(&name.name) {
                Some(at) => {
                    let base_span = self.shot_name_span(at);
                    if let Some(ItemKind::Scene(scene)) = self
                        .files
                        .get_mut(at.file)
                        .and_then(|f| f.items.get_mut(at.item))
                        .map(|i| &mut i.kind)
                    {
                        scene.items[at.index] = SceneItem {
                            kind: SceneItemKind::Shot(shot.clone()),
                            span: o.span,
                        };
                    }
                    self.origins
                        .insert(name.name.clone(), ShotOrigin::Overridden);
                    Some(base_span)
                }
                None => None,
            },
            OverrideTarget::Sound(sound) => {
                let at =
                    self.find_item(|k| matches!(k, ItemKind::Sound(s) if s.name.name == name.name));
                at.map(|(f, i)| {
                    let target = &mut self.files[f].items[i];
                    let base_span = match &target.kind {
                        ItemKind::Sound(s) => s.name.span,
                        _ => target.span,
                    };
                    *target = Item {
                        kind: ItemKind::Sound(sound.clone()),
                        span: item.span,
                    };
                    base_span
                })
            }
            OverrideTarget::Character(def)
            | OverrideTarget::Prop(def)
            | OverrideTarget::Location(def)
            | OverrideTarget::Look(def)
            | OverrideTarget::Camera(def) => {
                let at = self.find_item(|k| {
                    block_of(k).is_some_and(|(kw, d)| kw == kind && d.name.name == name.name)
                });
                at.map(|(f, i)| {
                    let target = &mut self.files[f].items[i];
                    let base_span =
                        block_of(&target.kind).map_or(target.span, |(_, d)| d.name.span);
                    if let Some(base_def) = block_of_mut(&mut target.kind) {
                        let fields = std::mem::take(&mut base_def.fields);
                        base_def.fields = merge_fields(fields, def.fields.clone());
                    }
                    base_span
                })
            }
        };
        match found {
            Some(base) => self.changes.push(Change {
                kind,
                name: name.name.clone(),
                action: ChangeAction::Override,
                span: name.span,
                base: Some(base),
            }),
            None => {
                let candidates = self.names_of(kind);
                let d = self.lacks(E0802Args {
                    kind,
                    name: &name,
                    candidates: &candidates,
                    base_film,
                    verb: "override",
                });
                self.diags.push(d);
            }
        }
    }

    fn insert(&mut self, item: &Item, insert: &InsertShot, base_film: Span) {
        let name = &insert.shot.name;
        if !self.first_change("shot", name) {
            return;
        }
        let Some(at) = self.find_shot(&insert.anchor.name) else {
            let candidates = self.names_of("shot");
            let removed = self
                .removed
                .iter()
                .find(|(n, _)| *n == insert.anchor.name)
                .map(|&(_, span)| span);
            let mut d = Diagnostic::new(
                codes::E0803,
                insert.anchor.span,
                format!(
                    "cannot insert `{}` {} `{}`: the base film `{}` has no such shot",
                    name.name,
                    insert.place.node.word(),
                    insert.anchor.name,
                    self.base_name()
                ),
            )
            .with_label("no shot with this name in the base");
            if let Some(removed) = removed {
                d = d
                    .with_related(removed, "removed here")
                    .with_help("insert next to a shot the remix keeps");
            } else if let Some((near, near_span)) = self
                .nearest_def("shot", &insert.anchor.name)
                .filter(|(n, _)| candidates.contains(n))
            {
                d = d
                    .with_related(near_span, format!("the base's shot `{near}`"))
                    .with_help(format!("did you mean `{near}`?"))
                    .with_fix(insert.anchor.span, &near, format!("replace with `{near}`"));
            } else {
                d = d
                    .with_related(base_film, "the base film")
                    .with_help(format!(
                        "the base's shots are {}",
                        suggest::list(&candidates.iter().map(String::as_str).collect::<Vec<_>>())
                    ));
            }
            self.diags.push(d);
            return;
        };
        let base_span = self.shot_name_span(at);
        let new = SceneItem {
            kind: SceneItemKind::Shot(insert.shot.clone()),
            span: insert.block.as_ref().map_or(item.span, |b| b.span),
        };
        let (lead, trail) = self.written_transitions(insert, at);
        match insert.place.node {
            Place::After => self.insert_after(at, new, lead, trail),
            Place::Before => self.insert_before(at, new, lead, trail),
        }
        self.origins.insert(name.name.clone(), ShotOrigin::Inserted);
        self.changes.push(Change {
            kind: "shot",
            name: name.name.clone(),
            action: ChangeAction::Insert(insert.place.node),
            span: name.span,
            base: Some(base_span),
        });
    }

    /// The block form's transitions that may join the new shot: the side the base's transition
    /// stays on (above the shot for `after`, below it for `before`) is the base's, and a
    /// transition written there while the base writes one is refused (E0807) rather than
    /// replacing it. Below an `insert … after` the film's last shot, only a `fade to black`
    /// that the base does not write has a place (E0407 otherwise).
    fn written_transitions(
        &mut self,
        insert: &InsertShot,
        at: ShotAt,
    ) -> (Option<SceneItem>, Option<SceneItem>) {
        let Some(block) = &insert.block else {
            return (None, None);
        };
        let (mut lead, mut trail) = (block.lead.clone(), block.trail.clone());
        let place = insert.place.node;
        let (kept, base_t) = match place {
            Place::After => (&mut lead, self.base_transition_after(at)),
            Place::Before => (&mut trail, self.base_transition_before(at)),
        };
        if let (Some(written), Some(base_t)) = (kept.as_ref(), base_t) {
            let d = self.replaces_base_transition(insert, written.span, base_t, at);
            self.diags.push(d);
            *kept = None;
        }
        if place == Place::After && self.film_ends_at(at) {
            if let Some(t) = trail.take() {
                let closing = self.closing_fade(at);
                match (transition_kind(&t), closing) {
                    (Some(TransitionKind::FadeToBlack), None) => trail = Some(t),
                    (Some(TransitionKind::FadeToBlack), Some(closing)) => self.diags.push(
                        Diagnostic::new(
                            codes::E0807,
                            t.span,
                            format!(
                                "the base's `fade to black` already ends the film after `{}`",
                                insert.shot.name.name
                            ),
                        )
                        .with_label("would replace the base's ending")
                        .with_related(closing, "the base's ending, which stays the film's")
                        .with_help("remove this transition: the base's `fade to black` follows the new shot"),
                    ),
                    _ => self.diags.push(
                        Diagnostic::new(
                            codes::E0407,
                            t.span,
                            format!(
                                "`{}` is the film's last shot: no shot follows it to join",
                                insert.shot.name.name
                            ),
                        )
                        .with_label("misplaced transition")
                        .with_help("only `fade to black` may end a film; remove this transition"),
                    ),
                }
            }
        }
        (lead, trail)
    }

    /// E0807: a transition written where `insert` keeps the base's.
    fn replaces_base_transition(
        &self,
        insert: &InsertShot,
        written: Span,
        base_t: Span,
        at: ShotAt,
    ) -> Diagnostic {
        let name = &insert.shot.name.name;
        let anchor = &insert.anchor.name;
        let place = insert.place.node;
        let side = place.word();
        let text = self
            .sources
            .text(written.file)
            .get(written.range())
            .unwrap_or("TRANSITION");
        let help = match (place, self.neighbour_shot(at, place == Place::After)) {
            (Place::After, Some(next)) => format!(
                "to join `{anchor}` to `{name}` by this transition, write `insert before {next} {{ {text}; shot {name} … }}`: the base's transition then joins `{name}` to `{next}`"
            ),
            (Place::Before, Some(previous)) => format!(
                "to join `{name}` to `{anchor}` by this transition, write `insert after {previous} {{ shot {name} …; {text} }}`: the base's transition then joins `{previous}` to `{name}`"
            ),
            (_, None) => format!(
                "remove this transition: the base's transition {side} `{anchor}` joins it to `{name}`"
            ),
        };
        Diagnostic::new(
            codes::E0807,
            written,
            format!(
                "`insert … {side} {anchor}` keeps the base's transition {side} `{anchor}`; this one would replace it"
            ),
        )
        .with_label("would replace the base's transition")
        .with_related(
            base_t,
            match place {
                Place::After => format!(
                    "the base's transition after `{anchor}`, which now joins `{anchor}` to `{name}`"
                ),
                Place::Before => format!(
                    "the base's transition before `{anchor}`, which now joins `{name}` to `{anchor}`"
                ),
            },
        )
        .with_help(help)
    }

    /// `insert X after A`: the base's transition after A now joins A to X; X joins what
    /// followed A by a cut, or by the transition written below X. A closing `fade to black`
    /// stays the film's ending.
    fn insert_after(
        &mut self,
        at: ShotAt,
        new: SceneItem,
        lead: Option<SceneItem>,
        trail: Option<SceneItem>,
    ) {
        let last_in_scene = self.last_in_scene(at);
        // A last shot's transition to the next scene leads that scene; it moves to A → X.
        let carried = if last_in_scene {
            self.take_leading_transition(at)
        } else {
            None
        };
        // X → the next scene: the written transition leads that scene.
        let trail = match (trail, last_in_scene) {
            (Some(t), true) if !self.film_ends_at(at) => {
                self.lead_next_scene(at, t);
                None
            }
            (trail, _) => trail,
        };
        let Some(items) = self.scene_items_mut(at) else {
            return;
        };
        let mut pos = at.index + 1;
        if let Some(t) = carried {
            items.insert(pos, t);
            pos += 1;
        } else if items.get(pos).is_some_and(is_joining_transition) {
            pos += 1;
        } else if let Some(t) = lead {
            items.insert(pos, t);
            pos += 1;
        }
        items.insert(pos, new);
        if let Some(t) = trail {
            items.insert(pos + 1, t);
        }
    }

    /// `insert X before B`: the base's transition before B now joins X to B; what preceded B
    /// joins X by a cut, or by the transition written above X.
    fn insert_before(
        &mut self,
        at: ShotAt,
        new: SceneItem,
        lead: Option<SceneItem>,
        trail: Option<SceneItem>,
    ) {
        let Some(items) = self.scene_items_mut(at) else {
            return;
        };
        let mut pos = at.index;
        let kept = pos > 0 && is_joining_transition(&items[pos - 1]);
        if kept {
            pos -= 1;
        }
        if let Some(t) = lead {
            items.insert(pos, t);
            pos += 1;
        }
        items.insert(pos, new);
        if let (Some(t), false) = (trail, kept) {
            items.insert(pos + 1, t);
        }
    }

    fn last_in_scene(&self, at: ShotAt) -> bool {
        !self.scene_items(at)[at.index + 1..]
            .iter()
            .any(|i| matches!(i.kind, SceneItemKind::Shot(_)))
    }

    /// Whether the shot at `at` is the film's last.
    fn film_ends_at(&self, at: ShotAt) -> bool {
        self.last_in_scene(at) && self.neighbour_shot(at, true).is_none()
    }

    /// The `fade to black` after the shot at `at`, in its scene.
    fn closing_fade(&self, at: ShotAt) -> Option<Span> {
        self.scene_items(at)[at.index + 1..]
            .iter()
            .find(|i| transition_kind(i) == Some(TransitionKind::FadeToBlack))
            .map(|i| i.span)
    }

    /// The transition the base writes between the shot at `at` and the one after it.
    fn base_transition_after(&self, at: ShotAt) -> Option<Span> {
        let items = self.scene_items(at);
        if let Some(t) = items.get(at.index + 1).filter(|i| is_joining_transition(i)) {
            return Some(t.span);
        }
        if !self.last_in_scene(at) {
            return None;
        }
        let (file, next) = self.next_scene(at)?;
        let ItemKind::Scene(scene) = &self.files[file].items[next].kind else {
            return None;
        };
        scene
            .items
            .iter()
            .find(|i| !matches!(i.kind, SceneItemKind::Play(_) | SceneItemKind::Stop(_)))
            .filter(|i| is_joining_transition(i))
            .map(|i| i.span)
    }

    /// The transition the base writes between the shot before the one at `at` and it.
    fn base_transition_before(&self, at: ShotAt) -> Option<Span> {
        let items = self.scene_items(at);
        (at.index > 0 && is_joining_transition(&items[at.index - 1]))
            .then(|| items[at.index - 1].span)
    }

    /// Makes `t` the first item (after its `play`s and `stop`s) of the scene after the one at
    /// `at`.
    fn lead_next_scene(&mut self, at: ShotAt, t: SceneItem) {
        let Some((file, next)) = self.next_scene(at) else {
            return;
        };
        if let ItemKind::Scene(scene) = &mut self.files[file].items[next].kind {
            let first = scene
                .items
                .iter()
                .position(|i| !matches!(i.kind, SceneItemKind::Play(_) | SceneItemKind::Stop(_)))
                .unwrap_or(scene.items.len());
            scene.items.insert(first, t);
        }
    }

    /// The name of the shot that plays right after (`forward`) or right before the one at `at`.
    fn neighbour_shot(&self, at: ShotAt, forward: bool) -> Option<String> {
        let mut order = Vec::new();
        for (f, file) in self.files.iter().enumerate() {
            for (i, item) in file.items.iter().enumerate() {
                let ItemKind::Scene(scene) = &item.kind else {
                    continue;
                };
                for (index, si) in scene.items.iter().enumerate() {
                    if let SceneItemKind::Shot(shot) = &si.kind {
                        order.push(((f, i, index), shot.name.name.clone()));
                    }
                }
            }
        }
        let here = order
            .iter()
            .position(|(k, _)| *k == (at.file, at.item, at.index))?;
        let there = if forward {
            here.checked_add(1)?
        } else {
            here.checked_sub(1)?
        };
        order.get(there).map(|(_, name)| name.clone())
    }

    fn remove(&mut self, item: &Item, remove: &RemoveShot, base_film: Span) {
        let name = &remove.name;
        if !self.first_change("shot", name) {
            return;
        }
        let Some(at) = self.find_shot(&name.name) else {
            let candidates = self.names_of("shot");
            let d = self.lacks(E0802Args {
                kind: "shot",
                name,
                candidates: &candidates,
                base_film,
                verb: "remove",
            });
            self.diags.push(d);
            return;
        };
        let base_span = self.shot_name_span(at);
        let last_in_scene = {
            let items = self.scene_items(at);
            !items[at.index + 1..]
                .iter()
                .any(|i| matches!(i.kind, SceneItemKind::Shot(_)))
        };
        if last_in_scene {
            self.take_leading_transition(at);
        }
        let Some(items) = self.scene_items_mut(at) else {
            return;
        };
        items.remove(at.index);
        if items.get(at.index).is_some_and(is_joining_transition) {
            items.remove(at.index);
        }
        if at.index > 0 && is_joining_transition(&items[at.index - 1]) {
            items.remove(at.index - 1);
        }
        // A scene left without shots leaves the film with its sound.
        if !items
            .iter()
            .any(|i| matches!(i.kind, SceneItemKind::Shot(_)))
        {
            self.files[at.file].items.remove(at.item);
        }
        self.removed.push((name.name.clone(), item.span));
        self.origins.remove(&name.name);
        self.changes.push(Change {
            kind: "shot",
            name: name.name.clone(),
            action: ChangeAction::Remove,
            span: name.span,
            base: Some(base_span),
        });
    }

    /// E0804 for each `continues` that names a removed shot; the statement leaves the program
    /// (it would otherwise also be reported as an unknown shot).
    fn broken_continues(&mut self) {
        if self.removed.is_empty() {
            return;
        }
        let removed: BTreeMap<String, Span> = self.removed.iter().cloned().collect();
        let mut found = Vec::new();
        for file in self.files.iter_mut() {
            for item in &mut file.items {
                let ItemKind::Scene(scene) = &mut item.kind else {
                    continue;
                };
                for si in &mut scene.items {
                    let SceneItemKind::Shot(shot) = &mut si.kind else {
                        continue;
                    };
                    let shot_name = shot.name.name.clone();
                    shot.statements.retain(|st| {
                        let StatementKind::Continues(target) = &st.kind else {
                            return true;
                        };
                        match removed.get(&target.name) {
                            Some(&remove) => {
                                found.push((
                                    remove,
                                    st.span,
                                    shot_name.clone(),
                                    target.name.clone(),
                                ));
                                false
                            }
                            None => true,
                        }
                    });
                }
            }
        }
        for (remove, continues, shot, target) in found {
            self.diags.push(
                Diagnostic::new(
                    codes::E0804,
                    remove,
                    format!("removing shot `{target}` breaks `{shot}`, which continues from it"),
                )
                .with_label("removed here")
                .with_related(continues, format!("`{shot}` continues from `{target}`"))
                .with_help(format!(
                    "override `{shot}` without `continues {target}`, or keep `{target}`"
                )),
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // Finding things in the program

    /// The files a remix may change: every one but the remix itself.
    fn base_files(&self) -> impl Iterator<Item = usize> + '_ {
        let remix = self.remix_index();
        (0..self.files.len()).filter(move |&f| f != remix)
    }

    fn find_shot(&self, name: &str) -> Option<ShotAt> {
        for file in self.base_files() {
            for (i, item) in self.files[file].items.iter().enumerate() {
                let ItemKind::Scene(scene) = &item.kind else {
                    continue;
                };
                for (index, si) in scene.items.iter().enumerate() {
                    if matches!(&si.kind, SceneItemKind::Shot(s) if s.name.name == name) {
                        return Some(ShotAt {
                            file,
                            item: i,
                            index,
                        });
                    }
                }
            }
        }
        None
    }

    fn find_item(&self, matches: impl Fn(&ItemKind) -> bool) -> Option<(usize, usize)> {
        self.base_files().find_map(|f| {
            self.files[f]
                .items
                .iter()
                .position(|i| matches(&i.kind))
                .map(|i| (f, i))
        })
    }

    fn scene_items(&self, at: ShotAt) -> &[SceneItem] {
        match &self.files[at.file].items[at.item].kind {
            ItemKind::Scene(scene) => &scene.items,
            _ => &[],
        }
    }

    fn scene_items_mut(&mut self, at: ShotAt) -> Option<&mut Vec<SceneItem>> {
        match &mut self.files[at.file].items[at.item].kind {
            ItemKind::Scene(scene) => Some(&mut scene.items),
            _ => None,
        }
    }

    fn shot_name_span(&self, at: ShotAt) -> Span {
        match self.scene_items(at).get(at.index).map(|i| &i.kind) {
            Some(SceneItemKind::Shot(shot)) => shot.name.span,
            _ => Span::new(self.link.base, 0, 0),
        }
    }

    /// The transition that leads the scene after the one at `at` (joining its last shot to the
    /// next scene's first), taken out of that scene.
    fn take_leading_transition(&mut self, at: ShotAt) -> Option<SceneItem> {
        let (file, next) = self.next_scene(at)?;
        let ItemKind::Scene(scene) = &mut self.files[file].items[next].kind else {
            return None;
        };
        let first = scene
            .items
            .iter()
            .position(|i| !matches!(i.kind, SceneItemKind::Play(_) | SceneItemKind::Stop(_)))?;
        if is_joining_transition(&scene.items[first]) {
            Some(scene.items.remove(first))
        } else {
            None
        }
    }

    /// The scene that plays after the one at `at`: scenes play in the order written, file by
    /// file in load order.
    fn next_scene(&self, at: ShotAt) -> Option<(usize, usize)> {
        let mut seen = false;
        for (f, file) in self.files.iter().enumerate() {
            for (i, item) in file.items.iter().enumerate() {
                if !matches!(item.kind, ItemKind::Scene(_)) {
                    continue;
                }
                if seen {
                    return Some((f, i));
                }
                seen = f == at.file && i == at.item;
            }
        }
        None
    }

    /// The names of `kind` the base defines, for did-you-mean.
    fn names_of(&self, kind: &str) -> Vec<String> {
        self.defs_of(kind)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    /// The names of `kind` the base defines, each with the span of its name there.
    fn defs_of(&self, kind: &str) -> Vec<(String, Span)> {
        let mut names = Vec::new();
        for f in self.base_files() {
            for item in &self.files[f].items {
                match &item.kind {
                    ItemKind::Scene(scene) if kind == "shot" => {
                        for si in &scene.items {
                            if let SceneItemKind::Shot(s) = &si.kind {
                                names.push((s.name.name.clone(), s.name.span));
                            }
                        }
                    }
                    ItemKind::Sound(s) if kind == "sound" => {
                        names.push((s.name.name.clone(), s.name.span))
                    }
                    other => {
                        if let Some((kw, d)) = block_of(other) {
                            if kw == kind {
                                names.push((d.name.name.clone(), d.name.span));
                            }
                        }
                    }
                }
            }
        }
        names
    }

    /// The base's name nearest to `name` among its names of `kind`, with where the base
    /// defines it (a name the remix inserted is not the base's).
    fn nearest_def(&self, kind: &str, name: &str) -> Option<(String, Span)> {
        let defs: Vec<(String, Span)> = self
            .defs_of(kind)
            .into_iter()
            .filter(|(_, span)| span.file != self.link.remix)
            .collect();
        let near = suggest::nearest(name, defs.iter().map(|(n, _)| n.as_str()))?.to_string();
        defs.into_iter().find(|(n, _)| *n == near)
    }

    /// E0802: an `override` or `remove` of a name the base does not define.
    fn lacks(&self, args: E0802Args<'_>) -> Diagnostic {
        let E0802Args {
            kind,
            name,
            candidates,
            base_film,
            verb,
        } = args;
        let mut d = Diagnostic::new(
            codes::E0802,
            name.span,
            format!(
                "cannot {verb} {kind} `{}`: the base film `{}` does not define it",
                name.name,
                self.base_name()
            ),
        )
        .with_label(format!("no {kind} with this name in the base"));
        // Characters and props share one namespace: the name may be the other one, and then
        // the second label is that definition in the base.
        let other = match (verb, kind) {
            ("override", "character") => Some("prop"),
            ("override", "prop") => Some("character"),
            _ => None,
        };
        if let Some(other) = other {
            if let Some((_, span)) = self
                .defs_of(other)
                .into_iter()
                .find(|(n, span)| *n == name.name && span.file != self.link.remix)
            {
                return d
                    .with_related(span, format!("the base's {other} `{}`", name.name))
                    .with_help(format!(
                        "`{}` is a {other} in the base: write `{verb} {other} {}`",
                        name.name, name.name
                    ));
            }
        }
        // The second label is the base's nearest name when it has one; only a name with
        // nothing near it points at the base film as a whole.
        if let Some((near, near_span)) = self
            .nearest_def(kind, &name.name)
            .filter(|(n, _)| candidates.contains(n))
        {
            d = d
                .with_related(near_span, format!("the base's {kind} `{near}`"))
                .with_help(format!("did you mean `{near}`?"))
                .with_fix(name.span, &near, format!("replace with `{near}`"));
            return d;
        }
        d = d.with_related(base_film, "the base film");
        if verb == "override" && kind == "shot" {
            d = d.with_help(format!(
                "to add a shot, write `insert shot {} DURATION after SHOT {{ … }}`",
                name.name
            ));
        } else if verb == "override" {
            d = d.with_help(format!(
                "to add a {kind}, define it without `override`: `{kind} {} …`",
                name.name
            ));
        } else {
            d = d.with_help("only the base's shots can be removed");
        }
        d
    }
}

struct E0802Args<'a> {
    kind: &'static str,
    name: &'a scene_syntax::ast::Ident,
    candidates: &'a [String],
    base_film: Span,
    verb: &'static str,
}

fn transition_kind(item: &SceneItem) -> Option<TransitionKind> {
    match &item.kind {
        SceneItemKind::Transition(t) => Some(t.kind.node),
        _ => None,
    }
}

/// A transition that joins two shots (not the film's closing `fade to black`).
fn is_joining_transition(item: &SceneItem) -> bool {
    matches!(&item.kind, SceneItemKind::Transition(t) if t.kind.node != TransitionKind::FadeToBlack)
}

fn block_of(kind: &ItemKind) -> Option<(&'static str, &BlockDef)> {
    match kind {
        ItemKind::Character(d) => Some(("character", d)),
        ItemKind::Prop(d) => Some(("prop", d)),
        ItemKind::Location(d) => Some(("location", d)),
        ItemKind::Look(d) => Some(("look", d)),
        ItemKind::Camera(d) => Some(("camera", d)),
        _ => None,
    }
}

fn block_of_mut(kind: &mut ItemKind) -> Option<&mut BlockDef> {
    match kind {
        ItemKind::Character(d)
        | ItemKind::Prop(d)
        | ItemKind::Location(d)
        | ItemKind::Look(d)
        | ItemKind::Camera(d) => Some(d),
        _ => None,
    }
}

/// The remix's fields over the base's: a field the remix writes replaces the base's fields of
/// that key, in the place of the first (a `light` replaces only the base's light of its name);
/// the rest of the base's fields stay as they are.
fn merge_fields(base: Vec<Field>, remix: Vec<Field>) -> Vec<Field> {
    let mut out = base;
    for field in remix {
        let same = |f: &Field| {
            f.key.name == field.key.name
                && (field.key.name != "light" || light_name(f) == light_name(&field))
        };
        match out.iter().position(|f| same(f)) {
            Some(first) => {
                out[first] = field.clone();
                let mut i = first + 1;
                while i < out.len() {
                    if same(&out[i]) {
                        out.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
            None => out.push(field),
        }
    }
    out
}

fn light_name(field: &Field) -> Option<&str> {
    match field.values.first().map(|v| &v.kind) {
        Some(ValueKind::Ident(name)) => Some(name),
        _ => None,
    }
}
