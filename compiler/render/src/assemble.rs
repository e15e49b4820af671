//! The film's video track, assembled from its shots' cached segments.
//!
//! A frame that shows one shot unchanged is that shot's own packet, copied. Only the frames a
//! transition or fade changes are composited (from decoded segments) and encoded again, by a
//! fresh encoder per run so that each run starts with an IDR. A copy must start at an IDR of its
//! segment (no B-frames, so it may end anywhere): after a transition, the frames up to the
//! shot's next IDR (at most one `keyint`) are re-encoded with the transition.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use scene_plan::schedule::FilmSchedule;
use scene_previz::error::RenderError;

use crate::cache::CacheEntry;
use crate::compositor::{plain_frames, Compositor, ShotSource};
use crate::encode::{EncodedPacket, SegmentEncoder, VideoParams};

/// A run of the film's frames and where they come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Packets `from..to` of shot `shot`'s segment; `from` is an IDR.
    Copy { shot: usize, from: u32, to: u32 },
    /// Film frames `from..to`, composited and encoded.
    Encode { from: u32, to: u32 },
}

impl Piece {
    pub fn len(&self) -> u32 {
        match *self {
            Piece::Copy { from, to, .. } | Piece::Encode { from, to } => to - from,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Cut the film into pieces. `plain[f]` is what [`plain_frames`] says of film frame `f`;
/// `copyable[s]` whether shot `s`'s segment fits the film's track (same SPS/PPS, IDR interval
/// `keyint`).
pub fn pieces(plain: &[Option<(usize, u32)>], keyint: u32, copyable: &[bool]) -> Vec<Piece> {
    let keyint = keyint.max(1);
    let mut out: Vec<Piece> = Vec::new();
    let encode = |out: &mut Vec<Piece>, from: u32, to: u32| {
        if from == to {
            return;
        }
        match out.last_mut() {
            Some(Piece::Encode { to: end, .. }) if *end == from => *end = to,
            _ => out.push(Piece::Encode { from, to }),
        }
    };
    let mut f = 0usize;
    while f < plain.len() {
        let Some((shot, t0)) = plain[f] else {
            encode(&mut out, f as u32, f as u32 + 1);
            f += 1;
            continue;
        };
        // The run of this shot's consecutive frames shown unchanged.
        let mut end = f + 1;
        while end < plain.len() && plain[end] == Some((shot, t0 + (end - f) as u32)) {
            end += 1;
        }
        let t1 = t0 + (end - f) as u32;
        let idr = t0.div_ceil(keyint) * keyint;
        if copyable.get(shot).copied().unwrap_or(false) && idr < t1 {
            let lead = idr - t0;
            encode(&mut out, f as u32, f as u32 + lead);
            out.push(Piece::Copy {
                shot,
                from: idr,
                to: t1,
            });
        } else {
            encode(&mut out, f as u32, end as u32);
        }
        f = end;
    }
    out
}

/// The transition runs of a film, composited and encoded by a few worker threads in film order,
/// each as soon as the shots it shows are rendered, while the assembly copies the packets
/// around them. Runs are independent (each starts with an IDR), so two workers halve the time
/// the film waits on its transitions at the end of a render.
pub struct TransitionEncoder<'a> {
    film: &'a FilmSchedule,
    params: &'a VideoParams,
    source: &'a (dyn ShotSource + Sync),
    cancel: &'a AtomicBool,
    /// Film frame ranges of the `Encode` pieces, in film order.
    runs: Vec<(u32, u32)>,
    next: AtomicUsize,
    results: Mutex<Vec<Option<Result<Vec<EncodedPacket>, RenderError>>>>,
    done: Condvar,
}

impl<'a> TransitionEncoder<'a> {
    pub fn new(
        film: &'a FilmSchedule,
        params: &'a VideoParams,
        pieces: &[Piece],
        source: &'a (dyn ShotSource + Sync),
        cancel: &'a AtomicBool,
    ) -> Self {
        let runs: Vec<(u32, u32)> = pieces
            .iter()
            .filter_map(|p| match *p {
                Piece::Encode { from, to } => Some((from, to)),
                Piece::Copy { .. } => None,
            })
            .collect();
        TransitionEncoder {
            film,
            params,
            source,
            cancel,
            results: Mutex::new((0..runs.len()).map(|_| None).collect()),
            runs,
            next: AtomicUsize::new(0),
            done: Condvar::new(),
        }
    }

    /// Claim no more runs (the film cannot be finished).
    pub fn stop(&self) {
        self.next.store(self.runs.len(), Ordering::Relaxed);
    }

    /// A worker: encode runs in film order until none is left.
    pub fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&(from, to)) = self.runs.get(i) else {
                return;
            };
            let result = self.encode_run(from, to);
            let failed = result.is_err();
            if let Ok(mut results) = self.results.lock() {
                results[i] = Some(result);
            }
            self.done.notify_all();
            if failed {
                // Later runs are not needed once the film cannot be finished.
                self.stop();
            }
        }
    }

    fn encode_run(&self, from: u32, to: u32) -> Result<Vec<EncodedPacket>, RenderError> {
        let mut compositor = Compositor::new(self.film, self.source);
        let mut encoder = SegmentEncoder::new(self.params)?;
        let mut packets = Vec::with_capacity((to - from) as usize);
        for f in from..to {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(RenderError::Interrupted);
            }
            encoder.push(&compositor.frame_at(f)?)?;
            packets.extend(encoder.take_packets());
        }
        packets.extend(encoder.finish()?);
        Ok(packets)
    }

    /// The packets of run `i`, once a worker has made them. Runs are claimed in film order and
    /// taken in film order, so a run not yet made is being made: a failed run is taken (and
    /// stops the film) before any run the workers skipped after it.
    fn take(&self, i: usize) -> Result<Vec<EncodedPacket>, RenderError> {
        let stopped = || RenderError::Encode("the transition encoders stopped".into());
        let mut results = self.results.lock().map_err(|_| stopped())?;
        loop {
            match results.get_mut(i) {
                None => return Err(stopped()),
                Some(slot) => {
                    if let Some(result) = slot.take() {
                        return result;
                    }
                }
            }
            results = self.done.wait(results).map_err(|_| stopped())?;
        }
    }
}

