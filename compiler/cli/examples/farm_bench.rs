//! The farm benchmark of BENCHMARKS.md: a film of 24 shots rendered by one process, then by 1, 2
//! and 4 local workers (each a process rendering its shard into one shared cache directory,
//! as `scenec render --shard K/N --shots-only` does) followed by an assembler (as
//! `--assemble-only` does); it prints the wall times, the speed-ups against the single render
//! and whether every film is byte-identical to it.
//!
//! **The per-frame cost.** On a farm the shots are model shots, bound by each worker's GPU, so
//! workers do not compete for anything on their machine. Previz shots are bound by the CPU, and
//! local workers on one small machine would only share its cores. `--frame-cost-ms MS` (default
//! 50) therefore wraps the previz in a backend that sleeps `MS` before handing on each frame:
//! time that costs no CPU, standing for the GPU time of a model frame. The frames themselves are
//! the previz's, and the cost is part of the backend's identity, so its shots never mix with
//! real previz shots in a cache. Every process renders one shot at a time (one GPU each).
//!
//! ```text
//! cargo run -p scenec --example farm_bench -- [--frame-cost-ms 50] [--workers 1,2,4]
//!     [--out target/farm-bench] [--film FILE]
//! ```
//! Without `--film`, it writes the benchmark film (24 independent shots of 2 s at 12 fps,
//! 256x160) into the output folder. The same binary runs the workers and the assembler
//! (`farm_bench worker|assemble|single …`), which it starts itself.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use scene_farm::{Assignment, Shard};
use scene_plan::schedule::{FilmSchedule, ShotSchedule};
use scene_previz::backend::{Backend, BackendIdentity, FrameSink, Progress, ShotInputs};
use scene_previz::error::RenderError;
use scene_previz::frame::RgbFrame;
use scene_previz::Previz;
use scene_render::cache::ShotCache;
use scene_render::encode::{EncodeSettings, Metadata};
use scene_render::pipeline::{
    render_film, render_shots, CacheOnly, NoProgress, RenderOptions, ShotRenderOptions,
};

/// The previz, slowed by a fixed sleep per frame (see the module's documentation).
struct Slowed {
    previz: Previz,
    frame_cost: Duration,
}

impl Backend for Slowed {
    fn identity(&self) -> BackendIdentity {
        let mut id = self.previz.identity();
        id.settings = format!(
            "{};bench-frame-cost-ms={}",
            id.settings,
            self.frame_cost.as_millis()
        );
        id
    }

    fn render_shot(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        progress: Progress<'_>,
    ) -> Result<Vec<RgbFrame>, RenderError> {
        let mut frames = Vec::new();
        self.render_shot_streaming(
            film,
            shot,
            inputs,
            &mut |f| {
                frames.push(f);
                Ok(())
            },
            progress,
            &AtomicBool::new(false),
        )?;
        Ok(frames)
    }

    fn render_shot_streaming(
        &self,
        film: &FilmSchedule,
        shot: &ShotSchedule,
        inputs: &ShotInputs<'_>,
        sink: FrameSink<'_>,
        progress: Progress<'_>,
        cancel: &AtomicBool,
    ) -> Result<(), RenderError> {
        let cost = self.frame_cost;
        self.previz.render_shot_streaming(
            film,
            shot,
            inputs,
            &mut |frame| {
                std::thread::sleep(cost);
                sink(frame)
            },
            progress,
            cancel,
        )
    }
}

/// The benchmark film: 24 independent shots of 2 s, each with its own camera move.
fn bench_film() -> String {
    let cameras = [
        "wide, dolly in 20%",
        "medium, pan right 15deg",
        "closeup on ada",
        "wide, pan left 20deg",
        "medium, dolly out 15%",
        "wide, static",
    ];
    let mut text = String::from(
        "film \"Farm bench\" {\n    size 256x160\n    fps 12\n    seed 11\n}\n\n\
         character ada {\n    description \"a courier in a red jacket\"\n    color #c03020\n}\n\n\
         location dock {\n    description \"a harbour dock\"\n    time dusk\n    weather clear\n}\n",
    );
    for scene in 0..4 {
        text.push_str(&format!("\nscene part{scene} at dock {{\n"));
        for shot in 0..6 {
            let n = scene * 6 + shot;
            if shot > 0 {
                text.push_str("    cut\n");
            }
            text.push_str(&format!(
                "    shot s{n:02} 2s {{\n        camera {}\n        ada at center\n        prompt \"shot {n}\"\n    }}\n",
                cameras[n % cameras.len()]
            ));
        }
        text.push_str("}\n");
    }
    text
}

