//! The set: boxes in the world (buildings, lamp posts, crates, or trees for outdoor locations),
//! laid out deterministically from the location's name, and drawn in true perspective with the
//! painter's algorithm (far pieces first; each box is convex, so its visible faces never overlap).
//!
//! Streets run along z: the road is |x| < [`ROAD_HALF`]; the set keeps it clear so characters
//! (placed in screen space by their boxes) stand on open ground, and lines the sides so that every
//! camera move shows parallax.

use crate::frame::RgbFrame;

use super::ground::ROAD_HALF;
use super::projection::{Vec3, View, NEAR};
use super::raster::{self, mix, Rgb};
use super::rng::{hash_name, mix as mix_seed, Rng};
use super::sky::{Palette, TimeOfDay};

#[derive(Clone, Debug)]
enum Kind {
    Building {
        window_seed: u64,
    },
    /// A lamp post; its head hangs over the road on the side `towards`.
    Lamp {
        towards: f32,
    },
    Prop,
    Trunk,
    Canopy,
}

#[derive(Clone, Debug)]
struct Piece {
    min: Vec3,
    max: Vec3,
    colour: Rgb,
    kind: Kind,
}

/// The set of one location.
#[derive(Clone, Debug)]
pub struct Set {
    pieces: Vec<Piece>,
}

/// Words in a location's name or description that call for an outdoor set (trees, no streets).
const NATURE_WORDS: [&str; 12] = [
    "forest",
    "wood",
    "park",
    "garden",
    "field",
    "meadow",
    "beach",
    "hill",
    "mountain",
    "jungle",
    "grove",
    "countryside",
];

const FLOOR_HEIGHT: f32 = 3.2;
const WINDOW_W: f32 = 1.1;
const WINDOW_H: f32 = 1.5;

impl Set {
    pub fn build(location: &str, description: &str) -> Set {
        let seed = mix_seed(hash_name(location), 0x5e7);
        let text = format!("{location} {description}").to_ascii_lowercase();
        let nature = NATURE_WORDS.iter().any(|w| text.contains(w));
        let mut rng = Rng::new(seed);
        let mut pieces = Vec::new();
        if nature {
            build_trees(&mut rng, &mut pieces);
        } else {
            build_street(&mut rng, &mut pieces);
        }
        Set { pieces }
    }

    pub fn draw(&self, frame: &mut RgbFrame, view: &View, p: &Palette) {
        let mut order: Vec<(f32, usize)> = self
            .pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                let d: f32 = (0..3)
                    .map(|a| {
                        let c = view.pos[a].clamp(piece.min[a], piece.max[a]);
                        (c - view.pos[a]) * (c - view.pos[a])
                    })
                    .sum();
                (d, i)
            })
            .collect();
        // Far first; ties by index so the order never depends on the sort's stability.
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let max_depth2 = (p.fog_half * 40.0).powi(2);
        for (d2, i) in order {
            if d2 > max_depth2 {
                continue;
            }
            draw_piece(frame, view, p, &self.pieces[i]);
        }
    }
}

