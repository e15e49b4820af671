//! A [`Screenplay`] becomes the text of a `.scene` film: the title page becomes the `film`
//! block, speakers become characters, scene headings become locations and scenes, action,
//! speeches and centered text become shots, transitions join them, and everything else the
//! writer typed stays as comments. docs/import.md is the user's account of every rule.
//!
//! The film is printed, then run through `scene_syntax::format`: the output is canonical (so
//! `scenec fmt --check` passes on it), and a text the parser would refuse can never be written.

mod build;
mod cast;
pub mod codes;
mod film;
mod heading;
mod ids;
mod places;
mod text;
mod timing;
mod transition;

use scene_syntax::{Diagnostic, FileId, Span};

use scene_voice::SpeechTiming;

use crate::screenplay::{IssueKind, Screenplay};
use build::Walk;
use cast::Cast;
use film::{notes, CharacterDef, Film, Item, LocationDef};
use places::Places;

pub use heading::{Setting, Time};
pub use ids::slug;

/// What the importer needs besides the screenplay.
pub struct Options<'a> {
    /// The Fountain file's id in the diagnostics' spans.
    pub file: FileId,
    /// The Fountain file's name, for the film's header comment and, when the title page has no
    /// `Title`, the film's title.
    pub name: &'a str,
    /// How long each line takes to say: the same [`SpeechTiming`] the planner times dialogue
    /// with (eSpeak NG's scratch voices, else the reading-speed estimate), so that every line
    /// fits the shot made for it.
    pub speech: &'a dyn SpeechTiming,
}

/// The result of an import.
pub struct Conversion {
    /// The film, canonical `.scene` text; `None` when an error (E07xx) leaves nothing to write.
    pub text: Option<String>,
    /// Every diagnostic, in the order of the Fountain text they point at.
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub scenes: usize,
    pub shots: usize,
    pub characters: usize,
    pub locations: usize,
    /// `says` statements.
    pub lines: usize,
}

/// The printed film did not parse: a bug in the importer, never the user's input. Carries the
/// text and the parser's errors so the bug can be reported.
#[derive(Debug)]
pub struct Unprintable {
    pub text: String,
    pub errors: Vec<Diagnostic>,
}

/// Parses `source` as Fountain and converts it.
pub fn import(source: &str, opts: &Options) -> Result<Conversion, Unprintable> {
    convert(&crate::parse(source), opts)
}

/// Reads a screenplay's bytes as text. Not UTF-8: the text to show (invalid bytes replaced)
/// and an E0702 error pointing at the first invalid byte.
pub fn decode(bytes: &[u8], file: FileId) -> Result<String, (String, Diagnostic)> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let valid = e.valid_up_to();
            let shown = String::from_utf8_lossy(bytes).into_owned();
            // The replacement character is 3 bytes where the bad ones were 1–3: the valid prefix
            // keeps its offsets, which is all the span needs.
            let end = shown[valid..]
                .char_indices()
                .nth(1)
                .map_or(shown.len(), |(i, _)| valid + i);
            let d = Diagnostic::new(
                codes::E0702,
                Span::new(file, valid, end),
                format!(
                    "the screenplay is not UTF-8 text: byte {} is not",
                    valid + 1
                ),
            )
            .with_label("not UTF-8")
            .with_help("save the file as UTF-8 (most editors offer it under \"encoding\")");
            Err((shown, d))
        }
    }
}

