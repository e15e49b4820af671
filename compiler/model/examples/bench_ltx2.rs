//! Side-by-side benchmark, candle half, LTX-2: one guided denoising step of the 2.3
//! transformer at its real layer shapes (random weights), the video VAE decode and the audio
//! decode (audio VAE and bandwidth-extended vocoder), for a 256x256, 17-frame clip at 24 fps.
//! Run through `compiler/model/bench/run_ltx2.py`, which runs the PyTorch half the same way.
//!
//! Usage: bench_ltx2 transformer|vae|audio [steps] [transformer layers]
//! Prints one JSON line: seconds per step (or decode), peak resident memory in MiB.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::VarBuilder;
use scene_model::ltx2::audio_vae::{AudioDecoder, AudioVaeConfig};
use scene_model::ltx2::transformer::{
    Ltx2Inputs, Ltx2Transformer, Ltx2TransformerConfig, PassOptions,
};
use scene_model::ltx2::video_vae::{Ltx2Vae, Ltx2VaeConfig};
use scene_model::ltx2::vocoder::{Vocoder, VocoderConfig};
use scene_model::rng::NoiseRng;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Random weights as PyTorch initialises its layers (uniform in ±1/sqrt(fan_in)), drawn from a
/// generator seeded by the tensor's name; nothing keeps a second reference to them, so the
/// peak memory is what a loaded folder would give. Names ending in `alpha`/`beta` (snake
/// parameters, stored as logarithms) are zero, as PyTorch initialises them.
struct RandomWeights {
    bytes: Arc<AtomicUsize>,
}

impl SimpleBackend for RandomWeights {
    fn get(
        &self,
        s: Shape,
        name: &str,
        _: candle_nn::Init,
        dtype: DType,
        dev: &Device,
    ) -> candle_core::Result<Tensor> {
        self.bytes
            .fetch_add(s.elem_count() * dtype.size_in_bytes(), Ordering::Relaxed);
        if name.ends_with("alpha") || name.ends_with("beta") {
            return Tensor::zeros(s, dtype, dev);
        }
        let dims = s.dims();
        let fan_in = if dims.len() >= 2 {
            s.elem_count() / dims[0]
        } else {
            s.elem_count().max(1)
        };
        let bound = 1.0 / (fan_in as f64).sqrt();
        let mut state = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
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

fn random_weights(dev: &Device) -> (VarBuilder<'static>, Arc<AtomicUsize>) {
    let bytes = Arc::new(AtomicUsize::new(0));
    let backend = RandomWeights {
        bytes: bytes.clone(),
    };
    (
        VarBuilder::from_backend(Box::new(backend), DType::F32, dev.clone()),
        bytes,
    )
}

fn mib(bytes: &AtomicUsize) -> f64 {
    bytes.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

/// Lightricks' LTX-2.3 transformer (diffusers' conversion script, version "2.3").
const TRANSFORMER_23: &str = r#"{"in_channels":128,"out_channels":128,"num_attention_heads":32,
  "attention_head_dim":128,"cross_attention_dim":4096,"gated_attn":true,"cross_attn_mod":true,
  "audio_in_channels":128,"audio_out_channels":128,"audio_num_attention_heads":32,
  "audio_attention_head_dim":64,"audio_cross_attention_dim":2048,"audio_gated_attn":true,
  "audio_cross_attn_mod":true,"num_layers":48,"caption_channels":3840,"rope_type":"split",
  "use_prompt_embeddings":false,"perturbed_attn":true}"#;

const VAE_23: &str = r#"{"block_out_channels":[256,512,1024,1024],
  "decoder_block_out_channels":[256,512,512,1024],"layers_per_block":[4,6,4,2,2],
  "decoder_layers_per_block":[4,6,4,2,2],"spatio_temporal_scaling":[true,true,true,true],
  "decoder_spatio_temporal_scaling":[true,true,true,true],
  "decoder_inject_noise":[false,false,false,false,false],
  "downsample_type":["spatial","temporal","spatiotemporal","spatiotemporal"],
  "upsample_type":["spatiotemporal","spatiotemporal","temporal","spatial"],
  "upsample_residual":[false,false,false,false],"upsample_factor":[2,2,1,2],
  "timestep_conditioning":false,"decoder_causal":false,"decoder_spatial_padding_mode":"zeros",
  "spatial_compression_ratio":32,"temporal_compression_ratio":8}"#;

const AUDIO_VAE: &str = r#"{"base_channels":128,"output_channels":2,"ch_mult":[1,2,4],
  "num_res_blocks":2,"latent_channels":8,"norm_type":"pixel","causality_axis":"height",
  "mel_bins":64}"#;

const VOCODER_23: &str = r#"{"_class_name":"LTX2VocoderWithBWE","in_channels":128,
  "hidden_channels":1536,"out_channels":2,"upsample_kernel_sizes":[11,4,4,4,4,4],
  "upsample_factors":[5,2,2,2,2,2],"resnet_kernel_sizes":[3,7,11],
  "resnet_dilations":[[1,3,5],[1,3,5],[1,3,5]],"act_fn":"snakebeta","antialias":true,
  "antialias_ratio":2,"antialias_kernel_size":12,"final_act_fn":null,"final_bias":false,
  "bwe_in_channels":128,"bwe_hidden_channels":512,"bwe_out_channels":2,
  "bwe_upsample_kernel_sizes":[12,11,4,4,4],"bwe_upsample_factors":[6,5,2,2,2],
  "bwe_resnet_kernel_sizes":[3,7,11],"bwe_resnet_dilations":[[1,3,5],[1,3,5],[1,3,5]],
  "bwe_act_fn":"snakebeta","bwe_antialias":true,"bwe_antialias_ratio":2,
  "bwe_antialias_kernel_size":12,"bwe_final_act_fn":null,"bwe_final_bias":false,
  "filter_length":512,"hop_length":80,"window_length":512,"num_mel_channels":64,
  "input_sampling_rate":16000,"output_sampling_rate":48000}"#;

