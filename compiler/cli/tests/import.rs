//! `scenec import` end to end through the real binary: the real screenplays under
//! `tests/fountain/` import with the warnings their constructs call for, check clean, are
//! canonical, render in previz, and every line of dialogue of the source reaches the film and
//! the schedule's dialogue; the command's exit codes and refusals.

mod common;

use common::{repo_root, stderr, stdout, Project};
use serde_json::Value;

/// Copies `tests/fountain/<dir>/*.fountain` into a fresh project; returns it and the file name.
fn project_with(dir: &str) -> (Project, String) {
    let folder = repo_root().join("tests/fountain").join(dir);
    let file = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "fountain"))
        .unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let p = Project::new();
    p.write_bytes(&name, &std::fs::read(&file).unwrap());
    (p, name)
}

/// The dialogue lines of a Fountain file, read independently of the importer: the lines under
/// a cue (an uppercase line after a blank one, with text right below), parentheticals and
/// blank lines excluded, emphasis markers removed.
fn dialogue_lines(fountain: &str) -> Vec<String> {
    let lines: Vec<&str> = fountain.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        let after_blank = i == 0 || lines[i - 1].trim().is_empty();
        let t = t.trim_end_matches('^').trim_end();
        // `@` forces a cue, whatever its case.
        let (forced, t) = match t.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let name = t.split('(').next().unwrap_or("").trim();
        // After the name: only parenthesised extensions.
        let mut rest = t[t.find('(').unwrap_or(t.len())..].trim();
        while let Some(close) = rest.strip_prefix('(').and_then(|r| r.find(')')) {
            rest = rest[close + 2..].trim_start();
        }
        let cue = after_blank
            && rest.is_empty()
            && !name.is_empty()
            && name.chars().any(char::is_alphabetic)
            && (forced || !name.chars().any(char::is_lowercase))
            && !name.contains([':', '!', '?', '.', '>', '#', '='])
            && i + 1 < lines.len()
            && !lines[i + 1].trim().is_empty();
        if !cue {
            i += 1;
            continue;
        }
        i += 1;
        while i < lines.len() && !lines[i].trim().is_empty() {
            let l = lines[i].trim();
            if !l.starts_with('(') {
                // A lyric's `~` is markup, like emphasis.
                out.push(plain(l.strip_prefix('~').unwrap_or(l)));
            }
            i += 1;
        }
    }
    out
}

