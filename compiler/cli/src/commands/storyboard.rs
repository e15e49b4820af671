//! `scenec storyboard FILE -o OUT.png [--cache URL [--backend B --model-dir DIR]]`: a contact
//! sheet of every shot — drawn with the previz, or, with `--cache`, made of the frames a render
//! (a farm's, a model's) stored in that cache.

use std::sync::atomic::AtomicBool;

use scene_plan::schedule::FilmSchedule;
use scene_previz::frame::RgbFrame;
use scene_previz::storyboard::{
    contact_sheet_from_samples, previz_contact_sheet, sample_frames, write_png,
};
use scene_previz::Previz;
use scene_render::compositor::ShotFrames;
use scene_render::encode::EncodeSettings;
use scene_render::pipeline::{shot_states, NoProgress, ShotRenderOptions, ShotState};

use crate::args::StoryboardArgs;
use crate::exit::{tool_error, Outcome};
use crate::load;

use super::render::{make_backend, open_cache_to_read, ModelSettings};

pub fn run(args: &StoryboardArgs) -> Outcome {
    let (file, output) = (args.file.as_path(), args.output.as_path());
    if let Err(outcome) = crate::load::require_entry(file) {
        return outcome;
    }
    let Some((checked, plan)) = load::plan(file) else {
        return Outcome::Failed;
    };
    if plan.schedule.shots.is_empty() {
        return super::render::no_shots();
    }
    if let Err(outcome) = crate::guard::outputs(
        &checked,
        &super::render::cache_dir(&checked.project_root),
        None,
        &[output],
    ) {
        return outcome;
    }
    let sheet = match &args.cache {
        None => previz_contact_sheet(&plan.schedule, &Previz::new(), &checked.project_root)
            .map_err(|e| e.to_string()),
        Some(cache) => cached_sheet(args, cache, &checked, &plan.schedule),
    };
    let sheet = match sheet {
        Ok(s) => s,
        Err(e) => return tool_error(e),
    };
    match write_png(&sheet, output) {
        Ok(()) => {
            eprintln!(
                "wrote {} ({}x{}, {} shots{})",
                output.display(),
                sheet.width,
                sheet.height,
                plan.schedule.shots.len(),
                args.cache
                    .as_ref()
                    .map(|c| format!(", frames from {c}"))
                    .unwrap_or_default()
            );
            Outcome::Success
        }
        Err(e) => tool_error(e),
    }
}

/// The sheet made of the rendered frames stored in `cache`, keyed as `--backend` renders them;
/// every shot must be there (the message names those that are not).
fn cached_sheet(
    args: &StoryboardArgs,
    cache: &str,
    checked: &scene_check::Checked,
    film: &FilmSchedule,
) -> Result<RgbFrame, String> {
    let backend = make_backend(
        args.backend,
        args.model_dir.as_deref(),
        ModelSettings {
            steps: args.steps,
            text_encoder_dtype: args.text_encoder_dtype,
        },
        &checked.project_root,
    )?;
    let store = open_cache_to_read(Some(cache), &checked.project_root)?;
    let encode = EncodeSettings::default();
    let states = shot_states(
        film,
        backend.as_ref(),
        &ShotRenderOptions {
            project_root: &checked.project_root,
            store: store.as_ref(),
            jobs: 1,
            progress: &NoProgress,
            cancel: &AtomicBool::new(false),
            encode: &encode,
        },
    )
    .map_err(|e| e.to_string())?;
    let missing: Vec<&str> = states
        .iter()
        .filter(|(_, s)| !matches!(s, ShotState::Done { .. }))
        .map(|(name, _)| name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} of {} shots are not in the cache {cache}: {} (render them with `scenec render \
             --cache {cache}`, with the same --backend)",
            missing.len(),
            film.shots.len(),
            missing.join(", ")
        ));
    }
    let mut sampled: Vec<Vec<RgbFrame>> = Vec::with_capacity(film.shots.len());
    for ((name, state), shot) in states.iter().zip(&film.shots) {
        let ShotState::Done { key } = state else {
            continue;
        };
        let vanished = || format!("the cached shot `{name}` vanished from {cache}");
        let entry = store.get(key).ok_or_else(vanished)?;
        let mut frames = entry.reader();
        let mut at = 0;
        let mut picked = Vec::new();
        for f in sample_frames(shot) {
            frames
                .skip(f - at)
                .and_then(|()| frames.next_frame())
                .map(|frame| picked.push(frame))
                .map_err(|e| format!("shot `{name}`: {e}"))?;
            at = f + 1;
        }
        sampled.push(picked);
    }
    contact_sheet_from_samples(film, &sampled).map_err(|e| e.to_string())
}
