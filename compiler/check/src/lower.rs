//! Lowering a loaded program into the typed [`Film`]: the order the passes run in. The film
//! block comes first because it sets the fps every time converts at; definitions come before
//! scenes because shots resolve names into the definitions' tables.

use std::path::{Path, PathBuf};

use scene_syntax::{Diagnostic, FileId};

use crate::context::Cx;
use crate::film::Film;
use crate::sources::Sources;
use crate::{defs, scene, Vfs};

pub struct Lowered {
    pub film: Film,
    pub diagnostics: Vec<Diagnostic>,
    pub dependencies: Vec<PathBuf>,
}

pub fn lower(sources: &Sources, root: &Path, entry: FileId, vfs: &dyn Vfs) -> Lowered {
    let mut cx = Cx::new(sources, root, entry, vfs);
    let mut film = defs::film(&mut cx);
    defs::definitions(&mut cx, &mut film);
    scene::scenes(&mut cx, &mut film);
    Lowered {
        film,
        diagnostics: cx.diags,
        dependencies: cx.assets.dependencies,
    }
}
