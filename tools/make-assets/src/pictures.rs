//! The examples' images: character references (a figure on a plain ground, as a casting sheet
//! would show it) and keyframes (a whole frame at the film's size).

use crate::canvas::{mix, rgb, Canvas, Rgb};
use crate::dmath::{self, PI, TAU};
use crate::figure::{umbrella, Hair, Person};
use crate::font::draw_centered;
use crate::rng::Rng;

fn vertical_gradient(c: &mut Canvas, top: Rgb, bottom: Rgb) {
    let h = c.height();
    c.fill_all(|_, y| mix(top, bottom, y / h));
}

/// Slanted translucent streaks of rain over the whole frame.
fn rain_streaks(c: &mut Canvas, rng: &mut Rng, count: usize, color: Rgb, alpha: f64) {
    let (w, h) = (c.width(), c.height());
    for _ in 0..count {
        let x = rng.range(-20.0, w);
        let y = rng.range(-20.0, h);
        let len = rng.range(8.0, 22.0);
        c.line(
            (x, y),
            (x + len * 0.25, y + len),
            1.0,
            color,
            alpha * rng.range(0.4, 1.0),
        );
    }
}

/// Darkens the corners like an old lens.
fn vignette(c: &mut Canvas, strength: f64) {
    let (w, h) = (c.width(), c.height());
    c.paint((0.0, 0.0, w, h), |x, y| {
        let dx = (x - w / 2.0) / (w / 2.0);
        let dy = (y - h / 2.0) / (h / 2.0);
        let d = (dx * dx + dy * dy) / 2.0;
        Some(([0, 0, 0], (d * d * strength).min(1.0)))
    });
}

/// A reference sheet background: a soft grey studio sweep.
fn studio(w: usize, h: usize) -> Canvas {
    let mut c = Canvas::new(w, h, [0, 0, 0]);
    vertical_gradient(&mut c, rgb(0xcfd2d6), rgb(0x9a9ea6));
    c.ellipse(
        w as f64 / 2.0,
        h as f64 * 0.93,
        w as f64 * 0.3,
        h as f64 * 0.025,
        rgb(0x70747c),
        0.6,
    );
    c
}

pub fn aiko_person(cx: f64, feet: f64, height: f64) -> Person {
    Person {
        hair: rgb(0x141018),
        hair_style: Hair::Bob,
        coat: rgb(0xd62828),
        coat_length: 0.72,
        flare: 0.13,
        legs: rgb(0x1c1c24),
        shoes: rgb(0x101014),
        ..Person::adult(cx, feet, height)
    }
}

/// Aiko: red raincoat, black bob, clear umbrella.
pub fn aiko_ref() -> Canvas {
    let mut c = studio(256, 384);
    let p = aiko_person(128.0, 357.0, 290.0);
    p.draw(&mut c);
    umbrella(&mut c, p.hand(), 28.0, 105.0, false);
    c
}

