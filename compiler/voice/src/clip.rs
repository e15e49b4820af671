//! From what eSpeak NG said to the clip the mix places: silence trimmed, resampled to 48 kHz,
//! levelled, shaped by the line's placement.
//!
//! **Trim.** eSpeak NG pads an utterance with silence (a few milliseconds before, a pause of
//! 100–300 ms after). The line's spoken length is what remains between the first and the last
//! sample within 45 dB of the utterance's peak, plus 2 ms either side: so a line's sound starts
//! at its `start_frame` and its `end_frame` is where the voice stops.
//!
//! **Level.** Active speech (10 ms windows within 30 dB of the loudest) is brought to
//! [`SPEECH_RMS_DBFS`], then the line's `gain_db` applies; a peak above [`CLIP_PEAK`] lowers the
//! whole clip to it. Every voice therefore starts at the same level whatever eSpeak NG's
//! variant does, and the film's loudness normalisation sets the absolute level later.

use crate::delivery::{Placement, ScratchVoice};
use crate::engine::ENGINE_RATE;
use crate::filter::{Biquad, Reflections};
use crate::resample::{self, OUTPUT_RATE};

/// Level of active speech in a clip before the line's own gain, in dBFS (RMS).
pub const SPEECH_RMS_DBFS: f64 = -20.0;
/// Highest sample a clip may hold (−1 dBFS).
pub const CLIP_PEAK: f32 = 0.891;

const TRIM_BELOW_PEAK_DB: f64 = 45.0;
const TRIM_MARGIN: usize = (ENGINE_RATE as usize * 2) / 1000;
const FADE: usize = (OUTPUT_RATE as usize * 3) / 1000;

/// The utterance without its leading and trailing silence (empty when nothing was audible).
pub fn trim(samples: &[i16]) -> &[i16] {
    let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    if peak == 0 {
        return &[];
    }
    let threshold = (f64::from(peak) * 10f64.powf(-TRIM_BELOW_PEAK_DB / 20.0)).max(8.0);
    let loud = |s: &i16| f64::from(s.unsigned_abs()) >= threshold;
    let (Some(first), Some(last)) = (
        samples.iter().position(loud),
        samples.iter().rposition(loud),
    ) else {
        return &[];
    };
    let from = first.saturating_sub(TRIM_MARGIN);
    let to = (last + 1 + TRIM_MARGIN).min(samples.len());
    &samples[from..to]
}

/// Samples at 48 kHz a trimmed utterance of `engine_samples` samples lasts.
pub fn spoken_samples(engine_samples: usize) -> u64 {
    resample::output_len(engine_samples) as u64
}

/// The line's clip at 48 kHz, mono, exactly [`spoken_samples`] long.
pub fn render(trimmed: &[i16], voice: &ScratchVoice) -> Vec<f32> {
    let mut clip = resample::to_48k(trimmed);
    if clip.is_empty() {
        return clip;
    }
    let active = active_rms(&clip);
    let mut gain = if active > 0.0 {
        10f64.powf(SPEECH_RMS_DBFS / 20.0) / active
    } else {
        1.0
    };
    gain *= 10f64.powf(f64::from(voice.gain_db) / 20.0);
    for v in &mut clip {
        *v = (f64::from(*v) * gain) as f32;
    }
    place(&mut clip, voice.placement);
    let peak = clip.iter().fold(0f32, |p, v| p.max(v.abs()));
    if peak > CLIP_PEAK {
        let scale = CLIP_PEAK / peak;
        for v in &mut clip {
            *v *= scale;
        }
    }
    fade(&mut clip);
    clip
}

/// RMS of the 10 ms windows within 30 dB of the loudest window.
fn active_rms(clip: &[f32]) -> f64 {
    let window = OUTPUT_RATE as usize / 100;
    let powers: Vec<f64> = clip
        .chunks(window)
        .map(|w| w.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / w.len() as f64)
        .collect();
    let loudest = powers.iter().copied().fold(0.0, f64::max);
    if loudest <= 0.0 {
        return 0.0;
    }
    let floor = loudest * 10f64.powf(-30.0 / 10.0);
    let active: Vec<f64> = powers.into_iter().filter(|p| *p >= floor).collect();
    (active.iter().sum::<f64>() / active.len() as f64).sqrt()
}

