//! Assets: confined to the project root, found, hashed and identified by their content.
//!
//! A path is checked against the root lexically first and again after symlinks are resolved; only
//! then is the file read. Images must decode as PNG or JPEG headers; audio must be a container
//! Symphonia can open with an audio track.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use scene_syntax::ast::StrLit;
use scene_syntax::{Diagnostic, Span};
use sha2::{Digest, Sha256};

use crate::codes;
use crate::film::{Asset, AssetKind};
use crate::load::{normalize, relative_to, slash_path};
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
}

/// What reading and probing a canonical path gave.
#[derive(Clone)]
enum Probed {
    Ok { sha256: String, kind: AssetKind },
    Unreadable(String),
    Unsupported(String),
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
        let bytes = match self.vfs.read(path) {
            Ok(b) => b,
            Err(e) => return Probed::Unreadable(e.to_string()),
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let kind = match want {
            Want::Image => probe_image(&bytes),
            Want::Audio => probe_audio(bytes.clone(), &extension),
        };
        match kind {
            Ok(kind) => Probed::Ok { sha256, kind },
            Err(()) => Probed::Unsupported(format!("its content is {}", sniff(&bytes))),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn probe_image(bytes: &[u8]) -> Result<AssetKind, ()> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ())?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        _ => return Err(()),
    }
    let (width, height) = reader.into_dimensions().map_err(|_| ())?;
    if width == 0 || height == 0 {
        return Err(());
    }
    Ok(AssetKind::Image { width, height })
}

fn probe_audio(bytes: Vec<u8>, extension: &str) -> Result<AssetKind, ()> {
    use symphonia::core::formats::probe::Hint;
    use symphonia::core::formats::{FormatOptions, TrackType};
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;

    let stream = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
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
        .map_err(|_| ())?;
    let track = format.default_track(TrackType::Audio).ok_or(())?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or(())?;
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
