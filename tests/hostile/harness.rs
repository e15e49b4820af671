//! Running `scenec` against hostile input without trusting it to come back: every run has a
//! wall-clock watchdog (generous: it only turns a hang into a failure instead of a stuck test),
//! a CPU-time limit (`prlimit --cpu`, which load on the machine does not stretch the way it
//! stretches wall time), and its peak memory measured by `/usr/bin/time`. Inputs are fingerprinted
//! before and after, so a test can assert that nothing it handed in was changed.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// A run that was allowed to finish.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident memory of the scenec process, in bytes.
    pub max_rss: u64,
}

impl Run {
    pub fn both(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Panics unless the run ended with `code` and mentions `text`.
    pub fn expect(&self, code: i32, text: &str) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}; stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            self.both().contains(text),
            "expected `{text}` in the output; stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the peak memory stayed under `limit` bytes.
    pub fn within_memory(&self, limit: u64) -> &Self {
        assert!(
            self.max_rss <= limit,
            "peak memory {} MB is over the bound of {} MB",
            self.max_rss >> 20,
            limit >> 20
        );
        self
    }
}

/// Limits on one run.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// CPU seconds before the kernel stops the process (SIGXCPU).
    pub cpu_seconds: u64,
    /// Wall-clock time before the test gives up on the process and kills it.
    pub wall: Duration,
}

impl Bounds {
    /// For runs that should take well under a second: one minute of CPU, five of wall clock.
    pub const QUICK: Bounds = Bounds {
        cpu_seconds: 60,
        wall: Duration::from_secs(300),
    };
}

/// Runs `scenec ARGS` in `dir` under `bounds`; panics if the watchdog fires.
pub fn scenec(dir: &Path, args: &[&str], bounds: Bounds) -> Run {
    let rss_file = tempfile::NamedTempFile::new().expect("temp file");
    let mut command = Command::new("/usr/bin/time");
    command
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(rss_file.path())
        .arg("prlimit")
        .arg(format!("--cpu={}", bounds.cpu_seconds))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_scenec"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so the watchdog can stop scenec and not only `time`.
        command.process_group(0);
    }
    let child = command
        .spawn()
        .expect("run /usr/bin/time (Debian package `time`) and prlimit (`util-linux`)");
    let pid = child.id();
    let started = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(output) => break output.expect("wait for scenec"),
            Err(_) if started.elapsed() > bounds.wall => {
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .arg(format!("-{pid}"))
                    .status();
                panic!(
                    "scenec {args:?} did not finish within {:?}: it hangs",
                    bounds.wall
                );
            }
            Err(_) => {}
        }
    };
    // `time` writes "Command exited with non-zero status N" or "Command terminated by signal
    // N" before the peak memory, into the same file.
    let report = std::fs::read_to_string(rss_file.path()).unwrap_or_default();
    let max_rss_kb: u64 = report
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("panicked at"),
        "scenec {args:?} panicked:\n{stderr}"
    );
    assert!(
        !report.contains("terminated by signal"),
        "scenec {args:?} was killed ({} s of CPU is the limit): {report}\n{stderr}",
        bounds.cpu_seconds
    );
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
        max_rss: max_rss_kb * 1024,
    }
}

/// The content of every regular file under `dir` (outside `.scene-cache/`), to compare before
/// and after a run: SHA-256 by relative path. Symlinks are recorded by their target, FIFOs by
/// their kind; neither is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs(BTreeMap<PathBuf, String>);

impl Inputs {
    pub fn of(dir: &Path) -> Inputs {
        let mut map = BTreeMap::new();
        walk(dir, dir, &mut map);
        Inputs(map)
    }

    /// Panics if any file recorded in `self` changed or vanished under `dir`.
    pub fn unchanged(&self, dir: &Path) {
        let now = Inputs::of(dir);
        for (path, before) in &self.0 {
            match now.0.get(path) {
                Some(after) if after == before => {}
                Some(_) => panic!("{} was changed", path.display()),
                None => panic!("{} was removed", path.display()),
            }
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if rel.starts_with(".scene-cache") {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let t = meta.file_type();
        if t.is_symlink() {
            let target = std::fs::read_link(&path).unwrap_or_default();
            out.insert(rel, format!("symlink to {}", target.display()));
        } else if t.is_dir() {
            walk(root, &path, out);
        } else if t.is_file() {
            out.insert(rel, file_hash(&path));
        } else {
            out.insert(rel, "special".to_string());
        }
    }
}

/// SHA-256 of a file, streamed (some are sparse and gigabytes long).
pub fn file_hash(path: &Path) -> String {
    use std::io::Read;
    let mut file = std::fs::File::open(path).expect("open");
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `mkfifo PATH`.
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A sparse file of `len` bytes beginning with `head`: gigabytes that cost no disk.
pub fn sparse(path: &Path, head: &[u8], len: u64) {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(head).unwrap();
    file.set_len(len).unwrap();
}

/// A PNG of `width` x `height` pixels as far as the checker reads one: signature, header
/// chunk, and the start of (empty) image data.
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &[]), (b"IEND", &[])] {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A real 8x8 PNG.
pub fn small_png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A WAV header announcing `data_bytes` of 48 kHz mono 16-bit samples (the samples follow, or
/// not: the file may be made sparse after it).
pub fn wav_header(data_bytes: u32) -> Vec<u8> {
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36u32.saturating_add(data_bytes)).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&48_000u32.to_le_bytes());
    w.extend_from_slice(&96_000u32.to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_bytes.to_le_bytes());
    w
}

/// Definitions most cases share: a character and a location.
pub const PRELUDE: &str = "character aiko { description \"a woman in a red raincoat\" }\n\
location street { description \"a wet street\" }\n";

/// One megabyte.
pub const MB: u64 = 1 << 20;
