//! Focus: the distance the lens is focused at on every frame (`focus_m` in each camera entry)
//! and the focus in words. The focus distance is measured along the lens axis from the camera
//! to the middle of the focused subject's height, so it follows the subject and the camera as
//! they move. A timed `focus on` racks from the subject before to the new one over
//! [`RACK_S`], eased in and out, as a focus puller turns the ring.

use scene_check::film::{Depth, Film, Shot, SubjectId};

use crate::blocking::Track;
use crate::camera::{apply_ease, Rig};
use crate::geometry::{Pose, Vec3};
use crate::schedule::CameraFrame;

/// How long a rack focus takes, in seconds of screen time.
pub const RACK_S: f64 = 1.0;
/// The nearest the lens focuses, in metres.
pub const NEAREST_M: f64 = 0.1;

/// Whether the shot writes anything about focus (so its schedule carries `focus_m`).
pub fn written(shot: &Shot) -> bool {
    !shot.focus.is_empty() || shot.depth != Depth::Normal
}

/// The subject in focus before the first timed `focus` (and without any): the one written
/// without a time, else the `on` subject, else the named subject nearest the opening camera.
fn first_subject(
    shot: &Shot,
    tracks: &[Track],
    opening: Option<&CameraFrame>,
) -> Option<SubjectId> {
    if let Some(k) = shot.focus.first().filter(|k| k.frame.0 == 0) {
        return Some(k.subject);
    }
    if let Some(on) = shot.camera.on {
        return Some(on);
    }
    let camera = opening?;
    tracks
        .iter()
        .filter_map(|t| {
            let d = depth_of(camera, middle(t, 0));
            (d > NEAREST_M).then_some((d, t.subject))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s)
}

fn middle(track: &Track, frame: usize) -> Vec3 {
    let feet = track
        .positions
        .get(frame)
        .or(track.positions.last())
        .copied()
        .unwrap_or(Vec3::ZERO);
    feet + Vec3::new(0.0, track.size.height / 2.0, 0.0)
}

fn depth_of(camera: &CameraFrame, point: Vec3) -> f64 {
    let [x, y, z] = camera.position;
    Pose {
        position: Vec3::new(x, y, z),
        yaw: camera.yaw,
        pitch: camera.pitch,
        roll: camera.roll,
        focal_mm: camera.focal_mm,
    }
    .depth_of(point)
}

/// Sets `focus_m` on every camera entry of a shot that writes `focus` or `depth`; leaves the
/// track untouched otherwise.
pub fn apply(shot: &Shot, rig: &Rig, tracks: &[Track], fps: u32, camera: &mut [CameraFrame]) {
    if !written(shot) {
        return;
    }
    let first = first_subject(shot, tracks, camera.first());
    // (from frame, subject): the first subject from frame 0, then each timed focus.
    let mut keys: Vec<(u32, Option<SubjectId>)> = vec![(0, first)];
    keys.extend(
        shot.focus
            .iter()
            .filter(|k| k.frame.0 > 0)
            .map(|k| (k.frame.0, Some(k.subject))),
    );
    let rack = ((RACK_S * fps.max(1) as f64).round() as u32).max(1);
    let distance = |subject: Option<SubjectId>, f: usize, cam: &CameraFrame| -> f64 {
        let d = subject
            .and_then(|s| tracks.iter().find(|t| t.subject == s))
            .map_or(rig.distance, |t| depth_of(cam, middle(t, f)));
        d.max(NEAREST_M)
    };
    for (f, cam) in camera.iter_mut().enumerate() {
        let frame = f as u32;
        let i = keys.iter().rposition(|k| k.0 <= frame).unwrap_or(0);
        let now = distance(keys[i].1, f, cam);
        let d = if i > 0 && frame < keys[i].0 + rack {
            let before = distance(keys[i - 1].1, f, cam);
            let u = (frame - keys[i].0) as f64 / rack as f64;
            before + (now - before) * apply_ease(scene_check::film::Ease::InOut, u)
        } else {
            now
        };
        cam.focus_m = Some(d);
    }
}

/// The focus in words: "shallow depth of field, focus on Aiko", "rack focus from Aiko to the
/// train", "deep focus, everything sharp"; empty when the shot says nothing about focus.
pub fn words(film: &Film, shot: &Shot) -> String {
    let name = |s: SubjectId| film.subject_name(s);
    let mut parts: Vec<String> = Vec::new();
    match shot.depth {
        Depth::Shallow => parts.push("shallow depth of field".into()),
        Depth::Deep => parts.push("deep focus, everything sharp".into()),
        Depth::Normal => {}
    }
    let first = shot
        .focus
        .first()
        .filter(|k| k.frame.0 == 0)
        .map(|k| k.subject)
        .or(shot.camera.on);
    let racks: Vec<SubjectId> = shot
        .focus
        .iter()
        .filter(|k| k.frame.0 > 0)
        .map(|k| k.subject)
        .collect();
    match (first, racks.as_slice()) {
        (Some(a), []) if !shot.focus.is_empty() => parts.push(format!("focus on {}", name(a))),
        (_, []) => {}
        (from, to) => {
            let to: Vec<String> = to.iter().map(|s| name(*s)).collect();
            let to = crate::camera::join_and(&to);
            parts.push(match from {
                Some(a) => format!("rack focus from {} to {to}", name(a)),
                None => format!("rack focus to {to}"),
            });
        }
    }
    parts.join(", ")
}
