//! The scratch voices in the mix: each line heard where the schedule puts it and nowhere else,
//! music ducked under it by the documented depth, the film mastered to its loudness, and the
//! stems adding up to the mix.

#[path = "encode_support/mod.rs"]
mod support;

use scene_plan::schedule::{FilmSchedule, ScratchVoice, TransitionKind as K};
use scene_render::audio::{frame_to_sample, AudioMix, Stem};
use scene_render::mix::duck::DEPTH_DB;
use scene_render::mix::wav;
use scene_voice::{Character, SpeechTiming, Voices};
use support::*;

/// A 6 s shot: music throughout, Aiko at 1 s and Kenji (deeper) at 3.5 s, each line as long
/// as eSpeak NG takes to say it.
fn talking_film(root: &std::path::Path, voices: &Voices) -> FilmSchedule {
    std::fs::write(
        root.join("music.wav"),
        wav_bytes(48_000, 1, &tone(48_000, 6.0, 220.0, 0.3)),
    )
    .unwrap();
    let mut shot = shot("talk", 144, transition(K::Cut, 0));
    for (id, voice, description, text, start) in [
        (
            "aiko",
            "soft alto",
            "a young woman",
            "It has been ten years.",
            24,
        ),
        ("kenji", "deep and slow", "an old man", "I know.", 84),
    ] {
        let scratch = scene_voice::scratch_voice(
            &Character {
                id,
                voice: Some(voice),
                description,
            },
            None,
        );
        let spoken = voices.spoken(&scratch, text).unwrap();
        let mut line = dialogue(id, text, start, start + spoken.frames(24));
        line.spoken_ms = spoken.millis();
        line.scratch_voice = ScratchVoice::from(&scratch);
        shot.dialogue.push(line);
    }
    let mut f = film(64, 48, 24, vec![shot]);
    let mut music = sound("music.wav", 0, 144, -6.0, false);
    music.role = scene_plan::schedule::SoundRole::Music;
    f.audio.push(music);
    f
}

fn stem(mix: &AudioMix, stem: Stem) -> Vec<f32> {
    let n = mix.total_samples() as usize;
    let (mut l, mut r) = (vec![0f32; n], vec![0f32; n]);
    mix.render_stem(stem, 0, &mut l, &mut r);
    l
}

fn rms(s: &[f32]) -> f64 {
    (s.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / s.len() as f64).sqrt()
}

#[test]
fn each_line_is_heard_where_it_is_scheduled_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let voices = Voices::open(None);
    let film = talking_film(dir.path(), &voices);
    let mix = AudioMix::new(&film, dir.path(), &voices).unwrap();
    assert_eq!(mix.lines(), 2);
    let dialogue = stem(&mix, Stem::Dialogue);
    let frame = frame_to_sample(1, 24) as usize;
    let lines = &film.shots[0].dialogue;
    for line in lines {
        let (start, end) = (
            frame_to_sample(u64::from(line.start_frame.0), 24) as usize,
            frame_to_sample(u64::from(line.end_frame.0), 24) as usize,
        );
        // Onset: silent before the line's first frame, speech within its first frame.
        assert!(dialogue[..start]
            .iter()
            .skip(start.saturating_sub(frame))
            .all(|v| *v == 0.0));
        let onset = dialogue[start..]
            .iter()
            .position(|v| v.abs() > 0.01)
            .unwrap();
        assert!(
            onset < frame,
            "{}: speech starts {onset} samples in",
            line.text
        );
        assert!(rms(&dialogue[start..end]) > 0.01, "{}", line.text);
    }
    // Nothing between and after the lines.
    let first_end = frame_to_sample(u64::from(lines[0].end_frame.0), 24) as usize;
    let second = frame_to_sample(u64::from(lines[1].start_frame.0), 24) as usize;
    let second_end = frame_to_sample(u64::from(lines[1].end_frame.0), 24) as usize;
    assert!(dialogue[first_end..second].iter().all(|v| *v == 0.0));
    assert!(dialogue[second_end..].iter().all(|v| *v == 0.0));
    assert!(dialogue[..frame_to_sample(24, 24) as usize]
        .iter()
        .all(|v| *v == 0.0));
}

#[test]
fn music_ducks_under_a_line_by_the_documented_depth() {
    let dir = tempfile::tempdir().unwrap();
    let voices = Voices::open(None);
    let film = talking_film(dir.path(), &voices);
    let mix = AudioMix::new(&film, dir.path(), &voices).unwrap();
    let music = stem(&mix, Stem::Music);
    let line = &film.shots[0].dialogue[0];
    let s = |f: u32| frame_to_sample(u64::from(f), 24) as usize;
    // Clear of the line (before the attack) against the middle of the line.
    let open = rms(&music[s(2)..s(14)]);
    let mid = (line.start_frame.0 + line.end_frame.0) / 2;
    let ducked = rms(&music[s(mid - 3)..s(mid + 3)]);
    let depth = 20.0 * (open / ducked).log10();
    assert!((depth - DEPTH_DB).abs() < 0.5, "ducked by {depth:.2} dB");
    assert!((mix.duck_gain(s(mid) as u64) as f64 - 10f64.powf(-DEPTH_DB / 20.0)).abs() < 1e-3);
    assert_eq!(mix.duck_gain(s(5) as u64), 1.0);
}