/// The film's packets, in order: copied from the shots' cache entries, or taken from the
/// [`TransitionEncoder`] for the runs it composites.
pub struct Assembled<'a> {
    film: &'a FilmSchedule,
    params: &'a VideoParams,
    extradata: Vec<u8>,
    /// Loads shot `i`'s entry (waiting for it to be rendered, in a render).
    load: &'a dyn Fn(usize) -> Result<CacheEntry, RenderError>,
    entries: Vec<Option<CacheEntry>>,
    transitions: &'a TransitionEncoder<'a>,
    pieces: Vec<Piece>,
    piece: usize,
    /// Encode pieces passed so far: the index of the next run in `transitions`.
    run: usize,
    /// Position inside the current piece.
    cursor: u32,
    ready: VecDeque<EncodedPacket>,
    failed: bool,
}

/// The film cut into copied and encoded pieces for `params`' IDR interval.
pub fn plan(film: &FilmSchedule, params: &VideoParams) -> Vec<Piece> {
    pieces(
        &plain_frames(film),
        params.keyint(),
        &vec![true; film.shots.len()],
    )
}

impl<'a> Assembled<'a> {
    /// `load` gives each shot's cache entry when the assembly first needs it. Entries are keyed
    /// by the encoder's fingerprint, so they fit the track; one that does not is an error.
    /// `pieces` is [`plan`]'s, the same the `transitions` were made with.
    pub fn new(
        film: &'a FilmSchedule,
        params: &'a VideoParams,
        extradata: &[u8],
        load: &'a dyn Fn(usize) -> Result<CacheEntry, RenderError>,
        pieces: Vec<Piece>,
        transitions: &'a TransitionEncoder<'a>,
    ) -> Self {
        Assembled {
            film,
            params,
            extradata: extradata.to_vec(),
            load,
            entries: (0..film.shots.len()).map(|_| None).collect(),
            transitions,
            cursor: pieces.first().map_or(0, first_of),
            pieces,
            piece: 0,
            run: 0,
            ready: VecDeque::new(),
            failed: false,
        }
    }

