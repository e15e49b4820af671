//! Where the camera stands, from source to schedule: the side of its subject (`from`), over a
//! shoulder (`past`), through a character's eyes (`pov of`), travelling with a subject
//! (`follow`) and turning to keep one (`keep`). Each says what the camera track, the boxes,
//! `view_deg` and the camera words must be.

use std::path::Path;

use scene_check::{check_entry, Checked, RealFs};
use scene_plan::lint;
use scene_plan::schedule::{ShotSchedule, Subject};
use scene_plan::tokens::TextBudget;

const PRELUDE: &str = r#"
import std.camera
film "Sides" { size 768x512; fps 24 }
character aiko { name "Aiko"; description "a young woman in a red raincoat" }
character kenji { name "Kenji"; description "a man in a grey suit" }
location street { description "a wet street"; time night }
"#;

fn checked(body: &str) -> (tempfile::TempDir, Checked) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("film.scene");
    std::fs::write(&path, format!("{PRELUDE}{body}")).unwrap();
    let checked = check_entry(Path::new(&path), &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    (dir, checked)
}

fn plan(body: &str) -> scene_plan::FilmPlan {
    scene_plan::plan(
        &checked(body).1.film,
        &scene_voice::ReadingSpeed::new("not a speech test"),
    )
}

fn lints(body: &str) -> Vec<scene_syntax::Diagnostic> {
    let (_dir, checked) = checked(body);
    let plan = scene_plan::plan(
        &checked.film,
        &scene_voice::ReadingSpeed::new("not a speech test"),
    );
    lint::lint(
        &checked.film,
        &checked.sources,
        &plan.schedule,
        TextBudget::LTX,
    )
}

fn shot<'a>(plan: &'a scene_plan::FilmPlan, name: &str) -> &'a ShotSchedule {
    plan.schedule.shots.iter().find(|s| s.name == name).unwrap()
}

fn subject<'a>(shot: &'a ShotSchedule, id: &str) -> &'a Subject {
    shot.subjects.iter().find(|s| s.character == id).unwrap()
}

fn centre(b: [f64; 4]) -> (f64, f64) {
    (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0)
}

/// The side a view angle names: within 1 degree of `expected` (±180 are one side).
fn near_angle(a: f64, expected: f64) -> bool {
    let d = (a - expected).rem_euclid(360.0);
    d < 1.0 || d > 359.0
}

const SIDES: &str = r#"
scene s at street {
    shot front 2s { camera medium on aiko; aiko at left }
    shot behind 2s { camera medium on aiko from behind; aiko at left }
    shot left 2s { camera medium on aiko from left; aiko at left }
    shot right 2s { camera medium on aiko from right; aiko at left }
}
"#;

#[test]
fn from_a_side_swings_the_camera_about_its_subject() {
    let p = plan(SIDES);
    let front = shot(&p, "front");
    let aiko_front = subject(front, "aiko");
    // A shot that says nothing about sides carries no view angles.
    assert!(aiko_front.view_deg.is_none());
    let feet = {
        // Aiko's ground position: the front camera looks at her along its yaw.
        let c = front.camera[0];
        let yaw = c.yaw.to_radians();
        (c.position[0], c.position[2], yaw.sin(), yaw.cos())
    };
    for (name, expected_view) in [("behind", 180.0), ("left", -90.0), ("right", 90.0)] {
        let s = shot(&p, name);
        let aiko = subject(s, "aiko");
        let view = aiko
            .view_deg
            .as_ref()
            .expect("view angles in a shot with `from`");
        assert!(
            view.iter().all(|v| near_angle(*v, expected_view)),
            "{name}: {:?}",
            &view[..3]
        );
        // Aiko keeps her place in frame: the world turns behind her.
        let (x0, _) = centre(aiko_front.boxes[0]);
        let (x1, _) = centre(aiko.boxes[0]);
        assert!((x0 - x1).abs() < 0.01, "{name}: {x0} vs {x1}");
        // The camera stands elsewhere, turned by the side's angle.
        let c = s.camera[0];
        let moved = (c.position[0] - feet.0).hypot(c.position[2] - feet.1);
        assert!(moved > 1.0, "{name}: the camera moved {moved} m");
        let turn = (c.yaw - front.camera[0].yaw).rem_euclid(360.0);
        // Standing at her right is a quarter turn clockwise seen from above.
        let want = f64::rem_euclid(expected_view, 360.0);
        assert!(
            (turn - want).abs() < 1e-6,
            "{name}: turned {turn}, not {want}"
        );
    }
    // From behind, the camera looks the other way down the street: forward (+z) becomes back.
    let behind = shot(&p, "behind").camera[0];
    assert!(behind.yaw.abs() > 170.0, "{}", behind.yaw);
    assert!(behind.position[2] > front.camera[0].position[2] + 2.0);
    assert!(shot(&p, "behind")
        .camera_text
        .contains("medium shot on Aiko, seen from behind"));
    assert!(shot(&p, "left")
        .camera_text
        .contains("seen in profile from Aiko's left"));
    let prompt = &shot(&p, "behind").prompt_keyframes[0].text;
    assert!(prompt.contains("seen from behind"), "{prompt}");
}

