//! eSpeak NG end to end: deterministic lines whatever was spoken before and on whichever
//! thread, distinct voices, parentheticals that change the sound, the cache, and the fallback
//! when the library is missing. These tests need eSpeak NG installed (the README's set-up
//! installs it, like FFmpeg).

use scene_voice::{
    cast, deliver, scratch_voice, Character, Engine, Placement, ReadingSpeed, ScratchVoice,
    SpeechTiming, TimingSource, VoiceError, Voices,
};

fn engine() -> Engine {
    match Engine::probe() {
        Ok(e) => e,
        Err(e) => {
            panic!("these tests need eSpeak NG (apt-get install libespeak-ng1 espeak-ng-data): {e}")
        }
    }
}

fn mara() -> ScratchVoice {
    scratch_voice(
        &Character {
            id: "mara",
            voice: Some("low and warm, a little guarded"),
            description: "a woman in her late forties",
        },
        None,
    )
}

fn elias() -> ScratchVoice {
    scratch_voice(
        &Character {
            id: "elias",
            voice: Some("quiet baritone, slow, Scandinavian lilt"),
            description: "a man in his fifties",
        },
        None,
    )
}

/// Median fundamental frequency of the voiced 40 ms frames of a 48 kHz clip (autocorrelation
/// peak between 60 and 400 Hz).
fn median_f0(clip: &[f32]) -> f64 {
    let frame = 1920;
    let (min_lag, max_lag) = (48000 / 400, 48000 / 60);
    let loudest = clip
        .chunks(frame)
        .map(|c| c.iter().map(|v| v * v).sum::<f32>())
        .fold(0f32, f32::max);
    let mut f0s = Vec::new();
    for c in clip.chunks_exact(frame) {
        let energy: f32 = c.iter().map(|v| v * v).sum();
        if energy < loudest * 0.1 {
            continue;
        }
        let r = |lag: usize| -> f32 { (0..frame - lag).map(|i| c[i] * c[i + lag]).sum() };
        let (mut best, mut best_lag) = (0f32, 0);
        for lag in min_lag..max_lag {
            let v = r(lag);
            if v > best {
                best = v;
                best_lag = lag;
            }
        }
        if best_lag > 0 && best > 0.3 * energy {
            f0s.push(48000.0 / best_lag as f64);
        }
    }
    assert!(f0s.len() >= 5, "too few voiced frames ({})", f0s.len());
    f0s.sort_by(f64::total_cmp);
    f0s[f0s.len() / 2]
}

#[test]
fn a_line_sounds_the_same_whatever_was_spoken_before() {
    let e = engine();
    let v = mara();
    let first = e.speak(&v.synth, "Even the letters?", 7).unwrap();
    let other = e
        .speak(&elias().synth, "Especially the letters. All of them.", 9)
        .unwrap();
    let again = e.speak(&v.synth, "Even the letters?", 7).unwrap();
    assert!(first.len() > 10_000, "{} samples", first.len());
    assert_eq!(first, again);
    assert_ne!(first, other);
}

#[test]
fn lines_spoken_on_many_threads_equal_lines_spoken_in_turn() {
    let e = engine();
    let lines = [
        "You kept the boat.",
        "I kept everything.",
        "Even the letters?",
        "Hard to port!",
    ];
    let sequential: Vec<Vec<i16>> = lines
        .iter()
        .map(|l| e.speak(&elias().synth, l, 1).unwrap())
        .collect();
    let parallel: Vec<Vec<i16>> = std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .iter()
            .rev()
            .map(|l| {
                let e = e.clone();
                s.spawn(move || e.speak(&elias().synth, l, 1).unwrap())
            })
            .collect();
        let mut out: Vec<Vec<i16>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        out.reverse();
        out
    });
    assert_eq!(sequential, parallel);
}

#[test]
fn two_characters_voices_differ_in_pitch() {
    let voices = Voices::open(None);
    let text = "I kept everything, every single letter you sent.";
    let a = median_f0(&voices.clip(&mara(), text).unwrap());
    let b = median_f0(&voices.clip(&elias(), text).unwrap());
    // A woman's low voice against a man's baritone: well over a musical fourth apart.
    assert!(a > b * 1.3, "mara {a:.0} Hz, elias {b:.0} Hz");

    // Registers move pitch within one character's voice family too.
    let deep = scratch_voice(
        &Character {
            id: "x",
            voice: Some("deep"),
            description: "a man",
        },
        None,
    );
    let high = scratch_voice(
        &Character {
            id: "x",
            voice: Some("high"),
            description: "a man",
        },
        None,
    );
    let (d, h) = (
        median_f0(&voices.clip(&deep, text).unwrap()),
        median_f0(&voices.clip(&high, text).unwrap()),
    );
    assert!(h > d * 1.2, "deep {d:.0} Hz, high {h:.0} Hz");
}

