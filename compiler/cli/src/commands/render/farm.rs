//! The farm's two halves of `scenec render`: a worker (`--shard K/N --shots-only`) renders its
//! shots into the shared cache and writes no film; the assembler (`--assemble-only`) builds
//! the film from the cache alone, after waiting (`--wait`) for shots still being rendered.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use scene_check::Checked;
use scene_farm::{Assignment, Shard};
use scene_plan::schedule::FilmSchedule;
use scene_plan::FilmPlan;
use scene_previz::backend::Backend;
use scene_render::cache::ShotStore;
use scene_render::encode::EncodeSettings;
use scene_render::pipeline::{missing_shots, render_shots, ShotRenderOptions};

use super::{default_jobs, interrupt_flag};
use crate::args::RenderArgs;
use crate::exit::{tool_error, Outcome};
use crate::progress::Progress;

/// How often the assembler looks at the cache again while it waits.
const POLL: Duration = Duration::from_secs(5);

/// The film cut down to `shard`'s shots (every shot when there is no shard). Shots keep their
/// schedules exactly, and a `continues` chain is never split, so every shot's key is the one a
/// whole-film render computes.
fn shard_of(film: &FilmSchedule, shard: Option<Shard>) -> FilmSchedule {
    let Some(shard) = shard else {
        return film.clone();
    };
    let assignment = Assignment::new(film, shard.count());
    let mut part = film.clone();
    part.shots = assignment
        .shots(shard)
        .iter()
        .map(|&i| film.shots[i].clone())
        .collect();
    part
}

pub fn shots_only(
    args: &RenderArgs,
    checked: &Checked,
    plan: &FilmPlan,
    backend: &dyn Backend,
    store: &dyn ShotStore,
) -> Outcome {
    let part = shard_of(&plan.schedule, args.shard);
    let shard = args.shard.map(|s| s.to_string());
    if part.shots.is_empty() {
        // More workers than independent shots: this one has nothing to do, and that is fine.
        if args.json {
            println!(
                "{}",
                serde_json::json!({ "shard": shard, "rendered": [], "reused": [], "output": null })
            );
        } else {
            eprintln!(
                "shard {}: no shots to render",
                shard.as_deref().unwrap_or("-")
            );
        }
        return Outcome::Success;
    }
    let cancel = interrupt_flag();
    let progress = Progress::new(!args.json).for_backend(args.backend);
    let encode = EncodeSettings::default();
    let started = Instant::now();
    let result = render_shots(
        &part,
        backend,
        &ShotRenderOptions {
            project_root: &checked.project_root,
            store,
            jobs: default_jobs(args.jobs),
            progress: &progress,
            cancel: &cancel,
            encode: &encode,
        },
    );
    progress.finish();
    match result {
        Ok(done) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({
                        "shard": shard,
                        "rendered": done.rendered,
                        "reused": done.reused,
                        "output": null,
                    })
                );
            } else {
                eprintln!(
                    "{}rendered {} shot(s) ({}), reused {} ({}) into the cache in {:.1}s; no film written (--shots-only)",
                    shard.map(|s| format!("shard {s}: ")).unwrap_or_default(),
                    done.rendered.len(),
                    done.rendered.join(", "),
                    done.reused.len(),
                    done.reused.join(", "),
                    started.elapsed().as_secs_f64()
                );
            }
            Outcome::Success
        }
        Err(e) => tool_error(e),
    }
}

/// Wait until every shot is in the cache, or say which are not (exit 2).
pub fn wait_for_shots(
    args: &RenderArgs,
    checked: &Checked,
    plan: &FilmPlan,
    backend: &dyn Backend,
    store: &dyn ShotStore,
) -> Result<(), Outcome> {
    let wait = match args
        .wait
        .as_deref()
        .map(scene_farm::duration::parse_seconds)
    {
        None => Duration::ZERO,
        Some(Ok(seconds)) => Duration::from_secs(seconds),
        Some(Err(e)) => return Err(tool_error(format!("--wait: {e}"))),
    };
    let cancel = interrupt_flag();
    let encode = EncodeSettings::default();
    let progress = Progress::new(false);
    let opts = ShotRenderOptions {
        project_root: &checked.project_root,
        store,
        jobs: 1,
        progress: &progress,
        cancel: &cancel,
        encode: &encode,
    };
    let deadline = Instant::now() + wait;
    let mut found = Vec::new();
    let mut told = false;
    loop {
        let missing =
            missing_shots(&plan.schedule, backend, &opts, &mut found).map_err(tool_error)?;
        if missing.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(tool_error(format!(
                "{} of {} shots are not in the cache: {} (render them with `--shots-only`{})",
                missing.len(),
                plan.schedule.shots.len(),
                missing.join(", "),
                if wait.is_zero() {
                    ", or wait for them with `--wait`"
                } else {
                    ""
                }
            )));
        }
        if !told {
            eprintln!(
                "waiting for {} shot(s) in the cache: {}",
                missing.len(),
                missing.join(", ")
            );
            told = true;
        }
        let nap = POLL.min(deadline.saturating_duration_since(Instant::now()));
        let until = Instant::now() + nap;
        while Instant::now() < until {
            if cancel.load(Ordering::Relaxed) {
                return Err(Outcome::Failed);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
