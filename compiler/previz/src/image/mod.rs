//! Images: PNG and JPEG files decoded to RGB, and the one scaler every caller shares.

pub mod decode;
pub mod scale;

pub use decode::decode;
pub use scale::{scale, Fit, Footprint, RgbView, Size};
