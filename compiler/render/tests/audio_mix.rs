//! Decoding, placement, gain, fades, looping, headroom and errors of the audio mixer.

#[path = "encode_support/mod.rs"]
mod support;

use std::path::Path;

use scene_plan::schedule::{FilmSchedule, FrameCount, TransitionKind as K};
use scene_previz::error::RenderError;
use scene_render::audio::{decode_asset, frame_to_sample, AudioMix, CEILING};
use support::*;

fn silent_film(frames: u32) -> FilmSchedule {
    film(
        64,
        48,
        24,
        vec![shot("only", frames, transition(K::Cut, 0))],
    )
}

fn write(root: &Path, name: &str, bytes: Vec<u8>) {
    std::fs::write(root.join(name), bytes).unwrap();
}

fn voices() -> scene_voice::Voices {
    scene_voice::Voices::open(None)
}

/// The mix as written (placement, gains, fades, loops), before loudness mastering.
fn render_all(mix: &AudioMix) -> (Vec<f32>, Vec<f32>) {
    render_with(mix, |at, l, r| mix.premaster(at, l, r))
}

fn render_final(mix: &AudioMix) -> (Vec<f32>, Vec<f32>) {
    render_with(mix, |at, l, r| mix.render(at, l, r))
}

fn render_with(mix: &AudioMix, f: impl Fn(u64, &mut [f32], &mut [f32])) -> (Vec<f32>, Vec<f32>) {
    let n = mix.total_samples() as usize;
    let (mut l, mut r) = (vec![0f32; n], vec![0f32; n]);
    // Odd block sizes: the result must not depend on how the encoder asks.
    let mut at = 0;
    for size in [1000usize, 1024, 7, 4096].iter().cycle() {
        if at >= n {
            break;
        }
        let end = (at + size).min(n);
        let (bl, br) = (&mut l[at..end], &mut r[at..end]);
        f(at as u64, bl, br);
        at = end;
    }
    (l, r)
}

/// A constant DC "sound": easy to check exactly.
fn dc(rate: u32, seconds: f64, level: i16) -> Vec<u8> {
    wav_bytes(rate, 1, &vec![level; (f64::from(rate) * seconds) as usize])
}

#[test]
fn decodes_and_resamples_to_48k_stereo() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.wav",
        wav_bytes(22_050, 1, &tone(22_050, 1.0, 440.0, 0.5)),
    );
    let buf = decode_asset(&dir.path().join("t.wav")).unwrap();
    assert!(
        (buf.frames() as i64 - 48_000).abs() <= 64,
        "{} frames",
        buf.frames()
    );
    let peak = buf.samples.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!((peak - 0.5).abs() < 0.03, "peak {peak}");
    // Mono is copied to both channels.
    for pair in buf.samples.chunks_exact(2).take(2000) {
        assert!((pair[0] - pair[1]).abs() < 1e-6);
    }
}

#[test]
fn events_start_sample_exactly_with_their_gain() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dc.wav", dc(48_000, 0.5, 16384));
    let mut film = silent_film(48);
    film.audio
        .push(sound("dc.wav", 7, 10, -6.020_599_913_279_624, false));
    let mix = AudioMix::new(&film, dir.path(), &voices()).unwrap();
    assert_eq!(mix.total_samples(), 96_000);
    // Placement is checked on the mix as written; mastering (a gain for the film's loudness)
    // is tested in voice_mix.rs.
    let (l, r) = render_all(&mix);
    let start = frame_to_sample(7, 24) as usize;
    let end = frame_to_sample(17, 24) as usize;
    assert_eq!(start, 14_000);
    assert_eq!(l[start - 1], 0.0);
    assert!((l[start] - 0.25).abs() < 1e-4, "{}", l[start]);
    assert!((r[end - 1] - 0.25).abs() < 1e-4);
    assert_eq!(l[end], 0.0);
}

