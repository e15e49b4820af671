//! `scenec verify FILE --golden DIR [--bless] [--report OUT.html] [--tolerance …]`
//!
//! Exit codes: 0 every shot matches; 1 some shot regressed, was added or removed (each is
//! named); 2 the tool failed (including goldens it cannot read).

use std::path::{Path, PathBuf};

use scene_render::encode::EncodeSettings;
use scene_render::pipeline::{render_shots, ShotRenderOptions};
use scene_verify::{bless, capture_shot, compare, load_golden, CurrentShot, Mode, Tolerance};
use scene_voice::atomic_write::write_atomically;

use crate::args::{BackendName, VerifyArgs};
use crate::exit::{tool_error, Outcome};
use crate::load;
use crate::progress::Progress;

use super::render::{cache_dir, interrupt_flag, make_backend, open_cache, ModelSettings};

/// `[verify]` in the project's `scene.toml`: `psnr = 30.0`, `ssim = 0.95`.
fn project_tolerance(project_root: &Path) -> Result<Tolerance, String> {
    let path = project_root.join("scene.toml");
    // Read as a script is: a FIFO or device named scene.toml is refused, never waited on.
    let text = match scene_check::read_script(&scene_check::RealFs, &path) {
        Ok(text) => text,
        Err(_) if std::fs::metadata(&path).is_err() => return Ok(Tolerance::default()),
        Err(e) => return Err(format!("{}: {}", path.display(), e.reason())),
    };
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut t = Tolerance::default();
    if let Some(v) = table.get("verify") {
        let v = v
            .as_table()
            .ok_or_else(|| format!("{}: `verify` must be a table", path.display()))?;
        for (key, value) in v {
            let n = value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))
                .ok_or_else(|| format!("{}: verify.{key} must be a number", path.display()))?;
            t = t
                .parse_over(&format!("{key}={n}"))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(t)
}

