//! Item 4: a number of 309 digits is infinity as a 64-bit float, and infinity slipped past the
//! range checks: `at <309 digits>s "x"` was placed at frame 0, `crane up <309 digits>m` put
//! `null` in the schedule where the schema requires numbers. Every non-finite value is now a
//! range error.

use crate::common::Project;
use crate::harness::{scenec, Bounds, PRELUDE};

/// 2 followed by 308 zeros: past the largest 64-bit float (about 1.8e308).
fn huge() -> String {
    format!("2{}", "0".repeat(308))
}

fn check_json(p: &Project) -> Vec<serde_json::Value> {
    let run = scenec(
        p.dir.path(),
        &["check", "--format", "json", "film.scene"],
        Bounds::QUICK,
    );
    serde_json::from_str::<serde_json::Value>(&run.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_field_refuses_an_infinite_number() {
    let big = huge();
    let cases = [
        format!("scene s at street {{ shot a 2s {{ at {big}s \"x\" }} }}"),
        format!("scene s at street {{ shot a 2s {{ camera wide, crane up {big}m }} }}"),
        format!("scene s at street {{ shot a 2s {{ camera wide, pan left {big}deg }} }}"),
        format!("scene s at street {{ shot a 2s {{ camera wide, dolly in {big}% }} }}"),
        format!("scene s at street {{ shot a 2s {{ lens {big}mm }} }}"),
        format!("scene s at street {{ shot a {big}s {{ prompt \"x\" }} }}"),
        format!("scene s at street {{ shot a 2s {{ aiko at ({big}%, 50%) }} }}"),
        format!("film \"T\" {{ fps {big} }}"),
        format!("film \"T\" {{ guidance {big} }}"),
        format!("sound x = sfx \"a.wav\" {big}dB"),
        format!("scene s at street {{ shot a 2s {{ prompt \"x\" }}\n dissolve {big}ms\n shot b 2s {{ prompt \"y\" }} }}"),
    ];
    for body in cases {
        let p = Project::new();
        p.write_bytes("a.wav", &crate::common::wav_sine(0.2, 440.0));
        p.write("film.scene", &format!("{PRELUDE}{body}\n"));
        let diagnostics = check_json(&p);
        assert!(
            diagnostics.iter().any(|d| d["severity"] == "error"),
            "no error for: {body}"
        );
        // Not one of them is accepted as a value: each is an error on the number itself.
        let start = p.path("film.scene");
        let text = std::fs::read_to_string(&start).unwrap();
        let at = text.find(&big).unwrap();
        assert!(
            diagnostics.iter().any(|d| d["severity"] == "error"
                && d["span"]["start"].as_u64().unwrap() as usize <= at
                && d["span"]["end"].as_u64().unwrap() as usize >= at + big.len()),
            "no error on the number in: {body}\n{diagnostics:#?}"
        );
        scenec(p.dir.path(), &["schedule", "film.scene"], Bounds::QUICK).expect(1, "");
    }
}

#[test]
fn an_infinite_time_is_e0308_not_frame_zero() {
    let p = Project::new();
    p.write(
        "film.scene",
        &format!(
            "{PRELUDE}scene s at street {{ shot a 2s {{ aiko at center\n at {}s \"x\" }} }}\n",
            huge()
        ),
    );
    let diagnostics = check_json(&p);
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0308"], "{diagnostics:#?}");
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("309-digit number"));
}

#[test]
fn a_seed_of_309_digits_is_still_a_seed_error() {
    let p = Project::new();
    p.write(
        "film.scene",
        &format!("{PRELUDE}film \"T\" {{ seed {} }}\n", huge()),
    );
    let codes: Vec<String> = check_json(&p)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["E0306"]);
}

/// The largest finite numbers the checker accepts never turn into `null` (infinity or NaN) in
/// a schedule.
#[test]
fn finite_extremes_keep_the_schedule_numeric() {
    let near_max = format!("1{}", "0".repeat(300));
    let p = Project::new();
    p.write(
        "film.scene",
        &format!(
            "{PRELUDE}scene s at street {{ shot a 2s {{ camera wide, crane up {near_max}m, pan left {near_max}deg, orbit {near_max}deg, dolly in 100%\n aiko at center }} }}\n"
        ),
    );
    let run = scenec(p.dir.path(), &["schedule", "film.scene"], Bounds::QUICK);
    if run.code != Some(0) {
        run.expect(1, "E03");
        return;
    }
    let schedule: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for shot in schedule["shots"].as_array().unwrap() {
        for pose in shot["camera"].as_array().unwrap() {
            let numbers = pose["position"].as_array().unwrap().iter().chain([
                &pose["yaw"],
                &pose["pitch"],
                &pose["roll"],
                &pose["focal_mm"],
            ]);
            for n in numbers {
                assert!(n.is_number(), "a camera value is {n}: {pose}");
            }
        }
        for subject in shot["subjects"].as_array().unwrap() {
            for b in subject["boxes"].as_array().unwrap() {
                assert!(b.as_array().unwrap().iter().all(|v| v.is_number()), "{b}");
            }
        }
    }
}
