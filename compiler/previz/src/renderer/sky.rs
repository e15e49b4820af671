//! Light by time of day and weather: the palette every other layer reads, and the celestial
//! bodies (sun, moon, stars) drawn into the sky.

use crate::frame::RgbFrame;

use super::projection::{normalize, Vec3, View};
use super::raster::{self, luma, mix, scale, Rgb};
use super::rng::Rng;

/// Time of day, from `setting.time` (unknown words fall back to day; the checker rejects them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeOfDay {
    Dawn,
    Day,
    Dusk,
    Night,
}

/// Weather, from `setting.weather`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weather {
    Clear,
    Rain,
    Snow,
    Fog,
}

impl TimeOfDay {
    pub fn parse(s: &str) -> TimeOfDay {
        match s.trim().to_ascii_lowercase().as_str() {
            "dawn" => TimeOfDay::Dawn,
            "dusk" => TimeOfDay::Dusk,
            "night" => TimeOfDay::Night,
            _ => TimeOfDay::Day,
        }
    }
}

impl Weather {
    pub fn parse(s: &str) -> Weather {
        match s.trim().to_ascii_lowercase().as_str() {
            "rain" => Weather::Rain,
            "snow" => Weather::Snow,
            "fog" => Weather::Fog,
            _ => Weather::Clear,
        }
    }
}

/// Everything colour- and light-related about a shot's setting.
#[derive(Clone, Debug)]
pub struct Palette {
    pub time: TimeOfDay,
    pub weather: Weather,
    pub zenith: Rgb,
    pub horizon: Rgb,
    pub ground: Rgb,
    pub road: Rgb,
    pub grid: Rgb,
    /// What distance fades into.
    pub fog: Rgb,
    /// Depth (metres) at which the fog reaches half strength.
    pub fog_half: f32,
    /// Light on surfaces facing away from the sun.
    pub ambient: f32,
    /// Extra light on surfaces facing the sun.
    pub diffuse: f32,
    /// Towards the sun (or the moon at night), unit length.
    pub sun_dir: Vec3,
    pub sun_colour: Rgb,
    /// Strength of the glow around the sun in the sky.
    pub sun_glow: f32,
    /// How much figures are lit (1 keeps their colour exact).
    pub figure_light: f32,
    /// Lit windows and lamps.
    pub lights_on: bool,
}

impl Palette {
    pub fn new(time: TimeOfDay, weather: Weather) -> Palette {
        let deg = std::f64::consts::PI / 180.0;
        let dir = |azimuth_deg: f64, elevation_deg: f64| -> Vec3 {
            let (a, e) = (azimuth_deg * deg, elevation_deg * deg);
            normalize([
                (libm::sin(a) * libm::cos(e)) as f32,
                libm::sin(e) as f32,
                (libm::cos(a) * libm::cos(e)) as f32,
            ])
        };
        let mut p = match time {
            TimeOfDay::Dawn => Palette {
                time,
                weather,
                zenith: [0.30, 0.40, 0.62],
                horizon: [0.98, 0.74, 0.58],
                ground: [0.40, 0.38, 0.34],
                road: [0.30, 0.29, 0.29],
                grid: [0.62, 0.56, 0.50],
                fog: [0.90, 0.76, 0.66],
                fog_half: 260.0,
                ambient: 0.62,
                diffuse: 0.45,
                sun_dir: dir(60.0, 7.0),
                sun_colour: [1.0, 0.80, 0.55],
                sun_glow: 0.55,
                figure_light: 0.92,
                lights_on: false,
            },
            TimeOfDay::Day => Palette {
                time,
                weather,
                zenith: [0.22, 0.46, 0.82],
                horizon: [0.74, 0.84, 0.95],
                ground: [0.46, 0.48, 0.42],
                road: [0.34, 0.35, 0.36],
                grid: [0.70, 0.72, 0.66],
                fog: [0.76, 0.84, 0.93],
                fog_half: 420.0,
                ambient: 0.68,
                diffuse: 0.40,
                sun_dir: dir(35.0, 55.0),
                sun_colour: [1.0, 0.98, 0.92],
                sun_glow: 0.30,
                figure_light: 1.0,
                lights_on: false,
            },
            TimeOfDay::Dusk => Palette {
                time,
                weather,
                zenith: [0.16, 0.15, 0.36],
                horizon: [0.96, 0.52, 0.32],
                ground: [0.30, 0.26, 0.26],
                road: [0.22, 0.20, 0.21],
                grid: [0.52, 0.40, 0.38],
                fog: [0.78, 0.48, 0.40],
                fog_half: 240.0,
                ambient: 0.50,
                diffuse: 0.45,
                sun_dir: dir(-65.0, 4.0),
                sun_colour: [1.0, 0.62, 0.35],
                sun_glow: 0.70,
                figure_light: 0.85,
                lights_on: true,
            },
            TimeOfDay::Night => Palette {
                time,
                weather,
                zenith: [0.012, 0.018, 0.055],
                horizon: [0.07, 0.09, 0.16],
                ground: [0.09, 0.095, 0.11],
                road: [0.06, 0.063, 0.075],
                grid: [0.22, 0.26, 0.34],
                fog: [0.08, 0.10, 0.16],
                fog_half: 160.0,
                ambient: 0.30,
                diffuse: 0.22,
                sun_dir: dir(-30.0, 38.0),
                sun_colour: [0.85, 0.88, 0.95],
                sun_glow: 0.12,
                figure_light: 0.72,
                lights_on: true,
            },
        };
        match weather {
            Weather::Clear => {}
            Weather::Rain => {
                // Overcast: a grey, flat sky, wet dark ground, no sun.
                p.zenith = mix(p.zenith, [luma(p.zenith) * 0.75; 3], 0.7);
                p.horizon = mix(p.horizon, [luma(p.horizon) * 0.8; 3], 0.7);
                p.ground = scale(mix(p.ground, [0.2, 0.22, 0.26], 0.3), 0.75);
                p.road = scale(p.road, 0.7);
                p.fog = p.horizon;
                p.fog_half = p.fog_half.min(120.0);
                p.ambient *= 0.85;
                p.diffuse *= 0.35;
                p.sun_glow = 0.0;
            }
            Weather::Snow => {
                p.zenith = mix(p.zenith, [luma(p.zenith) * 0.9 + 0.1; 3], 0.75);
                p.horizon = mix(p.horizon, [0.82, 0.84, 0.88], 0.6);
                let snow = if time == TimeOfDay::Night { 0.30 } else { 0.86 };
                p.ground = [snow, snow + 0.01, snow + 0.04];
                p.road = scale(p.ground, 0.85);
                p.grid = scale(p.ground, 0.78);
                p.fog = p.horizon;
                p.fog_half = p.fog_half.min(140.0);
                p.diffuse *= 0.4;
                p.sun_glow = 0.0;
            }
            Weather::Fog => {
                let veil = mix(p.horizon, [luma(p.horizon); 3], 0.6);
                p.fog = mix(
                    veil,
                    [0.78, 0.80, 0.82],
                    if time == TimeOfDay::Night { 0.0 } else { 0.35 },
                );
                p.zenith = mix(p.zenith, p.fog, 0.8);
                p.horizon = p.fog;
                p.fog_half = 14.0;
                p.diffuse *= 0.3;
                p.sun_glow = 0.0;
            }
        }
        p
    }

