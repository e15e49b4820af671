//! Casting: a character's scratch voice, from its `voice` text, its description and its name.
//!
//! The `voice` text is read for *registers* — words that say how the voice sounds (the table
//! in docs/language.md, "Scratch voices"): deep, high, child, old, whispering, slow or brisk,
//! flat or lively, soft or loud, and a few accents eSpeak NG has (British, Scottish, Caribbean).
//! Gender comes from the voice text, else from the description (`woman`, `boy`, `mother`, …).
//! Whatever the words leave open — which of eSpeak NG's male or female variants, the exact
//! pitch, range and pace — is chosen by a hash of the character's identifier, so a voice never
//! changes because another character was added or a line was edited, and two characters with
//! the same words still sound different.

use sha2::{Digest, Sha256};

use crate::engine::SynthParams;

/// What casting reads about a character.
#[derive(Clone, Copy, Debug)]
pub struct Character<'a> {
    /// The identifier the script defines it by (stable across renames of its display name).
    pub id: &'a str,
    pub voice: Option<&'a str>,
    pub description: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Register {
    Deep,
    High,
    Child,
    Old,
    Whispering,
}

/// A character's voice before a line's delivery shapes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voice {
    pub gender: Gender,
    pub registers: Vec<Register>,
    pub synth: SynthParams,
    /// The character's level relative to the normalised speaking level (soft or loud voices).
    pub gain_db: i8,
}

/// eSpeak NG's variants that sound like one adult speaker (no built-in echo, no Klatt buzz).
const MALE: &[&str] = &["m1", "m3", "m4", "m6", "m7", "m8"];
const FEMALE: &[&str] = &["f1", "f2", "f3", "f5"];
/// The highest-formant female variants, raised further by pitch: the nearest eSpeak NG has to
/// a child.
const CHILD: &[&str] = &["f2", "f5"];

const FEMALE_WORDS: &[&str] = &[
    "woman",
    "women",
    "girl",
    "female",
    "feminine",
    "lady",
    "mother",
    "mum",
    "mom",
    "maman",
    "queen",
    "grandmother",
    "grandma",
    "aunt",
    "sister",
    "daughter",
    "wife",
    "alto",
    "soprano",
    "mezzo",
    "she",
    "her",
];
const MALE_WORDS: &[&str] = &[
    "man",
    "men",
    "boy",
    "male",
    "masculine",
    "gentleman",
    "father",
    "dad",
    "papa",
    "king",
    "grandfather",
    "grandpa",
    "uncle",
    "brother",
    "son",
    "husband",
    "baritone",
    "bass",
    "tenor",
    "he",
    "his",
    "him",
];

const DEEP: &[&str] = &[
    "deep", "low", "bass", "baritone", "gravelly", "gruff", "husky", "booming",
];
const HIGH: &[&str] = &[
    "high", "bright", "squeaky", "shrill", "soprano", "piping", "falsetto",
];
const CHILD_WORDS: &[&str] = &["child", "childlike", "childish", "kid", "small", "little"];
const CHILD_DESCRIBED: &[&str] = &["child", "boy", "girl", "kid", "toddler"];
const OLD: &[&str] = &[
    "old",
    "elderly",
    "aged",
    "frail",
    "creaky",
    "ancient",
    "quavering",
];
const OLD_DESCRIBED: &[&str] = &[
    "elderly",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
];
const WHISPER: &[&str] = &[
    "whisper",
    "whispering",
    "whispered",
    "whispery",
    "breathy",
    "hushed",
];
const SLOW: &[&str] = &[
    "slow",
    "drawl",
    "drawling",
    "measured",
    "deliberate",
    "languid",
];
const FAST: &[&str] = &["brisk", "fast", "quick", "rapid", "clipped", "hurried"];
const FLAT: &[&str] = &["flat", "monotone", "dry", "deadpan"];
const LIVELY: &[&str] = &[
    "lively",
    "expressive",
    "animated",
    "lilt",
    "lilting",
    "singsong",
    "melodic",
];
const SOFT: &[&str] = &["soft", "quiet", "gentle", "mild"];
const LOUD: &[&str] = &["loud", "brash", "strident", "commanding"];

/// Lower-case words of `text` (letters and digits; everything else separates).
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub(crate) fn any(words: &[String], table: &[&str]) -> bool {
    words.iter().any(|w| table.contains(&w.as_str()))
}

fn phrase(text: &str, needle: &str) -> bool {
    let joined = words(text).join(" ");
    format!(" {joined} ").contains(&format!(" {needle} "))
}

/// The stable hash every open choice is drawn from.
fn digest(id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"scene-voice casting 1\0");
    h.update(id.as_bytes());
    h.finalize().into()
}

fn gender_of(words: &[String]) -> Option<Gender> {
    let female = words
        .iter()
        .filter(|w| FEMALE_WORDS.contains(&w.as_str()))
        .count();
    let male = words
        .iter()
        .filter(|w| MALE_WORDS.contains(&w.as_str()))
        .count();
    match female.cmp(&male) {
        std::cmp::Ordering::Greater => Some(Gender::Female),
        std::cmp::Ordering::Less => Some(Gender::Male),
        std::cmp::Ordering::Equal => None,
    }
}

fn language_of(voice: &str) -> &'static str {
    let w = words(voice);
    if any(&w, &["scottish", "scots", "glaswegian"]) {
        "en-gb-scotland"
    } else if any(&w, &["caribbean", "jamaican", "trinidadian"]) {
        "en-029"
    } else if any(
        &w,
        &["british", "english", "london", "cockney", "yorkshire"],
    ) || phrase(voice, "west country")
        || phrase(voice, "received pronunciation")
    {
        "en"
    } else {
        "en-us"
    }
}

