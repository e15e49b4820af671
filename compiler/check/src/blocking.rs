//! Blocking chains (`aiko enters left, walks to center over 4s`, `bulb moves to (50%, 90%) above
//! 0m over 400ms`) resolved into timed stage keys, exactly as docs/language.md §9 says: each link
//! starts when the one before it ends. Characters and props share the chains; the links that fit
//! only one of them (speaking, walking, holding; `moves`, `above`) are checked here.

use scene_syntax::ast::{
    Action, ActionKind, Gait, Ident, Position, PositionKind, Side, StrLit, Value, ValueKind,
};
use scene_syntax::{Diagnostic, Span, Spanned};

use crate::codes;
use crate::film::{
    ActionText, Blocking, CharacterId, Hold, Line, LineStart, PropId, StageKey, StagePoint,
    SubjectId,
};
use crate::units::{Frames, Time};
use crate::values::{self as v, Slot};

/// A move without `over`, an `exits … at T`, and the walk to center after a lone `enters` last
/// this long.
pub const DEFAULT_MOVE_SECONDS: f64 = 1.5;

/// The highest a prop may be lifted `above` the ground, in metres.
pub const MAX_ABOVE_M: f64 = 1000.0;

pub const CENTER: StagePoint = StagePoint {
    x: 0.5,
    y: 0.85,
    depth: 1.0,
    above: 0.0,
};

pub fn side_point(side: Side) -> StagePoint {
    match side {
        Side::Left => StagePoint {
            x: -0.15,
            y: 0.85,
            depth: 1.0,
            above: 0.0,
        },
        Side::Right => StagePoint {
            x: 1.15,
            y: 0.85,
            depth: 1.0,
            above: 0.0,
        },
        Side::Back => StagePoint {
            x: 0.5,
            y: 0.85,
            depth: 3.0,
            above: 0.0,
        },
    }
}

/// What a shot's character and prop statements resolve to.
#[derive(Default)]
pub struct Stage {
    pub blocking: Vec<Blocking>,
    pub actions: Vec<ActionText>,
    pub lines: Vec<Line>,
    /// Props in hands, once [`Stage::finish`] has resolved the `holds` and `drops` written.
    pub holds: Vec<Hold>,
    /// `holds` and `drops` in the order written, resolved into `holds` at the end.
    hand: Vec<HandEvent>,
    /// Subjects with a blocking link, an action or a hold in the shot (they are on screen).
    present: Vec<SubjectId>,
    /// Where each subject stands at the end of what has been resolved so far.
    positions: Vec<(SubjectId, StagePoint)>,
    /// Dialogue lines that need a presence check once the whole shot is known.
    pub speakers: Vec<(CharacterId, Span, bool)>,
}

/// A `holds` (`take`) or `drops` as written.
#[derive(Clone, Copy)]
struct HandEvent {
    prop: PropId,
    character: CharacterId,
    frame: u32,
    take: bool,
    span: Span,
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
    subject: SubjectId,
    /// The subject's name as written, for messages.
    name: &'s str,
    span: Span,
    shot: &'s ShotTime<'s>,
    cursor: u32,
}

/// Resolves the prop a `holds` or `drops` names: reported when it is unknown (E0109) or a
/// character (E0108).
pub trait PropNames {
    fn prop(&mut self, ident: &Ident, diags: &mut Vec<Diagnostic>) -> Option<PropId>;
}

impl Stage {
    fn keys_of(&mut self, subject: SubjectId, span: Span) -> &mut Vec<StageKey> {
        let i = match self.blocking.iter().position(|b| b.subject == subject) {
            Some(i) => i,
            None => {
                self.blocking.push(Blocking {
                    subject,
                    keys: Vec::new(),
                    span,
                });
                self.blocking.len() - 1
            }
        };
        &mut self.blocking[i].keys
    }

    fn key(&mut self, subject: SubjectId, span: Span, frame: u32, at: StagePoint) {
        self.keys_of(subject, span).push(StageKey {
            frame: Frames(frame),
            at,
        });
        match self.positions.iter_mut().find(|(c, _)| *c == subject) {
            Some(p) => p.1 = at,
            None => self.positions.push((subject, at)),
        }
    }

