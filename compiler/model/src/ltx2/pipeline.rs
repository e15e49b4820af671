//! Generation with LTX-2: a prompt, optional image conditions, and out come video frames and
//! the sound that goes with them. Follows diffusers' `LTX2ConditionPipeline` step by step —
//! which is `LTX2Pipeline` without conditions and `LTX2ImageToVideoPipeline` with one at the
//! first frame — with every random draw taken from the project's [`NoiseRng`] in the
//! reference's order: the video noise (packed token order), the audio noise, then the decode
//! noise of a timestep-conditioned VAE and its noise injection.
//!
//! A guided step runs the transformer up to three times — classifier-free guidance (negative
//! and positive prompt as a batch of two), spatio-temporal guidance (chosen blocks' self-
//! attention replaced by values), modality isolation (no audio↔video attention) — and combines
//! the predictions in x0 space with per-stream scales, then rescales them (`guidance_rescale`).
//! Conditioned tokens keep their clean latents in proportion to their strength.
//!
//! Memory: components load one at a time and are dropped when their phase ends — text encoder,
//! connectors, (video VAE encoder for conditions,) transformer, then the decoders. Attention is
//! computed in blocks of query rows and the video VAE decodes in tiles when asked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::{DType, Device, IndexOp, Tensor};
use sha2::{Digest, Sha256};

use crate::error::{ModelError, Result};
use crate::loader::hex;
use crate::pipeline::RgbFrame;
use crate::rng::NoiseRng;
use crate::scheduler::SchedulerConfig;
use crate::vae::Tiling;
use crate::ComputeDevice;

use super::audio_vae::{AudioDecoder, AUDIO_COMPRESSION};
use super::connectors::{PromptEmbeddings, TextConnectors};
use super::folder::{Ltx2Configs, Ltx2Folder};
use super::gemma::{weight_prefix, GemmaEncoder};
use super::scheduler::{mu_for, Ltx2Schedule, SigmaSource, DISTILLED_SIGMAS, STAGE_2_SIGMAS};
use super::text::{encode_prompt, GemmaTokenizer, MAX_SEQUENCE_LENGTH};
use super::transformer::{Ltx2Inputs, Ltx2Transformer, PassOptions};
use super::upsampler::{LatentUpsampler, UpsamplerConfig};
use super::video_vae::Ltx2Vae;
use super::vocoder::Vocoder;

fn c(e: candle_core::Error) -> ModelError {
    ModelError::Compute(e)
}

/// One stream's guidance scales (diffusers' names; 1 / 0 switch a term off).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamGuidance {
    /// Classifier-free guidance; active above 1.
    pub cfg: f64,
    /// Spatio-temporal guidance; active above 0.
    pub stg: f64,
    /// Modality-isolation guidance; active above 1.
    pub modality: f64,
    /// Blend towards the rescaled guided prediction (0 = off).
    pub rescale: f64,
}

impl StreamGuidance {
    pub const OFF: StreamGuidance = StreamGuidance {
        cfg: 1.0,
        stg: 0.0,
        modality: 1.0,
        rescale: 0.0,
    };
}

/// An image the video must show at a latent frame (`LTX2VideoCondition` with one frame).
#[derive(Debug, Clone)]
pub struct ImageCondition {
    pub image: RgbFrame,
    /// Latent frame index (0 = the first frame; pixel frame `(i - 1) · 8 + 1` otherwise);
    /// negative counts from the end, as in the reference.
    pub latent_index: i64,
    /// 1 pins the image; lower values let the model depart from it.
    pub strength: f32,
}

#[derive(Debug, Clone)]
pub struct Ltx2Request {
    pub width: usize,
    pub height: usize,
    pub num_frames: usize,
    pub frame_rate: f32,
    pub seed: u64,
    pub prompt: String,
    pub negative: String,
    pub sigmas: SigmaSource,
    pub video_guidance: StreamGuidance,
    pub audio_guidance: StreamGuidance,
    /// Blocks whose self-attention spatio-temporal guidance perturbs.
    pub stg_blocks: Vec<usize>,
    /// Cross-modal modulation from the other stream's noise level (the pipelines' default).
    pub use_cross_timestep: bool,
    pub conditions: Vec<ImageCondition>,
    /// Timestep a timestep-conditioned VAE decodes at, and how much fresh noise is mixed in
    /// before (defaults to the timestep).
    pub decode_timestep: f32,
    pub decode_noise_scale: Option<f32>,
    pub max_sequence_length: usize,
}

impl Ltx2Request {
    /// The full model's defaults (diffusers' `LTX2Pipeline.__call__`): 30 steps, CFG 3 / 7
    /// (video / audio), STG 1 at the last-but-some block, modality guidance 3, rescale 0.7.
    pub fn full(width: usize, height: usize, num_frames: usize, prompt: &str, seed: u64) -> Self {
        Self {
            width,
            height,
            num_frames,
            frame_rate: 24.0,
            seed,
            prompt: prompt.into(),
            negative: String::new(),
            sigmas: SigmaSource::Steps(30),
            video_guidance: StreamGuidance {
                cfg: 3.0,
                stg: 1.0,
                modality: 3.0,
                rescale: 0.7,
            },
            audio_guidance: StreamGuidance {
                cfg: 7.0,
                stg: 1.0,
                modality: 3.0,
                rescale: 0.7,
            },
            stg_blocks: vec![28],
            use_cross_timestep: true,
            conditions: Vec::new(),
            decode_timestep: 0.0,
            decode_noise_scale: None,
            max_sequence_length: MAX_SEQUENCE_LENGTH,
        }
    }

