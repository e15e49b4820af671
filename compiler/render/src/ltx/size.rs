//! Space as the model sees it: widths and heights that are multiples of 32, images scaled to
//! cover the video, and generated frames cropped back to the film's size.
//!
//! The checker already requires film sizes to be multiples of 32, so for a checked film the
//! generation size equals the film size and every step here is the identity. The mapping still
//! handles other sizes (schedules written by other tools): generate the next multiple of 32 up
//! and crop the centre.

use scene_model::pipeline::{valid_dimension, RgbFrame as ModelFrame};
use scene_previz::frame::RgbFrame;
use scene_previz::image::{scale, Fit, Footprint, RgbView};

pub use scene_previz::image::Size;

/// The size to generate for a film of this size: each side rounded up to a multiple of 32.
pub fn for_generation(film: Size) -> Size {
    Size {
        width: valid_dimension(film.width),
        height: valid_dimension(film.height),
    }
}

/// `src` scaled to cover `dst` (keeping its aspect ratio), the centre cropped: the shared box
/// filter ([`scene_previz::image::scale()`]) with the footprint this backend has always used,
/// [`Footprint::Touching`], so a large keyframe image shrinks without aliasing and the
/// conditioning pixels of earlier renders stay the same bytes.
pub fn cover(src: RgbView<'_>, dst: Size) -> ModelFrame {
    ModelFrame {
        width: dst.width as u32,
        height: dst.height as u32,
        data: scale(src, dst, Fit::Cover, Footprint::Touching),
    }
}

/// A frame of the film as the model takes it, at the generation size; `None` when the frame's
/// pixels do not match its size.
pub fn to_model(frame: &RgbFrame, generation: Size) -> Option<ModelFrame> {
    let src = Size::new(frame.width, frame.height);
    if src == generation {
        return Some(ModelFrame {
            width: frame.width,
            height: frame.height,
            data: frame.data.clone(),
        });
    }
    Some(cover(frame.view()?, generation))
}

/// A generated frame cropped (centred) to the film's size.
pub fn to_film(frame: ModelFrame, film: Size) -> RgbFrame {
    let (w, h) = (frame.width as usize, frame.height as usize);
    if (w, h) == (film.width, film.height) {
        return RgbFrame {
            width: frame.width,
            height: frame.height,
            data: frame.data,
        };
    }
    let (ox, oy) = (
        w.saturating_sub(film.width) / 2,
        h.saturating_sub(film.height) / 2,
    );
    let mut data = Vec::with_capacity(film.width * film.height * 3);
    for y in 0..film.height {
        let start = ((y + oy) * w + ox) * 3;
        data.extend_from_slice(&frame.data[start..start + film.width * 3]);
    }
    RgbFrame {
        width: film.width as u32,
        height: film.height as u32,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: usize, h: usize) -> Vec<u8> {
        (0..h)
            .flat_map(|y| (0..w).flat_map(move |x| [x as u8, y as u8, 7]))
            .collect()
    }

    fn view(rgb: &[u8], size: Size) -> RgbView<'_> {
        RgbView::new(size, rgb).unwrap()
    }

    #[test]
    fn generation_sizes_are_multiples_of_32() {
        let s = for_generation(Size::new(100, 64));
        assert_eq!((s.width, s.height), (128, 64));
    }

    #[test]
    fn cover_of_the_same_size_is_the_identity() {
        let img = gradient(64, 32);
        let s = Size::new(64, 32);
        assert_eq!(cover(view(&img, s), s).data, img);
    }

    #[test]
    fn cover_halves_by_averaging_and_crops_the_centre() {
        // 8x4 -> 2x2: scale 1/2 (height decides), the 4x2 result cropped to its middle columns.
        let img = gradient(8, 4);
        let out = cover(view(&img, Size::new(8, 4)), Size::new(2, 2));
        assert_eq!(out.data.len(), 12);
        // Output (0,0) averages source x 2..=3, y 0..=1: x mean 2.5 rounds to 3, y mean 0.5 to 1.
        assert_eq!(&out.data[0..3], &[3, 1, 7]);
        // Output (1,1) averages source x 4..=5, y 2..=3.
        assert_eq!(&out.data[9..12], &[5, 3, 7]);
    }

    #[test]
    fn cover_enlarges_by_repeating() {
        let img = gradient(2, 1);
        let out = cover(view(&img, Size::new(2, 1)), Size::new(4, 2));
        assert_eq!(
            out.data,
            vec![0, 0, 7, 0, 0, 7, 1, 0, 7, 1, 0, 7, 0, 0, 7, 0, 0, 7, 1, 0, 7, 1, 0, 7]
        );
    }

    #[test]
    fn crop_takes_the_centre() {
        let img = gradient(6, 4);
        let frame = ModelFrame {
            width: 6,
            height: 4,
            data: img,
        };
        let out = to_film(frame, Size::new(2, 2));
        assert_eq!(out.pixel(0, 0), [2, 1, 7]);
        assert_eq!(out.pixel(1, 1), [3, 2, 7]);
    }
}
