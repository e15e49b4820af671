//! The per-shot cache (`.scene-cache/`): content-addressed, written atomically, verified on read.
//!
//! **Key.** SHA-256 over, in order and length-prefixed: [`CACHE_FORMAT_VERSION`]; the backend's
//! identity (name, weights fingerprint, settings); the film-level fields a backend may read for
//! any shot (schedule version, fps, width, height — not the title, which would invalidate every
//! shot for a rename); the canonical JSON of the shot's schedule without the fields that place it
//! in the film or describe its sound, which do not change its pixels: `start_frame`,
//! `transition_in`, `transition_out` (the compositor applies transitions) and `audio`; the
//! SHA-256 of every conditioning image file as it is on disk now; and for `continues` the
//! SHA-256 of the upstream shot's last frame. `scene` stays in the key: it is cheap to keep and a
//! renderer may caption it. `dialogue` stays too: previz draws captions.
//!
//! The key also holds the encoder's fingerprint ([`crate::encode::segment::encoder_fingerprint`]):
//! entries hold encoded video, so another libx264 build or setting cannot reuse them.
//!
//! **Entry** (`shots/<key>.shot`): the shot as H.264 packets ([`crate::encode::segment`]: one per
//! frame, an IDR every `keyint` frames), which the film copies without decoding, plus the last
//! frame's exact RGB for the shot that `continues` it. Little-endian:
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
//! **Sound** (`shots/<key>.sound`, [`ShotCache::put_sound`]): a backend that generates sound
//! with its picture (ltx2) stores the shot's sound beside its entry. Such backends also add the
//! schedule fields they read beyond the keyed JSON (ltx2: the shot's sound cues, which enter its
//! prompt) through [`crate::backend::Backend::key_extra`]; for other backends it is empty and
//! the key is what it was.
//!
//! Written to a temporary name in the same directory, fsynced, renamed: a crash leaves either
//! no entry or a whole one. A read checks the trailer, header and key before trusting anything;
//! a bad entry is reported as missing (and deleted) so the shot renders again.
//!
//! **Eviction.** A read touches the entry's modification time; `gc` removes the least recently
//! used entries until the cache fits.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use sha2::{Digest, Sha256};

use crate::audio::StereoBuffer;
use crate::backend::BackendIdentity;
use crate::compositor::ShotFrames;
use crate::encode::segment::{decode_segment, EncodedPacket, SegmentDecoder};
use crate::error::RenderError;
use crate::frame::RgbFrame;
use crate::provenance::{canonical_json, hex};

/// Bump when the key's recipe or the entry layout changes.
pub const CACHE_FORMAT_VERSION: u32 = 2;

const MAGIC: &[u8; 8] = b"SCNSHOT\0";
const HEADER_LEN: usize = 8 + 4 * 5 + 32 * 3;
const ZSTD_LEVEL: i32 = 1;
const ENTRY_EXT: &str = "shot";
/// A sound-generating backend's sound for the shot of the same key.
const SOUND_EXT: &str = "sound";
const SOUND_MAGIC: &[u8; 8] = b"SCNSOUND";
/// Temporary files older than this are debris of a killed writer; `gc` removes them.
const STALE_TEMP: Duration = Duration::from_secs(3600);

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
    /// [`crate::backend::Backend::key_extra`] for this shot; empty adds nothing to the key.
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: u64,
    pub bytes: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcReport {
    pub removed_entries: u64,
    pub removed_bytes: u64,
    pub kept: CacheStats,
}

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

