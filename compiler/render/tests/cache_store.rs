//! The shot cache on its own: keys, round trips, verification, stats, LRU eviction, errors.

#[path = "encode_support/mod.rs"]
mod support;

use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use scene_plan::schedule::{ConditioningSource, Frame, TransitionKind as K};
use scene_previz::backend::BackendIdentity;
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use scene_render::cache::{
    frame_sha256, shot_key, CacheKey, KeyInputs, ShotCache, ShotStore, ShotVideo,
};
use scene_render::compositor::ShotFrames;
use scene_render::encode::segment::decode_segment;
use scene_render::encode::{EncodeSettings, VideoParams};
use support::*;

fn identity() -> BackendIdentity {
    BackendIdentity {
        name: "previz".into(),
        weights_fingerprint: String::new(),
        settings: "q=1".into(),
    }
}

fn key_of(
    film: &scene_plan::schedule::FilmSchedule,
    i: usize,
    images: &[String],
    up: Option<&str>,
) -> CacheKey {
    let id = identity();
    shot_key(
        film,
        &film.shots[i],
        &KeyInputs {
            backend: &id,
            image_sha256: images,
            upstream_last_frame: up,
            encoder: "x264 test build",
            backend_extra: "",
        },
    )
    .unwrap()
}

/// 32x16 at 4 fps: an IDR every 4 frames.
fn params() -> VideoParams {
    VideoParams {
        width: 32,
        height: 16,
        fps: 4,
        settings: EncodeSettings::default(),
    }
}

fn video(frames: Vec<RgbFrame>) -> ShotVideo {
    ShotVideo::encode(&params(), frames).unwrap()
}

/// Smooth pictures that move, which H.264 keeps close.
fn smooth_frames(n: u32) -> Vec<RgbFrame> {
    (0..n)
        .map(|i| {
            let mut f = RgbFrame::new(32, 16);
            for y in 0..16 {
                for x in 0..32 {
                    f.put(x, y, [(x * 3 + i * 9) as u8, (y * 6) as u8, 100 + i as u8]);
                }
            }
            f
        })
        .collect()
}

fn mean_abs_diff(a: &RgbFrame, b: &RgbFrame) -> f64 {
    let sum: u64 = a
        .data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.data.len() as f64
}

fn frames(n: u32, seed: u8) -> Vec<RgbFrame> {
    (0..n)
        .map(|i| {
            let mut f = RgbFrame::filled(32, 16, [seed, 10, 20]);
            f.put(i % 32, 3, [i as u8, 255, seed]);
            f
        })
        .collect()
}

#[test]
fn key_ignores_placement_and_sound_but_not_content() {
    let base = film(
        32,
        16,
        24,
        vec![
            shot("a", 8, transition(K::Cut, 0)),
            shot("b", 8, transition(K::Cut, 0)),
        ],
    );
    let k = key_of(&base, 1, &[], None);

    let mut moved = base.clone();
    moved.shots[1].start_frame = Frame(3);
    moved.shots[1].transition_in = transition(K::Dissolve, 5);
    moved.shots[1].transition_out = Some(transition(K::FadeToBlack, 4));
    moved.title = "Another title".into();
    assert_eq!(key_of(&moved, 1, &[], None), k);

    let mut edited = base.clone();
    edited.shots[1].prompt_keyframes[0].text = "changed".into();
    assert_ne!(key_of(&edited, 1, &[], None), k);
    let mut resized = base.clone();
    resized.width = 64;
    assert_ne!(key_of(&resized, 1, &[], None), k);
    assert_ne!(key_of(&base, 1, &["00".repeat(32)], None), k);
    assert_ne!(key_of(&base, 1, &[], Some("ff")), k);
    let other_backend = BackendIdentity {
        settings: "q=2".into(),
        ..identity()
    };
    let k2 = shot_key(
        &base,
        &base.shots[1],
        &KeyInputs {
            backend: &other_backend,
            image_sha256: &[],
            upstream_last_frame: None,
            encoder: "x264 test build",
            backend_extra: "",
        },
    )
    .unwrap();
    assert_ne!(k2, k);
    // The other shot's key is its own.
    assert_ne!(key_of(&base, 0, &[], None), k);
}

