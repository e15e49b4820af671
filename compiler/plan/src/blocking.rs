//! Characters and props on the stage: stage keys become world positions, and every frame's
//! camera projects them to screen boxes, so pans, dollies and orbits move and scale the boxes
//! exactly as a 3D renderer would show them (docs/camera-model.md, "Subjects"). A character is a
//! 0.5 m × 1.7 m figure; a prop is as big as its `dimensions` say, lifted by its `above`, and
//! carried in a hand while it is held (`holds`).

use scene_check::film::{Film, MoveKind, Shot, StagePoint, SubjectId};

use crate::camera::{frames_the_stage, Rig, Stage, PERSON_HEIGHT_M, PERSON_WIDTH_M, STAGE_FEET_Y};
use crate::geometry::{Pose, Vec3, NEAR_M};
use crate::hands;
use crate::schedule::CameraFrame;

/// Where a subject stands when the shot places it nowhere.
const DEFAULT_POINT: StagePoint = StagePoint {
    x: 0.5,
    y: STAGE_FEET_Y,
    depth: 1.0,
    above: 0.0,
};
/// The nearest and farthest a stage point's height in the frame may move it, as a factor of the
/// stage line's distance (full and wider framings reach nearer when the written feet are there).
const DEPTH_FACTOR_RANGE: (f64, f64) = (0.5, 8.0);
/// Extra clearance beyond the frame edge for off-screen stage points.
const OFF_SCREEN_MARGIN_M: f64 = 0.05;
/// The box of a character wholly behind the camera: empty, and left of the frame.
pub const BEHIND_CAMERA: [f64; 4] = [-1.0, 0.0, 0.0, 0.0];

/// How big a subject is, in metres: a person, or a prop's `dimensions`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

impl Size {
    pub const PERSON: Size = Size {
        width: PERSON_WIDTH_M,
        height: PERSON_HEIGHT_M,
    };

    /// The size of `subject` in `film`.
    pub fn of(film: &Film, subject: SubjectId) -> Size {
        match subject {
            SubjectId::Character(_) => Size::PERSON,
            SubjectId::Prop(p) => {
                let d = film.prop(p).dimensions;
                Size {
                    width: d.width.0,
                    height: d.height.0,
                }
            }
        }
    }
}

/// The world position of a stage point: the middle of the subject's base, `above` metres over
/// the ground (0 for a character's feet).
///
/// The point's `y` (the feet's height in the frame) says how far along the stage the subject
/// stands ([`distance_factor`]): in full and wider framings exactly where the stage view's ray
/// through the point meets the ground, so the feet are seen at `y`; in closer framings, which
/// frame the face and not the feet, by a level camera's rule of thumb. `depth` multiplies that
/// distance. `above` lifts a prop off the ground point its `y` names. The point's `x` is a
/// fraction of the stage view's width at the depth of the subject's middle, so its centre line
/// is seen at `x`. Points outside 0..1 across (entrances and exits) stand beyond that edge by
/// their overshoot plus half the subject's width and a margin, so they are wholly out of the
/// stage view whatever the framing.
pub fn place(rig: &Rig, view: &Pose, aspect: f64, p: StagePoint, size: Size) -> Vec3 {
    let depth = if p.depth.is_finite() && p.depth > 0.0 {
        p.depth
    } else {
        1.0
    };
    let z = rig.distance * depth * distance_factor(rig, view, p.y);

    let tan_h = view.tan_half_vfov() * aspect;
    let above = if p.above.is_finite() { p.above } else { 0.0 };
    let feet = Vec3::new(0.0, above, z);
    let head = Vec3::new(0.0, above + size.height, z);
    let across = |x: f64, at_depth: f64| (2.0 * x - 1.0) * tan_h * at_depth.max(0.1);
    let x = if (0.0..=1.0).contains(&p.x) {
        // On screen: the body's middle lands exactly at `x`.
        across(p.x, view.depth_of(feet.lerp(head, 0.5)))
    } else {
        // Off screen: measured at whichever end of the body is deepest in view (it sits nearest
        // the frame edge), then pushed out by half the subject.
        let d = view.depth_of(feet).max(view.depth_of(head));
        let edge = p.x.clamp(0.0, 1.0);
        let side = if p.x < 0.0 { -1.0 } else { 1.0 };
        across(edge, d)
            + (p.x - edge) * 2.0 * tan_h * d.max(0.1)
            + side * (size.width / 2.0 + OFF_SCREEN_MARGIN_M)
    };
    Vec3::new(x, above, z)
}

