//! End-to-end tests of rendering on a farm: workers (`--shard K/N --shots-only`) fill a shared
//! cache, an assembler (`--assemble-only`) builds a film byte-identical to a single-machine
//! render, leases keep two workers off one shot, `scenec farm` writes what the engines run,
//! and the cache works the same in an S3-compatible object store (a local moto server).

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use common::{names, small_project, stderr, stdout, summary, Project};

/// The film rendered on one machine, with the project's own cache.
fn single_machine(p: &Project) -> Vec<u8> {
    summary(&p.run(&["render", "film.scene", "-o", "single.mp4", "--json"]));
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
        let v = summary(&out);
        assert_eq!(
            v["output"],
            serde_json::Value::Null,
            "a worker writes no film"
        );
        assert_eq!(v["shard"], shard.as_str());
        per_worker.push(names(&v, "rendered"));
    }
    let v = assemble(p, cache, env);
    assert!(
        names(&v, "rendered").is_empty(),
        "the assembler rendered: {v}"
    );
    (
        std::fs::read(p.path("farm.mp4")).expect("farm.mp4"),
        per_worker,
    )
}

/// The assembler on `cache`: `farm.mp4` from the shots the workers stored; its summary.
fn assemble(p: &Project, cache: &str, env: &[(&str, &str)]) -> serde_json::Value {
    summary(&p.run_env(
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
    ))
}

