//! Shot-by-shot comparison of a render with its goldens.

use scene_previz::frame::RgbFrame;

use crate::capture::{content_json, schedule_hash, CurrentShot};
use crate::diff::{diff, Change};
use crate::golden::Golden;
use crate::metrics::{psnr, ssim};
use crate::thumbnail::decode_png;
use crate::tolerance::Mode;

/// The measured distance of one thumbnail pair.
#[derive(Clone, Debug)]
pub struct ThumbComparison {
    pub frame: u32,
    pub golden_png: Vec<u8>,
    pub current: RgbFrame,
    pub psnr: f64,
    pub ssim: f64,
}

#[derive(Clone, Debug)]
pub enum ShotVerdict {
    /// Same content. `shifted` says where the shot moved in the film when only its place changed.
    Match { shifted: Option<(u32, u32)> },
    /// The shot looks different from its golden.
    Regressed {
        /// Why, in one line.
        reason: String,
        /// What changed in the schedule (empty when only the pixels changed).
        changes: Vec<Change>,
        frames_differing: usize,
        frames_total: usize,
        thumbs: Vec<ThumbComparison>,
    },
    /// In the film now, not in the goldens.
    Added,
    /// In the goldens, not in the film any more.
    Removed,
}

#[derive(Clone, Debug)]
pub struct ShotReport {
    pub name: String,
    pub verdict: ShotVerdict,
}

#[derive(Clone, Debug)]
pub struct Comparison {
    pub title: String,
    pub backend: String,
    pub golden_backend: String,
    pub mode: Mode,
    pub shots: Vec<ShotReport>,
}

impl Comparison {
    /// True when any shot regressed, was added or was removed.
    pub fn failed(&self) -> bool {
        self.backend != self.golden_backend
            || self
                .shots
                .iter()
                .any(|s| !matches!(s.verdict, ShotVerdict::Match { .. }))
    }

    /// A plain-text summary: one line per shot that needs attention, then a count.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        if self.backend != self.golden_backend {
            out += &format!(
                "backend differs: goldens were rendered with `{}`, this render used `{}`\n",
                self.golden_backend, self.backend
            );
        }
        let (mut ok, mut shifted) = (0, 0);
        for s in &self.shots {
            match &s.verdict {
                ShotVerdict::Match { shifted: None } => ok += 1,
                ShotVerdict::Match {
                    shifted: Some((a, b)),
                } => {
                    ok += 1;
                    shifted += 1;
                    out += &format!(
                        "moved     {}: content unchanged, now starts at frame {b} (was {a})\n",
                        s.name
                    );
                }
                ShotVerdict::Regressed {
                    reason, changes, ..
                } => {
                    out += &format!("REGRESSED {}: {reason}\n", s.name);
                    for c in changes {
                        out += &format!("            {c}\n");
                    }
                }
                ShotVerdict::Added => out += &format!("ADDED     {}: not in the goldens\n", s.name),
                ShotVerdict::Removed => {
                    out += &format!("REMOVED   {}: in the goldens, not in the film\n", s.name)
                }
            }
        }
        let bad = self.shots.len() - ok;
        out += &format!(
            "{ok} of {} shots match{}{}\n",
            self.shots.len(),
            if shifted > 0 {
                format!(" ({shifted} moved in time, content unchanged)")
            } else {
                String::new()
            },
            if bad > 0 {
                format!("; {bad} need attention")
            } else {
                String::new()
            }
        );
        out
    }
}

/// Compare the current render with the goldens, in the goldens' shot order, added shots last.
pub fn compare(
    golden: &Golden,
    title: &str,
    backend: &str,
    current: &[CurrentShot],
    mode: Mode,
) -> Comparison {
    let mut shots = Vec::new();
    for (i, g) in golden.index.shots.iter().enumerate() {
        let Some(cur) = current.iter().find(|c| c.schedule.name == g.name) else {
            shots.push(ShotReport {
                name: g.name.clone(),
                verdict: ShotVerdict::Removed,
            });
            continue;
        };
        let thumbs_of = |golden_thumbs: &[(u32, Vec<u8>)]| -> Vec<ThumbComparison> {
            golden_thumbs
                .iter()
                .filter_map(|(frame, png)| {
                    let current = cur.thumbnails.iter().find(|(f, _)| f == frame)?.1.clone();
                    let golden_img = decode_png(png).ok()?;
                    if (golden_img.width, golden_img.height) != (current.width, current.height) {
                        return Some(ThumbComparison {
                            frame: *frame,
                            golden_png: png.clone(),
                            current,
                            psnr: 0.0,
                            ssim: 0.0,
                        });
                    }
                    Some(ThumbComparison {
                        frame: *frame,
                        golden_png: png.clone(),
                        psnr: psnr(&golden_img, &current),
                        ssim: ssim(&golden_img, &current),
                        current,
                    })
                })
                .collect()
        };
        let schedule_same = schedule_hash(&cur.schedule) == g.schedule_hash;
        let frames_differing = (0..g.frame_hashes.len().max(cur.frame_hashes.len()))
            .filter(|&f| g.frame_hashes.get(f) != cur.frame_hashes.get(f))
            .count();
        let frames_total = cur.frame_hashes.len();
        let pixels_ok = match mode {
            Mode::Exact => frames_differing == 0,
            Mode::Perceptual(t) => {
                g.frame_hashes.len() == cur.frame_hashes.len()
                    && thumbs_of(&golden.thumbnails[i])
                        .iter()
                        .all(|c| c.psnr >= t.psnr && c.ssim >= t.ssim)
            }
        };
        let verdict = if schedule_same && pixels_ok {
            let (was, now) = (g.start_frame, cur.schedule.start_frame.0);
            ShotVerdict::Match {
                shifted: (was != now).then_some((was, now)),
            }
        } else {
            let changes = if schedule_same {
                Vec::new()
            } else {
                diff(
                    &content_json(&golden.schedules[i]),
                    &content_json(&cur.schedule),
                )
            };
            let thumbs = thumbs_of(&golden.thumbnails[i]);
            let reason = if !schedule_same {
                format!(
                    "its schedule changed ({} difference{}); {frames_differing} of {frames_total} frames differ",
                    changes.len(),
                    if changes.len() == 1 { "" } else { "s" }
                )
            } else {
                match mode {
                    Mode::Exact => format!(
                        "same schedule, but {frames_differing} of {frames_total} frames differ (the renderer changed)"
                    ),
                    Mode::Perceptual(t) => {
                        let worst = thumbs.iter().map(|c| c.psnr).fold(f64::INFINITY, f64::min);
                        let worst_ssim = thumbs.iter().map(|c| c.ssim).fold(1.0, f64::min);
                        format!(
                            "same schedule, but the frames moved beyond tolerance: PSNR {worst:.1} dB (min {:.1}), SSIM {worst_ssim:.3} (min {:.3})",
                            t.psnr, t.ssim
                        )
                    }
                }
            };
            ShotVerdict::Regressed {
                reason,
                changes,
                frames_differing,
                frames_total,
                thumbs,
            }
        };
        shots.push(ShotReport {
            name: g.name.clone(),
            verdict,
        });
    }
    for cur in current {
        if !golden
            .index
            .shots
            .iter()
            .any(|g| g.name == cur.schedule.name)
        {
            shots.push(ShotReport {
                name: cur.schedule.name.clone(),
                verdict: ShotVerdict::Added,
            });
        }
    }
    Comparison {
        title: title.to_string(),
        backend: backend.to_string(),
        golden_backend: golden.index.backend.clone(),
        mode,
        shots,
    }
}
