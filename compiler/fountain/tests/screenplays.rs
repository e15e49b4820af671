//! The real screenplays under `tests/fountain/` (each with its source and licence): each imports
//! with exactly the warnings its constructs call for, checks with no diagnostic at all, and
//! says every line of dialogue of the source, in order.

use std::path::{Path, PathBuf};

use scene_fountain::convert::{import, Options};
use scene_fountain::screenplay::{DialoguePart, ElementKind};
use scene_syntax::FileId;

fn screenplay(dir: &str) -> (PathBuf, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fountain")
        .join(dir);
    let file = std::fs::read_dir(&dir)
        .expect("screenplay folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "fountain"))
        .expect("a .fountain file");
    let text = std::fs::read_to_string(&file).expect("UTF-8 screenplay");
    assert!(dir.join("SOURCE.md").is_file() && dir.join("LICENSE").is_file());
    (file, text)
}

/// The dialogue lines of the source as the parser reads them, emphasis removed.
fn source_lines(text: &str) -> Vec<String> {
    let sp = scene_fountain::parse(text);
    let mut out = Vec::new();
    let mut speech = |d: &scene_fountain::screenplay::Dialogue| {
        for p in &d.parts {
            if let DialoguePart::Line(t) | DialoguePart::Lyric(t) = p {
                out.push(t.text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    };
    for e in &sp.elements {
        match &e.kind {
            ElementKind::Dialogue(d) => speech(d),
            ElementKind::DualDialogue(a, b) => {
                speech(a);
                speech(b);
            }
            _ => {}
        }
    }
    out
}

/// The text of every `says` in the film, in order, unescaped.
fn said(film: &str) -> Vec<String> {
    let parsed = scene_syntax::parse(FileId(0), film);
    let mut out = Vec::new();
    for item in &parsed.file.items {
        let scene_syntax::ast::ItemKind::Scene(scene) = &item.kind else {
            continue;
        };
        for si in &scene.items {
            let scene_syntax::ast::SceneItemKind::Shot(shot) = &si.kind else {
                continue;
            };
            for st in &shot.statements {
                let scene_syntax::ast::StatementKind::Character(c) = &st.kind else {
                    continue;
                };
                for a in &c.actions {
                    if let scene_syntax::ast::ActionKind::Says { text, .. } = &a.kind {
                        out.push(text.value.clone());
                    }
                }
            }
        }
    }
    out
}

fn run(dir: &str, expected_lines: usize, expected_codes: &[(&str, usize)]) {
    let (file, text) = screenplay(dir);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    // Lines timed by eSpeak NG when it is installed, as `scenec import` times them.
    let voices = scene_voice::Voices::open(None);
    let conversion = import(
        &text,
        &Options {
            file: FileId(0),
            name: &name,
            speech: &voices,
        },
    )
    .expect("printable");
    let film = conversion.text.clone().expect("a film");

    // The importer's warnings: exactly those the screenplay's constructs call for.
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for d in &conversion.diagnostics {
        assert!(!d.is_error(), "{dir}: {} {}", d.code, d.message);
        match counts.iter_mut().find(|(c, _)| *c == d.code.0) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.code.0, 1)),
        }
    }
    counts.sort();
    let mut expected = expected_codes.to_vec();
    expected.sort();
    assert_eq!(counts, expected, "{dir}");

    // The film checks with no diagnostic at all.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("film.scene");
    std::fs::write(&path, &film).unwrap();
    let checked = scene_check::check_entry(&path, &scene_check::RealFs);
    let diags: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(diags.is_empty(), "{dir}: {diags:#?}");

    // Canonical and deterministic.
    assert_eq!(scene_syntax::format(&film).unwrap(), film, "{dir}");
    let again = import(
        &text,
        &Options {
            file: FileId(0),
            name: &name,
            speech: &voices,
        },
    )
    .unwrap();
    assert_eq!(again.text.as_deref(), Some(film.as_str()));

    // Every line of dialogue of the source is said, in order.
    let lines = source_lines(&text);
    assert_eq!(
        lines.len(),
        expected_lines,
        "{dir}: dialogue lines in the source {lines:#?}"
    );
    // Each line is in the source as written, emphasis aside (the parser invents nothing).
    let plain = |t: &str| {
        t.replace(['*', '_', '\\'], "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let source = plain(&text);
    for line in &lines {
        assert!(
            !line.is_empty() && source.contains(&plain(line)),
            "{dir}: {line:?} is not in the source"
        );
    }
    let spoken = said(&film).join(" ");
    let mut from = 0;
    for line in &lines {
        match spoken[from..].find(line.as_str()) {
            Some(at) => from += at + line.len(),
            None => panic!("{dir}: {line:?} is not said (in order) in\n{film}"),
        }
    }
}

#[test]
fn brick_and_steel() {
    run(
        "brick_and_steel",
        23,
        &[("W0701", 7), ("W0702", 8), ("W0703", 2), ("W0704", 1)],
    );
}

#[test]
fn cyber_bob_episode_one() {
    run(
        "cyber_bob_ep1",
        59,
        &[("W0701", 6), ("W0702", 3), ("W0705", 1), ("W0706", 1)],
    );
}

#[test]
fn the_night_shift_every_construct() {
    run(
        "night_shift",
        21,
        &[
            ("W0701", 4),
            ("W0702", 7),
            ("W0703", 1),
            ("W0704", 1),
            ("W0705", 1),
            ("W0707", 1),
            ("W0709", 1),
        ],
    );
}

#[test]
fn yargo_and_falb() {
    run(
        "yargo_and_falb",
        4,
        &[("W0701", 2), ("W0702", 2), ("W0705", 1)],
    );
}
