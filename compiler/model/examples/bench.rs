//! Side-by-side benchmark, candle half: one denoising step of the LTX-Video 2B transformer at
//! its real layer shapes (random weights) and a VAE decode, for a 256x256, 17-frame clip.
//! Run through `compiler/model/bench/run.py`, which runs the PyTorch half the same way.
//!
//! Usage: bench transformer|vae [steps] [transformer layers]
//! Prints one JSON line: seconds per step (or decode), peak resident memory in MiB.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::VarBuilder;
use scene_model::rng::NoiseRng;
use scene_model::transformer::{LtxTransformer, TextConditioning, TransformerConfig};
use scene_model::vae::{LtxVae, VaeConfig};

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
/// generator seeded by the tensor's name. Unlike a `VarMap`, nothing keeps a second reference
/// to the tensors, so the model's peak memory is what a real folder would give.
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
        let dims = s.dims();
        let fan_in = if dims.len() >= 2 {
            s.elem_count() / dims[0]
        } else {
            s.elem_count().max(1)
        };
        let bound = 1.0 / (fan_in as f64).sqrt();
        self.bytes
            .fetch_add(s.elem_count() * dtype.size_in_bytes(), Ordering::Relaxed);
        // SplitMix64 seeded by an FNV-1a hash of the name: fast and order-independent.
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

/// A weight source and a counter of the bytes it has handed out.
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("transformer");
    let steps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2);
    // The 2B model has 28 blocks; fewer keeps the real layer shapes and scales time linearly.
    let layers: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(28);
    let dev = Device::Cpu;
    let mut rng = NoiseRng::new(0);
    // 256x256, 17 frames -> latents 3 x 8 x 8.
    let (lf, lh, lw) = (3usize, 8usize, 8usize);
    match what {
        "transformer" => {
            let cfg: TransformerConfig = serde_json::from_str(
                r#"{"in_channels":128,"out_channels":128,"patch_size":1,"patch_size_t":1,
                    "num_attention_heads":32,"attention_head_dim":64,"cross_attention_dim":2048,
                    "num_layers":28,"caption_channels":4096}"#,
            )?;
            let cfg = TransformerConfig {
                num_layers: layers,
                ..cfg
            };
            let (vb, weight_bytes) = random_weights(&dev);
            let model = LtxTransformer::load(&cfg, vb)?;
            let n = lf * lh * lw;
            let hidden = rng.normal((2, n, 128), &dev)?;
            let text = TextConditioning {
                embeds: rng.normal((2, 128, 4096), &dev)?,
                mask: Tensor::ones((2, 128), DType::F32, &dev)?,
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
            let run = || -> candle_core::Result<()> {
                let out = model.forward(
                    &hidden,
                    std::slice::from_ref(&text),
                    None,
                    &timestep,
                    &coords,
                )?;
                out.sum_all()?.to_scalar::<f32>()?;
                Ok(())
            };
            run()?; // warm-up
            let start = Instant::now();
            for _ in 0..steps {
                run()?;
            }
            let per = start.elapsed().as_secs_f64() / steps as f64;
            println!(
                "{{\"impl\":\"candle\",\"what\":\"transformer step ({layers} layers, CFG batch 2, {} tokens)\",\"seconds\":{per:.3},\"peak_rss_mib\":{:.0},\"weights_mib\":{:.0}}}",
                n,
                peak_rss_mib(),
                mib(&weight_bytes)
            );
        }
        "vae" => {
            // Lightricks/LTX-Video-0.9.5 VAE configuration.
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
            let (vb, weight_bytes) = random_weights(&dev);
            let vae = LtxVae::load(&cfg, vb)?;
            let z = rng.normal((1, 128, lf, lh, lw), &dev)?;
            let t = Tensor::new(&[0.05f32], &dev)?;
            let run = || -> candle_core::Result<()> {
                let mut r = NoiseRng::new(1);
                let out = vae.decode(&z, Some(&t), &mut r)?;
                out.sum_all()?.to_scalar::<f32>()?;
                Ok(())
            };
            run()?;
            let start = Instant::now();
            for _ in 0..steps {
                run()?;
            }
            let per = start.elapsed().as_secs_f64() / steps as f64;
            println!(
                "{{\"impl\":\"candle\",\"what\":\"VAE decode 17x256x256\",\"seconds\":{per:.3},\"peak_rss_mib\":{:.0},\"weights_mib\":{:.0}}}",
                peak_rss_mib(),
                mib(&weight_bytes)
            );
        }
        other => return Err(format!("unknown benchmark {other:?}").into()),
    }
    Ok(())
}
