//! Kubernetes: an Indexed Job (one completion index per worker, `JOB_COMPLETION_INDEX`) that
//! renders the shots, and an assembly Job.
//!
//! Kubernetes has no dependency between Jobs, so the assembler is started with the workers and
//! waits, polling the shared cache, until every shot is there (`--wait`); it names the missing
//! shots and fails if they do not come in time. The cache must therefore be shared: an object
//! store (`s3://…`), or a directory on a volume every pod mounts (`--pvc`).
//!
//! The objects are built from k8s-openapi's typed definitions and written as JSON, which
//! `kubectl apply -f` reads as it reads YAML.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Container, EnvFromSource, EnvVar, EnvVarSource, ObjectFieldSelector,
    PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec, ResourceRequirements,
    SecretEnvSource, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::job::{FarmJob, Word};
use crate::GeneratedFile;

/// What only Kubernetes needs to know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubernetesOptions {
    /// The container image; it holds `scenec` (and the project, unless `pvc` mounts it).
    pub image: String,
    /// A PersistentVolumeClaim mounted at the job's workdir in every pod.
    pub pvc: Option<String>,
    /// A Secret whose keys become environment variables (the object store's `AWS_*`).
    pub env_secret: Option<String>,
    pub namespace: Option<String>,
}

/// The completion index the Job controller gives each pod, read through the downward API so
/// that `$(JOB_COMPLETION_INDEX)` in the arguments expands whatever the cluster's version.
const INDEX_VAR: &str = "JOB_COMPLETION_INDEX";
const INDEX_ANNOTATION: &str = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
/// Retries of one worker's index before it counts as failed (a worker that dies mid-shot
/// loses nothing: the next attempt finds the finished shots in the cache).
const RETRIES_PER_INDEX: i32 = 2;
const VOLUME: &str = "project";

pub fn jobs(job: &FarmJob, options: &KubernetesOptions) -> (Job, Job) {
    let labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), "scenec".to_string()),
        ("app.kubernetes.io/instance".to_string(), job.name.clone()),
    ]);
    let meta = |suffix: &str| ObjectMeta {
        name: Some(format!("{}-{suffix}", job.name)),
        namespace: options.namespace.clone(),
        labels: Some(labels.clone()),
        ..ObjectMeta::default()
    };
    let args = |words: &[Word]| -> Vec<String> {
        words
            .iter()
            .map(|w| match w {
                // `$(VAR)` is how Kubernetes expands a variable in `args`; `$$` escapes a `$`.
                Word::Literal(text) => text.replace('$', "$$"),
                Word::Shard => format!("$({INDEX_VAR})/{}", job.workers),
            })
            .collect()
    };
    let worker_words = job.worker_command();
    let assemble_words = job.assemble_command();
    let container = |name: &str, words: &[Word], gpus: u32, index: bool| {
        let all = args(words);
        let (command, rest) = all
            .split_first()
            .map_or((Vec::new(), Vec::new()), |(c, r)| {
                (vec![c.clone()], r.to_vec())
            });
        Container {
            name: name.to_string(),
            image: Some(options.image.clone()),
            command: Some(command),
            args: Some(rest),
            working_dir: Some(job.workdir.clone()),
            env: index.then(|| {
                vec![EnvVar {
                    name: INDEX_VAR.to_string(),
                    value_from: Some(EnvVarSource {
                        field_ref: Some(ObjectFieldSelector {
                            field_path: INDEX_ANNOTATION.to_string(),
                            ..ObjectFieldSelector::default()
                        }),
                        ..EnvVarSource::default()
                    }),
                    ..EnvVar::default()
                }]
            }),
            env_from: options.env_secret.as_ref().map(|secret| {
                vec![EnvFromSource {
                    secret_ref: Some(SecretEnvSource {
                        name: secret.clone(),
                        optional: Some(false),
                    }),
                    ..EnvFromSource::default()
                }]
            }),
            resources: (gpus > 0).then(|| ResourceRequirements {
                limits: Some(BTreeMap::from([(
                    "nvidia.com/gpu".to_string(),
                    Quantity(gpus.to_string()),
                )])),
                ..ResourceRequirements::default()
            }),
            volume_mounts: options.pvc.as_ref().map(|_| {
                vec![VolumeMount {
                    name: VOLUME.to_string(),
                    mount_path: job.workdir.clone(),
                    ..VolumeMount::default()
                }]
            }),
            ..Container::default()
        }
    };
    let pod = |container: Container| PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            restart_policy: Some("Never".to_string()),
            containers: vec![container],
            volumes: options.pvc.as_ref().map(|claim| {
                vec![Volume {
                    name: VOLUME.to_string(),
                    persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                        claim_name: claim.clone(),
                        read_only: Some(false),
                    }),
                    ..Volume::default()
                }]
            }),
            ..PodSpec::default()
        }),
    };
    let workers = i32::try_from(job.workers).unwrap_or(i32::MAX);
    let shots = Job {
        metadata: meta("shots"),
        spec: Some(JobSpec {
            completion_mode: Some("Indexed".to_string()),
            completions: Some(workers),
            parallelism: Some(workers),
            backoff_limit_per_index: Some(RETRIES_PER_INDEX),
            template: pod(container("shots", &worker_words, job.gpus_per_worker, true)),
            ..JobSpec::default()
        }),
        ..Job::default()
    };
    let assemble = Job {
        metadata: meta("assemble"),
        spec: Some(JobSpec {
            completions: Some(1),
            parallelism: Some(1),
            backoff_limit: Some(RETRIES_PER_INDEX),
            // Assembly decodes and encodes; it needs no GPU.
            template: pod(container("assemble", &assemble_words, 0, false)),
            ..JobSpec::default()
        }),
        ..Job::default()
    };
    (shots, assemble)
}

