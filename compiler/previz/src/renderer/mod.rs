//! The previz backend: a deterministic software renderer that shows what a shot's schedule says.
//!
//! Each frame is a pure function of the film's size and fps, the shot's schedule and the frame
//! index (plus the image keyframes it names), drawn in layers:
//!
//! 1. [`ground`]: sky gradient by time of day and the ground plane with a road and a metre grid,
//!    per pixel, through the pinhole camera of [`projection`] (the camera model, axes and field of
//!    view are documented there);
//! 2. [`sky`]: sun, moon and stars; [`set`]: buildings, lamps and props (or trees) laid out from
//!    the location's name, in perspective, so pans, tilts, dollies, trucks, cranes, orbits, zooms
//!    and handheld shake all show as motion;
//!    An [`interior`] replaces these two with a room: floor, walls, ceiling and windows;
//! 3. [`figures`]: each character as a head-and-body figure in its colour filling its box, each
//!    prop as a block of its real size, both lit by the shot's key [`light`], whose colour then
//!    tints the frame;
//!    in a shot with a focus distance, [`focus`] blurs the background and each figure by its
//!    distance from the focal plane;
//! 4. [`weather`]: rain streaks or snow seeded by the shot's seed and the frame, falling at the
//!    shot's `speed` (slow motion slows them), and not indoors (fog is depth based, in every
//!    layer);
//! 5. [`grade`]: the look's colour grade and a light vignette;
//! 6. [`overlay`] and name tags: caption, slate, subtitles, titles and image-keyframe insets, in
//!    the embedded font of [`text`].
//!
//! Output is byte-identical across runs, machines and thread counts: all maths is plain f32/f64
//! arithmetic (no fused or fast-math operations; trigonometry from the pure-Rust `libm`), randomness
//! comes from names and seeds ([`rng`]), and frames are rendered independently, so rendering them
//! on several threads cannot change a pixel.

pub mod cmap;
pub mod facing;
pub mod figures;
pub mod focus;
pub mod grade;
pub mod ground;
pub mod inset;
pub mod interior;
pub mod light;
pub mod overlay;
pub mod projection;
pub mod raster;
pub mod rng;
pub mod set;
pub mod sky;
pub mod text;
pub mod weather;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use scene_plan::schedule::{CameraFrame, FilmSchedule, ShotSchedule};

use crate::backend::{Backend, BackendIdentity, FrameSink, Progress, ShotInputs};
use crate::error::RenderError;
use crate::frame::RgbFrame;

/// Bump whenever any frame's pixels change: it is part of every previz cache key and golden.
pub const PREVIZ_RENDERER_VERSION: u32 = 3;

/// The camera used when a schedule has no camera track: eye height, looking along +z, 35 mm.
const DEFAULT_CAMERA: CameraFrame = CameraFrame {
    position: [0.0, 1.6, 0.0],
    yaw: 0.0,
    pitch: 0.0,
    roll: 0.0,
    focal_mm: 35.0,
    focus_m: None,
};

/// The previz backend.
#[derive(Clone, Debug)]
pub struct Previz {
    threads: usize,
}

impl Default for Previz {
    fn default() -> Self {
        Previz::new()
    }
}

impl Previz {
    /// Renders on as many threads as the machine has cores.
    pub fn new() -> Previz {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Previz { threads }
    }

    /// Renders on `threads` threads (at least one). The frames do not depend on it.
    pub fn with_threads(threads: usize) -> Previz {
        Previz {
            threads: threads.max(1),
        }
    }

    /// Renders only the listed frames of a shot (indices past the end render the last frame's
    /// camera and boxes), in the order given. Used by storyboards.
    pub fn render_frames(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        frames: &[u32],
    ) -> Result<Vec<RgbFrame>, RenderError> {
        let prepared = Prepared::new(film, shot, inputs.project_root)?;
        let mut out = Vec::with_capacity(frames.len());
        let never = AtomicBool::new(false);
        self.run(&prepared, frames, &mut |_, _| {}, &never, &mut |f| {
            out.push(f);
            Ok(())
        })?;
        Ok(out)
    }