fn build_street(rng: &mut Rng, out: &mut Vec<Piece>) {
    let families: [[Rgb; 3]; 4] = [
        [[0.62, 0.52, 0.44], [0.55, 0.56, 0.60], [0.70, 0.64, 0.52]],
        [[0.48, 0.50, 0.58], [0.36, 0.40, 0.48], [0.60, 0.60, 0.64]],
        [[0.66, 0.44, 0.36], [0.58, 0.52, 0.46], [0.46, 0.40, 0.38]],
        [[0.52, 0.58, 0.54], [0.64, 0.62, 0.56], [0.42, 0.46, 0.50]],
    ];
    let family = families[(rng.next_u64() % families.len() as u64) as usize];
    let tall = rng.range(0.7, 1.4);
    for side in [-1.0f32, 1.0] {
        let mut z = rng.range(-48.0, -40.0);
        while z < 120.0 {
            let length = rng.range(6.0, 14.0);
            let depth = rng.range(7.0, 12.0);
            let setback = ROAD_HALF + rng.range(2.2, 4.5);
            let height = rng.range(5.0, 20.0) * tall;
            let base = family[(rng.next_u64() % 3) as usize];
            let colour = mix(base, [rng.unit(); 3], rng.range(0.0, 0.25));
            let (x0, x1) = if side > 0.0 {
                (setback, setback + depth)
            } else {
                (-setback - depth, -setback)
            };
            out.push(Piece {
                min: [x0, 0.0, z],
                max: [x1, height, z + length],
                colour,
                kind: Kind::Building {
                    window_seed: rng.next_u64(),
                },
            });
            z += length + rng.range(1.0, 5.0);
        }
    }
    // Lamp posts along both kerbs, staggered between the sides.
    let phase = rng.range(0.0, 12.0);
    for side in [-1.0f32, 1.0] {
        let x = side * (ROAD_HALF + 0.7);
        let mut z = -36.0 + phase + if side > 0.0 { 6.0 } else { 0.0 };
        while z < 110.0 {
            out.push(Piece {
                min: [x - 0.08, 0.0, z - 0.08],
                max: [x + 0.08, 4.4, z + 0.08],
                colour: [0.28, 0.29, 0.31],
                kind: Kind::Lamp { towards: -side },
            });
            z += 12.0;
        }
    }
    // A few crates and bins on the pavements.
    for _ in 0..7 {
        let side = if rng.chance(0.5) { -1.0 } else { 1.0 };
        let size = rng.range(0.5, 1.2);
        let x = side * (ROAD_HALF + rng.range(1.0, 2.0));
        let z = rng.range(2.0, 60.0);
        out.push(Piece {
            min: [x - size * 0.5, 0.0, z - size * 0.5],
            max: [x + size * 0.5, size * rng.range(0.7, 1.2), z + size * 0.5],
            colour: mix([0.55, 0.42, 0.28], [0.35, 0.38, 0.40], rng.unit()),
            kind: Kind::Prop,
        });
    }
}

fn build_trees(rng: &mut Rng, out: &mut Vec<Piece>) {
    let green = [
        rng.range(0.20, 0.30),
        rng.range(0.42, 0.55),
        rng.range(0.20, 0.30),
    ];
    let mut placed = 0;
    let mut tries = 0;
    while placed < 60 && tries < 400 {
        tries += 1;
        let x = rng.range(-60.0, 60.0);
        let z = rng.range(-50.0, 110.0);
        // Keep a clearing in front of the camera and along the path.
        if x.abs() < ROAD_HALF + 1.5 || (x * x + z * z) < 36.0 {
            continue;
        }
        let trunk_h = rng.range(1.6, 3.2);
        let girth = rng.range(0.25, 0.5);
        out.push(Piece {
            min: [x - girth * 0.5, 0.0, z - girth * 0.5],
            max: [x + girth * 0.5, trunk_h, z + girth * 0.5],
            colour: [0.38, 0.28, 0.20],
            kind: Kind::Trunk,
        });
        let crown = rng.range(1.8, 3.6);
        let tone = mix(green, [0.15, 0.30, 0.12], rng.unit());
        out.push(Piece {
            min: [x - crown, trunk_h, z - crown],
            max: [x + crown, trunk_h + crown * rng.range(1.2, 2.0), z + crown],
            colour: tone,
            kind: Kind::Canopy,
        });
        placed += 1;
    }
}

/// Clips a camera-space polygon of up to 4 corners to z > NEAR (Sutherland–Hodgman against one
/// plane); a quad gains at most one corner. Returns the corner count written to `out`.
fn clip_near(poly: &[Vec3], out: &mut [Vec3; 8]) -> usize {
    let mut n = 0;
    for i in 0..poly.len() {
        let a = poly[i];
        let b = poly[(i + 1) % poly.len()];
        let (ina, inb) = (a[2] > NEAR, b[2] > NEAR);
        if ina && n < out.len() {
            out[n] = a;
            n += 1;
        }
        if ina != inb && n < out.len() {
            let t = (NEAR - a[2]) / (b[2] - a[2]);
            out[n] = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, NEAR];
            n += 1;
        }
    }
    n
}

