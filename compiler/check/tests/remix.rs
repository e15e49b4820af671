//! Remixes end to end through the checker: the base loads through the same confinement and
//! import rules, changes apply in place, transitions follow docs/language.md's rules, and
//! errors carry both the remix's span and the base's.

use std::path::{Path, PathBuf};

use scene_check::film::{Film, TransitionKind};
use scene_check::remix::{ChangeAction, ShotOrigin};
use scene_check::{check_entry, render, Checked, RealFs};

const BASE: &str = r#"import "cast.scene"
film "Base" { fps 24; seed 7; style "rain" }
location street { description "a wet street" }
scene one at street {
    shot opening 2s { prompt "rain" }
    dissolve 12f
    shot reply 2s { continues opening }
    wipe left 6f
    shot reflection 2s { prompt "a puddle" }
}
scene two at street {
    fade 12f
    shot closing 2s { prompt "the end" }
    fade to black 12f
}
"#;

const CAST: &str = "character aiko { description \"a woman in a red raincoat\"; color #d62828 }\n";

/// Writes the base project and `remix.scene` into `dir`; checks the remix.
fn check_remix(dir: &Path, remix: &str) -> Checked {
    std::fs::write(dir.join("film.scene"), BASE).unwrap();
    std::fs::write(dir.join("cast.scene"), CAST).unwrap();
    let entry = dir.join("remix.scene");
    std::fs::write(&entry, remix).unwrap();
    check_entry(&entry, &RealFs)
}

fn clean(dir: &Path, remix: &str) -> Checked {
    let checked = check_remix(dir, remix);
    assert!(!checked.has_errors(), "{}", render::human(&checked, false));
    checked
}

/// Shots in play order with the transition into each (kind, frames).
fn timeline(film: &Film) -> Vec<(String, TransitionKind, u32)> {
    film.shots
        .iter()
        .map(|s| (s.id.clone(), s.transition_in.kind, s.transition_in.frames.0))
        .collect()
}

fn t(name: &str, kind: TransitionKind, frames: u32) -> (String, TransitionKind, u32) {
    (name.to_string(), kind, frames)
}

#[test]
fn a_remix_with_no_changes_is_the_base_film() {
    let dir = tempfile::tempdir().unwrap();
    let remix = clean(dir.path(), "film \"Remix\" extends \"film.scene\" {}\n");
    let base = check_entry(&dir.path().join("film.scene"), &RealFs);
    assert_eq!(timeline(&remix.film), timeline(&base.film));
    assert_eq!(remix.film.title, "Remix");
    assert_eq!(remix.film.seed, 7, "the base's film fields are kept");
    assert_eq!(remix.film.style.as_deref(), Some("rain"));
    let r = remix.remix.as_ref().expect("a remix");
    assert!(r.shots.values().all(|o| *o == ShotOrigin::Inherited));
    // The base and its imports are dependencies (watch mode follows them).
    for f in ["film.scene", "cast.scene", "remix.scene"] {
        let path = std::fs::canonicalize(dir.path().join(f)).unwrap();
        assert!(
            remix.dependencies.contains(&path),
            "{f}: {:?}",
            remix.dependencies
        );
    }
}

