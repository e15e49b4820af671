//! End-to-end tests of `scenec render --backend ltx` through the real binary, with the tiny
//! random-weight LTX-Video folder `tests/fixtures/ltx-tiny` (complete, diffusers layout).
//!
//! The film exercises every part of the schedule → model mapping: prompt travel (two prompt
//! keyframes), an image `keyframe`, a `continues` shot and `strength` below 100% (a previz guide
//! video). Shots are 8 frames, which the model must generate as 9 (8k+1) and trim.

#![cfg(feature = "ltx")]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::{
    copy_dir, count_files, model_render, names, read_json, repo_root, scenec, stderr, stdout,
    stream, summary, Project,
};

const FILM: &str = r#"
film "Tiny LTX" {
    size 64x32
    fps 8
    seed 5
    steps 2
    negative "blurry"
}

character mia {
    description "a girl in a yellow coat"
}

location yard {
    description "a school yard"
    time day
}

scene morning at yard {
    shot first 1s {
        camera wide
        at 0s "children play"
        at 500ms "a bell rings"
        keyframe at 500ms "key.png"
    }
    dissolve 250ms
    shot second 1s {
        continues first
        camera closeup on mia
        mia at center
        strength 60%
    }
}
"#;

fn tiny_model() -> PathBuf {
    repo_root().join("tests/fixtures/ltx-tiny")
}

/// A project with the film and its keyframe image.
fn project() -> Project {
    let p = Project::new();
    p.write("film.scene", FILM);
    p.write_bytes("key.png", &png_gradient(48, 40));
    p
}

fn render(p: &Project, extra: &[&str]) -> Output {
    model_render(p, "ltx", &tiny_model(), extra)
}

