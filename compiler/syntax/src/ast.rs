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
    Location(BlockDef),
    Look(BlockDef),
    Camera(BlockDef),
    Sound(SoundDef),
    Scene(SceneDef),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Import {
    /// `import std.camera`: the dotted path, segment by segment.
    Module(Vec<Ident>),
    /// `import "cast/aiko.scene"`.
    File(StrLit),
}

/// `film "Title" { fields }`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilmDef {
    pub title: StrLit,
    pub fields: Vec<Field>,
}

/// `character|location|look|camera ID { fields }`
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
    /// A per-shot override: `seed N`, `guidance N`, `strength F`, `look REF`, `style "…"`,
    /// `negative "…"`, `steps N`.
    Setting(Field),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraStmt {
    pub preset: Ident,
    pub on: Option<Ident>,
    pub clauses: Vec<CameraClause>,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CharacterStmt {
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
    /// `at left|center|right|POINT`
    Place { position: Position },
    /// `walks|runs to POSITION [over D]`
    Move {
        gait: Spanned<Gait>,
        to: Position,
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
