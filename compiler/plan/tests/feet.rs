//! A written frame point is where the subject appears (docs/language.md, "Blocking"; the spec's
//! "x is the subject's centre line and always holds; y is its feet and holds in `full` and wider
//! framings"): measured through the shot's own opening camera, for every framing that frames the
//! stage, the height presets that tilt it, each side the camera can stand on, and a grid of
//! points — characters standing, a character at the end of its walk, and a prop lifted `above`
//! the ground (whose written y is the point on the ground under it).

use std::path::Path;

use scene_check::film::{Film, ShotId, SubjectId};
use scene_check::{check_entry, Checked, RealFs};
use scene_plan::blocking;
use scene_plan::camera::Rig;
use scene_plan::geometry::{Pose, Vec3};
use scene_plan::schedule::CameraFrame;

const PRELUDE: &str = r#"
import std.camera
film "Feet" { size 768x512; fps 24 }
character c0 { description "a woman in a red coat" }
character c1 { description "a man in a grey suit" }
character c2 { description "a child in a yellow raincoat" }
character c3 { description "an old man with a cane" }
character c4 { description "a cyclist" }
character c5 { description "a runner" }
prop lamp { description "a paper lantern"; dimensions 0.4m 0.6m }
location street { description "a wet street"; time night }
camera plain_full { framing full; height eye; lens 50mm }
camera plain_wide { framing wide; height eye; lens 50mm }
camera high_full { framing full; height high; lens 50mm }
camera ground_wide { framing wide; height ground; lens 35mm }
"#;

/// Presets whose framing shows the stage (full and wider), at every height a preset gives:
/// `std.camera`'s and a few of the film's own.
const CAMERAS: &[&str] = &[
    "full",
    "wide",
    "extreme_wide",
    "low_angle",
    "worms_eye",
    "birds_eye",
    "aerial",
    "plain_full",
    "plain_wide",
    "high_full",
    "ground_wide",
];
const SIDES: &[&str] = &["", " from behind", " from left", " from right"];
const XS: [f64; 5] = [0.1, 0.3, 0.5, 0.7, 0.9];
const YS: [f64; 6] = [0.75, 0.8, 0.85, 0.9, 0.95, 1.0];
const LAMP_X: f64 = 0.4;
const LAMP_ABOVE_M: f64 = 1.2;
const WALK_X: f64 = 0.2;

fn checked(body: &str) -> (tempfile::TempDir, Checked) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("film.scene");
    std::fs::write(&path, format!("{PRELUDE}{body}")).unwrap();
    let checked = check_entry(Path::new(&path), &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    (dir, checked)
}

fn pct(f: f64) -> String {
    format!("{}%", (f * 100.0).round())
}

/// One shot per camera, side (with and without `on`) and written y: five characters across the
/// frame, a lamp lifted over the ground, and a walk that ends at a written point.
fn grid() -> (String, Vec<(String, f64)>) {
    let mut body = String::from("scene s at street {\n");
    let mut shots = Vec::new();
    for camera in CAMERAS {
        for (j, side) in SIDES.iter().enumerate() {
            for on in [" on c0", ""] {
                for (k, y) in YS.iter().enumerate() {
                    let name = format!("{camera}_{j}{}_{k}", if on.is_empty() { "n" } else { "o" });
                    let y = pct(*y);
                    body.push_str(&format!(
                        "    shot {name} 1s {{\n        camera {camera}{on}{side}\n"
                    ));
                    for (i, x) in XS.iter().enumerate() {
                        body.push_str(&format!("        c{i} at ({}, {y})\n", pct(*x)));
                    }
                    body.push_str(&format!(
                        "        lamp at ({}, {y}) above {LAMP_ABOVE_M}m\n        c5 at (50%, 85%), walks to ({}, {y}) over 500ms\n    }}\n",
                        pct(LAMP_X),
                        pct(WALK_X)
                    ));
                    shots.push((format!("{camera}{on}{side}"), YS[k]));
                }
            }
        }
    }
    body.push_str("}\n");
    (body, shots)
}

fn pose(c: &CameraFrame) -> Pose {
    Pose {
        position: Vec3::new(c.position[0], c.position[1], c.position[2]),
        yaw: c.yaw,
        pitch: c.pitch,
        roll: c.roll,
        focal_mm: c.focal_mm,
    }
}

/// The worst error, over every written key of every shot, between the written point and where
/// the shot's opening camera shows it: x of the centre line, and y of the feet (for the lamp the
/// ground under its base) where the feet can be there; with the shot and subject that gave each.
/// Feet written at or above the horizon, or whose ground lies beyond 8 × the stage line, cannot
/// be seen at their y: those subjects must stand at that farthest distance (`far`, the worst
/// error of their distance along the camera's line, in metres) with their x still held.
#[derive(Default, Debug)]
struct Worst {
    x: (f64, String),
    y: (f64, String),
    /// The worst y among feet written at 85 % (`left`, `center`, `right`).
    y_stage: f64,
    far: (f64, String),
    /// Keys whose feet cannot be at their y.
    beyond: usize,
    keys: usize,
}