/// Night street in Shinjuku after rain: neon signs above, their colours smeared in the puddles,
/// Aiko small in the middle distance with her reflection under her.
pub fn neon_puddle() -> Canvas {
    let mut rng = Rng::from_name("neon_puddle");
    let (w, h) = (768.0, 512.0);
    let horizon = 300.0;
    let mut c = Canvas::new(768, 512, [0, 0, 0]);
    vertical_gradient(&mut c, rgb(0x07081a), rgb(0x241036));
    // Buildings on both sides receding toward the vanishing point, with neon signs.
    let neon = [
        rgb(0xff2d95),
        rgb(0x19e3ff),
        rgb(0xffd319),
        rgb(0x9d4dff),
        rgb(0xff5a36),
    ];
    let mut x = 0.0;
    while x < w {
        let bw = rng.range(50.0, 110.0);
        let centre_dist = ((x + bw / 2.0) - w / 2.0).abs() / (w / 2.0);
        let top = horizon - 60.0 - 200.0 * centre_dist - rng.range(0.0, 40.0);
        let shade = mix(rgb(0x10101c), rgb(0x1c1a2c), rng.unit());
        c.rect(x, top, x + bw + 1.0, horizon, shade, 1.0);
        // Lit windows.
        let mut wy = top + 10.0;
        while wy < horizon - 14.0 {
            let mut wx = x + 6.0;
            while wx < x + bw - 10.0 {
                if rng.unit() < 0.3 {
                    c.rect(wx, wy, wx + 5.0, wy + 7.0, rgb(0xf2c46d), 0.5);
                }
                wx += 11.0;
            }
            wy += 14.0;
        }
        // A vertical neon sign on most buildings.
        if rng.unit() < 0.8 {
            let color = neon[(rng.next_u64() % neon.len() as u64) as usize];
            let sx = x + rng.range(8.0, bw - 24.0);
            let sy = top + rng.range(10.0, 50.0);
            let sh = rng.range(50.0, 110.0).min(horizon - sy - 10.0);
            c.glow(sx + 8.0, sy + sh / 2.0, sh * 0.9, color, 0.35);
            c.rounded_rect((sx, sy, sx + 16.0, sy + sh), 3.0, color, 1.0);
            let mut gy = sy + 6.0;
            while gy < sy + sh - 8.0 {
                c.rect(
                    sx + 4.0,
                    gy,
                    sx + 12.0,
                    gy + 5.0,
                    mix(color, [255, 255, 255], 0.6),
                    1.0,
                );
                gy += 10.0;
            }
        }
        x += bw;
    }
    // Wet asphalt, then everything above mirrored into it, broken by ripples.
    c.rect(0.0, horizon, w, h, rgb(0x0c0c14), 1.0);
    c.reflect(horizon, h - horizon, 0.75, rgb(0x0c0c20), |row| {
        2.5 * dmath::sin(row as f64 * 0.45) + 1.5 * dmath::sin(row as f64 * 1.3)
    });
    // Dry patches between puddles.
    for _ in 0..14 {
        let px = rng.range(0.0, w);
        let py = rng.range(horizon + 20.0, h);
        let rx = rng.range(40.0, 140.0) * (py - horizon) / (h - horizon);
        c.ellipse(px, py, rx, rx * 0.12, rgb(0x141420), 0.7);
    }
    let feet = 352.0;
    let mut her = aiko_person(w / 2.0, feet, 110.0);
    her.draw(&mut c);
    umbrella(&mut c, her.hand(), feet - 120.0, 40.0, false);
    her.mirrored = true;
    her.alpha = 0.45;
    her.draw(&mut c);
    umbrella(&mut c, her.hand(), feet + 120.0, 40.0, true);
    rain_streaks(&mut c, &mut rng, 500, rgb(0xb8c8ff), 0.35);
    c
}

/// How a ship is painted.
#[derive(Clone, Copy)]
struct Colours {
    hull: Rgb,
    sail: Rgb,
    flag: Rgb,
    /// The skull on a pirate's flag.
    skull: bool,
}

