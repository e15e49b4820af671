//! The `ltx2` backend: each shot's picture and sound generated together by LTX-2 (the
//! `scene-model` crate's `ltx2` module).
//!
//! - The prompt ([`prompt::compose`]): the first prompt keyframe's composed text, the later
//!   keyframes' own text as what happens next, the dialogue as quoted speech with its speaker,
//!   voice and parenthetical (LTX-2 speaks what its prompt quotes), and the shot's sound cues.
//!   LTX-2 takes one prompt per generation, so keyframes do not travel as they do for `ltx`.
//! - `continues` → an image condition at latent frame 0: the upstream shot's last frame.
//! - `keyframe at T "img"` → an image condition at the latent boundary nearest T inside the
//!   shot ([`crate::ltx::timeline::condition_frame`]), the image scaled to cover the video.
//! - The recipe: a shot with guidance above 1 runs the full model's schedule for its `steps`
//!   with classifier-free guidance at its `guidance` for the picture (the sound keeps
//!   LTX-2's own 7), spatio-temporal and modality guidance as `LTX2Pipeline` does; guidance 1 or
//!   less runs the distilled checkpoints' eight sigmas without guidance.
//! - Frame counts and sizes as for `ltx`: the next 8k+1 frames and the next multiple of 32 up,
//!   surplus frames dropped from the end and the picture cropped back to the film's size.
//! - The sound: the model's waveform, resampled to 48 kHz if the vocoder makes another rate,
//!   cut (or padded with silence) to the shot's length. The film's mix places it under the
//!   shot ([`crate::audio::AudioMix::with_shot_sounds`] states the rule).
//! - One shot generates at a time, as for `ltx`.
//!
//! `docs/model.md` describes the mapping for users.

pub mod prompt;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use scene_model::ltx2::{ImageCondition, Ltx2Options, Ltx2Pipeline, Ltx2Request};
use scene_model::pipeline::video_to_frames;
use scene_model::vae::Tiling;
use scene_model::ComputeDevice;
use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_previz::backend::{Backend, BackendIdentity, FrameSink, Progress, ShotInputs};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;

use crate::audio::{frame_to_sample, StereoBuffer, SAMPLE_RATE};
pub use crate::ltx::generation::OpenError;
use crate::ltx::generation::{self, OneAtATime, DEFAULT_DEVICE};
use crate::ltx::size::{self, Size};
use crate::ltx::{conditioning, timeline};

/// Bumped whenever the mapping from schedule to request changes what a shot looks or sounds
/// like.
const MAPPING_VERSION: u32 = 1;

/// What its model folder holds, as its errors name it.
const MODEL: &str = "LTX-2";

/// The backend's name: in its identity, and in every error about a shot.
const NAME: &str = "ltx2";

/// Settings that are not in the schedule. All of them enter the cache key.
#[derive(Clone, Debug, PartialEq)]
pub struct Ltx2Settings {
    /// Overrides every guided shot's `steps`.
    pub steps_override: Option<u32>,
    pub device: ComputeDevice,
    /// The video VAE decodes in tiles once a clip is larger than one tile.
    pub vae_tiling: Tiling,
}

impl Default for Ltx2Settings {
    fn default() -> Self {
        Ltx2Settings {
            steps_override: None,
            device: DEFAULT_DEVICE,
            vae_tiling: Tiling::default(),
        }
    }
}

pub struct Ltx2Backend {
    pipeline: Ltx2Pipeline,
    fingerprint: String,
    settings: Ltx2Settings,
    /// One generation at a time bounds memory.
    generating: OneAtATime,
}

fn shot_err(shot: &str, e: impl std::fmt::Display) -> RenderError {
    generation::shot_error(NAME, shot, e)
}

/// A shot's generation: its picture (film-sized, exactly the shot's frames) and its sound.
pub struct ShotOutput {
    pub frames: Vec<RgbFrame>,
    pub sound: StereoBuffer,
}

