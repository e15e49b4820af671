//! Generation: text (with prompt travel), conditioning items and an optional guide video in,
//! RGB frames out. Follows diffusers' `LTXConditionPipeline` step by step, with every random
//! draw taken from the project's own [`NoiseRng`] in the reference's order:
//!
//! 1. the initial latent noise,
//! 2. per conditioning item: the VAE posterior sample, then (items not at frame 0) the noise
//!    its latents are blended with,
//! 3. per step (when there are conditioning items): noise re-applied to hard-conditioned tokens,
//! 4. the decode noise (timestep-conditioned VAEs), then the decoder's noise injection.
//!
//! Sizes: frame counts must be 8k+1 and width/height multiples of 32 (the VAE's compression).
//! Callers with other sizes generate the next valid size up ([`valid_frame_count`],
//! [`valid_dimension`]) and drop the extra frames / crop the extra pixels afterwards.
//!
//! Memory: components are loaded one at a time and dropped when their phase ends; the text
//! encoder is gone before the transformer loads. Prompt embeddings are cached on disk by a
//! content hash when the caller gives a cache directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::{DType, Device, Tensor};
use sha2::{Digest, Sha256};

use crate::error::{ModelError, Result};
use crate::loader::{hex, read_json, ModelFolder};
use crate::rng::NoiseRng;
use crate::scheduler::{linear_quadratic_schedule, FlowMatchScheduler, SchedulerConfig};
use crate::text_encoder::{PromptEncoder, MAX_SEQUENCE_LENGTH};
use crate::transformer::{LtxTransformer, TextConditioning, TransformerConfig};
use crate::vae::{LtxVae, Tiling, VaeConfig};

/// One RGB frame, 8 bits per channel, rows top to bottom, `width * height * 3` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbFrame {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// An image (one frame) or a short clip that the video must contain at `frame_index`.
#[derive(Debug, Clone)]
pub struct Condition {
    pub frames: Vec<RgbFrame>,
    pub frame_index: usize,
    /// 1.0 pins the frames; lower values let the model depart from them.
    pub strength: f32,
}

/// A rough video (e.g. a previz render) the generation starts from: it is encoded, noised to
/// `strength` (1.0 = pure noise, nothing of the guide kept) and the rest is denoised.
#[derive(Debug, Clone)]
pub struct Guide {
    pub frames: Vec<RgbFrame>,
    pub strength: f32,
}

#[derive(Debug, Clone)]
pub struct GenerationRequest {
    pub width: usize,
    pub height: usize,
    pub num_frames: usize,
    pub frame_rate: f32,
    pub seed: u64,
    /// Text keyframes. One prompt is plain generation.
    pub prompts: Vec<String>,
    /// Prompt travel weights: one row per latent frame ((num_frames - 1) / 8 + 1 rows), one
    /// weight per prompt. Empty when there is a single prompt.
    pub prompt_weights: Vec<Vec<f32>>,
    pub negative: String,
    pub guidance_scale: f32,
    pub num_inference_steps: usize,
    pub conditions: Vec<Condition>,
    pub guide: Option<Guide>,
    /// Noise re-applied to hard-conditioned tokens each step (diffusers' default 0.15).
    pub image_cond_noise_scale: f32,
    /// Timestep the VAE decodes at (timestep-conditioned VAEs; 0.05 is LTX's recommendation).
    pub decode_timestep: f32,
    /// How much fresh noise is mixed in before decoding; defaults to `decode_timestep`.
    pub decode_noise_scale: Option<f32>,
}

impl GenerationRequest {
    /// A request with the pipeline's defaults for everything but the essentials.
    pub fn new(
        width: usize,
        height: usize,
        num_frames: usize,
        prompt: impl Into<String>,
        seed: u64,
    ) -> Self {
        Self {
            width,
            height,
            num_frames,
            frame_rate: 25.0,
            seed,
            prompts: vec![prompt.into()],
            prompt_weights: vec![],
            negative: String::new(),
            guidance_scale: 3.0,
            num_inference_steps: 40,
            conditions: vec![],
            guide: None,
            image_cond_noise_scale: 0.15,
            decode_timestep: 0.05,
            decode_noise_scale: None,
        }
    }

    pub fn latent_frames(&self) -> usize {
        (self.num_frames.saturating_sub(1)) / 8 + 1
    }
}

/// The smallest valid frame count (8k+1) that holds `n` frames.
pub fn valid_frame_count(n: usize) -> usize {
    if n <= 1 {
        1
    } else {
        (n - 1).div_ceil(8) * 8 + 1
    }
}

