//! Assets: confined to the project root, found, hashed and identified by their content.
//!
//! A path is checked against the root lexically first and again after symlinks are resolved; only
//! then is the file looked at, and only a regular file within its size limit is opened. Its
//! format is told from its first bytes ([`SNIFF_BYTES`]) before anything else is read; images
//! must then decode as PNG or JPEG headers, audio as a container Symphonia can open with an
//! audio track, both streamed from the file. Only a file that passes is hashed, in one streamed
//! pass: nothing is ever read whole into memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use scene_syntax::ast::StrLit;
use scene_syntax::{Diagnostic, Span};
use sha2::{Digest, Sha256};

use crate::codes;
use crate::film::{Asset, AssetKind};
use crate::limits::{MAX_AUDIO_BYTES, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, SNIFF_BYTES};
use crate::load::{bytes as show_bytes, limit as show_limit, normalize, relative_to, slash_path};
use crate::vfs::FileKind;
use crate::Vfs;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Want {
    Image,
    Audio,
}

impl Want {
    fn word(self) -> &'static str {
        match self {
            Want::Image => "an image",
            Want::Audio => "an audio file",
        }
    }

    fn max_bytes(self) -> u64 {
        match self {
            Want::Image => MAX_IMAGE_BYTES,
            Want::Audio => MAX_AUDIO_BYTES,
        }
    }
}

/// What reading and probing a canonical path gave.
#[derive(Clone)]
enum Probed {
    Ok {
        sha256: String,
        kind: AssetKind,
    },
    Unreadable(String),
    Unsupported(String),
    NotRegular(FileKind),
    /// What is too large, for the label: "2,147,483,648 bytes; images are limited to 64 MiB".
    TooLarge(String),
}

pub struct Assets<'a> {
    vfs: &'a dyn Vfs,
    root: PathBuf,
    probed: BTreeMap<(PathBuf, Want), Probed>,
    pub dependencies: Vec<PathBuf>,
}

impl<'a> Assets<'a> {
    pub fn new(vfs: &'a dyn Vfs, root: &Path) -> Self {
        Assets {
            vfs,
            root: root.to_path_buf(),
            probed: BTreeMap::new(),
            dependencies: Vec::new(),
        }
    }

