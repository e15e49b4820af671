//! Language version 2 from source to schedule: props boxed at their real size, lifted, held and
//! dropped; interiors and lights; slow motion; the loudness target. Each says what the schedule
//! and the composed prompt must carry.

use std::path::Path;

use scene_check::{check_entry, RealFs};
use scene_plan::schedule::{LightQuality, LightSide, ShotSchedule, SubjectKind};

fn plan_source(src: &str) -> scene_plan::FilmPlan {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("film.scene");
    std::fs::write(&path, src).unwrap();
    let checked = check_entry(Path::new(&path), &RealFs);
    let errors: Vec<String> = checked.errors().map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    scene_plan::plan(
        &checked.film,
        &scene_voice::ReadingSpeed::new("not a speech test"),
    )
}

const FILM: &str = r#"
film "Props" {
    size 768x512
    fps 24
    seed 3
    loudness -23LUFS
}

character aiko { name "Aiko"; description "a young woman in a red raincoat" }

prop train {
    description "a silver commuter train, its windows a ribbon of light"
    dimensions 60m 4m
}
prop lantern { description "a paper lantern glowing orange"; dimensions 0.25m 0.35m }
prop bulb { description "a bare light bulb"; dimensions 0.1m 0.15m }

location platform {
    description "an elevated train platform"
    time night
    weather rain
}

location workshop {
    description "a cluttered clockmaker's workshop"
    setting interior
    time night
    weather rain
    light key from left soft 3200K
    light rim from back hard 5600K 40%
}

scene station at platform {
    shot arrives 4s {
        camera wide
        train at center
    }
    shot lantern_close 2s {
        camera closeup on lantern
        lantern at center
    }
}

scene inside at workshop {
    shot hands 4s {
        camera full
        light rim from back hard 8000K 60%
        aiko at center, holds lantern at 1s, drops lantern at 2s
    }
    shot fall 4s {
        speed 25%
        camera wide
        bulb at (50%, 85%) above 2.5m, moves to (50%, 85%) above 0m over 3s
    }
}
"#;

fn shot<'a>(plan: &'a scene_plan::FilmPlan, name: &str) -> &'a ShotSchedule {
    plan.schedule.shots.iter().find(|s| s.name == name).unwrap()
}

#[test]
fn a_train_seen_wide_spans_the_frame_and_a_lantern_in_closeup_does_not_fill_it() {
    let plan = plan_source(FILM);
    let arrives = shot(&plan, "arrives");
    let train = &arrives.subjects[0];
    assert_eq!(train.kind, SubjectKind::Prop);
    assert_eq!(train.dimensions_m, Some([60.0, 4.0]));
    let b = train.boxes[0];
    assert!(b[2] >= 0.9, "a 60 m train seen wide spans the frame: {b:?}");
    assert!(b[3] < 0.5 * b[2], "and is long, not tall: {b:?}");
    let text = &arrives.prompt_keyframes[0].text;
    assert!(text.contains("a silver commuter train"), "{text}");
    assert!(
        !text.contains("train:"),
        "a prop is described, not named: {text}"
    );

    let close = shot(&plan, "lantern_close");
    let b = close.subjects[0].boxes[0];
    assert!(b[3] > 0.2 && b[3] < 0.95, "{b:?}");
    assert!(b[2] < 0.9, "{b:?}");
}

#[test]
fn a_held_prop_rides_in_the_hand_then_falls_to_the_ground() {
    let plan = plan_source(FILM);
    let hands = shot(&plan, "hands");
    let lantern = hands
        .subjects
        .iter()
        .find(|s| s.character == "lantern")
        .unwrap();
    let aiko = hands
        .subjects
        .iter()
        .find(|s| s.character == "aiko")
        .unwrap();
    let bottom = |b: [f64; 4]| b[1] + b[3];
    // Held (frame 36): about a metre up, inside the holder's box, above her feet.
    let (held, person) = (lantern.boxes[36], aiko.boxes[36]);
    assert!(
        bottom(held) < bottom(person) - 0.05 * person[3],
        "{held:?} {person:?}"
    );
    assert!(held[1] > person[1], "{held:?} {person:?}");
    // Dropped at 2s: by the end it lies lower than it was held.
    let end = *lantern.boxes.last().unwrap();
    assert!(bottom(end) > bottom(held) + 0.05, "{end:?} vs {held:?}");
    assert!(hands.prompt_keyframes[0].text.contains("interior"));
}

