//! The film's video track, assembled from its shots' cached segments.
//!
//! A frame that shows one shot unchanged is that shot's own packet, copied. Only the frames a
//! transition or fade changes are composited (from decoded segments) and encoded again, by a
//! fresh encoder per run so that each run starts with an IDR. A copy must start at an IDR of its
//! segment (no B-frames, so it may end anywhere): after a transition, the frames up to the
//! shot's next IDR (at most one `keyint`) are re-encoded with the transition.

use std::collections::VecDeque;

use scene_plan::schedule::FilmSchedule;

use crate::cache::CacheEntry;
use crate::compositor::{plain_frames, Compositor};
use crate::encode::{EncodedPacket, SegmentEncoder, VideoParams};
use crate::error::RenderError;

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

/// The film's packets, in order: copied from `entries` or composited and encoded.
pub struct Assembled<'a> {
    film: &'a FilmSchedule,
    params: &'a VideoParams,
    extradata: Vec<u8>,
    /// Loads shot `i`'s entry (waiting for it to be rendered, in a render).
    load: &'a dyn Fn(usize) -> Result<CacheEntry, RenderError>,
    entries: Vec<Option<CacheEntry>>,
    compositor: Compositor<'a>,
    pieces: Vec<Piece>,
    piece: usize,
    /// Position inside the current piece.
    cursor: u32,
    encoder: Option<SegmentEncoder>,
    ready: VecDeque<EncodedPacket>,
    failed: bool,
}

impl<'a> Assembled<'a> {
    /// `load` gives each shot's cache entry when the assembly first needs it. Entries are keyed
    /// by the encoder's fingerprint, so they fit the track; one that does not is an error.
    pub fn new(
        film: &'a FilmSchedule,
        params: &'a VideoParams,
        extradata: &[u8],
        load: &'a dyn Fn(usize) -> Result<CacheEntry, RenderError>,
        compositor: Compositor<'a>,
    ) -> Self {
        let copyable = vec![true; film.shots.len()];
        let pieces = pieces(&plain_frames(film), params.keyint(), &copyable);
        Assembled {
            film,
            params,
            extradata: extradata.to_vec(),
            load,
            entries: (0..film.shots.len()).map(|_| None).collect(),
            compositor,
            cursor: pieces.first().map_or(0, first_of),
            pieces,
            piece: 0,
            encoder: None,
            ready: VecDeque::new(),
            failed: false,
        }
    }

    /// Frames composited and encoded again (the rest are copied).
    pub fn encoded_frames(&self) -> u32 {
        self.pieces
            .iter()
            .filter(|p| matches!(p, Piece::Encode { .. }))
            .map(Piece::len)
            .sum()
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
            Piece::Encode { to, .. } => {
                if self.encoder.is_none() {
                    self.encoder = Some(SegmentEncoder::new(self.params)?);
                }
                let frame = self.compositor.frame_at(self.cursor)?;
                let encoder = self
                    .encoder
                    .as_mut()
                    .ok_or_else(|| RenderError::Encode("the encoder vanished".into()))?;
                encoder.push(&frame)?;
                self.ready.extend(encoder.take_packets());
                self.cursor += 1;
                if self.cursor == to {
                    if let Some(encoder) = self.encoder.take() {
                        self.ready.extend(encoder.finish()?);
                    }
                    self.next_piece();
                }
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
