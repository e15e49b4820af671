//! Focus from source to schedule: `focus_m` per camera entry (the distance along the lens axis
//! to the focused subject's middle), racks interpolated over a second, the shot's `depth`, and
//! the focus in the prompt's words.

use std::path::Path;

use scene_check::{check_entry, RealFs};
use scene_plan::schedule::{Depth, ShotSchedule, Subject};

const PRELUDE: &str = r#"
film "Focus" { size 768x512; fps 24 }
character aiko { name "Aiko"; description "a young woman in a red raincoat" }
character kenji { name "Kenji"; description "a man in a grey suit" }
prop train { description "a silver commuter train"; dimensions 20m 4m }
location street { description "a wet street"; time night }
"#;

fn plan(body: &str) -> scene_plan::FilmPlan {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("film.scene");
    std::fs::write(&path, format!("{PRELUDE}{body}")).unwrap();
    let checked = check_entry(Path::new(&path), &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    scene_plan::plan(
        &checked.film,
        &scene_voice::ReadingSpeed::new("not a speech test"),
    )
}

fn shot<'a>(plan: &'a scene_plan::FilmPlan, name: &str) -> &'a ShotSchedule {
    plan.schedule.shots.iter().find(|s| s.name == name).unwrap()
}

fn subject<'a>(shot: &'a ShotSchedule, id: &str) -> &'a Subject {
    shot.subjects.iter().find(|s| s.character == id).unwrap()
}

const BODY: &str = r#"
scene s at street {
    shot plain 2s { camera medium on aiko; aiko at center }
    shot sharp 2s { camera medium on aiko; depth shallow; aiko at center; kenji at (80%, 60%) }
    shot rack 4s {
        camera wide
        depth shallow
        aiko at left
        kenji at (70%, 60%)
        focus on aiko
        focus on kenji at 2s
    }
}
"#;

#[test]
fn focus_m_is_written_only_where_focus_is() {
    let p = plan(BODY);
    let plain = shot(&p, "plain");
    assert!(plain.camera.iter().all(|c| c.focus_m.is_none()));
    assert_eq!(plain.depth, Depth::Normal);
    let json = serde_json::to_string(plain).unwrap();
    assert!(
        !json.contains("focus_m") && !json.contains("depth"),
        "{json}"
    );
}

#[test]
fn focus_defaults_to_the_on_subject_at_its_distance() {
    let p = plan(BODY);
    let s = shot(&p, "sharp");
    assert_eq!(s.depth, Depth::Shallow);
    // Aiko stands on the stage line of a medium 50mm shot: 2.1 m from the camera, her middle a
    // little off the axis aimed at her face.
    let c = s.camera[0];
    let d = c.focus_m.expect("focus_m in a shot with depth");
    assert!((d - 2.1).abs() < 0.15, "{d}");
    assert!(
        s.camera_text.contains("shallow depth of field"),
        "{}",
        s.camera_text
    );
    assert!(s.prompt_keyframes[0]
        .text
        .contains("shallow depth of field"));
}

#[test]
fn a_rack_interpolates_focus_m_from_one_subject_to_the_next() {
    let p = plan(BODY);
    let s = shot(&p, "rack");
    let fm: Vec<f64> = s.camera.iter().map(|c| c.focus_m.unwrap()).collect();
    // The subjects' distances from their schedule positions: the box bottoms put Kenji (feet
    // higher in the frame) farther away than Aiko.
    let (aiko, kenji) = (subject(s, "aiko"), subject(s, "kenji"));
    assert!(kenji.boxes[0][3] < aiko.boxes[0][3], "Kenji is farther");
    let near = fm[0];
    let far = fm[fm.len() - 1];
    assert!(far > near * 1.3, "{near} -> {far}");
    // Constant on Aiko until the rack starts at 2s (frame 48)...
    assert!(
        fm[..=48].iter().all(|d| (d - near).abs() < 1e-9),
        "{:?}",
        &fm[40..50]
    );
    // ...over one second (24 frames), eased: slow, fast, slow, then on Kenji.
    let mid = fm[48 + 12];
    assert!((mid - (near + far) / 2.0).abs() < 0.02 * far, "{mid}");
    assert!(fm[49] - fm[48] < fm[60] - fm[59], "eased in");
    for w in fm[48..72].windows(2) {
        assert!(w[1] >= w[0], "monotonic");
    }
    assert!(fm[72..].iter().all(|d| (d - far).abs() < 1e-9));
    assert!(
        s.camera_text.contains("rack focus from Aiko to Kenji"),
        "{}",
        s.camera_text
    );
}