impl Ltx2Backend {
    /// Opens an LTX-2 folder (diffusers layout) and checks every component before any work:
    /// configs, how they fit together, every weight file's header and the tokenizer. Prompt
    /// embeddings are cached under `cache_dir/embeddings`.
    pub fn open(
        model_dir: &Path,
        cache_dir: &Path,
        settings: Ltx2Settings,
    ) -> Result<Ltx2Backend, OpenError> {
        let fail = OpenError::checked(MODEL, model_dir)?;
        let options = Ltx2Options {
            device: settings.device,
            cache_dir: Some(cache_dir.join("embeddings")),
            tiling: Some(settings.vae_tiling),
            dtype: None,
        };
        let pipeline = Ltx2Pipeline::open(model_dir, options).map_err(|e| fail(e.to_string()))?;
        let fingerprint = pipeline
            .folder()
            .fingerprint()
            .map_err(|e| fail(e.to_string()))?;
        Ok(Ltx2Backend {
            pipeline,
            fingerprint,
            settings,
            generating: OneAtATime::default(),
        })
    }

    /// The request for one shot (public for tests and for inspection).
    pub fn request(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
    ) -> Result<Ltx2Request, RenderError> {
        let shot_frames = shot.frames.0.max(1) as usize;
        let num_frames = timeline::generated_frames(shot_frames);
        let gen = size::for_generation(Size::new(film.width, film.height));
        let text = prompt::compose(shot);
        let mut req = if shot.guidance > 1.0 {
            let mut req = Ltx2Request::full(gen.width, gen.height, num_frames, &text, shot.seed);
            let steps = self.settings.steps_override.unwrap_or(shot.steps).max(1);
            req.sigmas = scene_model::ltx2::SigmaSource::Steps(steps as usize);
            req.video_guidance.cfg = shot.guidance;
            req.stg_blocks = self.pipeline.default_stg_blocks();
            req
        } else {
            Ltx2Request::distilled(gen.width, gen.height, num_frames, &text, shot.seed)
        };
        req.frame_rate = film.fps as f32;
        req.negative = shot.negative.clone();
        let latent_of = |pixel_frame: usize| (pixel_frame / timeline::FRAMES_PER_LATENT) as i64;
        req.conditions.extend(
            conditioning::images(NAME, shot, inputs, gen)?
                .into_iter()
                .map(|c| ImageCondition {
                    image: c.image,
                    latent_index: latent_of(c.frame),
                    strength: c.strength,
                }),
        );
        self.pipeline
            .validate(&req)
            .map_err(|e| shot_err(&shot.name, e))?;
        Ok(req)
    }

