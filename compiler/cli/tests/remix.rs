//! End-to-end tests of remixes (`film … extends PATH`): rendering a remix of a rendered film
//! renders only what it changes and says so, the film it writes differs from the base's only
//! where the remix changes it, and `schedule`, `graph`, `watch`, `verify` and `check` work on a
//! remix.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{copy_dir, repo_root, small_project, stderr, stdout, Project};

fn json_line(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "scenec failed:\n{}{}",
        stdout(out),
        stderr(out)
    );
    let text = stdout(out);
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// A copy of `examples/neon_rain` (base film and remix) in a temporary project.
fn neon_rain() -> Project {
    let p = Project::new();
    copy_dir(&repo_root().join("examples/neon_rain"), p.dir.path());
    p
}

/// The MD5 of each decoded video frame of a film, in order.
fn frame_md5s(path: &Path) -> Vec<String> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-map", "0:v", "-f", "framemd5", "-"])
        .output()
        .expect("ffmpeg is installed by scripts/deps.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit(',').next().map(|h| h.trim().to_string()))
        .collect()
}

/// `scenec schedule FILE` as JSON.
fn schedule(p: &Project, file: &str) -> serde_json::Value {
    let out = p.run(&["schedule", file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// A shot's schedule without its place in the film (what the cache key reads).
fn keyed_shot(schedule: &serde_json::Value, name: &str) -> serde_json::Value {
    let mut shot = schedule["shots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no shot {name}"))
        .clone();
    let map = shot.as_object_mut().unwrap();
    for field in ["start_frame", "transition_in", "transition_out", "audio"] {
        map.remove(field);
    }
    shot
}

#[test]
fn a_remix_of_a_rendered_film_renders_only_what_it_changes() {
    let p = neon_rain();
    let base = json_line(&p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]));
    assert_eq!(names(&base["rendered"]), ["opening", "reflection", "reply"]);
    assert!(
        base.get("remix").is_none(),
        "a plain film's line is as it was: {base}"
    );

    let remix = json_line(&p.run(&["render", "remix.scene", "-o", "remix.mp4", "--json"]));
    assert_eq!(names(&remix["rendered"]), ["reply", "bridge"], "{remix}");
    assert_eq!(
        names(&remix["reused"]),
        ["opening", "reflection"],
        "{remix}"
    );
    let r = &remix["remix"];
    assert_eq!(r["base"], "film.scene");
    assert_eq!(names(&r["inherited"]), ["opening", "reflection"]);
    assert_eq!(names(&r["overridden"]), ["reply"]);
    assert_eq!(names(&r["inserted"]), ["bridge"]);
    assert!(names(&r["removed"]).is_empty());

    // Rendering it again reuses everything.
    let again = json_line(&p.run(&["render", "remix.scene", "-o", "remix.mp4", "--json"]));
    assert!(names(&again["rendered"]).is_empty(), "{again}");

    // The films are the same up to the overridden shot, and differ from there on.
    let plan = schedule(&p, "remix.scene");
    let reply_start = plan["shots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "reply")
        .unwrap()["start_frame"]
        .as_u64()
        .unwrap() as usize;
    let base_frames = frame_md5s(&p.path("film.mp4"));
    let remix_frames = frame_md5s(&p.path("remix.mp4"));
    assert_eq!(remix_frames.len() as u64, plan["frames"].as_u64().unwrap());
    assert_eq!(
        remix_frames.len(),
        base_frames.len() + 48 - 12,
        "the inserted 2s shot at 24 fps, less the 12 frames its dissolve overlaps, is the only new length"
    );
    // The remix's dissolve lands on the reply → bridge boundary, and the base's closing fade
    // moves to the new last shot.
    let shots = plan["shots"].as_array().unwrap();
    let bridge = shots.iter().find(|s| s["name"] == "bridge").unwrap();
    assert_eq!(
        bridge["transition_in"],
        serde_json::json!({"kind": "dissolve", "frames": 12})
    );
    assert_eq!(
        bridge["start_frame"].as_u64().unwrap() as usize,
        remix_frames.len() - 48
    );
    assert_eq!(shots.last().unwrap()["name"], "bridge");
    assert_eq!(bridge["transition_out"]["frames"], 24, "{bridge}");
    assert!(reply_start > 0);
    assert_eq!(
        base_frames[..reply_start],
        remix_frames[..reply_start],
        "the inherited shots' frames are the base film's"
    );
    assert!(
        base_frames[reply_start..]
            .iter()
            .zip(&remix_frames[reply_start..])
            .any(|(a, b)| a != b),
        "the overridden shot looks different"
    );
}

#[test]
fn a_remix_schedules_unchanged_shots_exactly_as_its_base_does() {
    let p = neon_rain();
    let base = schedule(&p, "film.scene");
    let remix = schedule(&p, "remix.scene");
    assert_eq!(remix["title"], "Neon Rain (a quieter reply)");
    for shot in ["opening", "reflection"] {
        assert_eq!(keyed_shot(&base, shot), keyed_shot(&remix, shot), "{shot}");
    }
    assert_ne!(keyed_shot(&base, "reply"), keyed_shot(&remix, "reply"));
    // A retitled remix with no other change schedules every shot as the base does.
    p.write(
        "retitled.scene",
        "film \"Another Title\" extends \"film.scene\" {}\n",
    );
    let retitled = schedule(&p, "retitled.scene");
    for shot in ["opening", "reflection", "reply"] {
        assert_eq!(
            keyed_shot(&base, shot),
            keyed_shot(&retitled, shot),
            "{shot}"
        );
    }
}

#[test]
fn graph_marks_overridden_inserted_and_inherited_shots() {
    let p = neon_rain();
    let out = p.run(&["graph", "remix.scene", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let graph: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let marks: Vec<(String, String)> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_string(),
                n["remix"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        marks,
        [
            expect("opening", "inherited"),
            expect("reflection", "inherited"),
            expect("reply", "overridden"),
            expect("bridge", "inserted"),
        ]
    );
    assert_eq!(graph["remix"]["base"], "film.scene");

    let out = p.run(&["graph", "remix.scene"]);
    let dot = stdout(&out);
    assert!(
        dot.contains("\"reply\" [label=\"reply\\narrival · 216+72f\\noverridden\", style=filled"),
        "{dot}"
    );
    assert!(dot.contains("\\ninserted\""), "{dot}");
    assert!(dot.contains("\\ninherited\""), "{dot}");
    // The base's own graph is unmarked.
    let base = stdout(&p.run(&["graph", "film.scene"]));
    assert!(!base.contains("inherited"), "{base}");
}

/// The small render project's film as the base, and a remix that overrides its last shot. It
/// keeps the base's title: goldens belong to a film by title, so only then may the remix be
/// verified against the base's goldens.
fn small_remix() -> Project {
    let p = small_project();
    p.write(
        "remix.scene",
        "film \"Small\" extends \"film.scene\" {}\n\noverride shot third 1s {\n    camera wide, pan left 20deg\n    prompt \"the yard at dusk\"\n}\n",
    );
    p
}

#[test]
fn watching_a_remix_rerenders_it_when_its_base_changes() {
    let p = small_remix();
    let mut child = common::scenec()
        .current_dir(p.dir.path())
        .args([
            "watch",
            "remix.scene",
            "-o",
            "remix.mp4",
            "--json",
            "--jobs",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |within: Duration| -> Option<serde_json::Value> {
        let line = rx.recv_timeout(within).ok()?;
        Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
    };
    let first = next(Duration::from_secs(120)).expect("initial render");
    assert_eq!(names(&first["rendered"]), ["first", "second", "third"]);
    assert_eq!(names(&first["remix"]["overridden"]), ["third"]);

    // An edit to the base's first shot: it and the shot continuing it render again; the
    // remix's own shot does not.
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    let tmp = p.path("film.scene.swp~");
    std::fs::write(&tmp, src.replace("children play", "children run")).unwrap();
    std::fs::rename(&tmp, p.path("film.scene")).unwrap();
    let second = next(Duration::from_secs(120)).expect("a render after the base changed");
    assert_eq!(names(&second["rendered"]), ["first", "second"], "{second}");
    assert_eq!(names(&second["reused"]), ["third"], "{second}");

    // An edit to the base's shot the remix overrides changes nothing the remix shows.
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    std::fs::write(&tmp, src.replace("the yard is empty", "the yard is bare")).unwrap();
    std::fs::rename(&tmp, p.path("film.scene")).unwrap();
    let third = next(Duration::from_secs(120)).expect("a cycle after the base changed");
    assert!(names(&third["rendered"]).is_empty(), "{third}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn verify_works_on_a_remix_and_against_its_bases_goldens() {
    let p = small_remix();
    let bless = p.run(&["verify", "film.scene", "--golden", "golden", "--bless"]);
    assert_eq!(bless.status.code(), Some(0), "{}", stderr(&bless));
    // Against the base's goldens, exactly the overridden shot differs.
    let out = p.run(&["verify", "remix.scene", "--golden", "golden"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("REGRESSED third"), "{text}");
    assert!(
        !text.contains("REGRESSED first") && !text.contains("REGRESSED second"),
        "{text}"
    );
    // A remix's own goldens pass.
    let own = p.run(&[
        "verify",
        "remix.scene",
        "--golden",
        "golden-remix",
        "--bless",
    ]);
    assert_eq!(own.status.code(), Some(0), "{}", stderr(&own));
    let out = p.run(&["verify", "remix.scene", "--golden", "golden-remix"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn check_reports_a_remix_error_in_both_files() {
    let p = small_project();
    p.write(
        "remix.scene",
        "film \"R\" extends \"film.scene\" {}\noverride shot thrid 1s { prompt \"x\" }\n",
    );
    let out = p.run(&["check", "remix.scene"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("E0802"), "{text}");
    assert!(text.contains("did you mean `third`?"), "{text}");
    assert!(text.contains("remix.scene:2:15"), "{text}");
    assert!(
        text.contains("film.scene:"),
        "the base's film is the second label: {text}"
    );
}
