//! Item 9: SIGTERM and `kill -9` left `out.mp4.tmp-PID` and the sidecars' temporary files
//! behind until the next render to the same name. SIGTERM now stops a render the way Ctrl-C
//! does, cleaning up; after a `kill -9`, the next render into the same folder removes the
//! temporary files of processes that no longer exist, whatever output they were for.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{scenec, Project, SMALL_FILM};

/// A film long enough to be interrupted: a few seconds of previz.
fn long_project() -> Project {
    let p = Project::new();
    p.write(
        "film.scene",
        &SMALL_FILM
            .replace("shot first 1s", "shot first 30s")
            .replace("shot third 1s", "shot third 30s"),
    );
    p.write_bytes("bell.wav", &crate::common::wav_sine(0.4, 880.0));
    p
}

fn temps(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    names.sort();
    names
}

/// Starts a render and waits (up to five minutes) until its temporary MP4 exists.
fn start_render(p: &Project, output: &str) -> Child {
    let child = scenec()
        .current_dir(p.dir.path())
        .args(["render", "film.scene", "-o", output])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let temp = p.path(&format!("{output}.tmp-{}", child.id()));
    let started = Instant::now();
    while !temp.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the render never started writing {}",
            temp.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait(mut child: Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("the render did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_stops_a_render_and_leaves_no_temporary_file() {
    let p = long_project();
    let child = start_render(&p, "out.mp4");
    signal(&child, "TERM");
    let status = wait(child);
    assert!(!status.success());
    // Stopped by its own handler (an exit code), not killed by the signal.
    assert!(status.code().is_some(), "{status:?}");
    assert_eq!(temps(p.dir.path()), Vec::<String>::new());
    assert!(!p.path("out.mp4").exists());
}

#[test]
fn the_next_render_into_the_folder_removes_what_kill_9_left() {
    let p = long_project();
    let child = start_render(&p, "first.mp4");
    let pid = child.id();
    signal(&child, "KILL");
    wait(child);
    let left = temps(p.dir.path());
    assert!(
        left.contains(&format!("first.mp4.tmp-{pid}")),
        "a killed render leaves its temporary file: {left:?}"
    );
    // Someone else's file that merely looks like a temporary one is not touched.
    p.write(&format!("notes.txt.tmp-{pid}"), "mine");
    // A render of another name, into the same folder, of a short film.
    p.write("film.scene", SMALL_FILM);
    let out = scenec()
        .current_dir(p.dir.path())
        .args(["render", "film.scene", "-o", "second.mp4"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(temps(p.dir.path()), [format!("notes.txt.tmp-{pid}")]);
}
