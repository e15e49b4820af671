//! Where entries live: the [`ShotStore`] seam the render pipeline reads and writes shots
//! through, and [`ShotCache`], the directory store (`.scene-cache/shots/<key>.shot`, and
//! `<key>.sound` beside it for a backend that generates sound).
//!
//! A store moves whole entries: it writes the bytes [`super::entry::serialize`] makes and hands
//! back only entries that [`CacheEntry::parse`] accepts, so every store shares the format and
//! its checks and differs only in where the bytes go. Sounds go the same way through
//! [`serialize_sound`] and [`parse_sound`].
//!
//! The directory store writes to a temporary name in the same directory, fsyncs and renames: a
//! crash leaves either no entry or a whole one. A read checks the entry before trusting
//! anything; a bad entry is reported as missing (and deleted) so the shot renders again.
//!
//! **Eviction.** A read touches the entry's modification time; [`ShotCache::gc`] removes the
//! least recently used entries until the cache fits.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use scene_previz::error::RenderError;

use super::entry::{serialize, CacheEntry, ShotVideo, StoredShot};
use super::key::CacheKey;
use super::sound::{parse_sound, serialize_sound};
use crate::audio::StereoBuffer;

/// Where the render pipeline keeps shots between runs (and between the render threads and the
/// film's assembly within a run).
pub trait ShotStore: Send + Sync {
    /// The verified entry for `key`, or `None` when there is none or it is damaged (a store
    /// removes a damaged entry, so the shot renders again). A store that touches entries for
    /// eviction does so here.
    fn get(&self, key: &CacheKey) -> Option<CacheEntry>;

    /// Store a shot under `key`, atomically: a later [`ShotStore::get`] sees the whole entry or
    /// none. `cancel` is checked before anything is written; a cancelled or failed write leaves
    /// nothing behind.
    fn put(
        &self,
        key: &CacheKey,
        shot: &ShotVideo,
        cancel: &AtomicBool,
    ) -> Result<StoredShot, RenderError>;

    /// The verified sound a backend generated with the shot under `key`, or `None` when there
    /// is none or it is damaged (a store removes a damaged sound, so the shot renders again).
    fn get_sound(&self, key: &CacheKey) -> Option<StereoBuffer>;

    /// Store the sound a backend generated with the shot under `key`, atomically, like
    /// [`ShotStore::put`]. The pipeline stores it before the shot's entry.
    fn put_sound(
        &self,
        key: &CacheKey,
        sound: &StereoBuffer,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError>;
}

const ENTRY_EXT: &str = "shot";
/// A sound-generating backend's sound for the shot of the same key.
const SOUND_EXT: &str = "sound";
/// Temporary files older than this are debris of a killed writer; `gc` removes them.
const STALE_TEMP: Duration = Duration::from_secs(3600);

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

    pub fn sound_path(&self, key: &CacheKey) -> PathBuf {
        self.shots_dir().join(format!("{}.{SOUND_EXT}", key.hex()))
    }

    pub fn contains(&self, key: &CacheKey) -> bool {
        self.get(key).is_some()
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

impl ShotCache {
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
}

impl ShotStore for ShotCache {
    fn get(&self, key: &CacheKey) -> Option<CacheEntry> {
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

    fn put(
        &self,
        key: &CacheKey,
        shot: &ShotVideo,
        cancel: &AtomicBool,
    ) -> Result<StoredShot, RenderError> {
        let (bytes, stored) = serialize(key, shot)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        self.write_atomically(key, &self.entry_path(key), &bytes)?;
        Ok(stored)
    }

    fn get_sound(&self, key: &CacheKey) -> Option<StereoBuffer> {
        let path = self.sound_path(key);
        let bytes = fs::read(&path).ok()?;
        let sound = parse_sound(key, &bytes);
        if sound.is_none() {
            let _ = fs::remove_file(&path);
        }
        sound
    }

    fn put_sound(
        &self,
        key: &CacheKey,
        sound: &StereoBuffer,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        let bytes = serialize_sound(key, sound);
        if cancel.load(Ordering::Relaxed) {
            return Err(RenderError::Interrupted);
        }
        self.write_atomically(key, &self.sound_path(key), &bytes)
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
