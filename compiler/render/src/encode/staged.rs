//! Output files written under a temporary name beside their destination and renamed into place
//! only when complete: a failed or interrupted render never leaves a broken file where the
//! user expects the result.

use std::fs;
use std::path::{Path, PathBuf};

use scene_previz::error::RenderError;

/// A file being written. Dropped without [`StagedFile::commit`], it removes its temporary file.
#[derive(Debug)]
pub struct StagedFile {
    temp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl StagedFile {
    /// Reserve `dest`: checks that its directory exists and is writable, and names the temporary
    /// file `DEST.tmp-PID` (the project's `.gitignore` knows the pattern).
    pub fn new(dest: &Path) -> Result<Self, RenderError> {
        let file_name = dest
            .file_name()
            .ok_or_else(|| RenderError::write(dest, "not a file path"))?
            .to_string_lossy()
            .into_owned();
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(RenderError::write(
                dest,
                format!("directory {} does not exist", dir.display()),
            ));
        }
        if dest.is_dir() {
            return Err(RenderError::write(dest, "is a directory"));
        }
        remove_stale_temps(&dir, &file_name);
        let temp = dir.join(format!("{file_name}.tmp-{}", std::process::id()));
        // Probe now, so an unwritable destination fails before any expensive work.
        fs::File::create(&temp).map_err(|e| RenderError::write(dest, e))?;
        Ok(StagedFile {
            temp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    pub fn write_all(&self, bytes: &[u8]) -> Result<(), RenderError> {
        fs::write(&self.temp, bytes).map_err(|e| RenderError::write(&self.dest, e))
    }

    /// Flush the temporary file to disk and rename it over the destination.
    pub fn commit(self) -> Result<PathBuf, RenderError> {
        self.sync()?;
        self.rename_synced()
    }

    /// Flush the temporary file to disk: the first half of [`StagedFile::commit`], which a
    /// render runs for its four outputs side by side (the disk then writes them in one go
    /// instead of one after another).
    pub fn sync(&self) -> Result<(), RenderError> {
        let file = fs::File::options()
            .write(true)
            .open(&self.temp)
            .map_err(|e| RenderError::write(&self.dest, e))?;
        file.sync_all()
            .map_err(|e| RenderError::write(&self.dest, e))
    }

    /// Rename the temporary file, already [`StagedFile::sync`]ed, over the destination.
    pub fn rename_synced(mut self) -> Result<PathBuf, RenderError> {
        fs::rename(&self.temp, &self.dest).map_err(|e| RenderError::write(&self.dest, e))?;
        self.committed = true;
        Ok(self.dest.clone())
    }
}

/// What a render stages beside its MP4 (`film.mp4`, `film.srt`, `film.vtt`,
/// `film.provenance.json`): temporary files with these endings are a render's, whatever the
/// film is called.
const RENDER_OUTPUTS: &[&str] = &[".mp4", ".srt", ".vtt", ".provenance.json"];

/// Remove the temporary files of writers that are gone (killed with `kill -9`, or by a power
/// cut, before they could clean up): `FILE.tmp-PID` for `file_name` itself and for every render
/// output in `dir`, whose process `PID` no longer exists. Only regular files are removed, only
/// where a process table can be asked (Linux `/proc`); elsewhere they stay, harmless. A PID
/// reused by another process keeps its file: that only delays the clean-up.
fn remove_stale_temps(dir: &Path, file_name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some((stem, pid)) = name.rsplit_once(".tmp-") else {
            continue;
        };
        let ours = stem == file_name || RENDER_OUTPUTS.iter().any(|ext| stem.ends_with(ext));
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !ours || pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}