    /// A distilled checkpoint's recipe: its eight fixed sigmas and no guidance.
    pub fn distilled(
        width: usize,
        height: usize,
        num_frames: usize,
        prompt: &str,
        seed: u64,
    ) -> Self {
        Self {
            sigmas: SigmaSource::Custom(DISTILLED_SIGMAS.to_vec()),
            video_guidance: StreamGuidance::OFF,
            audio_guidance: StreamGuidance::OFF,
            ..Self::full(width, height, num_frames, prompt, seed)
        }
    }

    fn cfg_on(&self) -> bool {
        self.video_guidance.cfg > 1.0 || self.audio_guidance.cfg > 1.0
    }

    fn stg_on(&self) -> bool {
        self.video_guidance.stg > 0.0 || self.audio_guidance.stg > 0.0
    }

    fn modality_on(&self) -> bool {
        self.video_guidance.modality > 1.0 || self.audio_guidance.modality > 1.0
    }

    pub fn latent_frames(&self) -> usize {
        (self.num_frames - 1) / 8 + 1
    }

    /// Audio latent frames: `round(num_frames / fps · latents per second)`, rounding halves to
    /// even as Python's `round` does.
    pub fn audio_frames(&self, latents_per_second: f64) -> usize {
        let x = self.num_frames as f64 / self.frame_rate as f64 * latents_per_second;
        x.round_ties_even().max(1.0) as usize
    }
}

/// Where the pipeline runs and what it keeps between calls.
#[derive(Debug, Clone, Default)]
pub struct Ltx2Options {
    pub device: ComputeDevice,
    /// Prompt embeddings are cached here (by a hash of the text and the text components).
    pub cache_dir: Option<PathBuf>,
    /// Decode (and encode conditions) in tiles when larger than one tile.
    pub tiling: Option<Tiling>,
    /// What the text encoder, connectors and transformer compute in (`None` = the device's
    /// default: f32 on the CPU, bf16 on CUDA). The latents, the sampler and the decoders stay
    /// f32.
    pub dtype: Option<DType>,
}

impl Ltx2Options {
    fn dtype(&self) -> DType {
        self.dtype.unwrap_or_else(|| self.device.default_dtype())
    }
}

/// A generation's result.
#[derive(Debug, Clone)]
pub struct Ltx2Output {
    /// Decoded frames [F, H, W, 3] in [0, 1].
    pub video: Tensor,
    /// The waveform [channels, samples] in [-1, 1].
    pub audio: Tensor,
    pub sample_rate: usize,
    /// Final video latents [1, C, F', H', W'] (denormalised, as diffusers' latent output).
    pub latents: Tensor,
    /// Final audio latents [1, C, T, M'] (denormalised).
    pub audio_latents: Tensor,
}

impl Ltx2Output {
    /// The waveform as one vector of samples per channel, on the CPU in f32.
    pub fn waveform(&self) -> Result<Vec<Vec<f32>>> {
        self.audio
            .to_device(&Device::Cpu)
            .and_then(|a| a.to_dtype(DType::F32))
            .and_then(|a| a.to_vec2::<f32>())
            .map_err(c)
    }
}

/// Latents a generation starts from instead of pure noise: stage 2 of two-stage generation.
#[derive(Debug, Clone)]
pub struct StartLatents {
    /// Denormalised video latents [1, C, F', H', W'].
    pub video: Tensor,
    /// Denormalised audio latents [1, C, T, M'].
    pub audio: Tensor,
}

/// An opened LTX-2 folder; weights load per phase of each generation.
#[derive(Debug)]
pub struct Ltx2Pipeline {
    folder: Ltx2Folder,
    cfgs: Ltx2Configs,
    device: Device,
    options: Ltx2Options,
}

/// The state the denoising loop advances.
struct Latents {
    /// Packed video tokens [1, N (+ keyframe tokens), C].
    video: Tensor,
    /// Per video token: how much of the clean condition it keeps (0 for free tokens).
    mask: Vec<f32>,
    /// Clean condition tokens (zeros where unconditioned), like `video`.
    clean: Tensor,
    /// Packed audio tokens [1, T, C·M'].
    audio: Tensor,
    video_coords: Tensor,
    audio_coords: Tensor,
    /// Tokens of the video proper (without appended keyframes).
    base_tokens: usize,
    grid: (usize, usize, usize),
}

impl Ltx2Pipeline {
    /// Opens a folder and checks every component (configs, weight headers, tokenizer) before
    /// anything loads.
    pub fn open(root: impl AsRef<Path>, options: Ltx2Options) -> Result<Self> {
        let folder = Ltx2Folder::open(root)?;
        let cfgs = folder.check()?;
        let device = options.device.to_candle()?;
        Ok(Self {
            folder,
            cfgs,
            device,
            options,
        })
    }

    pub fn folder(&self) -> &Ltx2Folder {
        &self.folder
    }

    pub fn configs(&self) -> &Ltx2Configs {
        &self.cfgs
    }

    pub fn output_sampling_rate(&self) -> usize {
        self.cfgs.vocoder.output_sampling_rate()
    }

    pub fn spatial_compression(&self) -> usize {
        self.cfgs.vae.spatial_compression()
    }

    pub fn temporal_compression(&self) -> usize {
        self.cfgs.vae.temporal_compression()
    }

    /// The STG blocks the reference recommends for this checkpoint: 28 of 48 for 2.3 (built
    /// with perturbed attention), 29 for 2.0, scaled for other depths.
    pub fn default_stg_blocks(&self) -> Vec<usize> {
        let t = &self.cfgs.transformer;
        let block = if t.perturbed_attn { 28 } else { 29 };
        vec![(block * t.num_layers / 48).min(t.num_layers.saturating_sub(1))]
    }

