//! Small thumbnails of frames, and PNG in and out of memory.

use scene_render::frame::RgbFrame;

/// Width of stored thumbnails; the height keeps the aspect ratio.
pub const THUMB_WIDTH: u32 = 192;

/// Which frames of a shot of `frames` frames get thumbnails: first, a third, two thirds, last.
pub fn thumbnail_frames(frames: u32) -> Vec<u32> {
    if frames == 0 {
        return Vec::new();
    }
    let last = frames - 1;
    let mut picks = vec![0, last / 3, (2 * last) / 3, last];
    picks.dedup();
    picks
}

/// Box-filter downscale to [`THUMB_WIDTH`] wide (never upscales). Deterministic integer maths.
pub fn downscale(frame: &RgbFrame) -> RgbFrame {
    let w = THUMB_WIDTH.min(frame.width).max(1);
    let h = ((frame.height as u64 * w as u64) / frame.width.max(1) as u64).max(1) as u32;
    let mut out = RgbFrame::new(w, h);
    for ty in 0..h {
        let y0 = ty as u64 * frame.height as u64 / h as u64;
        let y1 = (((ty + 1) as u64 * frame.height as u64) / h as u64).max(y0 + 1);
        for tx in 0..w {
            let x0 = tx as u64 * frame.width as u64 / w as u64;
            let x1 = (((tx + 1) as u64 * frame.width as u64) / w as u64).max(x0 + 1);
            let mut sum = [0u64; 3];
            for y in y0..y1 {
                for x in x0..x1 {
                    let p = frame.pixel(x as u32, y as u32);
                    for c in 0..3 {
                        sum[c] += p[c] as u64;
                    }
                }
            }
            let n = (y1 - y0) * (x1 - x0);
            let px = [0, 1, 2].map(|c| ((sum[c] + n / 2) / n) as u8);
            out.put(tx, ty, px);
        }
    }
    out
}

pub fn encode_png(frame: &RgbFrame) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, frame.width, frame.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        // Writing into a Vec cannot fail for a well-formed frame.
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&frame.data);
        }
    }
    bytes
}

/// Decodes an 8-bit RGB PNG; one that would take more than 64 MiB decoded is refused before
/// anything is allocated (a thumbnail takes a few hundred kilobytes).
pub fn decode_png(bytes: &[u8]) -> Result<RgbFrame, String> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_limits(png::Limits { bytes: 64 << 20 });
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    if info.color_type != png::ColorType::Rgb || info.bit_depth != png::BitDepth::Eight {
        return Err(format!(
            "expected 8-bit RGB, found {:?} {:?}",
            info.color_type, info.bit_depth
        ));
    }
    buf.truncate(info.buffer_size());
    Ok(RgbFrame {
        width: info.width,
        height: info.height,
        data: buf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_in_range_and_distinct() {
        assert_eq!(thumbnail_frames(1), vec![0]);
        assert_eq!(thumbnail_frames(144), vec![0, 47, 95, 143]);
        assert!(thumbnail_frames(0).is_empty());
    }

    #[test]
    fn downscale_averages_and_keeps_aspect() {
        let f = RgbFrame::filled(768, 512, [10, 200, 30]);
        let t = downscale(&f);
        assert_eq!((t.width, t.height), (192, 128));
        assert!(t.data.chunks(3).all(|p| p == [10, 200, 30]));
    }

    #[test]
    fn png_round_trips() {
        let mut f = RgbFrame::new(7, 5);
        f.put(3, 2, [1, 2, 3]);
        let back = decode_png(&encode_png(&f)).unwrap();
        assert_eq!(back, f);
    }
}
