//! End-to-end tests of `scenec render` with the previz backend: streams and frame counts,
//! determinism, the per-shot cache, interruption.

mod common;

use common::{ffprobe, names, small_project, stderr, stdout, summary, Project};

fn schedule_frames(p: &Project) -> u64 {
    let out = p.run(&["schedule", "film.scene"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    v["frames"].as_u64().unwrap()
}

#[test]
fn render_writes_a_complete_mp4_with_sidecars() {
    let p = small_project();
    let s = summary(&p.run(&["render", "film.scene", "-o", "out/film.mp4", "--json"]));
    assert_eq!(names(&s, "rendered"), ["first", "second", "third"]);
    assert!(names(&s, "reused").is_empty());
    let mp4 = p.path("out/film.mp4");
    assert!(mp4.is_file());
    for side in ["out/film.srt", "out/film.vtt", "out/film.provenance.json"] {
        assert!(p.path(side).is_file(), "{side} missing");
    }
    let probe = ffprobe(&mp4);
    let streams = probe["streams"].as_array().unwrap();
    let codec = |kind: &str| {
        streams
            .iter()
            .find(|s| s["codec_type"] == kind)
            .map(|s| s["codec_name"].as_str().unwrap().to_string())
    };
    assert_eq!(codec("video").as_deref(), Some("h264"));
    assert_eq!(codec("audio").as_deref(), Some("aac"));
    assert_eq!(codec("subtitle").as_deref(), Some("mov_text"));
    let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
    assert_eq!(video["width"], 256);
    assert_eq!(video["height"], 160);
    assert_eq!(video["pix_fmt"], "yuv420p");
    let counted: u64 = video["nb_read_frames"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        counted,
        schedule_frames(&p),
        "every frame of the schedule is in the file"
    );
    let srt = std::fs::read_to_string(p.path("out/film.srt")).unwrap();
    assert!(srt.contains("Hello there."), "{srt}");
    let tags = &probe["format"]["tags"];
    assert_eq!(tags["title"], "Small", "{tags}");
}

#[test]
fn renders_are_byte_identical_cold_warm_and_across_jobs() {
    let a = small_project();
    let b = small_project();
    summary(&a.run(&[
        "render",
        "film.scene",
        "-o",
        "film.mp4",
        "--json",
        "--jobs",
        "1",
    ]));
    summary(&b.run(&[
        "render",
        "film.scene",
        "-o",
        "film.mp4",
        "--json",
        "--jobs",
        "2",
    ]));
    let bytes_a = std::fs::read(a.path("film.mp4")).unwrap();
    assert!(
        bytes_a == std::fs::read(b.path("film.mp4")).unwrap(),
        "cold renders with different --jobs differ"
    );
    let warm = summary(&a.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    assert!(names(&warm, "rendered").is_empty(), "{warm}");
    assert_eq!(names(&warm, "reused"), ["first", "second", "third"]);
    assert!(
        bytes_a == std::fs::read(a.path("film.mp4")).unwrap(),
        "a cached render differs from a cold one"
    );
}

#[test]
fn editing_one_shot_rerenders_it_and_its_continuations_only() {
    let p = small_project();
    summary(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();

    p.write(
        "film.scene",
        &src.replace("the yard is empty", "the yard is quiet"),
    );
    let s = summary(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    assert_eq!(names(&s, "rendered"), ["third"]);
    assert_eq!(names(&s, "reused"), ["first", "second"]);

    // `second` continues `first`: a change to `first` re-renders both; `third` is untouched.
    p.write("film.scene", &src.replace("children play", "children run"));
    let s = summary(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    assert_eq!(names(&s, "rendered"), ["first", "second"]);
    assert_eq!(names(&s, "reused"), ["third"]);

    // Lengthening the first shot moves the later shots in time; a shot that only moved is not
    // rendered again.
    p.write("film.scene", &src.replace("shot first 1s", "shot first 2s"));
    let s = summary(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    assert!(names(&s, "rendered").contains(&"first".to_string()), "{s}");
    assert!(names(&s, "reused").contains(&"third".to_string()), "{s}");
}

#[test]
fn an_unwritable_output_fails_with_code_2_and_leaves_nothing() {
    let p = small_project();
    // A path below a regular file can never be written.
    let out = p.run(&["render", "film.scene", "-o", "bell.wav/film.mp4"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bell.wav/film.mp4"),
        "{}",
        stderr(&out)
    );
    let leftovers: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp") || n.ends_with(".mp4"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_missing_asset_is_a_diagnostic_not_a_crash() {
    let p = small_project();
    std::fs::remove_file(p.path("bell.wav")).unwrap();
    let out = p.run(&["render", "film.scene", "-o", "film.mp4"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("bell.wav"), "{}", stderr(&out));
    assert!(!p.path("film.mp4").exists());
}

/// A one-job render of `film.scene` to `film.mp4`, shots rendered in play order.
const ONE_JOB_RENDER: [&str; 7] = [
    "render",
    "film.scene",
    "-o",
    "film.mp4",
    "--json",
    "--jobs",
    "1",
];

/// A project holding `film` (a longer [`common::SMALL_FILM`]) and its sound.
fn project_with(film: &str) -> Project {
    let p = Project::new();
    p.write("film.scene", film);
    p.write_bytes("bell.wav", &common::wav_sine(0.4, 880.0));
    p
}

/// [`ONE_JOB_RENDER`] started in the background, its output discarded.
fn spawn_one_job_render(p: &Project) -> std::process::Child {
    common::scenec()
        .current_dir(p.dir.path())
        .args(ONE_JOB_RENDER)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// A render killed outright (SIGKILL) in the middle leaves no output and a cache the next run
/// trusts; the resumed render equals an uninterrupted one byte for byte.
#[test]
fn a_killed_render_resumes_to_identical_output() {
    let long = common::SMALL_FILM
        .replace("shot third 1s", "shot third 8s")
        .replace("shot first 1s", "shot first 4s");
    let reference = project_with(&long);
    summary(&reference.run(&ONE_JOB_RENDER));

    let p = project_with(&long);
    let mut child = spawn_one_job_render(&p);
    // Wait until at least one shot is in the cache, then kill.
    let cache = p.path(".scene-cache");
    let started = std::time::Instant::now();
    loop {
        let entries = walk_files(&cache)
            .into_iter()
            .filter(|f| !f.to_string_lossy().contains("tmp"))
            .count();
        if entries >= 1 || started.elapsed().as_secs() > 120 {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    let resumed = summary(&p.run(&ONE_JOB_RENDER));
    assert!(!names(&resumed, "reused").is_empty() || !names(&resumed, "rendered").is_empty());
    assert!(
        std::fs::read(p.path("film.mp4")).unwrap()
            == std::fs::read(reference.path("film.mp4")).unwrap(),
        "the resumed render differs from an uninterrupted one"
    );
}

/// Ctrl-C in the middle of a long shot stops the render between two of its frames, not at the
/// end of the shot: the process exits soon after the signal, writes no output and caches only
/// the shot that was already finished.
#[test]
fn ctrl_c_stops_inside_a_long_shot() {
    let long = common::SMALL_FILM
        .replace("size 256x160", "size 1536x1024")
        .replace("fps 12", "fps 24")
        .replace("shot third 1s", "shot third 60s");
    let p = project_with(&long);
    let mut child = spawn_one_job_render(&p);
    // With one job, shots render in play order: once the first two are cached, the 60 s shot
    // (1440 frames of 1536x1024, over ten seconds of work even on a fast machine) is under way.
    let cache = p.path(".scene-cache");
    let entries = || {
        walk_files(&cache)
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "shot"))
            .count()
    };
    let started = std::time::Instant::now();
    while entries() < 2 {
        assert!(
            started.elapsed().as_secs() < 120,
            "the first shots never reached the cache"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the render ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let signalled = std::time::Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        // Rendering and encoding the rest of the shot takes far longer than this (1440 frames
        // of 1536x1024); stopping at the next frame takes milliseconds.
        if signalled.elapsed().as_secs() > 5 {
            let _ = child.kill();
            panic!("the render did not stop within 5 s of Ctrl-C");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    assert!(!status.success(), "an interrupted render reported success");
    assert!(!p.path("film.mp4").exists());
    assert_eq!(entries(), 2, "only the finished shots are cached");
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk_files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn storyboard_writes_a_png() {
    let p = small_project();
    let out = p.run(&["storyboard", "film.scene", "-o", "board.png"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bytes = std::fs::read(p.path("board.png")).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[test]
fn cache_stats_and_gc() {
    let p = small_project();
    summary(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    let out = p.run(&["cache", "stats", "film.scene"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 entries"), "{}", stdout(&out));
    let out = p.run(&["cache", "gc", "film.scene", "--max-size", "0"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("removed 3 entries"),
        "{}",
        stdout(&out)
    );
    let s = summary(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    assert_eq!(names(&s, "rendered").len(), 3);
}