/// The smallest multiple of 32 that holds `n` pixels.
pub fn valid_dimension(n: usize) -> usize {
    n.max(1).div_ceil(32) * 32
}

/// Where the pipeline runs and what it may keep between calls.
#[derive(Debug, Clone, Default)]
pub struct PipelineOptions {
    pub device: crate::ComputeDevice,
    /// Prompt embeddings are cached here (by a hash of text and text-encoder weights).
    pub cache_dir: Option<PathBuf>,
    /// Decode in tiles when the video is larger than one tile (bounds VAE memory). Tiled
    /// output differs slightly from whole-video decoding at the seams, as in diffusers.
    pub tiling: Option<Tiling>,
    /// Storage dtype of the T5 encoder weights (`None` = the device's default: f32 on the CPU,
    /// bf16 on CUDA). bf16 halves T5-XXL's memory.
    pub text_encoder_dtype: Option<DType>,
    /// What the transformer computes in (`None` = the device's default, see
    /// [`crate::ComputeDevice::default_dtype`]). The latents, the sampler and the VAE stay f32.
    pub transformer_dtype: Option<DType>,
}

impl PipelineOptions {
    fn transformer_dtype(&self) -> DType {
        self.transformer_dtype
            .unwrap_or_else(|| self.device.default_dtype())
    }

    fn text_encoder_dtype(&self) -> DType {
        self.text_encoder_dtype
            .unwrap_or_else(|| self.device.default_dtype())
    }
}

/// Output of a generation before conversion to bytes (used by tests and callers that want
/// floats).
#[derive(Debug, Clone)]
pub struct GenerationOutput {
    /// Final latents after denoising, [1, C, F', H', W'] (normalised, as diffusers'
    /// `output_type="latent"`).
    pub latents: Tensor,
    /// Decoded frames [F, H, W, 3] in [0, 1].
    pub video: Tensor,
}

/// A loaded-on-demand LTX-Video model folder.
#[derive(Debug)]
pub struct LtxPipeline {
    folder: ModelFolder,
    device: Device,
    options: PipelineOptions,
    transformer_cfg: TransformerConfig,
    vae_cfg: VaeConfig,
    scheduler_cfg: SchedulerConfig,
}

fn c(e: candle_core::Error) -> ModelError {
    ModelError::Compute(e)
}

impl LtxPipeline {
    /// Opens a folder and checks its configs. No weights are read until `generate`.
    pub fn open(root: impl AsRef<Path>, options: PipelineOptions) -> Result<Self> {
        let folder = ModelFolder::open(root)?;
        let transformer_cfg: TransformerConfig =
            read_json(&folder.component_dir("transformer").join("config.json"))?;
        transformer_cfg.validate()?;
        let vae_cfg: VaeConfig = read_json(&folder.component_dir("vae").join("config.json"))?;
        vae_cfg.validate()?;
        let scheduler_cfg: SchedulerConfig = read_json(
            &folder
                .component_dir("scheduler")
                .join("scheduler_config.json"),
        )?;
        scheduler_cfg.validate()?;
        if vae_cfg.latent_channels != transformer_cfg.in_channels {
            return Err(ModelError::unsupported(
                "vae",
                "latent_channels",
                vae_cfg.latent_channels,
                "must equal the transformer's in_channels",
            ));
        }
        let device = options.device.to_candle()?;
        Ok(Self {
            folder,
            device,
            options,
            transformer_cfg,
            vae_cfg,
            scheduler_cfg,
        })
    }

    pub fn folder(&self) -> &ModelFolder {
        &self.folder
    }