/// CPU time (user + system, all threads) this process has used so far, in seconds, from
/// /proc/self/stat (clock ticks of 1/100 s). On a shared machine it is steadier than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at the state, field 3;
    // utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: f64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

/// Wall and CPU seconds per step, after one warm-up step.
struct Timing {
    wall: f64,
    cpu: f64,
}

fn timed(
    steps: usize,
    mut run: impl FnMut() -> candle_core::Result<()>,
) -> candle_core::Result<Timing> {
    run()?; // warm-up
    let start = Instant::now();
    let cpu = cpu_seconds();
    for _ in 0..steps {
        run()?;
    }
    Ok(Timing {
        wall: start.elapsed().as_secs_f64() / steps as f64,
        cpu: (cpu_seconds() - cpu) / steps as f64,
    })
}

fn report(what: &str, per: Timing, weights: &AtomicUsize) {
    println!(
        "{{\"impl\":\"candle\",\"what\":\"{what}\",\"seconds\":{:.3},\"cpu_seconds\":{:.2},\"peak_rss_mib\":{:.0},\"weights_mib\":{:.0}}}",
        per.wall,
        per.cpu,
        peak_rss_mib(),
        mib(weights)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("transformer");
    let steps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let layers: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2);
    let dev = Device::Cpu;
    let mut rng = NoiseRng::new(0);
    // 256x256, 17 frames at 24 fps: latents 3 x 8 x 8, 18 audio latent frames.
    let (lf, lh, lw) = (3usize, 8usize, 8usize);
    let audio_frames = 18usize;
    match what {
        "transformer" => {
            let cfg: Ltx2TransformerConfig = serde_json::from_str(TRANSFORMER_23)?;
            let cfg = Ltx2TransformerConfig {
                num_layers: layers,
                ..cfg
            };
            let (vb, weights) = random_weights(&dev);
            let model = Ltx2Transformer::load(&cfg, vb)?;
            let n = lf * lh * lw;
            let video = rng.normal((2, n, 128), &dev)?;
            let audio = rng.normal((2, audio_frames, 128), &dev)?;
            let video_text = rng.normal((2, 1024, 4096), &dev)?;
            let audio_text = rng.normal((2, 1024, 2048), &dev)?;
            let vt = Tensor::full(900f32, (2, n), &dev)?;
            let sigma = Tensor::full(900f32, 2, &dev)?;
            let mut coords = Vec::with_capacity(6 * n);
            for axis in 0..3 {
                for f in 0..lf {
                    for y in 0..lh {
                        for x in 0..lw {
                            let (a, b) = match axis {
                                0 => (
                                    ((f * 8) as f32 - 7.0).max(0.0) / 24.0,
                                    ((f * 8 + 8) as f32 - 7.0).max(0.0) / 24.0,
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
                .flat_map(|f| {
                    let s = |f: usize| ((f * 4) as f32 - 3.0).max(0.0) * 160.0 / 16000.0;
                    [s(f), s(f + 1)]
                })
                .collect();
            let acoords =
                Tensor::from_vec(ac, (1, 1, audio_frames, 2), &dev)?.repeat((2, 1, 1, 1))?;
            let options = PassOptions {
                use_cross_timestep: true,
                ..Default::default()
            };
            let per = timed(steps, || {
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
                let (v, a) = model
                    .forward(&inputs, &options)
                    .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                (v.sum_all()? + a.sum_all()?)?.to_scalar::<f32>()?;
                Ok(())
            })?;
            report(
                &format!("LTX-2.3 transformer step ({layers} layers, CFG batch 2, {n} video + {audio_frames} audio tokens, 1024 text tokens)"),
                per,
                &weights,
            );
        }
        "vae" => {
            let cfg: Ltx2VaeConfig = serde_json::from_str(VAE_23)?;
            let (vb, weights) = random_weights(&dev);
            let vae = Ltx2Vae::load(&cfg, vb)?;
            let z = rng.normal((1, 128, lf, lh, lw), &dev)?;
            let per = timed(steps, || {
                let out = vae.decode(&z, None, &mut NoiseRng::new(1), None)?;
                out.sum_all()?.to_scalar::<f32>()?;
                Ok(())
            })?;
            report("LTX-2.3 video VAE decode 17x256x256", per, &weights);
        }
        "audio" => {
            let acfg: AudioVaeConfig = serde_json::from_str(AUDIO_VAE)?;
            let vcfg = VocoderConfig::from_json(&serde_json::from_str(VOCODER_23)?)?;
            let (vb, weights) = random_weights(&dev);
            let decoder = AudioDecoder::load(&acfg, vb.clone())?;
            let vocoder = Vocoder::load(&vcfg, vb)?;
            let z = rng.normal((1, 8, audio_frames, 16), &dev)?;
            let per = timed(steps, || {
                let mel = decoder.decode(&z)?;
                let wave = vocoder.forward(&mel)?;
                wave.sum_all()?.to_scalar::<f32>()?;
                Ok(())
            })?;
            report(
                "LTX-2.3 audio decode (audio VAE + BWE vocoder, 0.71 s of 48 kHz stereo)",
                per,
                &weights,
            );
        }
        other => return Err(format!("unknown benchmark {other}").into()),
    }
    Ok(())
}
