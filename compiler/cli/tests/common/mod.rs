//! Helpers for end-to-end tests of the `scenec` binary: temporary projects written from inline
//! sources, and running the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn scenec() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scenec"))
}

/// A temporary project directory with a `scene.toml`.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("scene.toml"), "").unwrap();
        Project { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn run(&self, args: &[&str]) -> Output {
        scenec()
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .expect("run scenec")
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Every example film: `examples/<name>/film.scene`.
pub fn example_films() -> Vec<PathBuf> {
    let mut films: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path().join("film.scene");
            p.is_file().then_some(p)
        })
        .collect();
    films.sort();
    films
}

/// A mono 16-bit WAV of `seconds` of a sine at `hz` (48 kHz).
pub fn wav_sine(seconds: f64, hz: f64) -> Vec<u8> {
    let rate = 48_000u32;
    let n = (seconds * rate as f64) as u32;
    let mut data = Vec::with_capacity(n as usize * 2);
    for i in 0..n {
        let v = (i as f64 / rate as f64 * hz * std::f64::consts::TAU).sin() * 0.3;
        data.extend_from_slice(&((v * 32767.0) as i16).to_le_bytes());
    }
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&(rate * 2).to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(data.len() as u32).to_le_bytes());
    w.extend_from_slice(&data);
    w
}

/// ffprobe's JSON about a media file's streams, with frames counted.
pub fn ffprobe(path: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-show_streams",
            "-show_format",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("ffprobe is installed by scripts/deps.sh");
    assert!(
        out.status.success(),
        "ffprobe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A small, fast film used by render tests: three shots in two scenes, with a continuity link,
/// a dissolve, dialogue and a sound cue.
pub const SMALL_FILM: &str = r#"
film "Small" {
    size 256x160
    fps 12
    seed 3
}

character mia {
    description "a girl in a yellow coat"
    color #e0b000
}

location yard {
    description "a school yard"
    time day
    weather clear
}

sound bell = sfx "bell.wav" -6dB

scene morning at yard {
    shot first 1s {
        camera wide, dolly in 20%
        mia enters left
        at 0s "children play"
    }
    dissolve 250ms
    shot second 1s {
        continues first
        camera closeup on mia
        mia at center
        mia says "Hello there."
        at 500ms play bell
    }
}

scene later at yard {
    shot third 1s {
        camera wide, pan right 20deg
        prompt "the yard is empty"
    }
}
"#;

/// A project holding [`SMALL_FILM`] as `film.scene` with its sound.
pub fn small_project() -> Project {
    let p = Project::new();
    p.write("film.scene", SMALL_FILM);
    p.write_bytes("bell.wav", &wav_sine(0.4, 880.0));
    p
}

/// The file's first audio stream at 48 kHz as interleaved f32 with `channels` channels, decoded
/// by the ffmpeg tool (an independent reader of what scenec wrote).
pub fn decoded_audio(path: &Path, channels: u32) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-i"])
        .arg(path)
        .args(["-map", "0:a:0", "-f", "f32le", "-ac"])
        .arg(channels.to_string())
        .args(["-ar", "48000", "-"])
        .output()
        .expect("ffmpeg is installed by scripts/deps.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// The JSON summary a `--json` command prints as its last line on stdout, once the command is
/// seen to have succeeded.
pub fn summary(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "scenec failed:\n{}",
        stderr(out)
    );
    let text = stdout(out);
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("last stdout line is not JSON ({e}): {text}"))
}

/// The list of names under `key` in a summary (`rendered`, `reused`, …); panics when there is
/// no such list or an entry is not a string.
pub fn names(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` list in {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("`{key}` holds {s}, not a name"))
                .to_string()
        })
        .collect()
}

/// `render --json` of `film.scene` to `out/film.mp4` with a model backend and its folder.
pub fn model_render(p: &Project, backend: &str, model: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "render",
        "film.scene",
        "-o",
        "out/film.mp4",
        "--json",
        "--backend",
        backend,
        "--model-dir",
        model.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    p.run(&args)
}

/// The media file's first stream of `kind` (`video`, `audio`, `subtitle`), as ffprobe sees it.
pub fn stream(path: &Path, kind: &str) -> serde_json::Value {
    ffprobe(path)["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == kind)
        .cloned()
        .unwrap_or_else(|| panic!("a {kind} stream"))
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON ({e}): {text}", path.display()))
}

/// How many files in `dir` (which must exist) end in `.ext`.
pub fn count_files(dir: &Path, ext: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == ext))
        })
        .count()
}

/// A copy of the folder `from` (a model fixture, an example) at `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