    /// Render `frames` on up to `threads` threads and hand them to `out` in order, each as
    /// soon as it and every frame before it are done.
    fn run(
        &self,
        prepared: &Prepared<'_>,
        frames: &[u32],
        progress: Progress<'_>,
        cancel: &AtomicBool,
        out: FrameSink<'_>,
    ) -> Result<(), RenderError> {
        let total = frames.len();
        let threads = self.threads.min(total).max(1);
        if threads == 1 {
            let mut text = text::Text::new()?;
            let mut memo = grade::GradeMemo::new();
            for (done, &f) in frames.iter().enumerate() {
                if cancel.load(Ordering::Relaxed) {
                    return Err(RenderError::Interrupted);
                }
                out(prepared.render(f, &mut text, &mut memo))?;
                progress(done as u64 + 1, total as u64);
            }
            return Ok(());
        }
        let next = AtomicUsize::new(0);
        // Stops the workers when the consumer fails.
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| -> Result<(), RenderError> {
            // Bounded: when the consumer (the encoder) is slower, the workers wait instead of
            // piling frames up in memory.
            let (tx, rx) =
                mpsc::sync_channel::<Result<(usize, RgbFrame), RenderError>>(threads * 2);
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, stop) = (&next, &stop);
                scope.spawn(move || {
                    let mut memo = grade::GradeMemo::new();
                    let mut text = match text::Text::new() {
                        Ok(t) => t,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    };
                    loop {
                        if cancel.load(Ordering::Relaxed) {
                            let _ = tx.send(Err(RenderError::Interrupted));
                            break;
                        }
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&f) = frames.get(i) else { break };
                        if tx
                            .send(Ok((i, prepared.render(f, &mut text, &mut memo))))
                            .is_err()
                        {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut waiting = std::collections::BTreeMap::new();
            let mut emitted = 0usize;
            let result = (|| -> Result<(), RenderError> {
                for msg in &rx {
                    let (i, frame) = msg?;
                    waiting.insert(i, frame);
                    while let Some(frame) = waiting.remove(&emitted) {
                        out(frame)?;
                        emitted += 1;
                        progress(emitted as u64, total as u64);
                    }
                }
                Ok(())
            })();
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
                // Unblock workers waiting on a full queue.
                for _ in rx.iter() {}
            }
            result?;
            if emitted != total {
                return Err(RenderError::Backend {
                    backend: "previz".into(),
                    shot: prepared.shot.name.clone(),
                    message: format!("frame {} was not rendered", frames[emitted]),
                });
            }
            Ok(())
        })
    }
}

impl Backend for Previz {
    fn identity(&self) -> BackendIdentity {
        BackendIdentity {
            name: "previz".into(),
            weights_fingerprint: String::new(),
            settings: format!("renderer={PREVIZ_RENDERER_VERSION};font=dejavu-2.37"),
        }
    }

    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        self.render_shot_cancellable(film, shot, inputs, progress, &AtomicBool::new(false))
    }

    /// Checks `cancel` before every frame, on every thread.
    fn render_shot_cancellable(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        let prepared = Prepared::new(film, shot, inputs.project_root)?;
        let frames: Vec<u32> = (0..shot.frames.0).collect();
        let mut out = Vec::with_capacity(frames.len());
        self.run(&prepared, &frames, progress, cancel, &mut |f| {
            out.push(f);
            Ok(())
        })?;
        Ok(out)
    }

    /// Frames go to `sink` as they are done, so the encoder works beside the renderer and
    /// only a few frames are held at a time.
    fn render_shot_streaming(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        sink: FrameSink<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        let prepared = Prepared::new(film, shot, inputs.project_root)?;
        let frames: Vec<u32> = (0..shot.frames.0).collect();
        self.run(&prepared, &frames, progress, cancel, sink)
    }
}

/// Everything about a shot that does not change from frame to frame.
struct Prepared<'a> {
    film: &'a FilmSchedule,
    shot: &'a ShotSchedule,
    palette: sky::Palette,
    set: set::Set,
    stars: Vec<(projection::Vec3, f32)>,
    grade: grade::Grade,
    vignette: grade::Vignette,
    insets: Vec<inset::Inset>,
    /// The shot's key light, when it has one that is on.
    key: Option<light::Key>,
    /// An interior: a room instead of sky, ground and set, and no falling weather.
    interior: bool,
    /// The environment (ground, sky, set) last drawn for a camera that holds still into the
    /// next frame: those layers depend on the camera alone, so a locked-off shot draws them
    /// once and copies them after.
    background: Mutex<Option<(CameraFrame, Arc<Vec<u8>>)>>,
}

/// Largest frame side the previz renders (the checker limits sizes to 4096).
const MAX_SIDE: u32 = 8192;