#[test]
fn overrides_inserts_and_removes_apply_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let checked = clean(
        dir.path(),
        r#"film "Remix" extends "film.scene" { seed 8 }
override shot reply 3s { continues opening; prompt "a closer reply" }
insert shot glance 1s after reply { prompt "a glance" }
insert shot arrival 1s before closing { prompt "a train" }
remove shot reflection
override character aiko { description "a woman in a yellow raincoat" }
"#,
    );
    let film = &checked.film;
    assert_eq!(film.seed, 8, "the remix's film field replaces the base's");
    assert_eq!(film.style.as_deref(), Some("rain"));
    use TransitionKind::*;
    assert_eq!(
        timeline(film),
        [
            t("opening", Cut, 0),
            t("reply", Dissolve, 12),
            // `insert after reply` keeps the transition that followed reply (wipe) for reply →
            // glance; `reflection` and its transitions are gone.
            t("glance", WipeLeft, 6),
            // what preceded `closing` (now glance) joins the inserted shot by a cut …
            t("arrival", Cut, 0),
            // … and the transition before `closing` joins arrival to it.
            t("closing", Fade, 12),
        ]
    );
    assert_eq!(film.shots[1].frames.0, 72, "the override's duration");
    assert_eq!(
        film.shots.last().unwrap().fade_out.map(|f| f.frames.0),
        Some(12)
    );
    let aiko = &film.characters[0];
    assert_eq!(aiko.description, "a woman in a yellow raincoat");
    assert!(
        aiko.color.is_some(),
        "fields the override does not write stay"
    );

    let remix = checked.remix.as_ref().unwrap();
    assert_eq!(remix.origin("opening"), ShotOrigin::Inherited);
    assert_eq!(remix.origin("reply"), ShotOrigin::Overridden);
    assert_eq!(remix.origin("glance"), ShotOrigin::Inserted);
    assert_eq!(remix.origin("arrival"), ShotOrigin::Inserted);
    assert_eq!(remix.removed, ["reflection"]);
    let actions: Vec<(&str, ChangeAction)> = remix
        .changes
        .iter()
        .map(|c| (c.name.as_str(), c.action))
        .collect();
    assert_eq!(actions.len(), 5);
    // Each change knows the base's definition: the override of `aiko` points into cast.scene.
    let aiko_change = remix.changes.iter().find(|c| c.name == "aiko").unwrap();
    let base = aiko_change.base.expect("the base's definition");
    assert_eq!(checked.sources.path(base.file), Path::new("cast.scene"));
    assert_eq!(checked.sources.snippet(base), "aiko");
    // The tools' trees stay as parsed.
    assert!(checked
        .sources
        .text(scene_syntax::FileId(0))
        .contains("override shot reply"));
}

#[test]
fn insert_after_the_last_shot_of_a_scene_takes_the_scenes_transition() {
    let dir = tempfile::tempdir().unwrap();
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert shot coda 1s after reflection { prompt \"x\" }\n",
    );
    use TransitionKind::*;
    assert_eq!(
        timeline(&checked.film)[3..],
        [t("coda", Fade, 12), t("closing", Cut, 0)]
    );
}

#[test]
fn removing_a_scenes_only_shot_drops_the_scene_and_keeps_the_films_ending() {
    let dir = tempfile::tempdir().unwrap();
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\nremove shot closing\n",
    );
    let names: Vec<String> = timeline(&checked.film).into_iter().map(|s| s.0).collect();
    assert_eq!(names, ["opening", "reply", "reflection"]);
    assert_eq!(checked.film.scenes.len(), 1);
}

#[test]
fn an_override_that_breaks_a_rule_is_reported_in_the_remix() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_remix(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\noverride shot opening 2s { at 3s \"too late\" }\n",
    );
    let errors: Vec<_> = checked.errors().collect();
    assert_eq!(errors.len(), 1, "{}", render::human(&checked, false));
    assert_eq!(
        checked.sources.path(errors[0].span.file),
        Path::new("remix.scene")
    );
}

#[test]
fn an_inserted_shot_named_like_a_base_shot_is_a_duplicate_with_both_spans() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_remix(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert shot reply 1s after opening { prompt \"x\" }\n",
    );
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.code.0 == "E0111")
        .unwrap_or_else(|| panic!("{}", render::human(&checked, false)));
    let files: Vec<PathBuf> = std::iter::once(d.span)
        .chain(d.related.iter().map(|r| r.span))
        .map(|s| checked.sources.path(s.file).to_path_buf())
        .collect();
    assert!(files.contains(&PathBuf::from("remix.scene")), "{files:?}");
    assert!(files.contains(&PathBuf::from("film.scene")), "{files:?}");
}

#[test]
fn a_remix_of_a_remix_applies_both() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("middle.scene"),
        "film \"Middle\" extends \"film.scene\" { seed 9 }\nremove shot reflection\n",
    )
    .unwrap();
    let checked = clean(
        dir.path(),
        "film \"Top\" extends \"middle.scene\" {}\noverride shot closing 1s { prompt \"another end\" }\n",
    );
    assert_eq!(checked.film.seed, 9);
    let names: Vec<String> = timeline(&checked.film).into_iter().map(|s| s.0).collect();
    assert_eq!(names, ["opening", "reply", "closing"]);
    let remix = checked.remix.as_ref().unwrap();
    assert_eq!(remix.origin("closing"), ShotOrigin::Overridden);
    assert!(
        remix.removed.is_empty(),
        "removed by the middle film, not this one"
    );
}

