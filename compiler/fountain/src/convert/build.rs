//! The walk over the screenplay that decides the film: each scene heading opens a scene, each
//! action paragraph, speech and centered title becomes a shot (or several, when it is longer than
//! a shot may be), transitions join the shots around them, and notes, boneyard, sections,
//! synopses and page breaks stay as comments where they were.

use scene_syntax::{Diagnostic, FileId, Span};
use scene_voice::SpeechTiming;

use super::cast::{Cast, Person};
use super::codes;
use super::film::{notes, Item, SceneDef, ShotDef, Statement};
use super::ids::{slug, Namer};
use super::places::Places;
use super::text::{parenthetical, string};
use super::timing::{self, Tenths};
use super::transition::{self, Join, Reading};
use crate::screenplay::*;

/// Words of a shot's text that name it (`a_gorgeous_day`).
const SHOT_NAME_WORDS: usize = 4;
/// Characters placed in one shot at most (more crowd the previz and the prompt).
const MAX_PLACED: usize = 6;

pub struct Walk<'a> {
    sp: &'a Screenplay,
    file: FileId,
    cast: &'a Cast,
    places: &'a Places,
    /// Spoken lengths, as the planner will measure them.
    speech: &'a dyn SpeechTiming,
    pub diags: Vec<Diagnostic>,
    pub scenes: Vec<SceneDef>,
    /// Items before the first scene heading: they open the first scene.
    pub opening: Vec<Item>,
    /// The first thing before any heading that became a shot.
    pub opening_content: Option<Origin>,
    scene_names: Namer,
    shot_names: Namer,
    /// A transition waiting for the shot after it.
    pending: Option<Pending>,
    /// Whether the film has a shot yet.
    any_shot: bool,
    /// Where the scene open now began (for an establishing shot if it gets no other).
    scene_heading: Option<(String, Origin)>,
}

struct Pending {
    join: Join,
    note: Option<String>,
    /// From `FADE OUT.`: a `FADE IN:` right after it is the same fade.
    fade_out: bool,
    /// The screenplay's words, and where.
    text: String,
    origin: Origin,
}

/// One line of speech about to become a `says`.
struct Said {
    text: String,
    /// The parenthetical as the grammar will read it.
    paren: Option<String>,
    /// Comment lines above the statement (a parenthetical that could not be kept as one).
    notes: Vec<String>,
}

impl<'a> Walk<'a> {
    pub fn new(
        sp: &'a Screenplay,
        file: FileId,
        cast: &'a Cast,
        places: &'a Places,
        speech: &'a dyn SpeechTiming,
    ) -> Self {
        Walk {
            sp,
            file,
            cast,
            places,
            speech,
            diags: Vec::new(),
            scenes: Vec::new(),
            opening: Vec::new(),
            opening_content: None,
            scene_names: Namer::new(),
            shot_names: Namer::new(),
            pending: None,
            any_shot: false,
            scene_heading: None,
        }
    }

    /// Frames `who` takes to say `text` with `paren`: the scratch voice the planner will cast
    /// for them (their placeholder description, no `voice`), measured the same way.
    fn spoken(&self, who: &Person, text: &str, paren: Option<&str>) -> u32 {
        let description = super::description(who);
        let voice = scene_voice::scratch_voice(
            &scene_voice::Character {
                id: &who.id,
                voice: None,
                description: &description,
            },
            paren,
        );
        timing::spoken_frames(self.speech, &voice, text)
    }

    fn span(&self, origin: &Origin) -> Span {
        Span::new(self.file, origin.bytes.start, origin.bytes.end)
    }

    fn items(&mut self) -> &mut Vec<Item> {
        match self.scenes.last_mut() {
            Some(scene) => &mut scene.items,
            None => &mut self.opening,
        }
    }

    /// Whether the scene open now has a shot yet.
    fn scene_has_shot(&self) -> bool {
        let items = match self.scenes.last() {
            Some(scene) => &scene.items,
            None => &self.opening,
        };
        items.iter().any(|i| matches!(i, Item::Shot(_)))
    }