pub fn generate(job: &FarmJob, options: &KubernetesOptions) -> Result<Vec<GeneratedFile>, String> {
    let (shots, assemble) = jobs(job, options);
    let json = |j: &Job| {
        serde_json::to_string_pretty(j)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| format!("cannot write a Job as JSON: {e}"))
    };
    let namespace = options
        .namespace
        .as_ref()
        .map(|n| format!(" --namespace {}", crate::shell::quote(n)))
        .unwrap_or_default();
    let submit = format!(
        "#!/bin/sh\n\
         # Starts the shot workers and the assembler (which waits for every shot in the cache).\n\
         set -eu\n\
         cd \"$(dirname \"$0\")\"\n\
         kubectl apply{namespace} -f shots-job.json -f assemble-job.json\n"
    );
    Ok(vec![
        GeneratedFile::data("shots-job.json", json(&shots)?),
        GeneratedFile::data("assemble-job.json", json(&assemble)?),
        GeneratedFile::script("submit.sh", submit),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn farm_job() -> FarmJob {
        FarmJob {
            name: "the-reunion".into(),
            scenec: "scenec".into(),
            workdir: "/project".into(),
            script: "film.scene".into(),
            output: "out/film.mp4".into(),
            workers: 4,
            cache: "s3://films/reunion".into(),
            backend_args: vec![
                "--backend".into(),
                "ltx".into(),
                "--model-dir".into(),
                "/models/$LTX".into(),
            ],
            gpus_per_worker: 1,
            assemble_wait_s: 7200,
        }
    }

    fn options() -> KubernetesOptions {
        KubernetesOptions {
            image: "registry.example/scenec:1".into(),
            pvc: Some("films".into()),
            env_secret: Some("s3-credentials".into()),
            namespace: Some("render".into()),
        }
    }

    /// The written JSON read back through the typed definitions: what `kubectl` would get.
    fn read_back(files: &[GeneratedFile], name: &str) -> Job {
        let file = files.iter().find(|f| f.name == name).expect("file written");
        let value: serde_json::Value = serde_json::from_str(&file.contents).expect("valid JSON");
        assert_eq!(value["apiVersion"], "batch/v1");
        assert_eq!(value["kind"], "Job");
        serde_json::from_value(value).expect("a Job")
    }

    #[test]
    fn indexed_job_gives_each_pod_its_shard() {
        let files = generate(&farm_job(), &options()).expect("generated");
        let shots = read_back(&files, "shots-job.json");
        assert_eq!(shots.metadata.name.as_deref(), Some("the-reunion-shots"));
        assert_eq!(shots.metadata.namespace.as_deref(), Some("render"));
        let spec = shots.spec.expect("spec");
        assert_eq!(spec.completion_mode.as_deref(), Some("Indexed"));
        assert_eq!((spec.completions, spec.parallelism), (Some(4), Some(4)));
        let pod = spec.template.spec.expect("pod spec");
        assert_eq!(pod.restart_policy.as_deref(), Some("Never"));
        let c = &pod.containers[0];
        assert_eq!(c.command.as_deref(), Some(&["scenec".to_string()][..]));
        let args = c.args.clone().expect("args");
        assert_eq!(
            args,
            [
                "render",
                "film.scene",
                "--cache",
                "s3://films/reunion",
                "--backend",
                "ltx",
                "--model-dir",
                "/models/$$LTX",
                "--shard",
                "$(JOB_COMPLETION_INDEX)/4",
                "--shots-only"
            ]
        );
        let env = c.env.clone().expect("env");
        assert_eq!(env[0].name, "JOB_COMPLETION_INDEX");
        assert_eq!(
            env[0]
                .value_from
                .as_ref()
                .and_then(|v| v.field_ref.as_ref())
                .map(|f| f.field_path.as_str()),
            Some(INDEX_ANNOTATION)
        );
        let limits = c
            .resources
            .as_ref()
            .and_then(|r| r.limits.clone())
            .expect("limits");
        assert_eq!(limits.get("nvidia.com/gpu"), Some(&Quantity("1".into())));
        assert_eq!(
            c.volume_mounts.as_ref().map(|m| m[0].mount_path.as_str()),
            Some("/project")
        );
        assert_eq!(
            pod.volumes
                .as_ref()
                .and_then(|v| v[0].persistent_volume_claim.as_ref())
                .map(|p| p.claim_name.as_str()),
            Some("films")
        );
        assert_eq!(
            c.env_from
                .as_ref()
                .and_then(|e| e[0].secret_ref.as_ref())
                .map(|s| s.name.as_str()),
            Some("s3-credentials")
        );
    }

    #[test]
    fn assembler_waits_for_the_cache_and_needs_no_gpu() {
        let files = generate(&farm_job(), &options()).expect("generated");
        let assemble = read_back(&files, "assemble-job.json");
        let spec = assemble.spec.expect("spec");
        assert_eq!(spec.completion_mode, None);
        let c = &spec.template.spec.expect("pod spec").containers[0];
        let args = c.args.clone().expect("args");
        assert!(args.ends_with(&[
            "--assemble-only".to_string(),
            "-o".into(),
            "out/film.mp4".into(),
            "--wait".into(),
            "7200s".into()
        ]));
        assert!(c.resources.is_none());
        assert!(c.env.is_none());
        let submit = files
            .iter()
            .find(|f| f.name == "submit.sh")
            .expect("submit");
        assert!(submit.executable);
        assert!(submit
            .contents
            .contains("kubectl apply --namespace render -f shots-job.json -f assemble-job.json"));
    }

    #[test]
    fn no_gpu_and_no_volume_when_not_asked() {
        let mut job = farm_job();
        job.gpus_per_worker = 0;
        let files = generate(
            &job,
            &KubernetesOptions {
                image: "i".into(),
                ..Default::default()
            },
        )
        .expect("generated");
        let shots = read_back(&files, "shots-job.json");
        let pod = shots.spec.expect("spec").template.spec.expect("pod");
        assert!(pod.volumes.is_none());
        assert!(pod.containers[0].resources.is_none());
        assert!(pod.containers[0].volume_mounts.is_none());
        assert!(pod.containers[0].env_from.is_none());
    }
}
