//! The MP4 as a player sees it: streams, sizes, exact frame count, audio length and onset,
//! subtitles, metadata, faststart, reproducible bytes, and no broken files on failure.

#[path = "encode_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use scene_previz::error::RenderError;
use scene_render::cache::ShotCache;
use scene_render::encode::{EncodeSettings, Metadata};
use scene_render::pipeline::{render_film, NoProgress, RenderOptions, RenderReport};
use support::*;

fn metadata() -> Metadata {
    Metadata {
        title: "Test film".into(),
        tool: "scenec 0.1.0".into(),
        script_sha256: "ab".repeat(32),
        schedule_sha256: String::new(),
        backend: String::new(),
    }
}

fn render(
    film: &scene_plan::schedule::FilmSchedule,
    root: &Path,
    cache: &Path,
    output: &Path,
) -> Result<RenderReport, RenderError> {
    let cancel = AtomicBool::new(false);
    let backend = SolidBackend::default();
    render_film(
        film,
        &backend,
        &RenderOptions {
            project_root: root,
            store: &ShotCache::open(cache).unwrap(),
            voices: &scene_voice::Voices::open(Some(cache.join(scene_voice::CACHE_DIR))),
            output,
            jobs: 2,
            metadata: metadata(),
            encode: EncodeSettings::default(),
            progress: &NoProgress,
            cancel: &cancel,
        },
    )
}

fn demo(dir: &Path) -> (scene_plan::schedule::FilmSchedule, PathBuf) {
    let film = demo_film(dir);
    let out = dir.join("film.mp4");
    render(&film, dir, &dir.join(".scene-cache"), &out).unwrap();
    (film, out)
}

#[test]
fn streams_size_and_exact_frame_count() {
    let dir = tempfile::tempdir().unwrap();
    let (film, out) = demo(dir.path());
    let probe = ffprobe(&out);

    let video = stream(&probe, "video");
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(video["pix_fmt"], "yuv420p");
    assert_eq!(video["width"], 64);
    assert_eq!(video["height"], 48);
    assert_eq!(video["r_frame_rate"], "24/1");
    assert_eq!(video["nb_read_frames"], film.frames.0.to_string());

    let audio = stream(&probe, "audio");
    assert_eq!(audio["codec_name"], "aac");
    assert_eq!(audio["sample_rate"], "48000");
    assert_eq!(audio["channels"], 2);
    let seconds = f64::from(film.frames.0) / 24.0;
    let audio_seconds: f64 = audio["duration"].as_str().unwrap().parse().unwrap();
    assert!(
        (audio_seconds - seconds).abs() < 1024.0 / 48_000.0,
        "audio lasts {audio_seconds} s, the film {seconds} s"
    );
    let video_seconds: f64 = video["duration"].as_str().unwrap().parse().unwrap();
    assert!(
        (video_seconds - seconds).abs() < 1e-6,
        "video lasts {video_seconds} s"
    );

    let text = stream(&probe, "subtitle");
    assert_eq!(text["codec_name"], "mov_text");
}

#[test]
fn metadata_and_faststart() {
    let dir = tempfile::tempdir().unwrap();
    let (film, out) = demo(dir.path());
    let probe = ffprobe(&out);
    let tags = &probe["format"]["tags"];
    assert_eq!(tags["title"], "Test film");
    assert_eq!(tags["scenec_tool"], "scenec 0.1.0");
    assert_eq!(tags["scenec_script_sha256"], "ab".repeat(32));
    assert_eq!(tags["scenec_backend"], "solid-test");
    assert_eq!(
        tags["scenec_schedule_sha256"],
        scene_render::provenance::schedule_sha256(&film).unwrap()
    );
    let bytes = std::fs::read(&out).unwrap();
    let find = |atom: &[u8]| bytes.windows(4).position(|w| w == atom).unwrap();
    assert!(
        find(b"moov") < find(b"mdat"),
        "moov must come first (faststart)"
    );
}

#[test]
fn subtitles_in_the_mp4_and_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = demo(dir.path());
    // street starts at film frame 10; Aiko speaks from its frame 1 to 10 → 11..20 → 458..833 ms.
    let srt = std::fs::read_to_string(dir.path().join("film.srt")).unwrap();
    assert_eq!(
        srt,
        "1\n00:00:00,458 --> 00:00:00,833\nAiko: Is anyone here?\n\n\
         2\n00:00:01,208 --> 00:00:01,542\nBen: Up the stairs.\n\n"
    );
    let vtt = std::fs::read_to_string(dir.path().join("film.vtt")).unwrap();
    assert!(vtt.starts_with("WEBVTT\n\n00:00:00.458 --> 00:00:00.833\n<v Aiko>Is anyone here?\n"));

    let decoded = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&out)
        .args(["-map", "0:s:0", "-f", "srt", "-"])
        .output()
        .unwrap();
    assert!(decoded.status.success());
    let text = String::from_utf8(decoded.stdout).unwrap();
    assert!(
        text.contains("00:00:00,458 --> 00:00:00,833\nAiko: Is anyone here?"),
        "{text}"
    );
    assert!(text.contains("Ben: Up the stairs."), "{text}");
}

