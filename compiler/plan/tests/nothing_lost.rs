//! Nothing the writer says is lost (the language's rules of "nothing said is lost"): every
//! action and keyframe text reaches the prompt from its time on, the shot's own words come
//! first, token counts are recorded, written positions hold under `on X`, and the plan warns when
//! the camera loses a subject, when an entrance ends on another subject, and when a prompt is
//! longer than the backend reads.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use scene_check::{check_entry, Checked, RealFs};
use scene_plan::lint;
use scene_plan::schedule::{ShotSchedule, TokenCounter};
use scene_plan::tokens::TextBudget;

const PRELUDE: &str = r#"
film "Lost" { size 768x512; fps 24 }
character a { name "Ana"; description "a woman in a red coat" }
character b { name "Ben"; description "a man in a grey hat" }
location yard { description "a quiet yard"; time dusk; weather clear }
"#;

fn check_source(dir: &Path, body: &str) -> Checked {
    let path = dir.join("film.scene");
    std::fs::write(&path, format!("{PRELUDE}{body}")).unwrap();
    let checked = check_entry(&path, &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked
}

/// Plans at reading speed: these tests are about prompts and the plan's warnings, not spoken
/// lengths, and must not depend on whether eSpeak NG is installed.
fn plan_film(film: &scene_check::Film) -> scene_plan::FilmPlan {
    scene_plan::plan(
        film,
        &scene_voice::ReadingSpeed::new("the test plans by reading speed"),
    )
}

fn plan_source(body: &str) -> (Checked, scene_plan::FilmPlan) {
    let dir = tempfile::tempdir().unwrap();
    let checked = check_source(dir.path(), body);
    let plan = plan_film(&checked.film);
    (checked, plan)
}

fn lints(body: &str) -> Vec<scene_syntax::Diagnostic> {
    let (checked, plan) = plan_source(body);
    lint::lint(
        &checked.film,
        &checked.sources,
        &plan.schedule,
        TextBudget::LTX,
    )
}

/// The composed text of the keyframe in force at `frame`.
fn prompt_at(shot: &ShotSchedule, frame: u32) -> &str {
    &shot
        .prompt_keyframes
        .iter()
        .rev()
        .find(|k| k.frame.0 <= frame)
        .unwrap()
        .text
}

#[test]
fn a_timed_action_starts_a_keyframe_with_its_words() {
    let (_, plan) =
        plan_source("scene s at yard { shot one 3s { a at center\n a does \"looks up\" at 1s } }");
    let shot = &plan.schedule.shots[0];
    let frames: Vec<u32> = shot.prompt_keyframes.iter().map(|k| k.frame.0).collect();
    assert_eq!(frames, vec![0, 24], "a keyframe at the action's time");
    assert!(!shot.prompt_keyframes[0].text.contains("looks up"));
    assert!(shot.prompt_keyframes[1].text.contains("Ana looks up"));
    // The weights reach the action's keyframe fully at its frame.
    assert_eq!(shot.prompt_weights[24], vec![0.0, 1.0]);
}

#[test]
fn an_action_holds_until_the_same_subjects_next_and_untimed_ones_hold_together() {
    let (_, plan) = plan_source(
        "scene s at yard { shot one 4s { a at left; b at right\n a does \"waves\"\n a does \"smiles\"\n b does \"nods\"\n a does \"turns away\" at 2s } }",
    );
    let shot = &plan.schedule.shots[0];
    let first = prompt_at(shot, 0);
    assert!(
        first.contains("Ana waves") && first.contains("Ana smiles") && first.contains("Ben nods"),
        "{first}"
    );
    let later = prompt_at(shot, 48);
    assert!(later.contains("Ana turns away"), "{later}");
    assert!(
        !later.contains("Ana waves"),
        "replaced by the next: {later}"
    );
    assert!(later.contains("Ben nods"), "Ben's action holds: {later}");
}

#[test]
fn keyframe_texts_replace_one_another_and_hold_through_action_keyframes() {
    let (_, plan) = plan_source(
        "scene s at yard { shot one 4s { a at center\n at 0s \"leaves fall\"\n at 3s \"the wind drops\"\n a does \"sits\" at 1s } }",
    );
    let shot = &plan.schedule.shots[0];
    let texts: Vec<(u32, &str)> = shot
        .prompt_keyframes
        .iter()
        .map(|k| (k.frame.0, k.shot_text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            (0, "leaves fall"),
            (24, "leaves fall"),
            (72, "the wind drops")
        ]
    );
}

#[test]
fn a_subject_coming_into_view_starts_a_keyframe_with_its_description() {
    let (_, plan) = plan_source(
        "scene s at yard { shot one 4s { camera wide\n a at center\n b enters right at 2s, walks to right } }",
    );
    let shot = &plan.schedule.shots[0];
    let first = prompt_at(shot, 0);
    assert!(!first.contains("Ben:"), "Ben is not in view yet: {first}");
    let arrival = shot
        .prompt_keyframes
        .iter()
        .find(|k| k.text.contains("Ben: a man in a grey hat"))
        .expect("a keyframe with Ben");
    let ben = shot.subjects.iter().find(|s| s.character == "b").unwrap();
    let visible = ben
        .boxes
        .iter()
        .position(|b| scene_plan::blocking::in_frame(*b))
        .unwrap() as u32;
    assert!(visible > 48, "Ben enters at 2s and walks in: {visible}");
    assert_eq!(
        arrival.frame.0, visible,
        "from the first frame he is visible"
    );
}

#[test]
fn the_shots_own_words_come_before_the_shared_ones() {
    let (_, plan) = plan_source(
        "scene s at yard { shot one 2s { a at center\n a does \"reads a letter\"\n prompt \"golden light on the wall\" } }",
    );
    let text = &plan.schedule.shots[0].prompt_keyframes[0].text;
    let at = |w: &str| text.find(w).unwrap_or_else(|| panic!("{w} in {text}"));
    assert!(at("golden light") < at("Ana reads"), "{text}");
    assert!(at("Ana reads") < at("Ana: a woman"), "{text}");
    assert!(at("Ana: a woman") < at("a quiet yard"), "{text}");
    assert!(at("a quiet yard") < at("at dusk"), "{text}");
}

#[test]
fn every_keyframe_records_its_estimated_token_count() {
    let (_, plan) = plan_source("scene s at yard { shot one 2s { prompt \"rain\" } }");
    for k in &plan.schedule.shots[0].prompt_keyframes {
        assert_eq!(k.tokens.counted_by, TokenCounter::Estimate);
        assert_eq!(k.tokens, scene_plan::tokens::estimate(&k.text));
        assert!(k.tokens.count > 5);
    }
    let json = serde_json::to_value(&plan.schedule).unwrap();
    assert_eq!(
        json["shots"][0]["prompt_keyframes"][0]["tokens"]["counted_by"],
        "estimate"
    );
    assert_eq!(json["version"], scene_plan::schedule::SCHEDULE_VERSION);
}

#[test]
fn a_prompt_longer_than_the_backend_reads_is_a_warning_naming_the_cut_words() {
    let long = "a slow procession of lanterns drifts across the water ".repeat(30);
    let d = lints(&format!(
        "scene s at yard {{ shot one 2s {{ a at center\n prompt \"{long}\" }} }}"
    ));
    let w = d
        .iter()
        .find(|d| d.code == lint::W0403)
        .expect("W0403 for a long prompt");
    assert!(w.message.contains("reads 256"), "{}", w.message);
    assert!(w.message.contains("tokens"), "{}", w.message);
    let help = w.help.as_deref().unwrap_or_default();
    // The shared words come last, so they are what is cut.
    assert!(help.contains("at dusk"), "{help}");
    // Previz reads no text.
    let (checked, plan) = plan_source(&format!(
        "scene s at yard {{ shot one 2s {{ a at center\n prompt \"{long}\" }} }}"
    ));
    let none = lint::lint(
        &checked.film,
        &checked.sources,
        &plan.schedule,
        TextBudget::NONE,
    );
    assert!(none.iter().all(|d| d.code != lint::W0403));
}

#[test]
fn a_written_position_holds_under_on() {
    // A medium framing: the camera turns so Ana's box is centred where she is written.
    let (_, plan) = plan_source(
        "scene s at yard { shot one 2s { camera medium on a\n b at (15%, 70%); a at (60%, 80%) } }",
    );
    let shot = &plan.schedule.shots[0];
    let ana = shot.subjects.iter().find(|s| s.character == "a").unwrap();
    let b = ana.boxes[0];
    assert!(
        ((b[0] + b[2] / 2.0) - 0.60).abs() < 1e-3,
        "Ana's centre at x = 0.60: {b:?}"
    );
    // Without a written point, `on` centres.
    let (_, plan) =
        plan_source("scene s at yard { shot one 2s { camera medium on a\n a does \"waits\" } }");
    let b = plan.schedule.shots[0].subjects[0].boxes[0];
    assert!(((b[0] + b[2] / 2.0) - 0.5).abs() < 1e-3, "{b:?}");
}

#[test]
fn the_reunion_draws_mara_where_she_is_written() {
    let entry =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/the_reunion/film.scene");
    let checked = check_entry(&entry, &RealFs);
    assert!(!checked.has_errors());
    let plan = plan_film(&checked.film);
    for name in ["ots_mara", "ots_mara_again"] {
        let shot = plan.schedule.shots.iter().find(|s| s.name == name).unwrap();
        let mara = shot
            .subjects
            .iter()
            .find(|s| s.character == "mara")
            .unwrap();
        let b = mara.boxes[0];
        let x = b[0] + b[2] / 2.0;
        assert!((x - 0.60).abs() < 1e-3, "{name}: Mara at x = {x}");
    }
}

#[test]
fn a_camera_move_that_loses_a_named_subject_warns_with_time_and_move() {
    let d = lints(
        "scene s at yard { shot one 4s { camera medium, truck right 3m over 2s\n a at center } }",
    );
    let w = d
        .iter()
        .find(|d| d.code == lint::W0401)
        .expect("W0401 when a truck leaves Ana behind");
    assert!(
        w.message.contains("Ana leaves the frame at"),
        "{}",
        w.message
    );
    assert!(w.message.contains("truck right 3m"), "{}", w.message);
    assert!(w.help.as_deref().unwrap_or("").contains("keep a"));
    // A subject who walks out on her own is not the camera's doing.
    let d = lints("scene s at yard { shot one 4s { camera medium\n a at center, exits right } }");
    assert!(d.iter().all(|d| d.code != lint::W0401), "{d:#?}");
    // A short excursion (under half a second) is fine.
    let d = lints("scene s at yard { shot one 4s { camera medium, static\n a at center } }");
    assert!(d.iter().all(|d| d.code != lint::W0401), "{d:#?}");
}

#[test]
fn a_crane_that_loses_the_subject_warns() {
    let d = lints(
        "scene s at yard { shot one 4s { camera medium on a, crane up 3m over 1s\n a at center } }",
    );
    assert!(
        d.iter()
            .any(|d| d.code == lint::W0401 && d.message.contains("crane up 3m")),
        "{d:#?}"
    );
}

#[test]
fn an_entrance_that_ends_on_another_subject_warns() {
    let d = lints("scene s at yard { shot one 4s { camera wide\n a at center\n b enters right } }");
    let w = d
        .iter()
        .find(|d| d.code == lint::W0402)
        .expect("W0402: Ben walks to centre, where Ana stands");
    assert!(
        w.message.contains("b's entrance ends on a"),
        "{}",
        w.message
    );
    let d = lints("scene s at yard { shot one 4s { camera wide\n a at left\n b enters right } }");
    assert!(d.iter().all(|d| d.code != lint::W0402), "{d:#?}");
}

#[test]
fn every_plan_code_is_documented() {
    let docs = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md"),
    )
    .unwrap();
    for code in lint::ALL {
        assert!(
            docs.contains(&format!("### {}", code.0)),
            "docs/diagnostics.md does not document {}",
            code.0
        );
    }
}