#[test]
fn the_mix_meets_its_loudness_and_the_stems_add_up_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let voices = Voices::open(None);
    let mut film = talking_film(dir.path(), &voices);
    film.loudness_lufs = -20.0;
    let mix = AudioMix::new(&film, dir.path(), &voices).unwrap();
    let loudness = mix.loudness();
    assert!(
        (loudness.after.integrated_lufs.unwrap() + 20.0).abs() <= 0.1,
        "{loudness:?}"
    );
    assert!(loudness.after.true_peak_dbtp <= -1.0, "{loudness:?}");

    let stems_dir = dir.path().join("stems");
    let written = mix.write_stems(&stems_dir).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "dialogue.wav",
            "music.wav",
            "effects.wav",
            "ambience.wav",
            "mix.wav"
        ]
    );
    let read = |name: &str| wav::read(&std::fs::read(stems_dir.join(name)).unwrap()).unwrap();
    let (mix_l, mix_r) = read("mix.wav");
    assert_eq!(mix_l.len() as u64, mix.total_samples(), "the film's length");
    let mut sum = (vec![0f32; mix_l.len()], vec![0f32; mix_l.len()]);
    for name in &names[..4] {
        let (l, r) = read(name);
        assert_eq!(l.len(), mix_l.len(), "{name} is the film's length");
        for i in 0..l.len() {
            sum.0[i] += l[i];
            sum.1[i] += r[i];
        }
    }
    let (effects, _) = read("effects.wav");
    assert!(
        effects.iter().all(|v| *v == 0.0),
        "a silent stem is written all the same"
    );
    // Four stems, each within half a 24-bit step, plus the mix's own half step.
    let step = 1.0 / 8_388_607.0;
    let worst = sum
        .0
        .iter()
        .zip(&mix_l)
        .chain(sum.1.iter().zip(&mix_r))
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(worst <= 5.0 * step, "stems differ from the mix by {worst}");
    // Deterministic bytes.
    let again = dir.path().join("again");
    AudioMix::new(&film, dir.path(), &Voices::open(None))
        .unwrap()
        .write_stems(&again)
        .unwrap();
    for name in &names {
        assert_same_files(&stems_dir.join(name), &again.join(name));
    }
}

/// A backend's generated sound (`ltx2`) is part of the effects stem, ducks under the scratch
/// voices like music, drops 12 dB under the script's own files, and the film is mastered again
/// with it in.
#[test]
fn generated_sound_is_an_effect_ducked_under_dialogue_and_mastered() {
    let dir = tempfile::tempdir().unwrap();
    let voices = Voices::open(None);
    let mut film = talking_film(dir.path(), &voices);
    let s = |f: u32| frame_to_sample(u64::from(f), 24) as usize;
    // The music plays only over the last second, so the generated sound's own level shows
    // before it.
    film.audio[0].start_frame = scene_plan::schedule::Frame(120);
    film.audio[0].frames = scene_plan::schedule::FrameCount(24);
    let generated = tone(48_000, 6.0, 500.0, 0.2);
    let sound = scene_render::audio::StereoBuffer {
        samples: generated
            .iter()
            .flat_map(|&v| [f32::from(v) / 32768.0; 2])
            .collect(),
    };
    let without = AudioMix::new(&film, dir.path(), &voices).unwrap();
    assert!(stem(&without, Stem::Effects).iter().all(|v| *v == 0.0));
    let mix = AudioMix::new(&film, dir.path(), &voices)
        .unwrap()
        .with_shot_sounds(&film, vec![sound])
        .unwrap();
    let effects = stem(&mix, Stem::Effects);
    let line = &film.shots[0].dialogue[0];
    let open = rms(&effects[s(2)..s(14)]);
    assert!(open > 0.01, "the generated sound is in the effects stem");
    let mid = (line.start_frame.0 + line.end_frame.0) / 2;
    let ducked = rms(&effects[s(mid - 3)..s(mid + 3)]);
    let depth = 20.0 * (open / ducked).log10();
    assert!((depth - DEPTH_DB).abs() < 0.5, "ducked by {depth:.2} dB");
    // Under the music (clear of both lines): 12 dB down.
    let last = film.shots[0].dialogue[1].end_frame.0;
    assert!(last + 8 < 120, "the second line ends before the music");
    let under = rms(&effects[s(128)..s(140)]);
    let drop = 20.0 * (open / under).log10();
    assert!(
        (drop + scene_render::audio::DUCK_DB).abs() < 0.5,
        "dropped by {drop:.2} dB"
    );
    // Mastered with it in: on target, and the stems still add up to the mix.
    let loudness = mix.loudness();
    assert!(
        (loudness.after.integrated_lufs.unwrap() + 16.0).abs() <= 0.1,
        "{loudness:?}"
    );
    let n = mix.total_samples() as usize;
    let (mut l, mut r) = (vec![0f32; n], vec![0f32; n]);
    mix.render(0, &mut l, &mut r);
    let sum: Vec<f32> = Stem::ALL.iter().fold(vec![0f32; n], |mut acc, st| {
        for (a, v) in acc.iter_mut().zip(stem(&mix, *st)) {
            *a += v;
        }
        acc
    });
    let worst = l
        .iter()
        .zip(&sum)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(worst < 1e-4, "stems differ from the mix by {worst}");
}
