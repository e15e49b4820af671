//! Planning: the typed film becomes a shot graph and one conditioning schedule per shot.
//!
//! Every shot is planned from the film's definitions and its own statements only; the single
//! thing it learns from its neighbours is where it starts in the film (and how long the sounds it
//! starts keep playing), so an edit to one shot changes no other shot's schedule beyond that.

pub mod audio;
pub mod blocking;
pub mod camera;
pub mod focus;
pub mod geometry;
pub mod graph;
pub mod hands;
pub mod lighting;
pub mod lint;
pub mod prompt;
pub mod schedule;
pub mod schema;
pub mod seed;
pub mod speech;
pub mod subtitles;
pub mod timing;
pub mod tokens;
pub mod viewpoint;

use scene_check::film::{Character, Film, Prop, Shot, ShotId, SubjectId};
use scene_voice::{SpeechTiming, TimingSource};
use sha2::{Digest, Sha256};

pub use graph::ShotGraph;
pub use speech::DialogueTiming;

use crate::blocking::StageTracks;
use crate::camera::Rig;
use crate::schedule::{
    FilmSchedule, Frame, FrameCount, Setting, ShotSchedule, Speech, SpeechTimingKind, Subject,
    SubjectKind, SCHEDULE_VERSION,
};
use crate::timing::FilmTiming;

/// Everything the back half of the compiler needs.
#[derive(Clone, Debug)]
pub struct FilmPlan {
    pub schedule: FilmSchedule,
    pub graph: ShotGraph,
    /// Every line's voice and spoken length, with the warnings timing them gave (W0201–W0203):
    /// `scenec check` and the language server report these with the checker's.
    pub dialogue: DialogueTiming,
}

/// Plans an error-free film; `speech` gives each line of dialogue its spoken length (the
/// scratch voices, or the reading-speed estimate without a speech engine).
pub fn plan(film: &Film, speech: &dyn SpeechTiming) -> FilmPlan {
    let timing = timing::time(film);
    let dialogue = speech::time(film, speech);
    let shots: Vec<ShotSchedule> = (0..film.shots.len())
        .map(|i| plan_shot(film, &timing, &dialogue, ShotId(i as u32)))
        .collect();
    let schedule = FilmSchedule {
        version: SCHEDULE_VERSION,
        title: film.title.clone(),
        fps: film.fps.0,
        width: film.size.width,
        height: film.size.height,
        frames: FrameCount(timing.frames),
        scenes: timing.scenes.clone(),
        shots,
        audio: audio::film_audio(film, &timing),
        loudness_lufs: film.loudness.0,
        speech: match &dialogue.source {
            TimingSource::Engine { engine } => Speech {
                timing: SpeechTimingKind::Measured,
                engine: Some(engine.clone()),
            },
            TimingSource::Estimate { .. } => Speech {
                timing: SpeechTimingKind::ReadingEstimate,
                engine: None,
            },
        },
    };
    let graph = ShotGraph::build(&schedule);
    FilmPlan {
        schedule,
        graph,
        dialogue,
    }
}

/// Width over height; a degenerate size (the checker rejects it) plans as 3:2.
pub(crate) fn aspect(film: &Film) -> f64 {
    if film.size.width == 0 || film.size.height == 0 {
        1.5
    } else {
        film.size.width as f64 / film.size.height as f64
    }
}