fn place(clip: &mut [f32], placement: Placement) {
    let rate = f64::from(OUTPUT_RATE);
    match placement {
        Placement::OnScreen => Reflections::room(rate).apply(clip),
        Placement::VoiceOver => Biquad::high_pass(90.0, rate).apply(clip),
        Placement::OffScreen => {
            Biquad::high_pass(300.0, rate).apply(clip);
            Biquad::low_pass(3000.0, rate).apply(clip);
            Reflections::next_room(rate).apply(clip);
        }
    }
}

/// 3 ms in and out: the trim cuts mid-waveform, and a step there would click.
fn fade(clip: &mut [f32]) {
    let n = FADE.min(clip.len() / 2);
    for i in 0..n {
        let g = i as f32 / n as f32;
        clip[i] *= g;
        let j = clip.len() - 1 - i;
        clip[j] *= g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SynthParams;

    fn voice(placement: Placement, gain_db: i8) -> ScratchVoice {
        ScratchVoice {
            synth: SynthParams {
                language: "en-us".into(),
                variant: "m3".into(),
                pitch: 50,
                range: 50,
                rate: 175,
            },
            gain_db,
            placement,
        }
    }

    fn tone(n: usize, amp: f64) -> Vec<i16> {
        (0..n)
            .map(|i| (amp * (i as f64 * 0.2).sin()) as i16)
            .collect()
    }

    #[test]
    fn trimming_keeps_the_audible_part_and_a_margin() {
        let mut s = vec![0i16; 1000];
        s.extend(tone(2000, 10000.0));
        s.extend(vec![3i16; 1000]);
        let t = trim(&s);
        assert!(
            t.len() >= 2000 - 2 && t.len() <= 2000 + 2 * TRIM_MARGIN,
            "{}",
            t.len()
        );
        assert!(trim(&[0, 0, 0]).is_empty());
    }

    #[test]
    fn clips_are_levelled_and_keep_their_length() {
        let quiet = render(&tone(22050, 1000.0), &voice(Placement::VoiceOver, 0));
        let loud = render(&tone(22050, 20000.0), &voice(Placement::VoiceOver, 0));
        assert_eq!(quiet.len(), spoken_samples(22050) as usize);
        let rms = |c: &[f32]| {
            (c[4800..43200]
                .iter()
                .map(|v| f64::from(*v).powi(2))
                .sum::<f64>()
                / 38400.0)
                .sqrt()
        };
        let db = |x: f64| 20.0 * x.log10();
        assert!(
            (db(rms(&quiet)) - SPEECH_RMS_DBFS).abs() < 0.5,
            "{}",
            db(rms(&quiet))
        );
        assert!((db(rms(&quiet)) - db(rms(&loud))).abs() < 0.1);
        let down = render(&tone(22050, 1000.0), &voice(Placement::VoiceOver, -6));
        assert!((db(rms(&quiet)) - db(rms(&down)) - 6.0).abs() < 0.1);
    }

    #[test]
    fn off_screen_lines_lose_their_low_and_high_end() {
        // A 6 kHz tone (past the off-screen low-pass) against the same tone spoken on screen.
        let high: Vec<i16> = (0..22050)
            .map(|i| {
                (8000.0 * (2.0 * std::f64::consts::PI * 6000.0 * i as f64 / 22050.0).sin()) as i16
            })
            .collect();
        let mut mixed = high.clone();
        for (i, v) in mixed.iter_mut().enumerate() {
            *v = v.saturating_add(
                (8000.0 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 22050.0).sin()) as i16,
            );
        }
        let on = render(&mixed, &voice(Placement::OnScreen, 0));
        let off = render(&mixed, &voice(Placement::OffScreen, 0));
        let band = |c: &[f32], f: f64| {
            let (mut re, mut im) = (0.0, 0.0);
            for (i, v) in c.iter().enumerate() {
                let a = 2.0 * std::f64::consts::PI * f * i as f64 / 48000.0;
                re += f64::from(*v) * a.cos();
                im += f64::from(*v) * a.sin();
            }
            (re * re + im * im).sqrt()
        };
        let ratio = |c: &[f32]| band(c, 6000.0) / band(c, 1000.0);
        assert!(
            ratio(&off) < ratio(&on) * 0.25,
            "{} vs {}",
            ratio(&off),
            ratio(&on)
        );
    }
}
