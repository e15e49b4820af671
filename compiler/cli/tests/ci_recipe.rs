//! End-to-end test of the CI recipe in `examples/ci/`: `verify-films.sh` finds every film of a
//! repository, blesses and verifies each with the real `scenec`, keeps going past a failing film,
//! and exits with the worst status.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{repo_root, wav_sine, SMALL_FILM};

fn script() -> PathBuf {
    repo_root().join("examples/ci/verify-films.sh")
}

fn run(root: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(script())
        .args(args)
        .arg(root)
        .env("SCENEC", env!("CARGO_BIN_EXE_scenec"))
        .env("SCENEC_REPORTS", root.join("reports"))
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run verify-films.sh")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A repository with two film projects, a cast file that is not a film, and a film-looking
/// script outside any project.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for project in ["films/alpha", "films/beta"] {
        let p = dir.path().join(project);
        write(&p.join("scene.toml"), b"");
        write(&p.join("film.scene"), SMALL_FILM.as_bytes());
        write(&p.join("bell.wav"), &wav_sine(0.4, 880.0));
    }
    write(
        &dir.path().join("films/beta/cast/extra.scene"),
        b"character extra { description \"a passer-by\" }\n",
    );
    write(
        &dir.path().join("scratch/loose.scene"),
        b"film \"Not in a project\" {\n    size 64x64\n}\n",
    );
    dir
}

#[test]
fn the_recipe_blesses_and_verifies_every_film_and_names_each_regression() {
    let repo = repository();
    let root = repo.path();

    let out = run(root, &["--bless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for film in ["alpha", "beta"] {
        assert!(
            root.join(format!("films/{film}/goldens/film/golden.json"))
                .is_file(),
            "{film} not blessed:\n{}",
            text(&out)
        );
    }
    assert!(!root.join("scratch/goldens").exists(), "{}", text(&out));
    assert!(!text(&out).contains("extra.scene"), "{}", text(&out));

    let out = run(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let log = text(&out);
    assert!(log.contains("films/alpha/film.scene: ok"), "{log}");
    assert!(log.contains("films/beta/film.scene: ok"), "{log}");
    assert!(!root.join("reports/films__alpha__film.html").exists());

    // One word of one prompt in one film: exactly that film regresses, with a report.
    let beta = root.join("films/beta/film.scene");
    let src = std::fs::read_to_string(&beta).unwrap();
    std::fs::write(&beta, src.replace("the yard is empty", "the yard is quiet")).unwrap();
    let out = run(root, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let log = text(&out);
    assert!(log.contains("films/alpha/film.scene: ok"), "{log}");
    assert!(log.contains("films/beta/film.scene: REGRESSED"), "{log}");
    assert!(log.contains("REGRESSED third"), "{log}");
    let report = std::fs::read_to_string(root.join("reports/films__beta__film.html"))
        .expect("a report for the regressed film");
    assert!(
        report.contains("the yard is quiet"),
        "report lacks the new text"
    );
    assert!(!root.join("reports/films__alpha__film.html").exists());

    // A film without goldens is a tool failure (2), which outranks a regression, and the other
    // film is still verified.
    std::fs::remove_dir_all(root.join("films/alpha/goldens")).unwrap();
    let out = run(root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let log = text(&out);
    assert!(log.contains("films/alpha/film.scene: FAILED"), "{log}");
    assert!(log.contains("films/beta/film.scene: REGRESSED"), "{log}");
}

#[test]
fn the_recipe_fails_clearly_without_scenec_or_without_films() {
    let repo = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(script())
        .arg(repo.path())
        .env("SCENEC", "/nonexistent/scenec")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("not found"), "{}", text(&out));

    let out = run(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("no films"), "{}", text(&out));
}

/// The workflow runs the script under the path its README tells users to copy it to, and the
/// cache it restores is the one scenec writes.
#[test]
fn the_workflow_matches_the_script_and_the_cache_layout() {
    let workflow =
        std::fs::read_to_string(repo_root().join("examples/ci/scenec-verify.yml")).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("examples/ci/README.md")).unwrap();
    assert!(workflow.contains("run: bash ci/verify-films.sh"));
    assert!(readme.contains("`ci/verify-films.sh`"));
    assert!(workflow.contains("path: \"**/.scene-cache\""));
    assert!(workflow.contains("scenec cache gc"));
    assert!(
        workflow.lines().all(|l| !l.contains('\t')),
        "YAML forbids tabs"
    );
}
