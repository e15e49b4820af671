//! Blocking chains (`aiko enters left, walks to center over 4s`) resolved into timed stage keys,
//! exactly as docs/language.md §9 says: each link starts when the one before it ends.

use scene_syntax::ast::{Action, ActionKind, Position, PositionKind, Side, ValueKind};
use scene_syntax::{Diagnostic, Span};

use crate::codes;
use crate::film::{ActionText, Blocking, CharacterId, Line, StageKey, StagePoint};
use crate::units::{Frames, Time};
use crate::values::{self as v, Slot};

/// A move without `over`, an `exits … at T`, and the walk to center after a lone `enters` last
/// this long.
pub const DEFAULT_MOVE_SECONDS: f64 = 1.5;
/// Reading speed for dialogue timing.
pub const CHARACTERS_PER_SECOND: f64 = 15.0;

pub const CENTER: StagePoint = StagePoint {
    x: 0.5,
    y: 0.85,
    depth: 1.0,
};

pub fn side_point(side: Side) -> StagePoint {
    match side {
        Side::Left => StagePoint {
            x: -0.15,
            y: 0.85,
            depth: 1.0,
        },
        Side::Right => StagePoint {
            x: 1.15,
            y: 0.85,
            depth: 1.0,
        },
        Side::Back => StagePoint {
            x: 0.5,
            y: 0.85,
            depth: 3.0,
        },
    }
}

/// What a shot's character statements resolve to.
#[derive(Default)]
pub struct Stage {
    pub blocking: Vec<Blocking>,
    pub actions: Vec<ActionText>,
    pub lines: Vec<Line>,
    /// Characters with a blocking link or an action in the shot (they are on screen).
    present: Vec<CharacterId>,
    /// Where each character stands at the end of what has been resolved so far.
    positions: Vec<(CharacterId, StagePoint)>,
    /// Where the next dialogue line without `at` starts.
    dialogue_cursor: u32,
    /// Dialogue lines that need a presence check once the whole shot is known.
    pub speakers: Vec<(CharacterId, Span, bool)>,
}

/// The timing facts the chain needs about its shot.
pub struct ShotTime<'a> {
    pub frames: u32,
    pub fps: crate::units::Fps,
    /// "the 6s shot `opening`"
    pub describe: &'a str,
}

impl ShotTime<'_> {
    pub fn seconds(&self, frames: u32) -> String {
        crate::shots::seconds_text(frames, self.fps)
    }

    fn of(&self, seconds: f64) -> u32 {
        Time::Seconds(seconds)
            .to_frames(self.fps)
            .min(u32::MAX as u64) as u32
    }
}

impl Stage {
    fn keys_of(&mut self, character: CharacterId, span: Span) -> &mut Vec<StageKey> {
        let i = match self.blocking.iter().position(|b| b.character == character) {
            Some(i) => i,
            None => {
                self.blocking.push(Blocking {
                    character,
                    keys: Vec::new(),
                    span,
                });
                self.blocking.len() - 1
            }
        };
        &mut self.blocking[i].keys
    }

    fn key(&mut self, character: CharacterId, span: Span, frame: u32, at: StagePoint) {
        self.keys_of(character, span).push(StageKey {
            frame: Frames(frame),
            at,
        });
        match self.positions.iter_mut().find(|(c, _)| *c == character) {
            Some(p) => p.1 = at,
            None => self.positions.push((character, at)),
        }
    }

    fn position(&self, character: CharacterId) -> Option<StagePoint> {
        self.positions
            .iter()
            .find(|(c, _)| *c == character)
            .map(|(_, p)| *p)
    }

    fn mark_present(&mut self, character: CharacterId) {
        if !self.present.contains(&character) {
            self.present.push(character);
        }
    }

    pub fn is_present(&self, character: CharacterId) -> bool {
        self.present.contains(&character)
    }

