//! What the check, fmt and schedule commands promise for any script, as functions a fuzzer
//! calls with each input: the deterministic fuzzer of the adversarial suite (fuzz.rs) and the
//! cargo-fuzz targets in compiler/cli/fuzz include this file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use scene_check::{check_entry, render, RealFs};
use scene_syntax::FileId;

/// A project with the assets the corpus names, into which each input is written as the entry.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// A project holding the assets of every example film (paths relative to `repo`).
    pub fn new(repo: &Path) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("scene.toml"), "").unwrap();
        // Every asset of every example film, under the same relative paths.
        for example in std::fs::read_dir(repo.join("examples")).unwrap().flatten() {
            if example.path().join("film.scene").is_file() {
                copy_tree(&example.path(), root);
            }
        }
        std::fs::create_dir_all(root.join("refs")).unwrap();
        // The corpus's own assets: a PNG and a WAV copied from the examples.
        let png = find(root, "png").expect("the examples have a PNG");
        std::fs::copy(&png, root.join("refs/face.png")).unwrap();
        std::fs::create_dir_all(root.join("audio")).unwrap();
        let wav = find(root, "wav").expect("the examples have a WAV");
        std::fs::copy(&wav, root.join("audio/bell.wav")).unwrap();
        std::fs::write(
            root.join("cast.scene"),
            "character kenji { description \"a man\" }\n",
        )
        .unwrap();
        Workspace { dir }
    }

    pub fn entry(&self, text: &str) -> PathBuf {
        let path = self.dir.path().join("fuzzed.scene");
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// The first file under `dir` (sorted) with extension `ext`.
fn find(dir: &Path, ext: &str) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in &entries {
        if path.is_file() && path.extension().is_some_and(|e| e == ext) {
            return Some(path.clone());
        }
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|d| find(d, ext))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else if entry.file_name() != "film.scene" && path.extension().is_some_and(|e| e != "md") {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// `scenec check`: the checker returns for any input, both renderers render it, the JSON is
/// JSON, and every span lies inside its file on character boundaries.
pub fn check(workspace: &Workspace, input: &str) {
    let entry = workspace.entry(input);
    let checked = check_entry(&entry, &RealFs);
    let _ = render::human(&checked, false);
    let json: serde_json::Value = serde_json::from_str(&render::json(&checked)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), checked.diagnostics.len());
    for d in &checked.diagnostics {
        let text = checked.sources.text(d.span.file);
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        assert!(start <= end && end <= text.len(), "{d:?} outside its file");
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        assert!(d.code.0.len() == 5, "{d:?}");
    }
}

/// `scenec fmt`: formatting never panics; what it formats parses cleanly and formats to itself.
pub fn fmt(input: &str) {
    if let Ok(once) = scene_syntax::format::format(input) {
        let parsed = scene_syntax::parse(FileId(0), &once);
        assert!(
            parsed.diagnostics.is_empty(),
            "formatted text has syntax errors: {:?}",
            parsed.diagnostics.first()
        );
        let twice = scene_syntax::format::format(&once).expect("formatted text formats");
        assert_eq!(once, twice, "the formatter is not idempotent");
    }
}

/// `scenec schedule`: a film that checks cleanly plans without panicking, every number in its
/// schedule is finite (JSON would show `null`), and the JSON round-trips.
pub fn schedule(workspace: &Workspace, input: &str) {
    let entry = workspace.entry(input);
    let checked = check_entry(&entry, &RealFs);
    if checked.has_errors() {
        return;
    }
    // Dialogue timed at reading speed: the properties are about the plan, and the fuzzer runs
    // far more inputs than eSpeak NG could speak.
    let speech = scene_voice::ReadingSpeed::new("the adversarial suite plans without an engine");
    let plan = scene_plan::plan(&checked.film, &speech);
    for shot in &plan.schedule.shots {
        let mut numbers: Vec<f64> = vec![shot.guidance, shot.strength];
        for pose in &shot.camera {
            numbers.extend(pose.position);
            numbers.extend([pose.yaw, pose.pitch, pose.roll, pose.focal_mm]);
        }
        for subject in &shot.subjects {
            for b in &subject.boxes {
                numbers.extend(b);
            }
        }
        numbers.extend(shot.conditioning.iter().map(|c| c.strength));
        numbers.extend(shot.audio.iter().map(|a| a.gain_db));
        numbers.extend(shot.prompt_weights.iter().flatten().map(|&w| f64::from(w)));
        assert!(
            numbers.iter().all(|n| n.is_finite()),
            "shot `{}` has a non-finite number",
            shot.name
        );
    }
    let json = serde_json::to_string(&plan.schedule).unwrap();
    let _: serde_json::Value = serde_json::from_str(&json).unwrap();
}
