//! Items 8 and 11 at the command line: the shot cache follows no links, `cache gc` deletes
//! nothing in a folder that is not a cache (E0904) nor while a render holds the cache (E0905),
//! a render survives `gc` run over and over beside it, and a read-only cache that holds every
//! shot still renders. (The store's own cases are in compiler/render/tests/cache_store.rs.)

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{scenec, small_project, stderr, Project, SMALL_FILM};
use crate::harness::{file_hash, Inputs};

fn entries(p: &Project) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(p.path(".scene-cache/shots"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "shot"))
        .collect();
    out.sort();
    out
}

fn render(p: &Project) -> std::process::Output {
    p.run(&["render", "film.scene", "-o", "film.mp4"])
}

#[test]
fn gc_on_a_folder_that_is_not_a_cache_deletes_nothing() {
    let p = Project::new();
    p.write("photos/shots/holiday.shot", "not a cache entry");
    p.write("photos/notes.txt", "mine");
    let before = Inputs::of(&p.path("photos"));
    let out = p.run(&["cache", "gc", "photos", "--max-size", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[E0904]"), "{}", stderr(&out));
    assert!(stderr(&out).contains("CACHEDIR.TAG"), "{}", stderr(&out));
    let out = p.run(&["cache", "stats", "photos"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("E0904"), "{}", stderr(&out));
    assert_eq!(Inputs::of(&p.path("photos")), before);
    assert!(
        !p.path("photos/CACHEDIR.TAG").exists(),
        "gc must not make a folder a cache"
    );

    // A forged tag is not enough when `shots/` leads out of the folder.
    p.write("victim/keep.shot", "precious");
    std::fs::create_dir_all(p.path("fake")).unwrap();
    p.write(
        "fake/CACHEDIR.TAG",
        "Signature: 8a477f597d28d172789f06886806bc55\n",
    );
    std::os::unix::fs::symlink(p.path("victim"), p.path("fake/shots")).unwrap();
    let out = p.run(&["cache", "gc", "fake", "--max-size", "0"]);
    assert!(stderr(&out).contains("error[E0904]"), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert!(p.path("victim/keep.shot").exists());
}

#[test]
fn gc_while_a_render_holds_the_cache_is_e0905_and_removes_nothing() {
    let p = small_project();
    assert!(render(&p).status.success());
    let kept = entries(&p);
    assert!(!kept.is_empty());
    // What a render holds: a shared lock on the cache's tag.
    let tag = File::open(p.path(".scene-cache/CACHEDIR.TAG")).unwrap();
    tag.lock_shared().unwrap();
    let out = p.run(&["cache", "gc", "film.scene", "--max-size", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[E0905]"), "{}", stderr(&out));
    assert_eq!(entries(&p), kept);
    drop(tag);
    let out = p.run(&["cache", "gc", "film.scene", "--max-size", "0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(entries(&p).is_empty());
}

#[test]
fn a_render_survives_gc_to_zero_run_beside_it() {
    let p = Project::new();
    p.write(
        "film.scene",
        &SMALL_FILM
            .replace("shot first 1s", "shot first 12s")
            .replace("shot third 1s", "shot third 12s"),
    );
    p.write_bytes("bell.wav", &crate::common::wav_sine(0.4, 880.0));
    let mut child = scenec()
        .current_dir(p.dir.path())
        .args(["render", "film.scene", "-o", "film.mp4"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut refused = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the render did not finish"
        );
        let out = p.run(&["cache", "gc", "film.scene", "--max-size", "0"]);
        if stderr(&out).contains("E0905") {
            refused += 1;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(status.success(), "the render failed beside gc: {err}");
    assert!(p.path("film.mp4").is_file());
    assert!(refused > 0, "gc never met the render");
    // Once the render is over, gc may empty the cache.
    let out = p.run(&["cache", "gc", "film.scene", "--max-size", "0"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_cache_entry_that_is_a_link_is_not_followed() {
    let p = small_project();
    assert!(render(&p).status.success());
    let first = std::fs::read(p.path("film.mp4")).unwrap();
    let entry = entries(&p).remove(0);
    // The real entry moves outside the cache; the cache keeps a link to it.
    let outside = p.path("outside.shot");
    std::fs::rename(&entry, &outside).unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    File::options()
        .write(true)
        .open(&outside)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::os::unix::fs::symlink(&outside, &entry).unwrap();
    let before = file_hash(&outside);

    let out = render(&p);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(p.path("film.mp4")).unwrap(),
        first,
        "the re-rendered shot is the same"
    );
    assert_eq!(file_hash(&outside), before);
    assert_eq!(
        std::fs::metadata(&outside).unwrap().modified().unwrap(),
        old,
        "the link's target was touched"
    );
    let meta = std::fs::symlink_metadata(&entry).unwrap();
    assert!(meta.is_file(), "the link was replaced by a real entry");

    // A link to /dev/zero is damage too, found at once.
    let entry = entries(&p).remove(0);
    std::fs::remove_file(&entry).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &entry).unwrap();
    let run = crate::harness::scenec(
        p.dir.path(),
        &["render", "film.scene", "-o", "film.mp4"],
        crate::harness::Bounds::QUICK,
    );
    run.expect(0, "").within_memory(400 << 20);
}

/// A tmpfs mounted for the life of a test. Mounting needs root; without it the case says so on
/// stderr and checks nothing (docs/limits.md states the behaviour either way).
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "cannot mount a tmpfs at {} (not root?): this case needs one",
                at.display()
            );
            return None;
        }
        Some(Mount(at.to_path_buf()))
    }

    fn read_only(&self) {
        let status = std::process::Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_read_only_cache_that_holds_every_shot_still_renders() {
    let p = small_project();
    let Some(mount) = Mount::tmpfs(&p.path(".scene-cache"), "64m") else {
        return;
    };
    assert!(render(&p).status.success());
    let first = std::fs::read(p.path("film.mp4")).unwrap();
    mount.read_only();
    let before = Inputs::of(&p.path(".scene-cache"));
    std::fs::remove_file(p.path("film.mp4")).unwrap();
    let out = render(&p);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(p.path("film.mp4")).unwrap(), first);
    assert_eq!(Inputs::of(&p.path(".scene-cache")), before);

    // A shot the cache lacks cannot be stored: a clear error naming the cache.
    p.write(
        "film.scene",
        &SMALL_FILM.replace("children play", "children sing"),
    );
    let out = render(&p);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is read-only"), "{}", stderr(&out));
    assert!(stderr(&out).contains(".scene-cache"), "{}", stderr(&out));
}

#[test]
fn a_full_disk_is_named_as_such() {
    let p = small_project();
    let Some(_mount) = Mount::tmpfs(&p.path("out"), "8k") else {
        return;
    };
    let out = p.run(&["render", "film.scene", "-o", "out/film.mp4"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the disk holding out is full"),
        "{}",
        stderr(&out)
    );
    let left: Vec<_> = std::fs::read_dir(p.path("out"))
        .unwrap()
        .flatten()
        .collect();
    assert!(left.is_empty(), "a failed render left {left:?}");

    // The cache's disk filling up is named the same way.
    let q = small_project();
    let Some(_cache) = Mount::tmpfs(&q.path(".scene-cache"), "12k") else {
        return;
    };
    let out = render(&q);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the disk holding the cache") && stderr(&out).contains("is full"),
        "{}",
        stderr(&out)
    );
}
