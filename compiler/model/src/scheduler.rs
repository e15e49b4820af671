//! `FlowMatchEulerDiscreteScheduler` as LTX-Video configures it, plus the condition
//! pipeline's linear-quadratic timestep schedule and per-token Euler steps.
//!
//! Arithmetic follows the reference's precision: a schedule computed from a step count runs in
//! f64 and is rounded to f32 at the end, custom timesteps stay in f32 throughout, so the
//! sigmas match diffusers bit for bit or within one f32 rounding.

use candle_core::{DType, Tensor};
use serde::Deserialize;

use crate::error::{ModelError, Result};

const COMPONENT: &str = "scheduler";

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SchedulerConfig {
    #[serde(default = "d1000")]
    pub num_train_timesteps: usize,
    #[serde(default = "d_one")]
    pub shift: f64,
    #[serde(default)]
    pub use_dynamic_shifting: bool,
    #[serde(default = "d_base_shift")]
    pub base_shift: Option<f64>,
    #[serde(default = "d_max_shift")]
    pub max_shift: Option<f64>,
    #[serde(default = "d_base_len")]
    pub base_image_seq_len: Option<usize>,
    #[serde(default = "d_max_len")]
    pub max_image_seq_len: Option<usize>,
    #[serde(default)]
    pub invert_sigmas: bool,
    #[serde(default)]
    pub shift_terminal: Option<f64>,
    #[serde(default)]
    pub use_karras_sigmas: Option<bool>,
    #[serde(default)]
    pub use_exponential_sigmas: Option<bool>,
    #[serde(default)]
    pub use_beta_sigmas: Option<bool>,
    #[serde(default = "d_exponential")]
    pub time_shift_type: String,
    #[serde(default)]
    pub stochastic_sampling: bool,
}

fn d1000() -> usize {
    1000
}
fn d_one() -> f64 {
    1.0
}
fn d_base_shift() -> Option<f64> {
    Some(0.5)
}
fn d_max_shift() -> Option<f64> {
    Some(1.15)
}
fn d_base_len() -> Option<usize> {
    Some(256)
}
fn d_max_len() -> Option<usize> {
    Some(4096)
}
fn d_exponential() -> String {
    "exponential".into()
}

impl SchedulerConfig {
    pub fn validate(&self) -> Result<()> {
        let unsupported =
            |key: &str, reason: &str| Err(ModelError::unsupported(COMPONENT, key, true, reason));
        if self.use_karras_sigmas == Some(true) {
            return unsupported(
                "use_karras_sigmas",
                "LTX-Video checkpoints do not use Karras sigmas",
            );
        }
        if self.use_exponential_sigmas == Some(true) {
            return unsupported(
                "use_exponential_sigmas",
                "LTX-Video checkpoints do not use exponential sigmas",
            );
        }
        if self.use_beta_sigmas == Some(true) {
            return unsupported(
                "use_beta_sigmas",
                "LTX-Video checkpoints do not use beta sigmas",
            );
        }
        if self.invert_sigmas {
            return unsupported("invert_sigmas", "inverted sigmas are not supported");
        }
        if self.stochastic_sampling {
            return unsupported(
                "stochastic_sampling",
                "only deterministic Euler steps are supported",
            );
        }
        if self.time_shift_type != "exponential" && self.time_shift_type != "linear" {
            return Err(ModelError::unsupported(
                COMPONENT,
                "time_shift_type",
                &self.time_shift_type,
                "must be `exponential` or `linear`",
            ));
        }
        if self.num_train_timesteps == 0 {
            return Err(ModelError::unsupported(
                COMPONENT,
                "num_train_timesteps",
                0,
                "must be positive",
            ));
        }
        if let Some(t) = self.shift_terminal {
            if t >= 1.0 {
                return Err(ModelError::unsupported(
                    COMPONENT,
                    "shift_terminal",
                    t,
                    "must be below 1",
                ));
            }
        }
        Ok(())
    }

    /// The dynamic shift `mu` for a token count, as LTX pipelines compute it.
    pub fn mu_for(&self, image_seq_len: usize) -> f64 {
        calculate_shift(
            image_seq_len,
            self.base_image_seq_len.unwrap_or(256),
            self.max_image_seq_len.unwrap_or(4096),
            self.base_shift.unwrap_or(0.5),
            self.max_shift.unwrap_or(1.15),
        )
    }
}

