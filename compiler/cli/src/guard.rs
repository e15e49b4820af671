//! Outputs never replace inputs.
//!
//! `scenec render film.scene -o film.scene` would otherwise rename an MP4 over the script, and
//! `-o refs/aiko.png` over an asset: every write is atomic, so nothing warns before the original
//! is gone. Before anything is written, each output path — the MP4 and the subtitle and
//! provenance files beside it, a storyboard, a report — is resolved the way the operating system
//! will resolve it and compared with every file the film depends on, the goldens of
//! `scenec verify`, and the shot cache.

use std::path::{Component, Path, PathBuf};

use scene_check::Checked;

use crate::codes;
use crate::exit::{coded_error, Outcome};

/// What an output path would replace.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Clash {
    Entry,
    /// An import, an asset or `scene.toml`.
    Input(PathBuf),
    Cache(PathBuf),
    Golden(PathBuf),
}

/// Refuses (E0901, exit 2) when writing any of `outputs` would replace an input of `checked`,
/// a file inside its shot cache `cache`, or a golden (a file of a directory holding
/// `golden.json`, or of its `shots/`, or of `extra_golden`).
pub fn outputs(
    checked: &Checked,
    cache: &Path,
    extra_golden: Option<&Path>,
    outputs: &[&Path],
) -> Result<(), Outcome> {
    for output in outputs {
        if let Some(clash) = clash(checked, cache, extra_golden, output) {
            let what = match &clash {
                Clash::Entry => "it is the film's entry file".to_string(),
                Clash::Input(path) => format!(
                    "it is {}, which the film reads",
                    shown(&checked.project_root, path)
                ),
                Clash::Cache(dir) => format!(
                    "it is inside the shot cache {}",
                    shown(&checked.project_root, dir)
                ),
                Clash::Golden(dir) => format!(
                    "it is inside the golden directory {}",
                    shown(&checked.project_root, dir)
                ),
            };
            return Err(coded_error(
                codes::E0901,
                format!("refusing to write {}: {what}", output.display()),
                Some("write the output somewhere else, for example `-o out/film.mp4`"),
            ));
        }
    }
    Ok(())
}

fn shown(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("`{}`", rel.display()),
        _ => format!("`{}`", path.display()),
    }
}

fn clash(
    checked: &Checked,
    cache: &Path,
    extra_golden: Option<&Path>,
    output: &Path,
) -> Option<Clash> {
    let target = resolve(output);
    let entry = checked
        .sources
        .get(scene_syntax::FileId(0))
        .and_then(|s| match &s.origin {
            scene_check::Origin::File(path) => Some(resolve(path)),
            scene_check::Origin::Std(_) => None,
        });
    if entry.as_deref() == Some(target.as_path()) {
        return Some(Clash::Entry);
    }
    for dependency in &checked.dependencies {
        if resolve(dependency) == target {
            return Some(Clash::Input(dependency.clone()));
        }
    }
    let cache = resolve(cache);
    if target.starts_with(&cache) {
        return Some(Clash::Cache(cache));
    }
    if let Some(golden) = extra_golden.map(resolve) {
        if target.starts_with(&golden) {
            return Some(Clash::Golden(golden));
        }
    }
    // A golden directory is known by its index: DIR/golden.json and DIR/shots/*.
    let parent = target.parent()?;
    for dir in [Some(parent), parent.parent()].into_iter().flatten() {
        if dir.join("golden.json").is_file() {
            return Some(Clash::Golden(dir.to_path_buf()));
        }
    }
    None
}

/// The path the operating system will write for `path`: its longest existing ancestor with
/// symlinks resolved, then the rest of it with `.` and `..` applied.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut rest: Vec<Component> = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(base) {
            let mut out = canonical;
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_applies_dot_dot_after_the_existing_ancestor() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(root.join("film.scene"), "").unwrap();
        assert_eq!(resolve(&root.join("film.scene")), root.join("film.scene"));
        assert_eq!(
            resolve(&root.join("new/../film.scene")),
            root.join("film.scene")
        );
        assert_eq!(resolve(&root.join("./a/b.mp4")), root.join("a/b.mp4"));
    }

    #[cfg(unix)]
    #[test]
    fn resolve_follows_a_symlinked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("refs")).unwrap();
        std::os::unix::fs::symlink(root.join("refs"), root.join("link")).unwrap();
        assert_eq!(
            resolve(&root.join("link/aiko.png")),
            root.join("refs/aiko.png")
        );
    }
}
