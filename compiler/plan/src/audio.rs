//! Sound, dialogue, titles and image conditioning: the parts of a schedule that are events in
//! time rather than per-frame tracks.
//!
//! A `play` lasts until the first `stop` of the same sound after it in the same scene, or the
//! scene's end (a scene-level `stop` ends it at the scene's end with its fade). A shot cue's
//! `frames` therefore reaches past its own shot when the sound keeps playing: editing a later
//! shot of the same scene (its length) changes that number, and nothing else in the cue's shot.
//! Inline assets take the role their place implies: sfx in a shot, music at scene level.
//!
//! A sound whose role is ambience loops for its whole extent, whether it is a location's
//! `ambience` or `play`ed (LANGUAGE.md §7.6): until its `stop` or its scene's end.

use scene_check::film::{AudioSource, Film, PlayCue, SceneId, Shot, ShotId, StopCue};

use crate::schedule::{
    AudioEvent, Conditioning, ConditioningSource, DialogueLine, FilmAudioEvent, Frame, FrameCount,
    ScratchVoice, SoundRole, Title,
};
use crate::speech::TimedLine;
use crate::timing::FilmTiming;

/// Strength of a character's identity reference image. It steers likeness without pinning the
/// first frame to the reference's pose and framing, which a strength of 1.0 would.
pub const REFERENCE_STRENGTH: f64 = 0.5;

/// What identifies "the same sound" for a `stop`.
fn same_sound(a: &AudioSource, b: &AudioSource) -> bool {
    match (a, b) {
        (AudioSource::Sound(x), AudioSource::Sound(y)) => x == y,
        (AudioSource::Asset(x), AudioSource::Asset(y)) => x.path == y.path,
        _ => false,
    }
}

struct Resolved {
    sound: String,
    asset: String,
    role: SoundRole,
}

fn resolve(film: &Film, source: &AudioSource, inline_role: SoundRole) -> Resolved {
    match source {
        AudioSource::Sound(id) => {
            let s = film.sound(*id);
            let role = match s.role {
                scene_check::film::SoundRole::Music => SoundRole::Music,
                scene_check::film::SoundRole::Sfx => SoundRole::Sfx,
                scene_check::film::SoundRole::Ambience => SoundRole::Ambience,
            };
            Resolved {
                sound: s.id.clone(),
                asset: s.asset.path.clone(),
                role,
            }
        }
        AudioSource::Asset(a) => Resolved {
            sound: a.path.clone(),
            asset: a.path.clone(),
            role: inline_role,
        },
    }
}

/// Film frame where a cue starting at film frame `start` in `scene` stops, and its fade-out.
fn stop_of(
    film: &Film,
    timing: &FilmTiming,
    scene: SceneId,
    source: &AudioSource,
    start: u32,
) -> (u32, u32) {
    let scene_end = timing.scene_end(scene);
    let mut best: Option<(u32, u32)> = None;
    let mut consider = |at: u32, stop: &StopCue| {
        if at > start && same_sound(&stop.source, source) && best.is_none_or(|(b, _)| at < b) {
            best = Some((at, stop.fade_out.0));
        }
    };
    for shot_id in &film.scene(scene).shots {
        let shot = film.shot(*shot_id);
        let shot_start = timing.shots[shot_id.index()].start;
        for stop in &shot.stops {
            consider(shot_start + stop.frame.0, stop);
        }
    }
    for stop in &film.scene(scene).stops {
        consider(scene_end, stop);
    }
    let (end, fade) = best.unwrap_or((scene_end, 0));
    (end.min(scene_end), fade)
}

struct Cue {
    resolved: Resolved,
    start: u32,
    frames: u32,
    gain_db: f64,
    fade_in: u32,
    fade_out: u32,
}

fn cue(
    film: &Film,
    timing: &FilmTiming,
    scene: SceneId,
    play: &PlayCue,
    start: u32,
    inline_role: SoundRole,
) -> Cue {
    let (end, fade_out) = stop_of(film, timing, scene, &play.source, start);
    Cue {
        resolved: resolve(film, &play.source, inline_role),
        start,
        frames: end.saturating_sub(start),
        gain_db: play.gain.0,
        fade_in: play.fade_in.0,
        fade_out,
    }
}

/// The cues written in a shot, in shot frames.
pub fn shot_audio(film: &Film, timing: &FilmTiming, id: ShotId) -> Vec<AudioEvent> {
    let shot = film.shot(id);
    let shot_start = timing.shots[id.index()].start;
    shot.plays
        .iter()
        .map(|play| {
            let c = cue(
                film,
                timing,
                shot.scene,
                play,
                shot_start + play.frame.0,
                SoundRole::Sfx,
            );
            AudioEvent {
                sound: c.resolved.sound,
                asset: c.resolved.asset,
                role: c.resolved.role,
                start_frame: Frame(play.frame.0),
                frames: FrameCount(c.frames),
                gain_db: c.gain_db,
                fade_in_frames: FrameCount(c.fade_in),
                fade_out_frames: FrameCount(c.fade_out),
            }
        })
        .collect()
}

