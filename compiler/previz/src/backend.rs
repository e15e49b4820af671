//! The backend trait: how a shot's schedule becomes frames.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use scene_plan::schedule::{FilmSchedule, ShotSchedule};

use crate::error::RenderError;
use crate::frame::RgbFrame;
use crate::sound::StereoBuffer;

/// What identifies a backend in a cache key: its name, a fingerprint of its weights (empty for
/// previz) and every setting that changes its output.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BackendIdentity {
    pub name: String,
    pub weights_fingerprint: String,
    pub settings: String,
}

/// Inputs of a shot that come from outside its schedule.
pub struct ShotInputs<'a> {
    /// Project root; every path in the schedule is relative to it.
    pub project_root: &'a Path,
    /// For `continues`: the last frame of the upstream shot, already rendered.
    pub continued_frame: Option<&'a RgbFrame>,
}

/// Progress of one shot, in the backend's own units (frames for previz, denoising steps for ltx).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Where a streaming backend puts each frame, in order. An error stops the render.
pub type FrameSink<'a> = &'a mut dyn FnMut(RgbFrame) -> Result<(), RenderError>;

pub trait Backend: Send + Sync {
    fn identity(&self) -> BackendIdentity;

    /// Render every frame of `shot` at the film's size. Must be deterministic: the same schedule
    /// and inputs give the same frames, whatever thread or order it runs in.
    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
    ) -> Result<Vec<RgbFrame>, RenderError>;

    /// [`Backend::render_shot`], stopping with [`RenderError::Interrupted`] soon after `cancel`
    /// is set. The render pipeline calls this one. Backends that can stop between units of work
    /// (previz between frames) override it; the default only checks before and after the shot.
    fn render_shot_cancellable(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let frames = self.render_shot(film, shot, inputs, progress)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        Ok(frames)
    }

    /// [`Backend::render_shot_cancellable`], handing each frame to `sink` in order as soon as
    /// it is ready, so that the pipeline encodes while the backend renders. The default
    /// renders the whole shot first; backends that make frames one by one override it.
    fn render_shot_streaming(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        sink: FrameSink<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        for frame in self.render_shot_cancellable(film, shot, inputs, progress, cancel)? {
            sink(frame)?;
        }
        Ok(())
    }

    /// True for a backend that generates each shot's sound with its picture: the pipeline then
    /// calls [`Backend::render_shot_with_sound`], caches the sound with the shot and mixes it
    /// into the film (`scene_render::audio::AudioMix::with_shot_sounds`).
    fn generates_sound(&self) -> bool {
        false
    }

    /// What this backend reads from `shot` beyond the fields the cache key already holds
    /// (`scene_render::cache::keyed_schedule_json`), as text for the key. Empty by default.
    fn key_extra(&self, _shot: &ShotSchedule) -> String {
        String::new()
    }

    /// [`Backend::render_shot_streaming`], returning the shot's generated sound (interleaved
    /// stereo at [`crate::sound::SAMPLE_RATE`], exactly as long as the shot) when
    /// [`Backend::generates_sound`] is true. The default generates none.
    fn render_shot_with_sound(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        sink: FrameSink<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<Option<StereoBuffer>, RenderError> {
        self.render_shot_streaming(film, shot, inputs, sink, progress, cancel)?;
        Ok(None)
    }
}
