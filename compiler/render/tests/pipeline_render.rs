//! `render_film` end to end: reproducible bytes whatever `jobs` is, exactly the changed shots
//! re-rendered, damaged cache entries re-rendered, interrupted renders resumed to the same bytes.

#[path = "encode_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use scene_plan::schedule::{FilmSchedule, TransitionKind as K};
use scene_previz::error::RenderError;
use scene_render::audio::StereoBuffer;
use scene_render::cache::entry::serialize;
use scene_render::cache::sound::{parse_sound, serialize_sound};
use scene_render::cache::{CacheEntry, CacheKey, ShotCache, ShotStore, ShotVideo, StoredShot};
use scene_render::encode::{EncodeSettings, Metadata};
use scene_render::pipeline::{
    render_film, NoProgress, RenderOptions, RenderProgress, RenderReport,
};
use support::*;

struct Run<'a> {
    root: &'a Path,
    cache: PathBuf,
    output: PathBuf,
    jobs: usize,
}

impl<'a> Run<'a> {
    fn new(root: &'a Path, cache: &str, output: &str) -> Self {
        Run {
            root,
            cache: root.join(cache),
            output: root.join(output),
            jobs: 2,
        }
    }

    fn go_with(
        &self,
        film: &FilmSchedule,
        backend: &SolidBackend,
        progress: &dyn RenderProgress,
        cancel: &AtomicBool,
    ) -> Result<RenderReport, RenderError> {
        render_film(
            film,
            backend,
            &RenderOptions {
                project_root: self.root,
                store: &ShotCache::open(&self.cache).unwrap(),
                voices: &scene_voice::Voices::open(Some(self.cache.join(scene_voice::CACHE_DIR))),
                output: &self.output,
                jobs: self.jobs,
                metadata: Metadata {
                    tool: "scenec test".into(),
                    ..Metadata::default()
                },
                encode: EncodeSettings::default(),
                progress,
                cancel,
            },
        )
    }

    fn go(&self, film: &FilmSchedule) -> (RenderReport, Vec<String>) {
        let backend = SolidBackend::default();
        let report = self
            .go_with(film, &backend, &NoProgress, &AtomicBool::new(false))
            .unwrap();
        (report, backend.rendered_names())
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.output).unwrap()
    }
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn identical_bytes_from_cold_caches_and_any_job_count() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let mut a = Run::new(dir.path(), "cache-a", "a.mp4");
    a.jobs = 1;
    let mut b = Run::new(dir.path(), "cache-b", "b.mp4");
    b.jobs = 4;
    let (ra, _) = a.go(&film);
    let (rb, _) = b.go(&film);
    assert_eq!(
        ra.rendered,
        names(&["opening", "street", "door", "hall", "stairs"])
    );
    assert_eq!(rb.rendered, ra.rendered);
    assert_same_files(&a.output, &b.output);
    assert_same_files(&ra.srt, &rb.srt);
    assert_same_files(&ra.provenance, &rb.provenance);

    // A warm cache reuses everything and gives the same bytes again.
    let (again, rendered) = a.go(&film);
    assert!(again.rendered.is_empty());
    assert!(rendered.is_empty());
    assert_eq!(again.reused.len(), 5);
    assert_same_files(&a.output, &b.output);
}

#[test]
fn an_edit_re_renders_exactly_that_shot_and_its_continuations() {
    let dir = tempfile::tempdir().unwrap();
    let mut film = demo_film(dir.path());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    run.go(&film);

    // `door` continues `street`: editing `street` re-renders both.
    film.shots[1].prompt_keyframes[0].text = "a wet street at night".into();
    let (report, rendered) = run.go(&film);
    assert_eq!(report.rendered, names(&["street", "door"]));
    assert_eq!(report.reused, names(&["opening", "hall", "stairs"]));
    assert_eq!(rendered, names(&["door", "street"]));

    // Editing `hall` re-renders only `hall`.
    film.shots[3].guidance = 5.5;
    let (report, _) = run.go(&film);
    assert_eq!(report.rendered, names(&["hall"]));

    // Transitions, timing and sound do not change any shot's pixels.
    film.shots[3].transition_in = transition(K::Dissolve, 3);
    let mut relaid = support::film(64, 48, 24, film.shots.clone());
    relaid.audio = film.audio.clone();
    relaid.audio[0].gain_db = -12.0;
    let (report, rendered) = run.go(&relaid);
    assert!(report.rendered.is_empty(), "{:?}", report.rendered);
    assert!(rendered.is_empty());
    assert_eq!(report.frames, relaid.frames.0);
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache.join("shots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "shot"))
        .collect();
    v.sort();
    v
}

fn provenance_key(report: &RenderReport, shot: &str) -> String {
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report.provenance).unwrap()).unwrap();
    p["shots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == shot)
        .unwrap()["cache_key"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_corrupt_cache_entry_is_rendered_again() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    let (report, _) = run.go(&film);
    let first = run.bytes();
    assert_eq!(entries(&run.cache).len(), 5);

    // Flip one byte in the middle of `hall`'s entry.
    let hall = run
        .cache
        .join("shots")
        .join(format!("{}.shot", provenance_key(&report, "hall")));
    let mut bytes = std::fs::read(&hall).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&hall, bytes).unwrap();
    // And truncate `opening`'s, as a crash without atomic writes would.
    let opening = run
        .cache
        .join("shots")
        .join(format!("{}.shot", provenance_key(&report, "opening")));
    let len = std::fs::metadata(&opening).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&opening)
        .unwrap()
        .set_len(len / 2)
        .unwrap();

    let (report, rendered) = run.go(&film);
    assert_eq!(report.rendered, names(&["opening", "hall"]));
    assert_eq!(rendered, names(&["hall", "opening"]));
    assert!(run.bytes() == first, "the re-rendered film differs");
}

