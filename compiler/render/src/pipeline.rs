//! `render_film`: every shot rendered or taken from the cache, then composited, mixed, encoded,
//! with subtitles and a provenance sidecar beside the MP4.
//!
//! Each shot is encoded as it renders (on a thread of its own beside the backend) and cached as
//! H.264; the film's track copies those packets and encodes again only the frames transitions
//! change ([`crate::assemble`]).
//!
//! Shots render on `jobs` threads, each as soon as the shot it `continues` is done; the result
//! does not depend on `jobs` or on thread timing, because a shot's frames depend only on its key's
//! inputs. Every shot goes through the cache (a [`ShotStore`], the project's `.scene-cache/` for
//! `scenec`), so a render that is interrupted (Ctrl-C via the
//! cancel flag, or killed outright) resumes where it stopped: the next run finds the finished
//! shots and renders the rest. Nothing appears at the destination until the whole film is
//! encoded.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

use scene_plan::schedule::{ConditioningSource, FilmSchedule, ShotSchedule};
use scene_previz::backend::{Backend, BackendIdentity, ShotInputs};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;

use crate::assemble::{self, Assembled, TransitionEncoder};
use crate::audio::{frame_to_sample, AudioMix, StereoBuffer};
use crate::cache::{
    shot_key, CacheEntry, CacheKey, Claim, KeyInputs, LeaseInfo, ShotStore, ShotVideo,
};
use crate::compositor::{ShotFrames, ShotSource};
use crate::encode::segment::encoder_fingerprint;
use crate::encode::{
    mux_mp4, EncodeSettings, Metadata, SegmentEncoder, StagedFile, VideoParams, VideoStream,
};
use crate::provenance::{
    file_sha256, schedule_sha256, shot_schedule_sha256, ContinuedFrom, InputFile, Provenance,
    ShotProvenance, PROVENANCE_VERSION,
};
use crate::subtitles;

/// Events of a render, for a progress display. Called from worker threads.
pub trait RenderProgress: Sync {
    fn shot_started(&self, _shot: &str, _frames: u32) {}
    /// Progress inside a shot, in the backend's units (frames or denoising steps).
    fn shot_progress(&self, _shot: &str, _done: u64, _total: u64) {}
    fn shot_finished(&self, _shot: &str) {}
    fn shot_reused(&self, _shot: &str) {}
    /// Film frames composited and encoded so far.
    fn encoding(&self, _done: u64, _total: u64) {}
}

/// Reports nothing.
pub struct NoProgress;

impl RenderProgress for NoProgress {}

pub struct RenderOptions<'a> {
    /// Paths in the schedule (assets, images) are relative to this.
    pub project_root: &'a Path,
    /// Where shots are cached: for `scenec`, the project's `.scene-cache/` as a
    /// [`crate::cache::ShotCache`].
    pub store: &'a dyn ShotStore,
    /// The scratch voices that speak each line into the mix: for `scenec`, eSpeak NG with the
    /// project's voice cache (`.scene-cache/voices/`), so lines spoken before (by `scenec check`,
    /// the language server or an earlier render) are not spoken again.
    pub voices: &'a scene_voice::Voices,
    /// The MP4 to write; `.srt`, `.vtt` and `.provenance.json` go beside it.
    pub output: &'a Path,
    /// Shots rendered at once (0 counts as 1).
    pub jobs: usize,
    /// Written into the MP4. Empty `title`, `tool`, `backend` and `schedule_sha256` are filled in.
    pub metadata: Metadata,
    pub encode: EncodeSettings,
    pub progress: &'a dyn RenderProgress,
    /// Set it (from a signal handler, say) to stop the render at the next frame.
    pub cancel: &'a AtomicBool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RenderReport {
    /// Shots the backend rendered in this run, in play order.
    pub rendered: Vec<String>,
    /// Shots taken from the cache, in play order.
    pub reused: Vec<String>,
    pub output: PathBuf,
    pub srt: PathBuf,
    pub vtt: PathBuf,
    pub provenance: PathBuf,
    pub frames: u32,
    pub audio_samples: u64,
    pub audio_headroom_gain: f32,
}

/// Where the sidecars of `output` go: `film.mp4` → `film.srt`, `film.vtt`,
/// `film.provenance.json`.
pub fn sidecar_paths(output: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        output.with_extension("srt"),
        output.with_extension("vtt"),
        output.with_extension("provenance.json"),
    )
}

