//! `scenec render FILE [-o OUT.mp4] [--backend previz|ltx|ltx2] [--model-dir DIR] [--jobs N]`
//! `[--json] [--cache DIR|s3://…] [--shard K/N --shots-only | --assemble-only [--wait T]]`

mod farm;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use scene_check::Checked;
use scene_plan::FilmPlan;
use scene_previz::backend::Backend;
use scene_previz::error::RenderError;
use scene_render::cache::{open_store, ShotCache, ShotStore};
use scene_render::encode::{EncodeSettings, Metadata};
use scene_render::pipeline::{render_film, RenderOptions, RenderReport};

use crate::args::{BackendName, RenderArgs, TextEncoderDtype};
use crate::exit::{tool_error, Outcome};
use crate::load;
use crate::progress::Progress;

/// Where the per-shot cache of a project lives.
pub fn cache_dir(project_root: &Path) -> PathBuf {
    project_root.join(".scene-cache")
}

/// `film.scene` → `film.mp4` beside it.
pub fn default_output(script: &Path) -> PathBuf {
    script.with_extension("mp4")
}

/// The backend the arguments ask for, or a message saying why it cannot be had.
/// Settings only model backends take.
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(not(feature = "ltx"), allow(dead_code))]
pub struct ModelSettings {
    /// Overrides every shot's denoising steps.
    pub steps: Option<u32>,
    pub text_encoder_dtype: Option<TextEncoderDtype>,
}

pub fn make_backend(
    backend: BackendName,
    model_dir: Option<&Path>,
    model: ModelSettings,
    project_root: &Path,
) -> Result<Box<dyn Backend>, String> {
    match backend {
        BackendName::Previz => {
            if model_dir.is_some() {
                return Err(
                    "--model-dir is for `--backend ltx`; the previz backend needs no weights"
                        .into(),
                );
            }
            if model.text_encoder_dtype.is_some() {
                return Err(
                    "--text-encoder-dtype is for `--backend ltx`; the previz backend has no text encoder"
                        .into(),
                );
            }
            Ok(Box::new(scene_previz::Previz::new()))
        }
        #[cfg(feature = "ltx")]
        BackendName::Ltx => {
            let dir = model_dir.ok_or(
                "`--backend ltx` needs `--model-dir DIR`: a local LTX-Video folder in the diffusers layout \
                 (see the README, \"Rendering with the real LTX-Video weights\")",
            )?;
            let settings = scene_render::ltx::LtxSettings {
                steps_override: model.steps,
                text_encoder: match model.text_encoder_dtype {
                    Some(TextEncoderDtype::Bf16) => scene_render::ltx::TextEncoderPrecision::Bf16,
                    Some(TextEncoderDtype::F32) => scene_render::ltx::TextEncoderPrecision::F32,
                    None => scene_render::ltx::TextEncoderPrecision::Auto,
                },
                ..Default::default()
            };
            scene_render::ltx::LtxBackend::open(dir, &cache_dir(project_root), settings)
                .map(|b| Box::new(b) as Box<dyn Backend>)
                .map_err(|e| e.to_string())
        }
        #[cfg(feature = "ltx")]
        BackendName::Ltx2 => {
            let dir = model_dir.ok_or(
                "`--backend ltx2` needs `--model-dir DIR`: a local LTX-2 folder in the diffusers layout \
                 (see the README, \"Rendering picture and sound with LTX-2\")",
            )?;
            if model.text_encoder_dtype.is_some() {
                return Err(
                    "--text-encoder-dtype is for `--backend ltx`; ltx2's Gemma encoder follows the device \
                     (f32 on the CPU, bf16 on CUDA)"
                        .into(),
                );
            }
            let settings = scene_render::ltx2::Ltx2Settings {
                steps_override: model.steps,
                ..Default::default()
            };
            scene_render::ltx2::Ltx2Backend::open(dir, &cache_dir(project_root), settings)
                .map(|b| Box::new(b) as Box<dyn Backend>)
                .map_err(|e| e.to_string())
        }
        #[cfg(not(feature = "ltx"))]
        BackendName::Ltx | BackendName::Ltx2 => {
            let _ = (model, project_root);
            Err("this scenec was built without the `ltx` feature".into())
        }
    }
}

