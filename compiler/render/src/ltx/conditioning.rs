//! A shot's image conditions, the same for both model backends (`ltx`, `ltx2`), which differ
//! only in how they address a frame:
//!
//! - `continues` → the upstream shot's last decoded frame, at frame 0;
//! - `keyframe at T "img"` → the image scaled to cover the video, at the latent boundary
//!   nearest T inside the shot ([`timeline::condition_frame`]);
//! - character references → nothing: neither model has identity conditioning, descriptions
//!   reach it through the prompt.

use scene_model::pipeline::RgbFrame as ModelFrame;
use scene_plan::schedule::{ConditioningSource, ShotSchedule};
use scene_previz::backend::ShotInputs;
use scene_previz::error::RenderError;
use scene_previz::image::decode;

use super::generation::shot_error;
use super::size::{self, Size};
use super::timeline;

/// One image that pins a frame of the generated video.
pub struct ConditionImage {
    /// At the generation size.
    pub image: ModelFrame,
    /// The pixel frame of the generated video it pins: 0 or a latent boundary.
    pub frame: usize,
    /// 1 pins the image; lower values let the model depart from it.
    pub strength: f32,
}

/// The shot's conditions in the schedule's order, for a video generated at `generation`.
pub fn images(
    backend: &str,
    shot: &ShotSchedule,
    inputs: &ShotInputs<'_>,
    generation: Size,
) -> Result<Vec<ConditionImage>, RenderError> {
    let shot_frames = shot.frames.0.max(1) as usize;
    let mut images = Vec::new();
    for c in &shot.conditioning {
        let strength = c.strength as f32;
        match &c.source {
            ConditioningSource::LastFrameOf { shot: upstream } => {
                let frame = inputs.continued_frame.ok_or_else(|| {
                    shot_error(
                        backend,
                        &shot.name,
                        format!("the last frame of `{upstream}` was not provided"),
                    )
                })?;
                let image = size::to_model(frame, generation).ok_or_else(|| {
                    shot_error(
                        backend,
                        &shot.name,
                        format!("the last frame of `{upstream}` does not hold its pixels"),
                    )
                })?;
                images.push(ConditionImage {
                    image,
                    frame: 0,
                    strength,
                });
            }
            ConditioningSource::Image { path, .. } => {
                let file = inputs.project_root.join(path);
                let decoded = decode(&file)?;
                let Some(view) = decoded.view() else {
                    return Err(RenderError::Decode {
                        path: file,
                        message: format!(
                            "a {}x{} image cannot condition a video",
                            decoded.width, decoded.height
                        ),
                    });
                };
                images.push(ConditionImage {
                    image: size::cover(view, generation),
                    frame: timeline::condition_frame(c.frame.0 as usize, shot_frames),
                    strength,
                });
            }
            ConditioningSource::Reference { .. } => {}
        }
    }
    Ok(images)
}
