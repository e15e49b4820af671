//! A whole guided generation against diffusers' `LTXConditionPipeline` with the same draws:
//! classifier-free guidance, two conditioning items (frame 0 at strength 1, frame 8 at 0.8,
//! which adds extra conditioning tokens), per-token timesteps, timestep-conditioned decoding
//! with noise injection; and a video-to-video run from a guide.

mod common;

use candle_core::{IndexOp, Tensor};
use common::*;
use scene_model::pipeline::{video_to_frames, PipelineOptions};
use scene_model::{Condition, GenerationRequest, Guide, LtxPipeline, RgbFrame};

fn frame_from(t: &Tensor) -> RgbFrame {
    let (h, w, _) = t.dims3().unwrap();
    let data: Vec<f32> = t.flatten_all().unwrap().to_vec1().unwrap();
    RgbFrame {
        width: w as u32,
        height: h as u32,
        data: data.iter().map(|v| *v as u8).collect(),
    }
}

fn base_request(meta: &serde_json::Value) -> GenerationRequest {
    let mut req = GenerationRequest::new(
        meta["width"].as_u64().unwrap() as usize,
        meta["height"].as_u64().unwrap() as usize,
        meta["num_frames"].as_u64().unwrap() as usize,
        meta["prompt"].as_str().unwrap(),
        meta["seed"].as_u64().unwrap(),
    );
    req.negative = meta["negative_prompt"].as_str().unwrap().to_string();
    req.frame_rate = meta["frame_rate"].as_f64().unwrap() as f32;
    req.num_inference_steps = meta["num_inference_steps"].as_u64().unwrap() as usize;
    req.guidance_scale = meta["guidance_scale"].as_f64().unwrap() as f32;
    req.decode_timestep = meta["decode_timestep"].as_f64().unwrap() as f32;
    req.decode_noise_scale = Some(meta["decode_noise_scale"].as_f64().unwrap() as f32);
    req.image_cond_noise_scale = meta["image_cond_noise_scale"].as_f64().unwrap() as f32;
    req
}

#[test]
fn generation_parity_guided_with_conditioning_items() {
    let meta = golden_json("generation");
    let g = golden("generation");
    let mut req = base_request(&meta);
    for c in meta["conditions"].as_array().unwrap() {
        req.conditions.push(Condition {
            frames: vec![frame_from(&g[c["image"].as_str().unwrap()])],
            frame_index: c["frame_index"].as_u64().unwrap() as usize,
            strength: c["strength"].as_f64().unwrap() as f32,
        });
    }
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let mut steps = Vec::new();
    let out = pipe
        .generate_tensors(&req, &mut |i, n| steps.push((i, n)))
        .unwrap();
    assert_eq!(steps, vec![(1, 3), (2, 3), (3, 3)]);
    assert_close("final latents", &out.latents, &g["latents"]);
    assert_close("decoded video", &out.video, &g["video"]);
    // The byte frames are the rounded float video.
    let frames = video_to_frames(&out.video).unwrap();
    assert_eq!(frames.len(), 17);
    assert_eq!((frames[0].width, frames[0].height), (96, 32));
}

#[test]
fn generation_parity_video_to_video_guide() {
    let meta = golden_json("generation");
    let guide_meta = golden_json("generation_guide");
    let g = golden("generation_guide");
    let mut req = base_request(&meta);
    let n = g["guide"].dim(0).unwrap();
    req.num_frames = n;
    req.seed = guide_meta["seed"].as_u64().unwrap();
    req.num_inference_steps = guide_meta["steps"].as_u64().unwrap() as usize;
    req.guide = Some(Guide {
        frames: (0..n)
            .map(|i| frame_from(&g["guide"].i(i).unwrap()))
            .collect(),
        strength: guide_meta["strength"].as_f64().unwrap() as f32,
    });
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let mut steps = 0;
    let out = pipe.generate_tensors(&req, &mut |_, _| steps += 1).unwrap();
    assert_eq!(steps, 2, "strength 0.6 of 4 steps keeps the last 2");
    assert_close("guided video", &out.video, &g["video"]);
}

#[test]
fn prompt_travel_single_keyframe_equals_plain_generation() {
    let meta = golden_json("generation");
    let mut req = base_request(&meta);
    req.num_inference_steps = 2;
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let plain = pipe.generate_tensors(&req, &mut |_, _| {}).unwrap();
    req.prompt_weights = vec![vec![1.0]; req.latent_frames()];
    let travel = pipe.generate_tensors(&req, &mut |_, _| {}).unwrap();
    assert_eq!(max_abs_diff(&plain.video, &travel.video), 0.0);
    // Two keyframes weighted (1, 0) everywhere are the first keyframe alone.
    req.prompts.push("waves crash against black rocks".into());
    req.prompt_weights = vec![vec![1.0, 0.0]; req.latent_frames()];
    let first_only = pipe.generate_tensors(&req, &mut |_, _| {}).unwrap();
    assert_eq!(max_abs_diff(&plain.video, &first_only.video), 0.0);
    // And travelling towards the second prompt changes the result.
    req.prompt_weights = vec![vec![1.0, 0.0], vec![0.5, 0.5], vec![0.0, 1.0]];
    let travelled = pipe.generate_tensors(&req, &mut |_, _| {}).unwrap();
    assert!(max_abs_diff(&plain.video, &travelled.video) > 1e-4);
}