/// A ship seen from the side, for the two coffee-cup vessels.
fn ship(c: &mut Canvas, cx: f64, water: f64, size: f64, colours: Colours) {
    let Colours {
        hull,
        sail,
        flag,
        skull,
    } = colours;
    let s = size;
    let hull_pts = [
        (cx - 0.55 * s, water - 0.22 * s),
        (cx - 0.38 * s, water - 0.18 * s),
        (cx + 0.42 * s, water - 0.18 * s),
        (cx + 0.62 * s, water - 0.3 * s),
        (cx + 0.48 * s, water + 0.02 * s),
        (cx - 0.42 * s, water + 0.02 * s),
    ];
    c.polygon(&hull_pts, hull, 1.0);
    c.rect(
        cx - 0.55 * s,
        water - 0.32 * s,
        cx - 0.3 * s,
        water - 0.18 * s,
        hull,
        1.0,
    );
    // Gun ports.
    for k in 0..5 {
        let gx = cx - 0.25 * s + k as f64 * 0.14 * s;
        c.rect(
            gx,
            water - 0.12 * s,
            gx + 0.05 * s,
            water - 0.08 * s,
            mix(hull, [0, 0, 0], 0.6),
            1.0,
        );
    }
    for (mx, mh) in [(-0.2, 0.95), (0.18, 1.1)] {
        let mast = cx + mx * s;
        let top = water - 0.18 * s - mh * s;
        c.line(
            (mast, water - 0.18 * s),
            (mast, top),
            0.035 * s,
            rgb(0x5a3a1e),
            1.0,
        );
        for (k, width) in [(0.0, 0.28), (0.36, 0.34), (0.72, 0.3)] {
            let y0 = top + 0.08 * s + k * mh * s * 0.8;
            let y1 = y0 + 0.26 * mh * s;
            let hw = width * s / 1.0 / 2.0 * 1.2;
            let belly = 0.05 * s;
            c.polygon(
                &[
                    (mast - hw, y0),
                    (mast + hw, y0),
                    (mast + hw + belly, y1),
                    (mast - hw + belly, y1),
                ],
                sail,
                1.0,
            );
        }
        c.polygon(
            &[
                (mast, top),
                (mast + 0.22 * s, top + 0.05 * s),
                (mast, top + 0.1 * s),
            ],
            flag,
            1.0,
        );
        if skull {
            c.circle(
                mast + 0.07 * s,
                top + 0.045 * s,
                0.022 * s,
                [240, 240, 240],
                1.0,
            );
        }
    }
    c.line(
        (cx + 0.6 * s, water - 0.3 * s),
        (cx + 0.85 * s, water - 0.45 * s),
        0.025 * s,
        rgb(0x5a3a1e),
        1.0,
    );
}

fn ship_ref(name: &str, colours: Colours) -> Canvas {
    let mut c = studio(256, 256);
    // A swell of coffee for it to sit in.
    c.rect(0.0, 190.0, 256.0, 256.0, rgb(0x4a2c17), 1.0);
    let mut rng = Rng::from_name(name);
    for _ in 0..30 {
        let x = rng.range(0.0, 256.0);
        let y = rng.range(195.0, 256.0);
        c.ellipse(x, y, rng.range(6.0, 20.0), 2.0, rgb(0xc89b6a), 0.5);
    }
    ship(&mut c, 118.0, 196.0, 150.0, colours);
    c
}

/// The pirate sloop: black hull, patched brown sails, the skull and crossbones.
pub fn black_bean_ref() -> Canvas {
    let colours = Colours {
        hull: rgb(0x1e1612),
        sail: rgb(0x8a6a4a),
        flag: rgb(0x101010),
        skull: true,
    };
    ship_ref("black_bean", colours)
}

/// The navy frigate: blue hull, white sails, a red pennant.
pub fn crema_queen_ref() -> Canvas {
    let colours = Colours {
        hull: rgb(0x1f3a6b),
        sail: rgb(0xf2ead8),
        flag: rgb(0xc0202a),
        skull: false,
    };
    ship_ref("crema_queen", colours)
}