/// How far along the camera's line (its ground direction) the ground seen at height `y` of the
/// frame lies, when it lies in front of the camera: the spec's geometry, worked from the camera
/// alone.
fn ground_reach(camera: &Pose, y: f64) -> Option<f64> {
    let below = -(camera.pitch.to_radians() + ((1.0 - 2.0 * y) * camera.tan_half_vfov()).atan());
    (below > 0.0).then(|| camera.position.y / below.tan())
}

fn measure(film: &Film, planned: &scene_plan::FilmPlan, only: &dyn Fn(usize) -> bool) -> Worst {
    let aspect = film.size.width as f64 / film.size.height as f64;
    let mut worst = Worst::default();
    for (i, schedule) in planned.schedule.shots.iter().enumerate() {
        if !only(i) {
            continue;
        }
        let shot = film.shot(ShotId(i as u32));
        let rig = Rig::of(film, shot);
        let far = 8.0 * rig.distance;
        let tracks = blocking::tracks(film, shot, &rig, aspect, film.fps.0);
        let camera = pose(&schedule.camera[0]);
        let along = Vec3::new(
            camera.yaw.to_radians().sin(),
            0.0,
            camera.yaw.to_radians().cos(),
        );
        for b in &shot.blocking {
            let track = tracks.iter().find(|t| t.subject == b.subject).unwrap();
            for key in b.keys.iter().filter(|k| (0.0..=1.0).contains(&k.at.x)) {
                let base = track.positions[key.frame.0 as usize];
                let ground = Vec3::new(base.x, 0.0, base.z);
                let middle = base + Vec3::new(0.0, track.size.height / 2.0, 0.0);
                let (_, y, _) = camera.project(ground, aspect).unwrap();
                let (x, _, _) = camera.project(middle, aspect).unwrap();
                let name = match b.subject {
                    SubjectId::Character(c) => film.characters[c.0 as usize].id.clone(),
                    SubjectId::Prop(_) => "lamp".to_string(),
                };
                let at = format!(
                    "{} {name} written ({:.2}, {:.2}) seen ({x:.4}, {y:.4})",
                    schedule.name, key.at.x, key.at.y
                );
                worst.keys += 1;
                let ex = (x - key.at.x).abs();
                if ex > worst.x.0 {
                    worst.x = (ex, at.clone());
                }
                match ground_reach(&camera, key.at.y).filter(|r| *r <= far) {
                    Some(_) => {
                        let ey = (y - key.at.y).abs();
                        if key.at.y == 0.85 {
                            worst.y_stage = worst.y_stage.max(ey);
                        }
                        if ey > worst.y.0 {
                            worst.y = (ey, at);
                        }
                    }
                    None => {
                        worst.beyond += 1;
                        let reach = (ground - camera.position).dot(along);
                        let e = (reach - far).abs();
                        if e > worst.far.0 {
                            worst.far = (e, format!("{at}: {reach:.3} m, not {far:.3} m"));
                        }
                    }
                }
            }
        }
    }
    worst
}

#[test]
fn written_feet_and_centre_line_hold_in_full_and_wider_framings() {
    let (body, shots) = grid();
    let (_dir, checked) = checked(&body);
    let planned = scene_plan::plan(
        &checked.film,
        &scene_voice::ReadingSpeed::new("not a speech test"),
    );
    assert_eq!(planned.schedule.shots.len(), shots.len());
    // Per camera, so that a failure says which preset and side is off and by how much.
    let mut report = Vec::new();
    let mut failed = false;
    for camera in CAMERAS {
        let worst = measure(&checked.film, &planned, &|i| {
            shots[i].0.split(' ').next() == Some(camera)
        });
        report.push(format!(
            "{camera:>12}: x {:.2e} ({}), y {:.2e} ({}), y at 85 % {:.2e}; {}/{} beyond the \
             ground, distance off by {:.2e} ({})",
            worst.x.0,
            worst.x.1,
            worst.y.0,
            worst.y.1,
            worst.y_stage,
            worst.beyond,
            worst.keys,
            worst.far.0,
            worst.far.1
        ));
        failed |= worst.x.0 > 1e-6 || worst.y.0 > 1e-6 || worst.far.0 > 1e-6;
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        !failed,
        "written points do not hold:\n{}",
        report.join("\n")
    );
}

