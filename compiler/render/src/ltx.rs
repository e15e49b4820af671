//! The `ltx` backend: each shot's schedule mapped onto LTX-Video (the `scene-model` crate).
//!
//! - Prompt keyframes → the model's prompt travel: one text embedding per keyframe and, per
//!   latent frame, the schedule's weights at the pixel frame that latent frame ends on.
//! - `continues` → a conditioning item at frame 0: the upstream shot's last decoded frame.
//! - `keyframe at T "img"` → a conditioning item at the latent-aligned frame nearest T.
//! - `strength` below 100% → the previz frames as a guide video, noised to that level.
//! - Character reference images are *not* used: LTX-Video has no identity conditioning, and
//!   pinning a portrait as a frame would be wrong. They reach the model through the prompt's
//!   descriptions; identity references wait for a VACE-style backend.
//! - Frame counts: the model generates 8k+1 frames, so a shot of N frames generates the next
//!   valid count up and drops the surplus from the end. Sizes are already multiples of 32 (the
//!   checker requires it).
//! - The seed makes the initial noise through the model crate's own generator, the same bytes on
//!   every machine.

use std::path::Path;

use scene_model::pipeline::{
    valid_frame_count, Condition, GenerationRequest, Guide, LtxPipeline, PipelineOptions,
    RgbFrame as ModelFrame,
};
use scene_model::ComputeDevice;
use scene_plan::schedule::{ConditioningSource, FilmSchedule, ShotSchedule};

use crate::backend::{Backend, BackendIdentity, Progress, ShotInputs};
use crate::error::RenderError;
use crate::frame::RgbFrame;
use crate::previz::Previz;

/// Bumped whenever the mapping from schedule to request changes what a shot looks like.
const MAPPING_VERSION: u32 = 1;

/// Sampler settings that are not in the schedule. All of them enter the cache key.
#[derive(Clone, Debug, PartialEq)]
pub struct LtxSettings {
    /// Overrides every shot's `steps`.
    pub steps_override: Option<u32>,
    pub image_cond_noise_scale: f32,
    pub decode_timestep: f32,
    pub device: ComputeDevice,
}

impl Default for LtxSettings {
    fn default() -> Self {
        LtxSettings {
            steps_override: None,
            image_cond_noise_scale: 0.15,
            decode_timestep: 0.05,
            device: ComputeDevice::Cpu,
        }
    }
}

pub struct LtxBackend {
    pipeline: LtxPipeline,
    fingerprint: String,
    settings: LtxSettings,
}

fn model_err(shot: &str, e: impl std::fmt::Display) -> RenderError {
    RenderError::Backend {
        backend: "ltx".into(),
        shot: shot.into(),
        message: e.to_string(),
    }
}

impl LtxBackend {
    /// Opens a model folder (diffusers layout). Prompt embeddings are cached under
    /// `cache_dir/embeddings`.
    pub fn open(
        model_dir: &Path,
        cache_dir: &Path,
        settings: LtxSettings,
    ) -> Result<LtxBackend, RenderError> {
        let options = PipelineOptions {
            device: settings.device,
            cache_dir: Some(cache_dir.join("embeddings")),
            ..PipelineOptions::default()
        };
        let pipeline = LtxPipeline::open(model_dir, options).map_err(|e| model_err("", e))?;
        let fingerprint = pipeline
            .folder()
            .fingerprint()
            .map_err(|e| model_err("", e))?;
        Ok(LtxBackend {
            pipeline,
            fingerprint,
            settings,
        })
    }

    /// The request for one shot (public for tests and for `scenec schedule`-style inspection).
    pub fn request(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
    ) -> Result<GenerationRequest, RenderError> {
        let frames = shot.frames.0.max(1) as usize;
        let num_frames = valid_frame_count(frames);
        let mut req = GenerationRequest::new(
            film.width as usize,
            film.height as usize,
            num_frames,
            "",
            shot.seed,
        );
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
            // Latent frame l ends on pixel frame 8l (the causal VAE's first latent is frame 0
            // alone); frames past the shot's end take its last weights.
            req.prompt_weights = (0..req.latent_frames())
                .map(|l| shot.weights_at((8 * l) as u32).to_vec())
                .collect();
        }
        req.negative = shot.negative.clone();
        req.guidance_scale = shot.guidance as f32;
        req.num_inference_steps =
            self.settings.steps_override.unwrap_or(shot.steps).max(1) as usize;
        req.image_cond_noise_scale = self.settings.image_cond_noise_scale;
        req.decode_timestep = self.settings.decode_timestep;