#[derive(Clone, Debug)]
struct ShotDone {
    key: CacheKey,
    last_frame_sha256: String,
    video_sha256: String,
    reused: bool,
    images: Vec<InputFile>,
}

enum State {
    Waiting,
    Running,
    Done(ShotDone),
}

struct Board {
    states: Vec<State>,
    error: Option<RenderError>,
    /// Set when the film's assembly failed: no new shots start.
    stopped: bool,
}

/// The shot whose last frame conditions `shot`, if any.
fn upstream_name(shot: &ShotSchedule) -> Option<&str> {
    shot.continues.as_deref().or_else(|| {
        shot.conditioning.iter().find_map(|c| match &c.source {
            ConditioningSource::LastFrameOf { shot } => Some(shot.as_str()),
            _ => None,
        })
    })
}

/// Index of each shot's upstream; checks what the render relies on.
fn validate(film: &FilmSchedule) -> Result<Vec<Option<usize>>, RenderError> {
    if film.fps == 0 || film.fps > 1000 {
        return Err(RenderError::Schedule(format!(
            "fps {} is out of range",
            film.fps
        )));
    }
    if film.width == 0 || film.height == 0 || (film.width | film.height) & 1 != 0 {
        return Err(RenderError::Schedule(format!(
            "the film is {}x{}; both sides must be even and non-zero",
            film.width, film.height
        )));
    }
    let mut upstream = Vec::with_capacity(film.shots.len());
    for (i, shot) in film.shots.iter().enumerate() {
        if shot.frames.0 == 0 {
            return Err(RenderError::Schedule(format!(
                "shot `{}` has no frames",
                shot.name
            )));
        }
        if film.shots[..i].iter().any(|s| s.name == shot.name) {
            return Err(RenderError::Schedule(format!(
                "two shots are named `{}`",
                shot.name
            )));
        }
        let up = match upstream_name(shot) {
            None => None,
            Some(name) => Some(
                film.shots[..i]
                    .iter()
                    .position(|s| s.name == name)
                    .ok_or_else(|| {
                        RenderError::Schedule(format!(
                            "shot `{}` continues `{name}`, which does not play before it",
                            shot.name
                        ))
                    })?,
            ),
        };
        upstream.push(up);
    }
    Ok(upstream)
}

/// How often a worker looks for the entry of a shot another worker holds the lease of, and in
/// how many steps it sleeps (so that Ctrl-C is answered within a fraction of it).
const LEASE_POLL: std::time::Duration = std::time::Duration::from_secs(2);
const LEASE_POLL_STEPS: u32 = 10;

/// What rendering the shots (without compositing or encoding) needs.
pub struct ShotRenderOptions<'a> {
    pub project_root: &'a Path,
    /// Where shots are cached (see [`RenderOptions::store`]).
    pub store: &'a dyn ShotStore,
    /// Shots rendered at once (0 counts as 1).
    pub jobs: usize,
    pub progress: &'a dyn RenderProgress,
    pub cancel: &'a AtomicBool,
    /// Shots are cached encoded; these settings are part of their keys.
    pub encode: &'a EncodeSettings,
}

/// Every shot in the cache, by key, in play order.
#[derive(Clone, Debug)]
pub struct RenderedShots {
    pub keys: Vec<CacheKey>,
    pub rendered: Vec<String>,
    pub reused: Vec<String>,
}

/// Render every shot that is not cached yet (in `continues` order, in parallel where
/// independent) and return their cache keys, without compositing or encoding. `scenec verify`
/// reads the frames back from the cache.
pub fn render_shots(
    film: &FilmSchedule,
    backend: &dyn Backend,
    opts: &ShotRenderOptions<'_>,
) -> Result<RenderedShots, RenderError> {
    let upstream = validate(film)?;
    let renderer = Renderer::new(film, backend, opts)?;
    let done = renderer.all_shots(&upstream)?;
    let names = |reused: bool| {
        film.shots
            .iter()
            .zip(&done)
            .filter(|(_, d)| d.reused == reused)
            .map(|(s, _)| s.name.clone())
            .collect()
    };
    Ok(RenderedShots {
        keys: done.iter().map(|d| d.key).collect(),
        rendered: names(false),
        reused: names(true),
    })
}

