//! The entry format (version [`CACHE_FORMAT_VERSION`]): one shot as H.264 packets
//! ([`crate::encode::segment`]: one per frame, an IDR every `keyint` frames), which the film
//! copies without decoding, plus the last frame's exact RGB for the shot that `continues` it.
//! Little-endian:
//! ```text
//! magic "SCNSHOT\0" | format u32 | width u32 | height u32 | frames u32 | keyint u32
//! key [32] | SHA-256 of the last frame's RGB [32] | SHA-256 of the video [32]
//! extradata length u32 | extradata (SPS/PPS)
//! last frame: compressed length u32 | zstd-compressed RGB
//! per frame: flags u8 (1 = IDR) | length u32 | packet (Annex B)
//! SHA-256 of every byte above [32]
//! ```
//! The video's SHA-256 runs over the length-prefixed extradata, then each frame's flags,
//! length and packet: it names exactly the bytes the film's track gets from this shot.
//!
//! [`serialize`] makes an entry's bytes and [`CacheEntry::parse`] checks them (trailer, header,
//! key, layout) before anything is trusted. Where the bytes live is the store's business
//! ([`super::store`]).

use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use sha2::{Digest, Sha256};

use super::frames::EntryFrames;
use super::key::CacheKey;
use super::CACHE_FORMAT_VERSION;
use crate::encode::segment::{decode_segment, EncodedPacket};
use crate::provenance::hex;

const MAGIC: &[u8; 8] = b"SCNSHOT\0";
const HEADER_LEN: usize = 8 + 4 * 5 + 32 * 3;
const ZSTD_LEVEL: i32 = 1;

/// Hashes of a stored shot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredShot {
    pub last_frame_sha256: String,
    pub video_sha256: String,
}

/// A shot as the cache stores it: its encoded frames and its last frame's exact pixels.
#[derive(Clone, Debug)]
pub struct ShotVideo {
    pub width: u32,
    pub height: u32,
    /// Frames between IDR pictures (`packets[i].key` exactly when `i % keyint == 0`).
    pub keyint: u32,
    /// SPS/PPS of the encoder that made the packets.
    pub extradata: Vec<u8>,
    /// One per frame, in order.
    pub packets: Vec<EncodedPacket>,
    pub last_frame: RgbFrame,
}

impl ShotVideo {
    /// Encode frames held in memory (backends that produce a whole shot at once, tests).
    pub fn encode(
        params: &crate::encode::VideoParams,
        frames: Vec<RgbFrame>,
    ) -> Result<ShotVideo, RenderError> {
        let mut encoder = crate::encode::SegmentEncoder::new(params)?;
        let mut last = None;
        for f in frames {
            encoder.push(&f)?;
            last = Some(f);
        }
        let last_frame =
            last.ok_or_else(|| RenderError::Schedule("a shot with no frames".into()))?;
        let extradata = encoder.extradata();
        Ok(ShotVideo {
            width: params.width,
            height: params.height,
            keyint: params.keyint(),
            extradata,
            packets: encoder.finish()?,
            last_frame,
        })
    }

    fn video_sha256(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update((self.extradata.len() as u32).to_le_bytes());
        h.update(&self.extradata);
        for p in &self.packets {
            h.update([u8::from(p.key)]);
            h.update((p.data.len() as u32).to_le_bytes());
            h.update(&p.data);
        }
        h.finalize().into()
    }
}

