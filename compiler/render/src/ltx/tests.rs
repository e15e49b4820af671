//! The schedule → request mapping, and whole shots through the tiny random-weight model
//! (`tests/fixtures/ltx-tiny`).

use std::path::{Path, PathBuf};

use scene_plan::schedule::*;

use super::*;

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ltx-tiny")
}

fn backend(cache: &Path, steps: Option<u32>) -> LtxBackend {
    LtxBackend::open(
        &tiny(),
        cache,
        LtxSettings {
            steps_override: steps,
            ..LtxSettings::default()
        },
    )
    .unwrap()
}

/// A shot of `frames` frames travelling linearly between `prompts` keyframes spread evenly.
fn shot(name: &str, frames: u32, prompts: &[&str]) -> ShotSchedule {
    let n = frames as usize;
    let k = prompts.len();
    let keyframes: Vec<PromptKeyframe> = prompts
        .iter()
        .enumerate()
        .map(|(i, p)| PromptKeyframe {
            frame: Frame(if k > 1 { i * (n - 1) / (k - 1) } else { 0 } as u32),
            text: p.to_string(),
            shot_text: p.to_string(),
            tokens: scene_plan::tokens::estimate(p),
        })
        .collect();
    let weights = (0..n)
        .map(|f| {
            if k == 1 {
                return vec![1.0];
            }
            let t = f as f32 / (n - 1) as f32;
            let mut row = vec![0.0; k];
            row[0] = 1.0 - t;
            row[k - 1] = t;
            row
        })
        .collect();
    ShotSchedule {
        name: name.into(),
        scene: "s".into(),
        start_frame: Frame(0),
        frames: FrameCount(frames),
        seed: 11,
        transition_in: Transition::CUT,
        transition_out: None,
        prompt_keyframes: keyframes,
        prompt_weights: weights,
        negative: "blurry".into(),
        camera: vec![
            CameraFrame {
                position: [0.0, 1.6, 0.0],
                yaw: 0.0,
                pitch: 0.0,
                roll: 0.0,
                focal_mm: 35.0,
                focus_m: None,
            };
            n
        ],
        camera_text: String::new(),
        subjects: Vec::new(),
        conditioning: Vec::new(),
        continues: None,
        guidance: 3.0,
        strength: 1.0,
        steps: 2,
        setting: Setting {
            location: "yard".into(),
            description: "a yard".into(),
            time: "day".into(),
            weather: "clear".into(),
            interior: false,
        },
        look: LookInfo {
            name: None,
            grade: "neutral".into(),
        },
        audio: Vec::new(),
        dialogue: Vec::new(),
        titles: Vec::new(),
        lights: Vec::new(),
        speed: 1.0,
        depth: Default::default(),
    }
}

fn film(width: u32, height: u32, shots: Vec<ShotSchedule>) -> FilmSchedule {
    let frames = shots.iter().map(|s| s.frames.0).sum();
    FilmSchedule {
        version: SCHEDULE_VERSION,
        title: "t".into(),
        fps: 8,
        width,
        height,
        frames: FrameCount(frames),
        scenes: Vec::new(),
        shots,
        audio: Vec::new(),
        loudness_lufs: -16.0,
        speech: Speech {
            timing: SpeechTimingKind::ReadingEstimate,
            engine: None,
        },
    }
}

fn write_png(path: &Path, w: u32, h: u32) {
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let data: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| [(x * 3) as u8, (y * 5) as u8, 90]))
        .collect();
    enc.write_header().unwrap().write_image_data(&data).unwrap();
}

fn inputs(root: &Path) -> ShotInputs<'_> {
    ShotInputs {
        project_root: root,
        continued_frame: None,
    }
}

fn render(b: &LtxBackend, film: &FilmSchedule, i: usize, root: &Path) -> Vec<RgbFrame> {
    b.render_shot(film, &film.shots[i], &inputs(root), &mut |_, _| {})
        .unwrap()
}