#[test]
fn lights_resolve_by_name_and_are_said_in_words() {
    let plan = plan_source(FILM);
    let hands = shot(&plan, "hands");
    assert_eq!(hands.lights.len(), 2);
    let key = &hands.lights[0];
    assert!(key.key && key.name == "key");
    assert_eq!(
        (key.from, key.quality),
        (LightSide::Left, Some(LightQuality::Soft))
    );
    assert_eq!(key.kelvin, Some(3200.0));
    let rim = &hands.lights[1];
    assert_eq!(
        rim.kelvin,
        Some(8000.0),
        "the shot's rim replaces the location's"
    );
    assert!((rim.intensity - 0.6).abs() < 1e-12 && !rim.key);
    let text = &hands.prompt_keyframes[0].text;
    assert!(text.contains("soft warm key light from the left"), "{text}");
    assert!(text.contains("hard cool rim light from behind"), "{text}");
    assert!(hands.setting.interior);
    assert!(text.contains("rain against the windows"), "{text}");
}

#[test]
fn slow_motion_is_said_and_carried() {
    let plan = plan_source(FILM);
    let fall = shot(&plan, "fall");
    assert_eq!(fall.speed, 0.25);
    assert!(fall.prompt_keyframes[0]
        .text
        .contains("extreme slow motion"));
    let bulb = &fall.subjects[0];
    // Lifted 2.5 m at first, on the ground at the end.
    let (first, last) = (bulb.boxes[0], *bulb.boxes.last().unwrap());
    assert!(
        first[1] + first[3] < last[1] + last[3] - 0.05,
        "{first:?} {last:?}"
    );
    assert_eq!(shot(&plan, "arrives").speed, 1.0);
}

#[test]
fn loudness_is_carried_and_defaults_to_minus_sixteen() {
    let plan = plan_source(FILM);
    assert_eq!(plan.schedule.loudness_lufs, -23.0);
    let json = serde_json::to_string(&plan.schedule).unwrap();
    assert!(
        json.contains("\"loudness_lufs\":-23.0"),
        "written when not the default"
    );
    let plain = plan_source(&FILM.replace("loudness -23LUFS", ""));
    assert_eq!(plain.schedule.loudness_lufs, -16.0);
    let json = serde_json::to_string(&plain.schedule).unwrap();
    assert!(!json.contains("loudness_lufs"), "left out at the default");
}

/// Where `needle` starts in `text`, failing with the text when it is absent.
fn at(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} missing from {text:?}"))
}

#[test]
fn props_words_keep_the_particular_first_and_the_shared_last() {
    let plan = plan_source(FILM);
    // A hand taking and letting go of a prop starts a keyframe, so "holds" and "drops" reach the
    // prompt when they happen.
    let hands = shot(&plan, "hands");
    let frames: Vec<u32> = hands.prompt_keyframes.iter().map(|k| k.frame.0).collect();
    assert_eq!(frames, [0, 24, 48], "{frames:?}");
    let held = &hands.prompt_keyframes[1].text;
    // Particular: who holds what, the subjects in frame (a prop by its description), the camera;
    // then shared: location, interior with its weather, the lights.
    let holds = at(held, "Aiko holds the lantern");
    let aiko = at(held, "Aiko: a young woman");
    let lantern = at(held, "a paper lantern glowing orange");
    let location = at(held, "a cluttered clockmaker's workshop");
    let interior = at(held, "interior");
    let light = at(held, "soft warm key light from the left");
    assert!(holds < aiko && aiko < lantern, "{held}");
    assert!(lantern < location, "{held}");
    assert!(location < interior && interior < light, "{held}");
    assert!(hands.prompt_keyframes[2]
        .text
        .starts_with("Aiko drops the lantern."));

    // Speed reads with the camera, before the shared words.
    let fall = &shot(&plan, "fall").prompt_keyframes[0].text;
    assert!(at(fall, "extreme slow motion") < at(fall, "a cluttered clockmaker's workshop"));

    // Token counts are of the final text.
    for s in &plan.schedule.shots {
        for k in &s.prompt_keyframes {
            assert_eq!(
                k.tokens,
                scene_plan::tokens::estimate(&k.text),
                "{}",
                k.text
            );
        }
    }
}
