//! C2PA Content Credentials end to end: `scenec render --sign-cert/--sign-key` (and the
//! environment and `scene.toml`), `scenec provenance`, and an independent reading of the signed
//! films by the CAI's own reader, `c2pa-python`, through `tests/c2pa/check.py`.
//!
//! Test credentials are made by openssl (`tests/c2pa/make-certs.sh`): ES256 and Ed25519 chains
//! (root → intermediate → signer), a key of no certificate, and an expired signer.
//! `check.py` builds its pinned venv from PyPI on first use; if it cannot, the tests fail with
//! its reason.

#![cfg(feature = "sign")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_dir, repo_root, scenec, small_project, stderr, stdout, Project};

fn certs(p: &Project) -> PathBuf {
    let dir = p.path("certs");
    if !dir.join("chain-es256.pem").exists() {
        let out = Command::new("bash")
            .arg(repo_root().join("tests/c2pa/make-certs.sh"))
            .arg(&dir)
            .output()
            .expect("run make-certs.sh (needs bash and openssl)");
        assert!(out.status.success(), "make-certs.sh: {}", stderr(&out));
    }
    dir
}

/// `scenec` in the project with no signing configuration from the environment.
fn run(p: &Project, args: &[&str]) -> Output {
    run_env(p, args, &[])
}