#[test]
fn the_request_follows_the_schedule() {
    let dir = tempfile::tempdir().unwrap();
    write_png(&dir.path().join("key.png"), 40, 30);
    let mut s = shot("a", 8, &["dawn", "dusk"]);
    s.conditioning.push(Conditioning {
        frame: Frame(4),
        source: ConditioningSource::Image {
            path: "key.png".into(),
            sha256: String::new(),
        },
        strength: 0.8,
    });
    s.strength = 0.6;
    let f = film(64, 32, vec![s]);
    let b = backend(&dir.path().join("cache"), Some(3));
    let req = b.request(&f, &f.shots[0], &inputs(dir.path())).unwrap();

    assert_eq!((req.width, req.height, req.num_frames), (64, 32, 9));
    assert_eq!(req.prompts, ["dawn", "dusk"]);
    assert_eq!(req.prompt_weights.len(), 2, "one row per latent frame");
    assert_eq!(req.prompt_weights[0], [1.0, 0.0]);
    // Latent 1 covers frames 1..=8; frame 8 is surplus, so it is the mean over frames 1..=7.
    assert!((req.prompt_weights[1][1] - 4.0 / 7.0).abs() < 1e-6);
    assert_eq!(req.num_inference_steps, 3, "--steps overrides the schedule");
    assert_eq!(req.negative, "blurry");
    assert_eq!(req.seed, 11);
    assert_eq!(req.frame_rate, 8.0);

    assert_eq!(req.conditions.len(), 1);
    let c = &req.conditions[0];
    assert_eq!(
        c.frame_index, 0,
        "frame 8 would be dropped; the boundary inside is 0"
    );
    assert_eq!(c.strength, 0.8);
    assert_eq!((c.frames[0].width, c.frames[0].height), (64, 32));

    let guide = req.guide.as_ref().unwrap();
    assert_eq!(guide.strength, 0.6);
    assert_eq!(
        guide.frames.len(),
        9,
        "the guide is padded to the generated count"
    );
    assert_eq!(guide.frames[8], guide.frames[7]);
}

#[test]
fn travel_weights_that_do_not_match_the_keyframes_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = shot("a", 8, &["dawn", "dusk"]);
    s.prompt_weights[3] = vec![1.0];
    let f = film(64, 32, vec![s]);
    let b = backend(&dir.path().join("cache"), None);
    let err = b.request(&f, &f.shots[0], &inputs(dir.path())).unwrap_err();
    assert!(err.to_string().contains("one weight per keyframe"), "{err}");
}

#[test]
fn one_prompt_has_no_travel_weights() {
    let dir = tempfile::tempdir().unwrap();
    let f = film(64, 32, vec![shot("a", 8, &["only"])]);
    let b = backend(&dir.path().join("cache"), None);
    let req = b.request(&f, &f.shots[0], &inputs(dir.path())).unwrap();
    assert_eq!(req.prompts, ["only"]);
    assert!(req.prompt_weights.is_empty());
    assert_eq!(req.num_inference_steps, 2);
}

#[test]
fn travel_that_stays_on_the_first_keyframe_equals_plain_generation() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(&dir.path().join("cache"), None);
    let plain = film(64, 32, vec![shot("a", 8, &["a red kite"])]);
    let mut held = shot("a", 8, &["a red kite", "a storm"]);
    held.prompt_weights = vec![vec![1.0, 0.0]; 8];
    let held = film(64, 32, vec![held]);
    let travelling = film(64, 32, vec![shot("a", 8, &["a red kite", "a storm"])]);

    let plain_frames = render(&b, &plain, 0, dir.path());
    assert_eq!(render(&b, &held, 0, dir.path()), plain_frames);
    assert_ne!(render(&b, &travelling, 0, dir.path()), plain_frames);
}

#[test]
fn shots_come_back_at_the_films_size_and_frame_count() {
    // 80x48 is not a multiple of 32 (the checker forbids it, but schedules from other tools
    // may have it): generated at 96x64 and cropped; 10 frames generated as 17 and trimmed.
    let dir = tempfile::tempdir().unwrap();
    let b = backend(&dir.path().join("cache"), None);
    let f = film(80, 48, vec![shot("a", 10, &["fog"])]);
    assert_eq!(
        b.request(&f, &f.shots[0], &inputs(dir.path()))
            .map(|r| (r.width, r.height, r.num_frames))
            .unwrap(),
        (96, 64, 17)
    );
    let frames = render(&b, &f, 0, dir.path());
    assert_eq!(frames.len(), 10);
    assert!(frames
        .iter()
        .all(|fr| (fr.width, fr.height, fr.data.len()) == (80, 48, 80 * 48 * 3)));
}

#[test]
fn continues_pins_the_upstream_frame_and_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(&dir.path().join("cache"), None);
    let mut s = shot("b", 8, &["rain"]);
    s.continues = Some("a".into());
    s.conditioning.push(Conditioning {
        frame: Frame(0),
        source: ConditioningSource::LastFrameOf { shot: "a".into() },
        strength: 1.0,
    });
    let f = film(64, 32, vec![s]);
    let err = b
        .render_shot(&f, &f.shots[0], &inputs(dir.path()), &mut |_, _| {})
        .unwrap_err();
    assert!(err.to_string().contains("last frame of `a`"), "{err}");

    let upstream = RgbFrame::filled(64, 32, [200, 40, 10]);
    let with = ShotInputs {
        project_root: dir.path(),
        continued_frame: Some(&upstream),
    };
    let req = b.request(&f, &f.shots[0], &with).unwrap();
    assert_eq!(req.conditions[0].frame_index, 0);
    assert_eq!(req.conditions[0].frames[0].data, upstream.data);
    let frames = b
        .render_shot(&f, &f.shots[0], &with, &mut |_, _| {})
        .unwrap();
    assert_eq!(frames.len(), 8);
}