pub fn convert(sp: &Screenplay, opts: &Options) -> Result<Conversion, Unprintable> {
    let file = opts.file;
    let span = |o: &crate::screenplay::Origin| Span::new(file, o.bytes.start, o.bytes.end);
    let mut diags = Vec::new();
    for issue in &sp.issues {
        let (message, help) = match issue.kind {
            IssueKind::UnclosedNote => (
                "`[[` opens a note that no `]]` closes before a blank line: it is read as text",
                "close the note with `]]`; an empty line inside a note is written as two spaces",
            ),
            IssueKind::UnclosedBoneyard => (
                "`/*` opens boneyard that no `*/` closes: the rest of the file is boneyard",
                "close the boneyard with `*/`",
            ),
            IssueKind::LoneDualDialogue => (
                "`^` marks the second speech of a dual dialogue, but no speech comes right before it",
                "put the two speeches one after the other, the second cue ending in `^`",
            ),
        };
        diags.push(
            Diagnostic::new(codes::W0708, span(&issue.origin), message)
                .with_label("malformed Fountain")
                .with_help(help),
        );
    }

    let cast = Cast::gather(sp);
    let places = Places::gather(sp, file, &mut diags);
    let mut walk = Walk::new(sp, file, &cast, &places, opts.speech);
    walk.run();
    diags.append(&mut walk.diags);

    let shots: usize = walk
        .scenes
        .iter()
        .map(|s| {
            s.items
                .iter()
                .filter(|i| matches!(i, Item::Shot(_)))
                .count()
        })
        .sum();
    if shots == 0 {
        let end = sp
            .elements
            .last()
            .map_or(0, |e| e.origin.bytes.end)
            .max(sp.title_page.last().map_or(0, |e| e.origin.bytes.end));
        diags.push(
            Diagnostic::new(
                codes::E0701,
                Span::new(file, 0, end),
                "this screenplay has nothing that becomes a shot: no action, dialogue, centered text or lyrics",
            )
            .with_label("nothing to film")
            .with_help("write at least one scene: a heading (`INT. HOUSE - DAY`) and a line of action"),
        );
        sort(&mut diags);
        return Ok(Conversion {
            text: None,
            diagnostics: diags,
            summary: Summary::default(),
        });
    }

    let headed = !places.places.is_empty();
    if let Some(origin) = &walk.opening_content {
        let message = if headed {
            "this comes before the first scene heading: it opens the first scene"
        } else {
            "this screenplay has no scene heading: its shots play at a location named `opening`"
        };
        diags.push(
            Diagnostic::new(codes::W0706, span(origin), message)
                .with_label("before any scene heading")
                .with_help("start the screenplay with a scene heading (`INT. HOUSE - DAY`)"),
        );
    }

    let characters: Vec<CharacterDef> = cast
        .people
        .iter()
        .map(|p| {
            let description = description(p);
            let help = match &p.intro {
                Some((_, line)) => format!(
                    "it is the sentence that introduces {} (line {line}); rewrite it as how {} looks",
                    p.cue, p.name
                ),
                None => format!(
                    "describe how {} looks: the description enters every prompt {} is in",
                    p.name, p.name
                ),
            };
            diags.push(
                Diagnostic::new(
                    codes::W0701,
                    span(&p.first),
                    format!("character `{}` has a placeholder description", p.id),
                )
                .with_label("first speaks here")
                .with_help(help),
            );
            CharacterDef {
                id: p.id.clone(),
                name: p.name.clone(),
                description,
                notes: match &p.intro {
                    Some((_, line)) => vec![format!(
                        "// {}: introduced at line {line}, first speaks at line {}.",
                        p.cue, p.first.line
                    )],
                    None => vec![format!("// {}: first speaks at line {}.", p.cue, p.first.line)],
                },
            }
        })
        .collect();

    let mut locations: Vec<LocationDef> = places
        .places
        .iter()
        .map(|p| {
            diags.push(
                Diagnostic::new(
                    codes::W0702,
                    span(&p.first),
                    format!(
                        "location `{}` is described only by its scene heading: \"{}\"",
                        p.id, p.description
                    ),
                )
                .with_label("named here")
                .with_help("describe the place: the description enters every prompt of every scene set there"),
            );
            LocationDef {
                id: p.id.clone(),
                description: p.description.clone(),
                time: p.time,
                setting: p.setting,
            }
        })
        .collect();
    if !headed {
        locations.push(LocationDef {
            id: "opening".to_string(),
            description: "The place where the screenplay opens".to_string(),
            time: Time::Day,
            setting: None,
        });
    }

    let mut title_notes = Vec::new();
    for entry in &sp.title_page {
        if entry.key.eq_ignore_ascii_case("title") {
            continue;
        }
        match entry.values.as_slice() {
            [] => title_notes.extend(notes(&format!("{}:", entry.key))),
            [one] => title_notes.extend(notes(&format!("{}: {one}", entry.key))),
            many => {
                title_notes.extend(notes(&format!("{}:", entry.key)));
                for v in many {
                    title_notes.extend(notes(&format!("    {v}")));
                }
            }
        }
    }
    let title = sp
        .title_value("title", " ")
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| fallback_title(opts.name));

    let film = Film {
        header: vec![
            format!("// Imported from {} by `scenec import`.", opts.name),
            "// Character and location descriptions are placeholders to rewrite; shot lengths follow the"
                .to_string(),
            "// page for action (55 lines a minute) and the reading speed for dialogue (docs/import.md)."
                .to_string(),
        ],
        title,
        title_notes,
        characters,
        locations,
        scenes: std::mem::take(&mut walk.scenes),
    };
    let summary = Summary {
        scenes: film.scenes.len(),
        shots,
        characters: film.characters.len(),
        locations: film.locations.len(),
        lines: film
            .scenes
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| match i {
                Item::Shot(shot) => shot
                    .statements
                    .iter()
                    .filter(|st| st.text.contains(" says \""))
                    .count(),
                _ => 0,
            })
            .sum(),
    };
    let printed = film.print();
    let text = scene_syntax::format(&printed).map_err(|errors| Unprintable {
        text: printed.clone(),
        errors,
    })?;
    sort(&mut diags);
    Ok(Conversion {
        text: Some(text),
        diagnostics: diags,
        summary,
    })
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| (d.span.start, d.code));
}

/// `brick_and_steel.fountain` → `Brick And Steel`.
fn fallback_title(name: &str) -> String {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.strip_suffix(".fountain").unwrap_or(stem);
    let words = stem.replace(['_', '-', '.'], " ");
    let t = cast::title_case(&crate::screenplay::collapse([words.as_str()]).to_lowercase());
    if t.is_empty() {
        "Untitled".to_string()
    } else {
        t
    }
}

/// A character's placeholder description: the sentence that introduces them, else their name.
/// The scratch voice the planner casts reads it, so the importer times lines with it too.
pub(crate) fn description(p: &cast::Person) -> String {
    match &p.intro {
        Some((sentence, _)) => sentence.clone(),
        None => p.name.clone(),
    }
}

#[cfg(test)]
mod tests;