/// How far along the stage (the stage view's z) a subject whose feet are written at `y` in the
/// frame stands, as a factor of the stage line's distance.
///
/// Full and wider framings show the feet, and the spec holds them there: the ray from the stage
/// view through height `y` of the frame meets the ground at exactly that distance (the stage
/// view has neither yaw nor roll, so the height alone decides it, whatever the x). A ray at or
/// above the horizon never meets the ground in front of the camera; its subject stands at the
/// farthest distance of [`DEPTH_FACTOR_RANGE`], as does one whose ray meets the ground beyond
/// it. A ray that meets the ground behind the camera (only a wide lens looking steeply down
/// does that) stands at the nearest. Closer framings keep the height their framing gives, and
/// place by how a level camera sees the ground: feet at [`STAGE_FEET_Y`] on the stage line,
/// higher feet farther away by `(0.85 − 0.5) / (y − 0.5)`, within [`DEPTH_FACTOR_RANGE`].
pub fn distance_factor(rig: &Rig, view: &Pose, y: f64) -> f64 {
    let (near, far) = DEPTH_FACTOR_RANGE;
    if frames_the_stage(rig.framing) {
        return match ground_seen(rig, view, y) {
            Ground::At(k) => k,
            Ground::Beyond => far,
            Ground::Behind => near,
        };
    }
    let lift = y - 0.5;
    let k = if lift > 1e-6 {
        (STAGE_FEET_Y - 0.5) / lift
    } else {
        far
    };
    k.clamp(near, far)
}

/// Where the stage view's ray through height `y` of the frame meets the ground.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ground {
    /// In front of the camera, at this factor of the stage line's distance (at most the
    /// farthest of [`DEPTH_FACTOR_RANGE`]).
    At(f64),
    /// Nowhere in front of the camera (the height is at or above the horizon), or farther than
    /// the stage reaches.
    Beyond,
    /// Behind the camera: only a wide lens looking steeply down casts such a ray.
    Behind,
}

/// The ground seen at height `y` of the stage view's frame, on its vertical centre line (the
/// stage view has neither yaw nor roll, so the height alone decides the distance).
pub fn ground_seen(rig: &Rig, view: &Pose, y: f64) -> Ground {
    let b = view.basis();
    // `Pose::project` inverted: the direction seen at height `y`.
    let ray = b.forward + b.up * ((1.0 - 2.0 * y) * view.tan_half_vfov());
    if ray.y.is_nan() || ray.y >= 0.0 || rig.distance <= 0.0 {
        return Ground::Beyond;
    }
    let z = view.position.z - ray.z * view.position.y / ray.y;
    let k = z / rig.distance;
    if !k.is_finite() || k > DEPTH_FACTOR_RANGE.1 {
        Ground::Beyond
    } else if k <= 0.0 {
        Ground::Behind
    } else {
        Ground::At(k)
    }
}

/// A subject's base (a character's feet, a prop's bottom middle) at every frame of a shot.
#[derive(Clone, Debug)]
pub struct Track {
    pub subject: SubjectId,
    pub size: Size,
    pub positions: Vec<Vec3>,
}