#[test]
fn round_trip_and_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(dir.path()).unwrap();
    let key = CacheKey([7; 32]);
    assert!(cache.get(&key).is_none());
    let f = smooth_frames(10);
    let v = video(f.clone());
    assert_eq!(v.packets.len(), 10);
    let idrs: Vec<bool> = v.packets.iter().map(|p| p.key).collect();
    assert_eq!(
        idrs,
        [true, false, false, false, true, false, false, false, true, false]
    );
    let stored = cache.put(&key, &v, &AtomicBool::new(false)).unwrap();
    assert_eq!(stored.last_frame_sha256, frame_sha256(&f[9]));
    let entry = cache.get(&key).unwrap();
    assert_eq!(
        (entry.width, entry.height, entry.frames, entry.keyint),
        (32, 16, 10, 4)
    );
    assert_eq!(entry.last_frame_sha256, stored.last_frame_sha256);
    assert_eq!(entry.video_sha256, stored.video_sha256);
    // The packets come back as stored, and the last frame exactly as rendered.
    assert!(entry.packets().eq(v.packets.iter().cloned()));
    assert_eq!(entry.extradata(), &v.extradata[..]);
    assert_eq!(entry.last_frame().unwrap(), f[9]);
    // Decoded frames are close to the rendered ones.
    let decoded = entry.decode_all().unwrap();
    assert_eq!(decoded.len(), 10);
    for (d, o) in decoded.iter().zip(&f) {
        assert!(mean_abs_diff(d, o) < 3.0, "{}", mean_abs_diff(d, o));
    }
    // Compact: ten 32x16 frames (15 KiB raw) take a fraction of that, x264's banner included.
    let stats = cache.stats().unwrap();
    assert_eq!(stats.entries, 1);
    assert!(stats.bytes < 6 * 1024, "{} bytes", stats.bytes);
}

#[test]
fn a_reader_skips_to_the_idr_before_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(dir.path()).unwrap();
    let key = CacheKey([8; 32]);
    cache
        .put(&key, &video(smooth_frames(11)), &AtomicBool::new(false))
        .unwrap();
    let all = cache.get(&key).unwrap().decode_all().unwrap();
    let mut reader = cache.get(&key).unwrap().reader();
    assert_eq!(reader.next_frame().unwrap(), all[0]);
    assert_eq!(reader.next_frame().unwrap(), all[1]);
    // Within the same GOP, then across two IDRs (decoding restarts at frame 8).
    reader.skip(1).unwrap();
    assert_eq!(reader.next_frame().unwrap(), all[3]);
    reader.skip(5).unwrap();
    assert_eq!(reader.next_frame().unwrap(), all[9]);
    assert_eq!(reader.next_frame().unwrap(), all[10]);
    let err = reader.next_frame().unwrap_err();
    assert!(err.to_string().contains("fewer frames"), "{err}");
    // A reader that starts with a skip never decodes the frames before the IDR.
    let mut late = cache.get(&key).unwrap().reader();
    late.skip(6).unwrap();
    assert_eq!(late.next_frame().unwrap(), all[6]);
    // Decoding is deterministic: the same packets give the same pixels.
    let entry = cache.get(&key).unwrap();
    let packets: Vec<Vec<u8>> = entry.packets().map(|p| p.data).collect();
    let refs: Vec<&[u8]> = packets.iter().map(|p| p.as_slice()).collect();
    assert_eq!(
        decode_segment(entry.extradata(), 32, 16, &refs).unwrap(),
        all
    );
}

#[test]
fn the_encoder_enters_the_key() {
    let base = film(32, 16, 24, vec![shot("a", 8, transition(K::Cut, 0))]);
    let id = identity();
    let key = |encoder: &str| {
        shot_key(
            &base,
            &base.shots[0],
            &KeyInputs {
                backend: &id,
                image_sha256: &[],
                upstream_last_frame: None,
                encoder,
                backend_extra: "",
            },
        )
        .unwrap()
    };
    assert_eq!(key("x264 a"), key("x264 a"));
    assert_ne!(key("x264 a"), key("x264 b"));
}

