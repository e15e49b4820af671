//! Delivery: how a line's parenthetical shapes the character's voice for that line.
//!
//! `(V.O.)` and `(O.S.)` place the line (see [`Placement`]); the words of any other
//! parenthetical are matched against a small table (docs/language.md, "Scratch voices"):
//! whispering, shouting, quietly, slowly, quickly, angrily, sadly. Anything else — `(a half
//! smile)`, `(hoarse)` — is acting direction the scratch voice does not attempt; the line is
//! spoken in the character's plain voice.

use crate::casting::{any, clamp_rate, words, Gender, Voice};
use crate::engine::SynthParams;

/// Where the line is heard from, which decides how it is mixed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placement {
    /// In the scene: a short, light room (a few early reflections).
    #[default]
    OnScreen,
    /// `(V.O.)`: narration, dry — no room — and lightly high-passed, close to the microphone.
    VoiceOver,
    /// `(O.S.)`: off screen, in the scene but out of view: band-limited (300 Hz–3 kHz), 4 dB
    /// down, with the room.
    OffScreen,
}

impl Placement {
    pub fn name(self) -> &'static str {
        match self {
            Placement::OnScreen => "on_screen",
            Placement::VoiceOver => "voice_over",
            Placement::OffScreen => "off_screen",
        }
    }

    pub fn from_name(name: &str) -> Option<Placement> {
        match name {
            "on_screen" => Some(Placement::OnScreen),
            "voice_over" => Some(Placement::VoiceOver),
            "off_screen" => Some(Placement::OffScreen),
            _ => None,
        }
    }
}

/// Everything the scratch voice needs to say one line: the engine's parameters plus the mix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScratchVoice {
    pub synth: SynthParams,
    /// Level relative to the normalised speaking level (−20 dBFS of active speech).
    pub gain_db: i8,
    pub placement: Placement,
}

const WHISPERING: &[&str] = &[
    "whisper",
    "whispering",
    "whispered",
    "whispers",
    "hushed",
    "breathless",
];
const SHOUTING: &[&str] = &[
    "shout",
    "shouting",
    "shouts",
    "shouted",
    "yell",
    "yelling",
    "yells",
    "scream",
    "screaming",
    "screams",
    "bellow",
    "bellowing",
    "roaring",
    "calling",
    "calls",
    "cries",
    "crying",
];
const QUIETLY: &[&str] = &[
    "quietly",
    "softly",
    "gently",
    "murmur",
    "murmuring",
    "murmurs",
    "mutter",
    "muttering",
    "mutters",
    "mumbling",
];
const SLOWLY: &[&str] = &["slowly", "haltingly", "hesitant", "hesitantly"];
const QUICKLY: &[&str] = &[
    "quickly",
    "rapidly",
    "hurried",
    "hurriedly",
    "fast",
    "breathlessly",
];
const ANGRILY: &[&str] = &[
    "angry",
    "angrily",
    "furious",
    "furiously",
    "snapping",
    "snaps",
];
const SADLY: &[&str] = &["sad", "sadly", "tearful", "tearfully", "sorrowful"];

/// The placement a parenthetical names, if it is `V.O.` or `O.S.` (any case, any spacing).
pub fn placement_of(parenthetical: Option<&str>) -> Placement {
    let Some(p) = parenthetical else {
        return Placement::OnScreen;
    };
    let compact: String = p
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match compact.as_str() {
        "vo" => Placement::VoiceOver,
        "os" => Placement::OffScreen,
        _ => Placement::OnScreen,
    }
}

/// The voice `voice` speaks a line with, given the line's parenthetical.
pub fn deliver(voice: &Voice, parenthetical: Option<&str>) -> ScratchVoice {
    let mut synth = voice.synth.clone();
    let mut gain_db = i32::from(voice.gain_db);
    let placement = placement_of(parenthetical);
    let said = words(parenthetical.unwrap_or(""));
    let mut rate = f64::from(synth.rate);
    let mut pitch = i32::from(synth.pitch);
    let mut range = i32::from(synth.range);
    let barely_audible = said
        .windows(2)
        .any(|w| w[0] == "barely" && w[1] == "audible");
    let under_breath = said.windows(2).any(|w| w[0] == "under" && w[1] == "breath");

    if any(&said, WHISPERING) || barely_audible || under_breath {
        synth.variant = match voice.gender {
            Gender::Female => "whisperf".to_owned(),
            Gender::Male => "whisper".to_owned(),
        };
        rate *= 0.95;
        gain_db -= 8;
    } else if any(&said, SHOUTING) || said.windows(2).any(|w| w[0] == "calling" && w[1] == "out") {
        pitch += 15;
        range += 20;
        rate *= 1.08;
        gain_db += 6;
    } else if any(&said, QUIETLY) {
        range -= 10;
        rate *= 0.93;
        gain_db -= 6;
    }
    if any(&said, SLOWLY) {
        rate *= 0.85;
    }
    if any(&said, QUICKLY) {
        rate *= 1.15;
    }
    if any(&said, ANGRILY) {
        range += 15;
        rate *= 1.05;
        gain_db += 3;
    }
    if any(&said, SADLY) {
        pitch -= 5;
        range -= 10;
        rate *= 0.9;
    }
    if placement == Placement::OffScreen {
        gain_db -= 4;
    }

    synth.rate = clamp_rate(rate);
    synth.pitch = pitch.clamp(0, 100) as u8;
    synth.range = range.clamp(0, 100) as u8;
    ScratchVoice {
        synth,
        gain_db: gain_db.clamp(-40, 20) as i8,
        placement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casting::{cast, Character};

    fn aiko() -> Voice {
        cast(&Character {
            id: "aiko",
            voice: Some("soft alto, calm"),
            description: "a young woman",
        })
    }

    #[test]
    fn parentheticals_shape_rate_level_and_variant() {
        let plain = deliver(&aiko(), None);
        let whisper = deliver(&aiko(), Some("whispering"));
        assert_eq!(whisper.synth.variant, "whisperf");
        assert!(whisper.gain_db < plain.gain_db);
        let shout = deliver(&aiko(), Some("shouting"));
        assert!(shout.gain_db > plain.gain_db);
        assert!(shout.synth.rate > plain.synth.rate);
        assert!(shout.synth.pitch > plain.synth.pitch);
        let quiet = deliver(&aiko(), Some("quietly"));
        assert!(quiet.gain_db < plain.gain_db && quiet.synth.rate < plain.synth.rate);
        let barely = deliver(&aiko(), Some("barely audible"));
        assert_eq!(barely.synth.variant, "whisperf");
        let calling = deliver(&aiko(), Some("calling out"));
        assert_eq!(calling.gain_db, shout.gain_db);
        // Acting direction the scratch voice does not attempt changes nothing.
        assert_eq!(deliver(&aiko(), Some("a half smile")), plain);
    }

    #[test]
    fn voice_over_and_off_screen_are_placements() {
        assert_eq!(placement_of(Some("V.O.")), Placement::VoiceOver);
        assert_eq!(placement_of(Some("o.s.")), Placement::OffScreen);
        assert_eq!(placement_of(Some("whispering")), Placement::OnScreen);
        let os = deliver(&aiko(), Some("O.S."));
        assert_eq!(os.placement, Placement::OffScreen);
        assert_eq!(os.gain_db, deliver(&aiko(), None).gain_db - 4);
        assert_eq!(os.synth, deliver(&aiko(), None).synth);
    }
}