#[test]
fn a_missing_base_is_one_error_and_the_changes_say_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("remix.scene");
    std::fs::write(
        &entry,
        "film \"Remix\" extends \"nowhere.scene\" {}\nremove shot opening\n",
    )
    .unwrap();
    let checked = check_entry(&entry, &RealFs);
    let codes: Vec<&str> = checked.errors().map(|d| d.code.0).collect();
    assert_eq!(codes, ["E0501"], "{}", render::human(&checked, false));
    assert!(checked.diagnostics[0].message.contains("base film"));
}

// ---- The block form of `insert`: transitions written around the new shot ---------------------

fn codes(checked: &Checked) -> Vec<&str> {
    checked.diagnostics.iter().map(|d| d.code.0).collect()
}

#[test]
fn insert_after_writes_the_join_to_what_followed_its_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert after opening {\n    shot glance 1s { prompt \"x\" }\n    fade 6f\n}\n",
    );
    use TransitionKind::*;
    assert_eq!(
        timeline(&checked.film)[..4],
        [
            t("opening", Cut, 0),
            t("glance", Dissolve, 12), // the base's, kept
            t("reply", Fade, 6),       // written in the remix
            t("reflection", WipeLeft, 6),
        ]
    );
    assert_eq!(
        checked.remix.as_ref().unwrap().origin("glance"),
        ShotOrigin::Inserted
    );
}

#[test]
fn insert_before_writes_the_join_from_what_preceded_its_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert before reply {\n    wipe right 6f\n    shot glance 1s { prompt \"x\" }\n}\n",
    );
    use TransitionKind::*;
    assert_eq!(
        timeline(&checked.film)[..4],
        [
            t("opening", Cut, 0),
            t("glance", WipeRight, 6), // written in the remix
            t("reply", Dissolve, 12),  // the base's, kept
            t("reflection", WipeLeft, 6),
        ]
    );
}

