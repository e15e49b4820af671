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
//!
//! **What is a cache.** A cache folder holds a `CACHEDIR.TAG` (the Cache Directory Tagging
//! format, so backup tools skip it too). `gc` and `stats` work only on a folder that has one, so
//! that pointing them at another folder deletes nothing; a render tags the caches it opens.
//! Every render holds a shared lock on the tag for as long as it runs and `gc` needs it
//! exclusively: `gc` never removes an entry a live render may still read.
//!
//! **Links.** Nothing inside the cache is followed: `shots/` must be a real folder, entries are
//! opened with `O_NOFOLLOW`, and an entry that is not a regular file is damaged (the link, not
//! its target, is removed). A read takes at most the size the entry's `fstat` declares.
//!
//! **Read-only caches.** A cache that cannot be written opens read-only: every shot it holds is
//! reused, and a shot it lacks is a clear error naming the cache, since the film's assembly reads
//! each shot back from the store.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use scene_previz::error::RenderError;
use scene_voice::atomic_write::{write_atomically, WriteStep};

use super::entry::{serialize, CacheEntry, ShotVideo, StoredShot};
use super::key::CacheKey;
use super::lease::{self, Claim, LeaseInfo, LeaseStore, LEASE_TTL};
use super::sound::{parse_sound, serialize_sound, sound_fits, SOUND_HEAD_LEN};
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

    /// Claim the right to render `key` (see [`super::lease`]). A store that one process owns
    /// needs no leases and grants every claim.
    fn claim(&self, _key: &CacheKey) -> Result<Claim, RenderError> {
        Ok(Claim::Granted(Box::new(())))
    }

    /// The lease on `key` (see [`super::lease`]), for `scenec farm status`; `None` when there
    /// is none, and always for a store that keeps no leases.
    fn lease(&self, _key: &CacheKey) -> Result<Option<LeaseInfo>, RenderError> {
        Ok(None)
    }

    /// The verified sound a backend generated with the shot under `key`, or `None` when there
    /// is none or it is damaged (a store removes a damaged sound, so the shot renders again).
    fn get_sound(&self, key: &CacheKey) -> Option<StereoBuffer>;

    /// Whether a whole sound for `key` is stored, read from its header and size alone (see
    /// [`super::sound::sound_fits`]): what deciding that a shot is cached needs, without
    /// reading every sample. Defaults to [`ShotStore::get_sound`].
    fn has_sound(&self, key: &CacheKey) -> bool {
        self.get_sound(key).is_some()
    }

    /// Store the sound a backend generated with the shot under `key`, atomically, like
    /// [`ShotStore::put`]. The pipeline stores it before the shot's entry.
    fn put_sound(
        &self,
        key: &CacheKey,
        sound: &StereoBuffer,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError>;
}