    /// Resolves one statement's chain for `character`.
    pub fn chain(
        &mut self,
        character: CharacterId,
        actions: &[Action],
        shot: &ShotTime,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut cursor: u32 = 0;
        for (i, action) in actions.iter().enumerate() {
            let next = actions.get(i + 1).map(|a| &a.kind);
            match &action.kind {
                ActionKind::Enters { side, at } => {
                    self.mark_present(character);
                    let start = match at {
                        Some(t) => match time_point(t, shot, diags) {
                            Some(f) => f,
                            None => continue,
                        },
                        None => cursor,
                    };
                    self.key(character, action.span, start, side_point(side.node));
                    let moved_on = matches!(
                        next,
                        Some(ActionKind::Move { .. } | ActionKind::Exits { .. })
                    );
                    cursor = start;
                    if !moved_on {
                        // A lone entrance walks to center; an entrance near the end of the shot
                        // is cut short by the shot rather than being an error.
                        let end = (start + shot.of(DEFAULT_MOVE_SECONDS)).min(shot.frames);
                        self.key(character, action.span, end, CENTER);
                        cursor = end;
                    }
                }
                ActionKind::Exits { side, at } => {
                    self.mark_present(character);
                    let (start, end) = match at {
                        Some(t) => {
                            let Some(start) = time_point(t, shot, diags) else {
                                continue;
                            };
                            let end = start + shot.of(DEFAULT_MOVE_SECONDS);
                            if end > shot.frames {
                                diags.push(ends_after(action.span, "this exit", end, shot));
                            }
                            (start, end.min(shot.frames))
                        }
                        None => (cursor, shot.frames),
                    };
                    let from = self.position(character).unwrap_or(CENTER);
                    self.key(character, action.span, start, from);
                    self.key(character, action.span, end, side_point(side.node));
                    cursor = end;
                }
                ActionKind::Place { position } => {
                    self.mark_present(character);
                    let Some(point) = stage_point(position, diags) else {
                        continue;
                    };
                    self.key(character, action.span, cursor, point);
                }
                ActionKind::Move { to, over, gait } => {
                    self.mark_present(character);
                    let Some(point) = stage_point(to, diags) else {
                        continue;
                    };
                    let verb = match gait.node {
                        scene_syntax::ast::Gait::Walks => "`walks`",
                        scene_syntax::ast::Gait::Runs => "`runs`",
                    };
                    let length = match over {
                        Some(d) => {
                            match v::positive_duration(d, Slot::new(verb, "2s"), shot.fps, diags) {
                                Some(f) => f.0,
                                None => continue,
                            }
                        }
                        None => shot.of(DEFAULT_MOVE_SECONDS),
                    };
                    let end = cursor.saturating_add(length);
                    if end > shot.frames {
                        diags.push(ends_after(action.span, "this move", end, shot));
                    }
                    let end = end.min(shot.frames);
                    let from = self.position(character).unwrap_or(CENTER);
                    self.key(character, action.span, cursor, from);
                    self.key(character, action.span, end, point);
                    cursor = end;
                }
                ActionKind::Does { text, at } => {
                    self.mark_present(character);
                    let frame = match at {
                        Some(t) => match time_point(t, shot, diags) {
                            Some(f) => f,
                            None => continue,
                        },
                        None => cursor,
                    };
                    self.actions.push(ActionText {
                        character,
                        text: text.value.clone(),
                        frame: Frames(frame),
                        span: action.span,
                    });
                }
                ActionKind::Says {
                    text,
                    parenthetical,
                    at,
                } => {
                    let start = match at {
                        Some(t) => match time_point(t, shot, diags) {
                            Some(f) => f,
                            None => continue,
                        },
                        None => cursor.max(self.dialogue_cursor),
                    };
                    let chars = text.value.chars().count() as f64;
                    let reading = shot.of((chars / CHARACTERS_PER_SECOND).max(1.0)).max(1);
                    let end = start.saturating_add(reading);
                    if at.is_none() {
                        self.dialogue_cursor = end;
                    }
                    if end > shot.frames {
                        let left = shot.frames.saturating_sub(start);
                        diags.push(
                            Diagnostic::new(
                                codes::W0201,
                                text.span,
                                format!(
                                    "this line takes about {} to say, but only {} of {} are left",
                                    shot.seconds(reading),
                                    shot.seconds(left),
                                    shot.describe
                                ),
                            )
                            .with_label(format!("{} characters at about 15 a second", chars as u64))
                            .with_help("shorten the line, start it earlier with `at`, or lengthen the shot"),
                        );
                    }
                    let off_screen = parenthetical.as_ref().is_some_and(|p| {
                        let p = p.node.trim().to_ascii_lowercase();
                        p == "v.o." || p == "o.s."
                    });
                    self.speakers.push((character, action.span, off_screen));
                    self.lines.push(Line {
                        character,
                        text: text.value.clone(),
                        parenthetical: parenthetical.as_ref().map(|p| p.node.clone()),
                        off_screen,
                        start: Frames(start.min(shot.frames)),
                        end: Frames(end.min(shot.frames)),
                        span: action.span,
                    });
                }
            }
        }
    }

