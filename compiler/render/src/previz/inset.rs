//! Image keyframes (`keyframe at T "file.png"`) as a small framed thumbnail in the top-right
//! corner from their frame onwards, so the previz shows which picture the shot must pass through.
//!
//! Images are decoded once per shot (PNG with `png`, JPEG with `jpeg-decoder` built
//! platform-independent, so the pixels are the same everywhere) and box-filtered down.

use std::path::Path;

use scene_plan::schedule::{ConditioningSource, ShotSchedule};

use crate::error::RenderError;

/// Largest image side accepted; larger files are reported rather than allocated.
const MAX_SIDE: usize = 16_384;

/// A keyframe's thumbnail.
#[derive(Clone, Debug)]
pub struct Inset {
    pub frame: u32,
    pub label: String,
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

/// Loads every image keyframe of the shot, sorted by frame.
pub fn load(
    shot: &ShotSchedule,
    root: &Path,
    fps: u32,
    frame_w: u32,
) -> Result<Vec<Inset>, RenderError> {
    let mut out = Vec::new();
    for c in &shot.conditioning {
        let ConditioningSource::Image { path, .. } = &c.source else {
            continue;
        };
        let full = root.join(path);
        let (w, h, rgb) = decode(&full)?;
        let tw = ((frame_w as f32 * 0.22).round() as usize).max(8);
        let th = ((tw as f32 * h as f32 / w as f32).round() as usize).clamp(4, tw * 2);
        let secs = c.frame.0 as f32 / fps.max(1) as f32;
        out.push(Inset {
            frame: c.frame.0,
            label: format!("KEYFRAME {secs:.1}s"),
            width: tw,
            height: th,
            rgb: thumbnail(&rgb, w, h, tw, th),
        });
    }
    out.sort_by_key(|i| i.frame);
    Ok(out)
}

pub fn decode(path: &Path) -> Result<(usize, usize, Vec<u8>), RenderError> {
    let bytes = std::fs::read(path).map_err(|e| RenderError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let bad = |message: String| RenderError::Decode {
        path: path.to_path_buf(),
        message,
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(&bytes).map_err(bad)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        decode_jpeg(&bytes).map_err(bad)
    } else {
        Err(bad("not a PNG or JPEG image".into()))
    }
}

fn check_size(w: usize, h: usize) -> Result<(), String> {
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!("unsupported image size {w}x{h}"));
    }
    Ok(())
}

fn decode_png(bytes: &[u8]) -> Result<(usize, usize, Vec<u8>), String> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::normalize_to_color8());
    dec.set_limits(png::Limits { bytes: 1 << 30 });
    let mut reader = dec.read_info().map_err(|e| e.to_string())?;
    let (w, h) = {
        let info = reader.info();
        (info.width as usize, info.height as usize)
    };
    check_size(w, h)?;
    let mut buf = vec![0u8; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let line = frame.line_size;
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("indexed colour was not expanded".into()),
    };
    let mut rgb = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        let row = buf
            .get(y * line..y * line + w * channels)
            .ok_or("truncated image data")?;
        for px in row.chunks_exact(channels) {
            // Alpha is composited over black, as a video frame would show it.
            let (c, a) = match channels {
                1 => ([px[0]; 3], 255),
                2 => ([px[0]; 3], px[1]),
                3 => ([px[0], px[1], px[2]], 255),
                _ => ([px[0], px[1], px[2]], px[3]),
            };
            for v in c {
                rgb.push(((u32::from(v) * u32::from(a) + 127) / 255) as u8);
            }
        }
    }
    Ok((w, h, rgb))
}

fn decode_jpeg(bytes: &[u8]) -> Result<(usize, usize, Vec<u8>), String> {
    let mut dec = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    dec.read_info().map_err(|e| e.to_string())?;
    let info = dec.info().ok_or("no image header")?;
    let (w, h) = (info.width as usize, info.height as usize);
    check_size(w, h)?;
    let pixels = dec.decode().map_err(|e| e.to_string())?;
    let n = w * h;
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => pixels.iter().take(n).flat_map(|&v| [v; 3]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels
            .chunks_exact(2)
            .take(n)
            .flat_map(|p| [p[0]; 3])
            .collect(),
        jpeg_decoder::PixelFormat::RGB24 => pixels.iter().take(n * 3).copied().collect(),
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .take(n)
            .flat_map(|p| {
                let k = 255 - u32::from(p[3]);
                [0, 1, 2].map(|i| ((255 - u32::from(p[i])) * k / 255) as u8)
            })
            .collect(),
    };
    let rgb: Vec<u8> = rgb;
    if rgb.len() != n * 3 {
        return Err("truncated image data".into());
    }
    Ok((w, h, rgb))
}

/// Area-average downscale (or nearest upscale) of an RGB image, in integers.
pub fn thumbnail(src: &[u8], sw: usize, sh: usize, tw: usize, th: usize) -> Vec<u8> {
    let mut out = vec![0u8; tw * th * 3];
    for ty in 0..th {
        let y0 = ty * sh / th;
        let y1 = ((ty + 1) * sh / th).max(y0 + 1).min(sh);
        for tx in 0..tw {
            let x0 = tx * sw / tw;
            let x1 = ((tx + 1) * sw / tw).max(x0 + 1).min(sw);
            let mut acc = [0u64; 3];
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = (y * sw + x) * 3;
                    for c in 0..3 {
                        acc[c] += u64::from(src[i + c]);
                    }
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            let o = (ty * tw + tx) * 3;
            for c in 0..3 {
                out[o + c] = ((acc[c] + n / 2) / n) as u8;
            }
        }
    }
    out
}