    /// Frame count 8k+1, sizes multiples of 32, a usable text length and condition indices:
    /// refused with a message before anything loads.
    pub fn validate(&self, req: &Ltx2Request) -> Result<()> {
        let sc = self.spatial_compression();
        let tc = self.temporal_compression();
        if req.num_frames == 0 || (req.num_frames - 1) % tc != 0 {
            return Err(ModelError::InvalidRequest(format!(
                "LTX-2 generates {tc}k+1 frames; {} is not such a count",
                req.num_frames
            )));
        }
        if req.width == 0 || req.height == 0 || req.width % sc != 0 || req.height % sc != 0 {
            return Err(ModelError::InvalidRequest(format!(
                "width and height must be positive multiples of {sc}; got {}x{}",
                req.width, req.height
            )));
        }
        if !(req.frame_rate > 0.0) {
            return Err(ModelError::InvalidRequest(format!(
                "the frame rate must be positive, got {}",
                req.frame_rate
            )));
        }
        if req.max_sequence_length == 0 {
            return Err(ModelError::InvalidRequest(
                "the text sequence length must be positive".into(),
            ));
        }
        self.cfgs
            .connectors
            .check_sequence_length(req.max_sequence_length)?;
        let lf = (req.num_frames - 1) / tc + 1;
        for cond in &req.conditions {
            let idx = resolve_index(cond.latent_index, lf);
            if idx.is_none() {
                return Err(ModelError::InvalidRequest(format!(
                    "condition at latent frame {} is outside the {lf} latent frames",
                    cond.latent_index
                )));
            }
            if !(0.0..=1.0).contains(&cond.strength) {
                return Err(ModelError::InvalidRequest(format!(
                    "condition strength {} is outside [0, 1]",
                    cond.strength
                )));
            }
            let expected = cond.image.width as usize * cond.image.height as usize * 3;
            if cond.image.width == 0 || cond.image.height == 0 || cond.image.data.len() != expected
            {
                return Err(ModelError::InvalidRequest(format!(
                    "a condition image of {}x{} has {} bytes",
                    cond.image.width,
                    cond.image.height,
                    cond.image.data.len()
                )));
            }
        }
        let n_layers = self.cfgs.transformer.num_layers;
        if let Some(b) = req.stg_blocks.iter().find(|b| **b >= n_layers) {
            if req.stg_on() {
                return Err(ModelError::InvalidRequest(format!(
                    "spatio-temporal guidance block {b} does not exist (the transformer has {n_layers})"
                )));
            }
        }
        Ok(())
    }

    // --- text ------------------------------------------------------------------------------

    fn embedding_cache_path(&self, base: &str, text: &str, max_len: usize) -> Option<PathBuf> {
        let dir = self.options.cache_dir.as_ref()?;
        let mut h = Sha256::new();
        h.update(b"scene-model ltx2 prompt embedding v1\0");
        h.update(base.as_bytes());
        h.update((max_len as u64).to_le_bytes());
        h.update(format!("{:?}\0", self.options.dtype()).as_bytes());
        h.update(text.as_bytes());
        Some(dir.join(format!("ltx2-{}.safetensors", hex(&h.finalize()))))
    }

    /// Both streams' embeddings of each text, from the cache when possible; the text encoder
    /// and the connectors load only on a miss and are dropped before returning.
    pub fn encode_texts(
        &self,
        texts: &[&str],
        max_len: usize,
    ) -> Result<HashMap<String, PromptEmbeddings>> {
        let mut out = HashMap::new();
        let base = match &self.options.cache_dir {
            Some(_) => Some(self.folder.text_fingerprint()?),
            None => None,
        };
        let mut missing = Vec::new();
        for text in texts {
            if out.contains_key(*text) || missing.contains(text) {
                continue;
            }
            let cached = base
                .as_ref()
                .and_then(|b| self.embedding_cache_path(b, text, max_len))
                .and_then(|p| load_embedding(&p, &self.device));
            match cached {
                Some(e) => {
                    out.insert(text.to_string(), e);
                }
                None => missing.push(*text),
            }
        }
        if missing.is_empty() {
            return Ok(out);
        }
        let dtype = self.options.dtype();
        // Phase 1: Gemma (the largest model of the pipeline) for every missing text.
        let tokenizer = GemmaTokenizer::from_dir(&self.folder.component_dir("tokenizer"))?;
        let weights = self.folder.weights("text_encoder")?;
        let prefix =
            weight_prefix(|n| weights.contains(n)).ok_or_else(|| ModelError::MissingTensor {
                component: "text_encoder".into(),
                name: "language_model.model.embed_tokens.weight".into(),
            })?;
        let encoder = weights.build(dtype, &self.device, |vb| {
            GemmaEncoder::load(&self.cfgs.text_encoder, prefix, vb)
        })?;
        let encoded = missing
            .iter()
            .map(|t| encode_prompt(&tokenizer, &encoder, t, max_len))
            .collect::<Result<Vec<_>>>()?;
        drop(encoder);
        drop(weights);
        // Phase 2: the connectors.
        let connectors = self
            .folder
            .weights("connectors")?
            .build(dtype, &self.device, |vb| {
                TextConnectors::load(&self.cfgs.connectors, vb)
            })?;
        for (text, enc) in missing.iter().zip(encoded) {
            let emb = connectors.forward(&enc)?;
            if let Some(path) = base
                .as_ref()
                .and_then(|b| self.embedding_cache_path(b, text, max_len))
            {
                store_embedding(&path, &emb)?;
            }
            out.insert(text.to_string(), emb);
        }
        Ok(out)
    }

