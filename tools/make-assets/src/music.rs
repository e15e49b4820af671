//! The examples' music cues: short, so they stay small, and each in the mood of its film.

use crate::instrument::Instrument::{self, *};
use crate::score::{chord_notes, Score};
use crate::synth::Buffer;

/// Slow A-minor synth pad with a glassy melody: night, rain, neon.
pub fn neon_theme() -> Buffer {
    let mut s = Score::new("neon_theme", 80.0, 6.2);
    for (i, chord) in ["Am", "F", "C", "G"].iter().enumerate() {
        let beat = i as f64 * 2.0;
        s.chord(Pad, beat, 2.0, chord, 3, 0.22);
        let root = chord_notes(chord, 2)[0];
        s.note(Bass, beat, 1.9, root, 0.35);
    }
    s.melody(
        Glass,
        0.0,
        "E5:1 r:0.5 C5:0.5 A4:2 C5:1 r:0.5 D5:0.5 E5:1 G5:1",
        0.3,
    );
    s.finish(1.0)
}

/// A D-minor sea shanty on plucked strings and a squeezebox, oom-pah underneath.
pub fn shanty() -> Buffer {
    let mut s = Score::new("shanty", 160.0, 6.3);
    s.melody(
        Pluck,
        0.0,
        "D5:0.5 D5:0.5 D5:0.5 A4:0.5 D5:1 F5:1 \
         E5:0.5 E5:0.5 E5:0.5 C5:0.5 E5:1 G5:1 \
         F5:0.5 E5:0.5 D5:0.5 C5:0.5 A4:1 C#5:1 \
         D5:1.5 E5:0.5 D5:2",
        0.5,
    );
    oom_pah(&mut s, &["Dm", "C", "A", "Dm"], 4, Reed);
    s.finish(0.4)
}

/// A brassy newsreel march in C with a snare: the sound of 1930s cinema news.
pub fn newsreel_march() -> Buffer {
    let mut s = Score::new("newsreel_march", 120.0, 6.4);
    s.melody(
        Brass,
        0.0,
        "G4:0.75 G4:0.25 C5:1 E5:1 G5:1 F5:0.75 E5:0.25 D5:1 B4:1 G4:1 E5:0.75 D5:0.25 C5:1 G4:1 C5:1",
        0.4,
    );
    for (bar, chord) in ["C", "G7", "C"].iter().enumerate() {
        let beat = bar as f64 * 4.0;
        let notes = chord_notes(chord, 2);
        s.note(Bass, beat, 0.9, notes[0], 0.5);
        s.note(Bass, beat + 2.0, 0.9, notes[2], 0.5);
        s.chord(Brass, beat + 1.0, 0.5, chord, 4, 0.08);
        s.chord(Brass, beat + 3.0, 0.5, chord, 4, 0.08);
    }
    s.drum(Snare, 1.0, 12.0, 2.0, 0.3);
    s.drum(Snare, 11.0, 12.0, 0.25, 0.18);
    s.finish(0.3)
}

/// A G-major musette waltz on accordion: Paris in the rain.
pub fn waltz() -> Buffer {
    let mut s = Score::new("waltz", 168.0, 6.5);
    s.melody(
        Reed,
        0.0,
        "B4:2 D5:1 G5:2 F#5:1 E5:1 D5:1 C5:1 B4:2 A4:1 C5:2 E5:1 D5:3",
        0.35,
    );
    for (bar, chord) in ["G", "Em", "C", "G", "D7", "G"].iter().enumerate() {
        let beat = bar as f64 * 3.0;
        s.note(Bass, beat, 0.9, chord_notes(chord, 2)[0], 0.45);
        s.chord(Reed, beat + 1.0, 0.5, chord, 4, 0.09);
        s.chord(Reed, beat + 2.0, 0.5, chord, 4, 0.09);
    }
    s.finish(0.6)
}

/// Quiet arpeggiated piano in F: two people who have not spoken in years.
pub fn reunion_piano() -> Buffer {
    let mut s = Score::new("reunion_piano", 76.0, 6.6);
    for (i, chord) in ["Fmaj7", "Dm7", "Bbmaj7", "C"].iter().enumerate() {
        let beat = i as f64 * 2.0;
        let n = chord_notes(chord, 3);
        let top = if n.len() > 3 { n[3] } else { n[0] + 12.0 };
        for (k, pitch) in [n[0], n[2], n[1] + 12.0, top].iter().enumerate() {
            let at = beat + k as f64 * 0.5;
            // Held to the end of the chord, as with the sustain pedal down.
            s.note(Piano, at, beat + 2.0 - at, *pitch, 0.25);
        }
    }
    s.melody(Piano, 0.0, "A5:2 F5:1.5 E5:0.5 D5:2 C5:2", 0.3);
    s.finish(1.0)
}

/// An upbeat E-major jingle: four-on-the-floor, plucked arpeggios, and a bright final chord on
/// beat 12, timed to land on the end card of a nine-second spot.
pub fn jingle() -> Buffer {
    let mut s = Score::new("jingle", 120.0, 8.2);
    for (i, chord) in ["E", "C#m", "A", "B", "A", "B"].iter().enumerate() {
        let beat = i as f64 * 2.0;
        let n = chord_notes(chord, 4);
        let pattern = [n[0], n[1], n[2], n[0] + 12.0, n[2], n[1], n[0], n[1]];
        for (k, pitch) in pattern.iter().enumerate() {
            s.note(Pluck, beat + k as f64 * 0.25, 0.25, *pitch, 0.3);
        }
        let root = chord_notes(chord, 2)[0];
        for k in 0..4 {
            s.note(Bass, beat + k as f64 * 0.5, 0.4, root, 0.35);
        }
    }
    s.drum(Kick, 0.0, 12.0, 1.0, 0.7);
    s.drum(Hat, 0.5, 12.0, 1.0, 0.25);
    s.drum(Snare, 1.0, 12.0, 2.0, 0.3);
    s.drum(Snare, 11.0, 12.0, 0.25, 0.2);
    s.chord(Pad, 12.0, 2.5, "E", 3, 0.25);
    s.note(Bass, 12.0, 2.5, 40.0, 0.35);
    s.note(Kick, 12.0, 0.1, 60.0, 0.7);
    s.melody(Glass, 12.0, "B5:0.5 E6:2", 0.3);
    s.finish(0.8)
}

/// Two chords a bar apart: the oom on the root in the bass, the pah on the chord.
fn oom_pah(s: &mut Score, chords: &[&str], beats_per_bar: usize, inst: Instrument) {
    for (bar, chord) in chords.iter().enumerate() {
        let beat = (bar * beats_per_bar) as f64;
        let notes = chord_notes(chord, 2);
        for k in (0..beats_per_bar).step_by(2) {
            let bass = if k % 4 == 0 { notes[0] } else { notes[2] };
            s.note(Bass, beat + k as f64, 0.9, bass, 0.45);
            s.chord(inst, beat + k as f64 + 1.0, 0.45, chord, 4, 0.1);
        }
    }
}
