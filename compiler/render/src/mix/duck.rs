//! Ducking: music and ambience step down under speech.
//!
//! A sidechain keyed by the dialogue stem. Speech is *present* in a millisecond when the
//! dialogue's peak there reaches [`THRESHOLD_DBFS`]; presence holds for [`HOLD_MS`] after the
//! last such millisecond (so the gaps between words do not pump the music), the duck reaches
//! its full [`DEPTH_DB`] over [`ATTACK_MS`] *before* speech starts (the film is known in
//! advance, so the sidechain looks ahead: the first syllable is never masked), and recovers
//! over [`RELEASE_MS`] after the hold. Ramps are straight lines in decibels.

use crate::mix::envelope::{db_to_gain, Envelope};

/// How far music and ambience go down under a line.
pub const DEPTH_DB: f64 = 10.0;
/// Dialogue level that counts as speech. Lines are levelled to −20 dBFS RMS of active speech
/// (their peaks sit around −10 dBFS), so this is 25 dB under the quietest speaking level.
pub const THRESHOLD_DBFS: f64 = -45.0;
pub const ATTACK_MS: usize = 80;
pub const HOLD_MS: usize = 300;
pub const RELEASE_MS: usize = 600;

/// The gain envelope for music and ambience, from the dialogue's peak in each millisecond
/// (`key_peaks[i]` covers samples `i * STEP .. (i + 1) * STEP`).
pub fn envelope(key_peaks: &[f32]) -> Envelope {
    let threshold = db_to_gain(THRESHOLD_DBFS) as f32;
    let n = key_peaks.len();
    // 1 where speech is present or held, else 0.
    let mut depth = vec![0f32; n];
    let mut held_until = None;
    for (i, &peak) in key_peaks.iter().enumerate() {
        if peak >= threshold {
            held_until = Some(i + HOLD_MS);
        }
        if held_until.is_some_and(|until| i < until) {
            depth[i] = 1.0;
        }
    }
    // Attack, looking ahead: a millisecond is at least as deep as the next one less one step.
    let attack = 1.0 / ATTACK_MS as f32;
    for i in (0..n.saturating_sub(1)).rev() {
        depth[i] = depth[i].max(depth[i + 1] - attack);
    }
    // Release.
    let release = 1.0 / RELEASE_MS as f32;
    for i in 1..n {
        depth[i] = depth[i].max(depth[i - 1] - release);
    }
    let mut nodes: Vec<f32> = depth
        .iter()
        .map(|d| db_to_gain(-DEPTH_DB * f64::from(*d)) as f32)
        .collect();
    nodes.push(nodes.last().copied().unwrap_or(1.0));
    Envelope::from_nodes(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mix::envelope::{gain_to_db, STEP};

    #[test]
    fn music_is_fully_down_when_speech_starts_and_recovers_after_the_hold() {
        // Speech from 1 s to 2 s, with a 150 ms gap between words at 1.4 s.
        let mut key = vec![0f32; 4000];
        for (i, k) in key.iter_mut().enumerate() {
            if (1000..2000).contains(&i) && !(1400..1550).contains(&i) {
                *k = 0.3;
            }
        }
        let e = envelope(&key);
        let db = |ms: usize| gain_to_db(f64::from(e.at((ms * STEP) as u64)));
        assert!(db(0).abs() < 1e-6);
        assert!(
            db(1000 - ATTACK_MS - 1).abs() < 1e-6,
            "the attack starts {ATTACK_MS} ms ahead"
        );
        assert!((db(1000) + DEPTH_DB).abs() < 1e-3);
        assert!(
            (db(1450) + DEPTH_DB).abs() < 1e-3,
            "a gap between words holds the duck"
        );
        assert!((db(1998 + HOLD_MS) + DEPTH_DB).abs() < 1e-3);
        assert!(db(2000 + HOLD_MS + RELEASE_MS / 2) > -DEPTH_DB / 2.0 - 0.1);
        assert!(db(2000 + HOLD_MS + RELEASE_MS + 1).abs() < 1e-6);
    }
}
