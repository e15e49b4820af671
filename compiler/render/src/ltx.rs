//! The `ltx` backend: each shot's schedule mapped onto LTX-Video (the `scene-model` crate).
//!
//! - Prompt keyframes → the model's prompt travel: one text embedding per keyframe and, per
//!   latent frame, the mean of the schedule's weights over the pixel frames that latent stands
//!   for ([`timeline::latent_weights`]).
//! - `continues` → a conditioning item at frame 0: the upstream shot's last decoded frame.
//! - `keyframe at T "img"` → a conditioning item at the latent boundary nearest T inside the
//!   shot ([`timeline::condition_frame`]), the image scaled to cover the video.
//! - `strength` below 100% → the previz frames as a guide video, noised to that level.
//! - Character reference images are *not* used: LTX-Video has no identity conditioning, and
//!   pinning a portrait as a frame would be wrong. They reach the model through the prompt's
//!   descriptions; identity references wait for a VACE-style backend.
//! - Frame counts: the model generates 8k+1 frames, so a shot of N frames generates the next
//!   valid count up and drops the surplus from the end. Sizes: the next multiple of 32 up,
//!   cropped back to the film's size (the identity for checked films, whose sizes are already
//!   multiples of 32).
//! - The seed makes the initial noise through the model crate's own generator, the same bytes on
//!   every machine.
//! - One shot generates at a time, whatever `--jobs` says: the model already uses every core,
//!   and two 2B transformers side by side would double the peak memory.
//!
//! `docs/model.md` describes the mapping for users.

pub(crate) mod conditioning;
mod fingerprint;
pub(crate) mod generation;
pub mod size;
#[cfg(test)]
mod tests;
pub mod timeline;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use scene_model::pipeline::{Condition, GenerationRequest, Guide, LtxPipeline, PipelineOptions};
use scene_model::vae::Tiling;
use scene_model::ComputeDevice;
use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_previz::backend::{Backend, BackendIdentity, Progress, ShotInputs};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use scene_previz::Previz;

pub use generation::OpenError;
use generation::{OneAtATime, DEFAULT_DEVICE};
use size::Size;

/// Bumped whenever the mapping from schedule to request changes what a shot looks like.
/// 2: latent prompt weights are means over the latent's frames; keyframes stay inside the shot;
///    the weights fingerprint samples tensor data; the VAE decodes in tiles.
const MAPPING_VERSION: u32 = 2;

/// What its model folder holds, as its errors name it.
const MODEL: &str = "LTX-Video";

/// The backend's name: in its identity, and in every error about a shot.
const NAME: &str = "ltx";

/// Sampler settings that are not in the schedule. All of them enter the cache key.
#[derive(Clone, Debug, PartialEq)]
pub struct LtxSettings {
    /// Overrides every shot's `steps`.
    pub steps_override: Option<u32>,
    pub image_cond_noise_scale: f32,
    pub decode_timestep: f32,
    pub device: ComputeDevice,
    /// The VAE decodes in tiles once a video is larger than one tile (by default 16 frames or
    /// 512x512 pixels): an untiled decode of a few seconds at 768x512 would need far more
    /// memory than a workstation has. Seams are blended, as diffusers' tiled decoding does.
    pub vae_tiling: Tiling,
    /// How the T5 encoder holds its weights. Part of the identity: embeddings differ slightly.
    pub text_encoder: TextEncoderPrecision,
}

/// Precision of the text encoder's weights and arithmetic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextEncoderPrecision {
    /// The device's default: f32 on the CPU, bf16 on CUDA.
    #[default]
    Auto,
    /// f32, as the parity tests run it.
    F32,
    /// bf16: half of T5-XXL's memory (about 9.5 GB instead of 19 GB).
    Bf16,
}

impl Default for LtxSettings {
    fn default() -> Self {
        LtxSettings {
            steps_override: None,
            image_cond_noise_scale: 0.15,
            decode_timestep: 0.05,
            device: DEFAULT_DEVICE,
            vae_tiling: Tiling::default(),
            text_encoder: TextEncoderPrecision::Auto,
        }
    }
}

pub struct LtxBackend {
    pipeline: LtxPipeline,
    fingerprint: String,
    settings: LtxSettings,
    /// One generation at a time bounds memory (see the module doc).
    generating: OneAtATime,
}

fn shot_err(shot: &str, e: impl std::fmt::Display) -> RenderError {
    generation::shot_error(NAME, shot, e)
}

