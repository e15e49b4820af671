//! Mastering: the film's integrated loudness brought to its target (EBU R128) under a
//! true-peak ceiling.
//!
//! Measurement is the `ebur128` crate (0.1.11, Sebastian Dröge's pure-Rust port of libebur128,
//! the meter GStreamer's `audioloudnorm` and `ebur128level` use): ITU-R BS.1770-4 K-weighting,
//! 400 ms gated blocks, the −70 LUFS absolute and −10 LU relative gates, and true peak by 4×
//! oversampling at 48 kHz. It is fed in fixed blocks in film order, so the numbers depend on the
//! film alone.
//!
//! **Procedure.** Measure the mix as written; one gain brings it to the target; a limiter then
//! lowers only the milliseconds whose true peak would pass the ceiling (look-ahead
//! [`ATTACK_MS`], recovery over [`RELEASE_MS`]); measure again, and correct the gain (the limiter
//! took some loudness) or the ceiling (inter-sample peaks the limiter's estimate missed) until
//! the integrated loudness is within [`TOLERANCE_LU`] of the target and the true peak under the
//! ceiling. The limiter aims [`ENCODER_MARGIN_DB`] under the ceiling: the AAC encoder that
//! follows overshoots peaks by a few tenths of a decibel.
//!
//! A mix with nothing above the absolute gate (silence, or only sub-audible content) has no
//! integrated loudness; it keeps its level, and only the ceiling applies.

use ebur128::{EbuR128, Mode};

use crate::mix::envelope::{db_to_gain, gain_to_db, Envelope, STEP};

/// The language's default `loudness` (online video).
pub const DEFAULT_LUFS: f64 = -16.0;
/// The highest true peak the mix may have.
pub const MAX_TRUE_PEAK_DBTP: f64 = -1.0;
/// Headroom the limiter keeps under [`MAX_TRUE_PEAK_DBTP`] for the AAC encoder's overshoot.
pub const ENCODER_MARGIN_DB: f64 = 0.5;
/// How close to the target the mix's integrated loudness is brought.
pub const TOLERANCE_LU: f64 = 0.1;
pub const ATTACK_MS: usize = 5;
pub const RELEASE_MS: usize = 150;
/// Rounds of measure-and-correct; two suffice unless the limiter works hard.
const ROUNDS: usize = 8;

/// The mix before mastering, in blocks on demand.
pub trait Source {
    /// Samples per channel.
    fn total(&self) -> u64;
    /// Samples `from..from + left.len()` (both slices the same length).
    fn fill(&self, from: u64, left: &mut [f32], right: &mut [f32]);
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub integrated_lufs: f64,
    pub max_true_peak_dbtp: f64,
}

