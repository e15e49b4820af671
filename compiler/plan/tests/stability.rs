//! Editing or moving one shot leaves every other shot's schedule unchanged, except where it
//! starts in the film (`start_frame`) and, for sound cues that keep playing across the edited
//! shot, how long they last (`audio[].frames`).

mod common;

use common::*;
use scene_check::film::Framing;
use scene_check::film::{
    AudioSource, Ease, Film, MoveKind, PresetRef, SoundRole, TimeOfDay, TransitionKind, Weather,
};
use scene_check::units::{Angle, Frames};
use scene_plan::schedule::ShotSchedule;

/// Four shots in one scene with characters, prompts, camera moves, a handheld shot, and a sound
/// started in the first shot that plays to the scene's end. `order` lists the shots to include,
/// in play order, by their index in the base list.
fn film(order: &[usize], edit: impl Fn(&str, &mut scene_check::film::Shot)) -> Film {
    let mut b = FilmBuilder::new("Stable");
    let aiko = b.character("aiko", "a young woman in a red raincoat");
    let ken = b.character("ken", "a tall man in a grey coat");
    let rain = b.sound("rain", SoundRole::Sfx, "audio/rain.wav", -6.0);
    let loc = b.location(
        "street",
        "a neon-lit street",
        TimeOfDay::Night,
        Weather::Rain,
    );
    let scene = b.scene("arrival", loc);
    let base: [(&str, u32); 4] = [("opening", 144), ("reply", 72), ("walk", 96), ("close", 48)];
    for &i in order {
        let (name, frames) = base[i];
        let id = b.shot(scene, name, frames);
        match name {
            "opening" => {
                b.camera_moves(
                    id,
                    Some(PresetRef::Framing(Framing::Wide)),
                    vec![mv(MoveKind::Pan(Angle(20.0)), 0, 144, Ease::InOut)],
                );
                b.block(
                    id,
                    aiko,
                    vec![key(0, -0.15, FEET, 1.0), key(96, CENTER, FEET, 1.0)],
                );
                b.prompt(id, 0, "rain falls in silver streaks");
                b.prompt(id, 72, "a train passes behind her");
                b.play(id, AudioSource::Sound(rain), 24, -3.0);
            }
            "reply" => {
                b.camera_moves(id, Some(PresetRef::Framing(Framing::Closeup)), vec![]);
                b.shot_mut(id).camera.on = Some(aiko.into());
                b.block(id, aiko, vec![key(0, CENTER, FEET, 1.0)]);
                b.shot_mut(id).transition_in = transition(TransitionKind::Dissolve, 12);
            }
            "walk" => {
                b.camera_moves(
                    id,
                    Some(PresetRef::Framing(Framing::Full)),
                    vec![mv(MoveKind::Handheld, 0, 96, Ease::InOut)],
                );
                b.block(
                    id,
                    ken,
                    vec![key(0, RIGHT, FEET, 1.0), key(48, LEFT, FEET, 1.0)],
                );
                b.block(id, aiko, vec![key(0, LEFT, FEET, 1.0)]);
            }
            _ => {
                b.prompt(id, 0, "the umbrella closes");
                b.shot_mut(id).transition_in = transition(TransitionKind::Fade, 12);
            }
        }
        edit(name, b.shot_mut(id));
    }
    b.build()
}

fn by_name(film: &Film) -> Vec<ShotSchedule> {
    let mut shots = common::plan(film).schedule.shots;
    shots.sort_by(|a, b| a.name.cmp(&b.name));
    shots
}

/// The parts of a schedule that must not depend on other shots.
fn normalised(mut s: ShotSchedule) -> ShotSchedule {
    s.start_frame = scene_plan::schedule::Frame(0);
    for a in &mut s.audio {
        a.frames = scene_plan::schedule::FrameCount(0);
    }
    s
}

fn assert_only(edited: &str, before: &Film, after: &Film) {
    let (a, b) = (by_name(before), by_name(after));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.into_iter().zip(b) {
        if x.name == edited {
            continue;
        }
        assert_eq!(normalised(x), normalised(y));
    }
}

const ALL: [usize; 4] = [0, 1, 2, 3];

#[test]
fn editing_a_shots_length_changes_no_other_shot() {
    let before = film(&ALL, |_, _| {});
    let after = film(&ALL, |name, shot| {
        if name == "reply" {
            shot.frames = Frames(120);
        }
    });
    assert_only("reply", &before, &after);
    // What does change: later shots start later, and the rain that plays across it lasts longer.
    let (a, b) = (
        common::plan(&before).schedule,
        common::plan(&after).schedule,
    );
    assert_eq!(b.shots[2].start_frame.0, a.shots[2].start_frame.0 + 48);
    assert_eq!(
        b.shots[0].audio[0].frames.0,
        a.shots[0].audio[0].frames.0 + 48
    );
    assert_eq!(a.shots[0].seed, b.shots[0].seed);
}

#[test]
fn editing_a_shots_text_changes_no_other_shot() {
    let before = film(&ALL, |_, _| {});
    let after = film(&ALL, |name, shot| {
        if name == "walk" {
            shot.prompts.push(scene_check::film::PromptKey {
                frame: Frames(10),
                text: "puddles".into(),
                span: span(),
            });
        }
    });
    assert_only("walk", &before, &after);
    let (a, b) = (by_name(&before), by_name(&after));
    assert!(a
        .iter()
        .zip(&b)
        .all(|(x, y)| x.start_frame == y.start_frame));
}

#[test]
fn reordering_shots_changes_no_shot_but_where_it_starts() {
    let before = film(&ALL, |_, _| {});
    let after = film(&[0, 2, 1, 3], |_, _| {});
    assert_only("", &before, &after);
}

#[test]
fn removing_a_shot_keeps_every_other_seed() {
    let before = by_name(&film(&ALL, |_, _| {}));
    let after = by_name(&film(&[0, 2, 3], |_, _| {}));
    for s in &after {
        let old = before.iter().find(|o| o.name == s.name).unwrap();
        assert_eq!(old.seed, s.seed, "{}", s.name);
        assert_eq!(old.camera, s.camera, "{}", s.name);
    }
}

#[test]
fn seeds_come_from_the_film_seed_and_the_name_or_an_override() {
    let mut f = film(&ALL, |name, shot| {
        if name == "close" {
            shot.overrides.seed = Some(1234);
        }
    });
    let plan = common::plan(&f);
    let seeds: Vec<u64> = plan.schedule.shots.iter().map(|s| s.seed).collect();
    assert_eq!(seeds[0], scene_plan::seed::derived_seed(7, "opening"));
    assert_eq!(seeds[3], 1234);
    let mut unique = seeds.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seeds.len());
    f.seed = 8;
    let reseeded = common::plan(&f);
    assert_ne!(reseeded.schedule.shots[0].seed, seeds[0]);
    assert_eq!(reseeded.schedule.shots[3].seed, 1234);
}

#[test]
fn planning_is_deterministic_to_the_byte() {
    let f = film(&ALL, |_, _| {});
    let a = serde_json::to_string(&common::plan(&f).schedule).unwrap();
    let b = serde_json::to_string(&common::plan(&f).schedule).unwrap();
    assert_eq!(a, b);
}