#[test]
fn decoded_pictures_have_the_shots_colours() {
    let dir = tempfile::tempdir().unwrap();
    let (film, out) = demo(dir.path());
    let frames = decode_video_rgb(&out, 64, 48);
    assert_eq!(frames.len(), film.frames.0 as usize);
    // Frame 5 of `opening` (no transition touches it); sample away from the moving column.
    let want = shot_colour(&film.shots[0], None);
    let px = &frames[5][(20 * 64 + 40) * 3..(20 * 64 + 40) * 3 + 3];
    for c in 0..3 {
        assert!(
            (i32::from(px[c]) - i32::from(want[c])).abs() <= 6,
            "decoded {px:?}, painted {want:?}"
        );
    }
    // The last frame faded to black.
    let last = frames.last().unwrap();
    assert!(last.iter().all(|&v| v <= 20), "the last frame is not black");
}

#[test]
fn decoded_audio_starts_at_its_frame() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sounds")).unwrap();
    // 20 ms of a loud 1 kHz tone, otherwise nothing.
    std::fs::write(
        root.join("sounds/click.wav"),
        wav_bytes(48_000, 1, &tone(48_000, 0.02, 1000.0, 0.9)),
    )
    .unwrap();
    let mut film = film(
        64,
        48,
        24,
        vec![shot(
            "only",
            48,
            transition(scene_plan::schedule::TransitionKind::Cut, 0),
        )],
    );
    let onset_frame = 30u32;
    film.audio
        .push(sound("sounds/click.wav", onset_frame, 10, 0.0, false));
    let out = root.join("click.mp4");
    render(&film, root, &root.join(".scene-cache"), &out).unwrap();

    let samples = decode_audio_mono(&out);
    let expected = onset_frame as usize * 48_000 / 24;
    let onset = samples
        .iter()
        .position(|v| v.abs() > 0.1)
        .expect("the click is audible");
    let one_frame = 48_000 / 24;
    assert!(
        onset.abs_diff(expected) < one_frame,
        "click decoded at sample {onset}, placed at {expected}"
    );
    // Nothing before it.
    assert!(samples[..expected - one_frame]
        .iter()
        .all(|v| v.abs() < 0.01));
}

#[test]
fn encoding_twice_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let (a, b) = (dir.path().join("a.mp4"), dir.path().join("b.mp4"));
    render(&film, dir.path(), &dir.path().join("cache-a"), &a).unwrap();
    render(&film, dir.path(), &dir.path().join("cache-b"), &b).unwrap();
    assert_same_files(&a, &b);
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn unwritable_output_path_errors_without_leaving_files() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    std::fs::write(dir.path().join("not-a-dir"), b"x").unwrap();
    let before = listing(dir.path());

    // A parent that is a file, a parent that does not exist, a destination that is a directory.
    std::fs::create_dir(dir.path().join("taken.mp4")).unwrap();
    for out in [
        dir.path().join("not-a-dir/film.mp4"),
        dir.path().join("missing/film.mp4"),
        dir.path().join("taken.mp4"),
    ] {
        let err = render(&film, dir.path(), &dir.path().join(".scene-cache"), &out).unwrap_err();
        match &err {
            RenderError::Write { path, .. } => assert!(path.starts_with(dir.path())),
            other => panic!("expected a write error, got {other:?}"),
        }
        assert!(
            err.to_string().contains("film.mp4") || err.to_string().contains("taken"),
            "{err}"
        );
    }
    let mut after = listing(dir.path());
    after.retain(|n| n != "taken.mp4" && n != ".scene-cache");
    assert_eq!(after, before, "a failed render left files behind");
    assert!(listing(&dir.path().join("taken.mp4")).is_empty());
}

#[test]
fn missing_and_corrupt_sound_assets_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut film = demo_film(dir.path());
    film.audio[0].asset = "sounds/nope.wav".into();
    let out = dir.path().join("film.mp4");
    let err = render(&film, dir.path(), &dir.path().join(".scene-cache"), &out).unwrap_err();
    assert!(matches!(err, RenderError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("sounds/nope.wav"), "{err}");

    std::fs::write(
        dir.path().join("sounds/bad.wav"),
        b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk",
    )
    .unwrap();
    film.audio[0].asset = "sounds/bad.wav".into();
    let err = render(&film, dir.path(), &dir.path().join(".scene-cache"), &out).unwrap_err();
    assert!(matches!(err, RenderError::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("sounds/bad.wav"), "{err}");
    assert!(!out.exists());
}