    fn step(&mut self) -> Result<bool, RenderError> {
        let Some(&piece) = self.pieces.get(self.piece) else {
            return Ok(false);
        };
        match piece {
            Piece::Copy { shot, to, .. } => {
                let cursor = self.cursor;
                let entry = self.entry(shot)?;
                let packet = match entry.packet(cursor) {
                    Some((data, key)) => EncodedPacket {
                        data: data.to_vec(),
                        key,
                    },
                    None => {
                        return Err(RenderError::Schedule(format!(
                            "cache entry {} has no frame {cursor}",
                            entry.key
                        )))
                    }
                };
                self.ready.push_back(packet);
                self.cursor += 1;
                if self.cursor == to {
                    self.next_piece();
                }
            }
            Piece::Encode { from, to } => {
                let packets = self.transitions.take(self.run)?;
                if packets.len() != (to - from) as usize {
                    return Err(RenderError::Encode(format!(
                        "frames {from}..{to} encoded to {} packets",
                        packets.len()
                    )));
                }
                self.ready.extend(packets);
                self.run += 1;
                self.next_piece();
            }
        }
        Ok(true)
    }

    fn entry(&mut self, shot: usize) -> Result<&CacheEntry, RenderError> {
        if self.entries[shot].is_none() {
            let e = (self.load)(shot)?;
            let s = &self.film.shots[shot];
            let fits = e.extradata() == self.extradata
                && e.keyint == self.params.keyint()
                && e.frames == s.frames.0
                && (e.width, e.height) == (self.params.width, self.params.height);
            if !fits {
                return Err(RenderError::Encode(format!(
                    "the cached video of shot `{}` was encoded differently from the film's track",
                    s.name
                )));
            }
            self.entries[shot] = Some(e);
        }
        self.entries[shot]
            .as_ref()
            .ok_or_else(|| RenderError::Schedule("a cache entry vanished".into()))
    }

    fn next_piece(&mut self) {
        self.piece += 1;
        if let Some(p) = self.pieces.get(self.piece) {
            self.cursor = first_of(p);
        }
    }
}

fn first_of(piece: &Piece) -> u32 {
    match *piece {
        Piece::Copy { from, .. } | Piece::Encode { from, .. } => from,
    }
}

impl Iterator for Assembled<'_> {
    type Item = Result<EncodedPacket, RenderError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(p) = self.ready.pop_front() {
                return Some(Ok(p));
            }
            if self.failed {
                return None;
            }
            match self.step() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shot(s: usize, t: std::ops::Range<u32>) -> Vec<Option<(usize, u32)>> {
        t.map(|t| Some((s, t))).collect()
    }

    #[test]
    fn cuts_copy_whole_segments() {
        let mut plain = shot(0, 0..30);
        plain.extend(shot(1, 0..20));
        assert_eq!(
            pieces(&plain, 12, &[true, true]),
            vec![
                Piece::Copy {
                    shot: 0,
                    from: 0,
                    to: 30
                },
                Piece::Copy {
                    shot: 1,
                    from: 0,
                    to: 20
                },
            ]
        );
    }

    #[test]
    fn a_transition_is_encoded_up_to_the_next_idr() {
        // Shot 0 (30 frames) dissolves into shot 1 over its last 5 frames: film frames 25..30
        // are mixed; shot 1's frames 5.. are its own, and its next IDR is frame 12.
        let mut plain = shot(0, 0..25);
        plain.extend([None; 5]);
        plain.extend(shot(1, 5..40));
        assert_eq!(
            pieces(&plain, 12, &[true, true]),
            vec![
                Piece::Copy {
                    shot: 0,
                    from: 0,
                    to: 25
                },
                Piece::Encode { from: 25, to: 37 },
                Piece::Copy {
                    shot: 1,
                    from: 12,
                    to: 40
                },
            ]
        );
    }

    #[test]
    fn a_short_run_or_a_foreign_segment_is_encoded() {
        let mut plain = vec![None; 2];
        plain.extend(shot(0, 2..8));
        plain.extend(shot(1, 0..10));
        let p = pieces(&plain, 12, &[true, false]);
        assert_eq!(p, vec![Piece::Encode { from: 0, to: 18 }]);
    }
}
