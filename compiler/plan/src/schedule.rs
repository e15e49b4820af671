//! The conditioning schedule: the versioned contract between the compiler and every backend.
//!
//! Field names listed in ARCHITECTURE.md ("The conditioning schedule") keep their meaning
//! forever; new fields may be added (bump [`SCHEDULE_VERSION`] when a field changes meaning or
//! disappears). Frame numbers inside a shot count from 0 at the shot's first frame; fields
//! documented "film frame" count from the film's first frame.

use scene_check::film;
use scene_check::units::Frames;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the schedule format. Part of every cache key and golden.
pub const SCHEDULE_VERSION: u32 = 1;

/// A frame index. Inside a shot it counts from the shot's first frame unless the field says
/// "film frame".
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(transparent)]
pub struct Frame(pub u32);

/// A number of frames.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(transparent)]
pub struct FrameCount(pub u32);

/// The whole film.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FilmSchedule {
    /// Always [`SCHEDULE_VERSION`] when produced by this compiler.
    pub version: u32,
    pub title: String,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
    /// Length of the whole film, transitions' overlaps removed.
    pub frames: FrameCount,
    /// Scenes in play order, with their extent in the film.
    pub scenes: Vec<SceneSpan>,
    /// Shots in play order.
    pub shots: Vec<ShotSchedule>,
    /// The complete, resolved audio timeline of the film in film frames: scene-level `play`,
    /// shot-level cues and location ambience. The mixer reads this list only.
    pub audio: Vec<FilmAudioEvent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SceneSpan {
    pub name: String,
    pub location: String,
    /// Film frame of the scene's first frame.
    pub start_frame: Frame,
    pub frames: FrameCount,
}