    pub fn run(&mut self) {
        let sp = self.sp;
        for (i, e) in sp.elements.iter().enumerate() {
            match &e.kind {
                ElementKind::SceneHeading(h) => self.heading(i, h, &e.origin),
                ElementKind::Action(a) => self.action(a, &e.origin),
                ElementKind::Dialogue(d) => self.dialogue(d, &e.origin),
                ElementKind::DualDialogue(a, b) => self.dual(a, b, &e.origin),
                ElementKind::Transition(t) => {
                    let reading = transition::read(&t.text);
                    self.transition(reading, &t.text, &e.origin);
                }
                ElementKind::Centered(lines) => self.title(lines, &e.origin),
                ElementKind::Lyrics(lines) => self.lyrics(lines, &e.origin),
                ElementKind::Section { depth, text } => {
                    let marks = "#".repeat(*depth);
                    self.comment(&format!("{marks} {text}"));
                }
                ElementKind::Synopsis(text) => self.comment(&format!("= {text}")),
                ElementKind::PageBreak => self.comment("==="),
                ElementKind::Note(text) => self.comment(&format!("[[{text}]]")),
                ElementKind::Boneyard(text) => self.comment(&format!("/*{text}*/")),
            }
        }
        self.close_scene();
        self.finish();
    }

    fn comment(&mut self, text: &str) {
        let lines = notes(text);
        self.items().push(Item::Comment(lines));
    }

    // ---- scenes ----------------------------------------------------------------------------

    fn heading(&mut self, index: usize, h: &SceneHeading, origin: &Origin) {
        self.close_scene();
        let Some(&place) = self.places.of_heading.get(&index) else {
            return;
        };
        let location = self.places.places[place].id.clone();
        let id = match &h.number {
            Some(n) => self.scene_names.fresh(&format!("scene {n}"), "scene"),
            None => self
                .scene_names
                .fresh(&heading_place_words(&h.text), "scene"),
        };
        let mut heading_line = h.text.clone();
        if let Some(n) = &h.number {
            heading_line.push_str(&format!(" #{n}#"));
        }
        let mut items = vec![Item::Comment(notes(&heading_line))];
        if self.scenes.is_empty() {
            items.append(&mut self.opening);
        }
        self.scenes.push(SceneDef {
            id,
            location,
            items,
        });
        self.scene_heading = Some((h.text.clone(), origin.clone()));
    }

    /// A scene that got no shot is its heading alone: an establishing shot of the place, one
    /// printed line long (2.2 s).
    fn close_scene(&mut self) {
        if self.scenes.is_empty() || self.scene_has_shot() {
            return;
        }
        let Some((text, origin)) = self.scene_heading.clone() else {
            return;
        };
        let id = self
            .shot_names
            .fresh(&heading_place_words(&text), "establishing");
        self.push_shot(
            ShotDef {
                id,
                length: timing::action(&[text.as_str()]),
                statements: vec![Statement::new("camera wide")],
            },
            &origin,
        );
    }

    fn finish(&mut self) {
        if let Some(p) = self.pending.take() {
            if p.fade_out {
                // The film ends by fading out: `fade to black`, the last item of the last scene.
                let join = p.join;
                self.items().push(Item::Join(join, p.note));
            } else {
                self.unplaced(&p.origin, "after the film's last shot", Some(&p.text));
            }
        }
        if self.scenes.is_empty() && self.any_shot {
            // A screenplay without a single scene heading still plays somewhere.
            let items = std::mem::take(&mut self.opening);
            self.scenes.push(SceneDef {
                id: "opening".to_string(),
                location: "opening".to_string(),
                items,
            });
        }
        self.clamp_transitions();
    }