/// One generated statement: who does what, when (in frames of a 24 fps, 4 s shot).
#[derive(Clone, Debug)]
enum Said {
    Does {
        who: usize,
        text: String,
        frame: u32,
    },
    At {
        text: String,
        frame: u32,
    },
    Says {
        who: usize,
        text: String,
        frame: u32,
    },
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z]{3,8}", 1..4).prop_map(|w| w.join(" "))
}

fn said() -> impl Strategy<Value = Said> {
    prop_oneof![
        (0..2usize, words(), 0..96u32).prop_map(|(who, text, frame)| Said::Does {
            who,
            text,
            frame
        }),
        (words(), 0..96u32).prop_map(|(text, frame)| Said::At { text, frame }),
        (0..2usize, words(), 0..72u32).prop_map(|(who, text, frame)| Said::Says {
            who,
            text,
            frame
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every `does`, `at "…"` and `says` of a generated shot is in the schedule at its frame:
    /// actions and keyframe texts in the prompt in force at that frame, lines in the dialogue
    /// starting there.
    #[test]
    fn everything_said_is_in_the_schedule_at_its_frame(
        statements in prop::collection::vec(said(), 1..6)
    ) {
        let who = ["a", "b"];
        let mut body = String::from("scene s at yard { shot one 4s {\n a at left; b at right\n");
        for s in &statements {
            match s {
                Said::Does { who: w, text, frame } => {
                    body += &format!(" {} does \"{text}\" at {frame}f\n", who[*w]);
                }
                Said::At { text, frame } => body += &format!(" at {frame}f \"{text}\"\n"),
                Said::Says { who: w, text, frame } => {
                    body += &format!(" {} says \"{text}\" at {frame}f\n", who[*w]);
                }
            }
        }
        body += "} }";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("film.scene");
        std::fs::write(&path, format!("{PRELUDE}{body}")).unwrap();
        let checked = check_entry(&path, &RealFs);
        prop_assume!(!checked.has_errors());
        let plan = plan_film(&checked.film);
        let shot = &plan.schedule.shots[0];
        let names = ["Ana", "Ben"];
        for s in &statements {
            match s {
                Said::Does { who: w, text, frame } => {
                    let prompt = prompt_at(shot, *frame);
                    prop_assert!(prompt.contains(&format!("{} {text}", names[*w])),
                        "{} {text} at {frame}: {prompt}", names[*w]);
                }
                Said::At { text, frame } => {
                    let prompt = prompt_at(shot, *frame);
                    prop_assert!(prompt.contains(text.as_str()), "{text} at {frame}: {prompt}");
                }
                Said::Says { who: w, text, frame } => {
                    prop_assert!(shot.dialogue.iter().any(|l| l.character == who[*w]
                        && &l.text == text && l.start_frame.0 == *frame),
                        "{} says {text} at {frame}: {:?}", who[*w], shot.dialogue);
                }
            }
        }
    }
}
