//! The checks a session runs on a machine with an NVIDIA GPU (build with `--features cuda`):
//! the tiny fixture's guided generation on CUDA against the same diffusers goldens the CPU
//! parity tests use, in f32 and in bf16, and timings of the real-shape models.
//!
//! Usage (from the repository root):
//!   gpu_check parity                       tiny LTX-Video generation on CUDA vs the goldens
//!   gpu_check ltx-step W H F [layers] [n]  one guided (batch 2) transformer step, bf16
//!   gpu_check ltx-vae W H F                VAE decode of a clip of that size (f32, tiled)
//!   gpu_check ltx2-parity [cpu|cuda] [f32|bf16]
//!                                          tiny LTX-2.3 guided generation (picture and sound)
//!                                          vs the goldens of tests/ltx2_generation_parity.rs
//!   gpu_check ltx2-step W H F [layers] [n] one guided (batch 2) LTX-2.3 transformer step at the
//!                                          real layer shapes, random weights, bf16 on CUDA
//! Prints one JSON line per measurement. BENCHMARKS.md records what it printed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use candle_core::{DType, Device, IndexOp, Tensor};
use candle_nn::VarBuilder;
use scene_model::ltx2::scheduler::SigmaSource;
use scene_model::ltx2::transformer::{
    Ltx2Inputs, Ltx2Transformer, Ltx2TransformerConfig, PassOptions,
};
use scene_model::ltx2::{Ltx2Options, Ltx2Pipeline, Ltx2Request, StreamGuidance};
use scene_model::pipeline::PipelineOptions;
use scene_model::rng::NoiseRng;
use scene_model::transformer::{LtxTransformer, TextConditioning, TransformerConfig};
use scene_model::vae::{LtxVae, VaeConfig};
use scene_model::{ComputeDevice, Condition, GenerationRequest, LtxPipeline, RgbFrame};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn golden(name: &str) -> Res<HashMap<String, Tensor>> {
    let path = PathBuf::from("tests/parity/goldens").join(format!("{name}.safetensors"));
    Ok(candle_core::safetensors::load(&path, &Device::Cpu)?)
}

