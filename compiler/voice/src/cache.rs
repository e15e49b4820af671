//! The per-line cache of what eSpeak NG said: in memory for the life of the process, and on disk
//! in `.scene-cache/voices/` across runs.
//!
//! **Key.** SHA-256 over, length-prefixed: [`FORMAT`], the engine's identity (`eSpeak NG
//! 1.51`), the language, the variant, pitch, range and rate, and the line's text. The mix-side
//! parameters (gain, placement) are not in it: they are applied to the cached utterance each
//! time ([`crate::clip::render`]), so a line that only changes its placement is not spoken again.
//!
//! **Entry** (`voices/<key>.voice`), little-endian:
//! ```text
//! magic "SCNVOICE" | format u32 | key [32] | samples u32 | samples × i16 (22,050 Hz, trimmed)
//! SHA-256 of every byte above [32]
//! ```
//! Written to a temporary name in the same directory and renamed, so a reader sees a whole
//! entry or none; a read checks the trailer and the key, and a bad entry is a miss (and is
//! deleted), never an error.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::atomic_write::write_atomically;
use crate::engine::SynthParams;
use crate::error::VoiceError;

/// Bump when the key's recipe, the entry layout or what is stored (the trim) changes.
pub const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"SCNVOICE";
pub const ENTRY_EXT: &str = "voice";

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct LineKey(pub [u8; 32]);

impl LineKey {
    pub fn new(engine: &str, params: &SynthParams, text: &str) -> LineKey {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        field(&FORMAT.to_le_bytes());
        field(engine.as_bytes());
        field(params.language.as_bytes());
        field(params.variant.as_bytes());
        field(&[params.pitch, params.range]);
        field(&params.rate.to_le_bytes());
        field(text.as_bytes());
        LineKey(h.finalize().into())
    }

    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The seed the line is spoken with: from the line, never from the order of synthesis.
    pub fn seed(&self) -> u32 {
        u32::from_le_bytes([self.0[0], self.0[1], self.0[2], self.0[3]])
    }
}

/// Where lines came from since the cache was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub spoken: u64,
    pub from_memory: u64,
    pub from_disk: u64,
}

pub struct LineCache {
    dir: Option<PathBuf>,
    memory: Mutex<HashMap<LineKey, Arc<[i16]>>>,
    spoken: AtomicU64,
    from_memory: AtomicU64,
    from_disk: AtomicU64,
}

