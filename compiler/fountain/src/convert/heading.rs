//! Reading a scene heading: `INT. BRICK'S PATIO - DAY` is an interior, a place, and a time of
//! day. Screenplays write the parts with `.`, `-`, `--` or en/em dashes, and add qualifiers
//! (`- FLASHBACK`, `(1979)`) and continuity words (`CONTINUOUS`, `LATER`) that are not times.

/// Interior or exterior, as the heading's prefix says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Setting {
    Interior,
    Exterior,
    /// `INT./EXT.`, `I/E`: seen from inside and out (a car).
    Both,
}

/// The language's times of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Time {
    Dawn,
    Day,
    Dusk,
    Night,
}

impl Time {
    pub fn word(self) -> &'static str {
        match self {
            Time::Dawn => "dawn",
            Time::Day => "day",
            Time::Dusk => "dusk",
            Time::Night => "night",
        }
    }
}

/// What the heading says about time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum When {
    At(Time),
    /// `CONTINUOUS`, `LATER`, `SAME`: the time of the scene before.
    Continuing,
    /// No time word at all (`.SNIPER SCOPE POV`, `INT. HOUSE - FLASHBACK`).
    Unsaid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub setting: Option<Setting>,
    /// The place as written (`BRICK'S PATIO`).
    pub place: String,
    pub when: When,
    /// Everything else the heading says (`FLASHBACK`, `1979`), in order.
    pub qualifiers: Vec<String>,
}

const PREFIXES: &[(&str, Setting)] = &[
    ("INT./EXT.", Setting::Both),
    ("INT./EXT", Setting::Both),
    ("INT/EXT.", Setting::Both),
    ("INT/EXT", Setting::Both),
    ("EXT./INT.", Setting::Both),
    ("EXT/INT", Setting::Both),
    ("I./E.", Setting::Both),
    ("I./E", Setting::Both),
    ("I/E.", Setting::Both),
    ("I/E", Setting::Both),
    ("INT.", Setting::Interior),
    ("INT", Setting::Interior),
    ("EXT.", Setting::Exterior),
    ("EXT", Setting::Exterior),
    ("EST.", Setting::Exterior),
    ("EST", Setting::Exterior),
];

const TIMES: &[(&str, Time)] = &[
    ("DAWN", Time::Dawn),
    ("SUNRISE", Time::Dawn),
    ("DAYBREAK", Time::Dawn),
    ("FIRST LIGHT", Time::Dawn),
    ("EARLY MORNING", Time::Dawn),
    ("DAY", Time::Day),
    ("DAYTIME", Time::Day),
    ("MORNING", Time::Day),
    ("LATE MORNING", Time::Day),
    ("NOON", Time::Day),
    ("MIDDAY", Time::Day),
    ("AFTERNOON", Time::Day),
    ("LATE AFTERNOON", Time::Day),
    ("DUSK", Time::Dusk),
    ("SUNSET", Time::Dusk),
    ("TWILIGHT", Time::Dusk),
    ("EVENING", Time::Dusk),
    ("MAGIC HOUR", Time::Dusk),
    ("GOLDEN HOUR", Time::Dusk),
    ("NIGHT", Time::Night),
    ("NIGHTTIME", Time::Night),
    ("LATE NIGHT", Time::Night),
    ("MIDNIGHT", Time::Night),
];

const CONTINUING: &[&str] = &[
    "CONTINUOUS",
    "CONT",
    "CONT'D",
    "LATER",
    "MOMENTS LATER",
    "A MOMENT LATER",
    "MOMENT LATER",
    "SECONDS LATER",
    "MINUTES LATER",
    "SAME",
    "SAME TIME",
    "SIMULTANEOUS",
];

/// Reads a heading's text (without its scene number or forcing `.`).
pub fn read(text: &str) -> Heading {
    let t = text.trim();
    let upper = t.to_uppercase();
    let mut setting = None;
    let mut rest = t;
    for (prefix, s) in PREFIXES {
        if upper.starts_with(prefix) {
            let after = &t[prefix.len()..];
            // The prefix must end there: `INTERIOR` is not `INT`.
            if after.is_empty()
                || after.starts_with(['.', ' ', '\t', '-', '/'])
                || prefix.ends_with('.')
            {
                setting = Some(*s);
                rest = after.trim_start_matches(['.', ' ', '\t', '-', '\u{2013}', '\u{2014}']);
                break;
            }
        }
    }

    let (rest, years) = split_parens(rest);
    let mut segments = split_dashes(&rest);
    let mut qualifiers = Vec::new();
    let mut when = When::Unsaid;
    // The time is the last segment that is a time word; what follows it qualifies the scene.
    if let Some(k) = segments.iter().rposition(|s| time_of(s).is_some()) {
        when = time_of(&segments[k]).unwrap_or(When::Unsaid);
        qualifiers.extend(segments.drain(k + 1..));
        segments.truncate(k);
    } else if let Some(last) = segments.last_mut() {
        // `INT HOUSE DAY`: no dashes, the time is the last word.
        if let Some((head, word)) = last.rsplit_once(' ') {
            if let Some(w) = time_of(word) {
                when = w;
                *last = head.trim_end().to_string();
            }
        }
    }
    if when == When::Unsaid && segments.len() > 1 {
        qualifiers.extend(segments.drain(1..));
    }
    qualifiers.extend(years);
    Heading {
        setting,
        place: segments.join(" - "),
        when,
        qualifiers,
    }
}

