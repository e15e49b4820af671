//! CI regression renders: `scenec verify FILE --golden DIR [--bless]`.
//!
//! A golden directory holds, per shot, the shot's schedule (canonical JSON), its hash, a content
//! hash of every frame and a few small thumbnails — compact enough to commit. Verifying renders
//! the film again (reusing the cache) and compares shot by shot: exact frame hashes for
//! deterministic backends, PSNR/SSIM thresholds on the thumbnails for model backends. A shot
//! whose schedule changed is explained by a readable diff of the schedule.

pub mod capture;
pub mod compare;
pub mod diff;
pub mod golden;
pub mod metrics;
pub mod report;
pub mod thumbnail;
pub mod tolerance;

pub use capture::{capture_shot, CurrentShot};
pub use compare::{compare, Comparison, ShotVerdict};
pub use golden::{bless, load_golden, Golden, VerifyError};
pub use tolerance::{Mode, Tolerance};