    /// Keys sorted by frame (stable: a place and a move at one frame keep their order), lines by
    /// start, actions by frame. On-screen speakers who are not blocked are added without keys.
    pub fn finish(mut self) -> Stage {
        for (character, span, off_screen) in self.speakers.clone() {
            if !off_screen && !self.blocking.iter().any(|b| b.character == character) {
                self.blocking.push(Blocking {
                    character,
                    keys: Vec::new(),
                    span,
                });
            }
        }
        for b in &mut self.blocking {
            b.keys.sort_by_key(|k| k.frame);
            // A key repeated at one frame: the later statement wins.
            let mut deduped: Vec<StageKey> = Vec::with_capacity(b.keys.len());
            for key in b.keys.drain(..) {
                match deduped.last_mut() {
                    Some(last) if last.frame == key.frame => *last = key,
                    _ => deduped.push(key),
                }
            }
            b.keys = deduped;
        }
        self.lines.sort_by_key(|l| l.start);
        self.actions.sort_by_key(|a| a.frame);
        self
    }
}

pub fn stage_point(position: &Position, diags: &mut Vec<Diagnostic>) -> Option<StagePoint> {
    match &position.kind {
        PositionKind::Left => Some(StagePoint {
            x: 0.25,
            y: 0.85,
            depth: 1.0,
        }),
        PositionKind::Center => Some(CENTER),
        PositionKind::Right => Some(StagePoint {
            x: 0.75,
            y: 0.85,
            depth: 1.0,
        }),
        PositionKind::Point(value) => point(value, diags),
    }
}

/// `(x%, y%)` as fractions of the frame.
pub fn point(value: &scene_syntax::ast::Value, diags: &mut Vec<Diagnostic>) -> Option<StagePoint> {
    let ValueKind::Point(x, y) = &value.kind else {
        diags.push(
            Diagnostic::new(
                codes::E0202,
                value.span,
                format!("a position is a point, not {}", v::describe(value)),
            )
            .with_label("expected a point")
            .with_help("write `left`, `center`, `right` or a point such as `(40%, 80%)`"),
        );
        return None;
    };
    let x = v::fraction(x, Slot::new("a point's x", "40%"), true, diags);
    let y = v::fraction(y, Slot::new("a point's y", "80%"), true, diags);
    Some(StagePoint {
        x: x?,
        y: y?,
        depth: 1.0,
    })
}

/// An `at T` inside a shot: a frame from 0 up to (not including) the shot's length.
pub fn time_point(
    value: &scene_syntax::ast::Value,
    shot: &ShotTime,
    diags: &mut Vec<Diagnostic>,
) -> Option<u32> {
    let t = v::time(value, Slot::new("`at`", "1s"), diags)?;
    let frame = t.frames(shot.fps).0;
    if t.negative || frame >= shot.frames {
        let written = crate::values::written(value);
        diags.push(
            Diagnostic::new(
                codes::E0401,
                value.span,
                format!("this time is outside {}", shot.describe),
            )
            .with_label(if t.negative {
                "before the shot starts".to_string()
            } else {
                format!("{written} is past the end")
            })
            .with_help(format!(
                "times in this shot run from `0s` to just under `{}` ({} frames)",
                shot.seconds(shot.frames),
                shot.frames
            )),
        );
        return None;
    }
    Some(frame)
}

pub fn ends_after(span: Span, what: &str, end: u32, shot: &ShotTime) -> Diagnostic {
    Diagnostic::new(
        codes::E0402,
        span,
        format!(
            "{what} ends at {}, after the end of {}",
            shot.seconds(end),
            shot.describe
        ),
    )
    .with_label("ends after the shot")
    .with_help(format!(
        "the shot is {} long: start it earlier, make it shorter, or lengthen the shot",
        shot.seconds(shot.frames)
    ))
}