impl LineCache {
    /// `dir` is the `voices/` folder; `None` keeps lines in memory only.
    pub fn new(dir: Option<PathBuf>) -> LineCache {
        LineCache {
            dir,
            memory: Mutex::new(HashMap::new()),
            spoken: AtomicU64::new(0),
            from_memory: AtomicU64::new(0),
            from_disk: AtomicU64::new(0),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            spoken: self.spoken.load(Ordering::Relaxed),
            from_memory: self.from_memory.load(Ordering::Relaxed),
            from_disk: self.from_disk.load(Ordering::Relaxed),
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, HashMap<LineKey, Arc<[i16]>>> {
        // The map only ever holds whole entries: a panic elsewhere cannot leave one half-made.
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached utterance, or `speak()`'s, which is then cached. Two threads asking for the
    /// same missing line may both speak it; they get the same samples.
    pub fn get_or_speak(
        &self,
        key: LineKey,
        speak: impl FnOnce() -> Result<Vec<i16>, VoiceError>,
    ) -> Result<Arc<[i16]>, VoiceError> {
        if let Some(found) = self.memory().get(&key).cloned() {
            self.from_memory.fetch_add(1, Ordering::Relaxed);
            return Ok(found);
        }
        if let Some(found) = self.read(&key) {
            self.from_disk.fetch_add(1, Ordering::Relaxed);
            let found: Arc<[i16]> = found.into();
            self.memory().insert(key, found.clone());
            return Ok(found);
        }
        let samples: Arc<[i16]> = speak()?.into();
        self.spoken.fetch_add(1, Ordering::Relaxed);
        self.write(&key, &samples)?;
        self.memory().insert(key, samples.clone());
        Ok(samples)
    }

    fn path(&self, key: &LineKey) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{}.{ENTRY_EXT}", key.hex())))
    }

    fn read(&self, key: &LineKey) -> Option<Vec<i16>> {
        let path = self.path(key)?;
        let bytes = fs::read(&path).ok()?;
        match parse(key, &bytes) {
            Some(samples) => Some(samples),
            None => {
                // A torn or foreign file: drop it so the line is spoken and written again.
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    fn write(&self, key: &LineKey, samples: &[i16]) -> Result<(), VoiceError> {
        let (Some(dir), Some(path)) = (self.dir.as_ref(), self.path(key)) else {
            return Ok(());
        };
        // A full disk is named as such, as the shot cache names it (the bare errno says only
        // "no space left on device", not which disk).
        let fail = |p: &Path, e: std::io::Error| VoiceError::Cache {
            path: p.to_path_buf(),
            message: if matches!(
                e.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            ) {
                format!(
                    "the disk holding the cache {} is full (no space left while storing a spoken line)",
                    dir.display()
                )
            } else {
                e.to_string()
            },
        };
        fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
        let bytes = encode(key, samples);
        write_atomically(&path, &bytes).map_err(|e| fail(&path, e.source))
    }
}

fn encode(key: &LineKey, samples: &[i16]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + 4 + 32 + 4 + samples.len() * 2 + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    let digest: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&digest);
    out
}

fn parse(key: &LineKey, bytes: &[u8]) -> Option<Vec<i16>> {
    let body_len = bytes.len().checked_sub(32)?;
    let (body, trailer) = bytes.split_at(body_len);
    if Sha256::digest(body).as_slice() != trailer {
        return None;
    }
    if body.get(..8)? != MAGIC || body.get(8..12)? != FORMAT.to_le_bytes() {
        return None;
    }
    if body.get(12..44)? != key.0 {
        return None;
    }
    let count = u32::from_le_bytes(body.get(44..48)?.try_into().ok()?) as usize;
    let data = body.get(48..)?;
    if data.len() != count * 2 {
        return None;
    }
    Some(
        data.chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> SynthParams {
        SynthParams {
            language: "en-us".into(),
            variant: "m3".into(),
            pitch: 40,
            range: 50,
            rate: 170,
        }
    }

    #[test]
    fn keys_cover_the_engine_the_voice_and_the_text() {
        let k = LineKey::new("eSpeak NG 1.51", &params(), "Hello.");
        assert_eq!(k, LineKey::new("eSpeak NG 1.51", &params(), "Hello."));
        assert_ne!(k, LineKey::new("eSpeak NG 1.52", &params(), "Hello."));
        assert_ne!(k, LineKey::new("eSpeak NG 1.51", &params(), "Hello!"));
        let mut p = params();
        p.rate += 1;
        assert_ne!(k, LineKey::new("eSpeak NG 1.51", &p, "Hello."));
    }

    #[test]
    fn entries_round_trip_through_disk_and_bad_ones_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let key = LineKey::new("e", &params(), "a");
        let cache = LineCache::new(Some(dir.path().join("voices")));
        let first = cache.get_or_speak(key, || Ok(vec![1, -2, 3])).unwrap();
        assert_eq!(&*first, &[1, -2, 3]);
        let again = cache.get_or_speak(key, || panic!("spoken twice")).unwrap();
        assert_eq!(first, again);
        assert_eq!(
            cache.stats(),
            CacheStats {
                spoken: 1,
                from_memory: 1,
                from_disk: 0
            }
        );

        let fresh = LineCache::new(Some(dir.path().join("voices")));
        let read = fresh
            .get_or_speak(key, || panic!("not read from disk"))
            .unwrap();
        assert_eq!(&*read, &[1, -2, 3]);
        assert_eq!(fresh.stats().from_disk, 1);

        // A flipped byte is a miss: the line is spoken again and the entry rewritten.
        let path = dir
            .path()
            .join("voices")
            .join(format!("{}.voice", key.hex()));
        let mut bytes = fs::read(&path).unwrap();
        bytes[50] ^= 1;
        fs::write(&path, bytes).unwrap();
        let third = LineCache::new(Some(dir.path().join("voices")));
        let spoken = third.get_or_speak(key, || Ok(vec![1, -2, 3])).unwrap();
        assert_eq!(&*spoken, &[1, -2, 3]);
        assert_eq!(third.stats().spoken, 1);
        let names: Vec<_> = fs::read_dir(dir.path().join("voices"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            names,
            vec![format!("{}.voice", key.hex())],
            "no temporary files left"
        );
    }
}
