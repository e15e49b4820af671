//! Where the camera stands (docs/camera-model.md, "Where the camera stands"): the side of its
//! subject (`from`), a subject in the near foreground (`past`), a character's eyes (`pov of`),
//! travelling with a subject (`follow`) and turning to hold one in frame (`keep`); each
//! subject's facing as the camera sees it; and all of it in words.
//!
//! Architecture Invariant: a shot that writes none of these plans exactly as before — every
//! function here is an exact no-op then (no arithmetic on the camera at all), so the schedules
//! of films without them stay byte-identical.

use scene_check::film::{Film, MoveKind, Shot, SubjectId, ViewSide};

use crate::blocking::Track;
use crate::camera::{normalize_degrees, Opening, Rig, Stage, PERSON_HEIGHT_M};
use crate::geometry::{aim, Pose, Vec3};
use crate::hands;
use crate::schedule::CameraFrame;

/// A character's eye line above its feet, where `pov of` puts the camera.
pub const EYE_M: f64 = 1.6;
/// How far in front of its own face the `pov` camera stands, so that the character's own body
/// is behind the lens.
const POV_FORWARD_M: f64 = 0.2;
/// How far along the camera's line to the `on` subject a `past` subject stands (0: at the
/// camera, 1: beside the subject).
pub const PAST_DEPTH: f64 = 0.4;
/// Where across the frame a `past` subject's middle stands when it has no written point: near
/// the edge it is nearest, its shoulder in the frame and most of it outside.
pub const PAST_EDGE: f64 = 0.1;

/// The yaw by which `from SIDE` swings the camera about its subject, clockwise seen from
/// above (as `orbit` turns): a subject faces the front camera, so its right hand is on the
/// camera's left, and standing at its right is a quarter turn clockwise.
pub fn side_degrees(side: Option<ViewSide>) -> f64 {
    match side {
        None | Some(ViewSide::Front) => 0.0,
        Some(ViewSide::Right) => 90.0,
        Some(ViewSide::Left) => -90.0,
        Some(ViewSide::Behind) => 180.0,
    }
}

/// `p` turned about the vertical through `centre` by `degrees`, clockwise seen from above:
/// `(x, z) ↦ (x cos φ + z sin φ, −x sin φ + z cos φ)` about the centre, as an orbit moves.
/// A zero turn returns `p` untouched (not recomputed), so unturned shots keep their bytes.
pub fn swing(p: Vec3, centre: Vec3, degrees: f64) -> Vec3 {
    if degrees == 0.0 {
        return p;
    }
    let (s, c) = degrees.to_radians().sin_cos();
    let (dx, dz) = (p.x - centre.x, p.z - centre.z);
    Vec3::new(centre.x + dx * c + dz * s, p.y, centre.z - dx * s + dz * c)
}

/// `from SIDE`: the stage is laid out as the front camera sees it, and [`crate::camera::opening`]
/// swings the camera about the `on` subject (the stage target without one). Every track swings
/// with it, by the same turn about the same centre, so that a written point is where the subject
/// appears from whichever side the camera stands on (docs/language.md, "Where the camera
/// stands"): a walk to the right of the frame still ends at the right. What the turn leaves
/// behind is the set, the lights and each subject's facing (still subjects face the front
/// camera, so from behind the camera sees their backs). Facings and held props are worked out
/// after this, from the swung tracks.
pub fn swing_stage(shot: &Shot, rig: &Rig, tracks: &mut [Track]) {
    let side = side_degrees(shot.camera.side);
    if side == 0.0 || shot.camera.pov.is_some() {
        return;
    }
    let on = shot.camera.on.and_then(|x| {
        tracks
            .iter()
            .find(|t| t.subject == x)
            .and_then(|t| t.positions.first().copied())
    });
    let centre = on.unwrap_or_else(|| rig.stage_target());
    for track in tracks.iter_mut() {
        for p in &mut track.positions {
            *p = swing(*p, centre, side);
        }
    }
}

/// A subject's base at every frame, as the stage has it.
fn positions(stage: &dyn Stage, subject: SubjectId, frames: u32) -> Vec<Vec3> {
    (0..frames.max(1))
        .map(|f| stage.position(subject, f).unwrap_or(Vec3::ZERO))
        .collect()
}

/// The yaw that looks along a ground direction.
fn yaw_of(d: Vec3) -> f64 {
    d.x.atan2(d.z).to_degrees()
}

