//! Prompts, looks, audio, dialogue, conditioning and the graph on a small complete film, plus
//! snapshots of the whole output.

mod common;

use scene_plan::schedule::{ConditioningSource, SoundRole, TransitionKind};

fn plan() -> scene_plan::FilmPlan {
    common::plan(&common::rich_film())
}

#[test]
fn timing_of_the_rich_film() {
    let s = plan().schedule;
    let starts: Vec<u32> = s.shots.iter().map(|s| s.start_frame.0).collect();
    // opening 0..144; reply dissolves 24 → 120..192; table fades 24 → 192..288; window wipes 12 → 276..324
    assert_eq!(starts, vec![0, 120, 192, 276]);
    assert_eq!(s.frames.0, 324);
    assert_eq!(
        s.shots[3].transition_out.unwrap().kind,
        TransitionKind::FadeToBlack
    );
}

#[test]
fn prompt_text_is_composed_in_order() {
    let s = plan().schedule;
    let opening = &s.shots[0];
    // Frame 0, Aiko coming into view (24), the written text at 72.
    let frames: Vec<u32> = opening.prompt_keyframes.iter().map(|k| k.frame.0).collect();
    assert_eq!(frames, vec![0, 24, 72]);
    let k0 = &opening.prompt_keyframes[0];
    // Aiko is still off screen until frame 24. The shot's own words come first, what every shot
    // there shares last.
    assert_eq!(
        k0.text,
        "rain falls in silver streaks. wide shot, eye level, the camera slowly dollies in. \
         anamorphic, teal and orange grade, 35mm film grain, shallow depth of field. \
         a neon-lit Tokyo street, wet asphalt reflecting shop signs. at night, in the rain."
    );
    assert_eq!(k0.shot_text, "rain falls in silver streaks");
    let k1 = &opening.prompt_keyframes[1];
    assert_eq!(
        k1.shot_text, "rain falls in silver streaks",
        "the text holds"
    );
    assert!(
        k1.text
            .contains("Aiko: a young woman in a red raincoat holding a clear umbrella."),
        "{}",
        k1.text
    );
    assert_eq!(opening.negative, "blurry, watermark, text");
    for row in &opening.prompt_weights {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    }
    assert_eq!(opening.prompt_weights.len(), 144);
    assert_eq!(opening.prompt_weights[48], vec![0.0, 0.5, 0.5]);

    // The table: a frame-0 keyframe leads the written one at 24; the action enters at 24.
    let table = &s.shots[2];
    let frames: Vec<u32> = table.prompt_keyframes.iter().map(|k| k.frame.0).collect();
    assert_eq!(frames, vec![0, 24]);
    assert!(!table.prompt_keyframes[0].text.contains("stirs"));
    assert!(
        table.prompt_keyframes[1]
            .text
            .contains("ken stirs his coffee."),
        "{}",
        table.prompt_keyframes[1].text
    );
    assert!(table.prompt_keyframes[1]
        .text
        .ends_with("a small warm cafe. at dusk, clear weather."));
    assert!(
        table
            .camera_text
            .starts_with("medium shot, eye level, 50mm lens, the camera"),
        "{}",
        table.camera_text
    );
}

#[test]
fn look_and_settings_resolve() {
    let s = plan().schedule;
    let o = &s.shots[0];
    assert_eq!(
        (o.look.name.as_deref(), o.look.grade.as_str()),
        (Some("cinematic"), "teal_orange")
    );
    assert_eq!((o.guidance, o.steps, o.strength), (3.5, 40, 1.0));
    let w = &s.shots[3];
    assert_eq!((w.guidance, w.strength), (5.0, 0.6));
    assert_eq!(
        (
            w.setting.location.as_str(),
            w.setting.time.as_str(),
            w.setting.weather.as_str()
        ),
        ("cafe", "dusk", "clear")
    );
}