impl Target {
    pub fn lufs(integrated_lufs: f64) -> Target {
        Target {
            integrated_lufs,
            max_true_peak_dbtp: MAX_TRUE_PEAK_DBTP,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    /// `None` when nothing passes the absolute gate.
    pub integrated_lufs: Option<f64>,
    /// Highest true peak of either channel, dBTP (`-inf` for silence).
    pub true_peak_dbtp: f64,
}

#[derive(Clone, Debug)]
pub struct Mastering {
    /// Applied to the whole mix.
    pub gain: f32,
    /// Applied after `gain`; 1 wherever the ceiling was not threatened.
    pub limiter: Envelope,
    /// The mix as written.
    pub before: Measurement,
    /// The mix as mastered.
    pub after: Measurement,
}

#[derive(Debug, thiserror::Error)]
#[error("loudness measurement failed: {0}")]
pub struct MeasureError(String);

const BLOCK: usize = 4800;

/// Stream the source through `gain` and `limiter` into `each(left, right)` in fixed blocks.
fn stream(
    source: &dyn Source,
    gain: f32,
    limiter: Option<&Envelope>,
    block: usize,
    mut each: impl FnMut(&[f32], &[f32]) -> Result<(), MeasureError>,
) -> Result<(), MeasureError> {
    let total = source.total();
    let (mut l, mut r) = (vec![0f32; block], vec![0f32; block]);
    let mut at = 0u64;
    while at < total {
        let n = (total - at).min(block as u64) as usize;
        let (l, r) = (&mut l[..n], &mut r[..n]);
        source.fill(at, l, r);
        for (i, (a, b)) in l.iter_mut().zip(r.iter_mut()).enumerate() {
            let g = gain * limiter.map_or(1.0, |e| e.at(at + i as u64));
            *a *= g;
            *b *= g;
        }
        each(l, r)?;
        at += n as u64;
    }
    Ok(())
}

fn meter(mode: Mode) -> Result<EbuR128, MeasureError> {
    EbuR128::new(2, 48_000, mode).map_err(|e| MeasureError(e.to_string()))
}

fn fail(e: ebur128::Error) -> MeasureError {
    MeasureError(e.to_string())
}

/// Integrated loudness and true peak of the source through `gain` and `limiter`.
pub fn measure(
    source: &dyn Source,
    gain: f32,
    limiter: Option<&Envelope>,
) -> Result<Measurement, MeasureError> {
    let mut m = meter(Mode::I | Mode::TRUE_PEAK)?;
    stream(source, gain, limiter, BLOCK, |l, r| {
        m.add_frames_planar_f32(&[l, r]).map_err(fail)
    })?;
    let integrated = m.loudness_global().map_err(fail)?;
    let peak = m
        .true_peak(0)
        .map_err(fail)?
        .max(m.true_peak(1).map_err(fail)?);
    Ok(Measurement {
        integrated_lufs: integrated.is_finite().then_some(integrated),
        true_peak_dbtp: gain_to_db(peak),
    })
}

/// The true peak of each [`STEP`] of the source through `gain`.
fn step_peaks(source: &dyn Source, gain: f32) -> Result<Vec<f32>, MeasureError> {
    let mut m = meter(Mode::TRUE_PEAK)?;
    let mut peaks = Vec::with_capacity((source.total() as usize).div_ceil(STEP));
    stream(source, gain, None, STEP, |l, r| {
        m.add_frames_planar_f32(&[l, r]).map_err(fail)?;
        let mut p = 0f64;
        for c in 0..2 {
            p = p
                .max(m.prev_true_peak(c).map_err(fail)?)
                .max(m.prev_sample_peak(c).map_err(fail)?);
        }
        peaks.push(p as f32);
        Ok(())
    })?;
    Ok(peaks)
}

/// Gains that keep every step's peak at or under `ceiling`, with look-ahead and release.
///
/// The oversampling filter reports a peak up to a quarter of a millisecond after the sample
/// that causes it, so each step's allowance also covers its neighbours' peaks. A node between
/// two steps takes the smaller allowance of the two, so the straight line between two nodes
/// stays within each step's allowance; the smoothing passes only ever lower nodes.
fn limiter(peaks: &[f32], ceiling: f32) -> Envelope {
    let n = peaks.len();
    let allowed: Vec<f32> = (0..n)
        .map(|i| {
            let lo = i.saturating_sub(1);
            let hi = (i + 1).min(n.saturating_sub(1));
            let peak = peaks[lo..=hi].iter().copied().fold(0f32, f32::max);
            if peak > ceiling {
                ceiling / peak
            } else {
                1.0
            }
        })
        .collect();
    let mut nodes: Vec<f32> = (0..=n)
        .map(|i| {
            let before = if i > 0 { allowed[i - 1] } else { 1.0 };
            let after = allowed.get(i).copied().unwrap_or(1.0);
            before.min(after)
        })
        .collect();
    // In decibels: the gain may fall by at most `attack` per step towards a peak (so it starts
    // falling ATTACK_MS ahead of a deep reduction) and rise by at most `release` after it.
    let full_db = 20.0f32;
    let attack = full_db / ATTACK_MS as f32;
    let release = full_db / RELEASE_MS as f32;
    let mut db: Vec<f32> = nodes.iter().map(|g| 20.0 * g.log10()).collect();
    for i in (0..db.len().saturating_sub(1)).rev() {
        db[i] = db[i].min(db[i + 1] + attack);
    }
    for i in 1..db.len() {
        db[i] = db[i].min(db[i - 1] + release);
    }
    for (g, d) in nodes.iter_mut().zip(&db) {
        *g = g.min(10f32.powf(d / 20.0));
    }
    Envelope::from_nodes(nodes)
}

/// Master `source` to `target`.
pub fn master(source: &dyn Source, target: &Target) -> Result<Mastering, MeasureError> {
    let before = measure(source, 1.0, None)?;
    let mut gain = match before.integrated_lufs {
        Some(lufs) => db_to_gain(target.integrated_lufs - lufs),
        None => 1.0,
    };
    let aim = target.max_true_peak_dbtp - ENCODER_MARGIN_DB;
    let mut ceiling = db_to_gain(aim);
    let mut best: Option<(f64, Mastering)> = None;
    for _ in 0..ROUNDS {
        let peaks = step_peaks(source, gain as f32)?;
        let envelope = limiter(&peaks, ceiling as f32);
        let limiting = !envelope.is_unity();
        let after = measure(source, gain as f32, limiting.then_some(&envelope))?;
        let loudness_error = match (after.integrated_lufs, before.integrated_lufs) {
            (Some(lufs), Some(_)) => target.integrated_lufs - lufs,
            _ => 0.0,
        };
        let peak_excess = (after.true_peak_dbtp - aim).max(0.0);
        let miss = loudness_error.abs().max(peak_excess);
        let candidate = Mastering {
            gain: gain as f32,
            limiter: envelope,
            before,
            after,
        };
        if best.as_ref().is_none_or(|(m, _)| miss < *m) {
            best = Some((miss, candidate));
        }
        if loudness_error.abs() <= TOLERANCE_LU && peak_excess <= 0.0 {
            break;
        }
        gain *= db_to_gain(loudness_error);
        if peak_excess > 0.0 {
            ceiling *= db_to_gain(-peak_excess - 0.05);
        }
    }
    best.map(|(_, m)| m)
        .ok_or_else(|| MeasureError("no mastering round ran".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tone with a loud burst: the burst needs the limiter once the tone is brought up.
    struct Tones {
        total: u64,
    }

    impl Source for Tones {
        fn total(&self) -> u64 {
            self.total
        }
        fn fill(&self, from: u64, left: &mut [f32], right: &mut [f32]) {
            for (k, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
                let s = from + k as u64;
                let t = s as f64 / 48_000.0;
                let mut v = 0.05 * (2.0 * std::f64::consts::PI * 440.0 * t).sin();
                if (96_000..98_400).contains(&s) {
                    v += 0.9 * (2.0 * std::f64::consts::PI * 2000.0 * t).sin();
                }
                *l = v as f32;
                *r = (v * 0.8) as f32;
            }
        }
    }

    #[test]
    fn the_target_is_met_under_the_ceiling() {
        let source = Tones { total: 48_000 * 6 };
        let m = master(&source, &Target::lufs(-16.0)).unwrap();
        let after = m.after;
        let lufs = after.integrated_lufs.unwrap();
        assert!((lufs + 16.0).abs() <= TOLERANCE_LU, "{lufs}");
        assert!(after.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP - ENCODER_MARGIN_DB + 1e-3);
        assert!(!m.limiter.is_unity(), "the burst was limited");
        // Only around the burst: a second before it the limiter is not working.
        assert_eq!(m.limiter.at(48_000), 1.0);
        // The independent re-measurement agrees.
        let again = measure(&source, m.gain, Some(&m.limiter)).unwrap();
        assert_eq!(again, after);
    }

    #[test]
    fn silence_keeps_its_level() {
        struct Silence;
        impl Source for Silence {
            fn total(&self) -> u64 {
                48_000
            }
            fn fill(&self, _: u64, l: &mut [f32], r: &mut [f32]) {
                l.fill(0.0);
                r.fill(0.0);
            }
        }
        let m = master(&Silence, &Target::lufs(-16.0)).unwrap();
        assert_eq!(m.gain, 1.0);
        assert_eq!(m.after.integrated_lufs, None);
        assert!(m.limiter.is_unity());
    }
}
