//! End-to-end tests of `scenec watch`: edits the way editors make them re-render only the
//! changed shots; files the film does not use trigger nothing; errors keep the last output.

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
        let mut child = common::scenec()
            .current_dir(p.dir.path())
            .args([
                "watch",
                "film.scene",
                "-o",
                "film.mp4",
                "--json",
                "--jobs",
                "1",
            ])
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