/// Text without emphasis markers and escapes (`*`, `_`, `\`), blanks collapsed: the source's
/// `\*Every\*` and the film's `*Every*` compare equal.
fn plain(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '\\'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `needle` occurs in `haystack`, in order.
fn in_order(haystack: &str, needles: &[String]) -> Result<(), String> {
    let mut from = 0;
    for n in needles {
        match haystack[from..].find(n.as_str()) {
            Some(at) => from += at + n.len(),
            None => return Err(n.clone()),
        }
    }
    Ok(())
}

fn codes_of(json: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(json).expect("diagnostics JSON");
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn count(codes: &[(String, String)], code: &str) -> usize {
    codes.iter().filter(|(c, _)| c == code).count()
}

/// The whole path for one screenplay: import, check, fmt, schedule, render.
fn import_check_render(dir: &str, lines: usize, expected: &[(&str, usize)]) {
    let (p, name) = project_with(dir);
    let out = p.run(&["import", &name, "-o", "film.scene"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("imported {name} into film.scene")),
        "{}",
        stderr(&out)
    );

    // The same import as JSON: exactly the expected warnings, all in the screenplay.
    let json = p.run(&[
        "import",
        &name,
        "-o",
        "film.scene",
        "--force",
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let codes = codes_of(&stdout(&json));
    for (code, file) in &codes {
        assert!(code.starts_with("W07"), "{code} in {file}");
        assert_eq!(file, &name);
    }
    for (code, n) in expected {
        assert_eq!(count(&codes, code), *n, "{dir}: {code} in {codes:?}");
    }
    assert_eq!(codes.len(), expected.iter().map(|(_, n)| n).sum::<usize>());

    // The film checks clean and is canonical.
    let check = p.run(&["check", "film.scene"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert_eq!(stderr(&check), "", "the film checks without a diagnostic");
    let fmt = p.run(&["fmt", "--check", "film.scene"]);
    assert_eq!(fmt.status.code(), Some(0), "{}", stdout(&fmt));

    // Every line of dialogue of the source is in the film and in the schedule, in order.
    let source = std::fs::read_to_string(p.path(&name)).unwrap();
    let expected_lines = dialogue_lines(&source);
    assert_eq!(expected_lines.len(), lines, "{dir}: {expected_lines:#?}");
    let film = std::fs::read_to_string(p.path("film.scene")).unwrap();
    let unescaped = film.replace("\\\"", "\"");
    let said: String = unescaped
        .lines()
        // What is between the quotes: a speech split over shots must join without them.
        .filter_map(|l| l.split_once(" says \"").map(|(_, rest)| rest))
        .map(|rest| rest.rfind('"').map_or(rest, |end| &rest[..end]))
        .collect::<Vec<_>>()
        .join(" ");
    if let Err(missing) = in_order(&plain(&said), &expected_lines) {
        panic!("{dir}: {missing:?} is not in the film\n{film}");
    }
    let schedule = p.run(&["schedule", "film.scene"]);
    assert_eq!(schedule.status.code(), Some(0), "{}", stderr(&schedule));
    let schedule: Value = serde_json::from_str(&stdout(&schedule)).unwrap();
    let spoken: Vec<String> = schedule["shots"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["dialogue"].as_array().unwrap().iter())
        .map(|d| d["text"].as_str().unwrap().to_string())
        .collect();
    if let Err(missing) = in_order(&plain(&spoken.join(" ")), &expected_lines) {
        panic!("{dir}: {missing:?} is not in the schedule's dialogue");
    }

    // It renders in previz, every shot.
    let render = p.run(&["render", "film.scene", "-o", "film.mp4", "--json"]);
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let summary: Value = serde_json::from_str(stdout(&render).lines().last().unwrap()).unwrap();
    assert_eq!(
        summary["rendered"].as_array().unwrap().len(),
        schedule["shots"].as_array().unwrap().len()
    );
    assert!(std::fs::metadata(p.path("film.mp4")).unwrap().len() > 0);
}

#[test]
fn brick_and_steel() {
    import_check_render(
        "brick_and_steel",
        23,
        &[("W0701", 7), ("W0702", 8), ("W0703", 2), ("W0704", 1)],
    );
}

#[test]
fn cyber_bob_episode_one() {
    import_check_render(
        "cyber_bob_ep1",
        59,
        &[("W0701", 6), ("W0702", 3), ("W0705", 1), ("W0706", 1)],
    );
}

#[test]
fn yargo_and_falb() {
    import_check_render(
        "yargo_and_falb",
        4,
        &[("W0701", 2), ("W0702", 2), ("W0705", 1)],
    );
}

#[test]
fn the_night_shift_every_construct() {
    import_check_render(
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
fn default_output_is_beside_the_script_and_is_never_overwritten_silently() {
    let p = Project::new();
    p.write(
        "scripts/short.fountain",
        "INT. HOUSE - DAY\n\nA door opens.\n",
    );
    let out = p.run(&["import", "scripts/short.fountain"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let film = p.path("scripts/short.scene");
    assert!(film.is_file());
    std::fs::write(&film, "// edited by hand\n").unwrap();

    let again = p.run(&["import", "scripts/short.fountain"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("exists; pass --force"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(&film).unwrap(),
        "// edited by hand\n"
    );

    let forced = p.run(&["import", "scripts/short.fountain", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(&film)
        .unwrap()
        .contains("scene house at house"));
}

#[test]
fn refusals_and_errors_have_their_exit_codes() {
    let p = Project::new();
    // A missing script: the tool failed.
    let missing = p.run(&["import", "nope.fountain"]);
    assert_eq!(missing.status.code(), Some(2));
    // The output would be the script itself.
    p.write("a.fountain", "INT. HOUSE - DAY\n\nA door.\n");
    let itself = p.run(&["import", "a.fountain", "-o", "a.fountain", "--force"]);
    assert_eq!(itself.status.code(), Some(2));
    assert!(stderr(&itself).contains("the screenplay itself"));

    // Nothing to film: E0701, exit 1, nothing written.
    p.write("title.fountain", "Title: Only a Title\nAuthor: Someone\n");
    let empty = p.run(&["import", "title.fountain", "-o", "title.scene"]);
    assert_eq!(empty.status.code(), Some(1));
    assert!(stderr(&empty).contains("E0701"), "{}", stderr(&empty));
    assert!(!p.path("title.scene").exists());

    // Not UTF-8: E0702 at the screenplay's line, exit 1.
    p.write_bytes("latin1.fountain", b"INT. CAF\xc9 - DAY\n\nHe waits.\n");
    let latin = p.run(&["import", "latin1.fountain"]);
    assert_eq!(latin.status.code(), Some(1));
    let err = stderr(&latin);
    assert!(
        err.contains("E0702") && err.contains("latin1.fountain:1:9"),
        "{err}"
    );
    assert!(!p.path("latin1.scene").exists());
}

#[test]
fn warnings_are_printed_like_the_checkers_with_the_fountain_line() {
    let p = Project::new();
    p.write(
        "s.fountain",
        "INT. HOUSE - DAY\n\nA door.\n\n> BURN TO PINK.\n\nEXT. STREET - NIGHT\n\nRain.\n",
    );
    let out = p.run(&["import", "s.fountain", "-o", "s.scene"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("W0704"), "{err}");
    assert!(err.contains("s.fountain:5:1"), "{err}");
    assert!(err.contains("> BURN TO PINK."), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(err.contains("3 warnings"), "{err}");
}