/// The shots of `film` that are not in the store yet, by name in play order; `found` remembers
/// the last-frame hashes of shots already found, so a caller that asks again (`--assemble-only
/// --wait`) reads each entry once. A shot whose upstream is missing counts as missing: its key
/// depends on that shot's last frame.
pub fn missing_shots(
    film: &FilmSchedule,
    backend: &dyn Backend,
    opts: &ShotRenderOptions<'_>,
    found: &mut Vec<Option<String>>,
) -> Result<Vec<String>, RenderError> {
    let upstream = validate(film)?;
    let renderer = Renderer::new(film, backend, opts)?;
    found.resize(film.shots.len(), None);
    let mut missing = Vec::new();
    for (i, shot) in film.shots.iter().enumerate() {
        if found[i].is_some() {
            continue;
        }
        let upstream_last_frame = match upstream[i] {
            None => None,
            Some(u) => match &found[u] {
                Some(sha) => Some(sha.clone()),
                None => {
                    missing.push(shot.name.clone());
                    continue;
                }
            },
        };
        let images = renderer.image_inputs(shot)?;
        let key = renderer.key(shot, &images, upstream_last_frame.as_deref())?;
        match renderer.cached(shot, &key) {
            Some(entry) => found[i] = Some(entry.last_frame_sha256),
            None => missing.push(shot.name.clone()),
        }
    }
    Ok(missing)
}

/// Where one shot of a film stands in a shared cache (`scenec farm status`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShotState {
    /// Its entry (and, for a backend that generates sound, its sound) is in the store, whole.
    Done { key: CacheKey },
    /// Not stored yet, and a worker holds its lease (which may have expired: the worker
    /// stopped renewing it, and the next worker to reach the shot takes it over).
    Leased { key: CacheKey, lease: LeaseInfo },
    /// Not stored and not leased. `waits_for` names the shot it `continues` when that one is not
    /// done either: its key (which holds the upstream's last frame) is not known yet.
    Missing {
        key: Option<CacheKey>,
        waits_for: Option<String>,
    },
}

/// Where every shot of `film` stands in the store, in play order: the keys a render with
/// `backend` would use, looked up without rendering or reading anything but entries (for a
/// shot's last frame) and leases.
pub fn shot_states(
    film: &FilmSchedule,
    backend: &dyn Backend,
    opts: &ShotRenderOptions<'_>,
) -> Result<Vec<(String, ShotState)>, RenderError> {
    let upstream = validate(film)?;
    let renderer = Renderer::new(film, backend, opts)?;
    let mut last_frames: Vec<Option<String>> = vec![None; film.shots.len()];
    let mut states = Vec::with_capacity(film.shots.len());
    for (i, shot) in film.shots.iter().enumerate() {
        let upstream_last_frame = match upstream[i] {
            None => None,
            Some(u) => match &last_frames[u] {
                Some(sha) => Some(sha.clone()),
                None => {
                    states.push((
                        shot.name.clone(),
                        ShotState::Missing {
                            key: None,
                            waits_for: Some(film.shots[u].name.clone()),
                        },
                    ));
                    continue;
                }
            },
        };
        let images = renderer.image_inputs(shot)?;
        let key = renderer.key(shot, &images, upstream_last_frame.as_deref())?;
        let state = match renderer.cached(shot, &key) {
            Some(entry) => {
                last_frames[i] = Some(entry.last_frame_sha256);
                ShotState::Done { key }
            }
            None => match opts.store.lease(&key)? {
                Some(lease) => ShotState::Leased { key, lease },
                None => ShotState::Missing {
                    key: Some(key),
                    waits_for: None,
                },
            },
        };
        states.push((shot.name.clone(), state));
    }
    Ok(states)
}

/// A backend that renders nothing: every shot must come from the cache. `--assemble-only`
/// builds the film with it, so an entry that vanishes after [`missing_shots`] looked is an
/// error naming the shot, never a silent render on the assembling machine.
pub struct CacheOnly<'a>(pub &'a dyn Backend);

impl Backend for CacheOnly<'_> {
    fn identity(&self) -> BackendIdentity {
        self.0.identity()
    }

    // The key and the cache's contents depend on these: the wrapped backend's answers.
    fn generates_sound(&self) -> bool {
        self.0.generates_sound()
    }

    fn key_extra(&self, shot: &ShotSchedule) -> String {
        self.0.key_extra(shot)
    }

    fn render_shot(
        &self,
        _film: &FilmSchedule,
        shot: &ShotSchedule,
        _inputs: &ShotInputs<'_>,
        _progress: scene_previz::backend::Progress<'_>,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        Err(RenderError::Backend {
            backend: self.0.identity().name,
            shot: shot.name.clone(),
            message: "the shot is not in the cache, and --assemble-only renders nothing".into(),
        })
    }
}

