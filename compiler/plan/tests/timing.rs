//! Exact frame timing for every transition kind (docs/language.md §16).

mod common;

use common::*;
use scene_check::film::{Film, TransitionKind as K};
use scene_plan::schedule::{FrameCount, TransitionKind};

/// Two shots of 48 and 72 frames joined by `kind` over `d` frames.
fn pair(kind: K, d: u32) -> Film {
    let mut film = simple(&[("a", 48), ("b", 72)]);
    film.shots[1].transition_in = transition(kind, d);
    film
}

fn starts(film: &Film) -> (Vec<u32>, u32) {
    let plan = common::plan(film);
    (
        plan.schedule
            .shots
            .iter()
            .map(|s| s.start_frame.0)
            .collect(),
        plan.schedule.frames.0,
    )
}

#[test]
fn cut_starts_on_the_frame_after() {
    assert_eq!(starts(&pair(K::Cut, 0)), (vec![0, 48], 120));
    let plan = common::plan(&pair(K::Cut, 0));
    assert_eq!(
        plan.schedule.shots[1].transition_in.kind,
        TransitionKind::Cut
    );
    assert_eq!(plan.schedule.shots[1].transition_in.frames, FrameCount(0));
}

#[test]
fn dissolve_and_wipes_overlap_by_their_length() {
    for kind in [K::Dissolve, K::WipeLeft, K::WipeRight] {
        let (s, frames) = starts(&pair(kind, 24));
        assert_eq!(s, vec![0, 24], "{kind:?}");
        // The film is D shorter than the sum of its shots.
        assert_eq!(frames, 48 + 72 - 24, "{kind:?}");
    }
    let plan = common::plan(&pair(K::WipeLeft, 12));
    let t = plan.schedule.shots[1].transition_in;
    assert_eq!(
        (t.kind, t.frames.0, t.overlap_frames()),
        (TransitionKind::WipeLeft, 12, 12)
    );
}

#[test]
fn fade_goes_through_black_without_overlap() {
    let (s, frames) = starts(&pair(K::Fade, 25));
    assert_eq!(s, vec![0, 48]);
    assert_eq!(frames, 120);
    let plan = common::plan(&pair(K::Fade, 25));
    let t = plan.schedule.shots[1].transition_in;
    assert_eq!(t.kind, TransitionKind::Fade);
    assert_eq!(t.overlap_frames(), 0);
    // Odd lengths: the previous shot fades out over D/2 rounded down, the next in over the rest.
    assert_eq!((t.fade_out_frames(), t.fade_in_frames()), (12, 13));
}

#[test]
fn fade_to_black_fades_the_last_shot_without_changing_length() {
    let mut film = simple(&[("a", 48), ("b", 72)]);
    film.shots[1].fade_out = Some(transition(K::FadeToBlack, 24));
    let plan = common::plan(&film);
    assert_eq!(plan.schedule.frames.0, 120);
    let out = plan.schedule.shots[1].transition_out.unwrap();
    assert_eq!((out.kind, out.frames.0), (TransitionKind::FadeToBlack, 24));
    assert!(plan.schedule.shots[0].transition_out.is_none());
}

#[test]
fn the_first_shot_starts_on_a_cut_at_zero() {
    let plan = common::plan(&simple(&[("only", 30)]));
    let s = &plan.schedule.shots[0];
    assert_eq!(
        (
            s.start_frame.0,
            s.transition_in.kind,
            plan.schedule.frames.0
        ),
        (0, TransitionKind::Cut, 30)
    );
}

#[test]
fn mixed_chain_and_scene_spans() {
    // scene one: a(48) dissolve 12 b(60) cut c(30); scene two, joined by a fade 20: d(40) wipe 10 e(50)
    let mut b = FilmBuilder::new("Chain");
    let street = b.location(
        "street",
        "a street",
        scene_check::film::TimeOfDay::Day,
        scene_check::film::Weather::Clear,
    );
    let park = b.location(
        "park",
        "a park",
        scene_check::film::TimeOfDay::Dusk,
        scene_check::film::Weather::Fog,
    );
    let one = b.scene("one", street);
    let two = b.scene("two", park);
    b.shot(one, "a", 48);
    let sb = b.shot(one, "b", 60);
    b.shot(one, "c", 30);
    let sd = b.shot(two, "d", 40);
    let se = b.shot(two, "e", 50);
    b.shot_mut(sb).transition_in = transition(K::Dissolve, 12);
    b.film.scenes[two.index()].transition_in = Some(transition(K::Fade, 20));
    b.shot_mut(sd).transition_in = transition(K::Fade, 20);
    b.shot_mut(se).transition_in = transition(K::WipeRight, 10);
    let plan = common::plan(&b.build());
    let s: Vec<u32> = plan
        .schedule
        .shots
        .iter()
        .map(|s| s.start_frame.0)
        .collect();
    assert_eq!(s, vec![0, 36, 96, 126, 156]);
    assert_eq!(plan.schedule.frames.0, 206);
    let spans: Vec<(String, String, u32, u32)> = plan
        .schedule
        .scenes
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.location.clone(),
                s.start_frame.0,
                s.frames.0,
            )
        })
        .collect();
    assert_eq!(
        spans,
        vec![
            ("one".into(), "street".into(), 0, 126),
            ("two".into(), "park".into(), 126, 80)
        ]
    );
}

#[test]
fn a_dissolve_between_scenes_overlaps_the_scenes() {
    let mut b = FilmBuilder::new("Scenes");
    let street = b.location(
        "street",
        "a street",
        scene_check::film::TimeOfDay::Day,
        scene_check::film::Weather::Clear,
    );
    let one = b.scene("one", street);
    let two = b.scene("two", street);
    b.shot(one, "a", 48);
    let s2 = b.shot(two, "b", 48);
    b.shot_mut(s2).transition_in = transition(K::Dissolve, 24);
    let plan = common::plan(&b.build());
    assert_eq!(plan.schedule.shots[1].start_frame.0, 24);
    assert_eq!(plan.schedule.scenes[1].start_frame.0, 24);
    assert_eq!(plan.schedule.frames.0, 72);
}
