//! Progress bars (indicatif) on a terminal; silence otherwise.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use scene_render::pipeline::RenderProgress;

use crate::args::BackendName;

/// What a shot's bar counts: previz reports frames, a model backend its denoising steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ShotUnit {
    Frames,
    DenoisingSteps,
}

impl ShotUnit {
    fn label(self) -> &'static str {
        match self {
            ShotUnit::Frames => "frames",
            ShotUnit::DenoisingSteps => "denoising steps",
        }
    }
}

pub struct Progress {
    multi: Option<MultiProgress>,
    overall: Option<ProgressBar>,
    shots: Mutex<BTreeMap<String, ProgressBar>>,
    unit: ShotUnit,
}

impl Progress {
    /// Bars only when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Progress {
        if !(wanted && std::io::stderr().is_terminal()) {
            return Progress {
                multi: None,
                overall: None,
                shots: Mutex::new(BTreeMap::new()),
                unit: ShotUnit::Frames,
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let overall = multi.add(ProgressBar::new(0));
        overall.set_style(
            ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {pos}/{len} frames  {elapsed} (eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        overall.set_prefix("encode");
        Progress {
            multi: Some(multi),
            overall: Some(overall),
            shots: Mutex::new(BTreeMap::new()),
            unit: ShotUnit::Frames,
        }
    }

    /// Shot bars in the unit `backend` reports progress in.
    pub fn for_backend(mut self, backend: BackendName) -> Progress {
        self.unit = match backend {
            BackendName::Previz => ShotUnit::Frames,
            BackendName::Ltx | BackendName::Ltx2 => ShotUnit::DenoisingSteps,
        };
        self
    }

    pub fn finish(&self) {
        if let Ok(mut shots) = self.shots.lock() {
            for (_, bar) in std::mem::take(&mut *shots) {
                bar.finish_and_clear();
            }
        }
        if let Some(o) = &self.overall {
            o.finish_and_clear();
        }
    }

    fn bar(&self, shot: &str) -> Option<ProgressBar> {
        let multi = self.multi.as_ref()?;
        let mut shots = self.shots.lock().ok()?;
        Some(
            shots
                .entry(shot.to_string())
                .or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(0));
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{prefix:>10} [{bar:30}] {pos}/{len} {msg}  {elapsed} (eta {eta})",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    );
                    bar.set_prefix(shot.to_string());
                    bar
                })
                .clone(),
        )
    }
}

impl RenderProgress for Progress {
    fn shot_started(&self, shot: &str, frames: u32) {
        if let Some(b) = self.bar(shot) {
            match self.unit {
                ShotUnit::Frames => {
                    b.set_length(frames as u64);
                    b.set_message(self.unit.label());
                }
                // The step count is known once the model has trimmed its schedule for the
                // guide's strength; until the first step it encodes prompts and conditioning.
                ShotUnit::DenoisingSteps => {
                    b.set_length(0);
                    b.set_message("encoding prompts and conditioning");
                }
            }
        }
    }
    fn shot_progress(&self, shot: &str, done: u64, total: u64) {
        if let Some(b) = self.bar(shot) {
            b.set_length(total);
            b.set_position(done);
            b.set_message(self.unit.label());
        }
    }
    fn shot_finished(&self, shot: &str) {
        if let Some(b) = self.bar(shot) {
            b.finish_with_message("done");
        }
    }
    fn shot_reused(&self, shot: &str) {
        if let Some(multi) = &self.multi {
            let _ = multi.println(format!("{shot:>10} reused from the cache"));
        }
    }
    fn encoding(&self, done: u64, total: u64) {
        if let Some(o) = &self.overall {
            o.set_length(total);
            o.set_position(done);
        }
    }
}
