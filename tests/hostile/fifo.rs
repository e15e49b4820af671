//! Item 1: a FIFO named as an asset, an import or the entry file used to block `open(2)`
//! forever. Anything that is not a regular file is now a coded error, decided with `stat`,
//! in every command that checks a film.

use crate::common::Project;
use crate::harness::{mkfifo, scenec, small_png, Bounds, Inputs, PRELUDE};

/// A film that uses `sound.wav`, `key.png`, `face.png` and `cast.scene`.
fn project() -> Project {
    let p = Project::new();
    p.write(
        "film.scene",
        &format!(
            "{PRELUDE}import \"cast.scene\"\n\
             character kenji {{ description \"a man\"\n reference \"face.png\" }}\n\
             sound x = sfx \"sound.wav\"\n\
             scene s at street {{ shot a 2s {{ aiko at center\n at 1s play x\n keyframe at 0s \"key.png\" }} }}\n"
        ),
    );
    p.write("cast.scene", "character mara { description \"a woman\" }\n");
    p.write_bytes("sound.wav", &crate::common::wav_sine(0.5, 440.0));
    p.write_bytes("key.png", &small_png());
    p.write_bytes("face.png", &small_png());
    p
}

/// Replaces `name` in the project by a FIFO and runs each command over the film.
fn fifo_case(name: &str, code: &str) {
    let p = project();
    let path = p.path(name);
    std::fs::remove_file(&path).unwrap();
    mkfifo(&path);
    let inputs = Inputs::of(p.dir.path());
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["check", "film.scene"],
        vec!["check", "--format", "json", "film.scene"],
        vec!["schedule", "film.scene"],
        vec!["graph", "film.scene"],
    ];
    if cfg!(feature = "render") {
        commands.push(vec!["render", "film.scene", "-o", "out/film.mp4"]);
        commands.push(vec!["storyboard", "film.scene", "-o", "out/board.png"]);
    }
    for args in commands {
        let run = scenec(p.dir.path(), &args, Bounds::QUICK);
        run.expect(1, code).expect(1, "FIFO");
    }
    assert!(!p.path("out/film.mp4").exists());
    inputs.unchanged(p.dir.path());
}

#[test]
fn a_fifo_sound_is_e0604() {
    fifo_case("sound.wav", "E0604");
}

#[test]
fn a_fifo_keyframe_is_e0604() {
    fifo_case("key.png", "E0604");
}

#[test]
fn a_fifo_reference_is_e0604() {
    fifo_case("face.png", "E0604");
}

#[test]
fn a_fifo_import_is_e0507() {
    fifo_case("cast.scene", "E0507");
}

#[test]
fn a_fifo_entry_file_is_e0506() {
    let p = Project::new();
    mkfifo(&p.path("film.scene"));
    for args in [
        &["check", "film.scene"][..],
        &["schedule", "film.scene"],
        &["fmt", "film.scene"],
        &["fmt", "--check", "film.scene"],
    ] {
        scenec(p.dir.path(), args, Bounds::QUICK)
            .expect(1, "E0506")
            .expect(1, "FIFO");
    }
}

#[test]
fn a_folder_is_not_an_asset_and_a_device_is_outside_the_project() {
    let p = project();
    std::fs::remove_file(p.path("sound.wav")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", p.path("sound.wav")).unwrap();
    std::fs::remove_file(p.path("key.png")).unwrap();
    std::fs::create_dir(p.path("key.png")).unwrap();
    let run = scenec(
        p.dir.path(),
        &["check", "--format", "json", "film.scene"],
        Bounds::QUICK,
    );
    run.expect(1, "E0604").expect(1, "E0602");
    let diagnostics: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let message = |code: &str| {
        diagnostics
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(
        message("E0604").contains("directory"),
        "{}",
        message("E0604")
    );
    assert!(
        message("E0602").contains("through a symlink"),
        "{}",
        message("E0602")
    );
}