/// A size as `scenec cache gc --max-size` takes it: bytes, or a number with a binary suffix
/// `K`, `M`, `G`, `T` (optionally followed by `B` or `iB`): `500M`, `2G`, `1.5GiB`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        other => return Err(format!("unknown size unit `{other}` (use K, M, G or T)")),
    };
    let bytes = number * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bytes as u64)
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
        EntryFrames {
            entry: self,
            decoder: None,
            fed: 0,
            decoded: 0,
            next: 0,
        }
    }

    fn parse(key: CacheKey, bytes: Vec<u8>) -> Option<CacheEntry> {
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

/// A cached shot's frames decoded in order. Skipping ahead starts decoding at the last IDR
/// before the target instead of decoding everything in between.
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

/// The cache directory.
pub struct ShotCache {
    dir: PathBuf,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn is_temp(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tmp-")
}

impl ShotCache {
    /// Open (creating it if needed) the cache at `dir` and check that it is writable.
    pub fn open(dir: &Path) -> Result<Self, RenderError> {
        let cache = ShotCache {
            dir: dir.to_path_buf(),
        };
        let shots = cache.shots_dir();
        fs::create_dir_all(&shots).map_err(|e| RenderError::write(&shots, e))?;
        let probe = shots.join(format!(".probe.tmp-{}", std::process::id()));
        File::create(&probe).map_err(|e| {
            RenderError::write(&shots, format!("the cache directory is not writable ({e})"))
        })?;
        let _ = fs::remove_file(&probe);
        Ok(cache)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn shots_dir(&self) -> PathBuf {
        self.dir.join("shots")
    }

    pub fn entry_path(&self, key: &CacheKey) -> PathBuf {
        self.shots_dir().join(format!("{}.{ENTRY_EXT}", key.hex()))
    }

    /// The verified entry for `key`, or `None` when there is none or it is damaged (a damaged
    /// entry is deleted). Touches the entry for LRU eviction.
    pub fn get(&self, key: &CacheKey) -> Option<CacheEntry> {
        let path = self.entry_path(key);
        let bytes = fs::read(&path).ok()?;
        match CacheEntry::parse(*key, bytes) {
            Some(entry) => {
                if let Ok(file) = File::options().write(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(entry)
            }
            None => {
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    pub fn contains(&self, key: &CacheKey) -> bool {
        self.get(key).is_some()
    }

    /// Store a shot under `key`, atomically. `cancel` is checked before anything is written;
    /// a cancelled or failed write leaves nothing behind.
    pub fn put(
        &self,
        key: &CacheKey,
        shot: &ShotVideo,
        cancel: &AtomicBool,
    ) -> Result<StoredShot, RenderError> {
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
        let final_path = self.entry_path(key);
        let packed_last = zstd::bulk::compress(&last.data, ZSTD_LEVEL)
            .map_err(|e| RenderError::write(&final_path, e))?;

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
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }

        self.write_atomically(key, &final_path, &bytes)?;
        Ok(stored)
    }

    /// Writes `bytes` to a temporary name beside `final_path`, fsyncs and renames it: a crash
    /// leaves either no file or a whole one, and a failed write leaves nothing behind.
    fn write_atomically(
        &self,
        key: &CacheKey,
        final_path: &Path,
        bytes: &[u8],
    ) -> Result<(), RenderError> {
        let temp = self.shots_dir().join(format!(
            ".{}.tmp-{}-{}",
            key.hex(),
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| -> Result<(), RenderError> {
            let mut file = File::create(&temp).map_err(|e| RenderError::write(&temp, e))?;
            file.write_all(bytes)
                .map_err(|e| RenderError::write(&temp, e))?;
            file.sync_all().map_err(|e| RenderError::write(&temp, e))?;
            drop(file);
            fs::rename(&temp, final_path).map_err(|e| RenderError::write(final_path, e))?;
            if let Ok(dir) = File::open(self.shots_dir()) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }

    pub fn sound_path(&self, key: &CacheKey) -> PathBuf {
        self.shots_dir().join(format!("{}.{SOUND_EXT}", key.hex()))
    }

    /// Store the sound a backend generated with the shot under `key` (next to its video entry,
    /// and written before it, so a video entry of a sound-generating backend without its sound
    /// is a miss). Layout, little-endian: magic "SCNSOUND" | format u32 | key [32] |
    /// samples per channel u64 | interleaved stereo f32 at 48 kHz | SHA-256 of every byte above.
    pub fn put_sound(
        &self,
        key: &CacheKey,
        sound: &StereoBuffer,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        let mut bytes = Vec::with_capacity(8 + 4 + 32 + 8 + sound.samples.len() * 4 + 32);
        bytes.extend_from_slice(SOUND_MAGIC);
        bytes.extend_from_slice(&CACHE_FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&key.0);
        bytes.extend_from_slice(&(sound.frames() as u64).to_le_bytes());
        for v in &sound.samples[..sound.frames() * 2] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        let digest = Sha256::digest(&bytes);
        bytes.extend_from_slice(&digest);
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        self.write_atomically(key, &self.sound_path(key), &bytes)
    }

    /// The verified sound stored under `key`, or `None` (a damaged file is deleted).
    pub fn get_sound(&self, key: &CacheKey) -> Option<StereoBuffer> {
        let path = self.sound_path(key);
        let bytes = fs::read(&path).ok()?;
        let parsed = (|| {
            const HEAD: usize = 8 + 4 + 32 + 8;
            let body_len = bytes.len().checked_sub(32)?;
            if body_len < HEAD || Sha256::digest(&bytes[..body_len])[..] != bytes[body_len..] {
                return None;
            }
            if &bytes[..8] != SOUND_MAGIC
                || bytes[8..12] != CACHE_FORMAT_VERSION.to_le_bytes()
                || bytes[12..44] != key.0
            {
                return None;
            }
            let frames = u64::from_le_bytes(bytes[44..52].try_into().ok()?) as usize;
            let data = &bytes[HEAD..body_len];
            if data.len() != frames.checked_mul(8)? {
                return None;
            }
            let samples = data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            Some(StereoBuffer { samples })
        })();
        if parsed.is_none() {
            let _ = fs::remove_file(&path);
        }
        parsed
    }

    fn entries(&self) -> Result<Vec<(PathBuf, u64, SystemTime)>, RenderError> {
        let shots = self.shots_dir();
        let read = match fs::read_dir(&shots) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(RenderError::io(&shots, e)),
        };
        let mut out = Vec::new();
        for item in read {
            let item = item.map_err(|e| RenderError::io(&shots, e))?;
            let path = item.path();
            if path.extension().and_then(|e| e.to_str()) != Some(ENTRY_EXT) {
                continue;
            }
            let meta = item.metadata().map_err(|e| RenderError::io(&path, e))?;
            out.push((
                path,
                meta.len(),
                meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            ));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    pub fn stats(&self) -> Result<CacheStats, RenderError> {
        let entries = self.entries()?;
        Ok(CacheStats {
            entries: entries.len() as u64,
            bytes: entries.iter().map(|e| e.1).sum(),
        })
    }

    /// Remove least recently used entries until the cache holds at most `max_bytes`, and any
    /// temporary file a killed writer left more than an hour ago.
    pub fn gc(&self, max_bytes: u64) -> Result<GcReport, RenderError> {
        let shots = self.shots_dir();
        if let Ok(read) = fs::read_dir(&shots) {
            for item in read.flatten() {
                let name = item.file_name().to_string_lossy().into_owned();
                let old = item
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > STALE_TEMP);
                if is_temp(&name) && old {
                    let _ = fs::remove_file(item.path());
                }
            }
        }
        let mut entries = self.entries()?;
        // Oldest first; the path breaks ties so that eviction is deterministic.
        entries.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0)));
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        let mut report = GcReport::default();
        let mut kept = entries.len() as u64;
        for (path, len, _) in &entries {
            if total <= max_bytes {
                break;
            }
            fs::remove_file(path).map_err(|e| RenderError::write(path, e))?;
            // The shot's generated sound, if any, goes with it (it is not counted separately).
            let _ = fs::remove_file(path.with_extension(SOUND_EXT));
            total -= len;
            kept -= 1;
            report.removed_entries += 1;
            report.removed_bytes += len;
        }
        report.kept = CacheStats {
            entries: kept,
            bytes: total,
        };
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("10K"), Ok(10 * 1024));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert!(parse_size("12X").is_err());
        assert!(parse_size("M").is_err());
    }
}