/// Projects and fills a world-space quad; returns its screen height in pixels (0 when nothing
/// is visible).
fn fill_world(
    frame: &mut RgbFrame,
    view: &View,
    world: &[Vec3; 4],
    colour: Rgb,
    alpha: f32,
) -> f32 {
    let cam = world.map(|p| view.to_camera(p));
    let mut clipped = [[0.0f32; 3]; 8];
    let n = clip_near(&cam, &mut clipped);
    if n < 3 {
        return 0.0;
    }
    let mut pts = [(0.0f32, 0.0f32); 8];
    for (p, &c) in pts.iter_mut().zip(&clipped[..n]) {
        *p = view.screen(c);
    }
    let pts = &pts[..n];
    raster::fill_convex(frame, pts, colour, alpha);
    let (lo, hi) = pts.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    hi - lo
}

fn mean_depth(view: &View, pts: &[Vec3]) -> f32 {
    pts.iter().map(|&p| view.to_camera(p)[2]).sum::<f32>() / pts.len() as f32
}

fn draw_piece(frame: &mut RgbFrame, view: &View, p: &Palette, piece: &Piece) {
    let (a, b) = (piece.min, piece.max);
    let c = view.pos;
    // Faces whose outside the camera is on; each as (corners, outward normal).
    let mut faces: Vec<([Vec3; 4], Vec3)> = Vec::with_capacity(3);
    if c[0] > b[0] {
        faces.push((
            [
                [b[0], a[1], a[2]],
                [b[0], a[1], b[2]],
                [b[0], b[1], b[2]],
                [b[0], b[1], a[2]],
            ],
            [1.0, 0.0, 0.0],
        ));
    }
    if c[0] < a[0] {
        faces.push((
            [
                [a[0], a[1], b[2]],
                [a[0], a[1], a[2]],
                [a[0], b[1], a[2]],
                [a[0], b[1], b[2]],
            ],
            [-1.0, 0.0, 0.0],
        ));
    }
    if c[2] > b[2] {
        faces.push((
            [
                [b[0], a[1], b[2]],
                [a[0], a[1], b[2]],
                [a[0], b[1], b[2]],
                [b[0], b[1], b[2]],
            ],
            [0.0, 0.0, 1.0],
        ));
    }
    if c[2] < a[2] {
        faces.push((
            [
                [a[0], a[1], a[2]],
                [b[0], a[1], a[2]],
                [b[0], b[1], a[2]],
                [a[0], b[1], a[2]],
            ],
            [0.0, 0.0, -1.0],
        ));
    }
    if c[1] > b[1] {
        faces.push((
            [
                [a[0], b[1], a[2]],
                [b[0], b[1], a[2]],
                [b[0], b[1], b[2]],
                [a[0], b[1], b[2]],
            ],
            [0.0, 1.0, 0.0],
        ));
    }
    let lit = p.lights_on;
    for (quad, n) in &faces {
        let z = mean_depth(view, quad);
        let shade = match piece.kind {
            // Tops of buildings catch the sky; a touch lighter reads as a roof.
            Kind::Building { .. } if n[1] > 0.0 => mix(piece.colour, [0.8; 3], 0.15),
            _ => piece.colour,
        };
        let colour = p.surface(shade, *n, z);
        let screen_h = fill_world(frame, view, quad, colour, 1.0);
        if let Kind::Building { window_seed } = piece.kind {
            if n[1] == 0.0 && screen_h > 0.0 {
                draw_windows(frame, view, p, piece, quad, *n, z, screen_h, window_seed);
            }
        }
    }
    if let Kind::Lamp { towards } = piece.kind {
        let x = (a[0] + b[0]) * 0.5;
        let zc = (a[2] + b[2]) * 0.5;
        let head = [x + towards * 0.9, b[1] - 0.05, zc];
        // The arm and the lamp head.
        let arm = [
            [x, b[1] - 0.12, zc],
            [head[0], b[1] - 0.12, zc],
            [head[0], b[1], zc],
            [x, b[1], zc],
        ];
        let zd = mean_depth(view, &arm);
        fill_world(
            frame,
            view,
            &arm,
            p.surface(piece.colour, [0.0, 0.0, -1.0], zd),
            1.0,
        );
        if let Some((sx, sy, depth)) = view.project(head) {
            let k = view.focal_px / depth;
            let fog = p.fog_amount(depth);
            if lit {
                let warm = [1.0, 0.84, 0.56];
                raster::glow(frame, sx, sy, 1.6 * k, warm, 0.55 * (1.0 - fog));
                raster::fill_circle(frame, sx, sy, 0.16 * k, mix(warm, p.fog, fog * 0.6), 1.0);
            } else {
                raster::fill_circle(
                    frame,
                    sx,
                    sy,
                    0.14 * k,
                    p.surface([0.75, 0.75, 0.7], [0.0, -1.0, 0.0], depth),
                    1.0,
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_windows(
    frame: &mut RgbFrame,
    view: &View,
    p: &Palette,
    piece: &Piece,
    quad: &[Vec3; 4],
    n: Vec3,
    z: f32,
    screen_h: f32,
    seed: u64,
) {
    let height = piece.max[1] - piece.min[1];
    let floors = ((height - 0.6) / FLOOR_HEIGHT).floor().max(0.0) as usize;
    // Windows smaller than a few pixels only cost time; they would read as noise anyway.
    if floors == 0 || screen_h / (floors as f32) < 7.0 {
        return;
    }
    // The face runs from quad[0] to quad[1] along the ground.
    let (p0, p1) = (quad[0], quad[1]);
    let along = [p1[0] - p0[0], 0.0, p1[2] - p0[2]];
    let len = (along[0] * along[0] + along[2] * along[2]).sqrt();
    let cols = (len / 2.6).floor().max(1.0) as usize;
    let cell = len / cols as f32;
    let dir = [along[0] / len, 0.0, along[2] / len];
    let off = [n[0] * 0.02, 0.0, n[2] * 0.02];
    let night_glass = [0.04, 0.05, 0.07];
    let day_glass = mix(p.horizon, [0.08, 0.10, 0.14], 0.55);
    let mut rng = Rng::new(mix_seed(seed, (n[0] * 2.0 + n[2] * 3.0) as i64 as u64));
    let fog = p.fog_amount(z);
    for f in 0..floors.min(8) {
        let y0 = 1.0 + f as f32 * FLOOR_HEIGHT;
        for cidx in 0..cols.min(6) {
            let lit_here = rng.chance(0.55);
            let centre = (cidx as f32 + 0.5) * cell;
            let (u0, u1) = (centre - WINDOW_W * 0.5, centre + WINDOW_W * 0.5);
            let corner = |u: f32, y: f32| -> Vec3 {
                [p0[0] + dir[0] * u + off[0], y, p0[2] + dir[2] * u + off[2]]
            };
            let w = [
                corner(u0, y0),
                corner(u1, y0),
                corner(u1, y0 + WINDOW_H),
                corner(u0, y0 + WINDOW_H),
            ];
            let colour = if p.lights_on && lit_here {
                let warm = if rng.chance(0.3) {
                    [0.75, 0.85, 1.0]
                } else {
                    [1.0, 0.80, 0.48]
                };
                mix(warm, p.fog, fog)
            } else if p.time == TimeOfDay::Night {
                mix(night_glass, p.fog, fog)
            } else {
                p.surface(if p.lights_on { night_glass } else { day_glass }, n, z)
            };
            fill_world(frame, view, &w, colour, 1.0);
        }
    }
}
