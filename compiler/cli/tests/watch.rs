//! End-to-end tests of `scenec watch`: edits the way editors make them re-render only the
//! changed shots; files the film does not use trigger nothing; errors keep the last output; an
//! entry file that disappears for a moment is picked up again when it comes back.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::small_project;

struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    fn start(p: &common::Project) -> Watch {
        Watch::start_with(p, "film.scene")
    }

    /// `scenec watch ENTRY`, started in the project's directory.
    fn start_with(p: &common::Project, entry: &str) -> Watch {
        let mut child = common::scenec()
            .current_dir(p.dir.path())
            .args(["watch", entry, "-o", "film.mp4", "--json", "--jobs", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch { child, lines: rx }
    }

    fn next(&self, within: Duration) -> Option<serde_json::Value> {
        let line = self.lines.recv_timeout(within).ok()?;
        Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn names(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Replace a file the way many editors save: write a temporary file, then rename it over.
fn save_by_rename(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension("scene.swp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn watch_rerenders_changed_shots_and_ignores_unrelated_files() {
    let p = small_project();
    let w = Watch::start(&p);
    let first = w.next(Duration::from_secs(120)).expect("initial render");
    assert_eq!(names(&first, "rendered"), ["first", "second", "third"]);

    // A file the film does not use: no cycle.
    p.write("notes.txt", "unrelated");
    assert!(
        w.next(Duration::from_millis(1500)).is_none(),
        "an unrelated file triggered a render"
    );

    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    save_by_rename(
        &p.path("film.scene"),
        &src.replace("the yard is empty", "the yard is quiet"),
    );
    let second = w
        .next(Duration::from_secs(120))
        .expect("re-render after save");
    assert_eq!(names(&second, "rendered"), ["third"]);
    assert_eq!(names(&second, "reused"), ["first", "second"]);

    // An error keeps the last good output.
    let before = std::fs::read(p.path("film.mp4")).unwrap();
    std::fs::write(
        p.path("film.scene"),
        src.replace("camera wide, pan right 20deg", "camera wide, pan right 20s"),
    )
    .unwrap();
    let third = w
        .next(Duration::from_secs(60))
        .expect("a cycle reporting errors");
    assert!(third["errors"].as_u64().unwrap_or(0) >= 1, "{third}");
    assert!(
        std::fs::read(p.path("film.mp4")).unwrap() == before,
        "an error cycle changed the output"
    );

    // Back to the good script: a clean cycle again.
    std::fs::write(p.path("film.scene"), &src).unwrap();
    let fourth = w.next(Duration::from_secs(120)).expect("recovered");
    assert!(fourth["errors"].is_null(), "{fourth}");

    // An asset the film uses is watched too: a new sound re-encodes the film.
    p.write_bytes("bell.wav", &common::wav_sine(0.3, 440.0));
    let fifth = w
        .next(Duration::from_secs(120))
        .expect("a cycle after the asset changed");
    assert!(
        names(&fifth, "rendered").is_empty(),
        "pictures do not depend on the sound: {fifth}"
    );
}

/// The entry file is deleted and written again (as some editors save): the deletion is one cycle
/// reporting the unreadable entry, the file coming back is a clean cycle that reuses every shot,
/// and watching goes on: the next edit re-renders the shot it changed.
fn entry_that_disappears_for_a_moment_is_watched_again(entry: impl Fn(&common::Project) -> String) {
    let p = small_project();
    let w = Watch::start_with(&p, &entry(&p));
    let first = w.next(Duration::from_secs(120)).expect("initial render");
    assert_eq!(names(&first, "rendered"), ["first", "second", "third"]);
    let before = std::fs::read(p.path("film.mp4")).unwrap();

    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    std::fs::remove_file(p.path("film.scene")).unwrap();
    let gone = w
        .next(Duration::from_secs(60))
        .expect("a cycle reporting the missing entry file");
    assert!(gone["errors"].as_u64().unwrap_or(0) >= 1, "{gone}");
    assert!(
        std::fs::read(p.path("film.mp4")).unwrap() == before,
        "a cycle without a script changed the output"
    );

    std::fs::write(p.path("film.scene"), &src).unwrap();
    let back = w
        .next(Duration::from_secs(120))
        .expect("a cycle after the entry file came back");
    assert!(back["errors"].is_null(), "{back}");
    assert!(names(&back, "rendered").is_empty(), "{back}");
    assert_eq!(names(&back, "reused"), ["first", "second", "third"]);

    std::fs::write(
        p.path("film.scene"),
        src.replace("the yard is empty", "the yard is quiet"),
    )
    .unwrap();
    let edited = w
        .next(Duration::from_secs(120))
        .expect("a re-render after the next edit");
    assert_eq!(names(&edited, "rendered"), ["third"]);
    assert_eq!(names(&edited, "reused"), ["first", "second"]);
}

#[test]
fn relative_entry_path_survives_delete_and_recreate() {
    entry_that_disappears_for_a_moment_is_watched_again(|_| "film.scene".to_string());
}

#[test]
fn absolute_entry_path_survives_delete_and_recreate() {
    entry_that_disappears_for_a_moment_is_watched_again(|p| {
        p.path("film.scene").display().to_string()
    });
}