/// SHA-256 of the entry script and every file it imports, in a stable order. Paths enter the
/// hash relative to the project root, so the same project hashes the same wherever it lives.
pub fn script_hash(checked: &Checked) -> String {
    use sha2::{Digest, Sha256};
    let mut deps: Vec<&PathBuf> = checked.dependencies.iter().collect();
    deps.sort();
    let mut h = Sha256::new();
    for d in deps {
        if d.extension().is_some_and(|e| e == "scene") {
            let rel = d.strip_prefix(&checked.project_root).unwrap_or(d);
            h.update(rel.to_string_lossy().as_bytes());
            h.update([0]);
            h.update(std::fs::read(d).unwrap_or_default());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache `--cache` names, or the project's `.scene-cache`; leases it grants live
/// `lease_ttl` without renewal.
pub fn open_cache(
    cache: Option<&str>,
    project_root: &Path,
    lease_ttl: Duration,
) -> Result<Box<dyn ShotStore>, String> {
    match cache {
        Some(location) => open_store(location, lease_ttl),
        None => ShotCache::open(&cache_dir(project_root))
            .map(|c| Box::new(c.with_lease_ttl(lease_ttl)) as Box<dyn ShotStore>)
            .map_err(|e| e.to_string()),
    }
}

/// The cache a command only reads (`farm status`, `storyboard --cache`): like [`open_cache`],
/// except that a cache directory that does not exist yet is read as an empty cache rather than
/// created.
pub fn open_cache_to_read(
    cache: Option<&str>,
    project_root: &Path,
) -> Result<Box<dyn ShotStore>, String> {
    let dir = match cache {
        Some(location) if location.contains("://") => None,
        Some(location) => Some(PathBuf::from(location)),
        None => Some(cache_dir(project_root)),
    };
    if dir.is_some_and(|d| std::fs::symlink_metadata(d).is_err()) {
        return Ok(Box::new(EmptyCache));
    }
    // The time to live only matters to leases, and a reader takes none.
    open_cache(cache, project_root, scene_render::cache::LEASE_TTL)
}

/// A cache directory that does not exist: it holds no shot and takes none.
struct EmptyCache;

impl ShotStore for EmptyCache {
    fn get(&self, _key: &scene_render::cache::CacheKey) -> Option<scene_render::cache::CacheEntry> {
        None
    }

    fn put(
        &self,
        _key: &scene_render::cache::CacheKey,
        _shot: &scene_render::cache::ShotVideo,
        _cancel: &AtomicBool,
    ) -> Result<scene_render::cache::StoredShot, RenderError> {
        Err(RenderError::Schedule(
            "a cache opened to be read stores nothing".into(),
        ))
    }

    fn get_sound(
        &self,
        _key: &scene_render::cache::CacheKey,
    ) -> Option<scene_render::audio::StereoBuffer> {
        None
    }

    fn put_sound(
        &self,
        _key: &scene_render::cache::CacheKey,
        _sound: &scene_render::audio::StereoBuffer,
        _cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        Err(RenderError::Schedule(
            "a cache opened to be read stores nothing".into(),
        ))
    }
}

/// `--lease-ttl`, at least a second.
pub fn lease_ttl(args: &RenderArgs) -> Result<Duration, String> {
    match scene_farm::duration::parse_seconds(&args.lease_ttl) {
        Ok(0) => Err("--lease-ttl: a lease must live at least 1s".into()),
        Ok(seconds) => Ok(Duration::from_secs(seconds)),
        Err(e) => Err(format!("--lease-ttl: {e}")),
    }
}

fn default_jobs(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

/// Render a planned film; used by `render` and `watch`.
#[allow(clippy::too_many_arguments)]
pub fn render_planned(
    checked: &Checked,
    plan: &FilmPlan,
    backend: &dyn Backend,
    store: &dyn ShotStore,
    output: &Path,
    jobs: Option<usize>,
    cancel: &AtomicBool,
    progress: &Progress,
) -> Result<RenderReport, RenderError> {
    let jobs = default_jobs(jobs);
    let voices = load::voices(&checked.project_root);
    let opts = RenderOptions {
        project_root: &checked.project_root,
        store,
        voices: &voices,
        output,
        jobs,
        metadata: Metadata {
            title: plan.schedule.title.clone(),
            tool: format!("scenec {}", env!("CARGO_PKG_VERSION")),
            script_sha256: script_hash(checked),
            schedule_sha256: String::new(),
            backend: String::new(),
        },
        encode: EncodeSettings::default(),
        progress,
        cancel,
    };
    render_film(&plan.schedule, backend, &opts)
}

/// The film's stems, mixed as the render mixed them (the scratch voices come from the cache the
/// render just filled).
pub fn write_stems(
    checked: &Checked,
    plan: &FilmPlan,
    dir: &Path,
) -> Result<Vec<PathBuf>, RenderError> {
    let voices = load::voices(&checked.project_root);
    scene_render::audio::AudioMix::new(&plan.schedule, &checked.project_root, &voices)?
        .write_stems(dir)
}

/// Create the output's directory if it does not exist yet (`-o out/film.mp4`).
pub fn create_parent(output: &Path) -> Result<(), String> {
    match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|e| {
                format!(
                    "cannot write {}: cannot create {}: {e}",
                    output.display(),
                    dir.display()
                )
            }),
        _ => Ok(()),
    }
}

/// Refuses a film with no shots (E0902) and an output that would replace an input (E0901):
/// the MP4, or the subtitles and provenance written beside it.
pub fn check_film_outputs(
    checked: &Checked,
    plan: &FilmPlan,
    output: &Path,
) -> Result<(), Outcome> {
    if plan.schedule.shots.is_empty() {
        return Err(no_shots());
    }
    let (srt, vtt, provenance) = scene_render::pipeline::sidecar_paths(output);
    crate::guard::outputs(
        checked,
        &cache_dir(&checked.project_root),
        None,
        &[output, &srt, &vtt, &provenance],
    )
}

/// E0902: the film has no shot to render.
pub fn no_shots() -> Outcome {
    crate::exit::coded_error(
        crate::codes::E0902,
        "the film has no shots: there is nothing to render",
        Some("add a scene with at least one shot: `scene NAME at LOCATION { shot NAME 2s { … } }`"),
    )
}

/// The `--json` summary line (print it with `{}`), keys in alphabetical order whatever map
/// serde_json was built with (the `sign` feature's `c2pa` turns on its `preserve_order`).
pub fn summary_json(report: &RenderReport) -> serde_json::Value {
    let mut summary = serde_json::json!({
        "rendered": report.rendered,
        "reused": report.reused,
        "output": report.output,
        "frames": report.frames,
    });
    summary.sort_all_objects();
    summary
}

pub fn summary_human(report: &RenderReport, seconds: f64) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            String::new()
        } else {
            format!(" ({})", v.join(", "))
        }
    };
    format!(
        "rendered {} shot{}{}, reused {}{}\nwrote {} ({} frames) in {seconds:.1}s; subtitles {} and {}; provenance {}",
        report.rendered.len(),
        if report.rendered.len() == 1 { "" } else { "s" },
        list(&report.rendered),
        report.reused.len(),
        list(&report.reused),
        report.output.display(),
        report.frames,
        report.srt.display(),
        report.vtt.display(),
        report.provenance.display(),
    )
}