fn run_env(p: &Project, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = scenec();
    cmd.current_dir(p.dir.path())
        .env_remove("SCENEC_SIGN_CERT")
        .env_remove("SCENEC_SIGN_KEY")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run scenec")
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json_line(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "failed:\n{}", stderr(out));
    let text = stdout(out);
    serde_json::from_str(text.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs `tests/c2pa/check.py` (the CAI's reader) and returns its output; fails the test unless
/// it exits 0.
fn cai_check(args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg(repo_root().join("tests/c2pa/check.py"))
        .args(args)
        .output()
        .expect("run python3 tests/c2pa/check.py");
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "check.py failed:\n{text}");
    assert!(text.contains("check.py: ok"), "{text}");
    text
}

/// Offset range of the payload of the MP4's top-level `mdat` box.
fn mdat_payload(bytes: &[u8]) -> std::ops::Range<usize> {
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let mut size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as u64;
        let mut header = 8;
        if size == 1 {
            size = u64::from_be_bytes(bytes[at + 8..at + 16].try_into().unwrap());
            header = 16;
        }
        if &bytes[at + 4..at + 8] == b"mdat" {
            return at + header..at + size as usize;
        }
        assert!(size >= 8, "unexpected box size");
        at += size as usize;
    }
    panic!("no mdat box");
}

/// A copy of `examples/product_ad` (pictures and sounds, three shots) in a temporary project.
fn product_ad() -> Project {
    let p = Project::new();
    copy_dir(&repo_root().join("examples/product_ad"), p.dir.path());
    p
}

#[test]
fn a_signed_example_reads_as_valid_with_the_cai_reader() {
    let p = product_ad();
    let certs = certs(&p);
    for alg in ["es256", "ed25519"] {
        let out_file = format!("out/{alg}.mp4");
        let chain = certs.join(format!("chain-{alg}.pem"));
        let key = certs.join(format!("key-{alg}.pem"));
        let summary = json_line(&run(
            &p,
            &[
                "render",
                "film.scene",
                "-o",
                &out_file,
                "--json",
                "--sign-cert",
                arg(&chain),
                "--sign-key",
                arg(&key),
            ],
        ));
        assert_eq!(summary["signed"]["algorithm"], alg);
        let film = p.path(&out_file);
        let sidecar = p.path(&format!("out/{alg}.provenance.json"));
        let root = certs.join(format!("root-{alg}.pem"));

        // Our own reader: valid, trusted by the test root, and declaring what the render did.
        let out = run(
            &p,
            &[
                "provenance",
                arg(&film),
                "--trust",
                arg(&root),
                "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(report["state"], "Trusted");
        assert_eq!(report["binding"], "match");
        assert_eq!(report["trust"], "trusted");
        assert_eq!(report["actions"][0]["action"], "c2pa.created");
        assert_eq!(
            report["actions"][0]["digital_source_type"],
            "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
        );
        let sidecar_json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
        let label = report["label"].as_str().unwrap();
        let ours = report["manifest_store"]["manifests"][label]["assertions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["label"] == "org.scenec.provenance")
            .expect("the scenec assertion");
        assert_eq!(ours["data"], sidecar_json);

        // The CAI's reader agrees.
        let text = cai_check(&[
            arg(&film),
            "--sidecar",
            arg(&sidecar),
            "--source-type",
            "algorithmicMedia",
            "--title",
            sidecar_json["title"].as_str().unwrap(),
            "--generator-version",
            env!("CARGO_PKG_VERSION"),
            "--trust",
            arg(&root),
        ]);
        eprintln!("{alg}: {}", text.lines().last().unwrap_or_default());

        // One flipped byte of the video: both readers report the broken binding.
        let mut bytes = std::fs::read(&film).unwrap();
        let mdat = mdat_payload(&bytes);
        bytes[mdat.start + mdat.len() / 3] ^= 0x20;
        let tampered = p.path(&format!("out/{alg}-tampered.mp4"));
        std::fs::write(&tampered, &bytes).unwrap();
        let out = run(&p, &["provenance", arg(&tampered)]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        assert!(stdout(&out).contains("MISMATCH"), "{}", stdout(&out));
        assert!(
            stdout(&out).contains("assertion.bmffHash.mismatch"),
            "{}",
            stdout(&out)
        );
        cai_check(&[arg(&tampered), "--expect-mismatch"]);
    }
}

#[test]
fn without_credentials_the_film_is_unsigned_and_unchanged() {
    let p = small_project();
    let certs = certs(&p);
    json_line(&run(
        &p,
        &["render", "film.scene", "-o", "plain.mp4", "--json"],
    ));
    let out = run(&p, &["provenance", "plain.mp4"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no Content Credentials"));

    // `--no-sign` wins over the environment, and gives the same bytes as no credentials at all.
    let env = [
        ("SCENEC_SIGN_CERT", certs.join("chain-es256.pem")),
        ("SCENEC_SIGN_KEY", certs.join("key-es256.pem")),
    ];
    let env: Vec<(&str, &Path)> = env.iter().map(|(k, v)| (*k, v.as_path())).collect();
    let summary = json_line(&run_env(
        &p,
        &[
            "render",
            "film.scene",
            "-o",
            "nosign.mp4",
            "--json",
            "--no-sign",
        ],
        &env,
    ));
    assert!(summary.get("signed").is_none());
    assert_eq!(
        std::fs::read(p.path("plain.mp4")).unwrap(),
        std::fs::read(p.path("nosign.mp4")).unwrap()
    );

    // From the environment alone, the same render is signed, and only the manifest is added:
    // the shots come from the cache as before.
    let summary = json_line(&run_env(
        &p,
        &["render", "film.scene", "-o", "signed.mp4", "--json"],
        &env,
    ));
    assert_eq!(summary["signed"]["algorithm"], "es256");
    assert!(summary["rendered"].as_array().unwrap().is_empty());
    let out = run(&p, &["provenance", "signed.mp4"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Content Credentials valid"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("not checked"), "{}", stdout(&out));

    // `scenec verify` keeps working beside signed renders.
    let out = run(
        &p,
        &["verify", "film.scene", "--golden", "golden", "--bless"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&p, &["verify", "film.scene", "--golden", "golden"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A render refused for its credentials does no work: no cache, no output.
fn assert_refused_before_rendering(p: &Project, out: &Output, code: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(
        stderr(out).contains(&format!("error[{code}]")),
        "{}",
        stderr(out)
    );
    assert!(!p.path(".scene-cache").exists(), "rendering started");
    assert!(!p.path("out.mp4").exists());
}

#[test]
fn bad_credentials_are_refused_before_any_rendering() {
    let p = small_project();
    let certs = certs(&p);
    let render = |cert: &str, key: &str| {
        run(
            &p,
            &[
                "render",
                "film.scene",
                "-o",
                "out.mp4",
                "--sign-cert",
                arg(&certs.join(cert)),
                "--sign-key",
                arg(&certs.join(key)),
            ],
        )
    };
    let out = render("chain-es256.pem", "other-key-es256.pem");
    assert_refused_before_rendering(&p, &out, "E1004");
    assert!(stderr(&out).contains("does not belong to the certificate"));

    let out = render("expired-chain-es256.pem", "expired-key-es256.pem");
    assert_refused_before_rendering(&p, &out, "E1005");
    assert!(stderr(&out).contains("expired on"));

    let out = render("root-es256.pem", "root-key-es256.pem");
    assert_refused_before_rendering(&p, &out, "E1006");

    let out = render("missing.pem", "key-es256.pem");
    assert_refused_before_rendering(&p, &out, "E1001");

    // A certificate with no key: from the environment, the message says where it came from.
    let out = run_env(
        &p,
        &["render", "film.scene", "-o", "out.mp4"],
        &[("SCENEC_SIGN_CERT", &certs.join("chain-es256.pem"))],
    );
    assert_refused_before_rendering(&p, &out, "E1007");
    assert!(
        stderr(&out).contains("$SCENEC_SIGN_CERT"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn scene_toml_names_credentials_inside_the_project() {
    let p = small_project();
    let certs = certs(&p);
    p.write(
        "scene.toml",
        "[sign]\ncert = \"certs/chain-ed25519.pem\"\nkey = \"certs/key-ed25519.pem\"\n",
    );
    let summary = json_line(&run(
        &p,
        &["render", "film.scene", "-o", "film.mp4", "--json"],
    ));
    assert_eq!(summary["signed"]["algorithm"], "ed25519");
    let out = run(
        &p,
        &[
            "provenance",
            "film.mp4",
            "--trust",
            arg(&certs.join("root-ed25519.pem")),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("trusted ("), "{text}");
    assert!(
        text.contains("c2pa.created — algorithmicMedia by scenec/"),
        "{text}"
    );
    assert!(
        text.contains("bell.wav (audio/wav, componentOf) sha256 "),
        "{text}"
    );
    assert!(text.contains("c2pa.placed bell.wav"), "{text}");
    assert!(text.contains("ED25519"), "{text}");

    // Another trust list: valid, but the chain is not trusted.
    let out = run(
        &p,
        &[
            "provenance",
            "film.mp4",
            "--trust",
            arg(&certs.join("root-es256.pem")),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("NOT trusted"), "{}", stdout(&out));

    // A path outside the project is refused.
    p.write(
        "scene.toml",
        "[sign]\ncert = \"../chain.pem\"\nkey = \"certs/key-es256.pem\"\n",
    );
    let out = run(&p, &["render", "film.scene", "-o", "other.mp4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("error[E1007]"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("outside the project"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn provenance_reports_unreadable_inputs_with_codes() {
    let p = small_project();
    let certs = certs(&p);
    // A well-formed box with nothing after it: no credentials, which is not an error.
    p.write_bytes("empty.mp4", b"\x00\x00\x00\x10ftypisom\x00\x00\x00\x00");
    let out = run(&p, &["provenance", "empty.mp4", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(report["credentials"].is_null());

    // Not an MP4 at all: the reader cannot read it.
    p.write_bytes(
        "garbage.mp4",
        b"this is not an MP4 file, whatever its name says",
    );
    let out = run(&p, &["provenance", "garbage.mp4"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("error[E1010]"), "{}", stderr(&out));

    let out = run(
        &p,
        &[
            "provenance",
            "garbage.mp4",
            "--trust",
            arg(&certs.join("key-es256.pem")),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("error[E1008]"), "{}", stderr(&out));

    let out = run(&p, &["provenance", "missing.mp4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("error[E1010]"), "{}", stderr(&out));
}

#[cfg(feature = "ltx")]
#[test]
fn a_model_render_declares_trained_algorithmic_media() {
    let p = Project::new();
    let certs = certs(&p);
    std::fs::copy(
        repo_root().join("examples/product_ad/keyframes/hero.png"),
        p.path("hero.png"),
    )
    .unwrap();
    p.write(
        "film.scene",
        r#"
film "Tiny Signed" {
    size 64x32
    fps 8
    seed 3
    steps 2
}

location yard {
    description "a school yard"
    time day
}

scene s at yard {
    shot only 1s {
        camera wide
        at 0s "children play"
        keyframe at 0s "hero.png"
    }
}
"#,
    );
    let model = repo_root().join("tests/fixtures/ltx-tiny");
    let summary = json_line(&run(
        &p,
        &[
            "render",
            "film.scene",
            "-o",
            "film.mp4",
            "--json",
            "--backend",
            "ltx",
            "--model-dir",
            arg(&model),
            "--sign-cert",
            arg(&certs.join("chain-ed25519.pem")),
            "--sign-key",
            arg(&certs.join("key-ed25519.pem")),
        ],
    ));
    assert_eq!(summary["signed"]["algorithm"], "ed25519");
    cai_check(&[
        arg(&p.path("film.mp4")),
        "--sidecar",
        arg(&p.path("film.provenance.json")),
        "--source-type",
        "trainedAlgorithmicMedia",
        "--title",
        "Tiny Signed",
        "--trust",
        arg(&certs.join("root-ed25519.pem")),
    ]);
    let out = run(&p, &["provenance", "film.mp4", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        report["actions"][0]["digital_source_type"],
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    );
    // The keyframe only conditioned the model: an input, not a component.
    let ingredient = &report["ingredients"][0];
    assert_eq!(ingredient["title"], "hero.png");
    assert_eq!(ingredient["relationship"], "inputTo");
}