fn golden_json(name: &str) -> Res<serde_json::Value> {
    let path = PathBuf::from("tests/parity/goldens").join(format!("{name}.json"));
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

fn max_abs_diff(a: &Tensor, b: &Tensor) -> Res<f32> {
    let a = a
        .to_device(&Device::Cpu)?
        .to_dtype(DType::F32)?
        .flatten_all()?;
    let b = b
        .to_device(&Device::Cpu)?
        .to_dtype(DType::F32)?
        .flatten_all()?;
    Ok((a - b)?.abs()?.max(0)?.to_scalar::<f32>()?)
}

fn frame_from(t: &Tensor) -> Res<RgbFrame> {
    let (h, w, _) = t.dims3()?;
    let data: Vec<f32> = t.flatten_all()?.to_vec1()?;
    Ok(RgbFrame {
        width: w as u32,
        height: h as u32,
        data: data.iter().map(|v| *v as u8).collect(),
    })
}

/// tests/model/generation_parity.rs's guided generation with two conditioning items, on CUDA.
fn parity(dtype: DType) -> Res<()> {
    let meta = golden_json("generation")?;
    let g = golden("generation")?;
    let num = |k: &str| meta[k].as_f64().unwrap_or(0.0);
    let mut req = GenerationRequest::new(
        num("width") as usize,
        num("height") as usize,
        num("num_frames") as usize,
        meta["prompt"].as_str().unwrap_or(""),
        num("seed") as u64,
    );
    req.negative = meta["negative_prompt"].as_str().unwrap_or("").to_string();
    req.frame_rate = num("frame_rate") as f32;
    req.num_inference_steps = num("num_inference_steps") as usize;
    req.guidance_scale = num("guidance_scale") as f32;
    req.decode_timestep = num("decode_timestep") as f32;
    req.decode_noise_scale = Some(num("decode_noise_scale") as f32);
    req.image_cond_noise_scale = num("image_cond_noise_scale") as f32;
    for c in meta["conditions"].as_array().into_iter().flatten() {
        let image = c["image"].as_str().unwrap_or("");
        req.conditions.push(Condition {
            frames: vec![frame_from(&g[image])?],
            frame_index: c["frame_index"].as_u64().unwrap_or(0) as usize,
            strength: c["strength"].as_f64().unwrap_or(1.0) as f32,
        });
    }
    let options = PipelineOptions {
        device: ComputeDevice::Cuda(0),
        transformer_dtype: Some(dtype),
        text_encoder_dtype: Some(dtype),
        ..PipelineOptions::default()
    };
    let pipe = LtxPipeline::open("tests/fixtures/ltx-tiny", options)?;
    let start = Instant::now();
    let out = pipe.generate_tensors(&req, &mut |_, _| {})?;
    let secs = start.elapsed().as_secs_f64();
    let range = g["latents"].abs()?.max_all()?.to_scalar::<f32>()?;
    println!(
        "{{\"check\":\"ltx-tiny guided generation on cuda\",\"dtype\":\"{dtype:?}\",\"latents_max_abs_error\":{:e},\"video_max_abs_error\":{:e},\"latents_range\":{range},\"seconds\":{secs:.3}}}",
        max_abs_diff(&out.latents, &g["latents"])?,
        max_abs_diff(&out.video, &g["video"])?,
    );
    Ok(())
}

/// Random weights, uniform in ±1/sqrt(fan_in), seeded by the tensor's name (examples/bench.rs).
fn random_vb(dev: &Device, dtype: DType) -> VarBuilder<'static> {
    struct Random;
    impl candle_nn::var_builder::SimpleBackend for Random {
        fn get(
            &self,
            s: candle_core::Shape,
            name: &str,
            _: candle_nn::Init,
            dtype: DType,
            dev: &Device,
        ) -> candle_core::Result<Tensor> {
            let dims = s.dims();
            let fan_in = if dims.len() >= 2 {
                s.elem_count() / dims[0]
            } else {
                s.elem_count().max(1)
            };
            let bound = 1.0 / (fan_in as f64).sqrt();
            let seed = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            let mut state = seed;
            let data: Vec<f32> = (0..s.elem_count())
                .map(|_| {
                    state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                    let mut z = state;
                    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                    z ^= z >> 31;
                    let u = (z >> 11) as f64 / (1u64 << 53) as f64;
                    ((2.0 * u - 1.0) * bound) as f32
                })
                .collect();
            Tensor::from_vec(data, s, dev)?.to_dtype(dtype)
        }
        fn get_unchecked(&self, name: &str, _: DType, _: &Device) -> candle_core::Result<Tensor> {
            Err(candle_core::Error::CannotFindTensor {
                path: name.to_string(),
            })
        }
        fn contains_tensor(&self, _: &str) -> bool {
            true
        }
    }
    VarBuilder::from_backend(Box::new(Random), dtype, dev.clone())
}

fn sync(dev: &Device) -> Res<()> {
    dev.synchronize()?;
    Ok(())
}

fn ltx_step(w: usize, h: usize, f: usize, layers: usize, n_steps: usize) -> Res<()> {
    let dev = Device::new_cuda(0)?;
    let (lf, lh, lw) = ((f - 1) / 8 + 1, h / 32, w / 32);
    let cfg: TransformerConfig = serde_json::from_str(
        r#"{"in_channels":128,"out_channels":128,"patch_size":1,"patch_size_t":1,
            "num_attention_heads":32,"attention_head_dim":64,"cross_attention_dim":2048,
            "num_layers":28,"caption_channels":4096}"#,
    )?;
    let cfg = TransformerConfig {
        num_layers: layers,
        ..cfg
    };
    let dtype = DType::BF16;
    let model = LtxTransformer::load(&cfg, random_vb(&dev, dtype))?;
    let mut rng = NoiseRng::new(0);
    let n = lf * lh * lw;
    let hidden = rng.normal((2, n, 128), &dev)?.to_dtype(dtype)?;
    let text = TextConditioning {
        embeds: rng.normal((2, 256, 4096), &dev)?.to_dtype(dtype)?,
        mask: Tensor::ones((2, 256), DType::F32, &dev)?,
    };
    let timestep = Tensor::full(900f32, (2, n), &dev)?;
    let mut coords = vec![0f32; 3 * n];
    for t in 0..lf {
        for y in 0..lh {
            for x in 0..lw {
                let i = (t * lh + y) * lw + x;
                coords[i] = (t * 8) as f32 / 25.0;
                coords[n + i] = (y * 32) as f32;
                coords[2 * n + i] = (x * 32) as f32;
            }
        }
    }
    let coords = Tensor::from_vec(coords, (1, 3, n), &dev)?.repeat((2, 1, 1))?;
    let run = || -> Res<()> {
        let out = model.forward(
            &hidden,
            std::slice::from_ref(&text),
            None,
            &timestep,
            &coords,
        )?;
        out.to_dtype(DType::F32)?.sum_all()?.to_scalar::<f32>()?;
        Ok(())
    };
    run()?;
    sync(&dev)?;
    let start = Instant::now();
    for _ in 0..n_steps {
        run()?;
    }
    sync(&dev)?;
    let per = start.elapsed().as_secs_f64() / n_steps as f64;
    println!(
        "{{\"check\":\"LTX-Video 2B transformer step, CFG batch 2, bf16, cuda\",\"size\":\"{w}x{h}x{f}\",\"tokens\":{n},\"layers\":{layers},\"seconds_per_step\":{per:.4}}}"
    );
    Ok(())
}