/// Exit code of a render stopped at once by a second Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED_AT_ONCE: i32 = 130;

/// A cancel flag that Ctrl-C (or SIGTERM, or SIGHUP) sets (installed once per process).
///
/// The first Ctrl-C asks the render to stop at its next safe point: the next frame for previz,
/// the next denoising step for ltx (a step can still take a minute on a CPU). A second Ctrl-C
/// ends the process at once; that is safe too, because outputs and cache entries are only ever
/// renamed into place when complete.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        // If a handler cannot be installed, Ctrl-C kills the process: outputs are still never
        // half-written (temporary names) and the cache stays consistent.
        // The `termination` feature routes SIGTERM and SIGHUP here too: a render stopped by a
        // process manager or a closed terminal cleans up its temporary files like Ctrl-C.
        let _ = ctrlc::set_handler(move || {
            if f.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::process::exit(EXIT_INTERRUPTED_AT_ONCE);
            }
            eprintln!(
                "interrupted: stopping at the next safe point (press Ctrl-C again to stop at once)"
            );
        });
        flag
    })
    .clone()
}

pub fn run(args: &RenderArgs) -> Outcome {
    if let Err(outcome) = crate::load::require_entry(&args.file) {
        return outcome;
    }
    let mut checked = scene_check::check_entry(&args.file, &scene_check::RealFs);
    // Credentials are checked before the lines are spoken (planning fills the voice cache) and
    // before the backend loads anything: a wrong key or an expired certificate must not cost
    // a render. A script with errors is reported first.
    #[cfg(feature = "sign")]
    let signer = if checked.has_errors() {
        None
    } else {
        match crate::signing::credentials(&args.sign, &checked.project_root) {
            Ok(c) => c,
            Err(e) => return crate::exit::coded_error(e.code, e.message, None),
        }
    };
    let Some(plan) = load::plan_checked(&mut checked, &mut load::SessionVoices::default()) else {
        return Outcome::Failed;
    };
    let backend = match make_backend(
        args.backend,
        args.model_dir.as_deref(),
        ModelSettings {
            steps: args.steps,
            text_encoder_dtype: args.text_encoder_dtype,
        },
        &checked.project_root,
    ) {
        Ok(b) => b,
        Err(e) => return tool_error(e),
    };
    let store = match lease_ttl(args)
        .and_then(|ttl| open_cache(args.cache.as_deref(), &checked.project_root, ttl))
    {
        Ok(store) => store,
        Err(e) => return tool_error(e),
    };
    if args.shots_only {
        return farm::shots_only(args, &checked, &plan, backend.as_ref(), store.as_ref());
    }
    if args.assemble_only {
        if let Err(outcome) =
            farm::wait_for_shots(args, &checked, &plan, backend.as_ref(), store.as_ref())
        {
            return outcome;
        }
    }
    let cache_only = scene_render::pipeline::CacheOnly(backend.as_ref());
    let backend: &dyn Backend = if args.assemble_only {
        &cache_only
    } else {
        backend.as_ref()
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.file));
    if let Err(outcome) = check_film_outputs(&checked, &plan, &output) {
        return outcome;
    }
    if let Some(dir) = &args.stems {
        let stems = scene_render::audio::stem_paths(dir);
        let stems: Vec<&Path> = stems.iter().map(PathBuf::as_path).collect();
        let cache = cache_dir(&checked.project_root);
        if let Err(outcome) = crate::guard::outputs(&checked, &cache, None, &stems) {
            return outcome;
        }
    }
    if let Err(e) = create_parent(&output) {
        return tool_error(e);
    }
    let cancel = interrupt_flag();
    let progress = Progress::new(!args.json).for_backend(args.backend);
    let started = std::time::Instant::now();
    let result = render_planned(
        &checked,
        &plan,
        backend,
        store.as_ref(),
        &output,
        args.jobs,
        &cancel,
        &progress,
    );
    progress.finish();
    let report = match result {
        Ok(report) => report,
        Err(e) => return tool_error(e),
    };
    let stems = match &args.stems {
        Some(dir) => match write_stems(&checked, &plan, dir) {
            Ok(stems) => stems,
            Err(e) => return tool_error(e),
        },
        None => Vec::new(),
    };
    #[cfg(feature = "sign")]
    let signed = match &signer {
        Some(credentials) => match crate::signing::sign_render(
            &report.output,
            &report.provenance,
            args.backend,
            &checked.project_root,
            credentials,
        ) {
            Ok(s) => Some((s, credentials)),
            Err(e) => return crate::exit::coded_error(e.code, e.message, None),
        },
        None => None,
    };
    if args.json {
        #[allow(unused_mut)]
        let mut summary = summary_json(&report);
        crate::remix::add_to(&mut summary, &checked);
        #[cfg(feature = "sign")]
        if let Some((s, c)) = &signed {
            summary["signed"] = serde_json::json!({
                "manifest": s.manifest_label,
                "algorithm": c.algorithm().name(),
                "signer": c.subject(),
            });
            summary.sort_all_objects();
        }
        println!("{summary}");
    } else {
        if !stems.is_empty() {
            let names: Vec<String> = stems.iter().map(|p| p.display().to_string()).collect();
            eprintln!("stems: {}", names.join(", "));
        }
        eprintln!(
            "{}",
            summary_human(&report, started.elapsed().as_secs_f64())
        );
        #[cfg(feature = "sign")]
        if let Some((s, c)) = &signed {
            eprintln!(
                "signed {} with Content Credentials ({}, {}): manifest {}",
                s.output.display(),
                c.algorithm().name().to_ascii_uppercase(),
                c.subject(),
                s.manifest_label
            );
        }
    }
    Outcome::Success
}
