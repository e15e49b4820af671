//! Finding the project root and loading the entry file with everything it imports.
//!
//! A file import is resolved relative to the importing file, confined to the project root twice:
//! lexically before anything is touched, and again after symlinks are resolved. A file outside the
//! root is never read.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use scene_syntax::ast::{Import, ItemKind};
use scene_syntax::{Diagnostic, FileId, Parse, Span};

use crate::codes;
use crate::limits::MAX_SCRIPT_BYTES;
use crate::sources::{Origin, Sources};
use crate::stdlib;
use crate::suggest;
use crate::vfs::FileKind;
use crate::{Parses, Vfs};

pub struct Loaded {
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
    pub dependencies: Vec<PathBuf>,
    pub project_root: PathBuf,
    /// Always `FileId(0)`; the entry file has an empty text when it could not be read.
    pub entry: FileId,
    /// For a remix (`film … extends PATH`): each remix file and the base it extends, the entry
    /// file's first (a base may itself be a remix).
    pub bases: Vec<crate::remix::Base>,
}

pub fn load(entry: &Path, vfs: &dyn Vfs, parses: &dyn Parses) -> Loaded {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut dependencies = Vec::new();

    let canonical = match vfs.canonicalize(entry) {
        Ok(c) => c,
        Err(e) => return unreadable_entry(entry, &ScriptError::Unreadable(e.to_string()), vfs),
    };
    let project_root = project_root(&canonical, vfs);
    if project_root.join("scene.toml") != canonical && vfs.exists(&project_root.join("scene.toml"))
    {
        dependencies.push(project_root.join("scene.toml"));
    }
    let text = match read_script(vfs, &canonical) {
        Ok(t) => t,
        Err(e) => return unreadable_entry(entry, &e, vfs),
    };
    dependencies.push(canonical.clone());
    let display = relative_to(&project_root, &canonical);
    let origin = Origin::File(canonical.clone());
    let entry_id = sources.push(origin.clone(), display, text);
    let parsed = parses.parse(entry_id, &origin, sources.text(entry_id));
    sources.set_parse(entry_id, take_diagnostics(parsed, &mut diagnostics));

    let mut loader = Loader {
        vfs,
        parses,
        root: project_root.clone(),
        sources,
        by_path: BTreeMap::from([(canonical, entry_id)]),
        std_modules: BTreeMap::new(),
        diagnostics,
        dependencies,
    };
    let mut stack = vec![(entry_id, None)];
    loader.imports_of(&mut stack);
    let bases = loader.bases(entry_id);

    Loaded {
        sources: loader.sources,
        diagnostics: loader.diagnostics,
        dependencies: loader.dependencies,
        project_root,
        entry: entry_id,
        bases,
    }
}

/// Moves a parse's diagnostics into `into`, and hands back the parse. A fresh parse is not
/// shared, so its diagnostics move and the tree stays without them (it is kept for its tree
/// only); a parse a cache shares is left whole and its diagnostics are copied.
fn take_diagnostics(mut parsed: Arc<Parse>, into: &mut Vec<Diagnostic>) -> Arc<Parse> {
    match Arc::get_mut(&mut parsed) {
        Some(parse) => into.append(&mut parse.diagnostics),
        None => into.extend(parsed.diagnostics.iter().cloned()),
    }
    parsed
}

/// Why a script file could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptError {
    /// Missing, unreadable or not UTF-8: the system's reason.
    Unreadable(String),
    /// A FIFO, device, socket or directory: never opened.
    NotRegular(FileKind),
    /// Over [`MAX_SCRIPT_BYTES`]: never read.
    TooLarge(u64),
}

impl ScriptError {
    /// The reason, to follow "cannot read `FILE`: ".
    pub fn reason(&self) -> String {
        match self {
            ScriptError::Unreadable(reason) => reason.clone(),
            ScriptError::NotRegular(kind) => {
                format!("it is {}, not a regular file", kind.describe())
            }
            ScriptError::TooLarge(len) => format!(
                "it is {}, and scripts are limited to {}",
                bytes(*len),
                limit(MAX_SCRIPT_BYTES)
            ),
        }
    }
}