impl LtxBackend {
    /// Opens a model folder (diffusers layout) and checks it before any work: the layout, the
    /// configs, and every weight file's safetensors header (a missing, truncated or corrupt file
    /// is named now rather than after minutes of text encoding). Prompt embeddings are cached
    /// under `cache_dir/embeddings`.
    pub fn open(
        model_dir: &Path,
        cache_dir: &Path,
        settings: LtxSettings,
    ) -> Result<LtxBackend, OpenError> {
        let fail = OpenError::checked(MODEL, model_dir)?;
        let options = PipelineOptions {
            device: settings.device,
            cache_dir: Some(cache_dir.join("embeddings")),
            tiling: Some(settings.vae_tiling),
            text_encoder_dtype: match settings.text_encoder {
                TextEncoderPrecision::Auto => None,
                TextEncoderPrecision::F32 => Some(scene_model::DType::F32),
                TextEncoderPrecision::Bf16 => Some(scene_model::DType::BF16),
            },
            ..PipelineOptions::default()
        };
        let pipeline = LtxPipeline::open(model_dir, options).map_err(|e| fail(e.to_string()))?;
        let fingerprint = fingerprint::weights_fingerprint(pipeline.folder()).map_err(fail)?;
        Ok(LtxBackend {
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
    ) -> Result<GenerationRequest, RenderError> {
        let shot_frames = shot.frames.0.max(1) as usize;
        let num_frames = timeline::generated_frames(shot_frames);
        let gen = size::for_generation(Size::new(film.width, film.height));
        let mut req =
            GenerationRequest::new(gen.width, gen.height, num_frames, String::new(), shot.seed);
        req.frame_rate = film.fps as f32;
        req.prompts = shot
            .prompt_keyframes
            .iter()
            .map(|k| k.text.clone())
            .collect();
        if req.prompts.is_empty() {
            req.prompts.push(String::new());
        }
        if req.prompts.len() > 1 {
            let k = req.prompts.len();
            if shot.prompt_weights.is_empty()
                || shot.prompt_weights.iter().any(|row| row.len() != k)
            {
                return Err(shot_err(
                    &shot.name,
                    format!(
                        "the schedule's prompt weights do not have one weight per keyframe ({k}) \
                         for every frame"
                    ),
                ));
            }
            req.prompt_weights =
                timeline::latent_weights(k, shot_frames, |f| shot.weights_at(f as u32));
        }
        req.negative = shot.negative.clone();
        req.guidance_scale = shot.guidance as f32;
        req.num_inference_steps =
            self.settings.steps_override.unwrap_or(shot.steps).max(1) as usize;
        req.image_cond_noise_scale = self.settings.image_cond_noise_scale;
        req.decode_timestep = self.settings.decode_timestep;

        req.conditions.extend(
            conditioning::images(NAME, shot, inputs, gen)?
                .into_iter()
                .map(|c| Condition {
                    frames: vec![c.image],
                    frame_index: c.frame,
                    strength: c.strength,
                }),
        );
        if shot.strength < 1.0 {
            let mut guide = Previz::new().render_shot(film, shot, inputs, &mut |_, _| {})?;
            // The surplus frames the model generates past the shot hold its last frame.
            let last = guide
                .last()
                .cloned()
                .unwrap_or_else(|| RgbFrame::new(film.width, film.height));
            guide.resize(num_frames, last);
            let frames = guide
                .iter()
                .map(|f| size::to_model(f, gen))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    shot_err(&shot.name, "a previz guide frame does not hold its pixels")
                })?;
            req.guide = Some(Guide {
                frames,
                strength: shot.strength as f32,
            });
        }
        Ok(req)
    }
}

impl Backend for LtxBackend {
    fn identity(&self) -> BackendIdentity {
        let s = &self.settings;
        // The guide video is a previz render, so previz's identity is part of ltx's.
        let guide = Previz::with_threads(1).identity().settings;
        BackendIdentity {
            name: NAME.into(),
            weights_fingerprint: self.fingerprint.clone(),
            settings: format!(
                "mapping={MAPPING_VERSION};steps={:?};image_cond_noise={};decode_timestep={};device={:?};vae_tiling={:?};text_encoder={:?};guide=previz({guide})",
                s.steps_override, s.image_cond_noise_scale, s.decode_timestep, s.device, s.vae_tiling, s.text_encoder
            ),
        }
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

    /// Stops between denoising steps once `cancel` is set: a single Ctrl-C ends an ltx render
    /// within one step, leaving the shots finished before it in the cache.
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
        let req = self.request(film, shot, inputs)?;
        let frames = self
            .generating
            .generate(NAME, &shot.name, progress, |report| {
                self.pipeline.generate_cancellable(&req, report, cancel)
            })?;
        generation::film_frames(NAME, film, shot, frames)
    }
}
