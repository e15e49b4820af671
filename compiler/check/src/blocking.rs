//! Blocking chains (`aiko enters left, walks to center over 4s`) resolved into timed stage keys,
//! exactly as docs/language.md §9 says: each link starts when the one before it ends.

use scene_syntax::ast::{
    Action, ActionKind, Gait, Position, PositionKind, Side, StrLit, Value, ValueKind,
};
use scene_syntax::{Diagnostic, Span, Spanned};

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
        crate::context::seconds_text(frames, self.fps)
    }

    fn of(&self, seconds: f64) -> u32 {
        Time::Seconds(seconds)
            .to_frames(self.fps)
            .min(u32::MAX as u64) as u32
    }
}

/// One link of a chain as its resolution needs it: whose it is, where it is written, and the
/// frame the chain has reached (where the link before it ended).
#[derive(Clone, Copy)]
struct Link<'s> {
    character: CharacterId,
    span: Span,
    shot: &'s ShotTime<'s>,
    cursor: u32,
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

    /// Resolves one statement's chain for `character`. A link that cannot be read is skipped:
    /// the next one starts where the last readable one ended.
    pub fn chain(
        &mut self,
        character: CharacterId,
        actions: &[Action],
        shot: &ShotTime,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut cursor: u32 = 0;
        for (i, action) in actions.iter().enumerate() {
            let link = Link {
                character,
                span: action.span,
                shot,
                cursor,
            };
            let ended = match &action.kind {
                ActionKind::Enters { side, at } => {
                    let moved_on = matches!(
                        actions.get(i + 1).map(|a| &a.kind),
                        Some(ActionKind::Move { .. } | ActionKind::Exits { .. })
                    );
                    self.enters(link, side.node, at.as_ref(), moved_on, diags)
                }
                ActionKind::Exits { side, at } => self.exits(link, side.node, at.as_ref(), diags),
                ActionKind::Place { position } => {
                    self.place(link, position, diags);
                    None
                }
                ActionKind::Move { to, over, gait } => {
                    self.walk(link, to, over.as_ref(), gait.node, diags)
                }
                ActionKind::Does { text, at } => {
                    self.does(link, text, at.as_ref(), diags);
                    None
                }
                ActionKind::Says {
                    text,
                    parenthetical,
                    at,
                } => {
                    self.says(link, text, parenthetical.as_ref(), at.as_ref(), diags);
                    None
                }
            };
            if let Some(end) = ended {
                cursor = end;
            }
        }
    }

    /// `enters SIDE [at T]`; returns the frame the entrance ends at.
    fn enters(
        &mut self,
        link: Link,
        side: Side,
        at: Option<&Value>,
        moved_on: bool,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<u32> {
        let Link {
            character,
            span,
            shot,
            cursor,
        } = link;
        self.mark_present(character);
        let start = match at {
            Some(t) => time_point(t, shot, diags)?,
            None => cursor,
        };
        self.key(character, span, start, side_point(side));
        if moved_on {
            return Some(start);
        }
        // A lone entrance walks to center; an entrance near the end of the shot is cut short by
        // the shot rather than being an error.
        let end = (start + shot.of(DEFAULT_MOVE_SECONDS)).min(shot.frames);
        self.key(character, span, end, CENTER);
        Some(end)
    }

    /// `exits SIDE [at T]`; returns the frame the exit ends at.
    fn exits(
        &mut self,
        link: Link,
        side: Side,
        at: Option<&Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<u32> {
        let Link {
            character,
            span,
            shot,
            cursor,
        } = link;
        self.mark_present(character);
        let (start, end) = match at {
            Some(t) => {
                let start = time_point(t, shot, diags)?;
                let end = start + shot.of(DEFAULT_MOVE_SECONDS);
                if end > shot.frames {
                    diags.push(ends_after(span, "this exit", end, shot));
                }
                (start, end.min(shot.frames))
            }
            None => (cursor, shot.frames),
        };
        let from = self.position(character).unwrap_or(CENTER);
        self.key(character, span, start, from);
        self.key(character, span, end, side_point(side));
        Some(end)
    }

    /// `at POSITION`: the character stands there from where the chain is.
    fn place(&mut self, link: Link, position: &Position, diags: &mut Vec<Diagnostic>) {
        self.mark_present(link.character);
        if let Some(point) = stage_point(position, diags) {
            self.key(link.character, link.span, link.cursor, point);
        }
    }

    /// `walks|runs to POSITION [over D]`; returns the frame the move ends at.
    fn walk(
        &mut self,
        link: Link,
        to: &Position,
        over: Option<&Value>,
        gait: Gait,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<u32> {
        let Link {
            character,
            span,
            shot,
            cursor,
        } = link;
        self.mark_present(character);
        let point = stage_point(to, diags)?;
        let verb = match gait {
            Gait::Walks => "`walks`",
            Gait::Runs => "`runs`",
        };
        let length = match over {
            Some(d) => v::positive_duration(d, Slot::new(verb, "2s"), shot.fps, diags)?.0,
            None => shot.of(DEFAULT_MOVE_SECONDS),
        };
        let end = cursor.saturating_add(length);
        if end > shot.frames {
            diags.push(ends_after(span, "this move", end, shot));
        }
        let end = end.min(shot.frames);
        let from = self.position(character).unwrap_or(CENTER);
        self.key(character, span, cursor, from);
        self.key(character, span, end, point);
        Some(end)
    }

    /// `does "action" [at T]`.
    fn does(&mut self, link: Link, text: &StrLit, at: Option<&Value>, diags: &mut Vec<Diagnostic>) {
        self.mark_present(link.character);
        let frame = match at {
            Some(t) => match time_point(t, link.shot, diags) {
                Some(f) => f,
                None => return,
            },
            None => link.cursor,
        };
        self.actions.push(ActionText {
            character: link.character,
            text: text.value.clone(),
            frame: Frames(frame),
            span: link.span,
        });
    }

    /// `says "line" [(parenthetical)] [at T]`: a line without `at` starts after the chain's
    /// last link and after the shot's previous line, and lasts as long as it takes to read.
    fn says(
        &mut self,
        link: Link,
        text: &StrLit,
        parenthetical: Option<&Spanned<String>>,
        at: Option<&Value>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Link {
            character,
            span,
            shot,
            cursor,
        } = link;
        let start = match at {
            Some(t) => match time_point(t, shot, diags) {
                Some(f) => f,
                None => return,
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
        let off_screen = parenthetical.is_some_and(|p| {
            let p = p.node.trim().to_ascii_lowercase();
            p == "v.o." || p == "o.s."
        });
        self.speakers.push((character, span, off_screen));
        self.lines.push(Line {
            character,
            text: text.value.clone(),
            parenthetical: parenthetical.map(|p| p.node.clone()),
            off_screen,
            start: Frames(start.min(shot.frames)),
            end: Frames(end.min(shot.frames)),
            span,
        });
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
