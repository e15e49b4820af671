//! The compositor: the film's frames, in order, from its shots' frames and the transitions
//! between them.
//!
//! It streams. A shot is opened when the film reaches its `start_frame` and dropped after its
//! last frame, so at any moment only the shots on screen (two during a dissolve or wipe) are
//! held, one frame each.
//!
//! Exact arithmetic, so that tests (and goldens) can predict every pixel:
//! - dissolve D, overlap frame `j` (0-based, counted in the incoming shot): the incoming shot
//!   weighs `(j+1)/(D+1)`, the outgoing one the rest; `(a*(W-w) + b*w + W/2) / W` in integers.
//! - wipe D: the incoming shot covers `round(width*(j+1)/(D+1))` columns; `wipe_left` moves the
//!   edge from the right border leftwards (the new shot enters from the right), `wipe_right` from
//!   the left border rightwards.
//! - fade out over `m` frames, fade frame `j`: brightness `(m-1-j)/m`, so the last frame is black;
//!   fade in over `n` frames: brightness `(j+1)/n`, so the first frame after the fade is full.
//!   A `fade D` between shots fades the previous out over `D/2` and the next in over `D - D/2`.
//! - `transition_out` fade to black D: fade out over the shot's last D frames.

use scene_plan::schedule::{FilmSchedule, ShotSchedule, TransitionKind};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;

/// The frames of one shot, read in order.
pub trait ShotFrames {
    fn next_frame(&mut self) -> Result<RgbFrame, RenderError>;

    /// Pass over `n` frames. Sources that can seek (decoded video) override it.
    fn skip(&mut self, n: u32) -> Result<(), RenderError> {
        for _ in 0..n {
            self.next_frame()?;
        }
        Ok(())
    }
}

/// Where the compositor gets each shot's frames. `open` is called once per shot, when the film
/// reaches it.
pub trait ShotSource {
    fn open(&self, shot_index: usize) -> Result<Box<dyn ShotFrames + '_>, RenderError>;
}

/// Shots held in memory: for tests and short previews.
pub struct MemoryShots(pub Vec<Vec<RgbFrame>>);

struct MemoryFrames<'a> {
    frames: std::slice::Iter<'a, RgbFrame>,
    shot: usize,
}

impl ShotFrames for MemoryFrames<'_> {
    fn next_frame(&mut self) -> Result<RgbFrame, RenderError> {
        self.frames.next().cloned().ok_or_else(|| {
            RenderError::Schedule(format!(
                "shot #{} has fewer frames than its schedule",
                self.shot
            ))
        })
    }
}

impl ShotSource for MemoryShots {
    fn open(&self, shot_index: usize) -> Result<Box<dyn ShotFrames + '_>, RenderError> {
        let frames = self
            .0
            .get(shot_index)
            .ok_or_else(|| RenderError::Schedule(format!("no frames for shot #{shot_index}")))?;
        Ok(Box::new(MemoryFrames {
            frames: frames.iter(),
            shot: shot_index,
        }))
    }
}

/// How one shot's own brightness changes at its ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Fades {
    fade_in: u32,
    fade_out: u32,
}

/// How the incoming shot is laid over the previous one while they overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Overlap {
    None,
    Dissolve(u32),
    WipeLeft(u32),
    WipeRight(u32),
}

/// Whether and by how much a shot overlaps the previous one is the film's rule
/// ([`scene_plan::schedule::Transition::overlap_frames`], decided once on the transition kind,
/// the rule the planner's timing places shots by); the compositor only picks how to draw it.
fn overlap_of(shot: &ShotSchedule) -> Overlap {
    let join = shot.transition_in;
    let d = join.overlap_frames();
    if d == 0 {
        return Overlap::None;
    }
    match join.kind {
        TransitionKind::WipeLeft => Overlap::WipeLeft(d),
        TransitionKind::WipeRight => Overlap::WipeRight(d),
        // Every other join the rule lets overlap blends the two shots.
        _ => Overlap::Dissolve(d),
    }
}

fn fades_of(film: &FilmSchedule) -> Vec<Fades> {
    let shots = &film.shots;
    let mut fades = vec![Fades::default(); shots.len()];
    for (i, shot) in shots.iter().enumerate() {
        // A fade through black splits its length by the film's rule (0 and 0 for other joins).
        let t = shot.transition_in;
        fades[i].fade_in = t.fade_in_frames();
        if i > 0 {
            fades[i - 1].fade_out = fades[i - 1].fade_out.max(t.fade_out_frames());
        }
        if let Some(out) = shot.transition_out {
            if matches!(out.kind, TransitionKind::FadeToBlack | TransitionKind::Fade) {
                fades[i].fade_out = fades[i].fade_out.max(out.frames.0);
            }
        }
    }
    for (f, shot) in fades.iter_mut().zip(shots) {
        f.fade_in = f.fade_in.min(shot.frames.0);
        f.fade_out = f.fade_out.min(shot.frames.0);
    }
    fades
}

