//! Slurm: a job array whose task K renders shard K, and an assembly job that runs only after
//! every task succeeded (`--dependency=afterok`).
//!
//! The workers and the assembler run in the project's directory, which a Slurm cluster shares
//! between its nodes; the cache is a directory there (`.scene-cache`, the default) or an object
//! store. `submit.sh` submits both jobs and prints the assembly job's id.

use crate::job::FarmJob;
use crate::shell::{command_line, quote};
use crate::GeneratedFile;

/// The array task's index, as Slurm sets it in every task's environment.
const INDEX_VAR: &str = "SLURM_ARRAY_TASK_ID";

pub fn generate(job: &FarmJob, title: &str) -> Vec<GeneratedFile> {
    let header = |what: &str, name: &str, log: &str| {
        let mut text = format!(
            "#!/bin/bash\n\
             # Written by `scenec farm` for \"{}\": {what}\n\
             #SBATCH --job-name={name}\n\
             #SBATCH --output=logs/{log}\n",
            title.replace('\n', " ")
        );
        if job.gpus_per_worker > 0 {
            text.push_str(&format!("#SBATCH --gres=gpu:{}\n", job.gpus_per_worker));
        }
        text
    };
    let mut shots = header(
        &format!(
            "renders the shots, shard K of {} in array task K.",
            job.workers
        ),
        &format!("{}-shots", job.name),
        "shots-%A_%a.log",
    );
    shots.push_str(&format!(
        "#SBATCH --array=0-{}\n\
         set -euo pipefail\n\
         cd {}\n\
         exec {}\n",
        job.workers.saturating_sub(1),
        quote(&job.workdir),
        command_line(&job.worker_command(), INDEX_VAR, job.workers)
    ));
    let mut assemble = header(
        "builds the film from the shared cache once every shard succeeded.",
        &format!("{}-assemble", job.name),
        "assemble-%j.log",
    );
    assemble.push_str(&format!(
        "set -euo pipefail\n\
         cd {}\n\
         exec {}\n",
        quote(&job.workdir),
        command_line(&job.assemble_command(), INDEX_VAR, job.workers)
    ));
    let submit = "#!/bin/sh\n\
         # Submits the shot array, then the assembly job that waits for all of it; prints the\n\
         # assembly job's id. Logs go to logs/ beside this script.\n\
         set -eu\n\
         cd \"$(dirname \"$0\")\"\n\
         mkdir -p logs\n\
         shots=$(sbatch --parsable shots.sbatch)\n\
         shots=${shots%%;*}\n\
         sbatch --parsable --dependency=afterok:\"$shots\" --kill-on-invalid-dep=yes assemble.sbatch\n"
        .to_string();
    vec![
        GeneratedFile::script("shots.sbatch", shots),
        GeneratedFile::script("assemble.sbatch", assemble),
        GeneratedFile::script("submit.sh", submit),
    ]
}
