//! The films of `examples/prompts/` rendered end to end through `scenec render` with the previz
//! backend, as a user would: each MP4 has every frame of its schedule and a soundtrack of the
//! film's length. (Their schedules and previz pictures are tested in scene-plan's
//! `tests/prompts.rs` and scene-previz's `tests/previz_prompts.rs`; this is the CLI's side.)
//!
//! The CLI has no option to render smaller than the script says, so they render as written
//! (768x512 at 24 fps, 26 seconds of film in all).

mod common;

use std::path::Path;

use common::{ffprobe, repo_root, stderr, stdout, Project};

/// `examples/prompts/` (its `scene.toml` and films) copied into a fresh project, so the render's
/// cache and outputs stay out of the repository.
fn prompts_project() -> Project {
    let p = Project::new();
    for e in std::fs::read_dir(repo_root().join("examples/prompts")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), p.path(&e.file_name().to_string_lossy())).unwrap();
        }
    }
    p
}

/// The film's frame count and frame rate, from `scenec schedule`.
fn schedule(p: &Project, film: &str) -> (u64, u64) {
    let out = p.run(&["schedule", film]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    (v["frames"].as_u64().unwrap(), v["fps"].as_u64().unwrap())
}

fn stream<'a>(probe: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    probe["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} stream: {probe}"))
}

/// Renders `name` and checks the file against its schedule; returns the decoded stereo audio.
fn renders_whole(name: &str) -> Vec<f32> {
    let p = prompts_project();
    let film = format!("{name}.scene");
    let (frames, fps) = schedule(&p, &film);
    let out = p.run(&["render", &film, "-o", "out/film.mp4"]);
    assert!(
        out.status.success(),
        "{name} did not render:\n{}",
        stderr(&out)
    );
    let mp4 = p.path("out/film.mp4");
    let probe = ffprobe(Path::new(&mp4));
    let video = stream(&probe, "video");
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(768), Some(512))
    );
    let counted: u64 = video["nb_read_frames"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        counted, frames,
        "{name}: every frame of the schedule is in the file"
    );
    let audio = stream(&probe, "audio");
    assert_eq!(audio["codec_name"], "aac");
    assert_eq!(audio["sample_rate"], "48000");
    // The film's length in samples per channel; AAC codes whole frames of 1024 samples, so the
    // decoded track may run up to one frame longer.
    let want = (frames * 48_000 / fps) as usize;
    let sound = common::decoded_audio(&mp4, 2);
    let samples = sound.len() / 2;
    assert!(
        (want..want + 1024).contains(&samples),
        "{name}: {samples} samples per channel for {frames} frames at {fps} fps ({want})"
    );
    sound
}

fn peak(sound: &[f32]) -> f32 {
    sound.iter().fold(0f32, |m, v| m.max(v.abs()))
}

#[test]
fn interrogation_renders_whole_and_is_heard() {
    // Two people talk: the scratch voices are in the mix.
    let sound = renders_whole("interrogation");
    assert!(peak(&sound) > 0.01, "silent: peak {}", peak(&sound));
}

#[test]
fn platform_dawn_renders_whole() {
    renders_whole("platform_dawn");
}

#[test]
fn robot_workshop_renders_whole() {
    renders_whole("robot_workshop");
}

#[test]
fn winter_creature_renders_whole() {
    renders_whole("winter_creature");
}

#[test]
fn ten_props_renders_whole() {
    renders_whole("ten_props");
}