/// Overhead: a cup of coffee on its saucer, two tiny ships circling in the crema, powder smoke.
pub fn cup_overhead() -> Canvas {
    let mut rng = Rng::from_name("cup_overhead");
    let (w, h) = (512.0, 320.0);
    let mut c = Canvas::new(512, 320, rgb(0x6b4424));
    // Table grain.
    for k in 0..40 {
        let y = k as f64 * 8.0 + rng.range(0.0, 4.0);
        c.rect(0.0, y, w, y + rng.range(1.0, 3.0), rgb(0x5a3819), 0.6);
    }
    let (cx, cy) = (w / 2.0, h / 2.0);
    c.circle(cx + 6.0, cy + 8.0, 150.0, rgb(0x3a2410), 0.5); // shadow
    c.circle(cx, cy, 148.0, rgb(0xe9e6df), 1.0); // saucer
    c.circle(cx, cy, 118.0, rgb(0xd6d2ca), 1.0);
    c.rounded_rect(
        (cx + 100.0, cy - 18.0, cx + 150.0, cy + 18.0),
        16.0,
        rgb(0xf4f2ee),
        1.0,
    ); // handle
    c.circle(cx, cy, 110.0, rgb(0xf7f5f1), 1.0); // rim
    c.circle(cx, cy, 98.0, rgb(0x3b2314), 1.0); // coffee
    c.circle(cx, cy, 92.0, rgb(0x8a5a32), 0.35); // crema
                                                 // A swirl of milk.
    for k in 0..900 {
        let t = k as f64 / 900.0;
        let ang = t * 3.0 * TAU;
        let r = 10.0 + 70.0 * t;
        let (x, y) = (cx + r * dmath::cos(ang), cy + r * dmath::sin(ang));
        c.circle(x, y, 5.0 - 3.0 * t, rgb(0xe6cfae), 0.12);
    }
    // Two ships from above, wakes behind them, smoke between.
    let top_ship = |c: &mut Canvas, x: f64, y: f64, ang: f64, hull: Rgb, sail: Rgb| {
        let (dx, dy) = (dmath::cos(ang), dmath::sin(ang));
        let (nx, ny) = (-dy, dx);
        let p = |a: f64, b: f64| (x + dx * a + nx * b, y + dy * a + ny * b);
        for k in 1..6 {
            let (wx, wy) = p(-26.0 - k as f64 * 7.0, 0.0);
            c.circle(
                wx,
                wy,
                3.0 + k as f64 * 1.2,
                rgb(0xf0e2c8),
                0.45 - k as f64 * 0.06,
            );
        }
        c.polygon(
            &[
                p(30.0, 0.0),
                p(12.0, 9.0),
                p(-26.0, 8.0),
                p(-26.0, -8.0),
                p(12.0, -9.0),
            ],
            hull,
            1.0,
        );
        c.polygon(
            &[p(20.0, -3.0), p(34.0, -1.0), p(34.0, 1.0), p(20.0, 3.0)],
            rgb(0x5a3a1e),
            1.0,
        );
        for a in [-12.0, 6.0] {
            c.polygon(
                &[
                    p(a - 3.0, -16.0),
                    p(a + 3.0, -16.0),
                    p(a + 5.0, 0.0),
                    p(a + 3.0, 16.0),
                    p(a - 3.0, 16.0),
                ],
                sail,
                1.0,
            );
            c.circle(p(a, 0.0).0, p(a, 0.0).1, 2.0, rgb(0x5a3a1e), 1.0);
        }
    };
    top_ship(
        &mut c,
        cx - 30.0,
        cy - 42.0,
        0.4,
        rgb(0x1e1612),
        rgb(0x8a6a4a),
    );
    top_ship(
        &mut c,
        cx + 34.0,
        cy + 40.0,
        PI + 0.3,
        rgb(0x1f3a6b),
        rgb(0xf2ead8),
    );
    for _ in 0..14 {
        let t = rng.unit();
        let (x, y) = (cx - 35.0 + 70.0 * t, cy - 30.0 + 70.0 * t);
        c.circle(
            x + rng.range(-10.0, 10.0),
            y + rng.range(-10.0, 10.0),
            rng.range(5.0, 11.0),
            rgb(0xf4f4f0),
            0.45,
        );
    }
    c
}

