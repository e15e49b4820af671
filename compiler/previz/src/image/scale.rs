//! The one image scaler: a box filter in integer arithmetic, used by the previz keyframe insets,
//! the storyboard's thumbnails, the ltx backend (keyframe images and guide frames at the
//! generation size) and `scenec verify`'s thumbnails.
//!
//! **Filter.** Each target pixel is the mean of a rectangle of source pixels: a box filter.
//! Shrinking averages (no aliasing from skipped pixels); enlarging repeats source pixels. On
//! each axis target index `t` maps to the source interval `[(t + off)·d/n, (t + off + 1)·d/n)`,
//! where `n/d` is the scale factor (target pixels per source pixel) and `off` the crop offset in
//! target pixels. The [`Footprint`] says which whole source pixels that interval stands for:
//!
//! - [`Footprint::Partition`]: `[⌊(t+off)·d/n⌋, ⌊(t+off+1)·d/n⌋)`. When shrinking, every source
//!   pixel counts towards exactly one target pixel; one straddling a boundary goes to the later
//!   target. Enlarging is nearest-neighbour (target `t` shows source `⌊t·d/n⌋`).
//! - [`Footprint::Touching`]: `[⌊(t+off)·d/n⌋, ⌈(t+off+1)·d/n⌉)`. Every source pixel the
//!   interval touches, even in part, counts in full; neighbouring target pixels share the pixels
//!   on their common edge. Enlarging by a non-integer factor blends the two source pixels a
//!   target pixel straddles; by an integer factor it repeats pixels exactly.
//!
//! Either way each interval holds at least one source pixel and stays inside the image.
//!
//! **Exactness.** Sums are `u64` (exact for any image this crate accepts) and each mean rounds
//! half up, `(sum + count/2) / count`, per channel. No floating point is involved, so the output
//! is the same bytes on every machine, compiler and thread count; a same-size scale is the
//! identity. The previz's bytes are part of its cache keys and goldens
//! (`PREVIZ_RENDERER_VERSION`), and the ltx backend conditions on these pixels: any change to
//! this arithmetic changes renders.
//!
//! The callers keep the filters they had before this module gathered them: previz insets,
//! storyboard and verify thumbnails stretch with [`Footprint::Partition`]; the ltx backend
//! covers with [`Footprint::Touching`]. The tests below check both against the three former
//! implementations.

/// Width and height in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    pub width: usize,
    pub height: usize,
}

impl Size {
    pub fn new(width: u32, height: u32) -> Size {
        Size {
            width: width as usize,
            height: height as usize,
        }
    }
}

/// Packed 8-bit RGB pixels, row-major, top row first, whose length agrees with their size.
#[derive(Clone, Copy, Debug)]
pub struct RgbView<'a> {
    size: Size,
    rgb: &'a [u8],
}

impl<'a> RgbView<'a> {
    /// `None` unless both sides are non-zero and `rgb` holds exactly `width × height × 3` bytes.
    pub fn new(size: Size, rgb: &'a [u8]) -> Option<RgbView<'a>> {
        let len = size.width.checked_mul(size.height)?.checked_mul(3)?;
        (size.width > 0 && size.height > 0 && rgb.len() == len).then_some(RgbView { size, rgb })
    }

    pub fn size(&self) -> Size {
        self.size
    }

    pub fn rgb(&self) -> &'a [u8] {
        self.rgb
    }
}

/// How the source's shape meets the target's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Each axis scaled on its own: the whole source fills the target, distorted when the
    /// aspect ratios differ (callers that keep the aspect choose the target size for it).
    Stretch,
    /// One factor for both axes, the smallest that covers the target; the overflow is cropped
    /// from the centre (the odd pixel from the right or bottom).
    Cover,
}

/// Which source pixels a target pixel averages (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Footprint {
    Partition,
    Touching,
}

/// One axis of the mapping: target `t` stands for source `[(t + off)·den/num, (t + off + 1)·den/num)`.
struct Axis {
    num: u64,
    den: u64,
    off: u64,
    /// Source pixels on this axis (at least one).
    source: u64,
}

