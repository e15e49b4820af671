//! A compact way to write music: melodies as `"E5:1 r:0.5 C5:0.5"` (pitch:beats, `r` a rest),
//! chords as symbols (`"Am F C G7"`), rendered through an [`Instrument`].

use crate::dmath;
use crate::instrument::Instrument;
use crate::rng::Rng;
use crate::synth::Buffer;

pub struct Score {
    bpm: f64,
    seconds: f64,
    rng: Rng,
    mix: Buffer,
}

impl Score {
    pub fn new(name: &str, bpm: f64, seconds: f64) -> Score {
        Score {
            bpm,
            seconds,
            rng: Rng::from_name(name),
            mix: Buffer::silence(seconds),
        }
    }

    fn beat_seconds(&self, beats: f64) -> f64 {
        beats * 60.0 / self.bpm
    }

    /// One note at `beat` lasting `beats`, `pitch` a MIDI note number.
    pub fn note(&mut self, inst: Instrument, beat: f64, beats: f64, pitch: f64, gain: f64) {
        let held = self.beat_seconds(beats);
        let sound = inst.note(&mut self.rng, dmath::midi_hz(pitch), held);
        let at = self.beat_seconds(beat);
        self.mix.mix(&sound, at, gain);
    }

    /// A melody written as `PITCH:BEATS` tokens, starting at `beat`; returns the beat after it.
    pub fn melody(&mut self, inst: Instrument, beat: f64, text: &str, gain: f64) -> f64 {
        let mut at = beat;
        for token in text.split_whitespace() {
            let (pitch, len) = token.split_once(':').unwrap_or((token, "1"));
            let beats: f64 = len.parse().unwrap_or(1.0);
            if pitch != "r" {
                self.note(inst, at, beats * 0.95, note_number(pitch), gain);
            }
            at += beats;
        }
        at
    }

    /// A chord (all its notes at once) from a chord symbol with its root in `octave`.
    pub fn chord(
        &mut self,
        inst: Instrument,
        beat: f64,
        beats: f64,
        symbol: &str,
        octave: i32,
        gain: f64,
    ) {
        for pitch in chord_notes(symbol, octave) {
            self.note(inst, beat, beats, pitch, gain);
        }
    }

    /// The same drum hit every `every` beats from `from` to `to`.
    pub fn drum(&mut self, inst: Instrument, from: f64, to: f64, every: f64, gain: f64) {
        let mut at = from;
        while at < to {
            self.note(inst, at, 0.1, 60.0, gain);
            at += every;
        }
    }

    /// The mix, normalised, with a short fade so the file ends in silence.
    pub fn finish(mut self, fade_out: f64) -> Buffer {
        self.mix.normalize(0.8);
        let n = self.mix.len();
        let fade = crate::synth::samples(fade_out.min(self.seconds)).max(1);
        for i in 0..fade {
            self.mix.0[n - fade + i] *= 1.0 - i as f64 / fade as f64;
        }
        self.mix.declick(0.003);
        self.mix
    }
}

/// `C4` = 60, `A4` = 69; sharps `#`, flats `b`.
pub fn note_number(name: &str) -> f64 {
    let mut chars = name.chars();
    let letter = chars.next().unwrap_or('C');
    let base = match letter {
        'C' => 0,
        'D' => 2,
        'E' => 4,
        'F' => 5,
        'G' => 7,
        'A' => 9,
        'B' => 11,
        other => panic!("score typo: note letter {other:?} in {name:?}"),
    };
    let rest: String = chars.collect();
    let (shift, octave) = match rest.strip_prefix('#') {
        Some(o) => (1, o),
        None => match rest.strip_prefix('b') {
            Some(o) => (-1, o),
            None => (0, rest.as_str()),
        },
    };
    let octave: i32 = octave
        .parse()
        .unwrap_or_else(|_| panic!("score typo: octave in {name:?}"));
    f64::from((octave + 1) * 12 + base + shift)
}

/// Root plus quality: `C`, `Am`, `G7`, `Fmaj7`, `Dm7`.
pub fn chord_notes(symbol: &str, octave: i32) -> Vec<f64> {
    let split = symbol
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c != '#' && c != 'b')
        .map_or(symbol.len(), |(i, _)| i);
    let (root, quality) = symbol.split_at(split);
    let r = note_number(&format!("{root}{octave}"));
    let intervals: &[f64] = match quality {
        "" => &[0.0, 4.0, 7.0],
        "m" => &[0.0, 3.0, 7.0],
        "7" => &[0.0, 4.0, 7.0, 10.0],
        "maj7" => &[0.0, 4.0, 7.0, 11.0],
        "m7" => &[0.0, 3.0, 7.0, 10.0],
        "sus4" => &[0.0, 5.0, 7.0],
        other => panic!("score typo: chord quality {other:?} in {symbol:?}"),
    };
    intervals.iter().map(|i| r + i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_to_numbers() {
        assert_eq!(note_number("A4"), 69.0);
        assert_eq!(note_number("C4"), 60.0);
        assert_eq!(note_number("F#3"), 54.0);
        assert_eq!(note_number("Bb2"), 46.0);
        assert_eq!(chord_notes("Am", 3), vec![57.0, 60.0, 64.0]);
        assert_eq!(chord_notes("Bbmaj7", 3), vec![58.0, 62.0, 65.0, 69.0]);
        assert_eq!(chord_notes("F#m", 3), vec![54.0, 57.0, 61.0]);
    }
}
