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
///
/// 2 (language version 2): `subjects[].kind` (`character` or `prop`, a prop with its
/// `dimensions_m`), `lights` and `speed` per shot, `setting.interior`, the film's
/// `loudness_lufs`; prompt keyframes carry `tokens`; keyframes start at timed actions and where a
/// subject comes into view; the composed text puts the shot's own words before the shared ones.
///
/// 3 (where the camera stands, focus): `subjects[].view_deg`, the side of the subject the camera
/// sees at each frame, in shots whose camera says where it stands (`from`, `past`, `pov of`,
/// `follow`); `camera[].focus_m`, the focus distance per frame, and the shot's `depth`, in shots
/// that write `focus` or `depth`.
///
/// 4 (scratch voices): a dialogue line's `end_frame` is its spoken length (it was 15 characters
/// a second), lines without `at` follow one another with a pause; lines carry `spoken_ms` and
/// `scratch_voice`; the film carries `speech`, and the mix is mastered to `loudness_lufs`;
/// ambience played with `play` loops.
pub const SCHEDULE_VERSION: u32 = 4;

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
    /// shot-level cues and location ambience. The mixer reads this list, and the shots'
    /// dialogue for the scratch voices.
    pub audio: Vec<FilmAudioEvent>,
    /// Integrated loudness (EBU R128, LUFS) the final mix is mastered to, true peak at most
    /// −1 dBTP: the film's `loudness`, −16 when it names none (and then not written).
    #[serde(
        default = "default_loudness_lufs",
        skip_serializing_if = "is_default_loudness_lufs"
    )]
    pub loudness_lufs: f64,
    /// How dialogue lines were timed.
    pub speech: Speech,
}

/// How the dialogue's spoken lengths were found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Speech {
    pub timing: SpeechTimingKind,
    /// The engine that measured the lines and speaks them in the previz mix
    /// (`eSpeak NG 1.51`); absent when lengths were estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpeechTimingKind {
    /// Each line synthesised and measured.
    Measured,
    /// No speech engine: 15 characters a second, at least 1 s.
    ReadingEstimate,
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
    /// Characters and props that appear in the shot, in order of first mention.
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
    /// The lights of the shot: the location's, with the shot's own added or put in place of the
    /// location's light of the same name; in that order. At most one is the key. Absent: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lights: Vec<Light>,
    /// How fast time runs: 1 real time, below 1 slow motion, above 1 fast motion. Frame numbers
    /// stay screen frames; only what moves by its own physics (a dropped prop, weather) runs on
    /// this clock. Absent: 1.
    #[serde(default = "real_time", skip_serializing_if = "is_real_time")]
    pub speed: f64,
    /// How deep the zone of sharp focus is around `camera[].focus_m`. Absent: normal.
    #[serde(default, skip_serializing_if = "Depth::is_normal")]
    pub depth: Depth,
}

/// How deep the zone of sharp focus is (`depth`): it sets the aperture previz blurs with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    /// A fast lens (f/1.4): only the focused subject is sharp.
    Shallow,
    /// An everyday aperture (f/5.6).
    #[default]
    Normal,
    /// Everything sharp.
    Deep,
}

impl Depth {
    pub fn is_normal(&self) -> bool {
        *self == Depth::Normal
    }
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
    /// The composed prompt at this keyframe, what is particular to the shot first: the shot's own
    /// text, the actions holding by then and who holds what, the characters and props in frame,
    /// the camera in words, the speed; then what is shared: look and style, location, interior,
    /// time and weather, the light.
    pub text: String,
    /// The shot's own text at this keyframe, before composition.
    pub shot_text: String,
    /// How many tokens `text` is for the backend's text encoder.
    pub tokens: TokenCount,
}

/// A prompt's length in text-encoder tokens (the end-of-sequence token included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TokenCount {
    pub count: u32,
    /// How `count` was found.
    pub counted_by: TokenCounter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenCounter {
    /// Estimated from the text's words and punctuation, without a tokenizer (the compiler's front
    /// end loads none): close to a T5 SentencePiece count for English, not exact.
    Estimate,
    /// Counted with the backend's own tokenizer.
    Tokenizer,
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
    /// The distance the lens is focused at, in metres along the lens axis (to the middle of the
    /// focused subject's height). Present only in shots that write `focus` or `depth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_m: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Subject {
    /// Absent: a character.
    #[serde(default, skip_serializing_if = "SubjectKind::is_character")]
    pub kind: SubjectKind,
    /// The character's (or prop's) identifier.
    pub character: String,
    /// Display name; a prop's identifier in words.
    pub name: String,
    /// `#rrggbb`, for previz and storyboards.
    pub color: String,
    pub description: String,
    /// A prop's real width and height in metres (its box follows from them); absent for a
    /// character, which is a 0.5 m × 1.7 m figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions_m: Option<[f64; 2]>,
    /// One box per frame, `[x, y, w, h]` in fractions of the frame (origin top-left); a box may
    /// lie partly or wholly outside 0..1 when the character is off screen.
    pub boxes: Vec<[f64; 4]>,
    /// One angle per frame: the side of the subject the camera sees, in degrees — 0 its front
    /// (its face), ±180 its back, 90 its right side, −90 its left. Present only in shots whose
    /// camera says where it stands (`from`, `past`, `pov of`, `follow`); elsewhere a subject is
    /// seen from the front.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_deg: Option<Vec<f64>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A person: a 0.5 m × 1.7 m figure.
    #[default]
    Character,
    /// A thing that is not a person, as big as its `dimensions_m`.
    Prop,
}

