//! Spoken timing from source: lines last their spoken length, follow one another with a pause,
//! wait for their speaker's blocking, and warn (W0201–W0203) with the measured length.

use std::path::Path;

use scene_check::{check_entry, Checked, RealFs};
use scene_plan::schedule::{SpeechTimingKind, VoicePlacement};
use scene_plan::speech::PAUSE_MS;
use scene_voice::{
    Engine, ReadingSpeed, ScratchVoice, SpeechTiming, Spoken, TimingSource, VoiceError, Voices,
};

const CAST: &str = r#"
film "Lines" { fps 24 }
character aiko {
    description "a young woman"
    voice "soft alto, calm"
}
character kenji {
    description "a man"
    voice "deep and slow"
}
location street { description "a street" }
"#;

fn check(dir: &Path, body: &str) -> Checked {
    let path = dir.join("film.scene");
    std::fs::write(&path, format!("{CAST}{body}")).unwrap();
    let checked = check_entry(&path, &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked
}

/// Every line the same length, to make times easy to read.
struct Fixed(u64);

impl SpeechTiming for Fixed {
    fn source(&self) -> TimingSource {
        TimingSource::Engine {
            engine: "fixed".into(),
        }
    }
    fn spoken(&self, _: &ScratchVoice, _: &str) -> Result<Spoken, VoiceError> {
        Ok(Spoken {
            samples: self.0 * 48,
        })
    }
}

fn times(plan: &scene_plan::FilmPlan, shot: usize) -> Vec<(u32, u32)> {
    plan.schedule.shots[shot]
        .dialogue
        .iter()
        .map(|l| (l.start_frame.0, l.end_frame.0))
        .collect()
}

fn codes(plan: &scene_plan::FilmPlan) -> Vec<&'static str> {
    plan.dialogue.diagnostics.iter().map(|d| d.code.0).collect()
}

#[test]
fn lines_follow_each_other_by_spoken_length_and_a_pause() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check(
        dir.path(),
        "scene s at street { shot a 6s {\n aiko at center\n aiko says \"One.\"\n kenji says \"Two.\" (V.O.)\n \
         aiko says \"Late.\" at 5s\n aiko says \"Three.\"\n} }",
    );
    // 1,000 ms a line: 24 frames; the pause is 300 ms, 7 frames.
    let plan = scene_plan::plan(&checked.film, &Fixed(1000));
    let pause = (PAUSE_MS * 24 + 500) / 1000;
    assert_eq!(pause, 7);
    assert_eq!(
        times(&plan, 0),
        vec![(0, 24), (31, 55), (62, 86), (120, 144)],
        "sorted by start; `at 5s` stays where it is written to be"
    );
    let lines = &plan.schedule.shots[0].dialogue;
    assert_eq!(lines[3].text, "Late.");
    assert!(lines.iter().all(|l| l.spoken_ms == 1000));
    assert_eq!(lines[1].scratch_voice.placement, VoicePlacement::VoiceOver);
    assert_eq!(plan.schedule.speech.timing, SpeechTimingKind::Measured);
    assert_eq!(plan.schedule.speech.engine.as_deref(), Some("fixed"));
    assert_eq!(plan.schedule.loudness_lufs, -16.0);
    assert!(codes(&plan).is_empty(), "{:?}", plan.dialogue.diagnostics);
}

#[test]
fn a_line_waits_for_its_speakers_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check(
        dir.path(),
        "scene s at street { shot a 6s {\n aiko enters left, walks to center over 2s, says \"Here.\"\n} }",
    );
    let plan = scene_plan::plan(&checked.film, &Fixed(500));
    assert_eq!(times(&plan, 0), vec![(48, 60)]);
}

#[test]
fn lines_that_do_not_fit_or_overlap_are_warned_with_their_length() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check(
        dir.path(),
        "scene s at street { shot a 3s {\n aiko at center\n aiko says \"First.\"\n aiko says \"Second.\" at 1s\n \
         aiko says \"Third.\" at 2s\n} }",
    );
    let plan = scene_plan::plan(&checked.film, &Fixed(1500));
    assert_eq!(times(&plan, 0), vec![(0, 36), (24, 60), (48, 72)]);
    let mut found = codes(&plan);
    found.sort();
    // First overlaps Second, Second overlaps Third, Third runs past the shot's end.
    assert_eq!(found, vec!["W0201", "W0202", "W0202"]);
    let w0201 = &plan
        .dialogue
        .diagnostics
        .iter()
        .find(|d| d.code.0 == "W0201")
        .unwrap();
    assert_eq!(
        w0201.message,
        "this line takes 1.5s to say, but only 1s of the 3s shot `a` are left"
    );
    assert!(
        w0201.label.contains("measured with fixed"),
        "{}",
        w0201.label
    );
    let w0202 = &plan
        .dialogue
        .diagnostics
        .iter()
        .find(|d| d.code.0 == "W0202")
        .unwrap();
    assert!(
        w0202.message.contains("next line starts, 1s in"),
        "{}",
        w0202.message
    );
    assert!(w0202.label.contains("1.5s"), "{}", w0202.label);
    assert_eq!(w0202.related.len(), 1);
    // Another speaker's line at the same time is not an overlap of the same speaker.
    let checked = check(
        dir.path(),
        "scene s at street { shot a 6s {\n aiko at left\n kenji at right\n aiko says \"Hi.\"\n kenji says \"Hi.\" at 0s\n} }",
    );
    assert!(codes(&scene_plan::plan(&checked.film, &Fixed(1000))).is_empty());
}

