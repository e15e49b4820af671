//! RGB to YUV 4:2:0 (BT.601, limited range) in integers: exact, the same on every CPU, and
//! cheaper than a general scaler for a pure colour conversion.

use scene_previz::frame::RgbFrame;

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
///
/// Integer maths only, so the AVX2 build of the same loops (chosen at run time) gives the same
/// bytes as the baseline one.
pub fn rgb_to_yuv420(rgb: &RgbFrame, planes: YuvPlanes<'_>) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { rgb_to_yuv420_avx2(rgb, planes) };
    }
    rgb_to_yuv420_portable(rgb, planes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn rgb_to_yuv420_avx2(rgb: &RgbFrame, planes: YuvPlanes<'_>) {
    rgb_to_yuv420_portable(rgb, planes)
}

/// Rows are converted one loop per plane, each simple enough for the compiler to vectorise:
/// luma per pixel, then chroma per 2x2 block from the two rows' sums.
#[inline(always)]
fn rgb_to_yuv420_portable(rgb: &RgbFrame, planes: YuvPlanes<'_>) {
    let (w, h) = (rgb.width as usize, rgb.height as usize);
    let (y_plane, y_stride) = planes.y;
    let (u_plane, u_stride) = planes.u;
    let (v_plane, v_stride) = planes.v;
    let row_bytes = w * 3;
    for row in 0..h {
        let src = &rgb.data[row * row_bytes..(row + 1) * row_bytes];
        let dst = &mut y_plane[row * y_stride..row * y_stride + w];
        for (y, p) in dst.iter_mut().zip(src.chunks_exact(3)) {
            *y = luma(i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
        }
    }
    for cy in 0..h / 2 {
        let top = &rgb.data[2 * cy * row_bytes..(2 * cy + 1) * row_bytes];
        let bottom = &rgb.data[(2 * cy + 1) * row_bytes..(2 * cy + 2) * row_bytes];
        let u_row = &mut u_plane[cy * u_stride..cy * u_stride + w / 2];
        let v_row = &mut v_plane[cy * v_stride..cy * v_stride + w / 2];
        let blocks = top
            .chunks_exact(6)
            .zip(bottom.chunks_exact(6))
            .zip(u_row.iter_mut().zip(v_row.iter_mut()));
        for ((t, b), (u, v)) in blocks {
            let sum = |c: usize| {
                i32::from(t[c]) + i32::from(t[c + 3]) + i32::from(b[c]) + i32::from(b[c + 3])
            };
            (*u, *v) = chroma((sum(0) + 2) >> 2, (sum(1) + 2) >> 2, (sum(2) + 2) >> 2);
        }
    }
}

/// The inverse, for frames decoded from the cache: YUV 4:2:0 (BT.601, limited range) to RGB,
/// each chroma sample shared by its 2x2 block. Integer maths, so every machine decodes a cached
/// shot to the same pixels.
pub fn yuv420_to_rgb(planes: YuvRef<'_>, width: u32, height: u32) -> RgbFrame {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { yuv420_to_rgb_avx2(planes, width, height) };
    }
    yuv420_to_rgb_portable(planes, width, height)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn yuv420_to_rgb_avx2(planes: YuvRef<'_>, width: u32, height: u32) -> RgbFrame {
    yuv420_to_rgb_portable(planes, width, height)
}

#[inline(always)]
fn yuv420_to_rgb_portable(planes: YuvRef<'_>, width: u32, height: u32) -> RgbFrame {
    let (w, h) = (width as usize, height as usize);
    let mut out = RgbFrame::new(width, height);
    let (y_plane, y_stride) = planes.y;
    let (u_plane, u_stride) = planes.u;
    let (v_plane, v_stride) = planes.v;
    for (row, rgb_row) in out.data.chunks_exact_mut(w * 3).enumerate().take(h) {
        let ys = &y_plane[row * y_stride..row * y_stride + w];
        let cy = row / 2;
        let us = &u_plane[cy * u_stride..cy * u_stride + w / 2];
        let vs = &v_plane[cy * v_stride..cy * v_stride + w / 2];
        // Two pixels per chroma sample: its three terms are computed once.
        let pairs = rgb_row
            .chunks_exact_mut(6)
            .zip(ys.chunks_exact(2))
            .zip(us.iter().zip(vs));
        for ((px, y2), (&u, &v)) in pairs {
            let d = i32::from(u) - 128;
            let e = i32::from(v) - 128;
            let (r, g, b) = (409 * e, -100 * d - 208 * e, 516 * d);
            for k in 0..2 {
                let c = 298 * (i32::from(y2[k]) - 16) + 128;
                px[3 * k] = ((c + r) >> 8).clamp(0, 255) as u8;
                px[3 * k + 1] = ((c + g) >> 8).clamp(0, 255) as u8;
                px[3 * k + 2] = ((c + b) >> 8).clamp(0, 255) as u8;
            }
        }
    }
    out
}

/// Read-only planes with their strides.
pub struct YuvRef<'a> {
    pub y: (&'a [u8], usize),
    pub u: (&'a [u8], usize),
    pub v: (&'a [u8], usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_stays_close() {
        let mut rgb = RgbFrame::new(8, 4);
        for (i, b) in rgb.data.iter_mut().enumerate() {
            // Flat 2x2 blocks, so chroma subsampling loses nothing.
            let (x, y) = ((i / 3) % 8, (i / 3) / 8);
            *b = (((x / 2) * 60 + (y / 2) * 90 + (i % 3) * 20) % 240 + 8) as u8;
        }
        let (mut y, mut u, mut v) = (vec![0; 32], vec![0; 8], vec![0; 8]);
        rgb_to_yuv420(
            &rgb,
            YuvPlanes {
                y: (&mut y, 8),
                u: (&mut u, 4),
                v: (&mut v, 4),
            },
        );
        let back = yuv420_to_rgb(
            YuvRef {
                y: (&y, 8),
                u: (&u, 4),
                v: (&v, 4),
            },
            8,
            4,
        );
        for (a, b) in rgb.data.iter().zip(&back.data) {
            assert!(a.abs_diff(*b) <= 3, "{a} came back as {b}");
        }
    }

    #[test]
    fn reference_colours() {
        assert_eq!(luma(0, 0, 0), 16);
        assert_eq!(luma(255, 255, 255), 235);
        assert_eq!(chroma(255, 255, 255), (128, 128));
        assert_eq!(chroma(255, 0, 0), (90, 240));
    }

    /// The straightforward per-pixel conversion the fast one must match byte for byte.
    fn reference(rgb: &RgbFrame) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let (w, h) = (rgb.width as usize, rgb.height as usize);
        let px = |x: usize, y: usize| {
            let p = rgb.pixel(x as u32, y as u32);
            (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]))
        };
        let mut y_plane = vec![0; w * h];
        for y in 0..h {
            for x in 0..w {
                let (r, g, b) = px(x, y);
                y_plane[y * w + x] = luma(r, g, b);
            }
        }
        let (mut u_plane, mut v_plane) = (vec![0; w * h / 4], vec![0; w * h / 4]);
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
                u_plane[cy * w / 2 + cx] = u;
                v_plane[cy * w / 2 + cx] = v;
            }
        }
        (y_plane, u_plane, v_plane)
    }

    #[test]
    fn matches_the_per_pixel_conversion_with_padded_strides() {
        let (w, h) = (22usize, 6usize);
        let mut rgb = RgbFrame::new(w as u32, h as u32);
        let mut state = 0x9e37_79b9u32;
        for byte in rgb.data.iter_mut() {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            *byte = (state >> 24) as u8;
        }
        let (ys, cs) = (w + 10, w / 2 + 7);
        let (mut y, mut u, mut v) = (vec![7; ys * h], vec![7; cs * h / 2], vec![7; cs * h / 2]);
        rgb_to_yuv420(
            &rgb,
            YuvPlanes {
                y: (&mut y, ys),
                u: (&mut u, cs),
                v: (&mut v, cs),
            },
        );
        // The baseline build of the loops gives the same bytes as the dispatched one.
        let (mut py, mut pu, mut pv) = (vec![7; ys * h], vec![7; cs * h / 2], vec![7; cs * h / 2]);
        rgb_to_yuv420_portable(
            &rgb,
            YuvPlanes {
                y: (&mut py, ys),
                u: (&mut pu, cs),
                v: (&mut pv, cs),
            },
        );
        assert_eq!((&py, &pu, &pv), (&y, &u, &v));
        let (ry, ru, rv) = reference(&rgb);
        for row in 0..h {
            assert_eq!(&y[row * ys..row * ys + w], &ry[row * w..(row + 1) * w]);
            assert!(y[row * ys + w..(row + 1) * ys].iter().all(|&b| b == 7));
        }
        for row in 0..h / 2 {
            assert_eq!(
                &u[row * cs..row * cs + w / 2],
                &ru[row * w / 2..(row + 1) * w / 2]
            );
            assert_eq!(
                &v[row * cs..row * cs + w / 2],
                &rv[row * w / 2..(row + 1) * w / 2]
            );
        }
    }
}
