//! `scenec watch FILE [render options]`: re-check and re-render on change.
//!
//! The loop, after typst-cli's: check the film, watch what the check read (the entry file, its
//! imports, its assets, `scene.toml`), render, wait for one of those files to change and the
//! events to settle, and go round again. The files are watched before the render starts, so an
//! edit made while a long render runs is not lost: it starts the next round. The [`watcher`]
//! decides what is a change; a [`Build`] checks and renders. The per-shot cache makes a
//! re-render cost only the shots whose keys changed, and a script with errors keeps the last
//! good output in place.

mod watcher;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use scene_check::Checked;
use scene_plan::FilmPlan;
use scene_previz::backend::Backend;

use crate::args::RenderArgs;
use crate::exit::{tool_error, Outcome};
use crate::progress::Progress;

use super::render::{
    default_output, interrupt_flag, make_backend, open_cache, render_planned, summary_human,
    summary_json, ModelSettings,
};
use watcher::{Wake, Watcher};

pub fn run(args: &RenderArgs) -> Outcome {
    match watch(args) {
        Ok(()) => Outcome::Success,
        Err(outcome) => outcome,
    }
}

/// Builds on every change until Ctrl-C (`Ok`), or until watching cannot go on (`Err`, with the
/// outcome the command ends with).
fn watch(args: &RenderArgs) -> Result<(), Outcome> {
    let mut build = Build::new(args)?;
    let mut watcher = Watcher::new().map_err(tool_error)?;
    loop {
        let (checked, plan) = build.check();
        watcher.update(build.dependencies(&checked));
        build.render(&checked, plan)?;
        build.report_watching(watcher.file_count());
        if watcher.wait(&build.interrupt).map_err(tool_error)? == Wake::Interrupted {
            return Ok(());
        }
    }
}

/// What stays the same from one build to the next.
struct Build<'a> {
    args: &'a RenderArgs,
    /// The entry file as an absolute path, resolved once against the directory `scenec watch`
    /// started in: the parent of a bare relative name (`film.scene`) is the empty path, which
    /// names no directory to watch, and the file itself may be missing when a later build
    /// looks at it (editors that save by deleting and recreating).
    entry: PathBuf,
    output: PathBuf,
    /// Made on the first clean build (loading model weights can take a while) and kept.
    backend: Option<Box<dyn Backend>>,
    /// Kept across edits: a re-plan only speaks the lines that changed.
    voices: crate::load::SessionVoices,
    /// The signing credentials (`None` inside: the film is not signed), checked once before
    /// the first render, like the backend.
    #[cfg(feature = "sign")]
    signer: Option<Option<scene_sign::Credentials>>,
    interrupt: Arc<AtomicBool>,
}

impl<'a> Build<'a> {
    fn new(args: &'a RenderArgs) -> Result<Self, Outcome> {
        let entry = std::path::absolute(&args.file).map_err(|e| {
            tool_error(format!(
                "{}: cannot resolve the path: {e}",
                args.file.display()
            ))
        })?;
        // A FIFO or folder as the entry gets its coded error (E0506) from the check.
        crate::load::require_entry(&args.file)?;
        if args.shots_only || args.assemble_only {
            return Err(tool_error(
                "--shots-only and --assemble-only are for farm workers (`scenec render`), not `scenec watch`",
            ));
        }
        let output = args
            .output
            .clone()
            .unwrap_or_else(|| default_output(&args.file));
        super::render::create_parent(&output).map_err(tool_error)?;
        Ok(Self {
            args,
            entry,
            output,
            backend: None,
            voices: crate::load::SessionVoices::default(),
            #[cfg(feature = "sign")]
            signer: None,
            interrupt: interrupt_flag(),
        })
    }

    /// Check, and plan when the film has no errors (timing its dialogue with the session's
    /// voices); the diagnostics are printed.
    fn check(&mut self) -> (Checked, Option<FilmPlan>) {
        crate::load::check_and_plan(&self.entry, &mut self.voices)
    }

