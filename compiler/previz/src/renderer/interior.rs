//! An interior location drawn as a room instead of sky, ground and set: a floor of planks, walls
//! with a skirting board, a ceiling, and windows in the far wall through which the time of day
//! (and only there, the weather) is seen. The room is fixed in the world, so every camera move
//! shows against it; a camera that leaves it (a high crane) widens it to stay inside.
//!
//! Each pixel's ray leaves the box through one face, found by the slab method; the face's colour
//! is lit by the time of day and, when the shot has a key light, by the key on the faces it
//! falls on.

use crate::frame::RgbFrame;

use super::light::Key;
use super::projection::View;
use super::raster::{mix, rgb8, scale, Rgb};
use super::sky::Palette;

/// The room, in metres: x from −HALF_WIDTH to HALF_WIDTH, y from 0 to HEIGHT, z from BACK (behind
/// the opening view's camera) to FAR.
const HALF_WIDTH: f32 = 7.0;
const HEIGHT: f32 = 3.2;
const BACK: f32 = -4.0;
const FAR: f32 = 22.0;
/// How far inside the room a camera keeps from its faces.
const MARGIN: f32 = 0.5;

const FLOOR: Rgb = [0.46, 0.35, 0.25];
const WALL: Rgb = [0.72, 0.68, 0.62];
const CEILING: Rgb = [0.84, 0.83, 0.80];
const SKIRTING: Rgb = [0.32, 0.28, 0.24];
const FRAME: Rgb = [0.25, 0.22, 0.20];

/// Which face of the room a ray leaves by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Face {
    Floor,
    Ceiling,
    Left,
    Right,
    Near,
    Far,
}

impl Face {
    /// The face's normal, pointing into the room.
    fn normal(self) -> [f32; 3] {
        match self {
            Face::Floor => [0.0, 1.0, 0.0],
            Face::Ceiling => [0.0, -1.0, 0.0],
            Face::Left => [1.0, 0.0, 0.0],
            Face::Right => [-1.0, 0.0, 0.0],
            Face::Near => [0.0, 0.0, 1.0],
            Face::Far => [0.0, 0.0, -1.0],
        }
    }
}

/// The room's bounds for a camera at `pos`: the fixed room, widened to keep the camera inside.
fn bounds(pos: [f32; 3]) -> ([f32; 3], [f32; 3]) {
    let lo = [
        (-HALF_WIDTH).min(pos[0] - MARGIN),
        0.0,
        BACK.min(pos[2] - MARGIN),
    ];
    let hi = [
        HALF_WIDTH.max(pos[0] + MARGIN),
        HEIGHT.max(pos[1] + MARGIN),
        FAR.max(pos[2] + MARGIN),
    ];
    (lo, hi)
}

/// The face a ray from `pos` along `d` leaves the box by, and where.
fn exit(pos: [f32; 3], d: [f32; 3], lo: [f32; 3], hi: [f32; 3]) -> (Face, [f32; 3]) {
    let faces = [
        (Face::Left, Face::Right),
        (Face::Floor, Face::Ceiling),
        (Face::Near, Face::Far),
    ];
    let mut best = (f32::INFINITY, Face::Far);
    for axis in 0..3 {
        let (t, face) = if d[axis] > 0.0 {
            ((hi[axis] - pos[axis]) / d[axis], faces[axis].1)
        } else if d[axis] < 0.0 {
            ((lo[axis] - pos[axis]) / d[axis], faces[axis].0)
        } else {
            continue;
        };
        if t < best.0 {
            best = (t, face);
        }
    }
    let t = if best.0.is_finite() { best.0 } else { 0.0 };
    (best.1, [0, 1, 2].map(|i| pos[i] + d[i] * t))
}

/// What a ray meets where it leaves the room.
enum Seen {
    /// A surface of the room, in its colour before lighting.
    Surface(Rgb),
    /// The outside, through a window: not lit by the room's lights.
    Outside(Rgb),
}

