//! A cached shot's frames decoded in order, for the compositor. Skipping ahead starts decoding
//! at the last IDR before the target instead of decoding everything in between.

use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;

use super::entry::CacheEntry;
use crate::compositor::ShotFrames;
use crate::encode::segment::SegmentDecoder;

/// The frames of one entry ([`CacheEntry::reader`]).
pub struct EntryFrames {
    entry: CacheEntry,
    decoder: Option<SegmentDecoder>,
    /// Packets sent to the decoder.
    fed: u32,
    /// Index of the frame the decoder gives next.
    decoded: u32,
    /// Index of the frame `next_frame` returns.
    next: u32,
}

impl EntryFrames {
    pub(super) fn new(entry: CacheEntry) -> EntryFrames {
        EntryFrames {
            entry,
            decoder: None,
            fed: 0,
            decoded: 0,
            next: 0,
        }
    }

    fn broken(&self, e: RenderError) -> RenderError {
        RenderError::decode(format!("cache entry {}", self.entry.key), e)
    }

    /// A decoder positioned at the IDR before `next`, unless one is running.
    fn ensure_decoder(&mut self) -> Result<(), RenderError> {
        if self.decoder.is_none() {
            let idr = self.next - self.next % self.entry.keyint;
            let dec =
                SegmentDecoder::new(self.entry.extradata(), self.entry.width, self.entry.height)
                    .map_err(|e| self.broken(e))?;
            self.decoder = Some(dec);
            self.fed = idr;
            self.decoded = idr;
        }
        Ok(())
    }

    /// The decoder's next frame.
    fn decode_one(&mut self) -> Result<RgbFrame, RenderError> {
        self.ensure_decoder()?;
        loop {
            let Some(dec) = self.decoder.as_mut() else {
                return Err(RenderError::Schedule("the decoder vanished".into()));
            };
            if let Some(frame) = dec.next() {
                self.decoded += 1;
                return Ok(frame);
            }
            let step = if let Some((data, _)) = self.entry.packet(self.fed) {
                let r = dec.send(data, i64::from(self.fed));
                self.fed += 1;
                r
            } else if !dec.flushed() {
                dec.flush()
            } else {
                return Err(RenderError::Schedule(format!(
                    "shot has fewer frames than its schedule (cache entry {} has {})",
                    self.entry.key, self.entry.frames
                )));
            };
            step.map_err(|e| self.broken(e))?;
        }
    }
}

impl ShotFrames for EntryFrames {
    fn next_frame(&mut self) -> Result<RgbFrame, RenderError> {
        self.ensure_decoder()?;
        while self.decoded < self.next {
            self.decode_one()?;
        }
        let frame = self.decode_one()?;
        self.next += 1;
        Ok(frame)
    }

    fn skip(&mut self, n: u32) -> Result<(), RenderError> {
        self.next = self.next.saturating_add(n);
        let idr = self.next - self.next % self.entry.keyint;
        if idr > self.decoded {
            // Nothing decoded so far is needed: start again at the IDR before the target.
            self.decoder = None;
        }
        Ok(())
    }
}
