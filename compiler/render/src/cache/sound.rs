//! The sound format (version [`CACHE_FORMAT_VERSION`]): the sound a backend generated with a
//! shot (ltx2), stored beside the shot's entry under the same key. Little-endian:
//! ```text
//! magic "SCNSOUND" | format u32 | key [32] | samples per channel u64
//! interleaved stereo f32 at 48 kHz
//! SHA-256 of every byte above [32]
//! ```
//! [`serialize_sound`] makes the bytes and [`parse_sound`] checks them (trailer, header, key,
//! length) before anything is trusted. Where the bytes live is the store's business
//! ([`super::store`]); the pipeline writes a shot's sound before its entry, so an entry of a
//! sound-generating backend without its sound is a miss and the shot renders again.

use sha2::{Digest, Sha256};

use super::key::CacheKey;
use super::CACHE_FORMAT_VERSION;
use crate::audio::StereoBuffer;

const SOUND_MAGIC: &[u8; 8] = b"SCNSOUND";
const HEAD_LEN: usize = 8 + 4 + 32 + 8;
const TRAILER_LEN: usize = 32;

/// The bytes that store `sound` under `key`.
pub fn serialize_sound(key: &CacheKey, sound: &StereoBuffer) -> Vec<u8> {
    let frames = sound.frames();
    let mut bytes = Vec::with_capacity(HEAD_LEN + frames * 8 + TRAILER_LEN);
    bytes.extend_from_slice(SOUND_MAGIC);
    bytes.extend_from_slice(&CACHE_FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&key.0);
    bytes.extend_from_slice(&(frames as u64).to_le_bytes());
    for v in &sound.samples[..frames * 2] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    bytes
}

/// Bytes a store reads from the start of a sound for [`sound_fits`].
pub const SOUND_HEAD_LEN: usize = HEAD_LEN;

/// Whether a sound whose first [`SOUND_HEAD_LEN`] bytes are `head` and whose size is `len` is
/// one stored under `key`, whole: what a store checks without reading (or hashing) every
/// sample. Writes are atomic, so a sound that fits is the one that was written; [`parse_sound`]
/// checks the samples when the film is mixed.
pub fn sound_fits(key: &CacheKey, head: &[u8], len: u64) -> bool {
    let Some(head) = head.get(..HEAD_LEN) else {
        return false;
    };
    if &head[..8] != SOUND_MAGIC
        || head[8..12] != CACHE_FORMAT_VERSION.to_le_bytes()
        || head[12..44] != key.0
    {
        return false;
    }
    let mut frames = [0u8; 8];
    frames.copy_from_slice(&head[44..52]);
    u64::from_le_bytes(frames)
        .checked_mul(8)
        .and_then(|n| n.checked_add((HEAD_LEN + TRAILER_LEN) as u64))
        == Some(len)
}

/// The sound in `bytes` if they are a whole, undamaged sound stored under `key`.
pub fn parse_sound(key: &CacheKey, bytes: &[u8]) -> Option<StereoBuffer> {
    let body_len = bytes.len().checked_sub(TRAILER_LEN)?;
    if body_len < HEAD_LEN || Sha256::digest(&bytes[..body_len])[..] != bytes[body_len..] {
        return None;
    }
    if &bytes[..8] != SOUND_MAGIC
        || bytes[8..12] != CACHE_FORMAT_VERSION.to_le_bytes()
        || bytes[12..44] != key.0
    {
        return None;
    }
    let frames = usize::try_from(u64::from_le_bytes(bytes[44..52].try_into().ok()?)).ok()?;
    let data = &bytes[HEAD_LEN..body_len];
    if data.len() != frames.checked_mul(8)? {
        return None;
    }
    let samples = data
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Some(StereoBuffer { samples })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_damage_and_other_keys() {
        let key = CacheKey([7; 32]);
        let sound = StereoBuffer {
            samples: vec![0.25, -0.5, 1.0, 0.0],
        };
        let bytes = serialize_sound(&key, &sound);
        assert_eq!(parse_sound(&key, &bytes), Some(sound));
        assert_eq!(parse_sound(&CacheKey([8; 32]), &bytes), None);
        let mut flipped = bytes.clone();
        flipped[HEAD_LEN] ^= 1;
        assert_eq!(parse_sound(&key, &flipped), None);
        assert_eq!(parse_sound(&key, &bytes[..bytes.len() - 1]), None);
        let len = bytes.len() as u64;
        assert!(sound_fits(&key, &bytes, len));
        assert!(!sound_fits(&key, &bytes, len - 1), "truncated");
        assert!(!sound_fits(&CacheKey([8; 32]), &bytes, len), "another key");
        assert!(!sound_fits(&key, &bytes[..10], len), "no whole header");
    }
}