#[test]
fn generation_is_deterministic_and_seeded() {
    let meta = golden_json("generation");
    let mut req = base_request(&meta);
    req.num_inference_steps = 1;
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let a = pipe.generate(&req, &mut |_, _| {}).unwrap();
    let b = pipe.generate(&req, &mut |_, _| {}).unwrap();
    assert_eq!(a, b);
    req.seed += 1;
    let c = pipe.generate(&req, &mut |_, _| {}).unwrap();
    assert_ne!(a, c);
}

#[test]
fn prompt_embeddings_are_cached_by_content() {
    let meta = golden_json("generation");
    let mut req = base_request(&meta);
    req.num_inference_steps = 1;
    let cache = tempfile::tempdir().unwrap();
    let opts = PipelineOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        ..Default::default()
    };
    let pipe = LtxPipeline::open(fixture(), opts).unwrap();
    let first = pipe.generate(&req, &mut |_, _| {}).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert_eq!(entries.len(), 2, "prompt and negative prompt: {entries:?}");
    assert!(entries
        .iter()
        .all(|p| p.extension().unwrap() == "safetensors"));
    let second = pipe.generate(&req, &mut |_, _| {}).unwrap();
    assert_eq!(first, second, "cached embeddings give the same frames");
}

#[test]
fn invalid_requests_are_errors() {
    let meta = golden_json("generation");
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let mut req = base_request(&meta);
    req.num_frames = 16;
    let err = pipe.generate(&req, &mut |_, _| {}).unwrap_err().to_string();
    assert!(err.contains("8k+1") && err.contains("17"), "{err}");
    let mut req = base_request(&meta);
    req.width = 100;
    let err = pipe.generate(&req, &mut |_, _| {}).unwrap_err().to_string();
    assert!(err.contains("multiple of 32"), "{err}");
    let mut req = base_request(&meta);
    req.prompts.push("second".into());
    let err = pipe.generate(&req, &mut |_, _| {}).unwrap_err().to_string();
    assert!(err.contains("prompt_weights"), "{err}");
    let mut req = base_request(&meta);
    req.conditions.push(Condition {
        frames: vec![RgbFrame {
            width: 8,
            height: 8,
            data: vec![0; 192],
        }],
        frame_index: 0,
        strength: 1.0,
    });
    let err = pipe.generate(&req, &mut |_, _| {}).unwrap_err().to_string();
    assert!(err.contains("resize"), "{err}");
}

/// The bf16 transformer (what CUDA computes in) on the CPU: the same generation within bf16's
/// precision of the f32 one. The parity above is f32's; this guards the dtype plumbing (casts
/// on the way in and out, f32 normalisations) that a GPU build relies on.
#[test]
fn a_bf16_transformer_follows_the_f32_generation() {
    let meta = golden_json("generation");
    let mut req = base_request(&meta);
    req.num_inference_steps = 2;
    let f32_pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let bf16_pipe = LtxPipeline::open(
        fixture(),
        PipelineOptions {
            transformer_dtype: Some(candle_core::DType::BF16),
            ..PipelineOptions::default()
        },
    )
    .unwrap();
    let full = f32_pipe.generate_tensors(&req, &mut |_, _| {}).unwrap();
    let half = bf16_pipe.generate_tensors(&req, &mut |_, _| {}).unwrap();
    assert_eq!(half.latents.dtype(), candle_core::DType::F32);
    let err = max_abs_diff(&full.latents, &half.latents);
    let range = full
        .latents
        .abs()
        .unwrap()
        .flatten_all()
        .unwrap()
        .max(0)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    eprintln!("bf16 transformer: max abs latent error {err:e} of range {range:e}");
    assert!(err > 0.0, "the transformer did not run in bf16");
    assert!(err < 0.05 * range, "{err} against a range of {range}");
}

#[test]
fn devices_choose_f32_on_the_cpu_and_bf16_on_cuda() {
    use scene_model::ComputeDevice;
    assert_eq!(ComputeDevice::Cpu.default_dtype(), candle_core::DType::F32);
    assert_eq!(
        ComputeDevice::Cuda(0).default_dtype(),
        candle_core::DType::BF16
    );
}
