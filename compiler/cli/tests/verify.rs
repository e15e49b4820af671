//! End-to-end tests of `scenec verify`: bless, pass, and each kind of change reported as what
//! it is.

mod common;

use common::{small_project, stderr, stdout};

fn verify(p: &common::Project, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", "film.scene", "--golden", "golden"];
    args.extend_from_slice(extra);
    p.run(&args)
}

#[test]
fn bless_then_verify_passes() {
    let p = small_project();
    let out = verify(&p, &["--bless"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(p.path("golden/golden.json").is_file());
    assert!(p.path("golden/shots/first.schedule.json").is_file());
    let out = verify(&p, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("3 of 3 shots match"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_one_word_prompt_change_fails_exactly_that_shot() {
    let p = small_project();
    assert_eq!(verify(&p, &["--bless"]).status.code(), Some(0));
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    p.write(
        "film.scene",
        &src.replace("the yard is empty", "the yard is quiet"),
    );
    let out = verify(&p, &["--report", "report.html"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("REGRESSED third"), "{text}");
    assert!(
        !text.contains("REGRESSED first") && !text.contains("REGRESSED second"),
        "{text}"
    );
    assert!(
        text.contains("shot_text: \"the yard is empty\" → \"the yard is quiet\""),
        "{text}"
    );
    let html = std::fs::read_to_string(p.path("report.html")).unwrap();
    assert!(
        html.contains("the yard is quiet") && html.contains("the yard is empty"),
        "the report shows the changed text"
    );
    assert!(
        html.contains("data:image/png;base64,"),
        "the report shows frames"
    );
}

#[test]
fn a_timing_change_reports_shifted_shots_as_moved() {
    let p = small_project();
    assert_eq!(verify(&p, &["--bless"]).status.code(), Some(0));
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    // The dissolve gets shorter: `second` and `third` start later, with unchanged content.
    p.write("film.scene", &src.replace("dissolve 250ms", "dissolve 2f"));
    let out = verify(&p, &[]);
    let text = stdout(&out);
    assert!(
        text.contains("moved     third: content unchanged"),
        "{text}"
    );
    assert!(!text.contains("REGRESSED third"), "{text}");
}

#[test]
fn a_moved_cue_is_reported_as_the_cue_moving_and_nothing_else() {
    let p = small_project();
    assert_eq!(verify(&p, &["--bless"]).status.code(), Some(0));
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    // At 12 fps: frame 6 → frame 3.
    p.write(
        "film.scene",
        &src.replace("at 500ms play bell", "at 250ms play bell"),
    );
    let out = verify(&p, &[]);
    let text = stdout(&out);
    assert!(text.contains("REGRESSED second"), "{text}");
    assert!(
        text.contains("cue \"bell\": audio[0].start_frame: frame 6 → frame 3"),
        "the cue's move in words: {text}"
    );
    // Golden floats read back exactly: boxes, camera and weights did not change, so they are
    // not reported.
    assert!(!text.contains("boxes"), "{text}");
    assert!(!text.contains("camera"), "{text}");
    // It plays to its scene's end, so it also lasts three frames longer; that is all.
    assert!(
        text.contains("audio[0].frames: 6 frames → 9 frames"),
        "{text}"
    );
    assert!(
        text.contains("(2 differences); 0 of 12 frames differ"),
        "{text}"
    );
}

#[test]
fn removed_and_added_shots_are_reported() {
    let p = small_project();
    assert_eq!(verify(&p, &["--bless"]).status.code(), Some(0));
    let src = std::fs::read_to_string(p.path("film.scene")).unwrap();
    p.write(
        "film.scene",
        &src.replace("shot third 1s", "shot fourth 1s"),
    );
    let out = verify(&p, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("REMOVED   third"), "{text}");
    assert!(text.contains("ADDED     fourth"), "{text}");
}

#[test]
fn goldens_of_an_older_schedule_version_get_a_clear_message() {
    let p = small_project();
    assert_eq!(verify(&p, &["--bless"]).status.code(), Some(0));
    let path = p.path("golden/golden.json");
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    index["schedule_version"] = serde_json::json!(0);
    std::fs::write(&path, index.to_string()).unwrap();
    let out = verify(&p, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("schedule version 0") && err.contains("--bless"),
        "{err}"
    );
}

#[test]
fn missing_goldens_say_how_to_make_them() {
    let p = small_project();
    let out = verify(&p, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--bless"), "{}", stderr(&out));
}
