//! `scenec watch FILE [render options]`: re-check and re-render on change.
//!
//! Watches the directories holding the entry file, its imports and its assets (editors often
//! save by writing a temporary file and renaming it over the original, which a watch on the
//! file itself would lose), keeps only events about files the film uses, debounces them, and
//! then re-checks and re-renders. The per-shot cache makes a re-render cost only the shots whose
//! keys changed. A script with errors keeps the last good output in place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::args::RenderArgs;
use crate::exit::{tool_error, Outcome};
use crate::progress::Progress;

use super::render::{
    default_output, interrupt_flag, make_backend, render_planned, summary_human, summary_json,
    ModelSettings,
};

/// Quiet time after the last event before a cycle starts.
const DEBOUNCE: Duration = Duration::from_millis(200);

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The files a cycle depends on, canonical, and the directories to watch for them.
fn watch_set(entry: &Path, deps: &[PathBuf]) -> (BTreeSet<PathBuf>, BTreeSet<PathBuf>) {
    let mut files = BTreeSet::new();
    files.insert(canonical(entry));
    for d in deps {
        files.insert(canonical(d));
    }
    let dirs = files
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    (files, dirs)
}

pub fn run(args: &RenderArgs) -> Outcome {
    if !args.file.is_file() {
        return tool_error(format!("{}: no such file", args.file.display()));
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.file));
    if let Err(e) = super::render::create_parent(&output) {
        return tool_error(e);
    }
    let cancel = interrupt_flag();
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = match notify::recommended_watcher(move |ev| {
        let _ = tx.send(ev);
    }) {
        Ok(w) => w,
        Err(e) => return tool_error(format!("cannot watch files: {e}")),
    };
    let mut watched_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut backend = None;
    #[cfg(feature = "sign")]
    let mut signer: Option<Option<scene_sign::Credentials>> = None;

    loop {
        // One cycle: check, render if clean, then watch what this version of the film uses.
        let checked = crate::load::check_and_report(&args.file);
        let (files, dirs) = watch_set(&args.file, &checked.dependencies);
        for d in dirs.difference(&watched_dirs) {
            if let Err(e) = watcher.watch(d, RecursiveMode::NonRecursive) {
                eprintln!("warning: cannot watch {}: {e}", d.display());
            }
        }
        for d in watched_dirs.difference(&dirs) {
            let _ = watcher.unwatch(d);
        }
        watched_dirs = dirs;

        if checked.has_errors() {
            if args.json {
                let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
                let mut line = serde_json::json!({ "rendered": [], "reused": [], "output": null, "errors": errors });
                line.sort_all_objects();
                println!("{line}");
            } else {
                eprintln!(
                    "not rendered: the script has errors; {} is unchanged",
                    output.display()
                );
            }
        } else {
            let plan = scene_plan::plan(&checked.film);
            // Checked once, before the first render, like the backend.
            #[cfg(feature = "sign")]
            if signer.is_none() {
                match crate::signing::credentials(&args.sign, &checked.project_root) {
                    Ok(c) => signer = Some(c),
                    Err(e) => return crate::exit::coded_tool_error(e.code, e.message),
                }
            }
            if backend.is_none() {
                match make_backend(
                    args.backend,
                    args.model_dir.as_deref(),
                    ModelSettings {
                        steps: args.steps,
                        text_encoder_dtype: args.text_encoder_dtype,
                    },
                    &checked.project_root,
                ) {
                    Ok(b) => backend = Some(b),
                    Err(e) => return tool_error(e),
                }
            }
            if let Some(b) = backend.as_deref() {
                let progress = Progress::new(!args.json).for_backend(args.backend);
                let started = Instant::now();
                let result =
                    render_planned(&checked, &plan, b, &output, args.jobs, &cancel, &progress);
                progress.finish();
                // A preview that cannot be signed is reported like a failed render; the
                // unsigned film stays at the destination.
                let result = result.map_err(|e| format!("error: {e}"));
                #[cfg(feature = "sign")]
                let result = match (result, signer.as_ref().and_then(|c| c.as_ref())) {
                    (Ok(report), Some(credentials)) => crate::signing::sign_render(
                        &report.output,
                        &report.provenance,
                        args.backend,
                        &checked.project_root,
                        credentials,
                    )
                    .map(|_| report)
                    .map_err(|e| format!("error[{}]: {}", e.code, e.message)),
                    (result, _) => result,
                };
                match result {
                    Ok(report) if args.json => println!("{}", summary_json(&report)),
                    Ok(report) => eprintln!(
                        "{}",
                        summary_human(&report, started.elapsed().as_secs_f64())
                    ),
                    Err(_) if cancel.load(Ordering::SeqCst) => return Outcome::Success,
                    Err(line) => eprintln!("{line}"),
                }
            }
        }
        if !args.json {
            eprintln!("watching {} files; Ctrl-C to stop", files.len());
        }

        // Wait for a relevant change, then for the events to settle.
        let mut pending = false;
        let mut last_event = Instant::now();
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Outcome::Success;
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Ok(event)) => {
                    // Our own reads of the script and assets show up as access events; only
                    // writes, creations, renames and removals are changes.
                    // Access-time updates arrive as metadata changes: not a change either.
                    use notify::event::ModifyKind;
                    use notify::EventKind;
                    let is_change = matches!(
                        event.kind,
                        EventKind::Create(_) | EventKind::Remove(_)
                    ) || matches!(event.kind, EventKind::Modify(k) if !matches!(k, ModifyKind::Metadata(_)));
                    if is_change
                        && event
                            .paths
                            .iter()
                            .any(|p| files.contains(&canonical(p)) || files.contains(p))
                    {
                        pending = true;
                        last_event = Instant::now();
                    }
                }
                Ok(Err(e)) => eprintln!("warning: file watching: {e}"),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return tool_error("the file watcher stopped")
                }
            }
            if pending && last_event.elapsed() >= DEBOUNCE {
                break;
            }
        }
    }
}