/// Sets the cancel flag when a condition on the events is met.
struct CancelAfter<'a> {
    cancel: &'a AtomicBool,
    finished: AtomicUsize,
    after_shots: usize,
    after_encoded: u64,
    events: Mutex<Vec<String>>,
}

impl RenderProgress for CancelAfter<'_> {
    fn shot_started(&self, shot: &str, _frames: u32) {
        self.events.lock().unwrap().push(format!("start {shot}"));
    }
    fn shot_finished(&self, shot: &str) {
        self.events.lock().unwrap().push(format!("done {shot}"));
        if self.finished.fetch_add(1, Ordering::SeqCst) + 1 >= self.after_shots {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }
    fn shot_reused(&self, shot: &str) {
        self.events.lock().unwrap().push(format!("reused {shot}"));
    }
    fn encoding(&self, done: u64, _total: u64) {
        if done >= self.after_encoded {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }
}

fn no_temp_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp"), "left a temporary file: {name}");
    }
}

#[test]
fn a_cancelled_render_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let reference = Run::new(dir.path(), "cache-ref", "reference.mp4");
    reference.go(&film);

    let mut run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    run.jobs = 1;
    let cancel = AtomicBool::new(false);
    let progress = CancelAfter {
        cancel: &cancel,
        finished: AtomicUsize::new(0),
        after_shots: 2,
        after_encoded: u64::MAX,
        events: Mutex::new(Vec::new()),
    };
    let backend = SolidBackend::default();
    let err = run
        .go_with(&film, &backend, &progress, &cancel)
        .unwrap_err();
    assert!(matches!(err, RenderError::Interrupted), "{err:?}");
    assert_eq!(
        *progress.events.lock().unwrap(),
        names(&[
            "start opening",
            "done opening",
            "start street",
            "done street"
        ])
    );
    assert!(!run.output.exists());
    assert!(!dir.path().join("film.srt").exists());
    no_temp_files(dir.path());
    assert_eq!(entries(&run.cache).len(), 2);

    // Cancelled while the film is assembled (which overlaps the last shots' rendering):
    // nothing at the destination, and the shots finished so far are cached.
    let cancel = AtomicBool::new(false);
    let progress = CancelAfter {
        cancel: &cancel,
        finished: AtomicUsize::new(0),
        after_shots: usize::MAX,
        after_encoded: 20,
        events: Mutex::new(Vec::new()),
    };
    let err = run
        .go_with(&film, &backend, &progress, &cancel)
        .unwrap_err();
    assert!(matches!(err, RenderError::Interrupted), "{err:?}");
    assert!(!run.output.exists());
    no_temp_files(dir.path());
    let cached = entries(&run.cache).len();
    assert!(cached >= 2, "{cached}");

    // The resumed render renders exactly the shots that were not cached yet.
    let (report, rendered) = run.go(&film);
    assert_eq!(rendered.len(), 5 - cached, "{rendered:?}");
    assert_eq!(report.reused.len(), cached);
    assert_same_files(&run.output, &reference.output);
}

