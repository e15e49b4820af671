//! Exact frame timing of shots, transitions and scenes (docs/language.md §16).
//!
//! - `cut`: the next shot starts on the frame after the previous one ends.
//! - `dissolve D`, `wipe … D`: the next shot starts D frames before the previous one ends.
//! - `fade D`: no overlap; the previous shot fades out over its last `D/2` frames (rounded
//!   down) and the next fades in over its first `D - D/2`.
//! - `fade to black D` after a shot fades that shot out over its last D frames; it never moves
//!   the next shot.
//!
//! Which joins overlap, and how a fade splits, is decided once, by the typed film's
//! [`film::TransitionKind`]; this module only places shots by it.
//!
//! Scenes join the same way: the checker already gives the first shot of a scene the transition
//! written as the scene's first item. The film's length is the end of its last shot.

use scene_check::film::{self, Film, SceneId};

use crate::schedule::{Frame, FrameCount, SceneSpan, Transition};

/// Where one shot sits in the film.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShotTiming {
    /// Film frame of the shot's first frame.
    pub start: u32,
    pub frames: u32,
    pub transition_in: Transition,
    pub transition_out: Option<Transition>,
}

impl ShotTiming {
    /// Film frame one past the shot's last frame.
    pub fn end(&self) -> u32 {
        self.start + self.frames
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FilmTiming {
    /// In play order, parallel to [`Film::shots`].
    pub shots: Vec<ShotTiming>,
    /// In play order, parallel to [`Film::scenes`].
    pub scenes: Vec<SceneSpan>,
    /// Length of the film.
    pub frames: u32,
}

impl FilmTiming {
    /// Film frame one past the scene's last frame.
    pub fn scene_end(&self, scene: SceneId) -> u32 {
        let span = &self.scenes[scene.index()];
        span.start_frame.0 + span.frames.0
    }

    pub fn scene_start(&self, scene: SceneId) -> u32 {
        self.scenes[scene.index()].start_frame.0
    }
}

/// The schedule's form of a transition: a cut lasts no frames.
pub fn transition(t: &film::Transition) -> Transition {
    let frames = if t.kind == film::TransitionKind::Cut {
        0
    } else {
        t.frames.0
    };
    Transition {
        kind: t.kind.into(),
        frames: FrameCount(frames),
    }
}

pub fn time(film: &Film) -> FilmTiming {
    let mut shots: Vec<ShotTiming> = Vec::with_capacity(film.shots.len());
    for shot in &film.shots {
        let frames = shot.frames.0;
        let transition_out = shot.fade_out.as_ref().map(transition);
        let Some(prev) = shots.last() else {
            // Nothing to join to: the first shot always starts on a cut at frame 0.
            shots.push(ShotTiming {
                start: 0,
                frames,
                transition_in: Transition::CUT,
                transition_out,
            });
            continue;
        };
        let join = film::Transition {
            kind: shot.transition_in.kind.between_shots(),
            ..shot.transition_in
        };
        let mut transition_in = transition(&join);
        // The checker rejects transitions longer than either shot; clamping keeps the arithmetic
        // total for any input anyway.
        let overlap = join.overlap().0.min(prev.frames).min(frames);
        if join.kind.overlaps() {
            transition_in.frames = FrameCount(overlap);
        }
        let start = prev.end() - overlap;
        shots.push(ShotTiming {
            start,
            frames,
            transition_in,
            transition_out,
        });
    }
    let frames = shots.iter().map(ShotTiming::end).max().unwrap_or(0);

    let mut scenes = Vec::with_capacity(film.scenes.len());
    let mut cursor = 0;
    for scene in &film.scenes {
        let span = match (scene.shots.first(), scene.shots.last()) {
            (Some(first), Some(last)) => {
                let start = shots[first.index()].start;
                let end = shots[last.index()].end();
                cursor = end;
                (start, end - start)
            }
            _ => (cursor, 0),
        };
        scenes.push(SceneSpan {
            name: scene.id.clone(),
            location: film.location(scene.location).id.clone(),
            start_frame: Frame(span.0),
            frames: FrameCount(span.1),
        });
    }
    FilmTiming {
        shots,
        scenes,
        frames,
    }
}
