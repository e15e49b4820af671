//! Character boxes: stage keys placed in the world and seen through every frame's camera.

mod common;

use common::*;
use scene_check::film::{CameraMove, Ease, Film, Framing, MoveKind, PresetRef, TimeOfDay, Weather};
use scene_check::units::Angle;
use scene_check::units::Fraction;
use scene_plan::blocking::in_frame;
use scene_plan::schedule::ShotSchedule;

fn film_with(
    framing: Framing,
    frames: u32,
    moves: Vec<CameraMove>,
    blocking: Vec<Vec<scene_check::film::StageKey>>,
) -> Film {
    let mut b = FilmBuilder::new("Boxes");
    let loc = b.location("street", "a street", TimeOfDay::Night, Weather::Rain);
    let scene = b.scene("s", loc);
    let shot = b.shot(scene, "shot", frames);
    b.camera_moves(shot, Some(PresetRef::Framing(framing)), moves);
    for (i, keys) in blocking.into_iter().enumerate() {
        let c = b.character(&format!("c{i}"), &format!("person {i}"));
        b.block(shot, c, keys);
    }
    b.build()
}

fn plan_one(film: &Film) -> ShotSchedule {
    common::plan(film).schedule.shots.remove(0)
}

fn centre(b: [f64; 4]) -> (f64, f64) {
    (b[0] + b[2] / 2.0, b[1] + b[3] / 2.0)
}

#[test]
fn centre_character_is_centred() {
    for framing in [
        Framing::Wide,
        Framing::Full,
        Framing::Medium,
        Framing::Closeup,
    ] {
        let s = plan_one(&film_with(
            framing,
            24,
            vec![],
            vec![vec![key(0, CENTER, FEET, 1.0)]],
        ));
        let b = s.subjects[0].boxes[0];
        assert_eq!(s.subjects[0].boxes.len(), 24);
        assert!((centre(b).0 - 0.5).abs() < 1e-9, "{framing:?}: {b:?}");
    }
}

#[test]
fn wide_shot_stands_the_person_on_the_stage_line() {
    let s = plan_one(&film_with(
        Framing::Full,
        1,
        vec![],
        vec![vec![key(0, CENTER, FEET, 1.0)]],
    ));
    let b = s.subjects[0].boxes[0];
    // A full shot covers 1.2 × the person's height: the box is about 1/1.2 of the frame high and
    // its feet are near 85 % down.
    assert!((b[3] - 1.0 / 1.2).abs() < 0.05, "{b:?}");
    assert!((b[1] + b[3] - 0.85).abs() < 0.05, "{b:?}");
    // 0.5 m wide on a 1.7 m person, in a 3:2 frame.
    assert!((b[2] / b[3] - 0.5 / 1.7 / 1.5).abs() < 0.02, "{b:?}");
}

#[test]
fn left_and_right_sit_at_a_quarter_and_three_quarters() {
    let s = plan_one(&film_with(
        Framing::Wide,
        1,
        vec![],
        vec![
            vec![key(0, LEFT, FEET, 1.0)],
            vec![key(0, RIGHT, FEET, 1.0)],
        ],
    ));
    let (l, r) = (
        centre(s.subjects[0].boxes[0]).0,
        centre(s.subjects[1].boxes[0]).0,
    );
    // The body's middle projects exactly to the stage point; the box around the 0.5 m billboard is
    // off by the perspective of its width only.
    assert!((l - 0.25).abs() < 1e-3, "{l}");
    assert!((r - 0.75).abs() < 1e-3, "{r}");
}

