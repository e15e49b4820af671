//! End-to-end tests of `scenec render --backend ltx2` through the real binary, with the tiny
//! random-weight LTX-2.3 folder `tests/fixtures/ltx2-tiny` (complete, diffusers layout).
//!
//! The film has dialogue (which goes into the prompt as quoted speech), a sound cue, an image
//! `keyframe` and a `continues` shot, in 8-frame shots that the model generates as 9 frames and
//! trims. The MP4 must hold the schedule's frames and a soundtrack as long as the film that is
//! the model's sound: the script plays no file, so anything audible came from the model.

#![cfg(feature = "ltx")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{
    copy_dir, count_files, model_render, names, read_json, repo_root, stderr, stdout, stream,
    summary, Project,
};

const FILM: &str = r#"
film "Tiny LTX-2" {
    size 64x32
    fps 8
    seed 5
    steps 2
    negative "blurry"
}

character mia {
    description "a girl in a yellow coat"
    voice "small and bright"
}

location yard {
    description "a school yard"
    time day
}

scene morning at yard {
    shot first 1s {
        camera wide
        at 0s "children play"
        keyframe at 500ms "key.png"
        mia at left
        mia says "The bell!"
    }
    dissolve 250ms
    shot second 1s {
        continues first
        camera closeup on mia
        mia at center
        mia says "Come on." (whispering)
    }
}
"#;

fn tiny_model() -> PathBuf {
    repo_root().join("tests/fixtures/ltx2-tiny")
}

fn project() -> Project {
    let p = Project::new();
    p.write("film.scene", FILM);
    let image = std::fs::read(repo_root().join("examples/neon_rain/refs/aiko.png")).unwrap();
    p.write_bytes("key.png", &image);
    p
}

fn render(p: &Project, model: &Path, extra: &[&str]) -> Output {
    model_render(p, "ltx2", model, extra)
}

#[test]
fn renders_picture_and_the_models_sound_and_renders_again_to_the_same_bytes() {
    let p = project();
    let model = tiny_model();
    let s = summary(&render(&p, &model, &[]));
    assert_eq!(names(&s, "rendered"), ["first", "second"]);
    let mp4 = p.path("out/film.mp4");

    let video = stream(&mp4, "video");
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(64), Some(32))
    );
    let frames: u64 = video["nb_read_frames"].as_str().unwrap().parse().unwrap();
    assert_eq!(frames, 14, "two 8-frame shots joined by a 2-frame dissolve");

    let audio = stream(&mp4, "audio");
    assert_eq!(audio["codec_name"], "aac");
    assert_eq!(audio["sample_rate"], "48000");
    // 14 frames at 8 fps: 1.75 s, 84,000 samples per channel. AAC codes whole frames of 1024
    // samples, so the decoded track may run up to one frame longer.
    let sound = common::decoded_audio(&mp4, 2);
    let samples = sound.len() / 2;
    assert!(
        (84_000..84_000 + 1024).contains(&samples),
        "{samples} samples per channel for a 1.75 s film"
    );
    // The script plays no file: an audible track is the model's.
    let peak = sound.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak > 1e-3, "the soundtrack is silent (peak {peak})");

    let provenance = read_json(&p.path("out/film.provenance.json"));
    assert_eq!(provenance["backend"]["name"], "ltx2");
    assert!(!provenance["backend"]["weights_fingerprint"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(provenance["shots"][1]["continues"]["shot"], "first");
    // Each shot's generated sound is cached beside its picture.
    let sounds = count_files(&p.path(".scene-cache/shots"), "sound");
    assert_eq!(sounds, 2);

    let bytes = std::fs::read(&mp4).unwrap();
    // From the cache: nothing generates, the same bytes.
    let again = summary(&render(&p, &model, &[]));
    assert!(names(&again, "rendered").is_empty(), "{again}");
    assert_eq!(std::fs::read(&mp4).unwrap(), bytes);

    // A cold render in another project: the same bytes again.
    let q = project();
    summary(&render(&q, &model, &[]));
    assert!(
        std::fs::read(q.path("out/film.mp4")).unwrap() == bytes,
        "two cold renders differ"
    );
}

#[test]
fn a_lost_sound_renders_its_shot_again_and_other_steps_are_another_key() {
    let p = project();
    let model = tiny_model();
    summary(&render(&p, &model, &[]));
    let shots = p.path(".scene-cache/shots");
    let first_sound = std::fs::read_dir(&shots)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|path| path.extension().is_some_and(|x| x == "sound"))
        .unwrap();
    std::fs::remove_file(&first_sound).unwrap();
    let again = summary(&render(&p, &model, &[]));
    assert_eq!(names(&again, "rendered").len(), 1, "{again}");

    let other = summary(&render(&p, &model, &["--steps", "3"]));
    assert_eq!(names(&other, "rendered"), ["first", "second"]);
}