/// The whole film's sound in film frames: per scene its location's ambience (the whole
/// scene), its scene-level plays, then its shots' cues; sorted by start frame (stable).
pub fn film_audio(film: &Film, timing: &FilmTiming) -> Vec<FilmAudioEvent> {
    let mut out = Vec::new();
    let event = |c: Cue| FilmAudioEvent {
        looped: c.resolved.role == SoundRole::Ambience,
        sound: c.resolved.sound,
        asset: c.resolved.asset,
        role: c.resolved.role,
        start_frame: Frame(c.start),
        frames: FrameCount(c.frames),
        gain_db: c.gain_db,
        fade_in_frames: FrameCount(c.fade_in),
        fade_out_frames: FrameCount(c.fade_out),
    };
    for (index, scene) in film.scenes.iter().enumerate() {
        let id = SceneId(index as u32);
        let start = timing.scene_start(id);
        let frames = timing.scene_end(id) - start;
        if let Some(ambience) = &film.location(scene.location).ambience {
            let mut resolved = resolve(film, &ambience.source, SoundRole::Ambience);
            resolved.role = SoundRole::Ambience;
            out.push(event(Cue {
                resolved,
                start,
                frames,
                gain_db: ambience.gain.0,
                fade_in: 0,
                fade_out: 0,
            }));
        }
        for play in &scene.plays {
            out.push(event(cue(film, timing, id, play, start, SoundRole::Music)));
        }
        for shot_id in &scene.shots {
            let shot = film.shot(*shot_id);
            let shot_start = timing.shots[shot_id.index()].start;
            for play in &shot.plays {
                out.push(event(cue(
                    film,
                    timing,
                    id,
                    play,
                    shot_start + play.frame.0,
                    SoundRole::Sfx,
                )));
            }
        }
    }
    out.sort_by_key(|e| e.start_frame);
    out
}

/// The shot's lines with the times [`crate::speech`] gave them (parallel to
/// `shot.dialogue`), sorted by start (the order written breaks ties).
pub fn dialogue(film: &Film, shot: &Shot, timed: &[TimedLine]) -> Vec<DialogueLine> {
    let mut lines: Vec<DialogueLine> = shot
        .dialogue
        .iter()
        .zip(timed)
        .map(|(line, t)| {
            let c = film.character(line.character);
            DialogueLine {
                character: c.id.clone(),
                name: c.name.clone(),
                text: line.text.clone(),
                voice: c.voice.clone().unwrap_or_default(),
                parenthetical: line.parenthetical.clone(),
                off_screen: line.off_screen,
                start_frame: Frame(t.start),
                end_frame: Frame(t.end.min(shot.frames.0)),
                spoken_ms: t.spoken.millis(),
                scratch_voice: ScratchVoice::from(&t.voice),
            }
        })
        .collect();
    lines.sort_by_key(|l| l.start_frame);
    lines
}

pub fn titles(shot: &Shot) -> Vec<Title> {
    shot.titles
        .iter()
        .map(|t| Title {
            text: t.text.clone(),
            start_frame: Frame(t.start.0),
            end_frame: Frame(t.end.0),
        })
        .collect()
}

/// `continues` (the upstream shot's last frame, full strength, at frame 0), the identity
/// references of the shot's subjects (frame 0, [`REFERENCE_STRENGTH`]), then image keyframes
/// (full strength, at their frames); sorted by frame, stable.
pub fn conditioning(
    film: &Film,
    shot: &Shot,
    subjects: &[scene_check::film::SubjectId],
) -> Vec<Conditioning> {
    let mut out = Vec::new();
    if let Some(c) = &shot.continues {
        out.push(Conditioning {
            frame: Frame(0),
            source: ConditioningSource::LastFrameOf {
                shot: film.shot(c.shot).id.clone(),
            },
            strength: 1.0,
        });
    }
    for id in subjects {
        let reference = match *id {
            scene_check::film::SubjectId::Character(c) => film.character(c).reference.as_ref(),
            scene_check::film::SubjectId::Prop(p) => film.prop(p).reference.as_ref(),
        };
        if let Some(r) = reference {
            out.push(Conditioning {
                frame: Frame(0),
                source: ConditioningSource::Reference {
                    character: film.subject_id(*id).to_string(),
                    path: r.path.clone(),
                    sha256: r.sha256.clone(),
                },
                strength: REFERENCE_STRENGTH,
            });
        }
    }
    for k in &shot.keyframes {
        out.push(Conditioning {
            frame: Frame(k.frame.0),
            source: ConditioningSource::Image {
                path: k.image.path.clone(),
                sha256: k.image.sha256.clone(),
            },
            strength: 1.0,
        });
    }
    out.sort_by_key(|c| c.frame);
    out
}
