//! The abstract syntax tree. Every node keeps the span of its text.
//!
//! The tree is deliberately close to the text: definition blocks hold generic `Field`s
//! (`key value…`) and quantities keep their unit as written, so the checker — not the parser —
//! decides that `fps 24s` is a unit mismatch or that `colour` is an unknown field, and can say so
//! with a helpful message. Shot statements, camera moves and blocking have their own node types
//! because their keywords shape the syntax.

use serde::{Deserialize, Serialize};

use crate::span::{FileId, Span, Spanned};

/// A parsed file. Items that failed to parse are absent (their errors are in the parse result).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub file: FileId,
    pub items: Vec<Item>,
    /// Every comment, in source order; the formatter re-attaches them.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommentKind {
    Line,
    Block,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub kind: CommentKind,
    /// The comment's full text, delimiters included.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal: `"…"` or `"""…"""`, escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrLit {
    pub value: String,
    /// Written with triple quotes.
    pub multiline: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ItemKind {
    Import(Import),
    Film(FilmDef),
    Character(BlockDef),
    /// `prop ID { … }`: a thing that is not a person.
    Prop(BlockDef),
    Location(BlockDef),
    Look(BlockDef),
    Camera(BlockDef),
    Sound(SoundDef),
    Scene(SceneDef),
    /// `override shot|character|prop|location|look|camera|sound …` (a remix's change).
    Override(Override),
    /// `insert shot ID DURATION after|before SHOT { … }` or `insert after|before SHOT { … }`
    /// (a remix's new shot).
    Insert(InsertShot),
    /// `remove shot ID` (a remix drops a shot of its base).
    Remove(RemoveShot),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Import {
    /// `import std.camera`: the dotted path, segment by segment.
    Module(Vec<Ident>),
    /// `import "cast/aiko.scene"`.
    File(StrLit),
}

/// `film "Title" [extends "base.scene"] { fields }`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilmDef {
    pub title: StrLit,
    /// `extends PATH`: the film is a remix of the film whose entry file is PATH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<StrLit>,
    pub fields: Vec<Field>,
}

/// `override …`: what a remix replaces (a shot, a sound) or merges its fields over (a block).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Override {
    pub target: OverrideTarget,
    /// The definition after the `override` keyword.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OverrideTarget {
    Shot(ShotDef),
    Character(BlockDef),
    Prop(BlockDef),
    Location(BlockDef),
    Look(BlockDef),
    Camera(BlockDef),
    Sound(SoundDef),
}

impl OverrideTarget {
    /// The overridden name.
    pub fn name(&self) -> &Ident {
        match self {
            OverrideTarget::Shot(s) => &s.name,
            OverrideTarget::Character(d)
            | OverrideTarget::Prop(d)
            | OverrideTarget::Location(d)
            | OverrideTarget::Look(d)
            | OverrideTarget::Camera(d) => &d.name,
            OverrideTarget::Sound(s) => &s.name,
        }
    }

    /// The keyword of what is overridden (`shot`, `character`, …).
    pub fn keyword(&self) -> &'static str {
        match self {
            OverrideTarget::Shot(_) => "shot",
            OverrideTarget::Character(_) => "character",
            OverrideTarget::Prop(_) => "prop",
            OverrideTarget::Location(_) => "location",
            OverrideTarget::Look(_) => "look",
            OverrideTarget::Camera(_) => "camera",
            OverrideTarget::Sound(_) => "sound",
        }
    }
}

/// `insert shot ID DURATION after|before SHOT { statements }`, or the block form
/// `insert after|before SHOT { [TRANSITION] shot ID DURATION { … } [TRANSITION] }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InsertShot {
    pub shot: ShotDef,
    pub place: Spanned<Place>,
    /// The base's shot the new one goes after or before.
    pub anchor: Ident,
    /// The block form's transitions; `None` for `insert shot …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<InsertBlock>,
}

/// What the block form of `insert` writes around its shot, as a scene would.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InsertBlock {
    /// The `shot …` inside the block, from `shot` to its `}` (named `span` so that comparing
    /// trees for meaning, `crate::compare`, ignores it as it does every span).
    pub span: Span,
    /// Written above the shot: joins the shot before it to the new one. Always a
    /// [`SceneItemKind::Transition`].
    pub lead: Option<SceneItem>,
    /// Written below the shot: joins the new shot to the one after it. Always a
    /// [`SceneItemKind::Transition`].
    pub trail: Option<SceneItem>,
}

