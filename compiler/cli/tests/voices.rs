//! The soundtrack end to end: every example's rendered MP4 meets its `loudness` as FFmpeg's own
//! `ebur128` filter measures it (an independent meter, not the one mastering used); a film with
//! dialogue has speech where its lines are; `--stems` writes the stems; `scenec check` without
//! eSpeak NG falls back to the estimate and says so once.

mod common;

use std::path::Path;
use std::process::Command;

use common::{example_films, scenec, stderr, Project};

/// Integrated loudness (LUFS) and true peak (dBTP) of a file's audio, by FFmpeg's `ebur128`.
fn ffmpeg_loudness(path: &Path) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-filter_complex", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    // The summary at the end: "I:         -16.0 LUFS" … "Peak:       -1.6 dBFS".
    let summary = &text[text.rfind("Summary:").expect("an ebur128 summary")..];
    let number_after = |label: &str| -> f64 {
        let at = summary
            .find(label)
            .unwrap_or_else(|| panic!("no {label}: {summary}"))
            + label.len();
        summary[at..]
            .split_whitespace()
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("no number after {label}: {summary}"))
    };
    (number_after("I:"), number_after("Peak:"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == ".scene-cache" || name.to_string_lossy().ends_with(".mp4") {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

#[test]
fn every_example_meets_its_loudness_as_ffmpeg_measures_it() {
    let films = example_films();
    assert!(films.len() >= 6, "{films:?}");
    for film in films {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(film.parent().unwrap(), dir.path());
        let schedule = scenec()
            .arg("schedule")
            .arg(dir.path().join("film.scene"))
            .output()
            .unwrap();
        assert!(schedule.status.success(), "{}", stderr(&schedule));
        let plan: serde_json::Value = serde_json::from_slice(&schedule.stdout).unwrap();
        // The schedule leaves `loudness_lufs` out at its default, −16 (the schema's default).
        let target = match plan.get("loudness_lufs") {
            Some(v) => v.as_f64().unwrap(),
            None => -16.0,
        };
        let out = scenec()
            .arg("render")
            .arg(dir.path().join("film.scene"))
            .arg("-o")
            .arg(dir.path().join("out.mp4"))
            .arg("--json")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: {}", film.display(), stderr(&out));
        let (lufs, peak) = ffmpeg_loudness(&dir.path().join("out.mp4"));
        assert!(
            (lufs - target).abs() <= 1.0,
            "{}: {lufs} LUFS, target {target}",
            film.display()
        );
        assert!(peak <= -1.0, "{}: true peak {peak} dBTP", film.display());
    }
}

const TALK: &str = r#"
film "Talk" { size 256x160; fps 24; loudness -20LUFS }
character aiko { description "a young woman"; voice "soft alto" }
character kenji { description "an old man"; voice "deep and slow" }
location street { description "a street" }
scene s at street {
    shot a 5s {
        aiko at left
        kenji at right
        aiko says "It has been ten years."
        kenji says "I know." at 3s
    }
}
"#;

#[test]
fn a_talking_film_is_heard_at_its_loudness_and_writes_its_stems() {
    let p = Project::new();
    p.write("film.scene", TALK);
    let out = p.run(&["render", "film.scene", "-o", "film.mp4", "--stems", "stems"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (lufs, peak) = ffmpeg_loudness(&p.path("film.mp4"));
    assert!((lufs + 20.0).abs() <= 1.0, "{lufs} LUFS");
    assert!(peak <= -1.0, "{peak} dBTP");
    for stem in ["dialogue", "music", "effects", "ambience", "mix"] {
        let path = p.path(&format!("stems/{stem}.wav"));
        let bytes = std::fs::read(&path).unwrap();
        // 5 s at 48 kHz, 24-bit stereo, after the 44-byte header.
        assert_eq!(bytes.len(), 44 + 5 * 48_000 * 6, "{stem}");
    }
    // The decoded soundtrack: speech from Aiko's line at 0 s and Kenji's at 3 s, silence
    // between them and after.
    let schedule: serde_json::Value =
        serde_json::from_slice(&p.run(&["schedule", "film.scene"]).stdout).unwrap();
    let lines = schedule["shots"][0]["dialogue"].as_array().unwrap().clone();
    let audio = common::decoded_audio(&p.path("film.mp4"), 1);
    let rms = |from: usize, to: usize| {
        let s = &audio[from.min(audio.len())..to.min(audio.len())];
        (s.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / s.len().max(1) as f64).sqrt()
    };
    let frame = 2000usize;
    for line in &lines {
        let start = line["start_frame"].as_u64().unwrap() as usize * frame;
        let end = line["end_frame"].as_u64().unwrap() as usize * frame;
        // Quiet in the frame before the line (the AAC encoder's pre-echo aside), loud in its
        // first frame.
        let before = if start >= 2 * frame {
            rms(start - 2 * frame, start - frame)
        } else {
            0.0
        };
        let first = rms(start, start + frame);
        assert!(
            first > 0.01 && first > 10.0 * before,
            "{line}: {before} then {first}"
        );
        assert!(rms(start, end) > 0.02, "{line}");
    }
    let first_end = lines[0]["end_frame"].as_u64().unwrap() as usize * frame;
    assert!(
        rms(first_end + 2 * frame, 72 * frame) < 0.001,
        "silence between the lines"
    );
}

#[test]
fn check_without_espeak_estimates_and_says_so_once() {
    let p = Project::new();
    p.write("film.scene", TALK);
    let out = p.run(&["check", "film.scene"]).status.code();
    assert_eq!(out, Some(0));
    let missing = scenec()
        .current_dir(p.dir.path())
        .env("SCENEC_ESPEAK_LIBRARY", "/nonexistent/libespeak-ng.so.1")
        .args(["check", "film.scene"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(0), "{}", stderr(&missing));
    let text = stderr(&missing);
    assert_eq!(text.matches("W0203").count(), 1, "{text}");
    assert!(text.contains("15 characters a second"), "{text}");
}