#[test]
fn progress_counts_denoising_steps() {
    let dir = tempfile::tempdir().unwrap();
    let b = backend(&dir.path().join("cache"), Some(4));
    let f = film(64, 32, vec![shot("a", 8, &["snow"])]);
    let mut seen = Vec::new();
    b.render_shot(&f, &f.shots[0], &inputs(dir.path()), &mut |d, t| {
        seen.push((d, t))
    })
    .unwrap();
    assert_eq!(seen, [(1, 4), (2, 4), (3, 4), (4, 4)]);
}

#[test]
fn the_identity_holds_every_sampler_setting() {
    let dir = tempfile::tempdir().unwrap();
    let two = backend(&dir.path().join("cache"), Some(2)).identity();
    let three = backend(&dir.path().join("cache"), Some(3)).identity();
    let none = backend(&dir.path().join("cache"), None).identity();
    assert_eq!(two.name, "ltx");
    assert_eq!(two.weights_fingerprint, three.weights_fingerprint);
    assert_ne!(two.settings, three.settings);
    assert_ne!(two.settings, none.settings);
    let bf16 = LtxBackend::open(
        &tiny(),
        &dir.path().join("cache"),
        LtxSettings {
            text_encoder: TextEncoderPrecision::Bf16,
            ..LtxSettings::default()
        },
    )
    .unwrap()
    .identity();
    assert_ne!(bf16.settings, none.settings);
}

/// A bf16 text encoder runs (on the CPU too), and its prompt embeddings are cached apart from
/// the f32 ones: the shots it conditions differ a little, never silently.
#[test]
fn a_bf16_text_encoder_renders_and_caches_its_embeddings_apart() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let f = film(64, 32, vec![shot("a", 8, &["snow"])]);
    let open = |text_encoder| {
        LtxBackend::open(
            &tiny(),
            &cache,
            LtxSettings {
                steps_override: Some(2),
                text_encoder,
                ..LtxSettings::default()
            },
        )
        .unwrap()
    };
    let full = render(&open(TextEncoderPrecision::Auto), &f, 0, dir.path());
    let count = || std::fs::read_dir(cache.join("embeddings")).unwrap().count();
    let after_f32 = count();
    let half = render(&open(TextEncoderPrecision::Bf16), &f, 0, dir.path());
    assert_eq!(half.len(), full.len());
    assert!(count() > after_f32, "bf16 embeddings reused the f32 ones");
}

#[test]
fn open_errors_name_the_folder_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let err = LtxBackend::open(&missing, dir.path(), LtxSettings::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert_eq!(err.dir, missing);

    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    let err = LtxBackend::open(&file, dir.path(), LtxSettings::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("not a directory"), "{err}");
}

/// A render whose cancel flag is set during the first denoising step stops before the second,
/// as a single Ctrl-C does; the cache gets nothing for the shot.
#[test]
fn a_cancel_stops_the_shot_between_denoising_steps() {
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::cache::ShotCache;
    use crate::pipeline::{render_film, RenderOptions, RenderProgress};

    struct CancelOnFirstStep<'a>(&'a AtomicBool, std::sync::Mutex<Vec<(u64, u64)>>);
    impl RenderProgress for CancelOnFirstStep<'_> {
        fn shot_progress(&self, _shot: &str, done: u64, total: u64) {
            self.1.lock().unwrap().push((done, total));
            self.0.store(true, Ordering::SeqCst);
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let mut s = shot("a", 9, &["rain"]);
    s.steps = 4;
    let f = film(96, 32, vec![s]);
    let cache = dir.path().join(".scene-cache");
    let b = backend(&dir.path().join("embeddings"), None);
    let cancel = AtomicBool::new(false);
    let progress = CancelOnFirstStep(&cancel, Default::default());
    let err = render_film(
        &f,
        &b,
        &RenderOptions {
            project_root: dir.path(),
            store: &ShotCache::open(&cache).unwrap(),
            voices: &scene_voice::Voices::open(Some(cache.join(scene_voice::CACHE_DIR))),
            output: &dir.path().join("film.mp4"),
            jobs: 1,
            metadata: Default::default(),
            encode: Default::default(),
            progress: &progress,
            cancel: &cancel,
        },
    )
    .unwrap_err();
    assert!(matches!(err, RenderError::Interrupted), "{err:?}");
    assert_eq!(*progress.1.lock().unwrap(), vec![(1, 4)]);
    assert!(!dir.path().join("film.mp4").exists());
    let entries = std::fs::read_dir(cache.join("shots")).unwrap().count();
    assert_eq!(entries, 0);
}