/// The point whose place in frame `keep` holds, and `pov … on` looks at: the middle of the
/// subject's height.
fn middle(stage: &dyn Stage, subject: SubjectId, frame: u32) -> Option<Vec3> {
    let base = stage.position(subject, frame)?;
    let height = stage.prop_height(subject).unwrap_or(PERSON_HEIGHT_M);
    Some(base + Vec3::new(0.0, height / 2.0, 0.0))
}

/// `camera pov of X [on Y]`: the camera in X's eyes, looking where X faces (at Y with `on`).
pub fn pov_opening(shot: &Shot, rig: &Rig, stage: &dyn Stage) -> Option<Opening> {
    let x = SubjectId::Character(shot.camera.pov?);
    let feet = positions(stage, x, shot.frames.0);
    let facing = hands::facings(&feet, &rig.stage_view())[0];
    let eye = feet[0] + Vec3::new(0.0, EYE_M, 0.0) + facing * POV_FORWARD_M;
    let looked_at = shot.camera.on.and_then(|y| middle(stage, y, 0));
    let target = looked_at.unwrap_or(eye + facing * rig.distance);
    let (yaw, pitch) = aim(eye, target);
    Some(Opening {
        position: eye,
        target,
        yaw,
        pitch,
    })
}

/// What carries the camera along with a subject: `follow X` (its ground motion while the move
/// runs) and `pov of X` (its eyes, and where it faces when it looks at nothing in particular).
pub struct Carried {
    /// For each `follow`: the subject's base at every frame, and the move's first and last frame.
    follows: Vec<(Vec<Vec3>, u32, u32)>,
    /// For `pov of`: the character's base and facing yaw at every frame, and whether the camera
    /// turns with the facing (it does unless `on` gives it something to look at).
    pov: Option<(Vec<Vec3>, Vec<f64>, bool)>,
}

impl Carried {
    pub fn of(shot: &Shot, rig: &Rig, stage: &dyn Stage) -> Carried {
        let frames = shot.frames.0;
        let follows = shot
            .camera
            .moves
            .iter()
            .filter_map(|m| match m.kind {
                MoveKind::Follow(x) => Some((
                    positions(stage, x, frames),
                    m.start.0,
                    m.end.0.max(m.start.0 + 1) - 1,
                )),
                _ => None,
            })
            .collect();
        let pov = shot.camera.pov.map(|c| {
            let feet = positions(stage, SubjectId::Character(c), frames);
            let yaws = hands::facings(&feet, &rig.stage_view())
                .into_iter()
                .map(yaw_of)
                .collect();
            (feet, yaws, shot.camera.on.is_none())
        });
        Carried { follows, pov }
    }

    /// `pose` carried along at `frame`.
    pub fn apply(&self, mut pose: Pose, frame: u32) -> Pose {
        for (feet, first, last) in &self.follows {
            let at = |f: u32| feet[(f as usize).min(feet.len() - 1)];
            let moved = at(frame.clamp(*first, *last)) - at(*first);
            pose.position = pose.position + Vec3::new(moved.x, 0.0, moved.z);
        }
        if let Some((feet, yaws, turns)) = &self.pov {
            let i = (frame as usize).min(feet.len() - 1);
            pose.position = pose.position + (feet[i] - feet[0]);
            if *turns {
                pose.yaw = normalize_degrees(pose.yaw + (yaws[i] - yaws[0]));
            }
        }
        pose
    }
}

/// `keep X` (and `pov of X on Y`, which keeps Y): the yaw and pitch that hold the centre of
/// the subject's box where it was in frame when the keeping began, whatever else moves the
/// camera.
pub struct Kept<'a> {
    stage: &'a dyn Stage,
    aspect: f64,
    /// Subject, first frame, last frame, and where its box's centre was on the first.
    keeps: Vec<(SubjectId, u32, u32, (f64, f64))>,
}

