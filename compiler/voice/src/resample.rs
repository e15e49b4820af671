//! 22,050 Hz → 48,000 Hz: a polyphase windowed-sinc resampler.
//!
//! 48000 / 22050 = 320 / 147: output sample `m` sits at input position `m · 147 / 320`, whose
//! fractional part is one of 320 phases. Each phase has its own 64-tap filter, a Kaiser-windowed
//! sinc cut off at 10 kHz (below the input's 11,025 Hz Nyquist, so nothing aliases back), each
//! normalised to unity gain at DC. The table is computed once in f64; every output is the same
//! sequence of multiply-adds in the same order, so the result depends on the input alone — not
//! on the thread, the run, or what was resampled before.

use std::sync::OnceLock;

use crate::engine::ENGINE_RATE;

pub const OUTPUT_RATE: u32 = 48_000;

const UP: usize = 320;
const DOWN: usize = 147;
const TAPS: usize = 64;
/// Cut-off as a fraction of the input rate (0.5 would be its Nyquist frequency).
const CUTOFF: f64 = 10_000.0 / ENGINE_RATE as f64;
const KAISER_BETA: f64 = 8.6;

/// `TAPS` coefficients per phase; tap `k` multiplies input `i + k - (TAPS / 2 - 1)`.
fn table() -> &'static [[f32; TAPS]; UP] {
    static TABLE: OnceLock<Box<[[f32; TAPS]; UP]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Box::new([[0f32; TAPS]; UP]);
        let half = (TAPS / 2) as f64;
        for (phase, row) in table.iter_mut().enumerate() {
            let frac = phase as f64 / UP as f64;
            let mut coefficients = [0f64; TAPS];
            for (k, c) in coefficients.iter_mut().enumerate() {
                // Distance in input samples from this tap to the output's position.
                let x = k as f64 - (half - 1.0) - frac;
                let window = bessel_i0(KAISER_BETA * (1.0 - (x / half).powi(2)).max(0.0).sqrt())
                    / bessel_i0(KAISER_BETA);
                *c = 2.0 * CUTOFF * sinc(2.0 * CUTOFF * x) * window;
            }
            let sum: f64 = coefficients.iter().sum();
            for (out, c) in row.iter_mut().zip(coefficients) {
                *out = (c / sum) as f32;
            }
        }
        table
    })
}

fn sinc(x: f64) -> f64 {
    if x.abs() < 1e-12 {
        1.0
    } else {
        let px = std::f64::consts::PI * x;
        px.sin() / px
    }
}

/// The modified Bessel function of the first kind, order 0 (its power series converges fast
/// for the arguments a Kaiser window uses).
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let q = x * x / 4.0;
    for k in 1..64 {
        term *= q / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

/// Output samples for `input` samples: `ceil(input · 320 / 147)`.
pub fn output_len(input: usize) -> usize {
    (input * UP).div_ceil(DOWN)
}

/// Resample 16-bit samples at [`ENGINE_RATE`] to f32 at [`OUTPUT_RATE`] (full scale ±1).
/// Samples before the start and after the end count as silence.
pub fn to_48k(input: &[i16]) -> Vec<f32> {
    let table = table();
    let n = output_len(input.len());
    let mut out = Vec::with_capacity(n);
    let lead = TAPS / 2 - 1;
    for m in 0..n {
        let position = m * DOWN;
        let (i, phase) = (position / UP, position % UP);
        let row = &table[phase];
        let mut acc = 0f64;
        for (k, &c) in row.iter().enumerate() {
            let j = (i + k) as isize - lead as isize;
            if j >= 0 && (j as usize) < input.len() {
                acc += f64::from(c) * f64::from(input[j as usize]);
            }
        }
        out.push((acc / 32768.0) as f32);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: f64, n: usize, amp: f64) -> Vec<f64> {
        (0..n)
            .map(|i| amp * (2.0 * std::f64::consts::PI * freq * i as f64 / rate).sin())
            .collect()
    }

    #[test]
    fn a_sine_keeps_its_frequency_and_level() {
        let input: Vec<i16> = sine(1000.0, 22050.0, 22050, 16000.0)
            .into_iter()
            .map(|v| v.round() as i16)
            .collect();
        let out = to_48k(&input);
        assert_eq!(out.len(), 48000);
        let expected = sine(1000.0, 48000.0, 48000, 16000.0 / 32768.0);
        // Away from the edges the output is the same sine, sampled at 48 kHz (the filter has no
        // delay: tap alignment puts the centre on the output's position).
        let worst = out[200..47800]
            .iter()
            .zip(&expected[200..47800])
            .map(|(a, b)| (f64::from(*a) - b).abs())
            .fold(0.0, f64::max);
        assert!(worst < 2e-3, "worst error {worst}");
    }

    #[test]
    fn content_above_the_input_band_is_not_created() {
        // An impulse's spectrum after resampling has almost nothing above 11.5 kHz.
        let mut input = vec![0i16; 4096];
        input[2048] = 20000;
        let out = to_48k(&input);
        let energy = |lo: f64, hi: f64| -> f64 {
            let n = out.len();
            let mut e = 0.0;
            let mut f = lo;
            while f < hi {
                let (mut re, mut im) = (0.0, 0.0);
                for (i, v) in out.iter().enumerate() {
                    let a = 2.0 * std::f64::consts::PI * f * i as f64 / 48000.0;
                    re += f64::from(*v) * a.cos();
                    im += f64::from(*v) * a.sin();
                }
                e += re * re + im * im;
                f += 250.0;
            }
            e / n as f64
        };
        let pass = energy(500.0, 9000.0);
        let stop = energy(12000.0, 23000.0);
        assert!(stop < pass * 1e-6, "stop {stop} pass {pass}");
    }

    #[test]
    fn lengths() {
        assert_eq!(output_len(0), 0);
        assert_eq!(output_len(147), 320);
        assert_eq!(output_len(148), 323);
        assert!(to_48k(&[]).is_empty());
    }
}