fn ltx_vae(w: usize, h: usize, f: usize) -> Res<()> {
    let dev = Device::new_cuda(0)?;
    let (lf, lh, lw) = ((f - 1) / 8 + 1, h / 32, w / 32);
    let cfg: VaeConfig = serde_json::from_str(
        r#"{"block_out_channels":[128,256,512,1024,2048],"decoder_block_out_channels":[256,512,1024],
            "decoder_causal":false,"decoder_inject_noise":[false,false,false,false],
            "decoder_layers_per_block":[5,5,5,5],"decoder_spatio_temporal_scaling":[true,true,true],
            "down_block_types":["LTXVideo095DownBlock3D","LTXVideo095DownBlock3D","LTXVideo095DownBlock3D","LTXVideo095DownBlock3D"],
            "downsample_type":["spatial","temporal","spatiotemporal","spatiotemporal"],"encoder_causal":true,
            "in_channels":3,"latent_channels":128,"layers_per_block":[4,6,6,2,2],"out_channels":3,
            "patch_size":4,"patch_size_t":1,"resnet_norm_eps":1e-06,"scaling_factor":1.0,
            "spatial_compression_ratio":32,"spatio_temporal_scaling":[true,true,true,true],
            "temporal_compression_ratio":8,"timestep_conditioning":true,"upsample_factor":[2,2,2],
            "upsample_residual":[true,true,true]}"#,
    )?;
    let vae = LtxVae::load(&cfg, random_vb(&dev, DType::F32))?;
    let mut rng = NoiseRng::new(0);
    let z = rng.normal((1, 128, lf, lh, lw), &dev)?;
    let t = Tensor::new(&[0.05f32], &dev)?;
    let run = || -> Res<()> {
        let mut r = NoiseRng::new(1);
        let out = vae.decode(&z, Some(&t), &mut r)?;
        out.i(0)?.sum_all()?.to_scalar::<f32>()?;
        Ok(())
    };
    run()?;
    sync(&dev)?;
    let start = Instant::now();
    run()?;
    sync(&dev)?;
    println!(
        "{{\"check\":\"LTX-Video 0.9.5 VAE decode, f32, cuda, untiled\",\"size\":\"{w}x{h}x{f}\",\"seconds\":{:.3}}}",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The parity tests' tolerance for whole generations.
const LTX2_TOLERANCE: f32 = 1e-4;

fn ltx2_golden(name: &str) -> Res<(HashMap<String, Tensor>, serde_json::Value)> {
    let dir = PathBuf::from("tests/parity/goldens/ltx2");
    let tensors =
        candle_core::safetensors::load(dir.join(format!("{name}.safetensors")), &Device::Cpu)?;
    let meta = serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json")))?)?;
    Ok((tensors, meta))
}

/// tests/ltx2_generation_parity.rs's guided generation (CFG, STG, modality isolation, rescale,
/// negative prompt) on `device` in `dtype`: the decoded video and waveform against diffusers'.
/// On the CPU in f32 it must pass the parity tests' tolerance; elsewhere it reports the error.
fn ltx2_parity(device: ComputeDevice, dtype: DType) -> Res<()> {
    let (g, meta) = ltx2_golden("generation_guided")?;
    let u = |k: &str| meta[k].as_u64().unwrap_or(0) as usize;
    let f = |k: &str| meta[k].as_f64().unwrap_or(0.0);
    let guidance = |prefix: &str| StreamGuidance {
        cfg: f(&format!("{prefix}guidance_scale")),
        stg: f(&format!("{prefix}stg_scale")),
        modality: f(&format!("{prefix}modality_scale")),
        rescale: f(&format!("{prefix}guidance_rescale")),
    };
    let mut req = Ltx2Request::full(
        u("width"),
        u("height"),
        u("num_frames"),
        meta["prompt"].as_str().unwrap_or(""),
        meta["seed"].as_u64().unwrap_or(0),
    );
    req.frame_rate = f("frame_rate") as f32;
    req.negative = meta["negative_prompt"].as_str().unwrap_or("").into();
    req.video_guidance = guidance("");
    req.audio_guidance = guidance("audio_");
    req.use_cross_timestep = meta["use_cross_timestep"].as_bool().unwrap_or(true);
    req.max_sequence_length = u("max_sequence_length");
    req.stg_blocks = meta["spatio_temporal_guidance_blocks"]
        .as_array()
        .map(|b| {
            b.iter()
                .filter_map(|v| v.as_u64())
                .map(|v| v as usize)
                .collect()
        })
        .unwrap_or_default();
    req.sigmas = match meta["sigmas"].as_array() {
        Some(s) => SigmaSource::Custom(s.iter().filter_map(|v| v.as_f64()).collect()),
        None => SigmaSource::Steps(u("num_inference_steps")),
    };
    let options = Ltx2Options {
        device,
        dtype: Some(dtype),
        ..Default::default()
    };
    let pipe = Ltx2Pipeline::open("tests/fixtures/ltx2-tiny", options)?;
    let start = Instant::now();
    let out = pipe.generate(
        &req,
        &mut |_, _| {},
        &std::sync::atomic::AtomicBool::new(false),
    )?;
    let secs = start.elapsed().as_secs_f64();
    let video = max_abs_diff(&out.video, &g["video"])?;
    let audio = max_abs_diff(&out.audio, &g["audio"])?;
    println!(
        "{{\"check\":\"ltx2-tiny guided generation\",\"device\":\"{device:?}\",\"dtype\":\"{dtype:?}\",\"video_max_abs_error\":{video:e},\"audio_max_abs_error\":{audio:e},\"sample_rate\":{},\"seconds\":{secs:.3}}}",
        out.sample_rate
    );
    if device == ComputeDevice::Cpu && dtype == DType::F32 && video.max(audio) > LTX2_TOLERANCE {
        return Err(format!(
            "ltx2 parity on the CPU: error {} over {LTX2_TOLERANCE}",
            video.max(audio)
        )
        .into());
    }
    Ok(())
}

/// Lightricks' LTX-2.3 transformer (diffusers' conversion script, version "2.3").
const LTX2_TRANSFORMER_23: &str = r#"{"in_channels":128,"out_channels":128,"num_attention_heads":32,
  "attention_head_dim":128,"cross_attention_dim":4096,"gated_attn":true,"cross_attn_mod":true,
  "audio_in_channels":128,"audio_out_channels":128,"audio_num_attention_heads":32,
  "audio_attention_head_dim":64,"audio_cross_attention_dim":2048,"audio_gated_attn":true,
  "audio_cross_attn_mod":true,"num_layers":48,"caption_channels":3840,"rope_type":"split",
  "use_prompt_embeddings":false,"perturbed_attn":true}"#;