#[test]
fn a_followed_subject_stays_put_while_the_world_moves() {
    let p = plan(
        "scene s at street { shot track 4s {\n camera full on aiko, follow aiko\n aiko at left, walks to right over 3s\n} }",
    );
    let s = shot(&p, "track");
    let aiko = subject(s, "aiko");
    let (x0, y0) = centre(aiko.boxes[0]);
    for b in &aiko.boxes {
        let (x, y) = centre(*b);
        // Under 2 px at 768x512.
        assert!(
            (x - x0).abs() * 768.0 < 2.0 && (y - y0).abs() * 512.0 < 2.0,
            "{x},{y} vs {x0},{y0}"
        );
    }
    // She stays at the left of the frame, where she started, and the camera travelled.
    assert!(x0 < 0.4, "{x0}");
    let travel = s.camera.last().unwrap().position[0] - s.camera[0].position[0];
    assert!(travel > 1.0, "the camera travelled {travel} m");
    assert!(
        s.camera_text.contains("tracking shot following Aiko"),
        "{}",
        s.camera_text
    );
    // Walking to the right she shows the camera her right side, and keeps facing that way.
    let view = aiko.view_deg.as_ref().unwrap();
    assert!(view[0] > 60.0 && view[0] < 120.0, "{}", view[0]);
    assert!(view[95] > 60.0 && view[95] < 120.0, "{}", view[95]);
    // The followed subject never leaves the frame; nothing to warn about.
    let d = lints(
        "scene s at street { shot track 4s {\n camera full on aiko, follow aiko\n aiko at left, walks to right over 3s\n} }",
    );
    assert!(d.iter().all(|d| d.code != lint::W0401), "{d:#?}");
}

#[test]
fn keep_holds_its_subject_through_a_move_and_silences_w0401() {
    let without = "scene s at street { shot a 4s {\n camera medium on aiko, truck right 3m over 2s\n aiko at center\n} }";
    let d = lints(without);
    assert!(
        d.iter().any(|d| d.code == lint::W0401),
        "the truck alone loses Aiko: {d:#?}"
    );
    let with = "scene s at street { shot a 4s {\n camera medium on aiko, truck right 3m over 2s, keep aiko\n aiko at center\n} }";
    let d = lints(with);
    assert!(d.iter().all(|d| d.code != lint::W0401), "{d:#?}");
    let p = plan(with);
    let s = shot(&p, "a");
    let aiko = subject(s, "aiko");
    let (x0, y0) = centre(aiko.boxes[0]);
    for b in &aiko.boxes {
        let (x, y) = centre(*b);
        // Within a pixel at 768x512.
        assert!(
            (x - x0).abs() * 768.0 < 1.0 && (y - y0).abs() * 512.0 < 1.0,
            "{x},{y} vs {x0},{y0}"
        );
    }
    // The camera travelled and turned to keep her.
    let (first, last) = (s.camera[0], *s.camera.last().unwrap());
    assert!(last.position[0] - first.position[0] > 2.9);
    assert!(last.yaw < first.yaw - 20.0, "{} -> {}", first.yaw, last.yaw);
    assert!(
        s.camera_text.contains("keeps Aiko in frame"),
        "{}",
        s.camera_text
    );
    // No view angles: `keep` does not say where the camera stands.
    assert!(aiko.view_deg.is_none());
}