/// The store `--cache` names: an object store (`s3://bucket/prefix`, with the
/// `object-store` feature) or a directory. Its leases live `lease_ttl` without renewal
/// ([`LEASE_TTL`] unless a farm chooses otherwise).
pub fn open_store(location: &str, lease_ttl: Duration) -> Result<Box<dyn ShotStore>, String> {
    if location.contains("://") {
        #[cfg(feature = "object-store")]
        if location.starts_with("s3://") {
            return super::object::ObjectCache::open(location)
                .map(|c| Box::new(c.with_lease_ttl(lease_ttl)) as Box<dyn ShotStore>);
        }
        return Err(format!(
            "`{location}`: the cache is a directory or an S3-compatible object store (s3://bucket/prefix){}",
            if cfg!(feature = "object-store") {
                ""
            } else {
                "; this scenec was built without object-store support"
            }
        ));
    }
    ShotCache::open(Path::new(location))
        .map(|c| Box::new(c.with_lease_ttl(lease_ttl)) as Box<dyn ShotStore>)
        .map_err(|e| e.to_string())
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

/// The marker that makes a folder a cache, in the Cache Directory Tagging format.
const TAG_NAME: &str = "CACHEDIR.TAG";
const TAG_SIGNATURE: &str = "Signature: 8a477f597d28d172789f06886806bc55";

/// Why `gc` or `stats` would not touch a folder, or the I/O error that stopped them.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The folder has no `CACHEDIR.TAG` of scenec's (or it, or `shots/`, is not what a cache
    /// holds): nothing in it is deleted.
    #[error("{dir} is not a scenec shot cache ({reason})")]
    NotACache { dir: PathBuf, reason: String },
    /// A render holds the cache: `gc` would remove entries it may still read.
    #[error("a render is using the cache {dir}")]
    InUse { dir: PathBuf },
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// The cache directory.
pub struct ShotCache {
    dir: PathBuf,
    /// Leases for workers that share the directory (a farm on a shared file system).
    leases: std::sync::Arc<DirLeases>,
    holder: String,
    lease_ttl: Duration,
    /// The open tag, locked shared while this cache is open (exclusively during `gc`); `None`
    /// for a read-only cache that was never tagged.
    tag: Option<File>,
    writable: bool,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn is_temp(name: &str) -> bool {
    name.starts_with('.') && name.contains(".tmp-")
}

impl ShotCache {
    /// Open (creating and tagging it if needed) the cache at `dir` for a render, and lock it
    /// shared until the cache is dropped. A cache that exists but cannot be written opens
    /// read-only (see the module docs).
    pub fn open(dir: &Path) -> Result<Self, RenderError> {
        let shots = dir.join("shots");
        if let Err(e) = fs::create_dir_all(&shots) {
            // A read-only cache that already holds its shots is still a cache to read.
            if !(read_only(&e) && real_dir(&shots).is_ok()) {
                return Err(RenderError::write(&shots, e));
            }
        }
        real_dir(&shots).map_err(|reason| RenderError::io(&shots, reason))?;
        let probe = shots.join(format!(
            ".probe.tmp-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let writable = match File::options().write(true).create_new(true).open(&probe) {
            Ok(_) => {
                let _ = fs::remove_file(&probe);
                true
            }
            Err(e) if read_only(&e) => false,
            Err(e) => {
                return Err(RenderError::write(
                    &shots,
                    format!("the cache directory is not writable ({e})"),
                ))
            }
        };
        let tag_path = dir.join(TAG_NAME);
        if writable && fs::symlink_metadata(&tag_path).is_err() {
            write_tag(dir).map_err(|e| RenderError::write(&tag_path, e))?;
        }
        let tag = match open_tag(dir) {
            Ok(tag) => Some(tag),
            Err(_) if !writable => None,
            Err(reason) => return Err(RenderError::io(&tag_path, reason)),
        };
        if let Some(tag) = &tag {
            tag.lock_shared()
                .map_err(|e| RenderError::io(&tag_path, format!("cannot lock the cache ({e})")))?;
        }
        Ok(ShotCache {
            dir: dir.to_path_buf(),
            tag,
            writable,
            leases: DirLeases::shared(dir),
            holder: lease::holder_name(),
            lease_ttl: LEASE_TTL,
        })
    }

    /// Open the cache at `dir` for `gc` or `stats`: it must already be a tagged cache. Creates
    /// and locks nothing.
    pub fn existing(dir: &Path) -> Result<Self, CacheError> {
        let not = |reason: String| CacheError::NotACache {
            dir: dir.to_path_buf(),
            reason,
        };
        let tag = open_tag(dir).map_err(not)?;
        real_dir(&dir.join("shots")).map_err(not)?;
        Ok(ShotCache {
            dir: dir.to_path_buf(),
            tag: Some(tag),
            writable: true,
            leases: DirLeases::shared(dir),
            holder: lease::holder_name(),
            lease_ttl: LEASE_TTL,
        })
    }

    /// Leases this cache grants live `ttl` without renewal (default [`LEASE_TTL`]).
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }

    /// Whether shots can be stored here (a read-only cache serves only what it holds).
    pub fn is_writable(&self) -> bool {
        self.writable
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
            // `DirEntry::metadata` does not follow links: a link is not an entry.
            let meta = item.metadata().map_err(|e| RenderError::io(&path, e))?;
            if !meta.is_file() {
                continue;
            }
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

    /// Remove least recently used entries until the cache holds at most `max_bytes`, any
    /// temporary file a killed writer left more than an hour ago, and any `.shot` name that is
    /// not a regular file (a link is removed, never followed). Refused while a render holds the
    /// cache ([`CacheError::InUse`]).
    pub fn gc(&self, max_bytes: u64) -> Result<GcReport, CacheError> {
        let Some(tag) = &self.tag else {
            return Err(CacheError::NotACache {
                dir: self.dir.clone(),
                reason: format!("it has no {TAG_NAME}"),
            });
        };
        match tag.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(CacheError::InUse {
                    dir: self.dir.clone(),
                })
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(RenderError::io(self.dir.join(TAG_NAME), e).into())
            }
        }
        let report = self.gc_locked(max_bytes);
        // Back to the shared lock this cache held before (none, for `existing`, is harmless).
        let _ = tag.lock_shared();
        report.map_err(CacheError::from)
    }

    fn gc_locked(&self, max_bytes: u64) -> Result<GcReport, RenderError> {
        let shots = self.shots_dir();
        if let Ok(read) = fs::read_dir(&shots) {
            for item in read.flatten() {
                let name = item.file_name().to_string_lossy().into_owned();
                let odd_entry = name.ends_with(&format!(".{ENTRY_EXT}"))
                    && item
                        .file_type()
                        .is_ok_and(|t| t.is_symlink() || t.is_fifo() || t.is_socket());
                if odd_entry {
                    let _ = fs::remove_file(item.path());
                    continue;
                }
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
    /// A failed write of an entry; a full disk is named as such (the bare errno says only "no
    /// space left on device", not which disk).
    fn write_error(&self, temp: &Path, e: std::io::Error) -> RenderError {
        if matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ) {
            RenderError::write(
                temp,
                format!(
                    "the disk holding the cache {} is full (no space left while storing a shot)",
                    self.dir.display()
                ),
            )
        } else {
            RenderError::write(temp, e)
        }
    }

    /// Writes an entry or a sound through [`write_atomically`] (a crash leaves either no file or
    /// a whole one, a failed write nothing), then syncs the folder so that the rename itself
    /// survives a power cut.
    fn write_file(&self, final_path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
        if !self.writable {
            return Err(RenderError::write(
                final_path,
                format!(
                    "the cache {} is read-only and does not hold this shot; make it writable \
                     or render with a writable cache",
                    self.dir.display()
                ),
            ));
        }
        write_atomically(final_path, bytes).map_err(|e| match e.step {
            WriteStep::Write => self.write_error(&e.path, e.source),
            WriteStep::Create | WriteStep::Rename => RenderError::write(&e.path, e.source),
        })?;
        if let Ok(dir) = File::open(self.shots_dir()) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl ShotStore for ShotCache {
    fn claim(&self, key: &CacheKey) -> Result<Claim, RenderError> {
        if !self.writable {
            // Nothing can be stored here, so there is no work to share; `put` says why.
            return Ok(Claim::Granted(Box::new(())));
        }
        lease::claim(&self.leases, key, &self.holder, self.lease_ttl)
    }

    fn lease(&self, key: &CacheKey) -> Result<Option<LeaseInfo>, RenderError> {
        lease::read(&*self.leases, key)
    }

    fn get(&self, key: &CacheKey) -> Option<CacheEntry> {
        let path = self.entry_path(key);
        let (file, bytes) = match read_entry(&path) {
            EntryRead::Missing => return None,
            EntryRead::Damaged => {
                if self.writable {
                    let _ = fs::remove_file(&path);
                }
                return None;
            }
            EntryRead::Read(file, bytes) => (file, bytes),
        };
        match CacheEntry::parse(*key, bytes) {
            Some(entry) => {
                // Touched through the descriptor just read: no second open, no link followed.
                if self.writable {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(entry)
            }
            None => {
                if self.writable {
                    let _ = fs::remove_file(&path);
                }
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
        self.write_file(&self.entry_path(key), &bytes)?;
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

    fn has_sound(&self, key: &CacheKey) -> bool {
        let Ok(file) = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(self.sound_path(key))
        else {
            return false;
        };
        let Ok(meta) = file.metadata() else {
            return false;
        };
        let mut head = Vec::with_capacity(SOUND_HEAD_LEN);
        meta.is_file()
            && (&file)
                .take(SOUND_HEAD_LEN as u64)
                .read_to_end(&mut head)
                .is_ok()
            && sound_fits(key, &head, meta.len())
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
        self.write_file(&self.sound_path(key), &bytes)
    }
}

/// What reading one entry found.
enum EntryRead {
    Missing,
    /// Not a regular file (a link, a FIFO, a device, a folder) or not readable whole.
    Damaged,
    Read(File, Vec<u8>),
}

/// Read the entry at `path` without following a link or blocking on a FIFO, and no more bytes
/// than its `fstat` size declares.
fn read_entry(path: &Path) -> EntryRead {
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return EntryRead::Missing,
        Err(_) => return EntryRead::Damaged,
    };
    let Ok(meta) = file.metadata() else {
        return EntryRead::Damaged;
    };
    if !meta.is_file() {
        return EntryRead::Damaged;
    }
    let Ok(len) = usize::try_from(meta.len()) else {
        return EntryRead::Damaged;
    };
    let mut bytes = Vec::with_capacity(len);
    match (&file).take(meta.len()).read_to_end(&mut bytes) {
        Ok(n) if n == len => EntryRead::Read(file, bytes),
        _ => EntryRead::Damaged,
    }
}

/// Whether a failed write means the folder cannot be written at all (a read-only mount or
/// permissions), rather than a fault.
fn read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

/// `Ok` when `path` is a folder itself, not a link to one.
fn real_dir(path: &Path) -> Result<(), String> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(m) if m.file_type().is_symlink() => Err(format!(
            "{} is a symbolic link; links inside the cache are not followed",
            path.display()
        )),
        Ok(_) => Err(format!("{} is not a folder", path.display())),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Write `CACHEDIR.TAG` into `dir` under a temporary name, then rename it into place.
fn write_tag(dir: &Path) -> std::io::Result<()> {
    let text = format!(
        "{TAG_SIGNATURE}\n\
         # This folder is a shot cache made by scenec; \
         `scenec cache gc` removes its least recently used entries.\n"
    );
    Ok(write_atomically(&dir.join(TAG_NAME), text.as_bytes())?)
}

/// Open `dir`'s tag, unfollowed, and check that it is one of ours.
fn open_tag(dir: &Path) -> Result<File, String> {
    let path = dir.join(TAG_NAME);
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("it has no {TAG_NAME}"),
            _ => format!("cannot open its {TAG_NAME}: {e}"),
        })?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("its {TAG_NAME} is not a regular file"));
    }
    let mut head = vec![0u8; TAG_SIGNATURE.len()];
    (&file)
        .take(TAG_SIGNATURE.len() as u64)
        .read_exact(&mut head)
        .map_err(|_| format!("its {TAG_NAME} is not a cache tag"))?;
    if head != TAG_SIGNATURE.as_bytes() {
        return Err(format!("its {TAG_NAME} is not a cache tag"));
    }
    Ok(file)
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

/// Leases as files in `.scene-cache/leases/`: created with `O_EXCL`, renewed by writing a
/// temporary file and renaming it over the lease. A version is the record itself (it holds the
/// holder and its expiry, so two writes never look alike).
struct DirLeases {
    dir: PathBuf,
}

impl DirLeases {
    fn shared(cache: &Path) -> std::sync::Arc<DirLeases> {
        std::sync::Arc::new(DirLeases {
            dir: cache.join("leases"),
        })
    }

    fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.lease", key.hex()))
    }
}

impl LeaseStore for DirLeases {
    type Version = Vec<u8>;

    fn create(&self, key: &CacheKey, record: &[u8]) -> Result<Option<Vec<u8>>, RenderError> {
        fs::create_dir_all(&self.dir).map_err(|e| RenderError::write(&self.dir, e))?;
        let path = self.path(key);
        match File::options().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(record)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| RenderError::write(&path, e))?;
                Ok(Some(record.to_vec()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
            Err(e) => Err(RenderError::write(&path, e)),
        }
    }

    fn read(&self, key: &CacheKey) -> Result<Option<(Vec<u8>, Vec<u8>)>, RenderError> {
        let path = self.path(key);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some((bytes.clone(), bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RenderError::io(&path, e)),
        }
    }

    fn replace(
        &self,
        key: &CacheKey,
        seen: &Vec<u8>,
        record: &[u8],
    ) -> Result<Option<Vec<u8>>, RenderError> {
        let path = self.path(key);
        match fs::read(&path) {
            Ok(current) if &current == seen => {}
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(RenderError::io(&path, e)),
        }
        match write_atomically(&path, record) {
            Ok(()) => Ok(Some(record.to_vec())),
            Err(e) => Err(RenderError::write(&path, e.source)),
        }
    }

    fn delete(&self, key: &CacheKey) {
        let _ = fs::remove_file(self.path(key));
    }
}
