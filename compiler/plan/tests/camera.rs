//! Camera maths: the moves do what their names say, with the documented easing.

mod common;

use common::*;
use scene_check::film::{Ease, Framing, LensAnimation, MoveKind, PresetRef, TimeOfDay, Weather};
use scene_check::units::Fraction;
use scene_check::units::{Angle, Distance, FocalLength, Frames};
use scene_plan::schedule::{CameraFrame, ShotSchedule};

fn one_shot(
    frames: u32,
    framing: Framing,
    moves: Vec<scene_check::film::CameraMove>,
) -> ShotSchedule {
    let mut b = FilmBuilder::new("Camera");
    let loc = b.location("street", "a street", TimeOfDay::Day, Weather::Clear);
    let scene = b.scene("s", loc);
    let shot = b.shot(scene, "shot", frames);
    b.camera_moves(shot, Some(PresetRef::Framing(framing)), moves);
    common::plan(&b.build()).schedule.shots.remove(0)
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The stage target of a framing at 50 mm: on the subject's axis (x = 0) at distance d.
fn subject_axis(framing: Framing) -> [f64; 3] {
    [
        0.0,
        scene_plan::camera::aim_height(framing),
        scene_plan::camera::subject_distance(framing, 50.0),
    ]
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn frame_count_matches_the_shot() {
    let s = one_shot(37, Framing::Medium, vec![]);
    assert_eq!(s.camera.len(), 37);
    assert!(s.camera.iter().all(|c| *c == s.camera[0]));
}

#[test]
fn framing_sets_the_distance_from_lens_and_covered_height() {
    let s = one_shot(10, Framing::Wide, vec![]);
    let c = s.camera[0];
    assert_eq!(c.focal_mm, 50.0);
    assert!(close(c.position[1], 1.6, 1e-12), "eye level");
    // d = covered / (2 tan(vfov/2)) = 6.8 m · 50 / 24
    let d = scene_plan::camera::subject_distance(Framing::Wide, 50.0);
    assert!(close(d, 6.8 * 50.0 / 24.0, 1e-9));
    let seen = project(&c, subject_axis(Framing::Wide));
    assert!(
        close(seen.0, 0.5, 1e-9) && close(seen.1, 0.5, 1e-9),
        "{seen:?}"
    );
}

#[test]
fn dolly_in_30_percent_ends_30_percent_closer() {
    let s = one_shot(
        144,
        Framing::Wide,
        vec![mv(MoveKind::Dolly(Fraction(0.3)), 0, 144, Ease::InOut)],
    );
    let target = subject_axis(Framing::Wide);
    let start = dist(s.camera[0].position, target);
    let end = dist(s.camera[143].position, target);
    assert!(close(end / start, 0.7, 1e-9), "{start} -> {end}");
    // Along the view axis: the aim does not change.
    assert!(
        close(s.camera[143].yaw, 0.0, 1e-12) && close(s.camera[143].pitch, s.camera[0].pitch, 1e-9)
    );
    assert!(
        s.camera_text.contains("the camera slowly dollies in"),
        "{}",
        s.camera_text
    );
    assert!(
        s.camera_text.starts_with("wide shot, eye level"),
        "{}",
        s.camera_text
    );
}

#[test]
fn dolly_out_moves_away() {
    let s = one_shot(
        48,
        Framing::Medium,
        vec![mv(MoveKind::Dolly(Fraction(-0.5)), 0, 48, Ease::Linear)],
    );
    assert!(s.camera[47].position[2] < s.camera[0].position[2]);
    assert!(s.camera_text.contains("dollies out"), "{}", s.camera_text);
}

#[test]
fn orbit_180_ends_on_the_opposite_side_facing_the_subject() {
    let s = one_shot(
        96,
        Framing::Full,
        vec![mv(
            MoveKind::Orbit {
                around: None,
                angle: Angle(180.0),
            },
            0,
            96,
            Ease::InOut,
        )],
    );
    let first = s.camera[0];
    let last = s.camera[95];
    let d = scene_plan::camera::subject_distance(Framing::Full, 50.0);
    // Started at z = 0 looking along +z at the subject at z = d; ends at z = 2d looking back.
    assert!(close(first.position[2], 0.0, 1e-12));
    assert!(close(last.position[0], 0.0, 1e-9), "{last:?}");
    assert!(close(last.position[2], 2.0 * d, 1e-9), "{last:?}");
    assert!(close(last.yaw.abs(), 180.0, 1e-9), "{last:?}");
    assert!(close(last.position[1], first.position[1], 1e-12));
    // Halfway round (clockwise from above) the camera is on the subject's left, facing +x.
    let mid = s
        .camera
        .iter()
        .min_by(|a, b| (a.yaw - 90.0).abs().total_cmp(&(b.yaw - 90.0).abs()))
        .unwrap();
    assert!(mid.position[0] < -0.9 * d, "{mid:?}");
    // The subject stays in the middle of the frame all along.
    for c in &s.camera {
        let seen = project(c, [0.0, 0.0, d]);
        assert!(
            close(seen.0, 0.5, 1e-9),
            "{c:?} sees the subject at {seen:?}"
        );
    }
}

#[test]
fn pan_90_right_turns_yaw_by_90_with_eased_ends() {
    let s = one_shot(
        49,
        Framing::Wide,
        vec![mv(MoveKind::Pan(Angle(90.0)), 0, 49, Ease::InOut)],
    );
    let yaw: Vec<f64> = s.camera.iter().map(|c| c.yaw).collect();
    assert!(close(yaw[48] - yaw[0], 90.0, 1e-9));
    let step = |i: usize| yaw[i + 1] - yaw[i];
    assert!(
        step(0) < step(24) / 5.0,
        "slow start: {} vs {}",
        step(0),
        step(24)
    );
    assert!(
        step(47) < step(24) / 5.0,
        "slow finish: {} vs {}",
        step(47),
        step(24)
    );
    assert!((0..48).all(|i| step(i) >= 0.0));
    // Only the yaw moves.
    assert!(s
        .camera
        .iter()
        .all(|c| c.position == s.camera[0].position && c.pitch == s.camera[0].pitch));
    assert!(s.camera_text.contains("pans right"), "{}", s.camera_text);
}

#[test]
fn linear_pan_has_constant_steps_and_left_is_negative() {
    let s = one_shot(
        25,
        Framing::Wide,
        vec![mv(MoveKind::Pan(Angle(-48.0)), 0, 25, Ease::Linear)],
    );
    for i in 0..24 {
        assert!(close(s.camera[i + 1].yaw - s.camera[i].yaw, -2.0, 1e-9));
    }
    assert!(s.camera_text.contains("pans left"));
}

#[test]
fn ease_in_and_out_curves() {
    use scene_plan::camera::apply_ease;
    for e in [Ease::In, Ease::Out, Ease::InOut, Ease::Linear] {
        assert_eq!(apply_ease(e, 0.0), 0.0);
        assert_eq!(apply_ease(e, 1.0), 1.0);
    }
    assert!(apply_ease(Ease::In, 0.5) < 0.5 && apply_ease(Ease::Out, 0.5) > 0.5);
    assert!(close(apply_ease(Ease::InOut, 0.5), 0.5, 1e-12));
}

#[test]
fn moves_over_part_of_the_shot_hold_before_and_after() {
    let s = one_shot(
        100,
        Framing::Wide,
        vec![mv(MoveKind::Tilt(Angle(10.0)), 20, 60, Ease::Linear)],
    );
    let p0 = s.camera[0].pitch;
    assert!(s.camera[..=20].iter().all(|c| c.pitch == p0));
    assert!(close(s.camera[59].pitch - p0, 10.0, 1e-9));
    assert!(s.camera[59..].iter().all(|c| c.pitch == s.camera[59].pitch));
}

#[test]
fn truck_and_crane_move_sideways_and_up() {
    let s = one_shot(
        48,
        Framing::Medium,
        vec![
            mv(MoveKind::Truck(Distance(2.0)), 0, 48, Ease::InOut),
            mv(MoveKind::Crane(Distance(-1.0)), 0, 48, Ease::InOut),
        ],
    );
    let (a, b) = (s.camera[0].position, s.camera[47].position);
    assert!(
        close(b[0] - a[0], 2.0, 1e-9) && close(b[1] - a[1], -1.0, 1e-9) && close(b[2], a[2], 1e-9)
    );
    assert!(
        s.camera_text.contains("trucks right and cranes down"),
        "{}",
        s.camera_text
    );
}

#[test]
fn zoom_animates_the_focal_length() {
    let mut b = FilmBuilder::new("Zoom");
    let loc = b.location("street", "a street", TimeOfDay::Day, Weather::Clear);
    let scene = b.scene("s", loc);
    let shot = b.shot(scene, "shot", 48);
    b.shot_mut(shot).camera.lens = Some(LensAnimation {
        from: FocalLength(35.0),
        to: Some(FocalLength(85.0)),
        start: Frames(0),
        end: Frames(48),
        ease: Ease::Linear,
        span: span(),
    });
    let s = common::plan(&b.build()).schedule.shots.remove(0);
    assert_eq!(s.camera[0].focal_mm, 35.0);
    assert!(close(s.camera[47].focal_mm, 85.0, 1e-9));
    assert!(
        s.camera_text.contains("35mm lens") && s.camera_text.contains("zooms in to 85mm"),
        "{}",
        s.camera_text
    );
}

#[test]
fn handheld_is_small_deterministic_and_seeded() {
    let s = one_shot(
        120,
        Framing::Medium,
        vec![mv(MoveKind::Handheld, 0, 120, Ease::InOut)],
    );
    let again = one_shot(
        120,
        Framing::Medium,
        vec![mv(MoveKind::Handheld, 0, 120, Ease::InOut)],
    );
    assert_eq!(s.camera, again.camera);
    let still = one_shot(120, Framing::Medium, vec![]);
    let mut moved = false;
    for (c, r) in s.camera.iter().zip(&still.camera) {
        let d = dist(c.position, r.position);
        assert!(d < 0.05, "shake of {d} m");
        assert!(
            (c.yaw - r.yaw).abs() < 0.6
                && (c.pitch - r.pitch).abs() < 0.6
                && (c.roll - r.roll).abs() < 0.6
        );
        moved |= d > 0.001;
    }
    assert!(moved);
    assert!(s.camera_text.contains("handheld camera"));
}

#[test]
fn no_move_reads_as_a_static_camera() {
    let s = one_shot(24, Framing::Closeup, vec![]);
    assert_eq!(s.camera_text, "close-up, eye level, static camera");
}

/// Screen position of a world point (fractions), for checking aims.
fn project(c: &CameraFrame, p: [f64; 3]) -> (f64, f64) {
    use scene_plan::geometry::{Pose, Vec3};
    let pose = Pose {
        position: Vec3::new(c.position[0], c.position[1], c.position[2]),
        yaw: c.yaw,
        pitch: c.pitch,
        roll: c.roll,
        focal_mm: c.focal_mm,
    };
    let (x, y, _) = pose.project(Vec3::new(p[0], p[1], p[2]), 1.5).unwrap();
    (x, y)
}