/// Where an inserted shot goes relative to its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Place {
    After,
    Before,
}

impl Place {
    pub fn word(self) -> &'static str {
        match self {
            Place::After => "after",
            Place::Before => "before",
        }
    }
}

/// `remove shot ID`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoveShot {
    pub name: Ident,
}

/// `character|prop|location|look|camera ID { fields }`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockDef {
    pub name: Ident,
    pub fields: Vec<Field>,
}

/// `key value value…` inside a definition block, or a per-shot setting (`seed 3`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub key: Ident,
    pub values: Vec<Value>,
    pub span: Span,
}

/// `sound ID = music|sfx|ambience ASSET [GAIN]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SoundDef {
    pub name: Ident,
    pub role: Spanned<SoundRole>,
    pub asset: Value,
    pub gain: Option<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SoundRole {
    Music,
    Sfx,
    Ambience,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ValueKind {
    Number(Number),
    Str(String),
    Ident(String),
    /// `#rrggbb`
    Color([u8; 3]),
    /// `1280x720`; sides saturate at `u64::MAX` when written larger.
    Size {
        width: u64,
        height: u64,
    },
    /// `(40%, 60%)`
    Point(Box<Value>, Box<Value>),
}

/// A number as written, with its unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Number {
    /// The literal as written (sign and digits, without the unit), so that integers larger than
    /// an f64 represents exactly (seeds) can still be read exactly or reported as out of range.
    pub raw: String,
    pub value: f64,
    pub unit: Option<Unit>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Unit {
    /// `s`
    Seconds,
    /// `ms`
    Millis,
    /// `f`
    Frames,
    /// `%`
    Percent,
    /// `mm`
    Millimetres,
    /// `m`
    Metres,
    /// `deg`
    Degrees,
    /// `dB`
    Decibels,
    /// `x` suffix
    Factor,
    /// `K`: a colour temperature.
    Kelvin,
    /// `LUFS`: loudness units relative to full scale.
    Lufs,
}

impl Unit {
    /// The unit as written in source.
    pub fn suffix(self) -> &'static str {
        crate::vocab::unit_spec(self).suffix
    }
}

