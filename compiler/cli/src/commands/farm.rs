//! `scenec farm FILE --engine slurm|kubernetes -o DIR`: write what a farm runs to render the
//! film — one job per shard of shots and one that assembles the film — without submitting it.
//!
//! The film is checked first (a farm is the wrong place to find a typo), and the shard
//! assignment is printed so the user sees how the work spreads. `scenec farm status` ([`status`])
//! shows how far the farm has got.

#[cfg(feature = "render")]
mod status;

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use scene_farm::kubernetes::KubernetesOptions;
use scene_farm::{Assignment, FarmJob, GeneratedFile, Shard};
use scene_voice::atomic_write::write_atomically;

use crate::args::{BackendName, Engine, FarmAction, FarmArgs, FarmCommand};
use crate::exit::{tool_error, Outcome};
use crate::load;

/// Where Kubernetes workers find the project unless `--workdir` says otherwise.
const DEFAULT_WORKDIR: &str = "/project";

/// `farm status …` or `farm FILE --engine …`.
pub fn dispatch(farm: FarmCommand) -> Outcome {
    match (farm.action, farm.jobs) {
        #[cfg(feature = "render")]
        (Some(FarmAction::Status(args)), _) => status::run(&args),
        #[cfg(not(feature = "render"))]
        (Some(FarmAction::Status(_)), _) => tool_error(
            "`scenec farm status` reads the shot cache: this scenec was built without the `render` feature",
        ),
        (None, Some(args)) => run(&args),
        (None, None) => tool_error(
            "`scenec farm` needs a script and `--engine slurm|kubernetes -o DIR`, or `status FILE`",
        ),
    }
}

pub fn run(args: &FarmArgs) -> Outcome {
    if !args.file.is_file() {
        return tool_error(format!("{}: no such file", args.file.display()));
    }
    let Some((checked, plan)) = load::plan(&args.file) else {
        return Outcome::Failed;
    };
    let job = match farm_job(args, &checked.project_root, &plan.schedule.title) {
        Ok(job) => job,
        Err(e) => return tool_error(e),
    };
    let files = match args.engine {
        Engine::Slurm => scene_farm::slurm::generate(&job, &plan.schedule.title),
        Engine::Kubernetes => {
            let Some(image) = args.image.clone() else {
                return tool_error(
                    "`--engine kubernetes` needs `--image IMAGE`: a container image holding scenec",
                );
            };
            let options = KubernetesOptions {
                image,
                pvc: args.pvc.clone(),
                env_secret: args.env_secret.clone(),
                namespace: args.namespace.clone(),
            };
            match scene_farm::kubernetes::generate(&job, &options) {
                Ok(files) => files,
                Err(e) => return tool_error(e),
            }
        }
    };
    if let Err(e) = write_files(&args.output, &files) {
        return tool_error(e);
    }
    let assignment = Assignment::new(&plan.schedule, job.workers);
    for k in 0..job.workers {
        let Ok(shard) = Shard::new(k, job.workers) else {
            continue;
        };
        let names: Vec<&str> = assignment
            .shots(shard)
            .iter()
            .map(|&i| plan.schedule.shots[i].name.as_str())
            .collect();
        eprintln!(
            "shard {shard}: {} shot{}{}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            if names.is_empty() {
                " (more workers than independent shots)".to_string()
            } else {
                format!(" ({})", names.join(", "))
            }
        );
    }
    let wrote: Vec<&str> = files.iter().map(|f| f.name).collect();
    eprintln!(
        "wrote {} in {}; run {}",
        wrote.join(", "),
        args.output.display(),
        args.output.join("submit.sh").display()
    );
    Outcome::Success
}

fn farm_job(args: &FarmArgs, project_root: &Path, title: &str) -> Result<FarmJob, String> {
    if args.workers == 0 {
        return Err("`--workers` must be at least 1".into());
    }
    let model_backend = args.backend != BackendName::Previz;
    if model_backend && args.model_dir.is_none() {
        return Err(format!(
            "`--backend {}` needs `--model-dir DIR`: the model folder as the workers see it",
            backend_name(args.backend)
        ));
    }
    let script =
        std::fs::canonicalize(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let relative = script
        .strip_prefix(project_root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| PathBuf::from(script.file_name().unwrap_or_default()));
    let as_text = |p: &Path| p.to_string_lossy().into_owned();
    let (workdir, cache) = match args.engine {
        Engine::Slurm => (
            args.workdir
                .clone()
                .unwrap_or_else(|| as_text(project_root)),
            args.cache
                .clone()
                .unwrap_or_else(|| as_text(&project_root.join(".scene-cache"))),
        ),
        Engine::Kubernetes => (
            args.workdir
                .clone()
                .unwrap_or_else(|| DEFAULT_WORKDIR.to_string()),
            args.cache.clone().ok_or(
                "`--engine kubernetes` needs `--cache URL`: an object store (s3://bucket/prefix) \
                 or a directory on the volume every pod mounts (--pvc)",
            )?,
        ),
    };
    let mut backend_args = vec!["--backend".to_string(), backend_name(args.backend)];
    if let Some(dir) = &args.model_dir {
        backend_args.extend(["--model-dir".to_string(), dir.clone()]);
    }
    if let Some(steps) = args.steps {
        backend_args.extend(["--steps".to_string(), steps.to_string()]);
    }
    let output = args
        .film
        .clone()
        .unwrap_or_else(|| as_text(&relative.with_extension("mp4")));
    let assemble_wait_s = match args.engine {
        // `afterok` starts the assembler only when every array task succeeded.
        Engine::Slurm => 0,
        Engine::Kubernetes => scene_farm::duration::parse_seconds(&args.assemble_wait)
            .map_err(|e| format!("--assemble-wait: {e}"))?,
    };
    Ok(FarmJob {
        name: scene_farm::job::job_name(title, 40),
        scenec: args.scenec.clone(),
        workdir,
        script: as_text(&relative),
        output,
        workers: args.workers,
        cache,
        backend_args,
        gpus_per_worker: args
            .gpus_per_worker
            .unwrap_or(if model_backend { 1 } else { 0 }),
        assemble_wait_s,
    })
}

fn backend_name(backend: BackendName) -> String {
    backend
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_else(|| format!("{backend:?}").to_lowercase())
}

/// Write every file (atomically), creating the directory.
fn write_files(dir: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for file in files {
        let path = dir.join(file.name);
        write_atomically(&path, file.contents.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if file.executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| format!("cannot make {} executable: {e}", path.display()))?;
        }
    }
    Ok(())
}