impl<'a> Kept<'a> {
    pub fn of(
        shot: &Shot,
        stage: &'a dyn Stage,
        aspect: f64,
        pose: &dyn Fn(u32) -> Pose,
    ) -> Kept<'a> {
        let last_frame = shot.frames.0.max(1) - 1;
        let mut spans: Vec<(SubjectId, u32, u32)> = shot
            .camera
            .moves
            .iter()
            .filter_map(|m| match m.kind {
                MoveKind::Keep(x) => Some((x, m.start.0, m.end.0.max(m.start.0 + 1) - 1)),
                _ => None,
            })
            .collect();
        if let (Some(_), Some(y)) = (shot.camera.pov, shot.camera.on) {
            spans.push((y, 0, last_frame));
        }
        let keeps = spans
            .into_iter()
            .filter_map(|(x, first, last)| {
                let at = screen_centre(stage, x, first, pose(first), aspect)?;
                Some((x, first, last, at))
            })
            .collect();
        Kept {
            stage,
            aspect,
            keeps,
        }
    }

    /// `pose` (the camera at `frame` before keeping) turned to keep each subject; after a
    /// keep ends, the camera holds the turn it had on its last frame. `pose_at` gives the
    /// un-kept camera at another frame.
    pub fn apply(&self, mut pose: Pose, frame: u32, pose_at: &dyn Fn(u32) -> Pose) -> Pose {
        if self.keeps.is_empty() {
            return pose;
        }
        for &(x, first, last, at) in &self.keeps {
            if frame < first {
                continue;
            }
            if frame <= last {
                pose = self.turn_to(pose, x, frame, at);
            } else {
                let before = pose_at(last);
                let kept = self.turn_to(before, x, last, at);
                pose.yaw = normalize_degrees(pose.yaw + (kept.yaw - before.yaw));
                pose.pitch += kept.pitch - before.pitch;
            }
        }
        pose
    }

    /// `pose` panned and tilted until the subject's box is centred on `at`: near the middle of
    /// the frame a turn moves the picture by the tangent of its angle, so each step takes the
    /// angle whose tangent covers what is left, and a few steps are exact to far below a pixel.
    fn turn_to(&self, mut pose: Pose, x: SubjectId, frame: u32, at: (f64, f64)) -> Pose {
        let tan_v = pose.tan_half_vfov();
        let tan_h = tan_v * self.aspect;
        for _ in 0..8 {
            let Some((sx, sy)) = screen_centre(self.stage, x, frame, pose, self.aspect) else {
                break;
            };
            pose.yaw =
                normalize_degrees(pose.yaw + ((sx - at.0) * 2.0 * tan_h).atan().to_degrees());
            pose.pitch -= ((sy - at.1) * 2.0 * tan_v).atan().to_degrees();
        }
        pose
    }
}

/// The centre of a subject's box seen by `pose` (a character's as its box is drawn; a prop's
/// middle), or `None` when it is behind the camera.
fn screen_centre(
    stage: &dyn Stage,
    subject: SubjectId,
    frame: u32,
    pose: Pose,
    aspect: f64,
) -> Option<(f64, f64)> {
    match stage.prop_height(subject) {
        Some(_) => {
            let (x, y, _) = pose.project(middle(stage, subject, frame)?, aspect)?;
            Some((x, y))
        }
        None => {
            let camera = CameraFrame {
                position: pose.position.to_array(),
                yaw: pose.yaw,
                pitch: pose.pitch,
                roll: pose.roll,
                focal_mm: pose.focal_mm,
                focus_m: None,
            };
            let b = crate::blocking::screen_box(&camera, stage.position(subject, frame)?, aspect);
            (b[2] > 0.0).then(|| (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0))
        }
    }
}

/// Whether the shot says where its camera stands relative to its subjects, so that the
/// schedule carries which side of each subject the camera sees.
pub fn states_a_side(shot: &Shot) -> bool {
    let c = &shot.camera;
    c.side.is_some()
        || c.past.is_some()
        || c.pov.is_some()
        || c.moves
            .iter()
            .any(|m| matches!(m.kind, MoveKind::Follow(_)))
}

