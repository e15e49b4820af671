//! What verify records of one rendered shot.

use scene_plan::schedule::ShotSchedule;
use scene_previz::frame::RgbFrame;
use sha2::{Digest, Sha256};

use crate::thumbnail::{downscale, thumbnail_frames};

/// A shot as rendered now: its schedule, a hash per frame, and thumbnails.
#[derive(Clone, Debug)]
pub struct CurrentShot {
    pub schedule: ShotSchedule,
    pub frame_hashes: Vec<String>,
    /// (frame index, downscaled frame), at [`thumbnail_frames`].
    pub thumbnails: Vec<(u32, RgbFrame)>,
}

/// Content hash of one frame: SHA-256 over its size and pixels, first 128 bits in hex.
pub fn frame_hash(frame: &RgbFrame) -> String {
    let mut h = Sha256::new();
    h.update(frame.width.to_le_bytes());
    h.update(frame.height.to_le_bytes());
    h.update(&frame.data);
    hex(&h.finalize()[..16])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The shot's schedule without what only places it in the film (`start_frame`), as canonical
/// JSON: what decides the shot's content.
///
/// Keys are sorted at every level whatever map serde_json was built with: a build that links
/// the `c2pa` crate turns on serde_json's `preserve_order`, and the hashes in goldens must not
/// depend on which build of scenec blessed them.
pub fn content_json(schedule: &ShotSchedule) -> serde_json::Value {
    let mut value = serde_json::to_value(schedule).unwrap_or(serde_json::Value::Null);
    if let Some(obj) = value.as_object_mut() {
        obj.remove("start_frame");
    }
    value.sort_all_objects();
    value
}

/// SHA-256 of [`content_json`], hex.
pub fn schedule_hash(schedule: &ShotSchedule) -> String {
    let bytes = serde_json::to_vec(&content_json(schedule)).unwrap_or_default();
    hex(&Sha256::digest(&bytes))
}

/// Record a shot from its frames (visited once, in order).
pub fn capture_shot<'a>(
    schedule: &ShotSchedule,
    frames: impl IntoIterator<Item = &'a RgbFrame>,
) -> CurrentShot {
    let picks = thumbnail_frames(schedule.frames.0);
    let mut frame_hashes = Vec::with_capacity(schedule.frames.0 as usize);
    let mut thumbnails = Vec::with_capacity(picks.len());
    for (i, frame) in frames.into_iter().enumerate() {
        frame_hashes.push(frame_hash(frame));
        // A frame whose pixels do not match its size gets no thumbnail; its hash (over size
        // and pixels) still tells it apart.
        if let Some(thumb) = picks
            .contains(&(i as u32))
            .then(|| downscale(frame))
            .flatten()
        {
            thumbnails.push((i as u32, thumb));
        }
    }
    CurrentShot {
        schedule: schedule.clone(),
        frame_hashes,
        thumbnails,
    }
}
