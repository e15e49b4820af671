//! PNG and JPEG files decoded to 8-bit RGB: PNG with `png`, JPEG with `jpeg-decoder` built
//! platform-independent, so the pixels are the same on every machine.

use std::path::Path;

use crate::error::RenderError;
use crate::frame::RgbFrame;

/// Largest image side accepted; larger files are reported rather than allocated.
const MAX_SIDE: usize = 16_384;

/// The image at `path` as RGB. Alpha is composited over black.
pub fn decode(path: &Path) -> Result<RgbFrame, RenderError> {
    let bytes = std::fs::read(path).map_err(|e| RenderError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let bad = |message: String| RenderError::Decode {
        path: path.to_path_buf(),
        message,
    };
    let (width, height, data) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(&bytes).map_err(bad)?
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        decode_jpeg(&bytes).map_err(bad)?
    } else {
        return Err(bad("not a PNG or JPEG image".into()));
    };
    // `check_size` bounds both sides by MAX_SIDE, so they fit in u32.
    Ok(RgbFrame {
        width: width as u32,
        height: height as u32,
        data,
    })
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