#[test]
fn without_an_engine_lengths_are_estimated_and_that_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check(
        dir.path(),
        "scene s at street { shot a 6s {\n aiko at center\n aiko says \"Hi.\"\n aiko says \"It has been thirty chars long.\"\n}\n \
         shot b 3s { aiko at center\n aiko says \"Again.\" } }",
    );
    let voices = Voices::with_engine(
        Engine::probe_library("/nonexistent/libespeak-ng.so.1"),
        None,
    );
    let plan = scene_plan::plan(&checked.film, &voices);
    // The reading-speed rule: "Hi." the 1 s minimum, 30 characters 2 s; a 300 ms pause between.
    assert_eq!(times(&plan, 0), vec![(0, 24), (31, 79)]);
    assert_eq!(codes(&plan), vec!["W0203"]);
    let w = &plan.dialogue.diagnostics[0];
    assert!(
        w.label.contains("/nonexistent/libespeak-ng.so.1"),
        "{}",
        w.label
    );
    assert_eq!(
        plan.schedule.speech.timing,
        SpeechTimingKind::ReadingEstimate
    );
    assert_eq!(plan.schedule.speech.engine, None);
    // The estimate the tests plan with is the same rule.
    let estimated = scene_plan::plan(&checked.film, &ReadingSpeed::new("x"));
    assert_eq!(times(&estimated, 0), times(&plan, 0));
}

#[test]
fn with_eespeak_lines_last_as_long_as_they_take_to_say() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check(
        dir.path(),
        "scene s at street { shot a 8s {\n aiko at center\n aiko says \"Hi.\"\n \
         aiko says \"It has been ten years, and every one of the signs on this street is new.\"\n} }",
    );
    let voices = Voices::open(None);
    assert!(
        matches!(voices.source(), TimingSource::Engine { .. }),
        "this test needs eSpeak NG installed"
    );
    let plan = scene_plan::plan(&checked.film, &voices);
    let lines = &plan.schedule.shots[0].dialogue;
    let short = Spoken {
        samples: lines[0].spoken_ms * 48,
    };
    // "Hi." is well under the estimate's one-second minimum; the long line takes several seconds.
    assert!(lines[0].spoken_ms < 800, "{}", lines[0].spoken_ms);
    assert!(
        (2500..6000).contains(&lines[1].spoken_ms),
        "{}",
        lines[1].spoken_ms
    );
    assert!(lines[0].end_frame.0.abs_diff(short.frames(24)) <= 1);
    assert_eq!(
        lines[1].start_frame.0,
        lines[0].end_frame.0 + 7,
        "the second line starts a pause after the first ends"
    );
    assert_eq!(plan.schedule.speech.timing, SpeechTimingKind::Measured);
    assert!(plan
        .schedule
        .speech
        .engine
        .as_deref()
        .unwrap()
        .starts_with("eSpeak NG"));
    assert!(codes(&plan).is_empty());
    // Measuring is what speaking costs: the same plan again speaks nothing new.
    let before = voices.stats().spoken;
    let _ = scene_plan::plan(&checked.film, &voices);
    assert_eq!(voices.stats().spoken, before);
}

#[test]
fn played_ambience_loops() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cafe.wav"), wav()).unwrap();
    let checked = check(
        dir.path(),
        "sound murmur = ambience \"cafe.wav\"\nsound bell = sfx \"cafe.wav\"\n\
         scene s at street { play murmur\n shot a 3s { at 1s play bell } }",
    );
    let plan = scene_plan::plan(&checked.film, &ReadingSpeed::new("x"));
    let looped: Vec<(&str, bool)> = plan
        .schedule
        .audio
        .iter()
        .map(|e| (e.sound.as_str(), e.looped))
        .collect();
    assert_eq!(looped, vec![("murmur", true), ("bell", false)]);
    assert_eq!(plan.schedule.audio[0].frames.0, 72, "until the scene's end");
}

/// A second of 8 kHz silence.
fn wav() -> Vec<u8> {
    let data = 16_000u32;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&8000u32.to_le_bytes());
    b.extend_from_slice(&16000u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data.to_le_bytes());
    b.resize(b.len() + data as usize, 0);
    b
}