impl SubjectKind {
    pub fn is_character(&self) -> bool {
        *self == SubjectKind::Character
    }
}

/// What a film without `loudness` is brought to.
pub const DEFAULT_LOUDNESS_LUFS: f64 = scene_check::units::Loudness::DEFAULT.0;

fn default_loudness_lufs() -> f64 {
    DEFAULT_LOUDNESS_LUFS
}

fn is_default_loudness_lufs(v: &f64) -> bool {
    *v == DEFAULT_LOUDNESS_LUFS
}

fn real_time() -> f64 {
    1.0
}

fn is_real_time(v: &f64) -> bool {
    *v == 1.0
}

/// A light on the shot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Light {
    pub name: String,
    /// The side it comes from, as the shot's opening view sees the set.
    pub from: LightSide,
    /// Absent when not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<LightQuality>,
    /// The colour temperature when one was written (kelvin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kelvin: Option<f64>,
    /// The light's colour, `#rrggbb`: the written colour, the temperature's, or white.
    pub color: String,
    /// 1 is a normal key; 0 to 10.
    pub intensity: f64,
    /// The key light: the one named `key`, else the most intense (the first of equals). Previz
    /// shades figures and props by its side and colour.
    pub key: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LightSide {
    Left,
    Right,
    Front,
    Back,
    Above,
    Below,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LightQuality {
    Hard,
    Soft,
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
    /// A character's identity reference image (or a prop's reference image; `character` is
    /// then the prop's identifier).
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
    /// Indoors: walls and a ceiling, and the weather only seen through the openings. Absent:
    /// outdoors.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interior: bool,
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
    /// Exclusive: where the spoken length ends, cut at the shot's end.
    pub end_frame: Frame,
    /// How long the line takes to say, in milliseconds (not cut at the shot's end).
    pub spoken_ms: u64,
    /// The scratch voice that says it in the previz mix.
    pub scratch_voice: ScratchVoice,
}

/// A scratch voice: eSpeak NG's voice and prosody, and how the line is mixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScratchVoice {
    /// eSpeak NG language voice (`en-us`, `en`, `en-gb-scotland`, `en-029`).
    pub language: String,
    /// eSpeak NG variant (`m3`, `f2`, `whisperf`, `grandpa`, …).
    pub variant: String,
    /// 0–100; 50 is the variant's own.
    pub pitch: u8,
    /// Pitch range, 0–100; 50 is the variant's own.
    pub range: u8,
    /// Words per minute.
    pub rate: u16,
    /// Level relative to the normalised speaking level, in dB.
    pub gain_db: i8,
    pub placement: VoicePlacement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VoicePlacement {
    /// In the scene: with a light room.
    OnScreen,
    /// `(V.O.)`: dry.
    VoiceOver,
    /// `(O.S.)`: band-limited, with the room.
    OffScreen,
}

impl From<&scene_voice::ScratchVoice> for ScratchVoice {
    fn from(v: &scene_voice::ScratchVoice) -> Self {
        ScratchVoice {
            language: v.synth.language.clone(),
            variant: v.synth.variant.clone(),
            pitch: v.synth.pitch,
            range: v.synth.range,
            rate: v.synth.rate,
            gain_db: v.gain_db,
            placement: match v.placement {
                scene_voice::Placement::OnScreen => VoicePlacement::OnScreen,
                scene_voice::Placement::VoiceOver => VoicePlacement::VoiceOver,
                scene_voice::Placement::OffScreen => VoicePlacement::OffScreen,
            },
        }
    }
}

impl From<&ScratchVoice> for scene_voice::ScratchVoice {
    fn from(v: &ScratchVoice) -> Self {
        scene_voice::ScratchVoice {
            synth: scene_voice::SynthParams {
                language: v.language.clone(),
                variant: v.variant.clone(),
                pitch: v.pitch,
                range: v.range,
                rate: v.rate,
            },
            gain_db: v.gain_db,
            placement: match v.placement {
                VoicePlacement::OnScreen => scene_voice::Placement::OnScreen,
                VoicePlacement::VoiceOver => scene_voice::Placement::VoiceOver,
                VoicePlacement::OffScreen => scene_voice::Placement::OffScreen,
            },
        }
    }
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