#[test]
fn debris_of_a_killed_render_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    let (report, _) = run.go(&film);
    let first = run.bytes();

    // What SIGKILL can leave: a half-written temporary entry, and a temporary MP4.
    let key = provenance_key(&report, "street");
    let entry = run.cache.join("shots").join(format!("{key}.shot"));
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(
        run.cache.join("shots").join(format!(".{key}.tmp-999999-0")),
        &bytes[..bytes.len() / 3],
    )
    .unwrap();
    std::fs::remove_file(&entry).unwrap();
    std::fs::remove_file(&run.output).unwrap();
    std::fs::write(dir.path().join("film.mp4.tmp-999999"), b"partial").unwrap();

    let (report, rendered) = run.go(&film);
    // `door` continues `street`: the same frames come back, so `door`'s key is unchanged.
    assert_eq!(report.rendered, names(&["street"]));
    assert_eq!(rendered, names(&["street"]));
    assert!(run.bytes() == first, "the re-rendered film differs");
    assert!(
        !dir.path().join("film.mp4.tmp-999999").exists(),
        "a dead writer's temporary file stayed"
    );
}

#[test]
fn sidecars_beside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    let (report, _) = run.go(&film);
    assert_eq!(report.srt, dir.path().join("film.srt"));
    assert_eq!(report.vtt, dir.path().join("film.vtt"));
    assert_eq!(report.provenance, dir.path().join("film.provenance.json"));
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report.provenance).unwrap()).unwrap();
    assert_eq!(p["backend"]["name"], "solid-test");
    assert_eq!(p["frames"], film.frames.0);
    let shots = p["shots"].as_array().unwrap();
    assert_eq!(shots.len(), 5);
    for (s, shot) in shots.iter().zip(&film.shots) {
        assert_eq!(s["name"], shot.name.as_str());
        assert_eq!(s["seed"], shot.seed);
        let key = s["cache_key"].as_str().unwrap();
        assert!(run.cache.join("shots").join(format!("{key}.shot")).exists());
    }
    assert_eq!(shots[2]["continues"]["shot"], "street");
    let audio = p["audio"].as_array().unwrap();
    assert_eq!(audio.len(), 2);
    assert_eq!(audio[0]["path"], "sounds/music.wav");
    assert_eq!(audio[0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_continues_cycle_or_unknown_upstream_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut film = demo_film(dir.path());
    film.shots[0].continues = Some("stairs".into());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    let err = run
        .go_with(
            &film,
            &SolidBackend::default(),
            &NoProgress,
            &AtomicBool::new(false),
        )
        .unwrap_err();
    assert!(matches!(err, RenderError::Schedule(_)), "{err:?}");
    assert!(err.to_string().contains("stairs"), "{err}");
    assert!(!run.output.exists());
}

/// Fails on one shot; renders the others like [`SolidBackend`].
struct FailsOn(&'static str, SolidBackend);

impl scene_previz::backend::Backend for FailsOn {
    fn identity(&self) -> scene_previz::backend::BackendIdentity {
        self.1.identity()
    }

    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &scene_plan::schedule::ShotSchedule,
        inputs: &scene_previz::backend::ShotInputs<'_>,
        progress: scene_previz::backend::Progress<'_>,
    ) -> Result<Vec<scene_previz::frame::RgbFrame>, RenderError> {
        if shot.name == self.0 {
            return Err(RenderError::Backend {
                backend: "solid-test".into(),
                shot: shot.name.clone(),
                message: "out of paint".into(),
            });
        }
        self.1.render_shot(film, shot, inputs, progress)
    }
}

#[test]
fn a_failing_shot_is_the_error_while_the_film_is_assembled() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    // The assembly waits for `hall` while the others render: the shot's own error surfaces.
    let err = render_film(
        &film,
        &FailsOn("hall", SolidBackend::default()),
        &RenderOptions {
            project_root: run.root,
            store: &ShotCache::open(&run.cache).unwrap(),
            voices: &scene_voice::Voices::open(Some(run.cache.join(scene_voice::CACHE_DIR))),
            output: &run.output,
            jobs: 2,
            metadata: Metadata::default(),
            encode: EncodeSettings::default(),
            progress: &NoProgress,
            cancel: &AtomicBool::new(false),
        },
    )
    .unwrap_err();
    assert!(
        matches!(&err, RenderError::Backend { shot, message, .. } if shot == "hall" && message == "out of paint"),
        "{err:?}"
    );
    assert!(!run.output.exists());
    no_temp_files(dir.path());
    // The shots before it are cached: the next render reuses them.
    let (report, _) = run.go(&film);
    assert!(report.reused.contains(&"opening".to_string()), "{report:?}");
}

/// Returns frames of the wrong size, or one frame too few.
struct Misbehaves {
    wrong_size: bool,
}