/// The world tracks of the first shot of `body`, with its rig and opening camera.
fn first_shot(body: &str) -> (Rig, Vec<blocking::Track>, Pose, Film) {
    let (_dir, checked) = checked(body);
    let film = checked.film;
    let planned = scene_plan::plan(&film, &scene_voice::ReadingSpeed::new("not a speech test"));
    let shot = film.shot(ShotId(0));
    let rig = Rig::of(&film, shot);
    let aspect = film.size.width as f64 / film.size.height as f64;
    let tracks = blocking::tracks(&film, shot, &rig, aspect, film.fps.0);
    let camera = pose(&planned.schedule.shots[0].camera[0]);
    (rig, tracks, camera, film)
}

fn base_of(film: &Film, tracks: &[blocking::Track], id: &str) -> Vec3 {
    let c = film.characters.iter().position(|c| c.id == id).unwrap();
    let t = tracks
        .iter()
        .find(|t| t.subject == SubjectId::Character(scene_check::film::CharacterId(c as u32)))
        .unwrap();
    t.positions[0]
}

#[test]
fn feet_at_or_above_the_horizon_stand_as_far_as_the_stage_allows_with_x_held() {
    // A wide frame at eye level on a 50mm lens looks up at its aim height: the horizon is about
    // 61 % down the frame. c0's feet are above it, c1's just below it (their ground lies beyond
    // 8 × the stage line), c2's well below.
    let (rig, tracks, camera, film) = first_shot(
        "scene s at street {\n    shot a 1s {\n        camera plain_wide\n        c0 at (30%, 40%)\n        c1 at (70%, 63%)\n        c2 at (50%, 90%)\n    }\n}\n",
    );
    let aspect = 1.5;
    let far = rig.distance * 8.0;
    for (id, x, y, clamped) in [
        ("c0", 0.3, 0.4, true),
        ("c1", 0.7, 0.63, true),
        ("c2", 0.5, 0.9, false),
    ] {
        let base = base_of(&film, &tracks, id);
        let middle = base + Vec3::new(0.0, 0.85, 0.0);
        let (sx, _, _) = camera.project(middle, aspect).unwrap();
        assert!(
            (sx - x).abs() < 1e-9,
            "{id}: centre line at {sx}, written {x}"
        );
        let (_, sy, _) = camera.project(base, aspect).unwrap();
        if clamped {
            assert!(
                (base.z - far).abs() < 1e-9,
                "{id}: {} m, not {far} m",
                base.z
            );
            // The ground is seen no higher than the far limit, below where it was written.
            assert!(sy > y, "{id}: feet at {sy}, not below {y}");
        } else {
            assert!((sy - y).abs() < 1e-9, "{id}: feet at {sy}, written {y}");
            assert!(base.z < far);
        }
    }
}

#[test]
fn closer_framings_keep_their_own_height_and_the_stage_line() {
    // A medium frame shows the face, not the feet: a point at 85 % stands on the stage line and
    // higher points farther by the level camera's rule, as before.
    let (rig, tracks, _, film) = first_shot(
        "scene s at street {\n    shot a 1s {\n        camera medium\n        c0 at (30%, 85%)\n        c1 at (70%, 70%)\n    }\n}\n",
    );
    let c0 = base_of(&film, &tracks, "c0");
    let c1 = base_of(&film, &tracks, "c1");
    assert!(
        (c0.z - rig.distance).abs() < 1e-9,
        "{} vs {}",
        c0.z,
        rig.distance
    );
    let expected = rig.distance * (0.85 - 0.5) / (0.7 - 0.5);
    assert!((c1.z - expected).abs() < 1e-9, "{} vs {expected}", c1.z);
}

#[test]
fn an_on_subject_placed_nowhere_keeps_the_stage_view_so_written_feet_hold() {
    // c0 is only looked at: it stands at `center`, and the camera keeps the stage view, so c1's
    // written feet hold too (aiming at c0's middle would tilt the frame off them).
    for camera in ["full", "birds_eye", "worms_eye"] {
        let (_, tracks, view, film) = first_shot(&format!(
            "scene s at street {{\n    shot a 1s {{\n        camera {camera} on c0\n        c1 at (30%, 90%)\n    }}\n}}\n"
        ));
        for (id, x, y) in [("c0", 0.5, 0.85), ("c1", 0.3, 0.9)] {
            let base = base_of(&film, &tracks, id);
            let (_, sy, _) = view.project(base, 1.5).unwrap();
            let (sx, _, _) = view.project(base + Vec3::new(0.0, 0.85, 0.0), 1.5).unwrap();
            assert!(
                (sx - x).abs() < 1e-9 && (sy - y).abs() < 1e-9,
                "{camera}: {id} seen at ({sx}, {sy}), written ({x}, {y})"
            );
        }
    }
}