impl<'a> Prepared<'a> {
    fn new(
        film: &'a FilmSchedule,
        shot: &'a ShotSchedule,
        root: &Path,
    ) -> Result<Prepared<'a>, RenderError> {
        if film.width == 0 || film.height == 0 || film.width > MAX_SIDE || film.height > MAX_SIDE {
            return Err(RenderError::Backend {
                backend: "previz".into(),
                shot: shot.name.clone(),
                message: format!("unsupported frame size {}x{}", film.width, film.height),
            });
        }
        // Fail before any frame if the font is unusable.
        text::fonts()?;
        let setting = &shot.setting;
        let palette = sky::Palette::new(
            sky::TimeOfDay::parse(&setting.time),
            sky::Weather::parse(&setting.weather),
        );
        Ok(Prepared {
            film,
            shot,
            palette,
            set: set::Set::build(&setting.location, &setting.description),
            stars: sky::stars(rng::hash_name(&setting.location)),
            grade: grade::Grade::named(&shot.look.grade),
            vignette: grade::Vignette::new(film.width, film.height, 0.35),
            insets: inset::load(shot, root, film.fps, film.width)?,
            key: light::Key::of(shot),
            interior: setting.interior,
            background: Mutex::new(None),
        })
    }

    /// Ground, sky and set for `cam`, from the cache when the camera has not moved.
    fn environment(
        &self,
        frame: &mut RgbFrame,
        cam: &CameraFrame,
        view: &projection::View,
        f: u32,
    ) {
        let cached = self.background.lock().ok().and_then(|b| {
            b.as_ref()
                .filter(|(c, _)| c == cam)
                .map(|(_, pixels)| pixels.clone())
        });
        if let Some(pixels) = cached {
            frame.data.copy_from_slice(&pixels);
            return;
        }
        if self.interior {
            interior::draw(frame, view, &self.palette, self.key.as_ref());
        } else {
            ground::draw(frame, view, &self.palette);
            sky::draw_celestial(frame, view, &self.palette, &self.stars);
            self.set.draw(frame, view, &self.palette);
        }
        // Keep a copy only when the next frame will use it: a moving camera pays nothing.
        if f + 1 < self.shot.frames.0 && self.camera(f + 1) == *cam {
            if let Ok(mut b) = self.background.lock() {
                *b = Some((*cam, Arc::new(frame.data.clone())));
            }
        }
    }

    fn camera(&self, f: u32) -> CameraFrame {
        let track = &self.shot.camera;
        track
            .get(f as usize)
            .or_else(|| track.last())
            .copied()
            .unwrap_or(DEFAULT_CAMERA)
    }

    fn render(&self, f: u32, text: &mut text::Text, memo: &mut grade::GradeMemo) -> RgbFrame {
        let (w, h) = (self.film.width, self.film.height);
        let cam = self.camera(f);
        let view = projection::View::new(&cam, w, h);
        // The room of an interior covers every pixel, as does a copied background; the open
        // air's layers are drawn over black.
        let mut frame = if self.interior {
            RgbFrame::overwritten(w, h)
        } else {
            RgbFrame::new(w, h)
        };
        self.environment(&mut frame, &cam, &view, f);
        let lens = focus::Lens::of(&cam, self.shot.depth, view.focal_px, h);
        if let Some(lens) = &lens {
            focus::background(&mut frame, lens);
        }
        let figures = figures::place(&self.shot.subjects, f as usize, w as f32, h as f32);
        figures::draw_figures(
            &mut frame,
            &figures,
            &self.palette,
            view.focal_px,
            self.key.as_ref(),
        );
        if let Some(lens) = &lens {
            focus::figures(&mut frame, &figures, lens);
        }
        if let Some(key) = &self.key {
            light::tint(&mut frame, key);
        }
        if !self.interior {
            let speed = self.shot.speed as f32;
            weather::draw(
                &mut frame,
                &self.palette,
                self.shot.seed,
                f,
                self.film.fps,
                speed,
            );
        }
        self.grade.apply(&mut frame, &self.vignette, memo);
        let top = overlay::caption(&mut frame, text, self.shot, f);
        figures::draw_tags(&mut frame, text, &figures, top);
        overlay::slate(&mut frame, text, self.shot, f, cam.focal_mm, top);
        overlay::inset(&mut frame, text, &self.insets, f, top);
        overlay::titles(&mut frame, text, self.shot, f, self.film.fps);
        overlay::subtitles(&mut frame, text, self.shot, f);
        frame
    }
}

/// The schedules the integration tests and the bench build, shared with the unit tests.
#[cfg(test)]
#[path = "../../tests/previz_common/mod.rs"]
mod test_schedules;

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::test_schedules as common;
    use super::Previz;
    use crate::backend::{Backend, ShotInputs};
    use crate::error::RenderError;

    /// A flag set while a long shot renders stops it within a frame per thread, with
    /// `Interrupted`, instead of rendering the remaining frames.
    fn stops_between_frames(threads: usize) {
        let film = common::film(vec![common::opening(240)]);
        let inputs = ShotInputs {
            project_root: Path::new("."),
            continued_frame: None,
        };
        let cancel = AtomicBool::new(false);
        let mut seen = 0;
        let result = Previz::with_threads(threads).render_shot_cancellable(
            &film,
            &film.shots[0],
            &inputs,
            &mut |done, _| {
                seen = done;
                if done == 3 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        );
        assert!(
            matches!(result, Err(RenderError::Interrupted)),
            "{result:?}"
        );
        // Frames already started on other threads may still finish, but no new one starts.
        assert!(
            seen >= 3 && seen < 3 + threads as u64 * 2,
            "{seen} frames rendered"
        );
    }

    #[test]
    fn cancel_stops_a_shot_on_one_thread() {
        stops_between_frames(1);
    }

    #[test]
    fn cancel_stops_a_shot_on_several_threads() {
        stops_between_frames(3);
    }

    #[test]
    fn an_unset_flag_renders_every_frame() {
        let film = common::film(vec![common::opening(5)]);
        let inputs = ShotInputs {
            project_root: Path::new("."),
            continued_frame: None,
        };
        let frames = Previz::with_threads(2)
            .render_shot_cancellable(
                &film,
                &film.shots[0],
                &inputs,
                &mut |_, _| {},
                &AtomicBool::new(false),
            )
            .unwrap();
        let plain = Previz::with_threads(1)
            .render_shot(&film, &film.shots[0], &inputs, &mut |_, _| {})
            .unwrap();
        assert_eq!(frames, plain);
    }
}