#[test]
fn past_puts_a_shoulder_in_the_near_foreground() {
    let p = plan(
        "scene s at street { shot ots 3s {\n camera over_shoulder on kenji past aiko\n kenji at center\n} }",
    );
    let s = shot(&p, "ots");
    let (aiko, kenji) = (subject(s, "aiko"), subject(s, "kenji"));
    let (ax, _) = centre(aiko.boxes[0]);
    let (kx, _) = centre(kenji.boxes[0]);
    assert!((kx - 0.5).abs() < 0.01, "Kenji at {kx}");
    assert!(ax < 0.2 || ax > 0.8, "Aiko's middle at the edge: {ax}");
    // Nearer, so bigger.
    assert!(aiko.boxes[0][3] > kenji.boxes[0][3] * 1.5);
    // She faces Kenji: the camera sees her back, and his face.
    let view = aiko.view_deg.as_ref().unwrap();
    assert!(view[0].abs() > 150.0, "{}", view[0]);
    assert!(kenji.view_deg.as_ref().unwrap()[0].abs() < 30.0);
    assert!(
        s.camera_text
            .contains("medium shot over the shoulder of Aiko onto Kenji"),
        "{}",
        s.camera_text
    );
    // A written point for the shoulder decides its side.
    let p = plan(
        "scene s at street { shot ots 3s {\n camera over_shoulder on kenji past aiko\n kenji at center\n aiko at (85%, 85%)\n} }",
    );
    let (ax, _) = centre(subject(shot(&p, "ots"), "aiko").boxes[0]);
    assert!((ax - 0.85).abs() < 0.02, "{ax}");
}

#[test]
fn pov_stands_in_the_characters_eyes() {
    let p = plan(
        "scene s at street { shot eyes 3s {\n camera pov of aiko on kenji\n aiko at center\n kenji at right\n} }",
    );
    let s = shot(&p, "eyes");
    let c = s.camera[0];
    assert!(
        (c.position[1] - 1.6).abs() < 1e-9,
        "eye height {}",
        c.position[1]
    );
    assert!((c.focal_mm - 28.0).abs() < 1e-9);
    let (kx, _) = centre(subject(s, "kenji").boxes[0]);
    assert!((kx - 0.5).abs() < 0.02, "Kenji looked at: {kx}");
    assert!(s
        .camera_text
        .starts_with("point-of-view shot through Aiko's eyes, looking at Kenji"));
    // Aiko is the camera: she is not in her own frame.
    let aiko = subject(s, "aiko");
    assert!(aiko
        .boxes
        .iter()
        .all(|b| !scene_plan::blocking::in_frame(*b)));
}

/// The same blocking, written as frame points, seen from each side of Aiko.
fn written_points(framing: &str) -> String {
    let shot = |name: &str, side: &str| {
        format!(
            "    shot {name} 3s {{\n        camera {framing} on aiko{side}\n        aiko at (60%, 80%), walks to (35%, 80%) over 1s\n        kenji at (25%, 85%)\n        lamp at (80%, 70%)\n    }}\n"
        )
    };
    format!(
        "prop lamp {{ description \"a paper lantern\"; dimensions 0.4m 0.6m }}\nscene s at street {{\n{}{}{}{}}}\n",
        shot("front", ""),
        shot("behind", " from behind"),
        shot("left", " from left"),
        shot("right", " from right"),
    )
}

