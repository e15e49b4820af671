//! What the two model backends (`ltx` in `crate::ltx`, `ltx2` in `crate::ltx2`) share around a
//! generation: the device they run on by default, their errors (a model folder that cannot be
//! used, a shot that cannot be rendered), one generation at a time, and the generated video cut
//! back to the shot.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use scene_model::error::ModelError;
use scene_model::pipeline::RgbFrame as ModelFrame;
use scene_model::ComputeDevice;
use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_previz::backend::Progress;
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;

use super::size::{self, Size};

/// A build with the `cuda` feature exists to run on the GPU; every other build runs on the CPU.
#[cfg(feature = "cuda")]
pub const DEFAULT_DEVICE: ComputeDevice = ComputeDevice::Cuda(0);
#[cfg(not(feature = "cuda"))]
pub const DEFAULT_DEVICE: ComputeDevice = ComputeDevice::Cpu;

/// Why a model folder cannot be used. Raised before any shot renders.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the {model} model folder {}: {message}", dir.display())]
pub struct OpenError {
    /// The model the folder should hold: `LTX-Video` or `LTX-2`.
    pub model: &'static str,
    pub dir: PathBuf,
    pub message: String,
}

impl OpenError {
    /// Checks that `dir` is a folder at all, before the model crate looks inside it; the
    /// returned closure names `dir` in every later error.
    pub fn checked<'a>(
        model: &'static str,
        dir: &'a Path,
    ) -> Result<impl Fn(String) -> OpenError + 'a, OpenError> {
        let fail = move |message: String| OpenError {
            model,
            dir: dir.to_path_buf(),
            message,
        };
        if !dir.exists() {
            return Err(fail("it does not exist".into()));
        }
        if !dir.is_dir() {
            return Err(fail("it is not a directory".into()));
        }
        Ok(fail)
    }
}

/// A shot that `backend` could not render, and why.
pub fn shot_error(backend: &str, shot: &str, e: impl std::fmt::Display) -> RenderError {
    RenderError::Backend {
        backend: backend.into(),
        shot: shot.into(),
        message: e.to_string(),
    }
}

/// Held while a shot generates, whatever `--jobs` says: the model already uses every core, and
/// two transformers side by side would double the peak memory.
#[derive(Default)]
pub struct OneAtATime(Mutex<()>);

impl OneAtATime {
    /// Runs `generate` alone, reporting its denoising steps to `progress`. A cancelled
    /// generation is [`RenderError::Interrupted`]; any other model error names the shot.
    pub fn generate<T>(
        &self,
        backend: &str,
        shot: &str,
        progress: Progress<'_>,
        generate: impl FnOnce(&mut dyn FnMut(usize, usize)) -> Result<T, ModelError>,
    ) -> Result<T, RenderError> {
        // A panic elsewhere cannot leave the model in a bad state: the lock guards no data.
        let _one_at_a_time = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut report = |done: usize, total: usize| progress(done as u64, total as u64);
        match generate(&mut report) {
            Ok(out) => Ok(out),
            Err(ModelError::Cancelled) => Err(RenderError::Interrupted),
            Err(e) => Err(shot_error(backend, shot, e)),
        }
    }
}

/// The generated frames as the film shows them: the shot's own count (the model generates
/// 8k+1 frames, the surplus is dropped from the end), cropped to the film's size.
pub fn film_frames(
    backend: &str,
    film: &FilmSchedule,
    shot: &ShotSchedule,
    frames: Vec<ModelFrame>,
) -> Result<Vec<RgbFrame>, RenderError> {
    let wanted = shot.frames.0 as usize;
    if frames.len() < wanted {
        return Err(shot_error(
            backend,
            &shot.name,
            format!(
                "the model returned {} frames, {wanted} needed",
                frames.len()
            ),
        ));
    }
    let film_size = Size::new(film.width, film.height);
    Ok(frames
        .into_iter()
        .take(wanted)
        .map(|f| size::to_film(f, film_size))
        .collect())
}
