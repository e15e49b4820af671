//! The scratch voices the server times dialogue with: one per project, kept for the session so
//! that re-planning after an edit only speaks the lines that changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use scene_voice::Voices;

/// The project's voices, with its `.scene-cache/voices/` on disk; eSpeak NG is probed once per
/// project, and its absence is the reading-speed fallback, not an error.
pub fn voices(project_root: &Path) -> Arc<Voices> {
    static ALL: OnceLock<Mutex<BTreeMap<PathBuf, Arc<Voices>>>> = OnceLock::new();
    let all = ALL.get_or_init(|| Mutex::new(BTreeMap::new()));
    // A poisoned map still holds whole entries.
    let mut all = all.lock().unwrap_or_else(|p| p.into_inner());
    all.entry(project_root.to_path_buf())
        .or_insert_with(|| {
            let cache = project_root
                .join(".scene-cache")
                .join(scene_voice::CACHE_DIR);
            Arc::new(Voices::open(Some(cache)))
        })
        .clone()
}