    // --- latents ---------------------------------------------------------------------------

    fn load_vae(&self) -> Result<Ltx2Vae> {
        self.folder
            .weights("vae")?
            .build(DType::F32, &self.device, |vb| {
                Ltx2Vae::load(&self.cfgs.vae, vb)
                    .map_err(|e| candle_core::Error::Msg(e.to_string()))
            })
    }

    /// The noised starting latents, conditions applied (`LTX2ConditionPipeline.prepare_latents`
    /// and `prepare_audio_latents`).
    fn prepare_latents(
        &self,
        req: &Ltx2Request,
        start: Option<&StartLatents>,
        noise_scale: f32,
        rng: &mut NoiseRng,
    ) -> Result<Latents> {
        let dev = &self.device;
        let sc = self.spatial_compression();
        let tc = self.temporal_compression();
        let channels = self.cfgs.transformer.in_channels;
        let (lf, lh, lw) = match start {
            Some(s) => {
                let (_, _, f, h, w) = s.video.dims5()?;
                (f, h, w)
            }
            None => (req.latent_frames(), req.height / sc, req.width / sc),
        };
        let n = lf * lh * lw;
        let vae = if start.is_some() || !req.conditions.is_empty() {
            Some(self.load_vae()?)
        } else {
            None
        };
        let mut video = match (start, &vae) {
            (Some(s), Some(vae)) => pack(&vae.normalize(&s.video.to_device(dev)?)?)?,
            _ => Tensor::zeros((1, n, channels), DType::F32, dev)?,
        };
        let mut mask = vec![0f32; n];
        let mut clean = Tensor::zeros((1, n, channels), DType::F32, dev)?;
        let mut coords = video_coords(lf, lh, lw, (tc, sc), req.frame_rate);
        let mut extra_tokens = Vec::new();
        if let Some(vae) = &vae {
            for cond in &req.conditions {
                let Some(idx) = resolve_index(cond.latent_index, lf) else {
                    continue;
                };
                let pixels = condition_pixels(&cond.image, lh * sc, lw * sc, dev)?;
                let latent =
                    vae.normalize(&vae.encode_mode(&pixels, self.options.tiling.as_ref())?)?;
                let tokens = pack(&latent)?;
                let k = tokens.dim(1)?;
                if idx == 0 {
                    // First-frame condition: overwrite the first latent frame's tokens.
                    video = video.slice_assign(&[0..1, 0..k, 0..channels], &tokens)?;
                    clean = clean.slice_assign(&[0..1, 0..k, 0..channels], &tokens)?;
                    for m in mask.iter_mut().take(k) {
                        *m = cond.strength;
                    }
                } else {
                    // A keyframe: extra tokens at its own time, one pixel frame long.
                    let pixel_frame = (idx - 1) * tc + 1;
                    let (_, _, _, kh, kw) = latent.dims5()?;
                    coords.extend(keyframe_coords(
                        kh,
                        kw,
                        pixel_frame,
                        (tc, sc),
                        req.frame_rate,
                    ));
                    extra_tokens.push(tokens);
                    mask.extend(std::iter::repeat_n(cond.strength, k));
                }
            }
        }
        drop(vae);
        if !extra_tokens.is_empty() {
            let mut all = vec![video];
            all.extend(extra_tokens.iter().cloned());
            video = Tensor::cat(&all, 1)?;
            let mut all = vec![clean];
            all.extend(extra_tokens);
            clean = Tensor::cat(&all, 1)?;
        }
        let total = video.dim(1)?;
        // Noise to the initial level, less of it on conditioned tokens.
        let noise = rng.normal((1, total, channels), dev)?;
        let scaled: Vec<f32> = mask.iter().map(|m| (1.0 - m) * noise_scale).collect();
        let scaled = Tensor::from_vec(scaled, (1, total, 1), dev)?;
        let keep = (scaled.ones_like()? - &scaled)?;
        let video = noise
            .broadcast_mul(&scaled)?
            .add(&video.broadcast_mul(&keep)?)?;

        let audio_cfg = &self.cfgs.audio_vae;
        let audio_frames = match start {
            Some(s) => s.audio.dim(2)?,
            None => req.audio_frames(audio_cfg.latents_per_second()),
        };
        let packed = audio_cfg.packed_channels();
        let audio = match start {
            Some(s) => {
                let decoder = self.load_audio_decoder()?;
                let (mean, std) = decoder.statistics();
                let a = pack_audio(&s.audio.to_device(dev)?)?;
                let a = a.broadcast_sub(mean)?.broadcast_div(std)?;
                let noise = rng.normal((1, audio_frames, packed), dev)?;
                ((noise * noise_scale as f64)? + (a * (1.0 - noise_scale) as f64)?)?
            }
            None => rng.normal((1, audio_frames, packed), dev)?,
        };
        let video_coords = Tensor::from_vec(coords_to_vec(&coords), (1, 3, coords.len(), 2), dev)?;
        let audio_coords = audio_coords(
            audio_frames,
            self.cfgs.transformer.audio_scale_factor,
            self.cfgs.transformer.causal_offset,
            audio_cfg.mel_hop_length,
            audio_cfg.sample_rate,
            dev,
        )?;
        Ok(Latents {
            video,
            mask,
            clean,
            audio,
            video_coords,
            audio_coords,
            base_tokens: n,
            grid: (lf, lh, lw),
        })
    }

    fn load_audio_decoder(&self) -> Result<AudioDecoder> {
        self.folder
            .weights("audio_vae")?
            .build(DType::F32, &self.device, |vb| {
                AudioDecoder::load(&self.cfgs.audio_vae, vb)
            })
    }