/// Characters and props of a shot in order of first mention, with their world tracks. The
/// camera's `on` subject and an orbit's centre are subjects too, standing at the centre when
/// unblocked. Held props ride in their holders' hands ([`hands`]).
pub fn tracks(film: &Film, shot: &Shot, rig: &Rig, aspect: f64, fps: u32) -> Vec<Track> {
    let view = rig.stage_view();
    let frames = shot.frames.0 as usize;
    let mut tracks: Vec<Track> = Vec::new();
    let mut unplaced: Vec<SubjectId> = Vec::new();
    for blocking in &shot.blocking {
        if tracks.iter().any(|t| t.subject == blocking.subject) {
            continue;
        }
        let size = Size::of(film, blocking.subject);
        let keys: Vec<(u32, Vec3)> = blocking
            .keys
            .iter()
            .map(|k| (k.frame.0, place(rig, &view, aspect, k.at, size)))
            .collect();
        let positions = if keys.is_empty() {
            unplaced.push(blocking.subject);
            vec![place(rig, &view, aspect, DEFAULT_POINT, size); frames]
        } else {
            (0..frames as u32).map(|f| interpolate(&keys, f)).collect()
        };
        tracks.push(Track {
            subject: blocking.subject,
            size,
            positions,
        });
    }
    let implied = shot
        .camera
        .on
        .into_iter()
        .chain(shot.camera.moves.iter().filter_map(|m| match m.kind {
            MoveKind::Orbit { around, .. } => around,
            MoveKind::Follow(x) | MoveKind::Keep(x) => Some(x),
            _ => None,
        }))
        .chain(shot.camera.past)
        .chain(shot.camera.pov.map(SubjectId::Character))
        .chain(shot.focus.iter().map(|k| k.subject));
    for subject in implied {
        if !tracks.iter().any(|t| t.subject == subject) {
            let size = Size::of(film, subject);
            tracks.push(Track {
                subject,
                size,
                positions: vec![place(rig, &view, aspect, DEFAULT_POINT, size); frames],
            });
        }
    }
    crate::viewpoint::swing_stage(shot, rig, &mut tracks);
    if !shot.holds.is_empty() {
        hands::carry(shot, &view, &unplaced, fps, &mut tracks);
    }
    if let Some(past) = shot.camera.past {
        let written = crate::camera::written_x(shot, past);
        crate::viewpoint::place_past(shot, rig, aspect, written, &mut tracks);
    }
    tracks
}

/// Linear between keys, constant before the first and after the last.
fn interpolate(keys: &[(u32, Vec3)], frame: u32) -> Vec3 {
    let Some(&(first_frame, first)) = keys.first() else {
        return Vec3::ZERO;
    };
    if frame <= first_frame {
        return first;
    }
    for pair in keys.windows(2) {
        let ((f0, p0), (f1, p1)) = (pair[0], pair[1]);
        if frame < f1 {
            if f1 <= f0 {
                return p1;
            }
            return p0.lerp(p1, (frame - f0) as f64 / (f1 - f0) as f64);
        }
    }
    keys.last().map(|k| k.1).unwrap_or(first)
}

/// The character's box `[x, y, w, h]` seen by `camera`: the bounds of a person-sized billboard
/// (0.5 m × 1.7 m) standing at `feet` and facing the camera.
pub fn screen_box(camera: &CameraFrame, feet: Vec3, aspect: f64) -> [f64; 4] {
    billboard_box(camera, feet, Size::PERSON, aspect, false)
}