    /// A transition may not last longer than a shot it touches; half the shorter one keeps a
    /// shot with transitions on both sides whole.
    fn clamp_transitions(&mut self) {
        let mut lengths: Vec<Tenths> = Vec::new();
        for scene in &self.scenes {
            for item in &scene.items {
                if let Item::Shot(s) = item {
                    lengths.push(s.length);
                }
            }
        }
        let mut shots_before = 0usize;
        for scene in &mut self.scenes {
            for item in &mut scene.items {
                match item {
                    Item::Shot(_) => shots_before += 1,
                    Item::Join(join, _) => {
                        let Some(len) = join.length() else { continue };
                        let prev = shots_before.checked_sub(1).map(|i| lengths[i]);
                        let next = lengths.get(shots_before).copied();
                        let shortest = [prev, next].into_iter().flatten().min();
                        if let Some(shortest) = shortest {
                            let limit = Tenths((shortest.0 / 2).max(1));
                            if len > limit {
                                *join = join.with_length(limit);
                            }
                        }
                    }
                    Item::Comment(_) => {}
                }
            }
        }
    }

    // ---- shots -----------------------------------------------------------------------------

    fn push_shot(&mut self, shot: ShotDef, origin: &Origin) {
        if self.scenes.is_empty() && self.opening_content.is_none() {
            self.opening_content = Some(origin.clone());
        }
        if let Some(p) = self.pending.take() {
            self.items().push(Item::Join(p.join, p.note));
        }
        self.items().push(Item::Shot(shot));
        self.any_shot = true;
    }

    /// A shot's name from the first words of its text (`a_gorgeous_day`, `steel_beers_ready`).
    fn shot_name(&mut self, text: &str, fallback: &str) -> String {
        let words: Vec<&str> = text.split_whitespace().take(4 * SHOT_NAME_WORDS).collect();
        let slugged = slug(&words.join(" "), 256);
        let base: Vec<&str> = slugged
            .split('_')
            .filter(|w| !w.is_empty())
            .take(SHOT_NAME_WORDS)
            .collect();
        self.shot_names.fresh(&base.join(" "), fallback)
    }