/// Linear interpolation of the shift between a base and a maximum sequence length.
pub fn calculate_shift(
    seq_len: usize,
    base_len: usize,
    max_len: usize,
    base_shift: f64,
    max_shift: f64,
) -> f64 {
    let m = (max_shift - base_shift) / (max_len as f64 - base_len as f64);
    let b = base_shift - m * base_len as f64;
    seq_len as f64 * m + b
}

/// `linear_quadratic_schedule` of diffusers' LTX condition pipeline: sigmas that fall
/// linearly to `threshold` over the first half of the steps, then quadratically to 0.
pub fn linear_quadratic_schedule(
    num_steps: usize,
    threshold_noise: f64,
    linear_steps: Option<usize>,
) -> Vec<f32> {
    if num_steps < 2 {
        return vec![1.0];
    }
    let linear_steps = linear_steps.unwrap_or(num_steps / 2);
    let ls = linear_steps as f64;
    let n = num_steps as f64;
    let mut sched: Vec<f64> = (0..linear_steps)
        .map(|i| i as f64 * threshold_noise / ls)
        .collect();
    let diff = ls - threshold_noise * n;
    let qs = (num_steps - linear_steps) as f64;
    let quad = diff / (ls * qs.powi(2));
    let lin = threshold_noise / ls - 2.0 * diff / qs.powi(2);
    let konst = quad * ls.powi(2);
    for i in linear_steps..num_steps {
        let i = i as f64;
        sched.push(quad * i.powi(2) + lin * i + konst);
    }
    sched.iter().map(|x| (1.0 - x) as f32).collect()
}

/// `np.linspace(start, stop, n)` in f64, as numpy computes it.
pub(crate) fn linspace_f64(start: f64, stop: f64, n: usize) -> Vec<f64> {
    if n == 0 {
        return vec![];
    }
    if n == 1 {
        return vec![start];
    }
    let step = (stop - start) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n).map(|i| i as f64 * step + start).collect();
    v[n - 1] = stop;
    v
}

macro_rules! shape_sigmas {
    ($name:ident, $t:ty) => {
        /// Applies the configured shift and terminal stretch in this float type.
        pub(crate) fn $name(
            cfg: &SchedulerConfig,
            shift: f64,
            mu: Option<f64>,
            sigmas: &mut [$t],
        ) -> Result<()> {
            if cfg.use_dynamic_shifting {
                let mu = mu.ok_or_else(|| {
                    ModelError::InvalidRequest(
                        "the scheduler uses dynamic shifting: a shift `mu` is required".into(),
                    )
                })?;
                if cfg.time_shift_type == "exponential" {
                    let e = mu.exp() as $t;
                    for s in sigmas.iter_mut() {
                        *s = e / (e + (1.0 as $t / *s - 1.0 as $t));
                    }
                } else {
                    let m = mu as $t;
                    for s in sigmas.iter_mut() {
                        *s = m / (m + (1.0 as $t / *s - 1.0 as $t));
                    }
                }
            } else {
                let sh = shift as $t;
                for s in sigmas.iter_mut() {
                    *s = sh * *s / (1.0 as $t + (sh - 1.0 as $t) * *s);
                }
            }
            if let Some(terminal) = cfg.shift_terminal {
                if let Some(last) = sigmas.last().copied() {
                    let scale = (1.0 as $t - last) / (1.0 - terminal) as $t;
                    for s in sigmas.iter_mut() {
                        *s = 1.0 as $t - ((1.0 as $t - *s) / scale);
                    }
                }
            }
            Ok(())
        }
    };
}

shape_sigmas!(shape_sigmas_f64, f64);
shape_sigmas!(shape_sigmas_f32, f32);

#[derive(Debug, Clone)]
pub struct FlowMatchScheduler {
    cfg: SchedulerConfig,
    sigma_min: f64,
    sigma_max: f64,
    timesteps: Vec<f32>,
    /// One more than the timesteps: the terminal 0.
    sigmas: Vec<f32>,
}