/// Brightness of frame `t` of a shot of `len` frames as an exact fraction `(num, den)`.
fn brightness(fades: Fades, t: u32, len: u32) -> (u64, u64) {
    let (mut num, mut den) = (1u64, 1u64);
    if t < fades.fade_in {
        num *= u64::from(t + 1);
        den *= u64::from(fades.fade_in);
    }
    let out_start = len - fades.fade_out;
    if fades.fade_out > 0 && t >= out_start {
        let j = t - out_start;
        num *= u64::from(fades.fade_out - 1 - j);
        den *= u64::from(fades.fade_out);
    }
    (num, den)
}

fn scale(frame: &mut RgbFrame, (num, den): (u64, u64)) {
    if num == den {
        return;
    }
    // 256 possible inputs: a table keeps the exact rounding at the cost of a lookup.
    let table: Vec<u8> = (0..256u64)
        .map(|v| ((v * num + den / 2) / den) as u8)
        .collect();
    for v in &mut frame.data {
        *v = table[*v as usize];
    }
}

/// `x / d` for `x * d <= 2^32` as a multiplication by `ceil(2^32 / d)`: exact there (the error
/// term stays below `1/d`), and it vectorises where a division does not.
#[derive(Clone, Copy)]
struct Divide {
    m: u64,
}

impl Divide {
    fn new(d: u32) -> Self {
        Divide {
            m: (1u64 << 32).div_ceil(u64::from(d)),
        }
    }

    #[inline]
    fn apply(self, x: u32) -> u32 {
        ((u64::from(x) * self.m) >> 32) as u32
    }
}

fn dissolve(base: &mut RgbFrame, incoming: &RgbFrame, w: u32, total: u32) {
    let mix = |a: u8, b: u8| u32::from(a) * (total - w) + u32::from(b) * w + total / 2;
    if u64::from(total) * (255 * u64::from(total) + u64::from(total) / 2) <= 1 << 32 {
        let div = Divide::new(total);
        for (a, &b) in base.data.iter_mut().zip(&incoming.data) {
            *a = div.apply(mix(*a, b)) as u8;
        }
    } else {
        for (a, &b) in base.data.iter_mut().zip(&incoming.data) {
            *a = (mix(*a, b) / total) as u8;
        }
    }
}

fn wipe(base: &mut RgbFrame, incoming: &RgbFrame, w: u32, total: u32, from_right: bool) {
    let width = base.width as u64;
    let cols = ((width * u64::from(w) + u64::from(total) / 2) / u64::from(total)) as usize;
    let width = width as usize;
    let (x0, x1) = if from_right {
        (width - cols, width)
    } else {
        (0, cols)
    };
    let row = width * 3;
    for y in 0..base.height as usize {
        let range = y * row + x0 * 3..y * row + x1 * 3;
        base.data[range.clone()].copy_from_slice(&incoming.data[range]);
    }
}

/// For each film frame: the shot and shot frame it shows unchanged, or `None` where a
/// transition or fade changes it (or no shot covers it). Those are the frames a render must
/// composite; every other frame is a shot's own frame and can be copied from its segment.
pub fn plain_frames(film: &FilmSchedule) -> Vec<Option<(usize, u32)>> {
    let fades = fades_of(film);
    let mut covering = vec![0u8; film.frames.0 as usize];
    let mut plain = vec![None; film.frames.0 as usize];
    for (i, shot) in film.shots.iter().enumerate() {
        let start = shot.start_frame.0 as usize;
        for t in 0..shot.frames.0 {
            let f = start + t as usize;
            let Some(c) = covering.get_mut(f) else { break };
            *c = c.saturating_add(1);
            let (num, den) = brightness(fades[i], t, shot.frames.0);
            plain[f] = (num == den).then_some((i, t));
        }
    }
    for (p, &c) in plain.iter_mut().zip(&covering) {
        if c != 1 {
            *p = None;
        }
    }
    plain
}

struct OnScreen<'a> {
    index: usize,
    frames: Box<dyn ShotFrames + 'a>,
    /// The shot's frame `frames` gives next.
    next: u32,
}