impl scene_previz::backend::Backend for Misbehaves {
    fn identity(&self) -> scene_previz::backend::BackendIdentity {
        SolidBackend::default().identity()
    }

    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &scene_plan::schedule::ShotSchedule,
        _inputs: &scene_previz::backend::ShotInputs<'_>,
        _progress: scene_previz::backend::Progress<'_>,
    ) -> Result<Vec<scene_previz::frame::RgbFrame>, RenderError> {
        let (w, h) = if self.wrong_size {
            (film.width / 2, film.height)
        } else {
            (film.width, film.height)
        };
        let n = shot.frames.0 - u32::from(!self.wrong_size);
        Ok((0..n)
            .map(|_| scene_previz::frame::RgbFrame::filled(w, h, [1, 2, 3]))
            .collect())
    }
}

#[test]
fn a_backend_breaking_the_schedule_is_named_and_nothing_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let run = Run::new(dir.path(), ".scene-cache", "film.mp4");
    for (wrong_size, expected) in [
        (true, "frame 0 is 32x48, the film is 64x48"),
        (false, "returned 13 frames, the schedule has 14"),
    ] {
        let err = render_film(
            &film,
            &Misbehaves { wrong_size },
            &RenderOptions {
                project_root: run.root,
                store: &ShotCache::open(&run.cache).unwrap(),
                voices: &scene_voice::Voices::open(Some(run.cache.join(scene_voice::CACHE_DIR))),
                output: &run.output,
                jobs: 1,
                metadata: Metadata::default(),
                encode: EncodeSettings::default(),
                progress: &NoProgress,
                cancel: &AtomicBool::new(false),
            },
        )
        .unwrap_err();
        assert!(
            matches!(&err, RenderError::Backend { message, .. } if message == expected),
            "{err:?}"
        );
        assert!(!run.output.exists());
        assert!(entries(&run.cache).is_empty());
        no_temp_files(dir.path());
    }
}

/// A store that keeps entries in memory: what an object-store backend does through the same
/// seam (whole entries in the shared byte format, verified on the way out).
#[derive(Default)]
struct MemoryStore {
    entries: Mutex<std::collections::BTreeMap<CacheKey, Vec<u8>>>,
    sounds: Mutex<std::collections::BTreeMap<CacheKey, Vec<u8>>>,
}

impl ShotStore for MemoryStore {
    fn get(&self, key: &CacheKey) -> Option<CacheEntry> {
        let bytes = self.entries.lock().unwrap().get(key)?.clone();
        CacheEntry::parse(*key, bytes)
    }

    fn put(
        &self,
        key: &CacheKey,
        shot: &ShotVideo,
        cancel: &AtomicBool,
    ) -> Result<StoredShot, RenderError> {
        let (bytes, stored) = serialize(key, shot)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        self.entries.lock().unwrap().insert(*key, bytes);
        Ok(stored)
    }

    fn get_sound(&self, key: &CacheKey) -> Option<StereoBuffer> {
        parse_sound(key, self.sounds.lock().unwrap().get(key)?)
    }

    fn put_sound(
        &self,
        key: &CacheKey,
        sound: &StereoBuffer,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        let bytes = serialize_sound(key, sound);
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        self.sounds.lock().unwrap().insert(*key, bytes);
        Ok(())
    }
}

#[test]
fn any_shot_store_gives_the_directory_stores_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let film = demo_film(dir.path());
    let on_disk = Run::new(dir.path(), ".scene-cache", "disk.mp4");
    let (disk_report, _) = on_disk.go(&film);

    let store = MemoryStore::default();
    let output = dir.path().join("memory.mp4");
    let render = |backend: &SolidBackend| {
        render_film(
            &film,
            backend,
            &RenderOptions {
                project_root: dir.path(),
                store: &store,
                voices: &scene_voice::Voices::open(None),
                output: &output,
                jobs: 2,
                metadata: Metadata {
                    tool: "scenec test".into(),
                    ..Metadata::default()
                },
                encode: EncodeSettings::default(),
                progress: &NoProgress,
                cancel: &AtomicBool::new(false),
            },
        )
        .unwrap()
    };
    let cold = SolidBackend::default();
    let report = render(&cold);
    assert_eq!(report.rendered, disk_report.rendered);
    assert_same_files(&on_disk.output, &output);

    // The memory store holds, key for key, the bytes the directory store wrote.
    let cache = ShotCache::open(&on_disk.cache).unwrap();
    let entries = store.entries.lock().unwrap().clone();
    assert_eq!(entries.len(), 5);
    for (key, bytes) in &entries {
        assert_eq!(&std::fs::read(cache.entry_path(key)).unwrap(), bytes);
    }

    // A second render finds every shot in the store and renders none.
    let warm = SolidBackend::default();
    let again = render(&warm);
    assert!(again.rendered.is_empty());
    assert!(warm.rendered_names().is_empty());
    assert_eq!(again.reused.len(), 5);
    assert_same_files(&on_disk.output, &output);
}