impl FlowMatchScheduler {
    pub fn new(cfg: &SchedulerConfig) -> Result<Self> {
        cfg.validate()?;
        let n = cfg.num_train_timesteps;
        // The training schedule's end points, computed as diffusers does at construction.
        let at = |t: f32| -> f64 {
            let s = t / n as f32;
            if cfg.use_dynamic_shifting {
                s as f64
            } else {
                let sh = cfg.shift as f32;
                (sh * s / (1.0 + (sh - 1.0) * s)) as f64
            }
        };
        Ok(Self {
            cfg: cfg.clone(),
            sigma_max: at(n as f32),
            sigma_min: at(1.0),
            timesteps: vec![],
            sigmas: vec![],
        })
    }

    pub fn config(&self) -> &SchedulerConfig {
        &self.cfg
    }

    pub fn timesteps(&self) -> &[f32] {
        &self.timesteps
    }

    pub fn sigmas(&self) -> &[f32] {
        &self.sigmas
    }

    /// Sets the inference schedule: evenly spaced from a step count, or custom timesteps
    /// (in 0..num_train_timesteps). `mu` is required when the config uses dynamic shifting.
    pub fn set_timesteps(
        &mut self,
        num_steps: usize,
        custom: Option<&[f32]>,
        mu: Option<f64>,
    ) -> Result<()> {
        let ntt = self.cfg.num_train_timesteps;
        match custom {
            Some(ts) => {
                if ts.is_empty() {
                    return Err(ModelError::InvalidRequest(
                        "empty custom timestep list".into(),
                    ));
                }
                let mut sigmas: Vec<f32> = ts.iter().map(|t| t / ntt as f32).collect();
                shape_sigmas_f32(&self.cfg, self.cfg.shift, mu, &mut sigmas)?;
                self.timesteps = ts.to_vec();
                self.sigmas = sigmas;
            }
            None => {
                if num_steps == 0 {
                    return Err(ModelError::InvalidRequest(
                        "at least one inference step is required".into(),
                    ));
                }
                let ts = linspace_f64(
                    self.sigma_max * ntt as f64,
                    self.sigma_min * ntt as f64,
                    num_steps,
                );
                let mut sigmas: Vec<f64> = ts.iter().map(|t| t / ntt as f64).collect();
                shape_sigmas_f64(&self.cfg, self.cfg.shift, mu, &mut sigmas)?;
                self.sigmas = sigmas.iter().map(|s| *s as f32).collect();
                self.timesteps = self.sigmas.iter().map(|s| s * ntt as f32).collect();
            }
        }
        self.sigmas.push(0.0);
        Ok(())
    }

    /// Keeps the last `strength` fraction of the steps (video-to-video) and returns the sigma
    /// the starting latents are noised to. As in diffusers, only the timesteps are trimmed:
    /// the Euler steps still look up the next sigma in the full schedule.
    pub fn trim_for_strength(&mut self, strength: f64) -> f32 {
        let n = self.timesteps.len();
        // The small epsilon keeps f32 strengths such as 0.7 from flooring one step short.
        let keep = ((n as f64 * strength + 1e-6).floor() as usize).min(n);
        let start = n - keep;
        self.timesteps.drain(..start);
        self.sigmas.get(start).copied().unwrap_or(0.0)
    }

    /// One Euler step where every token has its own current timestep ([B, N] in
    /// 0..num_train_timesteps): each token moves to the next lower sigma of the schedule.
    /// `velocity` is the flow the model predicts towards noise, i.e. diffusers' `model_output`.
    pub fn step_per_token(
        &self,
        velocity: &Tensor,
        sample: &Tensor,
        per_token_timesteps: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let dev = sample.device();
        let ntt = self.cfg.num_train_timesteps as f32;
        let (b, n) = per_token_timesteps.dims2()?;
        let pt: Vec<f32> = per_token_timesteps
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1()?;
        let mut dt = Vec::with_capacity(pt.len());
        for t in pt {
            let current = t / ntt;
            let threshold = current - 1e-6f32;
            let next = self
                .sigmas
                .iter()
                .map(|s| if *s < threshold { *s } else { 0.0 })
                .fold(0.0f32, f32::max);
            dt.push(current - next);
        }
        let dt = Tensor::from_vec(dt, (b, n, 1), dev)?;
        sample.add(&velocity.broadcast_mul(&dt)?)
    }
}