    fn action(&mut self, a: &Action, origin: &Origin) {
        let lines: Vec<&str> = a
            .lines
            .iter()
            .map(|l| l.text.trim())
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            return;
        }
        // `FADE IN:` is action by the syntax (it does not end in `TO:`); it is a transition.
        if !a.forced && lines.len() == 1 && !lines[0].chars().any(char::is_lowercase) {
            let reading = transition::read(lines[0]);
            if reading == Reading::FadeIn || reading == Reading::FadeOut {
                self.transition(reading, lines[0], origin);
                return;
            }
        }
        let groups = action_groups(&lines);
        if groups.len() > 1 {
            self.too_long(origin, "this action", groups.len());
        }
        for group in &groups {
            let refs: Vec<&str> = group.iter().map(String::as_str).collect();
            let prose = collapse(refs.iter().copied());
            let id = self.shot_name(&prose, "action");
            let mut statements = Vec::new();
            if !self.scene_has_shot() {
                statements.push(Statement::new("camera wide"));
            }
            let placed: Vec<&Person> = self
                .cast
                .mentioned(&prose)
                .into_iter()
                .take(MAX_PLACED)
                .collect();
            statements.extend(placements(&placed));
            match self.cast.subject(&prose) {
                Some((who, rest)) => {
                    statements.push(Statement::new(format!("{} does {}", who.id, string(rest))))
                }
                None => statements.push(Statement::new(format!("prompt {}", string(&prose)))),
            }
            let length = timing::action(&refs);
            self.push_shot(
                ShotDef {
                    id,
                    length,
                    statements,
                },
                origin,
            );
        }
    }

    fn too_long(&mut self, origin: &Origin, what: &str, shots: usize) {
        let span = self.span(origin);
        self.diags.push(
            Diagnostic::new(
                codes::W0709,
                span,
                format!(
                    "{what} is longer than a shot can be (60s): it is split over {shots} shots"
                ),
            )
            .with_label("split here")
            .with_help("shorter paragraphs and speeches make shorter shots"),
        );
    }

    /// A speech's lines as `says` statements, with the speaker's extensions read.
    fn speech(&mut self, d: &Dialogue) -> (Vec<Said>, Option<String>, bool) {
        let mut off: Option<&'static str> = None;
        let mut extra: Vec<String> = Vec::new();
        for ext in &d.cue.extensions {
            match extension(ext) {
                Extension::OffScreen(mark) => off = Some(off.unwrap_or(mark)),
                Extension::Continued => {}
                Extension::Other => extra.push(ext.clone()),
            }
        }
        // Segments: consecutive lines of speech, each with the parenthetical before it.
        let mut segments: Vec<(Vec<&TextLine>, Vec<&TextLine>, bool)> = Vec::new();
        let mut parens: Vec<&TextLine> = Vec::new();
        let mut lines: Vec<&TextLine> = Vec::new();
        let mut sung = false;
        for part in &d.parts {
            match part {
                DialoguePart::Parenthetical(p) => {
                    if !lines.is_empty() {
                        segments.push((
                            std::mem::take(&mut parens),
                            std::mem::take(&mut lines),
                            sung,
                        ));
                        sung = false;
                    }
                    parens.push(p);
                }
                DialoguePart::Line(t) => lines.push(t),
                DialoguePart::Lyric(t) => {
                    lines.push(t);
                    sung = true;
                }
            }
        }
        if !lines.is_empty() {
            segments.push((std::mem::take(&mut parens), lines, sung));
        }
        // Parentheticals after the last line: an action of the speaker's.
        let trailing =
            (!parens.is_empty()).then(|| collapse(parens.iter().map(|p| p.text.as_str())));

        let mut said = Vec::new();
        for (k, (parens, lines, sung)) in segments.into_iter().enumerate() {
            let text = collapse(lines.iter().map(|l| l.text.as_str()));
            let mut words: Vec<String> = Vec::new();
            if k == 0 {
                words.extend(extra.iter().cloned());
            }
            words.extend(parens.iter().map(|p| p.text.clone()));
            if sung && words.is_empty() {
                words.push("sings".to_string());
            }
            let wryly = collapse(words.iter().map(String::as_str));
            let origin = parens
                .first()
                .map_or(&lines[0].origin, |p| &p.origin)
                .clone();
            let mut notes_above = Vec::new();
            let paren = match off {
                Some(mark) => {
                    if !wryly.is_empty() {
                        notes_above.extend(notes(&format!("({wryly})")));
                        self.paren_dropped(&origin, &wryly, Some(mark));
                    }
                    Some(mark.to_string())
                }
                None if wryly.is_empty() => None,
                None => {
                    let (clean, changed) = parenthetical(&wryly);
                    if changed {
                        notes_above.extend(notes(&format!("({wryly})")));
                        self.paren_dropped(&origin, &wryly, None);
                    }
                    (!clean.is_empty()).then_some(clean)
                }
            };
            said.push(Said {
                text,
                paren,
                notes: notes_above,
            });
        }
        (said, trailing, off.is_some())
    }

    fn paren_dropped(&mut self, origin: &Origin, wryly: &str, off: Option<&str>) {
        let span = self.span(origin);
        let (message, help) = match off {
            Some(mark) => (
                format!("`({wryly})` on a line marked ({mark}) is kept as a comment above it"),
                "a line is off screen by its parenthetical `(V.O.)` or `(O.S.)`, which leaves no room for another".to_string(),
            ),
            None => (
                format!("`({wryly})` holds characters a parenthetical cannot; the original is kept as a comment"),
                "a parenthetical is plain words: no brackets, quotes, braces or `;`".to_string(),
            ),
        };
        self.diags.push(
            Diagnostic::new(codes::W0710, span, message)
                .with_label("this parenthetical")
                .with_help(help),
        );
    }

    fn dialogue(&mut self, d: &Dialogue, origin: &Origin) {
        let Some(who) = self.cast.get(&d.cue.name) else {
            return;
        };
        let (said, trailing, off) = self.speech(d);
        // Lines too long for a shot are cut at sentences.
        let max = timing::max_dialogue_frames();
        let mut pieces: Vec<Said> = Vec::new();
        for s in said {
            let paren = s.paren.as_deref();
            if self.spoken(who, &s.text, paren) <= max {
                pieces.push(s);
                continue;
            }
            let parts = timing::split_text(&s.text, &|t: &str| self.spoken(who, t, paren) <= max);
            for (k, text) in parts.into_iter().enumerate() {
                pieces.push(Said {
                    text,
                    paren: s.paren.clone(),
                    notes: if k == 0 { s.notes.clone() } else { Vec::new() },
                });
            }
        }
        // Pack the lines into shots of at most a minute.
        let mut shots: Vec<Vec<Said>> = vec![Vec::new()];
        let mut used = 0;
        for s in pieces {
            let f = self.spoken(who, &s.text, s.paren.as_deref());
            let after = if used == 0 {
                f
            } else {
                used + timing::pause_frames() + f
            };
            if after > max && shots.last().is_some_and(|v| !v.is_empty()) {
                shots.push(Vec::new());
                used = f;
            } else {
                used = after;
            }
            if let Some(last) = shots.last_mut() {
                last.push(s);
            }
        }
        if shots.len() > 1 {
            self.too_long(origin, "this speech", shots.len());
        }
        let count = shots.len();
        for (k, lines) in shots.into_iter().enumerate() {
            let trailing = if k + 1 == count {
                trailing.clone()
            } else {
                None
            };
            if lines.is_empty() && trailing.is_none() {
                continue;
            }
            let first = lines
                .first()
                .map_or(trailing.as_deref().unwrap_or(""), |s| s.text.as_str());
            let id = self.shot_name(&format!("{} {first}", who.id), &who.id.clone());
            let mut statements = Vec::new();
            if !off {
                statements.push(Statement::new(format!("camera medium on {}", who.id)));
                statements.push(Statement::new(format!("{} at center", who.id)));
            }
            let mut frames = Vec::new();
            for s in &lines {
                frames.push(self.spoken(who, &s.text, s.paren.as_deref()));
                statements.push(says(&who.id, s, None));
            }
            let mut length = timing::dialogue(&frames, true);
            if let Some(action) = &trailing {
                let spoken = timing::in_sequence(&frames);
                if off {
                    statements.push(Statement {
                        text: String::new(),
                        notes: notes(&format!("({action})")),
                    });
                } else {
                    if frames.is_empty() {
                        length = timing::action(&[action.as_str()]);
                    }
                    let at = if spoken == 0 {
                        String::new()
                    } else {
                        format!(" at {spoken}f")
                    };
                    statements.push(Statement::new(format!(
                        "{} does {}{at}",
                        who.id,
                        string(action)
                    )));
                }
            }
            statements.retain(|s| !s.text.is_empty() || !s.notes.is_empty());
            self.push_shot(
                ShotDef {
                    id,
                    length,
                    statements,
                },
                origin,
            );
        }
    }

    fn dual(&mut self, a: &Dialogue, b: &Dialogue, origin: &Origin) {
        let (Some(left), Some(right)) = (self.cast.get(&a.cue.name), self.cast.get(&b.cue.name))
        else {
            return;
        };
        let (said_a, trail_a, off_a) = self.speech(a);
        let (said_b, trail_b, off_b) = self.speech(b);
        let frames_a: Vec<u32> = said_a
            .iter()
            .map(|s| self.spoken(left, &s.text, s.paren.as_deref()))
            .collect();
        let frames_b: Vec<u32> = said_b
            .iter()
            .map(|s| self.spoken(right, &s.text, s.paren.as_deref()))
            .collect();
        let longest = timing::in_sequence(&frames_a).max(timing::in_sequence(&frames_b));
        let same = left.id == right.id;
        if longest > timing::max_dialogue_frames() || same || trail_a.is_some() || trail_b.is_some()
        {
            // Too long (or too unusual) to play side by side: one speech after the other.
            self.dialogue(a, origin);
            self.dialogue(b, origin);
            return;
        }
        let first = said_a.first().map_or("", |s| s.text.as_str()).to_string();
        let id = self.shot_name(&format!("{} {} {first}", left.id, right.id), "both");
        let mut statements = Vec::new();
        let on_screen: Vec<&Person> = [(left, off_a), (right, off_b)]
            .into_iter()
            .filter(|(_, off)| !off)
            .map(|(p, _)| p)
            .collect();
        if !on_screen.is_empty() {
            statements.push(Statement::new("camera medium"));
        }
        match on_screen.as_slice() {
            [one] => statements.push(Statement::new(format!("{} at center", one.id))),
            [l, r] => {
                statements.push(Statement::new(format!("{} at left", l.id)));
                statements.push(Statement::new(format!("{} at right", r.id)));
            }
            _ => {}
        }
        // The first speech runs from the shot's start; the second is timed beside it.
        for s in &said_a {
            statements.push(says(&left.id, s, None));
        }
        let mut at = 0;
        for (s, f) in said_b.iter().zip(&frames_b) {
            statements.push(says(&right.id, s, Some(at)));
            at += f + timing::pause_frames();
        }
        let length = timing::dialogue(
            &[
                timing::in_sequence(&frames_a),
                timing::in_sequence(&frames_b),
            ],
            false,
        );
        self.push_shot(
            ShotDef {
                id,
                length,
                statements,
            },
            origin,
        );
    }

    fn title(&mut self, lines: &[String], origin: &Origin) {
        let text = lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if text.is_empty() {
            return;
        }
        let id = self.shot_name(&text, "title");
        let length = timing::title(&text);
        self.push_shot(
            ShotDef {
                id,
                length,
                statements: vec![Statement::new(format!("title {}", string(&text)))],
            },
            origin,
        );
    }

    fn lyrics(&mut self, lines: &[String], origin: &Origin) {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let text = refs
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        if text.is_empty() {
            return;
        }
        let span = self.span(origin);
        self.diags.push(
            Diagnostic::new(
                codes::W0707,
                span,
                "lyrics outside a speech have no singer: they become the shot's prompt",
            )
            .with_label("sung by nobody")
            .with_help("put the lyrics under the singer's cue to make them a line of dialogue"),
        );
        for group in action_groups(&refs) {
            let prose = group.join(" / ");
            let group_refs: Vec<&str> = group.iter().map(String::as_str).collect();
            let length = timing::action(&group_refs);
            let id = self.shot_name(&prose, "lyrics");
            self.push_shot(
                ShotDef {
                    id,
                    length,
                    statements: vec![Statement::new(format!(
                        "prompt {}",
                        string(&format!("singing: {prose}"))
                    ))],
                },
                origin,
            );
        }
    }

    // ---- transitions -----------------------------------------------------------------------

    fn transition(&mut self, reading: Reading, text: &str, origin: &Origin) {
        let one_second = Tenths(10);
        let (join, note, fade_out, unknown) = match reading {
            Reading::FadeIn => {
                match &self.pending {
                    // FADE OUT. … FADE IN: is one fade through black.
                    Some(p) if p.fade_out => {
                        if let Some(p) = self.pending.as_mut() {
                            p.fade_out = false;
                            let note = p.note.take().unwrap_or_default();
                            p.note = Some(format!("{note} {text}").trim().to_string());
                        }
                        return;
                    }
                    _ if !self.any_shot => {
                        self.unplaced(origin, "before the film's first shot", Some(text));
                        return;
                    }
                    _ => (Join::Fade(one_second), Some(text.to_string()), false, false),
                }
            }
            Reading::FadeOut => (Join::Fade(one_second), Some(text.to_string()), true, false),
            Reading::Known { join, exact } => {
                (join, (!exact).then(|| text.to_string()), false, false)
            }
            Reading::Unknown(join) => (join, Some(text.to_string()), false, true),
        };
        if !self.any_shot {
            self.unplaced(origin, "before the film's first shot", Some(text));
            return;
        }
        if self.pending.is_some() {
            self.unplaced(origin, "right after another transition", Some(text));
            return;
        }
        if unknown {
            let span = self.span(origin);
            self.diags.push(
                Diagnostic::new(
                    codes::W0704,
                    span,
                    format!(
                        "the scene language has no `{}`: it is written as `{}`",
                        text.trim(),
                        join.text(false)
                    ),
                )
                .with_label("no equivalent")
                .with_help(
                    "the language's transitions are cut, dissolve, fade, fade to black and wipe",
                ),
            );
        }
        self.pending = Some(Pending {
            join,
            note,
            fade_out,
            text: text.to_string(),
            origin: origin.clone(),
        });
    }

    fn unplaced(&mut self, origin: &Origin, where_: &str, text: Option<&str>) {
        let text = text.unwrap_or("").trim().to_string();
        let span = self.span(origin);
        self.diags.push(
            Diagnostic::new(
                codes::W0705,
                span,
                format!("`{text}` stands {where_}, where the film has no transition: it is kept as a comment"),
            )
            .with_label("no shot on one side")
            .with_help("a transition joins the shot before it to the shot after it; a film starts on its first frame"),
        );
        self.comment(&text);
    }
}

