//! Props in hands: while a character `holds` a prop, the prop's middle rides
//! [`HAND_FORWARD_M`] in front of the holder, the way the holder faces, [`HAND_HEIGHT_M`] above
//! the ground; when the holder `drops` it, it falls straight down under gravity and stays where
//! it lands. The fall runs on the shot's clock: at `speed 25%` a drop takes four times as long on
//! screen.
//!
//! A holder faces the camera of the shot's opening view until it moves; while it moves it faces
//! where it goes, and it keeps that facing when it stops.

use scene_check::film::{Shot, SubjectId};

use crate::blocking::Track;
use crate::geometry::{Pose, Vec3};

/// How far in front of its holder a held prop is.
pub const HAND_FORWARD_M: f64 = 0.3;
/// How high above the ground a held prop's middle is.
pub const HAND_HEIGHT_M: f64 = 1.0;
/// Metres per second squared.
pub const GRAVITY: f64 = 9.81;
/// Ground motion below this, in metres a frame, is standing still (it keeps the facing).
const STILL_M: f64 = 1e-6;

/// Applies the shot's holds to the props' tracks. `unplaced` are the subjects the shot gave no
/// position: such a prop lies on the ground below the hand that first picks it up.
pub fn carry(shot: &Shot, view: &Pose, unplaced: &[SubjectId], fps: u32, tracks: &mut [Track]) {
    let frames = shot.frames.0 as usize;
    let speed = if shot.speed.0.is_finite() && shot.speed.0 > 0.0 {
        shot.speed.0
    } else {
        1.0
    };
    let fps = fps.max(1) as f64;
    // Each prop's holds in order of start (the checker sorted them).
    let mut props: Vec<SubjectId> = Vec::new();
    for h in &shot.holds {
        let p = SubjectId::Prop(h.prop);
        if !props.contains(&p) {
            props.push(p);
        }
    }
    for prop in props {
        let Some(pi) = tracks.iter().position(|t| t.subject == prop) else {
            continue;
        };
        let half_height = tracks[pi].size.height / 2.0;
        let mut positions = tracks[pi].positions.clone();
        let holds: Vec<_> = shot
            .holds
            .iter()
            .filter(|h| SubjectId::Prop(h.prop) == prop)
            .collect();
        for (i, hold) in holds.iter().enumerate() {
            let holder = SubjectId::Character(hold.holder);
            let Some(hi) = tracks.iter().position(|t| t.subject == holder) else {
                continue;
            };
            let hand = hand_track(&tracks[hi].positions, view);
            let at_hand = |f: usize| -> Vec3 {
                let h = hand[f.min(frames.saturating_sub(1))];
                Vec3::new(h.x, (h.y - half_height).max(0.0), h.z)
            };
            let start = (hold.start.0 as usize).min(frames);
            let end = hold.end.map_or(frames, |e| (e.0 as usize).min(frames));
            if i == 0 && start > 0 && unplaced.contains(&prop) {
                // Picked up from the ground below the hand.
                let p = at_hand(start);
                let rest = Vec3::new(p.x, 0.0, p.z);
                positions[..start].fill(rest);
            }
            for (f, slot) in positions.iter_mut().enumerate().take(end).skip(start) {
                *slot = at_hand(f);
            }
            if hold.dropped && end < frames {
                let until = holds
                    .get(i + 1)
                    .map_or(frames, |next| (next.start.0 as usize).min(frames));
                let release = at_hand(end);
                for (f, slot) in positions.iter_mut().enumerate().take(until).skip(end) {
                    let t = (f - end) as f64 / fps * speed;
                    let y = (release.y - 0.5 * GRAVITY * t * t).max(0.0);
                    *slot = Vec3::new(release.x, y, release.z);
                }
            }
        }
        tracks[pi].positions = positions;
    }
}

/// Where the hand of a subject walking `feet` is at each frame.
pub fn hand_track(feet: &[Vec3], view: &Pose) -> Vec<Vec3> {
    facings(feet, view)
        .iter()
        .zip(feet)
        .map(|(facing, p)| {
            Vec3::new(
                p.x + facing.x * HAND_FORWARD_M,
                HAND_HEIGHT_M,
                p.z + facing.z * HAND_FORWARD_M,
            )
        })
        .collect()
}

/// The unit ground direction a subject faces at each frame: toward the opening view's camera
/// until it moves, then where it goes, kept when it stops.
pub fn facings(feet: &[Vec3], view: &Pose) -> Vec<Vec3> {
    let mut facing = feet
        .first()
        .and_then(|p| flat_unit(view.position - *p))
        .unwrap_or(Vec3::new(0.0, 0.0, -1.0));
    (0..feet.len())
        .map(|f| {
            let step = feet[(f + 1).min(feet.len() - 1)] - feet[f];
            if (step.x * step.x + step.z * step.z).sqrt() > STILL_M {
                facing = flat_unit(step).unwrap_or(facing);
            }
            facing
        })
        .collect()
}

/// `v` on the ground plane, of length 1; `None` when it has no ground extent.
fn flat_unit(v: Vec3) -> Option<Vec3> {
    let len = (v.x * v.x + v.z * v.z).sqrt();
    (len > 1e-12).then(|| Vec3::new(v.x / len, 0.0, v.z / len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Pose {
        Pose {
            position: Vec3::new(0.0, 1.6, 0.0),
            yaw: 0.0,
            pitch: 0.0,
            roll: 0.0,
            focal_mm: 50.0,
        }
    }

    #[test]
    fn a_still_subject_faces_the_camera_and_a_walker_where_it_goes() {
        let still = vec![Vec3::new(0.0, 0.0, 5.0); 3];
        let f = facings(&still, &view());
        assert!(f
            .iter()
            .all(|d| (d.z + 1.0).abs() < 1e-12 && d.x.abs() < 1e-12));
        let walk = vec![
            Vec3::new(0.0, 0.0, 5.0),
            Vec3::new(1.0, 0.0, 5.0),
            Vec3::new(2.0, 0.0, 5.0),
            Vec3::new(2.0, 0.0, 5.0),
        ];
        let f = facings(&walk, &view());
        assert!(f.iter().all(|d| (d.x - 1.0).abs() < 1e-12), "{f:?}");
    }

    #[test]
    fn the_hand_is_in_front_and_a_metre_up() {
        let still = vec![Vec3::new(0.0, 0.0, 5.0)];
        let h = hand_track(&still, &view())[0];
        assert!((h.z - 4.7).abs() < 1e-12 && h.x.abs() < 1e-12 && (h.y - 1.0).abs() < 1e-12);
    }
}