/// Iterator over the film's frames; yields exactly `film.frames` items (or stops after the
/// first error).
pub struct Compositor<'a> {
    film: &'a FilmSchedule,
    source: &'a dyn ShotSource,
    fades: Vec<Fades>,
    next_frame: u32,
    next_shot: usize,
    on_screen: Vec<OnScreen<'a>>,
    failed: bool,
}

impl<'a> Compositor<'a> {
    pub fn new(film: &'a FilmSchedule, source: &'a dyn ShotSource) -> Self {
        Compositor {
            film,
            source,
            fades: fades_of(film),
            next_frame: 0,
            next_shot: 0,
            on_screen: Vec::new(),
            failed: false,
        }
    }

    /// Film frame `f`. Calls must come in increasing `f`; gaps are skipped without
    /// compositing (the render asks only for the frames transitions change).
    pub fn frame_at(&mut self, f: u32) -> Result<RgbFrame, RenderError> {
        let film = self.film;
        let shots = &film.shots;
        // Leave shots that ended before this frame.
        self.on_screen.retain(|s| {
            let shot = &shots[s.index];
            shot.start_frame.0 + shot.frames.0 > f
        });
        // Enter shots that start at (or, if the schedule skipped ahead, before) this frame.
        while self.next_shot < shots.len() && shots[self.next_shot].start_frame.0 <= f {
            let index = self.next_shot;
            self.next_shot += 1;
            let shot = &shots[index];
            if shot.start_frame.0 + shot.frames.0 <= f {
                continue;
            }
            let frames = self.source.open(index)?;
            self.on_screen.push(OnScreen {
                index,
                frames,
                next: 0,
            });
        }

        let mut base: Option<RgbFrame> = None;
        for s in &mut self.on_screen {
            let shot = &shots[s.index];
            let t = f - shot.start_frame.0;
            if t > s.next {
                s.frames.skip(t - s.next)?;
            }
            s.next = t + 1;
            let mut frame = s.frames.next_frame()?;
            if frame.width != film.width
                || frame.height != film.height
                || frame.data.len() != film.width as usize * film.height as usize * 3
            {
                return Err(RenderError::Schedule(format!(
                    "shot `{}` frame {t} is {}x{}, the film is {}x{}",
                    shot.name, frame.width, frame.height, film.width, film.height
                )));
            }
            scale(
                &mut frame,
                brightness(self.fades[s.index], t, shot.frames.0),
            );
            base = Some(match base {
                None => frame,
                Some(mut under) => match overlap_of(shot) {
                    Overlap::Dissolve(d) if t < d => {
                        dissolve(&mut under, &frame, t + 1, d + 1);
                        under
                    }
                    Overlap::WipeLeft(d) if t < d => {
                        wipe(&mut under, &frame, t + 1, d + 1, true);
                        under
                    }
                    Overlap::WipeRight(d) if t < d => {
                        wipe(&mut under, &frame, t + 1, d + 1, false);
                        under
                    }
                    _ => frame,
                },
            });
        }
        Ok(base.unwrap_or_else(|| RgbFrame::new(film.width, film.height)))
    }
}

impl Iterator for Compositor<'_> {
    type Item = Result<RgbFrame, RenderError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.next_frame >= self.film.frames.0 {
            return None;
        }
        let f = self.next_frame;
        self.next_frame += 1;
        let result = self.frame_at(f);
        self.failed = result.is_err();
        Some(result)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.film.frames.0.saturating_sub(self.next_frame) as usize;
        (0, Some(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiply_shift_division_is_exact_where_used() {
        for d in (1..=300).chain([1000, 4000, 4100]) {
            let div = Divide::new(d);
            let max = 255 * d + d / 2;
            if u64::from(d) * u64::from(max) > 1 << 32 {
                continue;
            }
            for x in 0..=max {
                assert_eq!(div.apply(x), x / d, "{x} / {d}");
            }
        }
    }

    #[test]
    fn fade_fractions_end_black_and_start_full() {
        let f = Fades {
            fade_in: 3,
            fade_out: 2,
        };
        assert_eq!(brightness(f, 0, 10), (1, 3));
        assert_eq!(brightness(f, 2, 10), (3, 3));
        assert_eq!(brightness(f, 8, 10), (1, 2));
        assert_eq!(brightness(f, 9, 10), (0, 2));
        assert_eq!(brightness(f, 5, 10), (1, 1));
    }
}
