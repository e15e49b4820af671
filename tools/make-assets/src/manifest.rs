//! Which asset goes where. Paths are relative to the repository root; each film keeps its own
//! copies because a film may only read files inside its own project directory.

use crate::canvas::Canvas;
use crate::synth::{Buffer, RATE};
use crate::wav::Wav;
use crate::{ambience, music, pictures, sfx};

pub enum Source {
    Sound(fn() -> Buffer),
    Picture(fn() -> Canvas),
}

pub struct Asset {
    pub path: &'static str,
    pub source: Source,
}

impl Asset {
    pub fn render(&self) -> Result<Vec<u8>, png::EncodingError> {
        match self.source {
            Source::Sound(make) => Ok(Wav::mono(RATE, make().0).encode()),
            Source::Picture(make) => make().encode_png(),
        }
    }
}

const fn sound(path: &'static str, make: fn() -> Buffer) -> Asset {
    Asset {
        path,
        source: Source::Sound(make),
    }
}

const fn picture(path: &'static str, make: fn() -> Canvas) -> Asset {
    Asset {
        path,
        source: Source::Picture(make),
    }
}

fn rain_tokyo() -> Buffer {
    ambience::rain("rain_tokyo")
}

fn rain_paris() -> Buffer {
    ambience::rain("rain_paris")
}

pub const ASSETS: &[Asset] = &[
    sound("examples/neon_rain/audio/rain.wav", rain_tokyo),
    sound("examples/neon_rain/audio/theme.wav", music::neon_theme),
    sound("examples/neon_rain/audio/thunder.wav", sfx::thunder),
    picture("examples/neon_rain/refs/aiko.png", pictures::aiko_ref),
    picture(
        "examples/neon_rain/keyframes/puddle.png",
        pictures::neon_puddle,
    ),
    sound("examples/coffee_pirates/audio/cafe.wav", ambience::cafe),
    sound("examples/coffee_pirates/audio/shanty.wav", music::shanty),
    sound("examples/coffee_pirates/audio/cannon.wav", sfx::cannon),
    picture(
        "examples/coffee_pirates/refs/black_bean.png",
        pictures::black_bean_ref,
    ),
    picture(
        "examples/coffee_pirates/refs/crema_queen.png",
        pictures::crema_queen_ref,
    ),
    picture(
        "examples/coffee_pirates/keyframes/cup.png",
        pictures::cup_overhead,
    ),
    sound(
        "examples/gold_rush_newsreel/audio/march.wav",
        music::newsreel_march,
    ),
    sound("examples/gold_rush_newsreel/audio/wind.wav", ambience::wind),
    sound(
        "examples/gold_rush_newsreel/audio/shutter.wav",
        sfx::shutter,
    ),
    picture(
        "examples/gold_rush_newsreel/refs/prospector.png",
        pictures::prospector_ref,
    ),
    picture(
        "examples/gold_rush_newsreel/keyframes/title_card.png",
        pictures::gold_rush_title,
    ),
    sound("examples/red_balloon/audio/rain.wav", rain_paris),
    sound("examples/red_balloon/audio/waltz.wav", music::waltz),
    sound("examples/red_balloon/audio/bell.wav", sfx::bell),
    picture("examples/red_balloon/refs/pascal.png", pictures::pascal_ref),
    picture(
        "examples/red_balloon/refs/balloon.png",
        pictures::balloon_ref,
    ),
    picture(
        "examples/red_balloon/keyframes/rooftops.png",
        pictures::paris_rooftops,
    ),
    sound("examples/the_reunion/audio/harbour.wav", ambience::harbour),
    sound("examples/the_reunion/audio/piano.wav", music::reunion_piano),
    picture("examples/the_reunion/refs/mara.png", pictures::mara_ref),
    picture("examples/the_reunion/refs/elias.png", pictures::elias_ref),
    sound("examples/product_ad/audio/jingle.wav", music::jingle),
    sound("examples/product_ad/audio/whoosh.wav", sfx::whoosh),
    picture(
        "examples/product_ad/keyframes/hero.png",
        pictures::lantern_hero,
    ),
    picture(
        "examples/product_ad/keyframes/endcard.png",
        pictures::lumen_endcard,
    ),
];

/// The folders under each example that hold generated assets and nothing else.
pub const ASSET_DIRS: &[&str] = &["audio", "refs", "keyframes"];
