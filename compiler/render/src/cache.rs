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
//! **Entry** (`shots/<key>.shot`), little-endian:
//! ```text
//! magic "SCNSHOT\0" | format u32 | width u32 | height u32 | frames u32
//! key [32] | SHA-256 of the last frame's RGB [32] | SHA-256 of all frames' RGB [32]
//! per frame: compressed length u32, zstd-compressed RGB
//! SHA-256 of every byte above [32]
//! ```
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

use crate::backend::BackendIdentity;
use crate::compositor::ShotFrames;
use crate::error::RenderError;
use crate::frame::RgbFrame;
use crate::provenance::{canonical_json, hex};

/// Bump when the key's recipe or the entry layout changes.
pub const CACHE_FORMAT_VERSION: u32 = 1;

const MAGIC: &[u8; 8] = b"SCNSHOT\0";
const HEADER_LEN: usize = 8 + 4 * 4 + 32 * 3;
const ZSTD_LEVEL: i32 = 1;
const ENTRY_EXT: &str = "shot";
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

/// Hashes of a stored shot's frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredShot {
    pub last_frame_sha256: String,
    pub frames_sha256: String,
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

/// A verified entry, held compressed in memory; frames decompress one at a time.
pub struct CacheEntry {
    pub key: CacheKey,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    /// SHA-256 (hex) of the last frame's RGB.
    pub last_frame_sha256: String,
    /// SHA-256 (hex) of all frames' RGB, in order.
    pub frames_sha256: String,
    bytes: Vec<u8>,
    /// Byte range of each compressed frame in `bytes`.
    spans: Vec<(usize, usize)>,
}

impl CacheEntry {
    pub fn frame(&self, index: u32) -> Result<RgbFrame, RenderError> {
        let &(start, end) = self.spans.get(index as usize).ok_or_else(|| {
            RenderError::Schedule(format!("cache entry {} has no frame {index}", self.key))
        })?;
        let len = self.width as usize * self.height as usize * 3;
        let data = zstd::bulk::decompress(&self.bytes[start..end], len)
            .map_err(|e| RenderError::decode(format!("cache entry {}", self.key), e))?;
        if data.len() != len {
            return Err(RenderError::decode(
                format!("cache entry {}", self.key),
                "frame has the wrong size",
            ));
        }
        Ok(RgbFrame {
            width: self.width,
            height: self.height,
            data,
        })
    }

    pub fn last_frame(&self) -> Result<RgbFrame, RenderError> {
        self.frame(self.frames.saturating_sub(1))
    }

    /// The frames in order, for the compositor.
    pub fn reader(self) -> EntryFrames {
        EntryFrames {
            entry: self,
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
        if u32_at(8) != CACHE_FORMAT_VERSION || bytes[24..56] != key.0 {
            return None;
        }
        let (width, height, frames) = (u32_at(12), u32_at(16), u32_at(20));
        let last_frame_sha256 = hex(&bytes[56..88]);
        let frames_sha256 = hex(&bytes[88..120]);
        let mut spans = Vec::with_capacity(frames as usize);
        let mut at = HEADER_LEN;
        for _ in 0..frames {
            if at + 4 > body {
                return None;
            }
            let len = u32_at(at) as usize;
            at += 4;
            if at + len > body {
                return None;
            }
            spans.push((at, at + len));
            at += len;
        }
        if at != body {
            return None;
        }
        Some(CacheEntry {
            key,
            width,
            height,
            frames,
            last_frame_sha256,
            frames_sha256,
            bytes,
            spans,
        })
    }
}

pub struct EntryFrames {
    entry: CacheEntry,
    next: u32,
}

impl ShotFrames for EntryFrames {
    fn next_frame(&mut self) -> Result<RgbFrame, RenderError> {
        let frame = self.entry.frame(self.next)?;
        self.next += 1;
        Ok(frame)
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

    /// Store a shot's frames under `key`, atomically. `cancel` is checked between frames; a
    /// cancelled write leaves nothing behind.
    pub fn put(
        &self,
        key: &CacheKey,
        frames: &[RgbFrame],
        cancel: &AtomicBool,
    ) -> Result<StoredShot, RenderError> {
        let (width, height) = match frames.first() {
            Some(f) => (f.width, f.height),
            None => return Err(RenderError::Schedule("a shot with no frames".into())),
        };
        let frame_len = width as usize * height as usize * 3;
        let mut all = Sha256::new();
        for f in frames {
            if f.width != width || f.height != height || f.data.len() != frame_len {
                return Err(RenderError::Schedule(
                    "frames of one shot differ in size".into(),
                ));
            }
            all.update(&f.data);
        }
        let last = frames
            .last()
            .map(|f| Sha256::digest(&f.data))
            .unwrap_or_default();
        let all = all.finalize();
        let stored = StoredShot {
            last_frame_sha256: hex(&last),
            frames_sha256: hex(&all),
        };

        let final_path = self.entry_path(key);
        let temp = self.shots_dir().join(format!(
            ".{}.tmp-{}-{}",
            key.hex(),
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| -> Result<(), RenderError> {
            let file = File::create(&temp).map_err(|e| RenderError::write(&temp, e))?;
            let mut out = HashingWriter {
                inner: std::io::BufWriter::new(file),
                hash: Sha256::new(),
            };
            let w = |out: &mut HashingWriter, bytes: &[u8]| {
                out.write_all(bytes)
                    .map_err(|e| RenderError::write(&temp, e))
            };
            w(&mut out, MAGIC)?;
            for v in [CACHE_FORMAT_VERSION, width, height, frames.len() as u32] {
                w(&mut out, &v.to_le_bytes())?;
            }
            w(&mut out, &key.0)?;
            w(&mut out, &last)?;
            w(&mut out, &all)?;
            let mut compressor = zstd::bulk::Compressor::new(ZSTD_LEVEL)
                .map_err(|e| RenderError::write(&temp, e))?;
            for f in frames {
                if cancel.load(Ordering::Relaxed) {
                    return Err(RenderError::Interrupted);
                }
                let packed = compressor
                    .compress(&f.data)
                    .map_err(|e| RenderError::write(&temp, e))?;
                w(&mut out, &(packed.len() as u32).to_le_bytes())?;
                w(&mut out, &packed)?;
            }
            let digest = out.hash.clone().finalize();
            w(&mut out, &digest)?;
            let file = out
                .inner
                .into_inner()
                .map_err(|e| RenderError::write(&temp, e.error()))?;
            file.sync_all().map_err(|e| RenderError::write(&temp, e))?;
            drop(file);
            fs::rename(&temp, &final_path).map_err(|e| RenderError::write(&final_path, e))?;
            if let Ok(dir) = File::open(self.shots_dir()) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result.map(|()| stored)
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

/// Hashes what it writes, so the trailer needs no second pass over the entry.
struct HashingWriter {
    inner: std::io::BufWriter<File>,
    hash: Sha256,
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
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