    /// Resolves `lit` (relative to `dir`, the folder of the file it is written in).
    pub fn resolve(
        &mut self,
        lit: &StrLit,
        dir: &Path,
        want: Want,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Asset> {
        let written = lit.value.as_str();
        let candidate = normalize(&dir.join(written));
        if written.is_empty() {
            diags.push(
                Diagnostic::new(codes::E0601, lit.span, "an empty asset path")
                    .with_label("no file named")
                    .with_help("write the path of a file relative to this `.scene` file"),
            );
            return None;
        }
        if !candidate.starts_with(&self.root) {
            diags.push(self.outside(lit.span, written, false));
            return None;
        }
        self.dependencies.push(candidate.clone());
        let canonical = match self.vfs.canonicalize(&candidate) {
            Ok(c) => c,
            Err(_) => {
                diags.push(
                    Diagnostic::new(codes::E0601, lit.span, format!("cannot find `{written}`"))
                        .with_label("no such file")
                        .with_help(format!(
                            "paths are relative to the file they are written in; looked for `{}` in the project",
                            slash_path(&relative_to(&self.root, &candidate))
                        )),
                );
                return None;
            }
        };
        if !canonical.starts_with(&self.root) {
            diags.push(self.outside(lit.span, written, true));
            return None;
        }
        self.dependencies.push(canonical.clone());
        let key = (canonical.clone(), want);
        let probed = match self.probed.get(&key) {
            Some(p) => p.clone(),
            None => {
                let p = self.probe(&canonical, want);
                self.probed.insert(key, p.clone());
                p
            }
        };
        match probed {
            Probed::Ok { sha256, kind } => Some(Asset {
                path: slash_path(&relative_to(&self.root, &canonical)),
                absolute: canonical,
                sha256,
                kind,
                span: lit.span,
            }),
            Probed::Unreadable(reason) => {
                diags.push(
                    Diagnostic::new(
                        codes::E0601,
                        lit.span,
                        format!("cannot read `{written}`: {reason}"),
                    )
                    .with_label("unreadable"),
                );
                None
            }
            Probed::NotRegular(kind) => {
                diags.push(
                    Diagnostic::new(
                        codes::E0604,
                        lit.span,
                        format!("`{written}` is {}, not a regular file", kind.describe()),
                    )
                    .with_label("not a regular file; not opened")
                    .with_help(match want {
                        Want::Image => "name a regular image file (PNG or JPEG)",
                        Want::Audio => "name a regular audio file (WAV, OGG Vorbis, FLAC or MP3)",
                    }),
                );
                None
            }
            Probed::TooLarge(what) => {
                diags.push(
                    Diagnostic::new(
                        codes::E0605,
                        lit.span,
                        format!("`{written}` is too large to use"),
                    )
                    .with_label(what)
                    .with_help(match want {
                        Want::Image => "use a smaller image; a keyframe or reference is scaled to the film's frame anyway",
                        Want::Audio => "use a shorter or compressed file (OGG Vorbis, FLAC or MP3)",
                    }),
                );
                None
            }
            Probed::Unsupported(what) => {
                let help = match want {
                    Want::Image => "use a PNG or JPEG image",
                    Want::Audio => "use WAV, OGG Vorbis, FLAC or MP3 audio",
                };
                diags.push(
                    Diagnostic::new(
                        codes::E0603,
                        lit.span,
                        format!("`{written}` is not {} this tool can use", want.word()),
                    )
                    .with_label(what)
                    .with_help(help),
                );
                None
            }
        }
    }

    fn outside(&self, span: Span, written: &str, through_symlink: bool) -> Diagnostic {
        let how = if through_symlink {
            " (through a symlink)"
        } else {
            ""
        };
        Diagnostic::new(codes::E0602, span, format!("`{written}` resolves outside the project root{how}"))
            .with_label("outside the project root; not read")
            .with_help(
                "assets must be inside the project root (the folder holding `scene.toml`, or the entry file's folder); copy the file into it",
            )
    }

    fn probe(&self, path: &Path, want: Want) -> Probed {
        let stat = match self.vfs.stat(path) {
            Ok(s) => s,
            Err(e) => return Probed::Unreadable(e.to_string()),
        };
        if !stat.is_file() {
            return Probed::NotRegular(stat.kind);
        }
        let limit = want.max_bytes();
        if stat.len > limit {
            return Probed::TooLarge(too_large(stat.len, want));
        }
        let mut file = match self.vfs.open(path) {
            Ok(f) => f,
            Err(e) => return Probed::Unreadable(e.to_string()),
        };
        let prefix = match read_prefix(&mut file) {
            Ok(p) => p,
            Err(e) => return Probed::Unreadable(e.to_string()),
        };
        let unsupported = || Probed::Unsupported(format!("its content is {}", sniff(&prefix)));
        let family = sniff_family(&prefix);
        let fits = match want {
            Want::Image => family == Some(Family::Image),
            Want::Audio => family == Some(Family::Audio),
        };
        if !fits {
            return unsupported();
        }
        if let Err(e) = file.seek(SeekFrom::Start(0)) {
            return Probed::Unreadable(e.to_string());
        }
        let kind = match want {
            Want::Image => probe_image(&mut file),
            Want::Audio => {
                let extension = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                match file.try_clone() {
                    Ok(f) => probe_audio(f, &extension),
                    Err(e) => return Probed::Unreadable(e.to_string()),
                }
            }
        };
        let kind = match kind {
            Ok(kind) => kind,
            Err(ProbeError::Unsupported) => return unsupported(),
            Err(ProbeError::TooLarge(what)) => return Probed::TooLarge(what),
        };
        match sha256_bounded(&mut file, limit) {
            Ok(Some(sha256)) => Probed::Ok { sha256, kind },
            // The file grew past its limit since it was looked at.
            Ok(None) => Probed::TooLarge(too_large(limit + 1, want)),
            Err(e) => Probed::Unreadable(e.to_string()),
        }
    }
}

fn too_large(len: u64, want: Want) -> String {
    let what = match want {
        Want::Image => "images",
        Want::Audio => "audio files",
    };
    format!(
        "{}; {what} are limited to {}",
        show_bytes(len),
        show_limit(want.max_bytes())
    )
}

/// Up to [`SNIFF_BYTES`] from the start of the file.
fn read_prefix(file: &mut File) -> std::io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    file.by_ref()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// SHA-256 of the whole file from its start, streamed; `None` when it holds more than `limit`
/// bytes.
fn sha256_bounded(file: &mut File, limit: u64) -> std::io::Result<Option<String>> {
    file.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total: u64 = 0;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Ok(None);
        }
        hasher.update(&buf[..n]);
    }
    Ok(Some(hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

enum ProbeError {
    Unsupported,
    TooLarge(String),
}

fn probe_image(file: &mut File) -> Result<AssetKind, ProbeError> {
    let reader = image::ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|_| ProbeError::Unsupported)?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        _ => return Err(ProbeError::Unsupported),
    }
    // Only the header is read: the pixels are the renderer's business.
    let (width, height) = reader
        .into_dimensions()
        .map_err(|_| ProbeError::Unsupported)?;
    if width == 0 || height == 0 {
        return Err(ProbeError::Unsupported);
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(ProbeError::TooLarge(format!(
            "{width}x{height} pixels; images are limited to {MAX_IMAGE_SIDE} pixels a side"
        )));
    }
    Ok(AssetKind::Image { width, height })
}