impl Axis {
    /// The source span `[a, b)` of every target index below `target`.
    fn spans(&self, target: usize, footprint: Footprint) -> Vec<(usize, usize)> {
        (0..target as u64)
            .map(|t| {
                let a = ((t + self.off) * self.den / self.num).min(self.source - 1);
                let end = (t + self.off + 1) * self.den;
                let b = match footprint {
                    Footprint::Partition => end / self.num,
                    Footprint::Touching => end.div_ceil(self.num),
                };
                (a as usize, b.clamp(a + 1, self.source) as usize)
            })
            .collect()
    }
}

/// `src` scaled to `to` (packed RGB, `to.width × to.height × 3` bytes).
pub fn scale(src: RgbView<'_>, to: Size, fit: Fit, footprint: Footprint) -> Vec<u8> {
    let (sw, sh) = (src.size.width as u64, src.size.height as u64);
    let (tw, th) = (to.width as u64, to.height as u64);
    let (x_axis, y_axis) = match fit {
        Fit::Stretch => (
            Axis {
                num: tw,
                den: sw,
                off: 0,
                source: sw,
            },
            Axis {
                num: th,
                den: sh,
                off: 0,
                source: sh,
            },
        ),
        Fit::Cover => {
            // The factor max(tw/sw, th/sh) as the exact fraction num/den.
            let (num, den) = if tw * sh >= th * sw {
                (tw, sw)
            } else {
                (th, sh)
            };
            // The scaled image is (sw·num/den) × (sh·num/den); the offsets centre the target.
            let axis = |source: u64, target: u64| Axis {
                num,
                den,
                off: (source * num / den).saturating_sub(target) / 2,
                source,
            };
            (axis(sw, tw), axis(sh, th))
        }
    };
    let xs = x_axis.spans(to.width, footprint);
    let ys = y_axis.spans(to.height, footprint);
    let stride = src.size.width * 3;
    let mut out = Vec::with_capacity(to.width * to.height * 3);
    for &(y0, y1) in &ys {
        let rows = &src.rgb[y0 * stride..y1 * stride];
        for &(x0, x1) in &xs {
            let mut acc = [0u64; 3];
            for row in rows.chunks_exact(stride) {
                for px in row[x0 * 3..x1 * 3].chunks_exact(3) {
                    for (a, v) in acc.iter_mut().zip(px) {
                        *a += u64::from(*v);
                    }
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            for a in acc {
                out.push(((a + n / 2) / n) as u8);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scalers this module replaced, verbatim in their arithmetic, as oracles.
    mod former {
        /// `previz/inset.rs` (also the storyboard's): area average by floor spans.
        pub fn inset(src: &[u8], sw: usize, sh: usize, tw: usize, th: usize) -> Vec<u8> {
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

        /// `verify/thumbnail.rs`: the same spans without the clamp (it never enlarged).
        pub fn verify(src: &[u8], sw: u64, sh: u64, w: u64, h: u64) -> Vec<u8> {
            let mut out = vec![0u8; (w * h * 3) as usize];
            for ty in 0..h {
                let y0 = ty * sh / h;
                let y1 = ((ty + 1) * sh / h).max(y0 + 1);
                for tx in 0..w {
                    let x0 = tx * sw / w;
                    let x1 = ((tx + 1) * sw / w).max(x0 + 1);
                    let mut sum = [0u64; 3];
                    for y in y0..y1 {
                        for x in x0..x1 {
                            let i = ((y * sw + x) * 3) as usize;
                            for c in 0..3 {
                                sum[c] += src[i + c] as u64;
                            }
                        }
                    }
                    let n = (y1 - y0) * (x1 - x0);
                    let o = ((ty * w + tx) * 3) as usize;
                    for c in 0..3 {
                        out[o + c] = ((sum[c] + n / 2) / n) as u8;
                    }
                }
            }
            out
        }

        /// `ltx/size.rs`: cover and centre-crop, ceiling span ends.
        pub fn ltx_cover(rgb: &[u8], sw: u64, sh: u64, tw: u64, th: u64) -> Vec<u8> {
            let (num, den) = if tw * sh >= th * sw {
                (tw, sw)
            } else {
                (th, sh)
            };
            let (ox, oy) = (
                (sw * num / den).saturating_sub(tw) / 2,
                (sh * num / den).saturating_sub(th) / 2,
            );
            let span = |t: u64, off: u64, limit: u64| {
                let a = ((t + off) * den / num).min(limit - 1);
                let b = ((t + off + 1) * den).div_ceil(num).clamp(a + 1, limit);
                (a as usize, b as usize)
            };
            let xs: Vec<(usize, usize)> = (0..tw).map(|x| span(x, ox, sw)).collect();
            let mut data = Vec::new();
            for y in 0..th {
                let (y0, y1) = span(y, oy, sh);
                for &(x0, x1) in &xs {
                    let mut acc = [0u64; 3];
                    for row in y0..y1 {
                        let line = &rgb[row * sw as usize * 3..(row + 1) * sw as usize * 3];
                        for px in line[x0 * 3..x1 * 3].chunks_exact(3) {
                            for (a, v) in acc.iter_mut().zip(px) {
                                *a += u64::from(*v);
                            }
                        }
                    }
                    let n = ((y1 - y0) * (x1 - x0)) as u64;
                    for a in acc {
                        data.push(((a + n / 2) / n) as u8);
                    }
                }
            }
            data
        }
    }

    /// Pixels with no structure a filter could hide a mistake in (xorshift).
    fn noise(w: usize, h: usize, seed: u64) -> Vec<u8> {
        let mut s = seed | 1;
        (0..w * h * 3)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 24) as u8
            })
            .collect()
    }

    /// Sizes with integer and non-integer ratios, shrinking, enlarging and mixed, odd sides.
    const SIDES: [usize; 9] = [1, 2, 3, 5, 7, 8, 13, 32, 49];

    #[test]
    fn stretch_by_partition_is_the_former_inset_and_storyboard_scaler() {
        for (i, &(sw, sh)) in [(8, 4), (13, 7), (49, 32), (1, 5), (32, 49)]
            .iter()
            .enumerate()
        {
            let img = noise(sw, sh, i as u64 + 1);
            let src = RgbView::new(
                Size {
                    width: sw,
                    height: sh,
                },
                &img,
            )
            .unwrap();
            for tw in SIDES {
                for th in SIDES {
                    let to = Size {
                        width: tw,
                        height: th,
                    };
                    assert_eq!(
                        scale(src, to, Fit::Stretch, Footprint::Partition),
                        former::inset(&img, sw, sh, tw, th),
                        "{sw}x{sh} -> {tw}x{th}"
                    );
                }
            }
        }
    }

    #[test]
    fn stretch_by_partition_is_the_former_verify_thumbnail() {
        // verify shrank to 192 wide (never enlarging), the height by the aspect ratio.
        for (i, &(sw, sh)) in [(768, 512), (512, 320), (200, 113), (193, 2), (640, 480)]
            .iter()
            .enumerate()
        {
            let img = noise(sw, sh, 40 + i as u64);
            let w = 192.min(sw);
            let h = (sh * w / sw).max(1);
            let src = RgbView::new(
                Size {
                    width: sw,
                    height: sh,
                },
                &img,
            )
            .unwrap();
            assert_eq!(
                scale(
                    src,
                    Size {
                        width: w,
                        height: h
                    },
                    Fit::Stretch,
                    Footprint::Partition
                ),
                former::verify(&img, sw as u64, sh as u64, w as u64, h as u64),
                "{sw}x{sh}"
            );
        }
    }

    #[test]
    fn cover_touching_is_the_former_ltx_scaler() {
        for (i, &(sw, sh)) in [(8, 4), (13, 7), (49, 32), (1, 5), (32, 49), (100, 75)]
            .iter()
            .enumerate()
        {
            let img = noise(sw, sh, 90 + i as u64);
            let src = RgbView::new(
                Size {
                    width: sw,
                    height: sh,
                },
                &img,
            )
            .unwrap();
            for tw in SIDES {
                for th in SIDES {
                    let to = Size {
                        width: tw,
                        height: th,
                    };
                    assert_eq!(
                        scale(src, to, Fit::Cover, Footprint::Touching),
                        former::ltx_cover(&img, sw as u64, sh as u64, tw as u64, th as u64),
                        "{sw}x{sh} -> {tw}x{th}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_same_size_is_the_identity() {
        let img = noise(13, 7, 5);
        let size = Size {
            width: 13,
            height: 7,
        };
        let src = RgbView::new(size, &img).unwrap();
        for fit in [Fit::Stretch, Fit::Cover] {
            for footprint in [Footprint::Partition, Footprint::Touching] {
                assert_eq!(scale(src, size, fit, footprint), img);
            }
        }
    }

    #[test]
    fn means_round_half_up() {
        // One row of 0 and 1: the mean 0.5 rounds to 1; of 0, 0, 1 (1/3) to 0.
        let img = [0, 0, 0, 1, 1, 1];
        let src = RgbView::new(
            Size {
                width: 2,
                height: 1,
            },
            &img,
        )
        .unwrap();
        let one = Size {
            width: 1,
            height: 1,
        };
        assert_eq!(
            scale(src, one, Fit::Stretch, Footprint::Partition),
            [1, 1, 1]
        );
        let img = [0, 0, 0, 0, 0, 0, 1, 1, 1];
        let src = RgbView::new(
            Size {
                width: 3,
                height: 1,
            },
            &img,
        )
        .unwrap();
        assert_eq!(
            scale(src, one, Fit::Stretch, Footprint::Partition),
            [0, 0, 0]
        );
    }

    #[test]
    fn footprints_differ_on_straddling_pixels() {
        // 3 -> 2 columns: the middle source pixel straddles the boundary.
        let img = [0, 0, 0, 90, 90, 90, 200, 200, 200];
        let src = RgbView::new(
            Size {
                width: 3,
                height: 1,
            },
            &img,
        )
        .unwrap();
        let to = Size {
            width: 2,
            height: 1,
        };
        // Partition: [0, 1) and [1, 3).
        assert_eq!(
            scale(src, to, Fit::Stretch, Footprint::Partition),
            [0, 0, 0, 145, 145, 145]
        );
        // Touching: [0, 2) and [1, 3), both holding the middle pixel.
        assert_eq!(
            scale(src, to, Fit::Stretch, Footprint::Touching),
            [45, 45, 45, 145, 145, 145]
        );
    }

    #[test]
    fn cover_crops_the_centre() {
        // 4x2 -> 2x2: the height fits at scale 1, so the target is the middle two columns.
        let img: Vec<u8> = (0..8u8).flat_map(|x| [x % 4, 0, 0]).collect();
        let src = RgbView::new(
            Size {
                width: 4,
                height: 2,
            },
            &img,
        )
        .unwrap();
        let out = scale(
            src,
            Size {
                width: 2,
                height: 2,
            },
            Fit::Cover,
            Footprint::Partition,
        );
        assert_eq!(out, [1, 0, 0, 2, 0, 0, 1, 0, 0, 2, 0, 0]);
    }

    #[test]
    fn an_empty_target_is_empty() {
        let img = noise(3, 3, 9);
        let src = RgbView::new(
            Size {
                width: 3,
                height: 3,
            },
            &img,
        )
        .unwrap();
        for to in [
            Size {
                width: 0,
                height: 4,
            },
            Size {
                width: 4,
                height: 0,
            },
        ] {
            assert!(scale(src, to, Fit::Cover, Footprint::Touching).is_empty());
            assert!(scale(src, to, Fit::Stretch, Footprint::Partition).is_empty());
        }
    }

    #[test]
    fn views_check_their_length() {
        let s = Size {
            width: 2,
            height: 2,
        };
        assert!(RgbView::new(s, &[0; 12]).is_some());
        assert!(RgbView::new(s, &[0; 11]).is_none());
        assert!(RgbView::new(
            Size {
                width: 0,
                height: 2
            },
            &[]
        )
        .is_none());
    }
}