/// The box of a billboard `size` big whose base's middle is at `base`, facing the camera. A
/// character any corner of which is behind the camera fills no honest box ([`BEHIND_CAMERA`]).
/// A prop may be much bigger than the view (a 60 m train beside the camera), so with `clip` its
/// billboard is cut at the camera's near plane and the part in front is boxed: what is left of
/// it still fills the frame it covers.
fn billboard_box(
    camera: &CameraFrame,
    feet: Vec3,
    size: Size,
    aspect: f64,
    clip: bool,
) -> [f64; 4] {
    let [x, y, z] = camera.position;
    let pose = Pose {
        position: Vec3::new(x, y, z),
        yaw: camera.yaw,
        pitch: camera.pitch,
        roll: camera.roll,
        focal_mm: camera.focal_mm,
    };
    let to_feet = feet - pose.position;
    let flat = (to_feet.x * to_feet.x + to_feet.z * to_feet.z).sqrt();
    // Right of the line of sight, on the ground plane.
    let side = if flat > 1e-9 {
        Vec3::new(to_feet.z / flat, 0.0, -to_feet.x / flat)
    } else {
        pose.basis().right
    };
    let half = side * (size.width / 2.0);
    let up = Vec3::new(0.0, size.height, 0.0);
    let corners = [feet - half, feet + half, feet - half + up, feet + half + up];
    let mut projected: Vec<(f64, f64)> = corners
        .iter()
        .filter_map(|c| pose.project(*c, aspect))
        .map(|(sx, sy, _)| (sx, sy))
        .collect();
    if projected.len() < corners.len() {
        if !clip {
            // Part of the body is behind the camera: it fills no honest box on screen.
            return BEHIND_CAMERA;
        }
        // Walk the quad's outline and keep what lies in front of the near plane, with the points
        // where its edges cross the plane.
        let outline = [corners[0], corners[1], corners[3], corners[2]];
        let depth = |p: Vec3| pose.depth_of(p) - NEAR_M * 1.001;
        projected.clear();
        for i in 0..outline.len() {
            let (a, b) = (outline[i], outline[(i + 1) % outline.len()]);
            let (da, db) = (depth(a), depth(b));
            if da >= 0.0 {
                projected.extend(pose.project(a, aspect).map(|(x, y, _)| (x, y)));
            }
            if (da >= 0.0) != (db >= 0.0) {
                let t = da / (da - db);
                projected.extend(pose.project(a.lerp(b, t), aspect).map(|(x, y, _)| (x, y)));
            }
        }
        if projected.is_empty() {
            return BEHIND_CAMERA;
        }
    }
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for (sx, sy) in projected {
        x0 = x0.min(sx);
        y0 = y0.min(sy);
        x1 = x1.max(sx);
        y1 = y1.max(sy);
    }
    [x0, y0, x1 - x0, y1 - y0]
}

/// True when a box overlaps the frame.
pub fn in_frame(b: [f64; 4]) -> bool {
    b[2] > 0.0 && b[3] > 0.0 && b[0] < 1.0 && b[0] + b[2] > 0.0 && b[1] < 1.0 && b[1] + b[3] > 0.0
}

/// The stage as the camera sees it: subject positions by frame.
pub struct StageTracks<'a>(pub &'a [Track]);

impl Stage for StageTracks<'_> {
    fn position(&self, subject: SubjectId, frame: u32) -> Option<Vec3> {
        let t = self.0.iter().find(|t| t.subject == subject)?;
        t.positions
            .get(frame as usize)
            .or(t.positions.last())
            .copied()
    }

    fn prop_height(&self, subject: SubjectId) -> Option<f64> {
        match subject {
            SubjectId::Prop(_) => self
                .0
                .iter()
                .find(|t| t.subject == subject)
                .map(|t| t.size.height),
            SubjectId::Character(_) => None,
        }
    }
}

/// Boxes for every frame of a track: a character's as [`screen_box`], a prop's at its size and
/// clipped at the near plane.
pub fn boxes(track: &Track, camera: &[CameraFrame], aspect: f64) -> Vec<[f64; 4]> {
    camera
        .iter()
        .zip(&track.positions)
        .map(|(c, p)| track_box(track, c, *p, aspect))
        .collect()
}

/// The box of `track`'s subject standing at `feet`, seen by `camera`: as [`boxes`] does it.
pub fn track_box(track: &Track, camera: &CameraFrame, feet: Vec3, aspect: f64) -> [f64; 4] {
    match track.subject {
        SubjectId::Prop(_) => billboard_box(camera, feet, track.size, aspect, true),
        SubjectId::Character(_) => screen_box(camera, feet, aspect),
    }
}