/// One classifier-free-guided (batch 2) step of the LTX-2.3 transformer for a W x H, F-frame
/// clip at 24 fps with its sound (25 audio latents a second), 1024 text tokens, random weights.
/// bf16 on CUDA; the device's peak memory comes from the script's nvidia-smi trace.
fn ltx2_step(w: usize, h: usize, f: usize, layers: usize, n_steps: usize) -> Res<()> {
    let dev = Device::new_cuda(0)?;
    let dtype = DType::BF16;
    let (lf, lh, lw) = ((f - 1) / 8 + 1, h / 32, w / 32);
    let audio_frames = ((f as f64 / 24.0) * 25.0).round() as usize;
    let cfg: Ltx2TransformerConfig = serde_json::from_str(LTX2_TRANSFORMER_23)?;
    let cfg = Ltx2TransformerConfig {
        num_layers: layers,
        ..cfg
    };
    let model = Ltx2Transformer::load(&cfg, random_vb(&dev, dtype))?;
    let mut rng = NoiseRng::new(0);
    let n = lf * lh * lw;
    let video = rng.normal((2, n, 128), &dev)?.to_dtype(dtype)?;
    let audio = rng.normal((2, audio_frames, 128), &dev)?.to_dtype(dtype)?;
    let video_text = rng.normal((2, 1024, 4096), &dev)?.to_dtype(dtype)?;
    let audio_text = rng.normal((2, 1024, 2048), &dev)?.to_dtype(dtype)?;
    let vt = Tensor::full(900f32, (2, n), &dev)?;
    let sigma = Tensor::full(900f32, 2, &dev)?;
    let mut coords = Vec::with_capacity(6 * n);
    for axis in 0..3 {
        for t in 0..lf {
            for y in 0..lh {
                for x in 0..lw {
                    let (a, b) = match axis {
                        0 => (
                            ((t * 8) as f32 - 7.0).max(0.0) / 24.0,
                            ((t * 8 + 8) as f32 - 7.0).max(0.0) / 24.0,
                        ),
                        1 => ((y * 32) as f32, (y * 32 + 32) as f32),
                        _ => ((x * 32) as f32, (x * 32 + 32) as f32),
                    };
                    coords.push(a);
                    coords.push(b);
                }
            }
        }
    }
    let coords = Tensor::from_vec(coords, (1, 3, n, 2), &dev)?.repeat((2, 1, 1, 1))?;
    let ac: Vec<f32> = (0..audio_frames)
        .flat_map(|t| {
            let s = |t: usize| ((t * 4) as f32 - 3.0).max(0.0) * 160.0 / 16000.0;
            [s(t), s(t + 1)]
        })
        .collect();
    let acoords = Tensor::from_vec(ac, (1, 1, audio_frames, 2), &dev)?.repeat((2, 1, 1, 1))?;
    let options = PassOptions {
        use_cross_timestep: true,
        ..Default::default()
    };
    let run = || -> Res<()> {
        let inputs = Ltx2Inputs {
            video: &video,
            audio: &audio,
            video_text: &video_text,
            audio_text: &audio_text,
            text_mask: None,
            video_timestep: &vt,
            audio_timestep: &sigma,
            sigma: &sigma,
            audio_sigma: &sigma,
            video_coords: &coords,
            audio_coords: &acoords,
        };
        let (v, a) = model.forward(&inputs, &options)?;
        (v.to_dtype(DType::F32)?.sum_all()? + a.to_dtype(DType::F32)?.sum_all()?)?
            .to_scalar::<f32>()?;
        Ok(())
    };
    run()?;
    sync(&dev)?;
    let start = Instant::now();
    for _ in 0..n_steps {
        run()?;
    }
    sync(&dev)?;
    let per = start.elapsed().as_secs_f64() / n_steps.max(1) as f64;
    println!(
        "{{\"check\":\"LTX-2.3 transformer step, CFG batch 2, bf16, cuda\",\"size\":\"{w}x{h}x{f}\",\"video_tokens\":{n},\"audio_tokens\":{audio_frames},\"layers\":{layers},\"seconds_per_step\":{per:.4}}}"
    );
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    match args.get(1).map(String::as_str) {
        Some("parity") => {
            parity(DType::F32)?;
            parity(DType::BF16)?;
        }
        Some("ltx-step") => ltx_step(arg(2, 768), arg(3, 512), arg(4, 97), arg(5, 28), arg(6, 3))?,
        Some("ltx-vae") => ltx_vae(arg(2, 768), arg(3, 512), arg(4, 97))?,
        Some("ltx2-parity") => {
            let device = match args.get(2).map(String::as_str) {
                None | Some("cuda") => ComputeDevice::Cuda(0),
                Some("cpu") => ComputeDevice::Cpu,
                Some(other) => return Err(format!("unknown device {other:?}").into()),
            };
            match args.get(3).map(String::as_str) {
                Some("f32") => ltx2_parity(device, DType::F32)?,
                Some("bf16") => ltx2_parity(device, DType::BF16)?,
                None => {
                    ltx2_parity(device, DType::F32)?;
                    if device != ComputeDevice::Cpu {
                        ltx2_parity(device, DType::BF16)?;
                    }
                }
                Some(other) => return Err(format!("unknown dtype {other:?}").into()),
            }
        }
        Some("ltx2-step") => {
            ltx2_step(arg(2, 768), arg(3, 512), arg(4, 121), arg(5, 48), arg(6, 3))?
        }
        other => return Err(format!("unknown check {other:?}").into()),
    }
    Ok(())
}