fn schedule(p: &Project) -> serde_json::Value {
    let out = p.run(&["schedule", "film.scene"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn the_film_exercises_travel_keyframes_continues_and_strength() {
    // Guards the other tests: if the language or planner changed what this film means, they
    // would silently stop covering these paths.
    let s = schedule(&project());
    let first = &s["shots"][0];
    let second = &s["shots"][1];
    assert_eq!(first["prompt_keyframes"].as_array().unwrap().len(), 2);
    assert_eq!(first["conditioning"][0]["source"]["kind"], "image");
    assert_eq!(second["conditioning"][0]["source"]["kind"], "last_frame_of");
    assert!(second["strength"].as_f64().unwrap() < 1.0);
    // 8-frame shots: not of the model's 8k+1 form, so generation must trim.
    assert_eq!(first["frames"], 8);
    assert_eq!(second["frames"], 8);
}

#[test]
fn renders_a_valid_mp4_with_the_schedules_frame_count() {
    let p = project();
    let s = summary(&render(&p, &[]));
    assert_eq!(names(&s, "rendered"), ["first", "second"]);
    let mp4 = p.path("out/film.mp4");
    let video = stream(&mp4, "video");
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(video["width"], 64);
    assert_eq!(video["height"], 32);
    let counted: u64 = video["nb_read_frames"].as_str().unwrap().parse().unwrap();
    let expected = schedule(&p)["frames"].as_u64().unwrap();
    assert_eq!(
        expected, 14,
        "two 8-frame shots joined by a 2-frame dissolve"
    );
    assert_eq!(
        counted, expected,
        "every frame of the schedule is in the file"
    );

    let provenance = read_json(&p.path("out/film.provenance.json"));
    assert_eq!(provenance["backend"]["name"], "ltx");
    assert!(!provenance["backend"]["weights_fingerprint"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(provenance["shots"][1]["continues"]["shot"], "first");

    // Prompt embeddings are cached by content hash beside the shots.
    let embeddings = count_files(&p.path(".scene-cache/embeddings"), "safetensors");
    assert!(
        embeddings >= 3,
        "two keyframes, the second shot's prompt, the negative"
    );
}

#[test]
fn cold_renders_are_byte_identical_and_a_second_render_reuses_the_cache() {
    let a = project();
    let b = project();
    summary(&render(&a, &["--jobs", "1"]));
    // Another job count and another number of compute threads: the same bytes.
    let model = tiny_model();
    let out_b = scenec()
        .current_dir(b.dir.path())
        .env("RAYON_NUM_THREADS", "1")
        .args(["render", "film.scene", "-o", "out/film.mp4", "--json"])
        .args(["--backend", "ltx", "--jobs", "2", "--model-dir"])
        .arg(&model)
        .output()
        .unwrap();
    summary(&out_b);
    let bytes_a = std::fs::read(a.path("out/film.mp4")).unwrap();
    let bytes_b = std::fs::read(b.path("out/film.mp4")).unwrap();
    assert!(
        bytes_a == bytes_b,
        "two cold renders differ ({} and {} bytes)",
        bytes_a.len(),
        bytes_b.len()
    );

    let again = summary(&render(&a, &[]));
    assert!(names(&again, "rendered").is_empty(), "{again}");
    assert_eq!(names(&again, "reused"), ["first", "second"]);
    assert_eq!(std::fs::read(a.path("out/film.mp4")).unwrap(), bytes_a);
}

#[test]
fn changing_the_step_count_renders_again() {
    let p = project();
    let two = summary(&render(&p, &["--steps", "2"]));
    assert_eq!(names(&two, "rendered"), ["first", "second"]);
    let mp4_two = std::fs::read(p.path("out/film.mp4")).unwrap();

    let three = summary(&render(&p, &["--steps", "3"]));
    assert_eq!(
        names(&three, "rendered"),
        ["first", "second"],
        "the sampler setting is in the cache key"
    );
    assert_ne!(std::fs::read(p.path("out/film.mp4")).unwrap(), mp4_two);

    let three_again = summary(&render(&p, &["--steps", "3"]));
    assert_eq!(names(&three_again, "reused"), ["first", "second"]);
}

#[test]
fn a_new_keyframe_image_renders_its_shot_and_the_shot_continuing_it_again() {
    let p = project();
    summary(&render(&p, &[]));
    let before = std::fs::read(p.path("out/film.mp4")).unwrap();
    p.write_bytes("key.png", &png_gradient(30, 60));
    let after = summary(&render(&p, &[]));
    // `second` continues `first`: its conditioning frame changed with `first`'s pixels.
    assert_eq!(names(&after, "rendered"), ["first", "second"]);
    assert_ne!(std::fs::read(p.path("out/film.mp4")).unwrap(), before);
}

#[test]
fn progress_is_quiet_when_stderr_is_not_a_terminal() {
    let p = project();
    let out = render(&p, &[]);
    summary(&out);
    let err = stderr(&out);
    assert!(!err.contains("denoising"), "{err}");
}

#[test]
fn progress_shows_denoising_steps_on_a_terminal() {
    // `script` (util-linux, essential on Debian) gives the command a pseudo-terminal. Enough
    // steps that the bar (redrawn at most 20 times a second) is drawn mid-shot.
    let p = project();
    let model = tiny_model();
    let command = format!(
        "{} render film.scene -o out/film.mp4 --backend ltx --model-dir {} --steps 40",
        env!("CARGO_BIN_EXE_scenec"),
        model.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(p.dir.path())
        .output()
        .expect("run script(1)");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let screen = stdout(&out);
    assert!(screen.contains("denoising steps"), "{screen}");
    assert!(screen.contains("40/40"), "{screen}");
    assert!(p.path("out/film.mp4").is_file());
}

#[test]
fn one_ctrl_c_stops_a_long_generation_between_denoising_steps() {
    // 50,000 steps make the shot take far longer than the test allows: only a stop between
    // steps ends it in time.
    let p = project();
    let model = tiny_model();
    let mut child = scenec()
        .current_dir(p.dir.path())
        .args([
            "render",
            "film.scene",
            "-o",
            "out/film.mp4",
            "--steps",
            "50000",
        ])
        .args(["--backend", "ltx", "--model-dir"])
        .arg(&model)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Prompt embeddings are written just before denoising starts.
    let embeddings = p.path(".scene-cache/embeddings");
    let started = std::time::Instant::now();
    while std::fs::read_dir(&embeddings).map_or(true, |mut d| d.next().is_none()) {
        assert!(started.elapsed().as_secs() < 60, "denoising never started");
        assert!(child.try_wait().unwrap().is_none(), "scenec ended early");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let stopped = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed().as_secs() < 20,
            "one Ctrl-C did not stop the generation"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let err = String::from_utf8_lossy(&child.wait_with_output().unwrap().stderr).into_owned();
    assert!(!status.success(), "an interrupted render reported success");
    // Stopped by the render itself, not by the second-Ctrl-C exit.
    assert_ne!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(!p.path("out/film.mp4").exists());
    let shots = std::fs::read_dir(p.path(".scene-cache/shots"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(shots, 0, "the stopped shot was cached");
}

#[test]
fn ltx_without_a_model_dir_is_a_usage_error() {
    let p = project();
    let out = p.run(&[
        "render",
        "film.scene",
        "-o",
        "out/film.mp4",
        "--backend",
        "ltx",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--model-dir"), "{err}");
    assert!(!p.path("out/film.mp4").exists());
    assert!(
        !p.path("out").exists(),
        "nothing is created before the model opens"
    );
}

/// `render` with the ltx backend and the model folder `model` (relative to the project).
fn render_with_model(p: &Project, model: &str) -> Output {
    p.run(&[
        "render",
        "film.scene",
        "-o",
        "out/film.mp4",
        "--backend",
        "ltx",
        "--model-dir",
        model,
    ])
}

#[test]
fn a_folder_missing_a_component_file_is_named() {
    let p = project();
    let broken = p.path("broken-model");
    copy_dir(&tiny_model(), &broken);
    std::fs::remove_file(broken.join("vae/config.json")).unwrap();
    let out = render_with_model(&p, "broken-model");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("vae/config.json"), "{err}");
    assert!(err.contains("LTX-Video model folder"), "{err}");
    assert!(!p.path("out/film.mp4").exists());
}

#[test]
fn a_truncated_weight_file_is_named_before_any_shot_renders() {
    let p = project();
    let broken = p.path("broken-model");
    copy_dir(&tiny_model(), &broken);
    let weights = broken.join("transformer/diffusion_pytorch_model.safetensors");
    let bytes = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &bytes[..bytes.len() / 2]).unwrap();
    let out = render_with_model(&p, "broken-model");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("diffusion_pytorch_model.safetensors") && err.contains("truncated"),
        "{err}"
    );
    assert!(!p.path("out/film.mp4").exists());
    assert!(
        !p.path(".scene-cache/shots").exists()
            || std::fs::read_dir(p.path(".scene-cache/shots"))
                .unwrap()
                .next()
                .is_none(),
        "no shot was rendered"
    );
}

#[test]
fn a_missing_model_dir_is_named() {
    let p = project();
    let out = p.run(&[
        "render",
        "film.scene",
        "--backend",
        "ltx",
        "--model-dir",
        "no-such-folder",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no-such-folder") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!p.path("film.mp4").exists());
}

/// An RGB PNG of a colour gradient, deflate "stored" blocks (no compression needed for tests).
fn png_gradient(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            raw.extend_from_slice(&[(x * 5) as u8, (y * 6) as u8, 128]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", z), (b"IEND", Vec::new())] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(&data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_bf16_text_encoder_re_renders_and_previz_refuses_the_option() {
    let p = project();
    let s = summary(&render(&p, &[]));
    assert_eq!(names(&s, "rendered"), ["first", "second"]);
    // The text encoder's precision changes the embeddings, so it is part of every shot's key.
    let s = summary(&render(&p, &["--text-encoder-dtype", "bf16"]));
    assert_eq!(names(&s, "rendered"), ["first", "second"]);
    let s = summary(&render(&p, &["--text-encoder-dtype", "bf16"]));
    assert!(names(&s, "rendered").is_empty());

    let out = p.run(&[
        "render",
        "film.scene",
        "-o",
        "out/previz.mp4",
        "--text-encoder-dtype",
        "bf16",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--text-encoder-dtype"),
        "{}",
        stderr(&out)
    );
    assert!(!p.path("out/previz.mp4").exists());
}