struct Renderer<'a> {
    film: &'a FilmSchedule,
    backend: &'a dyn Backend,
    identity: BackendIdentity,
    cache: &'a dyn ShotStore,
    opts: &'a ShotRenderOptions<'a>,
    video: VideoParams,
    /// [`encoder_fingerprint`] of `video`, for the keys.
    encoder: String,
    /// The SPS/PPS every encoder of `video` writes, from the same encoder.
    extradata: Vec<u8>,
}

impl<'a> Renderer<'a> {
    fn new(
        film: &'a FilmSchedule,
        backend: &'a dyn Backend,
        opts: &'a ShotRenderOptions<'a>,
    ) -> Result<Self, RenderError> {
        let video = VideoParams {
            width: film.width,
            height: film.height,
            fps: film.fps,
            settings: opts.encode.clone(),
        };
        let (encoder, extradata) = encoder_fingerprint(&video)?;
        Ok(Renderer {
            film,
            backend,
            identity: backend.identity(),
            cache: opts.store,
            opts,
            video,
            encoder,
            extradata,
        })
    }

    /// Run the backend on this thread and the encoder on another, frames crossing in order.
    fn render_and_encode(
        &self,
        shot: &ShotSchedule,
        continued: Option<&RgbFrame>,
    ) -> Result<(ShotVideo, Option<StereoBuffer>), RenderError> {
        let progress = self.opts.progress;
        let backend_error = |message: String| RenderError::Backend {
            backend: self.identity.name.clone(),
            shot: shot.name.clone(),
            message,
        };
        let (width, height) = (self.film.width, self.film.height);
        let expected_len = width as usize * height as usize * 3;
        let (tx, rx) = std::sync::mpsc::sync_channel::<RgbFrame>(FRAME_QUEUE);
        let mut sink_failed = false;
        std::thread::scope(|scope| {
            let encoder = std::thread::Builder::new()
                .name("encode-shot".into())
                .spawn_scoped(scope, || -> Result<ShotVideo, RenderError> {
                    let mut encoder = SegmentEncoder::new(&self.video)?;
                    let mut last = None;
                    for frame in rx {
                        let n = encoder.frames();
                        if frame.width != width
                            || frame.height != height
                            || frame.data.len() != expected_len
                        {
                            return Err(backend_error(format!(
                                "frame {n} is {}x{}, the film is {width}x{height}",
                                frame.width, frame.height
                            )));
                        }
                        if n == u64::from(shot.frames.0) {
                            return Err(backend_error(format!(
                                "returned more frames than the schedule's {}",
                                shot.frames.0
                            )));
                        }
                        encoder.push(&frame)?;
                        if let Some(previous) = last.replace(frame) {
                            previous.recycle();
                        }
                    }
                    let n = encoder.frames();
                    let last_frame = match last {
                        Some(f) if n == u64::from(shot.frames.0) => f,
                        _ => {
                            return Err(backend_error(format!(
                                "returned {n} frames, the schedule has {}",
                                shot.frames.0
                            )))
                        }
                    };
                    let extradata = encoder.extradata();
                    Ok(ShotVideo {
                        width,
                        height,
                        keyint: self.video.keyint(),
                        extradata,
                        packets: encoder.finish()?,
                        last_frame,
                    })
                })
                .map_err(|e| RenderError::Encode(format!("cannot start an encoder thread: {e}")))?;
            let rendered = self.backend.render_shot_with_sound(
                self.film,
                shot,
                &ShotInputs {
                    project_root: self.opts.project_root,
                    continued_frame: continued,
                },
                &mut |frame| {
                    tx.send(frame).map_err(|_| {
                        sink_failed = true;
                        RenderError::Encode("the shot's encoder stopped".into())
                    })
                },
                &mut |done, total| progress.shot_progress(&shot.name, done, total),
                self.opts.cancel,
            );
            drop(tx);
            let encoded = encoder
                .join()
                .map_err(|_| RenderError::Encode("a shot's encoder thread panicked".into()))?;
            // The encoder's error explains a backend whose sink failed; otherwise the
            // backend's error (an interrupt, say) explains an encoder that got too few frames.
            match (rendered, encoded) {
                (Ok(sound), r) => r.map(|video| (video, sound)),
                (Err(_), Err(e)) if sink_failed => Err(e),
                (Err(e), _) => Err(e),
            }
        })
    }