/// What is seen where a ray leaves the room at `at` through `face`.
fn seen(face: Face, at: [f32; 3], p: &Palette) -> Seen {
    if face == Face::Far && at[1] >= 0.12 {
        if let Some(w) = window(at) {
            return match w {
                Pane::Glass => Seen::Outside(mix(p.horizon, p.zenith, (at[1] - 0.9) / 1.5)),
                Pane::Frame => Seen::Surface(FRAME),
            };
        }
    }
    Seen::Surface(match face {
        Face::Floor => {
            // Planks 0.2 m wide running away from the camera.
            let across = at[0] / 0.2;
            if across - across.floor() < 0.06 {
                scale(FLOOR, 0.75)
            } else {
                FLOOR
            }
        }
        Face::Ceiling => CEILING,
        _ if at[1] < 0.12 => SKIRTING,
        _ => WALL,
    })
}

enum Pane {
    Glass,
    Frame,
}

/// Three windows in the far wall, 1.6 m wide, from 0.9 m to 2.4 m: the sky of the time of day
/// behind a frame and a cross bar.
fn window(at: [f32; 3]) -> Option<Pane> {
    let (x, y) = (at[0], at[1]);
    if !(0.9..=2.4).contains(&y) {
        return None;
    }
    let centre = [-4.0f32, 0.0, 4.0]
        .into_iter()
        .find(|c| (x - c).abs() <= 0.8)?;
    let (dx, dy) = ((x - centre).abs(), (y - 1.65).abs());
    if dx > 0.72 || dy > 0.67 || dx < 0.03 || dy < 0.03 {
        return Some(Pane::Frame);
    }
    Some(Pane::Glass)
}

/// Draws the room over the whole frame.
pub fn draw(frame: &mut RgbFrame, view: &View, p: &Palette, key: Option<&Key>) {
    let w = frame.width as usize;
    let h = frame.height as usize;
    let pos = view.pos;
    let (lo, hi) = bounds(pos);
    let ambient = p.figure_light * 0.8;
    for y in 0..h {
        let row = view.row_ray(y);
        for x in 0..w {
            let d = [0, 1, 2].map(|i| row[i] + view.right[i] * x as f32);
            let (face, at) = exit(pos, d, lo, hi);
            let lit = match seen(face, at, p) {
                Seen::Outside(c) => c,
                Seen::Surface(base) => {
                    let n = face.normal();
                    let mut c = scale(base, ambient);
                    if let Some(k) = key {
                        let l = k.travel();
                        let facing = -(n[0] * l[0] + n[1] * l[1] + n[2] * l[2]);
                        if facing > 0.0 {
                            let add = 0.35 * facing * k.strength;
                            c = [0, 1, 2].map(|i| c[i] + base[i] * k.colour[i] * add);
                        }
                    }
                    // Farther surfaces are a little darker: light falls off across the room.
                    let dist = ((at[0] - pos[0]).powi(2) + (at[2] - pos[2]).powi(2)).sqrt();
                    scale(c, 1.0 - (dist / 60.0).min(0.35))
                }
            };
            let px = rgb8(lit);
            let i = (y * w + x) * 3;
            frame.data[i..i + 3].copy_from_slice(&px);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_ray_ahead_meets_the_far_wall_and_one_upward_the_ceiling() {
        let (lo, hi) = bounds([0.0, 1.6, 0.0]);
        assert_eq!(exit([0.0, 1.6, 0.0], [0.0, 0.0, 1.0], lo, hi).0, Face::Far);
        assert_eq!(
            exit([0.0, 1.6, 0.0], [0.0, 1.0, 0.3], lo, hi).0,
            Face::Ceiling
        );
        assert_eq!(
            exit([0.0, 1.6, 0.0], [0.0, -1.0, 0.3], lo, hi).0,
            Face::Floor
        );
        assert_eq!(
            exit([0.0, 1.6, 0.0], [-1.0, 0.0, 0.1], lo, hi).0,
            Face::Left
        );
    }

    #[test]
    fn a_camera_above_the_ceiling_stays_inside() {
        let (lo, hi) = bounds([0.0, 8.0, 0.0]);
        assert!(hi[1] > 8.0 && lo[1] == 0.0);
    }
}
