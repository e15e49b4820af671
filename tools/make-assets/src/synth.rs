//! Sound building blocks: a mono buffer, oscillators, envelopes and filters.

use crate::dmath::{self, TAU};
use crate::rng::Rng;

/// Every sound here is 22050 Hz: plenty for previz, and half the bytes of 44.1 kHz.
pub const RATE: u32 = 22050;
pub const SR: f64 = RATE as f64;

/// A mono signal.
#[derive(Clone)]
pub struct Buffer(pub Vec<f64>);

impl Buffer {
    pub fn silence(seconds: f64) -> Buffer {
        Buffer(vec![0.0; samples(seconds)])
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `other` scaled by `gain`, starting `at` seconds in; what falls past the end is dropped.
    pub fn mix(&mut self, other: &Buffer, at: f64, gain: f64) {
        let start = samples(at);
        for (i, &s) in other.0.iter().enumerate() {
            match self.0.get_mut(start + i) {
                Some(d) => *d += s * gain,
                None => break,
            }
        }
    }

    pub fn scale(&mut self, gain: f64) {
        for s in &mut self.0 {
            *s *= gain;
        }
    }

    /// Scales so the loudest sample sits at `peak`.
    pub fn normalize(&mut self, peak: f64) {
        let max = self.0.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        if max > 0.0 {
            self.scale(peak / max);
        }
    }

    /// Short linear ramps at both ends so playback never starts or stops with a click.
    pub fn declick(&mut self, seconds: f64) {
        let n = samples(seconds).min(self.len() / 2);
        let len = self.len();
        for i in 0..n {
            let g = i as f64 / n as f64;
            self.0[i] *= g;
            self.0[len - 1 - i] *= g;
        }
    }

    /// Makes the buffer loop seamlessly: its last `seconds` are cross-faded into its start, and the
    /// result is that much shorter.
    pub fn make_loop(mut self, seconds: f64) -> Buffer {
        let n = samples(seconds).min(self.len() / 2);
        let body = self.len() - n;
        for i in 0..n {
            let g = i as f64 / n as f64;
            self.0[i] = self.0[i] * g + self.0[body + i] * (1.0 - g);
        }
        self.0.truncate(body);
        self
    }

    pub fn map(mut self, f: impl Fn(usize, f64) -> f64) -> Buffer {
        for (i, s) in self.0.iter_mut().enumerate() {
            *s = f(i, *s);
        }
        self
    }
}

pub fn samples(seconds: f64) -> usize {
    (seconds * SR).round().max(0.0) as usize
}

pub fn white_noise(rng: &mut Rng, seconds: f64) -> Buffer {
    Buffer((0..samples(seconds)).map(|_| rng.noise()).collect())
}

/// A sum of harmonics of `freq`: `partials` lists (multiple, amplitude, decay per second).
/// Partials above Nyquist are left out so nothing aliases.
pub fn additive(freq: f64, seconds: f64, partials: &[(f64, f64, f64)]) -> Buffer {
    let n = samples(seconds);
    let mut out = vec![0.0; n];
    for &(mult, amp, decay) in partials {
        let f = freq * mult;
        if f >= SR / 2.0 {
            continue;
        }
        let step = f / SR;
        let fall = dmath::exp(-decay / SR);
        let mut phase = 0.0f64;
        let mut level = amp;
        for s in out.iter_mut() {
            *s += level * dmath::sin(TAU * phase);
            phase += step;
            if phase >= 1.0 {
                phase -= 1.0;
            }
            level *= fall;
        }
    }
    Buffer(out)
}

/// A sawtooth-like tone built from `count` harmonics at 1/n.
pub fn saw_partials(count: usize, decay: f64) -> Vec<(f64, f64, f64)> {
    (1..=count)
        .map(|n| (n as f64, 1.0 / n as f64, decay * n as f64))
        .collect()
}

/// Attack-decay-sustain-release envelope applied in place; `held` is how long the key is down.
pub fn adsr(buf: &mut Buffer, attack: f64, decay: f64, sustain: f64, held: f64, release: f64) {
    for (i, s) in buf.0.iter_mut().enumerate() {
        let t = i as f64 / SR;
        let level_at = |t: f64| {
            if t < attack {
                t / attack
            } else if t < attack + decay {
                1.0 - (1.0 - sustain) * (t - attack) / decay
            } else {
                sustain
            }
        };
        let g = if t < held {
            level_at(t)
        } else if t < held + release {
            level_at(held) * (1.0 - (t - held) / release)
        } else {
            0.0
        };
        *s *= g;
    }
}

/// A plucked string (Karplus-Strong): a noise burst circulating in a damped delay line.
pub fn pluck(rng: &mut Rng, freq: f64, seconds: f64, damping: f64) -> Buffer {
    let period = (SR / freq).round().max(2.0) as usize;
    let mut line: Vec<f64> = (0..period).map(|_| rng.noise()).collect();
    let n = samples(seconds);
    let mut out = Vec::with_capacity(n);
    let mut idx = 0;
    for _ in 0..n {
        let next = (idx + 1) % period;
        let v = line[idx];
        line[idx] = damping * 0.5 * (line[idx] + line[next]);
        out.push(v);
        idx = next;
    }
    Buffer(out)
}

/// One-pole low-pass; `cutoff` may change over time (Hz as a function of the sample index).
pub fn lowpass(buf: &Buffer, cutoff: impl Fn(usize) -> f64) -> Buffer {
    let mut y = 0.0;
    Buffer(
        buf.0
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let a = 1.0 - dmath::exp(-TAU * cutoff(i) / SR);
                y += a * (x - y);
                y
            })
            .collect(),
    )
}