    fn image_inputs(&self, shot: &ShotSchedule) -> Result<Vec<InputFile>, RenderError> {
        let mut inputs = Vec::new();
        for c in &shot.conditioning {
            let (role, path) = match &c.source {
                ConditioningSource::Image { path, .. } => ("image".to_string(), path),
                ConditioningSource::Reference {
                    character, path, ..
                } => (format!("reference:{character}"), path),
                ConditioningSource::LastFrameOf { .. } => continue,
            };
            let sha256 = file_sha256(&self.opts.project_root.join(path))?;
            inputs.push(InputFile {
                role,
                path: path.clone(),
                sha256,
            });
        }
        Ok(inputs)
    }

    /// The key of `shot` given its upstream's last frame.
    fn key(
        &self,
        shot: &ShotSchedule,
        images: &[InputFile],
        upstream_last_frame: Option<&str>,
    ) -> Result<CacheKey, RenderError> {
        let image_sha256: Vec<String> = images.iter().map(|i| i.sha256.clone()).collect();
        shot_key(
            self.film,
            shot,
            &KeyInputs {
                backend: &self.identity,
                image_sha256: &image_sha256,
                upstream_last_frame,
                encoder: &self.encoder,
                backend_extra: &self.backend.key_extra(shot),
            },
        )
    }

    /// The cached entry of `shot` under `key`, if it is there and fits the film (and, for a
    /// backend that generates sound, its sound is there too).
    fn cached(&self, shot: &ShotSchedule, key: &CacheKey) -> Option<CacheEntry> {
        let sounds = self.backend.generates_sound();
        self.cache.get(key).filter(|entry| {
            (!sounds || self.cache.has_sound(key))
                && entry.frames == shot.frames.0
                && entry.width == self.film.width
                && entry.height == self.film.height
                && entry.keyint == self.video.keyint()
        })
    }

    fn shot(&self, index: usize, upstream: Option<&ShotDone>) -> Result<ShotDone, RenderError> {
        let shot = &self.film.shots[index];
        let progress = self.opts.progress;
        let images = self.image_inputs(shot)?;
        let key = self.key(
            shot,
            &images,
            upstream.map(|u| u.last_frame_sha256.as_str()),
        )?;
        let reuse = |entry: CacheEntry, images: Vec<InputFile>| {
            progress.shot_reused(&shot.name);
            ShotDone {
                key,
                last_frame_sha256: entry.last_frame_sha256,
                video_sha256: entry.video_sha256,
                reused: true,
                images,
            }
        };
        if let Some(entry) = self.cached(shot, &key) {
            return Ok(reuse(entry, images));
        }
        // Another worker sharing the store may be rendering this shot: wait for its entry
        // rather than render it twice (crate::cache::lease).
        let _lease = loop {
            if self.opts.cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Interrupted);
            }
            match self.cache.claim(&key)? {
                Claim::Granted(lease) => break lease,
                Claim::Busy { .. } => {
                    for _ in 0..LEASE_POLL_STEPS {
                        if self.opts.cancel.load(Ordering::Relaxed) {
                            return Err(RenderError::Interrupted);
                        }
                        std::thread::sleep(LEASE_POLL / LEASE_POLL_STEPS);
                    }
                    if let Some(entry) = self.cached(shot, &key) {
                        return Ok(reuse(entry, images));
                    }
                }
            }
        };
        // The entry may have landed between the first look and the claim.
        if let Some(entry) = self.cached(shot, &key) {
            return Ok(reuse(entry, images));
        }
        if self.opts.cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }

        let continued = match upstream {
            None => None,
            Some(up) => {
                let entry = self.cache.get(&up.key).ok_or_else(|| {
                    RenderError::Schedule(format!(
                        "the cached frames of the shot `{}` continues vanished during the render",
                        shot.name
                    ))
                })?;
                Some(entry.last_frame()?)
            }
        };
        progress.shot_started(&shot.name, shot.frames.0);
        let (video, sound) = self.render_and_encode(shot, continued.as_ref())?;
        if self.backend.generates_sound() {
            let wanted = frame_to_sample(u64::from(shot.frames.0), self.film.fps) as usize;
            match sound {
                Some(sound) if sound.frames() == wanted && sound.samples.len() == 2 * wanted => {
                    self.cache.put_sound(&key, &sound, self.opts.cancel)?
                }
                Some(sound) => {
                    return Err(RenderError::Backend {
                        backend: self.identity.name.clone(),
                        shot: shot.name.clone(),
                        message: format!(
                            "returned {} samples of sound, the shot's {} frames need {wanted}",
                            sound.frames(),
                            shot.frames.0
                        ),
                    })
                }
                None => {
                    return Err(RenderError::Backend {
                        backend: self.identity.name.clone(),
                        shot: shot.name.clone(),
                        message: "generated no sound".into(),
                    })
                }
            }
        }
        let stored = self.cache.put(&key, &video, self.opts.cancel)?;
        progress.shot_finished(&shot.name);
        Ok(ShotDone {
            key,
            last_frame_sha256: stored.last_frame_sha256,
            video_sha256: stored.video_sha256,
            reused: false,
            images,
        })
    }

    /// Run every shot on `jobs` threads, each after its upstream shot.
    fn all_shots(&self, upstream: &[Option<usize>]) -> Result<Vec<ShotDone>, RenderError> {
        let board = ShotBoard::new(self.film.shots.len());
        std::thread::scope(|scope| {
            for _ in 0..self.jobs() {
                scope.spawn(|| board.work(self, upstream));
            }
        });
        board.into_results(self.opts.cancel)
    }

    fn jobs(&self) -> usize {
        self.opts.jobs.clamp(1, self.film.shots.len().max(1))
    }
}

