//! The key recipe: SHA-256 over, in order and length-prefixed, [`CACHE_FORMAT_VERSION`]; the
//! backend's identity (name, weights fingerprint, settings); the encoder's fingerprint
//! ([`crate::encode::segment::encoder_fingerprint`]: entries hold encoded video, so another
//! libx264 build or setting cannot reuse them); the film-level fields a backend may read for any
//! shot (schedule version, fps, width, height — not the title, which would invalidate every shot
//! for a rename); the canonical JSON of the shot's schedule without the fields that place it in
//! the film or describe its sound, which do not change its pixels: `start_frame`,
//! `transition_in`, `transition_out` (the compositor applies transitions) and `audio`; the
//! SHA-256 of every conditioning image file as it is on disk now; and for `continues` the
//! SHA-256 of the upstream shot's last frame. `scene` stays in the key: it is cheap to keep and a
//! renderer may caption it. `dialogue` stays too: previz draws captions. Last, only when it is
//! not empty, what the backend reads beyond that JSON ([`Backend::key_extra`]; ltx2: the shot's
//! sound cues, which enter its prompt): for previz and ltx it is empty and adds nothing, so
//! their keys are what they were.
//!
//! Any change to this recipe bumps [`CACHE_FORMAT_VERSION`]: it makes new keys for every shot.
//!
//! [`Backend::key_extra`]: scene_previz::backend::Backend::key_extra

use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_previz::backend::BackendIdentity;
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use sha2::{Digest, Sha256};

use super::CACHE_FORMAT_VERSION;
use crate::provenance::{canonical_json, hex};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CacheKey(pub [u8; 32]);

impl CacheKey {
    pub fn hex(&self) -> String {
        hex(&self.0)
    }
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CacheKey({})", self.hex())
    }
}

impl std::fmt::Display for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

/// What a shot's pixels depend on besides its schedule.
pub struct KeyInputs<'a> {
    pub backend: &'a BackendIdentity,
    /// SHA-256 (hex) of every conditioning image file, in the schedule's order.
    pub image_sha256: &'a [String],
    /// For `continues`: SHA-256 (hex) of the upstream shot's last frame.
    pub upstream_last_frame: Option<&'a str>,
    /// [`crate::encode::segment::encoder_fingerprint`] of the film's encoder.
    pub encoder: &'a str,
    /// [`scene_previz::backend::Backend::key_extra`] for this shot; empty adds nothing to the key.
    pub backend_extra: &'a str,
}

/// The shot schedule as it enters the key: without the fields that do not change its pixels.
pub fn keyed_schedule_json(shot: &ShotSchedule) -> Result<String, RenderError> {
    let mut value = serde_json::to_value(shot).map_err(|e| {
        RenderError::Schedule(format!("cannot serialise shot `{}`: {e}", shot.name))
    })?;
    if let Some(map) = value.as_object_mut() {
        for field in ["start_frame", "transition_in", "transition_out", "audio"] {
            map.remove(field);
        }
    }
    canonical_json(&value)
}

pub fn shot_key(
    film: &FilmSchedule,
    shot: &ShotSchedule,
    inputs: &KeyInputs<'_>,
) -> Result<CacheKey, RenderError> {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(b"scenec shot cache");
    field(&CACHE_FORMAT_VERSION.to_le_bytes());
    field(inputs.backend.name.as_bytes());
    field(inputs.backend.weights_fingerprint.as_bytes());
    field(inputs.backend.settings.as_bytes());
    field(inputs.encoder.as_bytes());
    field(&film.version.to_le_bytes());
    field(&film.fps.to_le_bytes());
    field(&film.width.to_le_bytes());
    field(&film.height.to_le_bytes());
    field(keyed_schedule_json(shot)?.as_bytes());
    field(&(inputs.image_sha256.len() as u64).to_le_bytes());
    for image in inputs.image_sha256 {
        field(image.as_bytes());
    }
    match inputs.upstream_last_frame {
        Some(hash) => {
            field(b"continues");
            field(hash.as_bytes());
        }
        None => field(b"free"),
    }
    if !inputs.backend_extra.is_empty() {
        field(b"backend extra");
        field(inputs.backend_extra.as_bytes());
    }
    Ok(CacheKey(h.finalize().into()))
}

/// SHA-256 of a frame's raw RGB, as used for `continues` keys.
pub fn frame_sha256(frame: &RgbFrame) -> String {
    hex(&Sha256::digest(&frame.data))
}
