//! Every transition's frames at their exact positions, pixel by pixel.

#[path = "encode_support/mod.rs"]
mod support;

use std::cell::Cell;
use std::rc::Rc;

use scene_plan::schedule::TransitionKind as K;
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use scene_render::compositor::{Compositor, MemoryShots, ShotFrames, ShotSource};
use support::*;

const W: u32 = 10;
const H: u32 = 4;

const A: [u8; 3] = [200, 0, 0];
const B: [u8; 3] = [0, 200, 0];
const C: [u8; 3] = [0, 0, 200];
const D: [u8; 3] = [100, 100, 100];
const E: [u8; 3] = [250, 250, 0];
const F: [u8; 3] = [0, 250, 250];

/// a (10, first) · dissolve 4 · b (10) · wipe left 4 · c (8) · wipe right 2 · d (8) · fade 4 ·
/// e (10) · cut · f (6) · fade to black 3.
fn sample_film() -> (scene_plan::schedule::FilmSchedule, MemoryShots) {
    let mut shots = vec![
        shot("a", 10, transition(K::Cut, 0)),
        shot("b", 10, transition(K::Dissolve, 4)),
        shot("c", 8, transition(K::WipeLeft, 4)),
        shot("d", 8, transition(K::WipeRight, 2)),
        shot("e", 10, transition(K::Fade, 4)),
        shot("f", 6, transition(K::Cut, 0)),
    ];
    shots[5].transition_out = Some(transition(K::FadeToBlack, 3));
    let film = film(W, H, 24, shots);
    let colours = [A, B, C, D, E, F];
    let frames = film
        .shots
        .iter()
        .zip(colours)
        .map(|(s, c)| (0..s.frames.0).map(|_| RgbFrame::filled(W, H, c)).collect())
        .collect();
    (film, MemoryShots(frames))
}