/// Newsreel title card: pale letters on dark card stock, a double rule, scratches and dust.
pub fn gold_rush_title() -> Canvas {
    let mut rng = Rng::from_name("gold_rush_title");
    let (w, h) = (512.0, 384.0);
    let mut c = Canvas::new(512, 384, rgb(0x1f1a14));
    let ink = rgb(0xeee3c6);
    for (inset, width) in [(24.0, 3.0), (34.0, 1.0)] {
        let (x0, y0, x1, y1) = (inset, inset, w - inset, h - inset);
        c.rect(x0, y0, x1, y0 + width, ink, 1.0);
        c.rect(x0, y1 - width, x1, y1, ink, 1.0);
        c.rect(x0, y0, x0 + width, y1, ink, 1.0);
        c.rect(x1 - width, y0, x1, y1, ink, 1.0);
    }
    draw_centered(&mut c, "THE CALIFORNIA", w / 2.0, 90.0, 4.0, ink);
    draw_centered(&mut c, "GOLD RUSH", w / 2.0, 150.0, 7.0, rgb(0xe8c766));
    c.rect(w / 2.0 - 90.0, 220.0, w / 2.0 + 90.0, 222.0, ink, 1.0);
    c.circle(w / 2.0, 221.0, 5.0, ink, 1.0);
    draw_centered(&mut c, "1848 - 1855", w / 2.0, 240.0, 3.0, ink);
    draw_centered(
        &mut c,
        "NEWS OF THE WEST",
        w / 2.0,
        300.0,
        2.0,
        mix(ink, rgb(0x1f1a14), 0.35),
    );
    for _ in 0..6 {
        let x = rng.range(0.0, w);
        c.line(
            (x, 0.0),
            (x + rng.range(-6.0, 6.0), h),
            rng.range(0.6, 1.4),
            ink,
            rng.range(0.1, 0.3),
        );
    }
    for _ in 0..60 {
        let color = if rng.unit() < 0.5 { [0, 0, 0] } else { ink };
        c.circle(
            rng.range(0.0, w),
            rng.range(0.0, h),
            rng.range(0.5, 2.0),
            color,
            rng.range(0.3, 0.8),
        );
    }
    vignette(&mut c, 0.9);
    c
}

/// The prospector: broad hat, beard, shirt and braces, a pick over his shoulder, a pan in hand.
pub fn prospector_ref() -> Canvas {
    let mut c = studio(256, 384);
    let p = Person {
        skin: rgb(0xc99a74),
        hair: rgb(0x5b4631),
        coat: rgb(0x8c5a3a),
        coat_length: 0.5,
        flare: 0.095,
        legs: rgb(0x3d4a63),
        shoes: rgb(0x3a2616),
        ..Person::adult(128.0, 357.0, 300.0)
    };
    // The pick goes behind him, over the shoulder.
    let (sx, sy) = p.at(0.1, 0.16);
    c.line(
        (sx - 70.0, sy + 110.0),
        (sx + 40.0, sy - 60.0),
        7.0,
        rgb(0x7a5530),
        1.0,
    );
    c.polygon(
        &[
            (sx + 5.0, sy - 85.0),
            (sx + 80.0, sy - 38.0),
            (sx + 40.0, sy - 58.0),
        ],
        rgb(0x5c5f66),
        1.0,
    );
    p.draw(&mut c);
    let (hx, hy) = p.head_centre();
    let r = p.len(p.head);
    c.ellipse(hx, hy + r * 1.0, r * 0.8, r * 0.55, rgb(0x6e5a44), 1.0); // beard
    c.ellipse(hx, hy - r * 0.55, r * 2.1, r * 0.32, rgb(0x4a3a2a), 1.0); // brim
    c.rounded_rect(
        (hx - r * 0.95, hy - r * 1.55, hx + r * 0.95, hy - r * 0.5),
        r * 0.3,
        rgb(0x4a3a2a),
        1.0,
    );
    for side in [-1.0, 1.0] {
        c.line(
            p.at(side * 0.05, 0.17),
            p.at(side * 0.05, 0.48),
            4.0,
            rgb(0x2c2218),
            1.0,
        ); // braces
    }
    let (px, py) = p.at(-0.16, 0.5);
    c.ellipse(px - 10.0, py, 28.0, 9.0, rgb(0x6f7278), 1.0); // gold pan
    c.ellipse(px - 10.0, py - 2.0, 10.0, 3.0, rgb(0xe8c766), 1.0);
    c
}

