//! The command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "scenec",
    version,
    about = "The scene compiler: screenplays in, films out."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check scripts and print diagnostics.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
        format: DiagFormat,
        /// The backend whose text encoder prompts are measured against (ltx reads 256 tokens;
        /// previz reads no text).
        #[arg(long, value_enum, default_value_t = BackendName::Ltx)]
        backend: BackendName,
    },
    /// Format scripts canonically (comments kept).
    Fmt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Do not write; exit 1 if any file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Print the conditioning schedule as JSON.
    Schedule {
        file: PathBuf,
        /// Only this shot's schedule.
        #[arg(long)]
        shot: Option<String>,
    },
    /// Start a film from a Fountain screenplay (.fountain): write a .scene skeleton that checks.
    Import {
        /// The screenplay, in Fountain (fountain.io).
        script: PathBuf,
        /// The .scene file to write (default: the script's name with `.scene`, beside it).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
        #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
        format: DiagFormat,
    },
    /// Print the shot graph.
    Graph {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Render the film to an MP4, reusing cached shots.
    #[cfg(feature = "render")]
    Render(RenderArgs),
    /// Render a contact sheet of every shot.
    #[cfg(feature = "render")]
    Storyboard(StoryboardArgs),
    /// Re-check and re-render on change.
    #[cfg(feature = "render")]
    Watch(RenderArgs),
    /// Compare a render with stored goldens (CI regression renders).
    #[cfg(feature = "render")]
    Verify(VerifyArgs),
    /// Write the jobs that render the film on a Slurm or Kubernetes farm; `farm status` shows
    /// which shots a farm has done.
    Farm(FarmCommand),
    /// Inspect or trim the per-shot cache.
    #[cfg(feature = "render")]
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Read and validate the Content Credentials (C2PA) of a file: who signed it, what it
    /// declares, whether its bytes still match the signature.
    #[cfg(feature = "sign")]
    Provenance(ProvenanceArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    Human,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Json,
}

/// A render farm's scheduler.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// A job array (`sbatch --array`) and an assembly job that depends on it (`afterok`).
    Slurm,
    /// An Indexed Job (one completion index per worker) and an assembly Job.
    Kubernetes,
}

/// `scenec farm FILE --engine …` or `scenec farm status FILE`.
#[derive(clap::Args, Debug, Clone)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct FarmCommand {
    #[command(subcommand)]
    pub action: Option<FarmAction>,
    #[command(flatten)]
    pub jobs: Option<FarmArgs>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum FarmAction {
    /// Which shots of the film are done, leased (by which worker, since when) or missing in
    /// the shared cache. Exit 0 when every shot is done, 3 when some are not.
    Status(FarmStatusArgs),
}

