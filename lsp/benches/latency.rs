//! Editor latency on a generated 5,000-line film, measured through the real binary over stdio:
//! - didChange → publishDiagnostics for that version,
//! - a completion request → its response.
//!
//! Run: `cargo bench -p scene-lsp --bench latency` (target: under 20 ms each).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{position, project, uri, Server};
use serde_json::json;

/// A film of about `lines` lines: a cast, locations, and scenes full of shots.
fn film(lines: usize) -> String {
    let mut s = String::from("import std.camera\nimport std.look\n\nfilm \"Bench\" {\n    size 768x512\n    fps 24\n    look cinematic\n}\n\n");
    for c in 0..20 {
        s.push_str(&format!("character c{c} {{\n    description \"character number {c}\"\n    voice \"voice {c}\"\n}}\n\n"));
    }
    for l in 0..5 {
        s.push_str(&format!("location place{l} {{\n    description \"place {l}\"\n    time night\n    weather rain\n}}\n\n"));
    }
    let mut shot = 0;
    let mut scene = 0;
    while s.lines().count() < lines {
        s.push_str(&format!("scene s{scene} at place{} {{\n", scene % 5));
        for _ in 0..10 {
            let c = shot % 20;
            s.push_str(&format!(
                "    shot shot{shot} 4s {{\n        camera wide on c{c}, dolly in 20%\n        c{c} enters left, walks to center over 2s\n        prompt \"shot {shot} begins\"\n        at 2s \"shot {shot} goes on\"\n    }}\n"
            ));
            shot += 1;
        }
        s.push_str("}\n\n");
        scene += 1;
    }
    s
}

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    println!(
        "{name:<40} n={:<4} median {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms",
        samples.len(),
        ms(median),
        ms(p95),
        ms(*samples.last().unwrap())
    );
}

fn main() {
    // `cargo test --benches` passes `--bench`-less args; a quick run keeps CI cheap.
    let quick = std::env::args().any(|a| a == "--test");
    let rounds = if quick { 3 } else { 50 };
    let text = film(5000);
    let (_dir, root) = project(&[("film.scene", &text)]);
    let mut s = Server::initialized(&root);
    let u = uri(&root.join("film.scene"));
    s.open(&u, &text);
    s.diagnostics(&u, Some(1));
    println!("film: {} lines, {} bytes", text.lines().count(), text.len());

    // Edit a prompt in the middle of the file, one character at a time.
    let anchor = text
        .find("prompt \"shot 300 begins\"")
        .unwrap_or(text.len() / 2)
        + "prompt \"shot".len();
    let pos = position(&text, anchor);
    let mut change = Vec::new();
    let cpu_before = s.cpu_time();
    for i in 0..rounds {
        let version = 2 + i as i64;
        let t0 = Instant::now();
        s.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": u, "version": version },
                "contentChanges": [{ "range": { "start": pos, "end": pos }, "text": "x" }]
            }),
        );
        s.diagnostics(&u, Some(version));
        change.push(t0.elapsed());
    }
    let cpu_after = s.cpu_time();
    stats("didChange -> publishDiagnostics", change);
    // Wall-clock latency suffers from whatever else runs on the machine; the server's own CPU
    // time per edit does not (much).
    if let (Some(a), Some(b)) = (cpu_before, cpu_after) {
        println!(
            "{:<40} {:.1} ms per edit (server CPU, user + system)",
            "didChange -> publishDiagnostics",
            (b - a).as_secs_f64() * 1000.0 / rounds as f64
        );
    }

    // Completion at the start of a new statement inside a shot deep in the file.
    let line = text[..anchor].matches('\n').count() as u32;
    let mut completion = Vec::new();
    for _ in 0..rounds {
        let t0 = Instant::now();
        let r = s.at(
            "textDocument/completion",
            &u,
            json!({ "line": line + 1, "character": 8 }),
            json!({}),
        );
        completion.push(t0.elapsed());
        assert!(r["result"].is_array(), "{r}");
    }
    stats("completion (statement start in a shot)", completion);

    let mut camera = Vec::new();
    let cam_line = text[..anchor].matches('\n').count() as u32 - 1;
    for _ in 0..rounds {
        let t0 = Instant::now();
        let r = s.at(
            "textDocument/completion",
            &u,
            json!({ "line": cam_line, "character": 15 }),
            json!({}),
        );
        camera.push(t0.elapsed());
        assert!(r["result"].is_array(), "{r}");
    }
    stats("completion (after `camera`)", camera);
    s.shutdown();
}