/// Which shots are done, shared by the render threads and the film's assembly, which waits
/// here for each shot as it reaches it.
struct ShotBoard {
    board: Mutex<Board>,
    wake: Condvar,
}

impl ShotBoard {
    fn new(n: usize) -> Self {
        ShotBoard {
            board: Mutex::new(Board {
                states: (0..n).map(|_| State::Waiting).collect(),
                error: None,
                stopped: false,
            }),
            wake: Condvar::new(),
        }
    }

    /// A render thread: take the first shot whose upstream is done, render it, repeat.
    fn work(&self, renderer: &Renderer<'_>, upstream: &[Option<usize>]) {
        let cancel = renderer.opts.cancel;
        let n = upstream.len();
        loop {
            let (index, up) = {
                let Ok(mut b) = self.board.lock() else { return };
                loop {
                    if b.error.is_some() || b.stopped {
                        return;
                    }
                    if cancel.load(Ordering::Relaxed) {
                        b.error = Some(RenderError::Interrupted);
                        self.wake.notify_all();
                        return;
                    }
                    let ready = (0..n).find(|&i| {
                        matches!(b.states[i], State::Waiting)
                            && upstream[i].is_none_or(|u| matches!(b.states[u], State::Done(_)))
                    });
                    if let Some(i) = ready {
                        b.states[i] = State::Running;
                        let up = upstream[i].and_then(|u| match &b.states[u] {
                            State::Done(d) => Some(d.clone()),
                            _ => None,
                        });
                        break (i, up);
                    }
                    if b.states.iter().all(|s| matches!(s, State::Done(_))) {
                        return;
                    }
                    b = match self.wake.wait(b) {
                        Ok(b) => b,
                        Err(_) => return,
                    };
                }
            };
            let result = renderer.shot(index, up.as_ref());
            let Ok(mut b) = self.board.lock() else { return };
            match result {
                Ok(done) => b.states[index] = State::Done(done),
                Err(e) => {
                    if b.error.is_none() {
                        b.error = Some(e);
                    }
                }
            }
            self.wake.notify_all();
        }
    }

    /// The error that stopped the render threads, if any (taken: a render that reports it
    /// goes no further).
    fn take_error(&self) -> Option<RenderError> {
        self.board.lock().ok()?.error.take()
    }

    /// Block until shot `index` is done. An error here only says that rendering stopped; the
    /// reason comes from [`ShotBoard::into_results`].
    fn wait(&self, index: usize) -> Result<ShotDone, RenderError> {
        let stopped = || RenderError::Schedule("rendering the shots stopped".into());
        let mut b = self.board.lock().map_err(|_| stopped())?;
        loop {
            if let Some(State::Done(d)) = b.states.get(index) {
                return Ok(d.clone());
            }
            if b.error.is_some() || b.stopped {
                return Err(stopped());
            }
            b = self.wake.wait(b).map_err(|_| stopped())?;
        }
    }

    /// Whether a shot failed (or the render was interrupted).
    fn failed(&self) -> bool {
        self.board.lock().map_or(true, |b| b.error.is_some())
    }

    /// Tell the render threads to take no more shots (the film's assembly failed).
    fn stop(&self) {
        if let Ok(mut b) = self.board.lock() {
            b.stopped = true;
        }
        self.wake.notify_all();
    }