#[test]
fn sounds_stop_at_their_end_and_ambience_loops() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "short.wav", dc(48_000, 0.1, 8192));
    let mut film = silent_film(48);
    film.audio.push(sound("short.wav", 0, 48, 0.0, false));
    film.audio.push(sound("short.wav", 24, 24, 0.0, true));
    let mix = AudioMix::new(&film, dir.path(), &voices()).unwrap();
    let (l, _) = render_all(&mix);
    assert!(
        l[4799] > 0.2 && l[4800] == 0.0,
        "the one-shot plays 0.1 s and stops"
    );
    assert!(
        l[60_000] > 0.2 && l[95_999] > 0.2,
        "the ambience keeps looping to the end"
    );
    assert!(l[20_000] == 0.0 && l[47_999] == 0.0 && l[48_000] > 0.2);
}

#[test]
fn fades_are_linear_over_their_frames() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dc.wav", dc(48_000, 2.0, 16384));
    let mut film = silent_film(48);
    let mut ev = sound("dc.wav", 0, 48, 0.0, false);
    ev.fade_in_frames = FrameCount(12);
    ev.fade_out_frames = FrameCount(6);
    film.audio.push(ev);
    let mix = AudioMix::new(&film, dir.path(), &voices()).unwrap();
    let (l, _) = render_all(&mix);
    assert_eq!(l[0], 0.0);
    assert!(
        (l[12_000] - 0.25).abs() < 1e-3,
        "half-way through the fade in: {}",
        l[12_000]
    );
    assert!((l[30_000] - 0.5).abs() < 1e-3);
    // Fade out over the last 6 frames (12000 samples): a quarter of the way into it.
    assert!(
        (l[96_000 - 9000] - 0.375).abs() < 1e-3,
        "{}",
        l[96_000 - 9000]
    );
    assert!(l[95_999] < 0.001);
}

#[test]
fn a_mix_that_would_clip_stays_under_the_ceiling() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "loud.wav",
        wav_bytes(48_000, 1, &tone(48_000, 1.0, 440.0, 0.9)),
    );
    let mut film = silent_film(48);
    film.audio.push(sound("loud.wav", 0, 48, 0.0, false));
    film.audio.push(sound("loud.wav", 12, 36, 0.0, false));
    let mix = AudioMix::new(&film, dir.path(), &voices()).unwrap();
    let (raw, _) = render_all(&mix);
    assert!(
        raw.iter().fold(0f32, |m, v| m.max(v.abs())) > 1.5,
        "the mix as written clips"
    );
    let (l, r) = render_final(&mix);
    let peak = l.iter().chain(&r).fold(0f32, |m, v| m.max(v.abs()));
    assert!(peak <= CEILING, "peak {peak}");
    let loudness = mix.loudness();
    assert!(
        (loudness.after.integrated_lufs.unwrap() + 16.0).abs() <= 1.0,
        "{loudness:?}"
    );
    assert!(loudness.after.true_peak_dbtp <= -1.0, "{loudness:?}");
    // The same every time.
    let again = AudioMix::new(&film, dir.path(), &voices()).unwrap();
    assert_eq!(again.headroom_gain(), mix.headroom_gain());
    assert_eq!(render_final(&again), (l, r));
}

#[test]
fn missing_unreadable_and_corrupt_assets_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut film = silent_film(24);
    film.audio.push(sound("gone.wav", 0, 24, 0.0, false));
    let err = AudioMix::new(&film, dir.path(), &voices()).err().unwrap();
    assert!(matches!(err, RenderError::Io { .. }));
    assert!(err.to_string().contains("gone.wav"), "{err}");

    write(
        dir.path(),
        "noise.ogg",
        (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect(),
    );
    film.audio[0].asset = "noise.ogg".into();
    let err = AudioMix::new(&film, dir.path(), &voices()).err().unwrap();
    assert!(matches!(err, RenderError::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("noise.ogg"), "{err}");

    std::fs::create_dir(dir.path().join("folder.wav")).unwrap();
    film.audio[0].asset = "folder.wav".into();
    let err = AudioMix::new(&film, dir.path(), &voices()).err().unwrap();
    assert!(err.to_string().contains("folder.wav"), "{err}");
}