pub fn pascal_person(cx: f64, feet: f64, height: f64) -> Person {
    Person {
        head: 0.09,
        skin: rgb(0xf0d2b8),
        hair: rgb(0x4a3020),
        coat: rgb(0x5d6470),
        coat_length: 0.52,
        flare: 0.11,
        legs: rgb(0xd8d2c4),
        shoes: rgb(0x2a1a10),
        ..Person::adult(cx, feet, height)
    }
}

/// Pascal: a small boy in a grey school coat, knee socks and a satchel.
pub fn pascal_ref() -> Canvas {
    let mut c = studio(256, 384);
    let p = pascal_person(128.0, 357.0, 230.0);
    let (bx, by) = p.at(0.12, 0.3);
    c.rounded_rect(
        (bx - 6.0, by, bx + 34.0, by + 44.0),
        6.0,
        rgb(0x7a4a24),
        1.0,
    ); // satchel
    p.draw(&mut c);
    // Short trousers, and bare knees above the socks.
    let (sx0, sy0) = p.at(-0.075, 0.5);
    let (sx1, sy1) = p.at(0.075, 0.6);
    c.rect(sx0, sy0, sx1, sy1, rgb(0x3c414b), 1.0);
    for side in [-1.0, 1.0] {
        c.line(
            p.at(side * 0.035, 0.61),
            p.at(side * 0.035, 0.7),
            p.len(0.05),
            p.skin,
            1.0,
        );
    }
    let (hx, hy) = p.head_centre();
    let r = p.len(p.head);
    c.ellipse(hx + 2.0, hy - r * 0.6, r * 1.1, r * 0.5, rgb(0x2e3440), 1.0); // beret
    c
}

fn balloon(c: &mut Canvas, cx: f64, cy: f64, r: f64, string_to: (f64, f64)) {
    let mut prev = (cx, cy + r * 1.15);
    for k in 1..=20 {
        let t = k as f64 / 20.0;
        let x = cx + (string_to.0 - cx) * t + 4.0 * dmath::sin(t * 3.0 * PI);
        let y = prev.1 + (string_to.1 - (cy + r * 1.15)) / 20.0;
        c.line(prev, (x, y), 1.2, rgb(0x3a3a3a), 1.0);
        prev = (x, y);
    }
    c.polygon(
        &[
            (cx - r * 0.12, cy + r * 1.18),
            (cx + r * 0.12, cy + r * 1.18),
            (cx, cy + r * 1.05),
        ],
        rgb(0xa8101a),
        1.0,
    );
    c.ellipse(cx, cy, r, r * 1.15, rgb(0xd7141f), 1.0);
    c.ellipse(
        cx - r * 0.35,
        cy - r * 0.45,
        r * 0.2,
        r * 0.32,
        rgb(0xff8a8a),
        0.7,
    );
}

/// The red balloon on its string against a grey sky.
pub fn balloon_ref() -> Canvas {
    let mut c = studio(256, 384);
    balloon(&mut c, 128.0, 130.0, 62.0, (124.0, 360.0));
    c
}

