//! Side-by-side benchmark, candle half: one denoising step of the LTX-Video 2B transformer at
//! its real layer shapes (random weights) and a VAE decode, for a 256x256, 17-frame clip.
//! Run through `compiler/model/bench/run.py`, which runs the PyTorch half the same way.
//!
//! Usage: bench transformer|vae [steps] [transformer layers]
//! Prints one JSON line: seconds per step (or decode), peak resident memory in MiB.

use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
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
            let varmap = VarMap::new();
            let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
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
                "{{\"impl\":\"candle\",\"what\":\"transformer step ({layers} layers, CFG batch 2, {} tokens)\",\"seconds\":{per:.3},\"peak_rss_mib\":{:.0}}}",
                n,
                peak_rss_mib()
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
            let varmap = VarMap::new();
            let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
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
                "{{\"impl\":\"candle\",\"what\":\"VAE decode 17x256x256\",\"seconds\":{per:.3},\"peak_rss_mib\":{:.0}}}",
                peak_rss_mib()
            );
        }
        other => return Err(format!("unknown benchmark {other:?}").into()),
    }
    Ok(())
}
