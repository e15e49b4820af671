//! Writes sample previz frames and a storyboard as PNGs when `PREVIZ_DUMP_DIR` is set (for
//! looking at them); otherwise checks that the same frames render and encode as PNG.

mod previz_common;

use std::path::{Path, PathBuf};

use previz_common as common;
use scene_previz::backend::{Backend, ShotInputs};
use scene_previz::storyboard;
use scene_previz::Previz;

fn out_dir() -> (PathBuf, Option<tempfile::TempDir>) {
    match std::env::var_os("PREVIZ_DUMP_DIR") {
        Some(d) => {
            std::fs::create_dir_all(&d).unwrap();
            (PathBuf::from(d), None)
        }
        None => {
            let t = tempfile::tempdir().unwrap();
            (t.path().to_path_buf(), Some(t))
        }
    }
}

#[test]
fn sample_frames_render_and_write() {
    let (dir, _keep) = out_dir();
    let mut shots = vec![common::opening(48)];
    for (time, weather, grade) in [
        ("day", "clear", "neutral"),
        ("dawn", "fog", "warm"),
        ("dusk", "snow", "cool"),
    ] {
        let mut s = common::shot(&format!("{time}_{weather}"), 24);
        s.setting.time = time.into();
        s.setting.weather = weather.into();
        s.look.grade = grade.into();
        s.camera = (0..24)
            .map(|f| common::camera([0.0, 1.6, 0.0], f as f64 * 1.5, 0.0, 35.0))
            .collect();
        s.subjects = vec![
            common::subject("ren", "Ren", "#2a9d8f", vec![[0.30, 0.35, 0.12, 0.45]; 24]),
            common::subject(
                "aiko",
                "Aiko",
                "#d62828",
                vec![[0.55, 0.30, 0.15, 0.55]; 24],
            ),
        ];
        shots.push(s);
    }
    // An orbit around a point 5 m ahead, a crane up with a tilt down, and a handheld closeup in a
    // park with a title.
    let mut orbit = common::shot("orbit", 24);
    orbit.camera = (0..24)
        .map(|f| {
            let a = (f as f64 * 4.0).to_radians();
            common::camera(
                [-5.0 * a.sin(), 1.6, 5.0 - 5.0 * a.cos()],
                f as f64 * 4.0,
                0.0,
                35.0,
            )
        })
        .collect();
    orbit.subjects = vec![common::subject(
        "aiko",
        "Aiko",
        "#d62828",
        vec![[0.43, 0.3, 0.14, 0.5]; 24],
    )];
    orbit.setting.time = "dusk".into();
    shots.push(orbit);
    let mut crane = common::shot("crane", 24);
    crane.camera = (0..24)
        .map(|f| common::camera([0.0, 1.6 + f as f64 * 0.4, 0.0], 0.0, -f as f64, 28.0))
        .collect();
    shots.push(crane);
    let mut close = common::shot("closeup", 24);
    close.setting.location = "park".into();
    close.setting.description = "a quiet park in spring".into();
    close.look.grade = "pastel".into();
    close.camera = (0..24)
        .map(|f| {
            let mut c = common::camera(
                [0.0, 1.5, 0.0],
                0.6 * (f as f64 * 0.9).sin(),
                0.4 * (f as f64 * 1.3).cos(),
                85.0,
            );
            c.roll = 0.5 * (f as f64 * 0.7).sin();
            c
        })
        .collect();
    close.subjects = vec![common::subject(
        "aiko",
        "Aiko",
        "#d62828",
        vec![[0.25, 0.08, 0.5, 1.6]; 24],
    )];
    close.titles = vec![scene_plan::schedule::Title {
        text: "Ten years later".into(),
        start_frame: scene_plan::schedule::Frame(0),
        end_frame: scene_plan::schedule::Frame(24),
    }];
    close.prompt_keyframes[0].shot_text =
        "she looks up at the cherry blossoms as the wind carries petals across the path, remembering the day they met".into();
    shots.push(close);
    let film = common::film(shots);
    let previz = Previz::new();
    let inputs = ShotInputs {
        project_root: Path::new("."),
        continued_frame: None,
    };
    for shot in &film.shots {
        let frames = previz
            .render_shot(&film, shot, &inputs, &mut |_, _| {})
            .unwrap();
        assert_eq!(frames.len(), shot.frames.0 as usize);
        for f in [0, shot.frames.0 as usize / 2, shot.frames.0 as usize - 1] {
            storyboard::write_png(&frames[f], &dir.join(format!("{}_{f:03}.png", shot.name)))
                .unwrap();
        }
    }
    let sheet = storyboard::previz_contact_sheet(&film, &previz, Path::new(".")).unwrap();
    storyboard::write_png(&sheet, &dir.join("storyboard.png")).unwrap();
}
