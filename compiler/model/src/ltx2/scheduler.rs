//! LTX-2's sampling schedule: `FlowMatchEulerDiscreteScheduler.set_timesteps(sigmas=...)` as
//! the LTX-2 pipelines call it — sigmas either `linspace(1, 1/n, n)` (the full model) or the
//! distilled checkpoints' fixed values, rounded to f32, shifted by the config (dynamically by
//! `mu` from the token count, or statically), optionally stretched to a terminal value, and
//! followed by a final 0. Euler steps move along the velocity in f32.

use crate::error::{ModelError, Result};
use crate::scheduler::{calculate_shift, linspace_f64, shape_sigmas_f32, SchedulerConfig};

/// The distilled checkpoints' eight sigmas (Lightricks' `ltx_pipelines` constants).
pub const DISTILLED_SIGMAS: [f64; 8] = [
    1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875,
];

/// The second stage of two-stage generation: the last three distilled sigmas.
pub const STAGE_2_SIGMAS: [f64; 3] = [0.909375, 0.725, 0.421875];

/// Where the sigmas come from before shifting.
#[derive(Debug, Clone, PartialEq)]
pub enum SigmaSource {
    /// `linspace(1, 1/steps, steps)`.
    Steps(usize),
    /// Given values (distilled schedules).
    Custom(Vec<f64>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ltx2Schedule {
    /// Timesteps in 0..1000, one per step.
    pub timesteps: Vec<f32>,
    /// One more than the timesteps: the terminal 0.
    pub sigmas: Vec<f32>,
}

/// The pipelines' `mu` for a video of `tokens` tokens (base/max sequence lengths and shifts
/// from the config, with LTX-2's defaults where it has none).
pub fn mu_for(cfg: &SchedulerConfig, tokens: usize) -> f64 {
    calculate_shift(
        tokens,
        cfg.base_image_seq_len.unwrap_or(1024),
        cfg.max_image_seq_len.unwrap_or(4096),
        cfg.base_shift.unwrap_or(0.95),
        cfg.max_shift.unwrap_or(2.05),
    )
}

impl Ltx2Schedule {
    pub fn new(cfg: &SchedulerConfig, source: &SigmaSource, mu: f64) -> Result<Self> {
        cfg.validate()?;
        let raw: Vec<f64> = match source {
            SigmaSource::Steps(0) => {
                return Err(ModelError::InvalidRequest(
                    "at least one inference step is required".into(),
                ))
            }
            SigmaSource::Steps(n) => linspace_f64(1.0, 1.0 / *n as f64, *n),
            SigmaSource::Custom(v) if v.is_empty() => {
                return Err(ModelError::InvalidRequest("an empty sigma schedule".into()))
            }
            SigmaSource::Custom(v) => v.clone(),
        };
        if raw.iter().any(|s| !(*s > 0.0 && *s <= 1.0)) {
            return Err(ModelError::InvalidRequest(format!(
                "sigmas must lie in (0, 1], got {raw:?}"
            )));
        }
        let mut sigmas: Vec<f32> = raw.iter().map(|s| *s as f32).collect();
        shape_sigmas_f32(cfg, cfg.shift, Some(mu), &mut sigmas)?;
        let n = cfg.num_train_timesteps as f32;
        let timesteps = sigmas.iter().map(|s| s * n).collect();
        sigmas.push(0.0);
        Ok(Self { timesteps, sigmas })
    }

    pub fn len(&self) -> usize {
        self.timesteps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timesteps.is_empty()
    }

    /// `sample + (σ[i+1] - σ[i]) · velocity`.
    pub fn step(
        &self,
        i: usize,
        velocity: &candle_core::Tensor,
        sample: &candle_core::Tensor,
    ) -> candle_core::Result<candle_core::Tensor> {
        let dt = self.sigmas[i + 1] - self.sigmas[i];
        sample.add(&(velocity * dt as f64)?)
    }
}
