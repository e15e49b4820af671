//! Standing people, built from simple shapes: the character reference drawings and the small
//! figures inside keyframes.

use crate::canvas::{Canvas, Rgb};

#[derive(Clone, Copy)]
pub enum Hair {
    Short,
    Long,
    Bob,
}

#[derive(Clone, Copy)]
pub struct Person {
    pub cx: f64,
    /// y of the soles.
    pub feet: f64,
    pub height: f64,
    /// Head radius as a fraction of height (a child's head is larger).
    pub head: f64,
    pub skin: Rgb,
    pub hair: Rgb,
    pub hair_style: Hair,
    pub coat: Rgb,
    /// Where the coat ends, as a fraction of height from the top.
    pub coat_length: f64,
    /// Half-width of the coat's hem, as a fraction of height.
    pub flare: f64,
    pub legs: Rgb,
    pub shoes: Rgb,
    /// Drawn upside down below `feet` (a reflection in a puddle).
    pub mirrored: bool,
    pub alpha: f64,
}

impl Person {
    pub fn adult(cx: f64, feet: f64, height: f64) -> Person {
        Person {
            cx,
            feet,
            height,
            head: 0.068,
            skin: [0xe8, 0xc4, 0xa8],
            hair: [0x20, 0x18, 0x18],
            hair_style: Hair::Short,
            coat: [0x50, 0x50, 0x58],
            coat_length: 0.55,
            flare: 0.1,
            legs: [0x30, 0x30, 0x38],
            shoes: [0x18, 0x14, 0x12],
            mirrored: false,
            alpha: 1.0,
        }
    }

    /// Point at `fx`, `fy` in units of height, measured from the centre line and the head's top.
    pub fn at(&self, fx: f64, fy: f64) -> (f64, f64) {
        let y = self.feet - self.height + fy * self.height;
        let y = if self.mirrored {
            2.0 * self.feet - y
        } else {
            y
        };
        (self.cx + fx * self.height, y)
    }

    pub fn len(&self, f: f64) -> f64 {
        f * self.height
    }

    pub fn draw(&self, c: &mut Canvas) {
        let a = self.alpha;
        let h = self.head;
        let head = self.at(0.0, h);
        // Long hair falls behind the shoulders, so it goes down first.
        if let Hair::Long = self.hair_style {
            let top = self.at(-1.15 * h, h);
            let bottom = self.at(1.15 * h, h + 0.2);
            c.polygon(
                &[top, (bottom.0, top.1), bottom, (top.0, bottom.1)],
                self.hair,
                a,
            );
        }
        // Legs and shoes.
        for side in [-1.0, 1.0] {
            let x = side * 0.035;
            c.line(
                self.at(x, 0.5),
                self.at(x, 0.96),
                self.len(0.05),
                self.legs,
                a,
            );
            let (sx, sy) = self.at(x + side * 0.01, 0.98);
            c.ellipse(sx, sy, self.len(0.04), self.len(0.02), self.shoes, a);
        }
        // Neck, coat, arms, hands.
        c.line(
            self.at(0.0, 2.0 * h),
            self.at(0.0, 2.0 * h + 0.04),
            self.len(0.04),
            self.skin,
            a,
        );
        let s = 2.0 * h + 0.03;
        let coat = [
            self.at(-0.1, s),
            self.at(0.1, s),
            self.at(0.085, 0.42),
            self.at(self.flare, self.coat_length),
            self.at(-self.flare, self.coat_length),
            self.at(-0.085, 0.42),
        ];
        c.polygon(&coat, self.coat, a);
        for side in [-1.0, 1.0] {
            c.line(
                self.at(side * 0.095, s + 0.03),
                self.at(side * 0.13, 0.47),
                self.len(0.048),
                self.coat,
                a,
            );
            let (hx, hy) = self.at(side * 0.132, 0.49);
            c.circle(hx, hy, self.len(0.024), self.skin, a);
        }
        // Head and hair.
        c.circle(head.0, head.1, self.len(h), self.skin, a);
        let cap_y = if self.mirrored { 1.0 } else { -1.0 };
        match self.hair_style {
            Hair::Short | Hair::Long => {
                c.ellipse(
                    head.0,
                    head.1 + cap_y * self.len(h * 0.35),
                    self.len(h * 1.05),
                    self.len(h * 0.75),
                    self.hair,
                    a,
                );
            }
            Hair::Bob => {
                c.ellipse(
                    head.0,
                    head.1 + cap_y * self.len(h * 0.25),
                    self.len(h * 1.2),
                    self.len(h * 0.95),
                    self.hair,
                    a,
                );
                c.ellipse(
                    head.0,
                    head.1 - cap_y * self.len(h * 0.25),
                    self.len(h * 0.72),
                    self.len(h * 0.7),
                    self.skin,
                    a,
                );
            }
        }
    }

    /// The right hand (screen left), where props are held.
    pub fn hand(&self) -> (f64, f64) {
        self.at(-0.132, 0.49)
    }

    pub fn head_centre(&self) -> (f64, f64) {
        self.at(0.0, self.head)
    }
}

/// A clear umbrella held in `hand`: a translucent dome with ribs and a handle.
pub fn umbrella(c: &mut Canvas, hand: (f64, f64), top: f64, radius: f64, mirrored: bool) {
    let dir = if mirrored { -1.0 } else { 1.0 };
    let rim_y = top + dir * radius * 0.55;
    let cx = hand.0 + radius * 0.35;
    c.line(hand, (cx, top), radius * 0.05, [0x90, 0x90, 0x98], 0.9);
    let mut dome = Vec::new();
    for k in 0..=24 {
        let t = k as f64 / 24.0;
        let ang = std::f64::consts::PI * t;
        let x = cx - radius * crate::dmath::cos(ang);
        let y = rim_y - dir * radius * 0.6 * crate::dmath::sin(ang);
        dome.push((x, y));
    }
    c.polygon(&dome, [0xdd, 0xe8, 0xf0], 0.35);
    for k in 0..=6 {
        let t = k as f64 / 6.0;
        let x = cx - radius * crate::dmath::cos(std::f64::consts::PI * t);
        c.line(
            (cx, rim_y - dir * radius * 0.6),
            (x, rim_y),
            radius * 0.02,
            [0xf0, 0xf4, 0xf8],
            0.7,
        );
    }
    c.line(
        (cx - radius, rim_y),
        (cx + radius, rim_y),
        radius * 0.025,
        [0xf0, 0xf4, 0xf8],
        0.8,
    );
}