/// The balloon rising above wet zinc rooftops, the Eiffel Tower faint in the drizzle.
pub fn paris_rooftops() -> Canvas {
    let mut rng = Rng::from_name("paris_rooftops");
    let (w, h) = (512.0, 320.0);
    let mut c = Canvas::new(512, 320, [0, 0, 0]);
    vertical_gradient(&mut c, rgb(0x8f959e), rgb(0xc4c6c8));
    // The tower, far away in haze.
    let (tx, base) = (390.0, 250.0);
    let tower = rgb(0x858b94);
    c.polygon(
        &[
            (tx - 38.0, base),
            (tx - 4.0, 60.0),
            (tx + 4.0, 60.0),
            (tx + 38.0, base),
            (tx + 22.0, base),
            (tx, 170.0),
            (tx - 22.0, base),
        ],
        tower,
        1.0,
    );
    c.rect(tx - 28.0, 180.0, tx + 28.0, 186.0, tower, 1.0);
    c.rect(tx - 14.0, 120.0, tx + 14.0, 125.0, tower, 1.0);
    c.line((tx, 60.0), (tx, 40.0), 2.0, tower, 1.0);
    // Rows of mansard roofs, nearer rows darker.
    for (row, (top, color)) in [
        (200.0, rgb(0x7d848e)),
        (235.0, rgb(0x5e6570)),
        (270.0, rgb(0x434952)),
    ]
    .iter()
    .enumerate()
    {
        let mut x = -20.0;
        while x < w {
            let bw = rng.range(60.0, 120.0);
            let roof = top - rng.range(0.0, 25.0);
            c.polygon(
                &[
                    (x, h),
                    (x, roof + 12.0),
                    (x + 10.0, roof),
                    (x + bw - 10.0, roof),
                    (x + bw, roof + 12.0),
                    (x + bw, h),
                ],
                *color,
                1.0,
            );
            let mut cx = x + 14.0;
            while cx < x + bw - 16.0 {
                if rng.unit() < 0.5 {
                    c.rect(
                        cx,
                        roof - 14.0,
                        cx + 9.0,
                        roof + 1.0,
                        mix(*color, rgb(0x8a5a44), 0.5),
                        1.0,
                    );
                    for k in 0..3 {
                        c.rect(
                            cx + 1.0 + k as f64 * 2.8,
                            roof - 19.0,
                            cx + 2.8 + k as f64 * 2.8,
                            roof - 14.0,
                            rgb(0x9a5a3c),
                            1.0,
                        );
                    }
                }
                // Dormer windows.
                if rng.unit() < 0.5 && row > 0 {
                    c.rect(
                        cx + 2.0,
                        roof + 16.0,
                        cx + 10.0,
                        roof + 28.0,
                        rgb(0xe8d8a0),
                        0.7,
                    );
                }
                cx += 22.0;
            }
            x += bw;
        }
    }
    balloon(&mut c, 170.0, 95.0, 24.0, (180.0, 180.0));
    rain_streaks(&mut c, &mut rng, 300, rgb(0xeef0f4), 0.3);
    c
}

pub fn mara_person(cx: f64, feet: f64, height: f64) -> Person {
    Person {
        skin: rgb(0xe6bfa0),
        hair: rgb(0x8a3b1c),
        hair_style: Hair::Long,
        coat: rgb(0x2f5d4a),
        coat_length: 0.68,
        flare: 0.12,
        legs: rgb(0x24262c),
        ..Person::adult(cx, feet, height)
    }
}

pub fn elias_person(cx: f64, feet: f64, height: f64) -> Person {
    Person {
        skin: rgb(0xd7a98a),
        hair: rgb(0x9a9a9e),
        coat: rgb(0x1e2a44),
        coat_length: 0.6,
        flare: 0.105,
        legs: rgb(0x3a3530),
        ..Person::adult(cx, feet, height)
    }
}

/// Mara: long auburn hair, a bottle-green wool coat.
pub fn mara_ref() -> Canvas {
    let mut c = studio(256, 384);
    mara_person(128.0, 357.0, 290.0).draw(&mut c);
    c
}

/// Elias: grey hair, a navy pea coat, a scarf.
pub fn elias_ref() -> Canvas {
    let mut c = studio(256, 384);
    let p = elias_person(128.0, 357.0, 305.0);
    p.draw(&mut c);
    let (sx, sy) = p.at(0.0, 0.17);
    c.rounded_rect(
        (sx - 24.0, sy - 6.0, sx + 24.0, sy + 10.0),
        6.0,
        rgb(0xb33a2e),
        1.0,
    );
    c.rect(sx + 6.0, sy + 6.0, sx + 18.0, sy + 48.0, rgb(0xb33a2e), 1.0);
    c
}