    /// Generate one shot's picture and sound, stopping between denoising steps once `cancel`
    /// is set.
    pub fn generate(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<ShotOutput, RenderError> {
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let req = self.request(film, shot, inputs)?;
        let out = self
            .generating
            .generate(NAME, &shot.name, progress, |report| {
                self.pipeline.generate(&req, report, cancel)
            })?;
        let frames = video_to_frames(&out.video).map_err(|e| shot_err(&shot.name, e))?;
        let frames = generation::film_frames(NAME, film, shot, frames)?;
        let channels = out.waveform().map_err(|e| shot_err(&shot.name, e))?;
        let length = frame_to_sample(u64::from(shot.frames.0), film.fps) as usize;
        let sound = to_film_sound(&channels, out.sample_rate, length)
            .map_err(|e| shot_err(&shot.name, e))?;
        Ok(ShotOutput { frames, sound })
    }
}

/// Interleaved stereo at [`SAMPLE_RATE`], exactly `length` samples per channel: one channel is
/// played on both sides, other rates are resampled by linear interpolation (the vocoders of the
/// published checkpoints make 24 or 48 kHz, so this is the identity or an exact 2x), and a
/// waveform shorter than the shot ends in silence.
pub fn to_film_sound(
    channels: &[Vec<f32>],
    rate: usize,
    length: usize,
) -> Result<StereoBuffer, String> {
    if rate == 0 {
        return Err("the vocoder reports a sampling rate of 0".into());
    }
    let (left, right) = match channels {
        [mono] => (mono, mono),
        [l, r, ..] => (l, r),
        [] => return Err("the model generated no sound".into()),
    };
    if left.is_empty() || right.is_empty() {
        return Err("the model generated no sound".into());
    }
    // A diverged generation; the encoder would refuse it with a vaguer message.
    if left.iter().chain(right.iter()).any(|v| !v.is_finite()) {
        return Err(
            "the model's sound is not finite (NaN or infinity): the generation diverged".into(),
        );
    }
    let n = left.len().min(right.len());
    let at = |ch: &[f32], i: usize| -> f32 {
        if rate == SAMPLE_RATE as usize {
            return ch.get(i).copied().unwrap_or(0.0);
        }
        // Position of output sample i in the waveform, in exact rational arithmetic.
        let num = i as u64 * rate as u64;
        let (k, frac) = (
            (num / u64::from(SAMPLE_RATE)) as usize,
            (num % u64::from(SAMPLE_RATE)) as f32 / SAMPLE_RATE as f32,
        );
        if k >= n {
            return 0.0;
        }
        let next = if k + 1 < n { ch[k + 1] } else { ch[k] };
        ch[k] + (next - ch[k]) * frac
    };
    let mut samples = Vec::with_capacity(2 * length);
    for i in 0..length {
        samples.push(at(&left[..n], i).clamp(-1.0, 1.0));
        samples.push(at(&right[..n], i).clamp(-1.0, 1.0));
    }
    Ok(StereoBuffer { samples })
}

impl Backend for Ltx2Backend {
    fn identity(&self) -> BackendIdentity {
        let s = &self.settings;
        BackendIdentity {
            name: NAME.into(),
            weights_fingerprint: self.fingerprint.clone(),
            settings: format!(
                "mapping={MAPPING_VERSION};steps={:?};device={:?};vae_tiling={:?}",
                s.steps_override, s.device, s.vae_tiling
            ),
        }
    }

    fn generates_sound(&self) -> bool {
        true
    }

    fn key_extra(&self, shot: &ShotSchedule) -> String {
        prompt::sound_cues(shot)
    }

    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        self.render_shot_cancellable(film, shot, inputs, progress, &AtomicBool::new(false))
    }

    fn render_shot_cancellable(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        Ok(self.generate(film, shot, inputs, progress, cancel)?.frames)
    }

    fn render_shot_with_sound(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        sink: FrameSink<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<Option<StereoBuffer>, RenderError> {
        let out = self.generate(film, shot, inputs, progress, cancel)?;
        for frame in out.frames {
            sink(frame)?;
        }
        Ok(Some(out.sound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn film_sound_is_exactly_the_shots_length() {
        let wave = vec![vec![0.5f32; 100], vec![-0.5f32; 100]];
        let s = to_film_sound(&wave, 48_000, 150).unwrap();
        assert_eq!(s.frames(), 150);
        assert_eq!(&s.samples[..4], &[0.5, -0.5, 0.5, -0.5]);
        // Past the waveform's end: silence.
        assert_eq!(&s.samples[200..204], &[0.0; 4]);
    }

    #[test]
    fn a_diverged_waveform_is_an_error() {
        let wave = vec![vec![0.0f32, f32::NAN]];
        assert!(to_film_sound(&wave, 48_000, 2)
            .unwrap_err()
            .contains("not finite"));
    }

    #[test]
    fn half_rate_sound_is_interpolated_to_48_khz() {
        let wave = vec![vec![0.0f32, 1.0, 0.0]];
        let s = to_film_sound(&wave, 24_000, 5).unwrap();
        let left: Vec<f32> = s.samples.chunks(2).map(|c| c[0]).collect();
        assert_eq!(left, vec![0.0, 0.5, 1.0, 0.5, 0.0]);
        // Mono plays on both sides.
        assert!(s.samples.chunks(2).all(|c| c[0] == c[1]));
    }
}
