//! The films in `examples/prompts/`, each translated from a published text-to-video prompt:
//! every one checks with no diagnostics, plans into a schedule that validates against the schema,
//! and its schedule says what the prompt asked for — the prop at its real size, the followed
//! subject staying put, the camera's side, the focus distance per frame and the prompt's words.

use std::path::PathBuf;

use scene_check::{check_entry, RealFs};
use scene_plan::lint;
use scene_plan::tokens::TextBudget;
use serde_json::Value;

const FILMS: [&str; 4] = [
    "robot_workshop",
    "platform_dawn",
    "interrogation",
    "winter_creature",
];

/// The film's schedule as JSON, after asserting it checks and lints clean and fits the schema.
fn schedule(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/prompts")
        .join(format!("{name}.scene"));
    let checked = check_entry(&path, &RealFs);
    let diagnostics: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(diagnostics.is_empty(), "{name}: {diagnostics:#?}");
    // With the scratch voices, as `scenec check` and `scenec schedule` plan: the dialogue's
    // timing warnings (W0201–W0203) must be absent too.
    let plan = scene_plan::plan(&checked.film, &scene_voice::Voices::open(None));
    let timing: Vec<String> = plan
        .dialogue
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(timing.is_empty(), "{name}: {timing:#?}");
    let lints = lint::lint(
        &checked.film,
        &checked.sources,
        &plan.schedule,
        TextBudget::LTX,
    );
    assert!(lints.is_empty(), "{name}: {lints:#?}");
    let value = serde_json::to_value(&plan.schedule).unwrap();
    let schema: Value = serde_json::from_str(&scene_plan::schema::schedule_schema_json()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    value
}

fn shot<'a>(s: &'a Value, name: &str) -> &'a Value {
    s["shots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()
}

fn subject<'a>(shot: &'a Value, id: &str) -> &'a Value {
    shot["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["character"] == id)
        .unwrap()
}

fn prompt(shot: &Value) -> String {
    shot["prompt_keyframes"][0]["text"]
        .as_str()
        .unwrap()
        .to_string()
}

fn boxes(subject: &Value) -> Vec<[f64; 4]> {
    serde_json::from_value(subject["boxes"].clone()).unwrap()
}

fn focus(shot: &Value) -> Vec<f64> {
    shot["camera"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["focus_m"].as_f64().unwrap())
        .collect()
}

#[test]
fn every_translated_film_checks_clean_and_fits_the_schema() {
    // `ten_props` is the previz benchmark's film (not a translation); it must check clean too.
    for name in FILMS.into_iter().chain(["ten_props"]) {
        let s = schedule(name);
        assert!(!s["shots"].as_array().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn robot_workshop_is_an_interior_with_a_small_bulb_and_a_rack_focus() {
    let s = schedule("robot_workshop");
    let push = shot(&s, "push_in");
    let bulb = subject(push, "bulb");
    assert_eq!(bulb["kind"], "prop");
    assert_eq!(bulb["dimensions_m"], serde_json::json!([0.06, 0.12]));
    // A 12 cm bulb is a small shape in a chest-up frame, not a standing figure.
    let robot = boxes(subject(push, "robot"))[0];
    let b = boxes(bulb)[0];
    assert!(b[3] < robot[3] / 5.0, "bulb {b:?} robot {robot:?}");
    assert!(
        b[1] > 0.0 && b[1] + b[3] < 1.0,
        "the bulb is in frame: {b:?}"
    );
    // Focus on the robot first, then the rack from 2s (frame 48) carries it to the bulb nearer
    // the lens: the distance falls over the rack and settles.
    let f = focus(push);
    assert_eq!(f.len(), 96);
    assert!(f[47] > f[72] + 0.1, "{:?}", &f[40..80]);
    let words = prompt(push);
    for w in [
        "interior",
        "medium close-up",
        "shallow depth of field",
        "rack focus from Robot to the bulb",
        "a humming light bulb",
        "dollies in",
    ] {
        assert!(words.contains(w), "{w:?} not in {words:?}");
    }
}

#[test]
fn platform_dawn_has_a_sixty_metre_train_and_racks_to_it() {
    let s = schedule("platform_dawn");
    assert_eq!(s["loudness_lufs"], -20.0);
    let drift = shot(&s, "arrival_drift");
    let train = subject(drift, "train");
    assert_eq!(train["kind"], "prop");
    assert_eq!(train["dimensions_m"], serde_json::json!([60.0, 4.0]));
    // A 60 m train is wider than the frame; the 9 cm cup is a sliver beside the traveler.
    assert!(boxes(train).iter().all(|b| b[2] > 1.0));
    let cup = boxes(subject(drift, "cup"))[0];
    let traveler = boxes(subject(drift, "traveler"))[0];
    assert!(
        cup[3] < traveler[3] / 5.0,
        "cup {cup:?} traveler {traveler:?}"
    );
    assert!(prompt(drift).contains("shallow depth of field"));
    // The second shot racks from the traveler (~1.6 m) to the train beyond her from 400ms.
    let turn = shot(&s, "turn_and_pause");
    let f = focus(turn);
    assert!(
        (f[0] - f[9]).abs() < 1e-9,
        "held before the rack: {:?}",
        &f[..10]
    );
    assert!(f[0] < 2.0 && *f.last().unwrap() > 4.0, "{f:?}");
    assert!(prompt(turn).contains("rack focus from Traveler to the train"));
}

#[test]
fn interrogation_hangs_its_bulb_and_looks_past_the_detective() {
    let s = schedule("interrogation");
    let two = shot(&s, "two_shot");
    assert_eq!(
        subject(two, "table")["dimensions_m"],
        serde_json::json!([1.2, 0.75])
    );
    let bulb = boxes(subject(two, "bulb"))[0];
    let table = boxes(subject(two, "table"))[0];
    // Hung 2.2 m up, the bulb's box sits above the table's.
    assert!(
        bulb[1] + bulb[3] < table[1],
        "bulb {bulb:?} table {table:?}"
    );
    let words = prompt(two);
    assert!(words.contains("interior"), "{words:?}");
    assert!(words.contains("from above"), "{words:?}");
    let reverse = shot(&s, "reverse");
    assert!(prompt(reverse).contains("over the shoulder of Detective onto Suspect"));
    // The detective's shoulder crowds the near edge of the frame.
    let detective = boxes(subject(reverse, "detective"))[0];
    assert!(detective[0] < 0.0, "{detective:?}");
}

#[test]
fn winter_creature_is_tracked_then_seen_from_behind_in_slow_motion() {
    let s = schedule("winter_creature");
    let tracking = shot(&s, "tracking");
    let b = boxes(subject(tracking, "creature"));
    // Following the run, the camera keeps the creature's box where it was in frame.
    for (i, x) in b.iter().enumerate() {
        for k in 0..4 {
            assert!(
                (x[k] - b[0][k]).abs() < 1e-6,
                "frame {i}: {x:?} vs {:?}",
                b[0]
            );
        }
    }
    assert!(prompt(tracking).contains("tracking shot following Creature"));
    let leap = shot(&s, "leap");
    assert_eq!(leap["speed"], 0.5);
    let view = subject(leap, "creature")["view_deg"][0].as_f64().unwrap();
    assert!((view.abs() - 180.0).abs() < 1.0, "{view}");
    let words = prompt(leap);
    assert!(words.contains("seen from behind"), "{words:?}");
    assert!(words.contains("slow motion"), "{words:?}");
}
