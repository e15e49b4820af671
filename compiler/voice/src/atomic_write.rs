//! Writing a file so that a reader finds the old file or the whole new one, never part of one:
//! the bytes go to a hidden temporary name beside the target (`.NAME.tmp-PID-N`), are flushed to
//! disk and renamed over it; a failed write removes its temporary file. ARCHITECTURE.md makes
//! this an invariant for outputs and cache entries, and the voice cache, the shot cache and the
//! cli's outputs all write through this one function. It lives in this crate because this is
//! the lowest crate that writes such files: every crate above already depends on it.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Makes temporary names unique within the process; the PID makes them unique between
/// processes sharing a folder (farm workers on one file system).
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// How many taken temporary names (leftovers of a killed process whose PID came back) are
/// passed over before giving up.
const ATTEMPTS: u32 = 16;

/// The step of [`write_atomically`] that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteStep {
    /// Creating the temporary file.
    Create,
    /// Writing the bytes to the temporary file or flushing them to disk.
    Write,
    /// Renaming the temporary file over the target.
    Rename,
}

/// A failed [`write_atomically`]: nothing was left behind, the target is as it was.
#[derive(Debug)]
pub struct WriteError {
    pub step: WriteStep,
    /// The file the failed step worked on: the temporary file, or the target for
    /// [`WriteStep::Rename`].
    pub path: PathBuf,
    pub source: io::Error,
}

/// Shows the I/O error alone, as callers showed it before they shared this function; they name
/// the file themselves.
impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.source.fmt(f)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> io::Error {
        e.source
    }
}

/// Writes `bytes` to `path` through a temporary name beside it (so that the rename never
/// crosses file systems), flushed to disk before the rename. The temporary file is created
/// with `O_EXCL`: whatever already stands at a name (a leftover, a planted link) is neither
/// followed nor reused, and the next name is tried. On any failure the temporary file is
/// removed and `path` keeps what it held.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or(OsStr::new("output"));
    let (temp, mut file) = create_temp(dir, name)?;
    let written = file
        .write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|source| WriteError {
            step: WriteStep::Write,
            path: temp.clone(),
            source,
        });
    drop(file);
    let result = written.and_then(|_| {
        std::fs::rename(&temp, path).map_err(|source| WriteError {
            step: WriteStep::Rename,
            path: path.to_path_buf(),
            source,
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn create_temp(dir: &Path, name: &OsStr) -> Result<(PathBuf, File), WriteError> {
    let mut attempt = 0;
    loop {
        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(
            ".tmp-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let temp = dir.join(temp_name);
        match File::options().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt + 1 < ATTEMPTS => {
                attempt += 1;
            }
            Err(source) => {
                return Err(WriteError {
                    step: WriteStep::Create,
                    path: temp,
                    source,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_the_bytes_and_replaces_an_older_file_leaving_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("film.scene");
        write_atomically(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        write_atomically(&path, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second, longer");
        write_atomically(&path, b"").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
        assert_eq!(names(dir.path()), ["film.scene"]);
    }

    #[test]
    fn concurrent_writers_of_one_file_leave_one_of_them_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("entry");
        let contents: Vec<Vec<u8>> = (0..8u8).map(|i| vec![i; 256 * 1024]).collect();
        std::thread::scope(|s| {
            for c in &contents {
                let path = &path;
                s.spawn(move || write_atomically(path, c).unwrap());
            }
        });
        let got = std::fs::read(&path).unwrap();
        assert!(contents.contains(&got), "a mixed or partial file");
        assert_eq!(names(dir.path()), ["entry"]);
    }

    #[test]
    fn a_missing_folder_fails_at_create_and_names_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/out.txt");
        let e = write_atomically(&path, b"x").unwrap_err();
        assert_eq!(e.step, WriteStep::Create);
        assert_eq!(e.path.parent(), Some(dir.path().join("missing").as_path()));
        let temp = e.path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            temp.starts_with(&format!(".out.txt.tmp-{}-", std::process::id())),
            "{temp}"
        );
        assert_eq!(e.source.kind(), io::ErrorKind::NotFound);
        // Shown as the I/O error alone, and convertible back to it.
        assert_eq!(e.to_string(), e.source.to_string());
        assert_eq!(io::Error::from(e).kind(), io::ErrorKind::NotFound);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_rename_keeps_the_target_and_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty folder where the file should go: the rename fails.
        let path = dir.path().join("out");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), b"kept").unwrap();
        let e = write_atomically(&path, b"x").unwrap_err();
        assert_eq!(e.step, WriteStep::Rename);
        assert_eq!(e.path, path);
        assert_eq!(names(dir.path()), ["out"]);
        assert_eq!(std::fs::read(path.join("inside")).unwrap(), b"kept");
    }

    #[test]
    fn names_already_taken_are_neither_followed_nor_reused() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"untouched").unwrap();
        // Occupy the next temporary names (other tests may take some of them meanwhile; the
        // ones taken here must survive): a leftover file and a link to another file.
        let next = COUNTER.load(Ordering::Relaxed);
        let taken = |n: u64| {
            dir.path()
                .join(format!(".x.tmp-{}-{n}", std::process::id()))
        };
        std::fs::write(taken(next), b"leftover").unwrap();
        std::os::unix::fs::symlink(&victim, taken(next + 1)).unwrap();
        let path = dir.path().join("x");
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read(taken(next)).unwrap(), b"leftover");
        assert_eq!(std::fs::read(taken(next + 1)).unwrap(), b"untouched");
        assert_eq!(std::fs::read(&victim).unwrap(), b"untouched");
        assert_eq!(names(dir.path()).len(), 4, "{:?}", names(dir.path()));
    }
}
