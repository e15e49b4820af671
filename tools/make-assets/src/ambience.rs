//! Ambience beds. Each is a short seamless loop (the player repeats it under a whole scene), and
//! every slow modulation completes whole cycles within the loop so the seam is inaudible.

use crate::dmath::{self, TAU};
use crate::instrument::Instrument;
use crate::rng::Rng;
use crate::synth::{self, Buffer, SR};

/// Length of the cross-fade that joins a loop's end to its start.
const SEAM: f64 = 0.3;

fn t(i: usize) -> f64 {
    i as f64 / SR
}

/// Steady rain: a hiss of many drops plus a few close ones ticking on hard surfaces.
pub fn rain(name: &str) -> Buffer {
    let mut rng = Rng::from_name(name);
    let len = 2.5 + SEAM;
    let hiss = synth::lowpass(
        &synth::highpass(&synth::white_noise(&mut rng, len), 500.0),
        |_| 5000.0,
    );
    let mut out = Buffer::silence(len);
    out.mix(&hiss, 0.0, 0.5);
    for _ in 0..40 {
        let at = rng.range(0.0, len - 0.05);
        let pitch = rng.range(2000.0, 6000.0);
        let drop = synth::bandpass(&synth::white_noise(&mut rng, 0.03), |_| pitch, 6.0)
            .map(|i, s| s * dmath::exp(-t(i) * 150.0));
        out.mix(&drop, at, rng.range(0.5, 1.5));
    }
    finish(out)
}

/// A café: murmured conversation (noise shaped by voice formants and syllable rhythm) and the
/// odd cup set down on a saucer.
pub fn cafe() -> Buffer {
    let mut rng = Rng::from_name("cafe");
    let len = 2.5 + SEAM;
    let mut out = Buffer::silence(len);
    for voice in 0..5 {
        let formant = 450.0 + 180.0 * voice as f64;
        let rate = rng.range(3.0, 5.0);
        let offset = rng.range(0.0, 1.0);
        let raw = synth::bandpass(&synth::white_noise(&mut rng, len), move |_| formant, 3.0);
        let syllables = raw.map(|i, s| {
            let p = dmath::sin(TAU * (t(i) * rate + offset));
            s * (0.3 + 0.7 * p * p)
        });
        out.mix(&synth::lowpass(&syllables, |_| 2000.0), 0.0, 0.5);
    }
    for at in [0.6, 1.9] {
        let freq = rng.range(2400.0, 3200.0);
        let clink = Instrument::Glass.note(&mut rng, freq, 0.05);
        out.mix(&clink, at, 0.12);
    }
    finish(out)
}

/// Wind over open ground: low-passed noise whose brightness and loudness rise and fall in gusts.
pub fn wind() -> Buffer {
    let mut rng = Rng::from_name("wind");
    let body = 2.5;
    let len = body + SEAM;
    // Gusts complete whole cycles over `body`, so the loop's seam falls at the same phase.
    let gust = move |x: f64| {
        0.5 + 0.5 * dmath::sin(TAU * x / body) * dmath::sin(TAU * 2.0 * x / body + 0.7)
    };
    let noise = synth::white_noise(&mut rng, len);
    let low = synth::lowpass(
        &synth::lowpass(&noise, |i| 250.0 + 700.0 * gust(t(i))),
        |_| 1200.0,
    );
    let whistle = synth::bandpass(&noise, |i| 700.0 + 300.0 * gust(t(i)), 12.0);
    let mut out = Buffer::silence(len);
    let mut low = low.map(|i, s| s * (0.4 + 0.6 * gust(t(i))));
    low.normalize(1.0);
    out.mix(&low, 0.0, 1.0);
    let mut whistle = whistle.map(|i, s| s * gust(t(i)));
    whistle.normalize(1.0);
    out.mix(&whistle, 0.0, 0.15);
    finish(out)
}

/// A harbour at dusk: the slow swell of waves, water lapping at a pier, a distant gull.
pub fn harbour() -> Buffer {
    let mut rng = Rng::from_name("harbour");
    let body = 2.5;
    let len = body + SEAM;
    let swell = move |x: f64| {
        let p = 0.5 + 0.5 * dmath::sin(TAU * x / body);
        p * p
    };
    let waves = synth::lowpass(&synth::white_noise(&mut rng, len), |i| {
        300.0 + 500.0 * swell(t(i))
    })
    .map(|i, s| s * (0.25 + 0.75 * swell(t(i))));
    let mut out = Buffer::silence(len);
    let mut waves = waves;
    waves.normalize(1.0);
    out.mix(&waves, 0.0, 0.8);
    for k in 0..4 {
        let at = 0.3 + k as f64 * 0.55 + rng.range(0.0, 0.2);
        let lap = synth::bandpass(&synth::white_noise(&mut rng, 0.25), |_| 700.0, 2.0)
            .map(|i, s| s * dmath::sin(dmath::PI * t(i) / 0.25));
        out.mix(&lap, at, 0.5);
    }
    // The gull: a falling two-harmonic cry.
    let mut phase = 0.0;
    let cry = Buffer(
        (0..synth::samples(0.35))
            .map(|i| {
                let x = t(i) / 0.35;
                phase += (1900.0 - 700.0 * x) / SR;
                let env = dmath::sin(dmath::PI * x);
                env * (dmath::sin(TAU * phase) + 0.4 * dmath::sin(2.0 * TAU * phase))
            })
            .collect(),
    );
    out.mix(&cry, 1.2, 0.05);
    out.mix(&cry, 1.65, 0.035);
    finish(out)
}

fn finish(out: Buffer) -> Buffer {
    let mut looped = out.make_loop(SEAM);
    looped.normalize(0.6);
    looped
}