/// The Lumen lantern: a brushed-metal body, a glass chimney with a warm core, a bail handle.
fn lantern(c: &mut Canvas, cx: f64, base: f64, size: f64) {
    let s = size;
    let metal = rgb(0x2b2f36);
    let edge = rgb(0x8d96a3);
    c.glow(cx, base - 0.55 * s, 0.9 * s, rgb(0xffb347), 0.35);
    c.rounded_rect(
        (cx - 0.28 * s, base - 0.2 * s, cx + 0.28 * s, base),
        0.05 * s,
        metal,
        1.0,
    );
    c.rect(
        cx - 0.28 * s,
        base - 0.2 * s,
        cx + 0.28 * s,
        base - 0.185 * s,
        edge,
        1.0,
    );
    c.rounded_rect(
        (cx - 0.2 * s, base - 0.82 * s, cx + 0.2 * s, base - 0.2 * s),
        0.08 * s,
        rgb(0xffe2a8),
        0.55,
    );
    c.glow(cx, base - 0.5 * s, 0.22 * s, rgb(0xfff4d6), 0.95);
    c.rounded_rect(
        (
            cx - 0.05 * s,
            base - 0.62 * s,
            cx + 0.05 * s,
            base - 0.38 * s,
        ),
        0.04 * s,
        rgb(0xfffaf0),
        1.0,
    );
    c.rect(
        cx - 0.17 * s,
        base - 0.8 * s,
        cx - 0.13 * s,
        base - 0.22 * s,
        rgb(0xffffff),
        0.35,
    ); // highlight
    c.rounded_rect(
        (
            cx - 0.24 * s,
            base - 0.92 * s,
            cx + 0.24 * s,
            base - 0.8 * s,
        ),
        0.04 * s,
        metal,
        1.0,
    );
    c.rect(
        cx - 0.24 * s,
        base - 0.815 * s,
        cx + 0.24 * s,
        base - 0.8 * s,
        edge,
        1.0,
    );
    let mut prev = (cx - 0.2 * s, base - 0.9 * s);
    for k in 1..=24 {
        let ang = PI * k as f64 / 24.0;
        let p = (
            cx - 0.2 * s * dmath::cos(ang),
            base - 0.9 * s - 0.28 * s * dmath::sin(ang),
        );
        c.line(prev, p, 0.03 * s, edge, 1.0);
        prev = p;
    }
}

fn studio_dark(w: usize, h: usize) -> Canvas {
    let mut c = Canvas::new(w, h, [0, 0, 0]);
    vertical_gradient(&mut c, rgb(0x1a2233), rgb(0x05070c));
    c
}

/// The hero product shot: the lantern lit on a glossy black floor.
pub fn lantern_hero() -> Canvas {
    let (w, h) = (512.0, 320.0);
    let mut c = studio_dark(512, 320);
    let floor = 250.0;
    c.rect(0.0, floor, w, h, rgb(0x07080b), 1.0);
    lantern(&mut c, w / 2.0, floor, 200.0);
    c.reflect(floor, h - floor, 0.4, rgb(0x000000), |_| 0.0);
    c
}

/// The end card: lantern, brand, line.
pub fn lumen_endcard() -> Canvas {
    let w = 512.0;
    let mut c = studio_dark(512, 320);
    lantern(&mut c, w / 2.0, 150.0, 120.0);
    draw_centered(&mut c, "LUMEN", w / 2.0, 180.0, 8.0, rgb(0xfff1d6));
    draw_centered(
        &mut c,
        "LIGHT YOU CAN CARRY",
        w / 2.0,
        256.0,
        2.0,
        rgb(0xffb347),
    );
    c
}