#[test]
fn a_written_point_holds_from_every_side() {
    for framing in ["full", "medium", "wide"] {
        let p = plan(&written_points(framing));
        let front = shot(&p, "front");
        let last = front.camera.len() - 1;
        if framing != "medium" {
            // Full and wider, from the front: the centre line is where it is written (to the
            // stage view's perspective, under 1 % of the frame).
            let aiko = subject(front, "aiko");
            let (x, _) = centre(aiko.boxes[0]);
            assert!((x - 0.6).abs() < 0.01, "{framing}: {x}");
            let (x, _) = centre(aiko.boxes[last]);
            assert!((x - 0.35).abs() < 0.01, "{framing}: walked to {x}");
        }
        for side in ["behind", "left", "right"] {
            let s = shot(&p, side);
            for id in ["aiko", "kenji", "lamp"] {
                let (a, b) = (subject(front, id), subject(s, id));
                for f in [0, 12, 24, last] {
                    for k in 0..4 {
                        assert!(
                            (a.boxes[f][k] - b.boxes[f][k]).abs() < 1e-6,
                            "{framing} from {side}: {id} at frame {f}: {:?} written, {:?} seen",
                            a.boxes[f],
                            b.boxes[f]
                        );
                    }
                }
            }
        }
        // The camera still stands on that side, turned by the side's angle.
        for (side, turn) in [("behind", 180.0), ("left", -90.0), ("right", 90.0)] {
            let yaw = shot(&p, side).camera[0].yaw - front.camera[0].yaw;
            assert!(near_angle(yaw, turn), "{framing} from {side}: turned {yaw}");
        }
    }
}

/// The W0401 warnings of `body`, as (subject named, message).
fn leaves(body: &str) -> Vec<String> {
    lints(body)
        .into_iter()
        .filter(|d| d.code == lint::W0401)
        .map(|d| d.message)
        .collect()
}

#[test]
fn w0401_under_past_names_the_subject_the_move_carries_out() {
    // Over Aiko's shoulder onto Kenji, a medium frame: a metre of truck carries Kenji out of it.
    let moved = "scene s at street { shot ots 3s {\n camera over_shoulder on kenji past aiko, truck right 1m over 1s\n kenji at center\n} }";
    let w = leaves(moved);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].starts_with("Kenji leaves the frame at ")
            && w[0].ends_with("`truck right 1m over 1s` moves the camera off kenji"),
        "{}",
        w[0]
    );
    // The shoulder in the near foreground is cut by the frame's bottom edge by design: the
    // centre of its box is below the frame from the first frame, so it never *leaves* it, and
    // the over-the-shoulder frame alone warns about nothing.
    let still = "scene s at street { shot ots 3s {\n camera over_shoulder on kenji past aiko\n kenji at center\n} }";
    assert!(leaves(still).is_empty(), "{:#?}", leaves(still));
    // `keep kenji` turns the camera to hold him through the truck.
    let kept = "scene s at street { shot ots 3s {\n camera over_shoulder on kenji past aiko, truck right 1m over 1s, keep kenji\n kenji at center\n} }";
    assert!(leaves(kept).is_empty(), "{:#?}", leaves(kept));
}

#[test]
fn w0401_under_from_behind_names_the_move() {
    let moved = "scene s at street { shot back 4s {\n camera medium on aiko from behind, truck left 3m over 2s\n aiko at center\n} }";
    let w = leaves(moved);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].starts_with("Aiko leaves the frame at ")
            && w[0].ends_with("`truck left 3m over 2s` moves the camera off aiko"),
        "{}",
        w[0]
    );
    // She walks out of frame herself: that is the writer's blocking, not the camera's doing.
    let walks = "scene s at street { shot back 4s {\n camera medium on aiko from behind\n aiko at center\n aiko exits right at 1s\n} }";
    assert!(leaves(walks).is_empty(), "{:#?}", leaves(walks));
    let kept = "scene s at street { shot back 4s {\n camera medium on aiko from behind, truck left 3m over 2s, keep aiko\n aiko at center\n} }";
    assert!(leaves(kept).is_empty(), "{:#?}", leaves(kept));
}