#[test]
fn a_missing_component_is_named_before_any_shot_renders() {
    let p = project();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&tiny_model(), dir.path());
    std::fs::remove_dir_all(dir.path().join("vocoder")).unwrap();
    let out = render(&p, dir.path(), &[]);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("vocoder"), "{err}");
    assert!(!p.path("out/film.mp4").exists());
    let cached_shots = std::fs::read_dir(p.path(".scene-cache/shots"))
        .map(|read| {
            read.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "shot"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(cached_shots, 0);
}

#[test]
fn ltx2_without_a_model_dir_is_a_usage_error() {
    let p = project();
    let out = p.run(&["render", "film.scene", "--backend", "ltx2"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("--model-dir"), "{}", stderr(&out));
}

#[test]
fn a_farm_of_workers_and_an_assembler_gives_the_single_machine_film_and_its_sound() {
    let p = project();
    let model = tiny_model();
    summary(&render(&p, &model, &[]));
    let single = std::fs::read(p.path("out/film.mp4")).unwrap();

    // Two workers on a shared cache (the `continues` chain keeps both shots on one of them),
    // then an assembler that renders nothing: the generated sound reaches the film from the
    // shared cache.
    let mut rendered = Vec::new();
    for shard in ["0/2", "1/2"] {
        let v = summary(&render(
            &p,
            &model,
            &["--cache", "shared", "--shard", shard, "--shots-only"],
        ));
        assert_eq!(
            v["output"],
            serde_json::Value::Null,
            "a worker writes no film"
        );
        rendered.extend(names(&v, "rendered"));
    }
    rendered.sort();
    assert_eq!(rendered, ["first", "second"], "every shot rendered once");
    let sounds = count_files(&p.path("shared/shots"), "sound");
    assert_eq!(
        sounds, 2,
        "each worker stores its shots' sounds in the shared cache"
    );

    let mut args = vec![
        "render",
        "film.scene",
        "-o",
        "out/farm.mp4",
        "--json",
        "--backend",
        "ltx2",
        "--model-dir",
        model.to_str().unwrap(),
        "--cache",
        "shared",
        "--assemble-only",
    ];
    let v = summary(&p.run(&args));
    assert!(
        names(&v, "rendered").is_empty(),
        "the assembler rendered: {v}"
    );
    assert!(
        std::fs::read(p.path("out/farm.mp4")).unwrap() == single,
        "the farm's film differs from the single-machine film"
    );

    // `farm status` counts a shot as done only with its sound.
    let status = |expected: i32| -> String {
        let out = p.run(&[
            "farm",
            "status",
            "film.scene",
            "--backend",
            "ltx2",
            "--model-dir",
            model.to_str().unwrap(),
            "--cache",
            "shared",
        ]);
        assert_eq!(out.status.code(), Some(expected), "{}", stderr(&out));
        stdout(&out)
    };
    let table = status(0);
    assert!(table.contains("2 shots: 2 done"), "{table}");

    // A sound lost from the shared cache is a missing shot to the assembler, never a film
    // without it.
    for e in std::fs::read_dir(p.path("shared/shots")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "sound") {
            std::fs::remove_file(path).unwrap();
            break;
        }
    }
    let table = status(3);
    assert!(
        table.contains("2 shots: 1 done") || table.contains("2 shots: 0 done"),
        "{table}"
    );
    args[3] = "out/farm2.mp4";
    let out = p.run(&args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not in the cache"),
        "{}",
        stderr(&out)
    );
    assert!(!p.path("out/farm2.mp4").exists());
}