    // --- denoising ---------------------------------------------------------------------------

    /// Runs the schedule over `state` with the loaded transformer.
    #[allow(clippy::too_many_arguments)]
    fn denoise(
        &self,
        transformer: &Ltx2Transformer,
        req: &Ltx2Request,
        positive: &PromptEmbeddings,
        negative: Option<&PromptEmbeddings>,
        schedule: &Ltx2Schedule,
        state: &mut Latents,
        progress: &mut dyn FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<()> {
        let dev = &self.device;
        let cfg_on = negative.is_some();
        let stg_on = req.stg_on() && self.cfgs.transformer.perturbed_attn;
        let modality_on = req.modality_on();
        let (vg, ag) = (req.video_guidance, req.audio_guidance);
        let total = schedule.len();
        let n_tokens = state.video.dim(1)?;
        let mask_t = Tensor::from_vec(state.mask.clone(), (1, n_tokens, 1), dev)?;
        let keep_t = (mask_t.ones_like()? - &mask_t)?;
        let cat2 = |a: &Tensor, b: &Tensor| Tensor::cat(&[a, b], 0);
        let (video_text, audio_text, coords2, audio_coords2) = match negative {
            Some(neg) => (
                cat2(&neg.video, &positive.video)?,
                cat2(&neg.audio, &positive.audio)?,
                cat2(&state.video_coords, &state.video_coords)?,
                cat2(&state.audio_coords, &state.audio_coords)?,
            ),
            None => (
                positive.video.clone(),
                positive.audio.clone(),
                state.video_coords.clone(),
                state.audio_coords.clone(),
            ),
        };
        for i in 0..total {
            if cancel.load(Ordering::Relaxed) {
                return Err(ModelError::Cancelled);
            }
            let t = schedule.timesteps[i];
            let sigma = schedule.sigmas[i];
            let batch = if cfg_on { 2 } else { 1 };
            let per_token: Vec<f32> = state.mask.iter().map(|m| t * (1.0 - m)).collect();
            let video_t1 = Tensor::from_vec(per_token, (1, n_tokens), dev)?;
            let scalar = |b: usize| Tensor::from_vec(vec![t; b], b, dev);
            let run = |video: &Tensor,
                       audio: &Tensor,
                       vt: &Tensor,
                       at: &Tensor,
                       coords: &Tensor,
                       acoords: &Tensor,
                       b: usize,
                       options: PassOptions|
             -> Result<(Tensor, Tensor)> {
                let video_t = if b == 1 {
                    video_t1.clone()
                } else {
                    cat2(&video_t1, &video_t1)?
                };
                let sig = scalar(b)?;
                let audio_t = sig.reshape((b, 1))?;
                transformer.forward(
                    &Ltx2Inputs {
                        video,
                        audio,
                        video_text: vt,
                        audio_text: at,
                        text_mask: None,
                        video_timestep: &video_t,
                        audio_timestep: &audio_t,
                        sigma: &sig,
                        audio_sigma: &sig,
                        video_coords: coords,
                        audio_coords: acoords,
                    },
                    &options,
                )
            };
            let base = PassOptions {
                use_cross_timestep: req.use_cross_timestep,
                ..Default::default()
            };
            let (video_in, audio_in) = if cfg_on {
                (
                    cat2(&state.video, &state.video)?,
                    cat2(&state.audio, &state.audio)?,
                )
            } else {
                (state.video.clone(), state.audio.clone())
            };
            let (pv, pa) = run(
                &video_in,
                &audio_in,
                &video_text,
                &audio_text,
                &coords2,
                &audio_coords2,
                batch,
                base.clone(),
            )?;
            let to_x0 = |x: &Tensor, v: &Tensor| x.sub(&(v * sigma as f64)?);
            let (x0_v, x0_a, mut dv, mut da) = if cfg_on {
                let x0_v = to_x0(&state.video, &pv.i(1..2)?)?;
                let x0_a = to_x0(&state.audio, &pa.i(1..2)?)?;
                let un_v = to_x0(&state.video, &pv.i(0..1)?)?;
                let un_a = to_x0(&state.audio, &pa.i(0..1)?)?;
                let dv = ((&x0_v - &un_v)? * (vg.cfg - 1.0) as f64)?;
                let da = ((&x0_a - &un_a)? * (ag.cfg - 1.0) as f64)?;
                (x0_v, x0_a, dv, da)
            } else {
                let x0_v = to_x0(&state.video, &pv)?;
                let x0_a = to_x0(&state.audio, &pa)?;
                let (dv, da) = (x0_v.zeros_like()?, x0_a.zeros_like()?);
                (x0_v, x0_a, dv, da)
            };
            let single = |options: PassOptions| {
                run(
                    &state.video,
                    &state.audio,
                    &positive.video,
                    &positive.audio,
                    &state.video_coords,
                    &state.audio_coords,
                    1,
                    options,
                )
            };
            if stg_on {
                let (sv, sa) = single(PassOptions {
                    stg_blocks: req.stg_blocks.clone(),
                    ..base.clone()
                })?;
                dv = (dv + ((&x0_v - to_x0(&state.video, &sv)?)? * vg.stg as f64)?)?;
                da = (da + ((&x0_a - to_x0(&state.audio, &sa)?)? * ag.stg as f64)?)?;
            }
            if modality_on {
                let (mv, ma) = single(PassOptions {
                    isolate_modalities: true,
                    ..base.clone()
                })?;
                dv = (dv + ((&x0_v - to_x0(&state.video, &mv)?)? * (vg.modality - 1.0) as f64)?)?;
                da = (da + ((&x0_a - to_x0(&state.audio, &ma)?)? * (ag.modality - 1.0) as f64)?)?;
            }
            let guided_v = rescale(&(&x0_v + dv)?, &x0_v, vg.rescale)?;
            let guided_a = rescale(&(&x0_a + da)?, &x0_a, ag.rescale)?;
            // Conditioned tokens keep their clean latents in proportion to their strength.
            let denoised_v = guided_v
                .broadcast_mul(&keep_t)?
                .add(&state.clean.broadcast_mul(&mask_t)?)?;
            let sigma_t = Tensor::new(sigma, dev)?;
            let to_v = |x: &Tensor, x0: &Tensor| (x - x0)?.broadcast_div(&sigma_t);
            let vel_v = to_v(&state.video, &denoised_v)?;
            let vel_a = to_v(&state.audio, &guided_a)?;
            state.video = schedule.step(i, &vel_v, &state.video)?;
            state.audio = schedule.step(i, &vel_a, &state.audio)?;
            progress(i + 1, total);
        }
        Ok(())
    }

    /// Text, latents and denoising of one stage. Returns the video latents (normalised,
    /// [1, C, F', H', W']) and the audio latents (denormalised, [1, C, T, M']).
    fn run_stage(
        &self,
        req: &Ltx2Request,
        start: Option<&StartLatents>,
        scheduler: &SchedulerConfig,
        rng: &mut NoiseRng,
        progress: &mut dyn FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<(Tensor, Tensor)> {
        let stop = || {
            if cancel.load(Ordering::Relaxed) {
                Err(ModelError::Cancelled)
            } else {
                Ok(())
            }
        };
        self.validate(req)?;
        stop()?;
        let cfg_on = req.cfg_on();
        let mut texts = vec![req.prompt.as_str()];
        if cfg_on {
            texts.push(req.negative.as_str());
        }
        let emb = self.encode_texts(&texts, req.max_sequence_length)?;
        let get = |t: &str| {
            emb.get(t)
                .cloned()
                .ok_or_else(|| ModelError::InvalidRequest(format!("text {t:?} was not encoded")))
        };
        let positive = get(&req.prompt)?;
        let negative = if cfg_on {
            Some(get(&req.negative)?)
        } else {
            None
        };
        drop(emb);
        stop()?;

        let noise_scale = match &req.sigmas {
            SigmaSource::Custom(v) => v.first().copied().unwrap_or(1.0) as f32,
            SigmaSource::Steps(_) => 1.0,
        };
        let mut state = self.prepare_latents(req, start, noise_scale, rng)?;
        let mu = mu_for(scheduler, state.video.dim(1)?);
        let schedule = Ltx2Schedule::new(scheduler, &req.sigmas, mu)?;
        stop()?;

        let transformer = self.folder.weights("transformer")?.build(
            self.options.dtype(),
            &self.device,
            |vb| Ltx2Transformer::load(&self.cfgs.transformer, vb),
        )?;
        self.denoise(
            &transformer,
            req,
            &positive,
            negative.as_ref(),
            &schedule,
            &mut state,
            progress,
            cancel,
        )?;
        drop(transformer);

        let (lf, lh, lw) = state.grid;
        let channels = self.cfgs.transformer.in_channels;
        let video = state
            .video
            .narrow(1, 0, state.base_tokens)?
            .reshape((1, lf, lh, lw, channels))?
            .permute([0, 4, 1, 2, 3])?
            .contiguous()?;
        let audio_decoder = self.load_audio_decoder()?;
        let (mean, std) = audio_decoder.statistics();
        let audio = state.audio.broadcast_mul(std)?.broadcast_add(mean)?;
        let mels = self.cfgs.audio_vae.mel_bins() / AUDIO_COMPRESSION;
        let (_, frames, d) = audio.dims3()?;
        let audio = audio
            .reshape((1, frames, d / mels, mels))?
            .transpose(1, 2)?
            .contiguous()?;
        Ok((video, audio))
    }

    /// Video latents (normalised) and audio latents (denormalised) to frames and sound.
    fn decode(
        &self,
        video_latents: &Tensor,
        audio_latents: &Tensor,
        req: &Ltx2Request,
        rng: &mut NoiseRng,
    ) -> Result<Ltx2Output> {
        let vae = self.load_vae()?;
        let mut z = video_latents.clone();
        let timestep = if self.cfgs.vae.timestep_conditioning {
            let noise = rng.normal(z.shape(), &self.device)?;
            let s = req.decode_noise_scale.unwrap_or(req.decode_timestep);
            z = ((z * (1.0f32 - s) as f64)? + (noise * s as f64)?)?;
            Some(Tensor::new(&[req.decode_timestep], &self.device)?)
        } else {
            None
        };
        let latents = vae.denormalize(&z)?;
        let video = vae.decode(
            &latents,
            timestep.as_ref(),
            rng,
            self.options.tiling.as_ref(),
        )?;
        drop(vae);
        let video = ((video * 0.5)? + 0.5)?
            .clamp(0f32, 1f32)?
            .squeeze(0)?
            .permute([1, 2, 3, 0])?
            .contiguous()?;
        let mel = self.load_audio_decoder()?.decode(audio_latents)?;
        let vocoder = self
            .folder
            .weights("vocoder")?
            .build(DType::F32, &self.device, |vb| {
                Vocoder::load(&self.cfgs.vocoder, vb)
            })?;
        let audio = vocoder.forward(&mel)?.squeeze(0)?;
        Ok(Ltx2Output {
            video,
            audio,
            sample_rate: self.output_sampling_rate(),
            latents,
            audio_latents: audio_latents.clone(),
        })
    }

    /// One generation. `progress(step, total)` is called after every denoising step; setting
    /// `cancel` stops the generation between steps with [`ModelError::Cancelled`].
    pub fn generate(
        &self,
        req: &Ltx2Request,
        progress: &mut dyn FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<Ltx2Output> {
        let mut rng = NoiseRng::new(req.seed);
        let (video, audio) =
            self.run_stage(req, None, &self.cfgs.scheduler, &mut rng, progress, cancel)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(ModelError::Cancelled);
        }
        self.decode(&video, &audio, req, &mut rng)
    }

    /// Two-stage generation as Lightricks recommends: `req` runs at half its width and height,
    /// the latent upsampler in `upsampler_dir` doubles the latents, and a second, short pass
    /// ([`STAGE_2_SIGMAS`], no guidance, the scheduler's shifting off as the reference's recipe
    /// sets it) refines them at full size. Sizes must be multiples of 64. Progress counts both
    /// stages' steps.
    pub fn generate_two_stage(
        &self,
        req: &Ltx2Request,
        upsampler_dir: &Path,
        progress: &mut dyn FnMut(usize, usize),
        cancel: &AtomicBool,
    ) -> Result<Ltx2Output> {
        let sc = self.spatial_compression();
        if req.width % (2 * sc) != 0 || req.height % (2 * sc) != 0 {
            return Err(ModelError::InvalidRequest(format!(
                "two-stage generation needs sizes that are multiples of {}; got {}x{}",
                2 * sc,
                req.width,
                req.height
            )));
        }
        let up_cfg: UpsamplerConfig = crate::loader::read_json(&upsampler_dir.join("config.json"))?;
        up_cfg.validate()?;
        if up_cfg.in_channels != self.cfgs.vae.latent_channels {
            return Err(ModelError::unsupported(
                "latent_upsampler",
                "in_channels",
                up_cfg.in_channels,
                "must equal the VAE's latent channels",
            ));
        }
        let up_weights = crate::loader::Weights::open("latent_upsampler", upsampler_dir)?;
        let stage1 = Ltx2Request {
            width: req.width / 2,
            height: req.height / 2,
            ..req.clone()
        };
        let stage2 = Ltx2Request {
            sigmas: SigmaSource::Custom(STAGE_2_SIGMAS.to_vec()),
            video_guidance: StreamGuidance::OFF,
            audio_guidance: StreamGuidance::OFF,
            ..req.clone()
        };
        let n1 = Ltx2Schedule::new(&self.cfgs.scheduler, &stage1.sigmas, 1.0)?.len();
        let total = n1 + STAGE_2_SIGMAS.len();
        let mut rng = NoiseRng::new(req.seed);
        let (video, audio) = self.run_stage(
            &stage1,
            None,
            &self.cfgs.scheduler,
            &mut rng,
            &mut |i, _| progress(i, total),
            cancel,
        )?;
        let vae = self.load_vae()?;
        let low = vae.denormalize(&video)?;
        drop(vae);
        let upsampler = up_weights.build(DType::F32, &self.device, |vb| {
            LatentUpsampler::load(&up_cfg, vb)
        })?;
        let high = upsampler.forward(&low)?;
        drop(upsampler);
        let start = StartLatents { video: high, audio };
        let static_sched = SchedulerConfig {
            use_dynamic_shifting: false,
            shift_terminal: None,
            ..self.cfgs.scheduler.clone()
        };
        let (video, audio) = self.run_stage(
            &stage2,
            Some(&start),
            &static_sched,
            &mut rng,
            &mut |i, _| progress(n1 + i, total),
            cancel,
        )?;
        self.decode(&video, &audio, req, &mut rng)
    }
}

/// `max(index % n, 0)` for negative indices; `None` when past the end.
fn resolve_index(index: i64, n: usize) -> Option<usize> {
    let n = n as i64;
    let idx = if index < 0 {
        index.rem_euclid(n)
    } else {
        index
    };
    (idx < n).then_some(idx as usize)
}

/// [1, C, F, H, W] → [1, F·H·W, C].
fn pack(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, c, f, h, w) = x.dims5()?;
    x.permute([0, 2, 3, 4, 1])?.reshape((b, f * h * w, c))
}

/// [1, C, T, M'] → [1, T, C·M'].
fn pack_audio(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, c, t, m) = x.dims4()?;
    x.transpose(1, 2)?.reshape((b, t, c * m))
}

