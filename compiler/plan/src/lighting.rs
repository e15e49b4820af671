//! A shot's lights: the location's, with the shot's own added (or put in place of the
//! location's light of the same name); which one is the key; their colours; and how they read
//! in the prompt ("soft warm key light from the left").

use scene_check::film::{self, Film, LightColor, Shot};

use crate::schedule::{Light, LightQuality, LightSide};

/// The shot's lights in order: the location's as written, each replaced in place by the shot's
/// light of its name, then the shot's other lights. The key is the light named `key`, else the
/// most intense (the first of equals); a shot without lights has no key.
pub fn resolve(film: &Film, shot: &Shot) -> Vec<Light> {
    let location = film.location(film.scene(shot.scene).location);
    let mut lights: Vec<&film::Light> = location.lights.iter().collect();
    for own in &shot.lights {
        match lights.iter_mut().find(|l| l.name == own.name) {
            Some(slot) => *slot = own,
            None => lights.push(own),
        }
    }
    let key = lights.iter().position(|l| l.name == "key").or_else(|| {
        let mut best: Option<(usize, f64)> = None;
        for (i, l) in lights.iter().enumerate() {
            if best.is_none_or(|(_, b)| l.intensity.0 > b) {
                best = Some((i, l.intensity.0));
            }
        }
        best.map(|(i, _)| i)
    });
    lights
        .iter()
        .enumerate()
        .map(|(i, l)| Light {
            name: l.name.clone(),
            from: side(l.from),
            quality: l.quality.map(|q| match q {
                film::LightQuality::Hard => LightQuality::Hard,
                film::LightQuality::Soft => LightQuality::Soft,
            }),
            kelvin: match l.color {
                Some(LightColor::Kelvin(k)) => Some(k.0),
                _ => None,
            },
            color: hex(match l.color {
                Some(LightColor::Kelvin(k)) => kelvin_rgb(k.0),
                Some(LightColor::Rgb(c)) => c.0,
                None => [255, 255, 255],
            }),
            intensity: l.intensity.0,
            key: key == Some(i),
        })
        .collect()
}

fn side(s: film::LightSide) -> LightSide {
    match s {
        film::LightSide::Left => LightSide::Left,
        film::LightSide::Right => LightSide::Right,
        film::LightSide::Front => LightSide::Front,
        film::LightSide::Back => LightSide::Back,
        film::LightSide::Above => LightSide::Above,
        film::LightSide::Below => LightSide::Below,
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The colour of a black body at `kelvin`, normalised so that about 6600 K is white: the usual
/// fit of the Planckian locus to sRGB (red, green and blue each a power law or a logarithm of
/// the temperature in hundreds of kelvin, clamped to 0–255).
pub fn kelvin_rgb(kelvin: f64) -> [u8; 3] {
    let t = kelvin.clamp(1000.0, 40000.0) / 100.0;
    let r = if t <= 66.0 {
        255.0
    } else {
        329.698_727_446 * (t - 60.0).powf(-0.133_204_759_2)
    };
    let g = if t <= 66.0 {
        99.470_802_586_1 * t.ln() - 161.119_568_166_1
    } else {
        288.122_169_528_3 * (t - 60.0).powf(-0.075_514_849_2)
    };
    let b = if t >= 66.0 {
        255.0
    } else if t <= 19.0 {
        0.0
    } else {
        138.517_731_223_1 * (t - 10.0).ln() - 305.044_792_730_7
    };
    let byte = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    [byte(r), byte(g), byte(b)]
}

/// The lights in words, for the prompt: "soft warm key light from the left, dim hard daylight
/// rim light from behind". A light at 0% is off and goes unsaid.
pub fn words(lights: &[Light]) -> String {
    lights
        .iter()
        .filter(|l| l.intensity > 0.0)
        .map(phrase)
        .collect::<Vec<_>>()
        .join(", ")
}

fn phrase(l: &Light) -> String {
    let mut words: Vec<String> = Vec::new();
    if l.intensity < 0.5 {
        words.push("dim".into());
    } else if l.intensity > 2.0 {
        words.push("bright".into());
    }
    match l.quality {
        Some(LightQuality::Hard) => words.push("hard".into()),
        Some(LightQuality::Soft) => words.push("soft".into()),
        None => {}
    }
    if let Some(colour) = colour_word(l) {
        words.push(colour.into());
    }
    let name = l.name.replace('_', " ");
    if name.ends_with("light") {
        words.push(name);
    } else {
        words.push(format!("{name} light"));
    }
    words.push(
        match l.from {
            LightSide::Left => "from the left",
            LightSide::Right => "from the right",
            LightSide::Front => "from the front",
            LightSide::Back => "from behind",
            LightSide::Above => "from above",
            LightSide::Below => "from below",
        }
        .into(),
    );
    words.join(" ")
}

/// A temperature as a video model knows it (tungsten is warm, daylight is neutral), or a
/// written colour by its hue; `None` for a light that names neither.
fn colour_word(l: &Light) -> Option<&'static str> {
    if let Some(k) = l.kelvin {
        return Some(match k {
            k if k < 2200.0 => "amber",
            k if k < 3800.0 => "warm",
            k if k < 5000.0 => "neutral",
            k if k < 6800.0 => "daylight",
            k if k < 9000.0 => "cool",
            _ => "blue",
        });
    }
    if l.color == "#ffffff" {
        return None;
    }
    Some(hue_word(&l.color))
}

/// The name of a `#rrggbb` colour's hue; "white" when it has little colour.
fn hue_word(hex: &str) -> &'static str {
    let byte = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(255) as f64
            / 255.0
    };
    let (r, g, b) = (byte(1), byte(3), byte(5));
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let chroma = max - min;
    if max <= 0.0 || chroma / max < 0.2 {
        return "white";
    }
    let hue = if max == r {
        60.0 * ((g - b) / chroma).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    };
    match hue {
        h if !(15.0..345.0).contains(&h) => "red",
        h if h < 40.0 => "orange",
        h if h < 65.0 => "yellow",
        h if h < 160.0 => "green",
        h if h < 195.0 => "cyan",
        h if h < 255.0 => "blue",
        h if h < 290.0 => "purple",
        _ => "magenta",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tungsten_is_orange_and_daylight_near_white() {
        let t = kelvin_rgb(3200.0);
        assert!(
            t[0] == 255 && t[1] > 150 && t[1] < 200 && t[2] < 130,
            "{t:?}"
        );
        let d = kelvin_rgb(6600.0);
        assert!(d.iter().all(|&c| c > 240), "{d:?}");
        let sky = kelvin_rgb(12000.0);
        assert!(sky[2] == 255 && sky[0] < 210, "{sky:?}");
    }

    #[test]
    fn hues_have_names() {
        assert_eq!(hue_word("#ff2a6d"), "magenta");
        assert_eq!(hue_word("#1d70b8"), "blue");
        assert_eq!(hue_word("#ffd8a8"), "orange");
        assert_eq!(hue_word("#f0f0f0"), "white");
    }
}
