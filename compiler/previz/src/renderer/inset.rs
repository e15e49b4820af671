//! Image keyframes (`keyframe at T "file.png"`) as a small framed thumbnail in the top-right
//! corner from their frame onwards, so the previz shows which picture the shot must pass through.
//!
//! Images are decoded once per shot ([`crate::image::decode()`]) and shrunk by the shared box
//! filter ([`crate::image::scale()`]).

use std::path::Path;

use scene_plan::schedule::{ConditioningSource, ShotSchedule};

use crate::error::RenderError;
use crate::image::{decode, scale, Fit, Footprint, Size};

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
        let image = decode(&full)?;
        let view = image.view().ok_or_else(|| {
            RenderError::decode(
                &full,
                format!(
                    "the decoded image does not hold {}x{} pixels",
                    image.width, image.height
                ),
            )
        })?;
        let (w, h) = (image.width as usize, image.height as usize);
        let tw = ((frame_w as f32 * 0.22).round() as usize).max(8);
        let th = ((tw as f32 * h as f32 / w as f32).round() as usize).clamp(4, tw * 2);
        let secs = c.frame.0 as f32 / fps.max(1) as f32;
        out.push(Inset {
            frame: c.frame.0,
            label: format!("KEYFRAME {secs:.1}s"),
            width: tw,
            height: th,
            rgb: scale(
                view,
                Size {
                    width: tw,
                    height: th,
                },
                Fit::Stretch,
                Footprint::Partition,
            ),
        });
    }
    out.sort_by_key(|i| i.frame);
    Ok(out)
}