#[test]
fn audio_timeline() {
    let s = plan().schedule;
    // Shot cue: thunder at 2s of the opening until the scene ends (frame 192).
    let thunder = &s.shots[0].audio[0];
    assert_eq!(
        (
            thunder.sound.as_str(),
            thunder.start_frame.0,
            thunder.frames.0
        ),
        ("thunder", 48, 192 - 48)
    );
    let film: Vec<(&str, SoundRole, u32, u32, u32, bool)> = s
        .audio
        .iter()
        .map(|a| {
            (
                a.sound.as_str(),
                a.role,
                a.start_frame.0,
                a.frames.0,
                a.fade_out_frames.0,
                a.looped,
            )
        })
        .collect();
    assert_eq!(
        film,
        vec![
            ("audio/rain.ogg", SoundRole::Ambience, 0, 192, 0, true),
            // theme plays from the scene's start until `at 2s stop theme fade out 1s` in reply (120 + 48).
            ("theme", SoundRole::Music, 0, 168, 24, false),
            ("thunder", SoundRole::Sfx, 48, 144, 0, false),
        ]
    );
    assert_eq!(s.audio[1].fade_in_frames.0, 48);
    let d = &s.shots[1].dialogue[0];
    assert_eq!(
        (d.character.as_str(), d.name.as_str(), d.voice.as_str()),
        ("aiko", "Aiko", "soft alto, calm")
    );
    assert_eq!(
        (d.start_frame.0, d.end_frame.0, d.parenthetical.as_deref()),
        (0, 32, Some("whispering"))
    );
    assert_eq!(s.shots[0].titles[0].text, "Tokyo, 1999");
}

#[test]
fn conditioning_items() {
    let s = plan().schedule;
    let reply = &s.shots[1];
    assert_eq!(reply.continues.as_deref(), Some("opening"));
    assert_eq!(reply.conditioning.len(), 2);
    assert_eq!(
        reply.conditioning[0].source,
        ConditioningSource::LastFrameOf {
            shot: "opening".into()
        }
    );
    assert_eq!(
        (
            reply.conditioning[0].frame.0,
            reply.conditioning[0].strength
        ),
        (0, 1.0)
    );
    assert!(
        matches!(&reply.conditioning[1].source, ConditioningSource::Reference { character, .. } if character == "aiko")
    );
    assert_eq!(reply.conditioning[1].strength, 0.5);
    let table = &s.shots[2];
    let last = table.conditioning.last().unwrap();
    assert!(
        matches!(&last.source, ConditioningSource::Image { path, .. } if path == "keys/table.png")
    );
    assert_eq!((last.frame.0, last.strength), (95, 1.0));
}

#[test]
fn graph_orders_continues_and_waves() {
    let p = plan();
    let g = &p.graph;
    let names = |is: &[usize]| {
        is.iter()
            .map(|&i| g.node(i).name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(g.render_order()),
        vec!["opening", "reply", "table", "window"]
    );
    let waves: Vec<Vec<String>> = g.waves().iter().map(|w| names(w)).collect();
    assert_eq!(
        waves,
        vec![
            vec!["opening".to_string(), "table".into()],
            vec!["reply".into(), "window".into()]
        ]
    );
    assert_eq!(g.dependents(0), vec![1]);
    assert_eq!(g.upstream(3), vec![2]);
    insta::assert_snapshot!("rich_graph_dot", g.to_dot());
    insta::assert_snapshot!("rich_graph_json", g.to_json());
}

#[test]
fn rich_film_snapshot() {
    let s = plan().schedule;
    // Per-frame tracks are long: snapshot everything else, and the tracks' first and last frames.
    let mut v = serde_json::to_value(&s).unwrap();
    for shot in v["shots"].as_array_mut().unwrap() {
        for key in ["camera", "prompt_weights"] {
            let track = shot[key].as_array().unwrap().clone();
            shot[key] = serde_json::json!([track.first(), track.last()]);
        }
        for subject in shot["subjects"].as_array_mut().unwrap() {
            let boxes = subject["boxes"].as_array().unwrap().clone();
            subject["boxes"] = serde_json::json!([boxes.first(), boxes.last()]);
        }
    }
    // Sorted keys whatever map serde_json was built with (`c2pa` turns on `preserve_order`).
    v.sort_all_objects();
    insta::assert_json_snapshot!("rich_film_schedule", v);
}

#[test]
fn two_shot_film_snapshot() {
    let s = common::plan(&common::simple(&[("a", 3), ("b", 2)])).schedule;
    insta::assert_json_snapshot!("two_shot_schedule", s);
}
