//! The golden directory: `golden.json`, and per shot its schedule and thumbnails under `shots/`.

use std::path::{Path, PathBuf};

use scene_plan::schedule::{FilmSchedule, ShotSchedule, SCHEDULE_VERSION};
use serde::{Deserialize, Serialize};

use crate::capture::{schedule_hash, CurrentShot};
use crate::thumbnail::{decode_png, encode_png};

/// Version of the golden directory's layout.
pub const GOLDEN_FORMAT: u32 = 1;

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
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GoldenIndex {
    pub format: u32,
    pub schedule_version: u32,
    pub backend: String,
    pub title: String,
    pub shots: Vec<GoldenShot>,
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
    };
    for shot in shots {
        let name = &shot.schedule.name;
        let json = serde_json::to_string_pretty(&shot.schedule).unwrap_or_default();
        let path = staging.join(schedule_file(name));
        std::fs::write(&path, json + "\n").map_err(|e| err(&path, e))?;
        let mut thumbs = Vec::new();
        for (frame, image) in &shot.thumbnails {
            let file = thumb_file(name, *frame);
            let path = staging.join(&file);
            std::fs::write(&path, encode_png(image)).map_err(|e| err(&path, e))?;
            thumbs.push(GoldenThumb {
                frame: *frame,
                file,
            });
        }
        index.shots.push(GoldenShot {
            name: name.clone(),
            schedule_hash: schedule_hash(&shot.schedule),
            start_frame: shot.schedule.start_frame.0,
            frames: shot.schedule.frames.0,
            frame_hashes: shot.frame_hashes.clone(),
            thumbnails: thumbs,
        });
    }
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

pub fn load_golden(dir: &Path) -> Result<Golden, VerifyError> {
    let index_path = dir.join("golden.json");
    if !index_path.is_file() {
        return Err(VerifyError::Missing(dir.to_path_buf()));
    }
    let read_err = |path: &Path, message: String| VerifyError::Read {
        path: path.to_path_buf(),
        message,
    };
    let text =
        std::fs::read_to_string(&index_path).map_err(|e| read_err(&index_path, e.to_string()))?;
    // Read the versions before the rest, so an old layout gets the version message rather than
    // a parse error.
    let raw: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| read_err(&index_path, e.to_string()))?;
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
    let mut schedules = Vec::new();
    let mut thumbnails = Vec::new();
    for shot in &index.shots {
        let path = dir.join(schedule_file(&shot.name));
        let text = std::fs::read_to_string(&path).map_err(|e| read_err(&path, e.to_string()))?;
        schedules.push(serde_json::from_str(&text).map_err(|e| read_err(&path, e.to_string()))?);
        let mut thumbs = Vec::new();
        for t in &shot.thumbnails {
            // Golden paths come from a file in the repository: refuse any that leave the directory.
            if t.file.contains("..") || Path::new(&t.file).is_absolute() {
                return Err(read_err(
                    &index_path,
                    format!("thumbnail path `{}` leaves the golden directory", t.file),
                ));
            }
            let path = dir.join(&t.file);
            let bytes = std::fs::read(&path).map_err(|e| read_err(&path, e.to_string()))?;
            decode_png(&bytes).map_err(|e| read_err(&path, e))?;
            thumbs.push((t.frame, bytes));
        }
        thumbnails.push(thumbs);
    }
    Ok(Golden {
        dir: dir.to_path_buf(),
        index,
        schedules,
        thumbnails,
    })
}
