//! LTX-Video 2B (0.9.x) in candle: transformer, causal video VAE, T5 text encoder,
//! flow-matching sampler and a generation pipeline with prompt travel and conditioning items.
//!
//! The crate knows nothing of `.scene`: it loads a diffusers-layout model folder and takes a
//! [`GenerationRequest`]. Computation runs in f32 on the CPU by default; build with the `cuda`
//! feature and pass [`ComputeDevice::Cuda`] to run on an NVIDIA GPU.

mod conv3d;
pub mod error;
pub mod loader;
pub mod ltx2;
pub mod pipeline;
mod pixel_norm;
pub mod rng;
pub mod scheduler;
pub mod text_encoder;
pub mod transformer;
pub mod vae;

pub use candle_core::DType;
pub use error::{ModelError, Result};
pub use loader::{ModelFolder, Weights};
pub use pipeline::{
    Condition, GenerationOutput, GenerationRequest, Guide, LtxPipeline, PipelineOptions, RgbFrame,
};

/// Where tensors live and computation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ComputeDevice {
    /// f32 on the CPU (default; what the parity tests use).
    #[default]
    Cpu,
    /// CUDA device by ordinal; needs the crate's `cuda` feature.
    Cuda(usize),
}

impl ComputeDevice {
    /// What the transformer and the text encoder compute in unless told otherwise: f32 on the
    /// CPU (where bf16 arithmetic is slower, not faster, and the parity tests run), bf16 on
    /// CUDA (half the memory, tensor cores).
    pub fn default_dtype(self) -> candle_core::DType {
        match self {
            ComputeDevice::Cpu => candle_core::DType::F32,
            ComputeDevice::Cuda(_) => candle_core::DType::BF16,
        }
    }

    pub fn to_candle(self) -> Result<candle_core::Device> {
        match self {
            ComputeDevice::Cpu => Ok(candle_core::Device::Cpu),
            ComputeDevice::Cuda(i) => Ok(candle_core::Device::new_cuda(i)?),
        }
    }
}