fn time_of(segment: &str) -> Option<When> {
    let s = segment.trim().trim_end_matches('.').to_uppercase();
    if let Some((_, t)) = TIMES.iter().find(|(w, _)| *w == s) {
        return Some(When::At(*t));
    }
    CONTINUING.contains(&s.as_str()).then_some(When::Continuing)
}

/// `HOUSE - DAY (1979)` → (`HOUSE - DAY`, [`1979`]).
fn split_parens(text: &str) -> (String, Vec<String>) {
    let mut kept = String::new();
    let mut inner = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                if depth > 0 {
                    current.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let q = current.trim().to_string();
                    if !q.is_empty() {
                        inner.push(q);
                    }
                    current.clear();
                } else {
                    current.push(c);
                }
            }
            c if depth > 0 => current.push(c),
            c => kept.push(c),
        }
    }
    if depth > 0 {
        // An unclosed bracket: keep it as written.
        kept.push('(');
        kept.push_str(&current);
    }
    (kept, inner)
}

/// Splits at ` - `, `--`, and en or em dashes; a hyphen inside a word (`X-RAY`) stays.
fn split_dashes(text: &str) -> Vec<String> {
    let normalised = text
        .replace("--", " - ")
        .replace(['\u{2013}', '\u{2014}'], " - ");
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = normalised.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let spaced = c == '-'
            && (i == 0 || chars[i - 1].is_whitespace())
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if spaced {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| crate::screenplay::collapse([s.as_str()]))
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(text: &str) -> (Option<Setting>, String, When, Vec<String>) {
        let h = read(text);
        (h.setting, h.place, h.when, h.qualifiers)
    }

    #[test]
    fn common_headings() {
        use Setting::*;
        assert_eq!(
            h("EXT. BRICK'S PATIO - DAY"),
            (
                Some(Exterior),
                "BRICK'S PATIO".into(),
                When::At(Time::Day),
                vec![]
            )
        );
        assert_eq!(
            h("INT. TRAFFIC LIGHT HORIZONTAL BEAM--NIGHT"),
            (
                Some(Interior),
                "TRAFFIC LIGHT HORIZONTAL BEAM".into(),
                When::At(Time::Night),
                vec![]
            )
        );
        assert_eq!(
            h("INT HOUSE DAY"),
            (Some(Interior), "HOUSE".into(), When::At(Time::Day), vec![])
        );
        assert_eq!(h("int. house - day").1, "house");
        assert_eq!(
            h("INT - HOUSE - DAY"),
            (Some(Interior), "HOUSE".into(), When::At(Time::Day), vec![])
        );
        assert_eq!(h("EST. CITY - DUSK").0, Some(Exterior));
        assert_eq!(
            h("INT./EXT. CAR - MOVING - NIGHT"),
            (
                Some(Both),
                "CAR - MOVING".into(),
                When::At(Time::Night),
                vec![]
            )
        );
        assert_eq!(h("I/E. CAR - DAY").0, Some(Both));
    }

    #[test]
    fn qualifiers_and_continuity() {
        assert_eq!(
            h("INT. HOUSE - DAY - FLASHBACK (1944)"),
            (
                Some(Setting::Interior),
                "HOUSE".into(),
                When::At(Time::Day),
                vec!["FLASHBACK".into(), "1944".into()]
            )
        );
        assert_eq!(h("INT. HOUSE - CONTINUOUS").2, When::Continuing);
        assert_eq!(h("EXT. STREET - MOMENTS LATER").2, When::Continuing);
        assert_eq!(
            h("INT. HOUSE - FLASHBACK"),
            (
                Some(Setting::Interior),
                "HOUSE".into(),
                When::Unsaid,
                vec!["FLASHBACK".into()]
            )
        );
        assert_eq!(
            h("SNIPER SCOPE POV"),
            (None, "SNIPER SCOPE POV".into(), When::Unsaid, vec![])
        );
        assert_eq!(h("INT. X-RAY ROOM - NIGHT").1, "X-RAY ROOM");
        assert_eq!(h("INTERIOR DESIGN").0, None);
    }
}
