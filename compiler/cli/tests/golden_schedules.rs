//! Every example's conditioning schedule, pinned: `tests/golden/schedules/<example>.json`.
//!
//! The goldens were reviewed by eye when written. A change to the compiler that changes any
//! schedule fails here with the first differing line; if the change is intended, rewrite them
//! with `UPDATE_GOLDENS=1 cargo test -p scenec --test golden_schedules` and review the diff.

mod common;

use common::{example_films, repo_root, scenec, stderr, stdout};

#[test]
fn example_schedules_match_their_goldens() {
    let dir = repo_root().join("tests/golden/schedules");
    let update = std::env::var_os("UPDATE_GOLDENS").is_some();
    let mut failures = Vec::new();
    for film in example_films() {
        let name = film
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let out = scenec().arg("schedule").arg(&film).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let actual = stdout(&out);
        let path = dir.join(format!("{name}.json"));
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!("no golden at {}; run with UPDATE_GOLDENS=1", path.display())
        });
        if expected != actual {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{name}: differs from {} at line {}:\n  golden: {}\n  now:    {}",
                path.display(),
                line + 1,
                expected.lines().nth(line).unwrap_or("(end)"),
                actual.lines().nth(line).unwrap_or("(end)")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The schedule says what it is: a version, the film's size, and per shot the fields
/// ARCHITECTURE.md lists as stable ("The conditioning schedule").
#[test]
fn schedules_carry_the_documented_fields() {
    for film in example_films() {
        let out = scenec().arg("schedule").arg(&film).output().unwrap();
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        for key in [
            "version", "title", "fps", "width", "height", "frames", "shots",
        ] {
            assert!(v.get(key).is_some(), "{}: no `{key}`", film.display());
        }
        for shot in v["shots"].as_array().unwrap() {
            let frames = shot["frames"].as_u64().unwrap() as usize;
            for key in [
                "name",
                "scene",
                "start_frame",
                "frames",
                "seed",
                "transition_in",
                "prompt_keyframes",
                "negative",
                "camera",
                "subjects",
                "conditioning",
                "guidance",
                "strength",
                "audio",
                "dialogue",
            ] {
                assert!(
                    shot.get(key).is_some(),
                    "{}: shot without `{key}`",
                    film.display()
                );
            }
            assert_eq!(
                shot["camera"].as_array().unwrap().len(),
                frames,
                "one camera entry per frame"
            );
            for s in shot["subjects"].as_array().unwrap() {
                assert_eq!(
                    s["boxes"].as_array().unwrap().len(),
                    frames,
                    "one box per frame"
                );
            }
        }
    }
}