/// One token's `[start, end)` bounds: (seconds, pixel row, pixel column).
type Bounds = [[f32; 2]; 3];

/// `prepare_video_coords`: latent cells scaled to pixels, the time axis shifted by the causal
/// first frame (`+1 - 8`, clamped at 0) and divided by the frame rate.
fn video_coords(
    lf: usize,
    lh: usize,
    lw: usize,
    (tc, sc): (usize, usize),
    fps: f32,
) -> Vec<Bounds> {
    let mut out = Vec::with_capacity(lf * lh * lw);
    for f in 0..lf {
        let t0 = ((f * tc) as f32 + 1.0 - tc as f32).max(0.0) / fps;
        let t1 = (((f + 1) * tc) as f32 + 1.0 - tc as f32).max(0.0) / fps;
        for h in 0..lh {
            for w in 0..lw {
                out.push([
                    [t0, t1],
                    [(h * sc) as f32, ((h + 1) * sc) as f32],
                    [(w * sc) as f32, ((w + 1) * sc) as f32],
                ]);
            }
        }
    }
    out
}

/// `_prepare_keyframe_coords` for a one-frame keyframe at `pixel_frame`: no causal shift, one
/// pixel frame long.
fn keyframe_coords(
    kh: usize,
    kw: usize,
    pixel_frame: usize,
    (_, sc): (usize, usize),
    fps: f32,
) -> Vec<Bounds> {
    let t0 = pixel_frame as f32;
    let t1 = t0 + 1.0;
    let mut out = Vec::with_capacity(kh * kw);
    for h in 0..kh {
        for w in 0..kw {
            out.push([
                [t0 / fps, t1 / fps],
                [(h * sc) as f32, ((h + 1) * sc) as f32],
                [(w * sc) as f32, ((w + 1) * sc) as f32],
            ]);
        }
    }
    out
}

