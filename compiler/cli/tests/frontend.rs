//! End-to-end tests of the front-end commands: check, fmt, schedule, graph.

mod common;

use common::{example_films, scenec, stderr, stdout, Project};

#[test]
fn check_exit_codes_follow_the_design() {
    let p = Project::new();
    let good = p.write("good.scene", "character a { description \"x\" }\n");
    let bad = p.write("bad.scene", "character a { descripton \"x\" }\n");
    assert_eq!(
        p.run(&["check", good.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let out = p.run(&["check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("descripton"), "{}", stderr(&out));
    let missing = p.run(&["check", "nope.scene"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        scenec().arg("frobnicate").output().unwrap().status.code(),
        Some(2)
    );
}

#[test]
fn check_plans_a_clean_film_and_prints_the_plans_warnings() {
    let p = Project::new();
    let long = "a slow procession of lanterns drifts across the water ".repeat(30);
    let f = p.write(
        "film.scene",
        &format!(
            "character a {{ description \"a woman in a red coat\" }}\n\
             character b {{ description \"a man in a grey hat\" }}\n\
             location yard {{ description \"a quiet yard\" }}\n\
             scene s at yard {{\n\
               shot one 4s {{ camera medium, crane up 3m over 1s\n a at center }}\n\
               shot two 4s {{ camera wide\n a at center\n b enters right }}\n\
               shot three 2s {{ a at center\n prompt \"{long}\" }}\n\
             }}\n"
        ),
    );
    let out = p.run(&["check", f.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings only: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    for code in ["W0401", "W0402", "W0403"] {
        assert!(err.contains(code), "{code} in:\n{err}");
    }
    assert!(err.contains("crane up 3m"), "{err}");
    let out = p.run(&["check", "--backend", "previz", f.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(!err.contains("W0403"), "previz reads no text:\n{err}");
    assert!(err.contains("W0401"), "{err}");
}

#[test]
fn check_json_lists_each_diagnostic_with_code_and_span() {
    let p = Project::new();
    let f = p.write(
        "f.scene",
        "character a { description \"x\" }\ncharacter a { description \"y\" }\n",
    );
    let out = p.run(&["check", "--format", "json", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value =
        serde_json::from_str(stdout(&out).trim()).expect("one JSON document on stdout");
    let diags = v
        .get("diagnostics")
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_else(|| v.as_array().cloned().unwrap_or_default());
    assert_eq!(diags.len(), 1, "{v}");
    let d = &diags[0];
    assert!(d["code"].as_str().unwrap().starts_with('E'));
    assert_eq!(d["severity"], "error");
    assert!(
        !d["related"].as_array().unwrap().is_empty(),
        "a duplicate points at both definitions: {d}"
    );
}

#[test]
fn every_example_checks_clean() {
    let films = example_films();
    assert!(
        films.len() >= 6,
        "expected at least six examples, found {films:?}"
    );
    for film in films {
        let out = scenec().arg("check").arg(&film).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}:\n{}",
            film.display(),
            stderr(&out)
        );
        assert!(
            stderr(&out).is_empty(),
            "{} has warnings:\n{}",
            film.display(),
            stderr(&out)
        );
    }
}

#[test]
fn fmt_check_then_write_then_idempotent() {
    let p = Project::new();
    let f = p.write("f.scene", "character   a {description \"x\"   // who\n}\n");
    let out = p.run(&["fmt", "--check", f.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "unformatted file must fail --check"
    );
    let before = std::fs::read_to_string(&f).unwrap();
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        before,
        "--check must not write"
    );
    assert_eq!(p.run(&["fmt", f.to_str().unwrap()]).status.code(), Some(0));
    let formatted = std::fs::read_to_string(&f).unwrap();
    assert!(
        formatted.contains("// who"),
        "comments are kept:\n{formatted}"
    );
    assert_eq!(
        p.run(&["fmt", "--check", f.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
}

/// Formatting never changes meaning: the schedule of every example is the same before and after.
#[test]
fn fmt_preserves_every_examples_schedule() {
    for film in example_films() {
        let tmp = tempfile::tempdir().unwrap();
        // Copy the whole example so imports and assets resolve.
        copy_dir(film.parent().unwrap(), tmp.path());
        let copy = tmp.path().join("film.scene");
        let before = scenec().arg("schedule").arg(&copy).output().unwrap();
        assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
        let mut scenes = Vec::new();
        collect_scene_files(tmp.path(), &mut scenes);
        let fmt = scenec().arg("fmt").args(&scenes).output().unwrap();
        assert_eq!(fmt.status.code(), Some(0), "{}", stderr(&fmt));
        let after = scenec().arg("schedule").arg(&copy).output().unwrap();
        assert_eq!(
            stdout(&before),
            stdout(&after),
            "formatting {} changed its schedule",
            film.display()
        );
        let again = scenec()
            .arg("fmt")
            .arg("--check")
            .args(&scenes)
            .output()
            .unwrap();
        assert_eq!(
            again.status.code(),
            Some(0),
            "fmt is not idempotent on {}: {}",
            film.display(),
            stdout(&again)
        );
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else if e.path().extension().is_none_or(|x| x != "mp4") {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn collect_scene_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_scene_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "scene") {
            out.push(p);
        }
    }
    out.sort();
}

#[test]
fn schedule_of_one_shot_and_unknown_shot() {
    let p = common::small_project();
    let out = p.run(&["schedule", "film.scene", "--shot", "second"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shot: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shot["name"], "second");
    assert_eq!(shot["frames"], 12);
    let out = p.run(&["schedule", "film.scene", "--shot", "fourth"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("first, second, third"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn graph_dot_and_json_show_next_and_continues_edges() {
    let p = common::small_project();
    let dot = p.run(&["graph", "film.scene"]);
    assert_eq!(dot.status.code(), Some(0), "{}", stderr(&dot));
    let dot = stdout(&dot);
    assert!(dot.starts_with("digraph"), "{dot}");
    for name in ["first", "second", "third"] {
        assert!(dot.contains(name), "{dot}");
    }
    let json = p.run(&["graph", "film.scene", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let text = v.to_string();
    assert!(
        text.contains("continues") && text.contains("dissolve"),
        "{text}"
    );
}
