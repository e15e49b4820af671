//! Whole films from source: the checker's lowering feeds the planner.

use std::path::Path;

use scene_check::{check_entry, RealFs};

fn plan_source(src: &str) -> scene_plan::FilmPlan {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("film.scene");
    std::fs::write(&path, src).unwrap();
    let checked = check_entry(Path::new(&path), &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    scene_plan::plan(
        &checked.film,
        &scene_voice::ReadingSpeed::new("the test plans by reading speed"),
    )
}

const FILM: &str = r#"
film "Neon Rain" {
    size 768x512
    fps 24
    seed 7
}

character aiko {
    name "Aiko"
    description "a young woman in a red raincoat"
}

location street {
    description "a neon-lit Tokyo street"
    time night
    weather rain
}

scene arrival at street {
    shot opening 6s {
        camera wide, dolly in 30%
        aiko enters left, walks to center over 4s
        at 0s "rain falls in silver streaks"
        at 3s "a train passes behind her"
    }
    dissolve 1s
    shot reply 3s {
        continues opening
        camera closeup on aiko, lens 85mm
        aiko says "It's been ten years." (whispering)
    }
    fade to black 1s
}
"#;

#[test]
fn the_language_example_plans() {
    let plan = plan_source(FILM);
    let s = &plan.schedule;
    assert_eq!((s.fps, s.width, s.height), (24, 768, 512));
    let starts: Vec<(String, u32, u32)> = s
        .shots
        .iter()
        .map(|x| (x.name.clone(), x.start_frame.0, x.frames.0))
        .collect();
    assert_eq!(
        starts,
        vec![("opening".into(), 0, 144), ("reply".into(), 120, 72)]
    );
    assert_eq!(s.frames.0, 192);
    assert_eq!(s.shots[1].transition_out.map(|t| t.frames.0), Some(24));
    assert_eq!(
        s.shots[0].seed,
        scene_plan::seed::derived_seed(7, "opening")
    );
    assert!(
        s.shots[0].camera_text.contains("wide shot")
            && s.shots[0].camera_text.contains("dollies in")
    );
    // Aiko enters from the left: off screen at first, centred once she has arrived.
    let boxes = &s.shots[0].subjects[0].boxes;
    assert!(boxes[0][0] + boxes[0][2] <= 0.0, "{:?}", boxes[0]);
    let c = boxes[143][0] + boxes[143][2] / 2.0;
    assert!((c - 0.5).abs() < 1e-6, "{:?}", boxes[143]);
    assert_eq!(s.shots[1].continues.as_deref(), Some("opening"));
    assert_eq!(s.shots[1].dialogue[0].text, "It's been ten years.");
    assert_eq!(plan.graph.waves().len(), 2);
}
