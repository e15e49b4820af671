//! The dialogue-timing diagnostics as `scenec check` shows them: each case is a small project,
//! checked, then timed by the planner with the scratch voices (eSpeak NG measures each line) or
//! without an engine; the human rendering and the JSON are snapshot-tested, and every planner
//! code (`codes::PLANNER`) must be triggered by a case. The checker's own corpus covers the
//! rest.

use std::collections::BTreeSet;

use scene_check::{check_entry, codes, render, RealFs};
use scene_voice::{Engine, Voices};

const PRELUDE: &str = "character aiko { description \"a woman in a red raincoat\" }\n\
location street { description \"a wet street\" }\n";

/// (name, scene text, whether eSpeak NG is there). `{LONG}` is a 70,000-character word.
const CASES: &[(&str, &str, bool)] = &[
    (
        // Timed without the engine: saying 70,000 characters is not what this case is about.
        "E0309_subtitle_too_long",
        "scene s at street { shot a 2s { aiko at center\n aiko says \"{LONG}\" } }",
        false,
    ),
    (
        "W0201_line_too_long",
        "scene s at street { shot a 2s { aiko at center\n aiko says \"It has been ten long years since I walked down this street.\" } }",
        true,
    ),
    (
        "W0202_line_overlaps_next",
        "scene s at street { shot a 6s { aiko at center\n aiko says \"It has been ten long years since I walked down this street.\"\n aiko says \"Nothing has changed.\" at 1s } }",
        true,
    ),
    (
        "W0203_no_speech_engine",
        "scene s at street { shot a 4s { aiko at center\n aiko says \"Hello.\"\n aiko says \"Goodbye.\" }\n shot b 2s { aiko at center\n aiko says \"Again.\" } }",
        false,
    ),
];

#[test]
fn speech_corpus() {
    let mut seen = BTreeSet::new();
    let with_engine = Voices::open(None);
    let without = Voices::with_engine(Engine::probe_library("libespeak-ng-absent.so.1"), None);
    for (name, text, engine) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let entry = dir.path().join("film.scene");
        let text = text.replace("{LONG}", &"a".repeat(70_000));
        std::fs::write(&entry, format!("{PRELUDE}{text}\n")).unwrap();
        let mut checked = check_entry(&entry, &RealFs);
        assert!(!checked.has_errors(), "{name}: {:?}", checked.diagnostics);
        let voices = if *engine { &with_engine } else { &without };
        let plan = scene_plan::plan(&checked.film, voices);
        checked.add_diagnostics(plan.dialogue.diagnostics);
        for d in &checked.diagnostics {
            seen.insert(d.code.0);
        }
        let expected = name.split('_').next().unwrap();
        let rendered =
            render::human_diagnostics(&checked.sources, &checked.diagnostics, false, 100);
        assert!(
            checked.diagnostics.iter().any(|d| d.code.0 == expected),
            "{name} should report {expected}:\n{rendered}"
        );
        insta::assert_snapshot!(format!("{name}.human"), rendered);
        insta::assert_snapshot!(format!("{name}.json"), render::json(&checked));
    }
    let missing: Vec<&str> = codes::PLANNER
        .iter()
        .map(|c| c.0)
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes no case triggers: {missing:?}");
}