/// `past Y`: Y stands in the near foreground between the opening camera and the `on` subject,
/// at the frame edge nearest where it stood (or where its written point puts it across the
/// frame), its own motion kept; it faces the `on` subject.
pub fn place_past(
    shot: &Shot,
    rig: &Rig,
    aspect: f64,
    written_x: Option<f64>,
    tracks: &mut [Track],
) {
    let (Some(y), Some(x)) = (shot.camera.past, shot.camera.on) else {
        return;
    };
    let stage = crate::blocking::StageTracks(tracks);
    let open = crate::camera::opening(shot, rig, &stage, aspect);
    let (Some(x0), Some(y0)) = (stage.position(x, 0), stage.position(y, 0)) else {
        return;
    };
    let pose = Pose {
        position: open.position,
        yaw: open.yaw,
        pitch: open.pitch,
        roll: 0.0,
        focal_mm: rig.focal_mm,
    };
    let across = written_x.unwrap_or_else(|| {
        let screen = |p: Vec3| pose.project(p, aspect).map_or(0.5, |(sx, _, _)| sx);
        if screen(y0) > screen(x0) {
            1.0 - PAST_EDGE
        } else {
            PAST_EDGE
        }
    });
    let b = pose.basis();
    let flat = |v: Vec3| {
        let len = (v.x * v.x + v.z * v.z).sqrt().max(1e-9);
        Vec3::new(v.x / len, 0.0, v.z / len)
    };
    let forward = flat(b.forward);
    let right = Vec3::new(forward.z, 0.0, -forward.x);
    let to_x = x0 - open.position;
    let depth = (to_x.x * forward.x + to_x.z * forward.z) * PAST_DEPTH;
    let half_width = pose.tan_half_vfov() * aspect * depth;
    let ground = Vec3::new(open.position.x, 0.0, open.position.z) + forward * depth;
    // Y's box is centred on `across`: a first guess on the level, then corrections for the
    // camera's pitch and the body's depth (the nearest corners of a close billboard reach
    // farthest across), each measured on the box itself.
    let frame = CameraFrame {
        position: pose.position.to_array(),
        yaw: pose.yaw,
        pitch: pose.pitch,
        roll: 0.0,
        focal_mm: pose.focal_mm,
        focus_m: None,
    };
    let mut offset = (2.0 * across - 1.0) * half_width;
    if let Some(track) = tracks.iter().find(|t| t.subject == y) {
        for _ in 0..6 {
            let b = crate::blocking::track_box(track, &frame, ground + right * offset, aspect);
            if b[2] <= 0.0 {
                break;
            }
            let sx = b[0] + b[2] / 2.0;
            offset += (across - sx) * 2.0 * pose.tan_half_vfov() * aspect * depth;
        }
    }
    let place = ground + right * offset;
    if let Some(track) = tracks.iter_mut().find(|t| t.subject == y) {
        let start = track.positions[0];
        for p in &mut track.positions {
            *p = place + (*p - start);
        }
    }
}

/// The side of each subject the camera sees at every frame, in degrees: 0 its face, 180 its
/// back, 90 its right side, −90 its left. A subject faces the front camera until it moves,
/// then where it goes (as a hand carries a prop, [`hands::facings`]); a `past` subject faces
/// the subject the camera looks at.
pub fn view_degrees(
    shot: &Shot,
    rig: &Rig,
    track: &Track,
    tracks: &[Track],
    camera: &[CameraFrame],
) -> Vec<f64> {
    let front = rig.stage_view();
    let toward = match (shot.camera.past, shot.camera.on) {
        (Some(y), Some(x)) if y == track.subject => tracks
            .iter()
            .find(|t| t.subject == x)
            .and_then(|t| t.positions.first())
            .map(|p| Pose {
                position: *p,
                ..front
            }),
        _ => None,
    };
    let facings = hands::facings(&track.positions, &toward.unwrap_or(front));
    camera
        .iter()
        .zip(&track.positions)
        .zip(&facings)
        .map(|((c, feet), facing)| {
            let to_camera = Vec3::new(c.position[0] - feet.x, 0.0, c.position[2] - feet.z);
            // The subject's right hand, for a subject facing `facing`.
            let right = Vec3::new(facing.z, 0.0, -facing.x);
            to_camera
                .dot(right)
                .atan2(to_camera.dot(*facing))
                .to_degrees()
        })
        .collect()
}

/// The framing in words with what it is on and from where: "medium shot on Aiko, seen from
/// behind", "medium shot over the shoulder of Kenji onto Aiko", "point-of-view shot through
/// Aiko's eyes".
pub fn framed(film: &Film, shot: &Shot, framing: &str) -> String {
    let c = &shot.camera;
    let name = |s: SubjectId| film.subject_name(s);
    if let Some(eyes) = c.pov {
        let who = film.character(eyes).name.clone();
        return match c.on {
            Some(on) => format!(
                "point-of-view shot through {who}'s eyes, looking at {}",
                name(on)
            ),
            None => format!("point-of-view shot through {who}'s eyes"),
        };
    }
    let mut text = match (c.on, c.past) {
        (Some(on), Some(past)) => format!(
            "{framing} over the shoulder of {} onto {}",
            name(past),
            name(on)
        ),
        (Some(on), None) => format!("{framing} on {}", name(on)),
        _ => framing.to_string(),
    };
    let whose = c.on.map(name);
    let side = match (c.side, whose) {
        (Some(ViewSide::Behind), _) => Some("seen from behind".to_string()),
        (Some(ViewSide::Left), Some(w)) => Some(format!("seen in profile from {w}'s left")),
        (Some(ViewSide::Right), Some(w)) => Some(format!("seen in profile from {w}'s right")),
        (Some(ViewSide::Left), None) => Some("seen in profile from the left".to_string()),
        (Some(ViewSide::Right), None) => Some("seen in profile from the right".to_string()),
        (Some(ViewSide::Front), _) | (None, _) => None,
    };
    if let Some(side) = side {
        text.push_str(", ");
        text.push_str(&side);
    }
    text
}