/// One shot: everything a backend needs to render it, and nothing about other shots except
/// `continues` (which names the shot whose last frame conditions this one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShotSchedule {
    pub name: String,
    pub scene: String,
    /// Film frame at which this shot starts playing (overlaps included).
    pub start_frame: Frame,
    pub frames: FrameCount,
    /// Derived from the film seed and this shot's name (or the shot's own `seed` override), so
    /// editing one shot never changes another shot's seed.
    pub seed: u64,
    /// How this shot joins the one before it in the film. The first shot has `cut` with 0 frames.
    pub transition_in: Transition,
    /// `fade to black` written after this shot: it fades out over its last `frames`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_out: Option<Transition>,
    /// Prompt keyframes, sorted by frame; the first one is at frame 0.
    pub prompt_keyframes: Vec<PromptKeyframe>,
    /// One entry per frame; entry `f` holds one weight per prompt keyframe, summing to 1.
    pub prompt_weights: Vec<Vec<f32>>,
    pub negative: String,
    /// One entry per frame.
    pub camera: Vec<CameraFrame>,
    /// The camera's motion in words, as it enters the prompt ("the camera slowly dollies in").
    pub camera_text: String,
    /// Characters that appear in the shot, in order of first mention.
    pub subjects: Vec<Subject>,
    /// Images the video must pass through.
    pub conditioning: Vec<Conditioning>,
    /// Name of the shot whose last frame this shot's first frame continues (`continues`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<String>,
    pub guidance: f64,
    /// 1.0 generates freely; below 1.0 a backend may start from a guide video (previz) noised to
    /// this level.
    pub strength: f64,
    pub steps: u32,
    pub setting: Setting,
    pub look: LookInfo,
    /// Audio cues written in this shot, starting at shot frames.
    pub audio: Vec<AudioEvent>,
    pub dialogue: Vec<DialogueLine>,
    /// On-screen titles (a project extension: `title "text" at T over D`).
    pub titles: Vec<Title>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    Cut,
    Dissolve,
    /// Through black: the previous shot fades out over its last `frames/2`, this one fades in over
    /// its first `frames - frames/2`. No overlap.
    Fade,
    /// Fade the shot out to black over its last `frames` (only as `transition_out`).
    FadeToBlack,
    WipeLeft,
    WipeRight,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Transition {
    pub kind: TransitionKind,
    /// For dissolve and wipes: the overlap with the previous shot.
    pub frames: FrameCount,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PromptKeyframe {
    pub frame: Frame,
    /// The composed prompt at this keyframe: look and style, location, time and weather, the
    /// characters in frame, their actions, the camera in words, and the shot's own text.
    pub text: String,
    /// The shot's own text at this keyframe, before composition.
    pub shot_text: String,
}

/// The camera at one frame. World axes: x right, y up, z forward (away from the camera's
/// starting view); metres and degrees. Yaw turns right, pitch tilts up, roll banks clockwise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CameraFrame {
    pub position: [f64; 3],
    pub yaw: f64,
    pub pitch: f64,
    pub roll: f64,
    pub focal_mm: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subject {
    /// The character's identifier.
    pub character: String,
    /// Display name.
    pub name: String,
    /// `#rrggbb`, for previz and storyboards.
    pub color: String,
    pub description: String,
    /// One box per frame, `[x, y, w, h]` in fractions of the frame (origin top-left); a box may
    /// lie partly or wholly outside 0..1 when the character is off screen.
    pub boxes: Vec<[f64; 4]>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conditioning {
    pub frame: Frame,
    pub source: ConditioningSource,
    pub strength: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConditioningSource {
    /// An image file, path relative to the project root, with the SHA-256 of its bytes.
    Image { path: String, sha256: String },
    /// A character's identity reference image.
    Reference {
        character: String,
        path: String,
        sha256: String,
    },
    /// The last frame of another shot (`continues`).
    LastFrameOf { shot: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Setting {
    pub location: String,
    pub description: String,
    /// dawn | day | dusk | night
    pub time: String,
    /// clear | rain | snow | fog
    pub weather: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LookInfo {
    /// The look's name, if one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A colour grade known to the renderers: neutral, teal_orange, mono, sepia, warm, cool,
    /// bleach, pastel.
    pub grade: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SoundRole {
    Music,
    Sfx,
    Ambience,
}

/// An audio cue inside a shot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AudioEvent {
    /// The sound's name, or the asset path for an inline asset.
    pub sound: String,
    /// Path relative to the project root.
    pub asset: String,
    pub role: SoundRole,
    pub start_frame: Frame,
    /// How long it plays: until its `stop`, or the end of its scene (the mixer also ends it
    /// when the asset runs out, except ambience, which loops).
    pub frames: FrameCount,
    pub gain_db: f64,
    pub fade_in_frames: FrameCount,
    pub fade_out_frames: FrameCount,
}

/// An audio cue on the film's timeline (film frames).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FilmAudioEvent {
    pub sound: String,
    pub asset: String,
    pub role: SoundRole,
    /// Film frame.
    pub start_frame: Frame,
    pub frames: FrameCount,
    pub gain_db: f64,
    pub fade_in_frames: FrameCount,
    pub fade_out_frames: FrameCount,
    /// Ambience loops for its whole extent.
    pub looped: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DialogueLine {
    pub character: String,
    /// Display name, for subtitles.
    pub name: String,
    pub text: String,
    pub voice: String,
    /// The parenthetical without its brackets (`whispering`, `V.O.`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parenthetical: Option<String>,
    /// True for `(V.O.)` and `(O.S.)`.
    pub off_screen: bool,
    pub start_frame: Frame,
    /// Exclusive.
    pub end_frame: Frame,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Title {
    pub text: String,
    pub start_frame: Frame,
    /// Exclusive.
    pub end_frame: Frame,
}

impl ShotSchedule {
    /// The prompt weights at `frame`, clamped to the shot.
    pub fn weights_at(&self, frame: u32) -> &[f32] {
        let last = self.prompt_weights.len().saturating_sub(1);
        self.prompt_weights
            .get((frame as usize).min(last))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Transition {
    /// The first shot's join, and what a missing transition means.
    pub const CUT: Transition = Transition {
        kind: TransitionKind::Cut,
        frames: FrameCount(0),
    };

    /// Frames by which this shot overlaps the previous one (dissolves and wipes only), by the
    /// checker's rule ([`film::TransitionKind::overlap`]).
    pub fn overlap_frames(&self) -> u32 {
        film::TransitionKind::from(self.kind)
            .overlap(Frames(self.frames.0))
            .0
    }

    /// For a `fade` through black: frames over which the previous shot fades out (`frames / 2`,
    /// rounded down).
    pub fn fade_out_frames(&self) -> u32 {
        self.fade_halves().0
    }

    /// For a `fade` through black: frames over which this shot fades in (`frames - frames / 2`).
    pub fn fade_in_frames(&self) -> u32 {
        self.fade_halves().1
    }

    fn fade_halves(&self) -> (u32, u32) {
        let (out, into) = film::TransitionKind::from(self.kind).fade_halves(Frames(self.frames.0));
        (out.0, into.0)
    }
}

impl From<film::TransitionKind> for TransitionKind {
    fn from(kind: film::TransitionKind) -> Self {
        match kind {
            film::TransitionKind::Cut => TransitionKind::Cut,
            film::TransitionKind::Dissolve => TransitionKind::Dissolve,
            film::TransitionKind::Fade => TransitionKind::Fade,
            film::TransitionKind::FadeToBlack => TransitionKind::FadeToBlack,
            film::TransitionKind::WipeLeft => TransitionKind::WipeLeft,
            film::TransitionKind::WipeRight => TransitionKind::WipeRight,
        }
    }
}

impl From<TransitionKind> for film::TransitionKind {
    fn from(kind: TransitionKind) -> Self {
        match kind {
            TransitionKind::Cut => film::TransitionKind::Cut,
            TransitionKind::Dissolve => film::TransitionKind::Dissolve,
            TransitionKind::Fade => film::TransitionKind::Fade,
            TransitionKind::FadeToBlack => film::TransitionKind::FadeToBlack,
            TransitionKind::WipeLeft => film::TransitionKind::WipeLeft,
            TransitionKind::WipeRight => film::TransitionKind::WipeRight,
        }
    }
}

impl ShotSchedule {
    /// Film frame one past this shot's last frame.
    pub fn end_frame(&self) -> u32 {
        self.start_frame.0 + self.frames.0
    }
}