#[test]
fn any_damage_reads_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(dir.path()).unwrap();
    let key = CacheKey([1; 32]);
    cache
        .put(&key, &video(frames(4, 9)), &AtomicBool::new(false))
        .unwrap();
    let path = cache.entry_path(&key);
    let good = std::fs::read(&path).unwrap();
    for at in [0, 9, 30, good.len() / 2, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        assert!(cache.get(&key).is_none(), "flipped byte {at} was trusted");
    }
    std::fs::write(&path, &good[..good.len() - 10]).unwrap();
    assert!(cache.get(&key).is_none());
    // An entry stored under another key is not this key's entry.
    std::fs::write(&path, &good).unwrap();
    let other = CacheKey([2; 32]);
    std::fs::copy(&path, cache.entry_path(&other)).unwrap();
    assert!(cache.get(&other).is_none());
    assert!(cache.get(&key).is_some());
}

#[test]
fn has_sound_sees_a_whole_sound_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(dir.path()).unwrap();
    let key = CacheKey([4; 32]);
    assert!(!cache.has_sound(&key), "no sound stored yet");
    let sound = scene_render::audio::StereoBuffer {
        samples: vec![0.5; 2 * 4800],
    };
    cache
        .put_sound(&key, &sound, &AtomicBool::new(false))
        .unwrap();
    assert!(cache.has_sound(&key));
    assert_eq!(cache.get_sound(&key), Some(sound));
    let path = cache.sound_path(&key);
    let good = std::fs::read(&path).unwrap();
    std::fs::write(&path, &good[..good.len() - 1]).unwrap();
    assert!(!cache.has_sound(&key), "a truncated sound is not a sound");
    // A sound stored under another key is not this key's sound.
    std::fs::write(&path, &good).unwrap();
    let other = CacheKey([5; 32]);
    std::fs::copy(&path, cache.sound_path(&other)).unwrap();
    assert!(!cache.has_sound(&other));
    assert!(cache.has_sound(&key));
}

#[test]
fn cancelled_put_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(dir.path()).unwrap();
    let key = CacheKey([3; 32]);
    let err = cache
        .put(&key, &video(frames(4, 1)), &AtomicBool::new(true))
        .unwrap_err();
    assert!(matches!(err, RenderError::Interrupted));
    assert_eq!(
        std::fs::read_dir(dir.path().join("shots")).unwrap().count(),
        0
    );
}

#[test]
fn gc_evicts_least_recently_used_and_reads_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(dir.path()).unwrap();
    let keys: Vec<CacheKey> = (0..4).map(|i| CacheKey([i + 10; 32])).collect();
    let now = SystemTime::now();
    for (i, key) in keys.iter().enumerate() {
        cache
            .put(
                key,
                &video(frames(3, i as u8 * 50)),
                &AtomicBool::new(false),
            )
            .unwrap();
        let file = std::fs::File::options()
            .write(true)
            .open(cache.entry_path(key))
            .unwrap();
        file.set_modified(now - Duration::from_secs(1000 - i as u64 * 100))
            .unwrap();
    }
    // Reading the oldest makes it the most recent.
    assert!(cache.get(&keys[0]).is_some());
    let stats = cache.stats().unwrap();
    assert_eq!(stats.entries, 4);
    let one = std::fs::metadata(cache.entry_path(&keys[1])).unwrap().len();
    let report = cache.gc(stats.bytes - one).unwrap();
    assert_eq!(report.removed_entries, 1);
    assert!(
        cache.get(&keys[1]).is_none(),
        "the least recently used entry survived"
    );
    assert!(cache.get(&keys[0]).is_some());
    assert_eq!(report.kept.entries, 3);
    assert_eq!(cache.stats().unwrap(), report.kept);

    let report = cache.gc(0).unwrap();
    assert_eq!(report.kept.entries, 0);
    assert_eq!(cache.stats().unwrap().entries, 0);
}

#[test]
fn unwritable_cache_dir_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let err = ShotCache::open(&dir.path().join("file/.scene-cache"))
        .err()
        .unwrap();
    assert!(matches!(err, RenderError::Write { .. }), "{err:?}");
    assert!(err.to_string().contains(".scene-cache"), "{err}");
}