#[test]
fn parentheticals_change_pace_and_level() {
    let voices = Voices::open(None);
    let character = Character {
        id: "aiko",
        voice: Some("soft alto, calm"),
        description: "a young woman",
    };
    let text = "It's been ten years, and the signs are all new.";
    let base = cast(&character);
    let spoken = |p: Option<&str>| voices.spoken(&deliver(&base, p), text).unwrap();
    let rms = |p: Option<&str>| {
        let c = voices.clip(&deliver(&base, p), text).unwrap();
        (c.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / c.len() as f64).sqrt()
    };
    assert!(spoken(Some("shouting")) < spoken(None));
    assert!(spoken(Some("quietly")) > spoken(None));
    assert!(rms(Some("shouting")) > 1.5 * rms(None));
    assert!(rms(Some("whispering")) < 0.6 * rms(None));
    // Placement does not change what is said, so not its length either.
    assert_eq!(spoken(Some("O.S.")), spoken(None));
    assert_eq!(deliver(&base, Some("V.O.")).placement, Placement::VoiceOver);
}

#[test]
fn clips_start_with_the_voice_and_last_their_spoken_length() {
    let voices = Voices::open(None);
    let clip = voices.clip(&mara(), "You kept the boat.").unwrap();
    let spoken = voices.spoken(&mara(), "You kept the boat.").unwrap();
    assert_eq!(clip.len() as u64, spoken.samples);
    // Sound within the first 10 ms and the last 10 ms: the silence eSpeak NG pads with is gone.
    let peak = |s: &[f32]| s.iter().fold(0f32, |p, v| p.max(v.abs()));
    assert!(peak(&clip[..480]) > 0.005, "{}", peak(&clip[..480]));
    assert!(peak(&clip[clip.len() - 480..]) > 0.0005);
    assert!(
        (0.4..2.0).contains(&spoken.seconds()),
        "{}",
        spoken.seconds()
    );
}

#[test]
fn lines_are_cached_in_memory_and_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let voices = Voices::open(Some(dir.path().join("voices")));
    let a = voices.clip(&mara(), "You kept the boat.").unwrap();
    let _ = voices.spoken(&mara(), "You kept the boat.").unwrap();
    assert_eq!(voices.stats().spoken, 1);
    assert_eq!(voices.stats().from_memory, 1);

    let later = Voices::open(Some(dir.path().join("voices")));
    let b = later.clip(&mara(), "You kept the boat.").unwrap();
    assert_eq!(a, b);
    assert_eq!(later.stats().spoken, 0);
    assert_eq!(later.stats().from_disk, 1);
    // Another placement of the same words is the same utterance, mixed differently.
    let mut os = mara();
    os.placement = Placement::OffScreen;
    let c = later.clip(&os, "You kept the boat.").unwrap();
    assert_eq!(later.stats().spoken, 0);
    assert_ne!(a, c);
}

#[test]
fn a_missing_library_is_a_fallback_to_reading_speed() {
    let missing = Engine::probe_library("/nonexistent/libespeak-ng.so.1");
    let Err(VoiceError::Unavailable { reason }) = &missing else {
        panic!("{missing:?}");
    };
    assert!(
        reason.contains("/nonexistent/libespeak-ng.so.1"),
        "{reason}"
    );
    let voices = Voices::with_engine(missing.clone(), None);
    assert!(matches!(voices.source(), TimingSource::Estimate { .. }));
    let text = "It's been ten years.";
    assert_eq!(
        voices.spoken(&mara(), text).unwrap(),
        ReadingSpeed::new("").spoken(&mara(), text).unwrap()
    );
    assert!(matches!(
        voices.clip(&mara(), text),
        Err(VoiceError::Unavailable { .. })
    ));
    assert_eq!(voices.stats().spoken, 0);
}

#[test]
fn the_engine_names_itself() {
    let e = engine();
    assert!(e.describe().starts_with("eSpeak NG 1."), "{}", e.describe());
    assert!(e.info().data.join("phontab").is_file());
    assert!(matches!(
        Voices::open(None).source(),
        TimingSource::Engine { .. }
    ));
}
