//! Identifiers from names: `BRICK'S PATIO` → `bricks_patio`, `DR. NÚÑEZ` → `dr_nunez`,
//! `2ND OFFICER` → `_2nd_officer`, `CAMERA` → `camera_`, `ケン` → `u30b1_u30f3`.
//!
//! An identifier depends only on the name it is made from (and, for a repeated one, on the names
//! that took it before), so re-importing an edited screenplay keeps the names — and so the shot
//! seeds, which come from shot names — of everything that did not change. Every result matches
//! the language's `[A-Za-z_][A-Za-z0-9_]*` and is none of its keywords.

use std::collections::HashSet;

/// Words of the language that a statement or header may start with, or that follow a name in
/// one; an identifier equal to one gets a trailing `_`. The version 1 keywords of
/// `grammar/scene.pest` and the version 2 words of the language's specification.
const RESERVED: &[&str] = &[
    // grammar/scene.pest
    "import",
    "film",
    "character",
    "location",
    "look",
    "camera",
    "sound",
    "scene",
    "shot",
    "music",
    "sfx",
    "ambience",
    "at",
    "on",
    "cut",
    "dissolve",
    "fade",
    "to",
    "black",
    "wipe",
    "play",
    "stop",
    "in",
    "out",
    "in_out",
    "linear",
    "ease",
    "over",
    "from",
    "lens",
    "pan",
    "tilt",
    "dolly",
    "truck",
    "crane",
    "orbit",
    "handheld",
    "static",
    "left",
    "right",
    "center",
    "back",
    "up",
    "down",
    "enters",
    "exits",
    "walks",
    "runs",
    "does",
    "says",
    "prompt",
    "continues",
    "keyframe",
    "title",
    "seed",
    "guidance",
    "strength",
    "style",
    "negative",
    "steps",
    // version 2
    "prop",
    "light",
    "depth",
    "focus",
    "speed",
    "holds",
    "drops",
    "moves",
    "above",
    "follow",
    "past",
    "behind",
    "front",
    "override",
    "insert",
    "remove",
    "extends",
    "after",
    "before",
    "loudness",
    "setting",
];

/// The longest identifier made from a name (before a collision suffix): long enough to read,
/// short enough for a shot header.
const MAX_LEN: usize = 32;

/// Hands out identifiers of one namespace: each new name gets its slug, or the slug and `_2`,
/// `_3`, … when an earlier name took it.
#[derive(Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    pub fn new() -> Namer {
        Namer::default()
    }

    /// A fresh identifier for `name`; `fallback` when the name yields no letters or digits.
    pub fn fresh(&mut self, name: &str, fallback: &str) -> String {
        let mut base = slug(name, MAX_LEN);
        if base.is_empty() {
            base = fallback.to_string();
        }
        let base = legal(base);
        let mut id = base.clone();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }
}

/// Lowercase ASCII words joined by `_`, at most `max` bytes long (cut at a word boundary when
/// one is near). Letters with accents lose them; other non-ASCII letters and digits become
/// `u` and their code point in hex, so that a name in any script still yields a stable name.
pub fn slug(name: &str, max: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2018}') {
            // `BRICK'S` is one word.
        } else if let Some(folded) = fold(c) {
            word.push_str(folded);
        } else if c.is_alphanumeric() {
            flush(&mut word, &mut words);
            words.push(format!("u{:x}", c as u32));
        } else {
            flush(&mut word, &mut words);
        }
    }
    flush(&mut word, &mut words);
    let mut out = String::new();
    for w in words {
        let extra = if out.is_empty() { w.len() } else { w.len() + 1 };
        if out.len() + extra > max {
            if out.is_empty() {
                out.push_str(&w[..max.min(w.len())]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&w);
    }
    out
}

/// A slug made a legal, unreserved identifier: `_` before a leading digit, `_` after a keyword.
fn legal(mut id: String) -> String {
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert(0, '_');
    }
    if RESERVED.contains(&id.as_str()) {
        id.push('_');
    }
    id
}

/// The ASCII letters an accented Latin letter stands for.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' | 'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ'
        | 'Ė' | 'Ę' | 'Ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "g",
        'ĥ' | 'ħ' | 'Ĥ' | 'Ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī'
        | 'Ĭ' | 'Į' | 'İ' => "i",
        'ĵ' | 'Ĵ' => "j",
        'ķ' | 'Ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø'
        | 'Ō' | 'Ŏ' | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' | 'Ŕ' | 'Ŗ' | 'Ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'Ś' | 'Ŝ' | 'Ş' | 'Š' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'Ţ' | 'Ť' | 'Ŧ' => "t",
        'þ' | 'Þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ'
        | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "u",
        'ŵ' | 'Ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' | 'Ý' | 'Ŷ' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str) -> String {
        Namer::new().fresh(name, "x")
    }

    #[test]
    fn names_become_identifiers() {
        assert_eq!(one("BRICK'S PATIO"), "bricks_patio");
        assert_eq!(one("DR. NÚÑEZ"), "dr_nunez");
        assert_eq!(one("CYBER BOB"), "cyber_bob");
        assert_eq!(one("McDUCK"), "mcduck");
        assert_eq!(one("R2D2"), "r2d2");
    }

    #[test]
    fn digits_first_and_keywords() {
        assert_eq!(one("2ND OFFICER"), "_2nd_officer");
        assert_eq!(one("23"), "_23");
        assert_eq!(one("CAMERA"), "camera_");
        assert_eq!(one("AT"), "at_");
        assert_eq!(one("LOOK"), "look_");
    }

    #[test]
    fn non_ascii_names_stay_distinct_and_stable() {
        assert_eq!(one("ケン"), "u30b1_u30f3");
        assert_ne!(one("ケン"), one("ケイ"));
        assert_eq!(one("!!!"), "x");
    }

    #[test]
    fn collisions_get_suffixes_in_order() {
        let mut n = Namer::new();
        assert_eq!(n.fresh("BOB", "x"), "bob");
        assert_eq!(n.fresh("BOB!", "x"), "bob_2");
        assert_eq!(n.fresh("Bob", "x"), "bob_3");
        assert_eq!(n.fresh("bob_2", "x"), "bob_2_2");
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let id = one("THE VERY LONG NAME OF A PLACE THAT GOES ON AND ON");
        assert_eq!(id, "the_very_long_name_of_a_place");
        assert!(id.len() <= MAX_LEN);
        assert_eq!(slug("ABCDEFGHIJ", 4), "abcd");
    }

    #[test]
    fn every_identifier_is_legal() {
        let legal = |s: &str| {
            let mut cs = s.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let mut n = Namer::new();
        for name in [
            "", " ", "9", "É", "😀", "a-b", "___", "SCENE", "in_out", "Ω MEGA",
        ] {
            let id = n.fresh(name, "fallback");
            assert!(legal(&id), "{name:?} → {id:?}");
            assert!(!RESERVED.contains(&id.as_str()), "{id}");
        }
    }
}
