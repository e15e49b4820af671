//! What ships with the repository keeps its word: every example and stdlib file is in the
//! formatter's canonical form, and the README's sample `scenec check` session is what the binary
//! prints.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, repo_root, scenec, stderr, stdout};

fn scene_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            scene_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "scene") {
            out.push(p);
        }
    }
}

/// `scenec fmt --check` over every `examples/**/*.scene` and `stdlib/*.scene`: a user who runs
/// the formatter on an example must not see it rewritten.
#[test]
fn every_shipped_scene_file_is_formatted() {
    let root = repo_root();
    let mut files = Vec::new();
    scene_files(&root.join("examples"), &mut files);
    scene_files(&root.join("stdlib"), &mut files);
    files.sort();
    assert!(
        files.len() >= 10,
        "expected the six examples, their cast files and the stdlib: {files:?}"
    );
    let out = scenec()
        .arg("fmt")
        .arg("--check")
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "not in canonical form:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The text of the first fenced block of language `lang` ("" for none) in `markdown` after the
/// line `after`.
fn fenced_block(markdown: &str, after: &str, lang: &str) -> String {
    let mut lines = markdown.lines().skip_while(|l| *l != after).skip(1);
    while let Some(line) = lines.by_ref().find(|l| l.starts_with("```")) {
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        if line[3..] == *lang {
            return body.iter().map(|l| format!("{l}\n")).collect();
        }
    }
    panic!("no ```{lang} block after `{after}`")
}

/// The README shows the film of "The language by example", misspells one name in it, and shows
/// what `scenec check` then prints. Run exactly that, in a project that has the film's cast file,
/// pictures and sounds (it is a short version of `examples/neon_rain`), and compare every
/// character. The film itself, as shown, checks clean.
#[test]
fn readme_sample_check_output_is_what_scenec_prints() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let film = fenced_block(&readme, "## The language by example", "scene");
    let session = fenced_block(&readme, "## The language by example", "");
    let (command, shown) = session
        .split_once('\n')
        .expect("a command line, then its output");
    assert_eq!(command, "$ scenec check film.scene");
    assert!(
        film.contains("aiko enters left"),
        "the README's film no longer has the line its sample misspells"
    );

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("examples/neon_rain"), dir.path());
    let check = |text: &str| {
        std::fs::write(dir.path().join("film.scene"), text).unwrap();
        scenec()
            .current_dir(dir.path())
            .args(["check", "film.scene"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };

    let clean = check(&film);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert_eq!(stderr(&clean), "", "the README's film has diagnostics");

    let misspelt = check(&film.replacen("aiko enters left", "aikko enters left", 1));
    assert_eq!(misspelt.status.code(), Some(1), "{}", stderr(&misspelt));
    assert_eq!(
        stderr(&misspelt),
        shown,
        "README.md's sample `scenec check` output differs from what scenec prints"
    );
}