/// One-pole high-pass: the input minus its low-passed self.
pub fn highpass(buf: &Buffer, cutoff: f64) -> Buffer {
    let low = lowpass(buf, |_| cutoff);
    Buffer(buf.0.iter().zip(&low.0).map(|(x, l)| x - l).collect())
}

/// A resonant band-pass (two-pole, constant peak gain); the centre may sweep over time.
pub fn bandpass(buf: &Buffer, centre: impl Fn(usize) -> f64, q: f64) -> Buffer {
    let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
    let mut out = Vec::with_capacity(buf.len());
    // Recomputing coefficients every sample costs a few sines; every 32 samples is smooth enough.
    let mut coef = (0.0, 0.0, 0.0, 0.0);
    for (i, &x) in buf.0.iter().enumerate() {
        if i % 32 == 0 {
            let w = TAU * centre(i).min(SR * 0.45) / SR;
            let alpha = dmath::sin(w) / (2.0 * q);
            let a0 = 1.0 + alpha;
            coef = (
                alpha / a0,
                -alpha / a0,
                -2.0 * dmath::cos(w) / a0,
                (1.0 - alpha) / a0,
            );
        }
        let (b0, b2, a1, a2) = coef;
        let y = b0 * x + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = x;
        y2 = y1;
        y1 = y;
        out.push(y);
    }
    Buffer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_joins_without_a_jump() {
        let mut rng = Rng::from_name("loop");
        let noise = lowpass(&white_noise(&mut rng, 1.0), |_| 500.0);
        let looped = noise.clone().make_loop(0.2);
        assert_eq!(looped.len(), samples(0.8));
        let last = looped.0[looped.len() - 1];
        let first = looped.0[0];
        // Across the seam the signal must step no further than it ever steps between neighbours.
        let largest_step = looped
            .0
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f64::max);
        assert!(
            (last - first).abs() <= largest_step,
            "seam {last} -> {first}, largest step {largest_step}"
        );
        // And the seam is the original's own continuation: the sample that followed `last`.
        assert_eq!(first, noise.0[samples(0.8)]);
    }

    #[test]
    fn bandpass_passes_its_centre() {
        let tone = |f: f64| additive(f, 0.5, &[(1.0, 1.0, 0.0)]);
        let rms = |b: &Buffer| (b.0[5000..].iter().map(|s| s * s).sum::<f64>() / 6000.0).sqrt();
        let centre = rms(&bandpass(&tone(1000.0), |_| 1000.0, 2.0));
        let off = rms(&bandpass(&tone(100.0), |_| 1000.0, 2.0));
        assert!(centre > 0.6 && off < 0.1, "centre {centre} off {off}");
    }
}
