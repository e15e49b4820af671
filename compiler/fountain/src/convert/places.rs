//! The locations: one per place, setting and time of day that the scene headings name. `time` is
//! a field of a location, so `INT. HOUSE - DAY` and `INT. HOUSE - NIGHT` are two locations
//! (`house_day`, `house_night`); a place seen one way only keeps the plain name (`house`).

use std::collections::{BTreeSet, HashMap};

use scene_syntax::{Diagnostic, FileId, Span};

use super::codes;
use super::film::WRITES_SETTING;
use super::heading::{self, Setting, Time, When};
use super::ids::Namer;
use crate::screenplay::{collapse, ElementKind, Origin, Screenplay};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    place: String,
    setting: Option<Setting>,
    time: Time,
}

pub struct Place {
    pub id: String,
    pub description: String,
    pub time: Time,
    pub setting: Option<Setting>,
    /// The first heading that names it.
    pub first: Origin,
}

pub struct Places {
    pub places: Vec<Place>,
    /// For each scene heading, by its element index: its place's index in `places`.
    pub of_heading: HashMap<usize, usize>,
}

/// The time of day when a screenplay says none: the language's default.
const DEFAULT_TIME: Time = Time::Day;

impl Places {
    pub fn gather(sp: &Screenplay, file: FileId, diags: &mut Vec<Diagnostic>) -> Places {
        let mut keys: Vec<(Key, String, Origin)> = Vec::new();
        let mut index: HashMap<Key, usize> = HashMap::new();
        let mut of_heading = HashMap::new();
        let mut previous: Option<Time> = None;
        for (i, e) in sp.elements.iter().enumerate() {
            let ElementKind::SceneHeading(h) = &e.kind else {
                continue;
            };
            let read = heading::read(&h.text);
            let time = match (&read.when, previous) {
                (When::At(t), _) => *t,
                (When::Continuing, Some(p)) => p,
                _ => {
                    let (time, how) = match previous {
                        Some(t) => (t, "the previous scene's"),
                        None => (DEFAULT_TIME, "the default,"),
                    };
                    diags.push(
                        Diagnostic::new(
                            codes::W0703,
                            Span::new(file, e.origin.bytes.start, e.origin.bytes.end),
                            format!(
                                "this scene heading says no time of day; its location takes {how} `{}`",
                                time.word()
                            ),
                        )
                        .with_label("no DAWN, DAY, DUSK or NIGHT here")
                        .with_help(format!(
                            "add the time to the heading (`{} - NIGHT`), or set `time` on the location",
                            h.text
                        )),
                    );
                    time
                }
            };
            previous = Some(time);
            let place = collapse([read.place.as_str()]);
            let key = Key {
                place: place.to_uppercase(),
                setting: read.setting,
                time,
            };
            let n = *index.entry(key.clone()).or_insert_with(|| {
                keys.push((key, place.clone(), e.origin.clone()));
                keys.len() - 1
            });
            of_heading.insert(i, n);
        }

        // Places seen in more than one way name each way.
        let mut variants: HashMap<&str, Vec<&Key>> = HashMap::new();
        for (key, _, _) in &keys {
            variants.entry(&key.place).or_default().push(key);
        }
        let mut namer = Namer::new();
        let places = keys
            .iter()
            .map(|(key, place, first)| {
                let ways = &variants[key.place.as_str()];
                let settings: BTreeSet<_> = ways.iter().map(|k| k.setting).collect();
                let times: BTreeSet<_> = ways.iter().map(|k| k.time).collect();
                let mut name = place.clone();
                if settings.len() > 1 {
                    name.push_str(match key.setting {
                        Some(Setting::Interior) => " int",
                        Some(Setting::Exterior) => " ext",
                        Some(Setting::Both) => " int ext",
                        None => "",
                    });
                }
                if times.len() > 1 {
                    name.push(' ');
                    name.push_str(key.time.word());
                }
                Place {
                    id: namer.fresh(&name, "place"),
                    description: describe(place, key.setting),
                    time: key.time,
                    setting: key.setting,
                    first: first.clone(),
                }
            })
            .collect();
        Places { places, of_heading }
    }
}

/// `BRICK'S PATIO` → `Brick's patio`; a place written in mixed case stays as written.
fn describe(place: &str, setting: Option<Setting>) -> String {
    let mut d = if place.chars().any(char::is_lowercase) {
        place.to_string()
    } else {
        let lower = place.to_lowercase();
        let mut chars = lower.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    };
    if d.is_empty() {
        d = "An unnamed place".to_string();
    }
    // The heading's INT./EXT. reaches the prompt through the description until the language
    // has a `setting` field to carry it (film.rs writes it there when it does).
    match setting {
        Some(Setting::Both) => d.push_str(", seen from inside and out"),
        Some(Setting::Interior) if !WRITES_SETTING => d.push_str(", interior"),
        Some(Setting::Exterior) if !WRITES_SETTING => d.push_str(", exterior"),
        _ => {}
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn gather(src: &str) -> (Vec<(String, String, Time)>, Vec<String>) {
        let sp = parse(src);
        let mut diags = Vec::new();
        let p = Places::gather(&sp, FileId(0), &mut diags);
        (
            p.places
                .iter()
                .map(|p| (p.id.clone(), p.description.clone(), p.time))
                .collect(),
            diags.iter().map(|d| d.code.0.to_string()).collect(),
        )
    }

    #[test]
    fn one_location_per_place_and_time() {
        let (places, diags) = gather(
            "EXT. BRICK'S PATIO - DAY\n\nx\n\nINT. HOUSE - DAY\n\nx\n\nINT. HOUSE - NIGHT\n\nx\n\n\
             EXT. BRICK'S PATIO - DAY\n\nx\n\nINT. HOUSE - CONTINUOUS\n\nx",
        );
        assert_eq!(
            places,
            vec![
                (
                    "bricks_patio".into(),
                    "Brick's patio, exterior".into(),
                    Time::Day
                ),
                ("house_day".into(), "House, interior".into(), Time::Day),
                ("house_night".into(), "House, interior".into(), Time::Night),
            ]
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn a_heading_without_time_takes_the_previous_one_with_a_warning() {
        let (places, diags) = gather(
            "EXT. POOL - NIGHT\n\nx\n\n.SNIPER SCOPE POV\n\nx\n\nINT./EXT. CAR - MOVING\n\nx",
        );
        assert_eq!(
            places[1],
            (
                "sniper_scope_pov".into(),
                "Sniper scope pov".into(),
                Time::Night
            )
        );
        assert_eq!(places[2].1, "Car, seen from inside and out");
        assert_eq!(diags, vec!["W0703", "W0703"]);
    }
}
