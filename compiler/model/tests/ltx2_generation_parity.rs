//! Whole generations against diffusers' `LTX2ConditionPipeline` on the tiny 2.3 folder, video
//! frames and waveform:
//!
//! - guided text-to-video-and-audio: CFG (video 3, audio 7), spatio-temporal guidance at
//!   block 1, modality isolation, guidance rescale, three steps of the dynamically shifted
//!   schedule, the negative prompt, 1024-token prompts;
//! - the distilled schedule without guidance, a first-frame image (cover-resized from another
//!   size and cropped) and a keyframe at latent frame 2 with strength 0.8;
//! - two-stage generation: the guided stage at half size, the latent upsampler, the three
//!   stage-2 sigmas unguided on an unshifted scheduler, one noise stream throughout.

mod ltx2common;

use std::sync::atomic::AtomicBool;

use candle_core::Tensor;
use ltx2common::*;
use scene_model::ltx2::scheduler::SigmaSource;
use scene_model::ltx2::{ImageCondition, Ltx2Options, Ltx2Pipeline, Ltx2Request, StreamGuidance};
use scene_model::RgbFrame;

fn pipeline() -> Ltx2Pipeline {
    Ltx2Pipeline::open(fixture(), Ltx2Options::default()).unwrap()
}

fn frame(t: &Tensor) -> RgbFrame {
    let (h, w, _) = t.dims3().unwrap();
    let data: Vec<f32> = t.flatten_all().unwrap().to_vec1().unwrap();
    RgbFrame {
        width: w as u32,
        height: h as u32,
        data: data.iter().map(|v| *v as u8).collect(),
    }
}

fn guidance(meta: &serde_json::Value, prefix: &str) -> StreamGuidance {
    let f = |k: &str| meta[format!("{prefix}{k}")].as_f64().unwrap();
    StreamGuidance {
        cfg: f("guidance_scale"),
        stg: f("stg_scale"),
        modality: f("modality_scale"),
        rescale: f("guidance_rescale"),
    }
}

fn request(meta: &serde_json::Value) -> Ltx2Request {
    let u = |k: &str| meta[k].as_u64().unwrap() as usize;
    let mut req = Ltx2Request::full(
        u("width"),
        u("height"),
        u("num_frames"),
        meta["prompt"].as_str().unwrap(),
        meta["seed"].as_u64().unwrap(),
    );
    req.frame_rate = meta["frame_rate"].as_f64().unwrap() as f32;
    req.negative = meta["negative_prompt"].as_str().unwrap_or("").into();
    req.video_guidance = guidance(meta, "");
    req.audio_guidance = guidance(meta, "audio_");
    req.use_cross_timestep = meta["use_cross_timestep"].as_bool().unwrap();
    req.max_sequence_length = u("max_sequence_length");
    req.stg_blocks = meta["spatio_temporal_guidance_blocks"]
        .as_array()
        .map(|b| b.iter().map(|v| v.as_u64().unwrap() as usize).collect())
        .unwrap_or_default();
    req.sigmas = match meta["sigmas"].as_array() {
        Some(s) => SigmaSource::Custom(s.iter().map(|v| v.as_f64().unwrap()).collect()),
        None => SigmaSource::Steps(u("num_inference_steps")),
    };
    req
}

fn check(
    out: &scene_model::ltx2::Ltx2Output,
    g: &std::collections::HashMap<String, Tensor>,
    what: &str,
) {
    assert_within(
        &format!("{what} video"),
        &out.video,
        &g["video"],
        DECODER_TOLERANCE,
    );
    assert_within(
        &format!("{what} audio"),
        &out.audio,
        &g["audio"],
        DECODER_TOLERANCE,
    );
    assert_eq!(out.sample_rate, 48000);
}

#[test]
fn guided_generation_parity() {
    let meta = golden_json("generation_guided");
    let g = golden("generation_guided");
    let req = request(&meta);
    let mut steps = Vec::new();
    let out = pipeline()
        .generate(
            &req,
            &mut |i, n| steps.push((i, n)),
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(steps, vec![(1, 3), (2, 3), (3, 3)]);
    check(&out, &g, "guided generation");
}

#[test]
fn conditioned_distilled_generation_parity() {
    let meta = golden_json("generation_conditioned");
    let g = golden("generation_conditioned");
    let mut req = request(&meta);
    for (cond, name) in meta["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["cond0", "cond1"])
    {
        req.conditions.push(ImageCondition {
            image: frame(&g[name]),
            latent_index: cond["index"].as_i64().unwrap(),
            strength: cond["strength"].as_f64().unwrap() as f32,
        });
    }
    let out = pipeline()
        .generate(&req, &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap();
    check(&out, &g, "conditioned distilled generation");
}

#[test]
fn two_stage_generation_parity() {
    let meta = golden_json("generation_two_stage");
    let g = golden("generation_two_stage");
    let req = request(&meta);
    let mut steps = Vec::new();
    let out = pipeline()
        .generate_two_stage(
            &req,
            &upsampler_fixture(),
            &mut |i, n| steps.push((i, n)),
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(steps.last(), Some(&(6, 6)));
    check(&out, &g, "two-stage generation");
}

#[test]
fn cancelling_stops_between_steps() {
    let meta = golden_json("generation_guided");
    let req = request(&meta);
    let cancel = AtomicBool::new(false);
    let mut seen = 0;
    let err = pipeline()
        .generate(
            &req,
            &mut |i, _| {
                seen = i;
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            },
            &cancel,
        )
        .unwrap_err();
    assert!(matches!(err, scene_model::ModelError::Cancelled), "{err}");
    assert_eq!(seen, 1, "one step ran, then the generation stopped");
}

#[test]
fn invalid_sizes_are_refused_before_loading() {
    let p = pipeline();
    let mut req = Ltx2Request::distilled(64, 32, 10, "x", 1);
    let err = p
        .generate(&req, &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap_err();
    assert!(err.to_string().contains("8k+1"), "{err}");
    req.num_frames = 9;
    req.width = 48;
    let err = p
        .generate(&req, &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap_err();
    assert!(err.to_string().contains("multiples of 32"), "{err}");
    req.width = 64;
    req.max_sequence_length = 100;
    let err = p
        .generate(&req, &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap_err();
    assert!(err.to_string().contains("learnable registers"), "{err}");
    let req = Ltx2Request::distilled(96, 32, 9, "x", 1);
    let err = p
        .generate_two_stage(
            &req,
            &upsampler_fixture(),
            &mut |_, _| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
    assert!(err.to_string().contains("multiples of 64"), "{err}");
}