/// Bounds as [3, N, 2] row-major.
fn coords_to_vec(coords: &[Bounds]) -> Vec<f32> {
    let n = coords.len();
    let mut v = vec![0f32; 3 * n * 2];
    for (t, b) in coords.iter().enumerate() {
        for axis in 0..3 {
            v[(axis * n + t) * 2] = b[axis][0];
            v[(axis * n + t) * 2 + 1] = b[axis][1];
        }
    }
    v
}

/// `prepare_audio_coords`: each latent frame's `[start, end)` in seconds of the mel
/// spectrogram it stands for (causally shifted like the video's first frame).
fn audio_coords(
    frames: usize,
    scale: usize,
    causal_offset: usize,
    hop: usize,
    sample_rate: usize,
    dev: &Device,
) -> candle_core::Result<Tensor> {
    let seconds = |f: usize| {
        let mel = ((f * scale) as f32 + causal_offset as f32 - scale as f32).max(0.0);
        mel * hop as f32 / sample_rate as f32
    };
    let v: Vec<f32> = (0..frames)
        .flat_map(|f| [seconds(f), seconds(f + 1)])
        .collect();
    Tensor::from_vec(v, (1, 1, frames, 2), dev)
}

/// diffusers' `rescale_noise_cfg`: the guided prediction scaled to the unguided one's
/// standard deviation (unbiased, over all but the batch), blended by `amount`.
fn rescale(guided: &Tensor, plain: &Tensor, amount: f64) -> candle_core::Result<Tensor> {
    if amount <= 0.0 {
        return Ok(guided.clone());
    }
    let std = |x: &Tensor| -> candle_core::Result<f64> {
        let v: Vec<f32> = x.flatten_all()?.to_vec1()?;
        let n = v.len() as f64;
        let mean = v.iter().map(|x| *x as f64).sum::<f64>() / n;
        let var = v.iter().map(|x| (*x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        Ok(var.sqrt())
    };
    let ratio = (std(plain)? as f32 / std(guided)? as f32) as f64;
    let rescaled = (guided * ratio)?;
    (rescaled * amount)? + (guided * (1.0 - amount))?
}

/// An RGB image resized to cover `height`×`width` (bilinear, without antialiasing, as
/// `F.interpolate`), centre-cropped, and mapped to [-1, 1]: [1, 3, 1, H, W].
pub fn condition_pixels(
    img: &RgbFrame,
    height: usize,
    width: usize,
    dev: &Device,
) -> Result<Tensor> {
    let (sh, sw) = (img.height as usize, img.width as usize);
    let scale = (height as f64 / sh as f64).max(width as f64 / sw as f64);
    let nh = (sh as f64 * scale).ceil() as usize;
    let nw = (sw as f64 * scale).ceil() as usize;
    let top = (nh - height) / 2;
    let left = (nw - width) / 2;
    // Source coordinate of an output index: max(in/out · (i + 0.5) - 0.5, 0), in f32.
    let axis = |n_in: usize, n_out: usize, i: usize| -> (usize, usize, f32) {
        let s = n_in as f32 / n_out as f32;
        let src = (s * (i as f32 + 0.5) - 0.5).max(0.0);
        let i0 = (src.floor() as usize).min(n_in - 1);
        let i1 = if i0 < n_in - 1 { i0 + 1 } else { i0 };
        (i0, i1, src - i0 as f32)
    };
    let mut out = vec![0f32; 3 * height * width];
    for y in 0..height {
        let (y0, y1, ly) = axis(sh, nh, y + top);
        for x in 0..width {
            let (x0, x1, lx) = axis(sw, nw, x + left);
            for ch in 0..3 {
                let p = |yy: usize, xx: usize| img.data[(yy * sw + xx) * 3 + ch] as f32;
                let v = (1.0 - ly) * ((1.0 - lx) * p(y0, x0) + lx * p(y0, x1))
                    + ly * ((1.0 - lx) * p(y1, x0) + lx * p(y1, x1));
                out[(ch * height + y) * width + x] = v / 127.5 - 1.0;
            }
        }
    }
    Ok(Tensor::from_vec(out, (1, 3, 1, height, width), dev)?)
}

fn load_embedding(path: &Path, dev: &Device) -> Option<PromptEmbeddings> {
    let map = candle_core::safetensors::load(path, dev).ok()?;
    let video = map.get("video")?.clone();
    let audio = map.get("audio")?.clone();
    (video.rank() == 3 && audio.rank() == 3).then_some(PromptEmbeddings { video, audio })
}

fn store_embedding(path: &Path, emb: &PromptEmbeddings) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ModelError::io(dir, e))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut map = HashMap::new();
    map.insert(
        "video".to_string(),
        emb.video.to_device(&Device::Cpu).map_err(c)?,
    );
    map.insert(
        "audio".to_string(),
        emb.audio.to_device(&Device::Cpu).map_err(c)?,
    );
    candle_core::safetensors::save(&map, &tmp).map_err(c)?;
    std::fs::rename(&tmp, path).map_err(|e| ModelError::io(path, e))
}
