//! The typed film: what the checker produces from a program and the planner consumes.
//!
//! Names are resolved to IDs (indices into the film's tables), quantities carry their units as
//! types, every time is converted to frames at the film's fps, blocking chains are resolved into
//! timed stage keys, and assets are confined, found and identified. Each node keeps the span it
//! came from so later stages and the language server can point at source text.

use std::path::PathBuf;

use serde::Serialize;

use scene_syntax::Span;

use crate::units::{
    Angle, Color, Distance, FocalLength, Fps, Fraction, Frames, Gain, Kelvin, Loudness, Size, Speed,
};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id_type!(
    /// Index into [`Film::characters`].
    CharacterId,
    /// Index into [`Film::props`].
    PropId,
    /// Index into [`Film::locations`].
    LocationId,
    /// Index into [`Film::sounds`].
    SoundId,
    /// Index into [`Film::looks`].
    LookId,
    /// Index into [`Film::cameras`].
    CameraId,
    /// Index into [`Film::scenes`].
    SceneId,
    /// Index into [`Film::shots`] (play order).
    ShotId,
);

#[derive(Clone, Debug, Serialize)]
pub struct Film {
    pub title: String,
    /// Span of the `film` block, if the entry file has one.
    pub span: Option<Span>,
    pub size: Size,
    pub fps: Fps,
    pub seed: u64,
    pub look: Option<LookId>,
    pub style: Option<String>,
    pub negative: Option<String>,
    pub guidance: Option<f64>,
    pub steps: Option<u32>,
    /// The integrated loudness the final mix is brought to.
    pub loudness: Loudness,
    pub characters: Vec<Character>,
    /// Things that are not people. They share the characters' namespace.
    pub props: Vec<Prop>,
    pub locations: Vec<Location>,
    pub sounds: Vec<Sound>,
    pub looks: Vec<Look>,
    pub cameras: Vec<CameraPreset>,
    /// In play order.
    pub scenes: Vec<Scene>,
    /// Every shot of every scene, in play order.
    pub shots: Vec<Shot>,
    /// The project root every asset and import is confined to (canonical).
    pub project_root: PathBuf,
}

#[derive(Clone, Debug, Serialize)]
pub struct Character {
    pub id: String,
    pub span: Span,
    /// Display name; defaults to the identifier.
    pub name: String,
    pub description: String,
    pub voice: Option<String>,
    pub color: Option<Color>,
    pub reference: Option<Asset>,
}

/// What a shot blocks, aims at and describes: a character or a prop (one namespace holds both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SubjectId {
    Character(CharacterId),
    Prop(PropId),
}

impl From<CharacterId> for SubjectId {
    fn from(c: CharacterId) -> Self {
        SubjectId::Character(c)
    }
}

impl From<PropId> for SubjectId {
    fn from(p: PropId) -> Self {
        SubjectId::Prop(p)
    }
}

impl SubjectId {
    pub fn character(self) -> Option<CharacterId> {
        match self {
            SubjectId::Character(c) => Some(c),
            SubjectId::Prop(_) => None,
        }
    }

    pub fn prop(self) -> Option<PropId> {
        match self {
            SubjectId::Prop(p) => Some(p),
            SubjectId::Character(_) => None,
        }
    }
}

/// A thing that is not a person: a train, a lantern, a light bulb.
#[derive(Clone, Debug, Serialize)]
pub struct Prop {
    pub id: String,
    pub span: Span,
    pub description: String,
    /// Its real size: previz draws it, and the schedule boxes it, at this size.
    pub dimensions: Dimensions,
    pub color: Option<Color>,
    pub reference: Option<Asset>,
}

/// A prop's width and height in metres.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Dimensions {
    pub width: Distance,
    pub height: Distance,
}

