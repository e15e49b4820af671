//! The golden directory: `golden.json`, and per shot its schedule and thumbnails under `shots/`.
//!
//! Goldens are read as untrusted files, because they are: they arrive through version control,
//! copied between films, merged by hand. Before a single frame is compared, [`load_golden`]
//! checks that every file is a regular file of bounded size (a symlink to `/dev/zero` is not a
//! schedule), that every shot name is an identifier (so `../../victim` names no file outside
//! the directory), that each file is exactly where the layout puts it, and that the checksum
//! `golden.json` carries still matches everything it covers: a truncated or edited hash list
//! is a broken golden, not a renderer regression. [`Golden::check_film`] then refuses goldens
//! made for another film.

use std::io::Read;
use std::path::{Path, PathBuf};

use scene_plan::schedule::{FilmSchedule, ShotSchedule, SCHEDULE_VERSION};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::capture::{hex, schedule_hash, CurrentShot};
use crate::thumbnail::{decode_png, encode_png};

/// Version of the golden directory's layout. 2: `golden.json` carries a `checksum`.
pub const GOLDEN_FORMAT: u32 = 2;

/// Largest `golden.json` and shot schedule read (a 60 s shot's schedule is about 2 MB).
const MAX_JSON_BYTES: u64 = 64 << 20;
/// Largest thumbnail read (a 192-pixel-wide PNG is tens of kilobytes).
const MAX_THUMB_BYTES: u64 = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no goldens at {0}: create them with `scenec verify FILE --golden DIR --bless`")]
    Missing(PathBuf),
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("cannot write goldens to {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error(
        "the goldens in {path} were made with schedule version {found}, and this scenec writes version {expected}: \
         every shot's schedule has a new meaning, so they cannot be compared. Review a render, then re-bless with \
         `scenec verify FILE --golden DIR --bless`"
    )]
    ScheduleVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("the goldens in {path} have layout version {found}; this scenec reads version {expected}. Re-bless them")]
    Format {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    /// Goldens that cannot be trusted: not regular files, a name that is not an identifier, a
    /// file out of place, a checksum that does not match, or another film's.
    #[error("the goldens in {path} cannot be used: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl VerifyError {
    /// True for goldens that are damaged or belong to another film (as opposed to missing,
    /// unreadable or of another version).
    pub fn is_invalid(&self) -> bool {
        matches!(self, VerifyError::Invalid { .. })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GoldenIndex {
    pub format: u32,
    pub schedule_version: u32,
    pub backend: String,
    pub title: String,
    pub shots: Vec<GoldenShot>,
    /// `sha256:` and the hex SHA-256 of everything else in the directory (see [`checksum`]).
    #[serde(default)]
    pub checksum: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GoldenShot {
    pub name: String,
    pub schedule_hash: String,
    pub start_frame: u32,
    pub frames: u32,
    pub frame_hashes: Vec<String>,
    pub thumbnails: Vec<GoldenThumb>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GoldenThumb {
    pub frame: u32,
    /// Relative to the golden directory.
    pub file: String,
}

/// Goldens loaded into memory.
#[derive(Clone, Debug)]
pub struct Golden {
    pub dir: PathBuf,
    pub index: GoldenIndex,
    /// Per shot (same order as `index.shots`): the stored schedule.
    pub schedules: Vec<ShotSchedule>,
    /// Per shot: (frame, PNG bytes) of its thumbnails.
    pub thumbnails: Vec<Vec<(u32, Vec<u8>)>>,
}

fn schedule_file(name: &str) -> String {
    format!("shots/{name}.schedule.json")
}

fn thumb_file(name: &str, frame: u32) -> String {
    format!("shots/{name}-{frame:05}.png")
}

/// Write goldens for `shots` to `dir`, replacing what is there. Written into a sibling
/// temporary directory first and swapped in, so an interrupted bless never leaves a mixture.
pub fn bless(
    dir: &Path,
    film: &FilmSchedule,
    backend: &str,
    shots: &[CurrentShot],
) -> Result<(), VerifyError> {
    let err = |path: &Path, e: std::io::Error| VerifyError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| err(&parent, e))?;
    let base = dir.file_name().and_then(|n| n.to_str()).unwrap_or("golden");
    let staging = parent.join(format!(".{base}.bless-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(staging.join("shots")).map_err(|e| err(&staging, e))?;

    let mut index = GoldenIndex {
        format: GOLDEN_FORMAT,
        schedule_version: SCHEDULE_VERSION,
        backend: backend.to_string(),
        title: film.title.clone(),
        shots: Vec::new(),
        checksum: String::new(),
    };
    // Per shot: the schedule file's bytes, then each thumbnail's.
    let mut contents: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::new();
    for shot in shots {
        let name = &shot.schedule.name;
        let json = serde_json::to_string_pretty(&shot.schedule).unwrap_or_default() + "\n";
        let path = staging.join(schedule_file(name));
        std::fs::write(&path, &json).map_err(|e| err(&path, e))?;
        let mut thumbs = Vec::new();
        let mut pngs = Vec::new();
        for (frame, image) in &shot.thumbnails {
            let file = thumb_file(name, *frame);
            let path = staging.join(&file);
            let png = encode_png(image);
            std::fs::write(&path, &png).map_err(|e| err(&path, e))?;
            pngs.push(png);
            thumbs.push(GoldenThumb {
                frame: *frame,
                file,
            });
        }
        contents.push((json.into_bytes(), pngs));
        index.shots.push(GoldenShot {
            name: name.clone(),
            schedule_hash: schedule_hash(&shot.schedule),
            start_frame: shot.schedule.start_frame.0,
            frames: shot.schedule.frames.0,
            frame_hashes: shot.frame_hashes.clone(),
            thumbnails: thumbs,
        });
    }
    index.checksum = checksum(&index, &contents);
    let index_path = staging.join("golden.json");
    let json = serde_json::to_string_pretty(&index).unwrap_or_default();
    std::fs::write(&index_path, json + "\n").map_err(|e| err(&index_path, e))?;

    // Swap: old aside, new in, old removed.
    let old = parent.join(format!(".{base}.old-{}", std::process::id()));
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(|e| err(dir, e))?;
    }
    if let Err(e) = std::fs::rename(&staging, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        return Err(err(dir, e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// SHA-256 over the index without its checksum, then every shot's schedule file and
/// thumbnails in the index's order, each length-prefixed: what a golden directory holds.
pub fn checksum(index: &GoldenIndex, contents: &[(Vec<u8>, Vec<Vec<u8>>)]) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    let mut unsigned = index.clone();
    unsigned.checksum = String::new();
    field(&serde_json::to_vec(&unsigned).unwrap_or_default());
    for (schedule, thumbs) in contents {
        field(schedule);
        for png in thumbs {
            field(png);
        }
    }
    format!("sha256:{}", hex(&h.finalize()))
}

/// A shot name as the language writes it: a letter or `_`, then letters, digits and `_`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The bytes of a regular file (not a symlink, FIFO or device) of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, VerifyError> {
    let invalid = |message: String| VerifyError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let meta = std::fs::symlink_metadata(path).map_err(|e| VerifyError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if !meta.file_type().is_file() {
        return Err(invalid(format!(
            "{} is not a regular file (goldens are written as plain files; a link or pipe is not one)",
            path.display()
        )));
    }
    if meta.len() > limit {
        return Err(invalid(format!(
            "{} is {} bytes, more than a golden file can be ({limit})",
            path.display(),
            meta.len()
        )));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening the path again must not follow a link swapped in since it was looked at.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| VerifyError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| VerifyError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(invalid(format!(
            "{} grew while it was read",
            path.display()
        )));
    }
    Ok(bytes)
}

pub fn load_golden(dir: &Path) -> Result<Golden, VerifyError> {
    let index_path = dir.join("golden.json");
    if std::fs::symlink_metadata(&index_path).is_err() {
        return Err(VerifyError::Missing(dir.to_path_buf()));
    }
    let read_err = |path: &Path, message: String| VerifyError::Read {
        path: path.to_path_buf(),
        message,
    };
    let invalid = |message: String| VerifyError::Invalid {
        path: dir.to_path_buf(),
        message,
    };
    let bytes = read_bounded(&index_path, MAX_JSON_BYTES)?;
    // Read the versions before the rest, so an old layout gets the version message rather than
    // a parse error.
    let raw: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| read_err(&index_path, e.to_string()))?;
    let version = |key: &str| raw.get(key).and_then(|v| v.as_u64()).unwrap_or(0) as u32;
    if version("format") != GOLDEN_FORMAT {
        return Err(VerifyError::Format {
            path: dir.to_path_buf(),
            found: version("format"),
            expected: GOLDEN_FORMAT,
        });
    }
    if version("schedule_version") != SCHEDULE_VERSION {
        return Err(VerifyError::ScheduleVersion {
            path: dir.to_path_buf(),
            found: version("schedule_version"),
            expected: SCHEDULE_VERSION,
        });
    }
    let index: GoldenIndex =
        serde_json::from_value(raw).map_err(|e| read_err(&index_path, e.to_string()))?;
    // Names first: they become file names.
    let mut seen = std::collections::BTreeSet::new();
    for shot in &index.shots {
        if !is_identifier(&shot.name) {
            return Err(invalid(format!(
                "golden.json names a shot `{}`, which is not a shot name (letters, digits and `_`)",
                shot.name.escape_debug()
            )));
        }
        if !seen.insert(shot.name.as_str()) {
            return Err(invalid(format!(
                "golden.json lists the shot `{}` twice",
                shot.name
            )));
        }
        if shot.frame_hashes.len() != shot.frames as usize {
            return Err(invalid(format!(
                "golden.json has {} frame hashes for the {}-frame shot `{}`",
                shot.frame_hashes.len(),
                shot.frames,
                shot.name
            )));
        }
        for t in &shot.thumbnails {
            if t.file != thumb_file(&shot.name, t.frame) {
                return Err(invalid(format!(
                    "golden.json puts a thumbnail of `{}` at `{}`, not where goldens keep it",
                    shot.name,
                    t.file.escape_debug()
                )));
            }
        }
    }
    let mut contents: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::with_capacity(index.shots.len());
    for shot in &index.shots {
        let schedule = read_bounded(&dir.join(schedule_file(&shot.name)), MAX_JSON_BYTES)?;
        let mut thumbs = Vec::with_capacity(shot.thumbnails.len());
        for t in &shot.thumbnails {
            thumbs.push(read_bounded(&dir.join(&t.file), MAX_THUMB_BYTES)?);
        }
        contents.push((schedule, thumbs));
    }
    let expected = checksum(&index, &contents);
    if index.checksum != expected {
        return Err(invalid(
            "its checksum does not match its files: golden.json or a file under shots/ was \
             edited, truncated or replaced since it was blessed"
                .to_string(),
        ));
    }
    let mut schedules = Vec::with_capacity(contents.len());
    let mut thumbnails = Vec::with_capacity(contents.len());
    for (shot, (schedule, thumbs)) in index.shots.iter().zip(contents) {
        let path = dir.join(schedule_file(&shot.name));
        schedules
            .push(serde_json::from_slice(&schedule).map_err(|e| read_err(&path, e.to_string()))?);
        let mut decoded = Vec::with_capacity(thumbs.len());
        for (t, bytes) in shot.thumbnails.iter().zip(thumbs) {
            let path = dir.join(&t.file);
            decode_png(&bytes).map_err(|e| read_err(&path, e))?;
            decoded.push((t.frame, bytes));
        }
        thumbnails.push(decoded);
    }
    Ok(Golden {
        dir: dir.to_path_buf(),
        index,
        schedules,
        thumbnails,
    })
}

impl Golden {
    /// Refuses goldens blessed for a film of another title: comparing them would report every
    /// shot as changed.
    pub fn check_film(&self, title: &str) -> Result<(), VerifyError> {
        if self.index.title == title {
            return Ok(());
        }
        Err(VerifyError::Invalid {
            path: self.dir.clone(),
            message: format!(
                "they were blessed for the film \"{}\", and this film is \"{title}\" \
                 (if the film was renamed, re-bless them)",
                self.index.title.escape_debug()
            ),
        })
    }
}
