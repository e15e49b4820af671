//! Audio cues: `play` and `stop`, in a scene (at its start and end) or in a shot (at a time in
//! it), of a defined sound or an audio file.

use scene_syntax::ast::{self, SoundTarget};
use scene_syntax::Span;

use crate::assets::Want;
use crate::blocking::{self, ShotTime};
use crate::context::Cx;
use crate::film::{AudioSource, Film, PlayCue, SoundId, StopCue};
use crate::names::Kind;
use crate::units::{Frames, Gain};
use crate::values::{self as v, Slot};

/// The sound a cue names, with the gain it plays at unless the cue gives one.
fn audio_source(cx: &mut Cx, target: &SoundTarget, film: &Film) -> Option<(AudioSource, f64)> {
    match target {
        SoundTarget::Name(ident) => {
            let id = cx.resolve(Kind::Sound, ident, false)?;
            let gain = film
                .sounds
                .get(id as usize)
                .map(|s| s.gain.0)
                .unwrap_or(0.0);
            Some((AudioSource::Sound(SoundId(id)), gain))
        }
        SoundTarget::Asset(lit) => {
            let dir = cx.dir_of(lit.span.file);
            let asset = cx.assets.resolve(lit, &dir, Want::Audio, &mut cx.diags)?;
            Some((AudioSource::Asset(asset), 0.0))
        }
    }
}

/// `[at T] play SOUND [GAIN] [fade in D]`; `shot` is `None` for a scene's cue, which starts with
/// the scene.
pub fn play_cue(
    cx: &mut Cx,
    cue: &ast::PlayCue,
    shot: Option<&ShotTime>,
    film: &Film,
) -> Option<PlayCue> {
    let frame = match (&cue.at, shot) {
        (Some(t), Some(shot)) => blocking::time_point(t, shot, &mut cx.diags)?,
        _ => 0,
    };
    let gain = match &cue.gain {
        Some(g) => Some(v::gain(g, Slot::new("`play`", "-6dB"), &mut cx.diags)?),
        None => None,
    };
    let fade_in = match &cue.fade_in {
        Some(d) => v::duration_or_zero(d, Slot::new("`fade in`", "2s"), cx.fps, &mut cx.diags)?,
        None => Frames(0),
    };
    let (source, own) = audio_source(cx, &cue.sound, film)?;
    let span = cue_span(&cue.sound);
    Some(PlayCue {
        source,
        frame: Frames(frame),
        gain: Gain(gain.unwrap_or(own)),
        fade_in,
        span,
    })
}

/// `[at T] stop SOUND [fade out D]`; `shot` is `None` for a scene's cue, whose frame the scene
/// sets once its length is known.
pub fn stop_cue(
    cx: &mut Cx,
    cue: &ast::StopCue,
    shot: Option<&ShotTime>,
    film: &Film,
) -> Option<StopCue> {
    let frame = match (&cue.at, shot) {
        (Some(t), Some(shot)) => blocking::time_point(t, shot, &mut cx.diags)?,
        _ => 0,
    };
    let fade_out = match &cue.fade_out {
        Some(d) => v::duration_or_zero(d, Slot::new("`fade out`", "2s"), cx.fps, &mut cx.diags)?,
        None => Frames(0),
    };
    let (source, _) = audio_source(cx, &cue.sound, film)?;
    Some(StopCue {
        source,
        frame: Frames(frame),
        fade_out,
        span: cue_span(&cue.sound),
    })
}

fn cue_span(target: &SoundTarget) -> Span {
    match target {
        SoundTarget::Name(i) => i.span,
        SoundTarget::Asset(l) => l.span,
    }
}