        for c in &shot.conditioning {
            let strength = c.strength as f32;
            match &c.source {
                ConditioningSource::LastFrameOf { shot: upstream } => {
                    let frame = inputs.continued_frame.ok_or_else(|| {
                        model_err(
                            &shot.name,
                            format!("the last frame of `{upstream}` was not provided"),
                        )
                    })?;
                    req.conditions.push(Condition {
                        frames: vec![to_model(frame)],
                        frame_index: 0,
                        strength,
                    });
                }
                ConditioningSource::Image { path, .. } => {
                    let (w, h, rgb) =
                        crate::previz::inset::decode(&inputs.project_root.join(path))?;
                    let image = fit(&rgb, w, h, film.width as usize, film.height as usize);
                    // Conditioning frames sit on latent boundaries: 0 or a multiple of 8.
                    let index = ((c.frame.0 as usize + 4) / 8 * 8).min(num_frames - 1);
                    req.conditions.push(Condition {
                        frames: vec![image],
                        frame_index: index,
                        strength,
                    });
                }
                ConditioningSource::Reference { .. } => {}
            }
        }
        if shot.strength < 1.0 {
            let mut guide =
                Previz::with_threads(1).render_shot(film, shot, inputs, &mut |_, _| {})?;
            while guide.len() < num_frames {
                let last = guide
                    .last()
                    .cloned()
                    .unwrap_or_else(|| RgbFrame::new(film.width, film.height));
                guide.push(last);
            }
            req.guide = Some(Guide {
                frames: guide.iter().map(to_model).collect(),
                strength: shot.strength as f32,
            });
        }
        Ok(req)
    }
}

fn to_model(f: &RgbFrame) -> ModelFrame {
    ModelFrame {
        width: f.width,
        height: f.height,
        data: f.data.clone(),
    }
}

/// Scale an image to cover `tw`×`th` and crop the centre (nearest neighbour; the VAE smooths).
fn fit(src: &[u8], sw: usize, sh: usize, tw: usize, th: usize) -> ModelFrame {
    let scale = (tw as f64 / sw as f64).max(th as f64 / sh as f64);
    let (cw, ch) = (
        (sw as f64 * scale).round() as usize,
        (sh as f64 * scale).round() as usize,
    );
    let (ox, oy) = ((cw.saturating_sub(tw)) / 2, (ch.saturating_sub(th)) / 2);
    let mut data = Vec::with_capacity(tw * th * 3);
    for y in 0..th {
        let sy = (((y + oy) as f64 / scale) as usize).min(sh - 1);
        for x in 0..tw {
            let sx = (((x + ox) as f64 / scale) as usize).min(sw - 1);
            let i = (sy * sw + sx) * 3;
            data.extend_from_slice(&src[i..i + 3]);
        }
    }
    ModelFrame {
        width: tw as u32,
        height: th as u32,
        data,
    }
}

impl Backend for LtxBackend {
    fn identity(&self) -> BackendIdentity {
        let s = &self.settings;
        BackendIdentity {
            name: "ltx".into(),
            weights_fingerprint: self.fingerprint.clone(),
            settings: format!(
                "mapping={MAPPING_VERSION};steps={:?};image_cond_noise={};decode_timestep={};device={:?}",
                s.steps_override, s.image_cond_noise_scale, s.decode_timestep, s.device
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
        let req = self.request(film, shot, inputs)?;
        let mut report = |done: usize, total: usize| progress(done as u64, total as u64);
        let frames = self
            .pipeline
            .generate(&req, &mut report)
            .map_err(|e| model_err(&shot.name, e))?;
        let wanted = shot.frames.0 as usize;
        if frames.len() < wanted {
            return Err(model_err(
                &shot.name,
                format!(
                    "the model returned {} frames, {wanted} needed",
                    frames.len()
                ),
            ));
        }
        Ok(frames
            .into_iter()
            .take(wanted)
            .map(|f| RgbFrame {
                width: f.width,
                height: f.height,
                data: f.data,
            })
            .collect())
    }
}