fn probe_audio(file: File, extension: &str) -> Result<AssetKind, ProbeError> {
    use symphonia::core::formats::probe::Hint;
    use symphonia::core::formats::{FormatOptions, TrackType};
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;

    let unsupported = |_| ProbeError::Unsupported;
    // The container is probed from the file as a stream: only its headers are read.
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if !extension.is_empty() {
        hint.with_extension(extension);
    }
    let format = symphonia::default::get_probe()
        .probe(
            &hint,
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(unsupported)?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or(ProbeError::Unsupported)?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or(ProbeError::Unsupported)?;
    let from_duration = match (track.time_base, track.duration) {
        (Some(tb), Some(d)) => tb.calc_duration(d).map(|t| t.as_secs_f64()),
        _ => None,
    };
    let from_frames = match (track.num_frames, params.sample_rate) {
        (Some(n), Some(rate)) if rate > 0 => Some(n as f64 / rate as f64),
        _ => None,
    };
    Ok(AssetKind::Audio {
        seconds: from_duration.or(from_frames),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Image,
    Audio,
}

/// Whether the first bytes are those of a format this tool reads: PNG or JPEG images; WAV, Ogg,
/// FLAC or MP3 audio. Only these go on to a decoder.
fn sniff_family(bytes: &[u8]) -> Option<Family> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") || starts(b"\xff\xd8\xff") {
        Some(Family::Image)
    } else if (starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE"))
        || starts(b"OggS")
        || starts(b"fLaC")
        || starts(b"ID3")
        || mpeg_sync(bytes)
    {
        Some(Family::Audio)
    } else {
        None
    }
}

/// An MPEG audio frame header at the start: eleven set sync bits, then a valid version, layer
/// and bitrate (the sync bits alone match too much).
fn mpeg_sync(bytes: &[u8]) -> bool {
    match bytes {
        [0xff, b1, b2, ..] => {
            b1 & 0xe0 == 0xe0 && (b1 >> 3) & 0b11 != 0b01 && (b1 >> 1) & 0b11 != 0 && b2 >> 4 != 0xf
        }
        _ => false,
    }
}

/// A guess at what a file is, from its first bytes, for the error message.
fn sniff(bytes: &[u8]) -> &'static str {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if bytes.is_empty() {
        "empty"
    } else if starts(b"\x89PNG") {
        "a PNG image"
    } else if starts(b"\xff\xd8\xff") {
        "a JPEG image"
    } else if starts(b"GIF8") {
        "a GIF image"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "a WebP image"
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        "a WAV file"
    } else if starts(b"OggS") {
        "an Ogg file"
    } else if starts(b"fLaC") {
        "a FLAC file"
    } else if starts(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xff && bytes[1] & 0xe0 == 0xe0) {
        "MP3 audio"
    } else if bytes.get(4..8) == Some(b"ftyp") {
        "an MP4/QuickTime file"
    } else if std::str::from_utf8(&bytes[..bytes.len().min(512)]).is_ok() {
        "text"
    } else {
        "in an unrecognised format"
    }
}