fn composite(film: &scene_plan::schedule::FilmSchedule, shots: &MemoryShots) -> Vec<RgbFrame> {
    Compositor::new(film, shots)
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

fn uniform(frame: &RgbFrame) -> [u8; 3] {
    let p = frame.pixel(0, 0);
    for y in 0..frame.height {
        for x in 0..frame.width {
            assert_eq!(frame.pixel(x, y), p, "frame not uniform at {x},{y}");
        }
    }
    p
}

/// Columns of a wiped frame: each column uniform; returns the colour of every column.
fn columns(frame: &RgbFrame) -> Vec<[u8; 3]> {
    (0..frame.width)
        .map(|x| {
            let p = frame.pixel(x, 0);
            for y in 0..frame.height {
                assert_eq!(frame.pixel(x, y), p);
            }
            p
        })
        .collect()
}

#[test]
fn start_frames_follow_the_transitions() {
    let (film, _) = sample_film();
    let starts: Vec<u32> = film.shots.iter().map(|s| s.start_frame.0).collect();
    assert_eq!(starts, vec![0, 6, 12, 18, 26, 36]);
    assert_eq!(film.frames.0, 42);
}

#[test]
fn exactly_the_films_frame_count() {
    let (film, shots) = sample_film();
    assert_eq!(composite(&film, &shots).len(), 42);
}

#[test]
fn cut_shows_the_shots_unchanged() {
    let (film, shots) = sample_film();
    let out = composite(&film, &shots);
    for (f, frame) in out.iter().enumerate().take(6) {
        assert_eq!(uniform(frame), A, "frame {f}");
    }
    for (f, frame) in out.iter().enumerate().take(12).skip(10) {
        assert_eq!(uniform(frame), B, "frame {f}");
    }
    // e -> f is a cut: frame 35 is e's last, 36 f's first.
    assert_eq!(uniform(&out[35]), E);
    assert_eq!(uniform(&out[36]), F);
}

#[test]
fn dissolve_mixes_over_exactly_its_frames() {
    let (film, shots) = sample_film();
    let out = composite(&film, &shots);
    assert_eq!(uniform(&out[5]), A);
    // Overlap frames 6..10, b's weight (j+1)/5: (200*(5-w) + 2) / 5 and (200*w + 2) / 5.
    assert_eq!(uniform(&out[6]), [160, 40, 0]);
    assert_eq!(uniform(&out[7]), [120, 80, 0]);
    assert_eq!(uniform(&out[8]), [80, 120, 0]);
    assert_eq!(uniform(&out[9]), [40, 160, 0]);
    assert_eq!(uniform(&out[10]), B);
}

#[test]
fn wipe_left_enters_from_the_right() {
    let (film, shots) = sample_film();
    let out = composite(&film, &shots);
    // c starts at 12 over b; covers round(10*(j+1)/5) columns from the right: 2, 4, 6, 8.
    for (j, cols) in [2usize, 4, 6, 8].into_iter().enumerate() {
        let got = columns(&out[12 + j]);
        for (x, p) in got.iter().enumerate() {
            let want = if x >= 10 - cols { C } else { B };
            assert_eq!(*p, want, "frame {} column {x}", 12 + j);
        }
    }
    assert_eq!(uniform(&out[16]), C);
}

#[test]
fn wipe_right_enters_from_the_left() {
    let (film, shots) = sample_film();
    let out = composite(&film, &shots);
    // d starts at 18 over c; covers round(10*(j+1)/3) columns from the left: 3, 7.
    for (j, cols) in [3usize, 7].into_iter().enumerate() {
        let got = columns(&out[18 + j]);
        for (x, p) in got.iter().enumerate() {
            let want = if x < cols { D } else { C };
            assert_eq!(*p, want, "frame {} column {x}", 18 + j);
        }
    }
    assert_eq!(uniform(&out[17]), C);
    assert_eq!(uniform(&out[20]), D);
}

#[test]
fn fade_goes_through_black_without_overlap() {
    let (film, shots) = sample_film();
    let out = composite(&film, &shots);
    // fade 4: d (frames 18..26) fades out over its last 2, e (26..36) in over its first 2.
    assert_eq!(uniform(&out[23]), D);
    assert_eq!(uniform(&out[24]), [50, 50, 50]);
    assert_eq!(uniform(&out[25]), [0, 0, 0]);
    assert_eq!(uniform(&out[26]), [125, 125, 0]);
    assert_eq!(uniform(&out[27]), E);
}

#[test]
fn odd_fade_gives_the_longer_half_to_the_fade_in() {
    let shots = vec![
        shot("a", 6, transition(K::Cut, 0)),
        shot("b", 6, transition(K::Fade, 5)),
    ];
    let film = film(W, H, 24, shots);
    let mem = MemoryShots(vec![
        (0..6)
            .map(|_| RgbFrame::filled(W, H, [240, 240, 240]))
            .collect(),
        (0..6)
            .map(|_| RgbFrame::filled(W, H, [90, 90, 90]))
            .collect(),
    ]);
    let out = composite(&film, &mem);
    assert_eq!(out.len(), 12);
    // Out over 5/2 = 2 frames: 1/2, 0. In over 3 frames: 1/3, 2/3, 1.
    assert_eq!(uniform(&out[3]), [240; 3]);
    assert_eq!(uniform(&out[4]), [120; 3]);
    assert_eq!(uniform(&out[5]), [0; 3]);
    assert_eq!(uniform(&out[6]), [30; 3]);
    assert_eq!(uniform(&out[7]), [60; 3]);
    assert_eq!(uniform(&out[8]), [90; 3]);
}

#[test]
fn fade_to_black_ends_the_film_black() {
    let (film, shots) = sample_film();
    let out = composite(&film, &shots);
    // f is 36..42; fade to black 3 over 39, 40, 41: 2/3, 1/3, 0.
    assert_eq!(uniform(&out[38]), F);
    assert_eq!(uniform(&out[39]), [0, 167, 167]);
    assert_eq!(uniform(&out[40]), [0, 83, 83]);
    assert_eq!(uniform(&out[41]), [0, 0, 0]);
}

/// Counts how many shots are open at once.
struct Counting {
    inner: MemoryShots,
    open: Rc<Cell<usize>>,
    max_open: Rc<Cell<usize>>,
}

struct CountingFrames<'a> {
    inner: Box<dyn ShotFrames + 'a>,
    open: Rc<Cell<usize>>,
}

impl ShotFrames for CountingFrames<'_> {
    fn next_frame(&mut self) -> Result<RgbFrame, RenderError> {
        self.inner.next_frame()
    }
}

impl Drop for CountingFrames<'_> {
    fn drop(&mut self) {
        self.open.set(self.open.get() - 1);
    }
}

impl ShotSource for Counting {
    fn open(&self, index: usize) -> Result<Box<dyn ShotFrames + '_>, RenderError> {
        self.open.set(self.open.get() + 1);
        self.max_open.set(self.max_open.get().max(self.open.get()));
        Ok(Box::new(CountingFrames {
            inner: self.inner.open(index)?,
            open: self.open.clone(),
        }))
    }
}

#[test]
fn streams_holding_only_the_shots_on_screen() {
    let (film, shots) = sample_film();
    let source = Counting {
        inner: shots,
        open: Rc::default(),
        max_open: Rc::default(),
    };
    let mut n = 0;
    for frame in Compositor::new(&film, &source) {
        frame.unwrap();
        n += 1;
        assert!(
            source.open.get() <= 2,
            "more than two shots open at frame {n}"
        );
    }
    assert_eq!(n, 42);
    assert_eq!(source.max_open.get(), 2);
}

#[test]
fn a_shot_with_too_few_frames_is_an_error() {
    let (film, mut shots) = sample_film();
    shots.0[2].truncate(3);
    let result: Result<Vec<_>, _> = Compositor::new(&film, &shots).collect();
    assert!(matches!(result, Err(RenderError::Schedule(_))));
}