    /// Fraction of the way to the fog colour at depth `z` metres.
    #[inline]
    pub fn fog_amount(&self, z: f32) -> f32 {
        let z = z.max(0.0);
        z / (z + self.fog_half)
    }

    /// Lights a surface colour by its normal.
    pub fn shade(&self, colour: Rgb, normal: Vec3) -> Rgb {
        let n = super::projection::dot(normal, self.sun_dir).max(0.0);
        scale(colour, self.ambient + self.diffuse * n)
    }

    /// Shades and fogs a surface colour seen at depth `z`.
    pub fn surface(&self, colour: Rgb, normal: Vec3, z: f32) -> Rgb {
        mix(self.shade(colour, normal), self.fog, self.fog_amount(z))
    }
}

/// Stars as fixed directions on the sky dome, seeded by the location.
pub fn stars(seed: u64) -> Vec<(Vec3, f32)> {
    let mut rng = Rng::new(seed);
    (0..220)
        .map(|_| {
            let az = rng.range(-std::f32::consts::PI, std::f32::consts::PI) as f64;
            // Uniform on the upper dome above 4 degrees.
            let s = rng.range(0.07, 1.0) as f64;
            let c = libm::sqrt(1.0 - s * s);
            let d = [
                (libm::sin(az) * c) as f32,
                s as f32,
                (libm::cos(az) * c) as f32,
            ];
            let b = rng.range(0.25, 1.0);
            (d, b * b)
        })
        .collect()
}

/// Draws the sun, or the moon and stars at night, where the sky is open. Must run before the
/// set so that buildings hide them.
pub fn draw_celestial(frame: &mut RgbFrame, view: &View, p: &Palette, stars: &[(Vec3, f32)]) {
    let px = view.height / 512.0;
    let clear = p.weather == Weather::Clear;
    if p.time == TimeOfDay::Night {
        if clear {
            for &(d, b) in stars {
                if let Some((x, y)) = view.project_direction(d) {
                    raster::fill_circle(frame, x, y, 0.55 * px.max(1.0), [0.9, 0.92, 1.0], b);
                }
            }
        }
        if p.weather != Weather::Fog {
            if let Some((x, y)) = view.project_direction(p.sun_dir) {
                let r = 0.0045 * view.focal_px;
                let a = if clear { 1.0 } else { 0.35 };
                raster::glow(frame, x, y, r * 6.0, [0.55, 0.62, 0.8], 0.25 * a);
                raster::fill_circle(frame, x, y, r, [0.93, 0.94, 0.88], a);
            }
        }
    } else if clear {
        if let Some((x, y)) = view.project_direction(p.sun_dir) {
            let r = 0.0045 * view.focal_px;
            raster::glow(frame, x, y, r * 5.0, p.sun_colour, 0.5);
            raster::fill_circle(frame, x, y, r, mix(p.sun_colour, [1.0; 3], 0.6), 1.0);
        }
    }
}