fn load(film: &Path) -> Result<(PathBuf, FilmSchedule), String> {
    let checked = scene_check::check_entry(film, &scene_check::RealFs);
    if checked.has_errors() {
        return Err(format!(
            "{}: the film has errors (`scenec check` shows them)",
            film.display()
        ));
    }
    let schedule = scene_plan::plan(
        &checked.film,
        &scene_voice::ReadingSpeed::new("not a speech test"),
    )
    .schedule;
    Ok((checked.project_root, schedule))
}

fn metadata(film: &FilmSchedule) -> Metadata {
    // Fixed, so that every film of the run carries the same tags.
    Metadata {
        title: film.title.clone(),
        tool: "farm_bench".into(),
        script_sha256: String::new(),
        schedule_sha256: String::new(),
        backend: String::new(),
    }
}

/// `worker FILM CACHE K N MS`: render shard K of N into CACHE, one shot at a time.
fn worker(film: &Path, cache: &Path, shard: Shard, backend: &Slowed) -> Result<(), String> {
    let (root, schedule) = load(film)?;
    let mut part = schedule.clone();
    part.shots = Assignment::new(&schedule, shard.count())
        .shots(shard)
        .iter()
        .map(|&i| schedule.shots[i].clone())
        .collect();
    if part.shots.is_empty() {
        return Ok(());
    }
    let store = ShotCache::open(cache).map_err(|e| e.to_string())?;
    render_shots(
        &part,
        backend,
        &ShotRenderOptions {
            project_root: &root,
            store: &store,
            jobs: 1,
            progress: &NoProgress,
            cancel: &AtomicBool::new(false),
            encode: &EncodeSettings::default(),
        },
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// `single …` renders the whole film (shots and assembly, one shot at a time); `assemble …`
/// builds it from the cache alone.
fn film_render(
    film: &Path,
    cache: &Path,
    output: &Path,
    backend: &Slowed,
    cache_only: bool,
) -> Result<(), String> {
    let (root, schedule) = load(film)?;
    let store = ShotCache::open(cache).map_err(|e| e.to_string())?;
    let only = CacheOnly(backend);
    // The benchmark's films have no dialogue; an engine without a disk cache keeps runs apart.
    let voices = scene_voice::Voices::open(None);
    render_film(
        &schedule,
        if cache_only { &only } else { backend },
        &RenderOptions {
            project_root: &root,
            store: &store,
            voices: &voices,
            output,
            jobs: 1,
            metadata: metadata(&schedule),
            encode: EncodeSettings::default(),
            progress: &NoProgress,
            cancel: &AtomicBool::new(false),
        },
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Run this binary with `args`; an error unless it succeeds.
fn child(args: &[String]) -> Result<std::process::Child, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    Command::new(exe)
        .args(args)
        .spawn()
        .map_err(|e| format!("cannot start a process: {e}"))
}

fn wait(mut c: std::process::Child) -> Result<(), String> {
    match c.wait() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("a process failed ({s})")),
        Err(e) => Err(e.to_string()),
    }
}

fn fresh(dir: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

struct Options {
    frame_cost_ms: u64,
    workers: Vec<u32>,
    out: PathBuf,
    film: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        frame_cost_ms: 50,
        workers: vec![1, 2, 4],
        out: PathBuf::from("target/farm-bench"),
        film: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--frame-cost-ms" => {
                o.frame_cost_ms = value()?
                    .parse()
                    .map_err(|_| "--frame-cost-ms takes milliseconds")?
            }
            "--workers" => {
                o.workers = value()?
                    .split(',')
                    .map(|w| {
                        w.trim()
                            .parse()
                            .map_err(|_| format!("`{w}` is not a count"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--out" => o.out = PathBuf::from(value()?),
            "--film" => o.film = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if o.workers.contains(&0) {
        return Err("--workers: counts start at 1".into());
    }
    Ok(o)
}

fn bench(o: &Options) -> Result<(), String> {
    fresh(&o.out)?;
    let out = o
        .out
        .canonicalize()
        .map_err(|e| format!("{}: {e}", o.out.display()))?;
    let film = match &o.film {
        Some(f) => f
            .canonicalize()
            .map_err(|e| format!("{}: {e}", f.display()))?,
        None => {
            let f = out.join("bench.scene");
            std::fs::write(out.join("scene.toml"), "").map_err(|e| e.to_string())?;
            std::fs::write(&f, bench_film()).map_err(|e| e.to_string())?;
            f
        }
    };
    let (_, schedule) = load(&film)?;
    let frames: u32 = schedule.shots.iter().map(|s| s.frames.0).sum();
    let ms = o.frame_cost_ms.to_string();
    let text = |p: &Path| p.to_string_lossy().into_owned();
    println!(
        "film {} ({} shots, {frames} frames); frame cost {ms} ms (sleep); {} cores",
        film.display(),
        schedule.shots.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );

    let single_cache = out.join("cache-single");
    fresh(&single_cache)?;
    let single_mp4 = out.join("single.mp4");
    let load_before = loadavg();
    let started = Instant::now();
    wait(child(&[
        "single".into(),
        text(&film),
        text(&single_cache),
        text(&single_mp4),
        ms.clone(),
    ])?)?;
    let single = started.elapsed().as_secs_f64();
    let single_bytes = std::fs::read(&single_mp4).map_err(|e| e.to_string())?;
    println!();
    println!(
        "| workers | wall (s) | speed-up | target (0.8·K) | same bytes | load avg before → after |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| single render | {single:.1} | 1.00 | – | – | {load_before} → {} |",
        loadavg()
    );
    for &n in &o.workers {
        let cache = out.join(format!("cache-{n}"));
        fresh(&cache)?;
        let mp4 = out.join(format!("farm-{n}.mp4"));
        let load_before = loadavg();
        let started = Instant::now();
        let workers = (0..n)
            .map(|k| {
                child(&[
                    "worker".into(),
                    text(&film),
                    text(&cache),
                    format!("{k}/{n}"),
                    ms.clone(),
                ])
            })
            .collect::<Result<Vec<_>, _>>()?;
        for w in workers {
            wait(w)?;
        }
        wait(child(&[
            "assemble".into(),
            text(&film),
            text(&cache),
            text(&mp4),
            ms.clone(),
        ])?)?;
        let wall = started.elapsed().as_secs_f64();
        let same = std::fs::read(&mp4).map_err(|e| e.to_string())? == single_bytes;
        let speedup = single / wall;
        let target = 0.8 * f64::from(n);
        println!(
            "| {n} | {wall:.1} | {speedup:.2} | {target:.1} {} | {} | {load_before} → {} |",
            if speedup >= target { "met" } else { "not met" },
            if same { "yes" } else { "NO" },
            loadavg()
        );
        if !same {
            return Err(format!(
                "the film of {n} workers differs from the single render"
            ));
        }
    }
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let role = args.first().map(String::as_str);
    let backend = |ms: &str| -> Result<Slowed, String> {
        Ok(Slowed {
            previz: Previz::new(),
            frame_cost: Duration::from_millis(
                ms.parse()
                    .map_err(|_| format!("`{ms}` is not milliseconds"))?,
            ),
        })
    };
    match (role, args.get(1..).unwrap_or_default()) {
        (Some("worker"), [film, cache, shard, ms]) => {
            let shard: Shard = shard.parse().map_err(|e| format!("{e}"))?;
            worker(Path::new(film), Path::new(cache), shard, &backend(ms)?)
        }
        (Some("single"), [film, cache, output, ms]) => film_render(
            Path::new(film),
            Path::new(cache),
            Path::new(output),
            &backend(ms)?,
            false,
        ),
        (Some("assemble"), [film, cache, output, ms]) => film_render(
            Path::new(film),
            Path::new(cache),
            Path::new(output),
            &backend(ms)?,
            true,
        ),
        _ => bench(&parse(args)?),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("farm_bench: {e}");
            ExitCode::from(2)
        }
    }
}