#[test]
fn conditioning_images_enter_the_key_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("key.png"), b"first image bytes").unwrap();
    let mut film = demo_film(root);
    film.shots[0]
        .conditioning
        .push(scene_plan::schedule::Conditioning {
            frame: Frame(0),
            source: ConditioningSource::Image {
                path: "key.png".into(),
                sha256: String::new(),
            },
            strength: 1.0,
        });
    let render = || {
        let backend = SolidBackend::default();
        scene_render::pipeline::render_film(
            &film,
            &backend,
            &scene_render::pipeline::RenderOptions {
                project_root: root,
                store: &ShotCache::open(&root.join(".scene-cache")).unwrap(),
                voices: &scene_voice::Voices::open(Some(
                    root.join(".scene-cache").join(scene_voice::CACHE_DIR),
                )),
                output: &root.join("film.mp4"),
                jobs: 1,
                metadata: Default::default(),
                encode: Default::default(),
                progress: &scene_render::pipeline::NoProgress,
                cancel: &AtomicBool::new(false),
            },
        )
        .unwrap()
    };
    render();
    assert!(render().rendered.is_empty());
    std::fs::write(root.join("key.png"), b"second image bytes").unwrap();
    assert_eq!(render().rendered, vec!["opening".to_string()]);
    std::fs::remove_file(root.join("key.png")).unwrap();
    let backend = SolidBackend::default();
    let err = scene_render::pipeline::render_film(
        &film,
        &backend,
        &scene_render::pipeline::RenderOptions {
            project_root: root,
            store: &ShotCache::open(&root.join(".scene-cache")).unwrap(),
            voices: &scene_voice::Voices::open(Some(
                root.join(".scene-cache").join(scene_voice::CACHE_DIR),
            )),
            output: &root.join("film.mp4"),
            jobs: 1,
            metadata: Default::default(),
            encode: Default::default(),
            progress: &scene_render::pipeline::NoProgress,
            cancel: &AtomicBool::new(false),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("key.png"), "{err}");
}

#[test]
fn an_entry_that_is_not_a_regular_file_is_damage_decided_without_following_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ShotCache::open(&dir.path().join("cache")).unwrap();
    let key = CacheKey([7; 32]);
    let path = cache.entry_path(&key);
    cache
        .put(&key, &video(frames(3, 40)), &AtomicBool::new(false))
        .unwrap();

    // A valid entry outside the cache, reached through a link: neither read nor touched.
    let outside = dir.path().join("outside.shot");
    std::fs::rename(&path, &outside).unwrap();
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(&outside)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::os::unix::fs::symlink(&outside, &path).unwrap();
    assert!(cache.get(&key).is_none(), "a link was followed");
    assert!(
        std::fs::symlink_metadata(&path).is_err(),
        "the link (not its target) is removed"
    );
    assert_eq!(
        std::fs::metadata(&outside).unwrap().modified().unwrap(),
        old
    );

    // A link to /dev/zero and a FIFO: refused at once, no unbounded read, no hang.
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    assert!(cache.get(&key).is_none());
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(cache.get(&key).is_none());
    assert!(std::fs::symlink_metadata(&path).is_err());

    // gc and stats count no link, and gc removes a link without touching its target.
    std::os::unix::fs::symlink(&outside, &path).unwrap();
    assert_eq!(cache.stats().unwrap().entries, 0);
    cache.gc(u64::MAX).unwrap();
    assert!(std::fs::symlink_metadata(&path).is_err());
    assert!(outside.is_file());
}

#[test]
fn a_shots_folder_that_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    std::fs::create_dir_all(dir.path().join("cache")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), dir.path().join("cache/shots"))
        .unwrap();
    let err = ShotCache::open(&dir.path().join("cache")).err().unwrap();
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn gc_needs_a_tagged_cache_and_no_live_render() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("plain/shots")).unwrap();
    std::fs::write(dir.path().join("plain/shots/a.shot"), b"mine").unwrap();
    let err = ShotCache::existing(&dir.path().join("plain"))
        .err()
        .unwrap();
    assert!(
        matches!(err, scene_render::cache::CacheError::NotACache { .. }),
        "{err:?}"
    );
    assert!(dir.path().join("plain/shots/a.shot").is_file());

    let root = dir.path().join("cache");
    let render = ShotCache::open(&root).unwrap();
    let key = CacheKey([9; 32]);
    render
        .put(&key, &video(frames(3, 90)), &AtomicBool::new(false))
        .unwrap();
    let gc = ShotCache::existing(&root).unwrap();
    let err = gc.gc(0).err().unwrap();
    assert!(
        matches!(err, scene_render::cache::CacheError::InUse { .. }),
        "{err:?}"
    );
    assert!(
        render.get(&key).is_some(),
        "gc removed a live render's entry"
    );
    drop(render);
    assert_eq!(gc.gc(0).unwrap().removed_entries, 1);
}