impl Dimensions {
    /// A prop that gives no `dimensions`: hand-sized.
    pub const DEFAULT: Dimensions = Dimensions {
        width: Distance(0.3),
        height: Distance(0.3),
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TimeOfDay {
    Dawn,
    Day,
    Dusk,
    Night,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Weather {
    Clear,
    Rain,
    Snow,
    Fog,
}

/// Indoors or out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Setting {
    #[default]
    Exterior,
    Interior,
}

#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub id: String,
    pub span: Span,
    pub description: String,
    pub time: TimeOfDay,
    pub weather: Weather,
    pub ambience: Option<Ambience>,
    pub setting: Setting,
    /// Every shot set here is lit by these, in the order written; names are unique.
    pub lights: Vec<Light>,
}

/// The side a light comes from, as the shot's opening view sees the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LightSide {
    Left,
    Right,
    /// From the camera's side.
    Front,
    /// From behind the subjects, toward the camera.
    Back,
    Above,
    Below,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LightQuality {
    Hard,
    Soft,
}

/// A light's colour: a temperature, or a colour written as one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum LightColor {
    Kelvin(Kelvin),
    Rgb(Color),
}

/// `light NAME from SIDE [hard|soft] [TEMPERATURE] [FRACTION]`, in a location or a shot.
#[derive(Clone, Debug, Serialize)]
pub struct Light {
    pub name: String,
    pub from: LightSide,
    /// Unwritten: neither said nor drawn as hard or soft.
    pub quality: Option<LightQuality>,
    /// Unwritten: white, and the prompt names no colour.
    pub color: Option<LightColor>,
    /// 0 to 10 (0%–1000%); 1 unless written.
    pub intensity: Fraction,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Ambience {
    pub source: AudioSource,
    pub gain: Gain,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SoundRole {
    Music,
    Sfx,
    Ambience,
}

#[derive(Clone, Debug, Serialize)]
pub struct Sound {
    pub id: String,
    pub span: Span,
    pub role: SoundRole,
    pub asset: Asset,
    pub gain: Gain,
}

/// What plays: a defined sound, or an asset written inline.
#[derive(Clone, Debug, Serialize)]
pub enum AudioSource {
    Sound(SoundId),
    Asset(Asset),
}

#[derive(Clone, Debug, Serialize)]
pub struct Look {
    pub id: String,
    pub span: Span,
    pub style: Option<String>,
    pub negative: Option<String>,
    pub guidance: Option<f64>,
    pub steps: Option<u32>,
    /// One of the grade names the renderers know (neutral, teal_orange, mono, sepia, warm, cool,
    /// bleach, pastel).
    pub grade: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Framing {
    ExtremeWide,
    Wide,
    Full,
    /// Knees up.
    MediumFull,
    Medium,
    /// Chest up.
    MediumCloseup,
    Closeup,
    ExtremeCloseup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CameraHeight {
    Ground,
    Low,
    Eye,
    High,
    Overhead,
}

/// A `camera` definition. The eight framing names are also presets without a definition.
#[derive(Clone, Debug, Serialize)]
pub struct CameraPreset {
    pub id: String,
    pub span: Span,
    pub framing: Option<Framing>,
    pub height: Option<CameraHeight>,
    pub lens: Option<FocalLength>,
    /// Roll (dutch angle).
    pub angle: Option<Angle>,
}

/// A file inside the project root that exists and holds what its use needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Asset {
    /// Relative to the project root, with `/` separators: stable across machines.
    pub path: String,
    /// Canonical absolute path (after resolving symlinks).
    pub absolute: PathBuf,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub kind: AssetKind,
    /// Span of the path literal that named it.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum AssetKind {
    Image {
        width: u32,
        height: u32,
    },
    /// Duration as probed (seconds), when the container tells it.
    Audio {
        seconds: Option<f64>,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct Scene {
    pub id: String,
    pub span: Span,
    pub location: LocationId,
    /// In play order.
    pub shots: Vec<ShotId>,
    /// A transition written as the first item of the scene joins it to the previous scene.
    pub transition_in: Option<Transition>,
    /// Scene-level `play` and `stop`.
    pub plays: Vec<PlayCue>,
    pub stops: Vec<StopCue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum TransitionKind {
    Cut,
    Dissolve,
    Fade,
    FadeToBlack,
    WipeLeft,
    WipeRight,
}

/// How two shots join (docs/language.md §16). This is the one place that says which joins
/// overlap the shots and how a fade splits its length; the planner's timing follows it.
impl TransitionKind {
    /// Dissolves and wipes play the next shot over the end of the previous one. Cuts never
    /// overlap, and fades go through black instead.
    pub fn overlaps(self) -> bool {
        match self {
            TransitionKind::Dissolve | TransitionKind::WipeLeft | TransitionKind::WipeRight => true,
            TransitionKind::Cut | TransitionKind::Fade | TransitionKind::FadeToBlack => false,
        }
    }

    /// The join this kind makes between two shots: `fade to black` only belongs after a shot,
    /// and between two it reads as a fade through black.
    pub fn between_shots(self) -> TransitionKind {
        match self {
            TransitionKind::FadeToBlack => TransitionKind::Fade,
            kind => kind,
        }
    }

    /// Frames by which the next shot overlaps the previous one for a transition `length` long:
    /// all of it for a dissolve or a wipe, none otherwise.
    pub fn overlap(self, length: Frames) -> Frames {
        if self.overlaps() {
            length
        } else {
            Frames(0)
        }
    }

    /// For a fade through black `length` long: the frames over which the previous shot fades
    /// out (`length / 2`, rounded down) and those over which the next fades in (the rest).
    /// Both are 0 for every other kind.
    pub fn fade_halves(self, length: Frames) -> (Frames, Frames) {
        match self {
            TransitionKind::Fade => {
                let out = length.0 / 2;
                (Frames(out), Frames(length.0 - out))
            }
            _ => (Frames(0), Frames(0)),
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Transition {
    pub kind: TransitionKind,
    /// The transition's length; the checker gives a cut 0.
    pub frames: Frames,
    pub span: Span,
}

impl Transition {
    /// Frames by which the shot after this transition overlaps the shot before it
    /// ([`TransitionKind::overlap`]).
    pub fn overlap(&self) -> Frames {
        self.kind.overlap(self.frames)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Shot {
    pub id: String,
    pub span: Span,
    pub scene: SceneId,
    pub frames: Frames,
    /// How this shot joins the previous one in the film (`cut`, 0 frames, for the first shot and
    /// when nothing was written).
    pub transition_in: Transition,
    /// `fade to black D` written right after this shot.
    pub fade_out: Option<Transition>,
    pub camera: ShotCamera,
    /// Each character or prop that is blocked, acts, speaks on screen or is held, in order of
    /// first mention.
    pub blocking: Vec<Blocking>,
    /// Props in characters' hands (`holds`), by start frame.
    pub holds: Vec<Hold>,
    /// Lights written in the shot, in the order written: each adds to the location's lights or
    /// replaces the one of its name.
    pub lights: Vec<Light>,
    /// How fast time runs (`speed`); written times stay screen times.
    pub speed: Speed,
    /// `focus on SUBJECT [at TIME]`, by frame (one per frame; without `at`, frame 0).
    pub focus: Vec<FocusKey>,
    /// How much around the focused subject is sharp (`depth`).
    pub depth: Depth,
    /// Sorted by frame. `prompt "…"` is at frame 0.
    pub prompts: Vec<PromptKey>,
    pub actions: Vec<ActionText>,
    /// Sorted by start frame.
    pub dialogue: Vec<Line>,
    pub plays: Vec<PlayCue>,
    pub stops: Vec<StopCue>,
    pub continues: Option<Continues>,
    pub keyframes: Vec<ImageKey>,
    pub titles: Vec<TitleCard>,
    pub overrides: ShotOverrides,
}

/// From `frame` on, the lens focuses on `subject` (racking there from the focus before).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct FocusKey {
    pub subject: SubjectId,
    pub frame: Frames,
    pub span: Span,
}

/// How deep the zone of sharp focus is (`depth`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Depth {
    Shallow,
    #[default]
    Normal,
    Deep,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Continues {
    pub shot: ShotId,
    pub span: Span,
}

/// The camera of a shot: a preset, an optional subject, and moves.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ShotCamera {
    /// `None` when the shot has no `camera` statement (a medium, eye-level, 50mm default).
    pub preset: Option<PresetRef>,
    /// `on CHARACTER|PROP`: the camera aims at this subject.
    pub on: Option<SubjectId>,
    /// `from front|behind|left|right`: the side of the subject the camera stands on.
    pub side: Option<ViewSide>,
    /// `past SUBJECT`: the subject in the near foreground, its shoulder at the frame's edge.
    pub past: Option<SubjectId>,
    /// `pov of CHARACTER`: the camera stands in the character's eyes.
    pub pov: Option<CharacterId>,
    pub moves: Vec<CameraMove>,
    /// `lens` written in the shot (standalone or as a camera clause); overrides the preset's.
    pub lens: Option<LensAnimation>,
    pub span: Option<Span>,
}

/// The side of its subject a camera stands on, as the subject sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ViewSide {
    Front,
    Behind,
    /// At the subject's left hand.
    Left,
    /// At the subject's right hand.
    Right,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub enum PresetRef {
    Defined(CameraId),
    /// One of the six framing names used directly.
    Framing(Framing),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Ease {
    In,
    Out,
    InOut,
    Linear,
}

/// A move's amounts are signed: positive is right / up / in / clockwise seen from above.
#[derive(Clone, Copy, Debug, Serialize)]
pub enum MoveKind {
    Pan(Angle),
    Tilt(Angle),
    /// Fraction of the distance to the subject (positive: in).
    Dolly(Fraction),
    Truck(Distance),
    Crane(Distance),
    Orbit {
        around: Option<SubjectId>,
        angle: Angle,
    },
    Handheld,
    Static,
    /// `follow SUBJECT`: the camera travels with the subject's ground motion.
    Follow(SubjectId),
    /// `keep SUBJECT`: the camera turns to hold the subject where it is in frame.
    Keep(SubjectId),
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct CameraMove {
    pub kind: MoveKind,
    /// First frame of the move (inclusive).
    pub start: Frames,
    /// Frame at which the move is complete (exclusive end, at most the shot's length).
    pub end: Frames,
    pub ease: Ease,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct LensAnimation {
    pub from: FocalLength,
    /// `lens A -> B` zooms from A to B between `start` and `end`.
    pub to: Option<FocalLength>,
    pub start: Frames,
    pub end: Frames,
    pub ease: Ease,
    pub span: Span,
}

/// Where a character or prop stands, in fractions of the frame as seen by the shot's initial
/// camera: `x` across (0 left edge, 1 right edge), `y` the feet's height in the frame (0 top, 1
/// bottom). `left`, `center`, `right` are x = 0.25, 0.5, 0.75 at y = 0.85. Off-screen positions
/// (entrances and exits) lie just outside 0..1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StagePoint {
    pub x: f64,
    pub y: f64,
    /// Distance factor: 1.0 on the stage line; `back` entrances and exits use a larger depth.
    pub depth: f64,
    /// Metres above the ground (a prop's `above`); 0 for everything standing on it.
    pub above: f64,
}

/// A character's or prop's resolved movement in a shot: positions at frames, linear in between,
/// constant before the first key and after the last.
#[derive(Clone, Debug, Serialize)]
pub struct Blocking {
    pub subject: SubjectId,
    pub keys: Vec<StageKey>,
    /// Span of the first statement that blocks this character in the shot.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StageKey {
    pub frame: Frames,
    pub at: StagePoint,
}

/// A prop in a character's hand from `start`: `CHARACTER holds PROP [at T]`, until the
/// character's `drops PROP` (or another character's `holds`) at `end`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Hold {
    pub prop: PropId,
    pub holder: CharacterId,
    pub start: Frames,
    /// `None`: held to the end of the shot.
    pub end: Option<Frames>,
    /// Whether `end` is the holder's `drops` (the prop falls and stays) rather than a hand-over.
    pub dropped: bool,
    pub span: Span,
}

/// `CHARACTER does "…"` (or a prop's): enters the prompt from `frame`.
#[derive(Clone, Debug, Serialize)]
pub struct ActionText {
    pub subject: SubjectId,
    pub text: String,
    pub frame: Frames,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct PromptKey {
    pub frame: Frames,
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Line {
    pub character: CharacterId,
    pub text: String,
    /// Without brackets.
    pub parenthetical: Option<String>,
    /// `(V.O.)` or `(O.S.)`.
    pub off_screen: bool,
    /// When the line starts. Where it ends is its spoken length later, which only the planner
    /// knows (it asks the speech engine): lines are timed in `scene_plan::speech`.
    pub start: LineStart,
    /// The whole statement.
    pub span: Span,
    /// The quoted line.
    pub text_span: Span,
}

/// Where a line of dialogue starts in its shot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LineStart {
    /// Written with `at`: this frame, whatever else is said.
    At(Frames),
    /// Without `at`: once the shot's previous line without `at` has been said and a pause taken
    /// (from the shot's start for the first), but not before this frame — where the speaker's
    /// blocking chain had got to when the line was written.
    Next { not_before: Frames },
}

#[derive(Clone, Debug, Serialize)]
pub struct PlayCue {
    pub source: AudioSource,
    /// Shot frame for a shot cue; 0 for a scene-level cue (its scene's first frame).
    pub frame: Frames,
    /// Written gain, or the sound's own.
    pub gain: Gain,
    pub fade_in: Frames,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct StopCue {
    pub source: AudioSource,
    /// Shot frame for a shot cue; for a scene-level `stop`, the scene's last frame.
    pub frame: Frames,
    pub fade_out: Frames,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct ImageKey {
    pub frame: Frames,
    pub image: Asset,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct TitleCard {
    pub text: String,
    pub start: Frames,
    /// Exclusive.
    pub end: Frames,
    pub span: Span,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ShotOverrides {
    pub seed: Option<u64>,
    pub guidance: Option<f64>,
    pub strength: Option<Fraction>,
    pub look: Option<LookId>,
    pub style: Option<String>,
    pub negative: Option<String>,
    pub steps: Option<u32>,
}

impl Film {
    pub fn character(&self, id: CharacterId) -> &Character {
        &self.characters[id.index()]
    }
    pub fn prop(&self, id: PropId) -> &Prop {
        &self.props[id.index()]
    }
    /// The identifier of a character or prop.
    pub fn subject_id(&self, id: SubjectId) -> &str {
        match id {
            SubjectId::Character(c) => &self.character(c).id,
            SubjectId::Prop(p) => &self.prop(p).id,
        }
    }
    /// How a subject is named in words: a character's display name; a prop as "the" and its
    /// identifier in words (`the street_lamp` reads "the street lamp").
    pub fn subject_name(&self, id: SubjectId) -> String {
        match id {
            SubjectId::Character(c) => self.character(c).name.clone(),
            SubjectId::Prop(p) => format!("the {}", self.prop(p).id.replace('_', " ")),
        }
    }
    pub fn location(&self, id: LocationId) -> &Location {
        &self.locations[id.index()]
    }
    pub fn sound(&self, id: SoundId) -> &Sound {
        &self.sounds[id.index()]
    }
    pub fn look(&self, id: LookId) -> &Look {
        &self.looks[id.index()]
    }
    pub fn camera(&self, id: CameraId) -> &CameraPreset {
        &self.cameras[id.index()]
    }
    pub fn scene(&self, id: SceneId) -> &Scene {
        &self.scenes[id.index()]
    }
    pub fn shot(&self, id: ShotId) -> &Shot {
        &self.shots[id.index()]
    }
    pub fn shot_by_name(&self, name: &str) -> Option<ShotId> {
        self.shots
            .iter()
            .position(|s| s.id == name)
            .map(|i| ShotId(i as u32))
    }
}
