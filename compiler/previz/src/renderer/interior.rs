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
use super::raster::Rgb;
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
#[repr(u8)]
enum Face {
    Floor,
    Ceiling,
    Left,
    Right,
    Near,
    Far,
}

impl Face {
    const ALL: [Face; 6] = [
        Face::Floor,
        Face::Ceiling,
        Face::Left,
        Face::Right,
        Face::Near,
        Face::Far,
    ];

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

/// The faces each axis leaves by, going down it and going up it, as indices into [`Face::ALL`].
const EXITS: [(u8, u8); 3] = [
    (Face::Left as u8, Face::Right as u8),
    (Face::Floor as u8, Face::Ceiling as u8),
    (Face::Near as u8, Face::Far as u8),
];

/// The face (an index into [`Face::ALL`]) a ray from `pos` along `d` leaves the box by, and the
/// ray's parameter there (0 when it never leaves: a zero direction). Each axis's candidate is
/// selected rather than branched to, so that [`trace_row`]'s loop vectorises; an axis the ray
/// runs parallel to (`d = 0`) offers no face, and on a tie the earlier axis wins.
#[inline(always)]
fn leave(pos: [f32; 3], d: [f32; 3], lo: [f32; 3], hi: [f32; 3]) -> (u8, f32) {
    let mut best = f32::INFINITY;
    let mut face = Face::Far as u8;
    for axis in 0..3 {
        let ahead = d[axis] > 0.0;
        let from = if ahead { hi[axis] } else { lo[axis] };
        let t = (from - pos[axis]) / d[axis];
        let t = if ahead || d[axis] < 0.0 {
            t
        } else {
            f32::INFINITY
        };
        if t < best {
            best = t;
            face = if ahead { EXITS[axis].1 } else { EXITS[axis].0 };
        }
    }
    (face, if best.is_finite() { best } else { 0.0 })
}

/// The face a ray from `pos` along `d` leaves the box by, and where.
#[cfg(test)]
fn exit(pos: [f32; 3], d: [f32; 3], lo: [f32; 3], hi: [f32; 3]) -> (Face, [f32; 3]) {
    let (face, t) = leave(pos, d, lo, hi);
    (
        Face::ALL[face as usize],
        [0, 1, 2].map(|i| pos[i] + d[i] * t),
    )
}

/// What a ray meets where it leaves the room, indexing [`MATERIALS`]: the room's surfaces, and
/// the glass of a window, through which the outside is seen, not lit by the room's lights.
mod material {
    pub const FLOOR: u8 = 0;
    /// The gap between two planks.
    pub const PLANK: u8 = 1;
    pub const CEILING: u8 = 2;
    pub const SKIRTING: u8 = 3;
    pub const WALL: u8 = 4;
    pub const FRAME: u8 = 5;
    pub const GLASS: u8 = 6;
}

/// The room's surface colours before lighting, by [`material`] (glass has none: the sky).
const MATERIALS: [Rgb; 7] = [
    FLOOR,
    [FLOOR[0] * 0.75, FLOOR[1] * 0.75, FLOOR[2] * 0.75],
    CEILING,
    SKIRTING,
    WALL,
    FRAME,
    [0.0; 3],
];

/// The [`material`] seen where a ray leaves the room at `at` through `face`: the far wall has
/// three windows, 1.6 m wide, from 0.9 m to 2.4 m, each a pane of the sky of the time of day
/// behind a frame and a cross bar; the floor is of planks 0.2 m wide running away from the
/// camera; the walls have a skirting board. Without branches (every test is computed and the
/// answer selected), for [`trace_row`]'s loop.
#[inline(always)]
fn material_at(face: u8, at: [f32; 3]) -> u8 {
    let (x, y) = (at[0], at[1]);
    // At most one window is within 0.8 m: their centres are 8 m apart.
    let (near_left, near_middle) = ((x - -4.0f32).abs(), (x - 0.0f32).abs());
    let near_right = (x - 4.0f32).abs();
    let dx = if near_left <= 0.8 {
        near_left
    } else if near_middle <= 0.8 {
        near_middle
    } else {
        near_right
    };
    let in_window = face == Face::Far as u8 && y >= 0.12 && (0.9..=2.4).contains(&y) && dx <= 0.8;
    let dy = (y - 1.65).abs();
    let frame = dx > 0.72 || dy > 0.67 || dx < 0.03 || dy < 0.03;
    let across = x / 0.2;
    let gap = across - across.floor() < 0.06;
    if in_window {
        if frame {
            material::FRAME
        } else {
            material::GLASS
        }
    } else if face == Face::Floor as u8 {
        if gap {
            material::PLANK
        } else {
            material::FLOOR
        }
    } else if face == Face::Ceiling as u8 {
        material::CEILING
    } else if y < 0.12 {
        material::SKIRTING
    } else {
        material::WALL
    }
}

/// What a frame's rows share: the camera, the room and the light.
struct Shading {
    /// The camera's position and the room's bounds for it.
    pos: [f32; 3],
    lo: [f32; 3],
    hi: [f32; 3],
    /// The time of day's light on every surface.
    ambient: f32,
    /// The key's colour (white without one) and how much of it each face takes (0 where it
    /// does not fall), by [`Face::ALL`].
    key: Rgb,
    add: [f32; 6],
    horizon: Rgb,
    zenith: Rgb,
}

/// One row's colours as bytes, a plane per channel.
#[derive(Default)]
struct Planes {
    colour: [Vec<u8>; 3],
}

/// Traces a row of `w` rays, the first `first`, each next one `step` along: the exit from the
/// room, the material there and the fall-off, in a loop without branches that the compiler
/// vectorises. The AVX2 build is chosen at run time; IEEE arithmetic (division and square root
/// included) rounds the same in every lane width and nothing is fused or reordered, so the
/// bytes do not depend on it.
fn trace_row(out: &mut Planes, w: usize, first: [f32; 3], step: [f32; 3], s: &Shading) {
    for plane in &mut out.colour {
        plane.resize(w, 0);
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { trace_row_avx2(out, w, first, step, s) };
    }
    trace_row_portable(out, w, first, step, s)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn trace_row_avx2(out: &mut Planes, w: usize, first: [f32; 3], step: [f32; 3], s: &Shading) {
    trace_row_portable(out, w, first, step, s)
}

#[inline(always)]
fn trace_row_portable(out: &mut Planes, w: usize, first: [f32; 3], step: [f32; 3], s: &Shading) {
    let (pos, lo, hi) = (s.pos, s.lo, s.hi);
    let [r, g, b] = &mut out.colour;
    let (r, g, b) = (&mut r[..w], &mut g[..w], &mut b[..w]);
    for x in 0..w {
        let xf = x as f32;
        let d = [0, 1, 2].map(|i| first[i] + step[i] * xf);
        let (face, t) = leave(pos, d, lo, hi);
        let at = [0, 1, 2].map(|i| pos[i] + d[i] * t);
        let m = material_at(face, at);
        // Farther surfaces are a little darker: light falls off across the room.
        let dist = ((at[0] - pos[0]).powi(2) + (at[2] - pos[2]).powi(2)).sqrt();
        let fall = 1.0 - (dist / 60.0).min(0.35);
        let sky = (at[1] - 0.9) / 1.5;
        // The material's colour and the key on the face, picked by selects rather than looked
        // up, so that the loop stays vectorised.
        let mut base = MATERIALS[0];
        for (i, colour) in MATERIALS.iter().enumerate().skip(1) {
            if m == i as u8 {
                base = *colour;
            }
        }
        let mut add = s.add[0];
        for (f, a) in s.add.iter().enumerate().skip(1) {
            if face == f as u8 {
                add = *a;
            }
        }
        let glass = m == material::GLASS;
        let colour = [0, 1, 2].map(|c| {
            if glass {
                s.horizon[c] + (s.zenith[c] - s.horizon[c]) * sky
            } else {
                // The time of day's light, the key's on the faces it reaches (`add` is 0 on the
                // others, which adds exactly nothing), then the fall-off.
                (base[c] * s.ambient + base[c] * s.key[c] * add) * fall
            }
        });
        r[x] = byte(colour[0]);
        g[x] = byte(colour[1]);
        b[x] = byte(colour[2]);
    }
}

/// [`to_u8`](super::raster::to_u8)'s byte for every input (NaN and anything below 0 give 0, anything from 255 up
/// 255), in a form that stays in vector lanes: the saturating conversion to a byte alone is
/// done a lane at a time.
#[inline(always)]
fn byte(c: f32) -> u8 {
    // `max` returns 0 for NaN, so `v` is a number in 0..=255.
    let v = (c * 255.0 + 0.5).max(0.0).min(255.0);
    // SAFETY: `v` is finite and within i32's range.
    unsafe { v.to_int_unchecked::<i32>() as u8 }
}

/// Interleaves a row's colour planes into RGB bytes (the AVX2 build chosen at run time).
fn store_row(out: &mut [u8], planes: &Planes) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { store_row_avx2(out, planes) };
    }
    store_row_portable(out, planes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn store_row_avx2(out: &mut [u8], planes: &Planes) {
    store_row_portable(out, planes)
}

#[inline(always)]
fn store_row_portable(out: &mut [u8], planes: &Planes) {
    let [r, g, b] = &planes.colour;
    for (((px, &r), &g), &b) in out.chunks_exact_mut(3).zip(r).zip(g).zip(b) {
        px.copy_from_slice(&[r, g, b]);
    }
}

/// Draws the room over the whole frame.
pub fn draw(frame: &mut RgbFrame, view: &View, p: &Palette, key: Option<&Key>) {
    let w = frame.width as usize;
    let pos = view.pos;
    let (lo, hi) = bounds(pos);
    let ambient = p.figure_light * 0.8;
    let add = Face::ALL.map(|face| match key {
        Some(k) => {
            let (n, l) = (face.normal(), k.travel());
            let facing = -(n[0] * l[0] + n[1] * l[1] + n[2] * l[2]);
            if facing > 0.0 {
                0.35 * facing * k.strength
            } else {
                0.0
            }
        }
        None => 0.0,
    });
    let shading = Shading {
        pos,
        lo,
        hi,
        ambient,
        key: key.map_or([1.0; 3], |k| k.colour),
        add,
        horizon: p.horizon,
        zenith: p.zenith,
    };
    let mut planes = Planes::default();
    for (y, row) in frame.data.chunks_exact_mut(w * 3).enumerate() {
        trace_row(&mut planes, w, view.row_ray(y), view.right, &shading);
        store_row(row, &planes);
    }
}

#[cfg(test)]
mod tests {
    use scene_plan::schedule::{CameraFrame, LightSide};

    use super::super::raster::{mix, rgb8, scale, to_u8};
    use super::super::sky::{TimeOfDay, Weather};
    use super::*;

    /// A surface's colour lit by the time of day and, on the faces it falls on, the key; before
    /// the fall-off with distance.
    fn lit(base: Rgb, face: Face, ambient: f32, key: Option<&Key>) -> Rgb {
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
        c
    }

    /// The room drawn a pixel at a time with a branch per test, as the renderer first drew it:
    /// what [`draw`]'s vectorised rows must give, byte for byte.
    fn reference(frame: &mut RgbFrame, view: &View, p: &Palette, key: Option<&Key>) {
        let (w, h) = (frame.width as usize, frame.height as usize);
        let pos = view.pos;
        let (lo, hi) = bounds(pos);
        let ambient = p.figure_light * 0.8;
        for y in 0..h {
            let row = view.row_ray(y);
            for x in 0..w {
                let d = [0, 1, 2].map(|i| row[i] + view.right[i] * x as f32);
                let (face, at) = exit(pos, d, lo, hi);
                let window = || {
                    let (x, y) = (at[0], at[1]);
                    if !(0.9..=2.4).contains(&y) {
                        return None;
                    }
                    let centre = [-4.0f32, 0.0, 4.0]
                        .into_iter()
                        .find(|c| (x - c).abs() <= 0.8)?;
                    let (dx, dy) = ((x - centre).abs(), (y - 1.65).abs());
                    Some(dx > 0.72 || dy > 0.67 || dx < 0.03 || dy < 0.03)
                };
                let base = match (face == Face::Far && at[1] >= 0.12).then(window).flatten() {
                    Some(false) => None,
                    Some(true) => Some(FRAME),
                    None => Some(match face {
                        Face::Floor => {
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
                    }),
                };
                let colour = match base {
                    None => mix(p.horizon, p.zenith, (at[1] - 0.9) / 1.5),
                    Some(base) => {
                        let c = lit(base, face, ambient, key);
                        let dist = ((at[0] - pos[0]).powi(2) + (at[2] - pos[2]).powi(2)).sqrt();
                        scale(c, 1.0 - (dist / 60.0).min(0.35))
                    }
                };
                let i = (y * w + x) * 3;
                frame.data[i..i + 3].copy_from_slice(&rgb8(colour));
            }
        }
    }

    #[test]
    fn byte_is_to_u8() {
        let specials = [
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            0.0,
            -1.0,
            2.0,
            1e30,
        ];
        let sweep = (-3000..3000).map(|i| i as f32 / 2000.0 + 1e-4 * (i % 7) as f32);
        for c in specials.into_iter().chain(sweep) {
            assert_eq!(byte(c), to_u8(c), "{c}");
        }
    }

    #[test]
    fn the_vectorised_rows_draw_the_room_as_pixel_by_pixel() {
        let cameras = [
            ([0.0, 1.6, 0.0], 0.0, 0.0, 0.0, 35.0),
            ([1.5, 1.2, 3.0], 20.0, -8.0, 0.0, 50.0),
            ([-3.0, 2.0, -2.0], -60.0, 15.0, 5.0, 24.0),
            ([0.0, 0.4, 10.0], 180.0, 30.0, 0.0, 18.0),
            ([0.0, 9.0, 0.0], 10.0, -70.0, -12.0, 85.0),
            ([4.0, 1.65, 19.0], 0.0, 0.0, 0.0, 35.0),
        ];
        let keys = [
            None,
            Some((LightSide::Left, [1.0, 0.7, 0.4])),
            Some((LightSide::Above, [0.6, 0.8, 1.0])),
            Some((LightSide::Front, [1.0, 1.0, 1.0])),
        ];
        for (i, (position, yaw, pitch, roll, focal_mm)) in cameras.into_iter().enumerate() {
            let cam = CameraFrame {
                position,
                yaw,
                pitch,
                roll,
                focal_mm,
                focus_m: None,
            };
            let view = View::new(&cam, 193, 131);
            let time = [TimeOfDay::Night, TimeOfDay::Day, TimeOfDay::Dusk][i % 3];
            let palette = Palette::new(time, Weather::Clear);
            for key in keys {
                let key = key.map(|(side, colour)| Key {
                    colour,
                    side,
                    strength: 0.8,
                    hard: false,
                });
                let (mut fast, mut slow) = (RgbFrame::new(193, 131), RgbFrame::new(193, 131));
                draw(&mut fast, &view, &palette, key.as_ref());
                reference(&mut slow, &view, &palette, key.as_ref());
                assert!(fast == slow, "camera {i}, key {key:?}");
            }
        }
    }

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

    /// The room covers every pixel, whatever the frame held before: the renderer draws it
    /// over [`RgbFrame::overwritten`] frames, which hold an earlier frame's pixels.
    #[test]
    fn the_room_covers_every_pixel() {
        let cam = CameraFrame {
            position: [0.5, 1.4, 1.0],
            yaw: 15.0,
            pitch: -5.0,
            roll: 3.0,
            focal_mm: 28.0,
            focus_m: None,
        };
        let view = View::new(&cam, 97, 61);
        let palette = Palette::new(TimeOfDay::Dusk, Weather::Clear);
        let mut black = RgbFrame::new(97, 61);
        let mut dirty = RgbFrame::filled(97, 61, [0xab, 0x12, 0xef]);
        draw(&mut black, &view, &palette, None);
        draw(&mut dirty, &view, &palette, None);
        assert!(black == dirty);
    }

    #[test]
    fn a_camera_above_the_ceiling_stays_inside() {
        let (lo, hi) = bounds([0.0, 8.0, 0.0]);
        assert!(hi[1] > 8.0 && lo[1] == 0.0);
    }
}