    /// Generates RGB frames.
    pub fn generate(
        &self,
        req: &GenerationRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<RgbFrame>> {
        self.generate_cancellable(req, progress, &AtomicBool::new(false))
    }

    /// [`Pipeline::generate`], stopping with [`ModelError::Cancelled`] at the next safe point
    /// once `cancel` is set: before the prompts are encoded, between denoising steps, and
    /// before the VAE decodes. A step takes seconds to minutes; a whole generation far longer.
    pub fn generate_cancellable(
        &self,
        req: &GenerationRequest,
        progress: &mut dyn FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<Vec<RgbFrame>> {
        let out = self.generate_tensors_cancellable(req, progress, cancel)?;
        video_to_frames(&out.video)
    }

    fn load_vae(&self) -> Result<LtxVae> {
        let weights = self.folder.weights("vae")?;
        weights.build(DType::F32, &self.device, |vb| {
            LtxVae::load(&self.vae_cfg, vb)
        })
    }

    fn load_transformer(&self) -> Result<LtxTransformer> {
        let weights = self.folder.weights("transformer")?;
        weights.build(self.options.transformer_dtype(), &self.device, |vb| {
            LtxTransformer::load(&self.transformer_cfg, vb)
        })
    }

    fn validate(&self, req: &GenerationRequest) -> Result<()> {
        let bad = |m: String| Err(ModelError::InvalidRequest(m));
        let sc = self.vae_cfg.spatial_compression();
        let tc = self.vae_cfg.temporal_compression();
        if req.width == 0
            || req.height == 0
            || !req.width.is_multiple_of(sc)
            || !req.height.is_multiple_of(sc)
        {
            return bad(format!(
                "size {}x{} must be a positive multiple of {sc} (try {}x{})",
                req.width,
                req.height,
                valid_dimension(req.width),
                valid_dimension(req.height)
            ));
        }
        if req.num_frames == 0 || !(req.num_frames - 1).is_multiple_of(tc) {
            return bad(format!(
                "{} frames: the frame count must be {tc}k+1 (try {})",
                req.num_frames,
                valid_frame_count(req.num_frames)
            ));
        }
        if req.prompts.is_empty() {
            return bad("at least one prompt is required".into());
        }
        if !(req.frame_rate.is_finite() && req.frame_rate > 0.0) {
            return bad(format!("frame rate {} must be positive", req.frame_rate));
        }
        if !req.guidance_scale.is_finite() {
            return bad("guidance scale must be finite".into());
        }
        if req.num_inference_steps == 0 {
            return bad("at least one inference step is required".into());
        }
        let lf = req.latent_frames();
        if req.prompts.len() > 1 || !req.prompt_weights.is_empty() {
            if req.prompt_weights.len() != lf {
                return bad(format!(
                    "prompt_weights needs one row per latent frame ({lf}), got {}",
                    req.prompt_weights.len()
                ));
            }
            for (i, row) in req.prompt_weights.iter().enumerate() {
                if row.len() != req.prompts.len() {
                    return bad(format!(
                        "prompt_weights row {i} has {} weights for {} prompts",
                        row.len(),
                        req.prompts.len()
                    ));
                }
                if row.iter().any(|w| !w.is_finite() || *w < 0.0) {
                    return bad(format!(
                        "prompt_weights row {i} has a negative or non-finite weight"
                    ));
                }
            }
        }
        let check_frames = |what: &str, frames: &[RgbFrame]| -> Result<()> {
            if frames.is_empty() {
                return bad(format!("{what} has no frames"));
            }
            for (i, f) in frames.iter().enumerate() {
                if f.width as usize != req.width || f.height as usize != req.height {
                    return bad(format!(
                        "{what} frame {i} is {}x{}, the video is {}x{} (resize it first)",
                        f.width, f.height, req.width, req.height
                    ));
                }
                if f.data.len() != f.width as usize * f.height as usize * 3 {
                    return bad(format!(
                        "{what} frame {i} has {} bytes, expected width*height*3",
                        f.data.len()
                    ));
                }
            }
            Ok(())
        };
        for (i, cond) in req.conditions.iter().enumerate() {
            check_frames(&format!("condition {i}"), &cond.frames)?;
            if cond.frame_index >= req.num_frames {
                return bad(format!(
                    "condition {i} is at frame {} of {}",
                    cond.frame_index, req.num_frames
                ));
            }
            if !(0.0..=1.0).contains(&cond.strength) {
                return bad(format!(
                    "condition {i} strength {} is outside 0..=1",
                    cond.strength
                ));
            }
        }
        if let Some(g) = &req.guide {
            check_frames("guide", &g.frames)?;
            if g.frames.len() != req.num_frames {
                return bad(format!(
                    "the guide has {} frames, the video {}",
                    g.frames.len(),
                    req.num_frames
                ));
            }
            if !(0.0..=1.0).contains(&g.strength) {
                return bad(format!("guide strength {} is outside 0..=1", g.strength));
            }
        }
        Ok(())
    }

    /// Encodes every distinct text, from the cache when possible. The text encoder is loaded
    /// only on a cache miss and dropped before returning.
    fn encode_prompts(&self, texts: &[&str]) -> Result<BTreeMap<String, TextConditioning>> {
        let mut out = BTreeMap::new();
        let key_base = match &self.options.cache_dir {
            Some(_) => Some(
                self.folder
                    .fingerprint_of(&["text_encoder", "tokenizer"], false)?,
            ),
            None => None,
        };
        let mut encoder: Option<PromptEncoder> = None;
        for text in texts {
            if out.contains_key(*text) {
                continue;
            }
            let cache_path = match (&self.options.cache_dir, &key_base) {
                (Some(dir), Some(base)) => {
                    let mut h = Sha256::new();
                    h.update(b"scene-model prompt embedding v1\0");
                    h.update(base.as_bytes());
                    h.update((MAX_SEQUENCE_LENGTH as u64).to_le_bytes());
                    h.update(format!("{:?}\0", self.options.text_encoder_dtype()).as_bytes());
                    h.update(text.as_bytes());
                    Some(dir.join(format!("{}.safetensors", hex(&h.finalize()))))
                }
                _ => None,
            };
            if let Some(path) = &cache_path {
                if let Some(cond) = load_cached_embedding(path, &self.device) {
                    out.insert(text.to_string(), cond);
                    continue;
                }
            }
            if encoder.is_none() {
                let dtype = self.options.text_encoder_dtype();
                encoder = Some(PromptEncoder::load_with_dtype(
                    &self.folder,
                    &self.device,
                    dtype,
                )?);
            }
            let Some(enc) = encoder.as_mut() else {
                continue;
            };
            let cond = enc.encode(text)?;
            if let Some(path) = &cache_path {
                store_cached_embedding(path, &cond)?;
            }
            out.insert(text.to_string(), cond);
        }
        drop(encoder);
        Ok(out)
    }

    /// Generates and returns the final latents and the float video.
    pub fn generate_tensors(
        &self,
        req: &GenerationRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<GenerationOutput> {
        self.generate_tensors_cancellable(req, progress, &AtomicBool::new(false))
    }

    /// [`Pipeline::generate_tensors`] with a cancel flag (see [`Pipeline::generate_cancellable`]).
    pub fn generate_tensors_cancellable(
        &self,
        req: &GenerationRequest,
        progress: &mut dyn FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<GenerationOutput> {
        let stop_if_cancelled = || {
            if cancel.load(Ordering::Relaxed) {
                Err(ModelError::Cancelled)
            } else {
                Ok(())
            }
        };
        self.validate(req)?;
        stop_if_cancelled()?;
        let dev = self.device.clone();
        let cfg_on = req.guidance_scale > 1.0;

        // --- text ------------------------------------------------------------------------
        let mut texts: Vec<&str> = req.prompts.iter().map(String::as_str).collect();
        if cfg_on {
            texts.push(req.negative.as_str());
        }
        let embeddings = self.encode_prompts(&texts)?;
        let get = |t: &str| -> Result<&TextConditioning> {
            embeddings
                .get(t)
                .ok_or_else(|| ModelError::InvalidRequest(format!("prompt {t:?} was not encoded")))
        };
        let mut keyframes = Vec::with_capacity(req.prompts.len());
        for p in &req.prompts {
            let pos = get(p)?;
            keyframes.push(if cfg_on {
                let neg = get(&req.negative)?;
                TextConditioning {
                    embeds: Tensor::cat(&[&neg.embeds, &pos.embeds], 0).map_err(c)?,
                    mask: Tensor::cat(&[&neg.mask, &pos.mask], 0).map_err(c)?,
                }
            } else {
                pos.clone()
            });
        }
        drop(embeddings);

        // --- schedule ----------------------------------------------------------------------
        let sc = self.vae_cfg.spatial_compression();
        let tc = self.vae_cfg.temporal_compression();
        let (lf, lh, lw) = (req.latent_frames(), req.height / sc, req.width / sc);
        let channels = self.transformer_cfg.in_channels;
        let n_main = lf * lh * lw;
        let mut scheduler = FlowMatchScheduler::new(&self.scheduler_cfg)?;
        let custom: Vec<f32> = linear_quadratic_schedule(req.num_inference_steps, 0.025, None)
            .iter()
            .map(|s| s * 1000.0)
            .collect();
        // The condition pipeline passes no `mu`; with a dynamically shifted config we use the
        // shift LTXPipeline computes for this token count (diffusers would refuse to run).
        let mu = self
            .scheduler_cfg
            .use_dynamic_shifting
            .then(|| self.scheduler_cfg.mu_for(n_main));
        scheduler.set_timesteps(req.num_inference_steps, Some(&custom), mu)?;
        let mut guide_sigma = 1.0f32;
        if let Some(g) = &req.guide {
            if g.strength < 1.0 {
                guide_sigma = scheduler.trim_for_strength(g.strength as f64);
            }
        }
        if scheduler.timesteps().is_empty() {
            return Err(ModelError::InvalidRequest(
                "guide strength leaves no denoising steps (raise the strength or the step count)"
                    .into(),
            ));
        }

        // --- latents, conditioning ---------------------------------------------------------
        let mut rng = NoiseRng::new(req.seed);
        let noise = rng.normal((1, channels, lf, lh, lw), &dev).map_err(c)?;
        let vae = self.load_vae()?;
        let mut latents = match &req.guide {
            Some(g) if g.strength < 1.0 => {
                let video = frames_to_video(&g.frames, &dev)?;
                // The guide is the whole video: encode it in tiles like the decode, so memory
                // does not grow with the shot.
                let posterior = match &self.options.tiling {
                    Some(tiling) => vae.encode_tiled(&video, tiling),
                    None => vae.encode(&video),
                }
                .map_err(c)?;
                let guide_lat = vae.normalize_latents(&posterior.mode()).map_err(c)?;
                if guide_lat.dims() != noise.dims() {
                    return Err(ModelError::InvalidRequest(format!(
                        "the guide encodes to {:?}, the video needs {:?}",
                        guide_lat.dims(),
                        noise.dims()
                    )));
                }
                let sigma = guide_sigma;
                noise
                    .affine(sigma as f64, 0.0)
                    .and_then(|n| n.add(&guide_lat.affine((1.0f32 - sigma) as f64, 0.0)?))
                    .map_err(c)?
            }
            _ => noise,
        };

        let conditioning = !req.conditions.is_empty();
        let mut frame_mask = vec![0f32; lf];
        let mut extra_latents: Vec<Tensor> = Vec::new();
        let mut extra_coords: Vec<Vec<[f32; 3]>> = Vec::new();
        let mut extra_mask: Vec<f32> = Vec::new();
        let mut extra_frames: Vec<usize> = Vec::new();
        for cond in &req.conditions {
            let frames = if cond.frames.len() > 1 {
                // Keep 8k+1 frames that fit in the video from frame_index on.
                let n = cond.frames.len().min(req.num_frames - cond.frame_index);
                let n = (n - 1) / tc * tc + 1;
                &cond.frames[..n]
            } else {
                &cond.frames[..]
            };
            let video = frames_to_video(frames, &dev)?;
            let post = vae.encode(&video).map_err(c)?;
            let cond_lat = vae
                .normalize_latents(&post.sample(&mut rng).map_err(c)?)
                .map_err(c)?;
            let ncf = cond_lat.dim(2).map_err(c)?;
            if cond.frame_index == 0 {
                let n = ncf.min(lf);
                let head = latents.narrow(2, 0, n).map_err(c)?;
                let mixed =
                    lerp(&head, &cond_lat.narrow(2, 0, n).map_err(c)?, cond.strength).map_err(c)?;
                latents = replace_frames(&latents, &mixed, 0).map_err(c)?;
                for m in frame_mask.iter_mut().take(n) {
                    *m = cond.strength;
                }
            } else {
                let mut cond_lat = cond_lat;
                if frames.len() > 1 {
                    // Multi-frame items beyond frame 0: the first two latent frames become
                    // extra tokens, the rest is blended into the video latents in place.
                    const PREFIX: usize = 2;
                    if ncf < PREFIX {
                        return Err(ModelError::InvalidRequest(format!(
                            "a conditioning clip at frame {} needs at least {} latent frames",
                            cond.frame_index, PREFIX
                        )));
                    }
                    if ncf > PREFIX {
                        let start = cond.frame_index / tc + PREFIX;
                        let end = (start + ncf - PREFIX).min(lf);
                        if start < end {
                            let region = latents.narrow(2, start, end - start).map_err(c)?;
                            let src = cond_lat.narrow(2, PREFIX, end - start).map_err(c)?;
                            let mixed = lerp(&region, &src, cond.strength).map_err(c)?;
                            latents = replace_frames(&latents, &mixed, start).map_err(c)?;
                            for m in frame_mask.iter_mut().take(end).skip(start) {
                                *m = cond.strength;
                            }
                        }
                        cond_lat = cond_lat.narrow(2, 0, PREFIX).map_err(c)?;
                    }
                }
                let noise = rng.normal(cond_lat.dims(), &dev).map_err(c)?;
                let cond_lat = lerp(&noise, &cond_lat, cond.strength).map_err(c)?;
                let cf = cond_lat.dim(2).map_err(c)?;
                extra_coords.push(video_ids(cf, lh, lw, sc, tc, cond.frame_index));
                let base = (cond.frame_index as f32 / tc as f32).round() as usize;
                for j in 0..cf {
                    extra_frames.extend(std::iter::repeat_n((base + j).min(lf - 1), lh * lw));
                }
                let packed = pack(&cond_lat).map_err(c)?;
                extra_mask.extend(std::iter::repeat_n(
                    cond.strength,
                    packed.dim(1).map_err(c)?,
                ));
                extra_latents.push(packed);
            }
        }
        drop(vae);

        let n_extra = extra_mask.len();
        let mut coords: Vec<[f32; 3]> = extra_coords.into_iter().flatten().collect();
        coords.extend(video_ids(lf, lh, lw, sc, tc, 0));
        let n_tokens = coords.len();
        let inv_fr = (1.0f64 / req.frame_rate as f64) as f32;
        let mut coord_data = vec![0f32; 3 * n_tokens];
        for (i, [t, y, x]) in coords.iter().enumerate() {
            coord_data[i] = t * inv_fr;
            coord_data[n_tokens + i] = *y;
            coord_data[2 * n_tokens + i] = *x;
        }
        let coords = Tensor::from_vec(coord_data, (1, 3, n_tokens), &dev).map_err(c)?;
        let mut token_mask: Vec<f32> = extra_mask;
        for m in &frame_mask {
            token_mask.extend(std::iter::repeat_n(*m, lh * lw));
        }
        let mut parts = extra_latents;
        parts.push(pack(&latents).map_err(c)?);
        let mut latents = Tensor::cat(&parts, 1).map_err(c)?;
        drop(parts);
        let init_latents = conditioning.then(|| latents.clone());

        // Prompt travel weights per token: conditioning tokens use their latent frame's row.
        let text_weights = if keyframes.len() > 1 || !req.prompt_weights.is_empty() {
            let k = keyframes.len();
            let mut w = Vec::with_capacity(n_tokens * k);
            let mut token_frames = extra_frames;
            for f in 0..lf {
                token_frames.extend(std::iter::repeat_n(f, lh * lw));
            }
            for f in token_frames {
                w.extend_from_slice(&req.prompt_weights[f]);
            }
            Some(Tensor::from_vec(w, (1, n_tokens, k), &dev).map_err(c)?)
        } else {
            None
        };

        // --- denoise -----------------------------------------------------------------------
        let transformer = self.load_transformer()?;
        let coords_in = if cfg_on {
            Tensor::cat(&[&coords, &coords], 0).map_err(c)?
        } else {
            coords
        };
        let timesteps = scheduler.timesteps().to_vec();
        let total = timesteps.len();
        let need_noise: Vec<bool> = token_mask.iter().map(|m| *m > 1.0 - 1e-6).collect();
        for (i, &t) in timesteps.iter().enumerate() {
            stop_if_cancelled()?;
            if let (Some(init), true) = (&init_latents, req.image_cond_noise_scale > 0.0) {
                let noise = rng.normal(latents.dims(), &dev).map_err(c)?;
                let tf = t / 1000.0f32;
                let t2 = tf * tf;
                let noised = init
                    .add(
                        &noise
                            .affine(req.image_cond_noise_scale as f64, 0.0)
                            .map_err(c)?
                            .affine(t2 as f64, 0.0)
                            .map_err(c)?,
                    )
                    .map_err(c)?;
                latents = select_tokens(&need_noise, &noised, &latents).map_err(c)?;
            }
            // Conditioned tokens are held at a lower timestep (0 when pinned at strength 1).
            let timestep = if conditioning {
                let per_token: Vec<f32> = token_mask
                    .iter()
                    .map(|m| t.min((1.0 - m) * 1000.0))
                    .collect();
                Tensor::from_vec(per_token, (1, n_tokens), &dev).map_err(c)?
            } else {
                Tensor::from_vec(vec![t], (1, 1), &dev).map_err(c)?
            };
            let (hidden, ts_in) = if cfg_on {
                (
                    Tensor::cat(&[&latents, &latents], 0).map_err(c)?,
                    Tensor::cat(&[&timestep, &timestep], 0).map_err(c)?,
                )
            } else {
                (latents.clone(), timestep.clone())
            };
            let pred = transformer
                .forward(
                    &hidden,
                    &keyframes,
                    text_weights.as_ref(),
                    &ts_in,
                    &coords_in,
                )
                .map_err(c)?;
            let pred = if cfg_on {
                let uncond = pred.narrow(0, 0, 1).map_err(c)?;
                let text = pred.narrow(0, 1, 1).map_err(c)?;
                uncond
                    .add(
                        &text
                            .sub(&uncond)
                            .map_err(c)?
                            .affine(req.guidance_scale as f64, 0.0)
                            .map_err(c)?,
                    )
                    .map_err(c)?
            } else {
                pred
            };
            let denoised = scheduler
                .step_per_token(&pred.neg().map_err(c)?, &latents, &timestep)
                .map_err(c)?;
            latents = if conditioning {
                let tt = t / 1000.0f32 - 1e-6f32;
                let update: Vec<bool> = token_mask.iter().map(|m| tt < 1.0 - m).collect();
                select_tokens(&update, &denoised, &latents).map_err(c)?
            } else {
                denoised
            };
            progress(i + 1, total);
        }
        drop(transformer);
        stop_if_cancelled()?;

        // --- decode ------------------------------------------------------------------------
        let latents = latents.narrow(1, n_extra, n_main).map_err(c)?;
        let latents = unpack(&latents, lf, lh, lw).map_err(c)?;
        let vae = self.load_vae()?;
        let mut z = vae.denormalize_latents(&latents).map_err(c)?;
        let timestep = if self.vae_cfg.timestep_conditioning {
            let noise = rng.normal(z.dims(), &dev).map_err(c)?;
            let s = req.decode_noise_scale.unwrap_or(req.decode_timestep);
            z = z
                .affine((1.0f32 - s) as f64, 0.0)
                .and_then(|a| a.add(&noise.affine(s as f64, 0.0)?))
                .map_err(c)?;
            Some(Tensor::from_vec(vec![req.decode_timestep], 1, &dev).map_err(c)?)
        } else {
            None
        };
        let video = match &self.options.tiling {
            Some(t) => vae.decode_tiled(&z, timestep.as_ref(), &mut rng, t),
            None => vae.decode(&z, timestep.as_ref(), &mut rng),
        }
        .map_err(c)?;
        // [1, 3, F, H, W] in [-1, 1] -> [F, H, W, 3] in [0, 1]
        let video = video
            .affine(0.5, 0.0)
            .and_then(|v| v.affine(1.0, 0.5))
            .and_then(|v| v.clamp(0f32, 1f32))
            .and_then(|v| v.squeeze(0))
            .and_then(|v| v.permute([1, 2, 3, 0]))
            .and_then(|v| v.contiguous())
            .map_err(c)?;
        Ok(GenerationOutput { latents, video })
    }
}

/// torch.lerp with a scalar weight, with its two formulas for |w| < 0.5 and otherwise.
fn lerp(a: &Tensor, b: &Tensor, w: f32) -> candle_core::Result<Tensor> {
    let diff = b.sub(a)?;
    if w.abs() < 0.5 {
        a.add(&diff.affine(w as f64, 0.0)?)
    } else {
        b.sub(&diff.affine((1.0f32 - w) as f64, 0.0)?)
    }
}

/// Replaces latent frames start.. of `latents` [B, C, F, H, W] with `part`.
fn replace_frames(latents: &Tensor, part: &Tensor, start: usize) -> candle_core::Result<Tensor> {
    let f = latents.dim(2)?;
    let n = part.dim(2)?;
    let mut pieces = Vec::new();
    if start > 0 {
        pieces.push(latents.narrow(2, 0, start)?);
    }
    pieces.push(part.clone());
    if start + n < f {
        pieces.push(latents.narrow(2, start + n, f - start - n)?);
    }
    Tensor::cat(&pieces, 2)
}

/// Token-wise choice between two [1, N, C] tensors.
fn select_tokens(take_a: &[bool], a: &Tensor, b: &Tensor) -> candle_core::Result<Tensor> {
    let n = take_a.len();
    let m: Vec<u8> = take_a.iter().map(|x| u8::from(*x)).collect();
    let m = Tensor::from_vec(m, (1, n, 1), a.device())?.broadcast_as(a.shape())?;
    m.where_cond(a, b)
}

/// [B, C, F, H, W] -> [B, F*H*W, C] (patch size 1).
fn pack(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    x.permute([0, 2, 3, 4, 1])?
        .reshape((b, f * h * w, c))?
        .contiguous()
}

fn unpack(x: &Tensor, f: usize, h: usize, w: usize) -> candle_core::Result<Tensor> {
    let (b, _, c) = x.dims3()?;
    x.reshape((b, f, h, w, c))?
        .permute([0, 4, 1, 2, 3])?
        .contiguous()
}

/// Pixel coordinates (frame, row, column) of latent tokens, as the condition pipeline scales
/// them: frames map to the first pixel frame they cover (causal VAE), shifted by `frame_index`.
fn video_ids(
    f: usize,
    h: usize,
    w: usize,
    sc: usize,
    tc: usize,
    frame_index: usize,
) -> Vec<[f32; 3]> {
    let mut out = Vec::with_capacity(f * h * w);
    for t in 0..f {
        let ft = ((t * tc + 1) as i64 - tc as i64).max(0) + frame_index as i64;
        for y in 0..h {
            for x in 0..w {
                out.push([ft as f32, (y * sc) as f32, (x * sc) as f32]);
            }
        }
    }
    out
}

/// RGB frames -> [1, 3, F, H, W] in [-1, 1], as diffusers' video processor normalises.
fn frames_to_video(frames: &[RgbFrame], dev: &Device) -> Result<Tensor> {
    let (w, h) = (frames[0].width as usize, frames[0].height as usize);
    let n = frames.len();
    let mut data = vec![0f32; 3 * n * h * w];
    for (fi, frame) in frames.iter().enumerate() {
        for y in 0..h {
            for x in 0..w {
                for ch in 0..3 {
                    let v = frame.data[(y * w + x) * 3 + ch] as f32 / 255.0f32;
                    data[((ch * n + fi) * h + y) * w + x] = 2.0f32 * v - 1.0f32;
                }
            }
        }
    }
    Tensor::from_vec(data, (1, 3, n, h, w), dev).map_err(c)
}

/// [F, H, W, 3] in [0, 1] -> RGB8 frames, rounding as PIL conversion does.
pub fn video_to_frames(video: &Tensor) -> Result<Vec<RgbFrame>> {
    let (f, h, w, _) = video.dims4().map_err(c)?;
    let data: Vec<f32> = video
        .to_device(&Device::Cpu)
        .and_then(|v| v.to_dtype(DType::F32))
        .and_then(|v| v.flatten_all())
        .and_then(|v| v.to_vec1())
        .map_err(c)?;
    let per = h * w * 3;
    Ok((0..f)
        .map(|i| RgbFrame {
            width: w as u32,
            height: h as u32,
            data: data[i * per..(i + 1) * per]
                .iter()
                .map(|v| (v * 255.0).round_ties_even().clamp(0.0, 255.0) as u8)
                .collect(),
        })
        .collect())
}

fn load_cached_embedding(path: &Path, dev: &Device) -> Option<TextConditioning> {
    let map = candle_core::safetensors::load(path, dev).ok()?;
    let embeds = map.get("embeds")?.clone();
    let mask = map.get("mask")?.clone();
    (embeds.rank() == 3 && mask.rank() == 2).then_some(TextConditioning { embeds, mask })
}

fn store_cached_embedding(path: &Path, cond: &TextConditioning) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ModelError::io(dir, e))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut map = std::collections::HashMap::new();
    map.insert(
        "embeds".to_string(),
        cond.embeds.to_device(&Device::Cpu).map_err(c)?,
    );
    map.insert(
        "mask".to_string(),
        cond.mask.to_device(&Device::Cpu).map_err(c)?,
    );
    candle_core::safetensors::save(&map, &tmp).map_err(c)?;
    std::fs::rename(&tmp, path).map_err(|e| ModelError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_sizes() {
        assert_eq!(valid_frame_count(17), 17);
        assert_eq!(valid_frame_count(18), 25);
        assert_eq!(valid_frame_count(1), 1);
        assert_eq!(valid_frame_count(2), 9);
        assert_eq!(valid_dimension(96), 96);
        assert_eq!(valid_dimension(100), 128);
    }

    #[test]
    fn video_ids_match_the_condition_pipeline() {
        let ids = video_ids(3, 1, 2, 32, 8, 0);
        assert_eq!(ids[0], [0.0, 0.0, 0.0]);
        assert_eq!(ids[1], [0.0, 0.0, 32.0]);
        assert_eq!(ids[2], [1.0, 0.0, 0.0]);
        assert_eq!(ids[4], [9.0, 0.0, 0.0]);
        let ids = video_ids(1, 1, 1, 32, 8, 8);
        assert_eq!(ids[0], [8.0, 0.0, 0.0]);
    }
}