/// `scenec farm status FILE [--cache URL] [--json]`.
#[derive(clap::Args, Debug, Clone)]
pub struct FarmStatusArgs {
    pub file: PathBuf,
    /// The cache the workers share (a directory or `s3://bucket/prefix`). Default: the
    /// project's `.scene-cache`.
    #[arg(long)]
    pub cache: Option<String>,
    /// The backend the workers render with (it is part of every shot's key).
    #[arg(long, value_enum, default_value_t = BackendName::Previz)]
    pub backend: BackendName,
    /// The model folder (for model backends), as for `scenec render`.
    #[arg(long)]
    pub model_dir: Option<PathBuf>,
    /// Denoising steps, if the workers were given `--steps`.
    #[arg(long)]
    pub steps: Option<u32>,
    /// The ltx text encoder's precision, if the workers were given `--text-encoder-dtype`.
    #[arg(long, value_enum)]
    pub text_encoder_dtype: Option<TextEncoderDtype>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `scenec storyboard FILE -o OUT.png [--cache URL [--backend B --model-dir DIR]]`.
#[cfg(feature = "render")]
#[derive(clap::Args, Debug, Clone)]
pub struct StoryboardArgs {
    pub file: PathBuf,
    #[arg(short, long)]
    pub output: PathBuf,
    /// Show the frames a render stored in this cache (a directory or `s3://bucket/prefix`)
    /// instead of drawing the shots with the previz; every shot must be there.
    #[arg(long)]
    pub cache: Option<String>,
    /// With --cache: the backend that rendered the shots (it is part of their keys).
    #[arg(long, value_enum, default_value_t = BackendName::Previz, requires = "cache")]
    pub backend: BackendName,
    /// With --cache: the model folder (for model backends).
    #[arg(long, requires = "cache")]
    pub model_dir: Option<PathBuf>,
    /// With --cache: denoising steps, if the render was given `--steps`.
    #[arg(long, requires = "cache")]
    pub steps: Option<u32>,
    /// With --cache: the ltx text encoder's precision, if the render was given one.
    #[arg(long, value_enum, requires = "cache")]
    pub text_encoder_dtype: Option<TextEncoderDtype>,
}

/// `scenec farm FILE --engine slurm|kubernetes -o DIR`.
#[derive(clap::Args, Debug, Clone)]
pub struct FarmArgs {
    pub file: PathBuf,
    #[arg(long, value_enum)]
    pub engine: Engine,
    /// Directory the job files are written to (created if needed).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Workers that render shots at once (shards); the assembler is one more job.
    #[arg(long, default_value_t = 4)]
    pub workers: u32,
    /// The cache every worker shares: an object store (`s3://bucket/prefix`) or a directory
    /// all nodes see. Default for Slurm: the project's `.scene-cache` (a shared file system);
    /// required for Kubernetes.
    #[arg(long)]
    pub cache: Option<String>,
    #[arg(long, value_enum, default_value_t = BackendName::Previz)]
    pub backend: BackendName,
    /// The model folder as the workers see it (for model backends).
    #[arg(long)]
    pub model_dir: Option<String>,
    /// Denoising steps for model backends (overrides the script).
    #[arg(long)]
    pub steps: Option<u32>,
    /// GPUs each worker requests (default: 1 for model backends, 0 for previz).
    #[arg(long)]
    pub gpus_per_worker: Option<u32>,
    /// The MP4 the assembler writes (default: the script's name with .mp4, beside it).
    #[arg(long)]
    pub film: Option<String>,
    /// The `scenec` the workers run: a path, or a name on their PATH.
    #[arg(long, default_value = "scenec")]
    pub scenec: String,
    /// Kubernetes: the container image holding `scenec` (and the project, unless --pvc).
    #[arg(long)]
    pub image: Option<String>,
    /// Where the project is inside the workers (Kubernetes; default /project). Slurm runs in the
    /// project's own directory, which the cluster shares.
    #[arg(long)]
    pub workdir: Option<String>,
    /// Kubernetes: a PersistentVolumeClaim holding the project, mounted at the workdir.
    #[arg(long)]
    pub pvc: Option<String>,
    /// Kubernetes: a Secret whose keys become the workers' environment (AWS_* for the cache).
    #[arg(long)]
    pub env_secret: Option<String>,
    #[arg(long)]
    pub namespace: Option<String>,
    /// Kubernetes: how long the assembler waits for the workers' shots, e.g. `6h`, `90m`.
    #[arg(long, default_value = "6h")]
    pub assemble_wait: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendName {
    Previz,
    Ltx,
    /// LTX-2: each shot's picture and sound generated together.
    Ltx2,
}

/// How the ltx backend holds the T5 text encoder's weights.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextEncoderDtype {
    /// Full precision (the default on the CPU): about 19 GB for T5-XXL.
    F32,
    /// Half the memory, about 9.5 GB (the default on CUDA); embeddings differ slightly, so
    /// they are cached apart.
    Bf16,
}

#[cfg(feature = "render")]
#[derive(clap::Args, Debug, Clone)]
pub struct RenderArgs {
    pub file: PathBuf,
    /// Output file (default: the script's name with .mp4, beside it).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = BackendName::Previz)]
    pub backend: BackendName,
    /// A local model folder in the diffusers layout: LTX-Video for `--backend ltx`, LTX-2 for
    /// `--backend ltx2`.
    #[arg(long)]
    pub model_dir: Option<PathBuf>,
    /// Shots rendered at once (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// End with one JSON summary line (`rendered`, `reused`, `output`).
    #[arg(long)]
    pub json: bool,
    /// Denoising steps for model backends (overrides the script).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Precision of the ltx backend's text encoder weights (default: f32 on the CPU, bf16 on
    /// CUDA).
    #[arg(long, value_enum)]
    pub text_encoder_dtype: Option<TextEncoderDtype>,
    /// Also write the stems into DIR: dialogue.wav, music.wav, effects.wav, ambience.wav and
    /// mix.wav (48 kHz, 24-bit stereo, the film's length).
    #[arg(long, value_name = "DIR")]
    pub stems: Option<PathBuf>,
    /// The shot cache: a directory, or an S3-compatible object store (`s3://bucket/prefix`;
    /// endpoint and credentials from the standard AWS_* variables). Default: the project's
    /// `.scene-cache`.
    #[arg(long)]
    pub cache: Option<String>,
    /// Render only the shots of shard K of N (K counts from 0; a `continues` chain is never
    /// split). Needs --shots-only.
    #[arg(long, requires = "shots_only")]
    pub shard: Option<scene_farm::Shard>,
    /// Render shots into the cache and write no film (a farm worker).
    #[arg(long, conflicts_with = "assemble_only")]
    pub shots_only: bool,
    /// Build the film from the cache alone; exit 2 naming every shot that is not there.
    #[arg(long)]
    pub assemble_only: bool,
    /// With --assemble-only: wait up to this long for missing shots (`30m`, `6h`).
    #[arg(long, requires = "assemble_only")]
    pub wait: Option<String>,
    /// How long a shot's lease lives unless its worker renews it (every third of this time):
    /// a killed worker's shot is taken over this long after it died (`30s`, `2m`; default 2m).
    #[arg(long, default_value = "2m")]
    pub lease_ttl: String,
    #[cfg(feature = "sign")]
    #[command(flatten)]
    pub sign: SignArgs,
}

/// Signing the film with C2PA Content Credentials. Each of the certificate and the key comes
/// from its flag, else from the environment (`SCENEC_SIGN_CERT`, `SCENEC_SIGN_KEY`), else from
/// `[sign]` in the project's `scene.toml`; with neither, the film is not signed.
#[cfg(feature = "sign")]
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SignArgs {
    /// Sign the film: a PEM certificate chain, the signing certificate first.
    #[arg(long, value_name = "CHAIN.pem")]
    pub sign_cert: Option<PathBuf>,
    /// The signing certificate's private key (unencrypted PKCS#8 PEM).
    #[arg(long, value_name = "KEY.pem")]
    pub sign_key: Option<PathBuf>,
    /// Do not sign, whatever the environment or scene.toml say.
    #[arg(long, conflicts_with_all = ["sign_cert", "sign_key"])]
    pub no_sign: bool,
}

#[cfg(feature = "sign")]
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[cfg(feature = "sign")]
#[derive(clap::Args, Debug, Clone)]
pub struct ProvenanceArgs {
    /// A file with Content Credentials (an MP4 that `scenec render` signed, or anyone's).
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Trust anchors: a PEM bundle of root certificates to check the signer's chain against
    /// (the C2PA trust list, a company's root). Without it, trust is not checked.
    #[arg(long, value_name = "ROOTS.pem")]
    pub trust: Option<PathBuf>,
}

#[cfg(feature = "render")]
#[derive(clap::Args, Debug, Clone)]
pub struct VerifyArgs {
    pub file: PathBuf,
    /// Directory holding the goldens.
    #[arg(long)]
    pub golden: PathBuf,
    /// Render and write the goldens instead of comparing.
    #[arg(long)]
    pub bless: bool,
    /// Write a self-contained HTML report.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Perceptual tolerance for model backends, e.g. `psnr=30,ssim=0.95`.
    #[arg(long)]
    pub tolerance: Option<String>,
    #[arg(long, value_enum, default_value_t = BackendName::Previz)]
    pub backend: BackendName,
    #[arg(long)]
    pub model_dir: Option<PathBuf>,
    #[arg(long)]
    pub jobs: Option<usize>,
    /// The shot cache (see `scenec render --cache`).
    #[arg(long)]
    pub cache: Option<String>,
}

#[cfg(feature = "render")]
#[derive(Subcommand, Debug)]
pub enum CacheAction {
    /// Entries and size of the cache of a film (or a cache directory).
    Stats {
        /// A script (its project's `.scene-cache/`) or a cache directory.
        path: PathBuf,
    },
    /// Evict least-recently-used entries until the cache fits.
    Gc {
        path: PathBuf,
        /// e.g. `500MB`, `2GiB`.
        #[arg(long)]
        max_size: String,
    },
}
