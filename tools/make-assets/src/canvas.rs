//! A small RGB raster with anti-aliased shapes, encoded as PNG.
//!
//! Shapes are sampled at SS×SS points per pixel and averaged, so edges are smooth; all arithmetic
//! is on integers or basic float operations, so the pixels are the same on every machine.

pub type Rgb = [u8; 3];

/// `0xd62828` → `[0xd6, 0x28, 0x28]`.
pub const fn rgb(hex: u32) -> Rgb {
    [(hex >> 16) as u8, (hex >> 8) as u8, hex as u8]
}

pub fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f64::from(x) * (1.0 - t) + f64::from(y) * t).round() as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

const SS: usize = 3;

pub struct Canvas {
    width: usize,
    height: usize,
    /// Supersampled pixels, row-major, `width*SS` by `height*SS`.
    fine: Vec<Rgb>,
}

impl Canvas {
    pub fn new(width: usize, height: usize, background: Rgb) -> Canvas {
        Canvas {
            width,
            height,
            fine: vec![background; width * SS * height * SS],
        }
    }

    pub fn width(&self) -> f64 {
        self.width as f64
    }

    pub fn height(&self) -> f64 {
        self.height as f64
    }

    /// Paints every sample inside the box `(x0, y0)-(x1, y1)` (pixel units) for which `shade`
    /// returns a colour and an opacity.
    pub fn paint(
        &mut self,
        bbox: (f64, f64, f64, f64),
        shade: impl Fn(f64, f64) -> Option<(Rgb, f64)>,
    ) {
        let fw = self.width * SS;
        let fh = self.height * SS;
        let to_fine = |v: f64, max: usize| ((v * SS as f64).floor().max(0.0) as usize).min(max);
        let (fx0, fx1) = (to_fine(bbox.0, fw), to_fine(bbox.2 + 1.0, fw));
        let (fy0, fy1) = (to_fine(bbox.1, fh), to_fine(bbox.3 + 1.0, fh));
        for fy in fy0..fy1 {
            let y = (fy as f64 + 0.5) / SS as f64;
            for fx in fx0..fx1 {
                let x = (fx as f64 + 0.5) / SS as f64;
                if let Some((color, alpha)) = shade(x, y) {
                    let px = &mut self.fine[fy * fw + fx];
                    *px = if alpha >= 1.0 {
                        color
                    } else {
                        mix(*px, color, alpha)
                    };
                }
            }
        }
    }

    pub fn fill_all(&mut self, shade: impl Fn(f64, f64) -> Rgb) {
        let (w, h) = (self.width(), self.height());
        self.paint((0.0, 0.0, w, h), |x, y| Some((shade(x, y), 1.0)));
    }