/// `scene ID at LOCATION { items }`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneDef {
    pub name: Ident,
    pub location: Ident,
    pub items: Vec<SceneItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneItem {
    pub kind: SceneItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SceneItemKind {
    Shot(ShotDef),
    Transition(TransitionDef),
    /// Scene-wide `play SOUND [GAIN] [fade in D]` (its `at` is always `None`).
    Play(PlayCue),
    /// Scene-wide `stop SOUND [fade out D]`.
    Stop(StopCue),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitionDef {
    pub kind: Spanned<TransitionKind>,
    /// Absent only for `cut`.
    pub duration: Option<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransitionKind {
    Cut,
    Dissolve,
    Fade,
    FadeToBlack,
    WipeLeft,
    WipeRight,
}

/// `shot ID DURATION { statements }`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShotDef {
    pub name: Ident,
    pub duration: Value,
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StatementKind {
    /// `camera PRESET [on CHARACTER] [, MOVE | , lens …]…`
    Camera(CameraStmt),
    /// `lens FOCAL [-> FOCAL] [timing] [ease]`
    Lens(LensSpec),
    /// `CHARACTER action [, action]…`
    Character(CharacterStmt),
    /// `at TIME "text"` (with `at`) or `prompt "text"` (`at` is `None`, meaning 0s).
    Prompt { at: Option<Value>, text: StrLit },
    /// `at TIME play SOUND|ASSET [GAIN] [fade in D]`
    Play(PlayCue),
    /// `at TIME stop SOUND [fade out D]`
    Stop(StopCue),
    /// `continues SHOT`
    Continues(Ident),
    /// `keyframe at TIME "image.png"`
    Keyframe { at: Value, image: StrLit },
    /// `title "TEXT" [at TIME] [over DURATION]` (project extension)
    Title {
        text: StrLit,
        at: Option<Value>,
        over: Option<Value>,
    },
    /// `focus on SUBJECT [at TIME]`
    Focus { subject: Ident, at: Option<Value> },
    /// A per-shot override: `seed N`, `guidance N`, `strength F`, `look REF`, `style "…"`,
    /// `negative "…"`, `steps N`.
    Setting(Field),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraStmt {
    pub preset: Ident,
    /// `pov of CHARACTER`: the camera stands in that character's eyes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Ident>,
    pub on: Option<Ident>,
    /// `from front|behind|left|right`: the side of the subject the camera stands on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Spanned<ViewSide>>,
    /// `past SUBJECT`: over that subject's shoulder onto the `on` subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past: Option<Ident>,
    pub clauses: Vec<CameraClause>,
}

/// The side of its subject a camera stands on (`from behind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViewSide {
    Front,
    Behind,
    Left,
    Right,
}

impl ViewSide {
    /// The word as written.
    pub fn word(self) -> &'static str {
        match self {
            ViewSide::Front => "front",
            ViewSide::Behind => "behind",
            ViewSide::Left => "left",
            ViewSide::Right => "right",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CameraClause {
    Move(Move),
    Lens(LensSpec),
}

/// `lens FOCAL [-> FOCAL] [over D | from T to T] [ease E]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LensSpec {
    pub from: Value,
    pub to: Option<Value>,
    pub timing: Option<MoveTiming>,
    pub ease: Option<Spanned<Ease>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub kind: Spanned<MoveKind>,
    /// The angle, fraction or distance; absent for `handheld`, `static`.
    pub amount: Option<Value>,
    pub timing: Option<MoveTiming>,
    pub ease: Option<Spanned<Ease>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MoveKind {
    Pan(HDir),
    Tilt(VDir),
    Dolly(DollyDir),
    Truck(HDir),
    Crane(VDir),
    /// `orbit [CHARACTER] ANGLE`
    Orbit(Option<Ident>),
    Handheld,
    Static,
    /// `follow SUBJECT`: a tracking shot that travels with the subject.
    Follow(Ident),
    /// `keep SUBJECT`: pans and tilts to hold the subject where it is in frame.
    Keep(Ident),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HDir {
    Left,
    Right,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VDir {
    Up,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DollyDir {
    In,
    Out,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MoveTiming {
    /// `over D`: from 0s for D.
    Over(Value),
    /// `from T1 to T2`
    FromTo(Value, Value),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ease {
    In,
    Out,
    InOut,
    Linear,
}

/// A character's or a prop's chain (they share one namespace, so the grammar cannot tell them
/// apart; the checker decides which links fit which).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CharacterStmt {
    /// The character or prop.
    pub character: Ident,
    /// The comma-separated chain; each link starts when the one before it ends.
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionKind {
    /// `enters left|right|back [at T]`
    Enters {
        side: Spanned<Side>,
        at: Option<Value>,
    },
    /// `exits left|right|back [at T]`
    Exits {
        side: Spanned<Side>,
        at: Option<Value>,
    },
    /// `at left|center|right|POINT [above DIST]`
    Place {
        position: Position,
        above: Option<Value>,
    },
    /// `walks|runs|moves to POSITION [above DIST] [over D]`
    Move {
        gait: Spanned<Gait>,
        to: Position,
        above: Option<Value>,
        over: Option<Value>,
    },
    /// `does "action" [at T]`
    Does { text: StrLit, at: Option<Value> },
    /// `says "line" [(parenthetical)] [at T]`
    Says {
        text: StrLit,
        parenthetical: Option<Spanned<String>>,
        at: Option<Value>,
    },
    /// `holds PROP [at T]`
    Holds { prop: Ident, at: Option<Value> },
    /// `drops PROP [at T]`
    Drops { prop: Ident, at: Option<Value> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    Left,
    Right,
    Back,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gait {
    Walks,
    Runs,
    /// A prop's move.
    Moves,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub kind: PositionKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PositionKind {
    Left,
    Center,
    Right,
    /// A `(x, y)` point value.
    Point(Value),
}

/// `[at TIME] play SOUND|ASSET [GAIN] [fade in D]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlayCue {
    pub at: Option<Value>,
    pub sound: SoundTarget,
    pub gain: Option<Value>,
    pub fade_in: Option<Value>,
}

/// `[at TIME] stop SOUND [fade out D]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StopCue {
    pub at: Option<Value>,
    pub sound: SoundTarget,
    pub fade_out: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SoundTarget {
    /// A `sound` definition.
    Name(Ident),
    /// An inline asset path (played as an sfx at 0 dB unless a gain is given).
    Asset(StrLit),
}