/// The character's scratch voice.
pub fn cast(character: &Character<'_>) -> Voice {
    let h = digest(character.id);
    let voice_text = character.voice.unwrap_or("");
    let said = words(voice_text);
    let described = words(character.description);

    let gender = gender_of(&said)
        .or_else(|| gender_of(&described))
        .unwrap_or(if h[0] & 1 == 0 {
            Gender::Female
        } else {
            Gender::Male
        });

    let mut registers = Vec::new();
    if any(&said, DEEP) {
        registers.push(Register::Deep);
    }
    if any(&said, HIGH) {
        registers.push(Register::High);
    }
    if any(&said, CHILD_WORDS) || any(&described, CHILD_DESCRIBED) {
        registers.push(Register::Child);
    }
    if any(&said, OLD) || any(&described, OLD_DESCRIBED) {
        registers.push(Register::Old);
    }
    if any(&said, WHISPER) {
        registers.push(Register::Whispering);
    }
    let has = |r: Register| registers.contains(&r);

    let pick = |pool: &[&str], byte: u8| pool[byte as usize % pool.len()].to_owned();
    let variant = if has(Register::Whispering) {
        match gender {
            Gender::Female => "whisperf".to_owned(),
            Gender::Male => "whisper".to_owned(),
        }
    } else if has(Register::Child) {
        pick(CHILD, h[1])
    } else if has(Register::Old) {
        match gender {
            Gender::Female => "grandma".to_owned(),
            Gender::Male => "grandpa".to_owned(),
        }
    } else {
        match gender {
            Gender::Female => pick(FEMALE, h[1]),
            Gender::Male => pick(MALE, h[1]),
        }
    };

    // Pitch 0–100 around the variant's own (50). Nine steps of 5 leave room for registers.
    let step = |byte: u8, steps: u8, from: u8, by: u8| from + (byte % steps) * by;
    let pitch = if has(Register::Child) {
        step(h[2], 3, 80, 5)
    } else if has(Register::Deep) && !has(Register::High) {
        step(h[2], 3, 10, 5)
    } else if has(Register::High) && !has(Register::Deep) {
        step(h[2], 3, 72, 5)
    } else {
        step(h[2], 9, 30, 5)
    };
    let range = if any(&said, FLAT) {
        20
    } else if any(&said, LIVELY) {
        75
    } else {
        step(h[3], 5, 40, 6)
    };
    let mut rate = f64::from(step(h[4], 5, 155, 5));
    if any(&said, SLOW) {
        rate *= 0.82;
    }
    if any(&said, FAST) {
        rate *= 1.15;
    }
    if has(Register::Old) {
        rate *= 0.9;
    }
    if has(Register::Child) {
        rate *= 1.05;
    }
    let gain_db = if any(&said, LOUD) {
        3
    } else if any(&said, SOFT) {
        -3
    } else {
        0
    };

    Voice {
        gender,
        registers,
        synth: SynthParams {
            language: language_of(voice_text).to_owned(),
            variant,
            pitch,
            range,
            rate: clamp_rate(rate),
        },
        gain_db,
    }
}

/// eSpeak NG's accepted range, in whole words per minute.
pub(crate) fn clamp_rate(rate: f64) -> u16 {
    rate.round().clamp(80.0, 450.0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice(id: &str, voice: Option<&str>, description: &str) -> Voice {
        cast(&Character {
            id,
            voice,
            description,
        })
    }

    #[test]
    fn registers_are_read_from_the_voice_text() {
        let v = voice(
            "captain",
            Some("gravelly baritone, West Country pirate"),
            "a pirate",
        );
        assert_eq!(v.gender, Gender::Male);
        assert!(v.registers.contains(&Register::Deep));
        assert!(v.synth.pitch <= 20, "{v:?}");
        assert_eq!(v.synth.language, "en");

        let child = voice(
            "pascal",
            Some("a small bright voice"),
            "a seven-year-old boy",
        );
        assert!(child.registers.contains(&Register::Child));
        assert!(child.synth.pitch >= 80);
        assert!(CHILD.contains(&child.synth.variant.as_str()));

        let old = voice("nan", Some("old and frail"), "a woman of ninety");
        assert_eq!(old.synth.variant, "grandma");

        let whisper = voice("ghost", Some("a breathy whisper"), "a man");
        assert_eq!(whisper.synth.variant, "whisper");

        let slow = voice(
            "hollis",
            Some("dry and slow, a Missouri drawl"),
            "a forty-niner, his pick",
        );
        assert!(slow.synth.rate < 140, "{slow:?}");
        assert_eq!(slow.synth.range, 20);
    }

    #[test]
    fn gender_falls_back_to_the_description_then_the_name() {
        let mara = voice("mara", Some("low and warm"), "a woman in her late forties");
        assert_eq!(mara.gender, Gender::Female);
        assert!(FEMALE.contains(&mara.synth.variant.as_str()));
        let elias = voice(
            "elias",
            Some("quiet baritone, slow"),
            "a man in his fifties",
        );
        assert_eq!(elias.gender, Gender::Male);
        assert_eq!(elias.synth.language, "en-us");
    }

    #[test]
    fn the_name_decides_what_the_words_leave_open_and_nothing_else_does() {
        let a = voice("ann", None, "");
        assert_eq!(a, voice("ann", None, ""));
        // Distinct names spread over the variants and pitches.
        let all: std::collections::BTreeSet<_> =
            ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]
                .iter()
                .map(|n| {
                    let v = voice(n, None, "");
                    (v.synth.variant, v.synth.pitch)
                })
                .collect();
        assert!(all.len() >= 7, "{all:?}");
    }
}
