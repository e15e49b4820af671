//! The file system as the checker sees it, and the only way it reads a file.
//!
//! A film names files it does not own: imports, images, sounds. Any of them may be a FIFO (whose
//! `open` blocks until a writer comes, forever if none does), a device (`/dev/zero` never ends)
//! or simply enormous. So the checker asks what a path is with [`Vfs::stat`], which never opens
//! it, and only then opens regular files, reading at most what [`crate::limits`] allows. The real
//! file system ([`RealFs`]) checks again on the opened descriptor, so a file swapped for a FIFO
//! between the two calls still cannot hang the tool.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::limits::MAX_SCRIPT_BYTES;

/// What a path names, as `stat(2)` sees it after following symlinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl FileKind {
    /// "a FIFO (named pipe)", for messages.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::File => "a regular file",
            FileKind::Dir => "a directory",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "not a regular file",
        }
    }

    fn of(meta: &std::fs::Metadata) -> FileKind {
        let t = meta.file_type();
        if t.is_file() {
            return FileKind::File;
        }
        if t.is_dir() {
            return FileKind::Dir;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return FileKind::Fifo;
            }
            if t.is_socket() {
                return FileKind::Socket;
            }
            if t.is_char_device() {
                return FileKind::CharDevice;
            }
            if t.is_block_device() {
                return FileKind::BlockDevice;
            }
        }
        FileKind::Other
    }
}

/// What [`Vfs::stat`] tells about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub kind: FileKind,
    /// Length in bytes (meaningful for regular files).
    pub len: u64,
}

impl Stat {
    pub fn is_file(&self) -> bool {
        self.kind == FileKind::File
    }
}

/// The file system as the checker sees it. The language server overlays open documents; tests
/// use temporary directories through [`RealFs`].
///
/// Callers [`Vfs::stat`] a path before reading it and read only regular files; implementations
/// must still never block on a FIFO nor read without bound, whatever path they are given.
pub trait Vfs: Sync {
    /// What `path` is, symlinks followed, found without opening it.
    fn stat(&self, path: &Path) -> io::Result<Stat>;
    /// The text of a script: a regular file of at most [`MAX_SCRIPT_BYTES`] bytes of UTF-8.
    fn read_to_string(&self, path: &Path) -> io::Result<String>;
    /// A regular file opened for reading (assets, streamed through their decoders).
    fn open(&self, path: &Path) -> io::Result<File>;
    /// The absolute path with every symlink resolved; an error when the path does not exist.
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
    fn exists(&self, path: &Path) -> bool;
}

/// The real file system (`std::fs`), read defensively (see the module documentation).
#[derive(Clone, Copy, Debug, Default)]
pub struct RealFs;

impl Vfs for RealFs {
    fn stat(&self, path: &Path) -> io::Result<Stat> {
        let meta = std::fs::metadata(path)?;
        Ok(Stat {
            kind: FileKind::of(&meta),
            len: meta.len(),
        })
    }

    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        let file = open_regular(path)?;
        let mut bytes = Vec::new();
        // One byte past the limit tells a file that is too large from one that is exactly full.
        file.take(MAX_SCRIPT_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_SCRIPT_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "larger than {} MiB, the limit for a script",
                    MAX_SCRIPT_BYTES >> 20
                ),
            ));
        }
        String::from_utf8(bytes).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })
    }

    fn open(&self, path: &Path) -> io::Result<File> {
        open_regular(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
}

/// Opens `path` for reading only if it is a regular file. The open itself cannot block: on Unix
/// it is non-blocking (a FIFO without a writer would otherwise wait forever), and what was opened
/// is checked on the descriptor, not on the name.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // For a regular file O_NONBLOCK changes nothing; for a FIFO it makes `open` return.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let kind = FileKind::of(&file.metadata()?);
    if kind != FileKind::File {
        return Err(not_regular(kind));
    }
    Ok(file)
}

/// The error for a path that is not a regular file.
pub fn not_regular(kind: FileKind) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", kind.describe()),
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }

    #[test]
    fn a_fifo_is_seen_without_being_opened_and_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("a.scene");
        mkfifo(&fifo);
        assert_eq!(RealFs.stat(&fifo).unwrap().kind, FileKind::Fifo);
        // Both return at once instead of waiting for a writer.
        let err = RealFs.read_to_string(&fifo).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(RealFs.open(&fifo).is_err());
    }

    #[test]
    fn a_device_is_not_read() {
        let zero = Path::new("/dev/zero");
        if !zero.exists() {
            return;
        }
        assert_eq!(RealFs.stat(zero).unwrap().kind, FileKind::CharDevice);
        assert!(RealFs.read_to_string(zero).is_err());
        assert!(RealFs.open(zero).is_err());
    }

    #[test]
    fn a_script_over_the_limit_is_refused_after_reading_one_byte_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.scene");
        let file = File::create(&path).unwrap();
        // Sparse: a 2 GiB file that costs no disk.
        file.set_len(2 << 30).unwrap();
        let err = RealFs.read_to_string(&path).unwrap_err();
        assert!(err.to_string().contains("4 MiB"), "{err}");
        std::fs::write(&path, "x".repeat(MAX_SCRIPT_BYTES as usize)).unwrap();
        assert_eq!(
            RealFs.read_to_string(&path).unwrap().len() as u64,
            MAX_SCRIPT_BYTES
        );
    }
}