/// A size as an exact count: "4,194,305 bytes" (rounded, it would read as the limit it is
/// over).
pub fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} bytes")
}

/// A limit, which is a whole number of mebibytes: "4 MiB".
pub fn limit(n: u64) -> String {
    format!("{} MiB", n >> 20)
}

/// The text of a script: what it is is asked first, without opening it, so a FIFO or a device
/// is refused rather than waited on, and a file over [`MAX_SCRIPT_BYTES`] is refused unread.
pub fn read_script(vfs: &dyn Vfs, path: &Path) -> Result<String, ScriptError> {
    let stat = vfs
        .stat(path)
        .map_err(|e| ScriptError::Unreadable(e.to_string()))?;
    if !stat.is_file() {
        return Err(ScriptError::NotRegular(stat.kind));
    }
    if stat.len > MAX_SCRIPT_BYTES {
        return Err(ScriptError::TooLarge(stat.len));
    }
    let text = vfs
        .read_to_string(path)
        .map_err(|e| ScriptError::Unreadable(e.to_string()))?;
    // An editor's unsaved text is not on disk: its length counts, not the file's.
    if text.len() as u64 > MAX_SCRIPT_BYTES {
        return Err(ScriptError::TooLarge(text.len() as u64));
    }
    Ok(text)
}

/// The diagnostic for an entry file that cannot be loaded, at the start of `file` (whose text
/// is empty). `shown` is the name the writer gave.
pub fn entry_diagnostic(file: FileId, shown: &Path, error: &ScriptError) -> Diagnostic {
    let code = match error {
        ScriptError::TooLarge(_) => codes::E0508,
        _ => codes::E0506,
    };
    let help = match error {
        ScriptError::TooLarge(_) => "split the film into files of its own (`import \"cast.scene\"`); each file has the limit",
        ScriptError::NotRegular(_) => "the entry file must be a regular `.scene` file, not a pipe, device or folder",
        ScriptError::Unreadable(_) => "check the path; the entry file is the `.scene` file holding the `film` block",
    };
    Diagnostic::new(
        code,
        Span::new(file, 0, 0),
        format!(
            "cannot read the entry file `{}`: {}",
            shown.display(),
            error.reason()
        ),
    )
    .with_help(help)
}

fn unreadable_entry(entry: &Path, error: &ScriptError, vfs: &dyn Vfs) -> Loaded {
    let mut sources = Sources::new();
    // Shown by file name: the full path is in the writer's own command line.
    let shown = entry
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| entry.to_path_buf());
    let id = sources.push(
        Origin::File(entry.to_path_buf()),
        shown.clone(),
        String::new(),
    );
    let dir = entry.parent().map(Path::to_path_buf).unwrap_or_default();
    let project_root = vfs.canonicalize(&dir).unwrap_or(dir);
    let diagnostic = entry_diagnostic(id, &shown, error);
    Loaded {
        sources,
        diagnostics: vec![diagnostic],
        dependencies: vec![entry.to_path_buf()],
        project_root,
        entry: id,
        bases: Vec::new(),
    }
}

/// The nearest ancestor of the entry file that holds a `scene.toml`, or the entry file's directory.
pub fn project_root(canonical_entry: &Path, vfs: &dyn Vfs) -> PathBuf {
    let dir = canonical_entry.parent().unwrap_or(Path::new("/"));
    dir.ancestors()
        .find(|d| vfs.exists(&d.join("scene.toml")))
        .unwrap_or(dir)
        .to_path_buf()
}

/// `path` relative to `root` with `/` separators, or the path itself when it is not inside.
pub fn relative_to(root: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(root) {
        Ok(rel) => PathBuf::from(slash_path(rel)),
        Err(_) => path.to_path_buf(),
    }
}

pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Resolves `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

pub(crate) struct Loader<'a> {
    vfs: &'a dyn Vfs,
    parses: &'a dyn Parses,
    root: PathBuf,
    pub(crate) sources: Sources,
    by_path: BTreeMap<PathBuf, FileId>,
    std_modules: BTreeMap<&'static str, FileId>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    dependencies: Vec<PathBuf>,
}

/// Why a file is loaded: imported, or extended by a remix (`film … extends PATH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    Import,
    Extends,
}