#[test]
fn a_written_transition_crosses_scenes_as_the_bases_would() {
    let dir = tempfile::tempdir().unwrap();
    // After the last shot of scene one: the base's `fade 12f` moves to reflection → coda, and
    // the written dissolve joins coda to scene two's first shot.
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert after reflection {\n    shot coda 1s { prompt \"x\" }\n    dissolve 6f\n}\n",
    );
    use TransitionKind::*;
    assert_eq!(
        timeline(&checked.film)[2..],
        [
            t("reflection", WipeLeft, 6),
            t("coda", Fade, 12),
            t("closing", Dissolve, 6)
        ]
    );
    assert_eq!(checked.film.scenes.len(), 2);
    assert_eq!(
        checked.film.scenes[0].shots.len(),
        4,
        "coda is in scene one"
    );
    // Before the first shot of scene two: the written wipe joins scene one to the new shot,
    // which opens scene two; the base's `fade 12f` now joins it to `closing`.
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert before closing {\n    wipe left 6f\n    shot prelude 1s { prompt \"x\" }\n}\n",
    );
    assert_eq!(
        timeline(&checked.film)[3..],
        [t("prelude", WipeLeft, 6), t("closing", Fade, 12)]
    );
    assert_eq!(
        checked.film.scenes[1].shots.len(),
        2,
        "prelude opens scene two"
    );
}

#[test]
fn a_transition_that_would_replace_the_bases_is_refused_with_both_spans() {
    let dir = tempfile::tempdir().unwrap();
    for (remix, base_text) in [
        (
            "insert after opening {\n    wipe left 6f\n    shot glance 1s { prompt \"x\" }\n}\n",
            "dissolve 12f",
        ),
        (
            "insert before reply {\n    shot glance 1s { prompt \"x\" }\n    cut\n}\n",
            "dissolve 12f",
        ),
        // The base's transition into scene two is its transition after `reflection`.
        (
            "insert after reflection {\n    dissolve 6f\n    shot coda 1s { prompt \"x\" }\n}\n",
            "fade 12f",
        ),
        (
            "insert before closing {\n    shot prelude 1s { prompt \"x\" }\n    dissolve 6f\n}\n",
            "fade 12f",
        ),
        // The base's `fade to black` ends the film after the new last shot already.
        (
            "insert after closing {\n    shot coda 1s { prompt \"x\" }\n    fade to black 6f\n}\n",
            "fade to black 12f",
        ),
    ] {
        let src = format!("film \"Remix\" extends \"film.scene\" {{}}\n{remix}");
        let checked = check_remix(dir.path(), &src);
        assert_eq!(
            codes(&checked),
            ["E0807"],
            "{remix}: {}",
            render::human(&checked, false)
        );
        let d = &checked.diagnostics[0];
        let remix_file = checked.sources.text(d.span.file);
        assert!(remix_file.contains("insert"), "the error is in the remix");
        let related = &d.related[0];
        assert_eq!(
            checked.sources.path(related.span.file),
            Path::new("film.scene"),
            "{remix}"
        );
        assert_eq!(
            &checked.sources.text(related.span.file)[related.span.range()],
            base_text,
            "{remix}"
        );
    }
}

#[test]
fn the_help_names_the_insert_that_keeps_the_bases_transition_on_the_other_side() {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_remix(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert after opening {\n    wipe left 6f\n    shot glance 1s { prompt \"x\" }\n}\n",
    );
    let help = checked.diagnostics[0].help.as_deref().unwrap_or("");
    assert!(
        help.contains("insert before reply { wipe left 6f; shot glance"),
        "{help}"
    );
    // Written that way, it checks: opening → glance by the wipe, glance → reply by the base's
    // dissolve.
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert before reply {\n    wipe left 6f\n    shot glance 1s { prompt \"x\" }\n}\n",
    );
    use TransitionKind::*;
    assert_eq!(
        timeline(&checked.film)[1..3],
        [t("glance", WipeLeft, 6), t("reply", Dissolve, 12)]
    );
}

#[test]
fn where_the_base_joins_by_a_plain_cut_either_side_may_be_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plain.scene"),
        "film \"Plain\" { fps 24 }\nlocation street { description \"a street\" }\nscene s at street {\n    shot a 2s { prompt \"a\" }\n    shot b 2s { prompt \"b\" }\n}\n",
    )
    .unwrap();
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"plain.scene\" {}\ninsert after a {\n    dissolve 6f\n    shot x 1s { prompt \"x\" }\n    wipe right 12f\n}\n",
    );
    use TransitionKind::*;
    assert_eq!(
        timeline(&checked.film),
        [t("a", Cut, 0), t("x", Dissolve, 6), t("b", WipeRight, 12)]
    );
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"plain.scene\" {}\ninsert before b {\n    fade 6f\n    shot x 1s { prompt \"x\" }\n    dissolve 12f\n}\n",
    );
    assert_eq!(
        timeline(&checked.film),
        [t("a", Cut, 0), t("x", Fade, 6), t("b", Dissolve, 12)]
    );
}

#[test]
fn written_transitions_follow_the_scene_rules() {
    let dir = tempfile::tempdir().unwrap();
    // Longer than the shot it joins: E0405, in the remix.
    let checked = check_remix(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert after opening {\n    shot glance 1s { prompt \"x\" }\n    dissolve 2s\n}\n",
    );
    assert_eq!(
        codes(&checked),
        ["E0405"],
        "{}",
        render::human(&checked, false)
    );
    let d = &checked.diagnostics[0];
    assert_eq!(checked.sources.path(d.span.file), Path::new("remix.scene"));
    // Below a shot inserted after the film's last shot, nothing follows to join: E0407.
    let checked = check_remix(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert after closing {\n    shot coda 1s { prompt \"x\" }\n    dissolve 6f\n}\n",
    );
    assert_eq!(
        codes(&checked),
        ["E0407"],
        "{}",
        render::human(&checked, false)
    );
    assert_eq!(
        checked.sources.path(checked.diagnostics[0].span.file),
        Path::new("remix.scene")
    );
    // Above a shot inserted before the film's first shot, nothing precedes it: E0407.
    let checked = check_remix(
        dir.path(),
        "film \"Remix\" extends \"film.scene\" {}\ninsert before opening {\n    dissolve 6f\n    shot prologue 1s { prompt \"x\" }\n}\n",
    );
    assert_eq!(
        codes(&checked),
        ["E0407"],
        "{}",
        render::human(&checked, false)
    );
    // A film whose base writes no ending may end on the inserted shot's own fade.
    std::fs::write(
        dir.path().join("plain.scene"),
        "film \"Plain\" { fps 24 }\nlocation street { description \"a street\" }\nscene s at street {\n    shot a 2s { prompt \"a\" }\n}\n",
    )
    .unwrap();
    let checked = clean(
        dir.path(),
        "film \"Remix\" extends \"plain.scene\" {}\ninsert after a {\n    shot x 1s { prompt \"x\" }\n    fade to black 12f\n}\n",
    );
    let last = checked.film.shots.last().unwrap();
    assert_eq!(last.id, "x");
    assert_eq!(last.fade_out.map(|f| f.frames.0), Some(12));
}
