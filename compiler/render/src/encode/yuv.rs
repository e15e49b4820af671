//! RGB to YUV 4:2:0 (BT.601, limited range) in integers: exact, the same on every CPU, and
//! cheaper than a general scaler for a pure colour conversion.

use crate::frame::RgbFrame;

#[inline]
fn luma(r: i32, g: i32, b: i32) -> u8 {
    (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16) as u8
}

#[inline]
fn chroma(r: i32, g: i32, b: i32) -> (u8, u8) {
    let u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
    let v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    (u.clamp(0, 255) as u8, v.clamp(0, 255) as u8)
}

/// Planes with their strides, as an FFmpeg frame lays them out.
pub struct YuvPlanes<'a> {
    pub y: (&'a mut [u8], usize),
    pub u: (&'a mut [u8], usize),
    pub v: (&'a mut [u8], usize),
}

/// Convert `rgb` (even width and height) into the planes. Chroma is the conversion of each 2x2
/// block's mean colour.
pub fn rgb_to_yuv420(rgb: &RgbFrame, planes: YuvPlanes<'_>) {
    let (w, h) = (rgb.width as usize, rgb.height as usize);
    let (y_plane, y_stride) = planes.y;
    let (u_plane, u_stride) = planes.u;
    let (v_plane, v_stride) = planes.v;
    let px = |x: usize, y: usize| {
        let i = (y * w + x) * 3;
        (
            i32::from(rgb.data[i]),
            i32::from(rgb.data[i + 1]),
            i32::from(rgb.data[i + 2]),
        )
    };
    for y in 0..h {
        let row = &mut y_plane[y * y_stride..y * y_stride + w];
        for (x, out) in row.iter_mut().enumerate() {
            let (r, g, b) = px(x, y);
            *out = luma(r, g, b);
        }
    }
    for cy in 0..h / 2 {
        for cx in 0..w / 2 {
            let (mut r, mut g, mut b) = (0, 0, 0);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = px(2 * cx + dx, 2 * cy + dy);
                r += p.0;
                g += p.1;
                b += p.2;
            }
            let (u, v) = chroma((r + 2) >> 2, (g + 2) >> 2, (b + 2) >> 2);
            u_plane[cy * u_stride + cx] = u;
            v_plane[cy * v_stride + cx] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_colours() {
        assert_eq!(luma(0, 0, 0), 16);
        assert_eq!(luma(255, 255, 255), 235);
        assert_eq!(chroma(255, 255, 255), (128, 128));
        assert_eq!(chroma(255, 0, 0), (90, 240));
    }
}