impl Reach {
    /// How messages name the file.
    fn noun(self) -> &'static str {
        match self {
            Reach::Import => "imported file",
            Reach::Extends => "base film",
        }
    }
}

impl Loader<'_> {
    /// Loads every import of the file on top of `stack`, depth first. Each stack entry is a file
    /// and the import that brought it in.
    pub(crate) fn imports_of(&mut self, stack: &mut Vec<(FileId, Option<Span>)>) {
        let Some(&(file, _)) = stack.last() else {
            return;
        };
        let imports: Vec<(Import, Span)> = self
            .sources
            .ast(file)
            .map(|ast| {
                ast.items
                    .iter()
                    .filter_map(|item| match &item.kind {
                        ItemKind::Import(import) => Some((import.clone(), item.span)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (import, span) in imports {
            match import {
                Import::Module(segments) => self.std_import(&segments, span),
                Import::File(lit) => {
                    if let Some(child) =
                        self.file_import(file, &lit.value, lit.span, stack, Reach::Import)
                    {
                        stack.push((child, Some(lit.span)));
                        self.imports_of(stack);
                        stack.pop();
                    }
                }
            }
        }
    }

    fn std_import(&mut self, segments: &[scene_syntax::ast::Ident], span: Span) {
        let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
        let module = match names.as_slice() {
            ["std", name] => stdlib::module(name),
            _ => None,
        };
        let Some(module) = module else {
            let written = names.join(".");
            let available: Vec<String> = stdlib::names().map(|n| format!("std.{n}")).collect();
            let mut d = Diagnostic::new(
                codes::E0504,
                span,
                format!("there is no standard module `{written}`"),
            )
            .with_label("unknown module");
            let candidates: Vec<&str> = available.iter().map(String::as_str).collect();
            let target = segments
                .first()
                .map(|s| s.span.join(segments[segments.len() - 1].span))
                .unwrap_or(span);
            if let Some(near) = suggest::nearest(&written, candidates.iter().copied()) {
                d = d.with_help(format!("did you mean `{near}`?")).with_fix(
                    target,
                    near,
                    format!("replace with `{near}`"),
                );
            } else {
                d = d.with_help(format!(
                    "the standard modules are {}",
                    suggest::list(&candidates)
                ));
            }
            self.diagnostics.push(d);
            return;
        };
        if self.std_modules.contains_key(module.name) {
            return;
        }
        let path = PathBuf::from(format!("std/{}.scene", module.name));
        let id = self
            .sources
            .push(Origin::Std(module.name), path, module.text.to_string());
        let parsed = self
            .parses
            .parse(id, &Origin::Std(module.name), module.text);
        self.sources
            .set_parse(id, take_diagnostics(parsed, &mut self.diagnostics));
        self.std_modules.insert(module.name, id);
    }

    /// Resolves, confines and loads one file import. Returns the new file's id when it was loaded
    /// now (its own imports are still to be followed).
    ///
    /// With [`Reach::Extends`] the file is a remix's base: it may have a `film` block, and when
    /// it was already loaded (and is not on `stack`, which would be a cycle) its id is returned.
    pub(crate) fn file_import(
        &mut self,
        from: FileId,
        written: &str,
        span: Span,
        stack: &[(FileId, Option<Span>)],
        reach: Reach,
    ) -> Option<FileId> {
        let base = match self.sources.origin(from) {
            Some(Origin::File(path)) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(codes::E0501, span, "a standard module cannot import a file")
                        .with_label("file import in a standard module"),
                );
                return None;
            }
        };
        let candidate = normalize(&base.join(written));
        if !candidate.starts_with(&self.root) {
            self.diagnostics.push(outside_root(span, written, false));
            return None;
        }
        self.dependencies.push(candidate.clone());
        let canonical = match self.vfs.canonicalize(&candidate) {
            Ok(c) => c,
            Err(_) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        codes::E0501,
                        span,
                        format!("cannot find the {} `{written}`", reach.noun()),
                    )
                    .with_label("not found")
                    .with_help(format!(
                        "{} relative to the {}; looked for `{}` in the project",
                        match reach {
                            Reach::Import => "imports are",
                            Reach::Extends => "a base film's path is",
                        },
                        match reach {
                            Reach::Import => "importing file",
                            Reach::Extends => "remix's file",
                        },
                        slash_path(&relative_to(&self.root, &candidate))
                    )),
                );
                return None;
            }
        };
        if !canonical.starts_with(&self.root) {
            self.diagnostics.push(outside_root(span, written, true));
            return None;
        }
        if let Some(&existing) = self.by_path.get(&canonical) {
            if let Some(k) = stack.iter().position(|&(f, _)| f == existing) {
                let cycle = match reach {
                    Reach::Import => self.cycle(&stack[k..], span),
                    Reach::Extends => self.extends_cycle(&stack[k..], span),
                };
                self.diagnostics.push(cycle);
                return None;
            }
            return (reach == Reach::Extends).then_some(existing);
        }
        let text = match read_script(self.vfs, &canonical) {
            Ok(t) => t,
            Err(e) => {
                let (code, label, help) = match &e {
                    ScriptError::Unreadable(_) => (codes::E0501, "unreadable", None),
                    ScriptError::NotRegular(_) => (
                        codes::E0507,
                        "not a regular file; not opened",
                        Some("import a regular `.scene` file"),
                    ),
                    ScriptError::TooLarge(_) => (
                        codes::E0508,
                        "too large; not read",
                        Some("split it into smaller files, each imported on its own"),
                    ),
                };
                let mut d = Diagnostic::new(
                    code,
                    span,
                    format!(
                        "cannot read the {} `{written}`: {}",
                        reach.noun(),
                        e.reason()
                    ),
                )
                .with_label(label);
                if let Some(help) = help {
                    d = d.with_help(help);
                }
                self.diagnostics.push(d);
                return None;
            }
        };
        self.dependencies.push(canonical.clone());
        let display = relative_to(&self.root, &canonical);
        let origin = Origin::File(canonical.clone());
        let id = self.sources.push(origin.clone(), display, text);
        let parsed = self.parses.parse(id, &origin, self.sources.text(id));
        let parsed = take_diagnostics(parsed, &mut self.diagnostics);
        for item in parsed.file.items.iter().filter(|_| reach == Reach::Import) {
            if let ItemKind::Film(film) = &item.kind {
                let header = Span::new(id, item.span.start as usize, film.title.span.end as usize);
                self.diagnostics.push(
                    Diagnostic::new(codes::E0505, header, format!("the imported file `{written}` has a `film` block"))
                        .with_label("only the entry file may have a `film` block")
                        .with_related(span, "imported here")
                        .with_help("move the `film` block into the entry file, or compile this file on its own"),
                );
            }
        }
        self.sources.set_parse(id, parsed);
        self.by_path.insert(canonical, id);
        Some(id)
    }

    /// `chain` runs from the file that is imported again to the file importing it now.
    fn cycle(&self, chain: &[(FileId, Option<Span>)], closing: Span) -> Diagnostic {
        let mut names: Vec<String> = chain.iter().map(|&(f, _)| self.name(f)).collect();
        if let Some(first) = names.first().cloned() {
            names.push(first);
        }
        let mut d = Diagnostic::new(
            codes::E0503,
            closing,
            format!("import cycle: {}", names.join(" → ")),
        )
        .with_label("this import closes the cycle");
        for window in chain.windows(2) {
            if let (Some(span), (from, _)) = (window[1].1, window[0]) {
                d = d.with_related(
                    span,
                    format!("`{}` imports `{}`", self.name(from), self.name(window[1].0)),
                );
            }
        }
        d.with_help("remove one of these imports; definitions are shared by the whole film, so a file only needs to be imported once")
    }

    pub(crate) fn name(&self, file: FileId) -> String {
        slash_path(self.sources.path(file))
    }
}

fn outside_root(span: Span, written: &str, through_symlink: bool) -> Diagnostic {
    let how = if through_symlink {
        " (through a symlink)"
    } else {
        ""
    };
    Diagnostic::new(codes::E0502, span, format!("`{written}` resolves outside the project root{how}"))
        .with_label("outside the project root")
        .with_help(
            "files a film uses must be inside its project root (the folder holding `scene.toml`, or the entry file's folder); copy the file into it",
        )
}
