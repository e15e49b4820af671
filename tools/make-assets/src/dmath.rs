//! Transcendental functions built from `+ - * /` only.
//!
//! The platform `libm` may round `sin` or `exp` differently from one OS or CPU to the next, and a
//! one-ulp difference can flip a 16-bit sample or an anti-aliased pixel. The committed assets must
//! come out byte-identical everywhere, so every sample and pixel goes through these instead:
//! IEEE 754 guarantees the basic operations, and Rust never fuses them behind our back.

pub const PI: f64 = std::f64::consts::PI;
pub const TAU: f64 = std::f64::consts::TAU;

/// Sine, accurate to about 1e-15 over any argument a sound or drawing needs (|x| < 1e6).
pub fn sin(x: f64) -> f64 {
    // Reduce to [-pi, pi], then to [-pi/2, pi/2] by symmetry, then a Taylor series that has
    // converged well below f64 precision by its 12th odd term.
    let k = round(x / TAU);
    let mut r = x - k * TAU;
    if r > PI / 2.0 {
        r = PI - r;
    } else if r < -PI / 2.0 {
        r = -PI - r;
    }
    let r2 = r * r;
    let mut term = r;
    let mut sum = r;
    let mut n = 1.0;
    for _ in 0..12 {
        term = -term * r2 / ((n + 1.0) * (n + 2.0));
        sum += term;
        n += 2.0;
    }
    sum
}

pub fn cos(x: f64) -> f64 {
    sin(x + PI / 2.0)
}

/// e^x for the range envelopes and filters use; underflows to 0 below -700.
pub fn exp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    // e^x = (e^(x/2^k))^(2^k): shrink the argument until the series converges fast.
    let mut k = 0;
    let mut r = x;
    while r.abs() > 0.5 {
        r /= 2.0;
        k += 1;
    }
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..20 {
        term *= r / n as f64;
        sum += term;
    }
    for _ in 0..k {
        sum *= sum;
    }
    sum
}

/// Natural logarithm of a positive number (Newton's method on `exp`).
pub fn ln(x: f64) -> f64 {
    debug_assert!(x > 0.0);
    // Split off powers of two so Newton starts close.
    let mut m = x;
    let mut e = 0i32;
    while m > 2.0 {
        m /= 2.0;
        e += 1;
    }
    while m < 1.0 {
        m *= 2.0;
        e -= 1;
    }
    let mut y = m - 1.0;
    for _ in 0..8 {
        y -= 1.0 - m / exp(y);
    }
    y + e as f64 * std::f64::consts::LN_2
}

pub fn powf(base: f64, p: f64) -> f64 {
    if base <= 0.0 {
        return 0.0;
    }
    exp(p * ln(base))
}

/// Round half away from zero (f64::round is exact, but spelled out keeps this module self-contained).
pub fn round(x: f64) -> f64 {
    x.round()
}

/// Frequency in Hz of a MIDI note number (69 = A4 = 440 Hz).
pub fn midi_hz(note: f64) -> f64 {
    440.0 * powf(2.0, (note - 69.0) / 12.0)
}

/// Amplitude factor of a gain in decibels.
pub fn db(gain: f64) -> f64 {
    powf(10.0, gain / 20.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_libm() {
        for i in -2000..2000 {
            let x = i as f64 * 0.0371;
            assert!((sin(x) - x.sin()).abs() < 1e-12, "sin {x}");
            assert!((cos(x) - x.cos()).abs() < 1e-12, "cos {x}");
        }
        for i in -400..200 {
            let x = i as f64 * 0.05;
            assert!((exp(x) / x.exp() - 1.0).abs() < 1e-12, "exp {x}");
        }
        for i in 1..500 {
            let x = i as f64 * 0.37;
            assert!((ln(x) - x.ln()).abs() < 1e-12, "ln {x}");
        }
        assert!((midi_hz(60.0) - 261.6255653).abs() < 1e-6);
        assert!((db(-6.0) - 0.501187).abs() < 1e-6);
    }
}