    fn into_results(self, cancel: &AtomicBool) -> Result<Vec<ShotDone>, RenderError> {
        let board = self
            .board
            .into_inner()
            .map_err(|_| RenderError::Schedule("a render thread panicked".into()))?;
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        if let Some(e) = board.error {
            return Err(e);
        }
        board
            .states
            .into_iter()
            .map(|s| match s {
                State::Done(d) => Ok(d),
                _ => Err(RenderError::Schedule("a shot was never rendered".into())),
            })
            .collect()
    }
}

/// Frames that may wait between a shot's backend and its encoder.
const FRAME_QUEUE: usize = 3;

/// Shots read back from the cache, one at a time, for the compositor.
struct CachedShots<'a> {
    film: &'a FilmSchedule,
    cache: &'a dyn ShotStore,
    board: &'a ShotBoard,
}

impl CachedShots<'_> {
    /// Shot `index`'s entry, once it is rendered.
    fn entry(&self, index: usize) -> Result<CacheEntry, RenderError> {
        let done = self.board.wait(index)?;
        self.cache.get(&done.key).ok_or_else(|| {
            RenderError::Schedule(format!(
                "the cached frames of shot `{}` vanished during the render",
                self.film.shots[index].name
            ))
        })
    }
}

impl ShotSource for CachedShots<'_> {
    fn open(&self, index: usize) -> Result<Box<dyn ShotFrames + '_>, RenderError> {
        Ok(Box::new(self.entry(index)?.reader()))
    }
}