#[test]
fn entering_from_the_left_starts_off_screen_and_walks_in() {
    for framing in [Framing::Wide, Framing::Medium, Framing::Closeup] {
        // enters left at 0, walks to centre by frame 36
        let s = plan_one(&film_with(
            framing,
            48,
            vec![],
            vec![vec![key(0, -0.05, FEET, 1.0), key(36, CENTER, FEET, 1.0)]],
        ));
        let boxes = &s.subjects[0].boxes;
        assert!(!in_frame(boxes[0]), "{framing:?}: {:?}", boxes[0]);
        assert!(
            boxes[0][0] + boxes[0][2] <= 0.0,
            "wholly left of the frame: {:?}",
            boxes[0]
        );
        assert!(in_frame(boxes[36]) && (centre(boxes[36]).0 - 0.5).abs() < 1e-9);
        // Moves steadily right.
        assert!(boxes.windows(2).take(36).all(|w| w[1][0] > w[0][0]));
        assert!(boxes[36..].iter().all(|b| b == &boxes[36]));
    }
}

#[test]
fn pan_right_moves_boxes_left() {
    let s = plan_one(&film_with(
        Framing::Wide,
        48,
        vec![mv(MoveKind::Pan(Angle(20.0)), 0, 48, Ease::InOut)],
        vec![vec![key(0, CENTER, FEET, 1.0)]],
    ));
    let boxes = &s.subjects[0].boxes;
    assert!(centre(boxes[47]).0 < 0.5 - 0.2, "{:?}", boxes[47]);
    assert!(boxes.windows(2).all(|w| w[1][0] <= w[0][0]));
}

#[test]
fn dolly_in_grows_the_box() {
    let s = plan_one(&film_with(
        Framing::Wide,
        48,
        vec![mv(MoveKind::Dolly(Fraction(0.5)), 0, 48, Ease::InOut)],
        vec![vec![key(0, CENTER, FEET, 1.0)]],
    ));
    let boxes = &s.subjects[0].boxes;
    // Half the distance: twice the height (to within the pitch's perspective).
    let ratio = boxes[47][3] / boxes[0][3];
    assert!((ratio - 2.0).abs() < 0.1, "{ratio}");
    assert!((centre(boxes[47]).0 - 0.5).abs() < 1e-9);
}

#[test]
fn orbit_180_swaps_left_and_right() {
    let s = plan_one(&film_with(
        Framing::Wide,
        48,
        vec![mv(
            MoveKind::Orbit {
                around: None,
                angle: Angle(180.0),
            },
            0,
            48,
            Ease::InOut,
        )],
        vec![vec![key(0, 0.4, FEET, 1.0)]],
    ));
    let boxes = &s.subjects[0].boxes;
    assert!(
        centre(boxes[0]).0 < 0.5 && centre(boxes[47]).0 > 0.5,
        "{:?} {:?}",
        boxes[0],
        boxes[47]
    );
}

#[test]
fn farther_back_is_smaller() {
    let s = plan_one(&film_with(
        Framing::Wide,
        1,
        vec![],
        vec![
            vec![key(0, CENTER, FEET, 1.0)],
            vec![key(0, CENTER, FEET, 2.0)],
            vec![key(0, CENTER, 0.7, 1.0)],
        ],
    ));
    let h: Vec<f64> = s.subjects.iter().map(|s| s.boxes[0][3]).collect();
    assert!(h[1] < h[0] * 0.6 && h[2] < h[0], "{h:?}");
}

#[test]
fn characters_in_frame_enter_the_prompt() {
    let mut film = film_with(
        Framing::Wide,
        48,
        vec![],
        vec![
            vec![key(0, CENTER, FEET, 1.0)],
            vec![key(0, 1.05, FEET, 1.0), key(24, RIGHT, FEET, 1.0)],
        ],
    );
    film.shots[0].prompts.push(scene_check::film::PromptKey {
        frame: scene_check::units::Frames(30),
        text: "they meet".into(),
        span: span(),
    });
    let s = plan_one(&film);
    let k0 = &s.prompt_keyframes[0].text;
    let k1 = &s.prompt_keyframes[1].text;
    assert!(
        k0.contains("c0: person 0.") && !k0.contains("c1: person 1"),
        "{k0}"
    );
    assert!(
        k1.contains("c0: person 0.") && k1.contains("c1: person 1."),
        "{k1}"
    );
}
