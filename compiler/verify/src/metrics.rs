//! Perceptual distance between two images of the same size: PSNR over RGB and SSIM over luma.

use scene_previz::frame::RgbFrame;

/// Peak signal-to-noise ratio in dB over all channels; `f64::INFINITY` for identical images.
pub fn psnr(a: &RgbFrame, b: &RgbFrame) -> f64 {
    debug_assert_eq!((a.width, a.height), (b.width, b.height));
    let n = a.data.len().min(b.data.len());
    if n == 0 {
        return f64::INFINITY;
    }
    let sse: u64 = a.data[..n]
        .iter()
        .zip(&b.data[..n])
        .map(|(&x, &y)| {
            let d = x as i64 - y as i64;
            (d * d) as u64
        })
        .sum();
    if sse == 0 {
        return f64::INFINITY;
    }
    let mse = sse as f64 / n as f64;
    10.0 * (255.0 * 255.0 / mse).log10()
}

fn luma(f: &RgbFrame) -> Vec<f64> {
    f.data
        .chunks_exact(3)
        .map(|p| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64)
        .collect()
}

/// Mean structural similarity over non-overlapping 8×8 windows of the luma (Wang et al. 2004
/// constants, L = 255). 1.0 for identical images.
pub fn ssim(a: &RgbFrame, b: &RgbFrame) -> f64 {
    const WIN: usize = 8;
    let (w, h) = (
        a.width.min(b.width) as usize,
        a.height.min(b.height) as usize,
    );
    let (la, lb) = (luma(a), luma(b));
    let c1 = (0.01 * 255.0f64).powi(2);
    let c2 = (0.03 * 255.0f64).powi(2);
    let mut total = 0.0;
    let mut windows = 0usize;
    let step_y = WIN.min(h.max(1));
    let step_x = WIN.min(w.max(1));
    let mut y0 = 0;
    while y0 + step_y <= h {
        let mut x0 = 0;
        while x0 + step_x <= w {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for y in y0..y0 + step_y {
                for x in x0..x0 + step_x {
                    let (pa, pb) = (la[y * a.width as usize + x], lb[y * b.width as usize + x]);
                    sa += pa;
                    sb += pb;
                    saa += pa * pa;
                    sbb += pb * pb;
                    sab += pa * pb;
                }
            }
            let n = (step_x * step_y) as f64;
            let (ma, mb) = (sa / n, sb / n);
            let va = saa / n - ma * ma;
            let vb = sbb / n - mb * mb;
            let cov = sab / n - ma * mb;
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            windows += 1;
            x0 += step_x;
        }
        y0 += step_y;
    }
    if windows == 0 {
        1.0
    } else {
        total / windows as f64
    }
}

/// |a − b| per channel, amplified ×4, for the report's difference image.
pub fn difference_image(a: &RgbFrame, b: &RgbFrame) -> RgbFrame {
    let mut out = RgbFrame::new(a.width.min(b.width), a.height.min(b.height));
    for y in 0..out.height {
        for x in 0..out.width {
            let (pa, pb) = (a.pixel(x, y), b.pixel(x, y));
            let d = [0, 1, 2]
                .map(|c| ((pa[c] as i32 - pb[c] as i32).unsigned_abs() * 4).min(255) as u8);
            out.put(x, y, d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32, shift: u8) -> RgbFrame {
        let mut f = RgbFrame::new(w, h);
        for y in 0..h {
            for x in 0..w {
                let v = ((x * 255 / w) as u8).saturating_add(shift);
                f.put(x, y, [v, (y * 255 / h) as u8, 128]);
            }
        }
        f
    }

    #[test]
    fn identical_images_are_perfect() {
        let a = gradient(64, 48, 0);
        assert_eq!(psnr(&a, &a), f64::INFINITY);
        assert!((ssim(&a, &a) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn small_shift_scores_higher_than_large() {
        let a = gradient(64, 48, 0);
        let near = gradient(64, 48, 2);
        let far = gradient(64, 48, 60);
        assert!(psnr(&a, &near) > psnr(&a, &far));
        assert!(ssim(&a, &near) > ssim(&a, &far));
        // A uniform offset of 2 levels on one channel of three: MSE = 4/3.
        assert!((psnr(&a, &near) - 10.0 * (255.0f64 * 255.0 / (4.0 / 3.0)).log10()).abs() < 0.05);
    }

    #[test]
    fn structure_change_lowers_ssim() {
        let a = gradient(64, 48, 0);
        let mut b = a.clone();
        for y in 0..48 {
            for x in (0..64).step_by(2) {
                b.put(x, y, [255, 255, 255]);
            }
        }
        assert!(ssim(&a, &b) < 0.5);
    }
}