/// A `says` statement, with an exact start (`at 24f`) when it is timed beside another speech.
fn says(id: &str, s: &Said, at: Option<u32>) -> Statement {
    let mut text = format!("{id} says {}", string(&s.text));
    if let Some(p) = &s.paren {
        text.push_str(&format!(" ({p})"));
    }
    if let Some(at) = at {
        text.push_str(&format!(" at {at}f"));
    }
    Statement {
        text,
        notes: s.notes.clone(),
    }
}

/// Where the characters an action names stand: spread across the frame, feet near its bottom.
fn placements(people: &[&Person]) -> Vec<Statement> {
    let named = |k: usize| -> String {
        match (people.len(), k) {
            (1, _) => "center".to_string(),
            (2, 0) => "left".to_string(),
            (2, _) => "right".to_string(),
            (3, 0) => "left".to_string(),
            (3, 1) => "center".to_string(),
            (3, _) => "right".to_string(),
            (n, k) => format!("({}%, 85%)", (100 * (k + 1) + (n + 1) / 2) / (n + 1)),
        }
    };
    people
        .iter()
        .enumerate()
        .map(|(k, p)| Statement::new(format!("{} at {}", p.id, named(k))))
        .collect()
}

/// Action lines in groups that each fit one shot; a line too long by itself is cut at sentences.
fn action_groups(lines: &[&str]) -> Vec<Vec<String>> {
    let max = timing::max_action_lines();
    let mut groups: Vec<Vec<String>> = vec![Vec::new()];
    let mut used = 0;
    let fits = |s: &str| timing::printed_lines(s, timing::ACTION_WIDTH) <= max;
    for line in lines {
        for piece in timing::split_text(line, &fits) {
            let n = timing::printed_lines(&piece, timing::ACTION_WIDTH);
            if used + n > max && groups.last().is_some_and(|g| !g.is_empty()) {
                groups.push(Vec::new());
                used = 0;
            }
            used += n;
            if let Some(g) = groups.last_mut() {
                g.push(piece);
            }
        }
    }
    groups
}

/// How the importer reads a cue's extension.
enum Extension {
    OffScreen(&'static str),
    Continued,
    Other,
}

fn extension(ext: &str) -> Extension {
    let e: String = ext
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
        .replace('\u{2019}', "'");
    match e.as_str() {
        "V.O." | "V.O" | "VO" | "V/O" | "VOICEOVER" | "VOICE-OVER" => Extension::OffScreen("V.O."),
        "O.S." | "O.S" | "OS" | "O.C." | "O.C" | "OC" | "OFF" | "OFFSCREEN" | "OFF-SCREEN"
        | "OFFCAMERA" | "OFF-CAMERA" | "PRE-LAP" | "PRELAP" => Extension::OffScreen("O.S."),
        "CONT'D" | "CONTD" | "CONT" | "CONTINUED" | "CONTINUING" | "MORE" => Extension::Continued,
        _ => Extension::Other,
    }
}

/// The words of a heading that name its place (`INT. BRICK'S POOL - DAY` → `BRICK'S POOL`).
fn heading_place_words(text: &str) -> String {
    let h = super::heading::read(text);
    if h.place.is_empty() {
        text.to_string()
    } else {
        h.place
    }
}