/// One worker rendering every shot of the film into `cache` (no assembly); its summary.
fn every_shot(p: &Project, cache: &str, env: &[(&str, &str)]) -> serde_json::Value {
    summary(&p.run_env(
        &[
            "render",
            "film.scene",
            "--cache",
            cache,
            "--shots-only",
            "--json",
        ],
        env,
    ))
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

/// One worker's part: shard 1 of 2, shots only (no assembly), into the shared cache.
fn first_half_of_the_shots(p: &Project, cache: &str) {
    summary(&p.run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--shard",
        "1/2",
        "--shots-only",
        "--json",
    ]));
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
    first_half_of_the_shots(&p, cache);
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
    every_shot(&p, &cache, &[]);
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
    let a = summary(&a.wait_with_output().expect("worker a"));
    let b = summary(&b.wait_with_output().expect("worker b"));
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
        (
            &["render", "film.scene", "--lease-ttl", "0"][..],
            "at least 1s",
        ),
        (
            &["render", "film.scene", "--lease-ttl", "soon"][..],
            "--lease-ttl",
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
        self.create_bucket_with(name, "");
    }

    /// A bucket whose objects the test itself may replace with unsigned requests.
    #[cfg(feature = "ltx")]
    fn create_public_bucket(&self, name: &str) {
        self.create_bucket_with(name, "x-amz-acl: public-read-write\r\n");
    }

    fn create_bucket_with(&self, name: &str, headers: &str) {
        use std::io::{Read, Write};
        let host = self.endpoint.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("connect to moto");
        write!(s, "PUT /{name} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n")
            .expect("send");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 200"), "create bucket: {reply}");
    }

    /// Replace one object with `body` (a plain PUT, as any S3 client can make).
    #[cfg(feature = "ltx")]
    fn put(&self, bucket: &str, key: &str, body: &str) {
        use std::io::{Read, Write};
        let host = self.endpoint.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("connect to moto");
        write!(
            s,
            "PUT /{bucket}/{key} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 200"), "put: {reply}");
    }

    /// The bucket's listing of keys under `prefix` (ListObjectsV2's XML), straight from the
    /// server: what any reader of the store can see.
    fn list(&self, bucket: &str, prefix: &str) -> String {
        use std::io::{Read, Write};
        let host = self.endpoint.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(host).expect("connect to moto");
        write!(
            s,
            "GET /{bucket}?list-type=2&prefix={prefix} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 200"), "list: {reply}");
        reply
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
    let (code, v) = status(&p, "s3://films/small", &env);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        states(&v),
        pairs(&[("first", "done"), ("second", "done"), ("third", "done")])
    );
    let (code, v) = status(&p, "s3://films/other", &env);
    assert_eq!((code, v["missing"].clone()), (3, 3.into()), "{v}");
    let out = p.run_env(
        &[
            "storyboard",
            "film.scene",
            "-o",
            "sheet.png",
            "--cache",
            "s3://films/small",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A second round finds every shot in the store.
    let v = every_shot(&p, "s3://films/small", &env);
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

/// `scenec farm status … --json` on `cache`: the exit code and the parsed object.
fn status(p: &Project, cache: &str, env: &[(&str, &str)]) -> (i32, serde_json::Value) {
    let out = p.run_env(
        &["farm", "status", "film.scene", "--cache", cache, "--json"],
        env,
    );
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 3,
        "farm status failed:\n{}",
        stderr(&out)
    );
    let v = serde_json::from_str(stdout(&out).trim())
        .unwrap_or_else(|e| panic!("farm status printed no JSON ({e}): {}", stdout(&out)));
    (code, v)
}

/// `(name, state)` of every shot in a status object.
fn states(v: &serde_json::Value) -> Vec<(String, String)> {
    v["shots"]
        .as_array()
        .unwrap_or_else(|| panic!("no shots in {v}"))
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn farm_status_shows_done_and_missing_shots_and_exits_3_until_all_are_done() {
    let p = small_project();
    let cache = p.path("shared-cache");
    let cache = cache.to_str().unwrap_or_default();
    let (code, v) = status(&p, cache, &[]);
    assert_eq!(code, 3, "nothing is rendered yet: {v}");
    assert_eq!(
        states(&v),
        pairs(&[
            ("first", "missing"),
            ("second", "missing"),
            ("third", "missing")
        ])
    );
    // `second` continues `first`: its key needs first's last frame, so it waits for it.
    assert_eq!(v["shots"][1]["waits_for"], "first", "{v}");
    assert_eq!(v["shots"][1]["key"], serde_json::Value::Null, "{v}");
    assert!(v["shots"][0]["key"].is_string(), "{v}");
    assert_eq!(
        (v["done"].clone(), v["missing"].clone()),
        (0.into(), 3.into())
    );
    assert!(
        !Path::new(cache).exists(),
        "farm status created the cache it only reads"
    );

    first_half_of_the_shots(&p, cache);
    let (code, v) = status(&p, cache, &[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        states(&v),
        pairs(&[
            ("first", "missing"),
            ("second", "missing"),
            ("third", "done")
        ])
    );

    summary(&p.run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--shard",
        "0/2",
        "--shots-only",
        "--json",
    ]));
    let (code, v) = status(&p, cache, &[]);
    assert_eq!(code, 0, "every shot is done: {v}");
    assert_eq!(
        states(&v),
        pairs(&[("first", "done"), ("second", "done"), ("third", "done")])
    );
    // The keys are the ones the workers stored.
    for shot in v["shots"].as_array().into_iter().flatten() {
        let key = shot["key"].as_str().unwrap_or_default();
        assert!(
            Path::new(cache)
                .join("shots")
                .join(format!("{key}.shot"))
                .is_file(),
            "{shot}"
        );
    }
    // The human table.
    let out = p.run(&["farm", "status", "film.scene", "--cache", cache]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.starts_with("SHOT"), "{table}");
    assert!(
        table.contains("3 shots: 3 done, 0 leased, 0 missing"),
        "{table}"
    );
    // Another backend's keys are other keys: nothing of a previz farm counts for it.
    let out = p.run(&[
        "farm",
        "status",
        "film.scene",
        "--cache",
        cache,
        "--backend",
        "ltx",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--model-dir"), "{}", stderr(&out));
}

/// A film with one long shot, so that a previz worker is surely in the middle of it for a
/// while, and a short one after it.
const LONG_FILM: &str = r#"
film "Long" {
    size 256x160
    fps 12
    seed 5
}

location street {
    description "a street"
    time night
    weather rain
}

scene walk at street {
    shot long 60s {
        camera wide, dolly in 30%
        prompt "rain on the street"
    }
    cut
    shot after 1s {
        camera closeup
        prompt "a puddle"
    }
}
"#;

/// The lease time to live the kill tests give their workers (`--lease-ttl`).
const SHORT_TTL: &str = "4s";

/// Start a worker that renders every shot of the film into `cache`, one at a time.
fn start_worker(p: &Project, cache: &str, env: &[(&str, &str)]) -> Child {
    let mut c = common::scenec();
    c.current_dir(p.dir.path())
        .args([
            "render",
            "film.scene",
            "--cache",
            cache,
            "--shots-only",
            "--json",
            "--jobs",
            "1",
            "--lease-ttl",
            SHORT_TTL,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("start a worker")
}

/// Poll `farm status` until `done` says so (or fail after `seconds`).
fn status_until(
    p: &Project,
    cache: &str,
    env: &[(&str, &str)],
    seconds: u64,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        let (_, v) = status(p, cache, env);
        if done(&v) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen within {seconds}s: {v}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// SIGKILL a worker in the middle of the long shot; check that the store shows no entry of it
/// (`no_partial_entry` looks at the store's own listing), that its lease names the dead worker
/// and expires, that a second worker takes the shot over, and that the film assembled from the
/// cache is the single-machine render.
fn killed_worker_round(
    p: &Project,
    cache: &str,
    env: &[(&str, &str)],
    no_partial_entry: &dyn Fn(),
) {
    let single = single_machine(p);

    let mut worker = start_worker(p, cache, env);
    let pid = worker.id();
    let v = status_until(p, cache, env, 120, "the worker's lease", |v| {
        v["leased"] == 1
    });
    worker.kill().expect("SIGKILL the worker");
    let _ = worker.wait();
    let long = &v["shots"][0];
    assert_eq!(long["name"], "long", "{v}");
    assert!(
        long["holder"]
            .as_str()
            .is_some_and(|h| h.contains(&format!(":{pid}:"))),
        "the lease names the worker (pid {pid}): {v}"
    );
    assert!(long["since_ms"].as_u64().is_some(), "{v}");

    // Killed mid-shot: nothing of the shot is in the cache, and its lease is still there.
    let (code, v) = status(p, cache, env);
    assert_eq!(code, 3, "{v}");
    assert_eq!(
        states(&v),
        pairs(&[("long", "leased"), ("after", "missing")]),
        "the worker was killed before it finished the long shot"
    );
    no_partial_entry();

    // The dead worker stops renewing: its lease expires after the time to live.
    let v = status_until(p, cache, env, 60, "the lease's expiry", |v| {
        v["shots"][0]["expired"] == true
    });
    assert_eq!(v["shots"][0]["holder"], long["holder"], "{v}");
    let out = p.run_env(&["farm", "status", "film.scene", "--cache", cache], env);
    assert!(stdout(&out).contains("lease expired"), "{}", stdout(&out));

    // A second worker takes the shot over and completes the film.
    let rerun = summary(
        &start_worker(p, cache, env)
            .wait_with_output()
            .expect("rerun"),
    );
    assert_eq!(names(&rerun, "rendered"), ["long", "after"], "{rerun}");
    let (code, v) = status(p, cache, env);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["leased"], 0, "leases are released: {v}");
    assemble(p, cache, env);
    assert!(
        std::fs::read(p.path("farm.mp4")).expect("farm.mp4") == single,
        "the film completed after a killed worker differs from the single-machine render"
    );
}

#[test]
fn a_worker_killed_mid_shot_leaves_no_entry_and_a_rerun_completes_the_film() {
    let p = Project::new();
    p.write("film.scene", LONG_FILM);
    let cache = p.path("shared-cache");
    let shots = cache.join("shots");
    killed_worker_round(&p, cache.to_str().unwrap_or_default(), &[], &|| {
        // Only whole entries are ever renamed into place; a killed writer leaves at most a
        // temporary file, which no reader looks at.
        let visible: Vec<String> = std::fs::read_dir(&shots)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        assert!(visible.is_empty(), "entries after the kill: {visible:?}");
    });
}

#[test]
fn a_worker_killed_mid_shot_on_an_object_store() {
    let moto = Moto::start();
    moto.create_bucket("films");
    let env = moto.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = Project::new();
    p.write("film.scene", LONG_FILM);
    killed_worker_round(&p, "s3://films/kill", &env, &|| {
        let listing = moto.list("films", "kill/shots/");
        assert!(
            !listing.contains("<Key>"),
            "objects under shots/ after the kill: {listing}"
        );
        assert!(
            moto.list("films", "kill/leases/").contains(".lease</Key>"),
            "the dead worker's lease is still there"
        );
    });
}

#[test]
fn storyboard_from_the_shared_cache() {
    let p = small_project();
    let cache = p.path("shared-cache");
    let cache = cache.to_str().unwrap_or_default();
    first_half_of_the_shots(&p, cache);
    let out = p.run(&[
        "storyboard",
        "film.scene",
        "-o",
        "sheet.png",
        "--cache",
        cache,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 of 3 shots are not in the cache"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("first, second"), "{}", stderr(&out));
    assert!(
        !p.path("sheet.png").exists(),
        "a sheet with holes was written"
    );

    summary(&p.run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--shard",
        "0/2",
        "--shots-only",
        "--json",
    ]));
    let out = p.run(&[
        "storyboard",
        "film.scene",
        "-o",
        "sheet.png",
        "--cache",
        cache,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = p.run(&["storyboard", "film.scene", "-o", "drawn.png"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let from_cache = image::open(p.path("sheet.png")).expect("sheet").to_rgb8();
    let drawn = image::open(p.path("drawn.png")).expect("drawn").to_rgb8();
    assert_eq!(from_cache.dimensions(), drawn.dimensions());
    // The same pictures, but decoded from the stored H.264: close to the previz drawing and
    // not equal to it.
    let diff: u64 = from_cache
        .as_raw()
        .iter()
        .zip(drawn.as_raw())
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    let mean = diff as f64 / drawn.as_raw().len() as f64;
    assert!(
        mean > 0.0 && mean < 4.0,
        "mean difference {mean} between the cached and the drawn sheet"
    );
    // --backend without --cache is refused: only a cache holds another backend's frames.
    let out = p.run(&[
        "storyboard",
        "film.scene",
        "-o",
        "x.png",
        "--backend",
        "ltx",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--cache"), "{}", stderr(&out));
}

/// A one-shot film for the tiny LTX-2 model (`tests/fixtures/ltx2-tiny`), whose shots come with
/// the sound the model generates.
#[cfg(feature = "ltx")]
const SOUND_FILM: &str = r#"
film "Tiny sound" {
    size 64x32
    fps 8
    seed 9
    steps 2
}

location yard {
    description "a school yard"
    time day
}

scene morning at yard {
    shot only 1s {
        camera wide
        at 0s "children play"
    }
}
"#;

#[cfg(feature = "ltx")]
#[test]
fn farm_status_on_an_object_store_needs_each_shots_generated_sound() {
    let moto = Moto::start();
    moto.create_public_bucket("films");
    let env = moto.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = Project::new();
    p.write("film.scene", SOUND_FILM);
    let model = common::repo_root().join("tests/fixtures/ltx2-tiny");
    let model = model.to_str().unwrap_or_default();
    let ltx2 = ["--backend", "ltx2", "--model-dir", model];
    let run = |args: &[&str]| {
        let all: Vec<&str> = args.iter().chain(&ltx2).copied().collect();
        p.run_env(&all, &env)
    };
    summary(&run(&[
        "render",
        "film.scene",
        "-o",
        "single.mp4",
        "--json",
    ]));
    let single = std::fs::read(p.path("single.mp4")).expect("single.mp4");
    let cache = "s3://films/sound";
    summary(&run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--shots-only",
        "--json",
    ]));
    let status = || {
        let out = run(&["farm", "status", "film.scene", "--cache", cache, "--json"]);
        let v: serde_json::Value = serde_json::from_str(stdout(&out).trim())
            .unwrap_or_else(|e| panic!("farm status printed no JSON ({e}): {}", stderr(&out)));
        (out.status.code(), v)
    };
    let (code, v) = status();
    assert_eq!(code, Some(0), "the shot and its sound are stored: {v}");
    summary(&run(&[
        "render",
        "film.scene",
        "--cache",
        cache,
        "--assemble-only",
        "-o",
        "farm.mp4",
        "--json",
    ]));
    assert!(
        std::fs::read(p.path("farm.mp4")).expect("farm.mp4") == single,
        "the film assembled from S3, with its generated sound, differs from the single render"
    );
    // With its sound damaged (here: replaced by a few bytes), the shot is not done.
    let key = v["shots"][0]["key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    moto.put("films", &format!("sound/shots/{key}.sound"), "not a sound");
    let (code, v) = status();
    assert_eq!(code, Some(3), "{v}");
    assert_eq!(v["shots"][0]["state"], "missing", "{v}");
}
