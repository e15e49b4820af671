//! The plain-data sound a backend may hand over with a shot's frames: interleaved stereo f32 at
//! a fixed rate. It lives here, beside [`crate::frame::RgbFrame`], so the [`crate::backend::Backend`]
//! trait can return it without this crate knowing how sound is decoded, mixed or encoded.

/// The one sample rate of every sound in a film, in samples per second per channel.
pub const SAMPLE_RATE: u32 = 48_000;

/// Interleaved stereo samples (L, R, L, R, …) at [`SAMPLE_RATE`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StereoBuffer {
    pub samples: Vec<f32>,
}

impl StereoBuffer {
    /// Whole stereo sample pairs held (a trailing odd sample is not counted).
    pub fn frames(&self) -> usize {
        self.samples.len() / 2
    }
}
