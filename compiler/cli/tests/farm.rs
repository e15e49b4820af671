//! End-to-end tests of rendering on a farm: workers (`--shard K/N --shots-only`) fill a shared
//! cache, an assembler (`--assemble-only`) builds a film byte-identical to a single-machine
//! render, leases keep two workers off one shot, `scenec farm` writes what the engines run,
//! and the cache works the same in an S3-compatible object store (a local moto server).

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use common::{small_project, stderr, stdout, Project};

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "failed:\n{}", stderr(out));
    let text = stdout(out);
    serde_json::from_str(text.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("last stdout line is not JSON ({e}): {text}"))
}

fn names(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` in {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_default().to_string())
        .collect()
}

/// The film rendered on one machine, with the project's own cache.
fn single_machine(p: &Project) -> Vec<u8> {
    json(&p.run(&["render", "film.scene", "-o", "single.mp4", "--json"]));
    std::fs::read(p.path("single.mp4")).expect("single.mp4")
}

/// Workers for every shard, then the assembler, all on `cache`; returns the film and the shots
/// each worker rendered.
fn farm_render(
    p: &Project,
    cache: &str,
    workers: u32,
    env: &[(&str, &str)],
) -> (Vec<u8>, Vec<Vec<String>>) {
    let mut per_worker = Vec::new();
    for k in 0..workers {
        let shard = format!("{k}/{workers}");
        let out = p.run_env(
            &[
                "render",
                "film.scene",
                "--cache",
                cache,
                "--shard",
                &shard,
                "--shots-only",
                "--json",
            ],
            env,
        );
        let v = json(&out);
        assert_eq!(
            v["output"],
            serde_json::Value::Null,
            "a worker writes no film"
        );
        assert_eq!(v["shard"], shard.as_str());
        per_worker.push(names(&v, "rendered"));
    }
    let out = p.run_env(
        &[
            "render",
            "film.scene",
            "--cache",
            cache,
            "--assemble-only",
            "-o",
            "farm.mp4",
            "--json",
        ],
        env,
    );
    let v = json(&out);
    assert!(
        names(&v, "rendered").is_empty(),
        "the assembler rendered: {v}"
    );
    (
        std::fs::read(p.path("farm.mp4")).expect("farm.mp4"),
        per_worker,
    )
}

trait RunEnv {
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output;
}

impl RunEnv for Project {
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = common::scenec();
        c.current_dir(self.dir.path()).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run scenec")
    }
}

#[test]
fn sharded_workers_and_assembly_give_the_single_machine_film() {
    let p = small_project();
    let single = single_machine(&p);
    let cache = p.path("shared-cache");
    let (film, per_worker) = farm_render(&p, cache.to_str().unwrap_or_default(), 2, &[]);
    assert!(
        film == single,
        "the farm's film differs from the single-machine render"
    );
    // The `continues` chain first → second stays on one worker; third goes to the other.
    assert_eq!(per_worker, [vec!["first", "second"], vec!["third"]]);
}

#[test]
fn assembly_names_every_missing_shot_and_writes_nothing() {
    let p = small_project();
    let cache = p.path("shared-cache");
    let cache = cache.to_str().unwrap_or_default();
    json(&p.run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--shard",
        "1/2",
        "--shots-only",
        "--json",
    ]));
    let out = p.run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--assemble-only",
        "-o",
        "farm.mp4",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("2 of 3 shots are not in the cache: first, second"),
        "{err}"
    );
    assert!(
        !p.path("farm.mp4").exists(),
        "an incomplete assembly wrote a film"
    );
    // --wait gives up after its time with the same message.
    let out = p.run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--assemble-only",
        "--wait",
        "1s",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("first, second"), "{}", stderr(&out));
}

#[test]
fn assembly_waits_for_a_worker_that_is_still_rendering() {
    let p = small_project();
    let cache = p.path("shared-cache");
    let cache = cache.to_str().unwrap_or_default().to_string();
    let single = single_machine(&p);
    let assembler = common::scenec()
        .current_dir(p.dir.path())
        .args([
            "render",
            "film.scene",
            "--cache",
            &cache,
            "--assemble-only",
            "--wait",
            "5m",
            "-o",
            "farm.mp4",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the assembler");
    std::thread::sleep(std::time::Duration::from_millis(500));
    json(&p.run(&[
        "render",
        "film.scene",
        "--cache",
        &cache,
        "--shots-only",
        "--json",
    ]));
    let out = assembler.wait_with_output().expect("assembler ends");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("waiting for 3 shot(s)"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read(p.path("farm.mp4")).expect("farm.mp4") == single);
}

#[test]
fn two_workers_on_the_same_shots_render_each_shot_once() {
    let p = small_project();
    let cache = p.path("shared-cache");
    let cache = cache.to_str().unwrap_or_default().to_string();
    let start = || -> Child {
        common::scenec()
            .current_dir(p.dir.path())
            .args([
                "render",
                "film.scene",
                "--cache",
                &cache,
                "--shots-only",
                "--json",
                "--jobs",
                "1",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start a worker")
    };
    let (a, b) = (start(), start());
    let a = json(&a.wait_with_output().expect("worker a"));
    let b = json(&b.wait_with_output().expect("worker b"));
    let (ra, rb) = (names(&a, "rendered"), names(&b, "rendered"));
    for shot in &ra {
        assert!(
            !rb.contains(shot),
            "both workers rendered `{shot}`: {a} / {b}"
        );
    }
    let mut all: Vec<String> = ra.into_iter().chain(rb).collect();
    all.sort();
    assert_eq!(all, ["first", "second", "third"], "{a} / {b}");
    let leases = Path::new(&cache).join("leases");
    let left = std::fs::read_dir(&leases).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "leases are released when the shots are stored");
}

#[test]
fn shard_and_mode_flags_are_checked() {
    let p = small_project();
    for (args, message) in [
        (
            &["render", "film.scene", "--shard", "0/2"][..],
            "--shots-only",
        ),
        (
            &["render", "film.scene", "--shard", "2/2", "--shots-only"][..],
            "shard 2 of 2 does not exist",
        ),
        (
            &["render", "film.scene", "--shard", "x", "--shots-only"][..],
            "is not a shard",
        ),
        (
            &["render", "film.scene", "--shots-only", "--assemble-only"][..],
            "cannot be used with",
        ),
        (
            &["render", "film.scene", "--wait", "1m"][..],
            "--assemble-only",
        ),
        (
            &["render", "film.scene", "--cache", "ftp://x/y"][..],
            "directory or an S3-compatible object store",
        ),
    ] {
        let out = p.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn farm_writes_slurm_scripts_that_a_shell_accepts() {
    let p = small_project();
    let out = p.run(&[
        "farm",
        "film.scene",
        "--engine",
        "slurm",
        "--workers",
        "2",
        "-o",
        "jobs",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("shard 0/2: 2 shots (first, second)"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("shard 1/2: 1 shot (third)"),
        "{}",
        stderr(&out)
    );
    for name in ["shots.sbatch", "assemble.sbatch", "submit.sh"] {
        let path = p.path("jobs").join(name);
        let syntax = Command::new("bash")
            .arg("-n")
            .arg(&path)
            .output()
            .expect("bash");
        assert!(syntax.status.success(), "{name}: {}", stderr(&syntax));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("written")
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "{name} is not executable");
    }
    let shots = std::fs::read_to_string(p.path("jobs/shots.sbatch")).expect("shots.sbatch");
    assert!(shots.contains("#SBATCH --array=0-1"), "{shots}");
    assert!(
        shots.contains("--shard \"${SLURM_ARRAY_TASK_ID}/2\" --shots-only"),
        "{shots}"
    );
    assert!(!shots.contains("--gres"), "previz asks for no GPU: {shots}");
    let submit = std::fs::read_to_string(p.path("jobs/submit.sh")).expect("submit.sh");
    assert!(submit.contains("--dependency=afterok:"), "{submit}");
}

#[test]
fn farm_refuses_what_an_engine_cannot_run() {
    let p = small_project();
    for (args, message) in [
        (
            &[
                "farm",
                "film.scene",
                "--engine",
                "kubernetes",
                "-o",
                "k",
                "--cache",
                "s3://b/p",
            ][..],
            "--image",
        ),
        (
            &[
                "farm",
                "film.scene",
                "--engine",
                "kubernetes",
                "-o",
                "k",
                "--image",
                "i",
            ][..],
            "--cache",
        ),
        (
            &[
                "farm",
                "film.scene",
                "--engine",
                "slurm",
                "-o",
                "k",
                "--workers",
                "0",
            ][..],
            "at least 1",
        ),
        (
            &[
                "farm",
                "film.scene",
                "--engine",
                "slurm",
                "-o",
                "k",
                "--backend",
                "ltx",
            ][..],
            "--model-dir",
        ),
    ] {
        let out = p.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    p.write("broken.scene", "film \"x\" {\n  size 10x\n}\n");
    let out = p.run(&["farm", "broken.scene", "--engine", "slurm", "-o", "k"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a film with errors is not sent to a farm"
    );
}

/// A local S3 server (moto), started for one test and stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    /// scripts/test.sh installs moto into `target/venvs/moto`; `SCENEC_MOTO_SERVER` overrides.
    fn start() -> Moto {
        let server = std::env::var("SCENEC_MOTO_SERVER").unwrap_or_else(|_| {
            common::repo_root()
                .join("target/venvs/moto/bin/moto_server")
                .to_string_lossy()
                .into_owned()
        });
        assert!(
            Path::new(&server).is_file(),
            "{server} is missing: run scripts/test.sh, which installs moto (a local S3 server) for this test"
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("port").port();
        drop(listener);
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let endpoint = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Moto { child, endpoint }
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }

    /// Create a bucket with a plain S3 REST call (moto accepts unsigned requests).
    fn create_bucket(&self, name: &str) {
        use std::io::{Read, Write};
        let host = self.endpoint.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("connect to moto");
        write!(s, "PUT /{name} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .expect("send");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 200"), "create bucket: {reply}");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_shared_cache_in_an_object_store() {
    let moto = Moto::start();
    moto.create_bucket("films");
    let env = moto.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = small_project();
    let single = single_machine(&p);
    let (film, per_worker) = farm_render(&p, "s3://films/small", 2, &env);
    assert!(
        film == single,
        "the film assembled from S3 differs from the single-machine render"
    );
    assert_eq!(per_worker, [vec!["first", "second"], vec!["third"]]);
    // A second round finds every shot in the store.
    let out = p.run_env(
        &[
            "render",
            "film.scene",
            "--cache",
            "s3://films/small",
            "--shots-only",
            "--json",
        ],
        &env,
    );
    let v = json(&out);
    assert!(names(&v, "rendered").is_empty(), "{v}");
    assert_eq!(names(&v, "reused"), ["first", "second", "third"]);
    // A bucket that does not exist is a clear error before any work.
    let out = p.run_env(
        &[
            "render",
            "film.scene",
            "--cache",
            "s3://nope/x",
            "--shots-only",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot read s3://nope/x"),
        "{}",
        stderr(&out)
    );
}
