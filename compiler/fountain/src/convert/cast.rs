//! The cast: one character per name that speaks (cue names compared without case or extra
//! blanks), in the order they first speak, with where their names appear in the action.

use std::collections::HashMap;

use super::ids::Namer;
use super::timing::sentences;
use crate::screenplay::{collapse, Dialogue, ElementKind, Origin, Screenplay};

pub struct Person {
    pub id: String,
    /// Display name: `BRICK` → `Brick`; a forced mixed-case cue (`@McCLANE`) as written.
    pub name: String,
    /// The cue's name as first written, uppercase unless forced.
    pub cue: String,
    /// The first cue.
    pub first: Origin,
    /// The sentence of action that introduces them (their name in capitals, as screenplays
    /// introduce characters), and its line.
    pub intro: Option<(String, u32)>,
}

#[derive(Default)]
pub struct Cast {
    by_key: HashMap<String, usize>,
    pub people: Vec<Person>,
}

/// Words after a name that make it part of a longer subject.
const CONJUNCTIONS: &[&str] = &["and", "or", "nor", "with", "&", "plus"];

/// Introductions longer than this are cut at a word: a description is a prompt, not a page.
const MAX_INTRO: usize = 300;

impl Cast {
    pub fn gather(sp: &Screenplay) -> Cast {
        let mut cast = Cast::default();
        let mut namer = Namer::new();
        for e in &sp.elements {
            match &e.kind {
                ElementKind::Dialogue(d) => cast.add(d, &mut namer),
                ElementKind::DualDialogue(a, b) => {
                    cast.add(a, &mut namer);
                    cast.add(b, &mut namer);
                }
                _ => {}
            }
        }
        let cues: Vec<String> = cast.people.iter().map(|p| p.cue.clone()).collect();
        for person in &mut cast.people {
            // `CYBER BOSS, 40, …` introduces Cyber Boss, not Boss: a sentence naming a longer
            // name that holds this one is that other person's.
            let longer: Vec<&String> = cues
                .iter()
                .filter(|c| c.len() > person.cue.len() && contains_word(c, &person.cue))
                .collect();
            person.intro = sp.elements.iter().find_map(|e| match &e.kind {
                ElementKind::Action(a) => {
                    let prose = a.prose();
                    sentences(&prose)
                        .into_iter()
                        .find(|s| {
                            contains_word(s, &person.cue)
                                && !longer.iter().any(|l| contains_word(s, l))
                        })
                        .map(|s| (cut(&s, MAX_INTRO), e.origin.line))
                }
                _ => None,
            });
        }
        cast
    }

    fn add(&mut self, d: &Dialogue, namer: &mut Namer) {
        let key = key(&d.cue.name);
        if self.by_key.contains_key(&key) {
            return;
        }
        let name = if d.cue.name.chars().any(char::is_lowercase) {
            collapse([d.cue.name.as_str()])
        } else {
            title_case(&collapse([d.cue.name.as_str()]))
        };
        let id = namer.fresh(&d.cue.name, "someone");
        self.by_key.insert(key, self.people.len());
        self.people.push(Person {
            id,
            name,
            cue: collapse([d.cue.name.as_str()]),
            first: d.cue.origin.clone(),
            intro: None,
        });
    }

    /// The person speaking under `cue_name`.
    pub fn get(&self, cue_name: &str) -> Option<&Person> {
        self.by_key.get(&key(cue_name)).map(|&i| &self.people[i])
    }

    /// The people whose names `text` mentions (as written on their cue, or as their display
    /// name), in cast order.
    pub fn mentioned(&self, text: &str) -> Vec<&Person> {
        self.people
            .iter()
            .filter(|p| contains_word(text, &p.cue) || contains_word(text, &p.name))
            .collect()
    }

