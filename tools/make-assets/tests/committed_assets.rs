//! The assets committed under `examples/` are exactly what `make-assets` produces: regenerating
//! them into an empty directory gives the same files, byte for byte, and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    let manifest = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).unwrap();
    manifest.parent().unwrap().parent().unwrap().to_path_buf()
}

/// Every file below `examples/*/{audio,refs,keyframes}/`, relative to `root`.
fn asset_files(root: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let examples = root.join("examples");
    for film in std::fs::read_dir(&examples).unwrap() {
        let film = film.unwrap().path();
        for dir in make_assets::ASSET_DIRS {
            let dir = film.join(dir);
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir).unwrap() {
                let path = file.unwrap().path();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                found.insert(rel);
            }
        }
    }
    found
}

#[test]
fn regenerated_assets_equal_the_committed_ones() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("examples")).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_make-assets"))
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "make-assets failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );

    let generated = asset_files(out.path());
    let committed = asset_files(&root);
    assert_eq!(generated.len(), make_assets::ASSETS.len());
    assert_eq!(
        generated, committed,
        "the committed asset set differs from the generated one; run `cargo run -p make-assets -- .`"
    );
    for rel in &generated {
        let fresh = std::fs::read(out.path().join(rel)).unwrap();
        let kept = std::fs::read(root.join(rel)).unwrap();
        assert!(
            fresh == kept,
            "{rel} differs from a fresh render; run `cargo run -p make-assets -- .`"
        );
    }
}

#[test]
fn assets_are_in_the_promised_formats_and_small() {
    let mut total = 0;
    for asset in make_assets::ASSETS {
        let bytes = asset.render().unwrap();
        total += bytes.len();
        if asset.path.ends_with(".wav") {
            assert_eq!(&bytes[0..4], b"RIFF", "{}", asset.path);
            assert_eq!(&bytes[8..16], b"WAVEfmt ", "{}", asset.path);
            let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
            let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
            assert_eq!(u16_at(20), 1, "PCM: {}", asset.path);
            assert_eq!(u16_at(22), 1, "mono: {}", asset.path);
            assert_eq!(u32_at(24), 22050, "{}", asset.path);
            assert_eq!(u16_at(34), 16, "16-bit: {}", asset.path);
            assert_eq!(u32_at(40) as usize, bytes.len() - 44, "{}", asset.path);
            // Not silent, not clipped flat.
            let peak = bytes[44..]
                .chunks(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]).unsigned_abs())
                .max()
                .unwrap();
            assert!(peak > 8000 && peak < 32767, "{} peak {peak}", asset.path);
        } else {
            assert!(asset.path.ends_with(".png"), "{}", asset.path);
            assert_eq!(&bytes[0..8], b"\x89PNG\r\n\x1a\n", "{}", asset.path);
            let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert!(
                width % 32 == 0 && height % 32 == 0,
                "{} is {width}x{height}",
                asset.path
            );
        }
    }
    assert!(total < 3_200_000, "assets total {total} bytes");
}

/// String literals in a `.scene` file that name an image or a sound file.
fn asset_literals(source: &str) -> Vec<String> {
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.ends_with(".png") || s.ends_with(".wav"))
        .map(str::to_string)
        .collect()
}

/// `examples/x/cast/../refs/a.png` → `examples/x/refs/a.png`.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn scene_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scene_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "scene") {
            out.push(path);
        }
    }
}

#[test]
fn the_examples_use_every_generated_asset_and_nothing_else() {
    let root = repo_root();
    let mut files = Vec::new();
    scene_files(&root.join("examples"), &mut files);
    assert!(
        files.len() >= 6,
        "expected the example films, found {files:?}"
    );
    let mut named = BTreeSet::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let dir = file.parent().unwrap().strip_prefix(&root).unwrap();
        for literal in asset_literals(&source) {
            named.insert(normalize(&dir.join(literal)));
        }
    }
    let generated: BTreeSet<String> = make_assets::ASSETS
        .iter()
        .map(|a| a.path.to_string())
        .collect();
    let missing: Vec<_> = named.difference(&generated).collect();
    let unused: Vec<_> = generated.difference(&named).collect();
    assert!(
        missing.is_empty(),
        "named by an example but not generated: {missing:?}"
    );
    assert!(
        unused.is_empty(),
        "generated but used by no example: {unused:?}"
    );
}