/// The entry bytes of `shot` under `key`, and the hashes they record. Checks first that the
/// shot is whole: frames present, the last frame at the shot's size, IDRs where `keyint` says.
pub fn serialize(key: &CacheKey, shot: &ShotVideo) -> Result<(Vec<u8>, StoredShot), RenderError> {
    let (width, height) = (shot.width, shot.height);
    let frame_len = width as usize * height as usize * 3;
    let last = &shot.last_frame;
    if shot.packets.is_empty() || shot.keyint == 0 {
        return Err(RenderError::Schedule("a shot with no frames".into()));
    }
    if last.width != width || last.height != height || last.data.len() != frame_len {
        return Err(RenderError::Schedule(
            "the last frame differs in size from the shot".into(),
        ));
    }
    if let Some(i) =
        (0..shot.packets.len()).find(|&i| shot.packets[i].key != (i as u32 % shot.keyint == 0))
    {
        return Err(RenderError::Encode(format!(
            "frame {i} of the encoded shot breaks its IDR interval of {}",
            shot.keyint
        )));
    }
    let last_sha: [u8; 32] = Sha256::digest(&last.data).into();
    let video_sha = shot.video_sha256();
    let packed_last = zstd::bulk::compress(&last.data, ZSTD_LEVEL)
        .map_err(|e| RenderError::write(format!("cache entry {key}"), e))?;

    let mut bytes = Vec::with_capacity(
        HEADER_LEN
            + 8
            + shot.extradata.len()
            + packed_last.len()
            + shot.packets.iter().map(|p| p.data.len() + 5).sum::<usize>()
            + 32,
    );
    bytes.extend_from_slice(MAGIC);
    for v in [
        CACHE_FORMAT_VERSION,
        width,
        height,
        shot.packets.len() as u32,
        shot.keyint,
    ] {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes.extend_from_slice(&key.0);
    bytes.extend_from_slice(&last_sha);
    bytes.extend_from_slice(&video_sha);
    for part in [&shot.extradata, &packed_last] {
        bytes.extend_from_slice(&(part.len() as u32).to_le_bytes());
        bytes.extend_from_slice(part);
    }
    for p in &shot.packets {
        bytes.push(u8::from(p.key));
        bytes.extend_from_slice(&(p.data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&p.data);
    }
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    let stored = StoredShot {
        last_frame_sha256: hex(&last_sha),
        video_sha256: hex(&video_sha),
    };
    Ok((bytes, stored))
}

/// A verified entry, held in memory.
pub struct CacheEntry {
    pub key: CacheKey,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub keyint: u32,
    /// SHA-256 (hex) of the last frame's RGB.
    pub last_frame_sha256: String,
    /// SHA-256 (hex) of the encoded video (see the module docs).
    pub video_sha256: String,
    bytes: Vec<u8>,
    extradata: (usize, usize),
    last_frame: (usize, usize),
    /// Byte range of each frame's packet in `bytes`, and whether it is an IDR.
    packets: Vec<(usize, usize, bool)>,
}

impl CacheEntry {
    pub fn extradata(&self) -> &[u8] {
        &self.bytes[self.extradata.0..self.extradata.1]
    }

    /// Frame `index`'s packet and whether it is an IDR.
    pub fn packet(&self, index: u32) -> Option<(&[u8], bool)> {
        self.packets
            .get(index as usize)
            .map(|&(a, b, key)| (&self.bytes[a..b], key))
    }

    /// The packets as the film's track takes them.
    pub fn packets(&self) -> impl Iterator<Item = EncodedPacket> + '_ {
        self.packets.iter().map(|&(a, b, key)| EncodedPacket {
            data: self.bytes[a..b].to_vec(),
            key,
        })
    }

    /// Every frame, decoded (what the film shows where no transition touches the shot).
    pub fn decode_all(&self) -> Result<Vec<RgbFrame>, RenderError> {
        let packets: Vec<&[u8]> = self
            .packets
            .iter()
            .map(|&(a, b, _)| &self.bytes[a..b])
            .collect();
        decode_segment(self.extradata(), self.width, self.height, &packets)
            .map_err(|e| RenderError::decode(format!("cache entry {}", self.key), e))
    }

    /// The last frame exactly as the backend made it (not through the encoder): what a shot
    /// that `continues` this one starts from.
    pub fn last_frame(&self) -> Result<RgbFrame, RenderError> {
        let len = self.width as usize * self.height as usize * 3;
        let (a, b) = self.last_frame;
        let data = zstd::bulk::decompress(&self.bytes[a..b], len)
            .map_err(|e| RenderError::decode(format!("cache entry {}", self.key), e))?;
        if data.len() != len {
            return Err(RenderError::decode(
                format!("cache entry {}", self.key),
                "the last frame has the wrong size",
            ));
        }
        Ok(RgbFrame {
            width: self.width,
            height: self.height,
            data,
        })
    }

    /// The decoded frames in order, for the compositor.
    pub fn reader(self) -> EntryFrames {
        EntryFrames::new(self)
    }

    /// The entry in `bytes` if they are a whole, undamaged entry for `key` in this format:
    /// trailer, header, key and layout all check. `None` otherwise: the caller treats the shot
    /// as not cached.
    pub fn parse(key: CacheKey, bytes: Vec<u8>) -> Option<CacheEntry> {
        if bytes.len() < HEADER_LEN + 32 || &bytes[..8] != MAGIC {
            return None;
        }
        let body = bytes.len() - 32;
        let digest: [u8; 32] = Sha256::digest(&bytes[..body]).into();
        if digest[..] != bytes[body..] {
            return None;
        }
        let u32_at = |at: usize| -> u32 {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        if u32_at(8) != CACHE_FORMAT_VERSION || bytes[28..60] != key.0 {
            return None;
        }
        let (width, height, frames, keyint) = (u32_at(12), u32_at(16), u32_at(20), u32_at(24));
        if keyint == 0 || frames == 0 {
            return None;
        }
        let last_frame_sha256 = hex(&bytes[60..92]);
        let video_sha256 = hex(&bytes[92..124]);
        let mut at = HEADER_LEN;
        let span = |at: &mut usize, flag: bool| -> Option<(usize, usize, bool)> {
            let key = if flag {
                let f = *bytes.get(*at)?;
                *at += 1;
                f & 1 == 1
            } else {
                false
            };
            if *at + 4 > body {
                return None;
            }
            let len = u32_at(*at) as usize;
            *at += 4;
            if *at + len > body {
                return None;
            }
            *at += len;
            Some((*at - len, *at, key))
        };
        let (ea, eb, _) = span(&mut at, false)?;
        let (la, lb, _) = span(&mut at, false)?;
        let mut packets = Vec::with_capacity(frames as usize);
        for i in 0..frames {
            let p = span(&mut at, true)?;
            // The assembler copies from these IDRs: the layout must be what the header says.
            if p.2 != (i % keyint == 0) {
                return None;
            }
            packets.push(p);
        }
        if at != body {
            return None;
        }
        Some(CacheEntry {
            key,
            width,
            height,
            frames,
            keyint,
            last_frame_sha256,
            video_sha256,
            bytes,
            extradata: (ea, eb),
            last_frame: (la, lb),
            packets,
        })
    }
}