pub fn render_film(
    film: &FilmSchedule,
    backend: &dyn Backend,
    opts: &RenderOptions<'_>,
) -> Result<RenderReport, RenderError> {
    let upstream = validate(film)?;
    let (srt_path, vtt_path, provenance_path) = sidecar_paths(opts.output);
    // Reserve every output first: an unwritable destination fails before any work.
    let mp4 = StagedFile::new(opts.output)?;
    let srt = StagedFile::new(&srt_path)?;
    let vtt = StagedFile::new(&vtt_path)?;
    let provenance_file = StagedFile::new(&provenance_path)?;
    // Decoding the sound first makes a missing asset fail fast too.
    let mut mix = AudioMix::new(film, opts.project_root, opts.voices)?;

    let identity = backend.identity();
    let shot_opts = ShotRenderOptions {
        project_root: opts.project_root,
        store: opts.store,
        jobs: opts.jobs,
        progress: opts.progress,
        cancel: opts.cancel,
        encode: &opts.encode,
    };
    let renderer = Renderer::new(film, backend, &shot_opts)?;
    let video = renderer.video.clone();

    let cues = subtitles::cues(film);
    let mut metadata = opts.metadata.clone();
    let film_hash = schedule_sha256(film)?;
    if metadata.schedule_sha256.is_empty() {
        metadata.schedule_sha256 = film_hash.clone();
    }
    if metadata.backend.is_empty() {
        metadata.backend = identity.name.clone();
    }
    if metadata.tool.is_empty() {
        metadata.tool = concat!("scenec ", env!("CARGO_PKG_VERSION")).to_string();
    }
    if metadata.title.is_empty() {
        metadata.title = film.title.clone();
    }

    // The shots render on `jobs` threads while this one assembles the film from them as
    // they finish: the transitions of early shots are encoded while later shots render.
    let board = ShotBoard::new(film.shots.len());
    let source = CachedShots {
        film,
        cache: opts.store,
        board: &board,
    };
    let extradata = renderer.extradata.clone();
    let pieces = assemble::plan(film, &video);
    if backend.generates_sound() {
        // The film's sound needs every shot's generated sound before the soundtrack streams
        // (it is mastered as a whole), so these shots render first; the assembly
        // below then finds them all done.
        std::thread::scope(|scope| {
            for _ in 0..renderer.jobs() {
                scope.spawn(|| board.work(&renderer, &upstream));
            }
        });
        if let Some(e) = board.take_error() {
            return Err(e);
        }
        if opts.cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        let mut sounds = Vec::with_capacity(film.shots.len());
        for index in 0..film.shots.len() {
            let done = board.wait(index)?;
            let sound = opts.store.get_sound(&done.key).ok_or_else(|| {
                RenderError::Schedule(format!(
                    "the generated sound of shot `{}` vanished during the render",
                    film.shots[index].name
                ))
            })?;
            sounds.push(sound);
        }
        mix = mix.with_shot_sounds(film, sounds)?;
    }
    let transitions = TransitionEncoder::new(film, &video, &pieces, &source, opts.cancel);
    let assembled = std::thread::scope(|scope| {
        for _ in 0..renderer.jobs() {
            scope.spawn(|| board.work(&renderer, &upstream));
        }
        // As many transition encoders as render threads: they mostly wait for shots, and run
        // while the last shots render and after.
        for _ in 0..opts.jobs.max(1) {
            scope.spawn(|| transitions.work());
        }
        let load = |index: usize| source.entry(index);
        let mut packets = Assembled::new(film, &video, &extradata, &load, pieces, &transitions);
        let stats = mux_mp4(
            &mp4,
            film,
            &VideoStream {
                params: &video,
                extradata: &extradata,
            },
            &mut packets,
            &mix,
            &subtitles::text_samples(&cues),
            &metadata,
            opts.cancel,
            &mut |done, total| opts.progress.encoding(done, total),
        );
        if stats.is_err() {
            board.stop();
            transitions.stop();
        }
        stats
    });
    // A shot's failure (or an interrupt) explains the assembly's; otherwise the assembly's
    // own error, which stopped the shots.
    let shots_failed = board.failed();
    let (done, stats) = match (board.into_results(opts.cancel), assembled) {
        (Ok(done), Ok(stats)) => (done, stats),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(shot_error), Err(assembly_error)) => {
            return Err(if shots_failed || opts.cancel.load(Ordering::Relaxed) {
                shot_error
            } else {
                assembly_error
            })
        }
    };

    let mut shots = Vec::with_capacity(film.shots.len());
    for (i, (shot, d)) in film.shots.iter().zip(&done).enumerate() {
        shots.push(ShotProvenance {
            name: shot.name.clone(),
            schedule_sha256: shot_schedule_sha256(shot)?,
            cache_key: d.key.hex(),
            seed: shot.seed,
            inputs: d.images.clone(),
            continues: upstream[i].map(|u| ContinuedFrom {
                shot: film.shots[u].name.clone(),
                last_frame_sha256: done[u].last_frame_sha256.clone(),
            }),
            video_sha256: d.video_sha256.clone(),
            last_frame_sha256: d.last_frame_sha256.clone(),
        });
    }
    let provenance = Provenance {
        provenance_version: PROVENANCE_VERSION,
        tool: metadata.tool.clone(),
        title: film.title.clone(),
        script_sha256: metadata.script_sha256.clone(),
        schedule_sha256: film_hash,
        schedule_version: film.version,
        fps: film.fps,
        width: film.width,
        height: film.height,
        frames: film.frames.0,
        backend: identity,
        shots,
        audio: mix
            .inputs()
            .iter()
            .map(|i| InputFile {
                role: "audio".into(),
                path: i.asset.clone(),
                sha256: i.sha256.clone(),
            })
            .collect(),
        audio_headroom_gain: mix.headroom_gain(),
    };
    srt.write_all(subtitles::to_srt(&cues).as_bytes())?;
    vtt.write_all(subtitles::to_vtt(&cues).as_bytes())?;
    provenance_file.write_all(provenance.to_json()?.as_bytes())?;
    if opts.cancel.load(Ordering::Relaxed) {
        return Err(RenderError::Interrupted);
    }
    // Every output reaches the disk before any is renamed into place, the MP4 last. The four
    // flushes run side by side: one after another they added about 12 ms to the end of every
    // render (BENCHMARKS.md, issue 12's second pass).
    std::thread::scope(|scope| {
        let flushes: Vec<_> = [&srt, &vtt, &provenance_file, &mp4]
            .map(|file| scope.spawn(move || file.sync()))
            .into_iter()
            .collect();
        flushes.into_iter().try_for_each(|flush| {
            flush
                .join()
                .map_err(|_| RenderError::Encode("flushing an output panicked".into()))?
        })
    })?;
    let srt = srt.rename_synced()?;
    let vtt = vtt.rename_synced()?;
    let provenance_path = provenance_file.rename_synced()?;
    let output = mp4.rename_synced()?;

    let (mut rendered, mut reused) = (Vec::new(), Vec::new());
    for (shot, d) in film.shots.iter().zip(&done) {
        if d.reused { &mut reused } else { &mut rendered }.push(shot.name.clone());
    }
    Ok(RenderReport {
        rendered,
        reused,
        output,
        srt,
        vtt,
        provenance: provenance_path,
        frames: stats.video_frames as u32,
        audio_samples: stats.audio_samples,
        audio_headroom_gain: mix.headroom_gain(),
    })
}
