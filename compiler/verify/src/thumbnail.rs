//! Small thumbnails of frames, and PNG in and out of memory.

use scene_previz::frame::RgbFrame;
use scene_previz::image::{scale, Fit, Footprint, Size};

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

/// Shrunk to [`THUMB_WIDTH`] wide (never enlarged), the height keeping the aspect ratio, by the
/// shared box filter ([`scene_previz::image::scale()`], stretching with
/// [`Footprint::Partition`]: each source pixel counts towards one thumbnail pixel). `None` when
/// the frame's pixels do not match its size.
pub fn downscale(frame: &RgbFrame) -> Option<RgbFrame> {
    let w = THUMB_WIDTH.min(frame.width).max(1);
    let h = ((frame.height as u64 * w as u64) / frame.width.max(1) as u64).max(1) as u32;
    let data = scale(
        frame.view()?,
        Size::new(w, h),
        Fit::Stretch,
        Footprint::Partition,
    );
    Some(RgbFrame {
        width: w,
        height: h,
        data,
    })
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
        let t = downscale(&f).unwrap();
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
