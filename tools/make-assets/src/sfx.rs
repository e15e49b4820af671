//! One-shot sound effects.

use crate::dmath::{self, TAU};
use crate::rng::Rng;
use crate::synth::{self, Buffer, SR};

fn t(i: usize) -> f64 {
    i as f64 / SR
}

/// A close lightning crack followed by a long rolling rumble.
pub fn thunder() -> Buffer {
    let mut rng = Rng::from_name("thunder");
    let len = 2.6;
    let crack = synth::highpass(&synth::white_noise(&mut rng, 0.4), 900.0)
        .map(|i, s| s * dmath::exp(-t(i) * 14.0));
    // The rumble's loudness swells a few times as echoes arrive from farther clouds.
    let rolls: Vec<(f64, f64)> = (0..4)
        .map(|_| (rng.range(0.3, 1.7), rng.range(0.4, 0.9)))
        .collect();
    let rumble_noise = synth::white_noise(&mut rng, len);
    let rumble = synth::lowpass(
        &synth::lowpass(&rumble_noise, |i| 160.0 + 240.0 * dmath::exp(-t(i) * 2.0)),
        |_| 220.0,
    )
    .map(|i, s| {
        let x = t(i);
        let base = (x / 0.12).min(1.0) * dmath::exp(-x * 1.1);
        let swell: f64 = rolls
            .iter()
            .map(|&(at, amp)| amp * dmath::exp(-((x - at) * (x - at)) / 0.05))
            .sum();
        s * (base + swell)
    });
    let mut out = Buffer::silence(len);
    out.mix(&crack, 0.0, 0.35);
    let mut rumble = rumble;
    rumble.normalize(1.0);
    out.mix(&rumble, 0.05, 0.9);
    out.normalize(0.9);
    out.declick(0.002);
    out
}

/// A ship's cannon: a sharp report, a falling low boom, and the smoke's rushing tail.
pub fn cannon() -> Buffer {
    let mut rng = Rng::from_name("cannon");
    let len = 1.5;
    let mut phase = 0.0;
    let boom = Buffer(
        (0..synth::samples(len))
            .map(|i| {
                let f = 35.0 + 55.0 * dmath::exp(-t(i) * 6.0);
                phase += f / SR;
                dmath::sin(TAU * phase) * dmath::exp(-t(i) * 3.0)
            })
            .collect(),
    );
    let blast = synth::lowpass(&synth::white_noise(&mut rng, len), |i| {
        150.0 + 2500.0 * dmath::exp(-t(i) * 9.0)
    })
    .map(|i, s| s * dmath::exp(-t(i) * 4.0));
    let report = synth::highpass(&synth::white_noise(&mut rng, 0.05), 2000.0)
        .map(|i, s| s * dmath::exp(-t(i) * 90.0));
    let mut out = Buffer::silence(len);
    out.mix(&boom, 0.0, 1.0);
    let mut blast = blast;
    blast.normalize(1.0);
    out.mix(&blast, 0.0, 0.7);
    out.mix(&report, 0.0, 0.5);
    out.normalize(0.95);
    out.declick(0.002);
    out
}

/// A church bell: the inharmonic partials of a cast bell (hum, prime, tierce, quint, nominal),
/// the high ones dying first.
pub fn bell() -> Buffer {
    let mut rng = Rng::from_name("bell");
    let strike = 196.0; // G3
    let partials = [
        (0.5, 0.6, 0.6),
        (1.0, 1.0, 0.9),
        (1.19, 0.55, 1.2),
        (1.5, 0.35, 1.6),
        (2.0, 0.6, 1.8),
        (2.51, 0.25, 2.6),
        (2.67, 0.2, 3.0),
        (3.01, 0.15, 3.5),
        (4.1, 0.08, 5.0),
    ];
    let mut out = synth::additive(strike, 2.5, &partials);
    let clang = synth::bandpass(&synth::white_noise(&mut rng, 0.05), |_| 2500.0, 3.0)
        .map(|i, s| s * dmath::exp(-t(i) * 80.0));
    out.mix(&clang, 0.0, 2.0);
    out.normalize(0.8);
    out.declick(0.002);
    out
}

/// A mechanical camera shutter: two clicks, curtain opening then closing.
pub fn shutter() -> Buffer {
    let mut rng = Rng::from_name("shutter");
    let click = |rng: &mut Rng, bright: f64| {
        synth::bandpass(&synth::white_noise(rng, 0.03), |_| bright, 1.5)
            .map(|i, s| s * dmath::exp(-t(i) * 220.0))
    };
    let mut out = Buffer::silence(0.4);
    out.mix(&click(&mut rng, 3500.0), 0.01, 1.0);
    out.mix(&click(&mut rng, 2600.0), 0.13, 0.8);
    let whirr = synth::bandpass(&synth::white_noise(&mut rng, 0.2), |_| 900.0, 4.0)
        .map(|i, s| s * dmath::sin(dmath::PI * t(i) / 0.2) * 0.3);
    out.mix(&whirr, 0.16, 1.0);
    out.normalize(0.8);
    out.declick(0.002);
    out
}

/// Air rushing past: noise through a band-pass that sweeps up and back down as it swells.
pub fn whoosh() -> Buffer {
    let mut rng = Rng::from_name("whoosh");
    let len = 1.2;
    let noise = synth::white_noise(&mut rng, len);
    let shape = |x: f64| {
        let p = (x / len).min(1.0);
        dmath::sin(dmath::PI * p)
    };
    let mut out = synth::bandpass(&noise, |i| 300.0 + 2700.0 * shape(t(i)) * shape(t(i)), 2.0)
        .map(|i, s| s * shape(t(i)) * shape(t(i)));
    out.normalize(0.8);
    out.declick(0.002);
    out
}
