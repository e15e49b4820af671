//! The editor set-up guide (`lsp/editors/README.md`) and the VS Code package say what is true of
//! the server they describe.

use std::path::{Path, PathBuf};

fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors")
}

fn guide() -> String {
    std::fs::read_to_string(editors().join("README.md")).unwrap()
}

/// Every `cargo install` the guide shows builds with the repository's `Cargo.lock`.
#[test]
fn every_cargo_install_is_locked() {
    let guide = guide();
    let installs: Vec<&str> = guide
        .lines()
        .filter(|l| l.trim_start().starts_with("cargo install"))
        .collect();
    assert!(
        !installs.is_empty(),
        "the guide no longer installs scene-lsp"
    );
    for line in installs {
        assert!(line.contains("--locked"), "not locked: {line}");
    }
}

/// The size above which the server stops analysing a file is stated, in MiB, as the server
/// applies it.
#[test]
fn the_file_size_limit_is_documented_as_applied() {
    let limit = scene_lsp::analysis::project::MAX_FILE_BYTES;
    assert_eq!(limit % (1024 * 1024), 0, "the guide states whole MiB");
    let stated = format!("larger than {} MiB are not analysed", limit / (1024 * 1024));
    let guide = guide().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(guide.contains(&stated), "the guide does not say `{stated}`");
}

/// Helix is not in Debian 12's archive; the Helix section says where to get it instead.
#[test]
fn the_helix_section_says_debian_12_does_not_package_it() {
    let guide = guide();
    let helix = guide
        .split("\n## ")
        .find(|s| s.starts_with("Helix"))
        .expect("a Helix section");
    assert!(
        helix.contains("Debian 12 does not package Helix"),
        "{helix}"
    );
    assert!(helix.contains("github.com/helix-editor/helix/releases"));
}

/// The VS Code package carries the workspace's licence, whose name its manifest gives.
#[test]
fn the_vscode_package_has_the_workspace_licence() {
    let dir = editors().join("vscode");
    let license = std::fs::read_to_string(dir.join("LICENSE")).expect("vscode/LICENSE");
    assert!(license.contains("Apache License"), "not the Apache licence");
    assert!(license.contains("Version 2.0, January 2004"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert_eq!(manifest["license"], "Apache-2.0");
    let workspace =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
            .unwrap();
    assert!(workspace.contains("license = \"Apache-2.0\""));
    // `vsce package` takes every file not ignored; the licence must not be.
    let ignored = std::fs::read_to_string(dir.join(".vscodeignore")).unwrap_or_default();
    assert!(
        !ignored.lines().any(|l| l.trim() == "LICENSE"),
        ".vscodeignore leaves the licence out of the package"
    );
}
