//! Per-layer benchmark of the VAE's CPU 3D convolution (`compiler/model/src/conv3d.rs`) at the
//! shapes of the LTX-2.3 video VAE decoder decoding a 256x256, 17-frame clip (3x8x8 latents):
//! one layer of each kind, random input and weights, replicate padding in time and zeros in
//! space as the decoder pads. The PyTorch half is `compiler/model/bench/conv3d_shapes.py`.
//!
//! Usage: bench_conv3d [layer name prefix] [repetitions]
//! Prints, per layer, wall seconds and process CPU seconds (user + system, all threads) per
//! convolution after a warm-up, and GFLOP per CPU second. CPU seconds are the steadier
//! measure on a shared machine.

use std::collections::HashMap;
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use scene_model::ltx2::conv::{Conv3d, SpatialPadding, TimePadding};

/// (name, input channels, output channels, frames, height, width); kept in step with
/// `conv3d_shapes.py`.
const LAYERS: [(&str, usize, usize, usize, usize, usize); 8] = [
    ("A mid", 1024, 1024, 3, 8, 8),
    ("B up0res", 512, 512, 5, 16, 16),
    ("C up1ups", 512, 4096, 5, 16, 16),
    ("D up1res", 512, 512, 9, 32, 32),
    ("E up2res", 256, 256, 17, 32, 32),
    ("F up3ups", 256, 512, 17, 32, 32),
    ("G up3res", 128, 128, 17, 64, 64),
    ("H out", 128, 48, 17, 64, 64),
];

/// User + system CPU seconds of this process, all threads.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> candle_core::Result<()> {
    let only = std::env::args().nth(1).unwrap_or_default();
    let reps: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let dev = Device::Cpu;
    for (name, cin, cout, f, h, w) in LAYERS {
        if !name.starts_with(only.as_str()) {
            continue;
        }
        let mut tensors = HashMap::new();
        tensors.insert(
            "weight".to_string(),
            Tensor::randn(0f32, 0.02, (cout, cin, 3, 3, 3), &dev)?,
        );
        tensors.insert("bias".to_string(), Tensor::randn(0f32, 0.02, cout, &dev)?);
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &dev);
        let conv = Conv3d::load(cin, cout, 3, (1, 1), SpatialPadding::Zeros, true, vb)?;
        let x = Tensor::randn(0f32, 1.0, (1, cin, f, h, w), &dev)?;
        conv.forward(&x, TimePadding::Centered)?;
        let (start, cpu) = (Instant::now(), cpu_seconds());
        for _ in 0..reps {
            conv.forward(&x, TimePadding::Centered)?;
        }
        let wall = start.elapsed().as_secs_f64() / reps as f64;
        let cpu = (cpu_seconds() - cpu) / reps as f64;
        let gflop = 2.0 * (cout * cin * 27 * f * h * w) as f64 / 1e9;
        println!(
            "{name} {cin}->{cout} {f}x{h}x{w}: {wall:.3} s, cpu {cpu:.3} s, {:.1} GFLOP/cpu-s",
            gflop / cpu
        );
    }
    Ok(())
}
