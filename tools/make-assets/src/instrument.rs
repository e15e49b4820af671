//! Instruments: how one note of each timbre sounds.

use crate::dmath::{self, TAU};
use crate::rng::Rng;
use crate::synth::{self, additive, adsr, saw_partials, Buffer, SR};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instrument {
    /// Slow detuned saw chords, low-passed: a synth pad.
    Pad,
    /// A glassy celesta-like tone with fast-decaying overtones.
    Glass,
    /// A plucked string.
    Pluck,
    /// A brass section: bright saw whose filter opens on the attack.
    Brass,
    /// An accordion: two reeds tuned slightly apart, so they beat (the musette sound).
    Reed,
    /// A soft piano: higher partials die faster than the fundamental.
    Piano,
    Bass,
    Kick,
    Snare,
    Hat,
}

impl Instrument {
    /// Seconds a note keeps sounding after its key is released.
    pub fn release(self) -> f64 {
        match self {
            Instrument::Pad => 0.9,
            Instrument::Glass => 1.2,
            Instrument::Pluck => 0.6,
            Instrument::Brass => 0.12,
            Instrument::Reed => 0.1,
            Instrument::Piano => 0.9,
            Instrument::Bass => 0.12,
            Instrument::Kick | Instrument::Snare | Instrument::Hat => 0.0,
        }
    }

    /// One note of `freq` Hz held for `held` seconds, including its release tail.
    pub fn note(self, rng: &mut Rng, freq: f64, held: f64) -> Buffer {
        let total = held + self.release();
        match self {
            Instrument::Pad => {
                let mut sum = Buffer::silence(total);
                for detune in [-0.004, 0.0, 0.0045] {
                    sum.mix(
                        &additive(freq * (1.0 + detune), total, &saw_partials(9, 0.0)),
                        0.0,
                        0.33,
                    );
                }
                let mut out = synth::lowpass(&sum, |_| 1500.0);
                adsr(&mut out, 0.45, 0.4, 0.75, held, self.release());
                out
            }
            Instrument::Glass => {
                let partials = [
                    (1.0, 1.0, 2.2),
                    (2.0, 0.35, 4.0),
                    (3.01, 0.15, 7.0),
                    (4.2, 0.08, 10.0),
                ];
                let mut out = additive(freq, total, &partials);
                adsr(&mut out, 0.004, 0.0, 1.0, held, self.release());
                out
            }
            Instrument::Pluck => {
                let mut out = synth::pluck(rng, freq, total, 0.996);
                adsr(&mut out, 0.002, 0.0, 1.0, held, self.release());
                out
            }
            Instrument::Brass => {
                let raw = additive(freq, total, &saw_partials(12, 0.0));
                let mut out = synth::lowpass(&raw, |i| {
                    let t = i as f64 / SR;
                    700.0 + 2600.0 * (t / 0.06).min(1.0) * dmath::exp(-t * 3.0)
                });
                adsr(&mut out, 0.04, 0.1, 0.8, held, self.release());
                out
            }
            Instrument::Reed => {
                let partials = [
                    (1.0, 1.0, 0.0),
                    (2.0, 0.55, 0.0),
                    (3.0, 0.4, 0.0),
                    (4.0, 0.25, 0.0),
                    (5.0, 0.2, 0.0),
                    (6.0, 0.1, 0.0),
                ];
                let mut out = additive(freq, total, &partials);
                out.mix(&additive(freq * 1.0035, total, &partials), 0.0, 0.8);
                adsr(&mut out, 0.03, 0.06, 0.85, held, self.release());
                out
            }
            Instrument::Piano => {
                let partials = [
                    (1.0, 1.0, 1.1),
                    (2.001, 0.45, 2.0),
                    (3.003, 0.22, 3.2),
                    (4.006, 0.1, 4.5),
                    (5.01, 0.05, 6.0),
                ];
                let mut out = additive(freq, total, &partials);
                adsr(&mut out, 0.004, 0.0, 1.0, held, self.release());
                out
            }
            Instrument::Bass => {
                let mut out = additive(
                    freq,
                    total,
                    &[(1.0, 1.0, 1.2), (2.0, 0.35, 3.0), (3.0, 0.1, 5.0)],
                );
                adsr(&mut out, 0.008, 0.15, 0.7, held, self.release());
                out
            }
            Instrument::Kick => drum_kick(),
            Instrument::Snare => drum_snare(rng),
            Instrument::Hat => drum_hat(rng),
        }
    }
}

/// A sine whose pitch falls fast: the thump of a bass drum.
pub fn drum_kick() -> Buffer {
    let n = synth::samples(0.35);
    let mut phase = 0.0;
    Buffer(
        (0..n)
            .map(|i| {
                let t = i as f64 / SR;
                let f = 45.0 + 90.0 * dmath::exp(-t * 25.0);
                phase += f / SR;
                dmath::sin(TAU * phase) * dmath::exp(-t * 9.0)
            })
            .collect(),
    )
}

pub fn drum_snare(rng: &mut Rng) -> Buffer {
    let noise = synth::highpass(&synth::white_noise(rng, 0.22), 1200.0);
    let tone = additive(190.0, 0.22, &[(1.0, 0.6, 25.0)]);
    let mut out = Buffer::silence(0.22);
    out.mix(
        &noise.map(|i, s| s * dmath::exp(-(i as f64 / SR) * 16.0)),
        0.0,
        0.9,
    );
    out.mix(&tone, 0.0, 1.0);
    out
}

pub fn drum_hat(rng: &mut Rng) -> Buffer {
    synth::highpass(&synth::white_noise(rng, 0.07), 6000.0)
        .map(|i, s| s * dmath::exp(-(i as f64 / SR) * 55.0))
}