    pub fn rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: Rgb, alpha: f64) {
        self.paint((x0, y0, x1, y1), |x, y| {
            (x >= x0 && x < x1 && y >= y0 && y < y1).then_some((color, alpha))
        });
    }

    pub fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, color: Rgb, alpha: f64) {
        self.paint((cx - rx, cy - ry, cx + rx, cy + ry), |x, y| {
            let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
            (dx * dx + dy * dy <= 1.0).then_some((color, alpha))
        });
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, color: Rgb, alpha: f64) {
        self.ellipse(cx, cy, r, r, color, alpha);
    }

    /// A filled polygon (even-odd rule).
    pub fn polygon(&mut self, points: &[(f64, f64)], color: Rgb, alpha: f64) {
        let bbox = points
            .iter()
            .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |b, &(x, y)| {
                (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y))
            });
        self.paint(bbox, |x, y| inside(points, x, y).then_some((color, alpha)));
    }

    /// A line with round caps, `width` pixels thick.
    pub fn line(&mut self, a: (f64, f64), b: (f64, f64), width: f64, color: Rgb, alpha: f64) {
        let r = width / 2.0;
        let bbox = (
            a.0.min(b.0) - r,
            a.1.min(b.1) - r,
            a.0.max(b.0) + r,
            a.1.max(b.1) + r,
        );
        self.paint(bbox, |x, y| {
            (segment_distance(a, b, (x, y)) <= r).then_some((color, alpha))
        });
    }

    /// A soft round glow: opacity falls from `alpha` at the centre to 0 at `r`.
    pub fn glow(&mut self, cx: f64, cy: f64, r: f64, color: Rgb, alpha: f64) {
        self.paint((cx - r, cy - r, cx + r, cy + r), |x, y| {
            let d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
            (d2 < 1.0).then_some((color, alpha * (1.0 - d2) * (1.0 - d2)))
        });
    }

    /// A rectangle `(x0, y0, x1, y1)` with corners rounded to `radius`.
    pub fn rounded_rect(
        &mut self,
        bounds: (f64, f64, f64, f64),
        radius: f64,
        color: Rgb,
        alpha: f64,
    ) {
        let (x0, y0, x1, y1) = bounds;
        self.paint(bounds, |x, y| {
            let cx = x.clamp(x0 + radius, x1 - radius);
            let cy = y.clamp(y0 + radius, y1 - radius);
            let inside = x >= x0 && x < x1 && y >= y0 && y < y1;
            let corner = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius;
            (inside && corner).then_some((color, alpha))
        });
    }

    /// Copies a horizontal band, mirrored vertically, below `axis` (a reflection), with each row
    /// shifted by `ripple(row)` pixels and blended over what is there with `alpha`.
    pub fn reflect(
        &mut self,
        axis: f64,
        depth: f64,
        alpha: f64,
        tint: Rgb,
        ripple: impl Fn(usize) -> f64,
    ) {
        let fw = self.width * SS;
        let fh = self.height * SS;
        let axis_f = (axis * SS as f64) as usize;
        let depth_f = (depth * SS as f64) as usize;
        for k in 0..depth_f {
            let (src_y, dst_y) = match (axis_f.checked_sub(k + 1), axis_f + k) {
                (Some(s), d) if d < fh => (s, d),
                _ => break,
            };
            let shift = (ripple(k / SS) * SS as f64).round() as i64;
            let fade = alpha * (1.0 - k as f64 / depth_f as f64);
            for fx in 0..fw {
                let sx = (fx as i64 + shift).clamp(0, fw as i64 - 1) as usize;
                let src = mix(self.fine[src_y * fw + sx], tint, 0.35);
                let dst = &mut self.fine[dst_y * fw + fx];
                *dst = mix(*dst, src, fade);
            }
        }
    }

    /// Averages the samples down to pixels.
    pub fn pixels(&self) -> Vec<u8> {
        let fw = self.width * SS;
        let mut out = Vec::with_capacity(self.width * self.height * 3);
        for y in 0..self.height {
            for x in 0..self.width {
                let mut sum = [0u32; 3];
                for sy in 0..SS {
                    for sx in 0..SS {
                        let p = self.fine[(y * SS + sy) * fw + x * SS + sx];
                        for c in 0..3 {
                            sum[c] += u32::from(p[c]);
                        }
                    }
                }
                let n = (SS * SS) as u32;
                out.extend(sum.iter().map(|s| ((s + n / 2) / n) as u8));
            }
        }
        out
    }

    pub fn encode_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, self.width as u32, self.height as u32);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Best);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&self.pixels())?;
            writer.finish()?;
        }
        Ok(out)
    }
}

fn inside(points: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut result = false;
    let mut j = points.len() - 1;
    for i in 0..points.len() {
        let (xi, yi) = points[i];
        let (xj, yj) = points[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            result = !result;
        }
        j = i;
    }
    result
}

fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (qx, qy) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (qx * qx + qy * qy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_cover_what_they_should() {
        let mut c = Canvas::new(10, 10, [0, 0, 0]);
        c.rect(2.0, 2.0, 5.0, 5.0, [255, 255, 255], 1.0);
        c.circle(8.0, 8.0, 1.0, [255, 0, 0], 1.0);
        let px = c.pixels();
        let at = |x: usize, y: usize| &px[(y * 10 + x) * 3..(y * 10 + x) * 3 + 3];
        assert_eq!(at(3, 3), [255, 255, 255]);
        assert_eq!(at(5, 5), [0, 0, 0]);
        assert_eq!(at(0, 0), [0, 0, 0]);
        assert!(at(8, 8)[0] > 100 && at(8, 8)[1] == 0);
        let png = c.encode_png().unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }
}
