//! Item 2: assets and imports used to be read whole, with no limit: a 2 GiB PNG cost 2.1 GB of
//! memory before "not an image". Now a file over its limit is refused unread (E0508, E0605),
//! formats are told from the first 512 bytes (E0603), and assets that pass are streamed. The
//! files here are sparse: gigabytes long, costing no disk.

use crate::common::Project;
use crate::harness::{png_header, scenec, sparse, wav_header, Bounds, Inputs, MB, PRELUDE};

const GIB: u64 = 1 << 30;

/// Generous: the checker itself takes tens of megabytes; reading any of these files whole would
/// take gigabytes.
const MEMORY_BOUND: u64 = 300 * MB;

fn film_with(p: &Project, body: &str) {
    p.write("film.scene", &format!("{PRELUDE}{body}\n"));
}

#[test]
fn a_two_gib_png_is_refused_unread() {
    let p = Project::new();
    sparse(&p.path("refs/huge.png"), &png_header(64, 64), 2 * GIB);
    film_with(
        &p,
        "scene s at street { shot a 2s { keyframe at 0s \"refs/huge.png\" } }",
    );
    let inputs = Inputs::of(p.dir.path());
    scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK)
        .expect(1, "E0605")
        .expect(1, "images are limited to 64 MiB")
        .within_memory(MEMORY_BOUND);
    inputs.unchanged(p.dir.path());
}

#[test]
fn a_two_gib_wav_is_refused_unread() {
    let p = Project::new();
    sparse(
        &p.path("audio/huge.wav"),
        &wav_header(u32::MAX - 64),
        2 * GIB,
    );
    film_with(
        &p,
        "sound x = sfx \"audio/huge.wav\"\nscene s at street { shot a 2s { at 0s play x } }",
    );
    scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK)
        .expect(1, "E0605")
        .expect(1, "audio files are limited to 512 MiB")
        .within_memory(MEMORY_BOUND);
}

#[test]
fn a_two_gib_import_and_entry_are_refused_unread() {
    let p = Project::new();
    sparse(
        &p.path("cast.scene"),
        b"character a { description \"a\" }\n",
        2 * GIB,
    );
    film_with(&p, "import \"cast.scene\"");
    scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK)
        .expect(1, "E0508")
        .expect(1, "cannot read the imported file `cast.scene`")
        .within_memory(MEMORY_BOUND);
    sparse(&p.path("huge.scene"), b"film \"T\" { fps 24 }\n", 2 * GIB);
    for args in [
        &["check", "huge.scene"][..],
        &["schedule", "huge.scene"],
        &["fmt", "huge.scene"],
    ] {
        scenec(p.dir.path(), args, Bounds::QUICK)
            .expect(1, "E0508")
            .within_memory(MEMORY_BOUND);
    }
}

#[test]
fn a_script_one_byte_over_the_limit_is_refused_and_one_at_it_is_read() {
    let p = Project::new();
    let line = "// a comment line that pads the file out to its size limit\n";
    let limit = 4 * MB as usize;
    let mut text = PRELUDE.to_string();
    while text.len() + line.len() <= limit {
        text.push_str(line);
    }
    text.push_str(&" ".repeat(limit - text.len()));
    p.write("at_limit.scene", &text);
    text.push(' ');
    p.write("over_limit.scene", &text);
    scenec(p.dir.path(), &["check", "at_limit.scene"], Bounds::QUICK).expect(0, "");
    scenec(p.dir.path(), &["check", "over_limit.scene"], Bounds::QUICK)
        .expect(1, "E0508")
        .expect(1, "it is 4,194,305 bytes");
}

#[test]
fn a_large_file_that_is_not_an_image_costs_one_small_read() {
    // Under the image limit, so only its first bytes can tell: text, not a PNG.
    let p = Project::new();
    sparse(
        &p.path("refs/notes.png"),
        b"these are notes, not an image",
        60 * MB,
    );
    sparse(
        &p.path("audio/notes.wav"),
        b"these are notes, not audio",
        500 * MB,
    );
    film_with(
        &p,
        "sound x = sfx \"audio/notes.wav\"\n\
         scene s at street { shot a 2s { keyframe at 0s \"refs/notes.png\"\n at 0s play x } }",
    );
    let run = scenec(
        p.dir.path(),
        &["check", "--format", "json", "film.scene"],
        Bounds::QUICK,
    );
    run.expect(1, "E0603").within_memory(MEMORY_BOUND);
    let diagnostics: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let labels: Vec<&str> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "E0603")
        .map(|d| d["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["its content is text", "its content is text"]);
}

#[test]
fn a_large_asset_that_passes_is_streamed() {
    // A 256 MiB WAV under the audio limit: hashed in blocks, never held whole.
    let p = Project::new();
    let data = 256 * MB as u32;
    sparse(
        &p.path("audio/long.wav"),
        &wav_header(data),
        u64::from(data) + 44,
    );
    film_with(
        &p,
        "sound x = music \"audio/long.wav\"\nscene s at street { shot a 2s { at 0s play x } }",
    );
    scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK)
        .expect(0, "")
        .within_memory(MEMORY_BOUND);
}

#[test]
fn an_image_wider_than_the_renderer_decodes_is_refused_at_check() {
    let p = Project::new();
    p.write_bytes("refs/wide.png", &png_header(20_000, 100));
    film_with(
        &p,
        "scene s at street { shot a 2s { keyframe at 0s \"refs/wide.png\" } }",
    );
    scenec(p.dir.path(), &["check", "film.scene"], Bounds::QUICK)
        .expect(1, "E0605")
        .expect(1, "20000x100 pixels");
}