    /// What the next build depends on: the files the check read, and the entry file even when
    /// it could not be read, since its coming back is what brings the film back.
    fn dependencies<'c>(&'c self, checked: &'c Checked) -> impl Iterator<Item = &'c Path> {
        checked
            .dependencies
            .iter()
            .map(PathBuf::as_path)
            .chain([self.entry.as_path()])
    }

    /// Renders the checked film when it has no errors, and reports either way. `Err` when the
    /// command must end: Ctrl-C during the render, or a backend that cannot be made.
    fn render(&mut self, checked: &Checked, plan: Option<FilmPlan>) -> Result<(), Outcome> {
        let Some(plan) = plan else {
            self.report_errors(checked);
            return Ok(());
        };
        // An empty film or an output over an input is refused (its message printed); the
        // watch goes on, so fixing the script renders again.
        if super::render::check_film_outputs(checked, &plan, &self.output).is_err() {
            return Ok(());
        }
        #[cfg(feature = "sign")]
        if self.signer.is_none() {
            match crate::signing::credentials(&self.args.sign, &checked.project_root) {
                Ok(c) => self.signer = Some(c),
                Err(e) => return Err(crate::exit::coded_error(e.code, e.message, None)),
            }
        }
        let backend = match self.backend.take() {
            Some(made) => made,
            None => make(self.args, &checked.project_root)?,
        };
        let backend: &dyn Backend = &**self.backend.insert(backend);
        // Opened each round: a project's `.scene-cache` may have been removed meanwhile.
        let store = super::render::lease_ttl(&self.args)
            .and_then(|ttl| open_cache(self.args.cache.as_deref(), &checked.project_root, ttl))
            .map_err(tool_error)?;
        let progress = Progress::new(!self.args.json).for_backend(self.args.backend);
        let started = Instant::now();
        let result = render_planned(
            checked,
            &plan,
            backend,
            store.as_ref(),
            &self.output,
            self.args.jobs,
            &self.interrupt,
            &progress,
        );
        progress.finish();
        // A preview that cannot be signed is reported like a failed render; the unsigned film
        // stays at the destination.
        let result = result.map_err(|e| format!("error: {e}"));
        #[cfg(feature = "sign")]
        let result = match (result, self.signer.as_ref().and_then(|c| c.as_ref())) {
            (Ok(report), Some(credentials)) => crate::signing::sign_render(
                &report.output,
                &report.provenance,
                self.args.backend,
                &checked.project_root,
                credentials,
            )
            .map(|_| report)
            .map_err(|e| format!("error[{}]: {}", e.code, e.message)),
            (result, _) => result,
        };
        match result {
            Ok(report) if self.args.json => {
                let mut summary = summary_json(&report);
                crate::remix::add_to(&mut summary, checked);
                println!("{summary}");
            }
            Ok(report) => eprintln!(
                "{}",
                summary_human(&report, started.elapsed().as_secs_f64())
            ),
            Err(_) if self.interrupt.load(Ordering::SeqCst) => return Err(Outcome::Success),
            Err(line) => eprintln!("{line}"),
        }
        Ok(())
    }

    fn report_errors(&self, checked: &Checked) {
        if self.args.json {
            let (errors, _) = checked.counts();
            let mut line = serde_json::json!({ "rendered": [], "reused": [], "output": null, "errors": errors });
            line.sort_all_objects();
            println!("{line}");
        } else {
            eprintln!(
                "not rendered: the script has errors; {} is unchanged",
                self.output.display()
            );
        }
    }

    fn report_watching(&self, files: usize) {
        if !self.args.json {
            eprintln!("watching {files} files; Ctrl-C to stop");
        }
    }
}

/// The backend the arguments ask for.
fn make(args: &RenderArgs, project_root: &Path) -> Result<Box<dyn Backend>, Outcome> {
    make_backend(
        args.backend,
        args.model_dir.as_deref(),
        ModelSettings {
            steps: args.steps,
            text_encoder_dtype: args.text_encoder_dtype,
        },
        project_root,
    )
    .map_err(tool_error)
}