fn plan_shot(
    film: &Film,
    timing: &FilmTiming,
    dialogue: &DialogueTiming,
    id: ShotId,
) -> ShotSchedule {
    let shot = film.shot(id);
    let t = timing.shots[id.index()];
    let fps = film.fps.0;
    let aspect = aspect(film);
    let seed = seed::shot_seed(film.seed, shot);

    let rig = Rig::of(film, shot);
    let tracks = blocking::tracks(film, shot, &rig, aspect, fps);
    let mut camera = camera::track(shot, &rig, &StageTracks(&tracks), aspect, fps, seed);
    focus::apply(shot, &rig, &tracks, fps, &mut camera);
    let camera_text = camera::describe(film, shot, &rig, fps);
    let mut subjects: Vec<Subject> = tracks
        .iter()
        .map(|track| {
            let boxes = blocking::boxes(track, &camera, aspect);
            match track.subject {
                SubjectId::Character(id) => {
                    let c = film.character(id);
                    Subject {
                        kind: SubjectKind::Character,
                        character: c.id.clone(),
                        name: c.name.clone(),
                        color: character_color(c),
                        description: c.description.clone(),
                        dimensions_m: None,
                        boxes,
                        view_deg: None,
                    }
                }
                SubjectId::Prop(id) => {
                    let p = film.prop(id);
                    Subject {
                        kind: SubjectKind::Prop,
                        character: p.id.clone(),
                        name: p.id.replace('_', " "),
                        color: prop_color(p),
                        description: p.description.clone(),
                        dimensions_m: Some([p.dimensions.width.0, p.dimensions.height.0]),
                        boxes,
                        view_deg: None,
                    }
                }
            }
        })
        .collect();

    if viewpoint::states_a_side(shot) {
        for (subject, track) in subjects.iter_mut().zip(&tracks) {
            subject.view_deg = Some(viewpoint::view_degrees(shot, &rig, track, &tracks, &camera));
        }
    }
    let resolved = prompt::resolve(film, shot);
    let location = film.location(film.scene(shot.scene).location);
    let setting = Setting {
        location: location.id.clone(),
        description: location.description.clone(),
        time: time_name(location.time).to_string(),
        weather: weather_name(location.weather).to_string(),
        interior: location.setting == scene_check::film::Setting::Interior,
    };
    let lights = lighting::resolve(film, shot);
    let context = prompt::Context {
        style: &resolved.style,
        location: &location.description,
        setting: prompt::setting_words(location),
        lighting: lighting::words(&lights),
        camera: &camera_text,
        speed: prompt::speed_words(shot.speed.0),
    };
    let events: Vec<u32> = subjects
        .iter()
        .flat_map(|s| arrivals(&s.boxes))
        .chain(
            shot.holds
                .iter()
                .flat_map(|h| std::iter::once(h.start.0).chain(h.end.map(|e| e.0))),
        )
        .collect();
    let keys = prompt::keyframes(shot, &events);
    let prompt_keyframes = keys
        .iter()
        .enumerate()
        .map(|(i, (frame, shot_text))| {
            // A keyframe spans the frames up to the next one; a subject in frame at any of
            // them is in its prompt.
            let end = keys.get(i + 1).map_or(t.frames, |k| k.0).max(frame + 1);
            let in_frame: Vec<String> = subjects
                .iter()
                .filter(|s| {
                    s.boxes
                        .get(*frame as usize..(end as usize).min(s.boxes.len()))
                        .is_some_and(|span| span.iter().any(|b| blocking::in_frame(*b)))
                })
                .map(|s| match s.kind {
                    SubjectKind::Character => format!("{}: {}", s.name, s.description),
                    SubjectKind::Prop => s.description.clone(),
                })
                .collect();
            let mut actions = actions_by(film, shot, *frame);
            actions.extend(prompt::hands_words(film, shot, *frame));
            let text = prompt::compose(
                &context,
                &prompt::Particular {
                    shot_text,
                    actions: &actions,
                    in_frame: &in_frame,
                },
            );
            prompt::keyframe(*frame, text, shot_text.clone())
        })
        .collect();
    let key_frames: Vec<u32> = keys.iter().map(|k| k.0).collect();

    let subject_ids: Vec<_> = tracks.iter().map(|t| t.subject).collect();
    ShotSchedule {
        name: shot.id.clone(),
        scene: film.scene(shot.scene).id.clone(),
        start_frame: Frame(t.start),
        frames: FrameCount(t.frames),
        seed,
        transition_in: t.transition_in,
        transition_out: t.transition_out,
        prompt_keyframes,
        prompt_weights: prompt::weights(&key_frames, t.frames),
        negative: resolved.negative,
        camera,
        camera_text,
        subjects,
        conditioning: audio::conditioning(film, shot, &subject_ids),
        continues: shot.continues.map(|c| film.shot(c.shot).id.clone()),
        guidance: resolved.guidance,
        strength: resolved.strength,
        steps: resolved.steps,
        setting,
        look: resolved.info,
        audio: audio::shot_audio(film, timing, id),
        dialogue: audio::dialogue(film, shot, &dialogue.shots[id.index()]),
        titles: audio::titles(shot),
        lights,
        speed: shot.speed.0,
        depth: depth_name(shot.depth),
    }
}

/// "Name action" for the actions each subject holds at `frame`: those it started last by then
/// (an action holds until the same subject's next; actions written for one time hold
/// together), in the order of their start.
fn actions_by(film: &Film, shot: &Shot, frame: u32) -> Vec<String> {
    let started: Vec<_> = shot.actions.iter().filter(|a| a.frame.0 <= frame).collect();
    started
        .iter()
        .filter(|a| {
            !started
                .iter()
                .any(|later| later.subject == a.subject && later.frame > a.frame)
        })
        .map(|a| format!("{} {}", film.subject_name(a.subject), a.text.trim()))
        .collect()
}

/// Frames after the first at which a subject comes into view (its box overlaps the frame and did
/// not on the frame before).
fn arrivals(boxes: &[[f64; 4]]) -> impl Iterator<Item = u32> + '_ {
    boxes.windows(2).enumerate().filter_map(|(i, pair)| {
        (!blocking::in_frame(pair[0]) && blocking::in_frame(pair[1])).then_some(i as u32 + 1)
    })
}

/// The written colour, else a palette colour chosen by a hash of the prop's identifier.
fn prop_color(p: &Prop) -> String {
    match p.color {
        Some(color) => color.hex(),
        None => {
            let digest = Sha256::digest(p.id.as_bytes());
            PALETTE[digest[0] as usize % PALETTE.len()].to_string()
        }
    }
}

/// Colours for characters and props that name none: distinct, readable on sky and ground.
const PALETTE: [&str; 8] = [
    "#d62828", "#1d70b8", "#2a9d55", "#e09f1f", "#8e44ad", "#e76f51", "#1b998b", "#6c757d",
];

/// The written colour, else a palette colour chosen by a hash of the character's identifier (so
/// it never depends on which other characters exist).
fn character_color(c: &Character) -> String {
    match c.color {
        Some(color) => color.hex(),
        None => {
            let digest = Sha256::digest(c.id.as_bytes());
            PALETTE[digest[0] as usize % PALETTE.len()].to_string()
        }
    }
}

/// The schedule's name of a shot's `depth`.
fn depth_name(d: scene_check::film::Depth) -> schedule::Depth {
    match d {
        scene_check::film::Depth::Shallow => schedule::Depth::Shallow,
        scene_check::film::Depth::Normal => schedule::Depth::Normal,
        scene_check::film::Depth::Deep => schedule::Depth::Deep,
    }
}

fn time_name(t: scene_check::film::TimeOfDay) -> &'static str {
    use scene_check::film::TimeOfDay::*;
    match t {
        Dawn => "dawn",
        Day => "day",
        Dusk => "dusk",
        Night => "night",
    }
}

fn weather_name(w: scene_check::film::Weather) -> &'static str {
    use scene_check::film::Weather::*;
    match w {
        Clear => "clear",
        Rain => "rain",
        Snow => "snow",
        Fog => "fog",
    }
}