    /// The person whose name opens `text` as the subject of a verb (`Steel sits.`, `Steel
    /// SMACKS him.`), and the text after the name. A name followed by a conjunction (`BRICK and
    /// STEEL get in`), by punctuation (`Steel, in the middle of a call:`) or by more of a name
    /// (`MARA OKAFOR, sixties,`) is not a subject.
    pub fn subject<'t>(&self, text: &'t str) -> Option<(&Person, &'t str)> {
        self.people.iter().find_map(|p| {
            [&p.name, &p.cue].into_iter().find_map(|n| {
                let rest = text.strip_prefix(n.as_str())?.strip_prefix(' ')?;
                let next = rest.split_whitespace().next()?;
                let conjunction = CONJUNCTIONS.contains(&next.to_lowercase().as_str());
                // `MARA OKAFOR, sixties,` introduces someone by their full name: a capitalised
                // name followed by another capitalised word, or by a word ending in a comma,
                // is a name going on, not a subject and its verb.
                let shouted = |w: &str| !w.chars().any(char::is_lowercase);
                let name_goes_on = next.ends_with(',') || (shouted(n) && shouted(next));
                (next.starts_with(char::is_alphabetic) && !conjunction && !name_goes_on)
                    .then_some((p, rest))
            })
        })
    }
}

fn key(name: &str) -> String {
    collapse([name]).to_uppercase()
}

/// `CYBER BOB` → `Cyber Bob`, `BRICK'S` → `Brick's`, `MARY-JANE` → `Mary-Jane`.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let starts_word = match prev {
            None => true,
            Some(p) => !p.is_alphanumeric() && !matches!(p, '\'' | '\u{2019}'),
        };
        if starts_word {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    out
}

/// `word` occurs in `text` with no letter or digit right before or after it.
pub fn contains_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = text[from..].find(word) {
        let start = from + pos;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = start + word.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// `s` cut at a word so that it holds at most `max` characters.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for word in s.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn names() {
        assert_eq!(title_case("CYBER BOB"), "Cyber Bob");
        assert_eq!(title_case("BRICK'S"), "Brick's");
        assert_eq!(title_case("MARY-JANE O'NEIL"), "Mary-Jane O'neil");
    }

    #[test]
    fn words() {
        assert!(contains_word("Steel's face", "Steel"));
        assert!(!contains_word("Steeler", "Steel"));
        assert!(contains_word("it's BOB.", "BOB"));
        assert!(!contains_word("BOBBY", "BOB"));
    }

    #[test]
    fn an_introduction_belongs_to_the_longest_name_it_holds() {
        let sp = parse(
            "EXT. PARK - DAY\n\nCYBER BOSS, a cloud, descends. The BOSS hums.\n\n\
             CYBER BOSS\nHello.\n\nBOSS\nHum.\n",
        );
        let cast = Cast::gather(&sp);
        let intro = |cue: &str| {
            let p = cast.people.iter().find(|p| p.cue == cue).unwrap();
            p.intro.as_ref().map(|(s, _)| s.clone())
        };
        assert_eq!(
            intro("CYBER BOSS").as_deref(),
            Some("CYBER BOSS, a cloud, descends.")
        );
        assert_eq!(intro("BOSS").as_deref(), Some("The BOSS hums."));
    }

    #[test]
    fn gathers_speakers_once_with_intros() {
        let sp = parse(
            "EXT. PATIO - DAY\n\nBut BRICK BRADDOCK, retired police detective, is sitting quietly. He waits.\n\n\
             BRICK\nHi.\n\nSTEEL\nYo.\n\nBRICK (CONT'D)\nAgain.\n\nbrick\nnot a cue\n\nSteel sits.",
        );
        let cast = Cast::gather(&sp);
        let ids: Vec<&str> = cast.people.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, vec!["brick", "steel"]);
        assert_eq!(
            cast.people[0].intro,
            Some((
                "But BRICK BRADDOCK, retired police detective, is sitting quietly.".into(),
                3
            ))
        );
        assert_eq!(cast.people[1].intro, None);
        let (who, rest) = cast.subject("Steel sits.").unwrap();
        assert_eq!((who.id.as_str(), rest), ("steel", "sits."));
        assert!(cast.subject("Steel's face.").is_none());
        assert!(cast.subject("BRICK and STEEL get in.").is_none());
        assert!(cast.subject("Steel, on the phone.").is_none());
        assert!(cast.subject("STEEL STEELE, sixties, sits.").is_none());
        assert!(cast.subject("Steel Steele, sixties, sits.").is_none());
        assert_eq!(
            cast.subject("Steel SMACKS him.")
                .map(|(p, r)| (p.id.as_str(), r)),
            Some(("steel", "SMACKS him."))
        );
        assert_eq!(cast.mentioned("Brick and Steel share a look").len(), 2);
    }
}
