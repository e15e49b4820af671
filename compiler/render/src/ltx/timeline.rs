//! Time as the model sees it: frame counts of the form 8k+1, latent frames that each stand for
//! several pixel frames, and conditioning frames that sit on latent boundaries.
//!
//! LTX-Video's causal VAE compresses time 8x with the first frame alone in its own latent:
//! latent 0 is pixel frame 0, latent `l >= 1` covers pixel frames `8l-7 ..= 8l`.

/// The model's temporal compression.
pub const FRAMES_PER_LATENT: usize = 8;

/// Frames to generate for a shot of `frames` frames: the smallest 8k+1 that holds them. The
/// surplus (at most 7 frames) is dropped from the end, so the shot's first frame, which
/// `continues` pins, and every frame in between keep their timing.
pub fn generated_frames(frames: usize) -> usize {
    scene_model::pipeline::valid_frame_count(frames.max(1))
}

pub fn latent_frames(generated: usize) -> usize {
    (generated.saturating_sub(1)) / FRAMES_PER_LATENT + 1
}

/// The pixel frames latent `l` stands for.
pub fn pixel_frames_of_latent(l: usize) -> std::ops::RangeInclusive<usize> {
    if l == 0 {
        0..=0
    } else {
        (FRAMES_PER_LATENT * l - (FRAMES_PER_LATENT - 1))..=FRAMES_PER_LATENT * l
    }
}

/// Prompt-travel weights per latent frame: the mean of the schedule's per-frame weights over the
/// pixel frames the latent stands for, counting only frames inside the shot (the surplus frames
/// are dropped, so they must not pull the travel late). Each row still sums to 1.
///
/// `weights_at(f)` is the schedule's row for frame `f`; `shot_frames` its frame count.
pub fn latent_weights<'a>(
    keyframes: usize,
    shot_frames: usize,
    weights_at: impl Fn(usize) -> &'a [f32],
) -> Vec<Vec<f32>> {
    let generated = generated_frames(shot_frames);
    let last = shot_frames.max(1) - 1;
    (0..latent_frames(generated))
        .map(|l| {
            let range = pixel_frames_of_latent(l);
            let (start, end) = (*range.start(), (*range.end()).min(last));
            // Every latent's first frame is inside the shot (the count is the smallest 8k+1);
            // clamping keeps a degenerate schedule from producing an empty range.
            let start = start.min(end);
            let mut row = vec![0f64; keyframes];
            for f in start..=end {
                let w = weights_at(f);
                for (acc, v) in row.iter_mut().zip(w) {
                    *acc += f64::from(*v);
                }
            }
            let n = (end - start + 1) as f64;
            row.into_iter().map(|v| (v / n) as f32).collect()
        })
        .collect()
}

/// Where an image keyframe at shot frame `frame` is pinned: the nearest latent boundary
/// (a multiple of 8) that lies inside the shot. A boundary past the shot's last frame would pin
/// the image to a surplus frame that is then dropped, so the one before it is taken instead.
pub fn condition_frame(frame: usize, shot_frames: usize) -> usize {
    let last_in_shot = shot_frames.max(1) - 1;
    let latest = last_in_shot / FRAMES_PER_LATENT * FRAMES_PER_LATENT;
    let nearest = (frame + FRAMES_PER_LATENT / 2) / FRAMES_PER_LATENT * FRAMES_PER_LATENT;
    nearest.min(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_up_to_8k_plus_1() {
        assert_eq!(generated_frames(1), 1);
        assert_eq!(generated_frames(8), 9);
        assert_eq!(generated_frames(9), 9);
        assert_eq!(generated_frames(10), 17);
        assert_eq!(generated_frames(24), 25);
        assert_eq!(latent_frames(25), 4);
    }

    #[test]
    fn latents_cover_their_frames() {
        assert_eq!(pixel_frames_of_latent(0), 0..=0);
        assert_eq!(pixel_frames_of_latent(1), 1..=8);
        assert_eq!(pixel_frames_of_latent(3), 17..=24);
    }

    #[test]
    fn latent_weights_average_the_frames_inside_the_shot() {
        // 8 frames travelling linearly from prompt A (frame 0) to B (frame 7).
        let rows: Vec<Vec<f32>> = (0..8)
            .map(|f| {
                let t = f as f32 / 7.0;
                vec![1.0 - t, t]
            })
            .collect();
        let w = latent_weights(2, 8, |f| &rows[f.min(7)]);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0], vec![1.0, 0.0]);
        // Latent 1 covers frames 1..=8; frame 8 is surplus, so the mean is over 1..=7.
        let mean_b: f32 = (1..8).map(|f| f as f32 / 7.0).sum::<f32>() / 7.0;
        assert!((w[1][1] - mean_b).abs() < 1e-6, "{:?}", w[1]);
        assert!((w[1][0] + w[1][1] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn conditions_land_on_boundaries_inside_the_shot() {
        assert_eq!(condition_frame(0, 24), 0);
        assert_eq!(condition_frame(3, 24), 0);
        assert_eq!(condition_frame(4, 24), 8);
        assert_eq!(condition_frame(12, 24), 16);
        assert_eq!(condition_frame(23, 24), 16);
        // An 8-frame shot generates 9 frames; frame 8 is dropped, so nothing may be pinned there.
        assert_eq!(condition_frame(4, 8), 0);
        assert_eq!(condition_frame(7, 9), 8);
    }
}
