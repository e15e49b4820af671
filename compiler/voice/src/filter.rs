//! The few filters a scratch line's placement uses: second-order Butterworth high- and low-pass
//! sections (the Audio EQ Cookbook's biquads, direct form I in f64) and a handful of early
//! reflections standing in for a room.

use std::f64::consts::PI;

pub struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
}

impl Biquad {
    fn new(b: [f64; 3], a0: f64, a: [f64; 2]) -> Biquad {
        Biquad {
            b: b.map(|v| v / a0),
            a: a.map(|v| v / a0),
        }
    }

    pub fn low_pass(cutoff: f64, rate: f64) -> Biquad {
        let w = 2.0 * PI * cutoff / rate;
        let alpha = w.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let c = w.cos();
        Biquad::new(
            [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0],
            1.0 + alpha,
            [-2.0 * c, 1.0 - alpha],
        )
    }

    pub fn high_pass(cutoff: f64, rate: f64) -> Biquad {
        let w = 2.0 * PI * cutoff / rate;
        let alpha = w.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let c = w.cos();
        Biquad::new(
            [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0],
            1.0 + alpha,
            [-2.0 * c, 1.0 - alpha],
        )
    }

    /// Filter in place from silence.
    pub fn apply(&self, samples: &mut [f32]) {
        let (mut x1, mut x2, mut y1, mut y2) = (0f64, 0f64, 0f64, 0f64);
        for v in samples {
            let x = f64::from(*v);
            let y =
                self.b[0] * x + self.b[1] * x1 + self.b[2] * x2 - self.a[0] * y1 - self.a[1] * y2;
            (x2, x1, y2, y1) = (x1, x, y1, y);
            *v = y as f32;
        }
    }
}

/// Delayed, attenuated copies of the dry signal: the first reflections of the walls of a room.
pub struct Reflections {
    taps: Vec<(usize, f32)>,
}

impl Reflections {
    fn of(rate: f64, taps: &[(f64, f32)]) -> Reflections {
        Reflections {
            taps: taps
                .iter()
                .map(|(ms, gain)| ((ms * rate / 1000.0).round() as usize, *gain))
                .collect(),
        }
    }

    /// The scene's room, heard from where the camera is: light (−15 dB and below).
    pub fn room(rate: f64) -> Reflections {
        Reflections::of(rate, &[(13.0, 0.18), (21.0, 0.12), (34.0, 0.08)])
    }

    /// A voice from out of view: later, stronger reflections than its dry sound.
    pub fn next_room(rate: f64) -> Reflections {
        Reflections::of(rate, &[(17.0, 0.3), (29.0, 0.22), (41.0, 0.15)])
    }

    /// Add the reflections of the samples already there; the clip keeps its length.
    pub fn apply(&self, samples: &mut [f32]) {
        let dry = samples.to_vec();
        for (delay, gain) in &self.taps {
            for (out, v) in samples.iter_mut().skip(*delay).zip(&dry) {
                *out += *v * *gain;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(freq: f64, filter: &Biquad) -> f64 {
        let mut s: Vec<f32> = (0..48000)
            .map(|i| (2.0 * PI * freq * i as f64 / 48000.0).sin() as f32)
            .collect();
        filter.apply(&mut s);
        let rms = (s[24000..]
            .iter()
            .map(|v| f64::from(*v).powi(2))
            .sum::<f64>()
            / 24000.0)
            .sqrt();
        20.0 * (rms * 2f64.sqrt()).log10()
    }

    #[test]
    fn butterworth_sections_are_3_db_down_at_their_cutoff() {
        assert!((level(3000.0, &Biquad::low_pass(3000.0, 48000.0)) + 3.01).abs() < 0.1);
        assert!((level(300.0, &Biquad::high_pass(300.0, 48000.0)) + 3.01).abs() < 0.1);
        assert!(level(100.0, &Biquad::low_pass(3000.0, 48000.0)).abs() < 0.05);
        assert!(level(12000.0, &Biquad::low_pass(3000.0, 48000.0)) < -20.0);
    }
}