pub fn run(args: &VerifyArgs) -> Outcome {
    if let Err(outcome) = crate::load::require_entry(&args.file) {
        return outcome;
    }
    let Some((checked, plan)) = load::plan(&args.file) else {
        return Outcome::Failed;
    };
    let mode = match args.backend {
        BackendName::Previz => Mode::Exact,
        BackendName::Ltx | BackendName::Ltx2 => {
            let base = match project_tolerance(&checked.project_root) {
                Ok(t) => t,
                Err(e) => return tool_error(e),
            };
            match args
                .tolerance
                .as_deref()
                .map(|t| base.parse_over(t))
                .unwrap_or(Ok(base))
            {
                Ok(t) => Mode::Perceptual(t),
                Err(e) => return tool_error(e),
            }
        }
    };
    // A remix is its own film with its own goldens: blessing it over the goldens of the film it
    // extends would replace the base's. Verified against those goldens, a remix is compared
    // with its base — whatever its title, as retitling changes no shot — and the shots it
    // changes are named.
    let title = &plan.schedule.title;
    let base_title = crate::remix::base_title(&checked).filter(|t| t != title);
    let bases_goldens = base_title.as_ref().is_some_and(|base| {
        load_golden(&args.golden).is_ok_and(|found| found.index.title == *base)
    });
    if let (true, Some(base_title)) = (bases_goldens, &base_title) {
        if args.bless {
            return crate::exit::coded_error(
                crate::codes::E0906,
                format!(
                    "{} holds the goldens of \"{}\", the film this remix extends; blessing \"{}\" there would replace them",
                    args.golden.display(),
                    base_title.escape_debug(),
                    title.escape_debug()
                ),
                Some(
                    format!(
                        "a remix is its own film: bless its goldens into a directory of their own, e.g. `scenec verify {} --golden {} --bless`",
                        args.file.display(),
                        own_goldens_dir(&args.golden, &args.file).display()
                    )
                    .as_str(),
                ),
            );
        }
        eprintln!(
            "comparing the remix \"{}\" with the goldens of the film it extends, \"{}\": the shots the remix changes differ",
            title.escape_debug(),
            base_title.escape_debug()
        );
    }
    // Read the goldens before rendering: a missing or outdated golden directory is reported at
    // once.
    let golden = if args.bless {
        None
    } else {
        let golden_title = if bases_goldens {
            base_title.as_deref().unwrap_or(title)
        } else {
            title
        };
        match load_golden(&args.golden).and_then(|g| g.check_film(golden_title).map(|()| g)) {
            Ok(g) => Some(g),
            Err(e) if e.is_invalid() => {
                return crate::exit::coded_error(
                    crate::codes::E0903,
                    e,
                    Some("review a render of the film, then re-bless its goldens with `scenec verify FILE --golden DIR --bless`"),
                )
            }
            Err(e) => return tool_error(e),
        }
    };
    if plan.schedule.shots.is_empty() {
        return super::render::no_shots();
    }
    let report_outputs: Vec<&Path> = args.report.iter().map(PathBuf::as_path).collect();
    if let Err(outcome) = crate::guard::outputs(
        &checked,
        &cache_dir(&checked.project_root),
        Some(&args.golden),
        &report_outputs,
    ) {
        return outcome;
    }
    let backend = match make_backend(
        args.backend,
        args.model_dir.as_deref(),
        ModelSettings::default(),
        &checked.project_root,
    ) {
        Ok(b) => b,
        Err(e) => return tool_error(e),
    };
    let identity = backend.identity();
    let store = match open_cache(
        args.cache.as_deref(),
        &checked.project_root,
        scene_render::cache::LEASE_TTL,
    ) {
        Ok(c) => c,
        Err(e) => return tool_error(e),
    };
    let cancel = interrupt_flag();
    let progress = Progress::new(true).for_backend(args.backend);
    let opts = ShotRenderOptions {
        project_root: &checked.project_root,
        store: store.as_ref(),
        jobs: args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        }),
        progress: &progress,
        cancel: &cancel,
        encode: &EncodeSettings::default(),
    };
    let rendered = render_shots(&plan.schedule, backend.as_ref(), &opts);
    progress.finish();
    let rendered = match rendered {
        Ok(r) => r,
        Err(e) => return tool_error(e),
    };
    let mut current: Vec<CurrentShot> = Vec::with_capacity(plan.schedule.shots.len());
    for (shot, key) in plan.schedule.shots.iter().zip(&rendered.keys) {
        let Some(entry) = store.get(key) else {
            return tool_error(format!(
                "the cached frames of shot `{}` vanished during verify",
                shot.name
            ));
        };
        // The frames as the film shows them where no transition touches the shot.
        let frames = match entry.decode_all() {
            Ok(f) => f,
            Err(e) => return tool_error(e),
        };
        current.push(capture_shot(shot, &frames));
    }

    let Some(golden) = golden else {
        return match bless(&args.golden, &plan.schedule, &identity.name, &current) {
            Ok(()) => {
                eprintln!(
                    "blessed {} shots into {}",
                    current.len(),
                    args.golden.display()
                );
                Outcome::Success
            }
            Err(e) => tool_error(e),
        };
    };
    let cmp = compare(
        &golden,
        &plan.schedule.title,
        &identity.name,
        &current,
        mode,
    );
    print!("{}", cmp.summary());
    if let Some(report) = &args.report {
        if let Err(e) = write_atomically(report, scene_verify::report::html(&cmp).as_bytes()) {
            return tool_error(format!("cannot write {}: {e}", report.display()));
        }
        eprintln!("report: {}", report.display());
    }
    if cmp.failed() {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}

/// Where a film's own goldens go by the recipe of examples/ci/: `goldens/<file stem>/`, beside
/// the directory given.
fn own_goldens_dir(given: &Path, film: &Path) -> PathBuf {
    let stem = film
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "remix".into());
    match given.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join(stem),
        _ => PathBuf::from(format!("goldens/{stem}")),
    }
}
