//! 48 kHz stereo WAV files in 24-bit PCM: what editors and sound designers import.
//!
//! Samples are written as `round(v · (2²³ − 1))`, clamped to the 24-bit range, so a file's
//! content is a function of the mix alone. The header is the canonical 44-byte RIFF/WAVE form.

use std::io::{self, Write};

pub const BITS: u16 = 24;
const FULL_SCALE: f32 = 8_388_607.0;

/// The 24-bit code of a sample.
pub fn quantise(v: f32) -> i32 {
    (v * FULL_SCALE)
        .round()
        .clamp(-FULL_SCALE - 1.0, FULL_SCALE) as i32
}

pub fn header(frames: u64, rate: u32) -> io::Result<[u8; 44]> {
    let block_align = 2u32 * u32::from(BITS / 8);
    let data = frames
        .checked_mul(u64::from(block_align))
        .filter(|d| *d + 36 <= u64::from(u32::MAX))
        .ok_or_else(|| io::Error::other("too long for a WAV file (4 GiB)"))? as u32;
    let mut h = [0u8; 44];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&(36 + data).to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes()); // PCM
    h[22..24].copy_from_slice(&2u16.to_le_bytes());
    h[24..28].copy_from_slice(&rate.to_le_bytes());
    h[28..32].copy_from_slice(&(rate * block_align).to_le_bytes());
    h[32..34].copy_from_slice(&(block_align as u16).to_le_bytes());
    h[34..36].copy_from_slice(&BITS.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data.to_le_bytes());
    Ok(h)
}

/// Append interleaved 24-bit frames.
pub fn write_frames(out: &mut impl Write, left: &[f32], right: &[f32]) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(left.len() * 6);
    for (l, r) in left.iter().zip(right) {
        bytes.extend_from_slice(&quantise(*l).to_le_bytes()[..3]);
        bytes.extend_from_slice(&quantise(*r).to_le_bytes()[..3]);
    }
    out.write_all(&bytes)
}

/// Interleaved samples of a file [`header`] and [`write_frames`] made, as f32 (for tests and
/// tools).
pub fn read(bytes: &[u8]) -> Option<(Vec<f32>, Vec<f32>)> {
    if bytes.len() < 44 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return None;
    }
    let data = bytes.get(44..)?;
    let (mut l, mut r) = (Vec::new(), Vec::new());
    for frame in data.chunks_exact(6) {
        let s = |b: &[u8]| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / FULL_SCALE;
        l.push(s(&frame[0..3]));
        r.push(s(&frame[3..6]));
    }
    Some((l, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_within_half_a_step() {
        let left = [0.0f32, 0.5, -0.5, 1.0, -1.0, 0.123_456];
        let right = [0.25f32, -0.25, 2.0, -2.0, 1e-9, -0.123_456];
        let mut bytes = header(6, 48_000).unwrap().to_vec();
        write_frames(&mut bytes, &left, &right).unwrap();
        assert_eq!(bytes.len(), 44 + 36);
        let (l, r) = read(&bytes).unwrap();
        for (a, b) in l.iter().zip(&left) {
            assert!((a - b.clamp(-1.0, 1.0)).abs() <= 0.6 / FULL_SCALE);
        }
        assert_eq!(r[2], 1.0);
        assert!(r[3] <= -1.0);
        assert_eq!(quantise(-2.0), -8_388_608);
    }
}