    fn position(&self, subject: SubjectId) -> Option<StagePoint> {
        self.positions
            .iter()
            .find(|(c, _)| *c == subject)
            .map(|(_, p)| *p)
    }

    fn mark_present(&mut self, subject: SubjectId) {
        if !self.present.contains(&subject) {
            self.present.push(subject);
        }
    }

    pub fn is_present(&self, subject: SubjectId) -> bool {
        self.present.contains(&subject)
    }

    /// Resolves one statement's chain for `subject` (written `name`). A link that cannot be read
    /// is skipped: the next one starts where the last readable one ended.
    pub fn chain(
        &mut self,
        subject: SubjectId,
        name: &str,
        actions: &[Action],
        shot: &ShotTime,
        props: &mut dyn PropNames,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut cursor: u32 = 0;
        for (i, action) in actions.iter().enumerate() {
            let link = Link {
                subject,
                name,
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
                ActionKind::Place { position, above } => {
                    self.place(link, position, above.as_ref(), diags);
                    None
                }
                ActionKind::Move {
                    to,
                    above,
                    over,
                    gait,
                } => self.walk(link, to, above.as_ref(), over.as_ref(), gait, diags),
                ActionKind::Does { text, at } => {
                    self.does(link, text, at.as_ref(), diags);
                    None
                }
                ActionKind::Says {
                    text,
                    parenthetical,
                    at,
                } => {
                    match subject {
                        SubjectId::Character(c) => self.says(
                            link,
                            c,
                            text,
                            parenthetical.as_ref(),
                            at.as_ref(),
                            diags,
                        ),
                        SubjectId::Prop(_) => diags.push(prop_cannot(
                            name,
                            action.span,
                            "speak",
                            "give the line to a character, or write the sound the prop makes as a cue: `at 1s play …`",
                        )),
                    }
                    None
                }
                ActionKind::Holds { prop, at } => {
                    self.hand(link, prop, at.as_ref(), true, props, diags);
                    None
                }
                ActionKind::Drops { prop, at } => {
                    self.hand(link, prop, at.as_ref(), false, props, diags);
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
            subject,
            span,
            shot,
            cursor,
            ..
        } = link;
        self.mark_present(subject);
        let start = match at {
            Some(t) => time_point(t, shot, diags)?,
            None => cursor,
        };
        self.key(subject, span, start, side_point(side));
        if moved_on {
            return Some(start);
        }
        // A lone entrance walks to center; an entrance near the end of the shot is cut short by
        // the shot rather than being an error.
        let end = (start + shot.of(DEFAULT_MOVE_SECONDS)).min(shot.frames);
        self.key(subject, span, end, CENTER);
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
            subject,
            span,
            shot,
            cursor,
            ..
        } = link;
        self.mark_present(subject);
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
        let from = self.position(subject).unwrap_or(CENTER);
        self.key(subject, span, start, from);
        self.key(subject, span, end, side_point(side));
        Some(end)
    }

    /// `at POSITION [above DIST]`: the subject stands there from where the chain is.
    fn place(
        &mut self,
        link: Link,
        position: &Position,
        above: Option<&Value>,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.mark_present(link.subject);
        let height = height(link, above, diags);
        if let Some(point) = stage_point(position, diags) {
            let point = StagePoint {
                above: height.unwrap_or(0.0),
                ..point
            };
            self.key(link.subject, link.span, link.cursor, point);
        }
    }

    /// `walks|runs|moves to POSITION [above DIST] [over D]`; returns the frame the move ends at.
    /// Characters walk or run and props move: the other way round is reported, and the move is
    /// still made.
    fn walk(
        &mut self,
        link: Link,
        to: &Position,
        above: Option<&Value>,
        over: Option<&Value>,
        gait: &Spanned<Gait>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<u32> {
        let Link {
            subject,
            span,
            shot,
            cursor,
            name,
        } = link;
        self.mark_present(subject);
        match (subject, gait.node) {
            (SubjectId::Prop(_), Gait::Walks | Gait::Runs) => {
                let verb = if gait.node == Gait::Runs {
                    "run"
                } else {
                    "walk"
                };
                diags.push(
                    prop_cannot(name, gait.span, verb, "a prop `moves to` a position").with_fix(
                        gait.span,
                        "moves",
                        "replace with `moves`",
                    ),
                );
            }
            (SubjectId::Character(_), Gait::Moves) => diags.push(
                character_cannot(
                    name,
                    gait.span,
                    "`moves to` is how a prop moves",
                    "a character `walks to` or `runs to` a position",
                )
                .with_fix(gait.span, "walks", "replace with `walks`"),
            ),
            _ => {}
        }
        let height = height(link, above, diags);
        let point = stage_point(to, diags)?;
        let point = StagePoint {
            above: height.unwrap_or(0.0),
            ..point
        };
        let verb = match gait.node {
            Gait::Walks => "`walks`",
            Gait::Runs => "`runs`",
            Gait::Moves => "`moves`",
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
        let from = self.position(subject).unwrap_or(CENTER);
        self.key(subject, span, cursor, from);
        self.key(subject, span, end, point);
        Some(end)
    }

    /// `holds PROP [at T]` (`take`) or `drops PROP [at T]`: recorded in the order written and
    /// resolved once the whole shot is known. Only a character holds, and only a prop is held.
    fn hand(
        &mut self,
        link: Link,
        prop: &Ident,
        at: Option<&Value>,
        take: bool,
        props: &mut dyn PropNames,
        diags: &mut Vec<Diagnostic>,
    ) {
        let verb = if take { "hold" } else { "drop" };
        let character = match link.subject {
            SubjectId::Character(c) => Some(c),
            SubjectId::Prop(_) => {
                diags.push(prop_cannot(
                    link.name,
                    link.span,
                    verb,
                    "a character holds and drops props",
                ));
                None
            }
        };
        let prop = props.prop(prop, diags);
        let frame = match at {
            Some(t) => time_point(t, link.shot, diags),
            None => Some(link.cursor),
        };
        let (Some(character), Some(prop), Some(frame)) = (character, prop, frame) else {
            return;
        };
        self.mark_present(link.subject);
        self.mark_present(SubjectId::Prop(prop));
        self.hand.push(HandEvent {
            prop,
            character,
            frame,
            take,
            span: link.span,
        });
    }

    /// `does "action" [at T]`.
    fn does(&mut self, link: Link, text: &StrLit, at: Option<&Value>, diags: &mut Vec<Diagnostic>) {
        self.mark_present(link.subject);
        let frame = match at {
            Some(t) => match time_point(t, link.shot, diags) {
                Some(f) => f,
                None => return,
            },
            None => link.cursor,
        };
        self.actions.push(ActionText {
            subject: link.subject,
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
        character: CharacterId,
        text: &StrLit,
        parenthetical: Option<&Spanned<String>>,
        at: Option<&Value>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Link {
            span, shot, cursor, ..
        } = link;
        // How long the line lasts — and so whether it fits, and where the next one starts — is
        // its spoken length, which the planner measures (`scene_plan::speech`).
        let start = match at {
            Some(t) => match time_point(t, shot, diags) {
                Some(f) => LineStart::At(Frames(f.min(shot.frames))),
                None => return,
            },
            None => LineStart::Next {
                not_before: Frames(cursor.min(shot.frames)),
            },
        };
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
            start,
            span,
            text_span: text.span,
        });
    }

    /// Keys sorted by frame (stable: a place and a move at one frame keep their order), actions by
    /// frame, lines in the order written (the planner times them in that order), holds resolved.
    /// On-screen speakers and held props that are not blocked are added without keys.
    pub fn finish(mut self, diags: &mut Vec<Diagnostic>, shot: &ShotTime) -> Stage {
        for (character, span, off_screen) in self.speakers.clone() {
            let subject = SubjectId::Character(character);
            if !off_screen && !self.blocking.iter().any(|b| b.subject == subject) {
                self.blocking.push(Blocking {
                    subject,
                    keys: Vec::new(),
                    span,
                });
            }
        }
        self.holds = resolve_holds(&self.hand, diags, shot);
        for hold in self.holds.clone() {
            for subject in [
                SubjectId::Character(hold.holder),
                SubjectId::Prop(hold.prop),
            ] {
                if !self.blocking.iter().any(|b| b.subject == subject) {
                    self.blocking.push(Blocking {
                        subject,
                        keys: Vec::new(),
                        span: hold.span,
                    });
                }
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
        self.actions.sort_by_key(|a| a.frame);
        self
    }
}

/// The `holds` and `drops` of a shot, in the order written, as the time each prop spends in a
/// hand. A later `holds` takes the prop from whoever holds it (a hand-over); a `drops` ends the
/// dropping character's hold, and a `drops` with no `holds` of that prop before it in the shot
/// means the character had it from the shot's start. A `drops` of a prop someone else holds, or
/// that has already been dropped, is an error (E0408).
fn resolve_holds(events: &[HandEvent], diags: &mut Vec<Diagnostic>, shot: &ShotTime) -> Vec<Hold> {
    let mut ordered: Vec<&HandEvent> = events.iter().collect();
    // Stable: two events at one frame keep their written order.
    ordered.sort_by_key(|e| e.frame);
    let mut holds: Vec<Hold> = Vec::new();
    for e in ordered {
        // The hold of this prop still open, if any.
        let open = holds
            .iter()
            .rposition(|h| h.prop == e.prop && h.end.is_none());
        let earlier = holds.iter().any(|h| h.prop == e.prop);
        if e.take {
            if let Some(i) = open {
                holds[i].end = Some(Frames(e.frame));
            }
            holds.push(Hold {
                prop: e.prop,
                holder: e.character,
                start: Frames(e.frame),
                end: None,
                dropped: false,
                span: e.span,
            });
            continue;
        }
        match open {
            Some(i) if holds[i].holder == e.character => {
                holds[i].end = Some(Frames(e.frame));
                holds[i].dropped = true;
            }
            None if !earlier => holds.push(Hold {
                prop: e.prop,
                holder: e.character,
                start: Frames(0),
                end: Some(Frames(e.frame)),
                dropped: true,
                span: e.span,
            }),
            _ => diags.push(
                Diagnostic::new(
                    codes::E0408,
                    e.span,
                    format!(
                        "this drops a prop the character does not hold at {}",
                        shot.seconds(e.frame)
                    ),
                )
                .with_label("not in this character's hand then")
                .with_help(
                    "a character drops what it holds: write `holds` before it, or drop it from the hand that has it",
                ),
            ),
        }
    }
    holds.sort_by_key(|h| h.start);
    holds
}

/// `above DIST`: a prop's height above the ground; on a character it is reported (E0108).
fn height(link: Link, above: Option<&Value>, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let above = above?;
    if let SubjectId::Character(_) = link.subject {
        diags.push(character_cannot(
            link.name,
            above.span,
            "only a prop is lifted `above` the ground",
            "a character stands on the ground; place it with a point lower in the frame, or make what is up there a prop",
        ));
        return None;
    }
    let slot = Slot::new("`above`", "2m");
    v::distance_in(
        above,
        slot,
        0.0..=MAX_ABOVE_M,
        "a height above the ground",
        diags,
    )
}

/// A prop written where only a character fits (E0107).
pub fn prop_cannot(name: &str, span: Span, verb: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0107,
        span,
        format!("`{name}` is a prop, and a prop cannot {verb}"),
    )
    .with_label("a character's action")
    .with_help(help.to_string())
}

/// A character written where only a prop fits (E0108).
pub fn character_cannot(name: &str, span: Span, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        codes::E0108,
        span,
        format!("`{name}` is a character: {what}"),
    )
    .with_label("a prop's action")
    .with_help(help.to_string())
}

pub fn stage_point(position: &Position, diags: &mut Vec<Diagnostic>) -> Option<StagePoint> {
    match &position.kind {
        PositionKind::Left => Some(StagePoint {
            x: 0.25,
            y: 0.85,
            depth: 1.0,
            above: 0.0,
        }),
        PositionKind::Center => Some(CENTER),
        PositionKind::Right => Some(StagePoint {
            x: 0.75,
            y: 0.85,
            depth: 1.0,
            above: 0.0,
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
        above: 0.0,
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
