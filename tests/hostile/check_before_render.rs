//! Item 6: a `says` line of 64 KiB passed `scenec check` (with only W0201) and then failed the
//! render at the very end ("mov_text encoder: Numerical result out of range", no code, no
//! span). Whatever the render refuses, check now refuses first: E0309 for subtitle text the
//! MP4 track cannot hold, E0605 for an image larger than the renderer decodes.

use crate::common::Project;
use crate::harness::{scenec, Bounds, PRELUDE};

fn project(body: &str) -> Project {
    let p = Project::new();
    p.write(
        "film.scene",
        &format!(
            "{PRELUDE}character mara {{ description \"a woman\" }}\nfilm \"T\" {{ size 256x160\n fps 12 }}\n{body}\n"
        ),
    );
    p
}

/// The line of `film.scene` where aiko speaks.
fn says_line(p: &Project) -> usize {
    let text = std::fs::read_to_string(p.path("film.scene")).unwrap();
    text.lines().position(|l| l.contains("aiko says")).unwrap() + 1
}

fn codes(p: &Project) -> Vec<(String, usize)> {
    let run = scenec(
        p.dir.path(),
        &["check", "--format", "json", "film.scene"],
        Bounds::QUICK,
    );
    let all: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["span"]["line"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

#[test]
fn a_line_longer_than_the_subtitle_track_is_e0309_with_its_span() {
    let long = "a".repeat(70_000);
    let p = project(&format!(
        "scene s at street {{ shot a 2s {{ aiko at center\n aiko says \"{long}\" }} }}"
    ));
    assert_eq!(codes(&p), [("E0309".to_string(), says_line(&p))]);
    if cfg!(feature = "render") {
        // The render stops at the check, before any work, with the same code.
        scenec(
            p.dir.path(),
            &["render", "film.scene", "-o", "film.mp4"],
            Bounds::QUICK,
        )
        .expect(1, "E0309");
        assert!(!p.path("film.mp4").exists());
    }
}

#[test]
fn lines_spoken_together_count_together() {
    // Each fits on its own; spoken at the same time they share one subtitle.
    let half = "b".repeat(40_000);
    let p = project(&format!(
        "scene s at street {{ shot a 6s {{ aiko at center\n mara at left\n aiko says \"{half}\" at 1s\n mara says \"{half}\" at 1s }} }}"
    ));
    let found = codes(&p);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E0309");
    // In shots joined by a cut they never share the screen (W0201 at most: too long to say).
    let cut = project(&format!(
        "scene s at street {{ shot a 2s {{ aiko at center\n aiko says \"{half}\" }}\n shot b 2s {{ mara at left\n mara says \"{half}\" }} }}"
    ));
    assert_eq!(codes(&cut), []);
    // A dissolve overlaps the end of one shot with the start of the next: they do.
    let dissolve = project(&format!(
        "scene s at street {{ shot a 2s {{ aiko at center\n aiko says \"{half}\" }}\n dissolve 1s\n shot b 2s {{ mara at left\n mara says \"{half}\" }} }}"
    ));
    assert_eq!(
        codes(&dissolve)
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        ["E0309"]
    );
}

#[test]
fn a_line_just_under_the_limit_renders() {
    if !cfg!(feature = "render") {
        return;
    }
    // "Aiko: " and the line make 65,535 bytes: the most one subtitle sample holds.
    let line = "c".repeat(65_535 - "aiko: ".len());
    let p = project(&format!(
        "scene s at street {{ shot a 1s {{ aiko at center\n aiko says \"{line}\" }} }}"
    ));
    assert_eq!(codes(&p), []);
    scenec(
        p.dir.path(),
        &["render", "film.scene", "-o", "film.mp4"],
        Bounds::QUICK,
    )
    .expect(0, "wrote");
    let over = project(&format!(
        "scene s at street {{ shot a 1s {{ aiko at center\n aiko says \"{line}c\" }} }}"
    ));
    assert_eq!(codes(&over), [("E0309".to_string(), says_line(&over))]);
}
